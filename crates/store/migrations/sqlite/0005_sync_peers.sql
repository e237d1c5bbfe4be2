-- What a server knows of each node that syncs with it (docs/sync-protocol.md
-- §10), one row per node id, rewritten at each contact. Like accounts, it is
-- the installation's own: never synced, no revisions.
CREATE TABLE sync_peers (
    node_id TEXT PRIMARY KEY,
    -- The grant of the token the node last synced with: what it may read.
    unit TEXT NOT NULL,
    role TEXT NOT NULL,
    restricted INTEGER NOT NULL CHECK (restricted IN (0, 1)),
    -- Who, as the audit log names the token.
    actor TEXT NOT NULL,
    -- Times by the server's clock.
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    last_pull_ms INTEGER,
    -- The `next` of the node's last pull: where its view of the server ends.
    pull_cursor INTEGER NOT NULL DEFAULT 0,
    -- The last pull that answered `more: false`: a sync that completed.
    last_sync_ms INTEGER,
    last_push_ms INTEGER,
    -- Revisions new to the server that the node's pushes brought, in total.
    revisions_received INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
