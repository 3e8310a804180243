//! API handlers. Each checks the role, calls the store through the user's `Viewer` (which
//! enforces office scope) and maps the result to JSON or a problem.

use super::types::*;
use super::ApiJson;
use crate::auth::{ApiUser, AuthVia};
use crate::error::Problem;
use crate::pages::claimants::parse_birth_date;
use crate::pages::offices::office_to_open;
use crate::pages::tokens::expiry_in_days;
use crate::password::{generate_password, hash_password};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use worktrack_domain::permit;
use worktrack_domain::{
    AreaName, EmailAddress, OfficeCode, PersonName, Skill, Ssn, SsnPolicy, TimeZone, Username,
};
use worktrack_store::{AuditRead, NewClaimant, NewOffice, NewUser, OfficeSettings};

type ApiResult<T> = Result<T, Problem>;

fn invalid(field: &str, e: impl std::fmt::Display) -> Problem {
    Problem::validation(format!("{field}: {e}"))
}

/// A list's `limit` parameter: `default` when absent, refused outside 1..=`max`.
pub(super) fn page_limit(asked: Option<i64>, default: i64, max: i64) -> ApiResult<i64> {
    let limit = asked.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(invalid("limit", format!("must be between 1 and {max}")))
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = UserOut), (status = 401, body = Problem)))]
pub async fn me(State(state): State<AppState>, ApiUser(who): ApiUser) -> ApiResult<Json<UserOut>> {
    let offices = state.store.offices().await?;
    Ok(Json(UserOut::new(&who.user, &offices)))
}

#[utoipa::path(get, path = "/api/v1/offices", tag = "offices",
    description = "The offices the caller may open: all for administrators and auditors, otherwise those of the caller's scope.",
    responses((status = 200, body = Vec<OfficeOut>), (status = 401, body = Problem)))]
pub async fn list_offices(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> ApiResult<Json<Vec<OfficeOut>>> {
    let offices = state.store.offices().await?;
    Ok(Json(
        offices
            .iter()
            .filter(|o| who.viewer.may_open_office(o.id))
            .map(OfficeOut::from)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}", tag = "offices",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = OfficeOut), (status = 404, body = Problem)))]
pub async fn get_office(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<OfficeOut>> {
    let office = office_to_open(&state, &who, &code).await?;
    Ok(Json(OfficeOut::from(&office)))
}

#[utoipa::path(get, path = "/api/v1/offices/{code}/reading", tag = "offices",
    description = "The reading (OCR) queue as the office sees it: its pages waiting to be read, all offices' pages waiting, the rate of the last 15 minutes and the expected minutes until the queue is read.",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = ReadingOut), (status = 404, body = Problem)))]
