//! Offices: the list, one office with its staff, and (for administrators) creating and
//! editing them.

use super::{render, render_status, require, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::permit;
use worktrack_domain::{AreaName, OfficeCode, PersonName, TimeZone, OFFICE_TIME_ZONES};
use worktrack_store::{NewOffice, Office, OfficeSettings, StoreError, User};

#[derive(Deserialize, Default, Clone)]
pub struct OfficeForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub time_zone: String,
    pub dc_area: Option<String>,
    pub training: Option<String>,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub upload_within_days: String,
}

impl OfficeForm {
    fn from_office(o: &Office) -> OfficeForm {
        OfficeForm {
            code: o.code.clone(),
            name: o.name.clone(),
            area: o.area.clone(),
            time_zone: o.time_zone.clone(),
            dc_area: o.dc_area.then(|| "on".into()),
            training: o.training.then(|| "on".into()),
            headcount: o.headcount.to_string(),
            upload_within_days: o.upload_within_days.to_string(),
        }
    }

    fn update(&self) -> Result<OfficeSettings, String> {
        Ok(OfficeSettings {
            name: PersonName::parse(&self.name).map_err(|e| format!("Name: {e}"))?,
            area: AreaName::parse(&self.area).map_err(|e| format!("Area: {e}"))?,
            time_zone: TimeZone::parse(&self.time_zone).map_err(|e| format!("Time zone: {e}"))?,
            dc_area: self.dc_area.is_some(),
            training: self.training.is_some(),
            headcount: self
                .headcount
                .trim()
                .parse()
                .map_err(|_| "Headcount: enter a whole number of staff, e.g. 25".to_string())?,
            upload_within_days: self.upload_within_days.trim().parse().map_err(|_| {
                "Upload policy: enter a whole number of business days, e.g. 3".to_string()
            })?,
        })
    }

    fn new_office(&self) -> Result<NewOffice, String> {
        Ok(NewOffice {
            code: OfficeCode::parse(&self.code).map_err(|e| format!("Office code: {e}"))?,
            settings: self.update()?,
        })
    }
}

#[derive(Template)]
#[template(path = "offices.html")]
pub struct OfficesPage {
    pub chrome: Chrome,
    pub offices: Vec<Office>,
    pub can_create: bool,
    pub form: OfficeForm,
    pub zones: &'static [&'static str],
}

async fn offices_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    form: OfficeForm,
    error: Option<String>,
) -> Result<OfficesPage, PageError> {
    let offices = state
        .store
        .offices()
        .await?
        .into_iter()
        .filter(|o| who.viewer.may_open_office(o.id))
        .collect();
    Ok(OfficesPage {
        chrome: Chrome::for_user(who, "Offices", csrf, "/offices").with_error(error),
        offices,
        can_create: permit::may_manage_offices(who.role()),
        form,
        zones: &OFFICE_TIME_ZONES,
    })
}

pub async fn list(PageRequest { state, who, csrf }: PageRequest) -> Result<Response, PageError> {
    if permit::works_from_national_figures(who.role()) {
        // Analysts see every office with its figures, never its staff.
        return super::national::offices(&state, &who, csrf).await;
    }
    let form = OfficeForm {
        time_zone: "America/New_York".into(),
        upload_within_days: "3".into(),
        ..OfficeForm::default()
    };
    render(&offices_page(&state, &who, csrf, form, None).await?)
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<OfficeForm>,
) -> Result<Response, PageError> {
    require(permit::may_manage_offices(who.role()), "creating offices")?;
    let result = match form.new_office() {
        Ok(new) => state
            .store
            .create_office(&who.viewer.actor, &new)
            .await
            .map_err(|e| PageError::from(e).message),
        Err(m) => Err(m),
    };
    match result {
        Ok(office) => Ok(crate::flash::redirect(
            &state,
            &format!("/offices/{}", office.code),
            "Office created.",
        )),
        Err(message) => {
            let page = offices_page(&state, &who, csrf, form, Some(message)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "office.html")]
pub struct OfficePage {
    pub chrome: Chrome,
    pub office: Office,
    pub staff: Option<Vec<User>>,
    pub can_edit: bool,
    /// Sees the office's business data, so its paper log too.
    pub in_scope: bool,
    pub form: OfficeForm,
    pub zones: &'static [&'static str],
}

/// The office `code`, when `who` may open it (its page, its API resource); otherwise not
/// found, and the attempt audited by the store's scope check.
pub(crate) async fn office_to_open(
    state: &AppState,
    who: &SignedIn,
    code: &str,
) -> Result<Office, StoreError> {
    let office = state.store.office_by_code(code).await?;
    if !who.viewer.may_open_office(office.id) {
        state
            .store
            .check_scope(&who.viewer, office.id, "office", &office.code)
            .await?;
    }
    Ok(office)
}

async fn office_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    form: Option<OfficeForm>,
    error: Option<String>,
) -> Result<OfficePage, PageError> {
    let office = office_to_open(state, who, code).await?;
    let staff = if who.role().may_see_staff() {
        Some(state.store.users(Some(office.id)).await?)
    } else {
        None
    };
    let title = format!("Office {} — {}", office.code, office.name);
    let in_scope = who.viewer.scope.permits(office.id);
    Ok(OfficePage {
        chrome: Chrome::for_user(who, &title, csrf, "/offices").with_error(error),
        form: form.unwrap_or_else(|| OfficeForm::from_office(&office)),
        office,
        staff,
        can_edit: permit::may_manage_offices(who.role()),
        in_scope,
        zones: &OFFICE_TIME_ZONES,
    })
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let page = office_page(&state, &who, csrf, &code, None, None).await?;
    render(&page)
}

pub async fn update(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
    Form(form): Form<OfficeForm>,
) -> Result<Response, PageError> {
    require(permit::may_manage_offices(who.role()), "editing offices")?;
    let result = match form.update() {
        Ok(up) => state
            .store
            .update_office(&who.viewer.actor, &code, &up)
            .await
            .map_err(PageError::from),
        Err(m) => Err(PageError::invalid(m)),
    };
    match result {
        Ok(office) => Ok(crate::flash::redirect(
            &state,
            &format!("/offices/{}", office.code),
            "Changes saved.",
        )),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(e),
        Err(e) => {
            let page = office_page(&state, &who, csrf, &code, Some(form), Some(e.message)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
