//! The one mapping from errors to HTTP answers: `{code, message, fields}`
//! with the status that says what went wrong. Bad input is never a 500.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bienphong_i18n::Lang;
use bienphong_service::ServiceError;
use bienphong_store::StoreError;
use serde::Serialize;

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
            ServiceError::Store(s) => match s {
                StoreError::NotFound(id) | StoreError::WrongType { record: id, .. } => Self::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    text("record-not-found", &[("id", id.to_string())]),
                ),
                StoreError::Deleted(id) => Self::new(
                    StatusCode::NOT_FOUND,
                    "deleted",
                    text("record-deleted", &[("id", id.to_string())]),
                ),
                StoreError::AlreadyExists(id) => Self::new(
                    StatusCode::CONFLICT,
                    "exists",
                    text("record-exists", &[("id", id.to_string())]),
                ),
                StoreError::Stale {
                    record,
                    expected,
                    actual,
                } => Self::new(
                    StatusCode::CONFLICT,
                    "stale",
                    text(
                        "record-stale",
                        &[
                            ("id", record.to_string()),
                            ("expected", expected.to_string()),
                            ("actual", actual.to_string()),
                        ],
                    ),
                ),
                StoreError::InConflict { record, heads } => Self::new(
                    StatusCode::CONFLICT,
                    "in_conflict",
                    text(
                        "record-in-conflict",
                        &[
                            ("id", record.to_string()),
                            (
                                "heads",
                                heads
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                        ],
                    ),
                ),
                StoreError::NotInConflict(record) => Self::new(
                    StatusCode::CONFLICT,
                    "not_in_conflict",
                    text("record-not-in-conflict", &[("id", record.to_string())]),
                ),
                StoreError::UsernameTaken(name) => Self::new(
                    StatusCode::CONFLICT,
                    "exists",
                    text("user-exists", &[("name", name)]),
                ),
                other => {
                    tracing::error!(error = %other, "store error");
                    Self::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        text("api-internal", &[]),
                    )
                }
            },
        }
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
