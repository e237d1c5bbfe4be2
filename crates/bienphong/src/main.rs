//! bienphong: the field node, the provincial server and the CLI in one binary.

mod briefing;
mod cli;
mod conflicts;
mod demo;
mod records;
mod serve;
mod sheets;
mod sync;

use anyhow::Context;
use bienphong_domain::org::Code;
use bienphong_domain::{
    Content, Period, RecordId, RecordType, RevisionId, ValidationError, format,
};
use bienphong_i18n::Lang;
use bienphong_report::ReportError;
use bienphong_service::{Actor, Service, ServiceError};
use bienphong_store::{ListFilter, SqlStore, Store, StoreError};
use clap::Parser;
use cli::{BenchCommand, Cli, Command, Format, ReportCommand, StoreCommand};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What went wrong, mapped once to a message and an exit code.
#[derive(Debug)]
pub enum CliError {
    Invalid(ValidationError),
    Service(ServiceError),
    Report(ReportError),
    Sheet(bienphong_sheets::SheetError),
    /// A message from the catalogue, with its exit code.
    Message(&'static str, Vec<(&'static str, String)>, u8),
    Other(anyhow::Error),
}

impl From<ValidationError> for CliError {
    fn from(e: ValidationError) -> Self {
        Self::Invalid(e)
    }
}
impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}
impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        Self::Service(ServiceError::Store(e))
    }
}
impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        Self::Report(e)
    }
}
impl From<bienphong_sync::SyncError> for CliError {
    fn from(e: bienphong_sync::SyncError) -> Self {
        match e {
            bienphong_sync::SyncError::Busy { path } => {
                Self::Message("sync-busy", vec![("path", path)], EXIT_CONFLICT)
            }
            bienphong_sync::SyncError::Certificate(detail) => {
                Self::Message("sync-bad-ca", vec![("detail", detail)], EXIT_INVALID)
            }
            other => Self::Other(other.into()),
        }
    }
}

impl From<bienphong_sheets::SheetError> for CliError {
    fn from(e: bienphong_sheets::SheetError) -> Self {
        match e {
            bienphong_sheets::SheetError::Service(e) => Self::Service(e),
            other => Self::Sheet(other),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        Self::Other(e)
    }
}

const EXIT_INVALID: u8 = 2;
const EXIT_NOT_FOUND: u8 = 3;
const EXIT_CONFLICT: u8 = 4;

/// The arguments of a "record X is A, not B" message.
fn mismatch(
    record: &RecordId,
    expected: &impl std::fmt::Display,
    actual: &impl std::fmt::Display,
) -> [(&'static str, String); 3] {
    [
        ("id", record.to_string()),
        ("expected", expected.to_string()),
        ("actual", actual.to_string()),
    ]
}

/// A writing node's time as `05/02/2024 14:30` at the border.
fn local_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            let z = t
                .in_tz(bienphong_domain::TIME_ZONE)
                .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC));
            format!("{} {}", format::date(z.date()), z.strftime("%H:%M"))
        })
        .unwrap_or_default()
}

