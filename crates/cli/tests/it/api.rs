//! The JSON API: problem documents for bad input, the OpenAPI document, operations endpoints.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn problem(resp: reqwest::Response, status: StatusCode, kind: &str) -> Value {
    assert_eq!(resp.status(), status);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["type"],
        format!("urn:worktrack:problem:{kind}"),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16());
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

#[tokio::test]
async fn bad_json_gets_a_clear_problem_and_changes_nothing() {
    let app = spawn_app_with(Options {
        max_body_bytes: 4096,
        ..Options::default()
    })
    .await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let api = reqwest::Client::new();
    let url = format!("{}/api/v1/claimants", app.url);
    let before = count(&app, "claimants").await;

    let resp = api
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"office\": \"AAA\",")
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::BAD_REQUEST, "bad-request").await;

    let resp = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"office": "AAA", "full_name": "X", "ssn": 912345678}))
        .send()
        .await
        .unwrap();
    let body = problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;
    assert!(
        !body.to_string().contains("912345678"),
        "the number is not echoed: {body}"
    );

    let resp = api
        .post(&url)
        .bearer_auth(&token)
        .body("office=AAA")
        .send()
        .await
        .unwrap();
    problem(
        resp,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;

    let big = json!({"office": "AAA", "full_name": "x".repeat(10_000), "ssn": "912-34-5678"});
    let resp = api
        .post(&url)
        .bearer_auth(&token)
        .json(&big)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;

    let resp = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"office": "AAA", "full_name": "X", "ssn": "912-34-5678", "extra": 1}))
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;

    assert_eq!(count(&app, "claimants").await, before);
    app.stop().await;
}

