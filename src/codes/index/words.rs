//! The words of a question as the Index walk reads them: tokens and their stems, the words that
//! choose a Table column (a poisoning's intent, an adverse effect, underdosing; a neoplasm's
//! behaviour), and the few brand names the Table of Drugs does not list. Pure.

/// Words that carry no meaning for matching a term.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "in",
    "on",
    "to",
    "with",
    "without",
    "by",
    "for",
    "from",
    "at",
    "as",
    "is",
    "was",
    "pt",
    "patient",
    "nec",
    "nos",
    "due",
    "code",
    "codes",
    "what",
    "which",
    "icd",
    "10",
    "cm",
    "dx",
    "please",
    "it",
    "his",
    "her",
    "their",
    "my",
    "this",
    "that",
    "be",
    "has",
    "had",
    "have",
    "got",
    "get",
    "s",
    "site",
    "type",
    "other",
    "specified",
    "unspecified",
    "part",
    "not",
    "no",
    "use",
    "used",
];

/// Irregular forms the Index's nouns are written in ("fell" is indexed under "Fall").
const IRREGULAR: &[(&str, &str)] = &[
    ("fell", "fall"),
    ("fallen", "fall"),
    ("bit", "bite"),
    ("bitten", "bite"),
    ("struck", "strike"),
    ("stung", "sting"),
    ("burnt", "burn"),
    ("ran", "run"),
    ("slid", "slide"),
    ("swallowed", "swallow"),
    ("mets", "metastasis"),
    ("metastases", "metastasis"),
    ("metastatic", "metastasis"),
];

/// Brand names the Table of Drugs does not list, and the substance it lists them under.
pub const BRANDS: &[(&str, &str)] = &[
    ("tylenol", "acetaminophen"),
    ("motrin", "ibuprofen"),
    ("advil", "ibuprofen"),
    ("xanax", "alprazolam"),
    ("ativan", "lorazepam"),
    ("valium", "diazepam"),
    ("lasix", "furosemide"),
    ("glucophage", "metformin"),
    ("synthroid", "levothyroxine"),
    ("zestril", "lisinopril"),
    ("prinivil", "lisinopril"),
    ("lanoxin", "digoxin"),
    ("benadryl", "diphenhydramine"),
    ("deltasone", "prednisone"),
];

/// Lower-case alphanumeric tokens, in order.
pub fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\'', '\u{2019}'], "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a token says nothing for matching.
pub fn is_stop(token: &str) -> bool {
    STOP.contains(&token)
}

/// A word's stem for matching: irregular forms, plurals, -ing and -ed endings, a final e.
pub fn stem(token: &str) -> String {
    if let Some((_, base)) = IRREGULAR.iter().find(|(w, _)| *w == token) {
        return stem_regular(base);
    }
    stem_regular(token)
}

