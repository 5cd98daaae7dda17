//! Replies to fixture questions (tests/fixtures/answers) answered from the real CMS files
//! (CODEDESK_CODESETS, imported once per run with the real binary): the official facts a coder
//! needs, the right headers, text snapshots (tests/snapshots, compared with a line diff;
//! `UPDATE_SNAPSHOTS=1` rewrites them, refused when `CI` is set), the `codedesk answer` command,
//! and the HTML reply rendered by headless Chromium.

mod common;
mod real_catalog;

use codedesk::codes::Catalog;
use codedesk::consult::{Consultation, consult};
use codedesk::date::Date;
use codedesk::question::{self, Limits};
use codedesk::reply::{self, OutgoingReply, ReplyKind};
use common::codesets;
use real_catalog::{db_url, open_catalog, real_catalog_dir, replier};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The day the answers are given (when a question names no date of service) and dated.
const TODAY: &str = "2026-11-27";

fn fixture(name: &str) -> Vec<u8> {
    let path = common::fixtures().join("answers").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn today() -> Date {
    TODAY.parse().unwrap()
}

fn now_unix() -> i64 {
    i64::from(today().days()) * 86_400
}

/// Consults and composes the reply to one fixture, as the worker would.
async fn answer(catalog: &Catalog, name: &str) -> (Consultation, OutgoingReply) {
    let raw = fixture(name);
    let c = consult(catalog, &raw, &Limits::default(), today())
        .await
        .unwrap();
    let case_ref = reply::case_ref_for(&c.question, &raw);
    let r = replier()
        .compose(
            ReplyKind::Answer(&c.answer),
            &c.question,
            &case_ref,
            now_unix(),
        )
        .unwrap();
    (c, r)
}

/// The text with lines joined, so wrapped sentences can be searched for.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, wanted: &[&str]) {
    let f = flat(text);
    for w in wanted {
        assert!(f.contains(&flat(w)), "missing {w:?} in:\n{text}");
    }
}

/// A header's value, unfolded.
fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap().replace("\r\n ", " ");
    head.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
}

#[tokio::test]
async fn a_short_fracture_code_gets_its_7th_characters() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "s82-seventh.eml").await;
    assert_has(
        &r.text,
        &[
            "ICD-10-CM S82.821 - header, not billable as written",
            "Torus fracture of lower end of right fibula",
            "Needs a 7th character (defined at S82.82)",
            "S82.821A  initial encounter for closed fracture",
            "S82.821D  subsequent encounter for fracture with routine healing",
            "S82.821S  sequela",
            "traumatic amputation of lower leg (S88.-) (at S82)",
            "date of service in your message, 2026-01-15",
        ],
    );
    assert_has(
        &r.html,
        &["S82.821A", "initial encounter for closed fracture"],
    );
    // The question's patient details are not echoed back.
    for private in ["John Doe", "8 yo", "bike"] {
        assert!(!r.text.contains(private) && !r.html.contains(private));
    }
}

