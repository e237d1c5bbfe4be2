//! Load benchmark of the server on loopback: throughput and latency of the
//! dashboard page and of a list API endpoint under many concurrent clients,
//! over a copy of the Hà Giang demo store. Not a timed test: it prints
//! figures, and fails (exit status 1) only when an answer is not a 200 or
//! the first answers are not the page and lists expected.
//!
//!   cargo bench -p bienphong-web --bench load
//!
//! Environment:
//!   BENCH_SECONDS   measured seconds per scenario (default 10)
//!   BENCH_CLIENTS   concurrent clients (default 50)
//!   BENCH_WARMUP    warm-up seconds per scenario (default 2)
//!   BENCH_REQUESTS  measure this many requests per scenario instead of a
//!                   fixed duration (optional)
//!   BENCH_GZIP      1: ask for gzip, as browsers do (default: identity)
//!   BENCH_ONLY      run only the scenarios whose name contains this
//!   BENCH_TARGET_P99_MS  the p99 to check against (default 50)
//!
//! The server runs in-process on its own multi-thread runtime (threads
//! named `bp-server`); the clients run on another (`bp-client`), each with
//! its own connection-keeping reqwest client. Latency is measured by the
//! client from sending the request to having read the whole body;
//! percentiles are over the successful answers. The clients are a closed
//! loop (each sends its next request when the last is answered), so with
//! every CPU busy the median is about clients / throughput.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

#[path = "../tests/web/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bienphong_web::ServerConfig;
use reqwest::header::{ACCEPT_ENCODING, AUTHORIZATION, HeaderMap, HeaderValue};

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {s:?}")),
        _ => default,
    }
}

#[derive(Clone, Debug)]
struct Options {
    seconds: u64,
    clients: usize,
    warmup: u64,
    requests: Option<u64>,
    gzip: bool,
    only: Option<String>,
    target_p99_ms: f64,
}

impl Options {
    fn from_env() -> Self {
        let requests = env_u64("BENCH_REQUESTS", 0);
        Self {
            seconds: env_u64("BENCH_SECONDS", 10).max(1),
            clients: env_u64("BENCH_CLIENTS", 50).max(1) as usize,
            warmup: env_u64("BENCH_WARMUP", 2),
            requests: (requests > 0).then_some(requests),
            gzip: env_u64("BENCH_GZIP", 0) == 1,
            only: std::env::var("BENCH_ONLY").ok().filter(|s| !s.is_empty()),
            target_p99_ms: env_u64("BENCH_TARGET_P99_MS", 50) as f64,
        }
    }
}

/// The download the DOCX scenario keeps four clients busy with.
const DOCX_PATH: &str = "/api/v1/reports/annual?year=2023&format=docx";

/// What one scenario asks, and with which credentials per client.
struct Scenario {
    name: &'static str,
    path: &'static str,
    /// One ready client per concurrent task.
    clients: Vec<reqwest::Client>,
    /// Load beside the measured requests, not itself measured: each client
    /// asks for its path again as soon as it has the last answer.
    background: Vec<(reqwest::Client, &'static str)>,
}

/// One answer as a client saw it.
struct Sample {
    latency: Duration,
    ok: bool,
}

#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    errors: u64,
    error_kinds: BTreeMap<String, u64>,
    bytes: u64,
    elapsed: Duration,
    cpu: CpuUse,
    /// Background answers completed during the whole scenario.
    background_done: u64,
}

/// A client holding the session cookie of `user`, signed in through the
/// form as a browser is. (It asks for gzip only per request, when told to.)
async fn session_client(app: &common::TestApp, user: &str) -> reqwest::Client {
    common::login(app, user).await.0
}

