//! `worktrack calls`: import an office's call records from a phone-system file, with a
//! progress line, and print the report; save a CSV layout; compare two periods. The reading
//! and the rules are the store's and the domain's; this module opens the file and reports.

use crate::demo::office_viewer;
use anyhow::{bail, Context};
use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::Date;
use worktrack_store::call_files::{CallFormat, CsvLayout};
use worktrack_store::{Office, Store, Viewer};

#[derive(clap::Subcommand, Debug)]
pub enum CallsCommand {
    /// Import call records: Asterisk `queue_log` (pipe format, or exported from a database as
    /// CSV with a header row), Asterisk CDR `Master.csv`, or a phone system's own CSV with a
    /// saved layout. Importing the same records again, or overlapping exports, adds nothing
    /// twice. Lines that cannot be read are reported with their line numbers (the first 100)
    /// and counted; the exit status is 0 when the file was imported, 1 when it was refused.
    Import {
        /// The file (plain text; any size: it is read as it streams).
        file: PathBuf,
        /// The office whose phone system wrote it.
        #[arg(long)]
        office: String,
        /// queue_log, queue_log_csv, cdr, or csv (with --layout).
        #[arg(long, default_value = "queue_log")]
        format: String,
        /// For --format csv: the name of a layout saved with `worktrack calls layout`.
        #[arg(long)]
        layout: Option<String>,
    },
    /// Save a CSV layout for the office: a JSON file naming the columns (call_id, queue,
    /// entered, outcome, and optionally wait, talk, hold, agent), how `entered` is written
    /// (time: epoch_seconds, local_date_time, rfc3339) and the file's outcome values.
    Layout {
        #[arg(long)]
        office: String,
        /// The layout's name.
        #[arg(long)]
        name: String,
        /// The JSON file.
        file: PathBuf,
    },
    /// Compare two periods of the office's calls: answer rates, the change in points with
    /// its test, and average speed of answer.
    Compare {
        #[arg(long)]
        office: String,
        /// First period, YYYY-MM-DD..YYYY-MM-DD.
        #[arg(long)]
        first: String,
        /// Second period, YYYY-MM-DD..YYYY-MM-DD.
        #[arg(long)]
        second: String,
        #[arg(long)]
        queue: Option<String>,
    },
}

pub async fn run(store: &Store, command: CallsCommand) -> anyhow::Result<ExitCode> {
    match command {
        CallsCommand::Import {
            file,
            office,
            format,
            layout,
        } => import(store, &file, &office, &format, layout.as_deref()).await,
        CallsCommand::Layout { office, name, file } => {
            let (office, viewer) = office_and_viewer(store, &office, "calls layout").await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let layout: CsvLayout = match serde_json::from_str(&text) {
                Ok(l) => l,
                Err(e) => bail!("{}: line {}: {e}", file.display(), e.line()),
            };
            store
                .save_call_layout(&viewer, &office, &name, &layout)
                .await?;
            println!("Saved layout {name} for {}.", office.code);
            Ok(ExitCode::SUCCESS)
        }
        CallsCommand::Compare {
            office,
            first,
            second,
            queue,
        } => compare(store, &office, &first, &second, queue.as_deref()).await,
    }
}

/// The office of `code`, and a manager's view of it for `command`.
async fn office_and_viewer(
    store: &Store,
    code: &str,
    command: &str,
) -> anyhow::Result<(Office, Viewer)> {
    let office = store
        .office_by_code(code)
        .await
        .with_context(|| format!("no office {code}"))?;
    let viewer = office_viewer(&office, command);
    Ok((office, viewer))
}

fn period(s: &str) -> anyhow::Result<(Date, Date)> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let (a, b) = s
        .split_once("..")
        .with_context(|| format!("a period is written FROM..TO, not {s:?}"))?;
    let a = Date::parse(a.trim(), fmt).with_context(|| format!("{a:?} is not a date"))?;
    let b = Date::parse(b.trim(), fmt).with_context(|| format!("{b:?} is not a date"))?;
    Ok((a, b))
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "none".to_string(), |r| format!("{:.1}%", r * 100.0))
}

