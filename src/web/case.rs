//! One case: the question as inert text with its codes marked, its attachments (name, type,
//! size, the codes read from each or why its text was not read; each downloadable, always as a
//! file), the drafted reply (text, and the HTML in a sandboxed frame that runs nothing), why it
//! is where it is, its history and audit log; and the staff actions. Each action carries the case version its form was drawn at, so the
//! second of two staff acting at once is told the case changed, and state-conditional updates
//! in `cases` make a double send impossible.

use super::AppState;
use super::auth::Staff;
use super::error::WebError;
use super::format;
use crate::case_search::case_reference;
use crate::extract::{self, NoCatalog};
use crate::question::{self, Limits};
use crate::reply::edited;
use crate::store::cases::{self, Case, CaseId, CaseState};
use crate::store::{staff, staff_cases};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// A stretch of the question's text; `code` when it is a code reference.
#[derive(Debug, serde::Serialize)]
struct Segment {
    text: String,
    code: bool,
}

/// The question's text cut at its code references.
fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in extract::extract(text, &NoCatalog) {
        let (Some(before), Some(code)) = (text.get(at..r.start), text.get(r.start..r.end)) else {
            continue;
        };
        if r.start < at {
            continue;
        }
        out.push(Segment {
            text: before.to_string(),
            code: false,
        });
        out.push(Segment {
            text: code.to_string(),
            code: true,
        });
        at = r.end;
    }
    out.push(Segment {
        text: text.get(at..).unwrap_or("").to_string(),
        code: false,
    });
    out.retain(|s| !s.text.is_empty());
    out
}

/// An attachment as the case page lists it.
#[derive(Debug, serde::Serialize)]
struct AttachmentRow {
    /// 1-based, as in its download address.
    number: usize,
    name: String,
    content_type: String,
    size: String,
    /// The codes read from its text that the question's text does not name.
    codes: Vec<String>,
    /// Why its text was not read.
    not_read: Option<String>,
}

/// A size in bytes as people read it: `739 bytes`, `12.5 KB`, `3.2 MB`.
fn size_label(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1 << 20 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1 << 20) as f64),
    }
}

/// The attachments of a question with what was read of them, as the worker reads them.
async fn attachment_rows(raw: &[u8], text: &str) -> Vec<AttachmentRow> {
    let readings = crate::consult::read_attachments(
        raw,
        &Limits::default(),
        &crate::attachment_text::Limits::default(),
    )
    .await;
    let mut refs = extract::extract(text, &NoCatalog);
    let in_text = refs.len();
    crate::consult::add_attachment_refs(&mut refs, &readings, &NoCatalog);
    readings
        .into_iter()
        .enumerate()
        .map(|(n, a)| {
            let mut codes: Vec<String> = Vec::new();
            for r in refs[in_text..]
                .iter()
                .filter(|r| r.origin.as_deref() == Some(a.label.as_str()))
            {
                if !codes.contains(&r.text) {
                    codes.push(r.text.clone());
                }
            }
            AttachmentRow {
                number: n + 1,
                name: a.label,
                content_type: a.attachment.content_type,
                size: size_label(a.attachment.size),
                codes,
                not_read: a.not_read,
            }
        })
        .collect()
}

/// The case `id` when it exists in a mailbox `staff` may see; else 404 (the same answer, so a
/// case of another desk is not revealed).
async fn visible_case(state: &AppState, staff: &Staff, id: CaseId) -> Result<Case, WebError> {
    cases::get(&state.store, id)
        .await?
        .filter(|c| state.sees_mailbox(&staff.user, &c.mailbox))
        .ok_or_else(|| WebError::NotFound(format!("there is no case {id}")))
}

