//! Who is asking: argon2id password hashes, session cookies, the CSRF check on every POST, logins
//! (throttled per client and account, their password checks bounded), and the [`Staff`]
//! extractor that every page but login requires.

use super::AppState;
use super::client::Client;
use super::error::WebError;
use crate::store::login_attempts;
use crate::store::staff::{self, Role, StaffUser};
use anyhow::{Context, Result, anyhow};
use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "codedesk_session";
/// The cookie that carries the login form's CSRF token before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "codedesk_login_csrf";
/// The form field every POST carries.
pub const CSRF_FIELD: &str = "csrf";
/// The shortest password `user add` and the admin page accept.
pub const MIN_PASSWORD_LEN: usize = 10;
/// The largest form body read (a reply edit fits many times over).
const MAX_FORM_BYTES: usize = 256 * 1024;
/// The most of a typed login address kept (the audit log, the throttle, the form shown again):
/// the longest an email address can be.
const MAX_EMAIL_KEPT: usize = 254;
/// Seconds a login refused because the server is busy is told to wait.
const BUSY_RETRY_SECS: u64 = 2;

/// An argon2id hash (PHC string) of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        anyhow::bail!("the password is too short: use at least {MIN_PASSWORD_LEN} characters");
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("cannot hash the password: {e}"))
}

/// The hash of a new password for `email` with `role`, after the rules of
/// [`super::password_rules`]; the error says what is wrong with it.
pub fn new_password_hash(email: &str, role: Role, password: &str) -> Result<String> {
    super::password_rules::check(email, role, password).map_err(|e| anyhow!(e))?;
    hash_password(password)
}

/// Whether `password` matches the stored PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random token of 32 bytes, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a session token: its SHA-256.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The value of cookie `name` in the request's headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure when `secure`.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<u64>,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// A logged-in staff member and the CSRF token of their session; the extractor for every page but
/// login.
#[derive(Clone, Debug)]
pub struct Staff {
    /// The account.
    pub user: StaffUser,
    /// The token the session's forms carry.
    pub csrf: String,
    /// The session token's digest (for logout).
    pub session_digest: String,
}

impl Staff {
    /// Refuses unless the account is an admin.
    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "this page is for admin accounts; ask an admin if you need something changed"
                    .into(),
            ))
        }
    }

    /// What templates see of the session: address, role, CSRF token.
    pub fn context(&self) -> minijinja::Value {
        minijinja::context! {
            email => self.user.email,
            role => self.user.role.as_str(),
            is_admin => self.user.role == Role::Admin,
            csrf => self.csrf,
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Staff, WebError> {
        parts
            .extensions
            .get::<Staff>()
            .cloned()
            .ok_or(WebError::LoginNeeded)
    }
}

/// Loads the session named by the cookie into the request, and refuses any POST whose `csrf`
/// field does not match the session's token (or, for the login form, the login cookie's).
pub async fn session_layer(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, WebError> {
    let (mut parts, body) = req.into_parts();
    let mut session: Option<Staff> = None;
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        let digest = token_digest(&token);
        if let Some((user, csrf)) = staff::session(&state.store, &digest).await? {
            session = Some(Staff {
                user,
                csrf,
                session_digest: digest,
            });
        }
    }
    let body = if parts.method == Method::POST {
        let bytes = tokio::time::timeout(
            state.limits.body_timeout,
            axum::body::to_bytes(body, MAX_FORM_BYTES),
        )
        .await
        .map_err(|_| WebError::SlowBody)?
        .map_err(|_| WebError::BadRequest("the form is too large".into()))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("the form could not be read".into()))?;
        let sent = fields
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.as_str());
        let expected = if parts.uri.path() == "/login" {
            cookie(&parts.headers, LOGIN_CSRF_COOKIE)
        } else {
            session.as_ref().map(|s| s.csrf.clone())
        };
        match (sent, expected) {
            (Some(sent), Some(expected)) if constant_time_eq(sent, &expected) => {}
            (_, None) if parts.uri.path() != "/login" => return Err(WebError::LoginNeeded),
            _ => {
                tracing::warn!(
                    path = parts.uri.path(),
                    "POST refused: CSRF token missing or wrong"
                );
                return Err(WebError::BadCsrf);
            }
        }
        Body::from(bytes)
    } else {
        body
    };
    if let Some(s) = session {
        parts.extensions.insert(s);
    }
    Ok(next.run(Request::from_parts(parts, body)).await)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The form the login page posts.
#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// `GET /login`: the form, with a fresh login CSRF cookie.
pub async fn login_page(
    State(state): State<AppState>,
    client: Client,
) -> Result<Response, WebError> {
    login_form(&state, &client, None, "").await
}

