//! Names: the claimant's name after its many labels.

use super::labels::{labels_on, skip_separators, word_after, word_before};
use super::page::{candidate, Candidate, Hit, Line, Page, BELOW, CORRECTED};
use super::FieldKind;

#[rustfmt::skip]
const NAME_LABELS: &[(&str, f32)] = &[
    ("claimant's name", 0.95), ("claimants name", 0.95), ("claimant name", 0.95),
    ("claimant's full name", 0.95), ("name of claimant", 0.95),
    ("name of claimant / wage earner", 0.95), ("full name of claimant", 0.95),
    ("name of wage earner", 0.9), ("wage earner's name", 0.9), ("wage earner name", 0.9),
    ("name of beneficiary", 0.9), ("beneficiary's name", 0.9), ("beneficiary name", 0.9),
    ("name of applicant", 0.9), ("applicant's name", 0.9), ("applicant name", 0.9),
    ("name of number holder", 0.9), ("name of overpaid person", 0.9), ("name of individual", 0.85),
    ("claimant", 0.85), ("beneficiary", 0.85),
    // A letter's reference line names the person it is about.
    ("re:", 0.7), ("name", 0.8), ("full name", 0.8), ("print name", 0.8), ("printed name", 0.8),
    ("name of person", 0.8), ("patient name", 0.8), ("patient's name", 0.8),
    ("name of patient", 0.8), ("patient", 0.75), ("employee name", 0.8), ("employee's name", 0.8),
    ("employee", 0.75), ("account holder", 0.75), ("account holder name", 0.75),
    ("account holder's name", 0.75),
];

/// Words before a bare "Name" that make it someone else's (or something else's) name.
#[rustfmt::skip]
const NAME_OF_OTHERS: &[&str] = &[
    "employer", "employer's", "company", "company's", "business", "facility", "doctor", "doctor's",
    "physician", "physician's", "provider", "hospital", "bank", "payee", "payee's",
    "representative", "representative's", "rep", "agency", "organization", "witness", "witness's",
    "spouse", "spouse's", "father's", "mother's", "parent's", "child's", "school", "contact",
    "emergency", "street", "user", "file", "last", "first", "middle", "maiden", "store", "merchant",
    "plan", "product", "drug", "medication",
];

/// Words that end a name or show the value is not one.
#[rustfmt::skip]
const NAME_STOP: &[&str] = &[
    "name", "names", "date", "birth", "dob", "born", "signature", "sign", "signed", "ssn", "social",
    "security", "number", "no", "claimant", "claimant's", "address", "street", "city", "state",
    "zip", "code", "phone", "telephone", "email", "the", "of", "and", "or", "for", "to", "if", "is",
    "an", "in", "on", "at", "by", "your", "my", "his", "her", "their", "print", "printed",
    "type", "please", "here", "first", "last", "middle", "initial", "mi", "none", "unknown",
    "employer", "employee", "form", "page", "see", "same", "above", "below", "self", "applicant",
    "beneficiary", "patient", "account", "holder", "person", "wage", "earner", "representative",
    "payee", "relationship", "sex", "male", "female", "id", "apt", "box", "po", "n/a", "na", "yes",
    "ssa", "total", "gross", "pay", "net", "period", "tax", "spouse", "child", "mother", "father",
    "parent", "guardian", "witness", "title", "age", "status", "single", "married", "widowed",
    "divorced", "md", "rn", "np", "pa", "dds", "phd", "esq", "dob:",
];

/// Words that make the whole value an organisation, not a person.
#[rustfmt::skip]
const NOT_A_PERSON: &[&str] = &[
    "inc", "llc", "corp", "corporation", "company", "co", "hospital", "services", "clinic", "bank",
    "ltd", "llp", "center", "centre", "administration", "department", "dept", "office", "insurance",
    "group", "university", "associates", "pharmacy", "medical", "health", "information", "records",
    "report", "request", "statement", "authorization",
];

const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr"];
const PARTICLES: &[&str] = &[
    "de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von", "bin", "al",
];
const ROMAN: &[&str] = &["II", "III", "IV"];

pub(super) fn find_names(page: &Page, pi: usize, out: &mut Vec<Candidate>) {
    for (li, line) in page.lines.iter().enumerate() {
        for (phrase, ls, le, certainty) in labels_on(line, NAME_LABELS) {
            if phrase == "name" {
                // "Employer name", "Name of employer": someone else's; "name of claimant" and
                // its kind have their own labels.
                if NAME_OF_OTHERS.contains(&word_before(line, ls).as_str())
                    || word_after(line, le) == "of"
                {
                    continue;
                }
            }
            let hit = page.labelled(li, ls, le, parse_name).or_else(|| {
                // "Re: Overpayment notice" with the person's name on the line under it.
                (phrase == "re:")
                    .then(|| reference_below(page, li))
                    .flatten()
            });
            if let Some(hit) = hit {
                out.push(name_candidate(
                    page,
                    pi,
                    FieldKind::ClaimantName,
                    hit,
                    certainty,
                ));
            }
        }
    }
}

