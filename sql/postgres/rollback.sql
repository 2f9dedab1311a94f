-- Abandons a transaction a canceled COPY left aborted.
ROLLBACK
