//! SQL for cases: storing received messages, claiming work, state transitions (each one committed
//! transaction with its `case_event` row), and the reads the worker and the staff page need.
//! Nothing here does network I/O, and no transaction outlives a function call.

use super::{Backend, Store};
use crate::question::address_key;
use anyhow::{Context, Result, bail};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use std::fmt;
use std::str::FromStr;

/// Where a case is in its life (DESIGN.md): `received → answered → (held → approved) → sending →
/// sent`, or `ignored` (with the reason), or `failed` (with the error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseState {
    /// The raw message is stored; nothing else is done yet.
    Received,
    /// The reply is composed and stored; policy has not routed it yet.
    Answered,
    /// Waiting for staff to approve, edit or reject the reply.
    Held,
    /// Ready to send (at `next_attempt_at` when a retry is scheduled).
    Approved,
    /// A worker is sending it; the reply's Message-ID is stored.
    Sending,
    /// The SMTP server accepted the reply.
    Sent,
    /// Never answered (automatic mail, blocked sender, loop, rejected by staff), with the reason.
    Ignored,
    /// Could not be processed or sent, with the error; for staff.
    Failed,
}

impl CaseState {
    /// Every state, in life order.
    pub const ALL: [CaseState; 8] = [
        CaseState::Received,
        CaseState::Answered,
        CaseState::Held,
        CaseState::Approved,
        CaseState::Sending,
        CaseState::Sent,
        CaseState::Ignored,
        CaseState::Failed,
    ];

    /// The text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Received => "received",
            CaseState::Answered => "answered",
            CaseState::Held => "held",
            CaseState::Approved => "approved",
            CaseState::Sending => "sending",
            CaseState::Sent => "sent",
            CaseState::Ignored => "ignored",
            CaseState::Failed => "failed",
        }
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseState {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        CaseState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .with_context(|| {
                format!("unknown case state {s:?}: expected one of received, answered, held, approved, sending, sent, ignored, failed")
            })
    }
}

/// A case's database id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct CaseId(pub i64);

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A message as received, to be stored before it is marked on the server.
#[derive(Clone, Debug)]
pub struct NewCase<'a> {
    /// Which mailbox it came from (the mailbox's description).
    pub mailbox: &'a str,
    /// The folder's UIDVALIDITY when fetched.
    pub uidvalidity: u32,
    /// The message's UID.
    pub uid: u32,
    /// Its Message-ID, without angle brackets, when it has one.
    pub message_id: Option<&'a str>,
    /// The bytes as received (only the header when the message was too large to fetch).
    pub raw: &'a [u8],
    /// The message's full size in bytes as the server reported it (at least `raw.len()`).
    pub full_size: u64,
    /// The sender's address, when readable.
    pub sender: Option<&'a str>,
    /// Where a reply would go (Reply-To, else From), when readable: the sender rules count on it.
    pub recipient: Option<&'a str>,
    /// The subject, when readable.
    pub subject: Option<&'a str>,
}

/// What [`insert_received`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// A new case.
    New(CaseId),
    /// The same message (by mailbox+UIDVALIDITY+UID or by Message-ID) was stored before.
    Duplicate(CaseId),
}

impl Inserted {
    /// The case, new or old.
    pub fn id(self) -> CaseId {
        match self {
            Inserted::New(id) | Inserted::Duplicate(id) => id,
        }
    }
}

/// A composed reply, stored before anything is sent.
#[derive(Clone, Debug)]
pub struct StoredReply {
    /// What kind of reply (answer, not-registered, over-quota, unprocessable).
    pub kind: String,
    /// The reply's Message-ID, without angle brackets, decided before the SMTP call.
    pub message_id: String,
    /// The recipient.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain text body (what staff read and edit).
    pub text: String,
    /// The full message as it will be sent.
    pub raw: Vec<u8>,
    /// The case's reference, as quoted in the reply.
    pub case_ref: String,
    /// The earlier case this one follows up, if any.
    pub thread_of: Option<CaseId>,
    /// The answer's confidence level, as text, for the policy and staff.
    pub confidence: Option<String>,
    /// The codes the question names, for staff search (see `case_search::question_codes`).
    pub question_codes: String,
}

/// One case, without the raw message (see [`raw_message`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// The mailbox it came from.
    pub mailbox: String,
    /// UIDVALIDITY when fetched.
    pub uidvalidity: i64,
    /// UID.
    pub uid: i64,
    /// The question's Message-ID.
    pub message_id: Option<String>,
    /// The message's full size in bytes; larger than the stored raw when only its header was kept.
    pub raw_size: i64,
    /// Sender address.
    pub sender: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Current state.
    pub state: CaseState,
    /// Why it is ignored or failed.
    pub reason: Option<String>,
    /// Reference quoted in the reply.
    pub case_ref: Option<String>,
    /// The case this follows up.
    pub thread_of: Option<CaseId>,
    /// The answer's confidence level.
    pub confidence: Option<String>,
    /// answer, not-registered, over-quota or unprocessable.
    pub reply_kind: Option<String>,
    /// The reply's Message-ID.
    pub reply_message_id: Option<String>,
    /// The reply's recipient.
    pub reply_to: Option<String>,
    /// The reply's subject.
    pub reply_subject: Option<String>,
    /// The reply's text.
    pub reply_text: Option<String>,
    /// Send attempts so far.
    pub attempts: i64,
    /// When the next send attempt is due.
    pub next_attempt_at: Option<i64>,
    /// The last send or processing error.
    pub last_error: Option<String>,
    /// Which worker holds it.
    pub claimed_by: Option<String>,
    /// Until when.
    pub claim_expires_at: Option<i64>,
    /// When it was stored.
    pub received_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// When the SMTP server accepted the reply.
    pub sent_at: Option<i64>,
}

