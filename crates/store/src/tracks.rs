//! What patrol tracks measure, kept by the hash of their GPX file
//! (migration 0021): a cache derived from the bytes, written with the file
//! or computed again later from it.

use crate::blobs::NewBlob;
use crate::sql::SqlStore;
use crate::{Result, Write};
use bienphong_domain::Revision;
use sqlx::Row;
use std::collections::HashMap;
use std::future::Future;

/// The derived facts of one track file, as JSON the service reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackFacts {
    pub hash: String,
    /// `bienphong_domain::geo::track::TrackFacts` as JSON.
    pub facts: String,
    /// The line simplified for the map: segments of `{lat, lon}`.
    pub line: String,
}

pub trait TrackStore: Send + Sync {
    /// Writes `writes`, keeps `blob` and what it measures, in one
    /// transaction.
    fn commit_with_track(
        &self,
        writes: Vec<Write>,
        blob: NewBlob,
        track: TrackFacts,
        now_ms: i64,
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    /// Keeps the facts of a file already held (computed again after a sync).
    fn put_track_facts(
        &self,
        track: &TrackFacts,
        now_ms: i64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The facts kept for `hashes` (those computed so far).
    fn track_facts(
        &self,
        hashes: &[String],
    ) -> impl Future<Output = Result<HashMap<String, TrackFacts>>> + Send;
}

const INSERT: &str = "INSERT INTO track_facts (hash, facts, line, computed_ms) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING";

fn insert_query(
    t: &TrackFacts,
    now_ms: i64,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(INSERT)
        .bind(t.hash.clone())
        .bind(t.facts.clone())
        .bind(t.line.clone())
        .bind(now_ms)
}

pub(crate) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tracks: &[TrackFacts],
    now_ms: i64,
) -> Result<()> {
    for t in tracks {
        insert_query(t, now_ms).execute(&mut **tx).await?;
    }
    Ok(())
}

impl TrackStore for SqlStore {
    async fn commit_with_track(
        &self,
        writes: Vec<Write>,
        blob: NewBlob,
        track: TrackFacts,
        now_ms: i64,
    ) -> Result<Vec<Revision>> {
        let extras = crate::sql::Extras {
            blobs: vec![(blob.hash(), blob)],
            blob_ms: now_ms,
            tracks: vec![track],
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

    async fn put_track_facts(&self, track: &TrackFacts, now_ms: i64) -> Result<()> {
        insert_query(track, now_ms).execute(self.pool()).await?;
        Ok(())
    }

    async fn track_facts(&self, hashes: &[String]) -> Result<HashMap<String, TrackFacts>> {
        let mut out = HashMap::new();
        for chunk in hashes.chunks(crate::sql::CHUNK) {
            let mut q = crate::builder::Sql::new(
                "SELECT hash, facts, line FROM track_facts WHERE hash IN (",
            );
            q.push_list(chunk.iter().cloned());
            q.push(")");
            for row in q.build_for(self.backend()).fetch_all(self.pool()).await? {
                let t = TrackFacts {
                    hash: row.try_get(0)?,
                    facts: row.try_get(1)?,
                    line: row.try_get(2)?,
                };
                out.insert(t.hash.clone(), t);
            }
        }
        Ok(out)
    }
}
