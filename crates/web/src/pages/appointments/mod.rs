//! Appointments: booking for a claimant (the next free time in one press, or a week of free
//! times to pick from), one appointment with its history and moves, the office's day, the
//! office's appointment types, and the measures of the appointment book. Work schedules
//! (who works where, when) are in [`super::schedules`].

mod book;
mod day;
mod measures;
mod show;
mod types;

pub use day::{my_appointments, MyAppointment};

use crate::error::PageError;
use crate::routes::{get, post, Table};
use time::{Date, Duration};
use worktrack_domain::appointments::instant_at;
use worktrack_domain::TimeZone;
use worktrack_store::Office;

pub fn routes() -> Table {
    Table::new()
        .route("/appointments", get(day::office_day))
        .route("/appointments/book", get(book::book_page).post(book::book))
        .route("/appointments/measures", get(measures::measures))
        .route("/appointments/{id}", get(show::show).post(show::act))
        .route("/appointment-types", get(types::list).post(types::create))
        .route("/appointment-types/{id}", post(types::update))
}

/// The office's time zone (every time on these pages is on the office's clock).
pub(crate) fn office_zone(office: &Office) -> Result<TimeZone, PageError> {
    TimeZone::parse(&office.time_zone).map_err(|_| PageError::internal())
}

/// `HH:MM` of `ms` on the office's clock.
pub(crate) fn clock(tz: TimeZone, ms: i64) -> String {
    let t = tz.local_time(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A day as people say it: `Tue 8 Dec`.
pub(crate) fn day_label(d: Date) -> String {
    format!(
        "{} {} {}",
        &d.weekday().to_string()[..3],
        d.day(),
        &d.month().to_string()[..3]
    )
}

/// The Monday of `d`'s week.
pub(crate) fn monday_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// The instants (ms) `date` begins and ends on the office's clock.
pub(crate) fn day_bounds(tz: TimeZone, date: Date) -> (i64, i64) {
    let start = |d: Date| {
        // Midnight exists in every US zone; an hour later stands in where it does not.
        instant_at(tz, d, 0)
            .or_else(|| instant_at(tz, d, 60))
            .unwrap_or_else(|| d.midnight().assume_utc().unix_timestamp() * 1000)
    };
    let next = date.next_day().unwrap_or(date);
    (start(date), start(next))
}

/// A form's number field: `None` when empty, an error naming the field when not a number.
pub(crate) fn optional_id(field: &str, s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or_else(|| format!("{field}: give a number, such as 12, or leave it empty."))
}
