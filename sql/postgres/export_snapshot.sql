-- Runs first in the snapshot-holding REPEATABLE READ transaction: exports the snapshot every
-- worker imports and records where it stands in the WAL and on the server's clock (UTC).
SELECT pg_export_snapshot()                                          AS snapshot_name,
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
            ELSE pg_current_wal_lsn() END::text                      AS wal_lsn,
       to_char(clock_timestamp() AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')                      AS server_time;
