//! Who may do what: the authorisation rules that combine a role with how the person stands to
//! an office or a work item. Pure functions; the store enforces them (inside its transactions)
//! and the web pages ask the same functions what to offer, so no rule is written twice.
//!
//! Which offices' data a role reads at all is [`Scope::for_user`]; the moves of a work item are
//! [`may_move`]; what each role may do regardless of place is on [`Role`].

use crate::access::Scope;
use crate::role::Role;
use crate::work::{Action, Status};
use std::fmt;

/// Why a request is refused, with the message shown to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The person may not do this (HTTP 403).
    Forbidden(String),
    /// It cannot be done as asked: the item's state or the request's details (HTTP 422).
    Invalid(String),
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Refusal::Forbidden(m) | Refusal::Invalid(m) => m,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Refusal {}

/// Lets only roles that change business data ([`Role::may_write_business_data`]) through;
/// the others are refused as "the <role> role <`refused`>" (`refused`: "cannot create
/// claimants").
pub fn may_write_business_data(role: Role, refused: &str) -> Result<(), Refusal> {
    if role.may_write_business_data() {
        return Ok(());
    }
    Err(Refusal::Forbidden(format!(
        "the {} role {refused}",
        role.label().to_lowercase()
    )))
}

/// Manages the work of the offices in its scope: assigns, transfers, returns and moves anyone's
/// items, sets the assignment rule.
pub fn may_manage(role: Role) -> bool {
    matches!(role, Role::Manager | Role::AreaDirector)
}

/// Holds work items: may be given work and pulls "get next work".
pub fn may_hold_work(role: Role) -> bool {
    matches!(role, Role::Employee | Role::Manager)
}

/// Sets an office's deadlines and opens its work settings: managers and administrators.
pub fn may_set_deadlines(role: Role) -> bool {
    may_manage(role) || role.is_admin()
}

/// Records leave: anyone for themselves, managers for the staff of their scope.
pub fn may_record_leave(role: Role, for_self: bool) -> bool {
    may_manage(role) || for_self
}

/// Takes back a completion (within its minute, [`crate::work::may_undo_complete`]): whoever
/// completed the item, or a manager.
pub fn may_undo_completion(role: Role, completed_it: bool) -> bool {
    may_manage(role) || completed_it
}

/// Switches an office's automatic profiling: administrators for any office, managers for
/// their own (not an area director, not a manager of another office).
pub fn may_set_auto_accept(role: Role, is_own_office: bool) -> bool {
    role.is_admin() || (role == Role::Manager && is_own_office)
}

/// Sees every office's facts and staff, wherever they work: administrators and auditors.
pub fn sees_every_office(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Auditor)
}

/// Opens an office's page (its facts and, by role, its staff): administrators and auditors
/// every office, anyone else the offices of their scope.
pub fn may_open_office(role: Role, scope: &Scope, office_id: i64) -> bool {
    sees_every_office(role) || scope.permits(office_id)
}

/// Has a queue of their own ("my work") at an office: people who hold work, at an office of
/// their scope.
pub fn has_own_queue(role: Role, scope: &Scope, office_id: i64) -> bool {
    may_hold_work(role) && scope.permits(office_id)
}

/// Reads an office's paper log (what was received and uploaded each day): the office staff,
/// managers, area directors and auditors of the offices in their scope.
pub fn may_read_paper_log(role: Role, scope: &Scope, office_id: i64) -> bool {
    matches!(
        role,
        Role::Employee | Role::Manager | Role::AreaDirector | Role::Auditor
    ) && scope.permits(office_id)
}

/// Compares the offices of an area side by side: area directors.
pub fn has_area_view(role: Role) -> bool {
    role == Role::AreaDirector
}

/// Works from the national figures instead of an office's pages: analysts, who are sent there
/// from the office, dashboard and area pages.
pub fn works_from_national_figures(role: Role) -> bool {
    role == Role::Analyst
}

/// Creates, edits and disables user accounts: administrators.
pub fn may_manage_users(role: Role) -> bool {
    role.is_admin()
}

/// Creates and edits offices: administrators.
pub fn may_manage_offices(role: Role) -> bool {
    role.is_admin()
}

/// Sees and retries the background jobs: administrators.
pub fn may_manage_jobs(role: Role) -> bool {
    role.is_admin()
}

/// Changes the catalogue of document types: administrators.
pub fn may_edit_catalogue(role: Role) -> bool {
    role.is_admin()
}

/// Whether an administrator may save their own account with `new_role`, active or not: never
/// so as to lose the administrator role or be disabled, which could leave nobody to undo it.
pub fn may_save_own_account(new_role: Role, active: bool) -> bool {
    new_role.is_admin() && active
}

/// Reads the audit log (and every read of it is itself audited, by the store).
pub fn may_read_audit_log(role: Role) -> bool {
    matches!(role, Role::Auditor | Role::Admin)
}

