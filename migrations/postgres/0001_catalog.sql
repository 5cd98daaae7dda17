-- The code catalog: every imported file, every code version, notes, edits and limits.

CREATE TABLE code_import (
    id             BIGSERIAL PRIMARY KEY,
    format         TEXT    NOT NULL,
    code_set       TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    effective_from TEXT    NOT NULL,
    file_name      TEXT    NOT NULL,
    sha256         TEXT    NOT NULL UNIQUE,
    row_count      BIGINT NOT NULL,
    counts         TEXT    NOT NULL,
    imported_at    TEXT    NOT NULL
);

CREATE TABLE code_version (
    system     TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    valid_from TEXT    NOT NULL,
    valid_to   TEXT,
    billable   BIGINT NOT NULL,
    short_desc TEXT,
    long_desc  TEXT    NOT NULL,
    plain_desc TEXT,
    code_set   TEXT    NOT NULL,
    release    TEXT    NOT NULL,
    release_date TEXT  NOT NULL,
    added      TEXT,
    action     TEXT,
    import_id  BIGINT NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (code_set, system, code, valid_from)
);

CREATE TABLE code_note (
    system    TEXT    NOT NULL,
    code      TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    seq       BIGINT NOT NULL,
    text      TEXT    NOT NULL,
    import_id BIGINT NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (system, code, kind, seq)
);

CREATE TABLE code_parent (
    system TEXT NOT NULL,
    code   TEXT NOT NULL,
    parent TEXT NOT NULL,
    title  TEXT,
    PRIMARY KEY (system, code)
);

CREATE TABLE seven_chr (
    code      TEXT    NOT NULL,
    chr       TEXT    NOT NULL,
    meaning   TEXT    NOT NULL,
    import_id BIGINT NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (code, chr)
);

CREATE TABLE code_replacement (
    system    TEXT    NOT NULL,
    old_code  TEXT    NOT NULL,
    new_code  TEXT    NOT NULL,
    effective TEXT    NOT NULL,
    import_id BIGINT NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (system, old_code, new_code)
);

CREATE TABLE mue (
    setting    TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    valid_from TEXT    NOT NULL,
    value      BIGINT NOT NULL,
    mai        BIGINT NOT NULL,
    mai_text   TEXT    NOT NULL,
    rationale  TEXT    NOT NULL,
    import_id  BIGINT NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (setting, code, valid_from)
);

CREATE TABLE ptp_edit (
    setting   TEXT    NOT NULL,
    col1      TEXT    NOT NULL,
    col2      TEXT    NOT NULL,
    effective TEXT    NOT NULL,
    deletion  TEXT,
    pre_1996  BIGINT NOT NULL,
    modifier  BIGINT NOT NULL,
    rationale TEXT    NOT NULL,
    import_id BIGINT NOT NULL,
    PRIMARY KEY (col1, col2, setting, effective)
);
CREATE INDEX ptp_edit_col2 ON ptp_edit (col2, col1);

CREATE TABLE gem (
    direction TEXT NOT NULL,
    source    TEXT NOT NULL,
    target    TEXT NOT NULL,
    flags     TEXT NOT NULL,
    import_id BIGINT NOT NULL,
    PRIMARY KEY (direction, source, target)
);
