-- Who delivered each revision a server received by push or bundle: the
-- account of the token (or operator) and the node it synced as. A
-- revision is the same on every store and its author is what the writing
-- side vouches for; this is what the receiving side knows for certain
-- (docs/adr/0011-verified-and-claimed-authors.md). Not derived: a rebuild
-- keeps it.
CREATE TABLE revision_receipts (
    revision_id TEXT COLLATE "C" PRIMARY KEY,
    account TEXT NOT NULL,
    node_id TEXT COLLATE "C",
    received_ms BIGINT NOT NULL
);
