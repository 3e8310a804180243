//! Image facts read from headers alone: page count, pixel sizes, orientation. No pixel data is
//! decoded here, so a decompression bomb is measured before any decoder sees it, and a
//! multi-hundred-megabyte scan costs a few small reads.
//!
//! Every offset comes from the file and is checked against its length before it is followed.

use std::collections::HashSet;
use std::io::{Cursor, Read, Seek, SeekFrom};

/// TIFF chains longer than this are refused rather than walked.
pub const MAX_PAGES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    /// Stored width × height of every page, in pixels, before any orientation is applied.
    pub pages: Vec<(u32, u32)>,
    /// EXIF/TIFF orientation 1–8 of the first page, when present and valid.
    pub orientation: Option<u8>,
    /// TIFF compression of the first page (4 = CCITT Group 4).
    pub compression: Option<u16>,
}

#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error("damaged: {0}")]
    Damaged(&'static str),
    #[error("BigTIFF")]
    BigTiff,
    #[error("more than {MAX_PAGES} pages")]
    TooManyPages,
    #[error(transparent)]
    Io(std::io::Error),
}

impl From<std::io::Error> for HeaderError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            HeaderError::Damaged("ends too early")
        } else {
            HeaderError::Io(e)
        }
    }
}

/// Random access with bounds checks: a read past the end is "damaged", never a short read.
struct Source<R> {
    inner: R,
    len: u64,
}

impl<R: Read + Seek> Source<R> {
    fn new(mut inner: R) -> Result<Self, HeaderError> {
        let len = inner.seek(SeekFrom::End(0))?;
        Ok(Self { inner, len })
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), HeaderError> {
        let fits = match offset.checked_add(buf.len() as u64) {
            Some(end) => end <= self.len,
            None => false,
        };
        if !fits {
            return Err(HeaderError::Damaged("points past its end"));
        }
        self.inner.seek(SeekFrom::Start(offset))?;
        self.inner.read_exact(buf)?;
        Ok(())
    }

    fn byte(&mut self, offset: u64) -> Result<u8, HeaderError> {
        let mut b = [0u8; 1];
        self.read_at(offset, &mut b)?;
        Ok(b[0])
    }
}

#[derive(Debug, Clone, Copy)]
enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn u16(self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        match self {
            ByteOrder::Little => u16::from_le_bytes(b),
            ByteOrder::Big => u16::from_be_bytes(b),
        }
    }

    fn u32(self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        match self {
            ByteOrder::Little => u32::from_le_bytes(b),
            ByteOrder::Big => u32::from_be_bytes(b),
        }
    }
}

/// The TIFF header: byte order and the offset of the first IFD.
fn tiff_header<R: Read + Seek>(src: &mut Source<R>) -> Result<(ByteOrder, u64), HeaderError> {
    let mut h = [0u8; 8];
    src.read_at(0, &mut h)?;
    let order = match &h[..2] {
        b"II" => ByteOrder::Little,
        b"MM" => ByteOrder::Big,
        _ => return Err(HeaderError::Damaged("no TIFF byte order")),
    };
    match order.u16(&h[2..4]) {
        42 => Ok((order, u64::from(order.u32(&h[4..8])))),
        43 => Err(HeaderError::BigTiff),
        _ => Err(HeaderError::Damaged("no TIFF magic number")),
    }
}

#[derive(Debug, Default)]
struct Ifd {
    width: Option<u32>,
    height: Option<u32>,
    compression: Option<u16>,
    orientation: Option<u16>,
    next: u64,
}

/// One image file directory: 2-byte entry count, 12-byte entries, 4-byte offset of the next.
fn read_ifd<R: Read + Seek>(
    src: &mut Source<R>,
    order: ByteOrder,
    offset: u64,
) -> Result<Ifd, HeaderError> {
    let mut count = [0u8; 2];
    src.read_at(offset, &mut count)?;
    let count = usize::from(order.u16(&count));
    if count == 0 {
        return Err(HeaderError::Damaged("an empty TIFF directory"));
    }
    // At most 65535 × 12 bytes, and only after the bounds check in read_at.
    let mut entries = vec![0u8; count * 12 + 4];
    src.read_at(offset + 2, &mut entries)?;
    let mut ifd = Ifd {
        next: u64::from(order.u32(&entries[count * 12..])),
        ..Ifd::default()
    };
    for e in entries[..count * 12].chunks_exact(12) {
        let (tag, typ, n, value) = (
            order.u16(&e[0..2]),
            order.u16(&e[2..4]),
            order.u32(&e[4..8]),
            &e[8..12],
        );
        if n != 1 {
            continue;
        }
        // Values of one SHORT or LONG sit in the entry itself (a SHORT in its first two bytes).
        let value = match typ {
            3 => u32::from(order.u16(value)),
            4 => order.u32(value),
            _ => continue,
        };
        match tag {
            256 => ifd.width = Some(value),
            257 => ifd.height = Some(value),
            259 => ifd.compression = u16::try_from(value).ok(),
            274 => ifd.orientation = u16::try_from(value).ok(),
            _ => {}
        }
    }
    Ok(ifd)
}

