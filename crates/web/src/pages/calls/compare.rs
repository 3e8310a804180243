//! Two periods of an office side by side: each figure in both, the change in answer rate in
//! points with its test and interval, the change in speed of answer, the daily answer rate
//! and the calls by hour as charts with tables, and the same as CSV.

use super::charts::{pair_columns, rate_lines, LineChart, PairChart};
use super::{formula_of, formula_options, formula_value, parse_day, queue_of, show};
use crate::auth::PageRequest;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::{Date, Duration};
use worktrack_domain::calls::access;
use worktrack_domain::calls::compare::Comparison;
use worktrack_domain::calls::metrics::{Figures, ServiceLevelFormula};
use worktrack_store::calls::CallComparison;
use worktrack_store::{Office, StoreError, Viewer};

/// The significance level the pages and the CSV state whether a change passes (5%).
pub const ALPHA: f64 = 0.05;

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    #[serde(default)]
    pub first_from: String,
    #[serde(default)]
    pub first_to: String,
    #[serde(default)]
    pub second_from: String,
    #[serde(default)]
    pub second_to: String,
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub formula: String,
}

/// Two periods, each from its first to its last day.
pub type Periods = ((Date, Date), (Date, Date));

/// The periods asked for: the second defaults to the four weeks to `today`, the first to the
/// same number of days just before the second.
fn periods(q: &CompareQuery, today: Date) -> Result<Periods, String> {
    let second_to = parse_day("second_to", &q.second_to)?.unwrap_or(today);
    let second_from = parse_day("second_from", &q.second_from)?
        .unwrap_or(second_to - Duration::days(super::DEFAULT_DAYS - 1));
    let length = (second_to - second_from).whole_days().max(0);
    let first_to = parse_day("first_to", &q.first_to)?.unwrap_or(second_from - Duration::days(1));
    let first_from =
        parse_day("first_from", &q.first_from)?.unwrap_or(first_to - Duration::days(length));
    Ok(((first_from, first_to), (second_from, second_to)))
}

/// An office's calls in the two periods a query asks for.
pub(crate) struct Compared {
    pub office: Office,
    pub periods: Periods,
    /// The formula the query names (`None`: the office's own).
    pub formula: Option<ServiceLevelFormula>,
    /// The one queue the query names (`None`: all).
    pub queue: Option<String>,
    pub calls: CallComparison,
}

/// Why a comparison was not made: the query's own mistake (its message), or the store's answer
/// (no such office, not allowed, a failure).
pub(crate) enum CompareError {
    Invalid(String),
    Store(StoreError),
}

impl From<StoreError> for CompareError {
    fn from(e: StoreError) -> CompareError {
        CompareError::Store(e)
    }
}

impl From<CompareError> for PageError {
    fn from(e: CompareError) -> PageError {
        match e {
            CompareError::Invalid(m) => PageError::invalid(m),
            CompareError::Store(e) => e.into(),
        }
    }
}

/// The office `code` names and its calls compared over the periods `q` asks for.
pub(crate) async fn compared(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    q: &CompareQuery,
) -> Result<Compared, CompareError> {
    let office = state.store.office_by_code(code).await?;
    let periods = periods(q, office.today()).map_err(CompareError::Invalid)?;
    let formula = formula_of(&q.formula).map_err(CompareError::Invalid)?;
    let queue = queue_of(&q.queue);
    let calls = state
        .store
        .compare_calls(
            viewer,
            &office,
            periods.0,
            periods.1,
            queue.as_deref(),
            formula,
        )
        .await?;
    Ok(Compared {
        office,
        periods,
        formula,
        queue,
        calls,
    })
}

/// The answer rate of each day of `period` (day 1 first), `None` for a day without calls.
fn day_rates(c: &CallComparison, index: u8, period: (Date, Date)) -> Vec<(Date, Option<f64>)> {
    let days = (period.1 - period.0).whole_days().max(0) + 1;
    (0..days)
        .map(|i| {
            let d = period.0 + Duration::days(i);
            let key = d.to_string();
            let rate = c
                .daily
                .iter()
                .find(|r| r.period == index && r.day == key)
                .and_then(|r| r.answer_rate);
            (d, rate)
        })
        .collect()
}

/// The change in answer rate as the pages write it.
pub struct Change {
    pub points: String,
    pub z: String,
    pub p_value: String,
    pub ci95: String,
    pub verdict: String,
}

/// Points with a sign (`+6.9`).
fn points(v: f64) -> String {
    format!("{v:+.1}")
}

fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

fn change(c: &Comparison) -> Change {
    let significant = c.significant(ALPHA).unwrap_or(false);
    Change {
        points: format!("{} points", points(c.difference_points)),
        z: c.test
            .map(|t| format!("{:.2}", t.z))
            .unwrap_or_else(|| "none (every call was answered, or none was)".into()),
        p_value: c
            .test
            .map(|t| p_value(t.p_value))
            .unwrap_or_else(|| "none".into()),
        ci95: format!(
            "{} to {} points",
            points(c.ci95_points.0),
            points(c.ci95_points.1)
        ),
        verdict: if significant {
            format!("The change is larger than chance would give: the p-value is below {ALPHA}.")
        } else {
            format!("The change could be chance: the p-value is not below {ALPHA}.")
        },
    }
}

