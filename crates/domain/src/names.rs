//! Names and codes people type: office codes, user names, person names, passwords.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("an office code is 3 to 6 letters or digits, e.g. A12 or DC1")]
    OfficeCode,
    #[error("a user name is 2 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter")]
    Username,
    #[error("a name is 1 to 200 characters and has no control characters")]
    PersonName,
    #[error("a password has at least 12 characters and at most 256")]
    PasswordLength,
    #[error("a skill is 1 to 40 lower-case letters, digits or '-', e.g. disability or spanish")]
    Skill,
    #[error("unknown time zone; use an IANA name such as America/New_York or America/Chicago")]
    TimeZone,
    #[error("an area name is 1 to 80 characters")]
    Area,
    #[error(
        "an e-mail address looks like name@agency.gov: one @, no spaces, at most 254 characters"
    )]
    Email,
}

/// An e-mail address, as far as a mail relay needs: `local@domain`, printable ASCII without
/// spaces or the characters that would end an SMTP command or header (`<`, `>`, `,`, `;`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim();
        let ok_char = |c: char| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ',' | ';' | '"');
        match s.split_once('@') {
            Some((local, domain))
                if s.len() <= 254
                    && !local.is_empty()
                    && local.len() <= 64
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && s.chars().all(ok_char) =>
            {
                Ok(EmailAddress(format!(
                    "{local}@{}",
                    domain.to_ascii_lowercase()
                )))
            }
            _ => Err(NameError::Email),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An office code: 3–6 ASCII letters or digits, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OfficeCode(String);

impl OfficeCode {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim();
        if (3..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(OfficeCode(s.to_ascii_uppercase()))
        } else {
            Err(NameError::OfficeCode)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OfficeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login name: lower-case, so that `J.Smith` and `j.smith` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (2..=64).contains(&s.len())
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Username(s))
        } else {
            Err(NameError::Username)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's or an office's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 200 || s.chars().any(char::is_control) {
            Err(NameError::PersonName)
        } else {
            Ok(PersonName(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the length policy (NIST SP 800-63B: length, not composition rules).
pub struct Password(String);

impl Password {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let n = s.chars().count();
        if (12..=256).contains(&n) {
            Ok(Password(s.to_string()))
        } else {
            Err(NameError::PasswordLength)
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_codes() {
        assert_eq!(OfficeCode::parse(" a12 ").unwrap().as_str(), "A12");
        assert!(OfficeCode::parse("A1").is_err());
        assert!(OfficeCode::parse("A1234567").is_err());
        assert!(OfficeCode::parse("A-12").is_err());
        assert!(OfficeCode::parse("../x").is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse("J.Smith").unwrap().as_str(), "j.smith");
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("a'--").is_err());
    }

    #[test]
    fn person_names_and_passwords() {
        assert!(PersonName::parse("  ").is_err());
        assert!(PersonName::parse("Ana\u{0}").is_err());
        assert_eq!(
            PersonName::parse(" Ana Díaz ").unwrap().as_str(),
            "Ana Díaz"
        );
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough pass").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("long enough pass").unwrap()),
            "Password(***)"
        );
    }
}

/// A skill a user has (a workload they are trained for, a language): lower-case letters,
/// digits and '-', 1–40 characters, e.g. `disability`, `ssi`, `spanish`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Skill(String);

impl Skill {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim().to_ascii_lowercase();
        if (1..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Ok(Skill(s))
        } else {
            Err(NameError::Skill)
        }
    }

    /// Parses a comma- or space-separated list, dropping repeats.
    pub fn parse_list(s: &str) -> Result<Vec<Skill>, NameError> {
        let mut out: Vec<Skill> = s
            .split([',', ' ', '\n'])
            .filter(|p| !p.trim().is_empty())
            .map(Skill::parse)
            .collect::<Result<_, _>>()?;
        out.sort();
        out.dedup();
        Ok(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The time zones of U.S. field offices (IANA names).
pub const OFFICE_TIME_ZONES: [&str; 11] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/St_Thomas",
    "Pacific/Guam",
    "Pacific/Pago_Pago",
];

/// An office's time zone, one of [`OFFICE_TIME_ZONES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeZone(&'static str);

impl TimeZone {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        OFFICE_TIME_ZONES
            .iter()
            .find(|z| z.eq_ignore_ascii_case(s.trim()))
            .map(|z| TimeZone(z))
            .ok_or(NameError::TimeZone)
    }
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// An area: the group of offices an area director oversees, e.g. `Atlanta` or `Area 3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AreaName(String);

impl AreaName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 80 || s.chars().any(char::is_control) {
            Err(NameError::Area)
        } else {
            Ok(AreaName(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn skills_time_zones_areas() {
        let skills = Skill::parse_list("SSI, disability ssi").unwrap();
        let names: Vec<&str> = skills.iter().map(Skill::as_str).collect();
        assert_eq!(names, ["disability", "ssi"]);
        assert!(Skill::parse_list("ssi, dis ability!").is_err());
        assert_eq!(
            TimeZone::parse("america/chicago").unwrap().as_str(),
            "America/Chicago"
        );
        assert!(TimeZone::parse("Europe/Paris").is_err());
        assert!(AreaName::parse("").is_err());
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            EmailAddress::parse(" Manager.A@Field.Example.GOV ")
                .unwrap()
                .as_str(),
            "Manager.A@field.example.gov"
        );
        for bad in [
            "",
            "manager",
            "@example.gov",
            "manager@",
            "a@b@example.gov",
            "manager a@example.gov",
            "manager@example..gov",
            "manager@.example.gov",
            "<manager@example.gov>",
            "manager@example.gov\r\nRCPT TO:<x@y>",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
        assert!(EmailAddress::parse(&format!("{}@example.gov", "a".repeat(65))).is_err());
    }

    #[test]
    fn local_time_follows_daylight_saving() {
        let tz = TimeZone::parse("America/New_York").unwrap();
        // 2026-07-01 12:00 UTC is 08:00 EDT; 2026-12-01 12:00 UTC is 07:00 EST.
        let july = time::macros::datetime!(2026-07-01 12:00 UTC).unix_timestamp() * 1000;
        let december = time::macros::datetime!(2026-12-01 12:00 UTC).unix_timestamp() * 1000;
        assert_eq!(
            tz.local_time(july),
            time::macros::datetime!(2026-07-01 08:00)
        );
        assert_eq!(
            tz.local_time(december),
            time::macros::datetime!(2026-12-01 07:00)
        );
        let phoenix = TimeZone::parse("America/Phoenix").unwrap();
        assert_eq!(
            phoenix.local_time(july),
            time::macros::datetime!(2026-07-01 05:00)
        );
        assert_eq!(tz.abbreviation(july), "EDT");
        assert_eq!(tz.abbreviation(december), "EST");
        assert_eq!(phoenix.abbreviation(july), "MST");
        let guam = TimeZone::parse("Pacific/Guam").unwrap();
        assert_eq!(guam.abbreviation(july), "ChST");
    }
}

impl TimeZone {
    /// Hours from UTC outside daylight-saving time, and whether the zone observes it.
    fn standard_offset(self) -> (i64, bool) {
        match self.0 {
            "America/New_York" => (-5, true),
            "America/Chicago" => (-6, true),
            "America/Denver" => (-7, true),
            "America/Phoenix" => (-7, false),
            "America/Los_Angeles" => (-8, true),
            "America/Anchorage" => (-9, true),
            "Pacific/Honolulu" => (-10, false),
            "America/Puerto_Rico" | "America/St_Thomas" => (-4, false),
            "Pacific/Guam" => (10, false),
            _ => (-11, false), // Pacific/Pago_Pago
        }
    }

    /// The office's calendar date at the instant `unix_ms`, under the U.S. daylight-saving rule
    /// (second Sunday of March 02:00 to first Sunday of November 02:00 local time) — enough for
    /// the eleven zones of [`OFFICE_TIME_ZONES`] without a time-zone database.
    pub fn local_date(self, unix_ms: i64) -> time::Date {
        self.local_time(unix_ms).date()
    }

    /// The office's wall-clock date and time at the instant `unix_ms` (see [`Self::local_date`]).
    pub fn local_time(self, unix_ms: i64) -> time::PrimitiveDateTime {
        self.local_time_and_dst(unix_ms).0
    }

    /// The zone's abbreviation at the instant `unix_ms` (`EST` or `EDT`, `HST`, `ChST`), so a
    /// time shown to people says which clock it is on.
    pub fn abbreviation(self, unix_ms: i64) -> &'static str {
        let dst = self.local_time_and_dst(unix_ms).1;
        match (self.0, dst) {
            ("America/New_York", false) => "EST",
            ("America/New_York", true) => "EDT",
            ("America/Chicago", false) => "CST",
            ("America/Chicago", true) => "CDT",
            ("America/Denver" | "America/Phoenix", false) => "MST",
            ("America/Denver", true) => "MDT",
            ("America/Los_Angeles", false) => "PST",
            ("America/Los_Angeles", true) => "PDT",
            ("America/Anchorage", false) => "AKST",
            ("America/Anchorage", true) => "AKDT",
            ("Pacific/Honolulu", _) => "HST",
            ("America/Puerto_Rico" | "America/St_Thomas", _) => "AST",
            ("Pacific/Guam", _) => "ChST",
            _ => "SST",
        }
    }

    /// Wall-clock time and whether daylight-saving time is in force.
    fn local_time_and_dst(self, unix_ms: i64) -> (time::PrimitiveDateTime, bool) {
        let (std_hours, dst) = self.standard_offset();
        let utc = time::OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let standard = utc + time::Duration::hours(std_hours);
        let standard_wall = time::PrimitiveDateTime::new(standard.date(), standard.time());
        if !dst {
            return (standard_wall, false);
        }
        let year = standard.year();
        let sunday = |month: time::Month, n: u8| {
            time::Date::from_calendar_date(year, month, 1)
                .ok()
                .and_then(|first| {
                    let offset = (7 - first.weekday().number_days_from_sunday()) % 7;
                    first.checked_add(time::Duration::days(
                        i64::from(offset) + 7 * i64::from(n - 1),
                    ))
                })
        };
        // Compare in local standard time: DST runs from 02:00 standard on the start day to
        // 01:00 standard (02:00 daylight) on the end day.
        let in_dst = match (
            sunday(time::Month::March, 2),
            sunday(time::Month::November, 1),
        ) {
            (Some(start), Some(end)) => {
                let start = start.midnight().assume_utc() + time::Duration::hours(2);
                let end = end.midnight().assume_utc() + time::Duration::hours(1);
                let local = standard.date().midnight().assume_utc()
                    + time::Duration::seconds(
                        i64::from(standard.time().hour()) * 3600
                            + i64::from(standard.time().minute()) * 60,
                    );
                local >= start && local < end
            }
            _ => false,
        };
        if in_dst {
            (standard_wall + time::Duration::hours(1), true)
        } else {
            (standard_wall, false)
        }
    }
}

#[cfg(test)]
mod zone_tests {
    use super::*;
    use time::macros::{date, datetime};

    fn ms(t: time::OffsetDateTime) -> i64 {
        (t.unix_timestamp_nanos() / 1_000_000) as i64
    }

    #[test]
    fn local_dates_follow_offsets_and_daylight_saving() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        let phx = TimeZone::parse("America/Phoenix").unwrap();
        let guam = TimeZone::parse("Pacific/Guam").unwrap();
        // 2026-11-25 03:30 UTC: 22:30 the day before in New York (EST, -5).
        assert_eq!(
            ny.local_date(ms(datetime!(2026-11-25 03:30 UTC))),
            date!(2026 - 11 - 24)
        );
        assert_eq!(
            ny.local_date(ms(datetime!(2026-11-25 05:30 UTC))),
            date!(2026 - 11 - 25)
        );
        // July: EDT (-4): 03:30 UTC is 23:30 the day before, 04:30 UTC is 00:30.
        assert_eq!(
            ny.local_date(ms(datetime!(2026-07-15 03:30 UTC))),
            date!(2026 - 07 - 14)
        );
        assert_eq!(
            ny.local_date(ms(datetime!(2026-07-15 04:30 UTC))),
            date!(2026 - 07 - 15)
        );
        // Phoenix stays at -7 all year.
        assert_eq!(
            phx.local_date(ms(datetime!(2026-07-15 06:30 UTC))),
            date!(2026 - 07 - 14)
        );
        // Guam is ahead of UTC.
        assert_eq!(
            guam.local_date(ms(datetime!(2026-07-15 15:00 UTC))),
            date!(2026 - 07 - 16)
        );
        // DST edges 2026: starts March 8, ends November 1.
        assert_eq!(
            ny.local_date(ms(datetime!(2026-03-08 04:30 UTC))),
            date!(2026 - 03 - 07)
        ); // 23:30 EST
        assert_eq!(
            ny.local_date(ms(datetime!(2026-11-01 04:30 UTC))),
            date!(2026 - 11 - 01)
        ); // 00:30 EDT
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn typed() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ a-zA-Z0-9._@<>,;\"\r\n\t\u{0}\u{e9}-]{0,80}",
            "[a-zA-Z0-9._-]{1,70}@[a-zA-Z0-9.-]{1,70}",
        ]
    }

    proptest! {
        /// Every parser takes any text without panicking, and what it keeps parses again to
        /// itself (the stored form is a fixed point).
        #[test]
        fn parsed_values_are_fixed_points(s in typed()) {
            if let Ok(v) = OfficeCode::parse(&s) {
                prop_assert!((3..=6).contains(&v.as_str().len()));
                prop_assert!(v.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
                prop_assert_eq!(OfficeCode::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(v) = Username::parse(&s) {
                prop_assert!((2..=64).contains(&v.as_str().len()));
                prop_assert!(v.as_str().starts_with(|c: char| c.is_ascii_lowercase()));
                prop_assert!(v.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)));
                prop_assert_eq!(Username::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(v) = PersonName::parse(&s) {
                let n = v.as_str();
                prop_assert!(!n.is_empty() && n.chars().count() <= 200);
                prop_assert!(!n.chars().any(char::is_control));
                prop_assert_eq!(n, n.trim());
                prop_assert_eq!(PersonName::parse(n), Ok(v.clone()));
            }
            if let Ok(v) = AreaName::parse(&s) {
                let n = v.as_str();
                prop_assert!(!n.is_empty() && n.chars().count() <= 80);
                prop_assert!(!n.chars().any(char::is_control));
                prop_assert_eq!(AreaName::parse(n), Ok(v.clone()));
            }
            if let Ok(v) = Skill::parse(&s) {
                prop_assert!((1..=40).contains(&v.as_str().len()));
                prop_assert_eq!(Skill::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(list) = Skill::parse_list(&s) {
                prop_assert!(list.windows(2).all(|w| w[0] < w[1]));
                let joined = list.iter().map(Skill::as_str).collect::<Vec<_>>().join(",");
                prop_assert_eq!(Skill::parse_list(&joined), Ok(list.clone()));
            }
            if let Ok(v) = TimeZone::parse(&s) {
                prop_assert!(OFFICE_TIME_ZONES.contains(&v.as_str()));
            }
            let n = s.chars().count();
            prop_assert_eq!(Password::parse(&s).is_ok(), (12..=256).contains(&n));
        }

        /// An accepted e-mail address cannot end or add an SMTP command or header: one `@`,
        /// printable ASCII without spaces or `<>,;"`, within the lengths of RFC 5321.
        #[test]
        fn email_addresses_are_safe_for_a_relay(s in typed()) {
            if let Ok(v) = EmailAddress::parse(&s) {
                let a = v.as_str();
                prop_assert!(a.len() <= 254);
                prop_assert_eq!(a.matches('@').count(), 1);
                prop_assert!(a.chars().all(|c| c.is_ascii_graphic() && !"<>,;\"".contains(c)));
                let (local, domain) = a.split_once('@').unwrap();
                prop_assert!(!local.is_empty() && local.len() <= 64);
                prop_assert!(!domain.is_empty() && !domain.contains("..") && !domain.starts_with('.') && !domain.ends_with('.'));
                prop_assert_eq!(domain, domain.to_ascii_lowercase());
                prop_assert_eq!(EmailAddress::parse(a), Ok(v.clone()));
            }
        }
    }
}
