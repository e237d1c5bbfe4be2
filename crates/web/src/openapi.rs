//! The OpenAPI 3 document, built from the route table (`routes.rs`).

use crate::routes::api_routes;
use axum::Json;
use axum::http::{Method, StatusCode};
use bienphong_domain::RecordType;
use serde_json::{Value, json};

const DESCRIPTION: &str = "Records and reports of the coordinated work of Vietnam's border areas.\n\n\
Errors: every error of the API, whatever its status (413 and 414 included), is an RFC 9457 \
problem (application/problem+json, schema Problem); `code` is the machine code, `detail` the \
message in the caller's language.\n\n\
Paging: a list answers at most `limit` records and a `next_cursor`; send it back as `cursor` \
for the next page. Cursors are opaque; a page goes on after the previous page's last record.\n\n\
Concurrency: GET of a record answers its ETag (the current head revision, quoted); PUT and \
DELETE send it in If-Match (or the revision in the body or query, as before): a stale one is \
412 with If-Match (409 `stale` with the body's revision), and nothing is written. A record \
changed on two nodes before a sync is in conflict (409 `in_conflict`) until it is resolved.\n\n\
Confirmation: a record write with values possible but unlikely (more than 200 persons of one \
force on a patrol, a seizure or an amount far above usual) is answered 422 `needs_confirmation` \
with the values in `doubts`, and nothing is written; the same request with the query parameter \
`confirm=true` writes it. Hard limits (`maximum`, `maxLength`) are refused even when confirmed.\n\n\
Credentials: a bearer token, or the web UI's session cookie with the X-CSRF-Token header on \
every POST, PUT and DELETE.";

pub async fn serve(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
) -> Json<Value> {
    let mut doc = openapi_document();
    // The limit this server was configured with, where the default was.
    with_attachment_limit(&mut doc, state.config.max_attachment_bytes);
    Json(doc)
}

/// States `max` bytes as the limit of an attached file.
pub fn with_attachment_limit(doc: &mut Value, max: u64) {
    let file = &mut doc["components"]["schemas"]["AttachmentUpload"]["properties"]["file"];
    file["maxLength"] = json!(max);
    file["description"] = json!(format!(
        "the file, at most {max} bytes ({}; larger is refused with 413 before it is read \
         whole). Its type is read from its bytes, not its name: PDF, DOCX, XLSX, ODT, ODS, \
         JPEG, PNG or UTF-8 plain text; any other (an executable, a web page) is refused \
         with 422 naming the type found.",
        bienphong_domain::attachment::size_text(max)
    ));
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
        RecordType::Attachment => "Attachment",
        RecordType::Signoff => "SignoffRecord",
    }
}

const PROBLEM: &str = "#/components/schemas/Problem";

/// An answer with `schema`, or without a body; statuses from 400 up are
/// problems (`error.rs`), every one the same shape.
fn response(status: u16, schema: Option<&str>, etag: bool) -> Value {
    let mut r = json!({"description": status_text(status)});
    if status >= 400 {
        r["content"] = json!({crate::error::PROBLEM_JSON: {"schema": {"$ref": PROBLEM}}});
    } else if let Some(schema) = schema {
        r["content"] = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}});
    }
    if etag && (200..300).contains(&status) {
        r["headers"] = json!({"ETag": {
            "description": "the record's current head revision, quoted (a strong ETag): \
                send it back in If-Match to change or delete this revision",
            "schema": {"type": "string"}}});
    }
    r
}

