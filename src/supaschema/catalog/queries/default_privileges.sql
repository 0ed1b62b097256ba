-- What new tables, sequences, functions and types in each managed schema will grant to the watched
-- roles, when the project's owner creates them: the owner's global default ACL (or PostgreSQL's
-- built-in one, which lets PUBLIC execute functions and use types) plus its per-schema entries.
-- `global_privileges` (not compared) says which part only a global REVOKE can take back.
WITH object_types(object_type, code) AS (
    VALUES ('tables', 'r'), ('sequences', 'S'), ('functions', 'f'), ('types', 'T')
), owner AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %(project_owner)s
), schemas AS (
    SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY(%(schemas)s)
), global_acl AS (
    SELECT t.object_type,
           coalesce(d.defaclacl, pg_catalog.acldefault(t.code::"char", o.oid)) AS acl, o.oid AS owner
    FROM object_types t
    CROSS JOIN owner o
    LEFT JOIN pg_catalog.pg_default_acl d
           ON d.defaclrole = o.oid AND d.defaclnamespace = 0 AND d.defaclobjtype = t.code::"char"
), entries AS (
    SELECT s.nspname AS schema, g.object_type, true AS global, g.owner, pg_catalog.aclexplode(g.acl) AS a
    FROM schemas s CROSS JOIN global_acl g
    UNION ALL
    SELECT s.nspname, t.object_type, false, o.oid, pg_catalog.aclexplode(d.defaclacl)
    FROM pg_catalog.pg_default_acl d
    JOIN schemas s ON s.oid = d.defaclnamespace
    JOIN owner o ON o.oid = d.defaclrole
    JOIN object_types t ON t.code::"char" = d.defaclobjtype
), watched AS (
    SELECT schema, object_type, global,
           CASE WHEN (a).grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid((a).grantee)::text END AS grantee,
           (a).privilege_type AS privilege, (a).is_grantable AS grantable
    FROM entries
    WHERE (a).grantee <> owner
)
SELECT schema, object_type, grantee,
       array_agg(DISTINCT privilege ORDER BY privilege) AS privileges,
       coalesce(array_agg(DISTINCT privilege ORDER BY privilege) FILTER (WHERE grantable), '{}') AS grantable,
       coalesce(array_agg(DISTINCT privilege ORDER BY privilege) FILTER (WHERE global), '{}') AS global_privileges
FROM watched
WHERE grantee = ANY(%(roles)s) OR grantee = 'public'
   OR (%(all_roles)s AND grantee NOT LIKE 'pg\_%%' AND grantee <> ALL(%(internal_roles)s))
GROUP BY schema, object_type, grantee
ORDER BY 1, 2, 3
