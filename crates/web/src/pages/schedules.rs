//! Work schedules: the office's staff over a week (where and when each works, with overrides,
//! leave, closures and holidays, all from `domain::schedule::day_of` through
//! `Store::staff_days`), one person's default week and dated overrides (managers edit them),
//! and the swaps employees ask for, which managers approve or decline.

use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::appointments::{day_label, monday_of};
use crate::pages::work::{capitalise, parse_day, urlencode, working_office};
use crate::pages::{render, render_status, require, Chrome};
use crate::routes::{get, post, Table};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use time::{Date, Duration, Weekday};
use worktrack_domain::appointment_measures::may_oversee;
use worktrack_domain::schedule::{self, hhmm, Day, Shift, Week, WorkMode};
use worktrack_domain::Role;
use worktrack_store::{Office, ScheduleRequest, StoreError, User};

pub fn routes() -> Table {
    Table::new()
        .route("/schedules", get(overview))
        .route("/schedules/{username}", get(person))
        .route("/schedules/{username}/week", post(set_week))
        .route("/schedules/{username}/overrides", post(add_override))
        .route("/schedule-requests", post(request_change))
        .route("/schedule-requests/{id}", post(decide))
}

/// A day in words: `Telework 07:00–15:30`, `On leave`, `Holiday`.
pub fn describe(day: &Day) -> String {
    match day {
        Day::Works(s) => format!("{} {}–{}", s.mode.label(), hhmm(s.start), hhmm(s.end)),
        other => other.label().to_string(),
    }
}

fn describe_shift(s: &Shift) -> String {
    describe(&if s.works() { Day::Works(*s) } else { Day::Off })
}

/// One person's row of the office's week.
pub struct StaffRow {
    pub user: User,
    /// Per day: the day in words, and whether an override made it so.
    pub days: Vec<(String, bool)>,
}

/// A request as listed: who asked, for which day, what, and what became of it.
pub struct RequestRow {
    pub r: ScheduleRequest,
    pub username: String,
    pub name: String,
    pub day: String,
    pub shift: String,
}

#[derive(Template)]
#[template(path = "schedules.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub week: Date,
    pub prev: Date,
    pub next: Date,
    pub dates: Vec<(Date, String)>,
    pub rows: Vec<StaffRow>,
    pub pending: Vec<RequestRow>,
    pub may_decide: bool,
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    week: String,
}

fn request_rows(requests: Vec<ScheduleRequest>, users: &[User]) -> Vec<RequestRow> {
    requests
        .into_iter()
        .filter_map(|r| {
            let u = users.iter().find(|u| u.id == r.user_id)?;
            Some(RequestRow {
                username: u.username.clone(),
                name: u.display_name.clone(),
                day: format!("{} {}", day_label(r.day), r.day.year()),
                shift: describe_shift(&r.shift),
                r,
            })
        })
        .collect()
}

pub async fn overview(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, PageError> {
    if who.role() == Role::Employee {
        let to = format!("/schedules/{}", urlencode(&who.user.username));
        return Ok(Redirect::to(&to).into_response());
    }
    let (office, offices) = working_office(&state, &who, &q.office).await?;
    require(may_oversee(who.role()), "seeing the office's schedules")?;
    let week = monday_of(parse_day(&q.week).unwrap_or_else(|| office.today()));
    let friday = week + Duration::days(4);
    let days = state.store.staff_days(&office, week, friday).await?;
    let users = state.store.users(Some(office.id)).await?;
    let mut rows = Vec::new();
    for s in &days {
        let Some(user) = users.iter().find(|u| u.id == s.user_id) else {
            continue;
        };
        let changed: Vec<Date> = state
            .store
            .overrides(s.user_id, week, friday)
            .await?
            .into_iter()
            .map(|o| o.date)
            .collect();
        rows.push(StaffRow {
            user: user.clone(),
            days: s
                .days
                .iter()
                .map(|(d, day)| (describe(day), changed.contains(d)))
                .collect(),
        });
    }
    let requests = state
        .store
        .schedule_requests(&who.viewer, office.id, None)
        .await?
        .into_iter()
        .filter(|r| r.status == "pending")
        .collect();
    let title = format!("Schedules — {}", office.code);
    let page = OverviewPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/schedules"),
        prev: week - Duration::days(7),
        next: week + Duration::days(7),
        dates: (0..5)
            .map(|i| week + Duration::days(i))
            .map(|d| (d, day_label(d)))
            .collect(),
        pending: request_rows(requests, &users),
        may_decide: schedule::may_edit_schedules(who.role()),
        office,
        offices,
        week,
        rows,
    };
    render(&page)
}

