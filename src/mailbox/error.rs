//! The one error type of the mailbox: what could not be done, and whether trying again later can
//! help. Its text never holds a password, message text or a full address.

/// Why a mailbox operation failed, sorted by what the worker should do about it.
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    /// The connection failed, timed out, was closed (server restart, `BYE`) or a local file
    /// operation failed: back off, then try again (the next call reconnects).
    #[error("{context}: {reason}")]
    Transient {
        /// What was being done, e.g. "cannot fetch new messages from INBOX on imap.example.org:993".
        context: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the login: retrying with the same credentials will not help.
    #[error("{context}: authentication failed ({reason})")]
    Auth {
        /// What was being done, e.g. "cannot log in to imap.example.org:993 as c…".
        context: String,
        /// The server's answer.
        reason: String,
    },
    /// The configuration cannot work (plaintext to a remote host, unreadable CA file, missing
    /// password, a folder that does not exist): stop with this message.
    #[error("{context}: {reason}")]
    Config {
        /// Which setting or step.
        context: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An OAuth2 mailbox has no usable sign-in (never signed in, or the provider refused it for
    /// good): the desk waits for `codedesk mailbox login`; other desks go on.
    #[error("{0}")]
    NeedsSignIn(String),
    /// The server answered NO or BAD to one command; the connection is still usable.
    #[error("{context}: the server refused: {reason}")]
    Refused {
        /// What was being done.
        context: String,
        /// The server's answer.
        reason: String,
    },
}

impl MailboxError {
    /// True when waiting and trying again (after reconnecting) may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, MailboxError::Transient { .. })
    }

    pub(crate) fn transient(context: impl Into<String>, reason: impl ToString) -> MailboxError {
        MailboxError::Transient {
            context: context.into(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn config(context: impl Into<String>, reason: impl ToString) -> MailboxError {
        MailboxError::Config {
            context: context.into(),
            reason: reason.to_string(),
        }
    }

    /// Sorts an async-imap error: I/O and lost connections are transient, NO/BAD are refusals.
    pub(crate) fn from_imap(
        context: impl Into<String>,
        e: async_imap::error::Error,
    ) -> MailboxError {
        use async_imap::error::Error as E;
        let context = context.into();
        match e {
            E::No(reason) | E::Bad(reason) => MailboxError::Refused { context, reason },
            E::Append => MailboxError::Refused {
                context,
                reason: "APPEND was not accepted".into(),
            },
            // The offending character may come from the password: never show it.
            E::Validate(_) => MailboxError::Config {
                context,
                reason: "a name or password contains a line break".into(),
            },
            other => MailboxError::Transient {
                context,
                reason: other.to_string(),
            },
        }
    }

    /// Sorts an OAuth2 failure the same way.
    pub(crate) fn from_oauth2(e: crate::oauth2::OAuth2Error) -> MailboxError {
        use crate::oauth2::OAuth2Error as O;
        match e {
            e @ O::NeedsSignIn { .. } => MailboxError::NeedsSignIn(e.to_string()),
            O::Transient { context, reason } => MailboxError::Transient { context, reason },
            O::Config { context, reason } => MailboxError::Config { context, reason },
        }
    }

    /// True when the mailbox waits for `codedesk mailbox login`.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, MailboxError::NeedsSignIn(_))
    }

    /// The error for a network call that did not finish in time.
    pub(crate) fn timeout(context: impl Into<String>, after: std::time::Duration) -> MailboxError {
        MailboxError::Transient {
            context: context.into(),
            reason: format!("no answer within {} s", after.as_secs_f32()),
        }
    }
}

/// A login name shortened for messages and logs: "consult@example.org" becomes "c…".
pub(crate) fn redact_user(user: &str) -> String {
    match user.chars().next() {
        Some(c) => format!("{c}…"),
        None => "(no user name)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_shortened_to_one_letter() {
        assert_eq!(redact_user("consult@example.org"), "c…");
        assert_eq!(redact_user(""), "(no user name)");
    }

    #[test]
    fn validate_errors_hide_the_offending_character() {
        let e = MailboxError::from_imap(
            "cannot log in",
            async_imap::error::Error::Validate(async_imap::error::ValidateError('\n')),
        );
        assert!(matches!(e, MailboxError::Config { .. }), "{e:?}");
        assert!(!e.is_transient());
    }
}
