-- The COPY one chunk runs on the text path: {{select}} is CopyStatement.select — the mapping's
-- rendered SELECT list over the table (ONLY for a plain table) with the subqueries computed once per
-- row, the chunk's range and the user's --where. CSV with \N for NULL: StreamLoadFormat tells
-- StarRocks how to read it.
COPY ({{select}}) TO STDOUT (FORMAT csv, NULL '\N', ENCODING 'UTF8')
