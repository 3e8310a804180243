//! A small W3C WebDriver client for the browser tests: it drives Debian's headless Chromium
//! through `chromedriver` and runs axe-core for the accessibility checks. `scripts/test.sh`
//! installs both. Every helper panics with a readable message instead of returning errors.

// Not every test uses every helper.
#![allow(dead_code)]
// Test code: failing loudly, with a message, is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

/// The W3C key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

pub struct Browser {
    http: reqwest::Client,
    base: String,
    port: u16,
    session: String,
    ended: bool,
    // Dropped after `Drop::drop` ended the session: first the driver, then the profile.
    _driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

/// A WebDriver error response (`{"value":{"error":…,"message":…}}`).
struct WdError {
    status: u16,
    error: String,
    message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.error, self.status, self.message)
    }
}

type WdResult = Result<Value, WdError>;

async fn request(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> WdResult {
    let mut req = http.request(method.clone(), url);
    if let Some(body) = body {
        req = req.json(body);
    }
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("WebDriver {method} {url}: {e}"));
    let status = resp.status();
    let mut body: Value = resp
        .json()
        .await
        .unwrap_or_else(|e| panic!("WebDriver {method} {url}: bad JSON: {e}"));
    let value = body
        .get_mut("value")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(value);
    }
    Err(WdError {
        status: status.as_u16(),
        error: value["error"]
            .as_str()
            .unwrap_or("unknown error")
            .to_owned(),
        message: value["message"].as_str().unwrap_or_default().to_owned(),
    })
}

