//! API tokens: made by their owner (an administrator also makes a node's
//! token), listed with who owns them, which node syncs with them and when
//! they were last used, and revoked by id — through the page `/tokens`
//! and `/api/v1/tokens`. A token's secret is shown once, at creation.

use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, Authenticated, CsrfForm, SignedIn, back_of};
use crate::view::{Frame, frame, render, when};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_i18n::Lang;
use bienphong_service::{TokenTerms, TokenView};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The longest life a token may be given, in days (ten years).
pub const MAX_DAYS: u32 = 3650;

const DAY_MS: i64 = 86_400_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    name: String,
    node_unit: Option<String>,
    expires_in_days: Option<u32>,
    #[serde(default)]
    ends_with_password: bool,
}

/// The terms of a new token; a life outside 1–[`MAX_DAYS`] days is refused
/// by its field's name.
fn terms(lang: Lang, days: Option<u32>, ends_with_password: bool) -> Result<TokenTerms, ApiError> {
    let expires_ms = match days {
        None => None,
        Some(d) if (1..=MAX_DAYS).contains(&d) => Some(now_ms() + i64::from(d) * DAY_MS),
        Some(_) => {
            return Err(ApiError::bad_request(
                lang,
                "expires_in_days",
                lang.text("tokens-days-invalid", &[("max", MAX_DAYS.to_string())]),
            ));
        }
    };
    Ok(TokenTerms {
        expires_ms,
        ends_with_password,
    })
}

pub async fn create(
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
    let terms = terms(lang, req.expires_in_days, req.ends_with_password)?;
    let (id, secret) = state
        .service
        .create_token_with(
            &caller.principal,
            now_ms(),
            req.name.trim(),
            req.node_unit.as_deref(),
            terms,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "token": secret, "expires_ms": terms.expires_ms})),
    )
        .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Value>, Error> {
    let tokens = state.service.tokens_for(&caller.principal).await?;
    Ok(Json(json!({ "items": tokens })))
}

pub async fn revoke(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRequest {
    unit: Option<String>,
    restricted: Option<bool>,
}

/// An administrator changes what a token may do; its node learns it at its
/// next sync (docs/sync-protocol.md §6). Answers the token as listed.
pub async fn change_grant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<TokenView>, Error> {
    let lang = caller.lang;
    let value = crate::extract::json_body(lang, &body)?;
    let req: GrantRequest = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(lang, "body", e.to_string()))?;
    let service = &state.service;
    let changed = service
        .change_token_grant(
            &caller.principal,
            now_ms(),
            &id,
            req.unit.as_deref(),
            req.restricted,
        )
        .await?;
    let token = service
        .tokens_for(&caller.principal)
        .await?
        .into_iter()
        .find(|t| t.id == id);
    match (changed, token) {
        (true, Some(t)) => Ok(Json(t)),
        _ => Err(ApiError::not_found(lang).into()),
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    f: Frame,
    tokens: Vec<TokenView>,
    /// The secret of the token just made: shown this once.
    made: Option<String>,
    revoked: bool,
    error: Option<String>,
    name: String,
    days: String,
}

impl TokensPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
}

async fn page_of(
    state: &AppState,
    auth: &Authenticated,
    back: &str,
    made: Option<String>,
    error: Option<String>,
    (name, days): (String, String),
    revoked: bool,
) -> Result<TokensPage, Error> {
    let org = state.service.org_shared().await?;
    Ok(TokensPage {
        f: frame(auth, &org, back),
        tokens: state.service.tokens_for(&auth.principal).await?,
        made,
        revoked,
        error,
        name,
        days,
    })
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Error> {
    let revoked = q.contains_key("revoked");
    let page = page_of(
        &state,
        &auth,
        &back_of(&uri),
        None,
        None,
        Default::default(),
        revoked,
    )
    .await?;
    Ok(render(page))
}

pub async fn page_create(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    CsrfForm { auth, form }: CsrfForm,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let first = |k: &str| {
        form.get(k)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let (name, days) = (first("name"), first("days"));
    let back = back_of(&uri);
    let refuse = |message: String| (name.clone(), days.clone(), message);
    let outcome = async {
        if name.is_empty() {
            return Err(refuse(lang.text("tokens-name-missing", &[])));
        }
        let days_given = match days.as_str() {
            "" => None,
            d => Some(d.parse::<u32>().map_err(|_| {
                refuse(lang.text("tokens-days-invalid", &[("max", MAX_DAYS.to_string())]))
            })?),
        };
        let terms =
            terms(lang, days_given, !first("ends_with_password").is_empty()).map_err(|e| {
                let message = e.fields.first().map(|f| f.message.clone());
                refuse(message.unwrap_or(e.message))
            })?;
        state
            .service
            .create_token_with(&auth.principal, now_ms(), &name, None, terms)
            .await
            .map(|(_, secret)| secret)
            .map_err(|e| refuse(lang.described(&e.describe())))
    }
    .await;
    let page = match outcome {
        Ok(secret) => {
            page_of(
                &state,
                &auth,
                &back,
                Some(secret),
                None,
                Default::default(),
                false,
            )
            .await?
        }
        Err((name, days, message)) => {
            page_of(
                &state,
                &auth,
                &back,
                None,
                Some(message),
                (name, days),
                false,
            )
            .await?
        }
    };
    Ok(render(page))
}

pub async fn page_revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { auth, .. }: CsrfForm,
) -> Result<Response, Error> {
    state
        .service
        .revoke_token(&auth.principal, now_ms(), &id)
        .await?;
    Ok(Redirect::to("/tokens?revoked=1").into_response())
}
