//! The bytes of attached files, each content once, named by its SHA-256
//! (migration 0016). Which record a file belongs to is an `attachment`
//! record; a blob only says what the bytes are.

use crate::sql::SqlStore;
use crate::{CurrentRecord, Result, StoreError, Write};
use bienphong_domain::Revision;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashSet;
use std::future::Future;

/// What a blob is, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    pub hash: String,
    pub content_type: String,
    pub size: u64,
}

/// Bytes to keep, with the type read from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBlob {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl NewBlob {
    /// The name the bytes are kept under.
    pub fn hash(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub trait BlobStore: Send + Sync {
    /// Keeps `blob` (once: the same bytes again change nothing) and
    /// returns its hash.
    fn put_blob(&self, blob: &NewBlob, now_ms: i64) -> impl Future<Output = Result<String>> + Send;

    /// Writes `writes` and keeps `blobs` in one transaction: a file and
    /// the record that names it appear together or not at all.
    fn commit_with_blobs(
        &self,
        writes: Vec<Write>,
        blobs: Vec<NewBlob>,
        now_ms: i64,
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    fn blob_info(&self, hash: &str) -> impl Future<Output = Result<Option<BlobInfo>>> + Send;

    fn blob(&self, hash: &str) -> impl Future<Output = Result<Option<(BlobInfo, Vec<u8>)>>> + Send;

    /// Which of `hashes` this store holds.
    fn present_blobs(
        &self,
        hashes: &[String],
    ) -> impl Future<Output = Result<HashSet<String>>> + Send;

    /// The hashes after `after`, in order, at most `limit` (for copying a
    /// store a page at a time).
    fn blob_hashes_after(
        &self,
        after: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<String>>> + Send;

    fn blob_count(&self) -> impl Future<Output = Result<u64>> + Send;

    /// The live attachment records that name the file `hash`: who may
    /// read one of them may read the file.
    fn attachment_links(
        &self,
        hash: &str,
    ) -> impl Future<Output = Result<Vec<CurrentRecord>>> + Send;
}

const INSERT: &str = "INSERT INTO blobs (hash, content_type, size, bytes, stored_ms) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING";

fn insert_query(
    blob: &NewBlob,
    hash: String,
    now_ms: i64,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(INSERT)
        .bind(hash)
        .bind(blob.content_type.clone())
        .bind(i64::try_from(blob.bytes.len()).unwrap_or(i64::MAX))
        .bind(blob.bytes.clone())
        .bind(now_ms)
}

fn info_from(row: &sqlx::any::AnyRow) -> Result<BlobInfo> {
    let size: i64 = row.try_get(2)?;
    Ok(BlobInfo {
        hash: row.try_get(0)?,
        content_type: row.try_get(1)?,
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("blob size {size}")))?,
    })
}

impl BlobStore for SqlStore {
    async fn put_blob(&self, blob: &NewBlob, now_ms: i64) -> Result<String> {
        let hash = blob.hash();
        insert_query(blob, hash.clone(), now_ms)
            .execute(self.pool())
            .await?;
        Ok(hash)
    }

    async fn commit_with_blobs(
        &self,
        writes: Vec<Write>,
        blobs: Vec<NewBlob>,
        now_ms: i64,
    ) -> Result<Vec<Revision>> {
        let extras = crate::sql::Extras {
            blobs: blobs.into_iter().map(|b| (b.hash(), b)).collect(),
            blob_ms: now_ms,
            ..Default::default()
        };
        let mut attempt = 0;
        loop {
            match self.try_commit_with(writes.clone(), &extras).await {
                Err(e) if crate::sql::is_retryable(&e) && attempt < 8 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 << attempt.min(6))).await;
                }
                outcome => return outcome,
            }
        }
    }

    async fn blob_info(&self, hash: &str) -> Result<Option<BlobInfo>> {
        sqlx::query("SELECT hash, content_type, size FROM blobs WHERE hash = $1")
            .bind(hash.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(info_from)
            .transpose()
    }

    async fn blob(&self, hash: &str) -> Result<Option<(BlobInfo, Vec<u8>)>> {
        let Some(row) =
            sqlx::query("SELECT hash, content_type, size, bytes FROM blobs WHERE hash = $1")
                .bind(hash.to_string())
                .fetch_optional(self.pool())
                .await?
        else {
            return Ok(None);
        };
        let info = info_from(&row)?;
        let bytes: Vec<u8> = row.try_get(3)?;
        if sha256_hex(&bytes) != info.hash {
            return Err(StoreError::Corrupt(format!(
                "the bytes of file {} do not match its hash",
                info.hash
            )));
        }
        Ok(Some((info, bytes)))
    }

    async fn present_blobs(&self, hashes: &[String]) -> Result<HashSet<String>> {
        let mut present = HashSet::new();
        for chunk in hashes.chunks(crate::sql::CHUNK) {
            let mut q = crate::builder::Sql::new("SELECT hash FROM blobs WHERE hash IN (");
            q.push_list(chunk.iter().cloned());
            q.push(")");
            for row in q.build_for(self.backend()).fetch_all(self.pool()).await? {
                present.insert(row.try_get::<String, _>(0)?);
            }
        }
        Ok(present)
    }

    async fn blob_hashes_after(&self, after: &str, limit: u32) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM blobs WHERE hash > $1 ORDER BY hash LIMIT $2")
                .bind(after.to_string())
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?,
        )
    }

    async fn attachment_links(&self, hash: &str) -> Result<Vec<CurrentRecord>> {
        if !bienphong_domain::attachment::is_hash(hash) {
            return Ok(Vec::new());
        }
        // The hash is 64 hex digits (checked above), so it matches only
        // itself inside the canonical JSON of a link.
        sqlx::query(
            "SELECT record_id, record_type, revision_id, day, content FROM current_records \
             WHERE record_type = 'attachment' AND content LIKE $1",
        )
        .bind(format!("%\"hash\":\"{hash}\"%"))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(crate::sql::current_from_row)
        .collect()
    }

    async fn blob_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blobs")
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Keeps the blobs of a commit inside its transaction.
pub(crate) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    blobs: &[(String, NewBlob)],
    now_ms: i64,
) -> Result<()> {
    for (hash, blob) in blobs {
        insert_query(blob, hash.clone(), now_ms)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Copies every blob of `from` that `to` lacks, a page at a time; returns
/// how many were copied.
pub async fn copy_blobs<A: BlobStore, B: BlobStore>(from: &A, to: &B, now_ms: i64) -> Result<u64> {
    let mut after = String::new();
    let mut copied = 0;
    loop {
        let page = from.blob_hashes_after(&after, 100).await?;
        let Some(last) = page.last() else { break };
        after = last.clone();
        let present = to.present_blobs(&page).await?;
        for hash in page.iter().filter(|h| !present.contains(*h)) {
            if let Some((info, bytes)) = from.blob(hash).await? {
                to.put_blob(
                    &NewBlob {
                        content_type: info.content_type,
                        bytes,
                    },
                    now_ms,
                )
                .await?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}
