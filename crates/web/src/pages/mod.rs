//! Server-rendered pages: one template struct per page, all sharing [`Chrome`] (title,
//! navigation for the user's role, the CSRF token for forms, a notice or an error).

pub mod appointments;
pub mod audit;
pub mod calls;
pub mod claimants;
pub mod documents;
pub mod home;
pub mod jobs;
pub mod login;
pub mod national;
pub mod offices;
pub mod profiling;
pub mod schedules;
pub mod tokens;
pub mod users;
pub mod work;

use crate::auth::{MaybeUser, SignedIn};
use crate::error::PageError;
use crate::flash::Flash;
use crate::routes::{get, post, Table};
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use worktrack_domain::permit;
use worktrack_domain::{Scope, TimeZone};

pub fn routes() -> Table {
    Table::new()
        .route("/", get(home::home))
        .route("/login", get(login::login_page).post(login::login_submit))
        .route("/offices", get(offices::list).post(offices::create))
        .route("/offices/{code}", get(offices::show).post(offices::update))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{username}", get(users::show).post(users::update))
        .route("/users/{username}/password", post(users::reset_password))
        .route("/users/{username}/unlock", post(users::unlock))
        .route("/users/{username}/email", post(users::set_email))
        .route("/claimants", get(claimants::list).post(claimants::create))
        .route("/claimants/search", post(claimants::search))
        .route("/claimants/{id}", get(claimants::show))
        .route("/claimants/{id}/reveal", post(claimants::reveal))
        .route("/claimants/{id}/email", post(claimants::set_email))
        .route("/upload", get(documents::upload_page))
        .route("/documents", get(documents::list))
        .route("/documents/{id}", get(documents::show))
        .route("/documents/{id}/content", get(documents::content))
        .route("/documents/{id}/custody", post(documents::custody))
        .route("/documents/{id}/images/{name}", get(documents::page_image))
        .route("/offices/{code}/paper", get(documents::paper_log))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/audit", get(audit::list))
        .route("/profiling", get(profiling::queue))
        .route("/profiling/batch", post(profiling::batch))
        .route("/profiling/auto-accept", post(profiling::switch_auto))
        .route(
            "/profiling/documents/{id}",
            get(profiling::show).post(profiling::confirm),
        )
        .route("/catalogue", get(profiling::catalogue))
        .route("/catalogue/codes", post(profiling::save_code))
        .route("/catalogue/types", post(profiling::save_type))
        .route("/work", get(work::queue))
        .route("/work.csv", get(work::queue_csv))
        .route("/work/next", post(work::next))
        .route("/work/assign", post(work::bulk_assign))
        .route("/work/views", post(work::save_view))
        .route("/work/views/{id}/delete", post(work::delete_view))
        .route("/work/new", get(work::new_form).post(work::create))
        .route("/work/{id}", get(work::show).post(work::act))
        .route("/search", get(work::search).post(work::search_post))
        .route("/notifications", get(work::notifications))
        .route("/notifications/read", post(work::notifications_read))
        .route("/dashboard", get(work::dashboard))
        .route(
            "/dashboard/settings",
            get(work::settings_page).post(work::settings),
        )
        .route("/dashboard/policy", post(work::policy))
        .route("/dashboard/leave", post(work::add_leave))
        .route("/area", get(work::area))
        .route("/jobs", get(jobs::list))
        .route("/jobs/{id}/retry", post(jobs::retry))
        .route("/national", get(national::national))
        .route("/national/area", get(national::area))
        .merge(appointments::routes())
        .merge(schedules::routes())
        .merge(calls::routes())
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
    /// A count shown beside the label (unread notifications, documents to profile).
    pub count: Option<i64>,
}

pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
}

/// What every page shows around its content.
pub struct Chrome {
    pub title: String,
    pub user: Option<NavUser>,
    pub nav: Vec<NavLink>,
    pub csrf: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl Chrome {
    /// A page without a signed-in user.
    pub fn bare(title: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            notice: None,
            error: None,
        }
    }

    pub fn anonymous(title: &str, csrf: String) -> Chrome {
        Chrome {
            csrf,
            ..Chrome::bare(title)
        }
    }

    /// A page for `who`; `current` is the navigation entry to mark as the current page.
    pub fn for_user(who: &SignedIn, title: &str, csrf: String, current: &str) -> Chrome {
        let role = who.role();
        let mut links: Vec<(&'static str, &'static str)> = vec![("/", "Home")];
        if who.viewer.scope != Scope::Nothing {
            if role.may_write_business_data() {
                links.push(("/upload", "Upload"));
            }
            links.push(("/work", "Work"));
            links.push(("/search", "Search"));
            links.push(("/documents", "Documents"));
            links.push(("/profiling", "Profiling"));
            links.push(("/dashboard", "Dashboard"));
            if permit::has_area_view(role) {
                links.push(("/area", "Area"));
            }
            links.push(("/claimants", "Claimants"));
            if worktrack_domain::appointments::may_view(role) {
                links.push(("/appointments", "Appointments"));
            }
            links.push(("/calls", "Phone"));
            if worktrack_domain::schedule::has_schedule(role)
                || worktrack_domain::appointment_measures::may_oversee(role)
            {
                links.push(("/schedules", "Schedules"));
            }
        }
        if permit::works_from_national_figures(role) {
            links.push(("/national", "National figures"));
        }
        if who.viewer.scope == Scope::Nothing {
            // Analysts and administrators compare every office's phone figures.
            links.push(("/calls", "Phone"));
        }
        links.push(("/offices", "Offices"));
        if permit::may_manage_users(role) {
            links.push(("/users", "Users"));
        }
        if permit::may_edit_catalogue(role) {
            links.push(("/catalogue", "Catalogue"));
        }
        if permit::may_manage_jobs(role) {
            links.push(("/jobs", "Jobs"));
        }
        if permit::may_read_audit_log(role) {
            links.push(("/audit", "Audit log"));
        }
        if who.viewer.scope != Scope::Nothing {
            links.push(("/notifications", "Notifications"));
        }
        links.push(("/tokens", "API tokens"));
        Chrome {
            title: title.to_string(),
            user: Some(NavUser {
                display_name: who.user.display_name.clone(),
                role_label: role.label(),
            }),
            nav: links
                .into_iter()
                .map(|(href, label)| NavLink {
                    href,
                    label,
                    current: href == current,
                    count: None,
                })
                .collect(),
            csrf,
            notice: match &who.flash {
                Some(Flash::Notice(m)) => Some(m.clone()),
                _ => None,
            },
            error: match &who.flash {
                Some(Flash::Error(m)) => Some(m.clone()),
                _ => None,
            },
        }
    }

