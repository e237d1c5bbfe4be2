-- Registers of outgoing documents kept per issuer AND style, numbered as
-- each format's rules number them (docs/adr/0015-document-registers.md):
-- the state format (Decree 30/2020/NĐ-CP, art. 15) one series a calendar
-- year for every kind of document of the issuer (`series` empty, `period`
-- the year; secret documents their own series, `series` 'mật'); the Party
-- format (Hướng dẫn 36-HD/VPTW, 1.3.1) one series for each kind of
-- document (`series` its kind, e.g. 'BC') in the committee's term
-- (`period` e.g. '2025-2030').
CREATE TABLE document_registers (
    issuer TEXT COLLATE "C" NOT NULL,
    style TEXT COLLATE "C" NOT NULL CHECK (style IN ('state', 'party')),
    series TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (issuer, style, series, period)
);

-- The old registers (issuer, symbol, year) go on from the highest number
-- each new series held: no number is given twice. A symbol with '/' is the
-- Party's ("BC/ĐU").
INSERT INTO document_registers (issuer, style, series, period, last_number)
SELECT issuer, 'state', '', CAST(year AS TEXT), MAX(last_number)
FROM document_register WHERE position('/' in symbol) = 0
GROUP BY issuer, year;

INSERT INTO document_registers (issuer, style, series, period, last_number)
SELECT issuer, 'party', split_part(symbol, '/', 1),
       CAST(year - year % 5 AS TEXT) || '-' || CAST(year - year % 5 + 5 AS TEXT),
       MAX(last_number)
FROM document_register WHERE position('/' in symbol) > 0
GROUP BY issuer, split_part(symbol, '/', 1), year - year % 5;

DROP TABLE document_register;
