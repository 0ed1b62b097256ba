-- User triggers on managed tables, and on the external tables (auth.users) when they call managed code.
-- The WHEN condition is cut out of pg_get_triggerdef (pg_get_expr cannot print OLD and NEW together).
SELECT n.nspname AS schema,
       c.relname AS table,
       t.tgname AS name,
       t.tgtype::int AS type_bits,
       t.tgenabled::text AS enabled,
       fn.nspname || '.' || p.proname AS function,
       t.tgqual IS NOT NULL AS has_when,
       t.tgnargs AS argument_count,
       t.tgargs AS arguments,
       ARRAY(SELECT a.attname::text
             FROM pg_catalog.unnest(t.tgattr::pg_catalog.int2[]) WITH ORDINALITY AS u(attnum, position)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = u.attnum
             ORDER BY u.position) AS update_of,
       t.tgoldtable::text AS old_table,
       t.tgnewtable::text AS new_table,
       pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment,
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
