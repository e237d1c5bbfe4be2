//! The node's side: its settings (server, token, cursors) and the sync
//! loop over HTTP, with retries that back off.

use crate::wire::{
    CONTENT_TYPE, OFFER_BATCH, OfferRequest, OfferResponse, PULL_BATCH, PUSH_BATCH, PullRequest,
    PullResponse, PushRequest, PushResponse, decode, encode,
};
use crate::{Result, SyncError};
use bienphong_domain::{NodeId, RevisionId};
use bienphong_store::Store;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What a node keeps about its server (`sync.json` in its data directory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeState {
    pub server: String,
    pub token: String,
    /// The server sequence number up to which the node has pulled.
    pub pull_cursor: i64,
    /// The node's own sequence number up to which it has pushed.
    pub push_cursor: i64,
    /// When the last sync completed, by this node's clock.
    #[serde(default)]
    pub last_sync_ms: Option<i64>,
    /// The certificate (PEM) of an authority the province's server is
    /// signed by when it is not one the system trusts (a province's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// The server's node id, as its pulls name it: bundles are addressed
    /// to it, and only its bundles are applied here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_node: Option<NodeId>,
}

impl NodeState {
    pub fn new(server: &str, token: &str) -> Self {
        Self {
            server: server.trim_end_matches('/').to_string(),
            token: token.to_string(),
            pull_cursor: 0,
            push_cursor: 0,
            last_sync_ms: None,
            ca_pem: None,
            server_node: None,
        }
    }

    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join("sync.json")
    }

    pub fn load(path: &Path) -> Result<Self> {
        let err = |reason: String| SyncError::NodeState {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            err(format!(
                "{e} (initialise the node first: bienphong node init --server URL --token TOKEN)"
            ))
        })?;
        serde_json::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// Writes the settings atomically, readable by the owner only (they
    /// hold the token).
    pub fn save(&self, path: &Path) -> Result<()> {
        let err = |e: std::io::Error| SyncError::NodeState {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_vec_pretty(self).map_err(|e| SyncError::NodeState {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp).map_err(err)?;
            f.write_all(&json).map_err(err)?;
            f.sync_all().map_err(err)?;
        }
        std::fs::rename(&tmp, path).map_err(err)
    }
}

/// Held while a sync reads and writes a node's settings, so that two syncs
/// of one node (`bienphong sync` and the background sync of `bienphong
/// serve --sync-every`, or two of either) never overlap: an OS lock on
/// `sync.lock` beside `sync.json`. Two handles conflict even within one
/// process; the lock ends with the handle, or with the process however it
/// ends.
#[derive(Debug)]
pub struct SyncLock {
    _file: std::fs::File,
}

impl SyncLock {
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join("sync.lock")
    }

    /// The lock, or `None` when another sync holds it.
    pub fn try_acquire(data_dir: &Path) -> Result<Option<Self>> {
        let path = Self::path_in(data_dir);
        let err = |e: std::io::Error| SyncError::NodeState {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(err(e)),
        }
    }

    /// The lock, waiting up to `patience` for another sync to end; after
    /// that, [`SyncError::Busy`].
    pub async fn acquire(data_dir: &Path, patience: Duration) -> Result<Self> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            if let Some(lock) = Self::try_acquire(data_dir)? {
                return Ok(lock);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(SyncError::Busy {
                    path: Self::path_in(data_dir).display().to_string(),
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// How many times a failed request is tried, and the first pause.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub first_pause: Duration,
    pub max_pause: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 6,
            first_pause: Duration::from_secs(1),
            max_pause: Duration::from_secs(60),
        }
    }
}

/// How many ids are offered, revisions pushed and revisions asked for per
/// request (the protocol's bounds by default; smaller in tests).
#[derive(Clone, Copy, Debug)]
pub struct Batches {
    pub offer: u32,
    pub push: usize,
    pub pull: u32,
}

impl Default for Batches {
    fn default() -> Self {
        Self {
            offer: OFFER_BATCH,
            push: PUSH_BATCH,
            pull: PULL_BATCH,
        }
    }
}

/// An HTTP connection to the server, counting the bytes of bodies both ways.
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    pub retry: Retry,
    pub batches: Batches,
    sent: AtomicU64,
    received: AtomicU64,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Self> {
        Self::with_ca(server, token, None)
    }

    /// A client that also trusts the authority of `ca_pem` for HTTPS.
    pub fn with_ca(server: &str, token: &str, ca_pem: Option<&str>) -> Result<Self> {
        install_tls_provider();
        let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(120));
        if let Some(pem) = ca_pem {
            builder = builder.add_root_certificate(parse_ca(pem)?);
        }
        let http = builder
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Self {
            http,
            base: server.trim_end_matches('/').to_string(),
            token: token.to_string(),
            retry: Retry::default(),
            batches: Batches::default(),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
        })
    }

    /// Bytes of request and response bodies so far (sent, received).
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.sent.load(Ordering::Relaxed),
            self.received.load(Ordering::Relaxed),
        )
    }

    async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        request: &Req,
    ) -> Result<Resp> {
        let body = encode(request)?;
        let url = format!("{}{path}", self.base);
        let mut pause = self.retry.first_pause;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_call(&url, &body).await {
                Ok(bytes) => return decode(&bytes),
                Err(e @ SyncError::Server { status, .. }) if status < 500 => return Err(e),
                Err(e) if attempt >= self.retry.attempts => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "sync request failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(self.retry.max_pause);
                }
            }
        }
    }

    async fn try_call(&self, url: &str, body: &[u8]) -> Result<Vec<u8>> {
        let net = |e: reqwest::Error| SyncError::Network(error_chain(&e));
        self.sent.fetch_add(body.len() as u64, Ordering::Relaxed);
        let response = self
            .http
            .post(url)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", CONTENT_TYPE)
            .body(body.to_vec())
            .send()
            .await
            .map_err(net)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(net)?;
        self.received
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if status != 200 {
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).chars().take(200).collect());
            return Err(SyncError::Server { status, message });
        }
        Ok(bytes.to_vec())
    }
}

