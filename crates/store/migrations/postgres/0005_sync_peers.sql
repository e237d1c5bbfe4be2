-- What a server knows of each node that syncs with it (docs/sync-protocol.md
-- §10), one row per node id, rewritten at each contact. Like accounts, it is
-- the installation's own: never synced, no revisions.
CREATE TABLE sync_peers (
    node_id TEXT COLLATE "C" PRIMARY KEY,
    -- The grant of the token the node last synced with: what it may read.
    unit TEXT COLLATE "C" NOT NULL,
    role TEXT NOT NULL,
    restricted BIGINT NOT NULL CHECK (restricted IN (0, 1)),
    -- Who, as the audit log names the token.
    actor TEXT NOT NULL,
    -- Times by the server's clock.
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    last_pull_ms BIGINT,
    -- The `next` of the node's last pull: where its view of the server ends.
    pull_cursor BIGINT NOT NULL DEFAULT 0,
    -- The last pull that answered `more: false`: a sync that completed.
    last_sync_ms BIGINT,
    last_push_ms BIGINT,
    -- Revisions new to the server that the node's pushes brought, in total.
    revisions_received BIGINT NOT NULL DEFAULT 0
);
