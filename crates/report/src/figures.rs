//! The one place that turns the store's summed facts (`Store::sum_measures`
//! rows) into the figures reports state: patrols, cases, seizures,
//! documents, propaganda, disaster and rescue. The annual review and the
//! period summary both compute through here.

use crate::annual::{
    CaseLine, Cases, CountLine, Disaster, Documents, ForceLine, Patrols, Propaganda, SeizureLine,
    UnitCases, UnitPatrols, UnitRef,
};
use crate::{ReportError, Result};
use bienphong_domain::catalogue::{CatalogueKind, Role};
use bienphong_domain::facts::measure;
use bienphong_domain::mapping::Mapped;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::scope::Scope;
use bienphong_domain::text::collate;
use bienphong_domain::{Period, Quantity};
use bienphong_store::{MeasureSum, Store};
use std::collections::BTreeMap;

/// A unit as a report on `period` names it: with the administrative code
/// in force during the period (at its end, for a period across a change).
pub(crate) fn unit_ref(org: &Org, code: &Code, period: &Period) -> UnitRef {
    let unit = org.unit(code);
    UnitRef {
        code: code.to_string(),
        name: unit.map(|u| u.name.to_string()).unwrap_or_default(),
        admin_code: unit
            .and_then(|u| u.admin_code_during(period))
            .map(|c| c.to_string())
            .unwrap_or_default(),
        agency_id: unit.and_then(|u| u.agency_id.clone()).unwrap_or_default(),
        placeholder: unit.is_some_and(|u| !u.verified),
    }
}

/// What a report on `scope` covers over `period`: each unit with the days
/// on which it belonged to the scope (see [`Scope::of`], the one place for
/// that rule); `None` for the whole store.
pub(crate) fn scope_units(
    org: &Org,
    scope: Option<&Code>,
    period: &Period,
) -> Result<Option<Scope>> {
    match scope {
        Some(code) => {
            if org.unit(code).is_none() {
                return Err(ReportError::UnknownScope(code.to_string()));
            }
            Ok(Some(org.scope(code, period)))
        }
        None => Ok(None),
    }
}

/// The facts of a period summed per leading unit, and the totals over all
/// leading units.
pub(crate) struct Sums {
    /// The period summed: units are named with the codes in force then.
    pub period: Period,
    pub by_lead: Vec<MeasureSum>,
    pub totals: Vec<MeasureSum>,
}

impl Sums {
    /// One pass over the facts, per leading unit; totals are summed from it.
    pub async fn load<S: Store>(store: &S, period: Period, units: Option<Scope>) -> Result<Self> {
        let by_lead = store.sum_measures(period, units, true).await?;
        let totals = totals(&by_lead);
        Ok(Self {
            period,
            by_lead,
            totals,
        })
    }

    /// The totals alone, for figures that are never broken down by unit.
    pub async fn load_totals<S: Store>(
        store: &S,
        period: Period,
        units: Option<Scope>,
    ) -> Result<Self> {
        let totals = store.sum_measures(period, units, false).await?;
        Ok(Self {
            period,
            by_lead: Vec::new(),
            totals,
        })
    }

    pub fn total(&self, name: &str) -> i64 {
        self.totals
            .iter()
            .find(|s| s.measure == name)
            .map_or(0, |s| s.value)
    }

    /// `(rest of the name, total)` of every measure named `prefix…`.
    pub fn with_prefix(&self, prefix: &str) -> Vec<(&str, i64)> {
        self.totals
            .iter()
            .filter_map(|s| s.measure.strip_prefix(prefix).map(|code| (code, s.value)))
            .collect()
    }

    pub fn sum_prefix(&self, prefix: &str) -> i64 {
        self.with_prefix(prefix).iter().map(|(_, n)| n).sum()
    }
}

/// A unit whose records a mapped report counted in part, and how much.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct Apportioned {
    pub unit: UnitRef,
    /// The share counted, `1/2`.
    pub share: String,
    /// Its patrols that name no unit mapping whole…
    pub patrols: i64,
    /// …and the part of them counted.
    pub counted: i64,
    /// Of `patrols`, for a unit split before the date mapped onto: those
    /// whose place (a commune, a border marker's commune) is in the scope,
    /// counted whole; those whose place is in another part, not counted;
    /// the rest, shared equally.
    pub placed_here: i64,
    pub placed_elsewhere: i64,
    pub shared: i64,
    /// Records of any kind placed by their place, and shared equally.
    pub records_placed: i64,
    pub records_shared: i64,
}

