//! Work items: concurrent "get next work", refusals that change nothing, documents filing into
//! work, transfers, search scope, automatic assignment with leave, CSV export, and the
//! manager-and-employee flow in a real browser.

use crate::browser::Browser;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;
use worktrack_domain::work::Priority;
use worktrack_domain::{PersonName, Role, Skill, Username};
use worktrack_store::{Actor, NewUser, NewWorkItem, Office, User, Viewer, WorkItem};

async fn item(app: &TestApp, office: &Office, by: &str, workload: &str, title: &str) -> WorkItem {
    app.store
        .create_work_item(
            &viewer(app, by).await,
            &NewWorkItem {
                office_id: office.id,
                workload: workload.into(),
                claimant_id: None,
                title: title.into(),
                priority: Priority::Normal,
                received_on: office.today(),
            },
        )
        .await
        .unwrap()
}

async fn user_with_skills(app: &TestApp, name: &str, office: &Office, skills: &str) -> User {
    let hash = app
        .store
        .user_credentials("employee.a")
        .await
        .unwrap()
        .unwrap()
        .1;
    app.store
        .create_user(
            &Actor::system("test"),
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: PersonName::parse(&format!("Test {name}")).unwrap(),
                role: Role::Employee,
                office_id: Some(office.id),
                skills: Skill::parse_list(skills).unwrap(),
                password_hash: hash,
            },
        )
        .await
        .unwrap()
}

