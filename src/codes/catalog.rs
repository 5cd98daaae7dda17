//! The catalog as the shell uses it: code entries (with the notes they inherit) and suggestions
//! from the search index, PTP edits, GEMs and the list of loaded releases from the database. The
//! index is rebuilt from the database whenever it is missing or older than the last import.

use super::CodeSystem;
use super::assemble::Node;
use super::entry::{CodeEntry, Note, NoteKind, PtpEdit};
use super::index::{IndexBooks, IndexLead};
use super::search::{CodeIndex, Hit, IndexBuilder};
use super::system::candidates;
use crate::store::Store;
use crate::store::catalog::{self as sql, ImportSummary};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Read access to everything imported.
pub struct Catalog {
    store: Store,
    dir: PathBuf,
    index: Option<CodeIndex>,
    nodes: HashMap<String, Node>,
    ancestors: Mutex<HashMap<(CodeSystem, String), Arc<CodeEntry>>>,
    books: IndexBooks,
    /// The ICD-9-CM codes the loaded GEMs map (ICD-9-CM has no entries of its own).
    icd9: std::collections::HashSet<String>,
}

/// The database state an index must match: how many imports it is built from and the newest.
/// PTP edits, GEMs and the Index books are read from the database, not the search index, so
/// their imports do not count.
async fn generation(store: &Store) -> Result<String> {
    let imports: Vec<ImportSummary> = sql::imports(store)
        .await?
        .into_iter()
        .filter(|i| i.format != "icd-gem" && super::index::Book::of_format(&i.format).is_none())
        .collect();
    // "2": the index also holds the CPT codes known only from PTP edits (0001A).
    Ok(format!(
        "2:{}:{}",
        imports.len(),
        imports.last().map_or(0, |i| i.id)
    ))
}

/// How the search index in a folder stands against the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexState {
    /// Built from the database as it is, with this many codes.
    Current {
        /// Codes in the index.
        codes: u64,
    },
    /// Built before the last import (or by an older codedesk): `codedesk reindex` rebuilds it.
    Stale,
    /// No index in the folder yet.
    Missing,
}

/// How the index in `dir` stands against the database, changing neither.
pub async fn index_state(store: &Store, dir: &Path) -> Result<IndexState> {
    let wanted = generation(store).await?;
    match CodeIndex::generation(dir) {
        Some(g) if g == wanted => Ok(IndexState::Current {
            codes: CodeIndex::open(dir)?.map_or(0, |i| i.len()),
        }),
        Some(_) => Ok(IndexState::Stale),
        None if dir.join("meta.json").exists() => Ok(IndexState::Stale),
        None => Ok(IndexState::Missing),
    }
}

