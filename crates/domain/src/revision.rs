//! Revisions: the immutable truth. A record's current state is its latest
//! revision; an edit or a delete appends one that names its parent.

use crate::id::{NodeId, RecordId, RevisionId};
use crate::record::RecordType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// The top-level fields of canonical record JSON whose values are not the
/// same in all `versions` (a field missing in one counts as different).
pub fn differing_fields(versions: &[&str]) -> Vec<String> {
    let parsed: Vec<Map<String, Value>> = versions.iter().map(|v| parse_object(v)).collect();
    let mut keys: Vec<&String> = parsed.iter().flat_map(|m| m.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| parsed.windows(2).any(|w| w[0].get(*k) != w[1].get(*k)))
        .cloned()
        .collect()
}

/// `base` with each field of `picks` taken from its other version (a field
/// that version lacks is removed): the content of a merge.
pub fn merge_fields(base: &str, picks: &[(&str, &str)]) -> String {
    let mut merged = parse_object(base);
    for (field, from) in picks {
        match parse_object(from).remove(*field) {
            Some(v) => merged.insert((*field).to_string(), v),
            None => merged.remove(*field),
        };
    }
    Value::Object(merged).to_string()
}

fn parse_object(json: &str) -> Map<String, Value> {
    serde_json::from_str(json).unwrap_or_default()
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

    #[test]
    fn a_merge_takes_chosen_fields_from_the_other_version() {
        let a = r#"{"unit":"BP-A","count":3,"note":"đêm"}"#;
        let b = r#"{"unit":"BP-A","count":5,"place":"mốc 12"}"#;
        assert_eq!(differing_fields(&[a, b]), ["count", "note", "place"]);
        assert!(differing_fields(&[a, a]).is_empty());
        let merged = merge_fields(a, &[("count", b), ("place", b)]);
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["count"], 5);
        assert_eq!(v["note"], "đêm");
        assert_eq!(v["place"], "mốc 12");
        // A field the chosen version lacks is left out.
        let v: Value = serde_json::from_str(&merge_fields(a, &[("note", b)])).unwrap();
        assert!(v.get("note").is_none());
    }
}
