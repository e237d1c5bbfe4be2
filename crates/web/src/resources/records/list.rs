//! A collection's list: the page (filters, search, paging) and `GET
//! /api/v1/<collection>`.

use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, SignedIn, back_of};
use crate::params;
use crate::routes::record_type_of;
use crate::view::{Frame, Tr, describe, frame, render, unit_name, unit_options};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bienphong_domain::format;
use bienphong_domain::org::Org;
use bienphong_domain::{Content, RecordType};
use bienphong_i18n::Lang;
use bienphong_store::{CurrentRecord, ListKey};

pub struct Row {
    pub href: String,
    pub date: String,
    pub unit: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    f: Frame,
    kind: String,
    title: String,
    rows: Vec<Row>,
    units: Vec<(String, String)>,
    unit: String,
    year: String,
    search: String,
    category: String,
    page: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
    can_add: bool,
    /// Whether the type has a spreadsheet (template, import, export).
    sheets: bool,
    /// The list's filters as a query, for the export links.
    filters: String,
}

fn row_of(org: &Org, lang: Lang, kind: &str, r: &CurrentRecord) -> Row {
    let content = Content::from_json(r.record_type, &r.content).ok();
    let unit = content
        .as_ref()
        .and_then(|c| c.units().0.map(|u| unit_name(org, u.as_str(), lang)))
        .unwrap_or_default();
    Row {
        href: format!("/records/{kind}/{}", r.record_id),
        date: r.day.map(format::date).unwrap_or_default(),
        unit,
        summary: content
            .as_ref()
            .map(|c| describe(org, lang, c))
            .unwrap_or_default(),
    }
}

/// Records per list page.
const PAGE_SIZE: u32 = 50;

pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let t = record_type_of(&kind).ok_or_else(|| ApiError::not_found(lang))?;
    let org = state.service.org_shared().await?;
    let page = params::page_number(&q);
    let mut filter = params::list_filter(lang, &org, t, &q)?;
    filter.limit = Some(PAGE_SIZE);
    filter.offset = (page - 1).saturating_mul(PAGE_SIZE);
    let found = state
        .service
        .list_as(&auth.principal, now_ms(), filter, params::search(&q))
        .await?;
    let rows = found
        .records
        .iter()
        .map(|r| row_of(&org, lang, &kind, r))
        .collect();
    let keep: Vec<(String, String)> = ["unit", "year", "from", "to", "q", "category"]
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect();
    let href = |p: u32| {
        let mut pairs = keep.clone();
        pairs.push(("page".into(), p.to_string()));
        format!(
            "/records/{kind}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let tr = Tr(lang);
    Ok(render(ListPage {
        title: tr.get(&format!("types-{t}")),
        f: frame(&auth, &org, &back),
        kind: kind.clone(),
        rows,
        units: unit_options(&org, lang),
        unit: q.get("unit").cloned().unwrap_or_default(),
        year: q.get("year").cloned().unwrap_or_default(),
        search: q.get("q").cloned().unwrap_or_default(),
        category: q.get("category").cloned().unwrap_or_default(),
        page,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: found.next.map(|_| href(page + 1)),
        can_add: auth.principal.grant.may_write_type(t),
        sheets: bienphong_sheets::model::has_sheet(t),
        filters: serde_urlencoded::to_string(&keep).unwrap_or_default(),
    }))
}

/// A record as the API shows it; its content is the stored JSON, written
/// out as it is rather than parsed and serialised again.
#[derive(serde::Serialize)]
struct RecordOut<'a> {
    id: String,
    #[serde(rename = "type")]
    record_type: &'static str,
    revision: String,
    date: Option<String>,
    content: &'a serde_json::value::RawValue,
}

#[derive(serde::Serialize)]
struct ListOut<'a> {
    items: Vec<RecordOut<'a>>,
    next_cursor: Option<String>,
}

fn record_out(r: &CurrentRecord) -> Result<RecordOut<'_>, ApiError> {
    let content = serde_json::from_str(&r.content).map_err(|e| {
        tracing::error!(record = %r.record_id, error = %e, "stored content is not JSON");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "stored content is damaged",
        )
    })?;
    Ok(RecordOut {
        id: r.record_id.to_string(),
        record_type: r.record_type.as_str(),
        revision: r.revision_id.to_string(),
        date: r.day.map(|d| d.to_string()),
        content,
    })
}

pub async fn list(
    t: RecordType,
    State(state): State<AppState>,
    Query(q): Query<params::Query>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, Error> {
    let lang = caller.lang;
    // Checked before the organisation is read: a bad parameter costs nothing.
    params::period(lang, &q)?;
    params::unit(lang, "unit", q.get("unit"))?;
    let limit = params::limit(lang, &q)?;
    let after = params::cursor(lang, &q)?;
    let org = state.service.org_shared().await?;
    let mut filter = params::list_filter(lang, &org, t, &q)?;
    filter.limit = Some(limit);
    filter.after = after;
    let page = state
        .service
        .list_as(&caller.principal, now_ms(), filter, params::search(&q))
        .await?;
    let items = page
        .records
        .iter()
        .map(record_out)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ListOut {
        items,
        // The next page goes on after this page's last record, wherever
        // that record is by then.
        next_cursor: page
            .next
            .and(page.records.last())
            .map(|r| params::encode_cursor(&ListKey::of(r))),
    })
    .into_response())
}
