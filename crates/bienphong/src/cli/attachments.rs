//! Files attached to records: attach, list, fetch a copy, remove.

use super::parse_record_type;
use bienphong_domain::RecordType;
use std::path::PathBuf;

/// A size: bytes, or a whole number of KB, MB or GB (`20MB`).
pub fn parse_size(s: &str) -> Result<u64, String> {
    bienphong_sync::blobs::parse_size(s)
        .ok_or_else(|| format!("not a size: {s} (bytes, or a whole number of KB, MB or GB: 20MB)"))
}

#[derive(clap::Args, Debug)]
pub struct AttachArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    /// The file: its type is read from its content (PDF, DOCX, XLSX, ODT,
    /// ODS, JPEG, PNG or UTF-8 text).
    pub file: PathBuf,
    /// The name to keep (default: the file's own name).
    #[arg(long)]
    pub name: Option<String>,
    /// The largest file accepted.
    #[arg(long, env = "BIENPHONG_MAX_ATTACHMENT", value_name = "SIZE", value_parser = parse_size, default_value = "20MB")]
    pub max_size: u64,
    /// Allow attaching to restricted personal data.
    #[arg(long)]
    pub restricted: bool,
}

#[derive(clap::Args, Debug)]
pub struct AttachmentsArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    /// Write the file with this hash (from the list) to --out.
    #[arg(long, value_name = "HASH", requires = "out")]
    pub get: Option<String>,
    /// Where --get writes the file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Allow reading restricted personal data.
    #[arg(long)]
    pub restricted: bool,
    /// JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct DetachArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    /// The file's hash (bienphong attachments TYPE ID lists them).
    pub hash: String,
    /// Allow changing restricted personal data.
    #[arg(long)]
    pub restricted: bool,
}
