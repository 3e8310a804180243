//! Work: the office's queues (my work, unassigned, due today, overdue, by workload or person,
//! by age) with bulk assignment, "get next work", saved views and CSV export; one item's page
//! with its moves and history; search; notifications; the manager's dashboard with its
//! settings; and the area director's side-by-side view.

mod area;
pub(crate) mod charts;
mod dashboard;
mod item;
mod notifications;
mod queue;
mod search;
mod settings;

pub use area::*;
pub use dashboard::*;
pub use item::*;
pub use notifications::*;
pub use queue::*;
pub use search::*;
pub use settings::*;

use crate::auth::SignedIn;
use crate::error::PageError;
use crate::state::AppState;
use time::Date;
use worktrack_domain::work::{escalation, time_to_due_phrase, Escalation};
use worktrack_domain::{Calendar, Scope};
use worktrack_store::{Office, StoreError, User, WorkItem, WorkloadRule};

/// The offices `who` may work in (their scope), and the one chosen by `code` (default: their own).
pub async fn working_office(
    state: &AppState,
    who: &SignedIn,
    code: &str,
) -> Result<(Office, Vec<Office>), PageError> {
    if who.viewer.scope == Scope::Nothing {
        return Err(PageError::forbidden(
            "Your role sees no individual work items; see the office pages for figures.",
        ));
    }
    let offices: Vec<Office> = match &who.viewer.scope {
        Scope::Offices(ids) => {
            let mut mine = Vec::with_capacity(ids.len());
            for id in ids {
                match state.store.office_cached(*id).await {
                    Ok(o) => mine.push((*o).clone()),
                    Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            mine.sort_by(|a, b| a.code.cmp(&b.code));
            mine
        }
        _ => state.store.offices_cached().await?.to_vec(),
    };
    let office = chosen_office(&offices, who, code)
        .cloned()
        .ok_or_else(PageError::not_found)?;
    Ok((office, offices))
}

/// The office `code` names among `offices` (in any case); without a code, `who`'s own office,
/// or else the first.
pub fn chosen_office<'a>(offices: &'a [Office], who: &SignedIn, code: &str) -> Option<&'a Office> {
    if code.is_empty() {
        who.viewer
            .office_id
            .and_then(|id| offices.iter().find(|o| o.id == id))
            .or_else(|| offices.first())
    } else {
        offices.iter().find(|o| o.code.eq_ignore_ascii_case(code))
    }
}

/// The active members of an office who hold work: whom its items can be given to.
async fn work_holders(state: &AppState, office_id: i64) -> Result<Vec<User>, PageError> {
    Ok(state
        .store
        .users(Some(office_id))
        .await?
        .into_iter()
        .filter(|u| u.active && worktrack_domain::permit::may_hold_work(u.role))
        .collect())
}

/// An item as a row shows it: with its escalation and time to due.
pub struct Row {
    pub item: WorkItem,
    pub escalation: Escalation,
    pub time_to_due: String,
    pub workload_name: String,
}

pub fn row(item: WorkItem, calendar: &Calendar, today: Date, rules: &[WorkloadRule]) -> Row {
    let due = item.due_date().unwrap_or(today);
    let (escalation, time_to_due) = if item.status.is_open() {
        let e = escalation(calendar, item.status, due, today);
        let phrase = if e == Escalation::Paused {
            "clock paused".to_string()
        } else {
            time_to_due_phrase(calendar, due, today)
        };
        (e, phrase)
    } else {
        (Escalation::OnTrack, item.status.label().to_lowercase())
    };
    let workload_name = rules
        .iter()
        .find(|r| r.workload == item.workload)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| item.workload.clone());
    Row {
        item,
        escalation,
        time_to_due,
        workload_name,
    }
}

/// A query value: everything but letters, digits and `-_.` percent-encoded.
pub(crate) fn urlencode(s: &str) -> String {
    const VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    percent_encoding::utf8_percent_encode(s, VALUE).to_string()
}

pub(crate) fn parse_day(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok()
}

/// `m` with its first letter in capitals and a full stop, for a store message shown alone.
pub(crate) fn capitalise(m: &str) -> String {
    let mut c = m.chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn query_values_encode_all_but_letters_digits_and_three_marks() {
        assert_eq!(urlencode("earnings 2026"), "earnings%202026");
        assert_eq!(urlencode("a-b_c.d~e/f&g=ü"), "a-b_c.d%7Ee%2Ff%26g%3D%C3%BC");
    }
}
