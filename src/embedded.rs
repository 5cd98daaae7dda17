//! The files the binary carries, so that an installed `codedesk` needs nothing from the folder it
//! was built in: the reply templates, the demo's code-set sample and its questions (the list is
//! made by `build.rs` from `templates/`, `data/sample/` and `data/demo/`).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// `--version`: the package version and the commit it was built from (`unknown` outside a git
/// checkout).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("GIT_COMMIT_OF_CODEDESK"),
    ")"
);

/// The text of the embedded file `name` of `table`.
pub fn text(table: &'static [(&'static str, &'static [u8])], name: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
}
