//! A claimant's e-mail address: kept only encrypted, set through the API and the claimant's
//! page (a bad address refused with nothing changed), each showing of it audited; a booking
//! queues the claimant's reminder by e-mail when an address is on file (else a letter), and the
//! mail loop sends it once, without the SSN.

use crate::appointments_api::{booking_body, call, chicago, next_business_day, phone_setup};
use crate::digest::Sink;
use crate::reminders::two_senders;
use crate::support::{count, csrf_token, spawn_app, viewer, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Connection;
use worktrack_domain::appointments::instant_at;
use worktrack_domain::{EmailAddress, PersonName};
use worktrack_store::NewClaimant;

/// The raw `email_cipher` column of claimant `id`, as anyone reading the database sees it.
async fn raw_cipher(app: &TestApp, id: i64) -> Option<Vec<u8>> {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT email_cipher FROM claimants WHERE id = $1")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// `(via, due_ms)` of the claimant's reminder of appointment `id`.
async fn claimant_reminder(app: &TestApp, id: i64) -> (String, i64) {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT via, due_ms FROM appointment_reminders WHERE appointment_id = $1 AND recipient = 'claimant'",
    )
    .bind(id)
    .fetch_one(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn claimant_email_is_kept_encrypted_shown_audited_and_a_bad_one_changes_nothing() {
    let app = spawn_app().await;
    app.cast().await;
    // A bad address on create is a problem naming the field, and no claimant is added.
    let before = count(&app, "claimants").await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(app.token("employee.a").await)
        .json(
            &json!({"office": "AAA", "full_name": "Pat Tester", "ssn": "900-55-1234",
            "email": "pat tester at example.org"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: serde_json::Value = resp.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().starts_with("email: "),
        "{problem}"
    );
    assert_eq!(count(&app, "claimants").await, before);

    let (status, created) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/claimants",
        Some(
            json!({"office": "AAA", "full_name": "Pat Tester", "ssn": "900-55-1234",
            "email": " Pat.Tester@Example.ORG "}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["has_email"], true);
    assert!(created.get("email").is_none(), "{created}");
    let id = created["id"].as_i64().unwrap();

    // At rest: ciphertext only, neither the address nor its parts.
    let cipher = raw_cipher(&app, id).await.unwrap();
    for part in [
        &b"Pat.Tester"[..],
        b"pat.tester",
        b"example",
        b"EXAMPLE",
        b"r@Exa",
    ] {
        assert!(!cipher.windows(part.len()).any(|w| w == part), "{part:?}");
    }

    // One claimant read shows it, and that showing is audited; lists say only that there is one.
    assert_eq!(audited(&app, "claimant.email.view").await, 0);
    let (status, one) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!("/api/v1/claimants/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["email"], "Pat.Tester@example.org");
    assert_eq!(audited(&app, "claimant.email.view").await, 1);
    let (_, list) = call(&app, "employee.a", Method::GET, "/api/v1/claimants", None).await;
    let listed = &list["items"].as_array().unwrap()[0];
    assert_eq!(listed["has_email"], true);
    assert!(listed.get("email").is_none(), "{listed}");

    // A bad address through the API or the page is refused and the one on file stays.
    let (status, problem) = call(
        &app,
        "employee.a",
        Method::PUT,
        &format!("/api/v1/claimants/{id}/email"),
        Some(json!({"email": "no-at-sign.example.org"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let employee = app.login("employee.a").await;
    let page = format!("/claimants/{id}");
    let csrf = csrf_token(&app, &employee, &page).await;
    let resp = employee
        .post(format!("{}{page}/email", app.url))
        .form(&[("csrf", csrf.as_str()), ("email", "two@@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("E-mail: an e-mail address looks like"),
        "{html}"
    );
    assert_eq!(raw_cipher(&app, id).await.unwrap(), cipher);
    assert_eq!(audited(&app, "claimant.email.set").await, 0);

    // The page shows the address (audited again), and its form changes it.
    let html = employee
        .get(format!("{}{page}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Pat.Tester@example.org"), "{html}");
    // The API read, the form's page, the page shown again with the refusal, and this one.
    assert_eq!(audited(&app, "claimant.email.view").await, 4);
    let resp = employee
        .post(format!("{}{page}/email", app.url))
        .form(&[("csrf", csrf.as_str()), ("email", "pat@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let stored = raw_cipher(&app, id).await.unwrap();
    assert_ne!(stored, cipher);
    assert!(!stored.windows(7).any(|w| w == b"example"));
    let (_, one_again) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!("/api/v1/claimants/{id}"),
        None,
    )
    .await;
    assert_eq!(one_again["email"], "pat@example.com", "{one_again}");

    // Removing it through the API: nothing on file, and no address shown.
    let (status, _) = call(
        &app,
        "employee.a",
        Method::PUT,
        &format!("/api/v1/claimants/{id}/email"),
        Some(json!({"email": null})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(raw_cipher(&app, id).await, None);
    assert_eq!(audited(&app, "claimant.email.set").await, 2);
    // Read-only roles change no address.
    let (status, _) = call(
        &app,
        "auditor",
        Method::PUT,
        &format!("/api/v1/claimants/{id}/email"),
        Some(json!({"email": "pat@example.com"})),
    )
    .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    assert_eq!(raw_cipher(&app, id).await, None);
    app.stop().await;
}

#[tokio::test]
async fn claimant_with_an_address_gets_the_reminder_by_email_once_and_no_letter() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    let manager = viewer(&app, "manager.a").await;
    let with_email = app
        .store
        .create_claimant(
            &manager,
            &b.office,
            &NewClaimant {
                full_name: PersonName::parse("Sam Sample").unwrap(),
                ssn: "900-77-4321".into(),
                date_of_birth: None,
                email: Some(EmailAddress::parse("sam.sample@example.org").unwrap()),
            },
        )
        .await
        .unwrap();
    let day = next_business_day(&app, &b.office).await;
    let mut ids = Vec::new();
    for (minute, claimant_id) in [(9 * 60, b.claimant_id), (10 * 60, with_email.id)] {
        let at = instant_at(chicago(), day, minute).unwrap();
        let mut body = booking_body(&b, at);
        body["claimant_id"] = json!(claimant_id);
        let (status, a) = call(
            &app,
            "employee.a",
            Method::POST,
            "/api/v1/appointments",
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        ids.push((a["id"].as_i64().unwrap(), at));
    }
    // A letter for the claimant without an address; an e-mail a day ahead for the other.
    let (via, _) = claimant_reminder(&app, ids[0].0).await;
    assert_eq!(via, "letter");
    let (via, due) = claimant_reminder(&app, ids[1].0).await;
    assert_eq!(via, "email");
    let lead = worktrack_store::REMINDER_LEAD_MS;
    assert!(
        due >= ids[1].1 - lead && due <= ids[1].1.max(worktrack_store::now_ms()),
        "{due}"
    );

    // Two servers race; the claimant's e-mail goes once, to the address, without the SSN.
    let sink = Sink::start().await;
    let at = instant_at(chicago(), day, 8 * 60).unwrap();
    let (one, two, other) = two_senders(&app, &sink, at).await;
    assert_eq!(one.sent + two.sent, 1, "{one:?} {two:?}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.to.contains("sam.sample@example.org"), "{m:?}");
    // As read: long lines and headers unfolded.
    let text = m.data.replace("=\r\n", "").replace("\r\n ", " ");
    assert!(text.contains("Dear Sam Sample,"), "{text}");
    assert!(
        text.contains("we will call you at (555) 010-0199"),
        "{text}"
    );
    assert!(text.contains("Reminder: your Phone interview appointment"));
    assert!(text.contains("(the office's local time)"), "{text}");
    assert!(text.contains(&format!("Appointment number {}", ids[1].0)));
    assert!(
        !text.contains("4321") && !text.contains("900-77") && !text.contains("Robin"),
        "{text}"
    );
    let again = worktrack_mail::reminders::send_due(&other, &sink.mailer(), at)
        .await
        .unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(sink.messages().len(), 1);
    other.close().await;

    // The letters page lists only the claimant without an address.
    let page = app.login("manager.a").await;
    let html = page
        .get(format!("{}/offices/AAA/letters", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("Dear Robin Example,").count(), 1, "{html}");
    assert!(!html.contains("Sam Sample"), "{html}");

    // Once the claimant without one gives an address, their unsent letter becomes an e-mail.
    app.store
        .set_claimant_email(
            &manager,
            b.claimant_id,
            Some(&EmailAddress::parse("robin@example.com").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(claimant_reminder(&app, ids[0].0).await.0, "email");
    let html = page
        .get(format!("{}/offices/AAA/letters", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("There are no letters to print."), "{html}");
    app.stop().await;
}