async fn compare(
    store: &Store,
    office: &str,
    first: &str,
    second: &str,
    queue: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (office, viewer) = office_and_viewer(store, office, "calls compare").await?;
    let c = store
        .compare_calls(
            &viewer,
            &office,
            period(first)?,
            period(second)?,
            queue,
            None,
        )
        .await?;
    for (name, f) in [(first, &c.first), (second, &c.second)] {
        println!(
            "{name}: {} answered of {} offered ({}), ASA {}",
            f.answered,
            f.offered,
            percent(f.answer_rate),
            f.asa_secs
                .map_or_else(|| "none".to_string(), |s| format!("{s:.1} s"))
        );
    }
    match &c.comparison {
        Some(cmp) => {
            println!(
                "Change: {:+.1} points (95% CI {:+.2} to {:+.2})",
                cmp.difference_points, cmp.ci95_points.0, cmp.ci95_points.1
            );
            if let Some(t) = &cmp.test {
                println!(
                    "Two-proportion z-test: z = {:.2}, p = {:.3e}",
                    t.z, t.p_value
                );
            }
        }
        None => println!("No comparison: a period has no calls."),
    }
    Ok(ExitCode::SUCCESS)
}

async fn import(
    store: &Store,
    file: &std::path::Path,
    office: &str,
    format: &str,
    layout: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (office, viewer) = office_and_viewer(store, office, "calls import").await?;
    let layout = match layout {
        Some(name) => Some(store.call_layout(&viewer, &office, name).await?),
        None => None,
    };
    let format = match CallFormat::parse(format, layout) {
        Ok(f) => f,
        Err(e) => bail!("{e}"),
    };
    let opened =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let read = Arc::new(AtomicU64::new(0));
    let seen = read.clone();
    let ticker = tokio::spawn(progress(seen, size));
    let name = file
        .file_name()
        .map_or_else(|| "calls".to_string(), |n| n.to_string_lossy().into_owned());
    let started = Instant::now();
    let outcome = store
        .import_calls(
            &viewer,
            &office,
            format,
            &name,
            BufReader::with_capacity(1 << 20, opened),
            move |bytes| read.store(bytes, Ordering::Relaxed),
        )
        .await;
    ticker.abort();
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    let outcome = match outcome {
        Ok(o) => o,
        Err(worktrack_store::StoreError::Invalid(m)) => {
            eprintln!("{}: refused, nothing stored: {m}", file.display());
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    let i = &outcome.import;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}: {} lines in {secs:.1} s; {} calls read: {} stored, {} completed, {} already stored; {} still waiting at the end; {} lines could not be read.",
        file.display(),
        i.lines,
        i.calls_read,
        i.calls_stored,
        i.calls_completed,
        i.calls_known,
        i.waiting_at_end,
        i.bad_lines
    );
    for bad in &i.first_bad {
        println!("{}:{}: {}", file.display(), bad.line, bad.reason);
    }
    if i.bad_lines > i.first_bad.len() as i64 {
        println!(
            "… and {} more lines that could not be read.",
            i.bad_lines - i.first_bad.len() as i64
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress line on stderr (a terminal only) every half second: share of the file read.
async fn progress(read: Arc<AtomicU64>, size: u64) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let done = read.load(Ordering::Relaxed);
        let share = if size > 0 {
            done as f64 / size as f64
        } else {
            0.0
        };
        let width = 30usize;
        let filled = ((share * width as f64) as usize).min(width);
        let mb_s = done as f64 / 1e6 / started.elapsed().as_secs_f64().max(0.001);
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r[{}{}] {:5.1}%  {:.0} MB/s",
            "#".repeat(filled),
            " ".repeat(width - filled),
            share * 100.0,
            mb_s
        );
        let _ = err.flush();
    }
}
