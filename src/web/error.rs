//! The one error type of the staff page and how each kind is shown. Internal errors are logged
//! (without message text or addresses) and shown without details.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Why a request was not served.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No valid session: the browser is sent to the login page.
    #[error("please log in")]
    LoginNeeded,
    /// The session's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A POST without the right CSRF token.
    #[error(
        "this form was not sent from this page or is out of date (its security token is missing \
         or wrong): go back, reload the page and try again"
    )]
    BadCsrf,
    /// Too many failed logins from this client for this account; the seconds until the lock ends.
    #[error("too many failed logins: wait {} minutes and try again", .0.div_ceil(60).max(1))]
    TooManyAttempts(u64),
    /// Too many logins at once: the seconds to wait before trying again.
    #[error("the server is busy checking other logins: try again in a few seconds")]
    Busy(u64),
    /// The request body did not arrive in time.
    #[error("the form took too long to arrive: send it again")]
    SlowBody,
    /// Nothing at this address.
    #[error("{0}")]
    NotFound(String),
    /// The request cannot be done as sent; the text says why and what to do.
    #[error("{0}")]
    BadRequest(String),
    /// The thing changed since the page was loaded (another staff member acted first).
    #[error("{0}")]
    Conflict(String),
    /// Anything else; details go to the log, not the page.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::LoginNeeded => StatusCode::SEE_OTHER,
            WebError::Forbidden(_) | WebError::BadCsrf => StatusCode::FORBIDDEN,
            WebError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::SlowBody => StatusCode::REQUEST_TIMEOUT,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::LoginNeeded = self {
            return Redirect::to("/login").into_response();
        }
        let message = match &self {
            WebError::Internal(e) => {
                // `{:#}` carries context lines written by this crate, which never hold mail text.
                tracing::error!("staff page request failed: {e:#}");
                "Something went wrong on the server; the error is in its log. Try again, or ask \
                 whoever runs codedesk."
                    .to_string()
            }
            other => other.to_string(),
        };
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let body = super::render::error_page(status.as_u16(), title, &message);
        let mut res = (status, Html(body)).into_response();
        let h = res.headers_mut();
        match self {
            WebError::TooManyAttempts(secs) | WebError::Busy(secs) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            // The rest of the body may still be on its way: do not wait for it.
            WebError::SlowBody => {
                h.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        res
    }
}
