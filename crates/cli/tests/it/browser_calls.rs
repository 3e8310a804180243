//! The phone pages in a real browser: a manager imports a queue_log on the import page (the
//! file chosen in the form, the report shown after the redirect), opens the comparison of two
//! periods and sees both charts; axe-core clean at a laptop's width and a phone's, without
//! sideways scrolling.

use crate::browser::Browser;
use crate::browser_appointments::check_both_widths;
use crate::calls_web::{queue_log, FIRST, SECOND};
use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn browser_a_manager_imports_call_records_and_compares_two_periods() {
    let app = spawn_app().await;
    app.cast().await;
    let (log, bad_line) = queue_log();
    let file = app.data_path().join("queue_log");
    std::fs::write(&file, log).unwrap();

    let b = Browser::start().await;
    b.sign_in(&app.url, "manager.a", PASSWORD).await;
    b.goto(&format!("{}/offices/AAA", app.url)).await;
    b.click("#office-calls-link").await;
    b.wait_for_url_containing("/offices/AAA/calls").await;
    b.goto(&format!("{}/offices/AAA/calls/import", app.url))
        .await;
    check_both_widths(&b, "import page").await;
    b.send_keys("#i-file", file.to_str().unwrap()).await;
    b.click("#import-submit").await;
    b.wait_until("document.querySelector('#call-imports') !== null", 30)
        .await;
    let main = b.text("main").await;
    assert!(main.contains("Imported queue_log (queue_log): "), "{main}");
    assert!(main.contains("40 calls stored"), "{main}");
    assert!(
        !b.current_url().await.contains("Imported"),
        "no message in the address"
    );
    assert!(
        b.execute(
            "return document.querySelector('.import-report').textContent;",
            json!([])
        )
        .await
        .as_str()
        .unwrap()
        .contains(&format!("Line {bad_line}:")),
        "the bad line's report"
    );
    check_both_widths(&b, "import page with a report").await;

    b.goto(&format!("{}/offices/AAA/calls/compare", app.url))
        .await;
    for (id, value) in [
        ("#cmp-first-from", FIRST.0),
        ("#cmp-first-to", FIRST.1),
        ("#cmp-second-from", SECOND.0),
        ("#cmp-second-to", SECOND.1),
    ] {
        b.execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            json!([id, value]),
        )
        .await;
    }
    b.click("#compare-show").await;
    b.wait_for_url_containing("second_to=2026-03-13").await;
    assert_eq!(b.text("#change-points").await, "+25.0 points");
    for chart in ["#chart-daily-rate", "#chart-hourly-calls"] {
        let shown = b
            .execute(
                "const c = document.querySelector(arguments[0]); const r = c.getBoundingClientRect(); \
                 return [r.width > 100 && r.height > 30, c.querySelectorAll('polyline, rect').length];",
                json!([chart]),
            )
            .await;
        assert_eq!(shown[0], true, "{chart} is drawn: {shown}");
        assert!(
            shown[1].as_u64().unwrap() >= 2,
            "{chart} has marks: {shown}"
        );
    }
    check_both_widths(&b, "comparison page").await;
    b.goto(&format!(
        "{}/offices/AAA/calls?from={}&to={}&group=hour",
        app.url, FIRST.0, SECOND.1
    ))
    .await;
    check_both_widths(&b, "figures page").await;
    b.goto(&format!("{}/offices/AAA/calls/agents", app.url))
        .await;
    check_both_widths(&b, "agents page").await;
    b.goto(&format!("{}/calls", app.url)).await;
    check_both_widths(&b, "offices page").await;
    b.quit().await;
    app.stop().await;
}
