//! The JSON bodies of the appointment and schedule API: what comes in (parsed through the
//! domain's own rules) and what goes out (times as RFC 3339 with the office's offset, Unix
//! milliseconds, and a label on the office's wall clock).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use worktrack_domain::appointments::{Accommodations, AppointmentType, Slot};
use worktrack_domain::schedule::{hhmm, Day, Shift};
use worktrack_domain::TimeZone;
use worktrack_store::{Appointment, AppointmentEvent, AppointmentKind};

/// `ms` as RFC 3339 with the offset of `tz` at that instant (`2026-12-08T09:00:00-06:00`).
pub fn rfc3339_in(tz: TimeZone, ms: i64) -> String {
    let local = tz.local_time(ms);
    let offset_s = local.assume_utc().unix_timestamp() - ms.div_euclid(1000);
    time::UtcOffset::from_whole_seconds(i32::try_from(offset_s).unwrap_or(0))
        .ok()
        .map(|offset| local.assume_offset(offset))
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| super::types::iso(ms))
}

/// An instant from the API: Unix milliseconds, or RFC 3339 text (with an offset or `Z`).
pub fn instant_in(start_ms: Option<i64>, start: Option<&str>) -> Result<i64, String> {
    match (start_ms, start) {
        (Some(ms), _) => Ok(ms),
        (None, Some(s)) => {
            time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| {
                    "start: give an RFC 3339 time with its offset, e.g. 2027-03-02T10:15:00-06:00"
                        .to_string()
                })
        }
        (None, None) => Err("give start_ms or start".to_string()),
    }
}

/// One bookable time.
#[derive(Serialize, ToSchema)]
pub struct SlotOut {
    /// RFC 3339 with the office's offset.
    pub start: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// On the office's wall clock, e.g. `Tue 8 Dec 2026 09:00 CST`.
    pub local: String,
    /// The ids of the employees free to serve it.
    pub staff_ids: Vec<i64>,
}

