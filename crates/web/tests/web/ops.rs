//! Running the server for years: tokens that are listed, expire, end with
//! a password change and name their owner; the client's address behind a
//! proxy; HTTPS served by the binary with a certificate renewed in place;
//! `/metrics` (issue 18, items 5–7).

use crate::common::{TestApp, api as call, login, spawn_app, spawn_app_with, token};
use bienphong_service::{Service, TokenTerms};
use bienphong_store::{AccountStore, AuditFilter, SqlStore};
use bienphong_web::{AppState, ServerConfig, TlsFiles};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Makes a token as `user` through the API, with `terms` added to its
/// request; returns (id, secret).
async fn make_token(app: &TestApp, user: &str, name: &str, terms: Value) -> (String, String) {
    let (client, csrf) = login(app, user).await;
    let mut body = json!({"name": name});
    for (k, v) in terms.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    (
        v["id"].as_str().unwrap().to_string(),
        v["token"].as_str().unwrap().to_string(),
    )
}

async fn me(app: &TestApp, secret: &str) -> StatusCode {
    call(app, secret, reqwest::Method::GET, "/api/v1/me", None)
        .await
        .0
}

/// What a user does with tokens, start to end: makes one that ends with
/// the password and one that does not, writes with the first (history and
/// audit name the account and the token's id, never the token's free
/// name), sees both listed with their last use, changes the password (the
/// first ends, the second goes on), revokes the second by id; a token
/// past its expiry is refused; bad terms are refused by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_listed_expire_end_with_a_password_change_and_name_their_owner() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (a_id, a) = make_token(
        &app,
        "dn-lungcu",
        "admin",
        json!({"expires_in_days": 30, "ends_with_password": true}),
    )
    .await;
    let (b_id, b) = make_token(&app, "dn-lungcu", "laptop", json!({})).await;

    let patrol = json!({"date": "2024-03-10", "lead_unit": "BP-LUNGCU", "kind": "post_only",
        "participants": [{"force": "BDBP", "persons": 4}]});
    let (s, p) = call(
        &app,
        &a,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let actor = format!("dn-lungcu (token {a_id})");
    let path = format!("/api/v1/patrols/{}/history", p["id"].as_str().unwrap());
    let (_, history) = call(&app, &a, reqwest::Method::GET, &path, None).await;
    assert_eq!(history["items"][0]["author"], actor.as_str(), "{history}");
    let audited = app
        .service
        .audit_entries(&AuditFilter {
            actor: Some(actor.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(audited.iter().any(|e| e.action == "create"), "{audited:?}");

    let (s, mine) = call(&app, &b, reqwest::Method::GET, "/api/v1/tokens", None).await;
    assert_eq!(s, 200);
    let mine = mine["items"].as_array().unwrap().clone();
    assert_eq!(
        mine.len(),
        2,
        "dn-lungcu sees only their own tokens: {mine:?}"
    );
    let first = mine.iter().find(|t| t["id"] == a_id.as_str()).unwrap();
    assert_eq!(first["owner"], "dn-lungcu");
    assert_eq!(first["ends_with_password"], true);
    assert!(first["last_used_ms"].as_i64().is_some(), "{first}");
    let life = first["expires_ms"].as_i64().unwrap() - first["created_ms"].as_i64().unwrap();
    assert!((life - 30 * 86_400_000).abs() < 60_000, "{first}");
    let (_, all) = call(&app, &admin, reqwest::Method::GET, "/api/v1/tokens", None).await;
    assert!(all["items"].as_array().unwrap().len() >= 3, "{all}");

    app.service
        .set_password(
            "admin",
            bienphong_service::now_ms(),
            "dn-lungcu",
            "một mật khẩu mới 2026",
        )
        .await
        .unwrap();
    assert_eq!(me(&app, &a).await, 401, "the password change ended it");
    assert_eq!(me(&app, &b).await, 200, "this one was not to end with it");

    // Only an administrator changes what a token may do.
    let path = format!("/api/v1/tokens/{b_id}");
    let narrow = json!({"unit": "BP-LUNGCU", "restricted": false});
    let (s, _) = call(
        &app,
        &b,
        reqwest::Method::PATCH,
        &path,
        Some(narrow.clone()),
    )
    .await;
    assert_eq!(s, 403);
    let (s, t) = call(&app, &admin, reqwest::Method::PATCH, &path, Some(narrow)).await;
    assert_eq!((s.as_u16(), &t["restricted"]), (200, &json!(false)), "{t}");
    let unknown_unit = json!({"unit": "KHONGCO"});
    let (s, _) = call(
        &app,
        &admin,
        reqwest::Method::PATCH,
        &path,
        Some(unknown_unit),
    )
    .await;
    assert_eq!(s, 422, "an unknown unit changes nothing");
    let (s, _) = call(
        &app,
        &admin,
        reqwest::Method::PATCH,
        "/api/v1/tokens/khong-co",
        Some(json!({"restricted": true})),
    )
    .await;
    assert_eq!(s, 404);

    let (s, _) = call(
        &app,
        &b,
        reqwest::Method::DELETE,
        &format!("/api/v1/tokens/{b_id}"),
        None,
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(me(&app, &b).await, 401);
    let (s, _) = call(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("/api/v1/tokens/{b_id}"),
        None,
    )
    .await;
    assert_eq!(s, 404, "a revoked token is revoked once");

    let who = app.service.token_principal(&admin).await.unwrap().unwrap();
    let now = bienphong_service::now_ms();
    let (_, short) = app
        .service
        .create_token_with(
            &who,
            now,
            "short",
            None,
            TokenTerms {
                expires_ms: Some(now + 300),
                ends_with_password: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(me(&app, &short).await, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(me(&app, &short).await, 401, "past its expiry");

    let (client, csrf) = login(&app, "admin").await;
    for (terms, field) in [
        (
            json!({"name": "x", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": 4000}),
            "expires_in_days",
        ),
    ] {
        let r = client
            .post(app.url("/api/v1/tokens"))
            .header("x-csrf-token", &csrf)
            .json(&terms)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["fields"][0]["field"], field, "{v}");
    }
    let r = client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "x", "node_unit": "BP-LUNGCU", "ends_with_password": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "a node's token has no password to end with"
    );
    let count = app.service.store().tokens().await.unwrap().len();
    assert_eq!(count, 4, "the refused requests made nothing");
}

/// The tokens page: a person makes a token (its secret shown once), sees
/// it listed, revokes it; a bad number of days is said beside the form
/// and makes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_page_makes_lists_and_revokes() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let page = client.get(app.url("/tokens")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Mã truy cập API"));

    let r = client
        .post(app.url("/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "máy tính đồn"),
            ("days", "abc"),
        ])
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(
        text.contains("id=\"token-error\"") && text.contains("từ 1 đến 3650"),
        "{text}"
    );
    assert!(app.service.store().tokens().await.unwrap().is_empty());

    let r = client
        .post(app.url("/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "máy tính đồn"),
            ("days", "7"),
            ("ends_with_password", "1"),
        ])
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let secret = text
        .split("id=\"token-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    assert!(secret.starts_with("bpt_"));
    assert!(text.contains("máy tính đồn"));
    assert_eq!(me(&app, &secret).await, 200);
    let again = client
        .get(app.url("/tokens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&secret), "the secret is shown only once");

    let id = app.service.store().tokens().await.unwrap()[0].id.clone();
    let r = client
        .post(app.url(&format!("/tokens/{id}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let after = client
        .get(app.url("/tokens?revoked=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(after.contains("đã thu hồi"), "{after}");
    assert_eq!(me(&app, &secret).await, 401);
}

/// Wrong sign-ins from one address until the limit, each with a
/// forwarded address. Returns the statuses and the last Retry-After.
async fn sign_ins(app: &TestApp, forwarded: &[&str]) -> (Vec<u16>, Option<String>) {
    let client = crate::common::browser_like_client();
    let mut statuses = Vec::new();
    let mut retry = None;
    for f in forwarded {
        let r = client
            .post(app.url("/login"))
            .header("x-forwarded-for", *f)
            .form(&[("username", "khong-co"), ("password", "sai mật khẩu")])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        if let Some(v) = r.headers().get("retry-after") {
            retry = Some(v.to_str().unwrap().to_string());
        }
    }
    (statuses, retry)
}

async fn login_addresses(app: &TestApp) -> Vec<Option<String>> {
    app.service
        .audit_entries(&AuditFilter {
            action: Some("login".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.address)
        .collect()
}

/// Behind a configured proxy each client's address has its own budget of
/// sign-ins and is what the audit keeps; from anywhere else the header is
/// a claim anyone can make, and the connection's address counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_are_believed_only_from_a_configured_proxy() {
    let behind = spawn_app_with(ServerConfig {
        logins_per_minute: 2,
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..ServerConfig::default()
    })
    .await;
    let (statuses, retry) = sign_ins(
        &behind,
        &[
            "198.51.100.1",
            "198.51.100.1",
            "198.51.100.1",
            "198.51.100.2",
        ],
    )
    .await;
    assert_eq!(statuses, [401, 401, 429, 401]);
    let seconds: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=60).contains(&seconds));
    let addresses = login_addresses(&behind).await;
    assert!(
        addresses.contains(&Some("198.51.100.1".into())),
        "{addresses:?}"
    );
    assert!(
        addresses.contains(&Some("198.51.100.2".into())),
        "{addresses:?}"
    );

    let exposed = spawn_app_with(ServerConfig {
        logins_per_minute: 2,
        ..ServerConfig::default()
    })
    .await;
    let (statuses, _) = sign_ins(&exposed, &["198.51.100.1", "198.51.100.2", "198.51.100.3"]).await;
    assert_eq!(
        statuses,
        [401, 401, 429],
        "a made-up header buys no new budget"
    );
    let addresses = login_addresses(&exposed).await;
    assert!(
        addresses.iter().all(|a| a.as_deref() == Some("127.0.0.1")),
        "{addresses:?}"
    );
}

/// A certificate authority and a certificate for `localhost` it signed,
/// written as PEM files; returns the authority's certificate.
fn write_certificate(cert: &std::path::Path, key: &std::path::Path, name: &str) -> String {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    // Written beside and renamed, as a renewal tool does: never half a file.
    for (path, text) in [(key, leaf_key.serialize_pem()), (cert, leaf.pem())] {
        let part = path.with_extension("part");
        std::fs::write(&part, text).unwrap();
        std::fs::rename(&part, path).unwrap();
    }
    ca.pem()
}

fn trusting(ca_pem: &str) -> reqwest::Client {
    bienphong_sync::client::install_tls_provider();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// `serve` with a certificate speaks HTTPS (and not plain HTTP), sets
/// secure cookies, and takes a renewed certificate written over the old
/// files without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_speaks_https_and_takes_a_renewed_certificate_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let first_ca = write_certificate(&cert, &key, "Bộ Chỉ huy (thử) 1");
    let store = SqlStore::open_sqlite(&dir.path().join("bienphong.sqlite"))
        .await
        .unwrap();
    let state = AppState::new(Arc::new(Service::new(store)), ServerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let files = TlsFiles {
        cert: cert.clone(),
        key: key.clone(),
    };
    let server = tokio::spawn(bienphong_web::serve_tls(
        listener,
        state,
        async {
            let _ = stopped.await;
        },
        files,
        Duration::from_millis(100),
    ));
    let url = format!("https://localhost:{port}/health");
    let r = trusting(&first_ca).get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let plain = crate::common::http()
        .get(format!("http://127.0.0.1:{port}/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "plain HTTP is not served on the HTTPS port"
    );

    let second_ca = write_certificate(&cert, &key, "Bộ Chỉ huy (thử) 2");
    let mut renewed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(r) = trusting(&second_ca).get(&url).send().await {
            assert_eq!(r.status(), 200);
            renewed = true;
            break;
        }
    }
    assert!(renewed, "the renewed certificate is served within 5 s");
    assert!(
        trusting(&first_ca).get(&url).send().await.is_err(),
        "the old certificate is no longer served"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// `/metrics` is Prometheus text an administrator's scraper reads: the
/// requests just made are counted by route pattern (not by path), the
/// store and the pool are there; anyone else is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_prometheus_text_for_administrators() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let reader = token(&app, "xa-lungcu").await;
    for _ in 0..3 {
        assert_eq!(me(&app, &admin).await, 200);
    }
    let (s, _) = call(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/patrols/0190f0f0-0000-7000-8000-000000000000",
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = call(&app, &reader, reqwest::Method::GET, "/metrics", None).await;
    assert_eq!(s, 403);

    let r = crate::common::http()
        .get(app.url("/metrics"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let kind = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = r.text().await.unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    let sample = |name: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match &s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => *v,
                other => panic!("{name}: {other:?}"),
            })
    };
    let me_requests = sample(
        "bienphong_http_requests_total",
        &[
            ("route", "/api/v1/me"),
            ("method", "GET"),
            ("status", "200"),
        ],
    );
    assert!(me_requests.unwrap() >= 3.0, "{text}");
    assert_eq!(
        sample(
            "bienphong_http_requests_total",
            &[("route", "/api/v1/patrols/:id"), ("status", "404")]
        ),
        Some(1.0),
        "counted by the route's pattern, not its path: {}",
        text.lines()
            .filter(|l| l.starts_with("bienphong_http_requests_total"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!text.contains("0190f0f0"), "no series per id");
    assert!(sample("bienphong_store_revisions", &[]).unwrap() > 1000.0);
    assert!(sample("bienphong_store_bytes", &[]).unwrap() > 0.0);
    assert!(sample("bienphong_db_pool_connections", &[("state", "idle")]).is_some());
    let histogram = scrape
        .samples
        .iter()
        .find(|s| {
            s.metric == "bienphong_http_request_duration_seconds"
                && s.labels.get("route") == Some("/api/v1/me")
        })
        .unwrap();
    match &histogram.value {
        prometheus_parse::Value::Histogram(buckets) => {
            assert!(buckets.iter().any(|b| b.count >= 3.0), "{buckets:?}");
        }
        other => panic!("not a histogram: {other:?}"),
    }
}
