//! Appointments: the types an office offers (phone, video, in person), the slots its schedules
//! leave open, whether one requested booking can be made (and if not, why), and the moves an
//! appointment makes (reschedule, cancel, no-show, completed).
//!
//! Slots lie on a 15-minute grid of the office's wall clock. A slot needs one employee with one
//! of the type's skills working that day in a mode that serves the channel (in person: in the
//! office; phone and video: in the office or teleworking), whose hours hold the slot and its
//! buffers, who has no other appointment then (with its buffers); in person, fewer appointments
//! at once than the office has rooms or desks for the type. Minimum notice and how far ahead
//! people may book bound it. On a day clocks change, a wall time that does not exist is never
//! offered and one that happens twice is the first.

use crate::calendar::Calendar;
use crate::names::{Skill, TimeZone};
use crate::role::Role;
use crate::schedule::{minute_of_day, Day, WorkMode};
use serde::Serialize;
use std::fmt;
use time::{Date, Duration, Time};

/// The grid slots lie on, in minutes.
pub const GRID_MINUTES: u32 = 15;
const MINUTE_MS: i64 = 60_000;

/// How an appointment is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Video,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Phone, Channel::Video, Channel::InPerson];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Video => "video",
            Channel::InPerson => "in_person",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Phone => "Phone",
            Channel::Video => "Video",
            Channel::InPerson => "In person",
        }
    }

    pub fn parse(s: &str) -> Result<Channel, AppointmentError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| AppointmentError::Channel(s.trim().to_string()))
    }

    /// Whether someone working in `mode` can serve this channel: people who come in need
    /// someone in the office; phone and video can be served from telework too.
    pub fn served_from(self, mode: WorkMode) -> bool {
        match self {
            Channel::InPerson => mode == WorkMode::Office,
            Channel::Phone | Channel::Video => {
                matches!(mode, WorkMode::Office | WorkMode::Telework)
            }
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an appointment type, a booking or a move is refused, in words for the person asking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentError {
    #[error("channel {0:?} is not one of phone, video, in_person")]
    Channel(String),
    #[error("{field} must be between {min} and {max} minutes")]
    Minutes {
        field: &'static str,
        min: i64,
        max: i64,
    },
    #[error("people may book between 1 and 365 days ahead")]
    Horizon,
    #[error("an in-person type needs between 1 and 500 rooms or desks")]
    Capacity,
    #[error("that time has passed")]
    InPast,
    #[error("this type needs {minutes} minutes' notice")]
    TooSoon { minutes: u32 },
    #[error("this type can be booked at most {days} days ahead")]
    TooFar { days: u32 },
    #[error("appointments start on the quarter hour")]
    OffGrid,
    #[error("the office is closed for a federal holiday that day")]
    Holiday,
    #[error("the office is closed that day")]
    Closed,
    #[error("no one who serves this type is in the office that day")]
    NoOneInOffice,
    #[error("no one who serves this type works at that time")]
    OutsideHours,
    #[error("every room or desk for this type is in use at that time")]
    Full,
    #[error("that time has just been taken")]
    Taken,
    #[error("a {state} appointment cannot be {action}")]
    Move {
        state: &'static str,
        action: &'static str,
    },
    #[error("an appointment is marked {0} only once its time has come")]
    NotYet(&'static str),
    #[error("say why")]
    NoteRequired,
    #[error("the interpreter's language must be 2 to 40 letters")]
    Language,
}

/// One kind of appointment an office offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppointmentType {
    pub channel: Channel,
    pub duration_min: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    /// How long before its start a slot may still be booked.
    pub min_notice_min: u32,
    /// How many days ahead (from today, on the office's calendar) people may book.
    pub horizon_days: u32,
    /// Who may serve it: anyone with one of these skills (anyone at all when empty).
    pub skills: Vec<Skill>,
    /// In person: appointments of this type the office can hold at once.
    pub capacity: u32,
}

/// An appointment type as typed into a form or sent to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSpec {
    pub channel: String,
    pub duration_min: i64,
    pub buffer_before_min: i64,
    pub buffer_after_min: i64,
    pub min_notice_min: i64,
    pub horizon_days: i64,
    pub skills: Vec<Skill>,
    pub capacity: i64,
}

fn minutes(field: &'static str, v: i64, min: i64, max: i64) -> Result<u32, AppointmentError> {
    if (min..=max).contains(&v) {
        u32::try_from(v).map_err(|_| AppointmentError::Minutes { field, min, max })
    } else {
        Err(AppointmentError::Minutes { field, min, max })
    }
}

impl AppointmentType {
    /// A type from its spec, or the first thing wrong with it.
    pub fn parse(spec: &TypeSpec) -> Result<AppointmentType, AppointmentError> {
        let channel = Channel::parse(&spec.channel)?;
        let duration_min = minutes("The duration", spec.duration_min, 5, 480)?;
        let buffer_before_min = minutes("The buffer before", spec.buffer_before_min, 0, 120)?;
        let buffer_after_min = minutes("The buffer after", spec.buffer_after_min, 0, 120)?;
        let min_notice_min = minutes("The minimum notice", spec.min_notice_min, 0, 43_200)?;
        if !(1..=365).contains(&spec.horizon_days) {
            return Err(AppointmentError::Horizon);
        }
        let capacity = match channel {
            Channel::InPerson if (1..=500).contains(&spec.capacity) => spec.capacity as u32,
            Channel::InPerson => return Err(AppointmentError::Capacity),
            _ => 0,
        };
        Ok(AppointmentType {
            channel,
            duration_min,
            buffer_before_min,
            buffer_after_min,
            min_notice_min,
            horizon_days: spec.horizon_days as u32,
            skills: spec.skills.clone(),
            capacity,
        })
    }

    fn served_by(&self, skills: &[Skill]) -> bool {
        self.skills.is_empty() || self.skills.iter().any(|s| skills.contains(s))
    }
}

/// The instant (ms) of a wall-clock time on `date` in `tz`; `None` for a time the clocks skip.
/// A time that happens twice (clocks going back) is the first.
pub fn instant_at(tz: TimeZone, date: Date, minute: u32) -> Option<i64> {
    let rules = jiff::tz::TimeZoneDatabase::bundled()
        .get(tz.as_str())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let civil = jiff::civil::DateTime::new(
        i16::try_from(date.year()).ok()?,
        i8::try_from(u8::from(date.month())).ok()?,
        i8::try_from(date.day()).ok()?,
        i8::try_from(minute / 60).ok()?,
        i8::try_from(minute % 60).ok()?,
        0,
        0,
    )
    .ok()?;
    let ambiguous = rules.to_ambiguous_timestamp(civil);
    if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        return None;
    }
    let at = ambiguous.earlier().ok()?;
    Some(at.as_millisecond())
}