/// One entry in a case's history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CaseEvent {
    /// Id (rises with time).
    pub id: i64,
    /// When.
    pub at: i64,
    /// Who: a worker's id or a staff user.
    pub actor: String,
    /// State before (none for the first event).
    pub from_state: Option<CaseState>,
    /// State after.
    pub to_state: CaseState,
    /// What happened, in words.
    pub detail: Option<String>,
}

/// Which cases to list, newest first.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// Only these states (all when empty).
    pub states: Vec<CaseState>,
    /// Only senders containing this text (case-insensitive).
    pub sender_contains: Option<String>,
    /// Page size (100 when 0).
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

const CASE_COLUMNS: &str = "id, mailbox, uidvalidity, uid, message_id, raw_size, sender, subject, state, reason, \
     case_ref, thread_case_id, confidence, reply_kind, reply_message_id, reply_to, reply_subject, reply_text, \
     attempts, next_attempt_at, last_error, claimed_by, claim_expires_at, received_at, updated_at, sent_at";

fn case_from_row(r: &AnyRow) -> Result<Case> {
    let state: String = r.try_get(8)?;
    Ok(Case {
        id: CaseId(r.try_get(0)?),
        mailbox: r.try_get(1)?,
        uidvalidity: r.try_get(2)?,
        uid: r.try_get(3)?,
        message_id: r.try_get(4)?,
        raw_size: r.try_get(5)?,
        sender: r.try_get(6)?,
        subject: r.try_get(7)?,
        state: state.parse()?,
        reason: r.try_get(9)?,
        case_ref: r.try_get(10)?,
        thread_of: r.try_get::<Option<i64>, _>(11)?.map(CaseId),
        confidence: r.try_get(12)?,
        reply_kind: r.try_get(13)?,
        reply_message_id: r.try_get(14)?,
        reply_to: r.try_get(15)?,
        reply_subject: r.try_get(16)?,
        reply_text: r.try_get(17)?,
        attempts: r.try_get(18)?,
        next_attempt_at: r.try_get(19)?,
        last_error: r.try_get(20)?,
        claimed_by: r.try_get(21)?,
        claim_expires_at: r.try_get(22)?,
        received_at: r.try_get(23)?,
        updated_at: r.try_get(24)?,
        sent_at: r.try_get(25)?,
    })
}

/// Stores a received message as a `received` case (with its first event), or finds the case that
/// already holds it. Call before marking the message on the server.
pub async fn insert_received(
    store: &Store,
    new: &NewCase<'_>,
    actor: &str,
    now: i64,
) -> Result<Inserted> {
    let mut all = insert_received_all(store, std::slice::from_ref(new), actor, now).await?;
    all.pop().context("storing one message gave no result")
}

/// [`insert_received`] for several messages in one transaction (one commit for a fetched batch),
/// in order.
pub async fn insert_received_all(
    store: &Store,
    messages: &[NewCase<'_>],
    actor: &str,
    now: i64,
) -> Result<Vec<Inserted>> {
    let mut done = Vec::with_capacity(messages.len());
    if messages.is_empty() {
        return Ok(done);
    }
    let mut tx = store.pool().begin().await?;
    for new in messages {
        done.push(insert_one(&mut tx, new, actor, now).await?);
    }
    tx.commit().await?;
    Ok(done)
}

async fn insert_one(
    tx: &mut sqlx::Transaction<'_, Any>,
    new: &NewCase<'_>,
    actor: &str,
    now: i64,
) -> Result<Inserted> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO mail_case (mailbox, uidvalidity, uid, message_id, raw_size, sender, subject, state, received_at, updated_at, \
         sender_key, recipient_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.mailbox)
    .bind(i64::from(new.uidvalidity))
    .bind(i64::from(new.uid))
    .bind(new.message_id)
    .bind(new.full_size.max(new.raw.len() as u64) as i64)
    .bind(new.sender)
    .bind(new.subject)
    .bind(now)
    .bind(new.sender.map(address_key))
    .bind(new.recipient.or(new.sender).map(address_key))
    .fetch_optional(&mut **tx)
    .await
    .context("cannot store a received message")?;
    if let Some((id,)) = row {
        sqlx::query("INSERT INTO case_body (case_id, raw) VALUES ($1, $2)")
            .bind(id)
            .bind(new.raw)
            .execute(&mut **tx)
            .await
            .context("cannot store a received message")?;
        insert_event(
            tx,
            id,
            now,
            actor,
            None,
            CaseState::Received,
            Some("stored"),
        )
        .await?;
        return Ok(Inserted::New(CaseId(id)));
    }
    let existing: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM mail_case WHERE (mailbox = $1 AND uidvalidity = $2 AND uid = $3) OR message_id = $4 ORDER BY id LIMIT 1",
    )
    .bind(new.mailbox)
    .bind(i64::from(new.uidvalidity))
    .bind(i64::from(new.uid))
    .bind(new.message_id)
    .fetch_optional(&mut **tx)
    .await?;
    match existing {
        Some((id,)) => Ok(Inserted::Duplicate(CaseId(id))),
        None => bail!("a received message conflicted with a stored case that cannot be found"),
    }
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, Any>,
    case_id: i64,
    at: i64,
    actor: &str,
    from: Option<CaseState>,
    to: CaseState,
    detail: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_event (case_id, at, actor, from_state, to_state, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(at)
    .bind(actor)
    .bind(from.map(CaseState::as_str))
    .bind(to.as_str())
    .bind(detail.map(storable))
    .execute(&mut **tx)
    .await
    .context("cannot record a case event")?;
    Ok(())
}

