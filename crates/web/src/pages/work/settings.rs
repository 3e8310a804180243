//! The dashboard's settings: how work is handed out, deadlines, leave.

use super::{capitalise, parse_day, urlencode, work_holders, working_office, DashParams};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::home::day_counts;
use crate::pages::{render, render_status, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::permit;
use worktrack_domain::work::AssignmentRule;
use worktrack_store::{Office, StoreError, User, WorkloadRule};

/// A settings form sent back: which field is wrong and what was typed.
#[derive(Default)]
pub struct SettingsErrors {
    /// The assignment rule's error.
    pub rule: Option<String>,
    /// The workload whose deadline was refused, its message and the value typed.
    pub policy: Option<(String, String, String)>,
    /// The leave form's field in error (`user`, `first_day`, `last_day`, `note`), its message.
    pub leave: Option<(&'static str, String)>,
    /// The leave form as it was sent.
    pub leave_form: Option<LeaveForm>,
}

impl SettingsErrors {
    /// The message of the deadline field of `workload`, if that one was refused.
    pub fn policy_error(&self, workload: &str) -> Option<&str> {
        match &self.policy {
            Some((w, m, _)) if w == workload => Some(m.as_str()),
            _ => None,
        }
    }

    /// The value typed in the deadline field of `workload`, if that one was refused.
    pub fn policy_value(&self, workload: &str) -> &str {
        match &self.policy {
            Some((w, _, v)) if w == workload => v.as_str(),
            _ => "",
        }
    }

    /// The message of the leave form's `field`, if that one is wrong.
    pub fn leave_error(&self, field: &str) -> Option<&str> {
        match &self.leave {
            Some((f, m)) if *f == field => Some(m.as_str()),
            _ => None,
        }
    }

    /// What was typed in the leave form's `field`.
    pub fn leave_value(&self, field: &str) -> &str {
        match &self.leave_form {
            Some(f) => match field {
                "user" => &f.user,
                "first_day" => &f.first_day,
                "last_day" => &f.last_day,
                "note" => &f.note,
                _ => "",
            },
            None => "",
        }
    }
}

#[derive(Template)]
#[template(path = "work_dashboard_settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub rules: Vec<WorkloadRule>,
    pub assignment_rules: Vec<(&'static str, &'static str)>,
    pub people: Vec<User>,
    pub leave: Vec<(String, worktrack_store::Leave)>,
    pub errors: SettingsErrors,
}

async fn settings_page_of(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    errors: SettingsErrors,
) -> Result<SettingsPage, PageError> {
    let (office, offices) = working_office(state, who, code).await?;
    if !permit::may_set_deadlines(who.role()) {
        return Err(PageError::forbidden(
            "Only managers and area directors change how work is handed out.",
        ));
    }
    let today = office.today();
    let people = work_holders(state, office.id).await?;
    let leave = state
        .store
        .leave(office.id, today)
        .await?
        .into_iter()
        .map(|l| {
            let name = people
                .iter()
                .find(|u| u.id == l.user_id)
                .map(|u| u.display_name.clone())
                .unwrap_or_default();
            (name, l)
        })
        .collect();
    let summary = errors
        .rule
        .clone()
        .or_else(|| errors.policy.as_ref().map(|p| p.1.clone()))
        .or_else(|| errors.leave.as_ref().map(|l| l.1.clone()));
    Ok(SettingsPage {
        chrome: Chrome::for_user(
            who,
            &format!("Dashboard settings — {}", office.code),
            csrf,
            "/dashboard",
        )
        .with_error(summary)
        .with_day_counts(&day_counts(state, who).await?),
        rules: state.store.workload_rules_cached(office.id).await?.to_vec(),
        assignment_rules: AssignmentRule::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        people,
        leave,
        errors,
        office,
        offices,
    })
}

/// The settings sent back with what is wrong, next to the field: 422, nothing changed.
async fn settings_refused(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    errors: SettingsErrors,
) -> Result<Response, PageError> {
    let page = settings_page_of(state, who, csrf, code, errors).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

fn back_to_settings(state: &AppState, office: &str, message: &str) -> Response {
    let to = format!("/dashboard/settings?office={}", urlencode(office));
    flash::redirect(state, &to, message)
}

/// The answer to a settings form the store took or refused: back to the settings with
/// `saved`, or the settings again with the store's reason put by `errors` next to its field.
async fn settings_answer<T>(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    code: &str,
    result: Result<T, StoreError>,
    saved: &str,
    errors: impl FnOnce(String) -> SettingsErrors,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(back_to_settings(state, code, saved)),
        Err(StoreError::Invalid(m)) => settings_refused(state, who, csrf, code, errors(m)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn settings_page(
    PageRequest { state, who, csrf }: PageRequest,
    Query(p): Query<DashParams>,
) -> Result<Response, PageError> {
    let page = settings_page_of(&state, &who, csrf, &p.office, SettingsErrors::default()).await?;
    render(&page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    office: String,
    rule: String,
    keep: String,
}

pub async fn settings(
    PageRequest { state, who, csrf }: PageRequest,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    let result = state
        .store
        .set_assignment_rule(&who.viewer, &office, &f.rule, f.keep == "on")
        .await;
    let saved = "Assignment settings saved.";
    settings_answer(&state, &who, csrf, &office.code, result, saved, |m| {
        SettingsErrors {
            rule: Some(capitalise(&m)),
            ..SettingsErrors::default()
        }
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyForm {
    office: String,
    workload: String,
    days: String,
}

pub async fn policy(
    PageRequest { state, who, csrf }: PageRequest,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    let result = state
        .store
        .set_deadline_policy(&who.viewer, &office, &f.workload, &f.days)
        .await;
    let saved = "Deadline saved; it applies to new work items.";
    settings_answer(&state, &who, csrf, &office.code, result, saved, |m| {
        SettingsErrors {
            policy: Some((f.workload.clone(), capitalise(&m), f.days.clone())),
            ..SettingsErrors::default()
        }
    })
    .await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LeaveForm {
    office: String,
    user: String,
    first_day: String,
    last_day: String,
    note: String,
}

pub async fn add_leave(
    PageRequest { state, who, csrf }: PageRequest,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let (office, _) = working_office(&state, &who, &f.office).await?;
    let refuse = |field: &'static str, m: String| SettingsErrors {
        leave: Some((field, m)),
        leave_form: Some(f.clone()),
        ..SettingsErrors::default()
    };
    let Ok(user) = state.store.user_by_username(&f.user).await else {
        let errors = refuse("user", "Choose the person on leave.".into());
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    let Some(first) = parse_day(&f.first_day) else {
        let errors = refuse(
            "first_day",
            "Give the first day of leave as a date, such as 2026-12-01.".into(),
        );
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    let Some(last) = parse_day(&f.last_day) else {
        let errors = refuse(
            "last_day",
            "Give the last day of leave as a date, such as 2026-12-05.".into(),
        );
        return settings_refused(&state, &who, csrf, &office.code, errors).await;
    };
    let result = state
        .store
        .add_leave(&who.viewer, user.id, first, last, &f.note)
        .await;
    let saved = format!(
        "Leave recorded for {}: automatic assignment passes them over.",
        user.display_name
    );
    settings_answer(&state, &who, csrf, &office.code, result, &saved, |m| {
        let field = if m.contains("note") {
            "note"
        } else if m.contains("person") || m.contains("member") {
            "user"
        } else {
            "last_day"
        };
        refuse(field, capitalise(&m))
    })
    .await
}
