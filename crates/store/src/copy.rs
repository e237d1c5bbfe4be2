//! Moving a whole store to another, revisions and all, and proving it.

use crate::{ImportStore, Result, Store, StoreError};

/// What a copy moved and the digest both stores agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub revisions: u64,
    pub digest: String,
    /// Import bases moved along (docs/adr/0006-sheets.md): without them a
    /// re-import after the copy could not tell a web correction from a
    /// change in the file.
    pub import_bases: u64,
}

const PAGE: u32 = 10_000;

/// Copies every revision of `from` into `to`, which must be empty, page by
/// page in the order `from` received them; then checks that both hold the
/// same number of revisions with the same digest. The import bases come
/// along, so that re-importing a sheet into the copy is the same three-way
/// merge as into the original.
pub async fn copy<A: Store + ImportStore, B: Store + ImportStore>(
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
    let mut import_bases = 0u64;
    let mut after = None;
    loop {
        let page = from.import_bases_after(after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        to.put_import_bases(&page).await?;
        import_bases += page.len() as u64;
    }
    let (source_count, source_digest) = from.revision_digest().await?;
    let (target_count, target_digest) = to.revision_digest().await?;
    if source_count != target_count || source_digest != target_digest {
        return Err(StoreError::CopyMismatch {
            original: format!("{source_count} revisions, {source_digest}"),
            copied: format!("{target_count} revisions, {target_digest}"),
        });
    }
    Ok(CopyReport {
        revisions: target_count,
        digest: target_digest,
        import_bases,
    })
}
