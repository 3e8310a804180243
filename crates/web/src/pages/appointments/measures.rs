//! The measures of an office's appointment book, for its managers, the area's director and
//! auditors: time to the next free phone, video and in-person slot, bookings per day, the
//! no-show rate and each channel's share, each with its definition beside it, with charts.
//! Counts only: no claimant and no employee is named.

use super::{day_bounds, day_label, office_zone};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::pages::work::charts::{bar_chart, column_chart, BarChart, ColumnChart};
use crate::pages::work::working_office;
use crate::pages::{render, require, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use time::Duration;
use worktrack_domain::appointment_measures::{
    bookings_per_day, channel_shares, hours_until, may_oversee, no_show_rate, Booking,
};
use worktrack_store::{local_label, Office};

/// Days the outcome figures look back over.
pub const PERIOD_DAYS: i64 = 28;
/// Days the bookings-per-day chart shows.
pub const CHART_DAYS: i64 = 14;

/// One office's headline figures.
pub struct OfficeFigures {
    pub office: Office,
    /// Per channel: its label, hours to the next free slot (and when), if any.
    pub next: Vec<(&'static str, Option<(f64, String)>)>,
    pub booked: usize,
    /// The no-show rate in words (a dash when nothing counts).
    pub no_show: String,
    /// Per channel: label, count, share in percent (and in words).
    pub shares: Vec<(&'static str, u64, Option<f64>, String)>,
    /// Per day: its label, its short label (the chart's), bookings.
    pub per_day: Vec<(String, String, u64)>,
}

#[derive(Template)]
#[template(path = "appointment_measures.html")]
pub struct MeasuresPage {
    pub chrome: Chrome,
    pub offices: Vec<Office>,
    pub figures: OfficeFigures,
    pub next_chart: BarChart,
    pub day_chart: ColumnChart,
    pub share_chart: BarChart,
    /// The area's offices side by side (directors and auditors with several offices).
    pub area: Vec<OfficeFigures>,
    pub period_days: i64,
}

#[derive(Deserialize)]
pub struct MeasuresQuery {
    #[serde(default)]
    office: String,
}

/// Percent with one decimal, or a dash when there is nothing to count.
pub fn pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
}

async fn office_figures(
    state: &AppState,
    who: &SignedIn,
    office: Office,
) -> Result<OfficeFigures, PageError> {
    let tz = office_zone(&office)?;
    let now = worktrack_store::now_ms();
    let today = office.today();
    let first = today - Duration::days(PERIOD_DAYS - 1);
    let (from, _) = day_bounds(tz, first);
    let (_, to) = day_bounds(tz, today);
    let all = state
        .store
        .appointment_bookings(&who.viewer, office.id, from, to)
        .await?;
    let held: Vec<Booking> = all
        .iter()
        .filter(|b| b.start_ms >= from && b.start_ms < now)
        .copied()
        .collect();
    let booked: Vec<Booking> = all
        .iter()
        .filter(|b| b.created_ms >= from && b.created_ms < to)
        .copied()
        .collect();
    let next = state
        .store
        .next_free_by_channel(&who.viewer, office.id)
        .await?
        .into_iter()
        .map(|(c, best)| {
            (
                c.label(),
                best.map(|(_, s)| (hours_until(now, s.start_ms), local_label(tz, s.start_ms))),
            )
        })
        .collect();
    let chart_first = today - Duration::days(CHART_DAYS - 1);
    Ok(OfficeFigures {
        next,
        booked: booked.len(),
        no_show: pct(no_show_rate(&held)),
        shares: channel_shares(&booked)
            .into_iter()
            .map(|(c, n, p)| (c.label(), n, p, pct(p)))
            .collect(),
        per_day: bookings_per_day(&booked, tz, chart_first, today)
            .into_iter()
            .map(|(d, n)| (day_label(d), d.day().to_string(), n))
            .collect(),
        office,
    })
}

pub async fn measures(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<MeasuresQuery>,
) -> Result<Response, PageError> {
    let (office, offices) = working_office(&state, &who, &q.office).await?;
    require(
        may_oversee(who.role()),
        "seeing the appointment measures (managers and area directors see them)",
    )?;
    let figures = office_figures(&state, &who, office).await?;
    let mut area = Vec::new();
    if offices.len() > 1 && offices.len() <= 12 {
        for o in &offices {
            area.push(office_figures(&state, &who, o.clone()).await?);
        }
    }
    let next_bars: Vec<(String, f64)> = figures
        .next
        .iter()
        .filter_map(|(c, n)| n.as_ref().map(|(h, _)| (c.to_string(), *h)))
        .collect();
    let day_cols: Vec<(String, Option<f64>)> = figures
        .per_day
        .iter()
        .map(|(_, short, n)| (short.clone(), Some(*n as f64)))
        .collect();
    let share_bars: Vec<(String, f64)> = figures
        .shares
        .iter()
        .map(|(c, _, p, _)| (c.to_string(), p.unwrap_or(0.0)))
        .collect();
    let title = format!("Appointment measures — {}", figures.office.code);
    let page = MeasuresPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/appointments"),
        next_chart: bar_chart("Hours to the next free slot, by channel", &next_bars, "h"),
        day_chart: column_chart("Appointments booked per day", &day_cols, None),
        share_chart: bar_chart("Share of appointments by channel", &share_bars, "%"),
        offices,
        figures,
        area,
        period_days: PERIOD_DAYS,
    };
    render(&page)
}
