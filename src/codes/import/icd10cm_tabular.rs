//! The ICD-10-CM tabular list XML: chapters, sections and nested `diag`s with their notes and
//! 7th-character definitions, from which the full 7-character codes (S72.001A) are generated.

use super::{CodeRecord, ImportMeta, ParseError, Record, Sink};
use crate::codes::system::bare;
use crate::codes::{CodeSystem, NoteKind, normalize};
use quick_xml::events::Event;

/// The `<version>` year near the top of the file.
pub fn version_year(bytes: &[u8]) -> Option<i32> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let at = head.find("<version>")? + "<version>".len();
    head[at..].get(..4)?.parse().ok()
}

/// A chapter, section or diag being read.
#[derive(Default)]
struct Owner {
    /// `chapter 13`, `M50-M54` or the diag's code.
    id: String,
    is_diag: bool,
    desc: Option<String>,
    has_child_diag: bool,
    seven: Option<(String, Vec<(String, String)>)>,
    seq: u32,
}

/// Parses the tabular XML into codes (billable when a leaf needing no 7th character, and every
/// generated 7-character code), notes, the hierarchy and the 7th-character definitions.
pub fn parse(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let line_at = |pos: u64| super::text::line_at(bytes, pos);
    let mut owners: Vec<Owner> = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut chapter_name = String::new();
    let mut seven_char: Option<String> = None;
    let mut saw_root = false;
    let mut exceptions: Vec<SeventhException> = Vec::new();
    let mut events = 0u64;
    loop {
        let event = reader.read_event().map_err(|e| {
            ParseError::at(
                line_at(reader.buffer_position()),
                format!("malformed XML: {e}"),
            )
        })?;
        events += 1;
        if events % 8192 == 0 {
            progress(reader.buffer_position());
        }
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                text.clear();
                match name.as_slice() {
                    b"ICD10CM.tabular" => saw_root = true,
                    b"chapter" => owners.push(Owner::default()),
                    b"section" => {
                        let id = attr(&e, b"id", reader.decoder()).unwrap_or_default();
                        owners.push(Owner {
                            id,
                            ..Owner::default()
                        });
                    }
                    b"diag" => {
                        if let Some(parent) = owners.last_mut() {
                            parent.has_child_diag = true;
                        }
                        owners.push(Owner {
                            is_diag: true,
                            ..Owner::default()
                        });
                    }
                    b"extension" => seven_char = attr(&e, b"char", reader.decoder()),
                    _ => {}
                }
                path.push(name);
            }
            Event::Text(t) => {
                let piece = t.unescape().map_err(|e| {
                    ParseError::at(
                        line_at(reader.buffer_position()),
                        format!("bad XML text: {e}"),
                    )
                })?;
                text.push_str(&piece);
            }
            Event::End(_) => {
                let Some(name) = path.pop() else {
                    return Err(ParseError::at(
                        line_at(reader.buffer_position()),
                        "unbalanced XML",
                    ));
                };
                let parent = path.last().map(Vec::as_slice);
                let value = super::text::squeeze(&text);
                match (name.as_slice(), parent) {
                    (b"name", Some(b"chapter")) => {
                        chapter_name = format!("chapter {value}");
                        if let Some(o) = owners.last_mut() {
                            o.id = chapter_name.clone();
                        }
                    }
                    (b"name", Some(b"diag")) => {
                        let code = normalize(CodeSystem::Icd10Cm, &value).ok_or_else(|| {
                            ParseError::at(
                                line_at(reader.buffer_position()),
                                format!("expected an ICD-10-CM code in <name>, found {value:?}"),
                            )
                        })?;
                        let parent_id = owners
                            .iter()
                            .rev()
                            .nth(1)
                            .map(|o| o.id.clone())
                            .unwrap_or_default();
                        sink(Record::Parent {
                            code: code.clone(),
                            parent: parent_id,
                            title: None,
                        })?;
                        if let Some(o) = owners.last_mut() {
                            o.id = code;
                        }
                    }
                    (b"desc", Some(b"diag" | b"section" | b"chapter")) => {
                        if let Some(o) = owners.last_mut() {
                            o.desc = Some(value.clone());
                            if !o.is_diag {
                                let parent = if o.id.starts_with("chapter") {
                                    String::new()
                                } else {
                                    chapter_name.clone()
                                };
                                sink(Record::Parent {
                                    code: o.id.clone(),
                                    parent,
                                    title: Some(value),
                                })?;
                            }
                        }
                    }
                    (b"note", Some(kind)) => {
                        let kind = std::str::from_utf8(kind)
                            .ok()
                            .and_then(NoteKind::from_xml_name);
                        if let Some(rule) = SeventhException::parse(&value) {
                            exceptions.push(rule);
                        }
                        if let (Some(kind), Some(o)) = (kind, owners.last_mut()) {
                            o.seq += 1;
                            sink(Record::Note {
                                at: o.id.clone(),
                                kind,
                                seq: o.seq,
                                text: value,
                            })?;
                        }
                    }
                    (b"extension", Some(b"sevenChrDef")) => {
                        if let (Some(chr), Some(o)) = (seven_char.take(), owners.last_mut()) {
                            sink(Record::SevenChr {
                                at: o.id.clone(),
                                chr: chr.clone(),
                                meaning: value.clone(),
                            })?;
                            let id = o.id.clone();
                            o.seven
                                .get_or_insert_with(|| (id, Vec::new()))
                                .1
                                .push((chr, value));
                        }
                    }
                    (b"diag", _) => {
                        let Some(diag) = owners.pop() else { continue };
                        let seven = diag
                            .seven
                            .as_ref()
                            .or_else(|| owners.iter().rev().find_map(|o| o.seven.as_ref()));
                        emit_diag(meta, &diag, seven, &exceptions, sink)
                            .map_err(|m| ParseError::at(line_at(reader.buffer_position()), m))??;
                    }
                    (b"section" | b"chapter", _) => {
                        owners.pop();
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(ParseError::at(
            1,
            "expected the <ICD10CM.tabular> root element",
        ));
    }
    Ok(())
}

/// Emits a diag's code record and, for a leaf under a 7th-character definition, every
/// 7-character code. The outer error is a message about the diag, the inner a sink error.
fn emit_diag(
    meta: &ImportMeta,
    diag: &Owner,
    seven: Option<&(String, Vec<(String, String)>)>,
    exceptions: &[SeventhException],
    sink: &mut Sink<'_>,
) -> Result<Result<(), ParseError>, String> {
    let desc = diag
        .desc
        .clone()
        .ok_or_else(|| format!("diag {} has no <desc>", diag.id))?;
    if diag.id.is_empty() {
        return Err("a <diag> without <name>".into());
    }
    let leaf = !diag.has_child_diag;
    let needs_seventh = leaf && seven.is_some() && bare(&diag.id).len() < 7;
    let record = |code: String, billable: bool, long: String| {
        Record::Code(CodeRecord {
            system: CodeSystem::Icd10Cm,
            code,
            billable,
            short_desc: None,
            long_desc: long,
            plain_desc: None,
            valid_from: meta.effective_from,
            valid_to: None,
            added: None,
            action: None,
        })
    };
    Ok((|| {
        sink(record(
            diag.id.clone(),
            leaf && !needs_seventh,
            desc.clone(),
        ))?;
        if let (true, Some((_, values))) = (needs_seventh, seven) {
            let mut stem = bare(&diag.id);
            while stem.len() < 6 {
                stem.push('X');
            }
            for (chr, meaning) in values {
                if exceptions.iter().any(|e| e.excludes(&stem, chr)) {
                    continue;
                }
                let Some(code) = normalize(CodeSystem::Icd10Cm, &format!("{stem}{chr}")) else {
                    continue;
                };
                sink(record(code, true, format!("{desc}, {meaning}")))?;
            }
        }
        Ok(())
    })())
}

/// A tabular note that takes 7th characters away from some codes: "7th characters D and S do not
/// apply to codes in category S06 with 6th character 7 - ..., or 8 - ...".
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeventhException {
    category: String,
    chars: Vec<String>,
    sixth: Vec<char>,
}

impl SeventhException {
    fn parse(note: &str) -> Option<SeventhException> {
        let rest = note.strip_prefix("7th characters ")?;
        let (chars, rest) = rest.split_once(" do not apply to codes in category ")?;
        let (category, rest) = rest.split_once(" with 6th character ")?;
        let chars = chars
            .split([' ', ','])
            .filter(|c| c.len() == 1)
            .map(str::to_string)
            .collect();
        // "7 - death ..., or 8 - death ...": the digits that stand before " - ".
        let sixth = rest
            .split(" - ")
            .filter_map(|part| part.trim_end().chars().last())
            .filter(char::is_ascii_alphanumeric)
            .collect();
        Some(SeventhException {
            category: bare(category.trim()),
            chars,
            sixth,
        })
    }

    fn excludes(&self, stem: &str, chr: &str) -> bool {
        stem.starts_with(&self.category)
            && stem.chars().nth(5).is_some_and(|c| self.sixth.contains(&c))
            && self.chars.iter().any(|c| c == chr)
    }
}

fn attr(
    e: &quick_xml::events::BytesStart<'_>,
    name: &[u8],
    decoder: quick_xml::encoding::Decoder,
) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.decode_and_unescape_value(decoder)
            .ok()
            .map(|v| v.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::import::{Overrides, detect};

    const XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2026</version>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning (S00-T88)</desc>
    <section id="S70-S79">
      <desc>Injuries to the hip and thigh (S70-S79)</desc>
      <diag>
        <name>S72</name>
        <desc>Fracture of femur</desc>
        <excludes1><note>traumatic amputation of hip and thigh (S78.-)</note></excludes1>
        <sevenChrNote><note>The appropriate 7th character is to be added to all codes from category S72</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter for closed fracture</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag>
          <name>S72.001</name>
          <desc>Fracture of unspecified part of neck of right femur</desc>
        </diag>
        <diag>
          <name>S72.8</name>
          <desc>Other fracture of femur</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"#;

    #[test]
    fn generates_seventh_character_codes_with_placeholders() {
        let meta = detect::meta("t.xml", XML.as_bytes(), &Overrides::default()).unwrap();
        assert_eq!(meta.version, "FY2026");
        let out = crate::codes::import::parse_named("t.xml", XML.as_bytes()).unwrap();
        let codes: Vec<(String, bool, String)> = out
            .iter()
            .filter_map(|r| match r {
                Record::Code(c) => Some((c.code.clone(), c.billable, c.long_desc.clone())),
                _ => None,
            })
            .collect();
        assert!(codes.contains(&(
            "S72.001".into(),
            false,
            "Fracture of unspecified part of neck of right femur".into()
        )));
        assert!(codes.contains(&(
            "S72.001A".into(),
            true,
            "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture".into()
        )));
        assert!(codes.iter().any(|c| c.0 == "S72.8XXS"));
        assert!(codes.contains(&("S72".into(), false, "Fracture of femur".into())));
        assert!(out.contains(&Record::Note {
            at: "S72".into(),
            kind: NoteKind::Excludes1,
            seq: 1,
            text: "traumatic amputation of hip and thigh (S78.-)".into()
        }));
        assert!(out.contains(&Record::Parent {
            code: "S72".into(),
            parent: "S70-S79".into(),
            title: None
        }));
        assert!(out.contains(&Record::Parent {
            code: "S70-S79".into(),
            parent: "chapter 19".into(),
            title: Some("Injuries to the hip and thigh (S70-S79)".into())
        }));
    }

    #[test]
    fn reads_the_s06_exception_to_seventh_characters() {
        let rule = SeventhException::parse("7th characters D and S do not apply to codes in category S06 with 6th character 7 - death due to brain injury prior to regaining consciousness, or 8 - death due to other cause prior to regaining consciousness.").unwrap();
        assert_eq!(rule.chars, vec!["D", "S"]);
        assert_eq!(rule.sixth, vec!['7', '8']);
        assert!(
            rule.excludes("S061X7", "D")
                && !rule.excludes("S061X7", "A")
                && !rule.excludes("S061X6", "D")
        );
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let bad =
            "<ICD10CM.tabular>\n<version>2026</version>\n<chapter><name>1</name>\n</section>\n";
        let meta = detect::meta("t.xml", bad.as_bytes(), &Overrides::default()).unwrap();
        let err = parse(&meta, bad.as_bytes(), &mut |_| Ok(()), &|_| {}).unwrap_err();
        assert!(err.line >= 3, "{err}");
    }
}
