//! A consultation: from raw message bytes to the answer, with the catalog. Parses the question,
//! reads the text of its attachments (each on a blocking thread, within a time limit), finds
//! the code references of both (the catalog confirming ambiguous ones), gathers what the
//! catalog knows of them and hands it to the pure `answer`. The only I/O is catalog reads.

use crate::answer::{self, Answer, CodeSetRelease, Findings, ModifierLead, Suggestion};
use crate::attachment_text;
use crate::codes::{Catalog, ChildCode, CodeEntry, CodeSystem, SevenChr};
use crate::date::Date;
use crate::extract::{self, CodeOracle, CodeRef};
use crate::question::{self, Attachment, Limits, Question};
use anyhow::Result;
use std::collections::BTreeSet;
use std::time::Duration;

impl CodeOracle for Catalog {
    fn is_known(&self, system: CodeSystem, code: &str) -> bool {
        Catalog::is_known(self, system, code)
    }
}

/// A question, what it refers to, and the answer.
#[derive(Debug, Clone)]
pub struct Consultation {
    /// The parsed message.
    pub question: Question,
    /// The code references in its new text, then those in its attachments' text (each with
    /// its `origin`; a code the text names too is the text's).
    pub refs: Vec<CodeRef>,
    /// What was read of each attachment.
    pub attachments: Vec<AttachmentReading>,
    /// The answer (also given for automatic mail, which is never sent).
    pub answer: Answer,
}

/// How many suggestions a question in words gets.
const SUGGESTIONS: usize = 5;

/// Parses, extracts and answers one raw message as of `today`.
pub async fn consult(
    catalog: &Catalog,
    raw: &[u8],
    limits: &Limits,
    today: Date,
) -> Result<Consultation> {
    let question = question::parse(raw, limits);
    let mut refs = refs_of(&question, catalog);
    let attachments = read_attachments(raw, limits, &attachment_text::Limits::default()).await;
    add_attachment_refs(&mut refs, &attachments, catalog);
    let findings = gather(catalog, &question, &refs).await?;
    let answer = answer::answer(&question.text, &refs, &findings, today);
    Ok(Consultation {
        question,
        refs,
        attachments,
        answer,
    })
}

/// One attachment of a question and what was read of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttachmentReading {
    /// Its name, type and size as listed.
    pub attachment: Attachment,
    /// How the reply and the page name it: its file name without folders or control
    /// characters, else its number and type (`#2 (application/pdf)`).
    pub label: String,
    /// Its text, when read.
    #[serde(skip)]
    pub text: Option<String>,
    /// Why its text was not read (a type whose text is not read, a limit, a damaged file).
    pub not_read: Option<String>,
}

/// Reads the text of the attachments of `raw`: each on a blocking thread, given up after
/// `limits.max_seconds` (the thread is left to finish on its own), a panic caught; at most
/// `limits.max_files` files. Never fails: what is not read says why.
pub async fn read_attachments(
    raw: &[u8],
    question_limits: &Limits,
    limits: &attachment_text::Limits,
) -> Vec<AttachmentReading> {
    let mut out = Vec::new();
    let mut tried = 0;
    for (n, (attachment, bytes)) in question::attachments(raw, question_limits)
        .into_iter()
        .enumerate()
    {
        let label = attachment_text::safe_name(attachment.name.as_deref())
            .unwrap_or_else(|| format!("#{} ({})", n + 1, attachment.content_type));
        let readable =
            attachment_text::Kind::of(&attachment.content_type, attachment.name.as_deref(), &bytes)
                .is_some();
        let result = if !readable {
            // Says which type it is, at once.
            attachment_text::read(
                &attachment.content_type,
                attachment.name.as_deref(),
                &bytes,
                limits,
            )
        } else if tried >= limits.max_files {
            Err(format!(
                "only the first {} attachments are read",
                limits.max_files
            ))
        } else {
            tried += 1;
            read_one(&attachment, bytes, limits).await
        };
        let (text, not_read) = match result {
            Ok(text) => (Some(text), None),
            Err(why) => (None, Some(why)),
        };
        out.push(AttachmentReading {
            attachment,
            label,
            text,
            not_read,
        });
    }
    out
}

