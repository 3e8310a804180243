//! Every office's phone figures side by side over one period, for those who compare offices
//! (analysts, area directors, auditors; each other role sees its own office). Offices only: no
//! queue, agent or employee is named.

use super::{headings, period, values, FigureLine};
use crate::auth::PageRequest;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::calls::metrics::Figures;
use worktrack_store::Office;

#[derive(Deserialize, Default)]
pub struct OfficesQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Template)]
#[template(path = "calls_offices.html")]
pub struct OfficesPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub head: Vec<&'static str>,
    /// Each office with calls: its code, its name, its figures as written.
    pub rows: Vec<(String, String, Vec<String>)>,
    /// How each figure is counted.
    pub definitions: Vec<FigureLine>,
}

pub async fn offices(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<OfficesQuery>,
) -> Result<Response, PageError> {
    let all: Vec<Office> = state.store.offices_cached().await?.to_vec();
    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = period(("from", "to"), &q.from, &q.to, today).map_err(PageError::invalid)?;
    let figures = state
        .store
        .office_call_figures(&who.viewer, &all, from, to)
        .await?;
    let first: Option<&Figures> = figures.first().map(|(_, f)| f);
    let page = OfficesPage {
        chrome: Chrome::for_user(&who, "Phone figures by office", csrf, "/calls"),
        from: from.to_string(),
        to: to.to_string(),
        head: first.map(headings).unwrap_or_default(),
        definitions: first.map(super::lines).unwrap_or_default(),
        rows: figures
            .iter()
            .map(|(o, f)| (o.code.clone(), o.name.clone(), values(f)))
            .collect(),
    };
    render(&page)
}
