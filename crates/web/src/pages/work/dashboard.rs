//! The manager's dashboard: today's paper, open work, load per person, backlog and timeliness.

use super::charts::{bar_chart, column_chart, BarChart, ColumnChart};
use super::{parse_day, work_holders, working_office};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::pages::home::day_counts;
use crate::pages::{render, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Date;
use worktrack_domain::permit;
use worktrack_domain::Calendar;
use worktrack_store::{Load, Office, QueueCounts, User};

#[derive(Template)]
#[template(path = "work_dashboard.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub paper: (i64, i64, i64, i64),
    pub counts: QueueCounts,
    pub load_chart: BarChart,
    /// People with open work (the chart and its table show only them).
    pub load: Vec<Load>,
    /// Names of the people without open work.
    pub idle: Vec<String>,
    pub backlog_chart: ColumnChart,
    pub backlog: Vec<(String, Option<f64>)>,
    pub timeliness_chart: ColumnChart,
    pub timeliness: Vec<(String, String, String)>,
    pub people: Vec<User>,
    pub can_manage: bool,
    pub today: String,
}

/// Weeks shown on the dashboard.
const WEEKS: i64 = 8;

async fn dashboard_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<DashboardPage, PageError> {
    let (office, offices) = working_office(state, who, code).await?;
    let today = office.today();
    let calendar = state.store.office_calendar_cached(&office).await?;
    let paper = state.store.paper_today(office.id, today).await?;
    let counts = state
        .store
        .queue_counts(&who.viewer, &office, &calendar, today)
        .await?;
    let (load, idle): (Vec<Load>, Vec<Load>) = state
        .store
        .office_load(&office, today)
        .await?
        .into_iter()
        .partition(|l| l.open > 0);
    let idle = idle.into_iter().map(|l| l.name).collect();
    let load_chart = bar_chart(
        "Open work per person, weighted by effort",
        &load
            .iter()
            .map(|l| (l.name.clone(), l.effort))
            .collect::<Vec<_>>(),
        "effort",
    );
    // Backlog at the end of each of the last weeks, and completion on time per week.
    let start = today - time::Duration::weeks(WEEKS);
    let dates = state.store.office_item_dates(office.id, start).await?;
    let weeks = weekly_figures(&dates, today);
    let mut timeliness = weeks.timeliness;
    // Upload timeliness over the same weeks (the office's upload rule).
    let paper_rows = state
        .store
        .paper_rows(&office, &start.to_string(), &today.to_string())
        .await?;
    timeliness.push(upload_timeliness(&office, &calendar, &paper_rows));
    let people = work_holders(state, office.id).await?;
    Ok(DashboardPage {
        chrome: Chrome::for_user(
            who,
            &format!("Dashboard — {}", office.code),
            csrf,
            "/dashboard",
        )
        .with_notice(notice)
        .with_error(error)
        .with_day_counts(&day_counts(state, who).await?),
        paper,
        counts,
        load_chart,
        load,
        idle,
        backlog_chart: column_chart(
            "Open work items at the end of each week",
            &weeks.backlog,
            None,
        ),
        backlog: weeks.backlog,
        timeliness_chart: column_chart(
            "Percent of work completed by its due date, per week",
            &weeks.on_time,
            Some(100.0),
        ),
        timeliness,
        people,
        can_manage: permit::may_set_deadlines(who.role()),
        today: today.to_string(),
        office,
        offices,
    })
}

/// The dashboard's weekly figures, oldest week first.
struct Weeks {
    /// Open items at the end of each week (`None` before the office's first item).
    backlog: Vec<(String, Option<f64>)>,
    /// The percent completed on time each week (`None`: nothing was completed).
    on_time: Vec<(String, Option<f64>)>,
    /// The table's rows: week, "n of m", percent.
    timeliness: Vec<(String, String, String)>,
}

fn parse_iso(s: &str) -> Option<Date> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok()
}

/// Backlog and completion on time for each of the last [`WEEKS`] weeks up to `today`, from
/// the items' (received, due, completed, status).
fn weekly_figures(dates: &[(String, String, Option<String>, String)], today: Date) -> Weeks {
    let first_received = dates
        .iter()
        .filter_map(|(rec, _, _, _)| parse_day(rec))
        .min();
    let parse = parse_iso;
    let mut weeks = Weeks {
        backlog: Vec::new(),
        on_time: Vec::new(),
        timeliness: Vec::new(),
    };
    for w in (0..WEEKS).rev() {
        let end = today - time::Duration::weeks(w);
        let begin = end - time::Duration::days(6);
        let open_at_end = dates
            .iter()
            .filter(|(rec, _, done, _)| {
                parse(rec).is_some_and(|r| r <= end)
                    && done.as_deref().and_then(parse).is_none_or(|d| d > end)
            })
            .count();
        let label = format!("{:02}-{:02}", u8::from(end.month()), end.day());
        // Before the office's first item there is no backlog to speak of: a gap, not a zero.
        let known = first_received.is_some_and(|f| f <= end);
        weeks
            .backlog
            .push((label.clone(), known.then_some(open_at_end as f64)));
        let completed: Vec<_> = dates
            .iter()
            .filter(|(_, _, done, status)| {
                status == "completed"
                    && done
                        .as_deref()
                        .and_then(parse)
                        .is_some_and(|d| d >= begin && d <= end)
            })
            .collect();
        let on_time = completed
            .iter()
            .filter(|(_, due, done, _)| done.as_deref() <= Some(due.as_str()))
            .count();
        let pct = if completed.is_empty() {
            None
        } else {
            Some(100.0 * on_time as f64 / completed.len() as f64)
        };
        weeks.on_time.push((label.clone(), pct));
        weeks.timeliness.push((
            label,
            format!("{on_time} of {}", completed.len()),
            pct.map(|p| format!("{p:.0}%"))
                .unwrap_or_else(|| "—".into()),
        ));
    }
    weeks
}

/// The timeliness table's row for the office's upload rule over the dashboard's weeks.
fn upload_timeliness(
    office: &Office,
    calendar: &Calendar,
    paper_rows: &[worktrack_store::PaperRow],
) -> (String, String, String) {
    let uploads_on_time = paper_rows
        .iter()
        .filter(
            |r| match (parse_iso(&r.received_on), parse_iso(&r.uploaded_on)) {
                (Some(rec), Some(up)) => {
                    i64::from(calendar.business_days_between(rec, up)) <= office.upload_within_days
                }
                _ => false,
            },
        )
        .count();
    (
        format!(
            "uploads within {} business day(s), last {WEEKS} weeks",
            office.upload_within_days
        ),
        format!("{uploads_on_time} of {}", paper_rows.len()),
        if paper_rows.is_empty() {
            "—".into()
        } else {
            format!(
                "{:.0}%",
                100.0 * uploads_on_time as f64 / paper_rows.len() as f64
            )
        },
    )
}

#[derive(Deserialize, Default)]
pub struct DashParams {
    #[serde(default)]
    pub(super) office: String,
}

pub async fn dashboard(
    PageRequest { state, who, csrf }: PageRequest,
    Query(p): Query<DashParams>,
) -> Result<Response, PageError> {
    if permit::works_from_national_figures(who.role()) {
        return Ok(Redirect::to("/national").into_response());
    }
    let page = dashboard_page(&state, &who, csrf, &p.office, None, None).await?;
    render(&page)
}
