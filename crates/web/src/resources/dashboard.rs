//! The dashboard: a scope's figures for a year or quarter beside the same
//! period last year, and patrols by leading unit as a chart.

use crate::AppState;
use crate::error::Error;
use crate::extract::{SignedIn, back_of};
use crate::heavy::{self, StateCache};
use crate::params;
use crate::view::{Frame, Tr, frame, render, unit_name};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bienphong_domain::Content;
use bienphong_domain::access::Role;
use bienphong_domain::format;
use bienphong_domain::org::Code;
use bienphong_domain::signoff::Overdue;
use bienphong_domain::{Cutoff, Period};
use bienphong_i18n::Lang;
use bienphong_report::{AnnualReview, Summary};
use bienphong_service::today;
use bienphong_store::Store;
use std::sync::Arc;

pub struct Figure {
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    pub id: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    f: Frame,
    period_name: String,
    period_range: String,
    scope_name: String,
    year: i16,
    years: Vec<i16>,
    quarter: i8,
    figures: Vec<Figure>,
    seizures: Vec<Figure>,
    /// Patrols by leading unit, as inline SVG.
    chart: Option<String>,
    /// Overdue acknowledgements and required actions on the documents the
    /// reader may see: link, document, unit, what, due day.
    overdue: Vec<(String, String, String, String, String)>,
}

/// Everything a dashboard shows, computed once per store state, scope and
/// period and shared by every request until the next write.
pub struct DashboardData {
    summary: Summary,
    review: Arc<AnnualReview>,
    previous_review: Arc<AnnualReview>,
}

#[derive(Default)]
pub struct DashboardCache {
    /// Per store state: scope, year and quarter.
    entries: StateCache<(Option<String>, i16, i8), Arc<DashboardData>>,
    /// The year a dashboard opens on, per store state and scope.
    default_years: StateCache<Option<String>, i16>,
    /// What is overdue, per store state, reader's grant and day: finding it
    /// reads every document the reader may see and each one's answers, too
    /// much for every visit of the page.
    overdue: StateCache<OverdueKey, Arc<Vec<(Overdue, Content)>>>,
}

/// A grant (role, unit, may read personal data) and the day.
type OverdueKey = (Role, String, bool, bienphong_domain::Date);

async fn overdue_of(
    state: &AppState,
    seq: i64,
    who: &bienphong_service::Principal,
) -> Result<Arc<Vec<(Overdue, Content)>>, bienphong_service::ServiceError> {
    let g = &who.grant;
    let key = (g.role, g.unit.to_string(), g.restricted, today());
    if let Some(found) = state.dashboard_cache.overdue.get(seq, key.clone()) {
        return Ok(found);
    }
    let found = Arc::new(state.service.overdue_as(who, crate::now_ms()).await?);
    state.dashboard_cache.overdue.put(seq, key, found.clone());
    Ok(found)
}

async fn dashboard_data(
    state: &AppState,
    seq: i64,
    scope: Option<&Code>,
    year: i16,
    quarter: i8,
) -> Result<Arc<DashboardData>, Error> {
    let key = (scope.map(|c| c.to_string()), year, quarter);
    if let Some(d) = state.dashboard_cache.entries.get(seq, key.clone()) {
        return Ok(d);
    }
    let period = if quarter == 0 {
        Period::year(year, Cutoff::Decree09)
    } else {
        Period::quarter(year, quarter, Cutoff::Decree09)
    };
    let summary = bienphong_report::summary(&state.service, period, scope).await?;
    let review = heavy::annual_review_at(state, seq, year, Cutoff::Decree09, scope).await?;
    let previous_review =
        heavy::annual_review_at(state, seq, year - 1, Cutoff::Decree09, scope).await?;
    let data = Arc::new(DashboardData {
        summary,
        review,
        previous_review,
    });
    state.dashboard_cache.entries.put(seq, key, data.clone());
    Ok(data)
}

/// The current Decree 09 year, or the latest year with records when the
/// current one has none.
async fn default_year(
    state: &AppState,
    seq: i64,
    scope: Option<&Code>,
) -> Result<i16, bienphong_report::ReportError> {
    let key = scope.map(|c| c.to_string());
    if let Some(year) = state.dashboard_cache.default_years.get(seq, key.clone()) {
        return Ok(year);
    }
    let year = bienphong_report::latest_year_with_records(&state.service, scope, today()).await?;
    state.dashboard_cache.default_years.put(seq, key, year);
    Ok(year)
}

fn figure(t: &Tr, id: &str, label_key: &str, current: i64, previous: i64, word: &str) -> Figure {
    Figure {
        id: id.to_string(),
        label: t.get(label_key),
        value: format::integer(current),
        previous: format::integer(previous),
        change: comparison_text(t.0, current.into(), previous.into(), word),
    }
}

