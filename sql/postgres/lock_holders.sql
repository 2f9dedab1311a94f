-- Who holds or waits for a lock on a table ($1 = oid): named in lock-timeout errors.
SELECT l.pid, l.mode, l.granted, coalesce(a.application_name, '') AS application_name
FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.relation = $1::oid AND l.pid <> pg_backend_pid()
ORDER BY l.granted DESC, l.pid;
