-- Candidate tables: ordinary and partitioned tables outside the system schemas, with the
-- sizes the chunk planner needs. Sizes come from the relation files (not the planner's
-- statistics), so they are right even on a never-analyzed table.
--   table_bytes   heap + TOAST (+ FSM/VM), without indexes: what a COPY reads
--   heap_blocks   blocks of the main fork: the ctid range to split
SELECT c.oid::text                                   AS oid,
       n.nspname                                     AS schema_name,
       c.relname                                     AS table_name,
       c.relkind::text                               AS kind,
       c.relispartition                              AS is_partition,
       pg_table_size(c.oid)                          AS table_bytes,
       pg_relation_size(c.oid) / current_setting('block_size')::bigint AS heap_blocks,
       greatest(c.reltuples, 0)::bigint              AS estimated_rows,
       c.relreplident::text                          AS replica_identity,
       has_table_privilege(c.oid, 'SELECT')          AS can_select
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp_%'
  AND n.nspname NOT LIKE 'pg_toast_temp_%'
ORDER BY n.nspname, c.relname;
