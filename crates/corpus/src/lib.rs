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

pub mod fixtures;
pub mod scale;

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

// ---------------------------------------------------------------------------------------------
// Planning: every decision, from the seed, before any file is written.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    PdfText,
    PdfScan,
    Jpeg,
    Png,
    Tiff,
}

impl Format {
    fn label(self) -> &'static str {
        match self {
            Format::PdfText => "pdf-text",
            Format::PdfScan => "pdf-scan",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Tiff => "tiff",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::PdfText | Format::PdfScan => "pdf",
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Tiff => "tif",
        }
    }
}

/// How the pages of a scanned document are degraded.
#[derive(Debug, Clone)]
struct ScanPlan {
    dpi: u32,
    /// Degrees clockwise, as in [`Truth::skew_degrees`].
    skew: f32,
    /// Sigma of ImageMagick's `-blur`, in pixels.
    blur: f32,
    /// ImageMagick's `-attenuate` for Gaussian noise (JPEG pages only).
    noise: f32,
    /// Much dust rather than a little.
    speckle: bool,
    /// Faded ink: black prints as dark grey.
    low_contrast: bool,
    /// Recycled or yellowed paper, grey in the scan.
    grey_paper: bool,
    /// Clockwise turn applied after the skew (0, 90, 180, 270); undone by [`Truth::rotation`].
    turned: u32,
    format: Format,
    jpeg_quality: u32,
    /// A TIFF as a fax makes it: black and white, CCITT Group 4.
    bilevel: bool,
    /// Seeds ImageMagick's noise and the dust, so they too are the same on every run.
    seed: u64,
    pages: u32,
}

struct DocPlan {
    truth: Truth,
    pages: Vec<Page>,
    scan: Option<ScanPlan>,
}

/// One hit at a random place in every block of `period`: a small corpus still gets its share,
/// and the place still cannot be predicted.
struct Quota {
    period: usize,
    /// Place in the current block.
    place: usize,
    hit: usize,
}

impl Quota {
    fn new(period: usize) -> Self {
        Self {
            period,
            place: 0,
            hit: 0,
        }
    }

    fn next(&mut self, rng: &mut StdRng) -> bool {
        if self.place == 0 {
            self.hit = rng.gen_range(0..self.period);
        }
        let hit = self.place == self.hit;
        self.place = (self.place + 1) % self.period;
        hit
    }
}

/// SplitMix64: a document's own seed, so its content does not depend on the others.
fn doc_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn plan_corpus(opts: &CorpusOptions) -> Vec<DocPlan> {
    let catalogue = default_catalogue();
    let mut master = StdRng::seed_from_u64(opts.seed);
    let count = opts.count;
    // Round robin over the profile codes, shuffled per round: every type appears early.
    let mut order = Vec::with_capacity(count + catalogue.profile_codes.len());
    while order.len() < count {
        let mut round: Vec<usize> = (0..catalogue.profile_codes.len()).collect();
        round.shuffle(&mut master);
        order.extend(round);
    }
    order.truncate(count);
    let share = f64::from(opts.scanned_share.clamp(0.0, 1.0));
    let n_scanned = ((count as f64 * share).round() as usize).min(count);
    let mut scanned = vec![false; count];
    for i in rand::seq::index::sample(&mut master, count, n_scanned) {
        scanned[i] = true;
    }
    let mut turn_quota = Quota::new(7);
    let mut crop_quota = Quota::new(8);
    let width = (count.saturating_sub(1)).to_string().len().max(4);

    let mut plans = Vec::with_capacity(count);
    for (index, code_index) in order.into_iter().enumerate() {
        let code = &catalogue.profile_codes[code_index];
        let forms = catalogue
            .document_type(&code.document_type)
            .map(|t| t.form_numbers.clone())
            .unwrap_or_default();
        let no_number = !forms.is_empty() && crop_quota.next(&mut master);
        let turned = scanned[index] && turn_quota.next(&mut master);
        let mut rng = StdRng::seed_from_u64(doc_seed(opts.seed, index));
        let doc = compose(&mut rng, &code.code, &forms, no_number);
        let scan = scanned[index].then(|| scan_plan(&mut rng, doc.pages.len(), turned));
        let format = scan.as_ref().map_or(Format::PdfText, |s| s.format);
        let truth = Truth {
            file: format!("doc-{index:0width$}.{}", format.extension()),
            profile_code: code.code.clone(),
            document_type: code.document_type.clone(),
            form_number: doc.form_number,
            ssn: doc.ssn,
            second_ssn: doc.second_ssn,
            fields: doc.fields,
            pages: doc.pages.len() as u32,
            scanned: scan.is_some(),
            rotation: scan.as_ref().map_or(0, |s| (360 - s.turned) % 360),
            skew_degrees: scan.as_ref().map_or(0.0, |s| s.skew),
            format: format.label().to_owned(),
            dpi: scan.as_ref().map(|s| s.dpi),
            page_texts: doc.pages.iter().map(Page::text).collect(),
        };
        plans.push(DocPlan {
            truth,
            pages: doc.pages,
            scan,
        });
    }
    plans
}

fn scan_plan(rng: &mut StdRng, pages: usize, turned: bool) -> ScanPlan {
    let format = if pages > 1 {
        Format::PdfScan
    } else {
        match rng.gen_range(0..20) {
            0..=5 => Format::Jpeg,
            6..=12 => Format::PdfScan,
            13..=16 => Format::Png,
            _ => Format::Tiff,
        }
    };
    let magnitude: f32 = rng.gen_range(0.3..3.0);
    let sign = if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
    ScanPlan {
        dpi: if rng.gen_bool(0.6) { 200 } else { 300 },
        skew: (sign * magnitude * 10.0).round() / 10.0,
        blur: (rng.gen_range(0.3f32..0.9) * 20.0).round() / 20.0,
        noise: (rng.gen_range(0.2f32..0.6) * 20.0).round() / 20.0,
        speckle: rng.gen_bool(0.4),
        low_contrast: rng.gen_bool(0.25),
        grey_paper: rng.gen_bool(0.2),
        turned: if turned {
            [90, 180, 270][rng.gen_range(0..3)]
        } else {
            0
        },
        format,
        jpeg_quality: rng.gen_range(60..=85),
        bilevel: format == Format::Tiff && rng.gen_bool(0.5),
        seed: u64::from(rng.gen::<u32>()),
        pages: pages as u32,
    }
}

// ---------------------------------------------------------------------------------------------
// Pages: text and drawings positioned from the top-left corner, in points.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Helvetica,
    HelveticaBold,
    Times,
    TimesBold,
    TimesItalic,
    Courier,
    CourierBold,
}

impl Font {
    const ALL: [Font; 7] = [
        Font::Helvetica,
        Font::HelveticaBold,
        Font::Times,
        Font::TimesBold,
        Font::TimesItalic,
        Font::Courier,
        Font::CourierBold,
    ];

    fn base_name(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
            Font::Times => "Times-Roman",
            Font::TimesBold => "Times-Bold",
            Font::TimesItalic => "Times-Italic",
            Font::Courier => "Courier",
            Font::CourierBold => "Courier-Bold",
        }
    }

    fn resource(self) -> usize {
        Font::ALL.iter().position(|f| *f == self).unwrap_or(0) + 1
    }

    fn bold(self) -> Font {
        match self {
            Font::Helvetica | Font::HelveticaBold => Font::HelveticaBold,
            Font::Times | Font::TimesBold | Font::TimesItalic => Font::TimesBold,
            Font::Courier | Font::CourierBold => Font::CourierBold,
        }
    }

    /// Width of `text` at `size`: Helvetica's metrics scaled for the other faces, close
    /// enough to wrap lines and right-align columns.
    fn width(self, text: &str, size: f32) -> f32 {
        let factor = match self {
            Font::Courier | Font::CourierBold => {
                return text.chars().count() as f32 * 0.6 * size;
            }
            Font::Helvetica => 1.0,
            Font::HelveticaBold => 1.07,
            Font::Times | Font::TimesItalic => 0.9,
            Font::TimesBold => 0.97,
        };
        let units: u32 = text
            .bytes()
            .map(|b| match b {
                32..=126 => u32::from(HELVETICA[usize::from(b - 32)]),
                _ => 556,
            })
            .sum();
        units as f32 / 1000.0 * size * factor
    }
}

/// Helvetica's advance widths (1/1000 em) for ASCII 32–126, from its AFM file.
const HELVETICA: [u16; 95] = [
    // space to /
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    // 0 to ?
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    // @ to O
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    // P to _
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    // ` to o
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    // p to ~
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ink {
    Black,
    /// A rubber stamp's red.
    Red,
}

#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Text {
        x: f32,
        /// Baseline, from the top of the page.
        baseline: f32,
        font: Font,
        size: f32,
        ink: Ink,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Frame {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        width: f32,
        ink: Ink,
    },
    Fill {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// A ticked checkbox: the cross is drawn, so it is not part of the page's text.
    Cross { x: f32, top: f32, side: f32 },
}

#[derive(Debug, Clone, PartialEq)]
struct Page {
    width: f32,
    height: f32,
    marks: Vec<Mark>,
}

impl Page {
    fn new(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            marks: Vec::new(),
        }
    }

    /// The page's text, top to bottom, and left to right on one baseline.
    fn text(&self) -> String {
        let mut texts: Vec<(i64, f32, &str)> = self
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text {
                    x, baseline, text, ..
                } if !text.trim().is_empty() => {
                    Some(((baseline * 10.0).round() as i64, *x, text.trim()))
                }
                _ => None,
            })
            .collect();
        texts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut lines: Vec<(i64, String)> = Vec::new();
        for (baseline, _, text) in texts {
            match lines.last_mut() {
                Some((b, line)) if *b == baseline => {
                    line.push(' ');
                    line.push_str(text);
                }
                _ => lines.push((baseline, text.to_owned())),
            }
        }
        lines
            .into_iter()
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The page as a PDF content stream.
    /// `black` is the grey level of black ink (0 is black), for a faded scan.
    fn content(&self, black: f32) -> String {
        let mut s = String::new();
        let h = self.height;
        let _ = writeln!(s, "{black:.2} g {black:.2} G");
        for mark in &self.marks {
            // Writing to a String cannot fail.
            let _ = match mark {
                Mark::Text {
                    x,
                    baseline,
                    font,
                    size,
                    ink,
                    text,
                } => {
                    if *ink == Ink::Red {
                        s.push_str("0.75 0.1 0.1 rg\n");
                    }
                    let r = writeln!(
                        s,
                        "BT /F{} {size:.1} Tf {x:.2} {:.2} Td ({}) Tj ET",
                        font.resource(),
                        h - baseline,
                        pdf_string(text)
                    );
                    if *ink == Ink::Red {
                        let _ = writeln!(s, "{black:.2} g");
                    }
                    r
                }
                Mark::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => writeln!(
                    s,
                    "{width:.2} w {x1:.2} {:.2} m {x2:.2} {:.2} l S",
                    h - y1,
                    h - y2
                ),
                Mark::Frame {
                    x,
                    top,
                    w,
                    h: fh,
                    width,
                    ink,
                } => {
                    let colour = if *ink == Ink::Red {
                        "0.75 0.1 0.1 RG "
                    } else {
                        ""
                    };
                    let reset = if *ink == Ink::Red {
                        format!(" {black:.2} G")
                    } else {
                        String::new()
                    };
                    writeln!(
                        s,
                        "{colour}{width:.2} w {x:.2} {:.2} {w:.2} {fh:.2} re S{reset}",
                        h - top - fh
                    )
                }
                Mark::Fill {
                    x,
                    top,
                    w,
                    h: fh,
                    grey,
                } => writeln!(
                    s,
                    "{:.2} g {x:.2} {:.2} {w:.2} {fh:.2} re f {black:.2} g",
                    grey.max(black),
                    h - top - fh
                ),
                Mark::Cross { x, top, side } => {
                    let (x0, y0) = (x + side * 0.2, h - top - side * 0.8);
                    let (x1, y1) = (x + side * 0.8, h - top - side * 0.2);
                    writeln!(
                        s,
                        "1.2 w {x0:.2} {y0:.2} m {x1:.2} {y1:.2} l S {x0:.2} {y1:.2} m {x1:.2} {y0:.2} l S"
                    )
                }
            };
        }
        s
    }
}

/// A PDF literal string: ASCII only, with `(`, `)` and `\` escaped.
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// A PDF from its objects (object `n` is `objects[n - 1]`, the catalog is object 1), with a
/// correct cross-reference table.
fn assemble_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    // Each entry is exactly 20 bytes, line end included.
    let mut table = format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1);
    for offset in offsets {
        let _ = write!(table, "{offset:010} 00000 n\r\n");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

fn stream_object(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

fn pages_object(first_page: usize, per_page: usize, n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n)
        .map(|i| format!("{} 0 R", first_page + per_page * i))
        .collect();
    format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).into_bytes()
}

/// A born-digital PDF: the pages' text in base-14 fonts, with a text layer. With a scan plan
/// it is the paper that goes into the "scanner": skewed, turned, toned and dusty.
fn text_pdf(pages: &[Page], scan: Option<&ScanPlan>) -> Vec<u8> {
    let first_font = 3;
    let first_page = first_font + Font::ALL.len();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        pages_object(first_page, 2, pages.len()),
    ];
    for font in Font::ALL {
        // WinAnsi, so that ' and ` are the ASCII characters and not curly quotes.
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>",
                font.base_name()
            )
            .into_bytes(),
        );
    }
    let fonts: Vec<String> = Font::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| format!("/F{} {} 0 R", f.resource(), first_font + i))
        .collect();
    for (i, page) in pages.iter().enumerate() {
        let content = first_page + 2 * i + 1;
        let rotate = scan.map_or(0, |s| s.turned);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Rotate {rotate} \
                 /Resources << /Font << {} >> >> /Contents {content} 0 R >>",
                page.width,
                page.height,
                fonts.join(" ")
            )
            .into_bytes(),
        );
        let stream = match scan {
            None => page.content(0.0),
            Some(scan) => scanned_content(page, scan, i),
        };
        objects.push(stream_object("", stream.as_bytes()));
    }
    assemble_pdf(&objects)
}

/// The page as the scanner sees it: the paper (toned, faded ink, dust) turned by the skew
/// around its centre. The corners it uncovers stay white, like a scanner's lid.
fn scanned_content(page: &Page, scan: &ScanPlan, index: usize) -> String {
    let (w, h) = (page.width, page.height);
    // Clockwise on the page is negative in PDF's y-up coordinates.
    let angle = -f64::from(scan.skew).to_radians();
    let (cos, sin) = (angle.cos() as f32, angle.sin() as f32);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let e = cx - cos * cx + sin * cy;
    let f = cy - sin * cx - cos * cy;
    let mut s = format!(
        "q {cos:.5} {sin:.5} {:.5} {cos:.5} {e:.3} {f:.3} cm\n",
        -sin
    );
    if scan.grey_paper {
        let _ = writeln!(s, "0.88 g 0 0 {w} {h} re f");
    }
    let black = if scan.low_contrast { 0.3 } else { 0.0 };
    s.push_str(&page.content(black));
    // Dust and toner specks, and now and then a streak from the scanner's glass.
    let mut rng = StdRng::seed_from_u64(scan.seed ^ ((index as u64 + 1) << 20));
    let specks = if scan.speckle {
        rng.gen_range(400..1500)
    } else {
        rng.gen_range(20..150)
    };
    for _ in 0..specks {
        let side: f32 = rng.gen_range(0.2..0.9);
        let _ = writeln!(
            s,
            "{:.2} g {:.1} {:.1} {side:.2} {side:.2} re f",
            rng.gen_range(0.0f32..0.6),
            rng.gen_range(0.0..w),
            rng.gen_range(0.0..h)
        );
    }
    if rng.gen_bool(0.15) {
        let x = rng.gen_range(0.0..w);
        let _ = writeln!(s, "0.55 G 0.4 w {x:.1} 0 m {x:.1} {h} l S");
    }
    s.push_str("Q\n");
    s
}

/// A scanned page for an image-only PDF: a greyscale JPEG and its pixel size.
/// One page of a scanner's PDF: a JPEG and its pixel size.
pub struct ScannedPage {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// An image-only PDF: each page is one JPEG, drawn over the whole page, whose size follows
/// from the pixels and the resolution.
pub fn image_pdf(pages: &[ScannedPage], dpi: u32) -> Vec<u8> {
    let first_page = 3;
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        pages_object(first_page, 3, pages.len()),
    ];
    for (i, page) in pages.iter().enumerate() {
        let page_object = first_page + 3 * i;
        let w = page.width as f32 * 72.0 / dpi as f32;
        let h = page.height as f32 * 72.0 / dpi as f32;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] \
                 /Resources << /XObject << /Im1 {} 0 R >> >> /Contents {} 0 R >>",
                page_object + 2,
                page_object + 1
            )
            .into_bytes(),
        );
        let draw = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im1 Do Q");
        objects.push(stream_object("", draw.as_bytes()));
        objects.push(stream_object(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
                 /BitsPerComponent 8 /Filter /DCTDecode",
                page.width, page.height
            ),
            &page.jpeg,
        ));
    }
    assemble_pdf(&objects)
}

/// One cell of a row: text at `x`, or ending at `x` when right-aligned.
struct Cell {
    x: f32,
    font: Font,
    text: String,
    right: bool,
}

fn cell(x: f32, font: Font, text: impl Into<String>) -> Cell {
    Cell {
        x,
        font,
        text: text.into(),
        right: false,
    }
}

fn rcell(x: f32, font: Font, text: impl Into<String>) -> Cell {
    Cell {
        x,
        font,
        text: text.into(),
        right: true,
    }
}

/// Lays text out top to bottom, starting a new page when one is full.
struct Layout {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    /// Where the free space starts on a new page.
    first: f32,
    /// No baseline below this.
    bottom: f32,
    /// Top of the free space on the current page.
    y: f32,
    pages: Vec<Page>,
}

impl Layout {
    fn new(width: f32, height: f32, margin: f32, first: f32, bottom_margin: f32) -> Self {
        Self {
            width,
            height,
            left: margin,
            right: width - margin,
            first,
            bottom: height - bottom_margin,
            y: first,
            pages: vec![Page::new(width, height)],
        }
    }

    fn letter(margin: f32) -> Self {
        Self::new(612.0, 792.0, margin, 66.0, 56.0)
    }

    fn mark(&mut self, mark: Mark) {
        if self.pages.is_empty() {
            self.pages.push(Page::new(self.width, self.height));
        }
        let last = self.pages.len() - 1;
        self.pages[last].marks.push(mark);
    }

    fn new_page(&mut self) {
        self.pages.push(Page::new(self.width, self.height));
        self.y = self.first;
    }

    /// Reserves `h` points of height and returns their top.
    fn take(&mut self, h: f32) -> f32 {
        if self.y + h > self.bottom {
            self.new_page();
        }
        let top = self.y;
        self.y += h;
        top
    }

