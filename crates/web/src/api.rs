//! The JSON API under `/api/v1`. Every route is declared once in
//! [`api_routes`]: the router and the OpenAPI document are both built from
//! that table, so the document cannot list a route the server does not
//! serve, nor miss one it does.

use crate::auth::{ApiCaller, Language};
use crate::error::ApiError;
use crate::{AppState, now_ms};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, on};
use bienphong_domain::format::parse_date;
use bienphong_domain::org::Code;
use bienphong_domain::{Content, Cutoff, Period, RecordId, RecordType, Revision, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::Principal;
use bienphong_store::{AuditFilter, CurrentRecord, ListFilter, Store};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The collection each record type is served under.
pub fn collection(t: RecordType) -> &'static str {
    match t {
        RecordType::Unit => "units",
        RecordType::Link => "links",
        RecordType::Marker => "markers",
        RecordType::Catalogue => "catalogue-entries",
        RecordType::Patrol => "patrols",
        RecordType::Case => "cases",
        RecordType::CaseSubjects => "case-subjects",
        RecordType::Meeting => "meetings",
        RecordType::Document => "documents",
        RecordType::Programme => "programmes",
        RecordType::Beneficiary => "beneficiaries",
        RecordType::Propaganda => "propaganda",
        RecordType::Disaster => "disasters",
        RecordType::BriefingReport => "briefing-reports",
    }
}

/// One route of the API: how it is served and how it is documented.
pub struct ApiRoute {
    pub method: Method,
    pub path: String,
    pub summary: String,
    pub tag: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub body: Option<&'static str>,
    /// Statuses it answers besides 401 (every route but `/health` and the
    /// document itself needs credentials).
    pub statuses: &'static [u16],
    pub public: bool,
    pub handler: MethodRouter<AppState>,
}

const LIST_QUERY: &[(&str, &str)] = &[
    (
        "unit",
        "unit code: records of this unit and the units below it",
    ),
    ("from", "first day, DD/MM/YYYY or YYYY-MM-DD"),
    ("to", "last day, DD/MM/YYYY or YYYY-MM-DD"),
    ("year", "a year (with cutoff)"),
    ("cutoff", "decree09 (default) or calendar"),
    ("category", "case type, meeting type, patrol kind…"),
    ("q", "search, ignoring diacritics and case"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "records per page, 1–500 (default 50)"),
];

fn route(
    method: Method,
    path: impl Into<String>,
    summary: impl Into<String>,
    tag: &'static str,
    statuses: &'static [u16],
    handler: MethodRouter<AppState>,
) -> ApiRoute {
    ApiRoute {
        method,
        path: path.into(),
        summary: summary.into(),
        tag,
        query: &[],
        body: None,
        statuses,
        public: false,
        handler,
    }
}

