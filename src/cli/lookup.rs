//! `codedesk lookup [--date D] [--json] CODE...`: what the loaded code sets say of each code.

use super::import::thousands;
use crate::codes::fee_words::{self, IndicatorMeaning};
use crate::codes::{Catalog, CodeEntry, CodeSystem, FeeRow, PtpEdit, Validity};
use crate::config::Config;
use crate::date::Date;
use crate::store::Store;
use anyhow::Result;
use serde::Serialize;
use std::process::ExitCode;

/// Arguments of `codedesk lookup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Codes, with or without the ICD dot, any case (M54.16, m5416, J1030, 99213, XU).
    #[arg(required = true, value_name = "CODE")]
    pub codes: Vec<String>,
    /// Date of service (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// How many PTP edits a lookup lists.
const PTP_LIMIT: i64 = 25;

/// One looked-up code as printed (and as JSON).
#[derive(Debug, Serialize)]
pub struct LookupView {
    /// As the user wrote it.
    pub query: String,
    /// Normal form.
    pub code: String,
    /// System.
    pub system: CodeSystem,
    /// Description as of the date (`null` for CPT without a licensed file).
    pub description: Option<String>,
    /// Short description.
    pub short_description: Option<String>,
    /// Plain-language description.
    pub plain_description: Option<String>,
    /// Billable (valid for claims).
    pub billable: bool,
    /// `valid`, `deleted`, `not-yet-valid` or `no-descriptor`.
    pub status: &'static str,
    /// The date looked at.
    pub date: Date,
    /// Validity details.
    pub validity: Validity,
    /// The date is before the first loaded release of this code.
    pub before_coverage: bool,
    /// First valid day of the version shown.
    pub valid_from: Option<Date>,
    /// Last valid day of the version shown.
    pub valid_to: Option<Date>,
    /// Release the text comes from.
    pub release: Option<String>,
    /// The newest loaded release of the code's set ends before the date: what is loaded and
    /// what applies, in words.
    pub release_gap: Option<String>,
    /// The full entry: notes, children, 7th characters, replacements, MUEs, ancestors.
    pub entry: CodeEntry,
    /// PTP edits it takes part in (first few) and how many.
    pub ptp: Option<PtpView>,
    /// The Medicare fee schedule rows that apply on the date, each indicator with its meaning.
    pub fee_schedule: Option<FeeView>,
}

/// The fee-schedule facts of a code as of the date.
#[derive(Debug, Serialize)]
pub struct FeeView {
    /// The release the rows come from: "CY2023 Medicare fee schedule".
    pub release: String,
    /// Whether it is the newest loaded fee-schedule release.
    pub newest_loaded: bool,
    /// The release is not the one for the date (older or later year): what applies, in words.
    pub date_note: Option<String>,
    /// One row per modifier (blank, 26, TC, 53) with its indicators' meanings.
    pub rows: Vec<FeeRowView>,
    /// For a global-test-only code: its component codes with their PC/TC indicators.
    pub components: Vec<crate::codes::fee::FeePart>,
}

/// One fee-schedule row with the meaning of each indicator.
#[derive(Debug, Serialize)]
pub struct FeeRowView {
    /// The row as imported (machine-readable codes and amounts).
    #[serde(flatten)]
    pub row: FeeRow,
    /// Each indicator's value and meaning.
    pub meanings: Vec<IndicatorMeaning>,
}

/// PTP edits of a code.
#[derive(Debug, Serialize)]
pub struct PtpView {
    /// How many edits name the code.
    pub total: i64,
    /// The first edits, by column 1 then column 2.
    pub edits: Vec<PtpEdit>,
}

