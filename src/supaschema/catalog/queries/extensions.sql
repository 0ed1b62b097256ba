-- Extensions: those schema.yaml declares (wherever they are), and every other one in a managed schema.
-- plpgsql is PostgreSQL's own. `managed`: compared by diff (declared, or schema.yaml lists `extensions:`
-- and owns the list); the others are read for lint only.
SELECT e.extname AS name,
       n.nspname AS schema,
       e.extversion AS version,
       e.extrelocatable AS relocatable,
       (e.extname = ANY(%(extensions)s) OR %(all_extensions)s) AS managed
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
  AND (e.extname = ANY(%(extensions)s) OR n.nspname = ANY(%(schemas)s))
ORDER BY 1
