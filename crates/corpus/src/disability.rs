//! Disability forms: the authorization (SSA-827), the disability and function reports
//! (SSA-3368, SSA-3373) and the continuing disability review report (SSA-454).

use super::*;

pub(crate) fn form_827(c: &mut Ctx, l: &mut Layout) {
    form_header(
        c,
        l,
        "AUTHORIZATION TO DISCLOSE INFORMATION TO THE SOCIAL SECURITY ADMINISTRATION (SSA)",
        "0960-0623",
    );
    let (name, dob, ssn) = (c.claimant(), c.dob(), c.claimant_ssn());
    c.row(
        l,
        &[
            ("Name (first, middle, last)", name),
            ("Date of birth", dob),
            ("Social Security Number", ssn),
        ],
    );
    c.para(
        l,
        "Voluntary - please read both pages before signing. Information about you is \
         protected by law.",
    );
    c.band(l, "I AUTHORIZE (Name and address of source)");
    for _ in 0..c.range(1, 2) {
        let source = if c.chance(0.5) {
            c.doctor()
        } else {
            c.facility()
        };
        let street = c.street();
        let city = c.who.city_line();
        c.answer(l, &format!("{source}, {street}, {city}"));
    }
    c.band(l, "TO DISCLOSE INFORMATION TO");
    let to = c.pick(&[
        "The Social Security Administration and to the State agency authorized to process my \
         case (usually called Disability Determination Services), including contact persons to \
         whom SSA or the State agency may refer information.",
        "SSA and the State agency that decides disability claims for SSA (Disability \
         Determination Services), and their contractors who help process my claim.",
    ]);
    c.para(l, to);
    c.band(l, "WHAT");
    c.para(
        l,
        "All my medical records; also education records and other information related to my \
         ability to perform tasks. This includes specific permission to release:",
    );
    for item in [
        "1. All records and other information regarding my treatment, hospitalization, and \
         outpatient care for my impairment(s), including psychological, psychiatric or other \
         mental impairment(s), drug abuse, alcoholism, or other substance abuse, sickle cell \
         anemia, records which may indicate the presence of a communicable disease, including \
         tests for or records of HIV/AIDS, and gene-related impairments.",
        "2. Information about how my impairment(s) affects my ability to complete tasks and \
         activities of daily living, and affects my ability to work.",
        "3. Copies of educational tests or evaluations, including Individualized Educational \
         Programs, triennial assessments, psychological and speech evaluations.",
    ] {
        let size = c.size;
        l.para(c.label, size, 10.0, item);
    }
    c.band(l, "WHY");
    c.para(
        l,
        "To determine my eligibility for benefits, including looking at the combined effect of \
         any impairments that by themselves would not meet SSA's definition of disability; and \
         whether I can manage such benefits.",
    );
    let hipaa = c.pick(&[
        "This authorization complies with the Health Insurance Portability and Accountability \
         Act (HIPAA) Privacy Rule, 45 CFR 164.508, and with state laws on the disclosure of \
         health information.",
        "I understand that this authorization meets the requirements of the HIPAA Privacy Rule \
         (45 CFR 164.508). My providers may not condition my treatment on whether I sign it.",
    ]);
    c.para(l, hipaa);
    c.para(
        l,
        "This authorization is good for 12 months from the date signed (below my signature).",
    );
    if c.chance(0.3) {
        c.checks(l, &[("Parent of minor", true), ("Legal guardian", false)]);
    }
    let signer = c.who.name();
    c.sign(l, "Individual authorizing disclosure", &signer);
    c.address_rows(l);
    if c.chance(0.5) {
        let witness = c.other();
        c.row(
            l,
            &[
                ("Witness", witness.name()),
                ("Witness telephone", witness.phone),
            ],
        );
    }
}

