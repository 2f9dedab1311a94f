-- A target table for a planned source table ({{table}}): {{columns}} are its column lines (type,
-- nullability, the PostgreSQL type as comment), {{layout}} its key, distribution and properties.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns}}
)
{{layout}};
