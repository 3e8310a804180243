//! Social Security numbers: which numbers can exist, and how they are shown.
//!
//! A number is refused when it can never be issued: area 000 or 666, group 00, serial 0000.
//! Areas 900–999 are never issued either; they are accepted only under the training policy, so
//! that demo and test data can never be a real person's number.

use std::fmt;

/// Where an SSN is being entered: a live office accepts only numbers that could be issued, a
/// training office also accepts the never-issued 900–999 area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsnPolicy {
    Live,
    Training,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsnError {
    #[error("an SSN has 9 digits, written 123-45-6789 or 123456789")]
    Format,
    #[error("area {0:03} is never issued")]
    NeverIssuedArea(u16),
    #[error("areas 900-999 are never issued; they are accepted only in training offices")]
    TrainingAreaInLiveOffice,
    #[error("group 00 is never issued")]
    ZeroGroup,
    #[error("serial 0000 is never issued")]
    ZeroSerial,
}

/// A valid SSN. Its `Debug` and `Display` show only the masked form, so it cannot leak into a
/// log line or an error message by accident; `digits()` is the one way to the full number.
#[derive(Clone, PartialEq, Eq)]
pub struct Ssn {
    area: u16,
    group: u8,
    serial: u16,
}

impl Ssn {
    pub fn parse(input: &str, policy: SsnPolicy) -> Result<Ssn, SsnError> {
        let trimmed = input.trim();
        let digits: Vec<u8> = trimmed
            .bytes()
            .filter(|b| b.is_ascii_digit())
            .map(|b| b - b'0')
            .collect();
        let only_digits_and_separators = trimmed
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ');
        if digits.len() != 9 || !only_digits_and_separators {
            return Err(SsnError::Format);
        }
        // Separators are allowed only in the usual places (3-2-4) or not at all.
        if trimmed.len() != 9 {
            let b = trimmed.as_bytes();
            let sep_ok = trimmed.len() == 11
                && (b[3] == b'-' || b[3] == b' ')
                && b[6] == b[3]
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 3 || i == 6 || c.is_ascii_digit());
            if !sep_ok {
                return Err(SsnError::Format);
            }
        }
        let num = |r: std::ops::Range<usize>| {
            digits[r]
                .iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(*d))
        };
        let area = num(0..3);
        let group = num(3..5) as u8;
        let serial = num(5..9);
        if area == 0 || area == 666 {
            return Err(SsnError::NeverIssuedArea(area));
        }
        if area >= 900 && policy == SsnPolicy::Live {
            return Err(SsnError::TrainingAreaInLiveOffice);
        }
        if group == 0 {
            return Err(SsnError::ZeroGroup);
        }
        if serial == 0 {
            return Err(SsnError::ZeroSerial);
        }
        Ok(Ssn {
            area,
            group,
            serial,
        })
    }

    /// The nine digits without separators. Handle with care: this is the personal datum.
    pub fn digits(&self) -> String {
        format!("{:03}{:02}{:04}", self.area, self.group, self.serial)
    }

    /// The full number in the usual `123-45-6789` form, for an audited reveal.
    pub fn formatted(&self) -> String {
        format!("{:03}-{:02}-{:04}", self.area, self.group, self.serial)
    }

    pub fn last_four(&self) -> String {
        format!("{:04}", self.serial)
    }

    /// Whether the number lies in the never-issued 900–999 area.
    pub fn is_training_number(&self) -> bool {
        self.area >= 900
    }
}

/// The display form of an SSN of which only the last four digits are known.
pub fn mask_last_four(last_four: &str) -> String {
    format!("***-**-{last_four}")
}

impl fmt::Display for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_last_four(&self.last_four()))
    }
}

impl fmt::Debug for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ssn({self})")
    }
}

/// The SSN-shaped number that starts at `chars[i]`, if one does: its length and separator,
/// `(11, Some('-' or ' '))` for 3-2-4 digits with one separator, `(9, None)` for nine digits in
/// a row. What stands before and after it is the caller's to judge.
pub(crate) fn shape_at(chars: &[char], i: usize) -> Option<(usize, Option<char>)> {
    let digit = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    let sep = chars.get(i + 3).copied();
    let separated = matches!(sep, Some('-' | ' '))
        && (0..3).all(|k| digit(i + k))
        && (4..6).all(|k| digit(i + k))
        && chars.get(i + 6).copied() == sep
        && (7..11).all(|k| digit(i + k));
    if separated {
        Some((11, sep))
    } else if (0..9).all(|k| digit(i + k)) {
        Some((9, None))
    } else {
        None
    }
}

/// `text` with every SSN-shaped number (`123-45-6789`, `123 45 6789`, or nine digits standing
/// alone) replaced by its masked form `***-**-6789`, for text that is stored, indexed, logged
/// or shown. Deliberately broad: it masks any such number, valid or not.
pub fn mask_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digit_at = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    while i < chars.len() {
        let starts_clean = i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '-');
        if starts_clean && digit_at(i) {
            let len = shape_at(&chars, i).map_or(0, |(len, _)| len);
            let ends_clean = len > 0 && !digit_at(i + len) && chars.get(i + len) != Some(&'-');
            if ends_clean {
                let last4: String = chars[i + len - 4..i + len].iter().collect();
                out.push_str(&mask_last_four(&last4));
                i += len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
#[path = "ssn_tests.rs"]
mod tests;
