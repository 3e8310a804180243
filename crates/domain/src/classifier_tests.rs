use super::*;
use crate::catalogue::default_catalogue;

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Per label: form number printed on it (if any) and its distinctive vocabulary.
#[rustfmt::skip]
const VOCABULARY: &[(&str, Option<&str>, &[&str])] = &[
    ("561M", Some("SSA-561-U2"), &["doctor", "worsened", "impairment", "diagnosis", "symptoms", "specialist"]),
    ("561N", Some("SSA-561-U2"), &["nonmedical", "countable", "eligibility", "arrangements", "ownership", "household"]),
    ("632", Some("SSA-632-BK"), &["waiver", "overpayment", "recovery", "hardship", "fault", "repay"]),
    ("827", Some("SSA-827"), &["authorize", "disclose", "release", "hipaa", "records", "sources"]),
    ("3368", Some("SSA-3368-BK"), &["conditions", "medications", "jobs", "education", "stopped", "illnesses"]),
    ("3373", Some("SSA-3373-BK"), &["daily", "chores", "cooking", "lifting", "hobbies", "grooming"]),
    ("795", Some("SSA-795"), &["declare", "penalty", "perjury", "knowledge", "witness", "remarks"]),
    ("1696", Some("SSA-1696-U4"), &["representative", "appoint", "attorney", "fee", "bar", "direct"]),
    ("454", Some("SSA-454-BK"), &["improved", "review", "continuing", "recent", "treatment", "vocational"]),
    ("8203", Some("SSA-8203-BK"), &["redetermination", "resources", "shelter", "rent", "living", "support"]),
    ("821", Some("SSA-821-BK"), &["employer", "hours", "subsidy", "wages", "started", "duties"]),
    ("PAY", None, &["gross", "net", "ytd", "withholding", "earnings", "payroll"]),
    ("BANK", None, &["balance", "deposit", "withdrawal", "checking", "savings", "branch"]),
    ("MED", None, &["clinic", "patient", "hospital", "prescribed", "discharge", "vitals"]),
    ("RCPT", None, &["receipt", "subtotal", "cashier", "pharmacy", "tax", "paid"]),
    ("IDBR", None, &["birth", "certificate", "registrar", "county", "born", "mother"]),
    ("CORR", None, &["dear", "sincerely", "letter", "regarding", "questions", "enclosed"]),
];

#[rustfmt::skip]
const BOILERPLATE: &[&str] = &[
    "claimant", "office", "received", "benefits", "information", "field", "month", "year",
    "provide", "request", "following", "account", "payment", "report", "person", "mail",
];

fn noise_word(i: usize) -> String {
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let a = letters[i % 26] as char;
    let b = letters[(i / 26) % 26] as char;
    format!("qz{a}{b}")
}

struct Doc {
    label: &'static str,
    text: String,
    forms: Vec<String>,
}

impl Doc {
    fn features(&self) -> Features {
        features(&self.text, &self.forms)
    }
}

fn synthetic_doc(rng: &mut Rng, label_index: usize) -> Doc {
    let (label, form, vocabulary) = VOCABULARY[label_index];
    let mut words: Vec<String> = Vec::new();
    for _ in 0..10 {
        words.push(rng.pick(BOILERPLATE).to_string());
    }
    for _ in 0..4 {
        words.push(rng.pick(vocabulary).to_string());
    }
    if label.starts_with("561") {
        words.push("reconsideration".into());
    }
    for _ in 0..6 {
        words.push(noise_word(rng.below(200)));
    }
    // Digits, a masked SSN and stop words, which must contribute nothing.
    words.push(format!("***-**-{:04} 2024 the and", rng.below(10000)));
    // Forms lose their printed number to OCR or extraction now and then.
    let forms: Vec<String> = form
        .filter(|_| rng.unit() < 0.7)
        .map(|f| vec![f.to_string()])
        .unwrap_or_default();
    if let Some(f) = forms.first() {
        words.push(format!("Form {f}"));
    }
    // Shuffle, so word order carries nothing either.
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    Doc {
        label,
        text: words.join(" "),
        forms,
    }
}

fn synthetic_set(seed: u64, per_label: usize) -> Vec<Doc> {
    let mut rng = Rng(seed);
    (0..per_label)
        .flat_map(|_| 0..VOCABULARY.len())
        .map(|k| synthetic_doc(&mut rng, k))
        .collect()
}

fn trained_model() -> Model {
    let mut model = Model::cold_start(&default_catalogue());
    for doc in synthetic_set(7, 5) {
        model.confirm(&doc.features(), doc.label).unwrap();
    }
    model
}

