use super::*;
use crate::schedule::{day_of, Override, Shift, Week};
use time::macros::{date, time};
use time::Weekday;

fn ny() -> TimeZone {
    TimeZone::parse("America/New_York").unwrap()
}

fn at(date: Date, t: Time) -> i64 {
    instant_at(ny(), date, minute_of_day(t)).unwrap()
}

fn skill(s: &str) -> Skill {
    Skill::parse(s).unwrap()
}

fn kind(channel: &str, duration: i64, before: i64, after: i64, notice: i64) -> AppointmentType {
    AppointmentType::parse(&TypeSpec {
        channel: channel.into(),
        duration_min: duration,
        buffer_before_min: before,
        buffer_after_min: after,
        min_notice_min: notice,
        horizon_days: 30,
        skills: vec![skill("ssi")],
        capacity: 1,
    })
    .unwrap()
}

fn shift(mode: WorkMode, a: Time, b: Time) -> Shift {
    Shift::new(mode, a, b).unwrap()
}

fn server(id: i64, skills: &[&str], day: Day) -> Server {
    Server {
        staff_id: id,
        skills: skills.iter().map(|s| skill(s)).collect(),
        day,
    }
}

fn local(ms: i64) -> String {
    let t = ny().local_time(ms);
    format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute())
}

/// Monday 2027-03-01, 07:00 in New York.
fn monday_morning() -> i64 {
    at(date!(2027 - 03 - 01), time!(7:00))
}

#[test]
fn schedules_with_overrides_leave_closures_and_holidays_give_the_expected_slots() {
    let calendar = Calendar::new(false, [date!(2027 - 03 - 04)]);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: monday_morning(),
    };
    let phone = kind("phone", 30, 0, 0, 0);
    let morning = shift(WorkMode::Telework, time!(9:00), time!(11:00));
    let week = Week::standard();
    let ana = Week::standard().with(Weekday::Tuesday, morning);
    let overrides = [Override {
        date: date!(2027 - 03 - 03),
        shift: Shift::OFF,
    }];
    // (date, Ana on leave, first slot, last slot, number of slots)
    type Row = (Date, bool, Option<(&'static str, &'static str)>, usize);
    let table: [Row; 6] = [
        // Monday: the standard 8:30-17:00 day; the last 30-minute slot starts 16:30.
        (
            date!(2027 - 03 - 01),
            false,
            Some(("2027-03-01 08:30", "2027-03-01 16:30")),
            33,
        ),
        // Tuesday: Ana teleworks 9-11 (phone can be served from home).
        (
            date!(2027 - 03 - 02),
            false,
            Some(("2027-03-02 09:00", "2027-03-02 10:30")),
            7,
        ),
        // Wednesday: an override gives her the day off.
        (date!(2027 - 03 - 03), false, None, 0),
        // Thursday: the office is closed.
        (date!(2027 - 03 - 04), false, None, 0),
        // Friday: on leave.
        (date!(2027 - 03 - 05), true, None, 0),
        // Saturday.
        (date!(2027 - 03 - 06), false, None, 0),
    ];
    for (d, leave, bounds, count) in table {
        let day = day_of(&ana, &overrides, leave, &calendar, d);
        let book = DayBook {
            servers: vec![
                server(1, &["ssi"], day),
                server(2, &["disability"], day_of(&week, &[], false, &calendar, d)),
            ],
            ..DayBook::default()
        };
        let found = slots(&office, &phone, d, &book);
        assert_eq!(found.len(), count, "{d}");
        if let Some((first, last)) = bounds {
            assert_eq!(local(found[0].start_ms), first, "{d}");
            assert_eq!(local(found[count - 1].start_ms), last, "{d}");
            assert!(
                found.iter().all(|s| s.staff_ids == vec![1]),
                "{d}: only the skilled one"
            );
        }
    }
    // Presidents' Day 2027 (February 15) is a holiday: nothing, whatever the schedule.
    let past = Office {
        now_ms: at(date!(2027 - 02 - 14), time!(7:00)),
        ..office
    };
    let d = date!(2027 - 02 - 15);
    let book = DayBook {
        servers: vec![server(1, &["ssi"], Day::Works(week.on(Weekday::Monday)))],
        ..DayBook::default()
    };
    assert!(slots(&past, &phone, d, &book).is_empty());
    assert_eq!(
        check_booking(&past, &phone, at(d, time!(9:00)), None, &book),
        Err(AppointmentError::Holiday)
    );
}

