//! The server's side: what a grant may pull, and checking a pushed batch
//! against what it may write before applying it in one transaction.

use crate::wire::{
    ErasureNotice, InstallationKey, OfferRequest, OfferResponse, PullRequest, PullResponse,
    PushRequest, PushResponse, Refusal, TakeoverRequest, TakeoverResponse,
};
use crate::{Result, SyncError};
use bienphong_domain::access::Access;
use bienphong_domain::briefing::keeps_submitted;
use bienphong_domain::org::Org;
use bienphong_domain::{Content, NodeId, RecordId, RecordType, Revision, RevisionId};
use bienphong_service::{Principal, Service};
use bienphong_store::{
    AccountStore, Installation, OrgChangeStore, PeerContact, PersonalStore, Receipt, Store,
    SyncRefusal, SyncStatusStore,
};
use std::collections::{HashMap, HashSet};

/// The ids of an offer the server lacks.
pub async fn offer<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    request: OfferRequest,
) -> Result<OfferResponse> {
    let present = service.store().present_revisions(&request.ids).await?;
    Ok(OfferResponse {
        missing: request
            .ids
            .into_iter()
            .filter(|id| !present.contains(id))
            .collect(),
    })
}

/// The content of a record's newest revision that is not a deletion.
async fn last_live_in_store<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    record: RecordId,
) -> Result<Option<Content>> {
    let history = service.store().history(record).await?;
    Ok(history
        .iter()
        .rev()
        .find(|r| !r.deleted)
        .and_then(|r| Content::from_json(r.record_type, &r.content).ok()))
}

/// Contents looked up while judging one batch.
struct Judge<'a, S> {
    service: &'a Service<S>,
    org: std::sync::Arc<Org>,
    live: HashMap<RecordId, Option<Content>>,
    /// The last live content of records as the store holds them, whatever
    /// a batch brings.
    stored: HashMap<RecordId, Option<Content>>,
    /// What each record is judged by as the store holds it now (§6): its
    /// live content, or for a deleted record its last live one.
    current: HashMap<RecordId, Option<Content>>,
}

impl<'a, S: Store + AccountStore + PersonalStore> Judge<'a, S> {
    async fn new(service: &'a Service<S>) -> Result<Self> {
        Ok(Self {
            org: service.org_shared().await?,
            service,
            live: HashMap::new(),
            stored: HashMap::new(),
            current: HashMap::new(),
        })
    }

    /// Looks up, in one query per chunk, how the store holds `records` now.
    async fn prefetch(&mut self, records: impl IntoIterator<Item = RecordId>) -> Result<()> {
        let wanted: Vec<RecordId> = records
            .into_iter()
            .filter(|r| !self.current.contains_key(r))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let found = self.service.store().current_of(&wanted).await?;
        for id in wanted {
            let content = match found.get(&id) {
                Some((head, Some(json))) if !head.deleted => {
                    Content::from_json(head.record_type, json).ok()
                }
                Some(_) => last_live_in_store(self.service, id).await?,
                None => None,
            };
            self.current.insert(id, content);
        }
        Ok(())
    }

    /// Looks up, in bulk, the records the restricted ones among `records`
    /// belong to (already looked up themselves).
    async fn prefetch_owners(&mut self, records: &[RecordId]) -> Result<()> {
        let owners: Vec<RecordId> = records
            .iter()
            .filter_map(|r| self.current.get(r).cloned().flatten())
            .filter_map(|c| c.subject_of())
            .collect();
        self.prefetch(owners).await
    }

    /// Whether `who` may hold `record` as the store holds it now: a node
    /// holds whole records, judged by their current state (§6), so a record
    /// moved out of its scope leaves it whole and one moved in comes whole.
    async fn record_readable(&mut self, who: &Principal, record: RecordId) -> Result<bool> {
        if who.grant.is_admin() {
            return Ok(true);
        }
        self.prefetch([record]).await?;
        match self.current.get(&record).cloned().flatten() {
            Some(c) => self.allows(who, Access::Read, &c).await,
            None => Ok(false),
        }
    }

