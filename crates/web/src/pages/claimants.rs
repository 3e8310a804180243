//! Claimants: the list of the offices in scope (keyset pages), adding one, one claimant with
//! the masked SSN and an audited reveal, their e-mail address (shown audited, and changed
//! there), and finding claimants by SSN (sent in a form body, never in a URL).

use super::{render, render_status, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use worktrack_domain::{EmailAddress, PersonName, SsnPolicy};
use worktrack_store::{Claimant, NewClaimant, Office};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ClaimantForm {
    pub office: String,
    pub full_name: String,
    pub ssn: String,
    pub date_of_birth: String,
    pub email: String,
}

/// Parses an optional e-mail address (empty: none on file).
pub fn parse_optional_email(s: &str) -> Result<Option<EmailAddress>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    EmailAddress::parse(s)
        .map(Some)
        .map_err(|e| format!("E-mail: {e}"))
}

/// Parses a `YYYY-MM-DD` date of birth (empty: unknown).
pub fn parse_birth_date(s: &str) -> Result<Option<time::Date>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(s, &format)
        .map_err(|_| "Date of birth: use the form YYYY-MM-DD, e.g. 1961-04-30".to_string())?;
    let today = time::OffsetDateTime::now_utc().date();
    if date > today || date.year() < 1880 {
        return Err("Date of birth: must be a past date after 1880".into());
    }
    Ok(Some(date))
}

#[derive(Template)]
#[template(path = "claimants.html")]
pub struct ClaimantsPage {
    pub chrome: Chrome,
    pub claimants: Vec<(Claimant, String)>,
    pub offices: Vec<Office>,
    pub filter: String,
    pub next_after: Option<i64>,
    pub can_create: bool,
    pub form: ClaimantForm,
    pub searched: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    office: Option<String>,
    after: Option<i64>,
}

async fn claimants_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    q: ListQuery,
    form: ClaimantForm,
    error: Option<String>,
) -> Result<ClaimantsPage, PageError> {
    let offices = super::offices_in_scope(state, who).await?;
    let filter = q.office.unwrap_or_default().trim().to_ascii_uppercase();
    let office = if filter.is_empty() {
        None
    } else {
        Some(state.store.office_by_code(&filter).await?)
    };
    let list = state
        .store
        .claimants(&who.viewer, office.as_ref(), q.after, PAGE_SIZE + 1)
        .await?;
    let next_after = (list.len() as i64 > PAGE_SIZE).then(|| list[PAGE_SIZE as usize - 1].id);
    let claimants = list
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|c| {
            let code = super::office_code(Some(c.office_id), &offices).unwrap_or_default();
            (c, code)
        })
        .collect();
    let mut form = form;
    if form.office.is_empty() {
        form.office = super::office_code(who.user.office_id, &offices).unwrap_or_default();
    }
    Ok(ClaimantsPage {
        chrome: Chrome::for_user(who, "Claimants", csrf, "/claimants").with_error(error),
        claimants,
        offices,
        filter,
        next_after,
        can_create: who.role().may_write_business_data(),
        form,
        searched: false,
    })
}

