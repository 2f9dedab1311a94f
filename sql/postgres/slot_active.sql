-- Whether a replication slot ($1 = name) exists and a consumer (Debezium) is attached to it.
SELECT active FROM pg_replication_slots WHERE slot_name = $1
