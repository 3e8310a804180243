//! Rules of the profiling workbench: how sure a suggestion is (and so whether it is pre-filled),
//! which fields a document type shows, and what a claimant search typed by a person means.

use crate::extract::FieldKind;
use crate::ssn::{Ssn, SsnPolicy};
use time::Date;

/// The confidence a suggestion needs to be "sure" while the office has no measured
/// auto-accept threshold.
pub const DEFAULT_SURE: f64 = 0.9;
/// Below this a suggestion is only "a guess".
pub const GUESS_BELOW: f64 = 0.5;

/// How sure a suggestion is, in the words the workbench shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sureness {
    /// Pre-filled: one key (Enter) accepts it.
    Sure,
    /// Offered as a choice; the code stays empty.
    Unsure,
    /// Offered as a choice, marked as a guess.
    Guess,
}

impl Sureness {
    /// The word shown next to the suggestion.
    pub fn word(&self) -> &'static str {
        match self {
            Sureness::Sure => "sure",
            Sureness::Unsure => "unsure",
            Sureness::Guess => "a guess",
        }
    }

    /// A CSS class suffix for the colour that goes with the word.
    pub fn class(&self) -> &'static str {
        match self {
            Sureness::Sure => "sure",
            Sureness::Unsure => "unsure",
            Sureness::Guess => "guess",
        }
    }
}

/// The confidence at which a suggestion is sure: the office's measured auto-accept threshold
/// when it has one, else [`DEFAULT_SURE`].
pub fn sure_threshold(measured: Option<f32>) -> f64 {
    match measured {
        Some(t) if t.is_finite() && t > 0.0 && t <= 1.0 => f64::from(t),
        _ => DEFAULT_SURE,
    }
}

/// How sure a suggestion of `confidence` is for an office whose measured threshold is
/// `measured`.
pub fn sureness(confidence: f64, measured: Option<f32>) -> Sureness {
    let sure = sure_threshold(measured);
    if !confidence.is_finite() {
        Sureness::Guess
    // Compared as the store compares for auto-acceptance (f32), so "sure" and "accepted
    // automatically" agree at the threshold itself.
    } else if confidence as f32 >= sure as f32 {
        Sureness::Sure
    } else if confidence >= GUESS_BELOW.min(sure) {
        Sureness::Unsure
    } else {
        Sureness::Guess
    }
}

/// The fields a document of type `document_type` (a catalogue document type code) shows on
/// the workbench, in order. Forms show who, born and signed; evidence shows what it proves.
pub fn fields_for_type(document_type: &str) -> &'static [FieldKind] {
    use FieldKind::*;
    match document_type {
        "PAY_STUB" => &[
            ClaimantName,
            Employer,
            PayPeriodStart,
            PayPeriodEnd,
            PayDate,
            GrossPay,
        ],
        "BANK_STATEMENT" => &[AccountHolder, BankName, StatementStart, StatementEnd],
        "RECEIPT" => &[ClaimantName, Merchant, PurchaseDate, Total],
        "MEDICAL" | "IDENTITY" => &[ClaimantName, DateOfBirth, ReceivedOn],
        "CORRESPONDENCE" => &[ClaimantName, DateOfBirth, SignedOn, ReceivedOn],
        // The SSA forms, and a type an administrator added.
        _ => &[ClaimantName, DateOfBirth, FormNumber, SignedOn, ReceivedOn],
    }
}

/// What a person typed into the workbench's claimant search.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimantQuery {
    /// A full SSN (any area: a number on file may be searched for).
    Ssn(Ssn),
    /// The last four digits of the SSN.
    LastFour(String),
    /// A date of birth, `YYYY-MM-DD` or `MM/DD/YYYY`.
    BirthDate(Date),
    /// Part of a name, lower-cased, single spaces.
    Name(String),
}