fn join_ids(ids: &[bienphong_domain::RevisionId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn store_message(lang: Lang, e: &StoreError) -> (String, u8) {
    let id = |r: &RecordId| ("id", r.to_string());
    match e {
        StoreError::NotFound(r) => (lang.text("record-not-found", &[id(r)]), EXIT_NOT_FOUND),
        StoreError::Deleted(r) => (lang.text("record-deleted", &[id(r)]), EXIT_NOT_FOUND),
        StoreError::AlreadyExists(r) => (lang.text("record-exists", &[id(r)]), EXIT_CONFLICT),
        StoreError::Stale {
            record,
            expected,
            actual,
        } => (
            lang.text("record-stale", &mismatch(record, expected, actual)),
            EXIT_CONFLICT,
        ),
        StoreError::WrongType {
            record,
            expected,
            actual,
        } => (
            lang.text("record-wrong-type", &mismatch(record, expected, actual)),
            EXIT_INVALID,
        ),
        StoreError::Open { path, reason } => (
            lang.text(
                "store-open",
                &[("path", path.clone()), ("detail", reason.clone())],
            ),
            1,
        ),
        StoreError::UnsupportedUrl(url) => (
            lang.text("store-unsupported-url", &[("value", url.clone())]),
            EXIT_INVALID,
        ),
        StoreError::SchemaTooNew(v) => (
            lang.text("store-schema-too-new", &[("value", v.to_string())]),
            1,
        ),
        StoreError::TargetNotEmpty => (lang.text("store-target-not-empty", &[]), EXIT_CONFLICT),
        StoreError::DiskFull(detail) => (
            lang.text("store-disk-full", &[("detail", detail.clone())]),
            1,
        ),
        StoreError::InConflict { record, heads } => (
            lang.text(
                "record-in-conflict",
                &[id(record), ("heads", join_ids(heads))],
            ),
            EXIT_CONFLICT,
        ),
        StoreError::NotInConflict(r) => {
            (lang.text("record-not-in-conflict", &[id(r)]), EXIT_CONFLICT)
        }
        other => (
            lang.text("store-error", &[("detail", other.to_string())]),
            1,
        ),
    }
}

/// Whether the store in effect is a field node's (initialised with `node
/// init`, so `sync.json` sits beside its SQLite file).
fn is_node(data: &Path, database: &Option<String>) -> bool {
    database.is_none() && bienphong_sync::client::NodeState::path_in(data).is_file()
}

impl CliError {
    /// Whether the input names a unit or catalogue entry the store does not
    /// know (on a node: perhaps not received yet).
    fn names_unknown_organisation(&self) -> bool {
        let problem = match self {
            Self::Invalid(e)
            | Self::Service(ServiceError::Invalid(e))
            | Self::Report(ReportError::Service(ServiceError::Invalid(e))) => &e.problem,
            Self::Service(ServiceError::UnknownUnit(_)) => return true,
            _ => return false,
        };
        matches!(
            problem,
            bienphong_domain::Problem::UnknownUnit(_)
                | bienphong_domain::Problem::UnknownCatalogueEntry { .. }
        )
    }

    fn service_text(&self) -> String {
        match self {
            Self::Service(e) => e.to_string(),
            _ => String::new(),
        }
    }

    fn render(&self, lang: Lang) -> (String, u8) {
        match self {
            Self::Invalid(e) | Self::Service(ServiceError::Invalid(e)) => {
                (lang.problem(e), EXIT_INVALID)
            }
            Self::Service(ServiceError::Store(e)) | Self::Report(ReportError::Store(e)) => {
                store_message(lang, e)
            }
            Self::Report(ReportError::Service(ServiceError::Invalid(e))) => {
                (lang.problem(e), EXIT_INVALID)
            }
            Self::Report(ReportError::Service(ServiceError::Store(e))) => store_message(lang, e),
            // Every report names the field, whichever command asked.
            Self::Report(ReportError::UnknownScope(code)) => (
                lang.problem(&ValidationError::new(
                    "scope",
                    bienphong_domain::Problem::UnknownUnit(code.clone()),
                )),
                EXIT_INVALID,
            ),
            Self::Service(ServiceError::Resolution(p)) => {
                let (key, args) = p.message();
                (lang.text(key, &args), EXIT_INVALID)
            }
            Self::Service(ServiceError::UnknownUser(_)) => (self.service_text(), EXIT_NOT_FOUND),
            Self::Service(ServiceError::Internal(_)) => (self.service_text(), 1),
            Self::Service(_) => (self.service_text(), EXIT_INVALID),
            Self::Report(e) => (e.to_string(), 1),
            Self::Sheet(e @ bienphong_sheets::SheetError::Write(_)) => (e.message(lang), 1),
            Self::Sheet(e) => (e.message(lang), EXIT_INVALID),
            Self::Message(key, args, code) => (lang.text(key, args), *code),
            Self::Other(e) => (format!("{e:#}"), 1),
        }
    }
}

type Result<T> = std::result::Result<T, CliError>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refuse_arguments(e),
    };
    let lang = cli.lang;
    let (data, database) = (cli.data.clone(), cli.database.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Other(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let (mut message, code) = e.render(lang);
            if is_node(&data, &database) && e.names_unknown_organisation() {
                message = format!("{message}\n{}", lang.text("node-sync-for-catalogue", &[]));
            }
            eprintln!("{}: {message}", lang.text("error-prefix", &[]));
            ExitCode::from(code)
        }
    }
}

