//! The hash-chained audit log and `worktrack audit verify`.

use crate::support::*;
use sqlx::Connection;

async fn some_history(app: &TestApp) {
    app.cast().await;
    let c = app.login("employee.a").await;
    c.get(format!("{}/claimants", app.url))
        .send()
        .await
        .unwrap();
}

fn verify(app: &TestApp) -> (bool, String, String) {
    let out = app.command().args(["audit", "verify"]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `sql` as someone with direct database access would, past the append-only triggers.
async fn tamper(app: &TestApp, sql: &str) {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    if on_postgres() {
        sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        sqlx::raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn an_intact_log_verifies() {
    let app = spawn_app().await;
    some_history(&app).await;
    let rows = count(&app, "audit_log").await;
    assert!(rows >= 9);
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("{rows} rows")), "{stdout}");
    app.stop().await;
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    let app = spawn_app().await;
    some_history(&app).await;
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
            .execute(&mut conn)
            .await
            .is_err()
    );
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 1")
        .execute(&mut conn)
        .await
        .is_err());
    conn.close().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn an_altered_row_fails_verification_and_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    tamper(
        &app,
        "UPDATE audit_log SET actor = 'someone.else' WHERE seq = 4",
    )
    .await;
    let (ok, _, stderr) = verify(&app);
    assert!(!ok);
    assert!(stderr.contains("audit row 4: altered"), "{stderr}");
    app.stop().await;
}

#[tokio::test]
async fn a_removed_row_fails_verification_and_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    tamper(&app, "DELETE FROM audit_log WHERE seq = 6").await;
    let (ok, _, stderr) = verify(&app);
    assert!(!ok);
    assert!(stderr.contains("audit row 6: missing"), "{stderr}");
    app.stop().await;
}

#[tokio::test]
async fn a_removed_tail_fails_verification() {
    let app = spawn_app().await;
    some_history(&app).await;
    let rows = count(&app, "audit_log").await;
    tamper(&app, &format!("DELETE FROM audit_log WHERE seq = {rows}")).await;
    let (ok, _, stderr) = verify(&app);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("audit row {rows}: missing")),
        "{stderr}"
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = spawn_app().await;
    app.cast().await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let seq = store
                .audit_auth(
                    &worktrack_store::Actor::system("test"),
                    "login.failed",
                    &format!("user{i}"),
                    "127.0.0.1",
                )
                .await
                .unwrap();
            (i, seq)
        }));
    }
    let mut seqs: Vec<i64> = Vec::new();
    let rows = {
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap());
        }
        got
    };
    // Appends share transactions; each caller is told the place of its own event.
    let log = app.store.audit_rows(None, 1000).await.unwrap();
    for (i, seq) in &rows {
        let row = log.iter().find(|r| r.seq == *seq).unwrap();
        assert_eq!(row.target_id, format!("user{i}"), "seq {seq}");
        seqs.push(*seq);
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 100, "every append got its own place");
    assert!(app.store.verify_audit_chain().await.unwrap().is_ok());
    app.stop().await;
}
