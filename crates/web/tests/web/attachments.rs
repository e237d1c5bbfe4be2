//! Files attached to records (issue 16, item 4), as people and nodes use
//! them: through the API and the record's page, restricted where their
//! record is, and synced with it.

use crate::common::{TestApp, login, spawn_app, spawn_app_with, token};
use crate::sync::{NOW_MS, node, node_token, run_sync};
use bienphong_service::Actor;
use bienphong_store::{BlobStore, Store as _};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DAY: &str = "2024-03-10";

/// A small PDF (only its first bytes decide its type) with `n` bytes of
/// body, so that two of them differ when `tag` does.
fn pdf(tag: &str, n: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% {tag}\n").into_bytes();
    b.extend(std::iter::repeat_n(b'x', n));
    b.extend_from_slice(b"\n%%EOF\n");
    b
}

/// Sends a request and checks its answer against the OpenAPI document.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    json_body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = crate::common::http()
        .request(method.clone(), app.url(path))
        .bearer_auth(token);
    if let Some(b) = json_body {
        req = req.json(&b);
    }
    answer(app, &method, path, req.send().await.unwrap()).await
}

async fn answer(
    app: &TestApp,
    method: &Method,
    path: &str,
    r: reqwest::Response,
) -> (StatusCode, Value) {
    let status = r.status();
    let media = r
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|t| t.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    crate::common::document::check_answer(app, method, path, status, media.as_deref(), &body).await;
    (status, body)
}

/// Uploads `bytes` as `name` to `path` (multipart, field `file`).
async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = crate::common::http()
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    answer(app, &Method::POST, path, r).await
}

