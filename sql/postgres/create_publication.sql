-- The publication Debezium's pgoutput slot decodes ({{publication}}), for the selected tables
-- ({{tables}}); created before the slot, since pgoutput reads it with the slot's historic catalog.
CREATE PUBLICATION {{publication}} FOR TABLE {{tables}}