/// A flag value the domain's reader refused (a year, a cut-off) is worded
/// like the same refusal on a page or through the API, in the chosen
/// language; clap words every other mistake in the arguments.
fn refuse_arguments(e: clap::Error) -> ExitCode {
    use std::error::Error as _;
    if e.kind() == clap::error::ErrorKind::ValueValidation
        && let Some(v) = e
            .source()
            .and_then(|s| s.downcast_ref::<bienphong_domain::ValidationError>())
    {
        let lang = lang_of_arguments();
        eprintln!("{}: {}", lang.text("error-prefix", &[]), lang.problem(v));
        return ExitCode::from(EXIT_INVALID);
    }
    e.exit()
}

/// `--lang` (or `BIENPHONG_LANG`) when the arguments as a whole could not
/// be parsed.
fn lang_of_arguments() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        });
    given
        .or_else(|| std::env::var("BIENPHONG_LANG").ok())
        .map_or(Lang::Vi, |l| Lang::parse(&l))
}

/// A reader such as `head` that closed the pipe early is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn store_path(data: &Path) -> PathBuf {
    data.join("bienphong.sqlite")
}

/// The store the options name: `--database URL`, or the SQLite file in the
/// data directory.
async fn open_store(data: &Path, database: &Option<String>) -> Result<SqlStore> {
    match database {
        Some(url) => Ok(SqlStore::connect(url).await?),
        None => {
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create the data directory {}", data.display()))?;
            Ok(SqlStore::open_sqlite(&store_path(data)).await?)
        }
    }
}

/// Where the store is, as it may be shown (passwords masked).
fn store_location(data: &Path, database: &Option<String>) -> String {
    match database {
        Some(url) => bienphong_store::mask_url(url),
        None => store_path(data).display().to_string(),
    }
}

fn author(cli_user: &Option<String>) -> String {
    cli_user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "bienphong".to_string())
}

fn parse_record_id(s: &str) -> Result<RecordId> {
    s.parse().map_err(|_| {
        CliError::Invalid(ValidationError::new(
            "id",
            bienphong_domain::Problem::UnknownRecord(s.to_string()),
        ))
    })
}

fn parse_revision_id(s: &Option<String>) -> Result<Option<RevisionId>> {
    s.as_deref()
        .map(|s| {
            s.parse().map_err(|_| {
                CliError::Invalid(ValidationError::new(
                    "expect",
                    bienphong_domain::Problem::UnknownRecord(s.to_string()),
                ))
            })
        })
        .transpose()
}

fn read_input(path: &Path) -> Result<String> {
    let mut text = String::new();
    let outcome = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    outcome.map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", path.display().to_string()),
                ("detail", e.to_string()),
            ],
            EXIT_INVALID,
        )
    })?;
    Ok(text)
}

/// Commands that only read: on a data directory without a store they would
/// otherwise create an empty one and report zeros as if it were real.
fn reads_only(command: &Command) -> bool {
    matches!(
        command,
        Command::Report { .. }
            | Command::List(_)
            | Command::Show(_)
            | Command::History(_)
            | Command::Export(_)
    )
}

