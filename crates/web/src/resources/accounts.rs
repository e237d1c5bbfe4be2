//! Accounts through the API: who the credentials belong to, and API tokens
//! (created, shown once, revoked).

use crate::error::{ApiError, Error};
use crate::extract::ApiCaller;
use crate::{AppState, now_ms};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bienphong_service::Principal;
use serde::Deserialize;
use serde_json::{Value, json};

fn principal_json(p: &Principal) -> Value {
    json!({
        "name": p.name,
        "role": p.grant.role.as_str(),
        "unit": p.grant.unit.as_str(),
        "restricted": p.grant.sees_restricted(),
    })
}

/// Who is asking; through a session, also the token its writes send in
/// `X-CSRF-Token` (the cookie alone does not let a call write).
pub async fn me(ApiCaller(caller): ApiCaller) -> Json<Value> {
    let mut me = principal_json(&caller.principal);
    if let Some(session) = &caller.session {
        me["csrf_token"] = json!(session.csrf_token);
    }
    Json(me)
}

#[derive(Deserialize)]
struct TokenRequest {
    name: String,
    node_unit: Option<String>,
}

pub async fn create_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let value = crate::extract::json_body(lang, &body)?;
    let req: TokenRequest = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    if req.name.trim().is_empty() {
        return Err(ApiError::bad_request(lang, "name", "must not be empty").into());
    }
    let (id, secret) = state
        .service
        .create_token(
            &caller.principal,
            now_ms(),
            req.name.trim(),
            req.node_unit.as_deref(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "token": secret})),
    )
        .into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    let done = state
        .service
        .revoke_token(&caller.principal, now_ms(), &id)
        .await?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(caller.lang).into())
    }
}
