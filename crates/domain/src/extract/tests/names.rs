use super::*;

#[test]
fn claimant_names_from_many_layouts() {
    check_both(
        FieldKind::ClaimantName,
        &[
            ("Claimant's name: JANE Q DOE", Some("Jane Q Doe")),
            ("CLAIMANT’S NAME JANE Q DOE", Some("Jane Q Doe")),
            ("NAME OF CLAIMANT\nJANE Q. DOE", Some("Jane Q. Doe")),
            (
                "Name of wage earner: John O'Brien-Smith",
                Some("John O'Brien-Smith"),
            ),
            (
                "NAME OF WAGE EARNER: JOHN O'BRIEN-SMITH",
                Some("John O'Brien-Smith"),
            ),
            ("Patient: MARIA DE LA CRUZ", Some("Maria De La Cruz")),
            ("Patient Name: Ana de la Cruz", Some("Ana de la Cruz")),
            ("Account holder: Jane Doe", Some("Jane Doe")),
            ("Print name Jane Doe Date 11/03/2026", Some("Jane Doe")),
            ("Name (First, MI, Last): Jane Q Doe", Some("Jane Q Doe")),
            ("Name: DOE, JANE", Some("Doe, Jane")),
            ("Name: Mr. John Smith", Some("John Smith")),
            ("Claimant: Jane Doe SSN: 912-34-5678", Some("Jane Doe")),
            (
                "Name of person: Robert L. King III",
                Some("Robert L. King III"),
            ),
            ("1. Name\n   JANE DOE\n2. Address", Some("Jane Doe")),
            ("CLAIMANT: JOHN Q PUBL1C", Some("John Q Public")),
            (
                "NAME OF CLAIMANT / WAGE EARNER\nLINDA M. OKAFOR",
                Some("Linda M. Okafor"),
            ),
            (
                "Name of overpaid person: Mary K. Johnson",
                Some("Mary K. Johnson"),
            ),
            // Not the claimant's name, or not a name at all.
            ("Employer name: Acme Widgets Inc", None),
            ("Name of employer: Acme Widgets", None),
            ("Representative's name: John Roe", None),
            ("Name: Date of birth", None),
            ("Name of person completing this form\nJohn Smith", None),
            ("Name:\nN/A", None),
            ("Name: 12345", None),
            ("Name: Jane", None),
            ("Name: ACME WIDGETS INC", None),
            ("Claimant's signature", None),
            ("Name And Address Of The Claimant", None),
            ("Name: Jane Doe Mary Ann Smith", None),
        ],
    );
}

/// Names and SSNs printed plainly that the workbench once reported "Not found".
#[test]
fn plainly_printed_names_and_ssns_are_found() {
    let mut missed = Vec::new();
    let names: &[(&str, Option<&str>)] = &[
        ("Name: Maria Lopez", Some("Maria Lopez")),
        (
            "Name: Maria Lopez. I moved last month.",
            Some("Maria Lopez"),
        ),
        ("Claimant: Maria Lopez.", Some("Maria Lopez")),
        ("NAME: MARIA LOPEZ", Some("Maria Lopez")),
        ("CLAIMANT NAME  JOHN Q PUBLIC", Some("John Q Public")),
        ("CLAIMANT NAME JOHN Q PUBLIC", Some("John Q Public")),
        ("Claimant name:\nMaria Lopez", Some("Maria Lopez")),
        ("Name\nMaria Lopez", Some("Maria Lopez")),
        ("NAME\nMARIA LOPEZ", Some("Maria Lopez")),
        ("Claimant Name:    Maria Lopez", Some("Maria Lopez")),
        ("Name:  Maria Lopez  SSN: 900-12-3456", Some("Maria Lopez")),
        ("Name: Maria Lopez\nSSN: 900-12-3456", Some("Maria Lopez")),
        ("Full name: Maria Elena Lopez", Some("Maria Elena Lopez")),
        ("Claimant: MARIA LOPEZ", Some("Maria Lopez")),
        ("Re: Maria Lopez", Some("Maria Lopez")),
        ("RE: MARIA LOPEZ\nSSN: 900-12-3456", Some("Maria Lopez")),
        ("Beneficiary: Maria Lopez", Some("Maria Lopez")),
        (
            "Re: Overpayment notice\n    Maria Lopez",
            Some("Maria Lopez"),
        ),
        ("Re: Your letter of May 3", None),
        ("Re: Request for waiver", None),
        ("Name of claimant: Lopez, Maria", Some("Lopez, Maria")),
        ("NAME LOPEZ, MARIA", Some("Lopez, Maria")),
        ("Claimant name (print): Maria Lopez", Some("Maria Lopez")),
    ];
    for (text, expected) in names {
        let got = value(&text_page(text), FieldKind::ClaimantName).map(str::to_string);
        if got.as_deref() != *expected {
            missed.push(format!("name, text layer {text:?}: {got:?}"));
        }
        let got = value(&ocr_page(text, 91.0), FieldKind::ClaimantName).map(str::to_string);
        if got.as_deref() != *expected {
            missed.push(format!("name, ocr {text:?}: {got:?}"));
        }
    }
    let ssns = [
        "SSN: 900-12-3456",
        "SSN 900-12-3456",
        "Social Security Number 900 12 3456",
        "Social Security Number: 900-12-3456",
        "SOCIAL SECURITY NUMBER  900-12-3456",
        "Social Security No. 900-12-3456",
        "SSN\n900-12-3456",
        "Name: Maria Lopez  SSN: 900-12-3456",
        "Claimant SSN: 900123456",
        "SS#: 900-12-3456",
        "SSN: 900 - 12 - 3456",
    ];
    for text in ssns {
        if digits(&text_page(text)) != ["900123456"] {
            missed.push(format!("SSN, text layer {text:?}"));
        }
        if digits(&ocr_page(text, 91.0)) != ["900123456"] {
            missed.push(format!("SSN, ocr {text:?}"));
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn names_in_columns_of_a_text_layer_stop_at_the_column() {
    let ex = text_page(
        "Employee Name   ROBERT  JONES JR.      Employee ID 12345\n\
             Name                          Date of birth\n",
    );
    assert_eq!(
        value(&ex, FieldKind::ClaimantName),
        Some("Robert Jones Jr.")
    );
    let ex = text_page(
        "Name                          Date of birth\nJANE Q DOE                    01/02/1980",
    );
    assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
    assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
    // The same form OCR'd: the columns survive only in the word boxes.
    let ex = ocr_page(
        "Name                          Date of birth\nJANE Q DOE                    01/02/1980",
        90.0,
    );
    assert_eq!(value(&ex, FieldKind::ClaimantName), Some("Jane Q Doe"));
    assert_eq!(value(&ex, FieldKind::DateOfBirth), Some("1980-01-02"));
}