fn accuracy(model: &Model, docs: &[Doc]) -> f64 {
    let right = docs
        .iter()
        .filter(|d| model.suggest(&d.features()).label.as_deref() == Some(d.label))
        .count();
    right as f64 / docs.len() as f64
}

fn value(x: &Features, feature: &str) -> Option<f32> {
    x.as_slice()
        .iter()
        .find(|(f, _)| f == feature)
        .map(|(_, v)| *v)
}

#[test]
fn features_are_lowercase_words_without_stop_words_digits_or_ssns() {
    let x = features(
        "The WAIVER, waiver; Overpayment 123-45-6789 ***-**-1234 it ab 2024",
        &[],
    );
    let names: Vec<&str> = x.as_slice().iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["overpayment", "waiver"]);
    // Sublinear: twice the word is 1 + ln 2 times the weight, not twice.
    let ratio = value(&x, "waiver").unwrap() / value(&x, "overpayment").unwrap();
    assert!(
        (f64::from(ratio) - (1.0 + 2f64.ln())).abs() < 1e-5,
        "{ratio}"
    );
    assert!((x.norm_squared() - 1.0).abs() < 1e-5);
    assert!(features("", &[]).is_empty());
    assert!(features("12 *** -- é", &[]).is_empty());
}

#[test]
fn a_form_number_weighs_as_much_as_all_words_and_editions_are_one_feature() {
    let x = features(
        "waiver overpayment recovery hardship",
        &["SSA-632-BK".into()],
    );
    let form = value(&x, "form:SSA632").unwrap();
    let words: f32 = x
        .as_slice()
        .iter()
        .filter(|(f, _)| !f.starts_with(FORM_PREFIX))
        .map(|(_, v)| v * v)
        .sum();
    assert!((form * form - words).abs() < 1e-5, "{form} {words}");
    assert!((x.norm_squared() - 1.0).abs() < 1e-5);
    for printed in ["SSA-632", "ssa 632", "SSA-632-BK", "SSA632BK"] {
        let only = features("", &[printed.into()]);
        assert_eq!(
            only.as_slice(),
            [("form:SSA632".to_string(), 1.0)],
            "{printed}"
        );
    }
    assert_eq!(form_feature("SSA-8210").as_deref(), Some("form:SSA8210"));
    assert_eq!(form_feature(" - "), None);
    assert_eq!(printed_form("form:SSA561"), "SSA-561");
}

#[test]
fn cold_start_reads_form_numbers_and_refuses_to_guess_from_nothing() {
    let model = Model::cold_start(&default_catalogue());
    assert_eq!(model.labels().len(), 17);
    let x = features(
        "Form SSA-827 (08-2022) Authorization to disclose information to the Social Security Administration",
        &["SSA-827".into()],
    );
    let s = model.suggest(&x);
    assert_eq!(s.label.as_deref(), Some("827"));
    assert!(s.raw_confidence > 0.9, "{s:?}");
    assert_eq!(s.reasons[0], Reason::FormNumber("SSA-827".into()));
    assert_eq!(s.reasons[0].describe(), "form number SSA-827 found");

    let empty = model.suggest(&features("", &[]));
    assert_eq!(empty.label, None);
    assert_eq!(empty.raw_confidence, 0.0);
    assert!(empty.ranked.is_empty());
    let unknown = model.suggest(&features("qzaa qzbb qzcc", &[]));
    assert_eq!(unknown.label, None);
}

#[test]
fn cold_start_splits_a_form_among_its_codes_and_knows_name_words() {
    let model = Model::cold_start(&default_catalogue());
    let s = model.suggest(&features("", &["SSA-561-U2".into()]));
    let top: Vec<&str> = s.ranked.iter().take(2).map(|(l, _)| l.as_str()).collect();
    assert_eq!(top, ["561M", "561N"]);
    assert_eq!(
        s.ranked[0].1, s.ranked[1].1,
        "an even split: words must decide"
    );
    assert!(s.raw_confidence < 0.5, "{s:?}");

    let s = model.suggest(&features(
        "First National Bank statement, ending balance",
        &[],
    ));
    assert_eq!(s.label.as_deref(), Some("BANK"));
    assert!(s.raw_confidence < 0.5, "a weak guess stays weak: {s:?}");
}

