//! The plan of a corpus, decided from the seed before anything is written: which profile
//! code each document has, whether it is scanned and how the scan is degraded.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    PdfText,
    PdfScan,
    Jpeg,
    Png,
    Tiff,
}

impl Format {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Format::PdfText => "pdf-text",
            Format::PdfScan => "pdf-scan",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Tiff => "tiff",
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::PdfText | Format::PdfScan => "pdf",
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Tiff => "tif",
        }
    }
}

/// How the pages of a scanned document are degraded.
#[derive(Debug, Clone)]
pub(crate) struct ScanPlan {
    pub(crate) dpi: u32,
    /// Degrees clockwise, as in [`Truth::skew_degrees`].
    pub(crate) skew: f32,
    /// Sigma of ImageMagick's `-blur`, in pixels.
    pub(crate) blur: f32,
    /// ImageMagick's `-attenuate` for Gaussian noise (JPEG pages only).
    pub(crate) noise: f32,
    /// Much dust rather than a little.
    pub(crate) speckle: bool,
    /// Faded ink: black prints as dark grey.
    pub(crate) low_contrast: bool,
    /// Recycled or yellowed paper, grey in the scan.
    pub(crate) grey_paper: bool,
    /// Clockwise turn applied after the skew (0, 90, 180, 270); undone by [`Truth::rotation`].
    pub(crate) turned: u32,
    pub(crate) format: Format,
    pub(crate) jpeg_quality: u32,
    /// A TIFF as a fax makes it: black and white, CCITT Group 4.
    pub(crate) bilevel: bool,
    /// Seeds ImageMagick's noise and the dust, so they too are the same on every run.
    pub(crate) seed: u64,
    pub(crate) pages: u32,
}

pub(crate) struct DocPlan {
    pub(crate) truth: Truth,
    pub(crate) pages: Vec<Page>,
    pub(crate) scan: Option<ScanPlan>,
}

/// One hit at a random place in every block of `period`: a small corpus still gets its share,
/// and the place still cannot be predicted.
pub(crate) struct Quota {
    pub(crate) period: usize,
    /// Place in the current block.
    pub(crate) place: usize,
    pub(crate) hit: usize,
}

impl Quota {
    pub(crate) fn new(period: usize) -> Self {
        Self {
            period,
            place: 0,
            hit: 0,
        }
    }

    pub(crate) fn next(&mut self, rng: &mut StdRng) -> bool {
        if self.place == 0 {
            self.hit = rng.gen_range(0..self.period);
        }
        let hit = self.place == self.hit;
        self.place = (self.place + 1) % self.period;
        hit
    }
}

/// SplitMix64: a document's own seed, so its content does not depend on the others.
pub(crate) fn doc_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn plan_corpus(opts: &CorpusOptions) -> Vec<DocPlan> {
    let catalogue = default_catalogue();
    let mut master = StdRng::seed_from_u64(opts.seed);
    let count = opts.count;
    // Round robin over the profile codes, shuffled per round: every type appears early.
    let mut order = Vec::with_capacity(count + catalogue.profile_codes.len());
    while order.len() < count {
        let mut round: Vec<usize> = (0..catalogue.profile_codes.len()).collect();
        round.shuffle(&mut master);
        order.extend(round);
    }
    order.truncate(count);
    let share = f64::from(opts.scanned_share.clamp(0.0, 1.0));
    let n_scanned = ((count as f64 * share).round() as usize).min(count);
    let mut scanned = vec![false; count];
    for i in rand::seq::index::sample(&mut master, count, n_scanned) {
        scanned[i] = true;
    }
    let mut turn_quota = Quota::new(7);
    let mut crop_quota = Quota::new(8);
    let width = (count.saturating_sub(1)).to_string().len().max(4);

    let mut plans = Vec::with_capacity(count);
    for (index, code_index) in order.into_iter().enumerate() {
        let code = &catalogue.profile_codes[code_index];
        let forms = catalogue
            .document_type(&code.document_type)
            .map(|t| t.form_numbers.clone())
            .unwrap_or_default();
        let no_number = !forms.is_empty() && crop_quota.next(&mut master);
        let turned = scanned[index] && turn_quota.next(&mut master);
        let mut rng = StdRng::seed_from_u64(doc_seed(opts.seed, index));
        let doc = compose(&mut rng, &code.code, &forms, no_number);
        let scan = scanned[index].then(|| scan_plan(&mut rng, doc.pages.len(), turned));
        let format = scan.as_ref().map_or(Format::PdfText, |s| s.format);
        let truth = Truth {
            file: format!("doc-{index:0width$}.{}", format.extension()),
            profile_code: code.code.clone(),
            document_type: code.document_type.clone(),
            form_number: doc.form_number,
            ssn: doc.ssn,
            second_ssn: doc.second_ssn,
            fields: doc.fields,
            pages: doc.pages.len() as u32,
            scanned: scan.is_some(),
            rotation: scan.as_ref().map_or(0, |s| (360 - s.turned) % 360),
            skew_degrees: scan.as_ref().map_or(0.0, |s| s.skew),
            format: format.label().to_owned(),
            dpi: scan.as_ref().map(|s| s.dpi),
            page_texts: doc.pages.iter().map(Page::text).collect(),
        };
        plans.push(DocPlan {
            truth,
            pages: doc.pages,
            scan,
        });
    }
    plans
}

pub(crate) fn scan_plan(rng: &mut StdRng, pages: usize, turned: bool) -> ScanPlan {
    let format = if pages > 1 {
        Format::PdfScan
    } else {
        match rng.gen_range(0..20) {
            0..=5 => Format::Jpeg,
            6..=12 => Format::PdfScan,
            13..=16 => Format::Png,
            _ => Format::Tiff,
        }
    };
    let magnitude: f32 = rng.gen_range(0.3..3.0);
    let sign = if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
    ScanPlan {
        dpi: if rng.gen_bool(0.6) { 200 } else { 300 },
        skew: (sign * magnitude * 10.0).round() / 10.0,
        blur: (rng.gen_range(0.3f32..0.9) * 20.0).round() / 20.0,
        noise: (rng.gen_range(0.2f32..0.6) * 20.0).round() / 20.0,
        speckle: rng.gen_bool(0.4),
        low_contrast: rng.gen_bool(0.25),
        grey_paper: rng.gen_bool(0.2),
        turned: if turned {
            [90, 180, 270][rng.gen_range(0..3)]
        } else {
            0
        },
        format,
        jpeg_quality: rng.gen_range(60..=85),
        bilevel: format == Format::Tiff && rng.gen_bool(0.5),
        seed: u64::from(rng.gen::<u32>()),
        pages: pages as u32,
    }
}

// ---------------------------------------------------------------------------------------------
// Pages: text and drawings positioned from the top-left corner, in points.
