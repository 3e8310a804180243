use super::*;

fn keys() -> Keys {
    Keys::from_hex(&"17".repeat(32)).unwrap()
}

async fn store_at(dir: &std::path::Path) -> Store {
    let url = format!("sqlite://{}", dir.join("t.db").display());
    Store::connect(&url, keys()).await.unwrap()
}

async fn events(store: &Store, actor: &str, n: usize) {
    for i in 0..n {
        store
            .audit(
                &Actor::system(actor),
                Event::new("claimant.ssn.reveal", "claimant", i, Some(1)),
            )
            .await
            .unwrap();
    }
}

async fn rows(store: &Store) -> Vec<AuditRow> {
    sqlx::query("SELECT * FROM audit_log ORDER BY seq")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| AuditRow::from_row(r).unwrap())
        .collect()
}

/// What someone with the database file but not the key can do: edit rows, then recompute
/// rows 1..=`through` with plain SHA-256 (as before keying), give the next row the new
/// previous hash, and set the head when the whole log was recomputed.
async fn forge(store: &Store, through: i64, edit: impl Fn(&mut AuditRow)) {
    sqlx::raw_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        .execute(store.pool())
        .await
        .unwrap();
    let mut prev = GENESIS_HASH.to_string();
    let all = rows(store).await;
    let last = all.last().map_or(0, |r| r.seq);
    for mut row in all {
        if row.seq > through + 1 {
            break;
        }
        edit(&mut row);
        row.prev_hash = prev.clone();
        if row.seq <= through {
            row.hash = row.plain_hash(&prev);
        }
        sqlx::query("UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&row.actor)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .bind(row.seq)
            .execute(store.pool())
            .await
            .unwrap();
        prev = row.hash.clone();
    }
    if through >= last {
        sqlx::query("UPDATE audit_head SET hash = $1")
            .bind(&prev)
            .execute(store.pool())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn audit_rows_rewritten_without_the_key_do_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_at(dir.path()).await;
    events(&store, "auditor", 5).await;
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(5));
    // Row 3 is made to name someone else, and the chain and head recomputed without the
    // key: the plain SHA-256 chain the code used before is internally consistent again.
    forge(&store, 5, |r| {
        if r.seq == 3 {
            r.actor = "system:someone.else".into();
        }
    })
    .await;
    let broken = store.verify_audit_chain().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 1, "no row's hash is the keyed one: {broken}");
    assert!(broken.reason.starts_with("altered"), "{broken}");
    store.close().await;
}

#[tokio::test]
async fn audit_log_from_before_keying_is_kept_and_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_at(dir.path()).await;
    events(&store, "auditor", 3).await;
    // Make it a database from before keying: plain hashes, no boundary recorded.
    forge(&store, 3, |_| {}).await;
    sqlx::raw_sql("UPDATE audit_head SET keyed_from = NULL, keyed_mac = NULL")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;

    // The first connection records the boundary and seals the older rows with a keyed row.
    let store = store_at(dir.path()).await;
    assert_eq!(store.audit_head().await.unwrap().keyed_from, Some(4));
    let log = rows(&store).await;
    assert_eq!(log.len(), 4);
    assert_eq!(log[3].action, "audit.keyed");
    assert_eq!(log[3].target_id, "4");
    events(&store, "auditor", 2).await;
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(6));
    store.close().await;
    // Connecting again changes nothing.
    let store = store_at(dir.path()).await;
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(6));

    // Rewriting an old row and recomputing the old part breaks at the sealing row.
    forge(&store, 3, |r| {
        if r.seq == 2 {
            r.actor = "system:someone.else".into();
        }
    })
    .await;
    let broken = store.verify_audit_chain().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 4, "{broken}");
    assert!(broken.reason.starts_with("altered"), "{broken}");
    store.close().await;
}

#[tokio::test]
async fn audit_head_set_back_over_rows_still_there_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_at(dir.path()).await;
    events(&store, "auditor", 4).await;
    sqlx::raw_sql(
        "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let broken = store.verify_audit_chain().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");
    assert!(broken.reason.starts_with("past the head"), "{broken}");
    store.close().await;
}

#[tokio::test]
async fn audit_verification_while_rows_are_appended_holds() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_at(dir.path()).await;
    events(&store, "auditor", 1).await;
    let writer = {
        let store = store.clone();
        tokio::spawn(async move { events(&store, "auditor", 300).await })
    };
    while !writer.is_finished() {
        let holds = store.verify_audit_chain().await.unwrap();
        assert!(holds.is_ok(), "{holds:?}");
    }
    writer.await.unwrap();
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(301));
    store.close().await;
}

#[tokio::test]
async fn audit_boundary_cannot_be_moved_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_at(dir.path()).await;
    events(&store, "auditor", 3).await;
    // Moving the boundary past the end would make every row "plain".
    sqlx::raw_sql("UPDATE audit_head SET keyed_from = 4")
        .execute(store.pool())
        .await
        .unwrap();
    let broken = store.verify_audit_chain().await.unwrap().unwrap_err();
    assert!(broken.reason.contains("does not authenticate"), "{broken}");
    store.close().await;
}
