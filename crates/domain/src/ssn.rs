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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_table() {
        use SsnError::*;
        use SsnPolicy::*;
        let cases: &[(&str, SsnPolicy, Result<&str, SsnError>)] = &[
            ("123-45-6789", Live, Ok("123456789")),
            ("123456789", Live, Ok("123456789")),
            (" 123 45 6789 ", Live, Ok("123456789")),
            ("001-01-0001", Live, Ok("001010001")),
            ("899-99-9999", Live, Ok("899999999")),
            ("000-12-3456", Live, Err(NeverIssuedArea(0))),
            ("000-12-3456", Training, Err(NeverIssuedArea(0))),
            ("666-12-3456", Live, Err(NeverIssuedArea(666))),
            ("666-12-3456", Training, Err(NeverIssuedArea(666))),
            ("900-12-3456", Live, Err(TrainingAreaInLiveOffice)),
            ("999-99-9999", Live, Err(TrainingAreaInLiveOffice)),
            ("900-12-3456", Training, Ok("900123456")),
            ("999-99-9999", Training, Ok("999999999")),
            ("123-00-4567", Live, Err(ZeroGroup)),
            ("912-00-4567", Training, Err(ZeroGroup)),
            ("123-45-0000", Live, Err(ZeroSerial)),
            ("912-45-0000", Training, Err(ZeroSerial)),
            ("12-345-6789", Live, Err(Format)),
            ("123-456-789", Live, Err(Format)),
            ("123-45 6789", Live, Err(Format)),
            ("1234567890", Live, Err(Format)),
            ("12345678", Live, Err(Format)),
            ("12345678a", Live, Err(Format)),
            ("", Live, Err(Format)),
            ("１２３４５６７８９", Live, Err(Format)),
        ];
        for (input, policy, expected) in cases {
            let got = Ssn::parse(input, *policy).map(|s| s.digits());
            assert_eq!(
                got,
                expected.clone().map(str::to_string),
                "{input:?} {policy:?}"
            );
        }
    }

    #[test]
    fn display_and_debug_never_show_the_full_number() {
        let ssn = Ssn::parse("987-65-4321", SsnPolicy::Training).unwrap();
        assert_eq!(ssn.to_string(), "***-**-4321");
        assert_eq!(format!("{ssn:?}"), "Ssn(***-**-4321)");
        assert_eq!(ssn.formatted(), "987-65-4321");
        assert!(ssn.is_training_number());
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
mod mask_tests {
    use super::mask_in_text;

    #[test]
    fn ssns_in_text_are_masked() {
        let cases = [
            ("SSN: 912-34-5678.", "SSN: ***-**-5678."),
            (
                "ssn 912 34 5678 and 123456789",
                "ssn ***-**-5678 and ***-**-6789",
            ),
            (
                "two: 912-34-5678,912-34-5679",
                "two: ***-**-5678,***-**-5679",
            ),
            // Not SSNs: longer digit runs, phone numbers, dates, mixed separators.
            ("account 1234567890", "account 1234567890"),
            ("call 555-123-4567", "call 555-123-4567"),
            ("on 2026-11-24", "on 2026-11-24"),
            ("912-34 5678", "912-34 5678"),
            ("ref 12-912-34-5678", "ref 12-912-34-5678"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_in_text(input), expected, "{input:?}");
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// Text that is not a digit, a dash or a space at its edge, so that it cannot join a
    /// number placed next to it.
    fn edge_text(at_end: bool) -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ,.:;()\u{e9}-]{0,16}[a-zA-Z,.:;()\u{e9}]".prop_map(move |s| {
            if at_end {
                s
            } else {
                s.chars().rev().collect()
            }
        })
    }

    fn valid_parts() -> impl Strategy<Value = (u16, u8, u16)> {
        (1u16..1000, 1u8..100, 1u16..10000).prop_filter("area 666", |(a, _, _)| *a != 666)
    }

    proptest! {
        /// Whatever is typed: no panic, and an accepted number is exactly the nine digits
        /// typed, written 123456789 or 3-2-4 with one separator.
        #[test]
        fn parse_accepts_only_nine_digits(input in prop_oneof![
            any::<String>(),
            "[0-9 -]{0,14}",
            " ?[0-9]{3}[- ][0-9]{2}[- ][0-9]{4} ?",
        ]) {
            let live = Ssn::parse(&input, SsnPolicy::Live);
            let training = Ssn::parse(&input, SsnPolicy::Training);
            if let Ok(ssn) = &live {
                prop_assert_eq!(training.as_ref().ok(), Some(ssn));
                prop_assert!(!ssn.is_training_number());
            }
            if let Ok(ssn) = &training {
                let t = input.trim();
                let typed: String = t.chars().filter(char::is_ascii_digit).collect();
                prop_assert_eq!(ssn.digits(), typed);
                prop_assert!(t == ssn.digits() || t == ssn.formatted() || t == ssn.formatted().replace('-', " "));
            }
        }

        /// Format and parse round trip, in both written forms, and the displayed forms never
        /// hold more than the last four digits.
        #[test]
        fn format_and_parse_round_trip((area, group, serial) in valid_parts()) {
            let policy = SsnPolicy::Training;
            let ssn = Ssn::parse(&format!("{area:03}-{group:02}-{serial:04}"), policy).unwrap();
            prop_assert_eq!(Ssn::parse(&ssn.digits(), policy), Ok(ssn.clone()));
            prop_assert_eq!(Ssn::parse(&ssn.formatted(), policy), Ok(ssn.clone()));
            prop_assert_eq!(ssn.formatted(), format!("{area:03}-{group:02}-{serial:04}"));
            prop_assert_eq!(Ssn::parse(&ssn.digits(), SsnPolicy::Live).is_ok(), area < 900);
            let shown = format!("{ssn} {ssn:?}");
            prop_assert_eq!(shown.chars().filter(char::is_ascii_digit).count(), 8);
            prop_assert!(!shown.contains(&ssn.digits()[..5]));
        }

        /// An SSN standing in any text is masked, and the text around it is left as it was.
        #[test]
        fn an_ssn_in_text_is_masked(
            before in prop_oneof![Just(String::new()), edge_text(true)],
            after in prop_oneof![Just(String::new()), edge_text(false)],
            digits in "[0-9]{9}",
            form in 0..3usize,
        ) {
            let number = match form {
                0 => digits.clone(),
                1 => format!("{}-{}-{}", &digits[..3], &digits[3..5], &digits[5..]),
                _ => format!("{} {} {}", &digits[..3], &digits[3..5], &digits[5..]),
            };
            let masked = mask_in_text(&format!("{before}{number}{after}"));
            prop_assert_eq!(
                &masked,
                &format!("{}***-**-{}{}", mask_in_text(&before), &digits[5..], mask_in_text(&after))
            );
            prop_assert!(!masked.contains(&digits));
            prop_assert!(!masked.contains(&number));
        }

        /// Masked text holds nothing left to mask: no 9 digits together, no 3-2-4 number.
        #[test]
        fn masking_leaves_no_ssn(text in prop_oneof![any::<String>(), "[0-9 a-]{0,40}"]) {
            let masked = mask_in_text(&text);
            prop_assert_eq!(mask_in_text(&masked), masked.clone());
            // Only digits that were in the text are kept, in their order.
            let kept: String = masked.replace("***-**-", "").chars().filter(char::is_ascii_digit).collect();
            let had: String = text.chars().filter(char::is_ascii_digit).collect();
            prop_assert!(kept.len() <= had.len());
        }
    }
}