pub async fn get_reading(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> ApiResult<Json<ReadingOut>> {
    let office = office_to_open(&state, &who, &code).await?;
    let progress = state.store.reading_progress(&[office.id]).await?;
    let (office_pages, all_pages) = progress.pages_waiting();
    Ok(Json(ReadingOut {
        office: office.code.clone(),
        state: progress.state().to_string(),
        office_pages,
        all_pages,
        pages_per_minute: progress.pages_per_minute(),
        expected_minutes: progress.minutes(),
        summary: progress.sentence("this office"),
    }))
}

#[utoipa::path(post, path = "/api/v1/offices", tag = "offices", request_body = NewOfficeIn,
    responses((status = 201, body = OfficeOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_office(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewOfficeIn>,
) -> ApiResult<(StatusCode, Json<OfficeOut>)> {
    if !permit::may_manage_offices(who.role()) {
        return Err(Problem::forbidden("only administrators create offices"));
    }
    let new = NewOffice {
        code: OfficeCode::parse(&body.code).map_err(|e| invalid("code", e))?,
        settings: OfficeSettings {
            name: PersonName::parse(&body.name).map_err(|e| invalid("name", e))?,
            area: AreaName::parse(&body.area).map_err(|e| invalid("area", e))?,
            time_zone: TimeZone::parse(&body.time_zone).map_err(|e| invalid("time_zone", e))?,
            dc_area: body.dc_area,
            training: body.training,
            headcount: body.headcount,
            upload_within_days: body.upload_within_days,
        },
    };
    let office = state.store.create_office(&who.viewer.actor, &new).await?;
    Ok((StatusCode::CREATED, Json(OfficeOut::from(&office))))
}

#[derive(Deserialize, IntoParams)]
pub struct UsersQuery {
    /// Office code; required unless the caller is an administrator.
    office: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UsersQuery),
    responses((status = 200, body = Vec<UserOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Query(q): Query<UsersQuery>,
) -> ApiResult<Json<Vec<UserOut>>> {
    if !who.role().may_see_staff() {
        return Err(Problem::forbidden("your role cannot list staff"));
    }
    let offices = state.store.offices().await?;
    let office_id = match q.office.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(office_to_open(&state, &who, code).await?.id),
        None if permit::sees_every_office(who.role()) => None,
        None => Some(
            who.user
                .office_id
                .ok_or_else(|| invalid("office", "give an office code"))?,
        ),
    };
    let users = state.store.users(office_id).await?;
    Ok(Json(
        users.iter().map(|u| UserOut::new(u, &offices)).collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserIn,
    responses((status = 201, body = CreatedUserOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewUserIn>,
) -> ApiResult<(StatusCode, Json<CreatedUserOut>)> {
    if !permit::may_manage_users(who.role()) {
        return Err(Problem::forbidden("only administrators create users"));
    }
    let offices = state.store.offices().await?;
    let office_id = match body
        .office
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(
            offices
                .iter()
                .find(|o| o.code.eq_ignore_ascii_case(code))
                .map(|o| o.id)
                .ok_or_else(|| invalid("office", format!("there is no office {code}")))?,
        ),
        None => None,
    };
    let skills = body
        .skills
        .iter()
        .map(|s| Skill::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid("skills", e))?;
    let password = generate_password();
    let new = NewUser {
        username: Username::parse(&body.username).map_err(|e| invalid("username", e))?,
        display_name: PersonName::parse(&body.display_name)
            .map_err(|e| invalid("display_name", e))?,
        role: body.role.parse().map_err(|e| invalid("role", e))?,
        office_id,
        skills,
        password_hash: hash_password(password.clone())
            .await
            .map_err(|_| Problem::internal())?,
    };
    let user = state.store.create_user(&who.viewer.actor, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUserOut {
            user: UserOut::new(&user, &offices),
            one_time_password: password,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct ClaimantsQuery {
    /// Office code; all offices of the caller's scope when absent.
    office: Option<String>,
    /// Keyset cursor: the `next_after` of the previous page.
    after: Option<i64>,
    /// 1–500, default 100.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/claimants", tag = "claimants", params(ClaimantsQuery),
    description = "Claimants of the caller's offices, by id. Audited as a view of each claimant listed.",
    responses((status = 200, body = ClaimantPage), (status = 404, body = Problem)))]
pub async fn list_claimants(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(q): Query<ClaimantsQuery>,
) -> ApiResult<Json<ClaimantPage>> {
    let limit = page_limit(q.limit, 100, 500)?;
    crate::pages::audit_list_query(&state, &who, "claimant", raw.as_deref()).await?;
    let office = match q.office.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(state.store.office_by_code(code).await?),
        None => None,
    };
    let mut list = state
        .store
        .claimants(&who.viewer, office.as_ref(), q.after, limit + 1)
        .await?;
    let next_after = (list.len() as i64 > limit).then(|| list[limit as usize - 1].id);
    list.truncate(limit as usize);
    let offices = state.store.offices().await?;
    Ok(Json(ClaimantPage {
        items: list.iter().map(|c| ClaimantOut::new(c, &offices)).collect(),
        next_after,
    }))
}

#[utoipa::path(post, path = "/api/v1/claimants", tag = "claimants", request_body = NewClaimantIn,
    responses((status = 201, body = ClaimantOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_claimant(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewClaimantIn>,
) -> ApiResult<(StatusCode, Json<ClaimantOut>)> {
    let office = state.store.office_by_code(body.office.trim()).await?;
    let new = NewClaimant {
        full_name: PersonName::parse(&body.full_name).map_err(|e| invalid("full_name", e))?,
        ssn: body.ssn,
        date_of_birth: parse_birth_date(body.date_of_birth.as_deref().unwrap_or(""))
            .map_err(|e| invalid("date_of_birth", e))?,
        email: parse_api_email(body.email.as_deref())?,
    };
    let claimant = state
        .store
        .create_claimant(&who.viewer, &office, &new)
        .await
        .map_err(|e| match e {
            worktrack_store::StoreError::Invalid(m) => invalid("ssn", m),
            other => Problem::from(other),
        })?;
    let offices = [office];
    Ok((
        StatusCode::CREATED,
        Json(ClaimantOut::new(&claimant, &offices)),
    ))
}

#[utoipa::path(post, path = "/api/v1/claimants/search", tag = "claimants", request_body = SsnIn,
    description = "Claimants of the caller's offices with this SSN. The number travels in the body, never in a URL.",
    responses((status = 200, body = Vec<ClaimantOut>), (status = 422, body = Problem)))]
pub async fn search_claimants(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<SsnIn>,
) -> ApiResult<Json<Vec<ClaimantOut>>> {
    let ssn = Ssn::parse(&body.ssn, SsnPolicy::Training).map_err(|e| invalid("ssn", e))?;
    let found = state.store.claimants_by_ssn(&who.viewer, &ssn).await?;
    let offices = state.store.offices().await?;
    Ok(Json(
        found
            .iter()
            .map(|c| ClaimantOut::new(c, &offices))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/claimants/{id}", tag = "claimants",
    params(("id" = i64, Path, description = "Claimant id")),
    responses((status = 200, body = ClaimantOut), (status = 404, body = Problem)))]
pub async fn get_claimant(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClaimantOut>> {
    let claimant = state.store.claimant(&who.viewer, id).await?;
    let office = state.store.office_by_id(claimant.office_id).await?;
    let mut out = ClaimantOut::new(&claimant, &[office]);
    if claimant.has_email {
        out.email = state.store.claimant_email(&who.viewer, id).await?;
    }
    Ok(Json(out))
}

/// An optional address as sent (null or empty: none), refused as a problem naming the field.
fn parse_api_email(email: Option<&str>) -> ApiResult<Option<EmailAddress>> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Ok(Some(
            EmailAddress::parse(e).map_err(|e| invalid("email", e))?,
        )),
        None => Ok(None),
    }
}

#[utoipa::path(put, path = "/api/v1/claimants/{id}/email", tag = "claimants", request_body = ClaimantEmailIn,
    description = "Puts an e-mail address on file for the claimant (null or empty removes it); appointment reminders \
                   not yet sent go there instead of by letter. The address is kept encrypted. A bad address changes nothing.",
    params(("id" = i64, Path, description = "Claimant id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_claimant_email(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ClaimantEmailIn>,
) -> ApiResult<StatusCode> {
    let email = parse_api_email(body.email.as_deref())?;
    state
        .store
        .set_claimant_email(&who.viewer, id, email.as_ref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/claimants/{id}/ssn", tag = "claimants",
    description = "Reveals the full SSN. Audited.",
    params(("id" = i64, Path, description = "Claimant id")),
    responses((status = 200, body = RevealOut), (status = 404, body = Problem)))]
pub async fn reveal_ssn(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<RevealOut>> {
    Ok(Json(RevealOut {
        ssn: state.store.reveal_ssn(&who.viewer, id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenOut>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> ApiResult<Json<Vec<TokenOut>>> {
    let tokens = state.store.api_tokens(who.user.id).await?;
    Ok(Json(tokens.iter().map(TokenOut::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewTokenIn,
    responses((status = 201, body = NewTokenOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewTokenIn>,
) -> ApiResult<(StatusCode, Json<NewTokenOut>)> {
    // A token cannot mint further tokens: a leaked token must not outlive its own expiry.
    if who.via == AuthVia::ApiToken {
        return Err(Problem::forbidden(
            "API tokens are created from a signed-in browser session, not with another token",
        ));
    }
    let expires = expiry_in_days(body.days).map_err(Problem::validation)?;
    let issued = state
        .store
        .create_api_token(&who.viewer.actor, &who.user, &body.name, expires)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenOut {
            token: TokenOut::from(&issued.token),
            secret: issued.secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state
        .store
        .revoke_api_token(&who.viewer.actor, &who.user, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only rows with a smaller sequence number (the previous page's last `seq`).
    before: Option<i64>,
    /// 1–1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    description = "Audit rows, newest first (auditors and administrators). Reading is itself audited.",
    responses((status = 200, body = Vec<AuditOut>), (status = 403, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditOut>>> {
    if !permit::may_read_audit_log(who.role()) {
        return Err(Problem::forbidden(
            "only auditors and administrators read the audit log",
        ));
    }
    let limit = page_limit(q.limit, 100, 1000)?;
    let rows = state
        .store
        .read_audit_log(
            &who.viewer,
            &AuditRead::Rows {
                before: q.before,
                limit,
            },
        )
        .await?;
    Ok(Json(rows.iter().map(AuditOut::from).collect()))
}
