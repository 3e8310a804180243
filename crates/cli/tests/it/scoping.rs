//! Office scoping: a user of one office never reaches another office's claimants, and every
//! attempt is audited.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn claimant(app: &TestApp, token: &str, office: &str, ssn: &str) -> i64 {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(token)
        .json(&json!({"office": office, "full_name": format!("Person {}", &ssn[7..]), "ssn": ssn}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn denied_attempts(app: &TestApp) -> Vec<worktrack_store::AuditRow> {
    app.store
        .audit_rows(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "access.denied")
        .collect()
}

#[tokio::test]
async fn another_offices_claimant_is_not_found_and_the_attempt_is_audited() {
    let app = spawn_app().await;
    app.cast().await;
    let token_a = app.token("employee.a").await;
    let token_b = app.token("employee.b").await;
    let in_b = claimant(&app, &token_b, "BBB", "955-11-2222").await;
    let in_a = claimant(&app, &token_a, "AAA", "955-11-3333").await;
    let api = reqwest::Client::new();

    // API: 404 problem, exactly like an id that does not exist.
    let resp = api
        .get(format!("{}/api/v1/claimants/{in_b}", app.url))
        .bearer_auth(&token_a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let missing = api
        .get(format!("{}/api/v1/claimants/999999", app.url))
        .bearer_auth(&token_a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text().await.unwrap(), missing.text().await.unwrap());
    let resp = api
        .post(format!("{}/api/v1/claimants/{in_b}/ssn", app.url))
        .bearer_auth(&token_a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Creating in another office is refused the same way, and creates nothing.
    let resp = api
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token_a)
        .json(&json!({"office": "BBB", "full_name": "X", "ssn": "955-11-4444"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "claimants").await, 2);
    // Listing another office's claimants.
    let resp = api
        .get(format!("{}/api/v1/claimants?office=BBB", app.url))
        .bearer_auth(&token_a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Own office: fine; the list holds only own claimants.
    let page: Value = api
        .get(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token_a)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![in_a]);
    // Search by SSN does not reveal the other office's match.
    let found: Value = api
        .post(format!("{}/api/v1/claimants/search", app.url))
        .bearer_auth(&token_a)
        .json(&json!({"ssn": "955-11-2222"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 0);

    // Pages: the same 404.
    let c = app.login("employee.a").await;
    let resp = c
        .get(format!("{}/claimants/{in_b}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!resp.text().await.unwrap().contains("Person 2222"));

    let denied = denied_attempts(&app).await;
    assert!(denied.len() >= 6, "every attempt audited: {denied:?}");
    assert!(denied.iter().all(|r| r.actor == "employee.a"));
    assert!(denied
        .iter()
        .any(|r| r.target_type == "claimant" && r.target_id == in_b.to_string()));
    app.stop().await;
}

#[tokio::test]
async fn area_directors_see_their_area_and_auditors_everything_read_only() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    app.user(
        "employee.n2",
        worktrack_domain::Role::Employee,
        Some(&cast.n2),
    )
    .await;
    let in_a = claimant(&app, &app.token("employee.a").await, "AAA", "955-22-1111").await;
    let in_n2 = claimant(&app, &app.token("employee.n2").await, "NN2", "955-22-2222").await;
    let in_b = claimant(&app, &app.token("employee.b").await, "BBB", "955-22-3333").await;
    let api = reqwest::Client::new();
    let director = app.token("director.north").await;
    for (id, expected) in [
        (in_a, StatusCode::OK),
        (in_n2, StatusCode::OK),
        (in_b, StatusCode::NOT_FOUND),
    ] {
        let resp = api
            .get(format!("{}/api/v1/claimants/{id}", app.url))
            .bearer_auth(&director)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), expected, "director, claimant {id}");
    }
    let auditor = app.token("auditor").await;
    for id in [in_a, in_n2, in_b] {
        let resp = api
            .get(format!("{}/api/v1/claimants/{id}", app.url))
            .bearer_auth(&auditor)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let analyst = app.token("analyst").await;
    let resp = api
        .get(format!("{}/api/v1/claimants/{in_a}", app.url))
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let admin = app.token("admin.user").await;
    let resp = api
        .get(format!("{}/api/v1/claimants/{in_a}", app.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::NOT_FOUND,
        "admins see no business data"
    );
    // Offices: an employee opens only their own.
    let employee = app.token("employee.a").await;
    let offices: Value = api
        .get(format!("{}/api/v1/offices", app.url))
        .bearer_auth(&employee)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(offices.as_array().unwrap().len(), 1);
    let resp = api
        .get(format!("{}/api/v1/offices/BBB", app.url))
        .bearer_auth(&employee)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let c = app.login("employee.a").await;
    assert_eq!(
        c.get(format!("{}/offices/BBB", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(format!("{}/offices/AAA", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    app.stop().await;
}

#[tokio::test]
async fn every_view_of_personal_data_is_audited() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let id = claimant(&app, &token, "AAA", "955-33-1111").await;
    let api = reqwest::Client::new();
    api.get(format!("{}/api/v1/claimants/{id}", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let reveal: Value = api
        .post(format!("{}/api/v1/claimants/{id}/ssn", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reveal["ssn"], "955-33-1111");
    api.get(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let c = app.login("employee.a").await;
    let html = c
        .get(format!("{}/claimants/{id}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("***-**-1111") && !html.contains("955-33-1111"),
        "{html}"
    );
    let token_form = form_token(&html).unwrap();
    let html = c
        .post(format!("{}/claimants/{id}/reveal", app.url))
        .form(&[("csrf", token_form.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("955-33-1111"));

    let rows = app.store.audit_rows(None, 1000).await.unwrap();
    let actions: Vec<&str> = rows
        .iter()
        .filter(|r| r.target_id == id.to_string() || r.action == "claimant.list")
        .map(|r| r.action.as_str())
        .collect();
    for expected in [
        "claimant.create",
        "claimant.view",
        "claimant.ssn.reveal",
        "claimant.list",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "claimant.ssn.reveal")
            .count(),
        2,
        "API and page reveals"
    );
    app.stop().await;
}
