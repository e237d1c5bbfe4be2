//! The bytes of attached files (docs/sync-protocol.md §12). A file's link
//! is an `attachment` revision and travels with the others; its bytes
//! travel after them, by hash, each once: the node offers the hashes it
//! holds and asks for those it lacks (`POST /api/v1/sync/blobs`), sends
//! each the server lacks (`PUT /api/v1/sync/blobs/{hash}`) and fetches
//! each it wants (`GET …/{hash}`). A node on a thin link may defer files
//! above a size it sets: their links arrive, their bytes wait until they
//! are fetched on demand (`bienphong sync fetch HASH`).

use crate::client::Client;
use crate::{Result, SyncError};
use bienphong_domain::access::Access;
use bienphong_domain::attachment;
use bienphong_domain::{Content, RecordType};
use bienphong_service::{Principal, Service};
use bienphong_store::{AccountStore, BlobStore, ListFilter, NewBlob, PersonalStore, Store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobOffer {
    /// Files the node holds.
    pub have: Vec<String>,
    /// Files the node's links name and it lacks.
    pub want: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobOfferResponse {
    /// Of `have`, those the server lacks and a link it holds names: send
    /// them.
    pub missing: Vec<String>,
    /// Of `want`, those the server holds and the caller may read.
    pub available: Vec<String>,
}

/// What the blob step of one sync moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobReport {
    pub sent: usize,
    pub fetched: usize,
    /// Files above the node's `defer_above`, left on the server.
    pub deferred: usize,
}

/// Whether `who` may read a link that names `hash` (and so the file).
async fn readable<S: Store + AccountStore + PersonalStore + BlobStore>(
    service: &Service<S>,
    who: &Principal,
    hash: &str,
) -> Result<bool> {
    for link in service.store().attachment_links(hash).await? {
        let content = Content::from_json(RecordType::Attachment, &link.content)
            .map_err(|e| SyncError::Decode(e.to_string()))?;
        if service.may(who, Access::Read, &content).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The server's answer to an offer.
pub async fn answer_offer<S: Store + AccountStore + PersonalStore + BlobStore>(
    service: &Service<S>,
    who: &Principal,
    offer: BlobOffer,
) -> Result<BlobOfferResponse> {
    let valid = |h: &String| attachment::is_hash(h);
    let have: Vec<String> = offer.have.into_iter().filter(valid).collect();
    let want: Vec<String> = offer.want.into_iter().filter(valid).collect();
    let present = service.store().present_blobs(&have).await?;
    let mut missing = Vec::new();
    for h in have.into_iter().filter(|h| !present.contains(h)) {
        if readable(service, who, &h).await? {
            missing.push(h);
        }
    }
    let held = service.store().present_blobs(&want).await?;
    let mut available = Vec::new();
    for h in want.into_iter().filter(|h| held.contains(h)) {
        if readable(service, who, &h).await? {
            available.push(h);
        }
    }
    Ok(BlobOfferResponse { missing, available })
}

/// A file a node sends: kept if a link the node may read names it, its
/// bytes are what the hash says, and its type may be attached.
pub async fn receive<S: Store + AccountStore + PersonalStore + BlobStore>(
    service: &Service<S>,
    who: &Principal,
    hash: &str,
    bytes: Vec<u8>,
    now_ms: i64,
) -> Result<bool> {
    if !readable(service, who, hash).await? {
        return Err(bienphong_service::ServiceError::AttachmentUnknown(hash.to_string()).into());
    }
    Ok(service.keep_synced_blob(hash, bytes, now_ms).await?)
}

/// A file a node asks for, if `who` may read a link naming it; reading a
/// file of personal data is audited like the records.
pub async fn send<S: Store + AccountStore + PersonalStore + BlobStore>(
    service: &Service<S>,
    who: &Principal,
    hash: &str,
) -> Result<(String, Vec<u8>)> {
    let unknown = || bienphong_service::ServiceError::AttachmentUnknown(hash.to_string());
    if !readable(service, who, hash).await? {
        return Err(unknown().into());
    }
    match service.store().blob(hash).await? {
        Some((info, bytes)) => Ok((info.content_type, bytes)),
        None => Err(unknown().into()),
    }
}

/// The files named by this store's live links: hash → size.
async fn named<S: Store>(store: &S) -> Result<BTreeMap<String, u64>> {
    let links = store
        .list(ListFilter {
            record_type: Some(RecordType::Attachment),
            ..Default::default()
        })
        .await?;
    let mut out = BTreeMap::new();
    for l in links {
        if let Ok(Content::Attachment(a)) = Content::from_json(l.record_type, &l.content) {
            out.insert(a.hash, a.size);
        }
    }
    Ok(out)
}

/// Keeps bytes fetched from the server, if they are what `hash` says and
/// a type that may be attached.
async fn keep<S: BlobStore>(store: &S, hash: &str, bytes: Vec<u8>) -> Result<()> {
    let actual = bienphong_store::sha256_hex(&bytes);
    if actual != hash {
        return Err(SyncError::Decode(format!(
            "the server sent file {hash} with other bytes ({actual})"
        )));
    }
    let content_type = attachment::detect(&bytes);
    if !attachment::is_allowed(content_type) {
        return Err(SyncError::Decode(format!(
            "the server sent file {hash} of type {content_type}"
        )));
    }
    store
        .put_blob(
            &NewBlob {
                content_type: content_type.to_string(),
                bytes,
            },
            crate::client::now_ms(),
        )
        .await?;
    Ok(())
}

/// The blob step of a sync, after the revisions: sends the files the
/// server lacks and fetches those this node lacks, but those above
/// `defer_above` bytes.
pub async fn sync_blobs<S: Store + BlobStore>(
    store: &S,
    client: &Client,
    defer_above: Option<u64>,
) -> Result<BlobReport> {
    let named = named(store).await?;
    let hashes: Vec<String> = named.keys().cloned().collect();
    let present: HashSet<String> = store.present_blobs(&hashes).await?;
    let mut report = BlobReport::default();
    let (have, lacking): (Vec<String>, Vec<String>) =
        hashes.into_iter().partition(|h| present.contains(h));
    let mut want = Vec::new();
    for h in lacking {
        if defer_above.is_some_and(|max| named.get(&h).is_some_and(|size| *size > max)) {
            report.deferred += 1;
        } else {
            want.push(h);
        }
    }
    if have.is_empty() && want.is_empty() {
        return Ok(report);
    }
    let answer: BlobOfferResponse = client
        .call("/api/v1/sync/blobs", &BlobOffer { have, want })
        .await?;
    for h in &answer.missing {
        if let Some((_, bytes)) = store.blob(h).await? {
            client.put_blob(h, bytes).await?;
            report.sent += 1;
        }
    }
    for h in &answer.available {
        let bytes = client.get_blob(h).await?;
        keep(store, h, bytes).await?;
        report.fetched += 1;
    }
    Ok(report)
}

/// Fetches one file from the server now (`bienphong sync fetch HASH`, the
/// fetch button of a record's page on a node): one a node deferred.
pub async fn fetch_one<S: Store + BlobStore>(
    store: &S,
    client: &Client,
    hash: &str,
) -> Result<bool> {
    if !store.present_blobs(&[hash.to_string()]).await?.is_empty() {
        return Ok(false);
    }
    let bytes = client.get_blob(hash).await?;
    keep(store, hash, bytes).await?;
    Ok(true)
}

/// [`fetch_one`] for the node whose settings are in `data_dir`.
pub async fn fetch_for_node<S: Store + BlobStore>(
    store: &S,
    data_dir: &std::path::Path,
    hash: &str,
) -> Result<bool> {
    let state = crate::client::NodeState::load(&crate::client::NodeState::path_in(data_dir))?;
    let client = Client::with_ca(&state.server, &state.token, state.ca_pem.as_deref())?;
    fetch_one(store, &client, hash).await
}

/// A size as `sync --defer-above` and `sync.json` take it: bytes, or a
/// whole number of KB, MB or GB (1 024-based), as `5MB` or `500 kb`.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase().replace(' ', "");
    let (number, factor) = [
        ("GB", 1u64 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(unit, f)| t.strip_suffix(unit).map(|n| (n.to_string(), *f)))
    .unwrap_or((t.clone(), 1));
    number.parse::<u64>().ok()?.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("5MB"), Some(5 << 20));
        assert_eq!(parse_size("1,5 MB"), None);
        assert_eq!(parse_size("500kb"), Some(500 << 10));
        assert_eq!(parse_size("0"), Some(0));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("-1MB"), None);
    }
}
