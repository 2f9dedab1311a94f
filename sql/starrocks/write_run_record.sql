-- Writes a run's row into the run record table ({{table}}); the Primary Key replaces an earlier
-- row of the same run. {{values}}: the quoted literals, in this column order.
INSERT INTO {{table}} (`run_id`, `status`, `snapshot_name`, `snapshot_lsn`, `snapshot_time`, `slot_name`, `publication`,
                       `created_publication`, `source`, `started_at`, `finished_at`, `total_rows`, `total_bytes`,
                       `tables_json`, `plan_json`, `error`)
VALUES ({{values}})
