//! Field extraction: what a document's pages say — the claimant's name and SSNs, the form
//! number, the dates a form was born, signed and received, and what a pay stub or a receipt
//! states — each value normalised, scored, and tied to the word boxes it was read from so the
//! interface can point at it.
//!
//! Pure rules over the text the pipeline produced (OCR words joined with ' ' and '\n', or a PDF
//! text layer without boxes): no IO, no async, no logging. The scanners are written by hand so
//! the domain crate keeps its few dependencies. A full SSN lives only inside [`Ssn`]: no
//! [`Field`] value ever holds one.

use crate::ssn::{mask_in_text, Ssn, SsnPolicy};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// One OCR word as Tesseract gives it. No `Debug`: a word may be an SSN.
#[derive(Clone, PartialEq)]
pub struct WordBox {
    pub text: String,
    /// 0..100, as Tesseract gives it.
    pub confidence: f32,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// The text of one page and, for OCR'd pages, its words (empty for a PDF text layer). No
/// `Debug`: the text holds SSNs in the clear.
#[derive(Clone, Copy)]
pub struct PageInput<'a> {
    pub page: u32,
    pub text: &'a str,
    pub words: &'a [WordBox],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    ClaimantName,
    DateOfBirth,
    FormNumber,
    SignedOn,
    ReceivedOn,
    Employer,
    PayPeriodStart,
    PayPeriodEnd,
    PayDate,
    GrossPay,
    Merchant,
    PurchaseDate,
    Total,
    AccountHolder,
    BankName,
    StatementStart,
    StatementEnd,
}

impl FieldKind {
    pub const ALL: [FieldKind; 17] = [
        FieldKind::ClaimantName,
        FieldKind::DateOfBirth,
        FieldKind::FormNumber,
        FieldKind::SignedOn,
        FieldKind::ReceivedOn,
        FieldKind::Employer,
        FieldKind::PayPeriodStart,
        FieldKind::PayPeriodEnd,
        FieldKind::PayDate,
        FieldKind::GrossPay,
        FieldKind::Merchant,
        FieldKind::PurchaseDate,
        FieldKind::Total,
        FieldKind::AccountHolder,
        FieldKind::BankName,
        FieldKind::StatementStart,
        FieldKind::StatementEnd,
    ];

    /// The snake_case name, as serialised.
    pub fn key(&self) -> &'static str {
        match self {
            FieldKind::ClaimantName => "claimant_name",
            FieldKind::DateOfBirth => "date_of_birth",
            FieldKind::FormNumber => "form_number",
            FieldKind::SignedOn => "signed_on",
            FieldKind::ReceivedOn => "received_on",
            FieldKind::Employer => "employer",
            FieldKind::PayPeriodStart => "pay_period_start",
            FieldKind::PayPeriodEnd => "pay_period_end",
            FieldKind::PayDate => "pay_date",
            FieldKind::GrossPay => "gross_pay",
            FieldKind::Merchant => "merchant",
            FieldKind::PurchaseDate => "purchase_date",
            FieldKind::Total => "total",
            FieldKind::AccountHolder => "account_holder",
            FieldKind::BankName => "bank_name",
            FieldKind::StatementStart => "statement_start",
            FieldKind::StatementEnd => "statement_end",
        }
    }

    /// The name shown to people.
    pub fn label(&self) -> &'static str {
        match self {
            FieldKind::ClaimantName => "Claimant name",
            FieldKind::DateOfBirth => "Date of birth",
            FieldKind::FormNumber => "Form number",
            FieldKind::SignedOn => "Date signed",
            FieldKind::ReceivedOn => "Date received",
            FieldKind::Employer => "Employer",
            FieldKind::PayPeriodStart => "Pay period start",
            FieldKind::PayPeriodEnd => "Pay period end",
            FieldKind::PayDate => "Pay date",
            FieldKind::GrossPay => "Gross pay",
            FieldKind::Merchant => "Merchant",
            FieldKind::PurchaseDate => "Purchase date",
            FieldKind::Total => "Total",
            FieldKind::AccountHolder => "Account holder",
            FieldKind::BankName => "Bank",
            FieldKind::StatementStart => "Statement period start",
            FieldKind::StatementEnd => "Statement period end",
        }
    }
}

/// A rectangle on the page image, in the pixels of the OCR words.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxOnPage {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

impl BoxOnPage {
    fn of(w: &WordBox) -> BoxOnPage {
        BoxOnPage {
            left: w.left,
            top: w.top,
            width: w.width,
            height: w.height,
        }
    }

    fn union(self, other: BoxOnPage) -> BoxOnPage {
        let left = self.left.min(other.left);
        let top = self.top.min(other.top);
        let right = self
            .left
            .saturating_add(self.width)
            .max(other.left.saturating_add(other.width));
        let bottom = self
            .top
            .saturating_add(self.height)
            .max(other.top.saturating_add(other.height));
        BoxOnPage {
            left,
            top,
            width: right - left,
            height: bottom - top,
        }
    }
}

/// One extracted value. Dates are `YYYY-MM-DD`, money `1234.56`, names as printed with single
/// spaces (title-cased when printed in capitals), form numbers like `SSA-561-U2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub kind: FieldKind,
    pub value: String,
    /// 0..1: how sure the pattern is, times the OCR confidence of the words it came from.
    pub confidence: f32,
    pub page: u32,
    pub bbox: Option<BoxOnPage>,
}

/// An SSN found on the document; its `Debug` shows only the last four digits.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundSsn {
    pub ssn: Ssn,
    pub confidence: f32,
    pub page: u32,
    pub bbox: Option<BoxOnPage>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extraction {
    /// The best candidate of each kind, at most one per kind, in [`FieldKind::ALL`] order.
    pub fields: Vec<Field>,
    /// Every distinct valid SSN, best first: labelled as the claimant's, then labelled, then
    /// unlabelled, then labelled as another person's; earlier pages and lines first.
    pub ssns: Vec<FoundSsn>,
    /// Every distinct form number, normalised as printed (`SSA-561-U2`), best first.
    pub form_numbers: Vec<String>,
}

impl Extraction {
    pub fn field(&self, kind: FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| f.kind == kind)
    }
}

/// The fields, SSNs and form numbers of a document's pages. SSNs are kept only when
/// [`Ssn::parse`] accepts them under `policy`.
pub fn extract(pages: &[PageInput<'_>], policy: SsnPolicy) -> Extraction {
    let pages: Vec<Page<'_>> = pages.iter().map(Page::new).collect();
    let mut candidates = Vec::new();
    let mut ssn_hits = Vec::new();
    let mut form_hits = Vec::new();
    for (pi, page) in pages.iter().enumerate() {
        let forms = find_forms(page, pi);
        let stub = looks_like_pay_stub(page);
        find_ssns(page, pi, policy, &mut ssn_hits);
        find_names(page, pi, &mut candidates);
        find_form_dates(page, pi, &mut candidates);
        find_pay(page, pi, stub, &mut candidates);
        if looks_like_bank_statement(page) {
            find_bank_statement(page, pi, &mut candidates);
        }
        // A form's income and expense tables have totals too; only evidence pages are receipts.
        if !stub && forms.is_empty() {
            find_receipt(page, pi, &mut candidates);
        }
        form_hits.extend(forms);
    }

    let score = |at: Span, certainty: f32| {
        let page = &pages[at.page];
        let (ocr, bbox) = page.evidence(at.line, at.start, at.end);
        ((certainty * ocr).clamp(0.0, 1.0), page.number, bbox)
    };
    let position = |at: Span| (pages[at.page].number, at.line, at.start);

    // Form numbers: best first, each once; the best is also the FormNumber field.
    let mut forms: Vec<(FormHit, f32)> = form_hits
        .into_iter()
        .map(|h| {
            let confidence = score(h.at, h.certainty).0;
            (h, confidence)
        })
        .collect();
    forms.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| position(a.0.at).cmp(&position(b.0.at)))
    });
    let mut form_numbers: Vec<String> = Vec::new();
    for (hit, _) in forms {
        if form_numbers.contains(&hit.number) {
            continue;
        }
        if form_numbers.is_empty() {
            let value = hit.number.clone();
            candidates.push(candidate(
                FieldKind::FormNumber,
                value,
                hit.certainty,
                hit.at,
            ));
        }
        form_numbers.push(hit.number);
    }

    // Fields: the most confident candidate of each kind, the earliest on a tie. A value that
    // looks like an SSN is dropped: SSNs live only in `ssns`.
    let mut scored: Vec<(Candidate, f32, u32, Option<BoxOnPage>)> = candidates
        .into_iter()
        .filter(|c| !c.value.is_empty() && mask_in_text(&c.value) == c.value)
        .map(|c| {
            let (confidence, page, bbox) = score(c.at, c.certainty);
            (c, confidence, page, bbox)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| position(a.0.at).cmp(&position(b.0.at)))
    });
    let fields = FieldKind::ALL
        .iter()
        .filter_map(|&kind| {
            scored
                .iter()
                .find(|(c, ..)| c.kind == kind)
                .map(|(c, confidence, page, bbox)| Field {
                    kind,
                    value: c.value.clone(),
                    confidence: *confidence,
                    page: *page,
                    bbox: *bbox,
                })
        })
        .collect();

    // SSNs: ordered by how they were labelled, then by position; each number once, with the
    // best confidence any of its occurrences earned.
    let mut hits: Vec<(SsnHit, f32, u32, Option<BoxOnPage>)> = ssn_hits
        .into_iter()
        .map(|h| {
            let (confidence, page, bbox) = score(h.at, h.certainty);
            (h, confidence, page, bbox)
        })
        .collect();
    hits.sort_by(|a, b| {
        a.0.rank
            .cmp(&b.0.rank)
            .then_with(|| position(a.0.at).cmp(&position(b.0.at)))
    });
    let mut ssns: Vec<FoundSsn> = Vec::new();
    for (hit, confidence, page, bbox) in hits {
        match ssns.iter_mut().find(|f| f.ssn == hit.ssn) {
            Some(known) => known.confidence = known.confidence.max(confidence),
            None => ssns.push(FoundSsn {
                ssn: hit.ssn,
                confidence,
                page,
                bbox,
            }),
        }
    }

    Extraction {
        fields,
        ssns,
        form_numbers,
    }
}

// ---------------------------------------------------------------------------------------------
// Pages, lines and where a value came from

/// Certainty kept by a value printed on the line under its label rather than beside it.
const BELOW: f32 = 0.85;
/// Certainty kept by an SSN read through OCR letter confusions.
const CORRECTED: f32 = 0.75;
/// Certainty kept by a pay-stub label on a page that does not look like a pay stub.
const OFF_STUB: f32 = 0.8;
/// How many non-blank characters may stand between a label and its value on one line, e.g.
/// an instruction such as "(Month, day, year)".
const MAX_GAP: usize = 25;

/// One line of a page: its characters, the same folded for matching, and its tokens.
struct Line {
    chars: Vec<char>,
    /// `chars` lower-cased, curly quotes and dashes made plain; one char for one, so indices agree.
    lower: Vec<char>,
    tokens: Vec<Tok>,
    dates: Vec<DateAt>,
    amounts: Vec<Amount>,
}

/// A whitespace token: char range in its line, and its index among the page's tokens.
#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    global: usize,
}

/// A date found at a char range of a line. A year printed with two digits (`10/30/26`) is
/// read as 1970–2069 and trusted a little less; a date of birth never takes one.
#[derive(Clone, Copy)]
struct DateAt {
    start: usize,
    end: usize,
    date: Date,
    short_year: bool,
}

impl DateAt {
    fn certainty(&self) -> f32 {
        if self.short_year {
            0.9
        } else {
            1.0
        }
    }
}

#[derive(Clone, Copy)]
struct Amount {
    start: usize,
    end: usize,
    cents: u64,
    dollar: bool,
    decimals: bool,
}

impl Amount {
    /// Printed as money (`$` or cents), not a count or a code.
    fn is_money(&self) -> bool {
        self.dollar || self.decimals
    }
}

/// Where a candidate was read: page index in the input, line, char range.
#[derive(Clone, Copy)]
struct Span {
    page: usize,
    line: usize,
    start: usize,
    end: usize,
}

/// A possible value of a field, with how sure its pattern is (before OCR confidence).
struct Candidate {
    kind: FieldKind,
    value: String,
    certainty: f32,
    at: Span,
}

fn candidate(kind: FieldKind, value: String, certainty: f32, at: Span) -> Candidate {
    Candidate {
        kind,
        value,
        certainty,
        at,
    }
}

/// A value found by [`Page::labelled`]: on which line, where, and the certainty it keeps.
struct Hit<T> {
    value: T,
    line: usize,
    start: usize,
    end: usize,
    factor: f32,
}

struct Page<'a> {
    number: u32,
    lines: Vec<Line>,
    words: &'a [WordBox],
    word_of_token: Vec<Option<usize>>,
    mean_confidence: f32,
}