/// Builds the view of one entry as of `date`.
pub async fn view(
    catalog: &Catalog,
    query: &str,
    entry: CodeEntry,
    date: Date,
) -> Result<LookupView> {
    let resolved = entry.as_of(date);
    let v = resolved.version;
    let loaded = crate::consult::code_set_releases(&catalog.releases().await?);
    let release_gap = crate::answer::code_sets::gaps(
        &loaded,
        &[crate::answer::code_sets::set_of(entry.system)],
        date,
    )
    .into_iter()
    .next()
    .map(|g| g.text);
    let ptp = if entry.system.is_procedure() {
        let (edits, total) = catalog.ptp_for(&entry.code, PTP_LIMIT).await?;
        Some(PtpView { total, edits })
    } else {
        None
    };
    let fee_schedule = fee_view(&entry, date);
    Ok(LookupView {
        fee_schedule,
        query: query.to_string(),
        code: entry.code.clone(),
        system: entry.system,
        description: v.map(|v| v.long_desc.clone()),
        short_description: v.and_then(|v| v.short_desc.clone()),
        plain_description: v.and_then(|v| v.plain_desc.clone()),
        billable: v.is_some_and(|v| v.billable),
        status: resolved.validity.as_str(),
        date,
        validity: resolved.validity.clone(),
        before_coverage: resolved.before_coverage,
        valid_from: v.map(|v| v.valid_from),
        valid_to: v.and_then(|v| v.valid_to),
        release: v.map(|v| v.release.clone()),
        release_gap,
        ptp,
        entry,
    })
}

/// The fee-schedule rows of `entry` that apply on `date`, with their meanings.
pub fn fee_view(entry: &CodeEntry, date: Date) -> Option<FeeView> {
    let rows = crate::codes::fee::rows_as_of(&entry.fee, date);
    let first = rows.first()?;
    let newest = entry.fee.iter().map(|r| r.valid_from).max();
    Some(FeeView {
        release: first.release.clone(),
        newest_loaded: newest == Some(first.valid_from),
        date_note: crate::codes::fee::date_note(&first.release, first.valid_from, date),
        rows: rows
            .iter()
            .map(|r| FeeRowView {
                row: (*r).clone(),
                meanings: fee_words::meanings(r),
            })
            .collect(),
        components: entry.fee_parts.clone(),
    })
}

/// The text lines of the fee-schedule facts.
fn render_fee(out: &mut String, code: &str, f: &FeeView) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "  Medicare fee schedule ({}{}):",
        f.release,
        if f.newest_loaded {
            ", the newest loaded"
        } else {
            ""
        }
    );
    if let Some(note) = &f.date_note {
        let _ = writeln!(out, "    Note: {note}.");
    }
    for r in &f.rows {
        let head = if r.row.modifier.is_empty() {
            code.to_string()
        } else {
            format!("{code}-{}", r.row.modifier)
        };
        let amounts = format!(
            "non-facility {}, facility {}",
            money(&r.row.nf_amount, r.row.nf_na),
            money(&r.row.f_amount, r.row.f_na)
        );
        let _ = writeln!(
            out,
            "    {head}: RVUs work {}, practice expense {} non-facility / {} facility, malpractice {}; total {} / {}; conversion factor {}; national amount (before the locality adjustment) {amounts}",
            r.row.work_rvu,
            r.row.nf_pe_rvu,
            r.row.f_pe_rvu,
            r.row.mp_rvu,
            r.row.nf_total,
            r.row.f_total,
            r.row.conv_factor
        );
        if r.row.not_used_for_medicare {
            let _ = writeln!(
                out,
                "      (the file marks these RVUs as not used for Medicare payment)"
            );
        }
        if r.row.modifier.is_empty() || f.rows.len() == 1 {
            for m in &r.meanings {
                let _ = writeln!(
                    out,
                    "      {} {}: {}",
                    m.column,
                    m.value,
                    m.meaning.unwrap_or("(a value codedesk has no meaning for)")
                );
            }
            if let Some(base) = &r.row.endo_base {
                let _ = writeln!(
                    out,
                    "      ENDO BASE {base}: the endoscopic base code of its family"
                );
            }
        } else {
            let _ = writeln!(
                out,
                "      STATUS CODE {}: {}",
                r.row.status,
                fee_words::status(&r.row.status).unwrap_or("(a value codedesk has no meaning for)")
            );
        }
    }
    if !f.components.is_empty() {
        let _ = writeln!(
            out,
            "    Component codes (their RVUs add up to {code}'s): {}",
            crate::codes::fee::parts_in_words(&f.components)
        );
    }
}

