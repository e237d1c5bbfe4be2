//! `/metrics` in the Prometheus text format (version 0.0.4): requests and
//! their latency by route, the database pool, the store's size, sync lag
//! and refused pushes per node, and the age of the newest backup. For
//! administrators (a scraper sends an administrator's API token).
//!
//! The format is a handful of lines per metric; it is written here rather
//! than through a metrics registry crate because every value but the
//! request counters is read fresh from the store at each scrape.

use crate::error::Error;
use crate::extract::ApiAdmin;
use crate::{AppState, now_ms};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bienphong_store::{Store, SyncStatusStore};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Latency {
    /// Requests at or below each bucket's bound (not cumulative here).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_micros: u64,
}

/// What the server counts itself; the rest is read at each scrape.
#[derive(Default)]
pub struct Metrics {
    /// (route, method, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route → latency.
    latency: Mutex<BTreeMap<String, Latency>>,
}

impl Metrics {
    fn observe(&self, route: &str, method: &str, status: u16, micros: u64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let entry = l.entry(route.to_string()).or_default();
            let seconds = micros as f64 / 1e6;
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                entry.buckets[i] += 1;
            }
            entry.count += 1;
            entry.sum_micros = entry.sum_micros.saturating_add(micros);
        }
    }
}

/// Counts every request by the route it matched (the pattern, never the
/// path: ids would make a series per record).
pub async fn count_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // `{id}` written `:id`: braces in a label value are valid, but some
    // scrapers' parsers stop at them.
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || "unmatched".to_string(),
        |m| m.as_str().replace('{', ":").replace('}', ""),
    );
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state
        .metrics
        .observe(&route, &method, response.status().as_u16(), micros);
    response
}

/// A label value as the format escapes it.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Text(String);

impl Text {
    fn head(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}");
        let _ = writeln!(self.0, "# TYPE {name} {kind}");
    }

    fn line(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", label(v)))
            .collect();
        if labels.is_empty() {
            let _ = writeln!(self.0, "{name} {value}");
        } else {
            let _ = writeln!(self.0, "{name}{{{}}} {value}", labels.join(","));
        }
    }
}

/// The newest `*.bpbak` in the data directory's `backups/`, as seconds
/// since it was written.
fn backup_age_seconds(state: &AppState) -> Option<f64> {
    let dir = state.config.node_dir.as_ref()?.join("backups");
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "bpbak"))
        .filter_map(|e| e.metadata().ok()?.modified().ok())
        .max()?;
    Some(newest.elapsed().ok()?.as_secs_f64())
}

pub async fn serve(State(state): State<AppState>, _admin: ApiAdmin) -> Result<Response, Error> {
    let mut t = Text(String::new());
    t.head(
        "bienphong_http_requests_total",
        "counter",
        "Requests answered, by route pattern, method and status.",
    );
    if let Ok(r) = state.metrics.requests.lock() {
        for ((route, method, status), n) in r.iter() {
            let status = status.to_string();
            t.line(
                "bienphong_http_requests_total",
                &[("route", route), ("method", method), ("status", &status)],
                n,
            );
        }
    }
    t.head(
        "bienphong_http_request_duration_seconds",
        "histogram",
        "Time to answer, by route pattern.",
    );
    if let Ok(l) = state.metrics.latency.lock() {
        for (route, lat) in l.iter() {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(lat.buckets) {
                cumulative += n;
                let le = bound.to_string();
                t.line(
                    "bienphong_http_request_duration_seconds_bucket",
                    &[("route", route), ("le", &le)],
                    cumulative,
                );
            }
            t.line(
                "bienphong_http_request_duration_seconds_bucket",
                &[("route", route), ("le", "+Inf")],
                lat.count,
            );
            t.line(
                "bienphong_http_request_duration_seconds_sum",
                &[("route", route)],
                lat.sum_micros as f64 / 1e6,
            );
            t.line(
                "bienphong_http_request_duration_seconds_count",
                &[("route", route)],
                lat.count,
            );
        }
    }
    let store = state.service.store();
    let (size, idle) = store.pool_connections();
    t.head(
        "bienphong_db_pool_connections",
        "gauge",
        "Database connections open, by state.",
    );
    t.line("bienphong_db_pool_connections", &[("state", "idle")], idle);
    t.line(
        "bienphong_db_pool_connections",
        &[("state", "busy")],
        (size as usize).saturating_sub(idle),
    );
    t.head(
        "bienphong_store_revisions",
        "gauge",
        "Revisions in the store.",
    );
    t.line(
        "bienphong_store_revisions",
        &[],
        store.revision_count().await?,
    );
    t.head(
        "bienphong_store_bytes",
        "gauge",
        "Bytes the store's database takes.",
    );
    t.line("bienphong_store_bytes", &[], store.size_bytes().await?);
    let now = now_ms();
    let peers = store.sync_peers().await?;
    let refusals = store.sync_refusals().await?;
    t.head(
        "bienphong_sync_seconds_since_pull",
        "gauge",
        "Seconds since each node last pulled from this server.",
    );
    for p in peers.iter().filter(|p| p.last_pull_ms.is_some()) {
        let age = (now - p.last_pull_ms.unwrap_or(now)).max(0) as f64 / 1000.0;
        t.line(
            "bienphong_sync_seconds_since_pull",
            &[("node", &p.node_id), ("unit", &p.unit)],
            age,
        );
    }
    t.head(
        "bienphong_sync_pending_revisions",
        "gauge",
        "Revisions each node said, at its last pull, it still had to send.",
    );
    for p in &peers {
        if let Some(pending) = p.pending {
            t.line(
                "bienphong_sync_pending_revisions",
                &[("node", &p.node_id), ("unit", &p.unit)],
                pending,
            );
        }
    }
    t.head(
        "bienphong_sync_refused_revisions",
        "gauge",
        "Pushed revisions this server refused, by node (set aside there).",
    );
    for p in &peers {
        let n = refusals.iter().filter(|r| r.node_id == p.node_id).count();
        t.line(
            "bienphong_sync_refused_revisions",
            &[("node", &p.node_id), ("unit", &p.unit)],
            n,
        );
    }
    t.head(
        "bienphong_sync_duplicate_installations_total",
        "counter",
        "Requests refused because another installation synced as the node.",
    );
    for p in &peers {
        t.line(
            "bienphong_sync_duplicate_installations_total",
            &[("node", &p.node_id), ("unit", &p.unit)],
            p.duplicates,
        );
    }
    if let Some(age) = backup_age_seconds(&state) {
        t.head(
            "bienphong_backup_age_seconds",
            "gauge",
            "Seconds since the newest backup in the data directory was written.",
        );
        t.line("bienphong_backup_age_seconds", &[], age);
    }
    let mut response = t.0.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
