//! Laying text out on pages: lines, rows of cells, paragraphs, bands, check boxes.

use super::*;

/// One cell of a row: text at `x`, or ending at `x` when right-aligned.
pub(crate) struct Cell {
    pub(crate) x: f32,
    pub(crate) font: Font,
    pub(crate) text: String,
    pub(crate) right: bool,
}

pub(crate) fn cell(x: f32, font: Font, text: impl Into<String>) -> Cell {
    Cell {
        x,
        font,
        text: text.into(),
        right: false,
    }
}

pub(crate) fn rcell(x: f32, font: Font, text: impl Into<String>) -> Cell {
    Cell {
        x,
        font,
        text: text.into(),
        right: true,
    }
}

/// Lays text out top to bottom, starting a new page when one is full.
pub(crate) struct Layout {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    /// Where the free space starts on a new page.
    pub(crate) first: f32,
    /// No baseline below this.
    pub(crate) bottom: f32,
    /// Top of the free space on the current page.
    pub(crate) y: f32,
    pub(crate) pages: Vec<Page>,
}

impl Layout {
    pub(crate) fn new(
        width: f32,
        height: f32,
        margin: f32,
        first: f32,
        bottom_margin: f32,
    ) -> Self {
        Self {
            width,
            height,
            left: margin,
            right: width - margin,
            first,
            bottom: height - bottom_margin,
            y: first,
            pages: vec![Page::new(width, height)],
        }
    }

    pub(crate) fn letter(margin: f32) -> Self {
        Self::new(612.0, 792.0, margin, 66.0, 56.0)
    }

    pub(crate) fn mark(&mut self, mark: Mark) {
        if self.pages.is_empty() {
            self.pages.push(Page::new(self.width, self.height));
        }
        let last = self.pages.len() - 1;
        self.pages[last].marks.push(mark);
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page::new(self.width, self.height));
        self.y = self.first;
    }

    /// Reserves `h` points of height and returns their top.
    pub(crate) fn take(&mut self, h: f32) -> f32 {
        if self.y + h > self.bottom {
            self.new_page();
        }
        let top = self.y;
        self.y += h;
        top
    }

    /// Starts a new page unless `h` points still fit, to keep a block together.
    pub(crate) fn keep(&mut self, h: f32) {
        if self.y + h > self.bottom {
            self.new_page();
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    pub(crate) fn put(&mut self, x: f32, baseline: f32, font: Font, size: f32, text: &str) {
        self.put_ink(x, baseline, font, size, Ink::Black, text);
    }

    pub(crate) fn put_ink(
        &mut self,
        x: f32,
        baseline: f32,
        font: Font,
        size: f32,
        ink: Ink,
        text: &str,
    ) {
        self.mark(Mark::Text {
            x,
            baseline,
            font,
            size,
            ink,
            text: text.to_owned(),
        });
    }

    pub(crate) fn line(&mut self, font: Font, size: f32, text: &str) {
        let x = self.left;
        self.line_at(x, font, size, text);
    }

    pub(crate) fn line_at(&mut self, x: f32, font: Font, size: f32, text: &str) {
        let top = self.take(size * 1.35);
        self.put(x, top + size, font, size, text);
    }

    pub(crate) fn center(&mut self, font: Font, size: f32, text: &str) {
        let width = self.right - self.left;
        for line in wrap(text, font, size, width) {
            let x = self.left + (width - font.width(&line, size)).max(0.0) / 2.0;
            self.line_at(x, font, size, &line);
        }
    }

    pub(crate) fn row(&mut self, size: f32, cells: Vec<Cell>) {
        let top = self.take(size * 1.35);
        for c in cells {
            let x = if c.right {
                c.x - c.font.width(&c.text, size)
            } else {
                c.x
            };
            self.put(x, top + size, c.font, size, &c.text);
        }
    }

    pub(crate) fn para(&mut self, font: Font, size: f32, indent: f32, text: &str) {
        let width = self.right - self.left - indent;
        let x = self.left + indent;
        for line in wrap(text, font, size, width) {
            self.line_at(x, font, size, &line);
        }
    }

    pub(crate) fn rule(&mut self, weight: f32) {
        let top = self.take(7.0);
        let (x1, x2) = (self.left, self.right);
        self.mark(Mark::Rule {
            x1,
            y1: top + 3.0,
            x2,
            y2: top + 3.0,
            width: weight,
        });
    }

    /// A section heading on a grey band, as agency forms have them.
    pub(crate) fn band(&mut self, font: Font, size: f32, title: &str) {
        self.keep(size * 6.0);
        let top = self.take(size * 1.9);
        let (x, w) = (self.left, self.right - self.left);
        self.mark(Mark::Fill {
            x,
            top,
            w,
            h: size * 1.6,
            grey: 0.85,
        });
        self.put(x + 4.0, top + size * 1.2, font, size, title);
    }

    /// Checkboxes with their labels on one line (more lines when they do not fit).
    pub(crate) fn checks(&mut self, font: Font, size: f32, indent: f32, options: &[(&str, bool)]) {
        let side = size * 0.9;
        let mut top = self.take(size * 1.5);
        let mut x = self.left + indent;
        for (label, ticked) in options {
            let w = side + 4.0 + font.width(label, size) + 14.0;
            if x + w > self.right && x > self.left + indent {
                top = self.take(size * 1.5);
                x = self.left + indent;
            }
            let box_top = top + size * 0.2;
            self.mark(Mark::Frame {
                x,
                top: box_top,
                w: side,
                h: side,
                width: 0.8,
                ink: Ink::Black,
            });
            if *ticked {
                self.mark(Mark::Cross {
                    x,
                    top: box_top,
                    side,
                });
            }
            self.put(x + side + 4.0, top + size, font, size, label);
            x += w;
        }
    }

    /// Labelled boxes side by side, a small label on top and the value below, as on a form.
    pub(crate) fn boxes(&mut self, label_font: Font, size: f32, fields: &[(&str, &str, Font)]) {
        if fields.is_empty() {
            return;
        }
        let h = size * 2.9;
        let top = self.take(h + 2.0);
        let w = (self.right - self.left) / fields.len() as f32;
        for (i, (label, value, font)) in fields.iter().enumerate() {
            let x = self.left + w * i as f32;
            self.mark(Mark::Frame {
                x,
                top,
                w,
                h,
                width: 0.6,
                ink: Ink::Black,
            });
            let label_size = (size * 0.68).max(6.0);
            self.put(
                x + 3.0,
                top + label_size + 2.0,
                label_font,
                label_size,
                label,
            );
            self.put(x + 5.0, top + h - size * 0.55, *font, size, value);
        }
    }
}

/// Splits `text` into lines no wider than `width`.
pub(crate) fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// People, places and the way a document prints them.
