-- Objects in the managed schemas of kinds supaschema does not model yet, so that diff can say
-- so instead of staying silent. One branch per kind: remove a kind's branch when it is modelled.
-- Extension members are left out. (Views, enums, sequences, domains and composite types have their own queries.)
-- Also each role outside the watched ones that holds a privilege in scope, or makes default privileges
-- of its own there: its grants are not compared
-- unless asked for (diff --roles, or roles: in schema.yaml), but they are never silently ignored.
WITH relations AS (
    SELECT 'foreign table' AS kind,
           n.nspname AS schema, c.relname::text AS name, NULL::text AS arguments, c.oid AS oid, 'pg_catalog.pg_class'::pg_catalog.regclass AS classid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'f'
      AND n.nspname = ANY(%(schemas)s)
), types AS (
    SELECT CASE t.typtype WHEN 'r' THEN 'range type' ELSE 'base type' END,
           n.nspname, t.typname::text, NULL::text, t.oid, 'pg_catalog.pg_type'::pg_catalog.regclass
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('r', 'b')
      AND t.typcategory <> 'A'
      AND n.nspname = ANY(%(schemas)s)
), routines AS (
    SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
           n.nspname, p.proname::text, pg_catalog.oidvectortypes(p.proargtypes), p.oid,
           'pg_catalog.pg_proc'::pg_catalog.regclass
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('a', 'w')
      AND n.nspname = ANY(%(schemas)s)
), everything AS (
    SELECT * FROM relations UNION ALL SELECT * FROM types UNION ALL SELECT * FROM routines
), acls AS (
    SELECT c.relacl AS acl, c.relowner AS owner
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT a.attacl, c.relowner
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attacl IS NOT NULL AND n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT p.proacl, p.proowner
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT t.typacl, t.typowner
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT n.nspacl, n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY(%(schemas)s)
    UNION ALL
    SELECT d.defaclacl, d.defaclrole
    FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR n.nspname = ANY(%(schemas)s)
), unwatched AS (
    SELECT DISTINCT pg_catalog.pg_get_userbyid((e.a).grantee)::text AS role
    FROM (SELECT pg_catalog.aclexplode(acl) AS a, owner FROM acls WHERE acl IS NOT NULL) e
    WHERE (e.a).grantee <> 0 AND (e.a).grantee <> e.owner AND NOT %(all_roles)s
    UNION
    -- a creator role with default privileges of its own in a managed schema (FOR ROLE x IN SCHEMA s)
    SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text
    FROM pg_catalog.pg_default_acl d JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
    WHERE n.nspname = ANY(%(schemas)s) AND NOT %(all_roles)s
      AND pg_catalog.pg_get_userbyid(d.defaclrole)::text <> %(project_owner)s
)
SELECT kind, schema, name, arguments
FROM everything e
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = e.classid AND d.objid = e.oid AND d.deptype = 'e')
UNION ALL
SELECT 'privileges of role', NULL, role, NULL
FROM unwatched
WHERE role <> ALL(%(roles)s) AND role <> ALL(%(internal_roles)s) AND role NOT LIKE 'pg\_%%'
ORDER BY 1, 2, 3
