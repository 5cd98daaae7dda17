//! Medicare payment rules from the fee schedule: each procedure code's indicators in words as of
//! the date of service (with the release cited, and said plainly when it is not the year of the
//! date), and the payment ask settled from them: bilateral, global period, PC/TC, assistant,
//! co-surgeon, team, multiple procedure and status. Pure; claims nothing the rows do not hold.

use super::CodeFinding;
use super::asks::{Answered, Ask, AskKind};
use crate::codes::fee::{FeeRow, date_note, rows_as_of};
use crate::codes::{CodeEntry, fee_words};
use crate::date::Date;
use serde::Serialize;

/// One indicator as the reply states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorLine {
    /// How coders name it: "Global period".
    pub label: &'static str,
    /// The value in the file.
    pub value: String,
    /// What it means.
    pub meaning: String,
}

/// One modifier's row as the reply states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeLine {
    /// Blank, 26, TC or 53.
    pub modifier: String,
    /// Status code.
    pub status: String,
    /// Non-facility and facility total RVUs.
    pub nf_total: String,
    /// Facility total RVUs.
    pub f_total: String,
    /// National non-facility amount, when priced.
    pub nf_amount: Option<String>,
    /// National facility amount, when priced.
    pub f_amount: Option<String>,
    /// The amounts in words: "non-facility $90.82, facility $66.08".
    pub amounts: String,
}

/// A procedure code's fee-schedule facts on the date of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeFinding {
    /// The release: "CY2023 Medicare fee schedule".
    pub release: String,
    /// As cited: "CY2023 Medicare fee schedule (the newest loaded)".
    pub cited: String,
    /// The release is not the one for the date of service, in words.
    pub date_note: Option<String>,
    /// The global row's indicators a coder acts on (concepts that do not apply left out).
    pub indicators: Vec<IndicatorLine>,
    /// One line per modifier row (blank first).
    pub lines: Vec<FeeLine>,
    /// Global days value.
    pub global: String,
    /// PC/TC indicator.
    pub pctc: String,
    /// Bilateral indicator.
    pub bilat: String,
    /// Assistant-at-surgery indicator.
    pub asst: String,
    /// Co-surgeon indicator.
    pub co_surg: String,
    /// Team surgery indicator.
    pub team: String,
    /// Multiple procedure indicator.
    pub mult_proc: String,
    /// Status code.
    pub status: String,
    /// Endoscopic base code.
    pub endo_base: Option<String>,
    /// Pre-, intra- and post-operative shares ("0.10", "0.69", "0.21").
    pub shares: (String, String, String),
    /// For a global-test-only code: its component codes with their PC/TC indicators.
    pub components: Vec<crate::codes::fee::FeePart>,
    /// The components in words: "93016 and 93018 (professional component), 93017 (...)".
    pub components_text: String,
    /// The conversion factor.
    pub conv_factor: String,
    /// Whether any row has a national amount.
    pub priced: bool,
}

fn money(amount: &Option<String>, na: bool) -> String {
    match amount {
        Some(a) => format!("${a}"),
        None if na => "not priced (NA)".into(),
        None => "not priced".into(),
    }
}

/// The surgical indicators matter for codes with a surgical global period, or when set.
fn shown(global: &str, value: &str) -> bool {
    matches!(global, "000" | "010" | "090" | "ZZZ" | "YYY") && value != "9"
        || !matches!(value, "0" | "9" | "")
}

