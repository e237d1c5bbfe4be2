//! Files attached to a record, where the record is: listed on its page and
//! at `GET /api/v1/<collection>/{id}/attachments`, uploaded (multipart,
//! field `file`), downloaded under their original name, and removed. Who
//! may read or change the record may read or change its files; the
//! service decides (`bienphong_service::attachments`).

use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, CsrfForm, SignedIn};
use crate::routes::{collection, record_type_of};
use crate::{AppState, now_ms};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::attachment::{Attachment, size_text};
use bienphong_domain::{RecordId, RecordType};
use bienphong_i18n::Lang;
use bienphong_service::{AttachmentView, ServiceError};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Room for a multipart body's boundaries and small fields beside the
/// file: the body limit is the file's limit plus this.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// A record of collection `t`, or not found (a record of another type, a
/// file's own link, an id that is none).
async fn record_in(
    state: &AppState,
    lang: Lang,
    t: RecordType,
    id: &str,
) -> Result<RecordId, ApiError> {
    let id = id
        .parse::<RecordId>()
        .map_err(|_| ApiError::not_found(lang))?;
    match state.service.get(id).await {
        Ok(r) if r.record_type == t && t != RecordType::Attachment => Ok(id),
        Ok(_) => Err(ApiError::not_found(lang)),
        Err(e) => Err(ApiError::from_service(lang, e)),
    }
}

/// One file as the API lists it.
pub fn item_json(t: RecordType, record: RecordId, v: &AttachmentView) -> Value {
    let a = &v.attachment;
    json!({
        "hash": a.hash,
        "name": a.name.as_str(),
        "content_type": a.content_type,
        "size": a.size,
        "size_text": size_text(a.size),
        "by": v.author,
        "created_ms": v.created_ms,
        "present": v.present,
        "link": v.link_id.to_string(),
        "href": format!("/api/v1/{}/{record}/attachments/{}", collection(t), a.hash),
    })
}

/// What a multipart upload carried: the file (its name and bytes) and
/// the other fields. The file is read a chunk at a time and refused as
/// soon as it passes `max` bytes, never held whole beyond the limit.
pub(crate) struct Upload {
    pub file: Option<(String, Vec<u8>)>,
    pub fields: HashMap<String, Vec<String>>,
}

fn too_large(lang: Lang, max: u64) -> ApiError {
    let mut e = ApiError::from_service(lang, bienphong_service::too_large(max));
    e.status = StatusCode::PAYLOAD_TOO_LARGE;
    e.code = "too_large";
    e
}

pub(crate) async fn read_upload(
    lang: Lang,
    mut multipart: Multipart,
    max: u64,
) -> Result<Upload, ApiError> {
    let mut upload = Upload {
        file: None,
        fields: HashMap::new(),
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(lang, max)
        } else {
            ApiError::bad_request(lang, "file", e.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                if (bytes.len() + chunk.len()) as u64 > max {
                    return Err(too_large(lang, max));
                }
                bytes.extend_from_slice(&chunk);
            }
            upload.file = Some((file_name, bytes));
        } else {
            let text = field.text().await.map_err(unreadable)?;
            upload.fields.entry(name).or_default().push(text);
        }
    }
    Ok(upload)
}

pub(crate) fn missing_file(lang: Lang) -> ApiError {
    ApiError::bad_request(
        lang,
        "file",
        lang.text("field-missing", &[("field", "file".to_string())]),
    )
}

/// A file's bytes as a download: its type as read when it was attached,
/// its original name, and never sniffed or run by the browser.
fn download_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    let name = a.name.as_str();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    (
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The bytes of a file this store holds, or why not.
fn bytes_of(fetched: bienphong_service::Fetched) -> Result<(Attachment, Vec<u8>), Error> {
    match fetched.bytes {
        Some(b) => Ok((fetched.attachment, b)),
        None => Err(ServiceError::NotFetched(fetched.attachment.hash).into()),
    }
}

/// Attaches a file; a GPX on a patrol is its track, checked and measured
/// (`means` and `confirm` from the form's other fields).
async fn attach_any(
    state: &AppState,
    who: &bienphong_service::Principal,
    t: RecordType,
    record: RecordId,
    fields: &HashMap<String, Vec<String>>,
    name: String,
    bytes: Vec<u8>,
) -> Result<(Attachment, Option<bienphong_domain::Revision>), Error> {
    let max = state.config.max_attachment_bytes;
    if t == RecordType::Patrol
        && bienphong_domain::attachment::detect(&bytes) == bienphong_domain::attachment::GPX
    {
        let field = |k: &str| {
            fields
                .get(k)
                .and_then(|v| v.last())
                .map(|s| s.trim().to_string())
        };
        let means = bienphong_domain::geo::track::Means::parse(
            &field("means")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "foot".into()),
        )
        .map_err(|p| ServiceError::Invalid(bienphong_domain::ValidationError::new("means", p)))?;
        let confirmed = field("confirm").is_some_and(|c| c == "1" || c == "on" || c == "true");
        let up = bienphong_service::geo::TrackUpload {
            name,
            bytes,
            means,
            confirmed,
            max_bytes: max,
            ids: None,
        };
        let (view, rev) = state
            .service
            .attach_track_as(who, now_ms(), record, up)
            .await?;
        return Ok((view.attachment, rev));
    }
    Ok(state
        .service
        .attach_as(who, now_ms(), record, &name, bytes, max)
        .await?)
}

