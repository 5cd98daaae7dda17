//! The reply templates: every `.txt` and `.html` file under the templates folder, read once and
//! checked at start, rendered with strict undefined variables, HTML auto-escaping and a fuel
//! limit. The asker's words only ever reach a template as values, never as template source.

use super::ReplyError;
use super::context::ReplyContext;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use std::path::{Path, PathBuf};

/// The templates a templates folder must hold (parts are included from these).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "answer.txt",
    "answer.html",
    "no_code.txt",
    "no_code.html",
    "not_registered.txt",
    "not_registered.html",
    "over_quota.txt",
    "over_quota.html",
    "unprocessable.txt",
    "unprocessable.html",
    "parts/icd10cm.txt",
    "parts/icd10cm.html",
    "parts/icd10pcs.txt",
    "parts/icd10pcs.html",
    "parts/hcpcs.txt",
    "parts/hcpcs.html",
    "parts/cpt.txt",
    "parts/cpt.html",
    "layout.html",
];

/// Templates a folder may leave out: the built-in copy is used (a folder made before they
/// existed keeps working).
pub const OPTIONAL_TEMPLATES: &[&str] = &[
    "acknowledgement.txt",
    "acknowledgement.html",
    "staff_notice.txt",
];

/// Instructions one render may run: far above what the largest answer needs (25 codes with
/// every note), low enough that a runaway loop in an edited template stops at once.
pub const TEMPLATE_FUEL: u64 = 2_000_000;

/// How deep template folders are searched.
const MAX_DEPTH: usize = 4;

/// The loaded templates.
#[derive(Debug, Clone)]
pub struct Templates {
    env: Environment<'static>,
    dir: PathBuf,
}

impl Templates {
    /// Reads every template under `dir` and checks that the required ones are there; an empty
    /// `dir` means the built-in copies of the project's `templates/`.
    pub fn load(dir: &Path) -> Result<Templates, ReplyError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_fuel(Some(TEMPLATE_FUEL));
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.add_filter("wrap", wrap_filter);
        env.add_filter("with_7th", with_seventh);
        env.add_filter("ljust", |s: &str, width: usize| format!("{s:<width$}"));
        env.add_global("system_label", system_labels());
        if dir.as_os_str().is_empty() {
            for (name, _) in crate::embedded::REPLY_TEMPLATES {
                let source = crate::embedded::text(crate::embedded::REPLY_TEMPLATES, name)
                    .ok_or_else(|| ReplyError::Template {
                        name: format!("built-in {name}"),
                        reason: "not UTF-8".into(),
                    })?;
                env.add_template(name, source)
                    .map_err(|e| template_error(dir, &e))?;
            }
        } else {
            let mut files = Vec::new();
            collect(dir, dir, 0, &mut files)?;
            for (name, path) in files {
                let source = std::fs::read_to_string(&path).map_err(|e| ReplyError::Template {
                    name: path.display().to_string(),
                    reason: format!("cannot read it: {e}"),
                })?;
                env.add_template_owned(name, source)
                    .map_err(|e| template_error(dir, &e))?;
            }
        }
        for optional in OPTIONAL_TEMPLATES {
            if env.get_template(optional).is_err() {
                let source = crate::embedded::text(crate::embedded::REPLY_TEMPLATES, optional)
                    .ok_or_else(|| ReplyError::Template {
                        name: format!("built-in {optional}"),
                        reason: "missing from the binary".into(),
                    })?;
                env.add_template(optional, source)
                    .map_err(|e| template_error(Path::new(""), &e))?;
            }
        }
        for required in REQUIRED_TEMPLATES {
            if env.get_template(required).is_err() {
                return Err(ReplyError::Template {
                    name: dir.join(required).display().to_string(),
                    reason: "missing: every templates folder needs it (copy it from the project's templates/)".into(),
                });
            }
        }
        Ok(Templates {
            env,
            dir: dir.to_path_buf(),
        })
    }

    /// The text and HTML of the reply `ctx` describes.
    pub fn render(&self, ctx: &ReplyContext<'_>) -> Result<(String, String), ReplyError> {
        let value = Value::from_serialize(ctx);
        let text = self.render_one(&format!("{}.txt", ctx.kind), &value)?;
        let html = self.render_one(&format!("{}.html", ctx.kind), &value)?;
        Ok((text, html))
    }

    /// Template `name` (`staff_notice.txt`) with `value`.
    pub fn render_named(&self, name: &str, value: &Value) -> Result<String, ReplyError> {
        self.render_one(name, value)
    }

    fn render_one(&self, name: &str, value: &Value) -> Result<String, ReplyError> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| template_error(&self.dir, &e))?;
        t.render(value).map_err(|e| template_error(&self.dir, &e))
    }
}

/// Every `.txt` and `.html` file below `dir`, named by its path relative to `root` with `/`.
fn collect(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), ReplyError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ReplyError::Template {
        name: dir.display().to_string(),
        reason: format!(
            "cannot read the templates folder: {e} (set [reply] templates to the folder of the reply templates)"
        ),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if depth < MAX_DEPTH {
                collect(root, &path, depth + 1, out)?;
            }
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "txt" && ext != "html" {
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((name, path));
    }
    Ok(())
}

/// The template files below `dir` (tests compare them with the built-in set).
#[cfg(test)]
pub(crate) fn collect_for_tests(dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    collect(dir, dir, 0, out).expect("the templates folder");
}

/// A minijinja error as a [`ReplyError`] naming the file (and line) it is about.
fn template_error(dir: &Path, e: &minijinja::Error) -> ReplyError {
    let name = match e.name() {
        Some(n) if dir.as_os_str().is_empty() => format!("built-in {n}"),
        Some(n) => dir.join(n).display().to_string(),
        None if dir.as_os_str().is_empty() => "the built-in templates".into(),
        None => dir.display().to_string(),
    };
    let mut reason = e.kind().to_string();
    if let Some(detail) = e.detail() {
        reason.push_str(": ");
        reason.push_str(detail);
    }
    if let Some(line) = e.line() {
        reason.push_str(&format!(" (line {line})"));
    }
    ReplyError::Template { name, reason }
}

/// `{{ text | wrap(76, 4) }}`: wraps text for the text part.
fn wrap_filter(text: &str, width: Option<usize>, indent: Option<usize>) -> String {
    super::wrap::wrap(text, width.unwrap_or(76), indent.unwrap_or(0))
}

/// `{{ "S32.9" | with_7th("A") }}` is `S32.9XXA`: the code padded with the placeholder X to six
/// characters, then the 7th.
fn with_seventh(code: &str, seventh: &str) -> String {
    let bare: String = code.chars().filter(|c| *c != '.').collect();
    let mut full = bare;
    while full.chars().count() < 6 {
        full.push('X');
    }
    full.push_str(seventh);
    if full.len() > 3 && full.is_char_boundary(3) {
        full.insert(3, '.');
    }
    full
}

/// `system_label["ICD10CM"]` is "ICD-10-CM": the names coders use, for every system.
fn system_labels() -> Value {
    use crate::codes::CodeSystem;
    let systems = [
        CodeSystem::Icd10Cm,
        CodeSystem::Icd10Pcs,
        CodeSystem::Hcpcs,
        CodeSystem::Cpt,
        CodeSystem::Modifier,
        CodeSystem::Icd9Cm,
    ];
    Value::from_iter(systems.map(|s| (s.as_str(), s.label())))
}
