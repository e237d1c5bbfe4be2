//! edXML packets on the web (issue 20, item 1): a document's packet is
//! downloaded from the API and from its page, and received through the API
//! and the page's form, only for a unit the caller may write documents
//! of; a damaged or repeated packet writes nothing.

use crate::common::{TestApp, document::check_answer};
use crate::common::{api, browser_like_client, http, login, record_count, spawn_app, token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DAY: &str = "2024-03-10";
const TITLE: &str = "Kế hoạch phối hợp tuần tra đường biên tháng 3";

/// A document of the province's command to `recipient`.
async fn document_to(app: &TestApp, admin: &str, number: &str, recipient: &str) -> String {
    let (s, v) = api(
        app,
        admin,
        Method::POST,
        "/api/v1/documents",
        Some(json!({"date": DAY, "document_type": "KH", "number": number,
            "issuer": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "unit": "HG", "title": TITLE,
            "recipients": [{"unit": recipient}]})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// The packet of document `id`, as `client` downloads it.
async fn download(app: &TestApp, req: reqwest::RequestBuilder, id: &str) -> String {
    let path = format!("/api/v1/documents/{id}/edxml");
    let r = req.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let media = headers
        .get("content-type")
        .map(|t| t.to_str().unwrap().to_string());
    check_answer(
        app,
        &Method::GET,
        &path,
        status,
        media.as_deref(),
        &json!(text),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(headers["content-type"], "application/xml");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("edxml-{id}.xml"))
    );
    text
}

/// Sends `packet` to `POST /api/v1/edxml` with `token`.
async fn receive(app: &TestApp, token: &str, packet: &[u8]) -> (StatusCode, Value) {
    send(app, token, "/api/v1/edxml", packet).await
}

/// Sends `packet` as a multipart file to `path` with `token`.
async fn send(app: &TestApp, token: &str, path: &str, packet: &[u8]) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(packet.to_vec()).file_name("goi.xml"),
    );
    let r = http()
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let media = r
        .headers()
        .get("content-type")
        .map(|t| t.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    check_answer(app, &Method::POST, path, status, media.as_deref(), &body).await;
    (status, body)
}

#[tokio::test]
async fn a_packet_goes_out_and_comes_back_in_for_a_unit_the_caller_may_write() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let post = token(&app, "dn-lungcu").await;
    let to_lungcu = document_to(&app, &admin, "15/KH-BCH", "BP-LUNGCU").await;
    let to_phobang = document_to(&app, &admin, "16/KH-BCH", "BP-PHOBANG").await;
    let url = |id: &str| app.url(&format!("/api/v1/documents/{id}/edxml"));
    let packet = download(
        &app,
        http().get(url(&to_lungcu)).bearer_auth(&admin),
        &to_lungcu,
    )
    .await;
    assert!(packet.contains(TITLE), "{packet}");
    assert!(packet.contains("KH-BCH"), "{packet}");
    let other = download(
        &app,
        http().get(url(&to_phobang)).bearer_auth(&admin),
        &to_phobang,
    )
    .await;

    // The post may not take in a document for another post: refused, nothing written.
    let before = record_count(&app).await;
    let (s, v) = receive(&app, &post, other.as_bytes()).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(record_count(&app).await, before);

    let (s, got) = receive(&app, &post, packet.as_bytes()).await;
    assert_eq!(s, 201, "{got}");
    assert_eq!(got["kind"], "new");
    assert_eq!(got["signature"]["state"], "unsigned");
    assert_eq!(got["signature"]["text"], "Không có chữ ký số");
    assert_eq!(record_count(&app).await, before + 1);
    let (s, doc) = api(
        &app,
        &post,
        Method::GET,
        got["href"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(s, 200, "{doc}");
    assert_eq!(doc["content"]["unit"], "BP-LUNGCU");
    assert_eq!(doc["content"]["title"], TITLE);
    assert_eq!(doc["content"]["number"], "15/KH-BCH");
    assert_eq!(doc["content"]["exchange"]["direction"], "incoming");
    assert_eq!(
        doc["content"]["exchange"]["document_id"],
        got["document_id"]
    );

    // The same packet again, and a damaged one, are refused: nothing written.
    let (s, v) = receive(&app, &post, packet.as_bytes()).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = receive(&app, &post, b"<html><body>not a packet</body></html>").await;
    assert_eq!(s, 400, "{v}");
    let cut = &packet.as_bytes()[..packet.len() / 2];
    let (s, v) = receive(&app, &post, cut).await;
    assert!(s == 400 || s == 422, "{s} {v}");
    assert_eq!(record_count(&app).await, before + 1);
}

#[tokio::test]
async fn the_document_page_downloads_a_packet_and_receives_one_showing_its_signature() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let id = document_to(&app, &admin, "17/KH-BCH", "BP-LUNGCU").await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let page = client
        .get(app.url(&format!("/records/documents/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tải gói edXML"), "{page}");
    assert!(page.contains(&format!("href=\"/api/v1/documents/{id}/edxml\"")));
    assert!(page.contains("id=\"edxml-form\""));
    assert!(page.contains("Nhận gói edXML"));
    let packet = download(
        &app,
        client.get(app.url(&format!("/api/v1/documents/{id}/edxml"))),
        &id,
    )
    .await;

    let form = |csrf: Option<&str>| {
        let mut f = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(packet.clone().into_bytes()).file_name("goi.xml"),
        );
        if let Some(c) = csrf {
            f = f.text("csrf", c.to_string());
        }
        f
    };
    // Without the form's CSRF token: refused, nothing written.
    let before = record_count(&app).await;
    let r = client
        .post(app.url("/edxml"))
        .multipart(form(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Nor from another site.
    let r = browser_like_client()
        .post(app.url("/edxml"))
        .header("sec-fetch-site", "cross-site")
        .multipart(form(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(record_count(&app).await, before);

    let r = client
        .post(app.url("/edxml"))
        .multipart(form(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/records/documents/") && to.ends_with("?received"),
        "{to}"
    );
    assert_ne!(to, format!("/records/documents/{id}?received"));
    assert_eq!(record_count(&app).await, before + 1);
    let page = client
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Đã nhận văn bản từ gói edXML"), "{page}");
    assert!(page.contains("id=\"exchange-fields\""));
    assert!(page.contains("Không có chữ ký số"));
    assert!(page.contains(TITLE));
}

/// The agency identifier of `unit` in the app's store.
async fn agency_id(app: &TestApp, token: &str, unit: &str) -> String {
    let (s, v) = api(
        app,
        token,
        Method::GET,
        &format!("/api/v1/units?q={unit}&limit=500"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["content"]["code"] == unit)
        .and_then(|u| u["content"]["agency_id"].as_str())
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_receiver_answers_with_a_status_packet_and_the_sender_keeps_it_per_recipient() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let post = token(&app, "dn-lungcu").await;
    let sent = document_to(&app, &admin, "18/KH-BCH", "BP-LUNGCU").await;
    let url = app.url(&format!("/api/v1/documents/{sent}/edxml"));
    let packet = download(&app, http().get(url).bearer_auth(&admin), &sent).await;
    let (s, got) = receive(&app, &post, packet.as_bytes()).await;
    assert_eq!(s, 201, "{got}");

    // The receiver's answer: arrived, from the post, for the document sent.
    let status_path = got["status_href"].as_str().unwrap().to_string();
    let r = http()
        .get(app.url(&status_path))
        .bearer_auth(&post)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/xml");
    let answer = r.text().await.unwrap();
    let post_id = agency_id(&app, &admin, "BP-LUNGCU").await;
    assert!(
        answer.contains("<edXML:StatusCode>01</edXML:StatusCode>"),
        "{answer}"
    );
    assert!(answer.contains(&format!("<edXML:OrganId>{post_id}</edXML:OrganId>")));
    assert!(answer.contains(got["document_id"].as_str().unwrap()));
    // A document that did not come as a packet has no status to answer with.
    let (s, v) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}/edxml/status"),
        None,
    )
    .await;
    assert_eq!(s, 422, "{v}");

    // The post may not mark the province's document; the province may.
    let before = record_count(&app).await;
    let (s, v) = send(&app, &post, "/api/v1/edxml/status", answer.as_bytes()).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = send(
        &app,
        &admin,
        "/api/v1/edxml/status",
        b"<edXML:Status xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"/>",
    )
    .await;
    assert_eq!(s, 400, "{v}");
    // Nor may an agency the document was not sent to answer for it.
    let stranger = answer.replace(
        &format!("<edXML:OrganId>{post_id}</edXML:OrganId>"),
        "<edXML:OrganId>000.00.99.X99</edXML:OrganId>",
    );
    let (s, v) = send(&app, &admin, "/api/v1/edxml/status", stranger.as_bytes()).await;
    assert_eq!(s, 422, "{v}");
    let (_, history) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}/history"),
        None,
    )
    .await;
    let revisions = history["items"].as_array().map(Vec::len);
    let (s, v) = send(&app, &admin, "/api/v1/edxml/status", answer.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], sent.as_str());
    assert_eq!(v["organ"], post_id.as_str());
    assert_eq!(v["status"], "received");
    assert_eq!(v["text"], "Đã đến");
    assert_eq!(record_count(&app).await, before);
    let (_, doc) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}"),
        None,
    )
    .await;
    let x = &doc["content"]["exchange"];
    assert_eq!(x["direction"], "outgoing");
    assert_eq!(x["document_id"], got["document_id"]);
    assert_eq!(x["deliveries"][0]["organ"], post_id.as_str());
    assert_eq!(x["deliveries"][0]["status"], "received");
    let (_, after) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}/history"),
        None,
    )
    .await;
    assert_eq!(
        after["items"].as_array().map(Vec::len),
        revisions.map(|n| n + 1)
    );

    // A later answer replaces the recipient's state, kept once.
    let done = answer.replace(
        "<edXML:StatusCode>01</edXML:StatusCode>",
        "<edXML:StatusCode>06</edXML:StatusCode>",
    );
    let (s, v) = send(&app, &admin, "/api/v1/edxml/status", done.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    let (_, doc) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}"),
        None,
    )
    .await;
    let deliveries = doc["content"]["exchange"]["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["status"], "done");
    let (client, _) = login(&app, "admin").await;
    let page = client
        .get(app.url(&format!("/records/documents/{sent}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hoàn thành"), "{page}");
    assert!(page.contains(&post_id));
}

#[tokio::test]
async fn an_acknowledged_document_answers_accepted_and_the_sender_shows_it() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let post = token(&app, "dn-lungcu").await;
    let sent = document_to(&app, &admin, "19/KH-BCH", "BP-LUNGCU").await;
    let url = app.url(&format!("/api/v1/documents/{sent}/edxml"));
    let packet = download(&app, http().get(url).bearer_auth(&admin), &sent).await;
    let (s, got) = receive(&app, &post, packet.as_bytes()).await;
    assert_eq!(s, 201, "{got}");
    let incoming = got["id"].as_str().unwrap().to_string();
    let status_path = got["status_href"].as_str().unwrap().to_string();
    let answer = async || {
        let r = http()
            .get(app.url(&status_path))
            .bearer_auth(&post)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().await.unwrap()
    };
    assert!(
        answer()
            .await
            .contains("<edXML:StatusCode>01</edXML:StatusCode>")
    );

    // The post acknowledges the document it received: it has moved on.
    let (s, v) = api(
        &app,
        &post,
        Method::POST,
        &format!("/api/v1/documents/{incoming}/signoff"),
        Some(json!({"decision": "acknowledged"})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let accepted = answer().await;
    assert!(
        accepted.contains("<edXML:StatusCode>03</edXML:StatusCode>"),
        "{accepted}"
    );
    let (client, _) = login(&app, "dn-lungcu").await;
    let page = client
        .get(app.url(&format!("/records/documents/{incoming}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Tình trạng xử lý ở nơi nhận") && page.contains("Đã tiếp nhận"),
        "{page}"
    );

    // The sender takes the answer in and shows the new state.
    let (s, v) = send(&app, &admin, "/api/v1/edxml/status", accepted.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], sent.as_str());
    assert_eq!(v["status"], "accepted");
    assert_eq!(v["text"], "Đã tiếp nhận");
    let (_, doc) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/documents/{sent}"),
        None,
    )
    .await;
    let deliveries = doc["content"]["exchange"]["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["status"], "accepted");
}