fn money(amount: &Option<String>, na: bool) -> String {
    match amount {
        Some(a) => format!("${a}"),
        None if na => "not priced (NA)".into(),
        None => "not priced".into(),
    }
}

/// What was consulted, for "not found" messages: `ICD-10-CM FY2026, HCPCS 2025-10, ...`.
pub async fn consulted(catalog: &Catalog) -> Result<String> {
    let mut sets: Vec<String> = Vec::new();
    for r in catalog.releases().await? {
        let label = format!("{} {}", r.code_set, r.version);
        if !sets.contains(&label) {
            sets.push(label);
        }
    }
    Ok(if sets.is_empty() {
        "no code sets are loaded: run codedesk import".into()
    } else {
        sets.join(", ")
    })
}

/// Runs `codedesk lookup`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let catalog = Catalog::open(store.clone(), &config.index.dir).await?;
    // Today where the desk is (`[desk] timezone`).
    let date = match args.date {
        Some(d) => d,
        None => config.desk.zone()?.date_of(crate::worker::now_unix_pub()),
    };
    let mut views = Vec::new();
    let mut unknown = Vec::new();
    for raw in &args.codes {
        let entries = catalog.find(raw)?;
        if entries.is_empty() {
            unknown.push(raw.clone());
        }
        for e in entries {
            views.push(view(&catalog, raw, e, date).await?);
        }
    }
    let sets = consulted(&catalog).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&views)?);
    } else {
        for v in &views {
            print!("{}", render(v));
        }
    }
    for raw in &unknown {
        eprintln!("{raw}: not in the loaded code sets ({sets})");
    }
    store.close().await;
    Ok(if unknown.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// The text form of one looked-up code.
pub fn render(v: &LookupView) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let e = &v.entry;
    let kind = match (v.status, v.billable, e.system) {
        ("no-descriptor", _, _) => "no description loaded",
        ("deleted", _, _) => "DELETED",
        ("not-yet-valid", _, _) => "not yet valid",
        (_, true, CodeSystem::Icd10Cm | CodeSystem::Icd10Pcs) => "billable",
        (_, true, _) => "valid",
        (_, false, _) => "header: not valid for claims, needs more characters",
    };
    let _ = writeln!(out, "{}  {}  {kind}", e.code, e.system.label());
    match &v.description {
        Some(d) => {
            let _ = writeln!(out, "  {d}");
        }
        None => {
            let _ = writeln!(
                out,
                "  CPT descriptions are copyrighted by the AMA and come only from a licensed CPT file \
                 (import it with codedesk import); this code is known from the NCCI files or the Medicare fee schedule."
            );
        }
    }
    if let Some(p) = &v.plain_description {
        let _ = writeln!(out, "  In plain words: {p}");
    }
    match &v.validity {
        Validity::Valid if v.before_coverage => {
            let _ = writeln!(
                out,
                "  Valid from {} in the loaded release ({}); {} is before the loaded releases, so it is not confirmed for that date",
                v.valid_from.map(|d| d.to_string()).unwrap_or_default(),
                v.release.clone().unwrap_or_default(),
                v.date
            );
        }
        Validity::Valid if v.release_gap.is_some() => {
            let _ = writeln!(
                out,
                "  Valid from {} in {}, the newest loaded release; not confirmed for {}: {}",
                v.valid_from.map(|d| d.to_string()).unwrap_or_default(),
                v.release.clone().unwrap_or_default(),
                v.date,
                v.release_gap.clone().unwrap_or_default()
            );
        }
        Validity::Valid => {
            let until = v
                .valid_to
                .map_or("onward".to_string(), |d| format!("to {d}"));
            let _ = writeln!(
                out,
                "  Valid on {}: from {} {until} ({})",
                v.date,
                v.valid_from.map(|d| d.to_string()).unwrap_or_default(),
                v.release.clone().unwrap_or_default()
            );
        }
        Validity::Deleted { last_day } => {
            let _ = writeln!(
                out,
                "  DELETED: last valid on {last_day} (not valid on {})",
                v.date
            );
        }
        Validity::NotYetValid { from } => {
            let _ = writeln!(out, "  NOT YET VALID on {}: valid from {from}", v.date);
        }
        Validity::NoDescriptor => {}
    }
    if let Some(added) = e.added {
        let _ = writeln!(out, "  Added {added}");
    }
    for r in &e.replaced_by {
        if matches!(v.validity, Validity::Valid) && r.effective <= v.date {
            // The conversion table names codes split off a code that stays valid.
            let _ = writeln!(
                out,
                "  See also {} (since {}: some cases coded here before have their own code)",
                r.code, r.effective
            );
            continue;
        }
        let basis = if r.inferred {
            "; inferred: added the day after, naming the same drug or item"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  Replaced by {} (from {}{basis})",
            r.code, r.effective
        );
    }
    if !e.ancestors.is_empty() {
        let chain: Vec<String> = e
            .ancestors
            .iter()
            .map(|(c, t)| format!("{c} {t}"))
            .collect();
        let _ = writeln!(out, "  Under: {}", chain.join(" > "));
    }
    if let Some(s) = &e.seven_chr {
        let _ = writeln!(
            out,
            "  Needs a 7th character (defined at {}):",
            s.defined_at
        );
        for (c, m) in &s.values {
            let _ = writeln!(out, "    {c}  {m}");
        }
    }
    if !e.children.is_empty() {
        let _ = writeln!(
            out,
            "  Codes below ({} billable in all):",
            thousands(u64::from(e.billable_descendants))
        );
        for c in &e.children {
            let mark = if c.billable { "billable" } else { "header" };
            let _ = writeln!(out, "    {:<9} {mark:<8} {}", c.code, c.description);
        }
    }
    let mut notes: Vec<&crate::codes::Note> = e.notes.iter().collect();
    notes.sort_by_key(|n| n.kind);
    let mut last_kind = None;
    for n in notes {
        if last_kind != Some(n.kind) {
            let _ = writeln!(out, "  {}:", n.kind.label());
            last_kind = Some(n.kind);
        }
        let at = if n.at == e.code {
            String::new()
        } else {
            format!("  [at {}]", n.at)
        };
        let _ = writeln!(out, "    - {}{at}", n.text);
    }
    if let Some(m) = v.entry.as_of(v.date).mue {
        let _ = writeln!(
            out,
            "  MUE ({}, table of {}): {} unit(s); MAI {}: {}; rationale: {}",
            m.setting,
            m.valid_from,
            m.value,
            m.mai_text,
            m.mai_meaning(),
            m.rationale
        );
    }
    if let Some(f) = &v.fee_schedule {
        render_fee(&mut out, &e.code, f);
    }
    if let Some(p) = &v.ptp {
        if p.total > 0 {
            let _ = writeln!(
                out,
                "  NCCI PTP edits naming {}: {}",
                e.code,
                thousands(p.total as u64)
            );
            for edit in &p.edits {
                let state = if edit.is_active(v.date) {
                    "active".to_string()
                } else if let Some(d) = edit.deletion {
                    format!("deleted after {d}")
                } else {
                    format!("from {}", edit.effective)
                };
                let _ = writeln!(
                    out,
                    "    column 1 {} / column 2 {}  {state}, modifier indicator {}  ({}; {})",
                    edit.col1, edit.col2, edit.modifier, edit.rationale, edit.setting
                );
            }
            if p.total as usize > p.edits.len() {
                let _ = writeln!(
                    out,
                    "    ... and {} more",
                    thousands(p.total as u64 - p.edits.len() as u64)
                );
            }
        }
    }
    out.push('\n');
    out
}
