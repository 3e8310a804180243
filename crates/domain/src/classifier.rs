//! The profiling classifier: suggests a document's profile code (which names its document type,
//! see [`crate::catalogue`]) with a calibrated confidence and the evidence for it, and learns from
//! each confirmed profile the moment it is confirmed. It owns the features, the model and its
//! JSON form, calibration and the auto-accept threshold rule; storing the model, and keeping each
//! office's outcomes, belong to the caller.
//!
//! - **Features.** Words (lower case, letters only, at least 3 letters, stop words dropped) with
//!   sublinear term frequency `1 + ln tf`, normalised to unit length; no bigrams (they would
//!   double the model for little gain on forms whose wording is fixed). Digits, and so masked
//!   SSNs, give nothing. Each form number found by extraction adds `form:<number>` without its
//!   edition suffix (`SSA-561-U2` and `SSA-561` are one feature, as for
//!   [`Catalogue::type_for_form`]); the form part gets the same mass as all words together,
//!   because a printed form number is the strongest evidence there is.
//! - **Cold start.** Prior weights from the catalogue: a form number votes for its type's codes
//!   (split evenly, so `SSA-561` leaves 561M/561N to the words), and the words of code and type
//!   names vote weakly for theirs (so a first bank statement is at least a weak guess of `BANK`).
//! - **Learner.** Multi-class passive-aggressive (PA-I, Crammer et al. 2006): one sparse weight
//!   vector per label and no bias, so a document without known evidence scores nothing and gets
//!   no label. Chosen over an averaged perceptron because a confirmation must change the very
//!   next suggestion: PA takes the smallest step that makes the confirmed label win by a margin
//!   (1) and takes none when it already does, while averaging would dilute a correction among
//!   all past models. Each step is capped (C = 1) and repeated against the strongest rival, at
//!   most 32 times, until the margin holds and the label scores at least 0.25: a confirmation
//!   always wins its own document, yet moves the model a bounded distance, so a mislabelled one
//!   is undone by a few right ones. Rivals without evidence are not pushed down, which keeps the
//!   model sparse. A document with a form number is learned from its words alone first (margin
//!   0.5), so copies whose number OCR missed are still recognised; passive therefore means both
//!   margins already hold.
//! - **Confidence.** The raw confidence is the top probability of a softmax over the scores at
//!   temperature 0.25 (a margin of 1 over 16 silent rivals is 0.77). It is calibrated by isotonic
//!   regression (pool-adjacent-violators over outcomes in 20 bins of raw confidence), blended with
//!   raw by `n / (n + 20)` while outcomes are few; the last 2000 outcomes are kept. Outcomes are
//!   prequential: the raw confidence of the suggestion made before learning from the document
//!   (see [`Model::confirm`]).
//! - **Auto-accept.** [`auto_accept_threshold`] is off (`None`) until some threshold has enough
//!   outcomes at or above it at the target precision, measured on the office's own documents.
//! - **JSON.** Weights are integers in units of 1e-4 (short, exact to round-trip, and a weight
//!   that rounds to zero is dropped), stored per feature as label index → weight.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::catalogue::{normalise_form, Catalogue};

