-- Sequences in the managed schemas: standalone ones and those OWNED BY a column they do not feed.
-- Identity sequences, and serial ones (owned by the column whose default calls them), are part of
-- their column and left out here, so nothing is reported twice.
SELECT n.nspname AS schema,
       c.relname AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start,
       s.seqincrement::text AS increment,
       s.seqmin::text AS min,
       s.seqmax::text AS max,
       s.seqcache::text AS cache,
       s.seqcycle AS cycle,
       own_n.nspname AS owned_by_schema,
       own_c.relname AS owned_by_table,
       own_a.attname AS owned_by_column,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend own
       ON own.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.deptype = 'a' AND own.refobjsubid > 0
LEFT JOIN pg_catalog.pg_class own_c ON own_c.oid = own.refobjid
LEFT JOIN pg_catalog.pg_namespace own_n ON own_n.oid = own_c.relnamespace
LEFT JOIN pg_catalog.pg_attribute own_a ON own_a.attrelid = own.refobjid AND own_a.attnum = own.refobjsubid
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                    AND d.deptype IN ('e', 'i'))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad
                  JOIN pg_catalog.pg_depend used
                    ON used.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND used.objid = ad.oid
                   AND used.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND used.refobjid = c.oid
                  WHERE ad.adrelid = own.refobjid AND ad.adnum = own.refobjsubid)
ORDER BY 1, 2
