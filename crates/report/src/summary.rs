//! The summary of any reporting period (month, quarter, half, nine months,
//! year, or a range of days) for a scope: the figures of the annual review
//! compared with the same days one year earlier ("so với cùng kỳ"), with
//! breakdowns by unit and by type.

use crate::Result;
use crate::annual::{SeizureLine, UnitRef};
use crate::figures::{Figures, Names, Sums, by_unit_name, scope_units};
use crate::render::json;
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::format::period_name;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Cutoff, Date, Period, PeriodKind};
use bienphong_service::Service;
use bienphong_store::Store;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A figure in the period and in the same period one year earlier.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Change<T> {
    pub current: T,
    pub previous: T,
    /// `current - previous`.
    pub difference: T,
    /// The difference in percent of `previous`, one decimal; `None` when
    /// `previous` is zero.
    pub percent: Option<Decimal>,
}

impl<T> Change<T>
where
    T: Copy + Into<Decimal> + std::ops::Sub<Output = T>,
{
    pub fn new(current: T, previous: T) -> Self {
        Self {
            current,
            previous,
            difference: current - previous,
            percent: bienphong_domain::format::change_percent(current.into(), previous.into())
                .map(|p| p.normalize()),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub period: Period,
    /// The same days one year earlier.
    pub previous_period: Period,
    /// "Quý I năm 2024", "Tháng 3 năm 2024"…, or "từ ngày … đến ngày …".
    pub name: String,
    /// The named period these days are, if any…
    pub kind: Option<PeriodKind>,
    /// …and its cut-off.
    pub cutoff: Option<Cutoff>,
    pub scope: Option<UnitRef>,
    /// Figures mapped onto the units of this date (`None`: as the units were).
    pub mapped_to: Option<bienphong_domain::Date>,
    /// In a mapped report, the units whose records were counted in part.
    pub apportioned: Vec<crate::figures::Apportioned>,
    pub patrols: PatrolChanges,
    pub cases: CaseChanges,
    pub seizures: Vec<SeizureChange>,
    pub documents: DocumentChanges,
    pub propaganda: PropagandaChanges,
    pub disaster: DisasterChanges,
    /// The catalogue's names in other languages, for a rendering in one.
    #[serde(skip)]
    pub names: crate::annual::CatalogueNames,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PatrolChanges {
    pub count: Change<i64>,
    pub border_guard_persons: Change<i64>,
    pub other_persons: Change<i64>,
    pub by_lead_unit: Vec<UnitPatrolChange>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitPatrolChange {
    pub unit: UnitRef,
    pub count: Change<i64>,
    pub border_guard_persons: Change<i64>,
    pub other_persons: Change<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseChanges {
    pub count: Change<i64>,
    pub subjects: Change<i64>,
    pub by_type: Vec<CaseTypeChange>,
    pub by_handling_unit: Vec<UnitCaseChange>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseTypeChange {
    pub code: String,
    pub name: String,
    pub count: Change<i64>,
    pub subjects: Change<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitCaseChange {
    pub unit: UnitRef,
    pub count: Change<i64>,
    pub subjects: Change<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SeizureChange {
    pub code: String,
    pub name: String,
    /// The unit of measure (bánh, g, chiếc…).
    pub measure: String,
    pub quantity: Change<Decimal>,
    /// How the narrative names the amount, `{}` for the number.
    #[serde(skip)]
    pub phrase: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DocumentChanges {
    pub count: Change<i64>,
    pub recipients: Change<i64>,
    pub acknowledged: Change<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PropagandaChanges {
    pub count: Change<i64>,
    pub sessions: Change<i64>,
    pub listeners: Change<i64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DisasterChanges {
    pub plans: Change<i64>,
    pub responses: Change<i64>,
    pub persons_mobilised: Change<i64>,
    pub people_rescued: Change<i64>,
}

/// The Decree 09 year `today` falls in, or the latest of the ten before it
/// with any figure for `scope` when that one has none; never a year in
/// which `scope`'s unit ended (it would compare part of a year with a
/// whole one).
pub async fn latest_year_with_records<S: Store>(
    service: &Service<S>,
    scope: Option<&Code>,
    today: Date,
) -> Result<i16> {
    let org = service.org_shared().await?;
    let mut year = today.year();
    // A Decree 09 year starts on 15 December of the year before.
    if today > Period::year(year, Cutoff::Decree09).to {
        year += 1;
    }
    // A scope that ended during a year (a commune merged on 1/7/2025) has
    // only part of that year: compared with a whole year it would read as
    // a fall, so its last whole year is the one shown.
    let ended = scope.and_then(|c| org.unit(c)).and_then(|u| u.valid_to);
    for y in (year - 10..=year).rev() {
        let period = Period::year(y, Cutoff::Decree09);
        if ended.is_some_and(|end| period.from <= end && end < period.to) {
            continue;
        }
        let units = scope_units(&org, scope, &period)?;
        let sums = Sums::load_totals(service.store(), period, units).await?;
        if sums.totals.iter().any(|s| s.value != 0) {
            return Ok(y);
        }
    }
    Ok(year)
}

/// The figures of `period` for `scope` (the whole store when `None`; a unit
/// covers the units below it as they stood in each period), compared with
/// `period.previous_year()`.
pub async fn summary<S: Store>(
    service: &Service<S>,
    period: Period,
    scope: Option<&Code>,
) -> Result<Summary> {
    summary_mapped(service, period, scope, None).await
}

/// The same, with both periods' records mapped onto the units of
/// `map_to` when given (a comparison across a reorganisation:
/// `bienphong_domain::mapping`), as the units were otherwise.
pub async fn summary_mapped<S: Store>(
    service: &Service<S>,
    period: Period,
    scope: Option<&Code>,
    map_to: Option<bienphong_domain::Date>,
) -> Result<Summary> {
    let org = service.org_shared().await?;
    let previous_period = period.previous_year();
    let current = PeriodFigures::compute(service, &org, period, scope, map_to).await?;
    let previous = PeriodFigures::compute(service, &org, previous_period, scope, map_to).await?;
    let (c, p) = (&current.figures, &previous.figures);
    let kind = period.kind();
    Ok(Summary {
        period,
        previous_period,
        name: period_name(&period),
        kind: kind.map(|(k, _)| k),
        cutoff: kind.map(|(_, c)| c),
        scope: scope.map(|code| crate::figures::unit_ref(&org, code, &period)),
        mapped_to: map_to.filter(|_| scope.is_some()),
        apportioned: current.apportioned.clone(),
        patrols: PatrolChanges {
            count: Change::new(c.patrols.count, p.patrols.count),
            border_guard_persons: Change::new(
                c.patrols.border_guard_persons,
                p.patrols.border_guard_persons,
            ),
            other_persons: Change::new(c.patrols.other_persons, p.patrols.other_persons),
            by_lead_unit: patrols_by_unit(&current, &previous),
        },
        cases: CaseChanges {
            count: Change::new(c.cases.count, p.cases.count),
            subjects: Change::new(c.cases.subjects, p.cases.subjects),
            by_type: case_types(&org, &current, &previous),
            by_handling_unit: cases_by_handling_unit(&current, &previous),
        },
        seizures: seizures(&org, &c.seizures, &p.seizures),
        documents: DocumentChanges {
            count: Change::new(c.documents.count, p.documents.count),
            recipients: Change::new(c.documents.recipients, p.documents.recipients),
            acknowledged: Change::new(c.documents.acknowledged, p.documents.acknowledged),
        },
        propaganda: PropagandaChanges {
            count: Change::new(c.propaganda.count, p.propaganda.count),
            sessions: Change::new(c.propaganda.sessions, p.propaganda.sessions),
            listeners: Change::new(c.propaganda.listeners, p.propaganda.listeners),
        },
        disaster: DisasterChanges {
            plans: Change::new(c.disaster.plans, p.disaster.plans),
            responses: Change::new(c.disaster.responses, p.disaster.responses),
            persons_mobilised: Change::new(
                c.disaster.persons_mobilised,
                p.disaster.persons_mobilised,
            ),
            people_rescued: Change::new(c.disaster.people_rescued, p.disaster.people_rescued),
        },
        names: crate::annual::CatalogueNames::of(&org),
    })
}

/// One period's figures.
struct PeriodFigures {
    figures: Figures,
    apportioned: Vec<crate::figures::Apportioned>,
}

impl PeriodFigures {
    async fn compute<S: Store>(
        service: &Service<S>,
        org: &Org,
        period: Period,
        scope: Option<&Code>,
        map_to: Option<bienphong_domain::Date>,
    ) -> Result<Self> {
        let units = scope_units(org, scope, &period)?;
        // The whole store is the same whichever units it is mapped onto.
        let (sums, apportioned) = match (scope, map_to) {
            (Some(root), Some(onto)) => {
                let mapped = bienphong_domain::mapping::Mapped::of(org, root, &period, onto);
                Sums::load_mapped(service.store(), org, period, &mapped).await?
            }
            _ => (
                Sums::load(service.store(), period, units).await?,
                Vec::new(),
            ),
        };
        Ok(Self {
            figures: Figures::from_sums(org, &sums),
            apportioned,
        })
    }
}

/// The rows of both periods paired by `key`, each key once.
fn paired<'a, R>(
    current: &'a [R],
    previous: &'a [R],
    key: impl Fn(&'a R) -> &'a str,
) -> Vec<(Option<&'a R>, Option<&'a R>)> {
    let mut rows: BTreeMap<&str, (Option<&R>, Option<&R>)> = BTreeMap::new();
    for r in current {
        rows.entry(key(r)).or_default().0 = Some(r);
    }
    for r in previous {
        rows.entry(key(r)).or_default().1 = Some(r);
    }
    rows.into_values().collect()
}

/// A field of the row in each period, 0 where the period has no row.
fn both<R, T: Default + Copy>(c: Option<&R>, p: Option<&R>, field: impl Fn(&R) -> T) -> (T, T) {
    (
        c.map_or_else(T::default, &field),
        p.map_or_else(T::default, &field),
    )
}

fn change<R>(c: Option<&R>, p: Option<&R>, field: impl Fn(&R) -> i64) -> Change<i64> {
    let (a, b) = both(c, p, field);
    Change::new(a, b)
}

fn patrols_by_unit(current: &PeriodFigures, previous: &PeriodFigures) -> Vec<UnitPatrolChange> {
    let mut rows = Vec::new();
    for (c, p) in paired(
        &current.figures.patrols.by_lead_unit,
        &previous.figures.patrols.by_lead_unit,
        |r| &r.unit.code,
    ) {
        let Some(any) = c.or(p) else { continue };
        rows.push(UnitPatrolChange {
            unit: any.unit.clone(),
            count: change(c, p, |r| r.count),
            border_guard_persons: change(c, p, |r| r.border_guard_persons),
            other_persons: change(c, p, |r| r.other_persons),
        });
    }
    rows.sort_by(|a, b| by_unit_name(&a.unit, &b.unit));
    rows
}

fn cases_by_handling_unit(
    current: &PeriodFigures,
    previous: &PeriodFigures,
) -> Vec<UnitCaseChange> {
    let mut rows = Vec::new();
    for (c, p) in paired(
        &current.figures.cases.by_handling_unit,
        &previous.figures.cases.by_handling_unit,
        |r| &r.unit.code,
    ) {
        let Some(any) = c.or(p) else { continue };
        rows.push(UnitCaseChange {
            unit: any.unit.clone(),
            count: change(c, p, |r| r.count),
            subjects: change(c, p, |r| r.subjects),
        });
    }
    rows.sort_by(|a, b| by_unit_name(&a.unit, &b.unit));
    rows
}

fn case_types(org: &Org, current: &PeriodFigures, previous: &PeriodFigures) -> Vec<CaseTypeChange> {
    let names = Names(org);
    let mut rows = Vec::new();
    for (c, p) in paired(
        &current.figures.cases.by_type,
        &previous.figures.cases.by_type,
        |r| &r.code,
    ) {
        let Some(any) = c.or(p) else { continue };
        rows.push(CaseTypeChange {
            code: any.code.clone(),
            name: any.name.clone(),
            count: change(c, p, |r| r.count),
            subjects: change(c, p, |r| r.subjects),
        });
    }
    rows.sort_by_key(|r| {
        (
            names.order(CatalogueKind::CaseType, &r.code),
            r.code.clone(),
        )
    });
    rows
}

fn seizures(org: &Org, current: &[SeizureLine], previous: &[SeizureLine]) -> Vec<SeizureChange> {
    let names = Names(org);
    let mut rows = Vec::new();
    for (c, p) in paired(current, previous, |r| &r.code) {
        let Some(any) = c.or(p) else { continue };
        let (a, b) = both(c, p, |r| r.quantity);
        rows.push(SeizureChange {
            code: any.code.clone(),
            name: any.name.clone(),
            measure: any.measure.clone(),
            quantity: Change::new(a.normalize(), b.normalize()),
            phrase: any.phrase.clone(),
        });
    }
    rows.sort_by_key(|r| {
        (
            names.order(CatalogueKind::SeizedItem, &r.code),
            r.code.clone(),
        )
    });
    rows
}

/// Deterministic JSON: sorted keys, decimals as strings, both periods'
/// values and the changes.
pub fn summary_to_json(summary: &Summary) -> Result<String> {
    json(summary)
}

pub(crate) fn uppercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `+88`, `-3`, `0` (`+0,58` in Vietnamese, `+0.58` in English).
pub(crate) fn signed(lang: bienphong_i18n::Lang, d: Decimal) -> String {
    let text = crate::words::decimal(lang, d, false);
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{text}")
    } else {
        text
    }
}

/// `+8,1%`, `-2,4%`, `0%`; `–` when the same period had none.
pub(crate) fn signed_percent(lang: bienphong_i18n::Lang, p: Option<Decimal>) -> String {
    match p {
        Some(p) if p.is_sign_positive() && !p.is_zero() => {
            format!("+{}", crate::words::percent(lang, p))
        }
        Some(p) => crate::words::percent(lang, p),
        None => "–".to_string(),
    }
}

/// The columns of a count compared: this period, the same period, the
/// change, the change in percent.
pub(crate) fn columns(lang: bienphong_i18n::Lang, c: &Change<i64>) -> [String; 4] {
    [
        crate::words::integer(lang, c.current),
        crate::words::integer(lang, c.previous),
        signed(lang, Decimal::from(c.difference)),
        signed_percent(lang, c.percent),
    ]
}

pub(crate) fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How a mapped report counted (`; số liệu quy đổi theo các đơn vị ngày …`
/// and each unit apportioned) in `lang`, empty as the units were;
/// `compared` when the report has a comparison period counted the same way.
pub(crate) fn mapping_note_of(
    lang: bienphong_i18n::Lang,
    mapped_to: Option<bienphong_domain::Date>,
    apportioned: &[crate::figures::Apportioned],
    compared: bool,
) -> String {
    use crate::words::{integer, t};
    let Some(onto) = mapped_to else {
        return String::new();
    };
    let mut note = t(
        lang,
        "rpt-mapped",
        &[
            ("date", crate::words::date(lang, onto)),
            ("compared", if compared { "yes" } else { "no" }.to_string()),
        ],
    );
    for a in apportioned {
        let mut args = vec![
            ("unit", a.unit.name.clone()),
            ("patrols", integer(lang, a.patrols)),
            ("share", a.share.clone()),
            ("counted", integer(lang, a.counted)),
        ];
        // A split unit's records went by their place where known.
        let key = if a.placed_here + a.placed_elsewhere == 0 {
            "rpt-mapped-split"
        } else {
            args.extend([
                ("here", integer(lang, a.placed_here)),
                ("elsewhere", integer(lang, a.placed_elsewhere)),
                ("shared", integer(lang, a.shared)),
            ]);
            "rpt-mapped-split-placed"
        };
        note.push_str(&t(lang, key, &args));
    }
    note
}

pub fn summary_to_markdown(summary: &Summary) -> Result<String> {
    summary_to_markdown_in(summary, bienphong_i18n::Lang::Vi)
}

/// The summary as Markdown in `lang` (English for foreign partners).
pub fn summary_to_markdown_in(summary: &Summary, lang: bienphong_i18n::Lang) -> Result<String> {
    crate::summary_text::summary(summary, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i16, m: i8, d: i8) -> bienphong_domain::Date {
        bienphong_domain::Date::new(y, m, d).unwrap()
    }

    fn unit(code: &str, name: &str) -> UnitRef {
        UnitRef {
            code: code.into(),
            name: name.into(),
            ..UnitRef::default()
        }
    }

    fn zero() -> Change<i64> {
        Change::new(0, 0)
    }

    /// A summary written by hand: Q1 2024 by Decree 09 against Q1 2023.
    fn q1_2024() -> Summary {
        let period = Period::quarter(2024, 1, Cutoff::Decree09);
        Summary {
            names: crate::annual::CatalogueNames::default(),
            mapped_to: None,
            apportioned: Vec::new(),
            period,
            previous_period: period.previous_year(),
            name: period_name(&period),
            kind: Some(PeriodKind::Quarter {
                year: 2024,
                quarter: 1,
            }),
            cutoff: Some(Cutoff::Decree09),
            scope: Some(unit("BDBP.HG", "Bộ đội Biên phòng tỉnh Hà Giang")),
            patrols: PatrolChanges {
                count: Change::new(300, 280),
                border_guard_persons: Change::new(1_900, 2_000),
                other_persons: Change::new(750, 750),
                by_lead_unit: vec![
                    UnitPatrolChange {
                        unit: unit("DBP.LC", "Đồn Biên phòng Lũng Cú"),
                        count: Change::new(40, 0),
                        border_guard_persons: Change::new(250, 0),
                        other_persons: Change::new(90, 0),
                    },
                    UnitPatrolChange {
                        unit: unit("DBP.SV", "Đồn Biên phòng Săm Pun"),
                        count: Change::new(30, 32),
                        border_guard_persons: Change::new(180, 190),
                        other_persons: Change::new(60, 70),
                    },
                ],
            },
            cases: CaseChanges {
                count: Change::new(25, 20),
                subjects: Change::new(3, 9),
                by_type: vec![CaseTypeChange {
                    code: "MATUY".into(),
                    name: "Ma túy".into(),
                    count: Change::new(25, 20),
                    subjects: Change::new(3, 9),
                }],
                by_handling_unit: vec![UnitCaseChange {
                    unit: unit("DBP.LC", "Đồn Biên phòng Lũng Cú"),
                    count: Change::new(25, 20),
                    subjects: Change::new(3, 9),
                }],
            },
            seizures: vec![
                SeizureChange {
                    code: "HEROIN".into(),
                    name: "Heroin".into(),
                    measure: "bánh".into(),
                    quantity: Change::new(Decimal::from(4), Decimal::from(3)),
                    phrase: "{} bánh heroin".into(),
                },
                SeizureChange {
                    code: "THUOCPHIEN".into(),
                    name: "Thuốc phiện".into(),
                    measure: "g".into(),
                    quantity: Change::new(Decimal::new(43, 2), Decimal::ZERO),
                    phrase: "{}g thuốc phiện".into(),
                },
            ],
            documents: DocumentChanges {
                count: Change::new(12, 15),
                recipients: zero(),
                acknowledged: zero(),
            },
            propaganda: PropagandaChanges {
                count: zero(),
                sessions: zero(),
                listeners: zero(),
            },
            disaster: DisasterChanges {
                plans: Change::new(1, 0),
                responses: zero(),
                persons_mobilised: zero(),
                people_rescued: zero(),
            },
        }
    }

    #[test]
    fn markdown_states_range_and_comparisons() {
        let md = summary_to_markdown(&q1_2024()).unwrap();
        for expected in [
            "quý I năm 2024",
            "- Kỳ báo cáo: Quý I năm 2024",
            "từ ngày 15/12/2023 đến ngày 14/03/2024 (kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP)",
            "từ ngày 15/12/2022 đến ngày 14/03/2023",
            // 300 against 280: 20 more, 7,14…%.
            "được 300 lần, tăng 20 lần (7,1%) so với cùng kỳ",
            // 1.900 against 2.000: 100 fewer, 5%.
            "1.900 lượt cán bộ, chiến sĩ Bộ đội Biên phòng, giảm 100 lượt (5%) so với cùng kỳ",
            "750 lượt lực lượng khác, bằng cùng kỳ",
            "đã xử lý 25 vụ, tăng 05 vụ (25%) so với cùng kỳ; 03 đối tượng, giảm 06 đối tượng (66,7%) so với cùng kỳ",
            "Heroin: 04 bánh, tăng 01 bánh (33,3%) so với cùng kỳ;",
            "Thuốc phiện: 0,43g, tăng 0,43g so với cùng kỳ (cùng kỳ không có).",
            "Trao đổi, ban hành 12 văn bản, giảm 03 văn bản (20%) so với cùng kỳ.",
            // One padding rule: the count and its change alike; nothing is "0 …, bằng cùng kỳ".
            "Xây dựng 01 phương án phòng chống thiên tai, tìm kiếm cứu nạn, tăng 01 phương án so với cùng kỳ (cùng kỳ không có); không phải ứng phó vụ việc nào (cùng kỳ cũng không có).",
            "Trong kỳ không tổ chức buổi tuyên truyền nào (cùng kỳ cũng không có).",
            "| Đồn Biên phòng Lũng Cú | 40 | 0 | +40 | – | 250 | 90 |",
            "| Đồn Biên phòng Săm Pun | 30 | 32 | -2 | -6,3% | 180 | 60 |",
            "| Ma túy | 25 | 20 | +5 | +25% | 3 |",
            "| Thuốc phiện | g | 0,43 | 0 | +0,43 | – |",
        ] {
            assert!(md.contains(expected), "{expected}\n---\n{md}");
        }
    }

    /// Zero is said in words: no "0 vụ, bằng cùng kỳ", no "00".
    #[test]
    fn a_period_without_figures_says_so_in_words() {
        let mut s = q1_2024();
        s.cases.count = Change::new(0, 20);
        s.cases.subjects = Change::new(0, 45);
        s.patrols.count = Change::new(0, 0);
        s.documents.count = Change::new(0, 15);
        s.seizures[0].quantity = Change::new(Decimal::ZERO, Decimal::from(3));
        s.disaster = DisasterChanges {
            plans: zero(),
            responses: zero(),
            persons_mobilised: zero(),
            people_rescued: zero(),
        };
        let md = summary_to_markdown(&s).unwrap();
        for expected in [
            "Trong kỳ, không phát hiện, xử lý vụ việc nào về an ninh chính trị, trật tự an toàn xã hội (cùng kỳ: 20 vụ/45 đối tượng).",
            "Trong kỳ, các đồn Biên phòng không chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới (cùng kỳ cũng không có).",
            "Trong kỳ không trao đổi, ban hành văn bản nào (cùng kỳ: 15 văn bản).",
            "Heroin: không thu giữ (cùng kỳ: 03 bánh);",
            "Trong kỳ và cùng kỳ không có hoạt động phòng chống thiên tai, tìm kiếm cứu nạn.",
        ] {
            assert!(md.contains(expected), "{expected}\n---\n{md}");
        }
        for wrong in [" 0 ", " 00 ", "bằng cùng kỳ;"] {
            let narrative: String = md.lines().filter(|l| !l.starts_with('|')).collect();
            assert!(!narrative.contains(wrong), "{wrong}\n---\n{md}");
        }
    }

    #[test]
    fn custom_ranges_are_named_by_their_days() {
        let mut s = q1_2024();
        let period = Period::new(ymd(2024, 3, 1), ymd(2024, 3, 20)).unwrap();
        s.period = period;
        s.previous_period = period.previous_year();
        s.name = period_name(&period);
        s.kind = None;
        s.cutoff = None;
        let md = summary_to_markdown(&s).unwrap();
        assert!(
            md.contains("- Kỳ báo cáo: từ ngày 01/03/2024 đến ngày 20/03/2024\n"),
            "{md}"
        );
        assert!(
            md.contains("So sánh với cùng kỳ: từ ngày 01/03/2023 đến ngày 20/03/2023"),
            "{md}"
        );
    }

    #[test]
    fn json_is_sorted_with_decimal_strings() {
        let text = summary_to_json(&q1_2024()).unwrap();
        assert_eq!(text, summary_to_json(&q1_2024()).unwrap());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["patrols"]["count"]["current"], 300);
        assert_eq!(v["patrols"]["count"]["previous"], 280);
        assert_eq!(v["patrols"]["count"]["difference"], 20);
        assert_eq!(v["patrols"]["count"]["percent"], "7.1");
        assert_eq!(
            v["patrols"]["by_lead_unit"][0]["count"]["percent"],
            serde_json::Value::Null
        );
        assert_eq!(v["seizures"][1]["quantity"]["current"], "0.43");
        assert_eq!(v["kind"]["type"], "quarter");
        assert_eq!(v["previous_period"]["from"], "2022-12-15");
        // Keys come sorted.
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(text.find("\"cases\"") < text.find("\"patrols\""));
    }
}
