"""supaschema: schema-as-code for Supabase / PostgreSQL.

The pipeline, each folder one stage; imports only point down it:

- sqltext/   quoting names and values, splitting SQL into statements (used by every stage)
- spec/      schema.yaml -> typed spec, with file:line for every problem
- render/    spec -> migration SQL through templates/; the migration folder on disk
- postgres/  servers, connections, throwaway shadow databases
- catalog/   a database -> a plain-data snapshot; the desired, history and live states
- drift/     two snapshots -> drift items -> text or JSON report
- plan/      drift items -> ordered operations -> repair or evolution SQL
- pull/      a live database -> schema.yaml (adoption), the reverse of spec/ + render/
- push.py    applies migration files with Supabase's history
- workflows.py the jobs behind the commands
- cli/         the thin typer layer, one module per command group

errors.py and disk_cache.py are shared by all stages. ARCHITECTURE.md is the map.
"""

__version__ = "0.1.0"
