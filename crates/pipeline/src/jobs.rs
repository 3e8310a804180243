//! Job workers: take jobs from the database queue and run their handlers. A handler's error is
//! recorded on the job, which is retried with backoff and ends in the dead-letter list after
//! its last attempt; a worker that dies mid-job loses its lease and the job runs again.
//!
//! A process runs a [`Pool`]: as many job slots as it has cores, each taking any job (short
//! ones first), plus one quick lane that takes only the short jobs people wait for (profiling,
//! page images), so they never queue behind a long document's reading. Reading text spreads a
//! document's pages over the pool's OCR permits: one Tesseract process per permit, each
//! single-threaded (`OMP_THREAD_LIMIT=1`), so a long document uses every idle core and two
//! documents share them.

use crate::intake::Intake;
use crate::previews::make_previews;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use worktrack_store::{Job, JOB_DEAD};

/// The kinds the quick lane takes: short jobs a person may be waiting for.
pub const QUICK_KINDS: [&str; 2] = ["profile", "page_images"];

/// The number of cores, the default number of job slots.
pub fn default_slots() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
}

/// The job slots of one process and the OCR permits they share.
#[derive(Clone)]
pub struct Pool {
    slots: usize,
    ocr: Arc<Semaphore>,
    /// What is being read now (for tests and the log).
    pub reading: Arc<ReadingGauge>,
}

impl Pool {
    /// `slots` job slots (at least one) and as many OCR permits.
    pub fn new(slots: usize) -> Pool {
        let slots = slots.max(1);
        Pool {
            slots,
            ocr: Arc::new(Semaphore::new(slots)),
            reading: Arc::new(ReadingGauge::default()),
        }
    }

    pub fn slots(&self) -> usize {
        self.slots
    }
}

/// Pages being read now, by document, and the most documents ever read at the same time;
/// and where the pool's time went (for the benchmark).
#[derive(Default)]
pub struct ReadingGauge {
    pages: Mutex<HashMap<i64, usize>>,
    peak_documents: AtomicUsize,
    peak_pages: AtomicUsize,
    spent: Mutex<Spent>,
}

/// Time summed over every slot: pages' steps, and whole jobs by kind.
#[derive(Debug, Clone, Default)]
pub struct Spent {
    pub steps: crate::text::StepTimes,
    /// Pages whose first reading was poor, so orientation was detected.
    pub pages_turned_or_checked: usize,
    pub pages_read: usize,
    pub jobs: std::collections::BTreeMap<String, Duration>,
}

impl ReadingGauge {
    fn start(&self, document: i64) {
        if let Ok(mut pages) = self.pages.lock() {
            *pages.entry(document).or_default() += 1;
            self.peak_documents
                .fetch_max(pages.len(), Ordering::Relaxed);
            self.peak_pages
                .fetch_max(pages.values().sum(), Ordering::Relaxed);
        }
    }

    fn end(&self, document: i64) {
        if let Ok(mut pages) = self.pages.lock() {
            if let Some(n) = pages.get_mut(&document) {
                *n -= 1;
                if *n == 0 {
                    pages.remove(&document);
                }
            }
        }
    }

    /// The most documents that had a page being read (an OCR process alive) at one time.
    pub fn peak_documents(&self) -> usize {
        self.peak_documents.load(Ordering::Relaxed)
    }

    /// The most pages read at one time.
    pub fn peak_pages(&self) -> usize {
        self.peak_pages.load(Ordering::Relaxed)
    }

