//! The office's queues, with bulk assignment, "get next work", saved views and CSV export.

use super::{row, urlencode, working_office, Row};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::home::day_counts;
use crate::pages::{render_status, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, RawQuery};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Date;
use worktrack_domain::permit;
use worktrack_domain::work::AgeBucket;
use worktrack_store::{Office, QueueQuery, QueueView, SavedView, StoreError, User, WorkloadRule};

/// Rows on one queue page.
pub const QUEUE_PAGE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct QueueParams {
    pub office: String,
    pub view: String,
    pub workload: String,
    pub assignee: String,
    pub age: String,
    pub after_due: String,
    pub after_id: Option<i64>,
}

fn age_param(s: &str) -> Option<AgeBucket> {
    match s {
        "0-2" => Some(AgeBucket::Fresh),
        "3-5" => Some(AgeBucket::Week),
        "6-10" => Some(AgeBucket::TwoWeeks),
        "11+" => Some(AgeBucket::Old),
        _ => None,
    }
}

pub fn age_key(b: AgeBucket) -> &'static str {
    match b {
        AgeBucket::Fresh => "0-2",
        AgeBucket::Week => "3-5",
        AgeBucket::TwoWeeks => "6-10",
        AgeBucket::Old => "11+",
    }
}

/// Turns the query string of a queue into a store query, or a message saying what is wrong.
pub fn queue_query(
    p: &QueueParams,
    office: &Office,
    people: &[User],
    rules: &[WorkloadRule],
    limit: i64,
) -> Result<QueueQuery, String> {
    let view = if p.view.is_empty() {
        QueueView::Open
    } else {
        QueueView::parse(&p.view).ok_or_else(|| format!("{:?} is not a queue", p.view))?
    };
    let workload = match p.workload.as_str() {
        "" => None,
        w if rules.iter().any(|r| r.workload == w) => Some(w.to_string()),
        w => return Err(format!("{w:?} is not a workload")),
    };
    let assignee_id = match p.assignee.as_str() {
        "" => None,
        a => Some(
            people
                .iter()
                .find(|u| u.username == a)
                .map(|u| u.id)
                .ok_or_else(|| format!("{a:?} is not a member of {}", office.code))?,
        ),
    };
    let age = match p.age.as_str() {
        "" => None,
        a => Some(age_param(a).ok_or_else(|| format!("{a:?} is not an age bucket"))?),
    };
    let after = match (p.after_due.as_str(), p.after_id) {
        ("", None) => None,
        (d, Some(id))
            if Date::parse(d, &time::format_description::well_known::Iso8601::DATE).is_ok() =>
        {
            Some((d.to_string(), id))
        }
        _ => return Err("the page position in the address is not valid".into()),
    };
    Ok(QueueQuery {
        office_id: office.id,
        view,
        workload,
        assignee_id,
        age,
        after,
        limit,
        today: office.today(),
    })
}

#[derive(Template)]
#[template(path = "work_queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub params: QueueParams,
    pub view: QueueView,
    pub views: Vec<(QueueView, i64)>,
    pub aging: Vec<(&'static str, &'static str, i64)>,
    pub rows: Vec<Row>,
    pub next_href: Option<String>,
    pub csv_href: String,
    pub rules: Vec<WorkloadRule>,
    pub people: Vec<User>,
    pub saved: Vec<SavedView>,
    pub query_string: String,
    /// The office, workload and employee chosen, for the tabs and age links (which add the view
    /// or the age bucket).
    pub filter_query: String,
    pub can_manage: bool,
    pub can_take: bool,
}

/// The query string of `p` without paging and messages, for links and saved views.
pub fn view_query(p: &QueueParams) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("office", &p.office),
        ("view", &p.view),
        ("workload", &p.workload),
        ("assignee", &p.assignee),
        ("age", &p.age),
    ] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    parts.join("&")
}

