//! Document intake: tus uploads from real clients (with a cut connection and a killed server),
//! the protocol's refusals, formats that need attention, duplicates, encryption at rest,
//! multipart uploads, page images and the paper log.

use crate::support::*;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use worktrack_corpus::fixtures::{noise, pdf, png_header_only, Fixtures};

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

fn sha256_file(path: &Path) -> String {
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(path).unwrap();
    std::io::copy(&mut f, &mut h).unwrap();
    hex::encode(h.finalize())
}

/// A file of `mb` megabytes of deterministic noise.
fn big_file(dir: &Path, mb: usize) -> PathBuf {
    let path = dir.join(format!("big-{mb}.bin"));
    let chunk = noise(1024 * 1024);
    let mut f = std::fs::File::create(&path).unwrap();
    for i in 0..mb {
        let mut c = chunk.clone();
        c[0] = i as u8;
        c[1] = (i >> 8) as u8;
        std::io::Write::write_all(&mut f, &c).unwrap();
    }
    path
}

/// Runs a tus test client on a blocking thread (the server under test runs on this runtime);
/// returns its JSON line.
async fn tus_client(
    kind: &str,
    endpoint: &str,
    file: &Path,
    token: &str,
    store: &Path,
    stop_at: Option<u64>,
) -> Result<Value, String> {
    let (kind, endpoint, file, token, store) = (
        kind.to_string(),
        endpoint.to_string(),
        file.to_path_buf(),
        token.to_string(),
        store.to_path_buf(),
    );
    tokio::task::spawn_blocking(move || {
        run_tus_client(&kind, &endpoint, &file, &token, &store, stop_at)
    })
    .await
    .unwrap()
}

fn run_tus_client(
    kind: &str,
    endpoint: &str,
    file: &Path,
    token: &str,
    store: &Path,
    stop_at: Option<u64>,
) -> Result<Value, String> {
    let mut cmd = match kind {
        "python" => {
            let mut c = Command::new("python3");
            c.arg(clients_dir().join("tus_upload.py"));
            c
        }
        _ => {
            let mut c = Command::new("node");
            c.arg(clients_dir().join("tus_upload.mjs"));
            c
        }
    };
    cmd.args([
        "--endpoint",
        endpoint,
        "--token",
        token,
        "--office",
        "AAA",
        "--chunk-size",
        "4194304",
    ])
    .arg("--file")
    .arg(file)
    .arg("--store")
    .arg(store);
    if let Some(n) = stop_at {
        cmd.args(["--stop-at", &n.to_string()]);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run the {kind} tus client: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{kind} client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    serde_json::from_str(&line).map_err(|e| format!("{e}: {line}"))
}

/// The sha256 of a stored document's content, downloaded through the server.
async fn downloaded_sha(app_url: &str, token: &str, document_url: &str) -> String {
    let resp = reqwest::Client::new()
        .get(format!("{app_url}{document_url}/content"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut h = Sha256::new();
    let mut stream = resp.bytes_stream();
    use futures_util::StreamExt;
    while let Some(chunk) = stream.next().await {
        h.update(chunk.unwrap());
    }
    hex::encode(h.finalize())
}

async fn resume_in_a_new_run(kind: &str) {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let file = big_file(app.dir.path(), 50);
    let store = app.dir.path().join(format!("{kind}-urls.json"));
    let endpoint = format!("{}/api/v1/uploads/", app.url);
    let length = 50 * 1024 * 1024;
    let first = tus_client(kind, &endpoint, &file, &token, &store, Some(length / 2))
        .await
        .unwrap();
    let offset = first["offset"].as_u64().unwrap();
    assert!(offset > 0 && offset < length, "stopped half way: {first}");
    assert!(first["document_url"].is_null());
    let second = tus_client(kind, &endpoint, &file, &token, &store, None)
        .await
        .unwrap();
    assert_eq!(second["url"], first["url"], "the same upload was resumed");
    assert_eq!(second["offset"].as_u64(), Some(length));
    assert_eq!(
        second["document_status"], "needs_attention",
        "random bytes are not a supported format, and are kept"
    );
    let url = second["document_url"].as_str().unwrap();
    assert_eq!(
        downloaded_sha(&app.url, &token, url).await,
        sha256_file(&file)
    );
    assert_eq!(count(&app, "documents").await, 1);
    app.stop().await;
}

/// A TCP proxy to `target` that, once `cut_after` bytes have gone upstream, drops the
/// connection carrying them (both ways, mid-request) — once; later connections pass untouched.
/// Returns the proxy's base URL and whether the cut happened.
async fn cutting_proxy(
    target: std::net::SocketAddr,
    cut_after: u64,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cut = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let flag = cut.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (cut, sent) = (cut.clone(), sent.clone());
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let down = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match cr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let total = sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64;
                    if total > cut_after && !cut.swap(true, Ordering::SeqCst) {
                        // Cut: drop both directions without finishing the request.
                        down.abort();
                        return;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                let _ = sw.shutdown().await;
                let _ = down.await;
            });
        }
    });
    (url, flag)
}

