//! Reading the text encodings and fixed-width layouts of CMS files: Latin-1/cp1252 decoding,
//! numbered lines without their CR, and 1-based column slices that tolerate short records.

use std::borrow::Cow;

/// Decodes windows-1252 (a superset of Latin-1's printable range, which CMS files use).
pub fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    if bytes.is_ascii() {
        // ASCII is valid UTF-8.
        return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text
}

/// UTF-8 when the bytes are valid UTF-8 (minus a BOM), else windows-1252.
pub fn utf8_or_latin1(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => latin1(bytes),
    }
}

/// The 1-based line of a byte offset, for errors in XML files.
pub fn line_at(bytes: &[u8], pos: u64) -> usize {
    bytes[..(pos as usize).min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Lines with their 1-based numbers and the byte offset after each, CR and LF removed.
pub fn numbered_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8], u64)> {
    let mut pos = 0usize;
    let mut n = 0usize;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let mut line = &bytes[pos..end];
        if let Some(stripped) = line.strip_suffix(b"\r") {
            line = stripped;
        }
        pos = end + 1;
        n += 1;
        Some((n, line, pos.min(bytes.len()) as u64))
    })
}

/// Columns `from..=to` (1-based, inclusive) of a record, trimmed; empty past the end of a short
/// record. Works on characters so that decoded Latin-1 text slices as the layout counts.
pub fn field(record: &[char], from: usize, to: usize) -> String {
    let start = (from - 1).min(record.len());
    let end = to.min(record.len());
    record[start..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_string()
}

/// Collapses runs of white space into one space and trims (descriptions in fixed-width files).
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_cr_and_count_from_one() {
        let lines: Vec<_> = numbered_lines(b"a\r\nb\nc")
            .map(|(n, l, _)| (n, l))
            .collect();
        assert_eq!(lines, vec![(1, &b"a"[..]), (2, &b"b"[..]), (3, &b"c"[..])]);
    }

    #[test]
    fn fields_tolerate_short_records() {
        let rec: Vec<char> = "J1030 0010".chars().collect();
        assert_eq!(field(&rec, 1, 5), "J1030");
        assert_eq!(field(&rec, 6, 10), "0010");
        assert_eq!(field(&rec, 12, 91), "");
    }

    #[test]
    fn decodes_cp1252() {
        assert_eq!(latin1(b"caf\xe9 \xae"), "café ®");
        assert_eq!(utf8_or_latin1("Sézary".as_bytes()), "Sézary");
    }
}
