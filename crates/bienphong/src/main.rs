//! bienphong: the field node, the provincial server and the CLI in one binary.
#![allow(
    clippy::disallowed_methods,
    reason = "the binary is where the clock and the environment are read (clippy.toml)"
)]

mod cli;
mod commands;
mod context;
mod error;
mod output;

use bienphong_i18n::Lang;
use clap::{CommandFactory as _, FromArgMatches as _};
use cli::Cli;
use error::Kind;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match parse_arguments() {
        Ok(cli) => cli,
        Err(e) => return refuse_arguments(e),
    };
    let lang = cli.lang;
    if let Err(value) = inject_clock() {
        eprintln!(
            "{}: {}",
            lang.text("error-prefix", &[]),
            lang.text("clock-invalid", &[("value", value)])
        );
        return ExitCode::from(Kind::Invalid.exit_code());
    }
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
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let (mut message, kind) = e.render(lang);
            if context::is_node(&data, &database) && e.names_unknown_organisation() {
                message = format!("{message}\n{}", lang.text("node-sync-for-catalogue", &[]));
            }
            eprintln!("{}: {message}", lang.text("error-prefix", &[]));
            ExitCode::from(kind.exit_code())
        }
    }
}

/// The arguments, read by the command line worded in the user's language
/// (its help and descriptions; `add TYPE --help` for that type).
fn parse_arguments() -> Result<Cli, clap::Error> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let command = cli::localise(Cli::command(), lang_of_arguments(), &args);
    let matches = command.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// A flag value the domain's reader refused (a year, a cut-off) is worded
/// like the same refusal on a page or through the API, in the chosen
/// language; every other mistake in the arguments from clap's account of
/// it (`cli::word_refusal`), in the same language. Help and the version
/// asked for are clap's to print.
fn refuse_arguments(e: clap::Error) -> ExitCode {
    use std::error::Error as _;
    let lang = lang_of_arguments();
    if e.kind() == clap::error::ErrorKind::ValueValidation
        && let Some(v) = e
            .source()
            .and_then(|s| s.downcast_ref::<bienphong_domain::ValidationError>())
    {
        eprintln!("{}: {}", lang.text("error-prefix", &[]), lang.problem(v));
        return ExitCode::from(Kind::Invalid.exit_code());
    }
    match cli::word_refusal(&e, lang) {
        Some(message) => {
            eprintln!("{}: {message}", lang.text("error-prefix", &[]));
            ExitCode::from(Kind::Invalid.exit_code())
        }
        None => e.exit(),
    }
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

/// `BIENPHONG_NOW`, when set, is the instant this process takes as now
/// (the clock injected): an RFC 3339 time such as
/// `2024-01-16T09:00:00+07:00`, or a day, `2024-01-16`, taken at noon at
/// the border. The CLI and a server started with the same value date what
/// they write and the documents they render alike. A value that is neither
/// is refused (returned) before anything runs.
fn inject_clock() -> Result<(), String> {
    let Ok(value) = std::env::var("BIENPHONG_NOW") else {
        return Ok(());
    };
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let instant = value.parse::<jiff::Timestamp>().ok().or_else(|| {
        let day = value.parse::<jiff::civil::Date>().ok()?;
        day.at(12, 0, 0, 0)
            .in_tz(bienphong_domain::TIME_ZONE)
            .ok()
            .map(|z| z.timestamp())
    });
    match instant {
        Some(t) => {
            bienphong_service::fix_clock(t.as_millisecond());
            Ok(())
        }
        None => Err(value.to_string()),
    }
}
