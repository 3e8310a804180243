//! The audit log, for auditors and administrators: newest first, in pages.

use super::{render, require, when, Chrome};
use crate::auth::{Csrf, PageUser};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use worktrack_domain::Role;
use worktrack_store::{AuditEvent, AuditRow};

const PAGE_SIZE: i64 = 100;

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    pub rows: Vec<(AuditRow, String)>,
    pub older: Option<i64>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(
        matches!(who.role(), Role::Auditor | Role::Admin),
        "reading the audit log",
    )?;
    let rows = state.store.audit_rows(q.before, PAGE_SIZE).await?;
    // Reading the log is itself recorded: it names who did what to whom.
    state
        .store
        .audit(
            &who.viewer.actor,
            AuditEvent {
                action: "audit.view",
                target_type: "audit_log",
                target_id: q
                    .before
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "latest".into()),
                office_id: None,
                detail: serde_json::json!({ "rows": rows.len() }),
            },
        )
        .await?;
    let older = (rows.len() as i64 == PAGE_SIZE).then(|| rows[rows.len() - 1].seq);
    let rows = rows
        .into_iter()
        .map(|r| {
            let at = when(r.at, who.zone);
            (r, at)
        })
        .collect();
    Ok(render(&AuditPage {
        chrome: Chrome::for_user(&who, "Audit log", csrf, "/audit"),
        rows,
        older,
    })?
    .into_response())
}
