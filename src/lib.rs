//! codedesk answers medical-coding questions that arrive by email, from the official code sets.
//!
//! The pure core (`question`, `attachment_text`, `extract`, `answer`, `reply`) turns bytes into values without I/O;
//! the shell (`store`, `codes` import and index, `mailbox`, `outbox`, `worker`, `web`) does the I/O
//! around it. See DESIGN.md in the shared folder for the architecture.

/// What a reply says: each code's facts, NCCI pair edits, suggestions, a confidence; pure.
pub mod answer;
/// The text of a question's PDF, DOCX, HTML and plain-text attachments, within limits; pure.
pub mod attachment_text;
/// Working days, hours and holidays: business time and when a promise falls due; pure.
pub mod calendar;
/// What staff search the queue for (a case reference, a code, words) and a question's codes; pure.
pub mod case_search;
pub mod cli;
pub mod codes;
pub mod config;
/// From raw message bytes to the answer, with the catalog.
pub mod consult;
pub mod date;
/// The files the binary carries: reply templates, the demo sample, the version.
pub mod embedded;
/// Code references in a question's text (CPT, HCPCS, ICD-10-CM/PCS, ICD-9-CM, modifiers); pure.
pub mod extract;
/// Named fail points that stop the process at a chosen step of a send (crash-recovery tests).
pub mod failpoint;
pub mod mailbox;
pub mod oauth2;
pub mod outbox;
/// Files and folders for their owner only (0600/0700).
pub mod private_files;
/// Raw RFC 5322 bytes to a `Question`: headers, new text, automatic-mail detection; pure.
pub mod question;
/// The reply email: text and HTML from templates, threaded to the question; pure.
pub mod reply;
pub mod store;
pub mod web;
/// The worker: mailbox in, replies out, the case state machine; graceful shutdown.
pub mod worker;
