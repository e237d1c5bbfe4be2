//! The quarterly briefing cycle as people see it: who owes a report for a
//! quarter and where each stands (due, submitted, late); a unit's report
//! with its figures — read live from the records while it is a draft,
//! frozen once submitted, with what has changed since — and the actions of
//! earlier briefings still open.

use crate::annual::UnitRef;
use crate::figures::{Figures, Sums, by_unit_name, scope_units, unit_ref};
use crate::render::cell;
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::briefing::{self, BriefingState, FigureChange, OpenAction};
use bienphong_domain::catalogue::{CatalogueKind, Role};
use bienphong_domain::format::{date, period_name};
use bienphong_domain::org::{Code, Org, UnitKind};
use bienphong_domain::record::{BriefingReport, BriefingStatus, FrozenFigure};
use bienphong_domain::scope::Scope;
use bienphong_domain::text::Text;
use bienphong_domain::{Content, Cutoff, Date, Period, Quantity, RecordId, RecordType};
use bienphong_service::{Service, ServiceError, StoredBriefing};
use bienphong_store::{ListFilter, Store};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// The labels of the figures a briefing report states, as data.
const FIGURE_LABELS: &str = include_str!("../templates/briefing-figures.vi.tsv");

fn label(key: &str) -> String {
    FIGURE_LABELS
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_string(), |(_, v)| v.to_string())
}

/// What a quarter's briefing report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BriefingQuarter {
    pub year: i16,
    pub quarter: i8,
    pub cutoff: Cutoff,
    /// Days after the quarter's last day the report is due.
    pub due_days: i32,
}

impl BriefingQuarter {
    pub fn period(&self) -> Result<Period> {
        if !(1..=4).contains(&self.quarter) {
            return Err(ReportError::BadQuarter(self.quarter));
        }
        Ok(Period::quarter(self.year, self.quarter, self.cutoff))
    }

    pub fn due(&self) -> Result<Date> {
        Ok(briefing::due_date(self.period()?, self.due_days))
    }
}

/// The figures a unit's briefing report states for `period`, computed from
/// the records of the unit, the units below it and the joint records it
/// took part in.
pub async fn key_figures<S: Store>(
    service: &Service<S>,
    unit: &Code,
    period: Period,
) -> Result<Vec<FrozenFigure>> {
    let org = service.org_shared().await?;
    let units = scope_units(&org, Some(unit), &period)?;
    let sums = Sums::load(service.store(), period, units).await?;
    let f = Figures::from_sums(&org, &sums);
    let mut out = Vec::new();
    let mut push = |key: String, label: String, value: Decimal| {
        if let Ok(value) = Quantity::new(value) {
            out.push(FrozenFigure {
                key,
                label: Text::new(&label),
                value,
            });
        }
    };
    let whole = |n: i64| Decimal::from(n);
    for (key, value) in [
        ("patrols", f.patrols.count),
        ("patrol_border_guard", f.patrols.border_guard_persons),
        ("patrol_other", f.patrols.other_persons),
        ("cases", f.cases.count),
        ("subjects", f.cases.subjects),
    ] {
        push(key.into(), label(key), whole(value));
    }
    for s in &f.seizures {
        let name = if s.measure.is_empty() {
            s.name.clone()
        } else {
            format!("{} ({})", s.name, s.measure)
        };
        push(
            format!("seizure:{}", s.code),
            format!("{}: {name}", label("seizure")),
            s.quantity,
        );
    }
    for (key, value) in [
        ("documents", f.documents.count),
        ("propaganda_sessions", f.propaganda.sessions),
        ("propaganda_listeners", f.propaganda.listeners),
        ("disaster_responses", f.disaster.responses),
        ("disaster_mobilised", f.disaster.persons_mobilised),
    ] {
        push(key.into(), label(key), whole(value));
    }
    Ok(out)
}

/// Where a unit stands, as people read it: "Quá hạn, chưa gửi (dự thảo)".
pub fn state_text(lang: bienphong_i18n::Lang, state: BriefingState, draft: bool) -> String {
    let label = lang.text(&format!("briefing-state-{}", state.as_str()), &[]);
    if draft && !state.is_submitted() {
        let draft = lang.text("briefing-status-draft", &[]).to_lowercase();
        format!("{label} ({draft})")
    } else {
        label
    }
}

/// An open action with its owner's name.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CarriedAction {
    pub meeting: RecordId,
    pub meeting_date: Date,
    pub text: String,
    pub owner: UnitRef,
    pub due: Option<Date>,
}