#[test]
fn clocks_changing_skip_the_missing_hour_and_take_the_first_of_a_repeated_one() {
    let calendar = Calendar::new(false, []);
    // 2027-03-14 (Sunday, clocks go forward at 2:00) and 2027-11-07 (back at 2:00): offices are
    // closed on Sundays, so the rules are seen through `instant_at` and a Monday's instants.
    assert_eq!(instant_at(ny(), date!(2027 - 03 - 14), 2 * 60 + 30), None);
    let before = instant_at(ny(), date!(2027 - 03 - 14), 60 + 45).unwrap();
    let after = instant_at(ny(), date!(2027 - 03 - 14), 3 * 60).unwrap();
    assert_eq!(
        after - before,
        15 * 60_000,
        "1:45 EST to 3:00 EDT is 15 minutes"
    );
    let first = instant_at(ny(), date!(2027 - 11 - 07), 60 + 30).unwrap();
    assert_eq!(
        ny().abbreviation(first),
        "EDT",
        "the first 1:30 of the night"
    );
    // The Monday after each change: 8:30 on the wall clock is 12:30 UTC in summer time, 13:30
    // in standard time; the week before, standard time.
    let utc_hour = |d: Date| (at(d, time!(8:30)) / 60_000).rem_euclid(24 * 60) as f64 / 60.0;
    assert_eq!(utc_hour(date!(2027 - 03 - 08)), 13.5);
    assert_eq!(utc_hour(date!(2027 - 03 - 15)), 12.5);
    assert_eq!(utc_hour(date!(2027 - 11 - 08)), 13.5);
    // Slots on the Monday after the spring change lie on the new clock.
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: at(date!(2027 - 03 - 12), time!(12:00)),
    };
    let d = date!(2027 - 03 - 15);
    let book = DayBook {
        servers: vec![server(
            1,
            &["ssi"],
            Day::Works(Week::standard().on(Weekday::Monday)),
        )],
        ..DayBook::default()
    };
    let found = slots(&office, &kind("video", 60, 0, 0, 0), d, &book);
    assert_eq!(local(found[0].start_ms), "2027-03-15 08:30");
    assert_eq!(ny().abbreviation(found[0].start_ms), "EDT");
    assert_eq!(found.len(), 31);
}

#[test]
fn in_person_is_never_offered_when_no_one_with_the_skill_is_in_the_office() {
    let calendar = Calendar::new(false, []);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: monday_morning(),
    };
    let d = date!(2027 - 03 - 02);
    let home = Day::Works(shift(WorkMode::Telework, time!(8:00), time!(16:00)));
    let there = Day::Works(shift(WorkMode::Office, time!(8:00), time!(16:00)));
    let field = Day::Works(shift(WorkMode::Field, time!(8:00), time!(16:00)));
    let cases = [
        // (servers, in-person slots?, phone slots?)
        (vec![server(1, &["ssi"], home)], false, true),
        (
            vec![server(1, &["ssi"], home), server(2, &["disability"], there)],
            false,
            true,
        ),
        (vec![server(1, &["ssi"], field)], false, false),
        (
            vec![
                server(1, &["ssi"], Day::Leave),
                server(2, &["ssi"], Day::Off),
            ],
            false,
            false,
        ),
        (
            vec![
                server(1, &["ssi"], home),
                server(2, &["ssi", "spanish"], there),
            ],
            true,
            true,
        ),
    ];
    let visit = kind("in_person", 45, 0, 0, 0);
    let phone = kind("phone", 30, 0, 0, 0);
    for (i, (servers, in_person, by_phone)) in cases.into_iter().enumerate() {
        let book = DayBook {
            servers,
            ..DayBook::default()
        };
        assert_eq!(
            !slots(&office, &visit, d, &book).is_empty(),
            in_person,
            "case {i}"
        );
        assert_eq!(
            !slots(&office, &phone, d, &book).is_empty(),
            by_phone,
            "case {i}"
        );
        if !in_person {
            let e = check_booking(&office, &visit, at(d, time!(10:00)), None, &book);
            assert!(
                matches!(e, Err(AppointmentError::NoOneInOffice)),
                "case {i}: {e:?}"
            );
        }
    }
}

