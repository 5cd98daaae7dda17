-- What each imported PTP file covers: CMS splits a quarter's practitioner edits over several files
-- by column-1 code range (and ships the hospital edits apart), and a user may load one file or an
-- excerpt. An answer says "no edit" only for codes inside a loaded file's column-1 range.
CREATE TABLE ptp_coverage (
    import_id  INTEGER PRIMARY KEY REFERENCES code_import (id),
    setting    TEXT    NOT NULL,
    col1_first TEXT    NOT NULL,
    col1_last  TEXT    NOT NULL,
    edits      INTEGER NOT NULL
);