/// The open actions of the briefings held up to `until` owned by one of
/// `owners` (every unit when `None`).
pub async fn carried_actions<S: Store>(
    service: &Service<S>,
    org: &Org,
    until: Date,
    owners: Option<&BTreeSet<Code>>,
) -> Result<Vec<CarriedAction>> {
    let types: Vec<Code> = org
        .catalogue
        .with_role(CatalogueKind::MeetingType, Role::QuarterlyBriefing)
        .map(|e| e.code.clone())
        .collect();
    let mut meetings = Vec::new();
    for t in &types {
        let records = service
            .list(ListFilter {
                record_type: Some(RecordType::Meeting),
                period: Period::new(Date::MIN, until),
                category: Some(t.to_string()),
                ..ListFilter::default()
            })
            .await?;
        for r in records {
            if let Content::Meeting(m) =
                Content::from_json(r.record_type, &r.content).map_err(ServiceError::from)?
            {
                meetings.push((r.record_id, m));
            }
        }
    }
    let everyone: BTreeSet<Code>;
    let owners = match owners {
        Some(o) => o,
        None => {
            everyone = meetings
                .iter()
                .flat_map(|(_, m)| m.actions.iter().map(|a| a.owner_unit.clone()))
                .collect();
            &everyone
        }
    };
    let open: Vec<OpenAction> =
        briefing::open_actions(meetings.iter().map(|(id, m)| (*id, m)), until, owners);
    Ok(open
        .into_iter()
        .map(|a| CarriedAction {
            meeting: a.meeting,
            meeting_date: a.meeting_date,
            text: a.text.to_string(),
            owner: unit_ref(
                org,
                &a.owner_unit,
                &Period {
                    from: until,
                    to: until,
                },
            ),
            due: a.due,
        })
        .collect())
}

/// A document's overdue acknowledgement or required action (issue 16).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OverdueDocument {
    pub document: RecordId,
    pub number: String,
    pub title: String,
    pub unit: UnitRef,
    pub due: Date,
    /// The required action; none for the acknowledgement of receipt.
    pub action: Option<String>,
}

