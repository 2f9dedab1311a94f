-- Candidate tables: ordinary and partitioned tables outside the system schemas. Catalog rows
-- only: nothing here opens a relation, so a table locked by another session cannot make this
-- wait (sizes are read by table_sizes.sql once the selected tables are locked).
SELECT c.oid::text                                   AS oid,
       n.nspname                                     AS schema_name,
       c.relname                                     AS table_name,
       c.relkind::text                               AS kind,
       c.relispartition                              AS is_partition,
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
