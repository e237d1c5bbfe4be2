//! Who is asking, as extractors: a session cookie (the web UI) or a bearer
//! token (machine clients and nodes). Credentials are checked before
//! anything else; a handler that takes one of these knows who it answers.

use crate::error::{ApiError, Error};
use crate::forms::{self, Posted};
use crate::view::page_error;
use crate::{AppState, now_ms};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
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

/// The language of a page: the one chosen with the switch, else
/// Vietnamese, whatever the browser prefers.
pub fn page_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).map_or(Lang::Vi, Lang::parse)
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

/// Anyone but administrators is refused.
pub fn require_admin(caller: &Principal, lang: Lang) -> Result<(), ApiError> {
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

/// An API caller who is an administrator.
pub struct ApiAdmin(pub Authenticated);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ApiCaller(auth) = ApiCaller::from_request_parts(parts, state).await?;
        require_admin(&auth.principal, auth.lang)?;
        Ok(ApiAdmin(auth))
    }
}

/// Where a page was asked for, query included, to come back to it after
/// signing in or switching the language. A download or a form post comes
/// back to the page it belongs to.
/// A page's upload form read whole: its text fields, and the file sent as
/// `file` with its name (the sheet, change set and codes pages share it).
pub async fn read_upload(
    mut multipart: axum::extract::Multipart,
) -> (Posted, Option<(String, Bytes)>) {
    let mut posted: Posted = std::collections::HashMap::new();
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("tep").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((file_name, b)),
                Err(_) => break,
            }
        } else if let Ok(text) = field.text().await {
            posted.entry(name).or_default().push(text);
        }
    }
    (posted, file)
}

pub fn back_of(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    if path == "/logout" {
        return "/".to_string();
    }
    for action in ["/delete", "/template", "/export", "/download"] {
        if let Some(page) = path.strip_suffix(action) {
            return page.to_string();
        }
    }
    uri.path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string())
}

/// A person signed in through the web UI (a session, not a token), with
/// the page's language; anyone else is sent to the login page, to come
/// back here after.
pub struct SignedIn(pub Authenticated);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = page_lang(&parts.headers);
        match authenticate(state, &parts.headers).await {
            Ok(Some(mut a)) if a.session.is_some() => {
                a.lang = lang;
                Ok(SignedIn(a))
            }
            Ok(_) => {
                let back = back_of(&parts.uri);
                let to = format!(
                    "/login?next={}",
                    percent_encoding::utf8_percent_encode(
                        &back,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                );
                Err(Redirect::to(&to).into_response())
            }
            Err(e) => Err(page_error(lang, e)),
        }
    }
}

/// A signed-in administrator; others get the error page.
pub struct PageAdmin(pub Authenticated);

impl FromRequestParts<AppState> for PageAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let SignedIn(auth) = SignedIn::from_request_parts(parts, state).await?;
        match require_admin(&auth.principal, auth.lang) {
            Ok(()) => Ok(PageAdmin(auth)),
            Err(e) => Err(page_error(auth.lang, e)),
        }
    }
}

impl Authenticated {
    /// Whether a posted form carries this session's CSRF token.
    pub fn csrf_ok(&self, posted: &Posted) -> bool {
        let sent = posted
            .get("csrf")
            .and_then(|v| v.first())
            .map_or("", String::as_str);
        self.session
            .as_ref()
            .is_some_and(|s| constant_time_eq(sent, &s.csrf_token))
    }

    /// The form, if it carries this session's CSRF token.
    pub fn check_csrf(&self, posted: &Posted) -> Result<(), Error> {
        if self.csrf_ok(posted) {
            Ok(())
        } else {
            Err(csrf_refused(self.lang).into())
        }
    }
}

fn csrf_refused(lang: Lang) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        lang.text("csrf-refused", &[]),
    )
}

/// A posted form's fields; unreadable text gives no fields.
pub fn parse_form(body: &Bytes) -> Posted {
    forms::posted(serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default())
}

/// A form posted by a signed-in person, with the session's CSRF token
/// checked.
pub struct CsrfForm {
    pub auth: Authenticated,
    pub form: Posted,
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let SignedIn(auth) = SignedIn::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let lang = auth.lang;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = parse_form(&body);
        if !auth.csrf_ok(&form) {
            return Err(page_error(lang, csrf_refused(lang)));
        }
        Ok(CsrfForm { auth, form })
    }
}

/// A request body as JSON: unreadable JSON is a 400.
pub fn json_body(lang: Lang, body: &Bytes) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice::<serde_json::Value>(body)
        .map_err(|e| ApiError::bad_request(lang, "body", format!("not JSON: {e}")))
}
