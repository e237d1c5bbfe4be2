//! Writes through the API (create, replace, delete) and the record page's
//! delete button.

use super::{content_of, parse_record_id, parse_revision, record_json, revision_json};
use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, CsrfForm, json_body};
use crate::routes::collection;
use crate::{AppState, now_ms};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::{RecordType, RevisionId};
use serde::Deserialize;
use serde_json::Value;

pub async fn create(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let value = json_body(lang, &body)?;
    let content = content_of(lang, t, &value)?;
    let service = &state.service;
    let rev = service.add_as(&caller.principal, now_ms(), content).await?;
    let record = service.get(rev.record_id).await?;
    let location = format!("/api/v1/{}/{}", collection(t), rev.record_id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(record_json(&record)),
    )
        .into_response())
}

pub async fn update(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Error> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let value = json_body(lang, &body)?;
    let revision = match value.get("revision") {
        Some(Value::String(s)) => parse_revision(lang, "revision", s)?,
        _ => {
            return Err(
                ApiError::bad_request(lang, "revision", "send the revision you edited").into(),
            );
        }
    };
    let Some(content_value) = value.get("content") else {
        return Err(ApiError::bad_request(lang, "content", "missing").into());
    };
    let service = &state.service;
    // Whether the caller may see and change it is for `edit_as` to decide
    // (and to audit); a record of another collection is refused there as
    // being of another type (404).
    let content = content_of(lang, t, content_value)?;
    service
        .edit_as(&caller.principal, now_ms(), id, Some(revision), content)
        .await?;
    let record = service.get(id).await?;
    Ok(Json(record_json(&record)))
}

#[derive(Deserialize)]
pub struct DeleteQuery {
    revision: Option<String>,
}

pub async fn delete(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> Result<Json<Value>, Error> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let Some(revision) = q.revision.as_deref() else {
        return Err(
            ApiError::bad_request(lang, "revision", "send the revision you are deleting").into(),
        );
    };
    let revision = parse_revision(lang, "revision", revision)?;
    let rev = state
        .service
        .delete_as(&caller.principal, now_ms(), t, id, Some(revision))
        .await?;
    Ok(Json(revision_json(&rev)))
}

/// The record page's delete button.
pub async fn delete_page(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    CsrfForm { auth, form: posted }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let (t, record_id) = super::record_path(&kind, &id).ok_or_else(|| ApiError::not_found(lang))?;
    let revision = posted
        .get("revision")
        .and_then(|v| v.first())
        .and_then(|r| r.parse::<RevisionId>().ok());
    if revision.is_none() {
        return Err(
            ApiError::bad_request(lang, "revision", lang.text("form-no-revision", &[])).into(),
        );
    }
    state
        .service
        .delete_as(&auth.principal, now_ms(), t, record_id, revision)
        .await?;
    Ok(Redirect::to(&format!("/records/{kind}")).into_response())
}
