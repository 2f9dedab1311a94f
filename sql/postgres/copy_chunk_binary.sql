-- The COPY one chunk runs on the binary path: {{select}} is CopyStatement.binarySelect — plain
-- columns PostgresBinary decodes, text fallbacks as their SQL rendering. Text values arrive in the
-- session's client_encoding (UTF8, session_setup.sql).
COPY ({{select}}) TO STDOUT (FORMAT binary)
