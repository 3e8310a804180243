//! The signed-in person's notifications.

use crate::auth::PageRequest;
use crate::error::PageError;
use crate::pages::home::day_counts;
use crate::pages::{render, when, Chrome};
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<(String, worktrack_store::Notification)>,
}

pub async fn notifications(
    PageRequest { state, who, csrf }: PageRequest,
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
    render(&page)
}

pub async fn notifications_read(
    PageRequest { state, who, .. }: PageRequest,
) -> Result<Response, PageError> {
    let uid = who.viewer.actor.user_id.ok_or_else(PageError::not_found)?;
    state.store.mark_notifications_read(uid).await?;
    Ok(Redirect::to("/notifications").into_response())
}
