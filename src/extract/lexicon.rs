//! The words that give a token its context: code-system names, billing words, identifiers,
//! units, places. Lists only; the rules that read them live in `context`, `codes` and
//! `modifiers`.
//!
//! Every function takes a word already lower-cased (ASCII) unless it says otherwise.

/// A word naming what the codes next to it are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Keyword {
    /// CPT or HCPCS procedure codes: `CPT`, `HCPCS`, `E/M`, `J-code`.
    Procedure,
    /// Any code by its shape: `code`, `codes`.
    Any,
    /// ICD-10-CM diagnoses: `Dx`, `diagnosis`, `ICD-10`.
    Diagnosis,
    /// ICD-10-PCS: `PCS`, `ICD-10-PCS`.
    Pcs,
    /// ICD-9-CM: `ICD-9`.
    Icd9,
    /// Modifiers: `modifier`, `mod`.
    Modifier,
}

/// The keyword a single word is, if any (`icd10`, `dx2`, `modifiers`, `cpt`).
pub(super) fn keyword(w: &str) -> Option<Keyword> {
    use Keyword::*;
    Some(match w {
        "cpt" | "cpts" | "hcpcs" | "hcpc" | "hcpcs2" | "procedure" | "procedures" | "proc"
        | "e/m" | "e&m" | "em" => Procedure,
        "code" | "codes" | "coded" | "coding" => Any,
        "dx" | "dxs" | "diagnosis" | "diagnoses" | "diag" | "icd" | "icd10" | "icd10cm"
        | "icd-10" | "icd-10-cm" => Diagnosis,
        "pcs" | "icd10pcs" | "icd-10-pcs" => Pcs,
        "icd9" | "icd9cm" | "icd-9" | "icd-9-cm" => Icd9,
        "modifier" | "modifiers" | "mod" | "mods" | "modifer" | "modifers" | "modifyer"
        | "modifiier" => Modifier,
        _ if w.len() > 2 && w.starts_with("dx") && w[2..].bytes().all(|b| b.is_ascii_digit()) => {
            Diagnosis
        }
        _ => return None,
    })
}

/// Words that put a sentence about billing and coding, so that a bare five-digit number in it
/// is read as a CPT code.
pub(super) fn is_billing_word(w: &str) -> bool {
    matches!(
        w,
        "bill"
            | "billed"
            | "billing"
            | "billable"
            | "bills"
            | "report"
            | "reported"
            | "reporting"
            | "reportable"
            | "charge"
            | "charged"
            | "submit"
            | "submitted"
            | "append"
            | "appended"
            | "bundle"
            | "bundled"
            | "bundles"
            | "bundling"
            | "unbundle"
            | "unbundled"
            | "unbundling"
            | "ncci"
            | "cci"
            | "ptp"
            | "mue"
            | "mues"
            | "edit"
            | "edits"
            | "denied"
            | "denial"
            | "deny"
            | "denies"
            | "denying"
            | "reimburse"
            | "reimbursed"
            | "reimbursement"
            | "payer"
            | "payers"
            | "payable"
            | "paid"
            | "pays"
            | "rvu"
            | "rvus"
            | "global"
            | "separately"
            | "claim"
            | "claims"
            | "medicare"
            | "medicaid"
            | "visit"
            | "visits"
            | "level"
            | "injection"
            | "injections"
            | "surgery"
            | "service"
            | "services"
            | "together"
            | "same"
            | "code"
            | "codes"
            | "coded"
            | "coding"
            | "cpt"
            | "hcpcs"
            | "modifier"
            | "modifiers"
            | "units"
            | "dx"
            | "diagnosis"
            | "icd"
            | "icd10"
            | "use"
            | "using"
            | "add-on"
            | "addon"
            | "primary"
            | "secondary"
            | "covered"
            | "coverage"
            | "documentation"
            | "documented"
            | "instead"
            | "vs"
            | "versus"
            | "separate"
            | "dos"
            | "admission"
            | "admit"
            | "admitted"
            | "discharge"
            | "discharged"
            | "observation"
            | "inpatient"
            | "outpatient"
            | "consult"
            | "consultation"
            | "telehealth"
            | "patient"
            | "copay"
            | "deductible"
            | "superbill"
            | "eob"
            | "era"
            | "abn"
            | "prior"
            | "payment"
            | "paying"
            | "payor"
            | "insurance"
            | "aetna"
            | "cigna"
            | "humana"
            | "bcbs"
            | "uhc"
            | "tricare"
    )
}

