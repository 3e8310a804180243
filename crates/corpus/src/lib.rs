//! Generated data, kept out of the server's crates (domain, store, pipeline and web do not
//! depend on this one): the labelled corpus below, [`fixtures`] (small test documents and the
//! PDF writer) and [`scale`] (the national-scale database for benchmarks).
//!
//! The labelled corpus: synthetic field-office paper with the truth about every document, for
//! measuring OCR, extraction and the classifier, for tests and for `worktrack demo documents`.
//!
//! [`generate`] writes `count` documents into a directory — born-digital PDFs with a text layer
//! and "scans" (rendered, then skewed, blurred, speckled and sometimes turned, saved as JPEG,
//! PNG, TIFF or image-only PDF) — and `labels.jsonl`, one [`Truth`] per document: its profile
//! code, the values an extractor should find, the text of every page and how it was degraded.
//! Files are named by index only (`doc-0007.pdf`), so nothing can be learnt from a name.
//!
//! Everything a label says is decided from the seed before any file is written, so the same
//! seed gives the same labels and texts whatever the number of jobs. PDFs are written by hand
//! (Debian's ImageMagick policy forbids writing PDF). A scan starts as a second PDF, the paper
//! as the scanner sees it — skewed, turned, toned, faded and dusty — because drawing that is
//! free while ImageMagick 6 takes seconds per operation on a 300-dpi page; `pdftoppm` renders
//! it and `convert` adds blur, sensor noise and the file format, each through
//! [`process::run`](worktrack_pipeline::process::run). Every SSN comes from the never-issued 900–999 area.

pub mod appointment_scale;
pub mod calls;
pub mod fixtures;
pub mod scale;

mod appeals;
mod compose;
mod ctx;
mod disability;
mod finance;
mod income;
mod layout;
mod medical;
mod pdf;
mod people;
mod plan;
mod receipt;
mod records;
mod scan;
mod statements;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use time::Date;
use worktrack_domain::catalogue::default_catalogue;

use worktrack_pipeline::process::{path_arg, run, ProcessError, RunOptions};

/// The name of the label file inside a corpus directory.
pub const LABELS_FILE: &str = "labels.jsonl";

/// The truth about one generated document: one line of `labels.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// File name inside the corpus directory (`doc-0007.pdf`): an index, never the label.
    pub file: String,
    pub profile_code: String,
    pub document_type: String,
    /// The form number as printed (`SSA-561-U2`); `None` for evidence and for forms whose
    /// number was deliberately cropped or that are the claimant's own letter.
    pub form_number: Option<String>,
    /// The claimant's SSN as `912-34-5678`, always from the never-issued 900–999 area; `None`
    /// when no full SSN is printed (receipts, pay stubs that show only the last four…).
    pub ssn: Option<String>,
    /// A second full SSN printed on the document (a spouse, a wage earner, a payee).
    pub second_ssn: Option<String>,
    /// What an extractor should find, only for values that are printed: `claimant_name`
    /// (`First M Last` in normal case, whatever the printed order or case), `date_of_birth`,
    /// `form_number`, `signed_on`, `received_on` (a RECEIVED stamp), `employer`,
    /// `pay_period_start`, `pay_period_end`, `pay_date`, `gross_pay`, `merchant`,
    /// `purchase_date`, `total`. Dates are `YYYY-MM-DD`, money `1234.56`.
    pub fields: BTreeMap<String, String>,
    pub pages: u32,
    pub scanned: bool,
    /// Clockwise rotation, in degrees (0, 90, 180, 270), that makes the pages upright. It
    /// applies to every page of the document.
    pub rotation: u32,
    /// How far the page was turned clockwise on the "scanner" (negative: anticlockwise),
    /// before any [`rotation`](Self::rotation); 0 for born-digital documents.
    pub skew_degrees: f32,
    /// `pdf-text` (born-digital, with a text layer), `pdf-scan` (image-only PDF), `jpeg`,
    /// `png` or `tiff` (one page each).
    pub format: String,
    /// Resolution of the page images of a scanned document; `None` for born-digital ones.
    #[serde(default)]
    pub dpi: Option<u32>,
    /// The true text of each page, line by line as printed (texts on one baseline joined by a
    /// space), for character error rates.
    pub page_texts: Vec<String>,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Number of documents, at least 1.
    pub count: usize,
    pub seed: u64,
    /// Share of documents that are scanned (0 to 1); the rest are born-digital PDFs.
    pub scanned_share: f32,
    /// The corpus directory: created when missing; an earlier corpus in it is replaced.
    pub out: PathBuf,
    /// Documents rendered at the same time, at least 1.
    pub jobs: usize,
}

