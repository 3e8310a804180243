//! Requests for reconsideration (SSA-561) and overpayment waivers (SSA-632).

use super::*;

pub(crate) fn medical_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 10, |c, i| {
        let (_, condition, _) = c.pick(&CONDITIONS);
        match i {
            0 => "My medical condition has gotten worse since I applied.".to_owned(),
            1 => format!(
                "I now need a cane to walk and cannot stand for more than {} minutes.",
                c.range(5, 20)
            ),
            2 => {
                let (doctor, place) = (c.doctor(), c.facility());
                format!("The decision did not consider my records from {doctor} at {place}.")
            }
            3 => {
                let (place, month) = (c.facility(), c.some_month());
                format!(
                    "I was admitted to {place} in {month} for my {condition} and those records \
                     were not reviewed."
                )
            }
            4 => format!(
                "My doctor says I cannot return to any kind of work because of my {condition}."
            ),
            5 => {
                let (_, other, _) = c.pick(&CONDITIONS);
                format!(
                    "I disagree with the disability decision. My {condition} and {other} keep \
                     me from working."
                )
            }
            6 => {
                let month = c.some_month();
                format!("I have new medical evidence: an MRI from {month} shows my {condition} is worse.")
            }
            7 => {
                let doctor = c.doctor();
                format!("I started seeing a specialist, {doctor}, and began new treatment for my {condition}.")
            }
            8 => format!(
                "The examiner said I could do light work, but I cannot lift more than {} pounds.",
                c.range(5, 15)
            ),
            _ => "My symptoms come several times a week and I have to lie down for hours."
                .to_owned(),
        }
    })
}

pub(crate) fn nonmedical_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 10, |c, i| match i {
        0 => format!(
            "I do not owe the overpayment of {}. I reported my wages every month.",
            dollars(c.range(40_000, 900_000))
        ),
        1 => {
            let (relative, pronoun) =
                c.pick(&[("son", "he"), ("daughter", "she"), ("brother", "he"), ("niece", "she")]);
            let month = c.some_month();
            format!(
                "My SSI was reduced because you counted my {relative}'s income, but {pronoun} \
                 moved out in {month}."
            )
        }
        2 => format!(
            "The benefit amount is wrong. My earnings for {} were not included in my record.",
            c.range(2015, 2024)
        ),
        3 => "You stopped my SSI because of excess resources, but the car is the only way I get \
              to my appointments."
            .to_owned(),
        4 => format!(
            "I disagree with the decision that I am not entitled to widow's benefits. We were \
             married for {} years.",
            c.range(10, 40)
        ),
        5 => "The money you counted was a one-time gift from my church, not monthly income."
            .to_owned(),
        6 => "My payment was reduced for in-kind support, but I pay my share of the rent and the \
              food."
            .to_owned(),
        7 => {
            let month = c.some_month();
            format!("I never received the payment for {month}, so I should not have to pay it back.")
        }
        8 => "My pension was counted twice when you figured my benefit amount.".to_owned(),
        _ => {
            let (month, year) = (c.some_month(), c.range(2019, 2024));
            format!("You said I was living with my spouse, but we have been separated since {month} {year}.")
        }
    })
}

