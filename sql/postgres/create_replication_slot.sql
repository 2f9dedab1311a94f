-- On a replication connection: the logical slot Debezium will stream from ({{slot}}), exporting
-- the snapshot the seed reads, so the copy and the stream start at exactly the same point.
CREATE_REPLICATION_SLOT {{slot}} LOGICAL pgoutput (SNAPSHOT 'export')