async fn run(cli: Cli) -> Result<()> {
    if reads_only(&cli.command) && cli.database.is_none() && !store_path(&cli.data).exists() {
        return Err(CliError::Message(
            "store-missing",
            vec![("path", cli.data.display().to_string())],
            EXIT_INVALID,
        ));
    }
    let lang = cli.lang;
    let mut out = std::io::stdout().lock();
    let say = |key: &str, args: &[(&'static str, String)]| lang.text(key, args);
    match cli.command {
        Command::Demo(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            demo::run(
                &service,
                &store_location(&cli.data, &cli.database),
                args,
                lang,
            )
            .await
        }
        Command::Report {
            report: ReportCommand::Annual(args),
        } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let scope = args
                .scope
                .as_deref()
                .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
                .transpose()?;
            let review =
                bienphong_report::annual_review(&service, args.year, args.cutoff, scope.as_ref())
                    .await?;
            let bytes = match args.format {
                Format::Md => bienphong_report::to_markdown(&review)?.into_bytes(),
                Format::Json => bienphong_report::to_json(&review)?.into_bytes(),
                Format::Docx => {
                    let org = service.org().await?;
                    let head = letterhead(
                        &args.letterhead,
                        service.store(),
                        &org,
                        scope.as_ref(),
                        review.period.to,
                    )
                    .await?;
                    let charts = bienphong_report::annual_charts(&service, &review).await?;
                    bienphong_report::markdown_to_docx_with_charts(
                        &bienphong_report::to_markdown(&review)?,
                        &head,
                        &charts.shown(),
                    )?
                }
                Format::Xlsx => bienphong_report::tables_to_xlsx(
                    &bienphong_report::annual_tables(&review).all(),
                )?,
                Format::Csv => {
                    bienphong_report::tables_to_csv(&bienphong_report::annual_tables(&review).all())
                }
            };
            let binary = matches!(args.format, Format::Docx | Format::Xlsx);
            emit(&mut out, &bytes, args.output.as_deref(), binary)
        }
        Command::Report {
            report: ReportCommand::Summary(args),
        } => {
            // Checked before the store is opened: bad input touches nothing.
            let period = args.period()?;
            let scope = args
                .scope
                .as_deref()
                .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
                .transpose()?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let summary = bienphong_report::summary(&service, period, scope.as_ref()).await?;
            let bytes = match args.format {
                Format::Json => bienphong_report::summary_to_json(&summary)?.into_bytes(),
                Format::Md => bienphong_report::summary_to_markdown(&summary)?.into_bytes(),
                Format::Xlsx => {
                    let tables = bienphong_report::summary_tables(&summary);
                    bienphong_report::tables_to_xlsx(&tables.iter().collect::<Vec<_>>())?
                }
                Format::Csv => {
                    let tables = bienphong_report::summary_tables(&summary);
                    bienphong_report::tables_to_csv(&tables.iter().collect::<Vec<_>>())
                }
                Format::Docx => {
                    let org = service.org().await?;
                    let head = letterhead(
                        &args.letterhead,
                        service.store(),
                        &org,
                        scope.as_ref(),
                        period.to,
                    )
                    .await?;
                    let charts = bienphong_report::summary_charts(&service, &summary).await?;
                    bienphong_report::markdown_to_docx_with_charts(
                        &bienphong_report::summary_to_markdown(&summary)?,
                        &head,
                        &charts.shown(),
                    )?
                }
            };
            emit(
                &mut out,
                &bytes,
                args.output.as_deref(),
                matches!(args.format, Format::Docx | Format::Xlsx),
            )
        }
        Command::Conflicts(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            conflicts::list(&service, &mut out, lang, args.json).await
        }
        Command::Resolve(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            conflicts::resolve(&service, &mut out, lang, author(&cli.user), args).await
        }
        Command::Briefing { command } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            briefing::run(command, &service, &mut out, lang, author(&cli.user)).await
        }
        Command::Add(args) => {
            let content = match &args.json {
                Some(path) => records::content_from_json(args.record_type, &read_input(path)?)?,
                None => records::content_from_object(
                    args.record_type,
                    records::apply_flags(args.record_type, &args.fields, Default::default())?,
                )?,
            };
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let rev = service.add(&Actor::now(author(&cli.user)), content).await?;
            announce(&mut out, lang, "added", &rev)?;
            echo_read_as(&mut out, lang, &records::ambiguous_numbers(&args.fields))
        }
        Command::Edit(args) => {
            let id = parse_record_id(&args.id)?;
            let expected = parse_revision_id(&args.expect)?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let current = get_of_type(&service, id, args.record_type).await?;
            let content = match &args.json {
                Some(path) => records::content_from_json(args.record_type, &read_input(path)?)?,
                None => {
                    let base = serde_json::from_str(&current.content)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    records::content_from_object(
                        args.record_type,
                        records::apply_flags(args.record_type, &args.fields, base)?,
                    )?
                }
            };
            let rev = service
                .edit(&Actor::now(author(&cli.user)), id, expected, content)
                .await?;
            announce(&mut out, lang, "edited", &rev)?;
            echo_read_as(&mut out, lang, &records::ambiguous_numbers(&args.fields))
        }
        Command::Delete(args) => {
            let id = parse_record_id(&args.id)?;
            let expected = parse_revision_id(&args.expect)?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let rev = service
                .delete_of(
                    &Actor::now(author(&cli.user)),
                    args.record_type,
                    id,
                    expected,
                )
                .await?;
            announce(&mut out, lang, "deleted", &rev)?;
            Ok(())
        }
        Command::Show(args) => {
            let id = parse_record_id(&args.id)?;
            refuse_restricted(args.record_type, args.restricted)?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let r = get_of_type(&service, id, args.record_type).await?;
            let value: serde_json::Value =
                serde_json::from_str(&r.content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let shown = serde_json::json!({
                "id": r.record_id.to_string(),
                "type": r.record_type.as_str(),
                "revision": r.revision_id.to_string(),
                "content": value,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&shown).unwrap_or_default()
            )
            .context("stdout")?;
            Ok(())
        }
        Command::History(args) => {
            let id = parse_record_id(&args.id)?;
            refuse_restricted(args.record_type, args.restricted)?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let revisions = service.history(id).await?;
            for r in &revisions {
                let when = local_time(r.created_ms);
                let what = if r.deleted {
                    say("history-deleted", &[])
                } else if r.parents.is_empty() {
                    say("history-created", &[])
                } else {
                    say("history-edited", &[])
                };
                writeln!(out, "{}  {when}  {}  {what}", r.id, r.author).context("stdout")?;
                if !r.deleted
                    && let Some(before) = bienphong_domain::revision::parent_content(&revisions, r)
                {
                    for change in records::changed_fields(before, &r.content) {
                        writeln!(out, "    {change}").context("stdout")?;
                    }
                }
            }
            Ok(())
        }
        Command::List(args) => {
            refuse_restricted(args.record_type, args.restricted)?;
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let org = service.org().await?;
            let mut filter = list_filter(&org, args.record_type, &args.filter)?;
            filter.limit = args.limit;
            let rows = service.list(filter).await?;
            let mut rows = rows;
            if args.record_type == RecordType::Unit {
                let name = |r: &bienphong_store::CurrentRecord| match Content::from_json(
                    r.record_type,
                    &r.content,
                ) {
                    Ok(Content::Unit(u)) => u.name.to_string(),
                    _ => String::new(),
                };
                rows.sort_by(|a, b| bienphong_domain::text::collate(&name(a), &name(b)));
            }
            if rows.is_empty() && !args.json {
                writeln!(out, "{}", say("no-records", &[])).context("stdout")?;
            }
            for r in rows {
                if args.json {
                    let value: serde_json::Value =
                        serde_json::from_str(&r.content).unwrap_or_default();
                    let line = serde_json::json!({"id": r.record_id.to_string(), "revision": r.revision_id.to_string(), "content": value});
                    writeln!(out, "{line}").context("stdout")?;
                    continue;
                }
                let content = Content::from_json(r.record_type, &r.content)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (lead, _) = content.units();
                let lead = lead.map(|c| c.to_string()).unwrap_or_default();
                let day = r.day.map(format::date).unwrap_or_default();
                writeln!(
                    out,
                    "{}  {day:10}  {lead:16}  {}",
                    r.record_id,
                    records::summary(&content)
                )
                .context("stdout")?;
            }
            Ok(())
        }
        Command::Template(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            sheets::template(&service, args, &mut out).await
        }
        Command::Export(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            sheets::export(&service, args, &mut out).await
        }
        Command::Import(args) => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            sheets::import(&service, args, author(&cli.user), lang, &mut out).await
        }
        Command::Store { command } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let store = service.store();
            match command {
                StoreCommand::Rebuild => {
                    store.rebuild().await?;
                    let n = store.revision_count().await?;
                    writeln!(
                        out,
                        "{}",
                        say("rebuilt", &[("revisions", format::integer(n as i64))])
                    )
                    .context("stdout")?;
                }
                StoreCommand::Copy { from, to } => {
                    let source = match from {
                        Some(url) => SqlStore::connect(&url).await?,
                        None => open_store(&cli.data, &cli.database).await?,
                    };
                    let target = SqlStore::connect(&to).await?;
                    let report = bienphong_store::copy(&source, &target, |n| {
                        eprint!("\r{} …", format::integer(n as i64));
                    })
                    .await?;
                    eprintln!();
                    writeln!(
                        out,
                        "{}",
                        say(
                            "copied",
                            &[
                                ("revisions", format::integer(report.revisions as i64)),
                                ("to", bienphong_store::mask_url(&to)),
                                ("digest", report.digest),
                            ]
                        )
                    )
                    .context("stdout")?;
                }
                StoreCommand::Check => {
                    let integrity = store.integrity_check().await?;
                    if integrity != "ok" {
                        return Err(StoreError::Corrupt(integrity).into());
                    }
                    let mixed = store.records_of_mixed_type().await?;
                    if let Some(first) = mixed.first() {
                        return Err(CliError::Message(
                            "check-mixed-type",
                            vec![
                                ("count", format::integer(mixed.len() as i64)),
                                ("record", first.to_string()),
                            ],
                            1,
                        ));
                    }
                    if !store.verify_derived().await? {
                        return Err(CliError::Message("check-failed", vec![], 1));
                    }
                    writeln!(out, "{}", say("check-ok", &[])).context("stdout")?;
                }
            }
            Ok(())
        }
        Command::Bench {
            bench: BenchCommand::SheetFile { rows, output },
        } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            sheets::bench_file(&service, rows, &output).await
        }
        Command::Bench {
            bench: BenchCommand::Import { file, dry_run },
        } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            sheets::bench_import(&service, &file, dry_run, author(&cli.user), &mut out).await
        }
        Command::Bench {
            bench:
                BenchCommand::Annual {
                    year,
                    scope,
                    cutoff,
                    runs,
                },
        } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let scope = scope
                .as_deref()
                .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
                .transpose()?;
            let records = service.store().record_count().await?;
            let mut times = Vec::new();
            let mut check = 0;
            for _ in 0..runs.max(1) {
                let started = std::time::Instant::now();
                let review =
                    bienphong_report::annual_review(&service, year, cutoff, scope.as_ref()).await?;
                times.push(started.elapsed());
                check = review.patrols.count;
            }
            times.sort();
            let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
            writeln!(
                out,
                "annual review {year}, scope {}: {} live records; patrols {}; min {} ms, median {} ms, max {} ms over {} runs",
                scope.map_or("all".to_string(), |c| c.to_string()),
                format::integer(records as i64),
                format::integer(check),
                ms(times[0]),
                ms(times[times.len() / 2]),
                ms(times[times.len() - 1]),
                times.len()
            )
            .context("stdout")?;
            Ok(())
        }
        Command::Serve(args) => {
            let node = serve::node_sync(&cli.data, &args)?;
            let store = open_store(&cli.data, &cli.database).await?;
            let location = store_location(&cli.data, &cli.database);
            serve::run(store, &location, args, &cli.data, node, lang).await
        }
        Command::User { command } => {
            let store = open_store(&cli.data, &cli.database).await?;
            serve::user(store, command, &author(&cli.user), lang, &mut out).await
        }
        Command::Token { command } => {
            let store = open_store(&cli.data, &cli.database).await?;
            serve::token(store, command, &author(&cli.user), lang, &mut out).await
        }
        Command::Node { command } => {
            let store = open_store(&cli.data, &cli.database).await?;
            sync::node(&store, &cli.data, command, &mut out).await
        }
        Command::Sync(args) => {
            let store = open_store(&cli.data, &cli.database).await?;
            sync::run(store, &cli.data, args, &mut out).await
        }
        Command::DebugWriteLoop { unit, count } => {
            let service = Service::new(open_store(&cli.data, &cli.database).await?);
            let unit = Code::parse(&unit).map_err(|p| ValidationError::new("unit", p))?;
            for i in 0..count {
                let content = Content::Propaganda(bienphong_domain::record::Propaganda {
                    date: jiff::civil::date(2024, 5, 1),
                    unit: unit.clone(),
                    partner_units: vec![],
                    topic: "Kiểm thử ghi liên tục".into(),
                    sessions: 1,
                    listeners: i,
                });
                let rev = service.add(&Actor::now(author(&cli.user)), content).await?;
                // Printed only after the commit returned: an acknowledged write.
                writeln!(out, "{}", rev.record_id).context("stdout")?;
                out.flush().context("stdout")?;
            }
            Ok(())
        }
    }
}

