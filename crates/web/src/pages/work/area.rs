//! The area director's side-by-side view of the offices.

use super::charts::{bar_chart, BarChart};
use super::working_office;
use crate::auth::PageRequest;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use askama::Template;
use axum::extract::RawQuery;
use axum::response::{IntoResponse, Redirect, Response};
use worktrack_domain::permit;
use worktrack_store::Office;

pub struct AreaRow {
    pub office: Office,
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
    pub completed: i64,
    pub staff: i64,
    pub open_per_staff: String,
    pub overdue_percent: String,
}

#[derive(Template)]
#[template(path = "area.html")]
pub struct AreaPage {
    pub chrome: Chrome,
    pub area: String,
    pub rows: Vec<AreaRow>,
    pub chart: BarChart,
}

pub async fn area(
    PageRequest { state, who, csrf }: PageRequest,
    RawQuery(_q): RawQuery,
) -> Result<Response, PageError> {
    if permit::works_from_national_figures(who.role()) {
        return Ok(Redirect::to("/national").into_response());
    }
    let (own, offices) = working_office(&state, &who, "").await?;
    let today = own.today();
    let since = today - time::Duration::days(7);
    let ids: Vec<i64> = offices.iter().map(|o| o.id).collect();
    let summaries = state.store.office_summaries(&ids, today, since).await?;
    let rows: Vec<AreaRow> = summaries
        .into_iter()
        .filter_map(|(id, open, overdue, due_today, completed, staff)| {
            let office = offices.iter().find(|o| o.id == id)?.clone();
            let staff = if staff > 0 { staff } else { office.headcount };
            Some(AreaRow {
                open_per_staff: if staff > 0 {
                    format!("{:.1}", open as f64 / staff as f64)
                } else {
                    "—".into()
                },
                overdue_percent: if open > 0 {
                    format!("{:.0}%", 100.0 * overdue as f64 / open as f64)
                } else {
                    "—".into()
                },
                office,
                open,
                overdue,
                due_today,
                completed,
                staff,
            })
        })
        .collect();
    let chart = bar_chart(
        "Open work items per staff member, by office",
        &rows
            .iter()
            .map(|r| {
                (
                    r.office.code.clone(),
                    if r.staff > 0 {
                        r.open as f64 / r.staff as f64
                    } else {
                        0.0
                    },
                )
            })
            .collect::<Vec<_>>(),
        "per person",
    );
    let page = AreaPage {
        chrome: Chrome::for_user(&who, "Area", csrf, "/area"),
        area: own.area.clone(),
        rows,
        chart,
    };
    render(&page)
}
