-- Positions people hold in a unit (issue 16): who may sign for it. Beside
-- the account's role, the installation's own like the accounts: never
-- synced; a signature made with a position is a record, and syncs.
CREATE TABLE account_positions (
    user_id TEXT NOT NULL REFERENCES users (id),
    position TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (user_id, position, unit)
) WITHOUT ROWID;
CREATE INDEX account_positions_by_unit ON account_positions (unit, position);
