//! Form numbers: `SSA-827`, `SSA-561-U2`, `SS-5` anywhere on a page.

use super::labels::word_before;
use super::page::{Page, Span};

pub(super) struct FormHit {
    pub(super) number: String,
    pub(super) certainty: f32,
    pub(super) at: Span,
}

/// `SSA-827`, `Form SSA-561-U2`, `SSA 3368-BK`, `SSA—827`, `SSA -827`, `SS-5`, anywhere on the
/// page, normalised to upper case with hyphens.
pub(super) fn find_forms(page: &Page, pi: usize) -> Vec<FormHit> {
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
