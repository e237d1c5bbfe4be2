//! The vocabulary of bienphong: units and their links over time, catalogues,
//! coordination records and their revisions, exact quantities, reporting
//! periods and Vietnamese formatting. Nothing here does I/O.

pub mod access;
pub mod attachment;
pub mod briefing;
pub mod catalogue;
pub mod codes;
pub mod error;
pub mod exchange;
pub mod facts;
pub mod fields;
pub mod format;
pub mod geo;
pub mod id;
pub mod limits;
pub mod mapping;
pub mod org;
pub mod period;
pub mod personal;
pub mod quantity;
pub mod record;
pub mod reorg;
pub mod revision;
pub mod scope;
pub mod signoff;
pub mod text;
pub mod validate;

pub use error::{Described, ErrorKind, Problem, ValidationError};
pub use id::{NodeId, RecordId, RevisionId};
pub use period::{Cutoff, Period, PeriodKind, Year};
pub use quantity::{Money, Quantity};
pub use record::{Content, RecordType};
pub use revision::Revision;

/// The calendar date of a record, as people at the post wrote it
/// (Asia/Ho_Chi_Minh); records carry no time of day.
pub type Date = jiff::civil::Date;

/// The time zone every record date and report period is read in.
pub const TIME_ZONE: &str = "Asia/Ho_Chi_Minh";
