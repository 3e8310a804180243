//! Birth records, correspondence and third-party letters.

use super::*;

pub(crate) fn birth_record(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[NameStyle::Upper, NameStyle::Natural]);
    let (width, height) = (l.width, l.height);
    l.mark(Mark::Frame {
        x: 28.0,
        top: 28.0,
        w: width - 56.0,
        h: height - 56.0,
        width: 2.5,
        ink: Ink::Black,
    });
    l.mark(Mark::Frame {
        x: 34.0,
        top: 34.0,
        w: width - 68.0,
        h: height - 68.0,
        width: 0.6,
        ink: Ink::Black,
    });
    let mother = format!("{} {}", c.pick(&FEMALE), c.pick(&LAST));
    let father = format!("{} {}", c.pick(&MALE), c.who.last);
    if c.chance(0.25) {
        baptism(c, l, &mother, &father);
    } else {
        birth_certificate(c, l, mother, father);
    }
}

/// A church's certificate of baptism, which gives the date and place of birth.
fn baptism(c: &mut Ctx, l: &mut Layout, mother: &str, father: &str) {
    let city = c.who.city;
    c.date_style = DateStyle::Long;
    let church = format!("St. {} Catholic Church", c.pick(&SAINTS));
    let font = Font::Times;
    l.gap(20.0);
    l.center(Font::TimesBold, 24.0, "Certificate of Baptism");
    l.gap(6.0);
    l.center(font, 13.0, &church);
    l.center(font, 11.0, &format!("{}, {}", city.name, city.state));
    l.gap(24.0);
    l.center(font, 12.0, "This is to certify that");
    let name = c.claimant();
    l.center(Font::TimesBold, 16.0, &name);
    l.center(font, 12.0, &format!("child of {father} and {mother},"));
    let dob = c.dob();
    l.center(
        font,
        12.0,
        &format!("born in {}, {} on {dob},", city.name, city.state),
    );
    let baptized = add_days(c.who.dob, c.range(20, 300));
    let priest = format!("{} {}", c.pick(&MALE), c.pick(&LAST));
    l.center(font, 12.0, &format!("was baptized on {}", c.d(baptized)));
    l.center(
        font,
        12.0,
        &format!("according to the Rite of the Roman Catholic Church by the Rev. {priest}."),
    );
    l.gap(12.0);
    let sponsors = format!(
        "Sponsors: {} {} and {} {}",
        c.pick(&MALE),
        c.pick(&LAST),
        c.pick(&FEMALE),
        c.pick(&LAST)
    );
    l.center(font, 12.0, &sponsors);
    l.gap(18.0);
    l.center(
        font,
        11.0,
        "As appears from the Baptismal Register of this Church.",
    );
    let dated = format!("Dated: {}", c.d(c.date));
    l.center(font, 11.0, &dated);
    l.gap(24.0);
    let pastor = format!("Rev. {} {}, Pastor", c.pick(&MALE), c.pick(&LAST));
    l.center(Font::TimesItalic, 13.0, &pastor);
}

/// A state's certificate of live birth.
fn birth_certificate(c: &mut Ctx, l: &mut Layout, mother: String, father: String) {
    let city = c.who.city;
    l.gap(10.0);
    l.center(
        Font::HelveticaBold,
        11.0,
        &format!("STATE OF {}", city.state.to_uppercase()),
    );
    let department = c.pick(&[
        ("DEPARTMENT OF HEALTH", "Department of Health"),
        ("DEPARTMENT OF PUBLIC HEALTH", "Department of Public Health"),
        (
            "DEPARTMENT OF HEALTH AND HUMAN SERVICES",
            "Department of Health and Human Services",
        ),
    ]);
    l.center(Font::Helvetica, 10.0, department.0);
    let office = c.pick(&["OFFICE OF VITAL RECORDS", "VITAL STATISTICS SECTION"]);
    l.center(Font::Helvetica, 10.0, office);
    l.gap(8.0);
    let title = c.pick(&["CERTIFICATE OF LIVE BIRTH", "CERTIFICATION OF BIRTH"]);
    l.center(Font::TimesBold, 18.0, title);
    l.gap(8.0);
    let file = format!(
        "{}-{}-{:06}",
        c.range(100, 199),
        c.who.dob.year(),
        c.range(1, 99_999)
    );
    c.row(l, &[("State file number", file)]);
    let name = c.claimant();
    c.row(l, &[("Child's name (first, middle, last)", name)]);
    let dob = c.dob();
    let sex = if c.who.female { "Female" } else { "Male" };
    let time = c.clock_time();
    c.row(
        l,
        &[
            ("Date of birth", dob),
            ("Sex", sex.to_owned()),
            ("Time of birth", time),
        ],
    );
    let hospital = match c.range(0, 2) {
        0 => format!("{} General Hospital", city.name),
        1 => format!("St. {} Hospital", c.pick(&SAINTS)),
        _ => format!("{} Memorial Hospital", c.pick(&PLACES)),
    };
    c.row(
        l,
        &[
            ("Place of birth", hospital),
            ("City or town", city.name.to_owned()),
            ("County", city.county.to_owned()),
        ],
    );
    let born_in = c.pick(&CITIES).state;
    c.row(
        l,
        &[
            ("Mother's name before first marriage", mother),
            ("Mother's birthplace", born_in.to_owned()),
        ],
    );
    c.row(
        l,
        &[
            ("Father's name", father),
            ("Father's birthplace", city.state.to_owned()),
        ],
    );
    let filed = add_days(c.who.dob, c.range(3, 25));
    let filed = c.d(filed);
    c.row(l, &[("Date filed", filed)]);
    l.gap(10.0);
    c.para(
        l,
        &format!(
            "This is a true certification of the name and facts as they appear on the official \
             record of birth filed with the {} {}. This copy is issued under the authority of \
             the laws of the State of {}.",
            city.state, department.1, city.state
        ),
    );
    let issued = c.d(c.date);
    let registrar = format!("{} {}", c.pick(&FEMALE), c.pick(&LAST));
    c.row(
        l,
        &[("Date issued", issued), ("State registrar", registrar)],
    );
    l.gap(10.0);
    c.para(
        l,
        "WARNING: DO NOT ACCEPT THIS COPY UNLESS IT SHOWS THE RAISED SEAL OF THE STATE. ANY \
         ALTERATION OR ERASURE VOIDS THIS CERTIFICATE.",
    );
}

