//! A form POST to a token endpoint and its JSON answer: HTTP/1.1 over rustls (plain HTTP only to
//! a loopback address), one request per connection, bounded in time and size. Small on purpose:
//! the token and device endpoints need nothing more, and no HTTP client is in the build. It must
//! not log what it sends or receives: both hold secrets.

use crate::mailbox::is_loopback_host;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest answer read (token answers are a few kilobytes).
const MAX_ANSWER: usize = 256 * 1024;

/// Why a request got no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The URL cannot be used (not http(s), plain HTTP to a remote host).
    #[error("{0}")]
    Url(String),
    /// Connecting, TLS, sending or reading failed or timed out: try again later.
    #[error("{0}")]
    Network(String),
}

/// An answer: the status and the body parsed as JSON (`Null` when it is not JSON).
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The body as JSON.
    pub json: serde_json::Value,
}

struct Target {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Result<Target, HttpError> {
    let bad = |why: &str| HttpError::Url(format!("{url}: {why}"));
    let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(bad("not an http:// or https:// URL"));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.contains('@') {
        return Err(bad("a user name in the URL is not supported"));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            let port = p
                .parse::<u16>()
                .map_err(|_| bad("the port is not a number"))?;
            (h, port)
        }
        _ => (authority, if tls { 443 } else { 80 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if !tls && !is_loopback_host(host) {
        return Err(bad(
            "plain http is refused except to a loopback address: use https://",
        ));
    }
    Ok(Target {
        tls,
        host: host.to_string(),
        port,
        path: path.to_string(),
    })
}

/// POSTs `form` (`application/x-www-form-urlencoded`) to `url` and reads the JSON answer, all
/// within `timeout`.
pub async fn post_form(
    url: &str,
    form: &[(&str, &str)],
    timeout: Duration,
) -> Result<Answer, HttpError> {
    let target = parse_url(url)?;
    let body = serde_urlencoded::to_string(form)
        .map_err(|e| HttpError::Url(format!("cannot encode the form: {e}")))?;
    let where_ = format!("{}:{}", target.host, target.port);
    match tokio::time::timeout(timeout, exchange(&target, &body)).await {
        Ok(result) => result,
        Err(_) => Err(HttpError::Network(format!(
            "{where_} did not answer within {} s",
            timeout.as_secs_f32()
        ))),
    }
}

async fn exchange(target: &Target, body: &str) -> Result<Answer, HttpError> {
    let where_ = format!("{}:{}", target.host, target.port);
    let net = |what: &str, e: &dyn std::fmt::Display| {
        HttpError::Network(format!("{what} {where_} failed: {e}"))
    };
    let tcp = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| net("connecting to", &e))?;
    let host_header = if (target.tls && target.port == 443) || (!target.tls && target.port == 80) {
        target.host.clone()
    } else {
        where_.clone()
    };
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: codedesk\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        target.path,
        body.len()
    );
    let raw = if target.tls {
        let connector = tls_connector().map_err(|e| net("TLS setup for", &e))?;
        let name = ServerName::try_from(target.host.clone())
            .map_err(|e| HttpError::Url(format!("{}: {e}", target.host)))?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| net("TLS with", &e))?;
        round_trip(tls, &request).await
    } else {
        round_trip(tcp, &request).await
    }
    .map_err(|e| net("talking to", &e))?;
    parse_answer(&raw).map_err(|e| net("reading the answer of", &e))
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, rustls::Error> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn round_trip<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &str,
) -> std::io::Result<Vec<u8>> {
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(n) => n,
            // Some servers end TLS without close_notify once the answer is complete.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() > MAX_ANSWER {
            return Err(std::io::Error::other("the answer is too large"));
        }
        if answer_complete(&raw) {
            break;
        }
    }
    Ok(raw)
}

/// True once the head and a body of the announced length (or the last chunk) are in.
fn answer_complete(raw: &[u8]) -> bool {
    let Some(end) = find(raw, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let body = &raw[end + 4..];
    if head.contains("transfer-encoding: chunked") {
        return find(body, b"0\r\n\r\n").is_some_and(|i| i == 0 || body[..i].ends_with(b"\r\n"));
    }
    header(&head, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| body.len() >= len)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The status and JSON body of a raw HTTP/1.1 answer (Content-Length, chunked or until close).
fn parse_answer(raw: &[u8]) -> Result<Answer, String> {
    let end = find(raw, b"\r\n\r\n").ok_or("no complete HTTP header")?;
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let status_line = head.lines().next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/1."))
        .ok_or("not an HTTP/1.x answer")?;
    let mut body = raw[end + 4..].to_vec();
    let lower = head.to_ascii_lowercase();
    if lower.contains("transfer-encoding: chunked") {
        body = dechunk(&body)?;
    } else if let Some(len) = header(&lower, "content-length").and_then(|v| v.parse().ok()) {
        if body.len() < len {
            return Err("the answer was cut short".into());
        }
        body.truncate(len);
    }
    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    Ok(Answer { status, json })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").ok_or("a chunk size line is cut short")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "a chunk size is not hex")?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("a chunk is cut short".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_and_plain_http_goes_to_loopback_only() {
        let t = parse_url("https://login.microsoftonline.com/common/oauth2/v2.0/token").unwrap();
        assert!(t.tls);
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            (
                "login.microsoftonline.com",
                443,
                "/common/oauth2/v2.0/token"
            )
        );
        let t = parse_url("http://127.0.0.1:3480/token").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.tls), ("127.0.0.1", 3480, false));
        assert!(parse_url("http://auth.example/token").is_err());
        assert!(parse_url("ftp://auth.example/token").is_err());
        assert!(parse_url("https://user:pw@auth.example/token").is_err());
    }

    #[test]
    fn answers_with_length_chunks_or_close_are_read() {
        let a = parse_answer(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"a\":\"b\",\"c\":1}",
        )
        .unwrap();
        assert_eq!((a.status, a.json["c"].as_i64()), (200, Some(1)));
        let a = parse_answer(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{\"error\":\r\na\r\n\"x_grant\"}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(a.status, 400);
        assert_eq!(a.json["error"], "x_grant");
        let a = parse_answer(b"HTTP/1.0 200 OK\r\n\r\n{\"ok\":true}").unwrap();
        assert_eq!(a.json["ok"], true);
        assert!(parse_answer(b"SMTP nonsense").is_err());
        assert!(
            answer_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
            "length reached"
        );
        assert!(!answer_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n{}"
        ));
        assert!(answer_complete(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        ));
    }
}
