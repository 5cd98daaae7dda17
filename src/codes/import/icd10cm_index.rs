//! The ICD-10-CM Alphabetic Index and its Tables in CDC's XML (`<ICD10CM.index>`): the Table of
//! Drugs and Chemicals and the Table of Neoplasms (`<indexHeading>` columns, `<cell col="N">`
//! codes), the Index to Diseases and Injuries and the External Cause Index (`<code>`), all with
//! nested `<term level="N">` sub-terms and `<see>`/`<seeAlso>` cross-references. Each term is
//! one record, in file order, with its parent.

use super::detect::Format;
use super::{IndexTermRecord, ParseError, Record, Sink};
use quick_xml::events::{BytesStart, Event};

/// Which book an `<ICD10CM.index>` file is, from its column titles and its title.
pub fn book_of(head: &str) -> Option<Format> {
    if !head.contains("<ICD10CM.index") {
        return None;
    }
    if let Some(at) = head.find("<indexHeading") {
        let heading = &head[at..head.len().min(at + 600)];
        return if heading.contains("Neoplasm") {
            Some(Format::Icd10CmNeoplasms)
        } else if heading.contains("Substance") || heading.contains("Poisoning") {
            Some(Format::Icd10CmDrugs)
        } else {
            None
        };
    }
    let title = head
        .find("<title>")
        .map(|at| &head[at..head.len().min(at + 200)])
        .unwrap_or("");
    if title.to_ascii_uppercase().contains("EXTERNAL CAUSE") {
        Some(Format::Icd10CmExternalCause)
    } else {
        Some(Format::Icd10CmIndex)
    }
}

/// The `<version>` year near the top of the file.
pub fn version_year(bytes: &[u8]) -> Option<i32> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let at = head.find("<version>")? + "<version>".len();
    head[at..].trim_start().get(..4)?.parse().ok()
}

/// A term being read: its record, and whether it was sent (at its first sub-term or its end).
struct Open {
    record: IndexTermRecord,
    sent: bool,
}

/// Parses the file into its column titles and its terms.
pub fn parse(bytes: &[u8], sink: &mut Sink<'_>, progress: &dyn Fn(u64)) -> Result<(), ParseError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let line_at = |pos: u64| super::text::line_at(bytes, pos);
    let mut open: Vec<Open> = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut nemod = String::new();
    let mut col: Option<u8> = None;
    let mut seq = 0u32;
    let mut saw_root = false;
    let mut events = 0u64;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| ParseError::at(line_at(pos), format!("malformed XML: {e}")))?;
        events += 1;
        if events % 8192 == 0 {
            progress(reader.buffer_position());
        }
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                match name.as_slice() {
                    b"ICD10CM.index" => saw_root = true,
                    b"mainTerm" | b"term" => {
                        if let Some(parent) = open.last_mut() {
                            if !parent.sent {
                                parent.sent = true;
                                sink(Record::IndexTerm(parent.record.clone()))?;
                            }
                        }
                        seq += 1;
                        let level = if name == b"term" {
                            level_of(&e).ok_or_else(|| {
                                ParseError::at(
                                    line_at(pos),
                                    "expected <term level=\"N\"> with N from 1 to 9",
                                )
                            })?
                        } else {
                            0
                        };
                        open.push(Open {
                            record: IndexTermRecord {
                                seq,
                                parent: open.last().map(|o| o.record.seq),
                                level,
                                ..IndexTermRecord::default()
                            },
                            sent: false,
                        });
                    }
                    b"cell" | b"head" => col = col_of(&e),
                    _ => {}
                }
                if name.as_slice() != b"nemod" {
                    text.clear();
                } else {
                    nemod.clear();
                }
                path.push(name);
            }
            Event::Text(t) => {
                let piece = t
                    .unescape()
                    .map_err(|e| ParseError::at(line_at(pos), format!("bad XML text: {e}")))?;
                if path.last().map(Vec::as_slice) == Some(b"nemod".as_slice()) {
                    nemod.push_str(&piece);
                } else {
                    text.push_str(&piece);
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else {
                    return Err(ParseError::at(line_at(pos), "unbalanced XML"));
                };
                let parent = path.last().map(Vec::as_slice);
                let value = super::text::squeeze(&text);
                let in_term = matches!(parent, Some(b"mainTerm" | b"term"));
                match name.as_slice() {
                    b"head" => {
                        if let Some(c) = col.take() {
                            sink(Record::IndexHeading {
                                col: c,
                                head: value,
                            })?;
                        }
                    }
                    b"nemod" => {}
                    b"title" if in_term => {
                        if let Some(o) = open.last_mut() {
                            o.record.title = value;
                            let m = super::text::squeeze(&nemod);
                            o.record.nemod = (!m.is_empty()).then_some(m);
                        }
                        nemod.clear();
                    }
                    b"code" | b"subcat" | b"seecat" if in_term => {
                        if let Some(o) = open.last_mut() {
                            o.record.code = Some(value);
                        }
                    }
                    b"see" if in_term => {
                        if let Some(o) = open.last_mut() {
                            o.record.see = Some(value);
                        }
                    }
                    b"seeAlso" if in_term => {
                        if let Some(o) = open.last_mut() {
                            o.record.see_also = Some(value);
                        }
                    }
                    b"cell" if in_term => {
                        let c = col.take().ok_or_else(|| {
                            ParseError::at(line_at(pos), "expected <cell col=\"N\">")
                        })?;
                        if let Some(o) = open.last_mut() {
                            o.record.cells.push((c, value));
                        }
                    }
                    b"mainTerm" | b"term" => {
                        let Some(o) = open.pop() else {
                            return Err(ParseError::at(line_at(pos), "unbalanced XML"));
                        };
                        if o.record.title.is_empty() {
                            return Err(ParseError::at(
                                line_at(pos),
                                "expected a <title> in every <mainTerm> and <term>",
                            ));
                        }
                        if !o.sent {
                            sink(Record::IndexTerm(o.record))?;
                        }
                    }
                    _ => {}
                }
                if name.as_slice() != b"nemod" {
                    text.clear();
                }
            }
            Event::Empty(e) if e.name().as_ref() == b"cell" => {
                // `<cell col="4"/>`: no code in that column.
            }
            Event::Eof => break,
            _ => {}
        }
    }
    progress(bytes.len() as u64);
    if !saw_root {
        return Err(ParseError::at(
            1,
            "expected an <ICD10CM.index> root element",
        ));
    }
    Ok(())
}

