//! The text of a question's attachments, for the code references in them: PDF (`lopdf`), DOCX
//! (`zip` and `quick-xml`: `word/document.xml`), HTML (the body's HTML-to-text) and plain text
//! (already converted from its charset by the MIME parser). Pure: bytes in, text or the reason
//! it was not read out; never panics (a panic in a parser becomes a reason). The time limit is
//! the caller's: it runs [`read`] on a blocking thread and stops waiting.

mod docx;
mod pdf;

use std::panic::AssertUnwindSafe;

/// What is read of an attachment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this are not read (bytes).
    pub max_bytes: usize,
    /// PDFs with more pages than this are not read.
    pub max_pages: usize,
    /// Text kept per attachment (bytes); the rest is cut.
    pub max_text_bytes: usize,
    /// Bytes of XML a DOCX may unpack to (a zip bomb stops here).
    pub max_unpacked_bytes: u64,
    /// How many attachments of a message are read.
    pub max_files: usize,
    /// Seconds the reading of one attachment may take.
    pub max_seconds: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 10 << 20,
            max_pages: 50,
            max_text_bytes: 256 << 10,
            max_unpacked_bytes: 32 << 20,
            max_files: 10,
            max_seconds: 5,
        }
    }
}

/// The kinds of file whose text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Html,
    Text,
}

impl Kind {
    /// The kind of a file from its MIME type, else (for `application/octet-stream` and the like)
    /// its name's extension, else its first bytes; none for other files, which are only listed.
    pub fn of(content_type: &str, name: Option<&str>, bytes: &[u8]) -> Option<Kind> {
        let by_type = match content_type {
            "application/pdf" | "application/x-pdf" => Some(Kind::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(Kind::Docx)
            }
            "text/html" | "application/xhtml+xml" => Some(Kind::Html),
            "text/plain" => Some(Kind::Text),
            _ => None,
        };
        let generic = matches!(
            content_type,
            "application/octet-stream" | "application/binary" | "application/unknown"
        );
        by_type
            .or_else(|| {
                let ext = name?.rsplit_once('.')?.1.to_ascii_lowercase();
                if !generic {
                    return None;
                }
                match ext.as_str() {
                    "pdf" => Some(Kind::Pdf),
                    "docx" => Some(Kind::Docx),
                    "htm" | "html" => Some(Kind::Html),
                    "txt" => Some(Kind::Text),
                    _ => None,
                }
            })
            .or_else(|| (generic && bytes.starts_with(b"%PDF-")).then_some(Kind::Pdf))
    }
}

/// The text of an attachment, or why it was not read ("not a file whose text is read",
/// "larger than 10 MB", "a PDF of 80 pages: more than 50", "damaged PDF").
pub fn read(
    content_type: &str,
    name: Option<&str>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<String, String> {
    let Some(kind) = Kind::of(content_type, name, bytes) else {
        return Err(format!("{content_type} is not a type whose text is read"));
    };
    if bytes.len() > limits.max_bytes {
        return Err(format!(
            "{} bytes, larger than the {} MB read",
            bytes.len(),
            limits.max_bytes >> 20
        ));
    }
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| match kind {
        Kind::Pdf => pdf::text(bytes, limits),
        Kind::Docx => docx::text(bytes, limits),
        Kind::Html => Ok(crate::question::html::to_text(
            &String::from_utf8_lossy(bytes),
            limits.max_text_bytes,
        )
        .0),
        Kind::Text => Ok(String::from_utf8_lossy(bytes).into_owned()),
    }));
    match read {
        Ok(Ok(text)) => Ok(cut(text, limits.max_text_bytes)),
        Ok(Err(why)) => Err(why),
        Err(_) => Err(format!(
            "{} could not be read (the reader failed)",
            kind.name()
        )),
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Html => "HTML",
            Kind::Text => "text",
        }
    }
}

/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 100;

/// A file name safe to show and to save as: the last part of a path, without control
/// characters, quotes, or leading dots; at most 100 characters, the extension kept. None when
/// nothing is left.
pub fn safe_name(name: Option<&str>) -> Option<String> {
    let last = name?.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '`'))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        return None;
    }
    if clean.chars().count() <= MAX_NAME_CHARS {
        return Some(clean.to_string());
    }
    let ext = clean
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.chars().count() <= 8 && !e.contains(' '))
        .unwrap_or("");
    let keep = MAX_NAME_CHARS - ext.chars().count() - 1;
    let stem: String = clean.chars().take(keep).collect();
    Some(if ext.is_empty() {
        stem
    } else {
        format!("{}.{ext}", stem.trim_end())
    })
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests;