/// Every route of the API.
pub fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    let mut routes = vec![
        ApiRoute {
            public: true,
            ..route(
                Method::GET,
                "/health",
                "Ready to serve",
                "system",
                &[200],
                on(F::GET, health),
            )
        },
        ApiRoute {
            public: true,
            ..route(
                Method::GET,
                "/api/v1/openapi.json",
                "This document",
                "system",
                &[200],
                on(F::GET, openapi),
            )
        },
        route(
            Method::GET,
            "/api/v1/me",
            "Who the credentials belong to",
            "accounts",
            &[200],
            on(F::GET, me),
        ),
        ApiRoute {
            body: Some("TokenRequest"),
            ..route(
                Method::POST,
                "/api/v1/tokens",
                "Create an API token (shown once)",
                "accounts",
                &[201, 400, 403, 422],
                on(F::POST, create_token),
            )
        },
        route(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            "Revoke an API token",
            "accounts",
            &[204, 403, 404],
            on(F::DELETE, revoke_token),
        ),
        ApiRoute {
            query: &[
                ("actor", "who acted"),
                ("action", "create, update, delete, login, restricted.read…"),
                ("outcome", "allowed or refused"),
                ("record_id", "a record"),
                ("before", "entries before this sequence number"),
                ("limit", "entries, 1–1000"),
            ],
            ..route(
                Method::GET,
                "/api/v1/audit",
                "The audit log, newest first (administrators)",
                "accounts",
                &[200, 400, 403],
                on(F::GET, audit),
            )
        },
        ApiRoute {
            query: &[
                ("year", "the year"),
                ("scope", "unit code (default: the caller's unit)"),
                ("cutoff", "decree09 (default) or calendar"),
                ("format", "json (default) or md"),
            ],
            ..route(
                Method::GET,
                "/api/v1/reports/annual",
                "The annual review",
                "reports",
                &[200, 400, 403, 404],
                on(F::GET, annual_report),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            ..route(
                Method::GET,
                "/api/v1/briefings",
                "Who owes a quarter's briefing report, and who has submitted or is late",
                "briefings",
                &[200, 400, 403],
                on(F::GET, briefing_roll),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            ..route(
                Method::GET,
                "/api/v1/briefings/{unit}",
                "A unit's briefing report: frozen figures once submitted, with later changes",
                "briefings",
                &[200, 400, 403],
                on(F::GET, briefing_view),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            ..route(
                Method::POST,
                "/api/v1/briefings/{unit}/submit",
                "Submit a unit's draft briefing report, freezing its figures",
                "briefings",
                &[200, 400, 403, 404, 409, 422],
                on(F::POST, briefing_submit),
            )
        },
        route(
            Method::GET,
            "/api/v1/conflicts",
            "Records changed in two places before a sync, with their versions",
            "sync",
            &[200],
            on(F::GET, conflicts_list),
        ),
        ApiRoute {
            body: Some("Resolution"),
            ..route(
                Method::POST,
                "/api/v1/conflicts/{id}/resolve",
                "Resolve a conflict: keep one version, optionally with fields of others",
                "sync",
                &[200, 400, 403, 404, 409, 422],
                on(F::POST, conflict_resolve),
            )
        },
        ApiRoute {
            body: Some("SyncOffer"),
            ..route(
                Method::POST,
                "/api/v1/sync/offer",
                "Sync: which of these revision ids the server lacks (docs/sync-protocol.md)",
                "sync",
                &[200, 400],
                on(F::POST, sync_offer),
            )
        },
        ApiRoute {
            body: Some("SyncPush"),
            ..route(
                Method::POST,
                "/api/v1/sync/push",
                "Sync: revisions for the server, applied in one transaction (all or nothing)",
                "sync",
                &[200, 400, 403],
                on(F::POST, sync_push),
            )
        },
        ApiRoute {
            body: Some("SyncPull"),
            ..route(
                Method::POST,
                "/api/v1/sync/pull",
                "Sync: revisions after a cursor that the caller may read",
                "sync",
                &[200, 400],
                on(F::POST, sync_pull),
            )
        },
        route(
            Method::GET,
            "/api/v1/sync/status",
            "Sync status: each node with its last sync and the revisions waiting for it; \
             on a node, its server and what it has still to send (administrators)",
            "sync",
            &[200, 403],
            on(F::GET, sync_status),
        ),
    ];
    for t in RecordType::ALL {
        let c = collection(t);
        let base = format!("/api/v1/{c}");
        let item = format!("{base}/{{id}}");
        routes.push(ApiRoute {
            query: LIST_QUERY,
            ..route(
                Method::GET,
                base.clone(),
                format!("List {t} records"),
                c,
                &[200, 400],
                on(F::GET, move |s, q, caller| list(t, s, q, caller)),
            )
        });
        routes.push(ApiRoute {
            body: Some(content_schema(t)),
            ..route(
                Method::POST,
                base,
                format!("Create a {t} record"),
                c,
                &[201, 400, 403, 422],
                on(F::POST, move |s, caller, body| create(t, s, caller, body)),
            )
        });
        routes.push(route(
            Method::GET,
            item.clone(),
            format!("Get a {t} record"),
            c,
            &[200, 404],
            on(F::GET, move |s, caller, id| get(t, s, caller, id)),
        ));
        routes.push(ApiRoute {
            body: Some("UpdateRequest"),
            ..route(
                Method::PUT,
                item.clone(),
                format!("Replace a {t} record's content (send the revision you edited)"),
                c,
                &[200, 400, 403, 404, 409, 422],
                on(F::PUT, move |s, caller, id, body| {
                    update(t, s, caller, id, body)
                }),
            )
        });
        routes.push(ApiRoute {
            query: &[("revision", "the revision you are deleting (required)")],
            ..route(
                Method::DELETE,
                item.clone(),
                format!("Delete a {t} record (its history stays)"),
                c,
                &[200, 400, 403, 404, 409],
                on(F::DELETE, move |s, caller, id, q| {
                    delete(t, s, caller, id, q)
                }),
            )
        });
        routes.push(route(
            Method::GET,
            format!("{item}/history"),
            format!("Every revision of a {t} record"),
            c,
            &[200, 404],
            on(F::GET, move |s, caller, id| history(t, s, caller, id)),
        ));
    }
    routes
}

fn content_schema(t: RecordType) -> &'static str {
    match t {
        RecordType::Unit => "Unit",
        RecordType::Link => "Link",
        RecordType::Marker => "Marker",
        RecordType::Catalogue => "CatalogueEntry",
        RecordType::Patrol => "Patrol",
        RecordType::Case => "Case",
        RecordType::CaseSubjects => "CaseSubjects",
        RecordType::Meeting => "Meeting",
        RecordType::Document => "Document",
        RecordType::Programme => "Programme",
        RecordType::Beneficiary => "Beneficiary",
        RecordType::Propaganda => "Propaganda",
        RecordType::Disaster => "Disaster",
        RecordType::BriefingReport => "BriefingReport",
    }
}

pub fn routes() -> Router<AppState> {
    let mut by_path: Vec<(String, MethodRouter<AppState>)> = Vec::new();
    for r in api_routes() {
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, m)) => *m = std::mem::take(m).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(&path, handler.fallback(method_not_allowed));
    }
    router
}

