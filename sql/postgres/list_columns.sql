-- Columns of the selected tables ($1 = oid[]), with domains resolved to their base type and
-- arrays to their element type: the type mapping works on base types.
WITH cols AS (
    SELECT a.attrelid AS table_oid, a.attnum, a.attname, a.attnotnull, a.attndims,
           format_type(a.atttypid, a.atttypmod) AS declared_type,
           CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END AS type_oid,
           CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
)
SELECT c.table_oid::text                          AS table_oid,
       c.attnum                                   AS position,
       c.attname                                  AS column_name,
       c.attnotnull                               AS not_null,
       c.declared_type                            AS declared_type,
       format_type(c.type_oid, c.typmod)          AS base_type,
       bt.typname                                 AS base_type_name,
       bt.typtype::text                           AS base_type_kind,
       bt.typcategory::text                       AS base_type_category,
       et.typname                                 AS element_type_name,
       CASE WHEN et.oid IS NOT NULL THEN format_type(et.oid, c.typmod) END AS element_type,
       et.typtype::text                           AS element_type_kind,
       c.typmod                                   AS typmod,
       c.attndims                                 AS array_dimensions,
       coalesce(array_position(pk.conkey, c.attnum), 0) AS primary_key_position
FROM cols c
JOIN pg_type bt ON bt.oid = c.type_oid
LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
LEFT JOIN pg_constraint pk ON pk.conrelid = c.table_oid AND pk.contype = 'p'
ORDER BY c.table_oid, c.attnum;
