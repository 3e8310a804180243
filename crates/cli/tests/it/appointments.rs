//! Schedules and appointments through the store, on the backend under test: concurrent
//! bookings of one slot, refusals that change nothing, moves and their history, scope.

use crate::support::{spawn_app, viewer, TestApp};
use time::Date;
use worktrack_domain::appointments::{instant_at, Accommodations, AppointmentMove, TypeSpec};
use worktrack_domain::schedule::{Day, Shift, Week, WorkMode};
use worktrack_domain::{PersonName, Skill, TimeZone};
use worktrack_store::{NewAppointment, Office, StoreError};

fn chicago() -> TimeZone {
    TimeZone::parse("America/Chicago").unwrap()
}

/// The office's next business day after today.
async fn next_business_day(app: &TestApp, office: &Office) -> Date {
    let calendar = app.store.office_calendar(office).await.unwrap();
    let mut d = office.today().next_day().unwrap();
    while !calendar.is_business_day(d) {
        d = d.next_day().unwrap();
    }
    d
}

fn spec(channel: &str) -> TypeSpec {
    TypeSpec {
        channel: channel.into(),
        duration_min: 30,
        buffer_before_min: 0,
        buffer_after_min: 10,
        min_notice_min: 0,
        horizon_days: 60,
        skills: vec![Skill::parse("disability").unwrap()],
        capacity: 1,
    }
}

async fn claimant(app: &TestApp, office: &Office) -> i64 {
    let v = viewer(app, "manager.a").await;
    app.store
        .create_claimant(
            &v,
            office,
            &worktrack_store::NewClaimant {
                full_name: PersonName::parse("Robin Example").unwrap(),
                date_of_birth: None,
                email: None,
                ssn: "900-12-3456".into(),
            },
        )
        .await
        .unwrap()
        .id
}

fn booking(type_id: i64, claimant_id: i64, start_ms: i64) -> NewAppointment {
    NewAppointment {
        type_id,
        claimant_id,
        start_ms,
        staff_id: None,
        contact: "(555) 010-0199".into(),
        workload: "initial_disability".into(),
        accommodations: Accommodations {
            interpreter: Some("Spanish".into()),
            ..Accommodations::default()
        },
        work_item_id: None,
    }
}

/// The cast, with only employee.a serving appointments (the manager is off all week).
async fn one_server(app: &TestApp) -> Office {
    let cast = app.cast().await;
    let manager = viewer(app, "manager.a").await;
    let me = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .set_week(&manager, me.id, &Week([Shift::OFF; 7]))
        .await
        .unwrap();
    cast.a
}

async fn count(app: &TestApp, table: &str) -> i64 {
    crate::support::count(app, table).await
}

#[tokio::test]
async fn appointments_fifty_concurrent_bookings_of_one_slot_make_exactly_one() {
    let app = spawn_app().await;
    let office = one_server(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Phone interview", &spec("phone"))
        .await
        .unwrap();
    let claimant_id = claimant(&app, &office).await;
    let day = next_business_day(&app, &office).await;
    let ten = instant_at(chicago(), day, 10 * 60).unwrap();
    let employee = viewer(&app, "employee.a").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let store = app.store.clone();
        let v = employee.clone();
        let new = booking(kind.id, claimant_id, ten);
        tasks.push(tokio::spawn(async move {
            store.book_appointment(&v, &new).await
        }));
    }
    let mut booked = Vec::new();
    let mut refusals = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(a) => booked.push(a),
            Err(e) => refusals.push(e),
        }
    }
    assert_eq!(booked.len(), 1, "{refusals:?}");
    assert_eq!(refusals.len(), 49);
    // Each refusal names the next free time, which is not the one taken.
    let next = app
        .store
        .next_available(&employee, kind.id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(next.start_ms, ten);
    let named = format!(
        "that time has just been taken; the next free time is {}",
        worktrack_store::local_label(chicago(), next.start_ms)
    );
    for e in &refusals {
        match e {
            StoreError::Conflict(m) => assert_eq!(m, &named),
            other => panic!("a refused booking answered {other:?}"),
        }
    }
    assert_eq!(count(&app, "appointments").await, 1);
    let a = &booked[0];
    let me = app.store.user_by_username("employee.a").await.unwrap();
    assert_eq!(a.staff_id, me.id);
    assert_eq!(a.contact, "(555) 010-0199");
    assert_eq!(a.accommodations.interpreter.as_deref(), Some("Spanish"));
    assert_eq!(a.end_ms - a.start_ms, 30 * 60_000);
}

