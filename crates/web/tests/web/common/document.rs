//! Every API answer of the tests against the served OpenAPI document: the
//! status is one the document lists for that operation, and a JSON body is
//! valid against the schema the document gives it there (its `$ref`s
//! resolved in the document's components).

use super::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The document as the server serves it, fetched once per test binary
/// (it is built from the route table, the same for every server).
async fn served(app: &TestApp) -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    if let Some(doc) = DOC.get() {
        return doc;
    }
    let r = super::http()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the OpenAPI document is served");
    let doc: Value = r.json().await.unwrap();
    DOC.get_or_init(|| doc)
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema says it: `null` is one
/// more type the value may have.
fn as_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| (k.clone(), as_json_schema(v)))
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".into(), json!([t, "null"]));
                    }
                    Some(_) => {}
                    None => {
                        let any = Value::Object(out);
                        return json!({"anyOf": [any, {"type": "null"}]});
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(as_json_schema).collect()),
        other => other.clone(),
    }
}

/// The document's path template that `path` fills, the one with the most
/// literal segments when several do (`/api/v1/me` before `/api/v1/{x}`).
fn template_of<'a>(doc: &'a Value, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()?
        .keys()
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') && part.ends_with('}') {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// `body` against `schema` of the document `doc`; the errors found.
fn errors_of(doc: &Value, schema: &Value, body: &Value) -> Vec<String> {
    let mut root = as_json_schema(schema);
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), as_json_schema(&doc["components"]));
    }
    let validator = jsonschema::validator_for(&root)
        .unwrap_or_else(|e| panic!("the document's schema {schema} is no schema: {e}"));
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Checks one answer of the API against the served document: `method`
/// and `path` (with or without its query) as asked, the answer's status,
/// media type and body (a JSON value, or the text as a string when it was
/// no JSON). Panics, saying what differs, when the document does not list
/// the status for that operation or the body breaks its schema. A path or
/// method the document does not have may only be refused (404, 405) with
/// a problem.
pub async fn check_answer(
    app: &TestApp,
    method: &Method,
    path: &str,
    status: StatusCode,
    media_type: Option<&str>,
    body: &Value,
) {
    let doc = served(app).await;
    let found = violations(doc, method, path, status, media_type, body);
    assert!(
        found.is_empty(),
        "{method} {path} answered {status} against the document: {found:?}\n{body}"
    );
}

/// What in one answer contradicts the document `doc` (nothing: empty).
pub fn violations(
    doc: &Value,
    method: &Method,
    path: &str,
    status: StatusCode,
    media_type: Option<&str>,
    body: &Value,
) -> Vec<String> {
    let path = path.split('?').next().unwrap_or(path);
    let json_answer = media_type.is_some_and(|t| t.contains("json"));
    let operation = template_of(doc, path)
        .map(|t| &doc["paths"][t][method.as_str().to_lowercase()])
        .filter(|op| op.is_object());
    let Some(operation) = operation else {
        if !matches!(status.as_u16(), 404 | 405) {
            return vec![format!(
                "{method} {path} is not in the document, yet not refused"
            )];
        }
        let problem = json!({"$ref": "#/components/schemas/Problem"});
        return errors_of(doc, &problem, body);
    };
    let listed = &operation["responses"][status.as_str()];
    let response = if listed.is_object() {
        listed
    } else {
        &operation["responses"]["default"]
    };
    if !response.is_object() {
        let statuses: Vec<&String> = operation["responses"]
            .as_object()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        return vec![format!(
            "status {status} is not listed (the document lists {statuses:?})"
        )];
    }
    let Some(media_type) = media_type.filter(|_| json_answer) else {
        return vec![];
    };
    let media_type = media_type.split(';').next().unwrap_or(media_type).trim();
    let schema = &response["content"][media_type]["schema"];
    if schema.is_object() {
        errors_of(doc, schema, body)
    } else if response["content"].is_null() || response["content"].get(media_type).is_some() {
        vec![]
    } else {
        vec![format!("the document gives no {media_type} answer here")]
    }
}
