use super::*;
use crate::{Actor, AuditEvent};

fn keys() -> Keys {
    Keys::from_hex(&"42".repeat(32)).unwrap()
}

async fn sqlite_store(dir: &Path) -> Store {
    let url = format!("sqlite://{}", dir.join("t.db").display());
    Store::connect(&url, keys()).await.unwrap()
}

async fn events(store: &Store, n: usize) {
    for i in 0..n {
        store
            .audit(
                &Actor::system("test"),
                AuditEvent {
                    action: "test.event",
                    target_type: "test",
                    target_id: i.to_string(),
                    office_id: None,
                    detail: serde_json::json!({}),
                },
            )
            .await
            .unwrap();
    }
}

fn checkpoint() -> Checkpoint {
    Checkpoint::sign(&keys(), 12, &"ab".repeat(32), 1_765_000_000_000, 1)
}

#[test]
fn audit_checkpoint_signature_covers_every_field() {
    let c = checkpoint();
    assert!(c.is_authentic(&keys()));
    let other = Keys::from_hex(&"43".repeat(32)).unwrap();
    assert!(!c.is_authentic(&other), "another master key");
    for altered in [
        Checkpoint {
            seq: 11,
            ..c.clone()
        },
        Checkpoint {
            hash: "cd".repeat(32),
            ..c.clone()
        },
        Checkpoint {
            at: c.at + 1,
            ..c.clone()
        },
        Checkpoint {
            keyed_from: 2,
            ..c.clone()
        },
        Checkpoint {
            sig: "00".repeat(32),
            ..c.clone()
        },
        Checkpoint {
            sig: "not hex".into(),
            ..c.clone()
        },
    ] {
        assert!(!altered.is_authentic(&keys()), "{altered:?}");
    }
    // The file line and the object name both carry it whole.
    let back: Checkpoint = serde_json::from_str(&c.to_line()).unwrap();
    assert_eq!(back, c);
    assert_eq!(
        Checkpoint::from_object_name(&c.object_name()),
        Some(c.clone())
    );
    assert_eq!(
        Checkpoint::from_object_name("audit-checkpoints/x.json"),
        None
    );
}

#[test]
fn audit_checkpoint_file_lines_bad_and_torn() {
    let c = checkpoint();
    let forged = Checkpoint {
        seq: 99,
        ..c.clone()
    };
    let text = format!(
        "{}\n{}\nnonsense\n{}\n{{\"seq\":1",
        c.to_line(),
        forged.to_line(),
        c.to_line()
    );
    let mut read = CheckpointsRead::default();
    read_file_lines(&text, Path::new("/d/f.log"), &keys(), &mut read);
    let kinds: Vec<String> = read
        .entries
        .iter()
        .map(|e| match e {
            StoredCheckpoint::Authentic { place, .. } => format!("ok {place}"),
            StoredCheckpoint::Bad { place, reason } => format!("bad {place} {reason}"),
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds[0], "ok line 1 of /d/f.log");
    assert!(kinds[1].starts_with("bad line 2 of /d/f.log does not authenticate"));
    assert!(kinds[2].starts_with("bad line 3 of /d/f.log is not a checkpoint"));
    assert_eq!(kinds[3], "ok line 4 of /d/f.log");
    // A last line cut short by a crash is a note, not a finding.
    assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
    assert!(read.notes[0].contains("line 5"));
}

#[tokio::test]
async fn audit_checkpoints_are_appended_to_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    let log = CheckpointLog::in_data_dir(dir.path(), None).unwrap();
    assert!(
        write_audit_checkpoint(&store, &log)
            .await
            .unwrap()
            .is_none(),
        "nothing to anchor in an empty log"
    );
    events(&store, 3).await;
    let first = write_audit_checkpoint(&store, &log).await.unwrap().unwrap();
    assert_eq!(first.seq, 3);
    events(&store, 2).await;
    let second = write_audit_checkpoint(&store, &log).await.unwrap().unwrap();
    assert_eq!(second.seq, 5);
    let text = std::fs::read_to_string(log.file()).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.ends_with('\n'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(log.file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let read = log.read(store.keys()).await.unwrap();
    let v = store.verify_audit(&read.entries).await.unwrap();
    assert!(v.is_intact(), "{:?}", v.problems);
    assert_eq!((v.rows, v.agreeing), (5, 2));
    assert_eq!(v.last_good.as_ref().map(|c| c.seq), Some(5));
    store.close().await;
}

#[tokio::test]
async fn audit_tail_removed_and_head_set_back_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    let log = CheckpointLog::in_data_dir(dir.path(), None).unwrap();
    events(&store, 4).await;
    write_audit_checkpoint(&store, &log).await.unwrap();
    events(&store, 4).await;
    write_audit_checkpoint(&store, &log).await.unwrap();
    // Someone with the database removes rows 7 and 8 and sets the head back to row 6.
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 6; \
         UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit_log WHERE seq = 6)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(
        store.verify_audit_chain().await.unwrap(),
        Ok(6),
        "the chain alone holds"
    );
    let read = log.read(store.keys()).await.unwrap();
    let v = store.verify_audit(&read.entries).await.unwrap();
    assert!(!v.is_intact());
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert!(
        v.problems[0].starts_with("audit row 7: missing (the log ends at row 6"),
        "{:?}",
        v.problems
    );
    assert_eq!(v.last_good.as_ref().map(|c| c.seq), Some(4));
    assert_eq!(v.first_unvouched(), 5);
    store.close().await;
}