async fn read_one(
    attachment: &Attachment,
    bytes: Vec<u8>,
    limits: &attachment_text::Limits,
) -> Result<String, String> {
    let content_type = attachment.content_type.clone();
    let name = attachment.name.clone();
    let l = limits.clone();
    let read = within(limits.max_seconds, move || {
        attachment_text::read(&content_type, name.as_deref(), &bytes, &l)
    })
    .await;
    if let Err(why) = &read {
        tracing::debug!(content_type = %attachment.content_type, %why, "attachment text not read");
    }
    read
}

/// `read` on a blocking thread, given up after `seconds` (the thread finishes on its own).
async fn within<F>(seconds: u64, read: F) -> Result<String, String>
where
    F: FnOnce() -> Result<String, String> + Send + 'static,
{
    let task = tokio::task::spawn_blocking(read);
    match tokio::time::timeout(Duration::from_secs(seconds), task).await {
        Ok(Ok(read)) => read,
        Ok(Err(_)) => Err("the reader failed".to_string()),
        Err(_) => Err(format!("reading it took more than {seconds} s")),
    }
}

/// Adds the code references of the attachments' text to `refs`, each marked with its
/// attachment; a code already referred to (by the text or an earlier attachment) is left out.
pub fn add_attachment_refs(
    refs: &mut Vec<CodeRef>,
    attachments: &[AttachmentReading],
    oracle: &dyn extract::CodeOracle,
) {
    for a in attachments {
        let Some(text) = &a.text else {
            continue;
        };
        for mut r in extract::extract(text, oracle) {
            let known = refs
                .iter()
                .any(|k| k.system == r.system && k.code == r.code && k.range_end == r.range_end);
            if !known {
                r.origin = Some(a.label.clone());
                refs.push(r);
            }
        }
    }
}

/// As [`consult`], dated by the message: a question is answered as of the day it was written
/// (its Date header) in the desk's `zone` when that is not after `today`, else as of `today`.
/// A question sent on the evening of September 30 where the desk is, whatever offset its Date
/// header was written in, is answered from that fiscal year's code set however late it is
/// processed.
pub async fn consult_as_written(
    catalog: &Catalog,
    raw: &[u8],
    limits: &Limits,
    today: Date,
    zone: &crate::date::Zone,
) -> Result<Consultation> {
    let written = question::parse(raw, limits)
        .date
        .map(|d| zone.date_of(d.timestamp))
        .filter(|d| *d <= today);
    consult(catalog, raw, limits, written.unwrap_or(today)).await
}

/// The code references a question asks about: those of its new text, then those of its subject
/// line that the text does not repeat. A reply's subject (`Re:`) is the thread's and counts only
/// when the new text names no code. Subject references carry offsets past the end of the text
/// (or into the subject, when they are all there is), so the answer never quotes them as text.
pub fn refs_of(question: &Question, oracle: &dyn CodeOracle) -> Vec<CodeRef> {
    let mut refs = extract::extract(&question.text, oracle);
    let subject = extract::extract(question.bare_subject(), oracle);
    if refs.is_empty() {
        return subject;
    }
    if is_reply_subject(&question.subject) {
        return refs;
    }
    let past = question.text.len();
    for mut s in subject {
        let same =
            |r: &CodeRef| r.system == s.system && r.code == s.code && r.range_end == s.range_end;
        if let Some(r) = refs.iter_mut().find(|r| same(r)) {
            for m in s.modifiers {
                if !r.modifiers.contains(&m) {
                    r.modifiers.push(m);
                }
            }
            continue;
        }
        s.start = past;
        s.end = past;
        refs.push(s);
    }
    refs
}

