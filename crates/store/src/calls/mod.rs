//! Phone service: importing the phone system's records (`import`), the figures and the
//! comparison of two periods read from the tallies kept as calls are stored (`figures`), and
//! the agents mapped to employees with their own figures (`agents`). The rules — what a call
//! adds to the figures, who may see what — are the domain's (`worktrack_domain::calls`).

mod agents;
mod figures;
mod import;
mod layouts;

pub use agents::{AgentFigure, AgentRow, ModeFigures};
pub use figures::{CallComparison, CallFigures, CallQuery, DayRate, Grouping, HourCounts};
pub use import::{CallImport, ImportOutcome};
pub use layouts::MAX_LAYOUT_NAME;

use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::{Store, Viewer};
use serde_json::json;
use worktrack_domain::calls::access;
use worktrack_domain::calls::metrics::{ServiceLevelFormula, Settings};
use worktrack_domain::TimeZone;

/// The service level's limit a new office starts with (answered within 60 seconds).
pub const DEFAULT_SERVICE_LEVEL_SECS: i64 = 60;

/// The office's settings for its phone figures.
pub(crate) fn formula_name(f: ServiceLevelFormula) -> &'static str {
    match f {
        ServiceLevelFormula::OverOffered => "over_offered",
        ServiceLevelFormula::OverAnsweredAndLateAbandons => "over_answered_and_late_abandons",
    }
}

/// The formula named `name` (`over_offered`, `over_answered_and_late_abandons`).
pub fn parse_formula(name: &str) -> Option<ServiceLevelFormula> {
    match name {
        "over_offered" => Some(ServiceLevelFormula::OverOffered),
        "over_answered_and_late_abandons" => Some(ServiceLevelFormula::OverAnsweredAndLateAbandons),
        _ => None,
    }
}

pub(crate) fn office_zone(office: &Office) -> Result<TimeZone> {
    TimeZone::parse(&office.time_zone)
        .map_err(|_| StoreError::Model("an office's time zone is not one WorkTrack knows"))
}

impl Store {
    /// Refuses `viewer` unless `allowed`: out of the viewer's offices it is "not found" (and
    /// the attempt audited, as for every office record); in scope, forbidden with `refused`.
    pub(crate) async fn check_calls_access(
        &self,
        viewer: &Viewer,
        office: &Office,
        allowed: bool,
        refused: &str,
    ) -> Result<()> {
        if allowed {
            return Ok(());
        }
        if !access::may_read_call_figures(viewer.role, &viewer.scope, office.id) {
            self.check_office_scope(viewer, office).await?;
        }
        Err(StoreError::Forbidden(refused.to_string()))
    }

    /// The office's settings for its phone figures (the defaults until a manager sets them).
    pub async fn call_settings(&self, office_id: i64) -> Result<Settings> {
        let row: Option<(i64, String, Option<i64>)> = self
            .row_by(
                "SELECT service_level_secs, formula, short_abandon_secs FROM call_settings WHERE office_id = $1",
                office_id,
            )
            .await?;
        let (secs, formula, short) =
            row.unwrap_or((DEFAULT_SERVICE_LEVEL_SECS, "over_offered".to_string(), None));
        let formula = parse_formula(&formula).ok_or(StoreError::Model(
            "a stored service-level formula is unknown",
        ))?;
        Settings::new(secs, formula, short)
            .map_err(|_| StoreError::Model("stored call settings are out of range"))
    }

    /// The office's settings, for those who read its figures.
    pub async fn office_call_settings(&self, viewer: &Viewer, office: &Office) -> Result<Settings> {
        self.check_figures_access(viewer, office).await?;
        self.call_settings(office.id).await
    }

    /// Sets the office's limits and formula. Changing the limits recounts the office's tallies
    /// from its calls, in the same transaction, so every figure follows the new limits at once.
    pub async fn set_call_settings(
        &self,
        viewer: &Viewer,
        office: &Office,
        settings: Settings,
    ) -> Result<()> {
        let allowed = access::may_import_calls(viewer.role, &viewer.scope, office.id);
        self.check_calls_access(
            viewer,
            office,
            allowed,
            "only the office's managers set its phone figures' limits",
        )
        .await?;
        let before = self.call_settings(office.id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO call_settings (office_id, service_level_secs, formula, short_abandon_secs, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office_id) DO UPDATE SET \
             service_level_secs = excluded.service_level_secs, formula = excluded.formula, \
             short_abandon_secs = excluded.short_abandon_secs, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(office.id)
        .bind(settings.service_level_secs())
        .bind(formula_name(settings.formula()))
        .bind(settings.short_abandon_secs())
        .bind(viewer.actor.user_id)
        .bind(crate::now_ms())
        .execute(&mut *tx.tx)
        .await?;
        let limits_changed = before.service_level_secs() != settings.service_level_secs()
            || before.short_abandon_secs() != settings.short_abandon_secs();
        if limits_changed {
            import::recount_tallies(&mut tx, office.id, &settings).await?;
        }
        tx.commit_audited(
            &viewer.actor,
            crate::audit::Event::new("calls.settings", "office", &office.code, Some(office.id))
                .detail(json!({
                    "service_level_secs": settings.service_level_secs(),
                    "formula": formula_name(settings.formula()),
                    "short_abandon_secs": settings.short_abandon_secs(),
                })),
        )
        .await
    }
}
