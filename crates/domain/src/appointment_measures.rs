//! The measures of an office's appointment book, each defined once here and shown with its
//! definition next to the number: how long until the next free slot per channel, bookings per
//! day, the no-show rate, each channel's share, and an office day's in-person load per hour.
//! Pure functions over counts and times: no names, nothing about a person.

use crate::appointments::{AppointmentState, Channel};
use crate::names::TimeZone;
use crate::role::Role;
use time::Date;

/// Who sees an office's appointment measures and its staff's schedules side by side: its
/// managers, the area's director and auditors. (Analysts work from national figures; the
/// measures name nobody, but they are not offered an office's.)
pub fn may_oversee(role: Role) -> bool {
    matches!(role, Role::Manager | Role::AreaDirector | Role::Auditor)
}

/// One appointment as the measures see it: no claimant, no employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    pub channel: Channel,
    pub state: AppointmentState,
    pub start_ms: i64,
    /// When it was booked.
    pub created_ms: i64,
}

/// Hours from `now_ms` to the start of the next free slot, to one decimal (0 when it has
/// already begun).
pub fn hours_until(now_ms: i64, start_ms: i64) -> f64 {
    let ms = (start_ms - now_ms).max(0) as f64;
    (ms / 360_000.0).round() / 10.0
}

/// Appointments booked on each office day from `first` to `last` (by the office's calendar
/// day of booking, whatever became of them since), every day listed even when none.
pub fn bookings_per_day(
    bookings: &[Booking],
    tz: TimeZone,
    first: Date,
    last: Date,
) -> Vec<(Date, u64)> {
    std::iter::successors(Some(first), |d| d.next_day())
        .take_while(|d| *d <= last)
        .map(|d| {
            let n = bookings
                .iter()
                .filter(|b| tz.local_date(b.created_ms) == d)
                .count() as u64;
            (d, n)
        })
        .collect()
}

/// The no-show rate, in percent: appointments marked a no-show over those whose time came and
/// that were held or missed (no-shows + completed). Cancelled and still-booked appointments do
/// not count. `None` when there are none to count.
pub fn no_show_rate(bookings: &[Booking]) -> Option<f64> {
    let missed = bookings
        .iter()
        .filter(|b| b.state == AppointmentState::NoShow)
        .count();
    let held = bookings
        .iter()
        .filter(|b| b.state == AppointmentState::Completed)
        .count();
    percent(missed as u64, (missed + held) as u64)
}

/// Each channel's share of appointments, in percent of all appointments that were not
/// cancelled: (channel, count, share). The share is `None` when there are none.
pub fn channel_shares(bookings: &[Booking]) -> Vec<(Channel, u64, Option<f64>)> {
    let kept: Vec<&Booking> = bookings
        .iter()
        .filter(|b| b.state != AppointmentState::Cancelled)
        .collect();
    Channel::ALL
        .into_iter()
        .map(|c| {
            let n = kept.iter().filter(|b| b.channel == c).count() as u64;
            (c, n, percent(n, kept.len() as u64))
        })
        .collect()
}

