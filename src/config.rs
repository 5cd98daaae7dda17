//! One validated [`Config`] from a TOML file and `CODEDESK_*` variables. Secrets are read from a
//! variable or a file named in the config, never stored in it and never printed.

mod desk_section;
mod desks;
mod notify;
mod oauth2;
mod web;

pub use desk_section::DeskSection;
pub use desks::{DeskConfig, ExtraMailbox};
pub use notify::{CalendarSection, NotifyMode, NotifySection, answer_within_secs};
pub use oauth2::{AuthMethod, OAuth2Config, OAuth2Endpoints, Provider, ServerPreset};
pub use web::{WebConfig, WebLimits};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything codedesk can be told. Every key has a default, so an empty file is valid.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where cases and the catalog live.
    pub database: DatabaseConfig,
    /// Where the search index lives.
    pub index: IndexConfig,
    /// Where questions arrive.
    pub mailbox: MailboxConfig,
    /// Where replies go.
    pub outbox: OutboxConfig,
    /// What is sent at once and what waits for staff.
    pub policy: PolicyConfig,
    /// Who is answered.
    pub senders: SendersConfig,
    /// How replies look.
    pub reply: ReplyConfig,
    /// The staff page.
    pub web: WebConfig,
    /// How long message bodies are kept.
    pub retention: RetentionConfig,
    /// The desk's time zone and acknowledgements.
    pub desk: DeskSection,
    /// Mail to staff about held and overdue cases.
    pub notify: NotifySection,
    /// The working days and hours `[policy] answer_within` counts.
    pub calendar: CalendarSection,
    /// More consult mailboxes beside `[mailbox]`, by name (`[mailboxes.NAME]`).
    pub mailboxes: BTreeMap<String, ExtraMailbox>,
}

/// `[retention]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Delete the message bodies of closed cases older than this (`90d`, `12h`), once a day from
    /// the worker. Unset (the default): never.
    pub purge_after: Option<String>,
}

impl RetentionConfig {
    /// `purge_after` in seconds, if set.
    pub fn purge_after_secs(&self) -> Result<Option<i64>> {
        self.purge_after.as_deref().map(parse_age).transpose()
    }
}

/// An age like `90d`, `12h`, `30m` or `45s` in seconds; an error saying the accepted forms.
pub fn parse_age(text: &str) -> Result<i64> {
    let text = text.trim();
    let bad = || {
        anyhow::anyhow!(
            "{text:?} is not an age: write a whole number and a unit, d (days), h (hours), \
             m (minutes) or s (seconds), e.g. 90d or 12h"
        )
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(bad()),
    };
    if n == 0 {
        bail!("{text:?}: the age must be more than zero");
    }
    n.checked_mul(unit_secs).ok_or_else(bad)
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://codedesk.db` (default) or `postgres://user@host/db`.
    pub url: String,
    /// The key that encrypts OAuth2 refresh tokens in the database, when the variable
    /// `CODEDESK_SECRET_KEY` is not set: created (0600, 32 random bytes) on first use.
    pub secret_key_file: PathBuf,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://codedesk.db".into(),
            secret_key_file: PathBuf::from("codedesk-secret.key"),
        }
    }
}

/// `[index]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IndexConfig {
    /// The folder of the full-text index (built by `codedesk import`).
    pub dir: PathBuf,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            dir: PathBuf::from("codedesk-index"),
        }
    }
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    #[default]
    Implicit,
    /// Plain connection upgraded with STARTTLS before anything else.
    Starttls,
    /// No TLS: refused except to a loopback address.
    None,
}

/// Credentials and TLS for one server; shared by `[mailbox]` and `[outbox]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Host name or address.
    pub host: String,
    /// Port; 0 means the protocol's default for the TLS mode.
    pub port: u16,
    /// `implicit`, `starttls` or `none`.
    pub tls: TlsMode,
    /// An extra trust root (PEM), e.g. a private CA.
    pub ca_file: Option<PathBuf>,
    /// Login name.
    pub username: String,
    /// The variable that holds the password.
    pub password_env: Option<String>,
    /// A file that holds the password (first line).
    pub password_file: Option<PathBuf>,
}