    /// The last live content of a record in the store (for a tombstone or
    /// the owner of a restricted record); the batch's own revisions update it.
    async fn last_live(&mut self, record: RecordId) -> Result<Option<Content>> {
        if let Some(c) = self.live.get(&record) {
            return Ok(c.clone());
        }
        let content = last_live_in_store(self.service, record).await?;
        self.live.insert(record, content.clone());
        Ok(content)
    }

    /// The record as the store holds it: its live content, or for a
    /// deleted record the last live one (a deletion does not free a record
    /// for another unit to continue).
    async fn stored_last_live(&mut self, record: RecordId) -> Result<Option<Content>> {
        if let Some(c) = self.stored.get(&record) {
            return Ok(c.clone());
        }
        let content = last_live_in_store(self.service, record).await?;
        self.stored.insert(record, content.clone());
        Ok(content)
    }

    /// The content a revision is judged by: its own, or for a tombstone
    /// its record's last live content.
    async fn content_of(&mut self, r: &Revision) -> Result<Option<Content>> {
        if r.deleted {
            return self.last_live(r.record_id).await;
        }
        Content::from_json(r.record_type, &r.content)
            .map(Some)
            .map_err(|e| SyncError::BadRevision {
                id: r.id,
                reason: e.to_string(),
            })
    }

    async fn allows(&mut self, who: &Principal, access: Access, content: &Content) -> Result<bool> {
        // The record a restricted one belongs to: as a pushed batch gives
        // it, else as the store holds it now (looked up in bulk by
        // `prefetch_owners`).
        let owner = match content.subject_of() {
            Some(owner) => match self.live.get(&owner) {
                Some(c) => c.clone(),
                None => {
                    self.prefetch([owner]).await?;
                    self.current.get(&owner).cloned().flatten()
                }
            },
            None => None,
        };
        if let (Content::Attachment(_), Some(record)) = (content, owner.as_ref()) {
            // A file goes where its record goes (with the record's owner,
            // for a file of personal data).
            let record_owner = match record.subject_of() {
                Some(o) => self.last_live(o).await?,
                None => None,
            };
            return Ok(who
                .grant
                .allows(access, &self.org, record, record_owner.as_ref()));
        }
        Ok(who.grant.allows(access, &self.org, content, owner.as_ref()))
    }

