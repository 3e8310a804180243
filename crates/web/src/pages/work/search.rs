//! Search over the work of the offices in scope.

use super::{row, urlencode, working_office, Row};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::pages::home::day_counts;
use crate::pages::{render, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;
use worktrack_domain::work::{highlight, search_terms};
use worktrack_domain::Calendar;
use worktrack_store::{Office, SearchHit, StoreError, WorkloadRule};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchParams {
    q: String,
    office: String,
    open: String,
}

#[derive(Template)]
#[template(path = "work_search.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    /// The masked SSN searched for, when the query was one.
    pub searched_for: Option<String>,
    pub q: String,
    pub office: String,
    pub open_only: bool,
    pub offices: Vec<Office>,
    pub hits: Vec<SearchLine>,
    pub searched: bool,
}

/// A search hit as the page shows it: the title and text cut into pieces, the matched words
/// marked (each piece is escaped by the template like any other text).
pub struct SearchLine {
    pub row: Row,
    pub office_code: String,
    pub title: Vec<(String, bool)>,
    pub snippet: Vec<(String, bool)>,
}

/// A search typed as an SSN (nine digits, with or without the usual dashes): searched by the
/// claimant's SSN, through the form's POST only, so the number is never in an address, a log
/// line or a bookmark.
fn ssn_query(q: &str, offices: &[Office]) -> Option<Result<worktrack_domain::Ssn, String>> {
    use worktrack_domain::{Ssn, SsnError, SsnPolicy};
    match Ssn::parse(q, SsnPolicy::Training) {
        Err(SsnError::Format) => None,
        Ok(ssn) => Some(Ok(ssn)),
        // A live office's number is checked against its own rule.
        Err(_) if offices.iter().any(|o| !o.training) => Some(
            Ssn::parse(q, SsnPolicy::Live).map_err(|e| format!("That is not a valid SSN: {e}.")),
        ),
        Err(e) => Some(Err(format!("That is not a valid SSN: {e}."))),
    }
}

pub async fn search(
    PageRequest { state, who, csrf }: PageRequest,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    search_page(&state, &who, csrf, p, false).await
}

/// The search form posts: a query that is an SSN is searched here, anything else is sent on
/// to the page's address (`GET /search?q=…`), which can be bookmarked.
pub async fn search_post(
    PageRequest { state, who, csrf }: PageRequest,
    Form(p): Form<SearchParams>,
) -> Result<Response, PageError> {
    let (_, offices) = working_office(&state, &who, "").await?;
    if ssn_query(&p.q, &offices).is_some() {
        return search_page(&state, &who, csrf, p, true).await;
    }
    let mut to = format!("/search?q={}", urlencode(p.q.trim()));
    if !p.office.is_empty() {
        to.push_str(&format!("&office={}", urlencode(&p.office)));
    }
    if p.open == "1" {
        to.push_str("&open=1");
    }
    Ok(Redirect::to(&to).into_response())
}

async fn search_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    mut p: SearchParams,
    posted: bool,
) -> Result<Response, PageError> {
    let (_, offices) = working_office(state, who, "").await?;
    let office = if p.office.is_empty() {
        None
    } else {
        Some(
            offices
                .iter()
                .find(|o| o.code.eq_ignore_ascii_case(&p.office))
                .ok_or_else(PageError::not_found)?,
        )
    };
    let mut error = None;
    let mut hits = Vec::new();
    let mut searched = !p.q.trim().is_empty();
    let ssn = ssn_query(&p.q, &offices);
    // An SSN is never shown back in full: the box is left empty and the page names the
    // masked number it searched for.
    let q = std::mem::take(&mut p.q);
    let mut searched_for = None;
    p.q = if ssn.is_some() {
        String::new()
    } else {
        q.clone()
    };
    let terms = search_terms(&p.q);
    let found = match ssn {
        Some(Ok(_)) | Some(Err(_)) if !posted => {
            searched = false;
            error = Some(
                "An SSN is searched through the search box, so that it is never in an address: type it again and press Search."
                    .to_string(),
            );
            None
        }
        Some(Err(m)) => {
            searched = false;
            error = Some(m);
            None
        }
        Some(Ok(ssn)) => {
            searched_for = Some(ssn.to_string());
            Some(
                state
                    .store
                    .search_work_by_ssn(&who.viewer, &ssn, office.map(|o| o.id), p.open == "1", 50)
                    .await,
            )
        }
        None if searched => Some(
            state
                .store
                .search_work(&who.viewer, &q, office.map(|o| o.id), p.open == "1", 50)
                .await,
        ),
        None => None,
    };
    if let Some(found) = found {
        let filters = serde_json::json!({
            "query": searched_for.clone().unwrap_or_else(|| worktrack_domain::mask_in_text(&q)),
            "office": p.office,
            "open_only": p.open == "1",
        });
        crate::pages::audit_list_view(state, who, "work.search", None, filters).await?;
        match found {
            Ok(found) => {
                // Each office's calendar and rules are read once, however many hits it has.
                let mut per_office: std::collections::HashMap<
                    i64,
                    (Arc<Calendar>, Arc<Vec<WorkloadRule>>),
                > = std::collections::HashMap::new();
                for SearchHit { item, snippet } in found {
                    let Some(o) = offices.iter().find(|o| o.id == item.office_id) else {
                        continue;
                    };
                    if let std::collections::hash_map::Entry::Vacant(e) = per_office.entry(o.id) {
                        let calendar = state.store.office_calendar_cached(o).await?;
                        let rules = state.store.workload_rules_cached(o.id).await?;
                        e.insert((calendar, rules));
                    }
                    if let Some((calendar, rules)) = per_office.get(&o.id) {
                        hits.push(SearchLine {
                            title: highlight(&item.title, &terms),
                            snippet: highlight(&snippet, &terms),
                            row: row(item, calendar, o.today(), rules),
                            office_code: o.code.clone(),
                        });
                    }
                }
            }
            Err(StoreError::Invalid(m)) => error = Some(m),
            Err(e) => return Err(e.into()),
        }
    }
    let page = SearchPage {
        chrome: Chrome::for_user(who, "Search work", csrf, "/search")
            .with_error(error)
            .with_day_counts(&day_counts(state, who).await?),
        searched_for,
        q: p.q,
        office: p.office,
        open_only: p.open == "1",
        offices,
        hits,
        searched,
    };
    render(&page)
}
