//! The node's side: its settings (server, token, cursors) and the sync
//! loop over HTTP, with retries that back off.

use crate::check::CheckReport;
use crate::wire::{
    CONTENT_TYPE, CheckRequest, CheckResponse, InstallationKey, OFFER_BATCH, OfferRequest,
    OfferResponse, PULL_BATCH, PUSH_BATCH, PullRequest, PullResponse, PushRequest, PushResponse,
    Refusal, TakeoverRequest, TakeoverResponse, decode, encode,
};
use crate::{Result, SyncError};
use bienphong_domain::access::Grant;
use bienphong_domain::{Content, NodeId, RecordId, RecordType, Revision, RevisionId};
use bienphong_store::{BlobStore, OrgChangeStore, PersonalStore, Store};
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
    /// The rolling key of this installation (§1): the one the server last
    /// accepted. Older settings have none (empty).
    #[serde(default)]
    pub installation: String,
    /// The key a sync under way moves to (kept until the sync completes,
    /// so that a cut sync repeats it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation_next: Option<String>,
    /// The token's grant as the server last said it: local writes are held
    /// to it (§6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
    /// Revisions the server refused, set aside: never offered again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAside>,
    /// On a thin link: attached files larger than this many bytes are not
    /// fetched by a sync, only on demand (`bienphong sync fetch HASH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_above: Option<u64>,
    /// Set by a takeover: the next sync is a full one, since a pull leaves
    /// out the node's own revisions and those the replaced installation
    /// synced after this one's backup would otherwise never come back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub full_sync_due: bool,
}

/// A revision of this node the server refused (§3): kept in the store and
/// its history, left out of every push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    pub id: RevisionId,
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub reason: String,
    /// When the server refused it, by this node's clock.
    pub at_ms: i64,
    /// The node's user withdrew it (`bienphong sync withdraw`): no longer
    /// a problem to attend to.
    #[serde(default)]
    pub withdrawn: bool,
}

/// A fresh random key.
fn new_key() -> String {
    RevisionId::new().to_string()
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
            installation: new_key(),
            installation_next: None,
            grant: None,
            set_aside: Vec::new(),
            defer_above: None,
            full_sync_due: false,
        }
    }

    /// The key this installation presents, starting a sync's move to a
    /// new one if none is under way.
    fn installation_key(&mut self) -> InstallationKey {
        let next = self.installation_next.get_or_insert_with(new_key).clone();
        InstallationKey {
            current: self.installation.clone(),
            next,
        }
    }

    /// The server has accepted the new key: it is this installation's.
    fn installation_moved(&mut self) {
        if let Some(next) = self.installation_next.take() {
            self.installation = next;
        }
    }

    /// The revisions set aside, withdrawn or not.
    pub fn set_aside_ids(&self) -> HashSet<RevisionId> {
        self.set_aside.iter().map(|s| s.id).collect()
    }

    /// Sets aside what the server refused (a revision refused again keeps
    /// its first entry, with the newest reason).
    fn set_aside_refused(&mut self, refused: &[Refusal], at_ms: i64) {
        for r in refused {
            match self.set_aside.iter_mut().find(|s| s.id == r.id) {
                Some(s) => s.reason.clone_from(&r.reason),
                None => self.set_aside.push(SetAside {
                    id: r.id,
                    record_id: r.record_id,
                    record_type: r.record_type,
                    reason: r.reason.clone(),
                    at_ms,
                    withdrawn: false,
                }),
            }
        }
    }

    /// Withdraws a revision set aside: it stays in the store and its
    /// record's history, and is never sent. `false` if `id` is not set
    /// aside.
    pub fn withdraw(&mut self, id: RevisionId) -> bool {
        match self.set_aside.iter_mut().find(|s| s.id == id) {
            Some(s) => {
                s.withdrawn = true;
                true
            }
            None => false,
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

    pub(crate) async fn call<Req: Serialize, Resp: DeserializeOwned>(
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

    /// Sends a file's bytes to the server (`PUT /api/v1/sync/blobs/{hash}`).
    pub(crate) async fn put_blob(&self, hash: &str, bytes: Vec<u8>) -> Result<()> {
        let url = format!("{}/api/v1/sync/blobs/{hash}", self.base);
        self.sent.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let response = self
            .http
            .put(url)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .map_err(|e| SyncError::Network(error_chain(&e)))?;
        self.answer(response).await.map(|_| ())
    }

    /// A file's bytes from the server (`GET /api/v1/sync/blobs/{hash}`).
    pub(crate) async fn get_blob(&self, hash: &str) -> Result<Vec<u8>> {
        let url = format!("{}/api/v1/sync/blobs/{hash}", self.base);
        let response = self
            .http
            .get(url)
            .header("authorization", format!("Bearer {}", self.token))
            .send()
            .await
            .map_err(|e| SyncError::Network(error_chain(&e)))?;
        self.answer(response).await
    }

    /// The body of a 2xx answer, or the server's refusal.
    async fn answer(&self, response: reqwest::Response) -> Result<Vec<u8>> {
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| SyncError::Network(error_chain(&e)))?;
        self.received
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if !(200..300).contains(&status) {
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).chars().take(200).collect());
            return Err(SyncError::Server { status, message });
        }
        Ok(bytes.to_vec())
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
    /// Revisions the server refused in this sync, now set aside.
    pub refused: Vec<Refusal>,
    /// Attached files sent, fetched, and left on the server (deferred).
    pub files: crate::blobs::BlobReport,
    /// What reconciling the node's set with the server's did, when the
    /// scope may have changed or on `--full` (§6).
    pub reconciled: Option<Reconciled>,
}

