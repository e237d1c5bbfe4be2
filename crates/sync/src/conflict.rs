//! Conflicts: a record with more than one head, found by parent links
//! only (never by the writing nodes' clocks).

use bienphong_domain::revision::heads;
use bienphong_domain::{Revision, RevisionId};

/// The heads of a record whose history is `revisions` when there are
/// several (the record is in conflict); `None` when it has one.
pub fn conflict_heads(revisions: &[Revision]) -> Option<Vec<RevisionId>> {
    let h = heads(revisions.iter().map(|r| (r.id, r.parents.as_slice())));
    (h.len() > 1).then_some(h)
}
