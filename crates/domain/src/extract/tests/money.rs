use super::*;

#[test]
fn amounts_are_read_as_money() {
    let cases: &[(&str, &[(&str, bool)])] = &[
        ("$1,234.56", &[("1234.56", true)]),
        (
            "$ 1,600.00  $16,000.00",
            &[("1600.00", true), ("16000.00", true)],
        ),
        ("14.57", &[("14.57", true)]),
        ("TOTAL:14.57", &[("14.57", true)]),
        ("1234", &[("1234.00", false)]),
        ("$25", &[("25.00", true)]),
        ("10/15/2026", &[]),
        ("10.15.2026", &[]),
        ("1,23", &[]),
        ("ITEM 200MG 8.99", &[("8.99", true)]),
    ];
    for (text, expected) in cases {
        let chars: Vec<char> = text.chars().collect();
        let got: Vec<(String, bool)> = scan_amounts(&chars)
            .iter()
            .map(|a| (format_money(a.cents), a.is_money()))
            .collect();
        let expected: Vec<(String, bool)> =
            expected.iter().map(|(v, m)| (v.to_string(), *m)).collect();
        assert_eq!(got, expected, "{text:?}");
    }
}

#[test]
fn bank_statements_give_holder_bank_and_period() {
    let layout = "First Federal Savings Bank\n\
                      12 Main St, Springfield, IL 62701  Customer service (800) 555-0112      Member FDIC\n\
                      MARIA LOPEZ          Statement period:   10/01/2026 through 10/31/2026\n\
                      12 Elm St            Account number:     XXXXXX1234\n\
                      ACCOUNT SUMMARY\n\
                      Beginning balance        1,200.00\n\
                      Ending balance           1,450.00\n";
    for (label, ex) in [
        ("text layer", text_page(layout)),
        ("ocr", ocr_page(layout, 91.0)),
    ] {
        assert_eq!(
            value(&ex, FieldKind::AccountHolder),
            Some("Maria Lopez"),
            "{label}"
        );
        assert_eq!(
            value(&ex, FieldKind::BankName),
            Some("First Federal Savings Bank"),
            "{label}"
        );
        assert_eq!(
            value(&ex, FieldKind::StatementStart),
            Some("2026-10-01"),
            "{label}"
        );
        assert_eq!(
            value(&ex, FieldKind::StatementEnd),
            Some("2026-10-31"),
            "{label}"
        );
    }
    let labelled = text_page(
        "Heartland Bank & Trust\nAccount holder: Maria Lopez\nStatement period 10/01/2026 - 10/31/2026\nEnding balance 5.00\n",
    );
    assert_eq!(
        value(&labelled, FieldKind::AccountHolder),
        Some("Maria Lopez")
    );
    assert_eq!(
        value(&labelled, FieldKind::BankName),
        Some("Heartland Bank & Trust")
    );
    // Not a statement: no bank fields.
    let letter = text_page("First Federal Savings Bank\nDear Sir, please update my address.");
    assert_eq!(value(&letter, FieldKind::BankName), None);
}

const STUB_TEXT_LAYER: &str = "\
ACME WIDGETS INC
123 Industrial Pkwy, Springfield IL 62701
EARNINGS STATEMENT
Employee Name: JANE Q DOE          Employee ID: 00417
Pay Period: 10/01/2026 - 10/15/2026        Pay Date: 10/20/2026
Earnings            Rate     Hours     Current      YTD
Regular            20.00     80.00    1,600.00   16,000.00
Gross Pay                             $1,600.00  $16,000.00
Federal Withholding                     -160.00   -1,600.00
Net Pay                               $1,250.00  $12,500.00
";

const STUB_OCR: &str = "\
Riverside Community Hospital
Payroll Department
Employee: Maria Lopez
Period beginning 09/14/2026 Period ending 09/27/2026
Check Date: Oct 2, 2026
Gross Earnings 2,345.67 18,765.36
Deductions 456.78
Net pay 1,888.89
";

const STUB_LABELLED: &str = "\
Employer: Blue Ridge Services LLC
Employee: JOHN A SMITH
Period: 10/01/2026 to 10/15/2026
Pay date
10/20/2026
Total gross $2,000.00
Net pay $1,600.00
";

