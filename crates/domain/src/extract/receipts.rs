//! Receipts: merchant, purchase date and total.

use super::dates::format_date;
use super::labels::{find_phrase, labels_on, word_after, word_before};
use super::money::{first_money, format_money};
use super::page::{candidate, unlabelled, Amount, Candidate, Page};
use super::FieldKind;

#[rustfmt::skip]
const TOTAL_LABELS: &[(&str, f32)] = &[
    ("grand total", 0.92), ("amount due", 0.9), ("balance due", 0.9), ("total due", 0.9),
    ("total amount", 0.9), ("total", 0.88), ("balance", 0.75),
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

pub(super) fn find_receipt(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
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
    out.extend(unlabelled(FieldKind::Merchant, 0.6, pi, merchant(page)));
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
pub(super) fn merchant(page: &Page) -> Option<(usize, usize, usize, String)> {
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
