//! Writing: born-digital PDFs directly, scans through pdftoppm and ImageMagick.

use super::*;

pub(crate) const PDFTOPPM_TIMEOUT: Duration = Duration::from_secs(60);
pub(crate) const CONVERT_TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) async fn write_document(plan: &DocPlan, out: &Path) -> Result<(), CorpusError> {
    let target = out.join(&plan.truth.file);
    let bytes = match &plan.scan {
        None => text_pdf(&plan.pages, None),
        Some(scan) => scan_document(&text_pdf(&plan.pages, Some(scan)), scan).await?,
    };
    let mut side = target.as_os_str().to_owned();
    side.push(".part");
    let side = PathBuf::from(side);
    tokio::fs::write(&side, &bytes)
        .await
        .map_err(io_error(&side))?;
    tokio::fs::rename(&side, &target)
        .await
        .map_err(io_error(&target))
}

/// Pixels of a page `points` long at `dpi` (page sizes are chosen so this is whole).
#[cfg(test)]
pub(crate) fn pixels(points: f32, dpi: u32) -> u32 {
    (points * dpi as f32 / 72.0).round() as u32
}

/// Renders each page of the scanner's view of the document, degrades it and returns the
/// file's bytes.
pub(crate) async fn scan_document(pdf: &[u8], scan: &ScanPlan) -> Result<Vec<u8>, CorpusError> {
    // A scratch directory of our own: ImageMagick reads `%` and `[` in paths as patterns, and
    // the corpus directory's name is the caller's.
    let scratch = tempfile::tempdir().map_err(io_error(&std::env::temp_dir()))?;
    let paper = scratch.path().join("paper.pdf");
    tokio::fs::write(&paper, pdf)
        .await
        .map_err(io_error(&paper))?;
    let dpi = scan.dpi.to_string();
    let extension = match scan.format {
        Format::Png => "png",
        Format::Tiff => "tif",
        _ => "jpg",
    };
    let mut images = Vec::new();
    for page in 1..=scan.pages {
        let number = page.to_string();
        let root = scratch.path().join(format!("page-{number}"));
        // A fax is black and white from the start, without anti-aliasing.
        let colour = if scan.bilevel { "-mono" } else { "-gray" };
        let mut args: Vec<std::ffi::OsString> = [
            "-r",
            &dpi,
            colour,
            "-png",
            "-f",
            &number,
            "-l",
            &number,
            "-singlefile",
        ]
        .iter()
        .map(Into::into)
        .collect();
        args.push(path_arg(&paper));
        args.push(path_arg(&root));
        run(
            "pdftoppm",
            &args,
            RunOptions::with_timeout(PDFTOPPM_TIMEOUT),
        )
        .await?;
        let image = scratch.path().join(format!("scan-{number}.{extension}"));
        let args = degrade_args(scan, page, &root.with_extension("png"), &image);
        run("convert", &args, RunOptions::with_timeout(CONVERT_TIMEOUT)).await?;
        images.push(image);
    }
    if scan.format != Format::PdfScan {
        let image = images.first().ok_or_else(|| CorpusError::PageImage {
            path: scratch.path().to_owned(),
            reason: "the document has no page".to_owned(),
        })?;
        return tokio::fs::read(image).await.map_err(io_error(image));
    }
    let mut scanned = Vec::with_capacity(images.len());
    for image in &images {
        let jpeg = tokio::fs::read(image).await.map_err(io_error(image))?;
        let facts =
            worktrack_pipeline::headers::jpeg(std::io::Cursor::new(&jpeg)).map_err(|e| {
                CorpusError::PageImage {
                    path: image.clone(),
                    reason: e.to_string(),
                }
            })?;
        let &(width, height) = facts.pages.first().ok_or_else(|| CorpusError::PageImage {
            path: image.clone(),
            reason: "no frame".to_owned(),
        })?;
        scanned.push(ScannedPage {
            jpeg,
            width,
            height,
        });
    }
    Ok(image_pdf(&scanned, scan.dpi))
}

/// ImageMagick arguments for what the PDF could not do: the optics' blur and the sensor's
/// noise, then the file format with the resolution recorded in it. Noise goes only into
/// JPEGs: PNG and TIFF would spend seconds compressing it, and their dust comes from the PDF.
pub(crate) fn degrade_args(
    scan: &ScanPlan,
    page: u32,
    input: &Path,
    output: &Path,
) -> Vec<std::ffi::OsString> {
    let mut png = std::ffi::OsString::from("png:");
    png.push(input.as_os_str());
    let mut args: Vec<String> = vec!["-seed".into(), (scan.seed + u64::from(page)).to_string()];
    let mut rest: Vec<String> = Vec::new();
    let jpeg = matches!(
        scan.format,
        Format::Jpeg | Format::PdfScan | Format::PdfText
    );
    if !scan.bilevel {
        rest.extend(["-blur".into(), format!("0x{}", scan.blur)]);
    }
    if jpeg {
        rest.extend([
            "-attenuate".into(),
            scan.noise.to_string(),
            "+noise".into(),
            "Gaussian".into(),
        ]);
    }
    rest.extend(["-units", "PixelsPerInch", "-density"].map(String::from));
    rest.push(scan.dpi.to_string());
    let coder = match scan.format {
        _ if scan.bilevel => {
            rest.extend(["-compress", "Group4"].map(String::from));
            "tiff"
        }
        Format::Tiff => {
            rest.extend(
                ["-colorspace", "Gray", "-depth", "8", "-compress", "LZW"].map(String::from),
            );
            "tiff"
        }
        Format::Png => {
            rest.extend(["-colorspace", "Gray", "-depth", "8"].map(String::from));
            "png"
        }
        Format::Jpeg | Format::PdfScan | Format::PdfText => {
            rest.extend(
                ["-colorspace", "Gray", "-type", "Grayscale", "-quality"].map(String::from),
            );
            rest.push(scan.jpeg_quality.to_string());
            "jpeg"
        }
    };
    let mut out = std::ffi::OsString::from(format!("{coder}:"));
    out.push(output.as_os_str());
    let mut all: Vec<std::ffi::OsString> = args.drain(..).map(Into::into).collect();
    all.push(png);
    all.extend(rest.into_iter().map(Into::into));
    all.push(out);
    all
}