#[test]
fn pay_stubs() {
    use FieldKind::*;
    type Expected<'a> = &'a [(FieldKind, Option<&'a str>)];
    let cases: &[(&str, Expected)] = &[
        (
            STUB_TEXT_LAYER,
            &[
                (Employer, Some("ACME WIDGETS INC")),
                (ClaimantName, Some("Jane Q Doe")),
                (PayPeriodStart, Some("2026-10-01")),
                (PayPeriodEnd, Some("2026-10-15")),
                (PayDate, Some("2026-10-20")),
                (GrossPay, Some("1600.00")),
                (Total, None),
                (Merchant, None),
            ],
        ),
        (
            STUB_OCR,
            &[
                (Employer, Some("Riverside Community Hospital")),
                (ClaimantName, Some("Maria Lopez")),
                (PayPeriodStart, Some("2026-09-14")),
                (PayPeriodEnd, Some("2026-09-27")),
                (PayDate, Some("2026-10-02")),
                (GrossPay, Some("2345.67")),
            ],
        ),
        (
            STUB_LABELLED,
            &[
                (Employer, Some("Blue Ridge Services LLC")),
                (ClaimantName, Some("John A Smith")),
                (PayPeriodStart, Some("2026-10-01")),
                (PayPeriodEnd, Some("2026-10-15")),
                (PayDate, Some("2026-10-20")),
                (GrossPay, Some("2000.00")),
            ],
        ),
        (
            "Gross Pay Net Pay\n2,000.00 1,500.00\nPay period 10/16/2026 through 10/31/2026",
            &[
                (GrossPay, Some("2000.00")),
                (PayPeriodStart, Some("2026-10-16")),
                (PayPeriodEnd, Some("2026-10-31")),
            ],
        ),
        (
            "Week ending 10/09/2026\nGross YTD 20,000.00\nGross pay 500.00\nNet pay 420.00",
            &[
                (PayPeriodEnd, Some("2026-10-09")),
                (GrossPay, Some("500.00")),
            ],
        ),
        (
            "Description      Hours    Current        YTD\nGross Pay        80.00   1,920.00  38,400.00\nNet pay 1,500.00",
            &[(GrossPay, Some("1920.00"))],
        ),
        // A period backwards is not a period.
        (
            "Pay period 10/15/2026 - 10/01/2026\nGross pay 1.00",
            &[(PayPeriodStart, None)],
        ),
    ];
    for (text, expected) in cases {
        for ex in [text_page(text), ocr_page(text, 85.0)] {
            for (kind, want) in *expected {
                assert_eq!(value(&ex, *kind), *want, "{kind:?} in {text:?}");
            }
        }
    }
}

#[test]
fn pay_stub_words_off_a_pay_stub_are_weaker_or_ignored() {
    // "Period" on a disability form is not a pay period; a letterhead is not an employer.
    let ex = text_page("Period of disability 01/01/2025 - 06/30/2026\nSunrise Medical Services");
    assert_eq!(value(&ex, FieldKind::PayPeriodStart), None);
    assert_eq!(value(&ex, FieldKind::Employer), None);
    // A labelled employer on a form still counts.
    let ex = text_page("Form SSA-821-BK\nName of employer: Acme Widgets Inc.");
    assert_eq!(value(&ex, FieldKind::Employer), Some("Acme Widgets Inc."));
    for text in [
        "Employer ID: 12-3456789",
        "Employer address: 12 Main St",
        "Employer:",
    ] {
        assert_eq!(
            value(&text_page(text), FieldKind::Employer),
            None,
            "{text:?}"
        );
    }
}

const RECEIPT: &str = "\
*** WALGREENS #4521 ***
123 MAIN ST
SPRINGFIELD IL
11/03/2026 2:15 PM
IBUPROFEN 200MG 8.99
BANDAGES 4.50
SUBTOTAL 13.49
TAX 1.08
TOTAL 14.57
VISA 14.57
";

#[test]
fn receipts() {
    use FieldKind::*;
    let cases: &[(&str, [Option<&str>; 3])] = &[
        (RECEIPT, [Some("WALGREENS"), Some("2026-11-03"), Some("14.57")]),
        (
            "CVS/pharmacy\nStore 1234\nDate: Nov 3, 2026\nRX 12.00\nCOPAY 3.50\nSUB-TOTAL 15.50\nBALANCE DUE $1,234.50",
            [Some("CVS/pharmacy"), Some("2026-11-03"), Some("1234.50")],
        ),
        (
            "Thank you for shopping\nCorner Market\nMILK 3.99\nBREAD 2.49\nSUB TOTAL 6.48\nTOTAL SAVINGS 1.00\nAMOUNT DUE $6.48\n2026-11-03",
            [Some("Corner Market"), Some("2026-11-03"), Some("6.48")],
        ),
        (
            "Kroger\n#452 Main St\n10/30/26 11:42\nMILK 2% 3.49\nEGGS 2.99\nSUBTOTAL 6.48\nBALANCE 6.48\nCHANGE 3.52",
            [Some("Kroger"), Some("2026-10-30"), Some("6.48")],
        ),
        // SUBTOTAL alone is not a total, and without a total this is no receipt.
        ("Corner Market\nMILK 3.99\nSUBTOTAL 13.49\nTAX 1.08", [None, None, None]),
        // A form's table with a total is not a receipt.
        ("Form SSA-632-BK\nRent 800.00\nFood 300.00\nTotal 1,100.00", [None, None, None]),
    ];
    for (text, [merchant, date, total]) in cases {
        for ex in [text_page(text), ocr_page(text, 80.0)] {
            assert_eq!(value(&ex, Merchant), *merchant, "{text:?}");
            assert_eq!(value(&ex, PurchaseDate), *date, "{text:?}");
            assert_eq!(value(&ex, Total), *total, "{text:?}");
        }
    }
}