impl Catalog {
    /// Opens the catalog over `store` with its index in `dir`, rebuilding the index first when
    /// it is missing or older than the database, and saying so in the log (`codedesk import`
    /// builds it, so this happens only after an import by an older codedesk or a lost folder).
    pub async fn open(store: Store, dir: &Path) -> Result<Catalog> {
        let mut catalog = Catalog::unloaded(store, dir);
        let wanted = generation(&catalog.store).await?;
        if CodeIndex::generation(dir).as_deref() != Some(wanted.as_str()) {
            let started = std::time::Instant::now();
            let why = if dir.join("meta.json").exists() {
                "is older than the database"
            } else {
                "is missing"
            };
            tracing::info!(
                "the search index {} {why}: rebuilding it from the database (codedesk reindex \
                 does this ahead of time)",
                dir.display()
            );
            let codes = catalog.rebuild().await?;
            tracing::info!(
                "search index {} rebuilt: {codes} codes in {:.1} s",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
        } else {
            catalog.load()?;
        }
        catalog.load_books().await?;
        Ok(catalog)
    }

    /// Reads the Index books (the Tables, the Index) from the database into memory.
    async fn load_books(&mut self) -> Result<()> {
        let (terms, heads) = sql::index_terms(&self.store).await?;
        self.books = IndexBooks::build(terms, heads);
        self.icd9 = sql::gem_sources(&self.store).await?.into_iter().collect();
        Ok(())
    }

    /// Opens the catalog after rebuilding its index from the database, stale or not.
    pub async fn reindex(store: Store, dir: &Path) -> Result<Catalog> {
        let mut catalog = Catalog::unloaded(store, dir);
        catalog.rebuild().await?;
        catalog.load_books().await?;
        Ok(catalog)
    }

    fn unloaded(store: Store, dir: &Path) -> Catalog {
        Catalog {
            store,
            dir: dir.to_path_buf(),
            index: None,
            nodes: HashMap::new(),
            ancestors: Mutex::new(HashMap::new()),
            books: IndexBooks::default(),
            icd9: std::collections::HashSet::new(),
        }
    }

    /// How many codes the index holds.
    pub fn len(&self) -> u64 {
        self.index.as_ref().map_or(0, CodeIndex::len)
    }

    fn load(&mut self) -> Result<()> {
        self.index = CodeIndex::open(&self.dir)?;
        self.nodes = self
            .index
            .as_ref()
            .map(|i| {
                i.nodes()
                    .iter()
                    .map(|n| (n.id.clone(), n.clone()))
                    .collect()
            })
            .unwrap_or_default();
        self.ancestors
            .lock()
            .map_err(|_| anyhow::anyhow!("cache poisoned"))?
            .clear();
        Ok(())
    }

    /// Rebuilds the search index from the database; returns how many codes it holds.
    async fn rebuild(&mut self) -> Result<usize> {
        super::search::check_dir(&self.dir)?;
        let wanted = generation(&self.store).await?;
        let mut builder = IndexBuilder::new(&self.dir)?;
        for system in CodeSystem::ALL {
            let dump = sql::dump(&self.store, system).await?;
            builder = tokio::task::spawn_blocking(move || builder.add(dump).map(|()| builder))
                .await
                .context("the index builder failed")??;
        }
        let n = tokio::task::spawn_blocking(move || builder.finish(&wanted))
            .await
            .context("the index builder failed")??;
        self.load()?;
        Ok(n)
    }

    /// The database behind the catalog.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether any code set is loaded.
    pub fn is_empty(&self) -> bool {
        self.index.as_ref().is_none_or(CodeIndex::is_empty)
    }

    /// The entry of a code, with the notes it inherits from its category, section and chapter
    /// (inclusion terms stay with the code they are written at).
    pub fn entry(&self, system: CodeSystem, code: &str) -> Result<Option<CodeEntry>> {
        let Some(index) = &self.index else {
            return Ok(None);
        };
        let Some(mut entry) = index.get(system, code)? else {
            return Ok(None);
        };
        let mut inherited: Vec<Note> = Vec::new();
        let mut chain: Vec<(String, String)> = Vec::new();
        let mut next = entry.ancestors.first().map(|(id, _)| id.clone());
        while let Some(id) = next.take() {
            if chain.len() > 12 || chain.iter().any(|(c, _)| *c == id) {
                break;
            }
            let (title, notes) = if let Some(node) = self.nodes.get(id.as_str()) {
                next.clone_from(&node.parent);
                (node.title.clone(), node.notes.clone())
            } else if let Some(a) = self.ancestor(system, &id)? {
                next = a.ancestors.first().map(|(p, _)| p.clone());
                let title = a
                    .versions
                    .last()
                    .map(|v| v.long_desc.clone())
                    .unwrap_or_default();
                (title, a.notes.clone())
            } else {
                break;
            };
            chain.push((id, title));
            inherited.extend(
                notes.into_iter().filter(|n| {
                    n.kind != NoteKind::InclusionTerm && n.kind != NoteKind::SevenChrNote
                }),
            );
        }
        entry.ancestors = chain;
        entry.notes.extend(inherited);
        Ok(Some(entry))
    }

    fn ancestor(&self, system: CodeSystem, code: &str) -> Result<Option<Arc<CodeEntry>>> {
        let key = (system, code.to_string());
        if let Some(e) = self
            .ancestors
            .lock()
            .map_err(|_| anyhow::anyhow!("cache poisoned"))?
            .get(&key)
        {
            return Ok(Some(e.clone()));
        }
        let Some(index) = &self.index else {
            return Ok(None);
        };
        let found = index.get(system, code)?.map(Arc::new);
        if let Some(e) = &found {
            self.ancestors
                .lock()
                .map_err(|_| anyhow::anyhow!("cache poisoned"))?
                .insert(key, e.clone());
        }
        Ok(found)
    }

    /// Every entry a code as written (`m5416`, `J1030`, `99213`) can be, most likely first.
    pub fn find(&self, raw: &str) -> Result<Vec<CodeEntry>> {
        let mut out = Vec::new();
        for (system, code) in candidates(raw) {
            if let Some(e) = self.entry(system, &code)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Whether a code is in the loaded code sets.
    pub fn is_known(&self, system: CodeSystem, code: &str) -> bool {
        if system == CodeSystem::Icd9Cm {
            return self.icd9.contains(code);
        }
        self.index
            .as_ref()
            .is_some_and(|i| i.contains(system, code))
    }

    /// Ranked codes for words.
    pub fn search(
        &self,
        words: &str,
        system: Option<CodeSystem>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        match &self.index {
            Some(i) => i.search(words, system, limit),
            None => Ok(Vec::new()),
        }
    }

    /// The loaded Index books (Tables, Index, External Cause Index).
    pub fn index_books(&self) -> &IndexBooks {
        &self.books
    }

    /// Where the Index books lead for a question's words, best first.
    pub fn index_leads(&self, text: &str) -> Vec<IndexLead> {
        super::index::leads(&self.books, text)
    }

    /// The tabular section or chapter with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// PTP edits between two codes, either direction.
    pub async fn ptp_between(&self, a: &str, b: &str) -> Result<Vec<PtpEdit>> {
        sql::ptp_between(&self.store, a, b).await
    }

    /// Up to `limit` PTP edits a code takes part in, and the total.
    pub async fn ptp_for(&self, code: &str, limit: i64) -> Result<(Vec<PtpEdit>, i64)> {
        sql::ptp_for(&self.store, code, limit).await
    }

    /// ICD-10-CM candidates for an ICD-9-CM code (GEMs), with their flags.
    pub async fn icd9_to_icd10(&self, icd9: &str) -> Result<Vec<(String, String)>> {
        sql::gem_targets(&self.store, icd9).await
    }

    /// What each imported PTP file covers, oldest import first.
    pub async fn ptp_coverage(&self) -> Result<Vec<super::PtpCoverage>> {
        sql::ptp_coverage(&self.store).await
    }

    /// Every imported file, oldest first.
    pub async fn releases(&self) -> Result<Vec<ImportSummary>> {
        sql::imports(&self.store).await
    }
}