pub(crate) fn form_561(c: &mut Ctx, l: &mut Layout, medical: bool) {
    form_header(c, l, "REQUEST FOR RECONSIDERATION", "0960-0622");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of claimant", name), (label, ssn)]);
    if c.chance(0.2) {
        let earner = c.other().name();
        let ssn = c.second_ssn();
        c.row(
            l,
            &[("Name of wage earner", earner), ("Wage earner SSN", ssn)],
        );
    }
    let claim = if medical {
        c.pick(&[
            "Disability",
            "SSI disability",
            "Disability insurance benefits",
            "Disabled adult child benefits",
        ])
    } else {
        c.pick(&[
            "Retirement",
            "SSI",
            "Survivors benefits",
            "SSI aged",
            "Retirement insurance benefits",
            "Spouse's benefits",
        ])
    };
    c.row(l, &[("Claim for", claim.to_owned())]);
    l.gap(4.0);
    let intro = c.pick(&[
        "The claimant disagrees with the determination made on the above claim and requests \
         reconsideration. My reasons are:",
        "I do not agree with the determination made on the above claim and request \
         reconsideration. My reasons are:",
    ]);
    c.para(l, intro);
    let n = c.range(2, 3) as usize;
    let reasons = if medical {
        medical_reasons(c, n)
    } else {
        nonmedical_reasons(c, n)
    };
    c.answer(l, &reasons);
    if !medical && c.chance(0.6) {
        c.band(l, "SUPPLEMENTAL SECURITY INCOME RECONSIDERATION ONLY");
        c.para(
            l,
            "I want to appeal your decision about my claim for SSI. The three ways to appeal \
             are a case review, an informal conference and a formal conference. I want a:",
        );
        let k = c.range(0, 2);
        c.checks(
            l,
            &[
                ("Case review", k == 0),
                ("Informal conference", k == 1),
                ("Formal conference", k == 2),
            ],
        );
    }
    if medical && c.chance(0.4) {
        c.band(l, "DISABILITY CESSATION RECONSIDERATION ONLY");
        c.checks(l, &[("I want a disability hearing", true)]);
    }
    l.gap(4.0);
    c.para(
        l,
        "EITHER THE CLAIMANT OR REPRESENTATIVE SHOULD SIGN - ENTER ADDRESSES FOR BOTH",
    );
    let signer = c.who.name();
    c.sign(l, "Signature of claimant or representative", &signer);
    c.address_rows(l);
    c.band(l, "TO BE COMPLETED BY SOCIAL SECURITY ADMINISTRATION");
    let title_2 = medical || c.chance(0.5);
    let title_16 = !title_2 || c.chance(0.3);
    c.checks(
        l,
        &[
            ("Title II", title_2),
            ("Title XVI", title_16),
            ("Initial", true),
            ("Revised", false),
        ],
    );
    let office = c.office();
    c.para(l, &format!("Field office: {}, {}", office[1], office[2]));
}

pub(crate) fn letter_561(c: &mut Ctx, l: &mut Layout, medical: bool) {
    let n = c.range(2, 4) as usize;
    let reasons = if medical {
        medical_reasons(c, n)
    } else {
        nonmedical_reasons(c, n)
    };
    let decision = add_days(c.date, -c.range(10, 50));
    let first = format!(
        "I am writing to appeal the decision in your letter dated {}. I do not agree with it \
         and I ask you to reconsider my claim{}.",
        c.d(decision),
        if medical {
            " for disability benefits"
        } else {
            ""
        }
    );
    let last = c.pick(&[
        "Please reconsider my case and contact me if you need more information.",
        "I ask for a reconsideration of this decision. Please send me any forms I need to fill out.",
        "Thank you for looking at my case again.",
    ]);
    let subject = c.pick(&[
        "Request for reconsideration",
        "Appeal of decision",
        "Reconsideration",
    ]);
    claimant_letter(c, l, subject, vec![first, reasons, last.to_owned()]);
}

pub(crate) fn waiver_reasons(c: &mut Ctx, n: usize) -> String {
    c.sentences(n, 7, |c, i| match i {
        0 => {
            let month = c.some_month();
            format!(
                "I reported my return to work to the office in {month} and was told my checks \
                 would be adjusted."
            )
        }
        1 => "I did not know that my husband's pension counted as income.".to_owned(),
        2 => "I gave all my pay stubs to the office every month.".to_owned(),
        3 => "The letter said my benefits would continue while my case was reviewed.".to_owned(),
        4 => format!(
            "I told the representative on the phone about my savings account in {}.",
            c.range(2021, 2024)
        ),
        5 => "I cannot pay this back. My only income is my monthly benefit and it does not \
              cover my rent and food."
            .to_owned(),
        _ => "I spent the money on rent and medicine because I thought it was mine.".to_owned(),
    })
}

/// Two money columns side by side (income and expenses), each with its total.
pub(crate) fn money_table(
    c: &mut Ctx,
    l: &mut Layout,
    left: (&str, &[(&str, i64)]),
    right: (&str, &[(&str, i64)]),
) {
    let size = c.size;
    let (x0, x_mid, x_end) = (l.left, (l.left + l.right) / 2.0, l.right);
    let bold = c.label.bold();
    l.keep(size * 1.4 * (left.1.len().max(right.1.len()) as f32 + 3.0));
    l.row(
        size,
        vec![
            cell(x0, bold, left.0),
            rcell(x_mid - 20.0, bold, "Amount"),
            cell(x_mid, bold, right.0),
            rcell(x_end, bold, "Amount"),
        ],
    );
    for i in 0..left.1.len().max(right.1.len()) {
        let mut cells = Vec::new();
        if let Some((label, cents)) = left.1.get(i) {
            cells.push(cell(x0, c.label, *label));
            cells.push(rcell(x_mid - 20.0, c.value, dollars(*cents)));
        }
        if let Some((label, cents)) = right.1.get(i) {
            cells.push(cell(x_mid, c.label, *label));
            cells.push(rcell(x_end, c.value, dollars(*cents)));
        }
        l.row(size, cells);
    }
    let total = |rows: &[(&str, i64)]| rows.iter().map(|(_, v)| v).sum::<i64>();
    l.row(
        size,
        vec![
            cell(x0, bold, "TOTAL"),
            rcell(x_mid - 20.0, c.value, dollars(total(left.1))),
            cell(x_mid, bold, "TOTAL"),
            rcell(x_end, c.value, dollars(total(right.1))),
        ],
    );
    l.gap(size * 0.5);
}

