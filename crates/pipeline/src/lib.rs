//! WorkTrack's intake pipeline: turns an uploaded file into facts about it (what it really is,
//! how many pages, how big, and, in words for the uploader, what is wrong with it) and into
//! page images and page text (text layer or OCR), and profiles documents with the extraction
//! and classifier rules of the domain crate.
//!
//! The file-level modules (`sniff`, `inspect`, `render`, `process`) work on files on disk and
//! external programs only: no database, no HTTP. `intake` and `previews` put them to work for
//! the store — take a file in, make page images — so the web layer, the hot folder and the
//! import all share one path. Nothing here speaks HTTP. Every external program runs through
//! [`process::run`]. `corpus` writes labelled synthetic documents for tests, benchmarks and
//! the demo.

pub mod corpus;
mod headers;
pub mod inspect;
pub mod intake;
pub mod jobs;
pub mod previews;
pub mod process;
pub mod profiling;
pub mod render;
pub mod sniff;
pub mod text;

/// Test documents made at run time; for this crate's tests and, through the `fixtures`
/// feature, the integration tests.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

pub use inspect::{inspect, Attention, Inspection, MAX_PIXELS, MAX_SIDE};
pub use process::{run, ProcessError, RunOptions};
pub use render::RenderError;
pub use sniff::{sniff, FileKind};
