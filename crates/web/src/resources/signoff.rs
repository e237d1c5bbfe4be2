//! Joint sign-off and acknowledgement (issue 16): a document's or briefing
//! report's sign-off as JSON and its answers (sign, return, acknowledge)
//! from the API and the record page; what is overdue on documents sent;
//! the positions accounts hold (administrators).

use crate::error::{ApiError, Error};
use crate::extract::{ApiAdmin, ApiCaller, CsrfForm, PageAdmin, back_of};
use crate::view::{Frame, frame, render, unit_name};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::org::Code;
use bienphong_domain::record::ActionStatus;
use bienphong_domain::signoff::{ActionReport, Answer, Decision, Overdue, Position, Signer};
use bienphong_domain::text::Text;
use bienphong_domain::{Content, RecordId, RecordType, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::{AnswerRequest, SignoffView};
use serde::Deserialize;
use serde_json::{Value, json};

fn answer_json(a: &Answer) -> Value {
    json!({
        "id": a.record_id.to_string(),
        "decision": a.signoff.decision.as_str(),
        "position": a.signoff.position.map(|p| p.as_str()),
        "unit": a.signoff.unit.as_str(),
        "signer": a.signoff.signer.as_str(),
        "signer_name": a.signoff.signer_name.as_str(),
        "verified": a.verified,
        "date": a.signoff.date.to_string(),
        "comment": a.signoff.comment.as_str(),
        "revision": a.signoff.revision.to_string(),
        "actions": a.signoff.actions.iter().map(|r| json!({
            "action": r.action, "status": status_str(r.status), "note": r.note.as_str()
        })).collect::<Vec<_>>(),
    })
}

fn status_str(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::Open => "open",
        ActionStatus::Done => "done",
        ActionStatus::Cancelled => "cancelled",
    }
}

fn overdue_json(o: &Overdue, content: &Content) -> Value {
    let (number, title) = match content {
        Content::Document(d) => (d.number.as_str(), d.title.as_str()),
        _ => ("", ""),
    };
    json!({
        "document": o.document.to_string(),
        "number": number,
        "title": title,
        "unit": o.unit.as_str(),
        "due": o.due.to_string(),
        "kind": if o.action.is_some() { "action" } else { "acknowledgement" },
        "action": o.action.as_ref().map(|(i, _)| i),
        "text": o.action.as_ref().map(|(_, t)| t.as_str()),
    })
}

/// The JSON of a record's sign-off (schema `Signoff`).
pub fn view_json(v: &SignoffView) -> Value {
    let sent = match &v.content {
        Content::Document(d) => bienphong_service::is_sent(d, v.fully_signed),
        _ => v.fully_signed,
    };
    json!({
        "record": v.record.record_id.to_string(),
        "revision": v.record.revision_id.to_string(),
        "fully_signed": v.fully_signed,
        "sent": sent,
        "signers": v.signers.iter().map(|(s, state)| json!({
            "position": s.position.as_str(),
            "unit": s.unit.as_str(),
            "state": state.as_str(),
            "answer": state.answer().map(answer_json),
        })).collect::<Vec<_>>(),
        "answers": v.answers.iter().map(answer_json).collect::<Vec<_>>(),
        "overdue": v.overdue.iter().map(|o| overdue_json(o, &v.content)).collect::<Vec<_>>(),
    })
}

fn record_of(lang: Lang, id: &str) -> Result<RecordId, ApiError> {
    id.parse::<RecordId>()
        .map_err(|_| ApiError::not_found(lang))
}

