//! Composing a document for a profile code, and the parts many documents share: the
//! RECEIVED stamp, form headers and footers, the back page, letters.

use super::*;

pub(crate) const PERJURY: &str = "I declare under penalty of perjury that I have examined all the \
    information on this form, and on any accompanying statements or forms, and it is true and \
    correct to the best of my knowledge.";
pub(crate) const PERJURY_LONG: &str =
    "I understand that anyone who knowingly gives a false or misleading \
    statement about a material fact in this information, or causes someone else to do so, \
    commits a crime and may be sent to prison, or may face other penalties, or both.";

pub(crate) fn compose(rng: &mut StdRng, code: &str, forms: &[String], no_number: bool) -> Composed {
    let (born_from, born_to) = match code {
        // Birth records are often a child's, for a first card.
        "IDBR" => (1948, 2024),
        _ => (1944, 2004),
    };
    let mut c = Ctx::new(rng, born_from, born_to);
    // Most forms print the number with its edition suffix, some the bare number.
    let printed = match forms {
        [] => None,
        [only] => Some(only.clone()),
        [specific, .., bare] => Some(if c.chance(0.2) { bare } else { specific }.clone()),
    };
    // Without a readable number, a form is either cropped or the claimant wrote a letter.
    let as_letter = no_number
        && matches!(code, "561M" | "561N" | "632" | "795" | "1696" | "821")
        && c.chance(0.6);
    c.form_number = if no_number { None } else { printed };
    let margin = c.pick(&[48.0, 54.0, 60.0]);
    let mut l = match code {
        // Cut to the length of its content at the end.
        "RCPT" => Layout::new(216.0, 1296.0, 14.0, 24.0, 24.0),
        "CORR" => Layout::letter(72.0),
        _ if as_letter => Layout::letter(72.0),
        _ => Layout::letter(margin),
    };
    match (code, as_letter) {
        ("561M", false) => form_561(&mut c, &mut l, true),
        ("561M", true) => letter_561(&mut c, &mut l, true),
        ("561N", false) => form_561(&mut c, &mut l, false),
        ("561N", true) => letter_561(&mut c, &mut l, false),
        ("632", false) => form_632(&mut c, &mut l),
        ("632", true) => letter_632(&mut c, &mut l),
        ("827", _) => form_827(&mut c, &mut l),
        ("3368", _) => form_3368(&mut c, &mut l),
        ("3373", _) => form_3373(&mut c, &mut l),
        ("795", false) => form_795(&mut c, &mut l),
        ("795", true) => letter_795(&mut c, &mut l),
        ("1696", false) => form_1696(&mut c, &mut l),
        ("1696", true) => letter_1696(&mut c, &mut l),
        ("454", _) => form_454(&mut c, &mut l),
        ("8203", _) => form_8203(&mut c, &mut l),
        ("821", false) => form_821(&mut c, &mut l),
        ("821", true) => letter_821(&mut c, &mut l),
        ("PAY", _) => {
            if c.chance(0.5) {
                l = Layout::new(612.0, 396.0, 36.0, 64.0, 30.0);
            }
            pay_stub(&mut c, &mut l);
        }
        ("BANK", _) => bank_statement(&mut c, &mut l),
        ("MED", _) => medical_record(&mut c, &mut l),
        ("RCPT", _) => receipt(&mut c, &mut l),
        ("IDBR", _) => birth_record(&mut c, &mut l),
        _ => correspondence(&mut c, &mut l),
    }
    if !forms.is_empty() && !as_letter {
        // The back of many one-page forms: the same statements on every form, no help in
        // telling them apart.
        if l.pages.len() == 1 && c.chance(0.4) {
            back_page(&mut c, &mut l);
        }
        form_footer(&mut c, &mut l);
    }
    if code == "RCPT" {
        // Paper comes off the roll in quarter inches, with some blank tail, 6 to 18 inches.
        let tail = c.range(0, 8) as f32 * 18.0;
        let height = ((l.y + 30.0 + tail) / 18.0).ceil() * 18.0;
        for page in &mut l.pages {
            page.height = height.clamp(432.0, 1296.0);
        }
    }
    // Originals that must be returned and receipts are not stamped.
    if !matches!(code, "RCPT" | "IDBR") && c.chance(0.35) {
        stamp(&mut c, &mut l);
    }
    if let Some(number) = c.form_number.clone() {
        c.set("form_number", number);
    }
    Composed {
        pages: l.pages,
        fields: c.fields,
        ssn: c.ssn,
        second_ssn: c.second_ssn,
        form_number: c.form_number,
    }
}

