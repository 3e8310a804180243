//! `worktrack bench ocr`: the same generated scans (200 and 300 dpi; noise, skew and turned
//! pages; JPEG, PNG, TIFF and image-only PDF) three ways in one run, with the same Tesseract,
//! `OMP_THREAD_LIMIT=1` and the same parallelism:
//! - **WorkTrack as the product runs it**: a fresh data directory, each file taken in as
//!   `worktrack import` takes it (sniffed, encrypted, recorded), then the background jobs as
//!   the server schedules them (`--jobs` slots and the quick lane: page images, text,
//!   profiling) until every document is ready to profile;
//! - **OCRmyPDF** (`ocrmypdf --output-type pdf -O1 --rotate-pages --skip-text`), `--jobs`
//!   files at a time;
//! - **raw Tesseract** (the floor): one `tesseract IMAGE stdout` per page, `--jobs` at a time,
//!   no orientation, no storage.
//!
//! Prints pages per minute, the ratios, the character error rate of each against the text the
//! generator printed, and where WorkTrack's time went (decode, OCR, orientation, page images,
//! profiling); then how many documents the classifier, trained on part of the corpus as the
//! workbench trains it, would accept without a person. Asserts nothing.

use crate::profile::{evaluate, read_corpus, train};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use worktrack_corpus::{generate, CorpusOptions, Truth};
use worktrack_domain::catalogue::default_catalogue;
use worktrack_domain::classifier::{self, Model};
use worktrack_pipeline::process::{run, RunOptions};

#[derive(clap::Args, Debug)]
pub struct OcrBenchArgs {
    /// Documents generated; about half are scans (the OCR comparison), all are profiled.
    #[arg(long, default_value_t = 120)]
    pub documents: usize,
    /// Parallel jobs for both pipelines (each runs one single-threaded Tesseract at a time).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Seconds a person needs to check and accept one suggested profile in the workbench
    /// (an assumption, printed with the result).
    #[arg(long, default_value_t = 20.0)]
    pub review_seconds: f64,
    /// Where to generate the corpus (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Levenshtein distance over characters, in two rows.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Text reduced for comparison: runs of whitespace become one space.
fn normalise(text: &str) -> Vec<char> {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// `(errors, reference length)` of `read` against `truth`. SSNs are masked on both sides:
/// WorkTrack stores text with SSNs masked, and the others are not to be favoured by reading
/// digits it chooses not to keep.
fn char_errors(truth: &str, read: &str) -> (usize, usize) {
    let t = normalise(&worktrack_domain::mask_in_text(truth));
    let r = normalise(&worktrack_domain::mask_in_text(read));
    (edit_distance(&t, &r), t.len())
}

#[derive(Default)]
struct Tally {
    pages: usize,
    errors: usize,
    chars: usize,
    upright_errors: usize,
    upright_chars: usize,
    seconds: f64,
}

impl Tally {
    /// The tally of `texts`, one per scan, read in `seconds`.
    fn of(seconds: f64, scans: &[Truth], texts: &[String]) -> Self {
        let mut tally = Tally {
            seconds,
            pages: scans.iter().map(|t| t.pages as usize).sum(),
            ..Tally::default()
        };
        for (t, text) in scans.iter().zip(texts) {
            tally.add(t, text);
        }
        tally
    }

    fn add(&mut self, truth: &Truth, read: &str) {
        let (e, n) = char_errors(&truth.page_texts.join("\n"), read);
        self.errors += e;
        self.chars += n;
        if truth.rotation == 0 {
            self.upright_errors += e;
            self.upright_chars += n;
        }
    }
    fn pages_per_minute(&self) -> f64 {
        self.pages as f64 / (self.seconds / 60.0).max(1e-9)
    }
    fn cer(&self) -> f64 {
        self.errors as f64 / self.chars.max(1) as f64
    }
    fn upright_cer(&self) -> f64 {
        self.upright_errors as f64 / self.upright_chars.max(1) as f64
    }
}

/// OCRmyPDF on every file, `jobs` at a time; returns the text of each result, in order.
async fn ocrmypdf_all(
    dir: &Path,
    files: &[Truth],
    jobs: usize,
    out: &Path,
) -> anyhow::Result<Vec<String>> {
    run_all(jobs, "an ocrmypdf task", files.iter(), |t| {
        let input = dir.join(&t.file);
        let output = out.join(format!("{}.ocr.pdf", t.file));
        async move {
            let args: Vec<std::ffi::OsString> = vec![
                "--output-type".into(),
                "pdf".into(),
                "-O1".into(),
                "--rotate-pages".into(),
                "--skip-text".into(),
                "--jobs".into(),
                "1".into(),
                "--quiet".into(),
                input.into_os_string(),
                output.clone().into_os_string(),
            ];
            // `run` gives every child OMP_THREAD_LIMIT=1, as it does WorkTrack's Tesseract.
            run(
                "ocrmypdf",
                &args,
                RunOptions::with_timeout(Duration::from_secs(600)),
            )
            .await
            .map_err(|e| anyhow::anyhow!("ocrmypdf: {e}"))?;
            let text = run(
                "pdftotext",
                &[output.into_os_string(), "-".into()],
                RunOptions::with_timeout(Duration::from_secs(60)),
            )
            .await
            .map_err(|e| anyhow::anyhow!("pdftotext: {e}"))?;
            Ok::<String, anyhow::Error>(text.stdout_lossy())
        }
    })
    .await
}

/// Runs `task` on every item, `jobs` at a time, each on a Tokio task of its own; returns
/// their results in order (`what` names a task that panicked).
async fn run_all<T, F>(
    jobs: usize,
    what: &'static str,
    items: impl IntoIterator<Item = T>,
    task: impl Fn(T) -> F,
) -> anyhow::Result<Vec<String>>
where
    F: std::future::Future<Output = anyhow::Result<String>> + Send + 'static,
{
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut tasks = Vec::new();
    for item in items {
        let (limit, work) = (limit.clone(), task(item));
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            work.await
        }));
    }
    let mut results = Vec::with_capacity(tasks.len());
    for t in tasks {
        results.push(t.await.context(what)??);
    }
    Ok(results)
}