/// Layout of the persisted model and of its features; a model of another format must be rebuilt
/// from the confirmed profiles, as its weights mean other features.
pub const MODEL_FORMAT: u32 = 1;
/// Outcomes kept for calibration, oldest dropped first.
pub const MAX_OUTCOMES: usize = 2000;
/// Softmax temperature: learned scores differ by margins of about 1.
const TEMPERATURE: f64 = 0.25;
/// Margin the confirmed label must win its document by.
const MARGIN: f64 = 1.0;
/// Margin the confirmed label must win by on the words of a document with a form number.
const WORDS_MARGIN: f64 = 0.5;
/// The confirmed label must score at least this, so that it is suggested at all.
const MIN_SCORE: f64 = 0.25;
/// PA-I aggressiveness cap: the largest step along the document per update.
const AGGRESSIVENESS: f64 = 1.0;
/// Bound on the update steps for one confirmation.
const MAX_STEPS: usize = 32;
/// The margin counts as held within this much (the steps may approach it geometrically).
const MARGIN_TOLERANCE: f64 = 0.01;
/// Prior weight of a form number for its type (split among the type's codes).
const FORM_PRIOR: f64 = 2.0;
/// Prior weight of a catalogue-name word for its code (split among the codes that share it).
const NAME_WORD_PRIOR: f64 = 0.5;
/// Weights are whole multiples of this.
const WEIGHT_UNIT: f64 = 1e-4;
const CALIBRATION_BINS: usize = 20;
/// Outcomes at which the fitted calibration and raw confidence weigh equally.
const CALIBRATION_PRIOR: f64 = 20.0;
const RANKED: usize = 5;
const REASON_WORDS: usize = 5;
const MIN_WORD_LEN: usize = 3;
const FORM_PREFIX: &str = "form:";

/// English function words and the boilerplate every form carries, which tell no type apart.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "all", "also", "and", "any", "are", "been", "before",
    "being", "below", "both", "but", "can", "could", "did", "does", "each", "for", "from",
    "further", "had", "has", "have", "her", "here", "hers", "him", "his", "how", "into", "its",
    "just", "more", "most", "not", "now", "off", "once", "only", "other", "our", "ours", "out",
    "over", "own", "same", "she", "should", "some", "such", "than", "that", "the", "their",
    "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "too",
    "under", "until", "upon", "very", "was", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "yes", "you", "your", "yours", "may", "shall",
    "must", "per", "via", "etc",
    // Boilerplate of agency forms and letters.
    "form", "forms", "page", "pages", "ssa", "social", "security", "administration", "omb",
    "privacy", "act", "paperwork", "reduction", "notice", "date", "dated", "signature", "sign",
    "signed", "name", "number", "please", "print", "type", "see", "instructions", "complete",
    "completed", "www", "gov", "http", "https", "return", "copy", "telephone", "phone", "fax",
    "address", "street", "city", "state", "zip", "code", "area",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifierError {
    #[error("{0:?} is not a profile code the classifier knows")]
    UnknownLabel(String),
}

/// Sparse feature vector of unit length, sorted by feature: words and `form:<number>` features.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features(Vec<(String, f32)>);

impl Features {
    pub fn as_slice(&self) -> &[(String, f32)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The word features alone, at unit length; `None` without words or without a form number.
    fn words_only(&self) -> Option<Features> {
        let words: Vec<(String, f32)> = self
            .0
            .iter()
            .filter(|(f, _)| !f.starts_with(FORM_PREFIX))
            .cloned()
            .collect();
        if words.is_empty() || words.len() == self.0.len() {
            return None;
        }
        let norm = words
            .iter()
            .map(|(_, v)| f64::from(*v).powi(2))
            .sum::<f64>()
            .sqrt();
        Some(Features(
            words
                .into_iter()
                .map(|(f, v)| (f, (f64::from(v) / norm) as f32))
                .collect(),
        ))
    }

    fn norm_squared(&self) -> f64 {
        self.0.iter().map(|(_, v)| f64::from(*v).powi(2)).sum()
    }
}

/// The features of a document: its text (OCR or text layer) and the form numbers extraction found.
pub fn features(text: &str, form_numbers: &[String]) -> Features {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for word in words(text) {
        *counts.entry(word).or_insert(0) += 1;
    }
    let forms: BTreeSet<String> = form_numbers
        .iter()
        .filter_map(|f| form_feature(f))
        .collect();

    let mut words: Vec<(String, f64)> = counts
        .into_iter()
        .map(|(w, tf)| (w, 1.0 + f64::from(tf).ln()))
        .collect();
    let word_norm = words.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
    for (_, v) in &mut words {
        *v /= word_norm;
    }
    // Each part has unit length; together they are scaled back to unit length.
    let form_value = if forms.is_empty() {
        0.0
    } else {
        1.0 / (forms.len() as f64).sqrt()
    };
    let scale = if words.is_empty() || forms.is_empty() {
        1.0
    } else {
        std::f64::consts::FRAC_1_SQRT_2
    };
    let mut all: Vec<(String, f32)> = words
        .into_iter()
        .map(|(w, v)| (w, (v * scale) as f32))
        .chain(forms.into_iter().map(|f| (f, (form_value * scale) as f32)))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Features(all)
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= MIN_WORD_LEN)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

/// `form:SSA561` for `SSA-561-U2`: letters, then digits; what follows the digits is an edition.
fn form_feature(form: &str) -> Option<String> {
    let normalised = normalise_form(form);
    let digits_start = normalised
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(normalised.len());
    let digits_end = normalised
        .get(digits_start..)
        .and_then(|rest| rest.find(|c: char| !c.is_ascii_digit()))
        .map_or(normalised.len(), |i| digits_start + i);
    let base = normalised.get(..digits_end).unwrap_or(&normalised);
    (!base.is_empty()).then(|| format!("{FORM_PREFIX}{base}"))
}

/// `SSA-561` for the feature `form:SSA561`: the number as forms print it.
fn printed_form(feature: &str) -> String {
    let base = feature.strip_prefix(FORM_PREFIX).unwrap_or(feature);
    match base.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 => format!("{}-{}", &base[..i], &base[i..]),
        _ => base.to_string(),
    }
}

