//! Importing official code-set files: detect the format from the content, parse it on a blocking
//! thread into [`Record`]s, write one file in one transaction, then rebuild the search index.
//! Parsers are pure functions of the file's bytes; only [`run`] touches the database.

mod cpt_csv;
mod detect;
mod gem;
mod hcpcs_anweb;
mod hcpcs_xlsx;
mod icd10_addenda;
mod icd10_order;
mod icd10cm_conversion;
mod icd10cm_index;
mod icd10cm_tabular;
mod mpfs_rvu;
mod ncci_mue;
mod ncci_ptp;
mod text;
pub mod timeline;
mod workbook;

pub use detect::{Format, UnknownFormat, detect, meta};

use super::{CodeSystem, NoteKind};
use crate::date::Date;
use crate::store::{Store, catalog as sql};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

/// What one file is: its format, the code set it belongs to, and which release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMeta {
    /// The detected format.
    pub format: Format,
    /// `ICD10CM`, `ICD10CM-INDEX`, `ICD10PCS`, `HCPCS`, `CPT`, `NCCI-PTP`, `NCCI-MUE`, `GEMS`, `MPFS`.
    pub code_set: &'static str,
    /// The release as people name it: `FY2026`, `2025-10`, `v32.2`, `2026-04-01`.
    pub version: String,
    /// The first day the release applies to.
    pub effective_from: Date,
    /// For NCCI files: `practitioner`, `hospital` or `dme`.
    pub setting: Option<String>,
}

impl ImportMeta {
    /// The release label stored with each code version ("ICD-10-CM FY2026", "CY2023 Medicare
    /// fee schedule").
    pub fn release_label(&self) -> String {
        crate::codes::period::release_label(self.code_set, &self.version)
    }
}

/// One code's text and status from a file, valid over `[valid_from, valid_to]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// The system.
    pub system: CodeSystem,
    /// Normal form.
    pub code: String,
    /// Billable (valid for claims) or header.
    pub billable: bool,
    /// Short description, if the format has one.
    pub short_desc: Option<String>,
    /// Long description.
    pub long_desc: String,
    /// Plain-language description (licensed CPT files).
    pub plain_desc: Option<String>,
    /// First day.
    pub valid_from: Date,
    /// Last day, if known to end.
    pub valid_to: Option<Date>,
    /// Date the code was added (HCPCS; ICD addenda).
    pub added: Option<Date>,
    /// HCPCS action code.
    pub action: Option<String>,
}

/// One main term or sub-term of the Alphabetic Index or one of its Tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexTermRecord {
    /// Its place in the file (1 = the first main term).
    pub seq: u32,
    /// The term it is a sub-term of.
    pub parent: Option<u32>,
    /// 0 for a main term, else the `level` attribute.
    pub level: u8,
    /// The title without its nonessential modifiers.
    pub title: String,
    /// The nonessential modifiers, in parentheses as printed ("(accidental)").
    pub nemod: Option<String>,
    /// The code of an Index term (`<code>`, `<subcat>`, `<seecat>`).
    pub code: Option<String>,
    /// `<see>`: the term to look under instead.
    pub see: Option<String>,
    /// `<seeAlso>`: a term to look under as well.
    pub see_also: Option<String>,
    /// A Table row's cells: column and code (`--` or `-`: no code; a trailing `-`: more
    /// characters are needed).
    pub cells: Vec<(u8, String)>,
}

