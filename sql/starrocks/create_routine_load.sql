-- One Routine Load job ({{job}}, named by pg2sr) consuming a Debezium topic into {{table}}:
-- {{columns}} binds the jsonpaths to columns and derives values with the mapping's expressions,
-- {{properties}} and {{kafka}} are the quoted "key" = "value" lines of its two clauses.
CREATE ROUTINE LOAD {{database}}.{{job}} ON {{table}}
COLUMNS ({{columns}})
PROPERTIES (
{{properties}}
)
FROM KAFKA (
{{kafka}}
);
