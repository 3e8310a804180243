//! Claimants: the people whose benefits the offices handle.
//!
//! The SSN is stored three ways, none of them readable without the master key: AES-256-GCM
//! ciphertext (for an audited reveal), an HMAC blind index (to find a claimant by number) and
//! the last four digits (for the masked display). Every read goes through a [`Viewer`]: out of
//! scope reads are audited and answered as not found; in-scope reads are audited as views.
//!
//! An e-mail address, when one is on file, is kept only as AES-256-GCM ciphertext under its own
//! key; lists say only whether there is one, and each read of the address itself is audited.

use crate::audit::Event;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::Viewer;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use worktrack_domain::permit;
use worktrack_domain::workbench::ClaimantQuery;
use worktrack_domain::{mask_last_four, EmailAddress, PersonName, Scope, Ssn, SsnPolicy};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Claimant {
    pub id: i64,
    pub office_id: i64,
    pub full_name: String,
    /// `YYYY-MM-DD`, when known.
    pub date_of_birth: Option<String>,
    /// `***-**-1234`
    pub ssn_masked: String,
    /// Whether an e-mail address is on file (the address itself is read with
    /// [`Store::claimant_email`]).
    pub has_email: bool,
    pub created_at: i64,
}

/// The encrypted fields of a claimant record.
enum Sealed {
    Ssn,
    Email,
}

/// What the workbench searches claimants by.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimantSearch {
    /// What a person typed, read by [`worktrack_domain::workbench::parse_claimant_query`].
    Typed(ClaimantQuery),
    /// The `nth` SSN found on a document.
    DocumentSsn { document_id: i64, nth: usize },
}

pub struct NewClaimant {
    pub full_name: PersonName,
    /// As typed; parsed here against the office's policy (training offices only accept the
    /// never-issued 900–999 area, live offices refuse it).
    pub ssn: String,
    pub date_of_birth: Option<time::Date>,
    /// Where appointment reminders go by e-mail (without one, they are letters).
    pub email: Option<EmailAddress>,
}

const CLAIMANT_COLUMNS: &str =
    "id, office_id, full_name, date_of_birth, ssn_last4, email_cipher, created_at";

fn claimant_from_row(r: &AnyRow) -> std::result::Result<Claimant, sqlx::Error> {
    let last4: String = r.try_get("ssn_last4")?;
    Ok(Claimant {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        full_name: r.try_get("full_name")?,
        date_of_birth: r.try_get("date_of_birth")?,
        ssn_masked: mask_last_four(&last4),
        has_email: r.try_get::<Option<Vec<u8>>, _>("email_cipher")?.is_some(),
        created_at: r.try_get("created_at")?,
    })
}

/// The SSN policy of an office: training offices take only never-issued numbers, so no real
/// person's number can end up in demo or training data.
pub fn ssn_policy(office: &Office) -> SsnPolicy {
    if office.training {
        SsnPolicy::Training
    } else {
        SsnPolicy::Live
    }
}

fn parse_ssn_for(office: &Office, input: &str) -> Result<Ssn> {
    let ssn =
        Ssn::parse(input, ssn_policy(office)).map_err(|e| StoreError::Invalid(e.to_string()))?;
    if office.training && !ssn.is_training_number() {
        return Err(StoreError::Invalid(
            "office is a training office: only never-issued numbers (area 900-999) are accepted"
                .into(),
        ));
    }
    Ok(ssn)
}

impl Store {
    /// Checks that `viewer` may read office `office_id`'s records; when not, records the
    /// attempt and answers not found. The one gate of office scoping.
    pub async fn check_scope(
        &self,
        viewer: &Viewer,
        office_id: i64,
        target_type: &str,
        target_id: &str,
    ) -> Result<()> {
        if viewer.scope.permits(office_id) {
            return Ok(());
        }
        self.audit(
            &viewer.actor,
            Event::new("access.denied", target_type, target_id, Some(office_id)).detail(
                serde_json::json!({ "viewer_office_id": viewer.office_id, "role": viewer.role }),
            ),
        )
        .await?;
        Err(StoreError::NotFound)
    }

    /// [`Store::check_scope`] for office `office` itself (its records, settings or lists).
    pub async fn check_office_scope(&self, viewer: &Viewer, office: &Office) -> Result<()> {
        self.check_scope(viewer, office.id, "office", &office.code)
            .await
    }