    /// Starts a new page unless `h` points still fit, to keep a block together.
    fn keep(&mut self, h: f32) {
        if self.y + h > self.bottom {
            self.new_page();
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn put(&mut self, x: f32, baseline: f32, font: Font, size: f32, text: &str) {
        self.put_ink(x, baseline, font, size, Ink::Black, text);
    }

    fn put_ink(&mut self, x: f32, baseline: f32, font: Font, size: f32, ink: Ink, text: &str) {
        self.mark(Mark::Text {
            x,
            baseline,
            font,
            size,
            ink,
            text: text.to_owned(),
        });
    }

    fn line(&mut self, font: Font, size: f32, text: &str) {
        let x = self.left;
        self.line_at(x, font, size, text);
    }

    fn line_at(&mut self, x: f32, font: Font, size: f32, text: &str) {
        let top = self.take(size * 1.35);
        self.put(x, top + size, font, size, text);
    }

    fn center(&mut self, font: Font, size: f32, text: &str) {
        let width = self.right - self.left;
        for line in wrap(text, font, size, width) {
            let x = self.left + (width - font.width(&line, size)).max(0.0) / 2.0;
            self.line_at(x, font, size, &line);
        }
    }

    fn row(&mut self, size: f32, cells: Vec<Cell>) {
        let top = self.take(size * 1.35);
        for c in cells {
            let x = if c.right {
                c.x - c.font.width(&c.text, size)
            } else {
                c.x
            };
            self.put(x, top + size, c.font, size, &c.text);
        }
    }

    fn para(&mut self, font: Font, size: f32, indent: f32, text: &str) {
        let width = self.right - self.left - indent;
        let x = self.left + indent;
        for line in wrap(text, font, size, width) {
            self.line_at(x, font, size, &line);
        }
    }

    fn rule(&mut self, weight: f32) {
        let top = self.take(7.0);
        let (x1, x2) = (self.left, self.right);
        self.mark(Mark::Rule {
            x1,
            y1: top + 3.0,
            x2,
            y2: top + 3.0,
            width: weight,
        });
    }

    /// A section heading on a grey band, as agency forms have them.
    fn band(&mut self, font: Font, size: f32, title: &str) {
        self.keep(size * 6.0);
        let top = self.take(size * 1.9);
        let (x, w) = (self.left, self.right - self.left);
        self.mark(Mark::Fill {
            x,
            top,
            w,
            h: size * 1.6,
            grey: 0.85,
        });
        self.put(x + 4.0, top + size * 1.2, font, size, title);
    }

    /// Checkboxes with their labels on one line (more lines when they do not fit).
    fn checks(&mut self, font: Font, size: f32, indent: f32, options: &[(&str, bool)]) {
        let side = size * 0.9;
        let mut top = self.take(size * 1.5);
        let mut x = self.left + indent;
        for (label, ticked) in options {
            let w = side + 4.0 + font.width(label, size) + 14.0;
            if x + w > self.right && x > self.left + indent {
                top = self.take(size * 1.5);
                x = self.left + indent;
            }
            let box_top = top + size * 0.2;
            self.mark(Mark::Frame {
                x,
                top: box_top,
                w: side,
                h: side,
                width: 0.8,
                ink: Ink::Black,
            });
            if *ticked {
                self.mark(Mark::Cross {
                    x,
                    top: box_top,
                    side,
                });
            }
            self.put(x + side + 4.0, top + size, font, size, label);
            x += w;
        }
    }

    /// Labelled boxes side by side, a small label on top and the value below, as on a form.
    fn boxes(&mut self, label_font: Font, size: f32, fields: &[(&str, &str, Font)]) {
        if fields.is_empty() {
            return;
        }
        let h = size * 2.9;
        let top = self.take(h + 2.0);
        let w = (self.right - self.left) / fields.len() as f32;
        for (i, (label, value, font)) in fields.iter().enumerate() {
            let x = self.left + w * i as f32;
            self.mark(Mark::Frame {
                x,
                top,
                w,
                h,
                width: 0.6,
                ink: Ink::Black,
            });
            let label_size = (size * 0.68).max(6.0);
            self.put(
                x + 3.0,
                top + label_size + 2.0,
                label_font,
                label_size,
                label,
            );
            self.put(x + 5.0, top + h - size * 0.55, *font, size, value);
        }
    }
}

/// Splits `text` into lines no wider than `width`.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// People, places and the way a document prints them.

const FEMALE: [&str; 44] = [
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Sandra",
    "Margaret",
    "Ashley",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Sharon",
    "Laura",
    "Cynthia",
    "Dorothy",
    "Amy",
    "Angela",
    "Maria",
    "Rosa",
    "Keisha",
    "Aisha",
    "Linh",
    "Priya",
    "Tanya",
    "Gloria",
    "Brenda",
    "Denise",
    "Yolanda",
    "Teresa",
];
const MALE: [&str; 42] = [
    "James",
    "Robert",
    "John",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Christopher",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Paul",
    "Andrew",
    "Joshua",
    "Kenneth",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Jason",
    "Edward",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Carlos",
    "Luis",
    "Marcus",
    "Andre",
    "Omar",
    "Tyrone",
    "Jose",
    "Hector",
    "Darnell",
    "Wayne",
];
const LAST: [&str; 99] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Reed",
    "Bailey",
    "Bell",
    "Cooper",
    "Richardson",
    "Cox",
    "Howard",
    "Ward",
    "Peterson",
    "Gray",
    "James",
    "Watson",
    "Brooks",
    "Kelly",
    "Sanders",
    "Price",
    "Bennett",
    "Wood",
    "Barnes",
    "Ross",
    "Henderson",
    "Coleman",
    "Jenkins",
    "Perry",
    "Powell",
    "Long",
    "Patterson",
    "Hughes",
    "Washington",
    "Butler",
    "Simmons",
    "Foster",
    "Bryant",
    "Alexander",
    "Russell",
    "Griffin",
    "Diaz",
    "Hayes",
];

#[derive(Debug, Clone, Copy)]
struct City {
    name: &'static str,
    st: &'static str,
    state: &'static str,
    zip: &'static str,
    county: &'static str,
    area_code: &'static str,
}

const fn city(
    name: &'static str,
    st: &'static str,
    state: &'static str,
    zip: &'static str,
    county: &'static str,
    area_code: &'static str,
) -> City {
    City {
        name,
        st,
        state,
        zip,
        county,
        area_code,
    }
}

const CITIES: [City; 30] = [
    city("Macon", "GA", "Georgia", "31201", "Bibb", "478"),
    city("Valdosta", "GA", "Georgia", "31601", "Lowndes", "229"),
    city("Laramie", "WY", "Wyoming", "82070", "Albany", "307"),
    city("Dayton", "OH", "Ohio", "45402", "Montgomery", "937"),
    city("Toledo", "OH", "Ohio", "43604", "Lucas", "419"),
    city("Fresno", "CA", "California", "93721", "Fresno", "559"),
    city("Tucson", "AZ", "Arizona", "85701", "Pima", "520"),
    city("El Paso", "TX", "Texas", "79901", "El Paso", "915"),
    city("Tulsa", "OK", "Oklahoma", "74103", "Tulsa", "918"),
    city("Wichita", "KS", "Kansas", "67202", "Sedgwick", "316"),
    city("Omaha", "NE", "Nebraska", "68102", "Douglas", "402"),
    city("Des Moines", "IA", "Iowa", "50309", "Polk", "515"),
    city("Peoria", "IL", "Illinois", "61602", "Peoria", "309"),
    city("Flint", "MI", "Michigan", "48502", "Genesee", "810"),
    city("Erie", "PA", "Pennsylvania", "16501", "Erie", "814"),
    city(
        "Scranton",
        "PA",
        "Pennsylvania",
        "18503",
        "Lackawanna",
        "570",
    ),
    city("Albany", "NY", "New York", "12207", "Albany", "518"),
    city("Hartford", "CT", "Connecticut", "06103", "Hartford", "860"),
    city("Richmond", "VA", "Virginia", "23219", "Henrico", "804"),
    city(
        "Columbia",
        "SC",
        "South Carolina",
        "29201",
        "Richland",
        "803",
    ),
    city("Mobile", "AL", "Alabama", "36602", "Mobile", "251"),
    city("Jackson", "MS", "Mississippi", "39201", "Hinds", "601"),
    city("Little Rock", "AR", "Arkansas", "72201", "Pulaski", "501"),
    city("Shreveport", "LA", "Louisiana", "71101", "Caddo", "318"),
    city("Knoxville", "TN", "Tennessee", "37902", "Knox", "865"),
    city("Louisville", "KY", "Kentucky", "40202", "Jefferson", "502"),
    city("Spokane", "WA", "Washington", "99201", "Spokane", "509"),
    city("Boise", "ID", "Idaho", "83702", "Ada", "208"),
    city("Reno", "NV", "Nevada", "89501", "Washoe", "775"),
    city(
        "Albuquerque",
        "NM",
        "New Mexico",
        "87102",
        "Bernalillo",
        "505",
    ),
];

const STREETS: [&str; 24] = [
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Park",
    "Lake",
    "Hill",
    "Church",
    "Main",
    "Walnut",
    "Spring",
    "Highland",
    "Sunset",
    "Jackson",
    "Franklin",
    "Chestnut",
    "Willow",
    "Magnolia",
    "Dogwood",
    "Poplar",
];
const STREET_TYPES: [&str; 8] = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way"];
const PLACES: [&str; 12] = [
    "Riverside",
    "Lakeview",
    "Northside",
    "Southside",
    "Parkview",
    "Hillcrest",
    "Valley",
    "Westside",
    "Summit",
    "Oakwood",
    "Fairview",
    "Pinecrest",
];
const SAINTS: [&str; 6] = [
    "Mary's",
    "Joseph's",
    "Luke's",
    "Francis",
    "Vincent's",
    "Anne's",
];

const EMPLOYERS: [&str; 20] = [
    "Riverside Logistics LLC",
    "Summit Home Health Inc",
    "Blue Ridge Grocers Inc",
    "Metro Transit Services LLC",
    "Sunrise Senior Living LLC",
    "Lakeside Manufacturing Inc",
    "Pioneer Staffing Group LLC",
    "Golden Harvest Foods Inc",
    "Keystone Janitorial Services LLC",
    "Harbor Point Hospitality Inc",
    "Prairie Wind Farms LLC",
    "Tri-County Auto Parts Inc",
    "Bright Futures Child Care LLC",
    "Ironworks Fabrication Inc",
    "Evergreen Landscaping LLC",
    "Northstar Call Center Inc",
    "Magnolia Dental Group LLC",
    "Crossroads Fuel Stop Inc",
    "Cornerstone Property Management LLC",
    "Red Oak Furniture Inc",
];
const BANKS: [&str; 10] = [
    "First Federal Savings Bank",
    "Community Credit Union",
    "Citizens National Bank",
    "Heartland Bank & Trust",
    "Pinewood Federal Credit Union",
    "Farmers and Merchants Bank",
    "Liberty Savings Bank",
    "River Valley Community Bank",
    "Patriot Federal Credit Union",
    "United Security Bank",
];

/// (as a doctor writes it, as a claimant writes it, ICD-10 code)
const CONDITIONS: [(&str, &str, &str); 25] = [
    (
        "degenerative disc disease of the lumbar spine",
        "back problems",
        "M51.36",
    ),
    (
        "type 2 diabetes mellitus with neuropathy",
        "diabetes",
        "E11.40",
    ),
    (
        "major depressive disorder, recurrent",
        "depression",
        "F33.1",
    ),
    ("chronic obstructive pulmonary disease", "COPD", "J44.9"),
    ("rheumatoid arthritis", "arthritis", "M06.9"),
    ("congestive heart failure", "heart failure", "I50.9"),
    ("post-traumatic stress disorder", "PTSD", "F43.10"),
    ("primary osteoarthritis of both knees", "bad knees", "M17.0"),
    ("epilepsy with generalized seizures", "seizures", "G40.909"),
    (
        "chronic kidney disease, stage 3",
        "kidney disease",
        "N18.30",
    ),
    ("fibromyalgia", "fibromyalgia", "M79.7"),
    ("generalized anxiety disorder", "anxiety", "F41.1"),
    ("bipolar disorder", "bipolar disorder", "F31.9"),
    ("lumbar radiculopathy", "nerve pain in my legs", "M54.16"),
    ("chronic migraine without aura", "migraines", "G43.709"),
    ("coronary artery disease", "heart disease", "I25.10"),
    ("multiple sclerosis", "MS", "G35"),
    ("peripheral neuropathy", "numbness in my feet", "G62.9"),
    ("schizophrenia", "schizophrenia", "F20.9"),
    ("moderate persistent asthma", "asthma", "J45.40"),
    (
        "bilateral carpal tunnel syndrome",
        "carpal tunnel",
        "G56.03",
    ),
    ("essential hypertension", "high blood pressure", "I10"),
    ("cervical spinal stenosis", "neck pain", "M48.02"),
    (
        "late effects of stroke with left-sided weakness",
        "stroke",
        "I69.354",
    ),
    ("morbid obesity", "weight problems", "E66.01"),
];
/// (medicine, dose, what it is for)
const MEDICINES: [(&str, &str, &str); 16] = [
    ("Metformin", "500 mg twice daily", "diabetes"),
    ("Lisinopril", "10 mg daily", "blood pressure"),
    ("Gabapentin", "300 mg three times daily", "nerve pain"),
    ("Sertraline", "50 mg daily", "depression"),
    ("Albuterol inhaler", "2 puffs as needed", "breathing"),
    ("Meloxicam", "15 mg daily", "arthritis pain"),
    ("Atorvastatin", "20 mg at bedtime", "cholesterol"),
    ("Levothyroxine", "50 mcg daily", "thyroid"),
    ("Duloxetine", "60 mg daily", "pain and mood"),
    ("Prednisone", "10 mg daily", "inflammation"),
    ("Omeprazole", "20 mg daily", "stomach"),
    ("Furosemide", "40 mg daily", "swelling"),
    ("Insulin glargine", "24 units at night", "diabetes"),
    ("Levetiracetam", "500 mg twice daily", "seizures"),
    ("Quetiapine", "100 mg at bedtime", "mood and sleep"),
    ("Tramadol", "50 mg as needed", "pain"),
];
const JOBS: [&str; 16] = [
    "cashier",
    "warehouse associate",
    "home health aide",
    "truck driver",
    "janitor",
    "line cook",
    "certified nursing assistant",
    "forklift operator",
    "retail stocker",
    "construction laborer",
    "office clerk",
    "security guard",
    "school bus driver",
    "machine operator",
    "housekeeper",
    "customer service representative",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Debug, Clone)]
struct Person {
    first: &'static str,
    middle: Option<char>,
    last: &'static str,
    female: bool,
    dob: Date,
    street: String,
    city: City,
    phone: String,
}

impl Person {
    /// `First M Last`: the form of [`Truth::fields`].
    fn name(&self) -> String {
        match self.middle {
            Some(m) => format!("{} {m} {}", self.first, self.last),
            None => format!("{} {}", self.first, self.last),
        }
    }

    fn printed(&self, style: NameStyle) -> String {
        let last_first = match self.middle {
            Some(m) => format!("{}, {} {m}", self.last, self.first),
            None => format!("{}, {}", self.last, self.first),
        };
        match style {
            NameStyle::Natural => self.name(),
            NameStyle::Upper => self.name().to_uppercase(),
            NameStyle::LastFirst => last_first,
            NameStyle::LastFirstUpper => last_first.to_uppercase(),
        }
    }

    fn city_line(&self) -> String {
        format!("{}, {} {}", self.city.name, self.city.st, self.city.zip)
    }

    fn pronoun(&self) -> &'static str {
        if self.female {
            "she"
        } else {
            "he"
        }
    }

    fn possessive(&self) -> &'static str {
        if self.female {
            "her"
        } else {
            "his"
        }
    }

    fn age_on(&self, day: Date) -> i32 {
        let mut age = day.year() - self.dob.year();
        if (day.month() as u8, day.day()) < (self.dob.month() as u8, self.dob.day()) {
            age -= 1;
        }
        age
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameStyle {
    Natural,
    Upper,
    LastFirst,
    LastFirstUpper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Slash,
    ShortSlash,
    Dash,
    Long,
    Abbreviated,
    Iso,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn month_name(d: Date) -> &'static str {
    MONTHS[usize::from(d.month() as u8 - 1)]
}

fn print_date(d: Date, style: DateStyle) -> String {
    let (y, m, day) = (d.year(), d.month() as u8, d.day());
    match style {
        DateStyle::Slash => format!("{m:02}/{day:02}/{y}"),
        DateStyle::ShortSlash => format!("{m}/{day}/{y}"),
        DateStyle::Dash => format!("{m:02}-{day:02}-{y}"),
        DateStyle::Long => format!("{} {day}, {y}", month_name(d)),
        DateStyle::Abbreviated => format!("{} {day}, {y}", &month_name(d)[..3]),
        DateStyle::Iso => iso(d),
    }
}

fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(time::Duration::days(days)).unwrap_or(d)
}

fn date_between(rng: &mut StdRng, from: Date, to: Date) -> Date {
    let day = rng.gen_range(from.to_julian_day()..=to.to_julian_day());
    Date::from_julian_day(day).unwrap_or(from)
}

fn ymd(year: i32, month: u8, day: u8) -> Date {
    time::Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, day).ok())
        .unwrap_or(Date::MIN)
}

/// `1,234.56` for an amount in cents.
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    // Groups of three digits from the right.
    let reversed: Vec<u8> = (cents / 100).to_string().bytes().rev().collect();
    let mut groups: Vec<String> = reversed
        .chunks(3)
        .map(|g| g.iter().rev().map(|&b| char::from(b)).collect())
        .collect();
    groups.reverse();
    format!("{sign}{}.{:02}", groups.join(","), cents % 100)
}

fn dollars(cents: i64) -> String {
    if cents < 0 {
        format!("-${}", money(-cents))
    } else {
        format!("${}", money(cents))
    }
}

/// `1234.56`: the form of money in [`Truth::fields`].
fn plain_money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// An SSN from the never-issued 900–999 area with a valid group and serial.
fn training_ssn(rng: &mut StdRng) -> String {
    format!(
        "{:03}-{:02}-{:04}",
        rng.gen_range(900..=999),
        rng.gen_range(1..=99),
        rng.gen_range(1..=9999)
    )
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

fn person(rng: &mut StdRng, born_from: i32, born_to: i32) -> Person {
    let female = rng.gen_bool(0.5);
    let first = if female {
        pick(rng, &FEMALE)
    } else {
        pick(rng, &MALE)
    };
    let middle = rng
        .gen_bool(0.4)
        .then(|| char::from(b'A' + rng.gen_range(0..26u8)));
    let city = pick(rng, &CITIES);
    let mut street = format!(
        "{} {} {}",
        rng.gen_range(12..=9899),
        pick(rng, &STREETS),
        pick(rng, &STREET_TYPES)
    );
    if rng.gen_bool(0.25) {
        let _ = write!(
            street,
            " Apt {}{}",
            rng.gen_range(1..=24),
            pick(rng, &['A', 'B', 'C', 'D'])
        );
    }
    Person {
        first,
        middle,
        last: pick(rng, &LAST),
        female,
        dob: date_between(rng, ymd(born_from, 1, 1), ymd(born_to, 12, 31)),
        street,
        city,
        // 555-0100 to 555-0199 are reserved for fiction.
        phone: format!("({}) 555-01{:02}", city.area_code, rng.gen_range(0..100)),
    }
}

/// What composing a document produced.
struct Composed {
    pages: Vec<Page>,
    fields: BTreeMap<String, String>,
    ssn: Option<String>,
    second_ssn: Option<String>,
    form_number: Option<String>,
}

/// The state of one document being composed: its people, its printing habits and the truth
/// gathered while printing.
struct Ctx<'r> {
    rng: &'r mut StdRng,
    who: Person,
    date_style: DateStyle,
    name_style: NameStyle,
    ssn_spaced: bool,
    ssn_label: &'static str,
    label: Font,
    value: Font,
    size: f32,
    boxed: bool,
    /// The document's own date: signed, written or printed.
    date: Date,
    fields: BTreeMap<String, String>,
    ssn: Option<String>,
    second_ssn: Option<String>,
    form_number: Option<String>,
}

impl<'r> Ctx<'r> {
    fn new(rng: &'r mut StdRng, born_from: i32, born_to: i32) -> Self {
        let who = person(rng, born_from, born_to);
        let date_style = pick(
            rng,
            &[
                DateStyle::Slash,
                DateStyle::Slash,
                DateStyle::ShortSlash,
                DateStyle::Dash,
                DateStyle::Long,
                DateStyle::Abbreviated,
                DateStyle::Iso,
            ],
        );
        let value = pick(
            rng,
            &[
                Font::Courier,
                Font::Courier,
                Font::Helvetica,
                Font::Helvetica,
                Font::Times,
            ],
        );
        Self {
            who,
            date_style,
            name_style: NameStyle::Natural,
            ssn_spaced: rng.gen_bool(0.3),
            ssn_label: pick(
                rng,
                &[
                    "SSN",
                    "Social Security Number",
                    "Claimant SSN",
                    "Social Security No.",
                ],
            ),
            label: Font::Helvetica,
            value,
            size: pick(rng, &[9.0, 9.5, 10.0, 10.5]),
            boxed: rng.gen_bool(0.5),
            date: date_between(rng, ymd(2025, 1, 6), ymd(2026, 11, 20)),
            fields: BTreeMap::new(),
            ssn: None,
            second_ssn: None,
            form_number: None,
            rng,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        pick(self.rng, items)
    }

    fn range(&mut self, from: i64, to: i64) -> i64 {
        self.rng.gen_range(from..=to)
    }

    fn set(&mut self, key: &str, value: impl Into<String>) {
        self.fields.insert(key.to_owned(), value.into());
    }

    fn d(&self, date: Date) -> String {
        print_date(date, self.date_style)
    }

    /// The claimant's name as this document prints it; it is now readable on the page.
    fn claimant(&mut self) -> String {
        let name = self.who.name();
        self.set("claimant_name", name);
        self.who.printed(self.name_style)
    }

    fn dob(&mut self) -> String {
        let dob = self.who.dob;
        self.set("date_of_birth", iso(dob));
        self.d(dob)
    }

    fn ssn_text(&self, ssn: &str) -> String {
        if self.ssn_spaced {
            ssn.replace('-', " ")
        } else {
            ssn.to_owned()
        }
    }

    /// The claimant's SSN as printed; drawn on first use.
    fn claimant_ssn(&mut self) -> String {
        let ssn = match &self.ssn {
            Some(ssn) => ssn.clone(),
            None => {
                let ssn = training_ssn(self.rng);
                self.ssn = Some(ssn.clone());
                ssn
            }
        };
        self.ssn_text(&ssn)
    }

    fn second_ssn(&mut self) -> String {
        let mut ssn = training_ssn(self.rng);
        while Some(&ssn) == self.ssn.as_ref() {
            ssn = training_ssn(self.rng);
        }
        self.second_ssn = Some(ssn.clone());
        self.ssn_text(&ssn)
    }

    fn other(&mut self) -> Person {
        person(self.rng, 1940, 2004)
    }

    fn doctor(&mut self) -> String {
        let first = if self.chance(0.5) {
            self.pick(&FEMALE)
        } else {
            self.pick(&MALE)
        };
        let last = self.pick(&LAST);
        match self.range(0, 3) {
            0 => format!("Dr. {first} {last}"),
            1 => format!("{first} {last}, MD"),
            2 => format!("{first} {last}, DO"),
            _ => format!("Dr. {last}"),
        }
    }

    fn facility(&mut self) -> String {
        let city = self.who.city.name;
        let place = self.pick(&PLACES);
        match self.range(0, 8) {
            0 => format!("{city} General Hospital"),
            1 => format!("{city} Regional Medical Center"),
            2 => format!("St. {} Hospital", self.pick(&SAINTS)),
            3 => format!("{place} Family Clinic"),
            4 => format!("{place} Orthopedic Associates"),
            5 => format!("{place} Behavioral Health Center"),
            6 => format!("{city} Community Health Center"),
            7 => format!("{place} Pain Management"),
            _ => format!("{place} Cardiology Group"),
        }
    }

    fn street(&mut self) -> String {
        format!(
            "{} {} {}",
            self.range(100, 4999),
            self.pick(&STREETS),
            self.pick(&STREET_TYPES)
        )
    }

    /// The field office the claimant's paper goes to.
    fn office(&mut self) -> [String; 3] {
        let city = self.who.city;
        [
            "Social Security Administration".to_owned(),
            self.street(),
            format!("{}, {} {}", city.name, city.st, city.zip),
        ]
    }

    fn some_month(&mut self) -> &'static str {
        self.pick(&MONTHS)
    }

