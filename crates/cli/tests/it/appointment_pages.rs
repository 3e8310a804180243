//! The schedules and appointments pages through HTTP: the office's week and one person's
//! schedule (a manager edits it, an employee asks for a swap that the manager approves), the
//! appointment types, booking for a claimant (next free time, a taken time refused with the
//! next one named), the appointment's page and moves, the office's day, the person's day on
//! the home page, and the measures.

use crate::support::*;
use reqwest::{Client, StatusCode};
use worktrack_domain::schedule::{Shift, Week, WorkMode};
use worktrack_domain::PersonName;
use worktrack_store::NewClaimant;

async fn post(
    app: &TestApp,
    c: &Client,
    csrf_page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_token(app, c, csrf_page).await;
    let mut body: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    body.extend_from_slice(form);
    c.post(format!("{}{path}", app.url))
        .form(&body)
        .send()
        .await
        .unwrap()
}

/// Follows a redirect and returns the page it leads to.
async fn follow(app: &TestApp, c: &Client, resp: reqwest::Response) -> String {
    if resp.status() != StatusCode::SEE_OTHER {
        let status = resp.status();
        let body = resp.text().await.unwrap();
        let error = body
            .split("id=\"error-summary\"")
            .nth(1)
            .unwrap_or(&body)
            .chars()
            .take(400)
            .collect::<String>();
        panic!("expected a redirect, got {status}: {error}");
    }
    let to = resp.headers()["location"].to_str().unwrap().to_string();
    page_text(c, &format!("{}{to}", app.url)).await
}

