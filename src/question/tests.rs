//! Tests of `parse` on small messages built here: headers, charsets and transfer encodings,
//! HTML, attachments, quoted history, automatic mail and limits.

use super::*;
use proptest::prelude::*;

fn q(raw: &str) -> Question {
    parse(raw.as_bytes(), &Limits::default())
}

#[test]
fn headers_become_values() {
    let m = q("From: \"Doe, Jane\" <Jane.Doe@Clinic.Example>\r\n\
               Reply-To: Billing <BILLING@clinic.example>\r\n\
               To: desk@codedesk.example, Other <o@x.example>\r\n\
               Subject: =?UTF-8?Q?Can_62322_be_billed_with_99213=E2=80=9125=3F?=\r\n\
               Message-ID: <abc@clinic.example>\r\n\
               In-Reply-To: <prev@codedesk.example>\r\n\
               References: <first@clinic.example> <prev@codedesk.example>\r\n\
               Date: Mon, 4 Mar 2024 09:12:00 -0500\r\n\
               \r\n\
               Dx M54.16\r\n");
    let from = m.from.clone().unwrap();
    assert_eq!(from.address, "jane.doe@clinic.example");
    assert_eq!(from.name.as_deref(), Some("Doe, Jane"));
    assert_eq!(m.reply_address().unwrap().address, "billing@clinic.example");
    assert_eq!(m.to.len(), 2);
    assert_eq!(m.subject, "Can 62322 be billed with 99213\u{2011}25?");
    assert_eq!(m.message_id.as_deref(), Some("abc@clinic.example"));
    assert_eq!(m.in_reply_to, vec!["prev@codedesk.example"]);
    assert_eq!(
        m.references,
        vec!["first@clinic.example", "prev@codedesk.example"]
    );
    let date = m.date.unwrap();
    assert_eq!(date.to_string(), "2024-03-04T09:12:00-05:00");
    assert_eq!(date.utc_date().to_string(), "2024-03-04");
    assert_eq!(m.text, "Dx M54.16");
    assert_eq!(m.automatic, None);
    assert_eq!(m.body_kind, BodyKind::Plain);
}

#[test]
fn quoted_printable_soft_break_inside_a_code_does_not_split_it() {
    let m = q(
        "From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\
               Content-Transfer-Encoding: quoted-printable\n\n\
               Can I bill 992=\n13 with modifier 2=\n5? The fee is =2450.\n",
    );
    assert_eq!(m.text, "Can I bill 99213 with modifier 25? The fee is $50.");
}

#[test]
fn charsets_and_base64() {
    // "Código 99213 – ¿sí?" in ISO-8859-1 (no en dash there: a plain hyphen).
    let latin1: Vec<u8> =
        b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=iso-8859-1\n\
        Content-Transfer-Encoding: quoted-printable\n\nC=F3digo 99213 - =BFs=ED?\n"
            .to_vec();
    assert_eq!(
        parse(&latin1, &Limits::default()).text,
        "Código 99213 - ¿sí?"
    );
    // windows-1252 smart quotes and en dash, 8bit.
    let mut cp1252 =
        b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=windows-1252\n\n"
            .to_vec();
    cp1252.extend_from_slice(b"\x93Range\x94 99202\x9699215\n");
    assert_eq!(
        parse(&cp1252, &Limits::default()).text,
        "\u{201c}Range\u{201d} 99202\u{2013}99215"
    );
    let m = q(
        "From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\
               Content-Transfer-Encoding: base64\n\nSXMgSjMzMDEgYmlsbGFibGU/\n",
    );
    assert_eq!(m.text, "Is J3301 billable?");
}

#[test]
fn east_asian_charsets() {
    // ISO-2022-JP and Shift_JIS: "コード 99213" (code 99213).
    let mut jis =
        b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=iso-2022-jp\n\n"
            .to_vec();
    jis.extend_from_slice(b"\x1b$B%3!<%I\x1b(B 99213\n");
    assert_eq!(
        parse(&jis, &Limits::default()).text,
        "\u{30b3}\u{30fc}\u{30c9} 99213"
    );
    let mut sjis =
        b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=shift_jis\n\n".to_vec();
    sjis.extend_from_slice(b"\x83R\x81[\x83h 99213\n");
    assert_eq!(
        parse(&sjis, &Limits::default()).text,
        "\u{30b3}\u{30fc}\u{30c9} 99213"
    );
}

#[test]
fn html_only_mail_is_read_as_text_with_its_table() {
    let m = q(
        "From: a@b.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n\
               <html><head><style>td{}</style></head><body><p>Claim lines:</p>\
               <table><tr><th>CPT</th><th>Mod</th><th>Units</th></tr>\
               <tr><td>64483</td><td>50</td><td>1</td></tr></table></body></html>",
    );
    assert_eq!(m.body_kind, BodyKind::Html);
    assert_eq!(m.text, "Claim lines:\n\nCPT | Mod | Units\n64483 | 50 | 1");
}

