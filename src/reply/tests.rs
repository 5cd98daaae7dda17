//! The reply from hand-made answers: subjects, threading headers, escaping of what the asker
//! wrote, and template errors that name the file.

use super::*;
use crate::answer::{self, Findings};
use crate::codes::{CodeEntry, CodeSystem, CodeVersion};
use crate::date::Date;
use crate::extract::CodeRef;
use crate::question::{self, Limits};
use std::path::{Path, PathBuf};

fn templates() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// A replier over the project's templates (for the other modules' tests).
pub(super) fn replier() -> Replier {
    Replier::new(settings(&templates())).unwrap()
}

fn settings(dir: &Path) -> ReplySettings {
    ReplySettings {
        from: "Coding Desk <consult@desk.example>".into(),
        message_id_domain: "desk.example".into(),
        footer: "Guidance, not a coverage decision.".into(),
        templates: dir.to_path_buf(),
    }
}

fn question(from: &str, subject: &str, extra_headers: &str, body: &str) -> Question {
    let raw = format!(
        "From: {from}\r\nTo: consult@desk.example\r\nSubject: {subject}\r\n\
         Message-ID: <q1@clinic.example>\r\n{extra_headers}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    question::parse(raw.as_bytes(), &Limits::default())
}

fn m5416_answer() -> answer::Answer {
    let entry = CodeEntry {
        system: CodeSystem::Icd10Cm,
        code: "M54.16".into(),
        versions: vec![CodeVersion {
            valid_from: "2025-10-01".parse().unwrap(),
            valid_to: None,
            billable: true,
            short_desc: None,
            long_desc: "Radiculopathy, lumbar region".into(),
            plain_desc: None,
            release: "ICD-10-CM FY2026".into(),
        }],
        added: None,
        action: None,
        notes: vec![],
        seven_chr: None,
        children: vec![],
        billable_descendants: 0,
        replaced_by: vec![],
        mue: vec![],
        ancestors: vec![],
        fee: vec![],
        fee_parts: vec![],
    };
    let findings = Findings {
        entries: vec![entry],
        code_sets: vec![answer::CodeSetRelease {
            set: "ICD10CM".into(),
            label: "ICD-10-CM FY2026".into(),
            effective_from: "2025-10-01".parse().unwrap(),
            period_end: "2026-09-30".parse().ok(),
        }],
        ..Findings::default()
    };
    let refs = vec![CodeRef {
        system: CodeSystem::Icd10Cm,
        code: "M54.16".into(),
        range_end: None,
        start: 0,
        end: 6,
        text: "M54.16".into(),
        modifiers: vec![],
        origin: None,
    }];
    let today: Date = "2026-01-15".parse().unwrap();
    answer::answer("M54.16?", &refs, &findings, today)
}

/// A copy of the project's templates with `name` replaced by `source`.
fn templates_with(name: &str, source: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "codedesk-reply-templates-{}-{}",
        std::process::id(),
        name.replace('/', "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&templates(), &dir);
    std::fs::write(dir.join(name), source).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let head = raw.split("\r\n\r\n").next().unwrap();
    head.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[test]
fn the_subject_gets_one_re_and_one_case_tag() {
    assert_eq!(
        reply_subject("Re: RE: M54.16?", "CD-1"),
        "Re: M54.16? [CD-1]"
    );
    assert_eq!(
        reply_subject("Re: M54.16? [CD-1]", "CD-1"),
        "Re: M54.16? [CD-1]"
    );
    assert_eq!(
        reply_subject("Fwd: question", "CD-2"),
        "Re: question [CD-2]"
    );
    assert_eq!(reply_subject("", "CD-3"), "Re: your coding question [CD-3]");
}

#[test]
fn an_answer_is_threaded_marked_automatic_and_tagged_with_the_case() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let q = question(
        "Dana <dana@clinic.example>",
        "Re: Re: M54.16 billable?",
        "In-Reply-To: <r2@desk.example>\r\nReferences: <r1@clinic.example> <r2@desk.example>\r\n",
        "Is M54.16 billable?",
    );
    let a = m5416_answer();
    let reply = replier
        .compose(ReplyKind::Answer(&a), &q, "CD-7", 1_768_435_200)
        .unwrap();
    assert_eq!(reply.to, "dana@clinic.example");
    assert_eq!(reply.subject, "Re: M54.16 billable? [CD-7]");
    assert_eq!(reply.message_id, "codedesk.CD-7.1768435200@desk.example");
    let raw = String::from_utf8(reply.raw.clone()).unwrap();
    assert_eq!(header(&raw, "Subject"), Some("Re: M54.16 billable? [CD-7]"));
    assert_eq!(
        header(&raw, "Message-ID"),
        Some("<codedesk.CD-7.1768435200@desk.example>")
    );
    assert_eq!(header(&raw, "In-Reply-To"), Some("<q1@clinic.example>"));
    assert_eq!(
        header(&raw, "References"),
        Some("<r1@clinic.example> <r2@desk.example> <q1@clinic.example>")
    );
    assert_eq!(header(&raw, "Auto-Submitted"), Some("auto-replied"));
    assert_eq!(header(&raw, "X-Auto-Response-Suppress"), Some("All"));
    assert_eq!(header(&raw, question::CASE_HEADER), Some("CD-7"));
    assert_eq!(
        header(&raw, "Date"),
        Some("Thu, 15 Jan 2026 00:00:00 +0000")
    );
    assert!(
        raw.contains("Content-Type: multipart/alternative;"),
        "{raw}"
    );
    assert!(raw.lines().all(|l| l.len() <= 78), "{raw}");
    assert!(
        raw.contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit"),
        "the HTML part is readable as it is: {raw}"
    );
    assert!(reply.text.contains("M54.16"), "{}", reply.text);
    assert!(reply.text.contains("Radiculopathy, lumbar region"));
    assert!(reply.html.contains("Radiculopathy, lumbar region"));
    assert!(reply.text.contains("Guidance, not a coverage decision."));
    assert!(reply.text.contains("ICD-10-CM FY2026"));
    // Parsed back, the message is what we meant; and we recognise it as our own (a loop).
    let back = question::parse(&reply.raw, &Limits::default());
    assert_eq!(back.subject, "Re: M54.16 billable? [CD-7]");
    assert_eq!(case_ref_in(&back), Some("CD-7".into()));
    assert!(
        back.automatic.is_some(),
        "our reply must be seen as automatic"
    );
    // The same reply composed twice is the same bytes.
    let again = replier
        .compose(ReplyKind::Answer(&a), &q, "CD-7", 1_768_435_200)
        .unwrap();
    assert_eq!(again.raw, reply.raw);
}

#[test]
fn non_ascii_names_and_subjects_are_encoded_in_headers() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let q = question(
        "=?utf-8?q?Ren=C3=A9e_Lef=C3=A8vre?= <renee@clinique.example>",
        "=?utf-8?q?Code_ICD-9_=C3=A0_traduire?=",
        "",
        "724.4?",
    );
    let reply = replier
        .compose(ReplyKind::NotRegistered, &q, "CD-9", 1_768_435_200)
        .unwrap();
    let raw = String::from_utf8(reply.raw.clone()).unwrap();
    let head = raw.split("\r\n\r\n").next().unwrap();
    assert!(head.is_ascii(), "{head}");
    assert!(head.contains("=?utf-8?"), "{head}");
    let back = question::parse(&reply.raw, &Limits::default());
    assert_eq!(back.subject, "Re: Code ICD-9 à traduire [CD-9]");
    assert_eq!(back.to[0].name.as_deref(), Some("Renée Lefèvre"));
    assert!(
        reply.text.contains("Hello Renée Lefèvre,"),
        "{}",
        reply.text
    );
}

#[test]
fn what_the_asker_wrote_is_data_escaped_never_run() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let q = question(
        "\"<script>alert(1)</script> {{ 7*7 }}\" <x@clinic.example>",
        "{% for x in range(9) %}boom{% endfor %}",
        "",
        "{{ 7*7 }}",
    );
    let reply = replier
        .compose(
            ReplyKind::Unprocessable("{{ 7*7 }} <script>alert(2)</script>"),
            &q,
            "CD-5",
            0,
        )
        .unwrap();
    assert!(!reply.html.contains("<script>"), "{}", reply.html);
    assert!(reply.html.contains("&lt;script&gt;"), "{}", reply.html);
    assert!(!reply.html.contains("49") && !reply.text.contains("49"));
    assert!(reply.text.contains("{{ 7*7 }}"), "{}", reply.text);
    assert!(!reply.text.contains("boom") && !reply.html.contains("boom"));
    assert!(reply.subject.contains("{% for x in range(9) %}"));
}

