//! The state of one document being composed and the printing habits shared by every kind.

use super::*;

/// What composing a document produced.
pub(crate) struct Composed {
    pub(crate) pages: Vec<Page>,
    pub(crate) fields: BTreeMap<String, String>,
    pub(crate) ssn: Option<String>,
    pub(crate) second_ssn: Option<String>,
    pub(crate) form_number: Option<String>,
}

/// The state of one document being composed: its people, its printing habits and the truth
/// gathered while printing.
pub(crate) struct Ctx<'r> {
    pub(crate) rng: &'r mut StdRng,
    pub(crate) who: Person,
    pub(crate) date_style: DateStyle,
    pub(crate) name_style: NameStyle,
    pub(crate) ssn_spaced: bool,
    pub(crate) ssn_label: &'static str,
    pub(crate) label: Font,
    pub(crate) value: Font,
    pub(crate) size: f32,
    pub(crate) boxed: bool,
    /// The document's own date: signed, written or printed.
    pub(crate) date: Date,
    pub(crate) fields: BTreeMap<String, String>,
    pub(crate) ssn: Option<String>,
    pub(crate) second_ssn: Option<String>,
    pub(crate) form_number: Option<String>,
}

impl<'r> Ctx<'r> {
    pub(crate) fn new(rng: &'r mut StdRng, born_from: i32, born_to: i32) -> Self {
        let who = person(rng, born_from, born_to);
        let date_style = pick(
            rng,
            &[
                DateStyle::Slash,
                DateStyle::Slash,
                DateStyle::ShortSlash,
                DateStyle::Dash,
                DateStyle::Long,
                DateStyle::Abbreviated,
                DateStyle::Iso,
            ],
        );
        let value = pick(
            rng,
            &[
                Font::Courier,
                Font::Courier,
                Font::Helvetica,
                Font::Helvetica,
                Font::Times,
            ],
        );
        Self {
            who,
            date_style,
            name_style: NameStyle::Natural,
            ssn_spaced: rng.gen_bool(0.3),
            ssn_label: pick(
                rng,
                &[
                    "SSN",
                    "Social Security Number",
                    "Claimant SSN",
                    "Social Security No.",
                ],
            ),
            label: Font::Helvetica,
            value,
            size: pick(rng, &[9.0, 9.5, 10.0, 10.5]),
            boxed: rng.gen_bool(0.5),
            date: date_between(rng, ymd(2025, 1, 6), ymd(2026, 11, 20)),
            fields: BTreeMap::new(),
            ssn: None,
            second_ssn: None,
            form_number: None,
            rng,
        }
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        pick(self.rng, items)
    }

    pub(crate) fn range(&mut self, from: i64, to: i64) -> i64 {
        self.rng.gen_range(from..=to)
    }

    /// A time of day as a clock prints it, `3:07 PM`.
    pub(crate) fn clock_time(&mut self) -> String {
        format!(
            "{}:{:02} {}",
            self.range(1, 12),
            self.range(0, 59),
            self.pick(&["AM", "PM"])
        )
    }

    pub(crate) fn set(&mut self, key: &str, value: impl Into<String>) {
        self.fields.insert(key.to_owned(), value.into());
    }

    pub(crate) fn d(&self, date: Date) -> String {
        print_date(date, self.date_style)
    }

    /// The claimant's name as this document prints it; it is now readable on the page.
    pub(crate) fn claimant(&mut self) -> String {
        let name = self.who.name();
        self.set("claimant_name", name);
        self.who.printed(self.name_style)
    }

    pub(crate) fn dob(&mut self) -> String {
        let dob = self.who.dob;
        self.set("date_of_birth", iso(dob));
        self.d(dob)
    }

    pub(crate) fn ssn_text(&self, ssn: &str) -> String {
        if self.ssn_spaced {
            ssn.replace('-', " ")
        } else {
            ssn.to_owned()
        }
    }

    /// The claimant's SSN as printed; drawn on first use.
    pub(crate) fn claimant_ssn(&mut self) -> String {
        let ssn = match &self.ssn {
            Some(ssn) => ssn.clone(),
            None => {
                let ssn = training_ssn(self.rng);
                self.ssn = Some(ssn.clone());
                ssn
            }
        };
        self.ssn_text(&ssn)
    }

