//! Paper that arrives as files: the scanner hot folder (`worktrack watch`, `serve --hot-folder`)
//! and the bulk import of a directory tree (`worktrack import`).
//!
//! Both take files in through [`Intake::take_in`], with a `source_key` naming the file by
//! office, name (or canonical path), size and modification time. A file whose key is already
//! on file is not recorded again, so a restart between "recorded" and "moved away" (hot folder)
//! or a second run over the same tree (import) neither loses nor doubles a document.

use anyhow::{bail, Context};
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use worktrack_pipeline::intake::{Incoming, Intake};
use worktrack_store::{Actor, Office, Source, Store, StoreError};

/// Sub-folders of a hot folder, never scanned themselves.
pub const PROCESSED_DIR: &str = "processed";
pub const FAILED_DIR: &str = "failed";

/// `worktrack watch`.
#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// The folder the scanner writes to (not searched recursively).
    pub dir: PathBuf,
    /// Code of the office the paper arrived at.
    #[arg(long)]
    pub office: String,
    /// How often to look at the folder, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub interval_ms: u64,
    /// A file is taken once its size and modification time have not changed for this long.
    #[arg(long, default_value_t = 2000)]
    pub stable_ms: u64,
    /// Take in what is ready now, then exit (for cron jobs).
    #[arg(long)]
    pub once: bool,
    /// Largest file taken in, in bytes (default: the server's max_upload_bytes).
    #[arg(long, env = "WORKTRACK_MAX_UPLOAD_BYTES")]
    pub max_upload_bytes: Option<u64>,
}

/// `worktrack import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The directory tree to import (searched recursively; dotfiles are skipped).
    pub dir: PathBuf,
    /// Code of the office the paper arrived at.
    #[arg(long)]
    pub office: String,
    /// The day the paper arrived (YYYY-MM-DD; default: today at the office).
    #[arg(long)]
    pub received: Option<String>,
    /// Largest file taken in, in bytes (default: the server's max_upload_bytes).
    #[arg(long, env = "WORKTRACK_MAX_UPLOAD_BYTES")]
    pub max_upload_bytes: Option<u64>,
}

/// How a hot folder is watched.
#[derive(Debug, Clone)]
pub struct HotFolderOptions {
    /// Time between two looks at the folder.
    pub interval: Duration,
    /// How long a file's size and modification time must stay unchanged before it is taken.
    pub stable: Duration,
    /// Larger files go to `failed/`.
    pub max_upload_bytes: u64,
}

/// Size and modification time of a file, as one look saw them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: SystemTime,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            mtime: meta.modified().unwrap_or(UNIX_EPOCH),
        }
    }

    fn mtime_ns(&self) -> u128 {
        self.mtime
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }

    /// How long ago the file was last written, by the wall clock (None when in the future).
    fn age(&self, now: SystemTime) -> Option<Duration> {
        now.duration_since(self.mtime).ok()
    }
}

/// The source key of a hot-folder file: a restart finds the document it already recorded.
fn hot_folder_key(office: &str, name: &str, size: u64, mtime_ns: u128) -> String {
    format!("hot:{office}:{name}:{size}:{mtime_ns}")
}

/// The source key of an imported file: a second run over the same tree skips it.
fn import_key(office: &str, canonical: &Path, size: u64, mtime_ns: u128) -> String {
    format!(
        "import:{office}:{}:{size}:{mtime_ns}",
        canonical.to_string_lossy()
    )
}

/// Names the hot folder leaves alone: hidden files, its own sub-folders, and names scanners
/// and copy tools use while they are still writing.
fn ignored_in_hot_folder(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name == PROCESSED_DIR
        || name == FAILED_DIR
        || lower.ends_with(".tmp")
        || lower.ends_with(".part")
        || name.ends_with('~')
}

/// When a file counts as finished. With `once` there is a single look, so the modification
/// time must be at least `stable` old. Watching, the file must also look the same as in the
/// previous poll (a copy that keeps an old modification time still changes size), and either
/// have been seen unchanged for `stable` or have a modification time that old (so files waiting
/// at start-up go after one more look, and a clock skew between scanner and server does no
/// harm).
fn is_stable(
    stamp: Stamp,
    previous: Option<(Stamp, Instant)>,
    now: Instant,
    wall: SystemTime,
    stable: Duration,
    once: bool,
) -> bool {
    let old_enough = stamp.age(wall).is_some_and(|a| a >= stable);
    if once {
        return old_enough;
    }
    match previous {
        Some((seen, since)) if seen == stamp => {
            old_enough || now.saturating_duration_since(since) >= stable
        }
        _ => false,
    }
}