pub async fn get(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    let id = record_of(caller.lang, &id)?;
    let view = state
        .service
        .signoff_as(&caller.principal, now_ms(), id)
        .await?;
    if view.record.record_type != t {
        return Err(ApiError::not_found(caller.lang).into());
    }
    Ok(Json(view_json(&view)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    decision: String,
    position: Option<String>,
    unit: Option<String>,
    #[serde(default)]
    comment: String,
    revision: Option<String>,
    #[serde(default)]
    actions: Vec<ActionBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: u32,
    status: String,
    #[serde(default)]
    note: String,
}

fn parse_status(s: &str) -> Option<ActionStatus> {
    match s {
        "open" => Some(ActionStatus::Open),
        "done" => Some(ActionStatus::Done),
        "cancelled" => Some(ActionStatus::Cancelled),
        _ => None,
    }
}

/// An answer as posted (JSON or a form), read into the use case's request.
fn request_of(lang: Lang, b: AnswerBody) -> Result<AnswerRequest, ApiError> {
    let bad =
        |field: &str, v: &str| ApiError::bad_request(lang, field, format!("unknown value {v}"));
    let decision = Decision::parse(&b.decision).ok_or_else(|| bad("decision", &b.decision))?;
    let position = match b
        .position
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => Some(Position::parse(p).ok_or_else(|| bad("position", p))?),
        None => None,
    };
    let unit = match b.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(u) => Some(Code::parse(u).map_err(|_| bad("unit", u))?),
        None => None,
    };
    let revision = match b
        .revision
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(r) => Some(r.parse::<RevisionId>().map_err(|_| bad("revision", r))?),
        None => None,
    };
    let mut actions = Vec::new();
    for a in b.actions {
        actions.push(ActionReport {
            action: a.action,
            status: parse_status(&a.status).ok_or_else(|| bad("actions", &a.status))?,
            note: Text::new(a.note.trim()),
        });
    }
    Ok(AnswerRequest {
        decision,
        position,
        unit,
        comment: Text::new(b.comment.trim()),
        revision,
        actions,
    })
}

pub async fn answer(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let id = record_of(lang, &id)?;
    let value = crate::extract::json_body(lang, &body)?;
    let b: AnswerBody = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    let req = request_of(lang, b)?;
    let (record, _) = state
        .service
        .read_as(&caller.principal, now_ms(), id)
        .await?;
    if record.record_type != t {
        return Err(ApiError::not_found(lang).into());
    }
    state
        .service
        .answer_as(&caller.principal, now_ms(), id, req)
        .await?;
    let view = state
        .service
        .signoff_as(&caller.principal, now_ms(), id)
        .await?;
    Ok((StatusCode::CREATED, Json(view_json(&view))).into_response())
}

/// The sign-off form of the record page: sign, return (with a comment) or
/// acknowledge, then back to the record.
pub async fn answer_page(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    CsrfForm { auth, form }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let field = |k: &str| form.get(k).and_then(|v| v.first()).cloned();
    crate::routes::record_type_of(&kind).ok_or_else(|| ApiError::not_found(lang))?;
    let record_id = record_of(lang, &id)?;
    let (position, unit) = match field("signer").as_deref().and_then(Signer::parse) {
        Some(s) => (
            Some(s.position.as_str().to_string()),
            Some(s.unit.to_string()),
        ),
        None => (None, field("unit")),
    };
    let mut actions = Vec::new();
    for (k, v) in &form {
        if let Some(i) = k
            .strip_prefix("action_")
            .and_then(|i| i.parse::<u32>().ok())
            && let Some(status) = v.first().filter(|s| !s.is_empty())
        {
            actions.push(ActionBody {
                action: i,
                status: status.clone(),
                note: String::new(),
            });
        }
    }
    actions.sort_by_key(|a| a.action);
    let req = request_of(
        lang,
        AnswerBody {
            decision: field("decision").unwrap_or_default(),
            position,
            unit,
            comment: field("comment").unwrap_or_default(),
            revision: field("revision"),
            actions,
        },
    )?;
    state
        .service
        .answer_as(&auth.principal, now_ms(), record_id, req)
        .await?;
    Ok(Redirect::to(&format!("/records/{kind}/{id}?answered")).into_response())
}

