//! Plain HTTP/1.1 against the staff page for tests: one exchange per connection, cookies read
//! from the answer, and a staff login through the login form with its CSRF token.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::SocketAddr;

/// One HTTP/1.1 exchange: the status line and headers (lower-cased names kept as sent) and body.
pub fn http(addr: SocketAddr, request: String) -> (String, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.to_string(), body.to_string())
}

/// The value of the cookie `name` set in `head`.
pub fn cookie_value(head: &str, name: &str) -> String {
    head.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .find_map(|l| {
            let v = l.split_once(':').unwrap().1.trim();
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap().to_string())
        })
        .unwrap_or_else(|| panic!("no {name} cookie in\n{head}"))
}

/// Logs in through the login form; the session cookie.
pub fn login(addr: SocketAddr, email: &str, password: &str) -> String {
    let (head, body) = http(
        addr,
        "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    );
    let login_csrf = cookie_value(&head, "codedesk_login_csrf");
    let token = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let form = serde_urlencoded::to_string([
        ("csrf", token.as_str()),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let (head, _) = http(
        addr,
        format!(
            "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_login_csrf={login_csrf}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    cookie_value(&head, "codedesk_session")
}

/// A GET with the session cookie.
pub fn get(addr: SocketAddr, session: &str, path: &str) -> (String, String) {
    http(
        addr,
        format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_session={session}\r\n\r\n"
        ),
    )
}

/// A form POST with the session cookie.
pub fn post(
    addr: SocketAddr,
    session: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (String, String) {
    let form = serde_urlencoded::to_string(fields).unwrap();
    http(
        addr,
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_session={session}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    )
}

/// The value of the first `name="NAME" value="..."` input in `page`.
pub fn field(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no {name} field in\n{page}"))
        .to_string()
}
