//! The messages of the protocol and their encoding: one JSON document,
//! zstd-compressed.

use crate::{Result, SyncError};
use bienphong_domain::{NodeId, Revision, RevisionId};
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub received: usize,
    pub present: usize,
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub revisions: Vec<Revision>,
    /// The highest sequence number the server looked at: the next cursor.
    pub next: i64,
    pub more: bool,
    pub server_node: NodeId,
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
