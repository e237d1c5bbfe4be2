//! Quarterly briefings: who owes a quarter's report and where each stands,
//! and a unit's report — figures from the records, the unit's narrative,
//! submission, and what changed after it was submitted. The JSON routes
//! here, the pages in [`pages`], over the same use cases.

pub mod docx;
pub mod pages;

use crate::error::{ApiError, Error};
use crate::extract::ApiCaller;
use crate::params;
use crate::{AppState, now_ms};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use bienphong_domain::RevisionId;
use bienphong_domain::org::Code;
use bienphong_i18n::Lang;
use bienphong_report::BriefingQuarter;
use bienphong_service::{Principal, today};

/// The unit of a briefing path, if `who` may read its reports.
async fn briefing_unit(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &str,
) -> Result<Code, ApiError> {
    let unit = Code::parse(unit).map_err(|p| ApiError::bad_request(lang, "unit", p.to_string()))?;
    params::report_scope(state, who, lang, Some(unit.clone())).await?;
    Ok(unit)
}

/// `view` for the aggregate-only channel, in the format the query names
/// (`default` when it names none), as a file to download.
fn aggregate(
    lang: Lang,
    q: &params::Query,
    view: &bienphong_report::BriefingView,
    default: bienphong_report::Format,
) -> Result<Response, Error> {
    let format = match q.get("format").map(String::as_str) {
        None | Some("") => default,
        Some(name) => name
            .parse::<bienphong_report::Format>()
            .map_err(|e| ApiError::bad_value(lang, &e))?,
    };
    let bytes = bienphong_report::render_briefing_aggregate(view, format)?;
    Ok(crate::view::attachment(
        bytes,
        format.content_type(),
        &format!(
            "giao-ban-{}-{}-q{}-tong-hop.{}",
            view.unit.code,
            view.quarter.year,
            view.quarter.quarter,
            format.extension()
        ),
    ))
}

/// A unit's briefing report for the aggregate-only channel, as the page
/// downloads it (`aggregate_only=true` on its download link).
pub(crate) async fn aggregate_download(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &str,
    q: &params::Query,
) -> Result<Response, Error> {
    let quarter = params::briefing_quarter(lang, q)?;
    let unit = briefing_unit(state, who, lang, unit).await?;
    let view = bienphong_report::briefing_view(&state.service, &unit, quarter, today()).await?;
    aggregate(lang, q, &view, bienphong_report::Format::Csv)
}

/// Freezes the figures of `unit`'s draft as the records give them today
/// and submits it.
async fn submit_briefing(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &Code,
    quarter: BriefingQuarter,
    expected: Option<RevisionId>,
) -> Result<bienphong_domain::Revision, Error> {
    let stored = state
        .service
        .briefing_report(unit, quarter.year, quarter.quarter)
        .await?
        .ok_or_else(|| ApiError::not_found(lang))?;
    let period = BriefingQuarter {
        cutoff: stored.report.cutoff,
        ..quarter
    }
    .period()?;
    let figures = bienphong_report::key_figures(&state.service, unit, period).await?;
    Ok(state
        .service
        .submit_briefing_as(
            who,
            now_ms(),
            stored.record.record_id,
            expected,
            figures,
            today(),
        )
        .await?)
}

pub async fn roll(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let quarter = params::briefing_quarter(lang, &q)?;
    let scope = params::scope(&state, &caller.principal, lang, &q).await?;
    let roll =
        bienphong_report::briefing_roll(&state.service, scope.as_ref(), quarter, today()).await?;
    Ok(Json(roll).into_response())
}

pub async fn view(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let quarter = params::briefing_quarter(lang, &q)?;
    let unit = briefing_unit(&state, &caller.principal, lang, &unit).await?;
    let view = bienphong_report::briefing_view(&state.service, &unit, quarter, today()).await?;
    // Aggregates only, for the unclassified national reporting system.
    if params::flag(lang, &q, "aggregate_only")? {
        return aggregate(lang, &q, &view, bienphong_report::Format::Json);
    }
    Ok(Json(view).into_response())
}

#[derive(serde::Deserialize, Default)]
struct SubmitBody {
    revision: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let quarter = params::briefing_quarter(lang, &q)?;
    let unit = briefing_unit(&state, &caller.principal, lang, &unit).await?;
    let body: SubmitBody = if body.iter().all(u8::is_ascii_whitespace) {
        SubmitBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?
    };
    let expected = match body.revision {
        None => None,
        Some(r) => Some(
            r.parse::<RevisionId>()
                .map_err(|_| ApiError::bad_request(lang, "revision", r.clone()))?,
        ),
    };
    let rev = submit_briefing(&state, &caller.principal, lang, &unit, quarter, expected).await?;
    Ok(Json(serde_json::json!({
        "record_id": rev.record_id.to_string(),
        "revision": rev.id.to_string(),
    }))
    .into_response())
}
