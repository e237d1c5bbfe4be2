//! The help of the command line in the user's language: every command's
//! and flag's description from the Fluent files (`cli-cmd-…`,
//! `cli-arg-…`), the record flags of `add` and `edit` described from the
//! domain's field declaration, and `add TYPE --help` showing only that
//! type's fields. Where a text is not translated, the code's own stays.

use super::records::{RECORD_FLAGS, field_of_flag};
use bienphong_domain::RecordType;
use bienphong_domain::fields::{self, Item, Kind};
use bienphong_i18n::Lang;
use clap::Command;

/// The command line `cmd` worded in `lang`, for the arguments `args`
/// (without the program's name): `add TYPE` and `edit TYPE` describe
/// that type.
pub fn localise(cmd: Command, lang: Lang, args: &[String]) -> Command {
    let mut cmd = cmd;
    cmd.build();
    let typed = record_type_asked(args);
    let cmd = word(cmd, lang, "", typed);
    cmd.about(text(lang, "cli-about").unwrap_or_default())
}

/// `add TYPE …` or `edit TYPE …`: the record type named.
fn record_type_asked(args: &[String]) -> Option<(String, RecordType)> {
    // The words that are not flags, nor the values of the global flags.
    let mut words = Vec::new();
    let mut args = args.iter();
    while let Some(a) = args.next() {
        if ["--data", "--database", "--lang", "--user"].contains(&a.as_str()) {
            args.next();
        } else if !a.starts_with('-') {
            words.push(a);
        }
    }
    let mut words = words.into_iter();
    let command = words.next()?;
    if command != "add" && command != "edit" {
        return None;
    }
    let t = RecordType::parse(words.next()?)?;
    Some((command.clone(), t))
}

fn text(lang: Lang, key: &str) -> Option<String> {
    lang.try_text(key)
}

fn word(cmd: Command, lang: Lang, path: &str, typed: Option<(String, RecordType)>) -> Command {
    let name = cmd.get_name().to_string();
    let here = if path.is_empty() {
        String::new()
    } else if path == "-" {
        name.clone()
    } else {
        format!("{path}-{name}")
    };
    let usage = text(lang, "cli-usage").unwrap_or_else(|| "Usage:".into());
    let mut cmd = cmd
        .help_template(format!(
            "{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"
        ))
        .subcommand_help_heading(text(lang, "cli-commands").unwrap_or_else(|| "Commands".into()));
    let about = text(lang, &format!("cli-cmd-{here}")).or_else(|| {
        (name == "help")
            .then(|| text(lang, "cli-cmd-help"))
            .flatten()
    });
    if !here.is_empty()
        && let Some(about) = about
    {
        cmd = cmd.about(about);
    }
    let this_type = typed.as_ref().filter(|(c, _)| *c == here).map(|(_, t)| *t);
    let record_flags = here == "add" || here == "edit";
    cmd = cmd.mut_args(|a| {
        let id = a.get_id().as_str().to_string();
        let heading = if a.is_positional() {
            text(lang, "cli-arguments")
        } else {
            text(lang, "cli-options")
        };
        let mut a = match heading {
            Some(h) => a.help_heading(h),
            None => a,
        };
        let described = text(lang, &format!("cli-arg-{here}-{id}"))
            .or_else(|| text(lang, &format!("cli-arg-{id}")));
        if let Some(help) = described {
            // Where any flag has a long text, `--help` shows the long ones.
            a = if id == "help" {
                a.long_help(help.clone()).help(help)
            } else {
                a.help(help)
            };
        }
        if id == "record_type" {
            a = a.help(record_types(lang));
        }
        a = notes(a, lang, &here, &id);
        if record_flags && RECORD_FLAGS.contains(&id.as_str()) {
            match this_type {
                Some(t) => match record_flag_help(lang, t, &id) {
                    Some(h) => a = a.help(h),
                    None => a = a.hide(true),
                },
                None => a = a.help(any_type_flag_help(lang, &id)),
            }
        }
        a
    });
    if let Some(t) = this_type {
        let title = lang.text(&format!("type-{t}"), &[]);
        cmd = cmd
            .about(format!(
                "{} · {title} ({t})",
                text(lang, &format!("cli-cmd-{here}")).unwrap_or_default()
            ))
            .after_help(fields_of(lang, t));
    }
    let child_path = if here.is_empty() {
        "-".to_string()
    } else {
        here
    };
    cmd.mut_subcommands(|sub| word(sub, lang, &child_path, typed.clone()))
}

/// clap's own notes after a flag's description (the allowed values with
/// a note on each, the default, the environment variable) are English:
/// they are hidden and written again after the description from the
/// Fluent files (`cli-value-<command>-<flag>-<value>` or
/// `cli-value-<flag>-<value>`, `cli-values`, `cli-default`, `cli-env`).
fn notes(a: clap::Arg, lang: Lang, here: &str, id: &str) -> clap::Arg {
    let mut extra = Vec::new();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            let name = v.get_name();
            let note = text(lang, &format!("cli-value-{here}-{id}-{name}"))
                .or_else(|| text(lang, &format!("cli-value-{id}-{name}")));
            match note {
                Some(note) => format!("{name} = {note}"),
                None => name.to_string(),
            }
        })
        .collect();
    let mut a = a;
    if !values.is_empty() && !a.is_hide_possible_values_set() {
        extra.push(lang.text("cli-values", &[("values", values.join("; "))]));
        a = a.hide_possible_values(true);
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() && a.get_action().takes_values() {
        extra.push(lang.text("cli-default", &[("value", defaults.join(", "))]));
        a = a.hide_default_value(true);
    }
    if let Some(env) = a.get_env().map(|e| e.to_string_lossy().into_owned())
        && !a.is_hide_env_set()
    {
        extra.push(lang.text("cli-env", &[("name", env)]));
        a = a.hide_env(true);
    }
    if extra.is_empty() {
        return a;
    }
    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let long = a.get_long_help().map(ToString::to_string);
    let notes = format!("[{}]", extra.join("; "));
    a = a.help(format!("{help} {notes}").trim().to_string());
    match long {
        Some(long) => a.long_help(format!("{long}\n{notes}")),
        None => a,
    }
}

