-- Tables of a publication ($1 = name), as schema.table text.
SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS table_name
FROM pg_publication_tables WHERE pubname = $1;
