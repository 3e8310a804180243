//! Resumable uploads (tus 1.0: core, creation, creation-with-upload, checksum, termination,
//! expiration) at `/api/v1/uploads/`, and plain multipart uploads at `/api/v1/documents`.
//!
//! Bytes of an upload in progress live in `<uploads dir>/<id>.part`, encrypted as they arrive
//! (AES-256-GCM records under a key of that upload, see `worktrack_store::parts`), appended and
//! fsynced after every PATCH. The plaintext in whole records that authenticate *is* the upload
//! offset, so a server killed in the middle of a request resumes from what reached the disk.
//! When the last byte arrives the part is decrypted into a private scratch file (0600, in the
//! work directory), taken in (inspected, encrypted into the blob store, recorded), and both
//! files are removed. A multipart body is written the same way and removed when its request
//! ends, however it ends.

use crate::api::redact_digits;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::routes::Table;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use futures_util::StreamExt;
use rand::RngCore;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};
use worktrack_pipeline::intake::{Incoming, Intake, Outcome};
use worktrack_store::parts::{self, PartKey, PartState, PartWriter, RECORD_MAX};
use worktrack_store::{now_ms, Office, Source, StoreError, Upload};

pub const TUS_VERSION: &str = "1.0.0";
const TUS_EXTENSIONS: &str = "creation,creation-with-upload,checksum,termination,expiration";
/// An upload not touched for this long is removed.
pub const UPLOAD_TTL_MS: i64 = 24 * 3600 * 1000;
const OFFSET_STREAM: &str = "application/offset+octet-stream";

fn tus_headers(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn with_tus(status: StatusCode) -> Response {
    let mut r = status.into_response();
    tus_headers(&mut r);
    r
}

fn problem(p: Problem) -> Response {
    let mut r = p.into_response();
    tus_headers(&mut r);
    r
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// A header that must be read when it is sent: one that is there but not visible ASCII is
/// refused, not taken as missing (a checksum would go unchecked, metadata unread).
fn header_text<'a>(h: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Problem> {
    match h.get(name).map(HeaderValue::to_str) {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v.trim())),
        Some(Err(_)) => Err(Problem::bad_request(format!(
            "{name}: the header is not visible ASCII text"
        ))),
    }
}

/// Every request but OPTIONS names the protocol version it speaks; the refusal otherwise.
fn version_refusal(h: &HeaderMap) -> Option<Response> {
    match header_str(h, "tus-resumable") {
        Some(TUS_VERSION) => None,
        _ => {
            let mut r = problem(Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "tus-version",
                "Unsupported tus version",
                "send `Tus-Resumable: 1.0.0`",
            ));
            r.headers_mut()
                .insert("tus-version", HeaderValue::from_static(TUS_VERSION));
            Some(r)
        }
    }
}

fn http_date(ms: i64) -> String {
    u64::try_from(ms)
        .map(|ms| {
            httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
        })
        .unwrap_or_default()
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs.
fn parse_metadata(raw: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut it = pair.splitn(2, ' ');
        let key = it.next().unwrap_or_default().to_string();
        let value = match it.next() {
            Some(b64) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|_| format!("Upload-Metadata: the value of {key} is not base64"))?;
                String::from_utf8(bytes)
                    .map_err(|_| format!("Upload-Metadata: the value of {key} is not UTF-8"))?
            }
            None => String::new(),
        };
        if out.iter().any(|(k, _)| *k == key) {
            return Err(format!("Upload-Metadata: {key} is given twice"));
        }
        out.push((key, value));
    }
    Ok(out)
}

/// `Upload-Length` and `Upload-Offset`: a whole number of bytes, in digits only (`str::parse`
/// alone also takes a leading `+`).
fn byte_count(raw: &str) -> Option<u64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

impl AppState {
    fn part_path(&self, id: &str) -> PathBuf {
        self.config.uploads_dir.join(format!("{id}.part"))
    }

