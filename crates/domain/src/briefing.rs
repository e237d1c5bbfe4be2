//! The quarterly briefing cycle (giao ban hằng quý): every border post and
//! border commune owes a report for each quarter, due a few days after the
//! quarter's last day; a submitted report keeps the figures it was sent
//! with, and the actions agreed at a briefing stay on the list of the next
//! ones until they are done.

use crate::id::RecordId;
use crate::org::Code;
use crate::quantity::Quantity;
use crate::record::{ActionStatus, BriefingReport, BriefingStatus, FrozenFigure, Meeting};
use crate::record::{Content, RecordType};
use crate::revision::Revision;
use crate::text::Text;
use crate::{Date, Period};
use jiff::ToSpan;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Days after the quarter's last day by which its report is due, unless a
/// province sets another rule.
pub const DEFAULT_DUE_DAYS: i32 = 5;

/// The last day a report on `period` is on time.
pub fn due_date(period: Period, due_days: i32) -> Date {
    period
        .to
        .checked_add(i64::from(due_days.max(0)).days())
        .unwrap_or(period.to)
}

/// Where a unit stands with one quarter's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BriefingState {
    /// Not submitted, and not yet due.
    Pending,
    /// Not submitted and past its due date.
    Overdue,
    /// Submitted on time.
    Submitted,
    /// Submitted after its due date.
    SubmittedLate,
}

impl BriefingState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Overdue => "overdue",
            Self::Submitted => "submitted",
            Self::SubmittedLate => "submitted_late",
        }
    }

    pub fn is_submitted(&self) -> bool {
        matches!(self, Self::Submitted | Self::SubmittedLate)
    }

    pub fn is_late(&self) -> bool {
        matches!(self, Self::Overdue | Self::SubmittedLate)
    }
}

/// The state of a unit's report (if it has one) on `today`. A draft counts
/// as not submitted.
pub fn state(report: Option<&BriefingReport>, due: Date, today: Date) -> BriefingState {
    match report {
        Some(BriefingReport {
            status: BriefingStatus::Submitted,
            submitted_on: Some(on),
            ..
        }) => {
            if *on <= due {
                BriefingState::Submitted
            } else {
                BriefingState::SubmittedLate
            }
        }
        _ if today > due => BriefingState::Overdue,
        _ => BriefingState::Pending,
    }
}

/// A figure that changed after the report was submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FigureChange {
    pub key: String,
    pub label: Text,
    /// As submitted (zero if the figure was not in the report).
    pub submitted: Quantity,
    /// As the records give it now (zero if it no longer appears).
    pub now: Quantity,
}

/// The figures whose value today differs from the frozen one, in the
/// report's order, then those that appeared since.
pub fn differences(frozen: &[FrozenFigure], now: &[FrozenFigure]) -> Vec<FigureChange> {
    let current: BTreeMap<&str, &FrozenFigure> = now.iter().map(|f| (f.key.as_str(), f)).collect();
    let frozen_keys: BTreeSet<&str> = frozen.iter().map(|f| f.key.as_str()).collect();
    let mut out: Vec<FigureChange> = frozen
        .iter()
        .filter_map(|f| {
            let value = current
                .get(f.key.as_str())
                .map_or(Quantity::default(), |c| c.value);
            (value != f.value).then(|| FigureChange {
                key: f.key.clone(),
                label: f.label.clone(),
                submitted: f.value,
                now: value,
            })
        })
        .collect();
    out.extend(
        now.iter()
            .filter(|f| !frozen_keys.contains(f.key.as_str()) && f.value != Quantity::default())
            .map(|f| FigureChange {
                key: f.key.clone(),
                label: f.label.clone(),
                submitted: Quantity::default(),
                now: f.value,
            }),
    );
    out
}

/// An action agreed at a briefing and not yet done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenAction {
    pub meeting: RecordId,
    pub meeting_date: Date,
    pub text: Text,
    pub owner_unit: Code,
    pub due: Option<Date>,
}

