//! Sync: the revision exchange routes a node calls (docs/sync-protocol.md)
//! and the sync status — the page ("Đồng bộ", §10) and `GET
//! /api/v1/sync/status` show the same figures: on a server, each node with
//! its last sync and what waits for it; on a node, its server, its last
//! sync and what it has still to send.

use crate::error::Error;
use crate::extract::{ApiCaller, SignedIn, require_admin};
use crate::view::{Frame, frame, render, unit_name, when};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bienphong_domain::format;
use bienphong_i18n::Lang;
use bienphong_service::Principal;
use bienphong_store::Store;

fn sync_answer<T: serde::Serialize>(message: &T) -> Result<Response, Error> {
    let bytes = bienphong_sync::wire::encode(message)?;
    Ok((
        [(header::CONTENT_TYPE, bienphong_sync::wire::CONTENT_TYPE)],
        bytes,
    )
        .into_response())
}

/// A sync route: the zstd-compressed JSON request decoded, answered, and
/// the answer encoded the same way.
async fn sync_route<Req, Resp, Fut>(
    body: &[u8],
    answer: impl FnOnce(Req) -> Fut,
) -> Result<Response, Error>
where
    Req: serde::de::DeserializeOwned,
    Resp: serde::Serialize,
    Fut: std::future::Future<Output = bienphong_sync::Result<Resp>>,
{
    let request = bienphong_sync::wire::decode(body)?;
    let answer = answer(request).await?;
    sync_answer(&answer)
}

pub async fn offer(
    State(state): State<AppState>,
    ApiCaller(_): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::server::offer(&state.service, request)
    })
    .await
}

pub async fn push(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::server::answer_push(&state.service, &caller.principal, now_ms(), request)
    })
    .await
}

pub async fn pull(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::server::answer_pull(&state.service, &caller.principal, now_ms(), request)
    })
    .await
}

/// Which files the node holds that the server lacks, and which it lacks
/// that the server holds (docs/sync-protocol.md §12).
pub async fn blobs(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::blobs::answer_offer(&state.service, &caller.principal, request)
    })
    .await
}

/// A file's bytes from a node, under the attachment limit.
pub async fn put_blob(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Path(hash): axum::extract::Path<String>,
    body: Bytes,
) -> Result<axum::http::StatusCode, Error> {
    if body.len() as u64 > state.config.max_attachment_bytes {
        return Err(bienphong_service::too_large(state.config.max_attachment_bytes).into());
    }
    bienphong_sync::blobs::receive(
        &state.service,
        &caller.principal,
        &hash,
        body.to_vec(),
        now_ms(),
    )
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A file's bytes for a node.
pub async fn get_blob(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Path(hash): axum::extract::Path<String>,
) -> Result<Response, Error> {
    let (content_type, bytes) =
        bienphong_sync::blobs::send(&state.service, &caller.principal, &hash).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn takeover(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::server::take_over(&state.service, &caller.principal, now_ms(), request)
    })
    .await
}