/// Why a label was suggested, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A form number found on the document, as printed (`SSA-827`).
    FormNumber(String),
    /// A word and its contribution to the label's score.
    Word(String, f32),
}

impl Reason {
    /// The reason in plain English, for the profiling workbench.
    pub fn describe(&self) -> String {
        match self {
            Reason::FormNumber(form) => format!("form number {form} found"),
            Reason::Word(word, _) => format!("the word “{word}”"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The profile code, or `None` when no label has any evidence: nothing is assigned just to
    /// assign something.
    pub label: Option<String>,
    /// Top softmax probability (0 without a label).
    pub raw_confidence: f32,
    /// `raw_confidence` calibrated against the recorded outcomes; what people are shown.
    pub confidence: f32,
    /// Up to five labels with their probabilities, most probable first.
    pub ranked: Vec<(String, f32)>,
    pub reasons: Vec<Reason>,
}

/// The classifier's state, persisted by the caller as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    format: u32,
    /// Incremented by every change that can alter a suggestion.
    version: u64,
    examples: u64,
    labels: Vec<String>,
    /// Feature → label index → weight in [`WEIGHT_UNIT`]s; zero weights are absent.
    weights: BTreeMap<String, BTreeMap<usize, i32>>,
    /// (raw confidence, suggestion was right), oldest first.
    outcomes: VecDeque<(f32, bool)>,
}

impl Model {
    /// A model that knows only the catalogue: its profile codes as labels, form numbers voting for
    /// their type's codes, and the words of code and type names voting weakly for theirs.
    pub fn cold_start(catalogue: &Catalogue) -> Model {
        let mut model = Model {
            format: MODEL_FORMAT,
            version: 0,
            examples: 0,
            labels: Vec::new(),
            weights: BTreeMap::new(),
            outcomes: VecDeque::new(),
        };
        for p in &catalogue.profile_codes {
            if model.label_index(&p.code).is_none() {
                model.labels.push(p.code.clone());
            }
        }
        let mut votes: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for ty in &catalogue.document_types {
            let codes: Vec<usize> = catalogue
                .codes_of_type(&ty.code)
                .filter_map(|p| model.label_index(&p.code))
                .collect();
            if codes.is_empty() {
                continue;
            }
            let forms: BTreeSet<String> = ty
                .form_numbers
                .iter()
                .filter_map(|f| form_feature(f))
                .collect();
            for form in forms {
                let share = units(FORM_PRIOR / codes.len() as f64);
                let entry = model.weights.entry(form).or_default();
                for &k in &codes {
                    *entry.entry(k).or_insert(0) += share;
                }
            }
            for p in catalogue.codes_of_type(&ty.code) {
                let Some(k) = model.label_index(&p.code) else {
                    continue;
                };
                for word in words(&p.name).chain(words(&ty.name)) {
                    votes.entry(word).or_default().insert(k);
                }
            }
        }
        for (word, codes) in votes {
            let share = units(NAME_WORD_PRIOR / codes.len() as f64);
            let entry = model.weights.entry(word).or_default();
            for k in codes {
                entry.insert(k, share);
            }
        }
        model
    }

    pub fn format(&self) -> u32 {
        self.format
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Confirmed examples learned from.
    pub fn examples(&self) -> u64 {
        self.examples
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Adds a profile code the catalogue gained; it starts without evidence and learns from its
    /// confirmations. Returns whether it was new.
    pub fn add_label(&mut self, label: &str) -> bool {
        if self.label_index(label).is_some() {
            return false;
        }
        self.labels.push(label.to_string());
        self.version += 1;
        true
    }

    pub fn suggest(&self, x: &Features) -> Suggestion {
        let scores = self.scores(x);
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let Some(&top) = order.first().filter(|&&k| scores[k] > 0.0) else {
            return Suggestion {
                label: None,
                raw_confidence: 0.0,
                confidence: 0.0,
                ranked: Vec::new(),
                reasons: Vec::new(),
            };
        };
        let probabilities = softmax(&scores);
        let raw = probabilities[top] as f32;
        Suggestion {
            label: Some(self.labels[top].clone()),
            raw_confidence: raw,
            confidence: self.calibrated(raw),
            ranked: order
                .iter()
                .take(RANKED)
                .map(|&k| (self.labels[k].clone(), probabilities[k] as f32))
                .collect(),
            reasons: self.reasons(x, top),
        }
    }

    /// Learns that the document `x` is `label`, at once. Afterwards `label` wins `x` by the margin
    /// (unless `x` is empty, which teaches nothing); when it already did, nothing changes.
    pub fn learn(&mut self, x: &Features, label: &str) -> Result<(), ClassifierError> {
        let y = self
            .label_index(label)
            .ok_or_else(|| ClassifierError::UnknownLabel(label.to_string()))?;
        // Words must also carry the label alone, for the copies whose form number OCR misses;
        // the whole document comes last, so the margin holds on it.
        if let Some(words) = x.words_only() {
            self.make_win(&words, y, WORDS_MARGIN);
        }
        self.make_win(x, y, MARGIN);
        self.examples += 1;
        self.version += 1;
        Ok(())
    }

    /// The whole confirmation of a profile: records how the current suggestion fared (before
    /// learning, so calibration measures unseen documents), then learns. Returns the outcome
    /// `(raw confidence, suggestion was right)` for the office's own record.
    pub fn confirm(&mut self, x: &Features, label: &str) -> Result<(f32, bool), ClassifierError> {
        if self.label_index(label).is_none() {
            return Err(ClassifierError::UnknownLabel(label.to_string()));
        }
        let suggestion = self.suggest(x);
        let correct = suggestion.label.as_deref() == Some(label);
        self.record_outcome(suggestion.raw_confidence, correct);
        self.learn(x, label)?;
        Ok((suggestion.raw_confidence, correct))
    }

    /// Records a confirmed document's outcome: the raw confidence its suggestion had before the
    /// model learned from it, and whether the suggestion was right.
    pub fn record_outcome(&mut self, raw_confidence: f32, correct: bool) {
        if !raw_confidence.is_finite() {
            return;
        }
        self.outcomes
            .push_back((raw_confidence.clamp(0.0, 1.0), correct));
        while self.outcomes.len() > MAX_OUTCOMES {
            self.outcomes.pop_front();
        }
        self.version += 1;
    }

    /// Recorded outcomes, oldest first.
    pub fn outcomes(&self) -> impl Iterator<Item = (f32, bool)> + '_ {
        self.outcomes.iter().copied()
    }

    /// The probability that a suggestion of raw confidence `raw` is right, as the recorded
    /// outcomes measure it; non-decreasing in `raw`, and `raw` itself while there are none.
    pub fn calibrated(&self, raw: f32) -> f32 {
        let raw = if raw.is_finite() {
            f64::from(raw.clamp(0.0, 1.0))
        } else {
            0.0
        };
        let n = self.outcomes.len() as f64;
        if n == 0.0 {
            return raw as f32;
        }
        let fitted = interpolate(&isotonic_points(&self.outcomes), raw);
        let weight = n / (n + CALIBRATION_PRIOR);
        (weight * fitted + (1.0 - weight) * raw) as f32
    }

    fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    fn scores(&self, x: &Features) -> Vec<f64> {
        let mut scores = vec![0.0; self.labels.len()];
        for (feature, value) in x.as_slice() {
            for (&k, &w) in self.weights.get(feature).into_iter().flatten() {
                // A hand-edited model may name a label it lacks; such weights are ignored.
                if let Some(s) = scores.get_mut(k) {
                    *s += f64::from(w) * WEIGHT_UNIT * f64::from(*value);
                }
            }
        }
        scores
    }

    /// Passive-aggressive steps until label `y` beats every other label on `x` by `margin` and
    /// scores at least [`MIN_SCORE`] (or the steps run out).
    fn make_win(&mut self, x: &Features, y: usize, margin: f64) {
        let norm_squared = x.norm_squared();
        if norm_squared == 0.0 {
            return;
        }
        for _ in 0..MAX_STEPS {
            let scores = self.scores(x);
            let own = scores[y];
            let rival = (0..scores.len())
                .filter(|&k| k != y)
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)));
            let rival_loss = rival.map_or(f64::NEG_INFINITY, |r| margin - (own - scores[r]));
            let loss = rival_loss.max(MIN_SCORE - own);
            if loss <= MARGIN_TOLERANCE {
                break;
            }
            match rival.filter(|&r| scores[r] > 0.0) {
                Some(r) => {
                    let tau = (loss / (2.0 * norm_squared)).min(AGGRESSIVENESS);
                    self.step(x, y, tau);
                    self.step(x, r, -tau);
                }
                // A rival without evidence is left alone: raising the label is enough, and
                // pushing every such label down would fill the model with negative weights.
                None => {
                    let tau = (loss / norm_squared).min(AGGRESSIVENESS);
                    self.step(x, y, tau);
                }
            }
        }
    }

