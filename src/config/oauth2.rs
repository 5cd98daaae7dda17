//! OAuth2 sign-in settings: `auth = "password" | "oauth2"` on `[mailbox]`, `[outbox]` and
//! `[mailboxes.NAME]`, and `[mailbox.oauth2]` with a provider preset (Microsoft 365, Google
//! Workspace) or a custom authorization server. Pure: it resolves endpoints and scopes, it never
//! talks to a server and never holds a token.

use super::{Config, TlsMode};
use anyhow::{Result, bail};
use serde::Deserialize;

/// How a mailbox (or the outbox) signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// LOGIN / AUTH PLAIN with `password_env` or `password_file` (the default).
    #[default]
    Password,
    /// IMAP `AUTHENTICATE XOAUTH2` and SMTP `AUTH XOAUTH2` with an access token from
    /// `codedesk mailbox login`.
    Oauth2,
}

impl AuthMethod {
    /// The word written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::Oauth2 => "oauth2",
        }
    }
}

/// Whose authorization server issues the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Microsoft Entra ID (Microsoft 365, Exchange Online).
    #[default]
    Microsoft,
    /// Google (Workspace, Gmail).
    Google,
    /// Any RFC 8628 server: `token_url`, `device_authorization_url` and `scopes` are given.
    Custom,
}

/// `[mailbox.oauth2]` (also `[mailboxes.NAME.oauth2]`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OAuth2Config {
    /// `microsoft`, `google` or `custom`.
    pub provider: Provider,
    /// Microsoft only: the directory (tenant) ID or domain; default `organizations`.
    pub tenant: Option<String>,
    /// The application (client) ID of the registered app.
    pub client_id: String,
    /// The variable holding the client secret, for apps that have one (Google's "TV and
    /// limited input" clients do); public clients (Microsoft) have none.
    pub client_secret_env: Option<String>,
    /// Custom only: the token endpoint (RFC 6749).
    pub token_url: Option<String>,
    /// Custom only: the device authorization endpoint (RFC 8628).
    pub device_authorization_url: Option<String>,
    /// Custom only: the scopes to ask for.
    pub scopes: Option<Vec<String>>,
}

/// Where tokens come from and what is asked for, with the presets applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Endpoints {
    /// `microsoft`, `google` or `custom`, for messages.
    pub provider: Provider,
    /// The token endpoint.
    pub token_url: String,
    /// The device authorization endpoint.
    pub device_authorization_url: String,
    /// The scopes, in order.
    pub scopes: Vec<String>,
    /// The client ID.
    pub client_id: String,
    /// The variable holding the client secret, if any.
    pub client_secret_env: Option<String>,
}

/// The server settings a provider implies when the config names no host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerPreset {
    /// Host name.
    pub host: &'static str,
    /// Port.
    pub port: u16,
    /// True for implicit TLS, false for STARTTLS.
    pub implicit_tls: bool,
}

/// Microsoft's scopes for IMAP and SMTP, and the refresh token.
pub const MICROSOFT_SCOPES: [&str; 3] = [
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
];

/// Google's one scope for IMAP and SMTP.
pub const GOOGLE_SCOPES: [&str; 1] = ["https://mail.google.com/"];

impl Provider {
    /// The word written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Microsoft => "microsoft",
            Provider::Google => "google",
            Provider::Custom => "custom",
        }
    }

    /// The provider's IMAP server, if it has a preset.
    pub fn imap_preset(self) -> Option<ServerPreset> {
        match self {
            Provider::Microsoft => Some(ServerPreset {
                host: "outlook.office365.com",
                port: 993,
                implicit_tls: true,
            }),
            Provider::Google => Some(ServerPreset {
                host: "imap.gmail.com",
                port: 993,
                implicit_tls: true,
            }),
            Provider::Custom => None,
        }
    }

    /// The provider's SMTP submission server, if it has a preset.
    pub fn smtp_preset(self) -> Option<ServerPreset> {
        match self {
            Provider::Microsoft => Some(ServerPreset {
                host: "smtp.office365.com",
                port: 587,
                implicit_tls: false,
            }),
            Provider::Google => Some(ServerPreset {
                host: "smtp.gmail.com",
                port: 465,
                implicit_tls: true,
            }),
            Provider::Custom => None,
        }
    }
}