pub async fn list(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    let lang = caller.lang;
    let record = record_in(&state, lang, t, &id).await?;
    let files = state
        .service
        .attachments_as(&caller.principal, now_ms(), record)
        .await?;
    Ok(Json(json!({
        "items": files.iter().map(|v| item_json(t, record, v)).collect::<Vec<_>>(),
        "max_bytes": state.config.max_attachment_bytes,
    })))
}

pub async fn upload(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let record = record_in(&state, lang, t, &id).await?;
    let max = state.config.max_attachment_bytes;
    let upload = read_upload(lang, multipart, max).await?;
    let Some((name, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
        return Err(missing_file(lang).into());
    };
    let (a, rev) = attach_any(
        &state,
        &caller.principal,
        t,
        record,
        &upload.fields,
        name,
        bytes,
    )
    .await?;
    let status = if rev.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let view = state
        .service
        .attachments_of(record)
        .await?
        .into_iter()
        .find(|v| v.attachment.hash == a.hash);
    let body = match view {
        Some(v) => item_json(t, record, &v),
        None => Value::Null,
    };
    Ok((status, Json(body)).into_response())
}

pub async fn download(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, hash)): Path<(String, String)>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let record = record_in(&state, lang, t, &id).await?;
    let fetched = state
        .service
        .fetch_attachment_as(&caller.principal, now_ms(), record, &hash)
        .await?;
    let (a, bytes) = bytes_of(fetched)?;
    Ok(download_response(&a, bytes))
}

pub async fn remove(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, hash)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let lang = caller.lang;
    let record = record_in(&state, lang, t, &id).await?;
    state
        .service
        .detach_as(&caller.principal, now_ms(), record, &hash)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn page_type(lang: Lang, kind: &str) -> Result<RecordType, ApiError> {
    record_type_of(kind).ok_or_else(|| ApiError::not_found(lang))
}

/// The upload form of a record's page.
pub async fn upload_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path((kind, id)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = page_type(lang, &kind)?;
    let record = record_in(&state, lang, t, &id).await?;
    let max = state.config.max_attachment_bytes;
    let upload = read_upload(lang, multipart, max).await?;
    auth.check_csrf(&upload.fields)?;
    let Some((name, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
        return Err(missing_file(lang).into());
    };
    attach_any(
        &state,
        &auth.principal,
        t,
        record,
        &upload.fields,
        name,
        bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/records/{kind}/{id}?attached#attachments")).into_response())
}

/// A file's download link on a record's page.
pub async fn download_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path((kind, id, hash)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = page_type(lang, &kind)?;
    let record = record_in(&state, lang, t, &id).await?;
    let fetched = state
        .service
        .fetch_attachment_as(&auth.principal, now_ms(), record, &hash)
        .await?;
    let (a, bytes) = bytes_of(fetched)?;
    Ok(download_response(&a, bytes))
}

/// The remove button beside a file on a record's page.
pub async fn remove_page(
    State(state): State<AppState>,
    Path((kind, id, hash)): Path<(String, String, String)>,
    CsrfForm { auth, .. }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = page_type(lang, &kind)?;
    let record = record_in(&state, lang, t, &id).await?;
    state
        .service
        .detach_as(&auth.principal, now_ms(), record, &hash)
        .await?;
    Ok(Redirect::to(&format!("/records/{kind}/{id}#attachments")).into_response())
}

/// On a node, the fetch button beside a file it left on its server: the
/// file is fetched now (the node must be online).
pub async fn fetch_page(
    State(state): State<AppState>,
    Path((kind, id, hash)): Path<(String, String, String)>,
    CsrfForm { auth, .. }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = page_type(lang, &kind)?;
    let record = record_in(&state, lang, t, &id).await?;
    // Only who may read the record may have its file brought here.
    state
        .service
        .fetch_attachment_as(&auth.principal, now_ms(), record, &hash)
        .await?;
    let Some(dir) = state.config.node_dir.as_deref().filter(|_| state.on_node) else {
        return Err(ApiError::not_found(lang).into());
    };
    bienphong_sync::blobs::fetch_for_node(state.service.store(), dir, &hash).await?;
    Ok(Redirect::to(&format!("/records/{kind}/{id}#attachments")).into_response())
}