/// Claims up to `limit` cases in `state` that nobody holds (or whose holder's lease ran out) and
/// that are due, for `owner` until `now + lease_secs`. A conditional update on SQLite, `FOR UPDATE
/// SKIP LOCKED` on PostgreSQL; the statement commits at once, so no transaction is held while the
/// caller works.
pub async fn claim(
    store: &Store,
    state: CaseState,
    owner: &str,
    now: i64,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<CaseId>> {
    let pick = "SELECT id FROM mail_case WHERE state = $3 \
         AND (claimed_by IS NULL OR claim_expires_at < $4) \
         AND (next_attempt_at IS NULL OR next_attempt_at <= $4) ORDER BY id LIMIT $5";
    let sql = match store.backend() {
        // One UPDATE statement holds SQLite's write lock from its read to its write.
        Backend::Sqlite => format!(
            "UPDATE mail_case SET claimed_by = $1, claim_expires_at = $2 WHERE id IN ({pick}) RETURNING id"
        ),
        // Materialised so the locked pick runs once (an IN subquery may be re-run per row).
        Backend::Postgres => format!(
            "WITH picked AS MATERIALIZED ({pick} FOR UPDATE SKIP LOCKED) \
             UPDATE mail_case SET claimed_by = $1, claim_expires_at = $2 FROM picked \
             WHERE mail_case.id = picked.id RETURNING mail_case.id"
        ),
    };
    let rows: Vec<(i64,)> = sqlx::query_as(&sql)
        .bind(owner)
        .bind(now + lease_secs)
        .bind(state.as_str())
        .bind(now)
        .bind(limit)
        .fetch_all(store.pool())
        .await
        .with_context(|| format!("cannot claim {state} cases"))?;
    let mut ids: Vec<CaseId> = rows.into_iter().map(|r| CaseId(r.0)).collect();
    ids.sort();
    Ok(ids)
}

/// Gives a claimed case back without changing its state (e.g. at shutdown).
pub async fn release(store: &Store, id: CaseId, owner: &str) -> Result<()> {
    sqlx::query("UPDATE mail_case SET claimed_by = NULL, claim_expires_at = NULL WHERE id = $1 AND claimed_by = $2")
        .bind(id.0)
        .bind(owner)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// A value for one column set by a transition.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bytes(Option<Vec<u8>>),
}

/// Who may make a transition: the worker holding the claim, or anyone (staff, recovery).
#[derive(Clone, Copy)]
enum Holder<'a> {
    Claim(&'a str),
    Anyone,
}

struct Transition<'a> {
    id: CaseId,
    from: &'a [CaseState],
    to: CaseState,
    holder: Holder<'a>,
    actor: &'a str,
    detail: Option<&'a str>,
    keep_claim: bool,
    /// Only when the stored reason starts with this (a kind of ignored case; no `%` or `_`).
    reason_prefix: Option<&'a str>,
    sets: Vec<(&'static str, Value)>,
}

/// Applies one transition in one transaction: the conditional update and its event row. Returns the
/// state it left, or `None` when the case was not in an allowed state (or not held by the claimant).
async fn transition(store: &Store, t: Transition<'_>, now: i64) -> Result<Option<CaseState>> {
    let mut tx = store.pool().begin().await?;
    let before = transition_in(store, &mut tx, t, now).await?;
    if before.is_some() {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(before)
}

/// [`transition`] inside the caller's transaction, which the caller commits (or rolls back when
/// this returns `None`).
async fn transition_in(
    store: &Store,
    tx: &mut sqlx::Transaction<'_, Any>,
    t: Transition<'_>,
    now: i64,
) -> Result<Option<CaseState>> {
    let mut sql = String::from("UPDATE mail_case SET state = $1, updated_at = $2");
    let mut n = 2;
    if !t.keep_claim {
        sql.push_str(", claimed_by = NULL, claim_expires_at = NULL");
    }
    // Columns named `body.X` live in case_body (the message bodies), written in the same
    // transaction once the case row has moved.
    let (body_sets, case_sets): (Vec<_>, Vec<_>) = t
        .sets
        .into_iter()
        .partition(|(column, _)| column.starts_with("body."));
    for (column, _) in &case_sets {
        n += 1;
        sql.push_str(&format!(", {column} = ${n}"));
    }
    n += 1;
    sql.push_str(&format!(" WHERE id = ${n} AND state IN ("));
    for (i, _) in t.from.iter().enumerate() {
        n += 1;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${n}"));
    }
    sql.push(')');
    if let Holder::Claim(_) = t.holder {
        n += 1;
        sql.push_str(&format!(" AND claimed_by = ${n}"));
    }
    if t.reason_prefix.is_some() {
        n += 1;
        sql.push_str(&format!(" AND reason LIKE ${n}"));
    }
    // The state before: with one allowed state it is that one; otherwise it is read inside the
    // same write so the event row is exact.
    let before = match t.from {
        [only] => Some(*only),
        _ => {
            if store.backend() == Backend::Sqlite {
                // Take the write lock first: a read-then-write SQLite transaction can fail to
                // upgrade.
                sqlx::query("UPDATE mail_case SET id = id WHERE 0")
                    .execute(&mut **tx)
                    .await?;
            }
            let row: Option<(String,)> = sqlx::query_as(match store.backend() {
                Backend::Sqlite => "SELECT state FROM mail_case WHERE id = $1",
                Backend::Postgres => "SELECT state FROM mail_case WHERE id = $1 FOR UPDATE",
            })
            .bind(t.id.0)
            .fetch_optional(&mut **tx)
            .await?;
            match row {
                Some((state,)) => Some(state.parse::<CaseState>()?),
                None => None,
            }
        }
    };
    let mut query = sqlx::query(&sql).bind(t.to.as_str()).bind(now);
    for (_, value) in case_sets {
        query = bind_value(query, value);
    }
    query = query.bind(t.id.0);
    for state in t.from {
        query = query.bind(state.as_str());
    }
    if let Holder::Claim(owner) = t.holder {
        query = query.bind(owner);
    }
    if let Some(prefix) = t.reason_prefix {
        query = query.bind(format!("{prefix}%"));
    }
    let done = query
        .execute(&mut **tx)
        .await
        .with_context(|| format!("cannot move case {} to {}", t.id, t.to))?;
    let Some(before) = before else {
        return Ok(None);
    };
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    for (column, value) in body_sets {
        let column = column.trim_start_matches("body.");
        bind_value(
            sqlx::query(&format!(
                "UPDATE case_body SET {column} = $1 WHERE case_id = $2"
            )),
            value,
        )
        .bind(t.id.0)
        .execute(&mut **tx)
        .await
        .with_context(|| format!("cannot store the body of case {}", t.id))?;
    }
    insert_event(tx, t.id.0, now, t.actor, Some(before), t.to, t.detail).await?;
    Ok(Some(before))
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_value(query: AnyQuery<'_>, value: Value) -> AnyQuery<'_> {
    match value {
        Value::Text(v) => query.bind(v),
        Value::Int(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
    }
}

fn text(v: &str) -> Value {
    Value::Text(Some(storable(v)))
}

/// `v` as PostgreSQL can store it in a TEXT column: a NUL (which it refuses, and which would make
/// the case's every transition fail) becomes U+FFFD.
fn storable(v: &str) -> String {
    v.replace('\0', "\u{FFFD}")
}

/// `received → answered`: stores the composed reply (and its Message-ID) while the worker keeps its
/// claim. False when the case is no longer the caller's.
pub async fn record_reply(
    store: &Store,
    id: CaseId,
    owner: &str,
    reply: &StoredReply,
    now: i64,
) -> Result<bool> {
    let detail = format!("{} reply composed", reply.kind);
    let t = reply_transition(id, owner, reply, &detail);
    Ok(transition(store, t, now).await?.is_some())
}

/// `received → answered → held | approved` in one transaction: [`record_reply`] and [`route`]
/// with both events, for a worker that decided the route before storing the reply.
pub async fn record_reply_and_route(
    store: &Store,
    id: CaseId,
    owner: &str,
    reply: &StoredReply,
    to: CaseState,
    why: &str,
    now: i64,
) -> Result<bool> {
    let detail = format!("{} reply composed", reply.kind);
    let route = route_transition(id, owner, to, why)?;
    let record = reply_transition(id, owner, reply, &detail);
    let mut tx = store.pool().begin().await?;
    let moved = transition_in(store, &mut tx, record, now).await?.is_some()
        && transition_in(store, &mut tx, route, now).await?.is_some();
    if moved {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(moved)
}

fn reply_transition<'a>(
    id: CaseId,
    owner: &'a str,
    reply: &StoredReply,
    detail: &'a str,
) -> Transition<'a> {
    let sets = vec![
        ("reply_kind", text(&reply.kind)),
        ("reply_message_id", text(&reply.message_id)),
        ("reply_to", text(&reply.to)),
        ("reply_subject", text(&reply.subject)),
        ("reply_text", text(&reply.text)),
        ("body.reply_raw", Value::Bytes(Some(reply.raw.clone()))),
        ("case_ref", text(&reply.case_ref)),
        ("thread_case_id", Value::Int(reply.thread_of.map(|c| c.0))),
        ("confidence", Value::Text(reply.confidence.clone())),
        ("question_codes", text(&reply.question_codes)),
    ];
    Transition {
        id,
        from: &[CaseState::Received],
        to: CaseState::Answered,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(detail),
        keep_claim: true,
        reason_prefix: None,
        sets,
    }
}

/// `answered → held | approved` as the review policy decides, releasing the claim.
pub async fn route(
    store: &Store,
    id: CaseId,
    owner: &str,
    to: CaseState,
    why: &str,
    now: i64,
) -> Result<bool> {
    Ok(
        transition(store, route_transition(id, owner, to, why)?, now)
            .await?
            .is_some(),
    )
}

fn route_transition<'a>(
    id: CaseId,
    owner: &'a str,
    to: CaseState,
    why: &'a str,
) -> Result<Transition<'a>> {
    if !matches!(to, CaseState::Held | CaseState::Approved) {
        bail!("a composed reply can only be held or approved, not {to}");
    }
    Ok(Transition {
        id,
        from: &[CaseState::Answered],
        to,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(why),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![],
    })
}

/// `received | answered → ignored` with the reason (automatic mail, blocked sender, loop ...).
pub async fn ignore(
    store: &Store,
    id: CaseId,
    owner: &str,
    reason: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Received, CaseState::Answered],
        to: CaseState::Ignored,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(reason),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![("reason", text(reason))],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `approved → sending`, counting the attempt; the claim is kept for the SMTP call that follows.
pub async fn begin_sending(store: &Store, id: CaseId, owner: &str, now: i64) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE mail_case SET state = 'sending', attempts = attempts + 1, updated_at = $1 \
         WHERE id = $2 AND state = 'approved' AND claimed_by = $3",
    )
    .bind(now)
    .bind(id.0)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_event(
        &mut tx,
        id.0,
        now,
        owner,
        Some(CaseState::Approved),
        CaseState::Sending,
        Some("sending"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// `sending → sent` once the SMTP server accepted the reply.
pub async fn mark_sent(
    store: &Store,
    id: CaseId,
    owner: &str,
    detail: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Sending],
        to: CaseState::Sent,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(detail),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![
            ("sent_at", Value::Int(Some(now))),
            ("last_error", Value::Text(None)),
        ],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `sending → sending`, unclaimed, with the reason: the reply was written but no answer came, so
/// it may have been accepted. Recovery settles it like a send cut off by a crash.
pub async fn send_unsure(
    store: &Store,
    id: CaseId,
    owner: &str,
    why: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Sending],
        to: CaseState::Sending,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(why),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![("last_error", text(why))],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `sending → approved` with the error and the time of the next attempt (a 4xx or network error).
pub async fn retry_later(
    store: &Store,
    id: CaseId,
    owner: &str,
    error: &str,
    next_at: i64,
    now: i64,
) -> Result<bool> {
    let detail = format!("will retry: {error}");
    let t = Transition {
        id,
        from: &[CaseState::Sending],
        to: CaseState::Approved,
        holder: Holder::Claim(owner),
        actor: owner,
        detail: Some(&detail),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![
            ("last_error", text(error)),
            ("next_attempt_at", Value::Int(Some(next_at))),
        ],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `received | answered | sending → failed` with the error, for staff (a 5xx, a message that
/// cannot be processed). `owner` is the claimant, or `None` for start-up recovery.
pub async fn fail(
    store: &Store,
    id: CaseId,
    owner: Option<&str>,
    actor: &str,
    error: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Received, CaseState::Answered, CaseState::Sending],
        to: CaseState::Failed,
        holder: owner.map_or(Holder::Anyone, Holder::Claim),
        actor,
        detail: Some(error),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![("reason", text(error)), ("last_error", text(error))],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `sending → sent` at start-up recovery, when evidence shows the reply was delivered (e.g. its
/// Message-ID is in the Sent folder).
pub async fn resolve_sent(
    store: &Store,
    id: CaseId,
    actor: &str,
    evidence: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Sending],
        to: CaseState::Sent,
        holder: Holder::Anyone,
        actor,
        detail: Some(evidence),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![("sent_at", Value::Int(Some(now)))],
    };
    Ok(transition(store, t, now).await?.is_some())
}

/// `sending → approved` at start-up recovery, when evidence shows the reply was not accepted.
pub async fn resolve_unsent(
    store: &Store,
    id: CaseId,
    actor: &str,
    evidence: &str,
    now: i64,
) -> Result<bool> {
    let t = Transition {
        id,
        from: &[CaseState::Sending],
        to: CaseState::Approved,
        holder: Holder::Anyone,
        actor,
        detail: Some(evidence),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![],
    };
    Ok(transition(store, t, now).await?.is_some())
}

async fn staff_transition(store: &Store, t: Transition<'_>, action: &str, now: i64) -> Result<()> {
    let id = t.id;
    let from = t.from;
    if transition(store, t, now).await?.is_some() {
        return Ok(());
    }
    let state = case_state(store, id).await?;
    let allowed: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    match state {
        None => bail!("case {id} does not exist"),
        Some(state) => bail!(
            "cannot {action} case {id}: it is {state}, and only {} cases can be changed this way",
            allowed.join(" or ")
        ),
    }
}

/// Staff: `held → approved`, recorded as `actor`.
pub async fn approve(store: &Store, id: CaseId, actor: &str, now: i64) -> Result<()> {
    approve_reply(store, id, actor, None, now).await
}

/// As [`approve`], the stored reply replaced by `reply_raw` in the same transaction when given
/// (the staff page drops the automatic-reply marking of a reply a person approved).
pub async fn approve_reply(
    store: &Store,
    id: CaseId,
    actor: &str,
    reply_raw: Option<&[u8]>,
    now: i64,
) -> Result<()> {
    let mut sets = vec![("next_attempt_at", Value::Int(None))];
    if let Some(raw) = reply_raw {
        sets.push(("body.reply_raw", Value::Bytes(Some(raw.to_vec()))));
    }
    let t = Transition {
        id,
        from: &[CaseState::Held],
        to: CaseState::Approved,
        holder: Holder::Anyone,
        actor,
        detail: Some("approved by staff"),
        keep_claim: false,
        reason_prefix: None,
        sets,
    };
    staff_transition(store, t, "approve", now).await
}

/// The reason recorded when staff reject a reply.
pub const REJECTED_BY_STAFF: &str = "rejected by staff";

/// Staff: `held | approved | failed → ignored` with the reason "rejected by staff".
pub async fn reject(store: &Store, id: CaseId, actor: &str, now: i64) -> Result<()> {
    let t = Transition {
        id,
        from: &[CaseState::Held, CaseState::Approved, CaseState::Failed],
        to: CaseState::Ignored,
        holder: Holder::Anyone,
        actor,
        detail: Some(REJECTED_BY_STAFF),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![("reason", text(REJECTED_BY_STAFF))],
    };
    staff_transition(store, t, "reject", now).await
}

/// How the reason of a case ignored as automatic mail starts (the worker's policy writes it).
pub const AUTOMATIC_MAIL: &str = "automatic mail";

/// The history detail of staff's order to answer a case taken for automatic mail; the worker
/// answers a case whose history holds it despite the automatic signs.
pub const ANSWER_AUTOMATIC: &str = "answer anyway: staff say this is no automatic mail";

/// Staff: `ignored → received` for a case ignored as automatic mail (its reason starts with
/// [`AUTOMATIC_MAIL`]), with the [`ANSWER_AUTOMATIC`] event; the worker then answers it like any
/// question (the other policy checks still apply). Cases ignored for another reason (rejected by
/// staff, blocked, a loop) are refused.
pub async fn answer_automatic(store: &Store, id: CaseId, actor: &str, now: i64) -> Result<()> {
    let t = Transition {
        id,
        from: &[CaseState::Ignored],
        to: CaseState::Received,
        holder: Holder::Anyone,
        actor,
        detail: Some(ANSWER_AUTOMATIC),
        keep_claim: false,
        reason_prefix: Some(AUTOMATIC_MAIL),
        sets: vec![("reason", Value::Text(None))],
    };
    if transition(store, t, now).await?.is_some() {
        return Ok(());
    }
    match get(store, id).await? {
        None => bail!("case {id} does not exist"),
        Some(case) => bail!(
            "cannot answer case {id} anyway: it is {}{}, and only cases ignored as automatic \
             mail can be answered this way",
            case.state,
            case.reason.map(|r| format!(" ({r})")).unwrap_or_default()
        ),
    }
}

/// Whether staff ordered this case answered although it looked like automatic mail.
pub async fn answer_automatic_ordered(store: &Store, id: CaseId) -> Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM case_event WHERE case_id = $1 AND detail = $2")
            .bind(id.0)
            .bind(ANSWER_AUTOMATIC)
            .fetch_one(store.pool())
            .await
            .with_context(|| format!("cannot read the history of case {id}"))?;
    Ok(n > 0)
}

/// Staff: `failed | sent → approved`, so the worker sends the stored reply again.
pub async fn resend(store: &Store, id: CaseId, actor: &str, now: i64) -> Result<()> {
    let t = Transition {
        id,
        from: &[CaseState::Failed, CaseState::Sent],
        to: CaseState::Approved,
        holder: Holder::Anyone,
        actor,
        detail: Some("resend requested by staff"),
        keep_claim: false,
        reason_prefix: None,
        sets: vec![
            ("attempts", Value::Int(Some(0))),
            ("next_attempt_at", Value::Int(None)),
            ("reason", Value::Text(None)),
        ],
    };
    staff_transition(store, t, "resend", now).await
}

/// Staff: replaces the reply's text and full message (re-rendered by the caller) of a case not yet
/// sent (`held`, `approved` or `failed`); the state stays, the edit is recorded as `actor`.
pub async fn edit_reply(
    store: &Store,
    id: CaseId,
    actor: &str,
    text_body: &str,
    raw: &[u8],
    now: i64,
) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE mail_case SET reply_text = $1, updated_at = $2 \
         WHERE id = $3 AND state IN ('held', 'approved', 'failed') AND claimed_by IS NULL",
    )
    .bind(text_body)
    .bind(now)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        match case_state(store, id).await? {
            None => bail!("case {id} does not exist"),
            Some(state) => bail!(
                "cannot edit the reply of case {id}: it is {state} (or being sent); only held, approved or failed replies can be edited"
            ),
        }
    }
    sqlx::query("UPDATE case_body SET reply_raw = $1 WHERE case_id = $2")
        .bind(raw)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let (state,): (String,) = sqlx::query_as("SELECT state FROM mail_case WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
    let state: CaseState = state.parse()?;
    insert_event(
        &mut tx,
        id.0,
        now,
        actor,
        Some(state),
        state,
        Some("reply edited by staff"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The state of one case, if it exists.
pub async fn case_state(store: &Store, id: CaseId) -> Result<Option<CaseState>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT state FROM mail_case WHERE id = $1")
        .bind(id.0)
        .fetch_optional(store.pool())
        .await?;
    row.map(|(s,)| s.parse()).transpose()
}

/// One case, without its raw message.
pub async fn get(store: &Store, id: CaseId) -> Result<Option<Case>> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM mail_case WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

/// Which stored body [`get_with_body`] reads with the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// The question as received.
    Question,
    /// The reply as it will be (or was) sent.
    Reply,
}

/// One case with one of its bodies, in one query (the worker reads both for every case it
/// processes or sends). The body is `None` when it is not stored.
pub async fn get_with_body(
    store: &Store,
    id: CaseId,
    body: Body,
) -> Result<Option<(Case, Option<Vec<u8>>)>> {
    let column = match body {
        Body::Question => "raw",
        Body::Reply => "reply_raw",
    };
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS}, (SELECT {column} FROM case_body WHERE case_id = mail_case.id) \
         FROM mail_case WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let case = case_from_row(&row)?;
    // The body is the column after the case's.
    let body: Option<Vec<u8>> = row.try_get(row.len() - 1)?;
    Ok(Some((case, body)))
}

/// The raw question as received.
pub async fn raw_message(store: &Store, id: CaseId) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT raw FROM case_body WHERE case_id = $1")
        .bind(id.0)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.0))
}

