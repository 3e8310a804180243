//! WorkTrack's persistence: one [`Store`] over SQLite (the embedded default) or PostgreSQL
//! (scale-out), chosen from the database URL.
//!
//! It owns the schema and its migrations, the master key and what is derived from it (SSN
//! encryption and blind index), the hash-chained audit log and office scoping of business data:
//! every read of an office-owned record goes through a [`Viewer`] and is checked and audited
//! here, never in a handler. It also owns the encrypted, content-addressed blob store (a local
//! folder or S3, `blobs`, `s3`), unfinished uploads' encrypted parts (`parts`), the job queue
//! the workers take from (`jobs`), the digests' claims (`digest`), signed audit checkpoints
//! (`checkpoints`) and the in-memory copies of reference data (`refcache`).
//!
//! It must not know of HTTP or HTML, run external programs, or decide a rule the domain crate
//! states: it asks the domain and enforces the answer.

#[macro_use]
mod rows;

mod aggregates;
mod appointment_cells;
mod appointment_views;
mod appointment_work;
mod appointments;
mod audit;
mod auth;
mod backdate;
mod batch;
mod blobs;
mod calendar_feeds;
pub mod call_files;
pub mod calls;
mod checkpoints;
mod claimants;
mod db;
mod digest;
mod documents;
mod error;
mod jobs;
mod keyed;
mod keys;
mod offices;
pub mod parts;
pub mod private;
mod profiles;
mod refcache;
mod reminders;
mod s3;
mod schedules;
mod users;
mod work;

pub use aggregates::WEEK_DAYS;
pub use appointments::{
    local_label, Appointment, AppointmentEvent, AppointmentKind, NewAppointment,
};
pub use audit::{
    AuditFilter, AuditHead, AuditPage, AuditRead, AuditRow, ChainBreak, Event as AuditEvent,
    GENESIS_HASH,
};
pub use auth::{ApiToken, IssuedToken, THROTTLE_WINDOW_MS};
pub use blobs::{BlobInfo, BlobRef, BlobStore};
pub use calendar_feeds::{CalendarFeed, FeedContent, FEED_AHEAD_DAYS, FEED_PAST_DAYS};
pub use checkpoints::{
    format_ms, write_audit_checkpoint, AuditVerification, Checkpoint, CheckpointLog,
    CheckpointSchedule, CheckpointWriter, CheckpointsRead, StoredCheckpoint, CHECKPOINT_FILE,
};
pub use claimants::{ssn_policy, Claimant, ClaimantSearch, NewClaimant};
pub use db::{now_ms, Backend, BulkLoad, Store};
pub use digest::{Digest, DigestItem, DIGEST_ITEMS};
pub use documents::{
    CustodyEvent, Document, DocumentFilter, NewDocument, PageText, PaperRow, Source, Upload,
    MAX_TEXT_PAGES, PAGE_IMAGES_FALLBACK_MS, STATUS_ATTENTION, STATUS_DUPLICATE, STATUS_STORED,
};
pub use error::StoreError;
pub use jobs::{backoff_ms, Job, JOB_DEAD, JOB_DONE, JOB_QUEUED, JOB_RUNNING};
pub use keys::{Keys, MASTER_KEY_FILE};
pub use offices::{NewOffice, Office, OfficeSettings};
pub use profiles::{
    AutoAcceptState, ConfirmProfile, DocumentProfile, ProfilingRow, SsnSpot,
    AUTO_ACCEPT_MIN_SUPPORT, AUTO_ACCEPT_PRECISION, PROFILE_AUTO, PROFILE_CONFIRMED, PROFILE_NONE,
    PROFILE_PENDING, PROFILE_SUGGESTED,
};
pub use refcache::REFERENCE_TTL;
pub use reminders::{DueReminder, Letter, REMINDER_LEAD_MS};
pub use s3::S3Config;
pub use schedules::{ScheduleRequest, StaffDays};
pub use users::{NewUser, User, UserUpdate};
pub use work::{
    HistoryEntry, Leave, Load, MoveInput, NewWorkItem, Notification, QueueCounts, QueuePage,
    QueueQuery, QueueView, SavedView, SearchHit, WorkItem, WorkloadRule,
};

use worktrack_domain::{Role, Scope};

/// Who is acting, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    /// A command run on the server itself (`worktrack admin …`, `worktrack demo`).
    pub fn system(command: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("system:{command}"),
        }
    }
}

/// A signed-in user as the store sees them: who they are for the audit log, and which offices'
/// business data they may read.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Scope,
}

impl Viewer {
    pub fn for_user(user: &User, area_office_ids: &[i64]) -> Viewer {
        Viewer {
            actor: Actor {
                user_id: Some(user.id),
                label: user.username.clone(),
            },
            role: user.role,
            office_id: user.office_id,
            scope: Scope::for_user(user.role, user.office_id, area_office_ids),
        }
    }

    /// Whether office `office_id` is the viewer's own.
    pub fn is_own_office(&self, office_id: i64) -> bool {
        self.office_id == Some(office_id)
    }

    /// Whether the viewer may open office `office_id`'s page ([`worktrack_domain::permit::may_open_office`]).
    pub fn may_open_office(&self, office_id: i64) -> bool {
        worktrack_domain::permit::may_open_office(self.role, &self.scope, office_id)
    }
}