/// A name read after a label as a candidate of `kind`: less sure when printed under the label
/// or read through OCR digits.
pub(super) fn name_candidate(
    page: &Page,
    pi: usize,
    kind: FieldKind,
    hit: Hit<(String, f32)>,
    certainty: f32,
) -> Candidate {
    let at = page.span(pi, hit.line, hit.start, hit.end);
    let ((name, read), factor) = (hit.value, hit.factor);
    candidate(kind, name, certainty * factor * read, at)
}

/// The name printed alone on the line under a letter's "Re:" line.
fn reference_below(page: &Page, li: usize) -> Option<Hit<(String, f32)>> {
    let nl = li + 1;
    let next = page.lines.get(nl)?;
    let (value, start, end) = parse_name(next, 0, next.chars.len())?;
    // The whole line is the name: a sentence that starts with two capitalised words is not.
    let rest = skip_separators(&next.chars, end);
    if rest < next.chars.len() {
        return None;
    }
    Some(Hit::new(value, nl, start, end, BELOW))
}

/// A person's name at the start of `from..to`: 2–4 capitalised words of letters, apostrophes
/// and hyphens, initials with a dot, "Last, First" kept as printed. With it, how sure the
/// reading is: lower when OCR digits inside a word had to be read as letters.
pub(super) fn parse_name(
    line: &Line,
    from: usize,
    to: usize,
) -> Option<((String, f32), usize, usize)> {
    let chars = &line.chars;
    let to = to.min(chars.len());
    let mut i = skip_separators(chars, from);
    let mut words: Vec<String> = Vec::new();
    let (mut start, mut end) = (i, i);
    let mut corrected = false;
    loop {
        let gap = i;
        while i < to && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= to {
            break;
        }
        // A wide gap in a text layer is a column break: the next column is another field.
        if !words.is_empty() && i - gap >= 3 {
            break;
        }
        let ws = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let raw: String = chars[ws..i]
            .iter()
            .map(|&c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        if raw.ends_with(':') {
            break;
        }
        let (word, comma) = match raw.strip_suffix(',') {
            Some(w) => (w.to_string(), true),
            None => (raw, false),
        };
        // A full stop after a whole word ends the sentence, and the name with it ("Name: Maria
        // Lopez."); a dot after an initial or "Jr." is part of the word.
        let sentence_end = !words.is_empty()
            && word.ends_with('.')
            && word.chars().filter(|c| c.is_alphabetic()).count() > 3
            && word.matches('.').count() == 1;
        let word = if sentence_end {
            word.trim_end_matches('.').to_string()
        } else {
            word
        };
        let word = match letters_for_digits(&word) {
            Some(fixed) => {
                corrected = true;
                fixed
            }
            None => word,
        };
        let key = word.to_lowercase();
        let key = key.trim_end_matches('.');
        if NOT_A_PERSON.contains(&key) {
            return None;
        }
        if words.is_empty() && HONORIFICS.contains(&key) {
            continue;
        }
        let particle = !words.is_empty() && PARTICLES.contains(&word.as_str());
        if NAME_STOP.contains(&key) || !(particle || is_name_word(&word)) {
            break;
        }
        if words.len() == 4 {
            // A fifth capitalised word: a heading or a sentence, not a name.
            return None;
        }
        if words.is_empty() {
            start = ws;
        }
        end = ws + word.chars().count();
        let first = words.is_empty();
        let mut shown = normalise_name_word(&word);
        if comma && first {
            shown.push(',');
        }
        words.push(shown);
        if (comma && !first) || sentence_end {
            break;
        }
    }
    let full_words = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if !(2..=4).contains(&words.len()) || full_words < 2 {
        return None;
    }
    let read = if corrected { CORRECTED } else { 1.0 };
    Some(((words.join(" "), read), start, end))
}

/// A word of letters that OCR spelled with a `1` or `0` in it ("PUBL1C", "J0NES"), spelled
/// with the letters meant; None for any other word.
fn letters_for_digits(w: &str) -> Option<String> {
    let chars: Vec<char> = w.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let digits = chars.iter().filter(|c| matches!(c, '0' | '1')).count();
    let first_letter = chars.first().is_some_and(|c| c.is_alphabetic());
    if digits == 0
        || letters < 3
        || !first_letter
        || chars
            .iter()
            .any(|c| c.is_ascii_digit() && !matches!(c, '0' | '1'))
    {
        return None;
    }
    let capitals = chars
        .iter()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase());
    Some(
        chars
            .iter()
            .map(|&c| match (c, capitals) {
                ('0', true) => 'O',
                ('0', false) => 'o',
                ('1', true) => 'I',
                ('1', false) => 'l',
                _ => c,
            })
            .collect(),
    )
}

fn is_name_word(w: &str) -> bool {
    let Some(first) = w.chars().next() else {
        return false;
    };
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let dots = w.chars().filter(|&c| c == '.').count();
    first.is_alphabetic()
        && first.is_uppercase()
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
        && !w.ends_with(['-', '\''])
        && (dots == 0 || letters <= 3)
}

/// A word printed in capitals is title-cased ("O'BRIEN" → "O'Brien"); others stay as printed.
fn normalise_name_word(w: &str) -> String {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    if !capitals || ROMAN.contains(&w.trim_end_matches('.')) {
        return w.to_string();
    }
    let mut out = String::with_capacity(w.len());
    let mut word_start = true;
    for c in w.chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = matches!(c, '-' | '\'');
    }
    out
}