    async fn readable(&mut self, who: &Principal, r: &Revision) -> Result<bool> {
        if who.grant.is_admin() {
            return Ok(true);
        }
        match self.content_of(r).await {
            Ok(Some(c)) => self.allows(who, Access::Read, &c).await,
            Ok(None) => Ok(false),
            // Stored content the program cannot read is not sent.
            Err(SyncError::BadRevision { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// One page of the revisions after a cursor that a grant may read.
struct Page {
    revisions: Vec<Revision>,
    /// The highest sequence number looked at.
    next: i64,
    more: bool,
    restricted: usize,
    /// The page may have moved records across the edge of the grant's
    /// scope (§6): the node reconciles its set with the server's.
    scope_changed: bool,
}

/// The scope rule of a pull (§6), in one place for pulls, checks and the
/// count of what waits for a node: of the `limit` revisions after `after`,
/// those of records `who` may hold now, leaving out what `exclude_node`
/// wrote. With `detect`, also whether the page may have moved a record
/// across the edge of the scope.
async fn readable_page<S: Store + AccountStore + PersonalStore>(
    judge: &mut Judge<'_, S>,
    who: &Principal,
    after: i64,
    limit: u32,
    exclude_node: Option<NodeId>,
    detect: bool,
) -> Result<Page> {
    let rows = judge.service.store().revisions_after(after, limit).await?;
    let mut page = Page {
        more: rows.len() == limit as usize,
        revisions: Vec::new(),
        next: after,
        restricted: 0,
        scope_changed: false,
    };
    let records: Vec<RecordId> = rows.iter().map(|(_, r)| r.record_id).collect();
    judge.prefetch(records.iter().copied()).await?;
    judge.prefetch_owners(&records).await?;
    let mut parents = Vec::new();
    for (seq, r) in rows {
        page.next = seq;
        if exclude_node == Some(r.node_id) {
            continue;
        }
        let readable = judge.record_readable(who, r.record_id).await?;
        if detect && !page.scope_changed && !who.grant.is_admin() {
            // A unit or a link changed: any record may have crossed.
            // A revision that alone would be judged otherwise than its
            // record: the record moved across.
            page.scope_changed = matches!(r.record_type, RecordType::Unit | RecordType::Link)
                || judge.readable(who, &r).await? != readable;
            parents.extend(r.parents.iter().copied());
        }
        if readable {
            if r.record_type.is_restricted() {
                page.restricted += 1;
            }
            page.revisions.push(r);
        }
    }
    if detect && !page.scope_changed && !parents.is_empty() {
        // The version a new revision follows judged otherwise than the
        // record now: the node held it and may not now, or lacks it.
        for p in judge.service.store().revisions_by_ids(&parents).await? {
            if p.deleted {
                continue;
            }
            if judge.readable(who, &p).await? != judge.record_readable(who, p.record_id).await? {
                page.scope_changed = true;
                break;
            }
        }
    }
    Ok(page)
}

/// The erasures made by `revisions` (those of a pull page, which the
/// grant may read), each with the revisions it cleared as they are now.
async fn erasures_in<S: Store + PersonalStore>(
    service: &Service<S>,
    revisions: &[Revision],
) -> Result<Vec<ErasureNotice>> {
    // Personal data is erased from restricted records and from the links
    // of their files (docs/adr/0020-data-subjects-and-erasure.md).
    let ids: Vec<RevisionId> = revisions
        .iter()
        .filter(|r| r.record_type.is_restricted() || r.record_type == RecordType::Attachment)
        .map(|r| r.id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in service.store().erasures_by(&ids).await? {
        let cleared = service.store().revisions_by_ids(&e.cleared).await?;
        out.push(ErasureNotice {
            record_id: e.record_id,
            record_type: e.record_type,
            revision_id: e.revision_id,
            actor: e.actor,
            at_ms: e.at_ms,
            cleared,
        });
    }
    Ok(out)
}

/// Revisions after `request.after` that `who` may read, with the
/// reorganisations that wrote any of them.
pub async fn pull<S: Store + AccountStore + PersonalStore + OrgChangeStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    request: PullRequest,
) -> Result<PullResponse> {
    let limit = request.limit.clamp(1, crate::wire::PULL_BATCH);
    let mut judge = Judge::new(service).await?;
    let page = match &request.ids {
        Some(ids) => by_ids(&mut judge, who, request.after, ids).await?,
        None => {
            // A node pulling from the start holds nothing of the server's
            // yet: nothing it holds can have left its scope.
            readable_page(
                &mut judge,
                who,
                request.after,
                limit,
                request.exclude_node,
                request.after > 0,
            )
            .await?
        }
    };
    if page.restricted > 0 {
        audit(service, who, now_ms, "restricted.read", true, None, {
            let mut records: Vec<RecordId> = page
                .revisions
                .iter()
                .filter(|r| r.record_type.is_restricted())
                .map(|r| r.record_id)
                .collect();
            records.sort();
            records.dedup();
            format!(
                "{} restricted revisions pulled, {}",
                page.restricted,
                bienphong_service::records_seen(records)
            )
        })
        .await?;
    }
    let erasures = erasures_in(service, &page.revisions).await?;
    let org_changes = if page.revisions.is_empty() {
        Vec::new()
    } else {
        let ids: HashSet<RevisionId> = page.revisions.iter().map(|r| r.id).collect();
        service
            .store()
            .org_changes()
            .await?
            .into_iter()
            .filter(|c| c.revisions.iter().any(|r| ids.contains(r)))
            .map(Into::into)
            .collect()
    };
    Ok(PullResponse {
        erasures,
        revisions: page.revisions,
        next: page.next,
        more: page.more,
        server_node: service.store().node_id(),
        grant: Some(who.grant.clone()),
        scope_changed: page.scope_changed,
        org_changes,
    })
}

/// The revisions of `ids` (at most a pull's batch) that `who` may hold: a
/// node reconciling its set fetches what it lacks (§6). The cursor stays.
async fn by_ids<S: Store + AccountStore + PersonalStore>(
    judge: &mut Judge<'_, S>,
    who: &Principal,
    after: i64,
    ids: &[RevisionId],
) -> Result<Page> {
    let ids = &ids[..ids.len().min(crate::wire::PULL_BATCH as usize)];
    let rows = judge.service.store().revisions_by_ids(ids).await?;
    let records: Vec<RecordId> = rows.iter().map(|r| r.record_id).collect();
    judge.prefetch(records.iter().copied()).await?;
    judge.prefetch_owners(&records).await?;
    let mut page = Page {
        revisions: Vec::new(),
        next: after,
        more: false,
        restricted: 0,
        scope_changed: false,
    };
    for r in rows {
        if judge.record_readable(who, r.record_id).await? {
            if r.record_type.is_restricted() {
                page.restricted += 1;
            }
            page.revisions.push(r);
        }
    }
    Ok(page)
}

/// Every revision `who` may read, by type: what a full pull would bring.
pub(crate) async fn readable_ids<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
) -> Result<Vec<(RecordType, RevisionId)>> {
    let mut judge = Judge::new(service).await?;
    let mut out = Vec::new();
    let mut cursor = 0;
    loop {
        let page = readable_page(
            &mut judge,
            who,
            cursor,
            crate::wire::PULL_BATCH,
            None,
            false,
        )
        .await?;
        out.extend(page.revisions.iter().map(|r| (r.record_type, r.id)));
        cursor = page.next;
        if !page.more {
            return Ok(out);
        }
    }
}

/// The node a request may act as. A token belongs to one node: the first
/// node id it syncs with is bound to it (atomically), and a request from
/// that token naming another node is refused. Requests that are not made
/// with a token (a bundle applied by the server's operator) are not bound.
pub async fn token_node<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
    node: Option<NodeId>,
) -> Result<Option<NodeId>> {
    let (Some(token), Some(node)) = (&who.token_id, node) else {
        return Ok(node);
    };
    let bound = service
        .store()
        .bind_token_node(token, &node.to_string())
        .await?;
    match bound {
        Some(b) if b == node.to_string() => Ok(Some(node)),
        Some(b) => Err(SyncError::WrongNode { bound: b, node }),
        // The token was removed meanwhile: its requests fail elsewhere.
        None => Ok(Some(node)),
    }
}

/// The node and grant a sync request came from, for the status of §10.
fn contact(who: &Principal, node: NodeId, now_ms: i64) -> PeerContact {
    PeerContact {
        node_id: node,
        unit: who.grant.unit.as_str().to_string(),
        role: who.grant.role.as_str().to_string(),
        restricted: who.grant.restricted,
        actor: who.name.clone(),
        at_ms: now_ms,
    }
}

/// A pull over HTTP: [`pull`], then the node's cursor is recorded (the node
/// names itself, or, from older nodes, is the request's `exclude_node`). A page with `more: false` completes a sync. Failing to record
/// is logged and does not fail the pull.
pub async fn answer_pull<
    S: Store + AccountStore + PersonalStore + SyncStatusStore + OrgChangeStore,
>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    request: PullRequest,
) -> Result<PullResponse> {
    let node = token_node(service, who, request.node.or(request.exclude_node)).await?;
    one_installation(service, node, request.installation.as_ref(), now_ms).await?;
    let pending = request.pending;
    let fetch = request.ids.is_some();
    let answer = pull(service, who, now_ms, request).await?;
    if let Some(node) = node.filter(|_| !fetch) {
        let recorded = async {
            let store = service.store();
            store
                .record_sync_pull(&contact(who, node, now_ms), answer.next, !answer.more)
                .await?;
            if let Some(pending) = pending {
                store.record_sync_pending(node, pending).await?;
            }
            Ok::<_, bienphong_store::StoreError>(())
        };
        if let Err(e) = recorded.await {
            tracing::warn!(error = %e, %node, "could not record the node's pull");
        }
    }
    Ok(answer)
}

/// A push over HTTP: [`push`], then the revisions received are recorded for
/// the node that names itself in the request.
pub async fn answer_push<S: Store + AccountStore + PersonalStore + SyncStatusStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    request: PushRequest,
) -> Result<PushResponse> {
    let node = token_node(service, who, request.node).await?;
    one_installation(service, node, request.installation.as_ref(), now_ms).await?;
    let answer = push_with(
        service,
        who,
        now_ms,
        node,
        request.revisions,
        request.set_aside,
    )
    .await?;
    if let Some(node) = node {
        let recorded = async {
            let store = service.store();
            store
                .record_sync_push(&contact(who, node, now_ms), answer.received as u64)
                .await?;
            let refusals: Vec<SyncRefusal> = answer
                .refused
                .iter()
                .map(|r| SyncRefusal {
                    node_id: node.to_string(),
                    revision_id: r.id.to_string(),
                    record_id: r.record_id.to_string(),
                    record_type: r.record_type.as_str().to_string(),
                    reason: r.reason.clone(),
                    at_ms: now_ms,
                })
                .collect();
            if !refusals.is_empty() {
                store.record_sync_refusals(&refusals).await?;
            }
            Ok::<_, bienphong_store::StoreError>(())
        };
        if let Err(e) = recorded.await {
            tracing::warn!(error = %e, %node, "could not record the node's push");
        }
    }
    Ok(answer)
}

/// A node id belongs to one installation (§1): the rolling key a request
/// presents must be the node's, else the request is refused (a copied
/// data directory). Requests without a key (older nodes, bundles) pass.
async fn one_installation<S: Store + AccountStore + PersonalStore + SyncStatusStore>(
    service: &Service<S>,
    node: Option<NodeId>,
    key: Option<&InstallationKey>,
    now_ms: i64,
) -> Result<()> {
    let (Some(node), Some(key)) = (node, key) else {
        return Ok(());
    };
    match service
        .store()
        .check_installation(node, &key.current, &key.next, now_ms)
        .await?
    {
        Installation::Known => Ok(()),
        Installation::Other => Err(SyncError::OtherInstallation { node }),
    }
}

/// `sync takeover`: the installation asking becomes the node's (a laptop
/// restored or copied to replace a lost one); the token must be the
/// node's. Every other installation of the node is refused from then on.
pub async fn take_over<S: Store + AccountStore + PersonalStore + SyncStatusStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    request: TakeoverRequest,
) -> Result<TakeoverResponse> {
    token_node(service, who, Some(request.node)).await?;
    service
        .store()
        .take_over_node(request.node, &request.installation.next, now_ms)
        .await?;
    audit(
        service,
        who,
        now_ms,
        "sync.takeover",
        true,
        None,
        format!("node {} taken over by a new installation", request.node),
    )
    .await?;
    Ok(TakeoverResponse { node: request.node })
}

