//! `bienphong serve`: the server's start (demo data and accounts, the first
//! administrator, the background sync of a field node) and its stop.

use crate::cli::{DemoArgs, ServeArgs};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_domain::access::Role;
use bienphong_service::accounts::new_password;
use bienphong_service::{NewUser, Service};
use bienphong_store::{AccountStore, SqlStore};
use bienphong_sync::client::{NodeState, SyncLock, sync_node};
use bienphong_sync::status::BackgroundSync;
use bienphong_web::{AppState, ServerConfig};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The demo's accounts: who they are and what they may do.
const DEMO_USERS: [(&str, &str, Role, &str, bool); 3] = [
    ("admin", "Quản trị hệ thống", Role::Admin, "HG", true),
    (
        "dn-lungcu",
        "Trợ lý tham mưu Đồn Biên phòng Lũng Cú",
        Role::Editor,
        "BP-LUNGCU",
        false,
    ),
    (
        "xa-lungcu",
        "Cán bộ UBND xã Lũng Cú",
        Role::Reader,
        "XA-LUNGCU",
        false,
    ),
];

/// Creates each demo account, or gives it a new password; returns the
/// names with their passwords.
async fn demo_accounts(service: &Service<SqlStore>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (username, name, role, unit, restricted) in DEMO_USERS {
        let password = new_password()?;
        match service.store().user_by_name(username).await? {
            Some(_) => {
                service
                    .set_password("serve --demo", now_ms(), username, &password)
                    .await?;
                service
                    .set_disabled("serve --demo", now_ms(), username, false)
                    .await?;
            }
            None => {
                service
                    .create_user(
                        "serve --demo",
                        now_ms(),
                        NewUser {
                            username: username.into(),
                            display_name: name.into(),
                            password: password.clone(),
                            role,
                            unit: unit.into(),
                            restricted,
                        },
                    )
                    .await?;
            }
        }
        out.push((username.to_string(), password));
    }
    Ok(out)
}

/// With no accounts at all, the first administrator is created with a
/// generated password shown once; no password ships with the program.
async fn first_admin(service: &Service<SqlStore>) -> Result<Option<(String, String)>> {
    if service.store().user_count().await? > 0 {
        return Ok(None);
    }
    let password = new_password()?;
    service
        .create_user(
            "serve (first run)",
            now_ms(),
            NewUser {
                username: "admin".into(),
                display_name: "Quản trị hệ thống".into(),
                password: password.clone(),
                role: Role::Admin,
                unit: "ADMIN".into(),
                restricted: true,
            },
        )
        .await?;
    Ok(Some(("admin".into(), password)))
}

/// Under systemd the printed password goes to the journal, which a whole
/// group may read: it is also kept in `DATA/first-admin-password`, readable
/// by the service's account only, for whoever installed the server to read
/// (and delete once the password is changed).
fn keep_first_password(data: &Path, name: &str, password: &str) -> Result<()> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let path = data.join("first-admin-password");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(file, "{name} {password}").context("first-admin-password")?;
    Ok(())
}

/// The background sync of `serve --sync-every` on a field node.
struct NodeSync {
    data: PathBuf,
    every: Duration,
    server: Option<String>,
}

/// Checks `--sync-every` and that the data directory is a node's, before
/// anything is opened or written.
fn node_sync(data: &Path, args: &ServeArgs) -> Result<Option<NodeSync>> {
    let Some(text) = &args.sync_every else {
        return Ok(None);
    };
    let every = crate::cli::parse_every(text).ok_or_else(|| {
        CliError::Message(
            "serve-sync-every-invalid",
            vec![("value", text.clone())],
            Kind::Invalid,
        )
    })?;
    if !NodeState::path_in(data).is_file() {
        return Err(CliError::Message(
            "serve-sync-every-not-a-node",
            vec![("path", data.display().to_string())],
            Kind::Invalid,
        ));
    }
    Ok(Some(NodeSync {
        data: data.to_path_buf(),
        every,
        server: args.server.clone(),
    }))
}

/// Syncs the node every `node.every` (the first at once) until `stop`
/// turns true or its sender goes away. A failed sync is logged and tried
/// again at the next tick; a tick that finds another sync of the node
/// under way (`bienphong sync`) is skipped. Shutdown abandons a sync in
/// flight: each batch is committed whole with its cursor, so the next sync
/// repeats at most one batch.
async fn sync_in_background(
    service: Arc<Service<SqlStore>>,
    node: NodeSync,
    activity: Arc<BackgroundSync>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(node.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let lock = match SyncLock::try_acquire(&node.data) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::info!("another sync of this node is under way; this tick is skipped");
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "background sync cannot lock the node's settings");
                activity.record(now_ms(), &Err(e));
                continue;
            }
        };
        activity.begin(now_ms());
        let mut quiet = |_| {};
        let attempt = sync_node(
            service.store(),
            &node.data,
            &lock,
            node.server.as_deref(),
            false,
            &mut quiet,
        );
        let outcome = tokio::select! {
            outcome = attempt => outcome,
            _ = stop.changed() => {
                tracing::info!("background sync stopped by the shutdown");
                break;
            }
        };
        drop(lock);
        // The grant the server named in this sync holds the node's writes.
        if outcome.is_ok()
            && let Ok(state) = NodeState::load(&NodeState::path_in(&node.data))
        {
            service.set_node_grant(state.grant);
        }
        match &outcome {
            Ok(report) if report.pushed + report.applied == 0 => {
                tracing::debug!("background sync done; nothing new either way");
            }
            Ok(report) => tracing::info!(
                pushed = report.pushed,
                applied = report.applied,
                "background sync done"
            ),
            Err(e) => tracing::warn!(
                error = %e,
                every_s = node.every.as_secs(),
                "background sync failed; it is tried again at the next tick"
            ),
        }
        activity.record(now_ms(), &outcome);
    }
    tracing::info!("background sync stopped");
}

