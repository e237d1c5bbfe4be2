//! What each record adds to the figures reports sum. The store keeps these
//! contributions summed by unit set, day and measure, updated in the same
//! transaction as each revision, and can recompute them from the revisions.
//! Measures are named here and nowhere else.

use crate::Date;
use crate::org::Code;
use crate::record::{Content, DisasterKind};
use std::collections::BTreeSet;

pub mod measure {
    use crate::org::Code;

    pub const PATROL_COUNT: &str = "patrol.count";
    pub fn patrol_kind(kind: &str) -> String {
        format!("patrol.kind.{kind}")
    }
    pub const PATROL_FORCE_PREFIX: &str = "patrol.force.";
    pub fn patrol_force(force: &Code) -> String {
        format!("{PATROL_FORCE_PREFIX}{force}")
    }
    pub const CASE_COUNT_PREFIX: &str = "case.count.";
    pub fn case_count(case_type: &Code) -> String {
        format!("{CASE_COUNT_PREFIX}{case_type}")
    }
    pub const CASE_SUBJECTS_PREFIX: &str = "case.subjects.";
    pub fn case_subjects(case_type: &Code) -> String {
        format!("{CASE_SUBJECTS_PREFIX}{case_type}")
    }
    /// Millionths of the item's unit.
    pub const SEIZURE_PREFIX: &str = "seizure.";
    pub fn seizure(item: &Code) -> String {
        format!("{SEIZURE_PREFIX}{item}")
    }
    pub const MEETING_COUNT_PREFIX: &str = "meeting.count.";
    pub fn meeting_count(meeting_type: &Code) -> String {
        format!("{MEETING_COUNT_PREFIX}{meeting_type}")
    }
    pub const MEETING_ATTENDANCE: &str = "meeting.attendance";
    pub const DOCUMENT_COUNT_PREFIX: &str = "document.count.";
    pub fn document_count(document_type: &Code) -> String {
        format!("{DOCUMENT_COUNT_PREFIX}{document_type}")
    }
    pub const DOCUMENT_RECIPIENTS: &str = "document.recipients";
    pub const DOCUMENT_ACKNOWLEDGED: &str = "document.acknowledged";
    pub const PROGRAMME_STARTED_PREFIX: &str = "programme.started.";
    pub fn programme_started(programme: &Code) -> String {
        format!("{PROGRAMME_STARTED_PREFIX}{programme}")
    }
    /// Counted on a programme's last day, so that those in force during a
    /// period are the ones started by its end less the ones ended before
    /// its start: two sums instead of a walk over every programme.
    pub const PROGRAMME_ENDED_PREFIX: &str = "programme.ended.";
    pub fn programme_ended(programme: &Code) -> String {
        format!("{PROGRAMME_ENDED_PREFIX}{programme}")
    }
    /// Whole đồng, on the day of each disbursement.
    pub const PROGRAMME_DISBURSED_PREFIX: &str = "programme.disbursed.";
    pub fn programme_disbursed(programme: &Code) -> String {
        format!("{PROGRAMME_DISBURSED_PREFIX}{programme}")
    }
    pub const PROPAGANDA_COUNT: &str = "propaganda.count";
    pub const PROPAGANDA_SESSIONS: &str = "propaganda.sessions";
    pub const PROPAGANDA_LISTENERS: &str = "propaganda.listeners";
    pub const DISASTER_PLANS: &str = "disaster.plans";
    pub const DISASTER_RESPONSES: &str = "disaster.responses";
    pub const DISASTER_MOBILISED: &str = "disaster.mobilised";
    pub const DISASTER_RESCUED: &str = "disaster.rescued";
}

/// One number a record adds to a measure on a day.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Contribution {
    pub day: Date,
    pub measure: String,
    pub value: i64,
}

/// The units a record is counted under: its leading unit and every unit that
/// took part. A report for a scope counts the record once if any of them is
/// in the scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitSet {
    pub lead: Code,
    pub members: BTreeSet<Code>,
}