pub async fn no_route(Language(lang): Language) -> ApiError {
    let mut e = ApiError::not_found(lang);
    e.code = "no_route";
    e
}

async fn method_not_allowed(Language(lang): Language) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        lang.text("api-method-not-allowed", &[]),
    )
}

async fn health() -> &'static str {
    "ok"
}

async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// The OpenAPI 3 document of [`api_routes`].
pub fn openapi_document() -> Value {
    let mut paths: serde_json::Map<String, Value> = serde_json::Map::new();
    for r in api_routes() {
        let mut params: Vec<Value> = Vec::new();
        for segment in r.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                params.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            }
        }
        for (name, description) in r.query {
            params.push(json!({"name": name, "in": "query", "required": *name == "revision", "description": description, "schema": {"type": "string"}}));
        }
        let mut responses = serde_json::Map::new();
        let mut statuses: Vec<u16> = r.statuses.to_vec();
        if !r.public {
            statuses.push(401);
        }
        statuses.sort_unstable();
        for s in statuses {
            let body = if s >= 400 {
                json!({"description": status_text(s), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
            } else {
                json!({"description": status_text(s)})
            };
            responses.insert(s.to_string(), body);
        }
        let mut op = json!({
            "summary": r.summary,
            "tags": [r.tag],
            "operationId": format!("{} {}", r.method, r.path),
            "parameters": params,
            "responses": responses,
        });
        if let Some(schema) = r.body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        if !r.public {
            op["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        let entry = paths.entry(r.path.clone()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_lowercase()] = op;
    }
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}),
    );
    schemas.insert(
        "UpdateRequest".into(),
        json!({"type": "object", "required": ["revision", "content"], "properties": {
            "revision": {"type": "string", "description": "the revision the edit is based on"},
            "content": {"type": "object"}}}),
    );
    schemas.insert(
        "TokenRequest".into(),
        json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "node_unit": {"type": "string", "description": "administrators: a token for a node of this unit"}}}),
    );
    schemas.insert(
        "Resolution".into(),
        json!({"type": "object", "required": ["take"], "properties": {
            "take": {"type": "string", "description": "the version (revision id) to keep"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                "description": "field name → the version to take that field from"}}}),
    );
    for (name, description) in [
        ("SyncOffer", "zstd-compressed JSON {ids: [revision id]}"),
        ("SyncPush", "zstd-compressed JSON {revisions: [revision]}"),
        (
            "SyncPull",
            "zstd-compressed JSON {after, limit, exclude_node}",
        ),
    ] {
        schemas.insert(
            name.into(),
            json!({"type": "string", "format": "binary", "description": description}),
        );
    }
    for t in RecordType::ALL {
        schemas.insert(
            content_schema(t).into(),
            json!({"type": "object", "description": format!("the content of a {t} record, as `bienphong show {t}` prints it")}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "bienphong", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Records and reports of the coordinated work of Vietnam's border areas."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
            }
        }
    })
}

fn status_text(s: u16) -> &'static str {
    StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}

/// A record as the API shows it; its content is the stored JSON, written
/// out as it is rather than parsed and serialised again.
#[derive(serde::Serialize)]
struct RecordOut<'a> {
    id: String,
    #[serde(rename = "type")]
    record_type: &'static str,
    revision: String,
    date: Option<String>,
    content: &'a serde_json::value::RawValue,
}

#[derive(serde::Serialize)]
struct ListOut<'a> {
    items: Vec<RecordOut<'a>>,
    next_cursor: Option<String>,
}

fn record_out(r: &CurrentRecord) -> Result<RecordOut<'_>, ApiError> {
    let content = serde_json::from_str(&r.content).map_err(|e| {
        tracing::error!(record = %r.record_id, error = %e, "stored content is not JSON");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "stored content is damaged",
        )
    })?;
    Ok(RecordOut {
        id: r.record_id.to_string(),
        record_type: r.record_type.as_str(),
        revision: r.revision_id.to_string(),
        date: r.day.map(|d| d.to_string()),
        content,
    })
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

