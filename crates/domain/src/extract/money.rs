//! Money: the amounts printed on a line.

use super::labels::near;
use super::page::{Amount, Line};

/// Every number on a line that could be an amount: optional `$`, thousands separators, two
/// decimals. Numbers inside dates, times and codes are skipped.
pub(super) fn scan_amounts(chars: &[char]) -> Vec<Amount> {
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

pub(super) fn format_money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

pub(super) fn first_money(line: &Line, from: usize, to: usize) -> Option<(u64, usize, usize)> {
    line.amounts
        .iter()
        .find(|a| a.is_money() && a.start >= from && a.start < to && near(line, from, a.start))
        .map(|a| (a.cents, a.start, a.end))
}