    fn part_key(&self, id: &str) -> Result<PartKey, Problem> {
        PartKey::new(self.store.keys(), id).map_err(Problem::from)
    }

    async fn upload_lock(&self, id: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.upload_locks.lock().unwrap_or_else(|e| e.into_inner());
            map.retain(|_, l| std::sync::Arc::strong_count(l) > 1);
            map.entry(id.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }
}

/// Runs file and cipher work on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "an upload file task failed");
        Problem::internal()
    })
}

/// What the part file of upload `id` holds; `None` when there is no part file.
async fn part_state(state: &AppState, id: &str) -> Result<Option<PartState>, Problem> {
    let path = state.part_path(id);
    let key = state.part_key(id)?;
    blocking(move || match parts::scan(&key, &path, false) {
        Ok(s) => Ok(Some(s)),
        Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // A part written in plain text by an older version holds nothing usable: the client
        // starts again from 0, and the next PATCH replaces it with an encrypted part.
        Err(StoreError::Crypto(_)) => Ok(Some(PartState::default())),
        Err(e) => Err(e),
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "cannot read an upload file");
        Problem::from(e)
    })
}

/// Encrypts and appends `data` on a blocking thread; gives the writer back with the result.
async fn write_part(
    mut writer: PartWriter,
    data: Vec<u8>,
) -> Result<(PartWriter, Result<(), StoreError>), Problem> {
    blocking(move || {
        let r = writer.append(&data);
        (writer, r)
    })
    .await
}

/// Takes the whole records out of `pending`, leaving the rest.
fn whole_records(pending: &mut Vec<u8>) -> Option<Vec<u8>> {
    if pending.len() < RECORD_MAX {
        return None;
    }
    let rest = pending.split_off(pending.len() / RECORD_MAX * RECORD_MAX);
    Some(std::mem::replace(pending, rest))
}

/// A file removed when dropped: a multipart body is gone when its request ends, also when the
/// client goes away and the request is dropped in the middle of the body.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The office a signed-in user uploads to: the one named (which must be in their scope), or
/// their own.
async fn upload_office(
    state: &AppState,
    who: &crate::auth::SignedIn,
    code: Option<&str>,
) -> Result<Office, Problem> {
    // Scope, then permission: an office not in the user's scope is not found (and the
    // attempt audited), whatever the role; in scope, a role that does not write is refused.
    let office = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => state.store.office_by_code(c).await?,
        None => match who.user.office_id {
            Some(id) => state.store.office_by_id(id).await?,
            None => {
                return Err(Problem::validation(
                    "office: name the office the paper arrived at",
                ))
            }
        },
    };
    state
        .store
        .check_scope(&who.viewer, office.id, "office", &office.code)
        .await?;
    if !who.role().may_write_business_data() {
        return Err(Problem::forbidden(format!(
            "the {} role cannot upload documents",
            who.role().label().to_lowercase()
        )));
    }
    Ok(office)
}

/// The day the paper arrived: given, or today at the office; never in the future, at most a
/// year back.
pub fn received_date(office: &Office, given: Option<&str>) -> Result<time::Date, Problem> {
    let today = Intake::today(office);
    let Some(text) = given.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(today);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(text, &format)
        .map_err(|_| Problem::validation("received_on: use the form YYYY-MM-DD"))?;
    if d > today {
        return Err(Problem::validation(
            "received_on: the day the paper arrived cannot be in the future",
        ));
    }
    if (today - d).whole_days() > 366 {
        return Err(Problem::validation(
            "received_on: more than a year ago; check the date",
        ));
    }
    Ok(d)
}

fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "1" | "yes" | "on")
    )
}

fn outcome_headers(resp: &mut Response, outcome_doc: i64, status: &str, note: &str) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("/documents/{outcome_doc}")) {
        h.insert("x-document-url", v);
    }
    if let Ok(v) = HeaderValue::from_str(status) {
        h.insert("x-document-status", v);
    }
    let encoded: String = note
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&encoded) {
        h.insert("x-document-note", v);
    }
}

