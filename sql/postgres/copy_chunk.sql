-- The COPY one chunk runs: {{columns}} is the mapping's rendered SELECT list, {{from}} the table
-- (ONLY for a plain table) with the subqueries computed once per row, {{where}} the chunk's range
-- and the user's --where, or empty. CSV with \N for NULL: StreamLoadFormat tells StarRocks how
-- to read it.
COPY (SELECT {{columns}} FROM {{from}}{{where}}) TO STDOUT (FORMAT csv, NULL '\N', ENCODING 'UTF8')
