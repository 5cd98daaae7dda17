//! SQL the staff page needs beyond `cases`: the queue page (one state, a search, keyset paging that
//! stays fast at 100,000 cases), the dashboard figures, and a case's version for conflict checks.

use super::cases::{CaseId, CaseState};
use super::{Backend, Store};
use crate::case_search::{CaseSearch, case_reference};
use anyhow::{Context, Result};
use sqlx::Row;

/// One row of the queue: what the list shows of a case.
#[derive(Clone, Debug, serde::Serialize)]
pub struct QueueRow {
    /// The case.
    pub id: i64,
    /// The reference its mail carries (`CD-9`; a follow-up carries its thread's).
    pub case_ref: String,
    /// Whether it follows up an earlier case (and so shares its reference).
    pub follow_up: bool,
    /// Its state.
    pub state: CaseState,
    /// The sender's address, when readable.
    pub sender: Option<String>,
    /// The subject, when readable.
    pub subject: Option<String>,
    /// Why it is held, ignored or failed.
    pub reason: Option<String>,
    /// The answer's confidence.
    pub confidence: Option<String>,
    /// Received (Unix seconds).
    pub received_at: i64,
}

/// What the queue lists.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    /// One state, or every state when `None`.
    pub state: Option<CaseState>,
    /// What to find: a case reference, a code of the question, text of the sender or subject,
    /// and the reply's text only when asked.
    pub search: Option<CaseSearch>,
    /// Only cases older than this one (the next page).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
    /// Only cases of these mailboxes (desk keys); every mailbox when `None`.
    pub mailboxes: Option<Vec<String>>,
    /// Only cases received at or before this instant, oldest first (and `before` ignored): the
    /// candidates for overdue.
    pub received_by: Option<i64>,
}

/// A value bound to the queue's query.
enum Bind {
    Text(String),
    Int(i64),
}

/// `%` and `_` taken literally by `LIKE ... ESCAPE '\'`.
fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause of a search (one parenthesised OR), its values pushed to `binds`.
fn search_clause(backend: Backend, s: &CaseSearch, binds: &mut Vec<Bind>) -> String {
    // SQLite's LIKE ignores ASCII case already; LOWER() on every row would double the scan.
    let like = match backend {
        Backend::Sqlite => "LIKE",
        Backend::Postgres => "ILIKE",
    };
    let mut any = Vec::new();
    if let Some(reference) = &s.reference {
        binds.push(Bind::Text(reference.clone()));
        any.push(format!("case_ref = ${}", binds.len()));
        if let Some(id) = s.id {
            binds.push(Bind::Int(id));
            any.push(format!("(case_ref IS NULL AND id = ${})", binds.len()));
        }
    }
    if let Some(code) = &s.code {
        // Codes are stored upper case between spaces; a code is letters and digits only.
        let tail = if s.code_prefix { "%" } else { " %" };
        binds.push(Bind::Text(format!("% {code}{tail}")));
        any.push(format!("question_codes LIKE ${}", binds.len()));
    }
    if let Some(number) = &s.number {
        // The number whole, not inside a longer one (`9` is not in "99213").
        match backend {
            Backend::Sqlite => {
                binds.push(Bind::Text(format!("*[^0-9]{number}[^0-9]*")));
                any.push(format!("(' ' || subject || ' ') GLOB ${}", binds.len()));
            }
            Backend::Postgres => {
                binds.push(Bind::Text(format!("(^|[^0-9]){number}([^0-9]|$)")));
                any.push(format!("subject ~ ${}", binds.len()));
            }
        }
    }
    if let Some(text) = &s.text {
        binds.push(Bind::Text(format!(
            "%{}%",
            like_escaped(&text.to_lowercase())
        )));
        let n = binds.len();
        any.push(format!(
            "sender {like} ${n} ESCAPE '\\' OR subject {like} ${n} ESCAPE '\\'"
        ));
    }
    if let Some(reply) = &s.reply {
        binds.push(Bind::Text(format!(
            "%{}%",
            like_escaped(&reply.to_lowercase())
        )));
        any.push(format!("reply_text {like} ${} ESCAPE '\\'", binds.len()));
    }
    if any.is_empty() {
        return "1 = 1".to_string();
    }
    format!("({})", any.join(" OR "))
}

