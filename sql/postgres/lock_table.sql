-- Keeps a selected table ({{table}}) from being dropped or rewritten while the run reads it.
LOCK TABLE {{table}} IN ACCESS SHARE MODE
