//! Statements (SSA-795) and appointments of a representative (SSA-1696).

use super::*;

pub(crate) fn statement_text(c: &mut Ctx, by: Option<&Person>) -> String {
    let claimant = c.who.name();
    let (he, his) = (c.who.pronoun(), c.who.possessive());
    match (by, c.range(0, 4)) {
        (Some(_), k) if k < 3 => {
            let years = c.range(3, 30);
            let him = if c.who.female { "her" } else { "him" };
            format!(
                "I have known {claimant} for {years} years as a neighbor. I see {him} almost \
                 every day. Since last year {he} cannot walk to the store and I help with \
                 groceries and rides to the doctor. {} lives alone and pays {his} own rent.",
                if c.who.female { "She" } else { "He" }
            )
        }
        (Some(_), _) => format!(
            "{claimant} has lived in my home since {} {}. {} pays me {} a month for room and \
             board, which covers {his} share of the food and the rent.",
            c.some_month(),
            c.range(2018, 2024),
            if c.who.female { "She" } else { "He" },
            dollars(c.range(20_000, 60_000))
        ),
        (None, 0) => {
            let employer = c.pick(&EMPLOYERS);
            let stopped = add_days(c.date, -c.range(30, 500));
            format!(
                "I stopped working at {employer} on {} because I could no longer stand for my \
                 whole shift. I have not worked anywhere since then.",
                c.d(stopped)
            )
        }
        (None, 1) => {
            let month = c.some_month();
            format!(
                "I did not receive my payment for {month}. I checked with my bank and no \
                 deposit was made. Please send the payment again."
            )
        }
        (None, 2) => {
            let married = add_days(c.date, -c.range(100, 4000));
            let old = c.pick(&LAST);
            format!(
                "My last name was changed from {old} to {} when I married on {}. I want my \
                 record to show my new name.",
                c.who.last,
                c.d(married)
            )
        }
        (None, 3) => {
            let share = dollars(c.range(15_000, 50_000));
            format!(
                "I live with my daughter at {}. I pay her {share} each month for my share of the \
                 rent, food and utilities.",
                c.who.street
            )
        }
        (None, _) => format!(
            "My son is a full-time student at {} Community College and lives with me. He has no \
             income of his own.",
            c.who.city.name
        ),
    }
}

pub(crate) fn form_795(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "STATEMENT OF CLAIMANT OR OTHER PERSON", "0960-0045");
    c.para(
        l,
        "You can use this form for any statement you wish to make about your claim or the \
         claim of another person.",
    );
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of claimant", name), (label, ssn)]);
    let other = c.chance(0.35).then(|| c.other());
    if let Some(p) = &other {
        let name = ("Name of person making statement", p.name());
        if c.chance(0.6) {
            let ssn = c.second_ssn();
            c.row(l, &[name, ("SSN", ssn)]);
        } else {
            c.row(l, &[name]);
        }
    }
    let maker = other.as_ref().map_or_else(|| c.who.name(), Person::name);
    let intro = match c.range(0, 2) {
        0 => format!("I, {maker}, state as follows:"),
        1 => "My statement is as follows:".to_owned(),
        _ => "I declare the following:".to_owned(),
    };
    c.para(l, &intro);
    let text = statement_text(c, other.as_ref());
    c.answer(l, &text);
    c.para(l, PERJURY);
    c.para(l, PERJURY_LONG);
    c.sign(l, "Signature of person making statement", &maker);
    match &other {
        Some(p) => {
            c.row(l, &[("Mailing address", p.street.clone())]);
            c.row(
                l,
                &[
                    ("City, state and ZIP code", p.city_line()),
                    ("Telephone", p.phone.clone()),
                ],
            );
        }
        None => c.address_rows(l),
    }
    c.para(
        l,
        "Witnesses are required ONLY if this statement has been signed by mark (X) above.",
    );
}

pub(crate) fn letter_795(c: &mut Ctx, l: &mut Layout) {
    let text = statement_text(c, None);
    let oath = c
        .pick(&[
            "I swear that everything in this letter is true.",
            "I declare under penalty of perjury that this statement is true and correct.",
        ])
        .to_owned();
    let subject = c.pick(&["Statement", "My statement", "Statement for my file"]);
    claimant_letter(c, l, subject, vec![text, oath]);
}

