-- A worker's session: a chunk's COPY waits at most {{milliseconds}} for a table lock (--lock-wait-timeout).
SET lock_timeout = {{milliseconds}}