fn find_chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .chain([PathBuf::from("/usr/bin/chromedriver")])
        .find(|p| p.is_file())
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless Chromium session.
    pub async fn start() -> Browser {
        let driver_path = find_chromedriver().unwrap_or_else(|| {
            panic!("chromedriver not found: run scripts/test.sh, which installs chromium and chromium-driver")
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", driver_path.display()));
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");

        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(resp) = http.get(format!("{base}/status")).send().await {
                if let Ok(status) = resp.json::<Value>().await {
                    if status["value"]["ready"] == true {
                        break;
                    }
                }
            }
            if let Some(exit) = driver.try_wait().unwrap() {
                panic!("chromedriver on port {port} exited at start: {exit}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver on port {port} not ready after 10 s"
            );
            tokio::time::sleep(POLL).await;
        }

        let profile = tempfile::Builder::new()
            .prefix("worktrack-chromium-")
            .tempdir()
            .unwrap();
        let user_data_dir = format!("--user-data-dir={}", profile.path().display());
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,800", user_data_dir,
            ]},
        }}});
        let url = format!("{base}/session");
        let created = request(&http, Method::POST, &url, Some(&capabilities))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot start headless Chromium: {e} (run scripts/test.sh, which installs chromium)")
            });
        let session = created["sessionId"]
            .as_str()
            .expect("no sessionId")
            .to_owned();
        Browser {
            http,
            base,
            port,
            session,
            ended: false,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn try_cmd(&self, method: Method, path: &str, body: Option<Value>) -> WdResult {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        request(&self.http, method, &url, body.as_ref()).await
    }

    async fn get(&self, path: &str) -> Value {
        let result = self.try_cmd(Method::GET, path, None).await;
        result.unwrap_or_else(|e| panic!("WebDriver GET {path}: {e}"))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let result = self.try_cmd(Method::POST, path, Some(body)).await;
        result.unwrap_or_else(|e| panic!("WebDriver POST {path}: {e}"))
    }

    /// POST /element/{id}/{action}, panicking with the selector in the message.
    async fn on_element(&self, css: &str, id: &str, action: &str, body: Value) -> Value {
        let path = format!("/element/{id}/{action}");
        let result = self.try_cmd(Method::POST, &path, Some(body)).await;
        result.unwrap_or_else(|e| panic!("WebDriver {action} on {css:?}: {e}"))
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn current_url(&self) -> String {
        string(self.get("/url").await)
    }

    pub async fn title(&self) -> String {
        string(self.get("/title").await)
    }

    /// The element id of the first match for `css`, waiting up to 5 s for it to appear.
    pub async fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let query = json!({"using": "css selector", "value": css});
        loop {
            match self
                .try_cmd(Method::POST, "/element", Some(query.clone()))
                .await
            {
                Ok(found) => return string(found[ELEMENT].clone()),
                Err(e) if e.error == "no such element" && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => panic!("element {css:?} not found: {e}"),
            }
        }
    }

    /// Whether `css` matches anything right now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        let query = json!({"using": "css selector", "value": css});
        let found = self.post("/elements", query).await;
        found.as_array().is_some_and(|a| !a.is_empty())
    }

    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.on_element(css, &id, "click", json!({})).await;
    }

    /// Clears the field, then types `text` into it.
    /// Sends keys without clearing first (file inputs take newline-separated paths).
    pub async fn send_keys(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.on_element(css, &id, "value", json!({ "text": text }))
            .await;
    }

    /// Polls `script` (a JavaScript expression) until it is true, for up to `secs` seconds.
    pub async fn wait_until(&self, script: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self
                .execute(&format!("return !!({script});"), json!([]))
                .await;
            if v == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.on_element(css, &id, "clear", json!({})).await;
        self.on_element(css, &id, "value", json!({ "text": text }))
            .await;
    }

    pub async fn press_enter(&self, css: &str) {
        let id = self.find(css).await;
        self.on_element(css, &id, "value", json!({"text": "\u{E007}"}))
            .await;
    }

    /// The rendered text of the first match for `css` (waits for it like `find`).
    pub async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        string(self.get(&format!("/element/{id}/text")).await)
    }

    pub async fn body_text(&self) -> String {
        self.text("body").await
    }

    /// Runs `script` as a function body; `args` (an array, or one value, or null) are `arguments`.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        let body = json!({"script": script, "args": args_array(args)});
        self.post("/execute/sync", body).await
    }

    /// Like `execute`, but the script calls `arguments[arguments.length - 1](result)` when done.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        let body = json!({"script": script, "args": args_array(args)});
        self.post("/execute/async", body).await
    }

    /// An attribute of the focused element (`None` if it lacks it), for keyboard tests.
    pub async fn active_element_attr(&self, attr: &str) -> Option<String> {
        let script =
            "const e = document.activeElement; return e ? e.getAttribute(arguments[0]) : null;";
        self.execute(script, json!([attr]))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Presses and releases Tab on whatever has the focus.
    pub async fn press_tab(&self) {
        let key = |kind: &str| json!({"type": kind, "value": "\u{E004}"});
        let actions = json!({"actions": [{"type": "key", "id": "keyboard",
            "actions": [key("keyDown"), key("keyUp")]}]});
        self.post("/actions", actions).await;
        let released = self.try_cmd(Method::DELETE, "/actions", None).await;
        released.unwrap_or_else(|e| panic!("WebDriver DELETE /actions: {e}"));
    }

    /// Signs `user` in with `password` through the sign-in page of the server at `base_url`,
    /// and waits until the page after it has loaded.
    pub async fn sign_in(&self, base_url: &str, user: &str, password: &str) {
        self.goto(&format!("{base_url}/login")).await;
        self.type_into("#username", user).await;
        self.type_into("#password", password).await;
        self.press_enter("#password").await;
        self.wait_until("!location.pathname.startsWith('/login')", 10)
            .await;
    }

    /// Presses and releases Enter on whatever has the focus (a link reached with Tab).
    pub async fn press_enter_on_focus(&self) {
        let key = |kind: &str| json!({"type": kind, "value": "\u{E007}"});
        let actions = json!({"actions": [{"type": "key", "id": "keyboard",
            "actions": [key("keyDown"), key("keyUp")]}]});
        self.post("/actions", actions).await;
        let released = self.try_cmd(Method::DELETE, "/actions", None).await;
        released.unwrap_or_else(|e| panic!("WebDriver DELETE /actions: {e}"));
    }

    /// Makes the page `width` × `height` CSS pixels wide (WebDriver `window/rect`; when the
    /// browser keeps a larger minimum window, the viewport is emulated through DevTools).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await;
        let inner = self.execute("return window.innerWidth;", json!([])).await;
        if inner.as_u64() != Some(u64::from(width)) {
            let params = json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}});
            self.post("/goog/cdp/execute", params).await;
        }
    }

    /// A full-page PNG (beyond the viewport), written to `path`; parent folders are created.
    pub async fn screenshot(&self, path: &Path) {
        let params = json!({"captureBeyondViewport": true, "format": "png"});
        let shot = self
            .post(
                "/goog/cdp/execute",
                json!({"cmd": "Page.captureScreenshot", "params": params}),
            )
            .await;
        let png = base64_decode(shot["data"].as_str().expect("screenshot data"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// axe-core's serious and critical violations on the current page, one line each:
    /// `"{id} ({impact}): {help} — {first node's target}"`.
    pub async fn axe_violations(&self) -> Vec<String> {
        // Every navigation loses the injected script, so inject when it is missing.
        if self.execute("return typeof window.axe;", Value::Null).await != "object" {
            self.execute(axe_source(), Value::Null).await;
        }
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']}).then(
              r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                target: v.nodes.length ? v.nodes[0].target.flat(Infinity).join(' ') : ''}))),
              e => done({error: String((e && e.stack) || e)}));";
        let result = self.execute_async(script, Value::Null).await;
        let Some(violations) = result.as_array() else {
            panic!("axe.run failed: {result}");
        };
        let s = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
        violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                format!(
                    "{} ({}): {} — {}",
                    s(v, "id"),
                    s(v, "impact"),
                    s(v, "help"),
                    s(v, "target")
                )
            })
            .collect()
    }

    /// Panics listing axe-core's serious and critical violations, if there are any.
    pub async fn assert_accessible(&self, page_label: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "accessibility violations on {page_label} ({}):\n  {}",
            self.current_url().await,
            violations.join("\n  ")
        );
    }

    /// Waits up to 5 s for the current URL to contain `part`.
    pub async fn wait_for_url_containing(&self, part: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.current_url().await;
            if url.contains(part) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "URL {url:?} still lacks {part:?} after 5 s"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Ends the session (closes Chromium); chromedriver is killed when `self` is dropped.
    pub async fn quit(mut self) {
        self.ended = true;
        let _ = self.try_cmd(Method::DELETE, "", None).await;
    }
}

impl Drop for Browser {
    /// Best effort for a test that panicked before `quit`: end the session with a blocking
    /// request, so Chromium does not outlive the killed chromedriver.
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        use std::io::{Read, Write};
        let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session, self.port
        );
        if conn.write_all(request.as_bytes()).is_ok() {
            let mut reply = [0u8; 512];
            let _ = conn.read(&mut reply); // chromedriver answers once Chromium has quit
        }
    }
}

fn string(value: Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn args_array(args: Value) -> Value {
    match args {
        Value::Null => json!([]),
        Value::Array(_) => args,
        other => json!([other]),
    }
}

fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var_os("WORKTRACK_AXE_JS");
        let path = path
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/axe-core/axe.min.js")
            });
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core not installed: run scripts/test.sh ({}: {e})",
                path.display()
            )
        })
    })
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\r' | b'\n' => continue,
            _ => panic!("invalid base64 byte {c:#x}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
