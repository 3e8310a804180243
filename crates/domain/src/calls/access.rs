//! Who may do what with the phone service's records. Office figures (counts and rates by
//! office, queue, day, hour) name no one, so analysts read every office's; one agent's
//! figures name an employee, so only the manager of that agent's office reads them, and the
//! store audits every such view. Call content is never recorded, so no rule is needed for it.

use crate::access::Scope;
use crate::role::Role;

/// Imports an office's call records: its managers, and administrators for any office.
pub fn may_import_calls(role: Role, scope: &Scope, office_id: i64) -> bool {
    role.is_admin() || (role == Role::Manager && scope.permits(office_id))
}

/// Reads an office's phone figures (no agent in them): analysts, auditors and administrators
/// for every office; employees, managers and area directors for the offices of their scope.
pub fn may_read_call_figures(role: Role, scope: &Scope, office_id: i64) -> bool {
    matches!(role, Role::Analyst | Role::Auditor | Role::Admin) || scope.permits(office_id)
}

/// Reads one agent's figures (calls, talk time, time logged in) and the mapping of agents to
/// employees: the managers of the office, and no one else.
pub fn may_read_agent_figures(role: Role, scope: &Scope, office_id: i64) -> bool {
    role == Role::Manager && scope.permits(office_id)
}

/// Maps the phone system's agents to the office's employees: its managers.
pub fn may_map_agents(role: Role, scope: &Scope, office_id: i64) -> bool {
    role == Role::Manager && scope.permits(office_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_do_what_with_call_records() {
        let own = Scope::Offices(vec![1]);
        let area = Scope::Offices(vec![1, 2]);
        // (role, scope, office, import, figures, agent figures, map agents)
        let cases: &[(Role, &Scope, i64, bool, bool, bool, bool)] = &[
            (Role::Employee, &own, 1, false, true, false, false),
            (Role::Employee, &own, 2, false, false, false, false),
            (Role::Manager, &own, 1, true, true, true, true),
            (Role::Manager, &own, 2, false, false, false, false),
            (Role::AreaDirector, &area, 2, false, true, false, false),
            (Role::AreaDirector, &area, 3, false, false, false, false),
            (Role::Analyst, &Scope::Nothing, 7, false, true, false, false),
            (
                Role::Auditor,
                &Scope::AllOffices,
                7,
                false,
                true,
                false,
                false,
            ),
            (Role::Admin, &Scope::Nothing, 7, true, true, false, false),
        ];
        for &(role, scope, office, import, figures, agents, map) in cases {
            let case = format!("{role:?} at office {office}");
            assert_eq!(may_import_calls(role, scope, office), import, "{case}");
            assert_eq!(
                may_read_call_figures(role, scope, office),
                figures,
                "{case}"
            );
            assert_eq!(
                may_read_agent_figures(role, scope, office),
                agents,
                "{case}"
            );
            assert_eq!(may_map_agents(role, scope, office), map, "{case}");
        }
    }
}