/// Someone who might serve appointments on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub staff_id: i64,
    pub skills: Vec<Skill>,
    pub day: Day,
}

/// Time someone is taken by another appointment, its buffers included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub staff_id: i64,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// Everything about one day that availability depends on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayBook {
    pub servers: Vec<Server>,
    pub busy: Vec<Busy>,
    /// In-person appointments of the type, each holding a room or desk ([`room_span`]).
    pub rooms_held: Vec<(i64, i64)>,
}

/// One bookable time and who could serve it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub start_ms: i64,
    pub end_ms: i64,
    pub staff_ids: Vec<i64>,
}

/// The office and the moment a search or booking happens in.
#[derive(Debug, Clone, Copy)]
pub struct Office<'a> {
    pub tz: TimeZone,
    pub calendar: &'a Calendar,
    pub now_ms: i64,
}

impl Office<'_> {
    pub fn today(&self) -> Date {
        self.tz.local_date(self.now_ms)
    }

    /// The last date people may book `kind` for.
    pub fn last_date(&self, kind: &AppointmentType) -> Date {
        self.today()
            .checked_add(Duration::days(i64::from(kind.horizon_days)))
            .unwrap_or(Date::MAX)
    }
}

fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Who of `book`'s servers could take `kind` at `start_ms` (on the grid minute `minute`),
/// and whether a room is free; the reason when no one can.
fn who_can(
    kind: &AppointmentType,
    book: &DayBook,
    minute: u32,
    start_ms: i64,
) -> Result<Vec<i64>, AppointmentError> {
    let first = minute.checked_sub(kind.buffer_before_min);
    let last = minute + kind.duration_min + kind.buffer_after_min;
    let skilled: Vec<&Server> = book
        .servers
        .iter()
        .filter(|s| kind.served_by(&s.skills))
        .collect();
    let working: Vec<&Server> = skilled
        .iter()
        .copied()
        .filter(|s| {
            s.day
                .shift()
                .is_some_and(|d| kind.channel.served_from(d.mode))
        })
        .collect();
    if working.is_empty() {
        return Err(match kind.channel {
            Channel::InPerson => AppointmentError::NoOneInOffice,
            _ => AppointmentError::OutsideHours,
        });
    }
    let on_duty: Vec<&Server> = working
        .into_iter()
        .filter(|s| {
            s.day.shift().is_some_and(|d| {
                let (a, b) = d.minutes();
                first.is_some_and(|f| f >= a) && last <= b
            })
        })
        .collect();
    if on_duty.is_empty() {
        return Err(AppointmentError::OutsideHours);
    }
    if kind.channel == Channel::InPerson {
        let (from, to) = room_span(kind, start_ms);
        let cell = i64::from(GRID_MINUTES) * MINUTE_MS;
        let full = cells(from, to).into_iter().any(|c| {
            book.rooms_held
                .iter()
                .filter(|r| overlaps(**r, (c, c + cell)))
                .count()
                >= kind.capacity as usize
        });
        if full {
            return Err(AppointmentError::Full);
        }
    }
    let with_buffers = busy_span(kind, start_ms);
    let free: Vec<i64> = on_duty
        .into_iter()
        .filter(|s| {
            !book
                .busy
                .iter()
                .any(|b| b.staff_id == s.staff_id && overlaps((b.from_ms, b.to_ms), with_buffers))
        })
        .map(|s| s.staff_id)
        .collect();
    if free.is_empty() {
        return Err(AppointmentError::Taken);
    }
    Ok(free)
}

