use super::*;

const PDF: &[u8] = include_bytes!("../../tests/fixtures/attachments/op-note.pdf");
const MANY_PAGES: &[u8] = include_bytes!("../../tests/fixtures/attachments/many-pages.pdf");
const CORRUPT: &[u8] = include_bytes!("../../tests/fixtures/attachments/corrupt.pdf");
const DOCX: &[u8] = include_bytes!("../../tests/fixtures/attachments/op-note.docx");
const HTML: &[u8] = include_bytes!("../../tests/fixtures/attachments/op-note.html");
const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_pdf_gives_its_text_line_by_line() {
    let text = read(
        "application/pdf",
        Some("op-note.pdf"),
        PDF,
        &Limits::default(),
    )
    .unwrap();
    assert!(text.contains("CPT 64483.\n"), "{text:?}");
    assert!(
        words(&text).contains("Diagnoses: E11.9 and M54.16."),
        "{text:?}"
    );
}

#[test]
fn a_pdf_sent_as_octet_stream_is_known_by_its_name_or_its_first_bytes() {
    let limits = Limits::default();
    assert!(read("application/octet-stream", Some("NOTE.PDF"), PDF, &limits).is_ok());
    assert!(read("application/octet-stream", None, PDF, &limits).is_ok());
    assert_eq!(Kind::of("image/png", Some("x.pdf"), PDF), None);
}

#[test]
fn a_docx_gives_the_text_of_its_runs_a_line_per_paragraph() {
    let text = read(DOCX_TYPE, Some("letter.docx"), DOCX, &Limits::default()).unwrap();
    assert_eq!(
        text,
        "Denial letter & appeal\nBilled 99213\twith modifier 25; diagnosis I10.\n"
    );
}

#[test]
fn an_html_attachment_is_read_as_the_body_is_without_styles_or_scripts() {
    let text = read("text/html", Some("eob.html"), HTML, &Limits::default()).unwrap();
    let w = words(&text);
    assert!(w.contains("Line 1: J06.9 denied."), "{w}");
    assert!(w.contains("99213-25"), "{w}");
    assert!(!w.contains("Z99.9") && !w.contains("color"), "{w}");
}

#[test]
fn plain_text_is_read_as_it_is() {
    let text = read(
        "text/plain",
        Some("n.txt"),
        "Dx M54.16".as_bytes(),
        &Limits::default(),
    );
    assert_eq!(text.as_deref(), Ok("Dx M54.16"));
}

#[test]
fn broken_files_are_not_read_and_say_why() {
    let limits = Limits::default();
    let why = read("application/pdf", Some("c.pdf"), CORRUPT, &limits).unwrap_err();
    assert!(why.contains("damaged"), "{why}");
    let why = read(
        "application/pdf",
        Some("c.pdf"),
        b"%PDF-1.4 garbage",
        &limits,
    )
    .unwrap_err();
    assert!(why.contains("damaged"), "{why}");
    let why = read(DOCX_TYPE, Some("x.docx"), b"PK\x03\x04 not a zip", &limits).unwrap_err();
    assert!(why.contains("damaged"), "{why}");
    let why = read(DOCX_TYPE, Some("x.docx"), PDF, &limits).unwrap_err();
    assert!(why.contains("DOCX"), "{why}");
}

#[test]
fn limits_stop_large_files_and_long_pdfs() {
    let limits = Limits {
        max_bytes: 500,
        ..Limits::default()
    };
    let why = read("application/pdf", Some("big.pdf"), &[b' '; 501], &limits).unwrap_err();
    assert!(why.contains("501 bytes"), "{why}");
    let why = read(
        "application/pdf",
        Some("long.pdf"),
        MANY_PAGES,
        &Limits::default(),
    )
    .unwrap_err();
    assert!(why.contains("60 pages, more than the 50"), "{why}");
    let cut = read(
        "text/plain",
        None,
        "é".repeat(100).as_bytes(),
        &Limits {
            max_text_bytes: 11,
            ..Limits::default()
        },
    )
    .unwrap();
    assert_eq!(cut, "é".repeat(5));
}

#[test]
fn other_types_are_only_listed() {
    let why = read(
        "image/png",
        Some("scan.png"),
        b"\x89PNG",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        why.contains("image/png is not a type whose text is read"),
        "{why}"
    );
}

#[test]
fn names_lose_folders_control_characters_and_quotes() {
    assert_eq!(
        safe_name(Some("C:\\Users\\jo\\op \"note\".pdf")).as_deref(),
        Some("op note.pdf")
    );
    assert_eq!(
        safe_name(Some("../../etc/pass\r\nwd")).as_deref(),
        Some("passwd")
    );
    assert_eq!(safe_name(Some("..\t")), None);
    assert_eq!(safe_name(None), None);
    let long = format!("{}.pdf", "a".repeat(300));
    let kept = safe_name(Some(&long)).unwrap();
    assert_eq!(kept.chars().count(), 100);
    assert!(kept.ends_with("a.pdf"), "{kept}");
}