/// One weekday of the default week, as the form shows it.
pub struct WeekRow {
    pub index: usize,
    pub label: &'static str,
    pub mode: &'static str,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "schedule.html")]
pub struct PersonPage {
    pub chrome: Chrome,
    pub user: User,
    pub office: Office,
    pub week: Vec<WeekRow>,
    pub coming: Vec<(String, String)>,
    pub overrides: Vec<(String, String)>,
    pub requests: Vec<RequestRow>,
    pub modes: Vec<(&'static str, &'static str)>,
    pub may_edit: bool,
    pub may_ask: bool,
    pub today: Date,
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The person `username` whose schedule `who` may open: in scope, with a schedule, and either
/// themselves or someone `who` oversees.
async fn subject(
    state: &AppState,
    who: &SignedIn,
    username: &str,
) -> Result<(User, Office), PageError> {
    let user = state.store.user_by_username(username).await?;
    let office_id = user.office_id.ok_or_else(PageError::not_found)?;
    if !who.viewer.scope.permits(office_id) || !schedule::has_schedule(user.role) {
        return Err(PageError::not_found());
    }
    require(
        user.id == who.user.id || may_oversee(who.role()),
        "seeing other people's schedules",
    )?;
    let office = state.store.office_by_id(office_id).await?;
    Ok((user, office))
}

async fn person_view(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    username: &str,
    error: Option<String>,
) -> Result<PersonPage, PageError> {
    let (user, office) = subject(state, who, username).await?;
    let today = office.today();
    let week = state.store.week(user.id).await?;
    let until = today + Duration::days(13);
    let days = state.store.staff_days(&office, today, until).await?;
    let coming = days
        .iter()
        .find(|s| s.user_id == user.id)
        .map(|s| {
            s.days
                .iter()
                .filter(|(d, _)| d.weekday() != Weekday::Saturday && d.weekday() != Weekday::Sunday)
                .map(|(d, day)| (day_label(*d), describe(day)))
                .collect()
        })
        .unwrap_or_default();
    let overrides = state
        .store
        .overrides(user.id, today, today + Duration::days(120))
        .await?
        .into_iter()
        .map(|o| {
            (
                format!("{} {}", day_label(o.date), o.date.year()),
                describe_shift(&o.shift),
            )
        })
        .collect();
    let users = state.store.users(Some(office.id)).await?;
    let requests = state
        .store
        .schedule_requests(&who.viewer, office.id, Some(user.id))
        .await?;
    let title = format!("Schedule — {}", user.display_name);
    Ok(PersonPage {
        chrome: Chrome::for_user(who, &title, csrf, "/schedules").with_error(error),
        week: week
            .0
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let (start, end) = s.hours();
                WeekRow {
                    index,
                    label: WEEKDAYS[index],
                    mode: s.mode.as_str(),
                    start,
                    end,
                }
            })
            .collect(),
        coming,
        overrides,
        requests: request_rows(requests, &users),
        modes: WorkMode::ALL
            .into_iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        may_edit: schedule::may_edit_schedules(who.role()),
        may_ask: user.id == who.user.id && schedule::may_request_change(who.role()),
        today,
        user,
        office,
    })
}

pub async fn person(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let page = person_view(&state, &who, csrf, &username, None).await?;
    render(&page)
}

