//! The one stand-in of the OAuth2 tests: a small authorization server on loopback in place of
//! Microsoft's and Google's, speaking the standards codedesk and Dovecot use. RFC 8628 device
//! authorization (the test approves a user code), RFC 6749 refresh_token grant, RFC 7662
//! introspection (what Dovecot asks for every XOAUTH2 login), short-lived access tokens, and
//! handles to revoke tokens. Also the mail rig in OAuth2 mode that trusts it.
#![allow(dead_code)]

use crate::rig::Rig;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Where the server listens; the OAuth2 rig's Dovecot is configured with this address.
pub const AUTH_PORT: u16 = 13480;
/// The client ID the server knows.
pub const CLIENT_ID: &str = "codedesk-test-client";
/// How long an access token lives.
pub const ACCESS_LIFETIME: Duration = Duration::from_secs(20);

struct Device {
    user_code: String,
    approved_for: Option<String>,
    expires_at: Instant,
}

struct Access {
    username: String,
    expires_at: Instant,
    revoked: bool,
}

struct Grant {
    username: String,
    revoked: bool,
}

#[derive(Default)]
struct State_ {
    devices: HashMap<String, Device>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Grant>,
    /// Per user: refresh grants answered with a new access token.
    refreshes: HashMap<String, u32>,
    /// Per user: introspections answered active / inactive.
    active: HashMap<String, u32>,
    inactive: u32,
    /// Per user: introspections of one of their tokens that was revoked or expired.
    stale: HashMap<String, u32>,
}

/// The running server (one per test binary, on its own thread and runtime).
pub struct AuthServer {
    state: Arc<Mutex<State_>>,
}

fn random_token(kind: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let digest = Sha256::new()
        .chain_update(format!(
            "{kind}{nanos}{}{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ))
        .finalize();
    format!("{kind}-{}", hex::encode(&digest[..16]))
}

fn error(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

async fn device(
    State(state): State<Arc<Mutex<State_>>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let device_code = random_token("DC");
    let user_code = random_token("")[1..9].to_ascii_uppercase();
    state.lock().unwrap().devices.insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            approved_for: None,
            expires_at: Instant::now() + Duration::from_secs(300),
        },
    );
    Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("http://127.0.0.1:{AUTH_PORT}/activate"),
        "expires_in": 300,
        "interval": 1,
    }))
    .into_response()
}

fn issue(state: &mut State_, username: &str) -> (String, u64) {
    let token = random_token("AT");
    state.access.insert(
        token.clone(),
        Access {
            username: username.to_string(),
            expires_at: Instant::now() + ACCESS_LIFETIME,
            revoked: false,
        },
    );
    (token, ACCESS_LIFETIME.as_secs())
}

async fn token(
    State(state): State<Arc<Mutex<State_>>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let mut state = state.lock().unwrap();
    match form.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let code = form.get("device_code").cloned().unwrap_or_default();
            let Some(device) = state.devices.get(&code) else {
                return error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            if device.expires_at < Instant::now() {
                return error(StatusCode::BAD_REQUEST, "expired_token");
            }
            let Some(username) = device.approved_for.clone() else {
                return error(StatusCode::BAD_REQUEST, "authorization_pending");
            };
            state.devices.remove(&code);
            let (access, expires_in) = issue(&mut state, &username);
            let refresh = random_token("RT");
            state.refresh.insert(
                refresh.clone(),
                Grant {
                    username,
                    revoked: false,
                },
            );
            Json(json!({
                "access_token": access, "token_type": "Bearer", "expires_in": expires_in,
                "refresh_token": refresh, "scope": form.get("scope").cloned().unwrap_or_default(),
            }))
            .into_response()
        }
        Some("refresh_token") => {
            let refresh = form.get("refresh_token").cloned().unwrap_or_default();
            let username = match state.refresh.get(&refresh) {
                Some(g) if !g.revoked => g.username.clone(),
                _ => return error(StatusCode::BAD_REQUEST, "invalid_grant"),
            };
            let (access, expires_in) = issue(&mut state, &username);
            *state.refreshes.entry(username).or_default() += 1;
            Json(
                json!({ "access_token": access, "token_type": "Bearer", "expires_in": expires_in }),
            )
            .into_response()
        }
        _ => error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

async fn introspect(
    State(state): State<Arc<Mutex<State_>>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let token = form.get("token").cloned().unwrap_or_default();
    let mut state = state.lock().unwrap();
    let found = state
        .access
        .get(&token)
        .filter(|a| !a.revoked && a.expires_at > Instant::now())
        .map(|a| a.username.clone());
    match found {
        Some(username) => {
            *state.active.entry(username.clone()).or_default() += 1;
            Json(json!({ "active": true, "username": username, "token_type": "Bearer" }))
                .into_response()
        }
        None => {
            state.inactive += 1;
            if let Some(owner) = state.access.get(&token).map(|a| a.username.clone()) {
                *state.stale.entry(owner).or_default() += 1;
            }
            Json(json!({ "active": false })).into_response()
        }
    }
}

/// The server, started on first use.
pub fn auth_server() -> &'static AuthServer {
    static SERVER: OnceLock<AuthServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let state = Arc::new(Mutex::new(State_::default()));
        let app = Router::new()
            .route("/device", post(device))
            .route("/token", post(token))
            .route("/introspect", post(introspect))
            .with_state(state.clone());
        let listener = std::net::TcpListener::bind(("127.0.0.1", AUTH_PORT)).unwrap_or_else(|e| {
            panic!("the test authorization server cannot listen on 127.0.0.1:{AUTH_PORT}: {e} (another test run?)")
        });
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        AuthServer { state }
    })
}