pub async fn options() -> Response {
    let mut r = with_tus(StatusCode::NO_CONTENT);
    let h = r.headers_mut();
    h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    h.insert("tus-extension", HeaderValue::from_static(TUS_EXTENSIONS));
    h.insert(
        "tus-checksum-algorithm",
        HeaderValue::from_static("sha1,sha256"),
    );
    r
}

async fn options_max(State(state): State<AppState>) -> Response {
    let mut r = options().await;
    r.headers_mut().insert(
        "tus-max-size",
        HeaderValue::from(state.config.max_upload_bytes),
    );
    r
}

pub fn routes() -> Table {
    use crate::routes::{on, post, Verb};
    // OPTIONS tells a client what the server supports, as on the collection: no token needed.
    let item = on(Verb::Head, &[Verb::Patch, Verb::Delete], upload_any);
    Table::new()
        .route("/uploads", on(Verb::Options, &[], options_max).post(create))
        .route(
            "/uploads/",
            on(Verb::Options, &[], options_max).post(create),
        )
        .route(
            "/uploads/{id}",
            item.or(on(Verb::Options, &[], options_max)),
        )
        // The multipart endpoint enforces the upload size itself, file by file.
        .route(
            "/documents",
            post(multipart_upload).map(|r| r.layer(axum::extract::DefaultBodyLimit::disable())),
        )
}

/// Removes expired uploads and their partial files.
async fn sweep_expired(state: &AppState) {
    if let Ok(ids) = state.store.expired_uploads().await {
        for id in ids {
            let _ = tokio::fs::remove_file(state.part_path(&id)).await;
            if let Err(e) = state.store.delete_upload(&id).await {
                tracing::warn!(error = %e, "could not remove an expired upload");
            }
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(r) = version_refusal(&headers) {
        return r;
    }
    sweep_expired(&state).await;
    let length: u64 = match header_str(&headers, "upload-length").map(byte_count) {
        Some(Some(n)) => n,
        Some(None) => {
            return problem(Problem::bad_request(
                "Upload-Length must be a whole number of bytes",
            ))
        }
        None => {
            return problem(Problem::bad_request(
                "send Upload-Length (deferred lengths are not supported)",
            ))
        }
    };
    if length > state.config.max_upload_bytes {
        return problem(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "File too large",
            format!(
                "the file is {length} bytes; this server accepts files up to {} bytes",
                state.config.max_upload_bytes
            ),
        ));
    }
    let meta = match header_text(&headers, "upload-metadata").map(|m| m.unwrap_or("")) {
        Ok(raw) => match parse_metadata(raw) {
            Ok(m) => m,
            Err(e) => return problem(Problem::bad_request(e)),
        },
        Err(p) => return problem(p),
    };
    let get = |k: &str| {
        meta.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let office = match upload_office(&state, &who, get("office")).await {
        Ok(o) => o,
        Err(p) => return problem(p),
    };
    let received = match received_date(&office, get("received_on")) {
        Ok(d) => d,
        Err(p) => return problem(p),
    };
    let mut id_bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id_bytes);
    let now = now_ms();
    let upload = Upload {
        id: hex::encode(id_bytes),
        office_id: office.id,
        user_id: Some(who.user.id),
        length: length as i64,
        filename: worktrack_pipeline::intake::clean_filename(
            get("filename").or(get("name")).unwrap_or(""),
        ),
        received_on: received.to_string(),
        original_evidence: truthy(get("original_evidence")),
        created_at: now,
        expires_at: now + UPLOAD_TTL_MS,
        document_id: None,
    };
    let created = state
        .part_key(&upload.id)
        .and_then(|key| {
            PartWriter::create(&state.part_path(&upload.id), key).map_err(|e| {
                tracing::error!(error = %e, "cannot create an upload file");
                Problem::internal()
            })
        })
        .map(drop);
    if let Err(p) = created {
        return problem(p);
    }
    if let Err(e) = state.store.create_upload(&upload).await {
        let _ = tokio::fs::remove_file(state.part_path(&upload.id)).await;
        return problem(Problem::from(e));
    }
    let location = format!("/api/v1/uploads/{}", upload.id);
    let with_body =
        header_str(&headers, "content-type").is_some_and(|c| c.starts_with(OFFSET_STREAM));
    let mut resp = if with_body || length == 0 {
        // creation-with-upload, or an empty file: complete at once.
        let _guard = state.upload_lock(&upload.id).await;
        match append(&state, &who, &upload, 0, &headers, body).await {
            Ok(r) => r,
            Err(r) => return r,
        }
    } else {
        with_tus(StatusCode::CREATED)
    };
    *resp.status_mut() = StatusCode::CREATED;
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(upload.expires_at)) {
        resp.headers_mut().insert("upload-expires", v);
    }
    resp
}

