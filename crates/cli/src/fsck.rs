//! `worktrack fsck`: proves that every document and page image has its blob, that each blob
//! decrypts and matches its name, and finds what nothing refers to (orphan blobs, partial
//! uploads without an upload in progress). `--repair` removes only the latter two; it never
//! touches a database row. It also lists the uploads in progress, with their office, age and
//! how much of them has arrived (read through: their parts are encrypted).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};
use worktrack_pipeline::intake::Intake;
use worktrack_store::StoreError;

use crate::folders::human_bytes;

/// Files younger than this that nothing refers to may belong to an upload in progress (its
/// blob is durable a moment before its row commits): reported, never removed.
pub const GRACE: Duration = Duration::from_secs(3600);

#[derive(clap::Args, Debug)]
pub struct FsckArgs {
    /// Remove orphan blobs and stale partial uploads (never database rows).
    #[arg(long)]
    pub repair: bool,
}

/// What one run found.
#[derive(Debug, Default)]
pub struct FsckReport {
    pub blobs_checked: usize,
    /// Missing, corrupt or unreadable blobs that rows refer to: never repaired here.
    pub damaged: Vec<String>,
    /// Orphan blobs and stale partial files, with their paths (or blob names).
    pub leftovers: Vec<Leftover>,
    /// Unreferenced files too young to judge.
    pub notes: Vec<String>,
    /// Uploads in progress: one line each, oldest first (not problems: they expire).
    pub uploads: Vec<String>,
}

#[derive(Debug)]
pub struct Leftover {
    pub what: LeftoverKind,
    pub line: String,
    pub removed: Option<Result<(), String>>,
}

#[derive(Debug, Clone)]
pub enum LeftoverKind {
    OrphanBlob(String),
    StalePart(PathBuf),
}

fn age(path: &Path, now: SystemTime) -> Option<Duration> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(now.duration_since(modified).unwrap_or_default())
}

/// An age for people: `40 s`, `12 min`, `3 h`, `2 d`.
pub fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86_400),
    }
}

/// What the encrypted part of upload `id` holds, for people: `1.2 MB of 4.0 MB`, and whether
/// it reads through.
async fn part_progress(intake: &Intake, id: &str, path: &Path, length: i64) -> String {
    let of = human_bytes(length.max(0) as u64);
    let key = match worktrack_store::parts::PartKey::new(intake.store.keys(), id) {
        Ok(k) => k,
        Err(e) => return format!("? of {of} ({e})"),
    };
    let path = path.to_path_buf();
    let scanned =
        tokio::task::spawn_blocking(move || worktrack_store::parts::scan(&key, &path, true)).await;
    match scanned {
        Ok(Ok(s)) if s.damaged => format!(
            "{} of {of}, then a damaged record (the client will be asked for the rest again)",
            human_bytes(s.offset)
        ),
        Ok(Ok(s)) => format!("{} of {of}", human_bytes(s.offset)),
        Ok(Err(e)) => format!("? of {of} (unreadable: {e})"),
        Err(e) => format!("? of {of} ({e})"),
    }
}

fn size_of(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Checks the blob store and the uploads directory against the database.
pub async fn check(intake: &Intake, uploads_dir: &Path) -> anyhow::Result<FsckReport> {
    let mut report = FsckReport::default();
    let now = SystemTime::now();
    check_blobs(intake, now, &mut report).await?;
    check_uploads(intake, uploads_dir, now, &mut report).await?;
    Ok(report)
}

/// Reads through every referenced blob (damaged ones into `report`) and finds the orphans.
async fn check_blobs(
    intake: &Intake,
    now: SystemTime,
    report: &mut FsckReport,
) -> anyhow::Result<()> {
    let stored = intake.blobs.list_detailed().await?;
    let listed: BTreeSet<&str> = stored.iter().map(|b| b.hash.as_str()).collect();
    let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (hash, what) in intake.store.referenced_blobs().await? {
        refs.entry(hash).or_default().push(what);
    }
    // Every referenced blob is read through, listed or not (it may have arrived since).
    for (hash, what) in &refs {
        let by = what.join(", ");
        match intake.blobs.verify(hash).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                report
                    .damaged
                    .push(format!("missing blob {hash}: referenced by {by}"));
            }
            Err(StoreError::Crypto(msg)) => {
                report
                    .damaged
                    .push(format!("corrupt blob {hash}: {msg}; referenced by {by}"));
            }
            Err(e) => {
                report
                    .damaged
                    .push(format!("unreadable blob {hash}: {e}; referenced by {by}"));
            }
        }
    }
    report.blobs_checked =
        listed.len() + refs.keys().filter(|h| !listed.contains(h.as_str())).count();

    // Rows committed while blobs were being verified refer to blobs that looked orphaned.
    let referenced_now: BTreeSet<String> = intake
        .store
        .referenced_blobs()
        .await?
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    for blob in stored
        .iter()
        .filter(|b| !refs.contains_key(&b.hash) && !referenced_now.contains(&b.hash))
    {
        let hash = &blob.hash;
        let size = human_bytes(blob.stored_size);
        // A store that does not say when a blob was written gets no grace.
        match blob.modified.map(|m| now.duration_since(m).unwrap_or_default()) {
            Some(a) if a < GRACE => report.notes.push(format!(
                "note: blob {hash} ({size}) is referenced by nothing yet; it is {} s old and may belong to an upload in progress, so it is left alone",
                a.as_secs()
            )),
            _ => report.leftovers.push(Leftover {
                what: LeftoverKind::OrphanBlob(hash.clone()),
                line: format!("orphan blob {hash} ({size}): referenced by no document or page image"),
                removed: None,
            }),
        }
    }
    Ok(())
}