pub(crate) fn firm(c: &mut Ctx, rep: &Person) -> String {
    let other = c.pick(&LAST);
    let place = c.pick(&PLACES);
    match c.range(0, 4) {
        0 => format!("Law Office of {}", rep.name()),
        1 => format!("{} & {other} LLP", rep.last),
        2 => format!("{} Disability Law, PLLC", rep.last),
        3 => format!("Legal Aid Society of {}", rep.city.name),
        _ => format!("{place} Disability Advocates"),
    }
}

pub(crate) fn form_1696(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "CLAIMANT'S APPOINTMENT OF REPRESENTATIVE",
        "0960-0527",
    );
    c.band(l, "PART I - CLAIMANT'S APPOINTMENT OF REPRESENTATIVE");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Claimant's name", name), (label, ssn)]);
    let rep = c.other();
    let attorney = c.chance(0.7);
    c.para(
        l,
        &format!(
            "I appoint this individual, {}, to act as my representative in connection with my \
             claim(s) or asserted right(s) under:",
            rep.name()
        ),
    );
    let ssi = c.chance(0.4);
    c.checks(
        l,
        &[
            ("Title II (RSDI)", !ssi),
            ("Title XVI (SSI)", ssi),
            ("Title VIII (SVB)", false),
            ("Title XVIII (Medicare)", false),
        ],
    );
    c.para(
        l,
        "I authorize this individual to make or give any request or notice; to present or \
         elicit evidence; to obtain information; and to receive any notice in connection with \
         my pending claim(s) or asserted right(s).",
    );
    let signer = c.who.name();
    c.sign(l, "Claimant's signature", &signer);
    c.address_rows(l);
    c.band(l, "PART II - REPRESENTATIVE'S ACCEPTANCE OF APPOINTMENT");
    c.para(
        l,
        &format!(
            "I, {}, hereby accept the above appointment. I certify that I have not been \
             suspended or prohibited from practice before the Social Security Administration; \
             that I am not disqualified from representing the claimant as a current or former \
             officer or employee of the United States; and that I will not charge or collect \
             any fee for the representation unless it has been approved in accordance with the \
             laws and rules referred to on the reverse side of this form.",
            rep.name()
        ),
    );
    c.checks(
        l,
        &[
            ("I am an attorney", attorney),
            ("I am a non-attorney", !attorney),
        ],
    );
    c.para(l, "Fee arrangement:");
    let fee = c.range(0, 2);
    c.checks(
        l,
        &[(
            "I will request fee authorization under the fee agreement process",
            fee == 0,
        )],
    );
    c.checks(l, &[("I will file a fee petition", fee == 1)]);
    c.checks(l, &[("I waive charging and collecting a fee", fee == 2)]);
    let firm = firm(c, &rep);
    c.row(l, &[("Representative's name", rep.name()), ("Firm", firm)]);
    let street = c.street();
    c.row(
        l,
        &[
            ("Address", format!("{street}, {}", rep.city_line())),
            ("Telephone", rep.phone.clone()),
        ],
    );
    let printed = c.d(c.date);
    c.row(
        l,
        &[
            ("Representative's signature", format!("/s/ {}", rep.name())),
            ("Date", printed),
        ],
    );
}

pub(crate) fn letter_1696(c: &mut Ctx, l: &mut Layout) {
    let rep = c.other();
    let firm = firm(c, &rep);
    let street = c.street();
    let recipient = c.office().to_vec();
    let fee = c.pick(&[
        "A signed fee agreement is enclosed.",
        "I will not charge a fee for this representation.",
        "I will file a fee petition when the case is decided.",
    ]);
    let claimant = c.who.name();
    let paragraphs = vec![
        format!(
            "Please accept this letter as notice that I represent {claimant} in connection with \
             {} claim for benefits. I have been appointed as {} representative and I accept \
             the appointment.",
            c.who.possessive(),
            c.who.possessive()
        ),
        format!(
            "Please send copies of all notices and the claim file to me at the address above. \
             {fee}"
        ),
    ];
    let letter = Letter {
        letterhead: Some(firm.clone()),
        sender: vec![format!("{street}, {}", rep.city_line()), rep.phone.clone()],
        recipient,
        subject: Some("Appointment of representative".to_owned()),
        about_claimant: true,
        show_ssn: c.chance(0.8),
        salutation: "Dear Sir or Madam:",
        paragraphs,
        signer: rep.name(),
        signer_lines: vec![rep.name(), firm],
    };
    write_letter(c, l, letter);
}
