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
        invalid("a work item that is completed cannot be given the action \u{201c}assign\u{201d}")
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
