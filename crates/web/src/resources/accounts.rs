//! Accounts through the API: who the credentials belong to (tokens live in
//! `tokens`).

use crate::extract::ApiCaller;
use axum::Json;
use bienphong_service::Principal;
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
