//! Every route, in one table. The API's routes are declared once in
//! [`api_routes`]: the router and the OpenAPI document (`openapi.rs`) are
//! both built from that table, so the document cannot list a route the
//! server does not serve, nor miss one it does. The pages follow in
//! [`page_routes`], each pointing at its resource's handler.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Language;
use crate::resources::{
    accounts, attachments, audit, briefings, conflicts, dashboard, geo, org, org_changes,
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
        route(
            Method::GET,
            "/api/v1/me",
            "Who the credentials belong to",
            "accounts",
            &[200],
            on(F::GET, accounts::me),
        ),
        ApiRoute {
            body: Some("TokenRequest"),
            ..route(
                Method::POST,
                "/api/v1/tokens",
                "Create an API token (shown once), with an optional life in days",
                "accounts",
                &[201, 400, 403, 422],
                on(F::POST, tokens::create),
            )
        },
        ApiRoute {
            response: Some("TokenList"),
            ..route(
                Method::GET,
                "/api/v1/tokens",
                "The caller's tokens (an administrator's: all), with owner, node and last use",
                "accounts",
                &[200],
                on(F::GET, tokens::list),
            )
        },
        route(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            "Revoke an API token by its id",
            "accounts",
            &[204, 403, 404],
            on(F::DELETE, tokens::revoke),
        ),
        ApiRoute {
            body: Some("TokenGrant"),
            response: Some("Token"),
            ..route(
                Method::PATCH,
                "/api/v1/tokens/{id}",
                "Change a token's unit or personal-data grant (administrators); its node drops what it may no longer hold at its next sync",
                "accounts",
                &[200, 400, 403, 404, 422],
                on(F::PATCH, tokens::change_grant),
            )
        },
        ApiRoute {
            query: &[
                ("actor", "who acted"),
                ("action", "create, update, delete, login, restricted.read…"),
                ("outcome", "allowed or refused"),
                ("record_id", "a record"),
                ("before", "entries before this sequence number"),
                ("limit", "entries, 1–1000"),
            ],
            ..route(
                Method::GET,
                "/api/v1/audit",
                "The audit log, newest first (administrators)",
                "accounts",
                &[200, 400, 403],
                on(F::GET, audit::list),
            )
        },
        ApiRoute {
            response: Some("OrgChanges"),
            ..route(
                Method::GET,
                "/api/v1/org/changes",
                "The reorganisations applied as change sets, oldest first",
                "organisation",
                &[200],
                on(F::GET, org_changes::api_list),
            )
        },
        ApiRoute {
            query: &[(
                "dry_run",
                "true: check the set and answer what it would write, writing nothing",
            )],
            body: Some("ChangeSet"),
            response: Some("OrgChangeResult"),
            ..route(
                Method::POST,
                "/api/v1/org/changes",
                "Apply a reorganisation (a change set, docs/org-changes.md): checked whole, \
                 written in one transaction, or refused (422) with every problem in fields \
                 (administrators)",
                "organisation",
                &[200, 400, 403, 422],
                on(F::POST, org_changes::api_apply),
            )
        },
        ApiRoute {
            query: &[(
                "dry_run",
                "true: check the file and answer what it would change, writing nothing",
            )],
            body: Some("CodesFile"),
            response: Some("OrgCodesResult"),
            ..route(
                Method::POST,
                "/api/v1/org/codes",
                "Import a list of administrative codes and agency identifiers (CSV or XLSX as \
                 the body, docs/codes.md): checked whole, written in one transaction as unit \
                 revisions, or refused (422) with every problem in fields (administrators)",
                "organisation",
                &[200, 400, 403, 422],
                on(F::POST, org_codes::api_import),
            )
        },
        ApiRoute {
            required: &["year"],
            query: &[
                ("year", "the year"),
                ("scope", "unit code (default: the caller's unit)"),
                ("cutoff", "decree09 (default) or calendar"),
                (
                    "map_to",
                    "with scope: count the year's records for the units of this day (YYYY-MM-DD or DD/MM/YYYY) instead of as the units were",
                ),
                ("format", "json (default), md, xlsx, csv or docx"),
                (
                    "aggregate_only",
                    "true: aggregates only, for the unclassified national reporting system \
                     (Decree 09/2019): tables of counts with a statement of the channel, no \
                     names, no case details, counts 1–4 shown as <5 with complementary \
                     suppression (md, json, xlsx or csv)",
                ),
                ("style", "docx: state (default) or party"),
                ("number", "docx: the number in the issuer's register"),
                (
                    "date",
                    "docx: the document's date, YYYY-MM-DD or DD/MM/YYYY (default: today)",
                ),
                (
                    "issuer",
                    "docx: the issuing body (default: derived from the scope)",
                ),
                ("parent_body", "docx: the body above the issuer"),
                ("symbol", "docx: the symbol after the number"),
                ("place", "docx: the place in the date line"),
                (
                    "signing_for",
                    "docx: TM., KT., … on whose behalf the signer signs",
                ),
                ("signer_title", "docx: the signer's title"),
                ("signer_name", "docx: the signer's name"),
                (
                    "recipients",
                    "docx: recipients after the superior, one a line or separated by ;",
                ),
            ],
            ..route(
                Method::GET,
                "/api/v1/reports/annual",
                "The annual review",
                "reports",
                &[200, 400, 403, 404, 422],
                on(F::GET, reports::annual),
            )
        },
        ApiRoute {
            query: geo::MAP_QUERY,
            response: Some("MapLayers"),
            ..route(
                Method::GET,
                "/api/v1/map",
                "The map's layers as GeoJSON: posts, markers with their coverage (visits, \
                 listed, by track, last visit, unvisited, disagreements) and patrol tracks \
                 simplified for display, each linking to its patrol",
                "map",
                &[200, 400, 403, 404],
                on(F::GET, geo::map_json),
            )
        },
        ApiRoute {
            query: geo::MAP_EXPORT_QUERY,
            ..route(
                Method::GET,
                "/api/v1/map/export",
                "The tracks and markers of the map as a GPX, GeoJSON or KML file",
                "map",
                &[200, 400, 403, 404],
                on(F::GET, geo::map_export),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::GET,
                "/api/v1/briefings",
                "Who owes a quarter's briefing report, and who has submitted or is late",
                "briefings",
                &[200, 400, 403, 422],
                on(F::GET, briefings::roll),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::GET,
                "/api/v1/briefings/{unit}",
                "A unit's briefing report: frozen figures once submitted, with later changes",
                "briefings",
                &[200, 400, 403, 422],
                on(F::GET, briefings::view),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::POST,
                "/api/v1/briefings/{unit}/submit",
                "Submit a unit's draft briefing report, freezing its figures",
                "briefings",
                &[200, 400, 403, 404, 409, 422],
                on(F::POST, briefings::submit),
            )
        },
        route(
            Method::GET,
            "/api/v1/conflicts",
            "Records changed in two places before a sync, with their versions",
            "sync",
            &[200],
            on(F::GET, conflicts::list),
        ),
        ApiRoute {
            body: Some("Resolution"),
            ..route(
                Method::POST,
                "/api/v1/conflicts/{id}/resolve",
                "Resolve a conflict: keep one version, optionally with fields of others",
                "sync",
                &[200, 400, 403, 404, 409, 422],
                on(F::POST, conflicts::resolve_api),
            )
        },
        ApiRoute {
            body: Some("SyncOffer"),
            ..route(
                Method::POST,
                "/api/v1/sync/offer",
                "Sync: which of these revision ids the server lacks (docs/sync-protocol.md)",
                "sync",
                &[200, 400],
                on(F::POST, sync::offer),
            )
        },
        ApiRoute {
            body: Some("SyncPush"),
            ..route(
                Method::POST,
                "/api/v1/sync/push",
                "Sync: revisions for the server, applied in one transaction (all or nothing; \
                 with set_aside, the refused ones are named and the rest applied)",
                "sync",
                &[200, 400, 403, 409],
                on(F::POST, sync::push),
            )
        },
        ApiRoute {
            body: Some("SyncPull"),
            ..route(
                Method::POST,
                "/api/v1/sync/pull",
                "Sync: revisions after a cursor that the caller may read",
                "sync",
                &[200, 400, 403, 409],
                on(F::POST, sync::pull),
            )
        },
        ApiRoute {
            body: Some("SyncTakeover"),
            ..route(
                Method::POST,
                "/api/v1/sync/takeover",
                "Sync: this installation takes its node over; any other one is refused from then on",
                "sync",
                &[200, 400, 403],
                on(F::POST, sync::takeover),
            )
        },
        ApiRoute {
            body: Some("SyncCheck"),
            ..route(
                Method::POST,
                "/api/v1/sync/check",
                "Sync: a digest per record type of the revisions the caller may read (sync --check)",
                "sync",
                &[200, 400],
                on(F::POST, sync::check),
            )
        },
        ApiRoute {
            body: Some("SyncBlobOffer"),
            ..route(
                Method::POST,
                "/api/v1/sync/blobs",
                "Sync: of the attached files a node holds, those the server lacks; of those it \
                 lacks, those the server holds and the caller may read (docs/sync-protocol.md §12)",
                "sync",
                &[200, 400],
                on(F::POST, sync::blobs),
            )
        },
        ApiRoute {
            body: Some("SyncBlob"),
            file_upload: true,
            ..route(
                Method::PUT,
                "/api/v1/sync/blobs/{hash}",
                "Sync: a file's bytes, named by their SHA-256, for a link the caller may read \
                 (at most the attachment limit, else 413)",
                "sync",
                &[204, 400, 404, 413, 422],
                on(F::PUT, sync::put_blob),
            )
        },
        route(
            Method::GET,
            "/api/v1/sync/blobs/{hash}",
            "Sync: a file's bytes, for a node that may read a link naming it",
            "sync",
            &[200, 404],
            on(F::GET, sync::get_blob),
        ),
        route(
            Method::GET,
            "/api/v1/sync/status",
            "Sync status: each node with its last sync and the revisions waiting for it; \
             on a node, its server and what it has still to send (administrators)",
            "sync",
            &[200, 403],
            on(F::GET, sync::status),
        ),
        ApiRoute {
            response: Some("OverdueList"),
            ..route(
                Method::GET,
                "/api/v1/overdue",
                "Overdue acknowledgements and required actions on the documents the caller may read",
                "signoff",
                &[200],
                on(F::GET, signoff::overdue),
            )
        },
        ApiRoute {
            response: Some("UserList"),
            ..route(
                Method::GET,
                "/api/v1/users",
                "Every account with its role, unit and positions (administrators)",
                "accounts",
                &[200, 403],
                on(F::GET, signoff::users),
            )
        },
        ApiRoute {
            body: Some("Positions"),
            response: Some("Positions"),
            ..route(
                Method::PUT,
                "/api/v1/users/{name}/positions",
                "Set the positions an account holds, each in a unit (administrators)",
                "accounts",
                &[200, 400, 403, 404, 422],
                on(F::PUT, signoff::set_positions),
            )
        },
    ];
    routes.push(route(
        Method::GET,
        "/api/v1/documents/{id}/docx",
        "A document record as a DOCX: its letterhead, subject, recipients, actions and signer blocks",
        "reports",
        &[200, 404],
        on(F::GET, reports::document_docx),
    ));
    for t in [RecordType::Document, RecordType::BriefingReport] {
        let path = format!("/api/v1/{}/{{id}}/signoff", collection(t));
        routes.push(ApiRoute {
            response: Some("Signoff"),
            ..route(
                Method::GET,
                path.clone(),
                format!("The sign-off of a {t}: each required signer's state, every answer"),
                "signoff",
                &[200, 404, 422],
                on(F::GET, move |s, caller, id| signoff::get(t, s, caller, id)),
            )
        });
        routes.push(ApiRoute {
            body: Some("SignoffRequest"),
            response: Some("Signoff"),
            ..route(
                Method::POST,
                path,
                format!(
                    "Sign a {t} in a position you hold, return it with a comment, or \
                     acknowledge it for a recipient unit (with what it did on the required actions)"
                ),
                "signoff",
                &[201, 400, 403, 404, 409, 422],
                on(F::POST, move |s, caller, id, body| {
                    signoff::answer(t, s, caller, id, body)
                }),
            )
        });
    }
    for t in RecordType::ALL {
        if t == RecordType::Attachment {
            continue;
        }
        let c = collection(t);
        let base = format!("/api/v1/{c}");
        let item = format!("{base}/{{id}}");
        routes.push(ApiRoute {
            query: LIST_QUERY,
            response: Some("RecordList"),
            ..route(
                Method::GET,
                base.clone(),
                format!("List {t} records, a page at a time"),
                c,
                &[200, 400],
                on(F::GET, move |s, q, caller| {
                    records::list::list(t, s, q, caller)
                }),
            )
        });
        routes.push(ApiRoute {
            query: CONFIRM_QUERY,
            body: Some(openapi::content_schema(t)),
            response: Some("Record"),
            etag: true,
            ..route(
                Method::POST,
                base,
                format!("Create a {t} record"),
                c,
                &[201, 400, 403, 422],
                on(F::POST, move |s, caller, q, body| {
                    records::write::create(t, s, caller, q, body)
                }),
            )
        });
        routes.push(ApiRoute {
            response: Some("Record"),
            etag: true,
            ..route(
                Method::GET,
                item.clone(),
                format!("Get a {t} record"),
                c,
                &[200, 404],
                on(F::GET, move |s, caller, id| {
                    records::show::get(t, s, caller, id)
                }),
            )
        });
        routes.push(ApiRoute {
            query: CONFIRM_QUERY,
            body: Some("UpdateRequest"),
            response: Some("Record"),
            etag: true,
            ..route(
                Method::PUT,
                item.clone(),
                format!(
                    "Replace a {t} record's content (name the revision you edited: \
                     If-Match, or the body's revision)"
                ),
                c,
                &[200, 400, 403, 404, 409, 412, 422],
                on(F::PUT, move |s, caller, id, headers, q, body| {
                    records::write::update(t, s, caller, id, headers, q, body)
                }),
            )
        });
        routes.push(ApiRoute {
            query: &[(
                "revision",
                "the revision you are deleting (the server also takes a request without it \
                 when If-Match names it)",
            )],
            required: &["revision"],
            response: Some("Revision"),
            etag: true,
            ..route(
                Method::DELETE,
                item.clone(),
                format!("Delete a {t} record (its history stays)"),
                c,
                &[200, 400, 403, 404, 409, 412, 422],
                on(F::DELETE, move |s, caller, id, headers, q| {
                    records::write::delete(t, s, caller, id, headers, q)
                }),
            )
        });
        routes.push(ApiRoute {
            response: Some("History"),
            ..route(
                Method::GET,
                format!("{item}/history"),
                format!("Every revision of a {t} record"),
                c,
                &[200, 404],
                on(F::GET, move |s, caller, id| {
                    records::show::history(t, s, caller, id)
                }),
            )
        });
        attachment_api_routes(&mut routes, t, &item);
    }
    routes.extend(persons::api_routes());
    routes
}

