//! The ICD-10-CM Alphabetic Index and its Tables held in memory (the Table of Drugs and
//! Chemicals, the Table of Neoplasms, the Index to Diseases and Injuries, the External Cause
//! Index), built from the stored terms, and the walk from a question's words to a code through
//! them. Pure: the catalog loads the terms; nothing here reads the database.

mod walk;
mod words;

pub use walk::leads;
pub use words::has_word;

use crate::codes::import::IndexTermRecord;
use serde::Serialize;

/// One stored term with the book (import format label) and release it belongs to.
#[derive(Debug, Clone)]
pub struct StoredTerm {
    /// The import's format label (`icd10cm-drugs`, ...).
    pub format: String,
    /// The release ("FY2025").
    pub version: String,
    /// The term.
    pub term: IndexTermRecord,
}

/// One book of the Index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Book {
    /// Table of Drugs and Chemicals.
    Drugs,
    /// Table of Neoplasms.
    Neoplasms,
    /// Index to Diseases and Injuries (the main Index).
    Index,
    /// External Cause of Injuries Index.
    ExternalCause,
}

impl Book {
    /// The book of an import format label (`icd10cm-drugs`, ...).
    pub fn of_format(label: &str) -> Option<Book> {
        match label {
            "icd10cm-drugs" => Some(Book::Drugs),
            "icd10cm-neoplasms" => Some(Book::Neoplasms),
            "icd10cm-index" => Some(Book::Index),
            "icd10cm-eindex" => Some(Book::ExternalCause),
            _ => None,
        }
    }

    /// How a coder names it.
    pub fn title(self) -> &'static str {
        match self {
            Book::Drugs => "Table of Drugs and Chemicals",
            Book::Neoplasms => "Table of Neoplasms",
            Book::Index => "Index to Diseases and Injuries",
            Book::ExternalCause => "External Cause Index",
        }
    }
}

/// One main term or sub-term.
#[derive(Debug, Clone, Default)]
pub struct Term {
    /// The title without nonessential modifiers.
    pub title: String,
    /// Nonessential modifiers, as printed.
    pub nemod: Option<String>,
    /// The code (Index books).
    pub code: Option<String>,
    /// Where to look instead.
    pub see: Option<String>,
    /// Where to look as well.
    pub see_also: Option<String>,
    /// Table cells: column and code.
    pub cells: Vec<(u8, String)>,
    /// The term above it.
    pub parent: Option<usize>,
    /// Its sub-terms, in order.
    pub children: Vec<usize>,
}

impl Term {
    /// The code in a Table column, when the cell holds one (`--` and `-` hold none).
    pub fn cell(&self, col: u8) -> Option<&str> {
        self.cells
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, v)| v.as_str())
            .filter(|v| v.chars().any(|c| c.is_ascii_alphanumeric()))
    }
}

/// One loaded book.
#[derive(Debug, Clone)]
pub struct IndexBook {
    /// Which.
    pub book: Book,
    /// Its release ("FY2025").
    pub release: String,
    /// Column titles of a Table.
    pub heads: Vec<(u8, String)>,
    /// Every term, in file order.
    pub terms: Vec<Term>,
    /// The main terms.
    pub mains: Vec<usize>,
}

impl IndexBook {
    /// A column's title ("Adverse effect").
    pub fn head(&self, col: u8) -> &str {
        self.heads
            .iter()
            .find(|(c, _)| *c == col)
            .map_or("", |(_, h)| h.as_str())
    }
}

/// Every loaded book.
#[derive(Debug, Clone, Default)]
pub struct IndexBooks {
    /// The books, at most one of each kind (the newest release loaded).
    pub books: Vec<IndexBook>,
}

impl IndexBooks {
    /// Builds the books from the stored terms (in file order per import) and column titles.
    pub fn build(rows: Vec<StoredTerm>, heads: Vec<(String, u8, String)>) -> IndexBooks {
        let mut books: Vec<IndexBook> = Vec::new();
        // Stored seq -> position, per book being filled.
        let mut at: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        let mut current: Option<(Book, String)> = None;
        for row in rows {
            let Some(book) = Book::of_format(&row.format) else {
                continue;
            };
            if current.as_ref() != Some(&(book, row.version.clone())) {
                books.retain(|b| b.book != book);
                books.push(IndexBook {
                    book,
                    release: row.version.clone(),
                    heads: heads
                        .iter()
                        .filter(|(f, _, _)| *f == row.format)
                        .map(|(_, c, h)| (*c, h.clone()))
                        .collect(),
                    terms: Vec::new(),
                    mains: Vec::new(),
                });
                at.clear();
                current = Some((book, row.version.clone()));
            }
            let Some(b) = books.last_mut() else { continue };
            let i = b.terms.len();
            let t = row.term;
            let parent = t.parent.and_then(|p| at.get(&p).copied());
            at.insert(t.seq, i);
            b.terms.push(Term {
                title: t.title,
                nemod: t.nemod,
                code: t.code,
                see: t.see,
                see_also: t.see_also,
                cells: t.cells,
                parent,
                children: Vec::new(),
            });
            match parent {
                Some(p) => b.terms[p].children.push(i),
                None => b.mains.push(i),
            }
        }
        IndexBooks { books }
    }

    /// A book, if loaded.
    pub fn get(&self, book: Book) -> Option<&IndexBook> {
        self.books.iter().find(|b| b.book == book)
    }

    /// Whether no book is loaded.
    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }
}

/// Where the walk through a book led: the path, the column, the code as the book prints it
/// (or none), and what was said on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexLead {
    /// The book.
    pub book: Book,
    /// Its title.
    pub book_title: &'static str,
    /// Its release ("FY2025").
    pub release: String,
    /// The terms walked, main term first, then the column title for a Table.
    pub path: Vec<String>,
    /// The column chosen in a Table ("Adverse effect").
    pub column: Option<String>,
    /// The code as printed ("T36.0X5", "C79.8-", "W11"); none when the cell holds none or the
    /// column could not be chosen.
    pub code: Option<String>,
    /// A whole Table row, when the words do not say which column: (column title, code).
    pub row: Vec<(String, String)>,
    /// What the walk read or assumed, in words ("Tylenol is acetaminophen", "no intent named").
    pub notes: Vec<String>,
    /// How many of the question's words the path matched.
    pub score: u32,
}

impl IndexLead {
    /// "Table of Drugs and Chemicals > Amoxicillin > Adverse effect".
    pub fn path_text(&self) -> String {
        std::iter::once(self.book_title.to_string())
            .chain(self.path.iter().cloned())
            .collect::<Vec<_>>()
            .join(" > ")
    }
}
