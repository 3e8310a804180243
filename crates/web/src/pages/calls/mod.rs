//! The phone service's pages: an office's phone figures (`figures`), two periods compared
//! with their charts and CSV (`compare`), the import of the phone system's records with each
//! import's report and the office's limits (`import`), the agents mapped to employees with
//! their own figures (`agents`), and every office side by side (`offices`). Every figure is
//! shown with its definition as the domain states it; who may see what is the store's to say.

mod agents;
pub(crate) mod charts;
pub(crate) mod compare;
pub(crate) mod figures;
pub(crate) mod import;
mod offices;

use crate::error::PageError;
use crate::routes::{get, post, Table};
use crate::state::AppState;
use time::{Date, Duration};
use worktrack_domain::calls::metrics::{Figures, Metric, ServiceLevelFormula};
use worktrack_store::calls::{parse_formula, Grouping};
use worktrack_store::Office;

pub fn routes() -> Table {
    Table::new()
        .route("/calls", get(offices::offices))
        .route("/offices/{code}/calls", get(figures::figures))
        .route("/offices/{code}/calls/compare", get(compare::compare))
        .route(
            "/offices/{code}/calls/compare.csv",
            get(compare::compare_csv),
        )
        .route(
            "/offices/{code}/calls/import",
            get(import::import_page)
                .or(post(import::import)
                    .map(|r| r.layer(axum::extract::DefaultBodyLimit::disable()))),
        )
        .route("/offices/{code}/calls/settings", post(import::settings))
        .route("/offices/{code}/calls/layouts", post(import::save_layout))
        .route(
            "/offices/{code}/calls/agents",
            get(agents::agents).post(agents::map),
        )
}

/// Days a period shows when none is asked for (four weeks to today).
pub const DEFAULT_DAYS: i64 = 28;

/// The office named in the address (not found when there is none; what the viewer may see of
/// it is the store's to decide).
pub(crate) async fn office(state: &AppState, code: &str) -> Result<Office, PageError> {
    Ok(state.store.office_by_code(code).await?)
}

/// A `YYYY-MM-DD` date from a form or query, `None` when empty.
pub(crate) fn parse_day(field: &str, s: &str) -> Result<Option<Date>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE)
        .map(Some)
        .map_err(|_| format!("{field}: give a date as YYYY-MM-DD, such as 2026-03-02"))
}

/// The period `from`–`to` asked for: `to` defaults to `today`, `from` to [`DEFAULT_DAYS`]
/// days ending on `to`. Its length is checked by the store.
pub(crate) fn period(
    names: (&str, &str),
    from: &str,
    to: &str,
    today: Date,
) -> Result<(Date, Date), String> {
    let to = parse_day(names.1, to)?.unwrap_or(today);
    let from = parse_day(names.0, from)?.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    Ok((from, to))
}

/// The service-level formula asked for (`None`: the office's own).
pub(crate) fn formula_of(s: &str) -> Result<Option<ServiceLevelFormula>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_formula(s).map(Some).ok_or_else(|| {
        format!(
            "formula: use {}",
            FORMULAS
                .iter()
                .map(|f| formula_value(*f))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    })
}

/// The breakdown asked for (by day when none is).
pub(crate) fn grouping_of(s: &str) -> Result<Grouping, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(Grouping::Day);
    }
    Grouping::parse(s).ok_or_else(|| {
        format!(
            "group: use {}",
            Grouping::ALL.map(|g| g.as_str()).join(", ")
        )
    })
}

/// The queue asked for (`None`: all queues).
pub(crate) fn queue_of(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|q| !q.is_empty())
}

/// The two service-level formulas, in the order the forms offer them.
pub(crate) const FORMULAS: [ServiceLevelFormula; 2] = [
    ServiceLevelFormula::OverOffered,
    ServiceLevelFormula::OverAnsweredAndLateAbandons,
];

