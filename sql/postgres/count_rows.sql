-- pg2sr verify: rows of a never-analyzed table ({{only}}{{table}}, with the seed's row filter {{where}}), to size its chunks.
SELECT count(*) FROM {{only}}{{table}}{{where}}