impl Sums {
    /// The facts of `period` mapped onto the units of a chosen date: the
    /// units that map whole summed as a scope; then each unit that maps in
    /// part, largest share first, adds its share of the facts it brings
    /// that no unit before it did (a record is counted once, at the
    /// largest share among its units). A unit split before that date has
    /// its records read one by one and placed where their place is known
    /// ([`crate::placing`]).
    pub async fn load_mapped<S: Store>(
        store: &S,
        org: &Org,
        period: Period,
        mapped: &Mapped,
    ) -> Result<(Self, Vec<Apportioned>)> {
        let key = |s: &MeasureSum| (s.measure.clone(), s.lead_unit.clone());
        let mut reach = mapped.whole.clone();
        let mut previous = store
            .sum_measures(period, Some(reach.clone()), true)
            .await?;
        let mut total: BTreeMap<(String, Option<Code>), i64> =
            previous.iter().map(|s| (key(s), s.value)).collect();
        let mut apportioned = Vec::new();
        for share in &mapped.shares {
            let mut line = Apportioned {
                unit: unit_ref(org, &share.unit, &period),
                share: format!("{}/{}", share.numerator, share.denominator),
                patrols: 0,
                counted: 0,
                placed_here: 0,
                placed_elsewhere: 0,
                shared: 0,
                records_placed: 0,
                records_shared: 0,
            };
            if let Some(parts) = mapped.parts.get(&share.unit) {
                let placing =
                    crate::placing::place(store, org, period, share, parts, &reach).await?;
                for (k, v) in placing.here {
                    *total.entry(k).or_default() += v;
                }
                let [here, elsewhere, shared] = placing.patrols;
                let mut shared_counted = 0;
                for (k, v) in placing.shared {
                    let part = share.of(v);
                    if k.0 == measure::PATROL_COUNT {
                        shared_counted += part;
                    }
                    *total.entry(k).or_default() += part;
                }
                line.patrols = here + elsewhere + shared;
                line.counted = here + shared_counted;
                line.placed_here = here;
                line.placed_elsewhere = elsewhere;
                line.shared = shared;
                [line.records_placed, line.records_shared] = placing.records;
                reach.add(share.unit.clone(), share.days);
                previous = store
                    .sum_measures(period, Some(reach.clone()), true)
                    .await?;
            } else {
                reach.add(share.unit.clone(), share.days);
                let now = store
                    .sum_measures(period, Some(reach.clone()), true)
                    .await?;
                let before: BTreeMap<_, i64> = previous.iter().map(|s| (key(s), s.value)).collect();
                for s in &now {
                    let added = s.value - before.get(&key(s)).copied().unwrap_or(0);
                    if added <= 0 {
                        continue;
                    }
                    let part = share.of(added);
                    *total.entry(key(s)).or_default() += part;
                    if s.measure == measure::PATROL_COUNT {
                        line.patrols += added;
                        line.counted += part;
                    }
                }
                line.shared = line.patrols;
                previous = now;
            }
            if line.patrols > 0 {
                apportioned.push(line);
            }
        }
        let by_lead: Vec<MeasureSum> = total
            .into_iter()
            .map(|((measure, lead_unit), value)| MeasureSum {
                measure,
                lead_unit,
                value,
            })
            .collect();
        let totals = totals(&by_lead);
        Ok((
            Self {
                period,
                by_lead,
                totals,
            },
            apportioned,
        ))
    }
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

/// Names, roles and list order of catalogue entries named by code.
pub(crate) struct Names<'a>(pub &'a Org);

