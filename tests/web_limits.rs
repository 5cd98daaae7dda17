//! The staff page's defences under abuse, over real HTTP against the page as `codedesk web`
//! serves it (`codedesk::web::serve` on a real port): logins counted in the database before the
//! password is checked (parallel attempts, two page processes), password checks bounded,
//! idle and slow connections closed, a connection cap, the lock per client, password rules,
//! the audit log's copy of a typed address clipped, and the `Secure` cookie behind a TLS proxy.

mod common;

use codedesk::config::Config;
use codedesk::store::Store;
use codedesk::store::staff::{self, Role};
use codedesk::web::auth::hash_password;
use common::{ENGINES, Engine, TempDir, TestDb};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const EMAIL: &str = "lead@clinic.example";
const PASSWORD: &str = "lantern orbit pickle";
/// How long a test waits for evidence before it fails.
const BOUND: Duration = Duration::from_secs(60);

/// A running page; dropping it stops the server.
struct Page {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: TempDir,
}

/// Serves the page for `url` with `[web]` keys `web` (TOML lines), as `codedesk web` does.
async fn page(url: &str, web: &str) -> Page {
    let dir = TempDir::new("web-limits");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = dir.path().join("codedesk.toml");
    std::fs::write(
        &path,
        format!("[web]\nlisten = \"127.0.0.1:{port}\"\n{web}\n"),
    )
    .unwrap();
    let config = Config::load(&path, true, Vec::new()).unwrap();
    // Its own pool, as a separate `codedesk web` process would have.
    let store = Store::connect(url).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        codedesk::web::serve(store, config, async {
            let _ = stopped.await;
        })
        .await
        .unwrap()
    });
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let deadline = Instant::now() + BOUND;
    while TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "the page never listened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Page {
        addr,
        _stop: stop,
        _dir: dir,
    }
}

async fn account(store: &Store, email: &str, role: Role) {
    staff::create_user(store, email, role, &hash_password(PASSWORD).unwrap())
        .await
        .unwrap();
}

/// One request on its own connection from `from` (a loopback address), the whole answer.
async fn exchange_from(from: Option<IpAddr>, addr: SocketAddr, request: &str) -> String {
    let mut s = match from {
        Some(ip) => {
            let socket = TcpSocket::new_v4().unwrap();
            socket.bind((ip, 0).into()).unwrap();
            socket.connect(addr).await.unwrap()
        }
        None => TcpStream::connect(addr).await.unwrap(),
    };
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(BOUND, s.read_to_end(&mut out))
        .await
        .expect("the page answered in time")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

async fn exchange(addr: SocketAddr, request: &str) -> String {
    exchange_from(None, addr, request).await
}

fn status(response: &str) -> u16 {
    response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {response:?}"))
}

fn header<'a>(response: &'a str, name: &str) -> Vec<&'a str> {
    let head = response.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