    pub(crate) fn second_ssn(&mut self) -> String {
        let mut ssn = training_ssn(self.rng);
        while Some(&ssn) == self.ssn.as_ref() {
            ssn = training_ssn(self.rng);
        }
        self.second_ssn = Some(ssn.clone());
        self.ssn_text(&ssn)
    }

    pub(crate) fn other(&mut self) -> Person {
        person(self.rng, 1940, 2004)
    }

    pub(crate) fn doctor(&mut self) -> String {
        let first = if self.chance(0.5) {
            self.pick(&FEMALE)
        } else {
            self.pick(&MALE)
        };
        let last = self.pick(&LAST);
        match self.range(0, 3) {
            0 => format!("Dr. {first} {last}"),
            1 => format!("{first} {last}, MD"),
            2 => format!("{first} {last}, DO"),
            _ => format!("Dr. {last}"),
        }
    }

    pub(crate) fn facility(&mut self) -> String {
        let city = self.who.city.name;
        let place = self.pick(&PLACES);
        match self.range(0, 8) {
            0 => format!("{city} General Hospital"),
            1 => format!("{city} Regional Medical Center"),
            2 => format!("St. {} Hospital", self.pick(&SAINTS)),
            3 => format!("{place} Family Clinic"),
            4 => format!("{place} Orthopedic Associates"),
            5 => format!("{place} Behavioral Health Center"),
            6 => format!("{city} Community Health Center"),
            7 => format!("{place} Pain Management"),
            _ => format!("{place} Cardiology Group"),
        }
    }

    pub(crate) fn street(&mut self) -> String {
        format!(
            "{} {} {}",
            self.range(100, 4999),
            self.pick(&STREETS),
            self.pick(&STREET_TYPES)
        )
    }

    /// The field office the claimant's paper goes to.
    pub(crate) fn office(&mut self) -> [String; 3] {
        let city = self.who.city;
        [
            "Social Security Administration".to_owned(),
            self.street(),
            format!("{}, {} {}", city.name, city.st, city.zip),
        ]
    }

