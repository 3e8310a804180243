//! Built-in TLS: `worktrack serve --tls-self-signed` / `--tls-cert --tls-key` serve HTTPS
//! themselves (checked with curl trusting the certificate: this project's reqwest has no TLS),
//! behave as behind https (Secure cookies, HSTS), refuse plain HTTP, survive a broken
//! handshake, and refuse to start on a missing or wrong certificate, naming the file.

use crate::cli::{listening_url, worktrack};
use crate::support::form_token;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A `worktrack serve` process, killed when dropped.
struct Server {
    child: Child,
    url: String,
    /// Everything it printed up to and including the line after "listening on".
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `worktrack serve --listen 127.0.0.1:0 ARGS` in `dir` and reads what it prints up
/// to its URL (and the certificate line after it).
fn serve(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = worktrack(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        printed.push(line.clone());
        if let Some(u) = listening_url(&line) {
            url = Some(u);
            break;
        }
    }
    if let Some(Ok(line)) = lines.next() {
        printed.push(line);
    }
    Server {
        child,
        url: url.unwrap_or_else(|| panic!("prints its URL: {printed:?}")),
        printed,
    }
}

/// `curl --cacert CERT -sS -D - ARGS`: the status, the header block (lower-cased) and the body.
fn curl(cert: &Path, args: &[&str]) -> (u16, String, String) {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "10", "-D", "-", "--cacert"])
        .arg(cert)
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "curl {args:?}: {}{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text}"));
    (status, head.to_lowercase(), body.to_string())
}

/// Writes `bytes` to the server's port and reads what comes back until it closes the
/// connection (or 5 s pass).
async fn raw_exchange(url: &str, bytes: &[u8]) -> Vec<u8> {
    let addr = url.trim_start_matches("https://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(bytes).await;
    // Nothing more will come: the server sees the end of a cut-short handshake at once.
    let _ = stream.shutdown().await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    answer
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn self_signed_https_has_secure_cookies_hsts_and_survives_bad_handshakes() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &["--tls-self-signed"], &[]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let tls_dir = dir.path().join("worktrack-data/tls");
    let cert = tls_dir.join("cert.pem");
    let key = tls_dir.join("key.pem");
    assert!(
        server
            .printed
            .iter()
            .any(|l| l.contains("worktrack-data/tls/cert.pem")),
        "prints where the certificate is: {:?}",
        server.printed
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&tls_dir), 0o700);
        assert_eq!(mode(&key), 0o600);
    }
    let password = server
        .printed
        .iter()
        .find_map(|l| l.split("one-time password ").nth(1))
        .expect("prints a one-time admin password")
        .trim()
        .to_string();

    let (status, _, body) = curl(&cert, &[&format!("{}/healthz", server.url)]);
    assert_eq!((status, body.trim()), (200, "ok"));

    // Behind https: the sign-in page's cookie is Secure, and browsers are told to keep to
    // https.
    let jar = dir.path().join("cookies.txt");
    let jar_arg = jar.to_str().unwrap();
    let (status, head, body) = curl(&cert, &["-c", jar_arg, &format!("{}/login", server.url)]);
    assert_eq!(status, 200);
    let cookies: Vec<&str> = head
        .lines()
        .filter(|l| l.starts_with("set-cookie:"))
        .collect();
    assert!(
        !cookies.is_empty() && cookies.iter().all(|c| c.contains("; secure")),
        "{head}"
    );
    assert!(
        head.lines()
            .any(|l| l.starts_with("strict-transport-security: max-age=31536000")),
        "{head}"
    );

    // Signing in works: the sign-in throttle reads the peer address (ConnectInfo) over TLS.
    let token = form_token(&body).expect("a CSRF field on /login");
    let (status, head, _) = curl(
        &cert,
        &[
            "-b",
            jar_arg,
            "-c",
            jar_arg,
            "--data-urlencode",
            &format!("csrf={token}"),
            "--data-urlencode",
            "username=admin",
            "--data-urlencode",
            &format!("password={password}"),
            &format!("{}/login", server.url),
        ],
    );
    assert_eq!(status, 303, "the printed password signs in: {head}");

    // Plain HTTP to the TLS port gets no page.
    let answer = raw_exchange(
        &server.url,
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(
        !answer.starts_with(b"HTTP/") && !String::from_utf8_lossy(&answer).contains("ok"),
        "plain HTTP was answered: {answer:?}"
    );

    // A garbage handshake, one cut short and a connection closed at once do not stop the
    // server.
    let mut junk = vec![0x16, 0x03, 0x01, 0x02, 0x00];
    junk.extend((0..2000u32).map(|i| (i * 7 + 13) as u8));
    raw_exchange(&server.url, &junk).await;
    raw_exchange(&server.url, &[0x16, 0x03, 0x01, 0x00, 0x50, 0x01]).await;
    drop(
        TcpStream::connect(server.url.trim_start_matches("https://"))
            .await
            .unwrap(),
    );
    let (status, _, body) = curl(&cert, &[&format!("{}/healthz", server.url)]);
    assert_eq!((status, body.trim()), (200, "ok"), "still serving");
    drop(server);

    // The next start reuses the certificate.
    let cert_before = std::fs::read(&cert).unwrap();
    let key_before = std::fs::read(&key).unwrap();
    let server = serve(dir.path(), &["--tls-self-signed"], &[]);
    assert_eq!(std::fs::read(&cert).unwrap(), cert_before);
    assert_eq!(std::fs::read(&key).unwrap(), key_before);
    let (status, _, _) = curl(&cert, &[&format!("{}/healthz", server.url)]);
    assert_eq!(status, 200);
}