/// The reply as it will be (or was) sent.
pub async fn reply_raw(store: &Store, id: CaseId) -> Result<Option<Vec<u8>>> {
    let row: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT reply_raw FROM case_body WHERE case_id = $1")
            .bind(id.0)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// A case's history, oldest first.
pub async fn events(store: &Store, id: CaseId) -> Result<Vec<CaseEvent>> {
    let rows = sqlx::query(
        "SELECT id, at, actor, from_state, to_state, detail FROM case_event WHERE case_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let from: Option<String> = r.try_get(3)?;
            let to: String = r.try_get(4)?;
            Ok(CaseEvent {
                id: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                from_state: from.map(|s| s.parse()).transpose()?,
                to_state: to.parse()?,
                detail: r.try_get(5)?,
            })
        })
        .collect()
}

fn filter_sql(filter: &CaseFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    if !filter.states.is_empty() {
        let mut marks = Vec::new();
        for state in &filter.states {
            binds.push(state.as_str().to_string());
            marks.push(format!("${}", binds.len()));
        }
        clauses.push(format!("state IN ({})", marks.join(", ")));
    }
    if let Some(text) = &filter.sender_contains {
        binds.push(format!("%{}%", text.to_lowercase()));
        clauses.push(format!("LOWER(sender) LIKE ${}", binds.len()));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (sql, binds)
}

/// Cases matching `filter`, newest first, one page.
pub async fn list(store: &Store, filter: &CaseFilter) -> Result<Vec<Case>> {
    let (where_sql, binds) = filter_sql(filter);
    let n = binds.len();
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM mail_case{where_sql} ORDER BY id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let limit = if filter.limit > 0 { filter.limit } else { 100 };
    let rows = query
        .bind(limit)
        .bind(filter.offset.max(0))
        .fetch_all(store.pool())
        .await
        .context("cannot list cases")?;
    rows.iter().map(case_from_row).collect()
}

/// How many cases match `filter` (for paging).
pub async fn count(store: &Store, filter: &CaseFilter) -> Result<i64> {
    let (where_sql, binds) = filter_sql(filter);
    let sql = format!("SELECT COUNT(*) FROM mail_case{where_sql}");
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    Ok(query.fetch_one(store.pool()).await?.0)
}

/// The number of cases in each state (states with none are listed with 0).
pub async fn counts_by_state(store: &Store) -> Result<Vec<(CaseState, i64)>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM mail_case GROUP BY state")
            .fetch_all(store.pool())
            .await?;
    let mut counts: Vec<(CaseState, i64)> = CaseState::ALL.iter().map(|s| (*s, 0)).collect();
    for (state, n) in rows {
        let state: CaseState = state.parse()?;
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n;
        }
    }
    Ok(counts)
}

