//! Work too heavy for the threads that answer requests, and the reports
//! worth computing once.
//!
//! A DOCX draws its charts to PNG and zips a document; an XLSX zips its
//! sheets. Run on an async worker, four of them at once took `/api/v1/me`
//! from 2 ms to 50 ms (p50) on two cores. They run on blocking threads
//! instead, at most one fewer than the machine has cores at a time, so a
//! core is always left for everything else; the rest wait their turn.
//!
//! The annual review of a year and scope is computed once per store state:
//! the dashboard, the report pages and the API share it.

use crate::AppState;
use crate::error::Error;
use bienphong_domain::Cutoff;
use bienphong_domain::org::Code;
use bienphong_report::AnnualReview;
use bienphong_service::ServiceError;
use bienphong_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

pub struct Heavy {
    renders: Semaphore,
    annual: Mutex<HashMap<AnnualKey, Arc<AnnualReview>>>,
}

/// Store state (its last sequence number), scope, year, cut-off.
type AnnualKey = (i64, Option<String>, i16, Cutoff);

/// Entries kept at most; a store that changes empties the cache anyway.
const MAX_REVIEWS: usize = 256;

impl Default for Heavy {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            renders: Semaphore::new(cores.saturating_sub(1).max(1)),
            annual: Mutex::default(),
        }
    }
}

impl Heavy {
    /// `work` on a blocking thread, after the renders before it.
    pub async fn run<T, E>(
        &self,
        work: impl FnOnce() -> Result<T, E> + Send + 'static,
    ) -> Result<T, Error>
    where
        T: Send + 'static,
        E: Into<Error> + Send + 'static,
    {
        let _turn = self
            .renders
            .acquire()
            .await
            .map_err(|e| Error::Service(ServiceError::Internal(e.to_string())))?;
        match tokio::task::spawn_blocking(work).await {
            Ok(done) => done.map_err(Into::into),
            Err(e) => Err(Error::Service(ServiceError::Internal(format!(
                "a rendering task failed: {e}"
            )))),
        }
    }
}

/// The annual review of `year` for `scope` as the store stands now,
/// computed once per store state and shared by every request that asks.
pub async fn annual_review(
    state: &AppState,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
) -> Result<Arc<AnnualReview>, Error> {
    let seq = state.service.store().last_seq().await?;
    annual_review_at(state, seq, year, cutoff, scope).await
}

/// As [`annual_review`], for a caller that already read the store state
/// (the dashboard reads it once for the whole page).
pub async fn annual_review_at(
    state: &AppState,
    seq: i64,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
) -> Result<Arc<AnnualReview>, Error> {
    let key = (seq, scope.map(Code::to_string), year, cutoff);
    if let Ok(cache) = state.heavy.annual.lock()
        && let Some(review) = cache.get(&key)
    {
        return Ok(review.clone());
    }
    let review = Arc::new(
        bienphong_report::annual_review(&state.service, year, cutoff, scope)
            .await
            .map_err(Error::from)?,
    );
    if let Ok(mut cache) = state.heavy.annual.lock() {
        // Reviews of an older store state are never asked for again.
        cache.retain(|k, _| k.0 == seq);
        if cache.len() >= MAX_REVIEWS {
            cache.clear();
        }
        cache.insert(key, review.clone());
    }
    Ok(review)
}
