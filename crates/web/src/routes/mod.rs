//! Every route, in one table. The API's routes are declared once in
//! [`api_routes`]: the router and the OpenAPI document (`openapi.rs`) are
//! both built from that table, so the document cannot list a route the
//! server does not serve, nor miss one it does. The pages follow in
//! [`page_routes`], each pointing at its resource's handler.

mod api_accounts;
mod api_org;
mod api_records;
mod api_reports;
mod api_sync;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Language;
use crate::resources::{
    attachments, audit, briefings, conflicts, dashboard, edxml, geo, geo_places, org, org_changes,
    org_codes, persons, records, reports, sheets, signoff, sync, tokens,
};
use crate::{openapi, session};
use axum::Router;
use axum::http::{Method, StatusCode};
use axum::routing::{MethodRouter, get, on, post};
use bienphong_domain::RecordType;

/// The collection each record type is served under.
pub fn collection(t: RecordType) -> &'static str {
    match t {
        RecordType::Unit => "units",
        RecordType::Link => "links",
        RecordType::Marker => "markers",
        RecordType::Catalogue => "catalogue-entries",
        RecordType::Patrol => "patrols",
        RecordType::Case => "cases",
        RecordType::CaseSubjects => "case-subjects",
        RecordType::Meeting => "meetings",
        RecordType::Document => "documents",
        RecordType::Programme => "programmes",
        RecordType::Beneficiary => "beneficiaries",
        RecordType::Propaganda => "propaganda",
        RecordType::Disaster => "disasters",
        RecordType::BriefingReport => "briefing-reports",
        RecordType::Attachment => "attachments",
        RecordType::Signoff => "signoffs",
    }
}

/// The record type a collection's name stands for.
pub fn record_type_of(kind: &str) -> Option<RecordType> {
    // A file's link is no collection of its own: it is served under its
    // record's (`{collection}/{id}/attachments`).
    RecordType::ALL
        .into_iter()
        .filter(|t| *t != RecordType::Attachment)
        .find(|t| collection(*t) == kind)
}

/// One route of the API: how it is served and how it is documented.
pub struct ApiRoute {
    pub method: Method,
    pub path: String,
    pub summary: String,
    pub tag: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    /// The query parameters it cannot do without.
    pub required: &'static [&'static str],
    pub body: Option<&'static str>,
    /// Statuses it answers besides 401 (every route but `/health` and the
    /// document itself needs credentials).
    pub statuses: &'static [u16],
    pub public: bool,
    /// The schema of its 2xx body, when the document names one.
    pub response: Option<&'static str>,
    /// It serves one record: its 2xx answer carries the record's `ETag`,
    /// and a PUT or DELETE takes `If-Match`.
    pub etag: bool,
    /// Its body is a file (multipart/form-data, field `file`) up to the
    /// attachment limit, not the limit of other bodies.
    pub file_upload: bool,
    pub handler: MethodRouter<AppState>,
}

const LIST_QUERY: &[(&str, &str)] = &[
    (
        "unit",
        "unit code: records of this unit and the units below it",
    ),
    ("from", "first day, DD/MM/YYYY or YYYY-MM-DD"),
    ("to", "last day, DD/MM/YYYY or YYYY-MM-DD"),
    ("year", "a year (with cutoff)"),
    ("cutoff", "decree09 (default) or calendar"),
    ("category", "case type, meeting type, patrol kind…"),
    ("q", "search, ignoring diacritics and case"),
    (
        "cursor",
        "opaque: the next_cursor of the previous page (none for the first page)",
    ),
    ("limit", "records per page, 1–500 (default 50)"),
];

/// A record write's confirmation (`resources/records/write.rs`).
const CONFIRM_QUERY: &[(&str, &str)] = &[(
    "confirm",
    "true: the values possible but unlikely are confirmed. A write with such a value \
     (more than 200 persons of one force on a patrol, a seizure or an amount far above \
     usual: docs/plausibility.md) is answered 422 `needs_confirmation`, listing them in \
     `doubts`, and nothing is written; the same request with confirm=true writes it. \
     Hard limits are refused whatever this says.",
)];

pub(crate) fn route(
    method: Method,
    path: impl Into<String>,
    summary: impl Into<String>,
    tag: &'static str,
    statuses: &'static [u16],
    handler: MethodRouter<AppState>,
) -> ApiRoute {
    ApiRoute {
        method,
        path: path.into(),
        summary: summary.into(),
        tag,
        query: &[],
        required: &[],
        body: None,
        statuses,
        public: false,
        response: None,
        etag: false,
        file_upload: false,
        handler,
    }
}

const BRIEFING_QUERY: &[(&str, &str)] = &[
    ("year", "the year"),
    ("quarter", "1–4"),
    ("scope", "unit code (default: the caller's unit)"),
    ("cutoff", "decree09 (default) or calendar"),
    (
        "due_days",
        "days after the quarter a report is due (default 5)",
    ),
];

