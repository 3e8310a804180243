use super::*;

#[test]
fn dates_in_every_written_form() {
    let cases: &[(&str, &[&str])] = &[
        ("11/03/2026", &["2026-11-03"]),
        ("on 1/2/1980.", &["1980-01-02"]),
        ("11-03-2026", &["2026-11-03"]),
        ("11.03.2026", &["2026-11-03"]),
        ("2026-11-03", &["2026-11-03"]),
        ("2026/11/03", &["2026-11-03"]),
        ("November 3, 2026", &["2026-11-03"]),
        ("Nov 3, 2026", &["2026-11-03"]),
        ("Nov. 3rd 2026", &["2026-11-03"]),
        ("SEPT 30 2026", &["2026-09-30"]),
        ("3 November 2026", &["2026-11-03"]),
        ("NOV 03 2026", &["2026-11-03"]),
        ("03-NOV-2026", &["2026-11-03"]),
        ("11/ 03/2026", &["2026-11-03"]),
        ("10/01/2026 - 10/15/2026", &["2026-10-01", "2026-10-15"]),
        ("02/29/2028", &["2028-02-29"]),
        // Not dates: impossible days, months, years out of range, two-digit years, codes.
        ("02/30/2026", &[]),
        ("02/29/2026", &[]),
        ("13/01/2026", &[]),
        ("00/10/2026", &[]),
        ("01/02/1880", &[]),
        ("01/02/2101", &[]),
        ("11/03/26", &["2026-11-03"]),
        ("12/31/99", &["1999-12-31"]),
        ("11-03-26", &[]),
        ("1/2/3/26", &[]),
        ("November 2026", &[]),
        ("SSA-632-BK (08-2024)", &[]),
        ("912-34-5678", &[]),
        ("1-2-2026-5", &[]),
        ("110/03/2026", &[]),
        ("", &[]),
    ];
    for (text, expected) in cases {
        let lower: Vec<char> = text.chars().map(fold).collect();
        let got: Vec<String> = scan_dates(&lower)
            .iter()
            .map(|d| format_date(d.date))
            .collect();
        assert_eq!(got, *expected, "{text:?}");
    }
}

#[test]
fn dates_of_birth() {
    check_both(
        FieldKind::DateOfBirth,
        &[
            ("Date of birth: 01/02/1980", Some("1980-01-02")),
            ("DOB 1/2/1980", Some("1980-01-02")),
            ("Birth date: January 2, 1980", Some("1980-01-02")),
            ("Date of Birth (MM/DD/YYYY)\n01-02-1980", Some("1980-01-02")),
            ("Born: 2 Jan 1980", Some("1980-01-02")),
            ("D.O.B.: 1980-01-02", Some("1980-01-02")),
            (
                "Name: Jane Doe DOB: 01/02/1980 SSN: 912-34-5678",
                Some("1980-01-02"),
            ),
            ("DOB: 02/30/1980", None),
            ("DOB: 01/02/80", None),
            ("DOB: 13/01/1980", None),
            ("DOB: 01/02/1880", None),
            ("DOB: unknown", None),
            ("Date of birth: Date signed: 11/03/2026", None),
        ],
    );
    // A child's date of birth yields to the claimant's.
    let ex = text_page("Child's date of birth: 05/06/2015\nDate of birth: 01/02/1980");
    assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
}

#[test]
fn signature_dates() {
    check_both(
        FieldKind::SignedOn,
        &[
            ("Signature of claimant Date 11/03/2026", Some("2026-11-03")),
            ("Date signed: November 3, 2026", Some("2026-11-03")),
            ("Signature: Jane Doe\nDate: 11/3/2026", Some("2026-11-03")),
            ("SIGNATURE\nJane Doe\nDATE 2026-11-03", Some("2026-11-03")),
            (
                "Signature of person making statement Date\nLinda Okafor 10/30/2026",
                Some("2026-10-30"),
            ),
            ("Signature of claimant Date 11/3/26", Some("2026-11-03")),
            ("Date of birth: Date signed: 11/03/2026", Some("2026-11-03")),
            // A date with no signature near it, or another kind of date.
            ("Date: 11/03/2026", None),
            ("Signature\nPay date 10/20/2026", None),
            ("Signature\nDate of birth 01/02/1980", None),
            ("Date signed: 02/30/2026", None),
        ],
    );
    // "Date signed" wins over a bare "Date" near the signature.
    let ex = text_page("Signature of claimant Date 11/01/2026\nDate signed 11/03/2026");
    assert_eq!(value(&ex, FieldKind::SignedOn), Some("2026-11-03"));
}

#[test]
fn signature_date_printed_under_its_label_in_an_ocr_column() {
    let layout = "Signature of claimant                 Date (Month, day, year)\n\
                      Jane Doe                              11/03/2026";
    let ex = ocr_page(layout, 88.0);
    let f = ex.field(FieldKind::SignedOn).unwrap();
    assert_eq!(f.value, "2026-11-03");
    assert_eq!(
        f.bbox,
        Some(BoxOnPage {
            left: 38 * 20,
            top: 40,
            width: 200,
            height: 30
        })
    );
}

#[test]
fn received_stamps() {
    check_both(
        FieldKind::ReceivedOn,
        &[
            ("RECEIVED NOV 03 2026", Some("2026-11-03")),
            (
                "RECEIVED\nNOV 03 2026\nSSA FIELD OFFICE",
                Some("2026-11-03"),
            ),
            ("RECEIVED 11/03/2026", Some("2026-11-03")),
            ("Date received: 2026-11-03", Some("2026-11-03")),
            ("RECEIVED\n\n3 November 2026", Some("2026-11-03")),
            ("RECEIVED", None),
            ("RECEIVED NOV 31 2026", None),
        ],
    );
    // A stamp outranks "received" in running text.
    let ex = text_page("I received the notice on 10/01/2026.\nRECEIVED NOV 03 2026");
    assert_eq!(value(&ex, FieldKind::ReceivedOn), Some("2026-11-03"));
}
