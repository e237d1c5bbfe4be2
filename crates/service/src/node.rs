//! A field node holds its own writes to the rule its server applies to
//! them (docs/sync-protocol.md §6): the grant of the node's token, as the
//! server last said it. A write the server would refuse is refused here,
//! before anything is written, so that a node never holds a revision of
//! its own that blocks its sync.

use crate::{Result, Service, ServiceError};
use bienphong_domain::access::{Access, Grant};
use bienphong_domain::{Content, RecordId, RecordType};
use bienphong_store::{Store, Write};

impl<S: Store> Service<S> {
    /// Holds every later write of this service to `grant` (a field node's
    /// token); `None` lifts the rule (a server, a store that is no node).
    pub fn set_node_grant(&self, grant: Option<Grant>) {
        if let Ok(mut g) = self.node_grant.lock() {
            *g = grant;
        }
    }

    /// Marks the store as a field node's (its data directory holds the
    /// node's sync settings), grant or none yet.
    pub fn mark_node(&self) {
        self.on_node
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_node(&self) -> bool {
        self.on_node.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The grant local writes are held to, if any.
    pub fn node_grant(&self) -> Option<Grant> {
        self.node_grant.lock().ok().and_then(|g| g.clone())
    }

    /// Refuses a write the node's server would refuse: a type the grant
    /// may not write, content outside it, or a change of a record outside
    /// it (as it stands; a deletion is judged by the record deleted).
    pub(crate) async fn node_rule(&self, writes: &[Write]) -> Result<()> {
        let Some(grant) = self.node_grant() else {
            return Ok(());
        };
        let org = self.org_shared().await?;
        for w in writes {
            let stored = self.stored_content(w.record_id).await?;
            let judged = w.content.as_ref().or(stored.as_ref());
            let mut ok = grant.may_write_type(w.record_type);
            for content in [judged, stored.as_ref()].into_iter().flatten() {
                if ok {
                    let owner = match content.subject_of() {
                        Some(owner) => self.stored_content(owner).await?,
                        None => None,
                    };
                    ok = match (content, owner.as_ref()) {
                        // A file is written where its record is.
                        (Content::Attachment(_), Some(record)) => {
                            let record_owner = match record.subject_of() {
                                Some(o) => self.stored_content(o).await?,
                                None => None,
                            };
                            grant.allows(Access::Write, &org, record, record_owner.as_ref())
                        }
                        _ => grant.allows(Access::Write, &org, content, owner.as_ref()),
                    };
                }
            }
            if !ok {
                return Err(refusal(&grant, w.record_type));
            }
        }
        Ok(())
    }

    /// A record's current content, if it is live here.
    async fn stored_content(&self, record: RecordId) -> Result<Option<Content>> {
        match self.store().get(record).await? {
            Some(r) => Ok(Content::from_json(r.record_type, &r.content).ok()),
            None => Ok(None),
        }
    }
}

fn refusal(grant: &Grant, t: RecordType) -> ServiceError {
    ServiceError::Forbidden(format!(
        "this node's token ({} of {}) may not write this {t}: its server would refuse it, so nothing was written",
        grant.role, grant.unit
    ))
}