    /// One row of labelled values, in this document's style: boxes or `Label: value`.
    fn row(&mut self, l: &mut Layout, pairs: &[(&str, String)]) {
        let size = self.size;
        if self.boxed {
            let labels: Vec<String> = pairs.iter().map(|(k, _)| k.to_uppercase()).collect();
            let boxes: Vec<(&str, &str, Font)> = labels
                .iter()
                .zip(pairs)
                .map(|(k, (_, v))| (k.as_str(), v.as_str(), self.value))
                .collect();
            l.boxes(self.label, size, &boxes);
        } else {
            let bold = self.label.bold();
            let column = (l.right - l.left) / pairs.len().max(1) as f32;
            let width = |(label, value): &(&str, String)| {
                bold.width(&format!("{label}:"), size) + 5.0 + self.value.width(value, size)
            };
            // Pairs too wide for their column get a line each.
            let per_row = if pairs.iter().all(|p| width(p) < column - 8.0) {
                pairs.len().max(1)
            } else {
                1
            };
            for chunk in pairs.chunks(per_row) {
                let mut cells = Vec::new();
                for (i, (label, value)) in chunk.iter().enumerate() {
                    let x = l.left + column * i as f32;
                    let label = format!("{label}:");
                    let value_x = x + bold.width(&label, size) + 5.0;
                    cells.push(cell(x, bold, label));
                    cells.push(cell(value_x, self.value, value.clone()));
                }
                l.row(size, cells);
                l.gap(size * 0.4);
            }
        }
    }

    /// The signature and its date (the document's date).
    fn sign(&mut self, l: &mut Layout, label: &str, signer: &str) {
        let date = self.date;
        self.set("signed_on", iso(date));
        let printed = self.d(date);
        let signature = if self.chance(0.3) {
            format!("/s/ {signer}")
        } else {
            signer.to_owned()
        };
        let size = self.size;
        l.keep(size * 5.0);
        if self.boxed {
            let label = label.to_uppercase();
            l.boxes(
                self.label,
                size,
                &[
                    (label.as_str(), signature.as_str(), Font::TimesItalic),
                    ("DATE", printed.as_str(), self.value),
                ],
            );
        } else {
            l.gap(size * 0.6);
            let x_date = l.left + (l.right - l.left) * 0.68;
            let label = format!("{label}:");
            let sig_x = l.left + self.label.bold().width(&label, size) + 6.0;
            l.row(
                size,
                vec![
                    cell(l.left, self.label.bold(), label),
                    cell(sig_x, Font::TimesItalic, signature),
                    cell(x_date, self.label.bold(), "Date:"),
                    cell(x_date + 30.0, self.value, printed),
                ],
            );
            let top = l.y - size * 0.2;
            l.mark(Mark::Rule {
                x1: sig_x - 2.0,
                y1: top,
                x2: x_date - 12.0,
                y2: top,
                width: 0.5,
            });
            l.gap(size * 0.6);
        }
    }

    fn address_rows(&mut self, l: &mut Layout) {
        let street = self.who.street.clone();
        let city = self.who.city_line();
        let phone = self.who.phone.clone();
        self.row(l, &[("Mailing address", street)]);
        self.row(
            l,
            &[("City, state and ZIP code", city), ("Telephone", phone)],
        );
    }

    fn para(&mut self, l: &mut Layout, text: &str) {
        let size = self.size;
        l.para(self.label, size, 0.0, text);
        l.gap(size * 0.3);
    }

    /// Free text the claimant filled in.
    fn answer(&mut self, l: &mut Layout, text: &str) {
        let size = self.size + 0.5;
        l.para(self.value, size, 10.0, text);
        l.gap(size * 0.4);
    }

    fn band(&mut self, l: &mut Layout, title: &str) {
        l.gap(4.0);
        l.band(self.label.bold(), self.size, title);
    }

    fn checks(&mut self, l: &mut Layout, options: &[(&str, bool)]) {
        let size = self.size;
        l.checks(self.label, size, 8.0, options);
    }

    /// `n` different sentences out of `count` possible ones, in random order.
    fn sentences(
        &mut self,
        n: usize,
        count: usize,
        mut sentence: impl FnMut(&mut Self, usize) -> String,
    ) -> String {
        let mut order: Vec<usize> = (0..count).collect();
        order.shuffle(self.rng);
        let chosen: Vec<String> = order
            .into_iter()
            .take(n)
            .map(|i| sentence(self, i))
            .collect();
        chosen.join(" ")
    }

    fn yes_no(&mut self, l: &mut Layout, question: &str, yes: bool) {
        let size = self.size;
        let x_yes = l.right - 90.0;
        let mut lines = wrap(question, self.label, size, x_yes - l.left - 10.0);
        let last = lines.pop().unwrap_or_default();
        for line in lines {
            l.line(self.label, size, &line);
        }
        let top = l.take(size * 1.5);
        let left = l.left;
        l.put(left, top + size, self.label, size, &last);
        for (i, (label, ticked)) in [("Yes", yes), ("No", !yes)].into_iter().enumerate() {
            let x = x_yes + 45.0 * i as f32;
            let side = size * 0.9;
            l.mark(Mark::Frame {
                x,
                top: top + size * 0.2,
                w: side,
                h: side,
                width: 0.8,
                ink: Ink::Black,
            });
            if ticked {
                l.mark(Mark::Cross {
                    x,
                    top: top + size * 0.2,
                    side,
                });
            }
            l.put(x + side + 4.0, top + size, self.label, size, label);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents: one composer per profile code, several wordings each.

const PERJURY: &str = "I declare under penalty of perjury that I have examined all the \
    information on this form, and on any accompanying statements or forms, and it is true and \
    correct to the best of my knowledge.";
const PERJURY_LONG: &str = "I understand that anyone who knowingly gives a false or misleading \
    statement about a material fact in this information, or causes someone else to do so, \
    commits a crime and may be sent to prison, or may face other penalties, or both.";

fn compose(rng: &mut StdRng, code: &str, forms: &[String], no_number: bool) -> Composed {
    let (born_from, born_to) = match code {
        // Birth records are often a child's, for a first card.
        "IDBR" => (1948, 2024),
        _ => (1944, 2004),
    };
    let mut c = Ctx::new(rng, born_from, born_to);
    // Most forms print the number with its edition suffix, some the bare number.
    let printed = match forms {
        [] => None,
        [only] => Some(only.clone()),
        [specific, .., bare] => Some(if c.chance(0.2) { bare } else { specific }.clone()),
    };
    // Without a readable number, a form is either cropped or the claimant wrote a letter.
    let as_letter = no_number
        && matches!(code, "561M" | "561N" | "632" | "795" | "1696" | "821")
        && c.chance(0.6);
    c.form_number = if no_number { None } else { printed };
    let margin = c.pick(&[48.0, 54.0, 60.0]);
    let mut l = match code {
        // Cut to the length of its content at the end.
        "RCPT" => Layout::new(216.0, 1296.0, 14.0, 24.0, 24.0),
        "CORR" => Layout::letter(72.0),
        _ if as_letter => Layout::letter(72.0),
        _ => Layout::letter(margin),
    };
    match (code, as_letter) {
        ("561M", false) => form_561(&mut c, &mut l, true),
        ("561M", true) => letter_561(&mut c, &mut l, true),
        ("561N", false) => form_561(&mut c, &mut l, false),
        ("561N", true) => letter_561(&mut c, &mut l, false),
        ("632", false) => form_632(&mut c, &mut l),
        ("632", true) => letter_632(&mut c, &mut l),
        ("827", _) => form_827(&mut c, &mut l),
        ("3368", _) => form_3368(&mut c, &mut l),
        ("3373", _) => form_3373(&mut c, &mut l),
        ("795", false) => form_795(&mut c, &mut l),
        ("795", true) => letter_795(&mut c, &mut l),
        ("1696", false) => form_1696(&mut c, &mut l),
        ("1696", true) => letter_1696(&mut c, &mut l),
        ("454", _) => form_454(&mut c, &mut l),
        ("8203", _) => form_8203(&mut c, &mut l),
        ("821", false) => form_821(&mut c, &mut l),
        ("821", true) => letter_821(&mut c, &mut l),
        ("PAY", _) => {
            if c.chance(0.5) {
                l = Layout::new(612.0, 396.0, 36.0, 64.0, 30.0);
            }
            pay_stub(&mut c, &mut l);
        }
        ("BANK", _) => bank_statement(&mut c, &mut l),
        ("MED", _) => medical_record(&mut c, &mut l),
        ("RCPT", _) => receipt(&mut c, &mut l),
        ("IDBR", _) => birth_record(&mut c, &mut l),
        _ => correspondence(&mut c, &mut l),
    }
    if !forms.is_empty() && !as_letter {
        // The back of many one-page forms: the same statements on every form, no help in
        // telling them apart.
        if l.pages.len() == 1 && c.chance(0.4) {
            back_page(&mut c, &mut l);
        }
        form_footer(&mut c, &mut l);
    }
    if code == "RCPT" {
        // Paper comes off the roll in quarter inches, with some blank tail, 6 to 18 inches.
        let tail = c.range(0, 8) as f32 * 18.0;
        let height = ((l.y + 30.0 + tail) / 18.0).ceil() * 18.0;
        for page in &mut l.pages {
            page.height = height.clamp(432.0, 1296.0);
        }
    }
    // Originals that must be returned and receipts are not stamped.
    if !matches!(code, "RCPT" | "IDBR") && c.chance(0.35) {
        stamp(&mut c, &mut l);
    }
    if let Some(number) = c.form_number.clone() {
        c.set("form_number", number);
    }
    Composed {
        pages: l.pages,
        fields: c.fields,
        ssn: c.ssn,
        second_ssn: c.second_ssn,
        form_number: c.form_number,
    }
}

/// The office's RECEIVED stamp, in red, in the top right corner of the first page.
fn stamp(c: &mut Ctx, l: &mut Layout) {
    let received = add_days(c.date, c.range(1, 14));
    c.set("received_on", iso(received));
    let date = format!(
        "{} {:02} {}",
        month_name(received)[..3].to_uppercase(),
        received.day(),
        received.year()
    );
    let office = format!("SSA {} {}", c.who.city.name.to_uppercase(), c.who.city.st);
    let Some(page) = l.pages.first_mut() else {
        return;
    };
    let (w, x) = (150.0, page.width - 36.0 - 150.0);
    page.marks.push(Mark::Frame {
        x,
        top: 10.0,
        w,
        h: 44.0,
        width: 1.4,
        ink: Ink::Red,
    });
    for (text, font, size, baseline) in [
        ("RECEIVED".to_owned(), Font::HelveticaBold, 12.0, 25.0),
        (date, Font::HelveticaBold, 10.0, 38.0),
        (office, Font::Helvetica, 7.0, 49.0),
    ] {
        page.marks.push(Mark::Text {
            x: x + (w - font.width(&text, size)) / 2.0,
            baseline,
            font,
            size,
            ink: Ink::Red,
            text,
        });
    }
}

fn form_header(c: &mut Ctx, l: &mut Layout, title: &str, omb: &str) {
    let (left, right) = (l.left, l.right);
    let top_number = match c.form_number.clone() {
        Some(number) if c.chance(0.4) => Some(number),
        _ => None,
    };
    l.row(
        8.0,
        vec![
            cell(left, Font::HelveticaBold, "SOCIAL SECURITY ADMINISTRATION"),
            rcell(right, Font::Helvetica, "Form Approved"),
        ],
    );
    let mut cells = vec![rcell(right, Font::Helvetica, format!("OMB No. {omb}"))];
    if let Some(number) = top_number {
        cells.push(cell(left, Font::Helvetica, format!("Form {number}")));
    }
    l.row(8.0, cells);
    l.gap(6.0);
    let size = c.pick(&[12.0, 13.0, 14.0]);
    l.center(Font::HelveticaBold, size, title);
    l.gap(2.0);
    l.rule(1.2);
    l.gap(4.0);
}

/// The footer with the form number and edition on every page; a cropped form has none.
fn form_footer(c: &mut Ctx, l: &mut Layout) {
    let Some(number) = c.form_number.clone() else {
        return;
    };
    let edition = format!("({:02}-{})", c.range(1, 12), c.range(2019, 2025));
    let prefix = c.pick(&["Form ", "Form ", ""]);
    let suffix = c.pick(&["", " UF", " ef", " UF  Destroy Prior Editions"]);
    let text = format!("{prefix}{number} {edition}{suffix}");
    let n = l.pages.len();
    let (left, right) = (l.left, l.right);
    for (i, page) in l.pages.iter_mut().enumerate() {
        let baseline = page.height - 30.0;
        page.marks.push(Mark::Text {
            x: left,
            baseline,
            font: Font::Helvetica,
            size: 7.5,
            ink: Ink::Black,
            text: text.clone(),
        });
        if n > 1 {
            let page_no = format!("Page {} of {n}", i + 1);
            page.marks.push(Mark::Text {
                x: right - Font::Helvetica.width(&page_no, 7.5),
                baseline,
                font: Font::Helvetica,
                size: 7.5,
                ink: Ink::Black,
                text: page_no,
            });
        }
    }
}

/// The Privacy Act and Paperwork Reduction Act statements, on a page of their own.
fn back_page(c: &mut Ctx, l: &mut Layout) {
    l.new_page();
    c.band(
        l,
        "PRIVACY ACT STATEMENT - COLLECTION AND USE OF PERSONAL INFORMATION",
    );
    c.para(
        l,
        "Sections 205(a), 702, 1631(e)(1)(A) and (B), and 1633 of the Social Security Act, as \
         amended, authorize us to collect this information. The information you provide will \
         be used to make a determination on your claim.",
    );
    c.para(
        l,
        "Furnishing us this information is voluntary. However, failing to provide all or part \
         of the information may affect the processing of your claim. We rarely use the \
         information you supply for any purpose other than for determining your eligibility \
         for benefits; we may share it with other Federal, State and local agencies only as \
         the law allows.",
    );
    c.band(l, "PAPERWORK REDUCTION ACT STATEMENT");
    let minutes = c.range(5, 60);
    c.para(
        l,
        &format!(
            "This information collection meets the requirements of 44 U.S.C. 3507, as amended \
             by section 2 of the Paperwork Reduction Act of 1995. You do not need to answer \
             these questions unless we display a valid Office of Management and Budget control \
             number. We estimate that it will take about {minutes} minutes to read the \
             instructions, gather the facts, and answer the questions."
        ),
    );
    c.para(
        l,
        "SEND OR BRING THE COMPLETED FORM TO YOUR LOCAL SOCIAL SECURITY OFFICE. You can find \
         your local office at www.ssa.gov or call 1-800-772-1213 (TTY 1-800-325-0778).",
    );
}

/// A text line at the top of every page after the first (patient, account…).
fn running_head(l: &mut Layout, text: &str) {
    let left = l.left;
    for page in l.pages.iter_mut().skip(1) {
        page.marks.push(Mark::Text {
            x: left,
            baseline: 40.0,
            font: Font::Helvetica,
            size: 8.0,
            ink: Ink::Black,
            text: text.to_owned(),
        });
    }
}

/// `Page i of n` at the foot of every page, with `left` beside it.
fn page_footer(l: &mut Layout, left_text: &str) {
    let n = l.pages.len();
    let (left, right) = (l.left, l.right);
    for (i, page) in l.pages.iter_mut().enumerate() {
        let baseline = page.height - 28.0;
        let page_no = format!("Page {} of {n}", i + 1);
        page.marks.push(Mark::Text {
            x: right - Font::Helvetica.width(&page_no, 7.5),
            baseline,
            font: Font::Helvetica,
            size: 7.5,
            ink: Ink::Black,
            text: page_no,
        });
        if !left_text.is_empty() {
            page.marks.push(Mark::Text {
                x: left,
                baseline,
                font: Font::Helvetica,
                size: 7.5,
                ink: Ink::Black,
                text: left_text.to_owned(),
            });
        }
    }
}

/// A letter: sender or letterhead, date, recipient, reference, body, signature.
struct Letter {
    /// An organisation's name, printed as a letterhead; `None` for a private person.
    letterhead: Option<String>,
    sender: Vec<String>,
    recipient: Vec<String>,
    subject: Option<String>,
    /// Print a "Re:" line naming the claimant, and whether to add the SSN.
    about_claimant: bool,
    show_ssn: bool,
    salutation: &'static str,
    paragraphs: Vec<String>,
    signer: String,
    signer_lines: Vec<String>,
}

fn write_letter(c: &mut Ctx, l: &mut Layout, letter: Letter) {
    let font = c.pick(&[Font::Times, Font::Times, Font::Helvetica, Font::Courier]);
    let size = c.pick(&[10.5, 11.0, 12.0]);
    if let Some(head) = &letter.letterhead {
        l.center(font.bold(), size + 4.0, head);
        for line in &letter.sender {
            l.center(font, size - 1.0, line);
        }
        l.rule(0.8);
    } else {
        for line in &letter.sender {
            l.line(font, size, line);
        }
    }
    l.gap(size);
    let date = c.date;
    c.set("signed_on", iso(date));
    // Letters mostly spell the month out.
    let style = match c.range(0, 3) {
        0 => c.date_style,
        1 => DateStyle::Abbreviated,
        _ => DateStyle::Long,
    };
    l.line(font, size, &print_date(date, style));
    l.gap(size);
    for line in &letter.recipient {
        l.line(font, size, line);
    }
    l.gap(size);
    if let Some(subject) = &letter.subject {
        l.line(font.bold(), size, &format!("Re: {subject}"));
    }
    if letter.about_claimant {
        let name = c.claimant();
        let label = if letter.subject.is_some() {
            "    "
        } else {
            "Re: "
        };
        l.line(font.bold(), size, &format!("{label}{name}"));
    }
    if letter.show_ssn {
        let label = c.pick(&["SSN", "Social Security number", "Social Security No."]);
        let ssn = c.claimant_ssn();
        l.line(font, size, &format!("{label}: {ssn}"));
    }
    l.gap(size);
    l.line(font, size, letter.salutation);
    l.gap(size * 0.5);
    for paragraph in &letter.paragraphs {
        l.para(font, size, 0.0, paragraph);
        l.gap(size * 0.6);
    }
    l.keep(size * 7.0);
    let closing = c.pick(&[
        "Sincerely,",
        "Thank you,",
        "Respectfully,",
        "Sincerely yours,",
    ]);
    l.line(font, size, closing);
    l.gap(size * 0.4);
    l.line(Font::TimesItalic, size + 3.0, &letter.signer);
    for line in &letter.signer_lines {
        l.line(font, size, line);
    }
}

/// A letter the claimant wrote, about their own claim.
fn claimant_letter(c: &mut Ctx, l: &mut Layout, subject: &str, paragraphs: Vec<String>) {
    let name = c.claimant();
    let recipient = c.office().to_vec();
    let salutation = c.pick(&[
        "Dear Sir or Madam:",
        "To whom it may concern:",
        "Dear Social Security Administration:",
    ]);
    let show_ssn = c.chance(0.85);
    let signer = c.who.name();
    let phone = c.who.phone.clone();
    let letter = Letter {
        letterhead: None,
        sender: vec![name, c.who.street.clone(), c.who.city_line()],
        recipient,
        subject: Some(subject.to_owned()),
        about_claimant: false,
        show_ssn,
        salutation,
        paragraphs,
        signer: signer.clone(),
        signer_lines: vec![signer, phone],
    };
    write_letter(c, l, letter);
}

fn medical_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 10, |c, i| {
        let (_, condition, _) = c.pick(&CONDITIONS);
        match i {
            0 => "My medical condition has gotten worse since I applied.".to_owned(),
            1 => format!(
                "I now need a cane to walk and cannot stand for more than {} minutes.",
                c.range(5, 20)
            ),
            2 => {
                let (doctor, place) = (c.doctor(), c.facility());
                format!("The decision did not consider my records from {doctor} at {place}.")
            }
            3 => {
                let (place, month) = (c.facility(), c.some_month());
                format!(
                    "I was admitted to {place} in {month} for my {condition} and those records \
                     were not reviewed."
                )
            }
            4 => format!(
                "My doctor says I cannot return to any kind of work because of my {condition}."
            ),
            5 => {
                let (_, other, _) = c.pick(&CONDITIONS);
                format!(
                    "I disagree with the disability decision. My {condition} and {other} keep \
                     me from working."
                )
            }
            6 => {
                let month = c.some_month();
                format!("I have new medical evidence: an MRI from {month} shows my {condition} is worse.")
            }
            7 => {
                let doctor = c.doctor();
                format!("I started seeing a specialist, {doctor}, and began new treatment for my {condition}.")
            }
            8 => format!(
                "The examiner said I could do light work, but I cannot lift more than {} pounds.",
                c.range(5, 15)
            ),
            _ => "My symptoms come several times a week and I have to lie down for hours."
                .to_owned(),
        }
    })
}

fn nonmedical_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 10, |c, i| match i {
        0 => format!(
            "I do not owe the overpayment of {}. I reported my wages every month.",
            dollars(c.range(40_000, 900_000))
        ),
        1 => {
            let (relative, pronoun) =
                c.pick(&[("son", "he"), ("daughter", "she"), ("brother", "he"), ("niece", "she")]);
            let month = c.some_month();
            format!(
                "My SSI was reduced because you counted my {relative}'s income, but {pronoun} \
                 moved out in {month}."
            )
        }
        2 => format!(
            "The benefit amount is wrong. My earnings for {} were not included in my record.",
            c.range(2015, 2024)
        ),
        3 => "You stopped my SSI because of excess resources, but the car is the only way I get \
              to my appointments."
            .to_owned(),
        4 => format!(
            "I disagree with the decision that I am not entitled to widow's benefits. We were \
             married for {} years.",
            c.range(10, 40)
        ),
        5 => "The money you counted was a one-time gift from my church, not monthly income."
            .to_owned(),
        6 => "My payment was reduced for in-kind support, but I pay my share of the rent and the \
              food."
            .to_owned(),
        7 => {
            let month = c.some_month();
            format!("I never received the payment for {month}, so I should not have to pay it back.")
        }
        8 => "My pension was counted twice when you figured my benefit amount.".to_owned(),
        _ => {
            let (month, year) = (c.some_month(), c.range(2019, 2024));
            format!("You said I was living with my spouse, but we have been separated since {month} {year}.")
        }
    })
}

