//! The API as a contract an outside client can rely on: a record's ETag
//! and `If-Match` for optimistic concurrency, keyset paging that neither
//! skips nor repeats under concurrent writes, and one error shape (RFC
//! 9457 problems) for every status. The real server over a fresh demo
//! store, spoken to over HTTP only.

use crate::common::{TestApp, login, spawn_app, spawn_app_with, token};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MATCH};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn etag(&self) -> Option<String> {
        self.headers
            .get(ETAG)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut req = crate::common::http()
        .request(method.clone(), app.url(path))
        .bearer_auth(token);
    if let Some(tag) = if_match {
        req = req.header(IF_MATCH, tag);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let a = answer(req.send().await.unwrap()).await;
    // Every answer of these tests is one the OpenAPI document allows.
    let media_type = a
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|t| t.to_str().unwrap().to_string());
    crate::common::document::check_answer(
        app,
        &method,
        path,
        a.status,
        media_type.as_deref(),
        &a.body,
    )
    .await;
    a
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

fn patrol(day: &str, persons: u32) -> Value {
    json!({"date": day, "lead_unit": "BP-LUNGCU", "partner_units": [], "kind": "joint",
           "participants": [{"force": "BDBP", "persons": persons}]})
}

async fn history_len(app: &TestApp, token: &str, path: &str) -> usize {
    let h = send(
        app,
        token,
        Method::GET,
        &format!("{path}/history"),
        None,
        None,
    )
    .await;
    assert_eq!(h.status, 200, "{}", h.body);
    h.body["items"].as_array().unwrap().len()
}

async fn audit_entries(app: &TestApp, admin: &str, record: &str) -> Vec<Value> {
    let a = send(
        app,
        admin,
        Method::GET,
        &format!("/api/v1/audit?record_id={record}&limit=1000"),
        None,
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["items"].as_array().unwrap().clone()
}

/// An answer is an RFC 9457 problem with this status and machine code.
fn assert_problem(a: &Answer, status: u16, code: &str, what: &str) {
    assert_eq!(a.status.as_u16(), status, "{what}: {}", a.body);
    assert_eq!(
        a.headers.get(CONTENT_TYPE).map(|v| v.to_str().unwrap()),
        Some("application/problem+json"),
        "{what}: {status} is a problem"
    );
    assert_eq!(a.body["status"], status, "{what}: {}", a.body);
    assert_eq!(a.body["code"], code, "{what}: {}", a.body);
    assert_eq!(a.body["type"], "about:blank", "{what}");
    assert!(
        a.body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{what}: {}",
        a.body
    );
    let detail = a.body["detail"].as_str().unwrap_or_default();
    assert!(!detail.is_empty(), "{what}: {}", a.body);
    assert_eq!(
        a.body["message"], detail,
        "{what}: message stays for old clients"
    );
    assert!(a.body["fields"].is_array(), "{what}");
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_and_writes_nothing() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let admin = token(&app, "admin").await;

    // Created: the answer names the first revision as the ETag.
    let created = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(patrol("2024-03-10", 4)),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/patrols/{id}");
    let first = created.etag().expect("a write answers the new ETag");
    assert_eq!(
        first,
        format!("\"{}\"", created.body["revision"].as_str().unwrap())
    );

    // GET answers the same ETag, strong and quoted.
    let got = send(&app, &editor, Method::GET, &path, None, None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.etag().as_deref(), Some(first.as_str()));

    // A fresh If-Match, no revision in the body: saved, with the new ETag;
    // GET's ETag follows.
    let edited = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&first),
        Some(json!({"content": patrol("2024-03-10", 6)})),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let second = edited.etag().expect("the edit answers its ETag");
    assert_ne!(second, first);
    assert_eq!(
        second,
        format!("\"{}\"", edited.body["revision"].as_str().unwrap())
    );
    let got = send(&app, &editor, Method::GET, &path, None, None).await;
    assert_eq!(got.etag().as_deref(), Some(second.as_str()));
    assert_eq!(history_len(&app, &editor, &path).await, 2);
    let audited = audit_entries(&app, &admin, &id).await.len();

    // The first ETag is stale now: 412, and nothing is written — no
    // revision, no change of content, no audit entry.
    let stale = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&first),
        Some(json!({"content": patrol("2024-03-10", 9)})),
    )
    .await;
    assert_problem(&stale, 412, "precondition_failed", "PUT, stale If-Match");
    let stale_delete = send(&app, &editor, Method::DELETE, &path, Some(&first), None).await;
    assert_problem(
        &stale_delete,
        412,
        "precondition_failed",
        "DELETE, stale If-Match",
    );
    // Several tags, none the head; a weak tag never matches.
    let several = format!("{first}, \"0190f0f0-0000-7000-8000-000000000000\"");
    let weak = format!("W/{second}");
    for tag in [several.as_str(), weak.as_str()] {
        let a = send(
            &app,
            &editor,
            Method::PUT,
            &path,
            Some(tag),
            Some(json!({"content": patrol("2024-03-10", 9)})),
        )
        .await;
        assert_problem(&a, 412, "precondition_failed", tag);
    }
    assert_eq!(
        audit_entries(&app, &admin, &id).await.len(),
        audited,
        "a refused precondition leaves no audit entry"
    );
    // A stale If-Match with the content the record already has is no
    // less stale.
    let same = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&first),
        Some(json!({"content": patrol("2024-03-10", 6)})),
    )
    .await;
    assert_problem(
        &same,
        412,
        "precondition_failed",
        "unchanged content, stale If-Match",
    );
    let got = send(&app, &editor, Method::GET, &path, None, None).await;
    assert_eq!(got.body["content"]["participants"][0]["persons"], 6);
    assert_eq!(got.etag().as_deref(), Some(second.as_str()));
    assert_eq!(history_len(&app, &editor, &path).await, 2);
    // The service logs a save that changes nothing as it always has.
    let now = audit_entries(&app, &admin, &id).await;
    assert!(now.len() <= audited + 1, "{now:?}");

    // If-Match and the body's revision must agree: 412 (one of them is
    // not the head), nothing written.
    let unquoted = |tag: &str| tag.trim_matches('"').to_string();
    let disagree = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&second),
        Some(json!({"revision": unquoted(&first), "content": patrol("2024-03-10", 7)})),
    )
    .await;
    assert_problem(
        &disagree,
        412,
        "precondition_failed",
        "If-Match and revision disagree",
    );
    assert_eq!(disagree.body["fields"][0]["field"], "If-Match");
    // Agreeing, they are one base.
    let agreed = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&second),
        Some(json!({"revision": unquoted(&second), "content": patrol("2024-03-10", 7)})),
    )
    .await;
    assert_eq!(agreed.status, 200, "{}", agreed.body);
    let third = agreed.etag().unwrap();
    assert_eq!(history_len(&app, &editor, &path).await, 3);

    // `If-Match: *` and no If-Match: as before ETags — the body's
    // revision decides, a stale one is 409 `stale`, a missing one 400.
    let star = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some("*"),
        Some(json!({"revision": unquoted(&second), "content": patrol("2024-03-10", 8)})),
    )
    .await;
    assert_problem(
        &star,
        409,
        "stale",
        "If-Match: * with a stale body revision",
    );
    let none = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some("*"),
        Some(json!({"content": patrol("2024-03-10", 8)})),
    )
    .await;
    assert_problem(&none, 400, "bad_request", "no revision anywhere");
    assert_eq!(history_len(&app, &editor, &path).await, 3);

    // Delete with the fresh ETag: the answer names the tombstone.
    let deleted = send(&app, &editor, Method::DELETE, &path, Some(&third), None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(
        deleted.etag(),
        Some(format!("\"{}\"", deleted.body["id"].as_str().unwrap()))
    );
    let gone = send(&app, &editor, Method::GET, &path, None, None).await;
    assert_problem(&gone, 404, "deleted", "GET after delete");
}

