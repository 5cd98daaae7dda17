//! Questions with files attached (multipart/mixed, base64), and the attachment fixtures of
//! tests/fixtures/attachments (written by its make.py).
#![allow(dead_code)]

use base64::Engine;

pub const PDF: &[u8] = include_bytes!("../fixtures/attachments/op-note.pdf");
pub const CORRUPT_PDF: &[u8] = include_bytes!("../fixtures/attachments/corrupt.pdf");
pub const MANY_PAGES_PDF: &[u8] = include_bytes!("../fixtures/attachments/many-pages.pdf");

/// `head` (header lines, CRLF-ended, without MIME headers) and a text/plain `body`, with each
/// `(file name, content type, bytes)` attached.
pub fn with_attachments(head: &str, body: &str, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let boundary = "=_codedesk_test_boundary";
    let mut out = format!(
        "{head}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    for (name, content_type, bytes) in files {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: {content_type}; name=\"{name}\"\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        ));
        for line in b64.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out.into_bytes()
}
