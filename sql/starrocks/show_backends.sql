-- The BEs and whether they are alive: the default replication_num of created tables is min(3, alive).
SHOW BACKENDS
