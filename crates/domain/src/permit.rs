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
mod tests {
    use super::*;

    /// How an office stands to a user whose own office is 1, in area {1, 2}.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Place {
        Own,
        Area,
        Other,
    }
    const PLACES: [Place; 3] = [Place::Own, Place::Area, Place::Other];
    const OWN: i64 = 1;
    const AREA: [i64; 2] = [1, 2];

    fn office(p: Place) -> i64 {
        match p {
            Place::Own => 1,
            Place::Area => 2,
            Place::Other => 9,
        }
    }

    /// Whether each role reaches the own / area / other office, in that order.
    fn by_place(role: Role, rule: impl Fn(Role, Place) -> bool) -> [bool; 3] {
        PLACES.map(|p| rule(role, p))
    }

    #[test]
    fn only_office_staff_write_business_data_and_the_others_are_told_why() {
        for role in Role::ALL {
            let answer = may_write_business_data(role, "cannot create claimants");
            match role {
                Role::Employee | Role::Manager | Role::AreaDirector => assert_eq!(answer, Ok(())),
                _ => assert_eq!(
                    answer,
                    Err(Refusal::Forbidden(format!(
                        "the {} role cannot create claimants",
                        role.label().to_lowercase()
                    ))),
                    "{role:?}"
                ),
            }
        }
    }

    #[test]
    fn who_manages_holds_work_sets_deadlines_and_reads_the_audit_log() {
        use Role as R;
        // role, manages, holds work, sets deadlines, reads the audit log
        let table = [
            (R::Employee, false, true, false, false),
            (R::Manager, true, true, true, false),
            (R::AreaDirector, true, false, true, false),
            (R::Analyst, false, false, false, false),
            (R::Auditor, false, false, false, true),
            (R::Admin, false, false, true, true),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, manages, holds, deadlines, audit) in table {
            assert_eq!(may_manage(role), manages, "{role:?} manages");
            assert_eq!(may_hold_work(role), holds, "{role:?} holds work");
            assert_eq!(may_set_deadlines(role), deadlines, "{role:?} deadlines");
            assert_eq!(may_read_audit_log(role), audit, "{role:?} audit log");
        }
    }

    #[test]
    fn administration_national_figures_and_the_area_view_by_role() {
        use Role as R;
        // role, every office, area view, national figures only, users/offices/jobs/catalogue
        let table = [
            (R::Employee, false, false, false, false),
            (R::Manager, false, false, false, false),
            (R::AreaDirector, false, true, false, false),
            (R::Analyst, false, false, true, false),
            (R::Auditor, true, false, false, false),
            (R::Admin, true, false, false, true),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, every, area, national, admin) in table {
            assert_eq!(sees_every_office(role), every, "{role:?} every office");
            assert_eq!(has_area_view(role), area, "{role:?} area view");
            assert_eq!(
                works_from_national_figures(role),
                national,
                "{role:?} national figures"
            );
            assert_eq!(may_manage_users(role), admin, "{role:?} users");
            assert_eq!(may_manage_offices(role), admin, "{role:?} offices");
            assert_eq!(may_manage_jobs(role), admin, "{role:?} jobs");
            assert_eq!(may_edit_catalogue(role), admin, "{role:?} catalogue");
        }
    }

    #[test]
    fn own_queue_and_paper_log_by_role_and_place() {
        use Role as R;
        // role, own queue at own/area/other office, paper log at own/area/other office
        let table = [
            (R::Employee, [true, false, false], [true, false, false]),
            (R::Manager, [true, false, false], [true, false, false]),
            (R::AreaDirector, [false, false, false], [true, true, false]),
            (R::Analyst, [false, false, false], [false, false, false]),
            (R::Auditor, [false, false, false], [true, true, true]),
            (R::Admin, [false, false, false], [false, false, false]),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, queue, paper) in table {
            let scope = |r| Scope::for_user(r, Some(OWN), &AREA);
            let got = by_place(role, |r, p| has_own_queue(r, &scope(r), office(p)));
            assert_eq!(got, queue, "{role:?} own queue own/area/other");
            let got = by_place(role, |r, p| may_read_paper_log(r, &scope(r), office(p)));
            assert_eq!(got, paper, "{role:?} paper log own/area/other");
        }
    }

    #[test]
    fn an_administrator_keeps_their_own_role_and_access() {
        for role in Role::ALL {
            for active in [true, false] {
                assert_eq!(
                    may_save_own_account(role, active),
                    role == Role::Admin && active,
                    "{role:?} active {active}"
                );
            }
        }
    }

    #[test]
    fn leave_and_undoing_a_completion_are_for_oneself_or_a_manager() {
        for role in Role::ALL {
            for mine in [true, false] {
                let expected = mine || matches!(role, Role::Manager | Role::AreaDirector);
                assert_eq!(may_record_leave(role, mine), expected, "{role:?} {mine}");
                assert_eq!(may_undo_completion(role, mine), expected, "{role:?} {mine}");
            }
        }
    }

    #[test]
    fn office_pages_by_role_and_place() {
        use Role as R;
        let table = [
            (R::Employee, [true, false, false]),
            (R::Manager, [true, false, false]),
            (R::AreaDirector, [true, true, false]),
            (R::Analyst, [false, false, false]),
            (R::Auditor, [true, true, true]),
            (R::Admin, [true, true, true]),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, expected) in table {
            let got = by_place(role, |r, p| {
                may_open_office(r, &Scope::for_user(r, Some(OWN), &AREA), office(p))
            });
            assert_eq!(got, expected, "{role:?} own/area/other");
        }
        // Without an office of their own, office staff open none.
        for role in [R::Employee, R::Manager] {
            assert!(!may_open_office(
                role,
                &Scope::for_user(role, None, &[]),
                OWN
            ));
        }
    }

    #[test]
    fn auto_accept_by_role_and_place() {
        use Role as R;
        let table = [
            (R::Employee, [false, false, false]),
            (R::Manager, [true, false, false]),
            (R::AreaDirector, [false, false, false]),
            (R::Analyst, [false, false, false]),
            (R::Auditor, [false, false, false]),
            (R::Admin, [true, true, true]),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, expected) in table {
            let got = by_place(role, |r, p| may_set_auto_accept(r, p == Place::Own));
            assert_eq!(got, expected, "{role:?} own/area/other");
        }
    }

    /// Who the person (user 50) is to the item.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Who {
        /// Its assignee.
        Owner,
        /// The item has no assignee.
        Nobodys,
        /// The item is someone else's (user 70).
        Others,
    }
    const WHO: [Who; 3] = [Who::Owner, Who::Nobodys, Who::Others];

    fn request(role: Role, who: Who, keep: bool, status: Status, action: Action) -> Move<'static> {
        Move {
            role,
            user_id: Some(50),
            keep_what_you_take: keep,
            item_id: 7,
            status,
            office_id: 1,
            assignee_id: match who {
                Who::Owner => Some(50),
                Who::Nobodys => None,
                Who::Others => Some(70),
            },
            assignee_name: "Ann",
            action,
            assign_to: Some(60),
            to_office_id: Some(2),
            note: "on the claimant",
        }
    }

    fn forbidden(m: &str) -> Result<Status, Refusal> {
        Err(Refusal::Forbidden(m.into()))
    }

    /// The expected outcome for a request whose details are all in order, written out rule by
    /// rule as the table's oracle.
    fn expected(
        role: Role,
        who: Who,
        keep: bool,
        status: Status,
        action: Action,
    ) -> Result<Status, Refusal> {
        use Action as A;
        use Role as R;
        if matches!(role, R::Analyst | R::Auditor | R::Admin) {
            return forbidden(&format!(
                "the {} role cannot change work items",
                role.label().to_lowercase()
            ));
        }
        let next = match status.apply(action) {
            Ok(n) => n,
            Err(e) => return Err(Refusal::Invalid(e.to_string())),
        };
        let manager = matches!(role, R::Manager | R::AreaDirector);
        let owner = who == Who::Owner;
        match action {
            A::Assign if !manager => forbidden("only managers and area directors assign work"),
            A::Transfer if !manager => forbidden("only managers and area directors transfer work"),
            A::Unassign if !(owner || manager) => {
                forbidden("only its owner or a manager returns an item")
            }
            A::Unassign if owner && !manager && keep => {
                forbidden("this office keeps what you take: ask a manager to move it")
            }
            A::Start | A::Wait | A::Resume | A::Complete if !(owner || manager) => {
                forbidden("only the item's owner or a manager does that")
            }
            _ => Ok(next),
        }
    }

    #[test]
    fn every_role_move_and_state() {
        let mut cases = 0;
        for role in Role::ALL {
            for who in WHO {
                for keep in [false, true] {
                    for status in Status::ALL {
                        for action in Action::ALL {
                            let m = request(role, who, keep, status, action);
                            assert_eq!(
                                may_move(&m).map(Permitted::next),
                                expected(role, who, keep, status, action),
                                "{role:?} {who:?} keep={keep} {status:?} {action:?}"
                            );
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 6 * 3 * 2 * 6 * 8);
    }

    #[test]
    fn moves_an_employee_may_make_on_their_own_item() {
        use Action as A;
        use Status as S;
        // status, action, allowed to its (non-manager) owner in an office that keeps what you take
        let table = [
            (S::New, A::Take, true),
            (S::Assigned, A::Start, true),
            (S::Assigned, A::Unassign, false),
            (S::InProgress, A::Wait, true),
            (S::Waiting, A::Resume, true),
            (S::InProgress, A::Complete, true),
            (S::InProgress, A::Assign, false),
            (S::InProgress, A::Transfer, false),
            (S::Completed, A::Resume, false),
        ];
        for (status, action, ok) in table {
            let m = request(Role::Employee, Who::Owner, true, status, action);
            assert_eq!(may_move(&m).is_ok(), ok, "{status:?} {action:?}");
        }
    }

    #[test]
    fn what_a_permitted_move_does_to_the_assignee() {
        use Action as A;
        use Status as S;
        let here = |next, assignee| Ok(Permitted::Here { next, assignee });
        // action, from, by whom, outcome
        let table = [
            (
                A::Assign,
                S::New,
                Who::Nobodys,
                here(S::Assigned, Some(Some(60))),
            ),
            (
                A::Take,
                S::New,
                Who::Nobodys,
                here(S::InProgress, Some(Some(50))),
            ),
            (
                A::Unassign,
                S::InProgress,
                Who::Others,
                here(S::New, Some(None)),
            ),
            (A::Start, S::Assigned, Who::Owner, here(S::InProgress, None)),
            (A::Wait, S::InProgress, Who::Owner, here(S::Waiting, None)),
            (A::Resume, S::Waiting, Who::Owner, here(S::InProgress, None)),
            (
                A::Complete,
                S::InProgress,
                Who::Others,
                here(S::Completed, None),
            ),
            (
                A::Transfer,
                S::Waiting,
                Who::Others,
                Ok(Permitted::Transfer { to_office_id: 2 }),
            ),
        ];
        assert_eq!(table.len(), Action::ALL.len());
        for (action, status, who, outcome) in table {
            let m = request(Role::Manager, who, false, status, action);
            assert_eq!(may_move(&m), outcome, "{action:?}");
        }
    }

    #[test]
    fn the_details_of_a_move_are_checked_after_who_may_make_it() {
        let base = request(
            Role::Manager,
            Who::Nobodys,
            false,
            Status::New,
            Action::Assign,
        );
        let refusal = |m: Move<'_>| may_move(&m).err();
        let invalid = |s: &str| Some(Refusal::Invalid(s.into()));
        let forbidden = |s: &str| Some(Refusal::Forbidden(s.into()));

        let long = "x".repeat(1001);
        assert_eq!(
            refusal(Move {
                note: &long,
                ..base
            }),
            invalid("the note is longer than 1000 characters")
        );
        let just = "x".repeat(1000);
        assert_eq!(
            refusal(Move {
                note: &just,
                ..base
            }),
            None
        );
        // A state that does not allow the action is said before a note that is too long.
        assert_eq!(
            refusal(Move {
                note: &long,
                status: Status::Completed,
                ..base
            }),
            invalid(
                "a work item that is completed cannot be given the action \u{201c}assign\u{201d}"
            )
        );

        // Assign: whom, before who may.
        assert_eq!(
            refusal(Move {
                assign_to: None,
                ..base
            }),
            invalid("choose whom to assign it to")
        );
        assert_eq!(
            refusal(Move {
                assign_to: None,
                role: Role::Employee,
                ..base
            }),
            invalid("choose whom to assign it to")
        );
        assert_eq!(
            refusal(Move {
                status: Status::Assigned,
                assignee_id: Some(60),
                ..base
            }),
            invalid("work item 7 is already assigned to Ann")
        );

        // Take: signed in.
        let take = Move {
            action: Action::Take,
            ..base
        };
        assert_eq!(
            refusal(Move {
                user_id: None,
                ..take
            }),
            forbidden("sign in to take work")
        );

        // Wait: a note saying on whom.
        let wait = Move {
            action: Action::Wait,
            status: Status::InProgress,
            ..base
        };
        assert_eq!(
            refusal(Move { note: "", ..wait }),
            invalid("say whom the item is waiting on")
        );
        assert_eq!(
            refusal(Move {
                note: "",
                role: Role::Employee,
                ..wait
            }),
            forbidden("only the item's owner or a manager does that")
        );

        // Transfer: where, not here, and why, after who may.
        let transfer = Move {
            action: Action::Transfer,
            ..base
        };
        assert_eq!(
            refusal(Move {
                to_office_id: None,
                role: Role::Employee,
                ..transfer
            }),
            forbidden("only managers and area directors transfer work")
        );
        assert_eq!(
            refusal(Move {
                to_office_id: None,
                ..transfer
            }),
            invalid("choose the office to send it to")
        );
        assert_eq!(
            refusal(Move {
                to_office_id: Some(1),
                ..transfer
            }),
            invalid("the item is already at that office")
        );
        assert_eq!(
            refusal(Move {
                note: "",
                ..transfer
            }),
            invalid("say why the item is transferred")
        );
        assert_eq!(
            may_move(&transfer),
            Ok(Permitted::Transfer { to_office_id: 2 })
        );
    }
}
