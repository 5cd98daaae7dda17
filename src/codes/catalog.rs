//! The catalog as the shell uses it: code entries from the search index, PTP edits from the
//! database.

use crate::store::Store;

/// Read access to everything imported.
#[derive(Clone)]
pub struct Catalog {
    store: Store,
}

impl Catalog {
    /// A catalog over `store`.
    pub fn new(store: Store) -> Catalog {
        Catalog { store }
    }

    /// The database behind the catalog.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