/// A node's set made equal to what its grant may hold on the server (§6):
/// revisions it lacked, fetched; records it may no longer hold, purged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Revisions the node lacked and received.
    pub fetched: usize,
    /// Records the node may no longer hold, purged, and their revisions.
    pub dropped_records: usize,
    pub dropped_revisions: usize,
    /// Revisions only the node holds that the server lacks: kept (and
    /// offered at the next sync), never purged.
    pub kept_unknown: usize,
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
    S: Store + BlobStore + PersonalStore + OrgChangeStore,
    Save: FnMut(&NodeState) -> Result<()> + ?Sized,
    Prog: FnMut(Progress) + ?Sized,
{
    let full = full || state.full_sync_due;
    let mut report = SyncReport::default();
    // Ids received in this sync: the push cursor moves over them.
    let mut pulled: HashSet<RevisionId> = HashSet::new();
    // Whether the node's set may differ from what its grant may hold now.
    let mut scope_changed = full;
    let mut grant_changed = false;
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
            let skip = state.set_aside_ids();
            let ids: Vec<RevisionId> = batch
                .iter()
                .map(|(_, r)| r.id)
                .filter(|id| !skip.contains(id))
                .collect();
            if ids.is_empty() {
                state.push_cursor = last;
                save(state)?;
                continue;
            }
            report.offered += ids.len();
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
                let answer: PushResponse = client
                    .call(
                        "/api/v1/sync/push",
                        &PushRequest {
                            revisions: chunk.to_vec(),
                            node: Some(store.node_id()),
                            installation: Some(state.installation_key()),
                            set_aside: true,
                        },
                    )
                    .await?;
                report.pushed += chunk.len().saturating_sub(answer.refused.len());
                if !answer.refused.is_empty() {
                    state.set_aside_refused(&answer.refused, now_ms());
                    report.refused.extend(answer.refused);
                }
                progress(Progress::Pushed(report.pushed));
            }
            state.push_cursor = last;
            save(state)?;
        }
        // Pull.
        let waiting = pending(store, state).await?;
        loop {
            let answer: PullResponse = client
                .call(
                    "/api/v1/sync/pull",
                    &PullRequest {
                        after: state.pull_cursor,
                        limit: client.batches.pull.max(1),
                        exclude_node: (!full).then(|| store.node_id()),
                        node: Some(store.node_id()),
                        installation: Some(state.installation_key()),
                        pending: Some(waiting),
                        ids: None,
                    },
                )
                .await?;
            state.server_node = Some(answer.server_node);
            // A grant changed (narrowed, personal data withdrawn, another
            // unit): what the node holds may no longer be its to hold.
            let new_grant =
                state.grant.is_some() && answer.grant.is_some() && state.grant != answer.grant;
            grant_changed |= new_grant;
            scope_changed |= answer.scope_changed || new_grant;
            if answer.grant.is_some() {
                state.grant = answer.grant;
            }
            pulled.extend(answer.revisions.iter().map(|r| r.id));
            report.pulled += answer.revisions.len();
            // The server's history of reorganisations, noted before the
            // revisions they name: a cut sync pulls the page again.
            store
                .note_org_changes(answer.org_changes.into_iter().map(Into::into).collect())
                .await?;
            report.applied += store.import(answer.revisions).await?;
            apply_erasures(store, &answer.erasures).await?;
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
    if grant_changed {
        offer_set_aside_again(store, client, state, &mut report).await?;
        save(state)?;
    }
    if scope_changed {
        let done = reconcile(store, client, state, &mut pulled).await?;
        save(state)?;
        report.reconciled = Some(done);
    }
    // The files the links name, once the links are on both sides.
    report.files = crate::blobs::sync_blobs(store, client, state.defer_above).await?;
    state.last_sync_ms = Some(now_ms());
    state.installation_moved();
    state.full_sync_due = false;
    save(state)?;
    (report.bytes_sent, report.bytes_received) = client.bytes();
    Ok(report)
}