impl ServerConfig {
    /// The password from `password_env` or `password_file`; an error names what is missing.
    pub fn password(&self, section: &str) -> Result<String> {
        if let Some(var) = &self.password_env {
            return std::env::var(var).with_context(|| {
                format!("[{section}] password_env names {var}, but that variable is not set")
            });
        }
        if let Some(file) = &self.password_file {
            let text = std::fs::read_to_string(file).with_context(|| {
                format!(
                    "[{section}] password_file {} cannot be read",
                    file.display()
                )
            })?;
            return Ok(text.lines().next().unwrap_or("").to_string());
        }
        bail!("[{section}] needs password_env or password_file")
    }
}

/// `[mailbox]` (unknown keys are refused by [`Config::load`]; serde cannot with `flatten`)
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MailboxConfig {
    /// `maildir` (default, local) or `imap`.
    pub kind: String,
    /// The Maildir folder when `kind = "maildir"`.
    pub path: PathBuf,
    /// Server settings when `kind = "imap"`.
    #[serde(flatten)]
    pub server: ServerConfig,
    /// The folder questions arrive in.
    pub folder: String,
    /// A folder to move stored messages to (optional).
    pub processed_folder: Option<String>,
    /// The consult address questions are sent to; replies come from it.
    pub address: Option<String>,
    /// `password` (default) or `oauth2` (sign in with `codedesk mailbox login`).
    pub auth: AuthMethod,
    /// `[mailbox.oauth2]`: the provider and the registered app, for `auth = "oauth2"`.
    pub oauth2: Option<OAuth2Config>,
}

impl Default for MailboxConfig {
    fn default() -> Self {
        MailboxConfig {
            kind: "maildir".into(),
            path: PathBuf::from("mail/inbox"),
            server: ServerConfig::default(),
            folder: "INBOX".into(),
            processed_folder: None,
            address: None,
            auth: AuthMethod::Password,
            oauth2: None,
        }
    }
}

impl MailboxConfig {
    /// The OAuth2 endpoints when this mailbox signs in with OAuth2; `table` names it in errors
    /// (`[mailbox]`, `[mailboxes.NAME]`).
    pub fn oauth2_endpoints(&self, table: &str) -> Result<Option<OAuth2Endpoints>> {
        if self.auth != AuthMethod::Oauth2 {
            return Ok(None);
        }
        let inner = format!("{}.oauth2]", table.trim_end_matches(']'));
        let Some(oauth2) = &self.oauth2 else {
            bail!("{table} auth = \"oauth2\" needs the table {inner} (provider, client_id)");
        };
        oauth2.endpoints(&inner).map(Some)
    }
}

/// `[outbox]` (unknown keys are refused by [`Config::load`])
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OutboxConfig {
    /// `file` (default, local) or `smtp`.
    pub kind: String,
    /// The folder replies are written to when `kind = "file"`.
    pub path: PathBuf,
    /// Server settings when `kind = "smtp"`.
    #[serde(flatten)]
    pub server: ServerConfig,
    /// The From of every reply.
    pub from: String,
    /// Append a copy of each reply to the IMAP Sent folder.
    pub save_sent: bool,
    /// Also send each reply to the consult address, so that a send cut short by a crash is
    /// resolved from the copy coming back (default). Off: one delivery less per reply, and such a
    /// send becomes `failed` for staff to check instead.
    pub receipt_copy: bool,
    /// How long one step of a send may wait for the server (connect, TLS, each command, the
    /// answer to the message), e.g. `"60s"` (default) or `"2m"`.
    pub timeout: String,
    /// `password` (default) or `oauth2`: each desk's replies are sent with the sign-in of its
    /// own mailbox (`[mailbox]`, `[mailboxes.NAME]`), as its IMAP user.
    pub auth: AuthMethod,
}

impl OutboxConfig {
    /// `timeout` as a duration.
    pub fn timeout(&self) -> Result<std::time::Duration> {
        parse_age(&self.timeout).map(|s| std::time::Duration::from_secs(s as u64))
    }
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            kind: "file".into(),
            path: PathBuf::from("mail/outbox"),
            server: ServerConfig::default(),
            from: "Coding Desk <consult@codedesk.invalid>".into(),
            save_sent: false,
            receipt_copy: true,
            timeout: "60s".into(),
            auth: AuthMethod::Password,
        }
    }
}

