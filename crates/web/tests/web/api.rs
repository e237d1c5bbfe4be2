//! Black-box tests of the server: the real app on port 0 over a fresh demo
//! store per test, spoken to over HTTP only.

use crate::common::{TestApp, api, login, spawn_app, spawn_app_with, token};
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY: &str = "2024-03-10";

/// A record of `collection` led by `lead` with `partners`, valid on DAY.
fn content(collection: &str, lead: &str, partners: &[&str]) -> Value {
    match collection {
        "patrols" => json!({"date": DAY, "lead_unit": lead, "partner_units": partners,
            "kind": "joint", "participants": [{"force": "BDBP", "persons": 4}]}),
        "cases" => json!({"date": DAY, "handling_unit": lead, "partner_units": partners,
            "case_type": "MATUY", "subjects": 1}),
        "meetings" => json!({"date": DAY, "meeting_type": "HOP", "host_unit": lead,
            "participant_units": partners, "attendance": 10}),
        "documents" => json!({"date": DAY, "document_type": "KH", "number": "12/KH-ĐBP",
            "issuer": "Đồn Biên phòng", "unit": lead, "title": "Kế hoạch phối hợp",
            "recipients": partners.iter().map(|p| json!({"unit": p})).collect::<Vec<_>>()}),
        "programmes" => {
            json!({"programme": "CNDBP", "sponsor_unit": lead, "partner_units": partners,
            "beneficiary_kind": "child", "start": DAY, "monthly_amount": 500000})
        }
        "propaganda" => json!({"date": DAY, "unit": lead, "partner_units": partners,
            "topic": "Luật Biên phòng Việt Nam", "sessions": 1, "listeners": 40}),
        "disasters" => json!({"date": DAY, "unit": lead, "partner_units": partners,
            "kind": "plan", "title": "Phương án phòng chống lũ quét"}),
        other => panic!("no fixture for {other}"),
    }
}

const ACTIVITY_COLLECTIONS: [&str; 7] = [
    "patrols",
    "cases",
    "meetings",
    "documents",
    "programmes",
    "propaganda",
    "disasters",
];

/// The records each collection gets: who leads and who takes part.
/// `commune` (led by the commune) does not exist for patrols: only the
/// Border Guard leads patrols.
const FIXTURES: [(&str, &str, &[&str]); 4] = [
    ("own", "BP-LUNGCU", &[]),
    ("other", "BP-XINMAN", &[]),
    ("joint", "BP-LUNGCU", &["XA-LUNGCU"]),
    ("commune", "XA-LUNGCU", &[]),
];

/// Written out by hand from the issue, not derived from the policy code:
/// (user, fixture, status of GET, status of PUT with the latest revision).
/// BP-LUNGCU coordinates with XA-LUNGCU; BP-XINMAN is another post.
const ACCESS: &[(&str, &str, u16, u16)] = &[
    ("admin", "own", 200, 200),
    ("admin", "other", 200, 200),
    ("admin", "joint", 200, 200),
    ("admin", "commune", 200, 200),
    ("tinh", "own", 200, 403),
    ("tinh", "other", 200, 403),
    ("tinh", "joint", 200, 403),
    ("tinh", "commune", 200, 403),
    ("dn-lungcu", "own", 200, 200),
    ("dn-lungcu", "other", 404, 404),
    ("dn-lungcu", "joint", 200, 200),
    ("dn-lungcu", "commune", 200, 403),
    ("dn-lungcu-xem", "own", 200, 403),
    ("dn-lungcu-xem", "other", 404, 404),
    ("dn-lungcu-xem", "joint", 200, 403),
    ("dn-lungcu-xem", "commune", 200, 403),
    ("xa-lungcu", "own", 404, 404),
    ("xa-lungcu", "other", 404, 404),
    ("xa-lungcu", "joint", 200, 403),
    ("xa-lungcu", "commune", 200, 200),
    ("xa-lungcu-xem", "own", 404, 404),
    ("xa-lungcu-xem", "other", 404, 404),
    ("xa-lungcu-xem", "joint", 200, 403),
    ("xa-lungcu-xem", "commune", 200, 403),
];

/// (user, lead unit of a new record, status of POST).
const CREATE: &[(&str, &str, u16)] = &[
    ("admin", "BP-XINMAN", 201),
    ("tinh", "BP-LUNGCU", 403),
    ("dn-lungcu", "BP-LUNGCU", 201),
    ("dn-lungcu", "BP-XINMAN", 403),
    ("dn-lungcu", "XA-LUNGCU", 403),
    ("dn-lungcu-xem", "BP-LUNGCU", 403),
    ("xa-lungcu", "XA-LUNGCU", 201),
    ("xa-lungcu", "BP-LUNGCU", 403),
    ("xa-lungcu-xem", "XA-LUNGCU", 403),
];

#[tokio::test]
async fn each_role_reads_and_writes_what_its_unit_may_and_nothing_else() {
    let app = spawn_app().await;
    let mut tokens = std::collections::HashMap::new();
    for user in [
        "admin",
        "tinh",
        "dn-lungcu",
        "dn-lungcu-xem",
        "xa-lungcu",
        "xa-lungcu-xem",
    ] {
        tokens.insert(user, token(&app, user).await);
    }
    let admin = tokens["admin"].clone();
    let mut checked = 0;
    for collection in ACTIVITY_COLLECTIONS {
        let mut ids = std::collections::HashMap::new();
        for (name, lead, partners) in FIXTURES {
            if collection == "patrols" && name == "commune" {
                continue;
            }
            let (s, v) = api(
                &app,
                &admin,
                reqwest::Method::POST,
                &format!("/api/v1/{collection}"),
                Some(content(collection, lead, partners)),
            )
            .await;
            assert_eq!(s, 201, "{collection} {name}: {v}");
            ids.insert(name, v["id"].as_str().unwrap().to_string());
        }
        for (user, fixture, read, write) in ACCESS {
            let Some(id) = ids.get(fixture) else { continue };
            let t = &tokens[user];
            let path = format!("/api/v1/{collection}/{id}");
            let (s, v) = api(&app, t, reqwest::Method::GET, &path, None).await;
            assert_eq!(s.as_u16(), *read, "{user} GET {collection} {fixture}: {v}");
            // The list shows exactly what a GET would.
            let (_, list) = api(
                &app,
                t,
                reqwest::Method::GET,
                &format!("/api/v1/{collection}?from=10/03/2024&to=10/03/2024&limit=500"),
                None,
            )
            .await;
            let listed = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == id.as_str());
            assert_eq!(listed, *read == 200, "{user} list {collection} {fixture}");
            let (_, current) = api(&app, &admin, reqwest::Method::GET, &path, None).await;
            let (s, v) = api(
                &app,
                t,
                reqwest::Method::PUT,
                &path,
                Some(json!({"revision": current["revision"], "content": current["content"]})),
            )
            .await;
            assert_eq!(s.as_u16(), *write, "{user} PUT {collection} {fixture}: {v}");
            checked += 1;
        }
        for (user, lead, status) in CREATE {
            if collection == "patrols" && lead.starts_with("XA-") {
                continue;
            }
            let (s, v) = api(
                &app,
                &tokens[user],
                reqwest::Method::POST,
                &format!("/api/v1/{collection}"),
                Some(content(collection, lead, &[])),
            )
            .await;
            assert_eq!(
                s.as_u16(),
                *status,
                "{user} POST {collection} led by {lead}: {v}"
            );
        }
    }
    assert!(checked >= 7 * 18);
    // Every refusal is in the audit log, with who and which record.
    let (s, audit) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/audit?outcome=refused&limit=1000",
        None,
    )
    .await;
    assert_eq!(s, 200);
    let refused = audit["items"].as_array().unwrap();
    let expected_refusals = ACCESS.iter().filter(|a| a.3 != 200).count() * 7 - 4
        + CREATE.iter().filter(|c| c.2 != 201).count() * 7
        - 2;
    assert_eq!(refused.len(), expected_refusals, "{audit}");
    // A token's actor is its account with the token's id (issue 18).
    assert!(refused.iter().any(|e| {
        e["actor"]
            .as_str()
            .unwrap()
            .starts_with("xa-lungcu (token ")
            && e["action"] == "update"
            && e["unit"] == "BP-LUNGCU"
    }));
}

