//! Field extraction: what a document's pages say — the claimant's name and SSNs, the form
//! number, the dates a form was born, signed and received, and what a pay stub or a receipt
//! states — each value normalised, scored, and tied to the word boxes it was read from so the
//! interface can point at it.
//!
//! Pure rules over the text the pipeline produced (OCR words joined with ' ' and '\n', or a PDF
//! text layer without boxes): no IO, no async, no logging. The scanners are written by hand so
//! the domain crate keeps its few dependencies. A full SSN lives only inside [`Ssn`]: no
//! [`Field`] value ever holds one.
//!
//! The scanners shared by every kind of document are `page` (lines, tokens, the OCR words under
//! them and where a label's value lies), `labels`, `dates` and `money`; each kind of value then
//! has its own file: `ssns`, `forms`, `names`, `form_dates`, `pay`, `bank` and `receipts`. This
//! file holds the public types and [`extract()`], which runs them and keeps the best of each.
//!
//! Word and label tables are laid out by hand (`rustfmt::skip`): one entry a line would run
//! to pages.

mod bank;
mod dates;
mod form_dates;
mod forms;
mod labels;
mod money;
mod names;
mod page;
mod pay;
mod receipts;
mod ssns;
#[cfg(test)]
mod tests;

use self::bank::{find_bank_statement, looks_like_bank_statement};
use self::form_dates::find_form_dates;
use self::forms::{find_forms, FormHit};
use self::names::find_names;
use self::page::{candidate, Candidate, Page, Span};
use self::pay::{find_pay, looks_like_pay_stub};
use self::receipts::find_receipt;
use self::ssns::{find_ssns, SsnHit};
use crate::ssn::{mask_in_text, Ssn, SsnPolicy};
use serde::{Deserialize, Serialize};

/// One OCR word as Tesseract gives it.
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

/// A word may be an SSN: `Debug` shows its text masked.
impl std::fmt::Debug for WordBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordBox")
            .field("text", &mask_in_text(&self.text))
            .field("confidence", &self.confidence)
            .field("left", &self.left)
            .field("top", &self.top)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
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
    let form_numbers = form_numbers(&pages, form_hits, &mut candidates);
    Extraction {
        fields: best_fields(&pages, candidates),
        ssns: distinct_ssns(&pages, ssn_hits),
        form_numbers,
    }
}

/// The OCR-weighted confidence (0..1), page number and box of what was read at `at` with
/// `certainty`.
fn score(pages: &[Page<'_>], at: Span, certainty: f32) -> (f32, u32, Option<BoxOnPage>) {
    let Some(page) = pages.get(at.page) else {
        return (0.0, 0, None);
    };
    let (ocr, bbox) = page.evidence(at.line, at.start, at.end);
    ((certainty * ocr).clamp(0.0, 1.0), page.number, bbox)
}

/// Where `at` lies in reading order: page number, line, first char.
fn position(pages: &[Page<'_>], at: Span) -> (u32, usize, usize) {
    (
        pages.get(at.page).map_or(0, |p| p.number),
        at.line,
        at.start,
    )
}

/// Form numbers: best first, each once; the best is also the FormNumber field.
fn form_numbers(
    pages: &[Page<'_>],
    hits: Vec<FormHit>,
    candidates: &mut Vec<Candidate>,
) -> Vec<String> {
    let mut forms: Vec<(FormHit, f32)> = hits
        .into_iter()
        .map(|h| {
            let confidence = score(pages, h.at, h.certainty).0;
            (h, confidence)
        })
        .collect();
    forms.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| position(pages, a.0.at).cmp(&position(pages, b.0.at)))
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
    form_numbers
}

/// Fields: the most confident candidate of each kind, the earliest on a tie. A value that
/// looks like an SSN is dropped: SSNs live only in `ssns`.
fn best_fields(pages: &[Page<'_>], candidates: Vec<Candidate>) -> Vec<Field> {
    let mut scored: Vec<(Candidate, f32, u32, Option<BoxOnPage>)> = candidates
        .into_iter()
        .filter(|c| !c.value.is_empty() && mask_in_text(&c.value) == c.value)
        .map(|c| {
            let (confidence, page, bbox) = score(pages, c.at, c.certainty);
            (c, confidence, page, bbox)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| position(pages, a.0.at).cmp(&position(pages, b.0.at)))
    });
    FieldKind::ALL
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
        .collect()
}

/// SSNs: ordered by how they were labelled, then by position; each number once, with the
/// best confidence any of its occurrences earned.
fn distinct_ssns(pages: &[Page<'_>], ssn_hits: Vec<SsnHit>) -> Vec<FoundSsn> {
    let mut hits: Vec<(SsnHit, f32, u32, Option<BoxOnPage>)> = ssn_hits
        .into_iter()
        .map(|h| {
            let (confidence, page, bbox) = score(pages, h.at, h.certainty);
            (h, confidence, page, bbox)
        })
        .collect();
    hits.sort_by(|a, b| {
        a.0.rank
            .cmp(&b.0.rank)
            .then_with(|| position(pages, a.0.at).cmp(&position(pages, b.0.at)))
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
    ssns
}
