//! Reports computed from records. Every figure is a sum over the store's
//! derived facts or over live records; nothing is typed into a report.

/// A report's text laid out by one template per language: each wrapper
/// (`struct AnnualVi<'a>(&'a AnnualText)`) reads the text's fields through
/// `Deref`, so both templates name them as fields of their own.
macro_rules! layouts_of {
    ($text:ident: $($wrapper:ident),+) => {
        $(
            impl std::ops::Deref for $wrapper<'_> {
                type Target = $text;
                fn deref(&self) -> &$text {
                    self.0
                }
            }
        )+
    };
}

mod aggregate;
mod annual;
mod briefing;
mod charts;
mod document;
mod docx;
mod figures;
mod joint;
mod letterhead;
mod narrative;
mod output;
mod placing;
mod render;
mod summary;
mod summary_text;
mod tables;
mod words;
mod xlsx;

pub use aggregate::{
    BRIEFING_RULE, CHANNEL, SUPPRESSION_RULE, THRESHOLD, aggregate_tables,
    briefing_aggregate_table, render_aggregate, render_briefing_aggregate,
};
pub use annual::{AnnualReview, CatalogueNames, UnitRef, annual_review, annual_review_mapped};
pub use briefing::{
    BriefingQuarter, BriefingRoll, BriefingRow, BriefingView, CarriedAction, OverdueDocument,
    briefing_roll, briefing_roll_to_markdown, briefing_to_markdown, briefing_to_markdown_in,
    briefing_view, carried_actions, key_figures, overdue_documents, state_text,
};
pub use charts::{
    Chart, Charts, Layout, Png, Series, annual_charts, patrols_by_unit_chart, summary_charts,
};
pub use document::{document_docx, document_letterhead, document_to_markdown};
pub use docx::{markdown_to_docx, markdown_to_docx_with_charts};
pub use figures::Apportioned;
pub use joint::{JointSigner, joint_signers};
pub use letterhead::{
    DocumentStyle, Letterhead, LetterheadOverrides, LetterheadSettings, RegisterKey, issuing_unit,
    parse_term,
};
pub use output::{DocxParts, Format, Report};
pub use render::{to_json, to_markdown, to_markdown_in};
pub use summary::{
    CaseChanges, CaseTypeChange, Change, DisasterChanges, DocumentChanges, PatrolChanges,
    PropagandaChanges, SeizureChange, Summary, UnitCaseChange, UnitPatrolChange,
    latest_year_with_records, summary, summary_mapped, summary_to_json, summary_to_markdown,
    summary_to_markdown_in,
};
pub use tables::{AnnualTables, DataTable, Value, annual_tables, summary_tables};
pub use xlsx::{tables_to_csv, tables_to_xlsx};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReportError {
    #[error(transparent)]
    Service(#[from] bienphong_service::ServiceError),
    #[error(transparent)]
    Store(#[from] bienphong_store::StoreError),
    #[error("unknown unit {0}")]
    UnknownScope(String),
    #[error("quarter {0} does not exist (expected 1–4)")]
    BadQuarter(i8),
    #[error("cannot render the report: {0}")]
    Render(String),
}

impl ReportError {
    /// The one description of each report error (see
    /// [`bienphong_domain::Described`]): an unknown scope is the field
    /// `scope` naming no unit, as a form's unit field would be.
    pub fn describe(&self) -> bienphong_domain::Described {
        use bienphong_domain::{Described, ErrorKind, Problem, ValidationError};
        match self {
            Self::Service(e) => e.describe(),
            Self::Store(e) => e.describe(),
            Self::UnknownScope(code) => {
                ValidationError::new("scope", Problem::UnknownUnit(code.clone())).describe()
            }
            Self::BadQuarter(q) => {
                Described::new(ErrorKind::Malformed, "bad_request", "report-bad-quarter")
                    .with("value", q.to_string())
                    .on_field("quarter")
            }
            Self::Render(detail) => {
                Described::new(ErrorKind::Internal, "internal", "report-render-failed")
                    .with("detail", detail)
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;
