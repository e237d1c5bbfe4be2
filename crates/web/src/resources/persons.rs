//! A data subject's rights, for administrators (docs/adr/0020-data-subjects-and-erasure.md):
//! `/api/v1/data-subjects/requests` (the register: add, list, handle),
//! `GET /api/v1/data-subjects/export?person=…` (everything held about one
//! person, with history; audited with the records seen) and
//! `POST /api/v1/data-subjects/erasures` (erase a person). Answers carry
//! `Cache-Control: no-store` as every dynamic answer does.

use crate::error::{ApiError, Error};
use crate::extract::{ApiAdmin, PageAdmin, back_of};
use crate::routes::{ApiRoute, route};
use crate::view::{Frame, frame, render};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use bienphong_domain::{ValidationError, format};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Template)]
#[template(path = "subjects.html")]
struct SubjectsPage {
    f: Frame,
    requests: Vec<bienphong_service::personal::RequestView>,
}

impl SubjectsPage {
    /// A kind's or a state's label; the code when it has none.
    fn label(&self, prefix: &str, code: &str) -> String {
        self.f.t.0.label(prefix, code)
    }

    /// `YYYY-MM-DD` as people read it: 12/01/2026.
    fn day(&self, s: &str) -> String {
        s.parse()
            .map(format::date)
            .unwrap_or_else(|_| s.to_string())
    }
}

/// The register of requests, for administrators: `/admin/subjects`.
pub async fn page(
    State(state): State<AppState>,
    PageAdmin(auth): PageAdmin,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let org = state.service.org_shared().await?;
    let requests = state.service.subject_requests().await?;
    Ok(render(SubjectsPage {
        f: frame(&auth, &org, &back_of(&uri)),
        requests,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRequest {
    person: String,
    kind: String,
    /// DD/MM/YYYY or YYYY-MM-DD; default today.
    received: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Handling {
    state: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErasureRequest {
    person: String,
    request: Option<String>,
}

fn body<T: serde::de::DeserializeOwned>(
    lang: bienphong_i18n::Lang,
    body: &Bytes,
) -> Result<T, Error> {
    let value = crate::extract::json_body(lang, body)?;
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()).into())
}

pub async fn add_request(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    bytes: Bytes,
) -> Result<Response, Error> {
    let req: NewRequest = body(caller.lang, &bytes)?;
    let received = match &req.received {
        Some(d) => format::parse_date(d).map_err(|p| ValidationError::new("received", p))?,
        None => bienphong_service::today(),
    };
    let view = state
        .service
        .add_subject_request(
            &caller.principal.name,
            now_ms(),
            &req.person,
            &req.kind,
            received,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(view))).into_response())
}

pub async fn list_requests(
    State(state): State<AppState>,
    ApiAdmin(_caller): ApiAdmin,
) -> Result<Json<Value>, Error> {
    let items = state.service.subject_requests().await?;
    Ok(Json(json!({ "items": items })))
}

pub async fn handle_request(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let req: Handling = body(caller.lang, &bytes)?;
    state
        .service
        .handle_subject_request(&caller.principal.name, now_ms(), &id, &req.state, &req.note)
        .await?;
    let items = state.service.subject_requests().await?;
    let item = items
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found(caller.lang))?;
    Ok(Json(json!(item)))
}

pub async fn export(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Query(q): Query<crate::params::Query>,
) -> Result<Json<Value>, Error> {
    let person = q
        .get("person")
        .ok_or_else(|| ApiError::bad_request(caller.lang, "person", "a person's name"))?;
    let data = state
        .service
        .person_data(&caller.principal.name, now_ms(), person)
        .await?;
    Ok(Json(json!(data)))
}

pub async fn erase(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let req: ErasureRequest = body(caller.lang, &bytes)?;
    let done = state
        .service
        .erase_person(
            &caller.principal.name,
            now_ms(),
            &req.person,
            req.request.as_deref(),
        )
        .await?;
    Ok(Json(json!({ "items": done })))
}

/// The routes of this module, in the API's one list (`routes::api_routes`).
pub fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
        ApiRoute {
            body: Some("SubjectRequestNew"),
            response: Some("SubjectRequest"),
            ..route(
                Method::POST,
                "/api/v1/data-subjects/requests",
                "Register a data subject's request (administrators): due two working days after it was received",
                "personal data",
                &[201, 400, 403, 422],
                on(F::POST, add_request),
            )
        },
        ApiRoute {
            response: Some("SubjectRequestList"),
            ..route(
                Method::GET,
                "/api/v1/data-subjects/requests",
                "The register of data subjects' requests, by due day (administrators)",
                "personal data",
                &[200, 403],
                on(F::GET, list_requests),
            )
        },
        ApiRoute {
            body: Some("SubjectRequestHandling"),
            response: Some("SubjectRequest"),
            ..route(
                Method::PATCH,
                "/api/v1/data-subjects/requests/{id}",
                "Record how a data subject's request was handled (administrators)",
                "personal data",
                &[200, 400, 403, 422],
                on(F::PATCH, handle_request),
            )
        },
        ApiRoute {
            required: &["person"],
            query: &[("person", "the person's name, as written in the records")],
            response: Some("PersonData"),
            ..route(
                Method::GET,
                "/api/v1/data-subjects/export",
                "Everything held about one person: the records naming them with their history, and their requests \
             (administrators; audited with the records seen)",
                "personal data",
                &[200, 400, 403, 422],
                on(F::GET, export),
            )
        },
        ApiRoute {
            body: Some("ErasureRequest"),
            response: Some("Erasures"),
            ..route(
                Method::POST,
                "/api/v1/data-subjects/erasures",
                "Erase a person from every record naming them, history content included; the audit keeps \
             that it happened; nodes erase it at their next sync (administrators)",
                "personal data",
                &[200, 400, 403, 422],
                on(F::POST, erase),
            )
        },
    ]
}