#[test]
fn buffers_minimum_notice_and_capacity_are_honoured() {
    let calendar = Calendar::new(false, []);
    let d = date!(2027 - 03 - 02);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: at(d, time!(9:05)),
    };
    let day = Day::Works(shift(WorkMode::Office, time!(9:00), time!(12:00)));
    let kind = kind("in_person", 30, 15, 15, 60);
    // One appointment 10:30-10:45 with its 15-minute buffers keeps Ana (1) busy 10:15-11:00.
    let book = DayBook {
        servers: vec![server(1, &["ssi"], day)],
        busy: vec![Busy {
            staff_id: 1,
            from_ms: at(d, time!(10:15)),
            to_ms: at(d, time!(11:00)),
        }],
        rooms_held: vec![],
    };
    let starts: Vec<String> = slots(&office, &kind, d, &book)
        .iter()
        .map(|s| local(s.start_ms)[11..].to_string())
        .collect();
    // Notice: nothing before 10:05, so 10:15 is first on the grid, but with its buffers every
    // start to 11:00 meets the other appointment's; 11:15 + 30 + 15 ends the day at 12:00.
    assert_eq!(starts, ["11:15"].map(String::from).to_vec(), "{starts:?}");
    let taken = check_booking(&office, &kind, at(d, time!(10:45)), None, &book);
    assert_eq!(taken, Err(AppointmentError::Taken));
    let soon = check_booking(&office, &kind, at(d, time!(9:30)), None, &book);
    assert_eq!(soon, Err(AppointmentError::TooSoon { minutes: 60 }));
    let late = check_booking(&office, &kind, at(d, time!(11:30)), None, &book);
    assert_eq!(
        late,
        Err(AppointmentError::OutsideHours),
        "the buffer runs past noon"
    );

    // Capacity 1: a second person in the office, but the one room is held.
    let full = DayBook {
        servers: vec![server(1, &["ssi"], day), server(2, &["ssi"], day)],
        busy: vec![],
        rooms_held: vec![(at(d, time!(11:30)), at(d, time!(12:00)))],
    };
    assert_eq!(
        check_booking(&office, &kind, at(d, time!(11:15)), None, &full),
        Err(AppointmentError::Full)
    );
    assert!(check_booking(&office, &kind, at(d, time!(10:30)), None, &full).is_ok());
}

#[test]
fn bad_requests_are_refused_with_the_reason() {
    let calendar = Calendar::new(false, [date!(2027 - 03 - 05)]);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: monday_morning(),
    };
    let phone = kind("phone", 30, 0, 0, 0);
    let day = Day::Works(Week::standard().on(Weekday::Monday));
    let book = DayBook {
        servers: vec![server(7, &["ssi"], day)],
        ..DayBook::default()
    };
    let m = date!(2027 - 03 - 01);
    let table = [
        (at(m, time!(6:00)), None, AppointmentError::InPast),
        (at(m, time!(9:10)), None, AppointmentError::OffGrid),
        (at(m, time!(9:00)) + 1, None, AppointmentError::OffGrid),
        (at(m, time!(7:00)), None, AppointmentError::OutsideHours),
        (at(m, time!(16:45)), None, AppointmentError::OutsideHours),
        (at(m, time!(9:00)), Some(8), AppointmentError::Taken),
        (
            at(date!(2027 - 03 - 05), time!(9:00)),
            None,
            AppointmentError::Closed,
        ),
        (
            at(date!(2027 - 03 - 06), time!(9:00)),
            None,
            AppointmentError::Closed,
        ),
        (
            at(date!(2027 - 04 - 01), time!(9:00)),
            None,
            AppointmentError::TooFar { days: 30 },
        ),
    ];
    for (start, staff, expected) in table {
        assert_eq!(
            check_booking(&office, &phone, start, staff, &book),
            Err(expected.clone()),
            "{} {staff:?}",
            local(start)
        );
    }
    let ok = check_booking(&office, &phone, at(m, time!(9:00)), Some(7), &book).unwrap();
    assert_eq!(ok.staff_ids, vec![7]);
    assert_eq!(ok.end_ms - ok.start_ms, 30 * 60_000);
}