/// What a list page gives: its records' ids and the cursor to go on.
async fn list_page(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Option<String>) {
    let a = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/patrols?{query}"),
        None,
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{query}: {}", a.body);
    let ids = a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    (ids, a.body["next_cursor"].as_str().map(str::to_string))
}

#[tokio::test]
async fn paging_by_cursor_neither_skips_nor_repeats_while_records_come_and_go() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let editor = token(&app, "dn-lungcu").await;
    const WINDOW: &str = "from=2025-03-01&to=2025-03-31";
    // Records of March 2025, several on the same day (the id breaks ties).
    let mut revisions: HashMap<String, String> = HashMap::new();
    let add = async |day: &str| {
        let a = send(
            &app,
            &editor,
            Method::POST,
            "/api/v1/patrols",
            None,
            Some(patrol(day, 3)),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        (
            a.body["id"].as_str().unwrap().to_string(),
            a.body["revision"].as_str().unwrap().to_string(),
        )
    };
    for day in 1..=7 {
        for _ in 0..2 {
            let (id, rev) = add(&format!("2025-03-{:02}", day * 3)).await;
            revisions.insert(id, rev);
        }
    }
    // An administrator's pages come straight from the store; an editor's
    // are filtered record by record: both walks are checked.
    for (who, caller) in [("admin", &admin), ("dn-lungcu", &editor)] {
        let (all, more) = list_page(&app, caller, &format!("{WINDOW}&limit=500")).await;
        assert_eq!(more, None);
        assert!(all.len() >= 14, "{who}: {}", all.len());
        let mut seen: Vec<String> = Vec::new();
        let mut deleted: HashSet<String> = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &cursor {
                None => format!("{WINDOW}&limit=3"),
                Some(c) => format!("{WINDOW}&limit=3&cursor={c}"),
            };
            let (ids, next) = list_page(&app, caller, &query).await;
            seen.extend(ids);
            pages += 1;
            let Some(next) = next else { break };
            cursor = Some(next);
            // Between two pages: a record sorting before the cursor and one
            // after it are added; one already seen and one not yet seen are
            // deleted.
            let (id, rev) = add("2025-03-01").await;
            revisions.insert(id, rev);
            let (id, rev) = add("2025-03-31").await;
            revisions.insert(id, rev);
            let seen_one = seen.iter().find(|i| !deleted.contains(*i)).cloned();
            let unseen_one = all
                .iter()
                .rev()
                .find(|i| !seen.contains(i) && !deleted.contains(*i))
                .cloned();
            for victim in [seen_one, unseen_one].into_iter().flatten() {
                let rev = revisions.get(&victim).cloned();
                let path = format!("/api/v1/patrols/{victim}");
                let tag = match rev {
                    Some(r) => format!("\"{r}\""),
                    None => send(&app, &admin, Method::GET, &path, None, None)
                        .await
                        .etag()
                        .unwrap(),
                };
                let d = send(&app, &admin, Method::DELETE, &path, Some(&tag), None).await;
                assert_eq!(d.status, 200, "{}", d.body);
                deleted.insert(victim);
            }
        }
        assert!(pages > 3, "{who}: the walk took several pages");
        let mut counts: HashMap<&String, usize> = HashMap::new();
        for id in &seen {
            *counts.entry(id).or_default() += 1;
        }
        let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{who}: seen twice: {twice:?}");
        for id in all.iter().filter(|i| !deleted.contains(*i)) {
            assert_eq!(
                counts.get(id),
                Some(&1),
                "{who}: {id} existed for the whole walk and was not seen"
            );
        }
    }

    // A cursor of the old kind (a position) is refused by name; so is one
    // that is no cursor at all.
    for (cursor, what) in [
        ("c3", "an offset cursor"),
        ("cffffffff", "an offset cursor"),
        ("zz", "garbage"),
    ] {
        let a = send(
            &app,
            &editor,
            Method::GET,
            &format!("/api/v1/patrols?cursor={cursor}"),
            None,
            None,
        )
        .await;
        assert_problem(&a, 400, "bad_request", what);
        assert_eq!(a.body["fields"][0]["field"], "cursor");
    }
    let old = send(
        &app,
        &editor,
        Method::GET,
        "/api/v1/patrols?cursor=c3",
        None,
        None,
    )
    .await;
    assert!(
        old.body["detail"].as_str().unwrap().contains("cursor"),
        "{}",
        old.body
    );
}

