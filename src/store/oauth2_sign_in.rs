//! The OAuth2 sign-in of each consult mailbox: its sealed refresh token and whether it still
//! works. The token arrives here already encrypted; this module never sees it in clear.

use super::Store;
use anyhow::{Context, Result};

/// The sign-in works: the worker reads the mailbox.
pub const SIGNED_IN: &str = "signed-in";
/// The provider refused the refresh token for good: the desk waits for `codedesk mailbox login`.
pub const NEEDS_SIGN_IN: &str = "needs-sign-in";

/// One mailbox's sign-in as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The mailbox's key (that of its cases and ingest lease).
    pub mailbox: String,
    /// The desk's name (`default` or NAME of `[mailboxes.NAME]`).
    pub desk: String,
    /// [`SIGNED_IN`] or [`NEEDS_SIGN_IN`].
    pub state: String,
    /// The refresh token, sealed with the secret key.
    pub sealed_refresh_token: String,
    /// Which secret key sealed it.
    pub key_id: String,
    /// Why it needs sign-in (the provider's error code).
    pub problem: Option<String>,
    /// When `mailbox login` stored it (Unix seconds).
    pub signed_in_at: i64,
    /// When an access token was last obtained with it.
    pub refreshed_at: Option<i64>,
    /// When the last access token obtained expires.
    pub access_expires_at: Option<i64>,
    /// When the row last changed.
    pub updated_at: i64,
}

impl SignIn {
    /// True when the provider refused this sign-in for good.
    pub fn needs_sign_in(&self) -> bool {
        self.state == NEEDS_SIGN_IN
    }
}

// The sealed token is left out: even encrypted, it has no business in a log line.
impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("desk", &self.desk)
            .field("state", &self.state)
            .field("problem", &self.problem)
            .field("access_expires_at", &self.access_expires_at)
            .finish_non_exhaustive()
    }
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
);

const COLUMNS: &str = "mailbox, desk, state, refresh_token, key_id, problem, signed_in_at, \
                       refreshed_at, access_expires_at, updated_at";

fn from_row(r: Row) -> SignIn {
    SignIn {
        mailbox: r.0,
        desk: r.1,
        state: r.2,
        sealed_refresh_token: r.3,
        key_id: r.4,
        problem: r.5,
        signed_in_at: r.6,
        refreshed_at: r.7,
        access_expires_at: r.8,
        updated_at: r.9,
    }
}

/// Stores a new sign-in (from `mailbox login`), replacing any earlier one of the mailbox.
pub async fn save(
    store: &Store,
    mailbox: &str,
    desk: &str,
    sealed_refresh_token: &str,
    key_id: &str,
    access_expires_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO oauth2_sign_in (mailbox, desk, state, refresh_token, key_id, problem, \
         signed_in_at, refreshed_at, access_expires_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6, $7, $6) \
         ON CONFLICT (mailbox) DO UPDATE SET desk = excluded.desk, state = excluded.state, \
         refresh_token = excluded.refresh_token, key_id = excluded.key_id, problem = NULL, \
         signed_in_at = excluded.signed_in_at, refreshed_at = excluded.refreshed_at, \
         access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at",
    )
    .bind(mailbox)
    .bind(desk)
    .bind(SIGNED_IN)
    .bind(sealed_refresh_token)
    .bind(key_id)
    .bind(now)
    .bind(access_expires_at)
    .execute(store.pool())
    .await
    .context("cannot store the sign-in")?;
    Ok(())
}

/// The sign-in of `mailbox`, if it ever signed in.
pub async fn get(store: &Store, mailbox: &str) -> Result<Option<SignIn>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM oauth2_sign_in WHERE mailbox = $1"
    ))
    .bind(mailbox)
    .fetch_optional(store.pool())
    .await
    .context("cannot read the sign-in")?;
    Ok(row.map(from_row))
}

/// Every stored sign-in, by desk name.
pub async fn all(store: &Store) -> Result<Vec<SignIn>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM oauth2_sign_in ORDER BY desk, mailbox"
    ))
    .fetch_all(store.pool())
    .await
    .context("cannot read the sign-ins")?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Records a refresh: the new access token's expiry and, when the provider rotated it, the new
/// sealed refresh token. Only a sign-in still sealed as `was_sealed` is changed, so a refresh
/// that raced with a new `mailbox login` does not overwrite it. False when nothing changed.
pub async fn refreshed(
    store: &Store,
    mailbox: &str,
    was_sealed: &str,
    rotated: Option<(&str, &str)>,
    access_expires_at: i64,
    now: i64,
) -> Result<bool> {
    let (sealed, key_id) = match rotated {
        Some((sealed, key_id)) => (Some(sealed), Some(key_id)),
        None => (None, None),
    };
    let done = sqlx::query(
        "UPDATE oauth2_sign_in SET refresh_token = COALESCE($1, refresh_token), \
         key_id = COALESCE($2, key_id), refreshed_at = $3, access_expires_at = $4, updated_at = $3 \
         WHERE mailbox = $5 AND refresh_token = $6 AND state = $7",
    )
    .bind(sealed)
    .bind(key_id)
    .bind(now)
    .bind(access_expires_at)
    .bind(mailbox)
    .bind(was_sealed)
    .bind(SIGNED_IN)
    .execute(store.pool())
    .await
    .context("cannot record the token refresh")?;
    Ok(done.rows_affected() > 0)
}

/// Marks the sign-in sealed as `was_sealed` as refused for good (`problem`: the provider's
/// error code). A newer login is left alone. False when nothing changed.
pub async fn needs_sign_in(
    store: &Store,
    mailbox: &str,
    was_sealed: &str,
    problem: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE oauth2_sign_in SET state = $1, problem = $2, updated_at = $3 \
         WHERE mailbox = $4 AND refresh_token = $5",
    )
    .bind(NEEDS_SIGN_IN)
    .bind(problem)
    .bind(now)
    .bind(mailbox)
    .bind(was_sealed)
    .execute(store.pool())
    .await
    .context("cannot record that the mailbox needs sign-in")?;
    Ok(done.rows_affected() > 0)
}