    /// `viewer`'s view of the record `event` names: out of scope (or of no office), refused as
    /// [`Store::check_scope`] refuses; in scope, recorded as `event`.
    pub(crate) async fn audit_view(&self, viewer: &Viewer, event: Event<'_>) -> Result<()> {
        let office_id = event.office_id.ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, office_id, event.target_type, &event.target_id)
            .await?;
        self.audit(&viewer.actor, event).await?;
        Ok(())
    }

    pub async fn create_claimant(
        &self,
        viewer: &Viewer,
        office: &Office,
        new: &NewClaimant,
    ) -> Result<Claimant> {
        self.check_office_scope(viewer, office).await?;
        permit::may_write_business_data(viewer.role, "cannot create claimants")?;
        let ssn = parse_ssn_for(office, &new.ssn)?;
        let keys = self.keys();
        let email_cipher = match &new.email {
            Some(e) => Some(keys.encrypt_email(e)?),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO claimants (office_id, full_name, date_of_birth, ssn_cipher, ssn_index, ssn_last4, \
             email_cipher, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING {CLAIMANT_COLUMNS}"
        ))
        .bind(office.id)
        .bind(new.full_name.as_str())
        .bind(new.date_of_birth.map(|d| d.to_string()))
        .bind(keys.encrypt_ssn(&ssn)?)
        .bind(keys.ssn_index(&ssn))
        .bind(ssn.last_four())
        .bind(email_cipher)
        .bind(now_ms())
        .bind(viewer.actor.user_id)
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "a claimant with this SSN already exists in this office"))?;
        let claimant = claimant_from_row(&row)?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("claimant.create", "claimant", claimant.id, Some(office.id)).detail(
                serde_json::json!({ "ssn": claimant.ssn_masked, "email": claimant.has_email }),
            ),
        )
        .await?;
        Ok(claimant)
    }

    /// One claimant, if `viewer` may see them; the view is audited.
    pub async fn claimant(&self, viewer: &Viewer, id: i64) -> Result<Claimant> {
        let row = sqlx::query(&format!(
            "SELECT {CLAIMANT_COLUMNS} FROM claimants WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let claimant = claimant_from_row(&row)?;
        let event = Event::new("claimant.view", "claimant", id, Some(claimant.office_id));
        self.audit_view(viewer, event).await?;
        Ok(claimant)
    }

    /// The e-mail address on file for a claimant `viewer` may see (none: no address). Showing
    /// an address is audited as its own view.
    pub async fn claimant_email(&self, viewer: &Viewer, id: i64) -> Result<Option<String>> {
        let (office_id, cipher) = self.sealed_in_scope(viewer, id, Sealed::Email).await?;
        let Some(cipher) = cipher else {
            return Ok(None);
        };
        let email = self.keys().decrypt_email(&cipher)?;
        self.audit(
            &viewer.actor,
            Event::new("claimant.email.view", "claimant", id, Some(office_id)),
        )
        .await?;
        Ok(Some(email))
    }

    /// Puts `email` on file for a claimant (none: removes the address on file). Audited
    /// without the address.
    pub async fn set_claimant_email(
        &self,
        viewer: &Viewer,
        id: i64,
        email: Option<&EmailAddress>,
    ) -> Result<()> {
        let (office_id, _) = self.sealed_in_scope(viewer, id, Sealed::Email).await?;
        permit::may_write_business_data(viewer.role, "cannot change claimants")?;
        let cipher = match email {
            Some(e) => Some(self.keys().encrypt_email(e)?),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE claimants SET email_cipher = $1 WHERE id = $2")
            .bind(cipher)
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        // Reminders not yet sent go the new way: by e-mail to the address, or by letter.
        crate::reminders::switch_claimant_reminders_in(&mut tx.tx, id, email.is_some()).await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("claimant.email.set", "claimant", id, Some(office_id))
                .detail(serde_json::json!({ "email": email.is_some() })),
        )
        .await?;
        Ok(())
    }

    /// The office of claimant `id` and the ciphertext of one of their sealed fields, when
    /// `viewer` may see them (else the refusal of [`Store::check_scope`]); nothing is audited.
    async fn sealed_in_scope(
        &self,
        viewer: &Viewer,
        id: i64,
        field: Sealed,
    ) -> Result<(i64, Option<Vec<u8>>)> {
        let column = match field {
            Sealed::Ssn => "ssn_cipher",
            Sealed::Email => "email_cipher",
        };
        let (office_id, cipher): (i64, Option<Vec<u8>>) = sqlx::query_as(&format!(
            "SELECT office_id, {column} FROM claimants WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, office_id, "claimant", &id.to_string())
            .await?;
        Ok((office_id, cipher))
    }

    /// The full SSN of a claimant `viewer` may see; the reveal is audited.
    pub async fn reveal_ssn(&self, viewer: &Viewer, id: i64) -> Result<String> {
        let (office_id, cipher) = self.sealed_in_scope(viewer, id, Sealed::Ssn).await?;
        let cipher = cipher.ok_or(StoreError::NotFound)?;
        let digits = self.keys().decrypt_ssn_digits(&cipher)?;
        self.audit(
            &viewer.actor,
            Event::new("claimant.ssn.reveal", "claimant", id, Some(office_id)),
        )
        .await?;
        Ok(format!(
            "{}-{}-{}",
            &digits[0..3],
            &digits[3..5],
            &digits[5..9]
        ))
    }

    /// Claimants of one office (or of all offices in scope), by id, `limit` after `after_id`.
    /// The listing is audited as a view of the claimants it shows.
    pub async fn claimants(
        &self,
        viewer: &Viewer,
        office: Option<&Office>,
        after_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Claimant>> {
        let office_ids: Option<Vec<i64>> = match (office, &viewer.scope) {
            (Some(o), _) => {
                self.check_office_scope(viewer, o).await?;
                Some(vec![o.id])
            }
            (None, Scope::AllOffices) => None,
            (None, Scope::Offices(ids)) => Some(ids.clone()),
            (None, Scope::Nothing) => Some(Vec::new()),
        };
        if office_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        // Office ids are integers from the database, not user input: safe to inline.
        let office_filter = office_ids
            .map(|ids| {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("AND office_id IN ({})", list.join(","))
            })
            .unwrap_or_default();
        let rows = sqlx::query(&format!(
            "SELECT {CLAIMANT_COLUMNS} FROM claimants WHERE id > $1 {office_filter} ORDER BY id LIMIT $2"
        ))
        .bind(after_id.unwrap_or(0))
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        self.listed_claimants(viewer, &rows, office.map(|o| o.id), |ids| {
            format!("{}..{}", ids[0], ids[ids.len() - 1])
        })
        .await
    }

    /// Claimants of `office` whose name ends with `surname` (for choosing the claimant of a
    /// document), audited as a list.
    pub async fn claimants_by_surname(
        &self,
        viewer: &Viewer,
        office: &Office,
        surname: &str,
        limit: i64,
    ) -> Result<Vec<Claimant>> {
        self.check_office_scope(viewer, office).await?;
        let rows = sqlx::query(&format!(
            "SELECT {CLAIMANT_COLUMNS} FROM claimants WHERE office_id = $1 AND \
             (LOWER(full_name) LIKE $2 OR LOWER(full_name) = $3) ORDER BY full_name, id LIMIT $4"
        ))
        .bind(office.id)
        .bind(format!(
            "% {}",
            surname.to_lowercase().replace(['%', '_'], "")
        ))
        .bind(surname.to_lowercase())
        .bind(limit.clamp(1, 100))
        .fetch_all(self.pool())
        .await?;
        self.listed_claimants(viewer, &rows, Some(office.id), |_| {
            format!("surname:{}", surname)
        })
        .await
    }

    /// The claimants in `rows`; when there are any, `viewer`'s sight of them is audited as a
    /// list (`claimant.list`) in office `office_id`, named by `target_id` of their ids.
    async fn listed_claimants(
        &self,
        viewer: &Viewer,
        rows: &[AnyRow],
        office_id: Option<i64>,
        target_id: impl FnOnce(&[i64]) -> String,
    ) -> Result<Vec<Claimant>> {
        let list: Vec<Claimant> = rows
            .iter()
            .map(claimant_from_row)
            .collect::<std::result::Result<_, _>>()?;
        if !list.is_empty() {
            let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
            self.audit(
                &viewer.actor,
                Event::new("claimant.list", "claimant", target_id(&ids), office_id)
                    .detail(serde_json::json!({ "ids": ids })),
            )
            .await?;
        }
        Ok(list)
    }

    /// Claimants in scope whose SSN is `ssn` (found through the blind index).
    pub async fn claimants_by_ssn(&self, viewer: &Viewer, ssn: &Ssn) -> Result<Vec<Claimant>> {
        let rows = sqlx::query(&format!(
            "SELECT {CLAIMANT_COLUMNS} FROM claimants WHERE ssn_index = $1 ORDER BY id"
        ))
        .bind(self.keys().ssn_index(ssn))
        .fetch_all(self.pool())
        .await?;
        let mut found = Vec::new();
        for r in &rows {
            let c = claimant_from_row(r)?;
            // Matches in other offices are left out silently but still audited as denied.
            if self
                .check_scope(viewer, c.office_id, "claimant", &c.id.to_string())
                .await
                .is_ok()
            {
                found.push(c);
            }
        }
        self.audit(
            &viewer.actor,
            Event::new("claimant.search_ssn", "claimant", ssn, viewer.office_id).detail(
                serde_json::json!({ "found": found.iter().map(|c| c.id).collect::<Vec<_>>() }),
            ),
        )
        .await?;
        Ok(found)
    }

    /// The workbench's claimant search within one office: by what a person typed (name, date
    /// of birth, last four digits or a full SSN), or by the `nth` SSN found on document
    /// `doc_id` (its number stays in the store). Audited as a search, never with the number.
    pub async fn search_claimants(
        &self,
        viewer: &Viewer,
        office: &Office,
        search: &ClaimantSearch,
        limit: i64,
    ) -> Result<Vec<Claimant>> {
        self.check_office_scope(viewer, office).await?;
        let limit = limit.clamp(1, 100);
        const BY_NAME: &str = "full_name, id";
        // A condition that holds with each of the values (none to find when there are no
        // values), the order, and what the audit row names.
        let (condition, values, order, what) = match search {
            ClaimantSearch::Typed(ClaimantQuery::Ssn(ssn)) => {
                let index = self.keys().ssn_index(ssn);
                ("ssn_index =", Some(vec![index]), "id", format!("ssn {ssn}"))
            }
            ClaimantSearch::Typed(ClaimantQuery::LastFour(last4)) => {
                let what = format!("last four {last4}");
                ("ssn_last4 =", Some(vec![last4.clone()]), BY_NAME, what)
            }
            ClaimantSearch::Typed(ClaimantQuery::BirthDate(d)) => {
                let what = format!("date of birth {d}");
                ("date_of_birth =", Some(vec![d.to_string()]), BY_NAME, what)
            }
            ClaimantSearch::Typed(ClaimantQuery::Name(name)) => {
                // Every word typed appears in the name, in any order.
                let words: Vec<String> = name
                    .split_whitespace()
                    .take(5)
                    .map(|w| format!("%{}%", w.replace(['%', '_'], "")))
                    .collect();
                let what = format!("name {name}");
                ("LOWER(full_name) LIKE", Some(words), BY_NAME, what)
            }
            ClaimantSearch::DocumentSsn { document_id, nth } => {
                match self.document_ssn_index(*document_id, *nth).await? {
                    Some((doc_office, index, masked)) if doc_office == office.id => {
                        let what = format!("ssn {masked} on document {document_id}");
                        ("ssn_index =", Some(vec![index]), "id", what)
                    }
                    _ => ("", None, "", format!("ssn on document {document_id}")),
                }
            }
        };
        let rows = match values {
            Some(values) => {
                self.claimant_rows_where(office.id, condition, &values, order, limit)
                    .await?
            }
            None => Vec::new(),
        };
        let list: Vec<Claimant> = rows
            .iter()
            .map(claimant_from_row)
            .collect::<std::result::Result<_, _>>()?;
        self.audit(
            &viewer.actor,
            Event::new(
                "claimant.search",
                "claimant",
                worktrack_domain::mask_in_text(&what),
                Some(office.id),
            )
            .detail(serde_json::json!({ "found": list.iter().map(|c| c.id).collect::<Vec<_>>() })),
        )
        .await?;
        Ok(list)
    }

    /// Office `office_id`'s claimants for which `condition` (`ssn_index =`,
    /// `LOWER(full_name) LIKE`) holds with each of `values`, in `order`, at most `limit`.
    async fn claimant_rows_where(
        &self,
        office_id: i64,
        condition: &str,
        values: &[String],
        order: &str,
        limit: i64,
    ) -> Result<Vec<AnyRow>> {
        let mut sql = format!("SELECT {CLAIMANT_COLUMNS} FROM claimants WHERE office_id = $1");
        for i in 0..values.len() {
            sql.push_str(&format!(" AND {condition} ${}", i + 2));
        }
        sql.push_str(&format!(" ORDER BY {order} LIMIT ${}", values.len() + 2));
        let mut q = sqlx::query(&sql).bind(office_id);
        for v in values {
            q = q.bind(v.clone());
        }
        Ok(q.bind(limit).fetch_all(self.pool()).await?)
    }

    /// How many claimants each office has (for the admin and the demo loader; no personal data).
    pub async fn claimant_count(&self, office_id: i64) -> Result<i64> {
        self.scalar_by(
            "SELECT COUNT(*) FROM claimants WHERE office_id = $1",
            office_id,
        )
        .await
    }
}
