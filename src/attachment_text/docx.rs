//! The text of a Word document (DOCX): the runs of `word/document.xml`, a line per paragraph.

use super::Limits;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

/// The text of the DOCX `bytes`, or why it was not read.
pub(super) fn text(bytes: &[u8], limits: &Limits) -> Result<String, String> {
    let damaged = |_| "damaged or unreadable DOCX".to_string();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let file = archive
        .by_name("word/document.xml")
        .map_err(|_| "a DOCX without word/document.xml".to_string())?;
    let mut xml = Vec::new();
    file.take(limits.max_unpacked_bytes + 1)
        .read_to_end(&mut xml)
        .map_err(|_| "damaged or unreadable DOCX".to_string())?;
    if xml.len() as u64 > limits.max_unpacked_bytes {
        return Err(format!(
            "a DOCX whose text unpacks to more than {} MB",
            limits.max_unpacked_bytes >> 20
        ));
    }
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut out = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:t" => in_text = true,
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"w:tab" => out.push('\t'),
                b"w:br" | b"w:cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                let t = t.unescape().map_err(|_| "damaged DOCX text".to_string())?;
                out.push_str(&t);
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err("damaged DOCX text".to_string()),
            _ => {}
        }
        if out.len() > limits.max_text_bytes {
            break;
        }
        buf.clear();
    }
    Ok(out)
}
