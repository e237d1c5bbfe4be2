//! Issue 15 item 2: scope changes travel. A record that leaves a node's
//! scope (moved to another unit at the province, then deleted there), a
//! grant narrowed, a personal-data grant withdrawn: at its next sync the
//! node drops what it may no longer hold, so that its reports equal the
//! server's and `sync --check` says they agree; `sync --full` reconciles
//! both ways.

use crate::common::TestApp;
use crate::sync::{
    NOW_MS, Node, node, node_ids, node_token, patrol, push_as, refusals, run_sync, server_scope,
};
use bienphong_domain::access::{Grant, Role};
use bienphong_domain::org::Code;
use bienphong_domain::{Cutoff, Period, RecordId, Revision};
use bienphong_service::{Actor, Principal};
use bienphong_store::Store;
use bienphong_sync::client::{
    Client, PURGE_PERSONAL, PURGE_SCOPE, Reconciled, SyncReport, check, sync,
};
use std::collections::BTreeSet;

fn actor() -> Actor {
    Actor {
        name: "tinh".into(),
        now_ms: NOW_MS,
    }
}

fn admin() -> Principal {
    Principal {
        name: "admin".into(),
        user_id: None,
        token_id: None,
        grant: Grant {
            role: Role::Admin,
            unit: Code::parse("HG").unwrap(),
            restricted: true,
        },
    }
}

/// An administrator changes the grant of the node token `secret`.
async fn change_grant(app: &TestApp, secret: &str, unit: Option<&str>, restricted: Option<bool>) {
    let who = app.service.token_principal(secret).await.unwrap().unwrap();
    let id = who.token_id.unwrap();
    assert!(
        app.service
            .change_token_grant(&admin(), NOW_MS, &id, unit, restricted)
            .await
            .unwrap()
    );
}

/// `sync --check` from the node: does it agree with its server?
async fn agrees(n: &Node) -> bool {
    let client = Client::new(&n.state.server, &n.state.token).unwrap();
    let report = check(n.service.store(), &client, &n.state).await.unwrap();
    report.equal()
}

/// The 2025 summary of `unit` as the node computes it and as the server
/// does: a report made on the node must equal the province's.
async fn summaries(app: &TestApp, n: &Node, unit: &str) -> (String, String) {
    let period = Period::year(2025, Cutoff::Calendar);
    let code = Code::parse(unit).unwrap();
    let json = |s| bienphong_report::summary_to_json(&s).unwrap();
    let on_node = bienphong_report::summary(&n.service, period, Some(&code))
        .await
        .unwrap();
    let on_server = bienphong_report::summary(&app.service, period, Some(&code))
        .await
        .unwrap();
    (json(on_node), json(on_server))
}

/// The node holds exactly what its grant may hold on the server.
async fn holds_its_scope(app: &TestApp, n: &Node) {
    assert_eq!(node_ids(n).await, server_scope(app, &n.state.token).await);
    assert!(agrees(n).await, "sync --check differs");
    assert!(n.service.store().verify_derived().await.unwrap());
}