fn token_client(token: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    bienphong_sync::client::install_tls_provider();
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn run_scenario(app: Arc<common::TestApp>, scenario: &Scenario, opts: &Options) -> Outcome {
    let url = app.url(scenario.path);
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(opts.warmup);
    let measure_until = measure_from + Duration::from_secs(opts.seconds);
    // In request-count mode: tickets handed out after the warm-up.
    let tickets = Arc::new(AtomicU64::new(0));
    let cpu_before = Arc::new(std::sync::Mutex::new(None::<CpuSnapshot>));

    // Takes the CPU snapshot when the warm-up ends, whoever gets there first.
    let snap = {
        let cpu_before = cpu_before.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(measure_from.into()).await;
            *cpu_before.lock().unwrap() = Some(CpuSnapshot::take());
        })
    };

    let stop_background = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut background = Vec::new();
    for (client, path) in &scenario.background {
        let (client, url, stop) = (client.clone(), app.url(path), stop_background.clone());
        background.push(tokio::spawn(async move {
            let mut done = 0u64;
            while !stop.load(Ordering::Relaxed) {
                match client.get(&url).send().await {
                    Ok(r) if r.status() == 200 => {
                        if r.bytes().await.is_ok() {
                            done += 1;
                        }
                    }
                    Ok(r) => panic!("background {url}: HTTP {}", r.status()),
                    Err(e) => panic!("background {url}: {e}"),
                }
            }
            done
        }));
    }

    let mut tasks = Vec::with_capacity(scenario.clients.len());
    for client in &scenario.clients {
        let client = client.clone();
        let url = url.clone();
        let tickets = tickets.clone();
        let requests = opts.requests;
        let gzip = opts.gzip;
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            let mut bytes = 0u64;
            loop {
                let sent = Instant::now();
                let measured = sent >= measure_from;
                match requests {
                    None if sent >= measure_until => break,
                    Some(n) if measured && tickets.fetch_add(1, Ordering::Relaxed) >= n => break,
                    _ => {}
                }
                let mut req = client.get(&url);
                if gzip {
                    req = req.header(ACCEPT_ENCODING, "gzip");
                }
                let result = match req.send().await {
                    Ok(r) => {
                        let status = r.status();
                        match r.bytes().await {
                            Ok(body) if status == 200 => Ok(body.len()),
                            Ok(body) => Err(format!(
                                "HTTP {status}: {}",
                                String::from_utf8_lossy(&body[..body.len().min(120)])
                            )),
                            Err(e) => Err(format!("body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("send: {e}")),
                };
                let latency = sent.elapsed();
                if !measured {
                    continue;
                }
                match result {
                    Ok(n) => {
                        bytes += n as u64;
                        samples.push(Sample { latency, ok: true });
                    }
                    Err(e) => {
                        *errors.entry(e).or_default() += 1;
                        samples.push(Sample { latency, ok: false });
                    }
                }
            }
            (samples, errors, bytes)
        }));
    }

    let mut out = Outcome::default();
    for t in tasks {
        let (samples, errors, bytes) = t.await.expect("a client task panicked");
        for s in samples {
            if s.ok {
                out.latencies.push(s.latency);
            } else {
                out.errors += 1;
            }
        }
        for (k, v) in errors {
            *out.error_kinds.entry(k).or_default() += v;
        }
        out.bytes += bytes;
    }
    let now = Instant::now();
    out.elapsed = now.saturating_duration_since(measure_from);
    stop_background.store(true, Ordering::Relaxed);
    for t in background {
        out.background_done += t.await.expect("a background task panicked");
    }
    let _ = snap.await;
    let before = cpu_before.lock().unwrap().take();
    if let Some(before) = before {
        out.cpu = CpuSnapshot::take().since(&before);
    }
    out.latencies.sort_unstable();
    out
}

/// The `p`-th percentile by nearest rank, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------
// CPU accounting from /proc: the machine as a whole, and this process's
// threads grouped by name (server workers, client workers, SQLite workers).

const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

#[derive(Clone, Default)]
struct CpuSnapshot {
    at: Option<Instant>,
    /// (busy, total, steal) jiffies of the whole machine, all CPUs.
    machine: (u64, u64, u64),
    /// Ticks of this process's threads by group.
    threads: BTreeMap<String, u64>,
    loadavg: String,
}

#[derive(Default, Debug)]
struct CpuUse {
    /// Busy share of all CPUs of the machine, 0–100.
    machine_busy_pct: f64,
    /// Share taken by the hypervisor from this machine, 0–100.
    steal_pct: f64,
    cpus: usize,
    /// CPU-seconds per second (1.0 = one core) per thread group.
    threads: BTreeMap<String, f64>,
    loadavg: String,
}

fn thread_group(comm: &str) -> String {
    if comm.starts_with("bp-server") {
        "server".into()
    } else if comm.starts_with("bp-client") {
        "clients".into()
    } else if comm.contains("sqlx") || comm.contains("sqlite") {
        "sqlite".into()
    } else {
        "other".into()
    }
}