async fn login_form(
    state: &AppState,
    client: &Client,
    error: Option<&str>,
    email: &str,
) -> Result<Response, WebError> {
    let token = random_token();
    let html = state.render(
        "login.html",
        minijinja::context! { csrf => token, error => error, email => email },
    )?;
    let cookie = set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        "/login",
        Some(3600),
        state.secure_cookies(client),
    );
    Ok(([(header::SET_COOKIE, cookie)], html).into_response())
}

/// `POST /login`: counts the attempt of this client on this address (refused past the limit),
/// checks the password (a bounded number at once), starts a session, goes to the queue.
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_ascii_lowercase();
    let kept = clip(&email, MAX_EMAIL_KEPT);
    let who = client.key();
    // A place in the queue first: a login refused as busy is not counted against the client.
    let ticket = state
        .login_gate
        .enter()
        .ok_or(WebError::Busy(BUSY_RETRY_SECS))?;
    // Count before checking, in the database: parallel attempts, in this process or another,
    // each take a number, and those past the limit are refused without a check.
    let now = super::now_unix();
    let window = state.limits.login_lock.as_secs() as i64;
    let (attempts, until) = login_attempts::count(&state.store, &who, &kept, now, window).await?;
    if attempts > i64::from(state.limits.login_failures) {
        return Err(WebError::TooManyAttempts((until - now).max(1) as u64));
    }
    let found = staff::user_for_login(&state.store, &email).await?;
    let running = ticket.run().await;
    let password = form.password;
    let (user, ok) = tokio::task::spawn_blocking(move || {
        // Held until the check ends, even if the client gives up on the request.
        let _running = running;
        match found {
            Some((user, hash)) => {
                let ok = verify_password(&password, &hash) && !user.disabled;
                (Some(user), ok)
            }
            None => {
                // Spend the same time as for a real account, so timing does not tell who exists.
                let _ = verify_password(&password, DUMMY_HASH);
                (None, false)
            }
        }
    })
    .await
    .context("password check stopped")?;
    drop(ticket);
    let Some(user) = user.filter(|_| ok) else {
        login_attempts::purge(&state.store, now, window).await?;
        staff::audit(
            &state.store,
            None,
            "login.failed",
            None,
            &format!("{kept} from {who}"),
        )
        .await?;
        let mut res =
            login_form(&state, &client, Some("Wrong address or password."), &kept).await?;
        *res.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        return Ok(res);
    };
    login_attempts::clear(&state.store, &who, &kept, now, window).await?;
    let token = random_token();
    let hours = u64::from(state.session_hours.max(1));
    let expires = rfc3339_after(hours * 3600);
    staff::create_session(
        &state.store,
        &token_digest(&token),
        user.id,
        &random_token(),
        &expires,
    )
    .await?;
    staff::audit(&state.store, Some(&user), "login", None, "").await?;
    let session = set_cookie(
        SESSION_COOKIE,
        &token,
        "/",
        Some(hours * 3600),
        state.secure_cookies(&client),
    );
    let clear = set_cookie(
        LOGIN_CSRF_COOKIE,
        "",
        "/login",
        Some(0),
        state.secure_cookies(&client),
    );
    let mut res = (axum::http::StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    // Two cookies: `append`, since a header array would keep only the last.
    for c in [session, clear] {
        res.headers_mut().append(
            header::SET_COOKIE,
            c.parse().context("a cookie value is not a header value")?,
        );
    }
    Ok(res)
}

/// `POST /logout`: ends the session.
pub async fn logout(
    State(state): State<AppState>,
    client: Client,
    staff: Staff,
) -> Result<Response, WebError> {
    staff::delete_session(&state.store, &staff.session_digest).await?;
    staff::audit(&state.store, Some(&staff.user), "logout", None, "").await?;
    let clear = set_cookie(
        SESSION_COOKIE,
        "",
        "/",
        Some(0),
        state.secure_cookies(&client),
    );
    Ok((
        axum::http::StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, clear)],
        [(header::LOCATION, "/login")],
    )
        .into_response())
}

/// A valid argon2id hash of a random password nobody knows, checked when the address is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0CrLFxn5D0+W2GLSOgTFuJNmtYBQgXqaWuLoa8j6aD0";

/// At most `max` characters of `text`, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// RFC 3339 time `secs` seconds from now.
fn rfc3339_after(secs: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    crate::store::rfc3339((now + secs) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(hash_password("short").is_err());
        assert!(!verify_password("anything", DUMMY_HASH));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn cookies_are_found_among_others_and_flagged() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; codedesk_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        let c = set_cookie("n", "v", "/", None, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie("n", "v", "/", None, false).contains("Secure"));
    }

    #[test]
    fn typed_addresses_are_clipped_on_a_character_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        assert_eq!(clip("ééé", 2), "éé…");
    }
}
