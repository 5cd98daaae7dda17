//! How sure an answer is, with the reasons the review policy and staff read: every code found
//! and valid is high; deleted, header, undated or uncovered codes are medium; unknown codes, no
//! code at all, or too many codes are low.

use super::{CodeFinding, Icd9Finding, RangeFinding, Suggestion, UnknownCode};
use serde::Serialize;

/// The level the policy acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something important is missing or doubtful: a person should look.
    Low,
    /// Facts are complete but the asker likely needs more (a deleted or header code).
    Medium,
    /// Every code was found and is valid on the date.
    High,
}

/// Why the answer has its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// Every code asked about was found.
    AllCodesFound,
    /// Codes not in the loaded code sets.
    CodesUnknown {
        /// Which.
        codes: Vec<String>,
    },
    /// No code in the question: only suggestions from the words.
    OnlySuggestions,
    /// No code and no suggestion.
    NothingFound,
    /// More codes than one answer can treat well.
    TooManyCodes {
        /// How many references.
        count: usize,
    },
    /// Codes deleted or not yet valid on the date.
    CodesNotValid {
        /// Which.
        codes: Vec<String>,
    },
    /// Header codes that need more characters.
    HeaderCodes {
        /// Which.
        codes: Vec<String>,
    },
    /// The loaded releases do not reach back to the date of service.
    DateNotCovered {
        /// Which codes.
        codes: Vec<String>,
    },
    /// CPT codes without a licensed descriptor.
    CptNotDescribed {
        /// Which.
        codes: Vec<String>,
    },
}

/// The level and its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confidence {
    /// The level.
    pub level: Level,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// Above this many references an answer is held for a person.
pub const TOO_MANY_REFERENCES: usize = 25;

/// Judges an answer.
pub fn judge(
    codes: &[CodeFinding],
    unknown: &[UnknownCode],
    ranges: &[RangeFinding],
    icd9: &[Icd9Finding],
    suggestions: &[Suggestion],
    reference_count: usize,
) -> Confidence {
    let mut reasons = Vec::new();
    let mut level = Level::High;
    let lower = |to: Level, level: &mut Level| {
        if to < *level {
            *level = to;
        }
    };
    let asked_anything =
        !codes.is_empty() || !unknown.is_empty() || !ranges.is_empty() || !icd9.is_empty();
    if !asked_anything {
        if suggestions.is_empty() {
            reasons.push(Reason::NothingFound);
        } else {
            reasons.push(Reason::OnlySuggestions);
        }
        lower(Level::Low, &mut level);
    }
    if !unknown.is_empty() {
        reasons.push(Reason::CodesUnknown {
            codes: unknown.iter().map(|u| u.code.clone()).collect(),
        });
        lower(Level::Low, &mut level);
    }
    if reference_count > TOO_MANY_REFERENCES {
        reasons.push(Reason::TooManyCodes {
            count: reference_count,
        });
        lower(Level::Low, &mut level);
    }
    let pick = |f: &dyn Fn(&CodeFinding) -> bool| -> Vec<String> {
        codes
            .iter()
            .filter(|c| f(c))
            .map(|c| c.code.clone())
            .collect()
    };
    let not_valid = pick(&|c| matches!(c.status, "deleted" | "not-yet-valid"));
    if !not_valid.is_empty() {
        reasons.push(Reason::CodesNotValid { codes: not_valid });
        lower(Level::Medium, &mut level);
    }
    let headers = pick(&|c| c.header);
    if !headers.is_empty() {
        reasons.push(Reason::HeaderCodes { codes: headers });
        lower(Level::Medium, &mut level);
    }
    let uncovered = pick(&|c| c.before_coverage);
    if !uncovered.is_empty() {
        reasons.push(Reason::DateNotCovered { codes: uncovered });
        lower(Level::Medium, &mut level);
    }
    let undescribed = pick(&|c| c.status == "no-descriptor");
    if !undescribed.is_empty() {
        reasons.push(Reason::CptNotDescribed { codes: undescribed });
    }
    if asked_anything && unknown.is_empty() {
        reasons.insert(0, Reason::AllCodesFound);
    }
    Confidence { level, reasons }
}
