-- What a logical replication handoff needs from the server ($1 = slot name, $2 = publication name).
SELECT current_setting('wal_level')                                          AS wal_level,
       current_setting('max_replication_slots')::int                         AS max_slots,
       (SELECT count(*) FROM pg_replication_slots)                           AS used_slots,
       current_setting('max_wal_senders')::int                               AS max_senders,
       (SELECT count(*) FROM pg_stat_replication)                            AS used_senders,
       (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_replicate,
       (SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1)      AS slot_exists,
       (SELECT count(*) FROM pg_publication WHERE pubname = $2)              AS publication_exists;