/// What the product path did: its time, each document's stored text (in `scans` order), where
/// the time went, and how many documents ended ready to profile.
struct ProductRun {
    seconds: f64,
    texts: Vec<String>,
    spent: worktrack_pipeline::jobs::Spent,
    ready: usize,
    take_in_seconds: f64,
    /// External program runs on the documents' scratch copies, by program.
    runs: std::collections::BTreeMap<String, usize>,
}

/// Takes every scan in as `worktrack import` does and runs the background jobs as the server
/// does (`jobs` slots and the quick lane) until no job is left; returns the stored texts.
async fn product_path(
    corpus: &Path,
    scans: &[Truth],
    dir: &Path,
    jobs: usize,
) -> anyhow::Result<ProductRun> {
    use crate::config::{Config, Overrides, Source};
    use rand::RngCore;
    let data = dir.join("worktrack-data");
    let config_file = dir.join("bench.toml");
    std::fs::write(&config_file, "")?;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let config = Config::resolve(
        Overrides {
            database_url: Some((
                format!("sqlite://{}", data.join("worktrack.db").display()),
                Source::Flag,
            )),
            data_dir: Some((data.clone(), Source::Flag)),
            master_key: Some(key.iter().map(|b| format!("{b:02x}")).collect()),
            ..Overrides::default()
        },
        Some(config_file),
    )?;
    let store = crate::server::open_store(&config).await?;
    let intake = crate::server::open_intake(&config, store.clone())?;
    let actor = worktrack_store::Actor::system("bench");
    let office = store
        .create_office(
            &actor,
            &crate::bench::bench_office("OCRB", "Reading Benchmark Office")?,
        )
        .await?;
    let started = Instant::now();
    let mut ids = Vec::with_capacity(scans.len());
    for t in scans {
        let outcome = intake
            .take_in(
                &actor,
                worktrack_pipeline::intake::Incoming {
                    path: &corpus.join(&t.file),
                    filename: &t.file,
                    office: &office,
                    received_on: worktrack_pipeline::intake::Intake::today(&office),
                    original_evidence: false,
                    source: worktrack_store::Source::Import,
                    source_key: None,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("taking in {}: {e}", t.file))?;
        ids.push(outcome.document.id);
    }
    let take_in_seconds = started.elapsed().as_secs_f64();
    let pool = worktrack_pipeline::jobs::Pool::new(jobs);
    let log = worktrack_pipeline::process::RunLog::watch(&intake.work_dir);
    worktrack_pipeline::jobs::run_until_empty(&intake, &pool, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("running the jobs: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut texts = Vec::with_capacity(ids.len());
    let mut ready = 0;
    for id in &ids {
        let pages = store.page_texts(*id).await?;
        texts.push(
            pages
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        );
        if !matches!(
            store.profile_status(*id).await?.as_str(),
            "none" | "pending" | "failed"
        ) {
            ready += 1;
        }
    }
    store.close().await;
    Ok(ProductRun {
        seconds,
        texts,
        spent: pool.reading.spent(),
        ready,
        take_in_seconds,
        runs: log.counts(),
    })
}

/// Raw Tesseract on every page (the floor): an image file read as it is, an image-only PDF's
/// page images taken out with `pdfimages -j` first (a JPEG stays the JPEG it is, as the text
/// job reads it); `jobs` documents at a time, their pages one after another; no orientation.
async fn tesseract_floor(
    corpus: &Path,
    scans: &[Truth],
    jobs: usize,
    scratch: &Path,
) -> anyhow::Result<Vec<String>> {
    run_all(
        jobs,
        "a tesseract task",
        scans.iter().enumerate(),
        |(i, t)| {
            let input = corpus.join(&t.file);
            let dpi = t.dpi.unwrap_or(300).to_string();
            let pdf = t.format == "pdf-scan";
            let scratch = scratch.to_path_buf();
            async move {
                let images = if pdf {
                    let root = scratch.join(format!("doc{i}"));
                    run(
                        "pdfimages",
                        &[
                            std::ffi::OsString::from("-j"),
                            "-png".into(),
                            input.into_os_string(),
                            root.into_os_string(),
                        ],
                        RunOptions::with_timeout(Duration::from_secs(120)),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("pdfimages: {e}"))?;
                    let prefix = format!("doc{i}-");
                    let mut found: Vec<PathBuf> = std::fs::read_dir(&scratch)?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| n.starts_with(&prefix))
                        })
                        .collect();
                    found.sort();
                    found
                } else {
                    vec![input]
                };
                let mut text = String::new();
                for image in images {
                    let out = run(
                        "tesseract",
                        &[
                            image.into_os_string(),
                            "stdout".into(),
                            "--dpi".into(),
                            dpi.clone().into(),
                        ],
                        RunOptions::with_timeout(Duration::from_secs(300)),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("tesseract: {e}"))?;
                    text.push_str(&out.stdout_lossy());
                    text.push('\n');
                }
                Ok::<String, anyhow::Error>(text)
            }
        },
    )
    .await
}