#[test]
fn the_next_available_slot_skips_holidays_weekends_and_full_days() {
    // Friday 2027-07-02, 16:00; Monday July 5 is the observed Independence Day.
    let calendar = Calendar::new(false, []);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: at(date!(2027 - 07 - 02), time!(16:00)),
    };
    let phone = kind("phone", 30, 0, 0, 120);
    let week = Week::standard();
    let mut asked = Vec::new();
    let next = next_available(&office, &phone, |d| {
        asked.push(d);
        let day = day_of(&week, &[], d == date!(2027 - 07 - 06), &calendar, d);
        DayBook {
            servers: vec![server(3, &["ssi"], day)],
            ..DayBook::default()
        }
    })
    .unwrap();
    assert_eq!(
        local(next.start_ms),
        "2027-07-07 08:30",
        "Tuesday she is on leave"
    );
    assert_eq!(
        asked,
        [
            date!(2027 - 07 - 02),
            date!(2027 - 07 - 06),
            date!(2027 - 07 - 07)
        ],
        "closed days are not even looked up"
    );
    let nobody = next_available(&office, &phone, |_| DayBook::default());
    assert_eq!(nobody, None);
}

#[test]
fn types_with_bad_settings_are_refused() {
    let good = TypeSpec {
        channel: "in_person".into(),
        duration_min: 30,
        buffer_before_min: 5,
        buffer_after_min: 5,
        min_notice_min: 60,
        horizon_days: 30,
        skills: vec![],
        capacity: 2,
    };
    assert!(AppointmentType::parse(&good).is_ok());
    type Change = fn(&mut TypeSpec);
    let cases: [(Change, &str); 7] = [
        (
            |s| s.duration_min = -30,
            "The duration must be between 5 and 480",
        ),
        (|s| s.duration_min = 0, "The duration must be"),
        (|s| s.buffer_before_min = -1, "The buffer before must be"),
        (|s| s.buffer_after_min = 121, "The buffer after must be"),
        (|s| s.horizon_days = 0, "between 1 and 365 days"),
        (|s| s.capacity = 0, "needs between 1 and 500 rooms"),
        (|s| s.channel = "fax".into(), "channel \"fax\""),
    ];
    for (change, message) in cases {
        let mut spec = good.clone();
        change(&mut spec);
        let e = AppointmentType::parse(&spec).unwrap_err().to_string();
        assert!(e.contains(message), "{e}");
    }
    // Capacity means nothing for phone.
    let phone = TypeSpec {
        channel: "phone".into(),
        capacity: 0,
        ..good
    };
    assert_eq!(AppointmentType::parse(&phone).unwrap().capacity, 0);
}

#[test]
fn every_state_and_move_before_and_after_the_time() {
    use AppointmentMove as M;
    use AppointmentState as S;
    let start = 1_000_000;
    for state in S::ALL {
        for mv in M::ALL {
            for (now, when) in [(start - 1, "before"), (start, "after")] {
                let got = appointment_move(state, mv, start, now, "because");
                let expected = match (state, mv, when) {
                    (S::Booked, M::Reschedule, "before") => Some(S::Booked),
                    (S::Booked, M::Cancel, "before") => Some(S::Cancelled),
                    (S::Booked, M::NoShow, "after") => Some(S::NoShow),
                    (S::Booked, M::Complete, "after") => Some(S::Completed),
                    _ => None,
                };
                assert_eq!(
                    got.clone().ok(),
                    expected,
                    "{state:?} {mv:?} {when}: {got:?}"
                );
            }
        }
    }
    let e = appointment_move(S::Cancelled, M::Reschedule, start, 0, "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "a cancelled appointment cannot be rescheduled"
    );
    for mv in M::ALL {
        let now = if matches!(mv, M::NoShow | M::Complete) {
            start
        } else {
            0
        };
        let got = appointment_move(S::Booked, mv, start, now, "  ");
        assert_eq!(got.is_err(), mv.needs_note(), "{mv:?}");
    }
}