#[tokio::test]
async fn a_header_code_lists_its_billable_children_and_threads_the_reply() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "m545-header.eml").await;
    assert_has(
        &r.text,
        &[
            "ICD-10-CM M54.5 - header, not billable as written",
            "Low back pain",
            "3 billable codes below it",
            "M54.50   Low back pain, unspecified",
            "M54.51   Vertebrogenic low back pain",
            "M54.59   Other low back pain",
            "lumbago with sciatica (M54.4-)",
        ],
    );
    let raw = String::from_utf8(r.raw.clone()).unwrap();
    // "Re: RE: low back pain code" is answered with one Re:.
    assert_eq!(
        r.subject,
        format!("Re: low back pain code [{}]", case_of(&raw))
    );
    assert!(!raw.contains("Re: Re:") && !raw.contains("Re: RE:"));
    assert_eq!(
        header(&raw, "In-Reply-To").as_deref(),
        Some("<q2-m545@ortho.example>")
    );
    assert_eq!(
        header(&raw, "References").as_deref(),
        Some("<root-0@ortho.example> <prev-1@ortho.example> <q2-m545@ortho.example>")
    );
    assert_eq!(
        header(&raw, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(
        header(&raw, "X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    let id = header(&raw, "Message-ID").unwrap();
    assert!(
        id.starts_with("<codedesk.CD-") && id.ends_with("@desk.example>"),
        "{id}"
    );
    assert_eq!(format!("<{}>", r.message_id), id);
    // A follow-up to this reply is tied to the case.
    let follow_up = format!(
        "From: mruiz@ortho.example\r\nSubject: {}\r\nMessage-ID: <q3@ortho.example>\r\n\
         In-Reply-To: {id}\r\nReferences: {id}\r\n\r\nThanks, and M54.51?\r\n",
        r.subject
    );
    let q = question::parse(follow_up.as_bytes(), &Limits::default());
    assert_eq!(reply::case_ref_in(&q), Some(case_of(&raw)));
}

fn case_of(raw: &str) -> String {
    header(raw, codedesk::question::CASE_HEADER).unwrap()
}

#[tokio::test]
async fn a_deleted_hcpcs_code_says_when_it_ended_and_what_replaced_it() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "j1030-deleted.eml").await;
    assert_has(
        &r.text,
        &[
            "HCPCS Level II J1030 - deleted",
            "Injection, methylprednisolone acetate, 40 mg",
            "deleted: valid through 2024-03-31, not on 2026-03-02",
            "Replaced by J1010 from 2024-04-01",
            "Added to HCPCS: 1982-01-01; last valid day 2024-03-31.",
        ],
    );
    assert_has(&r.html, &["deleted", "J1010"]);
}

#[tokio::test]
async fn a_valid_code_whose_cases_partly_moved_says_see_also_not_replaced() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "e119-see-also.eml").await;
    // FY2026 gave diabetes in remission its own code (E11.A); E11.9 stays valid.
    assert_has(
        &r.text,
        &[
            "E11.9",
            "valid on 2026-03-02",
            "E11.A",
            "have their own code",
        ],
    );
    assert!(!r.text.contains("Replaced by"), "{}", r.text);
    assert!(!r.html.contains("Replaced by"), "{}", r.html);
    assert_has(&r.html, &["See also", "E11.A"]);
}

#[tokio::test]
async fn a_pair_in_the_ptp_excerpt_gets_its_edit_and_the_modifier_answer() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (c, r) = answer(&catalog, "ptp-pair.eml").await;
    assert_eq!(c.answer.pairs.len(), 1, "{:?}", c.answer.pairs);
    assert_has(
        &r.text,
        &[
            "0001U (column 1) with 0030U (column 2): edit in force on 2026-08-03; practitioner edit effective 2018-07-01.",
            "Modifier indicator 1 (allowed): both may be paid when the services are separate and distinct",
            "Misuse of Column Two code with Column One code",
            "The modifier you mention (59) is one NCCI accepts for this edit.",
            // MUE from the practitioner table, with what the indicator means.
            "MUE: 1 unit per day (practitioner table from 2026-04-01; indicator 2 Date of Service Edit: Policy",
            // CPT descriptors only from a licensed file.
            "CPT note: CPT descriptors (AMA copyright) come only from a licensed CPT file",
        ],
    );
    assert_has(
        &r.html,
        &[
            "edit in force",
            "0001U with 0030U",
            "1: a modifier (such as 59, XE, XS, XP, XU or an anatomic modifier) allows both",
        ],
    );
}

#[tokio::test]
async fn cpt_codes_get_mue_and_pairs_without_an_edit_are_said_so() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (c, r) = answer(&catalog, "cpt-mue.eml").await;
    assert_has(
        &r.text,
        &[
            "CPT 99213",
            "MUE: 2 units per day (practitioner table from 2026-04-01; indicator 3 Date of Service Edit: Clinical",
            "0001U with 99213: not covered by the loaded PTP edits.",
            "Written with modifier 25.",
        ],
    );
    // 0028U is in no MUE table, only in the PTP excerpt: a CPT code without a descriptor, and
    // its pair with 0001U is checked (the edit was deleted in 2018).
    assert!(c.answer.unknown.is_empty(), "{:?}", c.answer.unknown);
    assert_has(
        &r.text,
        &[
            "CPT 0028U",
            "Status: known as a CPT code from the NCCI edit files (PTP/MUE) only; without a licensed CPT file its validity on 2026-06-01 cannot be confirmed here.",
            "0001U (column 1) with 0028U (column 2): a deleted edit, not in force on 2026-06-01; practitioner edit effective 2018-07-01, deletion date 2018-09-30.",
            "0028U with 99213: not covered by the loaded PTP edits.",
            // Only the sets used: no CPT file, so the NCCI tables, and the HCPCS modifier list
            // modifier 25 was looked for in.
            "Code sets consulted: HCPCS 2025-10, CY2023 Medicare fee schedule, NCCI MUEs 2026-04-01, NCCI PTP edits v32.2.",
        ],
    );
    assert!(!r.text.contains("Not found") && !r.text.contains("Units in your question"));
    // The edit ended in 2018: the date of service is not the day it was deleted.
    assert!(!r.text.contains("edit deleted on 2026"), "{}", r.text);
}

