//! Analysts' aggregate views: national figures with one row per area, an area's figures with
//! one row per office, and the list of offices with their figures. Only counts of work and
//! documents per office, area or nation — never a person — and the small-group rule
//! (`domain::aggregate::hidden_parts`) hides the figures of any group of fewer than five staff,
//! along with whatever would let someone work them out by subtraction.

use super::{render, require, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use worktrack_domain::aggregate::{hidden_parts, may_show, Figures};
use worktrack_domain::work::AgeBucket;
use worktrack_store::{Office, WEEK_DAYS};

/// One row of figures, formatted; `None` where the small-group rule hides them.
pub struct Row {
    pub label: String,
    pub href: Option<String>,
    /// The office's name, on the offices list.
    pub name: Option<String>,
    /// The office's area and its page, on the offices list.
    pub area: Option<(String, String)>,
    pub cells: Option<Cells>,
}

pub struct Cells {
    pub offices: i64,
    pub open: i64,
    pub overdue: i64,
    pub overdue_percent: String,
    pub completed_week: i64,
    pub on_time_percent: String,
    pub documents_received: i64,
    pub auto_percent: String,
    pub aging: [i64; 4],
}

fn pct(p: Option<i64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
}

impl Cells {
    fn of(f: &Figures) -> Cells {
        Cells {
            offices: f.offices,
            open: f.open,
            overdue: f.overdue,
            overdue_percent: pct(f.overdue_percent()),
            completed_week: f.completed_week,
            on_time_percent: pct(f.on_time_percent()),
            documents_received: f.documents_received,
            auto_percent: pct(f.auto_percent()),
            aging: f.aging,
        }
    }
}

fn area_href(area: &str) -> String {
    format!(
        "/national/area?{}",
        serde_urlencoded::to_string([("name", area)]).unwrap_or_default()
    )
}

/// An area and its offices, each with its figures or hidden.
pub struct AreaFigures {
    pub name: String,
    pub figures: Option<Figures>,
    pub offices: Vec<(Office, Option<Figures>)>,
}

/// The country: its total (hidden when fewer than five staff in all) and its areas by name.
/// An area hidden in the national list hides all its offices too; within a shown area, offices
/// are hidden by the same rule among themselves. Then the national total minus the shown
/// offices or areas is always a group of at least five, or nobody.
pub struct Country {
    pub total: Option<Figures>,
    pub areas: Vec<AreaFigures>,
}

pub fn country(figures: Vec<(Office, Figures)>) -> Country {
    let mut by_area: BTreeMap<String, Vec<(Office, Figures)>> = BTreeMap::new();
    for (o, f) in figures {
        by_area.entry(o.area.clone()).or_default().push((o, f));
    }
    let sums: Vec<Figures> = by_area
        .values()
        .map(|offices| Figures::sum(offices.iter().map(|(_, f)| f)))
        .collect();
    let total = Figures::sum(&sums);
    let hidden_areas = hidden_parts(&sums.iter().map(|f| f.people).collect::<Vec<_>>());
    let areas = by_area
        .into_iter()
        .zip(sums)
        .zip(hidden_areas)
        .map(|(((name, offices), sum), area_hidden)| {
            let hidden_offices = if area_hidden {
                vec![true; offices.len()]
            } else {
                hidden_parts(&offices.iter().map(|(_, f)| f.people).collect::<Vec<_>>())
            };
            AreaFigures {
                name,
                figures: (!area_hidden).then_some(sum),
                offices: offices
                    .into_iter()
                    .zip(hidden_offices)
                    .map(|((o, f), h)| (o, (!h).then_some(f)))
                    .collect(),
            }
        })
        .collect();
    Country {
        total: may_show(total.people).then_some(total),
        areas,
    }
}

async fn load_country(state: &AppState) -> Result<Country, PageError> {
    let offices = state.store.offices_cached().await?;
    let figures = state.store.office_figures(&offices).await?;
    Ok(country(figures))
}

pub const HIDDEN_NOTE: &str =
    "Not shown: fewer than 5 staff, or it would reveal a group that small";

#[derive(Template)]
#[template(path = "national.html")]
pub struct NationalPage {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    pub total: Option<Cells>,
    pub first_column: &'static str,
    pub rows: Vec<Row>,
    pub caption: String,
    pub aging_labels: [&'static str; 4],
    pub week_days: i64,
    pub hidden_note: &'static str,
    pub back: Option<(String, String)>,
}

fn aging_labels() -> [&'static str; 4] {
    AgeBucket::ALL.map(AgeBucket::label)
}

/// `/national`: the country's figures and one row per area.
pub async fn national(
    PageRequest { state, who, csrf }: PageRequest,
) -> Result<Response, PageError> {
    require(who.role().may_see_aggregates(), "national figures")?;
    let c = load_country(&state).await?;
    let rows = c
        .areas
        .iter()
        .map(|a| Row {
            label: a.name.clone(),
            href: Some(area_href(&a.name)),
            name: None,
            area: None,
            cells: a.figures.as_ref().map(Cells::of),
        })
        .collect();
    render(&NationalPage {
        chrome: Chrome::for_user(&who, "National figures", csrf, "/national"),
        heading: "National figures".into(),
        intro: "Work and paper of every field office, added up. Figures are per office, area \
                or nation; none is about a person."
            .into(),
        total: c.total.as_ref().map(Cells::of),
        first_column: "Area",
        rows,
        caption: format!("{} areas", c.areas.len()),
        aging_labels: aging_labels(),
        week_days: WEEK_DAYS,
        hidden_note: HIDDEN_NOTE,
        back: None,
    })
}

#[derive(Deserialize)]
pub struct AreaQuery {
    #[serde(default)]
    name: String,
}

/// `/national/area?name=…`: one area's figures and one row per office.
pub async fn area(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    require(who.role().may_see_aggregates(), "area figures")?;
    let c = load_country(&state).await?;
    let area = c
        .areas
        .into_iter()
        .find(|a| a.name == q.name)
        .ok_or_else(PageError::not_found)?;
    let rows = area
        .offices
        .iter()
        .map(|(o, f)| Row {
            label: format!("{} — {}", o.code, o.name),
            href: None,
            name: None,
            area: None,
            cells: f.as_ref().map(Cells::of),
        })
        .collect();
    let title = format!("Area {}", area.name);
    render(&NationalPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/national"),
        heading: title.clone(),
        intro: "The area's work and paper, added up, and each of its offices.".into(),
        total: area.figures.as_ref().map(Cells::of),
        first_column: "Office",
        caption: format!("{} offices in area {}", area.offices.len(), area.name),
        rows,
        aging_labels: aging_labels(),
        week_days: WEEK_DAYS,
        hidden_note: HIDDEN_NOTE,
        back: Some(("/national".into(), "National figures".into())),
    })
}

#[derive(Template)]
#[template(path = "national_offices.html")]
pub struct OfficesPage {
    pub chrome: Chrome,
    pub rows: Vec<Row>,
    pub aging_labels: [&'static str; 4],
    pub week_days: i64,
    pub hidden_note: &'static str,
}

/// `/offices` for analysts: every office (code, name, area) with its figures.
pub async fn offices(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
) -> Result<Response, PageError> {
    let c = load_country(state).await?;
    let mut rows: Vec<Row> = c
        .areas
        .iter()
        .flat_map(|a| {
            a.offices.iter().map(|(o, f)| Row {
                label: o.code.clone(),
                href: None,
                name: Some(o.name.clone()),
                area: Some((a.name.clone(), area_href(&a.name))),
                cells: f.as_ref().map(Cells::of),
            })
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    render(&OfficesPage {
        chrome: Chrome::for_user(who, "Offices", csrf, "/offices"),
        rows,
        aging_labels: aging_labels(),
        week_days: WEEK_DAYS,
        hidden_note: HIDDEN_NOTE,
    })
}