/// How many revisions wait on the server for a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    pub count: u64,
    /// `false` when the count stopped at the scan limit: at least `count`.
    pub exact: bool,
}

/// Counts, for nodes, the revisions their grant may read after their pull
/// cursor, leaving out their own: what their next pull would bring. The
/// judge (the organisation and the records looked up) is shared between
/// the nodes counted.
pub struct WaitingCounter<'a, S> {
    judge: Judge<'a, S>,
}

impl<'a, S: Store + AccountStore + PersonalStore> WaitingCounter<'a, S> {
    pub async fn new(service: &'a Service<S>) -> Result<Self> {
        Ok(Self {
            judge: Judge::new(service).await?,
        })
    }

    /// Scans at most `scan_limit` revisions (rounded up to whole pages).
    pub async fn count(
        &mut self,
        who: &Principal,
        after: i64,
        node: NodeId,
        scan_limit: u64,
    ) -> Result<Waiting> {
        let mut waiting = Waiting {
            count: 0,
            exact: true,
        };
        let (mut cursor, mut scanned) = (after, 0u64);
        loop {
            let page = readable_page(
                &mut self.judge,
                who,
                cursor,
                crate::wire::PULL_BATCH,
                Some(node),
                false,
            )
            .await?;
            waiting.count += page.revisions.len() as u64;
            scanned += (page.next - cursor).max(0) as u64;
            cursor = page.next;
            if !page.more {
                return Ok(waiting);
            }
            if scanned >= scan_limit {
                waiting.exact = false;
                return Ok(waiting);
            }
        }
    }
}

