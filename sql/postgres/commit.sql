-- Ends a read transaction (the exporting one: the snapshot ends with it).
COMMIT