/// Whether the subject marks a reply (`Re:`, `AW:`, `SV:`), whose subject is the thread's.
fn is_reply_subject(subject: &str) -> bool {
    let lower = subject.trim_start().to_ascii_lowercase();
    ["re:", "re :", "aw:", "sv:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Looks up everything the answer needs for these references.
pub async fn gather(catalog: &Catalog, question: &Question, refs: &[CodeRef]) -> Result<Findings> {
    // Only what the answer treats is looked up.
    let kept = answer::caps::keep(refs);
    let refs = kept.refs.as_slice();
    let mut wanted: BTreeSet<(CodeSystem, String)> = BTreeSet::new();
    let mut gems = Vec::new();
    for r in refs {
        wanted.insert((r.system, r.code.clone()));
        if let Some(end) = &r.range_end {
            for code in answer::range_members(&r.code, end, 100) {
                wanted.insert((r.system, code));
            }
            wanted.insert((r.system, end.clone()));
        }
        if r.system == CodeSystem::Icd9Cm && !gems.iter().any(|(c, _): &(String, _)| *c == r.code) {
            let targets = catalog.icd9_to_icd10(&r.code).await?;
            for (t, _) in &targets {
                wanted.insert((CodeSystem::Icd10Cm, t.clone()));
            }
            gems.push((r.code.clone(), targets));
        }
        for m in &r.modifiers {
            wanted.insert((CodeSystem::Modifier, m.clone()));
        }
    }
    // A single-dose container beside a drug code: the discarded amount's modifier.
    if refs.iter().any(|r| r.system == CodeSystem::Hcpcs) && answer::names_container(&question.text)
    {
        wanted.insert((CodeSystem::Modifier, "JW".to_string()));
    }
    let mut entries = Vec::new();
    for (system, code) in &wanted {
        if let Some(mut e) = catalog.entry(*system, code)? {
            if e.seven_chr.is_none() {
                e.seven_chr = seventh_of_complete(catalog, &e)?;
            }
            entries.push(e);
        } else if *system == CodeSystem::Cpt && catalog.ptp_for(code, 1).await?.1 > 0 {
            // A CPT code in the PTP tables (and in no MUE table) without a licensed CPT file:
            // known, without a descriptor, so its pairs are checked.
            // Known only from the PTP tables: no versions, so no descriptor.
            entries.push(CodeEntry::empty(CodeSystem::Cpt, code));
        }
    }
    // What replaced a deleted code: its descriptor and MUE answer "what do I bill now".
    let replacements: Vec<(CodeSystem, String)> = entries
        .iter()
        .flat_map(|e| e.replaced_by.iter().map(|r| (e.system, r.code.clone())))
        .filter(|k| !wanted.contains(k))
        .take(12)
        .collect();
    for (system, code) in replacements {
        if !entries.iter().any(|e| e.system == system && e.code == code) {
            if let Some(e) = catalog.entry(system, &code)? {
                entries.push(e);
            }
        }
    }
    let mut procs: Vec<&str> = Vec::new();
    for r in refs
        .iter()
        .filter(|r| r.system.is_procedure() && r.range_end.is_none())
    {
        if !procs.contains(&r.code.as_str()) && procs.len() < answer::MAX_PAIRED_CODES {
            procs.push(&r.code);
        }
    }
    let mut ptp = Vec::new();
    for (i, a) in procs.iter().enumerate() {
        for b in &procs[i + 1..] {
            ptp.extend(catalog.ptp_between(a, b).await?);
        }
    }
    let suggestions = if refs.is_empty() {
        suggest(catalog, question)?
    } else {
        Vec::new()
    };
    // "Which code for X": the Index and its Tables first, with the tabular entries the answer
    // completes and checks their codes against.
    let index = if answer::asks::detect(&question.text, refs).contains(&answer::AskKind::WhichCode)
    {
        catalog.index_leads(&question.text)
    } else {
        Vec::new()
    };
    let mut have: BTreeSet<String> = entries
        .iter()
        .filter(|e| e.system == CodeSystem::Icd10Cm)
        .map(|e| e.code.clone())
        .collect();
    for code in index.iter().filter_map(|l| l.code.as_deref()) {
        index_entries(catalog, code, &mut have, &mut entries)?;
    }
    let related = related_codes(catalog, &entries, refs)?;
    let additional = additional_notes(catalog, &question.text, &entries, refs)?;
    let modifier_leads = modifier_leads(catalog, &question.text, refs)?;
    // Modifiers the words describe replace the full-text guesses at modifiers.
    let mut suggestions = suggestions;
    if modifier_leads.iter().any(|l| l.beside.is_none()) {
        suggestions.retain(|s| s.system != CodeSystem::Modifier);
    }
    let releases = catalog.releases().await?;
    let code_sets = code_set_releases(&releases);
    let cpt_licensed = releases.iter().any(|r| r.code_set == "CPT");
    let ptp_coverage = if procs.len() > 1 {
        catalog.ptp_coverage().await?
    } else {
        Vec::new()
    };
    Ok(Findings {
        entries,
        ptp,
        ptp_coverage,
        suggestions,
        gems,
        code_sets,
        cpt_licensed,
        index,
        related,
        modifier_leads,
        additional,
    })
}

/// Modifiers the question describes in words, or the family beside one it names and asks to
/// choose among ("which Q modifier?").
fn modifier_leads(catalog: &Catalog, text: &str, refs: &[CodeRef]) -> Result<Vec<ModifierLead>> {
    use answer::modifier_words::{family, fitting, search_words};
    if !answer::asks::detect(text, refs).contains(&answer::AskKind::Modifier) {
        return Ok(Vec::new());
    }
    let described = |e: &CodeEntry| e.latest().map(|v| (e.code.clone(), v.long_desc.clone()));
    let mut leads = Vec::new();
    let named: Vec<&CodeRef> = refs
        .iter()
        .filter(|r| r.system == CodeSystem::Modifier && !r.code.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if named.is_empty() {
        if let Some(words) = search_words(text) {
            let hits = catalog.search(&words, Some(CodeSystem::Modifier), 40)?;
            let candidates: Vec<(String, String)> =
                hits.iter().filter_map(|h| described(&h.entry)).collect();
            leads.extend(fitting(text, &candidates));
        }
        return Ok(leads);
    }
    let lower = text.to_lowercase();
    let choosing = lower.contains("which") || lower.contains(" or ");
    for r in named.iter().take(2) {
        let Some(entry) = catalog.entry(CodeSystem::Modifier, &r.code)? else {
            continue;
        };
        // A discontinued modifier's family holds what replaced it (JG: TB).
        let ended = entry.latest().is_some_and(|v| v.valid_to.is_some());
        let Some(me) = described(&entry).filter(|_| choosing || ended) else {
            continue;
        };
        let first = &r.code[..1];
        let mut candidates = Vec::new();
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
            let code = format!("{first}{c}");
            if let Some(e) = catalog.entry(CodeSystem::Modifier, &code)? {
                candidates.extend(described(&e));
            }
        }
        let others: Vec<(String, String)> = candidates
            .into_iter()
            .filter(|(code, _)| !named.iter().any(|n| n.code == *code))
            .collect();
        leads.extend(family(&me, &others).into_iter().take(8));
        if ended {
            // Its successor may carry another letter with the same words (JG: TB).
            for h in catalog.search(&me.1, Some(CodeSystem::Modifier), 5)? {
                let Some((code, description)) = described(&h.entry) else {
                    continue;
                };
                let same = description.eq_ignore_ascii_case(&me.1);
                let current = h.entry.latest().is_some_and(|v| v.valid_to.is_none());
                if same && current && code != me.0 && !leads.iter().any(|l| l.code == code) {
                    leads.push(ModifierLead {
                        code,
                        description,
                        beside: Some(me.0.clone()),
                    });
                }
            }
        }
    }
    Ok(leads)
}

/// How many entries of a category are read to find the codes near a named one.
const MAX_RELATED: usize = 400;

/// For each ICD-10-CM code named (up to four): the codes below it when it is a header, else the
/// codes of its three-character category, with their descriptions.
fn related_codes(
    catalog: &Catalog,
    entries: &[CodeEntry],
    refs: &[CodeRef],
) -> Result<Vec<(String, Vec<ChildCode>)>> {
    let named = |e: &&CodeEntry| {
        refs.iter()
            .any(|r| r.system == CodeSystem::Icd10Cm && r.range_end.is_none() && r.code == e.code)
    };
    let mut out = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.system == CodeSystem::Icd10Cm && !e.versions.is_empty())
        .filter(named)
        .take(4)
    {
        let billable = e.latest().is_some_and(|v| v.billable);
        let root = if billable {
            e.code.chars().take(3).collect()
        } else {
            e.code.clone()
        };
        out.push((e.code.clone(), codes_below(catalog, &root)?));
    }
    // A code no loaded file knows (S06.00A, T81.4XXA): the codes below its longest known start.
    let known: BTreeSet<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    for r in refs
        .iter()
        .filter(|r| r.system == CodeSystem::Icd10Cm && r.range_end.is_none())
        .filter(|r| !known.contains(r.code.as_str()))
        .take(4)
    {
        if out.iter().any(|(code, _)| *code == r.code) {
            continue;
        }
        let bare: String = r.code.chars().filter(|c| *c != '.').collect();
        for len in (3..bare.len()).rev() {
            let start = &bare[..len];
            let Some(root) = crate::codes::normalize(CodeSystem::Icd10Cm, start) else {
                continue;
            };
            if catalog.entry(CodeSystem::Icd10Cm, &root)?.is_some() {
                out.push((r.code.clone(), codes_below(catalog, &root)?));
                break;
            }
        }
    }
    Ok(out)
}

/// The "Use additional code" and "Code also" notes of the ICD-10-CM codes named (up to four)
/// that share a word with the question, each with the billable codes at or below its targets.
fn additional_notes(
    catalog: &Catalog,
    text: &str,
    entries: &[CodeEntry],
    refs: &[CodeRef],
) -> Result<Vec<answer::AdditionalNote>> {
    use crate::codes::NoteKind;
    let question = answer::polar_words(text);
    let mut out = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.system == CodeSystem::Icd10Cm && !e.versions.is_empty())
        .filter(|e| {
            refs.iter()
                .any(|r| r.system == CodeSystem::Icd10Cm && r.code == e.code)
        })
        .take(4)
    {
        for n in e
            .notes
            .iter()
            .filter(|n| matches!(n.kind, NoteKind::UseAdditionalCode | NoteKind::CodeAlso))
            .filter(|n| answer::note_mentioned(&question, &n.text))
        {
            let targets = answer::note_targets(&n.text);
            let mut candidates = Vec::new();
            for t in targets.iter().take(4) {
                let Some(code) =
                    crate::codes::normalize(CodeSystem::Icd10Cm, t.trim_end_matches(['-', '.']))
                else {
                    continue;
                };
                let Some(target) = catalog.entry(CodeSystem::Icd10Cm, &code)? else {
                    continue;
                };
                match target.latest() {
                    Some(v) if v.billable => candidates.push(ChildCode {
                        code: target.code.clone(),
                        description: v.long_desc.clone(),
                        billable: true,
                    }),
                    _ => candidates.extend(codes_below(catalog, &code)?),
                }
            }
            if !candidates.is_empty() {
                out.push(answer::AdditionalNote {
                    code: e.code.clone(),
                    label: n.kind.label().to_string(),
                    text: n.text.clone(),
                    at: n.at.clone(),
                    targets,
                    candidates,
                });
            }
        }
    }
    Ok(out)
}