/// The OpenAPI 3 document of [`api_routes`].
pub fn openapi_document() -> Value {
    let mut paths: serde_json::Map<String, Value> = serde_json::Map::new();
    for r in api_routes() {
        let mut params: Vec<Value> = Vec::new();
        for segment in r.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let schema = match name {
                    "id" => json!({"type": "string", "format": "uuid"}),
                    // A unit's code, as one path segment.
                    "unit" => json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}),
                    _ => json!({"type": "string"}),
                };
                params
                    .push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
            }
        }
        for (name, description) in r.query {
            let required = r.required.contains(name);
            let mut schema = crate::params::schema(&r.path, name);
            // An optional parameter sent empty is as if not sent (as a
            // form sends a field left blank).
            if !required && schema != json!({"type": "string"}) {
                schema = match schema.as_object_mut() {
                    Some(string) if string.get("type") == Some(&json!("string")) => {
                        string.remove("type");
                        json!({"type": "string", "anyOf": [string, {"maxLength": 0}]})
                    }
                    _ => json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]}),
                };
            }
            params.push(json!({"name": name, "in": "query", "required": required, "description": description, "schema": schema}));
        }
        let writes = !r.method.is_safe();
        if r.etag && (r.method == Method::PUT || r.method == Method::DELETE) {
            params.push(
                json!({"name": "If-Match", "in": "header", "required": false,
                "description": "the ETag of the revision you change (from GET): a stale one is \
                    answered 412 and nothing is written. `*` or none: as without the header \
                    (the revision is then required in the body or query). When both this and \
                    the revision field are sent they must name the same revision, else 412.",
                "schema": {"type": "string"}}),
            );
        }
        let mut responses = serde_json::Map::new();
        let mut statuses: Vec<u16> = r.statuses.to_vec();
        if !r.public {
            statuses.push(401);
            // A session without its CSRF token is refused before the
            // route is looked at.
            if writes {
                statuses.push(403);
            }
        }
        if r.path.starts_with("/api/") {
            statuses.push(414);
        }
        if r.body.is_some() {
            statuses.push(413);
        }
        statuses.sort_unstable();
        statuses.dedup();
        for s in statuses {
            responses.insert(s.to_string(), response(s, r.response, r.etag));
        }
        let mut op = json!({
            "summary": r.summary,
            "tags": [r.tag],
            "operationId": format!("{} {}", r.method, r.path),
            "parameters": params,
            "responses": responses,
        });
        if let Some(schema) = r.body {
            // A codes file is sent as it is, CSV or XLSX.
            let media = if (r.file_upload && r.path.starts_with("/api/v1/sync/"))
                || r.path == "/api/v1/org/codes"
                || r.path == "/api/v1/map/places"
            {
                "application/octet-stream"
            } else if r.file_upload {
                "multipart/form-data"
            } else {
                "application/json"
            };
            op["requestBody"] = json!({"required": true, "content": {media: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        if !r.public {
            op["security"] = if writes {
                json!([{"bearer": []}, {"session": [], "csrf": []}])
            } else {
                json!([{"bearer": []}, {"session": []}])
            };
        }
        let entry = paths.entry(r.path.clone()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_lowercase()] = op;
    }
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Problem".into(),
        json!({"type": "object", "required": ["type", "title", "status", "detail", "code", "message", "fields"],
            "description": "Every API error (RFC 9457, application/problem+json).",
            "properties": {
                "type": {"type": "string", "description": "always about:blank: the status is the kind of problem"},
                "title": {"type": "string", "description": "the status's phrase (Not Found, Precondition Failed…)"},
                "status": {"type": "integer", "description": "the HTTP status"},
                "detail": {"type": "string", "description": "what went wrong, in the caller's language (Accept-Language)"},
                "code": {"type": "string", "description": "the machine code: bad_request, unauthenticated, \
                    forbidden, csrf, not_found, no_route, deleted, method_not_allowed, stale, in_conflict, \
                    not_in_conflict, exists, precondition_failed, too_large, uri_too_long, timeout, invalid, \
                    needs_confirmation (send the write again with confirm=true), internal…"},
                "message": {"type": "string", "description": "the same as detail (the member's name before problems)"},
                "fields": {"type": "array", "description": "the fields or parameters at fault",
                    "items": {"type": "object", "required": ["field", "message"], "properties": {
                        "field": {"type": "string"}, "message": {"type": "string"}}}},
                "doubts": {"type": "array", "description": "needs_confirmation only: the values \
                    possible but unlikely, each by its field (many_persons, large_seizure, large_amount, above_unit_history)",
                    "items": {"type": "object", "required": ["field", "code", "value", "threshold", "message"],
                        "properties": {"field": {"type": "string"}, "code": {"type": "string"},
                            "value": {"type": "string"}, "threshold": {"type": "string"},
                            "message": {"type": "string"}}}}}}),
    );
    schemas.insert(
        "Record".into(),
        json!({"type": "object", "required": ["id", "type", "revision", "content"], "properties": {
            "id": {"type": "string"},
            "type": {"type": "string"},
            "revision": {"type": "string", "description": "the current head revision (the ETag, unquoted)"},
            "date": {"type": "string", "nullable": true},
            "content": {"type": "object"}}}),
    );
    schemas.insert(
        "RecordList".into(),
        json!({"type": "object", "required": ["items", "next_cursor"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}},
            "next_cursor": {"type": "string", "nullable": true,
                "description": "opaque: send it as cursor for the next page; null on the last page. \
                    The next page goes on strictly after this page's last record (by date, then id), \
                    so records added or deleted meanwhile make no record that existed throughout \
                    appear twice or not at all."}}}),
    );
    schemas.insert(
        "Revision".into(),
        json!({"type": "object", "required": ["id", "record_id", "type", "parents", "node", "author", "created_ms", "deleted"], "properties": {
            "id": {"type": "string"}, "record_id": {"type": "string"}, "type": {"type": "string"},
            "parents": {"type": "array", "items": {"type": "string"}},
            "node": {"type": "string"}, "author": {"type": "string"},
            "created_ms": {"type": "integer"}, "deleted": {"type": "boolean"},
            "content": {"type": "object", "nullable": true}}}),
    );
    schemas.insert(
        "History".into(),
        json!({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Revision"}}}}),
    );
    schemas.insert(
        "UpdateRequest".into(),
        json!({"type": "object", "required": ["content", "revision"], "properties": {
            "revision": {"type": "string", "format": "uuid", "description": "the revision the edit is based on \
                (the server also takes a request without it when If-Match names it)"},
            "content": {"type": "object"}}}),
    );
    schemas.insert(
        "TokenRequest".into(),
        json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "minLength": 1, "pattern": "[^\\s]"},
            "node_unit": {"type": "string", "nullable": true, "pattern": "^[A-Za-z0-9._/-]{1,64}$",
                "description": "administrators: a token for a node of this unit"},
            "expires_in_days": {"type": "integer", "minimum": 1, "maximum": crate::resources::tokens::MAX_DAYS,
                "description": "the token is refused after this many days; none: it lives until revoked"},
            "ends_with_password": {"type": "boolean",
                "description": "the owner's next password change revokes it (not for a node's token)"}},
            "additionalProperties": false}),
    );
    schemas.insert(
        "TokenList".into(),
        json!({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}}),
    );
    schemas.insert("Token".into(), json!({"type": "object",
                "required": ["id", "name", "owner", "role", "unit", "restricted", "node_id", "created_by", "created_ms",
                    "last_used_ms", "expires_ms", "ends_with_password", "revoked_ms"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "owner": {"type": "string", "nullable": true, "description": "the account it acts as; null for a node's token"},
                    "role": {"type": "string"},
                    "unit": {"type": "string"},
                    "restricted": {"type": "boolean", "description": "reads and writes personal data"},
                    "node_id": {"type": "string", "nullable": true},
                    "created_by": {"type": "string"},
                    "created_ms": {"type": "integer"},
                    "last_used_ms": {"type": "integer", "nullable": true, "description": "to the minute"},
                    "expires_ms": {"type": "integer", "nullable": true},
                    "ends_with_password": {"type": "boolean"},
                    "revoked_ms": {"type": "integer", "nullable": true}}}));
    schemas.insert(
        "SubjectRequestNew".into(),
        json!({"type": "object", "required": ["person", "kind"], "properties": {
            "person": {"type": "string", "minLength": 1},
            "kind": {"type": "string", "enum": bienphong_domain::personal::REQUEST_KINDS},
            "received": {"type": "string", "description": "DD/MM/YYYY or YYYY-MM-DD (default: today)"}},
            "additionalProperties": false}),
    );
    schemas.insert(
        "SubjectRequestHandling".into(),
        json!({"type": "object", "required": ["state"], "properties": {
            "state": {"type": "string", "enum": bienphong_domain::personal::REQUEST_STATES},
            "note": {"type": "string"}},
            "additionalProperties": false}),
    );
    schemas.insert(
        "SubjectRequest".into(),
        json!({"type": "object",
            "required": ["id", "person", "kind", "received_on", "due_on", "state", "note", "received_by", "received_ms",
                "handled_by", "handled_ms"],
            "properties": {
                "id": {"type": "string"}, "person": {"type": "string"}, "kind": {"type": "string"},
                "received_on": {"type": "string", "format": "date"},
                "due_on": {"type": "string", "format": "date", "description": "two working days after it was received (Saturdays and Sundays skipped; public holidays are not known)"},
                "state": {"type": "string"}, "note": {"type": "string"},
                "received_by": {"type": "string"}, "received_ms": {"type": "integer"},
                "handled_by": {"type": "string", "nullable": true}, "handled_ms": {"type": "integer", "nullable": true}}}),
    );
    schemas.insert(
        "SubjectRequestList".into(),
        json!({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/SubjectRequest"}}}}),
    );
    schemas.insert(
        "PersonData".into(),
        json!({"type": "object", "required": ["person", "records", "requests"], "properties": {
            "person": {"type": "string"},
            "records": {"type": "array", "items": {"type": "object",
                "required": ["record_id", "record_type", "current", "history"],
                "properties": {
                    "record_id": {"type": "string"}, "record_type": {"type": "string"},
                    "current": {"type": "object", "nullable": true},
                    "history": {"type": "array", "items": {"type": "object",
                        "required": ["id", "created_ms", "author", "deleted", "content"],
                        "properties": {"id": {"type": "string"}, "created_ms": {"type": "integer"},
                            "author": {"type": "string"}, "deleted": {"type": "boolean"},
                            "content": {"type": "object", "nullable": true}}}}}}},
            "requests": {"type": "array", "items": {"$ref": "#/components/schemas/SubjectRequest"}}}}),
    );
    schemas.insert(
        "ErasureRequest".into(),
        json!({"type": "object", "required": ["person"], "properties": {
            "person": {"type": "string", "minLength": 1},
            "request": {"type": "string", "description": "the request this answers (marked answered)"}},
            "additionalProperties": false}),
    );
    schemas.insert(
        "Erasures".into(),
        json!({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"type": "object",
                "required": ["record_id", "record_type", "revision_id", "cleared"],
                "properties": {"record_id": {"type": "string"}, "record_type": {"type": "string"},
                    "revision_id": {"type": "string"}, "cleared": {"type": "integer"}}}}}}),
    );
    schemas.insert(
        "TokenGrant".into(),
        json!({"type": "object", "properties": {
            "unit": {"type": "string", "pattern": "^[A-Za-z0-9._/-]{1,64}$", "description": "the unit it acts for from now on"},
            "restricted": {"type": "boolean", "description": "reads and writes personal data"}},
            "additionalProperties": false}),
    );
    schemas.insert(
        "ChangeSet".into(),
        json!({"type": "object", "required": ["effective", "title", "changes"],
            "description": "A reorganisation: every change effective on one date (docs/org-changes.md)",
            "properties": {
                "effective": {"type": "string", "format": "date", "description": "the first day of the new organisation"},
                "title": {"type": "string", "minLength": 1},
                "note": {"type": "string"},
                "changes": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["op"],
                    "description": "create {code, kind, name, parent?}; merge {units, into}; split {unit, into}; \
                        rename {unit, name}; reparent {unit, parent}; abolish {unit, successors?}; coordinate {from, to}",
                    "properties": {"op": {"type": "string",
                        "enum": ["create", "merge", "split", "rename", "reparent", "abolish", "coordinate"]}}}}}}),
    );
    let org_change = json!({"type": "object",
        "required": ["id", "effective", "title", "author", "created_ms", "revisions"], "properties": {
            "id": {"type": "string"}, "effective": {"type": "string", "format": "date"},
            "title": {"type": "string"}, "author": {"type": "string"},
            "created_ms": {"type": "integer"},
            "revisions": {"type": "array", "items": {"type": "string"}, "description": "the revisions it wrote"}}});
    let mut nullable_change = org_change.clone();
    nullable_change["nullable"] = json!(true);
    nullable_change["description"] =
        json!("the entry of the organisation's history; null on a dry run");
    schemas.insert(
        "OrgChanges".into(),
        json!({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": org_change}}}),
    );
    schemas.insert(
        "OrgChangeResult".into(),
        json!({"type": "object", "required": ["dry_run", "effective", "title", "writes", "plan", "change"],
            "properties": {
                "dry_run": {"type": "boolean"},
                "effective": {"type": "string", "format": "date"},
                "title": {"type": "string"},
                "writes": {"type": "integer", "description": "unit and link revisions written (or that would be)"},
                "plan": {"type": "array", "items": {"type": "string"}, "description": "each of them, worded"},
                "change": nullable_change}}),
    );
    schemas.insert(
        "CodesFile".into(),
        json!({"type": "string", "format": "binary",
            "description": "a CSV or XLSX file: a header row (unit, or code, name, level, parent_code; \
                admin_code, valid_from, valid_to, agency_id), then one row per code (docs/codes.md)"}),
    );
    let admin_code = json!({"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string"},
        "valid_from": {"type": "string", "format": "date"},
        "valid_to": {"type": "string", "format": "date"}}});
    schemas.insert(
        "OrgCodesResult".into(),
        json!({"type": "object", "required": ["dry_run", "written", "changed", "skipped"],
            "properties": {
                "dry_run": {"type": "boolean"},
                "written": {"type": "boolean"},
                "changed": {"type": "array", "description": "the units whose codes change (or would), as they become",
                    "items": {"type": "object", "required": ["code", "name", "admin_codes"], "properties": {
                        "code": {"type": "string"}, "name": {"type": "string"},
                        "admin_codes": {"type": "array", "items": admin_code},
                        "agency_id": {"type": "string", "nullable": true}}}},
                "skipped": {"type": "array", "items": {"type": "string"},
                    "description": "line: name of each row naming no unit of the organisation, passed over"}}}),
    );
    schemas.insert(
        "Resolution".into(),
        json!({"type": "object", "required": ["take"], "properties": {
            "take": {"type": "string", "format": "uuid", "description": "the version (revision id) to keep"},
            "fields": {"type": "object", "additionalProperties": {"type": "string", "format": "uuid"},
                "description": "field name → the version to take that field from"}}}),
    );
    for (name, description) in [
        ("SyncOffer", "zstd-compressed JSON {ids: [revision id]}"),
        ("SyncPush", "zstd-compressed JSON {revisions: [revision]}"),
        (
            "SyncPull",
            "zstd-compressed JSON {after, limit, exclude_node, node, installation, pending, ids}; \
             with ids, those revisions of records the grant may hold (a node reconciling its set); \
             the answer {revisions, next, more, server_node, grant, scope_changed}",
        ),
        (
            "SyncTakeover",
            "zstd-compressed JSON {node, installation: {current, next}}",
        ),
        ("SyncCheck", "zstd-compressed JSON {ids_for: [record type]}"),
        (
            "SyncBlobOffer",
            "zstd-compressed JSON {have: [sha256], want: [sha256]}",
        ),
        ("SyncBlob", "a file's bytes (application/octet-stream)"),
    ] {
        schemas.insert(
            name.into(),
            json!({"type": "string", "format": "binary", "description": description}),
        );
    }
    attachment_schemas(&mut schemas);
    for (name, schema) in crate::resources::signoff::schemas()
        .into_iter()
        .chain(crate::resources::edxml::schemas())
    {
        schemas.insert(name.into(), schema);
    }
    for t in RecordType::ALL
        .into_iter()
        .filter(|t| *t != RecordType::Attachment)
    {
        schemas.insert(content_schema(t).into(), {
            let mut schema = bienphong_domain::fields::json_schema(t);
            schema["description"] = json!(format!(
                "the content of a {t} record, as `bienphong show {t}` prints it"
            ));
            // The `type` of the records whose content this is.
            schema["x-record-type"] = json!(t.as_str());
            schema
        });
    }
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "bienphong", "version": env!("CARGO_PKG_VERSION"),
                 "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                    "description": "an API token (POST /api/v1/tokens), sent as Authorization: Bearer …"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::extract::SESSION_COOKIE,
                    "description": "the web UI's session cookie (sign in at /login)"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "with the session cookie, every POST, PUT and DELETE also sends \
                        the session's CSRF token (csrf_token in GET /api/v1/me, or the csrf field \
                        of any page's forms); without it the call is refused with 403, code csrf. \
                        Calls with a bearer token need no CSRF token."},
            }
        }
    });
    with_attachment_limit(&mut doc, bienphong_domain::attachment::DEFAULT_MAX_BYTES);
    doc
}