/// Checks `--backup-every` before anything is opened: a duration, and an
/// embedded store (PostgreSQL is backed up with its own tools).
fn backup_every(ctx: &Context, args: &ServeArgs) -> Result<Option<Duration>> {
    let Some(text) = &args.backup_every else {
        return Ok(None);
    };
    let every = crate::cli::parse_every(text).ok_or_else(|| {
        CliError::Message(
            "serve-backup-every-invalid",
            vec![("value", text.clone())],
            Kind::Invalid,
        )
    })?;
    if ctx.database.is_some() {
        return Err(CliError::Message(
            "serve-backup-every-postgres",
            vec![],
            Kind::Invalid,
        ));
    }
    Ok(Some(every))
}

/// Backs the store up every `every` (the first after one interval) until
/// `stop`, keeping the newest `keep`; a failed backup is logged and tried
/// again at the next tick.
async fn backups_in_background(
    service: Arc<Service<SqlStore>>,
    data: PathBuf,
    every: Duration,
    keep: usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        match super::backup::scheduled(service.store(), &data, true, keep).await {
            Ok(Some(path)) => tracing::info!(backup = %path.display(), "scheduled backup written"),
            Ok(None) => tracing::info!("a backup of this second exists; this tick is skipped"),
            Err(e) => {
                tracing::warn!(error = ?e, "scheduled backup failed; it is tried again at the next tick")
            }
        }
    }
}

pub async fn run(ctx: &Context, args: ServeArgs) -> Result<()> {
    let node = node_sync(&ctx.data, &args)?;
    let backups = backup_every(ctx, &args)?;
    // Read before the store is opened or created: a wrong file stops the
    // start with its reason and leaves nothing behind.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let files = bienphong_web::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            };
            // Read now, so that a wrong file stops the start with its reason.
            bienphong_web::load_tls(&files).await.map_err(|e| {
                CliError::Message(
                    "serve-tls-unreadable",
                    vec![
                        ("cert", cert.display().to_string()),
                        ("key", key.display().to_string()),
                        ("detail", e.to_string()),
                    ],
                    Kind::Invalid,
                )
            })?;
            Some(files)
        }
        _ => None,
    };
    // The basemap too: before, a damaged file was refused only after the
    // address and a new administrator's password had been printed.
    let basemap = match &args.basemap {
        Some(path) => Some(
            bienphong_store::Basemap::open(path)
                .await
                .with_context(|| path.display().to_string())?,
        ),
        None => None,
    };
    let service = ctx.shared_service().await?.clone();
    let (location, data, lang) = (ctx.location(), &ctx.data, ctx.lang);
    // `--log` (or BIENPHONG_LOG); an unreadable filter falls back to the
    // default rather than silence the log.
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .json()
        .with_writer(std::io::stderr)
        .init();
    let mut out = std::io::stdout().lock();
    let accounts = if args.demo {
        super::demo::run(
            &service,
            &location,
            DemoArgs {
                provinces: None,
                years: 2,
                records_per_province_year: 0,
            },
            lang,
        )
        .await?;
        demo_accounts(&service).await?
    } else {
        let first = first_admin(&service).await?;
        if let Some((name, password)) = &first {
            keep_first_password(data, name, password)?;
        }
        first.into_iter().collect()
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr().context("listener address")?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    writeln!(
        out,
        "{}",
        lang.text("serve-listening", &[("url", format!("{scheme}://{addr}/"))])
    )
    .context("stdout")?;
    for (name, password) in &accounts {
        writeln!(
            out,
            "  {}",
            lang.text(
                "serve-account",
                &[("name", name.clone()), ("password", password.clone())]
            )
        )
        .context("stdout")?;
    }
    out.flush().context("stdout")?;
    drop(out);
    let config = ServerConfig {
        session_ttl: Duration::from_secs(args.session_hours.max(1) * 3600),
        secure_cookies: args.secure_cookies || tls.is_some(),
        node_dir: Some(data.to_path_buf()),
        trusted_proxies: args.trusted_proxy.clone(),
        max_attachment_bytes: args.max_attachment,
        basemap,
        ..ServerConfig::default()
    };
    let mut state = AppState::new(service.clone(), config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let backup_task = backups.map(|every| {
        tracing::info!(
            every_s = every.as_secs(),
            keep = args.backup_keep,
            "backing up in the background"
        );
        tokio::spawn(backups_in_background(
            service.clone(),
            data.to_path_buf(),
            every,
            args.backup_keep as usize,
            stopped.clone(),
        ))
    });
    let mut background = None;
    if let Some(node) = node {
        tracing::info!(every_s = node.every.as_secs(), "syncing in the background");
        let activity = Arc::new(BackgroundSync::new(node.every));
        state = state.with_background_sync(activity.clone());
        background = Some(tokio::spawn(sync_in_background(
            service, node, activity, stopped,
        )));
    }
    tracing::info!(address = %addr, store = %location, "serving");
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    let served = match tls {
        Some(files) => {
            bienphong_web::serve_tls(listener, state, shutdown, files, Duration::from_secs(10))
                .await
        }
        None => bienphong_web::serve(listener, state, shutdown).await,
    };
    if let Some(task) = background
        && tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .is_err()
    {
        tracing::warn!("the background sync did not stop within 10 s");
    }
    if let Some(task) = backup_task
        && tokio::time::timeout(Duration::from_secs(60), task)
            .await
            .is_err()
    {
        tracing::warn!("the scheduled backup did not stop within 60 s");
    }
    served.context("server")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