/// When a person must look at a reply before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewPolicy {
    /// Every reply waits for staff.
    Always,
    /// Replies the answer is not sure of wait; the rest go at once.
    #[default]
    WhenUnsure,
    /// Everything goes at once.
    Never,
}

/// `[policy]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// `always`, `when-unsure` (default) or `never`.
    pub review: ReviewPolicy,
    /// Business time (`[calendar]`) a held case may wait before staff get an overdue reminder
    /// and the queue shows it overdue, e.g. `4h`; unset (the default): no deadline.
    pub answer_within: Option<String>,
}

/// `[senders]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SendersConfig {
    /// Addresses and domains that are always answered; empty means everyone is a member.
    pub members: Vec<String>,
    /// Answers a guest gets per 30 days before the over-quota reply.
    pub guest_quota: u32,
    /// Addresses and domains that are never answered.
    pub blocked: Vec<String>,
    /// Questions one sender may send per hour before they are held (loop guard).
    pub rate_per_hour: u32,
    /// The authserv-id of the desk's own mail server in `Authentication-Results`: when set,
    /// only mail whose From passes DMARC (or aligned DKIM/SPF) there is answered without review,
    /// notices go to authenticated senders only, and Reply-To is used only when aligned with the
    /// From domain or a member's. Unset (the default): not checked, as no header can be trusted.
    pub authserv_id: Option<String>,
}

impl Default for SendersConfig {
    fn default() -> Self {
        SendersConfig {
            members: Vec::new(),
            guest_quota: 3,
            blocked: Vec::new(),
            rate_per_hour: 30,
            authserv_id: None,
        }
    }
}

/// `[reply]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplyConfig {
    /// The folder of the reply templates.
    pub templates: PathBuf,
    /// The domain of reply Message-IDs.
    pub message_id_domain: String,
    /// The disclaimer at the foot of every reply.
    pub footer: String,
}

impl Default for ReplyConfig {
    fn default() -> Self {
        ReplyConfig {
            templates: PathBuf::from("templates"),
            message_id_domain: "codedesk.invalid".into(),
            footer: "This answer was produced automatically from the official code sets named below. \
                     It is guidance, not a coverage decision: check payer policy and the medical record."
                .into(),
        }
    }
}

/// The sections a `CODEDESK_<SECTION>_<KEY>` variable may address.
const SECTIONS: &[&str] = &[
    "database",
    "index",
    "mailbox",
    "outbox",
    "policy",
    "senders",
    "reply",
    "web",
    "retention",
    "desk",
    "notify",
    "calendar",
];

const SERVER_KEYS: &[&str] = &[
    "host",
    "port",
    "tls",
    "ca_file",
    "username",
    "password_env",
    "password_file",
];
const MAILBOX_KEYS: &[&str] = &[
    "kind",
    "path",
    "folder",
    "processed_folder",
    "address",
    "auth",
    "oauth2",
];
const OUTBOX_KEYS: &[&str] = &[
    "kind",
    "path",
    "from",
    "save_sent",
    "receipt_copy",
    "timeout",
    "auth",
];

/// Variables that are not config keys (secrets named by `password_env`, the config file itself).
const NOT_KEYS: &[&str] = &[
    "CODEDESK_CONFIG",
    "CODEDESK_CODESETS",
    "CODEDESK_LOG",
    "CODEDESK_SECRET_KEY",
];

/// Other `CODEDESK_*` variables codedesk or its tests and benches read: no warning for them.
const OTHER_VARIABLES: &[&str] = &[
    "CODEDESK_LOG_FORMAT",
    "CODEDESK_CORPORA",
    "CODEDESK_SKIP_REPORT",
    "CODEDESK_TEST_POSTGRES",
    "CODEDESK_CHROMIUM",
    "CODEDESK_URL",
    "CODEDESK_PARAMS",
    "CODEDESK_ARTIFACTS",
    crate::worker::clock::ENV,
];

