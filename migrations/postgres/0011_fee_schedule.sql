-- The Medicare Physician Fee Schedule relative value file (PPRRVU): one row per code, modifier
-- (blank, 26, TC, 53) and release. Decimals are kept as CMS prints them ("19.60", "33.8872"); the
-- national amounts are computed at import (total RVU x conversion factor, to the cent). The
-- file's DESCRIPTION column (CPT short descriptors, AMA copyright) is never stored.
CREATE TABLE fee_schedule (
    code         TEXT    NOT NULL,
    modifier     TEXT    NOT NULL,
    valid_from   TEXT    NOT NULL,
    release      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    not_used     BIGINT  NOT NULL,
    work_rvu     TEXT    NOT NULL,
    nf_pe_rvu    TEXT    NOT NULL,
    nf_na        BIGINT  NOT NULL,
    f_pe_rvu     TEXT    NOT NULL,
    f_na         BIGINT  NOT NULL,
    mp_rvu       TEXT    NOT NULL,
    nf_total     TEXT    NOT NULL,
    f_total      TEXT    NOT NULL,
    pctc         TEXT    NOT NULL,
    global_days  TEXT    NOT NULL,
    pre_op       TEXT    NOT NULL,
    intra_op     TEXT    NOT NULL,
    post_op      TEXT    NOT NULL,
    mult_proc    TEXT    NOT NULL,
    bilat_surg   TEXT    NOT NULL,
    asst_surg    TEXT    NOT NULL,
    co_surg      TEXT    NOT NULL,
    team_surg    TEXT    NOT NULL,
    endo_base    TEXT,
    conv_factor  TEXT    NOT NULL,
    supervision  TEXT    NOT NULL,
    nf_amount    TEXT,
    f_amount     TEXT,
    import_id    BIGINT  NOT NULL REFERENCES code_import (id),
    PRIMARY KEY (code, modifier, valid_from)
);