/// What one sync moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub offered: usize,
    pub pushed: usize,
    pub pulled: usize,
    /// Pulled revisions that were new to this node.
    pub applied: usize,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Progress of a long transfer, for the terminal.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    Pushed(usize),
    Pulled(usize),
}

/// Pushes what the server lacks, then pulls what this node may read,
/// until neither side has anything new for the other. `save` is called
/// with the state after every committed batch, so a cut sync resumes
/// where it stopped.
///
/// The callbacks are type parameters rather than `dyn`, so that the sync
/// is `Send` (runs in a spawned task) whenever they are.
pub async fn sync<S, Save, Prog>(
    store: &S,
    client: &Client,
    state: &mut NodeState,
    full: bool,
    save: &mut Save,
    progress: &mut Prog,
) -> Result<SyncReport>
where
    S: Store,
    Save: FnMut(&NodeState) -> Result<()> + ?Sized,
    Prog: FnMut(Progress) + ?Sized,
{
    let mut report = SyncReport::default();
    // Ids received in this sync: the push cursor moves over them.
    let mut pulled: HashSet<RevisionId> = HashSet::new();
    if full {
        state.pull_cursor = 0;
    }
    loop {
        let pushed_before = report.pushed;
        let pulled_before = report.applied;
        // Push.
        loop {
            let batch = store
                .revisions_after(state.push_cursor, client.batches.offer.max(1))
                .await?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            let ids = batch.iter().map(|(_, r)| r.id).collect();
            report.offered += batch.len();
            let answer: OfferResponse = client
                .call("/api/v1/sync/offer", &OfferRequest { ids })
                .await?;
            let missing: HashSet<_> = answer.missing.into_iter().collect();
            let send: Vec<_> = batch
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| missing.contains(&r.id))
                .collect();
            for chunk in send.chunks(client.batches.push.max(1)) {
                let _: PushResponse = client
                    .call(
                        "/api/v1/sync/push",
                        &PushRequest {
                            revisions: chunk.to_vec(),
                            node: Some(store.node_id()),
                        },
                    )
                    .await?;
                report.pushed += chunk.len();
                progress(Progress::Pushed(report.pushed));
            }
            state.push_cursor = last;
            save(state)?;
        }
        // Pull.
        loop {
            let answer: PullResponse = client
                .call(
                    "/api/v1/sync/pull",
                    &PullRequest {
                        after: state.pull_cursor,
                        limit: client.batches.pull.max(1),
                        exclude_node: (!full).then(|| store.node_id()),
                        node: Some(store.node_id()),
                    },
                )
                .await?;
            state.server_node = Some(answer.server_node);
            pulled.extend(answer.revisions.iter().map(|r| r.id));
            report.pulled += answer.revisions.len();
            report.applied += store.import(answer.revisions).await?;
            state.pull_cursor = answer.next;
            skip_pulled(store, state, &pulled, client.batches.offer.max(1)).await?;
            save(state)?;
            progress(Progress::Pulled(report.pulled));
            if !answer.more {
                break;
            }
        }
        if report.pushed == pushed_before && report.applied == pulled_before {
            break;
        }
    }
    state.last_sync_ms = Some(now_ms());
    save(state)?;
    (report.bytes_sent, report.bytes_received) = client.bytes();
    Ok(report)
}

