//! Income and work: the SSI redetermination (SSA-8203) and the work activity report (SSA-821).

use super::*;

pub(crate) fn form_8203(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "STATEMENT FOR DETERMINING CONTINUING ELIGIBILITY FOR SUPPLEMENTAL SECURITY INCOME PAYMENTS",
        "0960-0145",
    );
    c.claimant_rows(l, "Telephone");
    if c.chance(0.4) {
        let spouse = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Spouse's name", spouse), ("Spouse's SSN", ssn)]);
    }
    living_arrangements(c, l);
    income_since(c, l);
    resources(c, l);
    c.band(l, "MEDICAL");
    let medicaid = c.chance(0.8);
    c.yes_no(
        l,
        "Do you have Medicaid or other health insurance?",
        medicaid,
    );
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

/// Who the claimant lives with and what the home costs.
fn living_arrangements(c: &mut Ctx, l: &mut Layout) {
    c.band(l, "LIVING ARRANGEMENTS");
    let alone = c.chance(0.4);
    c.yes_no(l, "Do you live alone?", alone);
    if !alone {
        let mut household = Vec::new();
        for _ in 0..c.range(1, 3) {
            let p = c.other();
            let relation = c.pick(&[
                "Daughter", "Son", "Sister", "Roommate", "Grandson", "Mother",
            ]);
            household.push(vec![
                p.name(),
                relation.to_owned(),
                c.range(8, 80).to_string(),
            ]);
        }
        c.table(
            l,
            &[("Name", 0.0), ("Relationship", 220.0), ("Age", 360.0)],
            &household,
        );
    }
    let tenure = c.pick(&["Rent", "Own", "Neither"]);
    let rent = dollars(c.range(30_000, 110_000));
    c.row(
        l,
        &[
            ("Do you own or rent?", tenure.to_owned()),
            ("Monthly rent or mortgage", rent),
        ],
    );
    let help = c.chance(0.2);
    c.yes_no(
        l,
        "Does anyone outside your household help pay for your food or shelter?",
        help,
    );
}

/// Income of every kind since the last redetermination.
fn income_since(c: &mut Ctx, l: &mut Layout) {
    c.band(l, "INCOME");
    let since = add_days(c.date, -c.range(300, 700));
    let since = c.d(since);
    c.para(
        l,
        &format!("Since {since}, have you (or your spouse) received any of the following?"),
    );
    let kinds = [
        "Wages",
        "Social Security",
        "VA benefits",
        "Pension",
        "Unemployment",
        "Child support",
        "Help from family",
    ];
    let mut income = Vec::new();
    for kind in kinds {
        if c.chance(0.3) {
            let who = c.pick(&["Me", "Me", "Spouse"]);
            income.push(vec![
                kind.to_owned(),
                who.to_owned(),
                dollars(c.range(5_000, 120_000)),
            ]);
        }
    }
    if income.is_empty() {
        income.push(vec!["None".to_owned(), String::new(), dollars(0)]);
    }
    c.table(
        l,
        &[
            ("Type of income", 0.0),
            ("Who", 200.0),
            ("Monthly amount", 320.0),
        ],
        &income,
    );
}

/// Accounts, a vehicle, a burial policy.
fn resources(c: &mut Ctx, l: &mut Layout) {
    c.band(l, "RESOURCES");
    let bank = c.pick(&BANKS);
    let mut resources = vec![vec![
        "Checking account".to_owned(),
        bank.to_owned(),
        dollars(c.range(500, 180_000)),
    ]];
    if c.chance(0.5) {
        resources.push(vec![
            "Savings account".to_owned(),
            bank.to_owned(),
            dollars(c.range(0, 190_000)),
        ]);
    }
    if c.chance(0.6) {
        let car = format!(
            "{} {}",
            c.range(2005, 2020),
            c.pick(&[
                "Chevrolet Malibu",
                "Ford Focus",
                "Toyota Corolla",
                "Honda Civic",
                "Dodge Caravan"
            ])
        );
        resources.push(vec![
            "Vehicle".to_owned(),
            car,
            dollars(c.range(150_000, 900_000)),
        ]);
    }
    if c.chance(0.3) {
        resources.push(vec![
            "Life insurance".to_owned(),
            "Burial policy".to_owned(),
            dollars(c.range(100_000, 500_000)),
        ]);
    }
    c.table(
        l,
        &[
            ("Resource", 0.0),
            ("Where held", 160.0),
            ("Balance or value", 360.0),
        ],
        &resources,
    );
}

