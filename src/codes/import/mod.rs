//! Importing official code-set files: detect the format from content, parse, write one file in
//! one transaction, rebuild the index.
