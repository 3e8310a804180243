//! `worktrack bench calls`: a generated Asterisk `queue_log` of 10,000,000 lines (the seed's
//! shape: ten weeks, four queues, the answer rates before and after telework), then, in one
//! run and on the same file:
//!
//! - `wc -l` (the floor: reading the bytes and counting lines);
//! - parsing alone: the import's reader (`call_files::read_calls`: lines parsed and calls
//!   assembled) with nothing stored — a harness around that one function;
//! - parsing and storing: `worktrack calls import` run as a process against a fresh SQLite
//!   database, exactly what an office's import runs (the product path);
//! - the comparison of the two five-week periods over all of it, through the HTTP API as the
//!   compare page and scripts ask for it, and through the store call directly (its floor).
//!
//! It prints what it measured; it asserts nothing.

use crate::bench::{bench_config, bench_office, bench_user, random_key, start_server};
use crate::server;
use anyhow::{bail, Context};
use std::io::{BufReader, BufWriter, Write};
use std::process::{Command, ExitCode};
use std::time::Instant;
use time::macros::date;
use worktrack_corpus::calls::{spec_for_lines, write_queue_log};
use worktrack_domain::Role;
use worktrack_store::call_files::{read_calls, CallFormat};
use worktrack_store::Actor;

#[derive(clap::Args, Debug)]
pub struct CallsBenchArgs {
    /// Lines of `queue_log` to generate.
    #[arg(long, default_value_t = 10_000_000)]
    pub lines: u64,
    /// Where to write the file and the database (default: the system's temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

fn rate(lines: u64, secs: f64) -> String {
    format!(
        "{:>12.0} lines/s  ({secs:.2} s)",
        lines as f64 / secs.max(1e-9)
    )
}

pub async fn calls_bench(args: CallsBenchArgs) -> anyhow::Result<ExitCode> {
    if args.lines < 10_000 {
        bail!("--lines must be at least 10,000");
    }
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("worktrack-bench-calls-")
        .tempdir_in(&base)
        .with_context(|| format!("cannot create a directory in {}", base.display()))?;
    let data = tmp.path().join("data");
    let database_url = format!("sqlite://{}", data.join("worktrack.db").display());
    let key = random_key();
    let config = bench_config(tmp.path(), database_url.clone(), &data, key.clone(), None)?;
    let office_zone = worktrack_domain::TimeZone::parse("America/Chicago")?;
    let first_day = date!(2026 - 01 - 05);

    let file = tmp.path().join("queue_log");
    eprintln!(
        "generating {} lines of queue_log in {} ...",
        args.lines,
        file.display()
    );
    let started = Instant::now();
    let written = {
        let file = file.clone();
        let spec = spec_for_lines(args.lines, first_day, office_zone, 11);
        tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&file)?);
            let w = write_queue_log(&spec, &mut out)?;
            out.flush()?;
            Ok(w)
        })
        .await??
    };
    eprintln!(
        "  {} lines, {} calls, {:.0} MB in {:.1} s",
        written.lines,
        written.calls,
        written.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // Read it once so every run below finds it in the page cache.
    let _ = Command::new("cat")
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .status();

    let started = Instant::now();
    let wc = Command::new("wc")
        .arg("-l")
        .arg(&file)
        .output()
        .context("running wc -l")?;
    let wc_secs = started.elapsed().as_secs_f64();
    let wc_lines: u64 = String::from_utf8_lossy(&wc.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .context("reading wc's count")?;

    eprintln!("parsing alone ...");
    let started = Instant::now();
    let parsed = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let input = BufReader::with_capacity(1 << 20, std::fs::File::open(&file)?);
            let zone = office_zone.rules();
            let mut items = 0u64;
            let report = read_calls(
                input,
                &CallFormat::QueueLog,
                &zone,
                |_item| {
                    items += 1;
                    Ok::<(), std::convert::Infallible>(())
                },
                |_| {},
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok((report, items))
        })
        .await??
    };
    let parse_secs = started.elapsed().as_secs_f64();

    // The office and a manager, then the import as an office runs it.
    let store = server::open_store(&config).await?;
    let office = store
        .create_office(
            &Actor::system("bench"),
            &bench_office("CALLS", "Call bench office")?,
        )
        .await?;
    let manager = bench_user(
        &store,
        office.id,
        "calls.manager",
        "Calls Manager",
        Role::Manager,
    )
    .await?;
    eprintln!("parsing and storing (worktrack calls import) ...");
    let started = Instant::now();
    let import = Command::new(std::env::current_exe()?)
        .args(["calls", "import"])
        .arg(&file)
        .args(["--office", "CALLS"])
        .env("WORKTRACK_DATABASE_URL", &database_url)
        .env("WORKTRACK_DATA_DIR", &data)
        .env("WORKTRACK_MASTER_KEY", &key)
        .env("WORKTRACK_LOG", "warn")
        .output()
        .context("running worktrack calls import")?;
    let store_secs = started.elapsed().as_secs_f64();
    if !import.status.success() {
        bail!(
            "the import failed: {}",
            String::from_utf8_lossy(&import.stderr)
        );
    }
    let summary = String::from_utf8_lossy(&import.stdout);
    let summary = summary.lines().next().unwrap_or("").to_string();

    // The comparison: over HTTP as the page and the API ask for it, and the store call.
    let first = (first_day, first_day + time::Duration::days(34));
    let second = (
        first_day + time::Duration::days(35),
        first_day + time::Duration::days(69),
    );
    let viewer = worktrack_store::Viewer::for_user(&manager, &[]);
    let started = Instant::now();
    let direct = store
        .compare_calls(&viewer, &office, first, second, None, None)
        .await?;
    let direct_secs = started.elapsed().as_secs_f64();
    let running = start_server(&config, &store).await?;
    let token = crate::load::api_token(&store, &manager, 3_600_000).await?;
    let url = format!(
        "{}/api/v1/offices/CALLS/calls/compare?first_from={}&first_to={}&second_from={}&second_to={}",
        running.url(),
        first.0,
        first.1,
        second.0,
        second.1
    );
    let client = reqwest::Client::new();
    let started = Instant::now();
    let response = client.get(&url).bearer_auth(&token).send().await?;
    let status = response.status();
    let _body = response.bytes().await?;
    let http_secs = started.elapsed().as_secs_f64();
    running.stop().await?;

    println!(
        "worktrack bench calls: {} lines of queue_log ({:.0} MB), {} calls",
        written.lines,
        written.bytes as f64 / 1e6,
        written.calls
    );
    println!(
        "  wc -l (floor)                 {}",
        rate(wc_lines, wc_secs)
    );
    println!(
        "  parse alone (reader)          {}   {:.1}x wc -l; {} calls, {} bad lines",
        rate(parsed.0.lines, parse_secs),
        parse_secs / wc_secs.max(1e-9),
        parsed.0.calls,
        parsed.0.bad_lines
    );
    println!(
        "  parse + store (calls import)  {}   SQLite",
        rate(written.lines, store_secs)
    );
    println!("    {summary}");
    if let Some(c) = &direct.comparison {
        println!(
            "  comparison of two 5-week periods: {:.1}% -> {:.1}% ({:+.1} points)",
            c.before_rate * 100.0,
            c.after_rate * 100.0,
            c.difference_points
        );
    }
    println!(
        "    over HTTP (GET compare)     {:>8.1} ms  (status {status})",
        http_secs * 1000.0
    );
    println!(
        "    store call (floor)          {:>8.1} ms",
        direct_secs * 1000.0
    );
    Ok(ExitCode::SUCCESS)
}
