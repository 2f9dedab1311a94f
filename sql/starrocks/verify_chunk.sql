-- pg2sr verify: the rows of one chunk of a target table (a range of its sort key's first
-- column). VARBINARY columns come back through hex() (text, not raw bytes).
SELECT {{columns}} FROM {{table}}{{where}}
