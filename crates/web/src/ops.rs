//! Operations: health, readiness, Prometheus metrics, and the middleware that gives every
//! request an id, a log line and its place in the metrics.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

/// Upper bounds (seconds) of the request-duration histogram.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; 10],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    fn record(&self, status: StatusCode, seconds: f64) {
        let class = (status.as_u16() / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    fn render(&self, backend: &str) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP worktrack_up Whether the server is running.\n# TYPE worktrack_up gauge\n",
        );
        out.push_str(&format!("worktrack_up{{backend=\"{backend}\"}} 1\n"));
        out.push_str(
            "# HELP worktrack_http_requests_total HTTP requests answered, by status class.\n",
        );
        out.push_str("# TYPE worktrack_http_requests_total counter\n");
        for (i, c) in self.by_class.iter().enumerate() {
            out.push_str(&format!(
                "worktrack_http_requests_total{{status=\"{}xx\"}} {}\n",
                i + 1,
                c.load(Ordering::Relaxed)
            ));
        }
        out.push_str("# HELP worktrack_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE worktrack_http_request_duration_seconds histogram\n");
        for (i, le) in BUCKETS.iter().enumerate() {
            out.push_str(&format!(
                "worktrack_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}\n",
                self.buckets[i].load(Ordering::Relaxed)
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!(
            "worktrack_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "worktrack_http_request_duration_seconds_sum {}\n",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!(
            "worktrack_http_request_duration_seconds_count {count}\n"
        ));
        out
    }
}

fn request_id(req: &Request) -> String {
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    match given {
        Some(v) => v.to_string(),
        None => {
            let mut b = [0u8; 8];
            rand::rngs::OsRng.fill_bytes(&mut b);
            hex::encode(b)
        }
    }
}

/// Request id, security headers, log line and metrics for every request. Only the route
/// pattern is logged (never a query string or body), so no personal datum reaches the log.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = request_id(&req);
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let elapsed = start.elapsed().as_secs_f64();
    state.metrics.record(resp.status(), elapsed);
    span.in_scope(|| {
        tracing::info!(
            status = resp.status().as_u16(),
            ms = elapsed * 1000.0,
            "answered"
        );
    });
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if state.config.secure_cookies {
        // Reached over TLS (an https:// public URL): browsers must never fall back to plain
        // HTTP for this host, where a session cookie or an SSN could be read on the way.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages hold personal data: never keep them in shared or disk caches.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(state.store.backend().name()),
    )
        .into_response()
}

/// The stylesheet and scripts, compiled into the binary.
pub async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (content_type, body) = match name.as_str() {
        "app.css" => ("text/css", include_str!("../static/app.css")),
        "upload.js" => ("text/javascript", include_str!("../static/upload.js")),
        "workbench.js" => ("text/javascript", include_str!("../static/workbench.js")),
        _ => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The USWDS fonts (Source Sans 3 and Merriweather, latin, woff2), compiled into the binary.
/// Their names never change with their content, but a release that changes one changes its
/// name too, so browsers may keep them for a year.
pub async fn font_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let body: &'static [u8] = match name.as_str() {
        "source-sans-3-latin-400-normal.woff2" => {
            include_bytes!("../static/fonts/source-sans-3-latin-400-normal.woff2")
        }
        "source-sans-3-latin-400-italic.woff2" => {
            include_bytes!("../static/fonts/source-sans-3-latin-400-italic.woff2")
        }
        "source-sans-3-latin-700-normal.woff2" => {
            include_bytes!("../static/fonts/source-sans-3-latin-700-normal.woff2")
        }
        "source-sans-3-latin-700-italic.woff2" => {
            include_bytes!("../static/fonts/source-sans-3-latin-700-italic.woff2")
        }
        "merriweather-latin-400-normal.woff2" => {
            include_bytes!("../static/fonts/merriweather-latin-400-normal.woff2")
        }
        "merriweather-latin-700-normal.woff2" => {
            include_bytes!("../static/fonts/merriweather-latin-700-normal.woff2")
        }
        _ => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "font/woff2"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
