//! Profiling a document: fields extracted from the text of its pages (while the unmasked text
//! is still in memory, in the text job), then, in the `profile` job, the classifier's
//! suggestion, the claimant it belongs to, and — when the office's measured precision allows
//! it — acceptance without a person.
//!
//! `read_file` gives the same reading for a file outside the store, for `worktrack profile
//! eval` and the OCR benchmark, so both measure exactly what the server does.

use crate::intake::Intake;
use crate::sniff::FileKind;
use crate::text::{page_text, PageText};
use std::collections::BTreeMap;
use std::path::Path;
use worktrack_domain::classifier::{self, Suggestion};
use worktrack_domain::extract::{self, Extraction, PageInput};
use worktrack_domain::{mask_last_four, SsnPolicy};
use worktrack_store::ConfirmProfile;

/// Extraction's input from read pages (their raw, unmasked text and word boxes).
pub fn extract_pages(pages: &[PageText], policy: SsnPolicy) -> Extraction {
    let inputs: Vec<PageInput<'_>> = pages
        .iter()
        .map(|p| PageInput {
            page: p.page,
            text: &p.text,
            words: &p.words,
        })
        .collect();
    extract::extract(&inputs, policy)
}

/// Words on a page that were really read: of three letters or more and, when OCR read them,
/// with a confidence of 60 or more (Tesseract turns noise into low-confidence scraps).
fn readable_words(page: &PageText) -> usize {
    let wordlike = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count() >= 3;
    if page.words.is_empty() {
        page.text.split_whitespace().filter(|w| wordlike(w)).count()
    } else {
        page.words
            .iter()
            .filter(|w| w.confidence >= 60.0 && wordlike(&w.text))
            .count()
    }
}

/// Why a person must look at a document whatever the classifier says, in words.
pub fn attention(extraction: &Extraction, pages: &[PageText]) -> Option<String> {
    if pages.iter().map(readable_words).sum::<usize>() < 3 {
        return Some(
            "No text could be read from this document: profile it from the page images.".into(),
        );
    }
    if extraction.ssns.len() > 1 {
        let spots: Vec<String> = extraction
            .ssns
            .iter()
            .map(|s| format!("{} on page {}", mask_last_four(&s.ssn.last_four()), s.page))
            .collect();
        return Some(format!(
            "{} different SSNs were found ({}): choose the claimant this document is about.",
            extraction.ssns.len(),
            spots.join(", ")
        ));
    }
    let unread = pages.iter().filter(|p| p.status != "ok").count();
    if unread > 0 {
        return Some(format!(
            "{unread} page(s) could not be read (timed out or unreadable): check the page images."
        ));
    }
    None
}

/// The classifier's input from read pages: their text (masked, as the store keeps it) and the
/// form numbers extraction found.
pub fn features_of(pages: &[PageText], extraction: &Extraction) -> classifier::Features {
    let text = pages
        .iter()
        .map(|p| worktrack_domain::mask_in_text(&p.text))
        .collect::<Vec<_>>()
        .join("\n");
    classifier::features(&text, &extraction.form_numbers)
}

/// The profile to confirm from a suggestion and the extracted fields.
pub fn proposed_profile(
    suggestion: &Suggestion,
    fields: &[extract::Field],
    claimant_id: Option<i64>,
) -> Option<ConfirmProfile> {
    let code = suggestion.label.clone()?;
    let fields: BTreeMap<String, String> = fields
        .iter()
        .map(|f| (f.kind.key().to_string(), f.value.clone()))
        .collect();
    Some(ConfirmProfile {
        profile_code: code,
        claimant_id,
        fields,
    })
}

/// The `profile` job: suggest, match the claimant, auto-accept when the office allows it.
pub async fn profile_document(intake: &Intake, doc_id: i64) -> Result<&'static str, String> {
    let store = &intake.store;
    let e = |e: worktrack_store::StoreError| e.to_string();
    let doc = store.document_unscoped(doc_id).await.map_err(e)?;
    let Some(profile) = store.document_profile_unscoped(doc_id).await.map_err(e)? else {
        return Err("profile job for a document without extraction".into());
    };
    let model = store.model().await.map_err(e)?;
    let features = store.document_features(doc_id).await.map_err(e)?;
    let suggestion = model.suggest(&features);
    let claimant = store.match_claimant(doc_id).await.map_err(e)?;
    store
        .save_suggestion(doc_id, &suggestion, model.version(), claimant)
        .await
        .map_err(e)?;
    let office = store.office_by_id(doc.office_id).await.map_err(e)?;
    if !office.auto_accept || profile.attention.is_some() || claimant.is_none() {
        return Ok(worktrack_store::PROFILE_SUGGESTED);
    }
    let state = store.auto_accept_state(&office).await.map_err(e)?;
    let Some(threshold) = state.threshold else {
        return Ok(worktrack_store::PROFILE_SUGGESTED);
    };
    if suggestion.confidence < threshold {
        return Ok(worktrack_store::PROFILE_SUGGESTED);
    }
    let Some(confirm) = proposed_profile(&suggestion, &profile.fields, claimant) else {
        return Ok(worktrack_store::PROFILE_SUGGESTED);
    };
    store
        .auto_accept_profile(doc_id, &confirm)
        .await
        .map_err(e)?;
    tracing::info!(
        document = doc_id,
        confidence = suggestion.confidence,
        threshold,
        "profile accepted automatically"
    );
    Ok(worktrack_store::PROFILE_AUTO)
}

/// Every page of a file read as the text job reads a stored document, with `work` as scratch.
pub async fn read_file(path: &Path, work: &Path) -> Result<Vec<PageText>, String> {
    let inspection = crate::inspect(path, &path.to_string_lossy()).await;
    if let Some(a) = &inspection.attention {
        return Err(a.reason.clone());
    }
    if matches!(inspection.kind, FileKind::Empty | FileKind::Unknown) {
        return Err("not a document file".into());
    }
    let pages = inspection
        .pages
        .unwrap_or(1)
        .clamp(1, crate::jobs::MAX_TEXT_PAGES as u32);
    let mut out = Vec::new();
    for page in 1..=pages {
        out.push(page_text(path, inspection.kind, page, work, Default::default()).await);
    }
    Ok(out)
}
