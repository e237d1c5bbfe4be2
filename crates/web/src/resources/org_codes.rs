//! Official administrative codes and agency identifiers of units
//! (docs/codes.md): a page that uploads a codes file (checked first, what
//! would change shown, then applied) and the same through the API.

use crate::AppState;
use crate::error::{ApiError, Error, FieldError};
use crate::extract::{ApiAdmin, PageAdmin, SignedIn, back_of, require_admin};
use crate::params;
use crate::view::{Frame, frame, render, render_with};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bienphong_domain::codes::CodeRow;
use bienphong_domain::{ValidationError, format};
use bienphong_i18n::Lang;
use bienphong_service::codes::CodesImport;
use bienphong_service::{Actor, now_ms};
use serde_json::json;

/// One unit whose codes change, as the page shows it.
pub struct CodeLine {
    pub code: String,
    pub name: String,
    pub admin_codes: String,
    pub agency_id: String,
}

/// What an upload found, for the page.
pub struct Checked {
    pub lines: Vec<CodeLine>,
    pub skipped: Vec<String>,
    pub problems: Vec<String>,
    pub written: bool,
    /// The rows as read, to apply without uploading the file again.
    pub rows_json: String,
}

#[derive(Template)]
#[template(path = "org_codes.html")]
struct CodesPage {
    f: Frame,
    checked: Option<Checked>,
}

/// The upload form (administrators) and how a codes file is laid out.
pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let org = state.service.org_shared().await?;
    Ok(render(CodesPage {
        f: frame(&auth, &org, &back_of(&uri)),
        checked: None,
    }))
}

/// A codes file uploaded (`file`) or its rows sent back from its check
/// (`rows`): "check" shows what it would change, "apply" writes it.
pub async fn upload(
    State(state): State<AppState>,
    PageAdmin(auth): PageAdmin,
    uri: axum::http::Uri,
    multipart: axum::extract::Multipart,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let (posted, file) = crate::extract::read_upload(multipart).await;
    let file = file.map(|(_, bytes)| bytes);
    auth.check_csrf(&posted)?;
    let first = |name: &str| posted.get(name).and_then(|v| v.first()).cloned();
    let rows: Vec<CodeRow> = match (file.filter(|b| !b.is_empty()), first("rows")) {
        (Some(b), _) => bienphong_sheets::codes::read_code_rows(&b)?,
        (None, Some(s)) if !s.trim().is_empty() => serde_json::from_str(&s)
            .map_err(|e| ApiError::bad_request(lang, "rows", e.to_string()))?,
        _ => {
            return Err(
                ApiError::bad_request(lang, "file", lang.text("field-missing", &[])).into(),
            );
        }
    };
    let dry_run = first("action").is_none_or(|a| a != "apply");
    let actor = Actor {
        name: auth.principal.name.clone(),
        now_ms: now_ms(),
    };
    let outcome = state
        .service
        .import_unit_codes(&actor, &rows, dry_run)
        .await?;
    let org = state.service.org_shared().await?;
    let checked = Checked {
        lines: outcome
            .changed
            .iter()
            .map(|u| CodeLine {
                code: u.code.to_string(),
                name: u.name.to_string(),
                admin_codes: u.admin_codes_text(),
                agency_id: u.agency_id.clone().unwrap_or_default(),
            })
            .collect(),
        skipped: outcome.skipped.clone(),
        problems: outcome.problems.iter().map(|p| lang.problem(p)).collect(),
        written: outcome.written,
        rows_json: serde_json::to_string(&rows).unwrap_or_default(),
    };
    let status = if checked.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        CodesPage {
            f: frame(&auth, &org, &back_of(&uri)),
            checked: Some(checked),
        },
    ))
}

fn refused(lang: Lang, problems: &[ValidationError]) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        lang.text(
            "codes-nothing-written",
            &[("count", format::integer(problems.len() as i64))],
        ),
    );
    e.fields = problems
        .iter()
        .map(|p| FieldError {
            field: p.field.clone(),
            message: lang.problem_only(p),
        })
        .collect();
    e
}

fn result_json(dry_run: bool, outcome: &CodesImport) -> serde_json::Value {
    json!({
        "dry_run": dry_run,
        "written": outcome.written,
        "changed": outcome.changed.iter().map(|u| json!({
            "code": u.code,
            "name": u.name.as_str(),
            "admin_codes": u.admin_codes,
            "agency_id": u.agency_id,
        })).collect::<Vec<_>>(),
        "skipped": outcome.skipped,
    })
}

/// `POST /api/v1/org/codes[?dry_run=true]`: a codes file (CSV or XLSX) as
/// the body, checked whole and, unless a dry run, written in one
/// transaction as new revisions of the units.
pub async fn api_import(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Query(q): Query<params::Query>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    require_admin(&caller.principal, lang)?;
    let dry_run = params::flag(lang, &q, "dry_run")?;
    let rows = bienphong_sheets::codes::read_code_rows(&body)?;
    let actor = Actor {
        name: caller.principal.name.clone(),
        now_ms: now_ms(),
    };
    let outcome = state
        .service
        .import_unit_codes(&actor, &rows, dry_run)
        .await?;
    if !outcome.problems.is_empty() {
        return Err(refused(lang, &outcome.problems).into());
    }
    Ok(Json(result_json(dry_run, &outcome)).into_response())
}
