//! The command line: one binary for the field node, the server and the tools.

use bienphong_domain::{Cutoff, RecordType, ValidationError};
use bienphong_i18n::Lang;
use clap::{Args, Parser, Subcommand, ValueEnum};
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
    #[arg(long, global = true, env = "BIENPHONG_LANG", value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,

    /// Name recorded as the author of changes (default: the login name).
    #[arg(long, global = true, env = "BIENPHONG_USER")]
    pub user: Option<String>,

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
    /// Write the spreadsheet template of a record type (XLSX, or CSV headers).
    Template(TemplateArgs),
    /// Import records from an XLSX or CSV file: all rows or none (see --skip-invalid).
    Import(ImportArgs),
    /// Export records as XLSX or CSV, with the filters of `list`.
    Export(ExportArgs),
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

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIENPHONG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Start on the Hà Giang demo (written first if the store is empty)
    /// with demo accounts whose passwords are generated and printed now.
    #[arg(long)]
    pub demo: bool,
    /// Send cookies only over TLS (set when a TLS proxy is in front).
    #[arg(long, env = "BIENPHONG_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Hours a sign-in lasts.
    #[arg(long, default_value_t = 8)]
    pub session_hours: u64,
    /// On a field node (after `bienphong node init`): sync with the server
    /// in the background every DURATION, e.g. 30s, 5m, 1h. A sync that fails
    /// (no link) is tried again at the next one.
    #[arg(long, env = "BIENPHONG_SYNC_EVERY", value_name = "DURATION")]
    pub sync_every: Option<String>,
    /// The server of the background sync (default: the one given to `node
    /// init`; kept, as with `bienphong sync --server`).
    #[arg(long, requires = "sync_every", value_name = "URL")]
    pub server: Option<String>,
}

/// `30s`, `5m`, `1h`: a whole number of seconds, minutes or hours, at
/// least one second and at most a week.
pub fn parse_every(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (1..=7 * 24 * 3600)
        .contains(&seconds)
        .then(|| std::time::Duration::from_secs(seconds))
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; its password is generated and printed unless
    /// --password-stdin gives one.
    Add {
        username: String,
        /// admin, provincial, editor or reader.
        #[arg(long)]
        role: String,
        /// The unit the person works for (code).
        #[arg(long)]
        unit: String,
        /// Full name as shown.
        #[arg(long, default_value = "")]
        name: String,
        /// May read and write personal data (case subjects, beneficiaries).
        #[arg(long)]
        restricted: bool,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated and printed unless --password-stdin);
    /// ends the user's sessions.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: its sessions end and its tokens are revoked.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// List accounts.
    List,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Build a synthetic store of this many province-like structures instead.
    #[arg(long)]
    pub provinces: Option<u32>,
    /// Years of synthetic records (ending 2024).
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// Synthetic records per province and year.
    #[arg(long, default_value_t = 20_000)]
    pub records_per_province_year: u32,
}

// Parsed once per run: the size of the largest variant does not matter.
#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The annual review: patrols, cases, seizures, briefings, documents,
    /// programmes, propaganda, disaster and rescue.
    Annual(AnnualArgs),
    /// The figures of any period (month, quarter, half, nine months, year or
    /// a range of days) compared with the same period of the previous year,
    /// with tables by unit and by type.
    Summary(SummaryArgs),
}

/// Which quarter's briefing.
#[derive(Args, Debug, Clone, Copy)]
pub struct QuarterArgs {
    #[arg(long, value_parser = parse_year)]
    pub year: i16,
    #[arg(long, value_parser = clap::value_parser!(i8).range(1..=4))]
    pub quarter: i8,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    /// Days after the quarter's last day a report is due.
    #[arg(long, default_value_t = bienphong_domain::briefing::DEFAULT_DUE_DAYS,
          value_parser = clap::value_parser!(i32).range(0..=90))]
    pub due_days: i32,
}

