"""Stage 2: spec -> migration SQL through the Jinja templates; the migration folder on disk."""
