-- Every schema a project may own (for `pull`, which reads all of them): not PostgreSQL's own,
-- not the platform's (internal_schemas), not an extension's.
SELECT n.nspname AS name
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT LIKE 'pg\_%%'
  AND n.nspname <> ALL(%(internal_schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                    AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY 1
