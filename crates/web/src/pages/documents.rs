//! Documents: the upload page, the list, one document with its page images and custody log,
//! its download, and the paper log of an office.

use super::{offices_in_scope, render, render_status, when, zone_of, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use worktrack_domain::permit;
use worktrack_pipeline::intake::Intake;
use worktrack_store::{CustodyEvent, Document, DocumentFilter, Office, PageText, User};

const PAGE_SIZE: i64 = 50;

/// The reading queue's progress as a page shows it.
pub struct Reading {
    pub sentence: String,
    /// Nothing waits: shown as plain text rather than an alert.
    pub idle: bool,
}

impl Reading {
    async fn of(state: &AppState, offices: &[i64]) -> Result<Reading, PageError> {
        let progress = state.store.reading_progress(offices).await?;
        let whose = if offices.len() == 1 {
            "this office"
        } else {
            "your offices"
        };
        Ok(Reading {
            sentence: progress.sentence(whose),
            idle: progress == worktrack_domain::reading::Progress::Idle,
        })
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
pub struct UploadPage {
    pub chrome: Chrome,
    pub offices: Vec<Office>,
    pub own_office: String,
    pub today: String,
    pub chunk_size: u64,
}

pub async fn upload_page(
    PageRequest { state, who, csrf }: PageRequest,
) -> Result<Response, PageError> {
    super::require(who.role().may_write_business_data(), "uploading documents")?;
    let offices = offices_in_scope(&state, &who).await?;
    let own = who
        .user
        .office_id
        .and_then(|id| offices.iter().find(|o| o.id == id))
        .or(offices.first());
    let today = own
        .map(Intake::today)
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
    render(&UploadPage {
        chrome: Chrome::for_user(&who, "Upload paper", csrf, "/upload"),
        own_office: own.map(|o| o.code.clone()).unwrap_or_default(),
        offices,
        today: today.to_string(),
        chunk_size: 5 * 1024 * 1024,
    })
}

pub struct DocRow {
    pub doc: Document,
    pub office: String,
    pub uploaded: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    pub chrome: Chrome,
    /// The reading queue: pages waiting and when they should be ready.
    pub reading: Reading,
    pub rows: Vec<DocRow>,
    pub offices: Vec<Office>,
    pub uploaders: Vec<User>,
    pub q: ListQuery,
    pub older: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub uploader: String,
    pub before: Option<i64>,
}

fn valid_date(s: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &format)
        .ok()
        .map(|d| d.to_string())
}

pub async fn list(
    PageRequest { state, who, csrf }: PageRequest,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    super::audit_list_query(&state, &who, "document", raw.as_deref()).await?;
    let offices = offices_in_scope(&state, &who).await?;
    let mut error = None;
    // An office outside the user's scope is not found (and the attempt audited) before
    // anything of it is read, its staff for the uploader filter included.
    let office_id = if q.office.trim().is_empty() {
        None
    } else {
        let office = state.store.office_by_code(q.office.trim()).await?;
        state
            .store
            .check_scope(&who.viewer, office.id, "office", &office.code)
            .await?;
        Some(office.id)
    };
    let mut date = |s: &str, label: &str| {
        if s.trim().is_empty() {
            None
        } else {
            let d = valid_date(s);
            if d.is_none() {
                error = Some(format!("{label}: use the form YYYY-MM-DD"));
            }
            d
        }
    };
    let received_from = date(&q.from, "Received from");
    let received_to = date(&q.to, "Received to");
    let status = match q.status.as_str() {
        "" => None,
        s @ ("stored" | "duplicate" | "needs_attention") => Some(s.to_string()),
        _ => {
            error = Some("Status: choose stored, duplicate or needs attention".into());
            None
        }
    };
    let uploaders = match office_id {
        Some(id) => state.store.users(Some(id)).await?,
        None => Vec::new(),
    };
    let uploaded_by = if q.uploader.is_empty() {
        None
    } else {
        Some(
            state
                .store
                .user_by_username(&q.uploader)
                .await
                .map(|u| u.id)
                .unwrap_or(-1),
        )
    };
    let filter = DocumentFilter {
        office_id,
        received_from,
        received_to,
        status,
        uploaded_by,
    };
    let docs = state
        .store
        .documents(&who.viewer, &filter, q.before, PAGE_SIZE + 1)
        .await?;
    let older = (docs.len() as i64 > PAGE_SIZE).then(|| {
        let last = docs[PAGE_SIZE as usize - 1].id;
        format!(
            "/documents?office={}&from={}&to={}&status={}&uploader={}&before={last}",
            q.office, q.from, q.to, q.status, q.uploader
        )
    });
    let rows = docs
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|doc| DocRow {
            office: super::office_code(Some(doc.office_id), &offices).unwrap_or_default(),
            uploaded: when(
                doc.uploaded_at,
                offices
                    .iter()
                    .find(|o| o.id == doc.office_id)
                    .and_then(zone_of),
            ),
            doc,
        })
        .collect();
    let counted: Vec<i64> = match office_id {
        Some(id) => vec![id],
        None => offices.iter().map(|o| o.id).collect(),
    };
    let page = DocumentsPage {
        chrome: Chrome::for_user(&who, "Documents", csrf, "/documents").with_error(error.clone()),
        reading: Reading::of(&state, &counted).await?,
        rows,
        offices,
        uploaders,
        q,
        older,
    };
    if error.is_some() {
        Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
    } else {
        render(&page)
    }
}

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub chrome: Chrome,
    pub doc: Document,
    pub office: Office,
    pub uploaded: String,
    pub uploader: String,
    pub pages: Vec<i64>,
    pub custody: Vec<(CustodyEvent, String)>,
    pub can_record_custody: bool,
    /// `none`, `pending`, `done`, `partial` or `failed`.
    pub text_status: String,
    /// Page texts with SSNs masked.
    pub texts: Vec<PageText>,
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let page = document_page(&state, &who, csrf, id, None).await?;
    render(&page)
}

