//! The OpenAPI 3 document, built from the route table (`routes.rs`).

use crate::routes::api_routes;
use axum::Json;
use axum::http::StatusCode;
use bienphong_domain::RecordType;
use serde_json::{Value, json};

pub async fn serve() -> Json<Value> {
    Json(openapi_document())
}

pub fn content_schema(t: RecordType) -> &'static str {
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
                "session": {"type": "apiKey", "in": "cookie", "name": crate::extract::SESSION_COOKIE},
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
