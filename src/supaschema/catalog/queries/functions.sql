-- Functions and procedures in the managed schemas, not owned by extensions. A function is known
-- by its name and input types; names, modes and defaults of its parameters are compared as
-- `arguments`. The owner is read for SECURITY DEFINER functions only (drift.compare).
SELECT n.nspname AS schema,
       p.proname AS name,
       pg_catalog.oidvectortypes(p.proargtypes) AS argument_types,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       l.lanname AS language,
       p.prosecdef AS security_definer,
       CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END AS volatility,
       p.proisstrict AS strict,
       p.proleakproof AS leakproof,
       CASE p.proparallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END AS parallel,
       p.procost::text AS cost,
       p.prorows::text AS rows,
       ARRAY(SELECT s FROM pg_catalog.unnest(p.proconfig) AS s ORDER BY 1) AS config,
       coalesce(pg_catalog.pg_get_function_sqlbody(p.oid), p.prosrc) AS body,
       pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
       pg_catalog.pg_get_userbyid(p.proowner)::text AS owner,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS signature,
       p.pronargdefaults::int AS default_count,
       pg_catalog.pg_get_functiondef(p.oid) AS definition
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                    AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
