//! Writes through the API (create, replace, delete) and the record page's
//! delete button.

use super::etag::{self, etag_header};
use super::{content_of, parse_record_id, parse_revision, record_json, revision_json};
use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, CsrfForm, json_body};
use crate::routes::collection;
use crate::{AppState, now_ms};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::{RecordType, RevisionId};
use serde::Deserialize;
use serde_json::Value;

/// `?confirm=true`: the writer confirms the values possible but unlikely
/// that a write without it was answered 422 `needs_confirmation` for.
#[derive(Deserialize)]
pub struct ConfirmQuery {
    confirm: Option<String>,
}

impl ConfirmQuery {
    fn confirmed(&self, lang: bienphong_i18n::Lang) -> Result<bool, ApiError> {
        match self.confirm.as_deref() {
            None | Some("" | "false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::bad_request(lang, "confirm", "true or false")),
        }
    }
}

pub async fn create(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<ConfirmQuery>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let confirmed = q.confirmed(lang)?;
    let value = json_body(lang, &body)?;
    let content = content_of(lang, t, &value)?;
    let service = &state.service;
    let rev = service
        .add_as(&caller.principal, now_ms(), content, confirmed)
        .await?;
    let record = service.get(rev.record_id).await?;
    let location = format!("/api/v1/{}/{}", collection(t), rev.record_id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        etag_header(record.revision_id),
        Json(record_json(&record)),
    )
        .into_response())
}

/// Replaces a record's content. The revision it changes comes in
/// `If-Match` (the ETag of the GET), in the body's `revision`, or in both
/// when they agree.
pub async fn update(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ConfirmQuery>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let confirmed = q.confirmed(lang)?;
    let id = parse_record_id(lang, &id)?;
    let value = json_body(lang, &body)?;
    let edited = || ApiError::bad_request(lang, "revision", "send the revision you edited");
    let named = match value.get("revision") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(parse_revision(lang, "revision", s)?),
        Some(_) => return Err(edited().into()),
    };
    // A body that is no record is refused as such before any
    // precondition is weighed: what it would change does not exist.
    let Some(content_value) = value.get("content") else {
        return Err(ApiError::bad_request(lang, "content", "missing").into());
    };
    // Whether the caller may see and change it is for `edit_as` to decide
    // (and to audit); a record of another collection is refused there as
    // being of another type (404).
    let content = content_of(lang, t, content_value)?;
    let base = etag::base(&state, lang, &headers, id, named, edited).await?;
    let service = &state.service;
    // Content equal to the record's is no change to the service, which
    // then answers the current revision whatever the base: the head seen
    // before tells that case from a write.
    let head_before = if base.from_if_match {
        service.get(id).await.ok().map(|r| r.revision_id)
    } else {
        None
    };
    let rev = service
        .edit_as(
            &caller.principal,
            now_ms(),
            id,
            Some(base.revision),
            content,
            confirmed,
        )
        .await
        .map_err(|e| etag::refused(lang, base, e))?;
    // Nothing was written and If-Match named another revision than the
    // head: its condition is false.
    if head_before.is_some_and(|h| h == rev.id && h != base.revision) {
        return Err(etag::precondition_failed(lang, id, rev.id).into());
    }
    let record = service.get(id).await?;
    Ok((etag_header(record.revision_id), Json(record_json(&record))).into_response())
}

#[derive(Deserialize)]
pub struct DeleteQuery {
    revision: Option<String>,
}

/// Deletes a record: the revision it deletes comes in `If-Match`, in the
/// query's `revision`, or in both when they agree. The answer is the
/// tombstone, its id the record's new ETag.
pub async fn delete(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<DeleteQuery>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let named = q
        .revision
        .as_deref()
        .map(|r| parse_revision(lang, "revision", r))
        .transpose()?;
    let base = etag::base(&state, lang, &headers, id, named, || {
        ApiError::bad_request(lang, "revision", "send the revision you are deleting")
    })
    .await?;
    let rev = state
        .service
        .delete_as(&caller.principal, now_ms(), t, id, Some(base.revision))
        .await
        .map_err(|e| etag::refused(lang, base, e))?;
    Ok((etag_header(rev.id), Json(revision_json(&rev))).into_response())
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
