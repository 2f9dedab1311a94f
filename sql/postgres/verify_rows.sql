-- pg2sr verify: every row of a table in the snapshot, each column rendered by its mapping's
-- verify expression (the value StarRocks must hold), in COPY text format. No ORDER BY and no
-- collation-dependent predicate: pg2sr assigns each row to its chunk itself.
COPY (SELECT {{columns}} FROM {{table}}{{where}}) TO STDOUT
