//! `worktrack bench intake`: how fast files go through the tus endpoint into the encrypted
//! blob store, how that compares with the raw speed of the disk underneath, and whether memory
//! stays flat as files get larger. It starts the server in-process exactly as `serve` does
//! (same `open_store`, `open_intake`, `start`) on a fresh temporary data directory, and prints
//! what it measured; it asserts nothing.

use crate::config::{Config, Overrides, Source};
use crate::server;
use anyhow::{bail, Context};
use base64::Engine;
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use worktrack_domain::{AreaName, OfficeCode, PersonName, Role, Skill, TimeZone, Username};
use worktrack_store::{Actor, NewOffice, NewUser, OfficeSettings};

/// Bytes per PATCH request.
pub const CHUNK: usize = 8 * 1024 * 1024;
const MB: f64 = 1_000_000.0;
const OFFICE: &str = "BNCH1";

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Upload a generated corpus through the tus endpoint and compare with raw disk writes.
    Intake(IntakeBenchArgs),
    /// Generated scans through WorkTrack's OCR pipeline and through OCRmyPDF, in one run.
    Ocr(crate::ocr_bench::OcrBenchArgs),
    /// A national-scale demo, then wrk against one office's queue page, queue API and search.
    Queue(crate::queue_bench::QueueBenchArgs),
    /// The scale demo's offices with a year of schedules and two million appointments, then wrk
    /// against one office's next-available search and the booking API.
    Appointments(crate::appointment_bench::AppointmentBenchArgs),
    /// A generated 10,000,000-line queue_log: wc -l, parsing alone, `worktrack calls import`
    /// on SQLite, and the comparison of two periods over all of it.
    Calls(crate::calls_bench::CallsBenchArgs),
}

#[derive(clap::Args, Debug)]
pub struct IntakeBenchArgs {
    /// Number of small files.
    #[arg(long, default_value_t = 20)]
    pub files: usize,
    /// Size of each small file, in MB (10^6 bytes).
    #[arg(long, default_value_t = 2)]
    pub size_mb: u64,
    /// Size of each of the two large files, in MB.
    #[arg(long, default_value_t = 200)]
    pub large_mb: u64,
    /// Where to create the temporary data directory (default: the system's temporary
    /// directory). The raw-disk comparison writes to the same file system.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Two large files: enough to see whether the peak memory grows with file size.
const LARGE_FILES: usize = 2;

/// One measured phase.
struct Phase {
    files: usize,
    bytes: u64,
    seconds: f64,
}

impl Phase {
    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / MB / self.seconds.max(1e-9)
    }
    fn docs_per_s(&self) -> f64 {
        self.files as f64 / self.seconds.max(1e-9)
    }
}

/// The process's peak and current resident memory (`VmHWM`, `VmRSS`) in bytes, on Linux.
fn memory() -> (Option<u64>, Option<u64>) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb * 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn mb(bytes: Option<u64>) -> String {
    bytes
        .map(|b| format!("{:.0} MB", b as f64 / MB))
        .unwrap_or_else(|| "n/a".into())
}

/// Writes `count` files of `size` random bytes (random, so deduplication cannot help).
fn generate(dir: &Path, prefix: &str, count: usize, size: u64) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut rng = rand::thread_rng();
    let mut buf = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let path = dir.join(format!("{prefix}-{i:03}.bin"));
        let mut f = std::io::BufWriter::with_capacity(CHUNK, std::fs::File::create(&path)?);
        let mut left = size;
        while left > 0 {
            let n = left.min(CHUNK as u64) as usize;
            rng.fill_bytes(&mut buf[..n]);
            f.write_all(&buf[..n])?;
            left -= n as u64;
        }
        f.flush()?;
        out.push(path);
    }
    Ok(out)
}