async fn upload_any(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(r) = version_refusal(&headers) {
        return r;
    }
    let upload = match state.store.upload(&id).await {
        // Only the uploader resumes or ends an upload; to anyone else it does not exist.
        Ok(u) if u.user_id == Some(who.user.id) && u.expires_at > now_ms() => u,
        Ok(_) | Err(StoreError::NotFound) => return problem(Problem::not_found()),
        Err(e) => return problem(Problem::from(e)),
    };
    let _guard = state.upload_lock(&id).await;
    // Every byte arrived but the file was never taken in (the server stopped in between):
    // finish it now, so the client's next request finds the document.
    let mut upload = upload;
    if upload.document_id.is_none() && method.as_str() != "DELETE" {
        let complete = match part_state(&state, &id).await {
            Ok(s) => s.is_some_and(|s| s.offset == upload.length as u64),
            Err(p) => return problem(p),
        };
        if complete {
            match finish(&state, &who, &upload).await {
                Ok(outcome) => upload.document_id = Some(outcome.document.id),
                Err(p) => return problem(p),
            }
        }
    }
    match method.as_str() {
        "HEAD" => head(&state, &upload).await,
        "PATCH" => {
            let offset = match header_str(&headers, "upload-offset").and_then(byte_count) {
                Some(o) => o,
                _ => return problem(Problem::bad_request("send Upload-Offset")),
            };
            match append(&state, &who, &upload, offset, &headers, body).await {
                Ok(r) => r,
                Err(r) => r,
            }
        }
        "DELETE" => {
            let _ = tokio::fs::remove_file(state.part_path(&id)).await;
            match state.store.delete_upload(&id).await {
                Ok(()) => with_tus(StatusCode::NO_CONTENT),
                Err(e) => problem(Problem::from(e)),
            }
        }
        _ => problem(Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "use HEAD, PATCH or DELETE on an upload",
        )),
    }
}

async fn current_offset(state: &AppState, upload: &Upload) -> u64 {
    if upload.document_id.is_some() {
        return upload.length as u64;
    }
    part_state(state, &upload.id)
        .await
        .ok()
        .flatten()
        .map(|s| s.offset.min(upload.length as u64))
        .unwrap_or(0)
}

async fn head(state: &AppState, upload: &Upload) -> Response {
    let mut r = with_tus(StatusCode::OK);
    let offset = current_offset(state, upload).await;
    let h = r.headers_mut();
    h.insert("upload-offset", HeaderValue::from(offset));
    h.insert("upload-length", HeaderValue::from(upload.length));
    if let Ok(v) = HeaderValue::from_str(&http_date(upload.expires_at)) {
        h.insert("upload-expires", v);
    }
    if let Some(doc_id) = upload.document_id {
        if let Ok(doc) = state.store.document_unscoped(doc_id).await {
            let outcome = Outcome {
                document: doc,
                created: true,
            };
            outcome_headers(&mut r, doc_id, &outcome.document.status, &outcome.note());
        }
    }
    r
}

