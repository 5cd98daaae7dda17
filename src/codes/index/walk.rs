//! The walk from a question's words through the Index books: a main term whose title the words
//! hold, then the sub-terms they also hold, deepest first; `see` references followed (into
//! another book when they say so), `see also` said; in a Table, the column the words choose
//! (a poisoning's intent, adverse effect, underdosing; a neoplasm's behaviour). Pure.

use super::words::{self, BRANDS};
use super::{Book, IndexBook, IndexBooks, IndexLead};
use std::collections::BTreeSet;

/// The question's words: each token's stem and whether it counts for matching.
struct Query {
    stems: Vec<String>,
    counts: Vec<bool>,
    tokens: Vec<String>,
    text: String,
}

impl Query {
    fn new(text: &str) -> Query {
        let tokens = words::tokens(text);
        Query {
            stems: tokens.iter().map(|t| words::stem(t)).collect(),
            counts: tokens.iter().map(|t| !words::is_stop(t)).collect(),
            tokens,
            text: text.to_lowercase(),
        }
    }

    /// The token positions that hold every significant word of one of the title's
    /// alternatives ("abdomen, abdominal"; "from, off, out of"), the alternative with most words.
    fn matches(&self, title: &str) -> Option<BTreeSet<usize>> {
        let mut best: Option<BTreeSet<usize>> = None;
        for alt in title.split(", ") {
            let all = words::tokens(alt);
            let mut want: Vec<&String> = all.iter().filter(|w| !words::is_stop(w)).collect();
            if want.is_empty() {
                want = all.iter().collect();
            }
            if want.is_empty() {
                continue;
            }
            let mut got = BTreeSet::new();
            let found = want.iter().all(|w| {
                let s = words::stem(w);
                match (0..self.stems.len()).find(|&i| self.stems[i] == s && !got.contains(&i)) {
                    Some(i) => {
                        got.insert(i);
                        true
                    }
                    None => false,
                }
            });
            // A match of short tokens only ("2,4-D" against "type 2 ... d") is no match.
            let strong = got.iter().any(|&i| self.tokens[i].len() >= 3);
            if found && strong && best.as_ref().is_none_or(|b| got.len() > b.len()) {
                best = Some(got);
            }
        }
        best
    }

    /// The same words with those `skip` says match no title.
    fn without(&self, skip: fn(&str) -> bool) -> Query {
        let mut q = Query {
            stems: self.stems.clone(),
            counts: self.counts.clone(),
            tokens: self.tokens.clone(),
            text: self.text.clone(),
        };
        for (i, t) in self.tokens.iter().enumerate() {
            if skip(t) {
                q.stems[i].clear();
                q.counts[i] = false;
            }
        }
        q
    }

    fn score(&self, matched: &BTreeSet<usize>) -> u32 {
        matched.iter().filter(|&&i| self.counts[i]).count() as u32
    }
}

/// A term the walk reached, with the question words its path matched.
#[derive(Clone)]
struct Reach {
    node: usize,
    matched: BTreeSet<usize>,
    path: Vec<usize>,
}

/// Every term under `start` (itself included) whose path the words hold, each with its path.
fn descend(book: &IndexBook, q: &Query, start: Reach, out: &mut Vec<Reach>) {
    for &child in &book.terms[start.node].children {
        let term = &book.terms[child];
        // In the Table of Drugs a sub-term is also reached by its nonessential modifiers:
        // "lithium carbonate" is indexed at Lithium > salts (carbonate).
        let by_nemod = || {
            if book.book != Book::Drugs {
                return None;
            }
            let nemod = term.nemod.as_deref()?;
            nemod
                .split(['(', ')'])
                .filter_map(|m| q.matches(m.trim()))
                .max_by_key(BTreeSet::len)
        };
        if let Some(m) = q.matches(&term.title).or_else(by_nemod) {
            if m.iter().all(|i| start.matched.contains(i)) {
                continue;
            }
            let mut next = start.clone();
            next.node = child;
            next.matched.extend(m);
            next.path.push(child);
            descend(book, q, next, out);
        }
    }
    out.push(start);
}

/// How many words the titles of a path hold: of two paths matching the same words, the one
/// with fewer words said nothing the question did not ("lung" before "lingula, lung").
fn wordiness(book: &IndexBook, path: &[usize]) -> usize {
    path.iter()
        .map(|&i| words::tokens(&book.terms[i].title).len())
        .sum()
}

