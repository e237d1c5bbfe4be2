//! Turning flags and files into records, and records into lines of text.

use crate::cli::{RecordFlags, unit_fields};
use bienphong_domain::fields::{Kind, ReadAs, value_from_text};
use bienphong_domain::format;
use bienphong_domain::{Content, Problem, RecordType, ValidationError};
use serde_json::{Map, Value, json};

fn invalid(field: impl Into<String>, problem: Problem) -> ValidationError {
    ValidationError::new(field, problem)
}

/// A flag's value read by the domain's one reader of its kind, as forms
/// and sheets read what people type.
fn typed(kind: Kind, field: &str, s: &str) -> Result<Value, ValidationError> {
    value_from_text(kind, field, s)?.ok_or_else(|| invalid(field, Problem::Missing))
}

fn date_value(field: &str, s: &str) -> Result<Value, ValidationError> {
    typed(Kind::Date, field, s)
}

fn count_value(field: &str, s: &str) -> Result<Value, ValidationError> {
    typed(Kind::Count, field, s)
}

fn quantity_value(field: &str, s: &str) -> Result<Value, ValidationError> {
    typed(Kind::Quantity, field, s)
}

fn money_value(field: &str, s: &str) -> Result<Value, ValidationError> {
    typed(Kind::Money, field, s)
}

/// The numbers among the flags that could be read two ways (`1.200`), to
/// be echoed with how they were read.
pub fn ambiguous_numbers(flags: &RecordFlags) -> Vec<ReadAs> {
    let after_eq = |s: &String| {
        s.split_once('=')
            .map_or(String::new(), |(_, v)| v.to_string())
    };
    let mut out = Vec::new();
    for (i, f) in flags.force.iter().enumerate() {
        out.extend(ReadAs::check(
            Kind::Count,
            &format!("participants[{i}].persons"),
            &after_eq(f),
        ));
    }
    for (i, s) in flags.seizure.iter().enumerate() {
        out.extend(ReadAs::check(
            Kind::Quantity,
            &format!("seizures[{i}].quantity"),
            &after_eq(s),
        ));
    }
    for (i, d) in flags.disbursement.iter().enumerate() {
        out.extend(ReadAs::check(
            Kind::Money,
            &format!("disbursements[{i}].amount"),
            &after_eq(d),
        ));
    }
    let single = [
        (Kind::Quantity, "duration_hours", &flags.hours),
        (Kind::Money, "monthly_amount", &flags.monthly_amount),
        (Kind::Count, "subjects", &flags.subjects),
        (Kind::Count, "attendance", &flags.attendance),
        (Kind::Count, "sessions", &flags.sessions),
        (Kind::Count, "listeners", &flags.listeners),
        (Kind::Count, "persons_mobilised", &flags.persons_mobilised),
        (Kind::Count, "people_rescued", &flags.people_rescued),
    ];
    for (kind, field, value) in single {
        if let Some(v) = value {
            out.extend(ReadAs::check(kind, field, v));
        }
    }
    out
}

/// Lays the given flags over `base` (the record being edited, or empty).
pub fn apply_flags(
    t: RecordType,
    flags: &RecordFlags,
    base: Map<String, Value>,
) -> Result<Map<String, Value>, ValidationError> {
    let mut obj = base;
    let (unit_field, partner_field) = unit_fields(t);
    let mut set = |k: &str, v: Value| {
        obj.insert(k.to_string(), v);
    };
    let text = |s: &String| Value::String(s.clone());

    if let Some(s) = &flags.date {
        set("date", date_value("date", s)?);
    }
    if let Some(s) = &flags.unit {
        set(unit_field, text(s));
    }
    if !flags.partner.is_empty() {
        set(partner_field, json!(flags.partner));
    }
    if let Some(s) = &flags.kind {
        set("kind", text(s));
    }
    if !flags.marker.is_empty() {
        set("markers", json!(flags.marker));
    }
    if !flags.force.is_empty() {
        let mut list = Vec::new();
        for (i, f) in flags.force.iter().enumerate() {
            let (force, persons) = f.split_once('=').ok_or_else(|| {
                invalid(
                    format!("participants[{i}]"),
                    Problem::UnknownValue {
                        value: f.clone(),
                        expected: "FORCE=PERSONS".into(),
                    },
                )
            })?;
            list.push(json!({"force": force, "persons": count_value(&format!("participants[{i}].persons"), persons)?}));
        }
        set("participants", Value::Array(list));
    }
    if let Some(s) = &flags.hours {
        set("duration_hours", quantity_value("duration_hours", s)?);
    }
    for (flag, field) in [
        (&flags.notes, "notes"),
        (&flags.case_type, "case_type"),
        (&flags.place, "place"),
        (&flags.outcome, "outcome"),
        (&flags.meeting_type, "meeting_type"),
        (&flags.content, "content"),
        (&flags.lessons, "lessons"),
        (&flags.document_type, "document_type"),
        (&flags.number, "number"),
        (&flags.issuer, "issuer"),
        (&flags.title, "title"),
        (&flags.programme, "programme"),
        (&flags.beneficiary_kind, "beneficiary_kind"),
        (&flags.topic, "topic"),
    ] {
        if let Some(s) = flag {
            set(field, text(s));
        }
    }
    for (flag, field) in [
        (&flags.subjects, "subjects"),
        (&flags.attendance, "attendance"),
        (&flags.sessions, "sessions"),
        (&flags.listeners, "listeners"),
        (&flags.persons_mobilised, "persons_mobilised"),
        (&flags.people_rescued, "people_rescued"),
    ] {
        if let Some(s) = flag {
            set(field, count_value(field, s)?);
        }
    }
    for (flag, field) in [
        (&flags.period_from, "period_from"),
        (&flags.period_to, "period_to"),
        (&flags.start, "start"),
        (&flags.end, "end"),
    ] {
        if let Some(s) = flag {
            set(field, date_value(field, s)?);
        }
    }
    if let Some(s) = &flags.monthly_amount {
        set("monthly_amount", money_value("monthly_amount", s)?);
    }
    if !flags.seizure.is_empty() {
        let mut list = Vec::new();
        for (i, s) in flags.seizure.iter().enumerate() {
            let (item, quantity) = s.split_once('=').ok_or_else(|| {
                invalid(
                    format!("seizures[{i}]"),
                    Problem::UnknownValue {
                        value: s.clone(),
                        expected: "ITEM=QUANTITY".into(),
                    },
                )
            })?;
            list.push(json!({"item": item, "quantity": quantity_value(&format!("seizures[{i}].quantity"), quantity)?}));
        }
        set("seizures", Value::Array(list));
    }
    if !flags.recipient.is_empty() {
        let mut list = Vec::new();
        for (i, r) in flags.recipient.iter().enumerate() {
            match r.split_once(':') {
                Some((unit, ack)) => list.push(json!({
                    "unit": unit,
                    "acknowledged_on": date_value(&format!("recipients[{i}].acknowledged_on"), ack)?,
                })),
                None => list.push(json!({"unit": r})),
            }
        }
        set("recipients", Value::Array(list));
    }
    if !flags.disbursement.is_empty() {
        let mut list = Vec::new();
        for (i, d) in flags.disbursement.iter().enumerate() {
            let (day, amount) = d.split_once('=').ok_or_else(|| {
                invalid(
                    format!("disbursements[{i}]"),
                    Problem::UnknownValue {
                        value: d.clone(),
                        expected: "DD/MM/YYYY=AMOUNT".into(),
                    },
                )
            })?;
            list.push(json!({
                "date": date_value(&format!("disbursements[{i}].date"), day)?,
                "amount": money_value(&format!("disbursements[{i}].amount"), amount)?,
            }));
        }
        set("disbursements", Value::Array(list));
    }
    Ok(obj)
}