/// A requested move of a work item, with the facts the rules depend on. The item is already
/// known to be in the person's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<'a> {
    pub role: Role,
    /// The person's user id (`None`: not signed in as a user).
    pub user_id: Option<i64>,
    /// The item's office keeps what you take: a taken item is not returned by its taker.
    pub keep_what_you_take: bool,
    pub item_id: i64,
    pub status: Status,
    pub office_id: i64,
    pub assignee_id: Option<i64>,
    /// The assignee's name, for the message when an item is assigned to its assignee again.
    pub assignee_name: &'a str,
    pub action: Action,
    /// Assign: to whom.
    pub assign_to: Option<i64>,
    /// Transfer: to which office.
    pub to_office_id: Option<i64>,
    /// The note, trimmed.
    pub note: &'a str,
}

/// A move that may happen: what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permitted {
    /// The item stays at its office and goes to `next`. `assignee`: `Some(Some(id))` gives it
    /// to `id` (assign, take), `Some(None)` returns it to the unassigned queue, `None` leaves
    /// its assignee.
    Here {
        next: Status,
        assignee: Option<Option<i64>>,
    },
    /// The item is closed as transferred and continues at office `to_office_id`.
    Transfer { to_office_id: i64 },
}

impl Permitted {
    /// The status the item is in afterwards.
    pub fn next(self) -> Status {
        match self {
            Permitted::Here { next, .. } => next,
            Permitted::Transfer { .. } => Status::Transferred,
        }
    }
}

/// The longest note a move takes, in characters.
pub const MOVE_NOTE_MAX: usize = 1000;

/// Whether `m` may happen, and what it does. The rules, in the order they are asked
/// (the first that fails is the refusal):
///
/// 1. only roles that write business data change work items;
/// 2. the item's state must allow the action ([`Status::apply`]);
/// 3. a note is at most [`MOVE_NOTE_MAX`] characters;
/// 4. by action: managers assign (to someone who is not already its assignee) and transfer
///    (to another office, saying why); a signed-in person takes; its owner or a manager
///    returns it, except that an owner who is no manager keeps what they take where the office
///    says so; its owner or a manager starts, waits (saying on whom), resumes and completes.
///
/// What needs the database (the assignee is an active, skilled member of the office; the
/// destination office exists) the store checks after this.
pub fn may_move(m: &Move<'_>) -> Result<Permitted, Refusal> {
    may_write_business_data(m.role, "cannot change work items")?;
    let next = m
        .status
        .apply(m.action)
        .map_err(|e| Refusal::Invalid(e.to_string()))?;
    if m.note.chars().count() > MOVE_NOTE_MAX {
        return Err(Refusal::Invalid(
            "the note is longer than 1000 characters".into(),
        ));
    }
    let owner = m.assignee_id.is_some() && m.assignee_id == m.user_id;
    let manager = may_manage(m.role);
    let owner_or_manager = || {
        if owner || manager {
            Ok(())
        } else {
            Err(Refusal::Forbidden(
                "only the item's owner or a manager does that".into(),
            ))
        }
    };
    let assignee = match m.action {
        Action::Assign => {
            let Some(to) = m.assign_to else {
                return Err(Refusal::Invalid("choose whom to assign it to".into()));
            };
            if !manager {
                return Err(Refusal::Forbidden(
                    "only managers and area directors assign work".into(),
                ));
            }
            if m.assignee_id == Some(to) {
                return Err(Refusal::Invalid(format!(
                    "work item {} is already assigned to {}",
                    m.item_id, m.assignee_name
                )));
            }
            Some(Some(to))
        }
        Action::Take => {
            let Some(me) = m.user_id else {
                return Err(Refusal::Forbidden("sign in to take work".into()));
            };
            Some(Some(me))
        }
        Action::Unassign => {
            if !(manager || owner) {
                return Err(Refusal::Forbidden(
                    "only its owner or a manager returns an item".into(),
                ));
            }
            if owner && !manager && m.keep_what_you_take {
                return Err(Refusal::Forbidden(
                    "this office keeps what you take: ask a manager to move it".into(),
                ));
            }
            Some(None)
        }
        Action::Start | Action::Complete | Action::Resume => {
            owner_or_manager()?;
            None
        }
        Action::Wait => {
            owner_or_manager()?;
            if m.note.is_empty() {
                return Err(Refusal::Invalid("say whom the item is waiting on".into()));
            }
            None
        }
        Action::Transfer => {
            if !manager {
                return Err(Refusal::Forbidden(
                    "only managers and area directors transfer work".into(),
                ));
            }
            let Some(to) = m.to_office_id else {
                return Err(Refusal::Invalid("choose the office to send it to".into()));
            };
            if to == m.office_id {
                return Err(Refusal::Invalid(
                    "the item is already at that office".into(),
                ));
            }
            if m.note.is_empty() {
                return Err(Refusal::Invalid("say why the item is transferred".into()));
            }
            return Ok(Permitted::Transfer { to_office_id: to });
        }
    };
    Ok(Permitted::Here { next, assignee })
}

#[cfg(test)]
#[path = "permit_tests.rs"]
mod tests;
