//! The tantivy index: one document per code holding its assembled entry, built from the database
//! after each import (into a fresh folder swapped in whole), queried by exact key for lookups and
//! by words (stemmed, typo-tolerant, with medical abbreviations expanded) for ranked suggestions.

use super::CodeSystem;
use super::assemble::{Node, assemble};
use super::entry::CodeEntry;
use super::system::candidates;
use crate::store::catalog::CatalogDump;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// The file in the index folder that says which database state it was built from.
const GENERATION_FILE: &str = "codedesk-generation.txt";
/// The file with the tabular sections and chapters.
const NODES_FILE: &str = "codedesk-nodes.json";
const CODE_TOKENIZER: &str = "code";
const TEXT_TOKENIZER: &str = "en_stem";

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    system: Field,
    codes: Field,
    text: Field,
    entry: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let key = b.add_text_field("key", STRING);
    let system = b.add_text_field("system", STRING);
    let codes = b.add_text_field(
        "codes",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(CODE_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    let text = b.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    let entry = b.add_text_field("entry", STORED);
    (
        b.build(),
        Fields {
            key,
            system,
            codes,
            text,
            entry,
        },
    )
}

fn register(index: &Index) {
    index.tokenizers().register(
        CODE_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// The lookup key of a code: `ICD10CM:M54.16`.
pub fn key(system: CodeSystem, code: &str) -> String {
    format!("{}:{code}", system.as_str())
}

/// Builds a new index beside the live one, one system at a time (to bound memory), and swaps it
/// in whole when finished, so readers never see a half-built index.
pub struct IndexBuilder {
    dir: PathBuf,
    fresh: PathBuf,
    writer: tantivy::IndexWriter,
    fields: Fields,
    nodes: Vec<Node>,
    count: usize,
}

impl IndexBuilder {
    /// Starts a build for the index in `dir`.
    pub fn new(dir: &Path) -> Result<IndexBuilder> {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "codedesk-index".into());
        let fresh = parent.join(format!(".{name}.building-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir_all(&fresh)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(&fresh, schema)?;
        register(&index);
        let writer = index.writer_with_num_threads(1, 24_000_000)?;
        Ok(IndexBuilder {
            dir: dir.to_path_buf(),
            fresh,
            writer,
            fields,
            nodes: Vec::new(),
            count: 0,
        })
    }

    /// Adds the codes of one dump (one system's worth).
    pub fn add(&mut self, dump: CatalogDump) -> Result<()> {
        let (entries, nodes) = assemble(dump);
        self.nodes.extend(nodes);
        let f = self.fields;
        for e in &entries {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.key, key(e.system, &e.code));
            doc.add_text(f.system, e.system.as_str());
            doc.add_text(f.codes, &e.code);
            let bare = super::system::bare(&e.code);
            if bare != e.code {
                doc.add_text(f.codes, &bare);
            }
            let mut seen = std::collections::HashSet::new();
            for v in e.versions.iter().rev() {
                for t in [
                    Some(&v.long_desc),
                    v.short_desc.as_ref(),
                    v.plain_desc.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    if seen.insert(t.as_str()) {
                        doc.add_text(f.text, t);
                    }
                }
            }
            for n in &e.notes {
                if n.kind == super::NoteKind::InclusionTerm {
                    doc.add_text(f.text, &n.text);
                }
            }
            doc.add_text(f.entry, serde_json::to_string(e)?);
            self.writer.add_document(doc)?;
        }
        self.count += entries.len();
        Ok(())
    }

    /// Commits, records `generation`, and swaps the new index in; returns the number of codes.
    pub fn finish(mut self, generation: &str) -> Result<usize> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        let fresh = &self.fresh;
        std::fs::write(fresh.join(NODES_FILE), serde_json::to_vec(&self.nodes)?)?;
        std::fs::write(fresh.join(GENERATION_FILE), generation)?;
        let dir = &self.dir;
        let old = fresh.with_file_name(format!(
            "{}.old",
            fresh
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        if dir.exists() {
            std::fs::rename(dir, &old)
                .with_context(|| format!("cannot replace the index in {}", dir.display()))?;
        }
        std::fs::rename(fresh, dir)
            .with_context(|| format!("cannot move the new index to {}", dir.display()))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(self.count)
    }
}

/// One ranked suggestion.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The code's entry.
    pub entry: CodeEntry,
    /// The relevance score (higher is better; comparable within one query only).
    pub score: f32,
}

/// An open index.
pub struct CodeIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    nodes: Vec<Node>,
}

impl CodeIndex {
    /// Opens the index in `dir`, or `None` when there is none yet.
    pub fn open(dir: &Path) -> Result<Option<CodeIndex>> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let index = Index::open_in_dir(dir)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        register(&index);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let nodes = match std::fs::read(dir.join(NODES_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{} is damaged: run codedesk reindex",
                    dir.join(NODES_FILE).display()
                )
            })?,
            Err(_) => Vec::new(),
        };
        Ok(Some(CodeIndex {
            index,
            reader,
            fields,
            nodes,
        }))
    }

    /// The database state the index in `dir` was built from.
    pub fn generation(dir: &Path) -> Option<String> {
        std::fs::read_to_string(dir.join(GENERATION_FILE))
            .ok()
            .map(|s| s.trim().to_string())
    }

    /// The entry stored under a key, if any.
    pub fn get(&self, system: CodeSystem, code: &str) -> Result<Option<CodeEntry>> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.key, &key(system, code));
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1))?;
        match top.first() {
            Some((_, addr)) => Ok(Some(self.entry_at(&searcher, *addr)?)),
            None => Ok(None),
        }
    }

    /// Whether a code is in the index (a term lookup; no document is read).
    pub fn contains(&self, system: CodeSystem, code: &str) -> bool {
        let term = Term::from_field_text(self.fields.key, &key(system, code));
        self.reader.searcher().doc_freq(&term).unwrap_or(0) > 0
    }

    /// The sections and chapters of the tabular list.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    fn entry_at(
        &self,
        searcher: &tantivy::Searcher,
        addr: tantivy::DocAddress,
    ) -> Result<CodeEntry> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc
            .get_first(self.fields.entry)
            .and_then(|v| v.as_str())
            .context("an index document without its entry: run codedesk reindex")?;
        Ok(serde_json::from_str(json)?)
    }

    /// Ranked codes for `words`, optionally in one system.
    pub fn search(
        &self,
        words: &str,
        system: Option<CodeSystem>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut analyzer = self.index.tokenizer_for_field(self.fields.text)?;
        let expanded = expand_abbreviations(words);
        let mut terms: Vec<String> = Vec::new();
        let mut stream = analyzer.token_stream(&expanded);
        while stream.advance() {
            let t = stream.token().text.clone();
            if !STOP_WORDS.contains(&t.as_str()) && !terms.contains(&t) {
                terms.push(t);
            }
        }
        let tokens: Vec<&str> = words
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        // A word is taken for a code when it has a digit and the length of one ("M5416",
        // "99213"), or when it is the whole query ("XU"); "mg" in a dose is not modifier MG.
        let single = tokens.len() == 1;
        let code_clauses: Vec<Box<dyn Query>> = tokens
            .into_iter()
            .filter(|w| single || (w.len() >= 3 && w.chars().any(|c| c.is_ascii_digit())))
            .flat_map(candidates)
            .flat_map(|(_, code)| {
                let b = super::system::bare(&code).to_ascii_lowercase();
                [code.to_ascii_lowercase(), b]
            })
            .map(|c| {
                let q = TermQuery::new(
                    Term::from_field_text(self.fields.codes, &c),
                    IndexRecordOption::Basic,
                );
                Box::new(BoostQuery::new(Box::new(q), 50.0)) as Box<dyn Query>
            })
            .collect();
        let per_term: Vec<Box<dyn Query>> = terms
            .iter()
            .map(|t| self.term_query(&searcher, t))
            .collect::<Result<_>>()?;
        let filter: Option<Box<dyn Query>> = system.map(|s| {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.system, s.as_str()),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>
        });
        let with_filter = |q: Box<dyn Query>| -> Box<dyn Query> {
            match &filter {
                Some(f) => Box::new(BooleanQuery::new(vec![
                    (Occur::Must, q),
                    (Occur::Must, f.box_clone()),
                ])),
                None => q,
            }
        };
        let mut hits: Vec<(f32, tantivy::DocAddress)> = Vec::new();
        let fetch = (limit * 4).max(40);
        if !code_clauses.is_empty() {
            let q = BooleanQuery::new(
                code_clauses
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            );
            hits.extend(searcher.search(&with_filter(Box::new(q)), &TopDocs::with_limit(fetch))?);
        }
        // All words first; if that finds too little, all but one, then any.
        let n = per_term.len();
        for required in [n, n.saturating_sub(1).max(1), 1] {
            if n == 0 || hits.len() >= limit || required > n {
                break;
            }
            let clauses: Vec<(Occur, Box<dyn Query>)> = per_term
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect();
            let q = BooleanQuery::with_minimum_required_clauses(clauses, required);
            for (score, addr) in
                searcher.search(&with_filter(Box::new(q)), &TopDocs::with_limit(fetch))?
            {
                if !hits.iter().any(|(_, a)| *a == addr) {
                    hits.push((score * required as f32 / n as f32, addr));
                }
            }
        }
        let mut out = Vec::with_capacity(hits.len());
        for (score, addr) in hits {
            let entry = self.entry_at(&searcher, addr)?;
            out.push(Hit {
                score: score * rank_factor(&entry),
                entry,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entry.code.cmp(&b.entry.code))
        });
        out.truncate(limit);
        Ok(out)
    }

    /// The exact term, or, when the term is in no description, its near spellings.
    fn term_query(&self, searcher: &tantivy::Searcher, t: &str) -> Result<Box<dyn Query>> {
        let term = Term::from_field_text(self.fields.text, t);
        let exact: Box<dyn Query> =
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
        if searcher.doc_freq(&term)? > 0 || t.len() < 4 || t.chars().any(|c| c.is_ascii_digit()) {
            return Ok(exact);
        }
        let distance = if t.len() >= 8 { 2 } else { 1 };
        let fuzzy = FuzzyTermQuery::new(term, distance, true);
        Ok(Box::new(BoostQuery::new(Box::new(fuzzy), 2.0)))
    }

    /// How many codes the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no codes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Billable, current codes first; deleted codes and headers after.