/// The office's RECEIVED stamp, in red, in the top right corner of the first page.
pub(crate) fn stamp(c: &mut Ctx, l: &mut Layout) {
    let received = add_days(c.date, c.range(1, 14));
    c.set("received_on", iso(received));
    let date = format!(
        "{} {:02} {}",
        month_name(received)[..3].to_uppercase(),
        received.day(),
        received.year()
    );
    let office = format!("SSA {} {}", c.who.city.name.to_uppercase(), c.who.city.st);
    let Some(page) = l.pages.first_mut() else {
        return;
    };
    let (w, x) = (150.0, page.width - 36.0 - 150.0);
    page.marks.push(Mark::Frame {
        x,
        top: 10.0,
        w,
        h: 44.0,
        width: 1.4,
        ink: Ink::Red,
    });
    for (text, font, size, baseline) in [
        ("RECEIVED".to_owned(), Font::HelveticaBold, 12.0, 25.0),
        (date, Font::HelveticaBold, 10.0, 38.0),
        (office, Font::Helvetica, 7.0, 49.0),
    ] {
        page.marks.push(Mark::Text {
            x: x + (w - font.width(&text, size)) / 2.0,
            baseline,
            font,
            size,
            ink: Ink::Red,
            text,
        });
    }
}

pub(crate) fn form_header(c: &mut Ctx, l: &mut Layout, title: &str, omb: &str) {
    let (left, right) = (l.left, l.right);
    let top_number = match c.form_number.clone() {
        Some(number) if c.chance(0.4) => Some(number),
        _ => None,
    };
    l.row(
        8.0,
        vec![
            cell(left, Font::HelveticaBold, "SOCIAL SECURITY ADMINISTRATION"),
            rcell(right, Font::Helvetica, "Form Approved"),
        ],
    );
    let mut cells = vec![rcell(right, Font::Helvetica, format!("OMB No. {omb}"))];
    if let Some(number) = top_number {
        cells.push(cell(left, Font::Helvetica, format!("Form {number}")));
    }
    l.row(8.0, cells);
    l.gap(6.0);
    let size = c.pick(&[12.0, 13.0, 14.0]);
    l.center(Font::HelveticaBold, size, title);
    l.gap(2.0);
    l.rule(1.2);
    l.gap(4.0);
}

/// The footer with the form number and edition on every page; a cropped form has none.
pub(crate) fn form_footer(c: &mut Ctx, l: &mut Layout) {
    let Some(number) = c.form_number.clone() else {
        return;
    };
    let edition = format!("({:02}-{})", c.range(1, 12), c.range(2019, 2025));
    let prefix = c.pick(&["Form ", "Form ", ""]);
    let suffix = c.pick(&["", " UF", " ef", " UF  Destroy Prior Editions"]);
    let text = format!("{prefix}{number} {edition}{suffix}");
    let n = l.pages.len();
    let (left, right) = (l.left, l.right);
    for (i, page) in l.pages.iter_mut().enumerate() {
        let baseline = page.height - 30.0;
        small_print(page, left, baseline, text.clone());
        if n > 1 {
            page_number(page, right, baseline, i, n);
        }
    }
}

/// The Privacy Act and Paperwork Reduction Act statements, on a page of their own.
pub(crate) fn back_page(c: &mut Ctx, l: &mut Layout) {
    l.new_page();
    c.band(
        l,
        "PRIVACY ACT STATEMENT - COLLECTION AND USE OF PERSONAL INFORMATION",
    );
    c.para(
        l,
        "Sections 205(a), 702, 1631(e)(1)(A) and (B), and 1633 of the Social Security Act, as \
         amended, authorize us to collect this information. The information you provide will \
         be used to make a determination on your claim.",
    );
    c.para(
        l,
        "Furnishing us this information is voluntary. However, failing to provide all or part \
         of the information may affect the processing of your claim. We rarely use the \
         information you supply for any purpose other than for determining your eligibility \
         for benefits; we may share it with other Federal, State and local agencies only as \
         the law allows.",
    );
    c.band(l, "PAPERWORK REDUCTION ACT STATEMENT");
    let minutes = c.range(5, 60);
    c.para(
        l,
        &format!(
            "This information collection meets the requirements of 44 U.S.C. 3507, as amended \
             by section 2 of the Paperwork Reduction Act of 1995. You do not need to answer \
             these questions unless we display a valid Office of Management and Budget control \
             number. We estimate that it will take about {minutes} minutes to read the \
             instructions, gather the facts, and answer the questions."
        ),
    );
    c.para(
        l,
        "SEND OR BRING THE COMPLETED FORM TO YOUR LOCAL SOCIAL SECURITY OFFICE. You can find \
         your local office at www.ssa.gov or call 1-800-772-1213 (TTY 1-800-325-0778).",
    );
}

/// A text line at the top of every page after the first (patient, account…).
pub(crate) fn running_head(l: &mut Layout, text: &str) {
    let left = l.left;
    for page in l.pages.iter_mut().skip(1) {
        page.marks.push(Mark::Text {
            x: left,
            baseline: 40.0,
            font: Font::Helvetica,
            size: 8.0,
            ink: Ink::Black,
            text: text.to_owned(),
        });
    }
}

