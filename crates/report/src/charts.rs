//! Charts of patrols and cases, by month and by unit. The figures are the
//! reports' own: the by-unit charts read the computed report, and the monthly
//! ones sum the same facts month by month over the same units. Each chart is
//! drawn once, as SVG (shown inline on web pages); the PNG for DOCX is that
//! SVG rasterised, so both show the same picture.

mod font;
mod png;
mod svg;

pub use png::Png;

use crate::annual::AnnualReview;
use crate::figures::{Sums, scope_units};
use crate::summary::Summary;
use crate::{ReportError, Result};
use bienphong_domain::facts::measure;
use bienphong_domain::format::period_name;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Date, Period, PeriodKind};
use bienphong_service::Service;
use bienphong_store::Store;
use jiff::ToSpan;
use serde::Serialize;

const PATROLS_BY_MONTH: &str = "Số lần tuần tra theo tháng";
const CASES_BY_MONTH: &str = "Số vụ việc xử lý theo tháng";
const PATROLS_BY_UNIT: &str = "Số lần tuần tra theo đơn vị chủ trì";
const CASES_BY_UNIT: &str = "Số vụ việc theo đơn vị xử lý";
const PATROL_WORD: &str = "lần";
const CASE_WORD: &str = "vụ";

/// A custom range longer than this is charted by year: a column per month
/// would be too thin to read.
const MAX_MONTHS: usize = 24;

/// How the categories are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Months along the bottom, a column each.
    Columns,
    /// Units down the side, a bar each: unit names are long.
    Bars,
}

/// The values of one period, one per category.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// "Năm 2023", "Quý I năm 2023"…
    pub name: String,
    /// The period named, for the name in another language.
    #[serde(skip)]
    pub period: Option<Period>,
    pub values: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    /// The counting word of the values: "lần", "vụ".
    pub word: String,
    pub layout: Layout,
    /// "Tháng 1"…, or unit names.
    pub categories: Vec<String>,
    /// The period first; the same period last year second where the report
    /// compares with it.
    pub series: Vec<Series>,
}

impl Chart {
    /// "Biểu đồ 2: Số vụ việc xử lý theo tháng".
    pub fn caption(&self, number: usize) -> String {
        self.caption_in(bienphong_i18n::Lang::Vi, number)
    }

    /// The caption in `lang`: "Chart 2: Cases handled by month".
    pub fn caption_in(&self, lang: bienphong_i18n::Lang, number: usize) -> String {
        lang.text(
            "rpt-chart-caption",
            &[
                ("number", number.to_string()),
                (
                    "title",
                    crate::words::translated(lang, "rpt-chart-", &self.title),
                ),
            ],
        )
    }

    /// The chart with its words in `lang`: the title, the counting word,
    /// the months along the bottom and the periods' names; units keep
    /// their names.
    pub fn in_lang(&self, lang: bienphong_i18n::Lang) -> Chart {
        use crate::words::translated;
        if lang == bienphong_i18n::Lang::Vi {
            return self.clone();
        }
        let month = |m: &str| lang.try_text(&format!("rpt-month-{m}"));
        let category = |label: &String| -> String {
            let english = if let Some(rest) = label.strip_prefix("Tháng ") {
                match rest.split_once('/') {
                    Some((m, year)) => month(m).map(|m| {
                        lang.text(
                            "rpt-period-month",
                            &[("month", m), ("year", year.to_string())],
                        )
                    }),
                    None => month(rest),
                }
            } else {
                label.strip_prefix("Năm ").map(str::to_string)
            };
            english.unwrap_or_else(|| label.clone())
        };
        Chart {
            title: translated(lang, "rpt-chart-", &self.title),
            word: translated(lang, "rpt-chart-word-", &self.word),
            layout: self.layout,
            categories: match self.layout {
                Layout::Columns => self.categories.iter().map(category).collect(),
                Layout::Bars => self.categories.clone(),
            },
            series: self
                .series
                .iter()
                .map(|s| Series {
                    name: s.period.as_ref().map_or_else(
                        || s.name.clone(),
                        |p| crate::summary::uppercase_first(&crate::words::period_name(lang, p)),
                    ),
                    period: s.period,
                    values: s.values.clone(),
                })
                .collect(),
        }
    }