pub async fn ocr_bench(args: OcrBenchArgs) -> anyhow::Result<ExitCode> {
    let versions = tool_versions().await?;
    let tmp;
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let corpus = dir.join("corpus");
    let out = dir.join("ocrmypdf");
    std::fs::create_dir_all(&out)?;
    eprintln!(
        "generating {} documents in {}",
        args.documents,
        corpus.display()
    );
    let truths = generate(&CorpusOptions {
        count: args.documents,
        seed: args.seed,
        scanned_share: 0.5,
        out: corpus.clone(),
        jobs: args.jobs,
    })
    .await
    .map_err(|e| anyhow::anyhow!("generating the corpus: {e}"))?;
    let scans: Vec<Truth> = truths.iter().filter(|t| t.scanned).cloned().collect();
    let scan_pages: usize = scans.iter().map(|t| t.pages as usize).sum();

    eprintln!(
        "WorkTrack: taking in {} scanned documents ({scan_pages} pages) and running the jobs",
        scans.len()
    );
    let product = product_path(&corpus, &scans, &dir, args.jobs).await?;
    let wt = Tally::of(product.seconds, &scans, &product.texts);

    eprintln!("OCRmyPDF: the same {} documents", scans.len());
    let started = Instant::now();
    let theirs = ocrmypdf_all(&corpus, &scans, args.jobs, &out).await?;
    let om = Tally::of(started.elapsed().as_secs_f64(), &scans, &theirs);

    eprintln!("raw Tesseract: the same {scan_pages} pages");
    let scratch = dir.join("floor");
    std::fs::create_dir_all(&scratch)?;
    let started = Instant::now();
    let floor_texts = tesseract_floor(&corpus, &scans, args.jobs, &scratch).await?;
    let floor = Tally::of(started.elapsed().as_secs_f64(), &scans, &floor_texts);

    ocr_report(&scans, args.jobs, &versions, [&wt, &om, &floor], &product);

    profiling_report(&corpus, &truths, args.jobs, args.review_seconds).await?;
    Ok(ExitCode::SUCCESS)
}

