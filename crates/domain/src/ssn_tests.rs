use super::mask_in_text;
use super::*;
use proptest::prelude::*;

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
