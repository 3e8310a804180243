//! The federal business-day calendar: deadlines are whole business days, skipping weekends, the
//! eleven federal holidays as observed, Inauguration Day for DC-area offices, and closure days
//! an administrator adds.
//!
//! Observance: a holiday on a Saturday is observed the Friday before (so New Year's Day 2028 is
//! observed on 2027-12-31), one on a Sunday the Monday after. Inauguration Day (January 20 of
//! every fourth year since 1965, 5 U.S.C. 6103(c)) is a holiday only in the DC area; on a Sunday
//! it moves to Monday, on a Saturday there is none, and when it falls on Martin Luther King Jr.
//! Day it adds nothing.

use std::collections::BTreeSet;
use time::{Date, Duration, Month, Weekday};

/// A holiday as observed, with its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: &'static str,
}

fn date(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

/// The `n`-th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: Month, weekday: Weekday, n: u8) -> Option<Date> {
    let first = date(year, month, 1)?;
    let offset =
        (7 + weekday.number_days_from_monday() - first.weekday().number_days_from_monday()) % 7;
    first.checked_add(Duration::days(i64::from(offset) + 7 * i64::from(n - 1)))
}

fn last_weekday(year: i32, month: Month, weekday: Weekday) -> Option<Date> {
    let next_month_first = if month == Month::December {
        date(year + 1, Month::January, 1)?
    } else {
        date(year, month.next(), 1)?
    };
    let last = next_month_first.previous_day()?;
    let back =
        (7 + last.weekday().number_days_from_monday() - weekday.number_days_from_monday()) % 7;
    last.checked_sub(Duration::days(i64::from(back)))
}

fn observed(d: Date) -> Option<Date> {
    match d.weekday() {
        Weekday::Saturday => d.previous_day(),
        Weekday::Sunday => d.next_day(),
        _ => Some(d),
    }
}

/// When a federal holiday falls in a year.
#[derive(Clone, Copy)]
enum Rule {
    /// A fixed day of a month, observed on the nearest weekday.
    Fixed(Month, u8),
    /// The `n`-th (1-based) weekday of a month.
    Nth(Month, Weekday, u8),
    /// The last weekday of a month.
    Last(Month, Weekday),
}

impl Rule {
    fn observed_in(self, year: i32) -> Option<Date> {
        match self {
            Rule::Fixed(month, day) => date(year, month, day).and_then(observed),
            Rule::Nth(month, weekday, n) => nth_weekday(year, month, weekday, n),
            Rule::Last(month, weekday) => last_weekday(year, month, weekday),
        }
    }
}

const MLK_DAY: Rule = Rule::Nth(Month::January, Weekday::Monday, 3);
const NEW_YEARS_DAY: Rule = Rule::Fixed(Month::January, 1);

/// The eleven federal holidays (5 U.S.C. 6103(a)), in calendar order.
#[rustfmt::skip]
const FEDERAL_HOLIDAYS: [(Rule, &str); 11] = [
    (NEW_YEARS_DAY, "New Year's Day"),
    (MLK_DAY, "Birthday of Martin Luther King, Jr."),
    (Rule::Nth(Month::February, Weekday::Monday, 3), "Washington's Birthday"),
    (Rule::Last(Month::May, Weekday::Monday), "Memorial Day"),
    (Rule::Fixed(Month::June, 19), "Juneteenth National Independence Day"),
    (Rule::Fixed(Month::July, 4), "Independence Day"),
    (Rule::Nth(Month::September, Weekday::Monday, 1), "Labor Day"),
    (Rule::Nth(Month::October, Weekday::Monday, 2), "Columbus Day"),
    (Rule::Fixed(Month::November, 11), "Veterans Day"),
    (Rule::Nth(Month::November, Weekday::Thursday, 4), "Thanksgiving Day"),
    (Rule::Fixed(Month::December, 25), "Christmas Day"),
];

/// The observed federal holidays whose *observed* date falls in `year`, in date order. New
/// Year's Day of `year + 1` observed on December 31 belongs to `year`.
pub fn federal_holidays(year: i32, dc_area: bool) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = Vec::new();
    let mut push = |d: Option<Date>, name: &'static str| {
        if let Some(d) = d {
            if d.year() == year && !out.iter().any(|h| h.date == d) {
                out.push(Holiday { date: d, name });
            }
        }
    };
    for (rule, name) in FEDERAL_HOLIDAYS {
        push(rule.observed_in(year), name);
    }
    push(NEW_YEARS_DAY.observed_in(year + 1), "New Year's Day");
    if dc_area && (year - 1965) % 4 == 0 {
        let inauguration = date(year, Month::January, 20).and_then(|d| match d.weekday() {
            Weekday::Saturday => None,
            Weekday::Sunday => d.next_day(),
            _ => Some(d),
        });
        if inauguration != MLK_DAY.observed_in(year) {
            push(inauguration, "Inauguration Day");
        }
    }
    out.sort_by_key(|h| h.date);
    out
}

