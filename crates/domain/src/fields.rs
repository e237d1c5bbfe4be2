//! The fields of every record type, declared once as data: which fields it
//! has and what kind of value each holds. The same declaration draws the
//! web form, fills it from a stored record, turns what was posted into the
//! record's JSON (naming the field of any bad value so the page can show
//! the message beside it), and gives the columns of spreadsheets
//! (`bienphong-sheets`). No I/O.

use crate::catalogue::CatalogueKind;
use crate::format::{self, parse_date};
use crate::quantity::parse_count;
use crate::{Money, Problem, Quantity, RecordType, ValidationError};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Date,
    /// One unit, chosen from the organisation.
    Unit,
    /// Several units.
    Units,
    /// Codes typed as a comma-separated list (border markers, successors).
    Codes,
    Catalogue(CatalogueKind),
    Count,
    Quantity,
    Money,
    Text,
    LongText,
    /// One of fixed values; the label of each is `choice-VALUE`.
    Choice(&'static [&'static str]),
    Bool,
    /// A record id.
    Record,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum Item {
    Field(Field),
    /// A list of rows, each with the same fields: `participants[0].force`…
    Rows {
        name: &'static str,
        fields: &'static [Field],
        /// Blank rows offered beyond those already filled.
        blank: usize,
    },
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

const ADMIN_CODE: &[Field] = &[
    f("code", Kind::Text),
    opt("valid_from", Kind::Date),
    opt("valid_to", Kind::Date),
];

const BODIES: &[&str] = &[
    "party_committee",
    "peoples_committee",
    "peoples_council",
    "command",
];

const POSITIONS: &[&str] = &[
    "commander",
    "political_commissar",
    "party_secretary",
    "peoples_committee_chairman",
];

mod rows {
    use super::*;
    use Kind::*;
    pub(super) const PARTICIPANT_FIELDS: &[Field] = &[
        f("force", Catalogue(CatalogueKind::Force)),
        f("persons", Count),
    ];
    pub(super) const SEIZURE_FIELDS: &[Field] = &[
        f("item", Catalogue(CatalogueKind::SeizedItem)),
        f("quantity", Quantity),
    ];
    pub(super) const SUBJECT_FIELDS: &[Field] = &[
        f("name", Text),
        opt("birth_year", Count),
        opt("ethnicity", Text),
        opt("nationality", Text),
        opt("address", Text),
    ];
    pub(super) const ACTION_FIELDS: &[Field] = &[
        f("text", Text),
        f("owner_unit", Unit),
        opt("due", Date),
        opt("status", Choice(&["open", "done", "cancelled"])),
    ];
    pub(super) const RECIPIENT_FIELDS: &[Field] = &[f("unit", Unit), opt("acknowledged_on", Date)];
    pub(super) const SIGNER_FIELDS: &[Field] =
        &[f("position", Choice(super::POSITIONS)), f("unit", Unit)];
    pub(super) const ACTION_REPORT_FIELDS: &[Field] = &[
        f("action", Count),
        f("status", Choice(&["open", "done", "cancelled"])),
        opt("note", Text),
    ];
    pub(super) const DISBURSEMENT_FIELDS: &[Field] = &[f("date", Date), f("amount", Money)];
}
use rows::*;

/// The fields of `t`'s form, in the order people fill them in.
pub fn form_of(t: RecordType) -> Vec<Item> {
    use Item::{Field as F, Rows};
    use Kind::*;
    match t {
        RecordType::Patrol => vec![
            F(f("date", Date)),
            F(f("lead_unit", Unit)),
            F(opt("partner_units", Units)),
            F(f("kind", Choice(&["joint", "bilateral", "post_only"]))),
            F(opt("duration_hours", Quantity)),
            F(opt("markers", Codes)),
            Rows {
                name: "participants",
                fields: PARTICIPANT_FIELDS,
                blank: 3,
            },
            F(opt("notes", LongText)),
        ],
        RecordType::Case => vec![
            F(f("date", Date)),
            F(f("handling_unit", Unit)),
            F(opt("partner_units", Units)),
            F(f("case_type", Catalogue(CatalogueKind::CaseType))),
            F(opt("place", Text)),
            F(f("subjects", Count)),
            F(opt("outcome", LongText)),
            Rows {
                name: "seizures",
                fields: SEIZURE_FIELDS,
                blank: 3,
            },
        ],
        RecordType::CaseSubjects => vec![
            F(f("case", Record)),
            Rows {
                name: "subjects",
                fields: SUBJECT_FIELDS,
                blank: 3,
            },
        ],
        RecordType::Meeting => vec![
            F(f("date", Date)),
            F(f("meeting_type", Catalogue(CatalogueKind::MeetingType))),
            F(f("host_unit", Unit)),
            F(opt("host_body", Choice(BODIES))),
            F(opt("participant_units", Units)),
            F(opt("period_from", Date)),
            F(opt("period_to", Date)),
            F(opt("attendance", Count)),
            F(opt("content", LongText)),
            F(opt("lessons", LongText)),
            Rows {
                name: "actions",
                fields: ACTION_FIELDS,
                blank: 2,
            },
        ],
        RecordType::Document => vec![
            F(f("date", Date)),
            F(f("document_type", Catalogue(CatalogueKind::DocumentType))),
            // A draft awaiting its signatures has no number yet.
            F(opt("number", Text)),
            F(f("issuer", Text)),
            F(f("unit", Unit)),
            F(opt("unit_body", Choice(BODIES))),
            F(f("title", Text)),
            Rows {
                name: "recipients",
                fields: RECIPIENT_FIELDS,
                blank: 3,
            },
            Rows {
                name: "signers",
                fields: SIGNER_FIELDS,
                blank: 2,
            },
            Rows {
                name: "actions",
                fields: ACTION_FIELDS,
                blank: 2,
            },
            F(opt("acknowledge_by", Date)),
        ],
        RecordType::Programme => vec![
            F(f("programme", Catalogue(CatalogueKind::Programme))),
            F(f("sponsor_unit", Unit)),
            F(opt("partner_units", Units)),
            F(f("beneficiary_kind", Choice(&["child", "household"]))),
            F(f("start", Date)),
            F(opt("end", Date)),
            F(f("monthly_amount", Money)),
            Rows {
                name: "disbursements",
                fields: DISBURSEMENT_FIELDS,
                blank: 3,
            },
        ],
        RecordType::Beneficiary => vec![
            F(f("programme_record", Record)),
            F(f("name", Text)),
            F(opt("birth_year", Count)),
            F(opt("ethnicity", Text)),
            F(opt("guardian", Text)),
            F(opt("consent_on", Date)),
            F(opt("child_consent_on", Date)),
        ],
        RecordType::Propaganda => vec![
            F(f("date", Date)),
            F(f("unit", Unit)),
            F(opt("partner_units", Units)),
            F(f("topic", Text)),
            F(f("sessions", Count)),
            F(f("listeners", Count)),
        ],
        RecordType::Disaster => vec![
            F(f("date", Date)),
            F(f("unit", Unit)),
            F(opt("partner_units", Units)),
            F(f("kind", Choice(&["plan", "response"]))),
            F(f("title", Text)),
            F(opt("persons_mobilised", Count)),
            F(opt("people_rescued", Count)),
            F(opt("notes", LongText)),
        ],
        // Status, submission date and figures are set by submitting.
        RecordType::BriefingReport => vec![
            F(f("unit", Unit)),
            F(f("year", Count)),
            F(f("quarter", Count)),
            F(opt("cutoff", Choice(&["decree09", "calendar"]))),
            F(opt("results", LongText)),
            F(opt("shortcomings", LongText)),
            F(opt("proposals", LongText)),
            Rows {
                name: "signers",
                fields: SIGNER_FIELDS,
                blank: 2,
            },
        ],
        // Written by the sign-off use cases (`Service::answer_as`), which
        // check the signer's position; the form serves reading and sync.
        RecordType::Signoff => vec![
            F(f("record", Record)),
            F(f("revision", Text)),
            F(f("date", Date)),
            F(f("unit", Unit)),
            F(opt("position", Choice(POSITIONS))),
            F(f("signer", Text)),
            F(opt("signer_name", Text)),
            F(f(
                "decision",
                Choice(&["signed", "returned", "acknowledged"]),
            )),
            F(opt("comment", LongText)),
            Rows {
                name: "actions",
                fields: ACTION_REPORT_FIELDS,
                blank: 2,
            },
        ],
        RecordType::Unit => vec![
            F(f("code", Text)),
            F(f(
                "kind",
                Choice(&[
                    "province",
                    "border_guard_command",
                    "border_post",
                    "station",
                    "district",
                    "commune",
                    "village",
                ]),
            )),
            F(f("name", Text)),
            F(opt("name_en", Text)),
            Item::Rows {
                name: "admin_codes",
                fields: ADMIN_CODE,
                blank: 1,
            },
            F(opt("agency_id", Text)),
            F(opt("valid_from", Date)),
            F(opt("valid_to", Date)),
            F(opt("successors", Codes)),
            F(opt("verified", Bool)),
            F(opt("note", LongText)),
        ],
        RecordType::Link => vec![
            F(f(
                "kind",
                Choice(&["military_parent", "civil_parent", "coordination"]),
            )),
            F(f("from", Unit)),
            F(f("to", Unit)),
            F(opt("valid_from", Date)),
            F(opt("valid_to", Date)),
            F(opt("verified", Bool)),
        ],
        RecordType::Marker => vec![
            F(f("number", Text)),
            F(f("post", Unit)),
            F(opt("commune", Unit)),
            F(f("kind", Choice(&["main", "auxiliary"]))),
            F(opt("verified", Bool)),
        ],
        RecordType::Catalogue => vec![
            F(f(
                "catalogue",
                Choice(&[
                    "force",
                    "case_type",
                    "seized_item",
                    "programme",
                    "document_type",
                    "meeting_type",
                ]),
            )),
            F(f("code", Text)),
            F(f("vi", Text)),
            F(f("en", Text)),
            F(opt("measure_vi", Text)),
            F(opt("phrase_vi", Text)),
            F(opt(
                "role",
                Choice(&["border_guard", "quarterly_briefing", "annual_review"]),
            )),
            F(opt("order", Count)),
            F(opt("active", Bool)),
        ],
        // Files are attached by upload on their record's page, never typed.
        RecordType::Attachment => vec![],
    }
}

/// What was posted: each name with its values (a multiple select sends a
/// name more than once).
pub type Posted = HashMap<String, Vec<String>>;

pub fn posted(pairs: Vec<(String, String)>) -> Posted {
    let mut map: Posted = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_default().push(v);
    }
    map
}

