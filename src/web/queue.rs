//! The queue (the landing page): today's figures, counts per state, one state's cases newest
//! first, a search of the questions (case reference, codes, sender, subject; the replies' text
//! only when asked), keyset paging.

use super::AppState;
use super::auth::Staff;
use super::error::WebError;
use super::format;
use crate::calendar::Deadline;
use crate::case_search::CaseSearch;
use crate::store::cases::{self, CaseState};
use crate::store::staff_cases::{self, QueueQuery, QueueRow};
use axum::extract::{Query, State};
use axum::response::Html;

/// The order the state tabs are shown in: what needs staff first.
pub const TAB_ORDER: [CaseState; 8] = [
    CaseState::Held,
    CaseState::Failed,
    CaseState::Received,
    CaseState::Answered,
    CaseState::Approved,
    CaseState::Sending,
    CaseState::Sent,
    CaseState::Ignored,
];

/// Cases a page shows.
const PAGE: i64 = 50;

/// The queue's query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct QueueParams {
    /// A state, or `all`; held by default.
    state: Option<String>,
    /// Search text.
    q: Option<String>,
    /// `reply`: search the replies' text as well.
    #[serde(rename = "in")]
    within: Option<String>,
    /// Show cases older than this id.
    before: Option<i64>,
}

/// A queue row and, for a held case past `[policy] answer_within`, its business age.
#[derive(serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    row: QueueRow,
    /// `overdue: 5 h 20 min business time`.
    overdue: Option<String>,
}

/// The page's rows with the overdue held cases first (oldest first), then the rest as they came.
fn overdue_first(rows: Vec<QueueRow>, deadline: Option<&Deadline>, now: i64) -> Vec<Listed> {
    let mut listed: Vec<Listed> = rows
        .into_iter()
        .map(|row| Listed {
            overdue: deadline
                .filter(|_| row.state == CaseState::Held)
                .and_then(|d| d.overdue_label(row.received_at, now)),
            row,
        })
        .collect();
    listed.sort_by_key(|l| match l.overdue {
        Some(_) => (0, l.row.received_at, l.row.id),
        None => (1, 0, 0),
    });
    listed
}

/// `GET /`: the dashboard and the queue.
pub async fn queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, WebError> {
    let tab = params.state.as_deref().unwrap_or("held");
    let filter = match tab {
        "all" => None,
        s => Some(
            s.parse::<CaseState>()
                .map_err(|e| WebError::BadRequest(e.to_string()))?,
        ),
    };
    let search = params.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let in_reply = params.within.as_deref() == Some("reply");
    let query = QueueQuery {
        state: filter,
        search: search.and_then(|s| CaseSearch::parse(s, in_reply)),
        before: params.before,
        limit: PAGE,
        mailboxes: state.mailboxes_for(&staff.user),
        received_by: None,
    };
    let (rows, more) = staff_cases::queue(&state.store, &query).await?;
    let counts = cases::counts_by_state(&state.store).await?;
    let now = format::now();
    let next = more.then(|| rows.last().map(|r| r.id)).flatten();
    // The first page of held (or all) cases starts with every overdue held case, oldest first,
    // whichever page it would fall on by number.
    let mut overdue = Vec::new();
    if let Some(deadline) = state.deadline.as_deref()
        && params.before.is_none()
        && matches!(filter, None | Some(CaseState::Held))
    {
        let candidates = QueueQuery {
            state: Some(CaseState::Held),
            received_by: Some(now.saturating_sub(deadline.within)),
            ..query
        };
        overdue = staff_cases::queue(&state.store, &candidates).await?.0;
        overdue.retain(|r| deadline.due(r.received_at) <= now);
    }
    let rows = overdue_first(
        overdue
            .iter()
            .cloned()
            .chain(
                rows.into_iter()
                    .filter(|r| !overdue.iter().any(|o| o.id == r.id)),
            )
            .collect(),
        state.deadline.as_deref(),
        now,
    );
    // Today's figures count from the desk's midnight.
    let today_start = state.zone.start_of_day(state.zone.date_of(now));
    let dash = staff_cases::dashboard(&state.store, today_start).await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let tabs: Vec<minijinja::Value> = TAB_ORDER
        .iter()
        .map(|s| {
            let n = counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n);
            minijinja::context! { name => s.as_str(), count => n, current => s.as_str() == tab }
        })
        .chain(std::iter::once(
            minijinja::context! { name => "all", count => total, current => tab == "all" },
        ))
        .collect();
    // A banner for each desk this staff member sees whose mailbox waits for a sign-in.
    let mut sign_in_alerts =
        crate::web::sign_in::desks_needing_sign_in(&state.store, &state.config).await?;
    sign_in_alerts.retain(|a| staff.user.sees_desk(&a.desk));
    state.render(
        "queue.html",
        minijinja::context! {
            staff => staff.context(),
            tabs => tabs,
            tab => tab,
            q => search.unwrap_or(""),
            in_reply => in_reply,
            q_param => search.map(|q| format!("&q={}{}", serde_urlencoded::to_string([("", q)]).unwrap_or_default().trim_start_matches('='), if in_reply { "&in=reply" } else { "" })).unwrap_or_default(),
            rows => rows,
            next => next,
            paged => params.before.is_some(),
            now => now,
            dash => dash,
            oldest_held_age => dash.oldest_held_at.map(|t| format::age(now - t)),
            median_reply => dash.median_reply_secs.map(format::age),
            sign_in_alerts => sign_in_alerts,
        },
    )
}
