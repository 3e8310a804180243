//! Profiling: OCR and extraction of generated scans, learning from confirmations, the
//! workbench's refusals, auto-accept, `worktrack profile eval`, and documents that cannot be
//! profiled the ordinary way (unreadable, blank, very long, two SSNs, a worker killed
//! mid-job).

use crate::support::*;
use reqwest::StatusCode;
use sqlx::Connection;
use std::path::Path;
use std::time::{Duration, Instant};
use worktrack_corpus::fixtures::pdf;
use worktrack_corpus::{generate, CorpusOptions, Truth};
use worktrack_pipeline::intake::Incoming;
use worktrack_store::{Office, Source};

/// Takes the file at `path` into `office` as the hot folder would; returns the document id.
pub(crate) async fn take_in(app: &TestApp, office: &Office, path: &Path) -> i64 {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let outcome = app
        .intake
        .take_in(
            &worktrack_store::Actor::system("test"),
            Incoming {
                path,
                filename: &name,
                office,
                received_on: time::macros::date!(2026 - 11 - 16),
                original_evidence: false,
                source: Source::Import,
                source_key: None,
            },
        )
        .await
        .unwrap();
    outcome.document.id
}

/// Waits until a document's profiling is past reading (suggested, accepted or failed).
pub(crate) async fn wait_profiled(app: &TestApp, id: i64) -> String {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let status = app.store.profile_status(id).await.unwrap();
        if !matches!(status.as_str(), "none" | "pending") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "document {id} never profiled (text: {})",
            app.store.text_status(id).await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The status of `id` once no job is queued or running: the profile job records a suggestion
/// before it decides on auto-acceptance, so "suggested" alone may be a moment in between.
pub(crate) async fn settled_profile(app: &TestApp, id: i64) -> String {
    wait_profiled(app, id).await;
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let queued = app
            .store
            .jobs(worktrack_store::JOB_QUEUED, 1)
            .await
            .unwrap();
        let running = app
            .store
            .jobs(worktrack_store::JOB_RUNNING, 1)
            .await
            .unwrap();
        if queued.is_empty() && running.is_empty() {
            return app.store.profile_status(id).await.unwrap();
        }
        assert!(Instant::now() < deadline, "jobs never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn corpus(dir: &Path, count: usize, seed: u64, scanned_share: f32) -> CorpusOptions {
    CorpusOptions {
        count,
        seed,
        scanned_share,
        out: dir.to_path_buf(),
        jobs: 2,
    }
}

#[tokio::test]
async fn ocr_of_generated_scans_recovers_the_ssn_and_form_number_and_reads_turned_pages_upright() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = app.dir.path().join("scans");
    // Scanned forms only; seeds are tried until the corpus has a page turned upside down or
    // sideways as well as upright ones (the generator turns about one page in seven).
    let mut picked: Vec<Truth> = Vec::new();
    for seed in 1..40u64 {
        let _ = std::fs::remove_dir_all(&dir);
        let truths = generate(&corpus(&dir, 17, seed, 1.0)).await.unwrap();
        let forms: Vec<Truth> = truths
            .into_iter()
            .filter(|t| {
                t.scanned && t.form_number.is_some() && t.ssn.is_some() && t.second_ssn.is_none()
            })
            .collect();
        let turned = forms.iter().find(|t| t.rotation != 0).cloned();
        let upright = forms.iter().find(|t| t.rotation == 0).cloned();
        if let (Some(a), Some(b)) = (turned, upright) {
            picked = vec![a, b];
            break;
        }
    }
    assert_eq!(
        picked.len(),
        2,
        "no seed gave a turned and an upright scanned form"
    );
    for t in &picked {
        let id = take_in(&app, &cast.a, &dir.join(&t.file)).await;
        assert_eq!(wait_profiled(&app, id).await, "suggested", "{}", t.file);
        let texts = app.store.page_texts(id).await.unwrap();
        assert_eq!(texts[0].source, "ocr");
        assert_eq!(
            texts[0].rotation as u32, t.rotation,
            "{}: read upright after turning it",
            t.file
        );
        let profile = app
            .store
            .document_profile_unscoped(id)
            .await
            .unwrap()
            .unwrap();
        let ssn = t.ssn.as_deref().unwrap();
        assert_eq!(
            profile.ssns.first().map(|s| s.masked.clone()),
            Some(format!("***-**-{}", &ssn[ssn.len() - 4..])),
            "{}: the SSN is recovered",
            t.file
        );
        let want = worktrack_domain::catalogue::normalise_form(t.form_number.as_deref().unwrap());
        assert!(
            profile
                .form_numbers
                .iter()
                .any(|f| worktrack_domain::catalogue::normalise_form(f) == want),
            "{}: form {want} in {:?}",
            t.file,
            profile.form_numbers
        );
        // The number itself is nowhere in the stored text.
        for p in &texts {
            assert!(!p.text.contains(ssn) && !p.words.contains(ssn));
        }
        // The SSN's box is kept to outline it on the page.
        assert!(profile.ssns[0].bbox.is_some(), "{}", t.file);
    }
    app.stop().await;
}

/// A letter as a born-digital PDF (text layer): quick to read.
fn letter(name: &str, extra: &str) -> Vec<u8> {
    let text = format!(
        "Dear Social Security office, I am writing about my neighbour {name} who asked me to \
         tell you that the mail for {name} should go to the new address from now on. {extra}"
    );
    pdf(&[(&text, 6000, 792)])
}

async fn confirm_form(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf_token(app, c, &format!("/profiling/documents/{id}")).await;
    let mut form: Vec<(String, String)> = vec![("csrf".into(), token)];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    c.post(format!("{}/profiling/documents/{id}", app.url))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_single_correction_changes_the_next_suggestion_for_a_near_identical_document() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = app.dir.path().join("letters");
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("first.pdf");
    std::fs::write(&first, letter("Robin Example", "Thank you.")).unwrap();
    let id = take_in(&app, &cast.a, &first).await;
    assert_eq!(wait_profiled(&app, id).await, "suggested");
    let before = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    // Whatever it guessed, the person says otherwise.
    let corrected = if before.suggested_code.as_deref() == Some("795") {
        "CORR"
    } else {
        "795"
    };
    let c = app.login("employee.a").await;
    let resp = confirm_form(&app, &c, id, &[("profile_code", corrected)]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let after = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.profile_code.as_deref(), Some(corrected));
    assert_eq!(after.suggestion_correct, Some(false));
    assert!(after.due_on.is_some());

    let second = dir.join("second.pdf");
    std::fs::write(&second, letter("Sam Other", "Thank you very much.")).unwrap();
    let id2 = take_in(&app, &cast.a, &second).await;
    assert_eq!(wait_profiled(&app, id2).await, "suggested");
    let next = app
        .store
        .document_profile_unscoped(id2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        next.suggested_code.as_deref(),
        Some(corrected),
        "the next suggestion follows the correction (before: {:?})",
        before.suggested_code
    );
    // The model that made it is newer than the one before the correction.
    assert!(next.model_version > before.model_version);
    app.stop().await;
}

#[tokio::test]
async fn the_workbench_refuses_bad_profiles_and_changes_nothing() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let other = app.store.office_by_code("BBB").await.unwrap();
    let employee_b = app.store.user_by_username("employee.b").await.unwrap();
    let stranger = app
        .store
        .create_claimant(
            &worktrack_store::Viewer::for_user(&employee_b, &[]),
            &other,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Pat Elsewhere").unwrap(),
                ssn: "923-45-6789".into(),
                date_of_birth: None,
                email: None,
            },
        )
        .await
        .unwrap();
    let path = app.dir.path().join("letter.pdf");
    std::fs::write(&path, letter("Robin Example", "")).unwrap();
    let id = take_in(&app, &cast.a, &path).await;
    wait_profiled(&app, id).await;
    let models_before = count(&app, "classifier_models").await;
    let audit_before = count(&app, "audit_log").await;
    let c = app.login("employee.a").await;
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("profile_code", "NOPE".into())],
            "is not a profile code",
        ),
        (
            vec![
                ("profile_code", "827".into()),
                ("field_date_of_birth", "1961-02-30".into()),
            ],
            "must be a date",
        ),
        (
            vec![
                ("profile_code", "827".into()),
                ("claimant_id", stranger.id.to_string()),
            ],
            "not one of this office",
        ),
        (
            vec![
                ("profile_code", "827".into()),
                ("field_claimant_name", "912-34-5678".into()),
            ],
            "looks like an SSN",
        ),
        (
            vec![
                ("profile_code", "827".into()),
                ("field_no_such_field", "x".into()),
            ],
            "unknown field",
        ),
    ];
    for (fields, message) in cases {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = confirm_form(&app, &c, id, &f).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let html = resp.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(!html.contains("912-34-5678"), "the SSN is not echoed");
    }
    assert_eq!(app.store.profile_status(id).await.unwrap(), "suggested");
    assert_eq!(
        count(&app, "classifier_models").await,
        models_before,
        "no training"
    );
    let profile = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    assert!(profile.profile_code.is_none());
    // Views of the page were audited; no profile was recorded.
    assert!(count(&app, "audit_log").await > audit_before);
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'document.profile'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(n, 0);
    // An auditor may look but not profile; another office's employee sees nothing.
    let auditor = app.login("auditor").await;
    let resp = confirm_form(&app, &auditor, id, &[("profile_code", "827")]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let b = app.login("employee.b").await;
    let resp = b
        .get(format!("{}/profiling/documents/{id}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_catalogue_refuses_bad_entries_and_keeps_good_ones() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("admin.user").await;
    let token = csrf_token(&app, &c, "/catalogue").await;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let c = c.clone();
        let token = token.clone();
        let url = format!("{}/catalogue/codes", app.url);
        async move {
            let mut f = vec![("csrf", token.as_str())];
            f.extend(form);
            c.post(url).form(&f).send().await.unwrap()
        }
    };
    let before = app.store.catalogue().await.unwrap();
    for (days, message) in [
        ("-1", "1 to 365"),
        ("abc", "whole number"),
        ("0", "1 to 365"),
    ] {
        let resp = post(vec![
            ("code", "827"),
            ("name", "Authorization"),
            ("document_type", "SSA-827"),
            ("workload", "initial_disability"),
            ("deadline_days", days),
            ("active", "on"),
        ])
        .await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{days}");
        assert!(resp.text().await.unwrap().contains(message), "{days}");
    }
    let resp = post(vec![
        ("code", "NEW1"),
        ("name", "x"),
        ("document_type", "NO_SUCH_TYPE"),
        ("workload", "initial_disability"),
        ("deadline_days", "5"),
    ])
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store.catalogue().await.unwrap(),
        before,
        "nothing changed"
    );

    let resp = post(vec![
        ("code", "827"),
        ("name", "Authorization to disclose"),
        ("document_type", "SSA-827"),
        ("workload", "initial_disability"),
        ("deadline_days", "7"),
        ("active", "on"),
    ])
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let after = app.store.catalogue().await.unwrap();
    assert_eq!(after.profile_code("827").unwrap().deadline_days, 7);
    // Switched off: no longer offered.
    let resp = post(vec![
        ("code", "CORR"),
        ("name", "Other correspondence"),
        ("document_type", "CORRESPONDENCE"),
        ("workload", "post_entitlement"),
        ("deadline_days", "10"),
    ])
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(app
        .store
        .catalogue()
        .await
        .unwrap()
        .profile_code("CORR")
        .is_none());
    // Employees may read it but not change it.
    let e = app.login("employee.a").await;
    let token = csrf_token(&app, &e, "/catalogue").await;
    let resp = e
        .post(format!("{}/catalogue/codes", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "827"),
            ("name", "x"),
            ("document_type", "SSA-827"),
            ("workload", "initial_disability"),
            ("deadline_days", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn editing_a_profile_code_changes_only_what_was_changed() {
    let app = spawn_app().await;
    app.cast().await;
    let c = app.login("admin.user").await;
    let before = app.store.catalogue().await.unwrap();
    let pay = before.profile_code("PAY").unwrap().clone();
    assert_ne!(pay.deadline_days, 7);
    // The edit form shows PAY's current values, its type and workload selected.
    let html = page_text(&c, &format!("{}/catalogue?edit=PAY", app.url)).await;
    assert!(
        html.contains(
            r#"id="pc-code" name="code" maxlength="16" aria-describedby="pc-code-hint" value="PAY""#
        ),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<option value="{}" selected>"#,
            pay.document_type
        )),
        "type selected"
    );
    assert!(
        html.contains(&format!(r#"<option value="{}" selected>"#, pay.workload)),
        "workload selected"
    );
    assert!(html.contains(&format!(r#"value="{}""#, pay.deadline_days)));
    assert_eq!(
        html.matches(" selected>").count(),
        2,
        "only the current type and workload"
    );
    assert!(
        html.contains(r#"href="/catalogue?edit=PAY"#),
        "an Edit link per row"
    );

    // A save that names only the deadline keeps the rest.
    let token = csrf_token(&app, &c, "/catalogue").await;
    let resp = c
        .post(format!("{}/catalogue/codes", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "PAY"),
            ("deadline_days", "7"),
            ("active", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let after = app.store.catalogue().await.unwrap();
    let changed = after.profile_code("PAY").unwrap();
    assert_eq!(changed.deadline_days, 7);
    assert_eq!(changed.document_type, pay.document_type);
    assert_eq!(changed.workload, pay.workload);
    assert_eq!(changed.name, pay.name);
    // Every other code is as it was.
    for p in &before.profile_codes {
        if p.code != "PAY" {
            assert_eq!(after.profile_code(&p.code), Some(p), "{}", p.code);
        }
    }
    // The form as the page fills it, with the deadline changed back, saves the same way.
    let html = page_text(&c, &format!("{}/catalogue?edit=PAY", app.url)).await;
    assert!(html.contains(r#"value="7""#));
    let resp = c
        .post(format!("{}/catalogue/codes", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "PAY"),
            ("name", pay.name.as_str()),
            ("document_type", pay.document_type.as_str()),
            ("workload", pay.workload.as_str()),
            ("deadline_days", &pay.deadline_days.to_string()),
            ("active", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.catalogue().await.unwrap(), before);
    // A new code still needs every part.
    let resp = c
        .post(format!("{}/catalogue/codes", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "NEW9"),
            ("deadline_days", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("needs a name"));
    assert_eq!(app.store.catalogue().await.unwrap(), before);
    app.stop().await;
}

/// An SSA-827 with `ssn` on it, as a born-digital PDF.
fn authorization(dir: &Path, name: &str, ssn: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.pdf"));
    let text = format!(
        "Form SSA-827 Authorization to disclose information to the Social Security \
         Administration. Claimant SSN {ssn}. {name}."
    );
    std::fs::write(&p, pdf(&[(&text, 3600, 792)])).unwrap();
    p
}

#[tokio::test]
async fn batch_accept_leaves_documents_without_a_matched_claimant_to_a_person() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .create_claimant(
            &worktrack_store::Viewer::for_user(&manager, &[]),
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Robin Example").unwrap(),
                ssn: "912-34-5678".into(),
                date_of_birth: None,
                email: None,
            },
        )
        .await
        .unwrap();
    let dir = app.dir.path().join("batch");
    std::fs::create_dir_all(&dir).unwrap();
    let matched = take_in(
        &app,
        &cast.a,
        &authorization(&dir, "matched", "912-34-5678"),
    )
    .await;
    let unmatched = take_in(
        &app,
        &cast.a,
        &authorization(&dir, "unmatched", "923-45-6789"),
    )
    .await;
    assert_eq!(settled_profile(&app, matched).await, "suggested");
    assert_eq!(settled_profile(&app, unmatched).await, "suggested");
    let p = app
        .store
        .document_profile_unscoped(unmatched)
        .await
        .unwrap()
        .unwrap();
    assert!(p.suggested_code.is_some() && p.suggested_claimant_id.is_none());

    let c = app.login("employee.a").await;
    let html = page_text(&c, &format!("{}/profiling?office=AAA", app.url)).await;
    let checkbox = |id: i64| {
        let start = html.find(&format!(r#"id="pick-{id}""#)).unwrap();
        let end = start + html[start..].find('>').unwrap();
        html[start..end].to_string()
    };
    assert!(
        !checkbox(unmatched).contains("checked"),
        "{}",
        checkbox(unmatched)
    );

    // Ticked anyway (a crafted form): the matched one is accepted, the other left untouched.
    let token = csrf_token(&app, &c, "/profiling?office=AAA").await;
    let resp = c
        .post(format!("{}/profiling/batch", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("doc", &matched.to_string()),
            ("doc", &unmatched.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = page_text(&c, &format!("{}/profiling?office=AAA", app.url)).await;
    assert!(html.contains("1 document(s) profiled"), "{html}");
    assert!(html.contains("Left to a person"), "{html}");
    assert!(html.contains(&format!("document {unmatched}.")), "{html}");
    assert_eq!(
        app.store.profile_status(matched).await.unwrap(),
        "confirmed"
    );
    assert_eq!(
        app.store.profile_status(unmatched).await.unwrap(),
        "suggested"
    );
    let p = app
        .store
        .document_profile_unscoped(unmatched)
        .await
        .unwrap()
        .unwrap();
    assert!(p.profile_code.is_none() && p.claimant_id.is_none());
    app.stop().await;
}

#[tokio::test]
async fn documents_that_cannot_be_profiled_the_ordinary_way_say_why_and_lose_nothing() {
    use worktrack_corpus::fixtures::tool;
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = app.dir.path().join("odd");
    std::fs::create_dir_all(&dir).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // An image of nothing, and one of noise Tesseract cannot read.
    let blank = dir.join("blank.png");
    tool(
        "convert",
        &[
            "-size",
            "1700x2200",
            "xc:white",
            "-density",
            "200",
            &s(&blank),
        ],
    )
    .await;
    let noise = dir.join("noise.png");
    tool(
        "convert",
        &[
            "-size",
            "1700x2200",
            "xc:",
            "+noise",
            "Random",
            "-colorspace",
            "Gray",
            &s(&noise),
        ],
    )
    .await;
    // Two SSNs: the claimant's and a representative payee's.
    let two = dir.join("two-ssns.pdf");
    std::fs::write(
        &two,
        pdf(&[(
            "Form SSA-795 Statement. Claimant SSN 912-34-5678. Payee SSN 934-56-7890.",
            3000,
            792,
        )]),
    )
    .unwrap();
    // Longer than the pages read.
    let long = dir.join("long.pdf");
    let pages: Vec<String> = (1..=501)
        .map(|i| format!("Medical record page {i} of 501"))
        .collect();
    let spec: Vec<(&str, u32, u32)> = pages.iter().map(|p| (p.as_str(), 612, 792)).collect();
    std::fs::write(&long, pdf(&spec)).unwrap();

    let ids = [
        take_in(&app, &cast.a, &blank).await,
        take_in(&app, &cast.a, &noise).await,
        take_in(&app, &cast.a, &two).await,
        take_in(&app, &cast.a, &long).await,
    ];
    let expect = [
        "No text could be read",
        "No text could be read",
        "2 different SSNs were found (***-**-5678 on page 1, ***-**-7890 on page 1)",
        "Only the first 500 pages were read",
    ];
    for (id, message) in ids.iter().zip(expect) {
        assert_eq!(wait_profiled(&app, *id).await, "suggested", "{message}");
        let p = app
            .store
            .document_profile_unscoped(*id)
            .await
            .unwrap()
            .unwrap();
        let attention = p.attention.clone().unwrap_or_default();
        assert!(
            attention.contains(message),
            "{attention:?} should say {message:?}"
        );
        assert!(!attention.contains("912-34-5678"));
    }
    assert_eq!(app.store.text_status(ids[3]).await.unwrap(), "partial");
    // Nothing is dropped: every file is a document, whole, in the queue for a person.
    let c = app.login("manager.a").await;
    let html = c
        .get(format!("{}/profiling?office=AAA", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for id in ids {
        assert!(
            html.contains(&format!("/profiling/documents/{id}\"")),
            "{id} listed"
        );
        // Preselected for batch acceptance only when nothing needs checking.
        assert!(!html.contains(&format!("value=\"{id}\" id=\"pick-{id}\" aria-label=\"Accept the suggestion for document {id}\" checked")));
    }
    app.stop().await;
}

#[tokio::test]
async fn a_worker_killed_mid_job_leaves_the_job_to_the_next_worker() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    app.stop_workers().await;
    let path = app.dir.path().join("letter.pdf");
    std::fs::write(&path, letter("Robin Example", "")).unwrap();
    let id = take_in(&app, &cast.a, &path).await;
    // A worker takes every job queued for the document and dies holding them: its leases
    // (1 ms here) run out.
    let mut taken = Vec::new();
    while let Some(job) = app.store.claim_job("killed", 1).await.unwrap() {
        taken.push(job.kind.clone());
        if taken.len() > 5 {
            break;
        }
    }
    assert!(taken.contains(&"text".to_string()), "{taken:?}");
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The next worker finds them again and finishes the document, profiling included.
    while worktrack_pipeline::jobs::run_one(
        &app.intake,
        &worktrack_pipeline::jobs::Pool::new(1),
        "next",
        None,
    )
    .await
    .unwrap()
    {}
    assert_eq!(app.store.text_status(id).await.unwrap(), "done");
    assert_eq!(app.store.profile_status(id).await.unwrap(), "suggested");
    app.stop().await;
}

/// Posts the office's auto-accept switch as `username`; returns the answer's status.
async fn switch_auto_accept(app: &TestApp, username: &str, value: &str) -> StatusCode {
    let c = app.login(username).await;
    let token = csrf_token(app, &c, "/profiling?office=AAA").await;
    c.post(format!("{}/profiling/auto-accept", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("office", "AAA"),
            ("auto_accept", value),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn auto_accept_waits_for_measured_precision_then_accepts_confident_matched_documents() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = app.store.user_by_username("manager.a").await.unwrap();
    let viewer = worktrack_store::Viewer::for_user(&manager, &[]);
    app.store
        .create_claimant(
            &viewer,
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Robin Example").unwrap(),
                ssn: "912-34-5678".into(),
                date_of_birth: None,
                email: None,
            },
        )
        .await
        .unwrap();
    let dir = app.dir.path().join("auto");
    std::fs::create_dir_all(&dir).unwrap();
    let doc = |name: &str, n: usize| {
        let p = dir.join(format!("{name}-{n}.pdf"));
        let text = format!(
            "Form SSA-827 Authorization to disclose information to the Social Security \
             Administration. Claimant SSN 912-34-5678. Copy {n}."
        );
        std::fs::write(&p, pdf(&[(&text, 3600, 792)])).unwrap();
        p
    };
    // Before any measured precision, even a confident suggestion waits for a person.
    let first = take_in(&app, &cast.a, &doc("first", 0)).await;
    assert_eq!(settled_profile(&app, first).await, "suggested");
    let state = app.store.auto_accept_state(&cast.a).await.unwrap();
    assert!(state.enabled && state.threshold.is_none());

    // The office's record: 60 confirmed documents whose suggestions were right.
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    for i in 0..60 {
        let id = take_in(&app, &cast.a, &doc("history", i)).await;
        wait_profiled(&app, id).await;
        sqlx::query(
            "UPDATE document_profiles SET profile_code = '827', suggestion_correct = 1, confidence = 0.99, confirmed_at = 1 WHERE document_id = $1",
        )
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let state = app.store.auto_accept_state(&cast.a).await.unwrap();
    let threshold = state.threshold.expect("precision measured");
    let next = take_in(&app, &cast.a, &doc("next", 99)).await;
    let status = settled_profile(&app, next).await;
    let p = app
        .store
        .document_profile_unscoped(next)
        .await
        .unwrap()
        .unwrap();
    assert!(
        p.confidence.unwrap_or(0.0) as f32 >= threshold,
        "confidence {:?} below the measured threshold {threshold}",
        p.confidence
    );
    assert_eq!(status, "auto_accepted");
    assert!(p.auto_accepted && p.claimant_id.is_some() && p.profile_code.as_deref() == Some("827"));
    // Switched off by the office's manager: the next one waits for a person.
    assert_eq!(
        switch_auto_accept(&app, "manager.a", "off").await,
        StatusCode::SEE_OTHER
    );
    let last = take_in(&app, &cast.a, &doc("last", 100)).await;
    assert_eq!(settled_profile(&app, last).await, "suggested");
    // An employee cannot switch it.
    assert_eq!(
        switch_auto_accept(&app, "employee.a", "on").await,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

#[tokio::test]
async fn profile_eval_reports_accuracy_above_the_floor_after_a_few_confirmations_per_type() {
    // Reading the corpora does not touch the database: the SQLite pass covers it.
    if on_postgres() || on_s3() {
        return;
    }
    let app = spawn_app().await;
    let train = app.dir.path().join("train");
    let test = app.dir.path().join("test");
    let codes = worktrack_domain::catalogue::default_catalogue()
        .profile_codes
        .len();
    for (dir, per_code, seed) in [(&train, 4, 11u64), (&test, 2, 12)] {
        let out = app
            .command()
            .args([
                "demo",
                "documents",
                "--count",
                &(per_code * codes).to_string(),
                "--seed",
                &seed.to_string(),
                "--out",
            ])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = app
        .command()
        .args(["profile", "eval"])
        .arg(&test)
        .arg("--train")
        .arg(&train)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accuracy = e["accuracy"].as_f64().unwrap();
    // The floor: three confirmations per code are few, and two codes (561M/561N) share a form
    // and differ only in their wording; 85% leaves room for those while failing a classifier
    // that only reads form numbers (which cannot place the ~40% of evidence documents with none).
    assert!(accuracy >= 0.85, "accuracy {accuracy}: {e}");
    assert_eq!(e["documents"].as_u64().unwrap() as usize, 2 * codes);
    assert!(e["confusion"].is_object() && e["per_code"].is_object());
    // The SSNs and form numbers on the generated documents are recovered.
    let (found, all) = (
        e["ssn_found"][0].as_f64().unwrap(),
        e["ssn_found"][1].as_f64().unwrap(),
    );
    assert!(found / all >= 0.8, "SSNs {found}/{all}");
    let (found, all) = (
        e["form_found"][0].as_f64().unwrap(),
        e["form_found"][1].as_f64().unwrap(),
    );
    assert!(found / all >= 0.8, "form numbers {found}/{all}");

    // A bad corpus: a non-zero exit naming the line.
    std::fs::write(test.join("labels.jsonl"), "{\"file\": 1}\n").unwrap();
    let out = app
        .command()
        .args(["profile", "eval"])
        .arg(&test)
        .arg("--train")
        .arg(&train)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.stop().await;
}

#[tokio::test]
async fn browser_three_documents_are_profiled_with_the_keyboard_only() {
    use crate::browser::Browser;
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = app.dir.path().join("kbd");
    std::fs::create_dir_all(&dir).unwrap();
    let mut ids = Vec::new();
    for (i, name) in ["Robin Example", "Sam Other", "Kim Third"]
        .iter()
        .enumerate()
    {
        let p = dir.join(format!("statement-{i}.pdf"));
        let text = format!("Form SSA-795 Statement of claimant or other person. I, {name}, declare under penalty of perjury.");
        std::fs::write(&p, pdf(&[(&text, 3000, 792)])).unwrap();
        ids.push(take_in(&app, &cast.a, &p).await);
    }
    for id in &ids {
        assert_eq!(wait_profiled(&app, *id).await, "suggested");
    }
    let suggested = app
        .store
        .document_profile_unscoped(ids[0])
        .await
        .unwrap()
        .unwrap()
        .suggested_code
        .unwrap();
    // Only a sure suggestion is one key away: the first document's is made sure (the second
    // and third are corrected by typing, whatever their sureness).
    set_suggestion(&app, ids[0], &suggested, 0.97).await;

    let b = Browser::start().await;
    b.goto(&format!("{}/login", app.url)).await;
    b.type_into("#username", "employee.a").await;
    b.type_into("#password", PASSWORD).await;
    b.press_enter("#password").await;
    b.wait_for_url_containing("/").await;
    b.goto(&format!("{}/profiling?office=AAA", app.url)).await;
    b.assert_accessible("profiling queue").await;
    // Tab to "Profile one by one" and press Enter.
    let mut found = false;
    for _ in 0..60 {
        b.press_tab().await;
        if b.active_element_attr("id").await.as_deref() == Some("start") {
            found = true;
            break;
        }
    }
    assert!(found, "the keyboard reaches the start link");
    b.press_enter("#start").await;
    b.wait_for_url_containing(&format!("/profiling/documents/{}", ids[0]))
        .await;
    b.assert_accessible("workbench").await;
    // The profile code has the focus: Enter accepts the suggestion as it is.
    assert_eq!(
        b.active_element_attr("id").await.as_deref(),
        Some("profile_code")
    );
    b.press_enter("#profile_code").await;
    b.wait_for_url_containing(&format!("/profiling/documents/{}", ids[1]))
        .await;
    b.assert_accessible("workbench after accepting").await;
    // A correction by code, then one by the start of a name (type-ahead).
    b.type_into("#profile_code", "PAY").await;
    b.press_enter("#profile_code").await;
    b.wait_for_url_containing(&format!("/profiling/documents/{}", ids[2]))
        .await;
    b.type_into("#profile_code", "Bank statement").await;
    b.press_enter("#profile_code").await;
    b.wait_for_url_containing("/profiling?office=AAA").await;
    b.assert_accessible("queue, all done").await;
    assert!(b.body_text().await.contains("Nothing is waiting"));
    b.quit().await;

    let codes: Vec<Option<String>> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(
                app.store
                    .document_profile_unscoped(*id)
                    .await
                    .unwrap()
                    .unwrap()
                    .profile_code,
            );
        }
        v
    };
    assert_eq!(
        codes,
        vec![
            Some(suggested),
            Some("PAY".to_string()),
            Some("BANK".to_string())
        ]
    );
    app.stop().await;
}

/// Sets what the classifier said of a waiting document, as a test of the workbench needs it.
pub(crate) async fn set_suggestion(app: &TestApp, id: i64, code: &str, confidence: f64) {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE document_profiles SET suggested_code = $1, confidence = $2, ranked = $3 WHERE document_id = $4",
    )
    .bind(code)
    .bind(confidence)
    .bind(format!(r#"[["{code}", {confidence}], ["CORR", 0.05]]"#))
    .bind(id)
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_workbench_fills_in_only_sure_suggestions_and_refuses_an_empty_code() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let path = app.dir.path().join("letter.pdf");
    std::fs::write(&path, letter("Robin Example", "")).unwrap();
    let id = take_in(&app, &cast.a, &path).await;
    assert_eq!(settled_profile(&app, id).await, "suggested");
    let c = app.login("employee.a").await;
    let url = format!("{}/profiling/documents/{id}", app.url);
    // (confidence, code pre-filled, the word shown)
    for (confidence, filled, word) in [
        (0.6, false, "unsure"),
        (0.3, false, "a guess"),
        (0.95, true, "sure"),
    ] {
        set_suggestion(&app, id, "795", confidence).await;
        let html = page_text(&c, &url).await;
        let value = if filled { "795" } else { "" };
        assert!(
            html.contains(&format!(
                r#"name="profile_code" list="profile-codes" value="{value}""#
            )),
            "{confidence}: {html}"
        );
        assert!(
            html.contains(&format!(r#"id="suggestion-sure">{word}</span>"#)),
            "{confidence}: {word}"
        );
        // The suggestions are offered as choices that fill the code.
        assert!(html.contains(r#"data-code="795""#) && html.contains(r#"data-code="CORR""#));
        assert!(html.contains("/static/workbench.js"));
    }
    // An empty code is refused with a message, and nothing changes.
    set_suggestion(&app, id, "795", 0.6).await;
    let audit_before = count(&app, "classifier_models").await;
    let resp = confirm_form(&app, &c, id, &[("profile_code", "")]).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("nothing was saved"));
    assert_eq!(app.store.profile_status(id).await.unwrap(), "suggested");
    assert_eq!(count(&app, "classifier_models").await, audit_before);
    app.stop().await;
}

#[tokio::test]
async fn the_workbench_shows_the_fields_of_the_document_type() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let path = app.dir.path().join("letter.pdf");
    std::fs::write(&path, letter("Robin Example", "")).unwrap();
    let id = take_in(&app, &cast.a, &path).await;
    assert_eq!(settled_profile(&app, id).await, "suggested");
    let fields = r#"[
        {"kind":"account_holder","value":"Maria Lopez","confidence":0.9,"page":1,"bbox":null},
        {"kind":"bank_name","value":"First Federal Savings Bank","confidence":0.9,"page":1,"bbox":null},
        {"kind":"statement_start","value":"2026-10-01","confidence":0.9,"page":1,"bbox":null},
        {"kind":"statement_end","value":"2026-10-31","confidence":0.9,"page":1,"bbox":null},
        {"kind":"merchant","value":"Save-More Foods","confidence":0.5,"page":1,"bbox":null},
        {"kind":"total","value":"12.00","confidence":0.5,"page":1,"bbox":null}
    ]"#;
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE document_profiles SET fields = $1 WHERE document_id = $2")
        .bind(fields)
        .bind(id)
        .execute(&mut conn)
        .await
        .unwrap();
    let c = app.login("employee.a").await;
    let url = format!("{}/profiling/documents/{id}", app.url);
    set_suggestion(&app, id, "BANK", 0.95).await;
    let html = page_text(&c, &url).await;
    for shown in [
        r#"id="field_account_holder" name="field_account_holder" value="Maria Lopez""#,
        r#"id="field_bank_name" name="field_bank_name" value="First Federal Savings Bank""#,
        r#"id="field_statement_start" name="field_statement_start" value="2026-10-01""#,
        r#"id="field_statement_end" name="field_statement_end" value="2026-10-31""#,
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    for hidden in [
        "field_merchant",
        "field_total",
        "field_purchase_date",
        "field_employer",
    ] {
        assert!(!html.contains(hidden), "{hidden}");
    }
    // A receipt shows the receipt's fields instead.
    set_suggestion(&app, id, "RCPT", 0.95).await;
    let html = page_text(&c, &url).await;
    assert!(html.contains("field_merchant") && html.contains("field_total"));
    assert!(!html.contains("field_bank_name"));
    // Accepting the bank statement keeps its fields.
    set_suggestion(&app, id, "BANK", 0.95).await;
    let resp = confirm_form(
        &app,
        &c,
        id,
        &[
            ("profile_code", "BANK"),
            ("field_account_holder", "Maria Lopez"),
            ("field_bank_name", "First Federal Savings Bank"),
            ("field_statement_start", "2026-10-01"),
            ("field_statement_end", "2026-10-31"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let p = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.profile_fields.get("bank_name").map(String::as_str),
        Some("First Federal Savings Bank")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_workbench_searches_the_offices_claimants_and_never_shows_a_full_ssn() {
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
    let other = app.store.office_by_code("BBB").await.unwrap();
    let manager_b = app.store.user_by_username("employee.b").await.unwrap();
    let elsewhere = app
        .store
        .create_claimant(
            &worktrack_store::Viewer::for_user(&manager_b, &[]),
            &other,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Maria Lopez").unwrap(),
                ssn: "900-65-4321".into(),
                date_of_birth: Some(time::macros::date!(1961 - 04 - 30)),
                email: None,
            },
        )
        .await
        .unwrap();
    // The document names her and gives an SSN that is not on file, so nothing is matched.
    let path = app.dir.path().join("statement.pdf");
    let text = "Form SSA-795 Statement of claimant. Name: Maria Lopez SSN: 900-77-1234";
    std::fs::write(&path, pdf(&[(text, 3000, 792)])).unwrap();
    let id = take_in(&app, &cast.a, &path).await;
    assert_eq!(settled_profile(&app, id).await, "suggested");
    let p = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    assert!(p.suggested_claimant_id.is_none());
    let c = app.login("employee.a").await;
    let url = format!("{}/profiling/documents/{id}", app.url);
    let html = page_text(&c, &url).await;
    // The name and the masked SSN found are offered as the search; no listing of claimants.
    assert!(html.contains(r#"id="search-found-name""#) && html.contains("the name Maria Lopez"));
    assert!(html.contains(r#"id="search-found-ssn-0""#) && html.contains("***-**-1234"));
    assert!(!html.contains(&format!(r#"id="claimant-{}""#, maria.id)));
    let token = form_token(&html).unwrap();
    let search = |fields: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = url.clone();
        let token = token.clone();
        async move {
            let mut f: Vec<(&str, String)> = vec![("csrf", token), ("search", "1".into())];
            f.extend(fields);
            c.post(url).form(&f).send().await.unwrap()
        }
    };
    let searches_before = {
        let mut conn = sqlx::AnyConnection::connect(&app.database_url)
            .await
            .unwrap();
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'claimant.search'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        n
    };
    let cases: Vec<(Vec<(&'static str, String)>, bool)> = vec![
        (vec![("by", "name".into())], true),
        (vec![("claimant_q", "lopez".into())], true),
        (vec![("claimant_q", "LOPEZ, MARIA".into())], true),
        (vec![("claimant_q", "1961-04-30".into())], true),
        (vec![("claimant_q", "3456".into())], true),
        (vec![("claimant_q", "900-12-3456".into())], true),
        (vec![("claimant_q", "900-65-4321".into())], false),
        (vec![("claimant_q", "Nobody Here".into())], false),
        // The SSN on the page is 900-77-1234: nobody.
        (vec![("by", "ssn-0".into())], false),
    ];
    let n = cases.len() as i64;
    for (fields, finds) in cases {
        let label = format!("{fields:?}");
        let resp = search(fields).await;
        assert_eq!(resp.status(), StatusCode::OK, "{label}");
        let html = resp.text().await.unwrap();
        assert_eq!(
            html.contains(&format!(r#"id="claimant-{}""#, maria.id)),
            finds,
            "{label}"
        );
        assert!(html.contains(r#"id="claimant-results""#), "{label}");
        // Never another office's claimant, never a full SSN.
        assert!(
            !html.contains(&format!(r#"id="claimant-{}""#, elsewhere.id)),
            "{label}"
        );
        for ssn in [
            "900-12-3456",
            "900123456",
            "900-65-4321",
            "900-77-1234",
            "900771234",
        ] {
            assert!(!html.contains(ssn), "{label} shows {ssn}");
        }
    }
    // Searches are audited; a bad search is refused next to the field.
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    let (after,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'claimant.search'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(after - searches_before, n);
    // A code typed before the search is kept.
    let resp = search(vec![("by", "name".into()), ("keep_code", "PAY".into())]).await;
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains(r#"name="profile_code" list="profile-codes" value="PAY""#));
    let resp = search(vec![("claimant_q", "x".into())]).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains(r#"id="claimant_q-error""#));
    // The claimant chosen from the results is the document's.
    let resp = confirm_form(
        &app,
        &c,
        id,
        &[
            ("profile_code", "795"),
            ("claimant_id", &maria.id.to_string()),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let p = app
        .store
        .document_profile_unscoped(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.claimant_id, Some(maria.id));
    app.stop().await;
}