    /// Time spent so far, summed over slots.
    pub fn spent(&self) -> Spent {
        self.spent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn add_page(&self, times: crate::text::StepTimes) {
        if let Ok(mut s) = self.spent.lock() {
            s.steps += times;
            s.pages_read += 1;
            if !times.orientation.is_zero() {
                s.pages_turned_or_checked += 1;
            }
        }
    }

    fn add_job(&self, kind: &str, took: Duration) {
        if let Ok(mut s) = self.spent.lock() {
            *s.jobs.entry(kind.to_string()).or_default() += took;
        }
    }
}

/// How long a claimed job is reserved for its worker.
pub const LEASE_MS: i64 = 10 * 60 * 1000;

/// Runs one job; `Ok` completes it.
async fn handle(intake: &Intake, pool: &Pool, job: &Job) -> Result<(), String> {
    let store = &intake.store;
    match job.kind.as_str() {
        "page_images" => {
            let doc = job_document(intake, job).await?;
            let id = doc.id;
            // Usually made by the reading already (see `previews`); then this does nothing.
            let n = make_previews(intake, &doc).await?;
            store
                .set_previews(id, "done")
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(document = id, pages = n, "page images made");
            Ok(())
        }
        "text" => {
            let doc = job_document(intake, job).await?;
            let id = doc.id;
            let status = read_text(intake, pool, &doc).await?;
            store
                .set_text_status(id, status)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        "profile" => {
            let id = document_id(job)?;
            let status = crate::profiling::profile_document(intake, id).await?;
            tracing::info!(document = id, status, "profiled");
            Ok(())
        }
        other => Err(format!("unknown job kind {other:?}")),
    }
}

/// The id of the document a job concerns (every kind there is concerns one).
fn document_id(job: &Job) -> Result<i64, String> {
    job.payload["document_id"]
        .as_i64()
        .ok_or_else(|| format!("{} job without a document_id", job.kind))
}

/// The document a job concerns.
async fn job_document(intake: &Intake, job: &Job) -> Result<worktrack_store::Document, String> {
    let id = document_id(job)?;
    intake
        .store
        .document_unscoped(id)
        .await
        .map_err(|e| e.to_string())
}

pub use worktrack_store::MAX_TEXT_PAGES;

/// Reads and stores the text of every page, then extracts the document's fields from the
/// unmasked text (which is never stored) and queues its profiling; returns the text status.
async fn read_text(
    intake: &Intake,
    pool: &Pool,
    doc: &worktrack_store::Document,
) -> Result<&'static str, String> {
    let Some(kind) = crate::sniff::FileKind::from_media_type(&doc.media_type) else {
        return Ok("none");
    };
    let (dir, plain) = intake.decrypted_copy(doc, "text-").await?;
    let pages = doc.pages.unwrap_or(1).clamp(1, MAX_TEXT_PAGES);
    let mut incomplete = doc.pages.unwrap_or(1) > MAX_TEXT_PAGES;
    // Pages are read as OCR permits come free (in page order, each with its own scratch
    // names), and stored as they come back. The same decoding makes the page images, unless
    // the fallback job has already made them.
    let make_shown = doc.previews != "done";
    let (plain, work) = (&plain, dir.path());
    let mut reads = futures_util::stream::iter(1..=pages)
        .map(|page| async move {
            let files = make_shown
                .then(|| crate::previews::ShownFiles::for_page(work, page))
                .flatten();
            let shown = files.as_ref().map(|f| f.shown()).unwrap_or_default();
            let _permit = pool.ocr.acquire().await.map_err(|e| e.to_string())?;
            pool.reading.start(doc.id);
            let t = crate::text::page_text(plain, kind, page as u32, work, shown).await;
            pool.reading.end(doc.id);
            pool.reading.add_page(t.times);
            Ok::<_, String>((page, t, files))
        })
        .buffered(pool.slots);
    let mut read = Vec::with_capacity(pages as usize);
    let mut all_shown = make_shown;
    while let Some(next) = reads.next().await {
        let (page, t, files) = next?;
        incomplete |= t.status != "ok";
        if let Some(files) = files.filter(|_| t.shown) {
            let started = std::time::Instant::now();
            files.store(intake, doc, page).await?;
            pool.reading.add_job("page_images", started.elapsed());
        } else if page <= crate::previews::MAX_PREVIEW_PAGES {
            all_shown = false;
        }
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
    drop(reads);
    if all_shown {
        // Every page image is stored: the fallback job finds nothing left to do.
        intake
            .store
            .set_previews(doc.id, "done")
            .await
            .map_err(|e| e.to_string())?;
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
    if let Ok(id) = document_id(job) {
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

/// Takes and runs one due job of `lane` (any kind when `None`); returns whether there was one.
pub async fn run_one(
    intake: &Intake,
    pool: &Pool,
    worker: &str,
    lane: Option<&[&str]>,
) -> Result<bool, String> {
    let Some(job) = intake
        .store
        .claim_job_of(worker, LEASE_MS, lane)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let outcome = handle(intake, pool, &job).await;
    pool.reading.add_job(&job.kind, started.elapsed());
    match outcome {
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

/// One slot: works until `stop` turns true; sleeps when its lane is empty and wakes when a
/// document arrives (or every few seconds, for retries that come due and jobs of other
/// servers).
async fn run_slot(
    intake: Intake,
    pool: Pool,
    worker: String,
    lane: Option<&'static [&'static str]>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        let worked = match run_one(&intake, &pool, &worker, lane).await {
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

/// Runs the pool's slots and its quick lane until `stop` turns true. Workers are named
/// `worker-1`, `worker-2` … and `worker-quick` for the job rows' `locked_by`.
pub async fn run_worker(
    intake: Intake,
    pool: Pool,
    worker: String,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut slots = tokio::task::JoinSet::new();
    for n in 1..=pool.slots {
        slots.spawn(run_slot(
            intake.clone(),
            pool.clone(),
            format!("{worker}-{n}"),
            None,
            stop.clone(),
        ));
    }
    slots.spawn(run_slot(
        intake.clone(),
        pool.clone(),
        format!("{worker}-quick"),
        Some(&QUICK_KINDS),
        stop,
    ));
    while slots.join_next().await.is_some() {}
}

/// Runs jobs in every slot until none is due (`worker --once`); returns how many ran.
pub async fn run_until_empty(intake: &Intake, pool: &Pool, worker: &str) -> Result<usize, String> {
    let ran = Arc::new(AtomicUsize::new(0));
    let slot = |n: usize| {
        let (intake, pool, ran) = (intake.clone(), pool.clone(), ran.clone());
        let name = format!("{worker}-{n}");
        async move {
            while run_one(&intake, &pool, &name, None).await? {
                ran.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, String>(())
        }
    };
    let results = futures_util::future::join_all((1..=pool.slots).map(slot)).await;
    results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(ran.load(Ordering::Relaxed))
}