/// A name in `dir` not yet taken: `name`, else `stem-1.ext`, `stem-2.ext`, … With `note`,
/// the name's `.reason.txt` must be free too.
fn free_name(dir: &Path, name: &str, note: bool) -> PathBuf {
    let exists = |n: &str| dir.join(n).symlink_metadata().is_ok();
    let taken = |n: &str| exists(n) || (note && exists(&format!("{n}.reason.txt")));
    if !taken(name) {
        return dir.join(name);
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    let mut n = 1u64;
    loop {
        let candidate = format!("{stem}-{n}{ext}");
        if !taken(&candidate) {
            return dir.join(candidate);
        }
        n += 1;
    }
}

/// Sizes for people: `48.2 MB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// One plain sentence saying why a file could not be taken in.
fn failure_reason(e: &StoreError) -> String {
    match e {
        StoreError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "The file disappeared before WorkTrack could read it.".to_string()
        }
        StoreError::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "WorkTrack is not allowed to read the file (permission denied).".to_string()
        }
        StoreError::Io(io) => format!("WorkTrack could not read or store the file ({io})."),
        StoreError::Database(db) => {
            format!("The database could not record the file ({db}); put it back to try again.")
        }
        other => format!("The file could not be taken in ({other})."),
    }
}

fn too_large_reason(size: u64, max: u64) -> String {
    format!(
        "The file is {} ({size} bytes), larger than the {max} bytes this server accepts.",
        human_bytes(size)
    )
}

/// What happened to one hot-folder file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    Processed,
    Failed,
    /// Changed again since it looked stable, or could not be moved: tried again later.
    Later,
}

/// Counts of one pass over a hot folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub taken_in: usize,
    pub failed: usize,
    /// Files still being written (or waiting to be moved).
    pub waiting: usize,
}

/// One office's scanner folder.
pub struct HotFolder {
    intake: Intake,
    office: Office,
    dir: PathBuf,
    opts: HotFolderOptions,
    actor: Actor,
    /// What each file looked like when first seen unchanged, and since when.
    seen: HashMap<OsString, (Stamp, Instant)>,
    /// Files recorded but not moved (the move failed): not tried again before this time.
    retry_at: HashMap<OsString, Instant>,
}

impl HotFolder {
    /// Checks the folder and creates `processed/` and `failed/` in it.
    pub fn new(
        intake: Intake,
        office: Office,
        dir: PathBuf,
        opts: HotFolderOptions,
    ) -> anyhow::Result<HotFolder> {
        if !dir.is_dir() {
            bail!("hot folder {}: not a directory", dir.display());
        }
        for sub in [PROCESSED_DIR, FAILED_DIR] {
            std::fs::create_dir_all(dir.join(sub))
                .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
        }
        let actor = Actor::system(&format!("hot-folder:{}", office.code));
        Ok(HotFolder {
            intake,
            office,
            dir,
            opts,
            actor,
            seen: HashMap::new(),
            retry_at: HashMap::new(),
        })
    }