/// Overdue acknowledgements and actions on the documents the caller may
/// read (schema `OverdueList`).
pub async fn overdue(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Value>, Error> {
    let items = state
        .service
        .overdue_as(&caller.principal, now_ms())
        .await?;
    Ok(Json(json!({
        "items": items.iter().map(|(o, c)| overdue_json(o, c)).collect::<Vec<_>>()
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionsBody {
    positions: Vec<PositionBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionBody {
    position: String,
    unit: String,
}

fn signers_json(held: &[Signer]) -> Value {
    json!(
        held.iter()
            .map(|s| json!({"position": s.position.as_str(), "unit": s.unit.as_str()}))
            .collect::<Vec<_>>()
    )
}

/// Every account with its role, unit and positions (administrators;
/// schema `UserList`).
pub async fn users(
    State(state): State<AppState>,
    ApiAdmin(_caller): ApiAdmin,
) -> Result<Json<Value>, Error> {
    let users = state.service.accounts().await?;
    let positions = state.service.positions().await?;
    Ok(Json(json!({
        "items": users.iter().map(|u| json!({
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "unit": u.unit,
            "disabled": u.disabled,
            "positions": signers_json(positions.get(&u.id).map_or(&[][..], Vec::as_slice)),
        })).collect::<Vec<_>>()
    })))
}

/// Sets the positions an account holds (administrators).
pub async fn set_positions(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Error> {
    let lang = caller.lang;
    let value = crate::extract::json_body(lang, &body)?;
    let b: PositionsBody = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    let mut held = Vec::new();
    for p in b.positions {
        let s = Signer::parse(&format!("{}@{}", p.position.trim(), p.unit.trim())).ok_or_else(
            || ApiError::bad_request(lang, "positions", format!("{}@{}", p.position, p.unit)),
        )?;
        held.push(s);
    }
    state
        .service
        .set_positions(&caller.principal.name, now_ms(), &name, held)
        .await?;
    let held = state.service.positions_of(&name).await?;
    Ok(Json(
        json!({"username": name, "positions": signers_json(&held)}),
    ))
}

pub struct AccountLine {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
    pub positions: Vec<String>,
    /// The positions as the form's box holds them: `position@UNIT`, one a line.
    pub positions_text: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    f: Frame,
    accounts: Vec<AccountLine>,
    choices: Vec<(String, String)>,
}

/// The accounts page: each account's role, unit and positions, and a form
/// to set the positions (administrators).
pub async fn accounts_page(
    State(state): State<AppState>,
    PageAdmin(auth): PageAdmin,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let org = state.service.org_shared().await?;
    let lang = auth.lang;
    let t = crate::view::Tr(lang);
    let users = state.service.accounts().await?;
    let positions = state.service.positions().await?;
    let label = |s: &Signer| {
        format!(
            "{} · {}",
            t.get(&format!("position-{}", s.position)),
            unit_name(&org, s.unit.as_str(), lang)
        )
    };
    let accounts = users
        .iter()
        .map(|u| {
            let held = positions.get(&u.id).cloned().unwrap_or_default();
            AccountLine {
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: t.get(&format!("role-{}", u.role)),
                unit: unit_name(&org, &u.unit, lang),
                positions: held.iter().map(label).collect(),
                positions_text: held
                    .iter()
                    .map(Signer::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        })
        .collect();
    let choices = Position::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), t.get(&format!("position-{p}"))))
        .collect();
    Ok(render(AccountsPage {
        f: frame(&auth, &org, &back_of(&uri)),
        accounts,
        choices,
    }))
}

/// The positions form of the accounts page: `position@UNIT`, one a line.
pub async fn accounts_save(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CsrfForm { auth, form }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    crate::extract::require_admin(&auth.principal, lang)?;
    let text = form
        .get("positions")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let mut held = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        held.push(
            Signer::parse(line).ok_or_else(|| ApiError::bad_request(lang, "positions", line))?,
        );
    }
    state
        .service
        .set_positions(&auth.principal.name, now_ms(), &name, held)
        .await?;
    Ok(Redirect::to("/admin/accounts").into_response())
}

/// The schemas of this resource's answers and bodies, for the OpenAPI
/// document.
pub fn schemas() -> Vec<(&'static str, Value)> {
    let answer = json!({"type": "object", "required": ["id", "decision", "unit", "signer", "verified", "date", "revision"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "the answer's own record (type signoff)"},
            "decision": {"type": "string", "enum": ["signed", "returned", "acknowledged"]},
            "position": {"type": "string", "nullable": true},
            "unit": {"type": "string"}, "signer": {"type": "string"}, "signer_name": {"type": "string"},
            "verified": {"type": "boolean", "description": "the server vouches for the signer (ADR 0011): \
                written here by the signer's account, or pushed with credentials issued to it; else claimed"},
            "date": {"type": "string", "format": "date"}, "comment": {"type": "string"},
            "revision": {"type": "string", "description": "the exact revision answered"},
            "actions": {"type": "array", "items": {"type": "object"}}}});
    let overdue = json!({"type": "object", "required": ["document", "unit", "due", "kind"], "properties": {
        "document": {"type": "string", "format": "uuid"}, "number": {"type": "string"}, "title": {"type": "string"},
        "unit": {"type": "string"}, "due": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["acknowledgement", "action"]},
        "action": {"type": "integer", "nullable": true}, "text": {"type": "string", "nullable": true}}});
    let positions = json!({"type": "array", "items": {"type": "object", "required": ["position", "unit"],
        "properties": {"position": {"type": "string", "enum": Position::ALL.map(|p| p.as_str())},
            "unit": {"type": "string"}}}});
    vec![
        (
            "Signoff",
            json!({"type": "object", "required": ["record", "revision", "fully_signed", "sent", "signers", "answers", "overdue"],
                "properties": {
                    "record": {"type": "string"}, "revision": {"type": "string"},
                    "fully_signed": {"type": "boolean"},
                    "sent": {"type": "boolean", "description": "signed by all it requires and numbered"},
                    "signers": {"type": "array", "items": {"type": "object", "required": ["position", "unit", "state"],
                        "properties": {"position": {"type": "string"}, "unit": {"type": "string"},
                            "state": {"type": "string", "enum": ["pending", "signed", "returned", "void"],
                                "description": "void: signed, but the record changed after"},
                            "answer": {"anyOf": [answer.clone(), {"type": "null"}]}}}},
                    "answers": {"type": "array", "items": answer},
                    "overdue": {"type": "array", "items": overdue.clone()}}}),
        ),
        (
            "SignoffRequest",
            json!({"type": "object", "required": ["decision"], "properties": {
                "decision": {"type": "string", "enum": ["signed", "returned", "acknowledged"]},
                "position": {"type": "string", "enum": Position::ALL.map(|p| p.as_str()),
                    "description": "signed, returned: the position signed in (the account must hold it)"},
                "unit": {"type": "string", "description": "the position's unit, or the recipient acknowledging"},
                "comment": {"type": "string", "description": "returned: why (required)"},
                "revision": {"type": "string", "description": "the revision seen; a record changed since is refused"},
                "actions": {"type": "array", "items": {"type": "object", "required": ["action", "status"],
                    "properties": {"action": {"type": "integer", "minimum": 0},
                        "status": {"type": "string", "enum": ["open", "done", "cancelled"]},
                        "note": {"type": "string"}}}}}}),
        ),
        (
            "OverdueList",
            json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": overdue}}}),
        ),
        (
            "UserList",
            json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items":
                {"type": "object", "required": ["username", "role", "unit", "positions"], "properties": {
                    "username": {"type": "string"}, "display_name": {"type": "string"},
                    "role": {"type": "string"}, "unit": {"type": "string"}, "disabled": {"type": "boolean"},
                    "positions": positions.clone()}}}}}),
        ),
        (
            "Positions",
            json!({"type": "object", "required": ["positions"], "properties": {
                "username": {"type": "string"}, "positions": positions}}),
        ),
    ]
}
