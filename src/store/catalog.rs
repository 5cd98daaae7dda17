//! SQL for the catalog tables: recording imports, writing one file's records in one transaction
//! (code versions merged into each code's history), and reading everything back for the index.

use super::{Backend, Store, now_rfc3339};
use crate::codes::import::timeline::{self, OPEN, Version};
use crate::codes::import::{CodeRecord, Format, ImportMeta, Record};
use crate::codes::{CodeSystem, FeeRow, NoteKind, PtpCoverage, PtpEdit};
use crate::date::Date;
use anyhow::{Context, Result};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// How many files have been imported.
pub async fn import_count(store: &Store) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM code_import")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}

/// When a file with this sha256 was imported, if it was.
pub async fn imported_at(store: &Store, sha256: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT imported_at FROM code_import WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|r| r.0))
}

/// One imported file, as listed to users and cited in answers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Import id (rises with each import).
    pub id: i64,
    /// Format label.
    pub format: String,
    /// Code set.
    pub code_set: String,
    /// Release name.
    pub version: String,
    /// First day of the release.
    pub effective_from: String,
    /// The file's name.
    pub file_name: String,
    /// The file's sha256.
    pub sha256: String,
    /// Records read.
    pub row_count: i64,
    /// When.
    pub imported_at: String,
}

/// Every import, oldest first.
pub async fn imports(store: &Store) -> Result<Vec<ImportSummary>> {
    let rows = sqlx::query(
        "SELECT id, format, code_set, version, effective_from, file_name, sha256, row_count, imported_at \
         FROM code_import ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ImportSummary {
                id: r.try_get(0)?,
                format: r.try_get(1)?,
                code_set: r.try_get(2)?,
                version: r.try_get(3)?,
                effective_from: r.try_get(4)?,
                file_name: r.try_get(5)?,
                sha256: r.try_get(6)?,
                row_count: r.try_get(7)?,
                imported_at: r.try_get(8)?,
            })
        })
        .collect()
}

/// What each imported PTP file covers, oldest import first.
pub async fn ptp_coverage(store: &Store) -> Result<Vec<PtpCoverage>> {
    let rows = sqlx::query(
        "SELECT c.setting, i.version, i.effective_from, i.file_name, c.col1_first, c.col1_last, c.edits \
         FROM ptp_coverage c JOIN code_import i ON i.id = c.import_id ORDER BY i.id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let from: String = r.try_get(2)?;
            Ok(PtpCoverage {
                setting: r.try_get(0)?,
                version: r.try_get(1)?,
                effective_from: from.parse()?,
                file_name: r.try_get(3)?,
                col1_first: r.try_get(4)?,
                col1_last: r.try_get(5)?,
                edits: r.try_get::<i64, _>(6)? as u64,
            })
        })
        .collect()
}

/// A value bound into a multi-row insert.
enum Val {
    Int(i64),
    Text(String),
    Null,
    /// A NULL bound as an integer (PostgreSQL refuses a text NULL in a BIGINT column).
    NullInt,
}

impl Val {
    fn key_text(&self) -> String {
        match self {
            Val::Int(i) => i.to_string(),
            Val::Text(t) => t.clone(),
            Val::Null | Val::NullInt => String::new(),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}
impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Val {
        s.map_or(Val::Null, Val::Text)
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

/// Inserts rows many at a time: `{head} VALUES (...),(...) {tail}`. SQLite gets anonymous `?`
/// placeholders: with numbered ones sqlx looks each parameter's name up, which SQLite does by a
/// linear scan, quadratic in the number of parameters (two thirds of a 1,000,000-edit import).
///
/// Rows with the same `key` (the columns of the conflict target) are reduced to the last one, as
/// PostgreSQL refuses to update one row twice in a statement.
async fn insert_many(
    conn: &mut AnyConnection,
    backend: Backend,
    head: &str,
    tail: &str,
    key: &[usize],
    rows: Vec<Vec<Val>>,
) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let rows = if key.is_empty() {
        rows
    } else {
        let mut last: std::collections::HashMap<Vec<String>, usize> =
            std::collections::HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            last.insert(key.iter().map(|&k| row[k].key_text()).collect(), i);
        }
        let keep: BTreeSet<usize> = last.into_values().collect();
        rows.into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, r)| r)
            .collect()
    };
    let per = (4_000 / width).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let mut sql = String::with_capacity(head.len() + chunk.len() * width * 5 + tail.len());
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..width {
                n += 1;
                if j > 0 {
                    sql.push(',');
                }
                if backend == Backend::Sqlite {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(tail);
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    Val::Int(i) => q.bind(i),
                    Val::Text(t) => q.bind(t),
                    Val::Null => q.bind(Option::<String>::None),
                    Val::NullInt => q.bind(Option::<i64>::None),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(Default)]
struct Counts(BTreeMap<&'static str, u64>);

impl Counts {
    fn add(&mut self, key: &'static str, n: u64) {
        *self.0.entry(key).or_default() += n;
    }
}

/// Writes one file's records, received in batches from the parser, in one transaction, then
/// awaits `parsed` (the parser's own result): any error rolls everything back.
pub async fn write_import<F, Fut>(
    store: &Store,
    meta: &ImportMeta,
    file_name: &str,
    sha256: &str,
    rx: tokio::sync::mpsc::Receiver<Vec<Record>>,
    parsed: F,
) -> Result<Vec<(String, u64)>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let backend = store.backend();
    let mut conn = store.pool().acquire().await?;
    if backend == Backend::Sqlite {
        // A large import rewrites the same B-tree pages many times: keep them in memory rather
        // than spilling them to the WAL and reading them back. Reset after commit.
        sqlx::query("PRAGMA cache_size = -65536")
            .execute(&mut *conn)
            .await?;
    }
    let result =
        write_in_transaction(&mut conn, backend, meta, file_name, sha256, rx, parsed).await;
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *conn)
            .await
            .ok();
    }
    result
}

