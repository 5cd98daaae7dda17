//! `codedesk init [--provider microsoft|google|generic]`: writes a commented `codedesk.toml` for
//! a real deployment (IMAP and SMTP, database, staff page, policy) in the current folder. An
//! existing file is never overwritten.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `codedesk init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whose mail servers the consult mailbox is on.
    #[arg(long, value_name = "PROVIDER", default_value = "generic")]
    pub provider: Provider,
    /// Keep the database and the index in this folder (an absolute path, e.g. /var/lib/codedesk)
    /// instead of the folder each command runs in.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// A mail provider: its IMAP and SMTP servers and what it asks of a mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Provider {
    /// Microsoft 365 (Exchange Online).
    Microsoft,
    /// Google Workspace or Gmail.
    Google,
    /// Any IMAP and SMTP server (your own, your host's).
    Generic,
}

/// The servers and the notes of one provider.
struct Servers {
    note: &'static str,
    imap_host: &'static str,
    imap_port: u16,
    imap_tls: &'static str,
    smtp_host: &'static str,
    smtp_port: u16,
    smtp_tls: &'static str,
}

fn servers(provider: Provider) -> Servers {
    match provider {
        Provider::Microsoft => Servers {
            note: "# Microsoft 365: allow IMAP and authenticated SMTP for this mailbox (admin center,\n\
                   # Mail apps). Exchange Online no longer accepts passwords for IMAP (Basic\n\
                   # authentication was turned off in 2022): `codedesk check-config` shows whether\n\
                   # this login is accepted.\n",
            imap_host: "outlook.office365.com",
            imap_port: 993,
            imap_tls: "implicit",
            smtp_host: "smtp.office365.com",
            smtp_port: 587,
            smtp_tls: "starttls",
        },
        Provider::Google => Servers {
            note: "# Google: turn IMAP on in Gmail's settings; with 2-Step Verification, create an app\n\
                   # password for codedesk and put it in the variables below.\n",
            imap_host: "imap.gmail.com",
            imap_port: 993,
            imap_tls: "implicit",
            smtp_host: "smtp.gmail.com",
            smtp_port: 465,
            smtp_tls: "implicit",
        },
        Provider::Generic => Servers {
            note: "",
            imap_host: "mail.example.org",
            imap_port: 993,
            imap_tls: "implicit",
            smtp_host: "mail.example.org",
            smtp_port: 587,
            smtp_tls: "starttls",
        },
    }
}

/// `key = "value"` padded so that a comment after it starts in the file's comment column.
fn setting(key: &str, value: &str) -> String {
    let line = format!("{key} = {}", toml::Value::String(value.to_string()));
    if line.len() < 31 {
        format!("{line:<31}")
    } else {
        format!("{line}   ")
    }
}

/// The commented config `init` writes for `args` (its provider and data folder).
pub fn config_text(args: &Args) -> String {
    let provider = args.provider;
    let s = servers(provider);
    let (db_url, index_dir) = match &args.data_dir {
        None => (
            "sqlite://codedesk.db".to_string(),
            "codedesk-index".to_string(),
        ),
        Some(dir) => (
            format!("sqlite://{}", dir.join("codedesk.db").display()),
            dir.join("codedesk-index").display().to_string(),
        ),
    };
    let provider_name = match provider {
        Provider::Microsoft => "microsoft",
        Provider::Google => "google",
        Provider::Generic => "generic",
    };
    format!(
        r#"# codedesk.toml for a real deployment (`codedesk init --provider {provider_name}{data_dir_arg}`).
# Replace every "example.org" value, then run `codedesk check-config`: it validates this file
# and tries the database, the index, the mailbox and the outbox, changing nothing.
# Secrets are never written here: password_env names the variable holding the password
# (for systemd, put it in /etc/codedesk/env, mode 0600); password_file names a file instead.
{note}
[database]
{db_line}# several workers: "postgres://codedesk@db.example.org/codedesk"

[index]
{index_line}# the search index `codedesk import` builds

[mailbox]                      # where questions arrive
kind = "imap"
host = "{imap_host}"
port = {imap_port}
tls = "{imap_tls}"               # "implicit" or "starttls"; certificates are always verified
username = "consult@example.org"
password_env = "CODEDESK_IMAP_PASSWORD"
folder = "INBOX"
address = "consult@example.org"   # the consult address people write to

[outbox]                       # where replies go
kind = "smtp"
host = "{smtp_host}"
port = {smtp_port}
tls = "{smtp_tls}"
username = "consult@example.org"
password_env = "CODEDESK_SMTP_PASSWORD"
from = "Coding Desk <consult@example.org>"

[reply]
message_id_domain = "example.org"   # your domain, for the replies' Message-IDs
# templates = "/etc/codedesk/templates"   # your own reply templates (default: built in)

[policy]
review = "when-unsure"         # "always": staff approve every reply; "never": none waits
# answer_within = "4h"         # business time a held case may wait: then staff get a reminder

[senders]
members = ["example.org"]      # addresses and domains answered; [] answers everyone
guest_quota = 3                # answers a non-member gets per 30 days
rate_per_hour = 30             # questions per sender and hour before replies are held

[web]
listen = "127.0.0.1:8025"      # the staff page; keep it on loopback behind a TLS proxy
# trusted_proxies = ["127.0.0.1"]

[retention]
# purge_after = "90d"          # delete message bodies of closed cases after this age

[desk]
# timezone = "America/Chicago" # the desk's day: dates of service, the staff page (default: the machine's zone)
# acknowledge = true           # tell the asker, once, that a question held for staff was received
# answer_expected = "within one working day"   # when the acknowledgement says an answer comes

[notify]                       # mail to staff when cases are held for review
# to = ["coders@example.org"]  # staff addresses; [] (the default): no mail to staff
# mode = "immediate"           # one mail per held case, or "digest": one list at most every digest_every
# digest_every = "30m"
# page_url = "https://desk.example.org"   # the staff page as staff open it: the mails link to each case

[calendar]                     # the working time [policy] answer_within counts, in [desk] timezone
# days = ["mon", "tue", "wed", "thu", "fri"]
# hours = "08:00-17:00"
# holidays = ["2026-12-25"]
"#,
        note = s.note,
        data_dir_arg = match &args.data_dir {
            Some(dir) => format!(" --data-dir {}", dir.display()),
            None => String::new(),
        },
        db_line = setting("url", &db_url),
        index_line = setting("dir", &index_dir),
        imap_host = s.imap_host,
        imap_port = s.imap_port,
        imap_tls = s.imap_tls,
        smtp_host = s.smtp_host,
        smtp_port = s.smtp_port,
        smtp_tls = s.smtp_tls,
    )
}