/// Takes a one-page PDF saying `text` into `office`; returns the document id.
async fn take_in_letter(app: &TestApp, office: &Office, name: &str, text: &str) -> i64 {
    let path = app.dir.path().join(name);
    std::fs::write(&path, worktrack_corpus::fixtures::pdf(&[(text, 6000, 792)])).unwrap();
    app.intake
        .take_in(
            &Actor::system("test"),
            worktrack_pipeline::intake::Incoming {
                path: &path,
                filename: name,
                office,
                received_on: office.today(),
                original_evidence: false,
                source: worktrack_store::Source::Import,
                source_key: None,
            },
        )
        .await
        .unwrap()
        .document
        .id
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", app.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn two_hundred_concurrent_get_next_work_calls_hand_out_each_item_exactly_once() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let mut tokens = vec![app.token("employee.a").await];
    for i in 0..9 {
        let u = user_with_skills(&app, &format!("puller.{i}"), &cast.a, "disability ssi").await;
        tokens.push(app.token(&u.username).await);
    }
    // 150 items for 200 calls: every item goes to exactly one caller, 50 callers get none.
    let mut ids = HashSet::new();
    for i in 0..150 {
        let workload = ["reconsideration", "post_entitlement", "ssi_redetermination"][i % 3];
        ids.insert(
            item(&app, &cast.a, "manager.a", workload, &format!("Item {i}"))
                .await
                .id,
        );
    }
    let calls = (0..200).map(|i| {
        let url = format!("{}/api/v1/work-items/next", app.url);
        let token = tokens[i % tokens.len()].clone();
        tokio::spawn(async move {
            let resp = client().post(url).bearer_auth(&token).send().await.unwrap();
            let status = resp.status();
            let body: Option<Value> = if status == StatusCode::OK {
                Some(resp.json().await.unwrap())
            } else {
                None
            };
            (status, body)
        })
    });
    let results = futures_util::future::join_all(calls).await;
    let mut handed = Vec::new();
    let mut none = 0;
    for r in results {
        let (status, body) = r.unwrap();
        match status {
            StatusCode::OK => {
                let b = body.unwrap();
                assert_eq!(b["status"], "in_progress");
                handed.push(b["id"].as_i64().unwrap());
            }
            StatusCode::NO_CONTENT => none += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    let distinct: HashSet<i64> = handed.iter().copied().collect();
    assert_eq!(handed.len(), 150, "every item handed out");
    assert_eq!(distinct.len(), 150, "no item handed out twice");
    assert_eq!(distinct, ids);
    assert_eq!(none, 50);
    // Each take is one history row, and nothing is left unassigned.
    assert_eq!(count(&app, "work_item_history").await, 150 + 150);
    let manager = app.token("manager.a").await;
    let page: Value = client()
        .get(format!("{}/api/v1/work-items?view=unassigned", app.url))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test]
async fn get_next_work_takes_the_most_urgent_item_the_person_is_skilled_for() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let plain = user_with_skills(&app, "plain.person", &cast.a, "spanish").await;
    let token = app.token(&plain.username).await;
    let disability = item(
        &app,
        &cast.a,
        "manager.a",
        "reconsideration",
        "Needs disability",
    )
    .await;
    let normal = item(
        &app,
        &cast.a,
        "manager.a",
        "post_entitlement",
        "Address change",
    )
    .await;
    let dire = app
        .store
        .create_work_item(
            &viewer(&app, "manager.a").await,
            &NewWorkItem {
                office_id: cast.a.id,
                workload: "post_entitlement".into(),
                claimant_id: None,
                title: "No money for rent".into(),
                priority: Priority::DireNeed,
                received_on: cast.a.today(),
            },
        )
        .await
        .unwrap();
    let first: Value = api_post(&app, &token, "/api/v1/work-items/next", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["id"].as_i64(), Some(dire.id), "dire need first");
    let second: Value = api_post(&app, &token, "/api/v1/work-items/next", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["id"].as_i64(), Some(normal.id));
    // The reconsideration needs the disability skill this person lacks.
    let third = api_post(&app, &token, "/api/v1/work-items/next", json!({})).await;
    assert_eq!(third.status(), StatusCode::NO_CONTENT);
    let left = app
        .store
        .work_item(&viewer(&app, "manager.a").await, disability.id)
        .await
        .unwrap();
    assert_eq!(left.status.as_str(), "new");
    app.stop().await;
}

#[tokio::test]
async fn bad_moves_and_policies_are_refused_with_clear_errors_and_change_nothing() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let unskilled = user_with_skills(&app, "no.skill", &cast.a, "spanish").await;
    let it = item(&app, &cast.a, "manager.a", "reconsideration", "Appeal").await;
    let manager = app.token("manager.a").await;
    let history_before = count(&app, "work_item_history").await;
    let audit_before = count(&app, "audit_log").await;

    let path = format!("/api/v1/work-items/{}/actions", it.id);
    // Completing a new item skips the state machine.
    let resp = api_post(&app, &manager, &path, json!({"action": "complete"})).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let p: Value = resp.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("cannot"), "{p}");
    // A user of another office.
    let resp = api_post(
        &app,
        &manager,
        &path,
        json!({"action": "assign", "assignee": "employee.b"}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = resp.json().await.unwrap();
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("not an active member of this office"),
        "{p}"
    );
    // Someone without the skill the workload needs.
    let resp = api_post(
        &app,
        &manager,
        &path,
        json!({"action": "assign", "assignee": unskilled.username}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = resp.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("skill"), "{p}");
    // An action that does not exist, and waiting without saying on whom.
    let resp = api_post(&app, &manager, &path, json!({"action": "explode"})).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An employee may not assign.
    let employee = app.token("employee.a").await;
    let resp = api_post(
        &app,
        &employee,
        &path,
        json!({"action": "assign", "assignee": "employee.a"}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "work_item_history").await,
        history_before,
        "no refused move left a history row"
    );
    // Bulk assignment is all or nothing: one item of the batch is already completed.
    let done = item(&app, &cast.a, "manager.a", "post_entitlement", "Done one").await;
    let v = viewer(&app, "manager.a").await;
    let a = app.store.user_by_username("employee.a").await.unwrap();
    app.store.assign_bulk(&v, &[done.id], a.id).await.unwrap();
    let ea = viewer(&app, "employee.a").await;
    app.store
        .move_work_item(
            &ea,
            done.id,
            worktrack_domain::work::Action::Start,
            &Default::default(),
        )
        .await
        .unwrap();
    app.store
        .move_work_item(
            &ea,
            done.id,
            worktrack_domain::work::Action::Complete,
            &Default::default(),
        )
        .await
        .unwrap();
    let fresh = item(&app, &cast.a, "manager.a", "post_entitlement", "Fresh").await;
    let history_mid = count(&app, "work_item_history").await;
    let err = app
        .store
        .assign_bulk(&v, &[fresh.id, done.id], a.id)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!("work item {}", done.id)),
        "{err}"
    );
    assert_eq!(count(&app, "work_item_history").await, history_mid);
    let fresh_now = app.store.work_item(&v, fresh.id).await.unwrap();
    assert_eq!(
        fresh_now.assignee_id, None,
        "the good item of the batch was not assigned either"
    );

    let unchanged = app.store.work_item(&v, it.id).await.unwrap();
    assert_eq!(unchanged.status.as_str(), "new");
    assert_eq!(unchanged.assignee_id, None);

    // A deadline policy of -1 days through the dashboard form.
    let c = app.login("manager.a").await;
    let token = csrf_token(&app, &c, "/dashboard").await;
    let set_policy = |workload: &'static str, days: &'static str| {
        c.post(format!("{}/dashboard/policy", app.url))
            .form(&[
                ("csrf", token.as_str()),
                ("office", "AAA"),
                ("workload", workload),
                ("days", days),
            ])
            .send()
    };
    let resp = set_policy("reconsideration", "-1").await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("0 to 365 business days"),
        "the error says what is allowed"
    );
    assert_eq!(count(&app, "deadline_policies").await, 0);
    // A good one is kept and used by the next item.
    let resp = set_policy("post_entitlement", "2").await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let next = item(&app, &cast.a, "manager.a", "post_entitlement", "Two days").await;
    assert_eq!(next.deadline_days, 2);
    assert!(audit_before < count(&app, "audit_log").await);
    app.stop().await;
}

