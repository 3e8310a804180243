//! Field offices.

use crate::audit::Event;
use crate::db::{now_ms, Store};
use crate::error::{Result, StoreError};
use crate::Actor;
use serde::Serialize;
use worktrack_domain::{AreaName, OfficeCode, PersonName, TimeZone};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Office {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub area: String,
    pub time_zone: String,
    /// Observes Inauguration Day as a holiday.
    pub dc_area: bool,
    /// Accepts only never-issued SSNs (900–999 area): for demo, training and tests.
    pub training: bool,
    pub headcount: i64,
    /// Paper must be uploaded within this many business days of its arrival.
    pub upload_within_days: i64,
    /// Profiles may be accepted without a person once the classifier's measured precision
    /// on this office's confirmed documents reaches the target.
    pub auto_accept: bool,
    /// How new work is handed out: `manual`, `round_robin` or `least_loaded`.
    pub assignment_rule: String,
    /// An employee may not hand back work they took; only a manager moves it.
    pub keep_what_you_take: bool,
    pub created_at: i64,
}

/// A new office: its code, which never changes, and its settings.
pub struct NewOffice {
    pub code: OfficeCode,
    pub settings: OfficeSettings,
}

/// What an administrator sets on an office, when creating it and after.
pub struct OfficeSettings {
    pub name: PersonName,
    pub area: AreaName,
    pub time_zone: TimeZone,
    pub dc_area: bool,
    pub training: bool,
    pub headcount: i64,
    pub upload_within_days: i64,
}

impl OfficeSettings {
    /// Refuses a headcount or an upload policy out of range.
    fn check(&self) -> Result<()> {
        if !(0..=100_000).contains(&self.headcount) {
            return Err(StoreError::Invalid(
                "headcount must be between 0 and 100000".into(),
            ));
        }
        if !(0..=30).contains(&self.upload_within_days) {
            return Err(StoreError::Invalid(
                "the upload policy must be between 0 and 30 business days".into(),
            ));
        }
        Ok(())
    }

    /// Binds the settings to a statement's next seven placeholders, in the order of the
    /// fields: name, area, time_zone, dc_area, training, headcount, upload_within_days.
    fn bind<'q>(&'q self, q: OfficeQuery<'q>) -> OfficeQuery<'q> {
        q.bind(self.name.as_str())
            .bind(self.area.as_str())
            .bind(self.time_zone.as_str())
            .bind(i64::from(self.dc_area))
            .bind(i64::from(self.training))
            .bind(self.headcount)
            .bind(self.upload_within_days)
    }
}

/// A statement that answers an office row.
type OfficeQuery<'q> = sqlx::query::QueryAs<'q, sqlx::Any, Office, sqlx::any::AnyArguments<'q>>;

impl Office {
    /// The office-local date now.
    pub fn today(&self) -> time::Date {
        TimeZone::parse(&self.time_zone)
            .map(|tz| tz.local_date(now_ms()))
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc().date())
    }
}

from_row!(Office {
    id, code, name, area, time_zone, headcount, upload_within_days, assignment_rule, created_at,
} flags { dc_area, training, auto_accept, keep_what_you_take });

impl Store {
    pub async fn create_office(&self, actor: &Actor, new: &NewOffice) -> Result<Office> {
        new.settings.check()?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let insert = sqlx::query_as(
            "INSERT INTO offices (code, name, area, time_zone, dc_area, training, headcount, \
             upload_within_days, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
        )
        .bind(new.code.as_str());
        let office: Office = new
            .settings
            .bind(insert)
            .bind(now_ms())
            .fetch_one(&mut *tx.tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, &format!("office {} already exists", new.code))
            })?;
        self.commit_office_change(tx, actor, "office.create", office)
            .await
    }

    pub async fn update_office(
        &self,
        actor: &Actor,
        code: &str,
        settings: &OfficeSettings,
    ) -> Result<Office> {
        settings.check()?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let update = sqlx::query_as(
            "UPDATE offices SET name = $1, area = $2, time_zone = $3, dc_area = $4, training = $5, \
             headcount = $6, upload_within_days = $7 WHERE code = $8 RETURNING *",
        );
        let office: Office = settings
            .bind(update)
            .bind(code)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.commit_office_change(tx, actor, "office.update", office)
            .await
    }

    /// Audits a created or changed office (with all its settings) and commits.
    async fn commit_office_change(
        &self,
        tx: crate::db::WriteTx,
        actor: &Actor,
        action: &str,
        office: Office,
    ) -> Result<Office> {
        tx.commit_audited(
            actor,
            Event::new(action, "office", &office.code, Some(office.id))
                .detail(serde_json::to_value(&office).unwrap_or_default()),
        )
        .await?;
        Ok(office)
    }

    pub async fn offices(&self) -> Result<Vec<Office>> {
        Ok(sqlx::query_as("SELECT * FROM offices ORDER BY code")
            .fetch_all(self.pool())
            .await?)
    }

    /// The offices with these ids, by code.
    pub async fn office_by_code(&self, code: &str) -> Result<Office> {
        sqlx::query_as("SELECT * FROM offices WHERE code = $1")
            .bind(code.to_ascii_uppercase())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn office_by_id(&self, id: i64) -> Result<Office> {
        sqlx::query_as("SELECT * FROM offices WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The ids of the offices in the same area as office `office_id` (itself included).
    pub async fn area_office_ids(&self, office_id: i64) -> Result<Vec<i64>> {
        self.values_by(
            "SELECT id FROM offices WHERE area = (SELECT area FROM offices WHERE id = $1) ORDER BY id",
            office_id,
        )
        .await
    }
}