async fn write_in_transaction<F, Fut>(
    conn: &mut AnyConnection,
    backend: Backend,
    meta: &ImportMeta,
    file_name: &str,
    sha256: &str,
    mut rx: tokio::sync::mpsc::Receiver<Vec<Record>>,
    parsed: F,
) -> Result<Vec<(String, u64)>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO code_import (format, code_set, version, effective_from, file_name, sha256, row_count, counts, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, '{}', $7) RETURNING id",
    )
    .bind(meta.format.label())
    .bind(meta.code_set)
    .bind(&meta.version)
    .bind(meta.effective_from.to_string())
    .bind(file_name)
    .bind(sha256)
    .bind(now_rfc3339())
    .fetch_one(&mut *tx)
    .await
    .context("cannot record the import")?;

    let setting = meta
        .setting
        .clone()
        .unwrap_or_else(|| "practitioner".into());
    let effective = meta.effective_from.to_string();
    let mut counts = Counts::default();
    let mut codes: Vec<CodeRecord> = Vec::new();
    let mut tabular_checked = false;
    let mut tabular_current = true;
    let mut book_checked = false;
    let mut book_current = true;
    let mut rows_read = 0u64;
    // The column-1 codes the file's PTP edits span, and how many edits it holds.
    let mut ptp_span: Option<(String, String, u64)> = None;
    let mut write_error: Option<anyhow::Error> = None;
    while let Some(batch) = rx.recv().await {
        rows_read += batch.len() as u64;
        let mut notes = Vec::new();
        let mut parents = Vec::new();
        let mut sevens = Vec::new();
        let mut repl = Vec::new();
        let mut mue = Vec::new();
        let mut ptp = Vec::new();
        let mut gem = Vec::new();
        let mut fee = Vec::new();
        let mut terms = Vec::new();
        let mut headings = Vec::new();
        for r in batch {
            match r {
                Record::Code(c) => codes.push(c),
                Record::Note {
                    at,
                    kind,
                    seq,
                    text,
                } => notes.push(vec![
                    "ICD10CM".into(),
                    at.into(),
                    kind.xml_name().into(),
                    Val::Int(seq.into()),
                    text.into(),
                    import_id.into(),
                ]),
                Record::Parent {
                    code,
                    parent,
                    title,
                } => parents.push(vec![
                    "ICD10CM".into(),
                    code.into(),
                    parent.into(),
                    title.into(),
                ]),
                Record::SevenChr { at, chr, meaning } => sevens.push(vec![
                    at.into(),
                    chr.into(),
                    meaning.into(),
                    import_id.into(),
                ]),
                Record::Replacement {
                    system,
                    old,
                    new,
                    effective,
                } => repl.push(vec![
                    system.as_str().into(),
                    old.into(),
                    new.into(),
                    effective.to_string().into(),
                    import_id.into(),
                ]),
                Record::Mue {
                    code,
                    value,
                    mai,
                    mai_text,
                    rationale,
                } => mue.push(vec![
                    setting.as_str().into(),
                    code.into(),
                    effective.as_str().into(),
                    Val::Int(value.into()),
                    Val::Int(mai.into()),
                    mai_text.into(),
                    rationale.into(),
                    import_id.into(),
                ]),
                Record::Ptp {
                    col1,
                    col2,
                    pre_1996,
                    effective,
                    deletion,
                    modifier,
                    rationale,
                } => {
                    ptp_span = Some(match ptp_span.take() {
                        None => (col1.clone(), col1.clone(), 1),
                        Some((first, last, n)) => {
                            (first.min(col1.clone()), last.max(col1.clone()), n + 1)
                        }
                    });
                    ptp.push(vec![
                        setting.as_str().into(),
                        col1.into(),
                        col2.into(),
                        effective.to_string().into(),
                        deletion.map(|d| d.to_string()).into(),
                        Val::Int(pre_1996.into()),
                        Val::Int(modifier.into()),
                        rationale.into(),
                        import_id.into(),
                    ]);
                }
                Record::Fee { code, row } => fee.push(fee_values(code, *row, import_id)),
                Record::IndexHeading { col, head } => {
                    headings.push(vec![import_id.into(), Val::Int(col.into()), head.into()])
                }
                Record::IndexTerm(t) => {
                    if t.level == 0 {
                        counts.add("main terms", 1);
                    } else {
                        counts.add("sub-terms", 1);
                    }
                    if t.see.is_some() || t.see_also.is_some() {
                        counts.add("cross-references", 1);
                    }
                    let cells = (!t.cells.is_empty()).then(|| {
                        t.cells
                            .iter()
                            .map(|(c, v)| format!("{c}={v}"))
                            .collect::<Vec<_>>()
                            .join(";")
                    });
                    terms.push(vec![
                        import_id.into(),
                        Val::Int(t.seq.into()),
                        t.parent.map_or(Val::NullInt, |p| Val::Int(p.into())),
                        Val::Int(t.level.into()),
                        t.title.into(),
                        t.nemod.into(),
                        t.code.into(),
                        t.see.into(),
                        t.see_also.into(),
                        cells.into(),
                    ]);
                }
                Record::Gem {
                    direction,
                    source,
                    target,
                    flags,
                } => gem.push(vec![
                    direction.into(),
                    source.into(),
                    target.into(),
                    flags.into(),
                    import_id.into(),
                ]),
            }
        }
        let result: Result<()> = async {
            if !(notes.is_empty() && parents.is_empty() && sevens.is_empty()) {
                if !tabular_checked {
                    tabular_checked = true;
                    tabular_current = replace_tabular(&mut tx, meta).await?;
                }
                if tabular_current {
                    counts.add("notes", notes.len() as u64);
                    insert_many(&mut tx, backend, "INSERT INTO code_note (system, code, kind, seq, text, import_id)", "ON CONFLICT (system, code, kind, seq) DO UPDATE SET text = excluded.text, import_id = excluded.import_id", &[0, 1, 2, 3], notes).await?;
                    insert_many(&mut tx, backend, "INSERT INTO code_parent (system, code, parent, title)", "ON CONFLICT (system, code) DO UPDATE SET parent = excluded.parent, title = COALESCE(excluded.title, code_parent.title)", &[0, 1], parents).await?;
                    counts.add("7th-character values", sevens.len() as u64);
                    insert_many(&mut tx, backend, "INSERT INTO seven_chr (code, chr, meaning, import_id)", "ON CONFLICT (code, chr) DO UPDATE SET meaning = excluded.meaning, import_id = excluded.import_id", &[0, 1], sevens).await?;
                }
            }
            counts.add("replacements", repl.len() as u64);
            insert_many(&mut tx, backend, "INSERT INTO code_replacement (system, old_code, new_code, effective, import_id)", "ON CONFLICT (system, old_code, new_code) DO NOTHING", &[0, 1, 2], repl).await?;
            counts.add("MUE values", mue.len() as u64);
            insert_many(&mut tx, backend, "INSERT INTO mue (setting, code, valid_from, value, mai, mai_text, rationale, import_id)", "ON CONFLICT (setting, code, valid_from) DO UPDATE SET value = excluded.value, mai = excluded.mai, mai_text = excluded.mai_text, rationale = excluded.rationale, import_id = excluded.import_id", &[0, 1, 2], mue).await?;
            counts.add("PTP edits", ptp.len() as u64);
            insert_many(&mut tx, backend, "INSERT INTO ptp_edit (setting, col1, col2, effective, deletion, pre_1996, modifier, rationale, import_id)", "ON CONFLICT (col1, col2, setting, effective) DO UPDATE SET deletion = excluded.deletion, pre_1996 = excluded.pre_1996, modifier = excluded.modifier, rationale = excluded.rationale, import_id = excluded.import_id", &[1, 2, 0, 3], ptp).await?;
            counts.add("fee schedule rows", fee.len() as u64);
            let updates: Vec<String> = FEE_COLUMNS
                .split(", ")
                .skip(3)
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            insert_many(&mut tx, backend, &format!("INSERT INTO fee_schedule ({FEE_COLUMNS})"), &format!("ON CONFLICT (code, modifier, valid_from) DO UPDATE SET {}", updates.join(", ")), &[0, 1, 2], fee).await?;
            if !(terms.is_empty() && headings.is_empty()) {
                if !book_checked {
                    book_checked = true;
                    book_current = replace_book(&mut tx, meta).await?;
                }
                if book_current {
                    insert_many(&mut tx, backend, "INSERT INTO index_heading (import_id, col, head)", "", &[], headings).await?;
                    insert_many(&mut tx, backend, "INSERT INTO index_term (import_id, seq, parent_seq, level, title, nemod, code, see, see_also, cells)", "", &[], terms).await?;
                }
            }
            counts.add("mappings", gem.len() as u64);
            insert_many(&mut tx, backend, "INSERT INTO gem (direction, source, target, flags, import_id)", "ON CONFLICT (direction, source, target) DO UPDATE SET flags = excluded.flags, import_id = excluded.import_id", &[0, 1, 2], gem).await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            write_error = Some(e);
            break;
        }
    }
    drop(rx);
    let parse_result = parsed().await;
    if let Some(e) = write_error {
        return Err(e.context(format!("cannot write {file_name} to the database")));
    }
    parse_result?;
    if !tabular_current {
        counts.add("notes skipped (a newer tabular release is loaded)", 1);
    }
    if !book_current {
        counts.add("terms kept out (a newer release of this book is loaded)", 1);
    }
    merge_codes(&mut tx, backend, meta, import_id, codes, &mut counts).await?;
    if let Some((first, last, n)) = ptp_span {
        sqlx::query(
            "INSERT INTO ptp_coverage (import_id, setting, col1_first, col1_last, edits) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(import_id)
        .bind(&setting)
        .bind(first)
        .bind(last)
        .bind(n as i64)
        .execute(&mut *tx)
        .await
        .context("cannot record what the PTP file covers")?;
    }
    let counts: Vec<(String, u64)> = counts
        .0
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    let json = serde_json::to_string(&counts.iter().cloned().collect::<BTreeMap<_, _>>())?;
    sqlx::query("UPDATE code_import SET row_count = $1, counts = $2 WHERE id = $3")
        .bind(rows_read as i64)
        .bind(json)
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await.context("cannot commit the import")?;
    Ok(counts)
}

