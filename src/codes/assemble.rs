//! Assembling one [`CodeEntry`] per code from the catalog tables: versions, own notes, the
//! hierarchy (ancestors, direct children, billable descendants), 7th characters, replacements
//! and MUEs. Pure: the index calls it with what the database returned.

use super::entry::{ChildCode, CodeEntry, CodeVersion, Note, Replacement, SevenChr};
use super::import::timeline::{OPEN, Version};
use super::system::bare;
use super::{CodeSystem, normalize};
use crate::date::Date;
use crate::store::catalog::CatalogDump;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A section or chapter of the tabular list, with the notes written at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// `M50-M54` or `chapter 13`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its parent node, if any.
    pub parent: Option<String>,
    /// Notes written at it.
    pub notes: Vec<Note>,
}

/// How many direct children an entry lists (PCS tables have thousands).
const MAX_CHILDREN: usize = 60;

fn to_code_version(v: Version) -> CodeVersion {
    CodeVersion {
        valid_from: Date::from_days(v.from),
        valid_to: (v.to != OPEN).then(|| Date::from_days(v.to)),
        billable: v.billable,
        short_desc: v.short,
        long_desc: v.long,
        plain_desc: v.plain,
        release: v.release,
    }
}

/// Puts each code's fee-schedule rows on its entry (a CPT code known only from the fee schedule
/// gets an entry without a descriptor; a HCPCS code only when the HCPCS file has it), and names
/// the components of global-test-only codes (PC/TC 4) from the codes after them in the file.
fn attach_fees(
    entries: &mut BTreeMap<(CodeSystem, String), CodeEntry>,
    fee: &BTreeMap<String, Vec<crate::codes::FeeRow>>,
) {
    let codes: Vec<&String> = fee.keys().collect();
    for (i, code) in codes.iter().enumerate() {
        let rows = &fee[*code];
        let system = if normalize(CodeSystem::Cpt, code).is_some() {
            CodeSystem::Cpt
        } else {
            CodeSystem::Hcpcs
        };
        let key = (system, (*code).clone());
        if system == CodeSystem::Hcpcs && !entries.contains_key(&key) {
            continue;
        }
        let entry = entries
            .entry(key)
            .or_insert_with(|| CodeEntry::empty(system, code));
        entry.fee = rows.clone();
        // The newest release's global row decides the family.
        let Some(global) = rows.iter().rev().find(|r| r.modifier.is_empty()) else {
            continue;
        };
        if global.pctc != "4" {
            continue;
        }
        let following: Vec<(String, String, String)> = codes[i + 1..]
            .iter()
            .filter_map(|c| {
                let r = fee[*c]
                    .iter()
                    .rev()
                    .find(|r| r.modifier.is_empty() && r.valid_from == global.valid_from)?;
                Some(((*c).clone(), r.pctc.clone(), r.nf_total.clone()))
            })
            .take(6)
            .collect();
        entry.fee_parts = crate::codes::fee::test_components(&global.nf_total, &following);
    }
}

