-- The revision each record's last import wrote or found equal to its row:
-- the base a later import of a sheet without a base column is compared with
-- (docs/adr/0006-sheets.md, "Re-import as a three-way merge"). Like
-- accounts, the installation's own: never synced, no revisions.
CREATE TABLE import_bases (
    record_id TEXT COLLATE "C" PRIMARY KEY,
    revision_id TEXT COLLATE "C" NOT NULL
);