impl OAuth2Config {
    /// Endpoints and scopes with the provider's preset applied; `table` (e.g. `[mailbox.oauth2]`)
    /// names the table in errors.
    pub fn endpoints(&self, table: &str) -> Result<OAuth2Endpoints> {
        if self.client_id.trim().is_empty() {
            bail!(
                "{table} client_id is missing: give the application (client) ID of the app you registered"
            );
        }
        if let Some(var) = &self.client_secret_env
            && var.trim().is_empty()
        {
            bail!(
                "{table} client_secret_env is empty: name the variable that holds the secret, or leave it out"
            );
        }
        let custom_only = [
            ("token_url", self.token_url.is_some()),
            (
                "device_authorization_url",
                self.device_authorization_url.is_some(),
            ),
            ("scopes", self.scopes.is_some()),
        ];
        let (token_url, device_authorization_url, scopes) = match self.provider {
            Provider::Microsoft | Provider::Google => {
                if let Some((key, _)) = custom_only.iter().find(|(_, set)| *set) {
                    bail!(
                        "{table} {key} is set by provider = \"{}\": leave it out, or use provider = \"custom\"",
                        self.provider.as_str()
                    );
                }
                if self.provider == Provider::Microsoft {
                    let tenant = self.tenant.as_deref().unwrap_or("organizations").trim();
                    if tenant.is_empty()
                        || !tenant
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
                    {
                        bail!(
                            "{table} tenant = {tenant:?}: write the directory (tenant) ID or the domain, e.g. \"contoso.onmicrosoft.com\""
                        );
                    }
                    let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
                    (
                        format!("{base}/token"),
                        format!("{base}/devicecode"),
                        MICROSOFT_SCOPES.map(String::from).to_vec(),
                    )
                } else {
                    if self.tenant.is_some() {
                        bail!("{table} tenant is for provider = \"microsoft\" only: leave it out");
                    }
                    (
                        "https://oauth2.googleapis.com/token".to_string(),
                        "https://oauth2.googleapis.com/device/code".to_string(),
                        GOOGLE_SCOPES.map(String::from).to_vec(),
                    )
                }
            }
            Provider::Custom => {
                if self.tenant.is_some() {
                    bail!("{table} tenant is for provider = \"microsoft\" only: leave it out");
                }
                let url = |key: &str, value: &Option<String>| -> Result<String> {
                    let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                        bail!(
                            "{table} {key} is missing: provider = \"custom\" needs token_url, device_authorization_url and scopes"
                        );
                    };
                    if !(v.starts_with("https://") || v.starts_with("http://")) {
                        bail!("{table} {key} = {v:?}: write an https:// URL");
                    }
                    Ok(v.to_string())
                };
                let token_url = url("token_url", &self.token_url)?;
                let device = url("device_authorization_url", &self.device_authorization_url)?;
                let scopes: Vec<String> = self
                    .scopes
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect();
                if scopes.is_empty() {
                    bail!(
                        "{table} scopes is missing or empty: list the scopes to ask for, e.g. scopes = [\"mail\"]"
                    );
                }
                if let Some(bad) = scopes.iter().find(|s| s.contains(char::is_whitespace)) {
                    bail!(
                        "{table} scopes: {bad:?} holds a space; give each scope as its own string"
                    );
                }
                (token_url, device, scopes)
            }
        };
        Ok(OAuth2Endpoints {
            provider: self.provider,
            token_url,
            device_authorization_url,
            scopes,
            client_id: self.client_id.trim().to_string(),
            client_secret_env: self.client_secret_env.clone(),
        })
    }
}

impl Config {
    /// Fills an OAuth2 mailbox's (and outbox's) missing host from the provider's preset.
    pub(super) fn apply_presets(&mut self) {
        let provider = self
            .mailbox
            .oauth2
            .as_ref()
            .filter(|_| self.mailbox.auth == AuthMethod::Oauth2)
            .map(|o| o.provider);
        let Some(provider) = provider else {
            return;
        };
        let fill = |server: &mut super::ServerConfig, preset: Option<ServerPreset>| {
            if let Some(p) = preset
                && server.host.is_empty()
            {
                server.host = p.host.to_string();
                server.port = p.port;
                server.tls = if p.implicit_tls {
                    TlsMode::Implicit
                } else {
                    TlsMode::Starttls
                };
            }
        };
        if self.mailbox.kind == "imap" {
            fill(&mut self.mailbox.server, provider.imap_preset());
        }
        if self.outbox.kind == "smtp" && self.outbox.auth == AuthMethod::Oauth2 {
            fill(&mut self.outbox.server, provider.smtp_preset());
        }
    }

