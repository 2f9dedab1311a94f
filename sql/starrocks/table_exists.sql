-- Whether the target table ({{table}}) exists in the target database ({{database}}).
SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = {{database}} AND TABLE_NAME = {{table}}