/// Copies each file with plain `std::fs` (write, then fsync) into `dir`: what the disk does
/// without WorkTrack. The copies are removed afterwards.
fn raw_writes(files: &[PathBuf], dir: &Path) -> std::io::Result<Phase> {
    std::fs::create_dir_all(dir)?;
    let mut buf = vec![0u8; CHUNK];
    let mut bytes = 0u64;
    let start = Instant::now();
    for (i, src) in files.iter().enumerate() {
        let dest = dir.join(format!("raw-{i}"));
        let mut input = std::fs::File::open(src)?;
        let mut out = std::fs::File::create(&dest)?;
        loop {
            let n = std::io::Read::read(&mut input, &mut buf)?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n])?;
            bytes += n as u64;
        }
        out.sync_all()?;
    }
    let seconds = start.elapsed().as_secs_f64();
    std::fs::remove_dir_all(dir)?;
    Ok(Phase {
        files: files.len(),
        bytes,
        seconds,
    })
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Uploads one file through tus (create, then 8 MiB PATCH requests); returns the document
/// status the server answered with.
async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    path: &Path,
) -> anyhow::Result<String> {
    let size = tokio::fs::metadata(path).await?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let created = client
        .post(format!("{base}/api/v1/uploads/"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", size)
        .header(
            "Upload-Metadata",
            format!("filename {},office {}", b64(&name), b64(OFFICE)),
        )
        .send()
        .await?;
    let created = expect_status(
        created,
        reqwest::StatusCode::CREATED,
        &format!("creating the upload of {name}"),
    )
    .await?;
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .context("no Location header")?;
    let url = format!("{base}{location}");
    let mut file = tokio::fs::File::open(path).await?;
    let mut offset = 0u64;
    let mut status = String::new();
    while offset < size {
        let mut chunk = Vec::with_capacity(CHUNK);
        (&mut file)
            .take(CHUNK as u64)
            .read_to_end(&mut chunk)
            .await?;
        if chunk.is_empty() {
            bail!("{name} ended early");
        }
        let n = chunk.len() as u64;
        let resp = client
            .patch(&url)
            .bearer_auth(token)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset)
            .header("Content-Type", "application/offset+octet-stream")
            .body(chunk)
            .send()
            .await?;
        let resp = expect_status(
            resp,
            reqwest::StatusCode::NO_CONTENT,
            &format!("uploading {name} at byte {offset}"),
        )
        .await?;
        if let Some(s) = resp
            .headers()
            .get("x-document-status")
            .and_then(|v| v.to_str().ok())
        {
            status = s.to_string();
        }
        offset += n;
    }
    if status.is_empty() {
        bail!("{name}: the server did not record a document");
    }
    Ok(status)
}

/// The answer when its status is `expected`; otherwise an error saying what was being done,
/// with the status and the answer's text.
async fn expect_status(
    resp: reqwest::Response,
    expected: reqwest::StatusCode,
    doing: &str,
) -> anyhow::Result<reqwest::Response> {
    if resp.status() != expected {
        bail!(
            "{doing}: {} {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
    }
    Ok(resp)
}

async fn upload_all(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    files: &[PathBuf],
) -> anyhow::Result<(Phase, Vec<String>)> {
    let mut bytes = 0;
    let mut statuses = Vec::new();
    let start = Instant::now();
    for f in files {
        statuses.push(upload(client, base, token, f).await?);
        bytes += tokio::fs::metadata(f).await?.len();
    }
    Ok((
        Phase {
            files: files.len(),
            bytes,
            seconds: start.elapsed().as_secs_f64(),
        },
        statuses,
    ))
}

/// `worktrack bench intake`.
pub async fn intake_bench(args: IntakeBenchArgs) -> anyhow::Result<ExitCode> {
    if args.files == 0 || args.size_mb == 0 || args.large_mb == 0 {
        bail!("--files, --size-mb and --large-mb must be at least 1");
    }
    let small_size = args.size_mb * 1_000_000;
    let large_size = args.large_mb * 1_000_000;
    let base_dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("worktrack-bench-")
        .tempdir_in(&base_dir)
        .with_context(|| format!("cannot create a directory in {}", base_dir.display()))?;
    let data = tmp.path().join("data");
    let config = bench_config(
        tmp.path(),
        format!("sqlite://{}", data.join("worktrack.db").display()),
        &data,
        random_key(),
        Some(
            large_size
                .max(small_size)
                .max(crate::config::DEFAULT_MAX_UPLOAD_BYTES),
        ),
    )?;

    eprintln!("generating the corpus in {} ...", tmp.path().display());
    let corpus = tmp.path().join("corpus");
    let (small, large) = {
        let corpus = corpus.clone();
        tokio::task::spawn_blocking(move || {
            Ok::<_, std::io::Error>((
                generate(&corpus, "small", args.files, small_size)?,
                generate(&corpus, "large", LARGE_FILES, large_size)?,
            ))
        })
        .await??
    };

    let store = server::open_store(&config).await?;
    let running = start_server(&config, &store).await?;
    let token = scanner_token(&store).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()?;
    let url = running.url();

    eprintln!("uploading {} small files ...", small.len());
    let (intake_small, small_statuses) = upload_all(&client, &url, &token, &small).await?;
    let hwm_before = memory();
    eprintln!("uploading {} large files ...", large.len());
    let (intake_large, _) = upload_all(&client, &url, &token, &large).await?;
    let hwm_after = memory();
    running.stop().await?;
    store.close().await;

    eprintln!("writing the same bytes with std::fs ...");
    let (raw_small, raw_large) = {
        let raw = tmp.path().join("raw");
        tokio::task::spawn_blocking(move || {
            Ok::<_, std::io::Error>((raw_writes(&small, &raw)?, raw_writes(&large, &raw)?))
        })
        .await??
    };

    print_report(
        &args,
        tmp.path(),
        [&intake_small, &intake_large, &raw_small, &raw_large],
        [hwm_before, hwm_after],
        &small_statuses,
    );
    Ok(ExitCode::SUCCESS)
}

/// The configuration of a benchmark's own server: in `dir`, with an empty configuration file
/// so a worktrack.toml in the working directory plays no part, on a free port.
pub(crate) fn bench_config(
    dir: &Path,
    database_url: String,
    data: &Path,
    master_key: String,
    max_upload_bytes: Option<u64>,
) -> anyhow::Result<Config> {
    let config_file = dir.join("bench.toml");
    std::fs::write(&config_file, "")?;
    Config::resolve(
        Overrides {
            listen: Some(("127.0.0.1:0".into(), Source::Flag)),
            database_url: Some((database_url, Source::Flag)),
            data_dir: Some((data.to_path_buf(), Source::Flag)),
            max_upload_bytes: max_upload_bytes.map(|b| (b, Source::Flag)),
            master_key: Some(master_key),
            ..Overrides::default()
        },
        Some(config_file),
    )
}

/// A fresh master key, in hex.
pub(crate) fn random_key() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The server as `serve` starts it, on the benchmark's configuration.
pub(crate) async fn start_server(
    config: &Config,
    store: &worktrack_store::Store,
) -> anyhow::Result<server::Running> {
    let intake = server::open_intake(config, store.clone())?;
    server::start(
        &config.listen.value,
        intake,
        server::web_config(config),
        config.worker_jobs.value,
    )
    .await
}

/// A benchmark's own training office in the Central time zone, of one member of staff.
pub(crate) fn bench_office(code: &str, name: &str) -> anyhow::Result<NewOffice> {
    Ok(NewOffice {
        code: OfficeCode::parse(code)?,
        settings: OfficeSettings {
            name: PersonName::parse(name)?,
            area: AreaName::parse("Benchmark Area")?,
            time_zone: TimeZone::parse("America/Chicago")?,
            dc_area: false,
            training: true,
            headcount: 1,
            upload_within_days: 3,
        },
    })
}

/// An account of a benchmark's office, with a password no one knows.
pub(crate) async fn bench_user(
    store: &worktrack_store::Store,
    office_id: i64,
    username: &str,
    display_name: &str,
    role: Role,
) -> anyhow::Result<worktrack_store::User> {
    let hash = worktrack_web::hash_password(worktrack_web::generate_password())
        .await
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(store
        .create_user(
            &Actor::system("bench"),
            &NewUser {
                username: Username::parse(username)?,
                display_name: PersonName::parse(display_name)?,
                role,
                office_id: Some(office_id),
                skills: Skill::parse_list("")?,
                password_hash: hash,
            },
        )
        .await?)
}

/// The benchmark's office, a scanner account in it and an API token for the uploads.
async fn scanner_token(store: &worktrack_store::Store) -> anyhow::Result<String> {
    let actor = Actor::system("bench");
    let office = store
        .create_office(&actor, &bench_office(OFFICE, "Benchmark Office")?)
        .await?;
    let user = bench_user(
        store,
        office.id,
        "bench.scanner",
        "Bench Scanner",
        Role::Employee,
    )
    .await?;
    crate::load::api_token(store, &user, 24 * 3600 * 1000).await
}

/// The table: intake and raw writes, small and large files, and memory.
fn print_report(
    args: &IntakeBenchArgs,
    dir: &Path,
    [intake_small, intake_large, raw_small, raw_large]: [&Phase; 4],
    [hwm_before, hwm_after]: [(Option<u64>, Option<u64>); 2],
    small_statuses: &[String],
) {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "WorkTrack intake benchmark, {} UTC, {cpus} CPUs, SQLite and local blobs under {}",
        time::OffsetDateTime::now_utc().date(),
        dir.display()
    );
    println!(
        "{:<34} {:>5} {:>9} {:>8} {:>8} {:>8}",
        "", "files", "MB", "seconds", "MB/s", "docs/s"
    );
    let row = |label: String, p: &Phase, docs: bool| {
        println!(
            "{:<34} {:>5} {:>9.1} {:>8.2} {:>8.1} {:>8}",
            label,
            p.files,
            p.bytes as f64 / MB,
            p.seconds,
            p.mb_per_s(),
            if docs {
                format!("{:.2}", p.docs_per_s())
            } else {
                "-".into()
            }
        );
    };
    row(
        format!("intake, small files ({} MB)", args.size_mb),
        intake_small,
        true,
    );
    row(
        format!("intake, large files ({} MB)", args.large_mb),
        intake_large,
        true,
    );
    row("raw write + fsync, small files".into(), raw_small, false);
    row("raw write + fsync, large files".into(), raw_large, false);
    println!(
        "peak RSS (VmHWM): {} before the large files, {} after (current RSS {})",
        mb(hwm_before.0),
        mb(hwm_after.0),
        mb(hwm_after.1)
    );
    println!(
        "intake MB/s / raw MB/s, large files: {:.2}",
        intake_large.mb_per_s() / raw_large.mb_per_s().max(1e-9)
    );
    println!(
        "(MB = 10^6 bytes. tus uploads in {} MiB PATCH requests, one file at a time, client and server in one process; the files are random bytes, so nothing is deduplicated, and each is recorded as needing attention ({}), so no page images are made.)",
        CHUNK / (1024 * 1024),
        small_statuses.first().map(String::as_str).unwrap_or("-")
    );
}