/// A formula's name in addresses and the API (`over_offered`).
pub(crate) fn formula_value(f: ServiceLevelFormula) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The choices of a formula field: (value, the figure's name), the office's own first.
pub(crate) fn formula_options() -> Vec<(String, &'static str)> {
    FORMULAS
        .iter()
        .map(|f| {
            (
                formula_value(*f),
                Metric::ServiceLevel(*f).definition().name,
            )
        })
        .collect()
}

/// `n` with thousands separated by commas (`444,494`).
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    // The first group holds what is left over from groups of three.
    let lead = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        r => r,
    };
    let (first, rest) = digits.split_at(lead);
    let mut out = first.to_string();
    for group in rest.as_bytes().chunks(3) {
        out.push(',');
        out.push_str(&String::from_utf8_lossy(group));
    }
    out
}

/// A fraction as a percentage with one decimal (`85.2%`), or "none".
pub(crate) fn percent(v: Option<f64>) -> String {
    v.map(|p| format!("{:.1}%", p * 100.0))
        .unwrap_or_else(|| "none".into())
}

/// Seconds with one decimal (`12.5 s`), or "none".
pub(crate) fn seconds(v: Option<f64>) -> String {
    v.map(|s| format!("{s:.1} s"))
        .unwrap_or_else(|| "none".into())
}

/// A figure's value as the pages write it: counts whole, rates as percentages, times in
/// seconds; "none" when there was nothing to divide by.
pub(crate) fn show(metric: Metric, value: Option<f64>) -> String {
    match metric {
        Metric::Offered | Metric::Answered | Metric::NotThrough => value
            .map(|v| thousands(v.max(0.0).round() as u64))
            .unwrap_or_else(|| "none".into()),
        Metric::AnswerRate | Metric::AbandonmentRate | Metric::ServiceLevel(_) => percent(value),
        Metric::AverageSpeedOfAnswer | Metric::AverageTalk | Metric::AverageHold => seconds(value),
        Metric::CallsPerAgentHour => value
            .map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| "none".into()),
        Metric::TalkPerAgentHour => value
            .map(|v| format!("{v:.1} min"))
            .unwrap_or_else(|| "none".into()),
    }
}

/// One line of a figures table: the figure's name, its value as written, its definition.
pub struct FigureLine {
    pub name: &'static str,
    pub value: String,
    pub formula: &'static str,
    pub edge_cases: &'static str,
}

/// The lines of a figures table, in the domain's order.
pub(crate) fn lines(f: &Figures) -> Vec<FigureLine> {
    f.rows()
        .into_iter()
        .map(|r| FigureLine {
            name: r.definition.name,
            value: show(r.metric, r.value),
            formula: r.definition.formula,
            edge_cases: r.definition.edge_cases,
        })
        .collect()
}

/// The figures' names, for a table's head (the domain's order).
pub(crate) fn headings(f: &Figures) -> Vec<&'static str> {
    f.rows().into_iter().map(|r| r.definition.name).collect()
}

/// The figures' values as written, in the order of [`headings`].
pub(crate) fn values(f: &Figures) -> Vec<String> {
    f.rows()
        .into_iter()
        .map(|r| show(r.metric, r.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_as_people_read_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(444_494), "444,494");
        assert_eq!(thousands(1_602_848), "1,602,848");
        assert_eq!(show(Metric::AnswerRate, Some(0.852)), "85.2%");
        assert_eq!(show(Metric::Offered, Some(521_742.0)), "521,742");
        assert_eq!(show(Metric::AverageSpeedOfAnswer, Some(31.25)), "31.2 s");
        assert_eq!(show(Metric::AbandonmentRate, None), "none");
        assert_eq!(formula_of("").unwrap(), None);
        assert_eq!(
            formula_of("over_answered_and_late_abandons").unwrap(),
            Some(ServiceLevelFormula::OverAnsweredAndLateAbandons)
        );
        assert!(formula_of("fast").unwrap_err().contains("over_offered"));
        assert_eq!(grouping_of("").unwrap(), Grouping::Day);
        assert!(grouping_of("month").is_err());
        let today = time::macros::date!(2026 - 03 - 31);
        assert_eq!(
            period(("from", "to"), "", "", today).unwrap(),
            (time::macros::date!(2026 - 03 - 04), today)
        );
        assert!(period(("from", "to"), "2026-02-30", "", today)
            .unwrap_err()
            .starts_with("from:"));
    }
}