#[tokio::test]
async fn profiled_documents_start_or_join_work_and_transfers_keep_history_and_documents() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    app.stop_workers().await;
    let v = viewer(&app, "employee.a").await;
    let claimant = app
        .store
        .create_claimant(
            &v,
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: PersonName::parse("Robin Example").unwrap(),
                date_of_birth: None,
                email: None,
                ssn: "900-12-3456".into(),
            },
        )
        .await
        .unwrap();
    let mut docs = Vec::new();
    for (i, code) in ["561M", "827", "PAY"].iter().enumerate() {
        let doc_id = take_in_letter(
            &app,
            &cast.a,
            &format!("doc{i}.pdf"),
            &format!("Letter number {i} about earnings"),
        )
        .await;
        let confirm = worktrack_store::ConfirmProfile {
            profile_code: code.to_string(),
            claimant_id: Some(claimant.id),
            fields: Default::default(),
        };
        app.store
            .confirm_profile(&v, doc_id, &confirm)
            .await
            .unwrap();
        docs.push(doc_id);
    }
    // 561M (reconsideration) and 827 (initial disability) are different workloads; the pay
    // stub goes to post-entitlement: three items. Confirming 561M again joins, not adds.
    let items: Vec<Option<i64>> =
        futures_util::future::join_all(docs.iter().map(|d| app.store.work_item_of_document(*d)))
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
    assert!(items.iter().all(Option::is_some));
    assert_eq!(items.iter().collect::<HashSet<_>>().len(), 3);
    let doc3 = take_in_letter(&app, &cast.a, "doc3.pdf", "A second appeal letter").await;
    app.store
        .confirm_profile(
            &v,
            doc3,
            &worktrack_store::ConfirmProfile {
                profile_code: "561N".into(),
                claimant_id: Some(claimant.id),
                fields: Default::default(),
            },
        )
        .await
        .unwrap();
    let appeal = items[0].unwrap();
    assert_eq!(
        app.store.work_item_of_document(doc3).await.unwrap(),
        Some(appeal)
    );
    assert_eq!(
        app.store
            .work_item_document_ids(appeal)
            .await
            .unwrap()
            .len(),
        2
    );
    let history = app.store.work_item_history(appeal).await.unwrap();
    assert!(history.iter().any(|h| h.action == "document_added"));

    // Transfer to NN2: closed here, continued there with both documents and a pointer back.
    let m = viewer(&app, "manager.a").await;
    let moved = app
        .store
        .move_work_item(
            &m,
            appeal,
            worktrack_domain::work::Action::Transfer,
            &worktrack_store::MoveInput {
                to_office_id: Some(cast.n2.id),
                note: "specialised appeals unit".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.status.as_str(), "transferred");
    let new_id = moved.transferred_to.unwrap();
    let dv = viewer(&app, "director.north").await;
    let there = app.store.work_item(&dv, new_id).await.unwrap();
    assert_eq!(there.office_id, cast.n2.id);
    assert_eq!(there.transferred_from, Some(appeal));
    assert_eq!(there.documents, 2);
    assert_eq!(
        there.due_on, moved.due_on,
        "the deadline travels with the work"
    );
    let doc = app.store.document_unscoped(doc3).await.unwrap();
    assert_eq!(doc.office_id, cast.n2.id);
    assert!(app.store.work_item_history(new_id).await.unwrap()[0]
        .note
        .contains("transferred from AAA"));
    // The employee of AAA no longer sees it; NN2's manager is told.
    assert!(app.store.work_item(&v, new_id).await.is_err());
    app.stop().await;
}