    /// Checks every `auth = "oauth2"`: an IMAP mailbox with a valid `oauth2` table, and an
    /// OAuth2 outbox only when every desk signs in with OAuth2.
    pub(super) fn validate_oauth2(&self) -> Result<()> {
        for desk in self.desks() {
            let table = desk.table();
            if desk.mailbox.auth == AuthMethod::Oauth2 {
                if desk.mailbox.kind != "imap" {
                    bail!(
                        "{table} auth = \"oauth2\" needs kind = \"imap\" (a Maildir has no sign-in)"
                    );
                }
                if desk.mailbox.server.username.trim().is_empty() {
                    bail!(
                        "{table} auth = \"oauth2\" needs username (the mailbox's address, as it signs in)"
                    );
                }
            }
            desk.mailbox.oauth2_endpoints(&table)?;
        }
        if self.outbox.auth == AuthMethod::Oauth2 {
            if self.outbox.kind != "smtp" {
                bail!("[outbox] auth = \"oauth2\" needs kind = \"smtp\"");
            }
            if let Some(desk) = self
                .desks()
                .into_iter()
                .find(|d| d.mailbox.auth != AuthMethod::Oauth2)
            {
                bail!(
                    "[outbox] auth = \"oauth2\" sends each desk's replies with that desk's own sign-in, \
                     but {} signs in with a password: give it auth = \"oauth2\", or set [outbox] auth = \"password\"",
                    desk.table()
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(provider: Provider) -> OAuth2Config {
        OAuth2Config {
            provider,
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            ..OAuth2Config::default()
        }
    }

    #[test]
    fn presets_give_the_providers_endpoints_and_scopes() {
        let mut m = config(Provider::Microsoft);
        m.tenant = Some("contoso.onmicrosoft.com".into());
        let e = m.endpoints("[mailbox.oauth2]").unwrap();
        assert_eq!(
            e.token_url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            e.device_authorization_url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
        );
        assert_eq!(e.scopes, MICROSOFT_SCOPES.map(String::from).to_vec());
        let e = config(Provider::Microsoft).endpoints("t").unwrap();
        assert!(e.token_url.contains("/organizations/"), "{}", e.token_url);
        let g = config(Provider::Google).endpoints("t").unwrap();
        assert_eq!(g.token_url, "https://oauth2.googleapis.com/token");
        assert_eq!(g.scopes, vec!["https://mail.google.com/".to_string()]);
        assert_eq!(
            Provider::Microsoft.smtp_preset().unwrap().host,
            "smtp.office365.com"
        );
        assert_eq!(
            Provider::Google.imap_preset().unwrap().host,
            "imap.gmail.com"
        );
    }

    #[test]
    fn custom_needs_its_endpoints_and_scopes() {
        let mut c = config(Provider::Custom);
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("[mailbox.oauth2] token_url is missing"), "{e}");
        c.token_url = Some("https://auth.example/token".into());
        c.device_authorization_url = Some("https://auth.example/device".into());
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("[mailbox.oauth2] scopes"), "{e}");
        c.scopes = Some(vec!["mail offline".into()]);
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("holds a space"), "{e}");
        c.scopes = Some(vec!["mail".into(), "offline".into()]);
        let e = c.endpoints("x").unwrap();
        assert_eq!(e.scopes, ["mail", "offline"]);
        assert_eq!(e.device_authorization_url, "https://auth.example/device");
        c.token_url = Some("ftp://auth.example/token".into());
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("token_url = \"ftp://"), "{e}");
    }

