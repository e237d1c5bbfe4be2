//! Records of every type, one collection each: the list, the forms to add
//! and edit, the record page with its history, and the JSON API over the
//! same service calls.

pub mod etag;
pub mod form;
pub mod list;
pub mod pickers;
pub mod show;
pub mod write;

use crate::error::ApiError;
use crate::routes::record_type_of;
use bienphong_domain::{Content, RecordId, RecordType, Revision, RevisionId};
use bienphong_i18n::Lang;
use bienphong_store::CurrentRecord;
use serde_json::{Value, json};

/// The record type and id a page's path names, if it names them.
fn record_path(kind: &str, id: &str) -> Option<(RecordType, RecordId)> {
    Some((record_type_of(kind)?, id.parse::<RecordId>().ok()?))
}

fn record_json(r: &CurrentRecord) -> Value {
    json!({
        "id": r.record_id.to_string(),
        "type": r.record_type.as_str(),
        "revision": r.revision_id.to_string(),
        "date": r.day.map(|d| d.to_string()),
        "content": serde_json::from_str::<Value>(&r.content).unwrap_or(Value::Null),
    })
}

fn revision_json(r: &Revision) -> Value {
    json!({
        "id": r.id.to_string(),
        "record_id": r.record_id.to_string(),
        "type": r.record_type.as_str(),
        "parents": r.parents.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "node": r.node_id.to_string(),
        "author": r.author,
        "created_ms": r.created_ms,
        "deleted": r.deleted,
        "content": if r.deleted { Value::Null } else { serde_json::from_str::<Value>(&r.content).unwrap_or(Value::Null) },
    })
}

pub(crate) fn parse_record_id(lang: Lang, id: &str) -> Result<RecordId, ApiError> {
    id.parse::<RecordId>()
        .map_err(|_| ApiError::not_found(lang))
}

fn parse_revision(lang: Lang, field: &str, s: &str) -> Result<RevisionId, ApiError> {
    s.parse::<RevisionId>()
        .map_err(|_| ApiError::bad_request(lang, field, format!("not a revision id: {s}")))
}

/// A record of the wrong collection is not found in this one.
fn in_collection(lang: Lang, t: RecordType, r: &CurrentRecord) -> Result<(), ApiError> {
    if r.record_type == t {
        Ok(())
    } else {
        Err(ApiError::not_found(lang))
    }
}

fn content_of(lang: Lang, t: RecordType, v: &Value) -> Result<Content, ApiError> {
    if let Some(field) = first_null(v, "") {
        let e = bienphong_domain::ValidationError::new(
            field,
            bienphong_domain::Problem::MalformedJson(
                "null: leave the field out instead".to_string(),
            ),
        );
        return Err(ApiError::from_service(lang, e.into()));
    }
    Content::from_json(t, &v.to_string()).map_err(|e| ApiError::from_service(lang, e.into()))
}

/// The path of the first `null` in a record's content. The document never
/// says a field may be null (a field is given or left out), so a null is
/// refused rather than silently read as "left out".
fn first_null(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::Null => Some(path.to_string()),
        Value::Object(members) => members.iter().find_map(|(name, value)| {
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            first_null(value, &here)
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, value)| first_null(value, &format!("{path}[{i}]"))),
        _ => None,
    }
}
