-- The register of outgoing documents: each issuing body numbers its
-- documents of a kind (symbol) from 1 each year.
CREATE TABLE document_register (
    issuer TEXT COLLATE "C" NOT NULL,
    symbol TEXT COLLATE "C" NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (issuer, symbol, year)
);
