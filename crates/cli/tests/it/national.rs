//! Analysts' aggregate views (national, area, offices) with the small-group rule and no person
//! anywhere; the audit page's filters and paging; the users page's search and paging; who may
//! open which of these pages.

use crate::browser::Browser;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use worktrack_domain::work::Priority;
use worktrack_domain::Role;
use worktrack_store::{Actor, NewWorkItem, Office};

async fn item(app: &TestApp, office: &Office, by: &str, days_ago: i64) {
    app.store
        .create_work_item(
            &viewer(app, by).await,
            &NewWorkItem {
                office_id: office.id,
                workload: "post_entitlement".into(),
                claimant_id: None,
                title: "Change of address".into(),
                priority: Priority::Normal,
                received_on: office.today() - time::Duration::days(days_ago),
            },
        )
        .await
        .unwrap();
}

/// The part of `html` from `start` to the end of its table row.
fn row_of<'a>(html: &'a str, start: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {html}"));
    let end = html[i..].find("</tr>").map(|e| i + e).unwrap_or(html.len());
    &html[i..end]
}

/// Internal links of a page (`href="/…"`), without static files and anchors.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/') && !h.starts_with("/static"))
        .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// The cast with enough staff to show some groups: North has AAA (6 staff) and NN2 (none);
/// South has BBB (5 staff); West has WW1 (2 staff). Work: 3 items in AAA (one received 30 days
/// ago), 2 in BBB, 1 in WW1; a claimant named Zelda Quintero in AAA.
async fn country(app: &TestApp) {
    let cast = app.cast().await;
    let b = app.store.office_by_code("BBB").await.unwrap();
    let w = app.office("WW1", "West", true).await;
    for i in 1..=4 {
        app.user(&format!("clerk.a{i}"), Role::Employee, Some(&cast.a))
            .await;
        app.user(&format!("clerk.b{i}"), Role::Employee, Some(&b))
            .await;
    }
    app.user("clerk.w1", Role::Employee, Some(&w)).await;
    app.user("clerk.w2", Role::Employee, Some(&w)).await;
    item(app, &cast.a, "manager.a", 0).await;
    item(app, &cast.a, "manager.a", 1).await;
    item(app, &cast.a, "manager.a", 30).await;
    item(app, &b, "employee.b", 0).await;
    item(app, &b, "employee.b", 0).await;
    item(app, &w, "clerk.w1", 0).await;
    let token = app.token("employee.a").await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token)
        .json(&json!({"office": "AAA", "full_name": "Zelda Quintero", "ssn": "955-44-1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn analysts_see_national_area_and_office_figures_with_small_groups_hidden() {
    let app = spawn_app().await;
    country(&app).await;
    let c = app.login("analyst").await;

    let html = page_text(&c, &format!("{}/national", app.url)).await;
    assert!(html.contains("National figures"), "{html}");
    // The country: 13 staff, so its total is shown — 6 open items, 1 over 10 days old.
    let totals = &html[html.find("id=\"totals\"").unwrap()..];
    assert!(totals.contains("<dt>Offices</dt><dd>4</dd>"), "{totals}");
    assert!(totals.contains("<dt>Open work</dt><dd>6</dd>"), "{totals}");
    assert!(
        totals.contains("<dt>Open, over 10 days old</dt><dd>1</dd>"),
        "{totals}"
    );
    // North (6 staff) is shown; West (2) is hidden, and South (5) with it, since the total
    // minus North would otherwise give West's figures.
    let north = row_of(&html, ">North</a>");
    assert!(north.contains("<td>3</td>"), "{north}");
    assert!(!north.contains("Not shown"), "{north}");
    for area in [">South</a>", ">West</a>"] {
        let row = row_of(&html, area);
        assert!(row.contains("Not shown"), "{row}");
        assert!(
            !row.contains("<td>2</td>") && !row.contains("<td>1</td>"),
            "{row}"
        );
    }

    // The area: AAA is shown, NN2 (nobody) is not.
    let html = page_text(&c, &format!("{}/national/area?name=North", app.url)).await;
    assert!(row_of(&html, ">AAA — AAA Office").contains("<td>3</td>"));
    assert!(row_of(&html, ">NN2 — NN2 Office").contains("Not shown"));
    // A hidden area shows no figures of its own or of its offices.
    let html = page_text(&c, &format!("{}/national/area?name=South", app.url)).await;
    assert!(
        html.contains("<p id=\"totals\" class=\"hint\">Not shown"),
        "{html}"
    );
    assert!(row_of(&html, ">BBB — BBB Office").contains("Not shown"));
    assert_eq!(
        c.get(format!("{}/national/area?name=Nowhere", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Offices: every office with code, name and area — no longer "0 offices".
    let html = page_text(&c, &format!("{}/offices", app.url)).await;
    assert!(html.contains("4 offices"), "{html}");
    let aaa = row_of(&html, "<th scope=\"row\">AAA</th>");
    assert!(aaa.contains("AAA Office") && aaa.contains(">North</a>") && aaa.contains("<td>3</td>"));
    assert!(row_of(&html, "<th scope=\"row\">WW1</th>").contains("Not shown"));

    // Dashboard and Area lead to the national figures instead of a missing page.
    for path in ["/dashboard", "/area"] {
        let resp = c.get(format!("{}{path}", app.url)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(resp.headers()["location"], "/national", "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn no_page_an_analyst_can_open_names_a_person() {
    let app = spawn_app().await;
    country(&app).await;
    let mut names: Vec<String> = app
        .store
        .users(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.username != "analyst")
        .map(|u| u.display_name)
        .collect();
    names.push("Zelda Quintero".into());
    let c = app.login("analyst").await;
    // Every page the navigation offers, and every page those link to.
    let home = page_text(&c, &format!("{}/", app.url)).await;
    let mut to_visit = links(&home);
    assert!(to_visit.iter().any(|l| l == "/national"), "{to_visit:?}");
    let mut seen: Vec<String> = Vec::new();
    while let Some(path) = to_visit.pop() {
        if seen.contains(&path) || path.starts_with("/logout") {
            continue;
        }
        seen.push(path.clone());
        let resp = c.get(format!("{}{path}", app.url)).send().await.unwrap();
        let status = resp.status();
        let html = resp.text().await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "{path}: {status}"
        );
        for name in &names {
            assert!(!html.contains(name.as_str()), "{path} names {name}");
        }
        if seen.len() < 40 {
            to_visit.extend(links(&html));
        }
    }
    assert!(
        seen.iter().any(|p| p.starts_with("/national/area")),
        "{seen:?}"
    );
    // The API an analyst can call names nobody either.
    let token = app.token("analyst").await;
    for path in [
        "/api/v1/me",
        "/api/v1/offices",
        "/api/v1/work-items",
        "/api/v1/claimants",
    ] {
        let body = reqwest::Client::new()
            .get(format!("{}{path}", app.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for name in &names {
            assert!(!body.contains(name.as_str()), "{path} names {name}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn who_may_open_the_aggregate_audit_and_users_pages() {
    let app = spawn_app().await;
    app.cast().await;
    let routes = [
        "/national",
        "/national/area?name=North",
        "/offices",
        "/audit",
        "/users",
    ];
    let ok = StatusCode::OK;
    let no = StatusCode::FORBIDDEN;
    let matrix = [
        ("employee.a", [no, no, ok, no, no]),
        ("manager.a", [no, no, ok, no, no]),
        ("director.north", [no, no, ok, no, no]),
        ("analyst", [ok, ok, ok, no, no]),
        ("auditor", [ok, ok, ok, ok, no]),
        ("admin.user", [no, no, ok, ok, ok]),
    ];
    for (user, expected) in matrix {
        let c = app.login(user).await;
        for (route, want) in routes.iter().zip(expected) {
            let got = c
                .get(format!("{}{route}", app.url))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(got, want, "{user} {route}");
        }
    }
    app.stop().await;
}

/// Sequence numbers of the rows of an audit page, in order.
fn audit_seqs(html: &str) -> Vec<i64> {
    html.split("<tr><td>")
        .skip(1)
        .filter_map(|s| s.split("</td>").next()?.parse().ok())
        .collect()
}

fn link_named(html: &str, text: &str) -> Option<String> {
    let end = html.find(&format!("\">{text}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    let href = html[start..end].split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

#[tokio::test]
async fn audit_filters_narrow_and_pages_continue() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("manager.a").await;
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/claimants", app.url))
        .bearer_auth(&token)
        .json(&json!({"office": "AAA", "full_name": "Person One", "ssn": "955-55-1111"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let m = app.login("manager.a").await;
    m.get(format!("{}/claimants/{id}", app.url))
        .send()
        .await
        .unwrap();
    for i in 0..60 {
        app.store
            .audit_auth(
                &Actor::system("test"),
                "login.failed",
                &format!("u{i:02}"),
                "127.0.0.1",
            )
            .await
            .unwrap();
    }
    let c = app.login("auditor").await;
    let get = |path: String| {
        let c = c.clone();
        let url = app.url.clone();
        async move { page_text(&c, &format!("{url}{path}")).await }
    };

    // Who + what + object: exactly the one view, as a sentence.
    let html = get(format!(
        "/audit?who=manager.a&what=claimant.view&object=claimant&id={id}"
    ))
    .await;
    assert_eq!(audit_seqs(&html).len(), 1, "{html}");
    assert!(
        html.contains(&format!("manager.a viewed claimant {id}")),
        "{html}"
    );
    // A family of actions.
    let html = get("/audit?who=manager.a&what=claimant".into()).await;
    assert!(html.contains("manager.a created claimant"), "{html}");
    assert!(html.contains("manager.a viewed claimant"), "{html}");
    assert!(!html.contains("signed in"), "{html}");
    // When: nothing before yesterday, everything today.
    let today = time::OffsetDateTime::now_utc().date();
    let yesterday = today - time::Duration::days(2);
    let html = get(format!("/audit?who=manager.a&to={yesterday}")).await;
    assert!(audit_seqs(&html).is_empty(), "{html}");
    let html = get(format!(
        "/audit?who=manager.a&from={}",
        today - time::Duration::days(1)
    ))
    .await;
    assert!(audit_seqs(&html).len() >= 3, "{html}");
    // A bad date is named next to its field.
    let resp = c
        .get(format!("{}/audit?from=last+tuesday", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("id=\"from-error\""));

    // Paging: 60 refused sign-ins, 50 to a page, older then newer again.
    let first = get("/audit?what=login.failed".into()).await;
    let seqs = audit_seqs(&first);
    assert_eq!(seqs.len(), 50);
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(first.contains("system:test failed to sign in as user u59"));
    assert!(link_named(&first, "Newer events").is_none());
    let older = link_named(&first, "Older events").expect("an older page");
    let second = get(older).await;
    let rest = audit_seqs(&second);
    assert_eq!(rest.len(), 10, "{second}");
    assert!(rest[0] < seqs[49]);
    assert!(link_named(&second, "Older events").is_none());
    let newer = link_named(&second, "Newer events").expect("a newer page");
    assert!(
        newer.contains("what=login.failed"),
        "the filter is kept: {newer}"
    );
    assert_eq!(audit_seqs(&get(newer).await), seqs);
    // Reading the log is itself recorded.
    let views = app
        .store
        .audit_rows(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "audit.view" && r.actor == "auditor")
        .count();
    assert_eq!(views, 7, "every page read, and only those, is recorded");
    app.stop().await;
}

#[tokio::test]
async fn users_are_found_by_name_or_user_name_a_page_at_a_time() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    for i in 0..60 {
        app.user(&format!("staff.{i:02}"), Role::Employee, Some(&cast.a))
            .await;
    }
    let c = app.login("admin.user").await;
    // By user name, in any case: exactly one.
    let html = page_text(&c, &format!("{}/users?q=STAFF.05", app.url)).await;
    assert!(html.contains("1 users matching"), "{html}");
    assert!(html.contains("/users/staff.05\""));
    // By name ("Test staff.07" is the fixture's full name).
    let html = page_text(&c, &format!("{}/users?q=test+staff.07", app.url)).await;
    assert!(html.contains("/users/staff.07\"") && html.contains("1 users matching"));
    // Not found: no one, and no wildcard from the search.
    let html = page_text(&c, &format!("{}/users?q=%25", app.url)).await;
    assert!(html.contains("0 users matching"), "{html}");
    // Paging: 60 staff, 50 on the first page.
    let first = page_text(&c, &format!("{}/users?q=staff", app.url)).await;
    assert!(first.contains("50 users matching"), "{first}");
    assert!(first.contains("/users/staff.00\"") && first.contains("/users/staff.49\""));
    assert!(link_named(&first, "Previous users").is_none());
    let next = link_named(&first, "Next users").expect("a next page");
    let second = page_text(&c, &format!("{}{next}", app.url)).await;
    assert!(second.contains("10 users matching"), "{second}");
    assert!(second.contains("/users/staff.50\"") && second.contains("/users/staff.59\""));
    assert!(!second.contains("/users/staff.49\""));
    assert!(link_named(&second, "Next users").is_none());
    let prev = link_named(&second, "Previous users").expect("a previous page");
    let back = page_text(&c, &format!("{}{prev}", app.url)).await;
    assert!(back.contains("50 users matching") && back.contains("/users/staff.00\""));
    app.stop().await;
}

#[tokio::test]
async fn browser_national_offices_audit_and_users_pages_are_accessible() {
    let app = spawn_app().await;
    country(&app).await;
    let b = Browser::start().await;
    let sign_in = |user: &'static str| b.sign_in(&app.url, user, PASSWORD);
    sign_in("analyst").await;
    b.goto(&format!("{}/national", app.url)).await;
    assert!(b.text("h1").await.contains("National figures"));
    b.assert_accessible("national figures").await;
    b.goto(&format!("{}/national/area?name=North", app.url))
        .await;
    b.assert_accessible("area figures").await;
    b.goto(&format!("{}/offices", app.url)).await;
    assert!(b.text("#offices-caption").await.contains("4 offices"));
    b.assert_accessible("offices as analyst").await;
    b.click("#sign-out").await;
    b.wait_for_url_containing("/login").await;

    sign_in("admin.user").await;
    b.goto(&format!("{}/audit", app.url)).await;
    b.type_into("#who", "manager.a").await;
    b.press_enter("#who").await;
    b.wait_for_url_containing("who=manager.a").await;
    b.assert_accessible("audit log with a filter").await;
    b.goto(&format!("{}/audit?from=not-a-date", app.url)).await;
    b.assert_accessible("audit log with a bad date").await;
    b.goto(&format!("{}/users", app.url)).await;
    b.type_into("#q", "clerk").await;
    b.press_enter("#q").await;
    b.wait_for_url_containing("q=clerk").await;
    assert!(b.text("#users-caption").await.contains("10 users matching"));
    b.assert_accessible("users with a search").await;
    b.quit().await;
    app.stop().await;
}