#[test]
fn five_examples_per_label_reach_ninety_percent_on_unseen_documents() {
    let model = trained_model();
    assert_eq!(model.examples(), 85);
    let test = synthetic_set(99, 10);
    let acc = accuracy(&model, &test);
    eprintln!("synthetic accuracy after 5 examples per label: {acc:.3}");
    assert!(acc >= 0.9, "accuracy {acc}");
    // Without form numbers, words alone must still separate 561M from 561N.
    let mut rng = Rng(5);
    let mut right = 0;
    for _ in 0..20 {
        for k in [0, 1] {
            let mut doc = synthetic_doc(&mut rng, k);
            doc.forms.clear();
            right +=
                usize::from(model.suggest(&doc.features()).label.as_deref() == Some(doc.label));
        }
    }
    assert!(right >= 36, "561M/561N by words: {right}/40");
}

#[test]
fn one_correction_wins_the_document_and_its_near_twins() {
    let trained = trained_model();
    let n = VOCABULARY.len();
    let mut confident = 0;
    for doc in synthetic_set(31, 3) {
        let x = doc.features();
        let before = trained.suggest(&x);
        if before.label.as_deref() != Some(doc.label) || before.raw_confidence < 0.8 {
            continue;
        }
        confident += 1;
        // Confidently wrong: the person says it is another label.
        let k = VOCABULARY.iter().position(|v| v.0 == doc.label).unwrap();
        let corrected = VOCABULARY[(k + 1 + confident % (n - 1)) % n].0;
        let mut model = trained.clone();
        model.learn(&x, corrected).unwrap();
        let after = model.suggest(&x);
        assert_eq!(after.label.as_deref(), Some(corrected), "{}", doc.label);
        // A near twin: two words changed, two added.
        let mut words: Vec<&str> = doc.text.split(' ').collect();
        words[0] = "qzzz";
        words[3] = "typed";
        let twin = format!("{} handwritten note", words.join(" "));
        let s = model.suggest(&features(&twin, &doc.forms));
        assert_eq!(
            s.label.as_deref(),
            Some(corrected),
            "{} twin: {s:?}",
            doc.label
        );
    }
    assert!(
        confident >= 17,
        "only {confident} confident suggestions to correct"
    );
}

#[test]
fn learning_always_makes_the_label_win_even_against_strong_priors() {
    let mut model = Model::cold_start(&default_catalogue());
    let x = features("", &["SSA-827".into()]);
    model.learn(&x, "CORR").unwrap();
    let s = model.suggest(&x);
    assert_eq!(s.label.as_deref(), Some("CORR"));
    // Words that every label has been pushed down on still end up scoring for the label.
    let mut model = Model::cold_start(&default_catalogue());
    let y = features("qzaa qzbb", &[]);
    for label in ["632", "827", "795"] {
        model.learn(&y, label).unwrap();
    }
    assert_eq!(model.suggest(&y).label.as_deref(), Some("795"));
}

#[test]
fn confirming_what_the_model_already_knows_changes_nothing() {
    let mut model = trained_model();
    for doc in synthetic_set(123, 2) {
        let x = doc.features();
        model.learn(&x, doc.label).unwrap();
        let weights = model.weights.clone();
        model.learn(&x, doc.label).unwrap();
        assert_eq!(model.weights, weights, "{}", doc.text);
    }
}

#[test]
fn a_confident_right_confirmation_changes_little() {
    let mut model = trained_model();
    let held_out = synthetic_set(456, 3);
    let accuracy_before = accuracy(&model, &held_out);
    let (mut confident, mut flips, mut largest) = (0, 0, 0.0_f32);
    for doc in synthetic_set(123, 3) {
        let x = doc.features();
        let s = model.suggest(&x);
        if s.label.as_deref() != Some(doc.label) || s.raw_confidence < 0.9 {
            continue;
        }
        confident += 1;
        let before = model.clone();
        model.learn(&x, doc.label).unwrap();
        for other in &held_out {
            let (a, b) = (
                before.suggest(&other.features()),
                model.suggest(&other.features()),
            );
            // Toss-ups may tip either way; a clear suggestion must stay.
            flips += usize::from(a.label != b.label && a.raw_confidence >= 0.5);
            largest = largest.max((a.raw_confidence - b.raw_confidence).abs());
        }
    }
    eprintln!("{confident} confident confirmations: largest change of another document's confidence {largest}");
    assert!(confident >= 10, "only {confident} confident documents");
    assert_eq!(flips, 0);
    assert!(largest < 0.25, "{largest}");
    assert!(accuracy(&model, &held_out) >= accuracy_before);
}

