//! The code shapes a single word can have (`99213`, `J3301`, `M54.16`, `0SG00ZZ`, `25`), from
//! its characters alone; context decides later which shape, if any, it is.

use super::lexicon;

/// The shapes of one word, as bit flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Shapes(u16);

impl Shapes {
    /// Five digits: CPT Category I (`99213`), or a ZIP code, a count...
    pub const DIGITS5: Shapes = Shapes(1);
    /// Four digits and F, T, U, M or A: CPT Category II, III, PLA, MAAA or vaccine administration
    /// (`3074F`, `0042T`, `0001U`, `0001M`, `0001A`).
    pub const CPT_ALPHA: Shapes = Shapes(1 << 1);
    /// A letter and four digits: HCPCS Level II (`J3301`) or an ICD-10-CM code without its dot.
    pub const LETTER4: Shapes = Shapes(1 << 2);
    /// ICD-10-CM with its dot (`M54.16`, `T84.50XA`).
    pub const ICD_DOT: Shapes = Shapes(1 << 3);
    /// ICD-10-CM without its dot, other than a letter and four digits (`I10`, `S72001A`).
    pub const ICD_BARE: Shapes = Shapes(1 << 4);
    /// ICD-10-PCS (`0SG00ZZ`).
    pub const PCS: Shapes = Shapes(1 << 5);
    /// ICD-9-CM with its dot (`724.4`, `V58.61`, `E888.9`).
    pub const ICD9_DOT: Shapes = Shapes(1 << 6);
    /// A CPT or HCPCS modifier (`25`, `XU`, `lt`).
    pub const MODIFIER: Shapes = Shapes(1 << 7);
    /// Three digits (an ICD-9-CM category after `ICD-9`).
    pub const DIGITS3: Shapes = Shapes(1 << 8);
    /// An ICD-9-CM Volume 3 procedure code: two digits, a dot, one or two digits (`81.54`).
    pub const ICD9_PROC: Shapes = Shapes(1 << 9);

    /// No shape at all.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every flag of `other` is set.
    pub fn has(self, other: Shapes) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether any flag of `other` is set.
    pub fn any(self, other: Shapes) -> bool {
        self.0 & other.0 != 0
    }

    fn set(&mut self, other: Shapes) {
        self.0 |= other.0;
    }
}

impl std::ops::BitOr for Shapes {
    type Output = Shapes;
    fn bitor(self, rhs: Shapes) -> Shapes {
        Shapes(self.0 | rhs.0)
    }
}

/// Third characters that are letters in ICD-10-CM categories (`C4A`, `M1A`, `Z3A`...).
fn icd_letter_category(b: &[u8]) -> bool {
    matches!(
        &b[..3],
        b"C4A" | b"C7A" | b"C7B" | b"D3A" | b"M1A" | b"O9A" | b"Z3A"
    )
}

/// The first three characters of an ICD-10-CM code (upper-cased bytes).
fn icd_category(b: &[u8]) -> bool {
    b.len() >= 3
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && (b[2].is_ascii_digit() || icd_letter_category(b))
}