/// The record types, each with its name: `patrol (Tuần tra), …`.
fn record_types(lang: Lang) -> String {
    let names: Vec<String> = RecordType::ALL
        .iter()
        .map(|t| format!("{t} ({})", lang.text(&format!("type-{t}"), &[])))
        .collect();
    format!(
        "{}: {}",
        text(lang, "cli-record-type").unwrap_or_else(|| "Record type".into()),
        names.join(", ")
    )
}

/// How a value of `kind` is typed.
fn kind_hint(lang: Lang, kind: Kind) -> String {
    let key = match kind {
        Kind::Date => "cli-kind-date",
        Kind::Unit => "cli-kind-unit",
        Kind::Units => "cli-kind-units",
        Kind::Codes => "cli-kind-codes",
        Kind::Catalogue(c) => {
            return lang.text(
                "cli-kind-catalogue",
                &[("catalogue", c.as_str().to_string())],
            );
        }
        Kind::Count => "cli-kind-count",
        Kind::Quantity => "cli-kind-quantity",
        Kind::Money => "cli-kind-money",
        Kind::Text | Kind::LongText => "cli-kind-text",
        Kind::Choice(values) => {
            let values: Vec<String> = values
                .iter()
                .map(|v| format!("{v} = {}", lang.choice(v)))
                .collect();
            return lang.text("cli-kind-choice", &[("values", values.join(", "))]);
        }
        Kind::Bool => "cli-kind-bool",
        Kind::Record => "cli-kind-record",
    };
    lang.text(key, &[])
}

/// The field `name` of `t`'s declaration: a field, or a list of rows.
fn declared(t: RecordType, name: &str) -> Option<Item> {
    fields::form_of(t).into_iter().find(|item| match item {
        Item::Field(f) => f.name == name,
        Item::Rows { name: n, .. } => *n == name,
    })
}

/// A flag of `add TYPE`: the field's label, how it is typed, whether it
/// is required. `None` for a flag the type has no field for.
fn record_flag_help(lang: Lang, t: RecordType, flag: &str) -> Option<String> {
    let name = field_of_flag(t, flag)?;
    let label = lang.text(&format!("field-{name}"), &[]);
    Some(match declared(t, name)? {
        Item::Field(f) => {
            let mut help = format!("{label} ({})", kind_hint(lang, f.kind));
            if f.required {
                help = format!("{help}; {}", lang.text("cli-required", &[]));
            }
            help
        }
        Item::Rows { .. } => {
            let form = lang.text(&format!("cli-rows-{flag}"), &[]);
            format!("{label}: {form}")
        }
    })
}

/// A flag of `add` without a type: the field it stands for, and the types
/// that have it.
fn any_type_flag_help(lang: Lang, flag: &str) -> String {
    let mut labels: Vec<String> = Vec::new();
    let mut types: Vec<&str> = Vec::new();
    for t in RecordType::ALL {
        if let Some(name) = field_of_flag(t, flag) {
            let label = lang.text(&format!("field-{name}"), &[]);
            if !labels.contains(&label) {
                labels.push(label);
            }
            types.push(t.as_str());
        }
    }
    let how = match flag {
        "force" | "seizure" | "recipient" | "disbursement" => {
            format!(": {}", lang.text(&format!("cli-rows-{flag}"), &[]))
        }
        _ => String::new(),
    };
    format!("{}{how} [{}]", labels.join(" / "), types.join(", "))
}

/// The fields of `t`, each with its flag, or `--json` where it has none.
fn fields_of(lang: Lang, t: RecordType) -> String {
    let mut lines = vec![lang.text(
        "cli-fields-of",
        &[("type", lang.text(&format!("type-{t}"), &[]))],
    )];
    for item in fields::form_of(t) {
        let (name, line) = match item {
            Item::Field(f) => {
                let mut line = format!(
                    "{} ({})",
                    lang.text(&format!("field-{}", f.name), &[]),
                    kind_hint(lang, f.kind)
                );
                if f.required {
                    line = format!("{line}; {}", lang.text("cli-required", &[]));
                }
                (f.name, line)
            }
            Item::Rows { name, fields, .. } => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{} = {}",
                            f.name,
                            lang.text(&format!("field-{}", f.name), &[])
                        )
                    })
                    .collect();
                (
                    name,
                    format!(
                        "{} ({})",
                        lang.text(&format!("field-{name}"), &[]),
                        parts.join(", ")
                    ),
                )
            }
        };
        let flag = RECORD_FLAGS
            .iter()
            .find(|flag| field_of_flag(t, flag) == Some(name))
            .map_or_else(
                || "--json".to_string(),
                |flag| format!("--{}", flag.replace('_', "-")),
            );
        lines.push(format!("  {name:<18} {flag:<20} {line}"));
    }
    lines.join("\n")
}