/// Cases left `sending` (by any worker): what start-up recovery must resolve.
pub async fn in_state(store: &Store, state: CaseState) -> Result<Vec<CaseId>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM mail_case WHERE state = $1 ORDER BY id")
        .bind(state.as_str())
        .fetch_all(store.pool())
        .await?;
    Ok(rows.into_iter().map(|r| CaseId(r.0)).collect())
}

/// Cases whose claim holder's name starts with `prefix` (exactly: `_` and `%` are plain
/// characters, and case counts), with the holder and state: start-up recovery finds the claims
/// of this host's dead processes with it.
pub async fn claims_with_prefix(
    store: &Store,
    prefix: &str,
) -> Result<Vec<(CaseId, String, CaseState)>> {
    // Not LIKE: a host name's `_` would match any character there, so another host's claims
    // (whose processes this host cannot see) would be taken for dead ones.
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, claimed_by, state FROM mail_case WHERE claimed_by IS NOT NULL \
         AND substr(claimed_by, 1, length($1)) = $1 ORDER BY id",
    )
    .bind(prefix)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter()
        .map(|(id, owner, state)| Ok((CaseId(id), owner, state.parse()?)))
        .collect()
}

/// The case of the question with this Message-ID.
pub async fn find_by_message_id(store: &Store, message_id: &str) -> Result<Option<Case>> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM mail_case WHERE message_id = $1"
    ))
    .bind(message_id)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