#[tokio::test]
async fn appointments_bad_bookings_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let office = one_server(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let mut bad = spec("phone");
    bad.duration_min = -30;
    let e = app
        .store
        .create_appointment_type(&manager, office.id, "Broken", &bad)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("The duration must be"), "{e}");
    assert_eq!(count(&app, "appointment_types").await, 0);
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Visit", &spec("in_person"))
        .await
        .unwrap();
    let claimant_id = claimant(&app, &office).await;
    let day = next_business_day(&app, &office).await;
    let at = |minute| instant_at(chicago(), day, minute).unwrap();
    let calendar = app.store.office_calendar(&office).await.unwrap();
    let mut holiday = day;
    while !calendar.is_holiday(holiday) {
        holiday = holiday.next_day().unwrap();
    }
    let employee = viewer(&app, "employee.a").await;
    let cases = [
        (at(10 * 60) - 3 * 86_400_000, "that time has passed"),
        (at(10 * 60 + 5), "quarter hour"),
        (at(7 * 60), "works at that time"),
        (at(16 * 60 + 45), "works at that time"),
        (
            instant_at(chicago(), holiday, 10 * 60).unwrap(),
            if holiday <= day.saturating_add(time::Duration::days(60)) {
                "federal holiday"
            } else {
                "days ahead"
            },
        ),
    ];
    for (start, message) in cases {
        let e = app
            .store
            .book_appointment(&employee, &booking(kind.id, claimant_id, start))
            .await
            .unwrap_err();
        assert!(e.to_string().contains(message), "{message}: {e}");
    }
    // employee.a teleworks that day: no one is in the office to receive a visit.
    let me = app.store.user_by_username("employee.a").await.unwrap();
    let tele = Shift::parse("telework", "08:00", "16:00").unwrap();
    app.store
        .set_override(&manager, me.id, day, tele, "Swapped with Wednesday")
        .await
        .unwrap();
    let e = app
        .store
        .book_appointment(&employee, &booking(kind.id, claimant_id, at(10 * 60)))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("no one who serves this type is in the office"),
        "{e}"
    );
    assert!(app
        .store
        .availability(&employee, kind.id, day)
        .await
        .unwrap()
        .is_empty());
    let days = app.store.staff_days(&office, day, day).await.unwrap();
    let mine = days.iter().find(|s| s.user_id == me.id).unwrap();
    assert_eq!(mine.on(day), Day::Works(tele));
    assert_eq!(mine.on(day).shift().unwrap().mode, WorkMode::Telework);
    assert_eq!(count(&app, "appointments").await, 0);
    assert_eq!(count(&app, "appointment_cells").await, 0);
}

#[tokio::test]
async fn appointments_move_with_reasons_and_give_their_time_back() {
    let app = spawn_app().await;
    let office = one_server(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Video", &spec("video"))
        .await
        .unwrap();
    let claimant_id = claimant(&app, &office).await;
    let day = next_business_day(&app, &office).await;
    let at = |minute| instant_at(chicago(), day, minute).unwrap();
    let employee = viewer(&app, "employee.a").await;
    let mut new = booking(kind.id, claimant_id, at(9 * 60));
    let e = app
        .store
        .book_appointment(&employee, &new)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("video link"), "{e}");
    new.contact = "https://video.example.gov/r/42".into();
    let a = app.store.book_appointment(&employee, &new).await.unwrap();
    let e = app
        .store
        .move_appointment(&employee, a.id, AppointmentMove::Cancel, " ", None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "say why");
    let moved = app
        .store
        .move_appointment(
            &employee,
            a.id,
            AppointmentMove::Reschedule,
            "Claimant asked for the afternoon",
            Some(at(14 * 60)),
        )
        .await
        .unwrap();
    assert_eq!(moved.start_ms, at(14 * 60));
    // The morning is free again; the afternoon is not.
    let other = app
        .store
        .book_appointment(&employee, &booking_at(&new, at(9 * 60)))
        .await
        .unwrap();
    let e = app
        .store
        .book_appointment(&employee, &booking_at(&new, at(14 * 60)))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("taken"), "{e}");
    let e = app
        .store
        .move_appointment(&employee, a.id, AppointmentMove::Complete, "", None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("once its time has come"), "{e}");
    app.store
        .move_appointment(
            &employee,
            a.id,
            AppointmentMove::Cancel,
            "Claimant moved away",
            None,
        )
        .await
        .unwrap();
    let e = app
        .store
        .move_appointment(
            &employee,
            a.id,
            AppointmentMove::Reschedule,
            "Try again",
            Some(at(15 * 60)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a cancelled appointment cannot be rescheduled"
    );
    let (seen, history) = app.store.appointment(&employee, a.id).await.unwrap();
    assert_eq!(seen.state.as_str(), "cancelled");
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["booked", "reschedule", "cancel"]);
    assert_eq!(history[1].note, "Claimant asked for the afternoon");
    assert_eq!(history[1].from_start_ms, Some(at(9 * 60)));
    assert_eq!(history[2].actor, "Test employee.a");
    // Cancelled: its cells are given back, the other appointment keeps its own.
    let list = app
        .store
        .appointments(&employee, office.id, None, at(0), at(0) + 86_400_000)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert!(list
        .iter()
        .any(|x| x.id == other.id && x.state.as_str() == "booked"));
    assert_eq!(
        count(&app, "appointment_cells").await,
        3,
        "9:00-9:40 is the cells of 9:00, 9:15 and 9:30"
    );
}