#[tokio::test]
async fn audit_tail_replaced_by_new_rows_is_caught() {
    // A tail removed (or the database put back to an older copy), then the server goes on
    // appending: the new rows reuse the numbers, but not the hashes, of checkpointed ones.
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    let log = CheckpointLog::in_data_dir(dir.path(), None).unwrap();
    events(&store, 2).await;
    write_audit_checkpoint(&store, &log).await.unwrap();
    events(&store, 2).await;
    write_audit_checkpoint(&store, &log).await.unwrap();
    events(&store, 1).await;
    write_audit_checkpoint(&store, &log).await.unwrap();
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 2; \
         UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    events(&store, 4).await;
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(6));
    let read = log.read(store.keys()).await.unwrap();
    let v = store.verify_audit(&read.entries).await.unwrap();
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert!(
        v.problems[0].starts_with("audit row 4: rewritten")
            && v.problems[0].ends_with("; and 1 later checkpoint likewise"),
        "{:?}",
        v.problems
    );
    assert_eq!(v.last_good.as_ref().map(|c| c.seq), Some(2));
    assert_eq!(v.first_unvouched(), 3);
    store.close().await;
}

#[tokio::test]
async fn audit_writer_anchors_at_start_as_rows_come_and_at_stop() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    events(&store, 2).await;
    let log = CheckpointLog::in_data_dir(dir.path(), None).unwrap();
    let writer = CheckpointWriter::start(
        store.clone(),
        log.clone(),
        CheckpointSchedule {
            every_rows: 5,
            every: Duration::from_secs(3600),
            poll: Duration::from_millis(10),
        },
    );
    let seqs = |log: &CheckpointLog| -> Vec<i64> {
        std::fs::read_to_string(log.file())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<Checkpoint>(l).unwrap().seq)
            .collect()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while seqs(&log).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seqs(&log), vec![2], "one at start");
    events(&store, 6).await;
    while seqs(&log).len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seqs(&log).len() >= 2, "one after five more rows");
    assert!(*seqs(&log).last().unwrap() >= 7);
    events(&store, 1).await;
    writer.stop().await;
    assert_eq!(seqs(&log).last(), Some(&9), "one at stop");
    store.close().await;
}

#[tokio::test]
async fn audit_checkpoint_objects_in_s3_are_created_never_replaced() {
    let Some(config) = crate::s3::test_configs().into_iter().next() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    let log = CheckpointLog::in_data_dir(dir.path(), Some(config.clone())).unwrap();
    events(&store, 3).await;
    let c = write_audit_checkpoint(&store, &log).await.unwrap().unwrap();
    let bucket = Bucket::new(config).unwrap();
    assert!(
        !bucket
            .put_new(&c.object_name(), b"other".to_vec())
            .await
            .unwrap(),
        "an existing checkpoint object is not replaced"
    );
    // Nor by a PUT that raced the HEAD: the store refuses it (412).
    assert!(!bucket
        .create_only(&c.object_name(), b"other".to_vec())
        .await
        .unwrap());
    let names = bucket.list_names(S3_DIR).await.unwrap();
    assert_eq!(names, vec![c.object_name()]);
    // Read back from both places: the file's line and the object, both authentic.
    let read = log.read(store.keys()).await.unwrap();
    assert_eq!(read.entries.len(), 2, "{:?}", read.entries);
    let v = store.verify_audit(&read.entries).await.unwrap();
    assert!(v.is_intact(), "{:?}", v.problems);
    assert_eq!(v.agreeing, 1, "one checkpoint, two copies");
    // The object survives the file being lost.
    std::fs::remove_file(log.file()).unwrap();
    let read = log.read(store.keys()).await.unwrap();
    assert_eq!(read.entries.len(), 1);
    store.close().await;
}