#[tokio::test]
async fn invalid_ssns_are_refused_with_the_rule_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.cast().await;
    let live = app.office("LIV", "North", false).await;
    app.user(
        "employee.live",
        worktrack_domain::Role::Employee,
        Some(&live),
    )
    .await;
    let api = reqwest::Client::new();
    let url = format!("{}/api/v1/claimants", app.url);
    let training = app.token("employee.a").await;
    let live_token = app.token("employee.live").await;
    let cases = [
        (&training, "AAA", "000-12-3456", "never issued"),
        (&training, "AAA", "666-12-3456", "never issued"),
        (&training, "AAA", "912-00-3456", "group 00"),
        (&training, "AAA", "912-34-0000", "serial 0000"),
        (&training, "AAA", "12-345-678", "9 digits"),
        (&training, "AAA", "123-45-6789", "training office"),
        (&live_token, "LIV", "912-34-5678", "training offices"),
    ];
    for (token, office, ssn, says) in cases {
        let resp = api
            .post(&url)
            .bearer_auth(token)
            .json(&json!({"office": office, "full_name": "Pat Doe", "ssn": ssn}))
            .send()
            .await
            .unwrap();
        let body = problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.contains("ssn") && detail.contains(says),
            "{ssn}: {detail}"
        );
        let digits: String = ssn.chars().filter(char::is_ascii_digit).collect();
        assert!(!body.to_string().contains(ssn), "the number is not echoed");
        if digits.len() == 9 {
            assert!(
                !body.to_string().contains(&digits),
                "the number is not echoed"
            );
        }
    }
    assert_eq!(count(&app, "claimants").await, 0);

    // A valid one is created, and the same number again in the same office is a conflict.
    let ok = json!({"office": "AAA", "full_name": "Pat Doe", "ssn": "912-34-5678", "date_of_birth": "1970-02-03"});
    let resp = api
        .post(&url)
        .bearer_auth(&training)
        .json(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["ssn"], "***-**-5678");
    let resp = api
        .post(&url)
        .bearer_auth(&training)
        .json(&ok)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::CONFLICT, "conflict").await;
    let bad_date = json!({"office": "AAA", "full_name": "Pat Doe", "ssn": "912-34-5679", "date_of_birth": "1970-13-03"});
    let resp = api
        .post(&url)
        .bearer_auth(&training)
        .json(&bad_date)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;
    assert_eq!(count(&app, "claimants").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_claimant_form_explains_a_bad_ssn_and_keeps_the_other_fields() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("employee.a").await;
    let token = csrf_token(&app, &c, "/claimants").await;
    let resp = c
        .post(format!("{}/claimants", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("full_name", "Lee Park"),
            ("ssn", "666-01-2345"),
            ("date_of_birth", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("SSN: area 666 is never issued"), "{html}");
    assert!(html.contains("value=\"Lee Park\""));
    assert!(!html.contains("666-01-2345") && !html.contains("666012345"));
    assert_eq!(count(&app, "claimants").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn roles_limit_what_the_api_does() {
    let app = spawn_app().await;
    app.cast().await;
    let api = reqwest::Client::new();
    let employee = app.token("employee.a").await;
    let admin = app.token("admin.user").await;
    let auditor = app.token("auditor").await;
    let office = json!({"code": "NEW", "name": "New Office", "area": "East", "time_zone": "America/New_York", "headcount": 9});
    let resp = api
        .post(format!("{}/api/v1/offices", app.url))
        .bearer_auth(&employee)
        .json(&office)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::FORBIDDEN, "forbidden").await;
    let resp = api
        .post(format!("{}/api/v1/offices", app.url))
        .bearer_auth(&admin)
        .json(&office)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = api
        .post(format!("{}/api/v1/offices", app.url))
        .bearer_auth(&admin)
        .json(&office)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::CONFLICT, "conflict").await;
    let bad = json!({"code": "N/W", "name": "x", "area": "East", "time_zone": "Mars/Base", "headcount": 1});
    let resp = api
        .post(format!("{}/api/v1/offices", app.url))
        .bearer_auth(&admin)
        .json(&bad)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;

    // Admin creates a user and gets a one-time password that signs in.
    let new_user = json!({"username": "new.person", "display_name": "New Person", "role": "employee", "office": "NEW", "skills": ["ssi"]});
    let resp = api
        .post(format!("{}/api/v1/users", app.url))
        .bearer_auth(&admin)
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let password = body["one_time_password"].as_str().unwrap();
    assert_eq!(
        app.try_login(&client(), "new.person", password).await,
        StatusCode::SEE_OTHER
    );
    let resp = api
        .post(format!("{}/api/v1/users", app.url))
        .bearer_auth(&admin)
        .json(&json!({"username": "x.y", "display_name": "X", "role": "manager"}))
        .send()
        .await
        .unwrap();
    let body = problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation").await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("must belong to an office"));

    // The auditor reads but does not write; the analyst sees no individual data.
    let resp = api
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&auditor)
        .json(&json!({"office": "AAA", "full_name": "X", "ssn": "912-34-5678"}))
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::FORBIDDEN, "forbidden").await;
    let analyst = app.token("analyst").await;
    let page: Value = api
        .get(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    let resp = api
        .get(format!("{}/api/v1/audit", app.url))
        .bearer_auth(&employee)
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::FORBIDDEN, "forbidden").await;
    let rows: Value = api
        .get(format!("{}/api/v1/audit?limit=5", app.url))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    app.stop().await;
}

#[tokio::test]
async fn openapi_health_readiness_and_metrics() {
    let app = spawn_app().await;
    let api = reqwest::Client::new();
    let doc: Value = api
        .get(format!("{}/api/v1/openapi.json", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/me",
        "/api/v1/claimants",
        "/api/v1/claimants/{id}/ssn",
        "/api/v1/tokens",
        "/api/v1/offices",
        "/api/v1/documents",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/claimants/{id}/email"]["put"].is_object());
    assert!(doc["components"]["schemas"]["ClaimantEmailIn"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    let resp = api
        .get(format!("{}/api/v1/nothing-here", app.url))
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::NOT_FOUND, "not-found").await;
    let resp = api
        .get(format!("{}/api/v1/me", app.url))
        .send()
        .await
        .unwrap();
    problem(resp, StatusCode::UNAUTHORIZED, "unauthorized").await;

    assert_eq!(
        api.get(format!("{}/healthz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        api.get(format!("{}/readyz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let resp = api
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap();
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    assert!(text.contains("# TYPE worktrack_http_requests_total counter"));
    let four_xx: u64 = text
        .lines()
        .find(|l| l.starts_with("worktrack_http_requests_total{status=\"4xx\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        four_xx >= 2,
        "the two refused requests above are counted: {text}"
    );
    assert!(text.contains("worktrack_http_request_duration_seconds_bucket{le=\"+Inf\"}"));

    // Readiness follows the database.
    app.store.close().await;
    assert_eq!(
        api.get(format!("{}/readyz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        api.get(format!("{}/healthz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    app.stop().await;
}
