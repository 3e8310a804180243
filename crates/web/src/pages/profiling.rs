//! The profiling workbench: the office's documents waiting for a person, accepted one at a
//! time (page image with the found fields outlined beside the pre-filled profile; Enter
//! accepts and the next document follows) or many at once; the office's auto-accept state;
//! and the catalogue editor for administrators.

use super::{render, render_status, require, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use worktrack_domain::catalogue::{
    apply_edit, Catalogue, DocumentType, ProfileCode, ProfileCodeEdit,
};
use worktrack_domain::extract::FieldKind;
use worktrack_domain::permit;
use worktrack_domain::workbench::{
    fields_for_type, parse_claimant_query, sure_threshold, sureness, Sureness,
};
use worktrack_domain::Scope;
use worktrack_store::{
    AutoAcceptState, Claimant, ClaimantSearch, ConfirmProfile, DocumentProfile, Office,
    ProfilingRow, StoreError,
};

/// Documents listed on the queue page (and in one batch).
const QUEUE_PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    office: String,
}

/// The office whose queue `who` works on: their own, or one of their scope named in the query.
async fn working_office(
    state: &AppState,
    who: &SignedIn,
    code: &str,
) -> Result<(Office, Vec<Office>), PageError> {
    let offices = super::offices_in_scope(state, who).await?;
    if who.viewer.scope == Scope::Nothing || offices.is_empty() {
        return Err(PageError::forbidden(
            "Your role does not see documents, so it has no profiling queue.",
        ));
    }
    let office = super::work::chosen_office(&offices, who, code)
        .cloned()
        .ok_or_else(PageError::not_found)?;
    Ok((office, offices))
}

pub struct QueueRow {
    pub row: ProfilingRow,
    pub code_label: String,
    pub percent: String,
    /// How sure the suggestion is, in words (None without one).
    pub sure: Option<Sureness>,
    pub preselect: bool,
}

#[derive(Template)]
#[template(path = "profiling.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub office: Office,
    pub offices: Vec<Office>,
    pub rows: Vec<QueueRow>,
    pub counts: Vec<(String, i64)>,
    pub auto: AutoAcceptState,
    pub threshold_percent: String,
    pub precision_percent: String,
    /// How sure a suggestion must be to be ticked (and pre-filled on the workbench).
    pub sure_percent: String,
    pub can_profile: bool,
    pub can_switch_auto: bool,
}

/// Whether a waiting document may be accepted with others in one go: a suggestion, nothing to
/// check, and a matched claimant (the rest are left to a person).
fn batch_ready(row: &ProfilingRow) -> bool {
    row.attention.is_none() && row.suggested_code.is_some() && row.suggested_claimant_id.is_some()
}

fn percent(p: f64) -> String {
    format!("{:.0}%", (p * 100.0).floor())
}

fn code_label(catalogue: &Catalogue, code: Option<&str>) -> String {
    match code.and_then(|c| catalogue.profile_code(c)) {
        Some(p) => format!("{} — {}", p.code, p.name),
        None => "no suggestion".into(),
    }
}

async fn queue_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    office_code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<QueuePage, PageError> {
    let (office, offices) = working_office(state, who, office_code).await?;
    let catalogue = state.store.catalogue().await?;
    let auto = state.store.auto_accept_state(&office).await?;
    let rows = state
        .store
        .profiling_queue(&who.viewer, office.id, None, QUEUE_PAGE)
        .await?
        .into_iter()
        .map(|row| QueueRow {
            code_label: code_label(&catalogue, row.suggested_code.as_deref()),
            percent: row.confidence.map(percent).unwrap_or_default(),
            sure: row
                .suggested_code
                .as_ref()
                .map(|_| sureness(row.confidence.unwrap_or(0.0), auto.threshold)),
            preselect: batch_ready(&row)
                && sureness(row.confidence.unwrap_or(0.0), auto.threshold) == Sureness::Sure,
            row,
        })
        .collect();
    let counts = state.store.profile_counts(office.id).await?;
    let precision = if auto.confirmed > 0 {
        percent(auto.correct as f64 / auto.confirmed as f64)
    } else {
        String::new()
    };
    Ok(QueuePage {
        chrome: Chrome::for_user(who, "Profiling", csrf, "/profiling")
            .with_notice(notice)
            .with_error(error),
        threshold_percent: auto
            .threshold
            .map(|t| percent(f64::from(t)))
            .unwrap_or_default(),
        sure_percent: percent(sure_threshold(auto.threshold)),
        precision_percent: precision,
        can_profile: who.role().may_write_business_data(),
        can_switch_auto: permit::may_set_auto_accept(
            who.role(),
            who.viewer.is_own_office(office.id),
        ),
        office,
        offices,
        rows,
        counts,
        auto,
    })
}

