-- Reads one run's row ({{run_id}}) from the run record table ({{table}}).
SELECT `run_id`, `status`, `snapshot_name`, `snapshot_lsn`, `snapshot_time`, `slot_name`, `publication`, `created_publication`,
       `source`, `started_at`, `finished_at`, `total_rows`, `total_bytes`, `tables_json`, `plan_json`, `error`
FROM {{table}}
WHERE `run_id` = {{run_id}}
