//! Dates: every date written on a line, in the forms US documents print them.

use super::labels::near;
use super::page::{DateAt, Line};
use time::{Date, Month};

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
pub(super) fn scan_dates(lower: &[char]) -> Vec<DateAt> {
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

pub(super) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub(super) fn first_date(line: &Line, from: usize, to: usize) -> Option<(DateAt, usize, usize)> {
    line.dates
        .iter()
        .find(|d| d.start >= from && d.start < to && near(line, from, d.start))
        .map(|d| (*d, d.start, d.end))
}

/// The first date with a four-digit year: a birth year cannot be guessed from two digits.
pub(super) fn first_full_date(
    line: &Line,
    from: usize,
    to: usize,
) -> Option<(DateAt, usize, usize)> {
    first_date(line, from, to).filter(|(d, ..)| !d.short_year)
}

/// A period's first and last day.
pub(super) type Period = (DateAt, DateAt);

/// Two dates joined by "-", "to", "through" or nothing: a period.
pub(super) fn date_range(line: &Line, from: usize, to: usize) -> Option<(Period, usize, usize)> {
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