/// Parses a JSON text as a record of type `t`, naming the field at fault.
pub fn content_from_json(t: RecordType, text: &str) -> Result<Content, ValidationError> {
    Content::from_json(t, text)
}

pub fn content_from_object(
    t: RecordType,
    obj: Map<String, Value>,
) -> Result<Content, ValidationError> {
    content_from_json(t, &Value::Object(obj).to_string())
}

/// A one-line summary of a record's figures, in the words reports use.
pub fn summary(content: &Content) -> String {
    match content {
        Content::Patrol(p) => {
            let persons: u32 = p.participants.iter().map(|f| f.persons).sum();
            let forces: Vec<String> = p
                .participants
                .iter()
                .map(|f| format!("{} {}", f.force, f.persons))
                .collect();
            format!(
                "{} · {} lượt ({})",
                p.kind.as_str(),
                persons,
                forces.join(", ")
            )
        }
        Content::Case(c) => {
            let seized: Vec<String> = c
                .seizures
                .iter()
                .map(|s| format!("{} {}", s.item, format::decimal(s.quantity.value(), false)))
                .collect();
            format!(
                "{} · {} đối tượng {}",
                c.case_type,
                c.subjects,
                seized.join(", ")
            )
        }
        Content::Meeting(m) => format!(
            "{} · {} người dự · {}",
            m.meeting_type,
            m.attendance,
            m.participant_units.len()
        ),
        Content::Document(d) => format!("{} {} · {}", d.document_type, d.number, d.title),
        Content::Programme(p) => format!(
            "{} · {} đồng/tháng · {} lần chi",
            p.programme,
            format::integer(p.monthly_amount.dong()),
            p.disbursements.len()
        ),
        Content::Propaganda(p) => format!(
            "{} buổi/{} lượt người nghe · {}",
            p.sessions, p.listeners, p.topic
        ),
        Content::Disaster(d) => format!(
            "{:?} · {} lượt · {} người được cứu · {}",
            d.kind, d.persons_mobilised, d.people_rescued, d.title
        ),
        Content::BriefingReport(r) => format!(
            "{} · Q{}/{} · {}",
            r.unit,
            r.quarter,
            r.year,
            r.status.as_str()
        ),
        Content::Unit(u) => format!("{} · {}", u.kind.as_str(), u.name),
        Content::Link(l) => format!("{:?} {} → {}", l.kind, l.from, l.to),
        Content::Marker(m) => format!("{} · {:?}", m.number, m.kind),
        Content::Catalogue(e) => format!("{} {} · {}", e.catalogue.as_str(), e.code, e.vi),
        Content::CaseSubjects(s) => format!("{} đối tượng", s.subjects.len()),
        Content::Beneficiary(b) => b.name.to_string(),
        Content::Attachment(a) => format!(
            "{} · {} · {}",
            a.name,
            a.content_type,
            bienphong_domain::attachment::size_text(a.size)
        ),
        Content::Signoff(a) => format!(
            "{} · {} · {} · {}",
            a.decision.as_str(),
            a.unit,
            a.signer,
            a.record
        ),
    }
}

/// The top-level fields that differ between two revisions' content.
pub fn changed_fields(before: &str, after: &str) -> Vec<String> {
    let parse = |s: &str| serde_json::from_str::<Map<String, Value>>(s).unwrap_or_default();
    let (a, b) = (parse(before), parse(after));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => format!("{k}: {x} → {y}"),
            (None, Some(y)) => format!("{k}: + {y}"),
            (Some(x), None) => format!("{k}: {x} → −"),
            (None, None) => k.clone(),
        })
        .collect()
}