    /// A standalone SVG document, also fit to be put inline in HTML.
    pub fn svg(&self) -> Result<String> {
        svg::draw(self)
    }

    /// The SVG rasterised, for documents that do not take SVG.
    pub fn png(&self) -> Result<Png> {
        png::rasterise(&self.svg()?)
    }

    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }
}

/// The charts of a report, in the order a report numbers them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Charts {
    pub patrols_by_month: Chart,
    pub cases_by_month: Chart,
    pub patrols_by_unit: Chart,
    pub cases_by_unit: Chart,
}

impl Charts {
    /// The charts a report shows: a by-unit chart without any unit is left
    /// out, months are always there (a month without patrols is a figure).
    pub fn shown(&self) -> Vec<&Chart> {
        [
            &self.patrols_by_month,
            &self.cases_by_month,
            &self.patrols_by_unit,
            &self.cases_by_unit,
        ]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect()
    }
}

/// The charts of a period summary: each with the same period last year.
pub async fn summary_charts<S: Store>(service: &Service<S>, summary: &Summary) -> Result<Charts> {
    let org = service.org_shared().await?;
    let scope = scope_code(summary.scope.as_ref().map(|u| u.code.as_str()))?;
    let months = months(summary.period);
    let current = by_month(service, &org, scope.as_ref(), summary.period, &months).await?;
    let earlier: Vec<(String, Period)> = months
        .iter()
        .map(|(label, p)| (label.clone(), p.previous_year()))
        .collect();
    let previous = by_month(
        service,
        &org,
        scope.as_ref(),
        summary.previous_period,
        &earlier,
    )
    .await?;
    let (now, before) = (
        period_name(&summary.period),
        period_name(&summary.previous_period),
    );
    let labels: Vec<String> = months.into_iter().map(|(label, _)| label).collect();
    let both = |current: Vec<i64>, previous: Vec<i64>| {
        vec![
            Series {
                name: now.clone(),
                period: Some(summary.period),
                values: current,
            },
            Series {
                name: before.clone(),
                period: Some(summary.previous_period),
                values: previous,
            },
        ]
    };
    let p = &summary.patrols.by_lead_unit;
    let c = &summary.cases.by_handling_unit;
    Ok(Charts {
        patrols_by_month: Chart {
            title: PATROLS_BY_MONTH.into(),
            word: PATROL_WORD.into(),
            layout: Layout::Columns,
            categories: labels.clone(),
            series: both(current.patrols, previous.patrols),
        },
        cases_by_month: Chart {
            title: CASES_BY_MONTH.into(),
            word: CASE_WORD.into(),
            layout: Layout::Columns,
            categories: labels,
            series: both(current.cases, previous.cases),
        },
        patrols_by_unit: Chart {
            title: PATROLS_BY_UNIT.into(),
            word: PATROL_WORD.into(),
            layout: Layout::Bars,
            categories: p.iter().map(|u| u.unit.name.clone()).collect(),
            series: both(
                p.iter().map(|u| u.count.current).collect(),
                p.iter().map(|u| u.count.previous).collect(),
            ),
        },
        cases_by_unit: Chart {
            title: CASES_BY_UNIT.into(),
            word: CASE_WORD.into(),
            layout: Layout::Bars,
            categories: c.iter().map(|u| u.unit.name.clone()).collect(),
            series: both(
                c.iter().map(|u| u.count.current).collect(),
                c.iter().map(|u| u.count.previous).collect(),
            ),
        },
    })
}

