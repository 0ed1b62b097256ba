-- Table constraints (NOT NULL is a column property here); definitions from pg_get_constraintdef.
-- The last four columns are read by lint, not compared: key column names, the backing index of a
-- primary key, unique or exclusion constraint, and for a foreign key the table and the kind of key it points at.
SELECT n.nspname AS schema,
       c.relname AS table,
       con.conname AS name,
       CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key'
                        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' END AS type,
       pg_catalog.pg_get_constraintdef(con.oid) AS definition,
       con.convalidated AS validated,
       ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.i) AS columns,
       CASE WHEN con.contype IN ('p', 'u', 'x') THEN pg_catalog.pg_get_indexdef(con.conindid) END AS index_definition,
       CASE WHEN con.contype = 'f' THEN CASE WHEN ri.indisprimary THEN 'primary key' WHEN ri.indisunique THEN 'unique' END
       END AS referenced_key,
       CASE WHEN con.contype = 'f' THEN rn.nspname || '.' || rc.relname END AS referenced_table
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_index ri ON ri.indexrelid = con.conindid AND con.contype = 'f'
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')
  AND c.relkind IN ('r', 'p')
  AND n.nspname = ANY(%(schemas)s)
ORDER BY 1, 2, 3