pub(crate) fn form_632(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "REQUEST FOR WAIVER OF OVERPAYMENT RECOVERY OR CHANGE IN REPAYMENT RATE",
        "0960-0037",
    );
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Overpaid person's name", name), (label, ssn)]);
    let amount = c.range(30_000, 1_500_000);
    let notice = add_days(c.date, -c.range(15, 80));
    let notice = c.d(notice);
    c.row(
        l,
        &[
            ("Amount of overpayment", dollars(amount)),
            ("Date of notice", notice),
        ],
    );
    if c.chance(0.2) {
        let spouse = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Spouse's name", spouse), ("Spouse's SSN", ssn)]);
    }
    c.band(l, "SECTION 1 - WHAT YOU ARE ASKING FOR");
    let waiver = c.chance(0.8);
    c.checks(
        l,
        &[(
            "Waiver of recovery: I do not think I should pay it back",
            waiver,
        )],
    );
    c.checks(l, &[("A change in my repayment rate", !waiver)]);
    c.band(l, "SECTION 2 - WHY YOU BELIEVE YOU ARE NOT AT FAULT");
    c.yes_no(
        l,
        "Do you think you were at fault in causing the overpayment?",
        false,
    );
    c.para(l, "Explain why you believe you are not at fault:");
    let n = c.range(1, 3) as usize;
    let reasons = waiver_reasons(c, n);
    c.answer(l, &reasons);
    c.band(l, "SECTION 3 - YOUR MONTHLY INCOME AND EXPENSES");
    let mut income = vec![("Social Security", c.range(60_000, 210_000))];
    if c.chance(0.4) {
        income.push(("SSI", c.range(5_000, 94_300)));
    }
    if c.chance(0.4) {
        income.push(("Wages", c.range(30_000, 150_000)));
    }
    if c.chance(0.3) {
        income.push(("Pension", c.range(10_000, 80_000)));
    }
    let expenses = [
        ("Rent or mortgage", c.range(45_000, 140_000)),
        ("Food", c.range(20_000, 60_000)),
        ("Utilities", c.range(8_000, 30_000)),
        ("Telephone", c.range(3_000, 9_000)),
        ("Medical and dental", c.range(2_000, 30_000)),
        ("Car and transportation", c.range(4_000, 40_000)),
        ("Credit card payments", c.range(0, 20_000)),
    ];
    money_table(
        c,
        l,
        ("Monthly income", &income),
        ("Monthly expenses", &expenses),
    );
    c.band(l, "SECTION 4 - ASSETS");
    let (cash, checking, savings) = (
        c.range(0, 20_000),
        c.range(1_000, 150_000),
        c.range(0, 200_000),
    );
    c.row(
        l,
        &[
            ("Cash on hand", dollars(cash)),
            ("Checking", dollars(checking)),
            ("Savings", dollars(savings)),
        ],
    );
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature of overpaid person", &signer);
    c.address_rows(l);
}

pub(crate) fn letter_632(c: &mut Ctx, l: &mut Layout) {
    let amount = dollars(c.range(30_000, 1_500_000));
    let notice = add_days(c.date, -c.range(15, 80));
    let first = format!(
        "I received your letter dated {} saying that I was overpaid {amount}. I am asking you \
         to waive this overpayment.",
        c.d(notice)
    );
    let n = c.range(2, 3) as usize;
    let reasons = waiver_reasons(c, n);
    let rent = dollars(c.range(45_000, 120_000));
    let income = dollars(c.range(80_000, 190_000));
    let budget = format!(
        "My rent is {rent} a month and my only income is {income}. If you take money out of my \
         check I will not be able to pay for food and my medicine."
    );
    let subject = c.pick(&[
        "Request for waiver of overpayment",
        "Overpayment - please waive",
        "Waiver request",
    ]);
    claimant_letter(c, l, subject, vec![first, reasons, budget]);
}
