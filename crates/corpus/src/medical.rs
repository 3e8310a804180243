//! Evidence of health: medical records.

use super::*;

pub(crate) fn medical_record(c: &mut Ctx, l: &mut Layout) {
    let target = c.range(3, 6) as usize;
    c.name_style = c.pick(&[
        NameStyle::LastFirstUpper,
        NameStyle::Natural,
        NameStyle::LastFirst,
        NameStyle::Upper,
    ]);
    let font = c.pick(&[Font::Times, Font::Helvetica]);
    let size = c.pick(&[10.0, 10.5, 11.0]);
    let facility = c.facility();
    let street = c.street();
    let city = c.who.city_line();
    let area = c.who.city.area_code;
    let (phone, fax) = (c.range(0, 49), c.range(50, 99));
    l.center(font.bold(), 15.0, &facility);
    l.center(font, 9.0, &format!("{street}, {city}"));
    l.center(
        font,
        9.0,
        &format!("Phone ({area}) 555-01{phone:02}   Fax ({area}) 555-01{fax:02}"),
    );
    l.rule(1.0);
    let name = c.claimant();
    let dob = c.dob();
    let mrn = c.range(1_000_000, 9_999_999).to_string();
    let provider = c.doctor();
    let n = c.range(2, 3) as usize;
    let conditions = c.conditions(n);
    let mut visit = add_days(c.date, -c.range(200, 500));
    let chart = Chart {
        font,
        size,
        name: name.clone(),
        dob: dob.clone(),
        mrn: mrn.clone(),
        provider,
        conditions,
    };
    let mut count = 0;
    while l.pages.len() < target && count < 30 {
        count += 1;
        visit_note(c, l, &chart, count, visit);
        visit = add_days(visit, c.range(20, 90));
    }
    running_head(l, &format!("Patient: {name}   DOB: {dob}   MRN: {mrn}"));
    page_footer(l, "CONFIDENTIAL - contains protected health information");
}

