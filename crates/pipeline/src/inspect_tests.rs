use super::*;
use worktrack_corpus::fixtures::Fixtures;

struct Case {
    file: &'static str,
    claimed: &'static str,
    kind: FileKind,
    pages: Option<u32>,
    size: Option<(u32, u32)>,
    orientation: Option<u8>,
    attention: Option<&'static str>,
}

const fn case(file: &'static str, kind: FileKind, attention: Option<&'static str>) -> Case {
    Case {
        file,
        claimed: file,
        kind,
        pages: None,
        size: None,
        orientation: None,
        attention,
    }
}

#[tokio::test]
async fn every_fixture_is_recognised_measured_and_explained() {
    use FileKind::*;
    let f = Fixtures::make().await;
    let cases = [
        Case {
            pages: Some(3),
            ..case("three.pdf", Pdf, None)
        },
        case("locked.pdf", Pdf, Some("encrypted")),
        Case {
            pages: Some(3),
            ..case("restricted.pdf", Pdf, None)
        },
        case("x.pdf", Unknown, Some("not_pdf")),
        Case {
            claimed: "page.html",
            ..case("x.pdf", Unknown, Some("unsupported"))
        },
        case("zero.pdf", Empty, Some("empty")),
        Case {
            pages: Some(2),
            size: Some((850, 1100)),
            orientation: Some(1),
            ..case("g4.tif", Tiff, None)
        },
        Case {
            pages: Some(1),
            size: Some((300, 200)),
            orientation: Some(1),
            ..case("msb.tif", Tiff, None)
        },
        Case {
            pages: Some(1),
            size: Some((400, 200)),
            orientation: Some(6),
            ..case("rotated.jpg", Jpeg, None)
        },
        Case {
            pages: Some(1),
            size: Some((400, 200)),
            orientation: Some(8),
            ..case("rotated-mm.jpg", Jpeg, None)
        },
        case("truncated.jpg", Jpeg, Some("damaged")),
        Case {
            pages: Some(1),
            size: Some((30_000, 30_000)),
            ..case("bomb.png", Png, Some("too_large"))
        },
        Case {
            pages: Some(1),
            size: Some((25_000, 1_000)),
            ..case("wide.png", Png, Some("too_large"))
        },
        case("noise.bin", Unknown, Some("unsupported")),
        case("no-such-file.pdf", Unknown, Some("unreadable")),
    ];
    for c in cases {
        let got = inspect(&f.path(c.file), c.claimed).await;
        let label = format!("{} as {}: {got:?}", c.file, c.claimed);
        assert_eq!(got.kind, c.kind, "{label}");
        assert_eq!(got.media_type, c.kind.media_type(), "{label}");
        assert_eq!(got.pages, c.pages, "{label}");
        assert_eq!(got.width.zip(got.height), c.size, "{label}");
        assert_eq!(got.orientation, c.orientation, "{label}");
        assert_eq!(
            got.attention.as_ref().map(|a| a.code),
            c.attention,
            "{label}"
        );
    }
}

#[tokio::test]
async fn reasons_are_sentences_for_the_uploader() {
    let f = Fixtures::make().await;
    let reason = |file: &'static str| {
        let path = f.path(file);
        async move { inspect(&path, file).await.attention.unwrap().reason }
    };
    assert_eq!(
        reason("bomb.png").await,
        "This image is 30000 × 30000 pixels, larger than the 100 megapixels WorkTrack \
         accepts; scan it at a lower resolution."
    );
    assert_eq!(
        reason("wide.png").await,
        "This image is 25000 × 1000 pixels, longer than the 16000 pixels a side WorkTrack \
         accepts; scan it at a lower resolution."
    );
    assert_eq!(
        reason("locked.pdf").await,
        "This PDF is password-protected. Ask the sender for an unprotected copy, or print \
         and scan it."
    );
    assert_eq!(reason("zero.pdf").await, "The file is empty (0 bytes).");
    assert_eq!(
        reason("x.pdf").await,
        "This file is named .pdf but is not a PDF."
    );
}

#[tokio::test]
async fn the_g4_fixture_really_is_group_4() {
    let f = Fixtures::make().await;
    let facts = headers::tiff(File::open(f.path("g4.tif")).unwrap()).unwrap();
    assert_eq!(facts.compression, Some(4));
    assert_eq!(facts.pages, vec![(850, 1100), (1100, 850)]);
}

#[tokio::test]
async fn a_damaged_pdf_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = worktrack_corpus::fixtures::write(dir.path(), "cut.pdf", b"%PDF-1.4\n1 0 obj\n<<");
    let got = inspect(&path, "cut.pdf").await;
    assert_eq!(got.kind, FileKind::Pdf);
    assert_eq!(got.attention.map(|a| a.code), Some("damaged"));
}