/// The columns of `fee_schedule`, in the order [`fee_values`] binds them (the key first).
const FEE_COLUMNS: &str = "code, modifier, valid_from, release, status, not_used, work_rvu, nf_pe_rvu, nf_na, f_pe_rvu, f_na, mp_rvu, nf_total, f_total, pctc, global_days, pre_op, intra_op, post_op, mult_proc, bilat_surg, asst_surg, co_surg, team_surg, endo_base, conv_factor, supervision, nf_amount, f_amount, import_id";

fn fee_values(code: String, r: FeeRow, import_id: i64) -> Vec<Val> {
    vec![
        code.into(),
        r.modifier.into(),
        r.valid_from.to_string().into(),
        r.release.into(),
        r.status.into(),
        Val::Int(r.not_used_for_medicare.into()),
        r.work_rvu.into(),
        r.nf_pe_rvu.into(),
        Val::Int(r.nf_na.into()),
        r.f_pe_rvu.into(),
        Val::Int(r.f_na.into()),
        r.mp_rvu.into(),
        r.nf_total.into(),
        r.f_total.into(),
        r.pctc.into(),
        r.global.into(),
        r.pre_op.into(),
        r.intra_op.into(),
        r.post_op.into(),
        r.mult_proc.into(),
        r.bilat.into(),
        r.asst.into(),
        r.co_surg.into(),
        r.team.into(),
        r.endo_base.into(),
        r.conv_factor.into(),
        r.supervision.into(),
        r.nf_amount.into(),
        r.f_amount.into(),
        import_id.into(),
    ]
}

