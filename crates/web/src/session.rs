//! Signing in and out, the language switch, and the limit on sign-in
//! attempts per address.

use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::{CsrfForm, LANG_COOKIE, SESSION_COOKIE, cookie, page_lang, parse_form};
use crate::view::{Tr, render, render_with};
use crate::{AppState, now_ms};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_i18n::Lang;
use bienphong_service::LoginRefusal;
use bienphong_service::accounts::{LOCKOUT_MS, MAX_FAILED_LOGINS};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Sign-in attempts per address per minute; beyond them the login page
/// answers 429 until the minute is over.
pub struct LoginLimiter {
    per_minute: u32,
    seen: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl LoginLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// `Err` carries the whole seconds until the minute ends, for
    /// `Retry-After`: the address may try again from then on.
    pub(crate) fn allow(&self, ip: IpAddr, now_ms: i64) -> Result<(), u64> {
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(());
        };
        let minute = now_ms.div_euclid(60_000);
        seen.retain(|_, (m, _)| *m == minute);
        let entry = seen.entry(ip).or_insert((minute, 0));
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= self.per_minute {
            return Ok(());
        }
        // Rounded up, so that a client waiting exactly this long is in
        // the next minute; always at least 1.
        let left_ms = (minute + 1) * 60_000 - now_ms;
        Err(u64::try_from((left_ms + 999) / 1000).unwrap_or(60).max(1))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    next: String,
    username: String,
    error: Option<String>,
}

fn safe_next(next: Option<&String>) -> String {
    match next {
        // Only paths of this site: never `//host` or a full URL.
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/".to_string(),
    }
}

pub async fn login_page(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    render(LoginPage {
        t: Tr(page_lang(&headers)),
        next: safe_next(q.get("next")),
        username: String::new(),
        error: None,
    })
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = page_lang(&headers);
    let form = parse_form(&body);
    let field = |k: &str| {
        form.get(k)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let (username, password) = (field("username"), field("password"));
    let next = safe_next(Some(&field("next")));
    let again = |status: StatusCode, key: &str, args: &[(&'static str, String)]| {
        render_with(
            status,
            LoginPage {
                t: Tr(lang),
                next: next.clone(),
                username: username.clone(),
                error: Some(lang.text(key, args)),
            },
        )
    };
    if let Err(seconds) = state.login_limiter.allow(address, now_ms()) {
        let mut r = again(StatusCode::TOO_MANY_REQUESTS, "login-rate-limited", &[]);
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return r;
    }
    let ttl = i64::try_from(state.config.session_ttl.as_millis()).unwrap_or(i64::MAX);
    match state
        .service
        .login_from(&username, &password, now_ms(), ttl, Some(address))
        .await
    {
        Ok(Ok(session)) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                session.secret,
                ttl / 1000,
                if state.config.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            let mut r = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        // Every refusal (unknown name, wrong password, locked, disabled)
        // gets one status and one wording that also explains the lockout
        // rule. A distinct "locked" answer told which names exist, since
        // unknown names never lock; making unknown names lock too would
        // mean keeping state for every name a guesser invents (unbounded
        // memory, or a database write per guess) and would still differ
        // after a restart. The audit log keeps the real reason.
        Ok(Err(
            LoginRefusal::BadCredentials | LoginRefusal::Locked { .. } | LoginRefusal::Disabled,
        )) => again(
            StatusCode::UNAUTHORIZED,
            "login-failed",
            &[
                ("attempts", MAX_FAILED_LOGINS.to_string()),
                ("minutes", (LOCKOUT_MS / 60_000).to_string()),
            ],
        ),
        Err(e) => Error::from(e).into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: CsrfForm,
) -> Result<Response, Error> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.service.logout(secret, now_ms()).await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("bp_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(r)
}

pub async fn switch_language(
    Path(lang): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = Lang::parse(&lang);
    let mut r = Redirect::to(&safe_next(q.get("back"))).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.as_str()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}
