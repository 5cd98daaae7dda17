//! codedesk answers medical-coding questions that arrive by email, from the official code sets.
//!
//! The pure core (`question`, `extract`, `answer`, `reply`) turns bytes into values without I/O;
//! the shell (`store`, `codes` import and index, `mailbox`, `outbox`, `worker`, `web`) does the I/O
//! around it. See DESIGN.md in the shared folder for the architecture.

pub mod cli;
pub mod codes;
pub mod config;
pub mod date;
pub mod mailbox;
pub mod outbox;
pub mod store;
