-- Sync health (docs/sync-protocol.md §10, issue 15 items 3, 5 and 8).
-- Like sync_peers, the installation's own: never synced, no revisions.

-- Revisions a node pushed that the server refused (set aside on the node),
-- one row per node and revision, the last reason given.
CREATE TABLE sync_refusals (
    node_id TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (node_id, revision_id)
) WITHOUT ROWID;

-- The installation that syncs as the node: the rolling key it presented
-- last (a copy of its data directory presents an older one and is refused).
ALTER TABLE sync_peers ADD COLUMN installation TEXT;
-- Requests refused because another installation presented the node's id.
ALTER TABLE sync_peers ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_peers ADD COLUMN last_duplicate_ms INTEGER;
-- Revisions the node said it still had to send, at its last pull.
ALTER TABLE sync_peers ADD COLUMN pending INTEGER;
