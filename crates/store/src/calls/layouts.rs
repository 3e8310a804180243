//! The column mappings an office keeps for its phone system's own CSV exports, saved by name
//! so that each import names one instead of describing the columns again.

use super::Store;
use crate::audit::Event;
use crate::call_files::CsvLayout;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::Viewer;
use serde_json::json;
use worktrack_domain::calls::access;

/// The longest name of a saved layout.
pub const MAX_LAYOUT_NAME: usize = 60;

impl Store {
    async fn check_layout_access(&self, viewer: &Viewer, office: &Office) -> Result<()> {
        let allowed = access::may_import_calls(viewer.role, &viewer.scope, office.id);
        self.check_calls_access(
            viewer,
            office,
            allowed,
            "only those who import the office's call records see and save its CSV layouts",
        )
        .await
    }

    /// The office's saved CSV layouts, by name.
    pub async fn call_layouts(
        &self,
        viewer: &Viewer,
        office: &Office,
    ) -> Result<Vec<(String, CsvLayout)>> {
        self.check_layout_access(viewer, office).await?;
        let rows: Vec<(String, String)> = self
            .rows_by(
                "SELECT name, layout FROM call_layouts WHERE office_id = $1 ORDER BY name",
                office.id,
            )
            .await?;
        rows.into_iter()
            .map(|(name, text)| {
                serde_json::from_str(&text)
                    .map(|layout| (name, layout))
                    .map_err(|_| StoreError::Model("a saved CSV layout cannot be read"))
            })
            .collect()
    }

    /// The layout saved as `name`; an invalid request when there is none.
    pub async fn call_layout(
        &self,
        viewer: &Viewer,
        office: &Office,
        name: &str,
    ) -> Result<CsvLayout> {
        self.call_layouts(viewer, office)
            .await?
            .into_iter()
            .find(|(n, _)| n == name.trim())
            .map(|(_, layout)| layout)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "layout: {} has no saved CSV layout named \"{}\"",
                    office.code,
                    name.trim()
                        .chars()
                        .take(MAX_LAYOUT_NAME)
                        .collect::<String>()
                ))
            })
    }

    /// Saves `layout` as `name` (replacing one of that name) for the office's next imports.
    pub async fn save_call_layout(
        &self,
        viewer: &Viewer,
        office: &Office,
        name: &str,
        layout: &CsvLayout,
    ) -> Result<()> {
        self.check_layout_access(viewer, office).await?;
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_LAYOUT_NAME
            || name.contains(char::is_control)
        {
            return Err(StoreError::Invalid(format!(
                "name: give the layout a name of 1 to {MAX_LAYOUT_NAME} characters"
            )));
        }
        layout.validate().map_err(StoreError::Invalid)?;
        let text = serde_json::to_string(layout)
            .map_err(|_| StoreError::Model("a CSV layout cannot be written"))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO call_layouts (office_id, name, layout, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id, name) DO UPDATE SET \
             layout = excluded.layout, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(office.id)
        .bind(name)
        .bind(&text)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("calls.layout", "office", &office.code, Some(office.id))
                .detail(json!({ "name": name })),
        )
        .await
    }
}
