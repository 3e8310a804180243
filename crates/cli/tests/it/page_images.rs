//! Page images keep the whole page, so the workbench's field outlines (boxes in the OCR
//! image's pixels, drawn over the page image scaled to that size) land on the field: for each
//! format the generator makes — JPEG, PNG, TIFF, image-only PDF and born-digital PDF.

use crate::support::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use worktrack_corpus::{generate, plan_labels, CorpusOptions, Truth};

/// Waits until the document's page images are made and its text is read and profiled.
async fn wait_done(app: &TestApp, id: i64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let doc = app.store.document_unscoped(id).await.unwrap();
        let profiled = app.store.profile_status(id).await.unwrap();
        if doc.previews != "pending" && !matches!(profiled.as_str(), "none" | "pending") {
            assert_eq!(doc.previews, "done", "document {id}");
            return;
        }
        assert!(Instant::now() < deadline, "document {id} never finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn magick(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn image_size(png: &Path) -> (f64, f64) {
    let s = magick(&["identify", "-format", "%w %h", png.to_str().unwrap()]);
    let (w, h) = s.split_once(' ').unwrap();
    (w.parse().unwrap(), h.parse().unwrap())
}

/// The share of dark pixels (below half brightness) in a rectangle of the image.
fn dark_share(png: &Path, x: f64, y: f64, w: f64, h: f64) -> f64 {
    let geometry = format!(
        "{}x{}+{}+{}",
        w.round().max(1.0),
        h.round().max(1.0),
        x.round(),
        y.round()
    );
    magick(&[
        "convert",
        png.to_str().unwrap(),
        "-crop",
        &geometry,
        "+repage",
        "-colorspace",
        "gray",
        "-threshold",
        "50%",
        "-format",
        "%[fx:1-mean]",
        "info:",
    ])
    .parse()
    .unwrap()
}

#[tokio::test]
async fn page_images_keep_the_whole_page_and_field_outlines_cover_the_field_in_every_format() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = app.dir.path().join("corpus");
    // One upright document of each format with one SSN printed on it.
    let formats = ["jpeg", "png", "tiff", "pdf-scan", "pdf-text"];
    let wanted = |truths: &[Truth]| -> Vec<Truth> {
        formats
            .iter()
            .filter_map(|f| {
                truths
                    .iter()
                    .find(|t| {
                        t.format == *f
                            && t.rotation == 0
                            && t.ssn.is_some()
                            && t.second_ssn.is_none()
                    })
                    .cloned()
            })
            .collect()
    };
    // The labels are decided from the seed before anything is drawn: find the smallest corpus
    // with an upright document of each format with one SSN printed on it, then draw only that.
    let opts = (6..12)
        .flat_map(|count| (1..400u64).map(move |seed| (count, seed)))
        .map(|(count, seed)| CorpusOptions {
            count,
            seed,
            scanned_share: 0.8,
            out: dir.clone(),
            jobs: 2,
        })
        .find(|o| wanted(&plan_labels(o)).len() == formats.len())
        .expect("a seed with every format");
    let truths = generate(&opts).await.unwrap();
    let picked = wanted(&truths);
    assert_eq!(picked.len(), formats.len());

    let client = app.login("employee.a").await;
    // And a clean JPEG of a whole page, as a scanning app or a copier exports it: white all
    // round, no noise. Cropping to what differs from the corner's colour left only the text
    // of such a page (the defect found in the walk-through).
    let mut picked = picked;
    let born = picked
        .iter()
        .find(|t| t.format == "pdf-text")
        .unwrap()
        .clone();
    let last4 = &born.ssn.as_deref().unwrap()[7..];
    let ssn_page = born
        .page_texts
        .iter()
        .position(|p| p.contains(last4))
        .map_or(1, |i| i + 1)
        .to_string();
    magick(&[
        "pdftoppm",
        "-jpeg",
        "-r",
        "150",
        "-f",
        &ssn_page,
        "-l",
        &ssn_page,
        "-singlefile",
        dir.join(&born.file).to_str().unwrap(),
        dir.join("clean-page").to_str().unwrap(),
    ]);
    picked.push(Truth {
        file: "clean-page.jpg".into(),
        format: "jpeg (clean page)".into(),
        ..born
    });

    for t in &picked {
        let id = crate::profiling::take_in(&app, &cast.a, &dir.join(&t.file)).await;
        wait_done(&app, id).await;
        let profile = app
            .store
            .document_profile_unscoped(id)
            .await
            .unwrap()
            .unwrap();
        let spot = profile.ssns.first().map(|s| (s.page, s.bbox));
        // The page the SSN was found on (page 1 for a text layer, which has no boxes).
        let page_no = spot.map_or(1, |(p, _)| i64::from(p));
        let bytes = client
            .get(format!(
                "{}/documents/{id}/images/page-{page_no}.jpg",
                app.url
            ))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let png = app.dir.path().join(format!("page-{id}.jpg"));
        std::fs::write(&png, &bytes).unwrap();
        let (iw, ih) = image_size(&png);
        let texts = app.store.page_texts(id).await.unwrap();
        let page = texts.iter().find(|p| p.page == page_no).unwrap();

        if t.format == "pdf-text" {
            // A text layer has no boxes: the page image is the whole letter page.
            assert_eq!(page.source, "text_layer", "{}", t.file);
            assert!(
                (ih / iw - 11.0 / 8.5).abs() < 0.01,
                "{}: page image {iw} × {ih} is not a letter page",
                t.file
            );
            continue;
        }

        assert_eq!(page.source, "ocr", "{}", t.file);
        let (ow, oh) = (page.width as f64, page.height as f64);
        assert!(ow > 0.0 && oh > 0.0, "{}", t.file);
        // The page image has the proportions of the image OCR read (the whole page) …
        assert!(
            (ih / iw - oh / ow).abs() < 0.01,
            "{} ({}): page image {iw} × {ih}, OCR image {ow} × {oh}",
            t.file,
            t.format
        );
        // … and is of the whole page: at 8.5 in wide, not a crop to the text.
        assert!(
            iw >= 900.0 && (ih / iw - 11.0 / 8.5).abs() < 0.08,
            "{} ({}): page image {iw} × {ih} is not the whole page",
            t.file,
            t.format
        );

        // The SSN's outline, scaled from OCR pixels to the page image as the workbench's SVG
        // does, covers printed digits there.
        let b = spot
            .and_then(|(_, b)| b)
            .unwrap_or_else(|| panic!("{}: no SSN box", t.file));
        let (sx, sy) = (iw / ow, ih / oh);
        let inside = dark_share(
            &png,
            b.left as f64 * sx,
            b.top as f64 * sy,
            b.width as f64 * sx,
            b.height as f64 * sy,
        );
        let whole = dark_share(&png, 0.0, 0.0, iw, ih);
        assert!(
            inside > 0.08 && inside > 3.0 * whole,
            "{} ({}): {:.3} dark inside the SSN outline, {:.3} on the page",
            t.file,
            t.format,
            inside,
            whole
        );
    }
    app.stop().await;
}