/// The `CODEDESK_*` variables of `names` that codedesk does not read: not a config key
/// (`CODEDESK_<SECTION>_<KEY>`), not one of its other variables and not a secret the config
/// names in `password_env`. A misspelt name would otherwise be ignored without a word.
pub fn unknown_variables<'a>(
    names: impl IntoIterator<Item = &'a str>,
    config: &Config,
) -> Vec<String> {
    let mut secrets: Vec<&str> = [&config.mailbox.server, &config.outbox.server]
        .into_iter()
        .filter_map(|s| s.password_env.as_deref())
        .collect();
    secrets.extend(
        config
            .mailboxes
            .values()
            .filter_map(|m| m.password_env.as_deref()),
    );
    names
        .into_iter()
        .filter(|name| {
            let Some(rest) = name.strip_prefix("CODEDESK_") else {
                return false;
            };
            let section = rest.split('_').next().unwrap_or("").to_ascii_lowercase();
            let keyed = rest.contains('_') && SECTIONS.contains(&section.as_str());
            !keyed
                && !NOT_KEYS.contains(name)
                && !OTHER_VARIABLES.contains(name)
                && !rest.starts_with("BENCH_")
                && !secrets.contains(name)
        })
        .map(str::to_string)
        .collect()
}

/// Where a TOML syntax error is and what it is, without the offending line: it may hold a
/// password.
fn syntax_error(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().to_string();
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!(
        "line {line}, column {column}: {} (the line is not shown: it may hold a secret)",
        e.message().trim_end()
    )
}

