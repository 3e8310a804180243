//! The profiling workbench in real headless Chromium, keyboard only, axe-core on every page:
//! an unsure suggestion leaves the code empty (Enter does nothing), a claimant is found by a
//! search and chosen, and a sure document is accepted with Enter.

use crate::browser::Browser;
use crate::profiling::{set_suggestion, settled_profile, take_in};
use crate::support::*;
use worktrack_corpus::fixtures::pdf;

/// Presses Tab until the element with `id` has the focus (at most 60 times).
async fn tab_to(b: &Browser, id: &str) {
    for _ in 0..60 {
        if b.active_element_attr("id").await.as_deref() == Some(id) {
            return;
        }
        b.press_tab().await;
    }
    panic!("the keyboard never reaches #{id}");
}

#[tokio::test]
async fn browser_workbench_unsure_code_stays_empty_claimant_found_by_search_sure_accepted_with_enter(
) {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = app.store.user_by_username("manager.a").await.unwrap();
    let maria = app
        .store
        .create_claimant(
            &worktrack_store::Viewer::for_user(&manager, &[]),
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Maria Lopez").unwrap(),
                ssn: "900-12-3456".into(),
                date_of_birth: Some(time::macros::date!(1961 - 04 - 30)),
                email: None,
            },
        )
        .await
        .unwrap();
    let dir = app.dir.path().join("wb");
    std::fs::create_dir_all(&dir).unwrap();
    let mut ids = Vec::new();
    for (i, text) in [
        "Form SSA-795 Statement of claimant. Name: Maria Lopez. I moved last month.",
        "Form SSA-795 Statement of claimant. Name: Sam Other. I declare under penalty of perjury.",
    ]
    .iter()
    .enumerate()
    {
        let p = dir.join(format!("doc-{i}.pdf"));
        std::fs::write(&p, pdf(&[(text, 3000, 792)])).unwrap();
        ids.push(take_in(&app, &cast.a, &p).await);
    }
    for id in &ids {
        assert_eq!(settled_profile(&app, *id).await, "suggested");
    }
    // The first is a guess, the second sure.
    set_suggestion(&app, ids[0], "795", 0.3).await;
    set_suggestion(&app, ids[1], "795", 0.97).await;

    let b = Browser::start().await;
    b.goto(&format!("{}/login", app.url)).await;
    b.type_into("#username", "employee.a").await;
    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    b.goto(&format!("{}/profiling?office=AAA", app.url)).await;
    b.assert_accessible("profiling queue").await;
    tab_to(&b, "start").await;
    b.press_enter("#start").await;
    let first = format!("/profiling/documents/{}", ids[0]);
    b.wait_for_url_containing(&first).await;
    b.assert_accessible("workbench, a guess").await;

    // Unsure: the code is empty and has the focus; the page says how sure, in words.
    assert_eq!(
        b.active_element_attr("id").await.as_deref(),
        Some("profile_code")
    );
    let value = b
        .execute(
            "return document.getElementById('profile_code').value;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(value, "");
    assert_eq!(b.text("#suggestion-sure").await, "a guess");
    // Enter on the empty code does nothing: same page (the marker survives), nothing saved.
    b.execute("window.stillHere = true; return 1;", serde_json::json!([]))
        .await;
    b.press_enter("#profile_code").await;
    b.press_enter("#profile_code").await;
    let url_after = b.current_url().await;
    assert!(url_after.ends_with(&first), "{url_after}");
    assert_eq!(
        b.execute("return window.stillHere === true;", serde_json::json!([]))
            .await,
        true
    );
    assert_eq!(app.store.profile_status(ids[0]).await.unwrap(), "suggested");

    // The claimant: search by the name found on the page, then choose her from the results;
    // a code typed before the search stays typed.
    b.type_into("#profile_code", "CORR").await;
    tab_to(&b, "search-found-name").await;
    b.press_enter("#search-found-name").await;
    b.find("#claimant-results").await;
    b.assert_accessible("workbench, claimant search results")
        .await;
    assert!(b.text("#claimant-results").await.contains("1 found"));
    assert_eq!(
        b.execute(
            "return document.getElementById('profile_code').value;",
            serde_json::json!([])
        )
        .await,
        "CORR"
    );
    let radio = format!("claimant-{}", maria.id);
    assert_eq!(
        b.active_element_attr("id").await.as_deref(),
        Some(radio.as_str())
    );
    b.send_keys(&format!("#{radio}"), " ").await;
    assert_eq!(
        b.execute(
            "return document.getElementById(arguments[0]).checked;",
            serde_json::json!([radio])
        )
        .await,
        true
    );
    // A suggestion chosen from the list fills the code; Enter then accepts.
    b.execute(
        "document.getElementById('profile_code').focus(); return 1;",
        serde_json::json!([]),
    )
    .await;
    tab_to(&b, "choice-795").await;
    b.press_enter("#choice-795").await;
    assert_eq!(
        b.active_element_attr("id").await.as_deref(),
        Some("profile_code")
    );
    b.press_enter("#profile_code").await;
    let second = format!("/profiling/documents/{}", ids[1]);
    b.wait_for_url_containing(&second).await;
    let p = app
        .store
        .document_profile_unscoped(ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.profile_code.as_deref(), Some("795"));
    assert_eq!(p.claimant_id, Some(maria.id));

    // Sure: pre-filled, one key away.
    b.assert_accessible("workbench, sure").await;
    assert_eq!(b.text("#suggestion-sure").await, "sure");
    assert_eq!(
        b.active_element_attr("id").await.as_deref(),
        Some("profile_code")
    );
    b.press_enter("#profile_code").await;
    b.wait_for_url_containing("/profiling?office=AAA").await;
    b.assert_accessible("queue, all done").await;
    assert!(b.body_text().await.contains("Nothing is waiting"));
    b.quit().await;
    assert_eq!(app.store.profile_status(ids[1]).await.unwrap(), "confirmed");
    app.stop().await;
}