/// Reads a claimant search: a full SSN, four digits, a date of birth or (part of) a name.
pub fn parse_claimant_query(input: &str) -> Result<ClaimantQuery, String> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(
            "Claimant search: type a name, a date of birth, the last four digits or the SSN."
                .into(),
        );
    }
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let only_number = typed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '*'));
    if only_number && digits.len() == 4 {
        return Ok(ClaimantQuery::LastFour(digits));
    }
    if only_number && digits.len() == 9 && !typed.contains('*') {
        return Ssn::parse(typed, SsnPolicy::Training)
            .map(ClaimantQuery::Ssn)
            .map_err(|e| format!("Claimant search: {e}"));
    }
    if let Some(date) = birth_date(typed) {
        return Ok(ClaimantQuery::BirthDate(date));
    }
    if typed.chars().any(|c| c.is_ascii_digit()) {
        return Err("Claimant search: a number is the last four digits (1234), the whole SSN (123-45-6789) or a date of birth (1961-04-30).".into());
    }
    let name: Vec<String> = typed
        .split_whitespace()
        .map(|w| w.trim_matches(',').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let letters = name.iter().map(|w| w.chars().count()).sum::<usize>();
    if letters < 2 {
        return Err("Claimant search: type at least two letters of a name.".into());
    }
    Ok(ClaimantQuery::Name(name.join(" ")))
}