async fn full_sync(n: &mut Node) -> SyncReport {
    let client = Client::new(&n.state.server, &n.state.token).unwrap();
    sync(
        n.service.store(),
        &client,
        &mut n.state,
        true,
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .await
    .unwrap()
}

fn personal(revisions: &[Revision]) -> Vec<Revision> {
    revisions
        .iter()
        .filter(|r| r.record_type.is_restricted())
        .cloned()
        .collect()
}

async fn history_ids(s: &impl Store, id: RecordId) -> BTreeSet<bienphong_domain::RevisionId> {
    s.history(id).await.unwrap().iter().map(|r| r.id).collect()
}

/// The scenario: a patrol of Lũng Cú, synced to its node, has its
/// lead unit changed to Xín Mần at the province, and is deleted there
/// later. The node used to keep it for good, and its reports differed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_record_moved_to_another_post_then_deleted_leaves_the_old_posts_node() {
    let app = crate::common::spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let made = n
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-10", 7))
        .await
        .unwrap();
    let id = made.record_id;
    run_sync(&mut n).await;
    assert!(app.service.store().get(id).await.unwrap().is_some());
    let (before, _) = summaries(&app, &n, "BP-LUNGCU").await;

    // Moved to Xín Mần at the province: gone from the node, whole.
    app.service
        .edit(&actor(), id, None, patrol("BP-XINMAN", "2025-06-10", 7))
        .await
        .unwrap();
    let report = run_sync(&mut n).await;
    let reconciled = report.reconciled.expect("the move is noticed at the pull");
    assert_eq!(reconciled.dropped_records, 1);
    assert_eq!(reconciled.dropped_revisions, 1);
    assert!(n.service.store().get(id).await.unwrap().is_none());
    assert!(n.service.store().history(id).await.unwrap().is_empty());
    let purges = n.service.store().purges().await.unwrap();
    assert_eq!(purges.len(), 1);
    assert_eq!(
        (purges[0].record_id, purges[0].reason.as_str()),
        (id, PURGE_SCOPE)
    );
    holds_its_scope(&app, &n).await;
    let (on_node, on_server) = summaries(&app, &n, "BP-LUNGCU").await;
    assert_eq!(on_node, on_server);
    assert_ne!(on_node, before, "the moved patrol no longer counts");

    // Moved back: it comes back whole, with the revision made elsewhere.
    app.service
        .edit(&actor(), id, None, patrol("BP-LUNGCU", "2025-06-11", 8))
        .await
        .unwrap();
    run_sync(&mut n).await;
    assert_eq!(
        history_ids(n.service.store(), id).await,
        history_ids(app.service.store(), id).await
    );
    assert_eq!(n.service.store().history(id).await.unwrap().len(), 3);
    holds_its_scope(&app, &n).await;

    // Moved away again and deleted there before the node syncs.
    app.service
        .edit(&actor(), id, None, patrol("BP-XINMAN", "2025-06-12", 9))
        .await
        .unwrap();
    app.service.delete(&actor(), id, None).await.unwrap();
    let report = run_sync(&mut n).await;
    assert_eq!(report.reconciled.unwrap().dropped_records, 1);
    assert!(n.service.store().history(id).await.unwrap().is_empty());
    holds_its_scope(&app, &n).await;
    let (on_node, on_server) = summaries(&app, &n, "BP-LUNGCU").await;
    assert_eq!(on_node, on_server);

    // A later sync with nothing new does not reconcile again.
    let report = run_sync(&mut n).await;
    assert_eq!(report.reconciled, None);
}

/// A node's personal-data grant is withdrawn: its case subjects and
/// beneficiaries are purged — removed, not hidden —, the purge is noted,
/// and pushing them back is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_withdrawn_personal_data_grant_purges_the_nodes_personal_data() {
    let app = crate::common::spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let held = personal(&n.service.store().revisions().await.unwrap());
    assert!(!held.is_empty(), "the demo gives Lũng Cú personal data");

    change_grant(&app, &t, None, Some(false)).await;
    let report = run_sync(&mut n).await;
    let Some(Reconciled {
        dropped_revisions, ..
    }) = report.reconciled
    else {
        panic!("a withdrawn grant is noticed at the next sync");
    };
    assert_eq!(dropped_revisions, held.len());
    assert!(personal(&n.service.store().revisions().await.unwrap()).is_empty());
    for r in &held {
        assert!(
            n.service
                .store()
                .history(r.record_id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(n.service.store().get(r.record_id).await.unwrap().is_none());
    }
    let purges = n.service.store().purges().await.unwrap();
    let records: BTreeSet<RecordId> = held.iter().map(|r| r.record_id).collect();
    assert_eq!(purges.len(), records.len());
    assert!(purges.iter().all(|p| p.reason == PURGE_PERSONAL));
    holds_its_scope(&app, &n).await;

    // Pushing the purged revisions again (a backup of the node, say) is
    // refused, although the server holds them.
    let node_id = n.service.store().node_id();
    let err = push_as(&app, &t, node_id, held.clone()).await.unwrap_err();
    assert!(
        err.to_string().contains("outside what this node may write"),
        "{err}"
    );
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|d| d.contains(&held[0].id.to_string()))
    );
    // And a sync does not bring them back.
    run_sync(&mut n).await;
    assert!(personal(&n.service.store().revisions().await.unwrap()).is_empty());

    // Granted again: they come back whole.
    change_grant(&app, &t, None, Some(true)).await;
    run_sync(&mut n).await;
    assert_eq!(
        personal(&n.service.store().revisions().await.unwrap()).len(),
        held.len()
    );
    holds_its_scope(&app, &n).await;
}

