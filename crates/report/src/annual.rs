//! The annual review of the coordination: the figures the review conference
//! states, computed over one reporting year for a scope.

use crate::{ReportError, Result};
use bienphong_domain::catalogue::{CatalogueKind, Role};
use bienphong_domain::facts::measure;
use bienphong_domain::org::{Code, Org, UnitKind};
use bienphong_domain::text::collate;
use bienphong_domain::{Cutoff, Period, Quantity, RecordType};
use bienphong_service::Service;
use bienphong_store::{MeasureSum, Store};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AnnualReview {
    pub year: i16,
    pub cutoff: Cutoff,
    pub period: Period,
    pub scope: Option<UnitRef>,
    pub patrols: Patrols,
    pub cases: Cases,
    pub seizures: Vec<SeizureLine>,
    pub briefings: Briefings,
    pub meetings: Vec<CountLine>,
    pub documents: Documents,
    pub programmes: Vec<ProgrammeLine>,
    pub propaganda: Propaganda,
    pub disaster: Disaster,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Patrols {
    pub count: i64,
    pub border_guard_persons: i64,
    pub other_persons: i64,
    pub by_kind: BTreeMap<String, i64>,
    pub by_force: Vec<ForceLine>,
    pub by_lead_unit: Vec<UnitPatrols>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ForceLine {
    pub code: String,
    pub name: String,
    pub border_guard: bool,
    pub persons: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitPatrols {
    pub unit: UnitRef,
    pub count: i64,
    pub border_guard_persons: i64,
    pub other_persons: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Cases {
    pub count: i64,
    pub subjects: i64,
    pub by_type: Vec<CaseLine>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseLine {
    pub code: String,
    pub name: String,
    pub count: i64,
    pub subjects: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SeizureLine {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub quantity: Decimal,
    /// How the narrative names the amount, `{}` for the number.
    #[serde(skip)]
    pub phrase: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Briefings {
    /// (unit, quarter) pairs owed: every post and border commune, every quarter.
    pub due: i64,
    pub held: i64,
    pub meetings: i64,
    pub communes_due: i64,
    pub communes_complete: i64,
    pub posts_due: i64,
    pub posts_complete: i64,
    pub missing: Vec<MissingBriefing>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingBriefing {
    pub unit: UnitRef,
    pub quarter: i8,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CountLine {
    pub code: String,
    pub name: String,
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Documents {
    pub count: i64,
    pub recipients: i64,
    pub acknowledged: i64,
    pub by_type: Vec<CountLine>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgrammeLine {
    pub code: String,
    pub name: String,
    /// Beneficiaries supported at some time in the period.
    pub beneficiaries: i64,
    pub new_beneficiaries: i64,
    pub disbursed_dong: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Propaganda {
    pub count: i64,
    pub sessions: i64,
    pub listeners: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Disaster {
    pub plans: i64,
    pub responses: i64,
    pub persons_mobilised: i64,
    pub people_rescued: i64,
}

fn unit_ref(org: &Org, code: &Code) -> UnitRef {
    UnitRef {
        code: code.to_string(),
        name: org
            .unit(code)
            .map(|u| u.name.to_string())
            .unwrap_or_default(),
    }
}

/// Computes the annual review of `year` for `scope` (the whole store when
/// `None`).
pub async fn annual_review<S: Store>(
    service: &Service<S>,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
) -> Result<AnnualReview> {
    let org = service.org().await?;
    let period = Period::year(year, cutoff);
    let scope_units: Option<BTreeSet<Code>> = match scope {
        Some(code) => {
            if org.unit(code).is_none() {
                return Err(ReportError::UnknownScope(code.to_string()));
            }
            Some(org.descendants(code, &period))
        }
        None => None,
    };
    let unit_filter = scope_units
        .as_ref()
        .map(|s| s.iter().cloned().collect::<Vec<_>>());
    let store = service.store();
    // One pass over the facts, per leading unit; totals are summed from it.
    let by_lead = store
        .sum_measures(period, unit_filter.clone(), true)
        .await?;
    let sums = totals(&by_lead);
    let total = |name: &str| {
        sums.iter()
            .find(|s| s.measure == name)
            .map_or(0, |s| s.value)
    };
    let with_prefix = |prefix: &str| -> Vec<(&str, i64)> {
        sums.iter()
            .filter_map(|s| s.measure.strip_prefix(prefix).map(|code| (code, s.value)))
            .collect()
    };
    let cat = &org.catalogue;
    let name_of = |kind: CatalogueKind, code: &str| -> String {
        Code::parse(code)
            .ok()
            .and_then(|c| cat.get(kind, &c))
            .map(|e| e.vi.to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let is_border_guard = |code: &str| {
        Code::parse(code)
            .ok()
            .and_then(|c| cat.get(CatalogueKind::Force, &c))
            .is_some_and(|e| e.role == Role::BorderGuard)
    };
    let order_of = |kind: CatalogueKind, code: &str| {
        Code::parse(code)
            .ok()
            .and_then(|c| cat.get(kind, &c))
            .map_or(i32::MAX, |e| e.order)
    };

    // Patrols.
    let mut patrols = Patrols {
        count: total(measure::PATROL_COUNT),
        ..Patrols::default()
    };
    let mut forces: Vec<ForceLine> = with_prefix(measure::PATROL_FORCE_PREFIX)
        .into_iter()
        .map(|(code, persons)| ForceLine {
            code: code.to_string(),
            name: name_of(CatalogueKind::Force, code),
            border_guard: is_border_guard(code),
            persons,
        })
        .collect();
    forces.sort_by_key(|f| (order_of(CatalogueKind::Force, &f.code), f.code.clone()));
    patrols.border_guard_persons = forces
        .iter()
        .filter(|f| f.border_guard)
        .map(|f| f.persons)
        .sum();
    patrols.other_persons = forces
        .iter()
        .filter(|f| !f.border_guard)
        .map(|f| f.persons)
        .sum();
    patrols.by_force = forces;
    for (kind, n) in with_prefix("patrol.kind.") {
        patrols.by_kind.insert(kind.to_string(), n);
    }
    patrols.by_lead_unit = patrols_by_unit(&org, &by_lead, &is_border_guard);

    // Cases and seizures.
    let mut cases = Cases {
        count: with_prefix(measure::CASE_COUNT_PREFIX)
            .iter()
            .map(|(_, n)| n)
            .sum(),
        subjects: with_prefix(measure::CASE_SUBJECTS_PREFIX)
            .iter()
            .map(|(_, n)| n)
            .sum(),
        by_type: Vec::new(),
    };
    for (code, count) in with_prefix(measure::CASE_COUNT_PREFIX) {
        cases.by_type.push(CaseLine {
            code: code.to_string(),
            name: name_of(CatalogueKind::CaseType, code),
            count,
            subjects: total(&format!("{}{code}", measure::CASE_SUBJECTS_PREFIX)),
        });
    }
    cases
        .by_type
        .sort_by_key(|c| (order_of(CatalogueKind::CaseType, &c.code), c.code.clone()));

    let mut seizures: Vec<SeizureLine> = with_prefix(measure::SEIZURE_PREFIX)
        .into_iter()
        .map(|(code, micro)| {
            let entry = Code::parse(code)
                .ok()
                .and_then(|c| cat.get(CatalogueKind::SeizedItem, &c));
            SeizureLine {
                code: code.to_string(),
                name: name_of(CatalogueKind::SeizedItem, code),
                measure: entry
                    .and_then(|e| e.measure_vi.as_ref())
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                quantity: Quantity::from_micro(micro),
                phrase: entry
                    .and_then(|e| e.phrase_vi.as_ref())
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| {
                        format!("{{}} {}", name_of(CatalogueKind::SeizedItem, code))
                    }),
            }
        })
        .collect();
    seizures.sort_by_key(|s| (order_of(CatalogueKind::SeizedItem, &s.code), s.code.clone()));

    // Meetings by type, and the briefing cycle.
    let mut meetings: Vec<CountLine> = with_prefix(measure::MEETING_COUNT_PREFIX)
        .into_iter()
        .map(|(code, count)| CountLine {
            code: code.to_string(),
            name: name_of(CatalogueKind::MeetingType, code),
            count,
        })
        .collect();
    meetings.sort_by_key(|m| {
        (
            order_of(CatalogueKind::MeetingType, &m.code),
            m.code.clone(),
        )
    });
    let briefings = briefings(
        service,
        &org,
        year,
        cutoff,
        period,
        scope_units.as_ref(),
        &sums,
    )
    .await?;

    // Documents.
    let mut documents = Documents {
        count: with_prefix(measure::DOCUMENT_COUNT_PREFIX)
            .iter()
            .map(|(_, n)| n)
            .sum(),
        recipients: total(measure::DOCUMENT_RECIPIENTS),
        acknowledged: total(measure::DOCUMENT_ACKNOWLEDGED),
        by_type: with_prefix(measure::DOCUMENT_COUNT_PREFIX)
            .into_iter()
            .map(|(code, count)| CountLine {
                code: code.to_string(),
                name: name_of(CatalogueKind::DocumentType, code),
                count,
            })
            .collect(),
    };
    documents.by_type.sort_by_key(|d| {
        (
            order_of(CatalogueKind::DocumentType, &d.code),
            d.code.clone(),
        )
    });

    let programmes = programmes(service, &org, period, unit_filter, &sums).await?;

    Ok(AnnualReview {
        year,
        cutoff,
        period,
        scope: scope.map(|c| unit_ref(&org, c)),
        patrols,
        cases,
        seizures,
        briefings,
        meetings,
        documents,
        programmes,
        propaganda: Propaganda {
            count: total(measure::PROPAGANDA_COUNT),
            sessions: total(measure::PROPAGANDA_SESSIONS),
            listeners: total(measure::PROPAGANDA_LISTENERS),
        },
        disaster: Disaster {
            plans: total(measure::DISASTER_PLANS),
            responses: total(measure::DISASTER_RESPONSES),
            persons_mobilised: total(measure::DISASTER_MOBILISED),
            people_rescued: total(measure::DISASTER_RESCUED),
        },
    })
}

fn totals(by_lead: &[MeasureSum]) -> Vec<MeasureSum> {
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    for s in by_lead {
        *totals.entry(&s.measure).or_default() += s.value;
    }
    totals
        .into_iter()
        .map(|(measure, value)| MeasureSum {
            measure: measure.to_string(),
            lead_unit: None,
            value,
        })
        .collect()
}

fn patrols_by_unit(
    org: &Org,
    by_lead: &[MeasureSum],
    is_border_guard: &dyn Fn(&str) -> bool,
) -> Vec<UnitPatrols> {
    let mut rows: BTreeMap<Code, UnitPatrols> = BTreeMap::new();
    for s in by_lead {
        let Some(lead) = &s.lead_unit else { continue };
        let row = rows.entry(lead.clone()).or_insert_with(|| UnitPatrols {
            unit: unit_ref(org, lead),
            count: 0,
            border_guard_persons: 0,
            other_persons: 0,
        });
        if s.measure == measure::PATROL_COUNT {
            row.count += s.value;
        } else if let Some(force) = s.measure.strip_prefix(measure::PATROL_FORCE_PREFIX) {
            if is_border_guard(force) {
                row.border_guard_persons += s.value;
            } else {
                row.other_persons += s.value;
            }
        }
    }
    let mut rows: Vec<UnitPatrols> = rows.into_values().filter(|r| r.count > 0).collect();
    rows.sort_by(|a, b| {
        collate(&a.unit.name, &b.unit.name).then_with(|| a.unit.code.cmp(&b.unit.code))
    });
    rows
}

async fn briefings<S: Store>(
    service: &Service<S>,
    org: &Org,
    year: i16,
    cutoff: Cutoff,
    period: Period,
    scope: Option<&BTreeSet<Code>>,
    sums: &[MeasureSum],
) -> Result<Briefings> {
    let briefing_types: Vec<Code> = org
        .catalogue
        .with_role(CatalogueKind::MeetingType, Role::QuarterlyBriefing)
        .map(|e| e.code.clone())
        .collect();
    let meetings = briefing_types
        .iter()
        .map(|t| {
            let name = measure::meeting_count(t);
            sums.iter()
                .filter(|s| s.measure == name)
                .map(|s| s.value)
                .sum::<i64>()
        })
        .sum();
    // Who took part in a briefing, quarter by quarter.
    let mut held: BTreeMap<i8, BTreeSet<Code>> = BTreeMap::new();
    for q in 1..=4i8 {
        let quarter = Period::quarter(year, q, cutoff);
        let entry = held.entry(q).or_default();
        for t in &briefing_types {
            let units = service
                .store()
                .units_taking_part(RecordType::Meeting, t.as_str(), quarter)
                .await?;
            entry.extend(units);
        }
    }
    let all_units: BTreeSet<Code>;
    let scope = match scope {
        Some(s) => s,
        None => {
            all_units = org.units.keys().cloned().collect();
            &all_units
        }
    };
    let mut out = Briefings {
        meetings,
        ..Briefings::default()
    };
    for kind in [UnitKind::Commune, UnitKind::BorderPost] {
        for unit in org.units_of_kind_during(scope, &[kind], &period) {
            let mut complete = true;
            let mut due_any = false;
            for q in 1..=4i8 {
                let quarter = Period::quarter(year, q, cutoff);
                if !quarter.overlaps(unit.valid_from, unit.valid_to) {
                    continue;
                }
                due_any = true;
                out.due += 1;
                if held.get(&q).is_some_and(|units| units.contains(&unit.code)) {
                    out.held += 1;
                } else {
                    complete = false;
                    out.missing.push(MissingBriefing {
                        unit: unit_ref(org, &unit.code),
                        quarter: q,
                    });
                }
            }
            if !due_any {
                continue;
            }
            match kind {
                UnitKind::Commune => {
                    out.communes_due += 1;
                    out.communes_complete += i64::from(complete);
                }
                _ => {
                    out.posts_due += 1;
                    out.posts_complete += i64::from(complete);
                }
            }
        }
    }
    out.missing
        .sort_by(|a, b| collate(&a.unit.name, &b.unit.name).then_with(|| a.cmp(b)));
    Ok(out)
}

async fn programmes<S: Store>(
    service: &Service<S>,
    org: &Org,
    period: Period,
    unit_filter: Option<Vec<Code>>,
    sums: &[MeasureSum],
) -> Result<Vec<ProgrammeLine>> {
    let active = service
        .store()
        .count_active(RecordType::Programme, period, unit_filter)
        .await?;
    let mut lines: BTreeMap<Code, ProgrammeLine> = BTreeMap::new();
    fn line<'a>(
        lines: &'a mut BTreeMap<Code, ProgrammeLine>,
        org: &Org,
        code: &Code,
    ) -> &'a mut ProgrammeLine {
        lines.entry(code.clone()).or_insert_with(|| ProgrammeLine {
            code: code.to_string(),
            name: org
                .catalogue
                .get(CatalogueKind::Programme, code)
                .map(|e| e.vi.to_string())
                .unwrap_or_else(|| code.to_string()),
            beneficiaries: 0,
            new_beneficiaries: 0,
            disbursed_dong: 0,
        })
    }
    for (programme, n) in active {
        if let Ok(code) = Code::parse(&programme) {
            line(&mut lines, org, &code).beneficiaries += n;
        }
    }
    for s in sums {
        if let Some(code) = s.measure.strip_prefix(measure::PROGRAMME_STARTED_PREFIX)
            && let Ok(code) = Code::parse(code)
        {
            line(&mut lines, org, &code).new_beneficiaries += s.value;
        }
        if let Some(code) = s.measure.strip_prefix(measure::PROGRAMME_DISBURSED_PREFIX)
            && let Ok(code) = Code::parse(code)
        {
            line(&mut lines, org, &code).disbursed_dong += s.value;
        }
    }
    let mut out: Vec<ProgrammeLine> = lines.into_values().collect();
    out.sort_by_key(|l| {
        let order = Code::parse(&l.code)
            .ok()
            .and_then(|c| org.catalogue.get(CatalogueKind::Programme, &c))
            .map_or(i32::MAX, |e| e.order);
        (order, l.code.clone())
    });
    Ok(out)
}
