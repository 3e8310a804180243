//! What an outside probe found and must stay closed: return addresses that broke the
//! `Location` header after part of the work was saved, refusals that were not problem+json,
//! SSNs in URLs, unaudited list views, status codes that told scope from permission apart,
//! and HSTS.

use crate::support::*;
use reqwest::StatusCode;

/// An unassigned work item of `office`, made by its manager (whose viewer comes with it).
async fn an_item(
    app: &TestApp,
    office: &worktrack_store::Office,
    claimant_id: Option<i64>,
    title: &str,
) -> (worktrack_store::Viewer, worktrack_store::WorkItem) {
    let manager = worktrack_store::Viewer::for_user(
        &app.store.user_by_username("manager.a").await.unwrap(),
        &[],
    );
    let item = app
        .store
        .create_work_item(
            &manager,
            &worktrack_store::NewWorkItem {
                office_id: office.id,
                workload: "post_entitlement".into(),
                claimant_id,
                title: title.into(),
                priority: worktrack_domain::work::Priority::Normal,
                received_on: office.today(),
            },
        )
        .await
        .unwrap();
    (manager, item)
}

#[tokio::test]
async fn a_line_break_in_a_return_address_is_refused_before_anything_changes() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let (manager, item) = an_item(&app, &cast.a, None, "Address change").await;
    let c = app.login("employee.a").await;
    let token = csrf_token(&app, &c, "/work").await;
    for (path, form) in [
        (
            "/work/next",
            vec![("back", "status=open\r\nSet-Cookie: x=1")],
        ),
        (
            "/work/assign",
            vec![
                ("back", "a=1\nb"),
                ("item", &item.id.to_string()),
                ("assignee", "employee.a"),
            ],
        ),
        ("/work/views", vec![("name", "Mine"), ("query", "x=1\r\n")]),
        (
            "/profiling/batch",
            vec![("office", "AAA\r\nX"), ("doc", "1")],
        ),
    ] {
        let mut fields = form.clone();
        fields.push(("csrf", token.as_str()));
        let resp = c
            .post(format!("{}{path}", app.url))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let page = resp.text().await.unwrap();
        assert!(page.contains("Nothing was"), "{path}: {page}");
    }
    // The item was neither taken as next work nor assigned.
    let after = app.store.work_item(&manager, item.id).await.unwrap();
    assert_eq!(after.assignee_id, None);
    // A login that asks to continue elsewhere stays on this site.
    for next in ["//evil.example/", "/\\evil.example", "/ok\r\nX: y"] {
        let c = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let resp = c
            .get(format!("{}/login?next={}", app.url, urlencoding(next)))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{next}");
        let page = resp.text().await.unwrap();
        assert!(!page.contains("evil.example"), "{next}");
    }
    app.stop().await;
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn every_refusal_of_the_api_is_problem_json_and_never_repeats_an_ssn() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("manager.a").await;
    let c = reqwest::Client::new();
    let multipart = reqwest::header::HeaderValue::from_static("multipart/form-data");
    let cases = [
        c.get(format!("{}/api/v1/claimants/9223372036854775808", app.url)),
        c.get(format!("{}/api/v1/claimants/912-34-5678", app.url)),
        c.get(format!("{}/api/v1/work-items?limit=abc", app.url)),
        c.get(format!("{}/api/v1/claimants?limit=abc", app.url)),
        // A multipart body without a boundary.
        c.post(format!("{}/api/v1/documents", app.url))
            .header(reqwest::header::CONTENT_TYPE, multipart)
            .body("--x\r\n"),
        // JSON with the wrong content type.
        c.post(format!("{}/api/v1/claimants", app.url))
            .header(reqwest::header::CONTENT_TYPE, "text/plain")
            .body("{}"),
    ];
    for req in cases {
        let resp = req.bearer_auth(&token).send().await.unwrap();
        let status = resp.status();
        assert!(status.is_client_error(), "{status}");
        let kind = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = resp.text().await.unwrap();
        assert!(
            kind.starts_with("application/problem+json"),
            "{status} {kind}: {body}"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["status"], status.as_u16(), "{body}");
        assert!(problem["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:worktrack:problem:"));
        assert!(!body.contains("912-34"), "{body}");
    }
    app.stop().await;
}

