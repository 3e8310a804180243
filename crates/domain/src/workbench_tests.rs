use super::*;
use proptest::prelude::*;

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
    let d =
        |y, m, day| Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), day).unwrap();
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
