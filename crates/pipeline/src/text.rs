//! The text of a page: the PDF's own text layer when it has one, otherwise OCR with Tesseract
//! after orientation detection, keeping word boxes (TSV) so the interface can show where a
//! field was found. A page Tesseract cannot finish in time is marked, not retried forever.

use crate::process::{path_arg, run, ProcessError, RunOptions};
use crate::render::{decode_page, render_pdf_page_at, render_shown, Coder, Shown};
use crate::sniff::FileKind;
use std::path::Path;
use std::time::Duration;
use worktrack_domain::extract::WordBox;

/// How long one page's OCR may take.
pub const OCR_TIMEOUT: Duration = Duration::from_secs(120);
/// Largest width an image is read at: 8.5 in at 300 dpi (larger photos are shrunk).
const OCR_WIDTH: u32 = 2550;
/// Resolution PDF pages are rendered at for OCR.
const OCR_DPI: u32 = 300;

#[derive(Debug, Clone)]
pub struct PageText {
    pub page: u32,
    /// `text_layer` or `ocr`.
    pub source: &'static str,
    /// `ok`, `timed_out` or `unreadable`.
    pub status: &'static str,
    pub rotation: u32,
    pub text: String,
    pub words: Vec<WordBox>,
    /// Pixel size of the (upright) image the word boxes refer to; 0 for a text layer.
    pub width: u32,
    pub height: u32,
    /// Where the page's time went.
    pub times: StepTimes,
    /// Whether the page image and thumbnail asked for were written.
    pub shown: bool,
}

/// Time spent on one page's reading, by step (for the benchmark's split).
#[derive(Debug, Clone, Copy, Default)]
pub struct StepTimes {
    /// The text layer, or getting the page's image (the embedded scan, or rendering) and
    /// decoding it, which writes the page image and thumbnail in the same run.
    pub decode: Duration,
    /// Tesseract's reading passes.
    pub ocr: Duration,
    /// Orientation detection and turning the image, when the first reading was poor.
    pub orientation: Duration,
    /// Page images made apart from OCR's decoding: rendering a text-layer page, or shrinking
    /// a page rendered for OCR.
    pub images: Duration,
}

impl std::ops::AddAssign for StepTimes {
    fn add_assign(&mut self, o: StepTimes) {
        self.decode += o.decode;
        self.ocr += o.ocr;
        self.orientation += o.orientation;
        self.images += o.images;
    }
}

impl PageText {
    /// The word boxes as JSON rows `[word, confidence, left, top, width, height]`.
    pub fn words_json(&self) -> String {
        serde_json::Value::Array(
            self.words
                .iter()
                .map(|w| {
                    serde_json::json!([w.text, w.confidence, w.left, w.top, w.width, w.height])
                })
                .collect(),
        )
        .to_string()
    }
}

/// The PDF's own text of `page`, when it has a real one (more than a few characters).
async fn text_layer(path: &Path, page: u32) -> Option<String> {
    let p = page.to_string();
    let out = run(
        "pdftotext",
        &[
            "-layout".into(),
            "-f".into(),
            p.clone().into(),
            "-l".into(),
            p.into(),
            path_arg(path),
            "-".into(),
        ] as &[std::ffi::OsString],
        RunOptions::with_timeout(Duration::from_secs(30)),
    )
    .await
    .ok()?;
    let text = out.stdout_lossy();
    (text.chars().filter(|c| !c.is_whitespace()).count() >= 10).then_some(text)
}

/// Tesseract's orientation detection: the clockwise rotation that makes the page upright.
async fn detect_rotation(image: &Path) -> u32 {
    let args: Vec<std::ffi::OsString> =
        vec![path_arg(image), "stdout".into(), "--psm".into(), "0".into()];
    match run(
        "tesseract",
        &args,
        RunOptions::with_timeout(Duration::from_secs(60)),
    )
    .await
    {
        Ok(out) => parse_rotate(&out.stdout_lossy()),
        // Sparse pages make it exit 1 with "Too few characters": read them as they are.
        Err(_) => 0,
    }
}

fn parse_rotate(osd: &str) -> u32 {
    osd.lines()
        .find_map(|l| l.strip_prefix("Rotate:"))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|r| matches!(r, 90 | 180 | 270))
        .unwrap_or(0)
}

