//! Page templates (minijinja, auto-escaped because every name ends in `.html`): the copies built
//! into the binary, or the same names in a folder given at start-up. Mail text only ever reaches
//! a template as a value, never as template source.

use minijinja::Environment;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The templates built into the binary, by name.
const EMBEDDED: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/web/base.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    ("error.html", include_str!("../../templates/web/error.html")),
    ("queue.html", include_str!("../../templates/web/queue.html")),
    ("case.html", include_str!("../../templates/web/case.html")),
    ("users.html", include_str!("../../templates/web/users.html")),
    (
        "senders.html",
        include_str!("../../templates/web/senders.html"),
    ),
    ("audit.html", include_str!("../../templates/web/audit.html")),
];

/// The style sheet, served at `/static/style.css` (the CSP allows no inline style).
pub const STYLE_CSS: &str = include_str!("../../templates/web/style.css");

fn embedded(name: &str) -> Option<String> {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_string())
}

/// The template environment: a file in `dir` (if given) wins over the built-in copy; the `time`
/// filter shows Unix seconds in `zone`, with the zone's abbreviation.
pub fn environment(dir: Option<PathBuf>, zone: crate::date::Zone) -> Environment<'static> {
    let mut env = Environment::new();
    env.add_filter("time", move |secs: i64| zone.time_label(secs));
    env.add_filter("age", super::format::age);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            if !name.contains("..") {
                if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                    return Ok(Some(text));
                }
            }
        }
        Ok(embedded(name))
    });
    env
}

/// The error page, from the built-in templates (it must render even when the folder is broken).
pub fn error_page(status: u16, title: &str, message: &str) -> String {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    let env = ENV.get_or_init(|| environment(None, crate::date::Zone::utc()));
    env.get_template("error.html")
        .and_then(|t| {
            t.render(minijinja::context! { status => status, title => title, message => message })
        })
        .unwrap_or_else(|_| format!("{status} {title}"))
}
