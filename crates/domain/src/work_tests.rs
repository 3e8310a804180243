use super::*;
use time::macros::date;

fn dc() -> Calendar {
    Calendar::new(true, [])
}

fn field() -> Calendar {
    Calendar::new(false, [])
}

/// Due dates worked out by hand on a printed calendar (OPM's holiday list), not by the code
/// under test: (case, DC area, closures, received, days, paused business days, due).
#[allow(clippy::type_complexity)]
const DUE: &[(&str, bool, &[Date], Date, u32, u32, Date)] = &[
    (
        "plain week",
        false,
        &[],
        date!(2026 - 03 - 02),
        3,
        0,
        date!(2026 - 03 - 05),
    ),
    (
        "over a weekend",
        false,
        &[],
        date!(2026 - 03 - 05),
        3,
        0,
        date!(2026 - 03 - 10),
    ),
    (
        "received on a Saturday",
        false,
        &[],
        date!(2026 - 03 - 07),
        1,
        0,
        date!(2026 - 03 - 10),
    ),
    (
        "0 days on a Sunday: next Monday",
        false,
        &[],
        date!(2026 - 03 - 08),
        0,
        0,
        date!(2026 - 03 - 09),
    ),
    (
        "Thanksgiving 2026-11-26",
        false,
        &[],
        date!(2026 - 11 - 25),
        1,
        0,
        date!(2026 - 11 - 27),
    ),
    (
        "Christmas Friday 2026-12-25",
        false,
        &[],
        date!(2026 - 12 - 24),
        1,
        0,
        date!(2026 - 12 - 28),
    ),
    // 2027-07-04 is a Sunday: observed Monday 2027-07-05.
    (
        "Independence Day observed Monday",
        false,
        &[],
        date!(2027 - 07 - 02),
        1,
        0,
        date!(2027 - 07 - 06),
    ),
    // 2027-12-25 is a Saturday: observed Friday 2027-12-24; 2028-01-01 a Saturday:
    // observed Friday 2027-12-31.
    (
        "Christmas and New Year observed Fridays",
        false,
        &[],
        date!(2027 - 12 - 23),
        2,
        0,
        date!(2027 - 12 - 28),
    ),
    (
        "New Year observed 2027-12-31",
        false,
        &[],
        date!(2027 - 12 - 30),
        1,
        0,
        date!(2028 - 01 - 03),
    ),
    // 2029-01-20 is a Saturday: no Inauguration holiday. 2025-01-20 was MLK Day too.
    (
        "Inauguration 2029 on a Saturday: none",
        true,
        &[],
        date!(2029 - 01 - 19),
        1,
        0,
        date!(2029 - 01 - 22),
    ),
    (
        "Inauguration 2025 = MLK Day, DC",
        true,
        &[],
        date!(2025 - 01 - 17),
        1,
        0,
        date!(2025 - 01 - 21),
    ),
    // 2033-01-20 is a Thursday: a holiday in the DC area only.
    (
        "Inauguration 2033, DC area",
        true,
        &[],
        date!(2033 - 01 - 19),
        1,
        0,
        date!(2033 - 01 - 21),
    ),
    (
        "Inauguration 2033, elsewhere",
        false,
        &[],
        date!(2033 - 01 - 19),
        1,
        0,
        date!(2033 - 01 - 20),
    ),
    // 2037-01-20 is a Tuesday; MLK Day 2037 is 2037-01-19.
    (
        "MLK then Inauguration 2037, DC",
        true,
        &[],
        date!(2037 - 01 - 16),
        1,
        0,
        date!(2037 - 01 - 21),
    ),
    (
        "closure day (snow)",
        false,
        &[date!(2026 - 03 - 04)],
        date!(2026 - 03 - 03),
        1,
        0,
        date!(2026 - 03 - 05),
    ),
    (
        "two closure days",
        false,
        &[date!(2026 - 03 - 04), date!(2026 - 03 - 05)],
        date!(2026 - 03 - 03),
        2,
        0,
        date!(2026 - 03 - 09),
    ),
    (
        "received on a closure day",
        false,
        &[date!(2026 - 03 - 04)],
        date!(2026 - 03 - 04),
        0,
        0,
        date!(2026 - 03 - 05),
    ),
    (
        "paused 2 days",
        false,
        &[],
        date!(2026 - 03 - 02),
        3,
        2,
        date!(2026 - 03 - 09),
    ),
    (
        "paused over Juneteenth",
        false,
        &[],
        date!(2026 - 06 - 17),
        1,
        1,
        date!(2026 - 06 - 22),
    ),
    (
        "20-day deadline over Memorial Day",
        false,
        &[],
        date!(2026 - 05 - 15),
        20,
        0,
        date!(2026 - 06 - 15),
    ),
];

