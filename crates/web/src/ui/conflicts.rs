//! Records changed in two places before a sync: the list, and a record's
//! versions side by side, where a person keeps one or merges them field by
//! field.

use super::{
    Frame, Gate, Tr, csrf_ok, csrf_refused, describe, field_label, frame, gate, here, page_error,
    parse_form, render, when, write_error_line,
};
use crate::AppState;
use crate::api::{collection, resolution_from};
use crate::error::ApiError;
use crate::forms;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::org::Org;
use bienphong_domain::{RecordId, Revision};
use bienphong_i18n::Lang;
use bienphong_service::{ConflictView, Principal, ServiceError};
use serde_json::Value;
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

pub(super) async fn list_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let loaded = async {
        let org = state.service.org_shared().await?;
        let views = state.service.conflicts_as(&auth.principal).await?;
        Ok::<_, bienphong_service::ServiceError>((org, views))
    }
    .await;
    let (org, views) = match loaded {
        Ok(v) => v,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
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
    render(ListPage {
        f: frame(&auth, &org, &back),
        lines,
    })
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
/// fields (nested rows flattened, labelled).
fn field_value(lang: Lang, r: &Revision, field: &str) -> String {
    let value: Value = serde_json::from_str(&r.content).unwrap_or(Value::Null);
    let posted = forms::from_json(r.record_type, &value);
    let mut parts: Vec<(&String, &Vec<String>)> = posted
        .iter()
        .filter(|(k, _)| k.split(['[', '.']).next() == Some(field))
        .collect();
    parts.sort();
    let text: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| {
            if k == field {
                v.join(", ")
            } else {
                format!("{}: {}", field_label(lang, k), v.join(", "))
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
                            (!r.deleted).then(|| field_value(lang, r, name)),
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

pub(super) async fn conflict_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Ok(record) = id.parse::<RecordId>() else {
        return page_error(lang, ApiError::not_found(lang));
    };
    match load(&state, &auth.principal, record).await {
        Ok((org, view)) => {
            let f = frame(&auth, &org, &back);
            render(page(&org, lang, f, &view, None, None))
        }
        Err(e) => page_error(lang, ApiError::from_service(lang, e)),
    }
}

pub(super) async fn resolve(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let posted = parse_form(&body);
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let Ok(record) = id.parse::<RecordId>() else {
        return page_error(lang, ApiError::not_found(lang));
    };
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
    let resolution = match resolution_from(lang, first("take"), fields) {
        Ok(r) => r,
        Err(e) => return page_error(lang, e),
    };
    let written = state
        .service
        .resolve_as(&auth.principal, crate::now_ms(), record, &resolution)
        .await;
    match written {
        Ok(rev) if rev.deleted => Redirect::to("/conflicts?resolved=1").into_response(),
        Ok(rev) => Redirect::to(&format!(
            "/records/{}/{}?saved=1",
            collection(rev.record_type),
            rev.record_id
        ))
        .into_response(),
        Err(e) => {
            let (status, message) = write_error_line(lang, e);
            match load(&state, &auth.principal, record).await {
                Ok((org, view)) => {
                    let f = frame(&auth, &org, &back);
                    let mut r = render(page(&org, lang, f, &view, Some(&posted), Some(message)));
                    *r.status_mut() = status;
                    r
                }
                // Resolved meanwhile, or no longer visible.
                Err(e) => page_error(lang, ApiError::from_service(lang, e)),
            }
        }
    }
}