#[test]
fn accommodations_in_words() {
    let a = Accommodations {
        interpreter: Accommodations::interpreter_language(" Spanish ").unwrap(),
        accessible_room: true,
        ..Accommodations::default()
    };
    assert_eq!(a.describe(), ["Spanish interpreter", "Accessible room"]);
    assert_eq!(Accommodations::interpreter_language("").unwrap(), None);
    for bad in ["x", "Spanish1", "<b>", &"a".repeat(41)] {
        assert_eq!(
            Accommodations::interpreter_language(bad),
            Err(AppointmentError::Language),
            "{bad}"
        );
    }
}

#[test]
fn busy_time_is_whole_cells_so_the_database_and_the_rules_agree() {
    let kind = kind("phone", 20, 5, 5, 0);
    let nine = 1_800_000_000_000 / 900_000 * 900_000; // on the grid
    let (from, to) = busy_span(&kind, nine);
    assert_eq!(
        (from, to),
        (nine - 900_000, nine + 1_800_000),
        "8:45 to 9:30"
    );
    assert_eq!(cells(from, to), [nine - 900_000, nine, nine + 900_000]);
    // The next start whose cells are free is 9:45: 9:30 would need the 9:15 cell for its buffer.
    let (a, _) = busy_span(&kind, nine + 1_800_000);
    assert!(a < to);
    let (b, _) = busy_span(&kind, nine + 2_700_000);
    assert_eq!(b, to);
    assert!(cells(0, 0).is_empty());
    assert_eq!(cells(1, 2), [0]);
}

#[test]
fn capacity_counts_rooms_cell_by_cell() {
    let calendar = Calendar::new(false, []);
    let d = date!(2027 - 03 - 02);
    let office = Office {
        tz: ny(),
        calendar: &calendar,
        now_ms: monday_morning(),
    };
    let mut two_rooms = kind("in_person", 30, 0, 0, 0);
    two_rooms.capacity = 2;
    let day = Day::Works(shift(WorkMode::Office, time!(9:00), time!(12:00)));
    let servers = (1..=4).map(|i| server(i, &["ssi"], day)).collect();
    // One visit 9:00-9:30 and one 9:30-10:00: at 9:15-9:45 only one room is ever in use.
    let book = DayBook {
        servers,
        busy: vec![],
        rooms_held: vec![
            (at(d, time!(9:00)), at(d, time!(9:30))),
            (at(d, time!(9:30)), at(d, time!(10:00))),
        ],
    };
    assert!(check_booking(&office, &two_rooms, at(d, time!(9:15)), None, &book).is_ok());
    let mut three = book.clone();
    three
        .rooms_held
        .push((at(d, time!(9:30)), at(d, time!(9:45))));
    assert_eq!(
        check_booking(&office, &two_rooms, at(d, time!(9:15)), None, &three),
        Err(AppointmentError::Full)
    );
}

#[test]
fn who_books_manages_and_sees() {
    // (role, books, manages types, sees appointments)
    let table = [
        (Role::Employee, true, false, true),
        (Role::Manager, true, true, true),
        (Role::AreaDirector, false, false, true),
        (Role::Analyst, false, false, false),
        (Role::Auditor, false, false, true),
        (Role::Admin, false, false, false),
    ];
    for (role, books, manages, sees) in table {
        assert_eq!(may_book(role), books, "{role:?}");
        assert_eq!(may_manage_types(role), manages, "{role:?}");
        assert_eq!(may_view(role), sees, "{role:?}");
    }
}

#[test]
fn work_item_follow_up_only_completes() {
    use AppointmentMove::*;
    for (mv, choice, want) in [
        (Complete, "", Ok(None)),
        (Complete, "none", Ok(None)),
        (Complete, " create ", Ok(Some(true))),
        (Complete, "update", Ok(Some(false))),
        (NoShow, "", Ok(None)),
        (Cancel, "none", Ok(None)),
    ] {
        assert_eq!(work_item_follow_up(mv, choice), want, "{mv:?} {choice:?}");
    }
    for (mv, choice) in [
        (Complete, "start"),
        (Complete, "CREATE"),
        (NoShow, "create"),
        (Reschedule, "update"),
        (Cancel, "create"),
    ] {
        assert!(
            work_item_follow_up(mv, choice).is_err(),
            "{mv:?} {choice:?}"
        );
    }
}