fn form_561(c: &mut Ctx, l: &mut Layout, medical: bool) {
    form_header(c, l, "REQUEST FOR RECONSIDERATION", "0960-0622");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of claimant", name), (label, ssn)]);
    if c.chance(0.2) {
        let earner = c.other().name();
        let ssn = c.second_ssn();
        c.row(
            l,
            &[("Name of wage earner", earner), ("Wage earner SSN", ssn)],
        );
    }
    let claim = if medical {
        c.pick(&[
            "Disability",
            "SSI disability",
            "Disability insurance benefits",
            "Disabled adult child benefits",
        ])
    } else {
        c.pick(&[
            "Retirement",
            "SSI",
            "Survivors benefits",
            "SSI aged",
            "Retirement insurance benefits",
            "Spouse's benefits",
        ])
    };
    c.row(l, &[("Claim for", claim.to_owned())]);
    l.gap(4.0);
    let intro = c.pick(&[
        "The claimant disagrees with the determination made on the above claim and requests \
         reconsideration. My reasons are:",
        "I do not agree with the determination made on the above claim and request \
         reconsideration. My reasons are:",
    ]);
    c.para(l, intro);
    let n = c.range(2, 3) as usize;
    let reasons = if medical {
        medical_reasons(c, n)
    } else {
        nonmedical_reasons(c, n)
    };
    c.answer(l, &reasons);
    if !medical && c.chance(0.6) {
        c.band(l, "SUPPLEMENTAL SECURITY INCOME RECONSIDERATION ONLY");
        c.para(
            l,
            "I want to appeal your decision about my claim for SSI. The three ways to appeal \
             are a case review, an informal conference and a formal conference. I want a:",
        );
        let k = c.range(0, 2);
        c.checks(
            l,
            &[
                ("Case review", k == 0),
                ("Informal conference", k == 1),
                ("Formal conference", k == 2),
            ],
        );
    }
    if medical && c.chance(0.4) {
        c.band(l, "DISABILITY CESSATION RECONSIDERATION ONLY");
        c.checks(l, &[("I want a disability hearing", true)]);
    }
    l.gap(4.0);
    c.para(
        l,
        "EITHER THE CLAIMANT OR REPRESENTATIVE SHOULD SIGN - ENTER ADDRESSES FOR BOTH",
    );
    let signer = c.who.name();
    c.sign(l, "Signature of claimant or representative", &signer);
    c.address_rows(l);
    c.band(l, "TO BE COMPLETED BY SOCIAL SECURITY ADMINISTRATION");
    let title_2 = medical || c.chance(0.5);
    let title_16 = !title_2 || c.chance(0.3);
    c.checks(
        l,
        &[
            ("Title II", title_2),
            ("Title XVI", title_16),
            ("Initial", true),
            ("Revised", false),
        ],
    );
    let office = c.office();
    c.para(l, &format!("Field office: {}, {}", office[1], office[2]));
}

fn letter_561(c: &mut Ctx, l: &mut Layout, medical: bool) {
    let n = c.range(2, 4) as usize;
    let reasons = if medical {
        medical_reasons(c, n)
    } else {
        nonmedical_reasons(c, n)
    };
    let decision = add_days(c.date, -c.range(10, 50));
    let first = format!(
        "I am writing to appeal the decision in your letter dated {}. I do not agree with it \
         and I ask you to reconsider my claim{}.",
        c.d(decision),
        if medical {
            " for disability benefits"
        } else {
            ""
        }
    );
    let last = c.pick(&[
        "Please reconsider my case and contact me if you need more information.",
        "I ask for a reconsideration of this decision. Please send me any forms I need to fill out.",
        "Thank you for looking at my case again.",
    ]);
    let subject = c.pick(&[
        "Request for reconsideration",
        "Appeal of decision",
        "Reconsideration",
    ]);
    claimant_letter(c, l, subject, vec![first, reasons, last.to_owned()]);
}

fn waiver_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 7, |c, i| match i {
        0 => {
            let month = c.some_month();
            format!(
                "I reported my return to work to the office in {month} and was told my checks \
                 would be adjusted."
            )
        }
        1 => "I did not know that my husband's pension counted as income.".to_owned(),
        2 => "I gave all my pay stubs to the office every month.".to_owned(),
        3 => "The letter said my benefits would continue while my case was reviewed.".to_owned(),
        4 => format!(
            "I told the representative on the phone about my savings account in {}.",
            c.range(2021, 2024)
        ),
        5 => "I cannot pay this back. My only income is my monthly benefit and it does not \
              cover my rent and food."
            .to_owned(),
        _ => "I spent the money on rent and medicine because I thought it was mine.".to_owned(),
    })
}

/// Two money columns side by side (income and expenses), each with its total.
fn money_table(
    c: &mut Ctx,
    l: &mut Layout,
    left: (&str, &[(&str, i64)]),
    right: (&str, &[(&str, i64)]),
) {
    let size = c.size;
    let (x0, x_mid, x_end) = (l.left, (l.left + l.right) / 2.0, l.right);
    let bold = c.label.bold();
    l.keep(size * 1.4 * (left.1.len().max(right.1.len()) as f32 + 3.0));
    l.row(
        size,
        vec![
            cell(x0, bold, left.0),
            rcell(x_mid - 20.0, bold, "Amount"),
            cell(x_mid, bold, right.0),
            rcell(x_end, bold, "Amount"),
        ],
    );
    for i in 0..left.1.len().max(right.1.len()) {
        let mut cells = Vec::new();
        if let Some((label, cents)) = left.1.get(i) {
            cells.push(cell(x0, c.label, *label));
            cells.push(rcell(x_mid - 20.0, c.value, dollars(*cents)));
        }
        if let Some((label, cents)) = right.1.get(i) {
            cells.push(cell(x_mid, c.label, *label));
            cells.push(rcell(x_end, c.value, dollars(*cents)));
        }
        l.row(size, cells);
    }
    let total = |rows: &[(&str, i64)]| rows.iter().map(|(_, v)| v).sum::<i64>();
    l.row(
        size,
        vec![
            cell(x0, bold, "TOTAL"),
            rcell(x_mid - 20.0, c.value, dollars(total(left.1))),
            cell(x_mid, bold, "TOTAL"),
            rcell(x_end, c.value, dollars(total(right.1))),
        ],
    );
    l.gap(size * 0.5);
}

fn form_632(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "REQUEST FOR WAIVER OF OVERPAYMENT RECOVERY OR CHANGE IN REPAYMENT RATE",
        "0960-0037",
    );
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Overpaid person's name", name), (label, ssn)]);
    let amount = c.range(30_000, 1_500_000);
    let notice = add_days(c.date, -c.range(15, 80));
    let notice = c.d(notice);
    c.row(
        l,
        &[
            ("Amount of overpayment", dollars(amount)),
            ("Date of notice", notice),
        ],
    );
    if c.chance(0.2) {
        let spouse = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Spouse's name", spouse), ("Spouse's SSN", ssn)]);
    }
    c.band(l, "SECTION 1 - WHAT YOU ARE ASKING FOR");
    let waiver = c.chance(0.8);
    c.checks(
        l,
        &[(
            "Waiver of recovery: I do not think I should pay it back",
            waiver,
        )],
    );
    c.checks(l, &[("A change in my repayment rate", !waiver)]);
    c.band(l, "SECTION 2 - WHY YOU BELIEVE YOU ARE NOT AT FAULT");
    c.yes_no(
        l,
        "Do you think you were at fault in causing the overpayment?",
        false,
    );
    c.para(l, "Explain why you believe you are not at fault:");
    let n = c.range(1, 3) as usize;
    let reasons = waiver_reasons(c, n);
    c.answer(l, &reasons);
    c.band(l, "SECTION 3 - YOUR MONTHLY INCOME AND EXPENSES");
    let mut income = vec![("Social Security", c.range(60_000, 210_000))];
    if c.chance(0.4) {
        income.push(("SSI", c.range(5_000, 94_300)));
    }
    if c.chance(0.4) {
        income.push(("Wages", c.range(30_000, 150_000)));
    }
    if c.chance(0.3) {
        income.push(("Pension", c.range(10_000, 80_000)));
    }
    let expenses = [
        ("Rent or mortgage", c.range(45_000, 140_000)),
        ("Food", c.range(20_000, 60_000)),
        ("Utilities", c.range(8_000, 30_000)),
        ("Telephone", c.range(3_000, 9_000)),
        ("Medical and dental", c.range(2_000, 30_000)),
        ("Car and transportation", c.range(4_000, 40_000)),
        ("Credit card payments", c.range(0, 20_000)),
    ];
    money_table(
        c,
        l,
        ("Monthly income", &income),
        ("Monthly expenses", &expenses),
    );
    c.band(l, "SECTION 4 - ASSETS");
    let (cash, checking, savings) = (
        c.range(0, 20_000),
        c.range(1_000, 150_000),
        c.range(0, 200_000),
    );
    c.row(
        l,
        &[
            ("Cash on hand", dollars(cash)),
            ("Checking", dollars(checking)),
            ("Savings", dollars(savings)),
        ],
    );
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature of overpaid person", &signer);
    c.address_rows(l);
}

fn letter_632(c: &mut Ctx, l: &mut Layout) {
    let amount = dollars(c.range(30_000, 1_500_000));
    let notice = add_days(c.date, -c.range(15, 80));
    let first = format!(
        "I received your letter dated {} saying that I was overpaid {amount}. I am asking you \
         to waive this overpayment.",
        c.d(notice)
    );
    let n = c.range(2, 3) as usize;
    let reasons = waiver_reasons(c, n);
    let rent = dollars(c.range(45_000, 120_000));
    let income = dollars(c.range(80_000, 190_000));
    let budget = format!(
        "My rent is {rent} a month and my only income is {income}. If you take money out of my \
         check I will not be able to pay for food and my medicine."
    );
    let subject = c.pick(&[
        "Request for waiver of overpayment",
        "Overpayment - please waive",
        "Waiver request",
    ]);
    claimant_letter(c, l, subject, vec![first, reasons, budget]);
}

fn form_827(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "AUTHORIZATION TO DISCLOSE INFORMATION TO THE SOCIAL SECURITY ADMINISTRATION (SSA)",
        "0960-0623",
    );
    let (name, dob, ssn) = (c.claimant(), c.dob(), c.claimant_ssn());
    c.row(
        l,
        &[
            ("Name (first, middle, last)", name),
            ("Date of birth", dob),
            ("Social Security Number", ssn),
        ],
    );
    c.para(
        l,
        "Voluntary - please read both pages before signing. Information about you is \
         protected by law.",
    );
    c.band(l, "I AUTHORIZE (Name and address of source)");
    for _ in 0..c.range(1, 2) {
        let source = if c.chance(0.5) {
            c.doctor()
        } else {
            c.facility()
        };
        let street = c.street();
        let city = c.who.city_line();
        c.answer(l, &format!("{source}, {street}, {city}"));
    }
    c.band(l, "TO DISCLOSE INFORMATION TO");
    let to = c.pick(&[
        "The Social Security Administration and to the State agency authorized to process my \
         case (usually called Disability Determination Services), including contact persons to \
         whom SSA or the State agency may refer information.",
        "SSA and the State agency that decides disability claims for SSA (Disability \
         Determination Services), and their contractors who help process my claim.",
    ]);
    c.para(l, to);
    c.band(l, "WHAT");
    c.para(
        l,
        "All my medical records; also education records and other information related to my \
         ability to perform tasks. This includes specific permission to release:",
    );
    for item in [
        "1. All records and other information regarding my treatment, hospitalization, and \
         outpatient care for my impairment(s), including psychological, psychiatric or other \
         mental impairment(s), drug abuse, alcoholism, or other substance abuse, sickle cell \
         anemia, records which may indicate the presence of a communicable disease, including \
         tests for or records of HIV/AIDS, and gene-related impairments.",
        "2. Information about how my impairment(s) affects my ability to complete tasks and \
         activities of daily living, and affects my ability to work.",
        "3. Copies of educational tests or evaluations, including Individualized Educational \
         Programs, triennial assessments, psychological and speech evaluations.",
    ] {
        let size = c.size;
        l.para(c.label, size, 10.0, item);
    }
    c.band(l, "WHY");
    c.para(
        l,
        "To determine my eligibility for benefits, including looking at the combined effect of \
         any impairments that by themselves would not meet SSA's definition of disability; and \
         whether I can manage such benefits.",
    );
    let hipaa = c.pick(&[
        "This authorization complies with the Health Insurance Portability and Accountability \
         Act (HIPAA) Privacy Rule, 45 CFR 164.508, and with state laws on the disclosure of \
         health information.",
        "I understand that this authorization meets the requirements of the HIPAA Privacy Rule \
         (45 CFR 164.508). My providers may not condition my treatment on whether I sign it.",
    ]);
    c.para(l, hipaa);
    c.para(
        l,
        "This authorization is good for 12 months from the date signed (below my signature).",
    );
    if c.chance(0.3) {
        c.checks(l, &[("Parent of minor", true), ("Legal guardian", false)]);
    }
    let signer = c.who.name();
    c.sign(l, "Individual authorizing disclosure", &signer);
    c.address_rows(l);
    if c.chance(0.5) {
        let witness = c.other();
        c.row(
            l,
            &[
                ("Witness", witness.name()),
                ("Witness telephone", witness.phone),
            ],
        );
    }
}

impl Ctx<'_> {
    /// A table: bold column heads, then the rows, each column at its offset from the margin.
    fn table(&mut self, l: &mut Layout, columns: &[(&str, f32)], rows: &[Vec<String>]) {
        let size = self.size;
        l.keep(size * 1.4 * (rows.len().min(4) as f32 + 1.5));
        let left = l.left;
        let bold = self.label.bold();
        l.row(
            size,
            columns
                .iter()
                .map(|(head, x)| cell(left + x, bold, *head))
                .collect(),
        );
        for r in rows {
            l.row(
                size,
                r.iter()
                    .zip(columns)
                    .map(|(v, (_, x))| cell(left + x, self.value, v.clone()))
                    .collect(),
            );
        }
        l.gap(size * 0.5);
    }

    fn conditions(&mut self, n: usize) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut all = CONDITIONS.to_vec();
        all.shuffle(self.rng);
        all.truncate(n);
        all
    }

    fn medicine_rows(&mut self, n: usize) -> Vec<Vec<String>> {
        let mut all = MEDICINES.to_vec();
        all.shuffle(self.rng);
        all.into_iter()
            .take(n)
            .map(|(name, dose, why)| {
                let doctor = self.doctor();
                vec![format!("{name} {dose}"), doctor, why.to_owned()]
            })
            .collect()
    }
}

fn form_3368(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "DISABILITY REPORT - ADULT", "0960-0579");
    c.band(l, "SECTION 1 - INFORMATION ABOUT THE DISABLED PERSON");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name", name), (label, ssn)]);
    let dob = c.dob();
    let phone = c.who.phone.clone();
    c.row(l, &[("Date of birth", dob), ("Daytime telephone", phone)]);
    let (street, city) = (c.who.street.clone(), c.who.city_line());
    c.row(
        l,
        &[("Mailing address", street), ("City, state, ZIP", city)],
    );
    let english = c.chance(0.9);
    c.yes_no(l, "Can you speak and understand English?", english);
    let contact = c.other().name();
    let relation = c.pick(&[
        "Daughter", "Son", "Sister", "Friend", "Wife", "Husband", "Neighbor",
    ]);
    c.row(
        l,
        &[
            ("Someone we can contact", contact),
            ("Relationship", relation.to_owned()),
        ],
    );
    c.band(l, "SECTION 2 - MEDICAL CONDITIONS");
    c.para(
        l,
        "List all of the physical or mental conditions (including emotional or learning \
         problems) that limit your ability to work:",
    );
    let n = c.range(2, 5) as usize;
    for (i, (_, informal, _)) in c.conditions(n).into_iter().enumerate() {
        c.answer(l, &format!("{}. {informal}", i + 1));
    }
    let height = format!("{} ft {} in", c.range(4, 6), c.range(0, 11));
    let weight = format!("{} lbs", c.range(105, 320));
    c.row(
        l,
        &[
            ("Height without shoes", height),
            ("Weight without shoes", weight),
        ],
    );
    c.yes_no(
        l,
        "Do your conditions cause you pain or other symptoms?",
        true,
    );
    c.band(l, "SECTION 3 - WORK ACTIVITY");
    c.yes_no(l, "Are you currently working?", false);
    let stopped = add_days(c.date, -c.range(60, 900));
    let because = c.pick(&[
        "because of my conditions",
        "because I could not keep up anymore",
        "because my doctor told me to stop",
    ]);
    let stopped = format!("I stopped working on {} {because}.", c.d(stopped));
    c.answer(l, &stopped);
    c.band(l, "SECTION 4 - JOB HISTORY");
    let mut year = c.range(2016, 2023);
    let mut jobs = Vec::new();
    for _ in 0..c.range(1, 3) {
        let start = year - c.range(1, 8);
        jobs.push(vec![
            c.pick(&JOBS).to_owned(),
            c.pick(&EMPLOYERS).to_owned(),
            format!("{start} - {year}"),
        ]);
        year = start;
    }
    c.table(
        l,
        &[
            ("Job title", 0.0),
            ("Employer", 180.0),
            ("Dates worked", 400.0),
        ],
        &jobs,
    );
    c.band(l, "SECTION 5 - MEDICINES");
    let n = c.range(2, 5) as usize;
    let medicines = c.medicine_rows(n);
    c.table(
        l,
        &[
            ("Name of medicine", 0.0),
            ("Prescribed by", 220.0),
            ("Reason", 390.0),
        ],
        &medicines,
    );
    c.band(l, "SECTION 6 - MEDICAL TREATMENT");
    for _ in 0..c.range(2, 3) {
        let (place, doctor) = (c.facility(), c.doctor());
        let first = add_days(c.date, -c.range(200, 1500));
        let last = add_days(c.date, -c.range(5, 120));
        let visit = format!(
            "{place}, {doctor}. First visit {}, last visit {}.",
            c.d(first),
            c.d(last)
        );
        c.answer(l, &visit);
    }
    c.band(l, "SECTION 7 - EDUCATION AND TRAINING");
    let grade = c.pick(&["8", "10", "11", "12", "GED", "2 years of college"]);
    let year = c.range(1962, 2020).to_string();
    c.row(
        l,
        &[
            ("Highest grade completed", grade.to_owned()),
            ("Year completed", year),
        ],
    );
    let signer = c.who.name();
    c.sign(l, "Signature of person completing this form", &signer);
}