/// Every route of the API.
pub fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    let mut routes = vec![
        ApiRoute {
            public: true,
            ..route(
                Method::GET,
                "/health",
                "Ready to serve",
                "system",
                &[200],
                on(F::GET, health),
            )
        },
        ApiRoute {
            public: true,
            ..route(
                Method::GET,
                "/api/v1/openapi.json",
                "This document",
                "system",
                &[200],
                on(F::GET, openapi::serve),
            )
        },
        route(
            Method::GET,
            "/metrics",
            "Prometheus metrics in the text format 0.0.4 (administrators)",
            "system",
            &[200, 403],
            on(F::GET, crate::metrics::serve),
        ),
    ];
    routes.extend(api_accounts::api_routes());
    routes.extend(api_org::api_routes());
    routes.extend(api_reports::api_routes());
    routes.extend(api_sync::api_routes());
    routes.extend(api_records::api_routes());
    routes.extend(persons::api_routes());
    routes
}

/// The API's router, from [`api_routes`].
pub fn api_router() -> Router<AppState> {
    router_of(api_routes().into_iter().filter(|r| !r.file_upload), true)
}

/// The file uploads, of the API and of a record's page, under their own
/// body limit (`lib.rs`).
pub fn file_upload_router() -> Router<AppState> {
    // Each of these paths is also served by `api_router` (a GET), whose
    // method router holds the path's one fallback (two cannot be merged).
    router_of(api_routes().into_iter().filter(|r| r.file_upload), false)
        .route(
            "/records/{kind}/{id}/attachments",
            post(attachments::upload_page).layer(tower_http::csrf::CsrfLayer::new()),
        )
        .route(
            "/edxml",
            post(edxml::import_page).layer(tower_http::csrf::CsrfLayer::new()),
        )
        // Places files: communes' outlines run to megabytes.
        .route(
            "/map/places",
            post(geo_places::upload).layer(tower_http::csrf::CsrfLayer::new()),
        )
}

fn router_of(routes: impl Iterator<Item = ApiRoute>, fallback: bool) -> Router<AppState> {
    let mut by_path: Vec<(String, MethodRouter<AppState>)> = Vec::new();
    for r in routes {
        match by_path.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, m)) => *m = std::mem::take(m).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        let handler = if fallback {
            handler.fallback(method_not_allowed)
        } else {
            handler
        };
        router = router.route(&path, handler);
    }
    router
}

pub async fn no_route(Language(lang): Language) -> ApiError {
    let mut e = ApiError::not_found(lang);
    e.code = "no_route";
    e
}

async fn method_not_allowed(Language(lang): Language) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        lang.text("api-method-not-allowed", &[]),
    )
}

pub async fn health() -> &'static str {
    "ok"
}

/// The pages, behind the CSRF check of `Sec-Fetch-Site`.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{lang}", get(session::switch_language))
        .route("/records/{kind}", get(records::list::page))
        .route(
            "/records/{kind}/new",
            get(records::form::new_page).post(records::form::create),
        )
        .route("/records/{kind}/template", get(sheets::template))
        .route("/records/{kind}/export", get(sheets::export))
        .route("/records/{kind}/{id}", get(records::show::page))
        .route(
            "/records/{kind}/{id}/attachments/{hash}",
            get(attachments::download_page),
        )
        .route(
            "/records/{kind}/{id}/attachments/{hash}/remove",
            post(attachments::remove_page),
        )
        .route(
            "/records/{kind}/{id}/attachments/{hash}/fetch",
            post(attachments::fetch_page),
        )
        .route(
            "/records/{kind}/{id}/edit",
            get(records::form::edit_page).post(records::form::update),
        )
        .route(
            "/records/{kind}/{id}/delete",
            post(records::write::delete_page),
        )
        .route("/map", get(geo::page))
        .route("/map/tiles/{z}/{x}/{y}", get(geo::tile))
        .route("/org", get(org::org_page))
        .route("/catalogues", get(org::catalogue_page))
        .route("/reports", get(reports::page))
        .route(
            "/reports/download",
            get(reports::download).post(reports::download_post),
        )
        .route("/conflicts", get(conflicts::list_page))
        .route(
            "/conflicts/{id}",
            get(conflicts::conflict_page).post(conflicts::resolve),
        )
        .route("/briefings", get(briefings::pages::roll_page))
        .route(
            "/briefings/{unit}",
            get(briefings::pages::report_page).post(briefings::pages::save),
        )
        .route(
            "/briefings/{unit}/download",
            get(briefings::docx::download).post(briefings::docx::download_post),
        )
        .route("/admin/audit", get(audit::page))
        .route("/admin/subjects", get(persons::page))
        .route("/tokens", get(tokens::page).post(tokens::page_create))
        .route("/tokens/{id}/revoke", post(tokens::page_revoke))
        .route("/admin/accounts", get(signoff::accounts_page))
        .route(
            "/admin/accounts/{name}/positions",
            post(signoff::accounts_save),
        )
        .route("/records/{kind}/{id}/signoff", post(signoff::answer_page))
        .route("/sync", get(sync::status_page))
        .layer(tower_http::csrf::CsrfLayer::new())
}

/// The spreadsheet upload page: its body may be far larger than a form's.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/records/{kind}/import",
            get(sheets::import_page).post(sheets::import_upload),
        )
        .route(
            "/org/changes",
            get(org_changes::page).post(org_changes::upload),
        )
        .route("/org/codes", get(org_codes::page).post(org_codes::upload))
}
