//! A page of an upload decoded once (`decode_page`) into the greyscale image OCR reads and
//! the page image and thumbnail people see (JPEG), or a PDF page rendered (`render_shown`,
//! `render_pdf_page_at`). Both images come from the same decoding (upright, whole, only ever
//! shrunk), so boxes found by OCR can be drawn over the page image. Decoding happens in external programs (Poppler,
//! ImageMagick) under a timeout and ImageMagick's resource limits, never in this process.
//!
//! Only call these for files whose `inspect` found no attention: the header checks there
//! (size, page count) are what keeps a decompression bomb away from the decoders.
//!
//! Paths must not contain `%` or `[`: ImageMagick reads those as scene patterns and frame
//! selections. WorkTrack's own temporary and blob paths never do.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::process::{path_arg, run, ProcessError, RunOptions};
use crate::sniff::FileKind;

const PAGE_TIMEOUT: Duration = Duration::from_secs(60);
/// Quality of page images and thumbnails (JPEG): a scanned page at 1000 px is a tenth of the
/// PNG's size, over an office's VPN link, and three times quicker to write.
const JPEG_QUALITY: &str = "80";
const JPEG_QUALITY_OPT: &str = "quality=80";
/// Width of the page image shown on the document page and the workbench.
pub const PREVIEW_WIDTH: u32 = 1000;
/// Width of a document's thumbnail (its first page).
pub const THUMB_WIDTH: u32 = 240;
/// The tallest page image, in multiples of its width. A PDF page 1 point wide and a mile long
/// would otherwise scale to a bitmap of millions of rows; pdftoppm crops instead.
const MAX_ASPECT: u32 = 8;

/// Settings for every ImageMagick call. Debian's policy.xml already caps these; they are
/// repeated so the caps hold on a system with a laxer policy. (A policy is a ceiling: on
/// Debian the effective width and height limit stays at its 16K.)
const MAGICK_LIMITS: [&str; 15] = [
    "-limit", "memory", "256MiB", "-limit", "map", "512MiB", "-limit", "disk", "1GiB", "-limit",
    "width", "16000", "-limit", "height", "16000",
];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("pages are numbered from 1")]
    NoPageZero,
    #[error("{0:?} files have no pages to render")]
    NotRenderable(FileKind),
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("page image: {0}")]
    Io(#[from] std::io::Error),
}

/// pdftoppm at `max_width` in `format` (`-png` or `-jpeg`) to `partial`, whose extension is
/// the one pdftoppm appends for that format.
async fn render_pdf(
    path: &Path,
    page: u32,
    max_width: u32,
    format: &str,
    partial: &Path,
) -> Result<(), RenderError> {
    let page = page.to_string();
    let width = max_width.to_string();
    let max_height = max_width.saturating_mul(MAX_ASPECT).to_string();
    // pdftoppm appends ".png" or ".jpg" to the root it is given.
    let root = partial.with_extension("");
    let mut args: Vec<OsString> = vec![format.into()];
    if format == "-jpeg" {
        args.extend(["-jpegopt".into(), JPEG_QUALITY_OPT.into()]);
    }
    args.extend(
        [
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            // The resolution follows from the width (so no -r: scale-to overrides it), the height
            // from the page's aspect ratio; -W/-H crop the bitmap pdftoppm allocates.
            "-scale-to-x",
            &width,
            "-scale-to-y",
            "-1",
            "-W",
            &width,
            "-H",
            &max_height,
        ]
        .iter()
        .map(OsString::from),
    );
    args.push(path_arg(path));
    args.push(path_arg(&root));
    run("pdftoppm", &args, RunOptions::with_timeout(PAGE_TIMEOUT)).await?;
    Ok(())
}

/// Renders page `page` of a PDF at `dpi` to `out_pgm` in greyscale, for OCR: text keeps its
/// printed size whatever the paper (a narrow receipt is not blown up to the width of a letter
/// page). The bitmap is capped at 17 × 136 inches.
pub async fn render_pdf_page_at(
    path: &Path,
    page: u32,
    dpi: u32,
    out_pgm: &Path,
) -> Result<(), RenderError> {
    if page == 0 {
        return Err(RenderError::NoPageZero);
    }
    // pdftoppm appends ".pgm" to the root it is given.
    let mut root = out_pgm.as_os_str().to_owned();
    root.push(".part");
    let root = PathBuf::from(root);
    let partial = root.with_extension("part.pgm");
    let (page, dpi, w, h) = (
        page.to_string(),
        dpi.to_string(),
        (17 * dpi).to_string(),
        (17 * MAX_ASPECT * dpi).to_string(),
    );
    let mut args: Vec<OsString> = [
        "-gray",
        "-f",
        &page,
        "-l",
        &page,
        "-singlefile",
        "-r",
        &dpi,
        "-W",
        &w,
        "-H",
        &h,
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push(path_arg(path));
    args.push(path_arg(&root));
    let result = run("pdftoppm", &args, RunOptions::with_timeout(PAGE_TIMEOUT))
        .await
        .map(drop)
        .map_err(RenderError::from);
    finish(result, &partial, out_pgm).await
}

/// How an image file the pipeline reads is encoded: an upload's own format, or what
/// `pdfimages` and `pdftoppm` write (JPEG as stored in the PDF, otherwise PNM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coder {
    Jpeg,
    Png,
    Tiff,
    Pnm,
}

impl Coder {
    pub fn of(kind: FileKind) -> Option<Coder> {
        match kind {
            FileKind::Jpeg => Some(Coder::Jpeg),
            FileKind::Png => Some(Coder::Png),
            FileKind::Tiff => Some(Coder::Tiff),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Coder::Jpeg => "jpeg",
            Coder::Png => "png",
            Coder::Tiff => "tiff",
            Coder::Pnm => "pnm",
        }
    }
}

