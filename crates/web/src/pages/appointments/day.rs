//! The office's day: every appointment and who serves it, who works where, and the in-person
//! load of each hour against the rooms or desks of each in-person type.

use super::{clock, day_bounds, day_label, office_zone};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::pages::work::{parse_day, working_office};
use crate::pages::{render, require, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use time::{Date, Duration};
use worktrack_domain::appointment_measures::peak_at_once;
use worktrack_domain::appointments::{self as rules, instant_at, AppointmentState, Channel};
use worktrack_domain::schedule::{hhmm, Day, WorkMode};
use worktrack_store::{Appointment, Office};

/// One appointment as the day lists it.
pub struct DayRow {
    pub a: Appointment,
    pub start: String,
    pub end: String,
    pub accommodations: String,
}

/// One in-person type's load, hour by hour: (hour label, most at once, rooms or desks).
pub struct LoadRow {
    pub name: String,
    pub capacity: u32,
    pub hours: Vec<(String, usize)>,
}

#[derive(Template)]
#[template(path = "appointments_day.html")]
pub struct OfficeDayPage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub date: Date,
    pub label: String,
    pub prev: Date,
    pub next: Date,
    pub rows: Vec<DayRow>,
    /// Who works that day: name, where and the hours (or why not).
    pub staff: Vec<(String, String)>,
    pub hours: Vec<String>,
    pub load: Vec<LoadRow>,
}

#[derive(Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    date: String,
}

/// Who of the office works where on `date`, by name, and the office's opening hours that day
/// (the earliest start and latest end of the people in the office).
async fn who_works(
    state: &AppState,
    office: &Office,
    date: Date,
) -> Result<(Vec<(String, String)>, (u32, u32)), PageError> {
    let days = state.store.staff_days(office, date, date).await?;
    let users = state.store.users(Some(office.id)).await?;
    let mut staff = Vec::new();
    let mut open: Option<(u32, u32)> = None;
    for s in days {
        let Some(user) = users.iter().find(|u| u.id == s.user_id) else {
            continue;
        };
        let day = s.on(date);
        let what = match day {
            Day::Works(shift) => {
                if shift.mode == WorkMode::Office {
                    let (a, b) = shift.minutes();
                    open = Some(open.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
                }
                format!(
                    "{}, {}–{}",
                    shift.mode.label(),
                    hhmm(shift.start),
                    hhmm(shift.end)
                )
            }
            other => other.label().to_string(),
        };
        staff.push((user.display_name.clone(), what));
    }
    Ok((staff, open.unwrap_or((8 * 60, 17 * 60))))
}

pub async fn office_day(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let (office, offices) = working_office(&state, &who, &q.office).await?;
    require(rules::may_view(who.role()), "seeing appointments")?;
    let tz = office_zone(&office)?;
    let date = parse_day(&q.date).unwrap_or_else(|| office.today());
    let (from, to) = day_bounds(tz, date);
    let list = state
        .store
        .appointments(&who.viewer, office.id, None, from, to)
        .await?;
    let (staff, (open, close)) = who_works(&state, &office, date).await?;
    let kinds = state
        .store
        .appointment_types(&who.viewer, office.id)
        .await?;
    let first_hour = open / 60;
    let last_hour = close.div_ceil(60);
    let hour_starts: Vec<(u32, i64)> = (first_hour..last_hour)
        .filter_map(|h| instant_at(tz, date, h * 60).map(|ms| (h, ms)))
        .collect();
    let load = kinds
        .iter()
        .filter(|k| k.active && k.kind.channel == Channel::InPerson)
        .map(|k| {
            let spans: Vec<(i64, i64)> = list
                .iter()
                .filter(|a| a.type_id == k.id && a.state != AppointmentState::Cancelled)
                .map(|a| (a.start_ms, a.end_ms))
                .collect();
            LoadRow {
                name: k.name.clone(),
                capacity: k.kind.capacity,
                hours: hour_starts
                    .iter()
                    .map(|(h, ms)| {
                        (
                            format!("{h:02}:00"),
                            peak_at_once(&spans, *ms, ms + 3_600_000),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let rows = list
        .into_iter()
        .map(|a| DayRow {
            start: clock(tz, a.start_ms),
            end: clock(tz, a.end_ms),
            accommodations: a.accommodations.describe().join(", "),
            a,
        })
        .collect();
    let title = format!("Appointments — {} — {}", office.code, date);
    let page = OfficeDayPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/appointments"),
        label: day_label(date),
        prev: date - Duration::days(1),
        next: date + Duration::days(1),
        hours: hour_starts
            .iter()
            .map(|(h, _)| format!("{h:02}:00"))
            .collect(),
        office,
        offices,
        date,
        rows,
        staff,
        load,
    };
    render(&page)
}

/// One of a person's own appointments, as their day lists it.
pub struct MyAppointment {
    pub id: i64,
    pub when: String,
    pub what: String,
    pub accommodations: String,
}

/// Days of appointments the person's day shows: today and the days after.
pub const MY_DAYS: i64 = 7;

/// `who`'s own appointments (not cancelled) from today to [`MY_DAYS`] ahead, soonest first:
/// for the people who serve them (employees and managers), nothing for others.
pub async fn my_appointments(
    state: &AppState,
    who: &SignedIn,
    office: &Office,
) -> Result<Vec<MyAppointment>, PageError> {
    if !worktrack_domain::schedule::has_schedule(who.role()) || !who.viewer.scope.permits(office.id)
    {
        return Ok(Vec::new());
    }
    let tz = office_zone(office)?;
    let today = office.today();
    let (from, _) = day_bounds(tz, today);
    let (_, to) = day_bounds(tz, today + Duration::days(MY_DAYS - 1));
    let list = state
        .store
        .appointments(&who.viewer, office.id, Some(who.user.id), from, to)
        .await?;
    Ok(list
        .into_iter()
        .filter(|a| a.state != AppointmentState::Cancelled)
        .map(|a| {
            let date = tz.local_date(a.start_ms);
            let day = if date == today {
                "Today".to_string()
            } else {
                day_label(date)
            };
            MyAppointment {
                id: a.id,
                when: format!("{day} {}", clock(tz, a.start_ms)),
                what: format!(
                    "{} — {} ({})",
                    a.claimant_name,
                    a.type_name,
                    a.state.label()
                ),
                accommodations: a.accommodations.describe().join(", "),
            }
        })
        .collect())
}
