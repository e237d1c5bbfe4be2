//! The one mapping from errors to HTTP answers: `{code, message, fields}`
//! with the status that says what went wrong. Bad input is never a 500.
//!
//! Handlers return [`Error`], which every layer's error converts into with
//! `?`. The answer's language and form (JSON for `/api/`, a page for the
//! rest) belong to the request, not to the handler: [`answer_errors`] reads
//! them from the request and renders the error once.

use crate::extract::{lang_of, page_lang};
use crate::view::page_error;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bienphong_domain::{Described, ErrorKind};
use bienphong_i18n::Lang;
use bienphong_service::ServiceError;
use bienphong_store::StoreError;
use serde::Serialize;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A value possible but unlikely, as the API lists it in a
/// `needs_confirmation` answer.
#[derive(Clone, Debug, Serialize)]
pub struct DoubtItem {
    pub field: String,
    pub code: &'static str,
    pub value: String,
    pub threshold: String,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// What a `needs_confirmation` answer asks to confirm.
    pub doubts: Vec<DoubtItem>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: vec![],
            doubts: vec![],
        }
    }

    pub fn unauthenticated(lang: Lang) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            lang.text("api-unauthenticated", &[]),
        )
    }

    pub fn bad_request(lang: Lang, field: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            lang.text("api-bad-request", &[("detail", detail.clone())]),
        );
        e.fields.push(FieldError {
            field: field.to_string(),
            message: detail,
        });
        e
    }

    /// A parameter one of the domain's readers refused (a year, a
    /// cut-off): worded as the CLI words the same flag.
    pub fn bad_value(lang: Lang, v: &bienphong_domain::ValidationError) -> Self {
        Self::bad_request(lang, &v.field, lang.problem_only(v))
    }

    pub fn not_found(lang: Lang) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            lang.text("api-not-found", &[]),
        )
    }

    /// A service error as it describes itself; a write to be confirmed
    /// lists its doubts beside their fields.
    pub fn from_service(lang: Lang, e: ServiceError) -> Self {
        let mut err = Self::described(lang, e.describe());
        if let ServiceError::NeedsConfirmation(doubts) = &e {
            for d in doubts {
                err.fields.push(FieldError {
                    field: d.field.clone(),
                    message: lang.doubt_only(d),
                });
                err.doubts.push(DoubtItem {
                    field: d.field.clone(),
                    code: d.code.as_str(),
                    value: d.value.clone(),
                    threshold: d.threshold.clone(),
                    message: lang.doubt_only(d),
                });
            }
        }
        err
    }

    /// An error as its layer describes it, with the status of its kind
    /// ([`status_of`]): the one way every layer's error becomes an answer.
    /// A fault's details go to the log, not to the caller; a malformed
    /// request is a bad request about its part; an error about a field
    /// lists it.
    pub fn described(lang: Lang, d: Described) -> Self {
        let status = status_of(d.kind);
        match (d.kind, &d.field) {
            (ErrorKind::Internal, _) => {
                let detail = lang.text(d.key, &d.args);
                tracing::error!(%detail, "internal error");
                Self::new(status, "internal", lang.text("api-internal", &[]))
            }
            (ErrorKind::Malformed, field) => Self::bad_request(
                lang,
                field.as_deref().unwrap_or("request"),
                lang.text(d.key, &d.args),
            ),
            (_, Some(field)) => {
                let mut err = Self::new(status, d.code, lang.described(&d));
                err.fields.push(FieldError {
                    field: field.clone(),
                    message: lang.text(d.key, &d.args),
                });
                err
            }
            (_, None) => Self::new(status, d.code, lang.text(d.key, &d.args)),
        }
    }
}

