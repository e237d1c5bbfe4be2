//! Sync between the province's server (in process, port 0, over the demo)
//! and post nodes (empty SQLite stores), through the real HTTP routes.

mod common;

use bienphong_domain::{Content, RecordType, Revision, RevisionId};
use bienphong_service::{Actor, Service};
use bienphong_store::{AccountStore, SqlStore, Store};
use bienphong_sync::bundle::{Bundle, answer_on_server, export_from_node, import_on_node};
use bienphong_sync::client::{Client, NodeState, SyncReport, sync};
use bienphong_sync::{SyncError, wire};
use common::{TestApp, login, spawn_app, token};
use std::collections::BTreeSet;

/// A node token an administrator creates for `unit`.
async fn node_token(app: &TestApp, unit: &str) -> String {
    let (client, csrf) = login(app, "admin").await;
    let r = client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"name": format!("node {unit}"), "node_unit": unit}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["token"].as_str().unwrap().to_string()
}

struct Node {
    _dir: tempfile::TempDir,
    service: Service<SqlStore>,
    state: NodeState,
}

async fn node(app: &TestApp, token: &str) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open_sqlite(&dir.path().join("node.sqlite"))
        .await
        .unwrap();
    Node {
        _dir: dir,
        service: Service::new(store),
        state: NodeState::new(&app.base, token),
    }
}

