//! Per-token facts the rules read, computed in a few linear passes over the tokens: lower-cased
//! words, keywords and the lists they govern, sentences and what they talk about, table roles,
//! and the negative contexts (money, units, identifiers, ZIP codes, street numbers...). It
//! decides no code itself.

use super::lex::{Kind, Token};
use super::lexicon::{self, Keyword};
use super::shape::{Shapes, shapes};
use super::table::{self, Role};

/// A word lower-cased (ASCII), kept inline; longer or non-ASCII words are not kept.
#[derive(Clone, Copy, Default)]
pub(super) struct Lower {
    buf: [u8; 16],
    len: u8,
}

impl Lower {
    fn of(word: &str) -> Lower {
        let mut l = Lower::default();
        if word.len() <= 16 && word.is_ascii() {
            for (d, b) in l.buf.iter_mut().zip(word.bytes()) {
                *d = b.to_ascii_lowercase();
            }
            l.len = word.len() as u8;
        }
        l
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("")
    }
}

/// What a sentence talks about.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Sentence {
    /// It holds a billing or coding word.
    pub billing: bool,
    /// It names diagnoses (`dx`, `ICD-10`).
    pub diagnosis: bool,
    /// It names ICD-9 (or its Volume 3).
    pub icd9: bool,
    /// It names procedure codes (`CPT`, `HCPCS`).
    pub procedure: bool,
    /// It names ICD-10-PCS.
    pub pcs: bool,
    /// It names modifiers.
    pub modifier: bool,
    /// A code was already found in it.
    pub has_code: bool,
    /// The paragraph it belongs to (paragraphs are separated by blank lines).
    pub paragraph: u32,
}

impl Sentence {
    /// It talks about codes: billing words, code-system names, or codes found.
    pub fn about_codes(&self) -> bool {
        self.billing || self.has_code || self.modifier || self.diagnosis
    }
}

/// Everything the rules need to know about the tokens of one text.
pub(super) struct Context<'t> {
    pub text: &'t str,
    pub toks: Vec<Token>,
    pub lower: Vec<Lower>,
    pub shapes: Vec<Shapes>,
    /// The keyword a token starts, and the index of its last token (`ICD-10-CM` is 5 tokens).
    pub keyword: Vec<Option<(Keyword, usize)>>,
    /// The token is part of a keyword.
    pub in_keyword: Vec<bool>,
    /// The keyword whose list the token stands in (`CPT 99213, 99214`).
    pub governed: Vec<Option<Keyword>>,
    pub sentence_of: Vec<u32>,
    pub sentences: Vec<Sentence>,
    pub role: Vec<Option<Role>>,
    /// The token stands where a number is no code (money, unit, identifier, ZIP, address...).
    pub negative: Vec<bool>,
    /// Per paragraph: one of its sentences names diagnosis codes (`dx`, `ICD-10`).
    pub paragraph_diagnosis: Vec<bool>,
    /// Per paragraph: one of its sentences names ICD-9.
    pub paragraph_icd9: Vec<bool>,
    /// A code was found in the text by its shape, keyword, column or catalog entry: the text
    /// is about codes, so a code-shaped word in any of its sentences may be one.
    pub text_has_code: bool,
}

/// Words after which a `.` does not end the sentence.
fn is_abbreviation(w: &str) -> bool {
    matches!(
        w,
        "dr" | "mr"
            | "mrs"
            | "ms"
            | "e.g"
            | "i.e"
            | "eg"
            | "ie"
            | "vs"
            | "etc"
            | "approx"
            | "no"
            | "nos"
            | "st"
            | "ste"
            | "apt"
            | "acct"
            | "inv"
            | "ref"
            | "ext"
            | "mod"
            | "mods"
            | "pt"
            | "ph"
            | "tel"
            | "fax"
            | "dx"
            | "proc"
            | "cpt"
            | "approx."
    )
}

