//! The work queue and the daily pages in a real browser, at a laptop's width (1366 px) and a
//! phone's (390 px): no sideways scrolling of the page, the first item reached in a few Tab
//! presses through the skip links, and axe-core clean on the queue, home, an item, the
//! dashboard, its settings and search.

use crate::browser::Browser;
use crate::support::*;
use serde_json::json;
use worktrack_domain::work::{Action, Priority};
use worktrack_store::NewWorkItem;

#[tokio::test]
async fn browser_the_queue_fits_1366_and_390_pixels_and_the_first_item_is_a_few_tabs_away() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = viewer(&app, "manager.a").await;
    let employee = app.store.user_by_username("employee.a").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..6 {
        let it = app
            .store
            .create_work_item(
                &manager,
                &NewWorkItem {
                    office_id: cast.a.id,
                    workload: "post_entitlement".into(),
                    claimant_id: None,
                    title: format!("Address change with a rather long description number {i}"),
                    priority: if i == 0 {
                        Priority::PaymentImpacting
                    } else {
                        Priority::Normal
                    },
                    received_on: cast.a.today(),
                },
            )
            .await
            .unwrap();
        ids.push(it.id);
    }
    app.store
        .assign_bulk(&manager, &ids[..3], employee.id)
        .await
        .unwrap();
    let ev = viewer(&app, "employee.a").await;
    app.store
        .move_work_item(&ev, ids[0], Action::Start, &Default::default())
        .await
        .unwrap();

    let b = Browser::start().await;
    let sign_in = |user: &'static str| b.sign_in(&app.url, user, PASSWORD);
    let no_sideways_scroll = |label: String| {
        let b = &b;
        async move {
            let v = b
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    json!([]),
                )
                .await;
            let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
            assert!(
                scroll <= inner,
                "{label}: the page scrolls sideways ({scroll} px of content in {inner} px)"
            );
        }
    };

    sign_in("employee.a").await;
    for (w, h) in [(1366u32, 900u32), (390, 844)] {
        b.set_window_size(w, h).await;
        let inner = b.execute("return window.innerWidth;", json!([])).await;
        assert_eq!(inner.as_u64(), Some(u64::from(w)), "the viewport is {w} px");
        let queue = format!("{}/work?office=AAA", app.url);
        b.goto(&queue).await;
        no_sideways_scroll(format!("queue at {w} px")).await;
        b.assert_accessible(&format!("work queue at {w} px")).await;
        // From the top: Tab to "Skip to main content", Tab to "Skip to results", Enter, Tab: the
        // first item (a manager's row has its selection box first). At most five Tab presses.
        let first = b
            .execute(
                "return document.querySelector('#queue tbody a').id;",
                json!([]),
            )
            .await;
        let first = first.as_str().unwrap().to_string();
        let mut tabs = 0;
        b.press_tab().await;
        tabs += 1;
        assert_eq!(
            b.active_element_attr("class").await.as_deref(),
            Some("skip-link")
        );
        b.press_tab().await;
        tabs += 1;
        assert_eq!(
            b.active_element_attr("id").await.as_deref(),
            Some("skip-results"),
            "at {w} px"
        );
        b.press_enter_on_focus().await;
        while tabs < 5 && b.active_element_attr("id").await.as_deref() != Some(first.as_str()) {
            b.press_tab().await;
            tabs += 1;
        }
        assert_eq!(
            b.active_element_attr("id").await.as_deref(),
            Some(first.as_str()),
            "the first item is reached within 5 Tab presses at {w} px"
        );
        assert!(tabs <= 5);
        if w == 390 {
            // Stacked: each cell names its column.
            let label = b
                .execute(
                    "const td = document.querySelector('#queue td[data-label=\"Due\"]'); return getComputedStyle(td, '::before').content;",
                    json!([]),
                )
                .await;
            assert_eq!(label.as_str(), Some("\"Due\""));
        }
        for (path, name) in [
            ("/".to_string(), "home"),
            (format!("/work/{}", ids[0]), "work item"),
            ("/search?q=address".to_string(), "search"),
            ("/documents".to_string(), "documents"),
        ] {
            b.goto(&format!("{}{path}", app.url)).await;
            no_sideways_scroll(format!("{name} at {w} px")).await;
            b.assert_accessible(&format!("{name} at {w} px")).await;
        }
    }
    b.press_enter("#sign-out").await;
    b.wait_for_url_containing("/login").await;

    sign_in("manager.a").await;
    for (w, h) in [(1366u32, 900u32), (390, 844)] {
        b.set_window_size(w, h).await;
        for (path, name) in [
            ("/work?office=AAA&view=unassigned", "manager's queue"),
            ("/dashboard?office=AAA", "dashboard"),
            ("/dashboard/settings?office=AAA", "dashboard settings"),
        ] {
            b.goto(&format!("{}{path}", app.url)).await;
            if name == "manager's queue" {
                no_sideways_scroll(format!("{name} at {w} px")).await;
            }
            b.assert_accessible(&format!("{name} at {w} px")).await;
        }
    }
    // A refused deadline is shown next to its field, and the page stays accessible.
    b.set_window_size(1366, 900).await;
    b.type_into("#days-reconsideration", "-1").await;
    b.press_enter("#days-reconsideration").await;
    b.wait_until(
        "document.querySelector('#days-reconsideration-error') !== null",
        10,
    )
    .await;
    b.assert_accessible("dashboard settings with an error")
        .await;
    // The search box posts: words go on to the page's address, an SSN never does.
    b.goto(&format!("{}/search", app.url)).await;
    b.type_into("#s-q", "address").await;
    b.press_enter("#s-q").await;
    b.wait_for_url_containing("/search?q=address").await;
    b.type_into("#s-q", "912-34-5678").await;
    b.press_enter("#s-q").await;
    b.wait_until("document.querySelector('#no-hits, #hits') !== null && !document.location.search.includes('address')", 10)
        .await;
    let url = b.current_url().await;
    let page = b.body_text().await;
    assert!(!url.contains("5678") && !page.contains("912-34"), "{url}");
    assert!(page.contains("***-**-5678"), "{page}");
    b.assert_accessible("search by SSN").await;
    b.quit().await;
    app.stop().await;
}