async fn claimant(app: &TestApp, name: &str, ssn: &str) -> i64 {
    let office = app.store.office_by_code("AAA").await.unwrap();
    app.store
        .create_claimant(
            &viewer(app, "manager.a").await,
            &office,
            &NewClaimant {
                full_name: PersonName::parse(name).unwrap(),
                date_of_birth: None,
                email: None,
                ssn: ssn.into(),
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn schedule_pages_edit_the_week_and_answer_a_swap() {
    let app = spawn_app().await;
    app.cast().await;
    let manager = app.login("manager.a").await;
    let employee = app.login("employee.a").await;

    let page = page_text(&manager, &format!("{}/schedules?office=AAA", app.url)).await;
    assert!(page.contains("Test employee.a"), "{page}");
    assert!(page.contains("In the office 08:30–17:00"));

    // A bad week is refused with a plain message, and nothing is saved.
    let me = app.store.user_by_username("employee.a").await.unwrap();
    let mut form: Vec<(String, String)> = Vec::new();
    for i in 0..7 {
        form.push((format!("mode_{i}"), "office".into()));
        form.push((format!("start_{i}"), "08:30".into()));
        form.push((format!("end_{i}"), "17:00".into()));
    }
    form[6] = ("mode_2".into(), "telework".into());
    form[7] = ("start_2".into(), "16:00".into());
    form[5] = ("end_1".into(), "07:00".into()); // Tuesday ends before it starts
    let as_refs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let resp = post(
        &app,
        &manager,
        "/schedules/employee.a",
        "/schedules/employee.a/week",
        &as_refs,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("Tuesday: The day ends (07:00) before it starts (08:30)"));
    assert_eq!(app.store.week(me.id).await.unwrap(), Week::standard());

    // Fixed: Wednesday telework 07:00-15:30, the weekend off.
    form[5] = ("end_1".into(), "17:00".into());
    form[7] = ("start_2".into(), "07:00".into());
    form[8] = ("end_2".into(), "15:30".into());
    for i in 5..7 {
        form[i * 3] = (format!("mode_{i}"), "off".into());
    }
    let as_refs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let resp = post(
        &app,
        &manager,
        "/schedules/employee.a",
        "/schedules/employee.a/week",
        &as_refs,
    )
    .await;
    let page = follow(&app, &manager, resp).await;
    assert!(
        page.contains("The default week of Test employee.a is saved."),
        "{page}"
    );
    let week = app.store.week(me.id).await.unwrap();
    assert_eq!(
        week.0[2],
        Shift::parse("telework", "07:00", "15:30").unwrap()
    );

    // The employee sees their own schedule, not someone else's, and asks for a swap.
    let own = page_text(&employee, &format!("{}/schedules/employee.a", app.url)).await;
    assert!(own.contains("Telework") && own.contains("Ask for a change"));
    let other = employee
        .get(format!("{}/schedules/manager.a", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let office = app.store.office_by_code("AAA").await.unwrap();
    let day = office.today() + time::Duration::days(21);
    let day_s = day.to_string();
    let ask = [
        ("day", day_s.as_str()),
        ("mode", "telework"),
        ("start", "08:00"),
        ("end", "16:30"),
        ("note", ""),
    ];
    let resp = post(
        &app,
        &employee,
        "/schedules/employee.a",
        "/schedule-requests",
        &ask,
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a request needs a reason"
    );
    assert_eq!(count(&app, "schedule_requests").await, 0);
    let ask = [
        ("day", day_s.as_str()),
        ("mode", "telework"),
        ("start", "08:00"),
        ("end", "16:30"),
        ("note", "Plumber coming"),
    ];
    let resp = post(
        &app,
        &employee,
        "/schedules/employee.a",
        "/schedule-requests",
        &ask,
    )
    .await;
    assert!(follow(&app, &employee, resp)
        .await
        .contains("is sent to your manager"));

    // The manager sees it waiting and approves it: the day becomes an override.
    let page = page_text(&manager, &format!("{}/schedules?office=AAA", app.url)).await;
    assert!(page.contains("Plumber coming"), "{page}");
    let requests = app
        .store
        .schedule_requests(&viewer(&app, "manager.a").await, office.id, None)
        .await
        .unwrap();
    let path = format!("/schedule-requests/{}", requests[0].id);
    let resp = post(
        &app,
        &manager,
        "/schedules?office=AAA",
        &path,
        &[("decision", "approve"), ("note", "")],
    )
    .await;
    assert!(follow(&app, &manager, resp)
        .await
        .contains("Request approved"));
    let overrides = app.store.overrides(me.id, day, day).await.unwrap();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].shift.mode, WorkMode::Telework);
    // The employee cannot decide requests, nor set weeks.
    let resp = post(
        &app,
        &employee,
        "/schedules/employee.a",
        &path,
        &[("decision", "decline")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn booking_pages_book_the_next_time_refuse_a_taken_one_and_move_it() {
    let app = spawn_app().await;
    app.cast().await;
    let manager = app.login("manager.a").await;
    let employee = app.login("employee.a").await;
    let office = app.store.office_by_code("AAA").await.unwrap();
    // Only the employee serves appointments: the manager is off all week.
    let boss = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .set_week(
            &viewer(&app, "manager.a").await,
            boss.id,
            &Week([Shift::OFF; 7]),
        )
        .await
        .unwrap();

    // The manager sets up a type through the page; a negative length is refused.
    let mut bad = vec![
        ("office", "AAA"),
        ("name", "Next-day phone appointment"),
        ("channel", "phone"),
        ("duration_min", "-30"),
        ("buffer_before_min", "0"),
        ("buffer_after_min", "5"),
        ("min_notice_min", "0"),
        ("horizon_days", "30"),
        ("skills", ""),
        ("capacity", "0"),
    ];
    let resp = post(
        &app,
        &manager,
        "/appointment-types?office=AAA",
        "/appointment-types",
        &bad,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("The duration must be between 5 and 480 minutes"));
    assert_eq!(count(&app, "appointment_types").await, 0);
    bad[3] = ("duration_min", "30");
    let resp = post(
        &app,
        &manager,
        "/appointment-types?office=AAA",
        "/appointment-types",
        &bad,
    )
    .await;
    assert!(follow(&app, &manager, resp)
        .await
        .contains("Next-day phone appointment"));
    let resp = post(
        &app,
        &employee,
        "/appointment-types?office=AAA",
        "/appointment-types",
        &bad,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // The claimant page links to booking; the booking page offers the next free time.
    let robin = claimant(&app, "Robin Example", "900-12-3456").await;
    let sam = claimant(&app, "Sam Example", "900-12-3457").await;
    let page = page_text(&employee, &format!("{}/claimants/{robin}", app.url)).await;
    assert!(page.contains(&format!("/appointments/book?claimant={robin}")));
    let book_path = format!("/appointments/book?claimant={robin}");
    let page = page_text(&employee, &format!("{}{book_path}", app.url)).await;
    assert!(page.contains("id=\"book-next\""), "{page}");
    let kind = app
        .store
        .appointment_types(&viewer(&app, "employee.a").await, office.id)
        .await
        .unwrap()
        .remove(0);
    let next = app
        .store
        .next_available(&viewer(&app, "employee.a").await, kind.id)
        .await
        .unwrap()
        .unwrap();
    let next_s = next.start_ms.to_string();
    let kind_s = kind.id.to_string();
    let robin_s = robin.to_string();
    let booking = |who: &str| -> Vec<(&'static str, String)> {
        vec![
            ("claimant", who.to_string()),
            ("type", kind_s.clone()),
            ("pick", "next".into()),
            ("next", next_s.clone()),
            ("contact", "(555) 010-0199".into()),
            ("workload", "initial_disability".into()),
            ("interpreter", "on".into()),
            ("language", "Spanish".into()),
        ]
    };
    // An interpreter without a language is refused; nothing is booked.
    let mut form = booking(&robin_s);
    form[7].1 = String::new();
    let refs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let resp = post(&app, &employee, &book_path, "/appointments/book", &refs).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("Interpreter: give the language."));
    assert_eq!(count(&app, "appointments").await, 0);

    let form = booking(&robin_s);
    let refs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let resp = post(&app, &employee, &book_path, "/appointments/book", &refs).await;
    let to = resp.headers()["location"].to_str().unwrap().to_string();
    let page = follow(&app, &employee, resp).await;
    assert!(page.contains("Booked: phone appointment on"), "{page}");
    assert!(page.contains("Spanish interpreter"));
    assert!(page.contains(&format!("{to}/calendar.ics")));

    // The same time for another claimant: taken, the next free time named, nothing booked.
    let sam_s = sam.to_string();
    let form = booking(&sam_s);
    let refs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let resp = post(
        &app,
        &employee,
        &format!("/appointments/book?claimant={sam}"),
        "/appointments/book",
        &refs,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let text = resp.text().await.unwrap();
    assert!(
        text.contains("That time has just been taken; the next free time is"),
        "{text}"
    );
    assert_eq!(count(&app, "appointments").await, 1);

    // The employee's day on the home page, and the office's day.
    let home = page_text(&employee, &format!("{}/", app.url)).await;
    assert!(
        home.contains("id=\"my-appointments\"") && home.contains("Robin Example"),
        "{home}"
    );
    let date = worktrack_domain::TimeZone::parse("America/Chicago")
        .unwrap()
        .local_date(next.start_ms);
    let day = page_text(
        &manager,
        &format!("{}/appointments?office=AAA&date={date}", app.url),
    )
    .await;
    assert!(
        day.contains("Robin Example") && day.contains("Test employee.a"),
        "{day}"
    );

    // Rescheduling to another free time of the type, with the reason in the history; a
    // time in the past is refused and nothing moves.
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let v = viewer(&app, "employee.a").await;
    let later = app
        .store
        .availability(&v, kind.id, date)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.start_ms)
        .find(|s| *s > next.start_ms + 3_600_000)
        .unwrap_or(next.start_ms + 86_400_000 * 7);
    let later_s = later.to_string();
    let resp = post(
        &app,
        &employee,
        &to,
        &to,
        &[
            ("action", "reschedule"),
            ("start", "60000"),
            ("note", "Asked for later"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("That time has passed"));
    let (a, _) = app.store.appointment(&v, id).await.unwrap();
    assert_eq!(a.start_ms, next.start_ms);
    let resp = post(
        &app,
        &employee,
        &to,
        &to,
        &[
            ("action", "reschedule"),
            ("start", later_s.as_str()),
            ("note", "Asked for later"),
        ],
    )
    .await;
    let page = follow(&app, &employee, resp).await;
    assert!(
        page.contains("Rescheduled to") && page.contains("Asked for later"),
        "{page}"
    );
    let (a, _) = app.store.appointment(&v, id).await.unwrap();
    assert_eq!(a.start_ms, later);

    // Cancelling needs a reason; with one, the history says who and why.
    let resp = post(
        &app,
        &employee,
        &to,
        &to,
        &[("action", "cancel"), ("note", " ")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("Say why"));
    let resp = post(
        &app,
        &employee,
        &to,
        &to,
        &[("action", "cancel"), ("note", "Claimant called")],
    )
    .await;
    let page = follow(&app, &employee, resp).await;
    assert!(page.contains("The appointment is cancelled.") && page.contains("Claimant called"));
    let resp = post(
        &app,
        &employee,
        &to,
        &to,
        &[("action", "cancel"), ("note", "again")],
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a cancelled appointment stays so"
    );

    // Every view of an appointment is in the audit log.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let views: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.view'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(views >= 3, "{views}");

    // A type taken out of service is no longer offered for booking.
    let resp = post(
        &app,
        &manager,
        "/appointment-types?office=AAA",
        &format!("/appointment-types/{}", kind.id),
        &[("active", "no")],
    )
    .await;
    assert!(follow(&app, &manager, resp)
        .await
        .contains("is no longer offered"));
    let page = page_text(&employee, &format!("{}{book_path}", app.url)).await;
    assert!(page.contains("id=\"no-types\""), "{page}");

    // The measures: definitions beside the numbers, for managers, not employees.
    let page = page_text(
        &manager,
        &format!("{}/appointments/measures?office=AAA", app.url),
    )
    .await;
    assert!(page.contains("id=\"no-show-rate\"") && page.contains("id=\"next-definition\""));
    assert!(!page.contains("Robin Example"), "the measures name nobody");
    let resp = employee
        .get(format!("{}/appointments/measures?office=AAA", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn completing_from_the_page_can_start_a_work_item_and_a_bad_choice_changes_nothing() {
    use crate::appointments_api::{booking_body, call, chicago, next_business_day, phone_setup};
    use reqwest::Method;
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    let day = next_business_day(&app, &b.office).await;
    let at = worktrack_domain::appointments::instant_at(chicago(), day, 9 * 60).unwrap();
    let (status, a) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/appointments",
        Some(booking_body(&b, at)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    // The appointment's time comes (moved back in the database, as time passing would).
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE appointments SET start_ms = start_ms - 3 * 86400000, end_ms = end_ms - 3 * 86400000")
        .execute(&mut conn)
        .await
        .unwrap();
    let employee = app.login("employee.a").await;
    let path = format!("/appointments/{id}");
    let page = page_text(&employee, &format!("{}{path}", app.url)).await;
    assert!(
        page.contains("id=\"work-item-none\"") && page.contains("id=\"work-item-create\""),
        "{page}"
    );
    assert!(
        !page.contains("id=\"work-item-update\""),
        "no linked work item to add to"
    );

    // Bad choices: an unknown answer, a work item with a no-show, adding to a work item
    // there is none of. Nothing changes.
    for (action, choice) in [
        ("complete", "start"),
        ("no_show", "create"),
        ("complete", "update"),
    ] {
        let resp = post(
            &app,
            &employee,
            &path,
            &path,
            &[("action", action), ("note", "x"), ("work_item", choice)],
        )
        .await;
        assert_eq!(
            resp.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action} {choice}"
        );
        assert_eq!(count(&app, "work_items").await, 0);
        let (a, _) = app
            .store
            .appointment(&viewer(&app, "employee.a").await, id)
            .await
            .unwrap();
        assert_eq!(a.state.as_str(), "booked", "{action} {choice}");
        assert_eq!(a.work_item_id, None);
    }

    // Completed with a new work item: exactly one, linked both ways in the histories.
    let resp = post(
        &app,
        &employee,
        &path,
        &path,
        &[
            ("action", "complete"),
            ("note", "forms filled in"),
            ("work_item", "create"),
        ],
    )
    .await;
    let page = follow(&app, &employee, resp).await;
    assert_eq!(count(&app, "work_items").await, 1);
    let (a, _) = app
        .store
        .appointment(&viewer(&app, "employee.a").await, id)
        .await
        .unwrap();
    assert_eq!(a.state.as_str(), "completed");
    let item_id = a.work_item_id.expect("linked work item");
    assert!(
        page.contains(&format!(
            "The appointment is completed; work item {item_id} is started."
        )),
        "{page}"
    );
    let history = app.store.work_item_history(item_id).await.unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.note.contains(&format!("Started from appointment {id}"))),
        "{history:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_demo_offices_have_types_schedules_and_appointments_to_show() {
    let app = spawn_app().await;
    let out = app.command().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Demo appointments:"));
    let booked = count(&app, "appointments").await;
    for code in ["TRN08", "TRN25", "TRN12", "TRN60"] {
        let office = app.store.office_by_code(code).await.unwrap();
        let manager = worktrack_store::Viewer {
            actor: worktrack_store::Actor::system("test"),
            role: worktrack_domain::Role::Manager,
            office_id: Some(office.id),
            scope: worktrack_domain::Scope::Offices(vec![office.id]),
        };
        let types = app
            .store
            .appointment_types(&manager, office.id)
            .await
            .unwrap();
        assert_eq!(types.len(), 3, "{code}");
        let (from, to) = (
            worktrack_store::now_ms(),
            worktrack_store::now_ms() + 15 * 86_400_000,
        );
        let list = app
            .store
            .appointments(&manager, office.id, None, from, to)
            .await
            .unwrap();
        assert!(!list.is_empty(), "{code} has appointments to show");
        // Weeks differ: someone teleworks.
        let days = app
            .store
            .staff_days(
                &office,
                office.today(),
                office.today() + time::Duration::days(7),
            )
            .await
            .unwrap();
        assert!(days.iter().any(|s| s
            .days
            .iter()
            .any(|(_, d)| matches!(d.shift().map(|s| s.mode), Some(WorkMode::Telework)))));
    }
    // Some of it lies in the weeks before, held or missed, for the measures.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let past: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointments WHERE state IN ('completed', 'no_show') AND start_ms < $1",
    )
    .bind(worktrack_store::now_ms())
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(past > 0);
    // Some demo claimants have an example address (kept encrypted), and get e-mail reminders.
    let ciphers: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT email_cipher FROM claimants WHERE email_cipher IS NOT NULL")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(ciphers.len() >= 4, "{}", ciphers.len());
    assert!(ciphers
        .iter()
        .all(|c| !c.windows(7).any(|w| w == b"example")));
    let by_mail: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointment_reminders WHERE recipient = 'claimant' AND via = 'email'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(by_mail > 0);
    // A second run adds nothing.
    let again = app.command().arg("demo").output().unwrap();
    assert!(again.status.success());
    assert_eq!(count(&app, "appointments").await, booked);
    app.stop().await;
}