fn orientation(value: Option<u16>) -> Option<u8> {
    value
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
}

/// Walks the IFD chain of a classic TIFF (either byte order). A G4 fax page is measured like
/// any other: sizes are tags, nothing is decompressed.
pub fn tiff<R: Read + Seek>(reader: R) -> Result<ImageFacts, HeaderError> {
    let mut src = Source::new(reader)?;
    let (order, mut next) = tiff_header(&mut src)?;
    let mut seen = HashSet::new();
    let mut facts = ImageFacts {
        pages: Vec::new(),
        orientation: None,
        compression: None,
    };
    while next != 0 {
        // A chain that points back to an earlier directory would never end.
        if !seen.insert(next) {
            return Err(HeaderError::Damaged("its pages form a loop"));
        }
        if facts.pages.len() == MAX_PAGES {
            return Err(HeaderError::TooManyPages);
        }
        let ifd = read_ifd(&mut src, order, next)?;
        let (Some(w), Some(h)) = (ifd.width, ifd.height) else {
            return Err(HeaderError::Damaged("a page without a size"));
        };
        if w == 0 || h == 0 {
            return Err(HeaderError::Damaged("a page of zero size"));
        }
        if facts.pages.is_empty() {
            facts.orientation = orientation(ifd.orientation);
            facts.compression = ifd.compression;
        }
        facts.pages.push((w, h));
        next = ifd.next;
    }
    if facts.pages.is_empty() {
        return Err(HeaderError::Damaged("no pages"));
    }
    Ok(facts)
}

/// The orientation tag in IFD0 of an EXIF block (the TIFF structure after `Exif\0\0`).
fn exif_orientation(tiff_bytes: &[u8]) -> Option<u8> {
    let mut src = Source::new(Cursor::new(tiff_bytes)).ok()?;
    let (order, first) = tiff_header(&mut src).ok()?;
    orientation(read_ifd(&mut src, order, first).ok()?.orientation)
}

/// Walks JPEG markers up to the frame header (SOFn) for the size, reading the EXIF orientation
/// on the way. A broken EXIF block only loses the orientation: the picture itself is fine.
pub fn jpeg<R: Read + Seek>(reader: R) -> Result<ImageFacts, HeaderError> {
    let mut src = Source::new(reader)?;
    if src.byte(0)? != 0xFF || src.byte(1)? != 0xD8 {
        return Err(HeaderError::Damaged("no JPEG start marker"));
    }
    let mut pos = 2u64;
    let mut orientation = None;
    // `pos` grows with every segment and every read is bounds-checked, so this ends.
    loop {
        if src.byte(pos)? != 0xFF {
            return Err(HeaderError::Damaged("a JPEG segment without a marker"));
        }
        // Any number of 0xFF fill bytes may precede the marker code.
        let mut marker = 0xFF;
        while marker == 0xFF {
            pos += 1;
            marker = src.byte(pos)?;
        }
        pos += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => continue,
            // End of image or start of the compressed data, and still no size.
            0xD9 | 0xDA => return Err(HeaderError::Damaged("no JPEG frame header")),
            _ => {}
        }
        let mut len = [0u8; 2];
        src.read_at(pos, &mut len)?;
        let len = u64::from(u16::from_be_bytes(len));
        if len < 2 {
            return Err(HeaderError::Damaged("a JPEG segment of negative length"));
        }
        let body = pos + 2;
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let mut sof = [0u8; 5];
            src.read_at(body, &mut sof)?;
            let height = u32::from(u16::from_be_bytes([sof[1], sof[2]]));
            let width = u32::from(u16::from_be_bytes([sof[3], sof[4]]));
            if width == 0 || height == 0 {
                return Err(HeaderError::Damaged("a JPEG frame of zero size"));
            }
            return Ok(ImageFacts {
                pages: vec![(width, height)],
                orientation,
                compression: None,
            });
        }
        if marker == 0xE1 && orientation.is_none() && len > 8 {
            let mut app1 = vec![0u8; (len - 2) as usize];
            src.read_at(body, &mut app1)?;
            if let Some(tiff_bytes) = app1.strip_prefix(b"Exif\0\0") {
                orientation = exif_orientation(tiff_bytes);
            }
        }
        pos = body + len - 2;
    }
}

