//! Several consult mailboxes in one deployment: `[mailboxes.NAME]` beside `[mailbox]`, each with
//! its own address, From and (optionally) templates and footer. Keys left out are `[mailbox]`'s
//! (server, TLS, password) and `[reply]`'s, so a second address on the same server needs three
//! lines. The one outbox (`[outbox]`) sends for all of them.

use super::{AuthMethod, Config, MailboxConfig, OAuth2Config, ReplyConfig, TlsMode};
use anyhow::{Result, bail};
use serde::Deserialize;
use std::path::PathBuf;

/// `[mailboxes.NAME]`: one more consult mailbox; unset keys come from `[mailbox]` and `[reply]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtraMailbox {
    /// `maildir` or `imap`.
    pub kind: Option<String>,
    /// The Maildir folder.
    pub path: Option<PathBuf>,
    /// IMAP host.
    pub host: Option<String>,
    /// IMAP port.
    pub port: Option<u16>,
    /// IMAP TLS mode.
    pub tls: Option<TlsMode>,
    /// An extra trust root.
    pub ca_file: Option<PathBuf>,
    /// IMAP login name.
    pub username: Option<String>,
    /// The variable that holds the IMAP password.
    pub password_env: Option<String>,
    /// A file that holds the IMAP password.
    pub password_file: Option<PathBuf>,
    /// The folder questions arrive in.
    pub folder: Option<String>,
    /// Where stored messages are moved.
    pub processed_folder: Option<String>,
    /// The consult address (required).
    pub address: Option<String>,
    /// The From of this mailbox's replies (required).
    pub from: Option<String>,
    /// Its own templates folder.
    pub templates: Option<PathBuf>,
    /// Its own footer.
    pub footer: Option<String>,
    /// `password` or `oauth2`; unset: `[mailbox]`'s.
    pub auth: Option<AuthMethod>,
    /// `[mailboxes.NAME.oauth2]`; unset: `[mailbox.oauth2]`.
    pub oauth2: Option<OAuth2Config>,
}

/// One consult mailbox, resolved: where questions arrive, the From of the replies and how they
/// look. The first is `[mailbox]` itself, named `default`.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// `default`, or NAME of `[mailboxes.NAME]` (in logs and metrics instead of the address).
    pub name: String,
    /// The mailbox.
    pub mailbox: MailboxConfig,
    /// The From of its replies.
    pub from: String,
    /// Its templates, footer and Message-ID domain.
    pub reply: ReplyConfig,
}

impl DeskConfig {
    /// Its table in the config file: `[mailbox]` or `[mailboxes.NAME]`, for messages.
    pub fn table(&self) -> String {
        if self.name == "default" {
            "[mailbox]".to_string()
        } else {
            format!("[mailboxes.{}]", self.name)
        }
    }
}

impl Config {
    /// Every consult mailbox: `[mailbox]` first, then `[mailboxes.*]` by name.
    pub fn desks(&self) -> Vec<DeskConfig> {
        let mut out = vec![DeskConfig {
            name: "default".into(),
            mailbox: self.mailbox.clone(),
            from: self.outbox.from.clone(),
            reply: self.reply.clone(),
        }];
        for (name, extra) in &self.mailboxes {
            out.push(self.resolve(name, extra));
        }
        out
    }

    fn resolve(&self, name: &str, x: &ExtraMailbox) -> DeskConfig {
        let mut m = self.mailbox.clone();
        let s = &mut m.server;
        macro_rules! take {
            ($field:ident, $into:expr) => {
                if let Some(v) = &x.$field {
                    $into = v.clone();
                }
            };
        }
        take!(host, s.host);
        take!(port, s.port);
        take!(tls, s.tls);
        take!(username, s.username);
        take!(kind, m.kind);
        take!(path, m.path);
        take!(folder, m.folder);
        take!(auth, m.auth);
        if x.oauth2.is_some() {
            m.oauth2 = x.oauth2.clone();
        }
        if x.ca_file.is_some() {
            m.server.ca_file = x.ca_file.clone();
        }
        if x.password_env.is_some() || x.password_file.is_some() {
            m.server.password_env = x.password_env.clone();
            m.server.password_file = x.password_file.clone();
        }
        if x.processed_folder.is_some() {
            m.processed_folder = x.processed_folder.clone();
        }
        m.address = x.address.clone();
        let mut reply = self.reply.clone();
        take!(templates, reply.templates);
        take!(footer, reply.footer);
        DeskConfig {
            name: name.to_string(),
            mailbox: m,
            from: x.from.clone().unwrap_or_default(),
            reply,
        }
    }

