//! `bienphong sync --check` (docs/sync-protocol.md §10): a node and its
//! server compare, per record type, the revisions the node's grant may read
//! by a digest, and for the types that differ, their ids.

use crate::Result;
use crate::server::readable_ids;
use crate::wire::{CheckRequest, CheckResponse, TypeDigest};
use bienphong_domain::{RecordType, RevisionId};
use bienphong_service::{Principal, Service};
use bienphong_store::{AccountStore, PersonalStore, Store};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// How many differing ids a check names per type and side.
pub const FIRST_IDS: usize = 5;

/// SHA-256 (hex) over the ids in order, one per line.
pub fn digest(ids: &BTreeSet<RevisionId>) -> String {
    let mut hash = Sha256::new();
    for id in ids {
        hash.update(id.to_string().as_bytes());
        hash.update(b"\n");
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The digests of revisions grouped by type, with the ids of `ids_for`.
pub fn digests(
    revisions: impl IntoIterator<Item = (RecordType, RevisionId)>,
    ids_for: &[RecordType],
) -> Vec<TypeDigest> {
    let mut by_type: BTreeMap<RecordType, BTreeSet<RevisionId>> = BTreeMap::new();
    for (t, id) in revisions {
        by_type.entry(t).or_default().insert(id);
    }
    by_type
        .into_iter()
        .map(|(record_type, ids)| TypeDigest {
            record_type,
            count: ids.len() as u64,
            digest: digest(&ids),
            ids: ids_for
                .contains(&record_type)
                .then(|| ids.iter().copied().collect()),
        })
        .collect()
}

/// The server's side: the digests of what `who` may read (what a full pull
/// would bring it, its own revisions included).
pub async fn on_server<S: Store + AccountStore + PersonalStore>(
    service: &Service<S>,
    who: &Principal,
    request: CheckRequest,
) -> Result<CheckResponse> {
    let ids = readable_ids(service, who).await?;
    Ok(CheckResponse {
        types: digests(ids, &request.ids_for),
    })
}

/// The node's side: its revisions, but those set aside (refused by the
/// server, `skip`).
pub async fn on_node<S: Store>(
    store: &S,
    skip: &HashSet<RevisionId>,
    ids_for: &[RecordType],
) -> Result<Vec<TypeDigest>> {
    let revisions = store.revisions().await?;
    Ok(digests(
        revisions
            .iter()
            .filter(|r| !skip.contains(&r.id))
            .map(|r| (r.record_type, r.id)),
        ids_for,
    ))
}

/// One record type compared.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TypeCheck {
    pub record_type: RecordType,
    pub on_node: u64,
    pub on_server: u64,
    pub equal: bool,
    /// Revisions only the node holds: how many, and the first ids.
    pub only_on_node: u64,
    pub first_only_on_node: Vec<RevisionId>,
    pub only_on_server: u64,
    pub first_only_on_server: Vec<RevisionId>,
}

/// What `sync --check` found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckReport {
    pub types: Vec<TypeCheck>,
    /// Revisions set aside on the node (not compared).
    pub set_aside: usize,
}

impl CheckReport {
    pub fn equal(&self) -> bool {
        self.types.iter().all(|t| t.equal)
    }
}

/// Compares the node's digests with the server's; `ids` gives, for the
/// types that differ, the ids on each side (node, server).
pub fn compare(
    node: &[TypeDigest],
    server: &[TypeDigest],
    set_aside: usize,
) -> (CheckReport, Vec<RecordType>) {
    let find =
        |side: &[TypeDigest], t: RecordType| side.iter().find(|d| d.record_type == t).cloned();
    let types: BTreeSet<RecordType> = node.iter().chain(server).map(|d| d.record_type).collect();
    let mut report = CheckReport {
        types: Vec::new(),
        set_aside,
    };
    let mut differing = Vec::new();
    for t in types {
        let (n, s) = (find(node, t), find(server, t));
        let equal = match (&n, &s) {
            (Some(n), Some(s)) => n.digest == s.digest && n.count == s.count,
            _ => false,
        };
        let ids = |d: &Option<TypeDigest>| -> BTreeSet<RevisionId> {
            d.as_ref()
                .and_then(|d| d.ids.clone())
                .unwrap_or_default()
                .into_iter()
                .collect()
        };
        let (node_ids, server_ids) = (ids(&n), ids(&s));
        let only_node: Vec<RevisionId> = node_ids.difference(&server_ids).copied().collect();
        let only_server: Vec<RevisionId> = server_ids.difference(&node_ids).copied().collect();
        if !equal {
            differing.push(t);
        }
        report.types.push(TypeCheck {
            record_type: t,
            on_node: n.as_ref().map_or(0, |d| d.count),
            on_server: s.as_ref().map_or(0, |d| d.count),
            equal,
            only_on_node: only_node.len() as u64,
            first_only_on_node: only_node.into_iter().take(FIRST_IDS).collect(),
            only_on_server: only_server.len() as u64,
            first_only_on_server: only_server.into_iter().take(FIRST_IDS).collect(),
        });
    }
    (report, differing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sets_have_equal_digests_and_a_difference_is_named() {
        let (a, b, c) = (RevisionId::new(), RevisionId::new(), RevisionId::new());
        let t = RecordType::Patrol;
        let node = digests([(t, a), (t, b)], &[t]);
        let server = digests([(t, b), (t, a)], &[t]);
        assert_eq!(node[0].digest, server[0].digest);
        let (report, differing) = compare(&node, &server, 0);
        assert!(report.equal() && differing.is_empty());
        let server = digests([(t, a), (t, c)], &[t]);
        let (report, differing) = compare(&node, &server, 0);
        assert!(!report.equal());
        assert_eq!(differing, vec![t]);
        assert_eq!(report.types[0].first_only_on_node, vec![b]);
        assert_eq!(report.types[0].first_only_on_server, vec![c]);
    }
}