/// `GET /case/{id}/attachment/{n}`: the `n`th attachment (from 1) of the question, always as a
/// download (`application/octet-stream`, `Content-Disposition: attachment`, never rendered by
/// the browser), from the stored message; 404 once retention deleted it.
pub async fn attachment(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, n)): Path<(i64, usize)>,
) -> Result<Response, WebError> {
    let case_id = CaseId(id);
    let case = visible_case(&state, &staff, case_id).await?;
    let reference = case_reference(case.id.0, case.case_ref.as_deref());
    if let Some(at) = crate::store::retention::purged_at(&state.store, case_id).await? {
        return Err(WebError::NotFound(format!(
            "the attachments of case {reference} were deleted by retention on {}",
            state.zone.time_label(at)
        )));
    }
    let raw = cases::raw_message(&state.store, case_id)
        .await?
        .unwrap_or_default();
    let found = tokio::task::spawn_blocking(move || {
        question::attachments(&raw, &Limits::default())
            .into_iter()
            .nth(n.wrapping_sub(1))
    })
    .await
    .map_err(|e| WebError::Internal(e.into()))?;
    let Some((a, bytes)) = found else {
        return Err(WebError::NotFound(format!(
            "case {reference} has no attachment {n}"
        )));
    };
    let name = crate::attachment_text::safe_name(a.name.as_deref())
        .unwrap_or_else(|| format!("attachment-{n}"));
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

/// `attachment; filename="ASCII"; filename*=UTF-8''PERCENT-ENCODED` (RFC 6266, RFC 5987): the
/// plain name with every non-ASCII or special character as `_`, the exact one encoded.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | ';')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `GET /case/{id}`.
pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    show_with(&state, &staff, id, None).await
}

async fn show_with(
    state: &AppState,
    staff: &Staff,
    id: i64,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let case_id = CaseId(id);
    let case = visible_case(state, staff, case_id).await?;
    let raw = cases::raw_message(&state.store, case_id)
        .await?
        .unwrap_or_default();
    let q = question::parse(&raw, &Limits::default());
    let attachments = attachment_rows(&raw, &q.text).await;
    let reply_html = cases::reply_raw(&state.store, case_id)
        .await?
        .and_then(|raw| {
            mail_parser::MessageParser::default()
                .parse(&raw)
                .and_then(|m| m.body_html(0).map(|h| h.into_owned()))
        });
    let events = cases::events(&state.store, case_id).await?;
    let purged_at = crate::store::retention::purged_at(&state.store, case_id).await?;
    let audit = staff::audit_of_case(&state.store, id).await?;
    let version = staff_cases::version(&state.store, case_id).await?;
    let s = case.state;
    // Why it is where it is: the stored reason, else what the step into this state said.
    let why = case.reason.clone().or_else(|| {
        events
            .iter()
            .rev()
            .find(|e| e.to_state == s && e.from_state != Some(s))
            .and_then(|e| e.detail.clone())
    });
    state.render(
        "case.html",
        minijinja::context! {
            staff => staff.context(),
            reference => case_reference(case.id.0, case.case_ref.as_deref()),
            thread_of => case.thread_of.map(|c| c.0),
            case => case,
            why => why,
            notice => notice,
            from => q.from.as_ref().map(|m| m.to_string()),
            subject => q.subject,
            segments => segments(&q.text),
            full_text => (q.full_text != q.text).then_some(q.full_text),
            automatic => q.automatic.as_ref().map(|a| format!("{}: {}", a.kind, a.reason)),
            attachments => attachments,
            reply_html => reply_html,
            events => events,
            audit => audit,
            version => version,
            can_approve => s == CaseState::Held,
            can_edit => matches!(s, CaseState::Held | CaseState::Approved | CaseState::Failed),
            can_reject => matches!(s, CaseState::Held | CaseState::Approved | CaseState::Failed),
            can_resend => matches!(s, CaseState::Failed | CaseState::Sent) && purged_at.is_none(),
            purged => purged_at.map(|t| state.zone.time_label(t)),
            can_reanswer => matches!(s, CaseState::Held | CaseState::Failed) && case.sent_at.is_none(),
            can_answer_anyway => s == CaseState::Ignored
                && case.reason.as_deref().is_some_and(|r| r.starts_with(cases::AUTOMATIC_MAIL))
                && purged_at.is_none(),
            received => state.zone.time_label(case.received_at),
        },
    )
}

/// The fields every action form carries.
#[derive(Debug, serde::Deserialize)]
pub struct ActionForm {
    /// The case version the page showed.
    version: i64,
    /// The edited reply (edit).
    #[serde(default)]
    text: Option<String>,
    /// Why (reject).
    #[serde(default)]
    reason: Option<String>,
    /// Present when the edit should also be approved for sending.
    #[serde(default)]
    send: Option<String>,
}