fn parse_record_id(lang: Lang, id: &str) -> Result<RecordId, ApiError> {
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

/// The period a list asks for: `from`/`to`, or `year` (+ `cutoff`).
pub(crate) fn period_from_query(
    lang: Lang,
    q: &HashMap<String, String>,
) -> Result<Option<Period>, ApiError> {
    let cutoff = match q.get("cutoff").map(String::as_str) {
        None | Some("") | Some("decree09") => Cutoff::Decree09,
        Some("calendar") => Cutoff::Calendar,
        Some(other) => {
            return Err(ApiError::bad_request(
                lang,
                "cutoff",
                format!("{other}: use decree09 or calendar"),
            ));
        }
    };
    let day = |field: &str| -> Result<Option<bienphong_domain::Date>, ApiError> {
        match q.get(field).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_date(s)
                .map(Some)
                .map_err(|p| ApiError::bad_request(lang, field, p.to_string())),
        }
    };
    if let Some(y) = q.get("year").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let year: i16 = y
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| ApiError::bad_request(lang, "year", format!("not a year: {y}")))?;
        return Ok(Some(Period::year(year, cutoff)));
    }
    match (day("from")?, day("to")?) {
        (None, None) => Ok(None),
        (from, to) => {
            let from = from.unwrap_or(bienphong_domain::Date::MIN);
            let to = to.unwrap_or(bienphong_domain::Date::MAX);
            Period::new(from, to).map(Some).ok_or_else(|| {
                ApiError::bad_request(lang, "to", "the last day is before the first")
            })
        }
    }
}

pub(crate) fn unit_from_query(
    lang: Lang,
    field: &str,
    value: Option<&String>,
) -> Result<Option<Code>, ApiError> {
    match value.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Code::parse(s)
            .map(Some)
            .map_err(|p| ApiError::bad_request(lang, field, p.to_string())),
    }
}

async fn list(
    t: RecordType,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let period = period_from_query(lang, &q)?;
    let unit = unit_from_query(lang, "unit", q.get("unit"))?;
    let limit = match q.get("limit") {
        None => 50,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::bad_request(lang, "limit", format!("1–500, not {s}")))?,
    };
    let offset = match q.get("cursor").filter(|s| !s.is_empty()) {
        None => 0,
        Some(c) => decode_cursor(c)
            .ok_or_else(|| ApiError::bad_request(lang, "cursor", "not a cursor of this API"))?,
    };
    let service = &state.service;
    let units = match unit {
        None => None,
        Some(u) => {
            let org = service
                .org_shared()
                .await
                .map_err(|e| ApiError::from_service(lang, e))?;
            let whole = Period {
                from: bienphong_domain::Date::MIN,
                to: bienphong_domain::Date::MAX,
            };
            Some(
                org.descendants(&u, &period.unwrap_or(whole))
                    .into_iter()
                    .collect(),
            )
        }
    };
    let filter = ListFilter {
        record_type: Some(t),
        period,
        units,
        category: q.get("category").filter(|s| !s.is_empty()).cloned(),
        subject_of: None,
        limit: Some(limit),
        offset,
    };
    let page = service
        .list_as(
            &caller.principal,
            now_ms(),
            filter,
            q.get("q").map(String::as_str),
        )
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let items = page
        .records
        .iter()
        .map(record_out)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ListOut {
        items,
        next_cursor: page.next.map(encode_cursor),
    })
    .into_response())
}

/// Cursors are opaque to clients; this one carries the position in the
/// caller's own view of the collection.
fn encode_cursor(offset: u32) -> String {
    format!("c{offset:x}")
}

fn decode_cursor(s: &str) -> Option<u32> {
    u32::from_str_radix(s.strip_prefix('c')?, 16).ok()
}

/// The body as JSON: unreadable JSON is a 400, JSON of the wrong shape a
/// 422 naming the field.
fn json_body(lang: Lang, body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice::<Value>(body)
        .map_err(|e| ApiError::bad_request(lang, "body", format!("not JSON: {e}")))
}

fn content_of(lang: Lang, t: RecordType, v: &Value) -> Result<Content, ApiError> {
    Content::from_json(t, &v.to_string()).map_err(|e| ApiError::from_service(lang, e.into()))
}

async fn create(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let value = json_body(lang, &body)?;
    let content = content_of(lang, t, &value)?;
    let service = &state.service;
    let rev = service
        .add_as(&caller.principal, now_ms(), content)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let record = service
        .get(rev.record_id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let location = format!("/api/v1/{}/{}", collection(t), rev.record_id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(record_json(&record)),
    )
        .into_response())
}