/// A POST whose body of `size` bytes comes in chunks (no Content-Length),
/// spoken in plain HTTP/1.1 over TCP.
async fn chunked_post(app: &TestApp, token: &str, path: &str, size: usize) -> Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 8 * 1024];
    let mut sent = 0;
    while sent < size {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        // The server may answer and close before it has read everything.
        if tcp.write_all(&framed).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut raw = Vec::new();
    let _ = tcp.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for line in lines {
        let (k, v) = line.split_once(':').unwrap();
        headers.append(
            reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()).unwrap(),
            v.trim().parse().unwrap(),
        );
    }
    // The body may itself be chunked: its JSON is between the first `{`
    // and the last `}`.
    let json = body
        .find('{')
        .zip(body.rfind('}'))
        .map_or("", |(a, b)| &body[a..=b]);
    Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        body: serde_json::from_str(json).unwrap_or(Value::String(body.to_string())),
    }
}

#[tokio::test]
async fn every_api_error_is_a_problem_with_its_status_and_code() {
    let app = spawn_app_with(bienphong_web::ServerConfig {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let editor = token(&app, "dn-lungcu").await;
    let client = crate::common::http();

    // 400: a bad parameter.
    let a = send(
        &app,
        &editor,
        Method::GET,
        "/api/v1/patrols?limit=0",
        None,
        None,
    )
    .await;
    assert_problem(&a, 400, "bad_request", "limit=0");
    assert_eq!(a.body["fields"][0]["field"], "limit");
    // 401: no credentials.
    let a = answer(client.get(app.url("/api/v1/patrols")).send().await.unwrap()).await;
    assert_problem(&a, 401, "unauthenticated", "no credentials");
    assert!(a.headers.get("www-authenticate").is_some());
    // 403: a unit the editor may not write for.
    let mut other = patrol("2024-03-10", 4);
    other["lead_unit"] = json!("BP-XINMAN");
    let a = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(other),
    )
    .await;
    assert_problem(&a, 403, "forbidden", "another unit's patrol");
    // 403: a session writing without its CSRF token; with it (from
    // /api/v1/me), the same call is served.
    let (web, csrf) = login(&app, "dn-lungcu").await;
    let a = answer(
        web.post(app.url("/api/v1/patrols"))
            .json(&patrol("2024-03-10", 4))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_problem(&a, 403, "csrf", "a session without X-CSRF-Token");
    let me = answer(web.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(me.body["csrf_token"], csrf.as_str());
    let a = answer(
        web.post(app.url("/api/v1/patrols"))
            .header("x-csrf-token", me.body["csrf_token"].as_str().unwrap())
            .json(&patrol("2024-03-10", 4))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let me = send(&app, &editor, Method::GET, "/api/v1/me", None, None).await;
    assert!(
        me.body.get("csrf_token").is_none(),
        "a token needs no CSRF token"
    );
    // 404: no such record; no such route; 405.
    let a = send(
        &app,
        &editor,
        Method::GET,
        "/api/v1/patrols/0190f0f0-0000-7000-8000-000000000000",
        None,
        None,
    )
    .await;
    assert_problem(&a, 404, "not_found", "unknown record");
    let a = send(
        &app,
        &editor,
        Method::GET,
        "/api/v1/nothing-here",
        None,
        None,
    )
    .await;
    assert_problem(&a, 404, "no_route", "unknown route");
    let a = send(&app, &editor, Method::PATCH, "/api/v1/patrols", None, None).await;
    assert_problem(&a, 405, "method_not_allowed", "PATCH of a collection");
    // 409 (the body's stale revision) and 412 (a stale If-Match).
    let created = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(patrol("2024-03-10", 4)),
    )
    .await;
    let path = format!("/api/v1/patrols/{}", created.body["id"].as_str().unwrap());
    let first = created.body["revision"].as_str().unwrap().to_string();
    let edit = |persons: u32, revision: Option<&str>| {
        let mut body = json!({"content": patrol("2024-03-10", persons)});
        if let Some(r) = revision {
            body["revision"] = json!(r);
        }
        body
    };
    let a = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        None,
        Some(edit(5, Some(&first))),
    )
    .await;
    assert_eq!(a.status, 200);
    let a = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        None,
        Some(edit(6, Some(&first))),
    )
    .await;
    assert_problem(&a, 409, "stale", "a stale body revision");
    let tag = format!("\"{first}\"");
    let a = send(
        &app,
        &editor,
        Method::PUT,
        &path,
        Some(&tag),
        Some(edit(6, None)),
    )
    .await;
    assert_problem(&a, 412, "precondition_failed", "a stale If-Match");
    // 422: content the domain refuses.
    let mut bad = patrol("2024-03-10", 4);
    bad["participants"][0]["persons"] = json!(-3);
    let a = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(bad),
    )
    .await;
    assert_problem(&a, 422, "invalid", "a negative count");
    // 413: a body over the server's limit, refused before it is read.
    let before = crate::common::record_count(&app).await;
    let mut big = patrol("2024-03-10", 4);
    big["notes"] = json!("x".repeat(100 * 1024));
    let a = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(big),
    )
    .await;
    assert_problem(&a, 413, "too_large", "an over-limit body");
    // Sent in chunks, without a length to refuse it by, it is cut off as
    // it is read: the same problem.
    let a = chunked_post(&app, &editor, "/api/v1/patrols", 100 * 1024).await;
    assert_problem(&a, 413, "too_large", "an over-limit chunked body");
    assert_eq!(crate::common::record_count(&app).await, before);
    // 414: an over-long address.
    let long = format!("/api/v1/patrols?q={}", "a".repeat(9 * 1024));
    let a = send(&app, &editor, Method::GET, &long, None, None).await;
    assert_problem(&a, 414, "uri_too_long", "an over-long URI");
    // The message is in the caller's language.
    let a = answer(
        client
            .get(app.url(&long))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_problem(&a, 414, "uri_too_long", "an over-long URI, in English");
    assert!(
        a.body["detail"].as_str().unwrap().contains("too long"),
        "{}",
        a.body
    );
    // Pages keep their error page.
    let r = web
        .get(app.url(&format!("/records/patrols?q={}", "a".repeat(9 * 1024))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 414);
    assert!(
        r.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn the_openapi_document_states_the_contract() {
    let app = spawn_app().await;
    let doc: Value = crate::common::http()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    let schemas = &doc["components"]["schemas"];
    assert!(schemas.get("Error").is_none(), "one error schema: Problem");
    for member in ["type", "title", "status", "detail", "code"] {
        assert!(
            schemas["Problem"]["properties"].get(member).is_some(),
            "{member}"
        );
    }
    // Every error response of every operation is the one Problem.
    let mut errors = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.as_str() >= "400" {
                    assert_eq!(
                        r["content"]["application/problem+json"]["schema"], problem,
                        "{method} {path} {status}"
                    );
                    errors += 1;
                }
            }
            if path.starts_with("/api/") {
                assert!(op["responses"].get("414").is_some(), "{method} {path}");
            }
            if op.get("requestBody").is_some() {
                assert!(op["responses"].get("413").is_some(), "{method} {path}");
            }
        }
    }
    assert!(errors > 100);
    // A record: ETag on its answers, If-Match and 412 on its writes.
    let item = &doc["paths"]["/api/v1/patrols/{id}"];
    assert!(item["get"]["responses"]["200"]["headers"]["ETag"].is_object());
    for m in ["put", "delete"] {
        let op = &item[m];
        assert!(op["responses"]["412"].is_object(), "{m}");
        assert!(op["responses"]["200"]["headers"]["ETag"].is_object(), "{m}");
        let if_match = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "If-Match")
            .unwrap_or_else(|| panic!("{m} takes If-Match"));
        assert_eq!(if_match["in"], "header");
    }
    let created = &doc["paths"]["/api/v1/patrols"]["post"]["responses"]["201"];
    assert!(created["headers"]["ETag"].is_object());
    // The list: an opaque string cursor in, next_cursor out.
    let list = &doc["paths"]["/api/v1/patrols"]["get"];
    let cursor = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cursor")
        .unwrap();
    assert_eq!(cursor["schema"]["type"], "string");
    assert!(cursor["description"].as_str().unwrap().contains("opaque"));
    assert_eq!(
        list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RecordList"
    );
    assert_eq!(
        schemas["RecordList"]["properties"]["next_cursor"]["type"],
        "string"
    );
    // A session's writes need the CSRF header; a token's do not.
    let csrf = &doc["components"]["securitySchemes"]["csrf"];
    assert_eq!(
        (csrf["in"].as_str(), csrf["name"].as_str()),
        (Some("header"), Some("X-CSRF-Token"))
    );
    assert_eq!(
        item["put"]["security"],
        json!([{"bearer": []}, {"session": [], "csrf": []}])
    );
    assert_eq!(
        item["get"]["security"],
        json!([{"bearer": []}, {"session": []}])
    );
}

