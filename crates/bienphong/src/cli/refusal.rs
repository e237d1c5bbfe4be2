//! clap's own refusals of the arguments (an unknown flag, a missing value,
//! a value not among the allowed ones, a missing or unknown command) in the
//! user's language: the kind of mistake and its context (the flag, the
//! value, the allowed values, the usage) worded from the Fluent files
//! (`cli-error-…`), like every other message of the command line.

use bienphong_i18n::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The message for `e`, or `None` when `e` is no refusal (help or the
/// version asked for: clap prints those itself).
pub fn word_refusal(e: &clap::Error, lang: Lang) -> Option<String> {
    let text = |key: &str, args: &[(&'static str, String)]| lang.text(key, args);
    let get = |kind: ContextKind| e.get(kind).map(shown);
    // A flag as people type it: `--format`, not clap's `--format <FORMAT>`.
    let flag = |a: &str| match a.split_once(' ') {
        Some((flag, _)) if flag.starts_with('-') => flag.to_string(),
        _ => a.to_string(),
    };
    let arg = || match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::Strings(items)) => {
            items.iter().map(|a| flag(a)).collect::<Vec<_>>().join(", ")
        }
        Some(other) => flag(&shown(other)),
        None => String::new(),
    };
    let value = || get(ContextKind::InvalidValue).unwrap_or_default();
    let mut lines = vec![match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        | ErrorKind::DisplayVersion => return None,
        ErrorKind::UnknownArgument => text("cli-error-unknown-argument", &[("arg", arg())]),
        ErrorKind::InvalidValue if value().is_empty() => {
            text("cli-error-value-required", &[("arg", arg())])
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => text(
            "cli-error-invalid-value",
            &[("arg", arg()), ("value", value())],
        ),
        ErrorKind::InvalidSubcommand => text(
            "cli-error-unknown-command",
            &[(
                "command",
                get(ContextKind::InvalidSubcommand).unwrap_or_default(),
            )],
        ),
        ErrorKind::MissingSubcommand => text(
            "cli-error-missing-command",
            &[(
                "command",
                get(ContextKind::InvalidSubcommand).unwrap_or_default(),
            )],
        ),
        ErrorKind::MissingRequiredArgument => text("cli-error-missing-argument", &[("arg", arg())]),
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            Some(prior) if flag(&prior) != arg() => text(
                "cli-error-conflict",
                &[("arg", arg()), ("other", flag(&prior))],
            ),
            _ => text("cli-error-repeated", &[("arg", arg())]),
        },
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            text("cli-error-value-count", &[("arg", arg())])
        }
        ErrorKind::NoEquals => text("cli-error-no-equals", &[("arg", arg())]),
        ErrorKind::InvalidUtf8 => text("cli-error-not-utf8", &[]),
        _ => text("cli-error-arguments", &[]),
    }];
    if let Some(valid) = get(ContextKind::ValidValue) {
        lines[0] = format!(
            "{}; {}",
            lines[0],
            text("cli-error-valid-values", &[("values", valid)])
        );
    }
    if let Some(valid) = get(ContextKind::ValidSubcommand) {
        lines[0] = format!(
            "{}; {}",
            lines[0],
            text("cli-error-valid-commands", &[("values", valid)])
        );
    }
    for suggested in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(s) = get(suggested) {
            lines.push(text("cli-error-did-you-mean", &[("value", s)]));
        }
    }
    if let Some(usage) = get(ContextKind::Usage) {
        // clap titles its usage in English; the title is ours.
        let usage = usage.trim();
        let usage = usage
            .split_once(':')
            .map_or(usage, |(_, rest)| rest.trim_start());
        lines.push(format!("{} {usage}", text("cli-usage", &[])));
    }
    lines.push(text("cli-error-try-help", &[]));
    Some(lines.join("\n"))
}

/// A context value as plain text (clap styles some of them).
fn shown(v: &ContextValue) -> String {
    match v {
        ContextValue::Strings(items) => items.join(", "),
        ContextValue::StyledStrs(items) => items
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
