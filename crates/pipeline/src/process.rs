//! The one way this crate runs an external program (pdfinfo, pdftoppm, convert, later
//! tesseract): with a timeout, killed when the caller gives up, output captured with a bound,
//! and a typed error that says which program failed and why.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// How long a program may run and how much it may print.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The child is killed when it runs longer than this.
    pub timeout: Duration,
    /// Written to the child's stdin, which is then closed; `None` gives it no stdin at all.
    pub stdin: Option<Vec<u8>>,
    /// Added to the inherited environment.
    pub env: Vec<(String, String)>,
    /// More stdout than this is an error ([`ProcessError::OutputTooLarge`]), not a silent cut:
    /// half a page of OCR text is worse than none.
    pub max_output_bytes: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            stdin: None,
            env: Vec::new(),
            max_output_bytes: 16 * 1024 * 1024,
        }
    }
}

impl RunOptions {
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            ..Self::default()
        }
    }
}

/// What a successful run printed. `stderr` keeps its last [`STDERR_KEPT`] bytes (warnings).
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn stdout_lossy(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// How much of stderr is kept: its end, where programs say what finally went wrong.
pub const STDERR_KEPT: usize = 64 * 1024;
/// How much of stderr goes into [`ProcessError::Failed`] (and so into logs).
const STDERR_IN_ERROR: usize = 2 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("{program} is not installed{}", package_hint(program))]
    NotInstalled { program: String },
    #[error("{program} did not finish within {after:?} and was stopped")]
    TimedOut { program: String, after: Duration },
    #[error("{program} failed ({status}): {stderr}")]
    Failed {
        program: String,
        status: ExitStatus,
        /// Trimmed, at most the last 2 KB.
        stderr: String,
    },
    #[error("{program} printed more than {limit} bytes and was stopped")]
    OutputTooLarge { program: String, limit: usize },
    #[error("running {program}: {source}")]
    Io {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// The Debian package that provides a program, so an operator reading the error knows what to
/// install.
pub fn debian_package(program: &str) -> Option<&'static str> {
    let name = Path::new(program).file_name()?.to_str()?;
    Some(match name {
        "pdfinfo" | "pdftoppm" | "pdftotext" => "poppler-utils",
        "convert" | "identify" => "imagemagick",
        "tesseract" => "tesseract-ocr",
        "qpdf" => "qpdf",
        _ => return None,
    })
}

fn package_hint(program: &str) -> String {
    match debian_package(program) {
        Some(package) => format!(" (install the Debian package {package})"),
        None => String::new(),
    }
}

/// Runs `program` with `args` and returns its output if it exits with status 0.
///
/// The child gets `OMP_THREAD_LIMIT=1` (Tesseract and ImageMagick otherwise start a thread per
/// core each, and parallel jobs then fight over the cores; we parallelise by process) and is
/// killed when the timeout passes or when the returned future is dropped.
pub async fn run<A: AsRef<OsStr>>(
    program: &str,
    args: &[A],
    opts: RunOptions,
) -> Result<Output, ProcessError> {
    let started = Instant::now();
    record_run(program, args);
    let mut command = Command::new(program);
    command
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .envs(opts.env.iter().map(|(k, v)| (k, v)))
        .stdin(if opts.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let io_error = |source: std::io::Error| ProcessError::Io {
        program: program.to_owned(),
        source,
    };
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ProcessError::NotInstalled {
                program: program.to_owned(),
            }
        } else {
            io_error(e)
        }
    })?;

    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let input = opts.stdin;
    let limit = opts.max_output_bytes;
    let exchange = async {
        let write = async {
            if let (Some(mut pipe), Some(data)) = (stdin, input) {
                // A child that exits without reading all of its input is its own business;
                // its exit status tells what happened.
                match pipe.write_all(&data).await {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e),
                    _ => {}
                }
            }
            Ok(())
        };
        let (written, out, err) = tokio::join!(
            write,
            read_bounded(stdout, limit),
            read_tail(stderr, STDERR_KEPT)
        );
        written?;
        let err = err?;
        let Some(out) = out? else {
            return Ok(Err(()));
        };
        let status = child.wait().await?;
        Ok(Ok((status, out, err)))
    };

    let result = tokio::time::timeout(opts.timeout, exchange).await;
    let outcome = match result {
        Err(_elapsed) => {
            stop(&mut child).await;
            Err(ProcessError::TimedOut {
                program: program.to_owned(),
                after: opts.timeout,
            })
        }
        Ok(Err(e)) => {
            stop(&mut child).await;
            Err(io_error(e))
        }
        Ok(Ok(Err(()))) => {
            stop(&mut child).await;
            Err(ProcessError::OutputTooLarge {
                program: program.to_owned(),
                limit,
            })
        }
        Ok(Ok(Ok((status, stdout, stderr)))) if status.success() => Ok(Output { stdout, stderr }),
        Ok(Ok(Ok((status, _, stderr)))) => Err(ProcessError::Failed {
            program: program.to_owned(),
            status,
            stderr: tail_text(&stderr, STDERR_IN_ERROR),
        }),
    };
    tracing::debug!(
        program,
        elapsed_ms = started.elapsed().as_millis() as u64,
        ok = outcome.is_ok(),
        "external program"
    );
    outcome
}

