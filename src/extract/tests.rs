//! Table-driven tests of the extractor: what coders write, and what must never be a code.

use super::*;
use proptest::prelude::*;

/// The references of `text` in a compact form: `CPT 99213+25`, `CPT 99202..99215`, `MOD 25`.
fn compact(text: &str, oracle: &dyn CodeOracle) -> Vec<String> {
    extract(text, oracle)
        .iter()
        .map(|r| {
            let sys = match r.system {
                CodeSystem::Cpt => "CPT",
                CodeSystem::Hcpcs => "HCPCS",
                CodeSystem::Icd10Cm => "ICD",
                CodeSystem::Icd10Pcs => "PCS",
                CodeSystem::Modifier => "MOD",
                CodeSystem::Icd9Cm => "ICD9",
            };
            let mut s = format!("{sys} {}", r.code);
            if let Some(end) = &r.range_end {
                s.push_str(&format!("..{end}"));
            }
            for m in &r.modifiers {
                s.push_str(&format!("+{m}"));
            }
            s
        })
        .collect()
}

fn check(cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = compact(text, &NoCatalog);
        if got != *want {
            failures.push(format!("{text:?}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_issue_example() {
    check(&[(
        "Can 62322 be billed with 99213-25? Dx M54.16",
        &["CPT 62322", "CPT 99213+25", "MOD 25", "ICD M54.16"],
    )]);
}

#[test]
fn code_shapes() {
    check(&[
        (
            "Is 3074F reportable with 99214?",
            &["CPT 3074F", "CPT 99214"],
        ),
        ("Does Medicare pay 0042T?", &["CPT 0042T"]),
        ("PLA code 0001U for this lab", &["CPT 0001U"]),
        ("J3301 x 4 units for the knee", &["HCPCS J3301"]),
        ("G0283 billed with 97110", &["HCPCS G0283", "CPT 97110"]),
        ("Dx M5416 and M51.26", &["ICD M54.16", "ICD M51.26"]),
        ("dx: S72.001A", &["ICD S72.001A"]),
        ("T84.50XA for the infection", &["ICD T84.50XA"]),
        ("S72001A initial encounter", &["ICD S72.001A"]),
        ("ICD-10-PCS 0SG00ZZ for the fusion", &["PCS 0SG00ZZ"]),
        ("inpatient, coded 0SR9019", &["PCS 0SR9019"]),
        (
            "Dx I10, E11.9 and Z79.4",
            &["ICD I10", "ICD E11.9", "ICD Z79.4"],
        ),
        ("the old ICD-9 code was 724.4", &["ICD9 724.4"]),
        ("ICD-9 V58.61 is now Z79.01", &["ICD9 V58.61", "ICD Z79.01"]),
    ]);
}

#[test]
fn modifiers_attached_and_named() {
    check(&[
        ("26615-59", &["CPT 26615+59", "MOD 59"]),
        ("Billed 26615-59 today", &["CPT 26615+59", "MOD 59"]),
        (
            "Do I need modifier 25 on 99214?",
            &["MOD 25", "CPT 99214+25"],
        ),
        ("mod 59 or XU?", &["MOD 59", "MOD XU"]),
        (
            "Bill 97140 -XU with 97530",
            &["CPT 97140+XU", "MOD XU", "CPT 97530"],
        ),
        (
            "Should I bill 99213 with a 25?",
            &["CPT 99213+25", "MOD 25"],
        ),
        (
            "use modifiers LT/RT on 20610",
            &["MOD LT", "MOD RT", "CPT 20610+LT+RT"],
        ),
        ("Line 1: 64483 50 @ 1 unit", &["CPT 64483+50", "MOD 50"]),
        (
            "20610 RT and 20610 LT",
            &["CPT 20610+RT", "MOD RT", "CPT 20610+LT", "MOD LT"],
        ),
        (
            "99213-25-59 billed",
            &["CPT 99213+25+59", "MOD 25", "MOD 59"],
        ),
        ("the 59 modifier on 20552", &["MOD 59", "CPT 20552+59"]),
        (
            "Billed 99214 with modifier 25 and 20610.",
            &["CPT 99214+25", "MOD 25", "CPT 20610"],
        ),
    ]);
}

#[test]
fn ranges_and_lists() {
    check(&[
        ("E/M codes 99202-99215", &["CPT 99202..99215"]),
        ("99202 through 99215", &["CPT 99202..99215"]),
        ("codes 99202–99215", &["CPT 99202..99215"]),
        (
            "from 99202 to 99215 are office visits",
            &["CPT 99202..99215"],
        ),
        (
            "Should I use 99213, 99214 or 99215?",
            &["CPT 99213", "CPT 99214", "CPT 99215"],
        ),
        ("62322/99213 same day?", &["CPT 62322", "CPT 99213"]),
    ]);
}

#[test]
fn never_codes() {
    check(&[
        ("The lesion was 19.9 cm and we gave 2 mg.", &[]),
        ("Used a 22 gauge needle for 90 minutes", &[]),
        ("The fee is $125.00 or 50% of $12500", &[]),
        ("Suite 200, Dallas TX 75201", &[]),
        ("Hartford, CT 06103-1234", &[]),
        ("NPI 1234567893, claim #20240115001", &[]),
        ("CPT 2024 book, page 45", &[]),
        ("DOS 03/15/2024 at 10:30 AM", &[]),
        ("Call 214-555-0199 ext. 12345 or fax (214) 555-0123", &[]),
        ("Claim 12345 was denied", &[]),
        ("Our office is at 12345 Preston Rd", &[]),
        ("see https://www.cms.gov/files/99213-guide.pdf", &[]),
        ("mail me at coder99213@clinic.org", &[]),
        ("Vitamin B12 and A1C were drawn", &[]),
        ("MRI showed stenosis at T12-L1 and L4-L5", &[]),
        ("we have 15000 patients a year", &[]),
        ("Account # 55512, invoice 77123", &[]),
        ("a 25 year old patient", &[]),
        ("ZIP 90210", &[]),
        ("POS 22 versus POS 11", &[]),
    ]);
}

#[test]
fn five_digit_numbers_need_a_code_context_or_the_catalog() {
    check(&[("We moved in 75201 and loved it", &[])]);
    let known = CodeSet::new([(CodeSystem::Cpt, "75201")]);
    assert_eq!(
        compact("We moved in 75201 and loved it", &known),
        ["CPT 75201"]
    );
}

#[test]
fn catalog_decides_ambiguous_letter_codes() {
    let known = CodeSet::new([(CodeSystem::Icd10Cm, "J10.30")]);
    assert_eq!(compact("what about J1030 here", &known), ["ICD J10.30"]);
    let known = CodeSet::new([(CodeSystem::Hcpcs, "J1030")]);
    assert_eq!(compact("what about J1030 here", &known), ["HCPCS J1030"]);
}

#[test]
fn table_columns() {
    let text =
        "Line | CPT | Mod | Units | Dx\n1 | 64483 | 50 | 1 | M54.16\n2 | 99213 | 25 | 1 | M5416";
    check(&[(
        text,
        &[
            "CPT 64483+50",
            "MOD 50",
            "ICD M54.16",
            "CPT 99213+25",
            "MOD 25",
            "ICD M54.16",
        ],
    )]);
}

#[test]
fn spans_are_exact() {
    let text = "Bill 99202-99215 and M54.16.";
    let refs = extract(text, &NoCatalog);
    assert_eq!(refs.len(), 2);
    assert_eq!((refs[0].start, refs[0].end), (5, 16));
    assert_eq!(refs[0].text, "99202-99215");
    assert_eq!(refs[1].text, "M54.16");
    let json = serde_json::to_value(&refs[0]).unwrap();
    assert_eq!(json["system"], "CPT");
    assert_eq!(json["range_end"], "99215");
}

/// Found by the fuzzer: a number at the very end after a modifier-shaped number made the
/// claim-line check read the word after the last token.
#[test]
fn a_count_after_a_modifier_at_the_end_of_the_text() {
    for text in ["R 22 2", "99213 25 1", "25 x", "64483 50 @"] {
        let _ = extract(text, &NoCatalog);
    }
}

#[test]
fn a_table_row_of_many_cells_stays_fast() {
    let text = format!("CPT | Mod | Units\n{}", "99213 | 25 | 1 | ".repeat(20_000));
    let start = std::time::Instant::now();
    let refs = extract(&text, &NoCatalog);
    assert!(refs.len() >= 20_000);
    // Linear work: well under a second even unoptimised; quadratic would take minutes.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

fn arb_text() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("99213".to_string()),
            Just("-".to_string()),
            Just("25".to_string()),
            Just(" ".to_string()),
            Just("M54.16".to_string()),
            Just("modifier".to_string()),
            Just("CPT".to_string()),
            Just("\n".to_string()),
            Just(",".to_string()),
            Just("$".to_string()),
            Just("é".to_string()),
            Just("–".to_string()),
            Just("|".to_string()),
            Just("Dx".to_string()),
            Just("ICD-10".to_string()),
            Just("through".to_string()),
            Just("0SG00ZZ".to_string()),
            Just(".".to_string()),
            Just("@".to_string()),
            Just("x2".to_string()),
            Just("unit".to_string()),
            Just("LT/RT".to_string()),
            Just("with a".to_string()),
            "[0-9]{1,5}",
            "[ -~]{0,6}",
            "\\PC{0,3}",
        ],
        0..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn references_are_exact_sorted_disjoint_and_normal(text in arb_text()) {
        let refs = extract(&text, &NoCatalog);
        let mut last_end = 0;
        for r in &refs {
            prop_assert!(r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            prop_assert_eq!(&text[r.start..r.end], r.text.as_str());
            prop_assert!(r.start >= last_end, "overlap in {:?}", text);
            last_end = r.end;
            let again = normalize(r.system, &r.code);
            prop_assert_eq!(again.as_deref(), Some(r.code.as_str()));
            if let Some(end) = &r.range_end {
                let again = normalize(r.system, end);
                prop_assert_eq!(again.as_deref(), Some(end.as_str()));
                prop_assert!(r.code < *end);
            }
            for m in &r.modifiers {
                prop_assert!(r.system.is_procedure());
                prop_assert!(refs.iter().any(|o| o.system == CodeSystem::Modifier && &o.code == m));
            }
        }
        for (a, b) in alternatives(&text, &refs) {
            prop_assert!(a < b && b < refs.len());
            prop_assert!(refs[a].system != CodeSystem::Modifier);
            prop_assert!(refs[b].system != CodeSystem::Modifier);
        }
    }

    #[test]
    fn never_panics_on_any_string(text in "\\PC{0,200}") {
        let _ = extract(&text, &NoCatalog);
    }

    #[test]
    fn never_panics_on_any_bytes_as_text(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = extract(&text, &NoCatalog);
    }
}

// Edges found on real questions (issue 12, item 6): each test is named after its edge.

#[test]
fn an_english_word_in_capitals_is_no_modifier() {
    check(&[
        ("do we code J1100 AS 10 units", &["HCPCS J1100"]),
        ("Can we bill 99213 AT the same visit?", &["CPT 99213"]),
        (
            "Can we bill 97110 GO with 97140?",
            &["CPT 97110", "CPT 97140"],
        ),
        (
            "CAN I BILL 99213 AT THE SAME VISIT AS 20610?",
            &["CPT 99213", "CPT 20610"],
        ),
        ("Is 99214 UP to the payer?", &["CPT 99214"]),
        // Real uses stay modifiers.
        ("Bill J1100-AS", &["HCPCS J1100+AS", "MOD AS"]),
        ("Bill 64483-AS please", &["CPT 64483+AS", "MOD AS"]),
        (
            "Do I need modifier AS on 27447?",
            &["MOD AS", "CPT 27447+AS"],
        ),
        ("Line 1: 27447 AS @ 1 unit", &["CPT 27447+AS", "MOD AS"]),
        ("Billed 97110 GO", &["CPT 97110+GO", "MOD GO"]),
        ("append AS to 27447", &["MOD AS", "CPT 27447+AS"]),
        ("27447 AS 2 units", &["CPT 27447+AS", "MOD AS"]),
        ("Line 1: 27447 AS 2 units", &["CPT 27447+AS", "MOD AS"]),
    ]);
    let table = "CPT | Mod | Units\n27447 | AS | 1";
    check(&[(table, &["CPT 27447+AS", "MOD AS"])]);
}

#[test]
fn a_code_followed_by_an_ordinal_is_kept() {
    check(&[
        ("I10 first and E11.9 second", &["ICD I10", "ICD E11.9"]),
        ("code I10 1st", &["ICD I10"]),
        ("Dx I10 first, E11.9 second", &["ICD I10", "ICD E11.9"]),
        (
            "should I list E11.9 first or I10 first?",
            &["ICD E11.9", "ICD I10"],
        ),
        ("code I10 1st and E11.9 2nd", &["ICD I10", "ICD E11.9"]),
        (
            "Bill 20610 first, then 99213 second",
            &["CPT 20610", "CPT 99213"],
        ),
    ]);
}

#[test]
fn a_zip_code_after_a_state_is_no_code() {
    check(&[
        ("Springfield, IL 62701", &[]),
        ("Dallas TX 75201-1234", &[]),
        ("Springfield IL 62701", &[]),
        (
            "Please bill 99213 to our office at 100 Main St, Springfield, IL 62701",
            &["CPT 99213"],
        ),
        (
            "Billing office: 12 Elm St\nSpringfield IL 62701\nCan we bill 99213?",
            &["CPT 99213"],
        ),
        (
            "Send the claim for 99214 to Dallas TX 75201-1234 today",
            &["CPT 99214"],
        ),
        ("Columbus OH 43215", &[]),
        // A scan named before a code is no state.
        (
            "Head CT 70450 billed with 99213",
            &["CPT 70450", "CPT 99213"],
        ),
    ]);
}

#[test]
fn icd9_codes_with_a_decimal_are_found() {
    check(&[
        ("the old ICD-9 code was 724.2", &["ICD9 724.2"]),
        ("ICD-9 250.00 and 724.2", &["ICD9 250.00", "ICD9 724.2"]),
        (
            "We used ICD-9 back then. The code was 724.2.",
            &["ICD9 724.2"],
        ),
        ("old dx 724.2 is now M54.50", &["ICD9 724.2", "ICD M54.50"]),
        (
            "The old code 250.00 maps to E11.9",
            &["ICD9 250.00", "ICD E11.9"],
        ),
        ("In ICD-9 it was V58.61; what is it now?", &["ICD9 V58.61"]),
        (
            "ICD9 codes 724.2, 250.00 and V58.61",
            &["ICD9 724.2", "ICD9 250.00", "ICD9 V58.61"],
        ),
        ("dx 724.2, 250.00", &["ICD9 724.2", "ICD9 250.00"]),
        ("CPT | Dx\n99213 | 724.2", &["CPT 99213", "ICD9 724.2"]),
        // An amount later in a list is no ICD-9 code.
        ("CPT code 99213 was 125.00 last year", &["CPT 99213"]),
    ]);
}

/// The references of an HTML-only mail's body, as the worker reads it.
fn compact_html(html: &str) -> Vec<String> {
    let raw = format!(
        "From: a@b.example\r\nTo: c@d.example\r\nSubject: q\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{html}"
    );
    let q = crate::question::parse(raw.as_bytes(), &crate::question::Limits::default());
    compact(&q.text, &NoCatalog)
}

#[test]
fn a_bare_modifier_in_an_html_table_cell_is_found() {
    let row = |cells: &[&str]| {
        let tds: String = cells.iter().map(|c| format!("<td>{c}</td>")).collect();
        format!("<tr>{tds}</tr>")
    };
    /// The header cells, the rows' cells, and the references wanted.
    type Case<'a> = (&'a [&'a str], &'a [&'a [&'a str]], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            &["CPT", "Mod", "Units"],
            &[&["99213", "25", "1"], &["20610", "59", "1"]],
            &["CPT 99213+25", "MOD 25", "CPT 20610+59", "MOD 59"],
        ),
        (
            &["CPT Code(s)", "Modifier"],
            &[&["99213", "25"]],
            &["CPT 99213+25", "MOD 25"],
        ),
        (
            &["CPT/HCPCS Codes", "Mod", "Description"],
            &[&["99213", "25", "office visit"]],
            &["CPT 99213+25", "MOD 25"],
        ),
        // A row holding nothing but a modifier (the code cell merged with the row above).
        (
            &["CPT", "Mod", "Units"],
            &[&["20610", "59", "1"], &["", "25", ""]],
            &["CPT 20610+59", "MOD 59", "MOD 25"],
        ),
        (
            &["Code", "Modifier 1", "Modifier 2"],
            &[&["20610", "59", ""], &["20611", "", "RT"]],
            &["CPT 20610+59", "MOD 59", "CPT 20611+RT", "MOD RT"],
        ),
        (
            &["Mod", "CPT"],
            &[&["25", "99213"]],
            &["MOD 25", "CPT 99213+25"],
        ),
    ];
    let mut failures = Vec::new();
    for (header, rows, want) in cases {
        let ths: String = header.iter().map(|c| format!("<th>{c}</th>")).collect();
        let body: String = rows.iter().map(|r| row(r)).collect();
        let html = format!(
            "<html><body><p>Is this right?</p><table><tr>{ths}</tr>{body}</table></body></html>"
        );
        let got = compact_html(&html);
        if got != *want {
            failures.push(format!("{html}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn codes_written_as_alternatives_are_no_pair() {
    let groups = |text: &str| {
        let refs = extract(text, &NoCatalog);
        alternatives(text, &refs)
            .into_iter()
            .map(|(a, b)| format!("{} {}", refs[a].code, refs[b].code))
            .collect::<Vec<_>>()
    };
    assert_eq!(groups("99213 or 99214?"), ["99213 99214"]);
    assert_eq!(groups("Do I bill 99213/99214 for this?"), ["99213 99214"]);
    assert_eq!(groups("99213 vs 99214"), ["99213 99214"]);
    assert_eq!(
        groups("Should I use 99213, 99214 or 99215?"),
        ["99213 99214", "99213 99215", "99214 99215"]
    );
    assert_eq!(
        groups("Can 99213-25 or 99214-25 be billed with 20610?"),
        ["99213 99214"]
    );
    // Pairs to bundle-check stay pairs.
    assert!(groups("Can 62322 be billed with 99213-25?").is_empty());
    assert!(groups("62322/99213 same day?").is_empty());
    assert!(groups("99213 and 20610").is_empty());
    assert!(groups("Is 20610 and/or 99213 billable?").is_empty());
    assert!(groups("Dx I10, E11.9 and Z79.4").is_empty());
}

#[test]
fn icd9_codes_beside_a_question_about_icd10_are_found_when_the_gems_know_them() {
    let gems = CodeSet::new([
        (CodeSystem::Icd9Cm, "401.9"),
        (CodeSystem::Icd9Cm, "250.00"),
    ]);
    assert_eq!(
        compact("401.9 hypertension unspecified - what icd10?", &gems),
        ["ICD9 401.9"]
    );
    assert_eq!(
        compact(
            "legacy system still sending 250.00 on claims, DOS 2026. is that ok? \
             what is the ICD-10 equivalent",
            &gems
        ),
        ["ICD9 250.00"]
    );
    // Without the ICD-10 cue, or a number the GEMs do not know, it stays a number.
    assert!(compact("401.9 hypertension unspecified", &gems).is_empty());
    assert!(compact("paid 402.5 for it; what icd10?", &gems).is_empty());
}

#[test]
fn the_first_of_a_choice_of_modifiers_is_found_with_the_second() {
    check(&[
        ("pt signed the ABN. GA or GZ?", &["MOD GA", "MOD GZ"]),
        ("moving from GA to a new office", &[]),
        ("GA or FL office?", &[]),
    ]);
}

#[test]
fn dotless_diagnoses_by_letter_and_list_mates() {
    check(&[
        // A letter no HCPCS code starts with.
        (
            "Office visit 99214 with F3210.",
            &["CPT 99214", "ICD F32.10"],
        ),
        // A letter and four digits heading a list of dotless diagnoses.
        (
            "We billed 97161 for M2241, M25562 and R268.",
            &["CPT 97161", "ICD M22.41", "ICD M25.562", "ICD R26.8"],
        ),
        ("CKD: E1121 with N183?", &["ICD E11.21", "ICD N18.3"]),
        // A dotless diagnosis in a text whose other sentences hold the codes.
        (
            "Visit was 99213. Also Z7984 for the oral meds?",
            &["CPT 99213", "ICD Z79.84"],
        ),
        // A diagnosis before a letter code does not make it one.
        ("Pap with Z1272 and Q0091?", &["ICD Z12.72", "HCPCS Q0091"]),
        // LCD numbers are no codes.
        ("Per LCD L35010, is 64493 covered?", &["CPT 64493"]),
    ]);
}

#[test]
fn letter_codes_in_a_text_about_codes() {
    check(&[
        (
            "We bill 97110 for the exercise. Is that G0151 for home health?",
            &["CPT 97110", "HCPCS G0151"],
        ),
        // `bed 4` numbers a bed; `bed E0255` names its code.
        (
            "Hospital bed E0255 with rails, and 99309 for the visit?",
            &["HCPCS E0255", "CPT 99309"],
        ),
        (
            "Claim line is J1885 x 2 with 96374.",
            &["HCPCS J1885", "CPT 96374"],
        ),
    ]);
}

#[test]
fn modifiers_named_in_a_sentence() {
    check(&[
        // A distinctive modifier after another on the claim line is attached too.
        (
            "Do we keep billing E0114 RR KX?",
            &["HCPCS E0114+RR+KX", "MOD RR", "MOD KX"],
        ),
        (
            "We bill E0114 for crutches. Does it get NU or RR?",
            &["HCPCS E0114", "MOD NU", "MOD RR"],
        ),
        (
            "Billed H2017 x 4. Should it have HB for adults?",
            &["HCPCS H2017", "MOD HB"],
        ),
        (
            "Our clinic bills T1017. The state uses U4 for that program.",
            &["HCPCS T1017", "MOD U4"],
        ),
        (
            "We billed 00790 with QZ. ASA 4, so P4 too?",
            &["CPT 00790+QZ", "MOD QZ", "MOD P4"],
        ),
    ]);
}

#[test]
fn adjustment_and_remark_codes_licences_and_addresses_are_no_codes() {
    check(&[
        ("97140 was denied with CO-97.", &["CPT 97140"]),
        ("J0585 came back, denied with N290.", &["HCPCS J0585"]),
        ("Can we bill 99203? Our permit # D-58213.", &["CPT 99203"]),
        (
            "Send it to 100 Main St, Joliet IL 60435. Can we bill 99214?",
            &["CPT 99214"],
        ),
    ]);
}

#[test]
fn icd9_procedures_and_dotless_diagnoses() {
    check(&[
        (
            "The ICD-9 procedure code was 45.13 for the scope.",
            &["ICD9 45.13"],
        ),
        (
            "Volume 3 codes from old charts: 88.71, 44.43 and 54.1. What are they in PCS?",
            &["ICD9 88.71", "ICD9 44.43", "ICD9 54.1"],
        ),
        (
            "In ICD-9 we coded the fall E884.4. The arm was 813.42.",
            &["ICD9 E884.4", "ICD9 813.42"],
        ),
        (
            "An ICD-9 export without dots: 71536, 27800.",
            &["ICD9 715.36", "ICD9 278.00"],
        ),
        // No ICD-9 named: a temperature is no procedure code.
        ("Temp was 38.5 and we billed 99213.", &["CPT 99213"]),
    ]);
}
