//! Booking in a real browser: an employee opens a claimant, finds the next free phone
//! appointment, books it with a Spanish interpreter, sees it on their day and on the office's
//! day, and downloads the appointment's calendar (.ics); axe-core clean on every page visited,
//! at a laptop's width (1366 px) and a phone's (390 px), without sideways scrolling.

use crate::browser::Browser;
use crate::support::*;
use serde_json::json;
use worktrack_domain::appointments::TypeSpec;
use worktrack_domain::schedule::{Shift, Week};
use worktrack_domain::PersonName;
use worktrack_store::NewClaimant;

/// axe-core on the current page at both widths, and no sideways scrolling at either.
pub async fn check_both_widths(b: &Browser, label: &str) {
    for (w, h) in [(1366, 900), (390, 844)] {
        b.set_window_size(w, h).await;
        let sizes = b
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                json!([]),
            )
            .await;
        let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
        assert!(
            scroll <= inner + 1,
            "{label} at {w} px scrolls sideways: {scroll} > {inner}"
        );
        b.assert_accessible(&format!("{label} at {w} px")).await;
    }
    b.set_window_size(1366, 900).await;
}

#[tokio::test]
async fn browser_an_employee_books_the_next_phone_appointment_with_an_interpreter() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = viewer(&app, "manager.a").await;
    // The employee serves the office's phone appointments (the manager is off all week).
    let boss = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .set_week(&manager, boss.id, &Week([Shift::OFF; 7]))
        .await
        .unwrap();
    app.store
        .create_appointment_type(
            &manager,
            cast.a.id,
            "Next-day phone appointment",
            &TypeSpec {
                channel: "phone".into(),
                duration_min: 30,
                buffer_before_min: 0,
                buffer_after_min: 5,
                min_notice_min: 0,
                horizon_days: 30,
                skills: Vec::new(),
                capacity: 0,
            },
        )
        .await
        .unwrap();
    let claimant = app
        .store
        .create_claimant(
            &manager,
            &cast.a,
            &NewClaimant {
                full_name: PersonName::parse("Lucía Fernández").unwrap(),
                date_of_birth: None,
                email: None,
                ssn: "900-55-0101".into(),
            },
        )
        .await
        .unwrap();

    let b = Browser::start().await;
    b.sign_in(&app.url, "employee.a", PASSWORD).await;
    b.goto(&format!("{}/claimants/{}", app.url, claimant.id))
        .await;
    check_both_widths(&b, "claimant page").await;
    // An e-mail address put on file from the page, with the keyboard, shows there at once.
    b.type_into("#email", "lucia@example.org").await;
    b.press_enter("#email").await;
    b.wait_until(
        "document.querySelector('#claimant-email') && \
         document.querySelector('#claimant-email').textContent.includes('lucia@example.org')",
        10,
    )
    .await;
    check_both_widths(&b, "claimant page with an e-mail address").await;
    b.click("#book-appointment").await;
    b.wait_for_url_containing("/appointments/book").await;
    assert!(
        !b.current_url().await.contains("900-55"),
        "no SSN in the address"
    );
    let next = b.text("#next-slot").await;
    assert!(!next.is_empty());
    let tz = worktrack_domain::TimeZone::parse(&cast.a.time_zone).unwrap();
    let next_ms: i64 = b
        .execute(
            "return document.querySelector('input[name=next]').value;",
            json!([]),
        )
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let day = tz.local_date(next_ms);
    check_both_widths(&b, "booking page").await;

    // The week's free times are reachable with the keyboard: a radio button takes the focus.
    b.execute(
        "document.querySelector('#slot-week input[type=radio]').focus();",
        json!([]),
    )
    .await;
    assert_eq!(b.active_element_attr("name").await.as_deref(), Some("slot"));

    b.type_into("#b-contact", "(555) 010-0199").await;
    b.execute(
        "document.getElementById('b-workload').value = 'initial_disability';",
        json!([]),
    )
    .await;
    b.click("#b-interpreter").await;
    b.type_into("#b-language", "Spanish").await;
    b.click("#book-next").await;
    b.wait_until("location.pathname.match(/^\\/appointments\\/\\d+$/)", 10)
        .await;
    assert!(b
        .text("main")
        .await
        .contains("Booked: phone appointment on"));
    assert_eq!(
        b.text("#appointment-accommodations").await,
        "Spanish interpreter"
    );
    let ics = b
        .execute(
            "return document.getElementById('appointment-ics').getAttribute('href');",
            json!([]),
        )
        .await;
    let path = b.execute("return location.pathname;", json!([])).await;
    assert_eq!(
        ics.as_str().unwrap(),
        format!("{}/calendar.ics", path.as_str().unwrap())
    );
    check_both_widths(&b, "appointment page").await;

    // The calendar entry downloads from the browser's own session: the time, and for staff
    // whom it is with, how to reach them and the interpreter.
    let got = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0], {credentials: 'same-origin'})
               .then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])))
               .catch(e => done([0, '', String(e)]));",
            json!([ics.as_str().unwrap()]),
        )
        .await;
    assert_eq!(got[0].as_u64(), Some(200), "{got}");
    assert!(
        got[1].as_str().unwrap().starts_with("text/calendar"),
        "{got}"
    );
    // Long lines are folded (RFC 5545 3.1): unfold before reading.
    let text = got[2].as_str().unwrap().replace("\r\n ", "");
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(text.contains("\nDTSTART"), "{text}");
    let id = path.as_str().unwrap().rsplit('/').next().unwrap();
    for want in [
        "Claimant: Lucía Fernández",
        "Contact: (555) 010-0199",
        "Accommodations: Spanish interpreter",
        "Reason: initial_disability",
        &format!("WorkTrack appointment {id}"),
    ] {
        assert!(text.contains(want), "{want} missing from {text}");
    }
    assert!(!text.contains("900-55"), "no SSN in the calendar");

    // Their day: the home page lists it, with the interpreter.
    b.goto(&format!("{}/", app.url)).await;
    let mine = b.text("#my-appointments").await;
    assert!(
        mine.contains("Lucía Fernández") && mine.contains("Spanish interpreter"),
        "{mine}"
    );
    check_both_widths(&b, "home page").await;

    // The office's day lists it too (on the day it falls).
    b.click("#my-appointments a").await;
    b.wait_until("location.pathname.match(/^\\/appointments\\/\\d+$/)", 10)
        .await;
    b.goto(&format!("{}/appointments?office=AAA&date={}", app.url, day))
        .await;
    assert!(b
        .text("#day-appointments")
        .await
        .contains("Lucía Fernández"));
    check_both_widths(&b, "office day").await;
    b.goto(&format!("{}/schedules/employee.a", app.url)).await;
    check_both_widths(&b, "own schedule").await;
    b.quit().await;
    app.stop().await;
}