    /// The regular files of the folder that are candidates, with how they look now.
    async fn list(&self) -> std::io::Result<Vec<(OsString, Stamp)>> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let name = entry.file_name();
                if ignored_in_hot_folder(&name.to_string_lossy()) {
                    continue;
                }
                // A file deleted between listing and stat is simply gone.
                let Ok(meta) = entry.metadata() else { continue };
                if meta.is_file() {
                    out.push((name, Stamp::of(&meta)));
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// One look at the folder: takes in every file that is finished.
    pub async fn pass(&mut self, once: bool) -> anyhow::Result<PassReport> {
        let files = self
            .list()
            .await
            .with_context(|| format!("cannot read hot folder {}", self.dir.display()))?;
        let now = Instant::now();
        let wall = SystemTime::now();
        self.seen
            .retain(|name, _| files.iter().any(|(n, _)| n == name));
        self.retry_at
            .retain(|name, _| files.iter().any(|(n, _)| n == name));
        let mut report = PassReport::default();
        for (name, stamp) in files {
            if self.retry_at.get(&name).is_some_and(|t| *t > now) {
                report.waiting += 1;
                continue;
            }
            let previous = self.seen.get(&name).copied();
            if !is_stable(stamp, previous, now, wall, self.opts.stable, once) {
                if previous.map(|p| p.0) != Some(stamp) {
                    self.seen.insert(name, (stamp, now));
                }
                report.waiting += 1;
                continue;
            }
            match self.take(&name, stamp).await {
                Taken::Processed => {
                    self.seen.remove(&name);
                    report.taken_in += 1;
                }
                Taken::Failed => {
                    self.seen.remove(&name);
                    report.failed += 1;
                }
                Taken::Later => {
                    self.seen.insert(name, (stamp, Instant::now()));
                    report.waiting += 1;
                }
            }
        }
        Ok(report)
    }

    /// Takes one finished file in and moves it to `processed/<day>/` or `failed/`.
    async fn take(&mut self, name: &OsString, stamp: Stamp) -> Taken {
        let path = self.dir.join(name);
        let shown = name.to_string_lossy().into_owned();
        // Look once more: the key must describe exactly the bytes that are read.
        match tokio::fs::symlink_metadata(&path).await {
            Ok(meta) if Stamp::of(&meta) == stamp => {}
            Ok(_) => return Taken::Later,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let reason =
                    "The file disappeared from the hot folder before it could be taken in.";
                self.record_failure(&shown, None, reason).await;
                return Taken::Failed;
            }
            Err(e) => {
                let reason = format!("WorkTrack could not look at the file ({e}).");
                return self.fail(&path, &shown, &reason).await;
            }
        }
        if stamp.size > self.opts.max_upload_bytes {
            let reason = too_large_reason(stamp.size, self.opts.max_upload_bytes);
            return self.fail(&path, &shown, &reason).await;
        }
        let key = hot_folder_key(&self.office.code, &shown, stamp.size, stamp.mtime_ns());
        let outcome = self
            .intake
            .take_in(
                &self.actor,
                Incoming {
                    path: &path,
                    filename: &shown,
                    office: &self.office,
                    received_on: Intake::today(&self.office),
                    original_evidence: false,
                    source: Source::HotFolder,
                    source_key: Some(key),
                },
            )
            .await;
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => return self.fail(&path, &shown, &failure_reason(&e)).await,
        };
        let day_dir = self
            .dir
            .join(PROCESSED_DIR)
            .join(Intake::today(&self.office).to_string());
        let moved = async {
            tokio::fs::create_dir_all(&day_dir).await?;
            let dest = free_name(&day_dir, &shown, false);
            tokio::fs::rename(&path, &dest).await?;
            Ok::<PathBuf, std::io::Error>(dest)
        }
        .await;
        let doc = &outcome.document;
        match moved {
            Ok(dest) => {
                let what = if outcome.created {
                    format!("document {} ({})", doc.id, doc.status)
                } else {
                    format!("already taken in as document {}", doc.id)
                };
                tracing::info!(
                    office = %self.office.code,
                    "hot folder: {shown} -> {what}; moved to {}",
                    dest.strip_prefix(&self.dir).unwrap_or(&dest).display()
                );
                Taken::Processed
            }
            Err(e) => {
                // Recorded but still here: the next pass finds it by its key and moves it.
                tracing::error!(
                    office = %self.office.code, error = %e,
                    "hot folder: {shown} was taken in as document {} but could not be moved to processed/", doc.id
                );
                self.retry_later(&path);
                Taken::Later
            }
        }
    }

    /// Moves a file to `failed/` with a note saying why. When even that is impossible, the
    /// file stays and is tried again in a minute.
    async fn fail(&mut self, path: &Path, shown: &str, reason: &str) -> Taken {
        let failed = self.dir.join(FAILED_DIR);
        let dest = free_name(&failed, shown, true);
        match tokio::fs::rename(path, &dest).await {
            Ok(()) => {
                let final_name = dest
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| shown.to_string());
                self.record_failure(&final_name, Some(shown), reason).await;
                Taken::Failed
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.record_failure(shown, None, reason).await;
                Taken::Failed
            }
            Err(e) => {
                tracing::error!(
                    office = %self.office.code, error = %e,
                    "hot folder: {shown} could not be taken in ({reason}) nor moved to failed/"
                );
                self.retry_later(path);
                Taken::Later
            }
        }
    }

    fn retry_later(&mut self, path: &Path) {
        if let Some(name) = path.file_name() {
            self.retry_at.insert(
                name.to_os_string(),
                Instant::now() + Duration::from_secs(60),
            );
        }
    }

    /// Writes `failed/<name>.reason.txt` and logs the failure.
    async fn record_failure(&self, name_in_failed: &str, original: Option<&str>, reason: &str) {
        let note = self
            .dir
            .join(FAILED_DIR)
            .join(format!("{name_in_failed}.reason.txt"));
        if let Err(e) = tokio::fs::write(&note, format!("{reason}\n")).await {
            tracing::error!(error = %e, "hot folder: cannot write {}", note.display());
        }
        tracing::warn!(
            office = %self.office.code,
            "hot folder: {} not taken in: {reason}",
            original.unwrap_or(name_in_failed)
        );
    }
}

