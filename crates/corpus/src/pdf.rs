//! The PDF writer: fonts and their widths, pages of marks, born-digital PDFs with a text
//! layer and the scanner's view of a page.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Helvetica,
    HelveticaBold,
    Times,
    TimesBold,
    TimesItalic,
    Courier,
    CourierBold,
}

impl Font {
    pub(crate) const ALL: [Font; 7] = [
        Font::Helvetica,
        Font::HelveticaBold,
        Font::Times,
        Font::TimesBold,
        Font::TimesItalic,
        Font::Courier,
        Font::CourierBold,
    ];

    pub(crate) fn base_name(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
            Font::Times => "Times-Roman",
            Font::TimesBold => "Times-Bold",
            Font::TimesItalic => "Times-Italic",
            Font::Courier => "Courier",
            Font::CourierBold => "Courier-Bold",
        }
    }

    pub(crate) fn resource(self) -> usize {
        Font::ALL.iter().position(|f| *f == self).unwrap_or(0) + 1
    }

    pub(crate) fn bold(self) -> Font {
        match self {
            Font::Helvetica | Font::HelveticaBold => Font::HelveticaBold,
            Font::Times | Font::TimesBold | Font::TimesItalic => Font::TimesBold,
            Font::Courier | Font::CourierBold => Font::CourierBold,
        }
    }

    /// Width of `text` at `size`: Helvetica's metrics scaled for the other faces, close
    /// enough to wrap lines and right-align columns.
    pub(crate) fn width(self, text: &str, size: f32) -> f32 {
        let factor = match self {
            Font::Courier | Font::CourierBold => {
                return text.chars().count() as f32 * 0.6 * size;
            }
            Font::Helvetica => 1.0,
            Font::HelveticaBold => 1.07,
            Font::Times | Font::TimesItalic => 0.9,
            Font::TimesBold => 0.97,
        };
        let units: u32 = text
            .bytes()
            .map(|b| match b {
                32..=126 => u32::from(HELVETICA[usize::from(b - 32)]),
                _ => 556,
            })
            .sum();
        units as f32 / 1000.0 * size * factor
    }
}

/// Helvetica's advance widths (1/1000 em) for ASCII 32–126, from its AFM file.
pub(crate) const HELVETICA: [u16; 95] = [
    // space to /
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    // 0 to ?
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    // @ to O
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    // P to _
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    // ` to o
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    // p to ~
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ink {
    Black,
    /// A rubber stamp's red.
    Red,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    Text {
        x: f32,
        /// Baseline, from the top of the page.
        baseline: f32,
        font: Font,
        size: f32,
        ink: Ink,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Frame {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        width: f32,
        ink: Ink,
    },
    Fill {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// A ticked checkbox: the cross is drawn, so it is not part of the page's text.
    Cross { x: f32, top: f32, side: f32 },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) marks: Vec<Mark>,
}

impl Page {
    pub(crate) fn new(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            marks: Vec::new(),
        }
    }

    /// The page's text, top to bottom, and left to right on one baseline.
    pub(crate) fn text(&self) -> String {
        let mut texts: Vec<(i64, f32, &str)> = self
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text {
                    x, baseline, text, ..
                } if !text.trim().is_empty() => {
                    Some(((baseline * 10.0).round() as i64, *x, text.trim()))
                }
                _ => None,
            })
            .collect();
        texts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut lines: Vec<(i64, String)> = Vec::new();
        for (baseline, _, text) in texts {
            match lines.last_mut() {
                Some((b, line)) if *b == baseline => {
                    line.push(' ');
                    line.push_str(text);
                }
                _ => lines.push((baseline, text.to_owned())),
            }
        }
        lines
            .into_iter()
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The page as a PDF content stream.
    /// `black` is the grey level of black ink (0 is black), for a faded scan.
    pub(crate) fn content(&self, black: f32) -> String {
        let mut s = String::new();
        let h = self.height;
        let _ = writeln!(s, "{black:.2} g {black:.2} G");
        for mark in &self.marks {
            // Writing to a String cannot fail.
            let _ = match mark {
                Mark::Text {
                    x,
                    baseline,
                    font,
                    size,
                    ink,
                    text,
                } => {
                    if *ink == Ink::Red {
                        s.push_str("0.75 0.1 0.1 rg\n");
                    }
                    let r = writeln!(
                        s,
                        "BT /F{} {size:.1} Tf {x:.2} {:.2} Td ({}) Tj ET",
                        font.resource(),
                        h - baseline,
                        pdf_string(text)
                    );
                    if *ink == Ink::Red {
                        let _ = writeln!(s, "{black:.2} g");
                    }
                    r
                }
                Mark::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => writeln!(
                    s,
                    "{width:.2} w {x1:.2} {:.2} m {x2:.2} {:.2} l S",
                    h - y1,
                    h - y2
                ),
                Mark::Frame {
                    x,
                    top,
                    w,
                    h: fh,
                    width,
                    ink,
                } => {
                    let colour = if *ink == Ink::Red {
                        "0.75 0.1 0.1 RG "
                    } else {
                        ""
                    };
                    let reset = if *ink == Ink::Red {
                        format!(" {black:.2} G")
                    } else {
                        String::new()
                    };
                    writeln!(
                        s,
                        "{colour}{width:.2} w {x:.2} {:.2} {w:.2} {fh:.2} re S{reset}",
                        h - top - fh
                    )
                }
                Mark::Fill {
                    x,
                    top,
                    w,
                    h: fh,
                    grey,
                } => writeln!(
                    s,
                    "{:.2} g {x:.2} {:.2} {w:.2} {fh:.2} re f {black:.2} g",
                    grey.max(black),
                    h - top - fh
                ),
                Mark::Cross { x, top, side } => {
                    let (x0, y0) = (x + side * 0.2, h - top - side * 0.8);
                    let (x1, y1) = (x + side * 0.8, h - top - side * 0.2);
                    writeln!(
                        s,
                        "1.2 w {x0:.2} {y0:.2} m {x1:.2} {y1:.2} l S {x0:.2} {y1:.2} m {x1:.2} {y0:.2} l S"
                    )
                }
            };
        }
        s
    }
}

