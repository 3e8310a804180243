//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document at
//! `/api/v1/openapi.json`, generated from the handlers and types below.

mod appointment_json;
mod appointments;
mod calendar_feeds;
mod call_json;
mod calls;
mod handlers;
mod schedules;
mod types;
mod work;

use crate::error::Problem;
use crate::routes::{delete, get, on, post, Table, Verb};
use axum::extract::rejection::JsonRejection;
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn routes() -> Table {
    Table::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(handlers::me))
        .route(
            "/offices",
            get(handlers::list_offices).post(handlers::create_office),
        )
        .route("/offices/{code}", get(handlers::get_office))
        .route("/offices/{code}/reading", get(handlers::get_reading))
        .route(
            "/users",
            get(handlers::list_users).post(handlers::create_user),
        )
        .route(
            "/claimants",
            get(handlers::list_claimants).post(handlers::create_claimant),
        )
        .route("/claimants/search", post(handlers::search_claimants))
        .route("/claimants/{id}", get(handlers::get_claimant))
        .route("/claimants/{id}/ssn", post(handlers::reveal_ssn))
        .route(
            "/claimants/{id}/email",
            on(Verb::Put, &[], handlers::set_claimant_email),
        )
        .route(
            "/tokens",
            get(handlers::list_tokens).post(handlers::create_token),
        )
        .route("/tokens/{id}", delete(handlers::revoke_token))
        .route("/audit", get(handlers::list_audit))
        .route("/work-items", get(work::list))
        .route("/work-items/next", post(work::next))
        .route("/work-items/{id}/actions", post(work::act))
        .merge(appointment_routes())
        .merge(call_routes())
}

fn call_routes() -> Table {
    Table::new()
        .route(
            "/offices/{code}/calls/imports",
            get(calls::imports)
                .or(post(calls::import).map(|r| r.layer(DefaultBodyLimit::disable()))),
        )
        .route("/offices/{code}/calls/figures", get(calls::figures))
        .route("/offices/{code}/calls/compare", get(calls::compare))
        .route("/offices/{code}/calls/compare.csv", get(calls::compare_csv))
        .route(
            "/offices/{code}/calls/agents",
            get(calls::agents).put(calls::map_agent),
        )
        .route(
            "/offices/{code}/calls/agents/figures",
            get(calls::agent_figures),
        )
        .route(
            "/offices/{code}/calls/settings",
            get(calls::get_settings).put(calls::put_settings),
        )
        .route("/offices/{code}/calls/layouts", get(calls::layouts))
        .route(
            "/offices/{code}/calls/layouts/{name}",
            crate::routes::on(crate::routes::Verb::Put, &[], calls::put_layout),
        )
}

fn appointment_routes() -> Table {
    Table::new()
        .route(
            "/appointment-types/{id}/next-available",
            get(appointments::next_available),
        )
        .route(
            "/appointment-types/{id}/availability",
            get(appointments::availability),
        )
        .route("/appointments", post(appointments::book))
        .route("/appointments/{id}", get(appointments::get_appointment))
        .route(
            "/appointments/{id}/calendar.ics",
            get(calendar_feeds::appointment_ics),
        )
        .route("/calendar-feeds", post(calendar_feeds::create_feed))
        .route("/calendar-feeds/{id}", delete(calendar_feeds::delete_feed))
        .route(
            "/appointments/{id}/moves",
            post(appointments::move_appointment),
        )
        .route(
            "/offices/{code}/appointments",
            get(appointments::office_appointments),
        )
        .route(
            "/offices/{code}/appointment-types",
            get(appointments::list_types).post(appointments::create_type),
        )
        .route(
            "/users/{username}/schedule",
            get(schedules::get_schedule).put(schedules::put_week),
        )
        .route(
            "/users/{username}/schedule/overrides",
            post(schedules::post_override),
        )
        .route("/schedule-requests", post(schedules::post_request))
        .route(
            "/schedule-requests/{id}/decision",
            post(schedules::post_decision),
        )
}

pub(crate) async fn api_not_found() -> Problem {
    Problem::not_found()
}