/// One sync of the node whose settings are in `data_dir`, by a caller
/// holding its [`SyncLock`]: reads `sync.json` afresh (`server` overrides
/// the server it names, and is kept, as with `bienphong sync --server`),
/// syncs, and saves the cursors after every committed batch.
pub async fn sync_node<S, Prog>(
    store: &S,
    data_dir: &Path,
    _held: &SyncLock,
    server: Option<&str>,
    full: bool,
    progress: &mut Prog,
) -> Result<SyncReport>
where
    S: Store,
    Prog: FnMut(Progress) + ?Sized,
{
    let path = NodeState::path_in(data_dir);
    let mut state = NodeState::load(&path)?;
    if let Some(server) = server {
        state.server = server.trim_end_matches('/').to_string();
    }
    let client = Client::with_ca(&state.server, &state.token, state.ca_pem.as_deref())?;
    sync(
        store,
        &client,
        &mut state,
        full,
        &mut |s| s.save(&path),
        progress,
    )
    .await
}

/// Makes ring the process's TLS provider (once; later calls do nothing).
/// Every reqwest client in a process that links this crate needs one,
/// HTTPS or not: reqwest is built without a provider of its own.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Moves the push cursor over what came from the server (it need not be
/// offered back), up to the first revision written here.
async fn skip_pulled<S: Store>(
    store: &S,
    state: &mut NodeState,
    pulled: &HashSet<RevisionId>,
    page: u32,
) -> Result<()> {
    loop {
        let after = store.revisions_after(state.push_cursor, page).await?;
        for (seq, r) in &after {
            if !pulled.contains(&r.id) {
                return Ok(());
            }
            state.push_cursor = *seq;
        }
        if after.len() < page as usize {
            return Ok(());
        }
    }
}

/// An error with its causes: reqwest's own message ("error sending
/// request") hides why (refused, certificate not trusted, timeout).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// A CA certificate in PEM, or an error saying it is not one.
pub fn parse_ca(pem: &str) -> Result<reqwest::Certificate> {
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(SyncError::Certificate("no PEM certificate".into()));
    }
    reqwest::Certificate::from_pem(pem.as_bytes())
        .map_err(|e| SyncError::Certificate(e.to_string()))
}

fn now_ms() -> i64 {
    bienphong_service::now_ms()
}