/// Patrols by leading unit in a summary, with the same period last year:
/// the one chart the dashboard shows, drawn without touching the store.
pub fn patrols_by_unit_chart(summary: &Summary) -> Chart {
    let p = &summary.patrols.by_lead_unit;
    Chart {
        title: PATROLS_BY_UNIT.into(),
        word: PATROL_WORD.into(),
        layout: Layout::Bars,
        categories: p.iter().map(|u| u.unit.name.clone()).collect(),
        series: vec![
            Series {
                name: period_name(&summary.period),
                period: Some(summary.period),
                values: p.iter().map(|u| u.count.current).collect(),
            },
            Series {
                name: period_name(&summary.previous_period),
                period: Some(summary.previous_period),
                values: p.iter().map(|u| u.count.previous).collect(),
            },
        ],
    }
}

/// The charts of the annual review: the year alone, as the review states
/// it without comparison.
pub async fn annual_charts<S: Store>(
    service: &Service<S>,
    review: &AnnualReview,
) -> Result<Charts> {
    let org = service.org_shared().await?;
    let scope = scope_code(review.scope.as_ref().map(|u| u.code.as_str()))?;
    let months = months(review.period);
    let figures = by_month(service, &org, scope.as_ref(), review.period, &months).await?;
    let name = period_name(&review.period);
    let one = |values: Vec<i64>| {
        vec![Series {
            name: name.clone(),
            period: Some(review.period),
            values,
        }]
    };
    let labels: Vec<String> = months.into_iter().map(|(label, _)| label).collect();
    let p = &review.patrols.by_lead_unit;
    let c = &review.cases.by_handling_unit;
    Ok(Charts {
        patrols_by_month: Chart {
            title: PATROLS_BY_MONTH.into(),
            word: PATROL_WORD.into(),
            layout: Layout::Columns,
            categories: labels.clone(),
            series: one(figures.patrols),
        },
        cases_by_month: Chart {
            title: CASES_BY_MONTH.into(),
            word: CASE_WORD.into(),
            layout: Layout::Columns,
            categories: labels,
            series: one(figures.cases),
        },
        patrols_by_unit: Chart {
            title: PATROLS_BY_UNIT.into(),
            word: PATROL_WORD.into(),
            layout: Layout::Bars,
            categories: p.iter().map(|u| u.unit.name.clone()).collect(),
            series: one(p.iter().map(|u| u.count).collect()),
        },
        cases_by_unit: Chart {
            title: CASES_BY_UNIT.into(),
            word: CASE_WORD.into(),
            layout: Layout::Bars,
            categories: c.iter().map(|u| u.unit.name.clone()).collect(),
            series: one(c.iter().map(|u| u.count).collect()),
        },
    })
}

fn scope_code(code: Option<&str>) -> Result<Option<Code>> {
    code.map(|c| Code::parse(c).map_err(|_| ReportError::UnknownScope(c.to_string())))
        .transpose()
}

/// Patrols and cases of each month.
struct Monthly {
    patrols: Vec<i64>,
    cases: Vec<i64>,
}

/// Every month is summed over the units the scope covers during the whole
/// `period`, as the report's totals are: the months then add up to them.
async fn by_month<S: Store>(
    service: &Service<S>,
    org: &Org,
    scope: Option<&Code>,
    period: Period,
    months: &[(String, Period)],
) -> Result<Monthly> {
    let units = scope_units(org, scope, &period)?;
    let mut out = Monthly {
        patrols: Vec::with_capacity(months.len()),
        cases: Vec::with_capacity(months.len()),
    };
    for (_, month) in months {
        let sums = Sums::load_totals(service.store(), *month, units.clone()).await?;
        out.patrols.push(sums.total(measure::PATROL_COUNT));
        out.cases.push(sums.sum_prefix(measure::CASE_COUNT_PREFIX));
    }
    Ok(out)
}

