//! The README's screenshots: the demo data, the pages people live in (workbench, queue, home,
//! dashboard) at 1366 px and at 390 px, written to `docs/screenshots/`. Ignored in the suite;
//! `scripts/screenshots.sh` runs it. Each page is also checked with axe-core on the way.

use crate::browser::Browser;
use crate::support::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Waits until the demo office has at least `n` documents waiting with a suggestion.
async fn wait_for_suggestions(app: &TestApp, office: &str, n: usize) {
    let office = app.store.office_by_code(office).await.unwrap();
    let viewer = worktrack_store::Viewer {
        actor: worktrack_store::Actor::system("screenshots"),
        role: worktrack_domain::Role::Manager,
        office_id: Some(office.id),
        scope: worktrack_domain::Scope::Offices(vec![office.id]),
    };
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let waiting = app
            .store
            .profiling_queue(&viewer, office.id, None, 100)
            .await
            .unwrap();
        if waiting
            .iter()
            .filter(|r| r.suggested_code.is_some())
            .count()
            >= n
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the demo documents were not read"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
#[ignore = "writes docs/screenshots; run by scripts/screenshots.sh"]
async fn screenshots_of_the_pages_people_live_in() {
    let out = std::env::var("WORKTRACK_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
        });
    let app = spawn_app().await;
    worktrack::demo::load(&app.store).await.unwrap();
    worktrack::demo::load_documents(&app.intake, &app.data_path())
        .await
        .unwrap();
    worktrack::demo::load_work(&app.store).await.unwrap();
    wait_for_suggestions(&app, "TRN25", 6).await;

    let b = Browser::start().await;
    let sign_in = |user: &'static str| b.sign_in(&app.url, user, worktrack::demo::DEMO_PASSWORD);
    let shots: [(&str, &str, &str); 4] = [
        ("demo.employee", "/", "home"),
        ("demo.employee", "/profiling", "workbench"),
        ("demo.manager", "/work", "queue"),
        ("demo.manager", "/dashboard", "dashboard"),
    ];
    let mut signed_in = "";
    for (user, path, name) in shots {
        if user != signed_in {
            if !signed_in.is_empty() {
                b.press_enter("#sign-out").await;
                b.wait_for_url_containing("/login").await;
            }
            b.set_window_size(1366, 900).await;
            sign_in(user).await;
            signed_in = user;
        }
        for (width, height) in [(1366, 900), (390, 844)] {
            b.set_window_size(width, height).await;
            b.goto(&format!("{}{path}", app.url)).await;
            if name == "workbench" {
                // The queue's first document opens the workbench.
                let first = b
                    .execute(
                        "const a = document.querySelector('a[href^=\"/profiling/documents/\"]'); return a ? a.getAttribute('href') : null;",
                        serde_json::json!([]),
                    )
                    .await;
                let href = first.as_str().expect("a document waiting to be profiled");
                b.goto(&format!("{}{href}", app.url)).await;
                // Let the page images load before the picture is taken (SVG images are not
                // in document.images, so give them a moment too).
                b.wait_until("Array.from(document.images).every(i => i.complete)", 20)
                    .await;
                tokio::time::sleep(Duration::from_millis(1500)).await;
            }
            b.assert_accessible(&format!("{name} at {width} px")).await;
            b.screenshot(&out.join(format!("{name}-{width}.png"))).await;
        }
    }
    b.quit().await;
    println!("screenshots written to {}", out.display());
}
