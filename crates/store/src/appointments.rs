//! Appointments: the types an office offers, the free slots its schedules leave, booking,
//! moves (reschedule, cancel, no-show, completed) with who and why, and the day lists.
//!
//! Double booking is impossible by construction: a booked appointment holds one row in
//! `appointment_cells` for every 15-minute cell of its employee's busy time (buffers included)
//! and, in person, one row in `appointment_rooms` per cell for a room or desk; both tables'
//! primary keys refuse a second holder whatever the application does. Booking reads the day,
//! asks the domain for the slot ([`worktrack_domain::appointments::check_booking`]) and inserts
//! the cells in one transaction; when another booking won the race the insert fails and the
//! caller is told the slot is taken and which one is next.

use crate::appointment_cells::{
    add_event, hold_cells, hold_rooms, push_cells, release_cells, taken_on_unique,
};
use crate::audit::{Event, CLAIM_HEAD};
use crate::batch::Statements;
use crate::db::{now_ms, Backend};
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::reminders::{push_new_reminders, requeue_reminders_in};
use crate::schedules::StaffDays;
use crate::{Store, Viewer};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use time::Date;
use worktrack_domain::appointments::{
    self as rules, appointment_move, busy_span, cells, room_span, Accommodations, AppointmentError,
    AppointmentMove, AppointmentState, AppointmentType, Busy, Channel, DayBook, Server, Slot,
    TypeSpec, GRID_MINUTES,
};
use worktrack_domain::{Skill, TimeZone};

const CELL_MS: i64 = GRID_MINUTES as i64 * 60_000;

/// An appointment type as an office has set it up.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentKind {
    pub id: i64,
    pub office_id: i64,
    pub name: String,
    pub kind: AppointmentType,
    pub active: bool,
}

/// One appointment, with the names staff see (never shown to analysts).
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub id: i64,
    pub office_id: i64,
    pub type_id: i64,
    pub type_name: String,
    pub claimant_id: i64,
    pub claimant_name: String,
    pub staff_id: i64,
    pub staff_name: String,
    pub channel: Channel,
    pub start_ms: i64,
    pub end_ms: i64,
    pub contact: String,
    pub workload: String,
    pub accommodations: Accommodations,
    pub work_item_id: Option<i64>,
    pub state: AppointmentState,
    pub created_at: i64,
}

/// What a booking asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAppointment {
    pub type_id: i64,
    pub claimant_id: i64,
    pub start_ms: i64,
    /// Who should serve it; anyone free when `None`.
    pub staff_id: Option<i64>,
    /// The phone number to call, or the video link; empty for in person.
    pub contact: String,
    pub workload: String,
    pub accommodations: Accommodations,
    pub work_item_id: Option<i64>,
}

/// One line of an appointment's history.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentEvent {
    pub action: String,
    pub note: String,
    pub from_start_ms: Option<i64>,
    pub to_start_ms: Option<i64>,
    pub actor: String,
    pub at: i64,
}

struct KindRow {
    id: i64,
    office_id: i64,
    name: String,
    channel: String,
    duration_min: i64,
    buffer_before_min: i64,
    buffer_after_min: i64,
    min_notice_min: i64,
    horizon_days: i64,
    skills: String,
    capacity: i64,
    active: i64,
}

from_row!(KindRow {
    id,
    office_id,
    name,
    channel,
    duration_min,
    buffer_before_min,
    buffer_after_min,
    min_notice_min,
    horizon_days,
    skills,
    capacity,
    active
});

const KIND_COLUMNS: &str = "id, office_id, name, channel, duration_min, buffer_before_min, \
    buffer_after_min, min_notice_min, horizon_days, skills, capacity, active";

impl KindRow {
    fn into_kind(self) -> Result<AppointmentKind> {
        let spec = TypeSpec {
            channel: self.channel,
            duration_min: self.duration_min,
            buffer_before_min: self.buffer_before_min,
            buffer_after_min: self.buffer_after_min,
            min_notice_min: self.min_notice_min,
            horizon_days: self.horizon_days,
            skills: Skill::parse_list(&self.skills)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
            capacity: self.capacity,
        };
        Ok(AppointmentKind {
            id: self.id,
            office_id: self.office_id,
            name: self.name,
            kind: AppointmentType::parse(&spec).map_err(invalid)?,
            active: self.active != 0,
        })
    }
}

