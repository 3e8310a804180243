//! Profiling records: the catalogue as administrators edit it, the classifier's model (one
//! row per version, each confirmation writes the next), and per document what extraction
//! found, what the classifier suggested and the profile a person confirmed.
//!
//! SSNs found on a page are kept like a claimant's: ciphertext, blind index and last four
//! digits, never the number itself. Confirmation trains the model in the same transaction
//! that records the profile, so the next suggestion already knows the answer.

use crate::audit::Event;
use crate::db::{now_ms, Backend, Store};
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::{Actor, Viewer};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;
use worktrack_domain::catalogue::{Catalogue, DocumentType, ProfileCode, Workload};
use worktrack_domain::classifier::{self, Features, Model, Suggestion};
use worktrack_domain::extract::{BoxOnPage, Extraction, Field, FieldKind};
use worktrack_domain::permit;
use worktrack_domain::states::ProfileStatus;
use worktrack_domain::{mask_last_four, Calendar};

/// Model versions kept besides the newest (older ones are rebuilt from confirmed profiles).
const MODEL_VERSIONS_KEPT: i64 = 20;
/// Precision the classifier must have shown on an office's confirmed documents before that
/// office's documents are accepted without a person.
pub const AUTO_ACCEPT_PRECISION: f32 = 0.98;
/// Confirmed documents above the threshold needed before precision counts as measured.
pub const AUTO_ACCEPT_MIN_SUPPORT: usize = 50;
/// Confirmed documents of an office looked at when measuring precision (the newest).
const PRECISION_WINDOW: i64 = 2000;

/// Profiling states of a document (`documents.profile_status`).
pub const PROFILE_NONE: &str = ProfileStatus::None.as_str();
pub const PROFILE_PENDING: &str = ProfileStatus::Pending.as_str();
pub const PROFILE_SUGGESTED: &str = ProfileStatus::Suggested.as_str();
pub const PROFILE_CONFIRMED: &str = ProfileStatus::Confirmed.as_str();
pub const PROFILE_AUTO: &str = ProfileStatus::AutoAccepted.as_str();

/// An SSN found on a page, as stored: never the number.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSsn {
    index: String,
    last4: String,
    cipher: String,
    page: u32,
    bbox: Option<BoxOnPage>,
    confidence: f32,
}

/// Where an SSN was found, for display: masked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SsnSpot {
    pub masked: String,
    pub page: u32,
    pub bbox: Option<BoxOnPage>,
    pub confidence: f32,
}

/// One document's profiling record.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentProfile {
    pub document_id: i64,
    pub office_id: i64,
    pub fields: Vec<Field>,
    pub ssns: Vec<SsnSpot>,
    pub form_numbers: Vec<String>,
    /// Why a person must look (two SSNs, nothing readable, …).
    pub attention: Option<String>,
    pub suggested_code: Option<String>,
    pub confidence: Option<f64>,
    pub raw_confidence: Option<f64>,
    /// `(profile code, probability)`, best first.
    pub ranked: Vec<(String, f32)>,
    /// The suggestion's reasons in words.
    pub reasons: Vec<String>,
    pub model_version: Option<i64>,
    pub suggested_claimant_id: Option<i64>,
    pub profile_code: Option<String>,
    pub claimant_id: Option<i64>,
    pub profile_fields: BTreeMap<String, String>,
    pub due_on: Option<String>,
    pub suggestion_correct: Option<bool>,
    pub auto_accepted: bool,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<i64>,
}

impl DocumentProfile {
    pub fn field(&self, kind: FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| f.kind == kind)
    }
}

from_row!(ProfilingRow {
    document_id,
    office_id,
    filename,
    received_on,
    pages,
    suggested_code,
    confidence,
    attention,
    suggested_claimant_id,
});

/// A document waiting for a person, with its suggestion, for the workbench's lists.
#[derive(Debug, Clone, Serialize)]
pub struct ProfilingRow {
    pub document_id: i64,
    pub office_id: i64,
    pub filename: String,
    pub received_on: String,
    pub pages: Option<i64>,
    pub suggested_code: Option<String>,
    pub confidence: Option<f64>,
    pub attention: Option<String>,
    pub suggested_claimant_id: Option<i64>,
}

