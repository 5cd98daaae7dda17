//! Whether the sender is who the From says, as the desk's own mail server found (RFC 8601
//! `Authentication-Results`). Only results stamped with the configured authserv-id count, and of
//! those only the topmost (the last added, by our server): anything lower could have been written
//! by the sender. From passes when DMARC passed, or DKIM or SPF passed for a domain aligned with
//! the From domain (relaxed alignment: the same domain or one below the other). Pure.

use super::Question;

/// What the desk's server said of the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderAuth {
    /// The From is authenticated; how (`dmarc=pass`, `dkim=pass header.d=...`).
    Pass(String),
    /// It is not; why, in words (no text of the message).
    Fail(String),
}

impl SenderAuth {
    /// True for [`SenderAuth::Pass`].
    pub fn passed(&self) -> bool {
        matches!(self, SenderAuth::Pass(_))
    }
}

/// One `method=result` with its properties (`header.d`, `smtp.mailfrom`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MethodResult {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

/// The verdict for `question` from the results of the server named `authserv_id`.
pub fn verdict(question: &Question, authserv_id: &str) -> SenderAuth {
    let Some(from) = question.from.as_ref() else {
        return SenderAuth::Fail("the message has no From address".into());
    };
    let Some(from_domain) = from
        .address
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
    else {
        return SenderAuth::Fail("the From address has no domain".into());
    };
    let Some(results) = question
        .authentication_results
        .iter()
        .find_map(|h| parse(h).filter(|(id, _)| id.eq_ignore_ascii_case(authserv_id)))
        .map(|(_, r)| r)
    else {
        return SenderAuth::Fail(format!(
            "no Authentication-Results from {authserv_id} (the desk's mail server)"
        ));
    };
    let prop = |r: &MethodResult, name: &str| {
        r.props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.rsplit('@').next().unwrap_or(v).to_ascii_lowercase())
    };
    for r in &results {
        if r.method == "dmarc" && r.result == "pass" {
            let header_from = prop(r, "header.from");
            if header_from
                .as_deref()
                .is_none_or(|d| aligned(d, &from_domain))
            {
                return SenderAuth::Pass("dmarc=pass".into());
            }
        }
    }
    if results
        .iter()
        .any(|r| r.method == "dmarc" && r.result == "fail")
    {
        return SenderAuth::Fail("DMARC failed for the From domain".into());
    }
    for (method, property) in [("dkim", "header.d"), ("spf", "smtp.mailfrom")] {
        for r in results
            .iter()
            .filter(|r| r.method == method && r.result == "pass")
        {
            if let Some(d) = prop(r, property).filter(|d| aligned(d, &from_domain)) {
                return SenderAuth::Pass(format!("{method}=pass {property}={d}"));
            }
        }
    }
    SenderAuth::Fail("no DMARC, DKIM or SPF pass aligned with the From domain".into())
}

/// Relaxed alignment, without a public-suffix list: the same domain, or one a subdomain of the
/// other, sharing at least two labels.
pub fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    short.contains('.')
        && long.len() > short.len()
        && long[long.len() - short.len()..].eq_ignore_ascii_case(short)
        && long.as_bytes()[long.len() - short.len() - 1] == b'.'
}

/// An `Authentication-Results` value: its authserv-id and its results (comments removed).
fn parse(value: &str) -> Option<(String, Vec<MethodResult>)> {
    let value = strip_comments(value);
    let mut parts = value.split(';');
    let id = parts.next()?.split_whitespace().next()?.to_string();
    let mut results = Vec::new();
    for part in parts {
        let mut words = part.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let props = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        results.push(MethodResult {
            method: method.to_ascii_lowercase(),
            result: result.to_ascii_lowercase(),
            props,
        });
    }
    Some((id, results))
}

/// The value without `(comments)`, which may nest.
fn strip_comments(value: &str) -> String {
    let mut depth = 0u32;
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{Limits, parse as parse_mail};

    fn mail(from: &str, results: &[&str]) -> Question {
        let mut raw = String::new();
        for r in results {
            raw.push_str(&format!("Authentication-Results: {r}\r\n"));
        }
        raw.push_str(&format!(
            "From: {from}\r\nTo: consult@desk.example\r\nSubject: q\r\n\r\n99213?\r\n"
        ));
        parse_mail(raw.as_bytes(), &Limits::default())
    }

    const MX: &str = "mx.desk.example";

    #[test]
    fn dmarc_pass_from_our_server_authenticates() {
        let q = mail(
            "pat@clinic.example",
            &[
                "mx.desk.example; dkim=pass header.d=clinic.example; dmarc=pass (p=reject) header.from=clinic.example",
            ],
        );
        assert!(verdict(&q, MX).passed());
    }

    #[test]
    fn results_from_another_server_or_below_ours_do_not_count() {
        // Written by the sender: another authserv-id.
        let q = mail(
            "ceo@bank.example",
            &["mx.evil.example; dmarc=pass header.from=bank.example"],
        );
        assert!(!verdict(&q, MX).passed());
        // Ours on top says fail; a forged "pass" with our id below it is not read.
        let q = mail(
            "ceo@bank.example",
            &[
                "mx.desk.example; spf=fail smtp.mailfrom=bank.example; dmarc=fail header.from=bank.example",
                "mx.desk.example; dmarc=pass header.from=bank.example",
            ],
        );
        assert_eq!(
            verdict(&q, MX),
            SenderAuth::Fail("DMARC failed for the From domain".into())
        );
    }

    #[test]
    fn aligned_dkim_or_spf_passes_and_unaligned_does_not() {
        let q = mail(
            "pat@mail.clinic.example",
            &["mx.desk.example; dkim=pass header.d=clinic.example header.s=s1"],
        );
        assert!(verdict(&q, MX).passed());
        let q = mail(
            "pat@clinic.example",
            &[
                "mx.desk.example; spf=pass smtp.mailfrom=bounce@bulkmailer.example; dkim=pass header.d=bulkmailer.example",
            ],
        );
        assert!(!verdict(&q, MX).passed());
        let q = mail("pat@clinic.example", &[]);
        assert!(!verdict(&q, MX).passed());
    }

    #[test]
    fn alignment_shares_the_domain_not_just_a_suffix() {
        assert!(aligned("clinic.example", "CLINIC.example"));
        assert!(aligned("mail.clinic.example", "clinic.example"));
        assert!(!aligned("evilclinic.example", "clinic.example"));
        assert!(!aligned("clinic.example", "example"));
    }
}