/// After a change: back to the person's page with `message`; a refusal of the input: the
/// page again with the message and nothing changed.
async fn answer(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    username: &str,
    result: Result<String, StoreError>,
) -> Result<Response, PageError> {
    match result {
        Ok(message) => Ok(flash::redirect(
            state,
            &format!("/schedules/{}", urlencode(username)),
            message,
        )),
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            let page = person_view(state, who, csrf, username, Some(capitalise(&m))).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The default week as the form sends it: `mode_0`, `start_0`, `end_0` … `mode_6`.
pub async fn set_week(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (user, _) = subject(&state, &who, &username).await?;
    let field = |name: String| f.get(&name).map(String::as_str).unwrap_or("");
    let mut week = Week([Shift::OFF; 7]);
    for (i, label) in WEEKDAYS.iter().enumerate() {
        let shift = Shift::parse(
            field(format!("mode_{i}")),
            field(format!("start_{i}")),
            field(format!("end_{i}")),
        );
        match shift {
            Ok(s) => week.0[i] = s,
            Err(e) => {
                let m = format!("{label}: {}", capitalise(&e.to_string()));
                return answer(&state, &who, csrf, &username, Err(StoreError::Invalid(m))).await;
            }
        }
    }
    let result = state
        .store
        .set_week(&who.viewer, user.id, &week)
        .await
        .map(|()| format!("The default week of {} is saved.", user.display_name));
    answer(&state, &who, csrf, &username, result).await
}

/// A dated change: the day, the mode and hours, and why.
#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    note: String,
}

impl DayForm {
    fn parse(&self) -> Result<(Date, Shift), StoreError> {
        let day = parse_day(&self.day)
            .ok_or_else(|| StoreError::Invalid("Day: give a date, such as 2027-03-10".into()))?;
        let shift = Shift::parse(&self.mode, &self.start, &self.end)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok((day, shift))
    }
}

pub async fn add_override(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
    Form(f): Form<DayForm>,
) -> Result<Response, PageError> {
    let (user, _) = subject(&state, &who, &username).await?;
    let result = match f.parse() {
        Ok((day, shift)) => state
            .store
            .set_override(&who.viewer, user.id, day, shift, &f.note)
            .await
            .map(|()| {
                format!(
                    "{} on {day}: {}.",
                    user.display_name,
                    describe_shift(&shift)
                )
            }),
        Err(e) => Err(e),
    };
    answer(&state, &who, csrf, &username, result).await
}

pub async fn request_change(
    PageRequest { state, who, csrf }: PageRequest,
    Form(f): Form<DayForm>,
) -> Result<Response, PageError> {
    require(
        schedule::may_request_change(who.role()),
        "asking for schedule changes (the office's staff ask for them)",
    )?;
    let username = who.user.username.clone();
    let result = match f.parse() {
        Ok((day, shift)) => state
            .store
            .request_schedule_change(&who.viewer, day, shift, &f.note)
            .await
            .map(|_| format!("Your request for {day} is sent to your manager.")),
        Err(e) => Err(e),
    };
    answer(&state, &who, csrf, &username, result).await
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    /// The person whose page the decision was made on (empty: the office's week).
    #[serde(default)]
    back: String,
}

pub async fn decide(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, PageError> {
    let approve = match f.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => {
            return Err(PageError::invalid(
                "Approve or decline the request. Nothing was changed.",
            ))
        }
    };
    let back = if f.back.trim().is_empty() {
        "/schedules".to_string()
    } else {
        format!("/schedules/{}", urlencode(f.back.trim()))
    };
    match state
        .store
        .decide_schedule_request(&who.viewer, id, approve, &f.note)
        .await
    {
        Ok(()) => {
            let m = if approve {
                "Request approved: the day is changed."
            } else {
                "Request declined."
            };
            Ok(flash::redirect(&state, &back, m))
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            Ok(flash::redirect_error(&state, &back, capitalise(&m)))
        }
        Err(e) => Err(e.into()),
    }
}
