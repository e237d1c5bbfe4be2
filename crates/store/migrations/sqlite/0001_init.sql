-- The revision log is the truth; every other table is derived from it and
-- can be rebuilt (`bienphong store rebuild`).

CREATE TABLE node (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    node_id TEXT NOT NULL
);

CREATE TABLE revisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    parents TEXT NOT NULL,
    node_id TEXT NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    content TEXT NOT NULL
);
CREATE INDEX revisions_by_record ON revisions (record_id, seq);

-- Derived: the head revision of every record, tombstones included.
CREATE TABLE heads (
    record_id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    deleted INTEGER NOT NULL
) WITHOUT ROWID;

-- Derived: one row per live record, for lists and for loading structure.
CREATE TABLE current_records (
    record_id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    day INTEGER,
    until_day INTEGER,
    category TEXT,
    set_id INTEGER REFERENCES unit_sets (id),
    subject_of TEXT,
    content TEXT NOT NULL
);
-- Both cover what reports read without the content: active counts by
-- category, and the unit sets that held a kind of meeting in a quarter.
CREATE INDEX current_by_type_day ON current_records (record_type, day, until_day, category, set_id);
CREATE INDEX current_by_type_category_day ON current_records (record_type, category, day, set_id);
CREATE INDEX current_by_subject ON current_records (subject_of) WHERE subject_of IS NOT NULL;

-- The set of units a record is counted under (its lead and its partners).
CREATE TABLE unit_sets (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    lead_unit TEXT NOT NULL
);
CREATE TABLE unit_set_members (
    unit TEXT NOT NULL,
    set_id INTEGER NOT NULL REFERENCES unit_sets (id),
    PRIMARY KEY (unit, set_id)
) WITHOUT ROWID;

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Derived: what live records add up to, per day, measure and unit set.
-- Values are integers (counts, whole đồng, millionths of a quantity), so
-- SUM() stays exact.
CREATE TABLE daily_facts (
    day INTEGER NOT NULL,
    measure_id INTEGER NOT NULL REFERENCES measures (id),
    set_id INTEGER NOT NULL REFERENCES unit_sets (id),
    value INTEGER NOT NULL,
    PRIMARY KEY (day, measure_id, set_id)
) WITHOUT ROWID;

-- Derived: the same sums by half-month (days 1–14 and 15–end), so that a
-- period starting on the 1st or the 15th (calendar and Decree 09 cut-offs
-- alike) reads one row per half-month instead of one per day. Bucket:
-- YYYYMM * 10 + half (1 or 2).
CREATE TABLE half_month_facts (
    bucket INTEGER NOT NULL,
    measure_id INTEGER NOT NULL REFERENCES measures (id),
    set_id INTEGER NOT NULL REFERENCES unit_sets (id),
    value INTEGER NOT NULL,
    PRIMARY KEY (bucket, measure_id, set_id)
) WITHOUT ROWID;
