//! What sync looks like from each side (docs/sync-protocol.md §10): on a
//! server, each node with its last sync and the revisions waiting for it;
//! on a node, its server, its last sync and what it has still to send.

use crate::client::{NodeState, SetAside, SyncReport};
use crate::server::{Waiting, WaitingCounter};
use crate::{Result, SyncError};
use bienphong_domain::access::{Grant, Role};
use bienphong_domain::org::Code;
use bienphong_service::{Principal, Service};
use bienphong_store::{
    AccountStore, PersonalStore, Store, StoreError, SyncPeer, SyncRefusal, SyncStatusStore,
};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Revisions scanned per node to count what waits for it; beyond this the
/// count is a lower bound (a node that never synced would otherwise cost a
/// scan of the whole store).
pub const WAITING_SCAN_LIMIT: u64 = 20_000;

/// A node as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeerStatus {
    pub node_id: String,
    /// The unit of the token it last synced with (code).
    pub unit: String,
    /// The token, as the audit log names it.
    pub actor: String,
    /// Its last pull that completed (`more: false`), by the server's clock.
    pub last_sync_ms: Option<i64>,
    pub last_pull_ms: Option<i64>,
    pub pull_cursor: i64,
    pub last_push_ms: Option<i64>,
    /// Revisions new to the server that its pushes brought, in total.
    pub revisions_received: i64,
    /// Server revisions its grant may read after its cursor, not its own.
    pub waiting: Waiting,
    /// What the node said it still had to send, at its last pull.
    pub pending: Option<i64>,
    /// Its pushed revisions the server refused (the node set them aside);
    /// the web words them.
    #[serde(skip)]
    pub refused: Vec<SyncRefusal>,
    /// Records in conflict that its grant may read.
    pub conflicts: u64,
    /// Requests refused because another installation synced as this node
    /// (a copied data directory), and the last one.
    pub duplicates: i64,
    pub last_duplicate_ms: Option<i64>,
}

fn grant_of(peer: &SyncPeer) -> Result<Grant> {
    let corrupt = |what: &str| {
        SyncError::Store(StoreError::Corrupt(format!(
            "sync peer {}: {what}",
            peer.node_id
        )))
    };
    Ok(Grant {
        role: Role::parse(&peer.role).ok_or_else(|| corrupt("role"))?,
        unit: Code::parse(&peer.unit).map_err(|_| corrupt("unit"))?,
        restricted: peer.restricted,
    })
}

/// Every node that synced with this server, most recently seen first, with
/// what waits for it.
pub async fn server_status<S: Store + AccountStore + PersonalStore + SyncStatusStore>(
    service: &Service<S>,
) -> Result<Vec<PeerStatus>> {
    let peers = service.store().sync_peers().await?;
    let refusals = service.store().sync_refusals().await?;
    let mut counter = WaitingCounter::new(service).await?;
    let mut out = Vec::with_capacity(peers.len());
    for peer in peers {
        // A node whose installation presented itself but that never
        // completed a request has no grant yet.
        if peer.role.is_empty() {
            continue;
        }
        let who = Principal {
            name: peer.actor.clone(),
            user_id: None,
            token_id: None,
            grant: grant_of(&peer)?,
        };
        let waiting = match peer.node_id.parse() {
            Ok(node) => {
                counter
                    .count(&who, peer.pull_cursor, node, WAITING_SCAN_LIMIT)
                    .await?
            }
            Err(_) => {
                return Err(SyncError::Store(StoreError::Corrupt(format!(
                    "sync peer {}: node id",
                    peer.node_id
                ))));
            }
        };
        let conflicts = service.conflicts_as(&who).await?.len() as u64;
        let refused = refusals
            .iter()
            .filter(|r| r.node_id == peer.node_id)
            .cloned()
            .collect();
        out.push(PeerStatus {
            pending: peer.pending,
            refused,
            conflicts,
            duplicates: peer.duplicates,
            last_duplicate_ms: peer.last_duplicate_ms,
            node_id: peer.node_id,
            unit: peer.unit,
            actor: peer.actor,
            last_sync_ms: peer.last_sync_ms,
            last_pull_ms: peer.last_pull_ms,
            pull_cursor: peer.pull_cursor,
            last_push_ms: peer.last_push_ms,
            revisions_received: peer.revisions_received,
            waiting,
        });
    }
    Ok(out)
}

