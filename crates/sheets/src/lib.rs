//! Spreadsheets in and out, the way border units already keep their data:
//! an XLSX template per record type, imports from XLSX and CSV checked like
//! every other write (all or nothing, or skipping refused rows), re-imports
//! that add nothing twice, and exports in the template's layout.
//!
//! The columns come from the field declaration of each record type
//! (`bienphong_domain::fields`); see `docs/adr/0006-sheets.md`.

pub mod codes;
pub mod error;
#[cfg(feature = "service")]
pub mod import;
pub mod model;
pub mod parse;
pub mod plan;
pub mod read;
pub mod reorg;
pub mod write;

pub use error::{RowError, RowProblem, SheetError};
pub use parse::{Input, Parsed, parse};
pub use write::{export_csv, export_xlsx, template_csv, template_xlsx};
