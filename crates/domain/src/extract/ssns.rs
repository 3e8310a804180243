//! SSNs: the numbers printed with or without a label, and those OCR misread after one.

use super::labels::{find_phrase, limit, near, whose, Whose};
use super::page::{Line, Page, Span, Tok, BELOW, CORRECTED};
use crate::ssn::{self, Ssn, SsnPolicy};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Dashed,
    Spaced,
    Bare,
}

pub(super) struct SsnHit {
    pub(super) ssn: Ssn,
    pub(super) certainty: f32,
    /// Order in the result: claimant's 0, labelled 1, unlabelled 2, another person's 3, bare
    /// nine digits without a label 4.
    pub(super) rank: u8,
    pub(super) at: Span,
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
            let found = ssn::shape_at(chars, i).map(|(len, sep)| match sep {
                Some('-') => (len, Shape::Dashed),
                Some(_) => (len, Shape::Spaced),
                None => (len, Shape::Bare),
            });
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

pub(super) fn find_ssns(page: &Page, pi: usize, policy: SsnPolicy, out: &mut Vec<SsnHit>) {
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