/// What a person (or auto-accept) confirms.
#[derive(Debug, Clone)]
pub struct ConfirmProfile {
    pub profile_code: String,
    pub claimant_id: Option<i64>,
    /// Field values as the person left them, by `FieldKind::key`.
    pub fields: BTreeMap<String, String>,
}

/// The office's auto-accept state, for the workbench and the office page.
#[derive(Debug, Clone, Serialize)]
pub struct AutoAcceptState {
    pub enabled: bool,
    /// The confidence above which documents are accepted, when precision is measured.
    pub threshold: Option<f32>,
    /// Confirmed documents with a suggestion, and how many of those suggestions were right.
    pub confirmed: usize,
    pub correct: usize,
}

fn json_or<T: for<'de> Deserialize<'de>>(s: Option<String>, default: T) -> T {
    s.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(default)
}

fn profile_from_row(r: &AnyRow) -> std::result::Result<DocumentProfile, sqlx::Error> {
    let ssns: Vec<StoredSsn> = json_or(r.try_get("ssns")?, Vec::new());
    let reasons: Vec<classifier::Reason> = json_or(r.try_get("reasons")?, Vec::new());
    Ok(DocumentProfile {
        document_id: r.try_get("document_id")?,
        office_id: r.try_get("office_id")?,
        fields: json_or(r.try_get("fields")?, Vec::new()),
        ssns: ssns
            .into_iter()
            .map(|s| SsnSpot {
                masked: mask_last_four(&s.last4),
                page: s.page,
                bbox: s.bbox,
                confidence: s.confidence,
            })
            .collect(),
        form_numbers: json_or(r.try_get("form_numbers")?, Vec::new()),
        attention: r.try_get("attention")?,
        suggested_code: r.try_get("suggested_code")?,
        confidence: r.try_get("confidence")?,
        raw_confidence: r.try_get("raw_confidence")?,
        ranked: json_or(r.try_get("ranked")?, Vec::new()),
        reasons: reasons.iter().map(|x| x.describe()).collect(),
        model_version: r.try_get("model_version")?,
        suggested_claimant_id: r.try_get("suggested_claimant_id")?,
        profile_code: r.try_get("profile_code")?,
        claimant_id: r.try_get("claimant_id")?,
        profile_fields: json_or(r.try_get("profile_fields")?, BTreeMap::new()),
        due_on: r.try_get("due_on")?,
        suggestion_correct: r
            .try_get::<Option<i64>, _>("suggestion_correct")?
            .map(|v| v != 0),
        auto_accepted: r.try_get::<i64, _>("auto_accepted")? != 0,
        confirmed_by: r.try_get("confirmed_by")?,
        confirmed_at: r.try_get("confirmed_at")?,
    })
}

fn valid_code(code: &str) -> Result<()> {
    if code.is_empty()
        || code.len() > 16
        || !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err(StoreError::Invalid(
            "a code is 1 to 16 capital letters, digits, '-' or '_'".into(),
        ));
    }
    Ok(())
}

fn valid_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid("a name is 1 to 100 characters".into()));
    }
    Ok(name)
}

fn valid_deadline(days: i64) -> Result<u32> {
    if !(1..=365).contains(&days) {
        return Err(StoreError::Invalid(format!(
            "a deadline is 1 to 365 business days, not {days}"
        )));
    }
    Ok(days as u32)
}

/// Field values a person typed: dates must be dates, amounts amounts; unknown keys refused.
fn valid_fields(fields: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, value) in fields {
        let value = value.trim();
        let Some(kind) = FieldKind::ALL.iter().find(|k| k.key() == key) else {
            return Err(StoreError::Invalid(format!("unknown field {key:?}")));
        };
        if value.is_empty() {
            continue;
        }
        if value.chars().count() > 200 {
            return Err(StoreError::Invalid(format!(
                "{} is longer than 200 characters",
                kind.label()
            )));
        }
        let is_date = key.ends_with("_on")
            || key.starts_with("date_")
            || key.ends_with("_date")
            || key.starts_with("pay_period_");
        if is_date
            && time::Date::parse(value, &time::format_description::well_known::Iso8601::DATE)
                .is_err()
        {
            return Err(StoreError::Invalid(format!(
                "{} must be a date written YYYY-MM-DD",
                kind.label()
            )));
        }
        let is_money = matches!(key.as_str(), "gross_pay" | "total");
        if is_money && value.parse::<f64>().map_or(true, |v| v < 0.0) {
            return Err(StoreError::Invalid(format!(
                "{} must be an amount such as 1234.56",
                kind.label()
            )));
        }
        // An SSN typed into a field would be stored in plain text: refuse it.
        if worktrack_domain::mask_in_text(value) != value {
            return Err(StoreError::Invalid(format!(
                "{} looks like an SSN; SSNs are not profile fields",
                kind.label()
            )));
        }
        out.insert(key.clone(), value.to_string());
    }
    Ok(out)
}