/// The open actions of the briefings held up to `until` (the last day of
/// the quarter being reported on) whose owner is one of `owners`: what the
/// next briefing must follow up. Oldest first.
pub fn open_actions<'a>(
    briefings: impl IntoIterator<Item = (RecordId, &'a Meeting)>,
    until: Date,
    owners: &BTreeSet<Code>,
) -> Vec<OpenAction> {
    let mut out: Vec<OpenAction> = briefings
        .into_iter()
        .filter(|(_, m)| m.date <= until)
        .flat_map(|(id, m)| {
            m.actions
                .iter()
                .filter(|a| a.status == ActionStatus::Open && owners.contains(&a.owner_unit))
                .map(move |a| OpenAction {
                    meeting: id,
                    meeting_date: m.date,
                    text: a.text.clone(),
                    owner_unit: a.owner_unit.clone(),
                    due: a.due,
                })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.meeting_date, &a.owner_unit, &a.text).cmp(&(b.meeting_date, &b.owner_unit, &b.text))
    });
    out
}

/// Whether a revision holds a submitted briefing report.
pub fn is_submitted(r: &Revision) -> bool {
    !r.deleted
        && r.record_type == RecordType::BriefingReport
        && matches!(
            Content::from_json(r.record_type, &r.content),
            Ok(Content::BriefingReport(b)) if b.status == BriefingStatus::Submitted
        )
}

