//! A question's attachments on the staff case page, on both engines: listed with name, type,
//! size and the codes read from each (or why not); each downloads as a file, never rendered
//! (`application/octet-stream`, `Content-Disposition: attachment` with a safe name, `nosniff`),
//! only with a session; after retention's purge the download is a clear 404.

mod attachment_support;
mod case_support;
mod common;
mod http_support;

use attachment_support::{CORRUPT_PDF, PDF, with_attachments};
use case_support::case_of;
use codedesk::config::Config;
use codedesk::store::cases::CaseState;
use codedesk::store::retention;
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{ENGINES, TestDb};
use http_support::{get, http, login};

const HEAD: &str = "From: Pat <pat@clinic.example>\r\nTo: consult@example.test\r\n\
                    Message-ID: <q1@clinic.example>\r\nSubject: op note\r\n\
                    Date: Tue, 13 Jan 2026 10:00:00 +0000\r\n";

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_listed_and_download_as_files_until_the_purge() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let raw = with_attachments(
            HEAD,
            "Is M54.16 right? See the note.",
            &[
                ("op-note.pdf", "application/pdf", PDF),
                (
                    "../../x/<b>'evil'.html",
                    "text/html",
                    b"<b>J06.9</b><script>x</script>",
                ),
                ("scan.pdf", "application/pdf", CORRUPT_PDF),
            ],
        );
        let id = case_of(s, 1, &raw, CaseState::Sent, 1_000, 1_000).await;
        let password = "reviewer password 1";
        staff::create_user(
            s,
            "reviewer@clinic.example",
            Role::Staff,
            &hash_password(password).unwrap(),
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(AppState::new(s.clone(), Config::default()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let cid = id.0;
        let (page, pdf, html, none, anonymous, session) = tokio::task::spawn_blocking(move || {
            let session = login(addr, "reviewer@clinic.example", password);
            let anonymous = http(
                addr,
                format!(
                    "GET /case/{cid}/attachment/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                ),
            );
            (
                get(addr, &session, &format!("/case/{cid}")),
                get(addr, &session, &format!("/case/{cid}/attachment/1")),
                get(addr, &session, &format!("/case/{cid}/attachment/2")),
                get(addr, &session, &format!("/case/{cid}/attachment/4")),
                anonymous,
                session,
            )
        })
        .await
        .unwrap();

        assert!(page.0.starts_with("HTTP/1.1 200"), "{engine:?}: {}", page.0);
        let p = &page.1;
        for listed in [
            "op-note.pdf</a>",
            "<td class=\"attachment-type\">application&#x2f;pdf</td>",
            &format!("{} bytes", PDF.len()),
            "codes from the attachment op-note.pdf: <mark class=\"code\">64483</mark>, <mark class=\"code\">E11.9</mark>",
            "scan.pdf</a>",
            "text not read: damaged or unreadable PDF",
            "codes from the attachment &lt;b&gt;evil.html: <mark class=\"code\">J06.9</mark>",
            &format!("href=\"/case/{cid}/attachment/3\""),
        ] {
            assert!(p.contains(listed), "{engine:?}: {listed:?} not in\n{p}");
        }
        // M54.16 is the message's: not listed as the attachment's.
        assert!(!p.contains("<mark class=\"code\">M54.16</mark>,"), "{p}");

        assert!(pdf.0.starts_with("HTTP/1.1 200"), "{engine:?}: {}", pdf.0);
        assert_eq!(
            header(&pdf.0, "content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(
            header(&pdf.0, "content-disposition"),
            Some("attachment; filename=\"op-note.pdf\"; filename*=UTF-8''op-note.pdf")
        );
        assert_eq!(header(&pdf.0, "x-content-type-options"), Some("nosniff"));
        assert_eq!(pdf.1.as_bytes(), PDF, "{engine:?}: the file as attached");
        // A hostile name: no folders, quotes or markup characters that break the header.
        assert_eq!(
            header(&html.0, "content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(
            header(&html.0, "content-disposition"),
            Some("attachment; filename=\"<b>evil.html\"; filename*=UTF-8''%3Cb%3Eevil.html"),
            "{engine:?}"
        );
        assert!(none.0.starts_with("HTTP/1.1 404"), "{}", none.0);
        assert!(none.1.contains("has no attachment 4"), "{}", none.1);
        assert!(
            anonymous.0.starts_with("HTTP/1.1 303"),
            "{engine:?}: only with a session: {}",
            anonymous.0
        );

        // Retention deletes the message: the download says so.
        let when = 1_767_225_600; // 2026-01-01 00:00 UTC
        assert_eq!(
            retention::purge_closed_before(s, 1_001, "purge", when)
                .await
                .unwrap(),
            1
        );
        let gone = tokio::task::spawn_blocking(move || {
            get(addr, &session, &format!("/case/{cid}/attachment/1"))
        })
        .await
        .unwrap();
        assert!(gone.0.starts_with("HTTP/1.1 404"), "{engine:?}: {}", gone.0);
        assert!(
            gone.1
                .contains("were deleted by retention on 2026-01-01 00:00 UTC"),
            "{engine:?}: {}",
            gone.1
        );
    }
}