/// Applies the erasures a pull brought (after its revisions, before the
/// cursor moves past them): the revisions they cleared as the server holds
/// them now, and a note of each (docs/adr/0020-data-subjects-and-erasure.md).
pub async fn apply_erasures<S: Store + PersonalStore>(
    store: &S,
    erasures: &[crate::wire::ErasureNotice],
) -> Result<usize> {
    if erasures.is_empty() {
        return Ok(0);
    }
    let mut cleared: Vec<Revision> = erasures
        .iter()
        .flat_map(|e| e.cleared.iter().cloned())
        .collect();
    cleared.extend(unsent_cleared(store, erasures).await?);
    let notes: Vec<bienphong_store::Erasure> = erasures
        .iter()
        .map(|e| bienphong_store::Erasure {
            record_id: e.record_id,
            record_type: e.record_type,
            revision_id: e.revision_id,
            cleared: e.cleared.iter().map(|r| r.id).collect(),
            request_id: None,
            actor: e.actor.clone(),
            at_ms: e.at_ms,
        })
        .collect();
    Ok(store.apply_erasures(&cleared, &notes).await?)
}

/// The node's revisions of erased records that the server never held
/// (set aside as refused, or not yet sent), cleared as the server cleared
/// its own: of the people whose names the server's cleared revisions no
/// longer give (read from this node's copies before they are cleared),
/// and a file's name from its link. Those the server held and did not
/// clear named none of them, and stay as they are.
async fn unsent_cleared<S: Store>(
    store: &S,
    erasures: &[crate::wire::ErasureNotice],
) -> Result<Vec<Revision>> {
    use bienphong_domain::personal::{cleared, erased_names, unnamed_file};
    let held: std::collections::HashSet<RevisionId> = erasures
        .iter()
        .flat_map(|e| e.cleared.iter().map(|r| r.id).chain([e.revision_id]))
        .collect();
    let mut out = Vec::new();
    for e in erasures {
        let ids: Vec<RevisionId> = e.cleared.iter().map(|r| r.id).collect();
        let mut names = Vec::new();
        for mine in store.revisions_by_ids(&ids).await? {
            let Some(theirs) = e.cleared.iter().find(|r| r.id == mine.id) else {
                continue;
            };
            if let (Ok(before), Ok(after)) = (
                Content::from_json(mine.record_type, &mine.content),
                Content::from_json(theirs.record_type, &theirs.content),
            ) {
                names.extend(erased_names(&before, &after));
            }
        }
        for r in store.history(e.record_id).await? {
            if r.deleted || held.contains(&r.id) {
                continue;
            }
            let Ok(mut content) = Content::from_json(r.record_type, &r.content) else {
                continue;
            };
            let before = content.clone();
            if e.record_type == RecordType::Attachment {
                content = unnamed_file(&content);
            }
            for n in &names {
                if let Some(c) = cleared(&content, n) {
                    content = c;
                }
            }
            if content != before {
                out.push(Revision {
                    content: content.to_json(),
                    ..r
                });
            }
        }
    }
    Ok(out)
}

