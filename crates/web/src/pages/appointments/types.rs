//! The office's appointment types: the list (everyone who books or oversees sees it), a new
//! type (managers), and taking a type out of service or back in (managers).

use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::work::{capitalise, urlencode, working_office};
use crate::pages::{render, render_status, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::appointments::{self as rules, Channel, TypeSpec};
use worktrack_domain::Skill;
use worktrack_store::{AppointmentKind, Office, StoreError};

#[derive(Deserialize, Clone)]
pub struct TypeForm {
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub duration_min: String,
    #[serde(default)]
    pub buffer_before_min: String,
    #[serde(default)]
    pub buffer_after_min: String,
    #[serde(default)]
    pub min_notice_min: String,
    #[serde(default)]
    pub horizon_days: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub capacity: String,
}

impl Default for TypeForm {
    fn default() -> TypeForm {
        TypeForm {
            office: String::new(),
            name: String::new(),
            channel: "phone".into(),
            duration_min: "30".into(),
            buffer_before_min: "0".into(),
            buffer_after_min: "5".into(),
            min_notice_min: "60".into(),
            horizon_days: "30".into(),
            skills: String::new(),
            capacity: "1".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "appointment_types.html")]
pub struct TypesPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub types: Vec<AppointmentKind>,
    pub channels: Vec<(&'static str, &'static str)>,
    pub may_manage: bool,
    pub form: TypeForm,
}

impl TypesPage {
    pub fn skills_of(k: &AppointmentKind) -> String {
        if k.kind.skills.is_empty() {
            "anyone".to_string()
        } else {
            let names: Vec<&str> = k.kind.skills.iter().map(Skill::as_str).collect();
            names.join(", ")
        }
    }
}

#[derive(Deserialize)]
pub struct TypesQuery {
    #[serde(default)]
    office: String,
}

async fn types_view(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    office: &str,
    form: TypeForm,
    error: Option<String>,
) -> Result<TypesPage, PageError> {
    let (office, offices) = working_office(state, who, office).await?;
    let types = state
        .store
        .appointment_types(&who.viewer, office.id)
        .await?;
    Ok(TypesPage {
        chrome: Chrome::for_user(who, "Appointment types", csrf, "/appointments").with_error(error),
        office,
        offices,
        types,
        channels: Channel::ALL
            .into_iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        may_manage: rules::may_manage_types(who.role()),
        form,
    })
}

pub async fn list(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<TypesQuery>,
) -> Result<Response, PageError> {
    let page = types_view(&state, &who, csrf, &q.office, TypeForm::default(), None).await?;
    render(&page)
}

/// A whole number typed in `field`.
fn number(field: &str, s: &str) -> Result<i64, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{field}: give a whole number."))
}

fn spec_of(f: &TypeForm) -> Result<TypeSpec, String> {
    Ok(TypeSpec {
        channel: f.channel.clone(),
        duration_min: number("Duration", &f.duration_min)?,
        buffer_before_min: number("Buffer before", &f.buffer_before_min)?,
        buffer_after_min: number("Buffer after", &f.buffer_after_min)?,
        min_notice_min: number("Minimum notice", &f.min_notice_min)?,
        horizon_days: number("Booking horizon", &f.horizon_days)?,
        skills: Skill::parse_list(&f.skills)
            .map_err(|e| format!("Skills: {}", capitalise(&e.to_string())))?,
        capacity: if f.channel == Channel::InPerson.as_str() {
            number("Rooms or desks", &f.capacity)?
        } else {
            0
        },
    })
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    Form(f): Form<TypeForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    let result = match spec_of(&f) {
        Ok(spec) => state
            .store
            .create_appointment_type(&who.viewer, office.id, &f.name, &spec)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) | StoreError::Conflict(m) => Ok(capitalise(&m)),
                other => Err(other),
            }),
        Err(m) => Err(Ok(m)),
    };
    match result {
        Ok(kind) => Ok(flash::redirect(
            &state,
            &format!("/appointment-types?office={}", urlencode(&office.code)),
            format!("Appointment type “{}” set up.", kind.name),
        )),
        Err(Ok(message)) => {
            let page = types_view(&state, &who, csrf, &office.code, f, Some(message)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(Err(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub async fn update(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, PageError> {
    let active = match f.active.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(PageError::invalid(
                "Say whether the type is offered (yes or no). Nothing was changed.",
            ))
        }
    };
    let kind = state
        .store
        .set_appointment_type_active(&who.viewer, id, active)
        .await?;
    let office = state.store.office_by_id(kind.office_id).await?;
    let message = if active {
        format!("“{}” is offered again.", kind.name)
    } else {
        format!(
            "“{}” is no longer offered; appointments already booked stay.",
            kind.name
        )
    };
    Ok(flash::redirect(
        &state,
        &format!("/appointment-types?office={}", urlencode(&office.code)),
        message,
    ))
}
