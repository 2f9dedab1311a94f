-- pg2sr verify: every row of a table in the snapshot, each column rendered by its mapping's
-- verify expression (the value StarRocks must hold), in COPY text format. No ORDER BY and no
-- collation-dependent predicate: pg2sr assigns each row to its chunk itself. {{only}}: ONLY for
-- a plain table; {{where}}: the seed's row filter or empty.
COPY (SELECT {{columns}} FROM {{only}}{{table}}{{where}}) TO STDOUT
