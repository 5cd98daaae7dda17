//! The text of a PDF, page by page, with `lopdf`: pages past the limit make it unread; a page
//! whose text cannot be decoded gives what could be.

use super::Limits;
use lopdf::Document;

/// The text of the PDF `bytes`, or why it was not read.
pub(super) fn text(bytes: &[u8], limits: &Limits) -> Result<String, String> {
    let doc = Document::load_mem(bytes).map_err(|_| "damaged or unreadable PDF".to_string())?;
    if doc.is_encrypted() {
        return Err("encrypted PDF".to_string());
    }
    let pages = doc.get_pages();
    if pages.len() > limits.max_pages {
        return Err(format!(
            "a PDF of {} pages, more than the {} read",
            pages.len(),
            limits.max_pages
        ));
    }
    let mut out = String::new();
    for &n in pages.keys() {
        for chunk in doc.extract_text_chunks(&[n]).into_iter().flatten() {
            out.push_str(&chunk);
            out.push(' ');
        }
        out.push('\n');
        if out.len() > limits.max_text_bytes {
            break;
        }
    }
    if out.trim().is_empty() {
        return Err("a PDF without text (scanned images are not read)".to_string());
    }
    Ok(out)
}
