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
    annual: StateCache<(Option<String>, i16, Cutoff), Arc<AnnualReview>>,
}

/// Values computed from one store state (its last sequence number), kept
/// until the store changes: an entry of an older state is never asked for
/// again, so a write empties the cache as the next state's first entry
/// comes in.
pub struct StateCache<K, V> {
    entries: Mutex<HashMap<(i64, K), V>>,
}

/// Entries kept at most for one store state.
const MAX_ENTRIES: usize = 256;

impl<K, V> Default for StateCache<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> StateCache<K, V> {
    pub fn get(&self, seq: i64, key: K) -> Option<V> {
        let cache = self.entries.lock().ok()?;
        cache.get(&(seq, key)).cloned()
    }

    pub fn put(&self, seq: i64, key: K, value: V) {
        if let Ok(mut cache) = self.entries.lock() {
            cache.retain(|k, _| k.0 == seq);
            if cache.len() >= MAX_ENTRIES {
                cache.clear();
            }
            cache.insert((seq, key), value);
        }
    }
}

impl Default for Heavy {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            renders: Semaphore::new(cores.saturating_sub(1).max(1)),
            annual: StateCache::default(),
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

/// The annual review mapped onto the units of `map_to` when given with a
/// scope (computed for the request: a mapped review is asked for rarely),
/// else [`annual_review`].
pub async fn annual_review_mapped(
    state: &AppState,
    year: i16,
    cutoff: Cutoff,
    scope: Option<&Code>,
    map_to: Option<bienphong_domain::Date>,
) -> Result<Arc<AnnualReview>, Error> {
    match (scope, map_to) {
        (Some(_), Some(_)) => Ok(Arc::new(
            bienphong_report::annual_review_mapped(&state.service, year, cutoff, scope, map_to)
                .await
                .map_err(Error::from)?,
        )),
        _ => annual_review(state, year, cutoff, scope).await,
    }
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
    let key = (scope.map(Code::to_string), year, cutoff);
    if let Some(review) = state.heavy.annual.get(seq, key.clone()) {
        return Ok(review);
    }
    let review = Arc::new(
        bienphong_report::annual_review(&state.service, year, cutoff, scope)
            .await
            .map_err(Error::from)?,
    );
    state.heavy.annual.put(seq, key, review.clone());
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_of_an_older_store_state_is_never_given_and_is_dropped() {
        let cache = StateCache::<&str, i32>::default();
        cache.put(7, "HG", 1);
        assert_eq!(cache.get(7, "HG"), Some(1));
        // A write moved the store to state 8: what state 7 computed is gone.
        assert_eq!(cache.get(8, "HG"), None);
        cache.put(8, "TQ", 2);
        assert_eq!(cache.get(7, "HG"), None);
        assert_eq!(cache.entries.lock().map(|c| c.len()).unwrap_or(0), 1);
    }
}