#[tokio::test]
async fn a_cpt_code_known_only_from_the_ptp_table_is_read_and_its_pair_checked() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    // 80500 is in the PTP excerpt and in no MUE table; no licensed CPT file is imported.
    let (c, r) = answer(&catalog, "ptp-only.eml").await;
    assert_eq!(c.answer.date_of_service.to_string(), "2020-06-15");
    assert!(c.answer.unknown.is_empty(), "{:?}", c.answer.unknown);
    assert_eq!(c.answer.pairs.len(), 1, "{:?}", c.answer.pairs);
    assert_has(
        &r.text,
        &[
            "CPT 80500",
            "Status: known as a CPT code from the NCCI edit files (PTP/MUE) only; without a licensed CPT file its validity on 2020-06-15 cannot be confirmed here.",
            "0001U (column 1) with 80500 (column 2): edit in force on 2020-06-15; practitioner edit effective 2018-01-01, deletion date 2021-12-31.",
            "Misuse of Column Two code with Column One code",
            "Modifier indicator 1 (allowed): both may be paid when the services are separate and distinct",
        ],
    );
}

#[tokio::test]
async fn units_asked_are_compared_with_the_mue_and_a_date_after_on_is_read() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (c, r) = answer(&catalog, "units-mue.eml").await;
    // "on 2026-02-03": not the Date header (2026-03-10), not the DOB.
    assert_eq!(c.answer.date_of_service.to_string(), "2026-02-03");
    assert!(c.answer.date_given);
    assert_has(
        &r.text,
        &[
            "date of service in your message, 2026-02-03",
            "Units in your question: 80 units are within the MUE of 160 per day (indicator 3, a date-of-service edit): the units on all lines for J1010 on the same date count toward it.",
            "Units in your question: 4 units are within the MUE of 16 per day (indicator 3",
            "Units in your question: 3 units exceed the MUE of 2 per day (indicator 3, a clinical date-of-service edit): the units on all lines for 99213 on the same date are added together, and when the total is above 2 units those lines are denied; the denial may be appealed with documentation of medical necessity.",
            "Code sets consulted: HCPCS 2025-10, CY2023 Medicare fee schedule, NCCI MUEs 2026-04-01, NCCI PTP edits v32.2.",
        ],
    );
    assert_has(&r.html, &["Units asked", "Over the MUE."]);
    assert!(!r.text.contains("1950") && !r.html.contains("1950"));
}

#[tokio::test]
async fn icd9_codes_get_gem_candidates_and_unknown_codes_name_the_sets_consulted() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "icd9-gems.eml").await;
    assert_has(
        &r.text,
        &[
            "724.4: ICD-10-CM candidates from the CMS General Equivalence Mappings",
            "M54.16    Radiculopathy, lumbar region [approximate]",
            "Code sets consulted: ICD-9/ICD-10 GEMs FY2018, ICD-10-CM FY2026.",
        ],
    );
    let (_, r) = answer(&catalog, "pcs-hip.eml").await;
    assert_has(
        &r.text,
        &[
            "ICD-10-PCS 0SR9019 - valid for reporting",
            "Replacement of Right Hip Joint with Metal Synthetic Substitute, Cemented, Open Approach",
            "Z99.999: not in the loaded code sets (ICD-10-CM FY2026).",
            "Code sets consulted: ICD-10-CM FY2026, ICD-10-PCS FY2026.",
        ],
    );
    // Only the code sets the answer used are cited.
    for unused in ["NCCI", "HCPCS", "GEMs"] {
        assert!(!r.text.contains(unused), "{unused} cited in:\n{}", r.text);
        assert!(!r.html.contains(unused), "{unused} cited in the HTML");
    }
}

#[tokio::test]
async fn a_question_in_words_gets_labelled_suggestions_and_a_request_for_detail() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "words-only.eml").await;
    assert_has(
        &r.text,
        &[
            "We could not find a code in your message",
            "Suggestions from the words of your question (not an answer",
            "M54.16   Radiculopathy, lumbar region [ICD-10-CM]",
            "reply with the code itself",
        ],
    );
}

