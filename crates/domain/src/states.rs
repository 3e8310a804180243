//! The states a document, its profile and a background job can be in, as enums: the database
//! keeps their `as_str` names, and every query that names a state takes it from here, so a
//! state cannot be misspelt in one place and right in another.

/// Where a document stands after intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentStatus {
    Stored,
    /// The same bytes were already taken in for the office.
    Duplicate,
    /// Taken in, but damaged, encrypted or unreadable: a person must look.
    NeedsAttention,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 3] = [
        DocumentStatus::Stored,
        DocumentStatus::Duplicate,
        DocumentStatus::NeedsAttention,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Stored => "stored",
            DocumentStatus::Duplicate => "duplicate",
            DocumentStatus::NeedsAttention => "needs_attention",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentStatus> {
        DocumentStatus::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Where a document's profile (its code and fields) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileStatus {
    /// Not yet read.
    None,
    /// Read, waiting for the classifier.
    Pending,
    /// The classifier suggested a profile; a person has not confirmed it.
    Suggested,
    /// A person confirmed (or corrected) the profile.
    Confirmed,
    /// Accepted without a person, under the office's auto-accept rule.
    AutoAccepted,
}

impl ProfileStatus {
    pub const ALL: [ProfileStatus; 5] = [
        ProfileStatus::None,
        ProfileStatus::Pending,
        ProfileStatus::Suggested,
        ProfileStatus::Confirmed,
        ProfileStatus::AutoAccepted,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ProfileStatus::None => "none",
            ProfileStatus::Pending => "pending",
            ProfileStatus::Suggested => "suggested",
            ProfileStatus::Confirmed => "confirmed",
            ProfileStatus::AutoAccepted => "auto_accepted",
        }
    }

    pub fn parse(s: &str) -> Option<ProfileStatus> {
        ProfileStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Profiled: a person confirmed it, or it was accepted automatically.
    pub const fn is_profiled(self) -> bool {
        matches!(self, ProfileStatus::Confirmed | ProfileStatus::AutoAccepted)
    }

    /// The profiled states as an SQL list, `'confirmed', 'auto_accepted'`, for `IN (…)`.
    pub fn profiled_sql() -> String {
        ProfileStatus::ALL
            .into_iter()
            .filter(|p| p.is_profiled())
            .map(|p| format!("'{}'", p.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a background job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Queued,
    Running,
    Done,
    /// Failed too often: kept for a person to look at and retry.
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Dead,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

#[cfg(test)]
#[path = "states_tests.rs"]
mod tests;
