//! The staff page (axum, server-rendered): login, the queue, a case and its actions, admin pages.
//! Every page but login needs a session; every POST carries a CSRF token; no page runs script.
//! It must not hold SQL (that is `store`) nor decide how a case is answered (that is the worker).

mod admin;
pub mod auth;
mod case;
pub mod client;
mod error;
pub mod format;
mod headers;
pub mod health;
pub mod login_gate;
pub mod metrics;
pub mod password_rules;
pub mod question_codes;
mod queue;
pub mod render;
mod server;
pub mod sign_in;

pub use server::serve_listener;

pub use error::WebError;
pub use format::now as now_unix;

use crate::config::{Config, WebConfig, WebLimits};
use crate::store::Store;
use crate::store::staff::StaffUser;
use anyhow::{Context, Result};
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The configuration the page was started with.
    pub config: Arc<Config>,
    templates: Arc<minijinja::Environment<'static>>,
    limits: WebLimits,
    /// Bounds the password checks of logins.
    pub login_gate: Arc<login_gate::LoginGate>,
    /// Connections refused because `[web] max_connections` were open.
    pub connections_refused: Arc<AtomicU64>,
    /// `listen` is a loopback address.
    loopback: bool,
    session_hours: u32,
    /// Staff actions take this while they check a case's version and change it, so two at once
    /// in this process cannot both pass the check (across processes the state-conditional
    /// updates of `cases` still refuse a second approval).
    actions: Arc<tokio::sync::Mutex<()>>,
    health: Arc<health::HealthCache>,
    metrics: Arc<metrics::MetricsCache>,
    /// Each desk's mailbox key (as cases store it) and its name, for staff limited to desks.
    desk_names: Arc<Vec<(String, String)>>,
    /// The desk's zone (`[desk] timezone`): "today" and every time shown are in it.
    pub zone: crate::date::Zone,
    /// `[policy] answer_within` over `[calendar]`: which held cases the queue shows overdue.
    pub deadline: Option<Arc<crate::calendar::Deadline>>,
}

/// Each configured desk's mailbox key and name (a desk whose mailbox cannot be described is
/// left out: staff limited to desks then see none of its cases).
fn desk_names(config: &Config) -> Vec<(String, String)> {
    config
        .desks()
        .iter()
        .filter_map(|d| match crate::worker::desk_key(d) {
            Ok(key) => Some((key, d.name.clone())),
            Err(e) => {
                tracing::warn!("desk {}: {e:#}", d.name);
                None
            }
        })
        .collect()
}

impl AppState {
    /// The state for `config`, with templates from `templates/web` beside the reply templates
    /// when that folder exists, else the built-in copies.
    pub fn new(store: Store, config: Config) -> AppState {
        let dir = config.reply.templates.join("web");
        // A loaded config was validated; one built in code falls back to the defaults.
        let limits = config.web.limits().unwrap_or_else(|e| {
            tracing::warn!("[web] limits are not valid ({e:#}); using the defaults");
            WebConfig::default()
                .limits()
                .expect("the default [web] limits parse")
        });
        // A loaded config was validated; one built in code falls back to UTC.
        let zone = config.desk.zone().unwrap_or_else(|e| {
            tracing::warn!("{e:#}; times are shown in UTC");
            crate::date::Zone::utc()
        });
        let deadline = config.deadline().unwrap_or_else(|e| {
            tracing::warn!("{e:#}; no case is shown overdue");
            None
        });
        AppState {
            deadline: deadline.map(Arc::new),
            store,
            templates: Arc::new(render::environment(
                dir.is_dir().then_some(dir),
                zone.clone(),
            )),
            zone,
            login_gate: Arc::new(login_gate::LoginGate::new(
                limits.password_checks,
                limits.password_check_queue,
            )),
            connections_refused: Arc::default(),
            limits,
            loopback: is_loopback(&config.web.listen),
            session_hours: config.web.session_hours,
            actions: Arc::default(),
            health: Arc::default(),
            metrics: Arc::default(),
            desk_names: Arc::new(desk_names(&config)),
            config: Arc::new(config),
        }
    }

    /// The mailbox keys whose cases `user` sees; `None` when it sees every desk.
    pub fn mailboxes_for(&self, user: &StaffUser) -> Option<Vec<String>> {
        if user.desks.is_empty() {
            return None;
        }
        Some(
            self.desk_names
                .iter()
                .filter(|(_, name)| user.sees_desk(name))
                .map(|(key, _)| key.clone())
                .collect(),
        )
    }

    /// Whether `user` sees the cases of the mailbox `key`.
    pub fn sees_mailbox(&self, user: &StaffUser, key: &str) -> bool {
        user.desks.is_empty()
            || self
                .desk_names
                .iter()
                .any(|(k, name)| k == key && user.sees_desk(name))
    }

    /// Whether cookies set for `client` are marked `Secure`: as `[web] secure_cookies` says, else
    /// when listening beyond loopback or a trusted proxy says the browser used HTTPS.
    pub fn secure_cookies(&self, client: &client::Client) -> bool {
        self.config
            .web
            .secure_cookies
            .unwrap_or(!self.loopback || client.https)
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<Html<String>, WebError> {
        let html = self
            .templates
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .with_context(|| format!("cannot render the page template {name}"))?;
        Ok(Html(html))
    }
}

/// Whether a listen address is on loopback (then the cookie need not be `Secure`).
fn is_loopback(listen: &str) -> bool {
    match listen.parse::<SocketAddr>() {
        Ok(a) => a.ip().is_loopback(),
        Err(_) => listen.starts_with("localhost:"),
    }
}

/// Every route of the page.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/", get(queue::queue))
        .route("/case/{id}", get(case::show))
        .route("/case/{id}/attachment/{n}", get(case::attachment))
        .route("/case/{id}/approve", post(case::approve))
        .route("/case/{id}/edit", post(case::edit))
        .route("/case/{id}/reject", post(case::reject))
        .route("/case/{id}/resend", post(case::resend))
        .route("/case/{id}/reanswer", post(case::reanswer))
        .route("/case/{id}/answer-anyway", post(case::answer_anyway))
        .route("/audit", get(admin::audit))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route("/admin/users/{id}", post(admin::update_user))
        .route(
            "/admin/senders",
            get(admin::senders).post(admin::save_senders),
        )
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/static/style.css", get(style))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(state)
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        render::STYLE_CSS,
    )
}

async fn not_found() -> WebError {
    WebError::NotFound("there is no page at this address".into())
}

/// Serves the page on `config.web.listen` until `shutdown` resolves.
pub async fn serve(
    store: Store,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let listen = config.web.listen.clone();
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen} ([web] listen in the config)"))?;
    let addr = listener.local_addr()?;
    tracing::info!("staff page on http://{addr}/");
    if !is_loopback(&listen) && config.web.secure_cookies == Some(false) {
        tracing::warn!("the staff page listens beyond loopback with secure_cookies = false");
    }
    config.web.limits()?;
    serve_listener(listener, AppState::new(store, config), shutdown)
        .await
        .context("the staff page stopped")
}
