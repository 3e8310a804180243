use super::*;

fn period(answered: u64, not_through: u64, asa_secs: Option<f64>) -> Period {
    Period {
        answered,
        not_through,
        asa_secs,
    }
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

/// The seed's five weeks before telework against the first five weeks of telework.
///
/// By hand:
/// - p₁ = 444,494 / 521,742 = 0.851942 (85.2%); p₂ = 555,267 / 602,848 = 0.921073 (92.1%);
///   p₂ − p₁ = 0.069131 = 6.91 points.
/// - Pooled p = (444,494 + 555,267) / (521,742 + 602,848) = 999,761 / 1,124,590 = 0.889000;
///   p(1−p) = 0.889000 × 0.111000 = 0.0986790; 1/n₁ + 1/n₂ = 1.91666e-6 + 1.65880e-6
///   = 3.57546e-6; SE = √(0.0986790 × 3.57546e-6) = √3.52823e-7 = 5.93990e-4;
///   z = 0.069131 / 5.93990e-4 = 116.38: p far below 0.001 (Φ(−116) underflows to 0).
/// - Unpooled: p₁q₁/n₁ = 0.851942 × 0.148058 / 521,742 = 2.41762e-7;
///   p₂q₂/n₂ = 0.921073 × 0.078927 / 602,848 = 1.20590e-7; SE = √3.62352e-7 = 6.01957e-4;
///   1.95996 × SE = 1.17981e-3 → 6.913 ± 0.118 = [6.795, 7.031] points.
#[test]
fn the_seeds_periods_gain_6_9_points_and_the_gain_is_significant() {
    let before = period(444_494, 77_248, None);
    let after = period(555_267, 47_581, None);
    let c = compare(&before, &after).unwrap();
    assert_eq!(format!("{:.1}", c.before_rate * 100.0), "85.2");
    assert_eq!(format!("{:.1}", c.after_rate * 100.0), "92.1");
    assert_eq!(format!("{:.1}", c.difference_points), "6.9");
    assert!(close(c.difference_points, 6.9131, 0.0005), "{c:?}");
    let test = c.test.unwrap();
    assert!(close(test.z, 116.38, 0.01), "{test:?}");
    assert!(test.p_value < 0.001, "{test:?}");
    assert!(close(c.ci95_points.0, 6.795, 0.001), "{c:?}");
    assert!(close(c.ci95_points.1, 7.031, 0.001), "{c:?}");
    assert_eq!(c.significant(0.001), Ok(true));
    assert_eq!(c.significant(0.05), Ok(true));
}

/// Small periods, by hand. 80 of 100 against 90 of 100: pooled p = 0.85,
/// SE = √(0.85 × 0.15 × (1/100 + 1/100)) = √0.00255 = 0.0504975, z = 0.10 / 0.0504975 = 1.98030,
/// two-sided p = 2 × (1 − Φ(1.98030)) = 0.047670; unpooled SE = √(0.16/100 + 0.09/100) = 0.05,
/// CI = 10 ± 1.959964 × 5 = [0.20018, 19.79982] points.
#[test]
fn small_periods_give_the_hand_computed_test_and_interval() {
    // (before, after, difference points, z, p-value, ci low, ci high)
    let table = [
        (
            (80, 20),
            (90, 10),
            10.0,
            1.98030,
            0.047670,
            0.20018,
            19.79982,
        ),
        (
            (90, 10),
            (80, 20),
            -10.0,
            -1.98030,
            0.047670,
            -19.79982,
            -0.20018,
        ),
        // Same rate: no difference, z = 0, p = 1; SE = √(2 × 0.5 × 0.5 / 4) = 0.353553,
        // CI = 0 ± 1.959964 × 35.3553 = ±69.2952 points.
        ((2, 2), (2, 2), 0.0, 0.0, 1.0, -69.2952, 69.2952),
    ];
    for ((a1, l1), (a2, l2), diff, z, p, low, high) in table {
        let c = compare(&period(a1, l1, None), &period(a2, l2, None)).unwrap();
        let test = c.test.unwrap();
        assert!(close(c.difference_points, diff, 1e-9), "{c:?}");
        assert!(close(test.z, z, 1e-5), "{test:?}");
        assert!(close(test.p_value, p, 1e-6), "{test:?}");
        assert!(close(c.ci95_points.0, low, 1e-4), "{c:?}");
        assert!(close(c.ci95_points.1, high, 1e-4), "{c:?}");
    }
}

#[test]
fn significance_depends_on_the_level_asked_for() {
    let c = compare(&period(80, 20, None), &period(90, 10, None)).unwrap();
    // p = 0.0477.
    for (alpha, expected) in [(0.05, Ok(true)), (0.10, Ok(true)), (0.01, Ok(false))] {
        assert_eq!(c.significant(alpha), expected, "alpha {alpha}");
    }
    for alpha in [0.0, 1.0, -0.05, 5.0, f64::NAN] {
        assert_eq!(
            c.significant(alpha),
            Err(CompareError::Alpha),
            "alpha {alpha}"
        );
    }
}

#[test]
fn periods_where_nothing_varies_have_no_test_and_are_not_significant() {
    // Every call answered in both periods, or none: the pooled standard error is 0.
    for (before, after) in [((50, 0), (70, 0)), ((0, 5), (0, 9))] {
        let c = compare(
            &period(before.0, before.1, None),
            &period(after.0, after.1, None),
        )
        .unwrap();
        assert_eq!(c.test, None);
        assert_eq!(c.difference_points, 0.0);
        assert_eq!(c.ci95_points, (0.0, 0.0));
        assert_eq!(c.significant(0.05), Ok(false));
    }
}

#[test]
fn a_period_without_calls_cannot_be_compared() {
    let some = period(10, 2, None);
    let none = period(0, 0, None);
    assert_eq!(compare(&none, &some), Err(CompareError::NoCalls("first")));
    assert_eq!(compare(&some, &none), Err(CompareError::NoCalls("second")));
    assert_eq!(
        CompareError::NoCalls("first").to_string(),
        "the first period has no answered or lost calls to compare"
    );
}

#[test]
fn the_asa_difference_is_after_minus_before_and_needs_both() {
    let table = [
        (Some(30.0), Some(12.5), Some(-17.5)),
        (Some(10.0), Some(14.0), Some(4.0)),
        (None, Some(12.5), None),
        (Some(30.0), None, None),
    ];
    for (before, after, expected) in table {
        let c = compare(&period(10, 1, before), &period(10, 1, after)).unwrap();
        assert_eq!(c.asa_difference_secs, expected);
    }
}

#[test]
fn the_normal_distribution_function_matches_published_values() {
    // Published tables: Φ(1.96) = 0.9750021, Φ(−3) = 0.0013499, Φ(1) = 0.8413447.
    let table = [
        (0.0, 0.5),
        (1.96, 0.975_002_1),
        (-1.96, 0.024_997_9),
        (1.0, 0.841_344_7),
        (-3.0, 0.001_349_9),
        (40.0, 1.0),
        (-40.0, 0.0),
        (f64::INFINITY, 1.0),
        (f64::NEG_INFINITY, 0.0),
    ];
    for (z, expected) in table {
        let got = normal_cdf(z);
        assert!(
            close(got, expected, 1.5e-7),
            "Φ({z}) = {got}, not {expected}"
        );
    }
    assert!(normal_cdf(f64::NAN).is_nan());
}

#[test]
fn erfc_is_within_its_stated_relative_error() {
    // Abramowitz & Stegun, table 7.1, and erfc(5) = 1.5374597944e-12.
    let table = [
        (0.0, 1.0),
        (0.5, 0.479_500_122_2),
        (1.0, 0.157_299_207_1),
        (2.0, 0.004_677_734_981),
        (-1.0, 1.842_700_792_9),
        (5.0, 1.537_459_794_4e-12),
    ];
    for (x, expected) in table {
        let got = erfc(x);
        let relative = ((got - expected) / expected).abs();
        assert!(relative < 1.2e-7, "erfc({x}) = {got}, not {expected}");
    }
    assert_eq!(erfc(f64::INFINITY), 0.0);
    assert_eq!(erfc(f64::NEG_INFINITY), 2.0);
    // Very large z: the p-value underflows to 0 rather than going negative or NaN.
    assert_eq!(two_sided_p(1e6), 0.0);
    assert_eq!(two_sided_p(0.0), 1.0);
}

/// The seed's counts as calls, counted one at a time as an import streams them, then compared
/// from their figures: the same 85.2%, 92.1% and 6.9 points.
#[test]
fn the_seeds_counts_as_calls_compare_through_their_figures() {
    use crate::calls::metrics::{ServiceLevelFormula, Settings, Tally};
    use crate::calls::{Call, Outcome};
    let settings = Settings::new(20, ServiceLevelFormula::OverOffered, None).unwrap();
    let period_of = |answered: u64, lost: u64| {
        let mut tally = Tally::new(settings);
        let mut call = Call {
            call_id: "1".to_string(),
            queue: "claims".to_string(),
            entered_ms: 0,
            outcome: Outcome::Answered,
            wait_secs: 30,
            agent: None,
            hold_secs: 0,
            talk_secs: 0,
        };
        for _ in 0..answered {
            tally.add(&call);
        }
        call.outcome = Outcome::Abandoned;
        for _ in 0..lost {
            tally.add(&call);
        }
        // A call still waiting changes nothing.
        call.outcome = Outcome::Waiting;
        tally.add(&call);
        Period::from(&tally.figures())
    };
    let before = period_of(444_494, 77_248);
    let after = period_of(555_267, 47_581);
    assert_eq!(before, period(444_494, 77_248, Some(30.0)));
    let c = compare(&before, &after).unwrap();
    assert_eq!(format!("{:.1}", c.before_rate * 100.0), "85.2");
    assert_eq!(format!("{:.1}", c.after_rate * 100.0), "92.1");
    assert_eq!(format!("{:.1}", c.difference_points), "6.9");
    assert_eq!(c.asa_difference_secs, Some(0.0));
    assert_eq!(c.significant(0.001), Ok(true));
}
