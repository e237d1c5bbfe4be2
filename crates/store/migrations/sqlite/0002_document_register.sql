-- The register of outgoing documents: each issuing body numbers its
-- documents of a kind (symbol) from 1 each year.
CREATE TABLE document_register (
    issuer TEXT NOT NULL,
    symbol TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (issuer, symbol, year)
) WITHOUT ROWID;
