-- Privileges of the watched roles on managed tables, views, their columns, sequences, types and functions,
-- one row per grantee and
-- object. A NULL ACL means the defaults, which for functions include EXECUTE for PUBLIC:
-- acldefault makes that visible. With all_roles, every role but the owner, PostgreSQL's own
-- (pg_*) and Supabase's internal ones is watched.
WITH acl AS (
    SELECT 'table' AS object_kind, n.nspname AS schema, c.relname AS name, NULL::text AS arguments, c.relowner AS owner,
           pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) AS a
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND NOT c.relispartition
      AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    -- Column privileges: only where a column has its own ACL (the name travels in `arguments`).
    SELECT 'column', n.nspname, c.relname, a.attname::text, c.relowner, pg_catalog.aclexplode(a.attacl)
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attacl IS NOT NULL
      AND a.attnum > 0
      AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p')
      AND NOT c.relispartition
      AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT 'sequence', n.nspname, c.relname, NULL, c.relowner,
           pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('s', c.relowner)))
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S'
      AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    -- Domains and composite types (USAGE; PUBLIC has it by default).
    SELECT 'type', n.nspname, t.typname, NULL, t.typowner,
           pg_catalog.aclexplode(coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner)))
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('d', 'c')
      AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT 'schema', n.nspname, n.nspname, NULL, n.nspowner,
           pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)))
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname = ANY(%(schemas)s)
      AND n.nspname <> 'public'
    UNION ALL
    SELECT 'function', n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes), p.proowner,
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
           (a).privilege_type AS privilege, (a).is_grantable AS grantable, (a).grantee = owner AS by_owner
    FROM acl
)
SELECT object_kind, schema, name, arguments, grantee,
       array_agg(privilege ORDER BY privilege) AS privileges,
       coalesce(array_agg(privilege ORDER BY privilege) FILTER (WHERE grantable), '{}') AS grantable
FROM watched
WHERE grantee = ANY(%(roles)s) OR grantee = 'public'
   OR (%(all_roles)s AND NOT by_owner AND grantee NOT LIKE 'pg\_%%' AND grantee <> ALL(%(internal_roles)s))
GROUP BY object_kind, schema, name, arguments, grantee
ORDER BY 1, 2, 3, 4, 5