#[test]
fn due_dates_across_holidays_closures_and_pauses() {
    for (case, dc_area, closures, received, days, paused, want) in DUE {
        let cal = Calendar::new(*dc_area, closures.iter().copied());
        assert_eq!(due_date(&cal, *received, *days, *paused), *want, "{case}");
    }
}

#[test]
fn pauses_hold_the_clock_for_business_days_only() {
    let cal = field();
    // Paused Friday, resumed Monday: one business day (Monday) held.
    let p = [Pause {
        from: date!(2026 - 03 - 06),
        to: Some(date!(2026 - 03 - 09)),
    }];
    assert_eq!(paused_business_days(&cal, &p, date!(2026 - 03 - 20)), 1);
    // Paused and resumed the same day: nothing held.
    let same = [Pause {
        from: date!(2026 - 03 - 06),
        to: Some(date!(2026 - 03 - 06)),
    }];
    assert_eq!(paused_business_days(&cal, &same, date!(2026 - 03 - 20)), 0);
    // Still waiting: counts to today, skipping Thanksgiving.
    let open = [Pause {
        from: date!(2026 - 11 - 24),
        to: None,
    }];
    assert_eq!(paused_business_days(&cal, &open, date!(2026 - 11 - 30)), 3);
    // Two pauses add up, and the due date moves by them.
    let two = [p[0], open[0]];
    let held = paused_business_days(&cal, &two, date!(2026 - 11 - 30));
    assert_eq!(held, 4);
    assert_eq!(
        due_date(&cal, date!(2026 - 03 - 02), 5, held),
        date!(2026 - 03 - 13)
    );
}

#[test]
fn inauguration_day_differs_only_in_the_dc_area() {
    let received = date!(2033 - 01 - 18);
    assert_eq!(due_date(&dc(), received, 2, 0), date!(2033 - 01 - 21));
    assert_eq!(due_date(&field(), received, 2, 0), date!(2033 - 01 - 20));
}

#[test]
fn the_state_machine_allows_only_its_moves() {
    use Action as A;
    use Status as S;
    let allowed = [
        (S::New, A::Assign, S::Assigned),
        (S::New, A::Take, S::InProgress),
        (S::Assigned, A::Start, S::InProgress),
        (S::Assigned, A::Assign, S::Assigned),
        (S::InProgress, A::Wait, S::Waiting),
        (S::Waiting, A::Resume, S::InProgress),
        (S::InProgress, A::Complete, S::Completed),
        (S::InProgress, A::Unassign, S::New),
        (S::Waiting, A::Transfer, S::Transferred),
    ];
    for (from, action, to) in allowed {
        assert_eq!(from.apply(action), Ok(to), "{from:?} {action:?}");
    }
    let refused = [
        (S::New, A::Complete),
        (S::New, A::Start),
        (S::Assigned, A::Complete),
        (S::Waiting, A::Complete),
        (S::Waiting, A::Assign),
        (S::Completed, A::Assign),
        (S::Completed, A::Transfer),
        (S::Transferred, A::Resume),
        (S::InProgress, A::Take),
    ];
    for (from, action) in refused {
        let err = from.apply(action).unwrap_err();
        assert_eq!(err, TransitionError { from, action });
    }
    assert!(S::Completed.actions().is_empty());
    assert_eq!(
        S::Waiting.actions(),
        vec![A::Resume, A::Transfer],
        "waiting items only resume or leave"
    );
    let msg = S::Completed.apply(A::Assign).unwrap_err().to_string();
    assert!(msg.contains("completed") && msg.contains("assign"), "{msg}");
}

