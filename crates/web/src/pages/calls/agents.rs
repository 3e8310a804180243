//! The office's phone agents, for its managers: which employee each agent is (agents not yet
//! mapped first), and each agent's calls and talk time per hour logged in over a period. The
//! store refuses everyone else and audits every view, since these figures name employees.

use super::{office, period, show, thousands};
use crate::auth::PageRequest;
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::{render, when, zone_of, Chrome};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::calls::access;
use worktrack_domain::calls::metrics::{Definition, Metric};
use worktrack_store::{Office, StoreError};

#[derive(Deserialize, Default)]
pub struct AgentsQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// One agent and the employee it is.
pub struct AgentLine {
    pub agent: String,
    /// The employee's id, empty when not mapped.
    pub user: String,
    pub first_seen: String,
}

/// One agent's figures as written.
pub struct AgentFigureLine {
    pub agent: String,
    pub user_name: String,
    pub calls: String,
    pub talk: String,
    pub logged_in: String,
    pub calls_per_hour: String,
    pub talk_per_hour: String,
}

#[derive(Template)]
#[template(path = "calls_agents.html")]
pub struct AgentsPage {
    pub chrome: Chrome,
    pub office: Office,
    pub from: String,
    pub to: String,
    pub agents: Vec<AgentLine>,
    pub unmapped: usize,
    /// The office's employees: (id, name).
    pub staff: Vec<(String, String)>,
    pub figures: Vec<AgentFigureLine>,
    pub per_hour: Definition,
    pub talk_per_hour: Definition,
    pub may_import: bool,
}

/// Hours and minutes (`7 h 05 min`).
fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    format!("{} h {:02} min", secs / 3600, (secs % 3600) / 60)
}

pub async fn agents(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
    Query(q): Query<AgentsQuery>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let (from, to) =
        period(("from", "to"), &q.from, &q.to, office.today()).map_err(PageError::invalid)?;
    let agents = state.store.call_agents(&who.viewer, &office).await?;
    let figures = state
        .store
        .agent_call_figures(&who.viewer, &office, from, to)
        .await?;
    let staff = state
        .store
        .users(Some(office.id))
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id.to_string(), u.display_name))
        .collect();
    let zone = zone_of(&office);
    let title = format!("Phone agents — {}", office.code);
    let page = AgentsPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/calls"),
        from: from.to_string(),
        to: to.to_string(),
        unmapped: agents.iter().filter(|a| a.user_id.is_none()).count(),
        agents: agents
            .into_iter()
            .map(|a| AgentLine {
                first_seen: when(a.first_seen_ms, zone),
                agent: a.agent,
                user: a.user_id.map(|id| id.to_string()).unwrap_or_default(),
            })
            .collect(),
        staff,
        figures: figures
            .into_iter()
            .map(|a| AgentFigureLine {
                agent: a.agent,
                user_name: a.user_name.unwrap_or_else(|| "not mapped".into()),
                calls: thousands(a.figures.calls),
                talk: duration(a.figures.talk_secs),
                logged_in: duration(a.figures.logged_in_secs),
                calls_per_hour: show(Metric::CallsPerAgentHour, a.figures.calls_per_hour),
                talk_per_hour: show(Metric::TalkPerAgentHour, a.figures.talk_minutes_per_hour),
            })
            .collect(),
        per_hour: Metric::CallsPerAgentHour.definition(),
        talk_per_hour: Metric::TalkPerAgentHour.definition(),
        may_import: access::may_import_calls(who.role(), &who.viewer.scope, office.id),
        office,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct MapForm {
    #[serde(default)]
    pub agent: String,
    /// The employee's id; empty for no one.
    #[serde(default)]
    pub user: String,
}

pub async fn map(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    Form(form): Form<MapForm>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let back = format!("/offices/{}/calls/agents", office.code);
    let user = match form.user.trim() {
        "" => Ok(None),
        s => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| "user: choose an employee of the office, or no one".to_string()),
    };
    let result = match user {
        Ok(user) => {
            state
                .store
                .map_call_agent(&who.viewer, &office, &form.agent, user)
                .await
        }
        Err(m) => Err(StoreError::Invalid(m)),
    };
    match result {
        Ok(()) => Ok(flash::redirect(
            &state,
            &back,
            format!("Agent {} is saved.", form.agent.trim()),
        )),
        Err(StoreError::Invalid(m)) => Ok(flash::redirect_error(&state, &back, m)),
        Err(e) => Err(e.into()),
    }
}
