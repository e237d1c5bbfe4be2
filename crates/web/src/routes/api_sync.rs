//! The API routes nodes sync through, and conflicts.

use super::{ApiRoute, route};
use crate::resources::{conflicts, sync};
use axum::http::Method;
use axum::routing::on;

/// The API routes of this area, in the order the OpenAPI document lists them.
pub(super) fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
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
    ]
}