impl Store {
    // --- catalogue ---------------------------------------------------------------------------

    /// Writes `default` when the catalogue is empty (a new database), with the classifier's
    /// cold-start model as version 0.
    pub(crate) async fn ensure_catalogue(&self, default: &Catalogue) -> Result<()> {
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM profile_codes")
            .fetch_one(&mut *tx.tx)
            .await?;
        if n > 0 {
            return Ok(());
        }
        for w in &default.workloads {
            sqlx::query(
                "INSERT INTO workloads (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&w.code)
            .bind(&w.name)
            .execute(&mut *tx.tx)
            .await?;
        }
        for t in &default.document_types {
            sqlx::query("INSERT INTO document_types (code, name, form_numbers) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
                .bind(&t.code)
                .bind(&t.name)
                .bind(t.form_numbers.join(","))
                .execute(&mut *tx.tx)
                .await?;
        }
        for (i, p) in default.profile_codes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO profile_codes (code, name, document_type, workload, deadline_days, active, position) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.document_type)
            .bind(&p.workload)
            .bind(i64::from(p.deadline_days))
            .bind(i as i64)
            .execute(&mut *tx.tx)
            .await?;
        }
        let model = Model::cold_start(default);
        sqlx::query(
            "INSERT INTO classifier_models (version, model, trained_on, created_at) VALUES (0, $1, NULL, $2) \
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(to_json(&model)?)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// The catalogue; with `include_inactive`, also the codes an administrator switched off
    /// (second element: whether each profile code is active).
    pub async fn catalogue_entries(&self) -> Result<(Catalogue, Vec<bool>)> {
        let workloads: Vec<(String, String)> =
            sqlx::query_as("SELECT code, name FROM workloads ORDER BY name")
                .fetch_all(self.pool())
                .await?;
        let workloads = workloads
            .into_iter()
            .map(|(code, name)| Workload { code, name })
            .collect();
        let document_types: Vec<(String, String, String)> =
            sqlx::query_as("SELECT code, name, form_numbers FROM document_types ORDER BY code")
                .fetch_all(self.pool())
                .await?;
        let document_types = document_types
            .into_iter()
            .map(|(code, name, forms)| DocumentType {
                code,
                name,
                form_numbers: forms
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(String::from)
                    .collect(),
            })
            .collect();
        let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT code, name, document_type, workload, deadline_days, active FROM profile_codes ORDER BY position, code",
        )
        .fetch_all(self.pool())
        .await?;
        let mut active = Vec::new();
        let mut profile_codes = Vec::new();
        for (code, name, document_type, workload, deadline_days, is_active) in rows {
            profile_codes.push(ProfileCode {
                code,
                name,
                document_type,
                workload,
                deadline_days: deadline_days.clamp(0, 365) as u32,
            });
            active.push(is_active != 0);
        }
        Ok((
            Catalogue {
                workloads,
                document_types,
                profile_codes,
            },
            active,
        ))
    }

    /// The catalogue in use: active profile codes only.
    pub async fn catalogue(&self) -> Result<Catalogue> {
        let (mut c, active) = self.catalogue_entries().await?;
        let mut flags = active.into_iter();
        c.profile_codes.retain(|_| flags.next().unwrap_or(false));
        Ok(c)
    }

    /// Adds or changes a profile code (admins only; checked by the caller's role).
    pub async fn save_profile_code(
        &self,
        actor: &Actor,
        code: &ProfileCode,
        active: bool,
    ) -> Result<()> {
        valid_code(&code.code)?;
        let name = valid_name(&code.name)?;
        let days = valid_deadline(i64::from(code.deadline_days))?;
        let (catalogue, _) = self.catalogue_entries().await?;
        if catalogue.document_type(&code.document_type).is_none() {
            return Err(StoreError::Invalid(format!(
                "there is no document type {:?}",
                code.document_type
            )));
        }
        if catalogue.workload(&code.workload).is_none() {
            return Err(StoreError::Invalid(format!(
                "there is no workload {:?}",
                code.workload
            )));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO profile_codes (code, name, document_type, workload, deadline_days, active, position) \
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(position), 0) + 1 FROM profile_codes)) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, document_type = excluded.document_type, \
             workload = excluded.workload, deadline_days = excluded.deadline_days, active = excluded.active",
        )
        .bind(&code.code)
        .bind(&name)
        .bind(&code.document_type)
        .bind(&code.workload)
        .bind(i64::from(days))
        .bind(i64::from(active))
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            actor,
            Event::new("catalogue.profile_code", "profile_code", &code.code, None).detail(
                serde_json::json!({ "name": name, "document_type": code.document_type,
                    "workload": code.workload, "deadline_days": days, "active": active }),
            ),
        )
        .await
    }

    /// Adds or changes a document type and its printed form numbers.
    pub async fn save_document_type(&self, actor: &Actor, t: &DocumentType) -> Result<()> {
        valid_code(&t.code)?;
        let name = valid_name(&t.name)?;
        for f in &t.form_numbers {
            if f.is_empty()
                || f.len() > 24
                || f.contains(',')
                || !f.chars().any(|c| c.is_ascii_digit())
            {
                return Err(StoreError::Invalid(format!(
                    "{f:?} is not a form number (such as SSA-827)"
                )));
            }
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO document_types (code, name, form_numbers) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, form_numbers = excluded.form_numbers",
        )
        .bind(&t.code)
        .bind(&name)
        .bind(t.form_numbers.join(","))
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            actor,
            Event::new("catalogue.document_type", "document_type", &t.code, None)
                .detail(serde_json::json!({ "name": name, "form_numbers": t.form_numbers })),
        )
        .await
    }

    // --- the model ---------------------------------------------------------------------------

    async fn newest_model_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM classifier_models")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The newest model, knowing every active profile code of the catalogue.
    pub async fn model(&self) -> Result<Arc<Model>> {
        let version = self.newest_model_version().await?;
        if let Ok(cache) = self.inner_model_cache().lock() {
            if let Some(m) = cache.as_ref().filter(|m| m.version() as i64 == version) {
                return Ok(m.clone());
            }
        }
        let stored: String = self
            .scalar_by(
                "SELECT model FROM classifier_models WHERE version = $1",
                version,
            )
            .await?;
        let mut model = parse_model(&stored)?;
        for p in self.catalogue().await?.profile_codes {
            model.add_label(&p.code);
        }
        let model = Arc::new(model);
        if let Ok(mut cache) = self.inner_model_cache().lock() {
            *cache = Some(model.clone());
        }
        Ok(model)
    }

    /// The classifier's input for a stored document: its (masked) page texts and the form
    /// numbers extraction found.
    pub async fn document_features(&self, doc_id: i64) -> Result<Features> {
        let text = self
            .page_texts(doc_id)
            .await?
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join("\n");
        let forms: Option<Option<String>> = self
            .value_by(
                "SELECT form_numbers FROM document_profiles WHERE document_id = $1",
                doc_id,
            )
            .await?;
        let forms: Vec<String> = json_or(forms.flatten(), Vec::new());
        Ok(classifier::features(&text, &forms))
    }

    // --- extraction and suggestion -------------------------------------------------------------

    /// Records what extraction found on a document (SSNs encrypted) and queues its profiling.
    pub async fn save_extraction(
        &self,
        doc_id: i64,
        extraction: &Extraction,
        attention: Option<String>,
    ) -> Result<()> {
        let doc = self.document_unscoped(doc_id).await?;
        let keys = self.keys();
        let ssns = extraction
            .ssns
            .iter()
            .map(|s| {
                Ok(StoredSsn {
                    index: keys.ssn_index(&s.ssn),
                    last4: s.ssn.last_four(),
                    cipher: hex::encode(keys.encrypt_ssn(&s.ssn)?),
                    page: s.page,
                    bbox: s.bbox,
                    confidence: s.confidence,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO document_profiles (document_id, office_id, fields, ssns, form_numbers, attention) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (document_id) DO UPDATE SET \
             fields = excluded.fields, ssns = excluded.ssns, form_numbers = excluded.form_numbers, \
             attention = excluded.attention",
        )
        .bind(doc_id)
        .bind(doc.office_id)
        .bind(to_json(&extraction.fields)?)
        .bind(to_json(&ssns)?)
        .bind(to_json(&extraction.form_numbers)?)
        .bind(attention)
        .execute(&mut *tx.tx)
        .await?;
        sqlx::query("UPDATE documents SET profile_status = $1 WHERE id = $2 AND profile_status IN ('none', 'pending', 'suggested')")
            .bind(PROFILE_PENDING)
            .bind(doc_id)
            .execute(&mut *tx.tx)
            .await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) \
             VALUES ('profile', $1, 'queued', 0, 3, $2, $2)",
        )
        .bind(serde_json::json!({ "document_id": doc_id }).to_string())
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// The blind index and masked form of the `nth` SSN found on a document, with the
    /// document's office: what a search by "the SSN on the page" looks for, without the number
    /// ever leaving the store.
    pub(crate) async fn document_ssn_index(
        &self,
        doc_id: i64,
        nth: usize,
    ) -> Result<Option<(i64, String, String)>> {
        let Some((office_id, ssns)): Option<(i64, Option<String>)> = self
            .row_by(
                "SELECT office_id, ssns FROM document_profiles WHERE document_id = $1",
                doc_id,
            )
            .await?
        else {
            return Ok(None);
        };
        let ssns: Vec<StoredSsn> = json_or(ssns, Vec::new());
        Ok(ssns.into_iter().nth(nth).map(|s| {
            (
                office_id,
                s.index,
                worktrack_domain::mask_last_four(&s.last4),
            )
        }))
    }

    /// The claimant of the document's office that extraction points to: by the first SSN's
    /// blind index, else by name and date of birth together.
    pub async fn match_claimant(&self, doc_id: i64) -> Result<Option<i64>> {
        let Some((office_id, ssns, fields)): Option<(i64, Option<String>, Option<String>)> = self
            .row_by(
                "SELECT office_id, ssns, fields FROM document_profiles WHERE document_id = $1",
                doc_id,
            )
            .await?
        else {
            return Ok(None);
        };
        let ssns: Vec<StoredSsn> = json_or(ssns, Vec::new());
        let fields: Vec<Field> = json_or(fields, Vec::new());
        if let Some(first) = ssns.first() {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM claimants WHERE office_id = $1 AND ssn_index = $2",
            )
            .bind(office_id)
            .bind(&first.index)
            .fetch_optional(self.pool())
            .await?;
            if found.is_some() {
                return Ok(found);
            }
        }
        let value = |k: FieldKind| fields.iter().find(|f| f.kind == k).map(|f| f.value.clone());
        if let (Some(name), Some(dob)) = (
            value(FieldKind::ClaimantName),
            value(FieldKind::DateOfBirth),
        ) {
            let found: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM claimants WHERE office_id = $1 AND LOWER(full_name) = LOWER($2) AND date_of_birth = $3",
            )
            .bind(office_id)
            .bind(name)
            .bind(dob)
            .fetch_all(self.pool())
            .await?;
            // Two people of the same name and birthday: leave it to a person.
            if found.len() == 1 {
                return Ok(found.first().copied());
            }
        }
        Ok(None)
    }

    /// Records the classifier's suggestion; the document waits for a person.
    pub async fn save_suggestion(
        &self,
        doc_id: i64,
        s: &Suggestion,
        model_version: u64,
        claimant_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE document_profiles SET suggested_code = $1, confidence = $2, raw_confidence = $3, \
             ranked = $4, reasons = $5, model_version = $6, suggested_claimant_id = $7, suggested_at = $8 \
             WHERE document_id = $9",
        )
        .bind(s.label.clone())
        .bind(f64::from(s.confidence))
        .bind(f64::from(s.raw_confidence))
        .bind(to_json(&s.ranked)?)
        .bind(to_json(&s.reasons)?)
        .bind(model_version as i64)
        .bind(claimant_id)
        .bind(now_ms())
        .bind(doc_id)
        .execute(&mut *tx.tx)
        .await?;
        sqlx::query("UPDATE documents SET profile_status = $1 WHERE id = $2 AND profile_status IN ('none', 'pending', 'suggested')")
            .bind(PROFILE_SUGGESTED)
            .bind(doc_id)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    pub async fn profile_status(&self, doc_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT profile_status FROM documents WHERE id = $1")
            .bind(doc_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn set_profile_status(&self, doc_id: i64, status: &str) -> Result<()> {
        self.set_document_state(doc_id, "profile_status", status)
            .await
    }

    /// A document's profiling record without scope checks (background work).
    pub async fn document_profile_unscoped(&self, doc_id: i64) -> Result<Option<DocumentProfile>> {
        let row = sqlx::query("SELECT * FROM document_profiles WHERE document_id = $1")
            .bind(doc_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(profile_from_row).transpose()?)
    }

    /// A document's profiling record for `viewer` (it names the claimant: audited as a view).
    pub async fn document_profile(
        &self,
        viewer: &Viewer,
        doc_id: i64,
    ) -> Result<Option<DocumentProfile>> {
        let doc = self.document_unscoped(doc_id).await?;
        self.check_scope(viewer, doc.office_id, "document", &doc_id.to_string())
            .await?;
        let profile = self.document_profile_unscoped(doc_id).await?;
        if profile.is_some() {
            self.audit(
                &viewer.actor,
                Event::new(
                    "document.profile_view",
                    "document",
                    doc_id,
                    Some(doc.office_id),
                ),
            )
            .await?;
        }
        Ok(profile)
    }

    /// Documents of `office_id` waiting for a person, oldest paper first, after `after` (a
    /// `(received_on, id)` keyset position) when given.
    pub async fn profiling_queue(
        &self,
        viewer: &Viewer,
        office_id: i64,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> Result<Vec<ProfilingRow>> {
        self.check_scope(viewer, office_id, "office", &office_id.to_string())
            .await?;
        let (after_day, after_id) = after.unwrap_or(("", 0));
        Ok(sqlx::query_as(
            "SELECT d.id AS document_id, d.office_id, d.filename, d.received_on, d.pages, p.suggested_code, p.confidence, \
             p.attention, p.suggested_claimant_id FROM documents d JOIN document_profiles p ON p.document_id = d.id \
             WHERE d.office_id = $1 AND d.profile_status = 'suggested' AND (d.received_on > $2 OR (d.received_on = $2 AND d.id > $3)) \
             ORDER BY d.received_on, d.id LIMIT $4",
        )
        .bind(office_id)
        .bind(after_day)
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Counts of an office's documents by profiling state.
    pub async fn profile_counts(&self, office_id: i64) -> Result<Vec<(String, i64)>> {
        self.rows_by(
            "SELECT profile_status, COUNT(*) FROM documents WHERE office_id = $1 GROUP BY profile_status ORDER BY profile_status",
            office_id,
        )
        .await
    }

    // --- confirmation ----------------------------------------------------------------------------

    /// The office's working calendar: federal holidays (with the DC-area rule) and closures.
    pub async fn office_calendar(&self, office: &Office) -> Result<Calendar> {
        let closures = self
            .closure_days(office.id)
            .await?
            .iter()
            .filter_map(|d| {
                time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok()
            })
            .collect::<Vec<_>>();
        Ok(Calendar::new(office.dc_area, closures))
    }

    /// Confirms a document's profile as `viewer`: records it with its due date, and trains the
    /// model on it in the same transaction. The suggestion's correctness is recorded the first
    /// time, for calibration and the office's measured precision.
    pub async fn confirm_profile(
        &self,
        viewer: &Viewer,
        doc_id: i64,
        confirm: &ConfirmProfile,
    ) -> Result<DocumentProfile> {
        let doc = self.document_unscoped(doc_id).await?;
        self.check_scope(viewer, doc.office_id, "document", &doc_id.to_string())
            .await?;
        permit::may_write_business_data(viewer.role, "cannot profile documents")?;
        self.record_profile(&viewer.actor, &doc, confirm, false)
            .await
    }

    /// Accepts the suggestion without a person (the office's auto-accept); does not train.
    pub async fn auto_accept_profile(
        &self,
        doc_id: i64,
        confirm: &ConfirmProfile,
    ) -> Result<DocumentProfile> {
        let doc = self.document_unscoped(doc_id).await?;
        self.record_profile(&Actor::system("auto-accept"), &doc, confirm, true)
            .await
    }

    async fn record_profile(
        &self,
        actor: &Actor,
        doc: &crate::Document,
        confirm: &ConfirmProfile,
        auto: bool,
    ) -> Result<DocumentProfile> {
        let catalogue = self.catalogue().await?;
        let Some(code) = catalogue.profile_code(&confirm.profile_code) else {
            return Err(StoreError::Invalid(format!(
                "{:?} is not a profile code in use",
                confirm.profile_code
            )));
        };
        let fields = valid_fields(&confirm.fields)?;
        if let Some(cid) = confirm.claimant_id {
            self.check_claimant_office(cid, doc.office_id).await?;
        }
        let office = self.office_by_id(doc.office_id).await?;
        let received = time::Date::parse(
            &doc.received_on,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| StoreError::Invalid("the document has no valid received date".into()))?;
        let calendar = self.office_calendar(&office).await?;
        let days = self
            .office_deadline(office.id, &code.workload)
            .await?
            .unwrap_or(code.deadline_days);
        let due_on = worktrack_domain::work::due_date(&calendar, received, days, 0).to_string();
        let features = self.document_features(doc.id).await?;

        let mut tx = self.begin_write().await?;
        let (suggested, raw, already_judged) = self.lock_profile_row(&mut tx, doc).await?;
        let correct =
            (!auto && !already_judged).then(|| suggested.as_deref() == Some(code.code.as_str()));
        let model_version = if auto {
            None
        } else {
            let outcome = raw.filter(|_| suggested.is_some()).zip(correct);
            Some(
                self.train_on_profile(&mut tx, &catalogue, &features, &code.code, outcome, doc.id)
                    .await?,
            )
        };
        sqlx::query(
            "UPDATE document_profiles SET profile_code = $1, claimant_id = $2, profile_fields = $3, due_on = $4, \
             suggestion_correct = COALESCE(suggestion_correct, $5), auto_accepted = $6, confirmed_by = $7, confirmed_at = $8 \
             WHERE document_id = $9",
        )
        .bind(&code.code)
        .bind(confirm.claimant_id)
        .bind(to_json(&fields)?)
        .bind(&due_on)
        .bind(correct.map(i64::from))
        .bind(i64::from(auto))
        .bind(actor.user_id)
        .bind(now_ms())
        .bind(doc.id)
        .execute(&mut *tx.tx)
        .await?;
        sqlx::query("UPDATE documents SET profile_status = $1 WHERE id = $2")
            .bind(if auto {
                PROFILE_AUTO
            } else {
                PROFILE_CONFIRMED
            })
            .bind(doc.id)
            .execute(&mut *tx.tx)
            .await?;
        let work_item_id = self
            .file_into_work(
                &mut tx.tx,
                actor,
                &office,
                doc,
                &code.workload,
                &code.name,
                confirm.claimant_id,
                days,
                &calendar,
            )
            .await?;
        let action = if auto {
            "document.profile_auto"
        } else {
            "document.profile"
        };
        tx.commit_audited(
            actor,
            Event::new(action, "document", doc.id, Some(doc.office_id)).detail(
                serde_json::json!({ "profile_code": code.code, "claimant_id": confirm.claimant_id,
                    "suggested": suggested, "due_on": due_on, "model_version": model_version,
                    "work_item_id": work_item_id }),
            ),
        )
        .await?;
        self.document_profile_unscoped(doc.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Locks the document's profile row (creating it when missing) and returns its
    /// suggestion, the suggestion's raw confidence, and whether its correctness is recorded.
    async fn lock_profile_row(
        &self,
        tx: &mut crate::db::WriteTx,
        doc: &crate::Document,
    ) -> Result<(Option<String>, Option<f64>, bool)> {
        let current: Option<(Option<String>, Option<f64>, Option<i64>)> =
            sqlx::query_as(&format!(
                "SELECT suggested_code, raw_confidence, suggestion_correct FROM document_profiles WHERE document_id = $1 {}",
                if self.backend() == Backend::Postgres { "FOR UPDATE" } else { "" }
            ))
            .bind(doc.id)
            .fetch_optional(&mut *tx.tx)
            .await?;
        let Some((suggested, raw, judged)) = current else {
            sqlx::query("INSERT INTO document_profiles (document_id, office_id) VALUES ($1, $2)")
                .bind(doc.id)
                .bind(doc.office_id)
                .execute(&mut *tx.tx)
                .await?;
            return Ok((None, None, false));
        };
        Ok((suggested, raw, judged.is_some()))
    }

    /// Trains the newest model on a confirmed profile (and on the suggestion's `outcome`,
    /// its raw confidence and correctness, when there was one to judge) and stores it as the
    /// next version. Returns that version.
    async fn train_on_profile(
        &self,
        tx: &mut crate::db::WriteTx,
        catalogue: &Catalogue,
        features: &Features,
        code: &str,
        outcome: Option<(f64, bool)>,
        doc_id: i64,
    ) -> Result<i64> {
        // Serialise training: the newest model row is locked (PostgreSQL) or the writer
        // lock is held (SQLite) until this transaction ends.
        let (version, stored): (i64, String) = sqlx::query_as(&format!(
            "SELECT version, model FROM classifier_models ORDER BY version DESC LIMIT 1 {}",
            if self.backend() == Backend::Postgres {
                "FOR UPDATE"
            } else {
                ""
            }
        ))
        .fetch_one(&mut *tx.tx)
        .await?;
        let cached = self
            .inner_model_cache()
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|m| m.version() as i64 == version);
        let mut model = match cached {
            Some(m) => (*m).clone(),
            None => parse_model(&stored)?,
        };
        for p in &catalogue.profile_codes {
            model.add_label(&p.code);
        }
        if let Some((raw, correct)) = outcome {
            model.record_outcome(raw as f32, correct);
        }
        model
            .learn(features, code)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let new_version = model.version() as i64;
        sqlx::query(
            "INSERT INTO classifier_models (version, model, trained_on, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_version)
        .bind(to_json(&model)?)
        .bind(doc_id)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        sqlx::query("DELETE FROM classifier_models WHERE version < $1")
            .bind(new_version - MODEL_VERSIONS_KEPT)
            .execute(&mut *tx.tx)
            .await?;
        // Kept for the next suggestion; a rollback leaves a newer cache than the table,
        // which `model()` notices by version and rereads.
        if let Ok(mut cache) = self.inner_model_cache().lock() {
            *cache = Some(Arc::new(model));
        }
        Ok(new_version)
    }

    // --- auto-accept -------------------------------------------------------------------------------

    /// `(confidence, correct)` of the office's newest documents that a person confirmed.
    pub async fn office_outcomes(&self, office_id: i64) -> Result<Vec<(f32, bool)>> {
        let rows: Vec<(f64, i64)> = sqlx::query_as(
            "SELECT confidence, suggestion_correct FROM document_profiles WHERE office_id = $1 \
             AND suggestion_correct IS NOT NULL AND confidence IS NOT NULL AND auto_accepted = 0 \
             ORDER BY confirmed_at DESC LIMIT $2",
        )
        .bind(office_id)
        .bind(PRECISION_WINDOW)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(confidence, correct)| (confidence as f32, correct != 0))
            .collect())
    }

    pub async fn auto_accept_state(&self, office: &Office) -> Result<AutoAcceptState> {
        let outcomes = self.office_outcomes(office.id).await?;
        let threshold = classifier::auto_accept_threshold(
            &outcomes,
            AUTO_ACCEPT_PRECISION,
            AUTO_ACCEPT_MIN_SUPPORT,
        );
        Ok(AutoAcceptState {
            enabled: office.auto_accept,
            threshold,
            confirmed: outcomes.len(),
            correct: outcomes.iter().filter(|(_, c)| *c).count(),
        })
    }

    /// Switches an office's auto-accept on or off (managers of the office and admins).
    pub async fn set_auto_accept(&self, viewer: &Viewer, office: &Office, on: bool) -> Result<()> {
        // Administrators set it for any office; anyone else is first held to their scope
        // (another office is not found), then to the role.
        if viewer.role != worktrack_domain::Role::Admin {
            self.check_office_scope(viewer, office).await?;
        }
        if !permit::may_set_auto_accept(viewer.role, viewer.office_id == Some(office.id)) {
            return Err(StoreError::Forbidden(
                "only the office's managers and administrators change auto-accept".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query("UPDATE offices SET auto_accept = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(office.id)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "office.auto_accept",
                "office",
                &office.code,
                Some(office.id),
            )
            .detail(serde_json::json!({ "auto_accept": on })),
        )
        .await
    }
}

fn parse_model(json: &str) -> Result<Model> {
    serde_json::from_str(json).map_err(|_| StoreError::Model("the stored model cannot be read"))
}

/// JSON text for a JSON column.
fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|_| StoreError::Model("a value could not be encoded"))
}