fn fee_of(r: &AnyRow) -> Result<(String, FeeRow)> {
    let text = |i: usize| -> Result<String> { Ok(r.try_get::<String, _>(i)?) };
    let flag = |i: usize| -> Result<bool> { Ok(r.try_get::<i64, _>(i)? != 0) };
    let from: String = r.try_get(2)?;
    Ok((
        text(0)?,
        FeeRow {
            modifier: text(1)?,
            valid_from: from.parse()?,
            release: text(3)?,
            status: text(4)?,
            not_used_for_medicare: flag(5)?,
            work_rvu: text(6)?,
            nf_pe_rvu: text(7)?,
            nf_na: flag(8)?,
            f_pe_rvu: text(9)?,
            f_na: flag(10)?,
            mp_rvu: text(11)?,
            nf_total: text(12)?,
            f_total: text(13)?,
            pctc: text(14)?,
            global: text(15)?,
            pre_op: text(16)?,
            intra_op: text(17)?,
            post_op: text(18)?,
            mult_proc: text(19)?,
            bilat: text(20)?,
            asst: text(21)?,
            co_surg: text(22)?,
            team: text(23)?,
            endo_base: r.try_get(24)?,
            conv_factor: text(25)?,
            supervision: text(26)?,
            nf_amount: r.try_get(27)?,
            f_amount: r.try_get(28)?,
        },
    ))
}