/// A certificate for 127.0.0.1 and its key, written as PEM files into `dir`.
fn certificate_files(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = dir.join(format!("{name}-cert.pem"));
    let key = dir.join(format!("{name}-key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

#[tokio::test]
async fn tls_cert_and_key_from_the_environment_serve_https() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate_files(dir.path(), "office");
    let server = serve(
        dir.path(),
        &[],
        &[
            ("WORKTRACK_TLS_CERT", cert.to_str().unwrap()),
            ("WORKTRACK_TLS_KEY", key.to_str().unwrap()),
        ],
    );
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let (status, head, body) = curl(&cert, &[&format!("{}/healthz", server.url)]);
    assert_eq!((status, body.trim()), (200, "ok"));
    assert!(head.contains("strict-transport-security:"), "{head}");
    assert!(
        !dir.path().join("worktrack-data/tls").exists(),
        "no self-signed certificate made"
    );
}

/// `worktrack serve ARGS` in `dir`, expected to fail at once.
fn serve_fails(dir: &Path, args: &[&str]) -> String {
    let out: Output = worktrack(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "serve {args:?} started");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_missing_or_wrong_certificate_stops_serve_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate_files(dir.path(), "good");
    let (_, other_key) = certificate_files(dir.path(), "other");
    let not_pem = dir.path().join("notes.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let (cert, key, other_key, not_pem) = (
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
        other_key.to_str().unwrap(),
        not_pem.to_str().unwrap(),
    );

    let e = serve_fails(
        dir.path(),
        &["--tls-cert", "missing.pem", "--tls-key", "k.pem"],
    );
    assert!(e.contains("cannot read TLS certificate missing.pem"), "{e}");
    let e = serve_fails(dir.path(), &["--tls-cert", cert, "--tls-key", "nokey.pem"]);
    assert!(e.contains("cannot read TLS key nokey.pem"), "{e}");
    let e = serve_fails(dir.path(), &["--tls-cert", not_pem, "--tls-key", key]);
    assert!(
        e.contains(not_pem) && e.contains("no PEM certificate"),
        "{e}"
    );
    let e = serve_fails(dir.path(), &["--tls-cert", cert, "--tls-key", not_pem]);
    assert!(
        e.contains(not_pem) && e.contains("no PEM private key"),
        "{e}"
    );
    let e = serve_fails(dir.path(), &["--tls-cert", cert, "--tls-key", other_key]);
    assert!(
        e.contains(cert) && e.contains(other_key),
        "a key of another certificate: {e}"
    );
    let e = serve_fails(dir.path(), &["--tls-cert", cert]);
    assert!(e.contains("set tls_key too"), "{e}");
    let e = serve_fails(
        dir.path(),
        &["--tls-self-signed", "--tls-cert", cert, "--tls-key", key],
    );
    assert!(
        e.contains("--tls-self-signed") && e.contains("--tls-cert"),
        "{e}"
    );
    assert!(
        !dir.path().join("worktrack-data").exists(),
        "nothing started: no data directory"
    );
}
