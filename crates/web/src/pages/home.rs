//! The home page: who you are, your office, and where to go from here.

use super::{render, Chrome};
use crate::auth::{Csrf, PageUser};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use worktrack_domain::Role;
use worktrack_store::Office;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub display_name: String,
    pub username: String,
    pub role_label: &'static str,
    pub office: Option<Office>,
    pub staff_count: Option<usize>,
    pub claimant_count: Option<i64>,
    pub area_offices: Vec<Office>,
    pub skills: Vec<String>,
    pub is_admin: bool,
}

pub async fn home(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    Csrf(csrf): Csrf,
) -> Result<Html<String>, PageError> {
    let store = &state.store;
    let office = match who.user.office_id {
        Some(id) => Some(store.office_by_id(id).await?),
        None => None,
    };
    let mut staff_count = None;
    let mut claimant_count = None;
    if let Some(o) = &office {
        if who.role().may_see_staff() {
            staff_count = Some(store.users(Some(o.id)).await?.len());
        }
        if who.viewer.scope.permits(o.id) {
            claimant_count = Some(store.claimant_count(o.id).await?);
        }
    }
    let area_offices = if who.role() == Role::AreaDirector {
        let ids = match &who.viewer.scope {
            worktrack_domain::Scope::Offices(ids) => ids.clone(),
            _ => Vec::new(),
        };
        store
            .offices()
            .await?
            .into_iter()
            .filter(|o| ids.contains(&o.id))
            .collect()
    } else {
        Vec::new()
    };
    render(&HomePage {
        chrome: Chrome::for_user(&who, "Home", csrf, "/"),
        display_name: who.user.display_name.clone(),
        username: who.user.username.clone(),
        role_label: who.role().label(),
        office,
        staff_count,
        claimant_count,
        area_offices,
        skills: who.user.skills.clone(),
        is_admin: who.role().is_admin(),
    })
}