/// `part` of `whole` in percent, to one decimal; `None` of nothing.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The most appointments held at once at any moment of `from..to`, of the spans
/// (`start..end`, ms) given: the in-person load of an hour, against the rooms or desks.
pub fn peak_at_once(spans: &[(i64, i64)], from: i64, to: i64) -> usize {
    // The count only rises at a start (or at `from`), so those are the moments to look at.
    std::iter::once(from)
        .chain(spans.iter().map(|s| s.0).filter(|s| *s > from && *s < to))
        .map(|t| spans.iter().filter(|s| s.0 <= t && t < s.1).count())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const H: i64 = 3_600_000;

    #[test]
    fn who_oversees() {
        let table = [
            (Role::Employee, false),
            (Role::Manager, true),
            (Role::AreaDirector, true),
            (Role::Analyst, false),
            (Role::Auditor, true),
            (Role::Admin, false),
        ];
        for (role, may) in table {
            assert_eq!(may_oversee(role), may, "{role:?}");
        }
    }

    fn b(channel: Channel, state: AppointmentState, created_ms: i64) -> Booking {
        Booking {
            channel,
            state,
            start_ms: created_ms + 24 * H,
            created_ms,
        }
    }

    #[test]
    fn hours_until_the_next_slot() {
        // (now, start, hours)
        let table = [
            (0, 0, 0.0),
            (0, H, 1.0),
            (0, 90 * 60_000, 1.5),
            (0, 26 * H + 20 * 60_000, 26.3),
            (5 * H, H, 0.0), // already begun
        ];
        for (now, start, hours) in table {
            assert_eq!(hours_until(now, start), hours, "{now} {start}");
        }
    }

    #[test]
    fn no_show_rate_counts_only_appointments_held_or_missed() {
        use AppointmentState::*;
        let p = Channel::Phone;
        // (states, rate)
        let table: [(&[AppointmentState], Option<f64>); 5] = [
            (&[], None),
            (&[Booked, Cancelled], None),
            (&[Completed, Completed, NoShow], Some(33.3)),
            (&[NoShow], Some(100.0)),
            (&[Completed, Cancelled, Booked, NoShow], Some(50.0)),
        ];
        for (states, rate) in table {
            let list: Vec<Booking> = states.iter().map(|s| b(p, *s, 0)).collect();
            assert_eq!(no_show_rate(&list), rate, "{states:?}");
        }
    }

    #[test]
    fn channel_shares_leave_out_cancelled_appointments() {
        use AppointmentState::*;
        let list = [
            b(Channel::Phone, Booked, 0),
            b(Channel::Phone, Completed, 0),
            b(Channel::Phone, NoShow, 0),
            b(Channel::Video, Booked, 0),
            b(Channel::InPerson, Cancelled, 0),
        ];
        assert_eq!(
            channel_shares(&list),
            vec![
                (Channel::Phone, 3, Some(75.0)),
                (Channel::Video, 1, Some(25.0)),
                (Channel::InPerson, 0, Some(0.0)),
            ]
        );
        assert_eq!(
            channel_shares(&[]),
            vec![
                (Channel::Phone, 0, None),
                (Channel::Video, 0, None),
                (Channel::InPerson, 0, None),
            ]
        );
    }

    #[test]
    fn bookings_fall_on_the_office_day_they_were_made() {
        let tz = TimeZone::parse("America/Chicago").unwrap();
        // 2027-03-02 00:00 UTC is 1 March, 18:00 in Chicago.
        let t = date!(2027 - 03 - 02)
            .midnight()
            .assume_utc()
            .unix_timestamp()
            * 1000;
        let list = [
            b(Channel::Phone, AppointmentState::Booked, t),
            b(Channel::Video, AppointmentState::Cancelled, t + 5 * H), // 23:00 the same day
            b(Channel::Phone, AppointmentState::Booked, t + 8 * H),
        ];
        assert_eq!(
            bookings_per_day(&list, tz, date!(2027 - 02 - 28), date!(2027 - 03 - 03)),
            vec![
                (date!(2027 - 02 - 28), 0),
                (date!(2027 - 03 - 01), 2),
                (date!(2027 - 03 - 02), 1),
                (date!(2027 - 03 - 03), 0),
            ]
        );
    }

    #[test]
    fn peak_load_is_the_most_at_once() {
        // (spans, from, to, peak)
        type Spans<'a> = &'a [(i64, i64)];
        let table: [(Spans, i64, i64, usize); 6] = [
            (&[], 0, H, 0),
            (&[(0, H)], 0, H, 1),
            (&[(0, 30), (30, 60)], 0, H, 1), // one after the other
            (&[(0, 40), (30, 60), (35, 50)], 0, H, 3),
            (&[(-10, 5), (20, 40)], 0, H, 1), // began before the hour
            (&[(0, H)], H, 2 * H, 0),         // ended as the hour began
        ];
        for (spans, from, to, peak) in table {
            assert_eq!(peak_at_once(spans, from, to), peak, "{spans:?}");
        }
    }
}
