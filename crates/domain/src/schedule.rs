//! Where and when each employee works: a default week (per weekday a mode and hours, on the
//! office's wall clock), dated overrides (a telework day swapped, a training day), leave, and the
//! office's calendar (federal holidays and closures).
//!
//! [`day_of`] is the one answer to "who works where, when" that appointments, the phone service,
//! the telework day and the simulator call; nothing else decides it.

use crate::calendar::Calendar;
use crate::role::Role;
use serde::Serialize;
use std::fmt;
use time::{Date, Time, Weekday};

/// Where a day's work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkMode {
    /// In the field office: can serve people who come in.
    Office,
    /// From home: can serve by phone and video.
    Telework,
    /// Away on field work (a hospital, a visit, training elsewhere): serves no appointments.
    Field,
    /// Not working.
    Off,
}

impl WorkMode {
    pub const ALL: [WorkMode; 4] = [
        WorkMode::Office,
        WorkMode::Telework,
        WorkMode::Field,
        WorkMode::Off,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkMode::Office => "office",
            WorkMode::Telework => "telework",
            WorkMode::Field => "field",
            WorkMode::Off => "off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WorkMode::Office => "In the office",
            WorkMode::Telework => "Telework",
            WorkMode::Field => "Field work",
            WorkMode::Off => "Off",
        }
    }

    pub fn parse(s: &str) -> Result<WorkMode, ScheduleError> {
        WorkMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| ScheduleError::Mode(s.trim().to_string()))
    }
}

impl fmt::Display for WorkMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a schedule entry is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("mode {0:?} is not one of office, telework, field, off")]
    Mode(String),
    #[error("{0:?} is not a time of day like 08:30")]
    Time(String),
    #[error("the day ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: String, end: String },
    #[error("a working day lasts at most 12 hours")]
    TooLong,
}

/// One day's work: a mode and, unless off, the hours on the office's wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub mode: WorkMode,
    pub start: Time,
    pub end: Time,
}

impl Shift {
    /// A day off.
    pub const OFF: Shift = Shift {
        mode: WorkMode::Off,
        start: Time::MIDNIGHT,
        end: Time::MIDNIGHT,
    };

    /// A working shift from `start` to `end` (a day off has no hours: they are ignored).
    pub fn new(mode: WorkMode, start: Time, end: Time) -> Result<Shift, ScheduleError> {
        if mode == WorkMode::Off {
            return Ok(Shift::OFF);
        }
        if end <= start {
            return Err(ScheduleError::EndsBeforeStart {
                start: hhmm(start),
                end: hhmm(end),
            });
        }
        if end - start > time::Duration::hours(12) {
            return Err(ScheduleError::TooLong);
        }
        Ok(Shift { mode, start, end })
    }

    /// A shift from form or API text: `mode`, `HH:MM`, `HH:MM` (hours may be empty when off).
    pub fn parse(mode: &str, start: &str, end: &str) -> Result<Shift, ScheduleError> {
        let mode = WorkMode::parse(mode)?;
        if mode == WorkMode::Off {
            return Ok(Shift::OFF);
        }
        Shift::new(mode, parse_hhmm(start)?, parse_hhmm(end)?)
    }

    pub fn works(&self) -> bool {
        self.mode != WorkMode::Off
    }

    /// Minutes after midnight the shift starts and ends.
    /// The hours as `HH:MM`, both empty when the shift is off.
    pub fn hours(&self) -> (String, String) {
        if self.works() {
            (hhmm(self.start), hhmm(self.end))
        } else {
            (String::new(), String::new())
        }
    }

    pub fn minutes(&self) -> (u32, u32) {
        (minute_of_day(self.start), minute_of_day(self.end))
    }
}

