//! SQL of the staff page: accounts, sessions, the audit log and page-edited settings. Holds no
//! policy (who may do what is decided in `web`); passwords arrive here already hashed.

use super::{Store, now_rfc3339};
use crate::config::SendersConfig;
use anyhow::{Context, Result, bail};
use sqlx::Row;

/// What a staff account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reviews the queue and acts on cases.
    Staff,
    /// Also manages staff accounts and who is answered.
    Admin,
}

impl Role {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Role> {
        match s {
            "staff" => Ok(Role::Staff),
            "admin" => Ok(Role::Admin),
            other => bail!("role {other:?} is not known: use staff or admin"),
        }
    }
}

/// One staff account (never its password hash).
#[derive(Clone, Debug, serde::Serialize)]
pub struct StaffUser {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub email: String,
    /// What the account may do.
    pub role: Role,
    /// A disabled account cannot log in.
    pub disabled: bool,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// The desks whose cases it sees (`default`, or NAME of `[mailboxes.NAME]`); all when empty.
    pub desks: Vec<String>,
}

impl StaffUser {
    /// Whether the account sees the cases of the desk `name`.
    pub fn sees_desk(&self, name: &str) -> bool {
        self.desks.is_empty() || self.desks.iter().any(|d| d == name)
    }
}

const USER_COLUMNS: &str = "id, email, role, disabled, created_at, desks";

/// Desk names as stored: trimmed, without empties or repeats, comma-separated.
pub fn desks_text(desks: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for d in desks.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out.join(",")
}

fn user_from_row(r: &sqlx::any::AnyRow) -> Result<StaffUser> {
    let role: String = r.try_get(2)?;
    let disabled: i64 = r.try_get(3)?;
    Ok(StaffUser {
        id: r.try_get(0)?,
        email: r.try_get(1)?,
        role: role.parse()?,
        disabled: disabled != 0,
        created_at: r.try_get(4)?,
        desks: {
            let text: String = r.try_get(5)?;
            text.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from)
                .collect()
        },
    })
}

/// Adds an account; an error says so when the address already has one.
pub async fn create_user(
    store: &Store,
    email: &str,
    role: Role,
    password_hash: &str,
) -> Result<i64> {
    if find_user(store, email).await?.is_some() {
        bail!(
            "a staff account for {email} already exists: use `codedesk user passwd` to change its password"
        );
    }
    let now = now_rfc3339();
    let row = sqlx::query(
        "INSERT INTO staff_user (email, role, password_hash, disabled, created_at, updated_at) \
         VALUES ($1, $2, $3, 0, $4, $4) RETURNING id",
    )
    .bind(email)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(&now)
    .fetch_one(store.pool())
    .await
    .with_context(|| format!("cannot add the staff account {email}"))?;
    Ok(row.try_get(0)?)
}

/// The account of `email`, if there is one.
pub async fn find_user(store: &Store, email: &str) -> Result<Option<StaffUser>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM staff_user WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The account and its password hash, for checking a login.
pub async fn user_for_login(store: &Store, email: &str) -> Result<Option<(StaffUser, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM staff_user WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(store.pool())
    .await?;
    match row {
        Some(r) => Ok(Some((user_from_row(&r)?, r.try_get(6)?))),
        None => Ok(None),
    }
}

/// Every account, by address.
pub async fn list_users(store: &Store) -> Result<Vec<StaffUser>> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM staff_user ORDER BY email"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(user_from_row).collect()
}

/// Replaces the password hash and ends the account's sessions; false when there is no such
/// account.
pub async fn set_password(store: &Store, email: &str, password_hash: &str) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let row = sqlx::query(
        "UPDATE staff_user SET password_hash = $1, updated_at = $2 WHERE email = $3 RETURNING id",
    )
    .bind(password_hash)
    .bind(now_rfc3339())
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let id: i64 = row.try_get(0)?;
    sqlx::query("DELETE FROM staff_session WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Changes role and enabled state (the admin page); disabling ends the account's sessions.
pub async fn update_user(store: &Store, id: i64, role: Role, disabled: bool) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE staff_user SET role = $1, disabled = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(role.as_str())
    .bind(i64::from(disabled))
    .bind(now_rfc3339())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if disabled {
        sqlx::query("DELETE FROM staff_session WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Limits an account to `desks` (every desk when empty).
pub async fn set_desks(store: &Store, id: i64, desks: &[String]) -> Result<bool> {
    let done = sqlx::query("UPDATE staff_user SET desks = $1, updated_at = $2 WHERE id = $3")
        .bind(desks_text(desks))
        .bind(now_rfc3339())
        .bind(id)
        .execute(store.pool())
        .await?
        .rows_affected()
        == 1;
    Ok(done)
}

/// The number of enabled admin accounts (the last one cannot be demoted).
pub async fn admin_count(store: &Store) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM staff_user WHERE role = 'admin' AND disabled = 0")
            .fetch_one(store.pool())
            .await?;
    Ok(n)
}

/// Stores a session: the SHA-256 of its token, its CSRF token and when it ends (RFC 3339).
pub async fn create_session(
    store: &Store,
    token_sha256: &str,
    user_id: i64,
    csrf_token: &str,
    expires_at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff_session (token_sha256, user_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_sha256)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now_rfc3339())
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The enabled account and CSRF token of an unexpired session.
pub async fn session(store: &Store, token_sha256: &str) -> Result<Option<(StaffUser, String)>> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role, u.disabled, u.created_at, u.desks, s.csrf_token \
         FROM staff_session s JOIN staff_user u ON u.id = s.user_id \
         WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_sha256)
    .bind(now_rfc3339())
    .fetch_optional(store.pool())
    .await?;
    match row {
        Some(r) => Ok(Some((user_from_row(&r)?, r.try_get(6)?))),
        None => Ok(None),
    }
}

