//! Demo and benchmark data for bienphong, as domain values: the caller writes
//! them to a store. Everything is generated from fixed seeds, so every run
//! gives the same records with the same ids. Nothing here does I/O.
//!
//! - [`ha_giang`]: Hà Giang's 12 Border Guard posts, 7 districts and 34 border
//!   communes with reporting years of coordinated work from 2022, whose
//!   2023 figures are the ones the 2023 review conference reported; the
//!   1 July 2025 reorganisation into Tuyên Quang as one change set; 2025 and
//!   2026 (up to [`ha_giang_last_day`]) filled like the earlier years, under
//!   the organisation of each day. [`ha_giang_edits`] then revises a few
//!   records to give them history.
//! - [`synthetic`]: as many province-like copies and activity records as a
//!   benchmark needs, streamed.
//!
//! Names of people in restricted records are placeholders in the Vietnamese
//! manner ("Giàng Seo A"): nobody real is named. Where the structure is not
//! confirmed by a source (DOMAIN.md), the unit or link is marked
//! `verified: false` and says so in its note.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the demo's data is fixed in the code: a failure here is a bug in the demo, which its tests find"
)]

mod catalogue;
pub mod geo;
mod ha_giang;
mod synthetic;
mod util;

use bienphong_domain::{Content, RecordId};

/// One record to write: its id, its first revision's content and when that
/// revision was made (Unix milliseconds).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoRecord {
    pub record_id: RecordId,
    pub content: Content,
    pub created_ms: i64,
}

/// The Hà Giang demo as it is written by `bienphong demo`: the records up to
/// the reorganisation, the reorganisation of 1 July 2025 as one change set
/// (applied through the same service function as `bienphong org apply`, so
/// that the organisation's history shows it as one event), the records
/// after it.
#[derive(Clone, Debug, PartialEq)]
pub struct HaGiang {
    /// Catalogue entries, units, links, markers as set up in 2021, then
    /// activity records in date order (each restricted record — CaseSubjects,
    /// Beneficiary — right after the record it refers to).
    pub before: Vec<DemoRecord>,
    /// The 1 July 2025 reorganisation (its file form:
    /// docs/examples/ha-giang-2025.json).
    pub reorganisation: bienphong_domain::reorg::ChangeSet,
    /// When the reorganisation is entered (Unix milliseconds).
    pub reorganised_ms: i64,
    /// Activity records from 1 July 2025 on, under the new units.
    pub after: Vec<DemoRecord>,
}

/// The demo's last day of records (30 November 2026): its 2026 runs up to
/// this fixed day, whatever day it is built on.
pub fn ha_giang_last_day() -> bienphong_domain::Date {
    ha_giang::last_day()
}

/// The demo in its three stages (see [`HaGiang`]).
pub fn ha_giang_stages() -> HaGiang {
    ha_giang::stages().0
}

/// Everything as plain first revisions, in write order, for callers that
/// write records only: [`HaGiang::before`] with the reorganisation's plan
/// laid over it (units and links that end on 30 June 2025 are written
/// ended; their successors exist only from the reorganisation on and are
/// added by [`ha_giang_edits`]), the units and links it creates, then
/// [`HaGiang::after`]. With the edits, the same organisation as
/// [`ha_giang_stages`] gives, without the history entry of the change set.
pub fn ha_giang() -> Vec<DemoRecord> {
    ha_giang::build()
}

/// Edits applied after the initial writes to show history, each the
/// `record_id` of a record of [`ha_giang`] and its new content: the
/// successors of the province, its Border Guard command, its districts and
/// border communes (1 July 2025); a 2022 patrol corrected (one soldier more);
/// a 2023 patrol's note reworded; a 2024 case's outcome updated; an action
/// of a 2024 briefing marked done; a 2024 plan acknowledged late. None of
/// them changes a 2023 figure.
pub fn ha_giang_edits() -> Vec<(RecordId, Content)> {
    ha_giang::edits()
}

/// Units in each synthetic province: 1 province, 1 Border Guard command,
/// 12 posts, 7 districts and 19 communes (12 provinces ≈ 480 units).
pub const SYNTHETIC_UNITS_PER_PROVINCE: usize =
    2 + synthetic::POSTS + synthetic::DISTRICTS + synthetic::COMMUNES;

/// Large synthetic stores for benchmarks: `provinces` copies of a
/// province-like structure (see [`SYNTHETIC_UNITS_PER_PROVINCE`]), then
/// `records_per_province_year` activity records for each province in each of
/// `years` calendar years ending 2024, in date order, generated one at a time
/// so that millions never sit in memory at once. The mix is about 60%
/// patrols with three forces each, 20% cases (a third of them with a
/// seizure), and meetings, propaganda, documents, disaster plans and
/// programme support for the rest.
pub fn synthetic(
    provinces: u32,
    years: u32,
    records_per_province_year: u32,
) -> impl Iterator<Item = DemoRecord> {
    synthetic::Synthetic::new(provinces, years, records_per_province_year)
}
