//! The phone service over the API: importing call records (the file as the request body,
//! streamed into the store as it arrives), the imports' reports, an office's figures with
//! their definitions, two periods compared (JSON or CSV), the agents mapped to employees and
//! their figures, the office's limits and saved CSV layouts. Who may do what is the store's to
//! say (the domain's `calls::access`).

use super::call_json::*;
use super::ApiJson;
use crate::auth::ApiUser;
use crate::call_input::import_chunks;
use crate::error::Problem;
use crate::pages::calls::compare::{compared, csv_response, CompareError};
use crate::pages::calls::figures::asked;
use crate::pages::calls::period;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt;
use worktrack_domain::calls::metrics::Metric;
use worktrack_store::call_files::CallFormat;
use worktrack_store::Office;

type ApiResult<T> = Result<T, Problem>;

/// Imports a response lists.
const LISTED: i64 = 100;

async fn office(state: &AppState, code: &str) -> ApiResult<Office> {
    Ok(state.store.office_by_code(code).await?)
}

#[utoipa::path(post, path = "/api/v1/offices/{code}/calls/imports", tag = "calls",
    description = "Imports the phone system's call records sent as the request body (any size: it is read as it arrives). \
                   Importing the same records again, or an overlapping export, counts each call once. Lines that cannot be read \
                   are counted and the first 100 reported with their line numbers. The office's managers and administrators.",
    params(("code" = String, Path, description = "Office code"), ImportQuery),
    request_body(content = String, content_type = "application/octet-stream", description = "The file of call records"),
    responses((status = 201, body = ImportOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    let office = office(&state, &code).await?;
    let layout = match (q.format.trim(), q.layout.as_deref().map(str::trim)) {
        ("csv", Some(name)) if !name.is_empty() => {
            Some(state.store.call_layout(&who.viewer, &office, name).await?)
        }
        _ => None,
    };
    let format = CallFormat::parse(&q.format, layout)
        .map_err(|m| Problem::validation(format!("format: {m}")))?;
    let chunks = body
        .into_data_stream()
        .map(|chunk| chunk.map_err(|e| std::io::Error::other(e.to_string())));
    let outcome = import_chunks(&state, &who, &office, format, &q.file_name, chunks).await?;
    Ok((StatusCode::CREATED, Json(outcome.import.into())))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/imports", tag = "calls",
    description = "The office's latest imports and their reports, newest first.",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Vec<ImportOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn imports(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<ImportOut>>> {
    let office = office(&state, &code).await?;
    let list = state
        .store
        .call_imports(&who.viewer, &office, LISTED)
        .await?;
    Ok(Json(list.into_iter().map(ImportOut::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/figures", tag = "calls",
    description = "The office's phone figures over a period (office-local days), as a whole and broken down, each with its definition. Names no one.",
    params(("code" = String, Path, description = "Office code"), FiguresQuery),
    responses((status = 200, body = CallFiguresOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn figures(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<FiguresQuery>,
) -> ApiResult<Json<CallFiguresOut>> {
    let office = office(&state, &code).await?;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let asked_for = [&q.from, &q.to, &q.queue, &q.group, &q.formula].map(s);
    let (query, grouping) =
        asked(&office, asked_for.each_ref().map(String::as_str)).map_err(Problem::validation)?;
    let f = state
        .store
        .call_figures(&who.viewer, &office, &query, grouping)
        .await?;
    Ok(Json(CallFiguresOut {
        office: office.code.clone(),
        from: query.from.to_string(),
        to: query.to.to_string(),
        queue: query.queue,
        group: grouping.as_str(),
        settings: (&f.settings).into(),
        total: (&f.total).into(),
        groups: f
            .groups
            .iter()
            .map(|(label, g)| GroupOut {
                label: label.clone(),
                figures: g.into(),
            })
            .collect(),
        queues: f.queues,
    }))
}

impl From<CompareError> for Problem {
    fn from(e: CompareError) -> Problem {
        match e {
            CompareError::Invalid(m) => Problem::validation(m),
            CompareError::Store(e) => e.into(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/compare", tag = "calls",
    description = "Two periods side by side: each period's figures, the change in answer rate in points with a two-proportion z-test \
                   (z, two-sided p-value) and a 95% confidence interval, the change in average speed of answer, each day's answer rate \
                   and the calls by hour.",
    params(("code" = String, Path, description = "Office code"), CompareQuery),
    responses((status = 200, body = CompareOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn compare(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<CompareOut>> {
    let c = compared(&state, &who.viewer, &code, &q.as_page_query()).await?;
    Ok(Json(CompareOut::new(&c.office.code, c.periods, &c.calls)))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/compare.csv", tag = "calls",
    description = "The comparison as CSV: each figure in both periods and the difference, the test, each day's answer rate and each hour's calls.",
    params(("code" = String, Path, description = "Office code"), CompareQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn compare_csv(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Response> {
    let c = compared(&state, &who.viewer, &code, &q.as_page_query()).await?;
    csv_response(&c).map_err(|_| Problem::internal())
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/agents", tag = "calls",
    description = "The office's phone agents and the employee each is, those not mapped first (the office's managers; audited).",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Vec<AgentOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn agents(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<AgentOut>>> {
    let office = office(&state, &code).await?;
    let list = state.store.call_agents(&who.viewer, &office).await?;
    Ok(Json(list.into_iter().map(AgentOut::from).collect()))
}

#[utoipa::path(put, path = "/api/v1/offices/{code}/calls/agents", tag = "calls", request_body = AgentMapIn,
    description = "Says which employee of the office an agent is (`user_id: null` for no one); answers the office's agents (the office's managers).",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Vec<AgentOut>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn map_agent(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<AgentMapIn>,
) -> ApiResult<Json<Vec<AgentOut>>> {
    let office = office(&state, &code).await?;
    state
        .store
        .map_call_agent(&who.viewer, &office, &body.agent, body.user_id)
        .await?;
    let list = state.store.call_agents(&who.viewer, &office).await?;
    Ok(Json(list.into_iter().map(AgentOut::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/agents/figures", tag = "calls",
    description = "Each agent's calls, talk time and time logged in over a period, with the employee each is (the office's managers; audited).",
    params(("code" = String, Path, description = "Office code"), AgentFiguresQuery),
    responses((status = 200, body = AgentFiguresOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn agent_figures(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<AgentFiguresQuery>,
) -> ApiResult<Json<AgentFiguresOut>> {
    let office = office(&state, &code).await?;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let (from, to) = period(("from", "to"), &s(&q.from), &s(&q.to), office.today())
        .map_err(Problem::validation)?;
    let list = state
        .store
        .agent_call_figures(&who.viewer, &office, from, to)
        .await?;
    Ok(Json(AgentFiguresOut {
        from: from.to_string(),
        to: to.to_string(),
        agents: list.into_iter().map(AgentFigureOut::from).collect(),
        calls_per_hour: Metric::CallsPerAgentHour.definition().into(),
        talk_minutes_per_hour: Metric::TalkPerAgentHour.definition().into(),
    }))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/settings", tag = "calls",
    description = "The limits the office's figures use: the service level's limit and formula, the short-abandon threshold.",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = SettingsJson), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<SettingsJson>> {
    let office = office(&state, &code).await?;
    let settings = state
        .store
        .office_call_settings(&who.viewer, &office)
        .await?;
    Ok(Json((&settings).into()))
}

#[utoipa::path(put, path = "/api/v1/offices/{code}/calls/settings", tag = "calls", request_body = SettingsJson,
    description = "Sets the limits the office's figures use; every figure is recounted with them at once (the office's managers and administrators).",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = SettingsJson), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SettingsJson>,
) -> ApiResult<Json<SettingsJson>> {
    let office = office(&state, &code).await?;
    let short = body
        .short_abandon_secs
        .map(|s| s.to_string())
        .unwrap_or_default();
    let settings = crate::pages::calls::import::settings_of(
        &body.service_level_secs.to_string(),
        &body.formula,
        &short,
    )
    .map_err(Problem::validation)?;
    state
        .store
        .set_call_settings(&who.viewer, &office, settings)
        .await?;
    Ok(Json((&settings).into()))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/calls/layouts", tag = "calls",
    description = "The office's saved CSV layouts, by name (those who import).",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Vec<NamedLayoutOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn layouts(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<NamedLayoutOut>>> {
    let office = office(&state, &code).await?;
    let list = state.store.call_layouts(&who.viewer, &office).await?;
    Ok(Json(
        list.into_iter()
            .map(|(name, l)| NamedLayoutOut::new(name, l))
            .collect(),
    ))
}

#[utoipa::path(put, path = "/api/v1/offices/{code}/calls/layouts/{name}", tag = "calls", request_body = LayoutJson,
    description = "Saves a CSV layout under `name` (replacing one of that name) for the office's next imports with `format=csv&layout=name`.",
    params(("code" = String, Path, description = "Office code"), ("name" = String, Path, description = "Layout name")),
    responses((status = 204, description = "Saved"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_layout(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path((code, name)): Path<(String, String)>,
    ApiJson(body): ApiJson<LayoutJson>,
) -> ApiResult<StatusCode> {
    let office = office(&state, &code).await?;
    state
        .store
        .save_call_layout(&who.viewer, &office, &name, &body.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
