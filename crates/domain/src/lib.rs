//! WorkTrack's domain: the types and rules of the product, as pure functions with table tests.
//!
//! It owns: roles and the offices each may see (`role`, `access`); names, codes, e-mail
//! addresses, passwords and office time zones (`names`); SSN validity and masking (`ssn`); the states of documents, profiles and jobs
//! (`states`); work schedules (`schedule`) and appointments (`appointments`); the
//! business-day calendar and federal holidays (`calendar`); the document catalogue (`catalogue`);
//! field extraction and the classifier that profiles documents (`extract`, `classifier`,
//! `workbench`); work items' states, moves, priorities and deadlines (`work`); analysts' figures
//! and their small-group rule (`aggregate`); reading progress (`reading`); sign-in delays
//! (`throttle`); same-site return addresses (`links`); phone service's calls, figures and their
//! definitions (`calls`).
//!
//! It must not do IO, async or logging, nor know of SQL, HTTP or files: store, web and pipeline
//! call these rules and never write one again. Every value type is valid by construction
//! (parse, don't validate), so the layers above never re-check it.

pub mod access;
pub mod aggregate;
pub mod appointment_measures;
pub mod appointments;
pub mod calendar;
pub mod calls;
pub mod catalogue;
pub mod classifier;
pub mod extract;
pub mod links;
pub mod names;
pub mod permit;
pub mod reading;
pub mod role;
pub mod schedule;
pub mod ssn;
pub mod states;
pub mod throttle;
pub mod work;
pub mod workbench;

pub use access::Scope;
pub use calendar::{federal_holidays, Calendar, Holiday};
pub use names::{
    AreaName, EmailAddress, NameError, OfficeCode, Password, PersonName, Skill, TimeZone, Username,
    OFFICE_TIME_ZONES,
};
pub use role::Role;
pub use ssn::{mask_in_text, mask_last_four, Ssn, SsnError, SsnPolicy};
