-- Privileges of the watched roles on managed tables, views and functions, one row per grantee and
-- object. A NULL ACL means the defaults, which for functions include EXECUTE for PUBLIC:
-- acldefault makes that visible.
WITH acl AS (
    SELECT 'table' AS object_kind, n.nspname AS schema, c.relname AS name, NULL::text AS arguments,
           pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) AS a
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND NOT c.relispartition
      AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT 'schema', n.nspname, n.nspname, NULL,
           pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)))
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname = ANY(%(schemas)s)
      AND n.nspname <> 'public'
    UNION ALL
    SELECT 'function', n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes),
           pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)))
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p')
      AND n.nspname = ANY(%(schemas)s)
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                        AND d.objid = p.oid AND d.deptype = 'e')
), watched AS (
    SELECT object_kind, schema, name, arguments,
           CASE WHEN (a).grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid((a).grantee)::text END AS grantee,
           (a).privilege_type AS privilege, (a).is_grantable AS grantable
    FROM acl
)
SELECT object_kind, schema, name, arguments, grantee,
       array_agg(privilege ORDER BY privilege) AS privileges,
       coalesce(array_agg(privilege ORDER BY privilege) FILTER (WHERE grantable), '{}') AS grantable
FROM watched
WHERE grantee = ANY(%(roles)s) OR grantee = 'public'
GROUP BY object_kind, schema, name, arguments, grantee
ORDER BY 1, 2, 3, 4, 5