fn attr_number(e: &BytesStart<'_>, key: &[u8]) -> Option<u8> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
}

fn level_of(e: &BytesStart<'_>) -> Option<u8> {
    attr_number(e, b"level").filter(|l| (1..=9).contains(l))
}

fn col_of(e: &BytesStart<'_>) -> Option<u8> {
    attr_number(e, b"col").filter(|c| (1..=9).contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(xml: &str) -> Vec<Record> {
        let mut out = Vec::new();
        parse(
            xml.as_bytes(),
            &mut |r| {
                out.push(r);
                Ok(())
            },
            &|_| {},
        )
        .unwrap();
        out
    }

    #[test]
    fn a_table_row_keeps_its_cells_nemod_and_sub_terms_in_order() {
        let xml = r#"<?xml version="1.0"?><ICD10CM.index><version>2031</version>
<indexHeading><head col="1">Substance</head><head col="2">Poisoning Accidental (unintentional)</head></indexHeading>
<letter><title>Q</title>
<mainTerm><title>Quux<nemod>(salts)</nemod></title><cell col="2">T99.1X1</cell>
 <term level="1"><title>liquid</title><see>Quuxol</see></term>
</mainTerm></letter></ICD10CM.index>"#;
        assert_eq!(
            book_of(xml),
            Some(Format::Icd10CmDrugs),
            "columns name a substance"
        );
        assert_eq!(version_year(xml.as_bytes()), Some(2031));
        let r = records(xml);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(
            r[0],
            Record::IndexHeading {
                col: 1,
                head: "Substance".into()
            }
        );
        let Record::IndexTerm(main) = &r[2] else {
            panic!("{r:?}")
        };
        assert_eq!(
            (main.seq, main.parent, main.title.as_str()),
            (1, None, "Quux")
        );
        assert_eq!(main.nemod.as_deref(), Some("(salts)"));
        assert_eq!(main.cells, vec![(2, "T99.1X1".to_string())]);
        let Record::IndexTerm(sub) = &r[3] else {
            panic!("{r:?}")
        };
        assert_eq!((sub.parent, sub.level), (Some(1), 1));
        assert_eq!(sub.see.as_deref(), Some("Quuxol"));
    }

    #[test]
    fn the_index_format_is_told_apart_by_its_title() {
        let e = "<ICD10CM.index><version>2025</version><title>ICD-10-CM EXTERNAL CAUSE of INJURIES INDEX</title>";
        assert_eq!(book_of(e), Some(Format::Icd10CmExternalCause));
        let i = "<ICD10CM.index><version>2025</version><title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>";
        assert_eq!(book_of(i), Some(Format::Icd10CmIndex));
        assert_eq!(book_of("<ICD10CM.tabular>"), None);
    }

    #[test]
    fn a_term_without_a_title_is_an_error_with_its_line() {
        let xml = "<ICD10CM.index>\n<letter><title>A</title>\n<mainTerm><code>A00</code></mainTerm></letter></ICD10CM.index>";
        let err = parse(xml.as_bytes(), &mut |_| Ok(()), &|_| {}).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("<title>"), "{err}");
    }
}