enum Checksum {
    Sha1(Sha1, Vec<u8>),
    Sha256(Sha256, Vec<u8>),
}

fn parse_checksum(h: &HeaderMap) -> Result<Option<Checksum>, Problem> {
    let Some(raw) = header_text(h, "upload-checksum")? else {
        return Ok(None);
    };
    let (algo, b64) = raw.split_once(' ').unwrap_or((raw, ""));
    let expected = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| Problem::bad_request("Upload-Checksum: the checksum is not base64"))?;
    let checksum = match algo.to_ascii_lowercase().as_str() {
        "sha1" => Checksum::Sha1(Sha1::new(), expected),
        "sha256" => Checksum::Sha256(Sha256::new(), expected),
        _ => {
            return Err(Problem::bad_request(
                "Upload-Checksum: supported algorithms are sha1 and sha256",
            ))
        }
    };
    // A checksum of the wrong length (or none) is a malformed header, not a mismatch.
    let fits = match &checksum {
        Checksum::Sha1(_, e) => e.len() == <Sha1 as Digest>::output_size(),
        Checksum::Sha256(_, e) => e.len() == <Sha256 as Digest>::output_size(),
    };
    if !fits {
        return Err(Problem::bad_request(
            "Upload-Checksum: the checksum is not as long as the algorithm's",
        ));
    }
    Ok(Some(checksum))
}

/// Opens the upload's encrypted part to append to it.
async fn open_part(state: &AppState, upload: &Upload) -> Result<PartWriter, Response> {
    let path = state.part_path(&upload.id);
    let key = state.part_key(&upload.id).map_err(problem)?;
    let opened = blocking(move || match PartWriter::open(&path, key.clone()) {
        // A part written in plain text by an older version: start it again, encrypted.
        Err(StoreError::Crypto(_)) => {
            tracing::warn!("an upload part in an old format was started again");
            std::fs::remove_file(&path)?;
            PartWriter::create(&path, key)
        }
        other => other,
    })
    .await
    .map_err(problem)?;
    opened.map_err(|e| {
        tracing::error!(error = %e, "cannot open an upload file");
        problem(Problem::internal())
    })
}

/// What one request's body brought.
struct Received {
    /// Plaintext received but not yet in a record: records are whole 64 KiB but for the last.
    pending: Vec<u8>,
    received: u64,
    /// The body ended early (the connection broke, or a write failed).
    broken: bool,
    write_failed: bool,
    /// The body holds more bytes than the upload announced.
    too_long: bool,
}

/// Reads the body into the part, whole records at a time, feeding the checksum.
async fn receive(
    mut writer: PartWriter,
    body: Body,
    offset: u64,
    length: u64,
    checksum: &mut Option<Checksum>,
    r: &mut Received,
) -> Result<PartWriter, Response> {
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            r.broken = true;
            break;
        };
        if offset + r.received + chunk.len() as u64 > length {
            r.too_long = true;
            break;
        }
        match checksum {
            Some(Checksum::Sha1(h, _)) => h.update(&chunk),
            Some(Checksum::Sha256(h, _)) => h.update(&chunk),
            None => {}
        }
        r.received += chunk.len() as u64;
        r.pending.extend_from_slice(&chunk);
        if let Some(records) = whole_records(&mut r.pending) {
            let (w, written) = write_part(writer, records).await.map_err(problem)?;
            writer = w;
            if let Err(e) = written {
                tracing::error!(error = %e, "cannot write an upload file");
                r.broken = true;
                r.write_failed = true;
                break;
            }
        }
    }
    Ok(writer)
}

