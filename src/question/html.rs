//! HTML mail to readable text in one pass: paragraphs and line breaks kept, lists as `- item`,
//! table rows as `cell | cell`, blockquotes as `> ` lines, signatures marked with `-- `, scripts,
//! styles and comments dropped, entities decoded. Not a browser: no CSS, no layout, no DOM.

/// Blockquotes nested deeper than this get no more `> `, so the text stays linear in the input.
const MAX_QUOTE_PREFIX: usize = 8;

/// What an open element means for the text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    Quote,
    List { ordered: bool, next: u32 },
    Table { cell: u32 },
    Cell,
    Pre,
    Other,
}

struct Writer {
    out: String,
    max: usize,
    quote: usize,
    cells: usize,
    pre: usize,
    at_line_start: bool,
    pending_space: bool,
    pending_newlines: u8,
    truncated: bool,
}

impl Writer {
    fn newline(&mut self, count: u8) {
        if self.cells > 0 {
            // Inside a table cell a paragraph is a space: the row stays on one line.
            self.pending_space = true;
            return;
        }
        if self.out.is_empty() {
            return;
        }
        self.pending_newlines = self.pending_newlines.max(count);
        self.pending_space = false;
    }

    fn flush_breaks(&mut self) {
        if self.pending_newlines > 0 {
            for _ in 0..self.pending_newlines {
                self.raw_newline();
            }
            self.pending_newlines = 0;
            self.pending_space = false;
        }
    }

    fn raw_newline(&mut self) {
        // Trailing spaces add nothing to a line.
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if self.at_line_start && self.quote > 0 {
            // An empty quoted line keeps its quote marks, so the quote stays one block.
            self.prefix();
        }
        self.out.push('\n');
        self.at_line_start = true;
    }

    fn prefix(&mut self) {
        for _ in 0..self.quote.min(MAX_QUOTE_PREFIX) {
            self.out.push_str("> ");
        }
    }

    fn text(&mut self, s: &str) {
        if self.out.len() >= self.max {
            self.truncated = true;
            return;
        }
        self.flush_breaks();
        if self.at_line_start {
            self.prefix();
            self.at_line_start = false;
            self.pending_space = false;
        } else if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        self.out.push_str(s);
    }

    fn space(&mut self) {
        if !self.at_line_start && !self.out.is_empty() {
            self.pending_space = true;
        }
    }
}

/// The readable text of `html`, at most about `max` bytes; the flag says whether it was cut.
pub fn to_text(html: &str, max: usize) -> (String, bool) {
    let mut w = Writer {
        out: String::with_capacity(html.len().min(max) / 2),
        max,
        quote: 0,
        cells: 0,
        pre: 0,
        at_line_start: true,
        pending_space: false,
        pending_newlines: 0,
        truncated: false,
    };
    let mut stack: Vec<(String, Open)> = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    let mut word_start: Option<usize> = None;
    let flush_word = |w: &mut Writer, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take() {
            let decoded = decode_entities(&html[s..end]);
            w.text(&decoded);
        }
    };
    while i < b.len() {
        if w.truncated {
            break;
        }
        let c = b[i];
        if c == b'<' {
            flush_word(&mut w, &mut word_start, i);
            i = tag(html, i, &mut w, &mut stack);
            continue;
        }
        if c.is_ascii_whitespace() {
            flush_word(&mut w, &mut word_start, i);
            if w.pre > 0 {
                if c == b'\n' {
                    w.raw_newline();
                } else if c != b'\r' {
                    w.text(" ");
                }
            } else {
                w.space();
            }
            i += 1;
            continue;
        }
        if word_start.is_none() {
            word_start = Some(i);
        }
        i += 1;
    }
    flush_word(&mut w, &mut word_start, b.len().min(html.len()));
    let mut out = w.out;
    while out.ends_with(['\n', ' ']) {
        out.pop();
    }
    (out, w.truncated)
}