/// The case whose reply has this Message-ID, with its state (a copy of a reply coming back).
pub async fn case_by_reply_message_id(
    store: &Store,
    message_id: &str,
) -> Result<Option<(CaseId, CaseState)>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, state FROM mail_case WHERE reply_message_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(message_id)
    .fetch_optional(store.pool())
    .await?;
    row.map(|(id, s)| Ok((CaseId(id), s.parse()?))).transpose()
}

/// `sending` cases whose holder's lease ran out (a worker died mid-send): to resolve.
pub async fn stale_sending(store: &Store, now: i64) -> Result<Vec<(CaseId, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, updated_at FROM mail_case WHERE state = 'sending' AND (claimed_by IS NULL OR claim_expires_at < $1) ORDER BY id",
    )
    .bind(now)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(|(id, at)| (CaseId(id), at)).collect())
}

/// How many messages whose From has the key `sender_key` (see [`address_key`]) were received
/// since `since`, up to case `upto` included (any state): the loop guard's count.
pub async fn cases_from_sender_since(
    store: &Store,
    sender_key: &str,
    since: i64,
    upto: CaseId,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mail_case WHERE sender_key = $1 AND received_at >= $2 AND id <= $3",
    )
    .bind(sender_key)
    .bind(since)
    .bind(upto.0)
    .fetch_one(store.pool())
    .await?;
    Ok(n)
}