/// One figure in both periods.
pub struct Side {
    pub name: &'static str,
    pub first: String,
    pub second: String,
    pub formula: &'static str,
    pub edge_cases: &'static str,
}

fn sides(a: &Figures, b: &Figures) -> Vec<Side> {
    a.rows()
        .into_iter()
        .zip(b.rows())
        .map(|(x, y)| Side {
            name: x.definition.name,
            first: show(x.metric, x.value),
            second: show(y.metric, y.value),
            formula: x.definition.formula,
            edge_cases: x.definition.edge_cases,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "calls_compare.html")]
pub struct ComparePage {
    pub chrome: Chrome,
    pub office: Office,
    pub q: CompareQuery,
    pub first_label: String,
    pub second_label: String,
    pub queues: Vec<String>,
    pub formula: String,
    pub formulas: Vec<(String, &'static str)>,
    pub sides: Vec<Side>,
    pub change: Option<Change>,
    pub asa_change: String,
    pub rate_chart: LineChart,
    pub hour_chart: PairChart,
    /// Day number, first period's day and rate, second's.
    pub days: Vec<(usize, String, String, String, String)>,
    /// Hour, first period's calls, second's.
    pub hours: Vec<(String, String, String)>,
    pub csv_href: String,
    pub may_import: bool,
    pub may_see_agents: bool,
}

/// The query string of a comparison (for its CSV link).
fn query_string(p: Periods, queue: &str, formula: &str) -> String {
    let mut pairs = vec![
        ("first_from", p.0 .0.to_string()),
        ("first_to", p.0 .1.to_string()),
        ("second_from", p.1 .0.to_string()),
        ("second_to", p.1 .1.to_string()),
    ];
    if !queue.is_empty() {
        pairs.push(("queue", queue.to_string()));
    }
    if !formula.is_empty() {
        pairs.push(("formula", formula.to_string()));
    }
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn label(p: (Date, Date)) -> String {
    format!("{} to {}", p.0, p.1)
}

/// The calls by hour of the day in both periods as pairs of columns, the busiest hour of each
/// in the description.
fn hour_chart(c: &CallComparison, first_label: &str, second_label: &str) -> PairChart {
    let hour_counts: Vec<(String, u64, u64)> = c
        .hourly
        .iter()
        .map(|h| (h.hour.to_string(), h.first, h.second))
        .collect();
    let busiest = |pick: fn(&(String, u64, u64)) -> u64| {
        hour_counts
            .iter()
            .max_by_key(|h| pick(h))
            .map(|h| format!("{}:00", h.0))
            .unwrap_or_else(|| "none".into())
    };
    pair_columns(
        "chart-hourly-calls",
        "Calls by hour of the day, both periods",
        &format!(
            "Calls that entered the queue in each hour on the office's clock, first period \
             ({first_label}) in grey, second ({second_label}) in blue. Busiest hour: {} in the \
             first, {} in the second. The table below gives every hour's figure.",
            busiest(|h| h.1),
            busiest(|h| h.2)
        ),
        &hour_counts,
    )
}

pub async fn compare(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, PageError> {
    let Compared {
        office,
        periods: p,
        formula,
        queue,
        calls: c,
    } = compared(&state, &who.viewer, &code, &q).await?;
    // The queues to choose from: those with calls in either period.
    let from = p.0 .0.min(p.1 .0);
    let to = p.0 .1.max(p.1 .1);
    let queues = state
        .store
        .call_figures(
            &who.viewer,
            &office,
            &worktrack_store::calls::CallQuery {
                from,
                to,
                queue: None,
                formula,
            },
            worktrack_store::calls::Grouping::Queue,
        )
        .await
        .map(|f| f.queues)
        .unwrap_or_default();
    let first_days = day_rates(&c, 0, p.0);
    let second_days = day_rates(&c, 1, p.1);
    let (first_label, second_label) = (label(p.0), label(p.1));
    let rates = |d: &[(Date, Option<f64>)]| d.iter().map(|(_, r)| *r).collect::<Vec<_>>();
    let (a_rates, b_rates) = (rates(&first_days), rates(&second_days));
    let answer_rate = |f: &Figures| super::percent(f.answer_rate);
    let rate_chart = rate_lines(
        "chart-daily-rate",
        "Answer rate by day, both periods",
        &format!(
            "Each day's answer rate from 0 to 100%, day 1 of each period at the left. First \
             period ({first_label}, dashed line): {} over the period. Second period \
             ({second_label}, solid line): {}. The table below gives every day's figure.",
            answer_rate(&c.first),
            answer_rate(&c.second)
        ),
        [
            (first_label.as_str(), &a_rates),
            (second_label.as_str(), &b_rates),
        ],
    );
    let hour_chart = hour_chart(&c, &first_label, &second_label);
    let n = first_days.len().max(second_days.len());
    let day_cell = |d: &[(Date, Option<f64>)], i: usize| match d.get(i) {
        Some((day, rate)) => (day.to_string(), super::percent(*rate)),
        None => (String::new(), String::new()),
    };
    let days = (0..n)
        .map(|i| {
            let (a, ar) = day_cell(&first_days, i);
            let (b, br) = day_cell(&second_days, i);
            (i + 1, a, ar, b, br)
        })
        .collect();
    let hours = c
        .hourly
        .iter()
        .map(|h| {
            (
                format!("{:02}:00", h.hour),
                super::thousands(h.first),
                super::thousands(h.second),
            )
        })
        .collect();
    let role = who.role();
    let title = format!("Phone figures compared — {}", office.code);
    let chosen = formula_value(c.settings.formula());
    let page = ComparePage {
        chrome: Chrome::for_user(&who, &title, csrf, "/calls"),
        csv_href: format!(
            "/offices/{}/calls/compare.csv?{}",
            office.code,
            query_string(p, queue.as_deref().unwrap_or(""), &q.formula)
        ),
        q: CompareQuery {
            first_from: p.0 .0.to_string(),
            first_to: p.0 .1.to_string(),
            second_from: p.1 .0.to_string(),
            second_to: p.1 .1.to_string(),
            queue: queue.unwrap_or_default(),
            formula: q.formula,
        },
        first_label,
        second_label,
        queues,
        formula: chosen,
        formulas: formula_options(),
        sides: sides(&c.first, &c.second),
        change: c.comparison.as_ref().map(change),
        asa_change: c
            .comparison
            .and_then(|x| x.asa_difference_secs)
            .map(|s| format!("{s:+.1} s"))
            .unwrap_or_else(|| "none (a period without answered calls)".into()),
        rate_chart,
        hour_chart,
        days,
        hours,
        may_import: access::may_import_calls(role, &who.viewer.scope, office.id),
        may_see_agents: access::may_read_agent_figures(role, &who.viewer.scope, office.id),
        office,
    };
    render(&page)
}

/// The comparison as CSV: one line per figure (each period's value and the second's minus the
/// first's), the test, then each day's answer rate and each hour's calls. Rates are fractions
/// from 0 to 1, times in seconds, blank where there is nothing to divide by.
pub(crate) fn comparison_csv(p: Periods, c: &CallComparison) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    w.write_record(["measure", "first_period", "second_period", "difference"])?;
    w.write_record(["period", &label(p.0), &label(p.1), ""])?;
    for (a, b) in c.first.rows().into_iter().zip(c.second.rows()) {
        let diff = match (a.value, b.value) {
            (Some(x), Some(y)) => Some(y - x),
            _ => None,
        };
        w.write_record([a.definition.name, &num(a.value), &num(b.value), &num(diff)])?;
    }
    if let Some(x) = &c.comparison {
        w.write_record([
            "Answer rate change (points)",
            "",
            "",
            &format!("{}", x.difference_points),
        ])?;
        w.write_record(["z", "", "", &num(x.test.map(|t| t.z))])?;
        w.write_record([
            "p-value (two-sided)",
            "",
            "",
            &num(x.test.map(|t| t.p_value)),
        ])?;
        w.write_record([
            "95% interval, low (points)",
            "",
            "",
            &format!("{}", x.ci95_points.0),
        ])?;
        w.write_record([
            "95% interval, high (points)",
            "",
            "",
            &format!("{}", x.ci95_points.1),
        ])?;
    }
    let first = day_rates(c, 0, p.0);
    let second = day_rates(c, 1, p.1);
    for i in 0..first.len().max(second.len()) {
        let rate = |d: &[(Date, Option<f64>)]| num(d.get(i).and_then(|x| x.1));
        w.write_record([
            &format!("Answer rate, day {}", i + 1),
            &rate(&first),
            &rate(&second),
            "",
        ])?;
    }
    for h in &c.hourly {
        w.write_record([
            &format!("Calls offered, {:02}:00", h.hour),
            &h.first.to_string(),
            &h.second.to_string(),
            &(i128::from(h.second) - i128::from(h.first)).to_string(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The comparison as a CSV download named for the office and the periods.
pub(crate) fn csv_response(c: &Compared) -> Result<Response, csv::Error> {
    let (office, p) = (&c.office, c.periods);
    let body = comparison_csv(p, &c.calls)?;
    let name = format!(
        "calls-{}-{}-{}-vs-{}-{}.csv",
        office.code, p.0 .0, p.0 .1, p.1 .0, p.1 .1
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn compare_csv(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, PageError> {
    let c = compared(&state, &who.viewer, &code, &q).await?;
    csv_response(&c).map_err(|_| PageError::internal())
}