#[test]
fn every_notice_renders_from_the_project_templates() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let q = question("a@clinic.example", "question", "", "hello");
    for (kind, words) in [
        (ReplyKind::NotRegistered, "not registered"),
        (ReplyKind::OverQuota { quota: 3 }, "3 answers in 30 days"),
        (
            ReplyKind::Unprocessable("the message is larger than 10 MB"),
            "larger than 10 MB",
        ),
    ] {
        let r = replier.compose(kind, &q, "CD-1", 0).unwrap();
        let flat = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(words), "{kind:?}: {}", r.text);
        assert!(r.html.contains(words), "{kind:?}: {}", r.html);
        assert!(r.text.contains("Guidance, not a coverage decision."));
        assert!(r.text.starts_with("Hello,\n"), "{}", r.text);
    }
}

#[test]
fn a_question_without_codes_gets_the_no_code_reply() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let q = question(
        "a@clinic.example",
        "question",
        "",
        "what code for back pain?",
    );
    let findings = Findings {
        suggestions: vec![answer::Suggestion {
            system: CodeSystem::Icd10Cm,
            code: "M54.50".into(),
            description: "Low back pain, unspecified".into(),
            billable: true,
            score: 3.0,
        }],
        ..Findings::default()
    };
    let a = answer::answer("what code", &[], &findings, "2026-01-15".parse().unwrap());
    let r = replier
        .compose(ReplyKind::Answer(&a), &q, "CD-1", 0)
        .unwrap();
    assert!(r.text.contains("We could not find a code"), "{}", r.text);
    assert!(
        r.text
            .contains("M54.50   Low back pain, unspecified [ICD-10-CM]")
    );
    assert!(r.text.contains("not an answer"));
    assert!(r.html.contains("Low back pain, unspecified"));
}