pub async fn list(
    PageRequest { state, who, csrf }: PageRequest,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    super::audit_list_query(&state, &who, "claimant", raw.as_deref()).await?;
    let page = claimants_page(&state, &who, csrf, q, ClaimantForm::default(), None).await?;
    render(&page)
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<ClaimantForm>,
) -> Result<Response, PageError> {
    // A refusal of access (another office, or a role that may not add claimants) is the
    // page's answer, as anywhere else; what was typed wrong is shown on the form.
    enum Failed {
        Refused(PageError),
        Invalid(String),
    }
    let attempt = async {
        let code = form.office.trim();
        if code.is_empty() {
            return Err(Failed::Invalid(
                "Office: choose one of your offices".to_string(),
            ));
        }
        let office = state
            .store
            .office_by_code(code)
            .await
            .map_err(|e| Failed::Refused(PageError::from(e)))?;
        let new = NewClaimant {
            full_name: PersonName::parse(&form.full_name)
                .map_err(|e| Failed::Invalid(format!("Full name: {e}")))?,
            ssn: form.ssn.clone(),
            date_of_birth: parse_birth_date(&form.date_of_birth).map_err(Failed::Invalid)?,
            email: parse_optional_email(&form.email).map_err(Failed::Invalid)?,
        };
        state
            .store
            .create_claimant(&who.viewer, &office, &new)
            .await
            .map_err(|e| {
                let e = PageError::from(e);
                if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                    Failed::Invalid(format!("SSN: {}", e.message))
                } else {
                    Failed::Refused(e)
                }
            })
    };
    match attempt.await {
        Ok(c) => Ok(Redirect::to(&format!("/claimants/{}", c.id)).into_response()),
        Err(Failed::Refused(e)) => Err(e),
        Err(Failed::Invalid(message)) => {
            // Never echo the SSN back into the page.
            let form = ClaimantForm {
                ssn: String::new(),
                ..form
            };
            let q = ListQuery {
                office: None,
                after: None,
            };
            let page = claimants_page(&state, &who, csrf, q, form, Some(message)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    ssn: String,
}

pub async fn search(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<SearchForm>,
) -> Result<Response, PageError> {
    let q = ListQuery {
        office: None,
        after: None,
    };
    // Any number that could be on file may be searched for, in live or training offices.
    let ssn = match worktrack_domain::Ssn::parse(&form.ssn, SsnPolicy::Training) {
        Ok(s) => s,
        Err(e) => {
            let page = claimants_page(
                &state,
                &who,
                csrf,
                q,
                ClaimantForm::default(),
                Some(format!("SSN: {e}")),
            )
            .await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let found = state.store.claimants_by_ssn(&who.viewer, &ssn).await?;
    let mut page = claimants_page(&state, &who, csrf, q, ClaimantForm::default(), None).await?;
    page.claimants = found
        .into_iter()
        .map(|c| {
            let code = super::office_code(Some(c.office_id), &page.offices).unwrap_or_default();
            (c, code)
        })
        .collect();
    page.next_after = None;
    page.searched = true;
    render(&page)
}

#[derive(Template)]
#[template(path = "claimant.html")]
pub struct ClaimantPage {
    pub chrome: Chrome,
    pub claimant: Claimant,
    pub office: Office,
    pub revealed: Option<String>,
    /// Whether the "Book an appointment" link is shown (the office's staff book).
    pub may_book: bool,
    /// The address on file (its showing is audited).
    pub email: Option<String>,
    /// Whether the e-mail form is shown, and what it holds.
    pub may_edit: bool,
    pub email_typed: String,
}

async fn claimant_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    id: i64,
    reveal: bool,
) -> Result<ClaimantPage, PageError> {
    let claimant = state.store.claimant(&who.viewer, id).await?;
    let revealed = if reveal {
        Some(state.store.reveal_ssn(&who.viewer, id).await?)
    } else {
        None
    };
    let email = if claimant.has_email {
        state.store.claimant_email(&who.viewer, id).await?
    } else {
        None
    };
    let office = state.store.office_by_id(claimant.office_id).await?;
    let title = format!("Claimant {}", claimant.full_name);
    Ok(ClaimantPage {
        chrome: Chrome::for_user(who, &title, csrf, "/claimants"),
        claimant,
        office,
        revealed,
        may_book: worktrack_domain::appointments::may_book(who.role()),
        email_typed: email.clone().unwrap_or_default(),
        email,
        may_edit: who.role().may_write_business_data(),
    })
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render(&claimant_page(&state, &who, csrf, id, false).await?)
}

pub async fn reveal(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render(&claimant_page(&state, &who, csrf, id, true).await?)
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Puts an e-mail address on file for a claimant, or removes it (an empty field). A bad address
/// changes nothing and is shown on the form.
pub async fn set_email(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    match parse_optional_email(&form.email) {
        Ok(email) => {
            state
                .store
                .set_claimant_email(&who.viewer, id, email.as_ref())
                .await?;
            Ok(Redirect::to(&format!("/claimants/{id}")).into_response())
        }
        Err(message) => {
            let mut page = claimant_page(&state, &who, csrf, id, false).await?;
            page.email_typed = form.email.trim().to_string();
            page.chrome = page.chrome.with_error(Some(message));
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