/// After the grant changed, offers again what is set aside (not
/// withdrawn): a wider grant may take it (§3). What the server takes is
/// no longer set aside; what it refuses stays, with the newest reason.
async fn offer_set_aside_again<S: Store>(
    store: &S,
    client: &Client,
    state: &mut NodeState,
    report: &mut SyncReport,
) -> Result<()> {
    let ids: Vec<RevisionId> = state
        .set_aside
        .iter()
        .filter(|s| !s.withdrawn)
        .map(|s| s.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let revisions = store.revisions_by_ids(&ids).await?;
    for chunk in revisions.chunks(client.batches.push.max(1)) {
        let answer: PushResponse = client
            .call(
                "/api/v1/sync/push",
                &PushRequest {
                    revisions: chunk.to_vec(),
                    node: Some(store.node_id()),
                    installation: Some(state.installation_key()),
                    set_aside: true,
                },
            )
            .await?;
        let refused: HashSet<RevisionId> = answer.refused.iter().map(|r| r.id).collect();
        let taken: HashSet<RevisionId> = chunk
            .iter()
            .map(|r| r.id)
            .filter(|id| !refused.contains(id))
            .collect();
        state.set_aside.retain(|s| !taken.contains(&s.id));
        report.pushed += taken.len();
        if !answer.refused.is_empty() {
            state.set_aside_refused(&answer.refused, now_ms());
        }
    }
    Ok(())
}

/// Makes the node's set equal to what its grant may hold on the server
/// (§6): compares digests per record type; for the types that differ,
/// fetches the revisions the node lacks and purges the records the server
/// no longer counts in its scope. A record is purged only when every one
/// of its revisions here (but those set aside) is one the server holds and
/// does not count in the node's scope: what the server lacks (a server
/// restored from an older backup) is never purged, it is offered again.
pub async fn reconcile<S: Store + PersonalStore>(
    store: &S,
    client: &Client,
    state: &mut NodeState,
    pulled: &mut HashSet<RevisionId>,
) -> Result<Reconciled> {
    let mut done = Reconciled::default();
    let skip = state.set_aside_ids();
    let Compared {
        ids: Some((node, server)),
        ..
    } = compare_with_server(store, client, &skip).await?
    else {
        return Ok(done);
    };
    let set = |side: &[crate::wire::TypeDigest]| -> HashSet<RevisionId> {
        side.iter()
            .filter_map(|d| d.ids.as_ref())
            .flatten()
            .copied()
            .collect()
    };
    let (here, there) = (set(&node), set(&server));
    let missing: Vec<RevisionId> = there.difference(&here).copied().collect();
    for chunk in missing.chunks(client.batches.pull.max(1) as usize) {
        let answer: PullResponse = client
            .call(
                "/api/v1/sync/pull",
                &PullRequest {
                    after: state.pull_cursor,
                    limit: client.batches.pull.max(1),
                    exclude_node: None,
                    node: Some(store.node_id()),
                    installation: Some(state.installation_key()),
                    pending: None,
                    ids: Some(chunk.to_vec()),
                },
            )
            .await?;
        pulled.extend(answer.revisions.iter().map(|r| r.id));
        done.fetched += store.import(answer.revisions).await?;
        apply_erasures(store, &answer.erasures).await?;
    }
    skip_pulled(store, state, pulled, client.batches.offer.max(1)).await?;
    let extra: Vec<RevisionId> = here.difference(&there).copied().collect();
    let mut unknown: HashSet<RevisionId> = HashSet::new();
    for chunk in extra.chunks(client.batches.offer.max(1) as usize) {
        let answer: OfferResponse = client
            .call(
                "/api/v1/sync/offer",
                &OfferRequest {
                    ids: chunk.to_vec(),
                },
            )
            .await?;
        unknown.extend(answer.missing);
    }
    done.kept_unknown = unknown.len();
    let extra: HashSet<RevisionId> = extra.into_iter().collect();
    let mut records: Vec<RecordId> = store
        .revisions_by_ids(&extra.iter().copied().collect::<Vec<_>>())
        .await?
        .iter()
        .map(|r| r.record_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Personal data the grant no longer reads, and the rest.
    let (mut personal, mut scope) = (Vec::new(), Vec::new());
    let sees_restricted = state.grant.as_ref().is_none_or(Grant::sees_restricted);
    for record in records.drain(..) {
        let history = store.history(record).await?;
        let gone = history
            .iter()
            .filter(|r| !skip.contains(&r.id))
            .all(|r| extra.contains(&r.id) && !unknown.contains(&r.id));
        match history.first() {
            Some(r) if gone && r.record_type.is_restricted() && !sees_restricted => {
                personal.push(record)
            }
            Some(_) if gone => scope.push(record),
            _ => {}
        }
    }
    done.dropped_records = personal.len() + scope.len();
    done.dropped_revisions = store.purge(&personal, PURGE_PERSONAL, now_ms()).await?
        + store.purge(&scope, PURGE_SCOPE, now_ms()).await?;
    Ok(done)
}

/// Why a node purged a record (kept in its `purges`, ADR 0012): the record
/// left its grant's scope, or it is personal data the grant no longer reads.
pub const PURGE_SCOPE: &str = "out_of_scope";
pub const PURGE_PERSONAL: &str = "personal_data_withdrawn";

/// Revisions written here still to be sent: after the push cursor, not
/// set aside.
pub async fn pending<S: Store>(store: &S, state: &NodeState) -> Result<u64> {
    let skip = state.set_aside_ids();
    let own = store.node_id();
    let mut counted = 0u64;
    let mut cursor = state.push_cursor;
    loop {
        let page = store.revisions_after(cursor, OFFER_BATCH).await?;
        let Some(&(last, _)) = page.last() else {
            return Ok(counted);
        };
        counted += page
            .iter()
            .filter(|(_, r)| r.node_id == own && !skip.contains(&r.id))
            .count() as u64;
        cursor = last;
    }
}

/// `bienphong sync takeover`: this installation becomes the node's on the
/// server (a laptop restored or copied to replace a lost one); the other
/// installation is refused from then on.
pub async fn take_over<S: Store>(
    store: &S,
    client: &Client,
    state: &mut NodeState,
    save: &mut (dyn FnMut(&NodeState) -> Result<()> + Send),
) -> Result<TakeoverResponse> {
    let key = InstallationKey {
        current: state.installation.clone(),
        next: new_key(),
    };
    state.installation_next = Some(key.next.clone());
    save(state)?;
    let answer: TakeoverResponse = client
        .call(
            "/api/v1/sync/takeover",
            &TakeoverRequest {
                node: store.node_id(),
                installation: key,
            },
        )
        .await?;
    state.installation_moved();
    state.full_sync_due = true;
    save(state)?;
    Ok(answer)
}

/// `bienphong sync --check`: compares this node with its server by a digest
/// per record type over what the node's grant may read; for the types that
/// differ, the ids of each side. Revisions set aside are left out.
pub async fn check<S: Store>(store: &S, client: &Client, state: &NodeState) -> Result<CheckReport> {
    let skip = state.set_aside_ids();
    let compared = compare_with_server(store, client, &skip).await?;
    Ok(match compared.ids {
        Some((node, server)) => crate::check::compare(&node, &server, skip.len()).0,
        None => compared.report,
    })
}

/// The node and its server compared by a digest per record type; for the
/// types that differ, both sides again with their ids. `sync --check` and
/// reconciling share it.
struct Compared {
    report: CheckReport,
    /// (node, server), with ids for the differing types; none when all agree.
    ids: Option<(Vec<crate::wire::TypeDigest>, Vec<crate::wire::TypeDigest>)>,
}

async fn compare_with_server<S: Store>(
    store: &S,
    client: &Client,
    skip: &HashSet<RevisionId>,
) -> Result<Compared> {
    let node = crate::check::on_node(store, skip, &[]).await?;
    let server: CheckResponse = client
        .call("/api/v1/sync/check", &CheckRequest { ids_for: vec![] })
        .await?;
    let (report, differing) = crate::check::compare(&node, &server.types, skip.len());
    if differing.is_empty() {
        return Ok(Compared { report, ids: None });
    }
    let node = crate::check::on_node(store, skip, &differing).await?;
    let server: CheckResponse = client
        .call(
            "/api/v1/sync/check",
            &CheckRequest {
                ids_for: differing.clone(),
            },
        )
        .await?;
    Ok(Compared {
        report,
        ids: Some((node, server.types)),
    })
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
    S: Store + BlobStore + PersonalStore + OrgChangeStore,
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

pub(crate) fn now_ms() -> i64 {
    bienphong_service::now_ms()
}

/// The server's clock, read from the `Date` of its `/health` answer, in
/// milliseconds since the epoch (`bienphong doctor` compares it with the
/// node's); none when the answer carries no readable date. An error when
/// the server does not answer.
pub async fn server_clock(state: &NodeState) -> Result<Option<i64>> {
    install_tls_provider();
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(10));
    if let Some(pem) = &state.ca_pem {
        builder = builder.add_root_certificate(parse_ca(pem)?);
    }
    let http = builder
        .build()
        .map_err(|e| SyncError::Network(e.to_string()))?;
    let url = format!("{}/health", state.server.trim_end_matches('/'));
    let answer = http
        .get(&url)
        .send()
        .await
        .map_err(|e| SyncError::Network(error_chain(&e)))?;
    if !answer.status().is_success() {
        return Err(SyncError::Network(format!("{url}: {}", answer.status())));
    }
    Ok(answer
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|text| jiff::fmt::rfc2822::parse(text).ok())
        .map(|at| at.timestamp().as_millisecond()))
}
