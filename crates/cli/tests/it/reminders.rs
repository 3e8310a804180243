//! Appointment reminders: queued when an appointment is booked, e-mailed to the employee once
//! even by two servers sending at the same time (through the digest tests' SMTP sink), never
//! for a cancelled appointment; claimants' letters listed for the office's managers to print.

use crate::appointments_api::{booking_body, call, chicago, next_business_day, phone_setup};
use crate::digest::Sink;
use crate::support::{count, csrf_token, spawn_app, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use worktrack_domain::appointments::instant_at;
use worktrack_domain::EmailAddress;
use worktrack_mail::digest::RoundReport;
use worktrack_store::{Actor, Keys, Store};

#[tokio::test]
async fn reminders_two_senders_racing_send_each_once_and_none_for_a_cancelled_appointment() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    app.store
        .set_user_email(
            &Actor::system("test"),
            "employee.a",
            Some(&EmailAddress::parse("employee.a@field.example.gov").unwrap()),
        )
        .await
        .unwrap();
    let day = next_business_day(&app, &b.office).await;
    let mut ids = Vec::new();
    for minute in [9 * 60, 10 * 60, 11 * 60] {
        let at = instant_at(chicago(), day, minute).unwrap();
        let (status, a) = call(
            &app,
            "employee.a",
            Method::POST,
            "/api/v1/appointments",
            Some(booking_body(&b, at)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        ids.push(a["id"].as_i64().unwrap());
    }
    // Each booking queued a letter for the claimant and an e-mail for the employee.
    assert_eq!(count(&app, "appointment_reminders").await, 6);
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        &format!("/api/v1/appointments/{}/moves", ids[2]),
        Some(json!({"move": "cancel", "note": "claimant asked"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Two servers send the reminders due by the last appointment.
    let sink = Sink::start().await;
    let at = instant_at(chicago(), day, 12 * 60).unwrap();
    let (one, two, other) = two_senders(&app, &sink, at).await;
    assert_eq!(one.sent + two.sent, 2, "{one:?} {two:?}");
    assert_eq!(one.failed + two.failed, 0);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    for m in &messages {
        assert!(m.to.contains("employee.a@field.example.gov"), "{m:?}");
        assert!(
            m.data.contains("Reminder: Phone interview appointment"),
            "{m:?}"
        );
        assert!(
            !m.data.contains("Robin") && !m.data.contains("3456"),
            "{m:?}"
        );
    }
    let cancelled = format!("appointment {}", ids[2]);
    assert!(messages.iter().all(|m| !m.data.contains(&cancelled)));
    // Another round sends nothing again.
    let again = worktrack_mail::reminders::send_due(&other, &sink.mailer(), at)
        .await
        .unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(sink.messages().len(), 2);
    other.close().await;

    // The letters: the office's manager sees the two still booked, with the claimant's name;
    // an employee may not; marking them printed empties the list.
    let manager = app.login("manager.a").await;
    let page = manager
        .get(format!("{}/offices/AAA/letters", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("Dear Robin Example,").count(), 2, "{html}");
    assert!(html.contains("We will call you at (555) 010-0199"));
    assert!(html.contains("Spanish interpreter"));
    let employee = app.login("employee.a").await;
    let status = employee
        .get(format!("{}/offices/AAA/letters", app.url))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);
    let start = html.find("name=\"ids\" value=\"").unwrap() + "name=\"ids\" value=\"".len();
    let letter_ids = &html[start..start + html[start..].find('"').unwrap()];
    let csrf = csrf_token(&app, &manager, "/offices/AAA/letters").await;
    let resp = manager
        .post(format!("{}/offices/AAA/letters", app.url))
        .form(&[("csrf", csrf.as_str()), ("ids", letter_ids)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = manager
        .get(format!("{}/offices/AAA/letters", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("2 letters marked printed."), "{html}");
    assert!(html.contains("There are no letters to print."));
    app.stop().await;
}

/// Two servers (two stores on one database) sending the reminders due at `at` at the same
/// time through `sink`; what each sent, and the second server's store.
pub(crate) async fn two_senders(
    app: &TestApp,
    sink: &Sink,
    at: i64,
) -> (RoundReport, RoundReport, Store) {
    let other = Store::connect(
        &app.database_url,
        Keys::from_hex(&app.master_key_hex).unwrap(),
    )
    .await
    .unwrap();
    let (m1, m2) = (sink.mailer(), sink.mailer());
    let (one, two) = tokio::join!(
        worktrack_mail::reminders::send_due(&app.store, &m1, at),
        worktrack_mail::reminders::send_due(&other, &m2, at),
    );
    (one.unwrap(), two.unwrap(), other)
}