    /// Checks `[mailboxes.*]`: names, the required keys, and that no two read the same mailbox.
    pub(super) fn validate_desks(&self) -> Result<()> {
        for (name, x) in &self.mailboxes {
            if name == "default"
                || name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                bail!(
                    "[mailboxes.{name}]: a name is letters, digits, - and _, and not \"default\" (that is [mailbox])"
                );
            }
            if x.address.as_deref().unwrap_or("").trim().is_empty() {
                bail!("[mailboxes.{name}] needs address (its consult address)");
            }
            if x.from.as_deref().unwrap_or("").trim().is_empty() {
                bail!("[mailboxes.{name}] needs from (the From of its replies)");
            }
        }
        let desks = self.desks();
        for (i, a) in desks.iter().enumerate() {
            for b in &desks[..i] {
                if same_mailbox(&a.mailbox, &b.mailbox) {
                    bail!(
                        "[mailboxes.{}] reads the same mailbox as {}: give it its own username (IMAP) or path (Maildir)",
                        a.name,
                        if b.name == "default" {
                            "[mailbox]".to_string()
                        } else {
                            format!("[mailboxes.{}]", b.name)
                        }
                    );
                }
            }
        }
        Ok(())
    }
}

fn same_mailbox(a: &MailboxConfig, b: &MailboxConfig) -> bool {
    if a.kind != b.kind {
        return false;
    }
    if a.kind == "maildir" {
        return a.path == b.path;
    }
    a.server.host == b.server.host
        && a.server.port == b.server.port
        && a.server.username.eq_ignore_ascii_case(&b.server.username)
        && a.folder == b.folder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        let dir = std::env::temp_dir().join(format!("codedesk-desks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.toml", text.len()));
        std::fs::write(&path, text).unwrap();
        Config::load(&path, true, Vec::<(String, String)>::new())
    }

    const BASE: &str = "[mailbox]\nkind = \"imap\"\nhost = \"imap.example.org\"\nusername = \"consult@example.org\"\n\
                        password_env = \"PW\"\naddress = \"consult@example.org\"\n\
                        [outbox]\nfrom = \"Desk <consult@example.org>\"\n";

    #[test]
    fn an_extra_mailbox_takes_the_rest_from_mailbox_and_reply() {
        let c = parse(&format!(
            "{BASE}[mailboxes.north]\nusername = \"north@example.org\"\naddress = \"north@example.org\"\n\
             from = \"North Desk <north@example.org>\"\nfooter = \"North footer\"\n"
        ))
        .unwrap();
        let desks = c.desks();
        assert_eq!(desks.len(), 2);
        assert_eq!(desks[0].name, "default");
        assert_eq!(desks[0].from, "Desk <consult@example.org>");
        let north = &desks[1];
        assert_eq!(north.name, "north");
        assert_eq!(north.mailbox.server.host, "imap.example.org");
        assert_eq!(north.mailbox.server.username, "north@example.org");
        assert_eq!(north.mailbox.server.password_env.as_deref(), Some("PW"));
        assert_eq!(north.mailbox.address.as_deref(), Some("north@example.org"));
        assert_eq!(north.from, "North Desk <north@example.org>");
        assert_eq!(north.reply.footer, "North footer");
        assert_eq!(north.reply.templates, c.reply.templates);
    }

    #[test]
    fn bad_extra_mailboxes_say_what_to_fix() {
        for (extra, says) in [
            (
                "[mailboxes.north]\nusername = \"n@example.org\"\nfrom = \"N <n@example.org>\"\n",
                "needs address",
            ),
            (
                "[mailboxes.north]\nusername = \"n@example.org\"\naddress = \"n@example.org\"\n",
                "needs from",
            ),
            (
                "[mailboxes.north]\naddress = \"n@example.org\"\nfrom = \"N <n@example.org>\"\n",
                "same mailbox as [mailbox]",
            ),
            (
                "[mailboxes.\"a b\"]\naddress = \"n@example.org\"\nfrom = \"x\"\n",
                "a name is",
            ),
            ("[mailboxes.north]\nadress = \"n@example.org\"\n", "adress"),
        ] {
            let e = format!("{:#}", parse(&format!("{BASE}{extra}")).unwrap_err());
            assert!(e.contains(says), "{extra}: {e}");
        }
    }
}