    /// Adds `tau · x` to label `k`'s weights and drops those that became negligible.
    fn step(&mut self, x: &Features, k: usize, tau: f64) {
        for (feature, value) in x.as_slice() {
            let per_label = self.weights.entry(feature.clone()).or_default();
            let w = per_label.entry(k).or_insert(0);
            *w = w.saturating_add(units(tau * f64::from(*value)));
            if *w == 0 {
                per_label.remove(&k);
            }
            if per_label.is_empty() {
                self.weights.remove(feature);
            }
        }
    }

    /// Form numbers that speak for label `k`, then its strongest words.
    fn reasons(&self, x: &Features, k: usize) -> Vec<Reason> {
        let mut forms = Vec::new();
        let mut words = Vec::new();
        for (feature, value) in x.as_slice() {
            let w = self
                .weights
                .get(feature)
                .and_then(|per_label| per_label.get(&k))
                .copied()
                .unwrap_or(0);
            let contribution = (f64::from(w) * WEIGHT_UNIT * f64::from(*value)) as f32;
            if contribution <= 0.0 {
                continue;
            }
            if feature.starts_with(FORM_PREFIX) {
                forms.push((feature, contribution));
            } else {
                words.push((feature, contribution));
            }
        }
        let strongest_first =
            |a: &(&String, f32), b: &(&String, f32)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0));
        forms.sort_by(strongest_first);
        words.sort_by(strongest_first);
        forms
            .into_iter()
            .map(|(f, _)| Reason::FormNumber(printed_form(f)))
            .chain(
                words
                    .into_iter()
                    .take(REASON_WORDS)
                    .map(|(w, c)| Reason::Word(w.clone(), c)),
            )
            .collect()
    }
}

