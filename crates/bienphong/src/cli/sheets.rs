//! Spreadsheets: templates, import, export.

use super::{FilterArgs, parse_record_type};
use bienphong_domain::RecordType;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Formats of a spreadsheet.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    /// UTF-8 with a byte-order mark, comma-separated.
    Csv,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    #[arg(long, value_enum, default_value_t = SheetFormat::Xlsx)]
    pub format: SheetFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// An XLSX workbook or a CSV file (UTF-8, comma or semicolon).
    pub file: PathBuf,
    /// The kind of records in the file (found from its sheets when not given).
    #[arg(long = "type", value_parser = parse_record_type)]
    pub record_type: Option<RecordType>,
    /// Check every row and report, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows and write the refused ones to an error file
    /// (rows changed in both the file and the store are set aside too).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where the file and the store both changed a value since the file's
    /// rows were exported or last imported, write the file's value.
    #[arg(long)]
    pub prefer_file: bool,
    /// Bring back records deleted since they were exported or imported.
    #[arg(long)]
    pub restore_deleted: bool,
    /// Write rows with values possible but unlikely (more than 200 persons
    /// of one force on a patrol, a seizure far above usual); without it
    /// they are listed and nothing is written.
    #[arg(long)]
    pub confirm: bool,
    /// The error file (CSV) for refused rows (default: FILE-loi.csv beside
    /// the file, with --skip-invalid).
    #[arg(long)]
    pub errors: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = SheetFormat::Xlsx)]
    pub format: SheetFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}