impl HotFolder {
    /// Watches the folder until `stop` turns true (or its sender is dropped).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        tracing::info!(
            office = %self.office.code,
            "hot folder: watching {}",
            self.dir.display()
        );
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(e) = self.pass(false).await {
                // A folder on a network share can vanish for a while; keep watching.
                tracing::warn!(office = %self.office.code, "hot folder: {e:#}");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.opts.interval) => {}
                changed = stop.changed() => if changed.is_err() { return },
            }
        }
    }
}

/// Watches `dir` for `office` until `stop` turns true (or its sender is dropped). Fails only
/// when the folder cannot be set up.
pub async fn run_hot_folder(
    intake: Intake,
    office: Office,
    dir: PathBuf,
    opts: HotFolderOptions,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    HotFolder::new(intake, office, dir, opts)?.run(stop).await;
    Ok(())
}

/// The hot folders `serve` runs beside the web server.
pub struct HotFolders {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl HotFolders {
    /// Starts one watcher per `CODE=DIR`; an unknown office or a missing folder is an error
    /// before anything starts.
    pub async fn start(
        intake: &Intake,
        specs: &[String],
        max_upload_bytes: u64,
    ) -> anyhow::Result<HotFolders> {
        let mut folders = Vec::new();
        for spec in specs {
            let Some((code, dir)) = spec.split_once('=') else {
                bail!("--hot-folder {spec}: use CODE=DIR, e.g. TRN25=/srv/scans/trn25");
            };
            let office = office_by_code(&intake.store, code.trim()).await?;
            let opts = HotFolderOptions {
                interval: Duration::from_millis(1000),
                stable: Duration::from_millis(2000),
                max_upload_bytes,
            };
            folders.push(HotFolder::new(
                intake.clone(),
                office,
                PathBuf::from(dir),
                opts,
            )?);
        }
        let (stop, rx) = watch::channel(false);
        let tasks = folders
            .into_iter()
            .map(|f| tokio::spawn(f.run(rx.clone())))
            .collect();
        Ok(HotFolders { stop, tasks })
    }

    /// Stops the watchers after the file each is taking in, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn office_by_code(store: &Store, code: &str) -> anyhow::Result<Office> {
    match store.office_by_code(code).await {
        Ok(o) => Ok(o),
        Err(StoreError::NotFound) => bail!("there is no office {code}"),
        Err(e) => Err(e.into()),
    }
}

/// `worktrack watch`.
pub async fn watch_command(
    intake: Intake,
    args: WatchArgs,
    default_max_upload_bytes: u64,
) -> anyhow::Result<ExitCode> {
    let office = office_by_code(&intake.store, &args.office).await?;
    let opts = HotFolderOptions {
        interval: Duration::from_millis(args.interval_ms.max(10)),
        stable: Duration::from_millis(args.stable_ms),
        max_upload_bytes: args.max_upload_bytes.unwrap_or(default_max_upload_bytes),
    };
    let mut folder = HotFolder::new(intake, office, args.dir, opts)?;
    if args.once {
        let r = folder.pass(true).await?;
        println!(
            "hot folder {}: {} taken in, {} failed, {} not ready yet",
            folder.office.code, r.taken_in, r.failed, r.waiting
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(folder.run(rx));
    shutdown_signal().await?;
    tracing::info!("hot folder: stopping");
    let _ = tx.send(true);
    task.await?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() -> std::io::Result<()> {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! { r = ctrl_c => r?, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await?;
    Ok(())
}

// --- bulk import ---------------------------------------------------------------------------

/// What became of one file of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Stored,
    Duplicate,
    NeedsAttention,
    /// Taken in by an earlier run.
    Skipped,
    Failed,
}

impl ImportStatus {
    pub fn label(self) -> &'static str {
        match self {
            ImportStatus::Stored => "stored",
            ImportStatus::Duplicate => "duplicate",
            ImportStatus::NeedsAttention => "needs attention",
            ImportStatus::Skipped => "skipped",
            ImportStatus::Failed => "failed",
        }
    }
}

/// A file that was not plainly stored, for the summary.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Relative to the imported directory.
    pub path: String,
    pub status: ImportStatus,
    pub detail: String,
}

#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    pub rows: Vec<ImportRow>,
    pub stored: usize,
    pub duplicates: usize,
    pub needs_attention: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Bytes taken in by this run.
    pub bytes: u64,
    pub seconds: f64,
}

impl ImportReport {
    fn count(&mut self, path: String, status: ImportStatus, detail: String) {
        match status {
            ImportStatus::Stored => self.stored += 1,
            ImportStatus::Duplicate => self.duplicates += 1,
            ImportStatus::NeedsAttention => self.needs_attention += 1,
            ImportStatus::Skipped => self.skipped += 1,
            ImportStatus::Failed => self.failed += 1,
        }
        if !matches!(status, ImportStatus::Stored | ImportStatus::Skipped) {
            self.rows.push(ImportRow {
                path,
                status,
                detail,
            });
        }
    }