impl<'t> Context<'t> {
    /// The context of `toks`, the tokens of `text`.
    pub fn new(text: &'t str, toks: Vec<Token>) -> Context<'t> {
        let n = toks.len();
        let mut cx = Context {
            text,
            lower: Vec::with_capacity(n),
            shapes: Vec::with_capacity(n),
            keyword: vec![None; n],
            in_keyword: vec![false; n],
            governed: vec![None; n],
            sentence_of: Vec::with_capacity(n),
            sentences: Vec::new(),
            role: vec![None; n],
            negative: vec![false; n],
            paragraph_diagnosis: Vec::new(),
            paragraph_icd9: Vec::new(),
            text_has_code: false,
            toks,
        };
        for t in &cx.toks {
            if t.kind == Kind::Word {
                let w = &text[t.start..t.end];
                cx.lower.push(Lower::of(w));
                cx.shapes.push(shapes(w));
            } else {
                cx.lower.push(Lower::default());
                cx.shapes.push(Shapes::default());
            }
        }
        cx.find_keywords();
        cx.split_sentences();
        for s in &cx.sentences {
            let p = s.paragraph as usize;
            if cx.paragraph_diagnosis.len() <= p {
                cx.paragraph_diagnosis.resize(p + 1, false);
            }
            cx.paragraph_diagnosis[p] |= s.diagnosis;
            if cx.paragraph_icd9.len() <= p {
                cx.paragraph_icd9.resize(p + 1, false);
            }
            cx.paragraph_icd9[p] |= s.icd9;
        }
        cx.assign_roles();
        for i in 0..n {
            if !cx.shapes[i].is_empty() {
                cx.negative[i] = cx.is_negative(i);
            }
        }
        cx.govern_lists();
        cx
    }

    /// The original text of token `i` ("" past the last token).
    pub fn word(&self, i: usize) -> &'t str {
        self.toks.get(i).map_or("", |t| &self.text[t.start..t.end])
    }