pub async fn check(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, Error> {
    sync_route(&body, |request| {
        bienphong_sync::check::on_server(&state.service, &caller.principal, request)
    })
    .await
}

/// A pushed revision the server refused, as the status shows it.
#[derive(serde::Serialize)]
pub struct RefusedOut {
    pub revision_id: String,
    pub record_id: String,
    pub record_type: String,
    pub reason: String,
    pub at_ms: i64,
    pub at: String,
    /// On a node: withdrawn by its user.
    pub withdrawn: bool,
}

/// A node as the status page and `GET /api/v1/sync/status` show it.
#[derive(serde::Serialize)]
pub struct PeerOut {
    pub node_id: String,
    /// The last characters of the node id (its random part: the first
    /// ones are the time it was made, alike for nodes set up together).
    pub short_id: String,
    pub unit: String,
    pub unit_name: String,
    pub actor: String,
    pub last_sync_ms: Option<i64>,
    /// `dd/mm/yyyy HH:MM`, Vietnam's time.
    pub last_sync: Option<String>,
    pub last_pull_ms: Option<i64>,
    pub pull_cursor: i64,
    pub last_push_ms: Option<i64>,
    pub revisions_received: i64,
    pub waiting: u64,
    /// `false`: the count stopped at the scan limit; at least `waiting`.
    pub waiting_exact: bool,
    /// What the node said it had still to send, at its last pull.
    pub pending: Option<i64>,
    /// Its pushed revisions the server refused.
    pub refused: Vec<RefusedOut>,
    /// Records in conflict its grant may read.
    pub conflicts: u64,
    /// Requests refused because another installation used its node id.
    pub duplicates: i64,
    pub last_duplicate_ms: Option<i64>,
}

#[derive(serde::Serialize)]
pub struct AttemptOut {
    pub at_ms: i64,
    pub at: String,
    pub pushed: Option<usize>,
    pub applied: Option<usize>,
    pub error: Option<String>,
}

#[derive(serde::Serialize)]
pub struct BackgroundOut {
    pub every_s: u64,
    /// A sync under way (with the link down it retries for a while).
    pub running_since_ms: Option<i64>,
    pub running_since: Option<String>,
    pub last_attempt: Option<AttemptOut>,
}

#[derive(serde::Serialize)]
pub struct NodeOut {
    pub node_id: String,
    pub server: String,
    pub last_sync_ms: Option<i64>,
    pub last_sync: Option<String>,
    pub push_cursor: i64,
    pub pull_cursor: i64,
    pub waiting_to_push: u64,
    pub pulled: u64,
    /// Revisions the server refused, set aside here.
    pub set_aside: Vec<RefusedOut>,
    pub conflicts: u64,
    /// `serve --sync-every`, when it runs in this process.
    pub background: Option<BackgroundOut>,
}

#[derive(serde::Serialize)]
pub struct SyncStatusOut {
    /// This installation.
    pub node_id: String,
    /// The nodes that synced with this installation, most recently seen first.
    pub nodes: Vec<PeerOut>,
    /// This installation as a field node (`sync.json` in its data directory).
    pub node: Option<NodeOut>,
}

/// The sync status, for administrators: the sync crate counts, this only
/// names units and formats times.
async fn status_of(state: &AppState, who: &Principal, lang: Lang) -> Result<SyncStatusOut, Error> {
    let service = &state.service;
    let node_state = match &state.config.node_dir {
        Some(dir) => bienphong_sync::status::node_status(service.store(), dir).await?,
        None => None,
    };
    // The nodes a server serves are the administrators' to see; a node's
    // own status is everyone's there.
    if node_state.is_none() {
        require_admin(who, lang)?;
    }
    let peers = if who.grant.is_admin() {
        bienphong_sync::status::server_status(service).await?
    } else {
        Vec::new()
    };
    let org = service.org_shared().await?;
    let shown = |ms: Option<i64>| ms.map(when);
    let nodes = peers
        .into_iter()
        .map(|p| PeerOut {
            short_id: p.node_id[p.node_id.len().saturating_sub(8)..].to_string(),
            unit_name: unit_name(&org, &p.unit, lang),
            last_sync: shown(p.last_sync_ms),
            node_id: p.node_id,
            unit: p.unit,
            actor: p.actor,
            last_sync_ms: p.last_sync_ms,
            last_pull_ms: p.last_pull_ms,
            pull_cursor: p.pull_cursor,
            last_push_ms: p.last_push_ms,
            revisions_received: p.revisions_received,
            waiting: p.waiting.count,
            waiting_exact: p.waiting.exact,
            pending: p.pending,
            refused: p
                .refused
                .into_iter()
                .map(|r| RefusedOut {
                    at: when(r.at_ms),
                    revision_id: r.revision_id,
                    record_id: r.record_id,
                    record_type: r.record_type,
                    reason: r.reason,
                    at_ms: r.at_ms,
                    withdrawn: false,
                })
                .collect(),
            conflicts: p.conflicts,
            duplicates: p.duplicates,
            last_duplicate_ms: p.last_duplicate_ms,
        })
        .collect();
    let node = node_state.map(|n| NodeOut {
        last_sync: shown(n.last_sync_ms),
        node_id: n.node_id,
        server: n.server,
        last_sync_ms: n.last_sync_ms,
        push_cursor: n.push_cursor,
        pull_cursor: n.pull_cursor,
        waiting_to_push: n.waiting_to_push,
        pulled: n.pulled,
        conflicts: n.conflicts,
        set_aside: n
            .set_aside
            .into_iter()
            .map(|r| RefusedOut {
                at: when(r.at_ms),
                revision_id: r.id.to_string(),
                record_id: r.record_id.to_string(),
                record_type: r.record_type.as_str().to_string(),
                reason: r.reason,
                at_ms: r.at_ms,
                withdrawn: r.withdrawn,
            })
            .collect(),
        background: state.background_sync.as_ref().map(|b| BackgroundOut {
            every_s: b.every.as_secs(),
            running_since_ms: b.running_since(),
            running_since: shown(b.running_since()),
            last_attempt: b.last().map(|a| AttemptOut {
                at: when(a.at_ms),
                at_ms: a.at_ms,
                pushed: a.pushed,
                applied: a.applied,
                error: a.error,
            }),
        }),
    });
    Ok(SyncStatusOut {
        node_id: service.store().node_id().to_string(),
        nodes,
        node,
    })
}

pub async fn status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<SyncStatusOut>, Error> {
    Ok(Json(
        status_of(&state, &caller.principal, caller.lang).await?,
    ))
}

#[derive(Template)]
#[template(path = "sync.html")]
struct SyncPage {
    f: Frame,
    s: SyncStatusOut,
    /// The list of nodes is left out on a node that no node syncs with.
    show_nodes: bool,
}

impl SyncPage {
    fn count(&self, n: &u64) -> String {
        format::integer(i64::try_from(*n).unwrap_or(i64::MAX))
    }

    fn waiting(&self, p: &PeerOut) -> String {
        let n = self.count(&p.waiting);
        if p.waiting_exact {
            n
        } else {
            format!("≥ {n}")
        }
    }

    fn every(&self, seconds: &u64) -> String {
        let key = match seconds {
            s if s % 3600 == 0 => ("hours", s / 3600),
            s if s % 60 == 0 => ("minutes", s / 60),
            s => ("seconds", *s),
        };
        self.f.t.0.text(
            &format!("sync-every-{}", key.0),
            &[("n", key.1.to_string())],
        )
    }
}

pub async fn status_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
) -> Result<Response, Error> {
    let s = status_of(&state, &auth.principal, auth.lang).await?;
    let org = state.service.org_shared().await?;
    Ok(render(SyncPage {
        f: frame(&auth, &org, "/sync"),
        show_nodes: s.node.is_none() || !s.nodes.is_empty(),
        s,
    }))
}