struct AppointmentRow {
    id: i64,
    office_id: i64,
    type_id: i64,
    type_name: String,
    claimant_id: i64,
    claimant_name: String,
    staff_id: i64,
    staff_name: String,
    channel: String,
    start_ms: i64,
    end_ms: i64,
    contact: String,
    workload: String,
    accommodations: String,
    work_item_id: Option<i64>,
    state: String,
    created_at: i64,
}

from_row!(AppointmentRow {
    id,
    office_id,
    type_id,
    type_name,
    claimant_id,
    claimant_name,
    staff_id,
    staff_name,
    channel,
    start_ms,
    end_ms,
    contact,
    workload,
    accommodations,
    work_item_id,
    state,
    created_at
});

struct EventRow {
    action: String,
    note: String,
    from_start_ms: Option<i64>,
    to_start_ms: Option<i64>,
    actor: Option<String>,
    at: i64,
}

from_row!(EventRow {
    action,
    note,
    from_start_ms,
    to_start_ms,
    actor,
    at
});

const APPOINTMENT_SELECT: &str = "SELECT a.id, a.office_id, a.type_id, t.name AS type_name, \
    a.claimant_id, c.full_name AS claimant_name, a.staff_id, u.display_name AS staff_name, \
    a.channel, a.start_ms, a.end_ms, a.contact, a.workload, a.accommodations, a.work_item_id, \
    a.state, a.created_at FROM appointments a JOIN appointment_types t ON t.id = a.type_id \
    JOIN claimants c ON c.id = a.claimant_id JOIN users u ON u.id = a.staff_id";

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct StoredAccommodations {
    #[serde(default)]
    interpreter: Option<String>,
    #[serde(default)]
    sign_language: bool,
    #[serde(default)]
    accessible_room: bool,
    #[serde(default)]
    large_print: bool,
    #[serde(default)]
    companion: bool,
}

fn accommodations_json(a: &Accommodations) -> String {
    json!({
        "interpreter": a.interpreter,
        "sign_language": a.sign_language,
        "accessible_room": a.accessible_room,
        "large_print": a.large_print,
        "companion": a.companion,
    })
    .to_string()
}

impl AppointmentRow {
    fn into_appointment(self) -> Result<Appointment> {
        let accommodations = parse_accommodations(&self.accommodations)?;
        Ok(Appointment {
            id: self.id,
            office_id: self.office_id,
            type_id: self.type_id,
            type_name: self.type_name,
            claimant_id: self.claimant_id,
            claimant_name: self.claimant_name,
            staff_id: self.staff_id,
            staff_name: self.staff_name,
            channel: Channel::parse(&self.channel).map_err(invalid)?,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            contact: self.contact,
            workload: self.workload,
            accommodations,
            work_item_id: self.work_item_id,
            state: AppointmentState::parse(&self.state)
                .ok_or_else(|| StoreError::Invalid("an appointment has an unknown state".into()))?,
            created_at: self.created_at,
        })
    }
}

/// Accommodations as stored (JSON).
pub(crate) fn parse_accommodations(s: &str) -> Result<Accommodations> {
    let a: StoredAccommodations = serde_json::from_str(s)
        .map_err(|_| StoreError::Invalid("stored accommodations are not readable".into()))?;
    Ok(Accommodations {
        interpreter: a.interpreter,
        sign_language: a.sign_language,
        accessible_room: a.accessible_room,
        large_print: a.large_print,
        companion: a.companion,
    })
}

/// What is taken around some days: staff cells and the rooms of one type.
struct Held {
    busy: Vec<(i64, i64)>,
    rooms: Vec<i64>,
}

/// The span around `date` whose holdings can touch its slots: from six hours before its
/// midnight to thirty hours after (buffers reach across midnight; a DST day is 23 or 25 hours).
fn day_window(tz: TimeZone, date: Date) -> (i64, i64) {
    let from = rules::instant_at(tz, date, 0).unwrap_or(0) - 6 * 3_600_000;
    (from, from + 36 * 3_600_000)
}

impl Held {
    /// The day book of `date`: who serves, and what is held within its window.
    fn day_book(&self, tz: TimeZone, date: Date, staff: &[StaffDays]) -> DayBook {
        let (from, to) = day_window(tz, date);
        let within = |c: i64| c >= from && c < to;
        DayBook {
            servers: staff
                .iter()
                .map(|s| Server {
                    staff_id: s.user_id,
                    skills: s.skills.clone(),
                    day: s.on(date),
                })
                .collect(),
            busy: self
                .busy
                .iter()
                .filter(|(_, cell)| within(*cell))
                .map(|(staff_id, cell)| Busy {
                    staff_id: *staff_id,
                    from_ms: *cell,
                    to_ms: cell + CELL_MS,
                })
                .collect(),
            rooms_held: self
                .rooms
                .iter()
                .filter(|c| within(**c))
                .map(|c| (*c, c + CELL_MS))
                .collect(),
        }
    }
}