/// The day-level reasons nothing can be booked on `date`: the past, beyond the horizon, a
/// holiday or a closed office.
fn day_closed(
    office: &Office<'_>,
    kind: &AppointmentType,
    date: Date,
) -> Result<(), AppointmentError> {
    if date < office.today() {
        return Err(AppointmentError::InPast);
    }
    if date > office.last_date(kind) {
        return Err(AppointmentError::TooFar {
            days: kind.horizon_days,
        });
    }
    if office.calendar.is_holiday(date) {
        return Err(AppointmentError::Holiday);
    }
    if !office.calendar.is_business_day(date) {
        return Err(AppointmentError::Closed);
    }
    Ok(())
}

/// The free slots of `kind` on `date`, earliest first.
pub fn slots(office: &Office<'_>, kind: &AppointmentType, date: Date, book: &DayBook) -> Vec<Slot> {
    if day_closed(office, kind, date).is_err() {
        return Vec::new();
    }
    let earliest = office.now_ms + i64::from(kind.min_notice_min) * MINUTE_MS;
    (0..24 * 60 / GRID_MINUTES)
        .map(|i| i * GRID_MINUTES)
        .filter_map(|minute| {
            let start_ms = instant_at(office.tz, date, minute)?;
            if start_ms < earliest {
                return None;
            }
            let staff_ids = who_can(kind, book, minute, start_ms).ok()?;
            Some(Slot {
                start_ms,
                end_ms: start_ms + i64::from(kind.duration_min) * MINUTE_MS,
                staff_ids,
            })
        })
        .collect()
}

/// The first free slot of `kind` from now to the last bookable day; `book_of` gives each day's
/// schedules and bookings as it is reached.
pub fn next_available(
    office: &Office<'_>,
    kind: &AppointmentType,
    mut book_of: impl FnMut(Date) -> DayBook,
) -> Option<Slot> {
    let mut date = office.today();
    let last = office.last_date(kind);
    while date <= last {
        if day_closed(office, kind, date).is_ok() {
            if let Some(slot) = slots(office, kind, date, &book_of(date)).into_iter().next() {
                return Some(slot);
            }
        }
        date = date.next_day()?;
    }
    None
}

