//! Word wrapping for the text part: lines of at most 76 characters where words allow, each
//! continuation indented like the first line's hanging indent.

/// Wraps `text` to `width` characters; continuation lines start with `indent` spaces. A word
/// longer than the width stands alone on its line rather than being cut.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + 16);
    for (i, para) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let lead = para.len() - para.trim_start_matches(' ').len();
        out.push_str(&para[..lead]);
        let mut col = lead;
        let mut at_line_start = true;
        for (j, word) in para[lead..].split(' ').enumerate() {
            let len = word.chars().count();
            if word.is_empty() {
                // A run of spaces inside the line (a column gap) is kept, not collapsed.
                if j > 0 && !at_line_start {
                    out.push(' ');
                    col += 1;
                }
                continue;
            }
            if j > 0 && !at_line_start {
                if col + 1 + len > width {
                    out.push('\n');
                    out.push_str(&pad);
                    col = indent;
                } else {
                    out.push(' ');
                    col += 1;
                }
            }
            out.push_str(word);
            col += len;
            at_line_start = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_break_at_spaces_with_a_hanging_indent() {
        let s = wrap(
            "  Excludes1: radiculopathy with cervical disc disorder (M50.1) and lumbar",
            40,
            4,
        );
        assert_eq!(
            s,
            "  Excludes1: radiculopathy with cervical\n    disc disorder (M50.1) and lumbar"
        );
        assert!(s.lines().all(|l| l.len() <= 40));
    }

    #[test]
    fn short_text_and_newlines_are_kept() {
        assert_eq!(wrap("a b\nc", 76, 2), "a b\nc");
        assert_eq!(
            wrap("  S82.821A  initial encounter", 76, 2),
            "  S82.821A  initial encounter"
        );
        assert_eq!(wrap("", 76, 2), "");
    }
}
