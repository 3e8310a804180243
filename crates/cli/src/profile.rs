//! `worktrack profile eval`: how well profiling does on a labelled corpus (one made by
//! `worktrack demo documents`, or real documents with a `labels.jsonl` of the same shape).
//! Every file is read exactly as the server reads a stored document (text layer or OCR,
//! extraction, the classifier's features); the model either learns from a training corpus
//! one confirmation at a time, as the workbench teaches it, or is the database's own.

use anyhow::{bail, Context};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use worktrack_corpus::{read_labels, Truth};
use worktrack_domain::catalogue::default_catalogue;
use worktrack_domain::classifier::{self, Features, Model};
use worktrack_domain::SsnPolicy;
use worktrack_pipeline::profiling::{extract_pages, features_of, read_file};
use worktrack_pipeline::text::PageText;

#[derive(clap::Subcommand, Debug)]
pub enum ProfileCommand {
    /// Accuracy, per-code precision and recall, and the confusion matrix on a labelled corpus.
    Eval(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The corpus to evaluate on (a directory with labels.jsonl).
    pub dir: PathBuf,
    /// Train a fresh model on this corpus first, confirming its documents one by one;
    /// without it the database's current model is evaluated.
    #[arg(long)]
    pub train: Option<PathBuf>,
    /// Files read at the same time (each OCR process uses one core).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Print the result as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// One file of a corpus, read.
pub struct ReadDoc {
    pub truth: Truth,
    pub pages: Vec<PageText>,
    pub features: Features,
    pub extraction: worktrack_domain::extract::Extraction,
    pub error: Option<String>,
}

/// Reads every file of `truths` (in `dir`) with `jobs` at a time, in the corpus's order.
pub async fn read_corpus(
    dir: &Path,
    truths: Vec<Truth>,
    jobs: usize,
) -> anyhow::Result<Vec<ReadDoc>> {
    let work = tempfile::tempdir().context("a scratch directory")?;
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut tasks = Vec::new();
    for (i, truth) in truths.into_iter().enumerate() {
        let path = dir.join(&truth.file);
        let scratch = work.path().join(format!("doc-{i}"));
        let limit = limit.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            let _ = std::fs::create_dir_all(&scratch);
            let read = read_file(&path, &scratch).await;
            let _ = std::fs::remove_dir_all(&scratch);
            (truth, read)
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        let (truth, read) = t.await.context("a reading task")?;
        let (pages, error) = match read {
            Ok(p) => (p, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let extraction = extract_pages(&pages, SsnPolicy::Training);
        let features = features_of(&pages, &extraction);
        out.push(ReadDoc {
            truth,
            pages,
            features,
            extraction,
            error,
        });
    }
    Ok(out)
}

/// Trains `model` on `docs` as the workbench does: suggest, record whether it was right,
/// learn the confirmed label. Returns the outcomes `(confidence, correct)`.
pub fn train(model: &mut Model, docs: &[ReadDoc]) -> anyhow::Result<Vec<(f32, bool)>> {
    let mut outcomes = Vec::new();
    for d in docs {
        let s = model.suggest(&d.features);
        let correct = s.label.as_deref() == Some(d.truth.profile_code.as_str());
        if s.label.is_some() {
            model.record_outcome(s.raw_confidence, correct);
            outcomes.push((s.confidence, correct));
        }
        model
            .learn(&d.features, &d.truth.profile_code)
            .map_err(|e| anyhow::anyhow!("{}: {e}", d.truth.file))?;
    }
    Ok(outcomes)
}

#[derive(Serialize, Debug, Default, Clone)]
pub struct CodeScore {
    pub support: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
}

#[derive(Serialize, Debug, Default)]
pub struct Evaluation {
    pub documents: usize,
    pub unreadable: usize,
    pub correct: usize,
    pub accuracy: f64,
    pub abstained: usize,
    pub per_code: BTreeMap<String, CodeScore>,
    /// truth → predicted → count (`-` for no suggestion).
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    pub mean_confidence: f64,
    /// The auto-accept threshold the training outcomes support (98% precision), if any.
    pub auto_accept_threshold: Option<f32>,
    /// Share of evaluated documents at or above that threshold, and their accuracy.
    pub auto_accept_rate: f64,
    pub auto_accept_precision: Option<f64>,
    /// SSN and form number recovered as labelled, among documents that carry one.
    pub ssn_found: (usize, usize),
    pub form_found: (usize, usize),
    pub model_examples: u64,
    pub seconds_reading: f64,
    pub pages: usize,
}

pub fn evaluate(model: &Model, docs: &[ReadDoc], threshold: Option<f32>) -> Evaluation {
    let mut e = Evaluation {
        documents: docs.len(),
        auto_accept_threshold: threshold,
        model_examples: model.examples(),
        ..Evaluation::default()
    };
    let mut confidence_sum = 0.0;
    let (mut auto_n, mut auto_right) = (0usize, 0usize);
    for d in docs {
        e.pages += d.pages.len();
        if d.error.is_some() {
            e.unreadable += 1;
        }
        let s = model.suggest(&d.features);
        let truth = d.truth.profile_code.clone();
        let predicted = s.label.clone().unwrap_or_else(|| "-".into());
        let right = predicted == truth;
        confidence_sum += f64::from(s.confidence);
        if s.label.is_none() {
            e.abstained += 1;
        }
        if right {
            e.correct += 1;
        }
        if threshold.is_some_and(|t| s.label.is_some() && s.confidence >= t) {
            auto_n += 1;
            auto_right += usize::from(right);
        }
        e.per_code.entry(truth.clone()).or_default().support += 1;
        let p = e.per_code.entry(predicted.clone()).or_default();
        p.predicted += 1;
        if right {
            p.correct += 1;
        }
        *e.confusion
            .entry(truth)
            .or_default()
            .entry(predicted)
            .or_default() += 1;
        if let Some(ssn) = &d.truth.ssn {
            e.ssn_found.1 += 1;
            let digits: String = ssn.chars().filter(char::is_ascii_digit).collect();
            if d.extraction
                .ssns
                .first()
                .is_some_and(|s| s.ssn.digits() == digits)
            {
                e.ssn_found.0 += 1;
            }
        }
        if let Some(form) = &d.truth.form_number {
            e.form_found.1 += 1;
            let want = worktrack_domain::catalogue::normalise_form(form);
            if d.extraction
                .form_numbers
                .iter()
                .any(|f| worktrack_domain::catalogue::normalise_form(f) == want)
            {
                e.form_found.0 += 1;
            }
        }
    }
    for score in e.per_code.values_mut() {
        score.precision = ratio(score.correct, score.predicted);
        score.recall = ratio(score.correct, score.support);
    }
    e.accuracy = ratio(e.correct, e.documents);
    e.mean_confidence = if docs.is_empty() {
        0.0
    } else {
        confidence_sum / docs.len() as f64
    };
    e.auto_accept_rate = ratio(auto_n, e.documents);
    e.auto_accept_precision = (auto_n > 0).then(|| ratio(auto_right, auto_n));
    e
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Reads a corpus's labels, with the failing line named.
pub fn labels_of(dir: &Path) -> anyhow::Result<Vec<Truth>> {
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    read_labels(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))
}

pub async fn eval_command(
    args: EvalArgs,
    database_model: Option<Arc<Model>>,
) -> anyhow::Result<ExitCode> {
    let test = labels_of(&args.dir)?;
    if test.is_empty() {
        bail!("{} has no labelled documents", args.dir.display());
    }
    let started = Instant::now();
    let (model, outcomes) = match &args.train {
        Some(train_dir) => {
            let truths = labels_of(train_dir)?;
            eprintln!(
                "reading {} training documents from {}",
                truths.len(),
                train_dir.display()
            );
            let docs = read_corpus(train_dir, truths, args.jobs).await?;
            let mut model = Model::cold_start(&default_catalogue());
            let outcomes = train(&mut model, &docs)?;
            (model, outcomes)
        }
        None => match database_model {
            Some(m) => ((*m).clone(), Vec::new()),
            None => bail!("no --train corpus and no database model"),
        },
    };
    eprintln!(
        "reading {} documents from {}",
        test.len(),
        args.dir.display()
    );
    let docs = read_corpus(&args.dir, test, args.jobs).await?;
    let threshold = classifier::auto_accept_threshold(
        &outcomes,
        worktrack_store::AUTO_ACCEPT_PRECISION,
        worktrack_store::AUTO_ACCEPT_MIN_SUPPORT,
    );
    let mut e = evaluate(&model, &docs, threshold);
    e.seconds_reading = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        print_evaluation(&e);
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub fn print_evaluation(e: &Evaluation) {
    println!(
        "documents {}  pages {}  unreadable {}  model trained on {} confirmations",
        e.documents, e.pages, e.unreadable, e.model_examples
    );
    println!(
        "accuracy {} ({} of {}), no suggestion {}, mean confidence {}",
        pct(e.accuracy),
        e.correct,
        e.documents,
        e.abstained,
        pct(e.mean_confidence)
    );
    println!(
        "SSN recovered {}/{}, form number recovered {}/{}",
        e.ssn_found.0, e.ssn_found.1, e.form_found.0, e.form_found.1
    );
    match e.auto_accept_threshold {
        Some(t) => println!(
            "auto-accept threshold {} (98% precision measured in training): {} of documents above it, {} of those right",
            pct(f64::from(t)),
            pct(e.auto_accept_rate),
            e.auto_accept_precision.map(pct).unwrap_or_else(|| "-".into())
        ),
        None => println!("auto-accept: not yet (precision of 98% not measured on enough confirmations)"),
    }
    println!();
    println!(
        "{:<6} {:>7} {:>9} {:>9} {:>7}",
        "code", "support", "precision", "recall", "right"
    );
    for (code, s) in &e.per_code {
        println!(
            "{:<6} {:>7} {:>9} {:>9} {:>7}",
            code,
            s.support,
            pct(s.precision),
            pct(s.recall),
            s.correct
        );
    }
    println!();
    let codes: Vec<&String> = e.per_code.keys().collect();
    print!("{:<6}", "truth\\");
    for c in &codes {
        print!(" {:>5}", c.chars().take(5).collect::<String>());
    }
    println!();
    for t in &codes {
        print!("{:<6}", t.chars().take(6).collect::<String>());
        for p in &codes {
            let n = e
                .confusion
                .get(*t)
                .and_then(|r| r.get(*p))
                .copied()
                .unwrap_or(0);
            if n == 0 {
                print!(" {:>5}", ".");
            } else {
                print!(" {:>5}", n);
            }
        }
        println!();
    }
}