/// `Page i of n` at the foot of every page, with `left` beside it.
pub(crate) fn page_footer(l: &mut Layout, left_text: &str) {
    let n = l.pages.len();
    let (left, right) = (l.left, l.right);
    for (i, page) in l.pages.iter_mut().enumerate() {
        let baseline = page.height - 28.0;
        page_number(page, right, baseline, i, n);
        if !left_text.is_empty() {
            small_print(page, left, baseline, left_text.to_owned());
        }
    }
}

/// A line of footer text, Helvetica 7.5 in black, starting at `x`.
fn small_print(page: &mut Page, x: f32, baseline: f32, text: String) {
    page.marks.push(Mark::Text {
        x,
        baseline,
        font: Font::Helvetica,
        size: 7.5,
        ink: Ink::Black,
        text,
    });
}

/// `Page i of n` (for the `i`th page, from 0) ending at `right`.
fn page_number(page: &mut Page, right: f32, baseline: f32, i: usize, n: usize) {
    let page_no = format!("Page {} of {n}", i + 1);
    let x = right - Font::Helvetica.width(&page_no, 7.5);
    small_print(page, x, baseline, page_no);
}

/// A letter: sender or letterhead, date, recipient, reference, body, signature.
pub(crate) struct Letter {
    /// An organisation's name, printed as a letterhead; `None` for a private person.
    pub(crate) letterhead: Option<String>,
    pub(crate) sender: Vec<String>,
    pub(crate) recipient: Vec<String>,
    pub(crate) subject: Option<String>,
    /// Print a "Re:" line naming the claimant, and whether to add the SSN.
    pub(crate) about_claimant: bool,
    pub(crate) show_ssn: bool,
    pub(crate) salutation: &'static str,
    pub(crate) paragraphs: Vec<String>,
    pub(crate) signer: String,
    pub(crate) signer_lines: Vec<String>,
}

pub(crate) fn write_letter(c: &mut Ctx, l: &mut Layout, letter: Letter) {
    let font = c.pick(&[Font::Times, Font::Times, Font::Helvetica, Font::Courier]);
    let size = c.pick(&[10.5, 11.0, 12.0]);
    if let Some(head) = &letter.letterhead {
        l.center(font.bold(), size + 4.0, head);
        for line in &letter.sender {
            l.center(font, size - 1.0, line);
        }
        l.rule(0.8);
    } else {
        for line in &letter.sender {
            l.line(font, size, line);
        }
    }
    l.gap(size);
    let date = c.date;
    c.set("signed_on", iso(date));
    // Letters mostly spell the month out.
    let style = match c.range(0, 3) {
        0 => c.date_style,
        1 => DateStyle::Abbreviated,
        _ => DateStyle::Long,
    };
    l.line(font, size, &print_date(date, style));
    l.gap(size);
    for line in &letter.recipient {
        l.line(font, size, line);
    }
    l.gap(size);
    if let Some(subject) = &letter.subject {
        l.line(font.bold(), size, &format!("Re: {subject}"));
    }
    if letter.about_claimant {
        let name = c.claimant();
        let label = if letter.subject.is_some() {
            "    "
        } else {
            "Re: "
        };
        l.line(font.bold(), size, &format!("{label}{name}"));
    }
    if letter.show_ssn {
        let label = c.pick(&["SSN", "Social Security number", "Social Security No."]);
        let ssn = c.claimant_ssn();
        l.line(font, size, &format!("{label}: {ssn}"));
    }
    l.gap(size);
    l.line(font, size, letter.salutation);
    l.gap(size * 0.5);
    for paragraph in &letter.paragraphs {
        l.para(font, size, 0.0, paragraph);
        l.gap(size * 0.6);
    }
    l.keep(size * 7.0);
    let closing = c.pick(&[
        "Sincerely,",
        "Thank you,",
        "Respectfully,",
        "Sincerely yours,",
    ]);
    l.line(font, size, closing);
    l.gap(size * 0.4);
    l.line(Font::TimesItalic, size + 3.0, &letter.signer);
    for line in &letter.signer_lines {
        l.line(font, size, line);
    }
}

/// A letter the claimant wrote, about their own claim.
pub(crate) fn claimant_letter(c: &mut Ctx, l: &mut Layout, subject: &str, paragraphs: Vec<String>) {
    let name = c.claimant();
    let recipient = c.office().to_vec();
    let salutation = c.pick(&[
        "Dear Sir or Madam:",
        "To whom it may concern:",
        "Dear Social Security Administration:",
    ]);
    let show_ssn = c.chance(0.85);
    let signer = c.who.name();
    let phone = c.who.phone.clone();
    let letter = Letter {
        letterhead: None,
        sender: vec![name, c.who.street.clone(), c.who.city_line()],
        recipient,
        subject: Some(subject.to_owned()),
        about_claimant: false,
        show_ssn,
        salutation,
        paragraphs,
        signer: signer.clone(),
        signer_lines: vec![signer, phone],
    };
    write_letter(c, l, letter);
}
