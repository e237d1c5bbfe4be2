-- Files attached to records (issue 16, item 4). Each content is kept once,
-- named by its SHA-256; the link from a record to a file is an `attachment`
-- record (revisions, history, sync). A blob is never removed: revisions,
-- which are never removed either, name it.
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    stored_ms BIGINT NOT NULL
);
