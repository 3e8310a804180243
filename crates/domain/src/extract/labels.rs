//! Labels: finding a label's phrase on a line, where its value may end, and whose value it
//! names.

use super::page::{Line, MAX_GAP};

/// Where `phrase` (lower case, words separated by single spaces) occurs in `lower` as whole
/// words; any run of whitespace matches a space.
pub(super) fn find_phrase(lower: &[char], phrase: &str) -> Vec<(usize, usize)> {
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
pub(super) fn labels_on(
    line: &Line,
    table: &[(&'static str, f32)],
) -> Vec<(&'static str, usize, usize, f32)> {
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
pub(super) fn limit(line: &Line, from: usize) -> usize {
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
pub(super) fn skip_separators(chars: &[char], mut i: usize) -> usize {
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
pub(super) fn near(line: &Line, from: usize, to: usize) -> bool {
    line.chars
        .get(from..to)
        .is_some_and(|gap| gap.iter().filter(|c| !c.is_whitespace()).count() <= MAX_GAP)
}

/// The word just before position `s` (lower case), skipping spaces and hyphens, so that
/// "sub-total" and "sub total" both give "sub".
pub(super) fn word_before(line: &Line, s: usize) -> String {
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
pub(super) fn word_after(line: &Line, e: usize) -> String {
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
pub(super) enum Whose {
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
pub(super) fn whose(line: &Line, label_start: usize) -> Whose {
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
