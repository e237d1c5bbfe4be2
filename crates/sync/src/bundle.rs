//! Bundles: the same exchange on a USB stick, for posts with no link.
//! A bundle is `BPSYNC1\n` followed by a zstd-compressed JSON [`Bundle`].

use crate::client::NodeState;
use crate::wire::PULL_BATCH;
use crate::{Result, SyncError};
use bienphong_domain::access::{Grant, Role};
use bienphong_domain::org::Code;
use bienphong_domain::{Content, NodeId, RecordType, Revision};
use bienphong_service::checked_blob;
use bienphong_service::{Principal, Service};
use bienphong_store::{AccountStore, BlobStore, PersonalStore, Store, SyncStatusStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

const MAGIC: &[u8] = b"BPSYNC1\n";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: u32,
    /// The store that made it.
    pub from_node: NodeId,
    /// The store it is for: from a node, its server (once a sync or a
    /// reply told the node the server's id); from the server, the node
    /// whose bundle it answers. A store refuses a bundle for another.
    /// Bundles of earlier versions name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_node: Option<NodeId>,
    pub made_ms: i64,
    /// From a node: where its view of the server ends (the reply starts
    /// there). From the server: the cursor the node takes after applying it.
    pub pull_cursor: i64,
    /// From a node: its own sequence number up to which the bundle carries
    /// its revisions. In the server's reply: the same number, once the
    /// server has applied them; the node moves its push cursor there.
    #[serde(default)]
    pub push_cursor: i64,
    pub revisions: Vec<Revision>,
    /// The bytes of the files its attachment links name, where the store
    /// that made it holds them (and, from the server, the node may read
    /// them). Bundles of earlier versions carry none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<BundleFile>,
    /// From the server: erasures its revisions made (as a pull carries them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erasures: Vec<crate::wire::ErasureNotice>,
    /// From the server: the reorganisations that wrote any of its
    /// revisions (as a pull carries them), each once; the node notes them
    /// once. Bundles of earlier versions carry none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub org_changes: Vec<crate::wire::OrgChangeNote>,
}

/// An attached file's bytes in a bundle, named by their SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleFile {
    pub hash: String,
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
}

/// Bytes as base64 text: a bundle is JSON, where a list of numbers would
/// take four times the room.
mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// The files the live attachment links among `revisions` name.
fn linked_files(revisions: &[Revision]) -> BTreeSet<String> {
    revisions
        .iter()
        .filter(|r| r.record_type == RecordType::Attachment && !r.deleted)
        .filter_map(|r| match Content::from_json(r.record_type, &r.content) {
            Ok(Content::Attachment(a)) => Some(a.hash),
            _ => None,
        })
        .collect()
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
pub async fn export_from_node<S: Store + BlobStore>(
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
    let mut files = Vec::new();
    for hash in linked_files(&revisions) {
        if let Some((_, bytes)) = store.blob(&hash).await? {
            files.push(BundleFile { hash, bytes });
        }
    }
    Ok(Bundle {
        format: 1,
        from_node: store.node_id(),
        to_node: state.server_node,
        made_ms: now_ms,
        pull_cursor: state.pull_cursor,
        push_cursor: after,
        revisions,
        files,
        erasures: Vec::new(),
        org_changes: Vec::new(),
    })
}

/// Refuses a bundle this store did not make it for: addressed to another
/// store, or made by this store itself.
fn check_addressed(bundle: &Bundle, me: NodeId) -> Result<()> {
    if bundle.from_node == me {
        return Err(SyncError::WrongBundle(format!(
            "it was made here (node {me}); take it to the other side"
        )));
    }
    match bundle.to_node {
        Some(to) if to != me => Err(SyncError::WrongBundle(format!(
            "it is meant for node {to}, and this is node {me}"
        ))),
        _ => Ok(()),
    }
}

/// On a node: applies a reply bundle from the server in one transaction
/// and moves the pull cursor forward (never back: an older bundle applied
/// after a newer one changes nothing), and the push cursor over what the
/// server confirms it applied. A bundle from another server, or meant for
/// another node, is refused before anything is written. Its files are
/// kept where a link of this store names them and their bytes are what
/// their hash says. Returns the new revisions.
pub async fn import_on_node<
    S: Store + BlobStore + PersonalStore + bienphong_store::OrgChangeStore,
>(
    store: &S,
    state: &mut NodeState,
    bundle: Bundle,
    now_ms: i64,
) -> Result<usize> {
    let me = store.node_id();
    check_addressed(&bundle, me)?;
    if let Some(server) = state.server_node
        && server != bundle.from_node
    {
        return Err(SyncError::WrongBundle(format!(
            "it comes from node {}, and this node's server is {server}",
            bundle.from_node
        )));
    }
    let files: Vec<_> = bundle
        .files
        .into_iter()
        .map(|f| Ok((f.hash.clone(), checked_blob(&f.hash, f.bytes)?)))
        .collect::<Result<_>>()?;
    // Noted before the revisions they name, as a pull does.
    store
        .note_org_changes(bundle.org_changes.into_iter().map(Into::into).collect())
        .await?;
    let new = store.import(bundle.revisions).await?;
    crate::client::apply_erasures(store, &bundle.erasures).await?;
    for (hash, blob) in files {
        if store
            .present_blobs(std::slice::from_ref(&hash))
            .await?
            .is_empty()
            && !store.attachment_links(&hash).await?.is_empty()
        {
            store.put_blob(&blob, now_ms).await?;
        }
    }
    state.server_node = Some(bundle.from_node);
    state.pull_cursor = state.pull_cursor.max(bundle.pull_cursor);
    // Only a reply addressed to this node confirms its revisions.
    if bundle.to_node == Some(me) {
        state.push_cursor = state.push_cursor.max(bundle.push_cursor);
    }
    Ok(new)
}

/// On the server: applies a node's bundle with the checks of a push for
/// `who` (all or nothing), and returns the reply: what `who` may read after
/// the node's cursor, leaving out the node's own revisions.
pub async fn answer_on_server<
    S: Store + AccountStore + BlobStore + PersonalStore + bienphong_store::OrgChangeStore,
>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    bundle: Bundle,
) -> Result<(usize, Bundle)> {
    check_addressed(&bundle, service.store().node_id())?;
    let from = bundle.from_node;
    let after = bundle.pull_cursor;
    let pushed_through = bundle.push_cursor;
    // A node's bundle carries the node's own revisions (those the server
    // already holds are skipped before any check).
    // Bytes that are not what their hash says refuse the bundle before
    // anything of it is written.
    for file in &bundle.files {
        checked_blob(&file.hash, file.bytes.clone())?;
    }
    let received = crate::server::push(service, who, now_ms, Some(from), bundle.revisions)
        .await?
        .received;
    // Kept as a file sent online is: where a link `who` may read names it.
    for file in bundle.files {
        crate::blobs::receive(service, who, &file.hash, file.bytes, now_ms).await?;
    }
    let mut reply = reply_from_server(service, who, now_ms, after, Some(from)).await?;
    reply.push_cursor = pushed_through;
    Ok((received, reply))
}