/// Keeps what was received (its last, partial record written) or rolls the part back to
/// `start`, and syncs it; the part's offset afterwards.
async fn settle(
    mut writer: PartWriter,
    start: PartState,
    keep: bool,
    pending: Vec<u8>,
) -> Result<u64, Response> {
    let (writer, synced) = blocking(move || {
        let r = if keep {
            if !pending.is_empty() {
                if let Err(e) = writer.append(&pending) {
                    tracing::error!(error = %e, "cannot write an upload file");
                }
            }
            writer.sync()
        } else {
            // A chunk that cannot be verified, or that overruns the length, is not kept.
            writer.rollback(start).and_then(|()| writer.sync())
        };
        (writer, r)
    })
    .await
    .map_err(problem)?;
    if let Err(e) = synced {
        tracing::error!(error = %e, "cannot sync an upload file");
        return Err(problem(Problem::internal()));
    }
    Ok(writer.state().offset)
}

/// Appends the request body at `offset` (which must be the current offset), checks the
/// checksum, and takes the file in when it is complete.
async fn append(
    state: &AppState,
    who: &crate::auth::SignedIn,
    upload: &Upload,
    offset: u64,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Response> {
    let length = upload.length as u64;
    if upload.document_id.is_some() {
        return Err(problem(Problem::new(
            StatusCode::CONFLICT,
            "upload-complete",
            "Upload complete",
            "this upload is already complete",
        )));
    }
    let mut writer = open_part(state, upload).await?;
    let start = writer.state();
    let current = start.offset.min(length);
    if offset != current {
        let mut r = problem(Problem::new(
            StatusCode::CONFLICT,
            "offset-mismatch",
            "Offset mismatch",
            format!("the upload is at byte {current}, not {offset}; ask with HEAD and continue from there"),
        ));
        r.headers_mut()
            .insert("upload-offset", HeaderValue::from(current));
        return Err(r);
    }
    let has_body =
        header_str(headers, "content-type").is_some_and(|c| c.starts_with(OFFSET_STREAM));
    if !has_body && length > 0 {
        return Err(problem(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the bytes with `Content-Type: application/offset+octet-stream`",
        )));
    }
    let mut checksum = parse_checksum(headers).map_err(problem)?;
    let mut r = Received {
        pending: Vec::with_capacity(RECORD_MAX),
        received: 0,
        broken: false,
        write_failed: false,
        too_long: false,
    };
    if has_body {
        writer = receive(writer, body, offset, length, &mut checksum, &mut r).await?;
    }
    let Received {
        pending,
        broken,
        write_failed,
        too_long,
        ..
    } = r;
    let checksum_ok = match checksum {
        None => true,
        Some(Checksum::Sha1(h, expected)) => h.finalize().as_slice() == expected.as_slice(),
        Some(Checksum::Sha256(h, expected)) => h.finalize().as_slice() == expected.as_slice(),
    };
    let keep =
        !too_long && (checksum_ok && !(broken && header_str(headers, "upload-checksum").is_some()));
    let pending = if write_failed { Vec::new() } else { pending };
    let new_offset = settle(writer, start, keep, pending).await?;
    if too_long {
        return Err(problem(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "upload-overrun",
            "More bytes than announced",
            format!("the upload was announced as {length} bytes"),
        )));
    }
    if !checksum_ok && !broken {
        return Err(problem(Problem::new(
            StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
            "checksum-mismatch",
            "Checksum mismatch",
            "the chunk does not match its Upload-Checksum; it was discarded, send it again",
        )));
    }
    let _ = state
        .store
        .touch_upload(&upload.id, now_ms() + UPLOAD_TTL_MS)
        .await;
    let mut resp = with_tus(StatusCode::NO_CONTENT);
    resp.headers_mut()
        .insert("upload-offset", HeaderValue::from(new_offset));
    // All bytes are here even if the connection broke right after the last one.
    if new_offset == length {
        let outcome = finish(state, who, upload).await.map_err(problem)?;
        outcome_headers(
            &mut resp,
            outcome.document.id,
            &outcome.document.status,
            &outcome.note(),
        );
    }
    Ok(resp)
}

