//! Moving a whole store to another, revisions and all, and proving it.

use crate::{BlobStore, Result, Store, StoreError};

/// What a copy moved and the digest both stores agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub revisions: u64,
    pub digest: String,
    /// Attached files copied (each content once).
    pub blobs: u64,
}

const PAGE: u32 = 10_000;

/// Copies every revision of `from` into `to`, which must be empty, page by
/// page in the order `from` received them; then checks that both hold the
/// same number of revisions with the same digest, and copies every
/// attached file.
pub async fn copy<A: Store + BlobStore, B: Store + BlobStore>(
    from: &A,
    to: &B,
    mut progress: impl FnMut(u64),
) -> Result<CopyReport> {
    if to.revision_count().await? > 0 {
        return Err(StoreError::TargetNotEmpty);
    }
    let mut after = 0;
    let mut moved = 0u64;
    loop {
        let page = from.revisions_after(after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        moved += to
            .import(page.into_iter().map(|(_, r)| r).collect())
            .await? as u64;
        progress(moved);
    }
    let (source_count, source_digest) = from.revision_digest().await?;
    let (target_count, target_digest) = to.revision_digest().await?;
    if source_count != target_count || source_digest != target_digest {
        return Err(StoreError::CopyMismatch {
            original: format!("{source_count} revisions, {source_digest}"),
            copied: format!("{target_count} revisions, {target_digest}"),
        });
    }
    let blobs = crate::blobs::copy_blobs(from, to, 0).await?;
    if to.blob_count().await? != from.blob_count().await? {
        return Err(StoreError::CopyMismatch {
            original: format!("{} files", from.blob_count().await?),
            copied: format!("{} files", to.blob_count().await?),
        });
    }
    Ok(CopyReport {
        revisions: target_count,
        digest: target_digest,
        blobs,
    })
}
