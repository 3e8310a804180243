//! Test documents, made at test time so no binary fixture is committed: PDFs written by hand
//! (Debian's ImageMagick policy forbids writing PDF), images made with ImageMagick, and
//! headers that lie, written byte by byte.

// Test support: failing loudly is the point, in the pipeline's and the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use worktrack_pipeline::process::{run, RunOptions};

/// A valid PDF with one page per `(text, width, height)` (points), each showing its text in
/// Helvetica, with a correct cross-reference table.
pub fn pdf(pages: &[(&str, u32, u32)]) -> Vec<u8> {
    let n = pages.len();
    let font = 3 + 2 * n; // object number of the shared font
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Count {n} /Kids [{}] >>",
            (0..n)
                .map(|i| format!("{} 0 R", 3 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for (i, (text, w, h)) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] \
             /Resources << /Font << /F1 {font} 0 R >> >> /Contents {} 0 R >>",
            4 + 2 * i
        ));
        let stream = format!("BT /F1 36 Tf 72 {} Td ({text}) Tj ET", h - 108);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string());

    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    // Each entry is exactly 20 bytes, line end included.
    let mut table = format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n\r\n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// Writers of 16- and 32-bit numbers in a TIFF's byte order (`MM`, big-endian, or `II`).
pub fn byte_order(big_endian: bool) -> (impl Fn(u16) -> [u8; 2], impl Fn(u32) -> [u8; 4]) {
    let u16b = move |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = move |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    (u16b, u32b)
}

/// `jpeg` with an EXIF block carrying only an orientation, in the byte order asked for,
/// inserted right after the start marker (where cameras put it).
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16, big_endian: bool) -> Vec<u8> {
    let (u16b, u32b) = byte_order(big_endian);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(if big_endian { b"MM" } else { b"II" });
    tiff.extend_from_slice(&u16b(42));
    tiff.extend_from_slice(&u32b(8));
    tiff.extend_from_slice(&u16b(1));
    tiff.extend_from_slice(&u16b(0x0112));
    tiff.extend_from_slice(&u16b(3)); // SHORT
    tiff.extend_from_slice(&u32b(1));
    tiff.extend_from_slice(&u16b(orientation));
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&u32b(0));
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);

    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The first 33 bytes of a PNG claiming `width` × `height`: signature and IHDR, nothing to
/// decode. The CRC is left zero; only a decoder would check it, and none may run.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(b"IHDR");
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    out.extend_from_slice(&[0; 4]);
    out
}

/// Deterministic noise (xorshift), so a failure can be reproduced.
pub fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Runs ImageMagick's `convert` (or any program) and fails the test with its error.
pub async fn tool(program: &str, args: &[&str]) {
    if let Err(e) = run(program, args, RunOptions::default()).await {
        panic!("making a fixture with {program} {args:?}: {e}");
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Every fixture of the inspect and render tests, in one temporary directory.
pub struct Fixtures {
    pub dir: tempfile::TempDir,
}

impl Fixtures {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub async fn make() -> Fixtures {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Page 2 is landscape, so a render of it can be told from a render of page 1.
        let three = write(
            d,
            "three.pdf",
            &pdf(&[
                ("Page one", 612, 792),
                ("Page two", 792, 612),
                ("Page three", 612, 792),
            ]),
        );
        tool(
            "qpdf",
            &[
                "--encrypt",
                "user",
                "owner",
                "256",
                "--",
                s(&three),
                s(&d.join("locked.pdf")),
            ],
        )
        .await;
        // An owner password only: anyone can open it, some actions are "restricted".
        tool(
            "qpdf",
            &[
                "--encrypt",
                "",
                "owner",
                "256",
                "--extract=n",
                "--",
                s(&three),
                s(&d.join("restricted.pdf")),
            ],
        )
        .await;
        write(
            d,
            "x.pdf",
            b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>\n",
        );
        write(d, "zero.pdf", b"");
        write(d, "noise.bin", &noise(4096));
        write(d, "bomb.png", &png_header_only(30_000, 30_000));
        write(d, "wide.png", &png_header_only(25_000, 1_000));

        // Two CCITT G4 pages of different shapes, as a fax or a document scanner makes them.
        tool(
            "convert",
            &[
                "-size",
                "850x1100",
                "xc:white",
                "-fill",
                "black",
                "-draw",
                "rectangle 100,100 700,200",
                "(",
                "-size",
                "1100x850",
                "xc:white",
                "-fill",
                "black",
                "-draw",
                "rectangle 50,50 900,300",
                ")",
                "-compress",
                "Group4",
                s(&d.join("g4.tif")),
            ],
        )
        .await;
        tool(
            "convert",
            &[
                "-size",
                "300x200",
                "xc:white",
                "-endian",
                "MSB",
                "-compress",
                "LZW",
                s(&d.join("msb.tif")),
            ],
        )
        .await;

        // A phone photo stored 400 × 200 that must be shown turned (EXIF 6: rotate 90° clockwise).
        // ImageMagick's -orient writes no EXIF into a new JPEG, so the block is added by hand.
        let plain = d.join("plain.jpg");
        tool(
            "convert",
            &[
                "-size",
                "400x200",
                "xc:white",
                "-fill",
                "black",
                "-draw",
                "rectangle 0,0 99,199",
                s(&plain),
            ],
        )
        .await;
        let plain = std::fs::read(&plain).unwrap();
        write(d, "rotated.jpg", &with_exif_orientation(&plain, 6, false));
        write(d, "rotated-mm.jpg", &with_exif_orientation(&plain, 8, true));
        write(d, "truncated.jpg", &plain[..40]);
        Fixtures { dir }
    }
}
