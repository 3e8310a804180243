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
    b.wait_for_url_containing("/login").await;
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

#[tokio::test]
async fn three_files_uploaded_through_the_upload_page() {
    let app = spawn_app().await;
    app.cast().await;
    let dir = app.dir.path().join("scans");
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (i, name) in ["pay-stub.pdf", "medical-record.pdf", "receipt.pdf"]
        .iter()
        .enumerate()
    {
        let p = dir.join(name);
        let pages: Vec<(String, u32, u32)> = (0..=i)
            .map(|n| (format!("{name} page {}", n + 1), 612, 792))
            .collect();
        let pages: Vec<(&str, u32, u32)> =
            pages.iter().map(|(t, w, h)| (t.as_str(), *w, *h)).collect();
        std::fs::write(&p, worktrack_corpus::fixtures::pdf(&pages)).unwrap();
        paths.push(p.display().to_string());
    }
    let b = Browser::start().await;
    b.goto(&format!("{}/login", app.url)).await;
    b.type_into("#username", "employee.a").await;
    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    b.goto(&format!("{}/upload", app.url)).await;
    b.assert_accessible("upload page").await;
    b.send_keys("#files", &paths.join("\n")).await;
    b.wait_until(
        "document.querySelectorAll('#upload-list li').length === 3",
        5,
    )
    .await;
    b.click("#start-upload").await;
    b.wait_until(
        "document.querySelectorAll('#upload-list li[data-state=done]').length === 3",
        60,
    )
    .await;
    // Each file shows its progress as complete and a link to its document.
    let progress = b
        .execute("return Array.from(document.querySelectorAll('#upload-list progress')).map(p => p.value);", serde_json::json!([]))
        .await;
    assert_eq!(progress, serde_json::json!([100, 100, 100]));
    assert!(b.text("#upload-summary").await.contains("3 of 3"));
    b.assert_accessible("upload page after the uploads").await;
    assert_eq!(count(&app, "documents").await, 3);
    let href = b
        .execute("return document.querySelector('#upload-list li[data-state=done] a').getAttribute('href');", serde_json::json!([]))
        .await;
    b.goto(&format!("{}{}", app.url, href.as_str().unwrap()))
        .await;
    assert!(b.body_text().await.contains("Received"));
    b.assert_accessible("document page").await;
    b.goto(&format!("{}/documents", app.url)).await;
    b.assert_accessible("documents list").await;
    b.goto(&format!("{}/offices/AAA/paper", app.url)).await;
    b.assert_accessible("paper log").await;
    b.quit().await;
    app.stop().await;
}
