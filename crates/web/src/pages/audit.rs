//! The audit log, for auditors and administrators: newest first, filtered by who, what, when
//! and object, in sentences, a page at a time (keyset: older and newer).

use super::{render, render_status, require, when, Chrome};
use crate::auth::PageRequest;
use crate::error::PageError;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use worktrack_domain::{permit, TimeZone};
use worktrack_store::{AuditFilter, AuditPage as Page, AuditRead, AuditRow, StoreError};

pub const PAGE_SIZE: i64 = 50;

/// The actions the filter offers: a family (all its actions) or one action, with words.
const ACTIONS: &[(&str, &str)] = &[
    ("access.denied", "Refused access"),
    ("audit.view", "Read the audit log"),
    ("claimant", "Claimants: all"),
    ("claimant.view", "Claimant viewed"),
    ("claimant.list", "Claimants listed"),
    ("claimant.create", "Claimant created"),
    ("claimant.ssn.reveal", "SSN revealed"),
    ("claimant.search_ssn", "Claimants searched by SSN"),
    ("document", "Documents: all"),
    ("document.view", "Document viewed"),
    ("work_item", "Work items: all"),
    ("work_item.view", "Work item viewed"),
    ("work_item.search", "Work searched"),
    ("login", "Signed in"),
    ("login.failed", "Sign-in failed"),
    ("logout", "Signed out"),
    ("user", "Users: all"),
    ("office", "Offices: all"),
    ("token", "API tokens: all"),
    ("catalogue", "Catalogue: all"),
];

/// The kinds of object the filter offers.
const OBJECTS: &[(&str, &str)] = &[
    ("claimant", "Claimant"),
    ("document", "Document"),
    ("work_item", "Work item"),
    ("user", "User"),
    ("office", "Office"),
    ("api_token", "API token"),
    ("audit_log", "Audit log"),
    ("job", "Job"),
];

/// What an action did, as the verb of a sentence whose subject is the actor and whose object
/// is the target.
fn verb(action: &str) -> Option<&'static str> {
    Some(match action {
        "access.denied" => "was refused",
        "audit.view" => "read",
        "claimant.view" | "document.view" | "work_item.view" => "viewed",
        "document.profile_view" => "opened the profile of",
        "claimant.list" => "listed the claimants of",
        "claimant.create" | "work_item.create" | "document.create" | "user.create"
        | "office.create" | "token.create" | "leave.create" | "closure.create" => "created",
        "claimant.ssn.reveal" => "revealed the SSN of",
        "claimant.search_ssn" => "searched by SSN in",
        "work_item.search" => "searched the work of",
        "work_item.move" => "moved",
        "work_item.take" => "took",
        "work_item.transfer" => "transferred",
        "document.custody" => "recorded custody of",
        "user.update" | "office.update" => "changed",
        "user.password_reset" => "reset the password of",
        "user.email" => "set the e-mail address of",
        "token.revoke" => "revoked",
        "login" => "signed in as",
        "logout" => "signed out as",
        "login.failed" => "failed to sign in as",
        "login.throttled" => "was refused sign-in (too many attempts) as",
        "job.retry" => "ran again",
        "digest.sent" => "sent the daily digest to",
        "deadline_policy.set" => "set a deadline policy of",
        "office.assignment_rule" => "set the assignment rule of",
        "office.auto_accept" => "switched automatic profiling of",
        "catalogue.profile_code" | "catalogue.document_type" => "saved",
        _ => return None,
    })
}

fn object(target_type: &str, target_id: &str) -> String {
    match target_type {
        "audit_log" => "the audit log".into(),
        "api_token" => format!("API token {target_id}"),
        "work_item" => format!("work item {target_id}"),
        "profile_code" => format!("profile code {target_id}"),
        "document_type" => format!("document type {target_id}"),
        t => format!("{} {target_id}", t.replace('_', " ")),
    }
}

/// One audit row in words: "manager.a viewed claimant 12".
pub fn sentence(r: &AuditRow) -> String {
    let object = object(&r.target_type, &r.target_id);
    match verb(&r.action) {
        Some(v) => format!("{} {v} {object}", r.actor),
        None => format!("{} — {} — {object}", r.actor, r.action),
    }
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub who: String,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub object: String,
    #[serde(default)]
    pub id: String,
    #[serde(skip_serializing)]
    pub before: Option<i64>,
    #[serde(skip_serializing)]
    pub after: Option<i64>,
}

pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub sentence: String,
    pub action: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    pub q: AuditQuery,
    pub entries: Vec<Entry>,
    pub older: Option<String>,
    pub newer: Option<String>,
    pub actions: &'static [(&'static str, &'static str)],
    pub objects: &'static [(&'static str, &'static str)],
    pub from_error: Option<String>,
    pub to_error: Option<String>,
    pub filtered: bool,
}

/// The first instant of `day` on the clock of `zone` (UTC without one), in Unix milliseconds.
fn start_of_day(day: time::Date, zone: Option<TimeZone>) -> i64 {
    let midnight_utc = day.midnight().assume_utc().unix_timestamp() * 1000;
    let Some(z) = zone else {
        return midnight_utc;
    };
    // The zone's offset at that instant, then once more at the corrected one (a change of
    // daylight-saving time happens at 02:00, never across midnight).
    let offset = |ms: i64| z.local_time(ms).assume_utc().unix_timestamp() * 1000 - ms;
    let guess = midnight_utc - offset(midnight_utc);
    midnight_utc - offset(guess)
}