impl Names<'_> {
    fn entry(
        &self,
        kind: CatalogueKind,
        code: &str,
    ) -> Option<&bienphong_domain::catalogue::Entry> {
        Code::parse(code)
            .ok()
            .and_then(|c| self.0.catalogue.get(kind, &c))
    }

    pub fn name(&self, kind: CatalogueKind, code: &str) -> String {
        self.entry(kind, code)
            .map(|e| e.vi.to_string())
            .unwrap_or_else(|| code.to_string())
    }

    pub fn is_border_guard(&self, force: &str) -> bool {
        self.entry(CatalogueKind::Force, force)
            .is_some_and(|e| e.role == Role::BorderGuard)
    }

    pub fn order(&self, kind: CatalogueKind, code: &str) -> i32 {
        self.entry(kind, code).map_or(i32::MAX, |e| e.order)
    }

    /// `(count, name)` lines of the measures `prefix<code>`, in catalogue order.
    pub fn count_lines(&self, sums: &Sums, prefix: &str, kind: CatalogueKind) -> Vec<CountLine> {
        let mut lines: Vec<CountLine> = sums
            .with_prefix(prefix)
            .into_iter()
            .map(|(code, count)| CountLine {
                code: code.to_string(),
                name: self.name(kind, code),
                count,
            })
            .collect();
        lines.sort_by_key(|l| (self.order(kind, &l.code), l.code.clone()));
        lines
    }
}

/// The figures of one period and scope that every report states.
pub(crate) struct Figures {
    pub patrols: Patrols,
    pub cases: Cases,
    pub seizures: Vec<SeizureLine>,
    pub documents: Documents,
    pub propaganda: Propaganda,
    pub disaster: Disaster,
}

impl Figures {
    pub fn from_sums(org: &Org, sums: &Sums) -> Self {
        let names = Names(org);
        Self {
            patrols: patrols(org, &names, sums),
            cases: Cases {
                by_handling_unit: cases_by_unit(org, sums),
                ..cases(&names, sums)
            },
            seizures: seizures(&names, sums),
            documents: Documents {
                count: sums.sum_prefix(measure::DOCUMENT_COUNT_PREFIX),
                recipients: sums.total(measure::DOCUMENT_RECIPIENTS),
                acknowledged: sums.total(measure::DOCUMENT_ACKNOWLEDGED),
                by_type: names.count_lines(
                    sums,
                    measure::DOCUMENT_COUNT_PREFIX,
                    CatalogueKind::DocumentType,
                ),
            },
            propaganda: Propaganda {
                count: sums.total(measure::PROPAGANDA_COUNT),
                sessions: sums.total(measure::PROPAGANDA_SESSIONS),
                listeners: sums.total(measure::PROPAGANDA_LISTENERS),
            },
            disaster: Disaster {
                plans: sums.total(measure::DISASTER_PLANS),
                responses: sums.total(measure::DISASTER_RESPONSES),
                persons_mobilised: sums.total(measure::DISASTER_MOBILISED),
                people_rescued: sums.total(measure::DISASTER_RESCUED),
            },
        }
    }
}

fn patrols(org: &Org, names: &Names, sums: &Sums) -> Patrols {
    let mut patrols = Patrols {
        count: sums.total(measure::PATROL_COUNT),
        ..Patrols::default()
    };
    let mut forces: Vec<ForceLine> = sums
        .with_prefix(measure::PATROL_FORCE_PREFIX)
        .into_iter()
        .map(|(code, persons)| ForceLine {
            code: code.to_string(),
            name: names.name(CatalogueKind::Force, code),
            border_guard: names.is_border_guard(code),
            persons,
        })
        .collect();
    forces.sort_by_key(|f| (names.order(CatalogueKind::Force, &f.code), f.code.clone()));
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
    for (kind, n) in sums.with_prefix("patrol.kind.") {
        patrols.by_kind.insert(kind.to_string(), n);
    }
    patrols.by_lead_unit = patrols_by_unit(org, names, sums);
    patrols
}