/// The fee-schedule facts of `entry` on `date`, if the loaded fee schedule has the code.
pub fn finding(entry: &CodeEntry, date: Date) -> Option<FeeFinding> {
    let rows = rows_as_of(&entry.fee, date);
    let g: &FeeRow = rows
        .iter()
        .find(|r| r.modifier.is_empty())
        .or(rows.first())?;
    let newest = entry.fee.iter().map(|r| r.valid_from).max() == Some(g.valid_from);
    let note = date_note(&g.release, g.valid_from, date);
    let cited = format!(
        "{}{}",
        g.release,
        if newest { " (the newest loaded)" } else { "" }
    );
    let line =
        |label: &'static str, value: &str, f: fn(&str) -> Option<&'static str>| IndicatorLine {
            label,
            value: value.to_string(),
            meaning: f(value)
                .unwrap_or("a value codedesk has no meaning for")
                .to_string(),
        };
    let mut indicators = vec![
        line("Status", &g.status, fee_words::status),
        line("Global period", &g.global, fee_words::global),
    ];
    if g.pctc != "9" {
        indicators.push(line("PC/TC indicator", &g.pctc, fee_words::pctc));
    }
    for (label, value, f) in [
        (
            "Multiple procedure",
            &g.mult_proc,
            fee_words::mult_proc as fn(&str) -> Option<&'static str>,
        ),
        ("Bilateral", &g.bilat, fee_words::bilat),
        ("Assistant at surgery", &g.asst, fee_words::asst),
        ("Co-surgeons", &g.co_surg, fee_words::co_surg),
        ("Team surgery", &g.team, fee_words::team),
    ] {
        if shown(&g.global, value) {
            indicators.push(line(label, value, f));
        }
    }
    if !matches!(g.supervision.as_str(), "09" | "") {
        indicators.push(line(
            "Physician supervision",
            &g.supervision,
            fee_words::supervision,
        ));
    }
    Some(FeeFinding {
        release: g.release.clone(),
        cited,
        date_note: note,
        indicators,
        lines: rows
            .iter()
            .map(|r| FeeLine {
                modifier: r.modifier.clone(),
                status: r.status.clone(),
                nf_total: r.nf_total.clone(),
                f_total: r.f_total.clone(),
                nf_amount: r.nf_amount.clone(),
                f_amount: r.f_amount.clone(),
                amounts: format!(
                    "non-facility {}, facility {}",
                    money(&r.nf_amount, r.nf_na),
                    money(&r.f_amount, r.f_na)
                ),
            })
            .collect(),
        global: g.global.clone(),
        pctc: g.pctc.clone(),
        bilat: g.bilat.clone(),
        asst: g.asst.clone(),
        co_surg: g.co_surg.clone(),
        team: g.team.clone(),
        mult_proc: g.mult_proc.clone(),
        status: g.status.clone(),
        endo_base: g.endo_base.clone(),
        shares: (g.pre_op.clone(), g.intra_op.clone(), g.post_op.clone()),
        components: entry.fee_parts.clone(),
        components_text: crate::codes::fee::parts_in_words(&entry.fee_parts),
        conv_factor: g.conv_factor.clone(),
        priced: rows
            .iter()
            .any(|r| r.nf_amount.is_some() || r.f_amount.is_some()),
    })
}

/// What a payment question is about, from its words and the modifiers written on its codes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Topics {
    bilateral: bool,
    global: bool,
    em_in_global: bool,
    pctc: bool,
    assistant: bool,
    co_surgeon: bool,
    team: bool,
    multiple: bool,
    amount: bool,
    status: bool,
    status_word: bool,
}

