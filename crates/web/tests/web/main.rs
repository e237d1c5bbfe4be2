//! The web crate's tests in one binary (the browser test is its own): the
//! real app on port 0 over a fresh demo store per test, spoken to over HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

mod across;
mod api;
mod attachments;
mod briefing;
mod contract;
mod edxml;
mod geo;
mod labels;
mod ops;
mod org_pages;
mod personal;
mod pickers;
mod registers;
mod sheets;
mod signoff;
mod smoke;
mod sync;
mod sync_health;
mod sync_org;
mod sync_scope;