fn comparison_text(
    lang: Lang,
    current: rust_decimal::Decimal,
    previous: rust_decimal::Decimal,
    word: &str,
) -> String {
    match lang {
        Lang::Vi => format::comparison(current, previous, word),
        Lang::En => {
            let diff = current - previous;
            if previous.is_zero() && !current.is_zero() {
                "none in the same period last year".to_string()
            } else if diff.is_zero() {
                "same as the same period last year".to_string()
            } else {
                let pct = format::change_percent(current, previous)
                    .map(|p| format!(" ({}%)", format::decimal(p.abs().round_dp(1), false)))
                    .unwrap_or_default();
                let dir = if diff > rust_decimal::Decimal::ZERO {
                    "up"
                } else {
                    "down"
                };
                format!(
                    "{dir} {}{pct} on the same period last year",
                    format::decimal(diff.abs(), false)
                )
            }
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let org = state.service.org_shared().await?;
    let scope = params::scope(&state, &auth.principal, lang, &q).await?;
    // One store state for the whole page: what is cached is keyed by it.
    let seq = state.service.store().last_seq().await?;
    let year = match params::year(lang, &q)? {
        Some(y) => y,
        None => default_year(&state, seq, scope.as_ref()).await?,
    };
    let quarter = params::dashboard_quarter(lang, &q)?;
    let data = dashboard_data(&state, seq, scope.as_ref(), year, quarter).await?;
    let t = Tr(lang);
    let s = &data.summary;
    let p = &s.patrols;
    let c = &s.cases;
    let b = &data.review.briefings;
    let pb = &data.previous_review.briefings;
    let mut figures = vec![
        figure(
            &t,
            "patrols",
            "dash-patrols",
            p.count.current,
            p.count.previous,
            "lần",
        ),
        figure(
            &t,
            "patrol-bdbp",
            "dash-patrol-bdbp",
            p.border_guard_persons.current,
            p.border_guard_persons.previous,
            "lượt",
        ),
        figure(
            &t,
            "patrol-others",
            "dash-patrol-others",
            p.other_persons.current,
            p.other_persons.previous,
            "lượt",
        ),
        figure(
            &t,
            "cases",
            "dash-cases",
            c.count.current,
            c.count.previous,
            "vụ",
        ),
        figure(
            &t,
            "subjects",
            "dash-subjects",
            c.subjects.current,
            c.subjects.previous,
            "đối tượng",
        ),
    ];
    figures.push(Figure {
        id: "briefings".into(),
        label: t.get("dash-briefings"),
        value: format!("{}/{}", format::integer(b.held), format::integer(b.due)),
        previous: format!("{}/{}", format::integer(pb.held), format::integer(pb.due)),
        change: String::new(),
    });
    let seizures = s
        .seizures
        .iter()
        .filter(|z| !z.quantity.current.is_zero() || !z.quantity.previous.is_zero())
        .map(|z| Figure {
            id: z.code.clone(),
            label: format!("{} ({})", z.name, z.measure),
            value: format::decimal(z.quantity.current, false),
            previous: format::decimal(z.quantity.previous, false),
            change: comparison_text(lang, z.quantity.current, z.quantity.previous, &z.measure),
        })
        .collect();
    // The reports' chart, in the page's language.
    let mut chart = bienphong_report::patrols_by_unit_chart(s);
    chart.title = t.get("dash-chart");
    for (series, key) in chart
        .series
        .iter_mut()
        .zip(["dash-this-period", "dash-same-period"])
    {
        series.name = t.get(key);
    }
    let chart = (!chart.is_empty()).then(|| chart.svg()).transpose()?;
    let overdue = overdue_of(&state, seq, &auth.principal)
        .await?
        .iter()
        .map(|(o, c)| {
            let doc = match c {
                bienphong_domain::Content::Document(d) if d.number.is_empty() => {
                    d.title.as_str().to_string()
                }
                bienphong_domain::Content::Document(d) => {
                    format!("{} · {}", d.number.as_str(), d.title.as_str())
                }
                _ => String::new(),
            };
            let what = match &o.action {
                Some((i, text)) => format!("{}. {}", i + 1, text.as_str()),
                None => t.get("signoff-acknowledgement"),
            };
            (
                format!("/records/documents/{}", o.document),
                doc,
                unit_name(&org, o.unit.as_str(), lang),
                what,
                format::date(o.due),
            )
        })
        .collect();
    let this_year = today().year();
    let years = (2015..=this_year.max(year) + 1).rev().collect();
    Ok(render(DashboardPage {
        period_name: match (lang, s.kind) {
            (Lang::En, Some(bienphong_domain::PeriodKind::Year { year })) => format!("Year {year}"),
            (Lang::En, Some(bienphong_domain::PeriodKind::Quarter { year, quarter })) => {
                format!("Quarter {quarter} of {year}")
            }
            _ => s.name.clone(),
        },
        period_range: format!(
            "{} – {}",
            format::date(s.period.from),
            format::date(s.period.to)
        ),
        scope_name: match &scope {
            Some(c) => unit_name(&org, c.as_str(), lang),
            None => t.get("scope-all"),
        },
        f: frame(&auth, &org, &back),
        year,
        years,
        quarter,
        figures,
        seizures,
        chart,
        overdue,
    }))
}
