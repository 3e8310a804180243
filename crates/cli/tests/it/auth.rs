//! Signing in and out, CSRF, throttling, sessions and API tokens.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use worktrack_domain::Role;

#[tokio::test]
async fn login_sets_a_strict_http_only_session_and_logout_ends_it() {
    let app = spawn_app().await;
    app.cast().await;
    let c = client();
    let token = csrf_token(&app, &c, "/login").await;
    let resp = c
        .post(format!("{}/login", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("username", "Manager.A"),
            ("password", PASSWORD),
            ("next", "/offices"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/offices");
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("wt_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no TLS here");
    assert_eq!(count(&app, "sessions").await, 1);

    let home = c.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("AAA — AAA Office") && html.contains("Manager"),
        "home shows office and role"
    );

    let token = form_token(&html).unwrap();
    let out = c
        .post(format!("{}/logout", app.url))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "sessions").await, 0);
    let again = c.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.headers()["location"], "/login");
    app.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer_and_no_session() {
    let app = spawn_app().await;
    app.cast().await;
    for (user, pass) in [("manager.a", "not the password"), ("nobody.here", PASSWORD)] {
        let c = client();
        let token = csrf_token(&app, &c, "/login").await;
        let resp = c
            .post(format!("{}/login", app.url))
            .form(&[
                ("csrf", token.as_str()),
                ("username", user),
                ("password", pass),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{user}");
        let html = resp.text().await.unwrap();
        assert!(
            html.contains("The user name or password is not right"),
            "{user}"
        );
        assert!(html.contains("role=\"alert\""), "the error is announced");
    }
    assert_eq!(count(&app, "sessions").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    app.cast().await;
    // Sign-in form posted without the token (and from a client that never saw the form).
    let c = client();
    let resp = c
        .post(format!("{}/login", app.url))
        .form(&[("username", "manager.a"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "sessions").await, 0);

    // A signed-in admin whose form carries a wrong token creates no office.
    let admin = app.login("admin.user").await;
    let offices = count(&app, "offices").await;
    let resp = admin
        .post(format!("{}/offices", app.url))
        .form(&[
            ("csrf", "forged"),
            ("code", "ZZZ"),
            ("name", "Z"),
            ("area", "Z"),
            ("time_zone", "America/Chicago"),
            ("headcount", "3"),
            ("upload_within_days", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.text().await.unwrap().contains("Form expired"));
    assert_eq!(count(&app, "offices").await, offices);

    // The same form with the right token works.
    let token = csrf_token(&app, &admin, "/offices").await;
    let resp = admin
        .post(format!("{}/offices", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "ZZZ"),
            ("name", "Z"),
            ("area", "Z"),
            ("time_zone", "America/Chicago"),
            ("headcount", "3"),
            ("upload_within_days", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "offices").await, offices + 1);

    // JSON writes with the session cookie need the header.
    let resp = admin
        .post(format!("{}/api/v1/tokens", app.url))
        .json(&json!({"name": "x", "days": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    app.stop().await;
}

#[tokio::test]
async fn repeated_failures_throttle_the_user_name_even_with_the_right_password() {
    let app = spawn_app().await;
    app.cast().await;
    let c = client();
    for _ in 0..worktrack_store::THROTTLE_MAX_FAILURES {
        assert_eq!(
            app.try_login(&c, "employee.a", "wrong wrong wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.try_login(&c, "employee.a", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(count(&app, "sessions").await, 0);
    // Another user is not affected.
    assert_eq!(
        app.try_login(&client(), "employee.b", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn disabled_users_cannot_sign_in() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let user = app.store.user_by_username("employee.a").await.unwrap();
    app.store
        .update_user(
            &worktrack_store::Actor::system("test"),
            "employee.a",
            &worktrack_store::UserUpdate {
                display_name: worktrack_domain::PersonName::parse(&user.display_name).unwrap(),
                role: Role::Employee,
                office_id: Some(cast.a.id),
                skills: vec![],
                active: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.try_login(&client(), "employee.a", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("employee.a").await;
    let html = c
        .get(format!("{}/tokens", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = form_token(&html).unwrap();
    let resp = c
        .post(format!("{}/api/v1/tokens", app.url))
        .header("x-csrf-token", &token)
        .json(&json!({"name": "scanner room 2", "days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let secret = body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("wt_"));

    // Stored only as a hash.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM api_tokens")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(stored.iter().all(|(h,)| !h.contains(&secret[3..])));

    // Works as a bearer token, without cookies or CSRF.
    let api = reqwest::Client::new();
    let me: Value = api
        .get(format!("{}/api/v1/me", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "employee.a");
    assert_eq!(me["office"], "AAA");

    // A token cannot mint another token.
    let resp = api
        .post(format!("{}/api/v1/tokens", app.url))
        .bearer_auth(&secret)
        .json(&json!({"name": "y", "days": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Listing shows the prefix, never the secret.
    let list = api
        .get(format!("{}/api/v1/tokens", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&secret) && list.contains(&secret[..10]));

    // Revoked: refused.
    let id = body["token"]["id"].as_i64().unwrap();
    let resp = api
        .delete(format!("{}/api/v1/tokens/{id}", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = api
        .get(format!("{}/api/v1/me", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");

    // Bad input: zero days, a year and a day.
    for days in [0, 366] {
        let resp = c
            .post(format!("{}/api/v1/tokens", app.url))
            .header("x-csrf-token", &token)
            .json(&json!({"name": "z", "days": days}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(count(&app, "api_tokens").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = spawn_app().await;
    app.cast().await;
    let user = app.store.user_by_username("employee.a").await.unwrap();
    let issued = app
        .store
        .create_api_token(
            &worktrack_store::Actor::system("test"),
            &user,
            "short",
            worktrack_store::now_ms() + 300,
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.url))
        .bearer_auth(&issued.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}
