-- The StarRocks release (VERSION() answers a fake MySQL version): it decides DECIMAL256 and VARCHAR limits.
SELECT current_version()
