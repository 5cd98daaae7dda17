//! How sure an answer is, with the reasons the review policy and staff read: every code found
//! and valid is high; deleted, header, undated or uncovered codes are medium; unknown codes, no
//! code at all, or too many codes are low.

use super::asks::{Answered, Ask};
use super::{CodeFinding, Icd9Finding, RangeFinding, ReleaseGap, Suggestion, UnknownCode};
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
    /// No code in the question: the codes come from a walk of the Index and its Tables over
    /// the question's words, which a person should confirm against the record.
    FromIndex {
        /// The codes the walk led to.
        codes: Vec<String>,
    },
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
    /// The release that applies on the date of service is not loaded for these code sets.
    ReleaseNotLoaded {
        /// What is loaded and what applies, in words.
        gaps: Vec<String>,
    },
    /// An ask the loaded data cannot answer.
    AskNotAnswered {
        /// The kind of ask (`bundling`, `coverage`, ...).
        ask: String,
        /// Why, and where the answer lives.
        because: Vec<String>,
    },
    /// An ask the loaded data answers only in part.
    AskPartlyAnswered {
        /// The kind of ask.
        ask: String,
        /// What is missing.
        because: Vec<String>,
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

/// What an answer is judged on.
pub struct Judged<'a> {
    /// Codes found.
    pub codes: &'a [CodeFinding],
    /// Codes not found.
    pub unknown: &'a [UnknownCode],
    /// Ranges.
    pub ranges: &'a [RangeFinding],
    /// ICD-9-CM codes.
    pub icd9: &'a [Icd9Finding],
    /// Suggestions for words.
    pub suggestions: &'a [Suggestion],
    /// Codes the Index walk led to.
    pub index: &'a [super::IndexFinding],
    /// The asks, settled.
    pub asks: &'a [Ask],
    /// Releases for the date that are not loaded.
    pub gaps: &'a [ReleaseGap],
}

/// Judges an answer: high only when every code is found and valid and every ask is answered
/// from the data; an ask the data cannot answer, or a release for the date that is not loaded,
/// makes it low.
pub fn judge(j: &Judged, reference_count: usize) -> Confidence {
    let Judged {
        codes,
        unknown,
        ranges,
        icd9,
        suggestions,
        index,
        asks,
        gaps,
    } = *j;
    let mut reasons = Vec::new();
    let mut level = Level::High;
    let lower = |to: Level, level: &mut Level| {
        if to < *level {
            *level = to;
        }
    };
    let asked_anything =
        !codes.is_empty() || !unknown.is_empty() || !ranges.is_empty() || !icd9.is_empty();
    let from_index: Vec<String> = index.iter().filter_map(|f| f.code.clone()).collect();
    if !asked_anything && !from_index.is_empty() {
        reasons.push(Reason::FromIndex { codes: from_index });
        lower(Level::Medium, &mut level);
    } else if !asked_anything {
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
    if !gaps.is_empty() {
        reasons.push(Reason::ReleaseNotLoaded {
            gaps: gaps.iter().map(|g| g.text.clone()).collect(),
        });
        lower(Level::Low, &mut level);
    }
    for a in asks {
        match a.answered {
            Answered::No => {
                reasons.push(Reason::AskNotAnswered {
                    ask: a.kind.as_str().into(),
                    because: a.because.clone(),
                });
                lower(Level::Low, &mut level);
            }
            Answered::Partly => {
                reasons.push(Reason::AskPartlyAnswered {
                    ask: a.kind.as_str().into(),
                    because: a.because.clone(),
                });
                lower(Level::Medium, &mut level);
            }
            Answered::Yes => {}
        }
    }
    if asked_anything && unknown.is_empty() {
        reasons.insert(0, Reason::AllCodesFound);
    }
    Confidence { level, reasons }
}