/// The reaches of most matched words (then deepest, then tersest), one per distinct end term.
fn best(book: &IndexBook, q: &Query, mut reached: Vec<Reach>) -> Vec<Reach> {
    reached.sort_by(|a, b| {
        q.score(&b.matched)
            .cmp(&q.score(&a.matched))
            .then(b.path.len().cmp(&a.path.len()))
            .then(wordiness(book, &a.path).cmp(&wordiness(book, &b.path)))
    });
    let Some(top) = reached.first().map(|r| q.score(&r.matched)) else {
        return Vec::new();
    };
    if top == 0 {
        return Vec::new();
    }
    let mut out: Vec<Reach> = Vec::new();
    for r in reached {
        if q.score(&r.matched) < top {
            break;
        }
        // The same matched words by a shallower path add nothing.
        if out
            .iter()
            .any(|o| o.matched == r.matched && o.path.len() > r.path.len())
        {
            continue;
        }
        out.push(r);
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// Reaches from the main terms the words hold.
fn from_main_terms(book: &IndexBook, q: &Query) -> Vec<Reach> {
    let mut reached = Vec::new();
    for &m in &book.mains {
        if let Some(matched) = q.matches(&book.terms[m].title) {
            descend(
                book,
                q,
                Reach {
                    node: m,
                    matched,
                    path: vec![m],
                },
                &mut reached,
            );
        }
    }
    best(book, q, reached)
}

/// The term a `see` text names within a book ("Accident, transport, car occupant"): the main
/// term, then each sub-term by title, as far as the titles go.
fn resolve(book: &IndexBook, see: &str) -> Option<Vec<usize>> {
    let parts: Vec<String> = see.split(", ").map(|p| p.trim().to_lowercase()).collect();
    let first = parts.first()?;
    let main = book.mains.iter().copied().find(|&m| {
        let t = book.terms[m].title.to_lowercase();
        t == *first || t.split(", ").next() == Some(first.as_str())
    })?;
    let mut path = vec![main];
    for part in &parts[1..] {
        let at = *path.last()?;
        match book.terms[at]
            .children
            .iter()
            .copied()
            .find(|&c| book.terms[c].title.to_lowercase() == *part)
        {
            Some(c) => path.push(c),
            None => break,
        }
    }
    Some(path)
}

fn titles(book: &IndexBook, path: &[usize]) -> Vec<String> {
    path.iter().map(|&i| book.terms[i].title.clone()).collect()
}

fn lead(book: &IndexBook, path: &[usize], score: u32) -> IndexLead {
    IndexLead {
        book: book.book,
        book_title: book.book.title(),
        release: book.release.clone(),
        path: titles(book, path),
        column: None,
        code: None,
        row: Vec::new(),
        notes: Vec::new(),
        score,
    }
}

/// The Index's `see` targets that send the coder to a Table.
fn table_of(see: &str) -> Option<Book> {
    let s = see.to_lowercase();
    if s.starts_with("table of drugs") {
        Some(Book::Drugs)
    } else if s.starts_with("neoplasm") {
        Some(Book::Neoplasms)
    } else {
        None
    }
}

/// Where the walk through the Index books leads for these words, best first.
pub fn leads(books: &IndexBooks, text: &str) -> Vec<IndexLead> {
    let mut q = Query::new(text);
    let mut brand_notes = Vec::new();
    for (brand, generic) in BRANDS {
        if q.tokens.iter().any(|t| t == brand) {
            q.tokens.push(generic.to_string());
            q.stems.push(words::stem(generic));
            q.counts.push(true);
            brand_notes.push(format!(
                "{}{} is {generic} (a brand name; the Table lists the substance)",
                brand[..1].to_uppercase(),
                &brand[1..]
            ));
        }
    }
    let mut out: Vec<IndexLead> = Vec::new();
    if let Some(book) = books.get(Book::Drugs) {
        if words::drug_context(&q.text) {
            let substances = q.without(words::is_drug_context_word);
            for r in from_main_terms(book, &substances) {
                let mut l = drug_lead(book, &substances, &r.path, substances.score(&r.matched), 0);
                l.notes.splice(0..0, brand_notes.iter().cloned());
                out.push(l);
            }
        }
    }
    if let Some(book) = books.get(Book::Neoplasms) {
        if words::neoplasm_context(&q.tokens) {
            out.extend(neoplasm_leads(book, &q, None));
        }
    }
    for kind in [Book::ExternalCause, Book::Index] {
        let Some(book) = books.get(kind) else {
            continue;
        };
        if kind == Book::ExternalCause && !words::external_cause_context(&q.text) {
            continue;
        }
        for r in from_main_terms(book, &q) {
            if let Some(l) = index_lead(books, book, &q, &r.path, q.score(&r.matched), 0) {
                out.push(l);
            }
        }
    }
    out.sort_by_key(|l| std::cmp::Reverse(l.score));
    let mut seen: BTreeSet<(Book, Option<String>, Vec<String>)> = BTreeSet::new();
    out.retain(|l| {
        let path = l.path.iter().map(|p| p.to_lowercase()).collect();
        seen.insert((l.book, l.code.clone(), path))
    });
    let mut codes: BTreeSet<String> = BTreeSet::new();
    out.retain(|l| l.code.is_none() || codes.insert(l.code.clone().unwrap_or_default()));
    out.truncate(4);
    out
}

/// A row of the Table of Drugs reached by `path`, its column chosen by the words.
fn drug_lead(book: &IndexBook, q: &Query, path: &[usize], score: u32, depth: u8) -> IndexLead {
    let end = *path.last().unwrap_or(&0);
    let term = &book.terms[end];
    if term.cells.is_empty() && depth < 3 {
        if let Some(see) = &term.see {
            if let Some(to) = resolve(book, see) {
                let mut l = drug_lead(book, q, &to, score, depth + 1);
                l.path.splice(0..0, titles(book, path));
                l.notes.insert(0, format!("{}: see {see}", term.title));
                return l;
            }
        }
    }
    // A grouping term without cells takes its row from the nearest term above that has one.
    let row_at = std::iter::successors(Some(end), |&i| book.terms[i].parent)
        .find(|&i| !book.terms[i].cells.is_empty())
        .unwrap_or(end);
    let row = &book.terms[row_at];
    let mut l = lead(book, path, score);
    if let Some(also) = &term.see_also {
        l.notes.push(format!("See also {also}"));
    }
    match words::drug_column(&q.text) {
        Some((col, note)) => {
            let head = book.head(col).to_string();
            l.path.push(head.clone());
            l.column = Some(head.clone());
            l.code = row.cell(col).map(str::to_string);
            if l.code.is_none() {
                l.notes.push(format!(
                    "The Table gives no code in the {head} column for {}",
                    row.title
                ));
            }
            if let Some(n) = note {
                l.notes.push(n.to_string());
            }
        }
        None => {
            l.row = (2..=9)
                .filter_map(|c| Some((book.head(c).to_string(), row.cell(c)?.to_string())))
                .filter(|(h, _)| !h.is_empty())
                .collect();
            l.notes.push(
                "Your question does not say whether this is a poisoning (and with what intent), an adverse effect of a drug properly taken, or underdosing: the column decides the code".into(),
            );
        }
    }
    l
}

/// Rows of the Table of Neoplasms for the sites the words name, each in the column of the
/// behaviour word nearest to it (or `forced`, from an Index cross-reference).
fn neoplasm_leads(book: &IndexBook, q: &Query, forced: Option<u8>) -> Vec<IndexLead> {
    let Some(&main) = book.mains.first() else {
        return Vec::new();
    };
    // Behaviour words name no site ("Meckel diverticulum, malignant" is not "malignant").
    let sites = q.without(words::is_neoplasm_word);
    let q = &sites;
    let mut reached = Vec::new();
    descend(
        book,
        q,
        Reach {
            node: main,
            matched: BTreeSet::new(),
            path: vec![main],
        },
        &mut reached,
    );
    let marks = words::behaviour_marks(&q.tokens);
    let mut out = Vec::new();
    for r in best(book, q, reached) {
        let mut path = r.path.clone();
        let mut notes = Vec::new();
        let mut end = r.node;
        if book.terms[end].cells.is_empty() {
            if let Some(see) = book.terms[end].see.clone() {
                if let Some(to) = resolve(book, &see) {
                    notes.push(format!("{}: see {see}", book.terms[end].title));
                    path = to;
                    end = *path.last().unwrap_or(&end);
                }
            }
        }
        let col = forced.or_else(|| {
            marks
                .iter()
                .min_by_key(|(at, _)| {
                    r.matched
                        .iter()
                        .map(|m| m.abs_diff(*at))
                        .min()
                        .unwrap_or(usize::MAX)
                })
                .map(|(_, c)| *c)
        });
        let term = &book.terms[end];
        let mut l = lead(book, &path, q.score(&r.matched));
        l.notes = notes;
        if let Some(also) = &term.see_also {
            l.notes.push(format!("See also {also}"));
        }
        match col {
            Some(c) => {
                let head = book.head(c).to_string();
                l.path.push(head.clone());
                l.column = Some(head.clone());
                l.code = term.cell(c).map(str::to_string);
                if l.code.is_none() {
                    l.notes.push(format!(
                        "The Table gives no code in the {head} column for {}",
                        term.title
                    ));
                }
            }
            None => {
                l.row = (2..=9)
                    .filter_map(|c| Some((book.head(c).to_string(), term.cell(c)?.to_string())))
                    .filter(|(h, _)| !h.is_empty())
                    .collect();
                l.notes.push("Your question does not say the behaviour (malignant primary or secondary, in situ, benign, uncertain): the column decides the code".into());
            }
        }
        out.push(l);
    }
    out
}

/// An Index or External Cause Index term reached by `path`: its code, its `see` followed
/// (into a Table when it says so), else the code of the nearest term above.
fn index_lead(
    books: &IndexBooks,
    book: &IndexBook,
    q: &Query,
    path: &[usize],
    score: u32,
    depth: u8,
) -> Option<IndexLead> {
    let end = *path.last()?;
    let term = &book.terms[end];
    let mut l = lead(book, path, score);
    if let Some(also) = &term.see_also {
        l.notes.push(format!("See also {also}"));
    }
    // A term with neither code nor `see` sends the coder on with its `see also`.
    let see = term.see.as_ref().or(term.see_also.as_ref());
    if term.code.is_none() && depth < 3 {
        if let Some(see) = see {
            let said = format!("{}: see {see}", term.title);
            let mut next = match table_of(see) {
                Some(Book::Drugs) => {
                    let drugs = books.get(Book::Drugs)?;
                    let substances = q.without(words::is_drug_context_word);
                    let r = from_main_terms(drugs, &substances).into_iter().next()?;
                    drug_lead(
                        drugs,
                        &substances,
                        &r.path,
                        score + substances.score(&r.matched),
                        depth + 1,
                    )
                }
                Some(_) => {
                    let neo = books.get(Book::Neoplasms)?;
                    let t = see.to_lowercase();
                    let forced = words::behaviour_marks(&words::tokens(&t))
                        .first()
                        .map(|(_, c)| *c)
                        .or_else(|| t.contains("benign").then_some(5));
                    neoplasm_leads(neo, q, forced).into_iter().next()?
                }
                None => {
                    let to = resolve(book, see)?;
                    let start = Reach {
                        node: *to.last()?,
                        matched: BTreeSet::new(),
                        path: to,
                    };
                    let mut reached = Vec::new();
                    descend(book, q, start.clone(), &mut reached);
                    let r = best(book, q, reached).into_iter().next().unwrap_or(start);
                    index_lead(
                        books,
                        book,
                        q,
                        &r.path,
                        score + q.score(&r.matched),
                        depth + 1,
                    )?
                }
            };
            if next.book == book.book {
                next.path.splice(0..0, titles(book, path));
            }
            next.notes.insert(0, said);
            next.score = next.score.max(score);
            return Some(next);
        }
    }
    let with_code = std::iter::successors(Some(end), |&i| book.terms[i].parent)
        .find(|&i| book.terms[i].code.is_some());
    match with_code {
        Some(i) => {
            l.code = book.terms[i].code.clone();
            if i != end {
                let below: Vec<String> = term
                    .children
                    .iter()
                    .take(8)
                    .map(|&c| book.terms[c].title.clone())
                    .collect();
                l.notes.push(format!(
                    "{} has no code of its own; the code is that of {} above it{}",
                    term.title,
                    book.terms[i].title,
                    if below.is_empty() {
                        String::new()
                    } else {
                        format!(" (its sub-terms: {})", below.join("; "))
                    }
                ));
            }
        }
        None => return None,
    }
    Some(l)
}
