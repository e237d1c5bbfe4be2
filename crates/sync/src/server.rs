//! The server's side: what a grant may pull, and checking a pushed batch
//! against what it may write before applying it in one transaction.

use crate::wire::{OfferRequest, OfferResponse, PullRequest, PullResponse, PushResponse};
use crate::{Result, SyncError};
use bienphong_domain::access::Access;
use bienphong_domain::org::Org;
use bienphong_domain::{Content, RecordId, Revision};
use bienphong_service::{Principal, Service};
use bienphong_store::{AccountStore, AuditEntry, Store};
use std::collections::HashMap;

/// The ids of an offer the server lacks.
pub async fn offer<S: Store + AccountStore>(
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

/// Contents looked up while judging one batch.
struct Judge<'a, S> {
    service: &'a Service<S>,
    org: std::sync::Arc<Org>,
    live: HashMap<RecordId, Option<Content>>,
}

impl<'a, S: Store + AccountStore> Judge<'a, S> {
    async fn new(service: &'a Service<S>) -> Result<Self> {
        Ok(Self {
            org: service.org_shared().await?,
            service,
            live: HashMap::new(),
        })
    }

    /// The last live content of a record in the store (for a tombstone or
    /// the owner of a restricted record).
    async fn last_live(&mut self, record: RecordId) -> Result<Option<Content>> {
        if let Some(c) = self.live.get(&record) {
            return Ok(c.clone());
        }
        let history = self.service.store().history(record).await?;
        let content = history
            .iter()
            .rev()
            .find(|r| !r.deleted)
            .and_then(|r| Content::from_json(r.record_type, &r.content).ok());
        self.live.insert(record, content.clone());
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
        let owner = match content.subject_of() {
            Some(owner) => self.last_live(owner).await?,
            None => None,
        };
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

/// Revisions after `request.after` that `who` may read.
pub async fn pull<S: Store + AccountStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    request: PullRequest,
) -> Result<PullResponse> {
    let limit = request.limit.clamp(1, crate::wire::PULL_BATCH);
    let rows = service
        .store()
        .revisions_after(request.after, limit)
        .await?;
    let more = rows.len() == limit as usize;
    let mut judge = Judge::new(service).await?;
    let mut next = request.after;
    let mut revisions = Vec::new();
    let mut restricted = 0usize;
    for (seq, r) in rows {
        next = seq;
        if request.exclude_node == Some(r.node_id) {
            continue;
        }
        if judge.readable(who, &r).await? {
            if r.record_type.is_restricted() {
                restricted += 1;
            }
            revisions.push(r);
        }
    }
    if restricted > 0 {
        audit(
            service,
            who,
            now_ms,
            "restricted.read",
            true,
            None,
            format!("{restricted} restricted revisions pulled"),
        )
        .await?;
    }
    Ok(PullResponse {
        revisions,
        next,
        more,
        server_node: service.store().node_id(),
    })
}

async fn audit<S: Store + AccountStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    action: &str,
    allowed: bool,
    r: Option<(&Revision, Option<&Content>)>,
    detail: String,
) -> Result<()> {
    service
        .store()
        .append_audit(&AuditEntry {
            seq: 0,
            at_ms: now_ms,
            actor: who.name.clone(),
            action: action.to_string(),
            outcome: if allowed { "allowed" } else { "refused" }.to_string(),
            record_type: r.map(|(r, _)| r.record_type.as_str().to_string()),
            record_id: r.map(|(r, _)| r.record_id.to_string()),
            unit: r
                .and_then(|(_, c)| c)
                .and_then(|c| c.units().0)
                .map(|u| u.as_str().to_string()),
            detail,
        })
        .await?;
    Ok(())
}

/// Checks every revision of a pushed batch against what `who` may write
/// and applies it in one transaction; if any is refused, nothing is written
/// and each refusal is audited.
pub async fn push<S: Store + AccountStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    revisions: Vec<Revision>,
) -> Result<PushResponse> {
    let ids: Vec<_> = revisions.iter().map(|r| r.id).collect();
    let present = service.store().present_revisions(&ids).await?;
    let fresh: Vec<Revision> = revisions
        .into_iter()
        .filter(|r| !present.contains(&r.id))
        .collect();
    let mut judge = Judge::new(service).await?;
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
    let mut refused = Vec::new();
    for r in &fresh {
        let content = judge.content_of(r).await?;
        let mut ok = who.grant.may_write_type(r.record_type)
            && content
                .as_ref()
                .is_some_and(|c| c.record_type() == r.record_type);
        if ok && let Some(c) = &content {
            ok = judge.allows(who, Access::Write, c).await?;
        }
        // The record as the server has it must be the grant's to change too.
        if ok && let Some(current) = service.store().get(r.record_id).await? {
            ok = match Content::from_json(current.record_type, &current.content) {
                Ok(c) => judge.allows(who, Access::Write, &c).await?,
                Err(_) => false,
            };
        }
        if !ok {
            refused.push((r, content));
        }
    }
    if let Some((first, _)) = refused.first() {
        let first = first.id;
        for (r, c) in &refused {
            audit(
                service,
                who,
                now_ms,
                "sync.push",
                false,
                Some((r, c.as_ref())),
                format!("revision {} outside the grant", r.id),
            )
            .await?;
        }
        return Err(SyncError::Refused {
            count: refused.len(),
            first,
        });
    }
    let received = service.store().import(fresh).await?;
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
        present: present.len(),
    })
}
