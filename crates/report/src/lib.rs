//! Reports computed from records. Every figure is a sum over the store's
//! derived facts or over live records; nothing is typed into a report.

mod annual;
mod render;

pub use annual::{AnnualReview, annual_review};
pub use render::{to_json, to_markdown};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReportError {
    #[error(transparent)]
    Service(#[from] bienphong_service::ServiceError),
    #[error(transparent)]
    Store(#[from] bienphong_store::StoreError),
    #[error("unknown unit {0}")]
    UnknownScope(String),
    #[error("cannot render the report: {0}")]
    Render(String),
}

pub type Result<T> = std::result::Result<T, ReportError>;