fn stem_regular(token: &str) -> String {
    let mut w = token.to_string();
    if w.len() > 4 && w.ends_with("ies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.len() > 4 && (w.ends_with("ches") || w.ends_with("shes") || w.ends_with("xes")) {
        w.truncate(w.len() - 2);
    } else if w.len() > 3
        && w.ends_with('s')
        && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"))
    {
        w.pop();
    }
    if w.len() > 5 && w.ends_with("ing") {
        w.truncate(w.len() - 3);
    } else if w.len() > 4 && w.ends_with("ed") {
        w.truncate(w.len() - 2);
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// Whether `text` (lower case) holds any of `phrases`.
fn any(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| text.contains(p))
}

/// Whether a lower-case text holds `word` as a whole word.
pub fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The Table of Drugs column the words name, and a note when it was assumed.
pub fn drug_column(text: &str) -> Option<(u8, Option<&'static str>)> {
    // "unintentional" holds "intentional": read it as the accidental it means; what the words
    // deny is not said ("not an overdose").
    let mut t = text.to_lowercase().replace("unintentional", "accidental");
    for denied in [
        "not an overdose",
        "not overdose",
        "no overdose",
        "not a poisoning",
        "not poisoning",
        "no poisoning",
        "denies overdose",
        "not intentional",
        "not a suicide attempt",
    ] {
        t = t.replace(denied, "");
    }
    if any(
        &t,
        &[
            "underdos",
            "missed dose",
            "missed doses",
            "took less",
            "taking less",
            "stopped taking",
            "ran out of",
            "skipped dose",
            "skipped doses",
            "noncomplian",
            "non-complian",
        ],
    ) {
        return Some((7, None));
    }
    if any(
        &t,
        &[
            "adverse effect",
            "adverse reaction",
            "side effect",
            "side-effect",
            "as prescribed",
            "as directed",
            "correctly prescribed",
            "properly administered",
            "therapeutic dose",
            "therapeutic use",
            "reaction to",
            "allergic to",
        ],
    ) && !any(&t, &["overdos", "too much", "too many"])
    {
        return Some((6, None));
    }
    if any(
        &t,
        &[
            "self-harm",
            "self harm",
            "selfharm",
            "suicid",
            "intentional overdose",
            "intentionally",
            "on purpose",
            "deliberate",
        ],
    ) || has_word(&t, "intentional")
    {
        return Some((3, None));
    }
    if any(
        &t,
        &[
            "assault",
            "homicid",
            "poisoned by her",
            "poisoned by his",
            "by another person",
        ],
    ) {
        return Some((4, None));
    }
    if any(
        &t,
        &[
            "undetermined",
            "intent unknown",
            "unknown intent",
            "intent cannot be determined",
            "intent could not be determined",
        ],
    ) {
        return Some((5, None));
    }
    if any(
        &t,
        &[
            "accident",
            "by mistake",
            "mistakenly",
            "got into",
            "wrong medication",
            "wrong pill",
            "wrong drug",
        ],
    ) {
        return Some((2, None));
    }
    if any(
        &t,
        &[
            "poison",
            "overdos",
            "toxicity",
            "toxic",
            "ingest",
            "swallow",
            "too much",
            "too many",
            "intoxicat",
        ],
    ) || has_word(&t, "od")
    {
        return Some((
            2,
            Some(
                "No intent is named: a poisoning whose intent is not documented is coded \
                 accidental (ICD-10-CM Official Guidelines I.C.19.e.5(b); undetermined only when \
                 the record says the intent cannot be determined)",
            ),
        ));
    }
    None
}

/// Whether the words speak of a drug or chemical taken, given or met.
pub fn drug_context(text: &str) -> bool {
    let t = text.to_lowercase();
    drug_column(&t).is_some()
        || any(
            &t,
            &["table of drugs", "drug table", "t-code", "exposure to"],
        )
        || has_word(&t, "t code")
}

/// The Table of Neoplasms behaviour words at each token position: (position, column).
pub fn behaviour_marks(toks: &[String]) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let next = toks.get(i + 1).map(String::as_str);
        let prev = i
            .checked_sub(1)
            .and_then(|p| toks.get(p))
            .map(String::as_str);
        let col = match t.as_str() {
            "situ" if prev == Some("in") => Some(4),
            "cis" => Some(4),
            "metastasis" | "metastases" | "metastatic" | "mets" | "metastasized" | "secondary"
            | "secondaries" => Some(3),
            "spread" if next == Some("to") => Some(3),
            "benign" => Some(5),
            "uncertain" => Some(6),
            "unspecified" if next.is_some_and(|n| n.starts_with("behavio")) => Some(7),
            "malignant" | "malignancy" | "cancer" | "carcinoma" | "ca" | "adenocarcinoma"
            | "sarcoma" | "primary" => Some(2),
            _ => None,
        };
        if let Some(c) = col {
            out.push((i, c));
        }
    }
    // "carcinoma in situ": in situ decides, not carcinoma; "secondary malignant neoplasm",
    // "metastatic carcinoma": secondary decides, not malignant.
    let situ: Vec<usize> = out
        .iter()
        .filter(|(_, c)| *c == 4)
        .map(|(i, _)| *i)
        .collect();
    let secondary: Vec<usize> = out
        .iter()
        .filter(|(_, c)| *c == 3)
        .map(|(i, _)| *i)
        .collect();
    out.retain(|(i, c)| {
        !(*c == 2
            && (situ.iter().any(|s| s > i && s - i <= 3)
                || secondary.iter().any(|s| s.abs_diff(*i) == 1)))
    });
    out
}

/// Whether a token says what happened rather than which substance ("poisoning", "tablets"):
/// the Table of Drugs rows of those words (Poison NEC, Tablets, Drug NEC) are not the
/// substance asked about.
pub fn is_drug_context_word(token: &str) -> bool {
    matches!(
        token,
        "poison"
            | "poisoning"
            | "poisoned"
            | "drug"
            | "drugs"
            | "tablet"
            | "tablets"
            | "pill"
            | "pills"
            | "medicine"
            | "medication"
            | "medications"
            | "substance"
            | "overdose"
            | "chemical"
            | "toxic"
            | "toxicity"
            | "dose"
            | "doses"
            | "capsule"
            | "capsules"
            | "bottle"
            | "agent"
            | "liquid"
    )
}