fn form_3373(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "FUNCTION REPORT - ADULT", "0960-0681");
    c.band(l, "SECTION A - GENERAL INFORMATION");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of disabled person", name), (label, ssn)]);
    let home = c.pick(&[
        "House",
        "Apartment",
        "Mobile home",
        "With family",
        "Group home",
    ]);
    c.row(l, &[("Where do you live?", home.to_owned())]);
    c.band(l, "SECTION B - INFORMATION ABOUT DAILY ACTIVITIES");
    c.para(
        l,
        "Describe what you do from the time you wake up until going to bed.",
    );
    let n = c.range(3, 5) as usize;
    let day = c.sentences(n, 8, |c, i| match i {
        0 => format!(
            "I wake up around {} and take my medicine.",
            c.pick(&["6", "7", "8", "9"])
        ),
        1 => "I sit in my recliner most of the morning and watch TV.".to_owned(),
        2 => format!(
            "I have to lie down for {} hours in the afternoon because of the pain.",
            c.range(1, 4)
        ),
        3 => "My daughter brings me lunch and helps me with my pills.".to_owned(),
        4 => "Some days I cannot get out of bed at all.".to_owned(),
        5 => "I try to walk to the mailbox but I have to stop and rest.".to_owned(),
        6 => "I go to bed early but I wake up several times in the night.".to_owned(),
        _ => "I do a few dishes sitting on a stool.".to_owned(),
    });
    c.answer(l, &day);
    let cares = c.chance(0.2);
    c.yes_no(
        l,
        "Do you take care of anyone else, such as children or parents?",
        cares,
    );
    c.para(
        l,
        "What were you able to do before your illnesses, injuries, or conditions that you \
         can't do now?",
    );
    let before = c.pick(&[
        "Work full time, go fishing, play with my grandchildren, drive long distances.",
        "Stand all day at work, clean my whole house, go to church every week.",
        "Lift heavy boxes, mow the lawn, go shopping by myself.",
    ]);
    c.answer(l, before);
    c.yes_no(l, "Does your condition affect your sleep?", true);
    c.band(l, "PERSONAL CARE");
    c.para(
        l,
        "Explain how your illnesses, injuries, or conditions affect your ability to:",
    );
    let care = [
        ("Dress", "I need help with buttons and socks"),
        ("Bathe", "I sit on a shower chair"),
        ("Care for hair", "I cannot raise my arms for long"),
        ("Shave", "I use an electric razor sitting down"),
        ("Feed self", "no problem"),
        ("Use the toilet", "I use grab bars"),
    ];
    for (what, how) in care {
        if c.chance(0.7) {
            c.row(l, &[(what, how.to_owned())]);
        }
    }
    c.band(l, "MEALS");
    let cooks = c.chance(0.6);
    c.yes_no(l, "Do you prepare your own meals?", cooks);
    if cooks {
        c.answer(
            l,
            "Sandwiches and frozen dinners. It takes me about 30 minutes because I have to sit down.",
        );
    }
    c.band(l, "GETTING AROUND");
    let often = c.pick(&[
        "Once a week",
        "Two or three times a week",
        "Every day",
        "Rarely",
    ]);
    c.row(l, &[("How often do you go outside?", often.to_owned())]);
    let drives = c.chance(0.5);
    c.checks(
        l,
        &[
            ("Walk", true),
            ("Drive a car", drives),
            ("Ride in a car", !drives),
            ("Public transportation", false),
        ],
    );
    c.band(l, "MONEY");
    let bills = c.chance(0.7);
    c.yes_no(l, "Are you able to pay bills and count change?", bills);
    c.band(l, "INFORMATION ABOUT ABILITIES");
    c.para(
        l,
        "Check any of the following items your illnesses, injuries, or conditions affect:",
    );
    let abilities = [
        "Lifting",
        "Squatting",
        "Bending",
        "Standing",
        "Reaching",
        "Walking",
        "Sitting",
        "Kneeling",
        "Hearing",
        "Stair climbing",
        "Seeing",
        "Memory",
        "Concentration",
        "Using hands",
    ];
    let ticked: Vec<(&str, bool)> = abilities.iter().map(|a| (*a, c.chance(0.5))).collect();
    c.checks(l, &ticked);
    let distance = c.pick(&[
        "Half a block",
        "About 50 feet",
        "One block",
        "To the mailbox",
    ]);
    c.row(
        l,
        &[(
            "How far can you walk before you need to rest?",
            distance.to_owned(),
        )],
    );
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

fn statement_text(c: &mut Ctx, by: Option<&Person>) -> String {
    let claimant = c.who.name();
    let (he, his) = (c.who.pronoun(), c.who.possessive());
    match (by, c.range(0, 4)) {
        (Some(_), k) if k < 3 => {
            let years = c.range(3, 30);
            let him = if c.who.female { "her" } else { "him" };
            format!(
                "I have known {claimant} for {years} years as a neighbor. I see {him} almost \
                 every day. Since last year {he} cannot walk to the store and I help with \
                 groceries and rides to the doctor. {} lives alone and pays {his} own rent.",
                if c.who.female { "She" } else { "He" }
            )
        }
        (Some(_), _) => format!(
            "{claimant} has lived in my home since {} {}. {} pays me {} a month for room and \
             board, which covers {his} share of the food and the rent.",
            c.some_month(),
            c.range(2018, 2024),
            if c.who.female { "She" } else { "He" },
            dollars(c.range(20_000, 60_000))
        ),
        (None, 0) => {
            let employer = c.pick(&EMPLOYERS);
            let stopped = add_days(c.date, -c.range(30, 500));
            format!(
                "I stopped working at {employer} on {} because I could no longer stand for my \
                 whole shift. I have not worked anywhere since then.",
                c.d(stopped)
            )
        }
        (None, 1) => {
            let month = c.some_month();
            format!(
                "I did not receive my payment for {month}. I checked with my bank and no \
                 deposit was made. Please send the payment again."
            )
        }
        (None, 2) => {
            let married = add_days(c.date, -c.range(100, 4000));
            let old = c.pick(&LAST);
            format!(
                "My last name was changed from {old} to {} when I married on {}. I want my \
                 record to show my new name.",
                c.who.last,
                c.d(married)
            )
        }
        (None, 3) => {
            let share = dollars(c.range(15_000, 50_000));
            format!(
                "I live with my daughter at {}. I pay her {share} each month for my share of the \
                 rent, food and utilities.",
                c.who.street
            )
        }
        (None, _) => format!(
            "My son is a full-time student at {} Community College and lives with me. He has no \
             income of his own.",
            c.who.city.name
        ),
    }
}

fn form_795(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "STATEMENT OF CLAIMANT OR OTHER PERSON", "0960-0045");
    c.para(
        l,
        "You can use this form for any statement you wish to make about your claim or the \
         claim of another person.",
    );
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of claimant", name), (label, ssn)]);
    let other = c.chance(0.35).then(|| c.other());
    if let Some(p) = &other {
        let name = ("Name of person making statement", p.name());
        if c.chance(0.6) {
            let ssn = c.second_ssn();
            c.row(l, &[name, ("SSN", ssn)]);
        } else {
            c.row(l, &[name]);
        }
    }
    let maker = other.as_ref().map_or_else(|| c.who.name(), Person::name);
    let intro = match c.range(0, 2) {
        0 => format!("I, {maker}, state as follows:"),
        1 => "My statement is as follows:".to_owned(),
        _ => "I declare the following:".to_owned(),
    };
    c.para(l, &intro);
    let text = statement_text(c, other.as_ref());
    c.answer(l, &text);
    c.para(l, PERJURY);
    c.para(l, PERJURY_LONG);
    c.sign(l, "Signature of person making statement", &maker);
    match &other {
        Some(p) => {
            c.row(l, &[("Mailing address", p.street.clone())]);
            c.row(
                l,
                &[
                    ("City, state and ZIP code", p.city_line()),
                    ("Telephone", p.phone.clone()),
                ],
            );
        }
        None => c.address_rows(l),
    }
    c.para(
        l,
        "Witnesses are required ONLY if this statement has been signed by mark (X) above.",
    );
}

fn letter_795(c: &mut Ctx, l: &mut Layout) {
    let text = statement_text(c, None);
    let oath = c
        .pick(&[
            "I swear that everything in this letter is true.",
            "I declare under penalty of perjury that this statement is true and correct.",
        ])
        .to_owned();
    let subject = c.pick(&["Statement", "My statement", "Statement for my file"]);
    claimant_letter(c, l, subject, vec![text, oath]);
}

fn firm(c: &mut Ctx, rep: &Person) -> String {
    let other = c.pick(&LAST);
    let place = c.pick(&PLACES);
    match c.range(0, 4) {
        0 => format!("Law Office of {}", rep.name()),
        1 => format!("{} & {other} LLP", rep.last),
        2 => format!("{} Disability Law, PLLC", rep.last),
        3 => format!("Legal Aid Society of {}", rep.city.name),
        _ => format!("{place} Disability Advocates"),
    }
}

fn form_1696(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "CLAIMANT'S APPOINTMENT OF REPRESENTATIVE",
        "0960-0527",
    );
    c.band(l, "PART I - CLAIMANT'S APPOINTMENT OF REPRESENTATIVE");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Claimant's name", name), (label, ssn)]);
    let rep = c.other();
    let attorney = c.chance(0.7);
    c.para(
        l,
        &format!(
            "I appoint this individual, {}, to act as my representative in connection with my \
             claim(s) or asserted right(s) under:",
            rep.name()
        ),
    );
    let ssi = c.chance(0.4);
    c.checks(
        l,
        &[
            ("Title II (RSDI)", !ssi),
            ("Title XVI (SSI)", ssi),
            ("Title VIII (SVB)", false),
            ("Title XVIII (Medicare)", false),
        ],
    );
    c.para(
        l,
        "I authorize this individual to make or give any request or notice; to present or \
         elicit evidence; to obtain information; and to receive any notice in connection with \
         my pending claim(s) or asserted right(s).",
    );
    let signer = c.who.name();
    c.sign(l, "Claimant's signature", &signer);
    c.address_rows(l);
    c.band(l, "PART II - REPRESENTATIVE'S ACCEPTANCE OF APPOINTMENT");
    c.para(
        l,
        &format!(
            "I, {}, hereby accept the above appointment. I certify that I have not been \
             suspended or prohibited from practice before the Social Security Administration; \
             that I am not disqualified from representing the claimant as a current or former \
             officer or employee of the United States; and that I will not charge or collect \
             any fee for the representation unless it has been approved in accordance with the \
             laws and rules referred to on the reverse side of this form.",
            rep.name()
        ),
    );
    c.checks(
        l,
        &[
            ("I am an attorney", attorney),
            ("I am a non-attorney", !attorney),
        ],
    );
    c.para(l, "Fee arrangement:");
    let fee = c.range(0, 2);
    c.checks(
        l,
        &[(
            "I will request fee authorization under the fee agreement process",
            fee == 0,
        )],
    );
    c.checks(l, &[("I will file a fee petition", fee == 1)]);
    c.checks(l, &[("I waive charging and collecting a fee", fee == 2)]);
    let firm = firm(c, &rep);
    c.row(l, &[("Representative's name", rep.name()), ("Firm", firm)]);
    let street = c.street();
    c.row(
        l,
        &[
            ("Address", format!("{street}, {}", rep.city_line())),
            ("Telephone", rep.phone.clone()),
        ],
    );
    let printed = c.d(c.date);
    c.row(
        l,
        &[
            ("Representative's signature", format!("/s/ {}", rep.name())),
            ("Date", printed),
        ],
    );
}

fn letter_1696(c: &mut Ctx, l: &mut Layout) {
    let rep = c.other();
    let firm = firm(c, &rep);
    let street = c.street();
    let recipient = c.office().to_vec();
    let fee = c.pick(&[
        "A signed fee agreement is enclosed.",
        "I will not charge a fee for this representation.",
        "I will file a fee petition when the case is decided.",
    ]);
    let claimant = c.who.name();
    let paragraphs = vec![
        format!(
            "Please accept this letter as notice that I represent {claimant} in connection with \
             {} claim for benefits. I have been appointed as {} representative and I accept \
             the appointment.",
            c.who.possessive(),
            c.who.possessive()
        ),
        format!(
            "Please send copies of all notices and the claim file to me at the address above. \
             {fee}"
        ),
    ];
    let letter = Letter {
        letterhead: Some(firm.clone()),
        sender: vec![format!("{street}, {}", rep.city_line()), rep.phone.clone()],
        recipient,
        subject: Some("Appointment of representative".to_owned()),
        about_claimant: true,
        show_ssn: c.chance(0.8),
        salutation: "Dear Sir or Madam:",
        paragraphs,
        signer: rep.name(),
        signer_lines: vec![rep.name(), firm],
    };
    write_letter(c, l, letter);
}

fn form_454(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "CONTINUING DISABILITY REVIEW REPORT", "0960-0072");
    c.band(l, "PART I - INFORMATION ABOUT THE DISABLED PERSON");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name", name), (label, ssn)]);
    let dob = c.dob();
    let phone = c.who.phone.clone();
    c.row(l, &[("Date of birth", dob), ("Telephone", phone)]);
    let (street, city) = (c.who.street.clone(), c.who.city_line());
    c.row(
        l,
        &[("Mailing address", street), ("City, state, ZIP", city)],
    );
    if c.chance(0.3) {
        let payee = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Representative payee", payee), ("Payee SSN", ssn)]);
    }
    c.band(l, "PART II - YOUR MEDICAL CONDITION");
    let since = add_days(c.date, -c.range(700, 1800));
    let since = c.d(since);
    c.para(l, &format!("Since {since}, has your condition:"));
    let change = c.range(0, 2);
    c.checks(
        l,
        &[
            ("Improved", change == 0),
            ("Stayed the same", change == 1),
            ("Gotten worse", change == 2),
        ],
    );
    c.para(l, "Describe any changes in your condition:");
    let (_, condition, _) = c.pick(&CONDITIONS);
    let text = match change {
        0 => format!(
            "My {condition} is a little better with the new medicine but I still have bad days."
        ),
        1 => format!("My {condition} is about the same. I still cannot do much around the house."),
        _ => format!(
            "My {condition} is worse. I now use a walker and I was in the hospital twice this year."
        ),
    };
    c.answer(l, &text);
    c.band(l, "PART III - MEDICAL TREATMENT");
    c.yes_no(
        l,
        "Have you seen a doctor or other health professional since your last review?",
        true,
    );
    let mut visits = Vec::new();
    for _ in 0..c.range(1, 3) {
        let last = add_days(c.date, -c.range(5, 300));
        visits.push(vec![c.doctor(), c.facility(), c.d(last)]);
    }
    c.table(
        l,
        &[
            ("Doctor", 0.0),
            ("Clinic or hospital", 170.0),
            ("Last visit", 400.0),
        ],
        &visits,
    );
    c.band(l, "PART IV - MEDICINES");
    let n = c.range(1, 4) as usize;
    let medicines = c.medicine_rows(n);
    c.table(
        l,
        &[
            ("Name of medicine", 0.0),
            ("Prescribed by", 220.0),
            ("Reason", 390.0),
        ],
        &medicines,
    );
    c.band(l, "PART V - WORK ACTIVITY");
    let worked = c.chance(0.2);
    c.yes_no(l, &format!("Since {since}, have you worked?"), worked);
    c.band(l, "PART VI - VOCATIONAL REHABILITATION");
    let ticket = c.chance(0.15);
    c.yes_no(
        l,
        "Have you taken part in the Ticket to Work program or other vocational rehabilitation?",
        ticket,
    );
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

fn form_8203(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "STATEMENT FOR DETERMINING CONTINUING ELIGIBILITY FOR SUPPLEMENTAL SECURITY INCOME PAYMENTS",
        "0960-0145",
    );
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name", name), (label, ssn)]);
    let dob = c.dob();
    let phone = c.who.phone.clone();
    c.row(l, &[("Date of birth", dob), ("Telephone", phone)]);
    if c.chance(0.4) {
        let spouse = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Spouse's name", spouse), ("Spouse's SSN", ssn)]);
    }
    c.band(l, "LIVING ARRANGEMENTS");
    let alone = c.chance(0.4);
    c.yes_no(l, "Do you live alone?", alone);
    if !alone {
        let mut household = Vec::new();
        for _ in 0..c.range(1, 3) {
            let p = c.other();
            let relation = c.pick(&[
                "Daughter", "Son", "Sister", "Roommate", "Grandson", "Mother",
            ]);
            household.push(vec![
                p.name(),
                relation.to_owned(),
                c.range(8, 80).to_string(),
            ]);
        }
        c.table(
            l,
            &[("Name", 0.0), ("Relationship", 220.0), ("Age", 360.0)],
            &household,
        );
    }
    let tenure = c.pick(&["Rent", "Own", "Neither"]);
    let rent = dollars(c.range(30_000, 110_000));
    c.row(
        l,
        &[
            ("Do you own or rent?", tenure.to_owned()),
            ("Monthly rent or mortgage", rent),
        ],
    );
    let help = c.chance(0.2);
    c.yes_no(
        l,
        "Does anyone outside your household help pay for your food or shelter?",
        help,
    );
    c.band(l, "INCOME");
    let since = add_days(c.date, -c.range(300, 700));
    let since = c.d(since);
    c.para(
        l,
        &format!("Since {since}, have you (or your spouse) received any of the following?"),
    );
    let kinds = [
        "Wages",
        "Social Security",
        "VA benefits",
        "Pension",
        "Unemployment",
        "Child support",
        "Help from family",
    ];
    let mut income = Vec::new();
    for kind in kinds {
        if c.chance(0.3) {
            let who = c.pick(&["Me", "Me", "Spouse"]);
            income.push(vec![
                kind.to_owned(),
                who.to_owned(),
                dollars(c.range(5_000, 120_000)),
            ]);
        }
    }
    if income.is_empty() {
        income.push(vec!["None".to_owned(), String::new(), dollars(0)]);
    }
    c.table(
        l,
        &[
            ("Type of income", 0.0),
            ("Who", 200.0),
            ("Monthly amount", 320.0),
        ],
        &income,
    );
    c.band(l, "RESOURCES");
    let bank = c.pick(&BANKS);
    let mut resources = vec![vec![
        "Checking account".to_owned(),
        bank.to_owned(),
        dollars(c.range(500, 180_000)),
    ]];
    if c.chance(0.5) {
        resources.push(vec![
            "Savings account".to_owned(),
            bank.to_owned(),
            dollars(c.range(0, 190_000)),
        ]);
    }
    if c.chance(0.6) {
        let car = format!(
            "{} {}",
            c.range(2005, 2020),
            c.pick(&[
                "Chevrolet Malibu",
                "Ford Focus",
                "Toyota Corolla",
                "Honda Civic",
                "Dodge Caravan"
            ])
        );
        resources.push(vec![
            "Vehicle".to_owned(),
            car,
            dollars(c.range(150_000, 900_000)),
        ]);
    }
    if c.chance(0.3) {
        resources.push(vec![
            "Life insurance".to_owned(),
            "Burial policy".to_owned(),
            dollars(c.range(100_000, 500_000)),
        ]);
    }
    c.table(
        l,
        &[
            ("Resource", 0.0),
            ("Where held", 160.0),
            ("Balance or value", 360.0),
        ],
        &resources,
    );
    c.band(l, "MEDICAL");
    let medicaid = c.chance(0.8);
    c.yes_no(
        l,
        "Do you have Medicaid or other health insurance?",
        medicaid,
    );
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

/// A job: employer, start, pay.
struct Job {
    employer: &'static str,
    title: &'static str,
    began: Date,
    rate_cents: i64,
    hours: i64,
}

fn job(c: &mut Ctx) -> Job {
    let employer = c.pick(&EMPLOYERS);
    c.set("employer", employer);
    Job {
        employer,
        title: c.pick(&JOBS),
        began: add_days(c.date, -c.range(60, 400)),
        rate_cents: c.range(23, 56) * 50,
        hours: c.range(8, 32),
    }
}

fn form_821(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "WORK ACTIVITY REPORT - EMPLOYEE", "0960-0059");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name", name), (label, ssn)]);
    c.band(l, "PART I - EMPLOYMENT INFORMATION");
    let job = job(c);
    let line = c.range(0, 99);
    let phone = format!("({}) 555-01{line:02}", c.who.city.area_code);
    c.row(
        l,
        &[
            ("Name of employer", job.employer.to_owned()),
            ("Telephone", phone),
        ],
    );
    let street = c.street();
    let city = c.who.city_line();
    c.row(l, &[("Employer's address", format!("{street}, {city}"))]);
    let began = c.d(job.began);
    let ended = if c.chance(0.7) {
        "Still working".to_owned()
    } else {
        let ended = add_days(c.date, -c.range(5, 50));
        c.d(ended)
    };
    c.row(l, &[("Date work began", began), ("Date work ended", ended)]);
    c.row(
        l,
        &[
            ("Job title", job.title.to_owned()),
            (
                "Rate of pay",
                format!("{} per hour", dollars(job.rate_cents)),
            ),
        ],
    );
    let paid = c.pick(&["Weekly", "Every two weeks", "Twice a month", "Monthly"]);
    c.row(
        l,
        &[
            ("Hours worked per week", job.hours.to_string()),
            ("How often paid", paid.to_owned()),
        ],
    );
    c.para(
        l,
        "Gross earnings (before any deductions) for each month you worked:",
    );
    let mut month = job.began;
    let mut rows = Vec::new();
    for _ in 0..c.range(3, 6) {
        let hours = job.hours * 4 + c.range(-6, 6);
        rows.push(vec![
            format!("{} {}", month_name(month), month.year()),
            hours.to_string(),
            dollars(hours * job.rate_cents),
        ]);
        month = add_days(month, 31);
    }
    c.table(
        l,
        &[("Month", 0.0), ("Hours", 180.0), ("Gross earnings", 300.0)],
        &rows,
    );
    c.band(l, "PART II - SPECIAL CONDITIONS");
    c.para(
        l,
        "Did you receive any special help or changes at work because of your condition?",
    );
    let help: Vec<(&str, bool)> = [
        "Extra supervision",
        "Job coach",
        "Fewer or easier duties",
        "Extra rest breaks",
        "Lower production allowed",
    ]
    .iter()
    .map(|h| (*h, c.chance(0.3)))
    .collect();
    c.checks(l, &help);
    c.band(l, "PART III - IMPAIRMENT-RELATED WORK EXPENSES");
    let pays = c.chance(0.4);
    c.yes_no(
        l,
        "Do you pay for any items or services you need to work because of your condition?",
        pays,
    );
    if pays {
        let rows = vec![
            vec![
                "Transportation to work".to_owned(),
                dollars(c.range(3_000, 12_000)),
            ],
            vec![
                "Prescription co-pays".to_owned(),
                dollars(c.range(1_000, 6_000)),
            ],
        ];
        c.table(
            l,
            &[("Item or service", 0.0), ("Monthly cost", 300.0)],
            &rows,
        );
    }
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