/// The records a list or an export holds, from the filter options.
fn list_filter(
    org: &bienphong_domain::org::Org,
    record_type: RecordType,
    args: &cli::FilterArgs,
) -> Result<ListFilter> {
    let from = args
        .from
        .as_deref()
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("from", p))?;
    let to = args
        .to
        .as_deref()
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("to", p))?;
    let period = match (args.year, from, to) {
        (Some(y), _, _) => Some(Period::year(y, args.cutoff)),
        (None, None, None) => None,
        (None, f, t) => Some(
            Period::new(
                f.unwrap_or(bienphong_domain::Date::MIN),
                t.unwrap_or(bienphong_domain::Date::MAX),
            )
            .ok_or_else(|| {
                ValidationError::new(
                    "to",
                    bienphong_domain::Problem::DateBefore(args.from.clone().unwrap_or_default()),
                )
            })?,
        ),
    };
    let units = match &args.unit {
        Some(u) => {
            let code = Code::parse(u).map_err(|p| ValidationError::new("unit", p))?;
            if org.unit(&code).is_none() {
                return Err(ValidationError::new(
                    "unit",
                    bienphong_domain::Problem::UnknownUnit(u.clone()),
                )
                .into());
            }
            let span = period.unwrap_or(Period {
                from: bienphong_domain::Date::MIN,
                to: bienphong_domain::Date::MAX,
            });
            Some(org.scope(&code, &span))
        }
        None => None,
    };
    Ok(ListFilter {
        record_type: Some(record_type),
        period,
        units,
        category: args.category.clone(),
        ..ListFilter::default()
    })
}