pub(crate) fn correspondence(c: &mut Ctx, l: &mut Layout) {
    let kind = c.range(0, 7);
    if matches!(kind, 4 | 5) {
        return third_party_letter(c, l, kind == 4);
    }
    let (subject, paragraphs) = match kind {
        0 => {
            let moved = add_days(c.date, -c.range(0, 20));
            let old = format!(
                "{} {} {}",
                c.range(12, 9899),
                c.pick(&STREETS),
                c.pick(&STREET_TYPES)
            );
            (
                "Change of address",
                vec![
                    format!(
                        "Please change my mailing address. As of {} my new address is {}, {}.",
                        c.d(moved),
                        c.who.street,
                        c.who.city_line()
                    ),
                    format!(
                        "My old address was {old}. Please send all my mail to the new address."
                    ),
                    format!("You can reach me at {}.", c.who.phone),
                ],
            )
        }
        1 => {
            let bank = c.pick(&BANKS);
            (
                "Direct deposit",
                vec![
                    format!(
                        "Please send my monthly benefit payment to my new account at {bank}. \
                         I closed my old account last month."
                    ),
                    "I have attached a voided check with the routing and account numbers."
                        .to_owned(),
                ],
            )
        }
        2 => (
            "Benefit verification letter",
            vec![
                "Please send me a letter that shows how much I receive each month.".to_owned(),
                c.pick(&[
                    "The housing authority needs proof of my income to renew my lease.",
                    "My bank needs proof of income for a loan application.",
                    "The food stamp office asked me for a letter from Social Security.",
                ])
                .to_owned(),
            ],
        ),
        3 => {
            let spouse = c.other();
            let (relation, he) = if spouse.female {
                ("wife", "She")
            } else {
                ("husband", "He")
            };
            let died = add_days(c.date, -c.range(3, 40));
            (
                "Death of a beneficiary",
                vec![
                    format!(
                        "I am writing to tell you that my {relation}, {}, passed away on {}. \
                         {he} received Social Security benefits every month.",
                        spouse.name(),
                        c.d(died)
                    ),
                    "Please let me know what I need to do, and whether I can get survivors \
                     benefits. I have the death certificate."
                        .to_owned(),
                ],
            )
        }
        6 => {
            let year = c.range(2024, 2025);
            (
                c.pick(&["Medicare card", "Question about my benefits"]),
                vec![
                    format!(
                        "I did not receive the statement of my benefits for my {year} taxes. \
                         Please mail me a copy."
                    ),
                    "Also, my Medicare card was lost when I moved. Please send me a new one."
                        .to_owned(),
                ],
            )
        }
        _ => (
            "Update to my records",
            vec![
                "Last year I received a notice about an overpayment, which I have paid back in \
                 full. I am writing about something else."
                    .to_owned(),
                format!(
                    "My phone number has changed to {}. Please update your records.",
                    c.who.phone
                ),
            ],
        ),
    };
    claimant_letter(c, l, subject, paragraphs);
}

/// A landlord's or a food pantry's letter about the claimant.
pub(crate) fn third_party_letter(c: &mut Ctx, l: &mut Layout, landlord: bool) {
    let writer = c.other();
    let since = add_days(c.date, -c.range(200, 2500));
    let since = format!("{} {}", month_name(since), since.year());
    let claimant = c.who.name();
    let (he, his) = (if c.who.female { "She" } else { "He" }, c.who.possessive());
    let (organisation, paragraphs) = if landlord {
        let company = c.pick(&[
            "Cornerstone Property Management LLC",
            "Oak Hollow Apartments",
            "Parkview Terrace Apartments",
        ]);
        let rent = dollars(c.range(45_000, 120_000));
        let utilities = c.pick(&["includes", "does not include"]);
        (
            company.to_owned(),
            vec![
                format!(
                    "This letter confirms that {claimant} has rented the apartment at {} since \
                     {since}. The monthly rent is {rent}, which {utilities} utilities.",
                    c.who.street
                ),
                format!("{he} pays {his} rent on time and {his} lease runs for twelve months."),
            ],
        )
    } else {
        let church = format!("{} Community Food Pantry", c.pick(&PLACES));
        (
            church,
            vec![
                format!(
                    "{claimant} has received groceries from our food pantry twice a month since \
                     {since}."
                ),
                "We are a volunteer organization and we do not charge for this help.".to_owned(),
            ],
        )
    };
    let street = c.street();
    let recipient = c.office().to_vec();
    let letter = Letter {
        letterhead: Some(organisation.clone()),
        sender: vec![format!("{street}, {}", c.who.city_line())],
        recipient,
        subject: None,
        about_claimant: true,
        show_ssn: false,
        salutation: "To whom it may concern:",
        paragraphs,
        signer: writer.name(),
        signer_lines: vec![
            writer.name(),
            c.pick(&[
                "Manager",
                "Director",
                "Volunteer coordinator",
                "Office manager",
            ])
            .to_owned(),
            organisation,
        ],
    };
    write_letter(c, l, letter);
}