/// A PDF literal string: ASCII only, with `(`, `)` and `\` escaped.
pub(crate) fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// A PDF from its objects (object `n` is `objects[n - 1]`, the catalog is object 1), with a
/// correct cross-reference table.
pub(crate) fn assemble_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    // Each entry is exactly 20 bytes, line end included.
    let mut table = format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1);
    for offset in offsets {
        let _ = write!(table, "{offset:010} 00000 n\r\n");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

pub(crate) fn stream_object(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

pub(crate) fn pages_object(first_page: usize, per_page: usize, n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n)
        .map(|i| format!("{} 0 R", first_page + per_page * i))
        .collect();
    format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).into_bytes()
}

/// A born-digital PDF: the pages' text in base-14 fonts, with a text layer. With a scan plan
/// it is the paper that goes into the "scanner": skewed, turned, toned and dusty.
pub(crate) fn text_pdf(pages: &[Page], scan: Option<&ScanPlan>) -> Vec<u8> {
    let first_font = 3;
    let first_page = first_font + Font::ALL.len();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        pages_object(first_page, 2, pages.len()),
    ];
    for font in Font::ALL {
        // WinAnsi, so that ' and ` are the ASCII characters and not curly quotes.
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>",
                font.base_name()
            )
            .into_bytes(),
        );
    }
    let fonts: Vec<String> = Font::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| format!("/F{} {} 0 R", f.resource(), first_font + i))
        .collect();
    for (i, page) in pages.iter().enumerate() {
        let content = first_page + 2 * i + 1;
        let rotate = scan.map_or(0, |s| s.turned);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Rotate {rotate} \
                 /Resources << /Font << {} >> >> /Contents {content} 0 R >>",
                page.width,
                page.height,
                fonts.join(" ")
            )
            .into_bytes(),
        );
        let stream = match scan {
            None => page.content(0.0),
            Some(scan) => scanned_content(page, scan, i),
        };
        objects.push(stream_object("", stream.as_bytes()));
    }
    assemble_pdf(&objects)
}

/// The page as the scanner sees it: the paper (toned, faded ink, dust) turned by the skew
/// around its centre. The corners it uncovers stay white, like a scanner's lid.
pub(crate) fn scanned_content(page: &Page, scan: &ScanPlan, index: usize) -> String {
    let (w, h) = (page.width, page.height);
    // Clockwise on the page is negative in PDF's y-up coordinates.
    let angle = -f64::from(scan.skew).to_radians();
    let (cos, sin) = (angle.cos() as f32, angle.sin() as f32);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let e = cx - cos * cx + sin * cy;
    let f = cy - sin * cx - cos * cy;
    let mut s = format!(
        "q {cos:.5} {sin:.5} {:.5} {cos:.5} {e:.3} {f:.3} cm\n",
        -sin
    );
    if scan.grey_paper {
        let _ = writeln!(s, "0.88 g 0 0 {w} {h} re f");
    }
    let black = if scan.low_contrast { 0.3 } else { 0.0 };
    s.push_str(&page.content(black));
    // Dust and toner specks, and now and then a streak from the scanner's glass.
    let mut rng = StdRng::seed_from_u64(scan.seed ^ ((index as u64 + 1) << 20));
    let specks = if scan.speckle {
        rng.gen_range(400..1500)
    } else {
        rng.gen_range(20..150)
    };
    for _ in 0..specks {
        let side: f32 = rng.gen_range(0.2..0.9);
        let _ = writeln!(
            s,
            "{:.2} g {:.1} {:.1} {side:.2} {side:.2} re f",
            rng.gen_range(0.0f32..0.6),
            rng.gen_range(0.0..w),
            rng.gen_range(0.0..h)
        );
    }
    if rng.gen_bool(0.15) {
        let x = rng.gen_range(0.0..w);
        let _ = writeln!(s, "0.55 G 0.4 w {x:.1} 0 m {x:.1} {h} l S");
    }
    s.push_str("Q\n");
    s
}

/// A scanned page for an image-only PDF: a greyscale JPEG and its pixel size.
/// One page of a scanner's PDF: a JPEG and its pixel size.
pub struct ScannedPage {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// An image-only PDF: each page is one JPEG, drawn over the whole page, whose size follows
/// from the pixels and the resolution.
pub fn image_pdf(pages: &[ScannedPage], dpi: u32) -> Vec<u8> {
    let first_page = 3;
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        pages_object(first_page, 3, pages.len()),
    ];
    for (i, page) in pages.iter().enumerate() {
        let page_object = first_page + 3 * i;
        let w = page.width as f32 * 72.0 / dpi as f32;
        let h = page.height as f32 * 72.0 / dpi as f32;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] \
                 /Resources << /XObject << /Im1 {} 0 R >> >> /Contents {} 0 R >>",
                page_object + 2,
                page_object + 1
            )
            .into_bytes(),
        );
        let draw = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im1 Do Q");
        objects.push(stream_object("", draw.as_bytes()));
        objects.push(stream_object(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
                 /BitsPerComponent 8 /Filter /DCTDecode",
                page.width, page.height
            ),
            &page.jpeg,
        ));
    }
    assemble_pdf(&objects)
}
