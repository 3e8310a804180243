//! Pay stubs: employer, pay period, pay date and gross pay.

use super::dates::{date_range, first_date};
use super::labels::{labels_on, skip_separators, word_after};
use super::money::{first_money, format_money};
use super::page::{candidate, unlabelled, Candidate, Line, Page, OFF_STUB};
use super::FieldKind;

#[rustfmt::skip]
const STUB_CUES: &[&str] = &[
    "gross", "net pay", "earnings", "pay period", "ytd", "year to date", "deductions",
    "withholding", "pay date", "check date", "pay stub", "paystub", "earnings statement", "fica",
    "direct deposit",
];

pub(super) fn looks_like_pay_stub(page: &Page) -> bool {
    STUB_CUES.iter().filter(|c| page.has(c)).count() >= 2
}

#[rustfmt::skip]
const EMPLOYER_LABELS: &[(&str, f32)] = &[
    ("employer", 0.9), ("employer name", 0.9), ("employer's name", 0.9), ("name of employer", 0.9),
    ("company name", 0.85), ("company", 0.8),
];
#[rustfmt::skip]
const PERIOD_LABELS: &[(&str, f32)] = &[
    ("pay period", 0.92), ("pay period dates", 0.92), ("period covered", 0.9), ("period", 0.85),
];
#[rustfmt::skip]
const PERIOD_START_LABELS: &[(&str, f32)] = &[
    ("pay period start", 0.92), ("pay period start date", 0.92), ("pay period begin", 0.92),
    ("pay period beginning", 0.92), ("period beginning", 0.9), ("period begin", 0.9),
    ("period start", 0.9), ("period start date", 0.9), ("period beginning date", 0.9),
    ("start date", 0.7), ("beginning", 0.7),
];
#[rustfmt::skip]
const PERIOD_END_LABELS: &[(&str, f32)] = &[
    ("pay period end", 0.92), ("pay period end date", 0.92), ("pay period ending", 0.92),
    ("pay period ending date", 0.92), ("period ending", 0.9), ("period end", 0.9),
    ("period end date", 0.9), ("period ending date", 0.9), ("week ending", 0.85), ("end date", 0.7),
    ("ending", 0.7),
];
#[rustfmt::skip]
const PAY_DATE_LABELS: &[(&str, f32)] = &[
    ("pay date", 0.92), ("check date", 0.92), ("payment date", 0.88), ("date paid", 0.88),
    ("pay day", 0.85), ("payday", 0.85), ("deposit date", 0.85), ("advice date", 0.85),
    ("paid on", 0.8),
];
#[rustfmt::skip]
const GROSS_LABELS: &[(&str, f32)] = &[
    ("gross pay", 0.92), ("gross earnings", 0.92), ("total gross", 0.92), ("total gross pay", 0.92),
    ("gross wages", 0.9), ("current gross", 0.9), ("gross amount", 0.88), ("total earnings", 0.8),
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

pub(super) fn find_pay(page: &Page, pi: usize, stub: bool, out: &mut Vec<Candidate>) {
    let scale = if stub { 1.0 } else { OFF_STUB };
    let usable = |phrase: &str| stub || !STUB_ONLY.contains(&phrase);
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
                out.push(page.date_candidate(pi, FieldKind::PayPeriodStart, first, hit.line, c));
                out.push(page.date_candidate(pi, FieldKind::PayPeriodEnd, second, hit.line, c));
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
                    out.push(page.date_candidate(pi, kind, hit.value, hit.line, c));
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
        let employer = letterhead_employer(page);
        out.extend(unlabelled(FieldKind::Employer, 0.65, pi, employer));
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