impl QuarterArgs {
    pub fn quarter(&self) -> bienphong_report::BriefingQuarter {
        bienphong_report::BriefingQuarter {
            year: self.year,
            quarter: self.quarter,
            cutoff: self.cutoff,
            due_days: self.due_days,
        }
    }
}

// Parsed once per run: the size of the largest variant does not matter.
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per run; boxing the arguments buys nothing"
)]
#[derive(Subcommand, Debug)]
pub enum BriefingCommand {
    /// Every post and border commune that owes the quarter's report, and
    /// whether it has submitted, is late or is not yet due; the open actions
    /// of earlier briefings.
    Status {
        #[command(flatten)]
        quarter: QuarterArgs,
        /// A unit: those below it (default: all).
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
    },
    /// A unit's report: its figures (live in a draft, frozen once submitted,
    /// with what has changed since), its narrative and the open actions.
    Show {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        letterhead: LetterheadArgs,
    },
    /// Write the narrative of a unit's draft (created if it has none).
    Write {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
        /// Results (kết quả đạt được).
        #[arg(long)]
        results: Option<String>,
        /// Shortcomings (tồn tại, hạn chế).
        #[arg(long)]
        shortcomings: Option<String>,
        /// Proposals (đề xuất, kiến nghị).
        #[arg(long)]
        proposals: Option<String>,
    },
    /// Submit a unit's draft: its figures are frozen as the records give
    /// them today, and it can no longer be changed.
    Submit {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Md,
    Json,
    /// Word, in the state format of Decree 30/2020 (needs -o FILE on a terminal).
    Docx,
    /// Excel: the report's tables, one sheet each.
    Xlsx,
    /// The report's tables as CSV (UTF-8 with a byte-order mark), one after
    /// another, each under a line with its name.
    Csv,
}

#[derive(Args, Debug)]
pub struct AnnualArgs {
    #[arg(long, value_parser = parse_year)]
    pub year: i16,
    /// A unit code: the report covers it and the units below it.
    #[arg(long)]
    pub scope: Option<String>,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub letterhead: LetterheadArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Style {
    /// Decree 30/2020/NĐ-CP, for state bodies.
    State,
    /// Hướng dẫn 36-HD/VPTW, for Party committees.
    Party,
}

/// The head and foot of an official document (DOCX). What is not given
/// follows from the issuing unit (the scope's) and the style.
#[derive(Args, Debug)]
pub struct LetterheadArgs {
    #[arg(long, value_enum, default_value_t = Style::State)]
    pub style: Style,
    /// The body above the issuer (default: the issuer's superior).
    #[arg(long)]
    pub parent_body: Option<String>,
    /// The issuing body (default: the scope's unit, or the Border Guard
    /// command of a province; its Party committee with --style party).
    #[arg(long)]
    pub issuer: Option<String>,
    /// The document's number in the issuer's register for the year.
    #[arg(long, conflicts_with = "register")]
    pub number: Option<u32>,
    /// Take the next number from the issuer's register for the year.
    #[arg(long)]
    pub register: bool,
    /// The symbol after the number (default: the issuer's, e.g. BC-BĐBP,
    /// BC-ĐBP, BC/ĐU).
    #[arg(long)]
    pub symbol: Option<String>,
    /// Place in the date line (default: the issuer's province, district or commune).
    #[arg(long)]
    pub place: Option<String>,
    /// Date of the document, DD/MM/YYYY (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// A classification mark, e.g. MẬT.
    #[arg(long)]
    pub classification: Option<String>,
    /// A recipient for "Nơi nhận", after the superior body (repeatable).
    #[arg(long)]
    pub recipient: Vec<String>,
    /// On whose behalf the signer signs, e.g. "TM. ĐẢNG ỦY" or "KT. CHỈ HUY TRƯỞNG".
    #[arg(long)]
    pub signing_for: Option<String>,
    /// The signer's title (default: the issuer's, e.g. ĐỒN TRƯỞNG).
    #[arg(long)]
    pub signer_title: Option<String>,
    #[arg(long)]
    pub signer_name: Option<String>,
}

/// The kinds of reporting period.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PeriodArg {
    Month,
    Quarter,
    Half,
    NineMonths,
    Year,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// The kind of period, with --year (and --quarter, --month or --half).
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// The reporting year of the period (Decree 09: year Y begins 15/12/Y-1).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<i16>,
    /// 1 to 4, with --period quarter.
    #[arg(long, conflicts_with_all = ["month", "half"])]
    pub quarter: Option<i8>,
    /// 1 to 12, with --period month.
    #[arg(long, conflicts_with = "half")]
    pub month: Option<i8>,
    /// 1 (first half) or 2 (second half), with --period half.
    #[arg(long)]
    pub half: Option<i8>,
    /// First day of a range of days (DD/MM/YYYY), instead of --period.
    #[arg(long, conflicts_with_all = ["period", "year", "quarter", "month", "half"])]
    pub from: Option<String>,
    /// Last day of the range (DD/MM/YYYY).
    #[arg(long, conflicts_with_all = ["period", "year", "quarter", "month", "half"])]
    pub to: Option<String>,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    /// A unit code: the report covers it and the units below it.
    #[arg(long)]
    pub scope: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub letterhead: LetterheadArgs,
}

impl SummaryArgs {
    /// The days the options name. A missing, out-of-range or stray option is
    /// named by its flag.
    pub fn period(&self) -> Result<bienphong_domain::Period, bienphong_domain::ValidationError> {
        use bienphong_domain::{PeriodKind, Problem, ValidationError, format};
        let invalid = |field: &str, value: i64, expected: &str| {
            ValidationError::new(
                field,
                Problem::UnknownValue {
                    value: value.to_string(),
                    expected: expected.to_string(),
                },
            )
        };
        if self.from.is_some() || self.to.is_some() {
            let day = |field: &str, value: &Option<String>| {
                let text = value
                    .as_deref()
                    .ok_or_else(|| ValidationError::new(field, Problem::Missing))?;
                format::parse_date(text).map_err(|p| ValidationError::new(field, p))
            };
            let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
            return bienphong_domain::Period::new(from, to).ok_or_else(|| {
                ValidationError::new("to", Problem::DateBefore(format::date(from)))
            });
        }
        let period = self
            .period
            .ok_or_else(|| ValidationError::new("period", Problem::Missing))?;
        let year = self
            .year
            .ok_or_else(|| ValidationError::new("year", Problem::Missing))?;
        if !(1000..=9999).contains(&year) {
            return Err(invalid("year", year.into(), "1000–9999"));
        }
        // Only the option the kind of period takes.
        let wanted = match period {
            PeriodArg::Quarter => "quarter",
            PeriodArg::Month => "month",
            PeriodArg::Half => "half",
            PeriodArg::NineMonths | PeriodArg::Year => "",
        };
        for (field, value) in [
            ("quarter", self.quarter),
            ("month", self.month),
            ("half", self.half),
        ] {
            if let Some(v) = value
                && field != wanted
            {
                let expected = format!("--period {field}");
                return Err(invalid(field, v.into(), &expected));
            }
        }
        let part = |value: Option<i8>, range: std::ops::RangeInclusive<i8>, expected: &str| {
            let v = value.ok_or_else(|| ValidationError::new(wanted, Problem::Missing))?;
            if range.contains(&v) {
                Ok(v)
            } else {
                Err(invalid(wanted, v.into(), expected))
            }
        };
        let kind = match period {
            PeriodArg::Month => PeriodKind::Month {
                year,
                month: part(self.month, 1..=12, "1–12")?,
            },
            PeriodArg::Quarter => PeriodKind::Quarter {
                year,
                quarter: part(self.quarter, 1..=4, "1, 2, 3, 4")?,
            },
            PeriodArg::Half => PeriodKind::Half {
                year,
                half: part(self.half, 1..=2, "1, 2")?,
            },
            PeriodArg::NineMonths => PeriodKind::NineMonths { year },
            PeriodArg::Year => PeriodKind::Year { year },
        };
        Ok(kind.period(self.cutoff))
    }
}

/// The domain's reader: the message key is the same as the pages' and the
/// API's (`main` words it in the chosen language).
fn parse_cutoff(s: &str) -> Result<Cutoff, ValidationError> {
    s.parse()
}

/// The domain's one reader of a year.
fn parse_year(s: &str) -> Result<i16, ValidationError> {
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

#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    /// Read the record from a JSON file ('-' for standard input).
    #[arg(long)]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub fields: RecordFlags,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    /// The revision you are editing; refused if the record changed since.
    #[arg(long)]
    pub expect: Option<String>,
    /// Replace the whole record with this JSON file ('-' for standard input).
    #[arg(long)]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub fields: RecordFlags,
}

#[derive(Args, Debug)]
pub struct ConflictsArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ResolveArgs {
    /// The record in conflict.
    pub id: String,
    /// The version to keep (a revision id listed by `bienphong conflicts`).
    #[arg(long)]
    pub take: String,
    /// Take this field from another version instead: NAME=REVISION
    /// (repeatable).
    #[arg(long = "field", value_name = "NAME=REVISION")]
    pub fields: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    #[arg(long)]
    pub expect: Option<String>,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    pub id: String,
    /// Allow showing restricted personal data.
    #[arg(long)]
    pub restricted: bool,
}

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

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long)]
    pub limit: Option<u32>,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Allow listing restricted personal data.
    #[arg(long)]
    pub restricted: bool,
}

