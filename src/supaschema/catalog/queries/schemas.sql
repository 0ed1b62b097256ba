-- The managed schemas besides public (public always exists; its grants are Supabase's).
SELECT n.nspname AS name,
       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY(%(schemas)s)
  AND n.nspname <> 'public'
ORDER BY 1