/// Whether a token names a neoplasm or its behaviour rather than a site.
pub fn is_neoplasm_word(token: &str) -> bool {
    matches!(
        token,
        "neoplasm"
            | "neoplasms"
            | "neoplastic"
            | "tumor"
            | "tumour"
            | "tumors"
            | "tumours"
            | "malignant"
            | "malignancy"
            | "cancer"
            | "carcinoma"
            | "ca"
            | "benign"
            | "secondary"
            | "primary"
            | "metastasis"
            | "metastases"
            | "metastatic"
            | "mets"
            | "situ"
            | "cis"
            | "uncertain"
            | "behavior"
            | "behaviour"
            | "lesion"
            | "mass"
    )
}

/// Whether the words speak of a neoplasm at all.
pub fn neoplasm_context(toks: &[String]) -> bool {
    // "Primary osteoarthritis", "secondary hypertension": those two alone name no neoplasm.
    behaviour_marks(toks)
        .iter()
        .any(|(i, _)| !matches!(toks[*i].as_str(), "primary" | "secondary"))
        || toks.iter().any(|t| {
            matches!(
                t.as_str(),
                "neoplasm"
                    | "neoplasms"
                    | "tumor"
                    | "tumour"
                    | "tumors"
                    | "tumours"
                    | "malignant"
                    | "malignancy"
                    | "cancer"
                    | "carcinoma"
                    | "adenocarcinoma"
                    | "sarcoma"
            )
        })
}

/// Whether the words speak of how an injury happened (the External Cause Index).
pub fn external_cause_context(text: &str) -> bool {
    let t = text.to_lowercase();
    any(
        &t,
        &[
            "external cause",
            "ext cause",
            "e code",
            "e-code",
            "ecode",
            "how it happened",
            "injured",
            "injury",
            "accident",
            "bitten",
            "stung",
            "collision",
            "crash",
            "assault",
        ],
    ) || [
        "fell", "fall", "falls", "slipped", "tripped", "struck", "hit", "bit", "burned",
    ]
    .iter()
    .any(|w| has_word(&t, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_the_index_forms() {
        assert_eq!(stem("fell"), stem("fall"));
        assert_eq!(stem("falling"), stem("fall"));
        assert_eq!(stem("ladders"), stem("ladder"));
        assert_eq!(stem("injuries"), stem("injury"));
        assert_eq!(stem("striking"), stem("strike"));
        assert_ne!(stem("palate"), stem("plate"));
    }

    #[test]
    fn primary_or_secondary_alone_names_no_neoplasm() {
        let toks = |t: &str| -> Vec<String> { t.split(' ').map(str::to_string).collect() };
        assert!(!neoplasm_context(&toks(
            "primary osteoarthritis of both knees"
        )));
        assert!(!neoplasm_context(&toks("secondary hypertension")));
        assert!(neoplasm_context(&toks(
            "primary malignant neoplasm of lung"
        )));
        assert!(neoplasm_context(&toks("secondary carcinoma of liver")));
    }

    #[test]
    fn the_words_choose_the_drug_column() {
        assert_eq!(
            drug_column("adverse effect of amoxicillin"),
            Some((6, None))
        );
        assert_eq!(
            drug_column("accidental acetaminophen poisoning"),
            Some((2, None))
        );
        assert_eq!(
            drug_column("took the pills in a suicide attempt").map(|c| c.0),
            Some(3)
        );
        assert_eq!(drug_column("unintentional overdose").map(|c| c.0), Some(2));
        assert_eq!(drug_column("missed doses of insulin").map(|c| c.0), Some(7));
        let (col, note) = drug_column("overdose on heroin").unwrap();
        assert_eq!(col, 2);
        assert!(note.unwrap().contains("accidental"));
        assert_eq!(drug_column("amoxicillin rash"), None);
        assert_eq!(
            drug_column("took coumadin as prescribed, not an overdose").map(|c| c.0),
            Some(6)
        );
    }

    #[test]
    fn behaviour_words_mark_their_place() {
        let t = tokens("carcinoma in situ of the skin of the breast");
        assert_eq!(behaviour_marks(&t), vec![(2, 4)]);
        let t = tokens("colon ca with mets to liver");
        assert_eq!(behaviour_marks(&t), vec![(1, 2), (3, 3)]);
    }
}
