//! One appointment: its details, its history (who did what, and why), its calendar entry, and
//! its moves: reschedule (to a free time of the same type), cancel, no-show, completed.

use super::{clock, day_label, office_zone};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::work::capitalise;
use crate::pages::{render, render_status, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Duration;
use worktrack_domain::appointments::{self as rules, AppointmentMove, AppointmentState};
use worktrack_store::{local_label, Appointment, AppointmentEvent, Office, StoreError};

/// A line of the history as shown.
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub note: String,
}

/// The free times a reschedule may move to, by day.
pub struct MoveDay {
    pub label: String,
    pub slots: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "appointment.html")]
pub struct AppointmentPage {
    pub chrome: Chrome,
    pub a: Appointment,
    pub office: Office,
    pub when: String,
    /// The appointment's day on the office's clock.
    pub day: time::Date,
    pub ends: String,
    pub accommodations: Vec<String>,
    pub history: Vec<HistoryLine>,
    /// Booked and before its time: it may be rescheduled or cancelled.
    pub may_move: bool,
    /// Booked and its time has come: it may be completed or marked a no-show.
    pub may_close: bool,
    pub move_days: Vec<MoveDay>,
}

fn history_line(tz: worktrack_domain::TimeZone, e: AppointmentEvent) -> HistoryLine {
    let what = match e.action.as_str() {
        "booked" => match e.to_start_ms {
            Some(t) => format!("Booked for {}", local_label(tz, t)),
            None => "Booked".to_string(),
        },
        "reschedule" => format!(
            "Rescheduled from {} to {}",
            e.from_start_ms
                .map(|t| local_label(tz, t))
                .unwrap_or_default(),
            e.to_start_ms
                .map(|t| local_label(tz, t))
                .unwrap_or_default()
        ),
        "cancel" => "Cancelled".to_string(),
        "no_show" => "Marked a no-show".to_string(),
        "complete" => "Completed".to_string(),
        other => other.to_string(),
    };
    HistoryLine {
        at: local_label(tz, e.at),
        actor: e.actor,
        what,
        note: e.note,
    }
}

async fn appointment_view(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    id: i64,
    error: Option<String>,
) -> Result<AppointmentPage, PageError> {
    let (a, events) = state.store.appointment(&who.viewer, id).await?;
    let office = state.store.office_by_id(a.office_id).await?;
    let tz = office_zone(&office)?;
    let now = worktrack_store::now_ms();
    let staff = rules::may_book(who.role());
    let booked = a.state == AppointmentState::Booked;
    let may_move = staff && booked && now < a.start_ms;
    let may_close = staff && booked && now >= a.start_ms;
    let mut move_days = Vec::new();
    if may_move {
        // The free times of the same type over the next two weeks.
        let today = office.today();
        let calendar = state.store.office_calendar_cached(&office).await?;
        for i in 0..14 {
            let date = today + Duration::days(i);
            if !calendar.is_business_day(date) {
                continue;
            }
            let slots = state
                .store
                .availability(&who.viewer, a.type_id, date)
                .await?;
            if !slots.is_empty() {
                move_days.push(MoveDay {
                    label: day_label(date),
                    slots: slots
                        .into_iter()
                        .map(|s| (s.start_ms, clock(tz, s.start_ms)))
                        .collect(),
                });
            }
        }
    }
    let title = format!("Appointment with {}", a.claimant_name);
    Ok(AppointmentPage {
        chrome: Chrome::for_user(who, &title, csrf, "").with_error(error),
        when: local_label(tz, a.start_ms),
        day: tz.local_date(a.start_ms),
        ends: clock(tz, a.end_ms),
        accommodations: a.accommodations.describe(),
        history: events.into_iter().map(|e| history_line(tz, e)).collect(),
        may_move,
        may_close,
        move_days,
        office,
        a,
    })
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let page = appointment_view(&state, &who, csrf, id, None).await?;
    render(&page)
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    start: String,
    /// On completion: `none`, `create` (start a work item for the claimant) or `update` (note
    /// it on the linked work item).
    #[serde(default)]
    work_item: String,
}

pub async fn act(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    let refused = |status: StatusCode, message: String| {
        let (state, who, csrf) = (state.clone(), who.clone(), csrf.clone());
        async move {
            let page = appointment_view(&state, &who, csrf, id, Some(message)).await?;
            Ok::<Response, PageError>(render_status(status, &page))
        }
    };
    let Some(mv) = AppointmentMove::parse(f.action.trim()) else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose what to do with the appointment.".into(),
        )
        .await;
    };
    let follow_up =
        match rules::work_item_follow_up(mv, &f.work_item) {
            Ok(f) => f,
            Err(_) => return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Work item: choose none, start a work item, or add to the linked one, and only \
                 when completing."
                    .into(),
            )
            .await,
        };
    let start = match (mv, f.start.trim()) {
        (AppointmentMove::Reschedule, "") => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Reschedule: choose the new time.".into(),
            )
            .await
        }
        (AppointmentMove::Reschedule, s) => match s.parse::<i64>() {
            Ok(ms) => Some(ms),
            Err(_) => {
                return refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Reschedule: choose the new time from the list.".into(),
                )
                .await
            }
        },
        _ => None,
    };
    let moved = match follow_up {
        Some(create) => {
            state
                .store
                .complete_with_work_item(&who.viewer, id, &f.note, create)
                .await
        }
        None => {
            state
                .store
                .move_appointment(&who.viewer, id, mv, &f.note, start)
                .await
        }
    };
    match moved {
        Ok(a) => {
            let office = state.store.office_by_id(a.office_id).await?;
            let tz = office_zone(&office)?;
            let message = match mv {
                AppointmentMove::Reschedule => {
                    format!("Rescheduled to {}.", local_label(tz, a.start_ms))
                }
                AppointmentMove::Cancel => "The appointment is cancelled.".to_string(),
                AppointmentMove::NoShow => "The appointment is marked a no-show.".to_string(),
                AppointmentMove::Complete => match (follow_up, a.work_item_id) {
                    (Some(true), Some(item)) => {
                        format!("The appointment is completed; work item {item} is started.")
                    }
                    (Some(false), Some(item)) => {
                        format!("The appointment is completed and noted on work item {item}.")
                    }
                    _ => "The appointment is completed.".to_string(),
                },
            };
            Ok(flash::redirect(
                &state,
                &format!("/appointments/{id}"),
                message,
            ))
        }
        Err(StoreError::Invalid(m)) => {
            refused(StatusCode::UNPROCESSABLE_ENTITY, capitalise(&m)).await
        }
        Err(StoreError::Conflict(m)) => refused(StatusCode::CONFLICT, capitalise(&m)).await,
        Err(e) => Err(e.into()),
    }
}
