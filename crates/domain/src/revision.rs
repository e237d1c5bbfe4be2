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

/// Who a revision is by, as its history shows it: `by` is the name vouched
/// for (the server's token account for a revision it received by push, the
/// operating-system account or signed-in user of the writer otherwise);
/// `claimed` is a name that came with it and no one checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    pub by: String,
    pub claimed: Option<String>,
}

/// The prefix of an author that is an operating-system account (a CLI
/// write): `os:<account>`, optionally followed by [`CLAIMED`] and the name
/// the writer typed.
pub const OS_ACCOUNT: &str = "os:";
/// Separates an author's account from the name its writer typed.
pub const CLAIMED: &str = "; claimed: ";

/// The author of a CLI write: the operating-system account, always, and
/// the name typed with `--user`, if any, as a claim beside it. Neither
/// replaces the other, and the revision carries both wherever it travels.
pub fn cli_author(os_account: &str, typed: Option<&str>) -> String {
    match typed
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != os_account)
    {
        Some(t) => format!("{OS_ACCOUNT}{os_account}{CLAIMED}{t}"),
        None => format!("{OS_ACCOUNT}{os_account}"),
    }
}

/// An author as its writer's side vouches for it: the account, and the
/// typed name claimed beside it (see [`cli_author`]). Any other author (a
/// web user, a token, an older CLI's name) is its own account.
pub fn split_author(author: &str) -> (&str, Option<&str>) {
    match author.strip_prefix(OS_ACCOUNT) {
        Some(rest) => match rest.split_once(CLAIMED) {
            Some((account, typed)) => (account, Some(typed)),
            None => (rest, None),
        },
        None => (author, None),
    }
}

/// How `author` is shown, given the account that delivered the revision to
/// this store when it came by push (the server's receipt). The receiving
/// side's account is the one that is known; whatever the node wrote is a
/// claim when it differs from it.
pub fn attribution(author: &str, delivered_by: Option<&str>) -> Attribution {
    let (account, typed) = split_author(author);
    match delivered_by {
        None => Attribution {
            by: account.to_string(),
            claimed: typed.map(str::to_string),
        },
        Some(by) => {
            let claimed = match typed {
                Some(t) => Some(format!("{t} ({account})")),
                None if account != by => Some(account.to_string()),
                None => None,
            };
            Attribution {
                by: by.to_string(),
                claimed,
            }
        }
    }
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

/// One record's revisions in an order that depends only on the set, not on
/// the order a store received them: every revision after its parents, and
/// among revisions free to come next, the smallest id first. So a history
/// reads the same on every store that holds the same revisions.
pub fn in_parent_order(revisions: Vec<Revision>) -> Vec<Revision> {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    let present: BTreeSet<RevisionId> = revisions.iter().map(|r| r.id).collect();
    // Parents this store lacks (a node holding part of a record) do not
    // hold a revision back.
    let mut waiting_for: HashMap<RevisionId, usize> = HashMap::new();
    let mut children: HashMap<RevisionId, Vec<RevisionId>> = HashMap::new();
    for r in &revisions {
        let mut parents: Vec<RevisionId> = r
            .parents
            .iter()
            .copied()
            .filter(|p| present.contains(p) && *p != r.id)
            .collect();
        parents.sort();
        parents.dedup();
        waiting_for.insert(r.id, parents.len());
        for p in parents {
            children.entry(p).or_default().push(r.id);
        }
    }
    let mut by_id: BTreeMap<RevisionId, Revision> =
        revisions.into_iter().map(|r| (r.id, r)).collect();
    let mut ready: BTreeSet<RevisionId> = waiting_for
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    let mut out = Vec::with_capacity(by_id.len());
    while let Some(id) = ready.pop_first() {
        if let Some(r) = by_id.remove(&id) {
            out.push(r);
        }
        for child in children.get(&id).into_iter().flatten() {
            if let Some(n) = waiting_for.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(*child);
                }
            }
        }
    }
    // A cycle of parent links cannot be built by any writer; if a damaged
    // store holds one, its revisions still show, in id order.
    out.extend(by_id.into_values());
    out
}

