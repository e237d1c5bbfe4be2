//! Reports: the annual review and the summary of any period, for a scope
//! the person may read — the page (HTML with charts), its downloads
//! (Markdown, JSON, XLSX, CSV, DOCX) and `GET /api/v1/reports/annual`.

use crate::AppState;
use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, CsrfForm, SignedIn, back_of};
use crate::heavy;
use crate::params;
use crate::view::{Frame, Tr, attachment, frame, markdown_html, render, unit_options};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bienphong_domain::Period;
use bienphong_i18n::Lang;
use bienphong_report::{AnnualReview, Format, LetterheadSettings, Report};
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
    map_to: String,
    html: Option<String>,
    charts: Vec<ChartFigure>,
    download: String,
}

/// A chart of the report as inline SVG, with its numbered caption.
struct ChartFigure {
    caption: String,
    svg: String,
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

async fn report_for(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    q: &params::Query,
) -> Result<Report, Error> {
    let year = params::year(lang, q)?.ok_or_else(|| ApiError::bad_request(lang, "year", "2023"))?;
    let cutoff = params::cutoff(lang, q)?;
    let map_to = params::map_to(lang, q)?;
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
                heavy::annual_review_mapped(state, year, cutoff, scope.as_ref(), map_to).await?;
            return Ok(Report::Annual(Box::new(AnnualReview::clone(&review))));
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
    let summary =
        bienphong_report::summary_mapped(&state.service, period, scope.as_ref(), map_to).await?;
    Ok(Report::Summary(Box::new(summary)))
}

/// `report` in the format the query names (Markdown when it names none),
/// rendered off the request threads. A DOCX takes its letterhead from the
/// query, and what the query leaves out from the issuer; `numbering`, a
/// POST's caller, takes its number from the issuer's register.
async fn rendered(
    state: &AppState,
    lang: Lang,
    q: &params::Query,
    report: Report,
    default_format: Format,
    numbering: Option<&Principal>,
) -> Result<(Vec<u8>, Format), Error> {
    let format = match q.get("format").map(String::as_str) {
        None | Some("") => default_format,
        Some(name) => name
            .parse::<Format>()
            .map_err(|e| ApiError::bad_value(lang, &e))?,
    };
    // Aggregates only, for the unclassified national reporting system.
    if params::flag(lang, q, "aggregate_only")? {
        let bytes = if format.is_heavy() {
            state
                .heavy
                .run(move || bienphong_report::render_aggregate(&report, format))
                .await?
        } else {
            bienphong_report::render_aggregate(&report, format)?
        };
        return Ok((bytes, format));
    }
    // The document's settings are read whatever the format: a bad one is
    // refused for every format alike.
    let settings = LetterheadSettings::read(|k| q.get(k).map(String::as_str))?;
    let parts = if format == Format::Docx {
        let org = state.service.org_shared().await?;
        let scope = report.scope();
        let mut head = settings.letterhead(&org, scope.as_ref(), report.period().to, today());
        if let Some(who) = numbering {
            super::registers::take_number(state, who, &mut head).await?;
        }
        report.docx_parts(&state.service, format, || head).await?
    } else {
        None
    };
    let bytes = if format.is_heavy() {
        state
            .heavy
            .run(move || report.render(format, parts.as_ref()))
            .await?
    } else {
        report.render(format, parts.as_ref())?
    };
    Ok((bytes, format))
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
    let (year, scope, map_to) = (text("year"), text("scope"), text("map_to"));
    let period = q.get("period").cloned().unwrap_or_else(|| "annual".into());
    let cutoff = q
        .get("cutoff")
        .cloned()
        .unwrap_or_else(|| "decree09".into());
    let mut html = None;
    let mut charts = Vec::new();
    if !year.is_empty() {
        let report = report_for(&state, &auth.principal, lang, &q).await?;
        html = Some(markdown_html(&report.markdown()?));
        charts = chart_figures(&report.charts(&state.service).await?)?;
    }
    let download = serde_urlencoded::to_string([
        ("period", period.as_str()),
        ("year", year.as_str()),
        ("scope", scope.as_str()),
        ("cutoff", cutoff.as_str()),
        ("map_to", map_to.as_str()),
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
        map_to,
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
    let report = report_for(&state, &auth.principal, lang, &q).await?;
    let name = report.file_stem();
    let (body, format) = rendered(&state, lang, &q, report, Format::Markdown, None).await?;
    Ok(attachment(
        body,
        format.content_type(),
        &format!("{name}.{}", format.extension()),
    ))
}

/// The DOCX settings form, posted: the download with its settings, and
/// with "take the next number in the register" checked, numbered from the
/// issuer's register (a POST, as a number taken is written).
pub async fn download_post(
    State(state): State<AppState>,
    CsrfForm { auth, form }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let q = params::from_form(&form);
    let numbering = params::flag(lang, &q, "register")?.then_some(&auth.principal);
    let report = report_for(&state, &auth.principal, lang, &q).await?;
    let name = report.file_stem();
    let (body, format) = rendered(&state, lang, &q, report, Format::Docx, numbering).await?;
    Ok(attachment(
        body,
        format.content_type(),
        &format!("{name}.{}", format.extension()),
    ))
}

/// `GET /api/v1/reports/annual`: the annual review in any report format,
/// JSON unless the query names another.
pub async fn annual(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let year = params::year(lang, &q)?
        .ok_or_else(|| ApiError::bad_request(lang, "year", "a year such as 2023"))?;
    let cutoff = params::cutoff(lang, &q)?;
    let map_to = params::map_to(lang, &q)?;
    let scope = params::scope(&state, &caller.principal, lang, &q).await?;
    let review = heavy::annual_review_mapped(&state, year, cutoff, scope.as_ref(), map_to).await?;
    let report = Report::Annual(Box::new(AnnualReview::clone(&review)));
    let (body, format) = rendered(&state, lang, &q, report, Format::Json, None).await?;
    Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
}

/// `GET /api/v1/reports/summary`: the summary of a period (`period`: a
/// quarter `q1`…`q4`, a month `m1`…`m12`, `half-1`, `half-2`,
/// `nine-months` or `year`) compared with the same period last year, in
/// any report format, JSON unless the query names another; a DOCX with
/// the annual route's settings.
pub async fn summary(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let period = q.get("period").map_or("", String::as_str);
    if period.is_empty() || period == "annual" {
        return Err(ApiError::bad_request(lang, "period", "q1").into());
    }
    let report = report_for(&state, &caller.principal, lang, &q).await?;
    let (body, format) = rendered(&state, lang, &q, report, Format::Json, None).await?;
    Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
}

/// `GET /api/v1/documents/{id}/docx`: a document record as the document it
/// records, in the reports' letterhead, with each required signer's block
/// as its sign-off stands; read as the caller may read it.
pub async fn document_docx(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    // `lang=en`: the document in English, for foreign partners.
    let doc_lang = LetterheadSettings::read(|k| q.get(k).map(String::as_str))?.lang;
    let id = id
        .parse::<bienphong_domain::RecordId>()
        .map_err(|_| ApiError::not_found(lang))?;
    let view = state
        .service
        .signoff_as(&caller.principal, crate::now_ms(), id)
        .await?;
    let bienphong_domain::Content::Document(doc) = view.content else {
        return Err(ApiError::not_found(lang).into());
    };
    let org = state.service.org_shared().await?;
    let signers = if doc.signers.is_empty() {
        Vec::new()
    } else {
        bienphong_report::joint_signers(&org, &view.signers, doc.date, doc_lang == Lang::En)
    };
    let file = format!("van-ban-{id}.docx");
    let bytes = state
        .heavy
        .run(move || bienphong_report::document_docx(&org, &doc, signers, doc_lang))
        .await?;
    Ok(attachment(bytes, Format::Docx.content_type(), &file))
}