/// Whether `kind` can be booked at `start_ms` (with `staff_id` if one is asked for): the slot
/// with who can serve it (the one asked for first), or the first reason it cannot.
pub fn check_booking(
    office: &Office<'_>,
    kind: &AppointmentType,
    start_ms: i64,
    staff_id: Option<i64>,
    book: &DayBook,
) -> Result<Slot, AppointmentError> {
    if start_ms < office.now_ms {
        return Err(AppointmentError::InPast);
    }
    if start_ms < office.now_ms + i64::from(kind.min_notice_min) * MINUTE_MS {
        return Err(AppointmentError::TooSoon {
            minutes: kind.min_notice_min,
        });
    }
    let local = office.tz.local_time(start_ms);
    let minute = minute_of_day(local.time());
    if !minute.is_multiple_of(GRID_MINUTES)
        || start_ms % MINUTE_MS != 0
        || instant_at(office.tz, local.date(), minute) != Some(start_ms)
    {
        return Err(AppointmentError::OffGrid);
    }
    day_closed(office, kind, local.date())?;
    let free = who_can(kind, book, minute, start_ms)?;
    let staff_ids = match staff_id {
        Some(id) if free.contains(&id) => vec![id],
        Some(_) => return Err(AppointmentError::Taken),
        None => free,
    };
    Ok(Slot {
        start_ms,
        end_ms: start_ms + i64::from(kind.duration_min) * MINUTE_MS,
        staff_ids,
    })
}

/// The time an appointment of `kind` at `start_ms` keeps its employee from other appointments:
/// its buffers included, widened to whole grid cells (so the cells the database holds for it,
/// [`cells`], and the overlaps seen here are the same thing).
pub fn busy_span(kind: &AppointmentType, start_ms: i64) -> (i64, i64) {
    let cell = i64::from(GRID_MINUTES) * MINUTE_MS;
    let from = start_ms - i64::from(kind.buffer_before_min) * MINUTE_MS;
    let to = start_ms + i64::from(kind.duration_min + kind.buffer_after_min) * MINUTE_MS;
    (from.div_euclid(cell) * cell, ceil_cell(to))
}

fn ceil_cell(ms: i64) -> i64 {
    let cell = i64::from(GRID_MINUTES) * MINUTE_MS;
    -((-ms).div_euclid(cell)) * cell
}

/// The time an in-person appointment of `kind` at `start_ms` holds a room or desk: the
/// appointment itself, to whole grid cells.
pub fn room_span(kind: &AppointmentType, start_ms: i64) -> (i64, i64) {
    (
        start_ms,
        ceil_cell(start_ms + i64::from(kind.duration_min) * MINUTE_MS),
    )
}