/// Takes a complete upload in: its part decrypted into a private scratch copy (removed when
/// done, however it ends), then intake.
async fn finish(
    state: &AppState,
    who: &crate::auth::SignedIn,
    upload: &Upload,
) -> Result<Outcome, Problem> {
    let path = state.part_path(&upload.id);
    let key = state.part_key(&upload.id)?;
    let copy = {
        let (key, path, dir) = (key.clone(), path.clone(), state.intake.work_dir.clone());
        let length = upload.length as u64;
        blocking(move || parts::plain_copy(&key, &path, &dir, length)).await?
    };
    let copy = match copy {
        Ok(c) => c,
        Err(StoreError::Crypto(msg)) => {
            // Damaged on disk: keep what authenticates, and let the client send the rest again.
            tracing::error!(upload = %upload.id, msg, "an upload part does not authenticate");
            let cut = blocking(move || parts::cut_to_verified(&key, &path)).await?;
            if let Err(e) = cut {
                tracing::error!(error = %e, "cannot cut back a damaged upload part");
            }
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "upload-damaged",
                "Upload damaged",
                "part of this upload was damaged on the server; ask with HEAD and send the rest again",
            ));
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot decrypt an upload part");
            return Err(Problem::internal());
        }
    };
    let office = state.store.office_by_id(upload.office_id).await?;
    let received = received_date(&office, Some(&upload.received_on)).or_else(|_| {
        time::Date::parse(
            &upload.received_on,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| Problem::internal())
    })?;
    let source = if who.via == crate::auth::AuthVia::Session {
        Source::Browser
    } else {
        Source::Api
    };
    let outcome = state
        .intake
        .take_in(
            &who.viewer.actor,
            Incoming {
                path: copy.path(),
                filename: &upload.filename,
                office: &office,
                received_on: received,
                original_evidence: upload.original_evidence,
                source,
                source_key: Some(format!("tus:{}", upload.id)),
            },
        )
        .await?;
    drop(copy);
    state
        .store
        .complete_upload(&upload.id, outcome.document.id)
        .await?;
    let _ = tokio::fs::remove_file(&path).await;
    Ok(outcome)
}

/// The JSON answer of the multipart endpoint, one entry per file.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TakenIn {
    pub document_id: i64,
    pub url: String,
    pub filename: String,
    /// `stored`, `duplicate` or `needs_attention`.
    pub status: String,
    pub note: String,
}

