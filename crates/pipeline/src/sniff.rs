//! What a file is, decided by its first bytes only. A name or a browser's Content-Type is a
//! claim by whoever sent the file; magic bytes are what the decoders will actually see.

use serde::{Deserialize, Serialize};

/// How many bytes [`sniff`] looks at. PDF readers accept `%PDF-` anywhere in the first
/// kilobyte (some scanners and mail gateways put junk in front), so we do too.
pub const SNIFF_LEN: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Tiff,
    Jpeg,
    Png,
    Empty,
    Unknown,
}

pub fn sniff(head: &[u8]) -> FileKind {
    let head = &head[..head.len().min(SNIFF_LEN)];
    if head.is_empty() {
        FileKind::Empty
    } else if head.starts_with(b"%PDF-") || head.windows(5).any(|w| w == b"%PDF-") {
        FileKind::Pdf
    } else if head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        // BigTIFF: still a TIFF, and inspect says plainly that it is not supported.
        || head.starts_with(b"II+\0")
        || head.starts_with(b"MM\0+")
    {
        FileKind::Tiff
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        FileKind::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        FileKind::Png
    } else {
        FileKind::Unknown
    }
}

impl FileKind {
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Tiff => "image/tiff",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Empty | FileKind::Unknown => "application/octet-stream",
        }
    }

    /// The inverse of [`FileKind::media_type`] for the four supported kinds, for callers that
    /// stored the media type and need the kind back to render.
    pub fn from_media_type(media_type: &str) -> Option<FileKind> {
        [FileKind::Pdf, FileKind::Tiff, FileKind::Jpeg, FileKind::Png]
            .into_iter()
            .find(|k| k.media_type().eq_ignore_ascii_case(media_type))
    }

    /// The extension a download of this file should get.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Tiff => "tif",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Empty | FileKind::Unknown => "bin",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Tiff | FileKind::Jpeg | FileKind::Png)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide() {
        let cases: &[(&[u8], FileKind)] = &[
            (b"%PDF-1.7\n", FileKind::Pdf),
            (b"\r\n\r\n%PDF-1.4\n", FileKind::Pdf),
            (b"II*\0\x08\0\0\0", FileKind::Tiff),
            (b"MM\0*\0\0\0\x08", FileKind::Tiff),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", FileKind::Jpeg),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", FileKind::Png),
            (b"", FileKind::Empty),
            (b"<!doctype html><title>x.pdf</title>", FileKind::Unknown),
            (b"%PD", FileKind::Unknown),
            (b"GIF89a", FileKind::Unknown),
        ];
        for (head, kind) in cases {
            assert_eq!(sniff(head), *kind, "{:?}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn media_types_round_trip() {
        for kind in [FileKind::Pdf, FileKind::Tiff, FileKind::Jpeg, FileKind::Png] {
            assert_eq!(FileKind::from_media_type(kind.media_type()), Some(kind));
        }
        assert_eq!(FileKind::from_media_type("text/html"), None);
        assert_eq!(FileKind::Tiff.extension(), "tif");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    const MAGIC: [&[u8]; 8] = [
        b"%PDF-",
        b"II*\0",
        b"MM\0*",
        b"II+\0",
        b"MM\0+",
        b"\xFF\xD8\xFF",
        b"\x89PNG\r\n\x1a\n",
        b"",
    ];

    proptest! {
        /// Any bytes: no panic, only the first SNIFF_LEN bytes count, and a kind is claimed
        /// only with its magic bytes in place.
        #[test]
        fn the_kind_is_decided_by_the_magic_bytes(
            head in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..64),
                proptest::collection::vec(any::<u8>(), 0..3000),
                (proptest::sample::select(&MAGIC[..]), proptest::collection::vec(any::<u8>(), 0..32))
                    .prop_map(|(m, rest)| [m, &rest[..]].concat()),
            ],
            tail in proptest::collection::vec(any::<u8>(), 0..16),
        ) {
            let kind = sniff(&head);
            if head.len() >= SNIFF_LEN {
                prop_assert_eq!(sniff(&[&head[..], &tail[..]].concat()), kind);
            }
            let first = &head[..head.len().min(SNIFF_LEN)];
            let pdf_in_first = first.windows(5).any(|w| w == b"%PDF-");
            match kind {
                FileKind::Empty => prop_assert!(head.is_empty()),
                FileKind::Pdf => prop_assert!(pdf_in_first),
                FileKind::Tiff => prop_assert!(MAGIC[1..5].iter().any(|m| head.starts_with(m))),
                FileKind::Jpeg => prop_assert!(head.starts_with(MAGIC[5])),
                FileKind::Png => prop_assert!(head.starts_with(MAGIC[6])),
                FileKind::Unknown => {
                    prop_assert!(!head.is_empty() && !pdf_in_first);
                    prop_assert!(!MAGIC[1..7].iter().any(|m| head.starts_with(m)));
                }
            }
            // The media type of a known kind reads back as that kind.
            if kind.is_image() || kind == FileKind::Pdf {
                prop_assert_eq!(FileKind::from_media_type(kind.media_type()), Some(kind));
            }
        }

        /// `%PDF-` anywhere in the first kilobyte makes a PDF, and only there.
        #[test]
        fn a_pdf_marker_counts_within_the_sniffed_length(junk in proptest::collection::vec(0u8..0x25, 0..1100)) {
            let file = [&junk[..], b"%PDF-1.7\n"].concat();
            let within = junk.len() + 5 <= SNIFF_LEN;
            prop_assert_eq!(sniff(&file) == FileKind::Pdf, within);
        }
    }
}