/// What every visit note of one chart repeats.
struct Chart {
    font: Font,
    size: f32,
    name: String,
    dob: String,
    mrn: String,
    provider: String,
    conditions: Vec<(&'static str, &'static str, &'static str)>,
}

/// One visit: the patient block, complaint, history, medicines, vitals, examination,
/// assessment, sometimes laboratory results, the plan and the signature.
fn visit_note(c: &mut Ctx, l: &mut Layout, chart: &Chart, count: usize, visit: Date) {
    let Chart {
        font,
        size,
        ref name,
        ref dob,
        ref mrn,
        ref provider,
        ref conditions,
    } = *chart;
    let (left, mid) = (l.left, (l.left + l.right) / 2.0);
    let bold = font.bold();
    if count > 1 {
        l.gap(size);
        l.rule(0.5);
    }
    let kind = if count == 1 {
        c.pick(&[
            "PROGRESS NOTE",
            "OFFICE VISIT",
            "CONSULTATION REPORT",
            "DISCHARGE SUMMARY",
        ])
    } else {
        c.pick(&["PROGRESS NOTE", "OFFICE VISIT", "FOLLOW-UP VISIT"])
    };
    l.keep(size * 14.0);
    l.line(bold, size + 2.0, kind);
    let printed_visit = c.d(visit);
    let rows: [&[(f32, &str, f32, &str)]; 3] = [
        &[(left, "Patient:", 55.0, name), (mid, "DOB:", 55.0, dob)],
        &[
            (left, "MRN:", 55.0, mrn),
            (mid, "Date of service:", 90.0, &printed_visit),
        ],
        &[(left, "Provider:", 55.0, provider)],
    ];
    for row in rows {
        let cells = row
            .iter()
            .flat_map(|&(x, label, dx, value)| {
                [cell(x, bold, label), cell(x + dx, font, value.to_owned())]
            })
            .collect();
        l.row(size, cells);
    }
    l.gap(size * 0.5);
    let complaint = c.pick(&[
        "Follow-up of chronic conditions",
        "Back pain",
        "Shortness of breath",
        "Medication refill",
        "Worsening pain",
        "Anxiety and poor sleep",
        "Knee pain",
        "Headaches",
    ]);
    section(l, font, size, "Chief complaint:", complaint);
    let hpi = history(c, conditions, visit);
    section(l, font, size, "History of present illness:", &hpi);
    l.line(bold, size, "Current medications:");
    let mut medicines = MEDICINES.to_vec();
    medicines.shuffle(c.rng);
    for (medicine, dose, _) in medicines.into_iter().take(c.range(2, 4) as usize) {
        l.line_at(left + 12.0, font, size, &format!("{medicine} {dose}"));
    }
    let vitals = format!(
        "BP {}/{}   Pulse {}   Temp 98.{} F   Weight {} lb",
        c.range(110, 160),
        c.range(68, 98),
        c.range(58, 104),
        c.range(0, 9),
        c.range(110, 310)
    );
    section(l, font, size, "Vital signs:", &vitals);
    let exam = examination(c);
    section(l, font, size, "Examination:", &exam);
    l.line(bold, size, "Assessment:");
    for (i, (formal, _, icd)) in conditions.iter().enumerate() {
        l.line_at(
            left + 12.0,
            font,
            size,
            &format!("{}. {formal} ({icd})", i + 1),
        );
    }
    if c.chance(0.3) {
        lab_results(c, l, font, size);
    }
    let plan = treatment_plan(c);
    section(l, font, size, "Plan:", &plan);
    l.line(
        Font::TimesItalic,
        size,
        &format!("Electronically signed by {provider} on {printed_visit}"),
    );
}

fn examination(c: &mut Ctx) -> String {
    c.sentences(3, 7, |c, i| {
        match i {
            0 => "Alert and oriented, in mild distress.",
            1 => "Tenderness over the lumbar paraspinal muscles. Straight leg raise positive on the left.",
            2 => "Lungs with scattered expiratory wheezes.",
            3 => "Gait antalgic; walks with a cane.",
            4 => "Decreased sensation to monofilament in both feet.",
            5 => "Affect flat; speech normal in rate and tone.",
            _ => {
                if c.chance(0.5) {
                    "Crepitus and swelling of both knees; range of motion reduced."
                } else {
                    "Grip strength reduced on the right."
                }
            }
        }
        .to_owned()
    })
}

fn lab_results(c: &mut Ctx, l: &mut Layout, font: Font, size: f32) {
    let (left, bold) = (l.left, font.bold());
    l.line(bold, size, "Laboratory results:");
    let a1c = format!("{}.{}", c.range(5, 11), c.range(0, 9));
    let creatinine = format!("{}.{}", c.range(0, 2), c.range(1, 9));
    let hemoglobin = format!("{}.{}", c.range(9, 15), c.range(0, 9));
    for (x, row) in [
        ["Test", "Result", "Units", "Reference range"],
        ["Hemoglobin A1c", a1c.as_str(), "%", "4.0-5.6"],
        ["Creatinine", creatinine.as_str(), "mg/dL", "0.6-1.2"],
        ["Hemoglobin", hemoglobin.as_str(), "g/dL", "12.0-17.5"],
    ]
    .iter()
    .enumerate()
    {
        let f = if x == 0 { bold } else { font };
        l.row(
            size,
            vec![
                cell(left + 12.0, f, row[0]),
                cell(left + 150.0, f, row[1]),
                cell(left + 220.0, f, row[2]),
                cell(left + 290.0, f, row[3]),
            ],
        );
    }
}

fn treatment_plan(c: &mut Ctx) -> String {
    c.sentences(3, 7, |c, i| match i {
        0 => "Continue current medications.".to_owned(),
        1 => "Refer to physical therapy twice a week for six weeks.".to_owned(),
        2 => "Order MRI of the lumbar spine.".to_owned(),
        3 => format!("Follow up in {} months.", c.range(1, 6)),
        4 => format!(
            "Patient advised to avoid lifting more than {} pounds.",
            c.range(5, 20)
        ),
        5 => "Labs ordered: A1c and basic metabolic panel.".to_owned(),
        _ => "Discussed diet, exercise and smoking cessation.".to_owned(),
    })
}

pub(crate) fn section(l: &mut Layout, font: Font, size: f32, heading: &str, text: &str) {
    l.keep(size * 4.0);
    l.line(font.bold(), size, heading);
    l.para(font, size, 12.0, text);
}

pub(crate) fn history(c: &mut Ctx, conditions: &[(&str, &str, &str)], visit: Date) -> String {
    let age = c.who.age_on(visit);
    let (he, his) = (c.who.pronoun(), c.who.possessive());
    let (woman, he_cap) = if c.who.female {
        ("woman", "She")
    } else {
        ("man", "He")
    };
    let mut history: Vec<&str> = conditions.iter().map(|(formal, _, _)| *formal).collect();
    let last = history.pop().unwrap_or("chronic pain");
    let history = if history.is_empty() {
        last.to_owned()
    } else {
        let comma = if history.len() > 1 { "," } else { "" };
        format!("{}{comma} and {last}", history.join(", "))
    };
    let mut text = format!(
        "Patient is a {age}-year-old {woman} with a history of {history} who presents for \
         follow-up."
    );
    let more = c.sentences(3, 7, |c, i| match i {
        0 => {
            let symptom = c.pick(&[
                "low back pain radiating to the left leg",
                "shortness of breath on exertion",
                "daily headaches",
                "numbness and tingling in both feet",
                "joint pain and morning stiffness lasting two hours",
                "poor sleep and low mood",
                "chest tightness when climbing stairs",
            ]);
            let worse = c.pick(&["standing", "walking", "lifting", "cold weather", "stress"]);
            format!("{he_cap} reports {symptom} that is worse with {worse}.")
        }
        1 => format!("Pain is rated {}/10 today.", c.range(4, 9)),
        2 => format!(
            "{he_cap} is unable to stand for more than {} minutes.",
            c.range(5, 30)
        ),
        3 => format!("{he_cap} has tried physical therapy without lasting relief."),
        4 => format!("{he_cap} reports taking {his} medications as prescribed."),
        5 => format!("{he_cap} denies fever, chills or weight loss."),
        _ => format!("Since the last visit {he} has had two falls at home."),
    });
    text.push(' ');
    text.push_str(&more);
    text
}
