//! The landing page after login.

use super::AppState;
use super::auth::Staff;
use super::error::WebError;
use axum::extract::State;
use axum::response::Html;

/// `GET /`: the dashboard.
pub async fn home(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    state.render(
        "home.html",
        minijinja::context! { staff => staff.context() },
    )
}