/// The shapes of `word`: ASCII alphanumerics with at most one internal dot.
pub(super) fn shapes(word: &str) -> Shapes {
    let mut s = Shapes::default();
    let raw = word.as_bytes();
    if raw.len() < 2
        || raw.len() > 8
        || !raw.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return s;
    }
    let mut up = [0u8; 8];
    for (d, b) in up.iter_mut().zip(raw) {
        *d = b.to_ascii_uppercase();
    }
    let b = &up[..raw.len()];
    let dots = b.iter().filter(|&&c| c == b'.').count();
    if dots > 1 {
        return s;
    }
    let digits = |r: &[u8]| !r.is_empty() && r.iter().all(u8::is_ascii_digit);
    let alnum = |r: &[u8]| !r.is_empty() && r.iter().all(u8::is_ascii_alphanumeric);
    if dots == 1 {
        let dot = b.iter().position(|&c| c == b'.').unwrap_or(0);
        let (head, tail) = (&b[..dot], &b[dot + 1..]);
        if head.len() == 3 && icd_category(head) && alnum(tail) && tail.len() <= 4 {
            s.set(Shapes::ICD_DOT);
        }
        let icd9 = (digits(head) && head.len() == 3 && digits(tail) && tail.len() <= 2)
            || (head.len() == 3
                && head[0] == b'V'
                && digits(&head[1..])
                && digits(tail)
                && tail.len() <= 2)
            || (head.len() == 4
                && head[0] == b'E'
                && digits(&head[1..])
                && digits(tail)
                && tail.len() == 1);
        if icd9 {
            s.set(Shapes::ICD9_DOT);
        }
        if head.len() == 2 && digits(head) && digits(tail) && tail.len() <= 2 {
            s.set(Shapes::ICD9_PROC);
        }
        return s;
    }
    let n = b.len();
    if n == 2 && lexicon::is_modifier(word) {
        s.set(Shapes::MODIFIER);
    }
    if n == 3 && digits(b) {
        s.set(Shapes::DIGITS3);
    }
    if n == 5 && digits(b) {
        s.set(Shapes::DIGITS5);
    }
    if n == 5 && digits(&b[..4]) && matches!(b[4], b'F' | b'T' | b'U' | b'M' | b'A') {
        // Category III, PLA, MAAA (M) and vaccine administration (A) codes all start with 0.
        if b[4] == b'F' || b[0] == b'0' {
            s.set(Shapes::CPT_ALPHA);
        }
    }
    if n == 5 && b[0].is_ascii_uppercase() && digits(&b[1..]) {
        s.set(Shapes::LETTER4);
    } else if (3..=7).contains(&n) && icd_category(b) && (n == 3 || alnum(&b[3..])) {
        s.set(Shapes::ICD_BARE);
    }
    if n == 7
        && !b.contains(&b'O')
        && !b.contains(&b'I')
        && (b[0].is_ascii_digit() || matches!(b[0], b'B' | b'C' | b'D' | b'F' | b'G' | b'H' | b'X'))
        && b.iter().filter(|c| c.is_ascii_digit()).count() >= 2
        && b.iter().any(u8::is_ascii_alphabetic)
    {
        s.set(Shapes::PCS);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_words() {
        let cases = [
            ("99213", Shapes::DIGITS5),
            ("00100", Shapes::DIGITS5),
            ("3074F", Shapes::CPT_ALPHA),
            ("0042T", Shapes::CPT_ALPHA),
            ("0001U", Shapes::CPT_ALPHA),
            ("5000U", Shapes::default()),
            ("J3301", Shapes::LETTER4),
            ("m5416", Shapes::LETTER4),
            ("M54.16", Shapes::ICD_DOT),
            ("S72.001A", Shapes::ICD_DOT),
            ("T84.50XA", Shapes::ICD_DOT),
            ("C4A.9", Shapes::ICD_DOT),
            ("I10", Shapes::ICD_BARE),
            ("E119", Shapes::ICD_BARE),
            ("S72001A", Shapes::ICD_BARE),
            ("0SG00ZZ", Shapes::PCS),
            ("724.4", Shapes::ICD9_DOT),
            ("250.00", Shapes::ICD9_DOT),
            ("E888.9", Shapes::ICD9_DOT),
            ("25", Shapes::MODIFIER),
            ("xu", Shapes::MODIFIER),
            ("19.9", Shapes::ICD9_PROC),
            ("A1C", Shapes::default()),
            ("H1N1", Shapes::default()),
            ("2024", Shapes::default()),
            ("1234567893", Shapes::default()),
            ("hello", Shapes::default()),
            ("125.00", Shapes::ICD9_DOT),
        ];
        for (word, want) in cases {
            assert_eq!(shapes(word), want, "{word}");
        }
        assert_eq!(shapes("V58.61"), Shapes::ICD_DOT | Shapes::ICD9_DOT);
        assert_eq!(shapes("B2111ZZ"), Shapes::ICD_BARE | Shapes::PCS);
        assert_eq!(shapes("100.4"), Shapes::ICD9_DOT);
        assert_eq!(shapes("401"), Shapes::DIGITS3);
        assert_eq!(shapes("45.13"), Shapes::ICD9_PROC);
        assert_eq!(shapes("88.7"), Shapes::ICD9_PROC);
        assert_eq!(shapes("12.345"), Shapes::default());
    }
}
