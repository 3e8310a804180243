//! The roles of WorkTrack's users and what each may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role. A user has exactly one; the set is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    Manager,
    AreaDirector,
    Analyst,
    Auditor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Employee,
        Role::Manager,
        Role::AreaDirector,
        Role::Analyst,
        Role::Auditor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::AreaDirector => "area_director",
            Role::Analyst => "analyst",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Employee => "Employee",
            Role::Manager => "Manager",
            Role::AreaDirector => "Area director",
            Role::Analyst => "Analyst",
            Role::Auditor => "Auditor",
            Role::Admin => "Administrator",
        }
    }

    /// Administers offices, users, catalogues and keys.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// May create or change business records (claimants, later documents and work items) in
    /// the offices of its scope. Auditors read everything but change nothing; analysts and
    /// admins see no individual-level business data.
    pub fn may_write_business_data(self) -> bool {
        matches!(self, Role::Employee | Role::Manager | Role::AreaDirector)
    }

    /// May list the staff of the offices in its scope.
    pub fn may_see_staff(self) -> bool {
        matches!(
            self,
            Role::Manager | Role::AreaDirector | Role::Auditor | Role::Admin
        )
    }

    /// Whose views of lists of people's work (queues, document and claimant lists, search
    /// results) are audited like their views of one item: auditors read every office's data
    /// without working in it, so what they looked at is on record. Staff's lists are their
    /// daily work in their own office and are not.
    pub fn list_views_audited(self) -> bool {
        matches!(self, Role::Auditor)
    }

    /// May open the national, area and office figures (aggregates, never a person).
    pub fn may_see_aggregates(self) -> bool {
        matches!(self, Role::Analyst | Role::Auditor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role {0:?}; expected one of employee, manager, area_director, analyst, auditor, admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
#[path = "role_tests.rs"]
mod tests;