/// The codes below `root` (billable and headers), read breadth-first up to [`MAX_RELATED`]
/// entries.
fn codes_below(catalog: &Catalog, root: &str) -> Result<Vec<ChildCode>> {
    let mut codes: Vec<ChildCode> = Vec::new();
    let mut queue = vec![root.to_string()];
    let mut read = 0;
    while let Some(code) = queue.pop() {
        read += 1;
        if read > MAX_RELATED {
            break;
        }
        let Some(entry) = catalog.entry(CodeSystem::Icd10Cm, &code)? else {
            continue;
        };
        for k in entry.children {
            if !k.billable {
                queue.push(k.code.clone());
            }
            codes.push(k);
        }
    }
    Ok(codes)
}

/// The tabular entries an Index code needs to be completed and checked: the code, its
/// 7th-character forms, and the codes below it (two levels) when it is a header.
fn index_entries(
    catalog: &Catalog,
    raw: &str,
    have: &mut BTreeSet<String>,
    entries: &mut Vec<CodeEntry>,
) -> Result<()> {
    let base = raw.trim_end_matches('-').trim_end_matches('.');
    let Some(code) = crate::codes::normalize(CodeSystem::Icd10Cm, base) else {
        return Ok(());
    };
    let mut wanted = vec![code];
    let mut level = 0;
    while !wanted.is_empty() && level < 3 {
        let mut next = Vec::new();
        for code in wanted {
            if !have.insert(code.clone()) {
                continue;
            }
            let Some(e) = catalog.entry(CodeSystem::Icd10Cm, &code)? else {
                continue;
            };
            if let Some(seven) = &e.seven_chr {
                for (chr, _) in &seven.values {
                    let full = answer::with_seventh(&e.code, chr);
                    if have.insert(full.clone()) {
                        if let Some(f) = catalog.entry(CodeSystem::Icd10Cm, &full)? {
                            entries.push(f);
                        }
                    }
                }
            } else if e.latest().is_some_and(|v| !v.billable) {
                next.extend(e.children.iter().take(12).map(|k| k.code.clone()));
            }
            entries.push(e);
        }
        wanted = next;
        level += 1;
    }
    Ok(())
}