impl Ctx<'_> {
    /// A table: bold column heads, then the rows, each column at its offset from the margin.
    pub(crate) fn table(&mut self, l: &mut Layout, columns: &[(&str, f32)], rows: &[Vec<String>]) {
        let size = self.size;
        l.keep(size * 1.4 * (rows.len().min(4) as f32 + 1.5));
        let left = l.left;
        let bold = self.label.bold();
        l.row(
            size,
            columns
                .iter()
                .map(|(head, x)| cell(left + x, bold, *head))
                .collect(),
        );
        for r in rows {
            l.row(
                size,
                r.iter()
                    .zip(columns)
                    .map(|(v, (_, x))| cell(left + x, self.value, v.clone()))
                    .collect(),
            );
        }
        l.gap(size * 0.5);
    }

    pub(crate) fn conditions(
        &mut self,
        n: usize,
    ) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut all = CONDITIONS.to_vec();
        all.shuffle(self.rng);
        all.truncate(n);
        all
    }

    /// The section about the disabled person under its heading: who they are, their phone
    /// number under `phone_label`, and their mailing address.
    pub(crate) fn disabled_person(&mut self, l: &mut Layout, heading: &str, phone_label: &str) {
        self.band(l, heading);
        self.claimant_rows(l, phone_label);
        let (street, city) = (self.who.street.clone(), self.who.city_line());
        self.row(
            l,
            &[("Mailing address", street), ("City, state, ZIP", city)],
        );
    }

    /// A section of medicines under its heading: `fewest` to `most` of them, each with who
    /// prescribed it and why.
    pub(crate) fn medicines_section(
        &mut self,
        l: &mut Layout,
        heading: &str,
        fewest: i64,
        most: i64,
    ) {
        self.band(l, heading);
        let n = self.range(fewest, most) as usize;
        let medicines = self.medicine_rows(n);
        self.table(
            l,
            &[
                ("Name of medicine", 0.0),
                ("Prescribed by", 220.0),
                ("Reason", 390.0),
            ],
            &medicines,
        );
    }

    pub(crate) fn medicine_rows(&mut self, n: usize) -> Vec<Vec<String>> {
        let mut all = MEDICINES.to_vec();
        all.shuffle(self.rng);
        all.into_iter()
            .take(n)
            .map(|(name, dose, why)| {
                let doctor = self.doctor();
                vec![format!("{name} {dose}"), doctor, why.to_owned()]
            })
            .collect()
    }
}

pub(crate) fn form_3368(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "DISABILITY REPORT - ADULT", "0960-0579");
    c.disabled_person(
        l,
        "SECTION 1 - INFORMATION ABOUT THE DISABLED PERSON",
        "Daytime telephone",
    );
    let english = c.chance(0.9);
    c.yes_no(l, "Can you speak and understand English?", english);
    let contact = c.other().name();
    let relation = c.pick(&[
        "Daughter", "Son", "Sister", "Friend", "Wife", "Husband", "Neighbor",
    ]);
    c.row(
        l,
        &[
            ("Someone we can contact", contact),
            ("Relationship", relation.to_owned()),
        ],
    );
    c.band(l, "SECTION 2 - MEDICAL CONDITIONS");
    c.para(
        l,
        "List all of the physical or mental conditions (including emotional or learning \
         problems) that limit your ability to work:",
    );
    let n = c.range(2, 5) as usize;
    for (i, (_, informal, _)) in c.conditions(n).into_iter().enumerate() {
        c.answer(l, &format!("{}. {informal}", i + 1));
    }
    let height = format!("{} ft {} in", c.range(4, 6), c.range(0, 11));
    let weight = format!("{} lbs", c.range(105, 320));
    c.row(
        l,
        &[
            ("Height without shoes", height),
            ("Weight without shoes", weight),
        ],
    );
    c.yes_no(
        l,
        "Do your conditions cause you pain or other symptoms?",
        true,
    );
    c.band(l, "SECTION 3 - WORK ACTIVITY");
    c.yes_no(l, "Are you currently working?", false);
    let stopped = add_days(c.date, -c.range(60, 900));
    let because = c.pick(&[
        "because of my conditions",
        "because I could not keep up anymore",
        "because my doctor told me to stop",
    ]);
    let stopped = format!("I stopped working on {} {because}.", c.d(stopped));
    c.answer(l, &stopped);
    c.band(l, "SECTION 4 - JOB HISTORY");
    let mut year = c.range(2016, 2023);
    let mut jobs = Vec::new();
    for _ in 0..c.range(1, 3) {
        let start = year - c.range(1, 8);
        jobs.push(vec![
            c.pick(&JOBS).to_owned(),
            c.pick(&EMPLOYERS).to_owned(),
            format!("{start} - {year}"),
        ]);
        year = start;
    }
    c.table(
        l,
        &[
            ("Job title", 0.0),
            ("Employer", 180.0),
            ("Dates worked", 400.0),
        ],
        &jobs,
    );
    c.medicines_section(l, "SECTION 5 - MEDICINES", 2, 5);
    c.band(l, "SECTION 6 - MEDICAL TREATMENT");
    for _ in 0..c.range(2, 3) {
        let (place, doctor) = (c.facility(), c.doctor());
        let first = add_days(c.date, -c.range(200, 1500));
        let last = add_days(c.date, -c.range(5, 120));
        let visit = format!(
            "{place}, {doctor}. First visit {}, last visit {}.",
            c.d(first),
            c.d(last)
        );
        c.answer(l, &visit);
    }
    c.band(l, "SECTION 7 - EDUCATION AND TRAINING");
    let grade = c.pick(&["8", "10", "11", "12", "GED", "2 years of college"]);
    let year = c.range(1962, 2020).to_string();
    c.row(
        l,
        &[
            ("Highest grade completed", grade.to_owned()),
            ("Year completed", year),
        ],
    );
    let signer = c.who.name();
    c.sign(l, "Signature of person completing this form", &signer);
}