impl SlotOut {
    pub fn new(tz: TimeZone, s: Slot) -> SlotOut {
        SlotOut {
            start: rfc3339_in(tz, s.start_ms),
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            local: worktrack_store::local_label(tz, s.start_ms),
            staff_ids: s.staff_ids,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct DayQuery {
    /// The office-local date, `YYYY-MM-DD`.
    pub date: String,
}

#[derive(Deserialize, IntoParams)]
pub struct RangeQuery {
    /// First office-local date, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last office-local date, `YYYY-MM-DD` (default a week after `from`).
    pub to: Option<String>,
    /// Only this employee's appointments (user name).
    pub staff: Option<String>,
}

/// The accommodations a claimant needs.
#[derive(Deserialize, Serialize, ToSchema, Default)]
pub struct AccommodationsJson {
    /// The interpreter's language, if one is needed.
    #[serde(default)]
    pub interpreter: Option<String>,
    #[serde(default)]
    pub sign_language: bool,
    #[serde(default)]
    pub accessible_room: bool,
    #[serde(default)]
    pub large_print: bool,
    #[serde(default)]
    pub companion: bool,
}

impl AccommodationsJson {
    pub fn parse(&self) -> Result<Accommodations, String> {
        let interpreter =
            Accommodations::interpreter_language(self.interpreter.as_deref().unwrap_or(""))
                .map_err(|e| format!("accommodations.interpreter: {e}"))?;
        Ok(Accommodations {
            interpreter,
            sign_language: self.sign_language,
            accessible_room: self.accessible_room,
            large_print: self.large_print,
            companion: self.companion,
        })
    }

    fn from_domain(a: &Accommodations) -> AccommodationsJson {
        AccommodationsJson {
            interpreter: a.interpreter.clone(),
            sign_language: a.sign_language,
            accessible_room: a.accessible_room,
            large_print: a.large_print,
            companion: a.companion,
        }
    }
}

/// A booking.
#[derive(Deserialize, ToSchema)]
pub struct NewAppointmentIn {
    pub type_id: i64,
    pub claimant_id: i64,
    /// The start, Unix milliseconds (or give `start`).
    pub start_ms: Option<i64>,
    /// The start, RFC 3339 with its offset (or give `start_ms`).
    pub start: Option<String>,
    /// Who should serve it; anyone free when absent.
    pub staff_id: Option<i64>,
    /// The phone number to call, or the video link; empty in person.
    #[serde(default)]
    pub contact: String,
    /// The reason: the workload, e.g. `initial_disability`.
    pub workload: String,
    #[serde(default)]
    pub accommodations: AccommodationsJson,
    pub work_item_id: Option<i64>,
}

/// A move of an appointment.
#[derive(Deserialize, ToSchema)]
pub struct AppointmentMoveIn {
    /// `reschedule`, `cancel`, `no_show` or `complete`.
    #[serde(rename = "move")]
    pub mv: String,
    /// Why (required to reschedule, cancel or mark a no-show).
    #[serde(default)]
    pub note: String,
    /// The new start for `reschedule`, Unix milliseconds (or `start`).
    pub start_ms: Option<i64>,
    /// The new start for `reschedule`, RFC 3339.
    pub start: Option<String>,
    /// On `complete`: `create` starts a work item for the claimant (linked to the appointment),
    /// `update` records the completion on the linked work item; absent: neither.
    pub work_item: Option<String>,
}

/// One line of an appointment's history.
#[derive(Serialize, ToSchema)]
pub struct AppointmentEventOut {
    pub action: String,
    pub note: String,
    pub from_start_ms: Option<i64>,
    pub to_start_ms: Option<i64>,
    pub actor: String,
    pub at: String,
}

/// An appointment (it names the claimant: staff, directors and auditors only; every view is
/// audited).
#[derive(Serialize, ToSchema)]
pub struct AppointmentOut {
    pub id: i64,
    pub type_id: i64,
    pub type_name: String,
    pub claimant_id: i64,
    pub claimant_name: String,
    pub staff_id: i64,
    pub staff_name: String,
    /// `phone`, `video` or `in_person`.
    pub channel: String,
    pub start: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub local: String,
    pub contact: String,
    pub workload: String,
    pub accommodations: AccommodationsJson,
    pub work_item_id: Option<i64>,
    /// `booked`, `cancelled`, `no_show` or `completed`.
    pub state: String,
    /// Present on a single appointment's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<AppointmentEventOut>>,
}

impl AppointmentOut {
    pub fn new(tz: TimeZone, a: Appointment, history: Option<Vec<AppointmentEvent>>) -> Self {
        AppointmentOut {
            id: a.id,
            type_id: a.type_id,
            type_name: a.type_name,
            claimant_id: a.claimant_id,
            claimant_name: a.claimant_name,
            staff_id: a.staff_id,
            staff_name: a.staff_name,
            channel: a.channel.as_str().into(),
            start: rfc3339_in(tz, a.start_ms),
            start_ms: a.start_ms,
            end_ms: a.end_ms,
            local: worktrack_store::local_label(tz, a.start_ms),
            contact: a.contact,
            workload: a.workload,
            accommodations: AccommodationsJson::from_domain(&a.accommodations),
            work_item_id: a.work_item_id,
            state: a.state.as_str().into(),
            history: history.map(|h| {
                h.into_iter()
                    .map(|e| AppointmentEventOut {
                        action: e.action,
                        note: e.note,
                        from_start_ms: e.from_start_ms,
                        to_start_ms: e.to_start_ms,
                        actor: e.actor,
                        at: super::types::iso(e.at),
                    })
                    .collect()
            }),
        }
    }
}

/// An appointment type as sent to create one.
#[derive(Deserialize, ToSchema)]
pub struct AppointmentTypeIn {
    pub name: String,
    /// `phone`, `video` or `in_person`.
    pub channel: String,
    pub duration_min: i64,
    #[serde(default)]
    pub buffer_before_min: i64,
    #[serde(default)]
    pub buffer_after_min: i64,
    #[serde(default)]
    pub min_notice_min: i64,
    /// How many days ahead people may book (1–365).
    pub horizon_days: i64,
    /// Skills that serve it (anyone when empty).
    #[serde(default)]
    pub skills: Vec<String>,
    /// In person: appointments the office can hold at once (rooms or desks).
    #[serde(default)]
    pub capacity: i64,
}

/// An appointment type an office offers.
#[derive(Serialize, ToSchema)]
pub struct AppointmentTypeOut {
    pub id: i64,
    pub office: String,
    pub name: String,
    pub channel: String,
    pub duration_min: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    pub min_notice_min: u32,
    pub horizon_days: u32,
    pub skills: Vec<String>,
    pub capacity: u32,
    pub active: bool,
}

impl AppointmentTypeOut {
    pub fn new(office: &str, k: AppointmentKind) -> AppointmentTypeOut {
        let t: AppointmentType = k.kind;
        AppointmentTypeOut {
            id: k.id,
            office: office.to_string(),
            name: k.name,
            channel: t.channel.as_str().into(),
            duration_min: t.duration_min,
            buffer_before_min: t.buffer_before_min,
            buffer_after_min: t.buffer_after_min,
            min_notice_min: t.min_notice_min,
            horizon_days: t.horizon_days,
            skills: t.skills.iter().map(|s| s.as_str().to_string()).collect(),
            capacity: t.capacity,
            active: k.active,
        }
    }
}

/// One day's work as typed: a mode and, unless off, the hours (`HH:MM`, office wall clock).
#[derive(Deserialize, Serialize, ToSchema)]
pub struct ShiftJson {
    /// `office`, `telework`, `field` or `off`.
    pub mode: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

impl ShiftJson {
    pub fn parse(&self, field: &str) -> Result<Shift, String> {
        Shift::parse(&self.mode, &self.start, &self.end).map_err(|e| format!("{field}: {e}"))
    }

    pub fn from_shift(s: &Shift) -> ShiftJson {
        let (start, end) = s.hours();
        ShiftJson {
            mode: s.mode.as_str().into(),
            start,
            end,
        }
    }
}

/// An employee's default week, Monday first (seven days).
#[derive(Deserialize, ToSchema)]
pub struct WeekIn {
    pub days: Vec<ShiftJson>,
}

/// One date of a schedule: where and when, and why.
#[derive(Serialize, ToSchema)]
pub struct ScheduleDayOut {
    pub date: String,
    /// `office`, `telework`, `field`, `off`, `leave`, `holiday` or `closed`.
    pub mode: String,
    pub start: Option<String>,
    pub end: Option<String>,
    /// In words: `Telework`, `On leave`, `Holiday`, `Office closed` …
    pub why: String,
    /// Whether a dated change (not the default week) decides the day.
    pub changed: bool,
}

impl ScheduleDayOut {
    pub fn new(date: time::Date, day: Day, changed: bool) -> ScheduleDayOut {
        let mode = match day {
            Day::Works(s) => s.mode.as_str(),
            Day::Off => "off",
            Day::Leave => "leave",
            Day::Holiday => "holiday",
            Day::Closed => "closed",
        };
        ScheduleDayOut {
            date: date.to_string(),
            mode: mode.into(),
            start: day.shift().map(|s| hhmm(s.start)),
            end: day.shift().map(|s| hhmm(s.end)),
            why: day.label().into(),
            changed,
        }
    }
}

/// An employee's schedule: the default week and the days of a range.
#[derive(Serialize, ToSchema)]
pub struct ScheduleOut {
    pub username: String,
    pub office: String,
    pub time_zone: String,
    /// Monday first.
    pub week: Vec<ShiftJson>,
    pub days: Vec<ScheduleDayOut>,
}

/// A dated change to one employee's schedule (managers), or a change asked for (the employee).
#[derive(Deserialize, ToSchema)]
pub struct ScheduleChangeIn {
    /// `YYYY-MM-DD`, office-local.
    pub date: String,
    #[serde(flatten)]
    pub shift: ShiftJson,
    #[serde(default)]
    pub note: String,
}

/// A manager's answer to a requested change.
#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    /// `approve` or `decline`.
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// A requested change and where it stands.
#[derive(Serialize, ToSchema)]
pub struct ScheduleRequestOut {
    pub id: i64,
    /// `pending`, `approved` or `declined`.
    pub status: String,
}
