//! The messages of the protocol and their encoding: one JSON document,
//! zstd-compressed.

use crate::{Result, SyncError};
use bienphong_domain::access::Grant;
use bienphong_domain::{NodeId, RecordId, RecordType, Revision, RevisionId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Read;

pub const CONTENT_TYPE: &str = "application/vnd.bienphong.sync+zstd";
/// Ids offered per request.
pub const OFFER_BATCH: u32 = 1000;
/// Revisions pushed per request.
pub const PUSH_BATCH: usize = 500;
/// Revisions the server scans per pull.
pub const PULL_BATCH: u32 = 2000;
/// The most a message may decompress to (a guard against hostile input).
const MAX_DECODED: u64 = 256 << 20;
const LEVEL: i32 = 9;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferRequest {
    pub ids: Vec<RevisionId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferResponse {
    pub missing: Vec<RevisionId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub revisions: Vec<Revision>,
    /// The pushing node, for the server's status page (§10). Older nodes
    /// send none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// The installation syncing as `node` (§1: one installation per node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<InstallationKey>,
    /// The node sets refused revisions aside (§3): the server applies the
    /// rest and names the refused ones, instead of refusing the batch.
    #[serde(default)]
    pub set_aside: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub received: usize,
    pub present: usize,
    /// Revisions refused (with `set_aside`), with why; none were written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Refusal>,
}

/// A pushed revision the server refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub id: RevisionId,
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub reason: String,
}

/// The rolling key of the installation that syncs as a node: `current` is
/// the key the server last accepted, `next` the one this sync moves to
/// (the same `next` is sent again when a cut sync is repeated). A copy of
/// the node's data directory holds a key the server has moved past.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationKey {
    pub current: String,
    pub next: String,
}

/// `POST /api/v1/sync/takeover`: this installation is the node from now on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TakeoverRequest {
    pub node: NodeId,
    pub installation: InstallationKey,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TakeoverResponse {
    pub node: NodeId,
}

/// `POST /api/v1/sync/check`: the digest per record type of the revisions
/// the caller's grant may read, with the ids of the types in `ids_for`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckRequest {
    #[serde(default)]
    pub ids_for: Vec<RecordType>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResponse {
    pub types: Vec<TypeDigest>,
}

/// The revisions of one record type: how many, and a SHA-256 over their
/// ids in order (`crate::check::digest`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDigest {
    pub record_type: RecordType,
    pub count: u64,
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<RevisionId>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub after: i64,
    pub limit: u32,
    /// Leave out revisions written by this node (it has them).
    pub exclude_node: Option<NodeId>,
    /// The pulling node, for the server's status page (§10), also on a
    /// `--full` pull that excludes nothing. Older nodes send none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<InstallationKey>,
    /// Revisions the node still has to send, for the server's health page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<u64>,
    /// Instead of the revisions after `after`: these (at most a batch), of
    /// records the grant may hold. A node reconciling its set (§6) fetches
    /// what it lacks; the cursor is not moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<RevisionId>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub revisions: Vec<Revision>,
    /// The highest sequence number the server looked at: the next cursor.
    pub next: i64,
    pub more: bool,
    pub server_node: NodeId,
    /// What the caller's token may do: the node applies the same write
    /// rule to its own writes (§6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
    /// The page may have moved records across the edge of the grant's
    /// scope (a record moved, a unit or link changed): the node compares
    /// its set with the server's at the end of the sync (§6).
    #[serde(default)]
    pub scope_changed: bool,
    /// Erasures of a person's data made by revisions of this page
    /// (docs/adr/0020-data-subjects-and-erasure.md): the node clears the
    /// same revisions, and notes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erasures: Vec<ErasureNotice>,
    /// The reorganisations (docs/org-changes.md) that wrote any revision of
    /// this page, so that a node's organisation history shows them as the
    /// server's does. Older servers send none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub org_changes: Vec<OrgChangeNote>,
}

/// One erasure as it travels: the record, the revision that made it, who
/// and when, and the earlier revisions as they are from then on (cleared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErasureNotice {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub revision_id: RevisionId,
    pub actor: String,
    pub at_ms: i64,
    pub cleared: Vec<Revision>,
}

/// One reorganisation as it travels: the row of the server's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChangeNote {
    pub id: String,
    pub effective: String,
    pub title: String,
    pub author: String,
    pub created_ms: i64,
    pub body: String,
    pub revisions: Vec<RevisionId>,
}

impl From<bienphong_store::OrgChange> for OrgChangeNote {
    fn from(c: bienphong_store::OrgChange) -> Self {
        Self {
            id: c.id,
            effective: c.effective,
            title: c.title,
            author: c.author,
            created_ms: c.created_ms,
            body: c.body,
            revisions: c.revisions,
        }
    }
}

impl From<OrgChangeNote> for bienphong_store::OrgChange {
    fn from(c: OrgChangeNote) -> Self {
        Self {
            id: c.id,
            effective: c.effective,
            title: c.title,
            author: c.author,
            created_ms: c.created_ms,
            body: c.body,
            revisions: c.revisions,
        }
    }
}

pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(message).map_err(|e| SyncError::Decode(e.to_string()))?;
    zstd::bulk::compress(&json, LEVEL).map_err(|e| SyncError::Decode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let decoder = zstd::stream::read::Decoder::new(bytes)
        .map_err(|e| SyncError::Decode(format!("zstd: {e}")))?;
    let mut json = Vec::new();
    decoder
        .take(MAX_DECODED + 1)
        .read_to_end(&mut json)
        .map_err(|e| SyncError::Decode(format!("zstd: {e}")))?;
    if json.len() as u64 > MAX_DECODED {
        return Err(SyncError::Decode("message too large".into()));
    }
    serde_json::from_slice(&json).map_err(|e| SyncError::Decode(format!("json: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_an_error() {
        let m = OfferRequest {
            ids: vec![RevisionId::new(), RevisionId::new()],
        };
        let bytes = encode(&m).unwrap();
        assert_eq!(decode::<OfferRequest>(&bytes).unwrap(), m);
        assert!(matches!(
            decode::<OfferRequest>(b"not zstd"),
            Err(SyncError::Decode(_))
        ));
        assert!(decode::<OfferRequest>(&bytes[..bytes.len() / 2]).is_err());
        let wrong = encode(&serde_json::json!({"ids": [1]})).unwrap();
        assert!(decode::<OfferRequest>(&wrong).is_err());
    }
}