async fn queue_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    p: QueueParams,
    error: Option<String>,
) -> Result<(StatusCode, QueuePage), PageError> {
    let (office, offices) = working_office(state, who, &p.office).await?;
    let rules = state.store.workload_rules_cached(office.id).await?.to_vec();
    let people: Vec<User> = state
        .store
        .staff_cached(office.id)
        .await?
        .iter()
        .filter(|u| u.active && permit::may_hold_work(u.role))
        .cloned()
        .collect();
    let today = office.today();
    let mut error = error;
    let mut status = StatusCode::OK;
    let query = match queue_query(&p, &office, &people, &rules, QUEUE_PAGE) {
        Ok(q) => q,
        Err(m) => {
            error = Some(m);
            status = StatusCode::BAD_REQUEST;
            queue_query(
                &QueueParams::default(),
                &office,
                &people,
                &rules,
                QUEUE_PAGE,
            )
            .map_err(|_| PageError::internal())?
        }
    };
    let page = state.store.queue(&who.viewer, &query).await?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let counts = state
        .store
        .queue_counts(&who.viewer, &office, &calendar, today)
        .await?;
    let rows = page
        .items
        .into_iter()
        .map(|i| row(i, &calendar, today, &rules))
        .collect();
    let base = view_query(&QueueParams {
        office: office.code.clone(),
        ..p.clone()
    });
    let next_href = page
        .next
        .map(|(due, id)| format!("/work?{base}&after_due={due}&after_id={id}"));
    let views = QueueView::ALL
        .into_iter()
        .filter(|v| *v != QueueView::Completed)
        .map(|v| {
            let n = match v {
                QueueView::Open => counts.open,
                QueueView::Mine => counts.mine,
                QueueView::Unassigned => counts.unassigned,
                QueueView::DueToday => counts.due_today,
                QueueView::Overdue => counts.overdue,
                QueueView::Waiting => counts.waiting,
                QueueView::Completed => 0,
            };
            (v, n)
        })
        .collect();
    let aging = AgeBucket::ALL
        .into_iter()
        .enumerate()
        .map(|(i, b)| (age_key(b), b.label(), counts.aging[i]))
        .collect();
    let saved = match who.viewer.actor.user_id {
        Some(id) => state.store.saved_views_cached(id).await?.to_vec(),
        None => Vec::new(),
    };
    let filter_query = view_query(&QueueParams {
        office: office.code.clone(),
        workload: p.workload.clone(),
        assignee: p.assignee.clone(),
        ..QueueParams::default()
    });
    let page = QueuePage {
        filter_query,
        chrome: Chrome::for_user(who, "Work", csrf, "/work")
            .with_error(error)
            .with_day_counts(&day_counts(state, who).await?),
        csv_href: format!("/work.csv?{base}"),
        query_string: base,
        view: query.view,
        params: QueueParams {
            office: office.code.clone(),
            ..p
        },
        office,
        offices,
        views,
        aging,
        rows,
        next_href,
        rules,
        people,
        saved,
        can_manage: permit::may_manage(who.role()),
        can_take: permit::may_hold_work(who.role()),
    };
    Ok((status, page))
}

pub async fn queue(
    PageRequest { state, who, csrf }: PageRequest,
    RawQuery(raw): RawQuery,
    Query(p): Query<QueueParams>,
) -> Result<Response, PageError> {
    crate::pages::audit_list_query(&state, &who, "work", raw.as_deref()).await?;
    let (status, page) = queue_page(&state, &who, csrf, p, None).await?;
    Ok(render_status(status, &page))
}

