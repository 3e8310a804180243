//! Paper arriving as files: the scanner hot folder (`worktrack watch`), the bulk import
//! (`worktrack import`), the blob check (`worktrack fsck`) and the intake benchmark.

use crate::support::*;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use worktrack::folders::{run_hot_folder, HotFolderOptions};
use worktrack_pipeline::intake::{Incoming, Intake};
use worktrack_store::{Actor, Office, Source};

/// A valid 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f,
    0x00, 0x05, 0xfe, 0x02, 0xfe, 0x0d, 0xef, 0x46, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A PNG with different bytes (trailing data after the end chunk), so not a duplicate.
fn png_variant(n: u8) -> Vec<u8> {
    let mut v = PNG.to_vec();
    v.extend_from_slice(format!("variant {n}").as_bytes());
    v
}

const NOT_A_PDF: &[u8] = b"Dear Sir or Madam, this letter was saved with the wrong name.";

/// Writes a file whose last change was a minute ago: finished, as far as a hot folder can tell.
fn write_finished(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
    set_age(path, Duration::from_secs(60));
}

fn set_age(path: &Path, age: Duration) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
}

/// Runs a command off the async runtime (the server of the test keeps serving meanwhile).
async fn run(mut cmd: Command) -> (i32, String, String) {
    let out: Output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `(id, filename, status, source, received_on, size, blob_hash)` of every document.
type DocRow = (i64, String, String, String, String, i64, String);

async fn documents(app: &TestApp) -> Vec<DocRow> {
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT id, filename, status, source, received_on, size, blob_hash FROM documents ORDER BY id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

fn blob_path(app: &TestApp, hash: &str) -> PathBuf {
    app.dir.path().join("blobs").join(&hash[..2]).join(hash)
}

fn hot_dir(app: &TestApp) -> PathBuf {
    let d = app.dir.path().join("scans");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn processed_today(hot: &Path, office: &Office) -> PathBuf {
    hot.join("processed")
        .join(Intake::today(office).to_string())
}

#[tokio::test]
async fn hot_folder_takes_in_finished_files_and_moves_them_away() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let hot = hot_dir(&app);
    write_finished(&hot.join("letter.pdf"), NOT_A_PDF);
    write_finished(&hot.join("stub.png"), PNG);
    write_finished(&hot.join("big scan.png"), &vec![7u8; 10_000]);
    // Left alone: hidden files and names scanners use while writing.
    write_finished(&hot.join(".hidden.pdf"), PNG);
    write_finished(&hot.join("page.tmp"), PNG);
    write_finished(&hot.join("page.part"), PNG);

    let mut cmd = app.command();
    cmd.env("WORKTRACK_MAX_UPLOAD_BYTES", "4096").args([
        "watch",
        hot.to_str().unwrap(),
        "--office",
        "AAA",
        "--once",
    ]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 taken in, 1 failed"), "{out}");

    let docs = documents(&app).await;
    assert_eq!(docs.len(), 2, "{docs:?}");
    let letter = docs.iter().find(|d| d.1 == "letter.pdf").unwrap();
    assert_eq!(
        (letter.2.as_str(), letter.3.as_str()),
        ("needs_attention", "hot_folder")
    );
    let stub = docs.iter().find(|d| d.1 == "stub.png").unwrap();
    assert_eq!((stub.2.as_str(), stub.3.as_str()), ("stored", "hot_folder"));
    assert_eq!(stub.4, Intake::today(&cast.a).to_string());

    // A file that needs attention is kept and moved to processed/ like the rest.
    assert_eq!(
        names_in(&processed_today(&hot, &cast.a)),
        ["letter.pdf", "stub.png"]
    );
    assert_eq!(
        names_in(&hot.join("failed")),
        ["big scan.png", "big scan.png.reason.txt"]
    );
    let reason = std::fs::read_to_string(hot.join("failed/big scan.png.reason.txt")).unwrap();
    assert!(
        reason.contains("10000 bytes") && reason.contains("larger than the 4096 bytes"),
        "{reason}"
    );
    assert_eq!(
        reason.trim().lines().count(),
        1,
        "one plain sentence: {reason}"
    );
    assert_eq!(
        names_in(&hot),
        [
            ".hidden.pdf",
            "failed",
            "page.part",
            "page.tmp",
            "processed"
        ]
    );

    // The same name again later: processed/ keeps both.
    write_finished(&hot.join("stub.png"), &png_variant(1));
    let mut cmd = app.command();
    cmd.args(["watch", hot.to_str().unwrap(), "--office", "AAA", "--once"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        names_in(&processed_today(&hot, &cast.a)),
        ["letter.pdf", "stub-1.png", "stub.png"]
    );
    assert_eq!(count(&app, "documents").await, 3);
}

#[tokio::test]
async fn hot_folder_restart_after_recording_does_not_double_the_document() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let hot = hot_dir(&app);
    let path = hot.join("claim 17.png");
    write_finished(&path, PNG);

    // A watcher recorded the document and stopped before it moved the file.
    let meta = std::fs::metadata(&path).unwrap();
    let mtime_ns = meta
        .modified()
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let key = format!("hot:AAA:claim 17.png:{}:{mtime_ns}", meta.len());
    let first = app
        .intake
        .take_in(
            &Actor::system("test"),
            Incoming {
                path: &path,
                filename: "claim 17.png",
                office: &cast.a,
                received_on: Intake::today(&cast.a),
                original_evidence: false,
                source: Source::HotFolder,
                source_key: Some(key),
            },
        )
        .await
        .unwrap();
    assert!(first.created);
    assert_eq!(count(&app, "documents").await, 1);

    let mut cmd = app.command();
    cmd.args(["watch", hot.to_str().unwrap(), "--office", "AAA", "--once"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 taken in, 0 failed"), "{out}");
    assert_eq!(count(&app, "documents").await, 1, "no second document");
    assert_eq!(names_in(&processed_today(&hot, &cast.a)), ["claim 17.png"]);
    assert!(!path.exists());
}

#[tokio::test]
async fn hot_folder_waits_for_a_file_that_is_still_being_written() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let hot = hot_dir(&app);
    let path = hot.join("growing.pdf");
    std::fs::write(&path, b"%PDF-1.4\n").unwrap();

    // Written just now: not finished by the default 2 s.
    let mut cmd = app.command();
    cmd.args(["watch", hot.to_str().unwrap(), "--office", "AAA", "--once"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 taken in, 0 failed, 1 not ready yet"),
        "{out}"
    );
    assert_eq!(count(&app, "documents").await, 0);
    assert!(path.exists());

    // Watching: a scanner appends for a while; the file is taken only once it stops, whole.
    let (stop, rx) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(run_hot_folder(
        app.intake.clone(),
        cast.a.clone(),
        hot.clone(),
        HotFolderOptions {
            interval: Duration::from_millis(50),
            stable: Duration::from_millis(400),
            max_upload_bytes: 1 << 20,
        },
        rx,
    ));
    for i in 0..12 {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        writeln!(f, "page {i} of a slow scan").unwrap();
        drop(f);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(count(&app, "documents").await, 0, "taken while growing");
    }
    let final_size = std::fs::metadata(&path).unwrap().len() as i64;
    let mut waited = 0;
    while count(&app, "documents").await == 0 {
        assert!(waited < 100, "never taken in");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    stop.send(true).unwrap();
    watcher.await.unwrap().unwrap();
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].5, final_size, "the whole file");
    assert_eq!(names_in(&processed_today(&hot, &cast.a)), ["growing.pdf"]);
}

#[tokio::test]
async fn import_takes_a_tree_in_once_and_reports_what_was_not_plainly_stored() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let tree = app.dir.path().join("backlog");
    write_finished(&tree.join("a.png"), PNG);
    write_finished(&tree.join("box 2/b copy.png"), PNG);
    write_finished(&tree.join("box 2/deeper/c.pdf"), NOT_A_PDF);
    write_finished(&tree.join("d.png"), &png_variant(1));
    write_finished(&tree.join(".DS_Store"), b"finder");
    write_finished(&tree.join(".git/config"), b"[core]");
    let received = (Intake::today(&cast.a) - time::Duration::days(3)).to_string();

    let mut cmd = app.command();
    cmd.args([
        "import",
        tree.to_str().unwrap(),
        "--office",
        "AAA",
        "--received",
        &received,
    ]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    let row = |status: &str, file: &str| {
        out.lines()
            .find(|l| l.starts_with(status) && l.contains(file))
            .unwrap_or_else(|| panic!("no {status} row for {file}:\n{out}"))
            .to_string()
    };
    assert!(row("duplicate", "box 2/b copy.png").contains("same content as document"));
    assert!(row("needs attention", "box 2/deeper/c.pdf").contains("is not a PDF"));
    for total in [
        "stored           2",
        "duplicates       1",
        "needs attention  1",
        "skipped          0",
        "failed           0",
    ] {
        assert!(out.contains(total), "{total}:\n{out}");
    }
    assert!(
        !out.contains(" a.png"),
        "plainly stored files get no row:\n{out}"
    );
    // Progress goes to stderr; not a terminal here, so whole lines.
    assert!(err.contains("imported 4/4 files"), "{err}");

    let docs = documents(&app).await;
    assert_eq!(docs.len(), 4);
    assert!(
        docs.iter().all(|d| d.3 == "import" && d.4 == received),
        "{docs:?}"
    );

    // A second run takes nothing in again.
    let mut cmd = app.command();
    cmd.args(["import", tree.to_str().unwrap(), "--office", "AAA"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("skipped          4"), "{out}");
    assert!(out.contains("stored           0"), "{out}");
    assert_eq!(count(&app, "documents").await, 4);
}

#[tokio::test]
async fn import_with_an_oversize_file_fails_it_and_imports_the_rest() {
    let app = spawn_app().await;
    app.cast().await;
    let tree = app.dir.path().join("backlog");
    write_finished(&tree.join("a.png"), PNG);
    write_finished(&tree.join("huge.tif"), &vec![1u8; 10_000]);
    write_finished(&tree.join("z.png"), &png_variant(2));

    let mut cmd = app.command();
    cmd.env("WORKTRACK_MAX_UPLOAD_BYTES", "4096").args([
        "import",
        tree.to_str().unwrap(),
        "--office",
        "BBB",
    ]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 1, "{out}{err}");
    let failed = out
        .lines()
        .find(|l| l.starts_with("failed") && l.contains("huge.tif"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(failed.contains("larger than the 4096 bytes"), "{failed}");
    assert!(out.contains("stored           2"), "{out}");
    assert!(out.contains("failed           1"), "{out}");
    assert_eq!(count(&app, "documents").await, 2);
}

#[tokio::test]
async fn import_refuses_a_received_date_in_the_future_before_touching_anything() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let tree = app.dir.path().join("backlog");
    write_finished(&tree.join("a.png"), PNG);
    let tomorrow = (Intake::today(&cast.n2) + time::Duration::days(2)).to_string();
    for (received, says) in [
        (tomorrow.as_str(), "in the future"),
        ("2024-13-01", "YYYY-MM-DD"),
    ] {
        let mut cmd = app.command();
        cmd.args([
            "import",
            tree.to_str().unwrap(),
            "--office",
            "NN2",
            "--received",
            received,
        ]);
        let (code, out, err) = run(cmd).await;
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(says), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    let mut cmd = app.command();
    cmd.args(["import", tree.to_str().unwrap(), "--office", "ZZZ"]);
    let (code, _, err) = run(cmd).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("there is no office ZZZ"), "{err}");
    assert_eq!(count(&app, "documents").await, 0);
}

async fn import_three(app: &TestApp) -> Vec<DocRow> {
    let tree = app.dir.path().join("backlog");
    for i in 0..3 {
        write_finished(&tree.join(format!("p{i}.png")), &png_variant(i));
    }
    let mut cmd = app.command();
    cmd.args(["import", tree.to_str().unwrap(), "--office", "AAA"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    documents(app).await
}

async fn fsck(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let mut cmd = app.command();
    cmd.arg("fsck").args(args);
    run(cmd).await
}

async fn stored_blobs(app: &TestApp) -> Vec<String> {
    app.intake.blobs.list().await.unwrap()
}

#[tokio::test]
async fn fsck_names_the_documents_of_missing_and_corrupt_blobs() {
    let app = spawn_app().await;
    app.cast().await;
    let docs = import_three(&app).await;

    let (code, out, err) = fsck(&app, &[]).await;
    assert_eq!(code, 0, "{out}{err}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("fsck: ") && last.ends_with("blobs checked, clean"),
        "{out}"
    );

    let (missing_id, missing) = (docs[0].0, &docs[0].6);
    app.intake.blobs.remove(missing).await.unwrap();
    // Damaging a stored object in place needs the local layout.
    let corrupt = (!on_s3()).then(|| {
        let (id, hash) = (docs[1].0, &docs[1].6);
        let mut bytes = std::fs::read(blob_path(&app, hash)).unwrap();
        bytes[20] ^= 0x01;
        std::fs::write(blob_path(&app, hash), bytes).unwrap();
        (id, hash.clone())
    });

    for args in [&[][..], &["--repair"][..]] {
        let (code, out, err) = fsck(&app, args).await;
        assert_eq!(code, 1, "{out}{err}");
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("missing blob {missing}")))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(line.contains(&format!("document {missing_id}")), "{line}");
        if let Some((corrupt_id, corrupt)) = &corrupt {
            let line = out
                .lines()
                .find(|l| l.starts_with(&format!("corrupt blob {corrupt}")))
                .unwrap_or_else(|| panic!("{out}"));
            assert!(line.contains("does not authenticate"), "{line}");
            assert!(line.contains(&format!("document {corrupt_id}")), "{line}");
            assert!(out.contains("2 problems"), "{out}");
        } else {
            assert!(out.contains("1 problem"), "{out}");
        }
    }
    // Repair never touches rows.
    assert_eq!(count(&app, "documents").await, 3);
}

#[tokio::test]
async fn fsck_repair_removes_old_orphans_and_stale_partial_uploads_only() {
    let app = spawn_app().await;
    app.cast().await;
    let docs = import_three(&app).await;

    // An orphan from long ago (a file can be back-dated only in the local layout).
    let orphan = format!("ab{}", "0123456789abcdef".repeat(4).get(2..).unwrap());
    let orphan_path = blob_path(&app, &orphan);
    if !on_s3() {
        write_finished(&orphan_path, b"random bytes nobody refers to");
        set_age(&orphan_path, Duration::from_secs(2 * 3600));
    }
    // An unreferenced blob written a moment ago may belong to an upload in progress.
    let blobs = app.intake.blobs.clone();
    let young = tokio::task::spawn_blocking(move || {
        blobs
            .put_reader(&mut &b"a page whose row is not committed yet"[..])
            .unwrap()
            .hash
    })
    .await
    .unwrap();
    let part = app.dir.path().join("uploads").join("0123abcd.part");
    write_finished(&part, b"half an upload");
    set_age(&part, Duration::from_secs(2 * 3600));
    let problems = if on_s3() { 1 } else { 2 };

    let (code, out, err) = fsck(&app, &[]).await;
    assert_eq!(code, 1, "an orphan means something went wrong:\n{out}{err}");
    if !on_s3() {
        assert!(out.contains(&format!("orphan blob {orphan}")), "{out}");
    }
    assert!(out.contains("stale partial upload"), "{out}");
    assert!(out.contains("0123abcd.part"), "{out}");
    assert!(out.contains(&format!("note: blob {young}")), "{out}");
    assert!(out.contains(&format!("{problems} problem")), "{out}");

    let (code, out, err) = fsck(&app, &["--repair"]).await;
    assert_eq!(code, 0, "{out}{err}");
    if !on_s3() {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("orphan blob {orphan}")) && l.ends_with("removed")),
            "{out}"
        );
    }
    assert!(out.contains(&format!("clean (removed {problems}")), "{out}");
    assert!(!orphan_path.exists() && !part.exists());
    let left = stored_blobs(&app).await;
    assert!(left.contains(&young), "too young to judge");
    assert!(!left.contains(&orphan));
    for d in &docs {
        assert!(left.contains(&d.6), "a referenced blob was removed");
    }
    assert_eq!(count(&app, "documents").await, 3);

    let (code, out, err) = fsck(&app, &[]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.trim_end().ends_with("clean"), "{out}");
}

#[tokio::test]
async fn bench_intake_runs_on_a_tiny_corpus() {
    let app = spawn_app().await;
    let mut cmd = app.command();
    cmd.args([
        "bench",
        "intake",
        "--files",
        "2",
        "--size-mb",
        "1",
        "--large-mb",
        "2",
    ]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{out}{err}");
    for line in [
        "intake, small files (1 MB)",
        "intake, large files (2 MB)",
        "raw write + fsync, large files",
        "MB/s",
        "peak RSS (VmHWM)",
        "intake MB/s / raw MB/s, large files:",
    ] {
        assert!(out.contains(line), "{line}:\n{out}");
    }
}
