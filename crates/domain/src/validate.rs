//! Checks a record against the organisation and catalogues as they were on
//! the record's date. The first problem found is returned, naming its field.

use crate::Date;
use crate::RecordType;
use crate::catalogue::CatalogueKind;
use crate::error::{Problem, ValidationError};
use crate::format;
use crate::org::{Code, LinkKind, Org, UnitKind};
use crate::record::{BriefingReport, BriefingStatus, Content, ForceCount};
use std::collections::HashSet;

type Check = Result<(), ValidationError>;

fn err(field: impl Into<String>, problem: Problem) -> ValidationError {
    ValidationError::new(field, problem)
}

/// The kinds of unit a field takes, where it takes only some (a patrol is
/// led by a post, a station or a command; a briefing report is a post's or
/// a commune's): the one list that the check below refuses by and that the
/// forms' unit pickers offer by. `None`: any unit.
pub fn unit_kinds(t: RecordType, field: &str) -> Option<&'static [UnitKind]> {
    use UnitKind::*;
    match (t, field) {
        (RecordType::Patrol, "lead_unit") => Some(&[BorderPost, Station, BorderGuardCommand]),
        (RecordType::Marker, "post") => Some(&[BorderPost, Station]),
        (RecordType::Marker, "commune") => Some(&[Commune]),
        (RecordType::BriefingReport, "unit") => Some(&[BorderPost, Commune]),
        _ => None,
    }
}