/// The record schemas of the served document are the record types' field
/// declarations: every record of the demo, of every collection, as the API
/// lists it, is valid against the schema of its type, and a value past a
/// documented limit is one the server refuses.
#[tokio::test]
async fn every_listed_record_is_valid_against_its_type_s_schema_in_the_document() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let doc = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/openapi.json",
        None,
        None,
    )
    .await
    .body;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut by_type = HashMap::new();
    for schema in schemas.values() {
        if let Some(t) = schema["x-record-type"].as_str() {
            let validator = jsonschema::validator_for(schema)
                .unwrap_or_else(|e| panic!("the schema of {t} is no schema: {e}"));
            by_type.insert(t.to_string(), validator);
        }
    }
    assert!(by_type.len() >= 13, "{:?}", by_type.keys());
    // Every collection the document lists: its GET answers a RecordList.
    let collections: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| {
            ops["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                == "#/components/schemas/RecordList"
        })
        .map(|(path, _)| path.clone())
        .collect();
    assert!(collections.len() >= 12, "{collections:?}");
    let mut checked = 0;
    for path in &collections {
        let mut cursor: Option<String> = None;
        // The first pages of each collection: several hundred records.
        for _ in 0..3 {
            let query = match &cursor {
                Some(c) => format!("{path}?limit=200&cursor={c}"),
                None => format!("{path}?limit=200"),
            };
            let page = send(&app, &admin, Method::GET, &query, None, None).await;
            assert_eq!(page.status, 200, "{query}: {:?}", page.body);
            for item in page.body["items"].as_array().unwrap() {
                let t = item["type"].as_str().unwrap();
                let validator = by_type
                    .get(t)
                    .unwrap_or_else(|| panic!("no schema for {t}"));
                let errors: Vec<String> = validator
                    .iter_errors(&item["content"])
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{t} {}: {errors:?}", item["content"]);
                checked += 1;
            }
            cursor = page.body["next_cursor"].as_str().map(str::to_string);
            if cursor.is_none() {
                break;
            }
        }
    }
    assert!(checked > 1000, "{checked} records checked");
    // The documented limit is the server's: one person past it is refused.
    let patrol_schema = &schemas["Patrol"];
    let max =
        patrol_schema["properties"]["participants"]["items"]["properties"]["persons"]["maximum"]
            .as_u64()
            .unwrap();
    let mut body = patrol("2024-03-10", 1);
    assert!(by_type["patrol"].is_valid(&body), "{body}");
    body["participants"][0]["persons"] = json!(max + 1);
    assert!(!by_type["patrol"].is_valid(&body));
    let refused = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(body),
    )
    .await;
    assert_eq!(refused.status, 422, "{:?}", refused.body);
}