const TABLE_FIRST_YEAR: i32 = 1970;
const TABLE_LAST_YEAR: i32 = 2100;

/// The observed holidays of 1970–2100, sorted, worked out once per process: every deadline,
/// aging bucket and timeliness figure asks about many days, and the rules are fixed.
fn holiday_table(dc_area: bool) -> &'static [Date] {
    static TABLES: std::sync::OnceLock<[Vec<Date>; 2]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        [false, true].map(|dc| {
            (TABLE_FIRST_YEAR..=TABLE_LAST_YEAR)
                .flat_map(|y| federal_holidays(y, dc).into_iter().map(|h| h.date))
                .collect()
        })
    });
    &tables[usize::from(dc_area)]
}

/// The working calendar of one office.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    dc_area: bool,
    closures: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(dc_area: bool, closures: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            dc_area,
            closures: closures.into_iter().collect(),
        }
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        if (TABLE_FIRST_YEAR..=TABLE_LAST_YEAR).contains(&d.year()) {
            holiday_table(self.dc_area).binary_search(&d).is_ok()
        } else {
            federal_holidays(d.year(), self.dc_area)
                .iter()
                .any(|h| h.date == d)
        }
    }

    pub fn is_business_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.closures.contains(&d)
            && !self.is_holiday(d)
    }

    /// The date `n` business days after `start` (`n = 0`: `start` itself if it is a business
    /// day, else the next one).
    pub fn add_business_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        if n == 0 {
            while !self.is_business_day(d) {
                d = d.next_day().unwrap_or(d);
            }
            return d;
        }
        let mut left = n;
        while left > 0 {
            match d.next_day() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_business_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Business days after `from` up to and including `to` (0 when `to <= from`): how late
    /// something done on `to` is when it arrived on `from`.
    pub fn business_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_business_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Observed holidays 2021–2030 as published by OPM (2021–2026) and worked out by hand
    /// from the rules (2027–2030), not computed by the code under test.
    const OBSERVED: &[(i32, &[&str])] = &[
        (
            2021,
            &[
                "2021-01-01",
                "2021-01-18",
                "2021-02-15",
                "2021-05-31",
                "2021-06-18",
                "2021-07-05",
                "2021-09-06",
                "2021-10-11",
                "2021-11-11",
                "2021-11-25",
                "2021-12-24",
                "2021-12-31",
            ],
        ),
        (
            2022,
            &[
                "2022-01-17",
                "2022-02-21",
                "2022-05-30",
                "2022-06-20",
                "2022-07-04",
                "2022-09-05",
                "2022-10-10",
                "2022-11-11",
                "2022-11-24",
                "2022-12-26",
            ],
        ),
        (
            2023,
            &[
                "2023-01-02",
                "2023-01-16",
                "2023-02-20",
                "2023-05-29",
                "2023-06-19",
                "2023-07-04",
                "2023-09-04",
                "2023-10-09",
                "2023-11-10",
                "2023-11-23",
                "2023-12-25",
            ],
        ),
        (
            2024,
            &[
                "2024-01-01",
                "2024-01-15",
                "2024-02-19",
                "2024-05-27",
                "2024-06-19",
                "2024-07-04",
                "2024-09-02",
                "2024-10-14",
                "2024-11-11",
                "2024-11-28",
                "2024-12-25",
            ],
        ),
        (
            2025,
            &[
                "2025-01-01",
                "2025-01-20",
                "2025-02-17",
                "2025-05-26",
                "2025-06-19",
                "2025-07-04",
                "2025-09-01",
                "2025-10-13",
                "2025-11-11",
                "2025-11-27",
                "2025-12-25",
            ],
        ),
        (
            2026,
            &[
                "2026-01-01",
                "2026-01-19",
                "2026-02-16",
                "2026-05-25",
                "2026-06-19",
                "2026-07-03",
                "2026-09-07",
                "2026-10-12",
                "2026-11-11",
                "2026-11-26",
                "2026-12-25",
            ],
        ),
        (
            2027,
            &[
                "2027-01-01",
                "2027-01-18",
                "2027-02-15",
                "2027-05-31",
                "2027-06-18",
                "2027-07-05",
                "2027-09-06",
                "2027-10-11",
                "2027-11-11",
                "2027-11-25",
                "2027-12-24",
                "2027-12-31",
            ],
        ),
        (
            2028,
            &[
                "2028-01-17",
                "2028-02-21",
                "2028-05-29",
                "2028-06-19",
                "2028-07-04",
                "2028-09-04",
                "2028-10-09",
                "2028-11-10",
                "2028-11-23",
                "2028-12-25",
            ],
        ),
        (
            2029,
            &[
                "2029-01-01",
                "2029-01-15",
                "2029-02-19",
                "2029-05-28",
                "2029-06-19",
                "2029-07-04",
                "2029-09-03",
                "2029-10-08",
                "2029-11-12",
                "2029-11-22",
                "2029-12-25",
            ],
        ),
        (
            2030,
            &[
                "2030-01-01",
                "2030-01-21",
                "2030-02-18",
                "2030-05-27",
                "2030-06-19",
                "2030-07-04",
                "2030-09-02",
                "2030-10-14",
                "2030-11-11",
                "2030-11-28",
                "2030-12-25",
            ],
        ),
    ];

    fn iso(d: Date) -> String {
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    #[test]
    fn observed_federal_holidays_2021_to_2030() {
        for (year, expected) in OBSERVED {
            let got: Vec<String> = federal_holidays(*year, false)
                .iter()
                .map(|h| iso(h.date))
                .collect();
            assert_eq!(&got, expected, "{year}");
        }
    }

    #[test]
    fn inauguration_day_only_in_the_dc_area() {
        // 2021: a Wednesday, a holiday in the DC area only.
        let dc = Calendar::new(true, []);
        let elsewhere = Calendar::new(false, []);
        assert!(!dc.is_business_day(date!(2021 - 01 - 20)));
        assert!(elsewhere.is_business_day(date!(2021 - 01 - 20)));
        // 2025: on MLK Day, nothing added.
        assert_eq!(
            federal_holidays(2025, true).len(),
            federal_holidays(2025, false).len()
        );
        // 2029: a Saturday, no holiday.
        assert_eq!(federal_holidays(2029, true), federal_holidays(2029, false));
        // 2013: a Sunday, moved to Monday the 21st, which is MLK Day: nothing added.
        assert_eq!(federal_holidays(2013, true), federal_holidays(2013, false));
        // 2033: Thursday January 20.
        assert!(federal_holidays(2033, true)
            .iter()
            .any(|h| h.date == date!(2033 - 01 - 20) && h.name == "Inauguration Day"));
        // Not in other years.
        assert_eq!(federal_holidays(2030, true), federal_holidays(2030, false));
    }

    #[test]
    fn the_holiday_table_agrees_with_the_rules() {
        for dc in [false, true] {
            let cal = Calendar::new(dc, []);
            for year in [1970, 1999, 2024, 2025, 2027, 2028, 2029, 2044, 2100] {
                let holidays: Vec<Date> =
                    federal_holidays(year, dc).iter().map(|h| h.date).collect();
                let mut d = date(year, Month::January, 1).unwrap();
                while d.year() == year {
                    assert_eq!(
                        cal.is_holiday(d),
                        holidays.contains(&d),
                        "{d} (DC area: {dc})"
                    );
                    d = d.next_day().unwrap();
                }
            }
        }
        // Outside the table the rules are applied directly.
        assert!(Calendar::new(false, []).is_holiday(date(2101, Month::July, 4).unwrap()));
    }

    #[test]
    fn business_day_arithmetic() {
        let cal = Calendar::new(false, [date!(2026 - 12 - 28)]);
        let adds = [
            // Friday before Thanksgiving week: +1 is Monday.
            (date!(2026 - 11 - 20), 1, date!(2026 - 11 - 23)),
            // Wednesday before Thanksgiving: +1 skips Thursday (holiday) to Friday.
            (date!(2026 - 11 - 25), 1, date!(2026 - 11 - 27)),
            // Christmas Eve 2026 (Thursday) + 1: Christmas (Fri), weekend, the admin closure on
            // Monday 28th → Tuesday 29th.
            (date!(2026 - 12 - 24), 1, date!(2026 - 12 - 29)),
            // New Year's Day 2028 observed on Friday 2027-12-31.
            (date!(2027 - 12 - 30), 1, date!(2028 - 01 - 03)),
            // Zero days from a Saturday: the next business day.
            (date!(2026 - 11 - 21), 0, date!(2026 - 11 - 23)),
            (date!(2026 - 11 - 24), 0, date!(2026 - 11 - 24)),
            // Three business days from Thursday July 2, 2026 (July 3 observed): Jul 6, 7, 8.
            (date!(2026 - 07 - 02), 3, date!(2026 - 07 - 08)),
        ];
        for (from, days, expected) in adds {
            assert_eq!(
                cal.add_business_days(from, days),
                expected,
                "{from} + {days}"
            );
        }
        let betweens = [
            (date!(2026 - 07 - 02), date!(2026 - 07 - 08), 3),
            (date!(2026 - 07 - 02), date!(2026 - 07 - 02), 0),
            (date!(2026 - 07 - 08), date!(2026 - 07 - 02), 0),
            // Arrived Saturday, uploaded Monday: on time under a 1-day rule.
            (date!(2026 - 11 - 21), date!(2026 - 11 - 23), 1),
        ];
        for (from, to, expected) in betweens {
            assert_eq!(
                cal.business_days_between(from, to),
                expected,
                "{from} to {to}"
            );
        }
    }
}
