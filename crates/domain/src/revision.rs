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

/// The heads of one record's revisions, given as `(id, parents)`: the
/// revisions no other one names as a parent, in id order. One head is the
/// usual case; several mean the record was changed on two nodes since
/// their common revision (a conflict). Only parent links decide, never the
/// writing nodes' clocks.
pub fn heads<'a, I>(revisions: I) -> Vec<RevisionId>
where
    I: IntoIterator<Item = (RevisionId, &'a [RevisionId])>,
{
    use std::collections::BTreeSet;
    let mut ids = BTreeSet::new();
    let mut named = BTreeSet::new();
    for (id, parents) in revisions {
        ids.insert(id);
        named.extend(parents.iter().copied());
    }
    ids.difference(&named).copied().collect()
}

/// The revision a record shows while it has `heads`: the only one, or,
/// in a conflict, the greatest id, so that every node shows the same one
/// whatever order the revisions came in.
pub fn shown_head(heads: &[RevisionId]) -> Option<RevisionId> {
    heads.iter().max().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> RevisionId {
        RevisionId::from_parts(1_700_000_000_000, [n; 10])
    }

    #[test]
    fn heads_follow_parent_links_in_any_order() {
        let (a, b, c, d) = (id(1), id(2), id(3), id(4));
        let graph = [(c, vec![b]), (a, vec![]), (b, vec![a])];
        assert_eq!(
            heads(graph.iter().map(|(i, p)| (*i, p.as_slice()))),
            vec![c]
        );
        // Two edits of b on two nodes: both are heads.
        let forked = [(a, vec![]), (b, vec![a]), (c, vec![b]), (d, vec![b])];
        let h = heads(forked.iter().map(|(i, p)| (*i, p.as_slice())));
        assert_eq!(h, vec![c, d]);
        assert_eq!(shown_head(&h), Some(d));
        // A resolution naming both parents joins them.
        let e = id(5);
        let merged = [
            (a, vec![]),
            (b, vec![a]),
            (c, vec![b]),
            (d, vec![b]),
            (e, vec![c, d]),
        ];
        assert_eq!(
            heads(merged.iter().map(|(i, p)| (*i, p.as_slice()))),
            vec![e]
        );
    }
}
