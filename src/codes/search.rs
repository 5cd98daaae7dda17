//! The tantivy index: built from the database after each import, queried for code entries by
//! code and for ranked suggestions by words.