/// Writes a report to `output`, or to standard output; a binary format goes
/// to a terminal only by mistake, so there it needs a file.
fn emit(
    out: &mut impl std::io::Write,
    bytes: &[u8],
    output: Option<&Path>,
    binary: bool,
) -> Result<()> {
    use std::io::IsTerminal;
    match output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None if binary && std::io::stdout().is_terminal() => {
            return Err(ValidationError::new("output", bienphong_domain::Problem::Missing).into());
        }
        None => out.write_all(bytes).context("stdout")?,
    }
    Ok(())
}

/// The letterhead of a report on `scope`, with what the options leave out
/// taken from the organisation as it stood on the period's last day.
async fn letterhead(
    args: &cli::LetterheadArgs,
    store: &SqlStore,
    org: &bienphong_domain::org::Org,
    scope: Option<&Code>,
    as_of: bienphong_domain::Date,
) -> Result<bienphong_report::Letterhead> {
    let date = match &args.date {
        Some(d) => format::parse_date(d).map_err(|p| ValidationError::new("date", p))?,
        None => today(),
    };
    let style = match args.style {
        cli::Style::State => bienphong_report::DocumentStyle::State,
        cli::Style::Party => bienphong_report::DocumentStyle::Party,
    };
    let mut head = bienphong_report::Letterhead::derive(org, scope, style, as_of, date).with(
        bienphong_report::LetterheadOverrides {
            parent_body: args.parent_body.clone(),
            issuing_body: args.issuer.clone(),
            number: args.number,
            symbol: args.symbol.clone(),
            place: args.place.clone(),
            classification: args.classification.clone(),
            recipients: args.recipient.clone(),
            signing_for: args.signing_for.clone(),
            signer_title: args.signer_title.clone(),
            signer_name: args.signer_name.clone(),
        },
    );
    if args.register {
        head.number_from_register(store).await?;
    }
    Ok(head)
}