fn letter_821(c: &mut Ctx, l: &mut Layout) {
    let job = job(c);
    let first = format!(
        "I am writing to report that I started working at {} on {}. I work about {} hours a \
         week as a {} and I am paid {} an hour.",
        job.employer,
        c.d(job.began),
        job.hours,
        job.title,
        dollars(job.rate_cents)
    );
    let second = c
        .pick(&[
            "My employer lets me take extra breaks because of my condition.",
            "I have a job coach from the state vocational rehabilitation office.",
            "I am trying to see if I can keep working part time.",
        ])
        .to_owned();
    let third = "Please let me know if you need my pay stubs.".to_owned();
    let subject = c.pick(&["Reporting my work", "Work report", "New job"]);
    claimant_letter(c, l, subject, vec![first, second, third]);
}

// Evidence: pay stubs, bank statements, medical records, receipts, birth records, letters.

fn month_end(d: Date) -> Date {
    let next = add_days(ymd(d.year(), d.month() as u8, 1), 32);
    add_days(ymd(next.year(), next.month() as u8, 1), -1)
}

fn pay_stub(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[
        NameStyle::Natural,
        NameStyle::Upper,
        NameStyle::LastFirstUpper,
    ]);
    let employer = c.pick(&EMPLOYERS);
    c.set("employer", employer);
    let street = c.street();
    let city = c.who.city;
    let (days, frequency) = c.pick(&[
        (7, "Weekly"),
        (14, "Biweekly"),
        (14, "Biweekly"),
        (15, "Semi-monthly"),
    ]);
    let pay_date = c.date;
    let (start, end) = if days == 15 {
        let worked = add_days(pay_date, -c.range(3, 8));
        let (y, m) = (worked.year(), worked.month() as u8);
        if worked.day() <= 15 {
            (ymd(y, m, 1), ymd(y, m, 15))
        } else {
            (ymd(y, m, 16), month_end(worked))
        }
    } else {
        let end = add_days(pay_date, -c.range(3, 7));
        (add_days(end, -(days - 1)), end)
    };
    c.set("pay_period_start", iso(start));
    c.set("pay_period_end", iso(end));
    c.set("pay_date", iso(pay_date));

    let rate = c.range(23, 56) * 50;
    let hours = c.range(16, 40) * days / 7;
    let regular = rate * hours;
    let overtime_hours = if c.chance(0.3) { c.range(1, 8) } else { 0 };
    let overtime = overtime_hours * rate * 3 / 2;
    let gross = regular + overtime;
    c.set("gross_pay", plain_money(gross));
    let mut deductions = vec![
        ("Federal income tax", gross * c.range(5, 12) / 100),
        ("Social Security", gross * 62 / 1000),
        ("Medicare", gross * 145 / 10_000),
    ];
    if c.chance(0.7) {
        deductions.push(("State income tax", gross * c.range(2, 5) / 100));
    }
    if c.chance(0.5) {
        deductions.push(("Health insurance", c.range(1_500, 9_000)));
    }
    if c.chance(0.3) {
        deductions.push(("401(k)", gross * c.range(2, 6) / 100));
    }
    let total_deductions: i64 = deductions.iter().map(|(_, v)| v).sum();
    let net = gross - total_deductions;
    let periods = i64::from(pay_date.ordinal() - 1) / days + 1;

    let (left, right) = (l.left, l.right);
    let title = c.pick(&[
        "EARNINGS STATEMENT",
        "PAY STATEMENT",
        "STATEMENT OF EARNINGS AND DEDUCTIONS",
    ]);
    l.row(
        12.0,
        vec![
            cell(left, Font::HelveticaBold, employer),
            rcell(right, Font::HelveticaBold, title),
        ],
    );
    l.line(
        Font::Helvetica,
        8.0,
        &format!("{street}, {}, {} {}", city.name, city.st, city.zip),
    );
    l.rule(1.0);
    let size = 8.5;
    let amounts = c.pick(&[Font::Courier, Font::Helvetica]);
    let (bold, plain) = (Font::HelveticaBold, Font::Helvetica);
    let mid = (left + right) / 2.0;
    let name = c.claimant();
    let id = format!("{:06}", c.range(1_000, 999_999));
    l.row(
        size,
        vec![
            cell(left, bold, "Employee:"),
            cell(left + 60.0, plain, name),
            cell(mid, bold, "Employee ID:"),
            cell(mid + 70.0, plain, id),
        ],
    );
    let mut cells = vec![
        cell(left, bold, "Pay period:"),
        cell(left + 60.0, plain, format!("{} - {}", c.d(start), c.d(end))),
        cell(mid, bold, "Pay date:"),
        cell(mid + 70.0, plain, c.d(pay_date)),
    ];
    l.row(size, std::mem::take(&mut cells));
    if c.chance(0.4) {
        cells.push(cell(left, bold, "SSN:"));
        cells.push(cell(
            left + 60.0,
            plain,
            format!("XXX-XX-{:04}", c.range(1, 9999)),
        ));
    }
    cells.push(cell(mid, bold, "Pay frequency:"));
    cells.push(cell(mid + 70.0, plain, frequency));
    l.row(size, cells);
    l.gap(6.0);

    // Earnings on the left half, deductions on the right.
    let half = mid - 8.0;
    let mut earnings = vec![(
        "Regular".to_owned(),
        money(rate),
        hours.to_string(),
        regular,
    )];
    if overtime > 0 {
        earnings.push((
            "Overtime".to_owned(),
            money(rate * 3 / 2),
            overtime_hours.to_string(),
            overtime,
        ));
    }
    l.row(
        size,
        vec![
            cell(left, bold, "EARNINGS"),
            rcell(left + 95.0, bold, "Rate"),
            rcell(left + 130.0, bold, "Hours"),
            rcell(left + 190.0, bold, "Current"),
            rcell(half, bold, "YTD"),
            cell(mid, bold, "DEDUCTIONS"),
            rcell(right - 70.0, bold, "Current"),
            rcell(right, bold, "YTD"),
        ],
    );
    for i in 0..earnings.len().max(deductions.len()) {
        let mut cells = Vec::new();
        if let Some((what, rate, hours, current)) = earnings.get(i) {
            cells.push(cell(left, plain, what.clone()));
            cells.push(rcell(left + 95.0, amounts, rate.clone()));
            cells.push(rcell(left + 130.0, amounts, hours.clone()));
            cells.push(rcell(left + 190.0, amounts, money(*current)));
            cells.push(rcell(half, amounts, money(current * periods)));
        }
        if let Some((what, current)) = deductions.get(i) {
            cells.push(cell(mid, plain, *what));
            cells.push(rcell(right - 70.0, amounts, money(*current)));
            cells.push(rcell(right, amounts, money(current * periods)));
        }
        l.row(size, cells);
    }
    l.rule(0.5);
    l.row(
        size + 0.5,
        vec![
            cell(left, bold, "Gross pay"),
            rcell(left + 190.0, amounts, money(gross)),
            rcell(half, amounts, money(gross * periods)),
            cell(mid, bold, "Total deductions"),
            rcell(right - 70.0, amounts, money(total_deductions)),
            rcell(right, amounts, money(total_deductions * periods)),
        ],
    );
    l.row(
        size + 1.5,
        vec![
            cell(mid, bold, "NET PAY"),
            rcell(right - 70.0, Font::CourierBold, dollars(net)),
        ],
    );
    l.gap(4.0);
    let bank = c.pick(&BANKS);
    let account = c.range(1000, 9999);
    let note = if c.chance(0.6) {
        format!("Net pay deposited to {bank} account ending {account}")
    } else {
        "NON-NEGOTIABLE - THIS IS NOT A CHECK".to_owned()
    };
    l.line(plain, 7.5, &note);
}

fn bank_statement(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[NameStyle::Natural, NameStyle::Upper]);
    let bank = c.pick(&BANKS);
    let (left, right) = (l.left, l.right);
    l.line(Font::HelveticaBold, 15.0, bank);
    let insured = if bank.contains("Credit Union") {
        "Federally insured by NCUA"
    } else {
        "Member FDIC"
    };
    let branch = format!("{}, {}", c.street(), c.who.city_line());
    let service = format!("Customer service (800) 555-01{:02}", c.range(0, 99));
    l.row(
        8.0,
        vec![
            cell(left, Font::Helvetica, format!("{branch}  {service}")),
            rcell(right, Font::Helvetica, insured),
        ],
    );
    l.rule(1.0);
    l.gap(6.0);
    let end = add_days(ymd(c.date.year(), c.date.month() as u8, 1), -1);
    let start = ymd(end.year(), end.month() as u8, 1);
    let period = format!("{} through {}", c.d(start), c.d(end));
    let account = format!("XXXXXX{:04}", c.range(1, 9999));
    let product = c.pick(&[
        "Basic Checking",
        "Everyday Checking",
        "Statement Savings",
        "Direct Benefits Checking",
    ]);
    let name = c.claimant();
    let size = 9.0;
    let (font, bold) = (Font::Helvetica, Font::HelveticaBold);
    // The longest value still ends at the margin.
    let widest = [&period, &account, &product.to_owned()]
        .iter()
        .map(|v| font.width(v, size))
        .fold(0.0, f32::max);
    let x_info = (right - 85.0 - widest).min((left + right) / 2.0);
    for (holder, (label, value)) in [name.clone(), c.who.street.clone(), c.who.city_line()]
        .into_iter()
        .zip([
            ("Statement period:", period.clone()),
            ("Account number:", account.clone()),
            ("Account type:", product.to_owned()),
        ])
    {
        l.row(
            size,
            vec![
                cell(left, font, holder),
                cell(x_info, bold, label),
                cell(x_info + 85.0, font, value),
            ],
        );
    }
    l.gap(8.0);

    let mut transactions: Vec<(Date, String, i64)> = Vec::new();
    let day = |d: u8| ymd(start.year(), start.month() as u8, d);
    if c.chance(0.7) {
        let amount = c.range(90_000, 250_000);
        transactions.push((day(3), "SSA TREAS 310 XXSOC SEC".to_owned(), amount));
    }
    if c.chance(0.4) {
        let amount = c.range(20_000, 94_300);
        transactions.push((day(1), "SSI TREAS 310 XXSUPP SEC".to_owned(), amount));
    }
    if c.chance(0.3) {
        let employer = c.pick(&EMPLOYERS).to_uppercase();
        for d in [8, 22] {
            let amount = c.range(30_000, 90_000);
            transactions.push((day(d), format!("PAYROLL DEP {employer}"), amount));
        }
    }
    // Bills come once a month on their day; shopping and cash any day.
    let bills: [(&str, u8, i64, i64); 5] = [
        ("RENT PAYMENT", 2, 45_000, 110_000),
        ("ONLINE PMT CITY UTILITIES", 12, 6_000, 20_000),
        ("ACH DEBIT WIRELESS SERVICE", 15, 3_000, 9_000),
        ("ACH DEBIT AUTO INSURANCE", 20, 5_000, 15_000),
        ("MONTHLY SERVICE FEE", 28, 500, 1_200),
    ];
    for (what, d, low, high) in bills {
        if c.chance(0.6) {
            let amount = -c.range(low, high);
            transactions.push((day(d), what.to_owned(), amount));
        }
    }
    let spending: [(&str, i64, i64); 7] = [
        ("POS PURCHASE SAVE-MORE FOODS", 1_500, 12_000),
        ("POS PURCHASE QUICK STOP FUEL", 2_000, 6_000),
        ("POS PURCHASE DOLLAR BARN", 300, 3_500),
        ("POS PURCHASE CAREWELL PHARMACY", 500, 4_000),
        ("ATM WITHDRAWAL", 2_000, 10_000),
        ("CHECK", 1_000, 30_000),
        ("POS PURCHASE VALLEY MEDICAL SUPPLY", 1_000, 8_000),
    ];
    let last_day = end.day();
    for _ in 0..c.range(6, 40) {
        let (what, low, high) = c.pick(&spending);
        let what = if what == "CHECK" {
            format!("CHECK {}", c.range(1001, 1399))
        } else {
            what.to_owned()
        };
        let d = c.range(1, i64::from(last_day)) as u8;
        let amount = -c.range(low, high);
        transactions.push((day(d), what, amount));
    }
    // Credits first on a day, and no debit the balance cannot cover: a statement, not a
    // story of bounced payments.
    transactions.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
    let opening = c.range(20_000, 300_000);
    let mut balance = opening;
    transactions.retain(|(_, _, amount)| {
        let covered = balance + amount >= 0;
        if covered {
            balance += amount;
        }
        covered
    });
    let credits: i64 = transactions.iter().map(|t| t.2).filter(|v| *v > 0).sum();
    let debits_total: i64 = transactions.iter().map(|t| t.2).filter(|v| *v < 0).sum();
    let closing = opening + credits + debits_total;

    l.band(bold, size, "ACCOUNT SUMMARY");
    for (label, value) in [
        ("Beginning balance", opening),
        ("Deposits and other credits", credits),
        ("Withdrawals and other debits", debits_total),
        ("Ending balance", closing),
    ] {
        l.row(
            size,
            vec![
                cell(left, font, label),
                rcell(left + 300.0, font, dollars(value)),
            ],
        );
    }
    l.gap(6.0);
    l.band(bold, size, "TRANSACTION DETAIL");
    let head = |l: &mut Layout| {
        l.row(
            size,
            vec![
                cell(left, bold, "Date"),
                cell(left + 50.0, bold, "Description"),
                rcell(right - 90.0, bold, "Amount"),
                rcell(right, bold, "Balance"),
            ],
        );
    };
    head(l);
    let mut balance = opening;
    for (date, what, amount) in transactions {
        balance += amount;
        let pages = l.pages.len();
        l.keep(size * 1.4);
        if l.pages.len() != pages {
            head(l);
        }
        l.row(
            size,
            vec![
                cell(
                    left,
                    font,
                    format!("{:02}/{:02}", date.month() as u8, date.day()),
                ),
                cell(left + 50.0, font, what),
                rcell(right - 90.0, font, money(amount)),
                rcell(right, font, money(balance)),
            ],
        );
    }
    running_head(l, &format!("{name}   Account {account}   {period}"));
    page_footer(l, bank);
}

fn medical_record(c: &mut Ctx, l: &mut Layout) {
    let target = c.range(3, 6) as usize;
    c.name_style = c.pick(&[
        NameStyle::LastFirstUpper,
        NameStyle::Natural,
        NameStyle::LastFirst,
        NameStyle::Upper,
    ]);
    let font = c.pick(&[Font::Times, Font::Helvetica]);
    let size = c.pick(&[10.0, 10.5, 11.0]);
    let facility = c.facility();
    let street = c.street();
    let city = c.who.city_line();
    let area = c.who.city.area_code;
    let (phone, fax) = (c.range(0, 49), c.range(50, 99));
    l.center(font.bold(), 15.0, &facility);
    l.center(font, 9.0, &format!("{street}, {city}"));
    l.center(
        font,
        9.0,
        &format!("Phone ({area}) 555-01{phone:02}   Fax ({area}) 555-01{fax:02}"),
    );
    l.rule(1.0);
    let name = c.claimant();
    let dob = c.dob();
    let mrn = c.range(1_000_000, 9_999_999).to_string();
    let provider = c.doctor();
    let n = c.range(2, 3) as usize;
    let conditions = c.conditions(n);
    let mut visit = add_days(c.date, -c.range(200, 500));
    let (left, mid) = (l.left, (l.left + l.right) / 2.0);
    let bold = font.bold();
    let mut count = 0;
    while l.pages.len() < target && count < 30 {
        count += 1;
        if count > 1 {
            l.gap(size);
            l.rule(0.5);
        }
        let kind = if count == 1 {
            c.pick(&[
                "PROGRESS NOTE",
                "OFFICE VISIT",
                "CONSULTATION REPORT",
                "DISCHARGE SUMMARY",
            ])
        } else {
            c.pick(&["PROGRESS NOTE", "OFFICE VISIT", "FOLLOW-UP VISIT"])
        };
        l.keep(size * 14.0);
        l.line(bold, size + 2.0, kind);
        let printed_visit = c.d(visit);
        l.row(
            size,
            vec![
                cell(left, bold, "Patient:"),
                cell(left + 55.0, font, name.clone()),
                cell(mid, bold, "DOB:"),
                cell(mid + 55.0, font, dob.clone()),
            ],
        );
        l.row(
            size,
            vec![
                cell(left, bold, "MRN:"),
                cell(left + 55.0, font, mrn.clone()),
                cell(mid, bold, "Date of service:"),
                cell(mid + 90.0, font, printed_visit.clone()),
            ],
        );
        l.row(
            size,
            vec![
                cell(left, bold, "Provider:"),
                cell(left + 55.0, font, provider.clone()),
            ],
        );
        l.gap(size * 0.5);
        let complaint = c.pick(&[
            "Follow-up of chronic conditions",
            "Back pain",
            "Shortness of breath",
            "Medication refill",
            "Worsening pain",
            "Anxiety and poor sleep",
            "Knee pain",
            "Headaches",
        ]);
        section(l, font, size, "Chief complaint:", complaint);
        let hpi = history(c, &conditions, visit);
        section(l, font, size, "History of present illness:", &hpi);
        l.line(bold, size, "Current medications:");
        let mut medicines = MEDICINES.to_vec();
        medicines.shuffle(c.rng);
        for (medicine, dose, _) in medicines.into_iter().take(c.range(2, 4) as usize) {
            l.line_at(left + 12.0, font, size, &format!("{medicine} {dose}"));
        }
        let vitals = format!(
            "BP {}/{}   Pulse {}   Temp 98.{} F   Weight {} lb",
            c.range(110, 160),
            c.range(68, 98),
            c.range(58, 104),
            c.range(0, 9),
            c.range(110, 310)
        );
        section(l, font, size, "Vital signs:", &vitals);
        let exam = c.sentences(3, 7, |c, i| {
            match i {
                0 => "Alert and oriented, in mild distress.",
                1 => "Tenderness over the lumbar paraspinal muscles. Straight leg raise positive on the left.",
                2 => "Lungs with scattered expiratory wheezes.",
                3 => "Gait antalgic; walks with a cane.",
                4 => "Decreased sensation to monofilament in both feet.",
                5 => "Affect flat; speech normal in rate and tone.",
                _ => {
                    if c.chance(0.5) {
                        "Crepitus and swelling of both knees; range of motion reduced."
                    } else {
                        "Grip strength reduced on the right."
                    }
                }
            }
            .to_owned()
        });
        section(l, font, size, "Examination:", &exam);
        l.line(bold, size, "Assessment:");
        for (i, (formal, _, icd)) in conditions.iter().enumerate() {
            l.line_at(
                left + 12.0,
                font,
                size,
                &format!("{}. {formal} ({icd})", i + 1),
            );
        }
        if c.chance(0.3) {
            l.line(bold, size, "Laboratory results:");
            let a1c = format!("{}.{}", c.range(5, 11), c.range(0, 9));
            let creatinine = format!("{}.{}", c.range(0, 2), c.range(1, 9));
            let hemoglobin = format!("{}.{}", c.range(9, 15), c.range(0, 9));
            for (x, row) in [
                ["Test", "Result", "Units", "Reference range"],
                ["Hemoglobin A1c", a1c.as_str(), "%", "4.0-5.6"],
                ["Creatinine", creatinine.as_str(), "mg/dL", "0.6-1.2"],
                ["Hemoglobin", hemoglobin.as_str(), "g/dL", "12.0-17.5"],
            ]
            .iter()
            .enumerate()
            {
                let f = if x == 0 { bold } else { font };
                l.row(
                    size,
                    vec![
                        cell(left + 12.0, f, row[0]),
                        cell(left + 150.0, f, row[1]),
                        cell(left + 220.0, f, row[2]),
                        cell(left + 290.0, f, row[3]),
                    ],
                );
            }
        }
        let plan = c.sentences(3, 7, |c, i| match i {
            0 => "Continue current medications.".to_owned(),
            1 => "Refer to physical therapy twice a week for six weeks.".to_owned(),
            2 => "Order MRI of the lumbar spine.".to_owned(),
            3 => format!("Follow up in {} months.", c.range(1, 6)),
            4 => format!(
                "Patient advised to avoid lifting more than {} pounds.",
                c.range(5, 20)
            ),
            5 => "Labs ordered: A1c and basic metabolic panel.".to_owned(),
            _ => "Discussed diet, exercise and smoking cessation.".to_owned(),
        });
        section(l, font, size, "Plan:", &plan);
        l.line(
            Font::TimesItalic,
            size,
            &format!("Electronically signed by {provider} on {printed_visit}"),
        );
        visit = add_days(visit, c.range(20, 90));
    }
    running_head(l, &format!("Patient: {name}   DOB: {dob}   MRN: {mrn}"));
    page_footer(l, "CONFIDENTIAL - contains protected health information");
}

fn section(l: &mut Layout, font: Font, size: f32, heading: &str, text: &str) {
    l.keep(size * 4.0);
    l.line(font.bold(), size, heading);
    l.para(font, size, 12.0, text);
}

