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
#[path = "workbench_tests.rs"]
mod tests;