async fn run_sync(n: &mut Node) -> SyncReport {
    let client = Client::new(&n.state.server, &n.state.token).unwrap();
    sync(
        n.service.store(),
        &client,
        &mut n.state,
        false,
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .await
    .unwrap()
}

fn patrol(lead: &str, day: &str, persons: u32) -> Content {
    let v = serde_json::json!({"date": day, "lead_unit": lead, "partner_units": [],
        "kind": "joint", "participants": [{"force": "BDBP", "persons": persons}]});
    Content::from_json(RecordType::Patrol, &v.to_string()).unwrap()
}

fn ids(revisions: &[Revision]) -> BTreeSet<RevisionId> {
    revisions.iter().map(|r| r.id).collect()
}

/// The server's revisions that `token`'s grant may read.
async fn server_scope(app: &TestApp, token: &str) -> BTreeSet<RevisionId> {
    let who = app.service.token_principal(token).await.unwrap().unwrap();
    let reply = bienphong_sync::bundle::reply_from_server(&app.service, &who, 0, 0, None)
        .await
        .unwrap();
    ids(&reply.revisions)
}

async fn node_ids(n: &Node) -> BTreeSet<RevisionId> {
    ids(&n.service.store().revisions().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_province_and_two_posts_converge_after_offline_work() {
    let app = spawn_app().await;
    let t1 = node_token(&app, "BP-LUNGCU").await;
    let t2 = node_token(&app, "BP-XINMAN").await;
    let mut a = node(&app, &t1).await;
    let mut b = node(&app, &t2).await;
    // First syncs bring the organisation, catalogues and each post's records.
    let first = run_sync(&mut a).await;
    assert!(first.applied > 100, "{first:?}");
    run_sync(&mut b).await;
    assert_eq!(node_ids(&a).await, server_scope(&app, &t1).await);
    assert!(
        a.service.store().revision_count().await.unwrap()
            < app.service.store().revision_count().await.unwrap()
    );

    // Offline work on both posts and at the province.
    let actor = Actor {
        name: "node".into(),
        now_ms: 1,
    };
    let ra = a
        .service
        .add(&actor, patrol("BP-LUNGCU", "2025-03-01", 5))
        .await
        .unwrap();
    a.service
        .edit(
            &actor,
            ra.record_id,
            None,
            patrol("BP-LUNGCU", "2025-03-01", 6),
        )
        .await
        .unwrap();
    let rb = b
        .service
        .add(&actor, patrol("BP-XINMAN", "2025-03-02", 4))
        .await
        .unwrap();
    b.service.delete(&actor, rb.record_id, None).await.unwrap();
    let province = app
        .service
        .add(&actor, patrol("BP-LUNGCU", "2025-03-03", 9))
        .await
        .unwrap();

    run_sync(&mut a).await;
    run_sync(&mut b).await;
    run_sync(&mut a).await;

    let server_all = ids(&app.service.store().revisions().await.unwrap());
    for r in [&ra, &rb, &province] {
        assert!(server_all.contains(&r.id));
    }
    assert_eq!(node_ids(&a).await, server_scope(&app, &t1).await);
    assert_eq!(node_ids(&b).await, server_scope(&app, &t2).await);
    assert!(node_ids(&a).await.contains(&province.id));
    assert!(
        !node_ids(&a).await.contains(&rb.id),
        "another post's record"
    );
    // No duplicates anywhere: counts equal the sets.
    assert_eq!(
        app.service.store().revision_count().await.unwrap() as usize,
        server_all.len()
    );
    assert!(a.service.store().verify_derived().await.unwrap());
    // Nothing moves on a sync with nothing new.
    let idle = run_sync(&mut a).await;
    assert_eq!((idle.pushed, idle.applied), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_batches_twice_and_reordered_change_nothing() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let who = app.service.token_principal(&t).await.unwrap().unwrap();
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let actor = Actor {
        name: "node".into(),
        now_ms: 1,
    };
    let r1 = n
        .service
        .add(&actor, patrol("BP-LUNGCU", "2025-04-01", 3))
        .await
        .unwrap();
    let r2 = n
        .service
        .edit(
            &actor,
            r1.record_id,
            None,
            patrol("BP-LUNGCU", "2025-04-01", 4),
        )
        .await
        .unwrap();
    let before = app.service.store().revision_digest().await.unwrap();
    // Child first, then the parent, then both again.
    let s = &app.service;
    let got = bienphong_sync::server::push(s, &who, 0, vec![r2.clone()])
        .await
        .unwrap();
    assert_eq!(got.received, 1);
    bienphong_sync::server::push(s, &who, 0, vec![r1.clone()])
        .await
        .unwrap();
    let again = bienphong_sync::server::push(s, &who, 0, vec![r1.clone(), r2.clone()])
        .await
        .unwrap();
    assert_eq!((again.received, again.present), (0, 2));
    let after = app.service.store().revision_digest().await.unwrap();
    assert_eq!(after.0, before.0 + 2);
    let head = app
        .service
        .store()
        .head(r1.record_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(head.revision_id, r2.id);
    assert!(app.service.store().verify_derived().await.unwrap());
    // A pull batch applied twice on the node adds nothing.
    let page = bienphong_sync::server::pull(
        s,
        &who,
        0,
        wire::PullRequest {
            after: 0,
            limit: 500,
            exclude_node: None,
        },
    )
    .await
    .unwrap();
    let count = n.service.store().revision_count().await.unwrap();
    assert_eq!(
        n.service
            .store()
            .import(page.revisions.clone())
            .await
            .unwrap(),
        0
    );
    assert_eq!(n.service.store().revision_count().await.unwrap(), count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_refuses_another_posts_records_and_audits() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    // A revision for another post, forged on the node's side.
    let forged = Revision {
        id: RevisionId::new(),
        record_id: bienphong_domain::RecordId::new(),
        record_type: RecordType::Patrol,
        parents: vec![],
        node_id: n.service.store().node_id(),
        author: "node".into(),
        created_ms: 1,
        deleted: false,
        content: patrol("BP-XINMAN", "2025-05-01", 2).to_json(),
    };
    let mine = n
        .service
        .add(
            &Actor {
                name: "node".into(),
                now_ms: 1,
            },
            patrol("BP-LUNGCU", "2025-05-01", 2),
        )
        .await
        .unwrap();
    let before = app.service.store().revision_count().await.unwrap();
    let client = Client::new(&app.base, &t).unwrap();
    n.service
        .store()
        .import(vec![forged.clone()])
        .await
        .unwrap();
    let err = sync(
        n.service.store(),
        &client,
        &mut n.state,
        false,
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 403, .. }),
        "{err}"
    );
    // All or nothing: the allowed record of the same batch is not written.
    assert_eq!(app.service.store().revision_count().await.unwrap(), before);
    assert!(!ids(&app.service.store().revisions().await.unwrap()).contains(&mine.id));
    let audit = app
        .service
        .store()
        .audit(&bienphong_store::AuditFilter {
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "sync.push"
        && e.outcome == "refused"
        && e.record_id.as_deref() == Some(&forged.record_id.to_string())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_withholds_personal_data_without_the_grant() {
    let app = spawn_app().await;
    let restricted = node_token(&app, "BP-LUNGCU").await;
    let plain = token(&app, "dn-lungcu").await;
    let mut with = node(&app, &restricted).await;
    let mut without = node(&app, &plain).await;
    run_sync(&mut with).await;
    run_sync(&mut without).await;
    let personal = |revs: Vec<Revision>| {
        revs.iter()
            .filter(|r| r.record_type.is_restricted())
            .count()
    };
    assert!(personal(with.service.store().revisions().await.unwrap()) > 0);
    assert_eq!(
        personal(without.service.store().revisions().await.unwrap()),
        0
    );
    // The rest is the same, and complete for the grant.
    assert_eq!(node_ids(&without).await, server_scope(&app, &plain).await);
    assert!(without.service.store().verify_derived().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_by_bundle_both_ways_applied_twice_changes_nothing() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let who = app.service.token_principal(&t).await.unwrap().unwrap();
    let mut n = node(&app, &t).await;
    let dir = tempfile::tempdir().unwrap();
    // The first exchange on a stick: the node has nothing yet.
    let out = export_from_node(n.service.store(), &n.state, 0)
        .await
        .unwrap();
    out.write(&dir.path().join("node.bpb")).unwrap();
    let (received, reply) = answer_on_server(
        &app.service,
        &who,
        0,
        Bundle::read(&dir.path().join("node.bpb")).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(received, 0);
    reply.write(&dir.path().join("reply.bpb")).unwrap();
    let reply = Bundle::read(&dir.path().join("reply.bpb")).unwrap();
    let new = import_on_node(n.service.store(), &mut n.state, reply.clone())
        .await
        .unwrap();
    assert!(new > 100);
    assert_eq!(
        import_on_node(n.service.store(), &mut n.state, reply)
            .await
            .unwrap(),
        0
    );
    assert_eq!(node_ids(&n).await, server_scope(&app, &t).await);
    // Offline work goes back the same way, twice.
    let r = n
        .service
        .add(
            &Actor {
                name: "node".into(),
                now_ms: 1,
            },
            patrol("BP-LUNGCU", "2025-06-01", 7),
        )
        .await
        .unwrap();
    let out = export_from_node(n.service.store(), &n.state, 0)
        .await
        .unwrap();
    let (received, _) = answer_on_server(&app.service, &who, 0, out.clone())
        .await
        .unwrap();
    assert!(received >= 1);
    let count = app.service.store().revision_count().await.unwrap();
    answer_on_server(&app.service, &who, 0, out).await.unwrap();
    assert_eq!(app.service.store().revision_count().await.unwrap(), count);
    assert!(ids(&app.service.store().revisions().await.unwrap()).contains(&r.id));
    // A damaged bundle is refused and writes nothing.
    let mut bytes = std::fs::read(dir.path().join("reply.bpb")).unwrap();
    bytes.truncate(bytes.len() / 2);
    assert!(matches!(
        Bundle::from_bytes(&bytes),
        Err(SyncError::BadBundle(_))
    ));
    assert!(matches!(
        Bundle::from_bytes(b"hello"),
        Err(SyncError::BadBundle(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_of_one_new_record_moves_under_5_kb() {
    let app = spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    let first = run_sync(&mut n).await;
    let year = first.bytes_received;
    eprintln!(
        "initial sync of BP-LUNGCU: {} revisions, {} bytes received, {} sent",
        first.applied, year, first.bytes_sent
    );
    n.service
        .add(
            &Actor {
                name: "node".into(),
                now_ms: 1,
            },
            patrol("BP-LUNGCU", "2025-07-01", 5),
        )
        .await
        .unwrap();
    let one = run_sync(&mut n).await;
    let total = one.bytes_sent + one.bytes_received;
    eprintln!("one-record sync: {one:?}");
    assert_eq!(one.pushed, 1);
    assert!(total < 5_000, "one-record sync moved {total} bytes");
}
