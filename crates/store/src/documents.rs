//! Documents: what was received, when, by which office, where its bytes are, and what happened
//! to it (stored, a duplicate of an earlier upload, or in need of a person's attention);
//! resumable uploads in progress; original evidence and its custody; closure days.

use crate::audit::Event;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::{Actor, Viewer};
use serde::Serialize;
use sqlx::Row;
use worktrack_domain::states::DocumentStatus;
use worktrack_domain::Scope;

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Browser,
    Api,
    HotFolder,
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Browser => "browser",
            Source::Api => "api",
            Source::HotFolder => "hot_folder",
            Source::Import => "import",
        }
    }
}

pub const STATUS_STORED: &str = DocumentStatus::Stored.as_str();
pub const STATUS_DUPLICATE: &str = DocumentStatus::Duplicate.as_str();
pub const STATUS_ATTENTION: &str = DocumentStatus::NeedsAttention.as_str();
/// How long after take-in the page images' fallback job comes due: a reading that starts
/// within this time makes the page images itself, from its own decoding of each page.
pub const PAGE_IMAGES_FALLBACK_MS: i64 = 60_000;
/// Pages read per document at most; the rest of a very long document is left unread (and the
/// document says so) rather than holding the queue for hours.
pub const MAX_TEXT_PAGES: i64 = 500;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    pub id: i64,
    pub office_id: i64,
    pub blob_hash: String,
    pub filename: String,
    pub size: i64,
    pub media_type: String,
    pub pages: Option<i64>,
    /// `stored`, `duplicate` or `needs_attention`.
    pub status: String,
    pub attention_code: Option<String>,
    pub attention_reason: Option<String>,
    pub duplicate_of: Option<i64>,
    /// `YYYY-MM-DD`: the day the paper arrived at the office.
    pub received_on: String,
    pub uploaded_at: i64,
    /// The office-local day it was uploaded.
    pub uploaded_on: String,
    pub uploaded_by: Option<i64>,
    pub source: String,
    pub original_evidence: bool,
    pub return_by: Option<String>,
    /// `held`, `returned` or `retained` (original evidence only).
    pub custody: Option<String>,
    /// `pending`, `done` or `failed`.
    pub previews: String,
}

/// A document to record once its blob is durable.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub office_id: i64,
    pub blob_hash: String,
    pub size: i64,
    pub filename: String,
    pub media_type: String,
    pub pages: Option<i64>,
    pub attention: Option<(String, String)>,
    pub received_on: time::Date,
    pub uploaded_on: time::Date,
    pub source: Source,
    /// Makes a hot-folder or import run idempotent: a second document with the same key is
    /// not created.
    pub source_key: Option<String>,
    pub original_evidence: bool,
    pub return_by: Option<time::Date>,
}

/// Filters of the documents list.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub office_id: Option<i64>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    pub status: Option<String>,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustodyEvent {
    pub action: String,
    pub note: String,
    pub actor: String,
    pub at: i64,
}

/// A resumable upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    pub office_id: i64,
    pub user_id: Option<i64>,
    pub length: i64,
    pub filename: String,
    pub received_on: String,
    pub original_evidence: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub document_id: Option<i64>,
}

/// One document's dates, for the paper log.
#[derive(Debug, Clone)]
pub struct PaperRow {
    pub received_on: String,
    pub uploaded_on: String,
    pub status: String,
    pub original_evidence: bool,
}

const DOC_COLUMNS: &str = "id, office_id, blob_hash, filename, size, media_type, pages, status, \
    attention_code, attention_reason, duplicate_of, received_on, uploaded_at, uploaded_on, uploaded_by, \
    source, original_evidence, return_by, custody, previews";

from_row!(Document {
    id, office_id, blob_hash, filename, size, media_type, pages, status, attention_code,
    attention_reason, duplicate_of, received_on, uploaded_at, uploaded_on, uploaded_by, source,
    return_by, custody, previews,
} flags { original_evidence });

from_row!(Upload {
    id, office_id, user_id, length, filename, received_on, created_at, expires_at, document_id,
} flags { original_evidence });

from_row!(CustodyEvent {
    action,
    note,
    actor,
    at
});

from_row!(PaperRow { received_on, uploaded_on, status } flags { original_evidence });

from_row!(PageText {
    page,
    source,
    status,
    rotation,
    text,
    words,
    width,
    height
});

