//! The server: one process answering the web UI (server-rendered, in
//! Vietnamese first) and the JSON API under `/api/v1`, in front of the
//! same service the CLI uses. Handlers stay thin: they turn requests into
//! service calls and answers into pages or JSON.

mod assets;
mod client;
mod error;
mod extract;
mod forms;
mod heavy;
mod metrics;
mod openapi;
mod params;
mod resources;
mod routes;
mod session;
mod view;

pub use error::ApiError;
pub use openapi::openapi_document;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use bienphong_service::Service;
use bienphong_store::SqlStore;
use bienphong_sync::status::BackgroundSync;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

/// What a running server needs to know besides its store.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// How long a session lasts after sign-in.
    pub session_ttl: Duration,
    /// Send cookies with `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Requests slower than this are cut off with 408.
    pub request_timeout: Duration,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// The largest spreadsheet the upload page accepts: a year of a
    /// province's patrols is far more than a form.
    pub max_upload_bytes: usize,
    /// The largest file that may be attached to a record.
    pub max_attachment_bytes: u64,
    /// Sign-in attempts one address may make per minute.
    pub logins_per_minute: u32,
    /// The data directory, where a field node keeps `sync.json`: when it
    /// is there, the sync page shows the node's side.
    pub node_dir: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` is believed
    /// ([`client::client_address`]); none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// An offline raster basemap (MBTiles) the map page draws under its
    /// layers (`serve --basemap FILE`).
    pub basemap: Option<bienphong_store::Basemap>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(8 * 3600),
            secure_cookies: false,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            max_attachment_bytes: bienphong_domain::attachment::DEFAULT_MAX_BYTES,
            logins_per_minute: 30,
            node_dir: None,
            trusted_proxies: Vec::new(),
            basemap: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service<SqlStore>>,
    pub config: Arc<ServerConfig>,
    pub(crate) login_limiter: Arc<session::LoginLimiter>,
    pub(crate) dashboard_cache: Arc<resources::dashboard::DashboardCache>,
    pub(crate) heavy: Arc<heavy::Heavy>,
    pub(crate) background_sync: Option<Arc<BackgroundSync>>,
    pub(crate) metrics: Arc<metrics::Metrics>,
    /// The data directory is a field node's (it holds sync.json), read
    /// once at start: `node init` is run before serving.
    pub(crate) on_node: bool,
}

impl AppState {
    pub fn new(service: Arc<Service<SqlStore>>, config: ServerConfig) -> Self {
        let limiter = session::LoginLimiter::new(config.logins_per_minute);
        let on_node = config
            .node_dir
            .as_deref()
            .is_some_and(|d| bienphong_sync::client::NodeState::path_in(d).is_file());
        Self {
            on_node,
            service,
            config: Arc::new(config),
            login_limiter: Arc::new(limiter),
            dashboard_cache: Arc::default(),
            heavy: Arc::default(),
            background_sync: None,
            metrics: Arc::default(),
        }
    }

    /// A node's server that syncs in the background: the sync page shows
    /// what that did last.
    pub fn with_background_sync(mut self, activity: Arc<BackgroundSync>) -> Self {
        self.background_sync = Some(activity);
        self
    }
}

pub(crate) fn now_ms() -> i64 {
    bienphong_service::now_ms()
}

/// The whole application: UI, API, static files, with security headers,
/// body limits and time-outs.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let security_headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        // Pages and JSON may show personal data (case subjects, children):
        // no browser or proxy keeps a copy. Static files set their own.
        (header::CACHE_CONTROL, "no-store"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let uploads = routes::upload_routes()
        .layer(axum::extract::DefaultBodyLimit::max(
            config.max_upload_bytes,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            config.max_upload_bytes,
        ));
    // A file's body may be as large as the attachment limit and a
    // multipart envelope; a longer declared length is refused unread.
    let file_limit = usize::try_from(config.max_attachment_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(resources::attachments::MULTIPART_OVERHEAD);
    let files = routes::file_upload_router()
        .layer(axum::extract::DefaultBodyLimit::max(file_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(file_limit));
    let mut router = Router::new()
        .merge(routes::page_routes())
        .merge(routes::api_router())
        .merge(assets::routes())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            config.max_body_bytes,
        ))
        .merge(uploads)
        .merge(files)
        .fallback(routes::no_route)
        // Inside the error wording, so that a time-out under /api/ is
        // answered as a problem like every other API error.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(error::answer_errors));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count_request,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Expired sessions are removed now and then; nothing depends on it.
fn sweep_sessions(state: &AppState) -> tokio::task::JoinHandle<()> {
    let service = state.service.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = service.sweep_sessions(now_ms()).await {
                tracing::warn!(error = %e, "could not remove expired sessions");
            }
        }
    })
}

/// Serves on `listener` until `shutdown` completes, then finishes the
/// requests under way. Port 0 works: the caller reads the real address
/// from the listener first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = sweep_sessions(&state);
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    result
}

/// The certificate chain and private key `serve` speaks HTTPS with, both
/// PEM files.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Reads the TLS files, refusing what is no certificate and key, so that
/// `serve` stops at start with the reason rather than at the first client.
pub async fn load_tls(files: &TlsFiles) -> std::io::Result<axum_server::tls_rustls::RustlsConfig> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key).await
}

/// [`serve`] over HTTPS. The certificate and key are read again when
/// either file changes (checked every `recheck`), so a renewed certificate
/// is used without a restart; a renewal that cannot be read is logged and
/// the one in use kept.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    files: TlsFiles,
    recheck: Duration,
) -> std::io::Result<()> {
    let config = load_tls(&files).await?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    let stop = tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(30)));
    });
    let reload = tokio::spawn(reload_when_changed(config.clone(), files, recheck));
    let sweeper = sweep_sessions(&state);
    let result = axum_server::from_tcp_rustls(listener.into_std()?, config)?
        .handle(handle)
        .serve(app(state).into_make_service_with_connect_info::<SocketAddr>())
        .await;
    for task in [stop, reload, sweeper] {
        task.abort();
    }
    result
}

fn modified(files: &TlsFiles) -> Option<(std::time::SystemTime, std::time::SystemTime)> {
    let at = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    Some((at(&files.cert)?, at(&files.key)?))
}

async fn reload_when_changed(
    config: axum_server::tls_rustls::RustlsConfig,
    files: TlsFiles,
    recheck: Duration,
) {
    let mut seen = modified(&files);
    let mut tick = tokio::time::interval(recheck);
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = modified(&files);
        if now.is_none() || now == seen {
            continue;
        }
        match config.reload_from_pem_file(&files.cert, &files.key).await {
            Ok(()) => {
                tracing::info!(cert = %files.cert.display(), "TLS certificate reloaded");
                seen = now;
            }
            // A renewal half written is read again at the next check.
            Err(e) => tracing::warn!(error = %e, "TLS certificate not reloaded; the old one stays"),
        }
    }
}