/// A field node's side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeStatus {
    pub node_id: String,
    pub server: String,
    /// The last sync that completed, by this node's clock.
    pub last_sync_ms: Option<i64>,
    pub push_cursor: i64,
    pub pull_cursor: i64,
    /// Revisions written here after the push cursor: not yet sent.
    pub waiting_to_push: u64,
    /// Revisions written elsewhere that this node holds: pulled (or
    /// applied from bundles).
    pub pulled: u64,
    /// Revisions the server refused, set aside (withdrawn ones too).
    pub set_aside: Vec<SetAside>,
    /// Records in conflict on this node.
    pub conflicts: u64,
}

/// The node's status when `data_dir` holds `sync.json`, else `None`. The
/// token is not part of it.
pub async fn node_status<S: Store + SyncStatusStore>(
    store: &S,
    data_dir: &Path,
) -> Result<Option<NodeStatus>> {
    let path = NodeState::path_in(data_dir);
    if !path.is_file() {
        return Ok(None);
    }
    let state = NodeState::load(&path)?;
    let waiting_to_push = crate::client::pending(store, &state).await?;
    Ok(Some(NodeStatus {
        node_id: store.node_id().to_string(),
        server: state.server,
        last_sync_ms: state.last_sync_ms,
        push_cursor: state.push_cursor,
        pull_cursor: state.pull_cursor,
        waiting_to_push,
        pulled: store.revisions_from_elsewhere().await?,
        conflicts: store.conflicts().await?.len() as u64,
        set_aside: state.set_aside,
    }))
}

/// One run of the background sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub at_ms: i64,
    /// Revisions sent and new revisions received, when it succeeded.
    pub pushed: Option<usize>,
    pub applied: Option<usize>,
    /// Why it failed (the link down, the server refusing…), when it did.
    pub error: Option<String>,
}

/// What the background sync of `bienphong serve --sync-every` is doing and
/// last did, shared between its task and the status page.
#[derive(Debug)]
pub struct BackgroundSync {
    pub every: Duration,
    state: Mutex<Activity>,
}

#[derive(Debug, Default)]
struct Activity {
    running_since_ms: Option<i64>,
    last: Option<Attempt>,
}

impl BackgroundSync {
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            state: Mutex::new(Activity::default()),
        }
    }

    /// A sync starts (with the link down it may retry for a minute or more).
    pub fn begin(&self, at_ms: i64) {
        if let Ok(mut state) = self.state.lock() {
            state.running_since_ms = Some(at_ms);
        }
    }

    /// A sync ended (or was never started, when `outcome` is an error).
    pub fn record(&self, at_ms: i64, outcome: &Result<SyncReport>) {
        let attempt = match outcome {
            Ok(report) => Attempt {
                at_ms,
                pushed: Some(report.pushed),
                applied: Some(report.applied),
                error: None,
            },
            Err(e) => Attempt {
                at_ms,
                pushed: None,
                applied: None,
                error: Some(e.to_string()),
            },
        };
        if let Ok(mut state) = self.state.lock() {
            state.running_since_ms = None;
            state.last = Some(attempt);
        }
    }

    /// When the sync under way started, if one is.
    pub fn running_since(&self) -> Option<i64> {
        self.state.lock().ok().and_then(|s| s.running_since_ms)
    }

    pub fn last(&self) -> Option<Attempt> {
        self.state.lock().ok().and_then(|s| s.last.clone())
    }
}
