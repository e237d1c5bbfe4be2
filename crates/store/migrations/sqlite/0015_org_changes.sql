-- Reorganisations applied as one change set (issue 17, docs/org-changes.md):
-- the set as it was given and the unit and link revisions it wrote, stored
-- in the same transaction as those revisions, so the organisation's history
-- shows each reorganisation as one change. The revisions themselves sync
-- as any others; this row is the installation's own.
CREATE TABLE org_changes (
    id TEXT PRIMARY KEY,
    effective TEXT NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    revisions TEXT NOT NULL
);
CREATE INDEX org_changes_effective ON org_changes (effective);