pub(crate) fn form_3373(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "FUNCTION REPORT - ADULT", "0960-0681");
    c.band(l, "SECTION A - GENERAL INFORMATION");
    let (name, ssn, label) = (c.claimant(), c.claimant_ssn(), c.ssn_label);
    c.row(l, &[("Name of disabled person", name), (label, ssn)]);
    let home = c.pick(&[
        "House",
        "Apartment",
        "Mobile home",
        "With family",
        "Group home",
    ]);
    c.row(l, &[("Where do you live?", home.to_owned())]);
    daily_activities(c, l);
    c.band(l, "PERSONAL CARE");
    c.para(
        l,
        "Explain how your illnesses, injuries, or conditions affect your ability to:",
    );
    let care = [
        ("Dress", "I need help with buttons and socks"),
        ("Bathe", "I sit on a shower chair"),
        ("Care for hair", "I cannot raise my arms for long"),
        ("Shave", "I use an electric razor sitting down"),
        ("Feed self", "no problem"),
        ("Use the toilet", "I use grab bars"),
    ];
    for (what, how) in care {
        if c.chance(0.7) {
            c.row(l, &[(what, how.to_owned())]);
        }
    }
    c.band(l, "MEALS");
    let cooks = c.chance(0.6);
    c.yes_no(l, "Do you prepare your own meals?", cooks);
    if cooks {
        c.answer(
            l,
            "Sandwiches and frozen dinners. It takes me about 30 minutes because I have to sit down.",
        );
    }
    c.band(l, "GETTING AROUND");
    let often = c.pick(&[
        "Once a week",
        "Two or three times a week",
        "Every day",
        "Rarely",
    ]);
    c.row(l, &[("How often do you go outside?", often.to_owned())]);
    let drives = c.chance(0.5);
    c.checks(
        l,
        &[
            ("Walk", true),
            ("Drive a car", drives),
            ("Ride in a car", !drives),
            ("Public transportation", false),
        ],
    );
    c.band(l, "MONEY");
    let bills = c.chance(0.7);
    c.yes_no(l, "Are you able to pay bills and count change?", bills);
    abilities(c, l);
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}

/// Section B of SSA-3373: a day, caring for others, what the claimant can no longer do.
fn daily_activities(c: &mut Ctx, l: &mut Layout) {
    c.band(l, "SECTION B - INFORMATION ABOUT DAILY ACTIVITIES");
    c.para(
        l,
        "Describe what you do from the time you wake up until going to bed.",
    );
    let n = c.range(3, 5) as usize;
    let day = c.sentences(n, 8, |c, i| match i {
        0 => format!(
            "I wake up around {} and take my medicine.",
            c.pick(&["6", "7", "8", "9"])
        ),
        1 => "I sit in my recliner most of the morning and watch TV.".to_owned(),
        2 => format!(
            "I have to lie down for {} hours in the afternoon because of the pain.",
            c.range(1, 4)
        ),
        3 => "My daughter brings me lunch and helps me with my pills.".to_owned(),
        4 => "Some days I cannot get out of bed at all.".to_owned(),
        5 => "I try to walk to the mailbox but I have to stop and rest.".to_owned(),
        6 => "I go to bed early but I wake up several times in the night.".to_owned(),
        _ => "I do a few dishes sitting on a stool.".to_owned(),
    });
    c.answer(l, &day);
    let cares = c.chance(0.2);
    c.yes_no(
        l,
        "Do you take care of anyone else, such as children or parents?",
        cares,
    );
    c.para(
        l,
        "What were you able to do before your illnesses, injuries, or conditions that you \
         can't do now?",
    );
    let before = c.pick(&[
        "Work full time, go fishing, play with my grandchildren, drive long distances.",
        "Stand all day at work, clean my whole house, go to church every week.",
        "Lift heavy boxes, mow the lawn, go shopping by myself.",
    ]);
    c.answer(l, before);
    c.yes_no(l, "Does your condition affect your sleep?", true);
}

