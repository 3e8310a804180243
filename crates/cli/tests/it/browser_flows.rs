//! Real headless Chromium through WebDriver: sign in, home, pages, sign out — keyboard only,
//! with axe-core on every page visited.

use crate::browser::Browser;
use crate::support::*;

#[tokio::test]
async fn login_home_logout_with_the_keyboard_and_no_serious_accessibility_violations() {
    let app = spawn_app().await;
    app.cast().await;
    let b = Browser::start().await;

    b.goto(&format!("{}/", app.url)).await;
    b.wait_for_url_containing("/login").await;
    assert!(b.title().await.starts_with("Sign in"));
    b.assert_accessible("sign-in page").await;

    // A wrong password: the error is shown, announced, and the page stays accessible.
    b.type_into("#username", "manager.a").await;
    b.type_into("#password", "not the password").await;
    b.press_enter("#password").await;
    assert!(b.text("#error-summary").await.contains("not right"));
    b.assert_accessible("sign-in page with an error").await;

    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    let role = b.text("#home-role").await;
    assert_eq!(role, "Manager");
    assert!(b.text("#home-office").await.contains("AAA"));
    b.assert_accessible("home page").await;

    // The skip link is the first thing the keyboard reaches.
    b.execute(
        "document.activeElement.blur(); document.body.focus();",
        serde_json::json!([]),
    )
    .await;
    b.press_tab().await;
    assert_eq!(
        b.active_element_attr("href").await.as_deref(),
        Some("#main-content")
    );

    for (path, label) in [
        ("/claimants", "claimants"),
        ("/offices", "offices"),
        ("/offices/AAA", "office page"),
        ("/tokens", "API tokens"),
    ] {
        b.goto(&format!("{}{path}", app.url)).await;
        b.assert_accessible(label).await;
    }

    b.press_enter("#sign-out").await;
    b.wait_for_url_containing("signed_out").await;
    assert!(b.body_text().await.contains("You have signed out."));
    b.assert_accessible("signed-out page").await;
    b.goto(&format!("{}/", app.url)).await;
    b.wait_for_url_containing("/login").await;
    b.quit().await;
    app.stop().await;
}

#[tokio::test]
async fn admin_pages_pass_axe() {
    let app = spawn_app().await;
    app.cast().await;
    let b = Browser::start().await;
    b.goto(&format!("{}/login", app.url)).await;
    b.type_into("#username", "admin.user").await;
    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    for (path, label) in [
        ("/", "admin home"),
        ("/users", "users"),
        ("/users/manager.a", "user page"),
        ("/offices", "offices"),
        ("/offices/BBB", "office edit"),
        ("/audit", "audit log"),
    ] {
        b.goto(&format!("{}{path}", app.url)).await;
        b.assert_accessible(label).await;
    }
    // Create a user through the form; the one-time password page is accessible too.
    b.goto(&format!("{}/users", app.url)).await;
    b.type_into("#username", "browser.made").await;
    b.type_into("#display_name", "Browser Made").await;
    b.execute(
        "document.getElementById('office').value = 'AAA';",
        serde_json::json!([]),
    )
    .await;
    b.press_enter("#skills").await;
    b.wait_for_url_containing("/users").await;
    assert!(!b.text("#one-time-password").await.is_empty());
    b.assert_accessible("one-time password page").await;
    b.quit().await;
    app.stop().await;
}
