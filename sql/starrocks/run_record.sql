-- The run record: one row per pg2sr run, in the target database. A Primary Key table, so
-- writing a run's row again replaces it. Chunk-level progress lives in the Stream Load labels.
-- {{table}}: --run-record-table; {{properties}}: a PROPERTIES clause or empty.
CREATE TABLE IF NOT EXISTS {{table}} (
    `run_id`          VARCHAR(128) NOT NULL COMMENT 'pg2sr run id',
    `status`          VARCHAR(32)  NULL COMMENT 'running, completed, failed, interrupted',
    `snapshot_name`   VARCHAR(128) NULL COMMENT 'exported PostgreSQL snapshot',
    `snapshot_lsn`    VARCHAR(32)  NULL COMMENT 'WAL position of the snapshot',
    `snapshot_time`   DATETIME     NULL COMMENT 'server clock at the snapshot, UTC',
    `slot_name`       VARCHAR(128) NULL COMMENT 'replication slot whose snapshot was used',
    `publication`     VARCHAR(128) NULL COMMENT 'publication the slot decodes',
    `created_publication` BOOLEAN  NULL COMMENT 'pg2sr created the publication (cleanup drops it)',
    `source`          VARCHAR(512) NULL COMMENT 'source user@host:port/db (no password)',
    `started_at`      DATETIME     NULL COMMENT 'UTC',
    `finished_at`     DATETIME     NULL COMMENT 'UTC',
    `total_rows`      BIGINT       NULL,
    `total_bytes`     BIGINT       NULL,
    `tables_json`     VARCHAR(1048576) NULL COMMENT 'per table: rows, bytes, chunks, target',
    `plan_json`       VARCHAR(1048576) NULL COMMENT 'chunk plan, reused on resume',
    `error`           VARCHAR(4096) NULL
) PRIMARY KEY (`run_id`)
DISTRIBUTED BY HASH (`run_id`) BUCKETS 1
{{properties}};
