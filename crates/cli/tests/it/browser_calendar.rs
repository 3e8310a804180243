//! The calendar feed page and the reminder letters in a real browser, at a laptop's width
//! (1366 px) and a phone's (390 px): axe-core clean, no sideways scrolling, the feed's address
//! shown once after creating it.

use crate::appointments_api::{booking_body, call, chicago, next_business_day, phone_setup};
use crate::browser::Browser;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use worktrack_domain::appointments::instant_at;

#[tokio::test]
async fn browser_the_calendar_feed_page_and_the_letters_are_accessible_at_1366_and_390_pixels() {
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

    let browser = Browser::start().await;
    let fits = |label: &'static str| {
        let browser = &browser;
        async move {
            let v = browser
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    json!([]),
                )
                .await;
            assert!(
                v[0].as_i64().unwrap() <= v[1].as_i64().unwrap(),
                "{label} scrolls sideways: {v}"
            );
        }
    };
    browser.sign_in(&app.url, "employee.a", PASSWORD).await;
    for (w, h) in [(1366, 900), (390, 844)] {
        browser.set_window_size(w, h).await;
        browser.goto(&format!("{}/calendar", app.url)).await;
        assert_eq!(browser.text("h1").await, "Calendar feed");
        browser.assert_accessible("the calendar feed page").await;
        fits("the calendar feed page").await;
    }
    browser.set_window_size(1366, 900).await;
    browser.click("form[action='/calendar'] button").await;
    let url = browser.text("#feed-url").await;
    assert!(url.contains("/calendar/") && url.ends_with(".ics"), "{url}");
    browser
        .assert_accessible("the page showing a new feed")
        .await;
    browser.goto(&format!("{}/calendar", app.url)).await;
    assert!(!browser.body_text().await.contains(&url), "shown once");
    browser.click("form[action$='/revoke'] button").await;
    browser
        .wait_until("document.body.innerText.includes('The feed is revoked')", 5)
        .await;
    browser
        .assert_accessible("the feed page after revoking")
        .await;

    browser.quit().await;
    let browser2 = Browser::start().await;
    browser2.sign_in(&app.url, "manager.a", PASSWORD).await;
    for (w, h) in [(1366, 900), (390, 844)] {
        browser2.set_window_size(w, h).await;
        browser2
            .goto(&format!("{}/offices/AAA/letters", app.url))
            .await;
        assert!(browser2.body_text().await.contains("Dear Robin Example,"));
        browser2.assert_accessible("the reminder letters").await;
    }
    browser2.quit().await;
    app.stop().await;
}