fn history(c: &mut Ctx, conditions: &[(&str, &str, &str)], visit: Date) -> String {
    let age = c.who.age_on(visit);
    let (he, his) = (c.who.pronoun(), c.who.possessive());
    let (woman, he_cap) = if c.who.female {
        ("woman", "She")
    } else {
        ("man", "He")
    };
    let mut history: Vec<&str> = conditions.iter().map(|(formal, _, _)| *formal).collect();
    let last = history.pop().unwrap_or("chronic pain");
    let history = if history.is_empty() {
        last.to_owned()
    } else {
        let comma = if history.len() > 1 { "," } else { "" };
        format!("{}{comma} and {last}", history.join(", "))
    };
    let mut text = format!(
        "Patient is a {age}-year-old {woman} with a history of {history} who presents for \
         follow-up."
    );
    let more = c.sentences(3, 7, |c, i| match i {
        0 => {
            let symptom = c.pick(&[
                "low back pain radiating to the left leg",
                "shortness of breath on exertion",
                "daily headaches",
                "numbness and tingling in both feet",
                "joint pain and morning stiffness lasting two hours",
                "poor sleep and low mood",
                "chest tightness when climbing stairs",
            ]);
            let worse = c.pick(&["standing", "walking", "lifting", "cold weather", "stress"]);
            format!("{he_cap} reports {symptom} that is worse with {worse}.")
        }
        1 => format!("Pain is rated {}/10 today.", c.range(4, 9)),
        2 => format!(
            "{he_cap} is unable to stand for more than {} minutes.",
            c.range(5, 30)
        ),
        3 => format!("{he_cap} has tried physical therapy without lasting relief."),
        4 => format!("{he_cap} reports taking {his} medications as prescribed."),
        5 => format!("{he_cap} denies fever, chills or weight loss."),
        _ => format!("Since the last visit {he} has had two falls at home."),
    });
    text.push(' ');
    text.push_str(&more);
    text
}

/// (merchant as printed, a pharmacy?)
const MERCHANTS: [(&str, bool); 8] = [
    ("CAREWELL PHARMACY", true),
    ("Main Street Drug", true),
    ("FAMILY DISCOUNT PHARMACY", true),
    ("QuickCare Pharmacy", true),
    ("VALLEY MEDICAL SUPPLY", false),
    ("MedSupply Depot", false),
    ("HOME HEALTH EQUIPMENT CO", false),
    ("Corner Drug Store", true),
];
/// (item, price in cents, taxed)
const ITEMS: [(&str, i64, bool); 16] = [
    ("GLUCOSE TEST STRIPS 50CT", 2499, false),
    ("LANCETS 100CT", 899, false),
    ("COMPRESSION STOCKINGS", 3495, true),
    ("INCONTINENCE BRIEFS L", 1899, true),
    ("KNEE BRACE", 2799, true),
    ("WHEELCHAIR CUSHION", 4999, true),
    ("NEBULIZER TUBING", 1250, false),
    ("PILL ORGANIZER", 599, true),
    ("ADHESIVE BANDAGES", 449, true),
    ("BLOOD PRESSURE MONITOR", 3999, true),
    ("SHOWER CHAIR", 4495, true),
    ("WALKER TENNIS BALLS", 699, true),
    ("ALCOHOL PREP PADS", 329, false),
    ("HEATING PAD", 2299, true),
    ("REACHER GRABBER", 1499, true),
    ("CANE TIPS 2PK", 799, true),
];

fn receipt(c: &mut Ctx, l: &mut Layout) {
    let font = Font::Courier;
    let size = c.pick(&[8.0, 8.5, 9.0]);
    let (merchant, pharmacy) = c.pick(&MERCHANTS);
    c.set("merchant", merchant);
    let right = l.right;
    let left = l.left;
    l.center(Font::CourierBold, size + 2.0, merchant);
    let street = c.street();
    l.center(font, size, &street);
    let city = c.who.city_line();
    l.center(font, size, &city);
    let line = c.range(0, 99);
    let phone = format!("({}) 555-01{line:02}", c.who.city.area_code);
    l.center(font, size, &phone);
    if c.chance(0.6) {
        let store = format!("STORE #{}", c.range(100, 9999));
        l.center(font, size, &store);
    }
    l.gap(size);
    let date = c.date;
    c.set("purchase_date", iso(date));
    let printed = match c.date_style {
        DateStyle::Long | DateStyle::Iso | DateStyle::Abbreviated => {
            print_date(date, DateStyle::Slash)
        }
        style => print_date(date, style),
    };
    let time = format!(
        "{}:{:02} {}",
        c.range(1, 12),
        c.range(0, 59),
        c.pick(&["AM", "PM"])
    );
    l.row(
        size,
        vec![cell(left, font, printed), rcell(right, font, time)],
    );
    let register = format!(
        "CASHIER {:02}  REG {}  TRANS {}",
        c.range(1, 40),
        c.range(1, 9),
        c.range(1000, 9999)
    );
    l.line(font, size, &register);
    l.rule(0.5);
    let mut subtotal = 0;
    let mut taxed = 0;
    let mut count = 0;
    if pharmacy {
        for _ in 0..c.range(0, 2) {
            let rx = format!("RX {} COPAY", c.range(1_000_000, 9_999_999));
            let copay = c.pick(&[0, 100, 300, 470, 1000, 1500, 2500]);
            l.row(
                size,
                vec![cell(left, font, rx), rcell(right, font, money(copay))],
            );
            subtotal += copay;
            count += 1;
        }
    }
    let mut items = ITEMS.to_vec();
    items.shuffle(c.rng);
    for (item, price, tax) in items.into_iter().take(c.range(2, 7) as usize) {
        let quantity = if c.chance(0.2) { 2 } else { 1 };
        if quantity > 1 {
            l.line(font, size, item);
            l.row(
                size,
                vec![
                    cell(left + 12.0, font, format!("2 @ {}", money(price))),
                    rcell(right, font, money(price * 2)),
                ],
            );
        } else {
            l.row(
                size,
                vec![cell(left, font, item), rcell(right, font, money(price))],
            );
        }
        subtotal += price * quantity;
        if tax {
            taxed += price * quantity;
        }
        count += quantity;
    }
    let rate = c.pick(&[0, 400, 600, 625, 700, 825]);
    let tax = (taxed * rate + 5_000) / 10_000;
    let total = subtotal + tax;
    c.set("total", plain_money(total));
    l.gap(size * 0.5);
    l.row(
        size,
        vec![
            cell(left, font, "SUBTOTAL"),
            rcell(right, font, money(subtotal)),
        ],
    );
    let tax_label = format!("TAX {}.{:03}%", rate / 100, (rate % 100) * 10);
    l.row(
        size,
        vec![cell(left, font, tax_label), rcell(right, font, money(tax))],
    );
    l.row(
        size + 1.0,
        vec![
            cell(left, Font::CourierBold, "TOTAL"),
            rcell(right, Font::CourierBold, money(total)),
        ],
    );
    l.gap(size * 0.5);
    match c.range(0, 2) {
        0 => {
            let card = format!("VISA ****{:04}", c.range(1, 9999));
            l.row(
                size,
                vec![cell(left, font, card), rcell(right, font, money(total))],
            );
        }
        1 => {
            let tendered = (total / 1_000 + 1) * 1_000;
            l.row(
                size,
                vec![
                    cell(left, font, "CASH"),
                    rcell(right, font, money(tendered)),
                ],
            );
            l.row(
                size,
                vec![
                    cell(left, font, "CHANGE"),
                    rcell(right, font, money(tendered - total)),
                ],
            );
        }
        _ => {
            l.row(
                size,
                vec![cell(left, font, "DEBIT"), rcell(right, font, money(total))],
            );
        }
    }
    l.line(font, size, &format!("ITEMS SOLD {count}"));
    if pharmacy && c.chance(0.4) {
        c.name_style = NameStyle::LastFirstUpper;
        let name = c.claimant();
        l.line(font, size, &format!("PATIENT: {name}"));
    }
    l.gap(size);
    l.center(font, size, "THANK YOU");
    l.center(font, size, "RETURNS WITH RECEIPT WITHIN 30 DAYS");
}

fn birth_record(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[NameStyle::Upper, NameStyle::Natural]);
    let city = c.who.city;
    let (width, height) = (l.width, l.height);
    l.mark(Mark::Frame {
        x: 28.0,
        top: 28.0,
        w: width - 56.0,
        h: height - 56.0,
        width: 2.5,
        ink: Ink::Black,
    });
    l.mark(Mark::Frame {
        x: 34.0,
        top: 34.0,
        w: width - 68.0,
        h: height - 68.0,
        width: 0.6,
        ink: Ink::Black,
    });
    let mother = format!("{} {}", c.pick(&FEMALE), c.pick(&LAST));
    let father = format!("{} {}", c.pick(&MALE), c.who.last);
    if c.chance(0.25) {
        c.date_style = DateStyle::Long;
        let church = format!("St. {} Catholic Church", c.pick(&SAINTS));
        let font = Font::Times;
        l.gap(20.0);
        l.center(Font::TimesBold, 24.0, "Certificate of Baptism");
        l.gap(6.0);
        l.center(font, 13.0, &church);
        l.center(font, 11.0, &format!("{}, {}", city.name, city.state));
        l.gap(24.0);
        l.center(font, 12.0, "This is to certify that");
        let name = c.claimant();
        l.center(Font::TimesBold, 16.0, &name);
        l.center(font, 12.0, &format!("child of {father} and {mother},"));
        let dob = c.dob();
        l.center(
            font,
            12.0,
            &format!("born in {}, {} on {dob},", city.name, city.state),
        );
        let baptized = add_days(c.who.dob, c.range(20, 300));
        let priest = format!("{} {}", c.pick(&MALE), c.pick(&LAST));
        l.center(font, 12.0, &format!("was baptized on {}", c.d(baptized)));
        l.center(
            font,
            12.0,
            &format!("according to the Rite of the Roman Catholic Church by the Rev. {priest}."),
        );
        l.gap(12.0);
        let sponsors = format!(
            "Sponsors: {} {} and {} {}",
            c.pick(&MALE),
            c.pick(&LAST),
            c.pick(&FEMALE),
            c.pick(&LAST)
        );
        l.center(font, 12.0, &sponsors);
        l.gap(18.0);
        l.center(
            font,
            11.0,
            "As appears from the Baptismal Register of this Church.",
        );
        let dated = format!("Dated: {}", c.d(c.date));
        l.center(font, 11.0, &dated);
        l.gap(24.0);
        let pastor = format!("Rev. {} {}, Pastor", c.pick(&MALE), c.pick(&LAST));
        l.center(Font::TimesItalic, 13.0, &pastor);
        return;
    }
    l.gap(10.0);
    l.center(
        Font::HelveticaBold,
        11.0,
        &format!("STATE OF {}", city.state.to_uppercase()),
    );
    let department = c.pick(&[
        ("DEPARTMENT OF HEALTH", "Department of Health"),
        ("DEPARTMENT OF PUBLIC HEALTH", "Department of Public Health"),
        (
            "DEPARTMENT OF HEALTH AND HUMAN SERVICES",
            "Department of Health and Human Services",
        ),
    ]);
    l.center(Font::Helvetica, 10.0, department.0);
    let office = c.pick(&["OFFICE OF VITAL RECORDS", "VITAL STATISTICS SECTION"]);
    l.center(Font::Helvetica, 10.0, office);
    l.gap(8.0);
    let title = c.pick(&["CERTIFICATE OF LIVE BIRTH", "CERTIFICATION OF BIRTH"]);
    l.center(Font::TimesBold, 18.0, title);
    l.gap(8.0);
    let file = format!(
        "{}-{}-{:06}",
        c.range(100, 199),
        c.who.dob.year(),
        c.range(1, 99_999)
    );
    c.row(l, &[("State file number", file)]);
    let name = c.claimant();
    c.row(l, &[("Child's name (first, middle, last)", name)]);
    let dob = c.dob();
    let sex = if c.who.female { "Female" } else { "Male" };
    let time = format!(
        "{}:{:02} {}",
        c.range(1, 12),
        c.range(0, 59),
        c.pick(&["AM", "PM"])
    );
    c.row(
        l,
        &[
            ("Date of birth", dob),
            ("Sex", sex.to_owned()),
            ("Time of birth", time),
        ],
    );
    let hospital = match c.range(0, 2) {
        0 => format!("{} General Hospital", city.name),
        1 => format!("St. {} Hospital", c.pick(&SAINTS)),
        _ => format!("{} Memorial Hospital", c.pick(&PLACES)),
    };
    c.row(
        l,
        &[
            ("Place of birth", hospital),
            ("City or town", city.name.to_owned()),
            ("County", city.county.to_owned()),
        ],
    );
    let born_in = c.pick(&CITIES).state;
    c.row(
        l,
        &[
            ("Mother's name before first marriage", mother),
            ("Mother's birthplace", born_in.to_owned()),
        ],
    );
    c.row(
        l,
        &[
            ("Father's name", father),
            ("Father's birthplace", city.state.to_owned()),
        ],
    );
    let filed = add_days(c.who.dob, c.range(3, 25));
    let filed = c.d(filed);
    c.row(l, &[("Date filed", filed)]);
    l.gap(10.0);
    c.para(
        l,
        &format!(
            "This is a true certification of the name and facts as they appear on the official \
             record of birth filed with the {} {}. This copy is issued under the authority of \
             the laws of the State of {}.",
            city.state, department.1, city.state
        ),
    );
    let issued = c.d(c.date);
    let registrar = format!("{} {}", c.pick(&FEMALE), c.pick(&LAST));
    c.row(
        l,
        &[("Date issued", issued), ("State registrar", registrar)],
    );
    l.gap(10.0);
    c.para(
        l,
        "WARNING: DO NOT ACCEPT THIS COPY UNLESS IT SHOWS THE RAISED SEAL OF THE STATE. ANY \
         ALTERATION OR ERASURE VOIDS THIS CERTIFICATE.",
    );
}

fn correspondence(c: &mut Ctx, l: &mut Layout) {
    let kind = c.range(0, 7);
    if matches!(kind, 4 | 5) {
        return third_party_letter(c, l, kind == 4);
    }
    let (subject, paragraphs) = match kind {
        0 => {
            let moved = add_days(c.date, -c.range(0, 20));
            let old = format!(
                "{} {} {}",
                c.range(12, 9899),
                c.pick(&STREETS),
                c.pick(&STREET_TYPES)
            );
            (
                "Change of address",
                vec![
                    format!(
                        "Please change my mailing address. As of {} my new address is {}, {}.",
                        c.d(moved),
                        c.who.street,
                        c.who.city_line()
                    ),
                    format!(
                        "My old address was {old}. Please send all my mail to the new address."
                    ),
                    format!("You can reach me at {}.", c.who.phone),
                ],
            )
        }
        1 => {
            let bank = c.pick(&BANKS);
            (
                "Direct deposit",
                vec![
                    format!(
                        "Please send my monthly benefit payment to my new account at {bank}. \
                         I closed my old account last month."
                    ),
                    "I have attached a voided check with the routing and account numbers."
                        .to_owned(),
                ],
            )
        }
        2 => (
            "Benefit verification letter",
            vec![
                "Please send me a letter that shows how much I receive each month.".to_owned(),
                c.pick(&[
                    "The housing authority needs proof of my income to renew my lease.",
                    "My bank needs proof of income for a loan application.",
                    "The food stamp office asked me for a letter from Social Security.",
                ])
                .to_owned(),
            ],
        ),
        3 => {
            let spouse = c.other();
            let (relation, he) = if spouse.female {
                ("wife", "She")
            } else {
                ("husband", "He")
            };
            let died = add_days(c.date, -c.range(3, 40));
            (
                "Death of a beneficiary",
                vec![
                    format!(
                        "I am writing to tell you that my {relation}, {}, passed away on {}. \
                         {he} received Social Security benefits every month.",
                        spouse.name(),
                        c.d(died)
                    ),
                    "Please let me know what I need to do, and whether I can get survivors \
                     benefits. I have the death certificate."
                        .to_owned(),
                ],
            )
        }
        6 => {
            let year = c.range(2024, 2025);
            (
                c.pick(&["Medicare card", "Question about my benefits"]),
                vec![
                    format!(
                        "I did not receive the statement of my benefits for my {year} taxes. \
                         Please mail me a copy."
                    ),
                    "Also, my Medicare card was lost when I moved. Please send me a new one."
                        .to_owned(),
                ],
            )
        }
        _ => (
            "Update to my records",
            vec![
                "Last year I received a notice about an overpayment, which I have paid back in \
                 full. I am writing about something else."
                    .to_owned(),
                format!(
                    "My phone number has changed to {}. Please update your records.",
                    c.who.phone
                ),
            ],
        ),
    };
    claimant_letter(c, l, subject, paragraphs);
}

/// A landlord's or a food pantry's letter about the claimant.
fn third_party_letter(c: &mut Ctx, l: &mut Layout, landlord: bool) {
    let writer = c.other();
    let since = add_days(c.date, -c.range(200, 2500));
    let since = format!("{} {}", month_name(since), since.year());
    let claimant = c.who.name();
    let (he, his) = (if c.who.female { "She" } else { "He" }, c.who.possessive());
    let (organisation, paragraphs) = if landlord {
        let company = c.pick(&[
            "Cornerstone Property Management LLC",
            "Oak Hollow Apartments",
            "Parkview Terrace Apartments",
        ]);
        let rent = dollars(c.range(45_000, 120_000));
        let utilities = c.pick(&["includes", "does not include"]);
        (
            company.to_owned(),
            vec![
                format!(
                    "This letter confirms that {claimant} has rented the apartment at {} since \
                     {since}. The monthly rent is {rent}, which {utilities} utilities.",
                    c.who.street
                ),
                format!("{he} pays {his} rent on time and {his} lease runs for twelve months."),
            ],
        )
    } else {
        let church = format!("{} Community Food Pantry", c.pick(&PLACES));
        (
            church,
            vec![
                format!(
                    "{claimant} has received groceries from our food pantry twice a month since \
                     {since}."
                ),
                "We are a volunteer organization and we do not charge for this help.".to_owned(),
            ],
        )
    };
    let street = c.street();
    let recipient = c.office().to_vec();
    let letter = Letter {
        letterhead: Some(organisation.clone()),
        sender: vec![format!("{street}, {}", c.who.city_line())],
        recipient,
        subject: None,
        about_claimant: true,
        show_ssn: false,
        salutation: "To whom it may concern:",
        paragraphs,
        signer: writer.name(),
        signer_lines: vec![
            writer.name(),
            c.pick(&[
                "Manager",
                "Director",
                "Volunteer coordinator",
                "Office manager",
            ])
            .to_owned(),
            organisation,
        ],
    };
    write_letter(c, l, letter);
}

// ---------------------------------------------------------------------------------------------
// Writing: born-digital PDFs directly, scans through pdftoppm and ImageMagick.

const PDFTOPPM_TIMEOUT: Duration = Duration::from_secs(60);
const CONVERT_TIMEOUT: Duration = Duration::from_secs(120);

async fn write_document(plan: &DocPlan, out: &Path) -> Result<(), CorpusError> {
    let target = out.join(&plan.truth.file);
    let bytes = match &plan.scan {
        None => text_pdf(&plan.pages, None),
        Some(scan) => scan_document(&text_pdf(&plan.pages, Some(scan)), scan).await?,
    };
    let mut side = target.as_os_str().to_owned();
    side.push(".part");
    let side = PathBuf::from(side);
    tokio::fs::write(&side, &bytes)
        .await
        .map_err(io_error(&side))?;
    tokio::fs::rename(&side, &target)
        .await
        .map_err(io_error(&target))
}

/// Pixels of a page `points` long at `dpi` (page sizes are chosen so this is whole).
#[cfg(test)]
fn pixels(points: f32, dpi: u32) -> u32 {
    (points * dpi as f32 / 72.0).round() as u32
}

/// Renders each page of the scanner's view of the document, degrades it and returns the
/// file's bytes.
async fn scan_document(pdf: &[u8], scan: &ScanPlan) -> Result<Vec<u8>, CorpusError> {
    // A scratch directory of our own: ImageMagick reads `%` and `[` in paths as patterns, and
    // the corpus directory's name is the caller's.
    let scratch = tempfile::tempdir().map_err(io_error(&std::env::temp_dir()))?;
    let paper = scratch.path().join("paper.pdf");
    tokio::fs::write(&paper, pdf)
        .await
        .map_err(io_error(&paper))?;
    let dpi = scan.dpi.to_string();
    let extension = match scan.format {
        Format::Png => "png",
        Format::Tiff => "tif",
        _ => "jpg",
    };
    let mut images = Vec::new();
    for page in 1..=scan.pages {
        let number = page.to_string();
        let root = scratch.path().join(format!("page-{number}"));
        // A fax is black and white from the start, without anti-aliasing.
        let colour = if scan.bilevel { "-mono" } else { "-gray" };
        let mut args: Vec<std::ffi::OsString> = [
            "-r",
            &dpi,
            colour,
            "-png",
            "-f",
            &number,
            "-l",
            &number,
            "-singlefile",
        ]
        .iter()
        .map(Into::into)
        .collect();
        args.push(path_arg(&paper));
        args.push(path_arg(&root));
        run(
            "pdftoppm",
            &args,
            RunOptions::with_timeout(PDFTOPPM_TIMEOUT),
        )
        .await?;
        let image = scratch.path().join(format!("scan-{number}.{extension}"));
        let args = degrade_args(scan, page, &root.with_extension("png"), &image);
        run("convert", &args, RunOptions::with_timeout(CONVERT_TIMEOUT)).await?;
        images.push(image);
    }
    if scan.format != Format::PdfScan {
        let image = images.first().ok_or_else(|| CorpusError::PageImage {
            path: scratch.path().to_owned(),
            reason: "the document has no page".to_owned(),
        })?;
        return tokio::fs::read(image).await.map_err(io_error(image));
    }
    let mut scanned = Vec::with_capacity(images.len());
    for image in &images {
        let jpeg = tokio::fs::read(image).await.map_err(io_error(image))?;
        let facts =
            worktrack_pipeline::headers::jpeg(std::io::Cursor::new(&jpeg)).map_err(|e| {
                CorpusError::PageImage {
                    path: image.clone(),
                    reason: e.to_string(),
                }
            })?;
        let &(width, height) = facts.pages.first().ok_or_else(|| CorpusError::PageImage {
            path: image.clone(),
            reason: "no frame".to_owned(),
        })?;
        scanned.push(ScannedPage {
            jpeg,
            width,
            height,
        });
    }
    Ok(image_pdf(&scanned, scan.dpi))
}