fn parse_day(s: &str, field: &str) -> Result<Option<time::Date>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &format)
        .map(Some)
        .map_err(|_| format!("{field}: enter a date as YYYY-MM-DD, e.g. 2026-03-02"))
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn list(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(
        permit::may_read_audit_log(who.role()),
        "reading the audit log",
    )?;
    let from = parse_day(&q.from, "From");
    let to = parse_day(&q.to, "To");
    let (from_error, to_error) = match (&from, &to) {
        (Err(e), _) => (Some(e.clone()), to.as_ref().err().cloned()),
        (_, Err(e)) => (None, Some(e.clone())),
        (Ok(Some(f)), Ok(Some(t))) if f > t => (
            None,
            Some("To: the last day must not be before the first".to_string()),
        ),
        _ => (None, None),
    };
    let chrome = Chrome::for_user(&who, "Audit log", csrf, "/audit");
    if from_error.is_some() || to_error.is_some() {
        let page = AuditPage {
            chrome: chrome.with_error(Some("Check the dates of the filter.".into())),
            q,
            entries: Vec::new(),
            older: None,
            newer: None,
            actions: ACTIONS,
            objects: OBJECTS,
            from_error,
            to_error,
            filtered: true,
        };
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let filter = AuditFilter {
        actor: some(&q.who),
        action: some(&q.what),
        from_ms: from.ok().flatten().map(|d| start_of_day(d, who.zone)),
        // Up to the end of the last day: the start of the next.
        to_ms: to
            .ok()
            .flatten()
            .and_then(|d| d.next_day())
            .map(|d| start_of_day(d, who.zone)),
        target_type: some(&q.object),
        target_id: some(&q.id),
    };
    let page = match (q.before, q.after) {
        (Some(b), _) => Page::Before(b),
        (None, Some(a)) => Page::After(a),
        _ => Page::Newest,
    };
    // Reading the log is itself recorded (by the store): it names who did what to whom.
    let read = AuditRead::Search {
        filter: filter.clone(),
        page,
        limit: PAGE_SIZE,
    };
    let rows = state.store.read_audit_log(&who.viewer, &read).await?;
    let base = serde_urlencoded::to_string(&q).unwrap_or_default();
    // A link to the rows `page` names, when the log holds one there.
    let link_to = async |page: Page, key: &str, seq: i64| -> Result<Option<String>, StoreError> {
        let any = !state.store.audit_search(&filter, page, 1).await?.is_empty();
        Ok(any.then(|| format!("/audit?{base}&{key}={seq}")))
    };
    let (older, newer) = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => (
            link_to(Page::Before(last.seq), "before", last.seq).await?,
            link_to(Page::After(first.seq), "after", first.seq).await?,
        ),
        _ => (None, None),
    };
    let entries = rows
        .iter()
        .map(|r| Entry {
            seq: r.seq,
            at: when(r.at, who.zone),
            sentence: sentence(r),
            action: r.action.clone(),
            detail: r.detail.clone(),
        })
        .collect();
    let filtered = filter.actor.is_some()
        || filter.action.is_some()
        || filter.from_ms.is_some()
        || filter.to_ms.is_some()
        || filter.target_type.is_some()
        || filter.target_id.is_some();
    render(&AuditPage {
        chrome,
        q,
        entries,
        older,
        newer,
        actions: ACTIONS,
        objects: OBJECTS,
        from_error: None,
        to_error: None,
        filtered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(actor: &str, action: &str, target_type: &str, target_id: &str) -> AuditRow {
        AuditRow {
            seq: 1,
            at: 0,
            actor_id: None,
            actor: actor.into(),
            action: action.into(),
            target_type: target_type.into(),
            target_id: target_id.into(),
            office_id: None,
            detail: "{}".into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn entries_read_as_sentences() {
        let cases = [
            (
                row("manager.a", "claimant.view", "claimant", "12"),
                "manager.a viewed claimant 12",
            ),
            (
                row("auditor", "audit.view", "audit_log", "latest"),
                "auditor read the audit log",
            ),
            (
                row("employee.a", "work_item.move", "work_item", "7"),
                "employee.a moved work item 7",
            ),
            (
                row("anonymous", "login.failed", "user", "bob"),
                "anonymous failed to sign in as user bob",
            ),
            (
                row("x", "something.new", "thing", "3"),
                "x — something.new — thing 3",
            ),
        ];
        for (r, expected) in cases {
            assert_eq!(sentence(&r), expected);
        }
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let day = time::macros::date!(2026 - 01 - 15);
        let ny = TimeZone::parse("America/New_York").ok();
        // 05:00 UTC is midnight EST.
        assert_eq!(start_of_day(day, ny), 1_768_453_200_000);
        assert_eq!(start_of_day(day, None), 1_768_435_200_000);
        let summer = time::macros::date!(2026 - 07 - 01);
        // 04:00 UTC is midnight EDT.
        assert_eq!(
            start_of_day(summer, ny),
            summer.midnight().assume_utc().unix_timestamp() * 1000 + 4 * 3_600_000
        );
    }
}
