use super::*;
use std::collections::BTreeSet;
use worktrack_domain::{Ssn, SsnPolicy};

fn options(out: &Path, count: usize, scanned_share: f32) -> CorpusOptions {
    CorpusOptions {
        count,
        seed: 1,
        scanned_share,
        out: out.to_owned(),
        jobs: 2,
    }
}

fn labels(opts: &CorpusOptions) -> Vec<Truth> {
    plan_corpus(opts).into_iter().map(|p| p.truth).collect()
}

/// Every `ddd-dd-dddd` or `ddd dd dddd` in `text` that stands alone.
fn ssn_shaped(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for i in 0..b.len().saturating_sub(10) {
        let w = &b[i..i + 11];
        let sep = w[3];
        let shaped = (sep == b'-' || sep == b' ')
            && w[6] == sep
            && w.iter()
                .enumerate()
                .all(|(j, c)| j == 3 || j == 6 || c.is_ascii_digit());
        let alone = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && !matches!(b.get(i + 11), Some(c) if c.is_ascii_alphanumeric());
        if shaped && alone {
            found.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    found
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// FNV-1a over everything a corpus is made from: the labels, the born-digital PDFs, the
/// scanner's view of every scan and the ImageMagick arguments that degrade it.
fn fingerprint(seed: u64, count: usize) -> u64 {
    fn feed(hash: &mut u64, bytes: &[u8]) {
        for b in bytes {
            *hash ^= u64::from(*b);
            *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
        *hash ^= 0xFF;
        *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    let opts = CorpusOptions {
        seed,
        ..options(Path::new("/nonexistent"), count, 0.5)
    };
    let mut hash = 0xCBF2_9CE4_8422_2325_u64;
    for plan in plan_corpus(&opts) {
        let label = serde_json::to_string(&plan.truth).unwrap_or_default();
        feed(&mut hash, label.as_bytes());
        feed(&mut hash, &text_pdf(&plan.pages, plan.scan.as_ref()));
        if let Some(scan) = &plan.scan {
            for page in 1..=scan.pages {
                let args = degrade_args(scan, page, Path::new("in"), Path::new("out"));
                for arg in args {
                    feed(&mut hash, arg.as_encoded_bytes());
                }
            }
        }
    }
    hash
}

#[test]
fn the_generated_corpus_is_the_same_as_ever() {
    // Benchmarks and demo data depend on a seed giving the same documents: a change here
    // is a change to every corpus ever generated.
    assert_eq!(fingerprint(1, 120), 9_514_205_003_327_838_067);
    assert_eq!(fingerprint(8, 60), 7_067_858_450_309_681_440);
}

#[test]
fn the_same_seed_gives_the_same_labels_and_texts() {
    let dir = Path::new("/nonexistent");
    let opts = options(dir, 40, 0.5);
    assert_eq!(labels(&opts), labels(&opts));
    // The number of jobs changes nothing.
    let one_job = CorpusOptions {
        jobs: 1,
        ..opts.clone()
    };
    assert_eq!(labels(&opts), labels(&one_job));
    let other = CorpusOptions {
        seed: 8,
        ..opts.clone()
    };
    assert_ne!(labels(&opts)[0].page_texts, labels(&other)[0].page_texts);
}

#[test]
fn labels_are_complete_consistent_and_use_only_training_ssns() {
    let opts = options(Path::new("/nonexistent"), 340, 0.5);
    let truths = labels(&opts);
    let catalogue = default_catalogue();
    let codes: BTreeSet<&str> = catalogue
        .profile_codes
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    // Round robin: the first 17 documents have the 17 codes.
    let first: BTreeSet<&str> = truths[..codes.len()]
        .iter()
        .map(|t| t.profile_code.as_str())
        .collect();
    assert_eq!(first, codes);
    let keys: BTreeSet<&str> = [
        "claimant_name",
        "date_of_birth",
        "form_number",
        "signed_on",
        "received_on",
        "employer",
        "pay_period_start",
        "pay_period_end",
        "pay_date",
        "gross_pay",
        "merchant",
        "purchase_date",
        "total",
    ]
    .into_iter()
    .collect();
    let (mut forms, mut unnumbered, mut second, mut turned) = (0, 0, 0, 0);
    for t in &truths {
        let text = t.page_texts.join("\n");
        assert!(text.is_ascii(), "{}", t.file);
        assert_eq!(t.pages as usize, t.page_texts.len());
        assert!(
            t.page_texts.iter().all(|p| !p.trim().is_empty()),
            "{}: an empty page",
            t.file
        );
        for ssn in t.ssn.iter().chain(&t.second_ssn) {
            let parsed = Ssn::parse(ssn, SsnPolicy::Training).unwrap();
            assert!(parsed.is_training_number(), "{ssn}");
            assert_eq!(&parsed.formatted(), ssn, "labels use one format");
            assert!(
                text.contains(ssn.as_str()) || text.contains(&ssn.replace('-', " ")),
                "{}: {ssn} is not printed",
                t.file
            );
        }
        // Nothing on any page looks like an SSN outside the never-issued area.
        for shaped in ssn_shaped(&text) {
            assert!(shaped.starts_with('9'), "{}: {shaped}", t.file);
        }
        for (key, value) in &t.fields {
            assert!(keys.contains(key.as_str()), "{}: {key}", t.file);
            if key.ends_with("_on")
                || key.ends_with("date")
                || key.starts_with("date_")
                || key.starts_with("pay_period")
            {
                time::Date::parse(
                    value,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .unwrap_or_else(|e| panic!("{}: {key} {value}: {e}", t.file));
                if key != "date_of_birth" {
                    assert!(
                        value.starts_with("2025") || value.starts_with("2026"),
                        "{}: {key} {value}",
                        t.file
                    );
                }
            }
            if key == "gross_pay" || key == "total" {
                let (whole, cents) = value.split_once('.').unwrap();
                assert!(
                    whole.bytes().all(|b| b.is_ascii_digit()) && cents.len() == 2,
                    "{value}"
                );
            }
        }
        let kind = catalogue.document_type(&t.document_type).unwrap();
        if kind.form_numbers.is_empty() {
            assert_eq!(t.form_number, None);
        } else {
            forms += 1;
            match &t.form_number {
                Some(number) => {
                    assert!(kind.form_numbers.contains(number), "{number}");
                    assert!(
                        text.contains(number.as_str()),
                        "{}: {number} not printed",
                        t.file
                    );
                    assert_eq!(t.fields.get("form_number"), Some(number));
                }
                None => {
                    unnumbered += 1;
                    assert!(
                        !text.contains("SSA-"),
                        "{}: a number was left on it",
                        t.file
                    );
                }
            }
            // A claimant's own letter may leave the SSN off; a form never does.
            assert!(
                t.fields.contains_key("claimant_name")
                    && (t.ssn.is_some() || t.form_number.is_none()),
                "{}",
                t.file
            );
        }
        if let Some(name) = t.fields.get("claimant_name") {
            let upper = text.to_uppercase();
            let last = name.rsplit(' ').next().unwrap().to_uppercase();
            assert!(upper.contains(&last), "{}: {name} not printed", t.file);
        }
        match t.profile_code.as_str() {
            "MED" => assert!((3..=6).contains(&t.pages), "{}: {} pages", t.file, t.pages),
            "RCPT" => {
                assert!(t.fields.contains_key("total") && t.fields.contains_key("merchant"))
            }
            "PAY" => {
                assert!(t.fields.contains_key("gross_pay") && t.fields.contains_key("employer"))
            }
            _ => assert!(t.pages <= 3, "{}: {} pages", t.file, t.pages),
        }
        second += usize::from(t.second_ssn.is_some());
        turned += usize::from(t.rotation != 0);
        assert_eq!(t.scanned, t.format != "pdf-text");
        assert_eq!(t.scanned, t.dpi.is_some());
        assert!(t.skew_degrees.abs() <= 3.0);
        assert!(!t.scanned || t.skew_degrees.abs() >= 0.3);
    }
    // About one form in eight has no readable number; a few documents carry a second SSN.
    assert!(
        (forms / 10..=forms / 6).contains(&unnumbered),
        "{unnumbered} of {forms}"
    );
    assert!(second > 5 && second < truths.len() / 4, "{second}");
    let scanned = truths.iter().filter(|t| t.scanned).count();
    assert_eq!(scanned, 170);
    assert!(
        (scanned / 9..=scanned / 6).contains(&turned),
        "{turned} of {scanned}"
    );
}

/// Pixel size and resolution of one image file, as ImageMagick reads them.
/// `pdfimages -list` of a PDF: a table with two heading lines and one row an image.
async fn pdf_image_list(path: &Path) -> String {
    run(
        "pdfimages",
        &[std::ffi::OsString::from("-list"), path_arg(path)],
        RunOptions::default(),
    )
    .await
    .unwrap()
    .stdout_lossy()
}

/// The rows of a `pdfimages -list` table, split into columns.
fn image_rows(list: &str) -> Vec<Vec<&str>> {
    list.lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect()
}

async fn image_facts(path: &Path) -> (u32, u32, f64) {
    let out = run(
        "identify",
        &[
            std::ffi::OsString::from("-units"),
            "PixelsPerInch".into(),
            "-format".into(),
            "%w %h %x".into(),
            path_arg(path),
        ],
        RunOptions::default(),
    )
    .await
    .unwrap()
    .stdout_lossy();
    let parts: Vec<&str> = out.split_whitespace().collect();
    (
        parts[0].parse().unwrap(),
        parts[1].parse().unwrap(),
        parts[2].parse().unwrap(),
    )
}

#[tokio::test]
async fn a_small_corpus_is_written_read_back_and_every_file_opens() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("corpus");
    let opts = options(&out, 20, 0.15);
    let written = generate(&opts).await.unwrap();
    assert_eq!(read_labels(&out).unwrap(), written);
    let plans = plan_corpus(&opts);
    let codes: BTreeSet<&str> = written.iter().map(|t| t.profile_code.as_str()).collect();
    assert_eq!(codes.len(), default_catalogue().profile_codes.len());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = written.iter().map(|t| t.file.clone()).collect();
    expected.push(LABELS_FILE.to_owned());
    expected.sort();
    assert_eq!(names, expected, "nothing else is left in the directory");

    let mut checked_scans = 0;
    for (t, plan) in written.iter().zip(&plans) {
        assert!(t.file.starts_with("doc-00"), "{}", t.file);
        let path = out.join(&t.file);
        if !t.scanned {
            let text = run(
                "pdftotext",
                &[
                    std::ffi::OsString::from("-layout"),
                    path_arg(&path),
                    "-".into(),
                ],
                RunOptions::default(),
            )
            .await
            .unwrap()
            .stdout_lossy();
            let pages: Vec<&str> = text.trim_end_matches('\u{c}').split('\u{c}').collect();
            assert_eq!(pages.len(), t.pages as usize, "{}", t.file);
            for (page, truth) in pages.iter().zip(&t.page_texts) {
                let page = normalised(page);
                for line in truth.lines() {
                    assert!(
                        page.contains(&normalised(line)),
                        "{}: {line:?} not in\n{page}",
                        t.file
                    );
                }
            }
            if let Some(number) = &t.form_number {
                assert!(text.contains(number.as_str()), "{}", t.file);
            }
            continue;
        }
        let dpi = t.dpi.unwrap();
        let turned = t.rotation == 90 || t.rotation == 270;
        let expect = |page: &Page| {
            let (w, h) = (pixels(page.width, dpi), pixels(page.height, dpi));
            if turned {
                (h, w)
            } else {
                (w, h)
            }
        };
        if t.format == "pdf-scan" {
            let text = run(
                "pdftotext",
                &[path_arg(&path), "-".into()],
                RunOptions::default(),
            )
            .await
            .unwrap()
            .stdout_lossy();
            assert!(
                text.trim().is_empty(),
                "{}: an image-only PDF has no text",
                t.file
            );
            let list = pdf_image_list(&path).await;
            let rows = image_rows(&list);
            assert_eq!(rows.len(), t.pages as usize, "{}: {list}", t.file);
            for (row, page) in rows.iter().zip(&plan.pages) {
                let size: (u32, u32) = (row[3].parse().unwrap(), row[4].parse().unwrap());
                assert_eq!(size, expect(page), "{}", t.file);
                assert_eq!(row[8], "jpeg");
                assert_eq!(row[12].parse::<u32>().unwrap(), dpi, "{}: x-ppi", t.file);
            }
        } else {
            let (w, h, x) = image_facts(&path).await;
            assert_eq!((w, h), expect(&plan.pages[0]), "{}", t.file);
            assert!((x - f64::from(dpi)).abs() < 0.5, "{}: {x} dpi", t.file);
        }
        checked_scans += 1;
    }
    assert_eq!(checked_scans, 3);
    // Seed 1 turns one of its three scans, whose size was checked on its side above.
    assert!(written
        .iter()
        .any(|t| t.rotation == 90 || t.rotation == 270));

    // A second run into the same directory replaces the corpus; a stranger's file stops it.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let err = generate(&opts).await.unwrap_err();
    assert!(matches!(err, CorpusError::ForeignEntry { .. }), "{err}");
    assert!(out.join("notes.txt").exists());
}

#[tokio::test]
async fn a_turned_scan_records_the_rotation_that_makes_it_upright() {
    // A 3 x 4 inch page with one black block in its top-left corner, scanned at 100 dpi
    // turned each way, in each format.
    let mut page = Page::new(216.0, 288.0);
    page.marks.push(Mark::Fill {
        x: 0.0,
        top: 0.0,
        w: 108.0,
        h: 144.0,
        grey: 0.0,
    });
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (90, Format::Png, false),
        (180, Format::Tiff, true),
        (270, Format::Jpeg, false),
        (0, Format::Tiff, false),
        (270, Format::PdfScan, false),
    ];
    for (turned, format, bilevel) in cases {
        let pages = if format == Format::PdfScan { 2 } else { 1 };
        let scan = ScanPlan {
            dpi: 100,
            skew: -1.5,
            blur: 0.3,
            noise: 0.2,
            speckle: true,
            low_contrast: true,
            grey_paper: true,
            turned,
            format,
            jpeg_quality: 80,
            bilevel,
            seed: 1,
            pages,
        };
        let truth = Truth {
            file: format!("doc-{turned}.{}", format.extension()),
            profile_code: "CORR".into(),
            document_type: "CORRESPONDENCE".into(),
            form_number: None,
            ssn: None,
            second_ssn: None,
            fields: BTreeMap::new(),
            pages,
            scanned: true,
            rotation: (360 - turned) % 360,
            skew_degrees: -1.5,
            format: format.label().into(),
            dpi: Some(100),
            page_texts: vec![String::new(); pages as usize],
        };
        let plan = DocPlan {
            truth,
            pages: vec![page.clone(); pages as usize],
            scan: Some(scan),
        };
        write_document(&plan, dir.path()).await.unwrap();
        let path = dir.path().join(&plan.truth.file);
        let quarter = turned == 90 || turned == 270;
        let expected = if quarter { (400, 300) } else { (300, 400) };
        if format == Format::PdfScan {
            let list = pdf_image_list(&path).await;
            let rows = image_rows(&list);
            assert_eq!(rows.len(), 2, "{list}");
            for row in rows {
                assert_eq!((row[3], row[4], row[12]), ("400", "300", "100"), "{list}");
            }
            continue;
        }
        let (w, h, x) = image_facts(&path).await;
        assert_eq!((w, h), expected, "{turned} {format:?}");
        assert!((x - 100.0).abs() < 0.5, "{x} dpi");
        // Turned back by the recorded rotation, the block is in the top-left corner again.
        let mut means = Vec::new();
        for gravity in ["NorthWest", "SouthEast"] {
            let out = run(
                "convert",
                &[
                    path_arg(&path),
                    "-rotate".into(),
                    plan.truth.rotation.to_string().into(),
                    "-gravity".into(),
                    gravity.into(),
                    "-crop".into(),
                    "40%x40%+0+0".into(),
                    "-format".into(),
                    "%[fx:mean]".into(),
                    "info:".into(),
                ],
                RunOptions::default(),
            )
            .await
            .unwrap()
            .stdout_lossy();
            means.push(out.trim().parse::<f64>().unwrap());
        }
        assert!(
            means[0] < 0.45 && means[1] > 0.7,
            "{turned} {format:?}: {means:?}"
        );
    }
}

#[test]
fn bad_options_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ok = options(dir.path(), 3, 0.5);
    let check = |opts: CorpusOptions| check_options(&opts).unwrap_err().to_string();
    assert!(check(CorpusOptions {
        count: 0,
        ..ok.clone()
    })
    .contains("at least one document"));
    assert!(check(CorpusOptions {
        scanned_share: 1.5,
        ..ok.clone()
    })
    .contains("between 0 and 1"));
    assert!(check(CorpusOptions {
        scanned_share: f32::NAN,
        ..ok.clone()
    })
    .contains("between 0 and 1"));
    assert!(check(CorpusOptions {
        jobs: 0,
        ..ok.clone()
    })
    .contains("job"));
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(prepare_dir(&file), Err(CorpusError::OutIsFile(_))));
    assert!(is_corpus_entry("doc-0001.pdf") && is_corpus_entry("labels.jsonl.part"));
    assert!(
        !is_corpus_entry("doc-1.docx") && !is_corpus_entry("doc-.pdf") && !is_corpus_entry("x.pdf")
    );
}

#[test]
fn pdf_strings_are_escaped_and_ascii() {
    assert_eq!(pdf_string(r"a (b) \c"), r"a \(b\) \\c");
    assert_eq!(pdf_string("caf\u{e9}"), "caf?");
    assert_eq!(money(123_456_789), "1,234,567.89");
    assert_eq!(money(5), "0.05");
    assert_eq!(plain_money(123_456), "1234.56");
}