/// A job: employer, start, pay.
pub(crate) struct Job {
    pub(crate) employer: &'static str,
    pub(crate) title: &'static str,
    pub(crate) began: Date,
    pub(crate) rate_cents: i64,
    pub(crate) hours: i64,
}

pub(crate) fn job(c: &mut Ctx) -> Job {
    let employer = c.pick(&EMPLOYERS);
    c.set("employer", employer);
    Job {
        employer,
        title: c.pick(&JOBS),
        began: add_days(c.date, -c.range(60, 400)),
        rate_cents: c.range(23, 56) * 50,
        hours: c.range(8, 32),
    }
}

pub(crate) fn form_821(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "WORK ACTIVITY REPORT - EMPLOYEE", "0960-0059");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name", name), (label, ssn)]);
    c.band(l, "PART I - EMPLOYMENT INFORMATION");
    let job = job(c);
    let line = c.range(0, 99);
    let phone = format!("({}) 555-01{line:02}", c.who.city.area_code);
    c.row(
        l,
        &[
            ("Name of employer", job.employer.to_owned()),
            ("Telephone", phone),
        ],
    );
    let street = c.street();
    let city = c.who.city_line();
    c.row(l, &[("Employer's address", format!("{street}, {city}"))]);
    let began = c.d(job.began);
    let ended = if c.chance(0.7) {
        "Still working".to_owned()
    } else {
        let ended = add_days(c.date, -c.range(5, 50));
        c.d(ended)
    };
    c.row(l, &[("Date work began", began), ("Date work ended", ended)]);
    c.row(
        l,
        &[
            ("Job title", job.title.to_owned()),
            (
                "Rate of pay",
                format!("{} per hour", dollars(job.rate_cents)),
            ),
        ],
    );
    let paid = c.pick(&["Weekly", "Every two weeks", "Twice a month", "Monthly"]);
    c.row(
        l,
        &[
            ("Hours worked per week", job.hours.to_string()),
            ("How often paid", paid.to_owned()),
        ],
    );
    c.para(
        l,
        "Gross earnings (before any deductions) for each month you worked:",
    );
    let mut month = job.began;
    let mut rows = Vec::new();
    for _ in 0..c.range(3, 6) {
        let hours = job.hours * 4 + c.range(-6, 6);
        rows.push(vec![
            format!("{} {}", month_name(month), month.year()),
            hours.to_string(),
            dollars(hours * job.rate_cents),
        ]);
        month = add_days(month, 31);
    }
    c.table(
        l,
        &[("Month", 0.0), ("Hours", 180.0), ("Gross earnings", 300.0)],
        &rows,
    );
    c.band(l, "PART II - SPECIAL CONDITIONS");
    c.para(
        l,
        "Did you receive any special help or changes at work because of your condition?",
    );
    let help: Vec<(&str, bool)> = [
        "Extra supervision",
        "Job coach",
        "Fewer or easier duties",
        "Extra rest breaks",
        "Lower production allowed",
    ]
    .iter()
    .map(|h| (*h, c.chance(0.3)))
    .collect();
    c.checks(l, &help);
    c.band(l, "PART III - IMPAIRMENT-RELATED WORK EXPENSES");
    let pays = c.chance(0.4);
    c.yes_no(
        l,
        "Do you pay for any items or services you need to work because of your condition?",
        pays,
    );
    if pays {
        let rows = vec![
            vec![
                "Transportation to work".to_owned(),
                dollars(c.range(3_000, 12_000)),
            ],
            vec![
                "Prescription co-pays".to_owned(),
                dollars(c.range(1_000, 6_000)),
            ],
        ];
        c.table(
            l,
            &[("Item or service", 0.0), ("Monthly cost", 300.0)],
            &rows,
        );
    }
    c.para(l, PERJURY);
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

pub(crate) fn letter_821(c: &mut Ctx, l: &mut Layout) {
    let job = job(c);
    let first = format!(
        "I am writing to report that I started working at {} on {}. I work about {} hours a \
         week as a {} and I am paid {} an hour.",
        job.employer,
        c.d(job.began),
        job.hours,
        job.title,
        dollars(job.rate_cents)
    );
    let second = c
        .pick(&[
            "My employer lets me take extra breaks because of my condition.",
            "I have a job coach from the state vocational rehabilitation office.",
            "I am trying to see if I can keep working part time.",
        ])
        .to_owned();
    let third = "Please let me know if you need my pay stubs.".to_owned();
    let subject = c.pick(&["Reporting my work", "Work report", "New job"]);
    claimant_letter(c, l, subject, vec![first, second, third]);
}
