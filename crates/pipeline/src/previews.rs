//! Page images: a page image of each page of a document (up to [`MAX_PREVIEW_PAGES`]) and a
//! thumbnail of the first, stored encrypted like the document.
//!
//! Reading a document's text makes them: each page is decoded once, and that one decoding
//! writes the image OCR reads, the page image and the thumbnail (see `text::page_text`). The
//! `page_images` job queued with the document is the fallback, due a minute later: when the
//! reading has made them it has nothing to do; when the reading is still waiting behind long
//! documents, or failed, it makes them itself, in the quick lane, so people see the pages.

use crate::intake::Intake;
use crate::render::{decode_page, render_shown, Coder, Shown};
use crate::sniff::FileKind;
use std::path::Path;
use worktrack_store::Document;

pub const MAX_PREVIEW_PAGES: i64 = 20;
pub use crate::render::{PREVIEW_WIDTH, THUMB_WIDTH};

/// Where a page's page image and thumbnail are written in a job's scratch directory; the
/// thumbnail is asked for on the first page only, and nothing beyond [`MAX_PREVIEW_PAGES`].
pub struct ShownFiles {
    pub preview: std::path::PathBuf,
    pub thumb: Option<std::path::PathBuf>,
}

impl ShownFiles {
    pub fn for_page(work: &Path, page: i64) -> Option<ShownFiles> {
        (page <= MAX_PREVIEW_PAGES).then(|| ShownFiles {
            preview: work.join(format!("page-{page}.jpg")),
            thumb: (page == 1).then(|| work.join("thumb.jpg")),
        })
    }

    pub fn shown(&self) -> Shown<'_> {
        Shown {
            preview: Some(&self.preview),
            thumb: self.thumb.as_deref(),
        }
    }

    /// Stores what was written (encrypted, as blobs) and removes the scratch files.
    pub async fn store(&self, intake: &Intake, doc: &Document, page: i64) -> Result<(), String> {
        store_image(intake, doc, page, "preview", &self.preview).await?;
        let _ = std::fs::remove_file(&self.preview);
        if let Some(thumb) = &self.thumb {
            store_image(intake, doc, 1, "thumb", thumb).await?;
            let _ = std::fs::remove_file(thumb);
        }
        Ok(())
    }
}

/// Makes and stores the page images of one document, unless its reading already has.
pub async fn make_previews(intake: &Intake, doc: &Document) -> Result<usize, String> {
    if doc.previews == "done" {
        return Ok(0);
    }
    let (dir, plain) = intake.decrypted_copy(doc, "pages-").await?;
    let kind = FileKind::from_media_type(&doc.media_type)
        .ok_or_else(|| format!("no page images for {}", doc.media_type))?;
    let pages = doc.pages.unwrap_or(1).clamp(1, MAX_PREVIEW_PAGES);
    let mut made = 0;
    for page in 1..=pages {
        let Some(files) = ShownFiles::for_page(dir.path(), page) else {
            break;
        };
        let shown = files.shown();
        let p = page as u32;
        let drawn = match crate::text::embedded_scan(&plain, kind, p, dir.path()).await {
            Some(scan) => {
                let drawn = decode_page(&scan.path, scan.coder, 0, None, shown).await;
                let _ = std::fs::remove_file(&scan.path);
                drawn
            }
            None if kind == FileKind::Pdf => render_shown(&plain, p, shown).await,
            None => match Coder::of(kind) {
                Some(coder) => decode_page(&plain, coder, p - 1, None, shown).await,
                None => Err(crate::render::RenderError::NotRenderable(kind)),
            },
        };
        drawn.map_err(|e| e.to_string())?;
        files.store(intake, doc, page).await?;
        made += 1;
    }
    Ok(made)
}

async fn store_image(
    intake: &Intake,
    doc: &Document,
    page: i64,
    kind: &str,
    image: &Path,
) -> Result<(), String> {
    let blob = intake
        .blobs
        .put_file(image.to_path_buf())
        .await
        .map_err(|e| e.to_string())?;
    intake
        .store
        .add_page_image(doc.id, page, kind, &blob.hash, blob.size as i64)
        .await
        .map_err(|e| e.to_string())
}