impl AuthServer {
    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("http://127.0.0.1:{AUTH_PORT}/token")
    }

    /// The device authorization endpoint.
    pub fn device_url(&self) -> String {
        format!("http://127.0.0.1:{AUTH_PORT}/device")
    }

    /// A person approves `user_code`, signing in as `username`; false for an unknown code.
    pub fn approve(&self, user_code: &str, username: &str) -> bool {
        let mut state = self.state.lock().unwrap();
        match state
            .devices
            .values_mut()
            .find(|d| d.user_code == user_code)
        {
            Some(d) => {
                d.approved_for = Some(username.to_string());
                true
            }
            None => false,
        }
    }

    /// An access token for `username`, as a client holding a sign-in would get.
    pub fn issue_access_token(&self, username: &str) -> String {
        issue(&mut self.state.lock().unwrap(), username).0
    }

    /// Every access token of `username` stops working at once (as after a password reset).
    pub fn revoke_access_tokens(&self, username: &str) {
        for a in self.state.lock().unwrap().access.values_mut() {
            if a.username == username {
                a.revoked = true;
            }
        }
    }

    /// Every refresh token of `username` is refused from now on (consent revoked).
    pub fn revoke_refresh_tokens(&self, username: &str) {
        for g in self.state.lock().unwrap().refresh.values_mut() {
            if g.username == username {
                g.revoked = true;
            }
        }
    }

    /// The refresh tokens issued to `username`.
    pub fn refresh_tokens_of(&self, username: &str) -> Vec<String> {
        let state = self.state.lock().unwrap();
        state
            .refresh
            .iter()
            .filter(|(_, g)| g.username == username)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Refresh grants answered for `username`.
    pub fn refreshes(&self, username: &str) -> u32 {
        *self
            .state
            .lock()
            .unwrap()
            .refreshes
            .get(username)
            .unwrap_or(&0)
    }

    /// Introspections Dovecot made that found a good token of `username`.
    pub fn logins(&self, username: &str) -> u32 {
        *self
            .state
            .lock()
            .unwrap()
            .active
            .get(username)
            .unwrap_or(&0)
    }

    /// Introspections of a revoked or expired token of `username` (refused logins).
    pub fn refused_for(&self, username: &str) -> u32 {
        *self.state.lock().unwrap().stale.get(username).unwrap_or(&0)
    }

    /// Introspections that found no good token (anyone's).
    pub fn refused(&self) -> u32 {
        self.state.lock().unwrap().inactive
    }
}

/// The mail rig in OAuth2 mode (its own dir and ports 13xxx), checking tokens at the test
/// authorization server.
pub fn oauth2_rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let dir = PathBuf::from("/tmp/codedesk-rig-oauth2");
        let url = format!("http://127.0.0.1:{AUTH_PORT}/introspect");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mail-rig");
        let log =
            std::env::temp_dir().join(format!("codedesk-oauth2-rig-{}.log", std::process::id()));
        let out = std::fs::File::create(&log).unwrap();
        let status = Command::new("bash")
            .arg(&script)
            .arg("start")
            .env("MAILRIG_DIR", &dir)
            .env("MAILRIG_IMAP_PORT", "13143")
            .env("MAILRIG_IMAPS_PORT", "13993")
            .env("MAILRIG_LMTP_PORT", "13424")
            .env("MAILRIG_SMTP_PORT", "13525")
            .env("MAILRIG_SUBMISSION_PORT", "13587")
            .env("MAILRIG_SMTPS_PORT", "13465")
            .env("MAILRIG_OAUTH2_INTROSPECT_URL", &url)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .status()
            .expect("run scripts/mail-rig");
        let output = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            status.success(),
            "the OAuth2 mail rig (MAILRIG_DIR={}) did not start:\n{output}",
            dir.display()
        );
        let env = std::fs::read_to_string(dir.join("rig.env")).unwrap_or_default();
        assert!(
            env.contains(&format!("MAILRIG_OAUTH2_INTROSPECT_URL={url}")),
            "the rig in {} runs without OAuth2 (or with another URL): stop it with \
             `MAILRIG_DIR={} scripts/mail-rig stop` and run the test again",
            dir.display(),
            dir.display()
        );
        crate::rig::read_env(dir, &format!("the OAuth2 rig's start log said:\n{output}"))
    })
}
