use super::dates::{format_date, scan_dates};
use super::money::{format_money, scan_amounts};
use super::page::fold;
use super::*;

mod dates;
mod money;
mod names;
mod ssns;

const T: SsnPolicy = SsnPolicy::Training;

fn text_page(text: &str) -> Extraction {
    extract(
        &[PageInput {
            page: 1,
            text,
            words: &[],
        }],
        T,
    )
}

fn value(ex: &Extraction, kind: FieldKind) -> Option<&str> {
    ex.field(kind).map(|f| f.value.as_str())
}

/// An OCR'd page made from a layout: each token's column becomes its x (20 px a char), its
/// line its y (40 px), and the text is rebuilt as the pipeline does (single spaces, '\n').
fn ocr(layout: &str, confidence: f32) -> (String, Vec<WordBox>) {
    let mut text = String::new();
    let mut words = Vec::new();
    for (li, line) in layout.lines().enumerate() {
        if li > 0 {
            text.push('\n');
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut first = true;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let s = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            let w: String = chars[s..i].iter().collect();
            if !first {
                text.push(' ');
            }
            first = false;
            text.push_str(&w);
            words.push(WordBox {
                text: w,
                confidence,
                left: s as u32 * 20,
                top: li as u32 * 40,
                width: (i - s) as u32 * 20,
                height: 30,
            });
        }
    }
    (text, words)
}

fn ocr_page(layout: &str, confidence: f32) -> Extraction {
    let (text, words) = ocr(layout, confidence);
    extract(
        &[PageInput {
            page: 1,
            text: &text,
            words: &words,
        }],
        T,
    )
}

fn digits(ex: &Extraction) -> Vec<String> {
    ex.ssns.iter().map(|s| s.ssn.digits()).collect()
}

/// Each case checked on the text as given and as an OCR'd page of the same layout.
fn check_both(kind: FieldKind, cases: &[(&str, Option<&str>)]) {
    for (text, expected) in cases {
        assert_eq!(
            value(&text_page(text), kind),
            *expected,
            "{kind:?} text layer: {text:?}"
        );
        assert_eq!(
            value(&ocr_page(text, 91.0), kind),
            *expected,
            "{kind:?} ocr: {text:?}"
        );
    }
}

#[test]
fn field_kinds_have_distinct_snake_case_keys_and_labels() {
    let mut keys: Vec<&str> = FieldKind::ALL.iter().map(FieldKind::key).collect();
    assert!(keys
        .iter()
        .all(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), FieldKind::ALL.len());
    assert_eq!(FieldKind::DateOfBirth.label(), "Date of birth");
    assert_eq!(FieldKind::PayPeriodStart.key(), "pay_period_start");
}

#[test]
fn boxes_and_confidence_from_ocr_words() {
    let (text, mut words) = ocr("Claimant: JANE Q DOE\nSSN: 912-34-5678", 90.0);
    words[1].confidence = 60.0;
    let ex = extract(
        &[PageInput {
            page: 3,
            text: &text,
            words: &words,
        }],
        T,
    );
    let name = ex.field(FieldKind::ClaimantName).unwrap();
    assert_eq!(name.value, "Jane Q Doe");
    assert_eq!(name.page, 3);
    // JANE at column 10, Q at 15, DOE at 17..20.
    assert_eq!(
        name.bbox,
        Some(BoxOnPage {
            left: 200,
            top: 0,
            width: 200,
            height: 30
        })
    );
    assert!(
        (name.confidence - 0.85 * 0.8).abs() < 1e-4,
        "{}",
        name.confidence
    );
    let ssn = &ex.ssns[0];
    assert_eq!(
        ssn.bbox,
        Some(BoxOnPage {
            left: 100,
            top: 40,
            width: 220,
            height: 30
        })
    );
    assert!(
        (ssn.confidence - 0.95 * 0.9).abs() < 1e-4,
        "{}",
        ssn.confidence
    );
    // The same text as a text layer: full OCR confidence, no boxes.
    let ex = text_page(&text);
    let name = ex.field(FieldKind::ClaimantName).unwrap();
    assert_eq!((name.bbox, name.confidence), (None, 0.85));
    assert_eq!(ex.ssns[0].bbox, None);
}

#[test]
fn boxes_when_words_do_not_match_the_text_one_for_one() {
    // The text has a token the words lack ("|", a rule Tesseract dropped) and punctuation
    // the words spell differently.
    let words: Vec<WordBox> = [
        ("DOB", 10),
        ("01/02/1980.", 200),
        ("Form", 400),
        ("SSA-827", 500),
    ]
    .iter()
    .map(|&(t, left)| WordBox {
        text: t.into(),
        confidence: 80.0,
        left,
        top: 10,
        width: 90,
        height: 20,
    })
    .collect();
    let text = "DOB | 01/02/1980\nForm SSA\u{2014}827";
    let ex = extract(
        &[PageInput {
            page: 1,
            text,
            words: &words,
        }],
        T,
    );
    let dob = ex.field(FieldKind::DateOfBirth).unwrap();
    assert_eq!(dob.value, "1980-01-02");
    assert_eq!(dob.bbox.map(|b| b.left), Some(200));
    let form = ex.field(FieldKind::FormNumber).unwrap();
    assert_eq!(form.value, "SSA-827");
    assert_eq!(form.bbox.map(|b| b.left), Some(500));
    assert!(
        (form.confidence - 0.89 * 0.8).abs() < 1e-4,
        "{}",
        form.confidence
    );
}

