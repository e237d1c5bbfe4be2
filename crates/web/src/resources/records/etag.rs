//! A record's ETag is its current head revision, quoted: a write sends it
//! back in `If-Match` to say which revision it changes (RFC 9110 §13.1.1),
//! instead of, or besides, the body's `revision` field. The store checks
//! the revision in the write's own transaction; a stale one is answered
//! 412 here, and nothing is written.

use crate::AppState;
use crate::error::{ApiError, Error};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use bienphong_domain::id::Uuid;
use bienphong_domain::{RecordId, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::ServiceError;
use bienphong_store::StoreError;

/// The `ETag` of a record whose head is `revision`.
pub fn etag(revision: RevisionId) -> HeaderValue {
    // A UUID in quotes is always a valid header value.
    HeaderValue::from_str(&format!("\"{revision}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// The `ETag` header of a response about a record at `revision`.
pub fn etag_header(revision: RevisionId) -> [(header::HeaderName, HeaderValue); 1] {
    [(header::ETAG, etag(revision))]
}

/// The revision a write is based on, and whether `If-Match` named it (a
/// stale one is then 412, not the body's 409).
#[derive(Clone, Copy, Debug)]
pub struct Base {
    pub revision: RevisionId,
    pub from_if_match: bool,
}

/// No revision can be the head of a record: what a write is based on when
/// `If-Match` names no revision of ours (a weak tag, a foreign one), so
/// that the store refuses it as stale after every other check.
const NO_REVISION: RevisionId = RevisionId(Uuid::nil());

/// The entity tags of `If-Match`: `None` when it is absent or `*` (any
/// current revision: the write behaves as without it).
fn if_match(lang: Lang, headers: &HeaderMap) -> Result<Option<Vec<String>>, ApiError> {
    let mut tags = Vec::new();
    let mut any = false;
    let mut present = false;
    for value in headers.get_all(header::IF_MATCH) {
        present = true;
        let malformed =
            || ApiError::bad_request(lang, "If-Match", lang.text("api-if-match-malformed", &[]));
        let mut rest = value.to_str().map_err(|_| malformed())?.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('*') {
                any = true;
                rest = r;
            } else {
                // A weak tag never matches: If-Match compares strongly.
                let (weak, r) = match rest.strip_prefix("W/") {
                    Some(r) => (true, r),
                    None => (false, rest),
                };
                let r = r.strip_prefix('"').ok_or_else(malformed)?;
                let (tag, r) = r.split_once('"').ok_or_else(malformed)?;
                if !weak {
                    tags.push(tag.to_string());
                }
                rest = r;
            }
            rest = rest.trim_start();
            match rest.strip_prefix(',') {
                Some(r) => rest = r.trim_start(),
                None if rest.is_empty() => {}
                None => return Err(malformed()),
            }
        }
    }
    // An empty header names nothing: as without it.
    let empty = headers
        .get_all(header::IF_MATCH)
        .iter()
        .all(|v| v.as_bytes().trim_ascii().is_empty());
    if !present || any || empty {
        return Ok(None);
    }
    Ok(Some(tags))
}

/// The base of a write to `record` from `If-Match` and the body's (or
/// query's) `revision`. With neither, `missing` is the refusal, as before
/// ETags. When both are given they must agree: a request that names two
/// different revisions as the one it changes is refused with 412.
pub async fn base(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    record: RecordId,
    body: Option<RevisionId>,
    missing: impl FnOnce() -> ApiError,
) -> Result<Base, ApiError> {
    let Some(tags) = if_match(lang, headers)? else {
        return body
            .map(|revision| Base {
                revision,
                from_if_match: false,
            })
            .ok_or_else(missing);
    };
    let named: Vec<RevisionId> = tags.iter().filter_map(|t| t.parse().ok()).collect();
    let revision = match (body, named.as_slice()) {
        (Some(b), _) if named.contains(&b) => b,
        (Some(b), _) => {
            // At most one of the two can be the head, so the request's
            // precondition fails whichever it is: 412, as for a stale tag
            // (and as the document lists for every write).
            let detail = lang.text(
                "api-precondition-mismatch",
                &[("header", tags.join(", ")), ("body", b.to_string())],
            );
            let mut refusal = ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                detail.clone(),
            );
            refusal.fields.push(crate::error::FieldError {
                field: "If-Match".to_string(),
                message: detail,
            });
            return Err(refusal);
        }
        (None, []) => NO_REVISION,
        (None, [one]) => *one,
        // Several: the one that is the head, if any is. The store checks
        // it again as it writes.
        (None, [first, ..]) => match state.service.get(record).await {
            Ok(r) if named.contains(&r.revision_id) => r.revision_id,
            _ => *first,
        },
    };
    Ok(Base {
        revision,
        from_if_match: true,
    })
}

/// A write's failure: a stale revision named by `If-Match` is 412.
pub fn refused(lang: Lang, base: Base, e: ServiceError) -> Error {
    match e {
        ServiceError::Store(StoreError::Stale { record, actual, .. }) if base.from_if_match => {
            precondition_failed(lang, record, actual).into()
        }
        other => other.into(),
    }
}

/// 412: the record's head is `actual`, not what `If-Match` named.
pub fn precondition_failed(lang: Lang, record: RecordId, actual: RevisionId) -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
        lang.text(
            "api-precondition-failed",
            &[("id", record.to_string()), ("actual", actual.to_string())],
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn if_match_lists_strong_tags_and_star_means_any() {
        let l = Lang::En;
        assert_eq!(if_match(l, &headers(&[])).unwrap(), None);
        assert_eq!(if_match(l, &headers(&["*"])).unwrap(), None);
        assert_eq!(
            if_match(l, &headers(&["\"a\", W/\"b\" ,\"c\"", "\"d\""])).unwrap(),
            Some(vec!["a".into(), "c".into(), "d".into()])
        );
        assert_eq!(if_match(l, &headers(&["W/\"b\""])).unwrap(), Some(vec![]));
        for bad in ["a", "\"a", "\"a\" \"b\"", "\"a\",x"] {
            assert!(if_match(l, &headers(&[bad])).is_err(), "{bad}");
        }
    }
}
