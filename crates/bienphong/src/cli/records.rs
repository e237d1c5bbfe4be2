//! Records one by one: add, edit, delete, show, history, list; conflicts.

use super::{parse_cutoff, parse_record_type, parse_year};
use bienphong_domain::{Cutoff, RecordType};

/// The flags of [`RecordFlags`], by their ids.
pub const RECORD_FLAGS: &[&str] = &[
    "date",
    "unit",
    "partner",
    "kind",
    "marker",
    "force",
    "hours",
    "notes",
    "case_type",
    "place",
    "subjects",
    "outcome",
    "seizure",
    "meeting_type",
    "period_from",
    "period_to",
    "attendance",
    "content",
    "lessons",
    "document_type",
    "number",
    "issuer",
    "title",
    "recipient",
    "programme",
    "beneficiary_kind",
    "start",
    "end",
    "monthly_amount",
    "disbursement",
    "topic",
    "sessions",
    "listeners",
    "persons_mobilised",
    "people_rescued",
];

/// The JSON field names `--unit` and `--partner` stand for in each record type.
pub fn unit_fields(t: RecordType) -> (&'static str, &'static str) {
    match t {
        RecordType::Patrol => ("lead_unit", "partner_units"),
        RecordType::Case => ("handling_unit", "partner_units"),
        RecordType::Meeting => ("host_unit", "participant_units"),
        RecordType::Programme => ("sponsor_unit", "partner_units"),
        RecordType::Marker => ("post", "partner_units"),
        _ => ("unit", "partner_units"),
    }
}

/// The field of `t` the record flag `flag` (its id) fills, if `t` has it.
pub fn field_of_flag(t: RecordType, flag: &str) -> Option<&'static str> {
    use bienphong_domain::fields::Item;
    let (unit, partner) = unit_fields(t);
    // The flags of rows (`--force BDBP=6`); every other flag is one field.
    let rows = match flag {
        "force" => Some("participants"),
        "seizure" => Some("seizures"),
        "recipient" => Some("recipients"),
        "disbursement" => Some("disbursements"),
        _ => None,
    };
    let name = match flag {
        "unit" => unit,
        "partner" => partner,
        "marker" => "markers",
        "hours" => "duration_hours",
        other => rows.unwrap_or(*RECORD_FLAGS.iter().find(|f| **f == other)?),
    };
    bienphong_domain::fields::form_of(t)
        .into_iter()
        .find_map(|item| match item {
            Item::Field(f) if f.name == name && rows.is_none() => Some(f.name),
            Item::Rows { name: n, .. } if n == name && rows.is_some() => Some(n),
            _ => None,
        })
}

/// The flag that fills `field` of `t` (`participants[1].persons` →
/// `--force`), to name it in an error instead of the JSON path.
pub fn flag_of_field(t: RecordType, field: &str) -> Option<String> {
    let top = field.split(['[', '.']).next().unwrap_or(field);
    let flag = RECORD_FLAGS
        .iter()
        .find(|flag| field_of_flag(t, flag) == Some(top))?;
    let flag = format!("--{}", flag.replace('_', "-"));
    let index = field
        .split_once('[')
        .and_then(|(_, rest)| rest.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    Some(match index {
        Some(i) => format!("{flag} #{}", i + 1),
        None => flag,
    })
}
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(value_parser = parse_record_type)]
    pub record_type: RecordType,
    /// Read the record from a JSON file ('-' for standard input).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Confirm values possible but unlikely (more than 200 persons of one
    /// force on a patrol, a seizure far above usual); without it such a
    /// record is refused, listing them, and nothing is written.
    #[arg(long)]
    pub confirm: bool,
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
    /// Confirm values possible but unlikely (see `add --confirm`).
    #[arg(long)]
    pub confirm: bool,
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
