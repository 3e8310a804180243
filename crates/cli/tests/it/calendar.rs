//! Calendars read by a real iCalendar parser (Python's `icalendar`): one appointment's `.ics`
//! from the page and the API, and an employee's private feed, which a revoked key ends.

use crate::appointments_api::{booking_body, call, chicago, next_business_day, phone_setup};
use crate::support::{csrf_token, spawn_app, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use worktrack_domain::appointments::instant_at;

/// What Python's `icalendar` reads in `ics`: each event's UID, SUMMARY, DESCRIPTION,
/// DTSTART (as Unix seconds, and whether it is in UTC or names a TZID) and STATUS.
fn parse_ics(ics: &str) -> Vec<Value> {
    let script = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for e in cal.walk('VEVENT'):
    start = e.decoded('DTSTART')
    prop = e['DTSTART']
    out.append({
        'uid': str(e['UID']),
        'summary': str(e['SUMMARY']),
        'description': str(e.get('DESCRIPTION', '')),
        'start': int(start.timestamp()),
        'utc_or_tzid': start.tzinfo is not None and (start.utcoffset().total_seconds() == 0 or 'TZID' in prop.params),
        'status': str(e.get('STATUS', '')),
        'dtstamp': 'DTSTAMP' in e,
    })
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "icalendar could not read:\n{ics}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn get_text(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    bearer: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = client.get(format!("{}{path}", app.url));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let kind = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, resp.text().await.unwrap())
}

#[tokio::test]
async fn calendar_one_appointment_and_a_revocable_feed_read_by_a_real_parser() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    let day = next_business_day(&app, &b.office).await;
    let at = instant_at(chicago(), day, 10 * 60).unwrap();
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

    // The page's download (a session) and the API's (a token) give the same event.
    let session = app.login("employee.a").await;
    let (status, kind, page_ics) = get_text(
        &app,
        &session,
        &format!("/appointments/{id}/calendar.ics"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let token = app.token("employee.a").await;
    let (status, _, api_ics) = get_text(
        &app,
        &reqwest::Client::new(),
        &format!("/api/v1/appointments/{id}/calendar.ics"),
        Some(&token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let audits_before = crate::support::count(&app, "audit_log").await;
    for ics in [&page_ics, &api_ics] {
        let events = parse_ics(ics);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e["uid"], format!("appointment-{id}@worktrack"));
        assert_eq!(e["summary"], "Phone interview (Phone)");
        assert_eq!(e["start"].as_i64(), Some(at / 1000));
        assert_eq!(e["utc_or_tzid"], true);
        assert_eq!(e["dtstamp"], true);
        assert_eq!(e["status"], "CONFIRMED");
        // Staff read whom it is with; never an SSN.
        assert!(e["description"]
            .as_str()
            .unwrap()
            .contains("Claimant: Robin Example"));
        assert!(e["description"]
            .as_str()
            .unwrap()
            .contains("Spanish interpreter"));
        assert!(
            !ics.contains("900-12") && !ics.contains("900123456"),
            "{ics}"
        );
    }
    // An auditor's copy has no name (not staff); an analyst's is not found.
    let (status, _, auditor_ics) = get_text(
        &app,
        &reqwest::Client::new(),
        &format!("/api/v1/appointments/{id}/calendar.ics"),
        Some(&app.token("auditor").await),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!auditor_ics.contains("Robin"), "{auditor_ics}");
    let (status, _, body) = get_text(
        &app,
        &reqwest::Client::new(),
        &format!("/api/v1/appointments/{id}/calendar.ics"),
        Some(&app.token("analyst").await),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Robin"));
    assert!(
        crate::support::count(&app, "audit_log").await > audits_before,
        "views are audited"
    );

    // A feed made on the page: the address is shown once; without a session it serves the
    // employee's appointments.
    let csrf = csrf_token(&app, &session, "/calendar").await;
    let resp = session
        .post(format!("{}/calendar", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    let start = html.find("/calendar/").unwrap();
    let end = start + html[start..].find(".ics").unwrap() + 4;
    let feed_path = html[start..end].to_string();
    let (status, kind, feed) = get_text(&app, &reqwest::Client::new(), &feed_path, None).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert!(kind.starts_with("text/calendar"));
    let events = parse_ics(&feed);
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["uid"],
        format!("appointment-{id}@worktrack"),
        "the UID is stable"
    );
    // The page lists it; the address is not shown again.
    let list = session
        .get(format!("{}/calendar", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&feed_path));
    // Cancelled, the event says so.
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        &format!("/api/v1/appointments/{id}/moves"),
        Some(json!({"move": "cancel", "note": "claimant asked"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, feed) = get_text(&app, &reqwest::Client::new(), &feed_path, None).await;
    assert_eq!(parse_ics(&feed)[0]["status"], "CANCELLED");

    // A feed made over the API, revoked: its address is not found, audited as a failed attempt.
    let (status, made) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/calendar-feeds",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let url = made["url"].as_str().unwrap();
    let api_path = &url[url.find("/calendar/").unwrap()..];
    let (status, _, _) = get_text(&app, &reqwest::Client::new(), api_path, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        "employee.b",
        Method::DELETE,
        &format!("/api/v1/calendar-feeds/{}", made["id"]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another's feed");
    let (status, _) = call(
        &app,
        "employee.a",
        Method::DELETE,
        &format!("/api/v1/calendar-feeds/{}", made["id"]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for path in [api_path, "/calendar/not-a-key.ics"] {
        let (status, _, body) = get_text(&app, &reqwest::Client::new(), path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("no calendar feed"), "{body}");
    }
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let denied: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar_feed.denied'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(denied, 2);
    // The page's feed still works; analysts have no feed.
    let (status, _, _) = get_text(&app, &reqwest::Client::new(), &feed_path, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        "analyst",
        Method::POST,
        "/api/v1/calendar-feeds",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}