async fn upload_through_a_cut(kind: &str) {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let file = big_file(app.dir.path(), 50);
    let store = app.dir.path().join(format!("{kind}-cut-urls.json"));
    let target: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let (proxy, cut) = cutting_proxy(target, 25 * 1024 * 1024).await;
    let endpoint = format!("{proxy}/api/v1/uploads/");
    // One run of the client: the connection is cut mid-request half way, the client
    // reconnects, asks where the upload stands and finishes it.
    let done = tus_client(kind, &endpoint, &file, &token, &store, None)
        .await
        .unwrap();
    assert!(
        cut.load(std::sync::atomic::Ordering::SeqCst),
        "the connection was cut"
    );
    assert_eq!(done["offset"].as_u64(), Some(50 * 1024 * 1024));
    let url = done["document_url"].as_str().unwrap();
    assert_eq!(
        downloaded_sha(&app.url, &token, url).await,
        sha256_file(&file)
    );
    assert_eq!(count(&app, "documents").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn tuspy_uploads_50_mb_through_a_connection_cut_half_way() {
    upload_through_a_cut("python").await;
}

#[tokio::test]
async fn tus_js_client_uploads_50_mb_through_a_connection_cut_half_way() {
    upload_through_a_cut("node").await;
}

#[tokio::test]
async fn tuspy_uploads_50_mb_stopped_half_way_and_resumed_by_a_new_run() {
    resume_in_a_new_run("python").await;
}

#[tokio::test]
async fn tus_js_client_uploads_50_mb_stopped_half_way_and_resumed_by_a_new_run() {
    resume_in_a_new_run("node").await;
}

/// The upload URL a client saved, wherever it sits in the client's storage file (tuspy: `url`,
/// tus-js-client: `uploadUrl`).
fn stored_url(v: &Value) -> Option<String> {
    match v {
        Value::Object(map) => map
            .get("url")
            .or_else(|| map.get("uploadUrl"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| map.values().find_map(stored_url)),
        Value::Array(items) => items.iter().find_map(stored_url),
        _ => None,
    }
}

/// `worktrack fsck` finds every row's blob intact and nothing stray.
fn assert_fsck_clean(app: &TestApp) {
    let out = app.command().arg("fsck").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("clean"),
        "fsck: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_healthy(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if reqwest::get(format!("{url}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {url} did not come up");
}

#[tokio::test]
async fn a_tuspy_upload_survives_the_server_being_killed_mid_request() {
    survive_a_killed_server("python").await;
}

#[tokio::test]
async fn a_tus_js_client_upload_survives_the_server_being_killed_mid_request() {
    survive_a_killed_server("node").await;
}

async fn survive_a_killed_server(kind: &str) {
    // The in-process server provides the database; a second server process (the real binary,
    // sharing database and data directory) takes the upload and is killed with SIGKILL.
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let file = big_file(app.dir.path(), 50);
    let length = 50 * 1024 * 1024u64;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let endpoint = format!("{url}/api/v1/uploads/");
    let serve = || {
        app.command()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut server = serve();
    wait_healthy(&url).await;
    let store = app.dir.path().join("killed-urls.json");
    let (program, script) = match kind {
        "python" => ("python3", "tus_upload.py"),
        _ => ("node", "tus_upload.mjs"),
    };
    let mut client = Command::new(program)
        .arg(clients_dir().join(script))
        .args([
            "--endpoint",
            &endpoint,
            "--token",
            &token,
            "--office",
            "AAA",
            "--chunk-size",
            "1048576",
        ])
        .arg("--file")
        .arg(&file)
        .arg("--store")
        .arg(&store)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a good part has arrived, then kill the server in the middle of a PATCH.
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let upload_url = loop {
        assert!(Instant::now() < deadline, "the upload never started");
        if let Some(u) = std::fs::read_to_string(&store).ok().and_then(|s| {
            let v: Value = serde_json::from_str(&s).ok()?;
            stored_url(&v)
        }) {
            let head = http
                .head(&u)
                .header("tus-resumable", "1.0.0")
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let offset: u64 = head
                .headers()
                .get("upload-offset")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if offset > 10 * 1024 * 1024 {
                break u;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    server.kill().unwrap(); // SIGKILL
    let _ = server.wait();
    let _ = client.kill();
    let _ = client.wait();

    let mut server = serve();
    wait_healthy(&url).await;
    let head = http
        .head(&upload_url)
        .header("tus-resumable", "1.0.0")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    let offset: u64 = head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        offset > 0 && offset < length,
        "resumes from what reached the disk: {offset}"
    );
    let done = tus_client(kind, &endpoint, &file, &token, &store, None)
        .await
        .unwrap();
    assert_eq!(done["url"].as_str(), Some(upload_url.as_str()));
    let doc = done["document_url"].as_str().unwrap().to_string();
    assert_eq!(downloaded_sha(&url, &token, &doc).await, sha256_file(&file));
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(count(&app, "documents").await, 1);
    app.stop().await;
}

fn tus(h: &mut HeaderMap) {
    h.insert("tus-resumable", "1.0.0".parse().unwrap());
}

async fn create(app: &TestApp, token: &str, length: u64, meta: &str) -> reqwest::Response {
    let mut h = HeaderMap::new();
    tus(&mut h);
    h.insert("upload-length", length.to_string().parse().unwrap());
    h.insert("upload-metadata", meta.parse().unwrap());
    reqwest::Client::new()
        .post(format!("{}/api/v1/uploads/", app.url))
        .headers(h)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Uploads `bytes` named `name` in one creation-with-upload request; returns the response.
async fn upload_whole(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: &[u8],
    office: &str,
) -> reqwest::Response {
    let mut h = HeaderMap::new();
    tus(&mut h);
    h.insert("upload-length", bytes.len().to_string().parse().unwrap());
    h.insert(
        "upload-metadata",
        format!("filename {},office {}", b64(name), b64(office))
            .parse()
            .unwrap(),
    );
    h.insert(
        "content-type",
        "application/offset+octet-stream".parse().unwrap(),
    );
    reqwest::Client::new()
        .post(format!("{}/api/v1/uploads/", app.url))
        .headers(h)
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn document_id(resp: &reqwest::Response) -> i64 {
    header(resp, "x-document-url")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_tus_protocol_refuses_bad_requests_and_changes_nothing() {
    let app = spawn_app_with(Options {
        max_upload_bytes: 1024 * 1024,
        ..Options::default()
    })
    .await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let http = reqwest::Client::new();
    let base = format!("{}/api/v1/uploads/", app.url);

    let opts = http
        .request(reqwest::Method::OPTIONS, &base)
        .send()
        .await
        .unwrap();
    assert_eq!(opts.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&opts, "tus-version"), "1.0.0");
    assert!(header(&opts, "tus-extension").contains("checksum"));
    assert!(header(&opts, "tus-extension").contains("termination"));
    assert_eq!(header(&opts, "tus-max-size"), (1024 * 1024).to_string());

    // No version header.
    let resp = http
        .post(&base)
        .bearer_auth(&token)
        .header("upload-length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    // Too large.
    let resp = create(
        &app,
        &token,
        2 * 1024 * 1024,
        &format!("filename {}", b64("big.pdf")),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&resp, "content-type"), "application/problem+json");
    // Another office: not found, as everything outside the user's scope.
    let resp = create(&app, &token, 10, &format!("office {}", b64("BBB"))).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // A received date in the future.
    let resp = create(
        &app,
        &token,
        10,
        &format!("received_on {}", b64("2999-01-01")),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Not signed in.
    let resp = http
        .post(&base)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app, "uploads").await, 0);

    let body = b"0123456789abcdefghij";
    let resp = create(
        &app,
        &token,
        body.len() as u64,
        &format!("filename {}", b64("notes.txt")),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let location = format!("{}{}", app.url, header(&resp, "location"));
    assert!(!header(&resp, "upload-expires").is_empty());
    let patch = |offset: u64, bytes: &'static [u8], checksum: Option<String>| {
        let mut r = http
            .patch(&location)
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(bytes);
        if let Some(c) = checksum {
            r = r.header("upload-checksum", c);
        }
        r.send()
    };
    let offset_now = || async {
        let r = http
            .head(&location)
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .send()
            .await
            .unwrap();
        header(&r, "upload-offset").parse::<u64>().unwrap()
    };
    // Wrong offset.
    assert_eq!(
        patch(5, &body[..5], None).await.unwrap().status(),
        StatusCode::CONFLICT
    );
    // Wrong checksum: 460, and the bytes are not kept.
    use base64::Engine;
    let wrong = format!(
        "sha1 {}",
        base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(b"other"))
    );
    assert_eq!(
        patch(0, &body[..10], Some(wrong))
            .await
            .unwrap()
            .status()
            .as_u16(),
        460
    );
    assert_eq!(offset_now().await, 0);
    // Unknown checksum algorithm.
    assert_eq!(
        patch(0, &body[..10], Some("md5 AAAA".into()))
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    // The right checksum (sha256 this time) is accepted.
    let right = format!(
        "sha256 {}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&body[..10]))
    );
    let resp = patch(0, &body[..10], Some(right)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&resp, "upload-offset"), "10");
    // More bytes than announced.
    assert_eq!(
        patch(10, b"0123456789ABCDEFGHIJ", None)
            .await
            .unwrap()
            .status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(offset_now().await, 10);
    // Wrong content type.
    let resp = http
        .patch(&location)
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "10")
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Someone else's upload does not exist for them.
    let other = app.token("manager.a").await;
    let resp = http
        .head(&location)
        .bearer_auth(&other)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Termination.
    let resp = http
        .delete(&location)
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = http
        .head(&location)
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "documents").await, 0);
    assert!(
        std::fs::read_dir(app.dir.path().join("uploads"))
            .unwrap()
            .next()
            .is_none(),
        "no partial file left"
    );
    assert_fsck_clean(&app);
    app.stop().await;
}

#[tokio::test]
async fn files_that_need_attention_are_kept_with_a_plain_reason() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let fx = Fixtures::make().await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.pdf", Vec::new(), "empty"),
        (
            "claims-to-be.pdf",
            b"<html><body>not a pdf</body></html>".to_vec(),
            "not a PDF",
        ),
        (
            "locked.pdf",
            std::fs::read(fx.path("locked.pdf")).unwrap(),
            "password-protected",
        ),
        ("huge.png", png_header_only(30_000, 30_000), "30000 × 30000"),
        ("noise.bin", noise(5000), "not supported"),
        ("../../etc/passwd", pdf(&[("Escaping", 612, 792)]), ""),
    ];
    for (name, bytes, says) in &cases {
        let resp = upload_whole(&app, &token, name, bytes, "AAA").await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{name}");
        let id = document_id(&resp);
        let doc = app.store.document_unscoped(id).await.unwrap();
        let note = urlencoding_decode(&header(&resp, "x-document-note"));
        if says.is_empty() {
            assert_eq!(doc.status, "stored", "{name}");
            assert_eq!(doc.filename, "passwd", "the path is dropped");
        } else {
            assert_eq!(doc.status, "needs_attention", "{name}");
            assert!(note.contains(says), "{name}: {note}");
            assert!(doc.attention_reason.unwrap().contains(says));
        }
    }
    assert!(!app.dir.path().join("etc").exists());
    // The document page shows the reason to the uploader.
    let c = app.login("employee.a").await;
    let html = c
        .get(format!("{}/documents/2", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Needs attention") && html.contains("is not a PDF"),
        "{html}"
    );
    assert_fsck_clean(&app);
    app.stop().await;
}

fn urlencoding_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_same_file_twice_is_stored_once_and_recorded_as_a_duplicate() {
    let app = spawn_app().await;
    // No page images: the blob count below is then the documents' bytes alone.
    app.stop_workers().await;
    let cast = app.cast().await;
    app.user(
        "employee.n2",
        worktrack_domain::Role::Employee,
        Some(&cast.n2),
    )
    .await;
    let token = app.token("employee.a").await;
    let bytes = pdf(&[("Pay stub March", 612, 792)]);
    let first = upload_whole(&app, &token, "stub.pdf", &bytes, "AAA").await;
    let second = upload_whole(&app, &token, "stub-again.pdf", &bytes, "AAA").await;
    assert_eq!(header(&first, "x-document-status"), "stored");
    assert_eq!(header(&second, "x-document-status"), "duplicate");
    let second_doc = app
        .store
        .document_unscoped(document_id(&second))
        .await
        .unwrap();
    assert_eq!(second_doc.duplicate_of, Some(document_id(&first)));
    assert!(urlencoding_decode(&header(&second, "x-document-note")).contains("already uploaded"));
    // Another office: its own document, not a duplicate.
    let other = upload_whole(
        &app,
        &app.token("employee.n2").await,
        "stub.pdf",
        &bytes,
        "NN2",
    )
    .await;
    assert_eq!(header(&other, "x-document-status"), "stored");
    assert_eq!(count(&app, "documents").await, 3);
    assert_eq!(count(&app, "blobs").await, 1, "one copy of the bytes");
    app.stop().await;
}

#[tokio::test]
async fn the_blob_store_holds_no_plaintext_and_page_images_are_made() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let phrase = "Zebracorn Medical Evidence";
    let bytes = pdf(&[(phrase, 612, 792), ("Second page", 792, 612)]);
    assert!(bytes.windows(phrase.len()).any(|w| w == phrase.as_bytes()));
    let resp = upload_whole(&app, &token, "evidence.pdf", &bytes, "AAA").await;
    let id = document_id(&resp);
    let doc = app.store.document_unscoped(id).await.unwrap();
    assert_eq!(doc.pages, Some(2));
    // Page images arrive from the background worker.
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.store.document_unscoped(id).await.unwrap().previews == "pending" {
        assert!(Instant::now() < deadline, "page images never made");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.store.document_unscoped(id).await.unwrap().previews,
        "done"
    );
    let c = app.login("employee.a").await;
    let img = c
        .get(format!("{}/documents/{id}/images/page-2.jpg", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(header(&img, "content-type"), "image/jpeg");
    assert_eq!(&img.bytes().await.unwrap()[..3], b"\xff\xd8\xff");
    // Another office's user cannot see the image.
    let b = app.login("employee.b").await;
    assert_eq!(
        b.get(format!("{}/documents/{id}/images/page-1.jpg", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Nothing in the blob directory or the data directory's leftovers is readable.
    fn scan(dir: &Path, needle: &[u8], found: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                scan(&p, needle, found);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
            {
                found.push(p);
            }
        }
    }
    // The text job decrypts into the scratch space while it reads; wait until it is done
    // (and its scratch files are gone) before looking.
    let texts = wait_for_text(&app, id).await;
    assert_eq!(texts[0].source, "text_layer");
    let mut found = Vec::new();
    // The blob directory (local) or the scratch directory next to the bucket (S3).
    scan(app.intake.blobs.root(), phrase.as_bytes(), &mut found);
    scan(
        &app.dir.path().join("uploads"),
        phrase.as_bytes(),
        &mut found,
    );
    scan(&app.dir.path().join("work"), phrase.as_bytes(), &mut found);
    assert!(found.is_empty(), "plaintext in {found:?}");
    // The download gives the original bytes back.
    let back = c
        .get(format!("{}/documents/{id}/content", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&back[..], &bytes[..]);
    app.stop().await;
}

#[tokio::test]
async fn multipart_uploads_take_several_files() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let form = reqwest::multipart::Form::new()
        .text("office", "AAA")
        .text("received_on", "2026-11-20")
        .text("original_evidence", "true")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf(&[("Birth certificate", 612, 792)]))
                .file_name("birth.pdf"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name("empty.tif"),
        );
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["status"], "stored");
    assert_eq!(items[1]["status"], "needs_attention");
    let doc = app
        .store
        .document_unscoped(items[0]["document_id"].as_i64().unwrap())
        .await
        .unwrap();
    assert!(doc.original_evidence);
    assert_eq!(doc.received_on, "2026-11-20");
    // Friday 2026-11-20 + 3 business days = Wednesday 2026-11-25.
    assert_eq!(doc.return_by.as_deref(), Some("2026-11-25"));
    assert_eq!(doc.custody.as_deref(), Some("held"));
    // No file part: a clear problem.
    let form = reqwest::multipart::Form::new().text("office", "AAA");
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Custody: returned, with a note, audited.
    let c = app.login("employee.a").await;
    let token_form = csrf_token(&app, &c, &format!("/documents/{}", doc.id)).await;
    let resp = c
        .post(format!("{}/documents/{}/custody", app.url, doc.id))
        .form(&[
            ("csrf", token_form.as_str()),
            ("action", "returned"),
            ("note", "handed back at the counter"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let doc = app.store.document_unscoped(doc.id).await.unwrap();
    assert_eq!(doc.custody.as_deref(), Some("returned"));
    let html = c
        .get(format!("{}/documents/{}", app.url, doc.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("handed back at the counter"));
    app.stop().await;
}

#[tokio::test]
async fn the_paper_log_counts_days_and_timeliness_in_business_days() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let office = app.store.office_by_code("AAA").await.unwrap();
    let today = worktrack_pipeline::intake::Intake::today(&office);
    let cal = app.intake.calendar(&office).await.unwrap();
    // Received 10 business days ago: late under the 3-day policy. Received today: on time.
    let mut old = today;
    let mut n = 0;
    while n < 10 {
        old = old.previous_day().unwrap();
        if cal.is_business_day(old) {
            n += 1;
        }
    }
    for (name, received) in [("late.pdf", old), ("today.pdf", today)] {
        let form = reqwest::multipart::Form::new()
            .text("office", "AAA")
            .text("received_on", received.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf(&[(name, 612, 792)])).file_name(name),
            );
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v1/documents", app.url))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let c = app.login("manager.a").await;
    let html = c
        .get(format!(
            "{}/offices/AAA/paper?from={}&to={}",
            app.url, old, today
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<strong id=\"compliance\">50%</strong>"),
        "{html}"
    );
    // Another office's paper log is not theirs to see.
    assert_eq!(
        c.get(format!("{}/offices/BBB/paper", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

/// Width and height from a PNG's header.
/// Width and height of a JPEG page image, from ImageMagick's `identify`.
fn jpeg_size(jpeg: &[u8]) -> (u32, u32) {
    assert_eq!(&jpeg[..3], b"\xff\xd8\xff", "a JPEG");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), jpeg).unwrap();
    let out = std::process::Command::new("identify")
        .args(["-format", "%w %h"])
        .arg(file.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (w, h) = text.split_once(' ').unwrap();
    (w.parse().unwrap(), h.parse().unwrap())
}

#[tokio::test]
async fn a_sideways_phone_photo_is_shown_upright() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let fx = Fixtures::make().await;
    // Stored 400 × 200 with EXIF orientation 6: the paper is upright when turned to 200 × 400.
    let bytes = std::fs::read(fx.path("rotated.jpg")).unwrap();
    let resp = upload_whole(&app, &token, "receipt-photo.jpg", &bytes, "AAA").await;
    assert_eq!(header(&resp, "x-document-status"), "stored");
    let id = document_id(&resp);
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.store.document_unscoped(id).await.unwrap().previews == "pending" {
        assert!(Instant::now() < deadline, "page image never made");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let c = app.login("employee.a").await;
    let png = c
        .get(format!("{}/documents/{id}/images/page-1.jpg", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let (w, h) = jpeg_size(&png);
    assert!(h > w, "upright: {w} × {h}");
    // The download is the photo exactly as it arrived.
    let original = c
        .get(format!("{}/documents/{id}/content", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&original[..], &bytes[..]);
    app.stop().await;
}

/// Waits for a document's text to be read; returns its stored page texts.
async fn wait_for_text(app: &TestApp, id: i64) -> Vec<worktrack_store::PageText> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = app.store.text_status(id).await.unwrap();
        if status != "pending" {
            assert_eq!(status, "done", "document {id}");
            return app.store.page_texts(id).await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "text of document {id} never read"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn scanned_pages_are_read_upright_and_their_ssns_masked() {
    use worktrack_corpus::fixtures::tool;
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let dir = app.dir.path().join("scans");
    std::fs::create_dir_all(&dir).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // A form page as a scanner delivers it: an image, no text layer; and the same page upside
    // down, as a page fed the wrong way round. Orientation detection needs a page of text.
    let source = dir.join("form.pdf");
    std::fs::write(&source, pdf(&[("SSA-827 912-34-5678", 612, 792)])).unwrap();
    let lines = [
        "SOCIAL SECURITY ADMINISTRATION",
        "Form SSA-827 Authorization to Disclose Information",
        "Claimant name: Dana Example",
        "Social Security number: 912-34-5678",
        "I authorize the release of medical records to the",
        "Social Security Administration and to the State agency",
        "that makes disability determinations for my claim.",
        "This authorization is valid for twelve months from the",
        "date signed below, and covers all records of treatment.",
        "Signature of claimant and date of signature",
    ];
    let mut args: Vec<String> = [
        "-size",
        "2550x3300",
        "xc:white",
        "-fill",
        "black",
        "-font",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "-pointsize",
        "56",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    for (i, line) in lines.iter().enumerate() {
        args.extend([
            "-annotate".to_string(),
            format!("+200+{}", 300 + 120 * i),
            line.to_string(),
        ]);
    }
    let scan = dir.join("scan.png");
    args.push(s(&scan));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tool("convert", &args).await;
    let upside_down = dir.join("upside-down.png");
    tool("convert", &[&s(&scan), "-rotate", "180", &s(&upside_down)]).await;

    let mut ids = Vec::new();
    for (name, path) in [
        ("scan.png", &scan),
        ("upside-down.png", &upside_down),
        ("form.pdf", &source),
    ] {
        let resp = upload_whole(&app, &token, name, &std::fs::read(path).unwrap(), "AAA").await;
        assert_eq!(header(&resp, "x-document-status"), "stored", "{name}");
        ids.push(document_id(&resp));
    }
    for (i, id) in ids.iter().enumerate() {
        let pages = wait_for_text(&app, *id).await;
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert!(p.text.contains("SSA-827"), "document {i}: {:?}", p.text);
        assert!(p.text.contains("***-**-5678"), "masked: {:?}", p.text);
        assert!(!p.text.contains("912-34-5678") && !p.words.contains("912-34-5678"));
        match i {
            0 => assert_eq!((p.source.as_str(), p.rotation), ("ocr", 0)),
            1 => assert_eq!((p.source.as_str(), p.rotation), ("ocr", 180)),
            _ => assert_eq!(p.source, "text_layer"),
        }
        if p.source == "ocr" {
            assert!(p.words.contains("SSA-827"), "word boxes kept: {}", p.words);
        }
    }
    // The document page shows the text, masked.
    let c = app.login("employee.a").await;
    let html = c
        .get(format!("{}/documents/{}", app.url, ids[1]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("turned 180°") && html.contains("***-**-5678"),
        "{html}"
    );
    assert!(!html.contains("912-34-5678"));
    app.stop().await;
}

// --- Unfinished uploads at rest: encrypted as they arrive, removed when a request fails, and
// every file and folder of the data directory private to the server's user.

/// A never-issued SSN (area 900) written as text: found in a file only if the file holds the
/// upload's plaintext.
const MARKER: &[u8] = b"900-12-3456";

/// A claimant's file of `len` bytes whose first kilobytes carry [`MARKER`] as text.
fn claimant_file(len: usize) -> Vec<u8> {
    let mut v = b"Pay stub. Claimant SSN 900-12-3456. Period ending 2026-11-30.\n".repeat(40);
    let rest = len - v.len();
    v.extend(noise(rest));
    v
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
            {
                found.push(p);
            }
        }
    }
    found
}

/// The files in `dir` whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default()
}

async fn patch(
    url: &str,
    token: &str,
    offset: usize,
    bytes: &[u8],
    checksum: Option<&str>,
) -> reqwest::Response {
    let mut h = HeaderMap::new();
    tus(&mut h);
    h.insert("upload-offset", offset.to_string().parse().unwrap());
    h.insert(
        "content-type",
        "application/offset+octet-stream".parse().unwrap(),
    );
    if let Some(c) = checksum {
        h.insert("upload-checksum", c.parse().unwrap());
    }
    reqwest::Client::new()
        .patch(url)
        .headers(h)
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

async fn head_offset(url: &str, token: &str) -> u64 {
    let mut h = HeaderMap::new();
    tus(&mut h);
    let r = reqwest::Client::new()
        .head(url)
        .headers(h)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    header(&r, "upload-offset").parse().unwrap()
}

fn sha256_b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// Creates a tus upload of `data` for office AAA and sends its first `half` bytes; returns
/// the upload's URL.
async fn half_upload(app: &TestApp, token: &str, data: &[u8], half: usize) -> String {
    let meta = format!("filename {},office {}", b64("pay stub.bin"), b64("AAA"));
    let resp = create(app, token, data.len() as u64, &meta).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let url = format!("{}{}", app.url, header(&resp, "location"));
    let r = patch(&url, token, 0, &data[..half], None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "upload-offset"), half.to_string());
    url
}

#[tokio::test]
async fn a_tus_upload_stopped_half_way_is_encrypted_on_disk_and_resumes_exactly() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let data = claimant_file(300_000);
    // Not on a record boundary, with a record boundary (64 KiB) crossed.
    let half = 150_001;
    let url = half_upload(&app, &token, &data, half).await;
    assert_eq!(head_offset(&url, &token).await, half as u64);
    let parts = files_ending(&app.dir.path().join("uploads"), ".part");
    assert_eq!(parts.len(), 1);
    let leaked = files_containing(app.dir.path(), MARKER);
    assert!(leaked.is_empty(), "plaintext on disk: {leaked:?}");

    // A chunk whose checksum (over the plaintext) fails is discarded; the offset stays.
    let bad = patch(
        &url,
        &token,
        half,
        &data[half..200_000],
        Some(&format!("sha256 {}", sha256_b64(b"other"))),
    )
    .await;
    assert_eq!(bad.status().as_u16(), 460);
    assert_eq!(head_offset(&url, &token).await, half as u64);
    // Some more with a good checksum, then the rest.
    let more = patch(
        &url,
        &token,
        half,
        &data[half..200_000],
        Some(&format!("sha256 {}", sha256_b64(&data[half..200_000]))),
    )
    .await;
    assert_eq!(more.status(), StatusCode::NO_CONTENT);
    assert_eq!(head_offset(&url, &token).await, 200_000);
    let done = patch(&url, &token, 200_000, &data[200_000..], None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let doc = header(&done, "x-document-url");
    assert!(doc.starts_with("/documents/"), "{doc}");
    assert_eq!(
        downloaded_sha(&app.url, &token, &doc).await,
        hex::encode(Sha256::digest(&data))
    );
    // Taken in: the part and the decrypted scratch copy are gone, and nothing is plain.
    assert!(files_ending(&app.dir.path().join("uploads"), ".part").is_empty());
    assert!(files_ending(&app.dir.path().join("work"), ".plain").is_empty());
    let leaked = files_containing(app.dir.path(), MARKER);
    assert!(leaked.is_empty(), "plaintext on disk: {leaked:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_multipart_body_cut_off_mid_way_is_removed_at_once_and_never_plain() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let data = claimant_file(400_000);
    let boundary = "worktrack-test-boundary-7731";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"office\"\r\n\r\nAAA\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stub.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let addr = app.url.trim_start_matches("http://").to_string();
    let request = format!(
        "POST /api/v1/documents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        head.len() + data.len() + tail.len()
    );
    let sent = data[..250_000].to_vec();
    // A blocking socket on a thread of its own: the server runs on this test's runtime.
    let conn = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&sent).unwrap();
        s.flush().unwrap();
        s
    })
    .await
    .unwrap();
    let uploads = app.dir.path().join("uploads");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let on_disk: u64 = files_ending(&uploads, ".multipart")
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        if on_disk >= 196_608 {
            break;
        }
        assert!(Instant::now() < deadline, "the body never reached the disk");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let leaked = files_containing(app.dir.path(), MARKER);
    assert!(leaked.is_empty(), "plaintext on disk: {leaked:?}");
    // The client goes away in the middle of the body.
    conn.shutdown(std::net::Shutdown::Both).unwrap();
    drop(conn);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !files_ending(&uploads, ".multipart").is_empty() {
        assert!(
            Instant::now() < deadline,
            "an interrupted multipart body was left behind: {:?}",
            files_ending(&uploads, ".multipart")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(files_containing(app.dir.path(), MARKER).is_empty());
    assert!(files_ending(&app.dir.path().join("work"), ".plain").is_empty());
    assert_eq!(count(&app, "documents").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn fsck_lists_uploads_in_progress_with_their_office_age_and_progress() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let data = claimant_file(300_000);
    let url = half_upload(&app, &token, &data, 150_001).await;
    let id = url.rsplit('/').next().unwrap().to_string();
    // Started three hours ago.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let three_hours_ago = worktrack_store::now_ms() - 3 * 3600 * 1000 - 60_000;
    sqlx::query(&format!(
        "UPDATE uploads SET created_at = {three_hours_ago} WHERE id = '{id}'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let out = app.command().arg("fsck").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("upload {id}: ")))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.starts_with(&format!(
            "upload {id}: office AAA, 3 h old, 150.0 KB of 300.0 KB"
        )),
        "{line}"
    );
    assert!(line.contains("last written"), "{line}");
    assert!(
        stdout.trim_end().ends_with("clean; 1 upload in progress"),
        "{stdout}"
    );
    app.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn files_and_folders_under_the_data_directory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    // The in-process server: a whole upload, half of one, a multipart upload.
    let whole = upload_whole(
        &app,
        &token,
        "birth.pdf",
        &pdf(&[("Birth certificate", 612, 792)]),
        "AAA",
    )
    .await;
    assert_eq!(whole.status(), StatusCode::CREATED);
    half_upload(&app, &token, &claimant_file(200_000), 100_000).await;
    let form = reqwest::multipart::Form::new().text("office", "AAA").part(
        "file",
        reqwest::multipart::Part::bytes(pdf(&[("Lease", 612, 792), ("Lease p2", 612, 792)]))
            .file_name("lease.pdf"),
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // The real server on the same data directory: its start-up, an upload, its page images.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut server = app
        .command()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(&url).await;
    let mut h = HeaderMap::new();
    tus(&mut h);
    let bytes = pdf(&[("Utility bill", 612, 792)]);
    h.insert("upload-length", bytes.len().to_string().parse().unwrap());
    h.insert(
        "upload-metadata",
        format!("filename {},office {}", b64("bill.pdf"), b64("AAA"))
            .parse()
            .unwrap(),
    );
    h.insert(
        "content-type",
        "application/offset+octet-stream".parse().unwrap(),
    );
    let r = reqwest::Client::new()
        .post(format!("{url}/api/v1/uploads/"))
        .headers(h)
        .bearer_auth(&token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(&app, "documents WHERE previews = 'pending'").await > 0 && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let mut open = Vec::new();
    let mut seen = (0, 0);
    let mut stack = vec![app.dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_dir() {
                seen.0 += 1;
                if mode != 0o700 {
                    open.push(format!("{} {mode:o}", p.display()));
                }
                stack.push(p);
            } else {
                seen.1 += 1;
                if mode != 0o600 {
                    open.push(format!("{} {mode:o}", p.display()));
                }
            }
        }
    }
    assert!(open.is_empty(), "not private: {open:#?}");
    let names: Vec<String> = std::fs::read_dir(app.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for expected in ["uploads", "work"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    if !on_postgres() {
        for expected in ["worktrack.db", "worktrack.db-wal", "worktrack.db-shm"] {
            assert!(names.iter().any(|n| n == expected), "{names:?}");
        }
    }
    assert!(seen.0 >= 3 && seen.1 >= 3, "{seen:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_plain_part_left_by_an_older_version_is_started_again_encrypted() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let data = claimant_file(100_000);
    let url = half_upload(&app, &token, &data, 10).await;
    let id = url.rsplit('/').next().unwrap();
    let part = app.dir.path().join("uploads").join(format!("{id}.part"));
    // What the previous version wrote: the bytes themselves.
    std::fs::write(&part, &data[..50_000]).unwrap();
    assert_eq!(head_offset(&url, &token).await, 0);
    let done = patch(&url, &token, 0, &data, None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let doc = header(&done, "x-document-url");
    assert_eq!(
        downloaded_sha(&app.url, &token, &doc).await,
        hex::encode(Sha256::digest(&data))
    );
    assert!(!part.exists());
    app.stop().await;
}
