//! Page images: for each new document, a preview image of each page (up to
//! [`MAX_PREVIEW_PAGES`]) and a thumbnail of the first, stored encrypted like the document.
//! The work is a `page_images` job (see `jobs`), queued with the document, so a restart
//! resumes where it stopped.

use crate::intake::Intake;
use crate::render::render_page;
use crate::sniff::FileKind;
use std::path::Path;
use worktrack_store::Document;

pub const MAX_PREVIEW_PAGES: i64 = 20;
pub const PREVIEW_WIDTH: u32 = 1000;
pub const THUMB_WIDTH: u32 = 240;

/// Makes and stores the page images of one document.
pub async fn make_previews(intake: &Intake, doc: &Document) -> Result<usize, String> {
    let (dir, plain) = intake.decrypted_copy(doc, "pages-").await?;
    let kind = FileKind::from_media_type(&doc.media_type)
        .ok_or_else(|| format!("no page images for {}", doc.media_type))?;
    // Every format is drawn whole, made the same way as the image OCR reads (turned upright
    // by its EXIF orientation, only ever shrunk): the workbench draws OCR's word boxes over
    // the page image scaled to the OCR image's size, so both must show the same page. A JPEG
    // used to be straightened and cropped to what differed from its corner's colour, which
    // on a white page is the text alone (555 × 321 of a letter page), and the boxes missed.
    let pages = doc.pages.unwrap_or(1).clamp(1, MAX_PREVIEW_PAGES);
    let mut made = 0;
    for page in 1..=pages {
        let out = dir.path().join(format!("page-{page}.png"));
        // A scanned PDF page is shrunk from its own image: rendering the page again through
        // Poppler costs seconds of CPU for nothing.
        match crate::text::embedded_scan(&plain, kind, page as u32, dir.path()).await {
            Some(scan) => {
                let rendered = render_page(&scan.path, scan.kind(), 1, PREVIEW_WIDTH, &out).await;
                let _ = std::fs::remove_file(&scan.path);
                rendered.map_err(|e| e.to_string())?;
            }
            None => render_page(&plain, kind, page as u32, PREVIEW_WIDTH, &out)
                .await
                .map_err(|e| e.to_string())?,
        }
        store_image(intake, doc, page, "preview", &out).await?;
        if page == 1 {
            let thumb = dir.path().join("thumb.png");
            // From the preview just made: a second rendering of the page would cost as much.
            render_page(&out, FileKind::Png, 1, THUMB_WIDTH, &thumb)
                .await
                .map_err(|e| e.to_string())?;
            store_image(intake, doc, 1, "thumb", &thumb).await?;
        }
        made += 1;
    }
    Ok(made)
}

async fn store_image(
    intake: &Intake,
    doc: &Document,
    page: i64,
    kind: &str,
    png: &Path,
) -> Result<(), String> {
    let blob = intake
        .blobs
        .put_file(png.to_path_buf())
        .await
        .map_err(|e| e.to_string())?;
    intake
        .store
        .add_page_image(doc.id, page, kind, &blob.hash, blob.size as i64)
        .await
        .map_err(|e| e.to_string())
}