/// The code of office `id`, looked up once per run (`#id` when it cannot be read).
async fn office_code(intake: &Intake, offices: &mut BTreeMap<i64, String>, id: i64) -> String {
    if let Some(code) = offices.get(&id) {
        return code.clone();
    }
    let code = match intake.store.office_by_id(id).await {
        Ok(o) => o.code,
        Err(_) => format!("#{id}"),
    };
    offices.insert(id, code.clone());
    code
}

/// Finds stale partial uploads in `uploads_dir` and lists the uploads in progress.
async fn check_uploads(
    intake: &Intake,
    uploads_dir: &Path,
    now: SystemTime,
    report: &mut FsckReport,
) -> anyhow::Result<()> {
    // Partial uploads: `<id>.part` lives as long as its uploads row; a `.multipart` file only
    // for the length of one request (it is removed when the request ends, so one is left only
    // by a server that died in the middle of a request).
    let now_ms = worktrack_store::now_ms();
    let mut offices: BTreeMap<i64, String> = BTreeMap::new();
    let mut in_progress: Vec<(i64, String)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(uploads_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let last_written = age(&path, now)
                .map(|a| format!(", last written {} ago", human_age(a)))
                .unwrap_or_default();
            let stale_for = if let Some(id) = name.strip_suffix(".part") {
                match intake.store.upload(id).await {
                    Ok(upload) => {
                        let office = office_code(intake, &mut offices, upload.office_id).await;
                        let old = human_age(Duration::from_millis(
                            now_ms.saturating_sub(upload.created_at).max(0) as u64,
                        ));
                        let held = part_progress(intake, id, &path, upload.length).await;
                        let line = format!(
                            "upload {id}: office {office}, {old} old, {held}{last_written}"
                        );
                        if let Some(doc) = upload.document_id {
                            report.leftovers.push(Leftover {
                                line: format!("stale partial upload {} ({line}): already taken in as document {doc}", path.display()),
                                what: LeftoverKind::StalePart(path),
                                removed: None,
                            });
                        } else if upload.expires_at <= now_ms {
                            report.leftovers.push(Leftover {
                                line: format!(
                                    "stale partial upload {} ({line}): expired",
                                    path.display()
                                ),
                                what: LeftoverKind::StalePart(path),
                                removed: None,
                            });
                        } else {
                            in_progress.push((upload.created_at, line));
                        }
                        continue;
                    }
                    Err(StoreError::NotFound) => "no upload in progress has it",
                    Err(e) => return Err(e.into()),
                }
            } else if name.ends_with(".multipart") {
                "left over from an interrupted multipart upload"
            } else {
                continue;
            };
            let size = human_bytes(size_of(&path));
            match age(&path, now) {
                Some(a) if a < GRACE => report.notes.push(format!(
                    "note: partial upload {} ({size}, encrypted) is {} s old; left alone",
                    path.display(),
                    a.as_secs()
                )),
                _ => report.leftovers.push(Leftover {
                    line: format!(
                        "stale partial upload {} ({size}{last_written}): {stale_for}",
                        path.display()
                    ),
                    what: LeftoverKind::StalePart(path),
                    removed: None,
                }),
            }
        }
    }
    in_progress.sort();
    report.uploads = in_progress.into_iter().map(|(_, l)| l).collect();
    Ok(())
}

/// Removes the orphan blobs and stale partial files `report` found.
pub async fn repair(intake: &Intake, report: &mut FsckReport) {
    for l in &mut report.leftovers {
        let result = match &l.what {
            LeftoverKind::OrphanBlob(hash) => {
                intake.blobs.remove(hash).await.map_err(|e| e.to_string())
            }
            LeftoverKind::StalePart(path) => tokio::fs::remove_file(path)
                .await
                .map_err(|e| e.to_string()),
        };
        l.removed = Some(result);
    }
}

impl FsckReport {
    /// Problems left: damaged blobs, and leftovers not removed.
    pub fn problems(&self) -> usize {
        self.damaged.len()
            + self
                .leftovers
                .iter()
                .filter(|l| !matches!(l.removed, Some(Ok(()))))
                .count()
    }

    pub fn print(&self) {
        for line in &self.damaged {
            println!("{line}");
        }
        let mut removed = 0;
        for l in &self.leftovers {
            match &l.removed {
                Some(Ok(())) => {
                    removed += 1;
                    println!("{} — removed", l.line);
                }
                Some(Err(e)) => println!("{} — could not remove it: {e}", l.line),
                None => println!("{}", l.line),
            }
        }
        for n in &self.notes {
            println!("{n}");
        }
        for u in &self.uploads {
            println!("{u}");
        }
        let removed_note = if removed > 0 {
            format!(" (removed {removed} orphan or stale files)")
        } else {
            String::new()
        };
        let uploads = match self.uploads.len() {
            0 => String::new(),
            1 => "; 1 upload in progress".to_string(),
            n => format!("; {n} uploads in progress"),
        };
        match self.problems() {
            0 => println!(
                "fsck: {} blobs checked, clean{removed_note}{uploads}",
                self.blobs_checked
            ),
            n => println!(
                "fsck: {} blobs checked, {n} problem{}{removed_note}{}",
                self.blobs_checked,
                if n == 1 { "" } else { "s" },
                if self.damaged.is_empty() {
                    "; run `worktrack fsck --repair` to remove orphans"
                } else {
                    ""
                }
            ),
        }
    }
}

/// `worktrack fsck [--repair]`: exit 0 when clean (or clean after repair), 1 otherwise.
pub async fn fsck_command(
    intake: &Intake,
    uploads_dir: &Path,
    args: FsckArgs,
) -> anyhow::Result<ExitCode> {
    let mut report = check(intake, uploads_dir).await?;
    if args.repair {
        repair(intake, &mut report).await;
    }
    report.print();
    Ok(if report.problems() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
