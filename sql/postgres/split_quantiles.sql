-- Chunk boundaries for --split-by: the column's quantiles in the snapshot (not equal-width
-- ranges, which a skewed key makes uneven). {{table}}, {{column}} are names, {{only}} is ONLY
-- for a plain table, {{sample}} a TABLESAMPLE clause or empty; $1 = float8[] of fractions.
-- Sorted by value (not by their text), without duplicates.
SELECT q.boundary::text AS boundary
FROM (SELECT DISTINCT unnest(percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY {{column}})) AS boundary
      FROM {{only}}{{table}} {{sample}}
      WHERE {{column}} IS NOT NULL) q
ORDER BY q.boundary;
