//! Phone service: the phone system's records read into calls (`model`, `queue_log`, `cdr`),
//! and the figures made from them, each with the definition shown next to it (`metrics`), the
//! agents' time logged in (`agents`), the comparison of two periods (`compare`), and who may
//! see what (`access`). Pure: the import reads files and streams lines through these
//! functions; nothing here does IO.

pub mod access;
pub mod agents;
pub mod cdr;
pub mod compare;
pub mod metrics;
pub mod model;
pub mod queue_log;

pub use model::{Call, Outcome, QueueEvent};
pub use queue_log::LineError;
