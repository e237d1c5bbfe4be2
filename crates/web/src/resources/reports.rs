//! Reports: the annual review and the summary of any period, for a scope
//! the person may read — the page (HTML with charts), its downloads
//! (Markdown, JSON, XLSX, CSV, DOCX) and `GET /api/v1/reports/annual`.

use crate::AppState;
use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, SignedIn, back_of};
use crate::params;
use crate::view::{Frame, Tr, attachment, frame, markdown_html, render, unit_options};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bienphong_domain::Period;
use bienphong_domain::format;
use bienphong_domain::org::Code;
use bienphong_i18n::Lang;
use bienphong_report::{AnnualReview, Summary};
use bienphong_service::{Principal, today};

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    f: Frame,
    units: Vec<(String, String)>,
    periods: Vec<(String, String)>,
    period: String,
    scope: String,
    year: String,
    cutoff: String,
    html: Option<String>,
    charts: Vec<ChartFigure>,
    download: String,
}

/// A chart of the report as inline SVG, with its numbered caption.
struct ChartFigure {
    caption: String,
    svg: String,
}

async fn report_charts(state: &AppState, r: &Report) -> Result<bienphong_report::Charts, Error> {
    Ok(match r {
        Report::Annual(a) => bienphong_report::annual_charts(&state.service, a).await,
        Report::Summary(s) => bienphong_report::summary_charts(&state.service, s).await,
    }?)
}

fn chart_figures(charts: &bienphong_report::Charts) -> Result<Vec<ChartFigure>, Error> {
    charts
        .shown()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(ChartFigure {
                caption: c.caption(i + 1),
                svg: c.svg()?,
            })
        })
        .collect()
}

/// The periods a report may cover: the annual review, then the summaries.
fn period_choices(t: &Tr) -> Vec<(String, String)> {
    let mut out = vec![
        ("annual".to_string(), t.get("report-annual")),
        ("year".to_string(), t.get("report-period-year")),
        (
            "nine-months".to_string(),
            t.get("report-period-nine-months"),
        ),
        ("half-1".to_string(), t.get("report-period-half-1")),
        ("half-2".to_string(), t.get("report-period-half-2")),
    ];
    for q in 1..=4 {
        out.push((format!("q{q}"), format!("{} {q}", t.get("field-quarter"))));
    }
    for m in 1..=12 {
        out.push((format!("m{m}"), format!("{} {m}", t.get("word-month"))));
    }
    out
}

/// A report the page shows: the annual review or a summary of a period.
enum Report {
    Annual(Box<AnnualReview>),
    Summary(Box<Summary>),
}

async fn report_for(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    q: &params::Query,
) -> Result<Report, Error> {
    let year = params::year(lang, q)?.ok_or_else(|| ApiError::bad_request(lang, "year", "2023"))?;
    let cutoff = params::cutoff(lang, q)?;
    let scope = params::scope(state, who, lang, q).await?;
    let kind = q.get("period").map_or("annual", String::as_str);
    let numbered = |prefix: &str, max: i8| {
        kind.strip_prefix(prefix)
            .and_then(|n| n.parse::<i8>().ok())
            .filter(|n| (1..=max).contains(n))
    };
    let period = match kind {
        "annual" => {
            let review =
                bienphong_report::annual_review(&state.service, year, cutoff, scope.as_ref())
                    .await?;
            return Ok(Report::Annual(Box::new(review)));
        }
        "year" => Period::year(year, cutoff),
        "nine-months" => Period::nine_months(year, cutoff),
        _ => match (numbered("half-", 2), numbered("q", 4), numbered("m", 12)) {
            (Some(h), _, _) => Period::half(year, h, cutoff),
            (_, Some(n), _) => Period::quarter(year, n, cutoff),
            (_, _, Some(m)) => Period::month(year, m, cutoff),
            _ => return Err(ApiError::bad_request(lang, "period", kind.to_string()).into()),
        },
    };
    let summary = bienphong_report::summary(&state.service, period, scope.as_ref()).await?;
    Ok(Report::Summary(Box::new(summary)))
}

fn report_markdown(r: &Report) -> Result<String, Error> {
    Ok(match r {
        Report::Annual(a) => bienphong_report::to_markdown(a),
        Report::Summary(s) => bienphong_report::summary_to_markdown(s),
    }?)
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
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (year, scope) = (text("year"), text("scope"));
    let period = q.get("period").cloned().unwrap_or_else(|| "annual".into());
    let cutoff = q
        .get("cutoff")
        .cloned()
        .unwrap_or_else(|| "decree09".into());
    let mut html = None;
    let mut charts = Vec::new();
    if !year.is_empty() {
        let report = report_for(&state, &auth.principal, lang, &q).await?;
        html = Some(markdown_html(&report_markdown(&report)?));
        charts = chart_figures(&report_charts(&state, &report).await?)?;
    }
    let download = serde_urlencoded::to_string([
        ("period", period.as_str()),
        ("year", year.as_str()),
        ("scope", scope.as_str()),
        ("cutoff", cutoff.as_str()),
    ])
    .unwrap_or_default();
    Ok(render(ReportPage {
        periods: period_choices(&Tr(lang)),
        f: frame(&auth, &org, &back),
        units: unit_options(&org, lang),
        period,
        scope,
        year,
        cutoff,
        html,
        charts,
        download,
    }))
}

