-- Tables referenced by foreign keys of the given tables ($1 = oid[]).
SELECT DISTINCT con.conrelid::text AS table_oid, con.confrelid::text AS referenced_oid
FROM pg_constraint con
WHERE con.contype = 'f' AND con.conrelid = ANY ($1::oid[]);
