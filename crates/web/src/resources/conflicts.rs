//! Records changed in two places before a sync: the list, and a record's
//! versions side by side, where a person keeps one or merges them field by
//! field; the same through `/api/v1/conflicts`.

use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, CsrfForm, SignedIn, back_of};
use crate::forms;
use crate::routes::collection;
use crate::view::{
    Frame, Tr, describe, field_label, frame, render, render_with, shown_values, when,
    write_error_line,
};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::org::Org;
use bienphong_domain::{RecordId, Revision, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::{ConflictView, Principal, ServiceError};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

pub struct ConflictLine {
    pub href: String,
    pub record: String,
    pub versions: usize,
    pub fields: String,
}

#[derive(Template)]
#[template(path = "conflicts.html")]
struct ListPage {
    f: Frame,
    lines: Vec<ConflictLine>,
}

fn title_of(org: &Org, lang: Lang, view: &ConflictView) -> String {
    let t = view.record_type;
    let what = view
        .content
        .as_ref()
        .map(|c| describe(org, lang, c))
        .unwrap_or_default();
    format!("{} · {what}", Tr(lang).get(&format!("type-{t}")))
}

pub async fn list_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let org = state.service.org_shared().await?;
    let views = state.service.conflicts_as(&auth.principal).await?;
    let lines = views
        .iter()
        .map(|v| ConflictLine {
            href: format!("/conflicts/{}", v.record_id),
            record: title_of(&org, lang, v),
            versions: v.versions.len(),
            fields: v
                .differing
                .iter()
                .map(|f| field_label(lang, f))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Ok(render(ListPage {
        f: frame(&auth, &org, &back),
        lines,
    }))
}

pub struct VersionColumn {
    pub revision: String,
    pub author: String,
    pub when: String,
    pub deleted: bool,
    pub shown: bool,
}

pub struct FieldRow {
    pub name: String,
    pub label: String,
    /// Per version: its value, or `None` for a deletion.
    pub values: Vec<(String, Option<String>)>,
    pub chosen: String,
}

#[derive(Template)]
#[template(path = "conflict.html")]
struct ConflictPage {
    f: Frame,
    title: String,
    id: String,
    versions: Vec<VersionColumn>,
    rows: Vec<FieldRow>,
    take: String,
    error: Option<String>,
}

/// A version's value of one top-level field, as the record page shows
/// fields ([`shown_values`]: labels, not codes; nested rows flattened,
/// labelled).
fn field_value(org: &Org, lang: Lang, r: &Revision, field: &str) -> String {
    let value: Value = serde_json::from_str(&r.content).unwrap_or(Value::Null);
    let shown = shown_values(org, lang, r.record_type, &value);
    let mut parts: Vec<(&String, &String)> = shown
        .iter()
        .filter(|(k, _)| k.split(['[', '.']).next() == Some(field))
        .collect();
    parts.sort();
    let text: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| {
            if k == field {
                v.clone()
            } else {
                format!("{}: {v}", field_label(lang, k))
            }
        })
        .collect();
    if text.is_empty() {
        "—".into()
    } else {
        text.join("; ")
    }
}

fn page(
    org: &Org,
    lang: Lang,
    f: Frame,
    view: &ConflictView,
    posted: Option<&forms::Posted>,
    error: Option<String>,
) -> ConflictPage {
    let shown = view.versions.iter().map(|r| r.id).max();
    let pick = |name: &str| {
        posted
            .and_then(|p| p.get(name))
            .and_then(|v| v.first())
            .cloned()
    };
    let take = pick("take").unwrap_or_else(|| shown.map(|s| s.to_string()).unwrap_or_default());
    ConflictPage {
        f,
        title: title_of(org, lang, view),
        id: view.record_id.to_string(),
        versions: view
            .versions
            .iter()
            .map(|r| VersionColumn {
                revision: r.id.to_string(),
                author: r.author.clone(),
                when: when(r.created_ms),
                deleted: r.deleted,
                shown: Some(r.id) == shown,
            })
            .collect(),
        rows: view
            .differing
            .iter()
            .map(|name| FieldRow {
                name: name.clone(),
                label: field_label(lang, name),
                values: view
                    .versions
                    .iter()
                    .map(|r| {
                        (
                            r.id.to_string(),
                            (!r.deleted).then(|| field_value(org, lang, r, name)),
                        )
                    })
                    .collect(),
                chosen: pick(&format!("field:{name}")).unwrap_or_default(),
            })
            .collect(),
        take,
        error,
    }
}

/// The organisation and a record's versions, if `who` may read them all.
async fn load(
    state: &AppState,
    who: &Principal,
    record: RecordId,
) -> Result<(Arc<Org>, ConflictView), ServiceError> {
    let org = state.service.org_shared().await?;
    let view = state.service.conflict_view_as(who, record).await?;
    Ok((org, view))
}

pub async fn conflict_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let record = id
        .parse::<RecordId>()
        .map_err(|_| ApiError::not_found(lang))?;
    let (org, view) = load(&state, &auth.principal, record).await?;
    let f = frame(&auth, &org, &back);
    Ok(render(page(&org, lang, f, &view, None, None)))
}