fn rank_factor(e: &CodeEntry) -> f32 {
    match e.versions.last() {
        None => 0.6,
        Some(v) if v.valid_to.is_some() => 0.3,
        Some(v) if v.billable => 1.15,
        Some(_) => 0.9,
    }
}

/// Words that carry no meaning in a coding question.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "for", "to", "in", "on", "and", "or", "is", "are", "what", "which",
    "code", "codes", "icd", "10", "cm", "cpt", "hcpcs", "dx", "diagnosi", "correct", "right",
    "use", "should", "would", "do", "i", "we", "you", "pleas", "thank", "thanks", "hi", "hello",
    "how", "can", "bill", "billing", "patient", "pt", "there", "it", "be", "this", "that",
];

/// Medical abbreviations coders write, and what they stand for in code descriptions.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("t2dm", "type 2 diabetes mellitus"),
    ("dm2", "type 2 diabetes mellitus"),
    ("dmii", "type 2 diabetes mellitus"),
    ("t1dm", "type 1 diabetes mellitus"),
    ("dm1", "type 1 diabetes mellitus"),
    ("dm", "diabetes mellitus"),
    ("htn", "hypertension"),
    ("hld", "hyperlipidemia"),
    ("chf", "heart failure"),
    ("hf", "heart failure"),
    (
        "cad",
        "coronary artery disease atherosclerotic heart disease",
    ),
    ("copd", "chronic obstructive pulmonary disease"),
    ("ckd", "chronic kidney disease"),
    ("esrd", "end stage renal disease"),
    ("afib", "atrial fibrillation"),
    ("a-fib", "atrial fibrillation"),
    ("mi", "myocardial infarction"),
    ("stemi", "st elevation myocardial infarction"),
    ("uti", "urinary tract infection"),
    ("uri", "upper respiratory infection"),
    ("gerd", "gastro-esophageal reflux disease"),
    ("lbp", "low back pain"),
    ("oa", "osteoarthritis"),
    ("ra", "rheumatoid arthritis"),
    ("dvt", "deep vein thrombosis"),
    ("pe", "pulmonary embolism"),
    ("bph", "benign prostatic hyperplasia"),
    ("mdd", "major depressive disorder"),
    ("gad", "generalized anxiety disorder"),
    ("adhd", "attention-deficit hyperactivity disorder"),
    ("osa", "obstructive sleep apnea"),
    ("tia", "transient ischemic attack"),
    ("cva", "cerebral infarction"),
    ("fx", "fracture"),
    ("fxs", "fractures"),
    ("lt", "left"),
    ("rt", "right"),
    ("bilat", "bilateral"),
    ("w/", "with"),
    ("w/o", "without"),
    ("wo", "without"),
    ("hx", "history"),
    ("s/p", "status"),
    ("sob", "shortness of breath"),
    ("n/v", "nausea vomiting"),
    ("abd", "abdominal"),
    ("ha", "headache"),
    ("uncomplicated", "without complications"),
    ("nos", "unspecified"),
    ("ctr", "carpal tunnel"),
    ("cts", "carpal tunnel syndrome"),
    ("ddd", "intervertebral disc degeneration"),
    ("hnp", "intervertebral disc displacement"),
    ("esi", "epidural injection"),
    ("tka", "knee replacement"),
    ("tha", "hip replacement"),
    ("covid", "covid-19"),
    ("flu", "influenza"),
];

/// Replaces known abbreviations, word by word.
fn expand_abbreviations(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let key = w
                .trim_matches(|c: char| matches!(c, ',' | ';' | '.' | '?' | '!' | '(' | ')' | ':'))
                .to_ascii_lowercase();
            ABBREVIATIONS
                .iter()
                .find(|(a, _)| *a == key)
                .map_or(w.to_string(), |(_, full)| (*full).to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fails when an index folder exists but is not ours, so a typo cannot replace a user's folder.
pub fn check_dir(dir: &Path) -> Result<()> {
    if dir.exists() && dir.read_dir()?.next().is_some() && !dir.join("meta.json").exists() {
        bail!(
            "{} exists and is not a codedesk index: choose another --index folder",
            dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_whole_words_only() {
        assert_eq!(
            expand_abbreviations("DM2 w/o complications"),
            "type 2 diabetes mellitus without complications"
        );
        assert_eq!(expand_abbreviations("dmso"), "dmso");
    }
}