/// The live record `id`, refused if it is not of the type the user named.
async fn get_of_type(
    service: &Service<SqlStore>,
    id: RecordId,
    record_type: RecordType,
) -> Result<bienphong_store::CurrentRecord> {
    let current = service.get(id).await?;
    if current.record_type != record_type {
        return Err(StoreError::WrongType {
            record: id,
            expected: record_type,
            actual: current.record_type,
        }
        .into());
    }
    Ok(current)
}

/// "Added patrol ID (revision REV)" and the like.
use bienphong_service::today;

fn announce(
    out: &mut impl std::io::Write,
    lang: Lang,
    key: &str,
    rev: &bienphong_domain::Revision,
) -> Result<()> {
    let text = lang.text(
        key,
        &[
            ("type", rev.record_type.to_string()),
            ("id", rev.record_id.to_string()),
            ("revision", rev.id.to_string()),
        ],
    );
    writeln!(out, "{text}").context("stdout")?;
    Ok(())
}

/// Says how each number that could be read two ways was read.
fn echo_read_as(
    out: &mut impl std::io::Write,
    lang: Lang,
    read: &[bienphong_domain::fields::ReadAs],
) -> Result<()> {
    for r in read {
        let text = lang.text(
            "value-read-as",
            &[
                ("field", r.field.clone()),
                ("typed", r.typed.clone()),
                ("plain", r.plain.clone()),
            ],
        );
        writeln!(out, "{text}").context("stdout")?;
    }
    Ok(())
}

fn refuse_restricted(t: RecordType, allowed: bool) -> Result<()> {
    if t.is_restricted() && !allowed {
        return Err(ValidationError::new(
            "restricted",
            bienphong_domain::Problem::UnknownValue {
                value: t.to_string(),
                expected: "--restricted".into(),
            },
        )
        .into());
    }
    Ok(())
}