/// A node token of the provincial command (it reads every post) narrowed
/// to Lũng Cú: the other posts' records leave the node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_narrowed_grant_drops_what_the_node_may_no_longer_read() {
    let app = crate::common::spawn_app().await;
    let t = node_token(&app, "BCH-HG").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let xinman = n
        .service
        .store()
        .list(bienphong_store::ListFilter {
            record_type: Some(bienphong_domain::RecordType::Patrol),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.content.contains("\"BP-XINMAN\""))
        .count();
    assert!(xinman > 0);
    holds_its_scope(&app, &n).await;

    change_grant(&app, &t, Some("BP-LUNGCU"), None).await;
    let report = run_sync(&mut n).await;
    assert!(report.reconciled.unwrap().dropped_records > xinman);
    let left = n
        .service
        .store()
        .list(bienphong_store::ListFilter {
            record_type: Some(bienphong_domain::RecordType::Patrol),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!left.is_empty());
    assert!(left.iter().all(|r| !r.content.contains("\"BP-XINMAN\"")));
    holds_its_scope(&app, &n).await;
    let (on_node, on_server) = summaries(&app, &n, "BP-LUNGCU").await;
    assert_eq!(on_node, on_server);
}

/// `sync --full` both ways: a revision the node's cursor passed without
/// it, and a record the node holds but may not (another post's, copied
/// in), are reconciled and counted; one the server lacks is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_full_pulls_what_is_missing_and_drops_what_the_node_may_not_hold() {
    let app = crate::common::spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    // Missing: written at the province, skipped by a cursor moved past it.
    let skipped = app
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-07-01", 3))
        .await
        .unwrap();
    n.state.pull_cursor = app.service.store().last_seq().await.unwrap();
    let report = run_sync(&mut n).await;
    assert_eq!(report.applied, 0);
    assert!(!agrees(&n).await);
    // Extra: another post's patrol, which the server holds.
    let foreign = app
        .service
        .add(&actor(), patrol("BP-XINMAN", "2025-07-02", 4))
        .await
        .unwrap();
    n.service
        .store()
        .import(vec![foreign.clone()])
        .await
        .unwrap();
    n.state.pull_cursor = app.service.store().last_seq().await.unwrap();

    let report = full_sync(&mut n).await;
    assert!(report.applied >= 1, "{report:?}");
    let reconciled = report.reconciled.unwrap();
    assert_eq!(reconciled.dropped_records, 1);
    assert_eq!(reconciled.kept_unknown, 0);
    assert!(
        n.service
            .store()
            .get(skipped.record_id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        n.service
            .store()
            .get(foreign.record_id)
            .await
            .unwrap()
            .is_none()
    );
    holds_its_scope(&app, &n).await;
    let (on_node, on_server) = summaries(&app, &n, "BP-LUNGCU").await;
    assert_eq!(on_node, on_server);

    // A record of the node's the server lacks (a server restored from an
    // older backup) is never purged: it is the node's to send again.
    let unknown = Revision {
        id: bienphong_domain::RevisionId::new(),
        record_id: RecordId::new(),
        ..foreign.clone()
    };
    n.service
        .store()
        .import(vec![unknown.clone()])
        .await
        .unwrap();
    n.state.push_cursor = n.service.store().last_seq().await.unwrap();
    let report = full_sync(&mut n).await;
    let reconciled = report.reconciled.unwrap();
    assert_eq!(reconciled.kept_unknown, 1);
    assert_eq!(reconciled.dropped_records, 0);
    assert!(
        n.service
            .store()
            .get(unknown.record_id)
            .await
            .unwrap()
            .is_some()
    );
}

/// A revision the server refused (another post's patrol, written before
/// the node knew its grant) is set aside; once an administrator widens the
/// grant to the provincial command, the next sync offers it again and the
/// server takes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_set_aside_revision_is_offered_again_when_the_grant_widens() {
    let app = crate::common::spawn_app().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let foreign = Revision {
        id: bienphong_domain::RevisionId::new(),
        record_id: RecordId::new(),
        record_type: bienphong_domain::RecordType::Patrol,
        parents: vec![],
        node_id: n.service.store().node_id(),
        author: "node".into(),
        created_ms: NOW_MS,
        deleted: false,
        content: patrol("BP-XINMAN", "2025-05-01", 2).to_json(),
    };
    n.service
        .store()
        .import(vec![foreign.clone()])
        .await
        .unwrap();
    let report = run_sync(&mut n).await;
    assert_eq!(report.refused.len(), 1);
    assert!(n.state.set_aside_ids().contains(&foreign.id));
    // Narrowed or moved elsewhere, it would stay refused; widened, it goes.
    change_grant(&app, &t, Some("BCH-HG"), None).await;
    let report = run_sync(&mut n).await;
    assert!(report.pushed >= 1, "{report:?}");
    assert!(n.state.set_aside.is_empty(), "{:?}", n.state.set_aside);
    assert!(
        app.service
            .store()
            .get(foreign.record_id)
            .await
            .unwrap()
            .is_some()
    );
    holds_its_scope(&app, &n).await;
}
