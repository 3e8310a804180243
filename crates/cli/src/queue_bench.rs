//! `worktrack bench queue`: a national-scale demo (by default 1,300 offices, 1,000,000 work
//! items, 3,000,000 documents), then `wrk` against one office's queue page, its queue API and a
//! search for a common word, next to the same store calls made directly (the floor, without
//! HTTP, sessions or templates) in the same run. It prints what it measured; it asserts nothing.

use crate::{bench, server};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use worktrack_corpus::scale::{self, ScaleSpec};
use worktrack_store::{Actor, QueueQuery, QueueView, Store, Viewer};

#[derive(clap::Args, Debug)]
pub struct QueueBenchArgs {
    #[arg(long, default_value_t = 1300)]
    pub offices: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub items: usize,
    #[arg(long, default_value_t = 3_000_000)]
    pub documents: usize,
    /// Data directory to keep the generated demo in, and to reuse it on the next run (default:
    /// a temporary directory, removed afterwards).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// A PostgreSQL URL to generate into and measure instead of SQLite in the data directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Seconds per `wrk` run and per floor run.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Open connections (`wrk -c`) and concurrent floor callers.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
}

/// Requests/s and latency percentiles of one run.
struct Figures {
    rps: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    errors: u64,
}

const WRK_SCRIPT: &str = r#"
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("WTBENCH %f %f %f %f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors))
end
"#;

async fn wrk(
    url: &str,
    header: &str,
    seconds: u64,
    connections: usize,
    script: &std::path::Path,
) -> anyhow::Result<Figures> {
    let out = tokio::process::Command::new("wrk")
        .args([
            "-t",
            "2",
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
        ])
        .arg("-s")
        .arg(script)
        .args(["-H", header, url])
        .output()
        .await
        .context("cannot run wrk (Debian: apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("WTBENCH "))
        .with_context(|| format!("wrk printed no figures: {text}"))?;
    let f: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    if f.len() != 5 {
        bail!("unexpected wrk output: {line}");
    }
    Ok(Figures {
        rps: f[0],
        p50_ms: f[1],
        p95_ms: f[2],
        p99_ms: f[3],
        errors: f[4] as u64,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Calls `op` from `callers` concurrent tasks for `seconds`; the floor of a wrk run.
async fn floor<F, Fut>(seconds: u64, callers: usize, op: F) -> anyhow::Result<Figures>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let op = Arc::new(op);
    let end = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                while Instant::now() < end {
                    let t = Instant::now();
                    if op().await.is_err() {
                        errors += 1;
                    }
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await?;
        all.extend(lat);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(Figures {
        rps: all.len() as f64 / elapsed,
        p50_ms: percentile(&all, 50.0),
        p95_ms: percentile(&all, 95.0),
        p99_ms: percentile(&all, 99.0),
        errors,
    })
}

fn row(name: &str, f: &Figures) {
    println!(
        "| {name:<44} | {:>9.0} | {:>7.2} | {:>7.2} | {:>7.2} | {:>6} |",
        f.rps, f.p50_ms, f.p95_ms, f.p99_ms, f.errors
    );
}

pub async fn queue_bench(args: QueueBenchArgs) -> anyhow::Result<ExitCode> {
    if args.offices == 0 || args.items == 0 || args.seconds == 0 || args.connections == 0 {
        bail!("--offices, --items, --seconds and --connections must be at least 1");
    }
    let tmp;
    let dir = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            d.clone()
        }
        None => {
            tmp = tempfile::Builder::new()
                .prefix("worktrack-bench-queue-")
                .tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let data = dir.join("data");
    let key = persistent_key(&dir.join("bench-master-key"))?;
    let database_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data.join("worktrack.db").display()));
    let config = bench::bench_config(&dir, database_url.clone(), &data, key, None)?;
    let store = server::open_store(&config).await?;
    ensure_scale_demo(&store, &args, &dir).await?;
    let office = store.office_by_code("S0001").await?;
    let manager = store.user_by_username("scale.manager.1").await?;
    let session = store.create_session(&manager).await?;
    let token = store
        .create_api_token(
            &Actor::system("bench"),
            &manager,
            "bench",
            worktrack_store::now_ms() + 3_600_000,
        )
        .await?
        .secret;
    let running = bench::start_server(&config, &store).await?;
    let url = running.url();
    let script = dir.join("wrk-report.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let cookie = format!("Cookie: wt_session={session}");
    let bearer = format!("Authorization: Bearer {token}");
    let calendar = store.office_calendar(&office).await?;
    let open_items: i64 = store
        .queue_counts(
            &viewer(&store, &manager).await?,
            &office,
            &calendar,
            office.today(),
        )
        .await?
        .open;

    let (secs, conns) = (args.seconds, args.connections);
    eprintln!("measuring ({secs} s per run, {conns} connections) ...");
    let run = |path: &str, header: &str| {
        let target = format!("{url}{path}");
        let (header, script) = (header.to_owned(), script.clone());
        async move { wrk(&target, &header, secs, conns, &script).await }
    };
    let page = run("/work?office=S0001", &cookie).await?;
    let api = run("/api/v1/work-items?office=S0001", &bearer).await?;
    let search = run("/search?q=earnings&office=S0001", &cookie).await?;

    let v = Arc::new(viewer(&store, &manager).await?);
    let (queue_floor, search_floor) =
        direct_floors(&store, v, office.id, office.today(), secs, conns).await?;
    running.stop().await?;

    let backend = if database_url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let sizes = scale::table_sizes(&store).await?;
    store.close().await;
    print_report(
        &args,
        backend,
        sizes,
        open_items,
        [&page, &api, &queue_floor, &search, &search_floor],
    );
    Ok(ExitCode::SUCCESS)
}

/// The same queue query and search as the pages make, called on the store directly.
async fn direct_floors(
    store: &Store,
    v: Arc<Viewer>,
    office_id: i64,
    today: time::Date,
    secs: u64,
    conns: usize,
) -> anyhow::Result<(Figures, Figures)> {
    let query = QueueQuery {
        office_id,
        view: QueueView::Open,
        workload: None,
        assignee_id: None,
        age: None,
        after: None,
        limit: crate::queue_bench::QUEUE_PAGE,
        today,
    };
    let (s1, v1, q1) = (store.clone(), v.clone(), query.clone());
    let queue_floor = floor(secs, conns, move || {
        let (s, v, q) = (s1.clone(), v1.clone(), q1.clone());
        async move {
            s.queue(&v, &q).await?;
            Ok(())
        }
    })
    .await?;
    let (s2, v2, oid) = (store.clone(), v.clone(), office_id);
    let search_floor = floor(secs, conns, move || {
        let (s, v) = (s2.clone(), v2.clone());
        async move {
            s.search_work(&v, "earnings", Some(oid), false, 50).await?;
            Ok(())
        }
    })
    .await?;
    Ok((queue_floor, search_floor))
}

/// The master key kept beside a reused demo, made on the first run.
fn persistent_key(key_file: &Path) -> anyhow::Result<String> {
    Ok(match std::fs::read_to_string(key_file) {
        Ok(k) => k.trim().to_string(),
        Err(_) => {
            let hex = bench::random_key();
            std::fs::write(key_file, &hex)?;
            hex
        }
    })
}

/// The scale demo, generated unless the data directory already has it.
async fn ensure_scale_demo(store: &Store, args: &QueueBenchArgs, dir: &Path) -> anyhow::Result<()> {
    if !scale::present(store).await? {
        eprintln!(
            "generating {} offices, {} work items, {} documents ...",
            args.offices, args.items, args.documents
        );
        let hash = worktrack_web::hash_password(worktrack_web::generate_password())
            .await
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        let started = Instant::now();
        let today = time::OffsetDateTime::now_utc().date();
        let summary = scale::generate(
            store,
            &ScaleSpec {
                offices: args.offices,
                items: args.items,
                documents: args.documents,
                staff: 6,
                seed: 7,
            },
            &hash,
            today,
            &|stage, done, total| eprintln!("  {stage}: {done} of {total}"),
        )
        .await?;
        eprintln!(
            "generated {} offices, {} users, {} work items, {} documents in {:.0} s",
            summary.offices,
            summary.users,
            summary.items,
            summary.documents,
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("reusing the scale demo in {}", dir.display());
    }
    Ok(())
}

/// The table of the five runs and whether the goals are met.
fn print_report(
    args: &QueueBenchArgs,
    backend: &str,
    (items, docs, offices): (i64, i64, i64),
    open_items: i64,
    [page, api, queue_floor, search, search_floor]: [&Figures; 5],
) {
    let (secs, conns) = (args.seconds, args.connections);
    println!();
    println!(
        "Work queue benchmark: {offices} offices, {items} work items, {docs} documents ({} backend); office S0001 has {open_items} open items; {conns} connections, {secs} s per run, 2 wrk threads, on this machine ({} cores).",
        backend,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!();
    println!(
        "| {:<44} | {:>9} | {:>7} | {:>7} | {:>7} | {:>6} |",
        "run", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"
    );
    println!(
        "|{:-<46}|{:->11}|{:->9}|{:->9}|{:->9}|{:->8}|",
        "", "", "", "", "", ""
    );
    row("queue page GET /work (HTML, session)", page);
    row("queue API GET /api/v1/work-items (token)", api);
    row("floor: the same queue query, direct", queue_floor);
    row("search page GET /search?q=earnings", search);
    row("floor: the same search, direct", search_floor);
    println!();
    println!(
        "Goals: queue p99 <= 25 ms at >= 1000 req/s; search p95 <= 100 ms. Queue page {}, API {}; search {}.",
        verdict(page.p99_ms <= 25.0 && page.rps >= 1000.0),
        verdict(api.p99_ms <= 25.0 && api.rps >= 1000.0),
        verdict(search.p95_ms <= 100.0)
    );
}

/// Rows on one queue page (as the page shows).
pub const QUEUE_PAGE: i64 = 50;

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

async fn viewer(store: &Store, user: &worktrack_store::User) -> anyhow::Result<Viewer> {
    let area = match user.office_id {
        Some(id) => store.area_office_ids(id).await?,
        None => Vec::new(),
    };
    Ok(Viewer::for_user(user, &area))
}
