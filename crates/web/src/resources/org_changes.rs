//! Reorganisations as change sets (docs/org-changes.md): the history of
//! those applied, a page that uploads one (checked first, the plan shown,
//! then applied), and the same through the API.

use crate::AppState;
use crate::error::{ApiError, Error, FieldError};
use crate::extract::{ApiAdmin, ApiCaller, PageAdmin, SignedIn, back_of, require_admin};
use crate::params;
use crate::view::{Frame, frame, render, render_with};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bienphong_domain::reorg::ChangeSet;
use bienphong_domain::{Date, ValidationError, format};
use bienphong_i18n::Lang;
use bienphong_service::reorg::ChangeSetOutcome;
use bienphong_service::{Actor, now_ms};
use bienphong_store::OrgChange;
use serde_json::json;

/// One applied reorganisation, as the page lists it.
pub struct ChangeLine {
    pub effective: String,
    pub title: String,
    pub author: String,
    pub revisions: usize,
}

/// What an upload found, for the page.
pub struct Checked {
    pub title: String,
    pub effective: String,
    pub lines: Vec<String>,
    pub problems: Vec<String>,
    pub written: bool,
    /// The set as read, to apply without uploading it again.
    pub set_json: String,
}

#[derive(Template)]
#[template(path = "org_changes.html")]
struct ChangesPage {
    f: Frame,
    changes: Vec<ChangeLine>,
    checked: Option<Checked>,
}

fn effective_text(c: &OrgChange) -> String {
    c.effective
        .parse::<Date>()
        .map(format::date)
        .unwrap_or_else(|_| c.effective.clone())
}

async fn lines(state: &AppState) -> Result<Vec<ChangeLine>, Error> {
    Ok(state
        .service
        .org_changes()
        .await?
        .iter()
        .rev()
        .map(|c| ChangeLine {
            effective: effective_text(c),
            title: c.title.clone(),
            author: c.author.clone(),
            revisions: c.revisions.len(),
        })
        .collect())
}

/// The organisation's history of reorganisations, newest first, with the
/// upload form for administrators.
pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let org = state.service.org_shared().await?;
    Ok(render(ChangesPage {
        f: frame(&auth, &org, &back_of(&uri)),
        changes: lines(&state).await?,
        checked: None,
    }))
}

/// A change set uploaded (`file`) or sent back from its check (`set`):
/// "check" shows what it would write, "apply" writes it.
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
    let bytes = match (file.filter(|b| !b.is_empty()), first("set")) {
        (Some(b), _) => b.to_vec(),
        (None, Some(s)) if !s.trim().is_empty() => s.into_bytes(),
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
    let (set, outcome) = check(&state, &actor, &bytes, dry_run).await?;
    let checked = Checked {
        title: set
            .as_ref()
            .map(|s| s.title.to_string())
            .unwrap_or_default(),
        effective: set
            .as_ref()
            .map(|s| format::date(s.effective))
            .unwrap_or_default(),
        lines: lang.org_plan(&outcome.plan),
        problems: outcome.problems.iter().map(|p| lang.problem(p)).collect(),
        written: outcome.written.is_some(),
        set_json: set
            .as_ref()
            .and_then(|s| serde_json::to_string(s).ok())
            .unwrap_or_default(),
    };
    let status = if checked.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let org = state.service.org_shared().await?;
    Ok(render_with(
        status,
        ChangesPage {
            f: frame(&auth, &org, &back_of(&uri)),
            changes: lines(&state).await?,
            checked: Some(checked),
        },
    ))
}

/// Reads `bytes` (JSON, CSV or XLSX) and checks or applies the set.
async fn check(
    state: &AppState,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
) -> Result<(Option<ChangeSet>, ChangeSetOutcome), Error> {
    match bienphong_sheets::reorg::read_change_set(bytes)? {
        Err(problems) => Ok((
            None,
            ChangeSetOutcome {
                problems,
                ..ChangeSetOutcome::default()
            },
        )),
        Ok(set) => {
            let outcome = state.service.apply_change_set(actor, &set, dry_run).await?;
            Ok((Some(set), outcome))
        }
    }
}

fn refused(lang: Lang, problems: &[ValidationError]) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        lang.text(
            "org-nothing-written",
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

fn change_json(c: &OrgChange) -> serde_json::Value {
    json!({
        "id": c.id,
        "effective": c.effective,
        "title": c.title,
        "author": c.author,
        "created_ms": c.created_ms,
        "revisions": c.revisions.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/org/changes`: the reorganisations applied, oldest first.
pub async fn api_list(
    State(state): State<AppState>,
    ApiCaller(_caller): ApiCaller,
) -> Result<Response, Error> {
    let items: Vec<_> = state
        .service
        .org_changes()
        .await?
        .iter()
        .map(change_json)
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /api/v1/org/changes[?dry_run=true]`: a change set (JSON, or CSV)
/// checked whole and, unless a dry run, applied in one transaction.
pub async fn api_apply(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Query(q): Query<params::Query>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    require_admin(&caller.principal, lang)?;
    let dry_run = params::flag(lang, &q, "dry_run")?;
    let actor = Actor {
        name: caller.principal.name.clone(),
        now_ms: now_ms(),
    };
    let (set, outcome) = check(&state, &actor, &body, dry_run).await?;
    let Some(set) = set.filter(|_| outcome.problems.is_empty()) else {
        return Err(refused(lang, &outcome.problems).into());
    };
    Ok(Json(json!({
        "dry_run": dry_run,
        "effective": set.effective.to_string(),
        "title": set.title.to_string(),
        "writes": outcome.plan.writes(),
        "plan": lang.org_plan(&outcome.plan),
        "change": outcome.written.as_ref().map(change_json),
    }))
    .into_response())
}