/// Words after which a number is an identifier, not a code: `claim #`, `NPI`, `ext`, `Suite`.
pub(super) fn is_id_word(w: &str) -> bool {
    matches!(
        w,
        "claim"
            | "acct"
            | "account"
            | "member"
            | "mbr"
            | "subscriber"
            | "policy"
            | "mrn"
            | "id"
            | "npi"
            | "tin"
            | "ein"
            | "tax"
            | "ssn"
            | "invoice"
            | "inv"
            | "ticket"
            | "ref"
            | "reference"
            | "order"
            | "auth"
            | "authorization"
            | "authorisation"
            | "ext"
            | "extension"
            | "box"
            | "suite"
            | "ste"
            | "room"
            | "rm"
            | "apt"
            | "bldg"
            | "building"
            | "floor"
            | "page"
            | "pages"
            | "pg"
            | "fax"
            | "phone"
            | "tel"
            | "telephone"
            | "ph"
            | "cell"
            | "mobile"
            | "group"
            | "grp"
            | "batch"
            | "chk"
            | "eft"
            | "dcn"
            | "icn"
            | "control"
            | "zip"
            | "zipcode"
            | "postal"
            | "routing"
            | "pin"
            | "confirmation"
            | "tracking"
            | "version"
            | "ver"
            | "build"
            | "firmware"
            | "windows"
            | "ios"
            | "android"
            | "vitamin"
            | "vit"
            | "pos"
            | "tos"
            | "rev"
            | "revenue"
            | "line"
            | "item"
            | "step"
            | "tier"
            | "chapter"
            | "lot"
            | "ndc"
            | "serial"
            | "model"
            | "part"
            | "highway"
            | "hwy"
            | "interstate"
            | "flight"
            | "bed"
            | "age"
            | "aged"
            | "dob"
            | "carc"
            | "rarc"
            | "remark"
            | "taxonomy"
            | "error"
            | "lcd"
            | "ncd"
            | "lca"
    )
}

/// Identifier words that number things which also have codes: `bed 4` but `bed E0260`,
/// `line 2` but `line is J9312`.
pub(super) fn is_counted_thing(w: &str) -> bool {
    matches!(
        w,
        "bed" | "line" | "item" | "step" | "tier" | "part" | "model"
    )
}

/// Words a payer's denial ends on before its remark code: `denied with N130`, `kicked it back
/// with M80`.
pub(super) fn is_denial_word(w: &str) -> bool {
    matches!(
        w,
        "denied" | "denial" | "rejected" | "rejection" | "back" | "returned" | "adjusted"
    )
}

/// Words before `code` that make it no medical code: `error code 10061`, `ZIP code`,
/// `remark code N130`.
pub(super) fn is_other_code_word(w: &str) -> bool {
    matches!(
        w,
        "error"
            | "status"
            | "reason"
            | "response"
            | "reply"
            | "reference"
            | "ref"
            | "zip"
            | "postal"
            | "promo"
            | "promotional"
            | "access"
            | "confirmation"
            | "verification"
            | "security"
            | "area"
            | "country"
            | "discount"
            | "coupon"
            | "source"
            | "bar"
            | "qr"
            | "exit"
            | "return"
            | "http"
            | "smtp"
            | "diagnostic"
            | "activation"
            | "auth"
            | "authorization"
            | "pin"
            | "tracking"
            | "dress"
            | "color"
            | "colour"
            | "sort"
            | "swift"
            | "routing"
            | "bank"
            | "remark"
            | "adjustment"
            | "carc"
            | "rarc"
            | "group"
            | "denial"
            | "program"
            | "secret"
            | "otp"
            | "login"
            | "invite"
            | "invitation"
            | "gift"
            | "voucher"
            | "product"
            | "item"
            | "sku"
            | "npi"
            | "taxonomy"
    )
}