    /// The summary table: one row per file that was not plainly stored, then the totals.
    pub fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        if !self.rows.is_empty() {
            let width = self
                .rows
                .iter()
                .map(|r| r.path.chars().count())
                .max()
                .unwrap_or(0)
                .clamp(4, 60);
            writeln!(out, "{:<16} {:<width$} detail", "status", "file")?;
            for r in &self.rows {
                writeln!(
                    out,
                    "{:<16} {:<width$} {}",
                    r.status.label(),
                    r.path,
                    r.detail
                )?;
            }
            writeln!(out)?;
        }
        let total = [
            ("stored", self.stored.to_string()),
            ("duplicates", self.duplicates.to_string()),
            ("needs attention", self.needs_attention.to_string()),
            ("skipped", self.skipped.to_string()),
            ("failed", self.failed.to_string()),
            (
                "bytes",
                format!("{} ({})", self.bytes, human_bytes(self.bytes)),
            ),
            ("seconds", format!("{:.1}", self.seconds)),
        ];
        for (k, v) in total {
            writeln!(out, "{k:<16} {v}")?;
        }
        Ok(())
    }
}

/// A file found by the walk.
struct Found {
    path: PathBuf,
    relative: String,
    size: u64,
}

/// The files under `root` (dotfiles and dot-directories skipped, symbolic links to
/// directories not followed), sorted by path; what could not be walked, as failures.
fn walk(root: &Path) -> (Vec<Found>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let relative = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // A directory that cannot be opened is reported as an entry that cannot be read is.
        let entries: Vec<std::io::Result<std::fs::DirEntry>> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.collect(),
            Err(e) => vec![Err(e)],
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push((
                        relative(&dir),
                        format!("The directory could not be read ({e})."),
                    ));
                    continue;
                }
            };
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = match entry.file_type() {
                Ok(k) => k,
                Err(e) => {
                    problems.push((relative(&path), format!("It could not be examined ({e}).")));
                    continue;
                }
            };
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            // Follows a link to a file; a link to a directory could loop, so it is reported.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => files.push(Found {
                    relative: relative(&path),
                    path,
                    size: m.len(),
                }),
                Ok(m) if m.is_dir() => problems.push((
                    relative(&path),
                    "It is a link to a directory, which the import does not follow; import that directory itself.".to_string(),
                )),
                Ok(_) => problems.push((relative(&path), "It is not a regular file.".to_string())),
                Err(e) => {
                    problems.push((relative(&path), format!("It could not be examined ({e}).")))
                }
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    (files, problems)
}

/// The import's progress on stderr: one updating line on a terminal, otherwise a line every
/// tenth of the files.
struct Progress {
    total_files: usize,
    files: usize,
    bytes: u64,
    start: Instant,
    terminal: bool,
    last_draw: Option<Instant>,
    next_tenth: usize,
}

impl Progress {
    fn new(total_files: usize) -> Progress {
        Progress {
            total_files,
            files: 0,
            bytes: 0,
            start: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            last_draw: None,
            next_tenth: 1,
        }
    }

    fn line(&self) -> String {
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        format!(
            "imported {}/{} files, {}, {:.1} MB/s",
            self.files,
            self.total_files,
            human_bytes(self.bytes),
            self.bytes as f64 / 1e6 / secs
        )
    }