/// A submitted report is frozen: a revision following `parents` (an edit,
/// a deletion, or a resolution naming several) keeps it only by being one
/// of its submitted versions unchanged; `content` is the new revision's
/// canonical JSON, `None` for a deletion. True when no parent is submitted.
pub fn keeps_submitted<'a>(
    parents: impl IntoIterator<Item = &'a Revision>,
    content: Option<&str>,
) -> bool {
    let mut frozen = parents.into_iter().filter(|p| is_submitted(p)).peekable();
    if frozen.peek().is_none() {
        return true;
    }
    content.is_some_and(|c| frozen.any(|p| p.content == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cutoff;
    use crate::record::Action;
    use jiff::civil::date;

    fn code(s: &str) -> Code {
        s.parse().unwrap()
    }

    fn report(status: BriefingStatus, submitted_on: Option<Date>) -> BriefingReport {
        BriefingReport {
            unit: code("BP-LUNGCU"),
            year: 2024,
            quarter: 1,
            cutoff: Cutoff::Decree09,
            results: Text::default(),
            shortcomings: Text::default(),
            proposals: Text::default(),
            status,
            submitted_on,
            figures: vec![],
            signers: vec![],
        }
    }

    #[test]
    fn a_quarters_report_is_due_days_after_its_last_day() {
        let q1 = Period::quarter(2024, 1, Cutoff::Decree09);
        assert_eq!(due_date(q1, 5), date(2024, 3, 19));
        let q4 = Period::quarter(2024, 4, Cutoff::Calendar);
        assert_eq!(due_date(q4, 5), date(2025, 1, 5));
        assert_eq!(due_date(q4, -3), q4.to);
    }

    #[test]
    fn due_submitted_and_late() {
        let due = date(2024, 3, 19);
        let before = date(2024, 3, 10);
        let after = date(2024, 3, 25);
        assert_eq!(state(None, due, before), BriefingState::Pending);
        assert_eq!(state(None, due, due), BriefingState::Pending);
        assert_eq!(state(None, due, after), BriefingState::Overdue);
        let draft = report(BriefingStatus::Draft, None);
        assert_eq!(state(Some(&draft), due, before), BriefingState::Pending);
        assert_eq!(state(Some(&draft), due, after), BriefingState::Overdue);
        let on_time = report(BriefingStatus::Submitted, Some(due));
        assert_eq!(state(Some(&on_time), due, after), BriefingState::Submitted);
        let late = report(BriefingStatus::Submitted, Some(date(2024, 3, 20)));
        assert_eq!(state(Some(&late), due, after), BriefingState::SubmittedLate);
        assert!(BriefingState::SubmittedLate.is_submitted());
        assert!(BriefingState::SubmittedLate.is_late());
        assert!(!BriefingState::Pending.is_late());
    }

    fn figure(key: &str, value: &str) -> FrozenFigure {
        FrozenFigure {
            key: key.into(),
            label: Text::new(key),
            value: value.parse().unwrap(),
        }
    }

    #[test]
    fn only_changed_figures_are_differences() {
        let frozen = vec![
            figure("patrols", "12"),
            figure("cases", "3"),
            figure("seizure:HEROIN", "1,5"),
        ];
        let now = vec![
            figure("patrols", "13"),
            figure("cases", "3"),
            figure("subjects", "2"),
            figure("zero", "0"),
        ];
        let d = differences(&frozen, &now);
        let shown: Vec<(&str, String, String)> = d
            .iter()
            .map(|c| (c.key.as_str(), c.submitted.to_string(), c.now.to_string()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("patrols", "12".into(), "13".into()),
                ("seizure:HEROIN", "1.5".into(), "0".into()),
                ("subjects", "0".into(), "2".into()),
            ]
        );
        assert!(differences(&frozen, &frozen).is_empty());
    }

    fn meeting(day: Date, actions: &[(&str, &str, ActionStatus)]) -> Meeting {
        Meeting {
            date: day,
            meeting_type: code("GBQ"),
            host_unit: code("H-DONGVAN"),
            host_body: None,
            participant_units: vec![],
            period_from: None,
            period_to: None,
            attendance: 0,
            content: Text::default(),
            lessons: Text::default(),
            actions: actions
                .iter()
                .map(|(text, owner, status)| Action {
                    text: Text::new(text),
                    owner_unit: code(owner),
                    due: None,
                    status: *status,
                })
                .collect(),
        }
    }

    #[test]
    fn open_actions_of_earlier_briefings_are_carried() {
        let q1 = meeting(
            date(2024, 3, 22),
            &[
                ("Tuần tra mốc 428", "BP-LUNGCU", ActionStatus::Open),
                ("Họp dân", "X-LUNGCU", ActionStatus::Done),
                ("Sửa đường", "BP-SANGTUNG", ActionStatus::Open),
            ],
        );
        let q2 = meeting(
            date(2024, 6, 21),
            &[("Tập huấn", "BP-LUNGCU", ActionStatus::Open)],
        );
        let (a, b) = (RecordId::new(), RecordId::new());
        let owners = BTreeSet::from([code("BP-LUNGCU"), code("X-LUNGCU")]);
        // The second quarter's report (to 14/06) follows up the first
        // briefing's open actions of its own units, not the later ones.
        let q2_end = Period::quarter(2024, 2, Cutoff::Decree09).to;
        let carried = open_actions([(a, &q1), (b, &q2)], q2_end, &owners);
        let texts: Vec<&str> = carried.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, vec!["Tuần tra mốc 428"]);
        assert_eq!(carried[0].meeting, a);
        // The third quarter's report carries both still-open actions.
        let q3_end = Period::quarter(2024, 3, Cutoff::Decree09).to;
        let carried = open_actions([(b, &q2), (a, &q1)], q3_end, &owners);
        let texts: Vec<&str> = carried.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, vec!["Tuần tra mốc 428", "Tập huấn"]);
    }

    #[test]
    fn a_submitted_report_is_kept_only_unchanged() {
        let report = |status: &str, results: &str| Revision {
            id: crate::RevisionId::new(),
            record_id: crate::RecordId::new(),
            record_type: RecordType::BriefingReport,
            parents: Vec::new(),
            node_id: crate::NodeId::new(),
            author: "đồn".into(),
            created_ms: 0,
            deleted: false,
            content: serde_json::json!({"unit": "BP-LUNGCU", "year": 2025, "quarter": 1,
                "results": results, "status": status})
            .to_string(),
        };
        let draft = report("draft", "Tuần tra 12 lần");
        let submitted = report("submitted", "Tuần tra 12 lần");
        assert!(!is_submitted(&draft) && is_submitted(&submitted));
        // Drafts only: anything goes, a deletion too.
        assert!(keeps_submitted([&draft], None));
        // A submitted version kept as it is, also beside a draft.
        assert!(keeps_submitted(
            [&draft, &submitted],
            Some(&submitted.content)
        ));
        // Changed, replaced by the draft, or deleted: not kept.
        let changed = submitted.content.replace("12", "40");
        assert!(!keeps_submitted([&submitted], Some(&changed)));
        assert!(!keeps_submitted([&draft, &submitted], Some(&draft.content)));
        assert!(!keeps_submitted([&submitted], None));
    }
}
