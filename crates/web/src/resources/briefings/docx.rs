//! A unit's briefing report as a file: Markdown, or an official document
//! (DOCX) in the unit's letterhead with the settings of the query or the
//! posted form — the page's download (GET), the settings form (POST, which
//! may take the number from the issuer's register) and
//! `GET /api/v1/briefings/{unit}/docx`.

use super::pages::target;
use crate::AppState;
use crate::error::Error;
use crate::extract::{ApiCaller, CsrfForm, SignedIn};
use crate::params;
use crate::view::attachment;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use bienphong_i18n::Lang;
use bienphong_report::{Format, LetterheadSettings};
use bienphong_service::{Principal, today};

/// `unit`'s report of the query's quarter in `format`: its bytes and its
/// file name; `numbering`, a POST's caller, numbers it from the register.
async fn briefing_file(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &str,
    q: &params::Query,
    format: Format,
    numbering: bool,
) -> Result<(Vec<u8>, String), Error> {
    let (unit, quarter) = target(state, who, lang, unit, q).await?;
    let view = bienphong_report::briefing_view(&state.service, &unit, quarter, today()).await?;
    let name = format!(
        "bao-cao-giao-ban-{}-q{}-{}",
        unit.as_str().to_lowercase(),
        view.quarter.quarter,
        view.quarter.year
    );
    if format != Format::Docx {
        let md = bienphong_report::briefing_to_markdown(&view)?;
        return Ok((md.into_bytes(), format!("{name}.md")));
    }
    let org = state.service.org_shared().await?;
    let day = view
        .report
        .as_ref()
        .and_then(|r| r.submitted_on)
        .unwrap_or_else(today);
    let mut head = LetterheadSettings::read(|k| q.get(k).map(String::as_str))?.letterhead(
        &org,
        Some(&unit),
        view.period.to,
        day,
    );
    if numbering {
        crate::resources::registers::take_number(state, who, &mut head).await?;
    }
    // A report that needs the sign-off of several positions closes with
    // each signer's block, in the state the sign-off stands.
    if let Some(id) = view.record_id
        && view.report.as_ref().is_some_and(|r| !r.signers.is_empty())
    {
        let signoff = state.service.signoff_as(who, crate::now_ms(), id).await?;
        head.joint_signers = bienphong_report::joint_signers(
            &org,
            &signoff.signers,
            view.period.to,
            head.lang == Lang::En,
        );
    }
    let md = bienphong_report::briefing_to_markdown_in(&view, head.lang)?;
    let bytes = state
        .heavy
        .run(move || bienphong_report::markdown_to_docx(&md, &head))
        .await?;
    Ok((bytes, format!("{name}.docx")))
}

fn file(bytes: Vec<u8>, name: &str) -> Response {
    let format = if name.ends_with(".docx") {
        Format::Docx
    } else {
        Format::Markdown
    };
    attachment(bytes, format.content_type(), name)
}

fn format_of(q: &params::Query) -> Format {
    if q.get("format").map(String::as_str) == Some("docx") {
        Format::Docx
    } else {
        Format::Markdown
    }
}

/// The report as Markdown or DOCX (Decree 30 letterhead of the unit).
pub async fn download(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    if params::flag(auth.lang, &q, "aggregate_only")? {
        return super::aggregate_download(&state, &auth.principal, auth.lang, &unit, &q).await;
    }
    let (bytes, name) = briefing_file(
        &state,
        &auth.principal,
        auth.lang,
        &unit,
        &q,
        format_of(&q),
        false,
    )
    .await?;
    Ok(file(bytes, &name))
}

/// The DOCX settings form, posted: with "take the next number in the
/// register" checked, numbered from the issuer's register.
pub async fn download_post(
    State(state): State<AppState>,
    Path(unit): Path<String>,
    CsrfForm { auth, form }: CsrfForm,
) -> Result<Response, Error> {
    let q = params::from_form(&form);
    let numbering = params::flag(auth.lang, &q, "register")?;
    let (bytes, name) = briefing_file(
        &state,
        &auth.principal,
        auth.lang,
        &unit,
        &q,
        Format::Docx,
        numbering,
    )
    .await?;
    Ok(file(bytes, &name))
}

/// `GET /api/v1/briefings/{unit}/docx`: the report as an official
/// document, with the annual review's DOCX settings.
pub async fn api_docx(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let (bytes, name) = briefing_file(
        &state,
        &caller.principal,
        caller.lang,
        &unit,
        &q,
        Format::Docx,
        false,
    )
    .await?;
    Ok(file(bytes, &name))
}
