//! Pages, lines and where a value came from: a page's lines with their tokens, dates and
//! amounts, the OCR words under them, and the column blocks a label's value may lie in.

use super::dates::{format_date, scan_dates};
use super::labels::{find_phrase, limit, skip_separators};
use super::money::scan_amounts;
use super::{BoxOnPage, FieldKind, PageInput, WordBox};
use time::Date;

/// Certainty kept by a value printed on the line under its label rather than beside it.
pub(super) const BELOW: f32 = 0.85;
/// Certainty kept by an SSN read through OCR letter confusions.
pub(super) const CORRECTED: f32 = 0.75;
/// Certainty kept by a pay-stub label on a page that does not look like a pay stub.
pub(super) const OFF_STUB: f32 = 0.8;
/// How many non-blank characters may stand between a label and its value on one line, e.g.
/// an instruction such as "(Month, day, year)".
pub(super) const MAX_GAP: usize = 25;

/// One line of a page: its characters, the same folded for matching, and its tokens.
pub(super) struct Line {
    pub(super) chars: Vec<char>,
    /// `chars` lower-cased, curly quotes and dashes made plain; one char for one, so indices agree.
    pub(super) lower: Vec<char>,
    pub(super) tokens: Vec<Tok>,
    pub(super) dates: Vec<DateAt>,
    pub(super) amounts: Vec<Amount>,
}

/// A whitespace token: char range in its line, and its index among the page's tokens.
#[derive(Clone, Copy)]
pub(super) struct Tok {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) global: usize,
}

/// A date found at a char range of a line. A year printed with two digits (`10/30/26`) is
/// read as 1970–2069 and trusted a little less; a date of birth never takes one.
#[derive(Clone, Copy)]
pub(super) struct DateAt {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) date: Date,
    pub(super) short_year: bool,
}

impl DateAt {
    pub(super) fn certainty(&self) -> f32 {
        if self.short_year {
            0.9
        } else {
            1.0
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct Amount {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) cents: u64,
    pub(super) dollar: bool,
    pub(super) decimals: bool,
}

impl Amount {
    /// Printed as money (`$` or cents), not a count or a code.
    pub(super) fn is_money(&self) -> bool {
        self.dollar || self.decimals
    }
}

/// Where a candidate was read: page index in the input, line, char range.
#[derive(Clone, Copy)]
pub(super) struct Span {
    pub(super) page: usize,
    pub(super) line: usize,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A possible value of a field, with how sure its pattern is (before OCR confidence).
pub(super) struct Candidate {
    pub(super) kind: FieldKind,
    pub(super) value: String,
    pub(super) certainty: f32,
    pub(super) at: Span,
}

pub(super) fn candidate(kind: FieldKind, value: String, certainty: f32, at: Span) -> Candidate {
    Candidate {
        kind,
        value,
        certainty,
        at,
    }
}

/// A value found on its own, without a label (a heading, a letterhead): the candidate for it
/// on page `pi`, when `found` gives its line, start, end and text.
pub(super) fn unlabelled(
    kind: FieldKind,
    certainty: f32,
    pi: usize,
    found: Option<(usize, usize, usize, String)>,
) -> Option<Candidate> {
    let (line, start, end, value) = found?;
    let at = Span {
        page: pi,
        line,
        start,
        end,
    };
    Some(candidate(kind, value, certainty, at))
}

/// A value found by [`Page::labelled`]: on which line, where, and the certainty it keeps.
pub(super) struct Hit<T> {
    pub(super) value: T,
    pub(super) line: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) factor: f32,
}

impl<T> Hit<T> {
    pub(super) fn new(value: T, line: usize, start: usize, end: usize, factor: f32) -> Hit<T> {
        Hit {
            value,
            line,
            start,
            end,
            factor,
        }
    }
}

pub(super) struct Page<'a> {
    pub(super) number: u32,
    pub(super) lines: Vec<Line>,
    pub(super) words: &'a [WordBox],
    pub(super) word_of_token: Vec<Option<usize>>,
    pub(super) mean_confidence: f32,
}

impl<'a> Page<'a> {
    pub(super) fn new(input: &PageInput<'a>) -> Page<'a> {
        let mut lines = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        for raw in input.text.split('\n') {
            let chars: Vec<char> = raw.chars().collect();
            let lower: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
            let mut tokens = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_whitespace() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                tokens.push(Tok {
                    start,
                    end: i,
                    global: texts.len(),
                });
                texts.push(chars[start..i].iter().collect());
            }
            let dates = scan_dates(&lower);
            let amounts = scan_amounts(&chars);
            lines.push(Line {
                chars,
                lower,
                tokens,
                dates,
                amounts,
            });
        }
        let word_of_token = align(&texts, input.words);
        let mean_confidence = if input.words.is_empty() {
            1.0
        } else {
            input.words.iter().map(word_confidence).sum::<f32>() / input.words.len() as f32
        };
        Page {
            number: input.page,
            lines,
            words: input.words,
            word_of_token,
            mean_confidence,
        }
    }

