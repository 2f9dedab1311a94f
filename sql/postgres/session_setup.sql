-- Every pg2sr session renders values the same way, whatever the server's defaults.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
SET client_encoding = 'UTF8';
SET statement_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
-- Plans: a chunk is one Tid Range Scan and pg2sr's --jobs is the parallelism. JIT would compile
-- the SELECT list of every large chunk again in every session (~0.5 s each, measured in
-- bench/ANALYSIS.md); a parallel plan turns a ctid range into a filter over a scan of the
-- whole table, per chunk.
SET jit = off;
SET max_parallel_workers_per_gather = 0;