impl CorpusOptions {
    /// `count` documents into `out`, seed 1, half of them scanned, one job per core.
    pub fn new(count: usize, out: impl Into<PathBuf>) -> Self {
        Self {
            count,
            seed: 1,
            scanned_share: 0.5,
            out: out.into(),
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("a corpus needs at least one document (--count 1 or more)")]
    NoDocuments,
    #[error("the scanned share must be between 0 and 1, not {0}")]
    ScannedShare(f32),
    #[error("at least one job must run (--jobs 1 or more)")]
    NoJobs,
    #[error("{0} is a file, not a directory")]
    OutIsFile(PathBuf),
    #[error(
        "{dir} holds {entry}, which is not part of a generated corpus; \
         choose an empty or new directory"
    )]
    ForeignEntry { dir: PathBuf, entry: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("{} line {line}: {source}", path.display())]
    Label {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("page image {}: {reason}", path.display())]
    PageImage { path: PathBuf, reason: String },
    #[error("a generator task stopped: {0}")]
    Task(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CorpusError + '_ {
    move |source| CorpusError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes the corpus and its `labels.jsonl`; returns the labels, in file order.
pub async fn generate(opts: &CorpusOptions) -> Result<Vec<Truth>, CorpusError> {
    generate_with_progress(opts, |_, _| {}).await
}

/// [`generate`], calling `progress(done, truth)` as each document is finished (in the order
/// they finish).
pub async fn generate_with_progress(
    opts: &CorpusOptions,
    mut progress: impl FnMut(usize, &Truth),
) -> Result<Vec<Truth>, CorpusError> {
    check_options(opts)?;
    prepare_dir(&opts.out)?;
    let plans = plan_corpus(opts);
    let truths: Vec<Truth> = plans.iter().map(|p| p.truth.clone()).collect();

    let semaphore = Arc::new(tokio::sync::Semaphore::new(opts.jobs));
    let out = Arc::new(opts.out.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for plan in plans {
        let semaphore = Arc::clone(&semaphore);
        let out = Arc::clone(&out);
        tasks.spawn(async move {
            let _permit = semaphore
                .acquire_owned()
                .await
                .map_err(|e| CorpusError::Task(e.to_string()))?;
            write_document(&plan, &out).await?;
            Ok::<_, CorpusError>(plan.truth)
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        // Returning drops the set, which aborts the other tasks and kills their programs.
        let truth = joined.map_err(|e| CorpusError::Task(e.to_string()))??;
        done += 1;
        progress(done, &truth);
    }

    let mut jsonl = String::new();
    for (i, truth) in truths.iter().enumerate() {
        let line = serde_json::to_string(truth).map_err(|source| CorpusError::Label {
            path: opts.out.join(LABELS_FILE),
            line: i + 1,
            source,
        })?;
        jsonl.push_str(&line);
        jsonl.push('\n');
    }
    // The label file comes last and whole: its presence means the corpus is complete.
    write_atomically(&opts.out.join(LABELS_FILE), jsonl.as_bytes())?;
    Ok(truths)
}

/// The labels [`generate`] would write for `opts`, without writing anything: they are decided
/// from the seed alone, so a test can choose a seed that gives the documents it needs.
pub fn plan_labels(opts: &CorpusOptions) -> Vec<Truth> {
    plan_corpus(opts).into_iter().map(|p| p.truth).collect()
}

/// Reads `labels.jsonl` of a corpus directory.
pub fn read_labels(dir: &Path) -> Result<Vec<Truth>, CorpusError> {
    let path = dir.join(LABELS_FILE);
    let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|source| CorpusError::Label {
                path: path.clone(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

fn check_options(opts: &CorpusOptions) -> Result<(), CorpusError> {
    if opts.count == 0 {
        return Err(CorpusError::NoDocuments);
    }
    if !(0.0..=1.0).contains(&opts.scanned_share) {
        return Err(CorpusError::ScannedShare(opts.scanned_share));
    }
    if opts.jobs == 0 {
        return Err(CorpusError::NoJobs);
    }
    Ok(())
}

/// Whether `name` is one the generator writes (a document, the labels, their side names).
fn is_corpus_entry(name: &str) -> bool {
    let name = name.strip_suffix(".part").unwrap_or(name);
    if name == LABELS_FILE {
        return true;
    }
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    stem.strip_prefix("doc-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && ["pdf", "jpg", "png", "tif"].contains(&ext)
}

/// Creates the directory, or empties one that holds only an earlier corpus. Anything else in
/// it is refused: regenerating must never delete somebody's files.
fn prepare_dir(dir: &Path) -> Result<(), CorpusError> {
    if dir.is_file() {
        return Err(CorpusError::OutIsFile(dir.to_owned()));
    }
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let mut ours = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(io_error(dir))?.is_file();
        if !is_file || !is_corpus_entry(&name) {
            return Err(CorpusError::ForeignEntry {
                dir: dir.to_owned(),
                entry: name,
            });
        }
        ours.push(entry.path());
    }
    for path in ours {
        std::fs::remove_file(&path).map_err(io_error(&path))?;
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    let mut side = path.as_os_str().to_owned();
    side.push(".part");
    let side = PathBuf::from(side);
    std::fs::write(&side, bytes).map_err(io_error(&side))?;
    std::fs::rename(&side, path).map_err(io_error(path))
}

/// Counts for a corpus, to print after generating one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub pages: u32,
    /// Files and pages per profile code.
    pub by_code: BTreeMap<String, (usize, u32)>,
    pub by_format: BTreeMap<String, usize>,
    pub scanned: usize,
    pub born_digital: usize,
    pub rotated: usize,
    pub without_form_number: usize,
    pub with_second_ssn: usize,
    pub stamped: usize,
}

impl Summary {
    pub fn of(truths: &[Truth]) -> Self {
        let mut s = Summary {
            documents: truths.len(),
            ..Summary::default()
        };
        let catalogue = default_catalogue();
        for t in truths {
            s.pages += t.pages;
            let code = s.by_code.entry(t.profile_code.clone()).or_default();
            code.0 += 1;
            code.1 += t.pages;
            *s.by_format.entry(t.format.clone()).or_default() += 1;
            if t.scanned {
                s.scanned += 1;
            } else {
                s.born_digital += 1;
            }
            s.rotated += usize::from(t.rotation != 0);
            let is_form = catalogue
                .document_type(&t.document_type)
                .is_some_and(|d| !d.form_numbers.is_empty());
            s.without_form_number += usize::from(is_form && t.form_number.is_none());
            s.with_second_ssn += usize::from(t.second_ssn.is_some());
            s.stamped += usize::from(t.fields.contains_key("received_on"));
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<14} {:>6} {:>6}", "profile code", "files", "pages")?;
        for (code, (files, pages)) in &self.by_code {
            writeln!(f, "{code:<14} {files:>6} {pages:>6}")?;
        }
        writeln!(f, "{:<14} {:>6} {:>6}", "total", self.documents, self.pages)?;
        let formats: Vec<String> = self
            .by_format
            .iter()
            .map(|(format, n)| format!("{format} {n}"))
            .collect();
        writeln!(
            f,
            "born-digital {}, scanned {} (rotated {}); formats: {}",
            self.born_digital,
            self.scanned,
            self.rotated,
            formats.join(", ")
        )?;
        writeln!(
            f,
            "forms without a readable number {}, second SSN {}, RECEIVED stamp {}",
            self.without_form_number, self.with_second_ssn, self.stamped
        )
    }
}

use appeals::*;
use compose::*;
use ctx::*;
use disability::*;
use finance::*;
use income::*;
use layout::*;
use medical::*;
use pdf::*;
pub use pdf::{image_pdf, ScannedPage};
use people::*;
use plan::*;
use receipt::*;
use records::*;
use scan::*;
use statements::*;
