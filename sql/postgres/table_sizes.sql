-- Sizes the chunk planner needs ($1 = oid[]), from the relation files (not the planner's
-- statistics, so they are right on a never-analyzed table). Opening a relation takes
-- ACCESS SHARE: run this after the tables are locked.
--   table_bytes   heap + TOAST (+ FSM/VM), without indexes: what a COPY reads
--   heap_blocks   blocks of the main fork: the ctid range to split
SELECT t.oid::text                                                   AS oid,
       pg_table_size(t.oid)                                          AS table_bytes,
       pg_relation_size(t.oid) / current_setting('block_size')::bigint AS heap_blocks
FROM unnest($1::oid[]) AS t(oid);