    /// The OCR confidence (0..1) and box of the words under a char range of a line. Text-layer
    /// pages have no words: confidence 1, no box.
    pub(super) fn evidence(
        &self,
        line: usize,
        start: usize,
        end: usize,
    ) -> (f32, Option<BoxOnPage>) {
        if self.words.is_empty() {
            return (1.0, None);
        }
        let Some(l) = self.lines.get(line) else {
            return (self.mean_confidence, None);
        };
        let mut sum = 0.0;
        let mut n = 0;
        let mut bbox: Option<BoxOnPage> = None;
        for tok in l.tokens.iter().filter(|t| t.start < end && t.end > start) {
            if let Some(w) = self.word(*tok) {
                sum += word_confidence(w);
                n += 1;
                let b = BoxOnPage::of(w);
                bbox = Some(bbox.map_or(b, |u| u.union(b)));
            }
        }
        if n == 0 {
            (self.mean_confidence, None)
        } else {
            (sum / n as f32, bbox)
        }
    }

    fn word(&self, tok: Tok) -> Option<&WordBox> {
        self.word_of_token
            .get(tok.global)
            .copied()
            .flatten()
            .and_then(|k| self.words.get(k))
    }

    /// The column blocks of line `li` as (first char, end char, first token): tokens closer
    /// than a column gap — three spaces in a text layer, twice the word height between OCR
    /// boxes (OCR text joins columns with one space, so only the boxes show them).
    pub(super) fn blocks(&self, li: usize) -> Vec<(usize, usize, usize)> {
        let Some(line) = self.lines.get(li) else {
            return Vec::new();
        };
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for (k, t) in line.tokens.iter().enumerate() {
            let joined = k > 0
                && line
                    .tokens
                    .get(k - 1)
                    .is_some_and(|p| match (self.word(*p), self.word(*t)) {
                        (Some(a), Some(b)) => {
                            let gap = b.left.saturating_sub(a.left.saturating_add(a.width));
                            gap < 2 * a.height.max(b.height).max(1)
                        }
                        _ => t.start - p.end < 3,
                    });
            match out.last_mut() {
                Some(block) if joined => block.1 = t.end,
                _ => out.push((t.start, t.end, k)),
            }
        }
        out
    }

    /// Where a label's value may lie on its own line: to the end of the label's column block,
    /// or of the next block when nothing follows the label in its own ("Date of birth ....
    /// 01/02/1980"), never past the next label; and whether nothing followed it.
    pub(super) fn region(&self, li: usize, le: usize) -> (usize, bool) {
        let Some(line) = self.lines.get(li) else {
            return (le, false);
        };
        let blocks = self.blocks(li);
        let k = blocks.iter().rposition(|b| b.0 < le).unwrap_or(0);
        let own_end = blocks.get(k).map_or(line.chars.len(), |b| b.1);
        let lim = limit(line, le);
        let blank = skip_separators(&line.chars, le) >= own_end.min(lim);
        let end = if blank {
            blocks.get(k + 1).map_or(own_end, |b| b.1)
        } else {
            own_end
        };
        (end.min(lim).max(le), blank)
    }

    /// Where a value printed under a label starts and ends: on the next non-blank line
    /// (within two), from the first token reaching past the left edge of the label's column
    /// block (in pixels when both have word boxes, else in text columns) to the end of that
    /// token's block or the next label.
    pub(super) fn below(&self, li: usize, label_start: usize) -> Option<(usize, usize, usize)> {
        let line = self.lines.get(li)?;
        let nl = (li + 1..self.lines.len().min(li + 3))
            .find(|&n| self.lines.get(n).is_some_and(|l| !l.tokens.is_empty()))?;
        let next = self.lines.get(nl)?;
        let block = self
            .blocks(li)
            .into_iter()
            .rev()
            .find(|b| b.0 <= label_start)?;
        let column = line.tokens.get(block.2)?;
        let tok = if block.2 == 0 {
            next.tokens.first()?
        } else {
            let x = self.word(*column).map(|w| w.left);
            next.tokens.iter().find(|t| match (x, self.word(**t)) {
                (Some(x), Some(w)) => w.left.saturating_add(w.width) > x,
                _ => t.end > column.start,
            })?
        };
        let block_end = self
            .blocks(nl)
            .into_iter()
            .find(|b| b.0 <= tok.start && tok.start < b.1)
            .map_or(next.chars.len(), |b| b.1);
        Some((nl, tok.start, block_end.min(limit(next, tok.start))))
    }