/// Checks `content` against `org`. `is_new_unit` says whether a unit record
/// is being created (its code must then be free).
pub fn check(content: &Content, org: &Org, is_new_unit: bool) -> Check {
    crate::limits::check_limits(content)?;
    match content {
        Content::Patrol(p) => {
            unit_on(org, "lead_unit", &p.lead_unit, p.date)?;
            unit_kind(org, RecordType::Patrol, "lead_unit", &p.lead_unit)?;
            partners(org, "partner_units", &p.lead_unit, &p.partner_units, p.date)?;
            if p.participants.is_empty() {
                return Err(err("participants", Problem::Empty));
            }
            forces(org, "participants", &p.participants)?;
            let posts = posts_answering_for(org, &p.lead_unit, p.date);
            let mut seen = HashSet::new();
            for (i, m) in p.markers.iter().enumerate() {
                let field = format!("markers[{i}]");
                if !seen.insert(m) {
                    return Err(err(field, Problem::Duplicate(m.to_string())));
                }
                if !posts
                    .iter()
                    .any(|post| org.markers.contains_key(&(post.clone(), m.clone())))
                {
                    return Err(err(
                        field,
                        Problem::UnknownMarker {
                            number: m.to_string(),
                            post: p.lead_unit.to_string(),
                        },
                    ));
                }
            }
            Ok(())
        }
        Content::Case(c) => {
            unit_on(org, "handling_unit", &c.handling_unit, c.date)?;
            partners(
                org,
                "partner_units",
                &c.handling_unit,
                &c.partner_units,
                c.date,
            )?;
            entry(org, "case_type", CatalogueKind::CaseType, &c.case_type)?;
            for (i, s) in c.seizures.iter().enumerate() {
                entry(
                    org,
                    format!("seizures[{i}].item"),
                    CatalogueKind::SeizedItem,
                    &s.item,
                )?;
                if s.quantity.value().is_zero() {
                    return Err(err(format!("seizures[{i}].quantity"), Problem::NotPositive));
                }
            }
            Ok(())
        }
        Content::Meeting(m) => {
            unit_on(org, "host_unit", &m.host_unit, m.date)?;
            partners(
                org,
                "participant_units",
                &m.host_unit,
                &m.participant_units,
                m.date,
            )?;
            entry(
                org,
                "meeting_type",
                CatalogueKind::MeetingType,
                &m.meeting_type,
            )?;
            if let (Some(from), Some(to)) = (m.period_from, m.period_to)
                && to < from
            {
                return Err(err("period_to", Problem::DateBefore(format::date(from))));
            }
            for (i, a) in m.actions.iter().enumerate() {
                unit_on(
                    org,
                    format!("actions[{i}].owner_unit"),
                    &a.owner_unit,
                    m.date,
                )?;
                if a.text.is_empty() {
                    return Err(err(format!("actions[{i}].text"), Problem::Empty));
                }
            }
            Ok(())
        }
        Content::Document(d) => {
            unit_on(org, "unit", &d.unit, d.date)?;
            entry(
                org,
                "document_type",
                CatalogueKind::DocumentType,
                &d.document_type,
            )?;
            // A document awaiting signatures is numbered once signed.
            if d.signers.is_empty() {
                non_empty("number", d.number.as_str())?;
            }
            non_empty("title", d.title.as_str())?;
            signers(org, &d.signers, d.date)?;
            for (i, a) in d.actions.iter().enumerate() {
                non_empty(&format!("actions[{i}].text"), a.text.as_str())?;
                unit_on(
                    org,
                    format!("actions[{i}].owner_unit"),
                    &a.owner_unit,
                    d.date,
                )?;
            }
            if let Some(by) = d.acknowledge_by
                && by < d.date
            {
                return Err(err(
                    "acknowledge_by",
                    Problem::DateBefore(format::date(d.date)),
                ));
            }
            let mut seen = HashSet::new();
            for (i, r) in d.recipients.iter().enumerate() {
                let field = format!("recipients[{i}].unit");
                unit_on(org, &field, &r.unit, d.date)?;
                if !seen.insert(&r.unit) {
                    return Err(err(field, Problem::Duplicate(r.unit.to_string())));
                }
                if let Some(ack) = r.acknowledged_on
                    && ack < d.date
                {
                    return Err(err(
                        format!("recipients[{i}].acknowledged_on"),
                        Problem::DateBefore(format::date(d.date)),
                    ));
                }
            }
            Ok(())
        }
        Content::Programme(p) => {
            unit_on(org, "sponsor_unit", &p.sponsor_unit, p.start)?;
            partners(
                org,
                "partner_units",
                &p.sponsor_unit,
                &p.partner_units,
                p.start,
            )?;
            entry(org, "programme", CatalogueKind::Programme, &p.programme)?;
            if let Some(end) = p.end
                && end < p.start
            {
                return Err(err("end", Problem::DateBefore(format::date(p.start))));
            }
            for (i, d) in p.disbursements.iter().enumerate() {
                if d.date < p.start {
                    return Err(err(
                        format!("disbursements[{i}].date"),
                        Problem::DateBefore(format::date(p.start)),
                    ));
                }
            }
            Ok(())
        }
        Content::Propaganda(p) => {
            unit_on(org, "unit", &p.unit, p.date)?;
            partners(org, "partner_units", &p.unit, &p.partner_units, p.date)?;
            non_empty("topic", p.topic.as_str())?;
            if p.sessions == 0 {
                return Err(err("sessions", Problem::NotPositive));
            }
            Ok(())
        }
        Content::Disaster(d) => {
            unit_on(org, "unit", &d.unit, d.date)?;
            partners(org, "partner_units", &d.unit, &d.partner_units, d.date)?;
            non_empty("title", d.title.as_str())
        }
        Content::CaseSubjects(s) => {
            for (i, subject) in s.subjects.iter().enumerate() {
                non_empty(&format!("subjects[{i}].name"), subject.name.as_str())?;
            }
            Ok(())
        }
        Content::Beneficiary(b) => {
            non_empty("name", b.name.as_str())?;
            crate::personal::check_consent(b)
        }
        Content::Unit(u) => {
            if is_new_unit && org.units.contains_key(&u.code) {
                return Err(err("code", Problem::DuplicateUnit(u.code.to_string())));
            }
            non_empty("name", u.name.as_str())?;
            if let (Some(from), Some(to)) = (u.valid_from, u.valid_to)
                && to < from
            {
                return Err(err("valid_to", Problem::DateBefore(format::date(from))));
            }
            for (i, s) in u.successors.iter().enumerate() {
                known_unit(org, &format!("successors[{i}]"), s)?;
            }
            crate::geo::shapes::check_unit(u, org)?;
            // Its codes are checked with the other units' as they stand.
            let own = format!("{}.", u.code);
            let others = org.units.values().filter(|o| o.code != u.code);
            match crate::org::admin_code_problems(others.chain([u]))
                .into_iter()
                .find(|e| e.field.starts_with(&own))
            {
                Some(e) => Err(err(e.field[own.len()..].to_string(), e.problem)),
                None => Ok(()),
            }
        }
        Content::Link(l) => {
            known_unit(org, "from", &l.from)?;
            known_unit(org, "to", &l.to)?;
            if let (Some(from), Some(to)) = (l.valid_from, l.valid_to)
                && to < from
            {
                return Err(err("valid_to", Problem::DateBefore(format::date(from))));
            }
            Ok(())
        }
        Content::Marker(m) => {
            known_unit(org, "post", &m.post)?;
            unit_kind(org, RecordType::Marker, "post", &m.post)?;
            if let Some(c) = &m.commune {
                known_unit(org, "commune", c)?;
                unit_kind(org, RecordType::Marker, "commune", c)?;
            }
            crate::geo::places::check_marker(m, org)
        }
        Content::Catalogue(e) => {
            non_empty("vi", e.vi.as_str())?;
            non_empty("en", e.en.as_str())
        }
        Content::BriefingReport(r) => {
            briefing_report(org, r)?;
            match r.period() {
                Some(p) => signers(org, &r.signers, p.to),
                None => Ok(()),
            }
        }
        Content::Signoff(s) => {
            unit_on(org, "unit", &s.unit, s.date)?;
            non_empty("signer", s.signer.as_str())?;
            match (s.decision, s.position) {
                (crate::signoff::Decision::Acknowledged, _) => Ok(()),
                (_, Some(_)) => Ok(()),
                (_, None) => Err(err("position", Problem::Empty)),
            }?;
            if s.decision == crate::signoff::Decision::Returned {
                non_empty("comment", s.comment.as_str())?;
            }
            Ok(())
        }
        Content::Attachment(a) => crate::attachment::check(a),
    }
}