/// Everything a parser can produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A code version.
    Code(CodeRecord),
    /// A tabular note on a code, section or chapter.
    Note {
        /// Where it is written (`M54`, `M50-M54`, `chapter 13`).
        at: String,
        /// Its kind.
        kind: NoteKind,
        /// Order within that code and kind.
        seq: u32,
        /// The text.
        text: String,
    },
    /// Where a code, section or chapter sits in the tabular hierarchy.
    Parent {
        /// The child (`M54.16`, `M54`, `M50-M54`).
        code: String,
        /// Its parent (`M54.1`, `M50-M54`, `chapter 13`).
        parent: String,
        /// The child's title, for sections and chapters.
        title: Option<String>,
    },
    /// A 7th-character value defined at a code.
    SevenChr {
        /// The defining code (`S72`).
        at: String,
        /// The character (`A`).
        chr: String,
        /// Its meaning.
        meaning: String,
    },
    /// An ICD-10-CM code that was added in place of a deleted one (addenda or conversion table).
    Replacement {
        /// The system.
        system: CodeSystem,
        /// The deleted or changed code.
        old: String,
        /// The code that took over.
        new: String,
        /// When.
        effective: Date,
    },
    /// A medically unlikely edit.
    Mue {
        /// The code.
        code: String,
        /// Units.
        value: u32,
        /// Indicator digit.
        mai: u8,
        /// Indicator as CMS words it.
        mai_text: String,
        /// Rationale.
        rationale: String,
    },
    /// An NCCI procedure-to-procedure edit.
    Ptp {
        /// Column 1.
        col1: String,
        /// Column 2.
        col2: String,
        /// In existence before 1996.
        pre_1996: bool,
        /// Effective date.
        effective: Date,
        /// Deletion date.
        deletion: Option<Date>,
        /// 0, 1 or 9.
        modifier: u8,
        /// Rationale.
        rationale: String,
    },
    /// One code and modifier of the Medicare fee schedule (no descriptor: CPT text is AMA's).
    Fee {
        /// The code, normal form.
        code: String,
        /// Its indicators, RVUs and amounts in this release (boxed: the largest record).
        row: Box<crate::codes::fee::FeeRow>,
    },
    /// A column title of an Index Table.
    IndexHeading {
        /// The column (1 = the term column).
        col: u8,
        /// Its title ("Adverse effect", "Benign").
        head: String,
    },
    /// A term of the Alphabetic Index or a Table.
    IndexTerm(IndexTermRecord),
    /// One ICD-9-CM/ICD-10-CM general equivalence mapping.
    Gem {
        /// `icd9-to-icd10` or `icd10-to-icd9`.
        direction: &'static str,
        /// Source code, normal form.
        source: String,
        /// Target code, normal form (or `NoDx`).
        target: String,
        /// The five flag digits.
        flags: String,
    },
}

/// A problem in a file, with the line (1-based; 0 when not line-based) where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line (or row) number.
    pub line: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl ParseError {
    /// An error at `line`.
    pub fn at(line: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            message: message.into(),
        }
    }
}

/// Where parsers put records; returns an error to stop parsing (the writer went away).
pub type Sink<'a> = dyn FnMut(Record) -> Result<(), ParseError> + 'a;

/// Parses a whole file of a known format into `sink`, reporting bytes consumed to `progress`.
pub fn parse(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    match meta.format {
        Format::Icd10CmOrder | Format::Icd10PcsOrder => {
            icd10_order::parse_order(meta, bytes, sink, progress)
        }
        Format::Icd10CmCodes | Format::Icd10PcsCodes => {
            icd10_order::parse_codes(meta, bytes, sink, progress)
        }
        Format::Icd10CmTabular => icd10cm_tabular::parse(meta, bytes, sink, progress),
        Format::Icd10CmAddenda | Format::Icd10PcsAddenda => {
            icd10_addenda::parse(meta, bytes, sink, progress)
        }
        Format::Icd10CmConversion => icd10cm_conversion::parse(meta, bytes, sink),
        Format::HcpcsAnweb => hcpcs_anweb::parse(meta, bytes, sink, progress),
        Format::HcpcsXlsx => hcpcs_xlsx::parse(meta, bytes, sink),
        Format::NcciPtp => ncci_ptp::parse(bytes, sink, progress),
        Format::NcciMueCsv => ncci_mue::parse_csv(bytes, sink),
        Format::NcciMueXlsx => ncci_mue::parse_xlsx(bytes, sink),
        Format::CptCsv | Format::CptModifiersCsv => cpt_csv::parse(meta, bytes, sink),
        Format::Gem => gem::parse(bytes, sink, progress),
        Format::MpfsRvu => mpfs_rvu::parse(meta, bytes, sink, progress),
        Format::Icd10CmDrugs
        | Format::Icd10CmNeoplasms
        | Format::Icd10CmIndex
        | Format::Icd10CmExternalCause => icd10cm_index::parse(bytes, sink, progress),
    }
}

