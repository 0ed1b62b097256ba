-- The role that owns the project: the one schema.yaml names, else the owner of most managed
-- tables, else whoever is reading. A SECURITY DEFINER function runs as its owner, so its owner
-- is compared with this one.
SELECT coalesce(%(owner)s::text,
                (SELECT pg_catalog.pg_get_userbyid(c.relowner)::text
                 FROM pg_catalog.pg_class c
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%(schemas)s)
                 GROUP BY c.relowner
                 ORDER BY pg_catalog.count(*) DESC, 1
                 LIMIT 1),
                current_user::text) AS owner
