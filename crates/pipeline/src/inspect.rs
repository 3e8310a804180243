//! The first look at an uploaded file: what it is, how many pages, how big, and whether a
//! person has to do something about it before WorkTrack can use it.
//!
//! Images are measured from their headers (see `headers`); PDFs are asked to `pdfinfo`. Nothing
//! here decodes pixels, so a decompression bomb is refused before any decoder runs.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::headers::{self, HeaderError, ImageFacts, MAX_PAGES};
use crate::process::{path_arg, run, ProcessError, RunOptions};
use crate::sniff::{sniff, FileKind, SNIFF_LEN};

/// Images with more pixels than this are refused (a 600-dpi scan of a legal page is 50 MP).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Images longer than this on either side are refused.
// Debian's ImageMagick policy caps a side at 16K pixels: accept no image it would refuse.
pub const MAX_SIDE: u32 = 16_000;
const PDFINFO_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    pub kind: FileKind,
    pub media_type: String,
    pub pages: Option<u32>,
    /// Stored pixel size of the first page (images only), before `orientation` is applied:
    /// with orientation 5–8 the page is shown with width and height swapped.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// EXIF/TIFF orientation 1–8, when the file carries one.
    pub orientation: Option<u8>,
    /// Set when the file cannot be used as it is; the reason is written for the uploader.
    pub attention: Option<Attention>,
}

/// Why a file needs a person. `code` is stable (for filters, metrics and tests): `empty`,
/// `unsupported`, `not_pdf`, `encrypted`, `damaged`, `too_large`, `unreadable` (WorkTrack
/// could not read its own copy) or `check_failed` (a tool of ours failed; see the logs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    pub code: &'static str,
    pub reason: String,
}

impl Attention {
    fn new(code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

impl Inspection {
    fn of(kind: FileKind) -> Self {
        Self {
            kind,
            media_type: kind.media_type().to_owned(),
            pages: None,
            width: None,
            height: None,
            orientation: None,
            attention: None,
        }
    }

    fn needs(mut self, attention: Attention) -> Self {
        self.attention = Some(attention);
        self
    }
}

/// Inspects the file at `path`, uploaded as `claimed_name`. Never fails: every problem, ours
/// or the file's, is an [`Attention`].
pub async fn inspect(path: &Path, claimed_name: &str) -> Inspection {
    let owned = path.to_owned();
    // Header reads are small but blocking; keep them off the async workers.
    let found = match tokio::task::spawn_blocking(move || read_headers(&owned)).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return unreadable(path, &e),
        Err(e) => return unreadable(path, &e),
    };
    match found {
        Found::Empty => Inspection::of(FileKind::Empty)
            .needs(Attention::new("empty", "The file is empty (0 bytes).")),
        Found::Unknown if claims_pdf(claimed_name) => Inspection::of(FileKind::Unknown).needs(
            Attention::new("not_pdf", "This file is named .pdf but is not a PDF."),
        ),
        Found::Unknown => Inspection::of(FileKind::Unknown).needs(Attention::new(
            "unsupported",
            "This file type is not supported; upload PDF, TIFF, JPEG or PNG.",
        )),
        Found::Pdf => inspect_pdf(path).await,
        Found::Image(kind, facts) => image(kind, facts, path),
    }
}

enum Found {
    Empty,
    Unknown,
    Pdf,
    Image(FileKind, Result<ImageFacts, HeaderError>),
}

/// Reads the head of the file, and for images their headers. Never the whole file.
fn read_headers(path: &Path) -> std::io::Result<Found> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    let kind = sniff(&head);
    Ok(match kind {
        FileKind::Empty => Found::Empty,
        FileKind::Unknown => Found::Unknown,
        FileKind::Pdf => Found::Pdf,
        FileKind::Tiff => Found::Image(kind, headers::tiff(file)),
        FileKind::Jpeg => Found::Image(kind, headers::jpeg(file)),
        FileKind::Png => Found::Image(kind, headers::png(file)),
    })
}

fn claims_pdf(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

fn unreadable(path: &Path, error: &dyn std::fmt::Display) -> Inspection {
    tracing::warn!(path = %path.display(), %error, "could not read an upload to inspect it");
    Inspection::of(FileKind::Unknown).needs(Attention::new(
        "unreadable",
        "WorkTrack could not read the uploaded file. Try uploading it again.",
    ))
}

fn kind_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Pdf => "PDF",
        FileKind::Tiff => "TIFF",
        FileKind::Jpeg => "JPEG",
        FileKind::Png => "PNG",
        FileKind::Empty | FileKind::Unknown => "file",
    }
}