/// Words and lines from Tesseract's TSV output (level 5 rows are words; conf −1 rows are not).
pub fn parse_tsv(tsv: &str) -> (String, Vec<WordBox>) {
    let mut words = Vec::new();
    let mut text = String::new();
    let mut line_key = None;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        // `NaN` and `inf` parse as f32 too; they are no confidence.
        let conf: f32 = cols[10]
            .parse()
            .ok()
            .filter(|c: &f32| c.is_finite())
            .unwrap_or(-1.0);
        let word = cols[11].trim();
        if conf < 0.0 || word.is_empty() {
            continue;
        }
        let key = (cols[2], cols[3], cols[4]);
        if line_key.is_some() && line_key != Some(key) {
            text.push('\n');
        } else if line_key.is_some() {
            text.push(' ');
        }
        line_key = Some(key);
        text.push_str(word);
        let n = |i: usize| cols[i].parse::<u32>().unwrap_or(0);
        words.push(WordBox {
            text: word.to_string(),
            confidence: conf,
            left: n(6),
            top: n(7),
            width: n(8),
            height: n(9),
        });
    }
    (text, words)
}

/// Width and height from a binary PNM's header (`P5`/`P6`, width, height, separated by
/// whitespace; comments do not occur in what ImageMagick and pdftoppm write).
fn pnm_size(path: &Path) -> Option<(u32, u32)> {
    use std::io::Read;
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).ok()?;
    let n = file.read(&mut head).ok()?;
    let head = std::str::from_utf8(head.get(..n)?.split(|b| *b > 127).next()?).ok()?;
    let mut fields = head.split_ascii_whitespace();
    if !matches!(fields.next(), Some("P5" | "P6")) {
        return None;
    }
    let w = fields.next()?.parse().ok()?;
    let h = fields.next()?.parse().ok()?;
    Some((w, h))
}

/// The text of `page` of the file at `path`, using `work` for scratch images. The page is
/// decoded once: the page image and thumbnail `shown` asks for are written by the same run
/// that writes the image OCR reads.
pub async fn page_text(
    path: &Path,
    kind: FileKind,
    page: u32,
    work: &Path,
    shown: Shown<'_>,
) -> PageText {
    let mut result = PageText {
        page,
        source: "ocr",
        status: "ok",
        rotation: 0,
        text: String::new(),
        words: Vec::new(),
        width: 0,
        height: 0,
        times: StepTimes::default(),
        shown: !shown.any(),
    };
    let started = std::time::Instant::now();
    if kind == FileKind::Pdf {
        if let Some(text) = text_layer(path, page).await {
            result.source = "text_layer";
            result.text = text;
            result.times.decode = started.elapsed();
            let started = std::time::Instant::now();
            result.shown = render_shown(path, page, shown).await.is_ok();
            result.times.images = started.elapsed();
            return result;
        }
    }
    let image = work.join(format!("ocr-{page}.pgm"));
    let mut dpi = OCR_DPI;
    // A scanned PDF page is one image: taken out as it is stored and decoded once; any other
    // PDF page is rendered once; an image file's page is decoded once. Rendering or decoding
    // it again for the page image would cost as much again and add nothing.
    let decoded = match embedded_scan(path, kind, page, work).await {
        Some(scan) => {
            dpi = scan.dpi;
            // Read at the scan's own resolution, which is the one the PDF says.
            let done = decode_page(&scan.path, scan.coder, 0, Some((&image, None)), shown).await;
            let _ = std::fs::remove_file(&scan.path);
            result.shown = done.is_ok();
            done
        }
        None if kind == FileKind::Pdf => {
            let rendered = render_pdf_page_at(path, page, OCR_DPI, &image).await;
            result.times.decode = started.elapsed();
            if rendered.is_ok() && shown.any() {
                // The page image is shrunk from OCR's rendering, not rendered again.
                let started = std::time::Instant::now();
                result.shown = decode_page(&image, Coder::Pnm, 0, None, shown)
                    .await
                    .is_ok();
                result.times.images = started.elapsed();
            }
            rendered
        }
        None => match Coder::of(kind) {
            Some(coder) => {
                let done = decode_page(
                    path,
                    coder,
                    page - 1,
                    Some((&image, Some(OCR_WIDTH))),
                    shown,
                )
                .await;
                result.shown = done.is_ok();
                done
            }
            None => Err(crate::render::RenderError::NotRenderable(kind)),
        },
    };
    if result.times.decode.is_zero() {
        result.times.decode = started.elapsed();
    }
    if decoded.is_err() || !image.exists() {
        result.status = "unreadable";
        return result;
    }
    // Most pages arrive upright: read them as they are and ask for the orientation only when
    // that reading is poor, so the usual page costs one Tesseract pass, not two.
    let started = std::time::Instant::now();
    let mut reading = ocr(&image, dpi).await;
    result.times.ocr = started.elapsed();
    if !reading.as_ref().is_ok_and(|(_, words)| reads_well(words)) {
        let started = std::time::Instant::now();
        let rotation = detect_rotation(&image).await;
        if rotation != 0
            && turn(
                &image,
                rotation,
                &work.join(format!("ocr-{page}-turned.pgm")),
            )
            .await
        {
            result.rotation = rotation;
            reading = ocr(&image, dpi).await;
        }
        result.times.orientation = started.elapsed();
    }
    if let Some((w, h)) = pnm_size(&image) {
        result.width = w;
        result.height = h;
    }
    match reading {
        Ok((text, words)) => {
            result.text = text;
            result.words = words;
        }
        Err(status) => result.status = status,
    }
    let _ = std::fs::remove_file(&image);
    result
}