    pub(crate) fn some_month(&mut self) -> &'static str {
        self.pick(&MONTHS)
    }

    /// One row of labelled values, in this document's style: boxes or `Label: value`.
    pub(crate) fn row(&mut self, l: &mut Layout, pairs: &[(&str, String)]) {
        let size = self.size;
        if self.boxed {
            let labels: Vec<String> = pairs.iter().map(|(k, _)| k.to_uppercase()).collect();
            let boxes: Vec<(&str, &str, Font)> = labels
                .iter()
                .zip(pairs)
                .map(|(k, (_, v))| (k.as_str(), v.as_str(), self.value))
                .collect();
            l.boxes(self.label, size, &boxes);
        } else {
            let bold = self.label.bold();
            let column = (l.right - l.left) / pairs.len().max(1) as f32;
            let width = |(label, value): &(&str, String)| {
                bold.width(&format!("{label}:"), size) + 5.0 + self.value.width(value, size)
            };
            // Pairs too wide for their column get a line each.
            let per_row = if pairs.iter().all(|p| width(p) < column - 8.0) {
                pairs.len().max(1)
            } else {
                1
            };
            for chunk in pairs.chunks(per_row) {
                let mut cells = Vec::new();
                for (i, (label, value)) in chunk.iter().enumerate() {
                    let x = l.left + column * i as f32;
                    let label = format!("{label}:");
                    let value_x = x + bold.width(&label, size) + 5.0;
                    cells.push(cell(x, bold, label));
                    cells.push(cell(value_x, self.value, value.clone()));
                }
                l.row(size, cells);
                l.gap(size * 0.4);
            }
        }
    }

    /// The signature and its date (the document's date).
    pub(crate) fn sign(&mut self, l: &mut Layout, label: &str, signer: &str) {
        let date = self.date;
        self.set("signed_on", iso(date));
        let printed = self.d(date);
        let signature = if self.chance(0.3) {
            format!("/s/ {signer}")
        } else {
            signer.to_owned()
        };
        let size = self.size;
        l.keep(size * 5.0);
        if self.boxed {
            let label = label.to_uppercase();
            l.boxes(
                self.label,
                size,
                &[
                    (label.as_str(), signature.as_str(), Font::TimesItalic),
                    ("DATE", printed.as_str(), self.value),
                ],
            );
        } else {
            l.gap(size * 0.6);
            let x_date = l.left + (l.right - l.left) * 0.68;
            let label = format!("{label}:");
            let sig_x = l.left + self.label.bold().width(&label, size) + 6.0;
            l.row(
                size,
                vec![
                    cell(l.left, self.label.bold(), label),
                    cell(sig_x, Font::TimesItalic, signature),
                    cell(x_date, self.label.bold(), "Date:"),
                    cell(x_date + 30.0, self.value, printed),
                ],
            );
            let top = l.y - size * 0.2;
            l.mark(Mark::Rule {
                x1: sig_x - 2.0,
                y1: top,
                x2: x_date - 12.0,
                y2: top,
                width: 0.5,
            });
            l.gap(size * 0.6);
        }
    }

    /// The claimant's name and SSN on one row; their date of birth and telephone (headed
    /// `phone_label`) on the next.
    pub(crate) fn claimant_rows(&mut self, l: &mut Layout, phone_label: &str) {
        let (name, ssn, label) = (self.claimant(), self.claimant_ssn(), self.ssn_label);
        self.row(l, &[("Name", name), (label, ssn)]);
        let dob = self.dob();
        let phone = self.who.phone.clone();
        self.row(l, &[("Date of birth", dob), (phone_label, phone)]);
    }

    pub(crate) fn address_rows(&mut self, l: &mut Layout) {
        let street = self.who.street.clone();
        let city = self.who.city_line();
        let phone = self.who.phone.clone();
        self.row(l, &[("Mailing address", street)]);
        self.row(
            l,
            &[("City, state and ZIP code", city), ("Telephone", phone)],
        );
    }

    pub(crate) fn para(&mut self, l: &mut Layout, text: &str) {
        let size = self.size;
        l.para(self.label, size, 0.0, text);
        l.gap(size * 0.3);
    }

    /// Free text the claimant filled in.
    pub(crate) fn answer(&mut self, l: &mut Layout, text: &str) {
        let size = self.size + 0.5;
        l.para(self.value, size, 10.0, text);
        l.gap(size * 0.4);
    }

    pub(crate) fn band(&mut self, l: &mut Layout, title: &str) {
        l.gap(4.0);
        l.band(self.label.bold(), self.size, title);
    }

    pub(crate) fn checks(&mut self, l: &mut Layout, options: &[(&str, bool)]) {
        let size = self.size;
        l.checks(self.label, size, 8.0, options);
    }

    /// `n` different sentences out of `count` possible ones, in random order.
    pub(crate) fn sentences(
        &mut self,
        n: usize,
        count: usize,
        mut sentence: impl FnMut(&mut Self, usize) -> String,
    ) -> String {
        let mut order: Vec<usize> = (0..count).collect();
        order.shuffle(self.rng);
        let chosen: Vec<String> = order
            .into_iter()
            .take(n)
            .map(|i| sentence(self, i))
            .collect();
        chosen.join(" ")
    }

    pub(crate) fn yes_no(&mut self, l: &mut Layout, question: &str, yes: bool) {
        let size = self.size;
        let x_yes = l.right - 90.0;
        let mut lines = wrap(question, self.label, size, x_yes - l.left - 10.0);
        let last = lines.pop().unwrap_or_default();
        for line in lines {
            l.line(self.label, size, &line);
        }
        let top = l.take(size * 1.5);
        let left = l.left;
        l.put(left, top + size, self.label, size, &last);
        for (i, (label, ticked)) in [("Yes", yes), ("No", !yes)].into_iter().enumerate() {
            let x = x_yes + 45.0 * i as f32;
            let side = size * 0.9;
            l.mark(Mark::Frame {
                x,
                top: top + size * 0.2,
                w: side,
                h: side,
                width: 0.8,
                ink: Ink::Black,
            });
            if ticked {
                l.mark(Mark::Cross {
                    x,
                    top: top + size * 0.2,
                    side,
                });
            }
            l.put(x + side + 4.0, top + size, self.label, size, label);
        }
    }
}
