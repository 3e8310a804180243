//! Bank statements: account holder, bank and statement period.

use super::dates::date_range;
use super::labels::{find_phrase, labels_on};
use super::names::{name_candidate, parse_name};
use super::page::{candidate, unlabelled, Candidate, Page};
use super::FieldKind;

#[rustfmt::skip]
const STATEMENT_CUES: &[&str] = &[
    "statement period", "beginning balance", "ending balance", "opening balance", "closing balance",
    "account summary",
];
#[rustfmt::skip]
const STATEMENT_PERIOD_LABELS: &[(&str, f32)] = &[
    ("statement period", 0.95), ("statement dates", 0.9), ("for the period", 0.85), ("period", 0.8),
];
#[rustfmt::skip]
const HOLDER_LABELS: &[(&str, f32)] = &[
    ("account holder", 0.95), ("account holder name", 0.95), ("account holder's name", 0.95),
    ("account owner", 0.9), ("account name", 0.85), ("primary owner", 0.85),
];
#[rustfmt::skip]
const BANK_WORDS: &[&str] = &[
    "bank", "credit union", "savings", "bancorp", "trust", "federal credit",
];

pub(super) fn looks_like_bank_statement(page: &Page) -> bool {
    STATEMENT_CUES.iter().filter(|c| page.has(c)).count() >= 2
}

pub(super) fn find_bank_statement(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    for (li, line) in page.lines.iter().enumerate() {
        for (_, ls, le, certainty) in labels_on(line, STATEMENT_PERIOD_LABELS) {
            if let Some(hit) = page.labelled(li, ls, le, date_range) {
                let (first, second) = hit.value;
                let c = certainty * hit.factor;
                out.push(page.date_candidate(pi, FieldKind::StatementStart, first, hit.line, c));
                out.push(page.date_candidate(pi, FieldKind::StatementEnd, second, hit.line, c));
                // The holder's name heads the address block, left of the period.
                if let Some(((name, read), s, e)) = parse_name(line, 0, ls) {
                    let at = page.span(pi, li, s, e);
                    out.push(candidate(FieldKind::AccountHolder, name, 0.8 * read, at));
                }
            }
        }
        for (_, ls, le, certainty) in labels_on(line, HOLDER_LABELS) {
            if let Some(hit) = page.labelled(li, ls, le, parse_name) {
                let kind = FieldKind::AccountHolder;
                out.push(name_candidate(page, pi, kind, hit, certainty));
            }
        }
    }
    out.extend(unlabelled(
        FieldKind::BankName,
        0.85,
        pi,
        bank_heading(page),
    ));
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
