//! Revisions: the immutable truth. A record's current state is its latest
//! revision; an edit or a delete appends one that names its parent.

use crate::id::{NodeId, RecordId, RevisionId};
use crate::record::RecordType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub id: RevisionId,
    pub record_id: RecordId,
    pub record_type: RecordType,
    /// The revisions this one follows: none for a new record, one for an
    /// edit, two when a merge joins two branches.
    pub parents: Vec<RevisionId>,
    pub node_id: NodeId,
    pub author: String,
    /// Milliseconds since the Unix epoch, as the writing node's clock said.
    pub created_ms: i64,
    /// A tombstone: the record is deleted as of this revision.
    pub deleted: bool,
    /// The record's canonical JSON; empty for a tombstone.
    pub content: String,
}