/// On the server: who a node's bundle is applied as (the server's operator
/// says which unit's node it comes from): an editor of `unit`, reading
/// personal data only when `with_personal_data` says so or the node's own
/// token had that grant when it last synced online as a node of `unit`.
pub async fn bundle_principal<S: SyncStatusStore>(
    store: &S,
    unit: Code,
    from_node: NodeId,
    with_personal_data: bool,
) -> Result<Principal> {
    let restricted = with_personal_data
        || store
            .sync_peers()
            .await?
            .into_iter()
            .find(|p| p.node_id == from_node.to_string())
            .is_some_and(|p| p.unit == unit.as_str() && p.restricted);
    Ok(Principal {
        name: format!("bundle {unit}"),
        user_id: None,
        token_id: None,
        grant: Grant {
            role: Role::Editor,
            unit,
            restricted,
        },
    })
}

/// On the server: what `who` may read after `after`, for the node
/// `exclude_node` (its own revisions left out) when one is named.
pub async fn reply_from_server<
    S: Store + AccountStore + BlobStore + PersonalStore + bienphong_store::OrgChangeStore,
>(
    service: &Service<S>,
    who: &Principal,
    now_ms: i64,
    after: i64,
    exclude_node: Option<NodeId>,
) -> Result<Bundle> {
    let mut cursor = after;
    let mut revisions = Vec::new();
    let mut erasures = Vec::new();
    let mut org_changes: Vec<crate::wire::OrgChangeNote> = Vec::new();
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
                installation: None,
                pending: None,
                ids: None,
            },
        )
        .await?;
        cursor = page.next;
        revisions.extend(page.revisions);
        erasures.extend(page.erasures);
        for c in page.org_changes {
            if !org_changes.iter().any(|o| o.id == c.id) {
                org_changes.push(c);
            }
        }
        if !page.more {
            break;
        }
    }
    let mut files = Vec::new();
    for hash in linked_files(&revisions) {
        if service.store().blob_info(&hash).await?.is_some() {
            let (_, bytes) = crate::blobs::send(service, who, &hash).await?;
            files.push(BundleFile { hash, bytes });
        }
    }
    Ok(Bundle {
        format: 1,
        from_node: service.store().node_id(),
        to_node: exclude_node,
        made_ms: now_ms,
        pull_cursor: cursor,
        push_cursor: 0,
        revisions,
        files,
        erasures,
        org_changes,
    })
}
