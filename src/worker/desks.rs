//! The consult mailboxes one worker serves (`[mailbox]` and `[mailboxes.*]`): each has its own
//! cases (by mailbox key), From, templates and receipt address.

use super::bare_address;
use crate::config::{Config, DeskConfig};
use crate::mailbox::{Mailbox, MailboxOptions};
use crate::reply::{Replier, ReplySettings};
use anyhow::{Context, Result};

/// One consult mailbox as the worker answers it.
pub struct Desk {
    /// `default` or NAME of `[mailboxes.NAME]`: what logs and metrics call it.
    pub name: String,
    /// The key of its cases and cursor in the database (and of its ingest lease).
    pub key: String,
    /// Its reply templates and From.
    pub(super) replier: Replier,
    /// The envelope sender of its replies.
    pub(super) envelope_from: String,
    /// Where a copy of each of its replies also goes (its own address), as delivery evidence.
    pub(super) receipt_copy_to: Option<String>,
    /// Its Maildir folder, when it reads one (retention deletes processed copies there).
    pub(super) maildir: Option<std::path::PathBuf>,
    /// Its IMAP mailbox, when it reads one (retention deletes processed mail on the server).
    pub(super) imap: Option<crate::config::MailboxConfig>,
    /// Its OAuth2 access tokens (`auth = "oauth2"`), shared by its reader and its sends.
    pub tokens: Option<std::sync::Arc<crate::oauth2::TokenSource>>,
}

/// The database key of a desk's mailbox: its description, plus the name for `[mailboxes.*]`
/// (descriptions shorten user names, so two addresses on one server could look alike).
pub fn desk_key(desk: &DeskConfig) -> Result<String> {
    let describe = Mailbox::open(&desk.mailbox, MailboxOptions::default())
        .with_context(|| format!("mailbox {}", desk.name))?
        .describe();
    Ok(if desk.name == "default" {
        describe
    } else {
        format!("{describe} [{}]", desk.name)
    })
}

impl Desk {
    /// The desk of `desk` under `config`'s outbox.
    pub fn new(config: &Config, desk: &DeskConfig) -> Result<Desk> {
        let replier = Replier::new(ReplySettings::from_config(&desk.reply, &desk.from))
            .with_context(|| format!("cannot load the reply templates of mailbox {}", desk.name))?;
        // The receipt copy needs our own mail to come back to the mailbox the worker reads.
        let receipt_copy_to = match (desk.mailbox.kind.as_str(), config.outbox.kind.as_str()) {
            ("imap", "smtp") if config.outbox.receipt_copy => {
                desk.mailbox.address.as_deref().map(bare_address)
            }
            _ => None,
        };
        Ok(Desk {
            name: desk.name.clone(),
            key: desk_key(desk)?,
            replier,
            envelope_from: bare_address(&desk.from),
            receipt_copy_to,
            maildir: (desk.mailbox.kind == "maildir").then(|| desk.mailbox.path.clone()),
            imap: (desk.mailbox.kind == "imap").then(|| desk.mailbox.clone()),
            tokens: None,
        })
    }

    /// Its own addresses (From, consult address, IMAP login), for the loop guard.
    pub fn own_addresses(desk: &DeskConfig) -> Vec<String> {
        let mut own = vec![bare_address(&desk.from)];
        if let Some(a) = &desk.mailbox.address {
            own.push(bare_address(a));
        }
        if desk.mailbox.kind == "imap" && desk.mailbox.server.username.contains('@') {
            own.push(desk.mailbox.server.username.to_ascii_lowercase());
        }
        own
    }
}
