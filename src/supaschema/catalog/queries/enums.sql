-- Enum types in the managed schemas, not owned by extensions; labels in their sort order, so an
-- enum built with values added one at a time (BEFORE/AFTER) reads like one created whole.
SELECT n.nspname AS schema,
       t.typname AS name,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values,
       ARRAY(SELECT DISTINCT cn.nspname || '.' || c.relname || '.' || a.attname
             FROM pg_catalog.pg_attribute a
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
             JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
             WHERE a.atttypid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY 1) AS used_by
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