impl UnitSet {
    /// A stable text key: lead, then the sorted members.
    pub fn key(&self) -> String {
        let mut key = self.lead.to_string();
        for m in &self.members {
            key.push('|');
            key.push_str(m.as_str());
        }
        key
    }
}

pub fn unit_set(content: &Content) -> Option<UnitSet> {
    let (lead, others) = content.units();
    let lead = lead?.clone();
    let mut members: BTreeSet<Code> = others.into_iter().cloned().collect();
    members.insert(lead.clone());
    Some(UnitSet { lead, members })
}

/// What `content` adds to the figures; nothing for organisation records and
/// restricted details.
pub fn contributions(content: &Content) -> Vec<Contribution> {
    let mut out = Vec::new();
    let mut add = |day: Date, measure: String, value: i64| {
        if value != 0 {
            out.push(Contribution {
                day,
                measure,
                value,
            });
        }
    };
    match content {
        Content::Patrol(p) => {
            add(p.date, measure::PATROL_COUNT.into(), 1);
            add(p.date, measure::patrol_kind(p.kind.as_str()), 1);
            for f in &p.participants {
                add(
                    p.date,
                    measure::patrol_force(&f.force),
                    i64::from(f.persons),
                );
            }
        }
        Content::Case(c) => {
            add(c.date, measure::case_count(&c.case_type), 1);
            add(
                c.date,
                measure::case_subjects(&c.case_type),
                i64::from(c.subjects),
            );
            for s in &c.seizures {
                add(c.date, measure::seizure(&s.item), s.quantity.to_micro());
            }
        }
        Content::Meeting(m) => {
            add(m.date, measure::meeting_count(&m.meeting_type), 1);
            add(
                m.date,
                measure::MEETING_ATTENDANCE.into(),
                i64::from(m.attendance),
            );
        }
        Content::Document(d) => {
            add(d.date, measure::document_count(&d.document_type), 1);
            add(
                d.date,
                measure::DOCUMENT_RECIPIENTS.into(),
                d.recipients.len() as i64,
            );
            let acknowledged = d
                .recipients
                .iter()
                .filter(|r| r.acknowledged_on.is_some())
                .count();
            add(
                d.date,
                measure::DOCUMENT_ACKNOWLEDGED.into(),
                acknowledged as i64,
            );
        }
        Content::Programme(p) => {
            add(p.start, measure::programme_started(&p.programme), 1);
            if let Some(end) = p.end {
                add(end, measure::programme_ended(&p.programme), 1);
            }
            for d in &p.disbursements {
                add(
                    d.date,
                    measure::programme_disbursed(&p.programme),
                    d.amount.dong(),
                );
            }
        }
        Content::Propaganda(p) => {
            add(p.date, measure::PROPAGANDA_COUNT.into(), 1);
            add(
                p.date,
                measure::PROPAGANDA_SESSIONS.into(),
                i64::from(p.sessions),
            );
            add(
                p.date,
                measure::PROPAGANDA_LISTENERS.into(),
                i64::from(p.listeners),
            );
        }
        Content::Disaster(d) => {
            let kind = match d.kind {
                DisasterKind::Plan => measure::DISASTER_PLANS,
                DisasterKind::Response => measure::DISASTER_RESPONSES,
            };
            add(d.date, kind.into(), 1);
            add(
                d.date,
                measure::DISASTER_MOBILISED.into(),
                i64::from(d.persons_mobilised),
            );
            add(
                d.date,
                measure::DISASTER_RESCUED.into(),
                i64::from(d.people_rescued),
            );
        }
        Content::Unit(_)
        | Content::Link(_)
        | Content::Marker(_)
        | Content::Catalogue(_)
        | Content::CaseSubjects(_)
        | Content::Beneficiary(_)
        | Content::BriefingReport(_)
        | Content::Attachment(_)
        | Content::Signoff(_) => {}
    }
    out
}