    /// The value after a label (line `li`, chars `ls..le`): on the same line up to the next
    /// label or column, or, when nothing but punctuation follows the label, under it.
    pub(super) fn labelled<T>(
        &self,
        li: usize,
        ls: usize,
        le: usize,
        parse: impl Fn(&Line, usize, usize) -> Option<(T, usize, usize)>,
    ) -> Option<Hit<T>> {
        let line = self.lines.get(li)?;
        let (to, blank) = self.region(li, le);
        if let Some((value, start, end)) = parse(line, le, to) {
            return Some(Hit::new(value, li, start, end, 1.0));
        }
        if !blank {
            return None;
        }
        let (nl, start, to) = self.below(li, ls)?;
        let (value, start, end) = parse(self.lines.get(nl)?, start, to)?;
        Some(Hit::new(value, nl, start, end, BELOW))
    }

    /// The horizontal extent of a char range: in pixels when its words have boxes, and in
    /// text columns.
    fn extent(&self, li: usize, start: usize, end: usize) -> (Option<(u32, u32)>, (usize, usize)) {
        let px = self
            .evidence(li, start, end)
            .1
            .map(|b| (b.left, b.left.saturating_add(b.width)));
        (px, (start, end))
    }

    /// On a table row with several amounts ("Gross Pay 80.00 1,920.00 38,400.00"), the one
    /// under a "Current" or "This period" header above it: the first may be hours or a rate.
    pub(super) fn current_column(&self, li: usize, from: usize) -> Option<(u64, usize, usize)> {
        let line = self.lines.get(li)?;
        let amounts: Vec<&Amount> = line
            .amounts
            .iter()
            .filter(|a| a.is_money() && a.start >= from)
            .collect();
        if amounts.len() < 2 {
            return None;
        }
        let (hl, hs, he) = (li.saturating_sub(8)..li).rev().find_map(|h| {
            let header = self.lines.get(h)?;
            ["current", "this period"]
                .iter()
                .find_map(|p| find_phrase(&header.lower, p).into_iter().next())
                .map(|(s, e)| (h, s, e))
        })?;
        let header = self.extent(hl, hs, he);
        let centre = |(a, b): (u32, u32)| u64::from(a) + u64::from(b);
        let distance = |other: (Option<(u32, u32)>, (usize, usize))| match (header.0, other.0) {
            (Some(h), Some(o)) => centre(h).abs_diff(centre(o)),
            _ => {
                let (h, o) = (header.1, other.1);
                ((h.0 + h.1) as u64).abs_diff((o.0 + o.1) as u64)
            }
        };
        amounts
            .into_iter()
            .min_by_key(|a| distance(self.extent(li, a.start, a.end)))
            .map(|a| (a.cents, a.start, a.end))
    }

    pub(super) fn has(&self, phrase: &str) -> bool {
        self.lines
            .iter()
            .any(|l| !find_phrase(&l.lower, phrase).is_empty())
    }

    /// A date read on line `line` as a candidate of `kind`; a two-digit year is trusted less.
    pub(super) fn date_candidate(
        &self,
        pi: usize,
        kind: FieldKind,
        d: DateAt,
        line: usize,
        certainty: f32,
    ) -> Candidate {
        let at = self.span(pi, line, d.start, d.end);
        candidate(kind, format_date(d.date), certainty * d.certainty(), at)
    }

    pub(super) fn span(&self, pi: usize, line: usize, start: usize, end: usize) -> Span {
        Span {
            page: pi,
            line,
            start,
            end,
        }
    }
}

fn word_confidence(w: &WordBox) -> f32 {
    let c = w.confidence / 100.0;
    if c.is_finite() {
        c.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Pairs the page's whitespace tokens with OCR words. Pages built from words pair one for
/// one; otherwise each token takes the next word that reads the same, ignoring punctuation.
fn align(tokens: &[String], words: &[WordBox]) -> Vec<Option<usize>> {
    let mut map = vec![None; tokens.len()];
    let mut next = 0;
    for (i, t) in tokens.iter().enumerate() {
        let key = match_key(t);
        let end = words.len().min(next + 6);
        if let Some(k) = (next..end).find(|&k| match_key(&words[k].text) == key) {
            map[i] = Some(k);
            next = k + 1;
        }
    }
    map
}

fn match_key(s: &str) -> String {
    let key: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() {
        s.trim().to_string()
    } else {
        key
    }
}

pub(super) fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{00b4}' => '\'',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        _ => {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        }
    }
}