/// The login form's CSRF cookie and token (reusable for many attempts).
async fn login_csrf(addr: SocketAddr) -> (String, String) {
    let r = exchange(
        addr,
        "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    let cookie = header(&r, "set-cookie")
        .into_iter()
        .find_map(|c| c.strip_prefix("codedesk_login_csrf="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let token = r
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    (cookie, token)
}

/// `POST /login` from `from`, with `extra` header lines; the whole answer.
async fn post_login(
    addr: SocketAddr,
    from: Option<IpAddr>,
    extra: &str,
    csrf: &(String, String),
    email: &str,
    password: &str,
) -> String {
    let form = serde_urlencoded::to_string([
        ("csrf", csrf.1.as_str()),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_login_csrf={}\r\n\
         {extra}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        csrf.0,
        form.len()
    );
    exchange_from(from, addr, &request).await
}

/// Statuses of `n` logins sent at once, spread over `pages`.
async fn parallel_logins(
    pages: &[&Page],
    csrf: &[(String, String)],
    n: usize,
    email: impl Fn(usize) -> String,
    password: &str,
) -> Vec<String> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let addr = pages[i % pages.len()].addr;
        let csrf = csrf[i % csrf.len()].clone();
        let (email, password) = (email(i), password.to_string());
        tasks.push(tokio::spawn(async move {
            post_login(addr, None, "", &csrf, &email, &password).await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn count(responses: &[String], code: u16) -> usize {
    responses.iter().filter(|r| status(r) == code).count()
}

/// Finding 5: 30 parallel attempts on two page processes sharing the database: only the five
/// the limit allows are checked; then 30 with the right password: none gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_logins_past_the_limit_are_refused_across_two_pages() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        account(&db.store, EMAIL, Role::Admin).await;
        let (a, b) = (page(&db.url, "").await, page(&db.url, "").await);
        let csrf = [login_csrf(a.addr).await, login_csrf(b.addr).await];
        let wrong =
            parallel_logins(&[&a, &b], &csrf, 30, |_| EMAIL.into(), "wrong password 1").await;
        let checked = count(&wrong, 401);
        let (locked, busy) = (count(&wrong, 429), count(&wrong, 503));
        println!("{engine:?}: 30 parallel wrong: {checked} checked, {locked} locked, {busy} busy");
        assert_eq!(checked, 5, "{engine:?}: only the limit's five are checked");
        assert_eq!(locked + busy, 25, "{engine:?}");
        let right = parallel_logins(&[&a, &b], &csrf, 30, |_| EMAIL.into(), PASSWORD).await;
        println!(
            "{engine:?}: 30 parallel right after the lock: {} in, {} locked, {} busy",
            count(&right, 303),
            count(&right, 429),
            count(&right, 503)
        );
        assert_eq!(count(&right, 303), 0, "{engine:?}: nobody gets in");
        assert_eq!(count(&right, 429) + count(&right, 503), 30, "{engine:?}");
        for r in right.iter().filter(|r| status(r) == 429) {
            let wait: u64 = header(r, "retry-after")[0].parse().unwrap();
            assert!(wait > 0 && wait <= 15 * 60, "{r}");
        }
    }
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

/// Finding 6: 100 logins at once (each on an address of its own, so the throttle stays out of
/// it): at most `password_checks` (2) run at once, the queue's overflow is answered 503 with
/// Retry-After, and /metrics counts exactly those.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logins_beyond_the_check_queue_are_refused_busy_and_counted() {
    let db = TestDb::new(Engine::Sqlite).await;
    let p = page(&db.url, "").await;
    let csrf = [login_csrf(p.addr).await];
    let n = 100;
    let all = parallel_logins(
        &[&p],
        &csrf,
        n,
        |i| format!("nobody{i}@clinic.example"),
        "wrong password 1",
    )
    .await;
    let (checked, busy) = (count(&all, 401), count(&all, 503));
    let metrics = exchange(
        p.addr,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    let peak = metric(&metrics, "codedesk_password_checks_peak");
    let refused = metric(&metrics, "codedesk_logins_refused_busy_total");
    println!("{n} logins at once: {checked} checked, {busy} refused busy, peak {peak} checks");
    assert_eq!(checked + busy, n, "only 401 and 503 answers");
    assert!(busy > 0, "the queue overflowed: {checked} checked");
    assert_eq!(refused, busy as u64, "every 503 is counted");
    assert!((1..=2).contains(&peak), "at most 2 checks at once: {peak}");
    for r in all.iter().filter(|r| status(r) == 503) {
        assert_eq!(header(r, "retry-after"), ["2"], "{r}");
    }
    assert_eq!(metric(&metrics, "codedesk_password_checks_running"), 0);
}

/// Reads until the server closes the connection; how long that took, or `None` if it kept it
/// open past the bound.
async fn closed_within(mut s: TcpStream, bound: Duration) -> Option<(Duration, Vec<u8>)> {
    let started = Instant::now();
    let mut got = Vec::new();
    match tokio::time::timeout(bound, s.read_to_end(&mut got)).await {
        Ok(_) => Some((started.elapsed(), got)),
        Err(_) => None,
    }
}

/// Finding 7: a connection that sends nothing, one that sends half its headers, one idle after
/// a kept-alive request and one whose form never finishes are all closed by the server (defaults:
/// `header_timeout` 10 s, `body_timeout` 30 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_partial_and_slow_connections_are_closed_by_the_server() {
    let db = TestDb::new(Engine::Sqlite).await;
    let p = page(&db.url, "").await;
    let silent = TcpStream::connect(p.addr).await.unwrap();
    let mut partial = TcpStream::connect(p.addr).await.unwrap();
    partial
        .write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut kept = TcpStream::connect(p.addr).await.unwrap();
    kept.write_all(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut slow = TcpStream::connect(p.addr).await.unwrap();
    slow.write_all(
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 1000\r\n\r\nemail=a",
    )
    .await
    .unwrap();
    let (silent, partial, kept, slow) = tokio::join!(
        closed_within(silent, BOUND),
        closed_within(partial, BOUND),
        closed_within(kept, BOUND),
        closed_within(slow, BOUND),
    );
    for (name, r) in [
        ("silent", &silent),
        ("partial", &partial),
        ("kept-alive", &kept),
    ] {
        let (after, _) = r
            .as_ref()
            .unwrap_or_else(|| panic!("the {name} connection was still open after {BOUND:?}"));
        println!("{name} connection closed by the server after {after:.1?}");
        assert!(
            *after >= Duration::from_secs(9),
            "{name}: not before the timeout"
        );
    }
    let kept_answer = String::from_utf8_lossy(&kept.as_ref().unwrap().1).into_owned();
    assert!(kept_answer.starts_with("HTTP/1.1 200"), "{kept_answer}");
    let (after, answer) = slow.expect("the slow form's connection was still open");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    println!("slow form answered {} after {after:.1?}", &answer[..12]);
    assert_eq!(status(&answer), 408, "{answer}");
}

/// One response on a kept-alive connection: its head and a `Content-Length` body.
async fn read_response(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = header(&text, "content-length")
                .first()
                .map_or(0, |l| l.parse().unwrap());
            if body.len() >= len || !head.contains("HTTP/1.1 200") {
                return text;
            }
        }
        let n = tokio::time::timeout(BOUND, s.read(&mut buf))
            .await
            .expect("an answer in time")
            .unwrap();
        if n == 0 {
            return text;
        }
        got.extend_from_slice(&buf[..n]);
    }
}

/// Finding 7: with `max_connections` (default 256) open and served, one more is answered 503
/// and closed at once; when they go, the page answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_answered_503_and_closed() {
    let db = TestDb::new(Engine::Sqlite).await;
    let p = page(&db.url, "").await;
    // Connections that got an answer hold a slot each (one refused while the start-up probe's
    // slot was still held would answer 503: it is not kept).
    let mut open = Vec::new();
    let mut early_refusals = 0;
    while open.len() < 256 {
        let mut s = TcpStream::connect(p.addr).await.unwrap();
        s.write_all(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let r = read_response(&mut s).await;
        match status(&r) {
            200 => open.push(s),
            503 => early_refusals += 1,
            _ => panic!("{r}"),
        }
        assert!(early_refusals < 10, "connections are refused below the cap");
    }
    let extra = TcpStream::connect(p.addr).await.unwrap();
    let (_, answer) = closed_within(extra, Duration::from_secs(5))
        .await
        .expect("the connection over the cap is closed at once");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert_eq!(status(&answer), 503, "{answer}");
    assert_eq!(header(&answer, "retry-after"), ["5"]);
    drop(open);
    // The server sees the closes soon: wait for the evidence, a 200.
    let deadline = Instant::now() + BOUND;
    // A probe made before the server has seen the closes is itself refused, and counted.
    let mut probes_refused = 0;
    loop {
        let r = exchange(
            p.addr,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await;
        if status(&r) == 200 {
            assert_eq!(
                metric(&r, "codedesk_web_connections_refused_total"),
                1 + early_refusals + probes_refused
            );
            break;
        }
        if status(&r) == 503 {
            probes_refused += 1;
        }
        assert!(Instant::now() < deadline, "the page stayed full: {r}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Finding 9: five failures from one client lock that client out of that account, not the
/// account: the right password from another address still gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_lock_the_client_on_the_account_not_the_account() {
    let db = TestDb::new(Engine::Sqlite).await;
    account(&db.store, EMAIL, Role::Admin).await;
    let p = page(&db.url, "").await;
    let csrf = login_csrf(p.addr).await;
    let attacker: IpAddr = "127.0.0.2".parse().unwrap();
    let admin: IpAddr = "127.0.0.3".parse().unwrap();
    for _ in 0..5 {
        let r = post_login(p.addr, Some(attacker), "", &csrf, EMAIL, "wrong password 1").await;
        assert_eq!(status(&r), 401, "{r}");
    }
    let r = post_login(p.addr, Some(attacker), "", &csrf, EMAIL, PASSWORD).await;
    assert_eq!(status(&r), 429, "the attacker's address is locked: {r}");
    let r = post_login(p.addr, Some(admin), "", &csrf, EMAIL, PASSWORD).await;
    assert_eq!(status(&r), 303, "the admin elsewhere gets in: {r}");
}

/// Finding 9: behind a trusted proxy the client is the one `X-Forwarded-For` names and the
/// cookies are `Secure` when `X-Forwarded-Proto` says https; from anyone else both headers are
/// ignored (the loopback default stays: no `Secure` on plain HTTP).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_proxy_names_the_client_and_the_scheme() {
    let db = TestDb::new(Engine::Sqlite).await;
    account(&db.store, EMAIL, Role::Admin).await;
    let proxied = page(&db.url, "trusted_proxies = [\"127.0.0.1\"]").await;
    let direct = page(&db.url, "").await;
    let https = "X-Forwarded-Proto: https\r\n";
    let get =
        |extra: &str| format!("GET /login HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n");
    let secure = |r: &str| {
        header(r, "set-cookie")
            .iter()
            .all(|c| c.ends_with("; Secure"))
    };
    assert!(secure(&exchange(proxied.addr, &get(https)).await));
    assert!(!secure(&exchange(proxied.addr, &get("")).await));
    let spoofed = exchange(direct.addr, &get(https)).await;
    assert!(
        header(&spoofed, "set-cookie")
            .iter()
            .all(|c| !c.contains("Secure")),
        "{spoofed}"
    );
    // The session cookie of a login through the proxy is Secure too.
    let csrf = login_csrf(proxied.addr).await;
    let r = post_login(proxied.addr, None, https, &csrf, EMAIL, PASSWORD).await;
    assert_eq!(status(&r), 303, "{r}");
    assert!(secure(&r) && header(&r, "set-cookie").len() == 2, "{r}");

    // The proxy's clients are told apart; a client of the direct page cannot pose as another.
    let from = |ip: &str| format!("X-Forwarded-For: {ip}\r\n");
    for _ in 0..5 {
        let r = post_login(
            proxied.addr,
            None,
            &from("203.0.113.9"),
            &csrf,
            EMAIL,
            "wrong pw 12",
        )
        .await;
        assert_eq!(status(&r), 401, "{r}");
    }
    let r = post_login(
        proxied.addr,
        None,
        &from("203.0.113.9"),
        &csrf,
        EMAIL,
        PASSWORD,
    )
    .await;
    assert_eq!(status(&r), 429, "{r}");
    let r = post_login(
        proxied.addr,
        None,
        &from("198.51.100.7"),
        &csrf,
        EMAIL,
        PASSWORD,
    )
    .await;
    assert_eq!(
        status(&r),
        303,
        "another client behind the proxy gets in: {r}"
    );
    let csrf = login_csrf(direct.addr).await;
    for n in 0..5 {
        let r = post_login(
            direct.addr,
            None,
            &from(&format!("192.0.2.{n}")),
            &csrf,
            EMAIL,
            "wrong pw 12",
        )
        .await;
        assert_eq!(status(&r), 401, "{r}");
    }
    let r = post_login(
        direct.addr,
        None,
        &from("192.0.2.99"),
        &csrf,
        EMAIL,
        PASSWORD,
    )
    .await;
    assert_eq!(
        status(&r),
        429,
        "X-Forwarded-For from an untrusted peer changes nothing: {r}"
    );
}

/// The session cookie of a logged-in admin.
async fn admin_session(addr: SocketAddr) -> (String, String) {
    let csrf = login_csrf(addr).await;
    let r = post_login(addr, None, "", &csrf, EMAIL, PASSWORD).await;
    let session = header(&r, "set-cookie")
        .into_iter()
        .find_map(|c| c.strip_prefix("codedesk_session="))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let page = exchange(
        addr,
        &format!(
            "GET /admin/users HTTP/1.1\r\nHost: x\r\nCookie: codedesk_session={session}\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    (session, token)
}

/// Finding 9: the admin page refuses weak passwords with the reason, and takes a good one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_passwords_are_refused_when_an_account_is_added() {
    let db = TestDb::new(Engine::Sqlite).await;
    account(&db.store, EMAIL, Role::Admin).await;
    let p = page(&db.url, "").await;
    let (session, csrf) = admin_session(p.addr).await;
    let add = |email: &str, role: &str, password: &str| {
        let form = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("email", email),
            ("role", role),
            ("password", password),
        ])
        .unwrap();
        format!(
            "POST /admin/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_session={session}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
    };
    for (email, role, password, why) in [
        (
            "pat@clinic.example",
            "staff",
            "pat@clinic.example",
            "address",
        ),
        ("pat@clinic.example", "staff", "aaaaaaaaaa", "repeated"),
        (
            "pat@clinic.example",
            "staff",
            "password123",
            "attackers try first",
        ),
        ("pat@clinic.example", "staff", "1234567890", "run of keys"),
        ("boss@clinic.example", "admin", "eleven char", "at least 12"),
    ] {
        let r = exchange(p.addr, &add(email, role, password)).await;
        assert_eq!(status(&r), 400, "{password}: {r}");
        assert!(r.contains(why), "{password}: {r}");
    }
    let r = exchange(
        p.addr,
        &add("boss@clinic.example", "admin", "twelve chars ok"),
    )
    .await;
    assert_eq!(status(&r), 303, "{r}");
    assert!(
        staff::find_user(&db.store, "pat@clinic.example")
            .await
            .unwrap()
            .is_none()
    );
}

/// Finding 9: a failed login with a huge address keeps a clipped copy in the audit log (and
/// shows no more), and never what was typed as the password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_audits_a_clipped_address_and_never_the_password() {
    let db = TestDb::new(Engine::Sqlite).await;
    let p = page(&db.url, "").await;
    let csrf = login_csrf(p.addr).await;
    let huge = format!("{}@clinic.example", "x".repeat(200_000));
    let secret = "typed-secret-31415";
    let r = post_login(p.addr, None, "", &csrf, &huge, secret).await;
    assert_eq!(status(&r), 401);
    assert!(
        r.len() < 20_000,
        "the page shows a clipped address: {} bytes",
        r.len()
    );
    let audit = staff::recent_audit(&db.store, 10).await.unwrap();
    let failed = audit.iter().find(|e| e.action == "login.failed").unwrap();
    println!(
        "audit detail of a 200 KB address: {} bytes",
        failed.detail.len()
    );
    assert!(failed.detail.len() <= 300, "{} bytes", failed.detail.len());
    assert!(failed.detail.starts_with("xxxx"));
    assert!(audit.iter().all(|e| !e.detail.contains(secret)));
}