fn has_word(t: &str, w: &str) -> bool {
    t.match_indices(w).any(|(i, _)| {
        let before = t[..i].chars().next_back();
        let after = t[i + w.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn topics(text: &str, codes: &[CodeFinding]) -> Topics {
    let t = text.to_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    let em = codes
        .iter()
        .any(|c| c.code.starts_with("992") || c.code.starts_with("993"))
        || any(&[
            "e/m",
            "e&m",
            "office visit",
            "visit",
            "unrelated",
            "saw him",
            "saw her",
        ]);
    let global = any(&["global", "post-op", "postop", "post op", "postoperative"]);
    Topics {
        bilateral: any(&[
            "bilat",
            "both side",
            "both ear",
            "both knee",
            "both eye",
            "both shoulder",
            "both hand",
            "both feet",
            "both foot",
            "each side",
            "rt/lt",
            "lt/rt",
            "rt and lt",
            "lt and rt",
            "right and left",
            "modifier 50",
            "mod 50",
            "-50",
        ]),
        global,
        em_in_global: global && em,
        pctc: any(&[
            "-26",
            "mod 26",
            "modifier 26",
            "professional component",
            "technical component",
            "pc/tc",
            "reading",
            "read only",
            "interpret",
            "owns the machine",
            "owns machine",
        ]) || has_word(&t, "tc")
            || has_word(&t, "26"),
        assistant: any(&[
            "assist",
            "-80",
            "-81",
            "-82",
            "pa-c",
            "mod 80",
            "modifier 80",
        ]),
        co_surgeon: any(&[
            "co-surg",
            "cosurg",
            "co surg",
            "two surgeons",
            "2 surgeons",
            "-62",
            "mod 62",
            "modifier 62",
        ]),
        team: any(&[
            "team surg",
            "team of surgeons",
            "-66",
            "modifier 66",
            "mod 66",
        ]),
        multiple: any(&[
            "multiple proc",
            "mult proc",
            "-51",
            "mod 51",
            "modifier 51",
            "same session",
            "endoscop",
            "second procedure",
            "two procedures",
        ]),
        amount: any(&[
            "how much",
            "rvu",
            "fee schedule amount",
            "allowable",
            "allowed amount",
            "reimburse",
            "rate for",
            "national rate",
            "national amount",
            "how does medicare pay",
            "what does medicare pay",
            "pays",
            "payment",
        ]),
        status: any(&[
            "status",
            "bundled",
            "non-covered",
            "noncovered",
            "not covered",
            "separately pa",
            "paid separately",
            "payable",
            "statutory",
            "exclu",
            "carrier price",
            "contractor price",
            "valid for medicare",
        ]),
        status_word: has_word(&t, "status"),
    }
}

/// The topics for one code: the question's words, plus the modifiers written on the code, plus
/// modifiers written alone where this code's indicator gives them a meaning (RT written on a
/// drug says nothing of a wellness visit's bilateral rule).
fn code_topics(words: &Topics, c: &CodeFinding, f: &FeeFinding, bare: &[&str]) -> Topics {
    let mut t = *words;
    let on = |ms: &[&str]| c.modifiers.iter().any(|m| ms.contains(&m.as_str()));
    let alone = |ms: &[&str]| bare.iter().any(|m| ms.contains(m));
    let surgical = matches!(f.global.as_str(), "000" | "010" | "090");
    let with = |ms: &[&str], relevant: bool| on(ms) || (alone(ms) && relevant);
    t.bilateral |= with(
        &["50", "RT", "LT"],
        matches!(f.bilat.as_str(), "1" | "2" | "3"),
    );
    t.pctc |= with(
        &["26", "TC"],
        matches!(f.pctc.as_str(), "1" | "2" | "3" | "4"),
    );
    t.assistant |= with(&["80", "81", "82", "AS"], surgical);
    t.co_surgeon |= with(&["62"], surgical);
    t.team |= with(&["66"], surgical);
    t.multiple |= with(&["51"], surgical);
    let em = with(&["24", "25", "57"], true) && surgical;
    t.global |= em;
    t.em_in_global |= em;
    t
}

/// What an E/M during `code`'s 010 or 090 global period takes (CMS global surgery rules; not in
/// the loaded files, so the source is named). A 000 period's meaning already names modifier 25.
fn em_in_global(code: &str, global: &str) -> Option<String> {
    const SOURCE: &str = "CMS global surgery rules, Medicare Claims Processing Manual Chapter 12, section 40; not in the loaded files";
    Some(match global {
        "010" => format!(
            "An E/M by the same physician in the 10 days after {code} is paid only when unrelated: modifier 24; on the day of the procedure, modifier 25 for a significant, separately identifiable E/M ({SOURCE})."
        ),
        "090" => format!(
            "An E/M by the same physician within the {code} global period: modifier 57 for the visit that led to the decision for surgery (the day before or the day of it), 24 for an unrelated visit during the 90 post-operative days, 25 for a significant, separately identifiable E/M on the day of surgery that is not the decision for it ({SOURCE})."
        ),
        _ => return None,
    })
}

/// The sentences the fee schedule gives for `code` on the topics asked.
fn sentences(
    code: &str,
    f: &FeeFinding,
    t: &Topics,
    specific: bool,
    em_codes: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let at = &f.cited;
    let says = |label: &str, value: &str, meaning: Option<&str>| {
        format!(
            "{code}: {label} {value} in the {at}: {}.",
            meaning.unwrap_or("a value codedesk has no meaning for")
        )
    };
    // An E/M code next to a procedure: its XXX global says nothing the question needs.
    let em_beside_surgery =
        em_codes && f.global == "XXX" && (code.starts_with("992") || code.starts_with("993"));
    if f.status != "A" || t.status_word {
        out.push(says("status", &f.status, fee_words::status(&f.status)));
    }
    if (t.global || !specific) && !em_beside_surgery {
        let mut s = says("global period", &f.global, fee_words::global(&f.global));
        if f.global == "090" || f.global == "010" {
            let pct = |v: &str| {
                crate::codes::fee::scaled(v, 2).map_or_else(|| v.to_string(), |n| format!("{n}%"))
            };
            s.push_str(&format!(
                " Its payment is split pre-operative {}, intra-operative {}, post-operative {}.",
                pct(&f.shares.0),
                pct(&f.shares.1),
                pct(&f.shares.2)
            ));
        }
        out.push(s);
        if t.em_in_global {
            out.extend(em_in_global(code, &f.global));
        }
    }
    if t.bilateral || (!specific && shown(&f.global, &f.bilat)) {
        out.push(says(
            "bilateral surgery indicator",
            &f.bilat,
            fee_words::bilat(&f.bilat),
        ));
    }
    if t.pctc || (!specific && f.pctc != "9" && f.pctc != "0") {
        let mut s = says("PC/TC indicator", &f.pctc, fee_words::pctc(&f.pctc));
        if f.pctc == "4" {
            s.pop();
            if f.components.is_empty() {
                s.push_str(" (the file does not link the component codes to it).");
            } else {
                s.push_str(&format!(
                    ": {} (the codes after it in the file whose RVUs add up to its own).",
                    f.components_text
                ));
            }
        }
        if f.pctc == "1" {
            let part = |m: &str| f.lines.iter().find(|l| l.modifier == m);
            if let (Some(pc), Some(tc)) = (part("26"), part("TC")) {
                s.push_str(&format!(
                    " {code}-26 (professional component) national amounts: {}; {code}-TC (technical component): {}.",
                    pc.amounts, tc.amounts
                ));
            }
        }
        out.push(s);
    }
    if t.assistant || (!specific && shown(&f.global, &f.asst)) {
        out.push(says(
            "assistant-at-surgery indicator",
            &f.asst,
            fee_words::asst(&f.asst),
        ));
    }
    if t.co_surgeon || (!specific && shown(&f.global, &f.co_surg)) {
        out.push(says(
            "co-surgeon indicator",
            &f.co_surg,
            fee_words::co_surg(&f.co_surg),
        ));
    }
    if t.team || (!specific && shown(&f.global, &f.team)) {
        out.push(says(
            "team surgery indicator",
            &f.team,
            fee_words::team(&f.team),
        ));
    }
    if t.multiple || (!specific && shown(&f.global, &f.mult_proc)) {
        let mut s = says(
            "multiple procedure indicator",
            &f.mult_proc,
            fee_words::mult_proc(&f.mult_proc),
        );
        if let Some(base) = &f.endo_base {
            s.pop();
            s.push_str(&format!("; its endoscopic base code is {base}."));
        }
        out.push(s);
    }
    if t.amount {
        let priced: Vec<&FeeLine> = f
            .lines
            .iter()
            .filter(|l| l.nf_amount.is_some() || l.f_amount.is_some())
            .collect();
        if priced.is_empty() {
            out.push(format!(
                "{code}: the {} gives no national amount for it (status {}).",
                f.release, f.status
            ));
        }
        for l in priced {
            let head = if l.modifier.is_empty() {
                code.to_string()
            } else {
                format!("{code}-{}", l.modifier)
            };
            out.push(format!(
                "{head}: national amounts in the {}: {} (total RVUs {} non-facility / {} facility x conversion factor {}, before the locality adjustment).",
                f.release, l.amounts, l.nf_total, l.f_total, f.conv_factor
            ));
        }
    }
    out
}

/// Settles the payment ask from the codes' fee-schedule facts. `loaded` says whether any fee
/// schedule is loaded (else the ask says where the answer lives, `source`).
pub fn payment_ask(
    text: &str,
    codes: &[CodeFinding],
    bare: &[&str],
    loaded: bool,
    source: &str,
) -> Ask {
    let procs: Vec<&CodeFinding> = codes.iter().filter(|c| c.system.is_procedure()).collect();
    let mut a = Ask {
        kind: AskKind::Payment,
        codes: procs.iter().map(|c| c.code.clone()).collect(),
        answered: Answered::Yes,
        answer: Vec::new(),
        because: Vec::new(),
    };
    if !loaded {
        a.answered = Answered::No;
        a.because.push(format!("{source}."));
        return a;
    }
    let words = topics(text, codes);
    let surgery = procs
        .iter()
        .any(|c| c.fee.as_ref().is_some_and(|f| f.global != "XXX"));
    let mut missing = Vec::new();
    let mut stale = false;
    for c in &procs {
        let Some(f) = &c.fee else {
            missing.push(c.code.clone());
            continue;
        };
        stale |= f.date_note.is_some();
        let t = code_topics(&words, c, f, bare);
        let specific = t.bilateral
            || t.global
            || t.pctc
            || t.assistant
            || t.co_surgeon
            || t.team
            || t.multiple
            || t.amount
            || t.status;
        a.answer
            .extend(sentences(&c.code, f, &t, specific, surgery));
    }
    if !missing.is_empty() {
        a.because.push(format!(
            "{} {} not in the loaded Medicare fee schedule.",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        ));
        a.answered = if a.answer.is_empty() {
            Answered::No
        } else {
            Answered::Partly
        };
    }
    if procs.is_empty() {
        a.answered = Answered::No;
        a.because.push(
            "No procedure code in the question was found to look up in the fee schedule.".into(),
        );
    }
    if stale && a.answered == Answered::Yes {
        // The release gap itself is said once for the whole reply.
        a.answered = Answered::Partly;
    }
    a
}

/// What the global period of each procedure beside an E/M code says of that E/M ("can 62322 be
/// billed with 99213-25?"), whatever the NCCI edits hold.
pub fn em_beside_procedures(codes: &[CodeFinding]) -> Vec<String> {
    let t = Topics {
        global: true,
        em_in_global: true,
        ..Topics::default()
    };
    codes
        .iter()
        .filter(|c| c.system.is_procedure())
        .filter_map(|c| {
            let f = c.fee.as_ref()?;
            matches!(f.global.as_str(), "000" | "010" | "090")
                .then(|| sentences(&c.code, f, &t, true, true))
        })
        .flatten()
        .collect()
}

/// What the fee schedule says of the modifiers a question names (26/TC, 50/RT/LT, 51, 62, 66,
/// 80/81/82/AS, and 24/25/57 beside a procedure with a global period), for the modifier ask.
pub fn modifier_hints(text: &str, codes: &[CodeFinding], bare: &[&str]) -> Vec<String> {
    let mut words = topics(text, codes);
    // The modifier ask answers modifiers, not amounts or status.
    words.amount = false;
    words.status = false;
    words.status_word = false;
    let surgery = codes
        .iter()
        .any(|c| c.fee.as_ref().is_some_and(|f| f.global != "XXX"));
    let mut out = Vec::new();
    for c in codes.iter().filter(|c| c.system.is_procedure()) {
        let Some(f) = &c.fee else { continue };
        let t = code_topics(&words, c, f, bare);
        let any = t.pctc || t.bilateral || t.co_surgeon || t.team || t.assistant || t.multiple;
        if any || t.em_in_global {
            out.extend(sentences(&c.code, f, &t, true, surgery));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn an_older_year_than_the_date_is_said_plainly() {
        let note = date_note(
            "CY2023 Medicare fee schedule",
            d("2023-01-01"),
            d("2026-04-15"),
        )
        .unwrap();
        assert!(note.contains("older than the date of service"), "{note}");
        assert!(note.contains("CY2026"), "{note}");
        assert_eq!(
            date_note(
                "CY2023 Medicare fee schedule",
                d("2023-01-01"),
                d("2023-06-01")
            ),
            None
        );
        assert!(
            date_note(
                "CY2023 Medicare fee schedule",
                d("2023-01-01"),
                d("2022-12-31")
            )
            .unwrap()
            .contains("after the date of service")
        );
    }

    #[test]
    fn topics_come_from_words_and_modifiers() {
        let t = topics("bilat L5-S1 TFESI. 64483-50 x1 or RT/LT two lines?", &[]);
        assert!(t.bilateral && !t.global && !t.pctc);
        let t = topics("we only read the echo, hospital owns machine", &[]);
        assert!(t.pctc);
        let t = topics("saw him 3/20 for something unrelated, is he in global", &[]);
        assert!(t.global && t.em_in_global);
        let t = topics("two surgeons, both want to bill -62", &[]);
        assert!(t.co_surgeon && !t.team);
    }
}
