-- Indexes (of tables and materialized views) that are not the backing index of a primary key, unique or exclusion constraint.
-- key_columns (read by lint, not compared): the key columns in order, '' for an expression.
SELECT n.nspname AS schema,
       c.relname AS table,
       ic.relname AS name,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
       pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment,
       ARRAY(SELECT coalesce(a.attname::text, '')
             FROM pg_catalog.generate_series(0, i.indnkeyatts - 1) AS k(i)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.i]
             ORDER BY k.i) AS key_columns
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2, 3