async fn get(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let (record, _) = state
        .service
        .read_as(&caller.principal, now_ms(), id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    in_collection(lang, t, &record)?;
    Ok(Json(record_json(&record)))
}

async fn update(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let value = json_body(lang, &body)?;
    let revision = match value.get("revision") {
        Some(Value::String(s)) => parse_revision(lang, "revision", s)?,
        _ => {
            return Err(ApiError::bad_request(
                lang,
                "revision",
                "send the revision you edited",
            ));
        }
    };
    let Some(content_value) = value.get("content") else {
        return Err(ApiError::bad_request(lang, "content", "missing"));
    };
    let service = &state.service;
    // Whether the caller may see and change it is for `edit_as` to decide
    // (and to audit); a record of another collection is refused there as
    // being of another type (404).
    let content = content_of(lang, t, content_value)?;
    service
        .edit_as(&caller.principal, now_ms(), id, Some(revision), content)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let record = service
        .get(id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(Json(record_json(&record)))
}

#[derive(Deserialize)]
struct DeleteQuery {
    revision: Option<String>,
}

async fn delete(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let Some(revision) = q.revision.as_deref() else {
        return Err(ApiError::bad_request(
            lang,
            "revision",
            "send the revision you are deleting",
        ));
    };
    let revision = parse_revision(lang, "revision", revision)?;
    let service = &state.service;
    let current = service
        .get(id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    in_collection(lang, t, &current)?;
    let rev = service
        .delete_as(&caller.principal, now_ms(), id, Some(revision))
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(Json(revision_json(&rev)))
}

async fn history(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let revisions = state
        .service
        .history_as(&caller.principal, now_ms(), id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    if revisions.first().is_some_and(|r| r.record_type != t) {
        return Err(ApiError::not_found(lang));
    }
    Ok(Json(json!({
        "items": revisions.iter().map(revision_json).collect::<Vec<_>>()
    })))
}

fn principal_json(p: &Principal) -> Value {
    json!({
        "name": p.name,
        "role": p.grant.role.as_str(),
        "unit": p.grant.unit.as_str(),
        "restricted": p.grant.sees_restricted(),
    })
}

async fn me(ApiCaller(caller): ApiCaller) -> Json<Value> {
    Json(principal_json(&caller.principal))
}

#[derive(Deserialize)]
struct TokenRequest {
    name: String,
    node_unit: Option<String>,
}

async fn create_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let value = json_body(lang, &body)?;
    let req: TokenRequest = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    if req.name.trim().is_empty() {
        return Err(ApiError::bad_request(lang, "name", "must not be empty"));
    }
    let (id, secret) = state
        .service
        .create_token(
            &caller.principal,
            now_ms(),
            req.name.trim(),
            req.node_unit.as_deref(),
        )
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "token": secret})),
    )
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let lang = caller.lang;
    let done = state
        .service
        .revoke_token(&caller.principal, now_ms(), &id)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(lang))
    }
}

pub(crate) fn require_admin(caller: &Principal, lang: Lang) -> Result<(), ApiError> {
    if caller.grant.is_admin() {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            lang.text("api-admin-only", &[]),
        ))
    }
}

pub(crate) fn audit_filter(
    lang: Lang,
    q: &HashMap<String, String>,
) -> Result<AuditFilter, ApiError> {
    let text = |k: &str| {
        q.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let number = |k: &str| -> Result<Option<i64>, ApiError> {
        match text(k) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad_request(lang, k, format!("not a number: {s}"))),
        }
    };
    Ok(AuditFilter {
        actor: text("actor"),
        action: text("action"),
        outcome: text("outcome"),
        record_id: text("record_id"),
        before_seq: number("before")?,
        limit: number("limit")?.unwrap_or(100).clamp(1, 1000) as u32,
    })
}

async fn audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let lang = caller.lang;
    require_admin(&caller.principal, lang)?;
    let filter = audit_filter(lang, &q)?;
    let entries = state
        .service
        .audit_entries(&filter)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(Json(json!({
        "items": entries.iter().map(|e| json!({
            "seq": e.seq, "at_ms": e.at_ms, "actor": e.actor, "action": e.action,
            "outcome": e.outcome, "record_type": e.record_type, "record_id": e.record_id,
            "unit": e.unit, "detail": e.detail,
        })).collect::<Vec<_>>()
    })))
}

/// The report scope a caller may ask for: their own unit by default; any
/// unit within what they may read; the whole store for administrators.
pub(crate) async fn report_scope(
    state: &AppState,
    caller: &Principal,
    lang: Lang,
    asked: Option<Code>,
) -> Result<Option<Code>, ApiError> {
    let org = state
        .service
        .org_shared()
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    if let Some(u) = &asked
        && org.unit(u).is_none()
    {
        return Err(ApiError::bad_request(
            lang,
            "scope",
            format!("unknown unit {u}"),
        ));
    }
    if caller.grant.is_admin() {
        return Ok(asked);
    }
    match asked {
        None => Ok(Some(caller.grant.unit.clone())),
        Some(u) if caller.grant.read_scope_ever(&org).contains(&u) => Ok(Some(u)),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            lang.text("api-scope-forbidden", &[]),
        )),
    }
}

async fn annual_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let year: i16 = q
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| ApiError::bad_request(lang, "year", "a year such as 2023"))?;
    let cutoff = match q.get("cutoff").map(String::as_str) {
        None | Some("") | Some("decree09") => Cutoff::Decree09,
        Some("calendar") => Cutoff::Calendar,
        Some(o) => return Err(ApiError::bad_request(lang, "cutoff", o.to_string())),
    };
    let asked = unit_from_query(lang, "scope", q.get("scope"))?;
    let scope = report_scope(&state, &caller.principal, lang, asked).await?;
    let review = bienphong_report::annual_review(&state.service, year, cutoff, scope.as_ref())
        .await
        .map_err(|e| report_error(lang, e))?;
    match q.get("format").map(String::as_str) {
        None | Some("") | Some("json") => {
            let text = bienphong_report::to_json(&review).map_err(|e| report_error(lang, e))?;
            Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
        }
        Some("md") => {
            let text = bienphong_report::to_markdown(&review).map_err(|e| report_error(lang, e))?;
            Ok((
                [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
                text,
            )
                .into_response())
        }
        Some(o) => Err(ApiError::bad_request(
            lang,
            "format",
            format!("{o}: use json or md"),
        )),
    }
}