/// The page images a decoding writes besides the image OCR reads: the page image shown on
/// the document page and the workbench, and the thumbnail of the first page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown<'a> {
    pub preview: Option<&'a Path>,
    pub thumb: Option<&'a Path>,
}

impl Shown<'_> {
    pub fn any(&self) -> bool {
        self.preview.is_some() || self.thumb.is_some()
    }
}

/// Decodes frame `frame` (0-based) of the image at `path` once, turned upright by its EXIF
/// orientation, and writes from that one decoding: the greyscale image OCR reads (to `ocr.0`,
/// shrunk to at most `ocr.1` pixels wide when given; uncompressed PGM, so Tesseract reads it
/// without decoding again), and the page image and thumbnail `shown` asks for (PNG, only ever shrunk to
/// [`PREVIEW_WIDTH`] and [`THUMB_WIDTH`], as JPEG). Each output is complete or absent.
pub async fn decode_page(
    path: &Path,
    coder: Coder,
    frame: u32,
    ocr: Option<(&Path, Option<u32>)>,
    shown: Shown<'_>,
) -> Result<(), RenderError> {
    let mut args = magick_args(coder, path, frame);
    args.push("-auto-orient".into());
    let mut outputs: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Parentheses work on a copy: the page image is shrunk from the decoded page, the
    // thumbnail from the page image, and the page itself is left for OCR.
    let mut branch = |args: &mut Vec<OsString>, width: u32, out: &Path| {
        let partial = side_name(out);
        args.extend(["(".into(), "+clone".into(), "-scale".into()]);
        args.push(format!("{width}x>").into());
        args.extend([
            "-strip".into(),
            "-quality".into(),
            JPEG_QUALITY.into(),
            "-write".into(),
        ]);
        let mut jpg = OsString::from("jpg:");
        jpg.push(partial.as_os_str());
        args.push(jpg);
        outputs.push((partial, out.to_path_buf()));
    };
    match (shown.preview, shown.thumb) {
        (Some(preview), thumb) => {
            branch(&mut args, PREVIEW_WIDTH, preview);
            if let Some(thumb) = thumb {
                branch(&mut args, THUMB_WIDTH, thumb);
                args.extend([OsString::from("+delete"), ")".into()]);
            }
            args.extend([OsString::from("+delete"), ")".into()]);
        }
        (None, Some(thumb)) => {
            branch(&mut args, THUMB_WIDTH, thumb);
            args.extend([OsString::from("+delete"), ")".into()]);
        }
        (None, None) => {}
    }
    match ocr {
        Some((pgm, max_width)) => {
            let partial = side_name(pgm);
            if let Some(max_width) = max_width {
                args.push("-resize".into());
                args.push(format!("{max_width}x>").into());
            }
            args.extend([
                "-colorspace".into(),
                "Gray".into(),
                "-depth".into(),
                "8".into(),
            ]);
            let mut out = OsString::from("pgm:");
            out.push(partial.as_os_str());
            args.push(out);
            outputs.push((partial, pgm.to_path_buf()));
        }
        None => args.push("null:".into()),
    }
    let result = run("convert", &args, RunOptions::with_timeout(PAGE_TIMEOUT))
        .await
        .map(drop)
        .map_err(RenderError::from);
    let mut outcome = result;
    for (partial, out) in outputs {
        outcome = finish(outcome, &partial, &out).await;
    }
    outcome
}

/// The page image and thumbnail of a PDF page that is not read from an image (a text layer):
/// the page rendered once at [`PREVIEW_WIDTH`], the thumbnail shrunk from that rendering.
pub async fn render_shown(path: &Path, page: u32, shown: Shown<'_>) -> Result<(), RenderError> {
    if page == 0 {
        return Err(RenderError::NoPageZero);
    }
    let Some(preview) = shown.preview else {
        return match shown.thumb {
            Some(thumb) => {
                let partial = thumb.with_extension("part.jpg");
                let rendered = render_pdf(path, page, THUMB_WIDTH, "-jpeg", &partial).await;
                finish(rendered, &partial, thumb).await
            }
            None => Ok(()),
        };
    };
    // pdftoppm names its output after the root it is given, with ".jpg" appended.
    let partial = preview.with_extension("part.jpg");
    let rendered = render_pdf(path, page, PREVIEW_WIDTH, "-jpeg", &partial).await;
    finish(rendered, &partial, preview).await?;
    match shown.thumb {
        Some(thumb) => {
            let only_thumb = Shown {
                preview: None,
                thumb: Some(thumb),
            };
            decode_page(preview, Coder::Jpeg, 0, None, only_thumb).await
        }
        None => Ok(()),
    }
}

/// The limits, then the input with its decoder named explicitly: we already know the kind
/// from its magic bytes, and ImageMagick must not pick another decoder (SVG, MVG, …) by
/// guessing from the content.
fn magick_args(coder: Coder, path: &Path, frame: u32) -> Vec<OsString> {
    let mut args: Vec<OsString> = MAGICK_LIMITS.iter().map(OsString::from).collect();
    let mut input = OsString::from(format!("{}:", coder.name()));
    input.push(path.as_os_str());
    input.push(format!("[{frame}]"));
    args.push(input);
    args
}

fn side_name(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".part.png");
    PathBuf::from(name)
}

async fn finish(
    result: Result<(), RenderError>,
    partial: &Path,
    out: &Path,
) -> Result<(), RenderError> {
    match result {
        Ok(()) => Ok(tokio::fs::rename(partial, out).await?),
        Err(e) => {
            // Whatever was half written is useless; there may be nothing to remove.
            let _ = tokio::fs::remove_file(partial).await;
            Err(e)
        }
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