/// Refuses a case of a desk the account is not given, as if it did not exist.
async fn check_desk(state: &AppState, staff: &Staff, id: CaseId) -> Result<(), WebError> {
    if staff.user.desks.is_empty() {
        return Ok(());
    }
    match cases::get(&state.store, id).await? {
        Some(case) if state.sees_mailbox(&staff.user, &case.mailbox) => Ok(()),
        _ => Err(WebError::NotFound(format!("there is no case {id}"))),
    }
}

/// Refuses when the case changed since the form was drawn, saying what happened, or is not
/// on the account's desks.
async fn check_version(
    state: &AppState,
    staff: &Staff,
    id: CaseId,
    seen: i64,
) -> Result<(), WebError> {
    check_desk(state, staff, id).await?;
    let now = staff_cases::version(&state.store, id).await?;
    if now == seen {
        return Ok(());
    }
    let events = cases::events(&state.store, id).await?;
    let what = events
        .last()
        .map(|e| {
            format!(
                " (it is now {} after \u{201c}{}\u{201d} by {} at {})",
                e.to_state,
                e.detail.as_deref().unwrap_or("a change"),
                e.actor,
                state.zone.time_label(e.at)
            )
        })
        .unwrap_or_default();
    let reference = reference_of(state, id).await;
    Err(WebError::Conflict(format!(
        "case {reference} changed since you opened it{what}; nothing was done. Open the case \
         again to see it as it is now."
    )))
}

/// The reference the case's mail carries (`CD-9`), as the page names it.
async fn reference_of(state: &AppState, id: CaseId) -> String {
    match cases::get(&state.store, id).await {
        Ok(Some(case)) => case_reference(id.0, case.case_ref.as_deref()),
        _ => case_reference(id.0, None),
    }
}

/// Turns a refused transition into a clear conflict (the case moved on), other errors into 500s.
async fn refused(state: &AppState, id: CaseId, e: anyhow::Error) -> WebError {
    match cases::case_state(&state.store, id).await {
        Ok(Some(_)) => {
            // The store names the case by its number (`case #9`); the page by its reference.
            let reference = reference_of(state, id).await;
            let why = format!("{e:#}").replace(&format!("case {id}"), &format!("case {reference}"));
            WebError::Conflict(format!(
                "{why}. Open the case again to see it as it is now."
            ))
        }
        Ok(None) => WebError::NotFound(format!("there is no case {id}")),
        Err(_) => WebError::Internal(e),
    }
}

fn to_case(id: i64) -> Redirect {
    Redirect::to(&format!("/case/{id}"))
}

/// `POST /case/{id}/approve`: held → approved; the running worker sends it.
pub async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    // A person approved it: it goes out without the automatic-reply marking.
    let approved = cases::reply_raw(&state.store, case_id)
        .await?
        .map(|raw| edited::approved(&raw));
    if let Err(e) = cases::approve_reply(
        &state.store,
        case_id,
        &staff.user.email,
        approved.as_deref(),
        format::now(),
    )
    .await
    {
        return Err(refused(&state, case_id, e).await);
    }
    staff::audit(&state.store, Some(&staff.user), "approve", Some(id), "").await?;
    Ok(to_case(id))
}

/// `POST /case/{id}/edit`: replaces the reply's text (and, with `send`, approves it).
pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let text = form.text.as_deref().unwrap_or("").replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(WebError::BadRequest(
            "the reply is empty: write the answer, or reject the case instead".into(),
        ));
    }
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    let Some(raw) = cases::reply_raw(&state.store, case_id).await? else {
        return Err(WebError::Conflict(format!(
            "case {} has no drafted reply to edit",
            reference_of(&state, case_id).await
        )));
    };
    let new_raw = edited::edited(&raw, &text).map_err(|e| WebError::Internal(e.into()))?;
    let now = format::now();
    if let Err(e) = cases::edit_reply(
        &state.store,
        case_id,
        &staff.user.email,
        &text,
        &new_raw,
        now,
    )
    .await
    {
        return Err(refused(&state, case_id, e).await);
    }
    staff::audit(
        &state.store,
        Some(&staff.user),
        "edit",
        Some(id),
        "reply text edited",
    )
    .await?;
    if form.send.is_some() {
        let state_now = cases::case_state(&state.store, case_id).await?;
        if state_now == Some(CaseState::Held) {
            if let Err(e) = cases::approve(&state.store, case_id, &staff.user.email, now).await {
                return Err(refused(&state, case_id, e).await);
            }
            staff::audit(
                &state.store,
                Some(&staff.user),
                "approve",
                Some(id),
                "after edit",
            )
            .await?;
        }
    }
    Ok(to_case(id))
}

