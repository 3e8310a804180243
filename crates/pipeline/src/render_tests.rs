use super::*;
use crate::headers;
use worktrack_corpus::fixtures::Fixtures;

fn jpeg_size(path: &Path) -> (u32, u32) {
    let facts = headers::jpeg(std::fs::File::open(path).unwrap()).unwrap();
    facts.pages[0]
}

fn pgm_size(path: &Path) -> (u32, u32) {
    let head = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&head[..32]);
    let mut fields = text.split_ascii_whitespace();
    assert_eq!(fields.next(), Some("P5"));
    let mut n = || fields.next().unwrap().parse::<u32>().unwrap();
    (n(), n())
}

#[tokio::test]
async fn page_two_of_a_pdf_and_of_a_g4_tiff_as_page_images() {
    let f = Fixtures::make().await;
    let (preview, thumb) = (f.path("pdf-2.jpg"), f.path("pdf-2-thumb.jpg"));
    let shown = Shown {
        preview: Some(&preview),
        thumb: Some(&thumb),
    };
    render_shown(&f.path("three.pdf"), 2, shown).await.unwrap();
    // Page 2 is landscape (792 × 612 pt): 1000 × 773 (rounded up), where page 1 would be
    // 1000 × 1295; the thumbnail is shrunk from it.
    assert_eq!(jpeg_size(&preview), (1000, 773));
    assert_eq!(jpeg_size(&thumb), (240, 186));

    let (preview, pgm) = (f.path("tif-2.jpg"), f.path("tif-2.pgm"));
    let shown = Shown {
        preview: Some(&preview),
        thumb: None,
    };
    decode_page(
        &f.path("g4.tif"),
        Coder::Tiff,
        1,
        Some((&pgm, Some(300))),
        shown,
    )
    .await
    .unwrap();
    // Page 2 is 1100 × 850; page 1 (850 × 1100) would come out 300 × 388.
    assert_eq!(pgm_size(&pgm), (300, 232));
    assert_eq!(jpeg_size(&preview), (1000, 773));
    assert!(!side_name(&pgm).exists() && !side_name(&preview).exists());
}

#[tokio::test]
async fn an_exif_rotated_jpeg_comes_out_upright() {
    let f = Fixtures::make().await;
    let (pgm, preview) = (f.path("upright.pgm"), f.path("upright.jpg"));
    let shown = Shown {
        preview: Some(&preview),
        thumb: None,
    };
    // Stored 400 × 200 with orientation 6: shown 200 × 400 (never enlarged), and read by
    // OCR shrunk to 100 wide.
    decode_page(
        &f.path("rotated.jpg"),
        Coder::Jpeg,
        0,
        Some((&pgm, Some(100))),
        shown,
    )
    .await
    .unwrap();
    assert_eq!(pgm_size(&pgm), (100, 200));
    assert_eq!(jpeg_size(&preview), (200, 400));
}

#[tokio::test]
async fn a_missing_page_is_an_error_and_leaves_no_file() {
    let f = Fixtures::make().await;
    let (out, pgm) = (f.path("none.jpg"), f.path("none.pgm"));
    let shown = Shown {
        preview: Some(&out),
        thumb: None,
    };
    let err = render_shown(&f.path("three.pdf"), 9, shown)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RenderError::Process(ProcessError::Failed { .. })),
        "{err}"
    );
    let err = decode_page(&f.path("g4.tif"), Coder::Tiff, 2, Some((&pgm, None)), shown)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RenderError::Process(ProcessError::Failed { .. })),
        "{err}"
    );
    assert!(matches!(
        render_shown(&f.path("g4.tif"), 0, shown).await,
        Err(RenderError::NoPageZero)
    ));
    for file in [&out, &pgm] {
        assert!(!file.exists() && !side_name(file).exists(), "{file:?}");
    }
}
