//! The annual review of the coordination: the figures the review conference
//! states, computed over one reporting year for a scope.

use crate::Result;
use crate::figures::{Figures, Names, Sums, by_unit_name, scope_units, unit_ref};
use bienphong_domain::catalogue::{CatalogueKind, Role};
use bienphong_domain::facts::measure;
use bienphong_domain::org::{Code, Org, UnitKind};
use bienphong_domain::scope::Scope;
use bienphong_domain::{Cutoff, Period, RecordType};
use bienphong_i18n::Lang;
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
    /// Figures mapped onto the units of this date (absent: as the units
    /// were; `bienphong_domain::mapping`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapped_to: Option<bienphong_domain::Date>,
    /// In a mapped review, the units whose records were counted in part.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apportioned: Vec<crate::figures::Apportioned>,
    pub patrols: Patrols,
    pub cases: Cases,
    pub seizures: Vec<SeizureLine>,
    pub briefings: Briefings,
    pub meetings: Vec<CountLine>,
    pub documents: Documents,
    pub programmes: Vec<ProgrammeLine>,
    pub propaganda: Propaganda,
    pub disaster: Disaster,
    /// The conference that reviewed this period, if it is recorded: its
    /// participants, the shortcomings and the directions people agreed.
    pub review_meeting: Option<ReviewMeeting>,
    /// The catalogue's names in other languages, for a rendering in one.
    #[serde(skip)]
    pub names: CatalogueNames,
}

/// A catalogue entry's name, unit of measure and report phrase in English.
#[derive(Clone, Debug, Default, PartialEq)]
struct EnglishName {
    name: String,
    measure: Option<String>,
    phrase: Option<String>,
}

/// The catalogue's English names by kind and code. A report's lines keep
/// the Vietnamese names its JSON and the Vietnamese document show; a
/// rendering in English looks each line's name up here by its code, and
/// keeps the Vietnamese where the catalogue has no English.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CatalogueNames(std::collections::HashMap<(CatalogueKind, String), EnglishName>);

impl CatalogueNames {
    pub(crate) fn of(org: &Org) -> Self {
        let text =
            |t: &bienphong_domain::text::Text| Some(t.to_string()).filter(|s| !s.trim().is_empty());
        Self(
            org.catalogue
                .entries
                .values()
                .filter_map(|e| {
                    let name = text(&e.en)?;
                    Some((
                        (e.catalogue, e.code.to_string()),
                        EnglishName {
                            name,
                            measure: e.measure_en.as_ref().and_then(text),
                            phrase: e.phrase_en.as_ref().and_then(text),
                        },
                    ))
                })
                .collect(),
        )
    }

    fn english(&self, lang: Lang, kind: CatalogueKind, code: &str) -> Option<&EnglishName> {
        (lang == Lang::En)
            .then(|| self.0.get(&(kind, code.to_string())))
            .flatten()
    }

    /// The name of entry `code` in `lang`; `vi` in Vietnamese or where the
    /// catalogue has none in `lang`.
    pub fn name<'a>(&'a self, lang: Lang, kind: CatalogueKind, code: &str, vi: &'a str) -> &'a str {
        self.english(lang, kind, code)
            .map_or(vi, |e| e.name.as_str())
    }

    /// A seized item's unit of measure in `lang`, `vi` where it has none.
    pub fn measure<'a>(&'a self, lang: Lang, code: &str, vi: &'a str) -> &'a str {
        self.english(lang, CatalogueKind::SeizedItem, code)
            .and_then(|e| e.measure.as_deref())
            .unwrap_or(vi)
    }