pub async fn resolve(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    CsrfForm { auth, form: posted }: CsrfForm,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let record = id
        .parse::<RecordId>()
        .map_err(|_| ApiError::not_found(lang))?;
    let first = |name: &str| {
        posted
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    };
    let fields = posted
        .keys()
        .filter_map(|k| k.strip_prefix("field:"))
        .map(|name| (name, first(&format!("field:{name}"))));
    let resolution = resolution_from(lang, first("take"), fields)?;
    let written = state
        .service
        .resolve_as(&auth.principal, now_ms(), record, &resolution)
        .await;
    match written {
        Ok(rev) if rev.deleted => Ok(Redirect::to("/conflicts?resolved=1").into_response()),
        Ok(rev) => Ok(Redirect::to(&format!(
            "/records/{}/{}?saved=1",
            collection(rev.record_type),
            rev.record_id
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = write_error_line(lang, e);
            // Resolved meanwhile, or no longer visible: that error instead.
            let (org, view) = load(&state, &auth.principal, record).await?;
            let f = frame(&auth, &org, &back);
            Ok(render_with(
                status,
                page(&org, lang, f, &view, Some(&posted), Some(message)),
            ))
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, Error> {
    let views = state.service.conflicts_as(&caller.principal).await?;
    Ok(Json(views.iter().map(|v| v.to_json()).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize)]
struct ResolutionBody {
    take: String,
    #[serde(default)]
    fields: HashMap<String, String>,
}

/// A revision id given in a request, or a 400 naming the field.
fn revision_in(lang: Lang, field: &str, value: &str) -> Result<RevisionId, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request(lang, field, value.to_string()))
}

/// A resolution from the revision to keep and, per field, the revision to
/// take it from (empty: from the one kept).
fn resolution_from<'a>(
    lang: Lang,
    take: &str,
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<bienphong_service::Resolution, ApiError> {
    let mut picked = Vec::new();
    for (name, rev) in fields {
        if !rev.trim().is_empty() {
            picked.push((name.to_string(), revision_in(lang, name, rev)?));
        }
    }
    picked.sort();
    Ok(bienphong_service::Resolution {
        take: revision_in(lang, "take", take)?,
        fields: picked,
    })
}

pub async fn resolve_api(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let record: RecordId = id.parse().map_err(|_| ApiError::not_found(lang))?;
    let body: ResolutionBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    let resolution = resolution_from(
        lang,
        &body.take,
        body.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    let rev = state
        .service
        .resolve_as(&caller.principal, now_ms(), record, &resolution)
        .await?;
    Ok(Json(json!({
        "record_id": rev.record_id.to_string(),
        "revision": rev.id.to_string(),
        "parents": rev.parents.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "deleted": rev.deleted,
    }))
    .into_response())
}