#[tokio::test]
async fn organisation_and_catalogues_are_read_by_all_and_changed_by_administrators_only() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let admin = token(&app, "admin").await;
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/units?limit=500",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert!(v["items"].as_array().unwrap().len() > 40);
    let unit = json!({"code": "XA-MOI", "kind": "commune", "name": "Xã Mới"});
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/units",
        Some(unit.clone()),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = api(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/units",
        Some(unit),
    )
    .await;
    assert_eq!(s, 201);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/catalogue-entries?category=force",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn personal_data_is_shown_only_to_those_granted_it_and_every_read_is_audited() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (_, case) = api(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/cases",
        Some(content("cases", "BP-LUNGCU", &[])),
    )
    .await;
    let (s, subjects) = api(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/case-subjects",
        Some(
            json!({"case": case["id"], "subjects": [{"name": "Vàng Seo Lử", "birth_year": 1990}]}),
        ),
    )
    .await;
    assert_eq!(s, 201, "{subjects}");
    let path = format!("/api/v1/case-subjects/{}", subjects["id"].as_str().unwrap());
    let plain = token(&app, "dn-lungcu").await;
    let granted = token(&app, "dn-lungcu-mat").await;
    // The case itself carries only the number of subjects.
    let (_, c) = api(
        &app,
        &plain,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{}", case["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(c["content"]["subjects"], 1);
    assert!(!c.to_string().contains("Vàng Seo Lử"));
    let (s, _) = api(&app, &plain, reqwest::Method::GET, &path, None).await;
    assert_eq!(s, 404);
    let (s, list) = api(
        &app,
        &plain,
        reqwest::Method::GET,
        "/api/v1/case-subjects",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert!(list["items"].as_array().unwrap().is_empty());
    let (s, v) = api(&app, &granted, reqwest::Method::GET, &path, None).await;
    assert_eq!(s, 200);
    assert_eq!(v["content"]["subjects"][0]["name"], "Vàng Seo Lử");
    // Another post's restricted grant does not reach this post's case.
    let (s, _) = api(
        &app,
        &token(&app, "xa-lungcu").await,
        reqwest::Method::GET,
        &path,
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (_, audit) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/audit?action=restricted.read",
        None,
    )
    .await;
    let entries = audit["items"].as_array().unwrap();
    let outcome_of = |actor: &str| {
        entries
            .iter()
            .filter(|e| {
                e["actor"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{actor} (token "))
            })
            .map(|e| e["outcome"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(outcome_of("dn-lungcu"), ["refused"]);
    assert_eq!(outcome_of("dn-lungcu-mat"), ["allowed"]);
}

#[tokio::test]
async fn api_errors_have_their_statuses_and_never_a_500_for_bad_input() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let m = reqwest::Method::POST;
    let client = crate::common::http();
    // No credentials: 401 before the body is even read.
    let r = client
        .post(app.url("/api/v1/patrols"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthenticated");
    let r = client
        .get(app.url("/api/v1/patrols"))
        .bearer_auth("bpt_0000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // 400: not JSON; a bad query.
    let r = client
        .post(app.url("/api/v1/patrols"))
        .bearer_auth(&editor)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/patrols?limit=0",
        None,
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (400, Some("limit"))
    );
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/patrols?from=31/02/2024",
        None,
    )
    .await;
    assert_eq!(s, 400);
    // 422: JSON of the wrong shape or values, the field named, in Vietnamese.
    let mut bad = content("patrols", "BP-LUNGCU", &[]);
    bad["participants"][0]["persons"] = json!(-3);
    let (s, v) = api(&app, &editor, m.clone(), "/api/v1/patrols", Some(bad)).await;
    assert_eq!(s, 422);
    assert_eq!(v["code"], "invalid");
    assert_eq!(v["fields"][0]["field"], "participants[0].persons");
    let (s, v) = api(
        &app,
        &editor,
        m.clone(),
        "/api/v1/patrols",
        Some(content("patrols", "BP-KHONGCO", &[])),
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        v["message"].as_str().unwrap().contains("không có đơn vị"),
        "{v}"
    );
    // 403, 404.
    let (s, _) = api(
        &app,
        &editor,
        m.clone(),
        "/api/v1/patrols",
        Some(content("patrols", "BP-XINMAN", &[])),
    )
    .await;
    assert_eq!(s, 403);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/patrols/0190f0f0-0000-7000-8000-000000000000",
        None,
    )
    .await;
    assert_eq!((s.as_u16(), v["code"].as_str()), (404, Some("not_found")));
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/patrols/not-an-id",
        None,
    )
    .await;
    assert_eq!(s, 404);
    // A patrol is not found among the cases.
    let (_, p) = api(
        &app,
        &editor,
        m.clone(),
        "/api/v1/patrols",
        Some(content("patrols", "BP-LUNGCU", &[])),
    )
    .await;
    let id = p["id"].as_str().unwrap();
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}"),
        Some(json!({"revision": p["revision"], "content": content("cases", "BP-LUNGCU", &[])})),
    )
    .await;
    assert_eq!(s, 404, "a patrol is not changed through the cases: {v}");
    // 409: an update based on a revision that is no longer the latest.
    let path = format!("/api/v1/patrols/{id}");
    let first = p["revision"].clone();
    let mut changed = p["content"].clone();
    changed["participants"][0]["persons"] = json!(6);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::PUT,
        &path,
        Some(json!({"revision": first, "content": changed})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    changed["participants"][0]["persons"] = json!(7);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::PUT,
        &path,
        Some(json!({"revision": first, "content": changed})),
    )
    .await;
    assert_eq!((s.as_u16(), v["code"].as_str()), (409, Some("stale")));
    let (_, now) = api(&app, &editor, reqwest::Method::GET, &path, None).await;
    assert_eq!(
        now["content"]["participants"][0]["persons"], 6,
        "the stale edit wrote nothing"
    );
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::DELETE,
        &format!("{path}?revision={}", first.as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(s, 409);
    let (s, _) = api(&app, &editor, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(s, 400, "a delete names the revision it deletes");
    let (s, h) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        &format!("{path}/history"),
        None,
    )
    .await;
    assert_eq!((s.as_u16(), h["items"].as_array().unwrap().len()), (200, 2));
    // A cursor of the old kind (a position, even far beyond the end) is
    // refused by name: cursors now name the last record seen (the
    // contract changed with keyset paging, issue 13).
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/patrols?cursor=cffffffff",
        None,
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (400, Some("cursor"))
    );
    let (web, _) = login(&app, "dn-lungcu").await;
    let r = web
        .get(app.url("/records/patrols?page=4294967295"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("id=\"no-records\""));
    // 405 and an unknown route.
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::PATCH,
        "/api/v1/patrols",
        None,
    )
    .await;
    assert_eq!(s, 405);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        "/api/v1/nothing-here",
        None,
    )
    .await;
    assert_eq!((s.as_u16(), v["code"].as_str()), (404, Some("no_route")));
    // Whatever arrives as a body, the answer is never a server error.
    for body in [
        "",
        "null",
        "[]",
        "{}",
        "{\"date\": 5}",
        "\"x\"",
        "{\"revision\": 1}",
        "💥",
    ] {
        for (method, path) in [
            (reqwest::Method::POST, "/api/v1/patrols".to_string()),
            (reqwest::Method::PUT, path.clone()),
            (reqwest::Method::POST, "/api/v1/tokens".to_string()),
        ] {
            let r = client
                .request(method.clone(), app.url(&path))
                .bearer_auth(&editor)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_client_error(),
                "{method} {path} {body:?}: {}",
                r.status()
            );
        }
    }
    // The audit log is for administrators.
    let (s, _) = api(&app, &editor, reqwest::Method::GET, "/api/v1/audit", None).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_server_serves() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let doc: Value = crate::common::http()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    // Every record type has its collection, in plural nouns.
    for collection in [
        "patrols",
        "cases",
        "case-subjects",
        "meetings",
        "documents",
        "programmes",
        "beneficiaries",
        "propaganda",
        "disasters",
        "units",
        "links",
        "markers",
        "catalogue-entries",
    ] {
        for suffix in ["", "/{id}", "/{id}/history"] {
            assert!(
                paths.contains_key(&format!("/api/v1/{collection}{suffix}")),
                "{collection}{suffix}"
            );
        }
        let ops = &paths[&format!("/api/v1/{collection}/{{id}}")];
        for m in ["get", "put", "delete"] {
            assert!(ops.get(m).is_some(), "{m} {collection}/{{id}}");
        }
    }
    for p in [
        "/api/v1/reports/annual",
        "/api/v1/audit",
        "/api/v1/tokens",
        "/api/v1/me",
        "/health",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
    // Every documented operation is served: none falls through to "no
    // route" or "method not allowed".
    let client = crate::common::http();
    let mut served = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let url = path.replace("{id}", "0190f0f0-0000-7000-8000-000000000000");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = client
                .request(m, app.url(&url))
                .bearer_auth(&admin)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path}");
            assert_ne!(body["code"], "no_route", "{method} {path}");
            assert!(status.as_u16() < 500, "{method} {path}: {status}");
            let documented = op["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(status.as_str()),
                "{method} {path} answered {status}, not documented"
            );
            served += 1;
        }
    }
    assert!(served > 13 * 6);
    // And a route that is not documented is not served.
    let r = client
        .get(app.url("/api/v1/patrol"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "no_route");
}