/// One page of the queue, newest first, and whether there is a page after it.
pub async fn queue(store: &Store, q: &QueueQuery) -> Result<(Vec<QueueRow>, bool)> {
    let mut clauses = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(state) = q.state {
        binds.push(Bind::Text(state.as_str().to_string()));
        clauses.push(format!("state = ${}", binds.len()));
    }
    if let Some(search) = &q.search {
        clauses.push(search_clause(store.backend(), search, &mut binds));
    }
    if let Some(mailboxes) = &q.mailboxes {
        if mailboxes.is_empty() {
            clauses.push("1 = 0".to_string());
        } else {
            let mut places = Vec::new();
            for m in mailboxes {
                binds.push(Bind::Text(m.clone()));
                places.push(format!("${}", binds.len()));
            }
            clauses.push(format!("mailbox IN ({})", places.join(", ")));
        }
    }
    let mut sql = String::from(
        "SELECT id, state, sender, subject, reason, confidence, received_at, case_ref, \
         thread_case_id FROM mail_case",
    );
    if let Some(by) = q.received_by {
        binds.push(Bind::Int(by));
        clauses.push(format!("received_at <= ${}", binds.len()));
    }
    let before = q.before.filter(|_| q.received_by.is_none());
    let before_n = binds.len() + 1;
    if before.is_some() {
        clauses.push(format!("id < ${before_n}"));
    }
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    let limit = q.limit.clamp(1, 500);
    let limit_n = before_n + usize::from(before.is_some());
    let order = if q.received_by.is_some() {
        "received_at, id"
    } else {
        "id DESC"
    };
    sql.push_str(&format!(" ORDER BY {order} LIMIT ${limit_n}"));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    if let Some(before) = before {
        query = query.bind(before);
    }
    let rows = query
        .bind(limit + 1)
        .fetch_all(store.pool())
        .await
        .context("cannot list the queue")?;
    let more = rows.len() as i64 > limit;
    let rows = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            let state: String = r.try_get(1)?;
            let id: i64 = r.try_get(0)?;
            let case_ref: Option<String> = r.try_get(7)?;
            let thread: Option<i64> = r.try_get(8)?;
            Ok(QueueRow {
                id,
                case_ref: case_reference(id, case_ref.as_deref()),
                follow_up: thread.is_some(),
                state: state.parse()?,
                sender: r.try_get(2)?,
                subject: r.try_get(3)?,
                reason: r.try_get(4)?,
                confidence: r.try_get(5)?,
                received_at: r.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((rows, more))
}

/// Cases answered before their question's codes were kept (`question_codes` NULL, the message
/// still stored), oldest first: (id, raw message), at most `limit`.
pub async fn cases_without_codes(store: &Store, limit: i64) -> Result<Vec<(i64, Vec<u8>)>> {
    let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT m.id, b.raw FROM mail_case m JOIN case_body b ON b.case_id = m.id \
         WHERE m.question_codes IS NULL AND m.reply_kind IS NOT NULL AND m.purged_at IS NULL \
         ORDER BY m.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("cannot list the cases whose codes are not kept yet")?;
    Ok(rows)
}

/// Keeps a question's codes for search (only where none are kept yet).
pub async fn set_question_codes(store: &Store, id: i64, codes: &str) -> Result<()> {
    sqlx::query(
        "UPDATE mail_case SET question_codes = $1 WHERE id = $2 AND question_codes IS NULL",
    )
    .bind(codes)
    .bind(id)
    .execute(store.pool())
    .await
    .context("cannot keep a question's codes")?;
    Ok(())
}

/// The dashboard's figures.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Dashboard {
    /// Questions received since `since`.
    pub questions: i64,
    /// Replies sent since `since`.
    pub replies: i64,
    /// The median seconds from receipt to reply of those replies.
    pub median_reply_secs: Option<i64>,
    /// Cases waiting for staff now.
    pub held: i64,
    /// When the oldest held case came in (Unix seconds).
    pub oldest_held_at: Option<i64>,
}

/// The dashboard's figures for replies and questions since `since` (Unix seconds).
pub async fn dashboard(store: &Store, since: i64) -> Result<Dashboard> {
    let pool = store.pool();
    let (questions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mail_case WHERE received_at >= $1")
            .bind(since)
            .fetch_one(pool)
            .await?;
    let mut waits: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT sent_at - received_at FROM mail_case WHERE sent_at >= $1",
    )
    .bind(since)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| r.0)
    .collect();
    waits.sort_unstable();
    let (held, oldest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(received_at) FROM mail_case WHERE state = 'held'")
            .fetch_one(pool)
            .await?;
    Ok(Dashboard {
        questions,
        replies: waits.len() as i64,
        median_reply_secs: waits.get(waits.len() / 2).copied(),
        held,
        oldest_held_at: oldest,
    })
}

/// A case's version: the id of its newest history event (every transition and edit adds one).
/// A form carries the version it was drawn at; a different one means someone acted meanwhile.
pub async fn version(store: &Store, id: CaseId) -> Result<i64> {
    let (v,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM case_event WHERE case_id = $1")
        .bind(id.0)
        .fetch_one(store.pool())
        .await?;
    Ok(v.unwrap_or(0))
}

/// Staff: `held | failed → received` with the drafted reply cleared, so the worker answers the
/// question again from the catalog as it is now (after a code-set update). Only cases whose reply
/// was never accepted for sending; false when the case is in another state or claimed.
pub async fn reanswer(store: &Store, id: CaseId, actor: &str, now: i64) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let before: Option<(String,)> = sqlx::query_as(
        "UPDATE mail_case SET state = 'received', updated_at = $1, reply_kind = NULL, \
         reply_message_id = NULL, reply_to = NULL, reply_subject = NULL, reply_text = NULL, \
         confidence = NULL, reason = NULL, last_error = NULL, attempts = 0, \
         next_attempt_at = NULL WHERE id = $2 AND state IN ('held', 'failed') \
         AND claimed_by IS NULL AND sent_at IS NULL RETURNING (SELECT to_state FROM case_event \
         WHERE case_id = $2 ORDER BY id DESC LIMIT 1)",
    )
    .bind(now)
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await
    .with_context(|| format!("cannot reset case {id} for a new answer"))?;
    let Some((from,)) = before else {
        tx.rollback().await?;
        return Ok(false);
    };
    sqlx::query("UPDATE case_body SET reply_raw = NULL WHERE case_id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO case_event (case_id, at, actor, from_state, to_state, detail) \
         VALUES ($1, $2, $3, $4, 'received', 'answer again from the current code sets')",
    )
    .bind(id.0)
    .bind(now)
    .bind(actor)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