#[tokio::test]
async fn modifiers_are_described_from_the_hcpcs_file_and_ranges_listed() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let (_, r) = answer(&catalog, "range-modifiers.eml").await;
    assert_has(
        &r.text,
        &[
            "XU  Unusual non-overlapping service, the use of a service that is distinct because it does not overlap usual components of the main service.",
            "RT  Right side (used to identify procedures performed on the right side of the body).",
            "Range 99202-99215 (9 codes found)",
            "99202, 99203, 99204, 99205, 99211, 99212, 99213, 99214, 99215. CPT descriptors come only from a licensed CPT file",
            "HCPCS Level II J1010 - valid",
            "Injection, methylprednisolone acetate, 1 mg",
            "Added to HCPCS: 2024-04-01.",
            "MUE: 160 units per day (practitioner table from 2026-04-01",
            "ICD-10-CM S72.001A - billable",
            "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture",
            "7th character A: initial encounter for closed fracture",
            "J1010 with G0439: not covered by the loaded PTP edits.",
        ],
    );
}

/// The fixtures whose text replies are kept as snapshots.
const SNAPSHOTS: &[&str] = &[
    "s82-seventh",
    "m545-header",
    "j1030-deleted",
    "ptp-pair",
    "cpt-mue",
    "icd9-gems",
    "words-only",
    "pcs-hip",
    "range-modifiers",
    "units-mue",
    "ptp-only",
    "e119-see-also",
    "fee-bilateral",
    "fee-global",
    "fee-pctc",
    "index-drug",
    "index-neoplasm",
    "units-dose",
    "mue-zero",
    "closer-limb",
    "ptp-outside",
    "excludes-pair",
    "past-release",
];

/// Whether this run may rewrite the snapshots: `UPDATE_SNAPSHOTS` set, never in CI (a snapshot
/// is reviewed truth; CI must compare, not write).
fn may_update_snapshots() -> bool {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    assert!(
        !(update && std::env::var_os("CI").is_some()),
        "UPDATE_SNAPSHOTS is set in CI (the CI variable is set): snapshots are reviewed truth and \
         CI only compares them. Unset UPDATE_SNAPSHOTS in the CI job; rewrite snapshots locally, \
         read their diff and commit them."
    );
    update
}

/// A line diff of `want` (the snapshot) against `got`: changed lines with `-`/`+`, two lines of
/// context around each change, `@@ line N` before each hunk (longest common subsequence).
fn line_diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Each line of the edit script: (kind, line number in `want`, text).
    let mut script: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            script.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            script.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            script.push(('+', i + 1, b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..script.len()).filter(|&k| script[k].0 != ' ').collect();
    let near = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= 2);
    let mut out = String::new();
    let mut last_shown: Option<usize> = None;
    for (k, (kind, line, text)) in script.iter().enumerate() {
        if !near(k) {
            continue;
        }
        if last_shown.is_none_or(|l| l + 1 != k) {
            out.push_str(&format!("@@ line {line}\n"));
        }
        out.push_str(&format!("{kind} {text}\n"));
        last_shown = Some(k);
    }
    out
}

/// This test binary run again for the snapshot test alone, with `CI` and `UPDATE_SNAPSHOTS`
/// set: it must fail, naming why. (Without CODEDESK_CODESETS, so a broken refusal could not
/// rewrite anything: the test would pass, which fails this one.)
#[test]
fn update_snapshots_is_refused_in_ci() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "text_replies_match_their_snapshots"])
        .env("CI", "true")
        .env("UPDATE_SNAPSHOTS", "1")
        .env_remove("CODEDESK_CODESETS")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "the snapshot test passed in CI with UPDATE_SNAPSHOTS:\n{said}"
    );
    assert!(
        said.contains("UPDATE_SNAPSHOTS is set in CI"),
        "the refusal says why:\n{said}"
    );
}

#[test]
fn a_snapshot_diff_shows_the_changed_lines_in_context() {
    let want = "Subject: Re: J1030\n\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    let got = "Subject: Re: J1030\n\na\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    assert_eq!(
        line_diff(want, got),
        "@@ line 4\n  b\n  c\n- d\n+ D\n  e\n  f\n@@ line 13\n  k\n  l\n+ m\n"
    );
    assert_eq!(line_diff(want, want), "", "no difference, no diff");
    assert_eq!(line_diff("", "x\n"), "@@ line 1\n+ x\n");
}