#[tokio::test]
async fn browsers_are_told_to_keep_to_https_when_the_server_is_reached_over_it() {
    let plain = spawn_app().await;
    let resp = reqwest::get(format!("{}/login", plain.url)).await.unwrap();
    assert!(resp.headers().get("strict-transport-security").is_none());
    plain.stop().await;
    let tls = spawn_app_with(Options {
        behind_tls: true,
        ..Options::default()
    })
    .await;
    for path in ["/login", "/healthz", "/api/v1/me"] {
        let resp = reqwest::get(format!("{}{path}", tls.url)).await.unwrap();
        assert_eq!(
            resp.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
    tls.stop().await;
}

#[tokio::test]
async fn an_ssn_typed_into_search_never_reaches_an_address_and_finds_the_claimants_work() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let token = app.token("manager.a").await;
    let claimant: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"office": "AAA", "full_name": "Pat Example", "ssn": "912-34-5678"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, item) = an_item(
        &app,
        &cast.a,
        claimant["id"].as_i64(),
        "Address change for the claimant",
    )
    .await;
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        app.try_login(&c, "employee.a", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let csrf = csrf_token(&app, &c, "/search").await;
    // The form posts; an SSN is searched there and then, the page answering directly.
    let resp = c
        .post(format!("{}/search", app.url))
        .form(&[("csrf", csrf.as_str()), ("q", "912-34-5678")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let page = resp.text().await.unwrap();
    assert!(page.contains(&format!("/work/{}", item.id)), "{page}");
    assert!(
        !page.contains("912-34-5678") && !page.contains("912345678"),
        "{page}"
    );
    assert!(page.contains("***-**-5678"), "{page}");
    // Words go on to the page's address, which can be bookmarked.
    let resp = c
        .post(format!("{}/search", app.url))
        .form(&[("csrf", csrf.as_str()), ("q", "address change")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        "/search?q=address%20change"
    );
    // An address that carries an SSN searches nothing and does not show it back.
    let page = c
        .get(format!("{}/search?q=912345678", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("912345678"), "{page}");
    assert!(page.contains("never in an address"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn an_auditors_views_of_lists_are_audited_and_staffs_are_not() {
    let app = spawn_app().await;
    app.cast().await;
    let count = async |action: &str| {
        app.store
            .audit_rows(None, 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.action == action)
            .count()
    };
    let staff = app.login("manager.a").await;
    let auditor = app.login("auditor").await;
    for (path, action) in [
        ("/work?office=AAA", "work.list_view"),
        ("/documents", "document.list_view"),
        ("/claimants", "claimant.list_view"),
        ("/profiling?office=AAA", "profiling.list_view"),
        ("/search?q=address", "work.search.list_view"),
    ] {
        staff
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            count(action).await,
            0,
            "{path}: staff's lists are not audited"
        );
        let status = auditor
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(count(action).await, 1, "{path}");
    }
    let token = app.token("auditor").await;
    reqwest::Client::new()
        .get(format!("{}/api/v1/work-items?office=AAA", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(count("work.list_view").await, 2, "the API's list too");
    app.stop().await;
}

#[tokio::test]
async fn a_form_field_that_is_not_utf8_is_refused_not_saved_with_replacement_characters() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let c = app.login("manager.a").await;
    let csrf = csrf_token(&app, &c, "/claimants").await;
    let before = app.store.claimant_count(cast.a.id).await.unwrap();
    // "José" written in Latin-1 (E9), as an old browser or a script might send it.
    let body = format!("csrf={csrf}&office=AAA&full_name=Jos%E9+Example&ssn=912-34-5678");
    let resp = c
        .post(format!("{}/claimants", app.url))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("full_name") && page.contains("not valid text"),
        "{page}"
    );
    assert_eq!(app.store.claimant_count(cast.a.id).await.unwrap(), before);
    app.stop().await;
}

#[tokio::test]
async fn out_of_scope_is_404_and_in_scope_but_not_allowed_is_403_for_writes_as_for_reads() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let (_, item) = an_item(&app, &cast.a, None, "Address change").await;
    let api = reqwest::Client::new();
    let claimant =
        serde_json::json!({"office": "AAA", "full_name": "Pat Example", "ssn": "912-34-5678"});
    let actions = format!("{}/api/v1/work-items/{}/actions", app.url, item.id);
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode)> = vec![
        // Another office's staff: the office and the item do not exist for them.
        (
            "employee.b",
            api.post(format!("{}/api/v1/claimants", app.url))
                .json(&claimant),
            StatusCode::NOT_FOUND,
        ),
        (
            "employee.b",
            api.post(&actions)
                .json(&serde_json::json!({"action": "take"})),
            StatusCode::NOT_FOUND,
        ),
        (
            "employee.b",
            api.post(&actions)
                .json(&serde_json::json!({"action": "assign", "assignee": "nobody.at.all"})),
            StatusCode::NOT_FOUND,
        ),
        (
            "employee.b",
            api.get(format!("{}/api/v1/work-items?office=AAA", app.url)),
            StatusCode::NOT_FOUND,
        ),
        // An auditor sees everything and changes nothing: refused, whatever the body says.
        (
            "auditor",
            api.post(format!("{}/api/v1/claimants", app.url))
                .json(&claimant),
            StatusCode::FORBIDDEN,
        ),
        (
            "auditor",
            api.post(&actions)
                .json(&serde_json::json!({"action": "take"})),
            StatusCode::FORBIDDEN,
        ),
        (
            "auditor",
            api.post(&actions)
                .json(&serde_json::json!({"action": "assign", "assignee": "nobody.at.all"})),
            StatusCode::FORBIDDEN,
        ),
        (
            "auditor",
            api.post(&actions)
                .json(&serde_json::json!({"action": "transfer", "to_office": "NOPE"})),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (user, req, want) in cases {
        let token = app.token(user).await;
        let resp = req.bearer_auth(token).send().await.unwrap();
        let got = resp.status();
        let body = resp.text().await.unwrap();
        assert_eq!(got, want, "{user}: {body}");
    }
    // The same on pages.
    for (user, want) in [
        ("employee.b", StatusCode::NOT_FOUND),
        ("auditor", StatusCode::FORBIDDEN),
    ] {
        let c = app.login(user).await;
        let csrf = csrf_token(&app, &c, "/work").await;
        let got = c
            .post(format!("{}/work/{}", app.url, item.id))
            .form(&[("csrf", csrf.as_str()), ("action", "take")])
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(got, want, "{user} on the item page");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_declares_every_refusal_as_problem_json_and_the_limits_hold() {
    let app = spawn_app().await;
    app.cast().await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            operations += 1;
            for status in ["400", "401"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = r["content"].as_object().unwrap();
                    assert!(
                        content.contains_key("application/problem+json")
                            && !content.contains_key("application/json"),
                        "{method} {path} {status}: {content:?}"
                    );
                }
            }
        }
    }
    assert!(operations > 15, "{operations}");
    // The documented maximum of `limit` is the enforced one.
    let params = doc["paths"]["/api/v1/work-items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(limit["schema"]["maximum"], 500, "{limit}");
    let token = app.token("manager.a").await;
    for (path, max) in [
        ("/api/v1/work-items?office=AAA&", 500),
        ("/api/v1/claimants?", 500),
    ] {
        for (limit, ok) in [(max, true), (max + 1, false)] {
            let status = reqwest::Client::new()
                .get(format!("{}{path}limit={limit}", app.url))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status.is_success(), ok, "{path} limit={limit}: {status}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_multipart_office_that_is_not_utf8_is_refused_not_replaced_by_the_uploaders_office() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("director.north").await;
    let before = count(&app, "documents").await;
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"office\"\r\n\r\nNN\xff2\r\n",
    );
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--b--\r\n",
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(&token)
        .header(
            reqwest::header::CONTENT_TYPE,
            "multipart/form-data; boundary=b",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = resp.text().await.unwrap();
    assert!(text.contains("office: not valid text"), "{text}");
    assert_eq!(count(&app, "documents").await, before);
    app.stop().await;
}