/// Handles the tag (or comment, doctype...) at `start`; returns where the text goes on.
fn tag(html: &str, start: usize, w: &mut Writer, stack: &mut Vec<(String, Open)>) -> usize {
    let b = html.as_bytes();
    let rest = &b[start..];
    if rest.starts_with(b"<!--") {
        return find(b, start + 4, b"-->").map_or(b.len(), |e| e + 3);
    }
    if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
        return find(b, start + 2, b">").map_or(b.len(), |e| e + 1);
    }
    let mut j = start + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let name_start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b':' || b[j] == b'-') {
        j += 1;
    }
    if j == name_start {
        // A lone `<` in text, as in `a < b`.
        w.text("<");
        return start + 1;
    }
    let name = html[name_start..j].to_ascii_lowercase();
    // The end of the tag, skipping quoted attribute values.
    let attrs_start = j;
    let mut quote: Option<u8> = None;
    while j < b.len() {
        match (quote, b[j]) {
            (Some(q), c) if c == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(b[j]),
            (None, b'>') => break,
            _ => {}
        }
        j += 1;
    }
    let attrs = &html[attrs_start..j.min(b.len())];
    let end = (j + 1).min(b.len());
    let self_closing = attrs.ends_with('/');

    if !closing
        && !self_closing
        && matches!(
            name.as_str(),
            "script" | "style" | "head" | "title" | "template"
        )
    {
        // Skip to the matching end tag.
        let close = format!("</{name}");
        return find_ci(b, end, close.as_bytes())
            .and_then(|e| find(b, e, b">").map(|g| g + 1))
            .unwrap_or(b.len());
    }
    if closing {
        close(&name, w, stack);
    } else {
        open(&name, attrs, self_closing, w, stack);
    }
    end
}

fn open(
    name: &str,
    attrs: &str,
    self_closing: bool,
    w: &mut Writer,
    stack: &mut Vec<(String, Open)>,
) {
    let lower_attrs = attrs.to_ascii_lowercase();
    let kind = match name {
        "br" => {
            w.newline(1);
            return;
        }
        "hr" => {
            w.newline(1);
            return;
        }
        "img" | "meta" | "link" | "input" | "wbr" | "col" | "area" | "base" | "source" => return,
        "blockquote" => {
            w.newline(1);
            w.flush_breaks();
            w.quote += 1;
            Open::Quote
        }
        "ul" | "ol" => {
            w.newline(1);
            Open::List {
                ordered: name == "ol",
                next: 1,
            }
        }
        "li" => {
            w.newline(1);
            let marker = match stack
                .iter_mut()
                .rev()
                .find(|(_, o)| matches!(o, Open::List { .. }))
            {
                Some((
                    _,
                    Open::List {
                        ordered: true,
                        next,
                    },
                )) => {
                    let m = format!("{next}.");
                    *next += 1;
                    m
                }
                _ => "-".to_string(),
            };
            w.text(&marker);
            w.space();
            Open::Other
        }
        "table" => {
            w.newline(1);
            Open::Table { cell: 0 }
        }
        "tr" => {
            w.newline(1);
            if let Some((_, Open::Table { cell })) = stack
                .iter_mut()
                .rev()
                .find(|(_, o)| matches!(o, Open::Table { .. }))
            {
                *cell = 0;
            }
            Open::Other
        }
        "td" | "th" => {
            let mut first = true;
            if let Some((_, Open::Table { cell })) = stack
                .iter_mut()
                .rev()
                .find(|(_, o)| matches!(o, Open::Table { .. }))
            {
                first = *cell == 0;
                *cell += 1;
            }
            if !first {
                w.pending_space = false;
                w.text(" |");
                w.space();
            }
            w.cells += 1;
            Open::Cell
        }
        "pre" => {
            w.newline(1);
            w.flush_breaks();
            w.pre += 1;
            Open::Pre
        }
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            w.newline(2);
            Open::Other
        }
        "div" | "section" | "article" | "header" | "footer" | "address" | "center" | "dl"
        | "dt" | "dd" | "figure" | "main" | "nav" | "aside" | "form" | "fieldset" => {
            w.newline(1);
            if is_signature(&lower_attrs) {
                w.text("--");
                w.newline(1);
            }
            Open::Other
        }
        _ => Open::Other,
    };
    if !self_closing {
        // Malformed mail can open elements without end; the stack stays bounded anyway.
        if stack.len() < 512 {
            stack.push((name.to_string(), kind));
        } else {
            undo(kind, w);
        }
    } else {
        undo(kind, w);
    }
}

