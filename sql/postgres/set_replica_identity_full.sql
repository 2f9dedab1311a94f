-- --set-replica-identity-full: UPDATE and DELETE on {{table}} then carry the whole old row, so
-- CDC never sees a TOASTed value as unavailable and a table without a key stays writable.
ALTER TABLE {{table}} REPLICA IDENTITY FULL
