//! Which offices' business data a user may see: the one rule behind office scoping.

use crate::role::Role;

/// The offices whose business data (claimants, documents, work items) a user may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every office (auditors: read-only, every view audited).
    AllOffices,
    /// Exactly these offices (by database id).
    Offices(Vec<i64>),
    /// No individual-level business data at all (analysts, admins).
    Nothing,
}

impl Scope {
    /// The scope of a user with `role` whose own office is `office_id`, given the ids of the
    /// offices in that office's area.
    pub fn for_user(role: Role, office_id: Option<i64>, area_office_ids: &[i64]) -> Scope {
        match role {
            Role::Employee | Role::Manager => match office_id {
                Some(id) => Scope::Offices(vec![id]),
                None => Scope::Nothing,
            },
            Role::AreaDirector => {
                let mut ids = area_office_ids.to_vec();
                if let Some(id) = office_id {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                ids.sort_unstable();
                if ids.is_empty() {
                    Scope::Nothing
                } else {
                    Scope::Offices(ids)
                }
            }
            Role::Auditor => Scope::AllOffices,
            Role::Analyst | Role::Admin => Scope::Nothing,
        }
    }

    pub fn permits(&self, office_id: i64) -> bool {
        match self {
            Scope::AllOffices => true,
            Scope::Offices(ids) => ids.contains(&office_id),
            Scope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_table() {
        let area = [1, 2, 3];
        let cases: &[(Role, Option<i64>, i64, bool)] = &[
            (Role::Employee, Some(1), 1, true),
            (Role::Employee, Some(1), 2, false),
            (Role::Manager, Some(2), 2, true),
            (Role::Manager, Some(2), 3, false),
            (Role::Employee, None, 1, false),
            (Role::AreaDirector, Some(1), 3, true),
            (Role::AreaDirector, Some(1), 4, false),
            (Role::Auditor, None, 4, true),
            (Role::Analyst, Some(1), 1, false),
            (Role::Admin, Some(1), 1, false),
        ];
        for &(role, own, target, expected) in cases {
            let scope = Scope::for_user(role, own, &area);
            assert_eq!(
                scope.permits(target),
                expected,
                "{role:?} {own:?} -> {target}"
            );
        }
    }
}