/// The HTTP status of each kind of error: the web's one table.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Malformed => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound | ErrorKind::WrongType => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The media type of every API error (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error as the API answers it: an RFC 9457 problem. `type` is
/// `about:blank` (the status says what kind of problem it is, `title` is
/// its phrase); `detail` is the message in the caller's language. The
/// members the API answered before problems, `code` (the machine code),
/// `message` (the same text as `detail`) and `fields`, stay as extension
/// members, so clients written against them keep working.
#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: &'a str,
    code: &'static str,
    message: &'a str,
    fields: &'a [FieldError],
    #[serde(skip_serializing_if = "<[DoubtItem]>::is_empty")]
    doubts: &'a [DoubtItem],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = serde_json::to_vec(&Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: &self.message,
            code: self.code,
            message: &self.message,
            fields: &self.fields,
            doubts: &self.doubts,
        })
        .unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A handler's failure, from any layer; answered in the request's
/// language, as JSON or as a page (see [`answer_errors`]).
#[derive(Debug)]
pub enum Error {
    /// An answer already worded (a bad parameter, a refusal).
    Answer(ApiError),
    Service(ServiceError),
    Report(bienphong_report::ReportError),
    Sheet(bienphong_sheets::SheetError),
    Sync(bienphong_sync::SyncError),
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Self::Answer(e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Self::Service(e.into())
    }
}

impl From<bienphong_domain::ValidationError> for Error {
    fn from(e: bienphong_domain::ValidationError) -> Self {
        Self::Service(e.into())
    }
}

impl From<bienphong_report::ReportError> for Error {
    fn from(e: bienphong_report::ReportError) -> Self {
        Self::Report(e)
    }
}

impl From<bienphong_sheets::SheetError> for Error {
    fn from(e: bienphong_sheets::SheetError) -> Self {
        Self::Sheet(e)
    }
}

impl From<bienphong_sync::SyncError> for Error {
    fn from(e: bienphong_sync::SyncError) -> Self {
        Self::Sync(e)
    }
}

impl Error {
    /// The answer in `lang`: the one place each layer's error gets its
    /// status and message.
    pub fn answer(self, lang: Lang) -> ApiError {
        match self {
            Self::Answer(a) => a,
            Self::Service(e) => ApiError::from_service(lang, e),
            Self::Report(bienphong_report::ReportError::Service(e))
            | Self::Sheet(bienphong_sheets::SheetError::Service(e))
            | Self::Sync(bienphong_sync::SyncError::Service(e)) => ApiError::from_service(lang, e),
            Self::Report(e) => ApiError::described(lang, e.describe()),
            Self::Sheet(e) => ApiError::described(lang, e.describe()),
            Self::Sync(e) => ApiError::described(lang, e.describe()),
        }
    }
}

/// An [`Error`] on its way out, waiting for [`answer_errors`] to word it.
#[derive(Clone)]
struct Unanswered(Arc<Mutex<Option<Error>>>);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut r = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        r.extensions_mut()
            .insert(Unanswered(Arc::new(Mutex::new(Some(self)))));
        r
    }
}

/// The longest URI (path and query) answered: beyond it a request gets
/// 414 in the API's problem form or as the error page. Far longer ones
/// (64 KiB) are cut off by the HTTP layer itself with an empty 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Words a handler's [`Error`] for the request it answers: JSON in the
/// caller's language under `/api/`, else the error page in the language
/// chosen with the switch. Under `/api/` it also words the refusals that
/// come from below the handlers (a body over the limit, a time-out, a
/// request axum could not read), so that every API error is a problem.
pub async fn answer_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let lang = if api {
        lang_of(request.headers())
    } else {
        page_lang(request.headers())
    };
    let answer = |e: ApiError| {
        if api {
            e.into_response()
        } else {
            page_error(lang, e)
        }
    };
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return answer(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            lang.text("api-uri-too-long", &[]),
        ));
    }
    let mut response = next.run(request).await;
    let Some(Unanswered(slot)) = response.extensions_mut().remove::<Unanswered>() else {
        if api && is_unworded_error(&response) {
            return reworded(lang, response);
        }
        return response;
    };
    let Some(error) = slot.lock().ok().and_then(|mut e| e.take()) else {
        return response;
    };
    answer(error.answer(lang))
}

/// An error answered below the handlers, in whatever form its layer chose.
fn is_unworded_error(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|t| t.as_bytes() != PROBLEM_JSON.as_bytes())
}