/// What `revision` changed from: the content of its first parent (the
/// version its writer edited; a resolution names the version it kept
/// first), or `None` for a new record or a parent this store lacks. A
/// tombstone parent has no content: the record was brought back.
pub fn parent_content<'a>(history: &'a [Revision], revision: &Revision) -> Option<&'a str> {
    let first = revision.parents.first()?;
    history
        .iter()
        .find(|r| r.id == *first)
        .map(|r| r.content.as_str())
}

/// The content a record in conflict is described by (its unit, date and
/// type on a list of conflicts): the shown head's when it is live, else the
/// live head with the greatest id, else the last live content in parent
/// order. Never "the version that arrived last", which differs by store.
pub fn describing_content(history: &[Revision]) -> Option<&Revision> {
    let mut head_ids = heads(history.iter().map(|r| (r.id, r.parents.as_slice())));
    head_ids.reverse();
    head_ids
        .iter()
        .find_map(|h| history.iter().find(|r| r.id == *h && !r.deleted))
        .or_else(|| history.iter().rev().find(|r| !r.deleted))
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

    #[test]
    fn a_typed_name_is_a_claim_beside_the_account() {
        let typed = cli_author("nam", Some("Nguyễn Văn Nam"));
        assert_eq!(typed, "os:nam; claimed: Nguyễn Văn Nam");
        assert_eq!(split_author(&typed), ("nam", Some("Nguyễn Văn Nam")));
        assert_eq!(cli_author("nam", None), "os:nam");
        assert_eq!(cli_author("nam", Some(" ")), "os:nam");
        assert_eq!(
            attribution(&typed, None),
            Attribution {
                by: "nam".into(),
                claimed: Some("Nguyễn Văn Nam".into())
            }
        );
        // Pushed: the token's account is who delivered it; what the node
        // wrote is a claim.
        assert_eq!(
            attribution("admin", Some("token:post")),
            Attribution {
                by: "token:post".into(),
                claimed: Some("admin".into())
            }
        );
        assert_eq!(
            attribution(&typed, Some("token:post")).claimed.as_deref(),
            Some("Nguyễn Văn Nam (nam)")
        );
        assert_eq!(attribution("token:post", Some("token:post")).claimed, None);
    }

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

    fn rev(n: u8, parents: &[u8], deleted: bool) -> Revision {
        Revision {
            id: id(n),
            record_id: RecordId::from_parts(1, [9; 10]),
            record_type: RecordType::Patrol,
            parents: parents.iter().map(|p| id(*p)).collect(),
            node_id: NodeId::new(),
            author: format!("a{n}"),
            created_ms: 0,
            deleted,
            content: if deleted {
                String::new()
            } else {
                format!("{{\"n\":{n}}}")
            },
        }
    }

    #[test]
    fn a_history_reads_the_same_whatever_order_it_arrived_in() {
        // 1 → 4 and 1 → 2 on two nodes, 3 resolves both; 5 follows 3.
        let all = [
            rev(1, &[], false),
            rev(4, &[1], false),
            rev(2, &[1], false),
            rev(3, &[4, 2], false),
            rev(5, &[3], true),
        ];
        let order = |revs: Vec<Revision>| -> Vec<RevisionId> {
            in_parent_order(revs).into_iter().map(|r| r.id).collect()
        };
        let expected = vec![id(1), id(2), id(4), id(3), id(5)];
        assert_eq!(order(all.to_vec()), expected);
        let mut reversed = all.to_vec();
        reversed.reverse();
        assert_eq!(order(reversed), expected);
        // Each revision is compared with the version its writer edited.
        assert_eq!(parent_content(&all, &all[3]), Some("{\"n\":4}"));
        assert_eq!(parent_content(&all, &all[0]), None);
        // A conflict is described by its shown head (the greatest id).
        let forked = &all[..3];
        assert_eq!(describing_content(forked).map(|r| r.id), Some(id(4)));
        assert_eq!(describing_content(&all).map(|r| r.id), Some(id(3)));
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