/// `POST /api/v1/documents` (multipart/form-data): fields `office`, `received_on`,
/// `original_evidence`, then one or more `file` parts. Each file is streamed to disk, never
/// held in memory whole.
#[utoipa::path(post, path = "/api/v1/documents", tag = "documents",
    description = "Upload one or more files in one multipart/form-data request: fields `office`, `received_on` (YYYY-MM-DD), `original_evidence` (true/false) before the `file` parts.",
    responses((status = 201, body = Vec<TakenIn>), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn multipart_upload(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    mut form: Multipart,
) -> Response {
    let mut office_code: Option<String> = None;
    let mut received: Option<String> = None;
    let mut evidence = false;
    let mut results: Vec<TakenIn> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Problem::bad_request(redact_digits(&e.body_text())).into_response(),
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "office" | "received_on" | "original_evidence" => {
                // A field that cannot be read as UTF-8 is refused: read lossily (or dropped)
                // it sent the files to the uploader's own office instead of the one named.
                let text = match field.bytes().await.map(|b| String::from_utf8(b.to_vec())) {
                    Ok(Ok(text)) => text,
                    Ok(Err(_)) => {
                        return Problem::validation(format!(
                            "{name}: not valid text (UTF-8); nothing was taken in"
                        ))
                        .into_response()
                    }
                    Err(e) => {
                        return Problem::bad_request(redact_digits(&e.body_text())).into_response()
                    }
                };
                match name.as_str() {
                    "office" => office_code = Some(text),
                    "received_on" => received = Some(text),
                    _ => evidence = truthy(Some(&text)),
                }
            }
            "file" => {
                let office = match upload_office(&state, &who, office_code.as_deref()).await {
                    Ok(o) => o,
                    Err(p) => return p.into_response(),
                };
                let received_on = match received_date(&office, received.as_deref()) {
                    Ok(d) => d,
                    Err(p) => return p.into_response(),
                };
                let filename = field.file_name().unwrap_or("unnamed").to_string();
                let mut id = [0u8; 16];
                rand::rngs::OsRng.fill_bytes(&mut id);
                let id = hex::encode(id);
                let body = RemoveOnDrop(state.config.uploads_dir.join(format!("{id}.multipart")));
                let result = async {
                    let key = state.part_key(&id)?;
                    let max = state.config.max_upload_bytes;
                    let total = stream_field(field, &body.0, key.clone(), max).await?;
                    let copy = {
                        let (path, dir) = (body.0.clone(), state.intake.work_dir.clone());
                        blocking(move || parts::plain_copy(&key, &path, &dir, total))
                            .await?
                            .map_err(|e| {
                                tracing::error!(error = %e, "cannot decrypt a multipart body");
                                Problem::internal()
                            })?
                    };
                    let outcome = state
                        .intake
                        .take_in(
                            &who.viewer.actor,
                            Incoming {
                                path: copy.path(),
                                filename: &filename,
                                office: &office,
                                received_on,
                                original_evidence: evidence,
                                source: Source::Api,
                                source_key: None,
                            },
                        )
                        .await
                        .map_err(Problem::from);
                    drop(copy);
                    outcome
                }
                .await;
                drop(body);
                match result {
                    Ok(outcome) => results.push(TakenIn {
                        document_id: outcome.document.id,
                        url: format!("/documents/{}", outcome.document.id),
                        filename: outcome.document.filename.clone(),
                        status: outcome.document.status.clone(),
                        note: outcome.note(),
                    }),
                    Err(p) => return p.into_response(),
                }
            }
            _ => {}
        }
    }
    if results.is_empty() {
        return Problem::validation("file: send at least one file part named `file`")
            .into_response();
    }
    (StatusCode::CREATED, Json(results)).into_response()
}

/// Streams a multipart file part into the encrypted file `path`; returns its length.
async fn stream_field(
    mut field: axum::extract::multipart::Field<'_>,
    path: &FsPath,
    key: PartKey,
    max: u64,
) -> Result<u64, Problem> {
    // Created here, not on a blocking thread: the caller's guard must find it when it drops.
    let mut writer = PartWriter::create(path, key).map_err(|e| {
        tracing::error!(error = %e, "cannot create a multipart body file");
        Problem::internal()
    })?;
    let mut pending: Vec<u8> = Vec::with_capacity(RECORD_MAX);
    let mut total: u64 = 0;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                total += chunk.len() as u64;
                if total > max {
                    return Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload-too-large",
                        "File too large",
                        format!("this server accepts files up to {max} bytes"),
                    ));
                }
                pending.extend_from_slice(&chunk);
                if let Some(records) = whole_records(&mut pending) {
                    let (w, written) = write_part(writer, records).await?;
                    writer = w;
                    written.map_err(|e| {
                        tracing::error!(error = %e, "cannot write a multipart body file");
                        Problem::internal()
                    })?;
                }
            }
            Ok(None) => break,
            Err(e) => return Err(Problem::bad_request(redact_digits(&e.body_text()))),
        }
    }
    // Read back at once and removed after the request: no fsync needed.
    let (_, written) = write_part(writer, pending).await?;
    written.map_err(|e| {
        tracing::error!(error = %e, "cannot write a multipart body file");
        Problem::internal()
    })?;
    Ok(total)
}

#[cfg(test)]
#[path = "uploads_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "uploads_props.rs"]
mod props;
