//! Joint sign-off and acknowledgement (issue 16), as people do it: an
//! administrator gives accounts their positions, a post drafts a document
//! that its commander and the commune's Party secretary must both sign,
//! they sign or return it, an edit voids a signature, recipients
//! acknowledge it themselves (on the server or from their node), and what
//! is late shows on the dashboard and in the briefing report.

use crate::common::{TestApp, api, login, spawn_app, token};
use crate::sync::{node, node_token, run_sync};
use bienphong_domain::access::Role;
use bienphong_domain::signoff::{Decision, Position};
use bienphong_domain::{RecordId, RevisionId};
use bienphong_service::{Actor, AnswerRequest, NewUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const POST: &str = "BP-LUNGCU";
/// The commune as it has stood since the 2025 reform (the test accounts'
/// XA-LUNGCU ended then, and people sign today).
const COMMUNE: &str = "TQ-XA-LUNGCU";

/// An account of the commune of today: `xa-moi` (editor) and `xa-moi-xem`
/// (reader).
async fn commune_accounts(app: &TestApp) {
    for (name, role) in [("xa-moi", Role::Editor), ("xa-moi-xem", Role::Reader)] {
        app.service
            .create_user(
                "test",
                0,
                NewUser {
                    username: name.into(),
                    display_name: name.into(),
                    password: crate::common::password(name),
                    role,
                    unit: COMMUNE.into(),
                    restricted: false,
                },
            )
            .await
            .unwrap();
    }
}

/// `days` before today, as the API writes a day.
fn days_ago(days: i64) -> String {
    bienphong_service::today()
        .checked_sub(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

/// The post's commander and the commune's Party secretary, given their
/// positions by the administrator through the API.
async fn positions(app: &TestApp) -> (String, String, String) {
    commune_accounts(app).await;
    let admin = token(app, "admin").await;
    for (user, held) in [
        ("dn-lungcu", format!("commander@{POST}")),
        ("xa-moi", format!("party_secretary@{COMMUNE}")),
    ] {
        let (position, unit) = held.split_once('@').unwrap();
        let (s, v) = api(
            app,
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{user}/positions"),
            Some(json!({"positions": [{"position": position, "unit": unit}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["positions"][0]["unit"], unit);
    }
    (
        admin,
        token(app, "dn-lungcu").await,
        token(app, "xa-moi").await,
    )
}

fn joint_plan(day: &str) -> Value {
    json!({"date": day, "document_type": "KH", "issuer": "Đồn Biên phòng Lũng Cú",
        "unit": POST, "title": "Kế hoạch phối hợp tuần tra chung quý IV",
        "recipients": [{"unit": COMMUNE}],
        "signers": [{"position": "commander", "unit": POST},
                    {"position": "party_secretary", "unit": COMMUNE}]})
}

fn states(v: &Value) -> Vec<String> {
    v["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signoff_both_sign_one_returns_and_an_edit_after_signing_voids() {
    let app = spawn_app().await;
    let (admin, post, commune) = positions(&app).await;
    // Only an administrator sets positions.
    let (s, _) = api(
        &app,
        &post,
        Method::PUT,
        "/api/v1/users/dn-lungcu/positions",
        Some(json!({"positions": []})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, users) = api(&app, &admin, Method::GET, "/api/v1/users", None).await;
    let commander = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "dn-lungcu")
        .unwrap();
    assert_eq!(commander["positions"][0]["position"], "commander");

    // A draft that both chains must sign goes without a number.
    let (s, doc) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/documents",
        Some(joint_plan(&days_ago(3))),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let id = doc["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/documents/{id}/signoff");
    let (_, v) = api(&app, &post, Method::GET, &path, None).await;
    assert_eq!(states(&v), ["pending", "pending"]);

    // The commune's secretary returns it with a comment; the commander signs.
    let (s, v) = api(
        &app,
        &commune,
        Method::POST,
        &path,
        Some(
            json!({"decision": "returned", "position": "party_secretary",
            "comment": "Bổ sung lực lượng dân quân xã"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = api(
        &app,
        &post,
        Method::POST,
        &path,
        Some(json!({"decision": "signed", "position": "commander",
            "revision": doc["revision"]})),
    )
    .await;
    assert_eq!(states(&v), ["signed", "returned"]);
    assert_eq!(
        v["signers"][1]["answer"]["comment"],
        "Bổ sung lực lượng dân quân xã"
    );
    assert_eq!(v["signers"][0]["answer"]["verified"], true);
    assert_eq!(v["fully_signed"], false);

    // Nobody signs in a position they do not hold; a reader cannot either.
    let reader = token(&app, "xa-moi-xem").await;
    let (s, _) = api(
        &app,
        &reader,
        Method::POST,
        &path,
        Some(json!({"decision": "signed", "position": "party_secretary"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Nor writes an answer through the plain record collection.
    let forged = json!({"record": id, "revision": doc["revision"], "date": days_ago(1),
        "unit": POST, "position": "commander", "signer": "dn-lungcu", "decision": "signed"});
    let (s, _) = api(&app, &post, Method::POST, "/api/v1/signoffs", Some(forged)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The drafters add what was asked: the commander's signature is void.
    let (_, current) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/documents/{id}"),
        None,
    )
    .await;
    let mut content = current["content"].clone();
    content["title"] = json!("Kế hoạch phối hợp tuần tra chung quý IV (có dân quân xã)");
    let (s, edited) = api(
        &app,
        &post,
        Method::PUT,
        &format!("/api/v1/documents/{id}"),
        Some(json!({"revision": current["revision"], "content": content})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    let (_, v) = api(&app, &post, Method::GET, &path, None).await;
    assert_eq!(states(&v), ["void", "pending"]);
    // The page says so.
    let (client, _) = login(&app, "dn-lungcu").await;
    let page = client
        .get(app.url(&format!("/records/documents/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Chữ ký không còn hiệu lực"), "{page}");
    assert!(page.contains("id=\"signoff-form\""));

    // A signature naming the old revision is refused as stale.
    let (s, _) = api(
        &app,
        &post,
        Method::POST,
        &path,
        Some(json!({"decision": "signed", "position": "commander", "revision": doc["revision"]})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Both sign the text as it stands, the commune's secretary on the page.
    api(
        &app,
        &post,
        Method::POST,
        &path,
        Some(json!({"decision": "signed", "position": "commander"})),
    )
    .await;
    let (client, csrf) = login(&app, "xa-moi").await;
    let r = client
        .post(app.url(&format!("/records/documents/{id}/signoff")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("signer", &format!("party_secretary@{COMMUNE}")),
            ("revision", edited["revision"].as_str().unwrap()),
            ("decision", "signed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        format!("/records/documents/{id}?answered").as_str()
    );
    let (_, v) = api(&app, &post, Method::GET, &path, None).await;
    assert_eq!(states(&v), ["signed", "signed"]);
    assert_eq!(v["fully_signed"], true);
    assert_eq!(v["sent"], false, "signed but not yet numbered");

    // Numbering the signed text does not void it: it is then sent.
    let (_, current) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/documents/{id}"),
        None,
    )
    .await;
    let mut content = current["content"].clone();
    content["number"] = json!("07/KH-ĐBP");
    let (s, _) = api(
        &app,
        &post,
        Method::PUT,
        &format!("/api/v1/documents/{id}"),
        Some(json!({"revision": current["revision"], "content": content})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = api(&app, &post, Method::GET, &path, None).await;
    assert_eq!(states(&v), ["signed", "signed"]);
    assert_eq!(v["sent"], true);

    // Every step is audited, refusals too.
    let (_, audit) = api(&app, &admin, Method::GET, "/api/v1/audit?limit=1000", None).await;
    let count = |action: &str, outcome: &str| {
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action && e["outcome"] == outcome)
            .count()
    };
    assert_eq!(count("signoff.sign", "allowed"), 3);
    assert_eq!(count("signoff.return", "allowed"), 1);
    assert_eq!(count("signoff.sign", "refused"), 1);
    assert_eq!(count("user.positions", "allowed"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signoff_recipients_acknowledge_themselves_and_overdue_shows_until_they_do() {
    let app = spawn_app().await;
    let (_, post, commune) = positions(&app).await;
    let title = "Chỉ thị tăng cường quản lý mốc giới";
    let directive = json!({"date": days_ago(20), "document_type": "KH", "number": "05/CT-ĐBP",
        "issuer": "Đồn Biên phòng Lũng Cú", "unit": POST, "title": title,
        "recipients": [{"unit": COMMUNE}],
        "actions": [{"text": "Rà soát mốc 424–426", "owner_unit": COMMUNE, "due": days_ago(2)}]});
    let (s, doc) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/documents",
        Some(directive),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let id = doc["id"].as_str().unwrap().to_string();

    // Not acknowledged five days after, and the action late: both overdue.
    let (_, overdue) = api(&app, &post, Method::GET, "/api/v1/overdue", None).await;
    let mine: Vec<&Value> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["document"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 2, "{overdue}");
    assert!(
        mine.iter()
            .any(|o| o["kind"] == "acknowledgement" && o["unit"] == COMMUNE)
    );
    assert!(
        mine.iter()
            .any(|o| o["kind"] == "action" && o["action"] == 0)
    );
    let (client, _) = login(&app, "dn-lungcu").await;
    let dashboard = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("id=\"overdue\"") && dashboard.contains(title));
    let quarter_of = |day: &str| {
        let d: jiff::civil::Date = day.parse().unwrap();
        // Decree 09: from the 15th of the quarter's last month, the next.
        let (y, m) = if d.month() == 12 && d.day() >= 15 {
            (d.year() + 1, 1)
        } else if d.day() >= 15 {
            (d.year(), d.month() + 1)
        } else {
            (d.year(), d.month())
        };
        (y, (m - 1) / 3 + 1)
    };
    let (year, quarter) = quarter_of(&bienphong_service::today().to_string());
    let briefing = client
        .get(app.url(&format!(
            "/briefings/{COMMUNE}/download?year={year}&quarter={quarter}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        briefing.contains("Văn bản quá hạn") && briefing.contains(title),
        "{briefing}"
    );

    // A reader of the commune may not acknowledge; its editor does, and
    // reports the action done.
    let reader = token(&app, "xa-moi-xem").await;
    let path = format!("/api/v1/documents/{id}/signoff");
    let (s, _) = api(
        &app,
        &reader,
        Method::POST,
        &path,
        Some(json!({"decision": "acknowledged"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = api(
        &app,
        &commune,
        Method::POST,
        &path,
        Some(json!({"decision": "acknowledged",
            "actions": [{"action": 0, "status": "done", "note": "Đã rà soát"}]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["answers"][0]["unit"], COMMUNE);
    assert_eq!(v["answers"][0]["decision"], "acknowledged");
    assert!(v["overdue"].as_array().unwrap().is_empty(), "{v}");
    let (_, overdue) = api(&app, &post, Method::GET, "/api/v1/overdue", None).await;
    assert!(
        !overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["document"] == id.as_str()),
        "{overdue}"
    );
    // The dashboard keeps what is overdue per store state: the answer is a
    // new state, so the page no longer lists the document.
    let dashboard = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!dashboard.contains(title), "{dashboard}");
    // A unit that is no recipient cannot acknowledge it.
    let (s, _) = api(
        &app,
        &post,
        Method::POST,
        &path,
        Some(json!({"decision": "acknowledged", "unit": POST})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

fn sign(position: Position, unit: &str) -> AnswerRequest {
    AnswerRequest {
        decision: Decision::Signed,
        position: Some(position),
        unit: Some(bienphong_domain::org::Code::parse(unit).unwrap()),
        comment: Default::default(),
        revision: None,
        actions: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signoff_on_nodes_offline_syncs_claimed_or_verified_by_who_pushed_it() {
    let app = spawn_app().await;
    let (_, post, _) = positions(&app).await;
    let (_, doc) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/documents",
        Some(joint_plan(&days_ago(3))),
    )
    .await;
    let id: RecordId = doc["id"].as_str().unwrap().parse().unwrap();
    let revision: RevisionId = doc["revision"].as_str().unwrap().parse().unwrap();

    // The post's node (its node token) and the commune's (the secretary's
    // own token) take the draft, then go offline.
    let mut post_node = node(&app, &node_token(&app, POST).await).await;
    let mut commune_node = node(&app, &token(&app, "xa-moi").await).await;
    run_sync(&mut post_node).await;
    run_sync(&mut commune_node).await;
    let offline = |name: &str| Actor {
        name: format!("os:{name}"),
        now_ms: bienphong_service::now_ms(),
    };
    let signed = post_node
        .service
        .answer_local(
            &offline("dn"),
            id,
            sign(Position::Commander, POST),
            "dn-lungcu",
            "Nguyễn Văn Đồn",
        )
        .await
        .unwrap();
    commune_node
        .service
        .answer_local(
            &offline("xa"),
            id,
            sign(Position::PartySecretary, COMMUNE),
            "xa-moi",
            "Hoàng Thị Xã",
        )
        .await
        .unwrap();
    // The commune also acknowledges receipt from its node.
    let mut ack = sign(Position::PartySecretary, COMMUNE);
    ack.decision = Decision::Acknowledged;
    ack.position = None;
    commune_node
        .service
        .answer_local(&offline("xa"), id, ack, "xa-moi", "")
        .await
        .unwrap();
    // Offline, each node knows only its own signature.
    let local = post_node.service.signoff_of(id).await.unwrap();
    assert_eq!(local.signers[0].1.as_str(), "signed");
    assert_eq!(local.signers[1].1.as_str(), "pending");

    run_sync(&mut post_node).await;
    run_sync(&mut commune_node).await;
    let (_, v) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/documents/{id}/signoff"),
        None,
    )
    .await;
    assert_eq!(states(&v), ["signed", "signed"], "{v}");
    assert_eq!(v["fully_signed"], true);
    for a in v["signers"].as_array().unwrap() {
        assert_eq!(a["answer"]["revision"], revision.to_string());
    }
    // Pushed by the post's node token: the commander's name is a claim.
    // Pushed with the secretary's own credentials: verified.
    assert_eq!(v["signers"][0]["answer"]["verified"], false);
    assert_eq!(v["signers"][0]["answer"]["signer"], "dn-lungcu");
    assert_eq!(v["signers"][1]["answer"]["verified"], true);
    assert!(
        v["answers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["decision"] == "acknowledged" && a["unit"] == COMMUNE)
    );
    // The post's node learns the commune's signature at its next sync.
    run_sync(&mut post_node).await;
    let local = post_node.service.signoff_of(id).await.unwrap();
    assert!(local.fully_signed);
    assert_eq!(
        post_node
            .service
            .raw_answers(id)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.record_id == signed.record_id)
            .count(),
        1
    );
}
