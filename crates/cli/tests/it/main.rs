//! WorkTrack's integration tests: the real server on an ephemeral port against a fresh
//! database — SQLite by default, PostgreSQL when `WORKTRACK_TEST_DATABASE_URL` names a server
//! (`scripts/test.sh` runs the suite both ways). One test binary for the whole workspace.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod appointment_pages;
mod appointments;
mod appointments_api;
mod audit;
mod auth;
mod browser;
mod browser_appointments;
mod browser_calendar;
mod browser_calls;
mod browser_flows;
mod browser_queue;
mod browser_workbench;
mod calendar;
mod calls;
mod calls_web;
mod claimant_email;
mod cli;
mod demo_realism;
mod digest;
mod folders;
mod frame;
mod hardening;
mod intake;
mod jobs;
mod matrix;
mod national;
mod page_frame;
mod page_images;
mod probe;
mod profiling;
mod reminders;
mod s3_https;
mod schedule_import;
mod scoping;
mod screenshots;
mod ssn_privacy;
mod support;
mod tls;
mod work;
