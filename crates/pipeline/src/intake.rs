//! Taking a file in: inspect it, store it encrypted, record the document. Shared by the tus
//! endpoint, the multipart endpoint, the hot folder and the bulk import, so every path applies
//! the same rules.

use crate::inspect::inspect;
use std::path::{Path, PathBuf};
use worktrack_domain::Calendar;
use worktrack_store::{Actor, BlobStore, Document, NewDocument, Office, Source, Store, StoreError};

/// Business days within which original evidence goes back to its owner.
pub const EVIDENCE_RETURN_DAYS: u32 = 3;

/// The storage an intake writes to.
#[derive(Clone)]
pub struct Intake {
    pub store: Store,
    pub blobs: BlobStore,
    /// Scratch space for decrypted copies (page rendering); inside the data directory, so
    /// plaintext never lands on another file system.
    pub work_dir: PathBuf,
    /// Wakes the page-image worker when a document arrives.
    pub new_document: std::sync::Arc<tokio::sync::Notify>,
}

/// A file to take in: its bytes are in `path` (the caller removes that file afterwards).
pub struct Incoming<'a> {
    pub path: &'a Path,
    pub filename: &'a str,
    pub office: &'a Office,
    pub received_on: time::Date,
    pub original_evidence: bool,
    pub source: Source,
    pub source_key: Option<String>,
}

#[derive(Debug)]
pub struct Outcome {
    pub document: Document,
    /// False when the `source_key` was already on file (a re-run of an import).
    pub created: bool,
}

impl Outcome {
    /// One sentence for the person who sent the file.
    pub fn note(&self) -> String {
        let d = &self.document;
        match d.status.as_str() {
            "duplicate" => format!(
                "This file was already uploaded to this office (document {}); it is recorded as a duplicate.",
                d.duplicate_of.unwrap_or_default()
            ),
            "needs_attention" => d
                .attention_reason
                .clone()
                .unwrap_or_else(|| "This file needs attention.".into()),
            _ => match d.pages {
                Some(1) => "Stored: 1 page.".to_string(),
                Some(n) => format!("Stored: {n} pages."),
                None => "Stored.".to_string(),
            },
        }
    }
}

/// The last path component of a client-supplied name, without control characters, so a name
/// like `../../etc/passwd` or `C:\scans\a.pdf` is kept only as `passwd` / `a.pdf`.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(200)
        .collect();
    if cleaned.is_empty() {
        "unnamed".to_string()
    } else {
        cleaned
    }
}

impl Intake {
    pub fn new(store: Store, blobs: BlobStore, work_dir: PathBuf) -> std::io::Result<Intake> {
        worktrack_store::private::create_dir_all(&work_dir)?;
        Ok(Intake {
            store,
            blobs,
            work_dir,
            new_document: std::sync::Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// A decrypted copy of a document in a scratch directory of its own (`prefix-…` under
    /// `work_dir`), removed with the returned handle; the path is the copy.
    pub async fn decrypted_copy(
        &self,
        doc: &Document,
        prefix: &str,
    ) -> Result<(tempfile::TempDir, PathBuf), String> {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(&self.work_dir)
            .map_err(|e| e.to_string())?;
        let plain = dir.path().join("document");
        self.blobs
            .read_to_file(&doc.blob_hash, plain.clone())
            .await
            .map_err(|e| e.to_string())?;
        Ok((dir, plain))
    }

    /// The office's working calendar (holidays, DC-area rule, closure days).
    pub async fn calendar(&self, office: &Office) -> Result<Calendar, StoreError> {
        self.store.office_calendar(office).await
    }

    /// The office-local date now.
    pub fn today(office: &Office) -> time::Date {
        worktrack_domain::TimeZone::parse(&office.time_zone)
            .map(|tz| tz.local_date(worktrack_store::now_ms()))
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc().date())
    }

    /// Inspects, stores and records one file.
    pub async fn take_in(&self, actor: &Actor, inc: Incoming<'_>) -> Result<Outcome, StoreError> {
        if let Some(key) = &inc.source_key {
            if let Some(existing) = self.store.document_by_source_key(key).await? {
                return Ok(Outcome {
                    document: existing,
                    created: false,
                });
            }
        }
        let filename = clean_filename(inc.filename);
        let facts = inspect(inc.path, &filename).await;
        let blob = self.blobs.put_file(PathBuf::from(inc.path)).await?;
        let return_by = if inc.original_evidence {
            Some(
                self.calendar(inc.office)
                    .await?
                    .add_business_days(inc.received_on, EVIDENCE_RETURN_DAYS),
            )
        } else {
            None
        };
        let new = NewDocument {
            office_id: inc.office.id,
            blob_hash: blob.hash,
            size: blob.size as i64,
            filename,
            media_type: facts.media_type.clone(),
            pages: facts.pages.map(i64::from),
            attention: facts.attention.map(|a| (a.code.to_string(), a.reason)),
            received_on: inc.received_on,
            uploaded_on: Intake::today(inc.office),
            source: inc.source,
            source_key: inc.source_key,
            original_evidence: inc.original_evidence,
            return_by,
        };
        let (document, created) = self.store.record_document(actor, &new).await?;
        if created && document.previews == "pending" {
            self.new_document.notify_one();
        }
        Ok(Outcome { document, created })
    }
}

#[cfg(test)]
mod tests {
    use super::clean_filename;

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\scans\\a.pdf"), "a.pdf");
        assert_eq!(clean_filename("..\\..\\x"), "x");
        assert_eq!(clean_filename("...hidden"), "hidden");
        assert_eq!(clean_filename("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_filename(""), "unnamed");
        assert_eq!(clean_filename("dir/"), "unnamed");
        assert_eq!(clean_filename("Pay stub März.pdf"), "Pay stub März.pdf");
    }
}