/// Every refusal of the API is problem+json: the rejections of axum's extractors (a path
/// number out of range, `limit=abc`, a bad multipart boundary, a wrong content type) answer
/// plain text, and are rewritten here with their status and message. The message is masked
/// (`mask_in_text`): an extractor repeats what it could not parse, which may be an SSN typed
/// into a path.
pub async fn problems_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_string()
    } else {
        worktrack_domain::mask_in_text(&text)
    };
    let mut problem = Problem::for_status(status, detail).into_response();
    // Headers the refusal carried (Allow, tus headers, WWW-Authenticate) stay.
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WorkTrack API",
        description = "The workload system of the field offices. Authenticate with a personal API token \
                       (`Authorization: Bearer wt_…`) or a browser session (then send `X-CSRF-Token` on writes). \
                       Errors are `application/problem+json` (RFC 9457) with a stable `type`. \
                       Resumable uploads use the tus 1.0 protocol at `/api/v1/uploads/` (creation, \
                       creation-with-upload, checksum sha1/sha256, termination, expiration; metadata \
                       `filename`, `office`, `received_on`, `original_evidence`)."
    ),
    paths(
        handlers::me,
        handlers::list_offices,
        handlers::create_office,
        handlers::get_office,
        handlers::get_reading,
        handlers::list_users,
        handlers::create_user,
        handlers::list_claimants,
        handlers::create_claimant,
        handlers::search_claimants,
        handlers::get_claimant,
        handlers::reveal_ssn,
        handlers::set_claimant_email,
        handlers::list_tokens,
        handlers::create_token,
        handlers::revoke_token,
        handlers::list_audit,
        work::list,
        work::next,
        work::act,
        appointments::next_available,
        appointments::availability,
        appointments::book,
        appointments::get_appointment,
        appointments::office_appointments,
        appointments::move_appointment,
        appointments::list_types,
        appointments::create_type,
        schedules::get_schedule,
        schedules::put_week,
        schedules::post_override,
        schedules::post_request,
        schedules::post_decision,
        calendar_feeds::appointment_ics,
        calendar_feeds::create_feed,
        calendar_feeds::delete_feed,
        crate::uploads::multipart_upload,
        calls::import,
        calls::imports,
        calls::figures,
        calls::compare,
        calls::compare_csv,
        calls::agents,
        calls::map_agent,
        calls::agent_figures,
        calls::get_settings,
        calls::put_settings,
        calls::layouts,
        calls::put_layout,
    ),
    components(schemas(Problem)),
    modifiers(&SecuritySchemes, &ProblemResponses),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

/// Every refusal is `application/problem+json` (see [`problems_only`]), and the document
/// says so: each `Problem` response is declared with that media type, and every operation
/// lists the refusals any request can meet — 400 (malformed), 401 (not signed in), and for
/// those that take a body 413 (too large) and 415 (wrong content type).
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        let problem = || {
            Content::new(Some(RefOr::<utoipa::openapi::schema::Schema>::Ref(
                Ref::from_schema_name("Problem"),
            )))
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
                item.head.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = response {
                        let is_problem = r.content.get("application/json").is_some_and(|c| {
                            matches!(&c.schema, Some(RefOr::Ref(s)) if s.ref_location.ends_with("/Problem"))
                        });
                        if is_problem {
                            r.content.shift_remove("application/json");
                            r.content
                                .insert("application/problem+json".into(), problem());
                        }
                    }
                }
                let mut refusals = vec![
                    (
                        "400",
                        "Malformed request: a path, query or body that cannot be read",
                    ),
                    ("401", "Not signed in: no valid session or API token"),
                ];
                if op.request_body.is_some() {
                    refusals.push(("413", "The body is larger than the server accepts"));
                    refusals.push((
                        "415",
                        "The body is not of the content type this operation takes",
                    ));
                }
                for (status, description) in refusals {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(description)
                                    .content("application/problem+json", problem())
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
            components.add_security_scheme(
                "session",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("wt_session"))),
            );
        }
    }
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A JSON body whose every failure is a problem document: malformed JSON (400), wrong shape
/// (422), wrong content type (415), too large (413). Messages never echo long digit runs, so
/// an SSN sent in the wrong field does not come back in the error.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;
    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_problem(rejection)),
        }
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    let text = redact_digits(&rejection.body_text());
    match rejection {
        JsonRejection::JsonDataError(_) => Problem::validation(text),
        JsonRejection::JsonSyntaxError(_) => Problem::bad_request(text),
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the body as JSON with `Content-Type: application/json`",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            "the request body is larger than the server accepts (max_body_bytes)",
        ),
        _ => Problem::bad_request(text),
    }
}

/// Replaces runs of four or more digits by `#…`.
pub fn redact_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once('\u{0}')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if run.len() >= 4 {
            out.push_str("#…");
        } else {
            out.push_str(&run);
        }
        run.clear();
        if c != '\u{0}' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_digit_runs_are_redacted() {
        assert_eq!(
            super::redact_digits("invalid type: integer `912345678` at line 1 column 20"),
            "invalid type: integer `#…` at line 1 column 20"
        );
        assert_eq!(super::redact_digits("912-34-5678"), "912-34-#…");
    }
}
