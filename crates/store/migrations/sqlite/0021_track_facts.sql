-- Patrol tracks (issue 19). A track is an attached GPX file (blobs and an
-- `attachment` record); what it measures, and its line simplified for the
-- map, are derived from the bytes alone and kept here by their hash. A
-- missing row is computed again from the blob (a file that came by sync),
-- so this table is a cache: rows are never edited, only added.
CREATE TABLE track_facts (
    hash TEXT PRIMARY KEY NOT NULL,
    facts TEXT NOT NULL,
    line TEXT NOT NULL,
    computed_ms INTEGER NOT NULL
);
