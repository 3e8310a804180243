//! Appointments and schedules over the API: types, the next free slot, a day's slots, bookings
//! (a taken time is a 409 naming the next one), moves, completion into the work queue, and
//! schedules with their swaps.

use crate::support::{count, spawn_app, viewer, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use time::Date;
use worktrack_domain::appointments::instant_at;
use worktrack_domain::schedule::{Shift, Week};
use worktrack_domain::{PersonName, TimeZone};
use worktrack_store::Office;

pub fn chicago() -> TimeZone {
    TimeZone::parse("America/Chicago").unwrap()
}

/// Sends `body` (if any) to `path` as `username` with an API token: status and JSON body.
pub async fn call(
    app: &TestApp,
    username: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", app.url))
        .bearer_auth(app.token(username).await);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The office's next business day after today.
pub async fn next_business_day(app: &TestApp, office: &Office) -> Date {
    let calendar = app.store.office_calendar(office).await.unwrap();
    let mut d = office.today().next_day().unwrap();
    while !calendar.is_business_day(d) {
        d = d.next_day().unwrap();
    }
    d
}

/// The cast with only employee.a serving appointments (manager.a is off all week), a phone
/// type of AAA (30 minutes, 10 after), and a claimant of AAA.
pub struct Booking {
    pub office: Office,
    pub type_id: i64,
    pub claimant_id: i64,
}

pub async fn phone_setup(app: &TestApp) -> Booking {
    let cast = app.cast().await;
    let manager = viewer(app, "manager.a").await;
    let me = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .set_week(&manager, me.id, &Week([Shift::OFF; 7]))
        .await
        .unwrap();
    let (status, kind) = call(
        app,
        "manager.a",
        Method::POST,
        "/api/v1/offices/AAA/appointment-types",
        Some(json!({"name": "Phone interview", "channel": "phone", "duration_min": 30,
            "buffer_after_min": 10, "min_notice_min": 60, "horizon_days": 60, "skills": ["disability"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{kind}");
    let claimant_id = app
        .store
        .create_claimant(
            &manager,
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: PersonName::parse("Robin Example").unwrap(),
                date_of_birth: None,
                email: None,
                ssn: "900-12-3456".into(),
            },
        )
        .await
        .unwrap()
        .id;
    Booking {
        office: cast.a,
        type_id: kind["id"].as_i64().unwrap(),
        claimant_id,
    }
}

pub fn booking_body(b: &Booking, start_ms: i64) -> Value {
    json!({"type_id": b.type_id, "claimant_id": b.claimant_id, "start_ms": start_ms,
        "contact": "(555) 010-0199", "workload": "initial_disability",
        "accommodations": {"interpreter": "Spanish", "sign_language": false,
            "accessible_room": false, "large_print": true, "companion": false}})
}

#[tokio::test]
async fn appointments_api_types_next_free_booking_taken_and_moves() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    // A type with a negative duration is refused and nothing is created.
    let (status, problem) = call(
        &app,
        "manager.a",
        Method::POST,
        "/api/v1/offices/AAA/appointment-types",
        Some(
            json!({"name": "Broken", "channel": "phone", "duration_min": -30, "horizon_days": 60}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem["detail"].as_str().unwrap().contains("duration"));
    assert_eq!(count(&app, "appointment_types").await, 1);
    // Employees do not set up types.
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/offices/AAA/appointment-types",
        Some(json!({"name": "Mine", "channel": "phone", "duration_min": 30, "horizon_days": 60})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, types) = call(
        &app,
        "employee.a",
        Method::GET,
        "/api/v1/offices/AAA/appointment-types",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(types.as_array().unwrap().len(), 1);

    // The next free slot, with its offset, label and who can serve it.
    let next_path = format!("/api/v1/appointment-types/{}/next-available", b.type_id);
    let (status, next) = call(&app, "employee.a", Method::GET, &next_path, None).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let start_ms = next["start_ms"].as_i64().unwrap();
    let employee = app.store.user_by_username("employee.a").await.unwrap();
    assert_eq!(next["staff_ids"], json!([employee.id]));
    assert_eq!(next["end_ms"].as_i64().unwrap() - start_ms, 30 * 60_000);
    let start = next["start"].as_str().unwrap();
    assert!(
        start.ends_with("-06:00") || start.ends_with("-05:00"),
        "{start}"
    );
    let parsed =
        time::OffsetDateTime::parse(start, &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(parsed.unix_timestamp() * 1000, start_ms);
    let local = next["local"].as_str().unwrap();
    assert!(local.ends_with("CST") || local.ends_with("CDT"), "{local}");
    // The same time is among its day's slots.
    let day = chicago().local_date(start_ms);
    let (status, slots) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!(
            "/api/v1/appointment-types/{}/availability?date={day}",
            b.type_id
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(slots[0]["start_ms"].as_i64(), Some(start_ms));
    let (status, _) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!(
            "/api/v1/appointment-types/{}/availability?date=tomorrow",
            b.type_id
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Booking it, by RFC 3339 time.
    let mut body = booking_body(&b, 0);
    body.as_object_mut().unwrap().remove("start_ms");
    body["start"] = json!(start);
    let (status, booked) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/appointments",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["start_ms"].as_i64(), Some(start_ms));
    assert_eq!(booked["accommodations"]["interpreter"], "Spanish");
    assert_eq!(booked["state"], "booked");
    let id = booked["id"].as_i64().unwrap();

    // The same time again: 409, the detail and `next_start_ms` name the next free time.
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/appointments", app.url))
        .bearer_auth(app.token("employee.a").await)
        .json(&booking_body(&b, start_ms))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let problem: Value = resp.json().await.unwrap();
    let (_, after) = call(&app, "employee.a", Method::GET, &next_path, None).await;
    assert_eq!(problem["next_start_ms"], after["start_ms"]);
    assert_ne!(problem["next_start_ms"].as_i64(), Some(start_ms));
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("taken"), "{detail}");
    assert!(
        detail.contains(after["local"].as_str().unwrap()),
        "{detail}"
    );
    assert_eq!(count(&app, "appointments").await, 1);

    // Bad input: a time in the past, off the grid, an unknown interpreter language.
    for (body, message) in [
        (booking_body(&b, start_ms - 7 * 86_400_000), "passed"),
        (booking_body(&b, start_ms + 5 * 60_000), "quarter hour"),
        (
            {
                let mut v = booking_body(&b, start_ms + 86_400_000);
                v["accommodations"]["interpreter"] = json!("x1");
                v
            },
            "interpreter",
        ),
    ] {
        let (status, problem) = call(
            &app,
            "employee.a",
            Method::POST,
            "/api/v1/appointments",
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(message),
            "{problem}"
        );
    }
    assert_eq!(count(&app, "appointments").await, 1);

    // Read back, alone and in the office's list (filtered by employee).
    let (status, one) = call(
        &app,
        "director.north",
        Method::GET,
        &format!("/api/v1/appointments/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["claimant_name"], "Robin Example");
    assert_eq!(one["history"][0]["action"], "booked");
    let (status, list) = call(
        &app,
        "manager.a",
        Method::GET,
        &format!("/api/v1/offices/AAA/appointments?from={day}&to={day}&staff=employee.a"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Analysts and other offices see nothing, and no name.
    for who in ["analyst", "employee.b"] {
        let (status, body) = call(
            &app,
            who,
            Method::GET,
            &format!("/api/v1/appointments/{id}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        assert!(!body.to_string().contains("Robin"), "{who}: {body}");
    }

    // Moves: a reschedule needs a reason; it moves to the next free time.
    let moves = format!("/api/v1/appointments/{id}/moves");
    let target = after["start_ms"].as_i64().unwrap();
    let (status, problem) = call(
        &app,
        "employee.a",
        Method::POST,
        &moves,
        Some(json!({"move": "reschedule", "start_ms": target})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, moved) = call(
        &app,
        "employee.a",
        Method::POST,
        &moves,
        Some(json!({"move": "reschedule", "start_ms": target, "note": "asked by phone"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["start_ms"].as_i64(), Some(target));
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        &moves,
        Some(json!({"move": "no_show"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not yet its time");
    let (status, cancelled) = call(
        &app,
        "manager.a",
        Method::POST,
        &moves,
        Some(json!({"move": "cancel", "note": "office closed early"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["state"], "cancelled");
    // A cancelled appointment is not rescheduled, and nothing changes.
    let (status, problem) = call(
        &app,
        "employee.a",
        Method::POST,
        &moves,
        Some(json!({"move": "reschedule", "start_ms": start_ms, "note": "again"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"].as_str().unwrap().contains("cancelled"),
        "{problem}"
    );
    let (_, one) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!("/api/v1/appointments/{id}"),
        None,
    )
    .await;
    assert_eq!(one["state"], "cancelled");
    assert_eq!(one["start_ms"].as_i64(), Some(target));
    let actions: Vec<&str> = one["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["booked", "reschedule", "cancel"]);
    app.stop().await;
}

#[tokio::test]
async fn appointments_api_ten_racing_bookings_make_one_and_nine_taken_answers() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    let day = next_business_day(&app, &b.office).await;
    let ten = instant_at(chicago(), day, 10 * 60).unwrap();
    let token = app.token("employee.a").await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let url = format!("{}/api/v1/appointments", app.url);
        let body = booking_body(&b, ten);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            (status, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                let next = body["next_start_ms"].as_i64().unwrap();
                assert_ne!(next, ten, "{body}");
                assert!(body["detail"].as_str().unwrap().contains("just been taken"));
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(count(&app, "appointments").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn appointments_api_completion_starts_or_updates_a_work_item() {
    let app = spawn_app().await;
    let b = phone_setup(&app).await;
    let day = next_business_day(&app, &b.office).await;
    let mut ids = Vec::new();
    for minute in [9 * 60, 11 * 60] {
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
    // Completing before the time has come is refused, and no work item is made.
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        &format!("/api/v1/appointments/{}/moves", ids[0]),
        Some(json!({"move": "complete", "work_item": "create"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "work_items").await, 0);
    // The appointments' time comes (moved back in the database, as time passing would).
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE appointments SET start_ms = start_ms - 3 * 86400000, end_ms = end_ms - 3 * 86400000")
        .execute(&mut conn)
        .await
        .unwrap();
    // An area director may not complete it, and no work item is made.
    let (status, _) = call(
        &app,
        "director.north",
        Method::POST,
        &format!("/api/v1/appointments/{}/moves", ids[0]),
        Some(json!({"move": "complete", "work_item": "create"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "work_items").await, 0);
    let (status, done) = call(
        &app,
        "employee.a",
        Method::POST,
        &format!("/api/v1/appointments/{}/moves", ids[0]),
        Some(json!({"move": "complete", "note": "forms filled in", "work_item": "create"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "completed");
    let item_id = done["work_item_id"].as_i64().unwrap();
    let item = app
        .store
        .work_item(&viewer(&app, "employee.a").await, item_id)
        .await
        .unwrap();
    assert_eq!(item.claimant_id, Some(b.claimant_id));
    assert_eq!(item.workload, "initial_disability");
    let history = app.store.work_item_history(item_id).await.unwrap();
    assert!(
        history.iter().any(|h| h
            .note
            .contains(&format!("Started from appointment {}", ids[0]))),
        "{history:?}"
    );
    // The second appointment, linked to that item, updates it.
    sqlx::query("UPDATE appointments SET work_item_id = $1 WHERE id = $2")
        .bind(item_id)
        .bind(ids[1])
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, done) = call(
        &app,
        "employee.a",
        Method::POST,
        &format!("/api/v1/appointments/{}/moves", ids[1]),
        Some(json!({"move": "complete", "work_item": "update"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(count(&app, "work_items").await, 1);
    let history = app.store.work_item_history(item_id).await.unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.note == format!("Appointment {} completed", ids[1])),
        "{history:?}"
    );
    let (_, one) = call(
        &app,
        "employee.a",
        Method::GET,
        &format!("/api/v1/appointments/{}", ids[1]),
        None,
    )
    .await;
    let last = one["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "work_item");
    assert_eq!(last["note"], format!("Work item {item_id} updated"));
    app.stop().await;
}

#[tokio::test]
async fn appointments_api_schedules_weeks_overrides_and_swaps() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let day = next_business_day(&app, &cast.a).await;
    let path = format!("/api/v1/users/employee.a/schedule?from={day}&to={day}");
    let (status, s) = call(&app, "employee.a", Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(
        s["week"][0],
        json!({"mode": "office", "start": "08:30", "end": "17:00"})
    );
    assert_eq!(s["days"][0]["mode"], "office");
    // A week: employees may not set it; a manager does; a bad day says which.
    let mut week: Vec<Value> = (0..5)
        .map(|_| json!({"mode": "telework", "start": "07:00", "end": "15:30"}))
        .collect();
    week.extend([json!({"mode": "off"}), json!({"mode": "off"})]);
    let put = "/api/v1/users/employee.a/schedule";
    let (status, _) = call(
        &app,
        "employee.a",
        Method::PUT,
        put,
        Some(json!({"days": week})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut bad = week.clone();
    bad[2] = json!({"mode": "office", "start": "16:00", "end": "08:00"});
    let (status, problem) = call(
        &app,
        "manager.a",
        Method::PUT,
        put,
        Some(json!({"days": bad})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"].as_str().unwrap().starts_with("days[2]"),
        "{problem}"
    );
    let (status, s) = call(
        &app,
        "manager.a",
        Method::PUT,
        put,
        Some(json!({"days": week})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let (_, s) = call(&app, "employee.a", Method::GET, &path, None).await;
    assert_eq!(s["days"][0]["mode"], "telework");
    assert_eq!(s["days"][0]["changed"], false);
    // An override by the manager.
    let (status, d) = call(&app, "manager.a", Method::POST, "/api/v1/users/employee.a/schedule/overrides",
        Some(json!({"date": day.to_string(), "mode": "field", "start": "09:00", "end": "12:00", "note": "training"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["mode"], "field");
    assert_eq!(d["changed"], true);
    // A swap asked for by the employee, declined, then another approved.
    let ask = json!({"date": day.to_string(), "mode": "office", "start": "08:00", "end": "16:00", "note": "a visit"});
    let (status, r1) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/schedule-requests",
        Some(ask.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r1}");
    let decide = |id: &Value| {
        format!(
            "/api/v1/schedule-requests/{}/decision",
            id.as_i64().unwrap()
        )
    };
    let (status, _) = call(
        &app,
        "employee.a",
        Method::POST,
        &decide(&r1["id"]),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        "employee.b",
        Method::POST,
        &decide(&r1["id"]),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, out) = call(
        &app,
        "manager.a",
        Method::POST,
        &decide(&r1["id"]),
        Some(json!({"decision": "decline", "note": "no cover"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(out["status"], "declined");
    let (status, _) = call(
        &app,
        "manager.a",
        Method::POST,
        &decide(&r1["id"]),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    let (_, r2) = call(
        &app,
        "employee.a",
        Method::POST,
        "/api/v1/schedule-requests",
        Some(ask),
    )
    .await;
    let (status, _) = call(
        &app,
        "manager.a",
        Method::POST,
        &decide(&r2["id"]),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, s) = call(&app, "employee.a", Method::GET, &path, None).await;
    assert_eq!(s["days"][0]["mode"], "office");
    assert_eq!(s["days"][0]["start"], "08:00");
    // Analysts and another office's people see no schedule.
    for who in ["analyst", "employee.b"] {
        let (status, _) = call(&app, who, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
    app.stop().await;
}
