//! The home page is the person's day: their work due soonest, unread notifications, documents
//! of their office waiting to be profiled; then who they are and their office.

use super::work::{row, Row};
use super::{render, when, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::response::Response;
use worktrack_domain::permit;
use worktrack_domain::Scope;
use worktrack_store::{Notification, Office, QueueQuery, QueueView};

/// Items of one's own work shown on the home page.
pub const MY_WORK: i64 = 5;
/// Unread notifications shown on the home page.
pub const MY_NOTIFICATIONS: usize = 5;

/// The counts beside *Notifications* and *Profiling* in the navigation.
#[derive(Default, Clone, Copy)]
pub struct DayCounts {
    pub unread: Option<i64>,
    pub to_profile: Option<i64>,
}

/// Unread notifications of `who` and documents waiting to be profiled in their office (for
/// roles that work with individual items; nothing for the others).
pub async fn day_counts(state: &AppState, who: &SignedIn) -> Result<DayCounts, PageError> {
    if who.viewer.scope == Scope::Nothing {
        return Ok(DayCounts::default());
    }
    let unread = match who.viewer.actor.user_id {
        Some(id) => Some(state.store.unread_notifications(id).await?),
        None => None,
    };
    let to_profile = match who.user.office_id {
        Some(o) if who.viewer.scope.permits(o) => Some(state.store.documents_to_profile(o).await?),
        _ => None,
    };
    Ok(DayCounts { unread, to_profile })
}

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
    /// Whether the role works with individual items (the "your day" part is shown).
    pub works: bool,
    /// The person's open work, due soonest first.
    pub my_work: Vec<Row>,
    /// Open items assigned to them in all (the list shows the first few).
    pub my_open: i64,
    pub unread: Vec<(String, Notification)>,
    pub unread_count: i64,
    pub to_profile: Option<i64>,
    /// Whether they serve appointments (the "your appointments" card is shown).
    pub serves: bool,
    /// Their appointments today and the days after (people who serve them).
    pub my_appointments: Vec<super::appointments::MyAppointment>,
}

pub async fn home(PageRequest { state, who, csrf }: PageRequest) -> Result<Response, PageError> {
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
    let area_offices = if permit::has_area_view(who.role()) {
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
    let works = who.viewer.scope != Scope::Nothing;
    let counts = day_counts(&state, &who).await?;
    let mut my_work = Vec::new();
    let mut my_open = 0;
    if let (Some(o), true) = (&office, works) {
        if permit::has_own_queue(who.role(), &who.viewer.scope, o.id) {
            let today = o.today();
            let query = QueueQuery {
                office_id: o.id,
                view: QueueView::Mine,
                workload: None,
                assignee_id: None,
                age: None,
                after: None,
                limit: MY_WORK,
                today,
            };
            let page = store.queue(&who.viewer, &query).await?;
            let calendar = store.office_calendar_cached(o).await?;
            let rules = store.workload_rules_cached(o.id).await?;
            let all = store.queue_counts(&who.viewer, o, &calendar, today).await?;
            my_open = all.mine;
            my_work = page
                .items
                .into_iter()
                .map(|i| row(i, &calendar, today, &rules))
                .collect();
        }
    }
    let unread = match (who.viewer.actor.user_id, works) {
        (Some(uid), true) => store
            .notifications(uid, 50)
            .await?
            .into_iter()
            .filter(|n| !n.read)
            .take(MY_NOTIFICATIONS)
            .map(|n| (when(n.created_at, who.zone), n))
            .collect(),
        _ => Vec::new(),
    };
    let my_appointments = match (&office, works) {
        (Some(o), true) => super::appointments::my_appointments(&state, &who, o).await?,
        _ => Vec::new(),
    };
    render(&HomePage {
        my_appointments,
        serves: worktrack_domain::schedule::has_schedule(who.role()),
        chrome: Chrome::for_user(&who, "Home", csrf, "/").with_day_counts(&counts),
        works,
        my_work,
        my_open,
        unread,
        unread_count: counts.unread.unwrap_or(0),
        to_profile: counts.to_profile,
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