/// The runs logged by every live [`RunLog`], by the directory they watch.
type Watchers = Vec<(String, std::sync::Weak<std::sync::Mutex<Vec<Ran>>>)>;
static WATCHERS: std::sync::Mutex<Watchers> = std::sync::Mutex::new(Vec::new());

/// One program run: its name and its arguments (lossily as text).
#[derive(Debug, Clone)]
pub struct Ran {
    pub program: String,
    pub args: Vec<String>,
}

/// A log of the program runs that name a path under one directory, for as long as it lives:
/// how the benchmark counts the decodes, renders and OCR passes of the documents it took in,
/// and how a test shows that a page is decoded once. Runs about other directories (another
/// test's, another server's) are not in it.
pub struct RunLog {
    runs: std::sync::Arc<std::sync::Mutex<Vec<Ran>>>,
}

impl RunLog {
    pub fn watch(dir: &Path) -> RunLog {
        let runs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        if let Ok(mut w) = WATCHERS.lock() {
            w.retain(|(_, log)| log.strong_count() > 0);
            w.push((
                dir.to_string_lossy().into_owned(),
                std::sync::Arc::downgrade(&runs),
            ));
        }
        RunLog { runs }
    }

    /// The runs so far, in the order they started.
    pub fn runs(&self) -> Vec<Ran> {
        self.runs.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// How many runs each program had.
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for r in self.runs() {
            *counts.entry(r.program).or_default() += 1;
        }
        counts
    }

    pub fn clear(&self) {
        if let Ok(mut r) = self.runs.lock() {
            r.clear();
        }
    }
}

fn record_run<A: AsRef<OsStr>>(program: &str, args: &[A]) {
    let Ok(watchers) = WATCHERS.lock() else {
        return;
    };
    if watchers.is_empty() {
        return;
    }
    let args: Vec<String> = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect();
    for (dir, log) in watchers.iter() {
        if !args.iter().any(|a| a.contains(dir.as_str())) {
            continue;
        }
        if let Some(log) = log.upgrade() {
            if let Ok(mut runs) = log.lock() {
                runs.push(Ran {
                    program: program.to_owned(),
                    args: args.clone(),
                });
            }
        }
    }
}

/// Kills the child and reaps it, so no zombie is left behind. Errors mean it is already gone.
async fn stop(child: &mut tokio::process::Child) {
    let _ = child.start_kill();
    let _ = child.wait().await;
}

/// All of `pipe`, or `None` once it exceeds `limit` bytes.
async fn read_bounded(
    pipe: Option<impl AsyncRead + Unpin>,
    limit: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let Some(pipe) = pipe else {
        return Ok(Some(Vec::new()));
    };
    let mut buf = Vec::new();
    // One byte over the limit tells "exactly at the limit" from "more".
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    pipe.take(cap).read_to_end(&mut buf).await?;
    Ok((buf.len() <= limit).then_some(buf))
}

/// The last `keep` bytes of `pipe`, reading it to the end so the child never blocks on a full
/// pipe.
async fn read_tail(pipe: Option<impl AsyncRead + Unpin>, keep: usize) -> std::io::Result<Vec<u8>> {
    let Some(mut pipe) = pipe else {
        return Ok(Vec::new());
    };
    let mut kept = Vec::new();
    let mut chunk = vec![0u8; 8192];
    loop {
        let n = pipe.read(&mut chunk).await?;
        if n == 0 {
            return Ok(kept);
        }
        kept.extend_from_slice(&chunk[..n]);
        if kept.len() > 2 * keep {
            kept.drain(..kept.len() - keep);
        }
    }
}

fn tail_text(bytes: &[u8], keep: usize) -> String {
    let start = bytes.len().saturating_sub(keep);
    String::from_utf8_lossy(&bytes[start..]).trim().to_owned()
}

/// A path as a program argument. A relative path starting with `-` would be read as an option,
/// so it gets a `./` in front.
pub fn path_arg(path: &Path) -> OsString {
    if path.is_relative() && path.as_os_str().to_string_lossy().starts_with('-') {
        Path::new(".").join(path).into_os_string()
    } else {
        path.as_os_str().to_owned()
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod tests;
