//! Document registers: the next number of an issuer's register, taken by a
//! POST (a number taken is written, never by a GET), audited — for the
//! report and briefing pages' "take the next number" and
//! `POST /api/v1/registers/next`.

use crate::AppState;
use crate::error::Error;
use crate::extract::ApiCaller;
use crate::params;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use bienphong_report::{Letterhead, LetterheadSettings};
use bienphong_service::{Principal, today};

/// Numbers `head` from its register ([`Letterhead::register`]): the store
/// hands each number out once, whoever asks at the same time; the audit
/// log says who took which.
pub async fn take_number(
    state: &AppState,
    who: &Principal,
    head: &mut Letterhead,
) -> Result<u32, Error> {
    Ok(head
        .number_from_register(state.service.store(), &who.name, crate::now_ms())
        .await?)
}

/// `POST /api/v1/registers/next`: the next number of the register a
/// document on `scope` with these settings (`style`, `date`, `issuer`,
/// `symbol`, `classification`, `term`) is numbered in; pass it as
/// `number` to the DOCX routes.
pub async fn next(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let settings = LetterheadSettings::read(|k| q.get(k).map(String::as_str))?;
    let scope = params::scope(&state, &caller.principal, lang, &q).await?;
    let org = state.service.org_shared().await?;
    let day = today();
    let mut head = settings.letterhead(&org, scope.as_ref(), day, day);
    let n = take_number(&state, &caller.principal, &mut head).await?;
    let key = head.register();
    Ok(Json(serde_json::json!({
        "number": n,
        "issuer": key.issuer,
        "style": key.style,
        "series": key.series,
        "period": key.period,
        "symbol": head.symbol,
    }))
    .into_response())
}