    /// How a sentence in `lang` names an amount of seized item `code`,
    /// `{}` for the number ("{} bánh heroin", "{} cakes of heroin"); `vi`
    /// in Vietnamese, "{} <measure> <name>" where `lang` has no phrase.
    pub fn phrase(&self, lang: Lang, code: &str, vi: &str) -> String {
        match self.english(lang, CatalogueKind::SeizedItem, code) {
            None => vi.to_string(),
            Some(e) => e.phrase.clone().unwrap_or_else(|| match &e.measure {
                Some(m) => format!("{{}} {m} {}", e.name),
                None => format!("{{}} {}", e.name),
            }),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReviewMeeting {
    pub date: bienphong_domain::Date,
    pub host: UnitRef,
    pub attendance: i64,
    pub content: String,
    pub shortcomings: String,
    pub directions: Vec<Direction>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Direction {
    pub text: String,
    pub owner: UnitRef,
    pub due: Option<bienphong_domain::Date>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    /// The unit's administrative code in force during the report's period,
    /// at its end for a period across a change (see
    /// [`bienphong_domain::org::Unit::admin_code_during`]), where it has one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub admin_code: String,
    /// Its identifier for document exchange, where it has one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub agency_id: String,
    /// A unit the organisation marks unverified (the demo's placeholder
    /// post, printed "Đơn vị khác"): its rows come last in every table
    /// (`crate::figures::by_unit_name`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
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
    pub by_handling_unit: Vec<UnitCases>,
}

/// Cases and their subjects by handling unit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitCases {
    pub unit: UnitRef,
    pub count: i64,
    pub subjects: i64,
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

/// Computes the annual review of `year` for `scope` (the whole store when
/// `None`).
pub async fn annual_review<S: Store>(
    service: &Service<S>,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
) -> Result<AnnualReview> {
    annual_review_mapped(service, year, cutoff, scope, None).await
}

/// The same, with the year's records mapped onto the units of `map_to`
/// when given with a scope (a review across a reorganisation), as the units
/// were otherwise. The figures count as the summary's do (merges whole, a
/// unit that passed into several in shares, said in `apportioned`); the
/// briefing cycle, the programmes and the review conference are those of
/// the units that map whole.
pub async fn annual_review_mapped<S: Store>(
    service: &Service<S>,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
    map_to: Option<bienphong_domain::Date>,
) -> Result<AnnualReview> {
    let org = service.org_shared().await?;
    let period = Period::year(year, cutoff);
    let (scope_units, sums, apportioned, mapped_to) = match (scope, map_to) {
        (Some(root), Some(onto)) => {
            let mapped = bienphong_domain::mapping::Mapped::of(&org, root, &period, onto);
            let (sums, apportioned) =
                Sums::load_mapped(service.store(), &org, period, &mapped).await?;
            (Some(mapped.whole), sums, apportioned, Some(onto))
        }
        _ => {
            let units = scope_units(&org, scope, &period)?;
            let sums = Sums::load(service.store(), period, units.clone()).await?;
            (units, sums, Vec::new(), None)
        }
    };
    let Figures {
        patrols,
        cases,
        seizures,
        documents,
        propaganda,
        disaster,
    } = Figures::from_sums(&org, &sums);

    // Meetings by type, and the briefing cycle.
    let meetings = Names(&org).count_lines(
        &sums,
        measure::MEETING_COUNT_PREFIX,
        CatalogueKind::MeetingType,
    );
    let briefings = briefings(
        service,
        &org,
        year,
        cutoff,
        period,
        scope_units.as_ref(),
        &sums.totals,
    )
    .await?;
    let programmes = programmes(service, &org, period, scope_units.clone(), &sums.totals).await?;
    let review_meeting = review_meeting(service, &org, period, scope).await?;

    Ok(AnnualReview {
        year,
        cutoff,
        period,
        scope: scope.map(|c| unit_ref(&org, c, &period)),
        mapped_to,
        apportioned,
        patrols,
        cases,
        seizures,
        briefings,
        meetings,
        documents,
        programmes,
        propaganda,
        disaster,
        review_meeting,
        names: CatalogueNames::of(&org),
    })
}

/// The review conference of `period`: a meeting of the annual-review type
/// whose reviewed period ends with it, held during it or in the months after.
async fn review_meeting<S: Store>(
    service: &Service<S>,
    org: &Org,
    period: Period,
    scope: Option<&Code>,
) -> Result<Option<ReviewMeeting>> {
    use bienphong_domain::Content;
    use bienphong_store::ListFilter;
    use jiff::ToSpan;
    let held = Period {
        from: period.from,
        to: period.to.saturating_add(6.months()),
    };
    // Over the months it may be held in, not only the year it reviews.
    let unit_filter = scope_units(org, scope, &held)?;
    for entry in org
        .catalogue
        .with_role(CatalogueKind::MeetingType, Role::AnnualReview)
    {
        let records = service
            .list(ListFilter {
                record_type: Some(RecordType::Meeting),
                period: Some(held),
                units: unit_filter.clone(),
                category: Some(entry.code.to_string()),
                ..ListFilter::default()
            })
            .await?;
        for r in records {
            let Ok(Content::Meeting(m)) = Content::from_json(RecordType::Meeting, &r.content)
            else {
                continue;
            };
            if m.period_to != Some(period.to) {
                continue;
            }
            return Ok(Some(ReviewMeeting {
                date: m.date,
                host: unit_ref(org, &m.host_unit, &period),
                attendance: i64::from(m.attendance),
                content: m.content.to_string(),
                shortcomings: m.lessons.to_string(),
                directions: m
                    .actions
                    .iter()
                    .map(|a| Direction {
                        text: a.text.to_string(),
                        owner: unit_ref(org, &a.owner_unit, &period),
                        due: a.due,
                    })
                    .collect(),
            }));
        }
    }
    Ok(None)
}

async fn briefings<S: Store>(
    service: &Service<S>,
    org: &Org,
    year: i16,
    cutoff: Cutoff,
    period: Period,
    scope: Option<&Scope>,
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
    // Who took part in a briefing, quarter by quarter, read for the scope
    // alone: the whole store's sets are not needed to judge its units.
    let mut held: BTreeMap<i8, BTreeSet<Code>> = BTreeMap::new();
    for q in 1..=4i8 {
        let quarter = Period::quarter(year, q, cutoff);
        let entry = held.entry(q).or_default();
        for t in &briefing_types {
            let units = service
                .store()
                .units_counted(&measure::meeting_count(t), quarter, scope.cloned())
                .await?;
            entry.extend(units);
        }
    }
    let all_units: Scope;
    let scope = match scope {
        Some(s) => s,
        None => {
            all_units = Scope::always(org.units.keys().cloned());
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
                        unit: unit_ref(org, &unit.code, &quarter),
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
        .sort_by(|a, b| by_unit_name(&a.unit, &b.unit).then_with(|| a.cmp(b)));
    Ok(out)
}

async fn programmes<S: Store>(
    service: &Service<S>,
    org: &Org,
    period: Period,
    unit_filter: Option<Scope>,
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