/// How many messages whose reply goes to the key `recipient_key` were received since `since`, up
/// to case `upto` included (any state): the rate limit's count.
pub async fn cases_to_recipient_since(
    store: &Store,
    recipient_key: &str,
    since: i64,
    upto: CaseId,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mail_case WHERE recipient_key = $1 AND received_at >= $2 AND id <= $3",
    )
    .bind(recipient_key)
    .bind(since)
    .bind(upto.0)
    .fetch_one(store.pool())
    .await?;
    Ok(n)
}

/// What the guest quota counts for case `case`: the answers (replies of kind `answer`, not
/// ignored or rejected) to the key `recipient_key` since `since`, plus that recipient's earlier
/// cases still waiting to be processed (each may become an answer: counting them keeps a batch of
/// questions, processed at once by one or several workers, within the quota).
pub async fn answers_to_recipient_since(
    store: &Store,
    recipient_key: &str,
    since: i64,
    case: CaseId,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mail_case WHERE recipient_key = $1 AND received_at >= $2 AND id <> $3 \
         AND ((reply_kind = 'answer' AND state IN ('answered', 'held', 'approved', 'sending', 'sent')) \
              OR (state = 'received' AND id < $3))",
    )
    .bind(recipient_key)
    .bind(since)
    .bind(case.0)
    .fetch_one(store.pool())
    .await?;
    Ok(n)
}

