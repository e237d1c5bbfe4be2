//! Who is asking: a session cookie (the web UI) or a bearer token (machine
//! clients and nodes). Credentials are checked before anything else.

use crate::error::ApiError;
use crate::{AppState, now_ms};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use bienphong_i18n::Lang;
use bienphong_service::Principal;
use bienphong_store::Session;

pub const SESSION_COOKIE: &str = "bp_session";
pub const LANG_COOKIE: &str = "bp_lang";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of the answer: the UI's cookie, else the request's
/// `Accept-Language`, else Vietnamese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE) {
        return Lang::parse(l);
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Vi, Lang::parse)
}

/// The answer's language as an extractor.
pub struct Language(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Language(lang_of(&parts.headers)))
    }
}

/// A principal with the session it came through (none for a token).
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub principal: Principal,
    pub session: Option<Session>,
    pub lang: Lang,
    /// This server is a field node's (its data directory holds sync.json):
    /// everyone signed in may see its own sync status.
    pub on_node: bool,
}

pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Authenticated>, ApiError> {
    let lang = lang_of(headers);
    let service = &state.service;
    let on_node = state.on_node;
    if let Some(auth) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let Some(secret) = auth.strip_prefix("Bearer ") else {
            return Ok(None);
        };
        let principal = service
            .token_principal(secret.trim())
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        return Ok(principal.map(|principal| Authenticated {
            principal,
            session: None,
            lang,
            on_node,
        }));
    }
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = service
        .session_principal(secret, now_ms())
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    Ok(found.map(|(principal, session)| Authenticated {
        principal,
        session: Some(session),
        lang,
        on_node,
    }))
}

/// An API caller with valid credentials; anything else is a 401 before the
/// request is looked at further. A browser session writing through the API
/// must send its CSRF token in `X-CSRF-Token`.
pub struct ApiCaller(pub Authenticated);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let lang = lang_of(&parts.headers);
        let Some(auth) = authenticate(state, &parts.headers).await? else {
            return Err(ApiError::unauthenticated(lang));
        };
        if let Some(session) = &auth.session
            && !parts.method.is_safe()
        {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !constant_time_eq(sent, &session.csrf_token) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    lang.text("csrf-refused", &[]),
                ));
            }
        }
        Ok(ApiCaller(auth))
    }
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