/// PNG: the size is in IHDR, which must be the first chunk.
pub fn png<R: Read + Seek>(reader: R) -> Result<ImageFacts, HeaderError> {
    let mut src = Source::new(reader)?;
    let mut h = [0u8; 24];
    src.read_at(0, &mut h)?;
    if &h[12..16] != b"IHDR" {
        return Err(HeaderError::Damaged("no PNG header chunk"));
    }
    let width = ByteOrder::Big.u32(&h[16..20]);
    let height = ByteOrder::Big.u32(&h[20..24]);
    if width == 0 || height == 0 {
        return Err(HeaderError::Damaged("a PNG of zero size"));
    }
    Ok(ImageFacts {
        pages: vec![(width, height)],
        orientation: None,
        compression: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF whose only directory names itself as the next one.
    #[test]
    fn a_tiff_whose_pages_loop_is_damaged_not_endless() {
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        for (tag, value) in [(256u16, 10u32), (257, 10)] {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&4u16.to_le_bytes());
            t.extend_from_slice(&1u32.to_le_bytes());
            t.extend_from_slice(&value.to_le_bytes());
        }
        t.extend_from_slice(&8u32.to_le_bytes());
        let err = tiff(Cursor::new(t)).unwrap_err();
        assert!(
            matches!(err, HeaderError::Damaged("its pages form a loop")),
            "{err}"
        );
    }

    #[test]
    fn offsets_past_the_end_are_damaged() {
        let t = b"II*\0\xff\xff\xff\x7f".to_vec();
        assert!(matches!(tiff(Cursor::new(t)), Err(HeaderError::Damaged(_))));
        assert!(matches!(
            tiff(Cursor::new(b"II+\0\x08\0\0\0")),
            Err(HeaderError::BigTiff)
        ));
        assert!(matches!(
            png(Cursor::new(b"\x89PNG\r\n\x1a\n")),
            Err(HeaderError::Damaged(_))
        ));
        assert!(matches!(
            jpeg(Cursor::new(b"\xff\xd8\xff\xe0\x00\x10JFIF")),
            Err(HeaderError::Damaged(_))
        ));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// A classic TIFF with one directory per page (width, height, and orientation on the first).
    fn tiff_bytes(big_endian: bool, pages: &[(u32, u32)], orientation: u16) -> Vec<u8> {
        let (u16b, u32b) = worktrack_corpus::fixtures::byte_order(big_endian);
        let mut t = if big_endian {
            b"MM".to_vec()
        } else {
            b"II".to_vec()
        };
        t.extend_from_slice(&u16b(42));
        t.extend_from_slice(&u32b(8));
        for (i, (w, h)) in pages.iter().enumerate() {
            let mut entries = vec![(256u16, 4u16, *w), (257, 4, *h)];
            if i == 0 {
                entries.push((274, 3, u32::from(orientation)));
            }
            let start = t.len() as u32;
            let next = if i + 1 == pages.len() {
                0
            } else {
                start + 2 + 12 * entries.len() as u32 + 4
            };
            t.extend_from_slice(&u16b(entries.len() as u16));
            for (tag, typ, value) in entries {
                t.extend_from_slice(&u16b(tag));
                t.extend_from_slice(&u16b(typ));
                t.extend_from_slice(&u32b(1));
                if typ == 3 {
                    t.extend_from_slice(&u16b(value as u16));
                    t.extend_from_slice(&[0, 0]);
                } else {
                    t.extend_from_slice(&u32b(value));
                }
            }
            t.extend_from_slice(&u32b(next));
        }
        t
    }

    /// A JPEG up to its frame header, with an EXIF block (when `exif`), fill bytes and a
    /// comment segment in front.
    fn jpeg_bytes(w: u16, h: u16, exif: Option<(bool, u16)>, fill: usize, sof: u8) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        if let Some((big, orientation)) = exif {
            let mut body = b"Exif\0\0".to_vec();
            body.extend(tiff_bytes(big, &[(1, 1)], orientation));
            j.extend_from_slice(&[0xFF, 0xE1]);
            j.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
            j.extend(body);
        }
        j.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x05, b'h', b'i', b'!']);
        j.resize(j.len() + fill, 0xFF);
        j.extend_from_slice(&[0xFF, sof, 0x00, 0x0B, 8]);
        j.extend_from_slice(&h.to_be_bytes());
        j.extend_from_slice(&w.to_be_bytes());
        j.extend_from_slice(&[1, 1, 0x11, 0]);
        j
    }

    fn png_bytes(w: u32, h: u32) -> Vec<u8> {
        let mut p = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        p.extend_from_slice(&w.to_be_bytes());
        p.extend_from_slice(&h.to_be_bytes());
        p.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
        p
    }

    /// What every reader promises of what it accepts.
    fn sane(facts: &ImageFacts) -> Result<(), TestCaseError> {
        prop_assert!(!facts.pages.is_empty() && facts.pages.len() <= MAX_PAGES);
        prop_assert!(facts.pages.iter().all(|(w, h)| *w > 0 && *h > 0));
        prop_assert!(facts.orientation.is_none_or(|o| (1..=8).contains(&o)));
        Ok(())
    }

    fn all_readers(bytes: &[u8]) -> Result<(), TestCaseError> {
        for facts in [
            tiff(Cursor::new(bytes)),
            jpeg(Cursor::new(bytes)),
            png(Cursor::new(bytes)),
        ]
        .into_iter()
        .flatten()
        {
            sane(&facts)?;
        }
        Ok(())
    }

    /// Damage done to a valid header: bytes changed, cut short or inserted.
    #[derive(Debug, Clone)]
    enum Damage {
        Set(usize, u8),
        Cut(usize),
        Insert(usize, Vec<u8>),
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Set(i, b)),
            any::<usize>().prop_map(Damage::Cut),
            (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
                .prop_map(|(i, b)| Damage::Insert(i, b)),
        ]
    }

    fn apply(mut bytes: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
        for d in damages {
            if bytes.is_empty() {
                break;
            }
            match d {
                Damage::Set(i, b) => {
                    let n = bytes.len();
                    bytes[i % n] = *b;
                }
                Damage::Cut(i) => bytes.truncate(i % bytes.len()),
                Damage::Insert(i, b) => {
                    let at = i % bytes.len();
                    bytes.splice(at..at, b.iter().copied());
                }
            }
        }
        bytes
    }

    fn size() -> impl Strategy<Value = (u32, u32)> {
        (1u32..=u32::MAX, 1u32..=u32::MAX)
    }

    proptest! {
        /// Valid headers read back exactly what was written, in both TIFF byte orders.
        #[test]
        fn valid_tiffs_read_back(
            big in any::<bool>(),
            pages in proptest::collection::vec(size(), 1..6),
            orientation in 0u16..12,
        ) {
            let facts = tiff(Cursor::new(tiff_bytes(big, &pages, orientation))).unwrap();
            prop_assert_eq!(&facts.pages, &pages);
            prop_assert_eq!(facts.orientation, (1..=8).contains(&orientation).then_some(orientation as u8));
        }

        #[test]
        fn valid_jpegs_and_pngs_read_back(
            w in 1u16.., h in 1u16..,
            exif in proptest::option::of((any::<bool>(), 0u16..12)),
            fill in 0usize..4,
            sof in proptest::sample::select(vec![0xC0u8, 0xC1, 0xC2, 0xC3, 0xC5, 0xC7, 0xC9, 0xCB, 0xCD, 0xCF]),
            (pw, ph) in size(),
        ) {
            let facts = jpeg(Cursor::new(jpeg_bytes(w, h, exif, fill, sof))).unwrap();
            prop_assert_eq!(facts.pages, vec![(u32::from(w), u32::from(h))]);
            let expected = exif.and_then(|(_, o)| (1..=8).contains(&o).then_some(o as u8));
            prop_assert_eq!(facts.orientation, expected);
            let facts = png(Cursor::new(png_bytes(pw, ph))).unwrap();
            prop_assert_eq!(facts.pages, vec![(pw, ph)]);
        }

        /// Damaged valid headers and arbitrary bytes: no panic, no endless walk, and whatever
        /// is accepted has pages of a real size.
        #[test]
        fn damaged_headers_never_panic(
            kind in 0..4usize,
            pages in proptest::collection::vec(size(), 1..4),
            damages in proptest::collection::vec(damage(), 1..4),
            noise in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let valid = match kind {
                0 => tiff_bytes(false, &pages, 6),
                1 => tiff_bytes(true, &pages, 3),
                2 => jpeg_bytes(pages[0].0 as u16 | 1, pages[0].1 as u16 | 1, Some((true, 8)), 1, 0xC0),
                _ => png_bytes(pages[0].0, pages[0].1),
            };
            all_readers(&apply(valid.clone(), &damages))?;
            // Noise after a valid magic number, and noise alone.
            let prefix = &valid[..valid.len().min(4)];
            all_readers(&[prefix, &noise[..]].concat())?;
            all_readers(&noise)?;
        }

        /// A directory or segment length that points far past the end is damage, not a huge
        /// read or allocation.
        #[test]
        fn huge_offsets_and_lengths_are_damaged(offset in any::<u32>(), count in any::<u16>(), len in any::<u16>()) {
            let mut t = b"II*\0".to_vec();
            t.extend_from_slice(&offset.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&[0; 12]);
            prop_assert!(matches!(tiff(Cursor::new(&t)), Err(HeaderError::Damaged(_))));
            let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
            j.extend_from_slice(&len.to_be_bytes());
            j.extend_from_slice(b"Exif\0\0II*\0");
            prop_assert!(matches!(jpeg(Cursor::new(&j)), Err(HeaderError::Damaged(_))));
        }
    }
}
