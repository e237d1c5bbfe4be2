//! Bundles: the same exchange on a USB stick, for posts with no link.
//! A bundle is `BPSYNC1\n` followed by a zstd-compressed JSON [`Bundle`].

use crate::client::NodeState;
use crate::wire::PULL_BATCH;
use crate::{Result, SyncError};
use bienphong_domain::{NodeId, Revision};
use bienphong_service::{Principal, Service};
use bienphong_store::{AccountStore, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;

const MAGIC: &[u8] = b"BPSYNC1\n";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: u32,
    pub from_node: NodeId,
    pub made_ms: i64,
    /// From a node: where its view of the server ends (the reply starts
    /// there). From the server: the cursor the node takes after applying it.
    pub pull_cursor: i64,
    pub revisions: Vec<Revision>,
}

impl Bundle {
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = MAGIC.to_vec();
        out.extend(crate::wire::encode(self)?);
        Ok(out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let body = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| SyncError::BadBundle("it does not start with BPSYNC1".into()))?;
        let bundle: Bundle =
            crate::wire::decode(body).map_err(|e| SyncError::BadBundle(e.to_string()))?;
        if bundle.format != 1 {
            return Err(SyncError::BadBundle(format!(
                "format {} is not known to this program",
                bundle.format
            )));
        }
        for r in &bundle.revisions {
            if !r.deleted {
                bienphong_domain::Content::from_json(r.record_type, &r.content)
                    .map_err(|e| SyncError::BadBundle(format!("revision {}: {e}", r.id)))?;
            }
        }
        Ok(bundle)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()?).map_err(|e| SyncError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| SyncError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_bytes(&bytes)
    }
}

/// On a node: everything after the push cursor (the node cannot ask what
/// the server lacks; what it has is skipped there).
pub async fn export_from_node<S: Store>(
    store: &S,
    state: &NodeState,
    now_ms: i64,
) -> Result<Bundle> {
    let mut revisions = Vec::new();
    let mut after = state.push_cursor;
    loop {
        let batch = store.revisions_after(after, 5000).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        after = last;
        revisions.extend(batch.into_iter().map(|(_, r)| r));
    }
    Ok(Bundle {
        format: 1,
        from_node: store.node_id(),
        made_ms: now_ms,
        pull_cursor: state.pull_cursor,
        revisions,
    })
}

/// On a node: applies a reply bundle from the server in one transaction
/// and moves the pull cursor forward (never back: an older bundle applied
/// after a newer one changes nothing). Returns the new revisions.
pub async fn import_on_node<S: Store>(
    store: &S,
    state: &mut NodeState,
    bundle: Bundle,
) -> Result<usize> {
    let new = store.import(bundle.revisions).await?;
    state.pull_cursor = state.pull_cursor.max(bundle.pull_cursor);
    Ok(new)
}

/// On the server: applies a node's bundle with the checks of a push for
/// `who` (all or nothing), and returns the reply: what `who` may read after
/// the node's cursor, leaving out the node's own revisions.
pub async fn answer_on_server<S: Store + AccountStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    bundle: Bundle,
) -> Result<(usize, Bundle)> {
    let from = bundle.from_node;
    let after = bundle.pull_cursor;
    let received = crate::server::push(service, who, now_ms, bundle.revisions)
        .await?
        .received;
    let reply = reply_from_server(service, who, now_ms, after, Some(from)).await?;
    Ok((received, reply))
}

/// On the server: what `who` may read after `after`.
pub async fn reply_from_server<S: Store + AccountStore>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    after: i64,
    exclude_node: Option<NodeId>,
) -> Result<Bundle> {
    let mut cursor = after;
    let mut revisions = Vec::new();
    loop {
        let page = crate::server::pull(
            service,
            who,
            now_ms,
            crate::wire::PullRequest {
                after: cursor,
                limit: PULL_BATCH,
                exclude_node,
                node: None,
            },
        )
        .await?;
        cursor = page.next;
        revisions.extend(page.revisions);
        if !page.more {
            break;
        }
    }
    Ok(Bundle {
        format: 1,
        from_node: service.store().node_id(),
        made_ms: now_ms,
        pull_cursor: cursor,
        revisions,
    })
}