/// Whether an OCR reading looks like text read the right way up: enough words, read with
/// good confidence (a page upside down yields few, doubtful scraps), and lying flat (Tesseract
/// also reads a page turned sideways, as columns of vertical words).
fn reads_well(words: &[WordBox]) -> bool {
    if words.len() < 8 {
        return false;
    }
    let mean = words.iter().map(|w| f64::from(w.confidence)).sum::<f64>() / words.len() as f64;
    let long: Vec<&WordBox> = words
        .iter()
        .filter(|w| w.text.chars().count() >= 4)
        .collect();
    let flat = long.iter().filter(|w| w.width > w.height).count();
    mean >= 70.0 && !long.is_empty() && flat * 10 >= long.len() * 9
}

/// Turns `image` clockwise by `degrees` in place (through `scratch`); false when it failed.
async fn turn(image: &Path, degrees: u32, scratch: &Path) -> bool {
    let mut out = std::ffi::OsString::from("pgm:");
    out.push(scratch.as_os_str());
    let mut input = std::ffi::OsString::from("pnm:");
    input.push(image.as_os_str());
    let args: Vec<std::ffi::OsString> =
        vec![input, "-rotate".into(), degrees.to_string().into(), out];
    run(
        "convert",
        &args,
        RunOptions::with_timeout(Duration::from_secs(60)),
    )
    .await
    .is_ok()
        && std::fs::rename(scratch, image).is_ok()
}

/// The one image a scanned PDF page consists of, extracted as it is stored.
pub(crate) struct EmbeddedScan {
    pub(crate) path: std::path::PathBuf,
    pub(crate) dpi: u32,
    /// `pdfimages -j` writes a JPEG as it is stored, anything else as PNM (no compression to
    /// undo again).
    pub(crate) coder: Coder,
}

pub(crate) async fn embedded_scan(
    path: &Path,
    kind: FileKind,
    page: u32,
    work: &Path,
) -> Option<EmbeddedScan> {
    if kind != FileKind::Pdf {
        return None;
    }
    let p = page.to_string();
    let timeout = || RunOptions::with_timeout(Duration::from_secs(30));
    let list: Vec<std::ffi::OsString> = vec![
        "-list".into(),
        "-f".into(),
        p.clone().into(),
        "-l".into(),
        p.clone().into(),
        path_arg(path),
    ];
    let listed = run("pdfimages", &list, timeout())
        .await
        .ok()?
        .stdout_lossy();
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|c| c.len() >= 14)
        .collect();
    let [row] = rows.as_slice() else {
        return None;
    };
    let n = |i: usize| row[i].parse::<u32>().ok();
    let dpi = n(12)?;
    if row[2] != "image" || !(72..=1200).contains(&dpi) || row[8] == "jbig2" || row[8] == "ccitt" {
        return None;
    }
    let root = work.join(format!("scan-{page}"));
    let extract: Vec<std::ffi::OsString> = vec![
        "-j".into(),
        "-f".into(),
        p.clone().into(),
        "-l".into(),
        p.into(),
        path_arg(path),
        path_arg(&root),
    ];
    run("pdfimages", &extract, timeout()).await.ok()?;
    let name = format!("scan-{page}-");
    let found = std::fs::read_dir(work)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&name))
        })?;
    let coder = if found.extension().is_some_and(|e| e == "jpg") {
        Coder::Jpeg
    } else {
        Coder::Pnm
    };
    Some(EmbeddedScan {
        path: found,
        dpi,
        coder,
    })
}