/// For a complete 7-character ICD-10-CM code (S72.001A), the 7th-character values of the code
/// it extends (S72.001), so the reply can say what its 7th character means.
fn seventh_of_complete(catalog: &Catalog, e: &CodeEntry) -> Result<Option<SevenChr>> {
    let bare: String = e.code.chars().filter(|c| *c != '.').collect();
    if e.system != CodeSystem::Icd10Cm || bare.len() != 7 {
        return Ok(None);
    }
    let Some(last) = e.code.chars().last() else {
        return Ok(None);
    };
    let parent = e.code[..e.code.len() - 1].trim_end_matches('.');
    let Some(p) = catalog.entry(CodeSystem::Icd10Cm, parent)? else {
        return Ok(None);
    };
    Ok(p.seven_chr.filter(|s| {
        s.values
            .iter()
            .any(|(c, _)| c.chars().eq(std::iter::once(last)))
    }))
}

/// The loaded releases as answers cite them, one per release label, each with its period.
pub fn code_set_releases(releases: &[crate::store::catalog::ImportSummary]) -> Vec<CodeSetRelease> {
    let mut code_sets: Vec<CodeSetRelease> = Vec::new();
    for r in releases {
        let label = if r.code_set == "MPFS" {
            crate::codes::period::release_label(&r.code_set, &r.version)
        } else {
            format!("{} {}", set_label(&r.code_set), r.version)
        };
        let Ok(effective_from) = r.effective_from.parse::<Date>() else {
            continue;
        };
        match code_sets.iter_mut().find(|c| c.label == label) {
            // An update inside a release (the April tabular) keeps the release's first day.
            Some(c) => c.effective_from = c.effective_from.min(effective_from),
            None => code_sets.push(CodeSetRelease {
                set: r.code_set.clone(),
                label,
                effective_from,
                period_end: crate::codes::period::period_end(&r.code_set, effective_from),
            }),
        }
    }
    code_sets
}

