-- What new tables, sequences, functions and types in each managed schema will grant to the watched
-- roles, when the project's owner creates them: the owner's global default ACL (or PostgreSQL's
-- built-in one, which lets PUBLIC execute functions and use types) plus its per-schema entries.
-- `global_privileges` (not compared) says which part only a global REVOKE can take back.
-- Other creators (ALTER DEFAULT PRIVILEGES FOR ROLE x IN SCHEMA s), when they are watched roles:
-- their per-schema entries only, since their global and built-in defaults hold for every role
-- alike and are no project's statement. Creator '' stands for the project's owner, whoever it is
-- on each side.
WITH object_types(object_type, code) AS (
    VALUES ('tables', 'r'), ('sequences', 'S'), ('functions', 'f'), ('types', 'T')
), owner AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %(project_owner)s
), creators AS (
    SELECT r.oid FROM pg_catalog.pg_roles r
    WHERE r.oid NOT IN (SELECT oid FROM owner)
      AND (r.rolname = ANY(%(roles)s)
           OR (%(all_roles)s AND r.rolname NOT LIKE 'pg\_%%' AND r.rolname <> ALL(%(internal_roles)s)))
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
    SELECT s.nspname AS schema, g.object_type, true AS global, g.owner AS creator, pg_catalog.aclexplode(g.acl) AS a
    FROM schemas s CROSS JOIN global_acl g
    UNION ALL
    SELECT s.nspname, t.object_type, false, d.defaclrole, pg_catalog.aclexplode(d.defaclacl)
    FROM pg_catalog.pg_default_acl d
    JOIN schemas s ON s.oid = d.defaclnamespace
    JOIN object_types t ON t.code::"char" = d.defaclobjtype
    WHERE d.defaclrole IN (SELECT oid FROM owner) OR d.defaclrole IN (SELECT oid FROM creators)
), watched AS (
    SELECT schema, object_type, global,
           CASE WHEN creator IN (SELECT oid FROM owner) THEN '' ELSE pg_catalog.pg_get_userbyid(creator)::text END AS creator,
           CASE WHEN (a).grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid((a).grantee)::text END AS grantee,
           (a).privilege_type AS privilege, (a).is_grantable AS grantable
    FROM entries
    WHERE (a).grantee <> creator
)
SELECT schema, object_type, grantee,
       array_agg(DISTINCT privilege ORDER BY privilege) AS privileges,
       coalesce(array_agg(DISTINCT privilege ORDER BY privilege) FILTER (WHERE grantable), '{}') AS grantable,
       coalesce(array_agg(DISTINCT privilege ORDER BY privilege) FILTER (WHERE global), '{}') AS global_privileges,
       creator
FROM watched
WHERE grantee = ANY(%(roles)s) OR grantee = 'public'
   OR (%(all_roles)s AND grantee NOT LIKE 'pg\_%%' AND grantee <> ALL(%(internal_roles)s))
GROUP BY creator, schema, object_type, grantee
ORDER BY 7, 1, 2, 3