/// Fillers between an identifier word and its number: `claim # 123`, `NPI number: 123`.
pub(super) fn is_id_filler(w: &str) -> bool {
    matches!(
        w,
        "no" | "nbr" | "num" | "number" | "numbers" | "is" | "was" | "id"
    )
}

/// Measures after a number: `2 mg`, `19.9 cm`, `22 gauge`, `$5 dollars`, `45 years`. After any
/// code-shaped word they make it a number.
pub(super) fn is_measure_unit(w: &str) -> bool {
    matches!(
        w,
        "mg" | "mcg"
            | "ug"
            | "gm"
            | "gram"
            | "grams"
            | "kg"
            | "lb"
            | "lbs"
            | "pound"
            | "pounds"
            | "oz"
            | "ml"
            | "cc"
            | "liter"
            | "liters"
            | "dl"
            | "meq"
            | "mmol"
            | "mol"
            | "iu"
            | "mm"
            | "cm"
            | "km"
            | "inch"
            | "inches"
            | "ft"
            | "feet"
            | "foot"
            | "sq"
            | "cm2"
            | "mm2"
            | "sec"
            | "secs"
            | "second"
            | "seconds"
            | "min"
            | "mins"
            | "minute"
            | "minutes"
            | "hr"
            | "hrs"
            | "hour"
            | "hours"
            | "year"
            | "years"
            | "yr"
            | "yrs"
            | "yo"
            | "gauge"
            | "french"
            | "percent"
            | "pct"
            | "dollars"
            | "dollar"
            | "usd"
            | "bucks"
            | "cents"
            | "patients"
            | "people"
            | "miles"
            | "mile"
            | "degrees"
            | "deg"
            | "mmhg"
            | "bpm"
            | "lesions"
            | "members"
            | "providers"
            | "physicians"
            | "beds"
            | "staff"
            | "employees"
            | "kb"
            | "mb"
            | "gb"
    )
}

/// Counts after a number: `2 units`, `3 visits`, `4 vials`, and the one-letter units (`5 u`,
/// `10 g`, `3 in`). They make a bare two-digit number a quantity, but a code stays a code
/// (`97110 units`, `99213 in the office`).
pub(super) fn is_count_word(w: &str) -> bool {
    matches!(
        w,
        "unit"
            | "units"
            | "u"
            | "g"
            | "m"
            | "l"
            | "in"
            | "ga"
            | "fr"
            | "mo"
            | "mos"
            | "month"
            | "months"
            | "day"
            | "days"
            | "week"
            | "weeks"
            | "wk"
            | "wks"
            | "times"
            | "visits"
            | "sessions"
            | "session"
            | "vials"
            | "vial"
            | "tabs"
            | "tablets"
            | "doses"
            | "dose"
            | "calls"
            | "pages"
            | "words"
            | "characters"
            | "am"
            | "pm"
            | "x"
    )
}

/// Words that may stand after a modifier without making it a quantity: `with a 25 on the E/M`.
pub(super) fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "on" | "and"
            | "or"
            | "the"
            | "for"
            | "to"
            | "if"
            | "since"
            | "because"
            | "but"
            | "so"
            | "as"
            | "in"
            | "when"
            | "please"
            | "appended"
            | "attached"
            | "added"
            | "instead"
            | "too"
            | "also"
            | "here"
            | "there"
            | "is"
            | "be"
            | "should"
            | "would"
            | "will"
            | "then"
            | "only"
            | "correct"
            | "right"
            | "ok"
            | "okay"
            | "required"
            | "needed"
            | "necessary"
            | "work"
            | "apply"
            | "applies"
            | "go"
            | "goes"
            | "enough"
            | "at"
            | "vs"
            | "versus"
            | "with"
            | "w"
    )
}

/// Words before a modifier that make a bare two-character token one: `with a 25`, `append 59`.
pub(super) fn is_modifier_verb(w: &str) -> bool {
    matches!(
        w,
        "with"
            | "w"
            | "append"
            | "appending"
            | "appended"
            | "add"
            | "adding"
            | "added"
            | "use"
            | "using"
            | "used"
            | "need"
            | "needs"
            | "needed"
            | "attach"
            | "attaching"
            | "without"
            | "put"
            | "putting"
            | "require"
            | "requires"
            | "apply"
            | "applying"
            | "bill"
            | "billed"
            | "get"
            | "gets"
            | "have"
            | "has"
            | "uses"
    )
}

