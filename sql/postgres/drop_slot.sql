-- Drops a replication slot pg2sr created ($1 = name) unless a consumer (Debezium) is attached.
SELECT pg_drop_replication_slot(slot_name) IS NULL AS dropped, active
FROM pg_replication_slots
WHERE slot_name = $1 AND NOT active;
