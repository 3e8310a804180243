//! The `worktrack` command: configuration, start-up of the server, the demo data loader and
//! the administrative commands. Business rules live in `worktrack-domain`, persistence in
//! `worktrack-store`, HTTP in `worktrack-web`; this crate wires them together.

pub mod appointment_bench;
pub mod bench;
pub mod calls;
pub mod calls_bench;
pub mod config;
pub mod demo;
pub mod folders;
pub mod fsck;
pub mod load;
pub mod ocr_bench;
pub mod profile;
pub mod queue_bench;
pub mod schedules;
pub mod server;
pub mod tls;