async fn audit<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    action: &str,
    allowed: bool,
    r: Option<(&Revision, Option<&Content>)>,
    detail: String,
) -> Result<()> {
    let record = r.map(|(r, _)| (r.record_type, Some(r.record_id)));
    let content = r.and_then(|(_, c)| c);
    service
        .audit_event(who, now_ms, action, allowed, record, content, detail)
        .await?;
    Ok(())
}

/// Checks every revision of a pushed batch against what `who` may write
/// and applies it in one transaction; if any is refused, nothing is written
/// and each refusal is audited. `node` is the node the pusher is (see
/// [`token_node`]): every revision must carry its id.
pub async fn push<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    node: Option<NodeId>,
    revisions: Vec<Revision>,
) -> Result<PushResponse> {
    push_with(service, who, now_ms, node, revisions, false).await
}

/// [`push`]; with `set_aside` a refused revision does not refuse the
/// batch: the rest is applied (in one transaction) and the refused ones
/// are named in the answer, for the node to set aside (§3).
pub async fn push_with<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    node: Option<NodeId>,
    revisions: Vec<Revision>,
    set_aside: bool,
) -> Result<PushResponse> {
    let ids: Vec<_> = revisions.iter().map(|r| r.id).collect();
    let present = service.store().present_revisions(&ids).await?;
    let mut judge = Judge::new(service).await?;
    // Personal data the grant may not read is refused even when the server
    // holds it: a node whose grant was withdrawn purged it
    // (docs/adr/0012-purging-what-a-node-may-no-longer-hold.md) and may not
    // bring it back.
    let mut withheld = Vec::new();
    for r in revisions.iter().filter(|r| present.contains(&r.id)) {
        if r.record_type.is_restricted() && !judge.record_readable(who, r.record_id).await? {
            withheld.push(r.clone());
        }
    }
    let fresh: Vec<Revision> = revisions
        .into_iter()
        .filter(|r| !present.contains(&r.id))
        .collect();
    // Contents given by the batch itself come first (a record created and
    // deleted in one batch, a case with its subjects).
    for r in &fresh {
        if !r.deleted {
            let c = judge.content_of(r).await?;
            judge.live.insert(r.record_id, c);
        } else if !r.content.is_empty() {
            return Err(SyncError::BadRevision {
                id: r.id,
                reason: "a tombstone has no content".into(),
            });
        }
    }
    let frozen = changes_of_submitted_reports(service, &fresh).await?;
    let erased: HashSet<RecordId> = if fresh.iter().any(|r| r.record_type.is_restricted()) {
        service
            .store()
            .erasures()
            .await?
            .into_iter()
            .map(|e| e.record_id)
            .collect()
    } else {
        HashSet::new()
    };
    let foreign_parents = parents_of_other_records(service, &fresh).await?;
    let mut batch_types: HashMap<RecordId, RecordType> = HashMap::new();
    let mut refused: Vec<(&Revision, Option<Content>, &str)> = withheld
        .iter()
        .map(|r| (r, None, "personal data this node may not hold"))
        .collect();
    for r in &fresh {
        let content = judge.content_of(r).await?;
        if frozen.contains(&r.id) {
            refused.push((r, content, "changes a submitted briefing report"));
            continue;
        }
        if node.is_some_and(|n| n != r.node_id) {
            refused.push((r, content, "carries another node's id"));
            continue;
        }
        // A record keeps its type: judged by its type in the store, or in
        // the batch for a new record.
        let stored_type = service
            .store()
            .head(r.record_id)
            .await?
            .map(|h| h.record_type);
        let first_type = *batch_types.entry(r.record_id).or_insert(r.record_type);
        if stored_type.unwrap_or(first_type) != r.record_type
            || first_type != r.record_type
            || foreign_parents.contains(&r.id)
        {
            refused.push((r, content, "changes a record's type"));
            continue;
        }
        // A record a person was erased from is changed at the province
        // only: what a node wrote before it learnt of the erasure may
        // carry the person again.
        if erased.contains(&r.record_id) {
            refused.push((r, content, "changes a record a person was erased from"));
            continue;
        }
        // A child's details without the consents the law asks for are
        // refused here as at every other edge (one rule, in the domain).
        if let Some(Content::Beneficiary(b)) = &content
            && bienphong_domain::personal::check_consent(b).is_err()
        {
            refused.push((
                r,
                content,
                "personal data without the consent the law requires",
            ));
            continue;
        }
        let mut ok = who.grant.may_write_type(r.record_type)
            && content
                .as_ref()
                .is_some_and(|c| c.record_type() == r.record_type);
        if ok && let Some(c) = &content {
            ok = judge.allows(who, Access::Write, c).await?;
        }
        // The record as the server has it must be the grant's to change
        // too, deleted or not: continuing another unit's deleted record
        // would undo its deletion.
        if ok
            && stored_type.is_some()
            && let Some(stored) = judge.stored_last_live(r.record_id).await?
        {
            ok = judge.allows(who, Access::Write, &stored).await?;
        }
        if !ok {
            refused.push((r, content, "outside the grant"));
        }
    }
    let refusals: Vec<Refusal> = refused
        .iter()
        .map(|(r, _, reason)| Refusal {
            id: r.id,
            record_id: r.record_id,
            record_type: r.record_type,
            reason: (*reason).to_string(),
        })
        .collect();
    if let Some((first, _, _)) = refused.first() {
        let first = first.id;
        for (r, c, reason) in &refused {
            audit(
                service,
                who,
                now_ms,
                "sync.push",
                false,
                Some((r, c.as_ref())),
                format!("revision {} {reason}", r.id),
            )
            .await?;
        }
        if !set_aside {
            return Err(SyncError::Refused {
                count: refused.len(),
                first,
            });
        }
    }
    let refused_ids: HashSet<RevisionId> = refusals.iter().map(|r| r.id).collect();
    let fresh: Vec<Revision> = fresh
        .into_iter()
        .filter(|r| !refused_ids.contains(&r.id))
        .collect();
    // Who sent the batch is what the server knows; the authors in it are
    // what the node says (docs/adr/0011-verified-and-claimed-authors.md).
    let receipt = Receipt {
        account: who.name.clone(),
        node_id: node,
        received_ms: now_ms,
    };
    let received = service.store().import_received(fresh, &receipt).await?;
    if received > 0 {
        audit(
            service,
            who,
            now_ms,
            "sync.push",
            true,
            None,
            format!("{received} revisions received"),
        )
        .await?;
    }
    Ok(PushResponse {
        received,
        present: present.len() - withheld.len(),
        refused: refusals,
    })
}

