-- Columns of a target table ({{table}} in {{database}}), for the fit check before any data moves;
-- COLUMN_KEY (PRI, UNI, DUP, AGG) also tells whether the table deduplicates by key.
SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, ORDINAL_POSITION
FROM information_schema.columns
WHERE TABLE_SCHEMA = {{database}} AND TABLE_NAME = {{table}}
ORDER BY ORDINAL_POSITION;