impl CpuSnapshot {
    fn take() -> Self {
        let mut s = CpuSnapshot {
            at: Some(Instant::now()),
            ..Default::default()
        };
        if let Ok(stat) = std::fs::read_to_string("/proc/stat")
            && let Some(line) = stat.lines().next()
        {
            let v: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|x| x.parse().ok())
                .collect();
            // user nice system idle iowait irq softirq steal ...
            let total: u64 = v.iter().take(8).sum();
            let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
            let steal = v.get(7).copied().unwrap_or(0);
            s.machine = (total.saturating_sub(idle), total, steal);
        }
        if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
            for e in dir.flatten() {
                let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                    continue;
                };
                // pid (comm) state ... ; comm may hold spaces, so split at ')'.
                let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                    continue;
                };
                let comm = &stat[open + 1..close];
                let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
                // rest[0] is field 3 (state); utime, stime are fields 14, 15.
                let ticks = rest
                    .get(11)
                    .and_then(|x| x.parse::<u64>().ok())
                    .unwrap_or(0)
                    + rest
                        .get(12)
                        .and_then(|x| x.parse::<u64>().ok())
                        .unwrap_or(0);
                *s.threads.entry(thread_group(comm)).or_default() += ticks;
            }
        }
        s.loadavg = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        s
    }

    fn since(&self, before: &CpuSnapshot) -> CpuUse {
        let secs = match (self.at, before.at) {
            (Some(a), Some(b)) => a.saturating_duration_since(b).as_secs_f64(),
            _ => 0.0,
        };
        let busy = self.machine.0.saturating_sub(before.machine.0) as f64;
        let total = self.machine.1.saturating_sub(before.machine.1) as f64;
        let steal = self.machine.2.saturating_sub(before.machine.2) as f64;
        let mut threads = BTreeMap::new();
        for (k, v) in &self.threads {
            let b = before.threads.get(k).copied().unwrap_or(0);
            let cores = if secs > 0.0 {
                v.saturating_sub(b) as f64 / CLOCK_TICKS_PER_SECOND / secs
            } else {
                0.0
            };
            threads.insert(k.clone(), cores);
        }
        CpuUse {
            machine_busy_pct: if total > 0.0 {
                100.0 * busy / total
            } else {
                0.0
            },
            steal_pct: if total > 0.0 {
                100.0 * steal / total
            } else {
                0.0
            },
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            threads,
            loadavg: self.loadavg.clone(),
        }
    }
}

// ---------------------------------------------------------------------------

