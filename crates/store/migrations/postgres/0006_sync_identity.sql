-- The node a token belongs to (docs/sync-protocol.md §1): bound at the
-- token's first sync that names a node, and from then on the only node id
-- the token may sync as or push revisions of.
ALTER TABLE api_tokens ADD COLUMN node_id TEXT COLLATE "C";
