//! Which desks cannot read their mailbox until someone runs `codedesk mailbox login`: for the
//! staff page's banner and `/healthz`. Reads the sign-in state only, never a token.

use crate::config::{AuthMethod, Config};
use crate::store::Store;
use crate::store::oauth2_sign_in;
use anyhow::Result;

/// A desk that needs sign-in, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NeedsSignIn {
    /// The desk's name (`default` is `[mailbox]`).
    pub desk: String,
    /// Why: "not signed in yet" or the provider's error code.
    pub why: String,
    /// The command that fixes it.
    pub fix: String,
}

/// Every OAuth2 desk of `config` that was never signed in or whose sign-in was refused.
pub async fn desks_needing_sign_in(store: &Store, config: &Config) -> Result<Vec<NeedsSignIn>> {
    let desks: Vec<_> = config
        .desks()
        .into_iter()
        .filter(|d| d.mailbox.auth == AuthMethod::Oauth2)
        .collect();
    if desks.is_empty() {
        return Ok(Vec::new());
    }
    let sign_ins = oauth2_sign_in::all(store).await?;
    let mut out = Vec::new();
    for desk in desks {
        let key = crate::worker::desk_key(&desk)?;
        let why = match sign_ins.iter().find(|s| s.mailbox == key) {
            None => "not signed in yet".to_string(),
            Some(s) if s.needs_sign_in() => format!(
                "the provider refused the sign-in: {}",
                s.problem.as_deref().unwrap_or("refused")
            ),
            Some(_) => continue,
        };
        out.push(NeedsSignIn {
            fix: crate::oauth2::login_command(&desk.name),
            desk: desk.name,
            why,
        });
    }
    Ok(out)
}
