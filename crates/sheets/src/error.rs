//! What can go wrong with a spreadsheet: the file as a whole (not a
//! spreadsheet, a column missing…) or one cell of one row.

use bienphong_domain::{Described, ErrorKind, Problem, RecordType};
use bienphong_i18n::Lang;
use thiserror::Error;

/// Something wrong with the whole file: nothing of it is imported.
#[derive(Debug, Error)]
pub enum SheetError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is not a spreadsheet (XLSX or CSV)")]
    NotASpreadsheet,
    #[error("the workbook is damaged: {0}")]
    Corrupt(String),
    #[error("the text is not UTF-8 (row {0})")]
    NotUtf8(u64),
    #[error("no sheet has the columns of a {0}")]
    NoData(String),
    #[error("cannot tell which kind of record the file holds; name it with --type")]
    UnknownType,
    #[error("{0} records have no spreadsheet")]
    Unsupported(RecordType),
    #[error("sheet {sheet}: the column {column} is missing")]
    MissingColumn { sheet: String, column: String },
    #[error("sheet {sheet}: the column {column} names no entry of the catalogue")]
    UnknownEntryColumn { sheet: String, column: String },
    #[error("sheet {sheet}: the column {column} appears twice")]
    DuplicateColumn { sheet: String, column: String },
    #[error("cannot write the workbook: {0}")]
    Write(String),
    #[cfg(feature = "service")]
    #[error(transparent)]
    Service(#[from] bienphong_service::ServiceError),
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Write(e.to_string())
    }
}

impl From<csv::Error> for SheetError {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Self::Io(io),
            csv::ErrorKind::Utf8 { pos, .. } => Self::NotUtf8(pos.map_or(0, |p| p.record() + 1)),
            other => Self::Write(format!("{other:?}")),
        }
    }
}

impl SheetError {
    /// The one description of each sheet error (see
    /// [`bienphong_domain::Described`]): a file that cannot be read as the
    /// spreadsheet asked for is malformed (about the field `file`); a
    /// workbook that cannot be written is the program's fault.
    pub fn describe(&self) -> Described {
        use ErrorKind as K;
        let file = |key| Described::new(K::Malformed, "bad_request", key).on_field("file");
        match self {
            Self::Io(e) => file("sheet-io").with("detail", e.to_string()),
            Self::NotASpreadsheet => file("sheet-not-spreadsheet"),
            Self::Corrupt(d) => file("sheet-corrupt").with("detail", d),
            Self::NotUtf8(row) => file("sheet-not-utf8").with("row", row.to_string()),
            Self::NoData(t) => file("sheet-no-data").with("type", t),
            Self::UnknownType => file("sheet-unknown-type"),
            Self::Unsupported(t) => file("sheet-unsupported").with("type", t.to_string()),
            Self::MissingColumn { sheet, column } => file("sheet-missing-column")
                .with("sheet", sheet)
                .with("column", column),
            Self::UnknownEntryColumn { sheet, column } => file("sheet-unknown-entry-column")
                .with("sheet", sheet)
                .with("column", column),
            Self::DuplicateColumn { sheet, column } => file("sheet-duplicate-column")
                .with("sheet", sheet)
                .with("column", column),
            Self::Write(d) => {
                Described::new(K::Internal, "internal", "sheet-write").with("detail", d)
            }
            #[cfg(feature = "service")]
            Self::Service(e) => e.describe(),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        lang.described(&self.describe())
    }
}

/// Why one row is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// The same problem a form or the API would report.
    Invalid(Problem),
    /// A unit name that fits several units, even on the row's date.
    AmbiguousUnit { candidates: Vec<String> },
    /// The row repeats an earlier row of the file.
    DuplicateOf { sheet: String, row: u32 },
    /// The record id names a record of another type.
    WrongType { actual: String },
    /// The file and the store both changed this column since the row's
    /// base, differently: the store's value (the file's is the error's).
    ChangedInBoth { store: String },
    /// The person importing may not write this record.
    NotAllowed,
}

/// One thing wrong in one row: where (sheet, row, column), what was there
/// and why it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub sheet: String,
    /// The row number as the spreadsheet shows it (1 is the first row).
    pub row: u32,
    /// The column's header as written in the file ("" for the whole row).
    pub column: String,
    pub value: String,
    pub problem: RowProblem,
}

impl RowError {
    /// What is wrong, without the place.
    pub fn why(&self, lang: Lang) -> String {
        match &self.problem {
            RowProblem::Invalid(p) => lang.problem_only(&bienphong_domain::ValidationError::new(
                self.column.clone(),
                p.clone(),
            )),
            RowProblem::AmbiguousUnit { candidates } => lang.text(
                "sheet-ambiguous-unit",
                &[
                    ("value", self.value.clone()),
                    ("candidates", candidates.join("; ")),
                ],
            ),
            RowProblem::DuplicateOf { sheet, row } => lang.text(
                "sheet-duplicate-row",
                &[("sheet", sheet.clone()), ("row", row.to_string())],
            ),
            RowProblem::WrongType { actual } => {
                lang.text("sheet-wrong-type", &[("actual", actual.clone())])
            }
            RowProblem::ChangedInBoth { store } => {
                lang.text("sheet-changed-in-both", &[("store", store.clone())])
            }
            RowProblem::NotAllowed => lang.text("sheet-not-allowed", &[]),
        }
    }

    /// "Sheet "Tuần tra", row 5, column "Ngày", value "31/02/2024": why".
    pub fn message(&self, lang: Lang) -> String {
        let place = lang.text(
            if self.column.is_empty() {
                "sheet-place-row"
            } else {
                "sheet-place"
            },
            &[
                ("sheet", self.sheet.clone()),
                ("row", self.row.to_string()),
                ("column", self.column.clone()),
                ("value", self.value.clone()),
            ],
        );
        format!("{place}: {}", self.why(lang))
    }
}
