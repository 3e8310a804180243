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
    assert!(worktrack_pipeline::jobs::run_one(&app.intake, "t")
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
        !worktrack_pipeline::jobs::run_one(&app.intake, "t")
            .await
            .unwrap(),
        "not due yet"
    );
    // Second and last attempt: a dead letter with its error.
    make_due(&app, id).await;
    assert!(worktrack_pipeline::jobs::run_one(&app.intake, "t")
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