#[test]
fn plain_text_is_preferred_in_alternatives_and_attachments_are_listed() {
    let m = q("From: a@b.example\nSubject: x\nMIME-Version: 1.0\n\
               Content-Type: multipart/mixed; boundary=\"m\"\n\n\
               --m\nContent-Type: multipart/alternative; boundary=\"a\"\n\n\
               --a\nContent-Type: text/plain\n\nplain 99213\n\
               --a\nContent-Type: text/html\n\n<p>html 99214</p>\n--a--\n\
               --m\nContent-Type: application/pdf; name=\"eob.pdf\"\n\
               Content-Disposition: attachment; filename=\"eob.pdf\"\n\
               Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
               --m\nContent-Type: text/plain; name=\"notes.txt\"\n\
               Content-Disposition: attachment; filename=\"notes.txt\"\n\nsecret 99215\n--m--\n");
    assert_eq!(m.text, "plain 99213");
    let names: Vec<_> = m.attachments.iter().map(|a| a.name.as_deref()).collect();
    assert_eq!(names, vec![Some("eob.pdf"), Some("notes.txt")]);
    assert_eq!(m.attachments[0].content_type, "application/pdf");
    assert_eq!(m.attachments[0].size, 9);
    assert!(!m.full_text.contains("99215"), "attachments are not read");
}

#[test]
fn format_flowed_is_joined() {
    let m = q("From: a@b.example\nSubject: x\n\
               Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n\
               Can 62322 be billed with 992 \n13-25 on the same day?\n");
    assert_eq!(m.text, "Can 62322 be billed with 99213-25 on the same day?");
}

#[test]
fn attached_message_is_a_forwarded_question() {
    let m = q(
        "From: a@b.example\nSubject: Fwd: question\nMIME-Version: 1.0\n\
               Content-Type: multipart/mixed; boundary=\"m\"\n\n\
               --m\nContent-Type: text/plain\n\nsee attached\n\
               --m\nContent-Type: message/rfc822\n\n\
               From: Dr Lee <lee@x.example>\nSubject: 20610 and 99214\n\n\
               Can 20610 go with 99214-25?\n--m--\n",
    );
    assert!(m.forwarded);
    assert!(m.text.contains("Can 20610 go with 99214-25?"), "{}", m.text);
    assert_eq!(m.attachments[0].content_type, "message/rfc822");
}

#[test]
fn reply_text_excludes_history() {
    let m = q("From: a@b.example\nSubject: Re: 99213\n\n\
               And with 20610?\n\nOn Mon, Mar 4, 2024 at 9:12 AM Desk <d@x.example> wrote:\n\
               > 99213 is fine.\n");
    assert_eq!(m.text, "And with 20610?");
    assert!(m.quoted_removed);
    assert!(m.full_text.contains("99213 is fine"));
}

#[test]
fn loops_and_automatic_mail() {
    let m = q("From: a@b.example\nSubject: Re: x\nX-Codedesk-Case: C-2024-0042\n\nhi\n");
    let a = m.automatic.unwrap();
    assert_eq!(a.kind, AutomaticKind::Loop);
    assert!(a.reason.contains("C-2024-0042"));
    let m = q("From: MAILER-DAEMON@mx.example\nSubject: x\n\nhi\n");
    assert_eq!(m.automatic.unwrap().kind, AutomaticKind::Bounce);
    let m = q(
        "From: a@b.example\nSubject: x\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n\
               --b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/delivery-status\n\n\
               Final-Recipient: rfc822; x@y\nAction: failed\n--b--\n",
    );
    assert_eq!(m.automatic.unwrap().kind, AutomaticKind::Bounce);
}

#[test]
fn an_mbox_from_line_is_skipped() {
    let m = q(
        "From MAILER-DAEMON  Sat Oct  4 08:00:09 2025\nFrom: a@b.example\nSubject: hello\n\nhi\n",
    );
    assert_eq!(m.subject, "hello");
    assert_eq!(m.from.unwrap().address, "a@b.example");
}