#[test]
fn a_broken_template_is_refused_at_start_naming_the_file() {
    let dir = templates_with("parts/hcpcs.txt", "HCPCS {{ code.code }\n");
    let err = Replier::new(settings(&dir)).unwrap_err().to_string();
    assert!(err.contains("parts/hcpcs.txt"), "{err}");
    assert!(err.contains("syntax error"), "{err}");
    assert!(err.contains("line 1"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_undefined_variable_is_an_error_naming_the_file() {
    let dir = templates_with("over_quota.txt", "Hello {{ nickname }}\n");
    let replier = Replier::new(settings(&dir)).unwrap();
    let q = question("a@clinic.example", "question", "", "hello");
    let err = replier
        .compose(ReplyKind::OverQuota { quota: 3 }, &q, "CD-1", 0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("over_quota.txt"), "{err}");
    assert!(err.contains("undefined"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_runaway_template_runs_out_of_fuel() {
    let dir = templates_with(
        "not_registered.txt",
        "{% for i in range(10000) %}{% for j in range(10000) %}.{% endfor %}{% endfor %}\n",
    );
    let replier = Replier::new(settings(&dir)).unwrap();
    let q = question("a@clinic.example", "question", "", "hello");
    let err = replier
        .compose(ReplyKind::NotRegistered, &q, "CD-1", 0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not_registered.txt"), "{err}");
    assert!(err.contains("fuel"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_template_or_folder_is_named() {
    let dir = templates_with("answer.html", "x");
    std::fs::remove_file(dir.join("answer.html")).unwrap();
    let err = Replier::new(settings(&dir)).unwrap_err().to_string();
    assert!(
        err.contains("answer.html") && err.contains("missing"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let err = Replier::new(settings(Path::new("/nonexistent/templates")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/templates"), "{err}");
}

#[test]
fn a_bad_from_setting_is_refused() {
    let mut s = settings(&templates());
    s.from = "not an address".into();
    let err = Replier::new(s).unwrap_err().to_string();
    assert!(err.contains("From"), "{err}");
}

#[test]
fn the_case_ref_for_a_message_is_stable() {
    let q = question("a@clinic.example", "question", "", "hello");
    let a = case_ref_for(&q, b"ignored when there is a Message-ID");
    assert_eq!(a, case_ref_for(&q, b"other bytes"));
    assert!(a.starts_with("CD-") && a.len() == 11, "{a}");
}

/// Names and subjects that decode to CR, LF or other control characters: the reply is still
/// built (no panic), with each value on one clean line and no header of the asker's making.
#[test]
fn hostile_names_and_subjects_never_break_the_reply() {
    let replier = Replier::new(settings(&templates())).unwrap();
    let cases = [
        (
            "=?utf-8?q?Evil=0D=0AX-Injected:_1?= <a@clinic.example>",
            "Plain subject",
            "",
        ),
        (
            "Pat <pat@clinic.example>",
            "plain",
            "Reply-To: =?utf-8?b?RXZpbA0KWC1JbmplY3RlZDogMQ==?= <b@clinic.example>\r\n",
        ),
        (
            "Pat <pat@clinic.example>",
            "=?utf-8?q?Hi=0D=0AX-Injected:_1?=",
            "",
        ),
        (
            "=?utf-8?q?N=00ul=7F=C2=85nel=E2=80=A8sep=E2=80=AEbidi=09tab?= <c@clinic.example>",
            "=?utf-8?q?a=00b=0Dc=0Ad=E2=80=A9e?=",
            "",
        ),
    ];
    for (from, subject, extra) in cases {
        let q = question(from, subject, extra, "Is 99213 billable?");
        let reply = replier
            .compose(ReplyKind::NotRegistered, &q, "CD-5", 1_768_435_200)
            .unwrap_or_else(|e| panic!("{from} / {subject}: {e}"));
        let raw = String::from_utf8(reply.raw.clone()).unwrap();
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(!head.lines().any(|l| l.starts_with("X-Injected")), "{head}");
        assert!(
            head.chars()
                .all(|c| c == '\r' || c == '\n' || !c.is_control()),
            "{head:?}"
        );
        let back = question::parse(&reply.raw, &Limits::default());
        let to = back.to[0].name.clone().unwrap_or_default();
        assert!(!to.chars().any(char::is_control), "{to:?}");
        assert!(
            !back.subject.chars().any(char::is_control),
            "{:?}",
            back.subject
        );
    }
    let q = question(
        "=?utf-8?q?Evil=0D=0AX-Injected:_1?= <a@clinic.example>",
        "=?utf-8?q?Hi=0D=0AX-Injected:_1?=",
        "",
        "Is 99213 billable?",
    );
    let back = question::parse(
        &replier
            .compose(ReplyKind::NotRegistered, &q, "CD-6", 1_768_435_200)
            .unwrap()
            .raw,
        &Limits::default(),
    );
    assert_eq!(back.to[0].name.as_deref(), Some("Evil X-Injected: 1"));
    assert_eq!(back.subject, "Re: Hi X-Injected: 1 [CD-6]");
}

#[test]
fn the_built_in_templates_are_the_projects_and_write_the_same_reply() {
    let mut files = Vec::new();
    render::collect_for_tests(&templates(), &mut files);
    // The staff page's templates under web/ are built into the web module.
    files.retain(|(name, _)| !name.starts_with("web/"));
    assert_eq!(
        files.len(),
        crate::embedded::REPLY_TEMPLATES.len(),
        "templates/ and the built-in set differ in number"
    );
    for (name, path) in &files {
        let built_in = crate::embedded::text(crate::embedded::REPLY_TEMPLATES, name)
            .unwrap_or_else(|| panic!("{name} is not built in"));
        assert_eq!(built_in, std::fs::read_to_string(path).unwrap(), "{name}");
    }
    // The default setting in a folder without templates/ takes the built-in set.
    let defaults = crate::config::ReplyConfig::default();
    let from_config = ReplySettings::from_config(&defaults, "Desk <d@desk.example>");
    let expected = if Path::new("templates").is_dir() {
        PathBuf::from("templates")
    } else {
        PathBuf::new()
    };
    assert_eq!(from_config.templates, expected);
    let q = question(
        "Dana <dana@clinic.example>",
        "M54.16?",
        "",
        "Is M54.16 billable?",
    );
    let on_disk = Replier::new(settings(&templates())).unwrap();
    let built_in = Replier::new(settings(Path::new(""))).unwrap();
    let answer = m5416_answer();
    let a = on_disk
        .compose(ReplyKind::Answer(&answer), &q, "CD-1", 1_768_435_200)
        .unwrap();
    let b = built_in
        .compose(ReplyKind::Answer(&answer), &q, "CD-1", 1_768_435_200)
        .unwrap();
    assert!(a.text.contains("M54.16"), "{}", a.text);
    assert_eq!(a.text, b.text);
    assert_eq!(a.html, b.html);
}
