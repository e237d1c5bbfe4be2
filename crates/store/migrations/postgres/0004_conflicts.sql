-- Records changed on two nodes since their common revision: each record
-- with more than one head (a revision no other names as a parent) and all
-- its heads, until a person resolves it with a revision naming them all.
CREATE TABLE conflicts (
    record_id TEXT COLLATE "C" PRIMARY KEY,
    record_type TEXT COLLATE "C" NOT NULL,
    heads TEXT NOT NULL
);

-- Conflicts that synced stores already hold.
INSERT INTO conflicts (record_id, record_type, heads)
SELECT r.record_id, MIN(r.record_type), '["' || string_agg(r.id, '","' ORDER BY r.id) || '"]'
FROM revisions r
WHERE NOT EXISTS (SELECT 1 FROM revisions c WHERE c.record_id = r.record_id
                  AND c.id <> r.id AND c.parents LIKE '%' || r.id || '%')
GROUP BY r.record_id
HAVING COUNT(*) > 1;