/// Each required signer names a unit of the day, once per position.
fn signers(org: &Org, signers: &[crate::signoff::Signer], date: Date) -> Check {
    let mut seen = HashSet::new();
    for (i, s) in signers.iter().enumerate() {
        let field = format!("signers[{i}].unit");
        unit_on(org, &field, &s.unit, date)?;
        if !seen.insert(s) {
            return Err(err(field, Problem::Duplicate(s.to_string())));
        }
    }
    Ok(())
}

fn briefing_report(org: &Org, r: &BriefingReport) -> Check {
    let Some(period) = r.period() else {
        return Err(err(
            "quarter",
            Problem::UnknownValue {
                value: r.quarter.to_string(),
                expected: "1, 2, 3, 4".into(),
            },
        ));
    };
    crate::Year::new(r.year)?;
    unit_kind(org, RecordType::BriefingReport, "unit", &r.unit)?;
    // A unit owes the report of every quarter it existed in, even in part
    // (communes merged on 1 July 2025 still report on the quarter before).
    match org.unit(&r.unit) {
        Some(u) if period.overlaps(u.valid_from, u.valid_to) => {}
        _ => {
            return Err(err(
                "unit",
                Problem::UnitNotValidOn {
                    code: r.unit.to_string(),
                    date: format::date(period.to),
                },
            ));
        }
    }
    match r.status {
        BriefingStatus::Draft if r.submitted_on.is_some() || !r.figures.is_empty() => {
            Err(err("status", Problem::SetBySubmission))
        }
        BriefingStatus::Submitted if r.submitted_on.is_none() => {
            Err(err("submitted_on", Problem::Missing))
        }
        _ => Ok(()),
    }
}

fn non_empty(field: &str, value: &str) -> Check {
    if value.trim().is_empty() {
        Err(err(field, Problem::Empty))
    } else {
        Ok(())
    }
}

fn known_unit(org: &Org, field: &str, code: &Code) -> Check {
    if org.units.contains_key(code) {
        Ok(())
    } else {
        Err(err(field, Problem::UnknownUnit(code.to_string())))
    }
}

fn unit_on(org: &Org, field: impl Into<String>, code: &Code, date: Date) -> Check {
    let field = field.into();
    let unit = org
        .unit(code)
        .ok_or_else(|| err(field.clone(), Problem::UnknownUnit(code.to_string())))?;
    if !unit.valid_on(date) {
        return Err(err(
            field,
            Problem::UnitNotValidOn {
                code: code.to_string(),
                date: format::date(date),
            },
        ));
    }
    Ok(())
}

/// `code` is of a kind `field` of `t` takes ([`unit_kinds`]).
fn unit_kind(org: &Org, t: RecordType, field: &str, code: &Code) -> Check {
    let Some(kinds) = unit_kinds(t, field) else {
        return Ok(());
    };
    match org.unit(code) {
        Some(u) if kinds.contains(&u.kind) => Ok(()),
        Some(u) => Err(err(
            field,
            Problem::WrongUnitKind {
                code: code.to_string(),
                actual: u.kind.as_str().to_string(),
                expected: kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            },
        )),
        None => Err(err(field, Problem::UnknownUnit(code.to_string()))),
    }
}

fn partners(org: &Org, field: &str, lead: &Code, units: &[Code], date: Date) -> Check {
    let mut seen = HashSet::from([lead]);
    for (i, u) in units.iter().enumerate() {
        let f = format!("{field}[{i}]");
        unit_on(org, &f, u, date)?;
        if !seen.insert(u) {
            return Err(err(f, Problem::Duplicate(u.to_string())));
        }
    }
    Ok(())
}

fn entry(org: &Org, field: impl Into<String>, kind: CatalogueKind, code: &Code) -> Check {
    match org.catalogue.get(kind, code) {
        Some(e) if e.active => Ok(()),
        _ => Err(err(
            field,
            Problem::UnknownCatalogueEntry {
                catalogue: kind.as_str().to_string(),
                code: code.to_string(),
            },
        )),
    }
}

fn forces(org: &Org, field: &str, participants: &[ForceCount]) -> Check {
    let mut seen = HashSet::new();
    for (i, f) in participants.iter().enumerate() {
        entry(
            org,
            format!("{field}[{i}].force"),
            CatalogueKind::Force,
            &f.force,
        )?;
        if !seen.insert(&f.force) {
            return Err(err(
                format!("{field}[{i}].force"),
                Problem::Duplicate(f.force.to_string()),
            ));
        }
    }
    Ok(())
}

/// The posts whose markers a patrol led by `unit` may cover: the unit itself
/// and, for a station, its post.
fn posts_answering_for(org: &Org, unit: &Code, date: Date) -> Vec<Code> {
    let mut posts = vec![unit.clone()];
    for l in &org.links {
        let valid = l.valid_from.is_none_or(|f| f <= date) && l.valid_to.is_none_or(|t| date <= t);
        if l.kind == LinkKind::MilitaryParent && &l.to == unit && valid {
            posts.push(l.from.clone());
        }
    }
    posts
}
