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
mod tests {
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
}