/// `ocrmypdf --version` and `tesseract --version`: both must be installed.
struct ToolVersions {
    ocrmypdf: worktrack_pipeline::process::Output,
    tesseract: worktrack_pipeline::process::Output,
}

async fn tool_versions() -> anyhow::Result<ToolVersions> {
    let version = run(
        "ocrmypdf",
        &["--version"],
        RunOptions::with_timeout(Duration::from_secs(30)),
    )
    .await;
    let Ok(ocrmypdf) = version else {
        bail!("ocrmypdf is not installed: `apt-get install ocrmypdf` (Debian) or `pip install ocrmypdf`");
    };
    let tesseract = run(
        "tesseract",
        &["--version"],
        RunOptions::with_timeout(Duration::from_secs(30)),
    )
    .await
    .map_err(|e| anyhow::anyhow!("tesseract: {e}"))?;
    Ok(ToolVersions {
        ocrmypdf,
        tesseract,
    })
}

/// The OCR table: WorkTrack, OCRmyPDF and raw Tesseract on the same scans, then where
/// WorkTrack's time went.
fn ocr_report(
    scans: &[Truth],
    jobs: usize,
    versions: &ToolVersions,
    [wt, om, floor]: [&Tally; 3],
    product: &ProductRun,
) {
    let scan_pages: usize = scans.iter().map(|t| t.pages as usize).sum();
    let turned = scans.iter().filter(|t| t.rotation != 0).count();
    let dpis: std::collections::BTreeSet<u32> = scans.iter().filter_map(|t| t.dpi).collect();
    let formats: std::collections::BTreeSet<&str> =
        scans.iter().map(|t| t.format.as_str()).collect();
    println!(
        "OCR: {} scanned documents, {scan_pages} pages ({turned} documents turned 90/180/270°; {} dpi; {}), {} parallel jobs, OMP_THREAD_LIMIT=1",
        scans.len(),
        dpis.iter().map(u32::to_string).collect::<Vec<_>>().join(" and "),
        formats.iter().copied().collect::<Vec<_>>().join(", "),
        jobs
    );
    println!(
        "  {} / ocrmypdf {}",
        versions
            .tesseract
            .stdout_lossy()
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim(),
        versions.ocrmypdf.stdout_lossy().trim()
    );
    println!(
        "{:<54} {:>9} {:>10} {:>8} {:>14}",
        "", "seconds", "pages/min", "CER", "CER (upright)"
    );
    for (name, t) in [
        ("WorkTrack: import + background jobs until ready", wt),
        (
            "ocrmypdf --output-type pdf -O1 --rotate-pages --skip-text",
            om,
        ),
        ("raw tesseract (floor: no orientation, no storage)", floor),
    ] {
        println!(
            "{:<54} {:>9.1} {:>10.1} {:>7.2}% {:>13.2}%",
            name,
            t.seconds,
            t.pages_per_minute(),
            t.cer() * 100.0,
            t.upright_cer() * 100.0
        );
    }
    println!(
        "WorkTrack: {} of {} documents ready to profile; take-in {:.1} s",
        product.ready,
        scans.len(),
        product.take_in_seconds
    );
    let s = &product.spent;
    println!(
        "  time by step, summed over the slots: decode (with the page images written from it) {:.1} s, OCR {:.1} s, orientation {:.1} s ({} of {} pages checked), page images apart from decoding {:.1} s, storing page images {:.1} s, profiling {:.1} s",
        s.steps.decode.as_secs_f64(),
        s.steps.ocr.as_secs_f64(),
        s.steps.orientation.as_secs_f64(),
        s.pages_turned_or_checked,
        s.pages_read,
        s.steps.images.as_secs_f64(),
        s.jobs
            .get("page_images")
            .map_or(0.0, Duration::as_secs_f64),
        s.jobs.get("profile").map_or(0.0, Duration::as_secs_f64),
    );
    println!(
        "  program runs on the documents: {}",
        product
            .runs
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "share of the floor (WorkTrack / raw Tesseract): {:.0}%",
        100.0 * wt.pages_per_minute() / floor.pages_per_minute().max(1e-9)
    );
    println!(
        "speed ratio (WorkTrack / OCRmyPDF): {:.2}x",
        wt.pages_per_minute() / om.pages_per_minute().max(1e-9)
    );
}