#[tokio::test]
async fn an_anonymous_visit_leads_to_the_vietnamese_login_page() {
    let app = spawn_app().await;
    let client = crate::common::browser_like_client();
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/login"));
    // Vietnamese first, whatever language the browser prefers.
    let r = client
        .get(app.url(&to))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let headers = r.headers().clone();
    let page = r.text().await.unwrap();
    assert!(page.contains("<h1>Đăng nhập</h1>"), "{page}");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(!page.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn sign_in_out_and_session_expiry() {
    let app = spawn_app_with(bienphong_web::ServerConfig {
        session_ttl: std::time::Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let client = crate::common::browser_like_client();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("username", "dn-lungcu"),
            ("password", "wrong password!"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Sai tên đăng nhập hoặc mật khẩu")
    );
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("username", "dn-lungcu"),
            ("password", &crate::common::password("dn-lungcu")),
            ("next", "/records/patrols"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/records/patrols");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303, "the session has expired");
    // Sign out ends the session on the server, not only in the browser.
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let r = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_many_attempts_are_slowed() {
    let app = spawn_app().await;
    let client = crate::common::browser_like_client();
    let attempt = |password: String| {
        let client = client.clone();
        let url = app.url("/login");
        async move {
            client
                .post(url)
                .form(&[
                    ("username", "xa-lungcu".to_string()),
                    ("password", password),
                    ("next", "/".into()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..4 {
        assert_eq!(attempt("sai-mat-khau-1".into()).await.status(), 401);
    }
    // The lockout answers like any refusal (it once answered 429 with its
    // own message, which told that the name exists).
    let r = attempt("sai-mat-khau-1".into()).await;
    assert_eq!(r.status(), 401);
    // Locked: even the right password is refused for now.
    let r = attempt(crate::common::password("xa-lungcu")).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("tạm khóa"));
    let admin = token(&app, "admin").await;
    let (_, audit) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/audit?actor=xa-lungcu&action=login",
        None,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 6);

    let limited = spawn_app_with(bienphong_web::ServerConfig {
        logins_per_minute: 3,
        ..Default::default()
    })
    .await;
    let client = crate::common::browser_like_client();
    for expected in [401, 401, 401, 429] {
        let r = client
            .post(limited.url("/login"))
            .form(&[("username", "tinh"), ("password", "sai"), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected);
    }
}

/// The error line of a login page: what a person reads after a refusal.
fn login_error(page: &str) -> String {
    let start = page
        .find("class=\"error")
        .expect("the refused login page shows an error");
    let rest = &page[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find('<').unwrap();
    rest[open..close].trim().to_string()
}

#[tokio::test]
async fn a_wrong_user_name_and_a_locked_account_get_the_same_answer() {
    let app = spawn_app().await;
    let client = crate::common::browser_like_client();
    let attempt = |username: &'static str, password: String| {
        let client = client.clone();
        let url = app.url("/login");
        async move {
            let r = client
                .post(url)
                .form(&[
                    ("username", username.to_string()),
                    ("password", password),
                    ("next", "/".into()),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status();
            let retry = r.headers().get("retry-after").cloned();
            (status, retry, login_error(&r.text().await.unwrap()))
        }
    };
    // Six wrong passwords each: the real account is locked from the fifth.
    for n in 1..=6 {
        let real = attempt("xa-lungcu", "sai-mat-khau".into()).await;
        let unknown = attempt("khong-co-ai", "sai-mat-khau".into()).await;
        assert_eq!(real, unknown, "attempt {n}");
        assert_eq!(real.0, 401);
        assert!(real.1.is_none());
        assert!(
            real.2.contains("Sai tên đăng nhập hoặc mật khẩu"),
            "{}",
            real.2
        );
        assert!(real.2.contains("15 phút"), "{}", real.2);
    }
    // The locked account refuses its right password just as an unknown
    // name refuses any.
    let real = attempt("xa-lungcu", crate::common::password("xa-lungcu")).await;
    let unknown = attempt("khong-co-ai", crate::common::password("xa-lungcu")).await;
    assert_eq!(real, unknown);
    // The audit log still tells the administrator what happened.
    let admin = token(&app, "admin").await;
    let (_, audit) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/audit?actor=xa-lungcu&action=login",
        None,
    )
    .await;
    let text = audit.to_string();
    assert!(text.contains("locked"), "{text}");
    let (_, audit) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/audit?actor=khong-co-ai&action=login",
        None,
    )
    .await;
    assert!(audit.to_string().contains("unknown user"));
}

#[tokio::test]
async fn too_many_sign_ins_from_one_address_say_when_to_retry() {
    let limited = spawn_app_with(bienphong_web::ServerConfig {
        logins_per_minute: 2,
        ..Default::default()
    })
    .await;
    let client = crate::common::browser_like_client();
    // The limiter counts per minute of the clock: start far enough from the
    // minute's end that all three attempts fall in one minute.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let left_ms = 60_000 - now_ms % 60_000;
    if left_ms < 10_000 {
        tokio::time::sleep(std::time::Duration::from_millis(left_ms + 100)).await;
    }
    let mut answers = Vec::new();
    for _ in 0..3 {
        let r = client
            .post(limited.url("/login"))
            .form(&[("username", "tinh"), ("password", "sai"), ("next", "/")])
            .send()
            .await
            .unwrap();
        let after_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let retry = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        answers.push((r.status().as_u16(), retry, after_ms));
    }
    assert_eq!(answers[0].0, 401);
    assert_eq!(
        answers[0].1, None,
        "a refused password is no reason to wait"
    );
    let (status, retry, after_ms) = answers[2];
    assert_eq!(status, 429);
    let retry = retry.expect("429 carries Retry-After");
    // The seconds left in the limiter's minute, seen from just after the
    // answer: the header may be one second more, never less, never more.
    let left = (60_000 - after_ms % 60_000).div_ceil(1000);
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(
        retry == left || retry == left + 1 || (left == 60 && retry == 1),
        "{retry} vs {left}"
    );
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let before = crate::common::record_count(&app).await;
    let form = |token: &str| {
        vec![
            ("csrf", token.to_string()),
            ("date", "10/03/2024".to_string()),
            ("lead_unit", "BP-LUNGCU".to_string()),
            ("kind", "joint".to_string()),
            ("participants[0].force", "BDBP".to_string()),
            ("participants[0].persons", "4".to_string()),
        ]
    };
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&form("0000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/records/patrols/new"))
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The API through a browser session needs the token in a header.
    let r = client
        .post(app.url("/api/v1/patrols"))
        .json(&content("patrols", "BP-LUNGCU", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        crate::common::record_count(&app).await,
        before,
        "nothing was written"
    );
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(crate::common::record_count(&app).await, before + 1);
}

#[tokio::test]
async fn revoked_tokens_and_disabled_users_lose_access() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let t = token(&app, "dn-lungcu").await;
    let (s, me) = api(&app, &t, reqwest::Method::GET, "/api/v1/me", None).await;
    assert_eq!((s.as_u16(), me["unit"].as_str()), (200, Some("BP-LUNGCU")));
    // A node token made by an administrator acts for that node's unit.
    let (s, node) = api(
        &app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": "node Xín Mần", "node_unit": "BP-XINMAN"})),
    )
    .await;
    assert_eq!(s, 201);
    let node_token = node["token"].as_str().unwrap();
    let (_, me) = api(&app, node_token, reqwest::Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["unit"], "BP-XINMAN");
    let (s, _) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": "x", "node_unit": "BP-LUNGCU"})),
    )
    .await;
    assert_eq!(s, 403, "only administrators make node tokens");
    let (s, _) = api(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("/api/v1/tokens/{}", node["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (s, _) = api(&app, node_token, reqwest::Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 401);
    app.service
        .set_disabled("test", 0, "dn-lungcu", true)
        .await
        .unwrap();
    let (s, _) = api(&app, &t, reqwest::Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn the_web_form_shows_vietnamese_errors_beside_the_field_and_saves_nothing() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let before = crate::common::record_count(&app).await;
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "10/03/2024"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "-3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"error-participants[0].persons\">không được là số âm"),
        "{page}"
    );
    assert_eq!(crate::common::record_count(&app).await, before);
    // Search ignores diacritics and case; the list is in Vietnamese.
    let (client, _) = login(&app, "admin").await;
    let page = client
        .get(app.url("/records/patrols?year=2023&q=LUNG+CU"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = page
        .split("id=\"records\"")
        .nth(1)
        .expect("a table of records");
    assert!(rows.contains("Đồn Biên phòng Lũng Cú"), "{rows}");
    assert!(!rows.contains("Đồn Biên phòng Cửa khẩu Xín Mần"));
}

#[tokio::test]
async fn oversized_requests_are_refused_before_they_are_read() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let before = crate::common::record_count(&app).await;
    let body = format!("{{\"notes\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let r = crate::common::http()
        .post(app.url("/api/v1/patrols"))
        .bearer_auth(&editor)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(crate::common::record_count(&app).await, before);
}

#[tokio::test]
async fn the_report_page_shows_any_period_and_scope_and_downloads_it() {
    let app = spawn_app().await;
    let (admin, _) = login(&app, "admin").await;
    let page = admin
        .get(app.url("/reports?period=annual&year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let report = page.split("id=\"report\"").nth(1).expect("the report");
    assert!(report.contains("1.178 lần/7.511 lượt"), "{report}");
    // The charts, inline SVG with their titles and numbered captions.
    let charts = page
        .split("id=\"report-charts\"")
        .nth(1)
        .expect("the charts");
    for text in [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"",
        "<title>Số lần tuần tra theo tháng</title>",
        "<figcaption>Biểu đồ 1: Số lần tuần tra theo tháng</figcaption>",
        "<title>Số vụ việc theo đơn vị xử lý</title>",
        "<title>Tháng 1 – Năm 2023: ",
    ] {
        assert!(charts.contains(text), "{text}\n{charts}");
    }
    assert!(!charts.contains("<script"), "no script needed");
    // The dashboard draws its chart with the same code.
    let dashboard = admin
        .get(app.url("/?year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let chart = dashboard
        .split("<svg")
        .nth(1)
        .expect("the dashboard's chart");
    assert!(
        chart.contains("<title>Số lần tuần tra theo đơn vị chủ trì</title>"),
        "{chart}"
    );
    assert!(chart.contains("Đồn Biên phòng Lũng Cú"), "{chart}");
    assert!(
        chart.contains(">Kỳ này<") && chart.contains(">Cùng kỳ<"),
        "{chart}"
    );
    let page = admin
        .get(app.url("/reports?period=q1&year=2024&scope=BP-LUNGCU"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Quý I năm 2024"), "{page}");
    let r = admin
        .get(app.url("/reports/download?period=annual&year=2023&format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    let r = admin
        .get(app.url("/reports/download?period=q1&year=2024&scope=BP-LUNGCU&format=docx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".docx")
    );
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    // Number, date, style, signer and recipients are set on the page as on
    // the CLI; what is left empty follows from the issuing post.
    let settings = serde_urlencoded::to_string([
        ("period", "q1"),
        ("year", "2024"),
        ("scope", "BP-LUNGCU"),
        ("format", "docx"),
        ("style", "party"),
        ("number", "4"),
        ("date", "20/03/2024"),
        ("signer_name", "Nguyễn Văn A"),
        ("signer_title", ""),
        ("recipients", "Đảng ủy xã Lũng Cú\nĐảng ủy xã Ma Lé"),
    ])
    .unwrap();
    let r = admin
        .get(app.url(&format!("/reports/download?{settings}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    for expected in [
        "Số 04-BC/ĐU",
        "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
        "Hà Giang, ngày 20 tháng 3 năm 2024",
        "BÍ THƯ",
        "Nguyễn Văn A",
        "- Đảng ủy xã Lũng Cú;",
        "- Đảng ủy xã Ma Lé;",
    ] {
        assert!(xml.contains(expected), "{expected}");
    }
    let r = admin
        .get(app.url(
            "/reports/download?period=q1&year=2024&scope=BP-LUNGCU&format=docx&date=31/02/2024",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "a bad date is refused, as every bad value is"
    );
    // The API gives the annual review as DOCX with the same settings.
    let r = admin
        .get(app.url("/api/v1/reports/annual?year=2023&format=docx&number=5&date=16/01/2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    assert!(xml.contains("Số: 05/BC-BĐBP") && xml.contains("CHỈ HUY TRƯỞNG"));
    // A document record downloads as the document it records.
    let listed: Value = admin
        .get(app.url("/api/v1/documents?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let record = &listed["items"][0];
    let r = admin
        .get(app.url(&format!(
            "/api/v1/documents/{}/docx",
            record["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    let content = &record["content"];
    for field in ["number", "title"] {
        let value = content[field].as_str().unwrap();
        assert!(xml.contains(value), "{field}: {value}");
    }
    assert!(xml.contains(&content["issuer"].as_str().unwrap().to_uppercase()));
    assert_eq!(
        xml.matches(";</w:t>").count(),
        content["recipients"].as_array().unwrap().len(),
        "each recipient in \"Nơi nhận\""
    );
    // The record's page links to it.
    let page = admin
        .get(app.url(&format!(
            "/records/documents/{}",
            record["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            "href=\"/api/v1/documents/{}/docx\"",
            record["id"].as_str().unwrap()
        )),
        "{page}"
    );
    let r = admin
        .get(app.url("/api/v1/documents/not-an-id/docx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A commune's reader may not ask for another post's figures.
    let (reader, _) = login(&app, "xa-lungcu-xem").await;
    let r = reader
        .get(app.url("/reports?period=year&year=2023&scope=BP-XINMAN"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = reader
        .get(app.url("/reports?period=m13&year=2023"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn every_record_type_has_its_list_form_record_page_and_edit_form() {
    let app = spawn_app().await;
    let (admin, csrf) = login(&app, "admin").await;
    let admin_token = token(&app, "admin").await;
    // A case with its subjects, so that the restricted types have a record.
    let (_, case) = api(
        &app,
        &admin_token,
        reqwest::Method::POST,
        "/api/v1/cases",
        Some(content("cases", "BP-LUNGCU", &[])),
    )
    .await;
    let (s, _) = api(
        &app,
        &admin_token,
        reqwest::Method::POST,
        "/api/v1/case-subjects",
        Some(json!({"case": case["id"], "subjects": [{"name": "Lò Văn A"}]})),
    )
    .await;
    assert_eq!(s, 201);
    for collection in [
        "patrols",
        "cases",
        "case-subjects",
        "meetings",
        "documents",
        "programmes",
        "propaganda",
        "disasters",
        "units",
        "links",
        "markers",
        "catalogue-entries",
    ] {
        let get = |path: String| {
            let admin = admin.clone();
            let url = app.url(&path);
            async move {
                let r = admin.get(url).send().await.unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        let (s, page) = get(format!("/records/{collection}/new")).await;
        assert_eq!(s, 200, "{collection} new");
        assert!(
            page.contains(&format!("value=\"{csrf}\"")),
            "{collection}: the form carries the CSRF token"
        );
        let (s, list) = get(format!("/records/{collection}")).await;
        assert_eq!(s, 200, "{collection} list");
        let (_, v) = api(
            &app,
            &admin_token,
            reqwest::Method::GET,
            &format!("/api/v1/{collection}?limit=1"),
            None,
        )
        .await;
        let id = v["items"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("a {collection} record: {list}"));
        let (s, page) = get(format!("/records/{collection}/{id}")).await;
        assert_eq!(s, 200, "{collection} record page");
        assert!(page.contains("id=\"history\""), "{collection}");
        let (s, page) = get(format!("/records/{collection}/{id}/edit")).await;
        assert_eq!(s, 200, "{collection} edit");
        assert!(page.contains("name=\"revision\""), "{collection}");
    }
    // Saving an edit form unchanged is no change: the content stays and no
    // revision is written.
    let (_, v) = api(
        &app,
        &admin_token,
        reqwest::Method::GET,
        "/api/v1/meetings?year=2023&limit=1",
        None,
    )
    .await;
    let meeting = &v["items"][0];
    let id = meeting["id"].as_str().unwrap();
    let page = admin
        .get(app.url(&format!("/records/meetings/{id}/edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = form_values(&page);
    let r = admin
        .post(app.url(&format!("/records/meetings/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let (_, after) = api(
        &app,
        &admin_token,
        reqwest::Method::GET,
        &format!("/api/v1/meetings/{id}"),
        None,
    )
    .await;
    assert_eq!(after["content"], meeting["content"]);
    assert_eq!(after["revision"], meeting["revision"]);
}

/// The values a browser would post from the page's record form.
pub(crate) fn form_values(page: &str) -> Vec<(String, String)> {
    let form = page.split("class=\"record-form\"").nth(1).unwrap();
    let attr = |tag: &str, name: &str| {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| {
                s.replace("&#34;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
            })
    };
    let unescape = |s: &str| {
        s.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    };
    let mut out = Vec::new();
    for chunk in form.split('<').skip(1) {
        if let Some(tag) = chunk.strip_prefix("input") {
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            if tag.contains("type=\"checkbox\"") {
                if tag.contains(" checked") {
                    out.push((name, "on".into()));
                }
            } else {
                out.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if let Some(tag) = chunk.strip_prefix("textarea") {
            let name = attr(tag, "name").unwrap();
            let text = tag
                .split_once('>')
                .map(|(_, t)| unescape(t))
                .unwrap_or_default();
            out.push((name, text));
        }
    }
    // Selected options, each under its select's name.
    for select in form.split("<select").skip(1) {
        let name = attr(select, "name").unwrap();
        let body = select.split("</select>").next().unwrap();
        for option in body.split("<option").skip(1) {
            if option.split('>').next().unwrap().contains(" selected") {
                out.push((name.clone(), attr(option, "value").unwrap_or_default()));
            }
        }
    }
    out
}

/// The text part of a DOCX.
pub(crate) fn docx_document(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The quantities of a case as the API returns them.
fn seized(v: &Value) -> Vec<(String, String)> {
    v["content"]["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["item"].as_str().unwrap().to_string(),
                s["quantity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn typed_quantities_read_back_exactly_and_an_untouched_edit_writes_nothing() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let editor = token(&app, "dn-lungcu").await;
    let r = client
        .post(app.url("/records/cases/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "10/03/2024"),
            ("handling_unit", "BP-LUNGCU"),
            ("case_type", "MATUY"),
            ("subjects", "1"),
            ("seizures[0].item", "THUOCPHIEN"),
            ("seizures[0].quantity", "1.200"),
            ("seizures[1].item", "HEROIN"),
            ("seizures[1].quantity", "1.200,5"),
            ("seizures[2].item", "XEMAY"),
            ("seizures[2].quantity", "0,43"),
            ("seizures[3].item", "TIEN"),
            ("seizures[3].quantity", "12.500.000"),
            // 1.200,5 bánh of heroin is far above usual: confirmed.
            ("confirm", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location
        .trim_start_matches("/records/cases/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/cases/{id}");
    let (s, case) = api(&app, &editor, reqwest::Method::GET, &path, None).await;
    assert_eq!(s, 200, "{case}");
    let expected = [
        ("THUOCPHIEN", "1200"),
        ("HEROIN", "1200.5"),
        ("XEMAY", "0.43"),
        ("TIEN", "12500000"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(seized(&case), expected);
    // The edit form shows them as typed; saved untouched, nothing changes.
    let page = client
        .get(app.url(&format!("/records/cases/{id}/edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for shown in ["1.200", "1.200,5", "0,43", "12.500.000"] {
        assert!(page.contains(&format!("value=\"{shown}\"")), "{shown}");
    }
    let r = client
        .post(app.url(&format!("/records/cases/{id}/edit")))
        .form(&form_values(&page))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let (_, after) = api(&app, &editor, reqwest::Method::GET, &path, None).await;
    assert_eq!(seized(&after), expected);
    assert_eq!(after["revision"], case["revision"]);
    let (_, history) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        &format!("{path}/history"),
        None,
    )
    .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1, "{history}");
    // The API takes and returns the canonical form; a person's form of a
    // number is refused there rather than read another way.
    let mut body = content("cases", "BP-LUNGCU", &[]);
    body["seizures"] = json!([
        {"item": "THUOCPHIEN", "quantity": "1200"},
        {"item": "HEROIN", "quantity": "1200.5"},
        {"item": "XEMAY", "quantity": 0.43},
        {"item": "TIEN", "quantity": "12500000"},
    ]);
    let (s, created) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/cases?confirm=true",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let (_, got) = api(
        &app,
        &editor,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{}", created["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(seized(&got), expected);
    body["seizures"] = json!([{"item": "HEROIN", "quantity": "1.200,5"}]);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/cases",
        Some(body),
    )
    .await;
    assert_eq!(s, 422, "{v}");
}

#[tokio::test]
async fn implausible_values_and_future_records_are_refused_on_every_web_edge() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let before = crate::common::record_count(&app).await;
    let mut patrol = content("patrols", "BP-LUNGCU", &[]);
    patrol["participants"] = json!([{"force": "BDBP", "persons": 4_294_967_295u64}]);
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let mut patrol = content("patrols", "BP-LUNGCU", &[]);
    patrol["notes"] = json!("x".repeat(1_900_000));
    let (s, _) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol),
    )
    .await;
    assert!(s == 422 || s == 413, "{s}");
    let mut patrol = content("patrols", "BP-LUNGCU", &[]);
    patrol["notes"] = json!("x".repeat(20_001));
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let mut patrol = content("patrols", "BP-LUNGCU", &[]);
    patrol["date"] = json!("2030-06-20");
    let (s, v) = api(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    // The web form: the same refusals beside the field, nothing saved.
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "20/06/2030"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "4"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"error-date\""), "{page}");
    assert!(page.contains("tương lai"), "{page}");
    // A force with 0 persons on the form is no entry, not an error.
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "10/03/2024"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "4"),
            ("participants[1].force", "DQ"),
            ("participants[1].persons", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert_eq!(crate::common::record_count(&app).await, before + 1);
}

#[tokio::test]
async fn the_category_filter_takes_labels_with_or_without_diacritics_and_codes() {
    let app = spawn_app().await;
    let reader = token(&app, "admin").await;
    let count = |category: &str| {
        let path = format!("/api/v1/cases?year=2023&limit=500&category={category}");
        let app = &app;
        let reader = reader.clone();
        async move {
            let (s, v) = api(app, &reader, reqwest::Method::GET, &path, None).await;
            assert_eq!(s, 200, "{v}");
            v["items"].as_array().unwrap().len()
        }
    };
    let by_code = count("MATUY").await;
    assert!(by_code > 0);
    assert_eq!(count("ma%20tuy").await, by_code);
    assert_eq!(count("Ma%20t%C3%BAy").await, by_code);
    assert_eq!(count("KHONGCO").await, 0);
}

/// A bad year or cut-off gets the same refusal from the pages and the API
/// (and from the CLI: crates/bienphong/tests/cli.rs): the domain's one
/// reader's message, never a silent Decree 09.
#[tokio::test]
async fn a_bad_year_or_cutoff_is_refused_alike_by_pages_and_api() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (page, _) = login(&app, "admin").await;
    for (query, value, expected) in [
        ("year=abcd&quarter=1", "abcd", "1900–2200"),
        ("year=1899&quarter=1", "1899", "1900–2200"),
        ("year=2201&quarter=1", "2201", "1900–2200"),
        (
            "year=2023&quarter=1&cutoff=lunar",
            "lunar",
            "decree09, calendar",
        ),
    ] {
        let refusal = format!("chọn một trong: {expected}");
        for path in ["/api/v1/reports/annual", "/api/v1/briefings"] {
            let r = crate::common::http()
                .get(app.url(&format!("{path}?{query}")))
                .bearer_auth(&admin)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{path}?{query}");
            let v: Value = r.json().await.unwrap();
            let message = v["message"].as_str().unwrap_or_default();
            assert!(
                message.contains(&format!("giá trị \"{value}\" không hợp lệ; {refusal}")),
                "{path}?{query}: {v}"
            );
        }
        for path in ["/reports", "/briefings"] {
            let r = page
                .get(app.url(&format!("{path}?{query}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{path}?{query}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains(value) && html.contains(&refusal),
                "{path}?{query}: {html}"
            );
        }
    }
    // The dashboard and the lists read years the same way.
    for path in ["/?year=1899", "/records/patrols?year=abcd"] {
        let r = page.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert!(r.text().await.unwrap().contains("1900–2200"), "{path}");
    }
    let (status, v) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/patrols?year=abcd",
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1900–2200"),
        "{v}"
    );
}

/// A delete names its collection: a case deleted through the patrols'
/// page or API is refused and stays as it was.
#[tokio::test]
async fn deleting_a_record_through_another_collection_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (page, csrf) = login(&app, "admin").await;
    let (status, list) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/cases?limit=1",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let case = &list["items"][0];
    let (id, revision) = (
        case["id"].as_str().unwrap(),
        case["revision"].as_str().unwrap(),
    );
    let before = crate::common::record_count(&app).await;
    let r = page
        .post(app.url(&format!("/records/patrols/{id}/delete")))
        .form(&[("csrf", csrf.as_str()), ("revision", revision)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (status, _) = api(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("/api/v1/patrols/{id}?revision={revision}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, still) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(still["revision"], revision);
    assert_eq!(crate::common::record_count(&app).await, before);
    // Through its own collection it goes.
    let r = page
        .post(app.url(&format!("/records/cases/{id}/delete")))
        .form(&[("csrf", csrf.as_str()), ("revision", revision)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(crate::common::record_count(&app).await, before - 1);
}

/// The text of a record page's fields table and its history.
fn fields_and_history(page: &str) -> (String, String) {
    let fields = page
        .split("id=\"record-fields\"")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .unwrap()
        .to_string();
    let history = page.split("id=\"history\"").nth(1).unwrap().to_string();
    (fields, history)
}

#[tokio::test]
async fn record_pages_and_their_history_show_labels_not_codes() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let create = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let url = app.url(path);
        let csrf = csrf.clone();
        async move {
            let mut form: Vec<(&str, String)> =
                form.into_iter().map(|(k, v)| (k, v.to_string())).collect();
            form.push(("csrf", csrf));
            let r = client.post(url).form(&form).send().await.unwrap();
            assert_eq!(r.status(), 303, "{:?}", r.text().await);
            r.headers()["location"]
                .to_str()
                .unwrap()
                .split('?')
                .next()
                .unwrap()
                .to_string()
        }
    };
    let page = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let patrol = create(
        "/records/patrols/new",
        vec![
            ("date", "10/03/2024"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "4"),
        ],
    )
    .await;
    let (fields, _) = fields_and_history(&page(patrol).await);
    for shown in [
        "<td>Đồn Biên phòng Lũng Cú</td>",
        "<td>Tuần tra chung</td>",
        "<td>Bộ đội Biên phòng</td>",
    ] {
        assert!(fields.contains(shown), "{shown} in {fields}");
    }
    for code in ["BP-LUNGCU", "joint", "BDBP"] {
        assert!(!fields.contains(code), "{code} in {fields}");
    }
    let case = create(
        "/records/cases/new",
        vec![
            ("date", "10/03/2024"),
            ("handling_unit", "BP-LUNGCU"),
            ("case_type", "MATUY"),
            ("subjects", "1"),
            ("seizures[0].item", "THUOCPHIEN"),
            ("seizures[0].quantity", "1.200"),
            ("seizures[1].item", "DIENTHOAI"),
            ("seizures[1].quantity", "3"),
        ],
    )
    .await;
    let (fields, _) = fields_and_history(&page(case.clone()).await);
    for shown in [
        "<td>Đồn Biên phòng Lũng Cú</td>",
        "<td>Ma túy</td>",
        "<td>Thuốc phiện</td>",
        "<td>1.200 g</td>",
        "<td>Điện thoại di động</td>",
        "<td>03 chiếc</td>",
    ] {
        assert!(fields.contains(shown), "{shown} in {fields}");
    }
    for code in ["BP-LUNGCU", "MATUY", "THUOCPHIEN", "DIENTHOAI"] {
        assert!(!fields.contains(code), "{code} in {fields}");
    }
    // An edit's history line reads the same way.
    let edit = page(format!("{case}/edit")).await;
    let form: Vec<(String, String)> = form_values(&edit)
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "case_type" => (k, "BUONLAU".to_string()),
            "seizures[0].quantity" => (k, "1.500".to_string()),
            _ => (k, v),
        })
        .collect();
    let r = client
        .post(app.url(&format!("{case}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let (_, history) = fields_and_history(&page(case).await);
    for line in [
        "<li>Loại vụ việc: Ma túy → Buôn lậu</li>",
        "<li>Tang vật thu giữ 1 · Số lượng: 1.200 g → 1.500 g</li>",
    ] {
        assert!(history.contains(line), "{line} in {history}");
    }
}

#[tokio::test]
async fn a_report_is_the_same_bytes_from_the_page_and_the_api_in_every_format() {
    let app = spawn_app().await;
    let (admin, _) = login(&app, "admin").await;
    let admin_token = token(&app, "admin").await;
    let client = crate::common::http();
    // The document's date is given: nothing depends on today.
    let query = "year=2023&scope=BP-LUNGCU&number=5&date=16/01/2024";
    for format in ["md", "json", "xlsx", "csv", "docx"] {
        let page = admin
            .get(app.url(&format!(
                "/reports/download?period=annual&format={format}&{query}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{format} from the page");
        let page_type = page.headers()["content-type"].clone();
        let page = page.bytes().await.unwrap();
        let api = client
            .get(app.url(&format!("/api/v1/reports/annual?format={format}&{query}")))
            .bearer_auth(&admin_token)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 200, "{format} from the API");
        assert_eq!(api.headers()["content-type"], page_type, "{format}");
        let api = api.bytes().await.unwrap();
        assert!(!page.is_empty(), "{format}");
        assert!(page == api, "{format}: the page and the API differ");
    }
    // A format no edge knows is refused alike, naming the formats there are.
    let (status, body) = api(
        &app,
        &admin_token,
        reqwest::Method::GET,
        "/api/v1/reports/annual?year=2023&format=pdf",
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["fields"][0]["field"], "format", "{body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains("docx"),
        "{body}"
    );
    let page = admin
        .get(app.url("/reports/download?period=annual&year=2023&format=pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
}

/// Hà Giang ended on 30/6/2025: the API's list and annual review agree that
/// nothing of it is dated later, and Tuyên Quang's list covers the year.
#[tokio::test]
async fn the_api_lists_and_reports_nothing_for_an_abolished_province_after_its_end() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let get = |path: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let (s, v) = api(app, &admin, reqwest::Method::GET, &path, None).await;
            assert_eq!(s, 200, "{path}: {v}");
            v
        }
    };
    // Every page of the list (the demo's 2025 holds more than one page).
    let patrols = |query: &'static str| {
        let get = &get;
        async move {
            let mut items = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    None => format!("/api/v1/patrols?limit=500&{query}"),
                    Some(c) => format!("/api/v1/patrols?limit=500&{query}&cursor={c}"),
                };
                let v = get(path).await;
                items.extend(v["items"].as_array().unwrap().iter().cloned());
                match v["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break items,
                }
            }
        }
    };
    let date = |p: &Value| {
        let d = &p["content"]["date"];
        d.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| p["date"].to_string())
    };
    let everyone = patrols("year=2025").await;
    let after: Vec<&Value> = everyone
        .iter()
        .filter(|p| date(p).as_str() >= "2025-07-01")
        .collect();
    assert!(!after.is_empty(), "the demo has patrols after 1/7/2025");

    assert!(
        patrols("unit=HG&from=2025-07-01&to=2025-12-31")
            .await
            .is_empty(),
        "no patrol listed for Hà Giang after its last day"
    );
    let hg = patrols("unit=HG&year=2025").await;
    assert!(hg.iter().all(|p| date(p).as_str() <= "2025-06-30"));
    let annual = get("/api/v1/reports/annual?year=2025&scope=HG".into()).await;
    assert_eq!(
        annual["patrols"]["count"].as_u64().unwrap(),
        hg.len() as u64
    );

    let tq = patrols("unit=TQ&year=2025").await;
    assert_eq!(tq.len(), everyone.len());
    let tq_annual = get("/api/v1/reports/annual?year=2025&scope=TQ".into()).await;
    assert_eq!(
        tq_annual["patrols"]["count"].as_u64().unwrap(),
        everyone.len() as u64
    );
}

/// Units carry their administrative codes in the API, and the API's `unit`
/// and `scope` take a unit's administrative code while it is in force, or
/// its agency identifier, as they take its own code.
#[tokio::test]
async fn the_api_shows_administrative_codes_and_finds_units_by_them() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let get = |path: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let (s, v) = api(app, &admin, reqwest::Method::GET, &path, None).await;
            assert_eq!(s, 200, "{path}: {v}");
            v
        }
    };
    let ids = |query: String| {
        let get = &get;
        async move {
            let v = get(format!("/api/v1/patrols?limit=500&{query}")).await;
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].to_string())
                .collect::<Vec<_>>()
        }
    };
    let units = get("/api/v1/units?limit=500".into()).await;
    let unit = |code: &str| {
        units["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["content"]["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(
        unit("HG")["content"]["admin_codes"],
        json!([{"code": "02", "valid_to": "2025-06-30"}])
    );
    assert_eq!(
        unit("TQ")["content"]["admin_codes"],
        json!([{"code": "08", "valid_from": "2025-07-01"}])
    );
    let hg = ids("unit=HG&year=2024".into()).await;
    assert!(!hg.is_empty());
    assert_eq!(ids("unit=02&year=2024".into()).await, hg);
    let annual = |scope: &str| get(format!("/api/v1/reports/annual?year=2024&scope={scope}"));
    assert_eq!(annual("02").await["patrols"], annual("HG").await["patrols"]);

    // An agency identifier given through the API names the post.
    let mut post = unit("BP-LUNGCU");
    post["content"]["agency_id"] = json!("H02.39.01");
    let id = post["id"].as_str().unwrap().to_string();
    let (s, v) = api(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("/api/v1/units/{id}"),
        Some(json!({"revision": post["revision"], "content": post["content"]})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let by_post = ids("unit=BP-LUNGCU&year=2024".into()).await;
    assert!(!by_post.is_empty());
    assert_eq!(ids("unit=H02.39.01&year=2024".into()).await, by_post);
}

/// A patrol of `persons` Border Guard persons led by BP-LUNGCU on DAY.
fn patrol_of(persons: u64) -> Value {
    json!({"date": DAY, "lead_unit": "BP-LUNGCU", "kind": "joint",
        "participants": [{"force": "BDBP", "persons": persons}]})
}

/// Records and revisions in the store: what a refused write must leave.
async fn written(app: &TestApp) -> (u64, i64) {
    use bienphong_store::Store;
    let store = app.service.store();
    (
        store.record_count().await.unwrap(),
        store.last_seq().await.unwrap(),
    )
}

#[tokio::test]
async fn an_unusual_value_is_asked_about_over_the_api_and_written_once_confirmed() {
    let app = spawn_app().await;
    let t = token(&app, "dn-lungcu").await;
    let before = written(&app).await;
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol_of(250)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "needs_confirmation");
    assert_eq!(body["doubts"][0]["field"], "participants[0].persons");
    assert_eq!(body["doubts"][0]["code"], "many_persons");
    assert_eq!(body["doubts"][0]["value"], "250");
    assert_eq!(body["doubts"][0]["threshold"], "200");
    assert_eq!(body["fields"][0]["field"], "participants[0].persons");
    assert_eq!(written(&app).await, before, "nothing is written");

    // The same request, confirmed, writes; the record reads back exactly.
    let (status, created) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols?confirm=true",
        Some(patrol_of(250)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (_, got) = api(
        &app,
        &t,
        reqwest::Method::GET,
        &format!("/api/v1/patrols/{id}"),
        None,
    )
    .await;
    assert_eq!(got["content"]["participants"][0]["persons"], 250);
    assert_eq!(got["content"]["participants"][0]["force"], "BDBP");

    // An edit to another unusual value asks again; confirmed, it writes.
    let after_create = written(&app).await;
    let update = |persons: u64| json!({"revision": got["revision"], "content": patrol_of(persons)});
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::PUT,
        &format!("/api/v1/patrols/{id}"),
        Some(update(1178)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["doubts"][0]["value"], "1.178");
    assert_eq!(written(&app).await, after_create);
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::PUT,
        &format!("/api/v1/patrols/{id}?confirm=true"),
        Some(update(1178)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["content"]["participants"][0]["persons"], 1178);

    // At the threshold nothing is asked; past the hard limit nothing is
    // written, confirmed or not.
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol_of(200)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let before = written(&app).await;
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols?confirm=true",
        Some(patrol_of(10_001)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "invalid");
    let (status, _) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols?confirm=maybe",
        Some(patrol_of(250)),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(written(&app).await, before);
}

#[tokio::test]
async fn the_web_form_asks_to_confirm_an_unusual_value_beside_its_field() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let before = written(&app).await;
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("date", "10/03/2024".to_string()),
        ("lead_unit", "BP-LUNGCU".to_string()),
        ("kind", "joint".to_string()),
        ("participants[0].force", "BDBP".to_string()),
        ("participants[0].persons", "250".to_string()),
        ("notes", "Tuần tra cao điểm".to_string()),
    ];
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(
            "id=\"error-participants[0].persons\">250 người của một lực lượng trong một lần tuần tra, nhiều hơn mức thường gặp (200 người)"
        ),
        "{page}"
    );
    assert!(page.contains("name=\"confirm\""), "{page}");
    assert!(page.contains("Xác nhận"), "{page}");
    // The values typed are kept.
    assert!(page.contains("value=\"250\""), "{page}");
    assert!(page.contains("Tuần tra cao điểm"), "{page}");
    assert_eq!(written(&app).await, before, "nothing is written");

    form.push(("confirm", "1".to_string()));
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location
        .trim_start_matches("/records/patrols/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let t = token(&app, "dn-lungcu").await;
    let (_, got) = api(
        &app,
        &t,
        reqwest::Method::GET,
        &format!("/api/v1/patrols/{id}"),
        None,
    )
    .await;
    assert_eq!(got["content"]["participants"][0]["persons"], 250);
    assert_eq!(got["content"]["notes"], "Tuần tra cao điểm");
    assert_eq!(written(&app).await.0, before.0 + 1);

    // The hard limit is refused even when confirmed.
    let mut over = form.clone();
    over[5].1 = "10.001".to_string();
    let r = client
        .post(app.url("/records/patrols/new"))
        .form(&over)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("vượt quá giới hạn 10.000"), "{page}");
    assert_eq!(written(&app).await.0, before.0 + 1);
}

/// A value confirmed once stays confirmed: editing another field of the
/// record (over the API or in the edit form) asks nothing, while changing
/// the unusual value itself asks again.
#[tokio::test]
async fn a_confirmed_value_is_not_asked_about_again_when_another_field_changes() {
    let app = spawn_app().await;
    let t = token(&app, "dn-lungcu").await;
    let (status, created) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols?confirm=true",
        Some(patrol_of(250)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    // API: the notes change, the 250 persons stay; no confirmation asked.
    let mut content = patrol_of(250);
    content["notes"] = json!("Bổ sung ghi chú");
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::PUT,
        &format!("/api/v1/patrols/{id}"),
        Some(json!({"revision": created["revision"], "content": content})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["content"]["notes"], "Bổ sung ghi chú");
    assert_eq!(body["content"]["participants"][0]["persons"], 250);
    // Another unusual value in the same place is asked about.
    let before = written(&app).await;
    let mut more = content.clone();
    more["participants"][0]["persons"] = json!(260);
    let (status, asked) = api(
        &app,
        &t,
        reqwest::Method::PUT,
        &format!("/api/v1/patrols/{id}"),
        Some(json!({"revision": body["revision"], "content": more})),
    )
    .await;
    assert_eq!(status, 422, "{asked}");
    assert_eq!(asked["code"], "needs_confirmation");
    assert_eq!(asked["doubts"][0]["value"], "260");
    assert_eq!(written(&app).await, before, "nothing is written");

    // The web edit form: only the notes changed, saved without the box.
    let (client, _) = login(&app, "dn-lungcu").await;
    let page = client
        .get(app.url(&format!("/records/patrols/{id}/edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("name=\"confirm\""), "{page}");
    let form: Vec<(String, String)> = form_values(&page)
        .into_iter()
        .map(|(k, v)| {
            if k == "notes" {
                (k, "Sửa trên trang".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    assert!(
        form.iter()
            .any(|(k, v)| k == "participants[0].persons" && v == "250"),
        "{form:?}"
    );
    let r = client
        .post(app.url(&format!("/records/patrols/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, got) = api(
        &app,
        &t,
        reqwest::Method::GET,
        &format!("/api/v1/patrols/{id}"),
        None,
    )
    .await;
    assert_eq!(got["content"]["notes"], "Sửa trên trang");
    assert_eq!(got["content"]["participants"][0]["persons"], 250);
    assert_eq!(written(&app).await.1, before.1 + 1);

    // The form with the unusual value changed asks again, beside it.
    let changed: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            if k == "participants[0].persons" {
                (k.clone(), "300".to_string())
            } else if k == "revision" {
                (k.clone(), got["revision"].as_str().unwrap().to_string())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let r = client
        .post(app.url(&format!("/records/patrols/{id}/edit")))
        .form(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("name=\"confirm\""), "{page}");
    assert_eq!(written(&app).await.1, before.1 + 1);
}

/// The audit page names actions, outcomes and record types by their
/// labels, not their codes.
#[tokio::test]
async fn the_audit_page_shows_labels_not_codes() {
    let app = spawn_app().await;
    let t = token(&app, "dn-lungcu").await;
    let (status, body) = api(
        &app,
        &t,
        reqwest::Method::POST,
        "/api/v1/patrols",
        Some(patrol_of(5)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (admin, _) = login(&app, "admin").await;
    let page = admin
        .get(app.url("/admin/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = page
        .split("<tr")
        .find(|r| r.contains(body["id"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("no audit row of the patrol in {page}"));
    assert!(row.contains(">Tạo mới</td>"), "{row}");
    assert!(row.contains(">Được phép</td>"), "{row}");
    assert!(row.contains("Tuần tra"), "{row}");
    assert!(!row.contains(">create</td>"), "{row}");
    let login_row = page
        .split("<tr")
        .find(|r| r.contains("title=\"login\""))
        .unwrap_or_else(|| panic!("no sign-in in {page}"));
    assert!(login_row.contains(">Đăng nhập</td>"), "{login_row}");
}

/// A reorganisation through the API (docs/examples/org-change.json on the
/// demo): administrators only; a dry run writes nothing; applied, it is one
/// entry of the organisation's history naming its revisions; the same set
/// again, and a wrong one, are refused whole with every problem named.
#[tokio::test]
async fn a_change_set_is_checked_whole_applied_once_and_listed_through_the_api() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let editor = token(&app, "dn-lungcu").await;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/org-change.json"
    );
    let set: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;

    let (s, _) = api(
        &app,
        &editor,
        post.clone(),
        "/api/v1/org/changes",
        Some(set.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let records = crate::common::record_count(&app).await;
    let (s, dry) = api(
        &app,
        &admin,
        post.clone(),
        "/api/v1/org/changes?dry_run=true",
        Some(set.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert!(dry["change"].is_null());
    let writes = dry["writes"].as_u64().unwrap();
    assert!(writes >= 5, "{dry}");
    assert_eq!(dry["plan"].as_array().unwrap().len() as u64, writes);
    assert_eq!(crate::common::record_count(&app).await, records);
    let (_, listed) = api(&app, &admin, get.clone(), "/api/v1/org/changes", None).await;
    assert_eq!(listed["items"], json!([]));

    let (s, done) = api(
        &app,
        &admin,
        post.clone(),
        "/api/v1/org/changes",
        Some(set.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["writes"].as_u64(), Some(writes));
    assert_eq!(
        done["change"]["revisions"].as_array().unwrap().len() as u64,
        writes
    );
    let (s, listed) = api(&app, &editor, get, "/api/v1/org/changes", None).await;
    assert_eq!(s, StatusCode::OK);
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["effective"], "2027-01-01");
    assert_eq!(items[0]["title"], set["title"]);
    assert_eq!(items[0]["revisions"], done["change"]["revisions"]);

    let (s, again) = api(&app, &admin, post.clone(), "/api/v1/org/changes", Some(set)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    let fields: Vec<&str> = again["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"changes[0].code"), "{again}");
    assert!(fields.contains(&"changes[1].units[0]"), "{again}");

    let wrong = json!({"effective": "2026-01-01", "title": " ",
        "changes": [{"op": "abolish", "unit": "KHONGCO"}, {"op": "rename", "unit": "TQ", "name": ""}]});
    let (s, refused) = api(&app, &admin, post, "/api/v1/org/changes", Some(wrong)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["title", "changes[0].unit", "changes[1].name"],
        "{refused}"
    );
}
