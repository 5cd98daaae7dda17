-- The ICD-10-CM Alphabetic Index and its Tables (Drugs and Chemicals, Neoplasms, External Cause
-- Index), as CDC publishes them in XML: each main term and sub-term in file order with its
-- parent, its code (or its table cells), and its cross-references. The book is the import's
-- format; a newer release of a book replaces the older one's terms.
CREATE TABLE index_term (
    import_id  BIGINT  NOT NULL REFERENCES code_import (id),
    seq        BIGINT  NOT NULL,
    parent_seq BIGINT,
    level      BIGINT  NOT NULL,
    title      TEXT    NOT NULL,
    nemod      TEXT,
    code       TEXT,
    see        TEXT,
    see_also   TEXT,
    cells      TEXT,
    PRIMARY KEY (import_id, seq)
);

-- A table's column titles (`<indexHeading><head col="N">`).
CREATE TABLE index_heading (
    import_id BIGINT  NOT NULL REFERENCES code_import (id),
    col       BIGINT  NOT NULL,
    head      TEXT    NOT NULL,
    PRIMARY KEY (import_id, col)
);
