//! The one mapping from errors to HTTP answers: `{code, message, fields}`
//! with the status that says what went wrong. Bad input is never a 500.
//!
//! Handlers return [`Error`], which every layer's error converts into with
//! `?`. The answer's language and form (JSON for `/api/`, a page for the
//! rest) belong to the request, not to the handler: [`answer_errors`] reads
//! them from the request and renders the error once.

use crate::extract::{lang_of, page_lang};
use crate::view::page_error;
use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
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

#[derive(Clone, Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: vec![],
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

    pub fn from_service(lang: Lang, e: ServiceError) -> Self {
        let text = |key: &str, args: &[(&'static str, String)]| lang.text(key, args);
        match e {
            ServiceError::Invalid(v) => {
                let mut err = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    lang.problem(&v),
                );
                err.fields.push(FieldError {
                    field: v.field.clone(),
                    message: lang.problem_only(&v),
                });
                err
            }
            ServiceError::Forbidden(detail) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                text("api-forbidden", &[("detail", detail)]),
            ),
            ServiceError::BadUsername(_)
            | ServiceError::WeakPassword(_)
            | ServiceError::UnknownUnit(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            }
            ServiceError::Resolution(p) => {
                let (key, args) = p.message();
                Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    text(key, &args),
                )
            }
            ServiceError::UnknownUser(_) => {
                Self::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    text("api-internal", &[]),
                )
            }
            ServiceError::Store(s) => Self::described(lang, s.describe()),
        }
    }

    /// An error as its layer describes it, with the status of its kind.
    pub fn described(lang: Lang, d: Described) -> Self {
        let status = status_of(d.kind);
        if d.kind == ErrorKind::Internal {
            let detail = lang.text(d.key, &d.args);
            tracing::error!(%detail, "internal error");
            return Self::new(status, "internal", lang.text("api-internal", &[]));
        }
        Self::new(status, d.code, lang.text(d.key, &d.args))
    }
}

/// The HTTP status of each kind of error: the web's one table.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound | ErrorKind::WrongType => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(self)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
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
            Self::Report(e) => report_answer(lang, e),
            Self::Sheet(e) => match e {
                bienphong_sheets::SheetError::Service(e) => ApiError::from_service(lang, e),
                other => ApiError::bad_request(lang, "file", other.message(lang)),
            },
            Self::Sync(e) => sync_answer(lang, e),
        }
    }
}

fn report_answer(lang: Lang, e: bienphong_report::ReportError) -> ApiError {
    use bienphong_report::ReportError as E;
    match e {
        E::Service(s) => ApiError::from_service(lang, s),
        E::Store(s) => ApiError::from_service(lang, s.into()),
        E::UnknownScope(u) => ApiError::bad_request(lang, "scope", format!("unknown unit {u}")),
        E::BadPeriod(detail) => ApiError::bad_request(lang, "quarter", detail),
        E::Render(detail) => {
            tracing::error!(%detail, "report rendering failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                lang.text("api-internal", &[]),
            )
        }
    }
}

fn sync_answer(lang: Lang, e: bienphong_sync::SyncError) -> ApiError {
    use bienphong_sync::SyncError as E;
    match e {
        E::Service(e) => ApiError::from_service(lang, e),
        E::Store(e) => ApiError::from_service(lang, e.into()),
        E::Refused { .. } | E::WrongNode { .. } => {
            ApiError::new(StatusCode::FORBIDDEN, "forbidden", e.to_string())
        }
        E::Decode(_) | E::BadRevision { .. } | E::BadBundle(_) => {
            ApiError::bad_request(lang, "body", e.to_string())
        }
        other => {
            tracing::error!(error = %other, "sync");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "sync failed")
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

/// Words a handler's [`Error`] for the request it answers: JSON in the
/// caller's language under `/api/`, else the error page in the language
/// chosen with the switch.
pub async fn answer_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let lang = if api {
        lang_of(request.headers())
    } else {
        page_lang(request.headers())
    };
    let mut response = next.run(request).await;
    let Some(Unanswered(slot)) = response.extensions_mut().remove::<Unanswered>() else {
        return response;
    };
    let Some(error) = slot.lock().ok().and_then(|mut e| e.take()) else {
        return response;
    };
    let answer = error.answer(lang);
    if api {
        answer.into_response()
    } else {
        page_error(lang, answer)
    }
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
