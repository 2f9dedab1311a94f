-- Bounds the wait for the snapshot transaction's table locks ({{milliseconds}}; 0 = no bound again).
SET LOCAL lock_timeout = {{milliseconds}}