/// The same status as a problem, its headers kept (`Retry-After`, `Allow`).
fn reworded(lang: Lang, response: Response) -> Response {
    let status = response.status();
    let (code, key) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", None),
        StatusCode::NOT_FOUND => ("not_found", Some("api-not-found")),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", Some("api-method-not-allowed")),
        StatusCode::REQUEST_TIMEOUT => ("timeout", Some("api-timeout")),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", Some("api-too-large")),
        StatusCode::URI_TOO_LONG => ("uri_too_long", Some("api-uri-too-long")),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", None),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", None),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", None),
        s if s.is_server_error() => ("internal", Some("api-internal")),
        _ => ("error", None),
    };
    let message = match key {
        Some(key) => lang.text(key, &[]),
        None => status.canonical_reason().unwrap_or("Error").to_string(),
    };
    let (parts, _) = response.into_parts();
    let mut problem = ApiError::new(status, code, message).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().append(name.clone(), value.clone());
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::{RecordId, RecordType, RevisionId};

    /// One of each store error an edge can meet.
    fn store_errors((r, a, b): (RecordId, RevisionId, RevisionId)) -> Vec<StoreError> {
        vec![
            StoreError::NotFound(r),
            StoreError::Deleted(r),
            StoreError::AlreadyExists(r),
            StoreError::Stale {
                record: r,
                expected: a,
                actual: b,
            },
            StoreError::WrongType {
                record: r,
                expected: RecordType::Patrol,
                actual: RecordType::Case,
            },
            StoreError::InConflict {
                record: r,
                heads: vec![a, b],
            },
            StoreError::NotInConflict(r),
            StoreError::UsernameTaken("dn-lungcu".into()),
            StoreError::TargetNotEmpty,
            StoreError::UnsupportedUrl("mysql://x".into()),
            StoreError::Open {
                path: "/nowhere".into(),
                reason: "denied".into(),
            },
            StoreError::SchemaTooNew(99),
            StoreError::DiskFull("no space left on device".into()),
            StoreError::Corrupt("bad row".into()),
        ]
    }

    #[test]
    fn every_store_error_is_worded_from_its_one_description_in_both_languages() {
        let ids = (RecordId::new(), RevisionId::new(), RevisionId::new());
        let store_errors = || store_errors(ids);
        for i in 0..store_errors().len() {
            let d = store_errors().remove(i).describe();
            for lang in [Lang::Vi, Lang::En] {
                let answer =
                    ApiError::from_service(lang, ServiceError::Store(store_errors().remove(i)));
                assert_eq!(answer.status, status_of(d.kind), "{d:?}");
                let worded = lang.text(d.key, &d.args);
                assert!(
                    !worded.contains(d.key),
                    "{lang:?} lacks the message {}",
                    d.key
                );
                if d.kind == ErrorKind::Internal {
                    // Details of a fault stay in the log.
                    assert_eq!(answer.code, "internal");
                    assert_eq!(answer.message, lang.text("api-internal", &[]));
                } else {
                    assert_eq!(answer.code, d.code);
                    assert_eq!(answer.message, worded);
                    for (_, value) in &d.args {
                        assert!(
                            answer.message.contains(value.as_str()),
                            "{lang:?}: {}",
                            answer.message
                        );
                    }
                }
            }
        }
        // The kinds a client acts on keep their statuses.
        let status =
            |e: StoreError| ApiError::from_service(Lang::Vi, ServiceError::Store(e)).status;
        let [nf, _, ex, stale, wt, conflict, ..] = <[StoreError; 14]>::try_from(store_errors())
            .map_err(|_| "fourteen errors")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status(nf), StatusCode::NOT_FOUND);
        assert_eq!(status(ex), StatusCode::CONFLICT);
        assert_eq!(status(stale), StatusCode::CONFLICT);
        assert_eq!(status(wt), StatusCode::NOT_FOUND);
        assert_eq!(status(conflict), StatusCode::CONFLICT);
    }
}
