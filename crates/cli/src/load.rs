//! What the load benchmarks (`bench queue`, `bench appointments`) share: `wrk` runs against
//! the server and their floor, the same store call made directly from concurrent tasks, with
//! the figures of each run, and the data directory a benchmark generates into and reuses.

use crate::{bench, config::Config, server};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use worktrack_corpus::scale::{self, ScaleSpec};
use worktrack_store::{Store, Viewer};

/// Requests/s and latency percentiles of one run.
pub(crate) struct Figures {
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

pub(crate) const WRK_SCRIPT: &str = r#"
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("WTBENCH %f %f %f %f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors))
end
"#;

pub(crate) async fn wrk(
    url: &str,
    header: &str,
    seconds: u64,
    connections: usize,
    script: &Path,
) -> anyhow::Result<Figures> {
    Ok(wrk_run(url, &["-H", header], seconds, connections, script)
        .await?
        .0)
}

/// A `wrk` run whose script also prints a line `WTBOOK n n …` of its own counts.
pub(crate) async fn wrk_with(
    url: &str,
    seconds: u64,
    connections: usize,
    script: &Path,
) -> anyhow::Result<(Figures, Vec<u64>)> {
    wrk_run(url, &[], seconds, connections, script).await
}

async fn wrk_run(
    url: &str,
    extra: &[&str],
    seconds: u64,
    connections: usize,
    script: &Path,
) -> anyhow::Result<(Figures, Vec<u64>)> {
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
        .args(extra)
        .arg(url)
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
    let counts = text
        .lines()
        .find(|l| l.starts_with("WTBOOK "))
        .map(|l| {
            l.split_whitespace()
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    Ok((
        Figures {
            rps: f[0],
            p50_ms: f[1],
            p95_ms: f[2],
            p99_ms: f[3],
            errors: f[4] as u64,
        },
        counts,
    ))
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Calls `op` from `callers` concurrent tasks for `seconds`; the floor of a wrk run.
pub(crate) async fn floor<F, Fut>(seconds: u64, callers: usize, op: F) -> anyhow::Result<Figures>
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

/// The head of the table [`row`] writes rows of.
pub(crate) fn table_head() {
    println!();
    println!(
        "| {:<44} | {:>9} | {:>7} | {:>7} | {:>7} | {:>6} |",
        "run", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"
    );
    println!(
        "|{:-<46}|{:->11}|{:->9}|{:->9}|{:->9}|{:->8}|",
        "", "", "", "", "", ""
    );
}

pub(crate) fn row(name: &str, f: &Figures) {
    println!(
        "| {name:<44} | {:>9.0} | {:>7.2} | {:>7.2} | {:>7.2} | {:>6} |",
        f.rps, f.p50_ms, f.p95_ms, f.p99_ms, f.errors
    );
}

/// The master key kept beside a reused demo, made on the first run.
pub(crate) fn persistent_key(key_file: &Path) -> anyhow::Result<String> {
    Ok(match std::fs::read_to_string(key_file) {
        Ok(k) => k.trim().to_string(),
        Err(_) => {
            let hex = bench::random_key();
            std::fs::write(key_file, &hex)?;
            hex
        }
    })
}

pub(crate) fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

/// An API token for `user`, valid for `valid_ms` milliseconds, for a benchmark's requests.
pub(crate) async fn api_token(
    store: &Store,
    user: &worktrack_store::User,
    valid_ms: i64,
) -> anyhow::Result<String> {
    Ok(store
        .create_api_token(
            &worktrack_store::Actor::system("bench"),
            user,
            "bench",
            worktrack_store::now_ms() + valid_ms,
        )
        .await?
        .secret)
}

pub(crate) async fn viewer(store: &Store, user: &worktrack_store::User) -> anyhow::Result<Viewer> {
    let area = match user.office_id {
        Some(id) => store.area_office_ids(id).await?,
        None => Vec::new(),
    };
    Ok(Viewer::for_user(user, &area))
}

/// Where a load benchmark keeps its data, and how hard it pushes.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Data directory to keep the generated data in, and to reuse it on the next run (default:
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

/// A benchmark's data directory (kept when named, else temporary and removed afterwards), its
/// configuration and its store.
pub(crate) struct BenchData {
    _tmp: Option<tempfile::TempDir>,
    pub dir: PathBuf,
    pub config: Config,
    pub store: Store,
    pub database_url: String,
}

impl BenchData {
    pub fn backend(&self) -> &'static str {
        if self.database_url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    }
}

/// Opens (creating it if need be) the data directory `dir` of `bench NAME`, with the master key
/// kept beside it, on SQLite in it unless `database_url` names a PostgreSQL database.
pub(crate) async fn open(run: &RunArgs, name: &str) -> anyhow::Result<BenchData> {
    let (tmp, dir) = match run.dir.as_deref() {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            (None, d.to_path_buf())
        }
        None => {
            let tmp = tempfile::Builder::new()
                .prefix(&format!("worktrack-bench-{name}-"))
                .tempdir()?;
            let path = tmp.path().to_path_buf();
            (Some(tmp), path)
        }
    };
    let data = dir.join("data");
    let key = persistent_key(&dir.join("bench-master-key"))?;
    let database_url = run
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data.join("worktrack.db").display()));
    let config = bench::bench_config(&dir, database_url.clone(), &data, key, None)?;
    let store = server::open_store(&config).await?;
    Ok(BenchData {
        _tmp: tmp,
        dir,
        config,
        store,
        database_url,
    })
}

/// The scale demo, generated unless the data directory already has it.
pub(crate) async fn ensure_scale_demo(
    store: &Store,
    spec: &ScaleSpec,
    dir: &Path,
) -> anyhow::Result<()> {
    if !scale::present(store).await? {
        eprintln!(
            "generating {} offices, {} work items, {} documents ...",
            spec.offices, spec.items, spec.documents
        );
        let hash = worktrack_web::hash_password(worktrack_web::generate_password())
            .await
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        let started = Instant::now();
        let today = time::OffsetDateTime::now_utc().date();
        let summary = scale::generate(store, spec, &hash, today, &|stage, done, total| {
            eprintln!("  {stage}: {done} of {total}")
        })
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