pub(crate) fn report_error(lang: Lang, e: bienphong_report::ReportError) -> ApiError {
    match e {
        bienphong_report::ReportError::Service(s) => ApiError::from_service(lang, s),
        bienphong_report::ReportError::Store(s) => ApiError::from_service(lang, s.into()),
        bienphong_report::ReportError::UnknownScope(u) => {
            ApiError::bad_request(lang, "scope", format!("unknown unit {u}"))
        }
        bienphong_report::ReportError::BadPeriod(detail) => {
            ApiError::bad_request(lang, "quarter", detail)
        }
        bienphong_report::ReportError::Render(detail) => {
            tracing::error!(%detail, "report rendering failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                lang.text("api-internal", &[]),
            )
        }
    }
}

const BRIEFING_QUERY: &[(&str, &str)] = &[
    ("year", "the year"),
    ("quarter", "1–4"),
    ("scope", "unit code (default: the caller's unit)"),
    ("cutoff", "decree09 (default) or calendar"),
    (
        "due_days",
        "days after the quarter a report is due (default 5)",
    ),
];

/// The quarter a briefing request is about.
pub(crate) fn briefing_quarter(
    lang: Lang,
    q: &HashMap<String, String>,
) -> Result<bienphong_report::BriefingQuarter, ApiError> {
    // A number within `range`, or a message naming the field in the
    // reader's language.
    let number = |field: &str, range: std::ops::RangeInclusive<i32>, default: Option<i32>| {
        let bad = |value: String| {
            let e = bienphong_domain::ValidationError::new(
                field,
                bienphong_domain::Problem::UnknownValue {
                    value,
                    expected: format!("{}–{}", range.start(), range.end()),
                },
            );
            let label = lang.text(&format!("field-{field}"), &[]);
            ApiError::bad_request(lang, field, format!("{label}: {}", lang.problem_only(&e)))
        };
        match (
            q.get(field).map(|s| s.trim()).filter(|s| !s.is_empty()),
            default,
        ) {
            (None, Some(d)) => Ok(d),
            (None, None) => Err(bad(String::new())),
            (Some(s), _) => s
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| bad(s.to_string())),
        }
    };
    let year = number("year", 2000..=2100, None)?;
    let quarter = number("quarter", 1..=4, None)?;
    let due_days = number(
        "due_days",
        0..=90,
        Some(bienphong_domain::briefing::DEFAULT_DUE_DAYS),
    )?;
    let cutoff = match q.get("cutoff").map(String::as_str) {
        None | Some("") | Some("decree09") => Cutoff::Decree09,
        Some("calendar") => Cutoff::Calendar,
        Some(o) => return Err(ApiError::bad_request(lang, "cutoff", o.to_string())),
    };
    Ok(bienphong_report::BriefingQuarter {
        // Within range: checked just above.
        year: i16::try_from(year).unwrap_or(2000),
        quarter: i8::try_from(quarter).unwrap_or(1),
        cutoff,
        due_days,
    })
}

/// The unit of a briefing path, if `who` may read its reports.
pub(crate) async fn briefing_unit(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &str,
) -> Result<Code, ApiError> {
    let unit = Code::parse(unit).map_err(|p| ApiError::bad_request(lang, "unit", p.to_string()))?;
    report_scope(state, who, lang, Some(unit.clone())).await?;
    Ok(unit)
}

/// Freezes the figures of `unit`'s draft as the records give them today
/// and submits it.
pub(crate) async fn submit_briefing(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &Code,
    quarter: bienphong_report::BriefingQuarter,
    expected: Option<RevisionId>,
) -> Result<bienphong_domain::Revision, ApiError> {
    let stored = state
        .service
        .briefing_report(unit, quarter.year, quarter.quarter)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?
        .ok_or_else(|| ApiError::not_found(lang))?;
    let period = bienphong_report::BriefingQuarter {
        cutoff: stored.report.cutoff,
        ..quarter
    }
    .period()
    .map_err(|e| report_error(lang, e))?;
    let figures = bienphong_report::key_figures(&state.service, unit, period)
        .await
        .map_err(|e| report_error(lang, e))?;
    state
        .service
        .submit_briefing_as(
            who,
            now_ms(),
            stored.record.record_id,
            expected,
            figures,
            crate::ui::today(),
        )
        .await
        .map_err(|e| ApiError::from_service(lang, e))
}