/// Words allowed inside a list of codes governed by a keyword: `CPT codes 99213, 99214 or 99215`.
pub(super) fn is_list_filler(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "or"
            | "nor"
            | "code"
            | "codes"
            | "of"
            | "is"
            | "are"
            | "was"
            | "were"
            | "number"
            | "numbers"
            | "like"
            | "such"
            | "as"
            | "eg"
            | "e.g"
            | "ie"
            | "i.e"
            | "either"
            | "both"
            | "plus"
            | "vs"
            | "versus"
            | "through"
            | "thru"
            | "then"
            | "also"
            | "w"
            | "with"
            | "only"
            | "level"
    )
}

/// Articles and similar words a keyword may be separated from its first code by: `the code`.
pub(super) fn is_article(w: &str) -> bool {
    matches!(w, "a" | "an" | "the" | "this" | "that" | "these" | "those")
}

/// Ordinals a coder writes after a code to give its place on the claim: `E11.22 first and N18.4
/// second`, `code I10 1st`.
pub(super) fn is_ordinal(w: &str) -> bool {
    matches!(
        w,
        "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
            | "last"
            | "1st"
            | "2nd"
            | "3rd"
            | "4th"
            | "5th"
            | "primary"
            | "secondary"
    )
}

/// Words joining two codes in a range: `99202 through 99215`.
pub(super) fn is_range_word(w: &str) -> bool {
    matches!(w, "through" | "thru" | "thr")
}

/// Words joining codes that can be reported together: `62322 and 99213`, `20610 with 99213`.
pub(super) fn is_pair_word(w: &str) -> bool {
    matches!(
        w,
        "and" | "or" | "with" | "w" | "plus" | "vs" | "versus" | "nor"
    )
}

/// US state and territory abbreviations (upper case, as written).
pub(super) fn is_state(w: &str) -> bool {
    matches!(
        w,
        "AL" | "AK"
            | "AZ"
            | "AR"
            | "CA"
            | "CO"
            | "CT"
            | "DE"
            | "DC"
            | "FL"
            | "GA"
            | "HI"
            | "ID"
            | "IL"
            | "IN"
            | "IA"
            | "KS"
            | "KY"
            | "LA"
            | "ME"
            | "MD"
            | "MA"
            | "MI"
            | "MN"
            | "MS"
            | "MO"
            | "MT"
            | "NE"
            | "NV"
            | "NH"
            | "NJ"
            | "NM"
            | "NY"
            | "NC"
            | "ND"
            | "OH"
            | "OK"
            | "OR"
            | "PA"
            | "RI"
            | "SC"
            | "SD"
            | "TN"
            | "TX"
            | "UT"
            | "VT"
            | "VA"
            | "WA"
            | "WV"
            | "WI"
            | "WY"
            | "PR"
            | "GU"
            | "VI"
    )
}

/// State abbreviations that are also words or medical abbreviations (`CT 70450`, `MD`, `PA`):
/// a number after one is a ZIP code only when a comma stands before the state.
pub(super) fn is_ambiguous_state(w: &str) -> bool {
    matches!(
        w,
        "CT" | "MD"
            | "PA"
            | "OR"
            | "ME"
            | "IN"
            | "OK"
            | "DE"
            | "MA"
            | "CO"
            | "MS"
            | "HI"
            | "ID"
            | "LA"
            | "MO"
            | "NE"
            | "UT"
            | "VA"
            | "AL"
            | "AR"
            | "SC"
            | "SD"
            | "MI"
            | "IA"
            | "KS"
            | "MT"
            | "ND"
            | "NC"
            | "WA"
            | "GA"
            | "DC"
            | "PR"
            | "VI"
            | "GU"
            | "MN"
            | "NM"
            | "WI"
            | "RI"
            | "AK"
            | "AZ"
            | "IL"
            | "KY"
            | "NH"
            | "NV"
            | "NJ"
            | "OH"
            | "TN"
            | "VT"
            | "WV"
            | "WY"
    )
}

