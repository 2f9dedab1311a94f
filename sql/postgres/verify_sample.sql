-- pg2sr verify: values of a table's range column (all of them, or a block sample) in the
-- snapshot, rendered like the column's verify expression; pg2sr sorts them the way StarRocks
-- orders them and cuts the table into chunks at their quantiles. {{expression}} is the
-- rendering, {{table}} the table ({{only}}: ONLY for plain tables), {{sample}} a TABLESAMPLE
-- clause or empty, {{where}} the seed's row filter or empty.
SELECT {{expression}} AS value
FROM {{only}}{{table}}{{sample}}{{where}};