#[test]
fn escalation_levels() {
    let cal = field();
    let today = date!(2026 - 12 - 01); // a Tuesday
    let at = |due| escalation(&cal, Status::InProgress, due, today);
    assert_eq!(at(date!(2026 - 11 - 30)), Escalation::Overdue);
    assert_eq!(at(today), Escalation::DueToday);
    assert_eq!(at(date!(2026 - 12 - 03)), Escalation::DueSoon);
    assert_eq!(at(date!(2026 - 12 - 04)), Escalation::OnTrack);
    assert_eq!(
        escalation(&cal, Status::Waiting, date!(2026 - 11 - 01), today),
        Escalation::Paused
    );
    assert_eq!(
        time_to_due_phrase(&cal, date!(2026 - 11 - 27), today),
        "2 business days overdue"
    );
    assert_eq!(
        time_to_due_phrase(&cal, date!(2026 - 12 - 02), today),
        "1 business day left"
    );
}

#[test]
fn aging_buckets_and_their_date_ranges_agree() {
    let cal = field();
    let today = date!(2026 - 12 - 01);
    let mut d = date!(2026 - 10 - 01);
    while d <= today {
        let age = cal.business_days_between(d, today);
        let bucket = AgeBucket::of(age);
        for b in AgeBucket::ALL {
            let (lo, hi) = b.received_range(&cal, today);
            let inside = lo.is_none_or(|lo| d >= lo) && hi.is_none_or(|hi| d <= hi);
            assert_eq!(inside, b == bucket, "{d} age {age} {b:?}");
        }
        d = d.next_day().unwrap();
    }
    assert_eq!(AgeBucket::of(2), AgeBucket::Fresh);
    assert_eq!(AgeBucket::of(3), AgeBucket::Week);
    assert_eq!(AgeBucket::of(10), AgeBucket::TwoWeeks);
    assert_eq!(AgeBucket::of(11), AgeBucket::Old);
}

#[test]
fn deadline_days_are_checked() {
    assert_eq!(parse_deadline_days(" 5 "), Ok(5));
    assert!(parse_deadline_days("-1").unwrap_err().contains("0 to 365"));
    assert!(parse_deadline_days("soon").is_err());
    assert!(parse_deadline_days("366").is_err());
}

fn cand(id: i64, skills: &[&str], away: bool, effort: f64, last: i64) -> Candidate {
    Candidate {
        user_id: id,
        skills: skills.iter().map(|s| s.to_string()).collect(),
        away,
        open_effort: effort,
        last_assigned_at: last,
    }
}

#[test]
fn automatic_assignment_respects_skill_and_leave() {
    let people = [
        cand(1, &["disability"], false, 6.0, 10),
        cand(2, &["disability", "ssi"], false, 2.0, 30),
        cand(3, &["ssi"], true, 0.0, 0),
        cand(4, &[], false, 1.0, 20),
    ];
    use AssignmentRule as R;
    assert_eq!(choose_assignee(R::Manual, &people, None), None);
    assert_eq!(
        choose_assignee(R::RoundRobin, &people, Some("disability")),
        Some(1)
    );
    assert_eq!(choose_assignee(R::RoundRobin, &people, None), Some(1));
    assert_eq!(
        choose_assignee(R::LeastLoaded, &people, Some("disability")),
        Some(2)
    );
    assert_eq!(choose_assignee(R::LeastLoaded, &people, None), Some(4));
    // The only other ssi person is on leave.
    assert_eq!(
        choose_assignee(R::LeastLoaded, &people, Some("ssi")),
        Some(2)
    );
    assert_eq!(
        choose_assignee(R::RoundRobin, &people, Some("spanish")),
        None
    );
}

#[test]
fn a_completion_can_be_undone_for_one_minute() {
    // (case, completed at, now, may undo)
    const CASES: &[(&str, i64, i64, bool)] = &[
        ("at once", 1_000_000, 1_000_000, true),
        ("after 30 seconds", 1_000_000, 1_030_000, true),
        (
            "one millisecond before the minute ends",
            1_000_000,
            1_059_999,
            true,
        ),
        ("exactly one minute", 1_000_000, 1_060_000, true),
        ("one millisecond too late", 1_000_000, 1_060_001, false),
        ("an hour later", 1_000_000, 4_600_000, false),
        ("this clock a little behind", 1_000_000, 998_000, true),
    ];
    for (case, at, now, ok) in CASES {
        assert_eq!(may_undo_complete(*at, *now), *ok, "{case}");
    }
}