/// Reverts the writer state an element set on opening.
fn undo(kind: Open, w: &mut Writer) {
    match kind {
        Open::Quote => {
            w.newline(1);
            w.flush_breaks();
            w.quote = w.quote.saturating_sub(1);
        }
        Open::Cell => w.cells = w.cells.saturating_sub(1),
        Open::Pre => w.pre = w.pre.saturating_sub(1),
        Open::Table { .. } | Open::List { .. } => w.newline(1),
        Open::Other => {}
    }
}

fn close(name: &str, w: &mut Writer, stack: &mut Vec<(String, Open)>) {
    let Some(pos) = stack.iter().rposition(|(n, _)| n == name) else {
        if matches!(name, "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3") {
            w.newline(1);
        }
        return;
    };
    // Close everything opened inside it too (unclosed <td>, <li>, <p>...).
    while stack.len() > pos {
        if let Some((n, kind)) = stack.pop() {
            undo(kind, w);
            if matches!(n.as_str(), "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                w.newline(2);
            } else if matches!(
                n.as_str(),
                "div" | "li" | "tr" | "table" | "ul" | "ol" | "dt" | "dd"
            ) {
                w.newline(1);
            }
        }
    }
}

/// Signature blocks as mail clients mark them.
fn is_signature(attrs: &str) -> bool {
    attrs.contains("gmail_signature")
        || attrs.contains("moz-signature")
        || attrs.contains("id=\"signature\"")
        || attrs.contains("id=signature")
        || attrs.contains("class=\"signature\"")
        || attrs.contains("id=\"appledefaultsignature\"")
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// `s` with its character references decoded (`&amp;`, `&nbsp;`, `&#8211;`, `&#x2013;`).
pub fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(k, _)| k);
        let decoded = end.and_then(|e| entity(&after[..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return Some(match code {
            0xa0 => ' ',
            0 => '\u{fffd}',
            _ => char::from_u32(code).unwrap_or('\u{fffd}'),
        });
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "deg" => '\u{b0}',
        "plusmn" => '\u{b1}',
        "times" => '\u{d7}',
        "divide" => '\u{f7}',
        "frac12" => '\u{bd}',
        "frac14" => '\u{bc}',
        "frac34" => '\u{be}',
        "micro" => '\u{b5}',
        "sect" => '\u{a7}',
        "para" => '\u{b6}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "cent" => '\u{a2}',
        "shy" | "zwnj" | "zwj" => '\u{200b}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html, 1 << 20).0
    }

    #[test]
    fn converts_what_mail_clients_send() {
        let cases = [
            (
                "<p>Hi</p><p>Can 99213&nbsp;be billed?</p>",
                "Hi\n\nCan 99213 be billed?",
            ),
            ("a<br>b<br/>c", "a\nb\nc"),
            ("<ul><li>99213</li><li>99214</li></ul>", "- 99213\n- 99214"),
            ("<ol><li>one<li>two</ol>", "1. one\n2. two"),
            (
                "<table><tr><th>CPT</th><th>Mod</th></tr><tr><td><p>64483</p></td><td>50</td></tr></table>",
                "CPT | Mod\n64483 | 50",
            ),
            (
                "<div>new</div><blockquote>old<br>older</blockquote>",
                "new\n> old\n> older",
            ),
            (
                "<style>p{x:1}</style><!-- 99213 --><script>var a=1<2</script>ok",
                "ok",
            ),
            (
                "5 &lt; 6 &amp; 99202&ndash;99215 &#8211; &#x2013; &bogus;",
                "5 < 6 & 99202–99215 – – &bogus;",
            ),
            ("<pre>a  b\nc</pre>", "a  b\nc"),
            ("x <div class=\"gmail_signature\">Jane</div>", "x\n--\nJane"),
            ("a < b", "a < b"),
            ("<a href=\"https://x.org/99213\">link</a>", "link"),
        ];
        for (html, want) in cases {
            assert_eq!(text(html), want, "{html}");
        }
    }

    #[test]
    fn stops_at_the_limit_and_says_so() {
        let html = "<p>word</p>".repeat(1000);
        let (out, cut) = to_text(&html, 100);
        assert!(cut);
        assert!(out.len() < 200);
    }

    #[test]
    fn deep_nesting_stays_linear() {
        let html = "<blockquote>".repeat(10_000) + "x";
        let (out, _) = to_text(&html, 1 << 20);
        assert!(out.len() < 100, "{}", out.len());
    }
}