async fn create(app: &TestApp, token: &str, collection: &str, content: Value) -> String {
    let (s, v) = call(
        app,
        token,
        Method::POST,
        &format!("/api/v1/{collection}"),
        Some(content),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn case(unit: &str) -> Value {
    json!({"date": DAY, "handling_unit": unit, "case_type": "MATUY", "subjects": 1})
}

fn patrol(unit: &str) -> Value {
    json!({"date": DAY, "lead_unit": unit, "kind": "joint",
        "participants": [{"force": "BDBP", "persons": 4}]})
}

#[tokio::test]
async fn the_same_file_on_two_records_is_kept_once_and_comes_back_as_it_went() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let case_id = create(&app, &editor, "cases", case("BP-LUNGCU")).await;
    let patrol_id = create(&app, &editor, "patrols", patrol("BP-LUNGCU")).await;
    let scan = pdf("biên bản", 1_300_000);
    // A decomposed name (as some keyboards type it) is kept composed.
    let name = "Bie\u{302}n ba\u{309}n thu giữ.pdf";
    let on_case = format!("/api/v1/cases/{case_id}/attachments");
    let (s, item) = upload(&app, &editor, &on_case, name, scan.clone()).await;
    assert_eq!(s, 201, "{item}");
    assert_eq!(item["name"], "Biên bản thu giữ.pdf");
    assert_eq!(item["content_type"], "application/pdf");
    assert_eq!(item["size_text"], "1,2 MB");
    let hash = item["hash"].as_str().unwrap().to_string();
    let on_patrol = format!("/api/v1/patrols/{patrol_id}/attachments");
    let (s, _) = upload(&app, &editor, &on_patrol, "ban-sao.pdf", scan.clone()).await;
    assert_eq!(s, 201);
    // The same file again on the same record adds nothing.
    let (s, again) = upload(&app, &editor, &on_case, "lan-hai.pdf", scan.clone()).await;
    assert_eq!(s, 200);
    assert_eq!(again["name"], "Biên bản thu giữ.pdf");
    assert_eq!(app.service.store().blob_count().await.unwrap(), 1);
    let (s, list) = call(&app, &editor, Method::GET, &on_case, None).await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // A token acts as its account, with its id (issue 18).
    let by = list["items"][0]["by"].as_str().unwrap();
    assert!(by.starts_with("dn-lungcu (token "), "{by}");
    // Downloaded under its own name, its own type, never sniffed.
    let r = crate::common::http()
        .get(app.url(&format!("{on_case}/{hash}")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), scan);
    // Removed from the case: a new revision of its link; the bytes stay
    // for the patrol, which still names them.
    let link = list["items"][0]["link"].as_str().unwrap().to_string();
    let (s, _) = call(
        &app,
        &editor,
        Method::DELETE,
        &format!("{on_case}/{hash}"),
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (_, list) = call(&app, &editor, Method::GET, &on_case, None).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let history = app.service.history(link.parse().unwrap()).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[1].deleted);
    assert_eq!(app.service.store().blob_count().await.unwrap(), 1);
    let (s, _) = call(
        &app,
        &editor,
        Method::GET,
        &format!("{on_patrol}/{hash}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    // A reader of the post reads, but may not attach or remove.
    let reader = token(&app, "dn-lungcu-xem").await;
    let (s, list) = call(&app, &reader, Method::GET, &on_patrol, None).await;
    assert_eq!(
        (s, list["items"].as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
    let (s, _) = upload(&app, &reader, &on_patrol, "x.pdf", pdf("reader", 10)).await;
    assert_eq!(s, 403);
    let (s, _) = call(
        &app,
        &reader,
        Method::DELETE,
        &format!("{on_patrol}/{hash}"),
        None,
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_file_is_judged_by_its_bytes_not_its_name() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let case_id = create(&app, &editor, "cases", case("BP-LUNGCU")).await;
    let path = format!("/api/v1/cases/{case_id}/attachments");
    for (bytes, found) in [
        (
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            "text/html",
        ),
        (
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(),
            "application/x-executable",
        ),
        (b"MZ\x90\0\x03\0\0\0".to_vec(), "application/x-msdownload"),
    ] {
        let (s, v) = upload(&app, &editor, &path, "bien-ban.pdf", bytes).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["fields"][0]["field"], "file");
        assert!(v["detail"].as_str().unwrap().contains(found), "{v}");
    }
    // Plain UTF-8 text is taken, whatever it is named.
    let (s, v) = upload(
        &app,
        &editor,
        &path,
        "ghi-chu.pdf",
        "Ghi chú hiện trường".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["content_type"], "text/plain; charset=utf-8");
    assert_eq!(app.service.store().blob_count().await.unwrap(), 1);
    // No file at all.
    let form = reqwest::multipart::Form::new().text("note", "x");
    let r = crate::common::http()
        .post(app.url(&path))
        .bearer_auth(&editor)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, _) = answer(&app, &Method::POST, &path, r).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn a_file_above_the_limit_is_refused_and_the_document_states_the_limit() {
    let app = spawn_app_with(bienphong_web::ServerConfig {
        max_attachment_bytes: 100 * 1024,
        ..Default::default()
    })
    .await;
    let editor = token(&app, "dn-lungcu").await;
    let case_id = create(&app, &editor, "cases", case("BP-LUNGCU")).await;
    let path = format!("/api/v1/cases/{case_id}/attachments");
    let (s, v) = upload(&app, &editor, &path, "vua.pdf", pdf("a", 90 * 1024)).await;
    assert_eq!(s, 201, "{v}");
    // Just above the limit: refused while it is read, naming the limit.
    let (s, v) = upload(&app, &editor, &path, "lon.pdf", pdf("b", 101 * 1024)).await;
    assert_eq!(s, 413, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("100 KB"), "{v}");
    // Far above it: refused by its length before it is read.
    let (s, v) = upload(&app, &editor, &path, "rat-lon.pdf", pdf("c", 3 << 20)).await;
    assert_eq!(s, 413, "{v}");
    assert_eq!(app.service.store().blob_count().await.unwrap(), 1);
    let doc: Value = crate::common::http()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = &doc["components"]["schemas"]["AttachmentUpload"]["properties"]["file"];
    assert_eq!(file["maxLength"], 100 * 1024);
    let op = &doc["paths"]["/api/v1/cases/{id}/attachments"]["post"];
    assert!(op["requestBody"]["content"]["multipart/form-data"].is_object());
    assert!(op["responses"]["413"].is_object());
}

#[tokio::test]
async fn a_file_of_personal_data_is_read_only_with_the_grant_and_every_read_is_audited() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let case_id = create(&app, &admin, "cases", case("BP-LUNGCU")).await;
    let subjects_id = create(
        &app,
        &admin,
        "case-subjects",
        json!({"case": case_id, "subjects": [{"name": "Vàng Seo Lử"}]}),
    )
    .await;
    let granted = token(&app, "dn-lungcu-mat").await;
    let on_subjects = format!("/api/v1/case-subjects/{subjects_id}/attachments");
    let (s, item) = upload(
        &app,
        &granted,
        &on_subjects,
        "Vàng Seo Lử - CCCD.pdf",
        pdf("cccd", 100),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    let hash = item["hash"].as_str().unwrap().to_string();
    let (s, list) = call(&app, &granted, Method::GET, &on_subjects, None).await;
    assert_eq!(
        (s, list["items"].as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
    let (s, _) = call(
        &app,
        &granted,
        Method::GET,
        &format!("{on_subjects}/{hash}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    // Without the grant, the files are as absent as the record.
    let plain = token(&app, "dn-lungcu").await;
    for path in [on_subjects.clone(), format!("{on_subjects}/{hash}")] {
        let (s, v) = call(&app, &plain, Method::GET, &path, None).await;
        assert_eq!(s, 404, "{path}");
        assert!(!v.to_string().contains("Vàng Seo Lử"));
    }
    let (s, _) = upload(&app, &plain, &on_subjects, "x.pdf", pdf("x", 5)).await;
    assert_eq!(s, 404);
    // The case's own files do not list its subjects' files.
    let (s, list) = call(
        &app,
        &plain,
        Method::GET,
        &format!("/api/v1/cases/{case_id}/attachments"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    // Another post's restricted grant does not reach this post's case.
    let (s, _) = call(
        &app,
        &token(&app, "xa-lungcu").await,
        Method::GET,
        &format!("{on_subjects}/{hash}"),
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (_, audit) = call(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?action=restricted.read&limit=1000",
        None,
    )
    .await;
    let files: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["record_type"] == "attachment"
                && e["actor"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("dn-lungcu-mat (token "))
        })
        .collect();
    assert_eq!(files.len(), 2, "{audit}");
    assert!(files.iter().any(|e| e["detail"] == format!("file {hash}")));
}

#[tokio::test]
async fn the_record_page_lists_its_files_and_takes_an_upload() {
    let app = spawn_app().await;
    let editor = token(&app, "dn-lungcu").await;
    let case_id = create(&app, &editor, "cases", case("BP-LUNGCU")).await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let page_path = format!("/records/cases/{case_id}");
    let page = client
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"attach-form\""), "{page}");
    assert!(page.contains("Chưa có tệp đính kèm"));
    let png = {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend(std::iter::repeat_n(7u8, 2000));
        b
    };
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name("Ảnh hàng thu giữ.png"),
        );
    let r = client
        .post(app.url(&format!("{page_path}/attachments")))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = client
        .get(app.url(&format!("{page_path}?attached")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ảnh hàng thu giữ.png"), "{page}");
    assert!(page.contains("PNG"));
    assert!(page.contains("2 KB"), "{page}");
    let href = page
        .split("href=\"")
        .find(|s| s.starts_with(&format!("{page_path}/attachments/")))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let r = client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    // A form without the session's token is refused, and nothing is kept.
    let form = reqwest::multipart::Form::new().text("csrf", "wrong").part(
        "file",
        reqwest::multipart::Part::bytes(pdf("csrf", 10)).file_name("x.pdf"),
    );
    let r = client
        .post(app.url(&format!("{page_path}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.service.store().blob_count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_syncs_a_record_with_its_file_and_one_that_defers_fetches_it_on_demand() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut post = node(&app, &t).await;
    run_sync(&mut post).await;
    // Written offline at the post: a case and its scanned report.
    let actor = Actor {
        name: "node".into(),
        now_ms: NOW_MS,
    };
    let content = bienphong_domain::Content::from_json(
        bienphong_domain::RecordType::Case,
        &case("BP-LUNGCU").to_string(),
    )
    .unwrap();
    let rev = post.service.add(&actor, content).await.unwrap();
    let scan = pdf("node", 300_000);
    let (a, _) = post
        .service
        .attach(&actor, rev.record_id, "bao-cao.pdf", scan.clone(), 1 << 20)
        .await
        .unwrap();
    let report = run_sync(&mut post).await;
    assert_eq!(report.files.sent, 1, "{report:?}");
    // The server holds the link and the bytes, and serves them.
    let editor = token(&app, "dn-lungcu").await;
    let r = crate::common::http()
        .get(app.url(&format!(
            "/api/v1/cases/{}/attachments/{}",
            rev.record_id, a.hash
        )))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), scan);

    // A second node of the post, on a thin link: files above 100 KB wait.
    let mut thin = node(&app, &node_token(&app, "BP-LUNGCU").await).await;
    thin.state.defer_above = Some(100 * 1024);
    let small = pdf("small", 1000);
    app.service
        .attach(
            &Actor {
                name: "admin".into(),
                now_ms: NOW_MS,
            },
            rev.record_id,
            "nho.pdf",
            small.clone(),
            1 << 20,
        )
        .await
        .unwrap();
    let report = run_sync(&mut thin).await;
    assert_eq!(
        (report.files.fetched, report.files.deferred),
        (1, 1),
        "{report:?}"
    );
    let files = thin.service.attachments_of(rev.record_id).await.unwrap();
    assert_eq!(files.len(), 2);
    let big = files.iter().find(|f| f.attachment.hash == a.hash).unwrap();
    assert!(!big.present, "shown as not yet fetched");
    let fetched = thin
        .service
        .fetch_attachment(rev.record_id, &a.hash)
        .await
        .unwrap();
    assert!(fetched.bytes.is_none());
    // Asked for, it comes.
    let client =
        bienphong_sync::client::Client::new(&thin.state.server, &thin.state.token).unwrap();
    assert!(
        bienphong_sync::blobs::fetch_one(thin.service.store(), &client, &a.hash)
            .await
            .unwrap()
    );
    let fetched = thin
        .service
        .fetch_attachment(rev.record_id, &a.hash)
        .await
        .unwrap();
    assert_eq!(fetched.bytes.unwrap(), scan);
    // A later sync neither fetches nor defers it again.
    let report = run_sync(&mut thin).await;
    assert_eq!(report.files, Default::default());
    // A node of another post's area gets neither the link nor the file.
    let other = node_token(&app, "BP-XINMAN").await;
    let mut far = node(&app, &other).await;
    run_sync(&mut far).await;
    assert!(
        far.service
            .attachments_of(rev.record_id)
            .await
            .unwrap()
            .is_empty()
    );
    let far_client = bienphong_sync::client::Client::new(&far.state.server, &other).unwrap();
    let refused = bienphong_sync::blobs::fetch_one(far.service.store(), &far_client, &a.hash).await;
    assert!(
        matches!(
            refused,
            Err(bienphong_sync::SyncError::Server { status: 404, .. })
        ),
        "{refused:?}"
    );
}

/// A post with no link carries its work on a USB stick: the bundle holds
/// the scanned report with its link, the server keeps it, and the reply
/// brings the files the province attached back to the post. Bytes that are
/// not what their hash says refuse the whole bundle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_carries_the_files_of_its_links_both_ways() {
    use bienphong_sync::bundle::{
        answer_on_server, bundle_principal, export_from_node, import_on_node,
    };
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut post = node(&app, &t).await;
    run_sync(&mut post).await;
    let actor = |name: &str| Actor {
        name: name.into(),
        now_ms: NOW_MS,
    };
    let content = bienphong_domain::Content::from_json(
        bienphong_domain::RecordType::Patrol,
        &patrol("BP-LUNGCU").to_string(),
    )
    .unwrap();
    let rev = post.service.add(&actor("node"), content).await.unwrap();
    let scan = pdf("usb", 5000);
    let (at_post, _) = post
        .service
        .attach(
            &actor("node"),
            rev.record_id,
            "bien-ban.pdf",
            scan.clone(),
            1 << 20,
        )
        .await
        .unwrap();
    let out = export_from_node(post.service.store(), &post.state, NOW_MS)
        .await
        .unwrap();
    assert_eq!(out.files.len(), 1);
    // Through the file format and back, as on the stick.
    let out = bienphong_sync::bundle::Bundle::from_bytes(&out.to_bytes().unwrap()).unwrap();
    let who = bundle_principal(
        app.service.store(),
        bienphong_domain::org::Code::parse("BP-LUNGCU").unwrap(),
        out.from_node,
        false,
    )
    .await
    .unwrap();

    let mut damaged = out.clone();
    damaged.files[0].bytes[100] ^= 1;
    let before = app.service.store().revision_count().await.unwrap();
    assert!(
        answer_on_server(&app.service, &who, NOW_MS, damaged)
            .await
            .is_err()
    );
    assert!(
        app.service
            .store()
            .blob(&at_post.hash)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.service.store().revision_count().await.unwrap(),
        before,
        "a refused bundle writes nothing"
    );

    // The province attaches its answer to the same patrol meanwhile.
    let (received, _) = answer_on_server(&app.service, &who, NOW_MS, out)
        .await
        .unwrap();
    assert!(received >= 2, "the patrol and its link");
    let (_, kept) = app
        .service
        .store()
        .blob(&at_post.hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept, scan);
    let answer = pdf("province", 3000);
    let (from_province, _) = app
        .service
        .attach(
            &actor("admin"),
            rev.record_id,
            "tra-loi.pdf",
            answer.clone(),
            1 << 20,
        )
        .await
        .unwrap();
    let reply = bienphong_sync::bundle::reply_from_server(
        &app.service,
        &who,
        NOW_MS,
        post.state.pull_cursor,
        Some(post.service.store().node_id()),
    )
    .await
    .unwrap();
    assert!(reply.files.iter().any(|f| f.hash == from_province.hash));
    import_on_node(post.service.store(), &mut post.state, reply, NOW_MS)
        .await
        .unwrap();
    let fetched = post
        .service
        .fetch_attachment(rev.record_id, &from_province.hash)
        .await
        .unwrap();
    assert_eq!(fetched.bytes, Some(answer));
}
