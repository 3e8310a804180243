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