/// The months of a period with their labels. A named period has its
/// reporting months (for Decree 09, "Tháng 1" runs from 15 December to 14
/// January); any other range of days is cut at calendar months, or at
/// calendar years when it is long.
pub(crate) fn months(period: Period) -> Vec<(String, Period)> {
    if let Some((kind, cutoff)) = period.kind() {
        let (year, first, last) = match kind {
            PeriodKind::Month { year, month } => (year, month, month),
            PeriodKind::Quarter { year, quarter } => (year, quarter * 3 - 2, quarter * 3),
            PeriodKind::Half { year, half } if half <= 1 => (year, 1, 6),
            PeriodKind::Half { year, .. } => (year, 7, 12),
            PeriodKind::NineMonths { year } => (year, 1, 9),
            PeriodKind::Year { year } => (year, 1, 12),
        };
        return (first..=last)
            .map(|m| (format!("Tháng {m}"), Period::month(year, m, cutoff)))
            .collect();
    }
    let months = calendar_pieces(period, |d| d.first_of_month(), 1.month());
    if months.len() <= MAX_MONTHS {
        let one_year = period.from.year() == period.to.year();
        return months
            .into_iter()
            .map(|p| {
                let label = if one_year {
                    format!("Tháng {}", p.from.month())
                } else {
                    format!("Tháng {}/{}", p.from.month(), p.from.year())
                };
                (label, p)
            })
            .collect();
    }
    calendar_pieces(period, |d| d.first_of_year(), 1.year())
        .into_iter()
        .map(|p| (format!("Năm {}", p.from.year()), p))
        .collect()
}

/// `period` cut where calendar months (or years) begin.
fn calendar_pieces(
    period: Period,
    start_of: impl Fn(Date) -> Date,
    step: jiff::Span,
) -> Vec<Period> {
    let mut pieces = Vec::new();
    let mut start = start_of(period.from);
    while start <= period.to {
        let Ok(next) = start.checked_add(step) else {
            break;
        };
        let end = next.yesterday().unwrap_or(next);
        pieces.push(Period {
            from: start.max(period.from),
            to: end.min(period.to),
        });
        start = next;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::Cutoff;

    fn ymd(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn a_decree09_year_has_its_twelve_reporting_months() {
        let months = months(Period::year(2023, Cutoff::Decree09));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].0, "Tháng 1");
        assert_eq!(months[0].1.from, ymd(2022, 12, 15));
        assert_eq!(months[0].1.to, ymd(2023, 1, 14));
        assert_eq!(months[11].0, "Tháng 12");
        assert_eq!(months[11].1.to, ymd(2023, 12, 14));
        // They tile the year: each starts the day after the one before ends.
        for w in months.windows(2) {
            assert_eq!(w[0].1.to.tomorrow().unwrap(), w[1].1.from);
        }
    }

    #[test]
    fn a_quarter_has_its_three_months() {
        let labels: Vec<String> = months(Period::quarter(2024, 2, Cutoff::Calendar))
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        assert_eq!(labels, ["Tháng 4", "Tháng 5", "Tháng 6"]);
    }

    #[test]
    fn a_custom_range_is_cut_at_calendar_months() {
        let p = Period::new(ymd(2023, 11, 20), ymd(2024, 1, 10)).unwrap();
        let months = months(p);
        let labels: Vec<&str> = months.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Tháng 11/2023", "Tháng 12/2023", "Tháng 1/2024"]);
        assert_eq!(months[0].1.from, ymd(2023, 11, 20));
        assert_eq!(months[0].1.to, ymd(2023, 11, 30));
        assert_eq!(months[2].1.to, ymd(2024, 1, 10));
    }

    #[test]
    fn a_long_range_is_cut_at_years() {
        let p = Period::new(ymd(2019, 3, 1), ymd(2023, 2, 1)).unwrap();
        let labels: Vec<String> = months(p).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            ["Năm 2019", "Năm 2020", "Năm 2021", "Năm 2022", "Năm 2023"]
        );
    }
}