/// ImageMagick arguments for what the PDF could not do: the optics' blur and the sensor's
/// noise, then the file format with the resolution recorded in it. Noise goes only into
/// JPEGs: PNG and TIFF would spend seconds compressing it, and their dust comes from the PDF.
fn degrade_args(
    scan: &ScanPlan,
    page: u32,
    input: &Path,
    output: &Path,
) -> Vec<std::ffi::OsString> {
    let mut png = std::ffi::OsString::from("png:");
    png.push(input.as_os_str());
    let mut args: Vec<String> = vec!["-seed".into(), (scan.seed + u64::from(page)).to_string()];
    let mut rest: Vec<String> = Vec::new();
    let jpeg = matches!(
        scan.format,
        Format::Jpeg | Format::PdfScan | Format::PdfText
    );
    if !scan.bilevel {
        rest.extend(["-blur".into(), format!("0x{}", scan.blur)]);
    }
    if jpeg {
        rest.extend([
            "-attenuate".into(),
            scan.noise.to_string(),
            "+noise".into(),
            "Gaussian".into(),
        ]);
    }
    rest.extend(["-units", "PixelsPerInch", "-density"].map(String::from));
    rest.push(scan.dpi.to_string());
    let coder = match scan.format {
        _ if scan.bilevel => {
            rest.extend(["-compress", "Group4"].map(String::from));
            "tiff"
        }
        Format::Tiff => {
            rest.extend(
                ["-colorspace", "Gray", "-depth", "8", "-compress", "LZW"].map(String::from),
            );
            "tiff"
        }
        Format::Png => {
            rest.extend(["-colorspace", "Gray", "-depth", "8"].map(String::from));
            "png"
        }
        Format::Jpeg | Format::PdfScan | Format::PdfText => {
            rest.extend(
                ["-colorspace", "Gray", "-type", "Grayscale", "-quality"].map(String::from),
            );
            rest.push(scan.jpeg_quality.to_string());
            "jpeg"
        }
    };
    let mut out = std::ffi::OsString::from(format!("{coder}:"));
    out.push(output.as_os_str());
    let mut all: Vec<std::ffi::OsString> = args.drain(..).map(Into::into).collect();
    all.push(png);
    all.extend(rest.into_iter().map(Into::into));
    all.push(out);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use worktrack_domain::{Ssn, SsnPolicy};

    fn options(out: &Path, count: usize, scanned_share: f32) -> CorpusOptions {
        CorpusOptions {
            count,
            seed: 1,
            scanned_share,
            out: out.to_owned(),
            jobs: 2,
        }
    }

    fn labels(opts: &CorpusOptions) -> Vec<Truth> {
        plan_corpus(opts).into_iter().map(|p| p.truth).collect()
    }

    /// Every `ddd-dd-dddd` or `ddd dd dddd` in `text` that stands alone.
    fn ssn_shaped(text: &str) -> Vec<String> {
        let b = text.as_bytes();
        let mut found = Vec::new();
        for i in 0..b.len().saturating_sub(10) {
            let w = &b[i..i + 11];
            let sep = w[3];
            let shaped = (sep == b'-' || sep == b' ')
                && w[6] == sep
                && w.iter()
                    .enumerate()
                    .all(|(j, c)| j == 3 || j == 6 || c.is_ascii_digit());
            let alone = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && !matches!(b.get(i + 11), Some(c) if c.is_ascii_alphanumeric());
            if shaped && alone {
                found.push(String::from_utf8_lossy(w).into_owned());
            }
        }
        found
    }

    fn normalised(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// FNV-1a over everything a corpus is made from: the labels, the born-digital PDFs, the
    /// scanner's view of every scan and the ImageMagick arguments that degrade it.
    fn fingerprint(seed: u64, count: usize) -> u64 {
        fn feed(hash: &mut u64, bytes: &[u8]) {
            for b in bytes {
                *hash ^= u64::from(*b);
                *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
            }
            *hash ^= 0xFF;
            *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
        let opts = CorpusOptions {
            seed,
            ..options(Path::new("/nonexistent"), count, 0.5)
        };
        let mut hash = 0xCBF2_9CE4_8422_2325_u64;
        for plan in plan_corpus(&opts) {
            let label = serde_json::to_string(&plan.truth).unwrap_or_default();
            feed(&mut hash, label.as_bytes());
            feed(&mut hash, &text_pdf(&plan.pages, plan.scan.as_ref()));
            if let Some(scan) = &plan.scan {
                for page in 1..=scan.pages {
                    let args = degrade_args(scan, page, Path::new("in"), Path::new("out"));
                    for arg in args {
                        feed(&mut hash, arg.as_encoded_bytes());
                    }
                }
            }
        }
        hash
    }

    #[test]
    fn the_generated_corpus_is_the_same_as_ever() {
        // Benchmarks and demo data depend on a seed giving the same documents: a change here
        // is a change to every corpus ever generated.
        assert_eq!(fingerprint(1, 120), 9_514_205_003_327_838_067);
        assert_eq!(fingerprint(8, 60), 7_067_858_450_309_681_440);
    }

    #[test]
    fn the_same_seed_gives_the_same_labels_and_texts() {
        let dir = Path::new("/nonexistent");
        let opts = options(dir, 40, 0.5);
        assert_eq!(labels(&opts), labels(&opts));
        // The number of jobs changes nothing.
        let one_job = CorpusOptions {
            jobs: 1,
            ..opts.clone()
        };
        assert_eq!(labels(&opts), labels(&one_job));
        let other = CorpusOptions {
            seed: 8,
            ..opts.clone()
        };
        assert_ne!(labels(&opts)[0].page_texts, labels(&other)[0].page_texts);
    }

    #[test]
    fn labels_are_complete_consistent_and_use_only_training_ssns() {
        let opts = options(Path::new("/nonexistent"), 340, 0.5);
        let truths = labels(&opts);
        let catalogue = default_catalogue();
        let codes: BTreeSet<&str> = catalogue
            .profile_codes
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        // Round robin: the first 17 documents have the 17 codes.
        let first: BTreeSet<&str> = truths[..codes.len()]
            .iter()
            .map(|t| t.profile_code.as_str())
            .collect();
        assert_eq!(first, codes);
        let keys: BTreeSet<&str> = [
            "claimant_name",
            "date_of_birth",
            "form_number",
            "signed_on",
            "received_on",
            "employer",
            "pay_period_start",
            "pay_period_end",
            "pay_date",
            "gross_pay",
            "merchant",
            "purchase_date",
            "total",
        ]
        .into_iter()
        .collect();
        let (mut forms, mut unnumbered, mut second, mut turned) = (0, 0, 0, 0);
        for t in &truths {
            let text = t.page_texts.join("\n");
            assert!(text.is_ascii(), "{}", t.file);
            assert_eq!(t.pages as usize, t.page_texts.len());
            assert!(
                t.page_texts.iter().all(|p| !p.trim().is_empty()),
                "{}: an empty page",
                t.file
            );
            for ssn in t.ssn.iter().chain(&t.second_ssn) {
                let parsed = Ssn::parse(ssn, SsnPolicy::Training).unwrap();
                assert!(parsed.is_training_number(), "{ssn}");
                assert_eq!(&parsed.formatted(), ssn, "labels use one format");
                assert!(
                    text.contains(ssn.as_str()) || text.contains(&ssn.replace('-', " ")),
                    "{}: {ssn} is not printed",
                    t.file
                );
            }
            // Nothing on any page looks like an SSN outside the never-issued area.
            for shaped in ssn_shaped(&text) {
                assert!(shaped.starts_with('9'), "{}: {shaped}", t.file);
            }
            for (key, value) in &t.fields {
                assert!(keys.contains(key.as_str()), "{}: {key}", t.file);
                if key.ends_with("_on")
                    || key.ends_with("date")
                    || key.starts_with("date_")
                    || key.starts_with("pay_period")
                {
                    time::Date::parse(
                        value,
                        time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .unwrap_or_else(|e| panic!("{}: {key} {value}: {e}", t.file));
                    if key != "date_of_birth" {
                        assert!(
                            value.starts_with("2025") || value.starts_with("2026"),
                            "{}: {key} {value}",
                            t.file
                        );
                    }
                }
                if key == "gross_pay" || key == "total" {
                    let (whole, cents) = value.split_once('.').unwrap();
                    assert!(
                        whole.bytes().all(|b| b.is_ascii_digit()) && cents.len() == 2,
                        "{value}"
                    );
                }
            }
            let kind = catalogue.document_type(&t.document_type).unwrap();
            if kind.form_numbers.is_empty() {
                assert_eq!(t.form_number, None);
            } else {
                forms += 1;
                match &t.form_number {
                    Some(number) => {
                        assert!(kind.form_numbers.contains(number), "{number}");
                        assert!(
                            text.contains(number.as_str()),
                            "{}: {number} not printed",
                            t.file
                        );
                        assert_eq!(t.fields.get("form_number"), Some(number));
                    }
                    None => {
                        unnumbered += 1;
                        assert!(
                            !text.contains("SSA-"),
                            "{}: a number was left on it",
                            t.file
                        );
                    }
                }
                // A claimant's own letter may leave the SSN off; a form never does.
                assert!(
                    t.fields.contains_key("claimant_name")
                        && (t.ssn.is_some() || t.form_number.is_none()),
                    "{}",
                    t.file
                );
            }
            if let Some(name) = t.fields.get("claimant_name") {
                let upper = text.to_uppercase();
                let last = name.rsplit(' ').next().unwrap().to_uppercase();
                assert!(upper.contains(&last), "{}: {name} not printed", t.file);
            }
            match t.profile_code.as_str() {
                "MED" => assert!((3..=6).contains(&t.pages), "{}: {} pages", t.file, t.pages),
                "RCPT" => {
                    assert!(t.fields.contains_key("total") && t.fields.contains_key("merchant"))
                }
                "PAY" => {
                    assert!(t.fields.contains_key("gross_pay") && t.fields.contains_key("employer"))
                }
                _ => assert!(t.pages <= 3, "{}: {} pages", t.file, t.pages),
            }
            second += usize::from(t.second_ssn.is_some());
            turned += usize::from(t.rotation != 0);
            assert_eq!(t.scanned, t.format != "pdf-text");
            assert_eq!(t.scanned, t.dpi.is_some());
            assert!(t.skew_degrees.abs() <= 3.0);
            assert!(!t.scanned || t.skew_degrees.abs() >= 0.3);
        }
        // About one form in eight has no readable number; a few documents carry a second SSN.
        assert!(
            (forms / 10..=forms / 6).contains(&unnumbered),
            "{unnumbered} of {forms}"
        );
        assert!(second > 5 && second < truths.len() / 4, "{second}");
        let scanned = truths.iter().filter(|t| t.scanned).count();
        assert_eq!(scanned, 170);
        assert!(
            (scanned / 9..=scanned / 6).contains(&turned),
            "{turned} of {scanned}"
        );
    }

    /// Pixel size and resolution of one image file, as ImageMagick reads them.
    async fn image_facts(path: &Path) -> (u32, u32, f64) {
        let out = run(
            "identify",
            &[
                std::ffi::OsString::from("-units"),
                "PixelsPerInch".into(),
                "-format".into(),
                "%w %h %x".into(),
                path_arg(path),
            ],
            RunOptions::default(),
        )
        .await
        .unwrap()
        .stdout_lossy();
        let parts: Vec<&str> = out.split_whitespace().collect();
        (
            parts[0].parse().unwrap(),
            parts[1].parse().unwrap(),
            parts[2].parse().unwrap(),
        )
    }

    #[tokio::test]
    async fn a_small_corpus_is_written_read_back_and_every_file_opens() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("corpus");
        let opts = options(&out, 20, 0.15);
        let written = generate(&opts).await.unwrap();
        assert_eq!(read_labels(&out).unwrap(), written);
        let plans = plan_corpus(&opts);
        let codes: BTreeSet<&str> = written.iter().map(|t| t.profile_code.as_str()).collect();
        assert_eq!(codes.len(), default_catalogue().profile_codes.len());
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = written.iter().map(|t| t.file.clone()).collect();
        expected.push(LABELS_FILE.to_owned());
        expected.sort();
        assert_eq!(names, expected, "nothing else is left in the directory");

        let mut checked_scans = 0;
        for (t, plan) in written.iter().zip(&plans) {
            assert!(t.file.starts_with("doc-00"), "{}", t.file);
            let path = out.join(&t.file);
            if !t.scanned {
                let text = run(
                    "pdftotext",
                    &[
                        std::ffi::OsString::from("-layout"),
                        path_arg(&path),
                        "-".into(),
                    ],
                    RunOptions::default(),
                )
                .await
                .unwrap()
                .stdout_lossy();
                let pages: Vec<&str> = text.trim_end_matches('\u{c}').split('\u{c}').collect();
                assert_eq!(pages.len(), t.pages as usize, "{}", t.file);
                for (page, truth) in pages.iter().zip(&t.page_texts) {
                    let page = normalised(page);
                    for line in truth.lines() {
                        assert!(
                            page.contains(&normalised(line)),
                            "{}: {line:?} not in\n{page}",
                            t.file
                        );
                    }
                }
                if let Some(number) = &t.form_number {
                    assert!(text.contains(number.as_str()), "{}", t.file);
                }
                continue;
            }
            let dpi = t.dpi.unwrap();
            let turned = t.rotation == 90 || t.rotation == 270;
            let expect = |page: &Page| {
                let (w, h) = (pixels(page.width, dpi), pixels(page.height, dpi));
                if turned {
                    (h, w)
                } else {
                    (w, h)
                }
            };
            if t.format == "pdf-scan" {
                let text = run(
                    "pdftotext",
                    &[path_arg(&path), "-".into()],
                    RunOptions::default(),
                )
                .await
                .unwrap()
                .stdout_lossy();
                assert!(
                    text.trim().is_empty(),
                    "{}: an image-only PDF has no text",
                    t.file
                );
                let list = run(
                    "pdfimages",
                    &[std::ffi::OsString::from("-list"), path_arg(&path)],
                    RunOptions::default(),
                )
                .await
                .unwrap()
                .stdout_lossy();
                let rows: Vec<Vec<&str>> = list
                    .lines()
                    .skip(2)
                    .map(|l| l.split_whitespace().collect())
                    .collect();
                assert_eq!(rows.len(), t.pages as usize, "{}: {list}", t.file);
                for (row, page) in rows.iter().zip(&plan.pages) {
                    let size: (u32, u32) = (row[3].parse().unwrap(), row[4].parse().unwrap());
                    assert_eq!(size, expect(page), "{}", t.file);
                    assert_eq!(row[8], "jpeg");
                    assert_eq!(row[12].parse::<u32>().unwrap(), dpi, "{}: x-ppi", t.file);
                }
            } else {
                let (w, h, x) = image_facts(&path).await;
                assert_eq!((w, h), expect(&plan.pages[0]), "{}", t.file);
                assert!((x - f64::from(dpi)).abs() < 0.5, "{}: {x} dpi", t.file);
            }
            checked_scans += 1;
        }
        assert_eq!(checked_scans, 3);
        // Seed 1 turns one of its three scans, whose size was checked on its side above.
        assert!(written
            .iter()
            .any(|t| t.rotation == 90 || t.rotation == 270));

        // A second run into the same directory replaces the corpus; a stranger's file stops it.
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = generate(&opts).await.unwrap_err();
        assert!(matches!(err, CorpusError::ForeignEntry { .. }), "{err}");
        assert!(out.join("notes.txt").exists());
    }

    #[tokio::test]
    async fn a_turned_scan_records_the_rotation_that_makes_it_upright() {
        // A 3 x 4 inch page with one black block in its top-left corner, scanned at 100 dpi
        // turned each way, in each format.
        let mut page = Page::new(216.0, 288.0);
        page.marks.push(Mark::Fill {
            x: 0.0,
            top: 0.0,
            w: 108.0,
            h: 144.0,
            grey: 0.0,
        });
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (90, Format::Png, false),
            (180, Format::Tiff, true),
            (270, Format::Jpeg, false),
            (0, Format::Tiff, false),
            (270, Format::PdfScan, false),
        ];
        for (turned, format, bilevel) in cases {
            let pages = if format == Format::PdfScan { 2 } else { 1 };
            let scan = ScanPlan {
                dpi: 100,
                skew: -1.5,
                blur: 0.3,
                noise: 0.2,
                speckle: true,
                low_contrast: true,
                grey_paper: true,
                turned,
                format,
                jpeg_quality: 80,
                bilevel,
                seed: 1,
                pages,
            };
            let truth = Truth {
                file: format!("doc-{turned}.{}", format.extension()),
                profile_code: "CORR".into(),
                document_type: "CORRESPONDENCE".into(),
                form_number: None,
                ssn: None,
                second_ssn: None,
                fields: BTreeMap::new(),
                pages,
                scanned: true,
                rotation: (360 - turned) % 360,
                skew_degrees: -1.5,
                format: format.label().into(),
                dpi: Some(100),
                page_texts: vec![String::new(); pages as usize],
            };
            let plan = DocPlan {
                truth,
                pages: vec![page.clone(); pages as usize],
                scan: Some(scan),
            };
            write_document(&plan, dir.path()).await.unwrap();
            let path = dir.path().join(&plan.truth.file);
            let quarter = turned == 90 || turned == 270;
            let expected = if quarter { (400, 300) } else { (300, 400) };
            if format == Format::PdfScan {
                let list = run(
                    "pdfimages",
                    &[std::ffi::OsString::from("-list"), path_arg(&path)],
                    RunOptions::default(),
                )
                .await
                .unwrap()
                .stdout_lossy();
                let rows: Vec<Vec<&str>> = list
                    .lines()
                    .skip(2)
                    .map(|l| l.split_whitespace().collect())
                    .collect();
                assert_eq!(rows.len(), 2, "{list}");
                for row in rows {
                    assert_eq!((row[3], row[4], row[12]), ("400", "300", "100"), "{list}");
                }
                continue;
            }
            let (w, h, x) = image_facts(&path).await;
            assert_eq!((w, h), expected, "{turned} {format:?}");
            assert!((x - 100.0).abs() < 0.5, "{x} dpi");
            // Turned back by the recorded rotation, the block is in the top-left corner again.
            let mut means = Vec::new();
            for gravity in ["NorthWest", "SouthEast"] {
                let out = run(
                    "convert",
                    &[
                        path_arg(&path),
                        "-rotate".into(),
                        plan.truth.rotation.to_string().into(),
                        "-gravity".into(),
                        gravity.into(),
                        "-crop".into(),
                        "40%x40%+0+0".into(),
                        "-format".into(),
                        "%[fx:mean]".into(),
                        "info:".into(),
                    ],
                    RunOptions::default(),
                )
                .await
                .unwrap()
                .stdout_lossy();
                means.push(out.trim().parse::<f64>().unwrap());
            }
            assert!(
                means[0] < 0.45 && means[1] > 0.7,
                "{turned} {format:?}: {means:?}"
            );
        }
    }

    #[test]
    fn bad_options_are_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let ok = options(dir.path(), 3, 0.5);
        let check = |opts: CorpusOptions| check_options(&opts).unwrap_err().to_string();
        assert!(check(CorpusOptions {
            count: 0,
            ..ok.clone()
        })
        .contains("at least one document"));
        assert!(check(CorpusOptions {
            scanned_share: 1.5,
            ..ok.clone()
        })
        .contains("between 0 and 1"));
        assert!(check(CorpusOptions {
            scanned_share: f32::NAN,
            ..ok.clone()
        })
        .contains("between 0 and 1"));
        assert!(check(CorpusOptions {
            jobs: 0,
            ..ok.clone()
        })
        .contains("job"));
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(prepare_dir(&file), Err(CorpusError::OutIsFile(_))));
        assert!(is_corpus_entry("doc-0001.pdf") && is_corpus_entry("labels.jsonl.part"));
        assert!(
            !is_corpus_entry("doc-1.docx")
                && !is_corpus_entry("doc-.pdf")
                && !is_corpus_entry("x.pdf")
        );
    }

    #[test]
    fn pdf_strings_are_escaped_and_ascii() {
        assert_eq!(pdf_string(r"a (b) \c"), r"a \(b\) \\c");
        assert_eq!(pdf_string("caf\u{e9}"), "caf?");
        assert_eq!(money(123_456_789), "1,234,567.89");
        assert_eq!(money(5), "0.05");
        assert_eq!(plain_money(123_456), "1234.56");
    }
}