    /// One more file done, of which `bytes_taken_in` were read into the store.
    fn advance(&mut self, bytes_taken_in: u64) {
        self.files += 1;
        self.bytes += bytes_taken_in;
        let done = self.files == self.total_files;
        if self.terminal {
            let due =
                !matches!(self.last_draw, Some(t) if t.elapsed() < Duration::from_millis(100));
            if done || due {
                eprint!("\r\x1b[K{}", self.line());
                let _ = std::io::stderr().flush();
                self.last_draw = Some(Instant::now());
            }
        } else {
            let tenth = self.files * 10 / self.total_files.max(1);
            if tenth >= self.next_tenth {
                eprintln!("{}", self.line());
                self.next_tenth = tenth + 1;
            }
        }
    }

    fn finish(&self) {
        if self.terminal && self.last_draw.is_some() {
            eprintln!();
        }
    }
}

/// Imports every file under `dir` for `office`, one after another.
pub async fn import_tree(
    intake: &Intake,
    office: &Office,
    dir: &Path,
    received_on: time::Date,
    max_upload_bytes: u64,
) -> ImportReport {
    let start = Instant::now();
    let root = dir.to_path_buf();
    let (files, problems) = tokio::task::spawn_blocking(move || walk(&root))
        .await
        .unwrap_or_else(|e| {
            (
                Vec::new(),
                vec![(String::new(), format!("The walk failed ({e})."))],
            )
        });
    let mut report = ImportReport::default();
    for (path, reason) in problems {
        report.count(path, ImportStatus::Failed, reason);
    }
    let actor = Actor::system(&format!("import:{}", office.code));
    let mut progress = Progress::new(files.len());
    for f in files {
        let (status, detail) =
            import_one(intake, &actor, office, &f, received_on, max_upload_bytes).await;
        let taken = if matches!(
            status,
            ImportStatus::Stored | ImportStatus::Duplicate | ImportStatus::NeedsAttention
        ) {
            f.size
        } else {
            0
        };
        report.bytes += taken;
        report.count(f.relative, status, detail);
        progress.advance(taken);
    }
    progress.finish();
    report.seconds = start.elapsed().as_secs_f64();
    report
}

async fn import_one(
    intake: &Intake,
    actor: &Actor,
    office: &Office,
    f: &Found,
    received_on: time::Date,
    max_upload_bytes: u64,
) -> (ImportStatus, String) {
    let looked = tokio::fs::metadata(&f.path)
        .await
        .and_then(|m| Ok((Stamp::of(&m), std::fs::canonicalize(&f.path)?)));
    let (stamp, canonical) = match looked {
        Ok(x) => x,
        Err(e) => return (ImportStatus::Failed, failure_reason(&StoreError::Io(e))),
    };
    if stamp.size > max_upload_bytes {
        return (
            ImportStatus::Failed,
            too_large_reason(stamp.size, max_upload_bytes),
        );
    }
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let taken = intake
        .take_in(
            actor,
            Incoming {
                path: &f.path,
                filename: &name,
                office,
                received_on,
                original_evidence: false,
                source: Source::Import,
                source_key: Some(import_key(
                    &office.code,
                    &canonical,
                    stamp.size,
                    stamp.mtime_ns(),
                )),
            },
        )
        .await;
    match taken {
        Err(e) => (ImportStatus::Failed, failure_reason(&e)),
        Ok(o) if !o.created => (
            ImportStatus::Skipped,
            format!("already imported as document {}", o.document.id),
        ),
        Ok(o) => {
            let d = &o.document;
            match d.status.as_str() {
                worktrack_store::STATUS_DUPLICATE => (
                    ImportStatus::Duplicate,
                    format!(
                        "document {}: same content as document {}",
                        d.id,
                        d.duplicate_of.unwrap_or_default()
                    ),
                ),
                worktrack_store::STATUS_ATTENTION => (
                    ImportStatus::NeedsAttention,
                    format!("document {}: {}", d.id, o.note()),
                ),
                _ => (ImportStatus::Stored, format!("document {}", d.id)),
            }
        }
    }
}