#[test]
fn a_whole_form_page() {
    let text = "\
Form SSA-561-U2 (08-2024)                              OMB No. 0960-0622
REQUEST FOR RECONSIDERATION
NAME OF CLAIMANT                        CLAIMANT SSN
JANE Q DOE                              912-34-5678
NAME OF WAGE EARNER (if different)      WAGE EARNER SSN (if different)

Date of birth: 01/02/1980
Representative payee: John Roe          Payee SSN: 923-45-6789
Signature of claimant ___________________   Date 11/03/2026
                                  RECEIVED
                                 NOV 05 2026
";
    for ex in [text_page(text), ocr_page(text, 93.0)] {
        assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
        assert_eq!(value(&ex, FieldKind::FormNumber), Some("SSA-561-U2"));
        assert_eq!(ex.form_numbers, ["SSA-561-U2"]);
        assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
        assert_eq!(value(&ex, FieldKind::SignedOn), Some("2026-11-03"));
        assert_eq!(value(&ex, FieldKind::ReceivedOn), Some("2026-11-05"));
        assert_eq!(digits(&ex), ["912345678", "923456789"]);
        for kind in [
            FieldKind::Employer,
            FieldKind::GrossPay,
            FieldKind::Total,
            FieldKind::Merchant,
        ] {
            assert_eq!(value(&ex, kind), None, "{kind:?}");
        }
    }
}

#[test]
fn any_text_is_safe_to_extract() {
    // A fixed scramble of labels, numbers and OCR debris: no panic, scores within 0..1, no
    // field value holding an SSN, every SSN found accepted by the policy.
    let debris: Vec<char> =
        "aSsOolIB|9012345678 -\u{2014}:/.,$#()\n\tDdNnMeTRrCcYyPp'\u{2019}_\u{3a9}\u{c9}"
            .chars()
            .collect();
    let pieces = [
        "SSN",
        "Name",
        "Date",
        "DOB",
        "RECEIVED",
        "TOTAL",
        "Gross pay",
        "Pay period",
        "SSA-",
        "SS-",
        "Nov",
        "912-34-5678",
        "01/02/1980",
        "$1,234.56",
        "Employer",
        "Inc",
        "   ",
        "\n",
        "Signature",
        "Claimant",
        "(",
        ")",
        "666-12-3456",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for _ in 0..2000 {
        let mut text = String::new();
        for _ in 0..next() % 60 {
            if next() % 3 == 0 {
                text.push_str(pieces[next() % pieces.len()]);
            } else {
                text.push(debris[next() % debris.len()]);
            }
        }
        let words: Vec<WordBox> = text
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| WordBox {
                text: w.into(),
                confidence: (next() % 120) as f32 - 10.0,
                left: i as u32 * 37,
                top: 0,
                width: 30,
                height: 20,
            })
            .collect();
        let pages = [
            PageInput {
                page: 1,
                text: &text,
                words: &words,
            },
            PageInput {
                page: 2,
                text: &text,
                words: &[],
            },
        ];
        let ex = extract(&pages, T);
        for f in &ex.fields {
            assert!((0.0..=1.0).contains(&f.confidence), "{text:?}");
            assert_eq!(mask_in_text(&f.value), f.value, "{text:?}");
        }
        for s in &ex.ssns {
            assert!((0.0..=1.0).contains(&s.confidence), "{text:?}");
            assert!(Ssn::parse(&s.ssn.digits(), T).is_ok());
            assert_ne!(s.ssn.digits(), "666123456");
        }
    }
}

#[test]
fn empty_and_garbage_pages_yield_nothing() {
    let garbage = [
        "",
        "\n\n   \n",
        "%%$#@!! ~~~ 0O0O ||| ;;;\n\u{fffd}\u{fffd} lorem 12 34",
        "Ω≈ç√∫ ßœ∑ 名前: 山田 ——— ''' $$$ ... ,,, ///",
        "SSN: SSN: SSN:\nName: Name:\nDate Date Date\nTOTAL TOTAL",
        "ssa- ss- 1/ /2026 $ $. .00 9-9-9999 99/99/9999",
    ];
    for text in garbage {
        for ex in [text_page(text), ocr_page(text, 40.0)] {
            assert_eq!(ex, Extraction::default(), "{text:?}");
        }
    }
    assert_eq!(extract(&[], T), Extraction::default());
}
