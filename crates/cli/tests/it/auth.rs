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
    assert_eq!(out.headers()["location"], "/login");
    assert_eq!(count(&app, "sessions").await, 0);
    // The message comes from the server, once; the address carries none.
    let login = page_text(&c, &format!("{}/login", app.url)).await;
    assert!(login.contains("You have signed out."), "{login}");
    let login = page_text(&c, &format!("{}/login?signed_out=1", app.url)).await;
    assert!(!login.contains("You have signed out."));
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
    assert_eq!(resp.headers()["location"], "/offices/ZZZ");
    assert_eq!(count(&app, "offices").await, offices + 1);
    let page = page_text(&admin, &format!("{}/offices/ZZZ", app.url)).await;
    assert!(page.contains("Office created."), "{page}");
    // Shown once, and never from the address.
    let page = page_text(&admin, &format!("{}/offices/ZZZ?created=1", app.url)).await;
    assert!(!page.contains("Office created."));
    let page = page_text(&admin, &format!("{}/offices/ZZZ?saved=1", app.url)).await;
    assert!(!page.contains("Changes saved."));

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
async fn failed_sign_ins_slow_the_next_attempt_but_never_lock_out_the_right_password() {
    let app = spawn_app().await;
    app.cast().await;
    let c = client();
    // Three failures are free; then the next attempt waits 1 s, after another failure 2 s.
    for _ in 0..worktrack_domain::throttle::FREE_FAILURES_PER_ACCOUNT {
        assert_eq!(
            app.try_login(&c, "employee.a", "wrong wrong wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // At once, even the right password waits, and is told how long.
    let resp = c
        .post(format!("{}/login", app.url))
        .form(&[
            ("csrf", csrf_token(&app, &c, "/login").await.as_str()),
            ("username", "employee.a"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 1);
    assert_eq!(count(&app, "sessions").await, 0);
    // Another user is not affected.
    assert_eq!(
        app.try_login(&client(), "employee.b", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // Once the delay has passed, the right password works: no lock-out.
    tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 200)).await;
    assert_eq!(
        app.try_login(&c, "employee.a", PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // An administrator can lift a delay at once.
    for _ in 0..6 {
        app.try_login(&client(), "employee.b", "wrong wrong wrong")
            .await;
    }
    assert_eq!(
        app.try_login(&client(), "employee.b", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let admin = app.login("admin.user").await;
    let csrf = csrf_token(&app, &admin, "/users/employee.b").await;
    let resp = admin
        .post(format!("{}/users/employee.b/unlock", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.try_login(&client(), "employee.b", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // Staff cannot.
    let manager = app.login("manager.a").await;
    let csrf = csrf_token(&app, &manager, "/work").await;
    let resp = manager
        .post(format!("{}/users/employee.b/unlock", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_alone_and_a_forged_header_is_not_believed() {
    // Failures from one office's many users behind one address: with the proxy trusted, the
    // addresses it forwards are counted apart.
    let proxied = spawn_app_with(Options {
        trusted_proxies: "127.0.0.1",
        ..Options::default()
    })
    .await;
    proxied.cast().await;
    let attempt = async |app: &TestApp, forwarded: &str, user: &str, password: &str| {
        let c = client();
        let csrf = csrf_token(app, &c, "/login").await;
        c.post(format!("{}/login", app.url))
            .header("x-forwarded-for", forwarded)
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", user),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
            .status()
    };
    let free = worktrack_domain::throttle::FREE_FAILURES_PER_SOURCE;
    for i in 0..free {
        // Different user names each time: only the source's count grows.
        let got = attempt(&proxied, "198.51.100.7", &format!("nobody{i}"), "wrong").await;
        assert_eq!(got, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        attempt(&proxied, "198.51.100.7", "employee.a", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "that source waits"
    );
    assert_eq!(
        attempt(&proxied, "198.51.100.8", "employee.a", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "another client behind the same proxy does not"
    );
    proxied.stop().await;

    // Without a trusted proxy the header is ignored: a client cannot shed its count by
    // sending a new X-Forwarded-For each time.
    let direct = spawn_app().await;
    direct.cast().await;
    for i in 0..free {
        let got = attempt(
            &direct,
            &format!("203.0.113.{i}"),
            &format!("nobody{i}"),
            "wrong",
        )
        .await;
        assert_eq!(got, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        attempt(&direct, "203.0.113.200", "employee.a", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    direct.stop().await;
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
