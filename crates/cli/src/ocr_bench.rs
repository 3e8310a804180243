//! `worktrack bench ocr`: the same generated scans through WorkTrack's reading pipeline and
//! through OCRmyPDF (`ocrmypdf --output-type pdf -O1`), in one run, with the same Tesseract,
//! `OMP_THREAD_LIMIT=1` and the same number of parallel jobs. Prints pages per minute, their
//! ratio, and the character error rate of each against the text the generator printed; then
//! how many documents the classifier, trained on part of the corpus as the workbench trains
//! it, would accept without a person, and what that means for human time. Asserts nothing.

use crate::profile::{evaluate, read_corpus, train};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use worktrack_domain::catalogue::default_catalogue;
use worktrack_domain::classifier::{self, Model};
use worktrack_pipeline::corpus::{generate, CorpusOptions, Truth};
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

/// `(errors, reference length)` of `read` against `truth`.
fn char_errors(truth: &str, read: &str) -> (usize, usize) {
    let t = normalise(truth);
    (edit_distance(&t, &normalise(read)), t.len())
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
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut tasks = Vec::new();
    for t in files {
        let input = dir.join(&t.file);
        let output = out.join(format!("{}.ocr.pdf", t.file));
        let limit = limit.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            let args: Vec<std::ffi::OsString> = vec![
                "--output-type".into(),
                "pdf".into(),
                "-O1".into(),
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
        }));
    }
    let mut texts = Vec::new();
    for t in tasks {
        texts.push(t.await.context("an ocrmypdf task")??);
    }
    Ok(texts)
}

pub async fn ocr_bench(args: OcrBenchArgs) -> anyhow::Result<ExitCode> {
    let version = run(
        "ocrmypdf",
        &["--version"],
        RunOptions::with_timeout(Duration::from_secs(30)),
    )
    .await;
    let Ok(version) = version else {
        bail!("ocrmypdf is not installed: `apt-get install ocrmypdf` (Debian) or `pip install ocrmypdf`");
    };
    let tesseract = run(
        "tesseract",
        &["--version"],
        RunOptions::with_timeout(Duration::from_secs(30)),
    )
    .await
    .map_err(|e| anyhow::anyhow!("tesseract: {e}"))?;
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
    let turned = scans.iter().filter(|t| t.rotation != 0).count();

    eprintln!(
        "WorkTrack: reading {} scanned documents ({scan_pages} pages)",
        scans.len()
    );
    let started = Instant::now();
    let ours = read_corpus(&corpus, scans.clone(), args.jobs).await?;
    let mut wt = Tally {
        seconds: started.elapsed().as_secs_f64(),
        pages: scan_pages,
        ..Tally::default()
    };
    for d in &ours {
        let text: Vec<&str> = d.pages.iter().map(|p| p.text.as_str()).collect();
        wt.add(&d.truth, &text.join("\n"));
    }

    eprintln!("OCRmyPDF: the same {} documents", scans.len());
    let started = Instant::now();
    let theirs = ocrmypdf_all(&corpus, &scans, args.jobs, &out).await?;
    let mut om = Tally {
        seconds: started.elapsed().as_secs_f64(),
        pages: scan_pages,
        ..Tally::default()
    };
    for (t, text) in scans.iter().zip(&theirs) {
        om.add(t, text);
    }

    println!(
        "OCR: {} scanned documents, {scan_pages} pages ({turned} documents turned 90/180/270°), {} parallel jobs, OMP_THREAD_LIMIT=1",
        scans.len(),
        args.jobs
    );
    println!(
        "  {} / ocrmypdf {}",
        tesseract
            .stdout_lossy()
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim(),
        version.stdout_lossy().trim()
    );
    println!(
        "{:<28} {:>10} {:>12} {:>8} {:>14}",
        "", "seconds", "pages/min", "CER", "CER (upright)"
    );
    for (name, t) in [
        ("WorkTrack pipeline", &wt),
        ("ocrmypdf --output-type pdf -O1", &om),
    ] {
        println!(
            "{:<28} {:>10.1} {:>12.1} {:>7.2}% {:>13.2}%",
            name,
            t.seconds,
            t.pages_per_minute(),
            t.cer() * 100.0,
            t.upright_cer() * 100.0
        );
    }
    println!(
        "speed ratio (WorkTrack / OCRmyPDF): {:.2}x",
        wt.pages_per_minute() / om.pages_per_minute().max(1e-9)
    );

    // Profiling: the rest of the corpus (born-digital documents) is read, then the classifier
    // learns from the first 70% in order, as confirmations arrive, and is measured on the rest.
    let digital: Vec<Truth> = truths.iter().filter(|t| !t.scanned).cloned().collect();
    let mut all = ours;
    all.extend(read_corpus(&corpus, digital, args.jobs).await?);
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
    let per_hour = 3600.0 / (args.review_seconds * reviewed.max(1e-9));
    println!(
        "  at {:.0} s of human time per reviewed suggestion (assumed), one hour of human time profiles {:.0} documents ({:.0} without auto-accept)",
        args.review_seconds,
        per_hour,
        3600.0 / args.review_seconds
    );
    Ok(ExitCode::SUCCESS)
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