/// What the user may say about a file the content cannot tell.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The first day the release applies (`--effective`).
    pub effective: Option<Date>,
    /// The release name (`--release`).
    pub version: Option<String>,
    /// NCCI setting (`--setting`).
    pub setting: Option<String>,
}

/// The result of importing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Imported; the counts per kind of record.
    Imported {
        /// The detected format and release.
        meta: ImportMeta,
        /// Records per kind ("codes", "headers", "notes", "edits" ...).
        counts: Vec<(String, u64)>,
    },
    /// The same bytes were imported before (by sha256): nothing changed.
    AlreadyImported {
        /// When it was imported.
        at: String,
    },
}

/// Imports one file into the database in one transaction: all of it or, on any error, nothing.
/// The caller rebuilds the index afterwards (once for several files).
pub async fn run(
    store: &Store,
    path: &Path,
    overrides: &Overrides,
    progress: indicatif::ProgressBar,
) -> Result<Outcome> {
    let name = path.display().to_string();
    let bytes = tokio::fs::read(path)
        .await
        .with_context(|| format!("cannot read {name}"))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    run_bytes(store, &name, &file_name, bytes, overrides, progress).await
}

/// As [`run`], for a file already read (a member of a zip archive): `name` says where it is
/// from in messages, `file_name` is its own name (the release may be read from it).
pub async fn run_bytes(
    store: &Store,
    name: &str,
    file_name: &str,
    bytes: Vec<u8>,
    overrides: &Overrides,
    progress: indicatif::ProgressBar,
) -> Result<Outcome> {
    let name = name.to_string();
    let file_name = file_name.to_string();
    let sha256 = hex(&Sha256::digest(&bytes));
    if let Some(at) = sql::imported_at(store, &sha256).await? {
        return Ok(Outcome::AlreadyImported { at });
    }
    let meta = detect::meta(&file_name, &bytes, overrides).with_context(|| name.clone())?;
    progress.set_length(bytes.len() as u64);
    progress.set_message(format!("{} {}", meta.format.label(), file_name));

    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Record>>(4);
    let parse_meta = meta.clone();
    let bar = progress.clone();
    let parser = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let mut sink = |r: Record| {
            batch.push(r);
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                tx.blocking_send(full)
                    .map_err(|_| ParseError::at(0, "the database writer stopped"))?;
            }
            Ok(())
        };
        let result = parse(&parse_meta, &bytes, &mut sink, &|pos| bar.set_position(pos));
        if result.is_ok() && !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        result
    });
    let written = sql::write_import(store, &meta, &file_name, &sha256, rx, || async {
        match parser.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow::anyhow!("{name}: {e}")),
            Err(e) => Err(anyhow::anyhow!("{name}: the parser failed: {e}")),
        }
    })
    .await;
    progress.finish_and_clear();
    let counts = written?;
    Ok(Outcome::Imported { meta, counts })
}

/// Parses bytes named like an official file into a list (tests of the parsers).
#[cfg(test)]
pub(crate) fn parse_named(name: &str, bytes: &[u8]) -> Result<Vec<Record>, ParseError> {
    let meta = meta(name, bytes, &Overrides::default()).expect("a known format");
    let mut out = Vec::new();
    parse(
        &meta,
        bytes,
        &mut |r| {
            out.push(r);
            Ok(())
        },
        &|_| {},
    )?;
    Ok(out)
}

/// Records per batch between the parser thread and the writer.
const BATCH: usize = 2_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
