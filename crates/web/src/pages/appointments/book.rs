//! Booking an appointment for a claimant (named by their record number, never an SSN): choose
//! the type, then either book the next free time with one button or pick one from the week's
//! free times; the contact, the reason (the workload), accommodations and a work item.

use super::{clock, day_label, monday_of, office_zone, optional_id};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::work::capitalise;
use crate::pages::{render, render_status, require, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::{Date, Duration};
use worktrack_domain::appointments::{self as rules, Accommodations, Channel};
use worktrack_domain::catalogue::Workload;
use worktrack_domain::TimeZone;
use worktrack_store::{local_label, AppointmentKind, Claimant, NewAppointment, Office, StoreError};

/// The booking form as sent (and sent back with an error).
#[derive(Deserialize, Default, Clone)]
pub struct BookForm {
    #[serde(default)]
    pub claimant: String,
    #[serde(default, rename = "type")]
    pub type_id: String,
    /// `next` (the button beside the next free time) or `chosen` (a time picked in the week).
    #[serde(default)]
    pub pick: String,
    #[serde(default)]
    pub next: String,
    #[serde(default)]
    pub slot: String,
    #[serde(default)]
    pub week: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub workload: String,
    #[serde(default)]
    pub interpreter: Option<String>,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub sign_language: Option<String>,
    #[serde(default)]
    pub accessible_room: Option<String>,
    #[serde(default)]
    pub large_print: Option<String>,
    #[serde(default)]
    pub companion: Option<String>,
    #[serde(default)]
    pub work_item: String,
}

/// A free time as the page offers it.
pub struct SlotView {
    pub start_ms: i64,
    pub time: String,
    pub label: String,
    pub checked: bool,
}

/// One day of the week view.
pub struct DayView {
    pub label: String,
    pub slots: Vec<SlotView>,
    /// Why there is nothing to pick, when there is nothing.
    pub none: &'static str,
}

#[derive(Template)]
#[template(path = "appointment_book.html")]
pub struct BookPage {
    pub chrome: Chrome,
    pub claimant: Claimant,
    pub office: Office,
    pub types: Vec<AppointmentKind>,
    pub kind: Option<AppointmentKind>,
    pub next: Option<SlotView>,
    pub days: Vec<DayView>,
    pub week: Date,
    pub prev_week: Option<Date>,
    pub next_week: Date,
    pub workloads: Vec<Workload>,
    pub form: BookForm,
}

impl BookPage {
    fn channel(&self) -> Option<Channel> {
        self.kind.as_ref().map(|k| k.kind.channel)
    }

    pub fn is_video(&self) -> bool {
        self.channel() == Some(Channel::Video)
    }

    pub fn needs_contact(&self) -> bool {
        self.channel() != Some(Channel::InPerson)
    }

    pub fn contact_label(&self) -> &'static str {
        match self.channel() {
            Some(Channel::Video) => "Video link",
            Some(Channel::InPerson) => "Contact (not needed in person)",
            _ => "Phone number to call",
        }
    }
}

#[derive(Deserialize)]
pub struct BookQuery {
    #[serde(default)]
    claimant: String,
    #[serde(default, rename = "type")]
    type_id: String,
    #[serde(default)]
    week: String,
}

/// The booking page for the claimant of `form`, with `error` when a booking was refused.
async fn book_view(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    mut form: BookForm,
    error: Option<String>,
) -> Result<BookPage, PageError> {
    let claimant_id: i64 = form
        .claimant
        .trim()
        .parse()
        .map_err(|_| PageError::not_found())?;
    let claimant = state.store.claimant(&who.viewer, claimant_id).await?;
    require(
        rules::may_book(who.role()),
        "booking appointments (the office's staff book them)",
    )?;
    let office = state.store.office_by_id(claimant.office_id).await?;
    let tz = office_zone(&office)?;
    let types: Vec<AppointmentKind> = state
        .store
        .appointment_types(&who.viewer, office.id)
        .await?
        .into_iter()
        .filter(|k| k.active)
        .collect();
    let chosen: Option<i64> = form.type_id.trim().parse().ok();
    let kind = types
        .iter()
        .find(|k| Some(k.id) == chosen)
        .or_else(|| types.iter().find(|k| k.kind.channel == Channel::Phone))
        .or_else(|| types.first())
        .cloned();
    if let Some(k) = &kind {
        form.type_id = k.id.to_string();
    }
    let today = office.today();
    let this_week = monday_of(today);
    let mut next = None;
    let mut days = Vec::new();
    let mut week = super::super::work::parse_day(&form.week)
        .map(monday_of)
        .filter(|w| *w >= this_week);
    if let Some(k) = &kind {
        let slot = state.store.next_available(&who.viewer, k.id).await?;
        next = slot.map(|s| slot_view(tz, s.start_ms, &form.next));
        let start = week.unwrap_or_else(|| {
            next.as_ref()
                .map(|s| monday_of(tz.local_date(s.start_ms)))
                .unwrap_or(this_week)
        });
        week = Some(start);
        days = week_view(state, who, k, tz, start, today, &form.slot).await?;
    }
    let week = week.unwrap_or(this_week);
    form.week = week.to_string();
    let catalogue = state.store.catalogue().await?;
    let title = format!("Book an appointment for {}", claimant.full_name);
    Ok(BookPage {
        chrome: Chrome::for_user(who, &title, csrf, "/claimants").with_error(error),
        prev_week: (week > this_week).then(|| week - Duration::days(7)),
        next_week: week + Duration::days(7),
        claimant,
        office,
        types,
        kind,
        next,
        days,
        week,
        workloads: catalogue.workloads,
        form,
    })
}

