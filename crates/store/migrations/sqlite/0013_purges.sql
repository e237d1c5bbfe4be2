-- Records this store removed because its grant may no longer hold them
-- (docs/adr/0012-purging-what-a-node-may-no-longer-hold.md): their
-- revisions and everything derived from them are gone; what is kept is
-- that a purge happened, of which record, how many revisions, when and why.
-- The installation's own: never synced.
CREATE TABLE purges (
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    revisions INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX purges_by_record ON purges (record_id);