/// The files of a `t` record (`resources/attachments.rs`).
fn attachment_api_routes(routes: &mut Vec<ApiRoute>, t: RecordType, item: &str) {
    use axum::routing::MethodFilter as F;
    let c = collection(t);
    let files = format!("{item}/attachments");
    let file = format!("{files}/{{hash}}");
    routes.push(ApiRoute {
        response: Some("AttachmentList"),
        ..route(
            Method::GET,
            files.clone(),
            format!("The files attached to a {t} record"),
            c,
            &[200, 404],
            on(F::GET, move |s, caller, id| {
                attachments::list(t, s, caller, id)
            }),
        )
    });
    routes.push(ApiRoute {
        body: Some("AttachmentUpload"),
        response: Some("AttachmentItem"),
        file_upload: true,
        ..route(
            Method::POST,
            files,
            format!(
                "Attach a file to a {t} record (multipart, field `file`): its type is read \
                 from its bytes (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, UTF-8 text, GPX), it is \
                 kept once per content, and one above the server's limit is refused with 413 \
                 before it is read whole; 200 when the record has the same file already. A \
                 GPX on a patrol is its track: checked (422 when damaged), measured, and \
                 refused when too fast for field `means` (foot, motorbike, boat) unless \
                 field `confirm` is 1"
            ),
            c,
            &[200, 201, 400, 403, 404, 409, 413, 422],
            on(F::POST, move |s, caller, id, body| {
                attachments::upload(t, s, caller, id, body)
            }),
        )
    });
    routes.push(route(
        Method::GET,
        file.clone(),
        format!(
            "Download a file of a {t} record under its original name \
             (409 not_fetched: a node left it on its server)"
        ),
        c,
        &[200, 404, 409],
        on(F::GET, move |s, caller, ids| {
            attachments::download(t, s, caller, ids)
        }),
    ));
    routes.push(route(
        Method::DELETE,
        file,
        format!("Remove a file from a {t} record (its link's history keeps it)"),
        c,
        &[204, 403, 404],
        on(F::DELETE, move |s, caller, ids| {
            attachments::remove(t, s, caller, ids)
        }),
    ));
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
    router_of(api_routes().into_iter().filter(|r| r.file_upload), false).route(
        "/records/{kind}/{id}/attachments",
        post(attachments::upload_page).layer(tower_http::csrf::CsrfLayer::new()),
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
        .route("/reports/download", get(reports::download))
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
            get(briefings::pages::download),
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