    /// Puts `count` beside the navigation entry `href` (when it is there and the count is
    /// above zero).
    pub fn with_count(mut self, href: &str, count: Option<i64>) -> Chrome {
        if let Some(link) = self.nav.iter_mut().find(|l| l.href == href) {
            link.count = count.filter(|n| *n > 0);
        }
        self
    }

    /// The counts of the person's day beside *Notifications* and *Profiling*.
    pub fn with_day_counts(self, counts: &home::DayCounts) -> Chrome {
        self.with_count("/notifications", counts.unread)
            .with_count("/profiling", counts.to_profile)
    }

    /// An error of the page's own (a form sent back); one left by a redirect stays when there
    /// is none.
    pub fn with_error(mut self, error: Option<String>) -> Chrome {
        if error.is_some() {
            self.error = error;
        }
        self
    }

    /// A notice of the page's own; a message left by the redirect that led here stays when
    /// there is none.
    pub fn with_notice(mut self, notice: Option<String>) -> Chrome {
        if notice.is_some() {
            self.notice = notice;
        }
        self
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub chrome: Chrome,
    pub message: &'a str,
}

/// Renders a page (200 OK), or the error page if rendering fails.
pub fn render(t: &impl Template) -> Result<Response, PageError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders with a status other than 200 (a form sent back with an error).
pub fn render_status(status: axum::http::StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn not_found(MaybeUser(_): MaybeUser) -> PageError {
    PageError::not_found()
}

/// Formats Unix milliseconds as a time on the clock of `zone` (an office's), naming the zone
/// (`2026-12-07 09:15 EST`); without a zone, in UTC.
pub fn when(ms: i64, zone: Option<TimeZone>) -> String {
    let (t, name) = match zone {
        Some(z) => (z.local_time(ms), z.abbreviation(ms)),
        None => {
            let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            else {
                return String::new();
            };
            (time::PrimitiveDateTime::new(t.date(), t.time()), "UTC")
        }
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {name}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The code of the office `office_id` names among `offices`, if any.
pub fn office_code(office_id: Option<i64>, offices: &[worktrack_store::Office]) -> Option<String> {
    office_id
        .and_then(|id| offices.iter().find(|o| o.id == id))
        .map(|o| o.code.clone())
}

/// The time zone of `office`, for [`when`].
pub fn zone_of(office: &worktrack_store::Office) -> Option<TimeZone> {
    TimeZone::parse(&office.time_zone).ok()
}

/// The offices `who`'s scope permits, in the store's order.
pub(crate) async fn offices_in_scope(
    state: &AppState,
    who: &SignedIn,
) -> Result<Vec<worktrack_store::Office>, PageError> {
    Ok(state
        .store
        .offices()
        .await?
        .into_iter()
        .filter(|o| who.viewer.scope.permits(o.id))
        .collect())
}

/// Refuses unless `allowed`.
pub fn require(allowed: bool, what: &str) -> Result<(), PageError> {
    if allowed {
        Ok(())
    } else {
        Err(PageError::forbidden(format!(
            "Your role does not allow {what}."
        )))
    }
}

/// Records an auditor's view of a list of people's work (`<what>.list_view`, with the filters
/// it was opened with): the rule is `Role::list_views_audited`. Filters never hold an SSN (an
/// SSN search is audited by the store as `claimant.search_ssn`).
pub(crate) async fn audit_list_query(
    state: &AppState,
    who: &SignedIn,
    what: &str,
    raw: Option<&str>,
) -> Result<(), worktrack_store::StoreError> {
    audit_list_view(state, who, what, None, work::list_filters(raw)).await
}

/// Records that `who` opened a list (see [`audit_list_query`]), with `filters` as given.
pub(crate) async fn audit_list_view(
    state: &AppState,
    who: &SignedIn,
    what: &str,
    office_id: Option<i64>,
    filters: serde_json::Value,
) -> Result<(), worktrack_store::StoreError> {
    if !who.role().list_views_audited() {
        return Ok(());
    }
    let action = format!("{what}.list_view");
    state
        .store
        .audit(
            &who.viewer.actor,
            worktrack_store::AuditEvent {
                action: &action,
                target_type: "list",
                target_id: what.to_string(),
                office_id,
                detail: filters,
            },
        )
        .await
        .map(drop)
}