/// Profiling: the rest of the corpus (born-digital documents) is read, then the classifier
/// learns from the first 70% in order, as confirmations arrive, and is measured on the rest.
async fn profiling_report(
    corpus: &Path,
    truths: &[Truth],
    jobs: usize,
    review_seconds: f64,
) -> anyhow::Result<()> {
    let mut all = read_corpus(corpus, truths.to_vec(), jobs).await?;
    let order: std::collections::HashMap<String, usize> = truths
        .iter()
        .enumerate()
        .map(|(i, t)| (t.file.clone(), i))
        .collect();
    all.sort_by_key(|d| order.get(&d.truth.file).copied().unwrap_or(usize::MAX));
    let split = all.len() * 7 / 10;
    let mut model = Model::cold_start(&default_catalogue());
    let outcomes = train(&mut model, &all[..split])?;
    let threshold = classifier::auto_accept_threshold(
        &outcomes,
        worktrack_store::AUTO_ACCEPT_PRECISION,
        worktrack_store::AUTO_ACCEPT_MIN_SUPPORT,
    );
    let e = evaluate(&model, &all[split..], threshold);
    println!();
    println!(
        "profiling: trained on {} confirmations, measured on {} documents: accuracy {:.1}%",
        split,
        e.documents,
        e.accuracy * 100.0
    );
    match threshold {
        Some(t) => println!(
            "  auto-accept threshold {:.1}% (98% precision on the training confirmations): {:.1}% of documents accepted without a person, {} of those right",
            f64::from(t) * 100.0,
            e.auto_accept_rate * 100.0,
            e.auto_accept_precision
                .map(|p| format!("{:.1}%", p * 100.0))
                .unwrap_or_else(|| "-".into())
        ),
        None => println!("  auto-accept: not reached (98% precision not yet measured on 50 confirmations)"),
    }
    // Claimant matching is not part of this measure: the generated claimants are not on file.
    let reviewed = 1.0 - e.auto_accept_rate;
    let per_hour = 3600.0 / (review_seconds * reviewed.max(1e-9));
    println!(
        "  at {:.0} s of human time per reviewed suggestion (assumed), one hour of human time profiles {:.0} documents ({:.0} without auto-accept)",
        review_seconds,
        per_hour,
        3600.0 / review_seconds
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("kitten"), &c("sitting")), 3);
        assert_eq!(edit_distance(&c(""), &c("abc")), 3);
        assert_eq!(edit_distance(&c("abc"), &c("abc")), 0);
        assert_eq!(char_errors("a  b\nc", "a b c"), (0, 5));
    }
}
