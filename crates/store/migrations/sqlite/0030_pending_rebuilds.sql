-- What the store must rebuild from the revisions when it next opens,
-- because the rules that derive its tables changed: the store rebuilds
-- every derived table in one transaction after migrating and empties this
-- table in the same transaction (SqlStore::open).
CREATE TABLE pending_rebuilds (
    reason TEXT PRIMARY KEY
);
-- Programmes now also count on their last day ("programme.ended."), so
-- that those in force during a period are two sums (issue 21).
INSERT INTO pending_rebuilds (reason) VALUES ('0030 programme.ended facts');