/// The check every API test makes of its answers finds what contradicts
/// the document: a status the operation does not list, a problem without
/// its members, a list whose items are not records; and passes the
/// answers the server gives.
#[tokio::test]
async fn the_answer_check_of_the_api_tests_finds_what_breaks_the_document() {
    use crate::common::document::violations;
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let doc = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/openapi.json",
        None,
        None,
    )
    .await
    .body;
    let json = Some("application/json");
    let problem = Some("application/problem+json");
    let page = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/patrols?limit=2",
        None,
        None,
    )
    .await;
    assert!(
        violations(
            &doc,
            &Method::GET,
            "/api/v1/patrols?limit=2",
            page.status,
            json,
            &page.body
        )
        .is_empty()
    );
    // The same list with an item that is no record.
    let mut broken = page.body.clone();
    broken["items"][0] = json!({"id": 5});
    assert!(
        !violations(
            &doc,
            &Method::GET,
            "/api/v1/patrols",
            page.status,
            json,
            &broken
        )
        .is_empty()
    );
    // A status the operation does not list.
    assert!(
        !violations(
            &doc,
            &Method::GET,
            "/api/v1/patrols",
            StatusCode::IM_A_TEAPOT,
            problem,
            &json!({})
        )
        .is_empty()
    );
    // A problem without its members.
    assert!(
        !violations(
            &doc,
            &Method::GET,
            "/api/v1/patrols",
            StatusCode::BAD_REQUEST,
            problem,
            &json!({"error": "x"})
        )
        .is_empty()
    );
    // A route the document does not have, answered 200.
    assert!(
        !violations(
            &doc,
            &Method::GET,
            "/api/v1/nowhere",
            StatusCode::OK,
            json,
            &json!({})
        )
        .is_empty()
    );
}

/// The document never says a field may be null: a client that sends one is
/// told which field, whatever the type would make of it, and nothing is
/// written (before, `"notes": null` was read as no notes).
#[tokio::test]
async fn a_null_in_a_record_is_refused_by_name_and_writes_nothing() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let before = crate::common::record_count(&app).await;
    let mut body = patrol("2024-03-10", 4);
    body["notes"] = Value::Null;
    let refused = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(body),
    )
    .await;
    assert!(
        refused.status.is_client_error(),
        "{}: {}",
        refused.status,
        refused.body
    );
    assert_eq!(
        refused.body["fields"][0]["field"], "notes",
        "{}",
        refused.body
    );
    let mut nested = patrol("2024-03-10", 4);
    nested["participants"][0]["persons"] = Value::Null;
    let refused = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(nested),
    )
    .await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    assert_eq!(
        refused.body["fields"][0]["field"], "participants[0].persons",
        "{}",
        refused.body
    );
    assert_eq!(crate::common::record_count(&app).await, before);
    // Left out, the same field is fine.
    let saved = send(
        &app,
        &editor,
        Method::POST,
        "/api/v1/patrols",
        None,
        Some(patrol("2024-03-10", 4)),
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
}