#[tokio::test]
async fn search_finds_words_in_titles_and_document_text_only_in_the_viewers_offices() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let b = app.store.office_by_code("BBB").await.unwrap();
    item(
        &app,
        &cast.a,
        "manager.a",
        "post_entitlement",
        "Earnings statement for March",
    )
    .await;
    item(
        &app,
        &cast.a,
        "manager.a",
        "post_entitlement",
        "Change of address",
    )
    .await;
    item(
        &app,
        &b,
        "employee.b",
        "post_entitlement",
        "Earnings report elsewhere",
    )
    .await;
    let c = app.login("employee.a").await;
    let html = c
        .get(format!("{}/search?q=earnings", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<mark>Earnings</mark> statement for March"));
    assert!(
        !html.contains("elsewhere"),
        "another office's item is out of scope"
    );
    assert!(!html.contains("Change of address"));
    // Stemming: "earning" finds "earnings".
    let v = viewer(&app, "employee.a").await;
    assert_eq!(
        app.store
            .search_work(&v, "earning", None, false, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // Syntax of the index is not passed through.
    assert!(app
        .store
        .search_work(&v, "earnings OR \"", None, false, 10)
        .await
        .is_ok());
    let resp = c
        .get(format!("{}/search?q=%20%2D%2D", app.url))
        .send()
        .await
        .unwrap();
    assert!(resp.text().await.unwrap().contains("type a word"));
    // An auditor sees every office.
    let au = viewer(&app, "auditor").await;
    assert_eq!(
        app.store
            .search_work(&au, "earnings", None, false, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn automatic_assignment_passes_over_people_on_leave_and_without_the_skill() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let second = user_with_skills(&app, "second.person", &cast.a, "disability").await;
    let m = viewer(&app, "manager.a").await;
    app.store
        .set_assignment_rule(&m, &cast.a, "least_loaded", false)
        .await
        .unwrap();
    let office = app.store.office_by_code("AAA").await.unwrap();
    let ea = app.store.user_by_username("employee.a").await.unwrap();
    // employee.a is on leave today: everything goes to the second person.
    app.store
        .add_leave(&m, ea.id, office.today(), office.today(), "training")
        .await
        .unwrap();
    for i in 0..3 {
        let it = item(
            &app,
            &office,
            "manager.a",
            "reconsideration",
            &format!("Appeal {i}"),
        )
        .await;
        assert_eq!(it.assignee_id, Some(second.id));
        assert_eq!(it.status.as_str(), "assigned");
    }
    let unskilled = user_with_skills(&app, "ssi.only", &office, "ssi").await;
    let it = item(
        &app,
        &office,
        "manager.a",
        "ssi_redetermination",
        "Redetermination",
    )
    .await;
    assert_eq!(
        it.assignee_id,
        Some(unskilled.id),
        "least loaded among the skilled"
    );
    let notes = app.store.notifications(second.id, 10).await.unwrap();
    assert_eq!(notes.len(), 3);
    // A bad rule name is refused.
    assert!(app
        .store
        .set_assignment_rule(&m, &office, "lottery", false)
        .await
        .is_err());
    app.stop().await;
}

#[tokio::test]
async fn queues_page_by_keyset_and_export_the_whole_view_as_csv() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    for i in 0..120 {
        item(
            &app,
            &cast.a,
            "manager.a",
            "post_entitlement",
            &format!("Item, number {i}"),
        )
        .await;
    }
    let token = app.token("manager.a").await;
    let mut seen = HashSet::new();
    let mut url = format!("{}/api/v1/work-items?limit=50", app.url);
    let mut pages = 0;
    loop {
        let page: Value = client()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        for i in page["items"].as_array().unwrap() {
            assert!(seen.insert(i["id"].as_i64().unwrap()));
        }
        match (
            page["next_after_due"].as_str(),
            page["next_after_id"].as_i64(),
        ) {
            (Some(d), Some(id)) => {
                url = format!(
                    "{}/api/v1/work-items?limit=50&after_due={d}&after_id={id}",
                    app.url
                )
            }
            _ => break,
        }
    }
    assert_eq!((seen.len(), pages), (120, 3));
    let bad = client()
        .get(format!("{}/api/v1/work-items?view=everything", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let c = app.login("manager.a").await;
    let resp = c
        .get(format!("{}/work.csv?office=AAA&view=unassigned", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert_eq!(
        csv.lines().count(),
        121,
        "header and every row, not one page"
    );
    assert!(csv.contains("\"Item, number 7\""), "a comma is quoted");
    // The queue page pages too, and a bad filter is a plain message, not a crash.
    let html = c
        .get(format!("{}/work?office=AAA", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"next-page\""));
    let resp = c
        .get(format!("{}/work?office=AAA&age=forever", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("is not an age bucket"));
    app.stop().await;
}

#[tokio::test]
async fn browser_manager_assigns_in_bulk_and_employee_pulls_next_work_and_completes_it() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            item(
                &app,
                &cast.a,
                "manager.a",
                "post_entitlement",
                &format!("Bulk item {i}"),
            )
            .await
            .id,
        );
    }
    let pulled = item(
        &app,
        &cast.a,
        "manager.a",
        "reconsideration",
        "Appeal to pull",
    )
    .await;
    let b = Browser::start().await;
    let sign_in = |user: &'static str| b.sign_in(&app.url, user, PASSWORD);
    sign_in("manager.a").await;
    b.goto(&format!("{}/work?office=AAA&view=unassigned", app.url))
        .await;
    b.assert_accessible("work queue").await;
    for id in &ids[..3] {
        b.click(&format!("#pick-{id}")).await;
    }
    b.execute(
        "const s = document.querySelector('#bulk-assignee'); s.value = 'employee.a'; s.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
    b.press_enter("#bulk-assign").await;
    b.wait_until(
        "document.body.innerText.includes('assigned to Test employee.a')",
        10,
    )
    .await;
    assert!(b
        .body_text()
        .await
        .contains("3 work item(s) assigned to Test employee.a"));
    b.assert_accessible("work queue after bulk assignment")
        .await;
    b.goto(&format!("{}/dashboard?office=AAA", app.url)).await;
    b.assert_accessible("dashboard").await;
    b.goto(&format!("{}/work/{}", app.url, ids[0])).await;
    b.assert_accessible("work item").await;
    b.press_enter("#sign-out").await;
    b.wait_for_url_containing("/login").await;

    sign_in("employee.a").await;
    b.goto(&format!("{}/work?office=AAA&view=mine", app.url))
        .await;
    assert!(b.body_text().await.contains("Bulk item 0"));
    b.press_enter("#next-work").await;
    b.wait_until("document.querySelector('#item-status') !== null", 10)
        .await;
    assert!(b.body_text().await.contains("This item is yours now"));
    // Two were left unassigned (bulk item 3 and the appeal): the more urgent is now mine.
    let url = b.current_url().await;
    let taken: i64 = url
        .split("/work/")
        .nth(1)
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!(taken == pulled.id || taken == ids[3]);
    assert_eq!(b.text("#item-status").await, "In progress");
    b.assert_accessible("work item in progress").await;
    b.press_enter("#act-complete").await;
    // Completing asks once (a page, no script) and can then be undone for a minute.
    b.wait_until("document.querySelector('#confirm-complete') !== null", 10)
        .await;
    b.assert_accessible("work item asking to confirm completion")
        .await;
    b.press_enter("#confirm-complete").await;
    b.wait_until(
        "document.querySelector('#item-status')?.innerText === 'Completed'",
        10,
    )
    .await;
    assert_eq!(b.text("#item-status").await, "Completed");
    b.goto(&format!("{}/search?q=appeal", app.url)).await;
    b.assert_accessible("search").await;
    b.goto(&format!("{}/notifications", app.url)).await;
    assert!(b.body_text().await.contains("assigned work item"));
    b.assert_accessible("notifications").await;
    b.quit().await;
    let v = viewer(&app, "employee.a").await;
    let done = app.store.work_item(&v, taken).await.unwrap();
    assert_eq!(done.status.as_str(), "completed");
    assert!(done.completed_on.is_some());
    app.stop().await;
}

#[tokio::test]
async fn the_scale_demo_writes_what_it_says_and_its_queues_and_search_work() {
    let app = spawn_app().await;
    app.cast().await;
    let hash = app
        .store
        .user_credentials("employee.a")
        .await
        .unwrap()
        .unwrap()
        .1;
    let today = time::OffsetDateTime::now_utc().date();
    let spec = worktrack_corpus::scale::ScaleSpec {
        offices: 3,
        items: 301,
        documents: 905,
        staff: 2,
        seed: 1,
    };
    let summary = worktrack_corpus::scale::generate(&app.store, &spec, &hash, today, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(
        (summary.offices, summary.items, summary.documents),
        (3, 301, 905)
    );
    assert_eq!(count(&app, "work_item_documents").await, 905);
    let (items, _, _) = worktrack_corpus::scale::table_sizes(&app.store)
        .await
        .unwrap();
    assert_eq!(items, 301);
    // A second run refuses rather than doubling it.
    assert!(
        worktrack_corpus::scale::generate(&app.store, &spec, &hash, today, &|_, _, _| {})
            .await
            .is_err()
    );
    let manager = app.store.user_by_username("scale.manager.1").await.unwrap();
    let area = app
        .store
        .area_office_ids(manager.office_id.unwrap())
        .await
        .unwrap();
    let v = Viewer::for_user(&manager, &area);
    let office = app.store.office_by_code("S0001").await.unwrap();
    let page = app
        .store
        .queue(
            &v,
            &worktrack_store::QueueQuery {
                office_id: office.id,
                view: worktrack_store::QueueView::Open,
                workload: None,
                assignee_id: None,
                age: None,
                after: None,
                limit: 500,
                today,
            },
        )
        .await
        .unwrap();
    assert!(!page.items.is_empty() && page.items.iter().all(|i| i.office_id == office.id));
    assert!(page.items.iter().all(|i| i.status.is_open()));
    let hits = app
        .store
        .search_work(&v, "earnings", Some(office.id), false, 200)
        .await
        .unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.item.office_id == office.id));
    app.stop().await;
}

#[tokio::test]
async fn queue_counts_agree_with_the_queues_and_the_aging_buckets() {
    use worktrack_domain::work::{subtract_business_days, Action, AgeBucket, Status};
    use worktrack_store::{MoveInput, QueueQuery, QueueView};
    let app = spawn_app().await;
    let cast = app.cast().await;
    let office = cast.a.clone();
    let manager = viewer(&app, "manager.a").await;
    let employee = viewer(&app, "employee.a").await;
    let ea = app.store.user_by_username("employee.a").await.unwrap();
    let calendar = app.store.office_calendar(&office).await.unwrap();
    let today = office.today();
    // Received 0, 4, 8 and 15 business days ago, a few of each, in different states.
    let mut items = Vec::new();
    for (n, back) in [0u32, 4, 8, 15, 15, 4, 0, 8].into_iter().enumerate() {
        let it = app
            .store
            .create_work_item(
                &manager,
                &NewWorkItem {
                    office_id: office.id,
                    workload: "post_entitlement".into(),
                    claimant_id: None,
                    title: format!("Counted {n}"),
                    priority: Priority::Normal,
                    received_on: subtract_business_days(&calendar, today, back),
                },
            )
            .await
            .unwrap();
        items.push(it.id);
    }
    let assign = MoveInput {
        assignee_id: Some(ea.id),
        ..MoveInput::default()
    };
    for id in &items[1..5] {
        app.store
            .move_work_item(&manager, *id, Action::Assign, &assign)
            .await
            .unwrap();
    }
    app.store
        .move_work_item(
            &employee,
            items[2],
            Action::Wait,
            &MoveInput {
                note: "the claimant's bank statement".into(),
                ..MoveInput::default()
            },
        )
        .await
        .unwrap();
    for action in [Action::Start, Action::Complete] {
        app.store
            .move_work_item(&employee, items[3], action, &MoveInput::default())
            .await
            .unwrap();
    }

    let mut now = Vec::new();
    for id in &items {
        now.push(app.store.work_item(&manager, *id).await.unwrap());
    }
    let open: Vec<_> = now.iter().filter(|i| i.status.is_open()).collect();
    let today_s = today.to_string();
    let expect_overdue = open
        .iter()
        .filter(|i| i.status != Status::Waiting && i.due_on < today_s)
        .count() as i64;
    assert!(expect_overdue > 0, "the 15-day-old open item is overdue");

    for (who, mine) in [(&manager, 0), (&employee, 3)] {
        let c = app
            .store
            .queue_counts(who, &office, &calendar, today)
            .await
            .unwrap();
        assert_eq!(c.open, 7, "one of eight is completed");
        assert_eq!(c.unassigned, 4);
        assert_eq!(c.waiting, 1);
        assert_eq!(c.mine, mine);
        assert_eq!(c.overdue, expect_overdue);
        assert_eq!(
            c.aging,
            [2, 2, 2, 1],
            "0 days: 2; 4: 2; 8: 2; 15: one left open"
        );
        // Each figure is the length of its queue.
        for (view, n) in [
            (QueueView::Open, c.open),
            (QueueView::Unassigned, c.unassigned),
            (QueueView::Waiting, c.waiting),
            (QueueView::Mine, c.mine),
            (QueueView::Overdue, c.overdue),
            (QueueView::DueToday, c.due_today),
        ] {
            let q = QueueQuery {
                office_id: office.id,
                view,
                workload: None,
                assignee_id: None,
                age: None,
                after: None,
                limit: 100,
                today,
            };
            let page = app.store.queue(who, &q).await.unwrap();
            assert_eq!(page.items.len() as i64, n, "{view:?}");
        }
        for (i, b) in AgeBucket::ALL.into_iter().enumerate() {
            let q = QueueQuery {
                office_id: office.id,
                view: QueueView::Open,
                workload: None,
                assignee_id: None,
                age: Some(b),
                after: None,
                limit: 100,
                today,
            };
            let page = app.store.queue(who, &q).await.unwrap();
            assert_eq!(page.items.len() as i64, c.aging[i], "{b:?}");
        }
    }
}

#[tokio::test]
async fn pages_see_reference_changes_at_once_and_other_processes_changes_within_the_ttl() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = viewer(&app, "manager.a").await;
    let days = |rules: &[worktrack_store::WorkloadRule]| {
        rules
            .iter()
            .find(|r| r.workload == "post_entitlement")
            .and_then(|r| r.office_days)
    };
    assert_eq!(
        days(&app.store.workload_rules_cached(cast.a.id).await.unwrap()),
        None
    );
    app.store
        .set_deadline_policy(&manager, &cast.a, "post_entitlement", "7")
        .await
        .unwrap();
    assert_eq!(
        days(&app.store.workload_rules_cached(cast.a.id).await.unwrap()),
        Some(7),
        "a change made through this store is seen at once"
    );
    let staff = app.store.staff_cached(cast.a.id).await.unwrap().len();
    user_with_skills(&app, "new.hire", &cast.a, "ssi").await;
    assert_eq!(
        app.store.staff_cached(cast.a.id).await.unwrap().len(),
        staff + 1
    );
    let calendar = app.store.office_calendar_cached(&cast.a).await.unwrap();
    let next = calendar.add_business_days(cast.a.today(), 3);

    // Another process (here: a separate connection) changes the closures and a policy.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO closures (office_id, day, reason, created_at) VALUES ($1, $2, 'storm', 0)",
    )
    .bind(cast.a.id)
    .bind(next.to_string())
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("UPDATE deadline_policies SET days = 9 WHERE office_id = $1")
        .bind(cast.a.id)
        .execute(&mut conn)
        .await
        .unwrap();
    tokio::time::sleep(worktrack_store::REFERENCE_TTL + std::time::Duration::from_millis(200))
        .await;
    assert!(!app
        .store
        .office_calendar_cached(&cast.a)
        .await
        .unwrap()
        .is_business_day(next));
    assert_eq!(
        days(&app.store.workload_rules_cached(cast.a.id).await.unwrap()),
        Some(9)
    );
}

#[tokio::test]
async fn saved_views_appear_at_once_are_private_and_a_bad_name_changes_nothing() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("manager.a").await;
    let csrf = csrf_token(&app, &c, "/work?office=AAA").await;
    let query = "office=AAA&view=overdue&workload=payee";
    let saved = c
        .post(format!("{}/work/views", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Late payee work"),
            ("query", query),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = page_text(&c, &format!("{}/work?office=AAA", app.url)).await;
    assert!(
        page.contains("Late payee work"),
        "the view is listed on the next page"
    );
    let other = app.login("employee.a").await;
    let theirs = page_text(&other, &format!("{}/work?office=AAA", app.url)).await;
    assert!(!theirs.contains("Late payee work"), "views are per user");

    let before = count(&app, "saved_views").await;
    let refused = c
        .post(format!("{}/work/views", app.url))
        .form(&[("csrf", csrf.as_str()), ("name", "  "), ("query", query)])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let back = refused.headers()["location"].to_str().unwrap().to_string();
    let bad = page_text(&c, &format!("{}{back}", app.url)).await;
    assert!(bad.contains("a saved view needs a name"), "{bad}");
    assert_eq!(count(&app, "saved_views").await, before);

    let uid = app.store.user_by_username("manager.a").await.unwrap().id;
    let id = app.store.saved_views(uid).await.unwrap()[0].id;
    c.post(format!("{}/work/views/{id}/delete", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let page = page_text(&c, &format!("{}/work?office=AAA", app.url)).await;
    assert!(
        !page.contains("Late payee work"),
        "a removed view is gone at once"
    );
}

/// An item of office AAA assigned to employee.a and in progress.
async fn in_progress_for_employee(app: &TestApp, office: &Office, title: &str) -> WorkItem {
    let it = item(app, office, "manager.a", "post_entitlement", title).await;
    let a = app.store.user_by_username("employee.a").await.unwrap();
    let m = viewer(app, "manager.a").await;
    app.store.assign_bulk(&m, &[it.id], a.id).await.unwrap();
    let ea = viewer(app, "employee.a").await;
    app.store
        .move_work_item(
            &ea,
            it.id,
            worktrack_domain::work::Action::Start,
            &Default::default(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn completing_asks_once_and_can_be_undone_within_a_minute_only() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let it = in_progress_for_employee(&app, &cast.a, "Change of address").await;
    let c = app.login("employee.a").await;
    let page = format!("{}/work/{}", app.url, it.id);
    let html = page_text(&c, &page).await;
    // The actions come before the facts; the deadline reads as days allowed.
    assert!(html.find("id=\"act-heading\"").unwrap() < html.find("id=\"facts-heading\"").unwrap());
    assert!(html.contains("business days allowed"), "{html}");
    let token = form_token(&html).unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", token.clone())];
        form.extend(fields);
        c.post(&page).form(&form).send()
    };
    // "Complete" without the confirmation only asks.
    let resp = post(vec![("action", "complete".into())]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let asked = resp.text().await.unwrap();
    assert!(asked.contains("id=\"confirm-complete\""), "{asked}");
    let ea = viewer(&app, "employee.a").await;
    assert_eq!(
        app.store
            .work_item(&ea, it.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "in_progress"
    );
    // The link form asks the same way, without JavaScript.
    let asked = page_text(&c, &format!("{page}?confirm=complete")).await;
    assert!(asked.contains("id=\"confirm-complete\""));
    // Confirmed: completed, and the page offers Undo.
    let resp = post(vec![
        ("action", "complete".into()),
        ("confirmed", "yes".into()),
    ])
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .work_item(&ea, it.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "completed"
    );
    let html = page_text(&c, &page).await;
    assert!(html.contains("id=\"act-undo\""), "{html}");
    // The store refuses an undo after the minute, and nothing changes.
    let (at, _) = app.store.last_completion(it.id).await.unwrap().unwrap();
    let history_before = count(&app, "work_item_history").await;
    let err = app
        .store
        .undo_complete(&ea, it.id, at + 60_001)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("minute"), "{err}");
    assert_eq!(count(&app, "work_item_history").await, history_before);
    // Someone else (another employee) may not undo it.
    let other = user_with_skills(&app, "other.emp", &cast.a, "").await;
    let ov = viewer(&app, &other.username).await;
    assert!(app.store.undo_complete(&ov, it.id, at).await.is_err());
    // Within the minute, Undo returns it to in progress.
    let resp = post(vec![("action", "undo".into())]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let back = app.store.work_item(&ea, it.id).await.unwrap();
    assert_eq!(back.status.as_str(), "in_progress");
    assert_eq!(back.completed_on, None);
    // Undo again: there is nothing to undo.
    let resp = post(vec![("action", "undo".into())]).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // History in words, not codes.
    let html = page_text(&c, &page).await;
    let history = &html[html.find("id=\"history\"").unwrap()..];
    assert!(
        history.contains("Completion undone: in progress again"),
        "{history}"
    );
    assert!(history.contains("Assigned to Test employee.a"), "{history}");
    for code in ["in_progress", ">assign<", ">complete<", "undo_complete"] {
        assert!(!history.contains(code), "{code} in {history}");
    }
    app.stop().await;
}

#[tokio::test]
async fn dashboard_settings_have_their_own_page_with_errors_next_to_the_field() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let busy = in_progress_for_employee(&app, &cast.a, "Busy").await;
    let c = app.login("manager.a").await;
    let settings = format!("{}/dashboard/settings?office=AAA", app.url);
    let html = page_text(&c, &settings).await;
    assert!(html.contains("id=\"days-reconsideration\""), "{html}");
    assert!(html.contains("id=\"leave-first\""));
    // The dashboard keeps the figures; the settings moved away.
    let dash = page_text(&c, &format!("{}/dashboard?office=AAA", app.url)).await;
    assert!(!dash.contains("id=\"days-reconsideration\""));
    assert!(dash.contains("id=\"dashboard-settings\""));
    // Only people with work are in the load chart and table; the others are named below.
    let load = &dash
        [dash.find("id=\"load-heading\"").unwrap()..dash.find("id=\"backlog-heading\"").unwrap()];
    assert!(load.contains("Test employee.a"), "{load}");
    let table = &load[load.find("<table").unwrap()..load.find("</table>").unwrap()];
    assert!(!table.contains("Test manager.a"), "{table}");
    assert!(load.contains("No open work: ") && load.contains("Test manager.a"));
    // Weeks before the office's first item are gaps, not zeros.
    assert!(dash.contains("no data"), "{dash}");
    let _ = busy;

    let token = form_token(&html).unwrap();
    let policies_before = count(&app, "deadline_policies").await;
    let resp = c
        .post(format!("{}/dashboard/policy", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("workload", "reconsideration"),
            ("days", "-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    let err_at = html
        .find("id=\"days-reconsideration-error\"")
        .expect("error next to the field");
    let field_at = html.find("id=\"days-reconsideration\"").unwrap();
    assert!(
        err_at < field_at && field_at - err_at < 400,
        "the message is beside its field"
    );
    assert!(html.contains("0 to 365 business days"));
    assert!(html.contains("value=\"-1\""), "what was typed stays");
    assert_eq!(count(&app, "deadline_policies").await, policies_before);
    // Leave with a bad date: the date field says so; nothing recorded.
    let leave_before = count(&app, "leave").await;
    let resp = c
        .post(format!("{}/dashboard/leave", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("user", "employee.a"),
            ("first_day", "tomorrow"),
            ("last_day", "2030-01-02"),
            ("note", "course"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"leave-first-error\""), "{html}");
    assert!(html.contains("value=\"course\""));
    assert_eq!(count(&app, "leave").await, leave_before);
    // A good one is saved and the settings page says so.
    let resp = c
        .post(format!("{}/dashboard/policy", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("workload", "reconsideration"),
            ("days", "12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/dashboard/settings?office=AAA"));
    // Employees do not see the settings; analysts get no office dashboard but the national
    // figures.
    let e = app.login("employee.a").await;
    let resp = e.get(&settings).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let an = app.login("analyst").await;
    let resp = an
        .get(format!("{}/dashboard", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/national");
    let resp = an.get(&settings).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn search_marks_matched_words_and_never_passes_html_from_data() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    item(
        &app,
        &cast.a,
        "manager.a",
        "post_entitlement",
        "<b>Wage</b> report for <script>x</script>",
    )
    .await;
    let c = app.login("employee.a").await;
    let html = page_text(&c, &format!("{}/search?q=wage", app.url)).await;
    assert!(html.contains("<mark>Wage</mark>"), "{html}");
    assert!(
        html.contains("&#60;b&#62;<mark>Wage</mark>&#60;/b&#62;"),
        "{html}"
    );
    assert!(!html.contains("<script>x"), "no HTML from data");
    assert!(html.contains("type=\"search\""));
    assert!(html.contains("<label for=\"s-q\">"));
    // The label sits right after its checkbox, in the same row.
    let cb = html.find("id=\"s-open\"").unwrap();
    let label = html.find("<label for=\"s-open\">").unwrap();
    assert!(label > cb && label - cb < 80, "label beside its checkbox");
    app.stop().await;
}

#[tokio::test]
async fn home_is_the_persons_day_with_counts_in_the_navigation() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let it = in_progress_for_employee(&app, &cast.a, "Earnings query").await;
    let c = app.login("employee.a").await;
    let html = page_text(&c, &format!("{}/", app.url)).await;
    assert!(html.contains("id=\"home-role\"") && html.contains("id=\"home-office\""));
    let mine = &html[html.find("id=\"my-work\"").expect("my work listed")..];
    assert!(mine.contains(&format!("/work/{}", it.id)) && mine.contains(&it.due_on));
    // The assignment left an unread notification: listed, and counted in the navigation.
    assert!(html.contains("id=\"unread\""), "{html}");
    let nav = &html[..html.find("<main").unwrap()];
    assert!(
        nav.contains("Notifications <span class=\"nav-count\">1<"),
        "{nav}"
    );
    assert!(html.contains("id=\"to-profile-count\">0<"));
    // The queue: no selects repeating the tabs or the aging list, a skip link, labelled cells.
    let q = page_text(&c, &format!("{}/work?office=AAA&view=mine", app.url)).await;
    assert!(!q.contains("id=\"f-view\"") && !q.contains("id=\"f-age\""));
    assert!(q.contains("id=\"skip-results\"") && q.contains("id=\"results\""));
    assert!(q.contains("data-label=\"Due\" class=\"nowrap\""));
    assert!(q.contains("class=\"page-wide\""));
    // Read: the count goes.
    let token = form_token(&html).unwrap();
    c.post(format!("{}/notifications/read", app.url))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    let html = page_text(&c, &format!("{}/", app.url)).await;
    assert!(
        !html.contains("nav-count"),
        "no count when nothing is unread"
    );
    assert!(html.contains("id=\"unread-empty\""));
    app.stop().await;
}

#[tokio::test]
async fn documents_accepted_automatically_count_as_profiled_not_waiting() {
    let app = spawn_app().await;
    app.stop_workers().await;
    let cast = app.cast().await;
    let mut ids = Vec::new();
    for name in ["one.pdf", "two.pdf", "three.pdf"] {
        ids.push(take_in_letter(&app, &cast.a, name, &format!("Letter {name}")).await);
    }
    let set = |id: i64, status: &'static str| {
        let url = app.database_url.clone();
        async move {
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query("UPDATE documents SET profile_status = $1 WHERE id = $2")
                .bind(status)
                .bind(id)
                .execute(&mut conn)
                .await
                .unwrap();
        }
    };
    set(ids[0], worktrack_store::PROFILE_CONFIRMED).await;
    set(ids[1], worktrack_store::PROFILE_AUTO).await;
    assert_eq!(app.store.documents_to_profile(cast.a.id).await.unwrap(), 1);
    let (received, uploaded, profiled, waiting) = app
        .store
        .paper_today(cast.a.id, cast.a.today())
        .await
        .unwrap();
    assert_eq!((received, uploaded, profiled, waiting), (3, 3, 2, 1));
}