#[test]
fn the_deadline_reads_as_days_allowed_not_an_age() {
    const CASES: &[(i64, i64, &str)] = &[
        (5, 0, "5 business days allowed"),
        (1, 0, "1 business day allowed"),
        (0, 0, "0 business days allowed"),
        (
            20,
            2,
            "20 business days allowed, plus 2 business days paused",
        ),
        (3, 1, "3 business days allowed, plus 1 business day paused"),
    ];
    for (days, paused, want) in CASES {
        assert_eq!(allowed_phrase(*days, *paused), *want);
    }
}

#[test]
fn history_reads_in_words_not_codes() {
    // (action, from, to, assignee, words)
    #[allow(clippy::type_complexity)]
    const CASES: &[(&str, Option<&str>, &str, Option<&str>, &str)] = &[
        ("create", None, "new", None, "Created: new"),
        (
            "assign",
            Some("new"),
            "assigned",
            Some("Ann Lee"),
            "Assigned to Ann Lee",
        ),
        (
            "take",
            Some("new"),
            "in_progress",
            Some("Ann Lee"),
            "Taken: assigned to Ann Lee, in progress",
        ),
        (
            "take",
            Some("new"),
            "in_progress",
            None,
            "Taken: in progress",
        ),
        (
            "unassign",
            Some("assigned"),
            "new",
            None,
            "Returned to the unassigned queue",
        ),
        (
            "start",
            Some("assigned"),
            "in_progress",
            Some("Ann Lee"),
            "Started: in progress",
        ),
        (
            "wait",
            Some("in_progress"),
            "waiting",
            None,
            "Paused: waiting on the claimant or a third party (the clock stops)",
        ),
        (
            "resume",
            Some("waiting"),
            "in_progress",
            None,
            "Resumed: in progress, the clock runs again",
        ),
        (
            "complete",
            Some("in_progress"),
            "completed",
            None,
            "Completed",
        ),
        (
            "undo_complete",
            Some("completed"),
            "in_progress",
            None,
            "Completion undone: in progress again",
        ),
        (
            "transfer",
            Some("new"),
            "transferred",
            None,
            "Transferred to another office",
        ),
        (
            "document_added",
            Some("new"),
            "new",
            None,
            "A document was added",
        ),
        (
            "some_new_move",
            Some("in_progress"),
            "waiting",
            None,
            "Some new move: in progress to waiting (clock paused)",
        ),
    ];
    for (action, from, to, assignee, want) in CASES {
        let got = history_phrase(action, *from, to, *assignee);
        assert_eq!(got, *want, "{action}");
        assert!(!got.contains('_'), "no code in {got:?}");
    }
}

#[test]
fn search_matches_are_marked_at_word_starts_in_any_case() {
    let t = |s: &str| search_terms(s);
    let plain = |v: Vec<(String, bool)>| -> String {
        v.into_iter()
            .map(|(s, m)| if m { format!("[{s}]") } else { s })
            .collect()
    };
    // (text, query, marked)
    const CASES: &[(&str, &str, &str)] = &[
        (
            "Wage statement for March",
            "wage",
            "[Wage] statement for March",
        ),
        (
            "Wages and WAGE stubs",
            "wage stub",
            "[Wage]s and [WAGE] [stub]s",
        ),
        ("Sewage bill", "wage", "Sewage bill"),
        ("<b>Appeal</b> & co", "appeal", "<b>[Appeal]</b> & co"),
        ("nothing here", "wage", "nothing here"),
        ("", "wage", ""),
        ("Résumé reçu", "reçu", "Résumé [reçu]"),
        (
            "ssn ***-**-1234 on file",
            "1234",
            "ssn ***-**-[1234] on file",
        ),
    ];
    for (text, q, want) in CASES {
        let got = highlight(text, &t(q));
        assert_eq!(plain(got.clone()), *want, "{text:?} / {q:?}");
        let joined: String = got.into_iter().map(|(s, _)| s).collect();
        assert_eq!(joined, *text, "nothing lost or added");
    }
    assert_eq!(
        search_terms("  wage, \"stub\" OR x "),
        ["wage", "stub", "or", "x"]
    );
}