async fn document_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    id: i64,
    error: Option<String>,
) -> Result<DocumentPage, PageError> {
    let doc = state.store.document(&who.viewer, id).await?;
    let office = state.store.office_by_id(doc.office_id).await?;
    let uploader = match doc.uploaded_by {
        Some(uid) => state
            .store
            .users(Some(doc.office_id))
            .await?
            .into_iter()
            .find(|u| u.id == uid)
            .map(|u| u.display_name)
            .unwrap_or_else(|| "another office's user".into()),
        None => "the server (hot folder or import)".into(),
    };
    let pages = state
        .store
        .page_images(id)
        .await?
        .into_iter()
        .filter(|(_, kind, _)| kind == "preview")
        .map(|(p, _, _)| p)
        .collect();
    let custody = state
        .store
        .custody_events(id)
        .await?
        .into_iter()
        .map(|e| {
            let at = when(e.at, zone_of(&office));
            (e, at)
        })
        .collect();
    let text_status = state.store.text_status(id).await?;
    let texts = state.store.page_texts(id).await?;
    let title = format!("Document {} — {}", doc.id, doc.filename);
    Ok(DocumentPage {
        text_status,
        texts,
        chrome: Chrome::for_user(who, &title, csrf, "/documents").with_error(error),
        uploaded: when(doc.uploaded_at, zone_of(&office)),
        uploader,
        pages,
        custody,
        can_record_custody: doc.original_evidence && who.role().may_write_business_data(),
        doc,
        office,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CustodyForm {
    action: String,
    note: String,
}

pub async fn custody(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
    Form(form): Form<CustodyForm>,
) -> Result<Response, PageError> {
    match state
        .store
        .record_custody(&who.viewer, id, &form.action, &form.note)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/documents/{id}")).into_response()),
        Err(e) => {
            let e = PageError::from(e);
            if e.status == StatusCode::NOT_FOUND {
                return Err(e);
            }
            let page = document_page(&state, &who, csrf, id, Some(e.message)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// Streams a decrypted blob to the client from a temporary file removed right after opening.
/// `send_blob`'s content type for a page image: JPEG or PNG, as its first bytes say.
const IMAGE_BY_MAGIC: &str = "image/*";

async fn send_blob(
    state: &AppState,
    hash: &str,
    content_type: &str,
    disposition: Option<String>,
) -> Result<Response, PageError> {
    let tmp = state.config.uploads_dir.join(format!(
        "read-{}-{}",
        hash.get(..16).unwrap_or("x"),
        rand_suffix()
    ));
    state
        .intake
        .blobs
        .read_to_file(hash, tmp.clone())
        .await
        .map_err(PageError::from)?;
    let file = tokio::fs::File::open(&tmp)
        .await
        .map_err(|_| PageError::internal())?;
    // Unlinked now: the open handle keeps the bytes readable, and nothing is left behind.
    let _ = tokio::fs::remove_file(&tmp).await;
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let mut file = file;
    let content_type = if content_type == IMAGE_BY_MAGIC {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let mut head = [0u8; 4];
        let n = file.read(&mut head).await.unwrap_or(0);
        file.rewind().await.map_err(|_| PageError::internal())?;
        if head[..n].starts_with(b"\xff\xd8\xff") {
            "image/jpeg"
        } else {
            "image/png"
        }
    } else {
        content_type
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(resp)
}

fn rand_suffix() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub async fn content(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let doc = state.store.document(&who.viewer, id).await?;
    state
        .store
        .audit_document_content(&who.viewer, &doc, "document.download")
        .await?;
    // ASCII-only file name in the header; the rest is replaced.
    let safe: String = doc
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    send_blob(
        &state,
        &doc.blob_hash,
        &doc.media_type,
        Some(format!("attachment; filename=\"{safe}\"")),
    )
    .await
}

pub async fn page_image(
    PageRequest { state, who, .. }: PageRequest,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    // Page images are JPEG; those made before were PNG, at the same names: the type is read
    // from the image itself.
    let stem = name
        .strip_suffix(".jpg")
        .or_else(|| name.strip_suffix(".png"));
    let (page, kind) = match stem.map(|n| n.split_once('-')) {
        Some(Some(("thumb", p))) => (p, "thumb"),
        Some(Some(("page", p))) => (p, "preview"),
        _ => return Err(PageError::not_found()),
    };
    let page: i64 = page.parse().map_err(|_| PageError::not_found())?;
    let doc = state.store.document_unscoped(id).await?;
    state
        .store
        .check_scope(&who.viewer, doc.office_id, "document", &id.to_string())
        .await?;
    let hash = state
        .store
        .page_images(id)
        .await?
        .into_iter()
        .find(|(p, k, _)| *p == page && k == kind)
        .map(|(_, _, h)| h)
        .ok_or_else(PageError::not_found)?;
    state
        .store
        .audit_document_content(&who.viewer, &doc, "document.page_view")
        .await?;
    send_blob(&state, &hash, IMAGE_BY_MAGIC, None).await
}

pub struct PaperDay {
    pub day: String,
    pub received: usize,
    pub uploaded: usize,
    pub duplicates: usize,
    pub attention: usize,
    pub on_time: usize,
    pub late: usize,
}

#[derive(Template)]
#[template(path = "paper.html")]
pub struct PaperPage {
    pub chrome: Chrome,
    pub reading: Reading,
    pub office: Office,
    pub days: Vec<PaperDay>,
    pub from: String,
    pub to: String,
    pub compliance: Option<String>,
    pub evidence: Vec<(Document, bool)>,
}

#[derive(Deserialize)]
pub struct PaperQuery {
    from: Option<String>,
    to: Option<String>,
}

pub async fn paper_log(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
    Query(q): Query<PaperQuery>,
) -> Result<Response, PageError> {
    let office = state.store.office_by_code(&code).await?;
    let allowed = permit::may_read_paper_log(who.role(), &who.viewer.scope, office.id);
    if !allowed {
        state
            .store
            .check_scope(&who.viewer, office.id, "office", &office.code)
            .await?;
        return Err(PageError::forbidden(
            "Your role does not allow reading the paper log.",
        ));
    }
    let today = Intake::today(&office);
    let to =
        q.to.as_deref()
            .and_then(valid_date)
            .unwrap_or_else(|| today.to_string());
    let from = q
        .from
        .as_deref()
        .and_then(valid_date)
        .unwrap_or_else(|| (today - time::Duration::days(13)).to_string());
    let rows = state.store.paper_rows(&office, &from, &to).await?;
    let calendar = state.intake.calendar(&office).await?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let parse = |s: &str| time::Date::parse(s, &format).ok();
    let (Some(from_d), Some(to_d)) = (parse(&from), parse(&to)) else {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid dates",
            "Use dates of the form YYYY-MM-DD.",
        ));
    };
    if to_d < from_d || (to_d - from_d).whole_days() > 366 {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid dates",
            "Choose a range of at most a year, from before to.",
        ));
    }
    let policy = u32::try_from(office.upload_within_days).unwrap_or(0);
    let mut days = Vec::new();
    let (mut on_time_total, mut counted_total) = (0usize, 0usize);
    let mut d = to_d;
    loop {
        let ds = d.to_string();
        let received: Vec<_> = rows.iter().filter(|r| r.received_on == ds).collect();
        let uploaded = rows.iter().filter(|r| r.uploaded_on == ds).count();
        let mut on_time = 0;
        let mut late = 0;
        for r in received.iter().filter(|r| r.status != "duplicate") {
            if let Some(up) = parse(&r.uploaded_on) {
                if calendar.business_days_between(d, up) <= policy {
                    on_time += 1;
                } else {
                    late += 1;
                }
            }
        }
        on_time_total += on_time;
        counted_total += on_time + late;
        days.push(PaperDay {
            day: ds,
            received: received.len(),
            uploaded,
            duplicates: received.iter().filter(|r| r.status == "duplicate").count(),
            attention: received
                .iter()
                .filter(|r| r.status == "needs_attention")
                .count(),
            on_time,
            late,
        });
        match d.previous_day() {
            Some(p) if p >= from_d => d = p,
            _ => break,
        }
    }
    let compliance = (counted_total > 0).then(|| {
        format!(
            "{:.0}%",
            100.0 * on_time_total as f64 / counted_total as f64
        )
    });
    let evidence = state
        .store
        .evidence_held(&office)
        .await?
        .into_iter()
        .map(|doc| {
            let overdue = doc
                .return_by
                .as_deref()
                .and_then(parse)
                .is_some_and(|r| r < today);
            (doc, overdue)
        })
        .collect();
    let title = format!("Paper log — {}", office.code);
    render(&PaperPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/documents"),
        reading: Reading::of(&state, &[office.id]).await?,
        office,
        days,
        from,
        to,
        compliance,
        evidence,
    })
}
