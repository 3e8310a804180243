//! The signed-in person's notifications.

use crate::auth::{Csrf, PageUser};
use crate::error::PageError;
use crate::pages::home::day_counts;
use crate::pages::{render, when, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<(String, worktrack_store::Notification)>,
}

pub async fn notifications(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    let items = state
        .store
        .notifications(uid, 100)
        .await?
        .into_iter()
        .map(|n| (when(n.created_at, who.zone), n))
        .collect();
    let page = NotificationsPage {
        chrome: Chrome::for_user(&who, "Notifications", csrf, "/notifications")
            .with_day_counts(&day_counts(&state, &who).await?),
        items,
    };
    Ok(render(&page)?.into_response())
}

pub async fn notifications_read(
    State(state): State<AppState>,
    PageUser(who): PageUser,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    state.store.mark_notifications_read(uid).await?;
    Ok(Redirect::to("/notifications").into_response())
}