/// What is overdue today, due by `until`, on the documents issued by or
/// owed by one of `units`.
pub async fn overdue_documents<S: Store>(
    service: &Service<S>,
    org: &Org,
    units: &BTreeSet<Code>,
    until: Date,
) -> Result<Vec<OverdueDocument>> {
    let mut out: Vec<OverdueDocument> = service
        .overdue_for(units, until)
        .await?
        .into_iter()
        .map(|(o, c)| {
            let (number, title) = match &c {
                Content::Document(d) => (d.number.to_string(), d.title.to_string()),
                _ => (String::new(), String::new()),
            };
            OverdueDocument {
                document: o.document,
                number,
                title,
                unit: unit_ref(
                    org,
                    &o.unit,
                    &Period {
                        from: until,
                        to: until,
                    },
                ),
                due: o.due,
                action: o.action.map(|(i, t)| format!("{}. {t}", i + 1)),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.due, &a.number).cmp(&(b.due, &b.number)));
    Ok(out)
}

pub(crate) fn overdue_rows(
    items: &[OverdueDocument],
    lang: bienphong_i18n::Lang,
) -> Vec<(String, String, String, String)> {
    items
        .iter()
        .map(|o| {
            let doc = if o.number.is_empty() {
                o.title.clone()
            } else {
                format!("{} ({})", o.title, o.number)
            };
            (
                cell(&doc),
                cell(&o.unit.name),
                cell(&o.action.clone().unwrap_or_else(|| match lang {
                    bienphong_i18n::Lang::Vi => "Xác nhận đã nhận".to_string(),
                    bienphong_i18n::Lang::En => lang.text("rpt-acknowledge-receipt", &[]),
                })),
                crate::words::date(lang, o.due),
            )
        })
        .collect()
}

/// One unit's place in a quarter's briefing cycle.
#[derive(Clone, Debug, Serialize)]
pub struct BriefingRow {
    pub unit: UnitRef,
    /// `border_post` or `commune`.
    pub kind: &'static str,
    pub state: BriefingState,
    /// Whether a draft has been started (for those not yet submitted).
    pub draft: bool,
    pub record: Option<RecordId>,
    pub submitted_on: Option<Date>,
}

/// Who owes a quarter's report within a scope, and where each stands.
#[derive(Clone, Debug, Serialize)]
pub struct BriefingRoll {
    pub quarter: BriefingQuarter,
    pub period: Period,
    pub name: String,
    pub due: Date,
    pub today: Date,
    pub scope: Option<UnitRef>,
    pub rows: Vec<BriefingRow>,
    pub submitted: usize,
    pub submitted_late: usize,
    pub overdue: usize,
    pub pending: usize,
    /// Open actions of earlier briefings owned within the scope.
    pub open_actions: Vec<CarriedAction>,
    /// Overdue acknowledgements and required actions of documents within
    /// the scope, due by the quarter's end.
    pub overdue_documents: Vec<OverdueDocument>,
}

/// Every post and border commune of `scope` that existed during the
/// quarter owes its report; posts first, each in Vietnamese order.
pub async fn briefing_roll<S: Store>(
    service: &Service<S>,
    scope: Option<&Code>,
    quarter: BriefingQuarter,
    today: Date,
) -> Result<BriefingRoll> {
    let org = service.org_shared().await?;
    let period = quarter.period()?;
    let due = quarter.due()?;
    let units = match scope_units(&org, scope, &period)? {
        Some(s) => s,
        None => Scope::always(org.units.keys().cloned()),
    };
    let reports: Vec<StoredBriefing> = service
        .briefing_reports(quarter.year, quarter.quarter)
        .await?;
    let mut rows = Vec::new();
    for (kind, name) in [
        (UnitKind::BorderPost, "border_post"),
        (UnitKind::Commune, "commune"),
    ] {
        let mut of_kind: Vec<BriefingRow> = org
            .units_of_kind_during(&units, &[kind], &period)
            .map(|unit| {
                let stored = reports.iter().find(|r| r.report.unit == unit.code);
                let report = stored.map(|s| &s.report);
                BriefingRow {
                    unit: unit_ref(&org, &unit.code, &period),
                    kind: name,
                    state: briefing::state(report, due, today),
                    draft: report.is_some_and(|r| r.status == BriefingStatus::Draft),
                    record: stored.map(|s| s.record.record_id),
                    submitted_on: report.and_then(|r| r.submitted_on),
                }
            })
            .collect();
        of_kind.sort_by(|a, b| by_unit_name(&a.unit, &b.unit));
        rows.extend(of_kind);
    }
    let count = |s: BriefingState| rows.iter().filter(|r| r.state == s).count();
    let owners: BTreeSet<Code> = units.units().cloned().collect();
    let open_actions = carried_actions(service, &org, period.to, Some(&owners)).await?;
    let overdue_documents = overdue_documents(service, &org, &owners, period.to).await?;
    Ok(BriefingRoll {
        quarter,
        period,
        name: period_name(&period),
        due,
        today,
        scope: scope.map(|c| unit_ref(&org, c, &period)),
        submitted: count(BriefingState::Submitted),
        submitted_late: count(BriefingState::SubmittedLate),
        overdue: count(BriefingState::Overdue),
        pending: count(BriefingState::Pending),
        rows,
        open_actions,
        overdue_documents,
    })
}

/// A unit's report for a quarter, ready to show or to submit.
#[derive(Clone, Debug, Serialize)]
pub struct BriefingView {
    pub unit: UnitRef,
    pub quarter: BriefingQuarter,
    pub period: Period,
    pub name: String,
    pub due: Date,
    pub state: BriefingState,
    /// The stored report, if the unit has started one.
    #[serde(skip)]
    pub stored: Option<StoredBriefing>,
    pub report: Option<BriefingReport>,
    /// The stored report's record and latest revision.
    pub record_id: Option<RecordId>,
    pub revision: Option<bienphong_domain::RevisionId>,
    /// Frozen figures of a submitted report, otherwise the records' figures
    /// today.
    pub figures: Vec<FrozenFigure>,
    /// For a submitted report: the figures the records give now where they
    /// differ from those submitted.
    pub changes: Vec<FigureChange>,
    pub carried: Vec<CarriedAction>,
    /// Overdue acknowledgements and required actions of documents the unit
    /// issued or owes, due by the quarter's end.
    pub overdue_documents: Vec<OverdueDocument>,
    /// The catalogue's names in other languages, for a rendering in one.
    #[serde(skip)]
    pub names: crate::annual::CatalogueNames,
}

/// `unit`'s report of the quarter. A stored report's own cut-off wins over
/// the one asked for.
pub async fn briefing_view<S: Store>(
    service: &Service<S>,
    unit: &Code,
    quarter: BriefingQuarter,
    today: Date,
) -> Result<BriefingView> {
    let org = service.org_shared().await?;
    if org.unit(unit).is_none() {
        return Err(ReportError::UnknownScope(unit.to_string()));
    }
    quarter.period()?;
    let stored = service
        .briefing_report(unit, quarter.year, quarter.quarter)
        .await?;
    let quarter = BriefingQuarter {
        cutoff: stored.as_ref().map_or(quarter.cutoff, |s| s.report.cutoff),
        ..quarter
    };
    let period = quarter.period()?;
    let due = quarter.due()?;
    let report = stored.as_ref().map(|s| s.report.clone());
    let live = key_figures(service, unit, period).await?;
    let (figures, changes) = match &report {
        Some(r) if r.status == BriefingStatus::Submitted => {
            (r.figures.clone(), briefing::differences(&r.figures, &live))
        }
        _ => (live, vec![]),
    };
    let carried = carried_actions(
        service,
        &org,
        period.to,
        Some(&BTreeSet::from([unit.clone()])),
    )
    .await?;
    let overdue_documents =
        overdue_documents(service, &org, &BTreeSet::from([unit.clone()]), period.to).await?;
    Ok(BriefingView {
        unit: unit_ref(&org, unit, &period),
        quarter,
        period,
        name: period_name(&period),
        due,
        state: briefing::state(report.as_ref(), due, today),
        record_id: stored.as_ref().map(|s| s.record.record_id),
        revision: stored.as_ref().map(|s| s.record.revision_id),
        stored,
        report,
        figures,
        changes,
        carried,
        overdue_documents,
        names: crate::annual::CatalogueNames::of(&org),
    })
}

/// An administrative unit's kind is a common noun inside a sentence ("của
/// xã Lũng Cú"); a post's name is a proper name and keeps its capital.
pub(crate) fn in_sentence(name: &str) -> String {
    const KINDS: [&str; 7] = [
        "Xã ",
        "Thị trấn ",
        "Phường ",
        "Huyện ",
        "Thị xã ",
        "Thành phố ",
        "Tỉnh ",
    ];
    if KINDS.iter().any(|k| name.starts_with(k)) {
        crate::summary::lowercase_first(name)
    } else {
        name.to_string()
    }
}

/// The report as Vietnamese Markdown (for the page and the DOCX).
pub fn briefing_to_markdown(view: &BriefingView) -> Result<String> {
    briefing_to_markdown_in(view, bienphong_i18n::Lang::Vi)
}

/// The report as Markdown in `lang` (English for foreign partners).
pub fn briefing_to_markdown_in(view: &BriefingView, lang: bienphong_i18n::Lang) -> Result<String> {
    crate::narrative::briefing(view, lang)
}

#[derive(Template)]
#[template(path = "briefing-roll.vi.md")]
struct RollMarkdown {
    title: String,
    scope: String,
    from: String,
    to: String,
    due: String,
    total: usize,
    submitted: usize,
    late: usize,
    overdue: usize,
    pending: usize,
    rows: Vec<(String, String, String, String)>,
    actions: Vec<(String, String, String, String)>,
    late_documents: Vec<(String, String, String, String)>,
}

pub(crate) fn action_rows(
    actions: &[CarriedAction],
    lang: bienphong_i18n::Lang,
) -> Vec<(String, String, String, String)> {
    let date = |d| crate::words::date(lang, d);
    actions
        .iter()
        .map(|a| {
            (
                cell(&a.text),
                cell(&a.owner.name),
                date(a.meeting_date),
                a.due.map(date).unwrap_or_default(),
            )
        })
        .collect()
}

/// Who owes the quarter's report and where each stands, as Vietnamese
/// Markdown.
pub fn briefing_roll_to_markdown(roll: &BriefingRoll) -> Result<String> {
    RollMarkdown {
        title: crate::summary::lowercase_first(&roll.name),
        scope: roll.scope.as_ref().map_or_else(
            || "toàn bộ các đơn vị".to_string(),
            |s| format!("{} ({})", s.name, s.code),
        ),
        from: date(roll.period.from),
        to: date(roll.period.to),
        due: date(roll.due),
        total: roll.rows.len(),
        submitted: roll.submitted + roll.submitted_late,
        late: roll.submitted_late,
        overdue: roll.overdue,
        pending: roll.pending,
        rows: roll
            .rows
            .iter()
            .map(|r| {
                let state = state_text(bienphong_i18n::Lang::Vi, r.state, r.draft);
                (
                    cell(&r.unit.name),
                    r.unit.code.clone(),
                    state,
                    r.submitted_on.map(date).unwrap_or_default(),
                )
            })
            .collect(),
        actions: action_rows(&roll.open_actions, bienphong_i18n::Lang::Vi),
        late_documents: overdue_rows(&roll.overdue_documents, bienphong_i18n::Lang::Vi),
    }
    .render()
    .map_err(|e| ReportError::Render(e.to_string()))
}