/// A weight in [`WEIGHT_UNIT`]s, saturating far beyond any weight learning reaches.
fn units(weight: f64) -> i32 {
    (weight / WEIGHT_UNIT).round() as i32
}

fn softmax(scores: &[f64]) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores
        .iter()
        .map(|s| ((s - max) / TEMPERATURE).exp())
        .collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

/// Isotonic fit of correctness on raw confidence: one point (mean raw, fitted accuracy) per
/// non-empty bin, the accuracies made non-decreasing by pooling adjacent violators.
fn isotonic_points(outcomes: &VecDeque<(f32, bool)>) -> Vec<(f64, f64)> {
    // Per bin: count, correct, sum of raw.
    let mut bins = [(0.0_f64, 0.0_f64, 0.0_f64); CALIBRATION_BINS];
    for &(raw, correct) in outcomes {
        let i = ((f64::from(raw) * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
        bins[i].0 += 1.0;
        bins[i].1 += if correct { 1.0 } else { 0.0 };
        bins[i].2 += f64::from(raw);
    }
    let bins: Vec<_> = bins.into_iter().filter(|b| b.0 > 0.0).collect();
    // Blocks of adjacent bins: (count, correct, bins in the block).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for &(n, correct, _) in &bins {
        blocks.push((n, correct, 1));
        while let [.., (n1, c1, b1), (n2, c2, b2)] = blocks[..] {
            if c1 * n2 <= c2 * n1 {
                break;
            }
            blocks.truncate(blocks.len() - 2);
            blocks.push((n1 + n2, c1 + c2, b1 + b2));
        }
    }
    let mut fitted = Vec::with_capacity(bins.len());
    for &(n, correct, count) in &blocks {
        fitted.resize(fitted.len() + count, correct / n);
    }
    bins.iter()
        .zip(fitted)
        .map(|(&(n, _, sum_raw), accuracy)| (sum_raw / n, accuracy))
        .collect()
}

/// Piecewise-linear through the points, anchored at (0, 0) and (1, 1) beyond the data.
fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    let mut anchored = Vec::with_capacity(points.len() + 2);
    if !matches!(points.first(), Some(p) if p.0 <= 0.0) {
        anchored.push((0.0, 0.0));
    }
    anchored.extend_from_slice(points);
    if !matches!(points.last(), Some(p) if p.0 >= 1.0) {
        anchored.push((1.0, 1.0));
    }
    for pair in anchored.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if x <= x1 {
            if x <= x0 || x1 <= x0 {
                return y0;
            }
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    anchored.last().map_or(x, |p| p.1)
}

/// The smallest recorded confidence `t` such that the outcomes at or above `t` number at least
/// `min_support` and are right at least `target_precision` of the time; `None` (auto-accept off)
/// when there is none. `outcomes` are an office's (confidence, suggestion was right); a suggestion
/// is then accepted when the same confidence (raw or calibrated, whichever was recorded) reaches
/// the threshold.
pub fn auto_accept_threshold(
    outcomes: &[(f32, bool)],
    target_precision: f32,
    min_support: usize,
) -> Option<f32> {
    let mut sorted: Vec<(f32, bool)> = outcomes
        .iter()
        .copied()
        .filter(|(c, _)| c.is_finite())
        .collect();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut n, mut correct) = (0_usize, 0_usize);
    let mut threshold = None;
    for group in sorted.chunk_by(|a, b| a.0 == b.0) {
        n += group.len();
        correct += group.iter().filter(|(_, ok)| *ok).count();
        let needed = f64::from(target_precision) * n as f64;
        // The tolerance absorbs the f32 rounding of the target (0.98 is a hair above 49/50).
        if n >= min_support && correct as f64 >= needed - 1e-6 * n as f64 {
            threshold = Some(group[0].0);
        }
    }
    threshold
}

#[cfg(test)]
#[path = "classifier_tests.rs"]
mod tests;
