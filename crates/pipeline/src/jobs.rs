//! Job workers: take jobs from the database queue and run their handlers. A handler's error is
//! recorded on the job, which is retried with backoff and ends in the dead-letter list after
//! its last attempt; a worker that dies mid-job loses its lease and the job runs again.

use crate::intake::Intake;
use crate::previews::make_previews;
use std::time::Duration;
use worktrack_store::{Job, JOB_DEAD};

/// How long a claimed job is reserved for its worker.
pub const LEASE_MS: i64 = 10 * 60 * 1000;

/// Runs one job; `Ok` completes it.
async fn handle(intake: &Intake, job: &Job) -> Result<(), String> {
    match job.kind.as_str() {
        "page_images" => {
            let id = job.payload["document_id"]
                .as_i64()
                .ok_or("page_images job without a document_id")?;
            let doc = intake
                .store
                .document_unscoped(id)
                .await
                .map_err(|e| e.to_string())?;
            let n = make_previews(intake, &doc).await?;
            intake
                .store
                .set_previews(id, "done")
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(document = id, pages = n, "page images made");
            Ok(())
        }
        "text" => {
            let id = job.payload["document_id"]
                .as_i64()
                .ok_or("text job without a document_id")?;
            let doc = intake
                .store
                .document_unscoped(id)
                .await
                .map_err(|e| e.to_string())?;
            let status = read_text(intake, &doc).await?;
            intake
                .store
                .set_text_status(id, status)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        "profile" => {
            let id = job.payload["document_id"]
                .as_i64()
                .ok_or("profile job without a document_id")?;
            let status = crate::profiling::profile_document(intake, id).await?;
            tracing::info!(document = id, status, "profiled");
            Ok(())
        }
        other => Err(format!("unknown job kind {other:?}")),
    }
}

/// Pages read per document at most; the rest of a very long document is left unread (and the
/// document says so) rather than holding the queue for hours.
pub const MAX_TEXT_PAGES: i64 = 500;

/// Reads and stores the text of every page, then extracts the document's fields from the
/// unmasked text (which is never stored) and queues its profiling; returns the text status.
async fn read_text(
    intake: &Intake,
    doc: &worktrack_store::Document,
) -> Result<&'static str, String> {
    let Some(kind) = crate::sniff::FileKind::from_media_type(&doc.media_type) else {
        return Ok("none");
    };
    let (dir, plain) = intake.decrypted_copy(doc, "text-").await?;
    let pages = doc.pages.unwrap_or(1).clamp(1, MAX_TEXT_PAGES);
    let mut incomplete = doc.pages.unwrap_or(1) > MAX_TEXT_PAGES;
    let mut read = Vec::with_capacity(pages as usize);
    for page in 1..=pages {
        let t = crate::text::page_text(&plain, kind, page as u32, dir.path()).await;
        incomplete |= t.status != "ok";
        let stored = worktrack_store::PageText {
            page,
            source: t.source.to_string(),
            status: t.status.to_string(),
            rotation: i64::from(t.rotation),
            words: t.words_json(),
            width: i64::from(t.width),
            height: i64::from(t.height),
            text: worktrack_domain::mask_in_text(&t.text),
        };
        intake
            .store
            .save_page_text(doc.id, &stored)
            .await
            .map_err(|e| e.to_string())?;
        read.push(t);
    }
    let office = intake
        .store
        .office_by_id(doc.office_id)
        .await
        .map_err(|e| e.to_string())?;
    let mut extraction =
        crate::profiling::extract_pages(&read, worktrack_store::ssn_policy(&office));
    // A training office holds only never-issued numbers; anything else on its paper is not
    // taken as a claimant's SSN.
    if office.training {
        extraction.ssns.retain(|s| s.ssn.is_training_number());
    }
    let mut attention = crate::profiling::attention(&extraction, &read);
    if attention.is_none() && doc.pages.unwrap_or(1) > MAX_TEXT_PAGES {
        attention = Some(format!(
            "Only the first {MAX_TEXT_PAGES} pages were read: check the rest of this long document."
        ));
    }
    intake
        .store
        .save_extraction(doc.id, &extraction, attention)
        .await
        .map_err(|e| e.to_string())?;
    intake.new_document.notify_one();
    Ok(if incomplete { "partial" } else { "done" })
}

/// What a job that has failed for good leaves behind for people to see.
async fn on_dead(intake: &Intake, job: &Job) {
    if let Some(id) = job.payload["document_id"].as_i64() {
        match job.kind.as_str() {
            "page_images" => {
                let _ = intake.store.set_previews(id, "failed").await;
            }
            "text" => {
                let _ = intake.store.set_text_status(id, "failed").await;
            }
            "profile" => {
                let _ = intake.store.set_profile_status(id, "failed").await;
            }
            _ => {}
        }
    }
}

/// Takes and runs one due job; returns whether there was one.
pub async fn run_one(intake: &Intake, worker: &str) -> Result<bool, String> {
    let Some(job) = intake
        .store
        .claim_job(worker, LEASE_MS)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(false);
    };
    match handle(intake, &job).await {
        Ok(()) => intake
            .store
            .complete_job(job.id)
            .await
            .map_err(|e| e.to_string())?,
        Err(error) => {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed");
            intake
                .store
                .fail_job(&job, &error)
                .await
                .map_err(|e| e.to_string())?;
            if intake
                .store
                .job(job.id)
                .await
                .is_ok_and(|j| j.state == JOB_DEAD)
            {
                on_dead(intake, &job).await;
            }
        }
    }
    Ok(true)
}

/// Works until `stop` turns true; sleeps when the queue is empty and wakes when a document
/// arrives (or every few seconds, for retries that come due and jobs of other servers).
pub async fn run_worker(
    intake: Intake,
    worker: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        let worked = match run_one(&intake, &worker).await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "job queue unavailable");
                false
            }
        };
        if !worked {
            tokio::select! {
                _ = intake.new_document.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                _ = stop.changed() => {}
            }
        }
    }
}