/// Which records a list or an export holds.
#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Records counted under this unit or the units below it.
    #[arg(long)]
    pub unit: Option<String>,
    /// A reporting year (with --cutoff).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<i16>,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    /// First day (DD/MM/YYYY).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (DD/MM/YYYY).
    #[arg(long)]
    pub to: Option<String>,
    /// Only records of this kind: case type, meeting type, document type,
    /// programme, patrol kind (joint, bilateral, post_only)…
    #[arg(long = "type")]
    pub category: Option<String>,
}

/// Fields of a record given as flags; each maps to the JSON field of the
/// same name (`--unit` and `--partner` to the record type's own).
#[derive(Args, Debug, Default)]
pub struct RecordFlags {
    #[arg(long)]
    pub date: Option<String>,
    /// The leading / handling / hosting / sponsoring unit.
    #[arg(long)]
    pub unit: Option<String>,
    /// A unit that took part (repeatable).
    #[arg(long)]
    pub partner: Vec<String>,
    #[arg(long)]
    pub kind: Option<String>,
    /// A border marker covered (repeatable).
    #[arg(long)]
    pub marker: Vec<String>,
    /// Participants of a force: FORCE=PERSONS (repeatable), e.g. BDBP=6.
    #[arg(long)]
    pub force: Vec<String>,
    #[arg(long)]
    pub hours: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[arg(long)]
    pub case_type: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub subjects: Option<String>,
    #[arg(long)]
    pub outcome: Option<String>,
    /// A seized item: ITEM=QUANTITY (repeatable), e.g. THUOCPHIEN=0,43.
    #[arg(long)]
    pub seizure: Vec<String>,
    #[arg(long)]
    pub meeting_type: Option<String>,
    #[arg(long)]
    pub period_from: Option<String>,
    #[arg(long)]
    pub period_to: Option<String>,
    #[arg(long)]
    pub attendance: Option<String>,
    #[arg(long)]
    pub content: Option<String>,
    #[arg(long)]
    pub lessons: Option<String>,
    #[arg(long)]
    pub document_type: Option<String>,
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub issuer: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    /// A recipient unit, optionally with its acknowledgement: CODE or CODE:DD/MM/YYYY (repeatable).
    #[arg(long)]
    pub recipient: Vec<String>,
    #[arg(long)]
    pub programme: Option<String>,
    #[arg(long)]
    pub beneficiary_kind: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long)]
    pub monthly_amount: Option<String>,
    /// A disbursement: DD/MM/YYYY=AMOUNT (repeatable).
    #[arg(long)]
    pub disbursement: Vec<String>,
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long)]
    pub sessions: Option<String>,
    #[arg(long)]
    pub listeners: Option<String>,
    #[arg(long)]
    pub persons_mobilised: Option<String>,
    #[arg(long)]
    pub people_rescued: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Write a workbook of synthetic patrols of the store's posts (to
    /// measure `bench import` on).
    SheetFile {
        #[arg(long, default_value_t = 200_000)]
        rows: u32,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Import a file as `import` does and report rows per second and the
    /// process's peak memory.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Time the annual review (min / median / max over --runs).
    Annual {
        #[arg(long, default_value_t = 2023)]
        year: i16,
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
        cutoff: Cutoff,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Recompute every derived table from the revisions.
    Rebuild,
    /// Check the file's integrity and that derived tables match the revisions.
    Check,
    /// Copy the whole store (revisions and all) into an empty one, then
    /// verify counts and a digest of the revision set.
    Copy {
        /// The source (default: the store in effect).
        #[arg(long)]
        from: Option<String>,
        /// The target: sqlite://PATH or postgres://…
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a node token for a field node of a unit (it acts as an editor
    /// of that unit, personal data included); the token is printed once.
    Create {
        /// A node token (the only kind made here: people make their own
        /// tokens in the web UI).
        #[arg(long, required = true)]
        node: bool,
        /// The node's unit (code).
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// A name to recognise the token by (default: "node CODE").
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum NodeCommand {
    /// Remember the server and the node token (kept in sync.json, owner-only).
    Init {
        #[arg(long)]
        server: String,
        /// A node token an administrator created for this node's unit.
        #[arg(long, env = "BIENPHONG_TOKEN", hide_env_values = true)]
        token: String,
        /// The certificate (PEM) of the authority that signed the server's
        /// HTTPS certificate, when the system does not trust it already.
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The server to sync with (default: the one given to `node init`).
    #[arg(long)]
    pub server: Option<String>,
    /// Pull everything again from the start (after a restore or a wider scope).
    #[arg(long)]
    pub full: bool,
    /// Write what this store would send into FILE instead of syncing over the
    /// network. On the server, with --import-bundle: write the reply there.
    #[arg(long, value_name = "FILE")]
    pub export_bundle: Option<PathBuf>,
    /// Apply a bundle from FILE (on a node: the server's reply; on the
    /// server, with --as-unit: a node's bundle, checked like a push).
    #[arg(long, value_name = "FILE")]
    pub import_bundle: Option<PathBuf>,
    /// On the server: apply the bundle as a node of this unit.
    #[arg(long, value_name = "CODE")]
    pub as_unit: Option<String>,
    /// On the server, with --as-unit: the node may read personal data (its
    /// reply carries case subjects and beneficiaries). Without it, only a
    /// node whose last online sync was with such a grant receives them.
    #[arg(long, requires = "as_unit")]
    pub restricted: bool,
}

#[cfg(test)]
mod tests {
    use super::parse_every;
    use std::time::Duration;

    #[test]
    fn sync_every_takes_seconds_minutes_and_hours() {
        assert_eq!(parse_every("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_every(" 5m "), Some(Duration::from_secs(300)));
        assert_eq!(parse_every("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_every("168h"), Some(Duration::from_secs(604_800)));
        for bad in [
            "",
            "30",
            "s",
            "0s",
            "-5m",
            "1.5h",
            "5 minutes",
            "1d",
            "169h",
            "5mm",
        ] {
            assert_eq!(parse_every(bad), None, "{bad:?}");
        }
    }
}