/// A list's filters for the audit log, as they were asked for (any number in them masked).
pub(crate) fn list_filters(raw: Option<&str>) -> serde_json::Value {
    serde_json::json!({ "query": worktrack_domain::mask_in_text(raw.unwrap_or("")) })
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be read as a formula by spreadsheets, and so would one after a
    // leading tab or carriage return (OWASP's list of CSV injection characters).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The whole view as CSV (every page, up to 100,000 rows).
pub async fn queue_csv(
    PageRequest { state, who, .. }: PageRequest,
    Query(p): Query<QueueParams>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &p.office).await?;
    let rules = state.store.workload_rules_cached(office.id).await?;
    let people = state.store.staff_cached(office.id).await?;
    let mut query = queue_query(&p, &office, &people, &rules, 1000)
        .map_err(|m| PageError::new(StatusCode::BAD_REQUEST, "Invalid view", m))?;
    let calendar = state.store.office_calendar_cached(&office).await?;
    let today = office.today();
    let mut out = String::from(
        "id,office,workload,title,priority,status,assignee,received_on,due_on,escalation,time_to_due,documents\r\n",
    );
    let mut rows = 0;
    loop {
        let page = state.store.queue(&who.viewer, &query).await?;
        for item in page.items {
            let r = row(item, &calendar, today, &rules);
            let i = &r.item;
            let fields = [
                i.id.to_string(),
                office.code.clone(),
                r.workload_name.clone(),
                i.title.clone(),
                i.priority.label().to_string(),
                i.status.label().to_string(),
                i.assignee.clone().unwrap_or_default(),
                i.received_on.clone(),
                i.due_on.clone(),
                r.escalation.label().to_string(),
                r.time_to_due.clone(),
                i.documents.to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
            rows += 1;
        }
        match page.next {
            Some(next) if rows < 100_000 => query.after = Some(next),
            _ => break,
        }
    }
    let name = format!("work-{}-{}-{}.csv", office.code, query.view.as_str(), today);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// The queue a form returns to, checked before the form changes anything: a line break or
/// other character a link cannot hold is refused, not carried into a `Location` header.
fn return_query(query: &str) -> Result<&str, PageError> {
    worktrack_domain::links::query_string(query).ok_or_else(|| {
        PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid form",
            "The form's return address holds a character a link cannot (a line break, a space or a backslash). Nothing was changed; go back to the queue and try again.",
        )
    })
}

/// Redirects back to a queue whose page shows `message` (a notice, or an error when `key` is
/// `"error"`).
fn back_to(state: &AppState, query: &str, key: &str, message: &str) -> Response {
    let to = format!("/work?{query}");
    if key == "error" {
        flash::redirect_error(state, &to, message)
    } else {
        flash::redirect(state, &to, message)
    }
}

#[derive(Deserialize)]
pub struct NextForm {
    #[serde(default)]
    back: String,
}

pub async fn next(
    PageRequest { state, who, .. }: PageRequest,
    Form(f): Form<NextForm>,
) -> Result<Response, PageError> {
    return_query(&f.back)?;
    match state.store.next_work(&who.viewer).await? {
        Some(item) => Ok(flash::redirect(
            &state,
            &format!("/work/{}", item.id),
            "This item is yours now and in progress.",
        )),
        None => Ok(back_to(
            &state,
            &f.back,
            "done",
            "There is no unassigned work you have the skills for. Well done.",
        )),
    }
}

/// `item` repeated once per ticked row.
pub async fn bulk_assign(
    PageRequest { state, who, .. }: PageRequest,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let back = get("back");
    return_query(&back)?;
    let ids: Result<Vec<i64>, _> = form
        .iter()
        .filter(|(k, _)| k == "item")
        .map(|(_, v)| v.parse::<i64>())
        .collect();
    let Ok(ids) = ids else {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "A work item number in the form is not a number.",
        ));
    };
    let assignee = get("assignee");
    if assignee.is_empty() {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "Choose whom to assign the ticked items to.",
        ));
    }
    let Ok(user) = state.store.user_by_username(&assignee).await else {
        return Ok(back_to(
            &state,
            &back,
            "error",
            "There is no such person to assign to.",
        ));
    };
    match state.store.assign_bulk(&who.viewer, &ids, user.id).await {
        Ok(n) => Ok(back_to(
            &state,
            &back,
            "done",
            &format!("{n} work item(s) assigned to {}.", user.display_name),
        )),
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => Ok(back_to(
            &state,
            &back,
            "error",
            &format!("Nothing was assigned: {m}"),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SaveViewForm {
    name: String,
    query: String,
}

pub async fn save_view(
    PageRequest { state, who, .. }: PageRequest,
    Form(f): Form<SaveViewForm>,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    return_query(&f.query)?;
    match state.store.save_view(uid, &f.name, &f.query).await {
        Ok(()) => Ok(back_to(
            &state,
            &f.query,
            "done",
            &format!("View \u{201c}{}\u{201d} saved.", f.name.trim()),
        )),
        Err(StoreError::Invalid(m)) => Ok(back_to(&state, &f.query, "error", &m)),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_view(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    state.store.delete_view(uid, id).await?;
    Ok(back_to(&state, "", "done", "Saved view removed."))
}

#[cfg(test)]
mod props {
    use super::csv_field;
    use proptest::prelude::*;

    /// A plain RFC 4180 reader: records end with CRLF, fields are split by commas, a quoted
    /// field may hold commas, quotes (doubled) and line breaks.
    fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                _ => field.push(c),
            }
        }
        records
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[=+@\t\r-]?[a-z,\"\r\n' ]{0,12}",
            "[=+@-](SUM|HYPERLINK|cmd)\\(A1\\)",
        ]
    }

    proptest! {
        /// Rows written and read back by an RFC 4180 reader give the same text, with a
        /// formula-leading cell neutralised by one quote in front and nothing else changed.
        #[test]
        fn cells_round_trip_and_formulas_are_neutralised(rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 1..4)) {
            let mut out = String::new();
            for row in &rows {
                out.push_str(&row.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            let read = read_csv(&out);
            prop_assert_eq!(read.len(), rows.len());
            for (written, back) in rows.iter().zip(&read) {
                prop_assert_eq!(back.len(), written.len());
                for (w, b) in written.iter().zip(back) {
                    let formula = w.starts_with(['=', '+', '-', '@', '\t', '\r']);
                    if formula {
                        prop_assert_eq!(b, &format!("'{w}"));
                    } else {
                        prop_assert_eq!(b, w);
                    }
                    prop_assert!(!b.starts_with(['=', '+', '-', '@', '\t', '\r']));
                }
            }
        }
    }
}