    #[test]
    fn mistakes_name_the_table_and_key() {
        let mut c = config(Provider::Google);
        c.token_url = Some("https://elsewhere/token".into());
        let e = format!("{:#}", c.endpoints("[mailboxes.north.oauth2]").unwrap_err());
        assert!(
            e.contains("[mailboxes.north.oauth2] token_url is set by provider = \"google\""),
            "{e}"
        );
        let mut c = config(Provider::Google);
        c.tenant = Some("contoso".into());
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("[mailbox.oauth2] tenant"), "{e}");
        let mut c = config(Provider::Microsoft);
        c.client_id = " ".into();
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("[mailbox.oauth2] client_id is missing"), "{e}");
        let mut c = config(Provider::Microsoft);
        c.tenant = Some("a/b".into());
        let e = format!("{:#}", c.endpoints("[mailbox.oauth2]").unwrap_err());
        assert!(e.contains("[mailbox.oauth2] tenant = \"a/b\""), "{e}");
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;

    fn load(text: &str) -> Result<Config> {
        let dir =
            std::env::temp_dir().join(format!("codedesk-oauth2-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}.toml", {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        }));
        std::fs::write(&path, text).unwrap();
        Config::load(&path, true, Vec::<(String, String)>::new())
    }

    const MS: &str = "[mailbox]\nkind = \"imap\"\nauth = \"oauth2\"\nusername = \"desk@contoso.example\"\n\
                      address = \"desk@contoso.example\"\n\
                      [mailbox.oauth2]\nprovider = \"microsoft\"\ntenant = \"contoso.example\"\nclient_id = \"abc\"\n";

    #[test]
    fn password_stays_the_default() {
        let c = load("").unwrap();
        assert_eq!(c.mailbox.auth, AuthMethod::Password);
        assert_eq!(c.outbox.auth, AuthMethod::Password);
        assert!(c.mailbox.oauth2_endpoints("[mailbox]").unwrap().is_none());
    }

    #[test]
    fn a_microsoft_desk_gets_the_servers_and_endpoints_of_its_provider() {
        let c = load(&format!(
            "{MS}[outbox]\nkind = \"smtp\"\nauth = \"oauth2\"\nfrom = \"Desk <desk@contoso.example>\"\n"
        ))
        .unwrap();
        assert_eq!(c.mailbox.server.host, "outlook.office365.com");
        assert_eq!(c.mailbox.server.port, 993);
        assert_eq!(c.outbox.server.host, "smtp.office365.com");
        assert_eq!(c.outbox.server.port, 587);
        assert_eq!(c.outbox.server.tls, TlsMode::Starttls);
        let e = c.mailbox.oauth2_endpoints("[mailbox]").unwrap().unwrap();
        assert!(e.token_url.contains("/contoso.example/"), "{}", e.token_url);
    }

    #[test]
    fn an_extra_desk_inherits_or_overrides_the_sign_in() {
        let c = load(&format!(
            "{MS}[mailboxes.north]\nusername = \"north@contoso.example\"\naddress = \"north@contoso.example\"\n\
             from = \"N <north@contoso.example>\"\n\
             [mailboxes.south]\nusername = \"south@contoso.example\"\naddress = \"south@contoso.example\"\n\
             from = \"S <south@contoso.example>\"\n\
             [mailboxes.south.oauth2]\nprovider = \"google\"\nclient_id = \"g\"\n"
        ))
        .unwrap();
        let desks = c.desks();
        assert_eq!(desks[1].mailbox.auth, AuthMethod::Oauth2);
        assert_eq!(
            desks[1].mailbox.oauth2.as_ref().unwrap().provider,
            Provider::Microsoft
        );
        assert_eq!(
            desks[2].mailbox.oauth2.as_ref().unwrap().provider,
            Provider::Google
        );
    }

    #[test]
    fn config_errors_name_the_table_and_key() {
        for (text, says) in [
            (
                "[mailbox]\nkind = \"imap\"\nhost = \"h\"\nauth = \"oauth2\"\nusername = \"u@x.example\"\n",
                "[mailbox] auth = \"oauth2\" needs the table [mailbox.oauth2]",
            ),
            (
                "[mailbox]\nauth = \"oauth2\"\n[mailbox.oauth2]\nclient_id = \"a\"\n",
                "[mailbox] auth = \"oauth2\" needs kind = \"imap\"",
            ),
            ("[mailbox]\nauth = \"token\"\n", "token"),
            (&format!("{MS}clientid = \"typo\"\n"), "clientid"),
            (
                &MS.replace("client_id = \"abc\"", "client_id = \"\""),
                "[mailbox.oauth2] client_id is missing",
            ),
            (
                &MS.replace("provider = \"microsoft\"", "provider = \"custom\"")
                    .replace("tenant = \"contoso.example\"\n", "")
                    .replace(
                        "kind = \"imap\"\n",
                        "kind = \"imap\"\nhost = \"imap.example\"\n",
                    ),
                "[mailbox.oauth2] token_url is missing",
            ),
            (
                &format!("{MS}[outbox]\nkind = \"file\"\nauth = \"oauth2\"\n"),
                "[outbox] auth = \"oauth2\" needs kind = \"smtp\"",
            ),
            (
                &format!(
                    "{MS}[outbox]\nkind = \"smtp\"\nauth = \"oauth2\"\n\
                     [mailboxes.north]\nusername = \"n@contoso.example\"\naddress = \"n@contoso.example\"\n\
                     from = \"N <n@contoso.example>\"\nauth = \"password\"\npassword_env = \"PW\"\n"
                ),
                "but [mailboxes.north] signs in with a password",
            ),
            (
                &format!(
                    "{MS}[mailboxes.north]\nusername = \"n@contoso.example\"\naddress = \"n@contoso.example\"\n\
                     from = \"N <n@contoso.example>\"\n[mailboxes.north.oauth2]\nprovider = \"google\"\n"
                ),
                "[mailboxes.north.oauth2] client_id is missing",
            ),
        ] {
            let e = format!("{:#}", load(text).unwrap_err());
            assert!(e.contains(says), "{text}\n=> {e}");
        }
    }
}
