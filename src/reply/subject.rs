//! The reply's Subject: the question's subject without its `Re:`/`Fwd:` prefixes, one `Re: `,
//! and the case tag once.

/// `Re: <bare subject> [<case_ref>]`, never `Re: Re:`, the tag not repeated on a follow-up.
pub fn reply_subject(subject: &str, case_ref: &str) -> String {
    let bare = crate::question::strip_prefixes(subject).trim();
    let tag = format!("[{case_ref}]");
    match (bare.is_empty(), bare.contains(&tag)) {
        (true, _) => format!("Re: your coding question {tag}"),
        (false, true) => format!("Re: {bare}"),
        (false, false) => format!("Re: {bare} {tag}"),
    }
}