fn slot_view(tz: TimeZone, start_ms: i64, picked: &str) -> SlotView {
    SlotView {
        start_ms,
        time: clock(tz, start_ms),
        label: local_label(tz, start_ms),
        checked: picked.trim() == start_ms.to_string(),
    }
}

/// The free times of `kind` on each working day of the week from `monday`.
async fn week_view(
    state: &AppState,
    who: &SignedIn,
    kind: &AppointmentKind,
    tz: TimeZone,
    monday: Date,
    today: Date,
    picked: &str,
) -> Result<Vec<DayView>, PageError> {
    let mut days = Vec::new();
    for i in 0..5 {
        let date = monday + Duration::days(i);
        let slots: Vec<SlotView> = if date < today {
            Vec::new()
        } else {
            state
                .store
                .availability(&who.viewer, kind.id, date)
                .await?
                .into_iter()
                .map(|s| slot_view(tz, s.start_ms, picked))
                .collect()
        };
        let none = if date < today {
            "This day has passed."
        } else {
            "No free time this day."
        };
        days.push(DayView {
            label: day_label(date),
            slots,
            none,
        });
    }
    Ok(days)
}

pub async fn book_page(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<BookQuery>,
) -> Result<Response, PageError> {
    let form = BookForm {
        claimant: q.claimant,
        type_id: q.type_id,
        week: q.week,
        ..BookForm::default()
    };
    let page = book_view(&state, &who, csrf, form, None).await?;
    render(&page)
}

/// What the form asks for, or the first thing wrong with it.
fn new_appointment(form: &BookForm) -> Result<NewAppointment, String> {
    let type_id = form
        .type_id
        .trim()
        .parse()
        .map_err(|_| "Choose the type of appointment.".to_string())?;
    let claimant_id =
        form.claimant.trim().parse().map_err(|_| {
            "The claimant's record is missing; open the claimant again.".to_string()
        })?;
    let start = if form.pick == "next" {
        &form.next
    } else {
        &form.slot
    };
    let start_ms = start
        .trim()
        .parse()
        .map_err(|_| "Choose a time in the week, or book the next free time.".to_string())?;
    let interpreter = if form.interpreter.is_some() {
        match Accommodations::interpreter_language(&form.language) {
            Ok(Some(language)) => Some(language),
            Ok(None) => return Err("Interpreter: give the language.".into()),
            Err(e) => return Err(format!("Interpreter: {}", capitalise(&e.to_string()))),
        }
    } else {
        None
    };
    if form.workload.trim().is_empty() {
        return Err("Reason: choose the workload the appointment is about.".into());
    }
    Ok(NewAppointment {
        type_id,
        claimant_id,
        start_ms,
        staff_id: None,
        contact: form.contact.clone(),
        workload: form.workload.clone(),
        accommodations: Accommodations {
            interpreter,
            sign_language: form.sign_language.is_some(),
            accessible_room: form.accessible_room.is_some(),
            large_print: form.large_print.is_some(),
            companion: form.companion.is_some(),
        },
        work_item_id: optional_id("Work item", &form.work_item)?,
    })
}

pub async fn book(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<BookForm>,
) -> Result<Response, PageError> {
    let refused = |status: StatusCode, message: String, form: BookForm| {
        let state = state.clone();
        let who = who.clone();
        let csrf = csrf.clone();
        async move {
            let page = book_view(&state, &who, csrf, form, Some(message)).await?;
            Ok::<Response, PageError>(render_status(status, &page))
        }
    };
    let new = match new_appointment(&form) {
        Ok(n) => n,
        Err(m) => return refused(StatusCode::UNPROCESSABLE_ENTITY, m, form).await,
    };
    match state.store.book_appointment(&who.viewer, &new).await {
        Ok(a) => {
            let tz = TimeZone::parse(
                &state
                    .store
                    .office_by_id(a.office_id)
                    .await?
                    .time_zone
                    .clone(),
            )
            .map_err(|_| PageError::internal())?;
            let message = format!(
                "Booked: {} appointment on {} with {}.",
                a.channel.label().to_lowercase(),
                local_label(tz, a.start_ms),
                a.staff_name
            );
            Ok(flash::redirect(
                &state,
                &format!("/appointments/{}", a.id),
                message,
            ))
        }
        // Taken meanwhile: the store names the next free time; nothing was booked.
        Err(StoreError::Conflict(m)) => {
            let form = BookForm {
                slot: String::new(),
                ..form
            };
            refused(StatusCode::CONFLICT, capitalise(&m), form).await
        }
        Err(StoreError::Invalid(m)) => {
            refused(StatusCode::UNPROCESSABLE_ENTITY, capitalise(&m), form).await
        }
        Err(e) => Err(e.into()),
    }
}
