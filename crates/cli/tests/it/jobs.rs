//! The job queue: each job to one worker, retries with backoff, dead letters, leases of dead
//! workers, running them again from the page, and `worktrack worker`.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::Connection;
use std::collections::HashSet;
use worktrack_store::{JOB_DEAD, JOB_QUEUED};

#[tokio::test]
async fn concurrent_workers_take_each_job_exactly_once() {
    let app = spawn_app().await;
    // The server's own worker would race the test for the jobs.
    app.stop_workers().await;
    for i in 0..60 {
        app.store
            .enqueue("noop", &serde_json::json!({ "n": i }), 3)
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            // Long leases: nothing is taken twice by lease expiry during the test.
            while let Some(job) = store.claim_job(&format!("w{w}"), 600_000).await.unwrap() {
                got.push(job.id);
                store.complete_job(job.id).await.unwrap();
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        60,
        "every job handed out once: {} hand-outs",
        all.len()
    );
    assert_eq!(unique.len(), 60);
    app.stop().await;
}

async fn make_due(app: &TestApp, id: i64) {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query(&format!("UPDATE jobs SET run_at = 0 WHERE id = {id}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn failing_jobs_back_off_then_wait_as_dead_letters_until_run_again() {
    let app = spawn_app().await;
    // The server's own worker would race the test for the jobs.
    app.stop_workers().await;
    app.cast().await;
    let id = app
        .store
        .enqueue("no_such_kind", &serde_json::json!({}), 2)
        .await
        .unwrap();
    // First attempt fails: queued again, not due for a while.
    assert!(worktrack_pipeline::jobs::run_one(
        &app.intake,
        &worktrack_pipeline::jobs::Pool::new(1),
        "t",
        None
    )
    .await
    .unwrap());
    let job = app.store.job(id).await.unwrap();
    assert_eq!(job.state, JOB_QUEUED);
    assert_eq!(job.attempts, 1);
    assert!(job.run_at > worktrack_store::now_ms() + 1000, "backs off");
    assert!(job
        .last_error
        .as_deref()
        .unwrap()
        .contains("unknown job kind"));
    assert!(
        !worktrack_pipeline::jobs::run_one(
            &app.intake,
            &worktrack_pipeline::jobs::Pool::new(1),
            "t",
            None
        )
        .await
        .unwrap(),
        "not due yet"
    );
    // Second and last attempt: a dead letter with its error.
    make_due(&app, id).await;
    assert!(worktrack_pipeline::jobs::run_one(
        &app.intake,
        &worktrack_pipeline::jobs::Pool::new(1),
        "t",
        None
    )
    .await
    .unwrap());
    assert_eq!(app.store.job(id).await.unwrap().state, JOB_DEAD);
    // The administrator sees it and runs it again.
    let admin = app.login("admin.user").await;
    let html = admin
        .get(format!("{}/jobs", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("no_such_kind") && html.contains("unknown job kind"),
        "{html}"
    );
    let token = form_token(&html).unwrap();
    let resp = admin
        .post(format!("{}/jobs/{id}/retry", app.url))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let job = app.store.job(id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), (JOB_QUEUED, 0));
    // Only dead letters can be run again; only administrators may.
    let resp = admin
        .post(format!("{}/jobs/{id}/retry", app.url))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let employee = app.login("employee.a").await;
    assert_eq!(
        employee
            .get(format!("{}/jobs", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

#[tokio::test]
async fn a_dead_workers_job_is_taken_again_when_its_lease_ends() {
    let app = spawn_app().await;
    // The server's own worker would race the test for the jobs.
    app.stop_workers().await;
    let id = app
        .store
        .enqueue("noop", &serde_json::json!({}), 3)
        .await
        .unwrap();
    let first = app.store.claim_job("crashed", 1).await.unwrap().unwrap();
    assert_eq!(first.id, id);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = app
        .store
        .claim_job("alive", 600_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.attempts, 2);
    assert!(
        app.store
            .claim_job("third", 600_000)
            .await
            .unwrap()
            .is_none(),
        "held by the live worker"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_worker_command_runs_due_jobs() {
    let app = spawn_app().await;
    // The server's own worker is stopped, so the command does the work.
    app.stop_workers().await;
    app.store
        .enqueue("no_such_kind", &serde_json::json!({}), 1)
        .await
        .unwrap();
    app.store
        .enqueue("no_such_kind", &serde_json::json!({}), 1)
        .await
        .unwrap();
    let out = app.command().args(["worker", "--once"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ran 2 jobs");
    let dead = app.store.jobs(JOB_DEAD, 10).await.unwrap();
    assert_eq!(
        dead.len(),
        2,
        "with one attempt each, both are dead letters"
    );
    app.stop().await;
}

/// A scanned page as an office's scanner makes it: a PNG of `lines` lines of text, 200 dpi.
fn scanned_pages(dir: &std::path::Path, name: &str, pages: usize) -> std::path::PathBuf {
    let mut files = Vec::new();
    for p in 1..=pages {
        let file = dir.join(format!("{name}-{p}.png"));
        let mut cmd = std::process::Command::new("convert");
        cmd.args([
            "-size",
            "1700x2200",
            "xc:white",
            "-font",
            "DejaVu-Sans",
            "-pointsize",
            "28",
        ]);
        for l in 0..40 {
            cmd.arg("-annotate")
                .arg(format!("+120+{}", 150 + l * 48))
                .arg(format!(
                    "Page {p} line {l}: the claimant reported earnings for the month of March"
                ));
        }
        cmd.args(["-density", "200", "-units", "PixelsPerInch"])
            .arg(&file);
        assert!(cmd.status().unwrap().success(), "convert made {name}");
        files.push(file);
    }
    // Several pages: one multi-page TIFF, as a sheet feeder writes it.
    let out = dir.join(format!("{name}.tiff"));
    let status = std::process::Command::new("convert")
        .args(&files)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    out
}

/// A pool of `slots` running the app's jobs until the returned sender says stop.
fn start_pool(
    app: &TestApp,
    slots: usize,
    name: &str,
) -> (
    worktrack_pipeline::jobs::Pool,
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let pool = worktrack_pipeline::jobs::Pool::new(slots);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let workers = tokio::spawn(worktrack_pipeline::jobs::run_worker(
        app.intake.clone(),
        pool.clone(),
        name.into(),
        stop,
    ));
    (pool, stop_tx, workers)
}

async fn wait_for(what: &str, secs: u64, mut done: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !done().await {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_slots_read_two_documents_at_once_and_profiling_passes_a_long_reading() {
    if on_s3() {
        return; // scheduling does not depend on the blob store; OCR is slow: one pass is enough
    }
    let app = spawn_app().await;
    app.stop_workers().await;
    let cast = app.cast().await;
    let dir = tempfile::tempdir().unwrap();

    // Two slots, two three-page scans: both are being read at the same moment.
    let a = crate::profiling::take_in(&app, &cast.a, &scanned_pages(dir.path(), "a", 3)).await;
    let b = crate::profiling::take_in(&app, &cast.a, &scanned_pages(dir.path(), "b", 3)).await;
    let (pool, stop_tx, workers) = start_pool(&app, 2, "two");
    wait_for("both documents read", 120, async || {
        app.store.text_status(a).await.unwrap() == "done"
            && app.store.text_status(b).await.unwrap() == "done"
    })
    .await;
    assert_eq!(
        pool.reading.peak_documents(),
        2,
        "the two documents' OCR ran at the same time"
    );
    stop_tx.send(true).unwrap();
    workers.await.unwrap();

    // One slot busy with a long scan: a profiling job queued after it started still runs
    // (in the quick lane) before the long reading ends.
    let long =
        crate::profiling::take_in(&app, &cast.a, &scanned_pages(dir.path(), "long", 8)).await;
    let (pool, stop_tx, workers) = start_pool(&app, 1, "one");
    wait_for("the long document is being read", 60, async || {
        pool.reading.peak_pages() > 0
    })
    .await;
    app.store
        .enqueue("profile", &serde_json::json!({ "document_id": a }), 3)
        .await
        .unwrap();
    wait_for("the profiling job ran", 60, async || {
        app.store
            .jobs("done", 100)
            .await
            .unwrap()
            .iter()
            .filter(|j| j.kind == "profile" && j.payload["document_id"] == a)
            .count()
            >= 2
    })
    .await;
    assert_ne!(
        app.store.text_status(long).await.unwrap(),
        "done",
        "profiling waited for the long reading"
    );
    stop_tx.send(true).unwrap();
    workers.await.unwrap();
    app.stop().await;
}

/// The program runs about one document's scratch copies, by program; `pdfimages -list` only
/// lists what a PDF holds, so only its extractions count.
fn decodes(log: &worktrack_pipeline::process::RunLog) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for run in log.runs() {
        if run.program == "pdfimages" && run.args.iter().any(|a| a == "-list") {
            continue;
        }
        *counts.entry(run.program).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn each_page_is_decoded_once_and_its_page_images_come_from_that_decoding() {
    if on_s3() {
        return; // the decoding does not depend on the blob store; one pass is enough
    }
    let app = spawn_app().await;
    app.stop_workers().await;
    let cast = app.cast().await;
    let dir = tempfile::tempdir().unwrap();
    let tiff = scanned_pages(dir.path(), "sheets", 3);
    // An image-only PDF of two scanned pages, each a JPEG, as a scanner's PDF mode writes it.
    let pdf = dir.path().join("scanned.pdf");
    let mut scanned = Vec::new();
    for p in 1..=2 {
        let jpeg = dir.path().join(format!("sheets-{p}.jpg"));
        let status = std::process::Command::new("convert")
            .arg(dir.path().join(format!("sheets-{p}.png")))
            .args(["-quality", "85"])
            .arg(&jpeg)
            .status()
            .unwrap();
        assert!(status.success());
        scanned.push(worktrack_corpus::ScannedPage {
            jpeg: std::fs::read(&jpeg).unwrap(),
            width: 1700,
            height: 2200,
        });
    }
    std::fs::write(&pdf, worktrack_corpus::image_pdf(&scanned, 200)).unwrap();
    let born = dir.path().join("letter.pdf");
    std::fs::write(
        &born,
        worktrack_corpus::fixtures::pdf(&[
            ("Dear claimant, your benefit letter follows.", 6000, 792),
            ("Page two of the letter.", 6000, 792),
        ]),
    )
    .unwrap();

    let log = worktrack_pipeline::process::RunLog::watch(&app.intake.work_dir);
    // (file, pages, what each page may run: one decoding, one reading)
    type Runs<'a> = &'a [(&'a str, usize)];
    let cases: [(&std::path::Path, usize, Runs); 3] = [
        (&tiff, 3, &[("convert", 3), ("tesseract", 3)]),
        (
            &pdf,
            2,
            // (pdftotext first looks for a text layer; it decodes no image)
            &[
                ("convert", 2),
                ("pdfimages", 2),
                ("pdftotext", 2),
                ("tesseract", 2),
            ],
        ),
        // A text layer is not read by OCR: its pages are rendered once, for the page
        // images, and the thumbnail is shrunk from the first.
        (
            &born,
            2,
            &[("convert", 1), ("pdftoppm", 2), ("pdftotext", 2)],
        ),
    ];
    for (file, pages, expected) in cases {
        log.clear();
        let id = crate::profiling::take_in(&app, &cast.a, file).await;
        let pool = worktrack_pipeline::jobs::Pool::new(2);
        worktrack_pipeline::jobs::run_until_empty(&app.intake, &pool, "once")
            .await
            .unwrap();
        let doc = app.store.document_unscoped(id).await.unwrap();
        assert_eq!(app.store.text_status(id).await.unwrap(), "done", "{file:?}");
        assert_eq!(doc.previews, "done", "the reading made the page images");
        let expected: std::collections::BTreeMap<String, usize> =
            expected.iter().map(|(p, n)| (p.to_string(), *n)).collect();
        assert_eq!(decodes(&log), expected, "{file:?}: {:#?}", log.runs());
        let images = app.store.page_images(id).await.unwrap();
        let previews = images.iter().filter(|(_, k, _)| k == "preview").count();
        let thumbs = images.iter().filter(|(_, k, _)| k == "thumb").count();
        assert_eq!((previews, thumbs), (pages, 1), "{file:?}");
    }

    // The page images' fallback, when it comes due, finds them made and decodes nothing.
    log.clear();
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE kind = 'page_images'")
        .execute(&mut db)
        .await
        .unwrap();
    let pool = worktrack_pipeline::jobs::Pool::new(1);
    let ran = worktrack_pipeline::jobs::run_until_empty(&app.intake, &pool, "later")
        .await
        .unwrap();
    assert_eq!(ran, 3, "three fallback jobs");
    assert!(log.runs().is_empty(), "{:#?}", log.runs());
    app.stop().await;
}

#[tokio::test]
async fn the_documents_page_and_the_api_say_how_many_pages_wait_and_when_they_are_ready() {
    if on_s3() {
        return; // the queue's figures come from the database alone
    }
    let app = spawn_app().await;
    app.stop_workers().await;
    let cast = app.cast().await;
    let dir = tempfile::tempdir().unwrap();
    let reading = async |user: &str| -> serde_json::Value {
        let (status, body) = app.get_json(user, "/api/v1/offices/AAA/reading").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    };
    let r = reading("employee.a").await;
    assert_eq!(
        (r["state"].as_str(), r["office_pages"].as_i64()),
        (Some("idle"), Some(0))
    );

    // Three pages taken in, nothing read yet: they wait, and with no reading lately nobody can
    // say when they will be ready.
    let first = crate::profiling::take_in(&app, &cast.a, &scanned_pages(dir.path(), "w", 3)).await;
    let r = reading("manager.a").await;
    assert_eq!(r["state"], "stalled");
    assert_eq!(
        (r["office_pages"].as_i64(), r["all_pages"].as_i64()),
        (Some(3), Some(3))
    );
    assert!(r["expected_minutes"].is_null());
    // Another office sees the shared queue but none of the pages as its own.
    let (status, b) = app
        .get_json("employee.b", "/api/v1/offices/BBB/reading")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (b["office_pages"].as_i64(), b["all_pages"].as_i64()),
        (Some(0), Some(3))
    );
    // … and cannot open office AAA's.
    let (denied, _) = app
        .get_json("employee.b", "/api/v1/offices/AAA/reading")
        .await;
    assert_eq!(denied, StatusCode::NOT_FOUND);
    let c = app.login("employee.a").await;
    let page = c
        .get(format!("{}/documents", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("3 pages from this office waiting to be read, 3 pages in all offices"),
        "{page}"
    );

    // Read them; then a new page waits, and the rate of the reading just done says when.
    let pool = worktrack_pipeline::jobs::Pool::new(1);
    worktrack_pipeline::jobs::run_until_empty(&app.intake, &pool, "once")
        .await
        .unwrap();
    assert_eq!(app.store.text_status(first).await.unwrap(), "done");
    assert_eq!(reading("employee.a").await["state"], "idle");
    crate::profiling::take_in(&app, &cast.a, &scanned_pages(dir.path(), "n", 1)).await;
    let r = reading("employee.a").await;
    assert_eq!(r["state"], "reading", "{r}");
    assert_eq!(r["office_pages"], 1);
    assert!(r["pages_per_minute"].as_f64().unwrap() > 0.0);
    assert_eq!(
        r["expected_minutes"], 1,
        "one page at three or more a minute"
    );
    let paper = c
        .get(format!("{}/offices/AAA/paper", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        paper.contains("1 page from this office waiting to be read")
            && paper.contains("about 1 minute"),
        "{paper}"
    );
    app.stop().await;
}