#[test]
fn limits_are_reported_not_fatal() {
    let limits = Limits {
        max_message_bytes: 200,
        max_mime_depth: 3,
        max_parts: 4,
        max_text_bytes: 50,
    };
    let big = format!(
        "From: a@b.example\nSubject: x\n\n{}",
        "99213 and more text. ".repeat(50)
    );
    let m = parse(big.as_bytes(), &limits);
    assert!(matches!(
        m.limits_hit[0],
        LimitHit::MessageSize { limit: 200, .. }
    ));
    assert!(
        m.limits_hit
            .iter()
            .any(|h| matches!(h, LimitHit::TextLength { limit: 50, .. }))
    );
    assert!(m.full_text.len() <= 50);

    let mut deep = String::from(
        "From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n",
    );
    for d in 1..8 {
        deep.push_str(&format!(
            "--b{}\nContent-Type: multipart/mixed; boundary=\"b{d}\"\n\n",
            d - 1
        ));
    }
    deep.push_str("--b7\nContent-Type: text/plain\n\ndeep 99213\n");
    let m = parse(
        deep.as_bytes(),
        &Limits {
            max_message_bytes: 1 << 20,
            ..limits.clone()
        },
    );
    assert!(
        m.limits_hit
            .iter()
            .any(|h| matches!(h, LimitHit::MimeDepth { limit: 3 })),
        "{:?}",
        m.limits_hit
    );

    let mut many = String::from(
        "From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=\"b\"\n\n",
    );
    for k in 0..10 {
        many.push_str(&format!("--b\nContent-Type: text/plain\n\npart {k}\n"));
    }
    many.push_str("--b--\n");
    let m = parse(
        many.as_bytes(),
        &Limits {
            max_message_bytes: 1 << 20,
            max_text_bytes: 1 << 20,
            ..limits
        },
    );
    assert!(
        m.limits_hit
            .iter()
            .any(|h| matches!(h, LimitHit::Parts { limit: 4 }))
    );
    assert!(m.text.contains("part 0") && !m.text.contains("part 9"));
}

/// Found by the fuzzer: the blank line put between two text parts was not counted against the
/// text limit, so the full text could end two bytes over it.
#[test]
fn text_parts_that_fill_the_text_limit_stay_within_it() {
    let limits = Limits {
        max_text_bytes: 50,
        ..Limits::default()
    };
    let first = "a".repeat(49);
    let raw = format!(
        "From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=\"b\"\n\n\
         --b\nContent-Type: text/plain\n\n{first}\n--b\nContent-Type: text/plain\n\nmore text\n--b--\n"
    );
    let m = parse(raw.as_bytes(), &limits);
    assert!(m.full_text.len() <= 50, "{} bytes", m.full_text.len());
    assert!(
        m.limits_hit
            .iter()
            .any(|h| matches!(h, LimitHit::TextLength { .. }))
    );
}

#[test]
fn no_headers_is_not_a_failure() {
    let m = parse(b"", &Limits::default());
    assert!(m.automatic.is_some());
    let m = parse(b"\xff\xfe\x00garbage", &Limits::default());
    assert!(m.from.is_none());
}

/// Found by the fuzzer: mail-parser 0.11.9 hits a `debug_assert!` (message.rs, "Invalid part
/// ID") on messages nested in messages with empty bodies; builds with debug assertions panicked.
#[test]
fn nested_empty_messages_that_trip_a_parser_assertion_still_give_a_question() {
    let raw = b"R\xaarge\nContent-Type: multipart/mixed;\n boundary=\"=_2d98f6c3ddf4b54299ae2604b2717254\"3)\n\n \n--=_2d98f6c3ddf4b54299ae2604b2717254\nt\nContent-Type: message/rfc822;\n cht\n\nDel:\nt\nContent-Type: message/rfc822;2\n\n\ntedt\n--=_2d98f6c3ddf4b54299ae2604b2717254--\n";
    let m = parse(raw, &Limits::default());
    assert!(
        m.full_text.contains("tedt"),
        "the body is kept as text: {:?}",
        m.full_text
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse(&bytes, &Limits::default());
    }

    #[test]
    fn never_panics_on_mail_shaped_input(
        headers in prop::collection::vec("(From|Subject|Content-Type|Content-Transfer-Encoding|Auto-Submitted|Return-Path): [ -~]{0,40}", 0..6),
        body in "[ -~\n<>=]{0,400}",
    ) {
        let raw = format!("{}\n\n{body}", headers.join("\n"));
        let m = parse(raw.as_bytes(), &Limits { max_text_bytes: 300, ..Limits::default() });
        prop_assert!(m.full_text.len() <= 300);
    }
}

#[test]
fn names_subjects_and_ids_come_out_on_one_clean_line() {
    let m = q(
        "From: =?utf-8?q?Evil=0D=0AX-Injected:_1?= <a@clinic.example>\r\n\
               Reply-To: =?utf-8?q?R=00e=7Fp=E2=80=A8ly?= <r@clinic.example>\r\n\
               To: =?utf-8?q?Desk=0Aname?= <desk@codedesk.example>\r\n\
               Subject: =?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=\r\n\
               Message-ID: <ok@clinic.example>\r\n\
               References: <good@clinic.example>\r\n\
               \r\n\
               Dx M54.16\r\n",
    );
    assert_eq!(
        m.from.as_ref().unwrap().name.as_deref(),
        Some("Evil X-Injected: 1")
    );
    assert_eq!(
        m.reply_to.as_ref().unwrap().name.as_deref(),
        Some("R e p ly")
    );
    assert_eq!(m.to[0].name.as_deref(), Some("Desk name"));
    assert_eq!(m.subject, "Hi Bcc: x@evil.example");
    assert_eq!(m.references, vec!["good@clinic.example"]);
}

