//! Admin pages: staff accounts, who is answered (members, guest quota, blocked senders), and the
//! audit log. Everything here but the audit log needs the admin role; every change is audited.

use super::AppState;
use super::auth::{Staff, new_password_hash};
use super::error::WebError;
use crate::store::staff::{self, Role};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

/// `GET /audit`: the newest entries of the audit log.
pub async fn audit(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    if !staff.user.desks.is_empty() {
        return Err(WebError::Forbidden(
            "the audit log covers every desk, and this account is limited to some: ask an admin"
                .into(),
        ));
    }
    let entries = staff::recent_audit(&state.store, 300).await?;
    state.render(
        "audit.html",
        minijinja::context! { staff => staff.context(), entries => entries },
    )
}

/// `GET /admin/users`: the accounts and a form to add one.
pub async fn users(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    users_page(&state, &staff, None).await
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let users = staff::list_users(&state.store).await?;
    state.render(
        "users.html",
        minijinja::context! { staff => staff.context(), users => users, notice => notice },
    )
}

/// The add-account form.
#[derive(Debug, serde::Deserialize)]
pub struct NewUser {
    email: String,
    role: String,
    password: String,
}

/// `POST /admin/users`: adds an account.
pub async fn add_user(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<NewUser>,
) -> Result<Redirect, WebError> {
    staff.require_admin()?;
    let email = form.email.trim().to_ascii_lowercase();
    if !email.contains('@') || email.chars().any(char::is_whitespace) {
        return Err(WebError::BadRequest(format!(
            "{email:?} is not an email address: the login name is the staff member's address"
        )));
    }
    let role: Role = form
        .role
        .parse()
        .map_err(|e: anyhow::Error| WebError::BadRequest(e.to_string()))?;
    let password = form.password;
    let for_email = email.clone();
    let hash = tokio::task::spawn_blocking(move || new_password_hash(&for_email, role, &password))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    if staff::find_user(&state.store, &email).await?.is_some() {
        return Err(WebError::Conflict(format!(
            "{email} already has an account"
        )));
    }
    staff::create_user(&state.store, &email, role, &hash).await?;
    staff::audit(
        &state.store,
        Some(&staff.user),
        "user.add",
        None,
        &format!("{email} as {}", role.as_str()),
    )
    .await?;
    Ok(Redirect::to("/admin/users"))
}

/// The change-account form.
#[derive(Debug, serde::Deserialize)]
pub struct UserChange {
    role: String,
    #[serde(default)]
    disabled: Option<String>,
    /// Desk names, comma-separated; empty for every desk. Absent leaves them as they are.
    #[serde(default)]
    desks: Option<String>,
}

/// The desk names of a form field, each one configured.
fn desk_names(state: &AppState, text: &str) -> Result<Vec<String>, WebError> {
    let known: Vec<String> = state.config.desks().into_iter().map(|d| d.name).collect();
    let names: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(n)) {
        return Err(WebError::BadRequest(format!(
            "there is no desk {unknown:?}: the desks are {} (leave the field empty for all)",
            known.join(", ")
        )));
    }
    Ok(names)
}

/// `POST /admin/users/{id}`: changes role or disables; the last admin cannot lock everyone out.
pub async fn update_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<UserChange>,
) -> Result<Redirect, WebError> {
    staff.require_admin()?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: anyhow::Error| WebError::BadRequest(e.to_string()))?;
    let disabled = form.disabled.is_some();
    let users = staff::list_users(&state.store).await?;
    let Some(target) = users.iter().find(|u| u.id == id) else {
        return Err(WebError::NotFound(format!(
            "there is no staff account {id}"
        )));
    };
    let loses_admin =
        target.role == Role::Admin && !target.disabled && (role != Role::Admin || disabled);
    if loses_admin && staff::admin_count(&state.store).await? <= 1 {
        return Err(WebError::Conflict(
            "this is the last admin account: make another admin first".into(),
        ));
    }
    let desks = form
        .desks
        .as_deref()
        .map(|text| desk_names(&state, text))
        .transpose()?;
    staff::update_user(&state.store, id, role, disabled).await?;
    if let Some(desks) = &desks {
        staff::set_desks(&state.store, id, desks).await?;
    }
    staff::audit(
        &state.store,
        Some(&staff.user),
        "user.update",
        None,
        &format!(
            "{} role {} {}{}",
            target.email,
            role.as_str(),
            if disabled { "disabled" } else { "enabled" },
            match &desks {
                None => String::new(),
                Some(d) if d.is_empty() => " desks: all".to_string(),
                Some(d) => format!(" desks: {}", d.join(",")),
            }
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/users"))
}

/// `GET /admin/senders`: members and their domains, the guest quota, blocked senders.
pub async fn senders(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let current = staff::senders_config(&state.store, &state.config.senders).await?;
    state.render(
        "senders.html",
        minijinja::context! {
            staff => staff.context(),
            members => current.members.join("\n"),
            blocked => current.blocked.join("\n"),
            guest_quota => current.guest_quota,
        },
    )
}

/// The senders form.
#[derive(Debug, serde::Deserialize)]
pub struct SendersForm {
    members: String,
    blocked: String,
    guest_quota: String,
}

/// `POST /admin/senders`: stores the lists (one address or domain a line) and the quota.
pub async fn save_senders(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<SendersForm>,
) -> Result<Redirect, WebError> {
    staff.require_admin()?;
    let quota: u32 = form.guest_quota.trim().parse().map_err(|_| {
        WebError::BadRequest(format!(
            "guest quota {:?} is not a whole number of answers",
            form.guest_quota
        ))
    })?;
    let members = entries(&form.members)?;
    let blocked = entries(&form.blocked)?;
    staff::set_senders(&state.store, &members, &blocked, quota, &staff.user.email).await?;
    staff::audit(
        &state.store,
        Some(&staff.user),
        "senders.update",
        None,
        &format!(
            "{} members, {} blocked, guest quota {quota}",
            members.len(),
            blocked.len()
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/senders"))
}

/// One address or domain a line; anything with spaces inside is refused.
fn entries(text: &str) -> Result<Vec<String>, WebError> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().any(char::is_whitespace) || !line.contains('.') {
            return Err(WebError::BadRequest(format!(
                "{line:?} is neither an address nor a domain: write one a line, like \
                 clinic.example or coder@clinic.example"
            )));
        }
        out.push(line.to_ascii_lowercase());
    }
    Ok(out)
}