/// Ends a session (logout), and any expired ones.
pub async fn delete_session(store: &Store, token_sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM staff_session WHERE token_sha256 = $1 OR expires_at <= $2")
        .bind(token_sha256)
        .bind(now_rfc3339())
        .execute(store.pool())
        .await?;
    Ok(())
}

/// One line of the audit log.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    /// When (RFC 3339).
    pub at: String,
    /// Who (the staff address, or `codedesk` for the command line).
    pub staff_email: String,
    /// What, e.g. `approve`, `login`, `user.add`.
    pub action: String,
    /// The case acted on, if any.
    pub case_id: Option<i64>,
    /// That case's reference, as its mail carries it (`CD-9`).
    pub case_ref: Option<String>,
    /// Details: a reason, a changed setting. Never a password.
    pub detail: String,
}

/// Records a staff action.
pub async fn audit(
    store: &Store,
    staff: Option<&StaffUser>,
    action: &str,
    case_id: Option<i64>,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, staff_id, staff_email, action, case_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now_rfc3339())
    .bind(staff.map(|s| s.id))
    .bind(staff.map_or("codedesk", |s| s.email.as_str()))
    .bind(action)
    .bind(case_id)
    .bind(detail)
    .execute(store.pool())
    .await
    .context("cannot write the audit log")?;
    Ok(())
}

/// The columns an [`AuditEntry`] is read from (`a` the log, `m` its case, joined).
const AUDIT_COLUMNS: &str = "a.at, a.staff_email, a.action, a.case_id, a.detail, m.case_ref \
     FROM audit_log a LEFT JOIN mail_case m ON m.id = a.case_id";

fn audit_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    let case_id: Option<i64> = r.try_get(3)?;
    let stored: Option<String> = r.try_get(5)?;
    Ok(AuditEntry {
        at: r.try_get(0)?,
        staff_email: r.try_get(1)?,
        action: r.try_get(2)?,
        case_ref: case_id.map(|id| crate::case_search::case_reference(id, stored.as_deref())),
        case_id,
        detail: r.try_get(4)?,
    })
}

/// The audit log of one case, oldest first.
pub async fn audit_of_case(store: &Store, case_id: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {AUDIT_COLUMNS} WHERE a.case_id = $1 ORDER BY a.id"
    ))
    .bind(case_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// The newest `limit` entries of the whole log, newest first.
pub async fn recent_audit(store: &Store, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {AUDIT_COLUMNS} ORDER BY a.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// A page-edited setting, if set.
pub async fn setting(store: &Store, key: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM staff_setting WHERE key = $1")
        .bind(key)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.0))
}

/// Sets a page-edited setting.
pub async fn set_setting(store: &Store, key: &str, value: &str, by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff_setting (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(now_rfc3339())
    .bind(by)
    .execute(store.pool())
    .await?;
    Ok(())
}

const MEMBERS: &str = "senders.members";
const BLOCKED: &str = "senders.blocked";
const GUEST_QUOTA: &str = "senders.guest_quota";

/// Who is answered: the config file's `[senders]` with what staff set on the admin page in its
/// place, key by key.
pub async fn senders_config(store: &Store, file: &SendersConfig) -> Result<SendersConfig> {
    let mut out = file.clone();
    if let Some(v) = setting(store, MEMBERS).await? {
        out.members = lines(&v);
    }
    if let Some(v) = setting(store, BLOCKED).await? {
        out.blocked = lines(&v);
    }
    if let Some(v) = setting(store, GUEST_QUOTA).await? {
        out.guest_quota = v
            .parse()
            .with_context(|| format!("stored guest quota {v:?} is not a number"))?;
    }
    Ok(out)
}

/// Stores members, blocked senders and the guest quota as staff set them on the admin page.
pub async fn set_senders(
    store: &Store,
    members: &[String],
    blocked: &[String],
    guest_quota: u32,
    by: &str,
) -> Result<()> {
    set_setting(store, MEMBERS, &members.join("\n"), by).await?;
    set_setting(store, BLOCKED, &blocked.join("\n"), by).await?;
    set_setting(store, GUEST_QUOTA, &guest_quota.to_string(), by).await?;
    Ok(())
}

fn lines(v: &str) -> Vec<String> {
    v.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}
