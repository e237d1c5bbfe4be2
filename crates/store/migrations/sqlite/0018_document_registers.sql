-- Registers of outgoing documents kept per issuer AND style, numbered as
-- each format's rules number them (docs/adr/0015-document-registers.md):
-- the state format (Decree 30/2020/NĐ-CP, art. 15) one series a calendar
-- year for every kind of document of the issuer (`series` empty, `period`
-- the year; secret documents their own series, `series` 'mật'); the Party
-- format (Hướng dẫn 36-HD/VPTW, 1.3.1) one series for each kind of
-- document (`series` its kind, e.g. 'BC') in the committee's term
-- (`period` e.g. '2025-2030').
CREATE TABLE document_registers (
    issuer TEXT NOT NULL,
    style TEXT NOT NULL CHECK (style IN ('state', 'party')),
    series TEXT NOT NULL,
    period TEXT NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (issuer, style, series, period)
) WITHOUT ROWID;

-- The old registers (issuer, symbol, year) go on from the highest number
-- each new series held: no number is given twice. A symbol with '/' is the
-- Party's ("BC/ĐU").
INSERT INTO document_registers (issuer, style, series, period, last_number)
SELECT issuer, 'state', '', CAST(year AS TEXT), MAX(last_number)
FROM document_register WHERE instr(symbol, '/') = 0
GROUP BY issuer, year;

INSERT INTO document_registers (issuer, style, series, period, last_number)
SELECT issuer, 'party', substr(symbol, 1, instr(symbol, '/') - 1),
       CAST(year - year % 5 AS TEXT) || '-' || CAST(year - year % 5 + 5 AS TEXT),
       MAX(last_number)
FROM document_register WHERE instr(symbol, '/') > 0
GROUP BY issuer, substr(symbol, 1, instr(symbol, '/') - 1), year - year % 5;

DROP TABLE document_register;