fn image(kind: FileKind, facts: Result<ImageFacts, HeaderError>, path: &Path) -> Inspection {
    let base = Inspection::of(kind);
    let name = kind_name(kind);
    let facts = match facts {
        Ok(facts) => facts,
        Err(HeaderError::Damaged(why)) => {
            tracing::info!(path = %path.display(), why, "damaged image");
            return base.needs(Attention::new(
                "damaged",
                format!("This {name} image is damaged and cannot be read."),
            ));
        }
        Err(HeaderError::BigTiff) => {
            return base.needs(Attention::new(
                "unsupported",
                "This TIFF is in the BigTIFF format, which WorkTrack does not read; \
                 save it as an ordinary TIFF or as a PDF.",
            ))
        }
        Err(HeaderError::TooManyPages) => {
            return base.needs(Attention::new(
                "too_large",
                format!(
                    "This TIFF has more than {MAX_PAGES} pages, more than WorkTrack accepts; \
                     split it into smaller files."
                ),
            ))
        }
        Err(HeaderError::Io(e)) => return unreadable(path, &e),
    };
    let (width, height) = facts.pages[0];
    let inspection = Inspection {
        pages: u32::try_from(facts.pages.len()).ok(),
        width: Some(width),
        height: Some(height),
        orientation: facts.orientation,
        ..base
    };
    // Every page is measured: a small first page must not let a huge second one through.
    match facts.pages.iter().position(|&(w, h)| too_large(w, h)) {
        Some(i) => {
            let (w, h) = facts.pages[i];
            let which = if facts.pages.len() > 1 {
                format!("Page {} of this image", i + 1)
            } else {
                "This image".to_owned()
            };
            let limit = if u64::from(w) * u64::from(h) > MAX_PIXELS {
                format!(
                    "larger than the {} megapixels WorkTrack accepts",
                    MAX_PIXELS / 1_000_000
                )
            } else {
                format!("longer than the {MAX_SIDE} pixels a side WorkTrack accepts")
            };
            inspection.needs(Attention::new(
                "too_large",
                format!("{which} is {w} × {h} pixels, {limit}; scan it at a lower resolution."),
            ))
        }
        None => inspection,
    }
}

fn too_large(w: u32, h: u32) -> bool {
    w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS
}

async fn inspect_pdf(path: &Path) -> Inspection {
    let base = Inspection::of(FileKind::Pdf);
    let damaged = |reason: &str| base.clone().needs(Attention::new("damaged", reason));
    let out = match run(
        "pdfinfo",
        &[path_arg(path)],
        RunOptions::with_timeout(PDFINFO_TIMEOUT),
    )
    .await
    {
        Ok(out) => out.stdout_lossy(),
        // Poppler's words when a user password is needed to open the file.
        Err(ProcessError::Failed { stderr, .. }) if stderr.contains("Incorrect password") => {
            return base.needs(Attention::new(
                "encrypted",
                "This PDF is password-protected. Ask the sender for an unprotected copy, \
                 or print and scan it.",
            ))
        }
        Err(ProcessError::Failed { stderr, .. }) => {
            tracing::info!(path = %path.display(), %stderr, "pdfinfo refused a PDF");
            return damaged("This PDF is damaged and cannot be read.");
        }
        Err(ProcessError::TimedOut { .. } | ProcessError::OutputTooLarge { .. }) => {
            return damaged("This PDF could not be read in time; it may be damaged.")
        }
        Err(e @ (ProcessError::NotInstalled { .. } | ProcessError::Io { .. })) => {
            tracing::error!(error = %e, "cannot inspect PDFs");
            return base.needs(Attention::new(
                "check_failed",
                "WorkTrack could not check this file because of a problem on its side. \
                 Try again later; the problem has been logged.",
            ));
        }
    };
    let field = |name: &str| {
        out.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    // "Encrypted: yes" after a successful open means an owner password only: the file opens
    // without one (viewers show it), it merely forbids some actions, so it is usable as is.
    match field("Pages").and_then(|p| p.parse::<u32>().ok()) {
        Some(pages) if pages > 0 => Inspection {
            pages: Some(pages),
            ..base
        },
        _ => damaged("This PDF is damaged and cannot be read."),
    }
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;