fn first<'a>(p: &'a Posted, name: &str) -> &'a str {
    p.get(name).and_then(|v| v.first()).map_or("", |s| s.trim())
}

fn value_of(kind: Kind, name: &str, p: &Posted) -> Result<Option<Value>, ValidationError> {
    let raw = first(p, name);
    Ok(match kind {
        Kind::Units => {
            let codes: Vec<&str> = p
                .get(name)
                .map(|v| {
                    v.iter()
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            (!codes.is_empty()).then(|| json!(codes))
        }
        Kind::Codes => {
            let codes: Vec<&str> = raw
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            (!codes.is_empty()).then(|| json!(codes))
        }
        Kind::Bool => Some(json!(p.contains_key(name))),
        _ => value_from_text(kind, name, raw)?,
    })
}

/// The JSON value of one text typed for a single-valued field (a form's
/// input, a spreadsheet cell): dates `DD/MM/YYYY`, counts `1.178`, decimals
/// `0,43`, money `500.000`. Empty text is no value. Units, codes and
/// booleans are written differently by forms and sheets; here a list kind
/// is one code and a boolean is any non-empty text.
pub fn value_from_text(
    kind: Kind,
    name: &str,
    raw: &str,
) -> Result<Option<Value>, ValidationError> {
    let bad = |problem: Problem| ValidationError::new(name, problem);
    let raw = raw.trim();
    Ok(match kind {
        _ if raw.is_empty() => None,
        Kind::Date => Some(json!(parse_date(raw).map_err(bad)?.to_string())),
        Kind::Count => Some(json!(parse_count(raw).map_err(bad)?)),
        Kind::Quantity => Some(json!(raw.parse::<Quantity>().map_err(bad)?.to_string())),
        Kind::Money => Some(json!(raw.parse::<Money>().map_err(bad)?.dong())),
        Kind::Units | Kind::Codes => Some(json!([raw])),
        Kind::Bool => Some(json!(true)),
        Kind::Unit
        | Kind::Catalogue(_)
        | Kind::Text
        | Kind::LongText
        | Kind::Choice(_)
        | Kind::Record => Some(json!(raw)),
    })
}

/// The record's JSON from a posted form; the first bad value is named by
/// its field (`participants[1].persons`).
pub fn to_json(t: RecordType, p: &Posted) -> Result<Value, ValidationError> {
    let mut obj = Map::new();
    for item in form_of(t) {
        match item {
            Item::Field(field) => match value_of(field.kind, field.name, p)? {
                Some(v) => {
                    obj.insert(field.name.to_string(), v);
                }
                None if field.required => {
                    return Err(ValidationError::new(field.name, Problem::Missing));
                }
                None => {}
            },
            Item::Rows { name, fields, .. } => {
                let mut rows = Vec::new();
                for i in 0..rows_posted(p, name) {
                    let key = |f: &str| format!("{name}[{i}].{f}");
                    if fields.iter().all(|f| first(p, &key(f.name)).is_empty()) {
                        continue;
                    }
                    let mut row = Map::new();
                    for field in fields {
                        let k = key(field.name);
                        match value_of(field.kind, &k, p)? {
                            Some(v) => {
                                row.insert(field.name.to_string(), v);
                            }
                            None if field.required => {
                                return Err(ValidationError::new(k, Problem::Missing));
                            }
                            None => {}
                        }
                    }
                    rows.push(Value::Object(row));
                }
                obj.insert(name.to_string(), Value::Array(rows));
            }
        }
    }
    Ok(Value::Object(obj))
}

/// The record a posted form describes, checked for shape (not yet against
/// the organisation).
pub fn to_content(t: RecordType, p: &Posted) -> Result<crate::Content, ValidationError> {
    crate::Content::from_json(t, &to_json(t, p)?.to_string())
}

/// The record an edit form makes over the record it was drawn from: what
/// the form does not show (a marker's or a post's location, a document's
/// exchange state, a field a later version adds) is kept as it was, so
/// that saving a form never drops what it could not display.
pub fn to_content_over(
    t: RecordType,
    p: &Posted,
    before: &Value,
) -> Result<crate::Content, ValidationError> {
    let mut made = to_json(t, p)?;
    let shown: Vec<&str> = form_of(t)
        .iter()
        .map(|item| match item {
            Item::Field(f) => f.name,
            Item::Rows { name, .. } => *name,
        })
        .collect();
    if let (Value::Object(made), Value::Object(before)) = (&mut made, before) {
        for (key, value) in before {
            if !shown.contains(&key.as_str()) && !made.contains_key(key) {
                made.insert(key.clone(), value.clone());
            }
        }
    }
    crate::Content::from_json(t, &made.to_string())
}

/// How many rows of `name` the form carried (the highest index + 1).
fn rows_posted(p: &Posted, name: &str) -> usize {
    let prefix = format!("{name}[");
    p.keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter_map(|rest| rest.split(']').next())
        .filter_map(|i| i.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
        .min(200)
}

/// The one writer of a field's value for people (forms, CLI, text cells):
/// what [`value_from_text`] reads back to the same JSON value. Dates
/// `DD/MM/YYYY`, quantities `1.200,5`, money `12.500.000`, counts as
/// digits; a list of units gives one text per unit (a multiple select),
/// border markers and other codes one text joined by commas.
pub fn text_of(kind: Kind, v: &Value) -> Vec<String> {
    match (kind, v) {
        (Kind::Units, Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        (Kind::Codes, Value::Array(items)) => vec![
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ],
        (Kind::Date, Value::String(s)) => vec![
            s.parse::<crate::Date>()
                .map(format::date)
                .unwrap_or_else(|_| s.clone()),
        ],
        (Kind::Quantity, Value::String(_) | Value::Number(_)) => vec![
            serde_json::from_value::<Quantity>(v.clone())
                .map(|q| format::decimal(q.value(), false))
                .unwrap_or_else(|_| v.to_string()),
        ],
        (Kind::Money, Value::Number(_) | Value::String(_)) => vec![
            serde_json::from_value::<Money>(v.clone())
                .map(|m| format::integer(m.dong()))
                .unwrap_or_else(|_| v.to_string()),
        ],
        (Kind::Bool, Value::Bool(true)) => vec!["on".into()],
        (Kind::Bool, _) => vec![],
        (_, Value::String(s)) => vec![s.clone()],
        (_, Value::Number(n)) => vec![n.to_string()],
        _ => vec![],
    }
}

/// The form's values from a stored record's JSON, as people type them
/// (dates DD/MM/YYYY, decimals with a comma), written by [`text_of`].
pub fn from_json(t: RecordType, content: &Value) -> Posted {
    let mut out: Posted = HashMap::new();
    for item in form_of(t) {
        match item {
            Item::Field(field) => {
                if let Some(v) = content.get(field.name) {
                    out.insert(field.name.to_string(), text_of(field.kind, v));
                } else if matches!(field.kind, Kind::Bool) {
                    // Records omit `verified`/`active` when true by default.
                    out.insert(field.name.to_string(), vec!["on".into()]);
                }
            }
            Item::Rows { name, fields, .. } => {
                if let Some(Value::Array(rows)) = content.get(name) {
                    for (i, row) in rows.iter().enumerate() {
                        for field in fields {
                            if let Some(v) = row.get(field.name) {
                                out.insert(
                                    format!("{name}[{i}].{}", field.name),
                                    text_of(field.kind, v),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A typed number that could be read two ways (`1.200`), with how it was
/// read: edges echo it so that nothing is silently scaled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadAs {
    pub field: String,
    pub typed: String,
    /// The value without any separator (`1200`), so it cannot be misread.
    pub plain: String,
}

impl ReadAs {
    /// `typed` if it could be read two ways as a number of `kind`.
    pub fn check(kind: Kind, field: &str, typed: &str) -> Option<Self> {
        if !matches!(kind, Kind::Count | Kind::Quantity | Kind::Money)
            || !crate::quantity::is_ambiguous(typed)
        {
            return None;
        }
        let d = crate::quantity::parse_decimal(typed).ok()?;
        Some(Self {
            field: field.to_string(),
            typed: typed.trim().to_string(),
            plain: d.normalize().to_string(),
        })
    }
}

/// The numbers of a posted form that could be read two ways.
pub fn ambiguous_numbers(t: RecordType, p: &Posted) -> Vec<ReadAs> {
    let mut out = Vec::new();
    for item in form_of(t) {
        match item {
            Item::Field(field) => {
                out.extend(ReadAs::check(field.kind, field.name, first(p, field.name)));
            }
            Item::Rows { name, fields, .. } => {
                for i in 0..rows_posted(p, name) {
                    for field in fields {
                        let key = format!("{name}[{i}].{}", field.name);
                        out.extend(ReadAs::check(field.kind, &key, first(p, &key)));
                    }
                }
            }
        }
    }
    out
}

/// How many rows of `name` a stored or posted form holds.
pub fn filled_rows(p: &Posted, name: &str) -> usize {
    rows_posted(p, name)
}

/// The JSON Schema of a record type's content, from the same declaration
/// that draws its form: what the API takes and answers, with the hard
/// limits (`crate::limits`) as `maximum` and `maxLength`. A field the
/// declaration does not know (a store's older or newer field) is allowed.
pub fn json_schema(t: RecordType) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for item in form_of(t) {
        match item {
            Item::Field(field) => {
                properties.insert(field.name.to_string(), field_schema(field));
                if field.required && field.kind != Kind::Bool {
                    required.push(field.name);
                }
            }
            Item::Rows { name, fields, .. } => {
                let row = object_schema(fields.iter().map(|f| (f, field_schema(*f))));
                properties.insert(name.to_string(), json!({"type": "array", "items": row}));
            }
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn object_schema<'a>(fields: impl Iterator<Item = (&'a Field, Value)>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (field, schema) in fields {
        properties.insert(field.name.to_string(), schema);
        if field.required && field.kind != Kind::Bool {
            required.push(field.name);
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// A decimal in its canonical JSON form: digits, a point, no grouping.
const DECIMAL_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?$";

fn field_schema(field: Field) -> Value {
    let text = |kind: Kind| {
        let mut s = json!({"type": "string", "minLength": 1});
        if let Some(max) = crate::limits::max_chars(kind) {
            s["maxLength"] = json!(max);
        }
        s
    };
    match field.kind {
        Kind::Date => json!({"type": "string", "format": "date"}),
        Kind::Unit => {
            let mut s = text(field.kind);
            s["description"] = json!("a unit's code");
            s
        }
        Kind::Units | Kind::Codes => json!({"type": "array", "items": text(field.kind)}),
        Kind::Catalogue(c) => {
            let mut s = text(field.kind);
            s["description"] = json!(format!("a code of the {c:?} catalogue"));
            s
        }
        Kind::Count => json!({
            "type": "integer",
            "minimum": 0,
            "maximum": crate::limits::max_count(field.name),
        }),
        Kind::Quantity => json!({"type": "string", "pattern": DECIMAL_PATTERN}),
        Kind::Money => json!({"type": "integer", "minimum": 0, "description": "đồng"}),
        Kind::Text | Kind::LongText => {
            let mut s = text(field.kind);
            // An optional text may be sent empty (a form's blank box): it
            // is kept as given, so the document allows it.
            if !field.required
                && let Some(o) = s.as_object_mut()
            {
                o.remove("minLength");
            }
            s
        }
        Kind::Choice(values) => json!({"type": "string", "enum": values}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Record => json!({"type": "string", "format": "uuid"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Posted {
        posted(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_patrol_form_becomes_its_record() {
        let p = form(&[
            ("date", "05/02/2024"),
            ("lead_unit", "BP-LUNGCU"),
            ("partner_units", "XA-LUNGCU"),
            ("partner_units", "XA-THAIPHINTUNG"),
            ("kind", "joint"),
            ("duration_hours", "2,5"),
            ("markers", "428, 429"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "1.178"),
            ("participants[1].force", ""),
            ("participants[1].persons", ""),
        ]);
        let v = to_json(RecordType::Patrol, &p).unwrap();
        assert_eq!(v["date"], "2024-02-05");
        assert_eq!(v["partner_units"], json!(["XA-LUNGCU", "XA-THAIPHINTUNG"]));
        assert_eq!(v["duration_hours"], "2.5");
        assert_eq!(v["markers"], json!(["428", "429"]));
        assert_eq!(
            v["participants"],
            json!([{"force": "BDBP", "persons": 1178}])
        );
        let back = from_json(RecordType::Patrol, &v);
        assert_eq!(back["date"], vec!["05/02/2024"]);
        assert_eq!(back["duration_hours"], vec!["2,5"]);
        assert_eq!(back["participants[0].persons"], vec!["1178"]);
    }

    #[test]
    fn a_bad_count_names_its_row_and_field() {
        let p = form(&[
            ("date", "05/02/2024"),
            ("lead_unit", "BP"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "ba"),
        ]);
        let e = to_json(RecordType::Patrol, &p).unwrap_err();
        assert_eq!(e.field, "participants[0].persons");
        let e = to_json(RecordType::Patrol, &form(&[("lead_unit", "BP")])).unwrap_err();
        assert_eq!((e.field.as_str(), e.problem), ("date", Problem::Missing));
    }

    #[test]
    fn an_edit_form_saved_untouched_is_the_same_record() {
        let case = json!({
            "date": "2024-02-05",
            "handling_unit": "BP-LUNGCU",
            "case_type": "MATUY",
            "subjects": 1178,
            "seizures": [
                {"item": "HEROIN", "quantity": "1200"},
                {"item": "THUOCPHIEN", "quantity": "1200.5"},
                {"item": "MATUYDA", "quantity": "0.43"},
                {"item": "TIEN", "quantity": "12500000"},
            ],
        });
        let shown = from_json(RecordType::Case, &case);
        assert_eq!(shown["seizures[0].quantity"], vec!["1.200"]);
        assert_eq!(shown["seizures[1].quantity"], vec!["1.200,5"]);
        assert_eq!(shown["seizures[2].quantity"], vec!["0,43"]);
        assert_eq!(shown["seizures[3].quantity"], vec!["12.500.000"]);
        let back = to_json(RecordType::Case, &shown).unwrap();
        assert_eq!(back["seizures"], case["seizures"]);
        assert_eq!(back["subjects"], 1178);
        let programme = json!({"programme": "CNHT", "sponsor_unit": "BP", "beneficiary_kind": "child",
            "start": "2024-01-01", "monthly_amount": 12_500_000,
            "disbursements": [{"date": "2024-02-01", "amount": 500_000}]});
        let shown = from_json(RecordType::Programme, &programme);
        assert_eq!(shown["monthly_amount"], vec!["12.500.000"]);
        let back = to_json(RecordType::Programme, &shown).unwrap();
        assert_eq!(back["monthly_amount"], 12_500_000);
        assert_eq!(back["disbursements"], programme["disbursements"]);
    }

    #[test]
    fn an_edit_form_keeps_what_it_does_not_show() {
        let marker = json!({"number": "172", "post": "BP-XINMAN", "kind": "main",
            "location": {"lat": 22.685069, "lon": 104.4475862}});
        let mut shown = from_json(RecordType::Marker, &marker);
        assert!(
            !shown.keys().any(|k| k.contains("location")),
            "the form has no place for it"
        );
        shown.insert("kind".into(), vec!["auxiliary".into()]);
        let saved = to_content_over(RecordType::Marker, &shown, &marker).unwrap();
        let saved: Value = serde_json::from_str(&saved.to_json()).unwrap();
        assert_eq!(saved["location"], marker["location"], "kept as it was");
        assert_eq!(
            saved["kind"], "auxiliary",
            "what the form changed is changed"
        );
        // A field the form shows and the user emptied stays emptied.
        let unit =
            json!({"code": "BP-X", "kind": "border_post", "name": "Đồn X", "note": "ghi chú"});
        let mut shown = from_json(RecordType::Unit, &unit);
        shown.remove("note");
        let saved = to_content_over(RecordType::Unit, &shown, &unit).unwrap();
        let saved: Value = serde_json::from_str(&saved.to_json()).unwrap();
        assert!(saved.get("note").is_none_or(|n| n == ""), "{saved}");
    }

    #[test]
    fn ambiguous_numbers_are_echoed() {
        let p = form(&[
            ("seizures[0].item", "HEROIN"),
            ("seizures[0].quantity", "1.200"),
            ("seizures[1].item", "X"),
            ("seizures[1].quantity", "0,43"),
            ("subjects", "2"),
        ]);
        let read = ambiguous_numbers(RecordType::Case, &p);
        assert_eq!(
            read,
            vec![ReadAs {
                field: "seizures[0].quantity".into(),
                typed: "1.200".into(),
                plain: "1200".into(),
            }]
        );
    }

    fn kind_and_value() -> impl proptest::strategy::Strategy<Value = (Kind, Value)> {
        use proptest::prelude::*;
        let code = "[A-Z][A-Z0-9-]{0,8}";
        let text =
            "[a-zA-Z0-9ăâđêôơưạảấầẩẫậáàãóòỏõọéèẻẽẹ]([a-zA-Z0-9 ,.ăâđêôơưạảấầ]{0,20}[a-zA-Z0-9])?";
        prop_oneof![
            (1900i16..2200, 1i8..=12, 1i8..=28)
                .prop_map(|(y, m, d)| (Kind::Date, json!(jiff::civil::date(y, m, d).to_string()))),
            any::<u32>().prop_map(|n| (Kind::Count, json!(n))),
            (0i64..1_000_000_000_000, 0i64..1_000_000).prop_map(|(u, f)| {
                let d = rust_decimal::Decimal::new(u * 1_000_000 + f, 6).normalize();
                (Kind::Quantity, json!(d.to_string()))
            }),
            (0i64..9_000_000_000_000_000).prop_map(|n| (Kind::Money, json!(n))),
            text.prop_map(|s| (Kind::Text, json!(s))),
            text.prop_map(|s| (Kind::LongText, json!(s))),
            code.prop_map(|s| (Kind::Unit, json!(s))),
            code.prop_map(|s| (Kind::Record, json!(s))),
            code.prop_map(|s| (Kind::Catalogue(CatalogueKind::Force), json!(s))),
            proptest::sample::select(vec!["joint", "bilateral", "post_only"])
                .prop_map(|s| (Kind::Choice(&["joint", "bilateral", "post_only"]), json!(s))),
            proptest::collection::vec(code, 1..4).prop_map(|v| (Kind::Units, json!(v))),
            proptest::collection::vec(code, 1..4).prop_map(|v| (Kind::Codes, json!(v))),
            any::<bool>().prop_map(|b| (Kind::Bool, json!(b))),
        ]
    }

    proptest::proptest! {
        /// What the writer shows, the reader reads back: every field kind.
        #[test]
        fn writer_then_reader_is_the_identity((kind, v) in kind_and_value()) {
            let shown = text_of(kind, &v);
            let mut p = Posted::new();
            if !shown.is_empty() {
                p.insert("x".into(), shown.clone());
            }
            let read = value_of(kind, "x", &p).unwrap();
            proptest::prop_assert_eq!(read, Some(v.clone()), "shown as {:?}", shown);
            if shown.len() == 1 && !matches!(kind, Kind::Bool | Kind::Codes | Kind::Units) {
                proptest::prop_assert_eq!(value_from_text(kind, "x", &shown[0]).unwrap(), Some(v));
            }
        }
    }
}