/// The case whose reply had this Message-ID, or with this case reference: how a follow-up finds
/// its thread.
pub async fn find_thread(
    store: &Store,
    reply_message_ids: &[String],
    case_ref: Option<&str>,
) -> Result<Option<CaseId>> {
    if let Some(case_ref) = case_ref {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM mail_case WHERE case_ref = $1 ORDER BY id LIMIT 1")
                .bind(case_ref)
                .fetch_optional(store.pool())
                .await?;
        if let Some((id,)) = row {
            return Ok(Some(CaseId(id)));
        }
    }
    for mid in reply_message_ids {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM mail_case WHERE reply_message_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(mid)
        .fetch_optional(store.pool())
        .await?;
        if let Some((id,)) = row {
            return Ok(Some(CaseId(id)));
        }
    }
    Ok(None)
}

/// The last UID seen in a mailbox folder, with its UIDVALIDITY.
pub async fn cursor(store: &Store, mailbox: &str) -> Result<Option<(u32, u32)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT uidvalidity, last_uid FROM mailbox_cursor WHERE mailbox = $1")
            .bind(mailbox)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(v, u)| (v as u32, u as u32)))
}

/// When the mailbox was last read (its cursor saved by an ingest pass, even one that found
/// nothing), if ever: recovery waits for a read after a receipt copy's grace period.
pub async fn cursor_read_at(store: &Store, mailbox: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT updated_at FROM mailbox_cursor WHERE mailbox = $1")
            .bind(mailbox)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|r| r.0))
}

/// Whether any case of `mailbox` is `sending` (its reader then waits less between reads, so an
/// interrupted send is settled within about two grace periods).
pub async fn has_sending(store: &Store, mailbox: &str) -> Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mail_case WHERE state = 'sending' AND mailbox = $1")
            .bind(mailbox)
            .fetch_one(store.pool())
            .await?;
    Ok(n > 0)
}

/// Records the last UID seen in a mailbox folder (after the messages up to it are stored).
pub async fn save_cursor(
    store: &Store,
    mailbox: &str,
    uidvalidity: u32,
    last_uid: u32,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mailbox_cursor (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at",
    )
    .bind(mailbox)
    .bind(i64::from(uidvalidity))
    .bind(i64::from(last_uid))
    .bind(now)
    .execute(store.pool())
    .await
    .context("cannot save the mailbox cursor")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_never_hold_a_nul() {
        assert_eq!(storable("a\0b"), "a\u{FFFD}b");
        assert_eq!(storable("plain"), "plain");
    }

    #[test]
    fn states_round_trip_through_text() {
        for state in CaseState::ALL {
            assert_eq!(state.as_str().parse::<CaseState>().unwrap(), state);
        }
        let err = "pending".parse::<CaseState>().unwrap_err().to_string();
        assert!(err.contains("held"), "{err}");
    }

    #[test]
    fn filters_bind_states_then_sender() {
        let (sql, binds) = filter_sql(&CaseFilter {
            states: vec![CaseState::Held, CaseState::Failed],
            sender_contains: Some("Clinic".into()),
            ..CaseFilter::default()
        });
        assert_eq!(sql, " WHERE state IN ($1, $2) AND LOWER(sender) LIKE $3");
        assert_eq!(binds, vec!["held", "failed", "%clinic%"]);
    }
}
