-- Duties towards the people whose data is held (issue 20 items 4-6;
-- docs/adr/0020-data-subjects-and-erasure.md).
--
-- The register of data subjects' requests: who asked for what, when it is
-- due (2 working days), and how it was handled. The installation's own:
-- never synced.
CREATE TABLE subject_requests (
    id TEXT PRIMARY KEY,
    person TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    received_by TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    handled_by TEXT,
    handled_ms INTEGER
);
CREATE INDEX subject_requests_by_due ON subject_requests (state, due_on);

-- Erasures of a person's data: which record, by which revision (the
-- tombstone or the edit without the person), which earlier revisions had
-- their content cleared (ids, JSON), by whom, when, for which request. No
-- content: not a field, not a name. Kept on the server and on every node
-- that applied the erasure.
CREATE TABLE erasures (
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    cleared TEXT NOT NULL,
    request_id TEXT,
    actor TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX erasures_by_record ON erasures (record_id);
CREATE INDEX erasures_by_revision ON erasures (revision_id);