#[tokio::test]
async fn browser_catalogue_edit_form_is_filled_with_the_current_values_and_saves_only_the_change() {
    let app = spawn_app().await;
    app.cast().await;
    let before = app.store.catalogue().await.unwrap();
    let pay = before.profile_code("PAY").unwrap().clone();
    let b = Browser::start().await;
    b.goto(&format!("{}/login", app.url)).await;
    b.type_into("#username", "admin.user").await;
    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    b.goto(&format!("{}/catalogue", app.url)).await;
    b.assert_accessible("catalogue").await;
    tab_to(&b, "edit-PAY").await;
    b.press_enter("#edit-PAY").await;
    b.wait_for_url_containing("edit=PAY").await;
    b.assert_accessible("catalogue, editing PAY").await;
    let value = |id: &'static str| {
        let b = &b;
        async move {
            b.execute(
                "return document.getElementById(arguments[0]).value;",
                serde_json::json!([id]),
            )
            .await
        }
    };
    assert_eq!(value("pc-code").await, "PAY");
    assert_eq!(value("pc-type").await, pay.document_type.as_str());
    assert_eq!(value("pc-workload").await, pay.workload.as_str());
    b.type_into("#pc-days", "7").await;
    b.press_enter("#pc-days").await;
    b.wait_for_url_containing("/catalogue").await;
    b.find(".alert-success").await;
    assert!(b.body_text().await.contains("PAY saved."));
    b.quit().await;
    let after = app.store.catalogue().await.unwrap();
    let p = after.profile_code("PAY").unwrap();
    assert_eq!(p.deadline_days, 7);
    assert_eq!(
        (&p.name, &p.document_type, &p.workload),
        (&pay.name, &pay.document_type, &pay.workload)
    );
    app.stop().await;
}
