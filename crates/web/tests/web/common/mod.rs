//! Starts the real server on port 0 over a fresh copy of the Hà Giang demo
//! store, with one account per role and unit the tests need.
#![allow(dead_code, reason = "each test file uses part of this module")]

pub mod document;

use bienphong_domain::access::Role;
use bienphong_service::{NewRecord, NewUser, Service};
use bienphong_store::SqlStore;
use bienphong_web::{AppState, ServerConfig};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub const PASSWORD_SUFFIX: &str = "-mat-khau-thu";

/// The accounts of every test store: name, role, unit, restricted.
pub const ACCOUNTS: &[(&str, Role, &str, bool)] = &[
    ("admin", Role::Admin, "HG", true),
    ("tinh", Role::Provincial, "HG", false),
    ("dn-lungcu", Role::Editor, "BP-LUNGCU", false),
    ("dn-lungcu-xem", Role::Reader, "BP-LUNGCU", false),
    ("dn-lungcu-mat", Role::Editor, "BP-LUNGCU", true),
    ("xa-lungcu", Role::Editor, "XA-LUNGCU", false),
    ("xa-lungcu-xem", Role::Reader, "XA-LUNGCU", false),
];

pub fn password(user: &str) -> String {
    format!("{user}{PASSWORD_SUFFIX}")
}

fn demo_records() -> Vec<NewRecord> {
    bienphong_demo::ha_giang()
        .into_iter()
        .map(|r| NewRecord {
            record_id: r.record_id,
            content: r.content,
            author: "demo".into(),
            created_ms: r.created_ms,
            revision_id: None,
        })
        .collect()
}

/// The demo store with the accounts, built once per test binary.
fn template() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("bienphong.sqlite");
        let build = path.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let service = Service::new(SqlStore::open_sqlite(&build).await.unwrap());
                let mut org = bienphong_domain::org::Org::default();
                for chunk in demo_records().chunks(2000) {
                    service.add_batch(&mut org, chunk.to_vec()).await.unwrap();
                }
                // The successors of the units that ended on 30/6/2025, as
                // the demo gives them (its other edits are left out).
                let actor = bienphong_service::Actor {
                    name: "demo".into(),
                    // 1 July 2025, 09:00 at the border.
                    now_ms: 1_751_335_200_000,
                };
                for (id, content) in bienphong_demo::ha_giang_edits() {
                    if matches!(content, bienphong_domain::Content::Unit(_)) {
                        service.edit(&actor, id, None, content).await.unwrap();
                    }
                }
                for (name, role, unit, restricted) in ACCOUNTS {
                    service
                        .create_user(
                            "test",
                            0,
                            NewUser {
                                username: name.to_string(),
                                display_name: name.to_string(),
                                password: password(name),
                                role: *role,
                                unit: unit.to_string(),
                                restricted: *restricted,
                            },
                        )
                        .await
                        .unwrap();
                }
                service.into_store().close().await;
            });
        })
        .join()
        .unwrap();
        dir
    })
}

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub service: Arc<Service<SqlStore>>,
    pub dir: tempfile::TempDir,
    config: ServerConfig,
    addr: std::net::SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server (as a process that ends would) and waits until it
    /// no longer answers.
    pub async fn stop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap();
        }
    }

    /// Starts a new server on the same address over the same database file,
    /// opened afresh.
    pub async fn start_again(&mut self) {
        assert!(self.handle.is_none(), "stop the server first");
        let store = SqlStore::open_sqlite(&self.dir.path().join("bienphong.sqlite"))
            .await
            .unwrap();
        self.service = Arc::new(Service::new(store));
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        let (tx, handle) = serve_on(listener, self.service.clone(), self.config.clone());
        self.shutdown = Some(tx);
        self.handle = Some(handle);
    }
}

fn serve_on(
    listener: tokio::net::TcpListener,
    service: Arc<Service<SqlStore>>,
    config: ServerConfig,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(service, config);
    let handle = tokio::spawn(async move {
        bienphong_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (tx, handle)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServerConfig::default()).await
}

pub async fn spawn_app_with(config: ServerConfig) -> TestApp {
    spawn_app_from(&template().join("bienphong.sqlite"), config).await
}

/// The server over a copy of the (closed) SQLite database at `db`.
pub async fn spawn_app_from(db: &Path, config: ServerConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(db, dir.path().join("bienphong.sqlite")).unwrap();
    let store = SqlStore::open_sqlite(&dir.path().join("bienphong.sqlite"))
        .await
        .unwrap();
    let service = Arc::new(Service::new(store));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, handle) = serve_on(listener, service.clone(), config.clone());
    TestApp {
        base: format!("http://{addr}"),
        service,
        dir,
        config,
        addr,
        shutdown: Some(tx),
        handle: Some(handle),
    }
}

/// The server over `store`, opened by the caller (a PostgreSQL store, say).
pub async fn spawn_app_over(store: SqlStore, config: ServerConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let service = Arc::new(Service::new(store));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, handle) = serve_on(listener, service.clone(), config.clone());
    TestApp {
        base: format!("http://{addr}"),
        service,
        dir,
        config,
        addr,
        shutdown: Some(tx),
        handle: Some(handle),
    }
}

/// A plain HTTP client (the sync crate's TLS provider installed first, as
/// every reqwest client in these tests needs).
pub fn http() -> reqwest::Client {
    bienphong_sync::client::install_tls_provider();
    reqwest::Client::new()
}

/// A client that keeps cookies, as a browser does.
pub fn browser_like_client() -> reqwest::Client {
    bienphong_sync::client::install_tls_provider();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs `user` in; returns the client holding the session cookie and the
/// session's CSRF token (read from a page's logout form).
pub async fn login(app: &TestApp, user: &str) -> (reqwest::Client, String) {
    let client = browser_like_client();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("username", user),
            ("password", &password(user)),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login of {user} failed");
    let page = client
        .get(app.url("/catalogues"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF token in the page")
        .to_string();
    (client, csrf)
}

/// An API token acting as `user`.
pub async fn token(app: &TestApp, user: &str) -> String {
    let (client, csrf) = login(app, user).await;
    let r = client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"name": format!("test {user}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// Live activity records in the app's store.
pub async fn record_count(app: &TestApp) -> u64 {
    use bienphong_store::Store;
    app.service.store().record_count().await.unwrap()
}

/// A call of the API with a bearer token: its status and its body (JSON,
/// or the text as a string). Every answer is checked against the served
/// OpenAPI document.
pub async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let client = crate::common::http();
    let mut req = client
        .request(method.clone(), app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let media_type = r
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|t| t.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    crate::common::document::check_answer(app, &method, path, status, media_type.as_deref(), &body)
        .await;
    (status, body)
}