    /// The lower-cased word of token `i` ("" for punctuation, long words, and past the last
    /// token).
    pub fn lw(&self, i: usize) -> &str {
        self.lower.get(i).map_or("", Lower::as_str)
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Word)
    }

    /// Whether token `i` has no lower-case letter.
    pub fn is_upper(&self, i: usize) -> bool {
        !self.word(i).bytes().any(|b| b.is_ascii_lowercase())
    }

    pub fn same_sentence(&self, a: usize, b: usize) -> bool {
        a < self.toks.len() && b < self.toks.len() && self.sentence_of[a] == self.sentence_of[b]
    }

    pub fn sentence(&self, i: usize) -> &Sentence {
        &self.sentences[self.sentence_of[i] as usize]
    }

    /// Whether token `i` stands in a sentence about codes, or next to one in its paragraph: a
    /// question's sentences lean on each other (a bare `Pushed IV, 96374.` after a sentence that
    /// asks which drug code to bill).
    pub fn about_codes(&self, i: usize) -> bool {
        let s = self.sentence_of[i] as usize;
        let here = &self.sentences[s];
        let near = |k: usize| {
            self.sentences
                .get(k)
                .is_some_and(|o| o.paragraph == here.paragraph && o.about_codes())
        };
        here.about_codes() || (s > 0 && near(s - 1)) || near(s + 1)
    }

    /// Whether token `i`'s sentence, or one next to it in its paragraph, names ICD-9 (`We used
    /// ICD-9 then. The code was 724.2.`).
    pub fn near_icd9(&self, i: usize) -> bool {
        let s = self.sentence_of[i] as usize;
        let here = &self.sentences[s];
        let near = |k: usize| {
            self.sentences
                .get(k)
                .is_some_and(|o| o.paragraph == here.paragraph && o.icd9)
        };
        here.icd9 || (s > 0 && near(s - 1)) || near(s + 1)
    }

    /// Whether token `i`'s paragraph names ICD-9 anywhere (`In ICD-9 we used E880.9. ... The
    /// fracture was 813.42.`).
    pub fn paragraph_names_icd9(&self, i: usize) -> bool {
        let s = self.sentence_of[i] as usize;
        self.sentences
            .get(s)
            .and_then(|here| self.paragraph_icd9.get(here.paragraph as usize))
            .copied()
            .unwrap_or(false)
    }

    /// Whether token `i`'s paragraph names diagnosis codes anywhere (`401.9 hypertension - what
    /// ICD-10?`).
    pub fn paragraph_names_diagnosis(&self, i: usize) -> bool {
        let s = self.sentence_of[i] as usize;
        self.sentences
            .get(s)
            .and_then(|here| self.paragraph_diagnosis.get(here.paragraph as usize))
            .copied()
            .unwrap_or(false)
    }

    pub fn sentence_mut(&mut self, i: usize) -> &mut Sentence {
        let s = self.sentence_of[i] as usize;
        &mut self.sentences[s]
    }

    /// Whether tokens `a` and `b` (a < b) touch, with no whitespace between.
    pub fn glued(&self, a: usize, b: usize) -> bool {
        b == a + 1 && b < self.toks.len() && !self.toks[b].space_before
    }

    fn find_keywords(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            if !self.is_word(i) {
                i += 1;
                continue;
            }
            if let Some((kw, last)) = self.compound_keyword(i) {
                self.keyword[i] = Some((kw, last));
                for k in i..=last {
                    self.in_keyword[k] = true;
                }
                i = last + 1;
                continue;
            }
            if let Some(kw) = lexicon::keyword(self.lw(i)) {
                // `EM` only in capitals; `em` is no word coders write for E/M. `error code`,
                // `ZIP code`, `remark code` name other codes.
                let other_code = kw == Keyword::Any && self.qualifier_before(i);
                if !other_code && (self.lw(i) != "em" || self.word(i) == "EM") {
                    self.keyword[i] = Some((kw, i));
                    self.in_keyword[i] = true;
                }
            }
            i += 1;
        }
    }

    /// Whether the word before `code` at `i` makes it another kind of code (`error code`).
    fn qualifier_before(&self, i: usize) -> bool {
        let p = if i >= 2 && self.kind(i - 1) == Some(Kind::Dash) {
            i - 2
        } else if i >= 1 {
            i - 1
        } else {
            return false;
        };
        self.is_word(p) && lexicon::is_other_code_word(self.lw(p))
    }

    /// Keywords written over several tokens: `ICD-10-CM`, `ICD 10`, `ICD-9`, `E/M`, `E&M`,
    /// `J-code`.
    fn compound_keyword(&self, i: usize) -> Option<(Keyword, usize)> {
        let w = self.lw(i);
        let next_word = |j: usize| -> Option<usize> {
            // The word at j, or after one dash at j.
            if self.is_word(j) {
                Some(j)
            } else if self.kind(j) == Some(Kind::Dash) && self.is_word(j + 1) {
                Some(j + 1)
            } else {
                None
            }
        };
        match w {
            "icd" | "icd10" | "icd9" => {
                let mut last = i;
                let mut kw = if w == "icd9" {
                    Keyword::Icd9
                } else {
                    Keyword::Diagnosis
                };
                if w == "icd" {
                    let j = next_word(i + 1)?;
                    match self.lw(j) {
                        "10" | "10cm" => last = j,
                        "9" | "9cm" => {
                            kw = Keyword::Icd9;
                            last = j;
                        }
                        "10pcs" => return Some((Keyword::Pcs, j)),
                        _ => return None,
                    }
                }
                if let Some(j) = next_word(last + 1) {
                    match self.lw(j) {
                        "cm" => last = j,
                        "pcs" => return Some((Keyword::Pcs, j)),
                        _ => {}
                    }
                }
                (last > i).then_some((kw, last))
            }
            "e" => {
                let sep = self.kind(i + 1);
                (matches!(sep, Some(Kind::Slash | Kind::Amp))
                    && self.glued(i, i + 1)
                    && self.glued(i + 1, i + 2)
                    && self.lw(i + 2) == "m")
                    .then_some((Keyword::Procedure, i + 2))
            }
            "j" => {
                let j = next_word(i + 1)?;
                matches!(self.lw(j), "code" | "codes").then_some((Keyword::Procedure, j))
            }
            _ => None,
        }
    }

    fn split_sentences(&mut self) {
        let n = self.toks.len();
        let mut id = 0u32;
        let mut paragraph = 0u32;
        let mut cur = Sentence::default();
        for i in 0..n {
            let t = self.toks[i];
            let blank_line = i > 0
                && self.text[self.toks[i - 1].end..t.start]
                    .bytes()
                    .filter(|&b| b == b'\n')
                    .count()
                    >= 2;
            let ends_before = i > 0 && {
                let p = self.toks[i - 1];
                let stop = p.kind == Kind::Stop
                    && !(self.text[p.start..p.end] == *"."
                        && i >= 2
                        && is_abbreviation(self.lw(i - 2))
                        && self.toks[i - 2].end == p.start);
                stop || t.break_before
            };
            if ends_before || blank_line {
                self.sentences.push(cur);
                if blank_line {
                    paragraph += 1;
                }
                cur = Sentence {
                    paragraph,
                    ..Sentence::default()
                };
                id += 1;
            }
            self.sentence_of.push(id);
            if t.kind == Kind::Word {
                let w = self.lw(i);
                if lexicon::is_billing_word(w)
                    && !(matches!(w, "code" | "codes") && self.qualifier_before(i))
                {
                    cur.billing = true;
                }
                match self.keyword[i] {
                    Some((Keyword::Diagnosis, _)) => cur.diagnosis = true,
                    Some((Keyword::Icd9, _)) => cur.icd9 = true,
                    Some((Keyword::Pcs, _)) => cur.pcs = true,
                    Some((Keyword::Modifier, _)) => cur.modifier = true,
                    Some((Keyword::Procedure, _)) => {
                        cur.billing = true;
                        cur.procedure = true;
                    }
                    Some((Keyword::Any, _)) => cur.billing = true,
                    None => {}
                }
                // ICD-9-CM Volume 3 holds its procedure codes: `Volume 3`, `Vol. 3`, `vol III`.
                if matches!(w, "volume" | "vol") {
                    let k = if self.kind(i + 1) == Some(Kind::Stop) {
                        i + 2
                    } else {
                        i + 1
                    };
                    if self.is_word(k) && matches!(self.lw(k), "3" | "iii") {
                        cur.icd9 = true;
                    }
                }
                if matches!(w, "inpatient" | "root" | "operation") {
                    cur.pcs = true;
                }
            }
        }
        self.sentences.push(cur);
    }

    fn assign_roles(&mut self) {
        if !self.text.contains(['|', '\t', ' ']) {
            return;
        }
        let lines = table::cells_by_line(self.text);
        // Tokens and cells are both in text order: one cursor per line keeps this linear even
        // for a row of thousands of cells.
        let mut line = u32::MAX;
        let mut k = 0;
        for (i, t) in self.toks.iter().enumerate() {
            if t.line != line {
                line = t.line;
                k = 0;
            }
            let Some(cells) = lines.get(line as usize) else {
                continue;
            };
            while k < cells.len() && cells[k].end < t.end {
                k += 1;
            }
            if let Some(c) = cells.get(k) {
                if c.start <= t.start && t.end <= c.end {
                    self.role[i] = Some(c.role);
                }
            }
        }
    }

    /// Whether token `i` is a word of digits only.
    pub fn is_digits(&self, i: usize) -> bool {
        self.is_word(i) && self.word(i).bytes().all(|b| b.is_ascii_digit())
    }

    /// The index of the word before `i` within its sentence, skipping punctuation in `skip`.
    fn prev_word_skipping(&self, i: usize, skip: &[Kind]) -> Option<usize> {
        let mut j = i;
        let mut budget = 4;
        while j > 0 && budget > 0 {
            j -= 1;
            budget -= 1;
            if !self.same_sentence(j, i) && self.kind(j) != Some(Kind::Stop) {
                return None;
            }
            match self.kind(j) {
                Some(Kind::Word) => return Some(j),
                Some(k) if skip.contains(&k) => continue,
                _ => return None,
            }
        }
        None
    }

    /// The negative contexts: where a code-shaped word is a number of another kind.
    fn is_negative(&self, i: usize) -> bool {
        let s = self.shapes[i];
        let numeric = self.is_digits(i);
        // Money and percentages.
        if i > 0 && self.kind(i - 1) == Some(Kind::Dollar) {
            return true;
        }
        if self.kind(i + 1) == Some(Kind::Percent) {
            return true;
        }
        // A unit after it: `2 mg`, `90 minutes`, `22-gauge`.
        let unit_at = if self.kind(i + 1) == Some(Kind::Dash) && self.glued(i, i + 1) {
            i + 2
        } else {
            i + 1
        };
        if self.is_word(unit_at) {
            let w = self.lw(unit_at);
            let number = numeric && s.any(Shapes::MODIFIER | Shapes::DIGITS3);
            // `E11.9 second` is an ordinal; `90 second` a unit.
            let unit = lexicon::is_measure_unit(w) && (number || !lexicon::is_ordinal(w));
            if unit || number && lexicon::is_count_word(w) {
                return true;
            }
        }
        if self.glued_to_identifier(i) {
            return true;
        }
        if numeric && self.digit_joined(i) {
            return true;
        }
        // Identifiers: `claim # 12345`, `NPI: ...`, `Suite 200`, `ext. 12345`.
        let skip = [Kind::Hash, Kind::Colon, Kind::Stop, Kind::Dash, Kind::Other];
        if let Some(p) = self.prev_word_skipping(i, &skip) {
            // `bed 4`, `line 2` number things; `bed E0260`, `line is J9312` name their code.
            let letter_code = s.any(Shapes::LETTER4) && self.is_upper(i);
            let id = |k: usize| {
                lexicon::is_id_word(self.lw(k))
                    && self.keyword[k].is_none()
                    && !(letter_code && lexicon::is_counted_thing(self.lw(k)))
                    || matches!(self.lw(k), "code" | "codes") && self.qualifier_before(k)
            };
            if id(p) {
                return true;
            }
            if lexicon::is_id_filler(self.lw(p)) && self.keyword[p].is_none() {
                if let Some(q) = self.prev_word_skipping(p, &skip) {
                    if id(q) {
                        return true;
                    }
                }
            }
        }
        if i > 0 && self.kind(i - 1) == Some(Kind::Hash) {
            let before = i.checked_sub(2);
            let named = before.is_some_and(|b| self.in_keyword[b]);
            if !named {
                return true;
            }
        }
        if self.is_adjustment_code(i) || self.is_licence_number(i) {
            return true;
        }
        if s.any(Shapes::DIGITS5) && (self.is_zip(i) || self.is_street_number(i)) {
            return true;
        }
        // Vertebral levels: `T12-L1`, `C5-C6`.
        if s.any(Shapes::ICD_BARE) && self.word(i).len() <= 3 {
            let spine = |j: usize| {
                self.is_word(j) && {
                    let b = self.word(j).as_bytes();
                    (2..=3).contains(&b.len())
                        && matches!(b[0], b'C' | b'T' | b'L' | b'S')
                        && b[1..].iter().all(u8::is_ascii_digit)
                }
            };
            let left = i >= 2 && self.kind(i - 1) == Some(Kind::Dash) && spine(i - 2);
            let right = self.kind(i + 1) == Some(Kind::Dash) && spine(i + 2);
            if left || right {
                return true;
            }
        }
        false
    }

    /// A claim adjustment reason code's group (`CO-45`, `PR-1`: CO, PR, OA, PI or CR glued to
    /// digits), or a remark code after a denial (`denied with N130`, `sent back with M80`).
    fn is_adjustment_code(&self, i: usize) -> bool {
        let w = self.word(i);
        let group = matches!(w, "CO" | "PR" | "OA" | "PI" | "CR")
            && self.kind(i + 1) == Some(Kind::Dash)
            && self.glued(i, i + 1)
            && self.glued(i + 1, i + 2)
            && self.is_digits(i + 2);
        let b = w.as_bytes();
        let remark_shape = (4..=6).contains(&b.len())
            && matches!(b[0], b'N' | b'M')
            && b[b.len() - 3..].iter().all(u8::is_ascii_digit);
        let after_denial =
            i >= 2 && self.lw(i - 1) == "with" && lexicon::is_denial_word(self.lw(i - 2));
        group || remark_shape && after_denial
    }

    /// A letter glued by a dash to five digits (`D-12345`): a licence or account number, as no
    /// code is written.
    fn is_licence_number(&self, i: usize) -> bool {
        self.is_digits(i)
            && i >= 2
            && self.kind(i - 1) == Some(Kind::Dash)
            && self.glued(i - 2, i - 1)
            && self.glued(i - 1, i)
            && self.is_word(i - 2)
            && self.word(i - 2).len() == 1
            && self.word(i - 2).bytes().all(|b| b.is_ascii_uppercase())
    }

    /// Whether token `i` is glued by `-`, `_` or `=` to a word that is neither a code nor a
    /// keyword: part of an identifier (`1P1ce6-000Egt-GZ`, `id=22222`, `ABC-12345`).
    fn glued_to_identifier(&self, i: usize) -> bool {
        let glue = |k: usize| {
            matches!(self.kind(k), Some(Kind::Dash | Kind::Slash))
                || (self.kind(k) == Some(Kind::Other) && matches!(self.word(k), "_" | "="))
        };
        let foreign = |w: usize| {
            self.is_word(w)
                && self.shapes[w].is_empty()
                && !self.in_keyword[w]
                && self.word(w).bytes().any(|b| b.is_ascii_alphanumeric())
        };
        let left = i >= 2
            && glue(i - 1)
            && self.glued(i - 1, i)
            && self.glued(i - 2, i - 1)
            && foreign(i - 2);
        let right =
            glue(i + 1) && self.glued(i, i + 1) && self.glued(i + 1, i + 2) && foreign(i + 2);
        // `22-gauge` and `90-minute` are units, judged above; words like `post-op` are fine.
        left && !self.is_digits(i - 2) && self.word(i - 2).len() > 1 && self.has_digit(i - 2)
            || right && self.has_digit(i + 2)
    }

    fn has_digit(&self, i: usize) -> bool {
        self.word(i).bytes().any(|b| b.is_ascii_digit())
    }

    /// Whether numeric token `i` is glued by `-`, `/`, `:` or `.` to other digits in a way no
    /// code is written (`75201-1234`, `10:25`, `3/25/2024`, `214-555-0199`).
    fn digit_joined(&self, i: usize) -> bool {
        let joiner = |k: usize| {
            matches!(
                self.kind(k),
                Some(Kind::Dash | Kind::Slash | Kind::Colon | Kind::Other)
            ) && {
                let t = self.toks[k];
                t.end - t.start == 1 || t.kind == Kind::Dash
            }
        };
        let allowed = |a: usize, b: usize| {
            // a, b: the two words; a range or pair of codes, or a code and its modifier.
            let (sa, sb) = (self.shapes[a], self.shapes[b]);
            let code = Shapes::DIGITS5 | Shapes::CPT_ALPHA | Shapes::LETTER4;
            (sa.any(code) && sb.any(code))
                || (sa.any(code)
                    && sb.has(Shapes::MODIFIER)
                    && self.kind(a + 1) == Some(Kind::Dash))
                || (sa.has(Shapes::MODIFIER)
                    && sb.has(Shapes::MODIFIER)
                    && self.kind(a + 1) == Some(Kind::Dash))
        };
        if i >= 2
            && joiner(i - 1)
            && self.glued(i - 1, i)
            && self.glued(i - 2, i - 1)
            && self.is_digits(i - 2)
            && !allowed(i - 2, i)
        {
            return true;
        }
        if joiner(i + 1)
            && self.glued(i, i + 1)
            && self.glued(i + 1, i + 2)
            && self.is_digits(i + 2)
            && !allowed(i, i + 2)
        {
            return true;
        }
        false
    }

    /// `Dallas, TX 75201`, `Hartford, CT 06103`.
    fn is_zip(&self, i: usize) -> bool {
        if i == 0 || !self.is_word(i - 1) {
            return false;
        }
        let state = self.word(i - 1);
        if !lexicon::is_state(state) {
            return false;
        }
        let comma = i >= 2 && self.kind(i - 2) == Some(Kind::Comma);
        if comma {
            return true;
        }
        if i < 2 || !self.is_word(i - 2) {
            return false;
        }
        let city = |k: usize| {
            let mut chars = self.word(k).chars();
            self.is_word(k)
                && chars.next().is_some_and(char::is_uppercase)
                && chars.all(char::is_lowercase)
                && self.keyword[k].is_none()
        };
        if !city(i - 2) {
            return false;
        }
        if !lexicon::is_ambiguous_state(state) {
            return true;
        }
        // An ambiguous state (`Head CT 70450`) takes an address line: the ZIP ends the line,
        // and the city follows a comma (`12 Elm St, Springfield IL 62701`), stands under a
        // street line, or starts a line of its own (`Springfield IL 62701`).
        let line = self.toks[i].line;
        // A full stop may end the address's sentence: `Springfield IL 62701. Call us.`
        let next = if self.kind(i + 1) == Some(Kind::Stop) {
            i + 2
        } else {
            i + 1
        };
        let ends_line = next == i + 2 || self.toks.get(next).is_none_or(|t| t.line != line);
        if !ends_line {
            return false;
        }
        let mut first = i - 2;
        while first > 0 && self.toks[first - 1].line == line && city(first - 1) {
            first -= 1;
        }
        let starts_line = first == 0 || self.toks[first - 1].line != line;
        let after_comma = self.kind(first.wrapping_sub(1)) == Some(Kind::Comma)
            && self.toks[first - 1].line == line;
        // The line above is a street address: a number, then a street type (`12 Elm St`).
        let above = (0..first)
            .rev()
            .take_while(|&k| self.toks[k].line + 1 >= line)
            .last()
            .unwrap_or(first);
        let mut number = false;
        let under_street = starts_line
            && (above..first).any(|k| {
                number |= self.is_digits(k);
                number && self.is_word(k) && lexicon::is_street_word(self.lw(k))
            });
        let own_line = starts_line && !lexicon::is_imaging_state(state);
        after_comma || under_street || own_line
    }

    /// `12345 Preston Rd`, `10000 N Central Expy`.
    fn is_street_number(&self, i: usize) -> bool {
        let first = i + 1;
        if !self.is_word(first) {
            return false;
        }
        let w = self.word(first);
        if !w.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        // The street type follows the street name: `99213 Dr. Smith` is no address.
        (first + 1..first + 4)
            .take_while(|&j| self.is_word(j) || self.kind(j) == Some(Kind::Stop))
            .any(|j| self.is_word(j) && lexicon::is_street_word(self.lw(j)))
    }

    /// Whether a word of shape `s` (token `i`) can stand in a list that keyword `kw` governs.
    pub fn compatible(&self, kw: Keyword, i: usize, first: bool) -> bool {
        let s = self.shapes[i];
        match kw {
            Keyword::Procedure => {
                s.any(Shapes::DIGITS5 | Shapes::CPT_ALPHA)
                    || s.any(Shapes::LETTER4) && hcpcs_letter(self.word(i))
            }
            // An ICD-9-CM code with its dot (`code 724.2`) only first: later in the list it may
            // be an amount (`code 99213 was 125.00`); lists spread from the first.
            Keyword::Any => {
                s.any(
                    Shapes::DIGITS5
                        | Shapes::CPT_ALPHA
                        | Shapes::LETTER4
                        | Shapes::ICD_DOT
                        | Shapes::ICD_BARE
                        | Shapes::PCS,
                ) || first && s.any(Shapes::ICD9_DOT)
            }
            Keyword::Diagnosis => {
                s.any(Shapes::ICD_DOT | Shapes::ICD_BARE | Shapes::LETTER4)
                    || first && s.any(Shapes::ICD9_DOT)
            }
            Keyword::Pcs => s.any(Shapes::PCS),
            Keyword::Icd9 => s.any(Shapes::ICD9_DOT | Shapes::DIGITS3),
            Keyword::Modifier => {
                s.any(Shapes::MODIFIER) && (first || self.is_upper(i) || self.is_digits(i))
            }
        }
    }

    /// Marks the lists keywords govern, forwards (`CPT 99213, 99214 or 99215`, `modifiers 25
    /// and 59`) and backwards (`25 and 59 modifiers`, `99213 code`).
    fn govern_lists(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            let Some((kw, last)) = self.keyword[i] else {
                i += 1;
                continue;
            };
            self.govern_forward(kw, last);
            if matches!(kw, Keyword::Modifier | Keyword::Any | Keyword::Diagnosis) {
                self.govern_backward(kw, i);
            }
            i = last + 1;
        }
    }

    fn govern_forward(&mut self, kw: Keyword, last: usize) {
        let n = self.toks.len();
        let mut j = last + 1;
        let mut items = 0;
        let mut fillers = 0;
        let mut puncts = 0;
        while j < n && items < 40 {
            // A `.` right after the keyword is an abbreviation (`Mod. 59`, `Dx. M54.16`).
            if j == last + 1 && self.kind(j) == Some(Kind::Stop) && self.word(j) == "." {
                j += 1;
                continue;
            }
            if !self.same_sentence(j, last) {
                break;
            }
            match self.kind(j) {
                Some(Kind::Word) => {
                    if let Some((_, klast)) = self.keyword[j] {
                        // `CPT code 99213`, `ICD-10 dx`.
                        fillers += 1;
                        if fillers > 2 {
                            break;
                        }
                        j = klast + 1;
                        continue;
                    }
                    if self.in_keyword[j] {
                        j += 1;
                        continue;
                    }
                    if self.compatible(kw, j, items == 0) {
                        self.governed[j] = Some(kw);
                        items += 1;
                        fillers = 0;
                        puncts = 0;
                        j += 1;
                        continue;
                    }
                    // A modifier glued to a listed code: `CPT 99213-25, 99214`.
                    if items > 0
                        && self.shapes[j].has(Shapes::MODIFIER)
                        && self.kind(j - 1) == Some(Kind::Dash)
                    {
                        j += 1;
                        continue;
                    }
                    let w = self.lw(j);
                    let filler = lexicon::is_list_filler(w)
                        || (items == 0 && lexicon::is_article(w))
                        || (items == 0 && matches!(w, "for" | "to" | "from" | "on" | "is" | "be"));
                    if filler {
                        fillers += 1;
                        if fillers > 2 {
                            break;
                        }
                        j += 1;
                        continue;
                    }
                    break;
                }
                Some(
                    Kind::Comma
                    | Kind::Slash
                    | Kind::Amp
                    | Kind::Plus
                    | Kind::Colon
                    | Kind::Hash
                    | Kind::Dash
                    | Kind::Open
                    | Kind::Close
                    | Kind::Other,
                ) => {
                    puncts += 1;
                    if puncts > 3 {
                        break;
                    }
                    j += 1;
                }
                _ => break,
            }
        }
    }

    fn govern_backward(&mut self, kw: Keyword, first: usize) {
        let mut j = first;
        let mut items = 0;
        let mut steps = 0;
        while j > 0 && steps < 24 {
            j -= 1;
            steps += 1;
            if !self.same_sentence(j, first) {
                break;
            }
            match self.kind(j) {
                Some(Kind::Word) => {
                    if self.in_keyword[j] {
                        break;
                    }
                    if self.compatible(kw, j, false) {
                        if self.governed[j].is_none() {
                            self.governed[j] = Some(kw);
                        }
                        items += 1;
                        continue;
                    }
                    if items > 0 && matches!(self.lw(j), "and" | "or" | "nor") {
                        continue;
                    }
                    break;
                }
                Some(Kind::Comma | Kind::Slash | Kind::Amp | Kind::Dash)
                    if items > 0 || kw == Keyword::Modifier => {}
                _ => break,
            }
        }
    }
}

/// Whether a HCPCS Level II code can start with the first letter of `word`.
pub(super) fn hcpcs_letter(word: &str) -> bool {
    matches!(
        word.as_bytes().first().map(u8::to_ascii_uppercase),
        Some(
            b'A' | b'B'
                | b'C'
                | b'D'
                | b'E'
                | b'G'
                | b'H'
                | b'J'
                | b'K'
                | b'L'
                | b'M'
                | b'P'
                | b'Q'
                | b'R'
                | b'S'
                | b'T'
                | b'U'
                | b'V'
        )
    )
}