/// State abbreviations that are also words coders put before a code on a line of its own
/// (`Head CT 70450`, `Chest PA 71046`, `Smith MD`, `Main OR`).
pub(super) fn is_imaging_state(w: &str) -> bool {
    matches!(w, "CT" | "PA" | "MD" | "OR" | "MA" | "MS" | "DC")
}

/// Street-type words that end a street address: `12345 Preston Rd`.
pub(super) fn is_street_word(w: &str) -> bool {
    matches!(
        w,
        "st" | "street"
            | "rd"
            | "road"
            | "ave"
            | "av"
            | "avenue"
            | "blvd"
            | "boulevard"
            | "dr"
            | "drive"
            | "ln"
            | "lane"
            | "way"
            | "pkwy"
            | "parkway"
            | "hwy"
            | "highway"
            | "ct"
            | "court"
            | "pl"
            | "place"
            | "cir"
            | "circle"
            | "ter"
            | "terrace"
            | "trl"
            | "trail"
            | "fwy"
            | "freeway"
            | "expy"
            | "plaza"
            | "plz"
            | "loop"
            | "pike"
            | "sq"
            | "square"
            | "row"
            | "pkway"
    )
}

/// CPT modifiers (two digits) and HCPCS Level II modifiers, upper case and sorted.
const MODIFIERS: &[&str] = &[
    "1P", "22", "23", "24", "25", "26", "27", "2P", "32", "33", "3P", "47", "50", "51", "52", "53",
    "54", "55", "56", "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80",
    "81", "82", "8P", "90", "91", "92", "93", "95", "96", "97", "99", "A1", "A2", "A3", "A4", "A5",
    "A6", "A7", "A8", "A9", "AA", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AM", "AO", "AP",
    "AQ", "AR", "AS", "AT", "AU", "AV", "AW", "AX", "AY", "AZ", "BA", "BL", "BO", "BP", "BR", "BU",
    "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL", "CM", "CN", "CO", "CP",
    "CQ", "CR", "CS", "CT", "DA", "E1", "E2", "E3", "E4", "EA", "EB", "EC", "ED", "EE", "EJ", "EM",
    "EP", "ER", "ET", "EX", "EY", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "FA", "FB",
    "FC", "FP", "FQ", "FR", "FS", "FT", "FX", "FY", "G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7",
    "G8", "G9", "GA", "GB", "GC", "GD", "GE", "GF", "GG", "GH", "GJ", "GK", "GL", "GM", "GN", "GO",
    "GP", "GQ", "GR", "GS", "GT", "GU", "GV", "GW", "GX", "GY", "GZ", "H9", "HA", "HB", "HC", "HD",
    "HE", "HF", "HG", "HH", "HI", "HJ", "HK", "HL", "HM", "HN", "HO", "HP", "HQ", "HR", "HS", "HT",
    "HU", "HV", "HW", "HX", "HY", "HZ", "J1", "J2", "J3", "J4", "J5", "JA", "JB", "JC", "JD", "JE",
    "JG", "JW", "JZ", "K0", "K1", "K2", "K3", "K4", "KA", "KB", "KC", "KD", "KE", "KF", "KG", "KH",
    "KI", "KJ", "KK", "KL", "KM", "KN", "KO", "KP", "KQ", "KR", "KS", "KT", "KU", "KV", "KW", "KX",
    "KY", "KZ", "L1", "LC", "LD", "LL", "LM", "LR", "LS", "LT", "LU", "M2", "MA", "MB", "MC", "MD",
    "ME", "MF", "MG", "MH", "MS", "NB", "NR", "NU", "P1", "P2", "P3", "P4", "P5", "P6", "PA", "PB",
    "PC", "PD", "PI", "PL", "PM", "PN", "PO", "PS", "PT", "Q0", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6",
    "Q7", "Q8", "Q9", "QA", "QB", "QC", "QD", "QE", "QF", "QG", "QH", "QJ", "QK", "QL", "QM", "QN",
    "QP", "QQ", "QR", "QS", "QT", "QW", "QX", "QY", "QZ", "RA", "RB", "RC", "RD", "RE", "RI", "RR",
    "RT", "SA", "SB", "SC", "SD", "SE", "SF", "SG", "SH", "SJ", "SK", "SL", "SM", "SN", "SQ", "SS",
    "ST", "SU", "SV", "SW", "SY", "SZ", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "TA",
    "TB", "TC", "TD", "TE", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TP", "TQ", "TR", "TS",
    "TT", "TU", "TV", "TW", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "UA", "UB", "UC",
    "UD", "UE", "UF", "UG", "UH", "UJ", "UK", "UN", "UP", "UQ", "UR", "US", "V1", "V2", "V3", "V4",
    "V5", "V6", "V7", "V8", "V9", "VM", "VP", "X1", "X2", "X3", "X4", "X5", "XE", "XP", "XS", "XU",
    "ZA", "ZB", "ZC",
];

