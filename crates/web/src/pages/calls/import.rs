//! Importing an office's call records from the page: the upload form (streamed into the store
//! as it arrives, whatever the file's size), each import's report, the office's saved CSV
//! layouts and the limits its figures use. Those who may import (the office's managers and
//! administrators) see this page; the store says who they are.

use super::{formula_options, formula_value, office, thousands};
use crate::auth::PageRequest;
use crate::call_input::import_chunks;
use crate::error::PageError;
use crate::flash;
use crate::form::Form;
use crate::pages::{render, when, zone_of, Chrome};
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use worktrack_domain::calls::access;
use worktrack_domain::calls::metrics::Settings;
use worktrack_store::call_files::{CallFormat, CsvLayout, TimeColumn};
use worktrack_store::calls::{parse_formula, CallImport, ImportOutcome};
use worktrack_store::{Office, StoreError};

/// Imports the page lists.
const LISTED: i64 = 20;

/// The formats the form offers: (name, what it is).
pub const FORMATS: [(&str, &str); 4] = [
    ("queue_log", "Asterisk queue_log (pipe-separated)"),
    (
        "queue_log_csv",
        "queue_log events exported as CSV with a header row",
    ),
    ("cdr", "Asterisk CDR Master.csv"),
    (
        "csv",
        "Another phone system's CSV, read with a saved layout",
    ),
];

/// How a generic CSV writes the time a call entered: (name, what it is).
pub const TIME_COLUMNS: [(&str, &str); 3] = [
    (
        "local_date_time",
        "YYYY-MM-DD HH:MM:SS on the office's clock",
    ),
    ("epoch_seconds", "Seconds since 1 January 1970 (UTC)"),
    (
        "rfc3339",
        "Date and time with offset (2026-03-02T09:15:00-06:00)",
    ),
];

/// One import as the page lists it.
pub struct ImportLine {
    pub id: i64,
    pub when: String,
    pub file_name: String,
    pub format: String,
    pub status: String,
    pub lines: String,
    pub bad_lines: String,
    pub stored: String,
    pub completed: String,
    pub known: String,
    pub waiting: String,
    pub first_bad: Vec<(u64, String)>,
    pub error: Option<String>,
}

fn import_line(office: &Office, i: &CallImport) -> ImportLine {
    let n = |v: i64| thousands(u64::try_from(v).unwrap_or(0));
    ImportLine {
        id: i.id,
        when: when(i.created_at, zone_of(office)),
        file_name: i.file_name.clone(),
        format: i.format.clone(),
        status: i.status.clone(),
        lines: n(i.lines),
        bad_lines: n(i.bad_lines),
        stored: n(i.calls_stored),
        completed: n(i.calls_completed),
        known: n(i.calls_known),
        waiting: n(i.waiting_at_end),
        first_bad: i
            .first_bad
            .iter()
            .map(|b| (b.line, b.reason.clone()))
            .collect(),
        error: i.error.clone(),
    }
}

#[derive(Template)]
#[template(path = "calls_import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub office: Office,
    pub formats: &'static [(&'static str, &'static str)],
    pub time_columns: &'static [(&'static str, &'static str)],
    pub layouts: Vec<String>,
    pub imports: Vec<ImportLine>,
    pub service_level_secs: i64,
    pub short_abandon_secs: String,
    pub formula: String,
    pub formulas: Vec<(String, &'static str)>,
    pub may_see_agents: bool,
}

pub async fn import_page(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    // The saved layouts are for those who import: the store refuses anyone else here.
    let layouts = state.store.call_layouts(&who.viewer, &office).await?;
    let imports = state
        .store
        .call_imports(&who.viewer, &office, LISTED)
        .await?;
    let settings = state.store.call_settings(office.id).await?;
    let title = format!("Import call records — {}", office.code);
    let page = ImportPage {
        chrome: Chrome::for_user(&who, &title, csrf, "/calls"),
        formats: &FORMATS,
        time_columns: &TIME_COLUMNS,
        layouts: layouts.into_iter().map(|(name, _)| name).collect(),
        imports: imports.iter().map(|i| import_line(&office, i)).collect(),
        service_level_secs: settings.service_level_secs(),
        short_abandon_secs: settings
            .short_abandon_secs()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        formula: formula_value(settings.formula()),
        formulas: formula_options(),
        may_see_agents: access::may_read_agent_figures(who.role(), &who.viewer.scope, office.id),
        office,
    };
    render(&page)
}

