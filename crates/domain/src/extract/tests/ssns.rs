use super::*;

#[test]
fn form_numbers_as_printed() {
    let cases: &[(&str, &[&str])] = &[
        ("Form SSA-827 (11-2024)", &["SSA-827"]),
        ("SSA-561-U2 REQUEST FOR RECONSIDERATION", &["SSA-561-U2"]),
        ("SSA 3368-BK", &["SSA-3368-BK"]),
        ("Form SSA-632-BK (08-2024)", &["SSA-632-BK"]),
        (
            "Form SS-5 Application for a Social Security Card",
            &["SS-5"],
        ),
        ("SSA\u{2014}827", &["SSA-827"]),
        ("SSA -827", &["SSA-827"]),
        ("ssa-1696-u4", &["SSA-1696-U4"]),
        ("see www.ssa.gov/forms/ssa-827.pdf", &["SSA-827"]),
        // Header and footer print the same number: once.
        (
            "SSA-827\nAUTHORIZATION TO DISCLOSE\nForm SSA-827 (11-2024) ef",
            &["SSA-827"],
        ),
        // Two forms: the one called "Form" and exactly hyphenated first.
        (
            "See also SSA 827.\nForm SSA-561-U2 (08-2024)",
            &["SSA-561-U2", "SSA-827"],
        ),
        // Not form numbers.
        ("CLASS-5 boss-12 SSAB-827 SS 5 ssa.gov SSA-82700", &[]),
        ("Social Security Administration", &[]),
    ];
    for (text, expected) in cases {
        let ex = text_page(text);
        assert_eq!(ex.form_numbers, *expected, "{text:?}");
        assert_eq!(
            value(&ex, FieldKind::FormNumber),
            expected.first().copied(),
            "{text:?}"
        );
    }
}

#[test]
fn ssns_with_and_without_labels() {
    let labelled = [
        "SSN: 912-34-5678",
        "SSN:912-34-5678",
        "Social Security Number 912 34 5678",
        "Claimant SSN 912345678",
        "Soc. Sec. No. 912-34-5678",
        "SSN (if known): 912-34-5678",
        "SSN:\n912-34-5678",
        "Claimant's Social Security Number\n912 34 5678",
    ];
    let unlabelled = text_page("Re: 912-34-5678").ssns[0].confidence;
    for text in labelled {
        let ex = text_page(text);
        assert_eq!(digits(&ex), ["912345678"], "{text:?}");
        assert!(ex.ssns[0].confidence > unlabelled, "{text:?}");
        assert_eq!(ex.ssns[0].page, 1);
    }
    let cases: &[(&str, &[&str])] = &[
        ("Re: 912-34-5678", &["912345678"]),
        ("claim 912 34 5678 filed", &["912345678"]),
        ("912345678", &["912345678"]),
        // Phone numbers, long digit runs, codes, dates and mixed separators are not SSNs.
        ("call 555-123-4567", &[]),
        ("Account 1234567890", &[]),
        ("Claim A912345678", &[]),
        ("912-34 5678", &[]),
        ("ref 12-912-34-5678", &[]),
        ("on 2026-11-24", &[]),
    ];
    for (text, expected) in cases {
        assert_eq!(digits(&text_page(text)), *expected, "{text:?}");
    }
}

#[test]
fn two_ssns_are_both_returned_the_claimants_first() {
    let cases = [
        "Representative payee SSN: 923-45-6789\nClaimant SSN: 912-34-5678",
        "Payee SSN 923-45-6789 Claimant's SSN 912-34-5678",
        "SSN: 912-34-5678\nPayee's Social Security Number: 923-45-6789\nSSN 912-34-5678",
        "912-34-5678\nRepresentative SSN: 923-45-6789",
    ];
    for text in cases {
        assert_eq!(
            digits(&text_page(text)),
            ["912345678", "923456789"],
            "{text:?}"
        );
    }
    // Across pages, the first labelled number on page 1 leads.
    let pages = [
        PageInput {
            page: 1,
            text: "SSN: 934-56-7890",
            words: &[],
        },
        PageInput {
            page: 2,
            text: "SSN: 912-34-5678\nSSN: 934-56-7890",
            words: &[],
        },
    ];
    let ex = extract(&pages, T);
    assert_eq!(digits(&ex), ["934567890", "912345678"]);
    assert_eq!(ex.ssns[1].page, 2);
}

#[test]
fn ssns_the_policy_refuses_are_not_returned() {
    let cases: &[(&str, SsnPolicy, usize)] = &[
        ("SSN: 666-12-3456", SsnPolicy::Live, 0),
        ("SSN: 666-12-3456", SsnPolicy::Training, 0),
        ("SSN: 912-34-5678", SsnPolicy::Live, 0),
        ("SSN: 912-34-5678", SsnPolicy::Training, 1),
        ("SSN: 912-00-5678", SsnPolicy::Training, 0),
        ("SSN: 912-34-0000", SsnPolicy::Training, 0),
        ("SSN: 000-34-5678", SsnPolicy::Training, 0),
        ("SSN: 6G6-12-3456", SsnPolicy::Training, 0),
        ("SSN: 9l2-34-S678", SsnPolicy::Live, 0),
    ];
    for (text, policy, n) in cases {
        let ex = extract(
            &[PageInput {
                page: 1,
                text,
                words: &[],
            }],
            *policy,
        );
        assert_eq!(ex.ssns.len(), *n, "{text:?} {policy:?}");
    }
}

#[test]
fn ocr_confused_ssns_after_a_label() {
    let exact = text_page("SSN: 912-34-5678").ssns[0].confidence;
    let cases: &[(&str, &[&str])] = &[
        ("SSN: 9l2-34-S678", &["912345678"]),
        ("SSN: 912-34-567B", &["912345678"]),
        ("SSN 9I2 34 5678", &["912345678"]),
        ("SSN: 912\u{2014}34\u{2014}5678", &["912345678"]),
        ("SSN: 912 - 34 - 5678", &["912345678"]),
        ("SSN: 9|2-34-5678.", &["912345678"]),
        ("Social Security No.\n9l2-34-5678", &["912345678"]),
        ("SSN: 912-34-5678B", &[]),
        ("SSN: SOSOSOSOS", &[]),
        ("SSN: Oslo BBQ", &[]),
        // Without a label a confusion is just a word.
        ("ref 9l2-34-S678", &[]),
    ];
    for (text, expected) in cases {
        let ex = text_page(text);
        assert_eq!(digits(&ex), *expected, "{text:?}");
        if let Some(s) = ex.ssns.first() {
            assert!(s.confidence < exact, "{text:?}");
        }
    }
}

#[test]
fn no_field_value_holds_an_ssn() {
    let text = "Employer: 912-34-5678\nName: Jane Doe 912345678\nDate signed 912-34-5678\n\
                    Signature\nCompany 912 34 5678";
    let ex = text_page(text);
    assert_eq!(digits(&ex), ["912345678"]);
    for f in &ex.fields {
        assert!(!f.value.contains("5678"), "{:?}", f);
    }
    assert!(!format!("{ex:?}").contains("912"));
}
