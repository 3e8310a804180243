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

/// A connection as someone with direct database access has, past the append-only triggers.
async fn unlocked(app: &TestApp) -> sqlx::AnyConnection {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    if on_postgres() {
        sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        sqlx::raw_sql(
            "DROP TRIGGER IF EXISTS audit_log_no_update; \
             DROP TRIGGER IF EXISTS audit_log_no_delete;",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn
}

/// Runs `sql` as someone with direct database access would, past the append-only triggers.
async fn tamper(app: &TestApp, sql: &str) {
    let mut conn = unlocked(app).await;
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

/// `n` more audit rows (refused sign-ins).
async fn events(app: &TestApp, n: usize) {
    for i in 0..n {
        app.store
            .audit_auth(
                &worktrack_store::Actor::system("test"),
                "login.failed",
                &format!("someone{i}"),
                "127.0.0.1",
            )
            .await
            .unwrap();
    }
}

/// One row as it lies in the database.
struct RawRow {
    seq: i64,
    at: i64,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    target_type: String,
    target_id: String,
    office_id: Option<i64>,
    detail: String,
}

/// Rewrites the log as someone with the database but not the master key can: `edit` changes
/// rows, then every hash is recomputed with plain SHA-256 over the same canonical form the
/// server uses (the scheme before keying), and the head follows.
async fn forge(app: &TestApp, edit: impl Fn(&mut RawRow)) {
    use sha2::Digest;
    let mut conn = unlocked(app).await;
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor, action, target_type, target_id, office_id, detail \
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut prev = worktrack_store::GENESIS_HASH.to_string();
    for r in &rows {
        use sqlx::Row;
        let mut row = RawRow {
            seq: r.get(0),
            at: r.get(1),
            actor_id: r.get(2),
            actor: r.get(3),
            action: r.get(4),
            target_type: r.get(5),
            target_id: r.get(6),
            office_id: r.get(7),
            detail: r.get(8),
        };
        edit(&mut row);
        let canonical = serde_json::json!([
            row.seq,
            row.at,
            row.actor_id,
            row.actor,
            row.action,
            row.target_type,
            row.target_id,
            row.office_id,
            row.detail
        ])
        .to_string();
        let mut h = sha2::Sha256::new();
        h.update(prev.as_bytes());
        h.update(canonical.as_bytes());
        let hash = hex::encode(h.finalize());
        sqlx::query(
            "UPDATE audit_log SET actor_id = $1, actor = $2, prev_hash = $3, hash = $4 \
             WHERE seq = $5",
        )
        .bind(row.actor_id)
        .bind(&row.actor)
        .bind(&prev)
        .bind(&hash)
        .bind(row.seq)
        .execute(&mut conn)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(rows.len() as i64)
        .bind(&prev)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_reveal_rewritten_to_name_another_user_fails_verification_without_the_key() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let manager = app.store.user_by_username("manager.a").await.unwrap();
    let claimant = app
        .store
        .create_claimant(
            &worktrack_store::Viewer::for_user(&manager, &[]),
            &cast.a,
            &worktrack_store::NewClaimant {
                full_name: worktrack_domain::PersonName::parse("Pat Example").unwrap(),
                ssn: "912-34-5678".into(),
                date_of_birth: None,
                email: None,
            },
        )
        .await
        .unwrap();
    let auditor = app.store.user_by_username("auditor").await.unwrap();
    let viewer = worktrack_store::Viewer::for_user(&auditor, &[]);
    app.store.reveal_ssn(&viewer, claimant.id).await.unwrap();
    app.login("employee.a").await;
    let reveal = app
        .store
        .audit_rows(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.action == "claimant.ssn.reveal")
        .unwrap();
    assert_eq!(reveal.actor, "auditor");

    // The reveal is made to name the manager, and every hash and the head recomputed.
    forge(&app, |r| {
        if r.seq == reveal.seq {
            r.actor = "manager.a".into();
            r.actor_id = Some(manager.id);
        }
    })
    .await;
    let (ok, stdout, stderr) = verify(&app);
    assert!(!ok, "{stdout}{stderr}");
    // Without the key no recomputed hash is the keyed one: the first row is already wrong.
    assert!(stderr.contains("audit row 1: altered"), "{stderr}");
    assert!(
        stderr.contains("no checkpoint vouches for any row: rows from 1 on"),
        "{stderr}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_log_from_before_keying_verifies_and_is_sealed() {
    let app = spawn_app().await;
    some_history(&app).await;
    // A database written before keying: every row chained with plain SHA-256, no boundary.
    forge(&app, |_| {}).await;
    tamper(
        &app,
        "UPDATE audit_head SET keyed_from = NULL, keyed_mac = NULL",
    )
    .await;
    let plain = count(&app, "audit_log").await;
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    // The command's connection recorded the boundary and sealed the old rows with one more.
    assert!(
        stdout.contains(&format!(
            "{} rows, hash chain verified (rows 1-{plain} plain SHA-256 (written before keying), \
             keyed with the master key from row {})",
            plain + 1,
            plain + 1
        )),
        "{stdout}"
    );
    let sealing = app.store.audit_rows(None, 1).await.unwrap();
    assert_eq!(sealing[0].action, "audit.keyed");
    // Rewriting an old row now breaks the chain at the sealing row.
    forge(&app, |r| {
        if r.seq == 2 {
            r.actor = "someone.else".into();
        }
    })
    .await;
    let (ok, _, stderr) = verify(&app);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("audit row {}: altered", plain + 1)),
        "{stderr}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_removed_tail_with_the_head_set_back_is_caught_by_a_checkpoint() {
    let app = spawn_app().await;
    some_history(&app).await;
    // Each verification that finds the log intact writes a checkpoint.
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    let anchored = count(&app, "audit_log").await;
    assert!(
        stdout.contains(&format!("checkpoint of row {anchored} written")),
        "{stdout}"
    );
    events(&app, 5).await;
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("1 checkpoint agrees, the last at row"),
        "{stdout}"
    );
    let rows = count(&app, "audit_log").await;

    // The last three rows are removed and the head set back to the row before them: the
    // chain itself is consistent again.
    let keep = rows - 3;
    tamper(
        &app,
        &format!(
            "DELETE FROM audit_log WHERE seq > {keep}; \
             UPDATE audit_head SET seq = {keep}, \
             hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1"
        ),
    )
    .await;
    assert_eq!(app.store.verify_audit_chain().await.unwrap(), Ok(keep));
    if on_s3() {
        // The objects in the bucket are enough: the file may be gone.
        std::fs::remove_file(app.data_path().join(worktrack_store::CHECKPOINT_FILE)).unwrap();
    }
    let (ok, stdout, stderr) = verify(&app);
    assert!(!ok, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "audit row {}: missing (the log ends at row {keep}, but the checkpoint of",
            keep + 1
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("records row {rows}")), "{stderr}");
    assert!(
        stderr.contains(&format!("the last good checkpoint is row {anchored} of")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "rows from {} on are not vouched for",
            anchored + 1
        )),
        "{stderr}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_tampered_checkpoint_line_is_detected() {
    let app = spawn_app().await;
    some_history(&app).await;
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    let file = app.data_path().join(worktrack_store::CHECKPOINT_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the checkpoint file is private");
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let mut c: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    // Someone edits the checkpoint to agree with a log cut back by two rows.
    c["seq"] = serde_json::json!(c["seq"].as_i64().unwrap() - 2);
    std::fs::write(&file, format!("{c}\n")).unwrap();
    let (ok, stdout, stderr) = verify(&app);
    assert!(!ok, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "checkpoint line 1 of {} does not authenticate",
            file.display()
        )),
        "{stderr}"
    );
    app.stop().await;
}

#[tokio::test]
async fn checkpoints_follow_the_log_and_verify_counts_them() {
    use std::time::Duration;
    let app = spawn_app().await;
    some_history(&app).await;
    let log = worktrack_store::CheckpointLog::in_data_dir(&app.data_path(), None).unwrap();
    let writer = worktrack_store::CheckpointWriter::start(
        app.store.clone(),
        log.clone(),
        worktrack_store::CheckpointSchedule {
            every_rows: 4,
            every: Duration::from_secs(3600),
            poll: Duration::from_millis(10),
        },
    );
    let lines = || {
        std::fs::read_to_string(log.file())
            .unwrap_or_default()
            .lines()
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while lines() < 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    events(&app, 10).await;
    while lines() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Fewer rows than a checkpoint waits for: the one at stop covers them.
    events(&app, 1).await;
    writer.stop().await;
    let written = lines();
    assert!(written >= 3, "at start, as rows came, at stop: {written}");
    let (ok, stdout, stderr) = verify(&app);
    assert!(ok, "{stdout}{stderr}");
    let rows = count(&app, "audit_log").await;
    assert!(
        stdout.contains(&format!(
            "{written} checkpoints agree, the last at row {rows}"
        )),
        "{stdout}"
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