/// What an import did, in one sentence for the page it returns to.
pub(crate) fn summary(o: &ImportOutcome) -> String {
    let i = &o.import;
    let n = |v: i64| thousands(u64::try_from(v).unwrap_or(0));
    let mut s = format!(
        "Imported {} ({}): {} lines read, {} calls stored, {} completed, {} already stored.",
        i.file_name,
        i.format,
        n(i.lines),
        n(i.calls_stored),
        n(i.calls_completed),
        n(i.calls_known),
    );
    if i.bad_lines > 0 {
        let shown: Vec<String> = i
            .first_bad
            .iter()
            .take(5)
            .map(|b| b.line.to_string())
            .collect();
        s.push_str(&format!(
            " {} {} could not be read (line {}{}); see the report below.",
            n(i.bad_lines),
            if i.bad_lines == 1 { "line" } else { "lines" },
            shown.join(", "),
            if i.bad_lines > 5 { ", …" } else { "" }
        ));
    }
    if i.waiting_at_end > 0 {
        s.push_str(&format!(
            " {} calls were still waiting when the file ends; a later file completes them.",
            n(i.waiting_at_end)
        ));
    }
    s
}

/// The page's own address for `office`'s imports.
fn back(office: &Office) -> String {
    format!("/offices/{}/calls/import", office.code)
}

/// A text field of a multipart form (short: the format and layout names).
async fn short_text(field: axum::extract::multipart::Field<'_>) -> Result<String, PageError> {
    let text = field
        .text()
        .await
        .map_err(|_| PageError::invalid("The form could not be read. Nothing was imported."))?;
    Ok(text.chars().take(200).collect())
}

pub async fn import(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let unreadable = || PageError::invalid("The form could not be read. Nothing was imported.");
    let mut format_name = String::new();
    let mut layout_name = String::new();
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        match field.name().unwrap_or("") {
            "format" => format_name = short_text(field).await?,
            "layout" => layout_name = short_text(field).await?,
            "file" => {
                let file_name = field.file_name().unwrap_or("").to_string();
                if file_name.is_empty() {
                    return Ok(flash::redirect_error(
                        &state,
                        &back(&office),
                        "Choose a file of call records to import.",
                    ));
                }
                let layout = match (format_name.as_str(), layout_name.trim()) {
                    ("csv", "") => None,
                    ("csv", name) => {
                        Some(state.store.call_layout(&who.viewer, &office, name).await)
                    }
                    _ => None,
                };
                let layout = match layout.transpose() {
                    Ok(l) => l,
                    Err(StoreError::Invalid(m)) => {
                        return Ok(flash::redirect_error(&state, &back(&office), m))
                    }
                    Err(e) => return Err(e.into()),
                };
                let format = match CallFormat::parse(&format_name, layout) {
                    Ok(f) => f,
                    Err(m) => {
                        return Ok(flash::redirect_error(
                            &state,
                            &back(&office),
                            format!("Nothing was imported: {m}."),
                        ))
                    }
                };
                let body = futures_util::StreamExt::map(field, |chunk| {
                    chunk.map_err(|e| std::io::Error::other(e.body_text()))
                });
                let outcome = import_chunks(&state, &who, &office, format, &file_name, body).await;
                return match outcome {
                    Ok(o) => Ok(flash::redirect(&state, &back(&office), summary(&o))),
                    Err(StoreError::Invalid(m)) => Ok(flash::redirect_error(
                        &state,
                        &back(&office),
                        format!("Nothing was imported: {m}"),
                    )),
                    Err(e) => Err(e.into()),
                };
            }
            _ => {}
        }
    }
    Ok(flash::redirect_error(
        &state,
        &back(&office),
        "Choose a file of call records to import.",
    ))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub service_level_secs: String,
    #[serde(default)]
    pub formula: String,
    #[serde(default)]
    pub short_abandon_secs: String,
}