fn set_label(code_set: &str) -> &str {
    answer::code_sets::set_name(code_set)
}

/// Ranked codes for a question in words, restricted to a system when the question names one.
fn suggest(catalog: &Catalog, question: &Question) -> Result<Vec<Suggestion>> {
    let words: String = question.text.chars().take(600).collect();
    let lower = words.to_ascii_lowercase();
    let says = |w: &str| {
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| t == w)
    };
    let system = if says("modifier") || says("modifiers") || says("mod") || says("mods") {
        Some(CodeSystem::Modifier)
    } else if lower.contains("icd-10-pcs") || says("pcs") || lower.contains("procedure code") {
        Some(CodeSystem::Icd10Pcs)
    } else if lower.contains("icd") || lower.contains("diagnos") || lower.contains(" dx") {
        Some(CodeSystem::Icd10Cm)
    } else if lower.contains("hcpcs") || lower.contains("j-code") || lower.contains("j code") {
        Some(CodeSystem::Hcpcs)
    } else {
        None
    };
    let mut hits = ranged_hits(catalog, &words, system)?;
    for h in catalog.search(&words, system, SUGGESTIONS)? {
        if !hits.iter().any(|k| k.entry.code == h.entry.code) {
            hits.push(h);
        }
    }
    hits.truncate(SUGGESTIONS);
    Ok(hits
        .into_iter()
        .filter_map(|h| {
            let v = h.entry.latest()?;
            Some(Suggestion {
                system: h.entry.system,
                code: h.entry.code.clone(),
                description: v.long_desc.clone(),
                billable: v.billable,
                score: h.score,
            })
        })
        .collect())
}