#[tokio::test]
async fn browser_manager_pages_for_schedules_types_and_measures_pass_axe() {
    let app = spawn_app().await;
    app.cast().await;
    let b = Browser::start().await;
    b.sign_in(&app.url, "manager.a", PASSWORD).await;
    for (path, label) in [
        ("/schedules?office=AAA", "office schedules"),
        ("/schedules/employee.a", "an employee's schedule"),
        ("/appointment-types?office=AAA", "appointment types"),
        ("/appointments/measures?office=AAA", "measures"),
    ] {
        b.goto(&format!("{}{path}", app.url)).await;
        check_both_widths(&b, label).await;
    }
    b.quit().await;
    app.stop().await;
}

#[tokio::test]
async fn browser_a_director_sees_the_area_measures_and_schedules() {
    let app = spawn_app().await;
    app.cast().await;
    let b = Browser::start().await;
    b.sign_in(&app.url, "director.north", PASSWORD).await;
    b.goto(&format!("{}/appointments/measures", app.url)).await;
    assert!(
        b.exists("#area-measures").await,
        "the area's offices side by side"
    );
    check_both_widths(&b, "area measures").await;
    for (path, label) in [
        ("/schedules", "the office's schedules (director)"),
        ("/appointments", "the office's day (director)"),
    ] {
        b.goto(&format!("{}{path}", app.url)).await;
        check_both_widths(&b, label).await;
    }
    b.quit().await;
    app.stop().await;
}