#[test]
fn unknown_labels_are_refused_and_new_ones_can_be_added() {
    let mut model = Model::cold_start(&default_catalogue());
    let x = features("apostille notarized translation", &[]);
    assert_eq!(
        model.learn(&x, "APOST"),
        Err(ClassifierError::UnknownLabel("APOST".into()))
    );
    assert!(model.confirm(&x, "APOST").is_err());
    assert_eq!((model.version(), model.examples()), (0, 0));
    assert!(model.add_label("APOST"));
    assert!(!model.add_label("APOST"));
    model.learn(&x, "APOST").unwrap();
    assert_eq!(model.suggest(&x).label.as_deref(), Some("APOST"));
    assert_eq!(model.examples(), 1);
}

#[test]
fn every_change_gets_a_new_version() {
    let mut model = Model::cold_start(&default_catalogue());
    assert_eq!(model.version(), 0);
    let x = features("waiver overpayment", &["SSA-632".into()]);
    model.learn(&x, "632").unwrap();
    assert_eq!(model.version(), 1);
    // A passive update is still a confirmed example and a new version.
    model.learn(&x, "632").unwrap();
    assert_eq!((model.version(), model.examples()), (2, 2));
    model.record_outcome(0.9, true);
    assert_eq!(model.version(), 3);
    let (raw, correct) = model.confirm(&x, "632").unwrap();
    assert!(correct && raw > 0.5);
}

#[test]
fn reasons_name_the_form_then_the_strongest_words() {
    let model = trained_model();
    let x = features(
        "Request for waiver of overpayment recovery: hardship, repay, claimant",
        &["SSA-632-BK".into()],
    );
    let s = model.suggest(&x);
    assert_eq!(s.label.as_deref(), Some("632"));
    assert_eq!(s.reasons[0], Reason::FormNumber("SSA-632".into()));
    let words: Vec<(&str, f32)> = s.reasons[1..]
        .iter()
        .map(|r| match r {
            Reason::Word(w, c) => (w.as_str(), *c),
            Reason::FormNumber(f) => (f.as_str(), f32::NAN),
        })
        .collect();
    assert!((3..=5).contains(&words.len()), "{words:?}");
    assert!(words.windows(2).all(|w| w[0].1 >= w[1].1), "{words:?}");
    assert!(words.iter().all(|(w, c)| *c > 0.0
        && [
            "waiver",
            "overpayment",
            "recovery",
            "hardship",
            "repay",
            "claimant",
            "request"
        ]
        .contains(w)));
    assert_eq!(
        s.reasons[1].describe(),
        format!("the word “{}”", words[0].0)
    );
}

