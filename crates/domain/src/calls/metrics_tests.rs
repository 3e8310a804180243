use super::*;
use time::macros::{date, datetime};
use time::OffsetDateTime;

const T: i64 = 20;

fn ms(at: OffsetDateTime) -> i64 {
    at.unix_timestamp() * 1000
}

fn new_york() -> TimeZone {
    TimeZone::parse("America/New_York").unwrap()
}

fn settings(formula: ServiceLevelFormula, short: Option<i64>) -> Settings {
    Settings::new(T, formula, short).unwrap()
}

/// A call in queue `claims`; `wait`, `talk`, `hold` in seconds.
fn call(
    id: &str,
    at: OffsetDateTime,
    outcome: Outcome,
    wait: i64,
    agent: Option<&str>,
    talk: i64,
    hold: i64,
) -> Call {
    Call {
        call_id: id.to_string(),
        queue: "claims".to_string(),
        entered_ms: ms(at),
        outcome,
        wait_secs: wait,
        agent: agent.map(str::to_string),
        hold_secs: hold,
        talk_secs: talk,
    }
}

fn lost(id: &str, at: OffsetDateTime, outcome: Outcome, wait: i64) -> Call {
    call(id, at, outcome, wait, None, 0, 0)
}

/// A small day in a New York office, Wednesday 10 June 2026 (EDT, UTC−4; the times are UTC).
/// With T = 20 s and a 5 s short-abandon threshold, by hand:
/// - counted: 14 (call 14 is still waiting); answered 5 (1, 2, 3, 4, 15); not through 9:
///   abandoned 4 (5, 6, 7, 8), timed out 1, key 1, queue empty 1, blocked 1, no answer 1.
/// - answer rate 5 / 14 = 0.357143; ASA (5 + 20 + 21 + 60 + 10) / 5 = 23.2 s.
/// - short abandons (< 5 s): call 5 only (call 6 waited exactly 5 s: not short);
///   abandonment rate (4 − 1) / (14 − 1) = 3 / 13 = 0.230769; without the threshold 4 / 14.
/// - answered within 20 s: calls 1, 2 (exactly 20 s), 15 = 3; abandoned after 20 s: call 8
///   only (call 7 hung up exactly at 20 s). Service level over offered 3 / 14 = 0.214286;
///   over answered and late abandons 3 / (5 + 1) = 0.5.
/// - talk (300 + 200 + 100 + 400 + 600) / 5 = 320 s; hold (0 + 30 + 0 + 60 + 0) / 5 = 18 s.
/// - call 15 enters at 23:58 local (03:58 UTC on the 11th) and talks past midnight: it counts
///   on the 10th.
fn day() -> Vec<Call> {
    use Outcome::*;
    let mut cards = call(
        "4",
        datetime!(2026-06-10 14:30 UTC),
        Answered,
        60,
        Some("SIP/1002"),
        400,
        60,
    );
    cards.queue = "cards".to_string();
    vec![
        call(
            "1",
            datetime!(2026-06-10 13:00 UTC),
            Answered,
            5,
            Some("SIP/1001"),
            300,
            0,
        ),
        call(
            "2",
            datetime!(2026-06-10 13:10 UTC),
            Answered,
            T,
            Some("SIP/1001"),
            200,
            30,
        ),
        call(
            "3",
            datetime!(2026-06-10 14:05 UTC),
            Answered,
            21,
            Some("SIP/1002"),
            100,
            0,
        ),
        cards,
        lost("5", datetime!(2026-06-10 15:00 UTC), Abandoned, 3),
        lost("6", datetime!(2026-06-10 15:15 UTC), Abandoned, 5),
        lost("7", datetime!(2026-06-10 15:30 UTC), Abandoned, T),
        lost("8", datetime!(2026-06-10 16:00 UTC), Abandoned, 45),
        lost("9", datetime!(2026-06-10 16:30 UTC), TimedOut, 300),
        lost("10", datetime!(2026-06-10 17:00 UTC), ExitedByKey, 30),
        lost("11", datetime!(2026-06-10 17:30 UTC), QueueEmpty, 0),
        lost("12", datetime!(2026-06-10 18:00 UTC), Blocked, 0),
        lost("13", datetime!(2026-06-10 18:30 UTC), NoAnswer, 0),
        lost("14", datetime!(2026-06-10 19:00 UTC), Waiting, 400),
        call(
            "15",
            datetime!(2026-06-11 03:58 UTC),
            Answered,
            10,
            Some("SIP/1001"),
            600,
            0,
        ),
    ]
}

