-- Views and materialized views in the managed schemas, not owned by extensions. The query text is
-- PostgreSQL's own deparse (pg_get_viewdef), so layout and spelling of the source never show.
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
       coalesce((SELECT pg_catalog.lower(pg_catalog.split_part(o, '=', 2)) IN ('true', 'on', 'yes', '1')
                 FROM pg_catalog.unnest(c.reloptions) AS o
                 WHERE pg_catalog.split_part(o, '=', 1) = 'security_invoker'), false) AS security_invoker,
       ARRAY(SELECT o FROM pg_catalog.unnest(c.reloptions) AS o
             WHERE pg_catalog.split_part(o, '=', 1) <> 'security_invoker' ORDER BY 1) AS options,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
       coalesce(dep.reads, '{}') AS reads,
       coalesce(dep.reads_without_rls, '{}') AS reads_without_rls
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
-- What it selects from (its rewrite rule's dependencies), and which of those have row-level security off:
-- lint asks whether a view exposes auth.users past RLS.
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT rn.nspname || '.' || rc.relname ORDER BY rn.nspname || '.' || rc.relname) AS reads,
           array_agg(DISTINCT rn.nspname || '.' || rc.relname ORDER BY rn.nspname || '.' || rc.relname)
               FILTER (WHERE NOT rc.relrowsecurity) AS reads_without_rls
    FROM pg_catalog.pg_rewrite r
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
    JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE r.ev_class = c.oid AND rc.oid <> c.oid
) AS dep ON true
WHERE c.relkind IN ('v', 'm')
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