/// `HH:MM` of a time of day.
pub fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A time of day written `H:MM` or `HH:MM` (24-hour clock).
pub fn parse_hhmm(s: &str) -> Result<Time, ScheduleError> {
    let bad = || ScheduleError::Time(s.trim().to_string());
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let digits = |p: &str, max: u8| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u8>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    match (digits(h, 23), digits(m, 59)) {
        (Some(h), Some(m)) if m < 60 && s.trim().len() >= 4 => {
            Time::from_hms(h, m, 0).map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

pub(crate) fn minute_of_day(t: Time) -> u32 {
    u32::from(t.hour()) * 60 + u32::from(t.minute())
}

/// An employee's default week, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week(pub [Shift; 7]);

impl Week {
    /// The office's standard week: Monday to Friday in the office, 8:30 to 17:00.
    pub fn standard() -> Week {
        let day = Shift {
            mode: WorkMode::Office,
            start: time::macros::time!(8:30),
            end: time::macros::time!(17:00),
        };
        Week([day, day, day, day, day, Shift::OFF, Shift::OFF])
    }

    pub fn on(&self, weekday: Weekday) -> Shift {
        self.0[usize::from(weekday.number_days_from_monday())]
    }

    /// The same week with `weekday` changed.
    pub fn with(mut self, weekday: Weekday, shift: Shift) -> Week {
        self.0[usize::from(weekday.number_days_from_monday())] = shift;
        self
    }
}

/// A dated change to the default week: a swapped telework day, a training day, a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    pub date: Date,
    pub shift: Shift,
}

/// What one employee's day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// Working: where and when.
    Works(Shift),
    /// Off by their week or an override.
    Off,
    /// On leave.
    Leave,
    /// A federal holiday, observed.
    Holiday,
    /// The office is closed (a weekend or a closure day).
    Closed,
}

impl Day {
    pub fn shift(&self) -> Option<Shift> {
        match self {
            Day::Works(s) => Some(*s),
            _ => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Day::Works(s) => s.mode.label(),
            Day::Off => "Off",
            Day::Leave => "On leave",
            Day::Holiday => "Holiday",
            Day::Closed => "Office closed",
        }
    }
}

/// Who works where, when: the office's calendar first (a holiday or closure is nobody's working
/// day, whatever the schedule says), then leave, then a dated override, then the default week.
/// Weekends are closed days: offices do not open on them.
pub fn day_of(
    week: &Week,
    overrides: &[Override],
    on_leave: bool,
    calendar: &Calendar,
    date: Date,
) -> Day {
    if calendar.is_holiday(date) {
        return Day::Holiday;
    }
    if !calendar.is_business_day(date) {
        return Day::Closed;
    }
    if on_leave {
        return Day::Leave;
    }
    let shift = overrides
        .iter()
        .rev()
        .find(|o| o.date == date)
        .map(|o| o.shift)
        .unwrap_or_else(|| week.on(date.weekday()));
    if shift.works() {
        Day::Works(shift)
    } else {
        Day::Off
    }
}

/// Who may set an employee's week and dated overrides, and decide the changes they ask for:
/// the managers of their office (scope is checked by the store).
pub fn may_edit_schedules(role: Role) -> bool {
    role == Role::Manager
}

/// Who has a schedule: the people who serve the office's work and appointments.
pub fn has_schedule(role: Role) -> bool {
    matches!(role, Role::Employee | Role::Manager)
}

/// Who may ask for a change to their own schedule (a swapped telework day, a training day).
pub fn may_request_change(role: Role) -> bool {
    has_schedule(role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    fn shift(mode: WorkMode, a: Time, b: Time) -> Shift {
        Shift::new(mode, a, b).unwrap()
    }

    #[test]
    fn who_works_where_and_when() {
        let tele = shift(WorkMode::Telework, time!(7:00), time!(15:30));
        let week = Week::standard().with(Weekday::Wednesday, tele);
        let calendar = Calendar::new(false, [date!(2027 - 03 - 05)]);
        let swapped = Override {
            date: date!(2027 - 03 - 10),
            shift: Week::standard().on(Weekday::Monday),
        };
        let training = Override {
            date: date!(2027 - 03 - 11),
            shift: shift(WorkMode::Field, time!(9:00), time!(12:00)),
        };
        let off = Override {
            date: date!(2027 - 03 - 12),
            shift: Shift::OFF,
        };
        let overrides = [swapped, training, off];
        let office = Week::standard().on(Weekday::Monday);
        // (date, on leave, expected)
        let table = [
            (date!(2027 - 03 - 01), false, Day::Works(office)), // Monday
            (date!(2027 - 03 - 03), false, Day::Works(tele)),   // Wednesday telework
            (date!(2027 - 03 - 03), true, Day::Leave),
            (date!(2027 - 03 - 05), false, Day::Closed), // closure
            (date!(2027 - 03 - 05), true, Day::Closed),  // closure beats leave
            (date!(2027 - 03 - 06), false, Day::Closed), // Saturday
            (date!(2027 - 03 - 10), false, Day::Works(office)), // swapped in
            (date!(2027 - 03 - 11), false, Day::Works(training.shift)),
            (date!(2027 - 03 - 12), false, Day::Off),
            (date!(2027 - 02 - 15), false, Day::Holiday), // Washington's Birthday
            (date!(2027 - 01 - 20), false, Day::Works(tele)), // a Wednesday, not DC-area
        ];
        for (d, leave, expected) in table {
            assert_eq!(
                day_of(&week, &overrides, leave, &calendar, d),
                expected,
                "{d} leave={leave}"
            );
        }
        // Overrides never open a holiday or a weekend.
        let sat = Override {
            date: date!(2027 - 03 - 06),
            shift: office,
        };
        assert_eq!(
            day_of(&week, &[sat], false, &calendar, date!(2027 - 03 - 06)),
            Day::Closed
        );
    }

    #[test]
    fn who_edits_and_who_asks() {
        // (role, edits others' schedules, has one, may ask for a change)
        let table = [
            (Role::Employee, false, true, true),
            (Role::Manager, true, true, true),
            (Role::AreaDirector, false, false, false),
            (Role::Analyst, false, false, false),
            (Role::Auditor, false, false, false),
            (Role::Admin, false, false, false),
        ];
        for (role, edits, has, asks) in table {
            assert_eq!(may_edit_schedules(role), edits, "{role:?}");
            assert_eq!(has_schedule(role), has, "{role:?}");
            assert_eq!(may_request_change(role), asks, "{role:?}");
        }
    }

    #[test]
    fn shifts_parse_or_say_why_not() {
        assert_eq!(
            Shift::parse("telework", "7:00", "15:30").unwrap(),
            shift(WorkMode::Telework, time!(7:00), time!(15:30))
        );
        assert_eq!(Shift::parse("off", "", "").unwrap(), Shift::OFF);
        let errors = [
            ("home", "08:00", "16:00", "mode \"home\""),
            ("office", "8", "16:00", "\"8\" is not a time"),
            ("office", "24:00", "16:00", "\"24:00\""),
            ("office", "08:60", "16:00", "\"08:60\""),
            ("office", "-1:00", "16:00", "\"-1:00\""),
            (
                "office",
                "16:00",
                "08:00",
                "ends (08:00) before it starts (16:00)",
            ),
            ("office", "08:00", "08:00", "ends (08:00) before"),
            ("office", "05:00", "18:00", "at most 12 hours"),
        ];
        for (mode, a, b, message) in errors {
            let e = Shift::parse(mode, a, b).unwrap_err().to_string();
            assert!(e.contains(message), "{mode} {a} {b}: {e}");
        }
    }
}
