//! Dates on forms: birth, signature, receipt stamp.

use super::dates::{first_date, first_full_date};
use super::labels::{find_phrase, labels_on, whose, word_after, word_before, Whose};
use super::page::{Candidate, DateAt, Hit, Page};
use super::FieldKind;

#[rustfmt::skip]
const DOB_LABELS: &[(&str, f32)] = &[
    ("date of birth", 0.95), ("birth date", 0.95), ("birthdate", 0.95), ("dob", 0.95),
    ("d.o.b.", 0.95), ("d.o.b", 0.95), ("date born", 0.9), ("born", 0.8),
];

#[rustfmt::skip]
const SIGNED_LABELS: &[(&str, f32)] = &[
    ("date signed", 0.95), ("date of signature", 0.95), ("signature date", 0.95),
    ("signed on", 0.9), ("date", 0.85), ("signature", 0.7),
];

#[rustfmt::skip]
const RECEIVED_LABELS: &[(&str, f32)] = &[
    ("date received", 0.9), ("received on", 0.9), ("received", 0.9), ("rec'd", 0.8), ("recd", 0.8),
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

pub(super) fn find_form_dates(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    let mut push = |kind: FieldKind, hit: Hit<DateAt>, certainty: f32| {
        let certainty = certainty * hit.factor;
        out.push(page.date_candidate(pi, kind, hit.value, hit.line, certainty));
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
