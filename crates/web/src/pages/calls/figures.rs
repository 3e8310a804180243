//! An office's phone figures over a period: the totals with each figure's definition, the
//! breakdown by queue, day, week or hour, and the answered calls by where they were served
//! from (office or telework).

use super::{
    formula_of, formula_options, formula_value, grouping_of, headings, lines, office, period,
    queue_of, values, FigureLine,
};
use crate::auth::PageRequest;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::calls::access;
use worktrack_domain::calls::metrics::{Metric, ServedFrom};
use worktrack_store::calls::{CallQuery, Grouping};
use worktrack_store::Office;

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub formula: String,
}

/// Answered calls served from one place.
pub struct ModeLine {
    pub label: &'static str,
    pub answered: String,
    pub asa: String,
    pub talk: String,
}

#[derive(Template)]
#[template(path = "calls.html")]
pub struct FiguresPage {
    pub chrome: Chrome,
    pub office: Office,
    pub from: String,
    pub to: String,
    pub queue: String,
    pub group: &'static str,
    pub formula: String,
    pub queues: Vec<String>,
    pub groups: Vec<(&'static str, &'static str)>,
    pub formulas: Vec<(String, &'static str)>,
    pub total: Vec<FigureLine>,
    pub group_label: &'static str,
    pub head: Vec<&'static str>,
    pub breakdown: Vec<(String, Vec<String>)>,
    pub by_mode: Vec<ModeLine>,
    pub mode_answered: &'static str,
    pub mode_asa: &'static str,
    pub mode_talk: &'static str,
    pub may_import: bool,
    pub may_see_agents: bool,
    pub service_level_secs: i64,
    pub short_abandon_secs: Option<i64>,
}

/// What a place calls were served from is called on the pages.
pub(crate) fn served_from_label(s: ServedFrom) -> &'static str {
    match s {
        ServedFrom::Office => "Office",
        ServedFrom::Telework => "Telework",
        ServedFrom::Unknown => "Not known",
    }
}

/// The calls a figures query asks to count and how to group them, read against the office:
/// `[from, to, queue, group, formula]` as the query writes them (each may be empty).
pub(crate) fn asked(office: &Office, q: [&str; 5]) -> Result<(CallQuery, Grouping), String> {
    let [from, to, queue, group, formula] = q;
    let (from, to) = period(("from", "to"), from, to, office.today())?;
    let query = CallQuery {
        from,
        to,
        queue: queue_of(queue),
        formula: formula_of(formula)?,
    };
    Ok((query, grouping_of(group)?))
}

pub async fn figures(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let (query, grouping) = asked(&office, [&q.from, &q.to, &q.queue, &q.group, &q.formula])
        .map_err(PageError::invalid)?;
    let (from, to) = (query.from, query.to);
    let figures = state
        .store
        .call_figures(&who.viewer, &office, &query, grouping)
        .await?;
    let by_mode = state
        .store
        .call_figures_by_mode(&who.viewer, &office, from, to)
        .await?;
    let role = who.role();
    let title = format!("Phone figures — {}", office.code);
    let page = FiguresPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/calls"),
        from: from.to_string(),
        to: to.to_string(),
        queue: query.queue.clone().unwrap_or_default(),
        group: grouping.as_str(),
        formula: formula_value(figures.settings.formula()),
        queues: figures.queues.clone(),
        groups: Grouping::ALL.map(|g| (g.as_str(), g.label())).to_vec(),
        formulas: formula_options(),
        total: lines(&figures.total),
        group_label: grouping.label(),
        head: headings(&figures.total),
        breakdown: figures
            .groups
            .iter()
            .map(|(label, f)| (label.clone(), values(f)))
            .collect(),
        by_mode: by_mode
            .iter()
            .map(|m| ModeLine {
                label: served_from_label(m.served_from),
                answered: super::show(Metric::Answered, Some(m.figures.answered as f64)),
                asa: super::show(Metric::AverageSpeedOfAnswer, m.figures.asa_secs),
                talk: super::show(Metric::AverageTalk, m.figures.avg_talk_secs),
            })
            .collect(),
        mode_answered: Metric::Answered.definition().name,
        mode_asa: Metric::AverageSpeedOfAnswer.definition().name,
        mode_talk: Metric::AverageTalk.definition().name,
        may_import: access::may_import_calls(role, &who.viewer.scope, office.id),
        may_see_agents: access::may_read_agent_figures(role, &who.viewer.scope, office.id),
        service_level_secs: figures.settings.service_level_secs(),
        short_abandon_secs: figures.settings.short_abandon_secs(),
        office,
    };
    render(&page)
}