fn booking_at(new: &NewAppointment, start_ms: i64) -> NewAppointment {
    NewAppointment {
        start_ms,
        ..new.clone()
    }
}

#[tokio::test]
async fn appointments_are_seen_by_the_office_and_never_by_analysts() {
    let app = spawn_app().await;
    let office = one_server(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Phone", &spec("phone"))
        .await
        .unwrap();
    let claimant_id = claimant(&app, &office).await;
    let day = next_business_day(&app, &office).await;
    let start = instant_at(chicago(), day, 11 * 60).unwrap();
    let a = app
        .store
        .book_appointment(
            &viewer(&app, "employee.a").await,
            &booking(kind.id, claimant_id, start),
        )
        .await
        .unwrap();
    for (who, ok) in [
        ("employee.a", true),
        ("manager.a", true),
        ("director.north", true),
        ("auditor", true),
        ("analyst", false),
        ("employee.b", false),
    ] {
        let v = viewer(&app, who).await;
        let seen = app.store.appointment(&v, a.id).await;
        assert_eq!(seen.is_ok(), ok, "{who}: {seen:?}");
        let listed = app
            .store
            .appointments(&v, office.id, None, start - 3_600_000, start + 3_600_000)
            .await;
        assert_eq!(listed.is_ok(), ok, "{who}");
    }
    for who in ["employee.b", "auditor", "director.north", "analyst"] {
        let v = viewer(&app, who).await;
        let e = app
            .store
            .book_appointment(&v, &booking(kind.id, claimant_id, start + 3_600_000))
            .await;
        assert!(e.is_err(), "{who} booked");
    }
    // Every view is in the audit log.
    let views = count(&app, "audit_log WHERE action = 'appointment.view'").await;
    assert_eq!(views, 4);
}

/// The next-available search reads the schedules kept in memory: leave, an approved change
/// and a new week must show in the very next search, not seconds later.
#[tokio::test]
async fn appointments_schedule_changes_show_in_the_next_search_at_once() {
    let app = spawn_app().await;
    let office = one_server(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let employee = viewer(&app, "employee.a").await;
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Phone interview", &spec("phone"))
        .await
        .unwrap();
    let first = app.store.next_available(&employee, kind.id).await.unwrap();
    let day = chicago().local_date(first.as_ref().unwrap().start_ms);
    let me = app.store.user_by_username("employee.a").await.unwrap();
    // Leave on that day: the next free time moves past it.
    app.store
        .add_leave(&manager, me.id, day, day, "Dentist")
        .await
        .unwrap();
    let after_leave = app
        .store
        .next_available(&employee, kind.id)
        .await
        .unwrap()
        .unwrap();
    assert!(chicago().local_date(after_leave.start_ms) > day);
    // An approved change that starts that later day at noon.
    let later = chicago().local_date(after_leave.start_ms);
    let noon = Shift::parse("office", "12:00", "16:00").unwrap();
    let asked = app
        .store
        .request_schedule_change(&employee, later, noon, "Morning appointment")
        .await
        .unwrap();
    app.store
        .decide_schedule_request(&manager, asked, true, "")
        .await
        .unwrap();
    let after_swap = app
        .store
        .next_available(&employee, kind.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after_swap.start_ms,
        instant_at(chicago(), later, 12 * 60).unwrap()
    );
    // No one works any day any more: nothing is free.
    app.store
        .set_week(&manager, me.id, &Week([Shift::OFF; 7]))
        .await
        .unwrap();
    app.store
        .set_override(&manager, me.id, later, Shift::OFF, "Off")
        .await
        .unwrap();
    assert_eq!(
        app.store.next_available(&employee, kind.id).await.unwrap(),
        None
    );
}