/// `--received`: a date, not in the future at the office.
fn received_date(office: &Office, given: Option<&str>) -> Result<time::Date, String> {
    let today = Intake::today(office);
    let Some(text) = given.map(str::trim) else {
        return Ok(today);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(text, &format)
        .map_err(|_| format!("--received {text}: use the form YYYY-MM-DD"))?;
    if d > today {
        return Err(format!(
            "--received {text} is in the future (today is {today} at office {})",
            office.code
        ));
    }
    Ok(d)
}

/// `worktrack import`: exit 0 when nothing failed, 1 when a file failed, 2 on a usage error
/// (before any file is touched).
pub async fn import_command(
    intake: Intake,
    args: ImportArgs,
    default_max_upload_bytes: u64,
) -> anyhow::Result<ExitCode> {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        Ok(ExitCode::from(2))
    };
    let office = match intake.store.office_by_code(&args.office).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return usage(format!("there is no office {}", args.office)),
        Err(e) => return Err(e.into()),
    };
    if !args.dir.is_dir() {
        return usage(format!("{} is not a directory", args.dir.display()));
    }
    let received = match received_date(&office, args.received.as_deref()) {
        Ok(d) => d,
        Err(msg) => return usage(msg),
    };
    let max = args.max_upload_bytes.unwrap_or(default_max_upload_bytes);
    let report = import_tree(&intake, &office, &args.dir, received, max).await;
    report.write_to(&mut std::io::stdout().lock())?;
    Ok(if report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(size: u64, secs_ago: u64) -> Stamp {
        Stamp {
            size,
            mtime: SystemTime::now() - Duration::from_secs(secs_ago),
        }
    }

    #[test]
    fn scanner_temp_names_and_own_folders_are_ignored() {
        for name in [
            ".hidden.pdf",
            "processed",
            "failed",
            "a.tmp",
            "a.TMP",
            "b.part",
            "c.pdf~",
        ] {
            assert!(ignored_in_hot_folder(name), "{name}");
        }
        for name in ["scan 001.pdf", "part.pdf", "processed.pdf", "tmp"] {
            assert!(!ignored_in_hot_folder(name), "{name}");
        }
    }

    #[test]
    fn stability_needs_quiet_time_and_two_equal_looks() {
        let stable = Duration::from_secs(2);
        let now = Instant::now();
        let wall = SystemTime::now();
        let old = stamp(10, 60);
        let fresh = stamp(10, 0);
        let watching =
            |s: Stamp, seen: Option<(Stamp, Instant)>| is_stable(s, seen, now, wall, stable, false);
        // Once: the modification time alone decides.
        assert!(is_stable(old, None, now, wall, stable, true));
        assert!(!is_stable(fresh, None, now, wall, stable, true));
        // Watching: never on first sight; an old file on the second equal look.
        assert!(!is_stable(old, None, now, wall, stable, false));
        assert!(watching(old, Some((old, now))));
        // A copy keeping an old modification time but still growing is not taken.
        let grown = Stamp { size: 20, ..old };
        assert!(!watching(grown, Some((old, now))));
        // A fresh file: only after it was seen unchanged for the whole period.
        let since = now - Duration::from_secs(1);
        assert!(!watching(fresh, Some((fresh, since))));
        let since = now - Duration::from_secs(3);
        assert!(watching(fresh, Some((fresh, since))));
        // A modification time in the future (clock skew) is judged by observation.
        let future = Stamp {
            size: 1,
            mtime: wall + Duration::from_secs(3600),
        };
        assert!(watching(future, Some((future, since))));
    }

    #[test]
    fn free_names_count_up_before_the_extension() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(free_name(d, "a.pdf", false), d.join("a.pdf"));
        std::fs::write(d.join("a.pdf"), "x").unwrap();
        assert_eq!(free_name(d, "a.pdf", false), d.join("a-1.pdf"));
        std::fs::write(d.join("a-1.pdf"), "x").unwrap();
        assert_eq!(free_name(d, "a.pdf", false), d.join("a-2.pdf"));
        assert_eq!(free_name(d, "README", false), d.join("README"));
        std::fs::write(d.join("README"), "x").unwrap();
        assert_eq!(free_name(d, "README", false), d.join("README-1"));
        // A leftover reason note also makes a name taken.
        std::fs::write(d.join("b.pdf.reason.txt"), "x").unwrap();
        assert_eq!(free_name(d, "b.pdf", true), d.join("b-1.pdf"));
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_bytes(67), "67 bytes");
        assert_eq!(human_bytes(48_200_000), "48.2 MB");
        assert_eq!(human_bytes(2_000_000_000), "2.0 GB");
    }
}