impl<'a> Page<'a> {
    fn new(input: &PageInput<'a>) -> Page<'a> {
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
    fn evidence(&self, line: usize, start: usize, end: usize) -> (f32, Option<BoxOnPage>) {
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
    fn blocks(&self, li: usize) -> Vec<(usize, usize, usize)> {
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
    fn region(&self, li: usize, le: usize) -> (usize, bool) {
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
    fn below(&self, li: usize, label_start: usize) -> Option<(usize, usize, usize)> {
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
    fn labelled<T>(
        &self,
        li: usize,
        ls: usize,
        le: usize,
        parse: impl Fn(&Line, usize, usize) -> Option<(T, usize, usize)>,
    ) -> Option<Hit<T>> {
        let line = self.lines.get(li)?;
        let (to, blank) = self.region(li, le);
        if let Some((value, start, end)) = parse(line, le, to) {
            return Some(Hit {
                value,
                line: li,
                start,
                end,
                factor: 1.0,
            });
        }
        if !blank {
            return None;
        }
        let (nl, start, to) = self.below(li, ls)?;
        let (value, start, end) = parse(self.lines.get(nl)?, start, to)?;
        Some(Hit {
            value,
            line: nl,
            start,
            end,
            factor: BELOW,
        })
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
    fn current_column(&self, li: usize, from: usize) -> Option<(u64, usize, usize)> {
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

    fn has(&self, phrase: &str) -> bool {
        self.lines
            .iter()
            .any(|l| !find_phrase(&l.lower, phrase).is_empty())
    }

    fn span(&self, pi: usize, line: usize, start: usize, end: usize) -> Span {
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

fn fold(c: char) -> char {
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

// ---------------------------------------------------------------------------------------------
// Labels
//
// Word tables are laid out by hand (`rustfmt::skip`): one word a line would run to pages.

/// Where `phrase` (lower case, words separated by single spaces) occurs in `lower` as whole
/// words; any run of whitespace matches a space.
fn find_phrase(lower: &[char], phrase: &str) -> Vec<(usize, usize)> {
    let p: Vec<char> = phrase.chars().collect();
    let (Some(&first), Some(&last)) = (p.first(), p.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (s, &c) in lower.iter().enumerate() {
        if c != first || (s > 0 && first.is_alphanumeric() && lower[s - 1].is_alphanumeric()) {
            continue;
        }
        let Some(e) = match_at(lower, s, &p) else {
            continue;
        };
        if last.is_alphanumeric() && lower.get(e).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        out.push((s, e));
    }
    out
}

fn match_at(lower: &[char], s: usize, p: &[char]) -> Option<usize> {
    let mut i = s;
    for &pc in p {
        if pc == ' ' {
            let ws = i;
            while lower.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            if i == ws {
                return None;
            }
        } else {
            if lower.get(i) != Some(&pc) {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// Every occurrence on a line of a table's labels: (phrase, start, end, certainty).
fn labels_on(line: &Line, table: &[(&'static str, f32)]) -> Vec<(&'static str, usize, usize, f32)> {
    table
        .iter()
        .flat_map(|&(p, c)| {
            find_phrase(&line.lower, p)
                .into_iter()
                .map(move |(s, e)| (p, s, e, c))
        })
        .collect()
}

/// Words that start another field: a value read after a label stops where one begins.
#[rustfmt::skip]
const BARRIERS: &[&str] = &[
    "date", "dob", "d.o.b.", "birth", "born", "ssn", "social security", "name", "phone",
    "telephone", "address", "signature", "signed", "period", "pay date", "check date", "gross",
    "net", "employee", "employer", "received", "ending", "beginning", "ytd", "deductions", "hours",
    "email", "sex",
];

/// Where the value after `from` must end: the next field's label on the line, or its end.
fn limit(line: &Line, from: usize) -> usize {
    BARRIERS
        .iter()
        .flat_map(|b| find_phrase(&line.lower, b))
        .map(|(s, _)| s)
        .filter(|&s| s >= from)
        .min()
        .unwrap_or(line.chars.len())
}

/// The first position after a label's punctuation (`:`, `#`, dashes, leaders) and an
/// instruction in parentheses such as "(MM/DD/YYYY)".
fn skip_separators(chars: &[char], mut i: usize) -> usize {
    loop {
        while chars.get(i).is_some_and(|&c| {
            c.is_whitespace()
                || matches!(
                    c,
                    ':' | ';' | '#' | '-' | '_' | '|' | '.' | '=' | '>' | '\u{2013}' | '\u{2014}'
                )
        }) {
            i += 1;
        }
        if chars.get(i) == Some(&'(') {
            if let Some(k) = chars
                .get(i..)
                .and_then(|r| r.iter().position(|&c| c == ')'))
            {
                if k < 40 {
                    i += k + 1;
                    continue;
                }
            }
        }
        return i;
    }
}

/// Few enough non-blank characters between a label and a value for them to belong together.
fn near(line: &Line, from: usize, to: usize) -> bool {
    line.chars
        .get(from..to)
        .is_some_and(|gap| gap.iter().filter(|c| !c.is_whitespace()).count() <= MAX_GAP)
}

/// The word just before position `s` (lower case), skipping spaces and hyphens, so that
/// "sub-total" and "sub total" both give "sub".
fn word_before(line: &Line, s: usize) -> String {
    let l = &line.lower;
    let mut i = s.min(l.len());
    while i > 0 && (l[i - 1].is_whitespace() || l[i - 1] == '-') {
        i -= 1;
    }
    let end = i;
    while i > 0 && (l[i - 1].is_alphanumeric() || l[i - 1] == '\'') {
        i -= 1;
    }
    l[i..end].iter().collect()
}

/// The word just after position `e` (lower case), skipping spaces and hyphens.
fn word_after(line: &Line, e: usize) -> String {
    let l = &line.lower;
    let mut i = e.min(l.len());
    while i < l.len() && (l[i].is_whitespace() || l[i] == '-') {
        i += 1;
    }
    let start = i;
    while i < l.len() && (l[i].is_alphanumeric() || l[i] == '\'') {
        i += 1;
    }
    l[start..i].iter().collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Whose {
    Claimant,
    Unstated,
    Other,
}

#[rustfmt::skip]
const CLAIMANT_WORDS: &[&str] = &[
    "claimant", "claimant's", "claimants", "wage", "earner", "earner's", "beneficiary",
    "beneficiary's", "applicant", "applicant's", "your", "patient", "patient's", "holder",
    "holder's", "employee", "employee's",
];
#[rustfmt::skip]
const OTHER_PERSON_WORDS: &[&str] = &[
    "payee", "payee's", "representative", "representative's", "rep", "spouse", "spouse's", "child",
    "child's", "mother", "mother's", "father", "father's", "parent", "parent's", "guardian",
    "guardian's", "witness", "witness's",
];

/// Whose number or date a label names, from up to three words before it ("Representative
/// payee SSN", "Claimant's SSN").
fn whose(line: &Line, label_start: usize) -> Whose {
    let before: String = line.lower[..label_start.min(line.lower.len())]
        .iter()
        .collect();
    let words: Vec<&str> = before
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .collect();
    if words.iter().any(|w| OTHER_PERSON_WORDS.contains(w)) {
        Whose::Other
    } else if words.iter().any(|w| CLAIMANT_WORDS.contains(w)) {
        Whose::Claimant
    } else {
        Whose::Unstated
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

#[derive(Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    Num,
    Alpha,
    Space,
    Punct(char),
}

/// A run of digits, of letters or of spaces, or one punctuation character.
#[derive(Clone, Copy)]
struct Atom {
    kind: AtomKind,
    start: usize,
    end: usize,
}

fn atoms(lower: &[char]) -> Vec<Atom> {
    let class = |c: char| {
        if c.is_ascii_digit() {
            AtomKind::Num
        } else if c.is_alphabetic() {
            AtomKind::Alpha
        } else if c.is_whitespace() {
            AtomKind::Space
        } else {
            AtomKind::Punct(c)
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let kind = class(lower[i]);
        let start = i;
        i += 1;
        if !matches!(kind, AtomKind::Punct(_)) {
            while i < lower.len() && class(lower[i]) == kind {
                i += 1;
            }
        }
        out.push(Atom {
            kind,
            start,
            end: i,
        });
    }
    out
}

#[rustfmt::skip]
const MONTHS: &[(&str, u32)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4),
    ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8),
    ("aug", 8), ("september", 9), ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10),
    ("november", 11), ("nov", 11), ("december", 12), ("dec", 12),
];

/// Every date on a (folded) line: `MM/DD/YYYY`, `M/D/YYYY`, `MM-DD-YYYY`, `YYYY-MM-DD`,
/// `November 3, 2026`, `Nov. 3rd 2026`, `3 November 2026`, `03-NOV-2026`. Month first for
/// numeric dates (US forms); only real calendar dates in 1900–2100.
fn scan_dates(lower: &[char]) -> Vec<DateAt> {
    let a = atoms(lower);
    let mut out = Vec::new();
    let mut i = 0;
    while i < a.len() {
        let full = |found: Option<(Date, usize)>| found.map(|(d, next)| (d, false, next));
        let found = full(numeric_mdy(&a, lower, i))
            .or_else(|| full(numeric_ymd(&a, lower, i)))
            .or_else(|| full(month_first(&a, lower, i)))
            .or_else(|| full(day_first(&a, lower, i)))
            .or_else(|| short_mdy(&a, lower, i).map(|(d, next)| (d, true, next)));
        match found {
            Some((date, short_year, next)) if next > i => {
                out.push(DateAt {
                    start: a[i].start,
                    end: a[next - 1].end,
                    date,
                    short_year,
                });
                i = next;
            }
            _ => i += 1,
        }
    }
    out
}

fn num(a: &[Atom], l: &[char], i: usize, lens: std::ops::RangeInclusive<usize>) -> Option<u32> {
    let at = a.get(i)?;
    if at.kind != AtomKind::Num || !lens.contains(&(at.end - at.start)) {
        return None;
    }
    l.get(at.start..at.end)?
        .iter()
        .try_fold(0u32, |acc, c| c.to_digit(10).map(|d| acc * 10 + d))
}

fn punct(a: &[Atom], i: usize) -> Option<char> {
    match a.get(i)?.kind {
        AtomKind::Punct(c) => Some(c),
        _ => None,
    }
}

fn skip_space(a: &[Atom], i: usize) -> usize {
    if a.get(i).is_some_and(|x| x.kind == AtomKind::Space) {
        i + 1
    } else {
        i
    }
}

/// Spaces and the punctuation between a written date's parts (", ", "-", ". ").
fn skip_date_seps(a: &[Atom], mut i: usize) -> usize {
    let start = i;
    while i < start + 3
        && a.get(i).is_some_and(|x| {
            x.kind == AtomKind::Space || matches!(x.kind, AtomKind::Punct(',' | '-' | '.' | '/'))
        })
    {
        i += 1;
    }
    i
}

/// A numeric date must not continue into a longer chain with the same separator (an ID).
fn chain_continues(a: &[Atom], i: usize, sep: char) -> bool {
    punct(a, i) == Some(sep) && a.get(i + 1).is_some_and(|x| x.kind == AtomKind::Num)
}

fn numeric_mdy(a: &[Atom], l: &[char], i: usize) -> Option<(Date, usize)> {
    let m = num(a, l, i, 1..=2)?;
    // OCR sometimes splits "11/ 03/2026"; spaces are tolerated around slashes only.
    let spaced = |j: usize, sep: char| if sep == '/' { skip_space(a, j) } else { j };
    let sep = punct(a, spaced(i + 1, '/'))?;
    if !matches!(sep, '/' | '-' | '.') {
        return None;
    }
    let j = spaced(spaced(i + 1, sep) + 1, sep);
    let d = num(a, l, j, 1..=2)?;
    let k = spaced(j + 1, sep);
    if punct(a, k)? != sep {
        return None;
    }
    let k = spaced(k + 1, sep);
    let y = num(a, l, k, 4..=4)?;
    if chain_continues(a, k + 1, sep) {
        return None;
    }
    Some((make_date(y, m, d)?, k + 1))
}

/// `10/30/26`, slashes only: receipts and stubs print years short, and nothing else is
/// written that way often enough to mistake.
fn short_mdy(a: &[Atom], l: &[char], i: usize) -> Option<(Date, usize)> {
    let m = num(a, l, i, 1..=2)?;
    let d = num(a, l, i + 2, 1..=2)?;
    let yy = num(a, l, i + 4, 2..=2)?;
    let slashes = punct(a, i + 1) == Some('/') && punct(a, i + 3) == Some('/');
    let after_chain = i >= 2 && punct(a, i - 1) == Some('/') && a[i - 2].kind == AtomKind::Num;
    if !slashes || after_chain || chain_continues(a, i + 5, '/') {
        return None;
    }
    let y = if yy < 70 { 2000 + yy } else { 1900 + yy };
    Some((make_date(y, m, d)?, i + 5))
}

fn numeric_ymd(a: &[Atom], l: &[char], i: usize) -> Option<(Date, usize)> {
    let y = num(a, l, i, 4..=4)?;
    let sep = punct(a, i + 1)?;
    if !matches!(sep, '-' | '/') {
        return None;
    }
    let m = num(a, l, i + 2, 1..=2)?;
    if punct(a, i + 3)? != sep {
        return None;
    }
    let d = num(a, l, i + 4, 1..=2)?;
    if chain_continues(a, i + 5, sep) {
        return None;
    }
    Some((make_date(y, m, d)?, i + 5))
}

fn month(a: &[Atom], l: &[char], i: usize) -> Option<(u32, usize)> {
    let at = a.get(i)?;
    if at.kind != AtomKind::Alpha {
        return None;
    }
    let word: String = l.get(at.start..at.end)?.iter().collect();
    let m = MONTHS.iter().find(|(n, _)| *n == word)?.1;
    let next = if punct(a, i + 1) == Some('.') {
        i + 2
    } else {
        i + 1
    };
    Some((m, next))
}

fn skip_ordinal(a: &[Atom], l: &[char], i: usize) -> usize {
    let is_ordinal = a.get(i).is_some_and(|x| {
        x.kind == AtomKind::Alpha
            && l.get(x.start..x.end)
                .is_some_and(|w| matches!(w, ['s', 't'] | ['n', 'd'] | ['r', 'd'] | ['t', 'h']))
    });
    if is_ordinal {
        i + 1
    } else {
        i
    }
}

fn month_first(a: &[Atom], l: &[char], i: usize) -> Option<(Date, usize)> {
    let (m, j) = month(a, l, i)?;
    let j = skip_date_seps(a, j);
    let d = num(a, l, j, 1..=2)?;
    let j = skip_ordinal(a, l, j + 1);
    let k = skip_date_seps(a, j);
    if k == j {
        return None;
    }
    let y = num(a, l, k, 4..=4)?;
    Some((make_date(y, m, d)?, k + 1))
}

fn day_first(a: &[Atom], l: &[char], i: usize) -> Option<(Date, usize)> {
    let d = num(a, l, i, 1..=2)?;
    let j = skip_date_seps(a, skip_ordinal(a, l, i + 1));
    let (m, j) = month(a, l, j)?;
    let k = skip_date_seps(a, j);
    if k == j {
        return None;
    }
    let y = num(a, l, k, 4..=4)?;
    Some((make_date(y, m, d)?, k + 1))
}

fn make_date(y: u32, m: u32, d: u32) -> Option<Date> {
    if !(1900..=2100).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn first_date(line: &Line, from: usize, to: usize) -> Option<(DateAt, usize, usize)> {
    line.dates
        .iter()
        .find(|d| d.start >= from && d.start < to && near(line, from, d.start))
        .map(|d| (*d, d.start, d.end))
}

/// The first date with a four-digit year: a birth year cannot be guessed from two digits.
fn first_full_date(line: &Line, from: usize, to: usize) -> Option<(DateAt, usize, usize)> {
    first_date(line, from, to).filter(|(d, ..)| !d.short_year)
}

/// A period's first and last day.
type Period = (DateAt, DateAt);

/// Two dates joined by "-", "to", "through" or nothing: a period.
fn date_range(line: &Line, from: usize, to: usize) -> Option<(Period, usize, usize)> {
    let mut after = line
        .dates
        .iter()
        .filter(|d| d.start >= from && d.start < to);
    let first = *after.next()?;
    let second = *after.next()?;
    if !near(line, from, first.start) {
        return None;
    }
    let between: String = line
        .lower
        .get(first.end..second.start)?
        .iter()
        .filter(|c| !c.is_whitespace())
        .collect();
    let joined = matches!(
        between.as_str(),
        "" | "-" | "--" | "to" | "thru" | "through" | "until" | "till"
    );
    (joined && first.date <= second.date).then_some(((first, second), first.start, second.end))
}

// ---------------------------------------------------------------------------------------------
// Money

/// Every number on a line that could be an amount: optional `$`, thousands separators, two
/// decimals. Numbers inside dates, times and codes are skipped.
fn scan_amounts(chars: &[char]) -> Vec<Amount> {
    let digit = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut j = i;
        let dollar = chars[j] == '$';
        if dollar {
            j += 1;
            if chars.get(j) == Some(&' ') {
                j += 1;
            }
        }
        let clean_before = start == 0
            || !(chars[start - 1].is_alphanumeric() || matches!(chars[start - 1], '.' | ',' | '/'));
        if !digit(j) || !clean_before {
            i += 1;
            continue;
        }
        let mut int = String::new();
        while digit(j) {
            int.push(chars[j]);
            j += 1;
        }
        if int.len() <= 3 {
            while chars.get(j) == Some(&',') && (1..=3).all(|k| digit(j + k)) && !digit(j + 4) {
                int.extend(&chars[j + 1..j + 4]);
                j += 4;
            }
        }
        let mut cents = 0;
        let decimals = chars.get(j) == Some(&'.') && digit(j + 1) && digit(j + 2) && !digit(j + 3);
        if decimals {
            cents = chars[j + 1..j + 3]
                .iter()
                .filter_map(|c| c.to_digit(10))
                .fold(0, |acc, d| acc * 10 + u64::from(d));
            j += 3;
        }
        // More digits after a point mean a date or a version; letters glued to a whole
        // number make a unit or a code ("200MG").
        let continues = digit(j)
            || (matches!(chars.get(j), Some('.' | ',' | '/')) && digit(j + 1))
            || (!decimals && chars.get(j).is_some_and(|c| c.is_alphabetic()));
        match int.parse::<u64>() {
            Ok(units) if !continues && int.len() <= 12 => out.push(Amount {
                start,
                end: j,
                cents: units * 100 + cents,
                dollar,
                decimals,
            }),
            _ => {}
        }
        i = j.max(i + 1);
    }
    out
}

fn format_money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn first_money(line: &Line, from: usize, to: usize) -> Option<(u64, usize, usize)> {
    line.amounts
        .iter()
        .find(|a| a.is_money() && a.start >= from && a.start < to && near(line, from, a.start))
        .map(|a| (a.cents, a.start, a.end))
}

// ---------------------------------------------------------------------------------------------
// SSNs

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Dashed,
    Spaced,
    Bare,
}

struct SsnHit {
    ssn: Ssn,
    certainty: f32,
    /// Order in the result: claimant's 0, labelled 1, unlabelled 2, another person's 3, bare
    /// nine digits without a label 4.
    rank: u8,
    at: Span,
}

#[rustfmt::skip]
const SSN_LABELS: &[&str] = &[
    "social security number", "social security no.", "social security no", "social security #",
    "soc. sec. no.", "soc. sec. no", "soc sec no", "soc. sec. #", "ssn", "s.s.n.", "ss no.",
    "ss no", "ss#", "ss #",
];

/// SSN-shaped numbers on a line: `123-45-6789`, `123 45 6789`, or nine digits alone.
fn ssn_shapes(chars: &[char]) -> Vec<(usize, usize, Shape)> {
    let digit = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    let alpha = |j: usize| chars.get(j).is_some_and(|c| c.is_alphabetic());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let clean_before =
            i == 0 || !(digit(i - 1) || (chars[i - 1] == '-' && i >= 2 && digit(i - 2)));
        if clean_before && digit(i) {
            let sep = chars.get(i + 3).copied();
            let separated = matches!(sep, Some('-' | ' '))
                && (0..3).all(|k| digit(i + k))
                && (4..6).all(|k| digit(i + k))
                && chars.get(i + 6).copied() == sep
                && (7..11).all(|k| digit(i + k));
            let bare = (0..9).all(|k| digit(i + k));
            let found = if separated {
                Some((
                    11,
                    if sep == Some('-') {
                        Shape::Dashed
                    } else {
                        Shape::Spaced
                    },
                ))
            } else if bare {
                Some((9, Shape::Bare))
            } else {
                None
            };
            if let Some((len, shape)) = found {
                let e = i + len;
                let chained = chars.get(e) == Some(&'-') && digit(e + 1);
                let clean_after = !digit(e) && !chained;
                // Digits glued to letters are a code (an account or claim number) or a
                // misread; a misread after a label is for `confused_ssn`.
                let standalone = !alpha(e) && (shape != Shape::Bare || !(i > 0 && alpha(i - 1)));
                if clean_after && standalone {
                    out.push((i, e, shape));
                    i = e;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// The SSN written in `chars` (digits and separators), if the policy accepts it. The digits
/// go only into the `Ssn`.
fn ssn_of(chars: &[char], policy: SsnPolicy) -> Option<Ssn> {
    let digits: String = chars.iter().filter(|c| c.is_ascii_digit()).collect();
    Ssn::parse(&digits, policy).ok()
}

/// An SSN misread by OCR right after its label, in its first few tokens: letters that look
/// like digits (O/o→0, S→5, l/I/|→1, B→8), dashes made long, separators doubled. Only a
/// corrected reading is returned; a clean one is found by [`ssn_shapes`].
fn confused_ssn(
    line: &Line,
    from: usize,
    to: usize,
    policy: SsnPolicy,
) -> Option<(Ssn, usize, usize)> {
    let start = skip_label_punctuation(&line.chars, from);
    let toks: Vec<Tok> = line
        .tokens
        .iter()
        .filter(|t| t.end > start && t.start < to)
        .take(5)
        .copied()
        .collect();
    let s = start.max(toks.first()?.start);
    for n in (1..=toks.len()).rev() {
        let end = toks[n - 1].end;
        let Some(span) = line.chars.get(s..end) else {
            continue;
        };
        let trimmed = span.len()
            - span
                .iter()
                .rev()
                .take_while(|c| matches!(c, ',' | '.' | ';' | ')'))
                .count();
        if let Some(ssn) = read_confused(&span[..trimmed], policy) {
            return Some((ssn, s, s + trimmed));
        }
    }
    None
}

fn skip_label_punctuation(chars: &[char], mut i: usize) -> usize {
    while chars
        .get(i)
        .is_some_and(|&c| c.is_whitespace() || matches!(c, ':' | '#' | ';' | '=' | '.'))
    {
        i += 1;
    }
    i
}

/// The SSN `span` spells once look-alike letters are read as digits, if any had to be (or
/// the separators were odd), at least five digits were printed as digits, and the groups are
/// 3-2-4 or 9.
fn read_confused(span: &[char], policy: SsnPolicy) -> Option<Ssn> {
    let mut digits: Vec<char> = Vec::with_capacity(9);
    let mut groups: Vec<usize> = vec![0];
    let mut corrected = false;
    let mut real = 0;
    let mut sep_run: Vec<char> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    for &c in span {
        let d = match c {
            '0'..='9' => c,
            'O' | 'o' => '0',
            'S' => '5',
            'l' | 'I' | '|' => '1',
            'B' => '8',
            '-' | ' ' | '.' | '_' | '\u{2013}' | '\u{2014}' => {
                sep_run.push(c);
                continue;
            }
            _ => return None,
        };
        if !sep_run.is_empty() {
            if digits.is_empty() {
                return None;
            }
            if sep_run.len() != 1 || !matches!(sep_run[0], '-' | ' ') {
                corrected = true;
            }
            seps.push(sep_run[0]);
            sep_run.clear();
            groups.push(0);
        }
        if d == c {
            real += 1;
        } else {
            corrected = true;
        }
        digits.push(d);
        if let Some(g) = groups.last_mut() {
            *g += 1;
        }
    }
    if seps.windows(2).any(|w| w[0] != w[1]) {
        corrected = true;
    }
    let shaped = groups == [3, 2, 4] || groups == [9];
    if !(shaped && corrected && real >= 5) {
        return None;
    }
    let text: String = digits.iter().collect();
    Ssn::parse(&text, policy).ok()
}

/// SSN labels on a line, the longest where several overlap, with whose number each names.
fn ssn_labels(line: &Line) -> Vec<(usize, usize, Whose)> {
    let mut found: Vec<(usize, usize)> = SSN_LABELS
        .iter()
        .flat_map(|p| find_phrase(&line.lower, p))
        .collect();
    found.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for (s, e) in found {
        if kept.last().is_none_or(|&(_, ke)| s >= ke) {
            kept.push((s, e));
        }
    }
    kept.into_iter()
        .map(|(s, e)| (s, e, whose(line, s)))
        .collect()
}

fn labelled_ssn_score(w: Whose) -> (f32, u8) {
    match w {
        Whose::Claimant => (0.98, 0),
        Whose::Unstated => (0.95, 1),
        Whose::Other => (0.9, 3),
    }
}

/// A label ending at `le` names the number starting at `s` on the same line.
fn label_reaches(line: &Line, le: usize, s: usize) -> bool {
    le <= s
        && near(line, le, s)
        && line
            .lower
            .get(le..s)
            .is_some_and(|gap| !gap.iter().any(|c| c.is_ascii_digit()))
        && s < limit(line, le).max(le + 1)
}

fn find_ssns(page: &Page, pi: usize, policy: SsnPolicy, out: &mut Vec<SsnHit>) {
    for (li, line) in page.lines.iter().enumerate() {
        let labels = ssn_labels(line);
        let shapes = ssn_shapes(&line.chars);
        for &(s, e, shape) in &shapes {
            let Some(ssn) = line.chars.get(s..e).and_then(|c| ssn_of(c, policy)) else {
                continue;
            };
            let label = labels
                .iter()
                .filter(|l| label_reaches(line, l.1, s))
                .max_by_key(|l| l.1);
            let (certainty, rank) = match (label, shape) {
                (Some(l), _) => labelled_ssn_score(l.2),
                (None, Shape::Dashed) => (0.75, 2),
                (None, Shape::Spaced) => (0.65, 2),
                (None, Shape::Bare) => (0.55, 4),
            };
            out.push(SsnHit {
                ssn,
                certainty,
                rank,
                at: page.span(pi, li, s, e),
            });
        }
        for &(ls, le, who) in &labels {
            let (to, blank) = page.region(li, le);
            if shapes.iter().any(|sh| label_reaches(line, le, sh.0)) {
                continue;
            }
            let (certainty, rank) = labelled_ssn_score(who);
            if let Some((ssn, s, e)) = confused_ssn(line, le, to, policy) {
                out.push(SsnHit {
                    ssn,
                    certainty: certainty * CORRECTED,
                    rank,
                    at: page.span(pi, li, s, e),
                });
                continue;
            }
            if !blank {
                continue;
            }
            // The number printed under its label.
            let Some((nl, start, nto)) = page.below(li, ls) else {
                continue;
            };
            let Some(next) = page.lines.get(nl) else {
                continue;
            };
            let exact = ssn_shapes(&next.chars)
                .into_iter()
                .find(|sh| sh.0 >= start && sh.0 < nto)
                .and_then(|(s, e, _)| {
                    let ssn = next.chars.get(s..e).and_then(|c| ssn_of(c, policy))?;
                    Some((ssn, s, e, 1.0))
                });
            let hit = exact.or_else(|| {
                confused_ssn(next, start, nto, policy).map(|(ssn, s, e)| (ssn, s, e, CORRECTED))
            });
            if let Some((ssn, s, e, f)) = hit {
                out.push(SsnHit {
                    ssn,
                    certainty: certainty * BELOW * f,
                    rank,
                    at: page.span(pi, nl, s, e),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Form numbers

struct FormHit {
    number: String,
    certainty: f32,
    at: Span,
}

/// `SSA-827`, `Form SSA-561-U2`, `SSA 3368-BK`, `SSA—827`, `SSA -827`, `SS-5`, anywhere on the
/// page, normalised to upper case with hyphens.
fn find_forms(page: &Page, pi: usize) -> Vec<FormHit> {
    let mut out = Vec::new();
    for (li, line) in page.lines.iter().enumerate() {
        let (l, c) = (&line.lower, &line.chars);
        let mut i = 0;
        while i < l.len() {
            match form_at(l, c, i) {
                Some((number, certainty, end)) => {
                    let after_form = word_before(line, i) == "form";
                    out.push(FormHit {
                        number,
                        certainty: if after_form {
                            certainty + 0.04
                        } else {
                            certainty
                        },
                        at: page.span(pi, li, i, end),
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
    }
    out
}

fn form_at(l: &[char], c: &[char], i: usize) -> Option<(String, f32, usize)> {
    if (i > 0 && l[i - 1].is_alphanumeric()) || l.get(i..i + 2)? != ['s', 's'] {
        return None;
    }
    let ssa = l.get(i + 2) == Some(&'a');
    let mut j = if ssa { i + 3 } else { i + 2 };
    let sep_start = j;
    while j < l.len() && j - sep_start < 3 && matches!(l[j], '-' | ' ') {
        j += 1;
    }
    let sep = &l[sep_start..j];
    // "SS" alone is too common a pair of letters; only "SS-5" and the like are forms.
    if !ssa && sep != ['-'] {
        return None;
    }
    let digits_start = j;
    while l.get(j).is_some_and(|ch| ch.is_ascii_digit()) {
        j += 1;
    }
    let digits = j - digits_start;
    let allowed = if ssa { 2..=4 } else { 1..=2 };
    if !allowed.contains(&digits) || l.get(j).is_some_and(|ch| ch.is_alphanumeric()) {
        return None;
    }
    let mut number = format!(
        "{}-{}",
        if ssa { "SSA" } else { "SS" },
        l[digits_start..j].iter().collect::<String>()
    );
    let mut end = j;
    // An edition suffix starts with a letter (`-U2`, `-BK`); `-2024` would be a date.
    if l.get(j) == Some(&'-') && l.get(j + 1).is_some_and(|ch| ch.is_ascii_alphabetic()) {
        let mut k = j + 1;
        while l.get(k).is_some_and(|ch| ch.is_ascii_alphanumeric()) {
            k += 1;
        }
        if k - (j + 1) <= 4 {
            number.push('-');
            number.extend(l[j + 1..k].iter().map(|ch| ch.to_ascii_uppercase()));
            end = k;
        }
    }
    let printed_sep = &c[sep_start..digits_start];
    let mut certainty = match printed_sep {
        ['-'] => 0.95,
        [] => 0.75,
        _ => 0.85,
    };
    if end > j {
        // The edition is the most specific number printed; prefer it to a bare one.
        certainty += 0.01;
    }
    Some((number, certainty, end))
}

// ---------------------------------------------------------------------------------------------
// Names

const NAME_LABELS: &[(&str, f32)] = &[
    ("claimant's name", 0.95),
    ("claimants name", 0.95),
    ("claimant name", 0.95),
    ("claimant's full name", 0.95),
    ("name of claimant", 0.95),
    ("name of claimant / wage earner", 0.95),
    ("full name of claimant", 0.95),
    ("name of wage earner", 0.9),
    ("wage earner's name", 0.9),
    ("wage earner name", 0.9),
    ("name of beneficiary", 0.9),
    ("beneficiary's name", 0.9),
    ("beneficiary name", 0.9),
    ("name of applicant", 0.9),
    ("applicant's name", 0.9),
    ("applicant name", 0.9),
    ("name of number holder", 0.9),
    ("name of overpaid person", 0.9),
    ("name of individual", 0.85),
    ("claimant", 0.85),
    ("beneficiary", 0.85),
    // A letter's reference line names the person it is about.
    ("re:", 0.7),
    ("name", 0.8),
    ("full name", 0.8),
    ("print name", 0.8),
    ("printed name", 0.8),
    ("name of person", 0.8),
    ("patient name", 0.8),
    ("patient's name", 0.8),
    ("name of patient", 0.8),
    ("patient", 0.75),
    ("employee name", 0.8),
    ("employee's name", 0.8),
    ("employee", 0.75),
    ("account holder", 0.75),
    ("account holder name", 0.75),
    ("account holder's name", 0.75),
];

/// Words before a bare "Name" that make it someone else's (or something else's) name.
#[rustfmt::skip]
const NAME_OF_OTHERS: &[&str] = &[
    "employer", "employer's", "company", "company's", "business", "facility", "doctor", "doctor's",
    "physician", "physician's", "provider", "hospital", "bank", "payee", "payee's",
    "representative", "representative's", "rep", "agency", "organization", "witness", "witness's",
    "spouse", "spouse's", "father's", "mother's", "parent's", "child's", "school", "contact",
    "emergency", "street", "user", "file", "last", "first", "middle", "maiden", "store", "merchant",
    "plan", "product", "drug", "medication",
];

/// Words that end a name or show the value is not one.
#[rustfmt::skip]
const NAME_STOP: &[&str] = &[
    "name", "names", "date", "birth", "dob", "born", "signature", "sign", "signed", "ssn", "social",
    "security", "number", "no", "claimant", "claimant's", "address", "street", "city", "state",
    "zip", "code", "phone", "telephone", "email", "the", "of", "and", "or", "for", "to", "if", "is",
    "an", "in", "on", "at", "by", "your", "my", "his", "her", "their", "print", "printed",
    "type", "please", "here", "first", "last", "middle", "initial", "mi", "none", "unknown",
    "employer", "employee", "form", "page", "see", "same", "above", "below", "self", "applicant",
    "beneficiary", "patient", "account", "holder", "person", "wage", "earner", "representative",
    "payee", "relationship", "sex", "male", "female", "id", "apt", "box", "po", "n/a", "na", "yes",
    "ssa", "total", "gross", "pay", "net", "period", "tax", "spouse", "child", "mother", "father",
    "parent", "guardian", "witness", "title", "age", "status", "single", "married", "widowed",
    "divorced", "md", "rn", "np", "pa", "dds", "phd", "esq", "dob:",
];

/// Words that make the whole value an organisation, not a person.
#[rustfmt::skip]
const NOT_A_PERSON: &[&str] = &[
    "inc", "llc", "corp", "corporation", "company", "co", "hospital", "services", "clinic", "bank",
    "ltd", "llp", "center", "centre", "administration", "department", "dept", "office", "insurance",
    "group", "university", "associates", "pharmacy", "medical", "health", "information", "records",
    "report", "request", "statement", "authorization",
];

const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr"];
const PARTICLES: &[&str] = &[
    "de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von", "bin", "al",
];
const ROMAN: &[&str] = &["II", "III", "IV"];

fn find_names(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    for (li, line) in page.lines.iter().enumerate() {
        for (phrase, ls, le, certainty) in labels_on(line, NAME_LABELS) {
            if phrase == "name" {
                // "Employer name", "Name of employer": someone else's; "name of claimant" and
                // its kind have their own labels.
                if NAME_OF_OTHERS.contains(&word_before(line, ls).as_str())
                    || word_after(line, le) == "of"
                {
                    continue;
                }
            }
            let hit = page.labelled(li, ls, le, parse_name).or_else(|| {
                // "Re: Overpayment notice" with the person's name on the line under it.
                (phrase == "re:")
                    .then(|| reference_below(page, li))
                    .flatten()
            });
            if let Some(hit) = hit {
                let at = page.span(pi, hit.line, hit.start, hit.end);
                let ((name, read), factor) = (hit.value, hit.factor);
                out.push(candidate(
                    FieldKind::ClaimantName,
                    name,
                    certainty * factor * read,
                    at,
                ));
            }
        }
    }
}

/// The name printed alone on the line under a letter's "Re:" line.
fn reference_below(page: &Page, li: usize) -> Option<Hit<(String, f32)>> {
    let nl = li + 1;
    let next = page.lines.get(nl)?;
    let (value, start, end) = parse_name(next, 0, next.chars.len())?;
    // The whole line is the name: a sentence that starts with two capitalised words is not.
    let rest = skip_separators(&next.chars, end);
    if rest < next.chars.len() {
        return None;
    }
    Some(Hit {
        value,
        line: nl,
        start,
        end,
        factor: BELOW,
    })
}

/// A person's name at the start of `from..to`: 2–4 capitalised words of letters, apostrophes
/// and hyphens, initials with a dot, "Last, First" kept as printed. With it, how sure the
/// reading is: lower when OCR digits inside a word had to be read as letters.
fn parse_name(line: &Line, from: usize, to: usize) -> Option<((String, f32), usize, usize)> {
    let chars = &line.chars;
    let to = to.min(chars.len());
    let mut i = skip_separators(chars, from);
    let mut words: Vec<String> = Vec::new();
    let (mut start, mut end) = (i, i);
    let mut corrected = false;
    loop {
        let gap = i;
        while i < to && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= to {
            break;
        }
        // A wide gap in a text layer is a column break: the next column is another field.
        if !words.is_empty() && i - gap >= 3 {
            break;
        }
        let ws = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let raw: String = chars[ws..i]
            .iter()
            .map(|&c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        if raw.ends_with(':') {
            break;
        }
        let (word, comma) = match raw.strip_suffix(',') {
            Some(w) => (w.to_string(), true),
            None => (raw, false),
        };
        // A full stop after a whole word ends the sentence, and the name with it ("Name: Maria
        // Lopez."); a dot after an initial or "Jr." is part of the word.
        let sentence_end = !words.is_empty()
            && word.ends_with('.')
            && word.chars().filter(|c| c.is_alphabetic()).count() > 3
            && word.matches('.').count() == 1;
        let word = if sentence_end {
            word.trim_end_matches('.').to_string()
        } else {
            word
        };
        let word = match letters_for_digits(&word) {
            Some(fixed) => {
                corrected = true;
                fixed
            }
            None => word,
        };
        let key = word.to_lowercase();
        let key = key.trim_end_matches('.');
        if NOT_A_PERSON.contains(&key) {
            return None;
        }
        if words.is_empty() && HONORIFICS.contains(&key) {
            continue;
        }
        let particle = !words.is_empty() && PARTICLES.contains(&word.as_str());
        if NAME_STOP.contains(&key) || !(particle || is_name_word(&word)) {
            break;
        }
        if words.len() == 4 {
            // A fifth capitalised word: a heading or a sentence, not a name.
            return None;
        }
        if words.is_empty() {
            start = ws;
        }
        end = ws + word.chars().count();
        let first = words.is_empty();
        let mut shown = normalise_name_word(&word);
        if comma && first {
            shown.push(',');
        }
        words.push(shown);
        if (comma && !first) || sentence_end {
            break;
        }
    }
    let full_words = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if !(2..=4).contains(&words.len()) || full_words < 2 {
        return None;
    }
    let read = if corrected { CORRECTED } else { 1.0 };
    Some(((words.join(" "), read), start, end))
}

/// A word of letters that OCR spelled with a `1` or `0` in it ("PUBL1C", "J0NES"), spelled
/// with the letters meant; None for any other word.
fn letters_for_digits(w: &str) -> Option<String> {
    let chars: Vec<char> = w.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let digits = chars.iter().filter(|c| matches!(c, '0' | '1')).count();
    let first_letter = chars.first().is_some_and(|c| c.is_alphabetic());
    if digits == 0
        || letters < 3
        || !first_letter
        || chars
            .iter()
            .any(|c| c.is_ascii_digit() && !matches!(c, '0' | '1'))
    {
        return None;
    }
    let capitals = chars
        .iter()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase());
    Some(
        chars
            .iter()
            .map(|&c| match (c, capitals) {
                ('0', true) => 'O',
                ('0', false) => 'o',
                ('1', true) => 'I',
                ('1', false) => 'l',
                _ => c,
            })
            .collect(),
    )
}

fn is_name_word(w: &str) -> bool {
    let Some(first) = w.chars().next() else {
        return false;
    };
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let dots = w.chars().filter(|&c| c == '.').count();
    first.is_alphabetic()
        && first.is_uppercase()
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
        && !w.ends_with(['-', '\''])
        && (dots == 0 || letters <= 3)
}

/// A word printed in capitals is title-cased ("O'BRIEN" → "O'Brien"); others stay as printed.
fn normalise_name_word(w: &str) -> String {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    if !capitals || ROMAN.contains(&w.trim_end_matches('.')) {
        return w.to_string();
    }
    let mut out = String::with_capacity(w.len());
    let mut word_start = true;
    for c in w.chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = matches!(c, '-' | '\'');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Dates on forms: birth, signature, receipt stamp

const DOB_LABELS: &[(&str, f32)] = &[
    ("date of birth", 0.95),
    ("birth date", 0.95),
    ("birthdate", 0.95),
    ("dob", 0.95),
    ("d.o.b.", 0.95),
    ("d.o.b", 0.95),
    ("date born", 0.9),
    ("born", 0.8),
];

const SIGNED_LABELS: &[(&str, f32)] = &[
    ("date signed", 0.95),
    ("date of signature", 0.95),
    ("signature date", 0.95),
    ("signed on", 0.9),
    ("date", 0.85),
    ("signature", 0.7),
];

const RECEIVED_LABELS: &[(&str, f32)] = &[
    ("date received", 0.9),
    ("received on", 0.9),
    ("received", 0.9),
    ("rec'd", 0.8),
    ("recd", 0.8),
];

/// Words before a bare "Date" that make it another date than the signature's.
#[rustfmt::skip]
const DATE_OF_OTHER_BEFORE: &[&str] = &[
    "pay", "check", "birth", "start", "end", "due", "purchase", "payment", "deposit", "hire",
    "hiring", "effective", "onset", "admission", "discharge", "service", "visit", "issue",
    "expiration", "expiry", "last", "first", "advice", "period", "ending", "beginning",
    "transaction", "invoice", "order", "appointment", "exam",
];
/// Words after a bare "Date" that make it another date than the signature's.
const DATE_OF_OTHER_AFTER: &[&str] = &[
    "of", "received", "paid", "signed", "hired", "started", "stopped", "last", "first", "you",
    "they", "ended", "began", "born", "issued", "filed",
];

/// A signature line within three lines of `li`.
fn near_signature(page: &Page, li: usize) -> bool {
    let from = li.saturating_sub(3);
    let to = page.lines.len().min(li + 4);
    page.lines.get(from..to).is_some_and(|ls| {
        ls.iter().any(|l| {
            ["signature", "signed", "sign"]
                .iter()
                .any(|p| !find_phrase(&l.lower, p).is_empty())
        })
    })
}

fn find_form_dates(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    let mut push = |kind: FieldKind, hit: Hit<DateAt>, certainty: f32| {
        let at = page.span(pi, hit.line, hit.start, hit.end);
        let certainty = certainty * hit.factor * hit.value.certainty();
        out.push(candidate(kind, format_date(hit.value.date), certainty, at));
    };
    for (li, line) in page.lines.iter().enumerate() {
        for (_, ls, le, certainty) in labels_on(line, DOB_LABELS) {
            // "Child's date of birth" is somebody else's.
            let certainty = if whose(line, ls) == Whose::Other {
                certainty * 0.6
            } else {
                certainty
            };
            if let Some(hit) = page.labelled(li, ls, le, first_full_date) {
                push(FieldKind::DateOfBirth, hit, certainty);
            }
        }
        for (phrase, ls, le, certainty) in labels_on(line, SIGNED_LABELS) {
            if phrase == "date"
                && (DATE_OF_OTHER_BEFORE.contains(&word_before(line, ls).as_str())
                    || DATE_OF_OTHER_AFTER.contains(&word_after(line, le).as_str())
                    || !near_signature(page, li))
            {
                continue;
            }
            if let Some(hit) = page.labelled(li, ls, le, first_date) {
                push(FieldKind::SignedOn, hit, certainty);
            }
        }
        for (phrase, ls, le, certainty) in labels_on(line, RECEIVED_LABELS) {
            // A stamp prints RECEIVED in capitals; "received" in running text is weaker.
            let stamp = line
                .chars
                .get(ls..le)
                .is_some_and(|w| w.iter().all(|c| !c.is_lowercase()));
            let certainty = if phrase == "received" && !stamp {
                0.6
            } else {
                certainty
            };
            if let Some(hit) = page.labelled(li, ls, le, first_date) {
                push(FieldKind::ReceivedOn, hit, certainty);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pay stubs

#[rustfmt::skip]
const STUB_CUES: &[&str] = &[
    "gross", "net pay", "earnings", "pay period", "ytd", "year to date", "deductions",
    "withholding", "pay date", "check date", "pay stub", "paystub", "earnings statement", "fica",
    "direct deposit",
];

fn looks_like_pay_stub(page: &Page) -> bool {
    STUB_CUES.iter().filter(|c| page.has(c)).count() >= 2
}

const EMPLOYER_LABELS: &[(&str, f32)] = &[
    ("employer", 0.9),
    ("employer name", 0.9),
    ("employer's name", 0.9),
    ("name of employer", 0.9),
    ("company name", 0.85),
    ("company", 0.8),
];
const PERIOD_LABELS: &[(&str, f32)] = &[
    ("pay period", 0.92),
    ("pay period dates", 0.92),
    ("period covered", 0.9),
    ("period", 0.85),
];
const PERIOD_START_LABELS: &[(&str, f32)] = &[
    ("pay period start", 0.92),
    ("pay period start date", 0.92),
    ("pay period begin", 0.92),
    ("pay period beginning", 0.92),
    ("period beginning", 0.9),
    ("period begin", 0.9),
    ("period start", 0.9),
    ("period start date", 0.9),
    ("period beginning date", 0.9),
    ("start date", 0.7),
    ("beginning", 0.7),
];
const PERIOD_END_LABELS: &[(&str, f32)] = &[
    ("pay period end", 0.92),
    ("pay period end date", 0.92),
    ("pay period ending", 0.92),
    ("pay period ending date", 0.92),
    ("period ending", 0.9),
    ("period end", 0.9),
    ("period end date", 0.9),
    ("period ending date", 0.9),
    ("week ending", 0.85),
    ("end date", 0.7),
    ("ending", 0.7),
];
const PAY_DATE_LABELS: &[(&str, f32)] = &[
    ("pay date", 0.92),
    ("check date", 0.92),
    ("payment date", 0.88),
    ("date paid", 0.88),
    ("pay day", 0.85),
    ("payday", 0.85),
    ("deposit date", 0.85),
    ("advice date", 0.85),
    ("paid on", 0.8),
];
const GROSS_LABELS: &[(&str, f32)] = &[
    ("gross pay", 0.92),
    ("gross earnings", 0.92),
    ("total gross", 0.92),
    ("total gross pay", 0.92),
    ("gross wages", 0.9),
    ("current gross", 0.9),
    ("gross amount", 0.88),
    ("total earnings", 0.8),
    ("gross", 0.75),
];
/// Labels too common elsewhere to trust off a pay stub ("Period of disability").
#[rustfmt::skip]
const STUB_ONLY: &[&str] = &[
    "company", "company name", "period", "start date", "end date", "beginning", "ending", "gross",
    "total earnings",
];

/// Company endings that name an employer on a pay stub's letterhead.
#[rustfmt::skip]
const COMPANY_ENDINGS: &[&str] = &[
    "inc", "inc.", "llc", "l.l.c.", "corp", "corp.", "corporation", "co.", "company", "hospital",
    "services", "ltd", "ltd.", "llp",
];
/// First words after "Employer" that make it another field ("Employer ID", "Employer address").
#[rustfmt::skip]
const NOT_AN_ORG: &[&str] = &[
    "id", "identification", "ein", "number", "no", "address", "phone", "telephone", "name",
    "information", "signature", "contributions", "share", "paid", "taxes", "tax", "fein", "s",
];

fn find_pay(page: &Page, pi: usize, stub: bool, out: &mut Vec<Candidate>) {
    let scale = if stub { 1.0 } else { OFF_STUB };
    let usable = |phrase: &str| stub || !STUB_ONLY.contains(&phrase);
    let push_date = |out: &mut Vec<Candidate>, kind, d: DateAt, line, certainty: f32| {
        let at = page.span(pi, line, d.start, d.end);
        let certainty = certainty * d.certainty();
        out.push(candidate(kind, format_date(d.date), certainty, at));
    };
    for (li, line) in page.lines.iter().enumerate() {
        for (phrase, ls, le, certainty) in labels_on(line, EMPLOYER_LABELS) {
            if !usable(phrase) {
                continue;
            }
            if let Some(hit) = page.labelled(li, ls, le, parse_org) {
                let at = page.span(pi, hit.line, hit.start, hit.end);
                let c = certainty * hit.factor * scale;
                out.push(candidate(FieldKind::Employer, hit.value, c, at));
            }
        }
        for (phrase, ls, le, certainty) in labels_on(line, PERIOD_LABELS) {
            if !usable(phrase) {
                continue;
            }
            if let Some(hit) = page.labelled(li, ls, le, date_range) {
                let c = certainty * hit.factor * scale;
                let (first, second) = hit.value;
                push_date(out, FieldKind::PayPeriodStart, first, hit.line, c);
                push_date(out, FieldKind::PayPeriodEnd, second, hit.line, c);
            }
        }
        let single: [(&[(&str, f32)], FieldKind); 3] = [
            (PERIOD_START_LABELS, FieldKind::PayPeriodStart),
            (PERIOD_END_LABELS, FieldKind::PayPeriodEnd),
            (PAY_DATE_LABELS, FieldKind::PayDate),
        ];
        for (table, kind) in single {
            for (phrase, ls, le, certainty) in labels_on(line, table) {
                if !usable(phrase) {
                    continue;
                }
                if let Some(hit) = page.labelled(li, ls, le, first_date) {
                    let c = certainty * hit.factor * scale;
                    push_date(out, kind, hit.value, hit.line, c);
                }
            }
        }
        for (phrase, ls, le, certainty) in labels_on(line, GROSS_LABELS) {
            // "Gross YTD" is the year's total, not this period's.
            if !usable(phrase) || matches!(word_after(line, le).as_str(), "ytd" | "year") {
                continue;
            }
            if let Some(hit) = page.labelled(li, ls, le, first_money) {
                let (cents, start, end) = page
                    .current_column(hit.line, hit.start)
                    .unwrap_or((hit.value, hit.start, hit.end));
                let at = page.span(pi, hit.line, start, end);
                let c = certainty * hit.factor * scale;
                out.push(candidate(FieldKind::GrossPay, format_money(cents), c, at));
            }
        }
    }
    if stub {
        if let Some((li, s, e, value)) = letterhead_employer(page) {
            out.push(candidate(
                FieldKind::Employer,
                value,
                0.65,
                page.span(pi, li, s, e),
            ));
        }
    }
}

/// An organisation's name after a label: words up to the next label or column.
fn parse_org(line: &Line, from: usize, to: usize) -> Option<(String, usize, usize)> {
    let chars = &line.chars;
    let to = to.min(chars.len());
    let mut i = skip_separators(chars, from);
    let mut words: Vec<String> = Vec::new();
    let (mut start, mut end) = (i, i);
    while words.len() < 8 {
        let gap = i;
        while i < to && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= to || (!words.is_empty() && i - gap >= 3) {
            break;
        }
        let ws = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let raw: String = chars[ws..i].iter().collect();
        if raw.ends_with(':') {
            break;
        }
        if words.is_empty() {
            let key = raw.to_lowercase();
            let key = key.trim_matches(|c: char| !c.is_alphanumeric());
            let capital = raw
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if NOT_AN_ORG.contains(&key) || !capital {
                return None;
            }
            start = ws;
        }
        end = i;
        words.push(raw);
    }
    let value = words.join(" ");
    let value = value.trim_end_matches([',', ';']);
    if value.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    Some((value.to_string(), start, end))
}

/// The first line (or column) of a pay stub that ends like a company name: "Acme Widgets Inc".
fn letterhead_employer(page: &Page) -> Option<(usize, usize, usize, String)> {
    for (li, line) in page.lines.iter().enumerate() {
        for (s, e, _) in page.blocks(li) {
            let text: String = line.chars[s..e].iter().collect();
            let words: Vec<&str> = text.split_whitespace().collect();
            let Some(last) = words.last() else {
                continue;
            };
            let ending = last.trim_end_matches(',').to_lowercase();
            let capital = text
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            if words.len() >= 2
                && COMPANY_ENDINGS.contains(&ending.as_str())
                && capital
                && letters >= 4
                && !text.contains(':')
            {
                let value = words.join(" ");
                return Some((li, s, e, value.trim_end_matches(',').to_string()));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Bank statements

const STATEMENT_CUES: &[&str] = &[
    "statement period",
    "beginning balance",
    "ending balance",
    "opening balance",
    "closing balance",
    "account summary",
];
const STATEMENT_PERIOD_LABELS: &[(&str, f32)] = &[
    ("statement period", 0.95),
    ("statement dates", 0.9),
    ("for the period", 0.85),
    ("period", 0.8),
];
const HOLDER_LABELS: &[(&str, f32)] = &[
    ("account holder", 0.95),
    ("account holder name", 0.95),
    ("account holder's name", 0.95),
    ("account owner", 0.9),
    ("account name", 0.85),
    ("primary owner", 0.85),
];
const BANK_WORDS: &[&str] = &[
    "bank",
    "credit union",
    "savings",
    "bancorp",
    "trust",
    "federal credit",
];

fn looks_like_bank_statement(page: &Page) -> bool {
    STATEMENT_CUES.iter().filter(|c| page.has(c)).count() >= 2
}

fn find_bank_statement(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    let push_date = |out: &mut Vec<Candidate>, kind, d: DateAt, line, certainty: f32| {
        let at = page.span(pi, line, d.start, d.end);
        out.push(candidate(
            kind,
            format_date(d.date),
            certainty * d.certainty(),
            at,
        ));
    };
    for (li, line) in page.lines.iter().enumerate() {
        for (_, ls, le, certainty) in labels_on(line, STATEMENT_PERIOD_LABELS) {
            if let Some(hit) = page.labelled(li, ls, le, date_range) {
                let (first, second) = hit.value;
                let c = certainty * hit.factor;
                push_date(out, FieldKind::StatementStart, first, hit.line, c);
                push_date(out, FieldKind::StatementEnd, second, hit.line, c);
                // The holder's name heads the address block, left of the period.
                if let Some(((name, read), s, e)) = parse_name(line, 0, ls) {
                    let at = page.span(pi, li, s, e);
                    out.push(candidate(FieldKind::AccountHolder, name, 0.8 * read, at));
                }
            }
        }
        for (_, ls, le, certainty) in labels_on(line, HOLDER_LABELS) {
            if let Some(hit) = page.labelled(li, ls, le, parse_name) {
                let at = page.span(pi, hit.line, hit.start, hit.end);
                let ((name, read), factor) = (hit.value, hit.factor);
                out.push(candidate(
                    FieldKind::AccountHolder,
                    name,
                    certainty * factor * read,
                    at,
                ));
            }
        }
    }
    if let Some((li, s, e, value)) = bank_heading(page) {
        out.push(candidate(
            FieldKind::BankName,
            value,
            0.85,
            page.span(pi, li, s, e),
        ));
    }
}

/// The bank's name printed as the statement's heading: a short capitalised run with "Bank",
/// "Credit Union", "Savings" or "Trust" in it, among the first lines.
fn bank_heading(page: &Page) -> Option<(usize, usize, usize, String)> {
    for (li, line) in page.lines.iter().enumerate().take(6) {
        for (s, e, _) in page.blocks(li) {
            let text: String = line.chars[s..e].iter().collect();
            let lower: String = line.lower[s..e].iter().collect();
            let words: Vec<&str> = text.split_whitespace().collect();
            let capital = text.chars().next().is_some_and(char::is_uppercase);
            let banky = BANK_WORDS
                .iter()
                .any(|b| !find_phrase(&line.lower[s..e], b).is_empty());
            if (2..=7).contains(&words.len())
                && capital
                && banky
                && !text.contains(':')
                && !text.chars().any(|c| c.is_ascii_digit())
                && !lower.contains("statement")
            {
                return Some((li, s, e, words.join(" ")));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Receipts

const TOTAL_LABELS: &[(&str, f32)] = &[
    ("grand total", 0.92),
    ("amount due", 0.9),
    ("balance due", 0.9),
    ("total due", 0.9),
    ("total amount", 0.9),
    ("total", 0.88),
    ("balance", 0.75),
];
/// Words after "Total" that make it a total of something else.
#[rustfmt::skip]
const TOTAL_OF_OTHER: &[&str] = &[
    "tax", "taxes", "savings", "saved", "saving", "discount", "discounts", "items", "item", "qty",
    "quantity", "deposits", "withdrawals", "credits", "debits", "fees", "checks", "interest",
    "gross", "deductions", "hours", "earnings", "number", "points",
];
/// Words before "Balance" that make it an account's balance, not what is due.
#[rustfmt::skip]
const BALANCE_OF_ACCOUNT: &[&str] = &[
    "previous", "beginning", "opening", "starting", "prior", "ending", "available", "closing",
    "account",
];

fn find_receipt(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    let mut totals = Vec::new();
    for (li, line) in page.lines.iter().enumerate() {
        for (phrase, ls, le, certainty) in labels_on(line, TOTAL_LABELS) {
            let before = word_before(line, ls);
            let after = word_after(line, le);
            let other = match phrase {
                "total" => before == "sub" || TOTAL_OF_OTHER.contains(&after.as_str()),
                "balance" => BALANCE_OF_ACCOUNT.contains(&before.as_str()) || after == "forward",
                _ => false,
            };
            if other {
                continue;
            }
            if let Some(hit) = page.labelled(li, ls, le, first_money) {
                let at = page.span(pi, hit.line, hit.start, hit.end);
                let c = certainty * hit.factor;
                totals.push(candidate(FieldKind::Total, format_money(hit.value), c, at));
            }
        }
    }
    let prices = page
        .lines
        .iter()
        .flat_map(|l| &l.amounts)
        .filter(|a| a.decimals)
        .count();
    // A receipt has a total and prices; without them, "Total" is some form's table.
    if totals.is_empty() || prices < 2 {
        return;
    }
    out.append(&mut totals);
    if let Some((li, s, e, value)) = merchant(page) {
        out.push(candidate(
            FieldKind::Merchant,
            value,
            0.6,
            page.span(pi, li, s, e),
        ));
    }
    for (li, line) in page.lines.iter().enumerate() {
        for d in &line.dates {
            let labelled = !find_phrase(&line.lower[..d.start], "date").is_empty();
            let certainty = if labelled { 0.85 } else { 0.7 } * d.certainty();
            let at = page.span(pi, li, d.start, d.end);
            let value = format_date(d.date);
            out.push(candidate(FieldKind::PurchaseDate, value, certainty, at));
        }
    }
}

#[rustfmt::skip]
const RECEIPT_BOILERPLATE: &[&str] = &[
    "receipt", "sales", "customer", "welcome", "thank", "thanks", "duplicate", "copy", "store",
    "transaction", "order",
];

/// The merchant: the first line of letters on a receipt (its name at the top), up to the first
/// word with a digit or '#' ("WALGREENS #4521" → "WALGREENS").
fn merchant(page: &Page) -> Option<(usize, usize, usize, String)> {
    for (li, line) in page.lines.iter().enumerate() {
        if !line.dates.is_empty() || line.amounts.iter().any(Amount::is_money) {
            continue;
        }
        let mut words: Vec<String> = Vec::new();
        let (mut start, mut end) = (0, 0);
        for t in &line.tokens {
            let w: String = line.chars[t.start..t.end].iter().collect();
            let has_letters = w.chars().any(char::is_alphabetic);
            if w.chars().any(|c| c.is_ascii_digit() || c == '#')
                || (!has_letters && !words.is_empty())
            {
                break;
            }
            if !has_letters {
                continue;
            }
            if words.is_empty() {
                start = t.start;
            }
            end = t.end;
            words.push(w);
        }
        let first = words.first().map(|w| w.to_lowercase());
        if first.is_some_and(|f| {
            RECEIPT_BOILERPLATE.contains(&f.trim_matches(|c: char| !c.is_alphanumeric()))
        }) {
            continue;
        }
        let value = words.join(" ");
        let value = value.trim_end_matches([',', '-', ':', '*']).trim();
        if value.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            return Some((li, start, end, value.to_string()));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const T: SsnPolicy = SsnPolicy::Training;

    fn text_page(text: &str) -> Extraction {
        extract(
            &[PageInput {
                page: 1,
                text,
                words: &[],
            }],
            T,
        )
    }

    fn value(ex: &Extraction, kind: FieldKind) -> Option<&str> {
        ex.field(kind).map(|f| f.value.as_str())
    }

    /// An OCR'd page made from a layout: each token's column becomes its x (20 px a char), its
    /// line its y (40 px), and the text is rebuilt as the pipeline does (single spaces, '\n').
    fn ocr(layout: &str, confidence: f32) -> (String, Vec<WordBox>) {
        let mut text = String::new();
        let mut words = Vec::new();
        for (li, line) in layout.lines().enumerate() {
            if li > 0 {
                text.push('\n');
            }
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            let mut first = true;
            while i < chars.len() {
                if chars[i].is_whitespace() {
                    i += 1;
                    continue;
                }
                let s = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                let w: String = chars[s..i].iter().collect();
                if !first {
                    text.push(' ');
                }
                first = false;
                text.push_str(&w);
                words.push(WordBox {
                    text: w,
                    confidence,
                    left: s as u32 * 20,
                    top: li as u32 * 40,
                    width: (i - s) as u32 * 20,
                    height: 30,
                });
            }
        }
        (text, words)
    }

    fn ocr_page(layout: &str, confidence: f32) -> Extraction {
        let (text, words) = ocr(layout, confidence);
        extract(
            &[PageInput {
                page: 1,
                text: &text,
                words: &words,
            }],
            T,
        )
    }

    fn digits(ex: &Extraction) -> Vec<String> {
        ex.ssns.iter().map(|s| s.ssn.digits()).collect()
    }

    /// Each case checked on the text as given and as an OCR'd page of the same layout.
    fn check_both(kind: FieldKind, cases: &[(&str, Option<&str>)]) {
        for (text, expected) in cases {
            assert_eq!(
                value(&text_page(text), kind),
                *expected,
                "{kind:?} text layer: {text:?}"
            );
            assert_eq!(
                value(&ocr_page(text, 91.0), kind),
                *expected,
                "{kind:?} ocr: {text:?}"
            );
        }
    }

    #[test]
    fn field_kinds_have_distinct_snake_case_keys_and_labels() {
        let mut keys: Vec<&str> = FieldKind::ALL.iter().map(FieldKind::key).collect();
        assert!(keys
            .iter()
            .all(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FieldKind::ALL.len());
        assert_eq!(FieldKind::DateOfBirth.label(), "Date of birth");
        assert_eq!(FieldKind::PayPeriodStart.key(), "pay_period_start");
    }

    #[test]
    fn dates_in_every_written_form() {
        let cases: &[(&str, &[&str])] = &[
            ("11/03/2026", &["2026-11-03"]),
            ("on 1/2/1980.", &["1980-01-02"]),
            ("11-03-2026", &["2026-11-03"]),
            ("11.03.2026", &["2026-11-03"]),
            ("2026-11-03", &["2026-11-03"]),
            ("2026/11/03", &["2026-11-03"]),
            ("November 3, 2026", &["2026-11-03"]),
            ("Nov 3, 2026", &["2026-11-03"]),
            ("Nov. 3rd 2026", &["2026-11-03"]),
            ("SEPT 30 2026", &["2026-09-30"]),
            ("3 November 2026", &["2026-11-03"]),
            ("NOV 03 2026", &["2026-11-03"]),
            ("03-NOV-2026", &["2026-11-03"]),
            ("11/ 03/2026", &["2026-11-03"]),
            ("10/01/2026 - 10/15/2026", &["2026-10-01", "2026-10-15"]),
            ("02/29/2028", &["2028-02-29"]),
            // Not dates: impossible days, months, years out of range, two-digit years, codes.
            ("02/30/2026", &[]),
            ("02/29/2026", &[]),
            ("13/01/2026", &[]),
            ("00/10/2026", &[]),
            ("01/02/1880", &[]),
            ("01/02/2101", &[]),
            ("11/03/26", &["2026-11-03"]),
            ("12/31/99", &["1999-12-31"]),
            ("11-03-26", &[]),
            ("1/2/3/26", &[]),
            ("November 2026", &[]),
            ("SSA-632-BK (08-2024)", &[]),
            ("912-34-5678", &[]),
            ("1-2-2026-5", &[]),
            ("110/03/2026", &[]),
            ("", &[]),
        ];
        for (text, expected) in cases {
            let lower: Vec<char> = text.chars().map(fold).collect();
            let got: Vec<String> = scan_dates(&lower)
                .iter()
                .map(|d| format_date(d.date))
                .collect();
            assert_eq!(got, *expected, "{text:?}");
        }
    }

    #[test]
    fn amounts_are_read_as_money() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            ("$1,234.56", &[("1234.56", true)]),
            (
                "$ 1,600.00  $16,000.00",
                &[("1600.00", true), ("16000.00", true)],
            ),
            ("14.57", &[("14.57", true)]),
            ("TOTAL:14.57", &[("14.57", true)]),
            ("1234", &[("1234.00", false)]),
            ("$25", &[("25.00", true)]),
            ("10/15/2026", &[]),
            ("10.15.2026", &[]),
            ("1,23", &[]),
            ("ITEM 200MG 8.99", &[("8.99", true)]),
        ];
        for (text, expected) in cases {
            let chars: Vec<char> = text.chars().collect();
            let got: Vec<(String, bool)> = scan_amounts(&chars)
                .iter()
                .map(|a| (format_money(a.cents), a.is_money()))
                .collect();
            let expected: Vec<(String, bool)> =
                expected.iter().map(|(v, m)| (v.to_string(), *m)).collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn claimant_names_from_many_layouts() {
        check_both(
            FieldKind::ClaimantName,
            &[
                ("Claimant's name: JANE Q DOE", Some("Jane Q Doe")),
                ("CLAIMANT’S NAME JANE Q DOE", Some("Jane Q Doe")),
                ("NAME OF CLAIMANT\nJANE Q. DOE", Some("Jane Q. Doe")),
                (
                    "Name of wage earner: John O'Brien-Smith",
                    Some("John O'Brien-Smith"),
                ),
                (
                    "NAME OF WAGE EARNER: JOHN O'BRIEN-SMITH",
                    Some("John O'Brien-Smith"),
                ),
                ("Patient: MARIA DE LA CRUZ", Some("Maria De La Cruz")),
                ("Patient Name: Ana de la Cruz", Some("Ana de la Cruz")),
                ("Account holder: Jane Doe", Some("Jane Doe")),
                ("Print name Jane Doe Date 11/03/2026", Some("Jane Doe")),
                ("Name (First, MI, Last): Jane Q Doe", Some("Jane Q Doe")),
                ("Name: DOE, JANE", Some("Doe, Jane")),
                ("Name: Mr. John Smith", Some("John Smith")),
                ("Claimant: Jane Doe SSN: 912-34-5678", Some("Jane Doe")),
                (
                    "Name of person: Robert L. King III",
                    Some("Robert L. King III"),
                ),
                ("1. Name\n   JANE DOE\n2. Address", Some("Jane Doe")),
                ("CLAIMANT: JOHN Q PUBL1C", Some("John Q Public")),
                (
                    "NAME OF CLAIMANT / WAGE EARNER\nLINDA M. OKAFOR",
                    Some("Linda M. Okafor"),
                ),
                (
                    "Name of overpaid person: Mary K. Johnson",
                    Some("Mary K. Johnson"),
                ),
                // Not the claimant's name, or not a name at all.
                ("Employer name: Acme Widgets Inc", None),
                ("Name of employer: Acme Widgets", None),
                ("Representative's name: John Roe", None),
                ("Name: Date of birth", None),
                ("Name of person completing this form\nJohn Smith", None),
                ("Name:\nN/A", None),
                ("Name: 12345", None),
                ("Name: Jane", None),
                ("Name: ACME WIDGETS INC", None),
                ("Claimant's signature", None),
                ("Name And Address Of The Claimant", None),
                ("Name: Jane Doe Mary Ann Smith", None),
            ],
        );
    }

    #[test]
    fn bank_statements_give_holder_bank_and_period() {
        let layout = "First Federal Savings Bank\n\
                      12 Main St, Springfield, IL 62701  Customer service (800) 555-0112      Member FDIC\n\
                      MARIA LOPEZ          Statement period:   10/01/2026 through 10/31/2026\n\
                      12 Elm St            Account number:     XXXXXX1234\n\
                      ACCOUNT SUMMARY\n\
                      Beginning balance        1,200.00\n\
                      Ending balance           1,450.00\n";
        for (label, ex) in [
            ("text layer", text_page(layout)),
            ("ocr", ocr_page(layout, 91.0)),
        ] {
            assert_eq!(
                value(&ex, FieldKind::AccountHolder),
                Some("Maria Lopez"),
                "{label}"
            );
            assert_eq!(
                value(&ex, FieldKind::BankName),
                Some("First Federal Savings Bank"),
                "{label}"
            );
            assert_eq!(
                value(&ex, FieldKind::StatementStart),
                Some("2026-10-01"),
                "{label}"
            );
            assert_eq!(
                value(&ex, FieldKind::StatementEnd),
                Some("2026-10-31"),
                "{label}"
            );
        }
        let labelled = text_page(
            "Heartland Bank & Trust\nAccount holder: Maria Lopez\nStatement period 10/01/2026 - 10/31/2026\nEnding balance 5.00\n",
        );
        assert_eq!(
            value(&labelled, FieldKind::AccountHolder),
            Some("Maria Lopez")
        );
        assert_eq!(
            value(&labelled, FieldKind::BankName),
            Some("Heartland Bank & Trust")
        );
        // Not a statement: no bank fields.
        let letter = text_page("First Federal Savings Bank\nDear Sir, please update my address.");
        assert_eq!(value(&letter, FieldKind::BankName), None);
    }

    /// Names and SSNs printed plainly that the workbench once reported "Not found".
    #[test]
    fn plainly_printed_names_and_ssns_are_found() {
        let mut missed = Vec::new();
        let names: &[(&str, Option<&str>)] = &[
            ("Name: Maria Lopez", Some("Maria Lopez")),
            (
                "Name: Maria Lopez. I moved last month.",
                Some("Maria Lopez"),
            ),
            ("Claimant: Maria Lopez.", Some("Maria Lopez")),
            ("NAME: MARIA LOPEZ", Some("Maria Lopez")),
            ("CLAIMANT NAME  JOHN Q PUBLIC", Some("John Q Public")),
            ("CLAIMANT NAME JOHN Q PUBLIC", Some("John Q Public")),
            ("Claimant name:\nMaria Lopez", Some("Maria Lopez")),
            ("Name\nMaria Lopez", Some("Maria Lopez")),
            ("NAME\nMARIA LOPEZ", Some("Maria Lopez")),
            ("Claimant Name:    Maria Lopez", Some("Maria Lopez")),
            ("Name:  Maria Lopez  SSN: 900-12-3456", Some("Maria Lopez")),
            ("Name: Maria Lopez\nSSN: 900-12-3456", Some("Maria Lopez")),
            ("Full name: Maria Elena Lopez", Some("Maria Elena Lopez")),
            ("Claimant: MARIA LOPEZ", Some("Maria Lopez")),
            ("Re: Maria Lopez", Some("Maria Lopez")),
            ("RE: MARIA LOPEZ\nSSN: 900-12-3456", Some("Maria Lopez")),
            ("Beneficiary: Maria Lopez", Some("Maria Lopez")),
            (
                "Re: Overpayment notice\n    Maria Lopez",
                Some("Maria Lopez"),
            ),
            ("Re: Your letter of May 3", None),
            ("Re: Request for waiver", None),
            ("Name of claimant: Lopez, Maria", Some("Lopez, Maria")),
            ("NAME LOPEZ, MARIA", Some("Lopez, Maria")),
            ("Claimant name (print): Maria Lopez", Some("Maria Lopez")),
        ];
        for (text, expected) in names {
            let got = value(&text_page(text), FieldKind::ClaimantName).map(str::to_string);
            if got.as_deref() != *expected {
                missed.push(format!("name, text layer {text:?}: {got:?}"));
            }
            let got = value(&ocr_page(text, 91.0), FieldKind::ClaimantName).map(str::to_string);
            if got.as_deref() != *expected {
                missed.push(format!("name, ocr {text:?}: {got:?}"));
            }
        }
        let ssns = [
            "SSN: 900-12-3456",
            "SSN 900-12-3456",
            "Social Security Number 900 12 3456",
            "Social Security Number: 900-12-3456",
            "SOCIAL SECURITY NUMBER  900-12-3456",
            "Social Security No. 900-12-3456",
            "SSN\n900-12-3456",
            "Name: Maria Lopez  SSN: 900-12-3456",
            "Claimant SSN: 900123456",
            "SS#: 900-12-3456",
            "SSN: 900 - 12 - 3456",
        ];
        for text in ssns {
            if digits(&text_page(text)) != ["900123456"] {
                missed.push(format!("SSN, text layer {text:?}"));
            }
            if digits(&ocr_page(text, 91.0)) != ["900123456"] {
                missed.push(format!("SSN, ocr {text:?}"));
            }
        }
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn names_in_columns_of_a_text_layer_stop_at_the_column() {
        let ex = text_page(
            "Employee Name   ROBERT  JONES JR.      Employee ID 12345\n\
             Name                          Date of birth\n",
        );
        assert_eq!(
            value(&ex, FieldKind::ClaimantName),
            Some("Robert Jones Jr.")
        );
        let ex = text_page(
            "Name                          Date of birth\nJANE Q DOE                    01/02/1980",
        );
        assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
        assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
        // The same form OCR'd: the columns survive only in the word boxes.
        let ex = ocr_page(
            "Name                          Date of birth\nJANE Q DOE                    01/02/1980",
            90.0,
        );
        assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
        assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
    }

    #[test]
    fn dates_of_birth() {
        check_both(
            FieldKind::DateOfBirth,
            &[
                ("Date of birth: 01/02/1980", Some("1980-01-02")),
                ("DOB 1/2/1980", Some("1980-01-02")),
                ("Birth date: January 2, 1980", Some("1980-01-02")),
                ("Date of Birth (MM/DD/YYYY)\n01-02-1980", Some("1980-01-02")),
                ("Born: 2 Jan 1980", Some("1980-01-02")),
                ("D.O.B.: 1980-01-02", Some("1980-01-02")),
                (
                    "Name: Jane Doe DOB: 01/02/1980 SSN: 912-34-5678",
                    Some("1980-01-02"),
                ),
                ("DOB: 02/30/1980", None),
                ("DOB: 01/02/80", None),
                ("DOB: 13/01/1980", None),
                ("DOB: 01/02/1880", None),
                ("DOB: unknown", None),
                ("Date of birth: Date signed: 11/03/2026", None),
            ],
        );
        // A child's date of birth yields to the claimant's.
        let ex = text_page("Child's date of birth: 05/06/2015\nDate of birth: 01/02/1980");
        assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
    }

    #[test]
    fn signature_dates() {
        check_both(
            FieldKind::SignedOn,
            &[
                ("Signature of claimant Date 11/03/2026", Some("2026-11-03")),
                ("Date signed: November 3, 2026", Some("2026-11-03")),
                ("Signature: Jane Doe\nDate: 11/3/2026", Some("2026-11-03")),
                ("SIGNATURE\nJane Doe\nDATE 2026-11-03", Some("2026-11-03")),
                (
                    "Signature of person making statement Date\nLinda Okafor 10/30/2026",
                    Some("2026-10-30"),
                ),
                ("Signature of claimant Date 11/3/26", Some("2026-11-03")),
                ("Date of birth: Date signed: 11/03/2026", Some("2026-11-03")),
                // A date with no signature near it, or another kind of date.
                ("Date: 11/03/2026", None),
                ("Signature\nPay date 10/20/2026", None),
                ("Signature\nDate of birth 01/02/1980", None),
                ("Date signed: 02/30/2026", None),
            ],
        );
        // "Date signed" wins over a bare "Date" near the signature.
        let ex = text_page("Signature of claimant Date 11/01/2026\nDate signed 11/03/2026");
        assert_eq!(value(&ex, FieldKind::SignedOn), Some("2026-11-03"));
    }

    #[test]
    fn signature_date_printed_under_its_label_in_an_ocr_column() {
        let layout = "Signature of claimant                 Date (Month, day, year)\n\
                      Jane Doe                              11/03/2026";
        let ex = ocr_page(layout, 88.0);
        let f = ex.field(FieldKind::SignedOn).unwrap();
        assert_eq!(f.value, "2026-11-03");
        assert_eq!(
            f.bbox,
            Some(BoxOnPage {
                left: 38 * 20,
                top: 40,
                width: 200,
                height: 30
            })
        );
    }

    #[test]
    fn received_stamps() {
        check_both(
            FieldKind::ReceivedOn,
            &[
                ("RECEIVED NOV 03 2026", Some("2026-11-03")),
                (
                    "RECEIVED\nNOV 03 2026\nSSA FIELD OFFICE",
                    Some("2026-11-03"),
                ),
                ("RECEIVED 11/03/2026", Some("2026-11-03")),
                ("Date received: 2026-11-03", Some("2026-11-03")),
                ("RECEIVED\n\n3 November 2026", Some("2026-11-03")),
                ("RECEIVED", None),
                ("RECEIVED NOV 31 2026", None),
            ],
        );
        // A stamp outranks "received" in running text.
        let ex = text_page("I received the notice on 10/01/2026.\nRECEIVED NOV 03 2026");
        assert_eq!(value(&ex, FieldKind::ReceivedOn), Some("2026-11-03"));
    }

    #[test]
    fn form_numbers_as_printed() {
        let cases: &[(&str, &[&str])] = &[
            ("Form SSA-827 (11-2024)", &["SSA-827"]),
            ("SSA-561-U2 REQUEST FOR RECONSIDERATION", &["SSA-561-U2"]),
            ("SSA 3368-BK", &["SSA-3368-BK"]),
            ("Form SSA-632-BK (08-2024)", &["SSA-632-BK"]),
            (
                "Form SS-5 Application for a Social Security Card",
                &["SS-5"],
            ),
            ("SSA\u{2014}827", &["SSA-827"]),
            ("SSA -827", &["SSA-827"]),
            ("ssa-1696-u4", &["SSA-1696-U4"]),
            ("see www.ssa.gov/forms/ssa-827.pdf", &["SSA-827"]),
            // Header and footer print the same number: once.
            (
                "SSA-827\nAUTHORIZATION TO DISCLOSE\nForm SSA-827 (11-2024) ef",
                &["SSA-827"],
            ),
            // Two forms: the one called "Form" and exactly hyphenated first.
            (
                "See also SSA 827.\nForm SSA-561-U2 (08-2024)",
                &["SSA-561-U2", "SSA-827"],
            ),
            // Not form numbers.
            ("CLASS-5 boss-12 SSAB-827 SS 5 ssa.gov SSA-82700", &[]),
            ("Social Security Administration", &[]),
        ];
        for (text, expected) in cases {
            let ex = text_page(text);
            assert_eq!(ex.form_numbers, *expected, "{text:?}");
            assert_eq!(
                value(&ex, FieldKind::FormNumber),
                expected.first().copied(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn ssns_with_and_without_labels() {
        let labelled = [
            "SSN: 912-34-5678",
            "SSN:912-34-5678",
            "Social Security Number 912 34 5678",
            "Claimant SSN 912345678",
            "Soc. Sec. No. 912-34-5678",
            "SSN (if known): 912-34-5678",
            "SSN:\n912-34-5678",
            "Claimant's Social Security Number\n912 34 5678",
        ];
        let unlabelled = text_page("Re: 912-34-5678").ssns[0].confidence;
        for text in labelled {
            let ex = text_page(text);
            assert_eq!(digits(&ex), ["912345678"], "{text:?}");
            assert!(ex.ssns[0].confidence > unlabelled, "{text:?}");
            assert_eq!(ex.ssns[0].page, 1);
        }
        let cases: &[(&str, &[&str])] = &[
            ("Re: 912-34-5678", &["912345678"]),
            ("claim 912 34 5678 filed", &["912345678"]),
            ("912345678", &["912345678"]),
            // Phone numbers, long digit runs, codes, dates and mixed separators are not SSNs.
            ("call 555-123-4567", &[]),
            ("Account 1234567890", &[]),
            ("Claim A912345678", &[]),
            ("912-34 5678", &[]),
            ("ref 12-912-34-5678", &[]),
            ("on 2026-11-24", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(digits(&text_page(text)), *expected, "{text:?}");
        }
    }

    #[test]
    fn two_ssns_are_both_returned_the_claimants_first() {
        let cases = [
            "Representative payee SSN: 923-45-6789\nClaimant SSN: 912-34-5678",
            "Payee SSN 923-45-6789 Claimant's SSN 912-34-5678",
            "SSN: 912-34-5678\nPayee's Social Security Number: 923-45-6789\nSSN 912-34-5678",
            "912-34-5678\nRepresentative SSN: 923-45-6789",
        ];
        for text in cases {
            assert_eq!(
                digits(&text_page(text)),
                ["912345678", "923456789"],
                "{text:?}"
            );
        }
        // Across pages, the first labelled number on page 1 leads.
        let pages = [
            PageInput {
                page: 1,
                text: "SSN: 934-56-7890",
                words: &[],
            },
            PageInput {
                page: 2,
                text: "SSN: 912-34-5678\nSSN: 934-56-7890",
                words: &[],
            },
        ];
        let ex = extract(&pages, T);
        assert_eq!(digits(&ex), ["934567890", "912345678"]);
        assert_eq!(ex.ssns[1].page, 2);
    }

    #[test]
    fn ssns_the_policy_refuses_are_not_returned() {
        let cases: &[(&str, SsnPolicy, usize)] = &[
            ("SSN: 666-12-3456", SsnPolicy::Live, 0),
            ("SSN: 666-12-3456", SsnPolicy::Training, 0),
            ("SSN: 912-34-5678", SsnPolicy::Live, 0),
            ("SSN: 912-34-5678", SsnPolicy::Training, 1),
            ("SSN: 912-00-5678", SsnPolicy::Training, 0),
            ("SSN: 912-34-0000", SsnPolicy::Training, 0),
            ("SSN: 000-34-5678", SsnPolicy::Training, 0),
            ("SSN: 6G6-12-3456", SsnPolicy::Training, 0),
            ("SSN: 9l2-34-S678", SsnPolicy::Live, 0),
        ];
        for (text, policy, n) in cases {
            let ex = extract(
                &[PageInput {
                    page: 1,
                    text,
                    words: &[],
                }],
                *policy,
            );
            assert_eq!(ex.ssns.len(), *n, "{text:?} {policy:?}");
        }
    }

    #[test]
    fn ocr_confused_ssns_after_a_label() {
        let exact = text_page("SSN: 912-34-5678").ssns[0].confidence;
        let cases: &[(&str, &[&str])] = &[
            ("SSN: 9l2-34-S678", &["912345678"]),
            ("SSN: 912-34-567B", &["912345678"]),
            ("SSN 9I2 34 5678", &["912345678"]),
            ("SSN: 912\u{2014}34\u{2014}5678", &["912345678"]),
            ("SSN: 912 - 34 - 5678", &["912345678"]),
            ("SSN: 9|2-34-5678.", &["912345678"]),
            ("Social Security No.\n9l2-34-5678", &["912345678"]),
            ("SSN: 912-34-5678B", &[]),
            ("SSN: SOSOSOSOS", &[]),
            ("SSN: Oslo BBQ", &[]),
            // Without a label a confusion is just a word.
            ("ref 9l2-34-S678", &[]),
        ];
        for (text, expected) in cases {
            let ex = text_page(text);
            assert_eq!(digits(&ex), *expected, "{text:?}");
            if let Some(s) = ex.ssns.first() {
                assert!(s.confidence < exact, "{text:?}");
            }
        }
    }

    #[test]
    fn no_field_value_holds_an_ssn() {
        let text = "Employer: 912-34-5678\nName: Jane Doe 912345678\nDate signed 912-34-5678\n\
                    Signature\nCompany 912 34 5678";
        let ex = text_page(text);
        assert_eq!(digits(&ex), ["912345678"]);
        for f in &ex.fields {
            assert!(!f.value.contains("5678"), "{:?}", f);
        }
        assert!(!format!("{ex:?}").contains("912"));
    }

    #[test]
    fn boxes_and_confidence_from_ocr_words() {
        let (text, mut words) = ocr("Claimant: JANE Q DOE\nSSN: 912-34-5678", 90.0);
        words[1].confidence = 60.0;
        let ex = extract(
            &[PageInput {
                page: 3,
                text: &text,
                words: &words,
            }],
            T,
        );
        let name = ex.field(FieldKind::ClaimantName).unwrap();
        assert_eq!(name.value, "Jane Q Doe");
        assert_eq!(name.page, 3);
        // JANE at column 10, Q at 15, DOE at 17..20.
        assert_eq!(
            name.bbox,
            Some(BoxOnPage {
                left: 200,
                top: 0,
                width: 200,
                height: 30
            })
        );
        assert!(
            (name.confidence - 0.85 * 0.8).abs() < 1e-4,
            "{}",
            name.confidence
        );
        let ssn = &ex.ssns[0];
        assert_eq!(
            ssn.bbox,
            Some(BoxOnPage {
                left: 100,
                top: 40,
                width: 220,
                height: 30
            })
        );
        assert!(
            (ssn.confidence - 0.95 * 0.9).abs() < 1e-4,
            "{}",
            ssn.confidence
        );
        // The same text as a text layer: full OCR confidence, no boxes.
        let ex = text_page(&text);
        let name = ex.field(FieldKind::ClaimantName).unwrap();
        assert_eq!((name.bbox, name.confidence), (None, 0.85));
        assert_eq!(ex.ssns[0].bbox, None);
    }

    #[test]
    fn boxes_when_words_do_not_match_the_text_one_for_one() {
        // The text has a token the words lack ("|", a rule Tesseract dropped) and punctuation
        // the words spell differently.
        let words: Vec<WordBox> = [
            ("DOB", 10),
            ("01/02/1980.", 200),
            ("Form", 400),
            ("SSA-827", 500),
        ]
        .iter()
        .map(|&(t, left)| WordBox {
            text: t.into(),
            confidence: 80.0,
            left,
            top: 10,
            width: 90,
            height: 20,
        })
        .collect();
        let text = "DOB | 01/02/1980\nForm SSA\u{2014}827";
        let ex = extract(
            &[PageInput {
                page: 1,
                text,
                words: &words,
            }],
            T,
        );
        let dob = ex.field(FieldKind::DateOfBirth).unwrap();
        assert_eq!(dob.value, "1980-01-02");
        assert_eq!(dob.bbox.map(|b| b.left), Some(200));
        let form = ex.field(FieldKind::FormNumber).unwrap();
        assert_eq!(form.value, "SSA-827");
        assert_eq!(form.bbox.map(|b| b.left), Some(500));
        assert!(
            (form.confidence - 0.89 * 0.8).abs() < 1e-4,
            "{}",
            form.confidence
        );
    }

    const STUB_TEXT_LAYER: &str = "\
ACME WIDGETS INC
123 Industrial Pkwy, Springfield IL 62701
EARNINGS STATEMENT
Employee Name: JANE Q DOE          Employee ID: 00417
Pay Period: 10/01/2026 - 10/15/2026        Pay Date: 10/20/2026
Earnings            Rate     Hours     Current      YTD
Regular            20.00     80.00    1,600.00   16,000.00
Gross Pay                             $1,600.00  $16,000.00
Federal Withholding                     -160.00   -1,600.00
Net Pay                               $1,250.00  $12,500.00
";

    const STUB_OCR: &str = "\
Riverside Community Hospital
Payroll Department
Employee: Maria Lopez
Period beginning 09/14/2026 Period ending 09/27/2026
Check Date: Oct 2, 2026
Gross Earnings 2,345.67 18,765.36
Deductions 456.78
Net pay 1,888.89
";

    const STUB_LABELLED: &str = "\
Employer: Blue Ridge Services LLC
Employee: JOHN A SMITH
Period: 10/01/2026 to 10/15/2026
Pay date
10/20/2026
Total gross $2,000.00
Net pay $1,600.00
";

    #[test]
    fn pay_stubs() {
        use FieldKind::*;
        type Expected<'a> = &'a [(FieldKind, Option<&'a str>)];
        let cases: &[(&str, Expected)] = &[
            (
                STUB_TEXT_LAYER,
                &[
                    (Employer, Some("ACME WIDGETS INC")),
                    (ClaimantName, Some("Jane Q Doe")),
                    (PayPeriodStart, Some("2026-10-01")),
                    (PayPeriodEnd, Some("2026-10-15")),
                    (PayDate, Some("2026-10-20")),
                    (GrossPay, Some("1600.00")),
                    (Total, None),
                    (Merchant, None),
                ],
            ),
            (
                STUB_OCR,
                &[
                    (Employer, Some("Riverside Community Hospital")),
                    (ClaimantName, Some("Maria Lopez")),
                    (PayPeriodStart, Some("2026-09-14")),
                    (PayPeriodEnd, Some("2026-09-27")),
                    (PayDate, Some("2026-10-02")),
                    (GrossPay, Some("2345.67")),
                ],
            ),
            (
                STUB_LABELLED,
                &[
                    (Employer, Some("Blue Ridge Services LLC")),
                    (ClaimantName, Some("John A Smith")),
                    (PayPeriodStart, Some("2026-10-01")),
                    (PayPeriodEnd, Some("2026-10-15")),
                    (PayDate, Some("2026-10-20")),
                    (GrossPay, Some("2000.00")),
                ],
            ),
            (
                "Gross Pay Net Pay\n2,000.00 1,500.00\nPay period 10/16/2026 through 10/31/2026",
                &[
                    (GrossPay, Some("2000.00")),
                    (PayPeriodStart, Some("2026-10-16")),
                    (PayPeriodEnd, Some("2026-10-31")),
                ],
            ),
            (
                "Week ending 10/09/2026\nGross YTD 20,000.00\nGross pay 500.00\nNet pay 420.00",
                &[
                    (PayPeriodEnd, Some("2026-10-09")),
                    (GrossPay, Some("500.00")),
                ],
            ),
            (
                "Description      Hours    Current        YTD\nGross Pay        80.00   1,920.00  38,400.00\nNet pay 1,500.00",
                &[(GrossPay, Some("1920.00"))],
            ),
            // A period backwards is not a period.
            (
                "Pay period 10/15/2026 - 10/01/2026\nGross pay 1.00",
                &[(PayPeriodStart, None)],
            ),
        ];
        for (text, expected) in cases {
            for ex in [text_page(text), ocr_page(text, 85.0)] {
                for (kind, want) in *expected {
                    assert_eq!(value(&ex, *kind), *want, "{kind:?} in {text:?}");
                }
            }
        }
    }

    #[test]
    fn pay_stub_words_off_a_pay_stub_are_weaker_or_ignored() {
        // "Period" on a disability form is not a pay period; a letterhead is not an employer.
        let ex =
            text_page("Period of disability 01/01/2025 - 06/30/2026\nSunrise Medical Services");
        assert_eq!(value(&ex, FieldKind::PayPeriodStart), None);
        assert_eq!(value(&ex, FieldKind::Employer), None);
        // A labelled employer on a form still counts.
        let ex = text_page("Form SSA-821-BK\nName of employer: Acme Widgets Inc.");
        assert_eq!(value(&ex, FieldKind::Employer), Some("Acme Widgets Inc."));
        for text in [
            "Employer ID: 12-3456789",
            "Employer address: 12 Main St",
            "Employer:",
        ] {
            assert_eq!(
                value(&text_page(text), FieldKind::Employer),
                None,
                "{text:?}"
            );
        }
    }

    const RECEIPT: &str = "\
*** WALGREENS #4521 ***
123 MAIN ST
SPRINGFIELD IL
11/03/2026 2:15 PM
IBUPROFEN 200MG 8.99
BANDAGES 4.50
SUBTOTAL 13.49
TAX 1.08
TOTAL 14.57
VISA 14.57
";

    #[test]
    fn receipts() {
        use FieldKind::*;
        let cases: &[(&str, [Option<&str>; 3])] = &[
            (RECEIPT, [Some("WALGREENS"), Some("2026-11-03"), Some("14.57")]),
            (
                "CVS/pharmacy\nStore 1234\nDate: Nov 3, 2026\nRX 12.00\nCOPAY 3.50\nSUB-TOTAL 15.50\nBALANCE DUE $1,234.50",
                [Some("CVS/pharmacy"), Some("2026-11-03"), Some("1234.50")],
            ),
            (
                "Thank you for shopping\nCorner Market\nMILK 3.99\nBREAD 2.49\nSUB TOTAL 6.48\nTOTAL SAVINGS 1.00\nAMOUNT DUE $6.48\n2026-11-03",
                [Some("Corner Market"), Some("2026-11-03"), Some("6.48")],
            ),
            (
                "Kroger\n#452 Main St\n10/30/26 11:42\nMILK 2% 3.49\nEGGS 2.99\nSUBTOTAL 6.48\nBALANCE 6.48\nCHANGE 3.52",
                [Some("Kroger"), Some("2026-10-30"), Some("6.48")],
            ),
            // SUBTOTAL alone is not a total, and without a total this is no receipt.
            ("Corner Market\nMILK 3.99\nSUBTOTAL 13.49\nTAX 1.08", [None, None, None]),
            // A form's table with a total is not a receipt.
            ("Form SSA-632-BK\nRent 800.00\nFood 300.00\nTotal 1,100.00", [None, None, None]),
        ];
        for (text, [merchant, date, total]) in cases {
            for ex in [text_page(text), ocr_page(text, 80.0)] {
                assert_eq!(value(&ex, Merchant), *merchant, "{text:?}");
                assert_eq!(value(&ex, PurchaseDate), *date, "{text:?}");
                assert_eq!(value(&ex, Total), *total, "{text:?}");
            }
        }
    }

    #[test]
    fn a_whole_form_page() {
        let text = "\
Form SSA-561-U2 (08-2024)                              OMB No. 0960-0622
REQUEST FOR RECONSIDERATION
NAME OF CLAIMANT                        CLAIMANT SSN
JANE Q DOE                              912-34-5678
NAME OF WAGE EARNER (if different)      WAGE EARNER SSN (if different)

Date of birth: 01/02/1980
Representative payee: John Roe          Payee SSN: 923-45-6789
Signature of claimant ___________________   Date 11/03/2026
                                  RECEIVED
                                 NOV 05 2026
";
        for ex in [text_page(text), ocr_page(text, 93.0)] {
            assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
            assert_eq!(value(&ex, FieldKind::FormNumber), Some("SSA-561-U2"));
            assert_eq!(ex.form_numbers, ["SSA-561-U2"]);
            assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
            assert_eq!(value(&ex, FieldKind::SignedOn), Some("2026-11-03"));
            assert_eq!(value(&ex, FieldKind::ReceivedOn), Some("2026-11-05"));
            assert_eq!(digits(&ex), ["912345678", "923456789"]);
            for kind in [
                FieldKind::Employer,
                FieldKind::GrossPay,
                FieldKind::Total,
                FieldKind::Merchant,
            ] {
                assert_eq!(value(&ex, kind), None, "{kind:?}");
            }
        }
    }

    #[test]
    fn any_text_is_safe_to_extract() {
        // A fixed scramble of labels, numbers and OCR debris: no panic, scores within 0..1, no
        // field value holding an SSN, every SSN found accepted by the policy.
        let debris: Vec<char> =
            "aSsOolIB|9012345678 -\u{2014}:/.,$#()\n\tDdNnMeTRrCcYyPp'\u{2019}_\u{3a9}\u{c9}"
                .chars()
                .collect();
        let pieces = [
            "SSN",
            "Name",
            "Date",
            "DOB",
            "RECEIVED",
            "TOTAL",
            "Gross pay",
            "Pay period",
            "SSA-",
            "SS-",
            "Nov",
            "912-34-5678",
            "01/02/1980",
            "$1,234.56",
            "Employer",
            "Inc",
            "   ",
            "\n",
            "Signature",
            "Claimant",
            "(",
            ")",
            "666-12-3456",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..next() % 60 {
                if next() % 3 == 0 {
                    text.push_str(pieces[next() % pieces.len()]);
                } else {
                    text.push(debris[next() % debris.len()]);
                }
            }
            let words: Vec<WordBox> = text
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| WordBox {
                    text: w.into(),
                    confidence: (next() % 120) as f32 - 10.0,
                    left: i as u32 * 37,
                    top: 0,
                    width: 30,
                    height: 20,
                })
                .collect();
            let pages = [
                PageInput {
                    page: 1,
                    text: &text,
                    words: &words,
                },
                PageInput {
                    page: 2,
                    text: &text,
                    words: &[],
                },
            ];
            let ex = extract(&pages, T);
            for f in &ex.fields {
                assert!((0.0..=1.0).contains(&f.confidence), "{text:?}");
                assert_eq!(mask_in_text(&f.value), f.value, "{text:?}");
            }
            for s in &ex.ssns {
                assert!((0.0..=1.0).contains(&s.confidence), "{text:?}");
                assert!(Ssn::parse(&s.ssn.digits(), T).is_ok());
                assert_ne!(s.ssn.digits(), "666123456");
            }
        }
    }

    #[test]
    fn empty_and_garbage_pages_yield_nothing() {
        let garbage = [
            "",
            "\n\n   \n",
            "%%$#@!! ~~~ 0O0O ||| ;;;\n\u{fffd}\u{fffd} lorem 12 34",
            "Ω≈ç√∫ ßœ∑ 名前: 山田 ——— ''' $$$ ... ,,, ///",
            "SSN: SSN: SSN:\nName: Name:\nDate Date Date\nTOTAL TOTAL",
            "ssa- ss- 1/ /2026 $ $. .00 9-9-9999 99/99/9999",
        ];
        for text in garbage {
            for ex in [text_page(text), ocr_page(text, 40.0)] {
                assert_eq!(ex, Extraction::default(), "{text:?}");
            }
        }
        assert_eq!(extract(&[], T), Extraction::default());
    }
}
