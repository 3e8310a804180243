//! WorkTrack's intake pipeline: turns an uploaded file into facts about it (what it really is,
//! how many pages, how big, and, in words for the uploader, what is wrong with it) and into
//! page images and page text (text layer or OCR), and profiles documents with the extraction
//! and classifier rules of the domain crate.
//!
//! The file-level modules (`sniff`, `inspect`, `render`, `process`) work on files on disk and
//! external programs only: no database, no HTTP. `intake` and `previews` put them to work for
//! the store — take a file in, make page images — so the web layer, the hot folder and the
//! import all share one path. Nothing here speaks HTTP. Every external program runs through
//! [`process::run`]. `jobs` runs the background work (reading, page images, profiling) with
//! leases and retries. The managers' daily digest is in `worktrack-mail`. Generated
//! documents for tests, benchmarks and the demo are in the `worktrack-corpus` crate, which
//! builds on this one.
//!
//! It must not speak HTTP, render pages, or decide access: every read and write goes through
//! the store with the acting user's `Viewer`.

pub mod headers;
pub mod inspect;
pub mod intake;
pub mod jobs;
pub mod previews;
pub mod process;
pub mod profiling;
pub mod render;
pub mod sniff;
pub mod text;

pub use inspect::{inspect, Attention, Inspection, MAX_PIXELS, MAX_SIDE};
pub use process::{run, ProcessError, RunOptions};
pub use render::RenderError;
pub use sniff::{sniff, FileKind};