fn office_filter(scope: &Scope) -> Option<String> {
    match scope {
        Scope::AllOffices => Some(String::new()),
        Scope::Offices(ids) if !ids.is_empty() => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            Some(format!(" AND office_id IN ({})", list.join(",")))
        }
        _ => None,
    }
}

impl Store {
    /// Records a document whose blob is already durable. A second document with the same
    /// content in the same office is recorded as a duplicate of the first, never dropped. With a
    /// `source_key` already on file, returns the existing document instead (`false`).
    pub async fn record_document(
        &self,
        actor: &Actor,
        new: &NewDocument,
    ) -> Result<(Document, bool)> {
        if let Some(key) = &new.source_key {
            if let Some(existing) = self.document_by_source_key(key).await? {
                return Ok((existing, false));
            }
        }
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&new.blob_hash)
        .bind(new.size)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        let first: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(id) FROM documents WHERE office_id = $1 AND blob_hash = $2",
        )
        .bind(new.office_id)
        .bind(&new.blob_hash)
        .fetch_one(&mut *tx.tx)
        .await?;
        let status = match (&new.attention, first) {
            (Some(_), _) => STATUS_ATTENTION,
            (None, Some(_)) => STATUS_DUPLICATE,
            (None, None) => STATUS_STORED,
        };
        let previews = if new.attention.is_some() {
            "none"
        } else {
            "pending"
        };
        let row: Document = sqlx::query_as(&format!(
            "INSERT INTO documents (office_id, blob_hash, filename, size, media_type, pages, status, \
             attention_code, attention_reason, duplicate_of, received_on, uploaded_at, uploaded_on, uploaded_by, \
             source, source_key, original_evidence, return_by, custody, previews) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
             RETURNING {DOC_COLUMNS}"
        ))
        .bind(new.office_id)
        .bind(&new.blob_hash)
        .bind(&new.filename)
        .bind(new.size)
        .bind(&new.media_type)
        .bind(new.pages)
        .bind(status)
        .bind(new.attention.as_ref().map(|a| a.0.clone()))
        .bind(new.attention.as_ref().map(|a| a.1.clone()))
        .bind(first)
        .bind(new.received_on.to_string())
        .bind(now)
        .bind(new.uploaded_on.to_string())
        .bind(actor.user_id)
        .bind(new.source.as_str())
        .bind(new.source_key.clone())
        .bind(i64::from(new.original_evidence))
        .bind(new.return_by.map(|d| d.to_string()))
        .bind(new.original_evidence.then_some("held"))
        .bind(previews)
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "this file was already taken in"))?;
        let doc = row;
        if doc.previews == "pending" {
            // The document's background work, queued in the same transaction as the document:
            // reading its text (which makes the page images from the same decoding), and the
            // page images' fallback, due later, for when the reading waits or fails.
            for (kind, max_attempts, run_at) in [
                ("text", 3i64, now),
                ("page_images", 5, now + PAGE_IMAGES_FALLBACK_MS),
            ] {
                sqlx::query(
                    "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) \
                     VALUES ($1, $2, 'queued', 0, $3, $4, $5)",
                )
                .bind(kind)
                .bind(serde_json::json!({ "document_id": doc.id }).to_string())
                .bind(max_attempts)
                .bind(run_at)
                .bind(now)
                .execute(&mut *tx.tx)
                .await?;
            }
            sqlx::query("UPDATE documents SET text_status = 'pending' WHERE id = $1")
                .bind(doc.id)
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit_audited(
            actor,
            Event::new("document.create", "document", doc.id, Some(doc.office_id)).detail(
                serde_json::json!({
                    "status": doc.status, "size": doc.size, "media_type": doc.media_type,
                    "source": doc.source, "duplicate_of": doc.duplicate_of,
                }),
            ),
        )
        .await?;
        Ok((doc, true))
    }

    pub async fn document_by_source_key(&self, key: &str) -> Result<Option<Document>> {
        let row: Option<Document> = self
            .row_by(
                &format!("SELECT {DOC_COLUMNS} FROM documents WHERE source_key = $1"),
                key,
            )
            .await?;
        Ok(row)
    }

    /// One document, if `viewer` may see it (audited as a view).
    pub async fn document(&self, viewer: &Viewer, id: i64) -> Result<Document> {
        let doc = self.document_unscoped(id).await?;
        let event = Event::new("document.view", "document", id, Some(doc.office_id));
        self.audit_view(viewer, event).await?;
        Ok(doc)
    }

    /// A document without scope checks, for background work on the server itself.
    pub async fn document_unscoped(&self, id: i64) -> Result<Document> {
        let row: Document = sqlx::query_as(&format!(
            "SELECT {DOC_COLUMNS} FROM documents WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row)
    }

    /// Documents in `viewer`'s scope matching `filter`, newest first, `limit` before `before_id`.
    pub async fn documents(
        &self,
        viewer: &Viewer,
        filter: &DocumentFilter,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Document>> {
        let Some(scope_sql) = office_filter(&viewer.scope) else {
            return Ok(Vec::new());
        };
        if let Some(office) = filter.office_id {
            self.check_scope(viewer, office, "office", &office.to_string())
                .await?;
        }
        enum Value {
            Int(i64),
            Text(String),
        }
        let mut sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id < $1{scope_sql}");
        let mut values: Vec<Value> = Vec::new();
        let mut add = |clause: &str, value: Value| {
            values.push(value);
            sql.push_str(&format!(" AND {clause} ${}", values.len() + 1));
        };
        if let Some(o) = filter.office_id {
            add("office_id =", Value::Int(o));
        }
        if let Some(d) = &filter.received_from {
            add("received_on >=", Value::Text(d.clone()));
        }
        if let Some(d) = &filter.received_to {
            add("received_on <=", Value::Text(d.clone()));
        }
        if let Some(st) = &filter.status {
            add("status =", Value::Text(st.clone()));
        }
        if let Some(u) = filter.uploaded_by {
            add("uploaded_by =", Value::Int(u));
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", values.len() + 2));
        let mut q = sqlx::query_as(&sql).bind(before_id.unwrap_or(i64::MAX));
        for v in values {
            q = match v {
                Value::Int(i) => q.bind(i),
                Value::Text(t) => q.bind(t),
            };
        }
        Ok(q.bind(limit.clamp(1, 500)).fetch_all(self.pool()).await?)
    }
}

impl Store {
    /// Records that `viewer` downloaded or looked at a document's content.
    pub async fn audit_document_content(
        &self,
        viewer: &Viewer,
        doc: &Document,
        what: &str,
    ) -> Result<()> {
        self.audit(
            &viewer.actor,
            Event::new(what, "document", doc.id, Some(doc.office_id)),
        )
        .await?;
        Ok(())
    }

    /// Records that original evidence was returned to its owner or retained, with a note.
    pub async fn record_custody(
        &self,
        viewer: &Viewer,
        doc_id: i64,
        action: &str,
        note: &str,
    ) -> Result<Document> {
        if !matches!(action, "returned" | "retained") {
            return Err(StoreError::Invalid(
                "custody action must be returned or retained".into(),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 500 || note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(StoreError::Invalid(
                "the note is at most 500 characters".into(),
            ));
        }
        if !viewer.role.may_write_business_data() {
            return Err(StoreError::Forbidden(
                "your role cannot record custody".into(),
            ));
        }
        let doc = self.document_unscoped(doc_id).await?;
        self.check_scope(viewer, doc.office_id, "document", &doc_id.to_string())
            .await?;
        if !doc.original_evidence {
            return Err(StoreError::Invalid(
                "this document is not original evidence".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE documents SET custody = $1 WHERE id = $2")
            .bind(action)
            .bind(doc_id)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query(
            "INSERT INTO custody_events (document_id, action, note, actor_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(doc_id)
        .bind(action)
        .bind(note)
        .bind(viewer.actor.user_id)
        .bind(&viewer.actor.label)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("document.custody", "document", doc_id, Some(doc.office_id))
                .detail(serde_json::json!({ "action": action, "note": note })),
        )
        .await?;
        self.document_unscoped(doc_id).await
    }

    pub async fn custody_events(&self, doc_id: i64) -> Result<Vec<CustodyEvent>> {
        self.rows_by(
            "SELECT action, note, actor, at FROM custody_events WHERE document_id = $1 ORDER BY id",
            doc_id,
        )
        .await
    }

    /// Received and uploaded dates of an office's documents received or uploaded in
    /// `[from, to]` (ISO dates), for the paper log.
    pub async fn paper_rows(&self, office: &Office, from: &str, to: &str) -> Result<Vec<PaperRow>> {
        Ok(sqlx::query_as(
            "SELECT received_on, uploaded_on, status, original_evidence FROM documents WHERE office_id = $1 \
             AND ((received_on >= $2 AND received_on <= $3) OR (uploaded_on >= $2 AND uploaded_on <= $3))",
        )
        .bind(office.id)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }

    /// Original evidence of an office still held (not yet returned or retained).
    pub async fn evidence_held(&self, office: &Office) -> Result<Vec<Document>> {
        let sql = format!(
            "SELECT {DOC_COLUMNS} FROM documents WHERE office_id = $1 AND original_evidence = 1 \
             AND custody = 'held' ORDER BY return_by, id"
        );
        self.rows_by(&sql, office.id).await
    }

    /// Closure days (nationwide and the office's own), as ISO dates.
    pub async fn closure_days(&self, office_id: i64) -> Result<Vec<String>> {
        self.values_by(
            "SELECT day FROM closures WHERE office_id IS NULL OR office_id = $1 ORDER BY day",
            office_id,
        )
        .await
    }

    /// Adds a closure day (an office's, or nationwide when `office_id` is None).
    pub async fn add_closure(
        &self,
        actor: &Actor,
        office_id: Option<i64>,
        day: time::Date,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "give a reason of at most 200 characters".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "INSERT INTO closures (office_id, day, reason, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(office_id)
        .bind(day.to_string())
        .bind(reason)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            actor,
            Event::new("closure.create", "closure", day, office_id)
                .detail(serde_json::json!({ "reason": reason })),
        )
        .await
    }

    // --- resumable uploads ------------------------------------------------------------------

    pub async fn create_upload(&self, up: &Upload) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO uploads (id, office_id, user_id, length, filename, received_on, original_evidence, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&up.id)
            .bind(up.office_id)
            .bind(up.user_id)
            .bind(up.length)
            .bind(&up.filename)
            .bind(&up.received_on)
            .bind(i64::from(up.original_evidence))
            .bind(up.created_at)
            .bind(up.expires_at),
        )
        .await
    }

    pub async fn upload(&self, id: &str) -> Result<Upload> {
        let row: Upload = sqlx::query_as("SELECT * FROM uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row)
    }

    pub async fn touch_upload(&self, id: &str, expires_at: i64) -> Result<()> {
        self.write_one(
            sqlx::query("UPDATE uploads SET expires_at = $1 WHERE id = $2")
                .bind(expires_at)
                .bind(id),
        )
        .await
    }

    pub async fn complete_upload(&self, id: &str, document_id: i64) -> Result<()> {
        self.write_one(
            sqlx::query("UPDATE uploads SET document_id = $1 WHERE id = $2")
                .bind(document_id)
                .bind(id),
        )
        .await
    }

    pub async fn delete_upload(&self, id: &str) -> Result<()> {
        self.write_one(sqlx::query("DELETE FROM uploads WHERE id = $1").bind(id))
            .await
    }

    /// Ids of uploads past their expiry (their partial files are to be removed).
    pub async fn expired_uploads(&self) -> Result<Vec<String>> {
        self.values_by("SELECT id FROM uploads WHERE expires_at < $1", now_ms())
            .await
    }

    // --- page images and integrity -------------------------------------------------------

    /// Records a page image (its blob already durable).
    pub async fn add_page_image(
        &self,
        doc_id: i64,
        page: i64,
        kind: &str,
        blob_hash: &str,
        size: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING")
            .bind(blob_hash)
            .bind(size)
            .bind(now_ms())
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query(
            "INSERT INTO page_images (document_id, page, kind, blob_hash) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (document_id, page, kind) DO UPDATE SET blob_hash = excluded.blob_hash",
        )
        .bind(doc_id)
        .bind(page)
        .bind(kind)
        .bind(blob_hash)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    pub async fn set_previews(&self, doc_id: i64, state: &str) -> Result<()> {
        self.set_document_state(doc_id, "previews", state).await
    }

    /// Sets one of a document's background-work states (`previews`, `text_status`,
    /// `profile_status`).
    pub(crate) async fn set_document_state(
        &self,
        doc_id: i64,
        column: &'static str,
        state: &str,
    ) -> Result<()> {
        self.write_one(
            sqlx::query(&format!("UPDATE documents SET {column} = $1 WHERE id = $2"))
                .bind(state)
                .bind(doc_id),
        )
        .await
    }

    /// `(page, kind, blob_hash)` of a document's page images.
    pub async fn page_images(&self, doc_id: i64) -> Result<Vec<(i64, String, String)>> {
        self.rows_by(
            "SELECT page, kind, blob_hash FROM page_images WHERE document_id = $1 ORDER BY page, kind",
            doc_id,
        )
        .await
    }

    /// Every blob a row refers to: `(hash, what refers to it)`.
    pub async fn referenced_blobs(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT blob_hash, 'document ' || CAST(id AS TEXT) FROM documents \
             UNION ALL SELECT blob_hash, 'page image of document ' || CAST(document_id AS TEXT) FROM page_images",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// The stored text of one page (SSNs already masked).
#[derive(Debug, Clone, Serialize)]
pub struct PageText {
    pub page: i64,
    /// `text_layer` (the PDF's own text) or `ocr`.
    pub source: String,
    /// `ok`, `timed_out` or `unreadable`.
    pub status: String,
    /// Degrees the page was turned before reading.
    pub rotation: i64,
    pub text: String,
    /// JSON: `[[word, confidence, left, top, width, height], ...]`.
    pub words: String,
    /// Pixel size of the image the word boxes refer to (0 for a text layer).
    pub width: i64,
    pub height: i64,
}

impl Store {
    /// Stores a page's text. The caller has masked SSNs; this checks that nothing SSN-shaped
    /// is left, so a full number can never reach the table.
    pub async fn save_page_text(&self, doc_id: i64, t: &PageText) -> Result<()> {
        let text = worktrack_domain::mask_in_text(&t.text);
        let words = worktrack_domain::mask_in_text(&t.words);
        self.write_one(
sqlx::query(
            "INSERT INTO page_texts (document_id, page, source, status, rotation, text, words, width, height, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (document_id, page) DO UPDATE SET \
             source = excluded.source, status = excluded.status, rotation = excluded.rotation, \
             text = excluded.text, words = excluded.words, width = excluded.width, height = excluded.height, \
             read_at = excluded.read_at",
        )
        .bind(doc_id)
        .bind(t.page)
        .bind(&t.source)
        .bind(&t.status)
        .bind(t.rotation)
        .bind(text)
        .bind(words)
        .bind(t.width)
        .bind(t.height)
        .bind(now_ms()),
)
.await
    }

    /// The reading queue as people of `offices` see it: their pages waiting to be read, all
    /// offices' pages waiting, and the pages read in the last [`RATE_WINDOW_MS`]. A waiting document's
    /// pages are its page count (at most the pages a reading takes) less those already read.
    ///
    /// [`RATE_WINDOW_MS`]: worktrack_domain::reading::RATE_WINDOW_MS
    pub async fn reading_progress(
        &self,
        offices: &[i64],
    ) -> Result<worktrack_domain::reading::Progress> {
        use worktrack_domain::reading::{progress, RecentReading, RATE_WINDOW_MS};
        let rows = sqlx::query(
            "SELECT office_id, CAST(SUM(waiting) AS BIGINT) AS waiting FROM ( \
               SELECT d.office_id, \
                      (CASE WHEN d.pages IS NULL OR d.pages < 1 THEN 1 WHEN d.pages > $1 THEN $1 ELSE d.pages END) \
                      - (SELECT COUNT(*) FROM page_texts t WHERE t.document_id = d.id) AS waiting \
               FROM documents d WHERE d.text_status = 'pending') w \
             GROUP BY office_id",
        )
        .bind(MAX_TEXT_PAGES)
        .fetch_all(self.pool())
        .await?;
        let (mut office, mut all) = (0i64, 0i64);
        for r in &rows {
            let waiting: i64 = r.try_get::<Option<i64>, _>("waiting")?.unwrap_or(0).max(0);
            all += waiting;
            if offices.contains(&r.try_get::<i64, _>("office_id")?) {
                office += waiting;
            }
        }
        let now = now_ms();
        let recent = sqlx::query(
            "SELECT COUNT(*) AS pages, MIN(read_at) AS first_at FROM page_texts WHERE read_at >= $1",
        )
        .bind(now - RATE_WINDOW_MS)
        .fetch_one(self.pool())
        .await?;
        let recent = RecentReading {
            pages: recent.try_get("pages")?,
            first_at_ms: recent.try_get("first_at")?,
        };
        Ok(progress(office, all, recent, now))
    }

    pub async fn set_text_status(&self, doc_id: i64, status: &str) -> Result<()> {
        self.set_document_state(doc_id, "text_status", status).await
    }

    pub async fn text_status(&self, doc_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT text_status FROM documents WHERE id = $1")
            .bind(doc_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The stored page texts of a document, in page order.
    pub async fn page_texts(&self, doc_id: i64) -> Result<Vec<PageText>> {
        self.rows_by(
            "SELECT page, source, status, rotation, text, words, width, height FROM page_texts \
             WHERE document_id = $1 ORDER BY page",
            doc_id,
        )
        .await
    }
}
