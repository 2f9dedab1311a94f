-- Starts the transaction every pg2sr session reads in: one snapshot for all of its statements.
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY
