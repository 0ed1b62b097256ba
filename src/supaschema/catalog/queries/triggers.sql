-- User triggers on managed tables, and on the external tables (auth.users) when they call managed code.
SELECT n.nspname AS schema,
       c.relname AS table,
       t.tgname AS name,
       t.tgtype::int AS type_bits,
       t.tgenabled::text AS enabled,
       fn.nspname || '.' || p.proname AS function,
       pg_catalog.pg_get_triggerdef(t.oid) AS definition
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
WHERE NOT t.tgisinternal
  AND (n.nspname = ANY(%(schemas)s)
       OR (n.nspname || '.' || c.relname = ANY(%(external_tables)s) AND fn.nspname = ANY(%(schemas)s)))
ORDER BY 1, 2, 3
