-- --create-tables: the target database ({{database}}), unless it exists.
CREATE DATABASE IF NOT EXISTS {{database}}