fn main() {
    let opts = Options::from_env();
    // `cargo bench` passes `--bench`; a filter argument selects scenarios
    // like BENCH_ONLY does.
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .or(opts.only.clone());

    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("bp-server")
        .enable_all()
        .build()
        .unwrap();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("bp-client")
        .enable_all()
        .build()
        .unwrap();

    eprintln!("building the demo store and starting the server…");
    let t0 = Instant::now();
    let config = ServerConfig {
        // Every client signs in from 127.0.0.1.
        logins_per_minute: 100_000,
        ..ServerConfig::default()
    };
    let app = Arc::new(server_rt.block_on(common::spawn_app_with(config)));
    eprintln!(
        "server at {} ready in {:.1} s",
        app.base,
        t0.elapsed().as_secs_f64()
    );

    let scenarios = client_rt.block_on(async {
        let t = Instant::now();
        let admin_token = common::token(&app, "admin").await;
        let post_token = common::token(&app, "dn-lungcu").await;
        let mut dashboard_clients = Vec::with_capacity(opts.clients);
        for _ in 0..opts.clients {
            dashboard_clients.push(session_client(&app, "admin").await);
        }
        eprintln!(
            "{} sessions and 2 tokens in {:.1} s",
            opts.clients,
            t.elapsed().as_secs_f64()
        );
        vec![
            Scenario {
                name: "dashboard (admin, session)",
                path: "/?year=2023",
                clients: dashboard_clients,
                background: vec![],
            },
            Scenario {
                name: "api patrols (admin, token)",
                path: "/api/v1/patrols?year=2023&limit=50",
                clients: (0..opts.clients)
                    .map(|_| token_client(&admin_token))
                    .collect(),
                background: vec![],
            },
            Scenario {
                name: "api patrols (dn-lungcu, token)",
                path: "/api/v1/patrols?year=2023&limit=50",
                clients: (0..opts.clients)
                    .map(|_| token_client(&post_token))
                    .collect(),
                background: vec![],
            },
            // One caller asking who it is, alone and then while four others
            // download the annual review as DOCX (charts drawn, a document
            // zipped) again and again: the renders must not hold it up.
            Scenario {
                name: "api me (alone)",
                path: "/api/v1/me",
                clients: vec![token_client(&admin_token)],
                background: vec![],
            },
            Scenario {
                name: "api me (+ 4 DOCX downloads)",
                path: "/api/v1/me",
                clients: vec![token_client(&admin_token)],
                background: (0..4)
                    .map(|_| (token_client(&admin_token), DOCX_PATH))
                    .collect(),
            },
        ]
    });

    // One look at each answer before loading it: the right page, non-empty
    // lists, and a scoped list that differs from the administrator's.
    client_rt.block_on(async {
        let page = scenarios[0].clients[0]
            .get(app.url(scenarios[0].path))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "dashboard");
        let page = page.text().await.unwrap();
        assert!(page.contains("Tổng quan"), "not the dashboard");
        eprintln!("dashboard: {} bytes of HTML", page.len());
        let mut firsts = Vec::new();
        for s in &scenarios[1..3] {
            let r = s.clients[0].get(app.url(s.path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{}", s.name);
            let body = r.bytes().await.unwrap();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let items = v["items"].as_array().expect("items");
            assert!(!items.is_empty(), "{}: no items", s.name);
            eprintln!(
                "{}: {} items, {} bytes, next_cursor {}",
                s.name,
                items.len(),
                body.len(),
                v["next_cursor"]
            );
            firsts.push(v["items"].clone());
        }
        assert_ne!(
            firsts[0], firsts[1],
            "the post editor sees the admin's list"
        );
    });

    let mode = match opts.requests {
        Some(n) => format!("{n} requests"),
        None => format!("{} s", opts.seconds),
    };
    eprintln!(
        "{} clients, warm-up {} s, then {mode} per scenario; {cpus} CPUs; gzip {}",
        opts.clients,
        opts.warmup,
        if opts.gzip { "on" } else { "off" }
    );

    let mut results = Vec::new();
    for s in &scenarios {
        if let Some(f) = &filter
            && !s.name.contains(f.as_str())
        {
            continue;
        }
        eprintln!("running {}…", s.name);
        let out = client_rt.block_on(run_scenario(app.clone(), s, &opts));
        results.push((s.name, out));
    }

    println!();
    println!(
        "{:<32} {:>8} {:>6} {:>8} {:>7} {:>7} {:>7} {:>7}",
        "scenario", "requests", "errors", "req/s", "p50", "p90", "p99", "max"
    );
    println!(
        "{:<32} {:>8} {:>6} {:>8} {:>7} {:>7} {:>7} {:>7}",
        "", "", "", "", "ms", "ms", "ms", "ms"
    );
    let mut over = Vec::new();
    for (name, o) in &results {
        let n = o.latencies.len() as u64 + o.errors;
        let rate = n as f64 / o.elapsed.as_secs_f64();
        let p99 = percentile_ms(&o.latencies, 99.0);
        println!(
            "{:<32} {:>8} {:>6} {:>8.1} {:>7.1} {:>7.1} {:>7.1} {:>7.1}",
            name,
            n,
            o.errors,
            rate,
            percentile_ms(&o.latencies, 50.0),
            percentile_ms(&o.latencies, 90.0),
            p99,
            percentile_ms(&o.latencies, 100.0),
        );
        if p99 >= opts.target_p99_ms || p99.is_nan() {
            over.push(*name);
        }
    }
    println!();
    println!("CPU during each measured window (cores busy; 1.0 = one core):");
    for (name, o) in &results {
        let c = &o.cpu;
        let groups = c
            .threads
            .iter()
            .filter(|(_, v)| **v >= 0.005)
            .map(|(k, v)| format!("{k} {v:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "  {name:<32} machine {:.0}% of {} CPUs (steal {:.0}%); this process: {groups}; loadavg {}; {:.1} MB/s of bodies",
            c.machine_busy_pct,
            c.cpus,
            c.steal_pct,
            c.loadavg,
            o.bytes as f64 / o.elapsed.as_secs_f64() / 1e6,
        );
    }
    for (name, o) in &results {
        if o.background_done > 0 {
            println!(
                "  {name}: {} background downloads answered",
                o.background_done
            );
        }
    }
    for (name, o) in &results {
        for (kind, n) in &o.error_kinds {
            println!("  errors in {name}: {n} × {kind}");
        }
    }
    println!();
    if over.is_empty() {
        println!("p99 under {} ms in every scenario", opts.target_p99_ms);
    } else {
        println!(
            "p99 NOT under {} ms: {}",
            opts.target_p99_ms,
            over.join("; ")
        );
    }

    // Stop the server before its runtime goes.
    drop(scenarios);
    if let Ok(app) = Arc::try_unwrap(app) {
        drop(app);
    }
    client_rt.shutdown_timeout(Duration::from_secs(1));
    server_rt.shutdown_timeout(Duration::from_secs(5));
    let failed: u64 = results.iter().map(|(_, o)| o.errors).sum();
    if failed > 0 {
        std::process::exit(1);
    }
}