/// Before a tabular file's notes go in: if no newer tabular release is loaded, clears the old
/// notes, hierarchy and 7th characters (they are replaced whole) and says so; else says false.
async fn replace_tabular(conn: &mut AnyConnection, meta: &ImportMeta) -> Result<bool> {
    let newest: Option<String> = sqlx::query_scalar(
        "SELECT MAX(effective_from) FROM code_import WHERE format = $1 AND id NOT IN (SELECT MAX(id) FROM code_import)",
    )
    .bind(Format::Icd10CmTabular.label())
    .fetch_one(&mut *conn)
    .await?;
    if newest.is_some_and(|n| n > meta.effective_from.to_string()) {
        return Ok(false);
    }
    for table in ["code_note", "code_parent", "seven_chr"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Before an Index or Table file's terms go in: if no newer release of the same book is loaded,
/// deletes the older releases' terms (a book is replaced whole) and says true; else false.
async fn replace_book(conn: &mut AnyConnection, meta: &ImportMeta) -> Result<bool> {
    let current: i64 = sqlx::query_scalar("SELECT MAX(id) FROM code_import")
        .fetch_one(&mut *conn)
        .await?;
    let newest: Option<String> = sqlx::query_scalar(
        "SELECT MAX(effective_from) FROM code_import WHERE format = $1 AND id <> $2",
    )
    .bind(meta.format.label())
    .bind(current)
    .fetch_one(&mut *conn)
    .await?;
    if newest.is_some_and(|n| n > meta.effective_from.to_string()) {
        return Ok(false);
    }
    for table in ["index_term", "index_heading"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE import_id IN (SELECT id FROM code_import WHERE format = $1 AND id <> $2)"
        ))
        .bind(meta.format.label())
        .bind(current)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// Every loaded Index and Table term, book by book in file order, and each book's column
/// titles: (format, col, head).
pub async fn index_terms(
    store: &Store,
) -> Result<(
    Vec<crate::codes::index::StoredTerm>,
    Vec<(String, u8, String)>,
)> {
    let pool = store.pool();
    let mut terms = Vec::new();
    let mut rows = sqlx::query(
        "SELECT i.format, i.version, t.seq, t.parent_seq, t.level, t.title, t.nemod, t.code, t.see, t.see_also, t.cells \
         FROM index_term t JOIN code_import i ON i.id = t.import_id ORDER BY t.import_id, t.seq",
    )
    .fetch(pool);
    while let Some(r) = futures::TryStreamExt::try_next(&mut rows).await? {
        let cells: Option<String> = r.try_get(10)?;
        let cells = cells
            .unwrap_or_default()
            .split(';')
            .filter_map(|c| {
                let (col, code) = c.split_once('=')?;
                Some((col.parse().ok()?, code.to_string()))
            })
            .collect();
        terms.push(crate::codes::index::StoredTerm {
            format: r.try_get(0)?,
            version: r.try_get(1)?,
            term: crate::codes::import::IndexTermRecord {
                seq: r.try_get::<i64, _>(2)? as u32,
                parent: r.try_get::<Option<i64>, _>(3)?.map(|p| p as u32),
                level: r.try_get::<i64, _>(4)? as u8,
                title: r.try_get(5)?,
                nemod: r.try_get(6)?,
                code: r.try_get(7)?,
                see: r.try_get(8)?,
                see_also: r.try_get(9)?,
                cells,
            },
        });
    }
    drop(rows);
    let mut heads = Vec::new();
    for r in sqlx::query(
        "SELECT i.format, h.col, h.head FROM index_heading h JOIN code_import i ON i.id = h.import_id ORDER BY h.import_id, h.col",
    )
    .fetch_all(pool)
    .await?
    {
        heads.push((r.try_get(0)?, r.try_get::<i64, _>(1)? as u8, r.try_get(2)?));
    }
    Ok((terms, heads))
}

fn version_of(r: &AnyRow) -> Result<((String, String), Version)> {
    let day = |s: Option<String>| -> Result<i32> {
        Ok(match s {
            Some(s) => s.parse::<Date>()?.days(),
            None => OPEN,
        })
    };
    let system: String = r.try_get("system")?;
    let code: String = r.try_get("code")?;
    Ok((
        (system, code),
        Version {
            from: day(Some(r.try_get("valid_from")?))?,
            to: day(r.try_get("valid_to")?)?,
            billable: r.try_get::<i64, _>("billable")? != 0,
            short: r.try_get("short_desc")?,
            long: r.try_get("long_desc")?,
            plain: r.try_get("plain_desc")?,
            release: r.try_get("release")?,
            prio: day(Some(r.try_get("release_date")?))?,
            added: r
                .try_get::<Option<String>, _>("added")?
                .and_then(|s| s.parse().ok()),
            action: r.try_get("action")?,
            import_id: r.try_get("import_id")?,
        },
    ))
}

const VERSION_COLUMNS: &str = "system, code, valid_from, valid_to, billable, short_desc, long_desc, plain_desc, release, release_date, added, action, import_id";

/// Merges the file's code records into each code's stored history and writes what changed.
async fn merge_codes(
    conn: &mut AnyConnection,
    backend: Backend,
    meta: &ImportMeta,
    import_id: i64,
    codes: Vec<CodeRecord>,
    counts: &mut Counts,
) -> Result<()> {
    if codes.is_empty() {
        return Ok(());
    }
    let code_set = meta.code_set;
    let prio = meta.effective_from.days();
    let snapshot = meta.format.is_snapshot();
    // A release speaks until the next loaded release of the same set begins.
    let next: Option<String> = sqlx::query_scalar(
        "SELECT MIN(effective_from) FROM code_import WHERE code_set = $1 AND effective_from > $2",
    )
    .bind(code_set)
    .bind(meta.effective_from.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let release_end = match next {
        Some(n) => n.parse::<Date>()?.days() - 1,
        None => OPEN,
    };
    let sql = format!("SELECT {VERSION_COLUMNS} FROM code_version WHERE code_set = $1");
    let mut history: BTreeMap<(String, String), Vec<Version>> = BTreeMap::new();
    {
        let mut rows = sqlx::query(&sql).bind(code_set).fetch(&mut *conn);
        while let Some(r) = futures::TryStreamExt::try_next(&mut rows).await? {
            let (key, v) = version_of(&r)?;
            history.entry(key).or_default().push(v);
        }
    }
    // The stored rows of every code this file touches, to write only what changed.
    let mut before: BTreeMap<(String, String), Vec<Version>> = BTreeMap::new();
    let release = meta.release_label();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut systems: BTreeSet<CodeSystem> = BTreeSet::new();
    let hcpcs_dated = matches!(meta.format, Format::HcpcsAnweb | Format::HcpcsXlsx);
    for c in codes {
        systems.insert(c.system);
        if c.billable {
            counts.add("codes", 1);
        } else {
            counts.add("headers", 1);
        }
        let key = (c.system.as_str().to_string(), c.code);
        let mut to = c.valid_to.map_or(OPEN, Date::days);
        if snapshot {
            to = to.min(release_end);
        }
        let v = Version {
            from: c.valid_from.days(),
            to,
            billable: c.billable,
            short: c.short_desc,
            long: c.long_desc,
            plain: c.plain_desc,
            release: release.clone(),
            prio,
            added: c.added,
            action: c.action,
            import_id,
        };
        let clear_to = if hcpcs_dated { OPEN } else { v.to };
        let rows = history.entry(key.clone()).or_default();
        if !before.contains_key(&key) {
            before.insert(key.clone(), rows.clone());
        }
        timeline::assign(rows, v, clear_to);
        seen.insert(key);
    }
    if snapshot {
        let start = meta.effective_from.days();
        for (key, rows) in history.iter_mut() {
            let system_covered = systems.iter().any(|s| s.as_str() == key.0);
            if system_covered && !seen.contains(key) {
                let was_open = rows.iter().any(|r| r.to >= start);
                before.entry(key.clone()).or_insert_with(|| rows.clone());
                timeline::remove(rows, start, release_end, prio);
                if was_open && rows.iter().all(|r| r.to < start) {
                    counts.add("deleted", 1);
                }
            }
        }
    }
    let changed: Vec<(String, String)> = before
        .into_iter()
        .filter(|(key, old)| history.get(key) != Some(old))
        .map(|(key, _)| key)
        .collect();
    counts.add("code histories written", changed.len() as u64);
    for chunk in changed.chunks(400) {
        let by_system: BTreeMap<&str, Vec<&str>> =
            chunk.iter().fold(BTreeMap::new(), |mut m, (s, c)| {
                m.entry(s.as_str())
                    .or_insert_with(Vec::new)
                    .push(c.as_str());
                m
            });
        for (system, codes) in by_system {
            let placeholders: Vec<String> =
                (0..codes.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "DELETE FROM code_version WHERE code_set = $1 AND system = $2 AND code IN ({})",
                placeholders.join(",")
            );
            let mut q = sqlx::query(&sql).bind(code_set).bind(system);
            for c in codes {
                q = q.bind(c);
            }
            q.execute(&mut *conn).await?;
        }
    }
    let mut inserts = Vec::new();
    for key in &changed {
        for v in &history[key] {
            inserts.push(vec![
                key.0.as_str().into(),
                key.1.as_str().into(),
                Date::from_days(v.from).to_string().into(),
                (v.to != OPEN)
                    .then(|| Date::from_days(v.to).to_string())
                    .into(),
                Val::Int(v.billable.into()),
                v.short.clone().into(),
                v.long.as_str().into(),
                v.plain.clone().into(),
                code_set.into(),
                v.release.as_str().into(),
                Date::from_days(v.prio).to_string().into(),
                v.added.map(|d| d.to_string()).into(),
                v.action.clone().into(),
                v.import_id.into(),
            ]);
        }
    }
    insert_many(
        conn,
        backend,
        "INSERT INTO code_version (system, code, valid_from, valid_to, billable, short_desc, long_desc, plain_desc, code_set, release, release_date, added, action, import_id)",
        "",
        &[],
        inserts,
    )
    .await
}

/// Everything the index is built from, read in one go.
pub struct CatalogDump {
    /// (system, code) with its versions, oldest first.
    pub versions: BTreeMap<(String, String), Vec<Version>>,
    /// (code, kind, text) in order.
    pub notes: Vec<(String, NoteKind, String)>,
    /// code -> (parent, title).
    pub parents: BTreeMap<String, (String, Option<String>)>,
    /// code -> 7th characters defined there.
    pub seven_chr: BTreeMap<String, Vec<(String, String)>>,
    /// (system, old) -> (new, effective).
    pub replacements: BTreeMap<(String, String), Vec<(String, Date)>>,
    /// code -> MUE rows (setting, valid_from, value, mai, mai_text, rationale).
    pub mue: BTreeMap<String, Vec<crate::codes::MueLimit>>,
    /// code -> Medicare fee schedule rows of codes shaped like the system's, oldest release
    /// first (procedure systems only).
    pub fee: BTreeMap<String, Vec<FeeRow>>,
}

/// Reads what the index needs of one system: its code versions, and the notes, hierarchy and
/// 7th characters for ICD-10-CM, replacements, and the MUEs of codes shaped like the system's.
pub async fn dump(store: &Store, system: CodeSystem) -> Result<CatalogDump> {
    let pool = store.pool();
    let mut versions: BTreeMap<(String, String), Vec<Version>> = BTreeMap::new();
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM code_version WHERE system = $1 ORDER BY code, valid_from"
    );
    let mut rows = sqlx::query(&sql).bind(system.as_str()).fetch(pool);
    while let Some(r) = futures::TryStreamExt::try_next(&mut rows).await? {
        let (key, v) = version_of(&r)?;
        versions.entry(key).or_default().push(v);
    }
    drop(rows);
    for rows in versions.values_mut() {
        rows.sort_by_key(|v| v.from);
    }
    let mut dump = CatalogDump {
        versions,
        notes: Vec::new(),
        parents: BTreeMap::new(),
        seven_chr: BTreeMap::new(),
        replacements: BTreeMap::new(),
        mue: BTreeMap::new(),
        fee: BTreeMap::new(),
    };
    if system == CodeSystem::Icd10Cm {
        dump_tabular(store, &mut dump).await?;
    }
    for r in sqlx::query(
        "SELECT system, old_code, new_code, effective FROM code_replacement WHERE system = $1 ORDER BY old_code, new_code",
    )
    .bind(system.as_str())
    .fetch_all(pool)
    .await?
    {
        let effective: String = r.try_get(3)?;
        dump.replacements
            .entry((r.try_get(0)?, r.try_get(1)?))
            .or_default()
            .push((r.try_get(2)?, effective.parse()?));
    }
    if system.is_procedure() {
        for r in sqlx::query(
            "SELECT code, setting, valid_from, value, mai, mai_text, rationale FROM mue ORDER BY code, valid_from",
        )
        .fetch_all(pool)
        .await?
        {
            let code: String = r.try_get(0)?;
            let is_cpt = crate::codes::normalize(CodeSystem::Cpt, &code).is_some();
            if is_cpt != (system == CodeSystem::Cpt) {
                continue;
            }
            let valid_from: String = r.try_get(2)?;
            dump.mue.entry(code).or_default().push(crate::codes::MueLimit {
                setting: r.try_get(1)?,
                valid_from: valid_from.parse()?,
                value: r.try_get::<i64, _>(3)? as u32,
                mai: r.try_get::<i64, _>(4)? as u8,
                mai_text: r.try_get(5)?,
                rationale: r.try_get(6)?,
            });
        }
    }
    if system.is_procedure() {
        let sql =
            format!("SELECT {FEE_COLUMNS} FROM fee_schedule ORDER BY code, valid_from, modifier");
        let mut rows = sqlx::query(&sql).fetch(pool);
        while let Some(r) = futures::TryStreamExt::try_next(&mut rows).await? {
            let (code, row) = fee_of(&r)?;
            let is_cpt = crate::codes::normalize(CodeSystem::Cpt, &code).is_some();
            if is_cpt == (system == CodeSystem::Cpt) {
                dump.fee.entry(code).or_default().push(row);
            }
        }
    }
    if system == CodeSystem::Cpt {
        // CPT codes named only by PTP edits (vaccine administration 0001A, with no MUE row) are
        // codes too: known, without a descriptor.
        for r in sqlx::query("SELECT col1 FROM ptp_edit UNION SELECT col2 FROM ptp_edit")
            .fetch_all(pool)
            .await?
        {
            let code: String = r.try_get(0)?;
            if crate::codes::normalize(CodeSystem::Cpt, &code).is_some() {
                dump.mue.entry(code).or_default();
            }
        }
    }
    Ok(dump)
}

async fn dump_tabular(store: &Store, dump: &mut CatalogDump) -> Result<()> {
    let pool = store.pool();
    for r in sqlx::query("SELECT code, kind, text FROM code_note ORDER BY code, kind, seq")
        .fetch_all(pool)
        .await?
    {
        let kind: String = r.try_get(1)?;
        if let Some(kind) = NoteKind::from_xml_name(&kind) {
            dump.notes.push((r.try_get(0)?, kind, r.try_get(2)?));
        }
    }
    for r in sqlx::query("SELECT code, parent, title FROM code_parent")
        .fetch_all(pool)
        .await?
    {
        dump.parents
            .insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
    }
    for r in sqlx::query("SELECT code, chr, meaning FROM seven_chr ORDER BY code, chr")
        .fetch_all(pool)
        .await?
    {
        dump.seven_chr
            .entry(r.try_get(0)?)
            .or_default()
            .push((r.try_get(1)?, r.try_get(2)?));
    }
    Ok(())
}

fn ptp_of(r: &AnyRow) -> Result<PtpEdit> {
    let effective: String = r.try_get("effective")?;
    let deletion: Option<String> = r.try_get("deletion")?;
    Ok(PtpEdit {
        setting: r.try_get("setting")?,
        col1: r.try_get("col1")?,
        col2: r.try_get("col2")?,
        effective: effective.parse()?,
        deletion: deletion.map(|d| d.parse()).transpose()?,
        pre_1996: r.try_get::<i64, _>("pre_1996")? != 0,
        modifier: r.try_get::<i64, _>("modifier")? as u8,
        rationale: r.try_get("rationale")?,
    })
}

const PTP_COLUMNS: &str = "setting, col1, col2, effective, deletion, pre_1996, modifier, rationale";

/// The PTP edits between two codes, in either direction, newest first.
pub async fn ptp_between(store: &Store, a: &str, b: &str) -> Result<Vec<PtpEdit>> {
    let rows = sqlx::query(&format!(
        "SELECT {PTP_COLUMNS} FROM ptp_edit WHERE (col1 = $1 AND col2 = $2) OR (col1 = $2 AND col2 = $1) ORDER BY effective DESC"
    ))
    .bind(a)
    .bind(b)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(ptp_of).collect()
}

/// Up to `limit` PTP edits a code takes part in (as column 1 or 2), and how many there are.
pub async fn ptp_for(store: &Store, code: &str, limit: i64) -> Result<(Vec<PtpEdit>, i64)> {
    let (total,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ptp_edit WHERE col1 = $1) + (SELECT COUNT(*) FROM ptp_edit WHERE col2 = $1)",
    )
    .bind(code)
    .fetch_one(store.pool())
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT {PTP_COLUMNS} FROM ptp_edit WHERE col1 = $1 UNION ALL SELECT {PTP_COLUMNS} FROM ptp_edit WHERE col2 = $1 ORDER BY col1, col2 LIMIT $2"
    ))
    .bind(code)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok((rows.iter().map(ptp_of).collect::<Result<_>>()?, total))
}