#[tokio::test]
async fn text_replies_match_their_snapshots() {
    let update = may_update_snapshots();
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut failures = Vec::new();
    for name in SNAPSHOTS {
        let (_, r) = answer(&catalog, &format!("{name}.eml")).await;
        let got = format!("Subject: {}\n\n{}", r.subject, r.text);
        // The text part reads in a plain-text client: wrapped, no markup, nothing unrendered.
        for line in r.text.lines() {
            assert!(line.chars().count() <= 78, "{name}: long line {line:?}");
        }
        assert!(!r.text.contains("{{") && !r.text.contains("{%") && !r.text.contains("<td"));
        let path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            let before = std::fs::read_to_string(&path).unwrap_or_default();
            if before != got {
                eprintln!(
                    "rewrote {}; read the change before committing it:\n{}",
                    path.display(),
                    line_diff(&before, &got)
                );
            }
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "no snapshot {}: run with UPDATE_SNAPSHOTS=1 and read it",
                path.display()
            )
        });
        if want != got {
            failures.push(format!(
                "{} (- snapshot, + reply now):\n{}",
                path.display(),
                line_diff(&want, &got)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "replies differ from their snapshots (UPDATE_SNAPSHOTS=1 rewrites them; read the diff first):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_answer_command_prints_the_reply_and_the_json_answer() {
    let Some(root) = codesets() else { return };
    let dir = real_catalog_dir(&root);
    let run = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codedesk"));
        cmd.arg("--db")
            .arg(db_url(dir))
            .arg("--index")
            .arg(dir.join("ix"))
            .arg("answer")
            .arg("--date")
            .arg(TODAY)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("CODEDESK_CONFIG");
        if json {
            cmd.arg("--json");
        }
        cmd.arg(common::fixtures().join("answers/j1030-deleted.eml"));
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run(false);
    assert_eq!(first, run(false), "the same message gives the same reply");
    let raw = String::from_utf8(first).unwrap();
    assert!(raw.contains("\r\n"), "CRLF line ends");
    assert_eq!(
        header(&raw, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert!(
        header(&raw, "Subject")
            .unwrap()
            .starts_with("Re: J1030 question [CD-")
    );
    assert_eq!(
        header(&raw, "Date").as_deref(),
        Some("Fri, 27 Nov 2026 00:00:00 +0000")
    );
    let parsed = question::parse(raw.as_bytes(), &Limits::default());
    assert!(parsed.full_text.contains("J1030") || parsed.text.contains("J1030"));
    let json: serde_json::Value = serde_json::from_slice(&run(true)).unwrap();
    assert_eq!(json["date_of_service"], "2026-03-02");
    assert_eq!(json["codes"][0]["code"], "J1030");
    assert_eq!(json["codes"][0]["status"], "deleted");
    assert_eq!(json["codes"][0]["replaced_by"][0]["code"], "J1010");
}

/// Where test artifacts (screenshots) are kept: `$CARGO_TARGET_DIR/test-artifacts`.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium() -> &'static str {
    let path = "/usr/bin/chromium";
    assert!(
        Path::new(path).exists(),
        "{path} is missing: run scripts/install-test-deps (Debian's chromium)"
    );
    path
}

#[tokio::test]
async fn the_html_reply_renders_in_headless_chromium() {
    let Some(root) = codesets() else { return };
    let catalog = open_catalog(&root).await;
    let out = artifacts();
    for name in ["s82-seventh", "ptp-pair", "words-only", "range-modifiers"] {
        let (_, r) = answer(&catalog, &format!("{name}.eml")).await;
        assert!(
            !r.html.contains("{{") && !r.html.contains("{%"),
            "{}",
            r.html
        );
        let html = out.join(format!("reply-{name}.html"));
        std::fs::write(&html, &r.html).unwrap();
        let png = out.join(format!("reply-{name}.png"));
        let _ = std::fs::remove_file(&png);
        let profile = out.join(format!("chromium-profile-{}", std::process::id()));
        let common_args = |cmd: &mut Command| {
            cmd.arg("--headless")
                .arg("--no-sandbox")
                .arg("--disable-gpu")
                .arg("--hide-scrollbars")
                .arg(format!("--user-data-dir={}", profile.display()));
        };
        let mut shot = Command::new(chromium());
        common_args(&mut shot);
        let status = shot
            .arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=760,2200")
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "chromium --screenshot failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
        // A blank page compresses to a few kB; a rendered reply with text is far larger.
        assert!(
            bytes.len() > 20_000,
            "{} looks blank ({} bytes)",
            png.display(),
            bytes.len()
        );
        let mut dump = Command::new(chromium());
        common_args(&mut dump);
        let dom = dump
            .arg("--dump-dom")
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout);
        assert!(dom.contains("Coding desk"), "{dom}");
        assert!(!dom.contains("{{") && !dom.contains("{%"), "{dom}");
        let _ = std::fs::remove_dir_all(&profile);
    }
}