/// Tesseract's words and lines of `image`, or the page status when it could not finish.
async fn ocr(image: &Path, dpi: u32) -> Result<(String, Vec<WordBox>), &'static str> {
    let args: Vec<std::ffi::OsString> = vec![
        path_arg(image),
        "stdout".into(),
        "-l".into(),
        "eng".into(),
        "--dpi".into(),
        dpi.to_string().into(),
        "tsv".into(),
    ];
    match run("tesseract", &args, RunOptions::with_timeout(OCR_TIMEOUT)).await {
        Ok(out) => Ok(parse_tsv(&out.stdout_lossy())),
        Err(ProcessError::TimedOut { .. }) => Err("timed_out"),
        Err(_) => Err("unreadable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_rows_become_lines_of_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t100\t200\t80\t30\t96.5\tForm\n\
                   5\t1\t1\t1\t1\t2\t190\t200\t120\t30\t91.0\tSSA-827\n\
                   5\t1\t1\t1\t2\t1\t100\t260\t60\t30\t88.0\tName\n";
        let (text, words) = parse_tsv(tsv);
        assert_eq!(text, "Form SSA-827\nName");
        assert_eq!(words.len(), 3);
        assert_eq!(words[1].text, "SSA-827");
        assert_eq!((words[1].left, words[1].top), (190, 200));
    }

    #[test]
    fn a_reading_is_good_when_confident_and_flat() {
        let word = |text: &str, conf: f32, w: u32, h: u32| WordBox {
            text: text.into(),
            confidence: conf,
            left: 0,
            top: 0,
            width: w,
            height: h,
        };
        let flat: Vec<WordBox> = (0..10).map(|_| word("words", 90.0, 120, 30)).collect();
        assert!(reads_well(&flat));
        let sideways: Vec<WordBox> = (0..10).map(|_| word("words", 90.0, 30, 120)).collect();
        assert!(!reads_well(&sideways), "vertical words: the page is turned");
        let doubtful: Vec<WordBox> = (0..10).map(|_| word("w0rds", 40.0, 120, 30)).collect();
        assert!(!reads_well(&doubtful));
        assert!(!reads_well(&flat[..5]), "too few words to tell");
    }

    #[test]
    fn orientation_output_is_read() {
        assert_eq!(
            parse_rotate("Page number: 0\nOrientation in degrees: 180\nRotate: 180\n"),
            180
        );
        assert_eq!(parse_rotate("Rotate: 0\n"), 0);
        assert_eq!(parse_rotate("garbage"), 0);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,3}",
            Just("-1".to_string()),
            "(NaN|inf|-inf|95\\.5|1e9|)",
            "[^\t\n\r]{0,6}",
        ]
    }

    fn tsv_row() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(cell(), 12).prop_map(|mut c| {
                c[0] = "5".into();
                c.join("\t")
            }),
            proptest::collection::vec(cell(), 0..14).prop_map(|c| c.join("\t")),
            any::<String>(),
        ]
    }

    proptest! {
        /// Any Tesseract TSV: no panic; every word is non-empty text with a real confidence,
        /// and the page text is the words in order, one space or line break apart.
        #[test]
        fn tsv_words_are_real_words(rows in proptest::collection::vec(tsv_row(), 0..8)) {
            let tsv = format!("level\tpage\n{}", rows.join("\n"));
            let (text, words) = parse_tsv(&tsv);
            for w in &words {
                prop_assert!(!w.text.is_empty() && w.text == w.text.trim());
                prop_assert!(w.confidence.is_finite() && w.confidence >= 0.0, "{}", w.confidence);
            }
            let joined: Vec<&str> = text.split([' ', '\n']).filter(|t| !t.is_empty()).collect();
            let spoken: Vec<&str> = words.iter().flat_map(|w| w.text.split([' ', '\n'])).filter(|t| !t.is_empty()).collect();
            prop_assert_eq!(joined, spoken);
        }

        /// Tesseract's OSD: a rotation is 0, 90, 180 or 270, whatever the text says.
        #[test]
        fn osd_rotation_is_a_right_angle(osd in prop_oneof![any::<String>(), "(Rotate: ?[0-9-]{0,4}\n|[a-z ]{0,6}\n){0,3}"]) {
            prop_assert!(matches!(parse_rotate(&osd), 0 | 90 | 180 | 270));
            if let Some(v) = osd.lines().find_map(|l| l.strip_prefix("Rotate:")).and_then(|v| v.trim().parse::<u32>().ok()) {
                prop_assert_eq!(parse_rotate(&osd), if matches!(v, 90 | 180 | 270) { v } else { 0 });
            }
        }
    }
}