fn patrols_by_unit(org: &Org, names: &Names, sums: &Sums) -> Vec<UnitPatrols> {
    let by_lead = &sums.by_lead;
    let mut rows: BTreeMap<Code, UnitPatrols> = BTreeMap::new();
    for s in by_lead {
        let Some(lead) = &s.lead_unit else { continue };
        let row = rows.entry(lead.clone()).or_insert_with(|| UnitPatrols {
            unit: unit_ref(org, lead, &sums.period),
            count: 0,
            border_guard_persons: 0,
            other_persons: 0,
        });
        if s.measure == measure::PATROL_COUNT {
            row.count += s.value;
        } else if let Some(force) = s.measure.strip_prefix(measure::PATROL_FORCE_PREFIX) {
            if names.is_border_guard(force) {
                row.border_guard_persons += s.value;
            } else {
                row.other_persons += s.value;
            }
        }
    }
    let mut rows: Vec<UnitPatrols> = rows.into_values().filter(|r| r.count > 0).collect();
    rows.sort_by(|a, b| by_unit_name(&a.unit, &b.unit));
    rows
}

/// The one order of units in a report's rows: by name as Vietnamese sorts
/// it, a placeholder unit ("Đơn vị khác", [`UnitRef::placeholder`]) after
/// every real one.
pub(crate) fn by_unit_name(a: &UnitRef, b: &UnitRef) -> std::cmp::Ordering {
    a.placeholder
        .cmp(&b.placeholder)
        .then_with(|| collate(&a.name, &b.name))
        .then_with(|| a.code.cmp(&b.code))
}

fn cases(names: &Names, sums: &Sums) -> Cases {
    let mut cases = Cases {
        count: sums.sum_prefix(measure::CASE_COUNT_PREFIX),
        subjects: sums.sum_prefix(measure::CASE_SUBJECTS_PREFIX),
        by_type: Vec::new(),
        by_handling_unit: Vec::new(),
    };
    for (code, count) in sums.with_prefix(measure::CASE_COUNT_PREFIX) {
        cases.by_type.push(CaseLine {
            code: code.to_string(),
            name: names.name(CatalogueKind::CaseType, code),
            count,
            subjects: sums.total(&format!("{}{code}", measure::CASE_SUBJECTS_PREFIX)),
        });
    }
    cases.by_type.sort_by_key(|c| {
        (
            names.order(CatalogueKind::CaseType, &c.code),
            c.code.clone(),
        )
    });
    cases
}

fn seizures(names: &Names, sums: &Sums) -> Vec<SeizureLine> {
    let mut seizures: Vec<SeizureLine> = sums
        .with_prefix(measure::SEIZURE_PREFIX)
        .into_iter()
        .map(|(code, micro)| {
            let entry = names.entry(CatalogueKind::SeizedItem, code);
            SeizureLine {
                code: code.to_string(),
                name: names.name(CatalogueKind::SeizedItem, code),
                measure: entry
                    .and_then(|e| e.measure_vi.as_ref())
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                quantity: Quantity::from_micro(micro),
                phrase: entry
                    .and_then(|e| e.phrase_vi.as_ref())
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| {
                        format!("{{}} {}", names.name(CatalogueKind::SeizedItem, code))
                    }),
            }
        })
        .collect();
    seizures.sort_by_key(|s| {
        (
            names.order(CatalogueKind::SeizedItem, &s.code),
            s.code.clone(),
        )
    });
    seizures
}

/// Cases by handling unit, in Vietnamese alphabetical order of the unit's name.
fn cases_by_unit(org: &Org, sums: &Sums) -> Vec<UnitCases> {
    let mut rows: BTreeMap<Code, UnitCases> = BTreeMap::new();
    for s in &sums.by_lead {
        let Some(lead) = &s.lead_unit else { continue };
        let is_count = s.measure.starts_with(measure::CASE_COUNT_PREFIX);
        let is_subjects = s.measure.starts_with(measure::CASE_SUBJECTS_PREFIX);
        if !is_count && !is_subjects {
            continue;
        }
        let row = rows.entry(lead.clone()).or_insert_with(|| UnitCases {
            unit: unit_ref(org, lead, &sums.period),
            count: 0,
            subjects: 0,
        });
        if is_count {
            row.count += s.value;
        } else {
            row.subjects += s.value;
        }
    }
    let mut rows: Vec<UnitCases> = rows.into_values().filter(|r| r.count > 0).collect();
    rows.sort_by(|a, b| by_unit_name(&a.unit, &b.unit));
    rows
}
