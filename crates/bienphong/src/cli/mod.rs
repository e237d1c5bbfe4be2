//! The command line: one binary for the field node, the server and the tools.

mod attachments;
mod edxml;
mod geo;
mod help;
mod org;
mod person;
mod records;
mod refusal;
mod reports;
mod server;
mod sheets;
mod signoff;
mod store;

pub use attachments::*;
pub use edxml::*;
pub use geo::*;
pub use help::localise;
pub use org::*;
pub use person::*;
pub use records::*;
pub use refusal::word_refusal;
pub use reports::*;
pub use server::*;
pub use sheets::*;
pub use signoff::*;
pub use store::*;

use bienphong_domain::{Cutoff, RecordType, ValidationError};
use bienphong_i18n::Lang;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("vn", "bienphong", "bienphong")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("bienphong-data"))
}

#[derive(Parser, Debug)]
#[command(
    name = "bienphong",
    version,
    about = "Hồ sơ và báo cáo công tác phối hợp khu vực biên giới / Records and reports of border-area coordination",
    after_help = "Dữ liệu mặc định / default data directory: see --data. Messages: --lang vi|en."
)]
pub struct Cli {
    /// Data directory holding the embedded store (bienphong.sqlite).
    #[arg(long, global = true, env = "BIENPHONG_DATA", default_value_os_t = default_data_dir())]
    pub data: PathBuf,

    /// The store: sqlite://PATH or postgres://USER@HOST/DB. Without it, the
    /// embedded SQLite store in the data directory.
    #[arg(
        long,
        global = true,
        env = "BIENPHONG_DATABASE",
        hide_env_values = true
    )]
    pub database: Option<String>,

    /// Language of messages.
    #[arg(
        long,
        global = true,
        env = "BIENPHONG_LANG",
        default_value = "vi",
        value_parser = clap::builder::TypedValueParser::map(
            clap::builder::PossibleValuesParser::new(["vi", "en"]),
            |s| Lang::parse(&s)
        )
    )]
    pub lang: Lang,

    /// A name recorded as claimed beside the login name, which is always
    /// recorded as the author of changes.
    #[arg(long, global = true, env = "BIENPHONG_USER")]
    pub user: Option<String>,

    /// The key of an encrypted SQLite store: a file, readable by its owner
    /// only, holding 64 hex digits (`store keygen`) or a passphrase. A new
    /// store opened with a key is created encrypted.
    #[arg(long, global = true, env = "BIENPHONG_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Ask for the passphrase of an encrypted SQLite store on the terminal.
    #[arg(long, global = true, conflicts_with = "key_file")]
    pub ask_key: bool,

    /// Trusted authorities for signatures on incoming edXML packets: a PEM
    /// file of CA certificates, or a directory of them (*.pem, *.crt,
    /// *.cer). Without it a valid signature is not judged trusted or not.
    #[arg(long, global = true, env = "BIENPHONG_TRUST_LIST", value_name = "PEM")]
    pub trust_list: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the Hà Giang demo store (or a large synthetic one) in the data directory.
    Demo(DemoArgs),
    /// Reports computed from records.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// The quarterly briefing cycle: who owes a report, a unit's report,
    /// writing and submitting it.
    Briefing {
        #[command(subcommand)]
        command: BriefingCommand,
    },
    /// Add a record, from flags or from a JSON file.
    Add(AddArgs),
    /// List live records.
    List(ListArgs),
    /// Show a record as it stands.
    Show(ShowArgs),
    /// Show every revision of a record.
    History(ShowArgs),
    /// Change a record (appends a revision).
    Edit(EditArgs),
    /// Delete a record (appends a tombstone; history stays).
    Delete(DeleteArgs),
    /// Attach a file to a record (kept once per content; its type is read
    /// from its bytes).
    Attach(AttachArgs),
    /// List the files attached to a record, or write one out (--get).
    Attachments(AttachmentsArgs),
    /// Remove a file from a record (its history keeps it).
    Detach(DetachArgs),
    /// Places and patrol tracks: GPX, coordinates, coverage of markers, exports.
    Geo {
        #[command(subcommand)]
        command: GeoCommand,
    },
    /// Write the spreadsheet template of a record type (XLSX, or CSV headers).
    Template(TemplateArgs),
    /// Import records from an XLSX or CSV file: all rows or none (see --skip-invalid).
    Import(ImportArgs),
    /// Export records as XLSX or CSV, with the filters of `list`.
    Export(ExportArgs),
    /// The organisation: official codes of its units; reorganisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Write a backup of the store while it is in use: a consistent
    /// snapshot, compressed, with a manifest and checksums (and a node's
    /// sync settings).
    Backup(BackupArgs),
    /// Restore a backup into a data directory that holds no store yet,
    /// checking its checksums and its revision set first.
    Restore(RestoreArgs),
    /// Check an installation as its service runs it (configuration, data
    /// directory, store, disk, TLS, the server of a node) and say what to
    /// fix; changes nothing.
    Doctor(DoctorArgs),
    /// Maintenance of the store.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Measure how long reports take on the store in effect.
    Bench {
        #[command(subcommand)]
        bench: BenchCommand,
    },
    /// Serve the web UI and the JSON API.
    Serve(ServeArgs),
    /// Documents and reports sent and received as edXML packets
    /// (QCVN 102:2016/BTTTT), signed with the user's own key.
    Edxml {
        #[command(subcommand)]
        command: EdxmlCommand,
    },
    /// Joint sign-off of documents and briefing reports, and their
    /// acknowledgement by recipients.
    Signoff {
        #[command(subcommand)]
        command: SignoffCommand,
    },
    /// A data subject's rights: the register of requests, what is held
    /// about a person, erasure.
    Person {
        #[command(subcommand)]
        command: PersonCommand,
    },
    /// Accounts of the web UI and the API.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens made by an administrator on the server.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// A field node: initialise it against its server.
    Node {
        #[command(subcommand)]
        command: NodeCommand,
    },
    /// Exchange revisions with the server (docs/sync-protocol.md), or by
    /// bundle files where there is no link.
    Sync(SyncArgs),
    /// Records changed in two places before a sync: their versions and
    /// the fields in which they differ.
    Conflicts(ConflictsArgs),
    /// End a conflict: keep one version (--take), optionally with some
    /// fields from another (--field NAME=REVISION); the result names every
    /// version as its parent.
    Resolve(ResolveArgs),
    /// Writes records one transaction at a time and prints each id once it is
    /// committed (used by the crash-safety test).
    #[command(hide = true)]
    DebugWriteLoop {
        #[arg(long)]
        unit: String,
        #[arg(long, default_value_t = 1000)]
        count: u32,
    },
}

/// The domain's reader: the message key is the same as the pages' and the
/// API's (`main` words it in the chosen language).
pub(crate) fn parse_cutoff(s: &str) -> Result<Cutoff, ValidationError> {
    s.parse()
}

/// The domain's one reader of a year.
pub(crate) fn parse_year(s: &str) -> Result<i16, ValidationError> {
    s.parse::<bienphong_domain::Year>()
        .map(bienphong_domain::Year::get)
}

pub fn parse_record_type(s: &str) -> Result<RecordType, String> {
    RecordType::parse(s).ok_or_else(|| {
        let names: Vec<&str> = RecordType::ALL.iter().map(|t| t.as_str()).collect();
        format!(
            "unknown record type {s}; expected one of {}",
            names.join(", ")
        )
    })
}