/// A number after a word ("BMI 41", "GCS 14"): the code whose description gives a range holding
/// it, among those the word finds, the one the question's other words fit best.
fn ranged_hits(
    catalog: &Catalog,
    words: &str,
    system: Option<CodeSystem>,
) -> Result<Vec<crate::codes::search::Hit>> {
    let question = answer::polar_words(words);
    let mut out = Vec::new();
    for (word, n) in answer::numbered_words(words).into_iter().take(3) {
        let mut fitting: Vec<(i32, crate::codes::search::Hit)> = catalog
            .search(&word, system, 80)?
            .into_iter()
            .filter_map(|h| {
                let d = h.entry.latest()?.long_desc.clone();
                if !answer::range_holds(&d, n) {
                    return None;
                }
                Some((answer::fit(&d, &question)?, h))
            })
            .collect();
        fitting.sort_by_key(|f| std::cmp::Reverse(f.0));
        if let Some((_, h)) = fitting.into_iter().next() {
            out.push(h);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::NoCatalog;

    fn reading(label: &str, text: &str) -> AttachmentReading {
        AttachmentReading {
            attachment: Attachment {
                name: Some(label.to_string()),
                content_type: "application/pdf".into(),
                size: text.len(),
                inline: false,
            },
            label: label.to_string(),
            text: Some(text.to_string()),
            not_read: None,
        }
    }

    #[tokio::test]
    async fn a_reader_past_its_time_or_panicking_gives_a_reason() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let slow = within(1, move || {
            let _ = rx.recv();
            Ok("late".into())
        })
        .await;
        assert_eq!(slow, Err("reading it took more than 1 s".to_string()));
        drop(tx);
        let broken = within(5, || panic!("a hostile file")).await;
        assert_eq!(broken, Err("the reader failed".to_string()));
        assert_eq!(within(5, || Ok("text".into())).await, Ok("text".into()));
    }

    #[test]
    fn attachment_codes_follow_the_text_and_a_code_counts_once() {
        let mut refs = extract::extract("Is M54.16 right?", &NoCatalog);
        let readings = [
            reading("a.pdf", "Dx M54.16 and E11.9, CPT 64483."),
            reading("b.pdf", "Dx E11.9 and I10."),
            AttachmentReading {
                text: None,
                not_read: Some("damaged".into()),
                ..reading("c.pdf", "")
            },
        ];
        add_attachment_refs(&mut refs, &readings, &NoCatalog);
        let got: Vec<(&str, Option<&str>)> = refs
            .iter()
            .map(|r| (r.code.as_str(), r.origin.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("M54.16", None),
                ("E11.9", Some("a.pdf")),
                ("64483", Some("a.pdf")),
                ("I10", Some("b.pdf")),
            ]
        );
    }

    fn refs(subject: &str, body: &str) -> Vec<String> {
        let raw = format!("From: a@example.com\r\nSubject: {subject}\r\n\r\n{body}\r\n");
        let q = question::parse(raw.as_bytes(), &Limits::default());
        refs_of(&q, &NoCatalog)
            .iter()
            .map(|r| {
                let mut s = format!("{} {}", r.system.as_str(), r.code);
                for m in &r.modifiers {
                    s.push_str(&format!("+{m}"));
                }
                s
            })
            .collect()
    }

    #[test]
    fn a_new_message_subject_counts_beside_the_body() {
        let got = refs(
            "99214-25 with 11102?",
            "Can we bill 11102 with the visit? Does it need the 25?",
        );
        assert_eq!(got[0], "CPT 11102", "{got:?}");
        assert!(got.contains(&"CPT 99214+25".to_string()), "{got:?}");
        assert_eq!(got.iter().filter(|r| r.starts_with("CPT 11102")).count(), 1);
    }

    #[test]
    fn a_reply_subject_counts_only_when_the_body_names_no_code() {
        assert_eq!(
            refs("Re: J1040 units", "Can we bill 99213 instead?"),
            ["CPT 99213"]
        );
        assert_eq!(
            refs("Re: J1040 units", "And the 80 mg vial?"),
            ["HCPCS J1040"]
        );
    }
}