/// The grid cells (their start, ms) that the span `from_ms..to_ms` touches.
pub fn cells(from_ms: i64, to_ms: i64) -> Vec<i64> {
    let cell = i64::from(GRID_MINUTES) * MINUTE_MS;
    let first = from_ms.div_euclid(cell) * cell;
    (0..)
        .map(|i| first + i * cell)
        .take_while(|c| *c < to_ms)
        .collect()
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentState {
    Booked,
    Cancelled,
    NoShow,
    Completed,
}

impl AppointmentState {
    pub const ALL: [AppointmentState; 4] = [
        AppointmentState::Booked,
        AppointmentState::Cancelled,
        AppointmentState::NoShow,
        AppointmentState::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentState::Booked => "booked",
            AppointmentState::Cancelled => "cancelled",
            AppointmentState::NoShow => "no_show",
            AppointmentState::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentState::Booked => "Booked",
            AppointmentState::Cancelled => "Cancelled",
            AppointmentState::NoShow => "No-show",
            AppointmentState::Completed => "Completed",
        }
    }

    /// The state in a sentence: "a cancelled appointment".
    fn word(self) -> &'static str {
        match self {
            AppointmentState::Booked => "booked",
            AppointmentState::Cancelled => "cancelled",
            AppointmentState::NoShow => "no-show",
            AppointmentState::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<AppointmentState> {
        AppointmentState::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What can happen to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentMove {
    Reschedule,
    Cancel,
    NoShow,
    Complete,
}

impl AppointmentMove {
    pub const ALL: [AppointmentMove; 4] = [
        AppointmentMove::Reschedule,
        AppointmentMove::Cancel,
        AppointmentMove::NoShow,
        AppointmentMove::Complete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentMove::Reschedule => "reschedule",
            AppointmentMove::Cancel => "cancel",
            AppointmentMove::NoShow => "no_show",
            AppointmentMove::Complete => "complete",
        }
    }

    fn done(self) -> &'static str {
        match self {
            AppointmentMove::Reschedule => "rescheduled",
            AppointmentMove::Cancel => "cancelled",
            AppointmentMove::NoShow => "marked a no-show",
            AppointmentMove::Complete => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<AppointmentMove> {
        AppointmentMove::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Moves that change what the claimant was told need a reason in the history.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            AppointmentMove::Reschedule | AppointmentMove::Cancel | AppointmentMove::NoShow
        )
    }
}

/// What completing an appointment does in the work queue, as asked (`""` or `none`, `create`,
/// `update`): `None` for nothing, `Some(true)` to start a work item for the claimant,
/// `Some(false)` to note the completion on the linked one. Any other answer, or a follow-up
/// asked with another move, is refused.
pub fn work_item_follow_up(mv: AppointmentMove, choice: &str) -> Result<Option<bool>, String> {
    match (mv, choice.trim()) {
        (_, "" | "none") => Ok(None),
        (AppointmentMove::Complete, "create") => Ok(Some(true)),
        (AppointmentMove::Complete, "update") => Ok(Some(false)),
        _ => Err("work_item: give create or update, and only to complete".to_string()),
    }
}

/// The state after `mv`, or why it cannot be made: only a booked appointment moves; it is
/// rescheduled or cancelled before its time, marked a no-show or completed once its time has
/// come; a reason is given where [`AppointmentMove::needs_note`] says so.
pub fn appointment_move(
    state: AppointmentState,
    mv: AppointmentMove,
    start_ms: i64,
    now_ms: i64,
    note: &str,
) -> Result<AppointmentState, AppointmentError> {
    if state != AppointmentState::Booked {
        return Err(AppointmentError::Move {
            state: state.word(),
            action: mv.done(),
        });
    }
    let started = now_ms >= start_ms;
    let next = match mv {
        AppointmentMove::Reschedule | AppointmentMove::Cancel if started => {
            return Err(AppointmentError::Move {
                state: "past",
                action: mv.done(),
            })
        }
        AppointmentMove::NoShow | AppointmentMove::Complete if !started => {
            return Err(AppointmentError::NotYet(mv.done()))
        }
        AppointmentMove::Reschedule => AppointmentState::Booked,
        AppointmentMove::Cancel => AppointmentState::Cancelled,
        AppointmentMove::NoShow => AppointmentState::NoShow,
        AppointmentMove::Complete => AppointmentState::Completed,
    };
    if mv.needs_note() && note.trim().is_empty() {
        return Err(AppointmentError::NoteRequired);
    }
    Ok(next)
}

/// What a claimant needs to be served well.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Accommodations {
    /// The language of an interpreter, if one is needed.
    pub interpreter: Option<String>,
    pub sign_language: bool,
    pub accessible_room: bool,
    pub large_print: bool,
    pub companion: bool,
}

impl Accommodations {
    /// The interpreter's language as typed (empty: none needed).
    pub fn interpreter_language(s: &str) -> Result<Option<String>, AppointmentError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let ok = (2..=40).contains(&s.chars().count())
            && s.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-');
        if ok {
            Ok(Some(s.to_string()))
        } else {
            Err(AppointmentError::Language)
        }
    }

    /// The accommodations in words, for the day list and the calendar entry.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(language) = &self.interpreter {
            out.push(format!("{language} interpreter"));
        }
        for (on, what) in [
            (self.sign_language, "Sign-language interpreter"),
            (self.accessible_room, "Accessible room"),
            (self.large_print, "Large print"),
            (self.companion, "Someone accompanying"),
        ] {
            if on {
                out.push(what.to_string());
            }
        }
        out
    }
}

/// Who may book, move and complete appointments: the office's staff (scope is checked by the
/// store).
pub fn may_book(role: Role) -> bool {
    matches!(role, Role::Employee | Role::Manager)
}

/// Who may set up the office's appointment types.
pub fn may_manage_types(role: Role) -> bool {
    role == Role::Manager
}

/// Who may see appointments (each naming a claimant; every view is audited): the office's
/// staff, the area's director and auditors. Analysts never see a person.
pub fn may_view(role: Role) -> bool {
    !matches!(role, Role::Analyst | Role::Admin)
}

/// The wall-clock time of a minute of the day (for labels).
pub fn time_of_minute(minute: u32) -> Time {
    Time::from_hms(
        u8::try_from(minute / 60 % 24).unwrap_or(0),
        u8::try_from(minute % 60).unwrap_or(0),
        0,
    )
    .unwrap_or(Time::MIDNIGHT)
}

#[cfg(test)]
#[path = "appointments_tests.rs"]
mod tests;
