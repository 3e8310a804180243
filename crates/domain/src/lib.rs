//! WorkTrack's domain: the types and rules of the product — roles and what they may see, office
//! codes, user names, SSN validity and masking, password policy.
//!
//! This crate owns rules only. It does no IO, no async and no logging; every value type here is
//! valid by construction (parse, don't validate), so the layers above never re-check it.

pub mod access;
pub mod aggregate;
pub mod calendar;
pub mod catalogue;
pub mod classifier;
pub mod extract;
pub mod links;
pub mod names;
pub mod permit;
pub mod reading;
pub mod role;
pub mod ssn;
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