/// `POST /case/{id}/reject`: not answered, with staff's short reason in the audit log.
pub async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let reason = form.reason.as_deref().unwrap_or("").trim().to_string();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(WebError::BadRequest(
            "give a short reason for rejecting (up to 300 characters)".into(),
        ));
    }
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    if let Err(e) = cases::reject(&state.store, case_id, &staff.user.email, format::now()).await {
        return Err(refused(&state, case_id, e).await);
    }
    staff::audit(&state.store, Some(&staff.user), "reject", Some(id), &reason).await?;
    Ok(to_case(id))
}

/// 409 naming `why` when retention has deleted the case's bodies.
async fn refuse_if_purged(state: &AppState, case_id: CaseId, why: &str) -> Result<(), WebError> {
    if crate::store::retention::purged_at(&state.store, case_id)
        .await?
        .is_some()
    {
        let reference = reference_of(state, case_id).await;
        return Err(WebError::Conflict(format!("case {reference}: {why}")));
    }
    Ok(())
}

/// `POST /case/{id}/resend`: failed or sent → approved, so the worker sends the reply again.
pub async fn resend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    refuse_if_purged(
        &state,
        case_id,
        "its reply was deleted by retention, so it cannot be sent again",
    )
    .await?;
    if let Err(e) = cases::resend(&state.store, case_id, &staff.user.email, format::now()).await {
        return Err(refused(&state, case_id, e).await);
    }
    staff::audit(&state.store, Some(&staff.user), "resend", Some(id), "").await?;
    Ok(to_case(id))
}

/// `POST /case/{id}/reanswer`: held or failed → received with the draft cleared; the worker
/// answers it again from the code sets as they are now.
pub async fn reanswer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    if !staff_cases::reanswer(&state.store, case_id, &staff.user.email, format::now()).await? {
        let now = cases::case_state(&state.store, case_id).await?;
        return Err(match now {
            None => WebError::NotFound(format!("there is no case {case_id}")),
            Some(s) => WebError::Conflict(format!(
                "case {} is {s} (or a worker holds it): only held or failed cases whose \
                 reply was never sent can be answered again",
                reference_of(&state, case_id).await
            )),
        });
    }
    staff::audit(&state.store, Some(&staff.user), "reanswer", Some(id), "").await?;
    Ok(to_case(id))
}

/// `POST /case/{id}/answer-anyway`: a case ignored as automatic mail goes back to `received`,
/// and the worker answers it like a question a person wrote.
pub async fn answer_anyway(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let case_id = CaseId(id);
    let _one_at_a_time = state.actions.lock().await;
    check_version(&state, &staff, case_id, form.version).await?;
    refuse_if_purged(
        &state,
        case_id,
        "its question was deleted by retention, so it cannot be answered",
    )
    .await?;
    let now = format::now();
    if let Err(e) = cases::answer_automatic(&state.store, case_id, &staff.user.email, now).await {
        return Err(refused(&state, case_id, e).await);
    }
    staff::audit(
        &state.store,
        Some(&staff.user),
        "answer-anyway",
        Some(id),
        "ignored as automatic mail",
    )
    .await?;
    Ok(to_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_name_is_quoted_plain_and_encoded_exactly() {
        assert_eq!(
            content_disposition("op note.pdf"),
            "attachment; filename=\"op note.pdf\"; filename*=UTF-8''op%20note.pdf"
        );
        assert_eq!(
            content_disposition("Befund Müller;x%.pdf"),
            "attachment; filename=\"Befund M_ller_x_.pdf\"; \
             filename*=UTF-8''Befund%20M%C3%BCller%3Bx%25.pdf"
        );
        assert_eq!(size_label(739), "739 bytes");
        assert_eq!(size_label(12_800), "12.5 KB");
        assert_eq!(size_label(3 << 20), "3.0 MB");
    }

    #[test]
    fn codes_are_cut_out_of_the_text_and_nothing_is_lost() {
        let text = "Can 99213 be billed with J06.9 today?";
        let segs = segments(text);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let codes: Vec<&str> = segs
            .iter()
            .filter(|s| s.code)
            .map(|s| s.text.as_str())
            .collect();
        assert!(
            codes.contains(&"99213") && codes.contains(&"J06.9"),
            "{codes:?}"
        );
    }
}