impl Config {
    /// Reads `path` (a missing file is fine only when `required` is false), then applies
    /// `CODEDESK_<SECTION>_<KEY>` variables from `env`.
    pub fn load(
        path: &Path,
        required: bool,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config> {
        let mut table = match std::fs::read_to_string(path) {
            Ok(text) => text.parse::<toml::Table>().map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid TOML: {}",
                    path.display(),
                    syntax_error(&text, &e)
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => toml::Table::new(),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read config file {}", path.display()));
            }
        };
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("CODEDESK_") else {
                continue;
            };
            if NOT_KEYS.contains(&name.as_str()) {
                continue;
            }
            let Some((section, key)) = rest.split_once('_') else {
                continue;
            };
            let section = section.to_ascii_lowercase();
            if !SECTIONS.contains(&section.as_str()) {
                continue;
            }
            let key = key.to_ascii_lowercase();
            let parsed = format!("v = {value}")
                .parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or(toml::Value::String(value));
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => {
                    t.insert(key, parsed);
                }
                _ => bail!("{} is not a section in {}", section, path.display()),
            }
        }
        for (section, keys) in [("mailbox", MAILBOX_KEYS), ("outbox", OUTBOX_KEYS)] {
            if let Some(toml::Value::Table(t)) = table.get(section) {
                if let Some(bad) = t
                    .keys()
                    .find(|k| !keys.contains(&k.as_str()) && !SERVER_KEYS.contains(&k.as_str()))
                {
                    bail!(
                        "unknown key {bad:?} in [{section}] of {} (known: {})",
                        path.display(),
                        [keys, SERVER_KEYS].concat().join(", ")
                    );
                }
            }
        }
        let mut config: Config = toml::Value::Table(table).try_into().with_context(|| {
            format!(
                "invalid configuration in {} (or a CODEDESK_* variable)",
                path.display()
            )
        })?;
        config.apply_presets();
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        crate::store::backend_of(&self.database.url).context("[database] url")?;
        match self.mailbox.kind.as_str() {
            "maildir" | "imap" => {}
            other => bail!("[mailbox] kind = {other:?}: expected \"maildir\" or \"imap\""),
        }
        match self.outbox.kind.as_str() {
            "file" | "smtp" => {}
            other => bail!("[outbox] kind = {other:?}: expected \"file\" or \"smtp\""),
        }
        if self.mailbox.kind == "imap" && self.mailbox.server.host.is_empty() {
            bail!("[mailbox] kind = \"imap\" needs host");
        }
        if self.outbox.kind == "smtp" && self.outbox.server.host.is_empty() {
            bail!("[outbox] kind = \"smtp\" needs host");
        }
        self.retention
            .purge_after_secs()
            .context("[retention] purge_after")?;
        self.outbox.timeout().context("[outbox] timeout")?;
        self.web.limits()?;
        self.desk.validate()?;
        self.notify.validate()?;
        self.calendar.calendar(self.desk.zone()?)?;
        answer_within_secs(self.policy.answer_within.as_deref())?;
        self.validate_desks()?;
        self.validate_oauth2()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config> {
        let dir = std::env::temp_dir().join(format!("codedesk-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // One file per call: tests run at once, and two texts may have the same length.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!("{n}.toml"));
        std::fs::write(&path, text).unwrap();
        Config::load(
            &path,
            true,
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn a_toml_syntax_error_names_the_place_and_not_the_line() {
        let text = "[outbox]\nhost = \"smtp.example\"\npassword = \"hunter2-secret\n";
        let e = format!("{:#}", load(text, &[]).unwrap_err());
        assert!(e.contains("line 3"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn ages_parse_and_bad_ones_say_why() {
        assert_eq!(parse_age("90d").unwrap(), 90 * 86_400);
        assert_eq!(parse_age("30d").unwrap(), 30 * 86_400);
        assert_eq!(parse_age("12h").unwrap(), 12 * 3_600);
        for bad in ["", "d", "90", "90 days", "-3d", "1.5d", "0d", "90w"] {
            let e = format!("{:#}", parse_age(bad).unwrap_err());
            assert!(e.contains("age"), "{bad}: {e}");
        }
    }

    #[test]
    fn retention_is_off_by_default_and_set_by_file_or_env() {
        assert_eq!(
            load("", &[]).unwrap().retention.purge_after_secs().unwrap(),
            None
        );
        let c = load("[retention]\npurge_after = \"90d\"\n", &[]).unwrap();
        assert_eq!(c.retention.purge_after_secs().unwrap(), Some(90 * 86_400));
        let c = load("", &[("CODEDESK_RETENTION_PURGE_AFTER", "12h")]).unwrap();
        assert_eq!(c.retention.purge_after_secs().unwrap(), Some(12 * 3_600));
        let e = load("[retention]\npurge_after = \"soon\"\n", &[]).unwrap_err();
        assert!(format!("{e:#}").contains("purge_after"), "{e:#}");
    }

    #[test]
    fn receipt_copies_are_on_unless_turned_off() {
        assert!(load("", &[]).unwrap().outbox.receipt_copy);
        let c = load("[outbox]\nreceipt_copy = false\n", &[]).unwrap();
        assert!(!c.outbox.receipt_copy);
        let c = load("[outbox]\ntimeout = \"2m\"\n", &[]).unwrap();
        assert_eq!(c.outbox.timeout().unwrap().as_secs(), 120);
        assert_eq!(
            load("", &[]).unwrap().outbox.timeout().unwrap().as_secs(),
            60
        );
        let err = load("[outbox]\ntimeout = \"soon\"\n", &[]).unwrap_err();
        assert!(format!("{err:#}").contains("[outbox] timeout"), "{err:#}");
        let c = load("", &[("CODEDESK_OUTBOX_RECEIPT_COPY", "false")]).unwrap();
        assert!(!c.outbox.receipt_copy);
    }

    #[test]
    fn empty_file_gives_embedded_defaults() {
        let c = load("", &[]).unwrap();
        assert_eq!(c.database.url, "sqlite://codedesk.db");
        assert_eq!(c.mailbox.kind, "maildir");
        assert_eq!(c.policy.review, ReviewPolicy::WhenUnsure);
    }

    #[test]
    fn env_overrides_file_and_parses_values() {
        let c = load(
            "[database]\nurl = \"sqlite://a.db\"\n[senders]\nguest_quota = 1\n",
            &[
                ("CODEDESK_DATABASE_URL", "postgres://u@h/db"),
                ("CODEDESK_SENDERS_GUEST_QUOTA", "7"),
                ("CODEDESK_INDEX_DIR", "/tmp/ix"),
            ],
        )
        .unwrap();
        assert_eq!(c.database.url, "postgres://u@h/db");
        assert_eq!(c.senders.guest_quota, 7);
        assert_eq!(c.index.dir, PathBuf::from("/tmp/ix"));
    }

    #[test]
    fn unknown_codedesk_variables_are_named_and_known_ones_are_not() {
        let c = load("[outbox]\npassword_env = \"CODEDESK_SMTP_SECRET\"\n", &[]).unwrap();
        let names = [
            "CODEDESK_DATABSE_URL",
            "CODEDESK_DATABASE_URL",
            "CODEDESK_LOG",
            "CODEDESK_LOG_FORMAT",
            "CODEDESK_SMTP_SECRET",
            "CODEDESK_IMAP_PASSWORD",
            "CODEDESK_BENCH_DB",
            "CODEDESKX",
            "PATH",
        ];
        assert_eq!(
            unknown_variables(names, &c),
            ["CODEDESK_DATABSE_URL", "CODEDESK_IMAP_PASSWORD"]
        );
    }

    #[test]
    fn the_desk_zone_is_an_iana_name_and_a_wrong_one_says_so() {
        let c = load("[desk]\ntimezone = \"America/Chicago\"\n", &[]).unwrap();
        assert_eq!(c.desk.zone().unwrap().name(), "America/Chicago");
        assert!(c.desk.acknowledge);
        let c = load(
            "",
            &[
                ("CODEDESK_DESK_TIMEZONE", "Europe/Berlin"),
                ("CODEDESK_DESK_ACKNOWLEDGE", "false"),
            ],
        )
        .unwrap();
        assert_eq!(c.desk.zone().unwrap().name(), "Europe/Berlin");
        assert!(!c.desk.acknowledge);
        let e = format!(
            "{:#}",
            load("[desk]\ntimezone = \"Central Time\"\n", &[]).unwrap_err()
        );
        assert!(
            e.contains("[desk] timezone") && e.contains("America/Chicago"),
            "{e}"
        );
    }

    #[test]
    fn notify_and_calendar_settings_are_checked_by_key() {
        let c = load("", &[]).unwrap();
        assert!(c.notify.to.is_empty());
        assert_eq!(c.notify.digest_every_secs().unwrap(), 1800);
        assert_eq!(
            answer_within_secs(c.policy.answer_within.as_deref()).unwrap(),
            None
        );
        let good = "[notify]\nto = [\"coders@example.org\"]\nmode = \"digest\"\n\
                    digest_every = \"2h\"\npage_url = \"https://desk.example.org/\"\n\
                    [policy]\nanswer_within = \"4h\"\n[calendar]\ndays = [\"mon\", \"tue\"]\n\
                    hours = \"09:00-17:30\"\nholidays = [\"2026-12-25\"]\n";
        let c = load(good, &[]).unwrap();
        assert_eq!(c.notify.mode, NotifyMode::Digest);
        assert_eq!(c.notify.case_link(9), "https://desk.example.org/case/9");
        assert_eq!(
            answer_within_secs(c.policy.answer_within.as_deref()).unwrap(),
            Some(4 * 3600)
        );
        for (bad, key) in [
            ("[notify]\nmode = \"hourly\"\n", "hourly"),
            (
                "[notify]\ndigest_every = \"half an hour\"\n",
                "[notify] digest_every",
            ),
            ("[notify]\nto = [\"coders\"]\n", "[notify] to"),
            ("[notify]\nto = [\"c@example.org\"]\n", "[notify] page_url"),
            (
                "[policy]\nanswer_within = \"4\"\n",
                "[policy] answer_within",
            ),
            ("[calendar]\ndays = [\"someday\"]\n", "[calendar] days"),
            ("[calendar]\nhours = \"9-5\"\n", "[calendar] hours"),
            (
                "[calendar]\nholidays = [\"Dec 25\"]\n",
                "[calendar] holidays",
            ),
        ] {
            let e = format!("{:#}", load(bad, &[]).unwrap_err());
            assert!(e.contains(key), "{bad}: {e}");
        }
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = format!("{:#}", load("[mailbox]\nhots = \"x\"\n", &[]).unwrap_err());
        assert!(err.contains("hots"), "{err}");
        let err = format!(
            "{:#}",
            load("[policy]\nreview = \"sometimes\"\n", &[]).unwrap_err()
        );
        assert!(err.contains("sometimes"), "{err}");
    }
}