/// ICD-10-CM codes an ICD-9-CM code maps to (GEM), with the flags.
pub async fn gem_targets(store: &Store, icd9: &str) -> Result<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT target, flags FROM gem WHERE direction = 'icd9-to-icd10' AND source = $1 ORDER BY target",
    )
    .bind(icd9)
    .fetch_all(store.pool())
    .await?;
    Ok(rows)
}

/// Every ICD-9-CM code the loaded GEMs map to ICD-10-CM.
pub async fn gem_sources(store: &Store) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT source FROM gem WHERE direction = 'icd9-to-icd10'")
            .fetch_all(store.pool())
            .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Per system, how many codes are valid on `date`: (system, billable, headers).
pub async fn counts_as_of(store: &Store, date: Date) -> Result<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT system, CAST(SUM(CASE WHEN billable = 1 THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN billable = 1 THEN 0 ELSE 1 END) AS BIGINT) \
         FROM (SELECT DISTINCT system, code, billable FROM code_version \
               WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)) AS v \
         GROUP BY system ORDER BY system",
    )
    .bind(date.to_string())
    .fetch_all(store.pool())
    .await?;
    Ok(rows)
}

/// How many rows a catalog table holds (`ptp_edit`, `mue`, `code_version`, ...).
pub async fn table_count(store: &Store, table: &str) -> Result<i64> {
    const TABLES: &[&str] = &[
        "code_import",
        "code_version",
        "code_note",
        "code_parent",
        "seven_chr",
        "code_replacement",
        "mue",
        "ptp_edit",
        "gem",
        "fee_schedule",
        "index_term",
        "index_heading",
    ];
    anyhow::ensure!(TABLES.contains(&table), "not a catalog table: {table}");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}