async fn briefing_roll(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let quarter = briefing_quarter(lang, &q)?;
    let asked = unit_from_query(lang, "scope", q.get("scope"))?;
    let scope = report_scope(&state, &caller.principal, lang, asked).await?;
    let roll = bienphong_report::briefing_roll(
        &state.service,
        scope.as_ref(),
        quarter,
        crate::ui::today(),
    )
    .await
    .map_err(|e| report_error(lang, e))?;
    Ok(Json(roll).into_response())
}

async fn briefing_view(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(unit): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let quarter = briefing_quarter(lang, &q)?;
    let unit = briefing_unit(&state, &caller.principal, lang, &unit).await?;
    let view = bienphong_report::briefing_view(&state.service, &unit, quarter, crate::ui::today())
        .await
        .map_err(|e| report_error(lang, e))?;
    Ok(Json(view).into_response())
}

#[derive(serde::Deserialize, Default)]
struct SubmitBody {
    revision: Option<String>,
}

async fn briefing_submit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(unit): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let quarter = briefing_quarter(lang, &q)?;
    let unit = briefing_unit(&state, &caller.principal, lang, &unit).await?;
    let body: SubmitBody = if body.iter().all(u8::is_ascii_whitespace) {
        SubmitBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?
    };
    let expected = match body.revision {
        None => None,
        Some(r) => Some(
            r.parse::<RevisionId>()
                .map_err(|_| ApiError::bad_request(lang, "revision", r.clone()))?,
        ),
    };
    let rev = submit_briefing(&state, &caller.principal, lang, &unit, quarter, expected).await?;
    Ok(Json(serde_json::json!({
        "record_id": rev.record_id.to_string(),
        "revision": rev.id.to_string(),
    }))
    .into_response())
}

fn sync_error(lang: Lang, e: bienphong_sync::SyncError) -> ApiError {
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

fn sync_answer<T: serde::Serialize>(lang: Lang, message: &T) -> Result<Response, ApiError> {
    let bytes = bienphong_sync::wire::encode(message).map_err(|e| sync_error(lang, e))?;
    Ok((
        [(header::CONTENT_TYPE, bienphong_sync::wire::CONTENT_TYPE)],
        bytes,
    )
        .into_response())
}

/// A sync route: the zstd-compressed JSON request decoded, answered, and
/// the answer encoded the same way.
async fn sync_route<Req, Resp, Fut>(
    lang: Lang,
    body: &[u8],
    answer: impl FnOnce(Req) -> Fut,
) -> Result<Response, ApiError>
where
    Req: serde::de::DeserializeOwned,
    Resp: serde::Serialize,
    Fut: std::future::Future<Output = bienphong_sync::Result<Resp>>,
{
    let request = bienphong_sync::wire::decode(body).map_err(|e| sync_error(lang, e))?;
    let answer = answer(request).await.map_err(|e| sync_error(lang, e))?;
    sync_answer(lang, &answer)
}

async fn sync_offer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    sync_route(caller.lang, &body, |request| {
        bienphong_sync::server::offer(&state.service, request)
    })
    .await
}

async fn sync_push(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    sync_route(caller.lang, &body, |request| {
        bienphong_sync::server::answer_push(&state.service, &caller.principal, now_ms(), request)
    })
    .await
}

async fn sync_pull(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    sync_route(caller.lang, &body, |request| {
        bienphong_sync::server::answer_pull(&state.service, &caller.principal, now_ms(), request)
    })
    .await
}

/// A node as the status page and `GET /api/v1/sync/status` show it.
#[derive(serde::Serialize)]
pub(crate) struct PeerOut {
    pub node_id: String,
    /// The last characters of the node id (its random part: the first
    /// ones are the time it was made, alike for nodes set up together).
    pub short_id: String,
    pub unit: String,
    pub unit_name: String,
    pub actor: String,
    pub last_sync_ms: Option<i64>,
    /// `dd/mm/yyyy HH:MM`, Vietnam's time.
    pub last_sync: Option<String>,
    pub last_pull_ms: Option<i64>,
    pub pull_cursor: i64,
    pub last_push_ms: Option<i64>,
    pub revisions_received: i64,
    pub waiting: u64,
    /// `false`: the count stopped at the scan limit; at least `waiting`.
    pub waiting_exact: bool,
}

#[derive(serde::Serialize)]
pub(crate) struct AttemptOut {
    pub at_ms: i64,
    pub at: String,
    pub pushed: Option<usize>,
    pub applied: Option<usize>,
    pub error: Option<String>,
}

#[derive(serde::Serialize)]
pub(crate) struct BackgroundOut {
    pub every_s: u64,
    /// A sync under way (with the link down it retries for a while).
    pub running_since_ms: Option<i64>,
    pub running_since: Option<String>,
    pub last_attempt: Option<AttemptOut>,
}