/// Runs `codedesk init`: writes `path` (default `codedesk.toml`) unless it exists.
pub fn run(path: Option<&Path>, args: &Args) -> Result<ExitCode> {
    let path = path.unwrap_or(Path::new("codedesk.toml"));
    if let Some(dir) = &args.data_dir {
        if !dir.is_absolute() || dir.to_str().is_none() {
            anyhow::bail!(
                "--data-dir {}: give an absolute path (the services and commands run in other \
                 folders); nothing was written",
                dir.display()
            );
        }
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(
                "{} already exists: nothing was written (edit it, or move it away and run \
                 codedesk init again)",
                path.display()
            )
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot create {}", path.display()));
        }
    };
    file.write_all(config_text(args).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {}: replace the example.org values, set CODEDESK_IMAP_PASSWORD and \
         CODEDESK_SMTP_PASSWORD, then run codedesk check-config",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, TlsMode};

    fn load(text: &str) -> Config {
        let dir = std::env::temp_dir().join(format!("codedesk-init-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.toml", text.len()));
        std::fs::write(&path, text).unwrap();
        let c = Config::load(&path, true, std::iter::empty()).unwrap();
        let _ = std::fs::remove_file(&path);
        c
    }

    #[test]
    fn every_provider_writes_a_valid_config_for_its_servers() {
        for (provider, imap, smtp, smtp_tls) in [
            (
                Provider::Microsoft,
                "outlook.office365.com",
                "smtp.office365.com",
                TlsMode::Starttls,
            ),
            (
                Provider::Google,
                "imap.gmail.com",
                "smtp.gmail.com",
                TlsMode::Implicit,
            ),
            (
                Provider::Generic,
                "mail.example.org",
                "mail.example.org",
                TlsMode::Starttls,
            ),
        ] {
            let c = load(&config_text(&Args {
                provider,
                data_dir: None,
            }));
            assert_eq!(c.mailbox.kind, "imap", "{provider:?}");
            assert_eq!(c.mailbox.server.host, imap);
            assert_eq!(c.mailbox.server.tls, TlsMode::Implicit);
            assert_eq!(c.outbox.kind, "smtp");
            assert_eq!(c.outbox.server.host, smtp);
            assert_eq!(c.outbox.server.tls, smtp_tls);
            assert_eq!(
                c.outbox.server.password_env.as_deref(),
                Some("CODEDESK_SMTP_PASSWORD")
            );
            assert_eq!(c.mailbox.address.as_deref(), Some("consult@example.org"));
            assert_eq!(c.senders.members, ["example.org"]);
            // The secrets it names are not warned about as unknown variables.
            assert!(
                crate::config::unknown_variables(
                    ["CODEDESK_IMAP_PASSWORD", "CODEDESK_SMTP_PASSWORD"],
                    &c
                )
                .is_empty()
            );
        }
    }

    #[test]
    fn a_data_dir_makes_the_database_and_index_paths_absolute() {
        let args = Args {
            provider: Provider::Generic,
            data_dir: Some(PathBuf::from("/var/lib/codedesk")),
        };
        let text = config_text(&args);
        let c = load(&text);
        assert_eq!(c.database.url, "sqlite:///var/lib/codedesk/codedesk.db");
        assert_eq!(
            c.index.dir,
            PathBuf::from("/var/lib/codedesk/codedesk-index")
        );
        // The rest is the file without one, and the comments still line up.
        let plain = config_text(&Args {
            provider: Provider::Generic,
            data_dir: None,
        });
        assert_eq!(text.lines().count(), plain.lines().count());
        assert!(
            text.contains("   # several workers: \"postgres://"),
            "{text}"
        );
        let relative = Args {
            provider: Provider::Generic,
            data_dir: Some(PathBuf::from("data")),
        };
        let e = format!("{:#}", run(None, &relative).unwrap_err());
        assert!(
            e.contains("--data-dir data") && e.contains("absolute"),
            "{e}"
        );
    }

    #[test]
    fn the_readme_shows_the_generic_config() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&config_text(&Args {
                provider: Provider::Generic,
                data_dir: None,
            })),
            "README.md's \"Running the worker\" must show `codedesk init`'s file as written"
        );
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("codedesk-init-keep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("codedesk.toml");
        std::fs::write(&path, "# mine\n").unwrap();
        let args = Args {
            provider: Provider::Google,
            data_dir: None,
        };
        let e = format!("{:#}", run(Some(&path), &args).unwrap_err());
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
        std::fs::remove_file(&path).unwrap();
        run(Some(&path), &args).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("imap.gmail.com")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