#[test]
fn why_mail_is_automatic_is_told_without_control_characters() {
    let m = q(
        "From: a@b.example\r\nAuto-Submitted: auto-replied\x00\x01\x1b[31mred\r\n\
               Subject: x\r\n\r\nbody\r\n",
    );
    let reason = m.automatic.expect("automatic mail").reason;
    assert!(!reason.chars().any(char::is_control), "{reason:?}");
    assert!(
        reason.starts_with("Auto-Submitted: auto-replied"),
        "{reason}"
    );
}

/// Issue 19: "delivery" is obstetric coding language; these subjects were taken for bounces and
/// the questions never answered.
#[test]
fn obstetric_and_claim_subjects_are_questions() {
    for subject in [
        "Delivery problem: 59510 vs 59514?",
        "Delivery status of the 59400 claim",
        "Returned mail question 99213",
        "Delivery report 59409 O73.0",
        "Undeliverable claim 59400?",
    ] {
        let m = q(&format!(
            "From: Dana Reyes <dreyes@obgyn.example>\nTo: ask@codedesk.example\n\
             Subject: {subject}\nMessage-ID: <ob-1@obgyn.example>\n\n\
             Global 59400 or vaginal delivery only 59409 with O73.0 retained placenta?\n"
        ));
        assert_eq!(m.automatic, None, "{subject}");
        assert!(m.text.contains("59409"), "{subject}");
    }
}

/// The same subjects from a mail system are bounces.
#[test]
fn a_delivery_subject_from_a_mail_system_is_a_bounce() {
    let m = q(
        "From: postmaster@mx.obgyn.example\nSubject: Undeliverable: 59400 claim\n\
               Auto-Submitted: auto-replied\n\nYour message could not be delivered.\n",
    );
    assert_eq!(m.automatic.unwrap().kind, AutomaticKind::Bounce);
    let m = q(
        "From: Microsoft Outlook <someone@obgyn.example>\nSubject: Undeliverable: 59400\n\
               X-MS-Exchange-Message-Is-Ndr:\n\nDelivery has failed.\n",
    );
    assert_eq!(m.automatic.unwrap().kind, AutomaticKind::Bounce);
}

/// A bounce a person forwarded: the subject is corroborated by the delivery status fields quoted
/// in the text (the corpus's lhost-sendmail-14).
#[test]
fn a_forwarded_bounce_is_a_bounce() {
    let m = q(
        "From: a@b.example\nSubject: Fwd: Returned mail: see transcript for details\n\n\
               Forward the message.\n\nBegin forwarded message:\n\n\
               > From: Mail Delivery Subsystem <MAILER-DAEMON>\n\
               > Reporting-MTA: dns; mx.example.jp\n>\n\
               > Final-Recipient: RFC822; kijitora@example.com\n> Action: failed\n",
    );
    let a = m.automatic.unwrap();
    assert_eq!(a.kind, AutomaticKind::Bounce);
    assert!(a.reason.contains("Reporting-MTA"), "{a:?}");
}

/// Attachments come with their decoded bytes, in the order listed; a text attachment in
/// Latin-1 arrives as UTF-8, and the bytes of a forwarded message's attachment too.
#[test]
fn attachments_come_with_their_decoded_bytes() {
    let raw = "From: a@b.example\r\nSubject: notes\r\nMIME-Version: 1.0\r\n\
               Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n\
               --x\r\nContent-Type: text/plain\r\n\r\nSee the files.\r\n\
               --x\r\nContent-Type: text/plain; charset=iso-8859-1; name=\"n.txt\"\r\n\
               Content-Disposition: attachment; filename=\"n.txt\"\r\n\
               Content-Transfer-Encoding: quoted-printable\r\n\r\nD=E9bridement: 11042\r\n\
               --x\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n\
               Content-Disposition: attachment; filename=\"a.pdf\"\r\n\
               Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n\
               --x--\r\n";
    let listed = parse(raw.as_bytes(), &Limits::default()).attachments;
    let got = attachments(raw.as_bytes(), &Limits::default());
    assert_eq!(
        got.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>(),
        listed
    );
    assert_eq!(got.len(), 2);
    assert_eq!(String::from_utf8_lossy(&got[0].1), "Débridement: 11042");
    assert_eq!(got[1].1, b"%PDF-1.4\n");
    assert!(attachments(b"not mail at all", &Limits::default()).is_empty());
}