#[derive(serde::Serialize)]
pub(crate) struct NodeOut {
    pub node_id: String,
    pub server: String,
    pub last_sync_ms: Option<i64>,
    pub last_sync: Option<String>,
    pub push_cursor: i64,
    pub pull_cursor: i64,
    pub waiting_to_push: u64,
    pub pulled: u64,
    /// `serve --sync-every`, when it runs in this process.
    pub background: Option<BackgroundOut>,
}

#[derive(serde::Serialize)]
pub(crate) struct SyncStatusOut {
    /// This installation.
    pub node_id: String,
    /// The nodes that synced with this installation, most recently seen first.
    pub nodes: Vec<PeerOut>,
    /// This installation as a field node (`sync.json` in its data directory).
    pub node: Option<NodeOut>,
}

/// The sync status, for administrators: the sync crate counts, this only
/// names units and formats times.
pub(crate) async fn sync_status_of(
    state: &AppState,
    who: &Principal,
    lang: Lang,
) -> Result<SyncStatusOut, ApiError> {
    let service = &state.service;
    let node_state = match &state.config.node_dir {
        Some(dir) => bienphong_sync::status::node_status(service.store(), dir)
            .await
            .map_err(|e| sync_error(lang, e))?,
        None => None,
    };
    // The nodes a server serves are the administrators' to see; a node's
    // own status is everyone's there.
    if node_state.is_none() {
        require_admin(who, lang)?;
    }
    let peers = if who.grant.is_admin() {
        bienphong_sync::status::server_status(service)
            .await
            .map_err(|e| sync_error(lang, e))?
    } else {
        Vec::new()
    };
    let org = service
        .org_shared()
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let shown = |ms: Option<i64>| ms.map(crate::ui::when);
    let nodes = peers
        .into_iter()
        .map(|p| PeerOut {
            short_id: p.node_id[p.node_id.len().saturating_sub(8)..].to_string(),
            unit_name: crate::ui::unit_name(&org, &p.unit, lang),
            last_sync: shown(p.last_sync_ms),
            node_id: p.node_id,
            unit: p.unit,
            actor: p.actor,
            last_sync_ms: p.last_sync_ms,
            last_pull_ms: p.last_pull_ms,
            pull_cursor: p.pull_cursor,
            last_push_ms: p.last_push_ms,
            revisions_received: p.revisions_received,
            waiting: p.waiting.count,
            waiting_exact: p.waiting.exact,
        })
        .collect();
    let node = node_state.map(|n| NodeOut {
        last_sync: shown(n.last_sync_ms),
        node_id: n.node_id,
        server: n.server,
        last_sync_ms: n.last_sync_ms,
        push_cursor: n.push_cursor,
        pull_cursor: n.pull_cursor,
        waiting_to_push: n.waiting_to_push,
        pulled: n.pulled,
        background: state.background_sync.as_ref().map(|b| BackgroundOut {
            every_s: b.every.as_secs(),
            running_since_ms: b.running_since(),
            running_since: shown(b.running_since()),
            last_attempt: b.last().map(|a| AttemptOut {
                at: crate::ui::when(a.at_ms),
                at_ms: a.at_ms,
                pushed: a.pushed,
                applied: a.applied,
                error: a.error,
            }),
        }),
    });
    Ok(SyncStatusOut {
        node_id: service.store().node_id().to_string(),
        nodes,
        node,
    })
}

async fn sync_status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<SyncStatusOut>, ApiError> {
    let lang = caller.lang;
    Ok(Json(sync_status_of(&state, &caller.principal, lang).await?))
}

async fn conflicts_list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let views = state
        .service
        .conflicts_as(&caller.principal)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(Json(views.iter().map(|v| v.to_json()).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize)]
struct ResolutionBody {
    take: String,
    #[serde(default)]
    fields: HashMap<String, String>,
}

/// A revision id given in a request, or a 400 naming the field.
fn revision_in(lang: Lang, field: &str, value: &str) -> Result<RevisionId, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request(lang, field, value.to_string()))
}

/// A resolution from the revision to keep and, per field, the revision to
/// take it from (empty: from the one kept).
pub(crate) fn resolution_from<'a>(
    lang: Lang,
    take: &str,
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<bienphong_service::Resolution, ApiError> {
    let mut picked = Vec::new();
    for (name, rev) in fields {
        if !rev.trim().is_empty() {
            picked.push((name.to_string(), revision_in(lang, name, rev)?));
        }
    }
    picked.sort();
    Ok(bienphong_service::Resolution {
        take: revision_in(lang, "take", take)?,
        fields: picked,
    })
}

async fn conflict_resolve(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let record: RecordId = id.parse().map_err(|_| ApiError::not_found(lang))?;
    let body: ResolutionBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    let resolution = resolution_from(
        lang,
        &body.take,
        body.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    let rev = state
        .service
        .resolve_as(&caller.principal, now_ms(), record, &resolution)
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(Json(json!({
        "record_id": rev.record_id.to_string(),
        "revision": rev.id.to_string(),
        "parents": rev.parents.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "deleted": rev.deleted,
    }))
    .into_response())
}