fn invalid(e: AppointmentError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn office_tz(office: &Office) -> Result<TimeZone> {
    TimeZone::parse(&office.time_zone).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// `ms` on the office's wall clock, e.g. `Tue 2 Mar 2027 10:15 EST`.
pub fn local_label(tz: TimeZone, ms: i64) -> String {
    let t = tz.local_time(ms);
    format!(
        "{} {} {} {} {:02}:{:02} {}",
        &t.weekday().to_string()[..3],
        t.day(),
        &t.month().to_string()[..3],
        t.year(),
        t.hour(),
        t.minute(),
        tz.abbreviation(ms)
    )
}

/// The contact as typed: a US phone number for phone, an `https://` link for video, nothing
/// needed in person.
fn checked_contact(channel: Channel, contact: &str) -> Result<String> {
    let contact = contact.trim();
    match channel {
        Channel::Phone => {
            let digits: String = contact.chars().filter(char::is_ascii_digit).collect();
            let digits = digits
                .strip_prefix('1')
                .filter(|d| d.len() == 10)
                .unwrap_or(&digits);
            if digits.len() == 10
                && contact
                    .chars()
                    .all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
            {
                Ok(format!(
                    "({}) {}-{}",
                    &digits[..3],
                    &digits[3..6],
                    &digits[6..]
                ))
            } else {
                Err(StoreError::Invalid(
                    "give the phone number to call, ten digits".into(),
                ))
            }
        }
        Channel::Video => {
            if contact.starts_with("https://") && contact.len() <= 300 && !contact.contains(' ') {
                Ok(contact.to_string())
            } else {
                Err(StoreError::Invalid(
                    "give the video link, starting https://".into(),
                ))
            }
        }
        Channel::InPerson => Ok(String::new()),
    }
}

impl Store {
    /// Sets up an appointment type for `office_id` (its managers).
    pub async fn create_appointment_type(
        &self,
        viewer: &Viewer,
        office_id: i64,
        name: &str,
        spec: &TypeSpec,
    ) -> Result<AppointmentKind> {
        let office = self.office_by_id(office_id).await?;
        self.check_scope(viewer, office.id, "office", &office.code)
            .await?;
        if !rules::may_manage_types(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's managers set up appointment types".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(StoreError::Invalid(
                "give the type a name of at most 80 characters".into(),
            ));
        }
        let kind = AppointmentType::parse(spec).map_err(invalid)?;
        let skills: Vec<&str> = kind.skills.iter().map(Skill::as_str).collect();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appointment_types (office_id, name, channel, duration_min, buffer_before_min, \
             buffer_after_min, min_notice_min, horizon_days, skills, capacity, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11) RETURNING id",
        )
        .bind(office.id)
        .bind(name)
        .bind(kind.channel.as_str())
        .bind(i64::from(kind.duration_min))
        .bind(i64::from(kind.buffer_before_min))
        .bind(i64::from(kind.buffer_after_min))
        .bind(i64::from(kind.min_notice_min))
        .bind(i64::from(kind.horizon_days))
        .bind(skills.join(" "))
        .bind(i64::from(kind.capacity))
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "the office already has a type of that name"))?;
        tx.audit(&viewer.actor, Event::new("appointment_type.create", "appointment_type", id, Some(office.id)).detail(json!({ "name": name, "channel": kind.channel.as_str(), "duration_min": kind.duration_min })))
        .await?;
        tx.commit().await?;
        Ok(AppointmentKind {
            id,
            office_id: office.id,
            name: name.to_string(),
            kind,
            active: true,
        })
    }

    /// The appointment types of `office_id`, by name.
    pub async fn appointment_types(
        &self,
        viewer: &Viewer,
        office_id: i64,
    ) -> Result<Vec<AppointmentKind>> {
        self.check_scope(viewer, office_id, "office", &office_id.to_string())
            .await?;
        let rows: Vec<KindRow> = self
            .rows_by(
                &format!(
            "SELECT {KIND_COLUMNS} FROM appointment_types WHERE office_id = $1 ORDER BY name"
        ),
                office_id,
            )
            .await?;
        rows.into_iter().map(KindRow::into_kind).collect()
    }

    /// One appointment type `viewer` may see.
    pub async fn appointment_type(&self, viewer: &Viewer, id: i64) -> Result<AppointmentKind> {
        let row: KindRow = sqlx::query_as(&format!(
            "SELECT {KIND_COLUMNS} FROM appointment_types WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, row.office_id, "appointment_type", &id.to_string())
            .await?;
        row.into_kind()
    }

    /// Everything about `date` that `kind`'s availability depends on.
    async fn day_book(
        &self,
        kind: &AppointmentKind,
        tz: TimeZone,
        date: Date,
        staff: &[StaffDays],
    ) -> Result<DayBook> {
        let held = self.held(kind, tz, date, date).await?;
        Ok(held.day_book(tz, date, staff))
    }

    /// The cells held by the office's staff, and the rooms of `kind` held, around the days
    /// `from` to `to` (one query each for the whole range).
    async fn held(
        &self,
        kind: &AppointmentKind,
        tz: TimeZone,
        from: Date,
        to: Date,
    ) -> Result<Held> {
        let (start, end) = (day_window(tz, from).0, day_window(tz, to).1);
        // A fully booked office holds a thousand cells a week: one row per person (and one for
        // the rooms, with no person) listing its cells costs far less than a row per cell.
        let rows: Vec<(Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT c.staff_id, string_agg(CAST(c.cell_ms AS TEXT), ',') FROM appointment_cells c \
             JOIN users u ON u.id = c.staff_id WHERE u.office_id = $1 AND c.cell_ms >= $2 AND c.cell_ms < $3 \
             GROUP BY c.staff_id \
             UNION ALL SELECT NULL, string_agg(CAST(r.cell_ms AS TEXT), ',') FROM appointment_rooms r \
             WHERE r.type_id = $4 AND r.cell_ms >= $2 AND r.cell_ms < $3",
        )
        .bind(kind.office_id)
        .bind(start)
        .bind(end)
        .bind(kind.id)
        .fetch_all(self.pool())
        .await?;
        let mut held = Held {
            busy: Vec::new(),
            rooms: Vec::new(),
        };
        for (staff_id, list) in rows {
            let list = list.unwrap_or_default();
            let cells = list.split(',').filter(|c| !c.is_empty()).map(|c| {
                c.parse::<i64>()
                    // The database wrote these numbers: one that does not read is a fault, not
                    // the user's input.
                    .map_err(|_| {
                        StoreError::Database(sqlx::Error::Protocol(format!(
                            "a held cell reads {c:?}"
                        )))
                    })
            });
            match staff_id {
                Some(staff_id) => {
                    for cell in cells {
                        held.busy.push((staff_id, cell?));
                    }
                }
                None => {
                    for cell in cells {
                        held.rooms.push(cell?);
                    }
                }
            }
        }
        Ok(held)
    }

    /// The office, its clock and calendar, for a search or booking of `kind` now.
    async fn booking_office(&self, kind: &AppointmentKind) -> Result<(Office, TimeZone)> {
        let office = Office::clone(&*self.office_cached(kind.office_id).await?);
        let tz = office_tz(&office)?;
        Ok((office, tz))
    }

    /// The free slots of type `type_id` on `date`.
    pub async fn availability(
        &self,
        viewer: &Viewer,
        type_id: i64,
        date: Date,
    ) -> Result<Vec<Slot>> {
        let kind = self.appointment_type(viewer, type_id).await?;
        let (office, tz) = self.booking_office(&kind).await?;
        let calendar = self.office_calendar_cached(&office).await?;
        let staff = self.staff_days(&office, date, date).await?;
        let book = self.day_book(&kind, tz, date, &staff).await?;
        let at = rules::Office {
            tz,
            calendar: &calendar,
            now_ms: now_ms(),
        };
        Ok(rules::slots(&at, &kind.kind, date, &book))
    }

    /// The first free slot of type `type_id` from now (`None` when nothing is free before the
    /// last day people may book).
    pub async fn next_available(&self, viewer: &Viewer, type_id: i64) -> Result<Option<Slot>> {
        let kind = self.appointment_type(viewer, type_id).await?;
        self.next_free(&kind).await
    }

    async fn next_free(&self, kind: &AppointmentKind) -> Result<Option<Slot>> {
        let (office, tz) = self.booking_office(kind).await?;
        let calendar = self.office_calendar_cached(&office).await?;
        let at = rules::Office {
            tz,
            calendar: &calendar,
            now_ms: now_ms(),
        };
        let mut date = at.today();
        let last = at.last_date(&kind.kind);
        // A week of schedules at a time: one query per week, not per day.
        while date <= last {
            let until = std::cmp::min(last, date.saturating_add(time::Duration::days(6)));
            let staff = self.staff_days(&office, date, until).await?;
            let held = self.held(kind, tz, date, until).await?;
            let mut d = date;
            while d <= until {
                if calendar.is_business_day(d) {
                    let book = held.day_book(tz, d, &staff);
                    if let Some(slot) = rules::slots(&at, &kind.kind, d, &book).into_iter().next() {
                        return Ok(Some(slot));
                    }
                }
                d = match d.next_day() {
                    Some(n) => n,
                    None => return Ok(None),
                };
            }
            date = match until.next_day() {
                Some(n) => n,
                None => return Ok(None),
            };
        }
        Ok(None)
    }

    /// Books an appointment. When another booking took the time first, the answer is a
    /// conflict naming the next free time.
    pub async fn book_appointment(
        &self,
        viewer: &Viewer,
        new: &NewAppointment,
    ) -> Result<Appointment> {
        let kind = self.appointment_type(viewer, new.type_id).await?;
        if !rules::may_book(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's staff book appointments".into(),
            ));
        }
        if !kind.active {
            return Err(StoreError::Invalid(
                "this appointment type is no longer offered".into(),
            ));
        }
        let (claimant_name, by_mail) = self.check_booking_parts(&kind, new).await?;
        let contact = checked_contact(kind.kind.channel, &new.contact)?;
        let workload = new.workload.trim();
        if workload.is_empty() || workload.len() > 60 {
            return Err(StoreError::Invalid("give the reason (the workload)".into()));
        }
        let (office, tz) = self.booking_office(&kind).await?;
        let calendar = self.office_calendar_cached(&office).await?;
        let date = tz.local_date(new.start_ms);
        let staff = self.staff_days(&office, date, date).await?;
        let mut tried: Vec<i64> = Vec::new();
        loop {
            let mut book = self.day_book(&kind, tz, date, &staff).await?;
            book.servers.retain(|s| !tried.contains(&s.staff_id));
            let at = rules::Office {
                tz,
                calendar: &calendar,
                now_ms: now_ms(),
            };
            let slot =
                match rules::check_booking(&at, &kind.kind, new.start_ms, new.staff_id, &book) {
                    Ok(slot) => slot,
                    // Whoever could serve it was taken by a booking that won the race.
                    Err(_) if !tried.is_empty() => return Err(self.taken(&kind, tz).await),
                    Err(AppointmentError::Taken) => return Err(self.taken(&kind, tz).await),
                    Err(e) => return Err(invalid(e)),
                };
            let staff_id = least_busy(&slot, &book);
            match self
                .insert_booking(
                    viewer, &kind, new, &contact, workload, staff_id, &slot, by_mail,
                )
                .await
            {
                Ok((id, created_at, staff_name)) => {
                    return Ok(Appointment {
                        id,
                        office_id: kind.office_id,
                        type_id: kind.id,
                        type_name: kind.name.clone(),
                        claimant_id: new.claimant_id,
                        claimant_name,
                        staff_id,
                        staff_name,
                        channel: kind.kind.channel,
                        start_ms: slot.start_ms,
                        end_ms: slot.end_ms,
                        contact,
                        workload: workload.to_string(),
                        accommodations: new.accommodations.clone(),
                        work_item_id: new.work_item_id,
                        state: AppointmentState::Booked,
                        created_at,
                    });
                }
                Err(StoreError::Conflict(_)) if new.staff_id.is_none() => {
                    tried.push(staff_id);
                    if tried.len() > staff.len() {
                        return Err(self.taken(&kind, tz).await);
                    }
                }
                Err(StoreError::Conflict(_)) => return Err(self.taken(&kind, tz).await),
                Err(e) => return Err(e),
            }
        }
    }

    /// The answer to a booking that lost its time: taken, and the next free time.
    async fn taken(&self, kind: &AppointmentKind, tz: TimeZone) -> StoreError {
        match self.next_free(kind).await {
            Ok(Some(next)) => StoreError::Conflict(format!(
                "that time has just been taken; the next free time is {}",
                local_label(tz, next.start_ms)
            )),
            _ => StoreError::Conflict(
                "that time has just been taken, and no other time is free".into(),
            ),
        }
    }

    /// The claimant and work item of a booking belong to the type's office; the claimant's
    /// name, and whether they have an e-mail address on file.
    async fn check_booking_parts(
        &self,
        kind: &AppointmentKind,
        new: &NewAppointment,
    ) -> Result<(String, bool)> {
        let (claimant_office, claimant_name, item_office, emails): (
            Option<i64>,
            Option<String>,
            Option<i64>,
            i64,
        ) = sqlx::query_as(
            "SELECT (SELECT office_id FROM claimants WHERE id = $1), \
                 (SELECT full_name FROM claimants WHERE id = $1), \
                 (SELECT office_id FROM work_items WHERE id = $2), \
                 (SELECT COUNT(*) FROM claimants WHERE id = $1 AND email_cipher IS NOT NULL)",
        )
        .bind(new.claimant_id)
        .bind(new.work_item_id)
        .fetch_one(self.pool())
        .await?;
        if claimant_office != Some(kind.office_id) {
            return Err(StoreError::Invalid(
                "no claimant of this office has that record".into(),
            ));
        }
        if new.work_item_id.is_some() && item_office != Some(kind.office_id) {
            return Err(StoreError::Invalid(
                "no work item of this office has that number".into(),
            ));
        }
        Ok((claimant_name.unwrap_or_default(), emails > 0))
    }

    /// Inserts the appointment, the cells that hold its time, its history, audit entry and
    /// reminders in one transaction; a conflict when any cell is already held. Answers its id,
    /// when it was made and who serves it. The rows go to the database as one batch (see
    /// [`Statements`]): on SQLite the write lock is held for four calls instead of ten.
    #[allow(clippy::too_many_arguments)]
    async fn insert_booking(
        &self,
        viewer: &Viewer,
        kind: &AppointmentKind,
        new: &NewAppointment,
        contact: &str,
        workload: &str,
        staff_id: i64,
        slot: &Slot,
        by_mail: bool,
    ) -> Result<(i64, i64, String)> {
        let now = now_ms();
        let (staff_name, email) = self.staff_member(kind.office_id, staff_id).await?;
        let mut tx = self.begin_write().await?;
        // The appointment the batch has just inserted, in the statements after it.
        let this = match tx.backend {
            // The write lock is this transaction's: the newest appointment is its own.
            Backend::Sqlite => "(SELECT max(id) FROM appointments)",
            Backend::Postgres => "currval(pg_get_serial_sequence('appointments', 'id'))",
        };
        let mut batch = Statements::default();
        batch.push(
            "INSERT INTO appointments (office_id, type_id, claimant_id, staff_id, channel, start_ms, end_ms, \
             contact, workload, accommodations, work_item_id, state, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?) RETURNING id",
            vec![
                kind.office_id.into(),
                kind.id.into(),
                new.claimant_id.into(),
                staff_id.into(),
                kind.kind.channel.as_str().into(),
                slot.start_ms.into(),
                slot.end_ms.into(),
                contact.into(),
                workload.into(),
                accommodations_json(&new.accommodations).into(),
                new.work_item_id.into(),
                viewer.actor.user_id.into(),
                now.into(),
                now.into(),
            ],
        );
        push_cells(&mut batch, kind, this, None, staff_id, slot.start_ms);
        batch.push(
            format!(
                "INSERT INTO appointment_events (appointment_id, action, note, from_start_ms, \
                 to_start_ms, actor_id, at) VALUES ({this}, 'booked', '', NULL, ?, ?, ?)"
            ),
            vec![
                slot.start_ms.into(),
                viewer.actor.user_id.into(),
                now.into(),
            ],
        );
        push_new_reminders(&mut batch, this, slot.start_ms, email.as_deref(), by_mail);
        batch.push(CLAIM_HEAD, Vec::new());
        let rows = batch.run(&mut tx.tx).await.map_err(taken_on_unique)?;
        let (id, head): (i64, (i64, String)) = match rows.as_slice() {
            [id, head] => (id.try_get(0)?, (head.try_get(0)?, head.try_get(1)?)),
            _ => return Err(StoreError::Invalid("the appointment was not stored".into())),
        };
        hold_rooms(&mut tx.tx, kind, id, slot.start_ms).await?;
        tx.audit_at(
            &viewer.actor,
            Event::new(
                "appointment.create",
                "appointment",
                id,
                Some(kind.office_id),
            )
            .detail(json!({
                "type": kind.id,
                "claimant": new.claimant_id,
                "staff": staff_id,
                "start_ms": slot.start_ms,
            })),
            head,
        )
        .await?;
        tx.commit().await?;
        Ok((id, now, staff_name))
    }

    pub(crate) async fn appointment_unaudited(&self, id: i64) -> Result<Appointment> {
        let row: AppointmentRow = sqlx::query_as(&format!("{APPOINTMENT_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        row.into_appointment()
    }

    /// One appointment and its history, if `viewer` may see it; the view is audited.
    pub async fn appointment(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(Appointment, Vec<AppointmentEvent>)> {
        let appointment = self.appointment_unaudited(id).await?;
        self.check_scope(
            viewer,
            appointment.office_id,
            "appointment",
            &id.to_string(),
        )
        .await?;
        may_view(viewer)?;
        let events: Vec<EventRow> = self
            .rows_by(
                "SELECT e.action, e.note, e.from_start_ms, e.to_start_ms, u.display_name AS actor, e.at \
                 FROM appointment_events e LEFT JOIN users u ON u.id = e.actor_id \
                 WHERE e.appointment_id = $1 ORDER BY e.id",
                id,
            )
            .await?;
        self.audit(
            &viewer.actor,
            Event {
                action: "appointment.view",
                target_type: "appointment",
                target_id: id.to_string(),
                office_id: Some(appointment.office_id),
                detail: json!({ "claimant": appointment.claimant_id }),
            },
        )
        .await?;
        let events = events
            .into_iter()
            .map(|e| AppointmentEvent {
                action: e.action,
                note: e.note,
                from_start_ms: e.from_start_ms,
                to_start_ms: e.to_start_ms,
                actor: e.actor.unwrap_or_else(|| "WorkTrack".into()),
                at: e.at,
            })
            .collect();
        Ok((appointment, events))
    }

    /// Reschedules (to `new_start_ms`), cancels, marks a no-show or completes an appointment,
    /// with the reason in its history.
    pub async fn move_appointment(
        &self,
        viewer: &Viewer,
        id: i64,
        mv: AppointmentMove,
        note: &str,
        new_start_ms: Option<i64>,
    ) -> Result<Appointment> {
        let current = self.appointment_unaudited(id).await?;
        self.check_scope(viewer, current.office_id, "appointment", &id.to_string())
            .await?;
        if !rules::may_book(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's staff change appointments".into(),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 300 {
            return Err(StoreError::Invalid(
                "the reason is longer than 300 characters".into(),
            ));
        }
        let next = appointment_move(current.state, mv, current.start_ms, now_ms(), note)
            .map_err(invalid)?;
        if mv == AppointmentMove::Reschedule {
            let start =
                new_start_ms.ok_or_else(|| StoreError::Invalid("give the new time".into()))?;
            return self.reschedule(viewer, &current, start, note).await;
        }
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE appointments SET state = $1, updated_at = $2 WHERE id = $3 AND state = 'booked'",
        )
        .bind(next.as_str())
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(changed_meanwhile());
        }
        release_cells(&mut tx.tx, id).await?;
        add_event(&mut tx.tx, id, mv.as_str(), note, None, None, viewer).await?;
        tx.audit(
            &viewer.actor,
            Event::new(
                "appointment.move",
                "appointment",
                id,
                Some(current.office_id),
            )
            .detail(json!({ "move": mv.as_str(), "state": next.as_str() })),
        )
        .await?;
        tx.commit().await?;
        self.appointment_unaudited(id).await
    }

    /// Moves a booked appointment to `start_ms` with the same employee when free (else anyone
    /// free): its old cells are given back and the new ones held in one transaction.
    async fn reschedule(
        &self,
        viewer: &Viewer,
        current: &Appointment,
        start_ms: i64,
        note: &str,
    ) -> Result<Appointment> {
        let kind = self.appointment_type(viewer, current.type_id).await?;
        let (office, tz) = self.booking_office(&kind).await?;
        let calendar = self.office_calendar_cached(&office).await?;
        let date = tz.local_date(start_ms);
        let staff = self.staff_days(&office, date, date).await?;
        let mut book = self.day_book(&kind, tz, date, &staff).await?;
        // Its own time does not stand in its way.
        let (from, to) = busy_span(&kind.kind, current.start_ms);
        let own = cells(from, to);
        book.busy
            .retain(|b| !(b.staff_id == current.staff_id && own.contains(&b.from_ms)));
        let (rf, rt) = room_span(&kind.kind, current.start_ms);
        let own_rooms = cells(rf, rt);
        if let Some(pos) = book
            .rooms_held
            .iter()
            .position(|r| own_rooms.contains(&r.0))
        {
            book.rooms_held.remove(pos);
        }
        let at = rules::Office {
            tz,
            calendar: &calendar,
            now_ms: now_ms(),
        };
        let slot = rules::check_booking(&at, &kind.kind, start_ms, None, &book).map_err(invalid)?;
        let staff_id = if slot.staff_ids.contains(&current.staff_id) {
            current.staff_id
        } else {
            least_busy(&slot, &book)
        };
        let (_, email) = self.staff_member(kind.office_id, staff_id).await?;
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE appointments SET start_ms = $1, end_ms = $2, staff_id = $3, updated_at = $4 \
             WHERE id = $5 AND state = 'booked' AND start_ms = $6",
        )
        .bind(slot.start_ms)
        .bind(slot.end_ms)
        .bind(staff_id)
        .bind(now_ms())
        .bind(current.id)
        .bind(current.start_ms)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(changed_meanwhile());
        }
        release_cells(&mut tx.tx, current.id).await?;
        let held = hold_cells(&mut tx.tx, &kind, current.id, staff_id, slot.start_ms).await;
        if let Err(e) = held {
            drop(tx);
            return Err(match e {
                StoreError::Conflict(_) => self.taken(&kind, tz).await,
                other => other,
            });
        }
        add_event(
            &mut tx.tx,
            current.id,
            "reschedule",
            note,
            Some(current.start_ms),
            Some(slot.start_ms),
            viewer,
        )
        .await?;
        tx.audit(&viewer.actor, Event::new("appointment.move", "appointment", current.id, Some(current.office_id)).detail(json!({ "move": "reschedule", "from_ms": current.start_ms, "to_ms": slot.start_ms })))
        .await?;
        requeue_reminders_in(&mut tx.tx, current.id, slot.start_ms, email.as_deref()).await?;
        tx.commit().await?;
        self.appointment_unaudited(current.id).await
    }

    /// The office's appointments from `from_ms` to `to_ms` (only `staff_id`'s when given), by
    /// start; the list view is audited (it names claimants).
    pub async fn appointments(
        &self,
        viewer: &Viewer,
        office_id: i64,
        staff_id: Option<i64>,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Appointment>> {
        self.check_scope(viewer, office_id, "office", &office_id.to_string())
            .await?;
        may_view(viewer)?;
        let rows: Vec<AppointmentRow> = sqlx::query_as(&format!(
            "{APPOINTMENT_SELECT} WHERE a.office_id = $1 AND ($2 = 0 OR a.staff_id = $2) \
             AND a.start_ms >= $3 AND a.start_ms < $4 ORDER BY a.start_ms, a.id LIMIT 1000"
        ))
        .bind(office_id)
        .bind(staff_id.unwrap_or(0))
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await?;
        if !rows.is_empty() {
            self.audit(
                &viewer.actor,
                Event {
                    action: "appointment.list_view",
                    target_type: "office",
                    target_id: office_id.to_string(),
                    office_id: Some(office_id),
                    detail: json!({ "staff": staff_id, "from_ms": from_ms, "to_ms": to_ms, "count": rows.len() }),
                },
            )
            .await?;
        }
        rows.into_iter()
            .map(AppointmentRow::into_appointment)
            .collect()
    }

    /// Staff member `staff_id`'s name and the address reminders to them go to (from the
    /// office's staff kept in memory).
    async fn staff_member(
        &self,
        office_id: i64,
        staff_id: i64,
    ) -> Result<(String, Option<String>)> {
        let staff = self.staff_cached(office_id).await?;
        let user = staff
            .iter()
            .find(|u| u.id == staff_id)
            .ok_or(StoreError::NotFound)?;
        Ok((user.display_name.clone(), user.email.clone()))
    }
}

/// Appointments name claimants: only the roles the domain lets see them do.
fn may_view(viewer: &Viewer) -> Result<()> {
    if rules::may_view(viewer.role) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "appointments name people: this role does not see them".into(),
        ))
    }
}

/// Another change reached the appointment between reading and writing it.
fn changed_meanwhile() -> StoreError {
    StoreError::Conflict("someone changed this appointment just now; look again".into())
}

/// Of the people free for `slot`, the one with the least booked time that day.
fn least_busy(slot: &Slot, book: &DayBook) -> i64 {
    let mut load: HashMap<i64, usize> = HashMap::new();
    for b in &book.busy {
        *load.entry(b.staff_id).or_default() += 1;
    }
    slot.staff_ids
        .iter()
        .copied()
        .min_by_key(|id| (load.get(id).copied().unwrap_or(0), *id))
        .unwrap_or_default()
}