fn birth_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let n = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = if a.len() == 4 {
        (n(a)?, n(b)?, n(c)?)
    } else if c.len() == 4 {
        (n(c)?, n(a)?, n(b)?)
    } else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()?;
    (1880..=2100).contains(&date.year()).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggestion_is_sure_only_at_the_offices_threshold() {
        let cases: &[(f64, Option<f32>, Sureness)] = &[
            // No measured threshold: the default 0.9.
            (0.95, None, Sureness::Sure),
            (0.90, None, Sureness::Sure),
            (0.89, None, Sureness::Unsure),
            (0.50, None, Sureness::Unsure),
            (0.49, None, Sureness::Guess),
            (0.0, None, Sureness::Guess),
            (f64::NAN, None, Sureness::Guess),
            // A measured threshold replaces it, lower or higher.
            (0.80, Some(0.75), Sureness::Sure),
            (0.74, Some(0.75), Sureness::Unsure),
            (0.95, Some(0.97), Sureness::Unsure),
            (0.97, Some(0.97), Sureness::Sure),
            // A threshold below the guess line: everything above it is sure.
            (0.45, Some(0.4), Sureness::Sure),
            (0.39, Some(0.4), Sureness::Guess),
            // A nonsense threshold is ignored.
            (0.89, Some(f32::NAN), Sureness::Unsure),
            (0.89, Some(0.0), Sureness::Unsure),
            (0.95, Some(1.5), Sureness::Sure),
        ];
        for (confidence, measured, expected) in cases {
            assert_eq!(
                sureness(*confidence, *measured),
                *expected,
                "{confidence} with {measured:?}"
            );
        }
        assert_eq!(Sureness::Sure.word(), "sure");
        assert_eq!(Sureness::Unsure.word(), "unsure");
        assert_eq!(Sureness::Guess.word(), "a guess");
    }

    #[test]
    fn the_fields_shown_follow_the_document_type() {
        use FieldKind::*;
        let cases: &[(&str, &[FieldKind], &[FieldKind])] = &[
            (
                "BANK_STATEMENT",
                &[AccountHolder, BankName, StatementStart, StatementEnd],
                &[Merchant, PurchaseDate, Total, Employer],
            ),
            (
                "PAY_STUB",
                &[Employer, PayPeriodStart, PayPeriodEnd, PayDate, GrossPay],
                &[Merchant, BankName],
            ),
            (
                "RECEIPT",
                &[Merchant, PurchaseDate, Total],
                &[Employer, BankName],
            ),
            (
                "SSA-827",
                &[ClaimantName, DateOfBirth, FormNumber, SignedOn],
                &[Merchant, Total, GrossPay, BankName],
            ),
            ("MEDICAL", &[ClaimantName, DateOfBirth], &[Merchant, Total]),
            ("NEW_TYPE", &[ClaimantName, FormNumber], &[Merchant]),
        ];
        for (ty, shown, hidden) in cases {
            let fields = fields_for_type(ty);
            for k in *shown {
                assert!(fields.contains(k), "{ty} shows {k:?}");
            }
            for k in *hidden {
                assert!(!fields.contains(k), "{ty} hides {k:?}");
            }
        }
    }

    #[test]
    fn claimant_searches_are_read_as_typed() {
        let d = |y, m, day| {
            Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), day).unwrap()
        };
        let ok: &[(&str, ClaimantQuery)] = &[
            ("3456", ClaimantQuery::LastFour("3456".into())),
            ("***-**-3456", ClaimantQuery::LastFour("3456".into())),
            (
                "900-12-3456",
                ClaimantQuery::Ssn(Ssn::parse("900123456", SsnPolicy::Training).unwrap()),
            ),
            (
                "900 12 3456",
                ClaimantQuery::Ssn(Ssn::parse("900123456", SsnPolicy::Training).unwrap()),
            ),
            ("1961-04-30", ClaimantQuery::BirthDate(d(1961, 4, 30))),
            ("04/30/1961", ClaimantQuery::BirthDate(d(1961, 4, 30))),
            ("Maria  Lopez", ClaimantQuery::Name("maria lopez".into())),
            ("LOPEZ, MARIA", ClaimantQuery::Name("lopez maria".into())),
            ("Lo", ClaimantQuery::Name("lo".into())),
        ];
        for (typed, expected) in ok {
            assert_eq!(
                parse_claimant_query(typed).as_ref(),
                Ok(expected),
                "{typed:?}"
            );
        }
        for typed in [
            "",
            "  ",
            "x",
            "12",
            "000-12-3456",
            "1961-02-30",
            "12345",
            "Maria 12",
        ] {
            assert!(parse_claimant_query(typed).is_err(), "{typed:?}");
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever is typed in the claimant search: no panic, and each kind of answer is what
        /// it says (four digits, a date in range, a lower-case name of single-spaced words
        /// without digits).
        #[test]
        fn a_claimant_search_reads_only_what_it_says(typed in prop_oneof![
            any::<String>(),
            "[0-9 */-]{0,14}",
            "[a-zA-Z\u{c9}\u{e9}, ]{0,20}",
            "[0-9]{1,4}[-/][0-9]{1,4}[-/][0-9]{1,5}",
        ]) {
            match parse_claimant_query(&typed) {
                Ok(ClaimantQuery::LastFour(d)) => {
                    prop_assert_eq!(d.len(), 4);
                    prop_assert!(d.bytes().all(|b| b.is_ascii_digit()));
                }
                Ok(ClaimantQuery::Ssn(ssn)) => {
                    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
                    prop_assert_eq!(ssn.digits(), digits);
                }
                Ok(ClaimantQuery::BirthDate(d)) => prop_assert!((1880..=2100).contains(&d.year())),
                Ok(ClaimantQuery::Name(n)) => {
                    prop_assert!(n.chars().count() >= 2);
                    prop_assert!(!n.chars().any(|c| c.is_ascii_digit()));
                    prop_assert_eq!(n.split_whitespace().collect::<Vec<_>>().join(" "), n.clone());
                    prop_assert_eq!(n.to_lowercase(), n.clone());
                }
                Err(_) => {}
            }
        }

        /// A date of birth in either written form reads as that date.
        #[test]
        fn birth_dates_round_trip(day in 0i64..80_000) {
            let d = time::macros::date!(1880-01-01) + time::Duration::days(day);
            prop_assume!(d.year() <= 2100);
            let iso = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
            let us = format!("{:02}/{:02}/{:04}", u8::from(d.month()), d.day(), d.year());
            prop_assert_eq!(parse_claimant_query(&iso), Ok(ClaimantQuery::BirthDate(d)));
            prop_assert_eq!(parse_claimant_query(&us), Ok(ClaimantQuery::BirthDate(d)));
        }
    }
}