#[test]
fn ranked_lists_five_labels_most_probable_first() {
    let model = trained_model();
    let s = model.suggest(&synthetic_set(3, 1)[4].features());
    assert_eq!(s.ranked.len(), 5);
    assert_eq!(s.ranked[0], (s.label.clone().unwrap(), s.raw_confidence));
    assert!(s.ranked.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(s.ranked.iter().map(|(_, p)| p).sum::<f32>() <= 1.0 + 1e-5);
}

fn outcomes_where_accuracy_is_raw_squared(n: usize) -> Model {
    let mut model = Model::cold_start(&default_catalogue());
    let mut rng = Rng(11);
    for _ in 0..n {
        let raw = 0.3 + 0.7 * rng.unit();
        model.record_outcome(raw as f32, rng.unit() < raw * raw);
    }
    model
}

#[test]
fn calibration_is_monotone_and_matches_observed_accuracy() {
    let model = outcomes_where_accuracy_is_raw_squared(3000);
    assert_eq!(model.outcomes().count(), MAX_OUTCOMES, "history is bounded");
    let grid: Vec<f32> = (0..=1000).map(|i| i as f32 / 1000.0).collect();
    let calibrated: Vec<f32> = grid.iter().map(|&r| model.calibrated(r)).collect();
    assert!(calibrated.windows(2).all(|w| w[0] <= w[1]), "monotone");
    assert!(calibrated.iter().all(|c| (0.0..=1.0).contains(c)));
    for raw in [0.4_f32, 0.55, 0.7, 0.85, 0.95] {
        let observed = raw * raw;
        let c = model.calibrated(raw);
        assert!(
            (c - observed).abs() < 0.07,
            "raw {raw}: calibrated {c}, observed {observed}"
        );
    }
}

#[test]
fn calibration_stays_near_raw_while_outcomes_are_few() {
    let model = Model::cold_start(&default_catalogue());
    assert_eq!(model.calibrated(0.73), 0.73);
    let few = outcomes_where_accuracy_is_raw_squared(5);
    for raw in [0.2_f32, 0.5, 0.9] {
        assert!((few.calibrated(raw) - raw).abs() < 0.2, "{raw}");
    }
    // All wrong at high confidence: calibration pulls down, and more with more evidence.
    let mut model = Model::cold_start(&default_catalogue());
    let mut last = 0.95;
    for _ in 0..4 {
        for _ in 0..20 {
            model.record_outcome(0.95, false);
        }
        let c = model.calibrated(0.95);
        assert!(c < last, "{c} after {} outcomes", model.outcomes().count());
        last = c;
    }
}

#[test]
fn auto_accept_is_off_until_precision_is_measured() {
    let all_right: Vec<(f32, bool)> = (0..10).map(|_| (0.99, true)).collect();
    assert_eq!(auto_accept_threshold(&all_right, 0.98, 50), None, "too few");
    assert_eq!(auto_accept_threshold(&[], 0.98, 50), None);

    let many: Vec<(f32, bool)> = (0..200)
        .map(|i| (0.95 + 0.04 * i as f32 / 200.0, true))
        .collect();
    assert_eq!(auto_accept_threshold(&many, 0.98, 50), Some(0.95));

    // 49 of 50 is exactly 98%.
    let mut edge: Vec<(f32, bool)> = (0..49).map(|_| (0.9, true)).collect();
    edge.push((0.9, false));
    assert_eq!(auto_accept_threshold(&edge, 0.98, 50), Some(0.9));
    edge.push((0.9, false));
    assert_eq!(auto_accept_threshold(&edge, 0.98, 50), None);
}

#[test]
fn low_confidence_errors_raise_the_threshold() {
    let mut rng = Rng(17);
    let clean: Vec<(f32, bool)> = (0..400)
        .map(|_| ((0.5 + 0.5 * rng.unit()) as f32, true))
        .collect();
    let low = auto_accept_threshold(&clean, 0.98, 50).unwrap();
    assert!(low < 0.51, "{low}");
    // Half the suggestions below 0.8 were wrong.
    let noisy: Vec<(f32, bool)> = clean
        .iter()
        .enumerate()
        .map(|(i, &(c, _))| (c, c >= 0.8 || i % 2 == 0))
        .collect();
    let high = auto_accept_threshold(&noisy, 0.98, 50).unwrap();
    assert!(high > low && high > 0.7, "{low} → {high}");
    let above: Vec<_> = noisy.iter().filter(|(c, _)| *c >= high).collect();
    let right = above.iter().filter(|(_, ok)| *ok).count();
    assert!(right as f64 >= 0.98 * above.len() as f64 && above.len() >= 50);
    // Everything wrong: never on.
    let wrong: Vec<(f32, bool)> = clean.iter().map(|&(c, _)| (c, false)).collect();
    assert_eq!(auto_accept_threshold(&wrong, 0.98, 50), None);
}

#[test]
fn json_round_trip_gives_identical_suggestions() {
    let model = trained_model();
    let json = serde_json::to_string(&model).unwrap();
    eprintln!(
        "trained on 85 synthetic documents: {} bytes of JSON, {} features",
        json.len(),
        model.weights.len()
    );
    let back: Model = serde_json::from_str(&json).unwrap();
    assert_eq!(back, model);
    for doc in synthetic_set(99, 3) {
        let x = doc.features();
        assert_eq!(back.suggest(&x), model.suggest(&x));
    }
    assert!(json.len() < 100_000, "{}", json.len());
}

#[test]
fn a_large_vocabulary_stays_well_under_a_megabyte() {
    let mut model = Model::cold_start(&default_catalogue());
    let mut rng = Rng(77);
    let mut vocabulary = BTreeSet::new();
    for _ in 0..40 {
        for k in 0..VOCABULARY.len() {
            let mut doc = synthetic_doc(&mut rng, k);
            for _ in 0..30 {
                let i = rng.below(676) + 200;
                let word = format!("{}{}", noise_word(i), noise_word(rng.below(5)));
                vocabulary.insert(word.clone());
                doc.text.push(' ');
                doc.text.push_str(&word);
            }
            model.confirm(&doc.features(), doc.label).unwrap();
        }
    }
    let json = serde_json::to_string(&model).unwrap();
    eprintln!(
        "680 documents, {} distinct noise words: {} bytes of JSON, {} features",
        vocabulary.len(),
        json.len(),
        model.weights.len()
    );
    assert!(vocabulary.len() > 3000);
    assert!(json.len() < 1_000_000, "{}", json.len());
}
