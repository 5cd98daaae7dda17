//! The catalog: code systems, what is known of a code as of a date, PTP edits and MUEs, imported
//! from the official files and looked up through the search index and the database.

pub mod assemble;
pub mod catalog;
pub mod entry;
pub mod fee;
pub mod fee_words;
pub mod import;
pub mod index;
pub mod period;
pub mod search;
pub mod system;

pub use catalog::Catalog;
pub use entry::{
    ChildCode, CodeEntry, CodeVersion, MueLimit, Note, NoteKind, PtpEdit, Replacement, Resolved,
    SevenChr, Validity,
};
pub use fee::FeeRow;
pub use period::PtpCoverage;
pub use system::{CodeSystem, normalize};
