//! Names and codes people type: office codes, user names, person names, passwords.

use serde::Serialize;
use std::fmt;

/// `as_str` (and, with `Display`, the `Display` that writes it) of a type that wraps a
/// checked `String`.
macro_rules! text_type {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
    ($ty:ident, Display) => {
        text_type!($ty);

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

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

text_type!(EmailAddress);

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
}

/// An office code: 3–6 ASCII letters or digits, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OfficeCode(String);

text_type!(OfficeCode, Display);

impl OfficeCode {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let s = s.trim();
        if (3..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(OfficeCode(s.to_ascii_uppercase()))
        } else {
            Err(NameError::OfficeCode)
        }
    }
}

/// A login name: lower-case, so that `J.Smith` and `j.smith` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

text_type!(Username, Display);

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
}

/// `s` trimmed, when it is not blank, has at most `max` characters and no control character.
fn display_text(s: &str, max: usize, error: NameError) -> Result<String, NameError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        Err(error)
    } else {
        Ok(s.to_string())
    }
}

/// A person's or an office's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

text_type!(PersonName);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        display_text(s, 200, NameError::PersonName).map(PersonName)
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

/// A skill a user has (a workload they are trained for, a language): lower-case letters,
/// digits and '-', 1–40 characters, e.g. `disability`, `ssi`, `spanish`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Skill(String);

text_type!(Skill);

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

text_type!(AreaName);

impl AreaName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        display_text(s, 80, NameError::Area).map(AreaName)
    }
}

impl TimeZone {
    /// The zone's rules from the IANA time-zone database bundled into the binary (jiff's
    /// `tzdb-bundle-always`, never /usr/share/zoneinfo), so every machine gives the same answer.
    /// Every name in [`OFFICE_TIME_ZONES`] is in the database (tested); UTC would stand in for
    /// one that were not.
    pub fn rules(self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZoneDatabase::bundled()
            .get(self.0)
            .unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The instant `unix_ms`, to the second (an instant out of range counts as the epoch).
    fn instant(unix_ms: i64) -> (time::OffsetDateTime, jiff::Timestamp) {
        let utc = time::OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let at = jiff::Timestamp::from_second(utc.unix_timestamp())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        (utc, at)
    }

    /// The office's calendar date at the instant `unix_ms`, by the time-zone database's rules
    /// for the zone (daylight-saving time as it was in force on that date).
    pub fn local_date(self, unix_ms: i64) -> time::Date {
        self.local_time(unix_ms).date()
    }

    /// The office's wall-clock date and time at the instant `unix_ms` (see [`Self::local_date`]).
    pub fn local_time(self, unix_ms: i64) -> time::PrimitiveDateTime {
        let (utc, at) = Self::instant(unix_ms);
        let seconds = self.rules().to_offset(at).seconds();
        let local = time::UtcOffset::from_whole_seconds(seconds)
            .ok()
            .and_then(|offset| utc.checked_to_offset(offset))
            .unwrap_or(utc);
        time::PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The zone's abbreviation at the instant `unix_ms` (`EST` or `EDT`, `HST`, `ChST`), so a
    /// time shown to people says which clock it is on. It is the database's; one that is not in
    /// [`ZONE_ABBREVIATIONS`] (never the case for the office zones, tested) gives the zone's name.
    pub fn abbreviation(self, unix_ms: i64) -> &'static str {
        let (_, at) = Self::instant(unix_ms);
        let rules = self.rules();
        let info = rules.to_offset_info(at);
        ZONE_ABBREVIATIONS
            .iter()
            .find(|a| **a == info.abbreviation())
            .copied()
            .unwrap_or(self.0)
    }
}

/// Every abbreviation the time-zone database gives the zones of [`OFFICE_TIME_ZONES`], past and
/// present (war and peace time `EWT`/`EPT`, Alaska–Hawaii `AHST`, Guam's `GST`, local mean time
/// `LMT` …): [`TimeZone::abbreviation`] hands out these `'static` copies.
#[rustfmt::skip]
const ZONE_ABBREVIATIONS: &[&str] = &[
    // Today's.
    "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST", "HDT", "AST",
    "ADT", "ChST", "SST",
    // War and peace time, 1942-45.
    "EWT", "EPT", "CWT", "CPT", "MWT", "MPT", "PWT", "PPT", "AWT", "APT", "HWT", "HPT",
    // Older, and UTC (jiff's stand-in for a zone it would not know).
    "AHST", "AHDT", "YST", "GST", "GDT", "+09", "LMT", "UTC",
];

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