/// The office's limits from the settings form.
pub(crate) fn settings_of(
    service_level_secs: &str,
    formula: &str,
    short_abandon_secs: &str,
) -> Result<Settings, String> {
    let secs = service_level_secs
        .trim()
        .parse::<i64>()
        .map_err(|_| "service_level_secs: give the service level's limit in seconds, such as 60")?;
    let formula = parse_formula(formula.trim()).ok_or_else(|| {
        format!(
            "formula: use {}",
            super::FORMULAS.map(formula_value).join(" or ")
        )
    })?;
    let short = match short_abandon_secs.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| {
            "short_abandon_secs: give the short-abandon threshold in seconds, or leave it empty"
        })?),
    };
    Settings::new(secs, formula, short).map_err(|e| e.to_string())
}

pub async fn settings(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let settings = match settings_of(
        &form.service_level_secs,
        &form.formula,
        &form.short_abandon_secs,
    ) {
        Ok(s) => s,
        Err(m) => {
            // Refuse someone who may not change them as such, whatever they typed.
            if !access::may_import_calls(who.role(), &who.viewer.scope, office.id) {
                state.store.call_layouts(&who.viewer, &office).await?;
            }
            return Ok(flash::redirect_error(&state, &back(&office), m));
        }
    };
    match state
        .store
        .set_call_settings(&who.viewer, &office, settings)
        .await
    {
        Ok(()) => Ok(flash::redirect(
            &state,
            &back(&office),
            "The phone figures' limits are saved; every figure now uses them.",
        )),
        Err(StoreError::Invalid(m)) => Ok(flash::redirect_error(&state, &back(&office), m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LayoutForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub call_id: String,
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub entered: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub wait: String,
    #[serde(default)]
    pub talk: String,
    #[serde(default)]
    pub hold: String,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub time: String,
    /// One `file's word = outcome` a line.
    #[serde(default)]
    pub outcome_values: String,
}

/// The layout the form describes (its checks are [`CsvLayout::validate`]'s, in the store).
fn layout_of(f: &LayoutForm) -> Result<CsvLayout, String> {
    let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let time = match f.time.trim() {
        "epoch_seconds" => TimeColumn::EpochSeconds,
        "local_date_time" => TimeColumn::LocalDateTime,
        "rfc3339" => TimeColumn::Rfc3339,
        _ => {
            return Err(format!(
                "time: use {}",
                TIME_COLUMNS.map(|(name, _)| name).join(", ")
            ))
        }
    };
    let mut outcome_values = BTreeMap::new();
    for (i, line) in f.outcome_values.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (word, ours) = line.split_once('=').ok_or_else(|| {
            format!(
                "outcome_values, line {}: write the file's word, =, then the outcome (Abandoned = abandoned)",
                i + 1
            )
        })?;
        outcome_values.insert(word.trim().to_string(), ours.trim().to_string());
    }
    Ok(CsvLayout {
        call_id: f.call_id.trim().to_string(),
        queue: f.queue.trim().to_string(),
        entered: f.entered.trim().to_string(),
        outcome: f.outcome.trim().to_string(),
        wait: optional(&f.wait),
        talk: optional(&f.talk),
        hold: optional(&f.hold),
        agent: optional(&f.agent),
        time,
        outcome_values,
    })
}

pub async fn save_layout(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    Form(form): Form<LayoutForm>,
) -> Result<Response, PageError> {
    let office = office(&state, &code).await?;
    let saved = match layout_of(&form) {
        Ok(layout) => {
            state
                .store
                .save_call_layout(&who.viewer, &office, &form.name, &layout)
                .await
        }
        Err(m) => Err(StoreError::Invalid(m)),
    };
    match saved {
        Ok(()) => Ok(flash::redirect(
            &state,
            &back(&office),
            format!(
                "The CSV layout \u{201c}{}\u{201d} is saved.",
                form.name.trim()
            ),
        )),
        Err(StoreError::Invalid(m)) => {
            // Refuse someone who may not save layouts as such, whatever they typed.
            state.store.call_layouts(&who.viewer, &office).await?;
            Ok(flash::redirect_error(&state, &back(&office), m))
        }
        Err(e) => Err(e.into()),
    }
}