/// Every code's entry and every section/chapter node of what `dump` holds (one system's worth).
pub fn assemble(dump: CatalogDump) -> (Vec<CodeEntry>, Vec<Node>) {
    let CatalogDump {
        versions: all_versions,
        notes,
        parents,
        seven_chr,
        replacements,
        mue,
        fee,
    } = dump;
    let mut entries: BTreeMap<(CodeSystem, String), CodeEntry> = BTreeMap::new();
    for ((system, code), versions) in all_versions {
        let Ok(system) = system.parse::<CodeSystem>() else {
            continue;
        };
        let added = versions.iter().filter_map(|v| v.added).min();
        let action = versions
            .iter()
            .max_by_key(|v| (v.from, v.prio))
            .and_then(|v| v.action.clone());
        let mut vs: Vec<CodeVersion> = versions.into_iter().map(to_code_version).collect();
        vs.sort_by_key(|v| v.valid_from);
        entries.insert(
            (system, code.clone()),
            CodeEntry {
                versions: vs,
                added,
                action,
                ..CodeEntry::empty(system, &code)
            },
        );
    }
    for (code, limits) in mue {
        let system = if normalize(CodeSystem::Cpt, &code).is_some() {
            CodeSystem::Cpt
        } else {
            CodeSystem::Hcpcs
        };
        let entry = entries
            .entry((system, code.clone()))
            .or_insert_with(|| CodeEntry::empty(system, &code));
        entry.mue = limits;
    }
    attach_fees(&mut entries, &fee);
    for ((system, old), news) in &replacements {
        if let Ok(system) = system.parse::<CodeSystem>() {
            if let Some(e) = entries.get_mut(&(system, old.clone())) {
                e.replaced_by = news
                    .iter()
                    .map(|(code, effective)| Replacement {
                        code: code.clone(),
                        effective: *effective,
                        inferred: false,
                    })
                    .collect();
            }
        }
    }
    link_hcpcs_successors(&mut entries);
    let mut notes_at: HashMap<&str, Vec<Note>> = HashMap::new();
    for (at, kind, text) in &notes {
        notes_at.entry(at.as_str()).or_default().push(Note {
            kind: *kind,
            text: text.clone(),
            at: at.clone(),
        });
    }
    for system in [CodeSystem::Icd10Cm, CodeSystem::Icd10Pcs] {
        link_hierarchy(&mut entries, system, &parents, &seven_chr, &notes_at);
    }
    let nodes = parents
        .iter()
        .filter(|(id, (_, title))| {
            title.is_some() && !entries.contains_key(&(CodeSystem::Icd10Cm, (*id).clone()))
        })
        .map(|(id, (parent, title))| Node {
            id: id.clone(),
            title: title.clone().unwrap_or_default(),
            parent: (!parent.is_empty()).then(|| parent.clone()),
            notes: notes_at.get(id.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    (entries.into_values().collect(), nodes)
}

/// The drug or item a HCPCS description names, without its dose or size: "Injection,
/// methylprednisolone acetate" for "Injection, methylprednisolone acetate, 40 mg".
fn hcpcs_stem(desc: &str) -> &str {
    desc.rsplit_once(", ").map_or(desc, |(stem, _)| stem)
}

/// HCPCS files say when a code ends but not what replaced it. A code added the day after a
/// terminated one ends, naming the same drug or item, is recorded as its replacement (J1030,
/// methylprednisolone acetate 40 mg, ended 2024-03-31; J1010, 1 mg, began 2024-04-01).
fn link_hcpcs_successors(entries: &mut BTreeMap<(CodeSystem, String), CodeEntry>) {
    let mut starts: HashMap<(i32, String), Vec<String>> = HashMap::new();
    let mut added: HashMap<i32, Vec<(String, String)>> = HashMap::new();
    for ((system, code), e) in entries.iter() {
        if let (CodeSystem::Hcpcs, Some(first)) = (system, e.versions.first()) {
            added
                .entry(first.valid_from.days())
                .or_default()
                .push((code.clone(), first.long_desc.clone()));
            starts
                .entry((
                    first.valid_from.days(),
                    hcpcs_stem(&first.long_desc).to_string(),
                ))
                .or_default()
                .push(code.clone());
        }
    }
    for ((system, _), e) in entries.iter_mut() {
        if *system != CodeSystem::Hcpcs || !e.replaced_by.is_empty() {
            continue;
        }
        let Some(last) = e.versions.last() else {
            continue;
        };
        let Some(end) = last.valid_to else { continue };
        let next = end.add_days(1);
        let codes = match starts.get(&(next.days(), hcpcs_stem(&last.long_desc).to_string())) {
            Some(codes) => codes.clone(),
            None => same_drug_from(&added, next.days(), &last.long_desc),
        };
        e.replaced_by = codes
            .iter()
            .map(|c| Replacement {
                code: c.clone(),
                effective: next,
                inferred: true,
            })
            .collect();
    }
}

/// Words of a HCPCS stem that name no drug or item.
const GENERIC_WORDS: &[&str] = &[
    "injection",
    "otherwise",
    "specified",
    "classified",
    "solution",
    "powder",
    "suspension",
    "biosimilar",
];

/// The drug words of a HCPCS description's stem (five letters or more, not generic).
fn drug_words(desc: &str) -> BTreeSet<String> {
    hcpcs_stem(desc)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 5 && !GENERIC_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// Codes added on `day` with the same billing unit ("0.1 mg") and a drug word in common, when
/// no code added that day has the ended code's exact stem (J0171 "Injection, adrenalin,
/// epinephrine, 0.1 mg" ended 2025-06-30; J0165 "Injection, epinephrine, not otherwise
/// specified, 0.1 mg" began 2025-07-01).
fn same_drug_from(
    added: &HashMap<i32, Vec<(String, String)>>,
    day: i32,
    ended: &str,
) -> Vec<String> {
    let unit = |d: &str| d.rsplit_once(", ").map(|(_, u)| u.trim().to_lowercase());
    let Some(ended_unit) = unit(ended).filter(|u| u.contains(|c: char| c.is_ascii_digit())) else {
        return Vec::new();
    };
    let words = drug_words(ended);
    let mut out: Vec<String> = added
        .get(&day)
        .into_iter()
        .flatten()
        .filter(|(_, d)| unit(d).as_ref() == Some(&ended_unit))
        .filter(|(_, d)| !drug_words(d).is_disjoint(&words))
        .map(|(c, _)| c.clone())
        .collect();
    out.sort();
    out
}

/// Parents, children, descendants, ancestors, notes and 7th characters of one system's codes.
fn link_hierarchy(
    entries: &mut BTreeMap<(CodeSystem, String), CodeEntry>,
    system: CodeSystem,
    parents: &BTreeMap<String, (String, Option<String>)>,
    seven_chr: &BTreeMap<String, Vec<(String, String)>>,
    notes_at: &HashMap<&str, Vec<Note>>,
) {
    if !entries.keys().any(|(s, _)| *s == system) {
        return;
    }
    let by_bare: HashMap<String, String> = entries
        .keys()
        .filter(|(s, _)| *s == system)
        .map(|(_, c)| (bare(c), c.clone()))
        .collect();
    let parent_of = |code: &str| -> Option<String> {
        if system == CodeSystem::Icd10Cm {
            if let Some((p, _)) = parents.get(code) {
                return Some(p.clone());
            }
        }
        let b = bare(code);
        let mut stem = b.as_str();
        while stem.len() > 3 || (system == CodeSystem::Icd10Pcs && stem.len() > 3) {
            stem = &stem[..stem.len() - 1];
            let trimmed = stem.trim_end_matches('X');
            if trimmed.len() < 3 {
                break;
            }
            if let Some(p) = by_bare.get(trimmed) {
                if p != code {
                    return Some(p.clone());
                }
            }
        }
        (system == CodeSystem::Icd10Pcs && b.len() > 3)
            .then(|| by_bare.get(&b[..3]).cloned())
            .flatten()
    };
    let codes: Vec<String> = by_bare.values().cloned().collect();
    let mut parent: HashMap<String, String> = HashMap::new();
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    for code in &codes {
        if let Some(p) = parent_of(code) {
            children.entry(p.clone()).or_default().push(code.clone());
            parent.insert(code.clone(), p);
        }
    }
    let current = |e: &CodeEntry| e.versions.last().map(|v| (v.billable, v.long_desc.clone()));
    let info: HashMap<String, (bool, String)> = entries
        .iter()
        .filter(|((s, _), _)| *s == system)
        .filter_map(|((_, c), e)| current(e).map(|i| (c.clone(), i)))
        .collect();
    let mut billable_bare: Vec<String> = info
        .iter()
        .filter(|(_, (billable, _))| *billable)
        .map(|(c, _)| bare(c))
        .collect();
    billable_bare.sort();
    for code in &codes {
        let Some(entry) = entries.get_mut(&(system, code.clone())) else {
            continue;
        };
        let b = bare(code);
        let lo = billable_bare.partition_point(|x| x.as_str() < b.as_str());
        let hi = billable_bare.partition_point(|x| x.starts_with(&b) || x.as_str() < b.as_str());
        entry.billable_descendants =
            billable_bare[lo..hi].iter().filter(|x| **x != b).count() as u32;
        if let Some(kids) = children.get(code) {
            let mut kids = kids.clone();
            kids.sort();
            entry.children = kids
                .iter()
                .take(MAX_CHILDREN)
                .filter_map(|k| {
                    info.get(k).map(|(billable, desc)| ChildCode {
                        code: k.clone(),
                        description: desc.clone(),
                        billable: *billable,
                    })
                })
                .collect();
        }
        entry.notes = notes_at.get(code.as_str()).cloned().unwrap_or_default();
        // Ancestors, nearest first: diag codes, then section and chapter.
        // Only the parent is stored; the catalog follows the chain (and fills in titles) at
        // lookup, from the ancestors' own entries: stored here it would repeat on every code.
        let mut chain: Vec<(String, String)> = Vec::new();
        let mut at = parent.get(code).cloned();
        while let Some(id) = at {
            if id.is_empty() || chain.iter().any(|(c, _)| *c == id) || chain.len() > 12 {
                break;
            }
            let next = parent
                .get(&id)
                .cloned()
                .or_else(|| parents.get(&id).map(|(p, _)| p.clone()));
            chain.push((id, String::new()));
            at = next;
        }
        let needs_seventh = system == CodeSystem::Icd10Cm
            && b.len() < 7
            && entry.versions.last().is_some_and(|v| !v.billable)
            && children
                .get(code)
                .is_none_or(|kids| kids.iter().all(|k| bare(k).len() == 7));
        if needs_seventh {
            entry.seven_chr = std::iter::once(code.as_str())
                .chain(chain.iter().map(|(c, _)| c.as_str()))
                .find_map(|c| {
                    seven_chr.get(c).map(|values| SevenChr {
                        defined_at: c.to_string(),
                        values: values.clone(),
                    })
                });
        }
        chain.truncate(1);
        entry.ancestors = chain;
    }
}
