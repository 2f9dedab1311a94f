-- Drops the publication pg2sr created for a run ({{publication}}); one it did not create is kept.
DROP PUBLICATION IF EXISTS {{publication}}
