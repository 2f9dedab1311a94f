-- Tables ($1 = oid[]) whose replica identity makes CDC lossy or breaks writes once published:
--   no_identity: REPLICA IDENTITY DEFAULT without a primary key (or NOTHING): once in a
--                publication, UPDATE and DELETE on the source fail.
--   toast_risk:  REPLICA IDENTITY DEFAULT or USING INDEX with out-of-line-able columns: an UPDATE
--                that leaves such a value unchanged reaches Debezium as __debezium_unavailable_value
--                (or, for many array types, as NULL).
SELECT c.oid::text AS table_oid,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_name,
       c.relreplident::text AS replica_identity,
       (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (
            SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p'))) AS no_identity,
       (c.relreplident IN ('d', 'i') AND EXISTS (
            SELECT 1 FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage <> 'p')) AS toast_risk
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY ($1::oid[]);