/// The pushed revisions naming as parent a revision of another record (a
/// way to graft one record's history onto another, changing its type).
async fn parents_of_other_records<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    fresh: &[Revision],
) -> Result<HashSet<RevisionId>> {
    let in_batch: HashMap<RevisionId, RecordId> =
        fresh.iter().map(|r| (r.id, r.record_id)).collect();
    let wanted: Vec<RevisionId> = fresh
        .iter()
        .flat_map(|r| r.parents.iter().copied())
        .filter(|p| !in_batch.contains_key(p))
        .collect();
    let stored: HashMap<RevisionId, RecordId> = service
        .store()
        .revisions_by_ids(&wanted)
        .await?
        .into_iter()
        .map(|r| (r.id, r.record_id))
        .collect();
    Ok(fresh
        .iter()
        .filter(|r| {
            r.parents.iter().any(|p| {
                in_batch
                    .get(p)
                    .or_else(|| stored.get(p))
                    .is_some_and(|record| *record != r.record_id)
            })
        })
        .map(|r| r.id)
        .collect())
}

/// The pushed revisions that change a submitted briefing report: a report
/// is frozen once submitted, on a node as on the server, so a revision
/// following a submitted version must keep it as it is (a resolution of a
/// conflict keeps one of its submitted versions).
async fn changes_of_submitted_reports<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    fresh: &[Revision],
) -> Result<HashSet<RevisionId>> {
    let reports: Vec<&Revision> = fresh
        .iter()
        .filter(|r| r.record_type == RecordType::BriefingReport && !r.parents.is_empty())
        .collect();
    if reports.is_empty() {
        return Ok(HashSet::new());
    }
    let in_batch: HashMap<RevisionId, &Revision> = fresh.iter().map(|r| (r.id, r)).collect();
    let wanted: Vec<RevisionId> = reports
        .iter()
        .flat_map(|r| r.parents.iter().copied())
        .filter(|p| !in_batch.contains_key(p))
        .collect();
    let stored: HashMap<RevisionId, Revision> = service
        .store()
        .revisions_by_ids(&wanted)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(reports
        .into_iter()
        .filter(|r| {
            let parents = r
                .parents
                .iter()
                .filter_map(|p| in_batch.get(p).copied().or_else(|| stored.get(p)));
            !keeps_submitted(parents, (!r.deleted).then_some(r.content.as_str()))
        })
        .map(|r| r.id)
        .collect())
}
