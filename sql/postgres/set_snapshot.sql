-- Makes the transaction just begun read in an exported snapshot ({{snapshot}}: its name).
SET TRANSACTION SNAPSHOT {{snapshot}}
