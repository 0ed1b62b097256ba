"""supaschema: schema-as-code for Supabase / PostgreSQL."""

__version__ = "0.1.0"