pub async fn download(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let (body, kind, file) = {
        let report = report_for(&state, &auth.principal, lang, &q).await?;
        let name = match &report {
            Report::Annual(a) => format!("bao-cao-tong-ket-{}", a.year),
            Report::Summary(s) => format!(
                "bao-cao-{}-{}",
                format::day_key(s.period.from),
                format::day_key(s.period.to)
            ),
        };
        let (body, kind, ext): (Vec<u8>, &str, &str) = match q.get("format").map(String::as_str) {
            Some("json") => (
                match &report {
                    Report::Annual(a) => bienphong_report::to_json(a),
                    Report::Summary(s) => bienphong_report::summary_to_json(s),
                }?
                .into_bytes(),
                "application/json",
                "json",
            ),
            Some("xlsx") => {
                let bytes = match &report {
                    Report::Annual(a) => {
                        let tables = bienphong_report::annual_tables(a);
                        bienphong_report::tables_to_xlsx(&tables.all())
                    }
                    Report::Summary(s) => {
                        let tables = bienphong_report::summary_tables(s);
                        bienphong_report::tables_to_xlsx(&tables.iter().collect::<Vec<_>>())
                    }
                }?;
                (
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                )
            }
            Some("csv") => {
                let bytes = match &report {
                    Report::Annual(a) => {
                        bienphong_report::tables_to_csv(&bienphong_report::annual_tables(a).all())
                    }
                    Report::Summary(s) => {
                        let tables = bienphong_report::summary_tables(s);
                        bienphong_report::tables_to_csv(&tables.iter().collect::<Vec<_>>())
                    }
                };
                (bytes, "text/csv; charset=utf-8", "csv")
            }
            Some("docx") => {
                let (period, scope) = match &report {
                    Report::Annual(a) => (a.period, a.scope.as_ref().map(|u| u.code.clone())),
                    Report::Summary(s) => (s.period, s.scope.as_ref().map(|u| u.code.clone())),
                };
                let org = state.service.org_shared().await?;
                let scope = scope.and_then(|c| Code::parse(&c).ok());
                // Number, date, style, signer and recipients as the CLI
                // sets them; what is left empty follows from the issuer.
                let head =
                    bienphong_report::LetterheadSettings::read(|k| q.get(k).map(String::as_str))?
                        .letterhead(&org, scope.as_ref(), period.to, today());
                let charts = report_charts(&state, &report).await?;
                (
                    bienphong_report::markdown_to_docx_with_charts(
                        &report_markdown(&report)?,
                        &head,
                        &charts.shown(),
                    )?,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                )
            }
            _ => (
                report_markdown(&report)?.into_bytes(),
                "text/markdown; charset=utf-8",
                "md",
            ),
        };
        (body, kind, format!("{name}.{ext}"))
    };
    Ok(attachment(body, kind, &file))
}

pub async fn annual(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let year = params::year(lang, &q)?
        .ok_or_else(|| ApiError::bad_request(lang, "year", "a year such as 2023"))?;
    let cutoff = params::cutoff(lang, &q)?;
    let scope = params::scope(&state, &caller.principal, lang, &q).await?;
    let review =
        bienphong_report::annual_review(&state.service, year, cutoff, scope.as_ref()).await?;
    match q.get("format").map(String::as_str) {
        None | Some("") | Some("json") => {
            let text = bienphong_report::to_json(&review)?;
            Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
        }
        Some("md") => {
            let text = bienphong_report::to_markdown(&review)?;
            Ok((
                [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
                text,
            )
                .into_response())
        }
        Some("docx") => {
            let org = state.service.org_shared().await?;
            let head =
                bienphong_report::LetterheadSettings::read(|k| q.get(k).map(String::as_str))?
                    .letterhead(&org, scope.as_ref(), review.period.to, today());
            let charts = bienphong_report::annual_charts(&state.service, &review).await?;
            let bytes = bienphong_report::markdown_to_docx_with_charts(
                &bienphong_report::to_markdown(&review)?,
                &head,
                &charts.shown(),
            )?;
            Ok((
                [(
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                )],
                bytes,
            )
                .into_response())
        }
        Some(o) => {
            Err(ApiError::bad_request(lang, "format", format!("{o}: use json, md or docx")).into())
        }
    }
}