/// The abilities SSA-3373 asks about, and how far the claimant can walk.
fn abilities(c: &mut Ctx, l: &mut Layout) {
    c.band(l, "INFORMATION ABOUT ABILITIES");
    c.para(
        l,
        "Check any of the following items your illnesses, injuries, or conditions affect:",
    );
    let abilities = [
        "Lifting",
        "Squatting",
        "Bending",
        "Standing",
        "Reaching",
        "Walking",
        "Sitting",
        "Kneeling",
        "Hearing",
        "Stair climbing",
        "Seeing",
        "Memory",
        "Concentration",
        "Using hands",
    ];
    let ticked: Vec<(&str, bool)> = abilities.iter().map(|a| (*a, c.chance(0.5))).collect();
    c.checks(l, &ticked);
    let distance = c.pick(&[
        "Half a block",
        "About 50 feet",
        "One block",
        "To the mailbox",
    ]);
    c.row(
        l,
        &[(
            "How far can you walk before you need to rest?",
            distance.to_owned(),
        )],
    );
}

pub(crate) fn form_454(c: &mut Ctx, l: &mut Layout) {
    form_header(c, l, "CONTINUING DISABILITY REVIEW REPORT", "0960-0072");
    c.disabled_person(
        l,
        "PART I - INFORMATION ABOUT THE DISABLED PERSON",
        "Telephone",
    );
    if c.chance(0.3) {
        let payee = c.other().name();
        let ssn = c.second_ssn();
        c.row(l, &[("Representative payee", payee), ("Payee SSN", ssn)]);
    }
    c.band(l, "PART II - YOUR MEDICAL CONDITION");
    let since = add_days(c.date, -c.range(700, 1800));
    let since = c.d(since);
    c.para(l, &format!("Since {since}, has your condition:"));
    let change = c.range(0, 2);
    c.checks(
        l,
        &[
            ("Improved", change == 0),
            ("Stayed the same", change == 1),
            ("Gotten worse", change == 2),
        ],
    );
    c.para(l, "Describe any changes in your condition:");
    let (_, condition, _) = c.pick(&CONDITIONS);
    let text = match change {
        0 => format!(
            "My {condition} is a little better with the new medicine but I still have bad days."
        ),
        1 => format!("My {condition} is about the same. I still cannot do much around the house."),
        _ => format!(
            "My {condition} is worse. I now use a walker and I was in the hospital twice this year."
        ),
    };
    c.answer(l, &text);
    c.band(l, "PART III - MEDICAL TREATMENT");
    c.yes_no(
        l,
        "Have you seen a doctor or other health professional since your last review?",
        true,
    );
    let mut visits = Vec::new();
    for _ in 0..c.range(1, 3) {
        let last = add_days(c.date, -c.range(5, 300));
        visits.push(vec![c.doctor(), c.facility(), c.d(last)]);
    }
    c.table(
        l,
        &[
            ("Doctor", 0.0),
            ("Clinic or hospital", 170.0),
            ("Last visit", 400.0),
        ],
        &visits,
    );
    c.medicines_section(l, "PART IV - MEDICINES", 1, 4);
    c.band(l, "PART V - WORK ACTIVITY");
    let worked = c.chance(0.2);
    c.yes_no(l, &format!("Since {since}, have you worked?"), worked);
    c.band(l, "PART VI - VOCATIONAL REHABILITATION");
    let ticket = c.chance(0.15);
    c.yes_no(
        l,
        "Have you taken part in the Ticket to Work program or other vocational rehabilitation?",
        ticket,
    );
    let signer = c.who.name();
    c.sign(l, "Signature", &signer);
}
