//! Personal-data duties (issue 20 items 4–6): a child's details need the
//! consents the law asks for on every path; personal data is never cached
//! and its reads are audited with the records seen; a data subject's
//! requests are registered, what is held about them exported and erased —
//! on the server, on the nodes, and in every later sync.

use crate::common::{TestApp, api, login, spawn_app, token};
use crate::sync::{node, node_token, push_as, run_sync};
use bienphong_domain::{RecordType, Revision, RevisionId};
use bienphong_store::{AccountStore, AuditFilter, BlobStore, PersonalStore, Store};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A programme of Lũng Cú for children, made through the API.
async fn programme(app: &TestApp, admin: &str) -> String {
    let (s, p) = api(
        app,
        admin,
        Method::POST,
        "/api/v1/programmes",
        Some(json!({"programme": "CNDBP", "sponsor_unit": "BP-LUNGCU",
            "beneficiary_kind": "child", "start": "2024-03-10", "monthly_amount": 500000})),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_string()
}

/// The foster child of the issue: born in 2015, of the Mông people.
fn foster_child(programme: &str, extra: Value) -> Value {
    let mut v = json!({"programme_record": programme, "name": "Giàng Thị Mai",
        "birth_year": 2015, "ethnicity": "Mông"});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

#[tokio::test]
async fn a_childs_details_need_both_consents_through_the_api_and_the_form() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let p = programme(&app, &admin).await;
    let before = crate::common::record_count(&app).await;
    let cases = [
        (json!({}), "consent_on"),
        (json!({"consent_on": "2024-03-01"}), "guardian"),
        (
            json!({"consent_on": "2024-03-01", "guardian": "Giàng A Páo (bố)"}),
            "child_consent_on",
        ),
    ];
    for (extra, field) in cases {
        let (s, v) = api(
            &app,
            &admin,
            Method::POST,
            "/api/v1/beneficiaries",
            Some(foster_child(&p, extra)),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["fields"][0]["field"], field, "{v}");
    }
    // The form says it in Vietnamese beside the field, and writes nothing.
    let (client, csrf) = login(&app, "admin").await;
    let r = client
        .post(app.url("/records/beneficiaries/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("programme_record", p.as_str()),
            ("name", "Giàng Thị Mai"),
            ("birth_year", "2015"),
            ("ethnicity", "Mông"),
            ("guardian", "Giàng A Páo (bố)"),
            ("consent_on", "01/03/2024"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"error-child_consent_on\">bắt buộc: trẻ em từ đủ 7 tuổi"),
        "{page}"
    );
    assert_eq!(crate::common::record_count(&app).await, before);
    // With both consents it is kept as entered.
    let full = foster_child(
        &p,
        json!({"consent_on": "2024-03-01", "guardian": "Giàng A Páo (bố)",
            "child_consent_on": "2024-03-01"}),
    );
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/beneficiaries",
        Some(full.clone()),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, shown) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/beneficiaries/{}", v["id"].as_str().unwrap()),
        None,
    )
    .await;
    for (k, x) in full.as_object().unwrap() {
        assert_eq!(&shown["content"][k], x, "{k}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_push_of_a_childs_details_without_consent_is_refused() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    // A Lũng Cú child the node holds, its consents taken out by hand (an
    // older program, an edited backup).
    let held = n.service.store().revisions().await.unwrap();
    let child = held
        .iter()
        .rev()
        .find(|r| {
            r.record_type == RecordType::Beneficiary && r.content.contains("child_consent_on")
        })
        .expect("a Lũng Cú child of 7 or more in the demo");
    let mut v: Value = serde_json::from_str(&child.content).unwrap();
    v.as_object_mut().unwrap().remove("child_consent_on");
    let forged = Revision {
        id: RevisionId::new(),
        parents: vec![child.id],
        node_id: n.service.store().node_id(),
        content: v.to_string(),
        ..child.clone()
    };
    let before = app.service.store().revision_count().await.unwrap();
    let err = push_as(&app, &t, forged.node_id, vec![forged])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(app.service.store().revision_count().await.unwrap(), before);
    assert!(
        crate::sync::refusals(&app)
            .await
            .iter()
            .any(|d| d.contains("without the consent the law requires")),
    );
}

/// Sends `path` with the admin's token and answers its Cache-Control.
async fn cache_control(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let r = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.headers()
        .get(reqwest::header::CACHE_CONTROL)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn personal_data_is_never_cached_and_its_reads_name_the_records_seen() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let bearer = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {admin}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let (_, list) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/beneficiaries?limit=5",
        None,
    )
    .await;
    let ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    let (client, _) = login(&app, "admin").await;
    for (c, path) in [
        (&bearer, "/api/v1/beneficiaries?limit=5".to_string()),
        (&bearer, format!("/api/v1/beneficiaries/{}", ids[0])),
        (&client, format!("/records/beneficiaries/{}", ids[0])),
        (&client, "/records/beneficiaries".to_string()),
    ] {
        assert_eq!(cache_control(&app, c, &path).await, "no-store", "{path}");
    }
    // Static files may still be cached.
    let css = crate::common::http()
        .get(app.url("/static/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_ne!(css.headers()[reqwest::header::CACHE_CONTROL], "no-store");
    // The list's read is audited with the ids it showed.
    let entries = app
        .service
        .store()
        .audit(&AuditFilter {
            action: Some("restricted.read".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let listed = entries
        .iter()
        .find(|e| e.detail.starts_with("5 records listed: "))
        .expect("the list of five is audited");
    for id in &ids {
        assert!(
            listed.detail.contains(id.as_str()),
            "{id}: {}",
            listed.detail
        );
    }
}

/// The names a revision's content gives people, read independently of
/// the program's matching: beneficiaries' and case subjects' names.
fn names_in(r: &Revision) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<Value>(&r.content) else {
        return vec![];
    };
    match r.record_type {
        RecordType::Beneficiary => v["name"].as_str().map(str::to_string).into_iter().collect(),
        RecordType::CaseSubjects => v["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

fn holds_name(revisions: &[Revision], name: &str) -> Vec<Revision> {
    revisions
        .iter()
        .filter(|r| names_in(r).iter().any(|n| n == name))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_subject_is_exported_then_erased_everywhere_and_the_audit_keeps_the_fact() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let on_node = n.service.store().revisions().await.unwrap();
    let child = on_node
        .iter()
        .find(|r| r.record_type == RecordType::Beneficiary && !r.deleted)
        .expect("Lũng Cú children in the demo")
        .clone();
    let name = names_in(&child).remove(0);
    let before_node = holds_name(&on_node, &name);
    assert!(!before_node.is_empty());
    // The pull that brought it is audited with the records it carried.
    let pulled = app
        .service
        .store()
        .audit(&AuditFilter {
            action: Some("restricted.read".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        pulled
            .iter()
            .any(|e| e.detail.contains("restricted revisions pulled")
                && e.detail.contains(&child.record_id.to_string())),
        "{pulled:?}"
    );

    // The request, due two working days later.
    let (s, req) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/data-subjects/requests",
        Some(json!({"person": name, "kind": "erasure", "received": "08/01/2026"})),
    )
    .await;
    assert_eq!(s, 201, "{req}");
    assert_eq!(req["due_on"], "2026-01-12", "Thursday → Monday");
    assert_eq!(req["state"], "open");

    // The export holds exactly the records naming them, with history.
    let server_all = app.service.store().revisions().await.unwrap();
    let naming: BTreeSet<String> = holds_name(&server_all, &name)
        .iter()
        .map(|r| r.record_id.to_string())
        .collect();
    let (s, data) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/data-subjects/export?person={}", urlencode(&name)),
        None,
    )
    .await;
    assert_eq!(s, 200, "{data}");
    let exported: BTreeSet<String> = data["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(exported, naming);
    for r in data["records"].as_array().unwrap() {
        let history = r["history"].as_array().unwrap();
        assert!(!history.is_empty());
        assert!(
            history
                .iter()
                .any(|h| h["content"].to_string().contains(&name)),
            "{r}"
        );
    }
    assert_eq!(data["requests"][0]["id"], req["id"]);
    // Its read is audited with the records seen.
    let audit = |action: &str| {
        let action = action.to_string();
        let app = &app;
        async move {
            app.service
                .store()
                .audit(&AuditFilter {
                    action: Some(action),
                    limit: 1000,
                    ..Default::default()
                })
                .await
                .unwrap()
        }
    };
    let reads = audit("restricted.read").await;
    let export_read = reads
        .iter()
        .find(|e| e.detail.starts_with("data subject export"))
        .unwrap();
    for id in &naming {
        assert!(export_read.detail.contains(id.as_str()));
    }

    // Erased: gone from the records now and from their history.
    let (s, erased) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/data-subjects/erasures",
        Some(json!({"person": name, "request": req["id"]})),
    )
    .await;
    assert_eq!(s, 200, "{erased}");
    assert_eq!(erased["items"].as_array().unwrap().len(), naming.len());
    let server_after = app.service.store().revisions().await.unwrap();
    assert!(holds_name(&server_after, &name).is_empty());
    assert_eq!(server_after.len(), server_all.len() + naming.len());
    for id in &naming {
        let id = id.parse().unwrap();
        if let Some(now) = app.service.store().get(id).await.unwrap() {
            assert!(!now.content.contains(&name));
        }
    }
    let (_, data) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/data-subjects/export?person={}", urlencode(&name)),
        None,
    )
    .await;
    assert!(data["records"].as_array().unwrap().is_empty(), "{data}");
    assert_eq!(data["requests"][0]["state"], "answered");
    // The audit keeps that it happened, by whom, of which records — not
    // the data.
    let erasures = audit("personal.erase").await;
    let audited: BTreeSet<String> = erasures
        .iter()
        .map(|e| e.record_id.clone().unwrap())
        .collect();
    assert_eq!(audited, naming);
    assert!(
        erasures
            .iter()
            .all(|e| !e.detail.contains(&name) && e.actor.starts_with("admin"))
    );
    assert_eq!(
        app.service.store().erasures().await.unwrap().len(),
        naming.len()
    );

    // The node erases it at its next sync, and notes it.
    run_sync(&mut n).await;
    let node_after = n.service.store().revisions().await.unwrap();
    assert!(holds_name(&node_after, &name).is_empty());
    assert!(
        n.service
            .store()
            .get(child.record_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!n.service.store().erasures().await.unwrap().is_empty());
    // Its revision set is still the server's for its scope.
    let check = bienphong_sync::client::check(
        n.service.store(),
        &bienphong_sync::client::Client::new(&n.state.server, &n.state.token).unwrap(),
        &n.state,
    )
    .await
    .unwrap();
    assert!(check.equal(), "{check:?}");

    // A new node never receives it.
    let t2 = node_token(&app, "BP-LUNGCU").await;
    let mut fresh = node(&app, &t2).await;
    run_sync(&mut fresh).await;
    let fresh_all = fresh.service.store().revisions().await.unwrap();
    assert!(!fresh_all.is_empty());
    assert!(holds_name(&fresh_all, &name).is_empty());

    // What the node held before cannot bring it back: the same revisions
    // are skipped as present, an edit made before it learnt of the
    // erasure is refused.
    let _ = push_as(&app, &t, n.service.store().node_id(), before_node.clone()).await;
    let mut stale = child.clone();
    stale.id = RevisionId::new();
    stale.parents = vec![child.id];
    stale.node_id = n.service.store().node_id();
    let err = push_as(&app, &t, stale.node_id, vec![stale])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert!(holds_name(&app.service.store().revisions().await.unwrap(), &name).is_empty());
    assert!(
        crate::sync::refusals(&app)
            .await
            .iter()
            .any(|d| d.contains("erased"))
    );
}

/// The records that hold people's data: restricted ones and files.
fn personal(t: RecordType) -> bool {
    matches!(
        t,
        RecordType::Beneficiary | RecordType::CaseSubjects | RecordType::Attachment
    )
}

/// A person's files go with their records (those the same bytes serve
/// elsewhere stay), and a node's own revision of the record that the
/// server refused after the erasure — set aside, never sent — is cleared
/// on the node too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_takes_the_persons_files_and_what_a_node_set_aside() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let child = n
        .service
        .store()
        .revisions()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.record_type == RecordType::Beneficiary && !r.deleted)
        .expect("Lũng Cú children in the demo");
    let name = names_in(&child).remove(0);
    let programme: bienphong_domain::RecordId = serde_json::from_str::<Value>(&child.content)
        .unwrap()["programme_record"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // Two files of the child: one theirs alone, named after them; one
    // whose bytes the programme's own file shares.
    let actor = bienphong_service::Actor {
        name: "admin".into(),
        now_ms: 1,
    };
    let own = format!("Giấy khai sinh của {name}.\n").into_bytes();
    let shared = b"Danh sach nhan ho tro thang 3.\n".to_vec();
    let own_hash = bienphong_store::sha256_hex(&own);
    let shared_hash = bienphong_store::sha256_hex(&shared);
    let file_name = format!("{name} - khai sinh.txt");
    for (record, file, bytes) in [
        (child.record_id, file_name.as_str(), &own),
        (child.record_id, "danh-sach.txt", &shared),
        (programme, "danh-sach.txt", &shared),
    ] {
        app.service
            .attach(&actor, record, file, bytes.clone(), 1 << 20)
            .await
            .unwrap();
    }
    run_sync(&mut n).await;
    let node_store = n.service.store();
    for h in [&own_hash, &shared_hash] {
        assert!(
            node_store.blob(h).await.unwrap().is_some(),
            "{h} on the node"
        );
    }

    // The node changes the child offline (a revision of its own); the
    // province erases the child meanwhile.
    let head = node_store.head(child.record_id).await.unwrap().unwrap();
    let mut changed: Value = serde_json::from_str(&child.content).unwrap();
    changed["ethnicity"] = json!("Dao");
    let offline = node_store
        .commit(vec![bienphong_store::Write {
            record_id: child.record_id,
            record_type: RecordType::Beneficiary,
            content: Some(
                bienphong_domain::Content::from_json(RecordType::Beneficiary, &changed.to_string())
                    .unwrap(),
            ),
            parent: Some(head.revision_id),
            resolves: Vec::new(),
            author: "dn-lungcu".into(),
            created_ms: 2,
            revision_id: None,
        }])
        .await
        .unwrap()
        .remove(0);
    let done = app
        .service
        .erase_person("admin", 3, &name, None)
        .await
        .unwrap();
    let links: Vec<_> = done
        .iter()
        .filter(|e| e.record_type == RecordType::Attachment)
        .collect();
    assert_eq!(links.len(), 2, "{done:?}");
    let server = app.service.store();
    assert!(server.blob(&own_hash).await.unwrap().is_none());
    assert!(server.blob(&shared_hash).await.unwrap().is_some());
    assert!(
        server
            .revisions()
            .await
            .unwrap()
            .iter()
            .filter(|r| personal(r.record_type))
            .all(|r| !r.content.contains(&name)),
        "no revision on the server names them, nor a file named after them"
    );
    // The audit keeps each erasure, files included, without the name.
    let audited = server
        .audit(&AuditFilter {
            action: Some("personal.erase".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    for e in &links {
        let id = e.record_id.to_string();
        assert!(
            audited
                .iter()
                .any(|a| a.record_id.as_deref() == Some(id.as_str()))
        );
    }
    assert!(audited.iter().all(|a| !a.detail.contains(&name)));

    // The next sync: the server refuses the offline revision (set aside),
    // the erasure arrives and clears it with the rest, and the file goes.
    let report = run_sync(&mut n).await;
    assert!(
        report.refused.iter().any(|r| r.id == offline.id),
        "{:?}",
        report.refused
    );
    assert!(n.state.set_aside_ids().contains(&offline.id));
    let node_store = n.service.store();
    let kept = node_store.revisions().await.unwrap();
    assert!(kept.iter().any(|r| r.id == offline.id), "kept, cleared");
    assert!(
        kept.iter()
            .filter(|r| personal(r.record_type))
            .all(|r| !r.content.contains(&name)),
        "{:?}",
        kept.iter()
            .filter(|r| personal(r.record_type) && r.content.contains(&name))
            .map(|r| (r.id, r.record_type, &r.content))
            .collect::<Vec<_>>()
    );
    assert!(node_store.blob(&own_hash).await.unwrap().is_none());
    assert!(node_store.blob(&shared_hash).await.unwrap().is_some());
    // A later sync does not bring the file back.
    run_sync(&mut n).await;
    assert!(n.service.store().blob(&own_hash).await.unwrap().is_none());
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn the_aggregate_only_channel_from_the_api_and_the_report_page() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (s, v) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/reports/annual?year=2023&format=json&aggregate_only=true",
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["channel"], "aggregate_only");
    let tables = v["tables"].as_array().unwrap();
    assert!(!tables.is_empty());
    for t in tables {
        for row in t["rows"].as_array().unwrap() {
            for cell in row.as_array().unwrap() {
                if let Some(n) = cell.as_i64() {
                    assert!(n == 0 || n >= 5, "{row}");
                }
            }
        }
    }
    // The page offers it, and its download states the channel.
    let (client, _) = login(&app, "admin").await;
    let page = client
        .get(app.url("/reports?period=annual&year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"download-aggregate-csv\""), "{page}");
    let r = client
        .get(app.url("/reports/download?period=annual&year=2023&format=csv&aggregate_only=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[reqwest::header::CACHE_CONTROL], "no-store");
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Nghị định 09/2019/NĐ-CP"), "{csv}");
    assert!(csv.contains("<5") || csv.contains(",x"), "{csv}");
}

/// A post with no link: the erasure reaches it in the server's reply
/// bundle, written to a file and read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_reaches_a_node_that_only_exchanges_bundles() {
    use bienphong_sync::bundle::{Bundle, answer_on_server, export_from_node, import_on_node};
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let who = app.service.token_principal(&t).await.unwrap().unwrap();
    let mut n = node(&app, &t).await;
    let dir = tempfile::tempdir().unwrap();
    let exchange = async |n: &mut crate::sync::Node| {
        let out = export_from_node(n.service.store(), &n.state, 0)
            .await
            .unwrap();
        let (_, reply) = answer_on_server(&app.service, &who, 0, out).await.unwrap();
        let file = dir.path().join("reply.bpb");
        reply.write(&file).unwrap();
        import_on_node(
            n.service.store(),
            &mut n.state,
            Bundle::read(&file).unwrap(),
            0,
        )
        .await
        .unwrap();
    };
    exchange(&mut n).await;
    let held = n.service.store().revisions().await.unwrap();
    let child = held
        .iter()
        .find(|r| r.record_type == RecordType::Beneficiary && !r.deleted)
        .unwrap()
        .clone();
    let name = names_in(&child).remove(0);
    assert!(!holds_name(&held, &name).is_empty());
    let done = app
        .service
        .erase_person("admin", 1, &name, None)
        .await
        .unwrap();
    assert!(!done.is_empty());
    exchange(&mut n).await;
    assert!(holds_name(&n.service.store().revisions().await.unwrap(), &name).is_empty());
    assert!(
        n.service
            .store()
            .get(child.record_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        n.service.store().erasures().await.unwrap().len(),
        done.iter()
            .filter(|e| held.iter().any(|r| r.record_id == e.record_id))
            .count()
    );
}

#[tokio::test]
async fn the_register_of_requests_is_a_page_for_administrators() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (s, _) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/data-subjects/requests",
        Some(json!({"person": "Giàng Thị Mai", "kind": "access", "received": "2026-01-09"})),
    )
    .await;
    assert_eq!(s, 201);
    let (client, _) = login(&app, "admin").await;
    let r = client.get(app.url("/admin/subjects")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[reqwest::header::CACHE_CONTROL], "no-store");
    let page = r.text().await.unwrap();
    for words in [
        "Giàng Thị Mai",
        "xem dữ liệu",
        "09/01/2026",
        "13/01/2026",
        "đang xử lý",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    let (client, _) = login(&app, "dn-lungcu").await;
    let r = client.get(app.url("/admin/subjects")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (s, _) = api(
        &app,
        &token(&app, "dn-lungcu-mat").await,
        Method::GET,
        "/api/v1/data-subjects/requests",
        None,
    )
    .await;
    assert_eq!(s, 403);
}