pub async fn queue(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let filters = serde_json::json!({ "office": q.office });
    super::audit_list_view(&state, &who, "profiling", None, filters).await?;
    let page = queue_page(&state, &who, csrf, &q.office, None, None).await?;
    render(&page)
}

/// `doc` is repeated, once per ticked document.
pub async fn batch(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let office_code = form
        .iter()
        .find(|(k, _)| k == "office")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // The office names the queue to return to: checked before anything is accepted.
    if !office_code.is_empty() && worktrack_domain::OfficeCode::parse(&office_code).is_err() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid form",
            "The form's office is not an office code. Nothing was accepted; go back to the queue and try again.",
        ));
    }
    // Scope, then permission, before the content: another office's queue is not found, and
    // a role that does not profile is refused even for an empty or unmatched batch.
    if !office_code.is_empty() {
        let office = state.store.office_by_code(&office_code).await?;
        state
            .store
            .check_scope(&who.viewer, office.id, "office", &office.code)
            .await?;
    }
    super::require(who.role().may_write_business_data(), "profiling documents")?;
    let ids: Result<Vec<i64>, _> = form
        .iter()
        .filter(|(k, _)| k == "doc")
        .map(|(_, v)| v.parse::<i64>())
        .collect();
    let fail = |state: AppState, who: SignedIn, csrf: String, office: String, msg: String| async move {
        let page = queue_page(&state, &who, csrf, &office, None, Some(msg)).await?;
        Ok::<_, PageError>(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
    };
    let Ok(ids) = ids else {
        return fail(
            state,
            who,
            csrf,
            office_code,
            "A document number in the form is not a number.".into(),
        )
        .await;
    };
    if ids.is_empty() {
        return fail(
            state,
            who,
            csrf,
            office_code,
            "Tick the documents to accept first.".into(),
        )
        .await;
    }
    let mut accepted = 0;
    let mut left = Vec::new();
    for id in ids {
        let Some(profile) = state.store.document_profile(&who.viewer, id).await? else {
            continue;
        };
        let Some(code) = profile.suggested_code.clone() else {
            left.push(id);
            continue;
        };
        // A document whose claimant is not matched is left to a person, as the page says.
        if profile.suggested_claimant_id.is_none() || profile.attention.is_some() {
            left.push(id);
            continue;
        }
        let confirm = ConfirmProfile {
            profile_code: code,
            claimant_id: profile.suggested_claimant_id,
            fields: profile
                .fields
                .iter()
                .map(|f| (f.kind.key().to_string(), f.value.clone()))
                .collect(),
        };
        match state.store.confirm_profile(&who.viewer, id, &confirm).await {
            Ok(_) => accepted += 1,
            Err(StoreError::Invalid(m)) => {
                let msg =
                    format!("Document {id} was not accepted: {m}. {accepted} before it were.");
                return fail(state, who, csrf, office_code, msg).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let message = if left.is_empty() {
        format!("{accepted} document(s) profiled. The queue is up to date.")
    } else {
        let list: Vec<String> = left.iter().map(i64::to_string).collect();
        format!(
            "{accepted} document(s) profiled. Left to a person (claimant not matched, no suggestion or something to check): document {}.",
            list.join(", ")
        )
    };
    Ok(flash::redirect(
        &state,
        &format!("/profiling?office={office_code}"),
        message,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AutoForm {
    office: String,
    auto_accept: String,
}

pub async fn switch_auto(
    PageRequest { state, who, .. }: PageRequest,
    Form(form): Form<AutoForm>,
) -> Result<Response, PageError> {
    let office = state.store.office_by_code(&form.office).await?;
    state
        .store
        .set_auto_accept(&who.viewer, &office, form.auto_accept == "on")
        .await?;
    Ok(Redirect::to(&format!("/profiling?office={}", office.code)).into_response())
}

// --- one document ----------------------------------------------------------------------------

/// An outline drawn over a page image.
pub struct Outline {
    pub label: String,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// A page as the workbench shows it: upright, with the fields found on it outlined.
pub struct PageView {
    pub page: i64,
    pub width: i64,
    pub height: i64,
    /// SVG transform that turns the stored page image upright (the OCR read it turned).
    pub transform: String,
    pub image_width: i64,
    pub image_height: i64,
    pub outlines: Vec<Outline>,
}

/// A ranked suggestion offered as a choice that fills the profile code.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub percent: String,
    pub sure: Sureness,
}

/// A claimant search made on the workbench and what it found.
#[derive(Default)]
pub struct Searched {
    /// What was searched for, in words (never a full SSN).
    pub what: String,
    /// What was typed, given back (masked if it was an SSN).
    pub typed: String,
    pub found: Vec<Claimant>,
    pub error: Option<String>,
    /// The profile code typed before searching (sent along by workbench.js), kept.
    pub kept_code: String,
}

pub struct FieldInput {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: String,
    pub date: bool,
}

#[derive(Template)]
#[template(path = "workbench.html")]
pub struct WorkbenchPage {
    pub chrome: Chrome,
    pub doc: worktrack_store::Document,
    pub office: Office,
    pub profile: Option<DocumentProfile>,
    pub profile_status: String,
    pub pages: Vec<PageView>,
    pub codes: Vec<ProfileCode>,
    pub code_value: String,
    pub suggestion_label: String,
    pub suggestion_percent: String,
    /// How sure the top suggestion is (None without a suggestion).
    pub sure: Option<Sureness>,
    /// The percent a suggestion needs to be sure (and pre-filled).
    pub sure_percent: String,
    /// The ranked suggestions, offered as choices.
    pub choices: Vec<Choice>,
    /// Claimants to choose from, and whether each is the one chosen.
    pub claimants: Vec<(Claimant, bool)>,
    /// The claimant's name found on the document, offered as a search.
    pub found_name: Option<String>,
    pub searched: Option<Searched>,
    pub fields: Vec<FieldInput>,
    pub next: Option<i64>,
    pub position: String,
    pub can_profile: bool,
}

fn is_date_field(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::DateOfBirth
            | FieldKind::SignedOn
            | FieldKind::ReceivedOn
            | FieldKind::PayPeriodStart
            | FieldKind::PayPeriodEnd
            | FieldKind::PayDate
            | FieldKind::PurchaseDate
            | FieldKind::StatementStart
            | FieldKind::StatementEnd
    )
}

impl WorkbenchPage {
    fn ssn_spots(&self) -> &[worktrack_store::SsnSpot] {
        self.profile.as_ref().map_or(&[], |p| p.ssns.as_slice())
    }
    fn p_ssns_empty(&self) -> bool {
        self.ssn_spots().is_empty()
    }
    fn claimant_chosen(&self) -> bool {
        self.claimants.iter().any(|(_, chosen)| *chosen)
    }
    fn searched_found(&self) -> bool {
        self.searched.as_ref().is_some_and(|s| !s.found.is_empty())
    }
}

/// Turns a page image of `w`×`h` drawn rotated by `rotation`° clockwise into the upright frame
/// the word boxes use; returns the upright size and the SVG transform.
fn upright(rotation: i64, w: i64, h: i64) -> (i64, i64, String) {
    match rotation {
        90 => (h, w, format!("translate({h} 0) rotate(90)")),
        180 => (w, h, format!("rotate(180 {} {})", w / 2, h / 2)),
        270 => (h, w, format!("translate(0 {w}) rotate(270)")),
        _ => (w, h, String::new()),
    }
}

/// The outlines of what was read on page `page`: each field and SSN found with its box.
fn outlines(profile: Option<&DocumentProfile>, page: i64) -> Vec<Outline> {
    let Some(p) = profile else {
        return Vec::new();
    };
    let fields = p
        .fields
        .iter()
        .filter(|f| i64::from(f.page) == page)
        .filter_map(|f| Some((format!("{}: {}", f.kind.label(), f.value), f.bbox?)));
    let ssns = p
        .ssns
        .iter()
        .filter(|s| i64::from(s.page) == page)
        .filter_map(|s| Some((format!("SSN {}", s.masked), s.bbox?)));
    fields
        .chain(ssns)
        .map(|(label, b)| Outline {
            label,
            x: b.left,
            y: b.top,
            w: b.width,
            h: b.height,
        })
        .collect()
}

/// The document's pages as the workbench draws them: upright, with the outlines of what was
/// read; a text-layer document (no boxes) shows its page images alone.
async fn page_views(
    state: &AppState,
    id: i64,
    profile: Option<&DocumentProfile>,
    texts: &[worktrack_store::PageText],
) -> Result<Vec<PageView>, PageError> {
    let mut pages = Vec::new();
    for t in texts.iter().filter(|t| t.width > 0 && t.height > 0) {
        // The stored page image is the page as it arrived; OCR read it turned.
        let (iw, ih) = if t.rotation == 90 || t.rotation == 270 {
            (t.height, t.width)
        } else {
            (t.width, t.height)
        };
        let (w, h, transform) = upright(t.rotation, iw, ih);
        pages.push(PageView {
            page: t.page,
            width: w,
            height: h,
            transform,
            image_width: iw,
            image_height: ih,
            outlines: outlines(profile, t.page),
        });
    }
    if pages.is_empty() {
        for (p, kind, _) in state.store.page_images(id).await? {
            if kind == "preview" {
                pages.push(PageView {
                    page: p,
                    width: 0,
                    height: 0,
                    transform: String::new(),
                    image_width: 0,
                    image_height: 0,
                    outlines: Vec::new(),
                });
            }
        }
    }
    Ok(pages)
}

/// The form's fields for documents of `type_code`, with what was typed or read and a hint
/// saying where it was read.
fn field_inputs(
    type_code: &str,
    profile: Option<&DocumentProfile>,
    values: &BTreeMap<String, String>,
) -> Vec<FieldInput> {
    fields_for_type(type_code)
        .iter()
        .map(|&kind| {
            let found = profile.and_then(|p| p.field(kind));
            let value = values.get(kind.key()).cloned().unwrap_or_default();
            let hint = match found {
                Some(f) => format!(
                    "Read on page {} ({} sure){}",
                    f.page,
                    percent(f64::from(f.confidence)),
                    if is_date_field(kind) {
                        "; YYYY-MM-DD"
                    } else {
                        ""
                    }
                ),
                None if is_date_field(kind) => "Not found; YYYY-MM-DD".into(),
                None => "Not found".into(),
            };
            FieldInput {
                key: kind.key(),
                label: kind.label(),
                value,
                hint,
                date: is_date_field(kind),
            }
        })
        .collect()
}

/// The next document of the profiling queue after `id`, and where `id` stands in it.
fn queue_position(queue: &[ProfilingRow], id: i64) -> (Option<i64>, String) {
    let here = queue.iter().position(|r| r.document_id == id);
    let next = match here {
        Some(i) => queue.get(i + 1).map(|r| r.document_id),
        None => queue.first().map(|r| r.document_id),
    }
    .filter(|n| *n != id);
    let position = match here {
        Some(i) => format!("{} of {} waiting", i + 1, queue.len()),
        None => format!("{} waiting", queue.len()),
    };
    (next, position)
}

/// The top ranked suggestions of the catalogue's codes, offered as choices.
fn suggestion_choices(
    profile: Option<&DocumentProfile>,
    catalogue: &Catalogue,
    threshold: Option<f32>,
) -> Vec<Choice> {
    let ranked = profile.map(|p| p.ranked.clone()).unwrap_or_default();
    let top = profile.and_then(|p| p.confidence);
    ranked
        .iter()
        .take(4)
        .enumerate()
        .filter(|(_, (c, _))| catalogue.profile_code(c).is_some())
        .map(|(i, (c, p))| {
            // The top suggestion's calibrated confidence; the others' as ranked.
            let confidence = match (i, top) {
                (0, Some(t)) => t,
                _ => f64::from(*p),
            };
            Choice {
                code: c.clone(),
                label: code_label(catalogue, Some(c)),
                percent: percent(confidence),
                sure: sureness(confidence, threshold),
            }
        })
        .collect()
}

/// The form's code, claimant and field values: as typed (an SSN typed into a field masked),
/// else as confirmed or read, with `prefill` as the code.
fn form_values(
    form: Option<(String, Option<i64>, BTreeMap<String, String>)>,
    profile: Option<&DocumentProfile>,
    prefill: Option<String>,
) -> (String, Option<i64>, BTreeMap<String, String>) {
    if let Some((code, claimant, values)) = form {
        let values = values
            .into_iter()
            .map(|(k, v)| (k, worktrack_domain::mask_in_text(&v)))
            .collect();
        return (worktrack_domain::mask_in_text(&code), claimant, values);
    }
    let values: BTreeMap<String, String> = match profile {
        Some(p) if p.profile_code.is_some() => p.profile_fields.clone(),
        Some(p) => p
            .fields
            .iter()
            .map(|f| (f.kind.key().to_string(), f.value.clone()))
            .collect(),
        None => BTreeMap::new(),
    };
    let claimant = profile.and_then(|p| p.claimant_id.or(p.suggested_claimant_id));
    (prefill.unwrap_or_default(), claimant, values)
}

#[allow(clippy::too_many_arguments)] // one page's parts, gathered in one place
async fn workbench_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    id: i64,
    form: Option<(String, Option<i64>, BTreeMap<String, String>)>,
    searched: Option<Searched>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<WorkbenchPage, PageError> {
    let doc = state.store.document(&who.viewer, id).await?;
    let office = state.store.office_by_id(doc.office_id).await?;
    let auto = state.store.auto_accept_state(&office).await?;
    let profile = state.store.document_profile(&who.viewer, id).await?;
    let profile_status = state.store.profile_status(id).await?;
    let catalogue = state.store.catalogue().await?;
    let texts = state.store.page_texts(id).await?;

    let pages = page_views(state, id, profile.as_ref(), &texts).await?;

    let suggested = profile.as_ref().and_then(|p| p.suggested_code.clone());
    let confirmed = profile.as_ref().and_then(|p| p.profile_code.clone());
    let sure = profile
        .as_ref()
        .filter(|p| p.suggested_code.is_some())
        .map(|p| sureness(p.confidence.unwrap_or(0.0), auto.threshold));
    // Only a sure suggestion is pre-filled; an unsure one is offered as a choice.
    let prefill = confirmed
        .clone()
        .or(suggested.clone().filter(|_| sure == Some(Sureness::Sure)));
    let (code_value, claimant_value, values) = form_values(form, profile.as_ref(), prefill);
    // A code typed before a claimant search stays typed.
    let code_value = match searched.as_ref().map(|s| s.kept_code.trim()) {
        Some(kept) if !kept.is_empty() => worktrack_domain::mask_in_text(kept),
        _ => code_value,
    };
    // The fields of the document's type: the code filled in, else the top suggestion's.
    let type_code = typed_code(&code_value, &catalogue)
        .or(confirmed.clone())
        .or(suggested.clone())
        .and_then(|c| catalogue.profile_code(&c).map(|p| p.document_type.clone()))
        .unwrap_or_default();
    let fields = field_inputs(&type_code, profile.as_ref(), &values);

    // Claimants to choose from: the one chosen or matched, then what a search found.
    let mut claimants = Vec::new();
    if let Some(cid) = claimant_value {
        if let Ok(c) = state.store.claimant(&who.viewer, cid).await {
            claimants.push(c);
        }
    }
    for c in searched.iter().flat_map(|s| s.found.iter()) {
        if !claimants.iter().any(|k: &Claimant| k.id == c.id) {
            claimants.push(c.clone());
        }
    }
    let found_name = profile
        .as_ref()
        .and_then(|p| {
            p.field(FieldKind::ClaimantName)
                .or(p.field(FieldKind::AccountHolder))
        })
        .map(|f| f.value.clone())
        .filter(|n| !n.trim().is_empty());

    let queue = state
        .store
        .profiling_queue(&who.viewer, office.id, None, QUEUE_PAGE)
        .await?;
    let (next, position) = queue_position(&queue, id);
    let choices = suggestion_choices(profile.as_ref(), &catalogue, auto.threshold);
    let title = format!("Profile document {}", doc.id);
    Ok(WorkbenchPage {
        chrome: Chrome::for_user(who, &title, csrf, "/profiling")
            .with_notice(notice)
            .with_error(error),
        suggestion_label: code_label(&catalogue, suggested.as_deref()),
        suggestion_percent: profile
            .as_ref()
            .and_then(|p| p.confidence)
            .map(percent)
            .unwrap_or_default(),
        sure,
        sure_percent: percent(sure_threshold(auto.threshold)),
        choices,
        found_name,
        searched,
        codes: catalogue.profile_codes.clone(),
        code_value,
        claimants: claimants
            .into_iter()
            .map(|c| {
                let chosen = claimant_value == Some(c.id);
                (c, chosen)
            })
            .collect(),
        fields,
        next,
        position,
        can_profile: who.role().may_write_business_data(),
        pages,
        profile_status,
        profile,
        doc,
        office,
    })
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let page = workbench_page(&state, &who, csrf, id, None, None, None, None).await?;
    render(&page)
}

/// The code typed or chosen: `827`, or `827 — Authorization to disclose` from the list.
fn typed_code(input: &str, catalogue: &Catalogue) -> Option<String> {
    let head = input
        .split(['—', '–'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if catalogue.profile_code(&head).is_some() {
        return Some(head);
    }
    // Type-ahead on the name: one code whose name starts with what was typed.
    let typed = input.trim().to_lowercase();
    let by_name: Vec<&ProfileCode> = catalogue
        .profile_codes
        .iter()
        .filter(|p| !typed.is_empty() && p.name.to_lowercase().starts_with(&typed))
        .collect();
    match by_name.as_slice() {
        [one] => Some(one.code.clone()),
        _ => None,
    }
}

pub async fn confirm(
    PageRequest { state, who, csrf }: PageRequest,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(who.role().may_write_business_data(), "profiling documents")?;
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    if form.iter().any(|(k, _)| k == "search") {
        return search_claimant(
            state,
            who,
            csrf,
            id,
            &get("by"),
            &get("claimant_q"),
            &get("keep_code"),
        )
        .await;
    }
    let typed = get("profile_code");
    let claimant = get("claimant_id");
    let next = get("next").parse::<i64>().ok();
    let values: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("field_").map(|k| (k.to_string(), v.clone())))
        .collect();
    let claimant_id = if claimant.is_empty() {
        None
    } else {
        claimant.parse::<i64>().ok()
    };
    let catalogue = state.store.catalogue().await?;
    let outcome = match typed_code(&typed, &catalogue) {
        None if typed.is_empty() => Err(
            "Profile code: choose one of the suggestions or type a code; nothing was saved."
                .to_string(),
        ),
        None => Err(format!(
            "Profile code: {typed:?} is not a profile code. Type a code such as 827 or PAY, or pick one from the list."
        )),
        Some(_) if !claimant.is_empty() && claimant_id.is_none() => {
            Err("Claimant: choose one from the list.".to_string())
        }
        Some(code) => {
            let confirm = ConfirmProfile {
                profile_code: code,
                claimant_id,
                fields: values.clone(),
            };
            match state.store.confirm_profile(&who.viewer, id, &confirm).await {
                Ok(_) => Ok(()),
                Err(StoreError::Invalid(m)) => Err(m),
                Err(e) => return Err(e.into()),
            }
        }
    };
    if let Err(msg) = outcome {
        let page = workbench_page(
            &state,
            &who,
            csrf,
            id,
            Some((typed, claimant_id, values)),
            None,
            None,
            Some(msg),
        )
        .await?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    // The next document waiting, or back to the queue when this was the last.
    let next = match next {
        Some(n) if state.store.profile_status(n).await.ok().as_deref() == Some("suggested") => {
            Some(n)
        }
        _ => {
            let doc = state.store.document_unscoped(id).await?;
            state
                .store
                .profiling_queue(&who.viewer, doc.office_id, None, 1)
                .await?
                .first()
                .map(|r| r.document_id)
        }
    };
    Ok(match next {
        Some(n) => flash::redirect(
            &state,
            &format!("/profiling/documents/{n}"),
            format!("Document {id} profiled. This is the next one waiting."),
        ),
        None => {
            let doc = state.store.document_unscoped(id).await?;
            let office = state.store.office_by_id(doc.office_id).await?;
            flash::redirect(
                &state,
                &format!("/profiling?office={}", office.code),
                format!("Document {id} profiled. No other document is waiting."),
            )
        }
    })
}

/// The workbench's claimant search: by the name or the `nth` SSN found on the document
/// (`by` = `name` or `ssn-N`), or by what was typed. Searches only the document's office.
async fn search_claimant(
    state: AppState,
    who: SignedIn,
    csrf: String,
    id: i64,
    by: &str,
    typed: &str,
    kept_code: &str,
) -> Result<Response, PageError> {
    let doc = state.store.document(&who.viewer, id).await?;
    let office = state.store.office_by_id(doc.office_id).await?;
    let profile = state.store.document_profile(&who.viewer, id).await?;
    let found_name = profile
        .as_ref()
        .and_then(|p| {
            p.field(FieldKind::ClaimantName)
                .or(p.field(FieldKind::AccountHolder))
        })
        .map(|f| f.value.clone());
    let (search, what, shown) = if by == "name" {
        match found_name.as_deref().map(parse_claimant_query) {
            Some(Ok(q)) => (
                Ok(ClaimantSearch::Typed(q)),
                format!("the name found, {}", found_name.clone().unwrap_or_default()),
                found_name.clone().unwrap_or_default(),
            ),
            _ => (
                Err("Claimant search: no name was found on the document.".to_string()),
                String::new(),
                String::new(),
            ),
        }
    } else if let Some(nth) = by
        .strip_prefix("ssn-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        let masked = profile
            .as_ref()
            .and_then(|p| p.ssns.get(nth))
            .map(|s| s.masked.clone());
        match masked {
            Some(m) => (
                Ok(ClaimantSearch::DocumentSsn {
                    document_id: id,
                    nth,
                }),
                format!("the SSN found on the document, {m}"),
                String::new(),
            ),
            None => (
                Err("Claimant search: no such SSN on the document.".to_string()),
                String::new(),
                String::new(),
            ),
        }
    } else {
        let shown = worktrack_domain::mask_in_text(typed);
        (
            parse_claimant_query(typed).map(ClaimantSearch::Typed),
            format!("\u{201c}{shown}\u{201d}"),
            shown,
        )
    };
    let searched = match search {
        Ok(search) => {
            let found = state
                .store
                .search_claimants(&who.viewer, &office, &search, 20)
                .await?;
            Searched {
                what,
                typed: shown,
                found,
                error: None,
                kept_code: kept_code.to_string(),
            }
        }
        Err(message) => Searched {
            what,
            typed: shown,
            found: Vec::new(),
            error: Some(message),
            kept_code: kept_code.to_string(),
        },
    };
    let failed = searched.error.is_some();
    let page = workbench_page(&state, &who, csrf, id, None, Some(searched), None, None).await?;
    Ok(if failed {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    } else {
        render(&page)?
    })
}

// --- catalogue ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "catalogue.html")]
pub struct CataloguePage {
    pub chrome: Chrome,
    pub catalogue: Catalogue,
    pub active: Vec<bool>,
    pub can_edit: bool,
    /// The profile code being edited (its current values fill the form) and whether it is in
    /// use; a blank form adds a new one.
    pub editing: Option<(ProfileCode, bool)>,
}

impl CataloguePage {
    fn edit_code(&self) -> &str {
        self.editing.as_ref().map_or("", |(p, _)| p.code.as_str())
    }
    fn edit_name(&self) -> &str {
        self.editing.as_ref().map_or("", |(p, _)| p.name.as_str())
    }
    fn edit_type(&self) -> &str {
        self.editing
            .as_ref()
            .map_or("", |(p, _)| p.document_type.as_str())
    }
    fn edit_workload(&self) -> &str {
        self.editing
            .as_ref()
            .map_or("", |(p, _)| p.workload.as_str())
    }
    fn edit_days(&self) -> String {
        self.editing
            .as_ref()
            .map_or(String::new(), |(p, _)| p.deadline_days.to_string())
    }
    fn edit_active(&self) -> bool {
        self.editing.as_ref().is_none_or(|(_, a)| *a)
    }
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    #[serde(default)]
    edit: String,
}

async fn catalogue_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    edit: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<CataloguePage, PageError> {
    let (catalogue, active) = state.store.catalogue_entries().await?;
    let wanted = edit.trim().to_ascii_uppercase();
    let editing = catalogue
        .profile_codes
        .iter()
        .zip(active.iter())
        .find(|(p, _)| !wanted.is_empty() && p.code == wanted)
        .map(|(p, a)| (p.clone(), *a));
    Ok(CataloguePage {
        editing,
        chrome: Chrome::for_user(who, "Profiling catalogue", csrf, "/catalogue")
            .with_notice(notice)
            .with_error(error),
        catalogue,
        active,
        can_edit: permit::may_edit_catalogue(who.role()),
    })
}

pub async fn catalogue(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<CatalogueQuery>,
) -> Result<Response, PageError> {
    render(&catalogue_page(&state, &who, csrf, &q.edit, None, None).await?)
}

/// A profile code as posted: a part left out or blank keeps the current value.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileCodeForm {
    code: String,
    name: Option<String>,
    document_type: Option<String>,
    workload: Option<String>,
    deadline_days: Option<String>,
    active: Option<String>,
}

/// Changing the catalogue is for those who edit it.
fn require_catalogue_editor(who: &SignedIn) -> Result<(), PageError> {
    require(
        permit::may_edit_catalogue(who.role()),
        "changing the catalogue",
    )
}

pub async fn save_code(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<ProfileCodeForm>,
) -> Result<Response, PageError> {
    require_catalogue_editor(&who)?;
    let typed_days = form.deadline_days.as_deref().unwrap_or_default().trim();
    let days = match typed_days.parse::<i64>() {
        _ if typed_days.is_empty() => Ok(None),
        Err(_) => Err(format!(
            "Deadline: {typed_days:?} is not a whole number of business days"
        )),
        Ok(days) if !(1..=365).contains(&days) => Err(format!(
            "Deadline: a deadline is 1 to 365 business days, not {days}"
        )),
        Ok(days) => Ok(Some(days as u32)),
    };
    let result = match days {
        Err(m) => Err(StoreError::Invalid(m)),
        Ok(days) => {
            let edit = ProfileCodeEdit {
                code: form.code.clone(),
                name: form.name.clone(),
                document_type: form.document_type.clone(),
                workload: form.workload.clone(),
                deadline_days: days,
            };
            let (entries, _) = state.store.catalogue_entries().await?;
            let current = entries.profile_code(edit.code.trim().to_ascii_uppercase().as_str());
            match apply_edit(current, &edit) {
                Err(m) => Err(StoreError::Invalid(m)),
                Ok(code) => {
                    state
                        .store
                        .save_profile_code(&who.viewer.actor, &code, form.active.is_some())
                        .await
                }
            }
        }
    };
    match result {
        Ok(()) => Ok(flash::redirect(
            &state,
            "/catalogue",
            format!("{} saved.", form.code.trim().to_ascii_uppercase()),
        )),
        Err(StoreError::Invalid(m)) => {
            let page = catalogue_page(&state, &who, csrf, &form.code, None, Some(m)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DocumentTypeForm {
    code: String,
    name: String,
    form_numbers: String,
}

pub async fn save_type(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<DocumentTypeForm>,
) -> Result<Response, PageError> {
    require_catalogue_editor(&who)?;
    let t = DocumentType {
        code: form.code.trim().to_ascii_uppercase(),
        name: form.name.clone(),
        form_numbers: form
            .form_numbers
            .split(',')
            .map(|f| f.trim().to_ascii_uppercase())
            .filter(|f| !f.is_empty())
            .collect(),
    };
    match state.store.save_document_type(&who.viewer.actor, &t).await {
        Ok(()) => Ok(flash::redirect(
            &state,
            "/catalogue",
            format!("{} saved.", t.code),
        )),
        Err(StoreError::Invalid(m)) => {
            let page = catalogue_page(&state, &who, csrf, "", None, Some(m)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_from_what_people_type() {
        let c = worktrack_domain::catalogue::default_catalogue();
        let cases = [
            ("827", Some("827")),
            ("pay", Some("PAY")),
            ("827 — Authorization to disclose", Some("827")),
            ("Waiver", Some("632")),
            // Two names start with "Re": ambiguous, refused.
            ("Re", None),
            ("", None),
            ("9999", None),
        ];
        for (typed, expected) in cases {
            assert_eq!(typed_code(typed, &c).as_deref(), expected, "{typed:?}");
        }
    }

    #[test]
    fn turned_pages_are_drawn_upright() {
        assert_eq!(upright(0, 100, 200), (100, 200, String::new()));
        assert_eq!(upright(90, 100, 200).0, 200);
        assert_eq!(upright(180, 100, 200).2, "rotate(180 50 100)");
        assert_eq!(
            upright(270, 100, 200),
            (200, 100, "translate(0 100) rotate(270)".into())
        );
    }
}