fn close(actual: Option<f64>, expected: Option<f64>) -> bool {
    match (actual, expected) {
        (Some(a), Some(e)) => (a - e).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn the_small_day_gives_the_hand_computed_figures() {
    let f = figures(
        &day(),
        settings(ServiceLevelFormula::OverAnsweredAndLateAbandons, Some(5)),
    );
    assert_eq!((f.offered, f.answered, f.not_through), (14, 5, 9));
    assert_eq!(
        f.outcomes,
        OutcomeCounts {
            answered: 5,
            abandoned: 4,
            timed_out: 1,
            exited_by_key: 1,
            queue_empty: 1,
            blocked: 1,
            no_answer: 1,
        }
    );
    assert_eq!(
        (f.short_abandons, f.answered_within, f.abandoned_after),
        (1, 3, 1)
    );
    let table = [
        ("answer rate", f.answer_rate, 5.0 / 14.0),
        ("ASA", f.asa_secs, 23.2),
        ("abandonment", f.abandonment_rate, 3.0 / 13.0),
        ("service level", f.service_level, 0.5),
        ("talk", f.avg_talk_secs, 320.0),
        ("hold", f.avg_hold_secs, 18.0),
    ];
    for (name, got, expected) in table {
        assert!(close(got, Some(expected)), "{name}: {got:?} not {expected}");
    }
}

#[test]
fn the_service_level_follows_the_formula_named() {
    let table = [
        (ServiceLevelFormula::OverOffered, 3.0 / 14.0),
        (ServiceLevelFormula::OverAnsweredAndLateAbandons, 0.5),
    ];
    for (formula, expected) in table {
        let f = figures(&day(), settings(formula, None));
        assert!(close(f.service_level, Some(expected)), "{formula:?}");
        let row = f
            .rows()
            .into_iter()
            .find(|r| matches!(r.metric, Metric::ServiceLevel(_)))
            .unwrap();
        assert_eq!(row.metric, Metric::ServiceLevel(formula));
        assert!(close(row.value, Some(expected)));
    }
}

#[test]
fn the_short_abandon_threshold_leaves_short_abandons_out_of_the_abandonment_rate_only() {
    // (threshold, short abandons, abandonment rate)
    let table = [
        (None, 0, 4.0 / 14.0),
        (Some(5), 1, 3.0 / 13.0),
        // Calls 5 (3 s) and 6 (5 s) are shorter than 6 s.
        (Some(6), 2, 2.0 / 12.0),
        // Every abandon is shorter than 60 s.
        (Some(60), 4, 0.0 / 10.0),
    ];
    for (short, count, rate) in table {
        let f = figures(&day(), settings(ServiceLevelFormula::OverOffered, short));
        assert_eq!(f.short_abandons, count, "{short:?}");
        assert!(close(f.abandonment_rate, Some(rate)), "{short:?}");
        // The other figures do not move.
        assert_eq!((f.offered, f.not_through), (14, 9));
        assert!(close(f.answer_rate, Some(5.0 / 14.0)));
        assert!(close(f.service_level, Some(3.0 / 14.0)));
    }
}

#[test]
fn with_no_answered_calls_the_averages_are_none_not_nan() {
    use Outcome::*;
    let at = datetime!(2026-06-10 13:00 UTC);
    let only_lost = vec![lost("1", at, Abandoned, 10), lost("2", at, TimedOut, 90)];
    let only_waiting = vec![lost("1", at, Waiting, 10)];
    let s = settings(ServiceLevelFormula::OverAnsweredAndLateAbandons, None);

    let f = figures(&only_lost, s);
    assert_eq!((f.offered, f.answered, f.not_through), (2, 0, 2));
    assert_eq!(f.answer_rate, Some(0.0));
    assert_eq!(f.abandonment_rate, Some(0.5));
    assert_eq!(
        (f.asa_secs, f.avg_talk_secs, f.avg_hold_secs),
        (None, None, None)
    );
    // Nobody answered and the one abandon was within 20 s: nothing to divide by.
    assert_eq!(f.service_level, None);

    for calls in [only_waiting, Vec::new()] {
        let f = figures(&calls, s);
        assert_eq!(f.offered, 0);
        assert_eq!(f.answer_rate, None);
        assert_eq!(f.abandonment_rate, None);
        assert_eq!(f.service_level, None);
        assert_eq!(f.asa_secs, None);
        assert!(f.rows().iter().skip(3).all(|r| r.value.is_none()));
    }
}

#[test]
fn a_short_abandon_threshold_that_removes_every_call_leaves_no_rate() {
    let at = datetime!(2026-06-10 13:00 UTC);
    let calls = vec![lost("1", at, Outcome::Abandoned, 2)];
    let f = figures(&calls, settings(ServiceLevelFormula::OverOffered, Some(5)));
    assert_eq!(f.abandonment_rate, None);
    assert_eq!(f.answer_rate, Some(0.0));
}

#[test]
fn by_queue_splits_the_day() {
    let groups = by_queue(&day(), settings(ServiceLevelFormula::OverOffered, None));
    let keys: Vec<&str> = groups.keys().map(String::as_str).collect();
    assert_eq!(keys, ["cards", "claims"]);
    let cards = &groups["cards"];
    assert_eq!((cards.offered, cards.answered), (1, 1));
    assert_eq!(cards.answer_rate, Some(1.0));
    // Answered after 60 s: not within 20 s.
    assert_eq!(cards.service_level, Some(0.0));
    assert_eq!(cards.asa_secs, Some(60.0));
    let claims = &groups["claims"];
    assert_eq!((claims.offered, claims.answered), (13, 4));
    assert!(close(claims.service_level, Some(3.0 / 13.0)));
}

#[test]
fn a_call_spanning_midnight_counts_on_the_day_it_entered_in_the_offices_zone() {
    let mut calls = day();
    // 00:01 on the 11th in New York.
    calls.push(call(
        "16",
        datetime!(2026-06-11 04:01 UTC),
        Outcome::Answered,
        0,
        Some("SIP/1002"),
        60,
        0,
    ));
    let days = by_day(
        &calls,
        settings(ServiceLevelFormula::OverOffered, None),
        new_york(),
    );
    let counts: Vec<(Date, u64, u64)> = days
        .iter()
        .map(|(d, f)| (*d, f.offered, f.answered))
        .collect();
    // Call 15 (03:58 UTC on the 11th, 23:58 in New York) is on the 10th.
    assert_eq!(
        counts,
        [
            (date!(2026 - 06 - 10), 14, 5),
            (date!(2026 - 06 - 11), 1, 1)
        ]
    );
}

#[test]
fn weeks_are_iso_weeks_on_the_offices_calendar() {
    use Outcome::Answered;
    let calls = vec![
        // Wednesday 10 June 2026: week 24.
        call(
            "1",
            datetime!(2026-06-10 13:00 UTC),
            Answered,
            1,
            None,
            0,
            0,
        ),
        // Friday 1 January 2027 is in 2026's week 53 (2026 began on a Thursday).
        call(
            "2",
            datetime!(2027-01-01 15:00 UTC),
            Answered,
            1,
            None,
            0,
            0,
        ),
        // 03:00 UTC on Monday 4 January 2027 is still Sunday the 3rd in New York: week 53.
        call(
            "3",
            datetime!(2027-01-04 03:00 UTC),
            Answered,
            1,
            None,
            0,
            0,
        ),
        // Monday 4 January 2027, 10:00 in New York: 2027's week 1.
        call(
            "4",
            datetime!(2027-01-04 15:00 UTC),
            Answered,
            1,
            None,
            0,
            0,
        ),
    ];
    let weeks = by_week(
        &calls,
        settings(ServiceLevelFormula::OverOffered, None),
        new_york(),
    );
    let counts: Vec<(IsoWeek, u64)> = weeks.iter().map(|(w, f)| (*w, f.offered)).collect();
    assert_eq!(
        counts,
        [
            (
                IsoWeek {
                    year: 2026,
                    week: 24
                },
                1
            ),
            (
                IsoWeek {
                    year: 2026,
                    week: 53
                },
                2
            ),
            (
                IsoWeek {
                    year: 2027,
                    week: 1
                },
                1
            ),
        ]
    );
}

/// New York's clocks went forward at 02:00 on 8 March 2026 (EST −5 → EDT −4) and back at 02:00
/// on 1 November 2026 (EDT −4 → EST −5).
#[test]
fn hours_of_the_day_follow_the_offices_clock_across_daylight_saving_changes() {
    use Outcome::Answered;
    let at = |id: &str, when| call(id, when, Answered, 1, None, 0, 0);
    let table = [
        (
            "spring forward: no call at 2 o'clock",
            vec![
                at("1", datetime!(2026-03-08 06:30 UTC)), // 01:30 EST
                at("2", datetime!(2026-03-08 07:30 UTC)), // 03:30 EDT
                at("3", datetime!(2026-03-08 13:00 UTC)), // 09:00 EDT
            ],
            vec![(1, 1), (3, 1), (9, 1)],
        ),
        (
            "fall back: both 01:30s in hour 1",
            vec![
                at("1", datetime!(2026-11-01 05:30 UTC)), // 01:30 EDT
                at("2", datetime!(2026-11-01 06:30 UTC)), // 01:30 EST
                at("3", datetime!(2026-11-01 07:30 UTC)), // 02:30 EST
                at("4", datetime!(2026-11-01 14:00 UTC)), // 09:00 EST
            ],
            vec![(1, 2), (2, 1), (9, 1)],
        ),
        (
            "the small day: 9:00 to 23:58 EDT",
            day(),
            vec![
                (9, 2),
                (10, 2),
                (11, 3),
                (12, 2),
                (13, 2),
                (14, 2),
                (15, 0),
                (23, 1),
            ],
        ),
    ];
    for (name, calls, expected) in table {
        let hours = by_hour(
            &calls,
            settings(ServiceLevelFormula::OverOffered, None),
            new_york(),
        );
        let got: Vec<(u8, u64)> = hours.iter().map(|(h, f)| (*h, f.offered)).collect();
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn figures_by_the_mode_each_call_was_served_from() {
    let calls = day();
    // Calls 1 to 3 and 15 were answered from the office, call 4 from telework; the lost and
    // waiting calls have no one who served them.
    let modes = calls.iter().map(|c| {
        let mode = match c.call_id.as_str() {
            "1" | "2" | "3" | "15" => ServedFrom::from_mode(Some(WorkMode::Office)),
            "4" => ServedFrom::from_mode(Some(WorkMode::Telework)),
            _ => ServedFrom::from_mode(None),
        };
        (c, mode)
    });
    let groups = by_mode(modes, settings(ServiceLevelFormula::OverOffered, None));
    let got: Vec<(&str, u64, u64)> = groups
        .iter()
        .map(|(m, f)| (m.as_str(), f.offered, f.answered))
        .collect();
    assert_eq!(
        got,
        [("office", 4, 4), ("telework", 1, 1), ("unknown", 9, 0)]
    );
    assert_eq!(
        ServedFrom::from_mode(Some(WorkMode::Field)),
        ServedFrom::Unknown
    );
    assert_eq!(
        ServedFrom::from_mode(Some(WorkMode::Off)),
        ServedFrom::Unknown
    );
}

/// SIP/1001 answered calls 1, 2, 15 (talk 300 + 200 + 600 = 1,100 s) in 4 h logged in:
/// 0.75 calls an hour, 1,100 / 60 / 4 = 4.583333 talk minutes an hour. SIP/1002 answered calls
/// 3, 4 (talk 500 s) in 2 h: 1 call an hour, 500 / 60 / 2 = 4.166667. SIP/1003 was logged in
/// 1 h and answered nothing: 0 and 0.
#[test]
fn agent_figures_are_per_hour_logged_in() {
    let logged_in: BTreeMap<String, i64> = [
        ("SIP/1001", 14_400),
        ("SIP/1002", 7_200),
        ("SIP/1003", 3_600),
    ]
    .into_iter()
    .map(|(a, s)| (a.to_string(), s))
    .collect();
    let agents = agent_figures(&day(), &logged_in).unwrap();
    let table = [
        ("SIP/1001", 3, 1_100, 0.75, 1_100.0 / 240.0),
        ("SIP/1002", 2, 500, 1.0, 500.0 / 120.0),
        ("SIP/1003", 0, 0, 0.0, 0.0),
    ];
    assert_eq!(agents.len(), 3);
    for (agent, calls, talk, per_hour, talk_per_hour) in table {
        let a = &agents[agent];
        assert_eq!((a.calls, a.talk_secs), (calls, talk), "{agent}");
        assert!(close(a.calls_per_hour, Some(per_hour)), "{agent}");
        assert!(
            close(a.talk_minutes_per_hour, Some(talk_per_hour)),
            "{agent}"
        );
    }
}

#[test]
fn an_agent_with_calls_but_no_time_logged_in_has_no_rate() {
    let logged_in: BTreeMap<String, i64> = [("SIP/1001".to_string(), 0)].into_iter().collect();
    let agents = agent_figures(&day(), &logged_in).unwrap();
    for agent in ["SIP/1001", "SIP/1002"] {
        let a = &agents[agent];
        assert!(a.calls > 0);
        assert_eq!(a.logged_in_secs, 0);
        assert_eq!((a.calls_per_hour, a.talk_minutes_per_hour), (None, None));
    }
}

#[test]
fn negative_time_logged_in_is_refused() {
    let logged_in: BTreeMap<String, i64> = [("SIP/1001".to_string(), -60)].into_iter().collect();
    let err = agent_figures(&day(), &logged_in).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the time logged in for agent SIP/1001 cannot be negative (it was -60 seconds)"
    );
}

#[test]
fn settings_out_of_range_are_refused_with_a_reason() {
    use ServiceLevelFormula::OverOffered;
    let table = [
        (20, None, Ok(())),
        (1, Some(1), Ok(())),
        (3600, Some(600), Ok(())),
        (0, None, Err(MetricsError::ServiceLevelSeconds(0))),
        (3601, None, Err(MetricsError::ServiceLevelSeconds(3601))),
        (-5, None, Err(MetricsError::ServiceLevelSeconds(-5))),
        (20, Some(0), Err(MetricsError::ShortAbandonSeconds(0))),
        (20, Some(601), Err(MetricsError::ShortAbandonSeconds(601))),
    ];
    for (t, short, expected) in table {
        assert_eq!(
            Settings::new(t, OverOffered, short).map(|_| ()),
            expected,
            "{t} {short:?}"
        );
    }
    assert_eq!(
        MetricsError::ServiceLevelSeconds(0).to_string(),
        "the service level's time limit is 1 to 3,600 seconds (it was 0)"
    );
}

#[test]
fn every_figure_has_a_definition_and_the_service_level_names_its_formula() {
    let metrics = [
        Metric::Offered,
        Metric::Answered,
        Metric::NotThrough,
        Metric::AnswerRate,
        Metric::AverageSpeedOfAnswer,
        Metric::AbandonmentRate,
        Metric::ServiceLevel(ServiceLevelFormula::OverOffered),
        Metric::ServiceLevel(ServiceLevelFormula::OverAnsweredAndLateAbandons),
        Metric::AverageTalk,
        Metric::AverageHold,
        Metric::CallsPerAgentHour,
        Metric::TalkPerAgentHour,
    ];
    for m in metrics {
        let d = m.definition();
        assert!(
            !d.name.is_empty() && !d.formula.is_empty() && !d.edge_cases.is_empty(),
            "{m:?}"
        );
    }
    let over_offered = Metric::ServiceLevel(ServiceLevelFormula::OverOffered).definition();
    assert_eq!(
        over_offered.formula,
        "Calls answered within T seconds / calls offered."
    );
    let late = Metric::ServiceLevel(ServiceLevelFormula::OverAnsweredAndLateAbandons).definition();
    assert!(late
        .formula
        .contains("callers who hung up after waiting more than T seconds"));
    assert!(Metric::AverageSpeedOfAnswer
        .definition()
        .edge_cases
        .contains("callback"));
    assert!(Metric::AbandonmentRate
        .definition()
        .edge_cases
        .contains("short-abandon threshold"));
    // The rows come in the order pages show them.
    let names: Vec<&str> = figures(&day(), settings(ServiceLevelFormula::OverOffered, None))
        .rows()
        .iter()
        .map(|r| r.definition.name)
        .collect();
    assert_eq!(
        names,
        [
            "Calls offered",
            "Answered",
            "Did not get through",
            "Answer rate",
            "Average speed of answer",
            "Abandonment rate",
            "Service level (over calls offered)",
            "Average talk time",
            "Average hold time",
        ]
    );
}

#[test]
fn figures_serialize_with_snake_case_names_for_the_api() {
    let f = figures(&day(), settings(ServiceLevelFormula::OverOffered, Some(5)));
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["offered"], 14);
    assert_eq!(json["settings"]["formula"], "over_offered");
    assert_eq!(json["settings"]["short_abandon_secs"], 5);
    let row = serde_json::to_value(f.rows()[6]).unwrap();
    assert_eq!(row["metric"]["service_level"], "over_offered");
    assert_eq!(
        row["definition"]["name"],
        "Service level (over calls offered)"
    );
    assert_eq!(
        serde_json::to_value(ServedFrom::Telework).unwrap(),
        "telework"
    );
}

#[test]
fn sums_added_up_beforehand_give_the_same_figures_as_each_call() {
    let s = settings(ServiceLevelFormula::OverAnsweredAndLateAbandons, Some(5));
    let at = datetime!(2026-03-02 09:00 UTC);
    let calls = vec![
        call("1", at, Outcome::Answered, 10, Some("SIP/1"), 100, 5),
        call("2", at, Outcome::Answered, 30, Some("SIP/1"), 50, 0),
        call("3", at, Outcome::Answered, -4, Some("SIP/2"), -1, 0),
        call("4", at, Outcome::Abandoned, 3, None, 0, 0),
        call("5", at, Outcome::Abandoned, 25, None, 0, 0),
        call("6", at, Outcome::TimedOut, 300, None, 0, 0),
        call("7", at, Outcome::Waiting, 0, None, 0, 0),
        call("8", at, Outcome::QueueEmpty, 0, None, 0, 0),
    ];
    let one_by_one = figures(&calls, s);
    let mut groups: BTreeMap<&str, OutcomeSums> = BTreeMap::new();
    for c in &calls {
        groups
            .entry(c.outcome.as_str())
            .or_insert_with(|| OutcomeSums::empty(c.outcome))
            .add(&OutcomeSums::of(c, &s));
    }
    let mut tally = Tally::new(s);
    groups.values().for_each(|g| tally.add_sums(g));
    assert_eq!(tally.figures(), one_by_one);
    let answered = groups["answered"];
    assert_eq!(
        (answered.calls, answered.wait_secs, answered.within_limit),
        (3, 40, 2)
    );
    let abandoned = groups["abandoned"];
    assert_eq!((abandoned.over_limit, abandoned.short), (1, 1));
    // Taking a call away undoes its sums.
    let mut g = answered;
    g.subtract(&OutcomeSums::of(&calls[1], &s));
    assert_eq!(
        (g.calls, g.wait_secs, g.talk_secs, g.within_limit),
        (2, 10, 100, 2)
    );
}
