-- Derived: the facts summed by month and by year, for both cut-offs, so
-- that a report reads a number of rows that does not grow with its period
-- (issue 21 item 1; docs/adr/0021-month-and-year-facts.md). Kept in the
-- same transaction as every write, like daily_facts and half_month_facts.
--
-- month_facts bucket: YYYYMM * 10 + 1 for the calendar month YYYY-MM,
-- YYYYMM * 10 + 2 for the Decree 09 month that ends on the 14th of YYYY-MM
-- (the 15th of the month before to the 14th).
-- year_facts bucket: YYYY * 10 + 1 for the calendar year, YYYY * 10 + 2 for
-- the Decree 09 year that ends on 14 December YYYY.
CREATE TABLE month_facts (
    bucket INTEGER NOT NULL,
    measure_id INTEGER NOT NULL REFERENCES measures (id),
    set_id INTEGER NOT NULL REFERENCES unit_sets (id),
    value INTEGER NOT NULL,
    PRIMARY KEY (bucket, measure_id, set_id)
) WITHOUT ROWID;

CREATE TABLE year_facts (
    bucket INTEGER NOT NULL,
    measure_id INTEGER NOT NULL REFERENCES measures (id),
    set_id INTEGER NOT NULL REFERENCES unit_sets (id),
    value INTEGER NOT NULL,
    PRIMARY KEY (bucket, measure_id, set_id)
) WITHOUT ROWID;

-- Filled from the daily facts (day: YYYYMMDD); a day from the 15th on
-- belongs to the Decree 09 month (and, from 15 December, year) after it.
INSERT INTO month_facts (bucket, measure_id, set_id, value)
SELECT bucket, measure_id, set_id, SUM(value) FROM (
    SELECT (day / 100) * 10 + 1 AS bucket, measure_id, set_id, value FROM daily_facts
    UNION ALL
    SELECT (CASE WHEN day % 100 < 15 THEN day / 100
                 WHEN (day / 100) % 100 = 12 THEN (day / 10000 + 1) * 100 + 1
                 ELSE day / 100 + 1 END) * 10 + 2 AS bucket,
           measure_id, set_id, value FROM daily_facts
) AS f GROUP BY bucket, measure_id, set_id HAVING SUM(value) <> 0;

INSERT INTO year_facts (bucket, measure_id, set_id, value)
SELECT bucket, measure_id, set_id, SUM(value) FROM (
    SELECT (day / 10000) * 10 + 1 AS bucket, measure_id, set_id, value FROM daily_facts
    UNION ALL
    SELECT (CASE WHEN day % 10000 < 1215 THEN day / 10000 ELSE day / 10000 + 1 END) * 10 + 2
           AS bucket, measure_id, set_id, value FROM daily_facts
) AS f GROUP BY bucket, measure_id, set_id HAVING SUM(value) <> 0;