/// Whether a two-character token (any case) is a CPT or HCPCS modifier.
pub(super) fn is_modifier(token: &str) -> bool {
    let b = token.as_bytes();
    if b.len() != 2 {
        return false;
    }
    let up = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
    let Ok(up) = std::str::from_utf8(&up) else {
        return false;
    };
    MODIFIERS.binary_search(&up).is_ok()
}

/// Letter modifiers distinctive enough to be read as modifiers with no other sign (upper case).
pub(super) fn is_distinctive_modifier(token: &str) -> bool {
    matches!(
        token,
        "XU" | "XS" | "XE" | "XP" | "JW" | "JZ" | "KX" | "GY" | "GZ" | "QW" | "FY" | "FX" | "JG"
    )
}

/// Modifiers that are also English words or prose abbreviations (upper case): in a sentence
/// written in capitals, `J1100 AS 10 units` means "as" and `99284 ED visit` the emergency
/// department.
pub(super) fn is_word_modifier(token: &str) -> bool {
    matches!(
        token,
        "AS" | "AT"
            | "GO"
            | "ME"
            | "UP"
            | "US"
            | "HE"
            | "AM"
            | "PM"
            | "HI"
            | "RE"
            | "EX"
            | "AD"
            | "AH"
            | "HA"
            | "UH"
            | "AW"
            | "ER"
            | "ED"
            | "PT"
            | "MD"
            | "PA"
            | "CT"
    )
}

/// Letter modifiers that, written after a code on its line (`20610 RT`), make it a claim line:
/// every letter modifier except those that are also words or state abbreviations.
pub(super) fn is_line_modifier(token: &str) -> bool {
    is_modifier(token)
        && token.bytes().any(|b| b.is_ascii_alphabetic())
        && !is_state(token)
        && !matches!(
            token,
            "AS" | "AT"
                | "GO"
                | "ME"
                | "UP"
                | "US"
                | "HE"
                | "AM"
                | "PM"
                | "ER"
                | "ED"
                | "PT"
                | "TV"
                | "CT"
                | "CC"
                | "CD"
                | "EM"
                | "ST"
                | "SS"
                | "HI"
                | "PA"
                | "PC"
                | "PS"
                | "SA"
                | "TM"
                | "TT"
                | "UA"
                | "UN"
                | "BO"
                | "BA"
                | "HR"
                | "HS"
                | "NR"
                | "ET"
                | "EX"
                | "PO"
                | "PL"
                | "CP"
                | "CE"
                | "DA"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifier_list_is_sorted_and_upper_case() {
        assert!(MODIFIERS.windows(2).all(|w| w[0] < w[1]));
        assert!(MODIFIERS.iter().all(|m| {
            m.len() == 2
                && m.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }));
    }

    #[test]
    fn recognises_modifiers_in_any_case() {
        for (token, want) in [
            ("25", true),
            ("xu", true),
            ("LT", true),
            ("59", true),
            ("21", false),
            ("10", false),
            ("OK", false),
            ("JZ", true),
            ("255", false),
        ] {
            assert_eq!(is_modifier(token), want, "{token}");
        }
    }

    #[test]
    fn keywords() {
        assert_eq!(keyword("dx2"), Some(Keyword::Diagnosis));
        assert_eq!(keyword("icd-10-pcs"), Some(Keyword::Pcs));
        assert_eq!(keyword("mods"), Some(Keyword::Modifier));
        assert_eq!(keyword("dxa"), None);
        assert_eq!(keyword("the"), None);
    }
}