/// The schemas of attached files (`resources/attachments.rs`).
fn attachment_schemas(schemas: &mut serde_json::Map<String, Value>) {
    schemas.insert(
        "Attachment".into(),
        json!({"type": "object", "required": ["record", "name", "hash", "content_type", "size"],
            "description": "the content of an attachment record: the link from a record to a file \
                (history and sync like any record; the bytes travel apart, by hash)",
            "x-record-type": "attachment",
            "properties": {
                "record": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "content_type": {"type": "string"},
                "size": {"type": "integer", "minimum": 1}}}),
    );
    schemas.insert(
        "AttachmentItem".into(),
        json!({"type": "object",
            "required": ["hash", "name", "content_type", "size", "size_text", "by", "created_ms", "present", "link", "href"],
            "properties": {
                "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                    "description": "SHA-256 of the bytes: the same file on two records is kept once"},
                "name": {"type": "string", "description": "the file name as given (NFC)"},
                "content_type": {"type": "string", "description": "read from the bytes when attached"},
                "size": {"type": "integer"},
                "size_text": {"type": "string", "description": "the size as people read it: 1,2 MB"},
                "by": {"type": "string"},
                "created_ms": {"type": "integer"},
                "present": {"type": "boolean",
                    "description": "false on a node that left the file on its server (deferred)"},
                "link": {"type": "string", "format": "uuid", "description": "the attachment record"},
                "href": {"type": "string", "description": "where to download it"}}}),
    );
    schemas.insert(
        "AttachmentList".into(),
        json!({"type": "object", "required": ["items", "max_bytes"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/AttachmentItem"}},
            "max_bytes": {"type": "integer", "description": "the largest file this server takes"}}}),
    );
    schemas.insert(
        "AttachmentUpload".into(),
        json!({"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "means": {"type": "string", "enum": ["foot", "motorbike", "boat"],
                "description": "a GPX on a patrol: how the patrol moved (foot by default)"},
            "confirm": {"type": "string", "enum": ["0", "1"],
                "description": "a GPX on a patrol: keep a track faster than the means plausibly goes"}}}),
    );
    schemas.insert(
        "PlacesFile".into(),
        json!({"type": "string", "format": "binary",
            "description": "a CSV of points (type, code, post, lat, lon, optionally commune) or a GeoJSON \
                FeatureCollection of points (markers, posts; a marker's property commune names the commune \
                it stands in by unit code or administrative code), areas (Polygon, MultiPolygon; rings \
                closed and not crossing themselves) and border lines (LineString, MultiLineString), each \
                area or line keyed by the property code or admin_code"}),
    );
    schemas.insert(
        "PlacesResult".into(),
        json!({"type": "object", "required": ["points", "shapes", "records", "areas", "borders"],
            "properties": {
                "points": {"type": "integer", "description": "points read"},
                "shapes": {"type": "integer", "description": "areas and lines read"},
                "records": {"type": "integer", "description": "markers and units changed"},
                "areas": {"type": "integer"},
                "borders": {"type": "integer"}}}),
    );
    schemas.insert(
        "MapLayers".into(),
        json!({"type": "object", "required": ["type", "features", "from", "to", "stale_days", "tolerance_m"],
            "description": "a GeoJSON FeatureCollection; each feature's properties.layer is post, marker, track, area (a unit's MultiPolygon) or border (a unit's MultiLineString)",
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"type": "object"}},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "stale_days": {"type": "integer"},
                "tolerance_m": {"type": "number"}}}),
    );
}

fn status_text(s: u16) -> &'static str {
    StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}
