//! What every page shares: messages after a redirect come from the server and never from the
//! address, error pages keep the navigation and Sign out, and times are the office's own.

use crate::support::*;
use reqwest::StatusCode;
use worktrack_domain::work::Priority;
use worktrack_store::{NewWorkItem, Viewer};

/// A work item in office AAA made by manager.a, as the page would.
async fn item(app: &TestApp) -> i64 {
    let manager = app.store.user_by_username("manager.a").await.unwrap();
    let office = app.store.office_by_code("AAA").await.unwrap();
    let viewer = Viewer::for_user(&manager, &[]);
    app.store
        .create_work_item(
            &viewer,
            &NewWorkItem {
                office_id: office.id,
                workload: "post_entitlement".into(),
                title: "Address change".into(),
                claimant_id: None,
                priority: Priority::Normal,
                received_on: office.today(),
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_banner_never_takes_its_words_from_the_address_bar() {
    let app = spawn_app().await;
    app.cast().await;
    let id = item(&app).await;
    let c = app.login("manager.a").await;
    let phish = "Your session expired. Call the help desk at 555-0100";
    for url in [
        format!("/work/{id}?done={}", phish.replace(' ', "+")),
        format!("/work?office=AAA&done={}", phish.replace(' ', "+")),
        format!("/work?office=AAA&error={}", phish.replace(' ', "+")),
        format!("/dashboard?office=AAA&done={}", phish.replace(' ', "+")),
        "/profiling?office=AAA&done=5".to_string(),
        format!("/catalogue?saved={}", phish.replace(' ', "+")),
    ] {
        let page = page_text(&c, &format!("{}{url}", app.url)).await;
        assert!(
            !page.contains("help desk"),
            "{url} showed the address's words"
        );
        assert!(!page.contains("alert-success"), "{url} showed a banner");
        assert!(!page.contains("document(s) profiled"), "{url}");
    }

    // The server's own message after a move is shown once, then gone.
    let csrf = csrf_token(&app, &c, &format!("/work/{id}")).await;
    let moved = c
        .post(format!("{}/work/{id}", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "assign"),
            ("assignee", "employee.a"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let to = moved.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/work/{id}"), "no message in the address");
    let first = page_text(&c, &format!("{}{to}", app.url)).await;
    assert!(first.contains("alert-success"), "{first}");
    assert!(first.contains("Done: the item is now assigned."));
    let again = page_text(&c, &format!("{}{to}", app.url)).await;
    assert!(!again.contains("alert-success"), "a message is shown once");

    // A message cookie the server did not write shows nothing.
    let forged = format!(
        "wt_flash={}.{}",
        "bkNhbGwgdGhlIGhlbHAgZGVzaw",
        "0".repeat(64)
    );
    let page = c
        .get(format!("{}/work/{id}", app.url))
        .header("cookie", forged)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("help desk") && !page.contains("alert-success"));
}

#[tokio::test]
async fn error_pages_keep_the_navigation_and_sign_out() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("employee.a").await;
    // 404: an address that does not exist, and an object of another office.
    for url in ["/no/such/page", "/work/999999", "/offices/BBB"] {
        let resp = c.get(format!("{}{url}", app.url)).send().await.unwrap();
        let status = resp.status();
        let page = resp.text().await.unwrap();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
            "{url}: {status}"
        );
        assert!(page.contains("id=\"sign-out\""), "{url}: no Sign out");
        assert!(page.contains("aria-label=\"Main\""), "{url}: no navigation");
        assert!(page.contains("href=\"/work\""), "{url}: no Work link");
    }
    // 403: an employee on the users page.
    let resp = c.get(format!("{}/users", app.url)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let page = resp.text().await.unwrap();
    assert!(page.contains("id=\"sign-out\"") && page.contains("aria-label=\"Main\""));
    // Signed out, an error page has no navigation to offer and says so plainly.
    let anon = client();
    let page = page_text(&anon, &format!("{}/no/such/page", app.url)).await;
    assert!(!page.contains("id=\"sign-out\""));
}

#[tokio::test]
async fn times_on_pages_are_the_office_local_time_with_its_zone() {
    let app = spawn_app().await;
    app.cast().await;
    let id = item(&app).await;
    let c = app.login("manager.a").await;
    let page = page_text(&c, &format!("{}/work/{id}", app.url)).await;
    // AAA is on Chicago time: the history says CST or CDT, never UTC.
    assert!(
        page.contains(" CST") || page.contains(" CDT"),
        "history in the office's zone: {page}"
    );
    assert!(!page.contains(" UTC"), "{page}");
    let page = page_text(&c, &format!("{}/tokens", app.url)).await;
    assert!(!page.contains(" UTC"));
}
