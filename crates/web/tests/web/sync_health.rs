//! Issue 15 items 3, 5 and 8: a node never blocks on its own bad revision
//! (refused revisions set aside, the local write rule), one installation
//! per node id (a copied data directory, takeover), and sync health
//! (`sync --check`, the refused pushes and duplicates on the status).

use crate::common::{TestApp, login};
use crate::sync::{NOW_MS, Node, node, node_token, patrol, peer, run_sync, sync_status};
use bienphong_domain::{RecordId, RecordType, Revision, RevisionId};
use bienphong_service::{Actor, Service, ServiceError};
use bienphong_store::{SqlStore, Store};
use bienphong_sync::SyncError;
use bienphong_sync::client::{Client, NodeState, check, sync, take_over};

fn actor() -> Actor {
    Actor {
        name: "node".into(),
        now_ms: NOW_MS,
    }
}

/// A revision of another post's patrol written on the node before the
/// local write rule held it (e.g. before its grant was narrowed).
async fn foreign_patrol(n: &Node) -> Revision {
    let r = Revision {
        id: RevisionId::new(),
        record_id: RecordId::new(),
        record_type: RecordType::Patrol,
        parents: vec![],
        node_id: n.service.store().node_id(),
        author: "node".into(),
        created_ms: NOW_MS,
        deleted: false,
        content: patrol("BP-XINMAN", "2025-05-01", 2).to_json(),
    };
    n.service.store().import(vec![r.clone()]).await.unwrap();
    r
}

async fn try_sync(n: &mut Node) -> Result<bienphong_sync::client::SyncReport, SyncError> {
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
}

async fn server_has(app: &TestApp, id: RevisionId) -> bool {
    !app.service
        .store()
        .revisions_by_ids(&[id])
        .await
        .unwrap()
        .is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_refused_revision_is_set_aside_shown_corrected_and_withdrawn() {
    let app = spawn();
    let app = app.await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let forged = foreign_patrol(&n).await;
    let mine = n
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-05-02", 3))
        .await
        .unwrap();
    // Meanwhile the province writes a patrol of the post: the pull goes on.
    let from_server = app
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-05-03", 4))
        .await
        .unwrap();
    let report = run_sync(&mut n).await;
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].id, forged.id);
    assert_eq!(report.refused[0].reason, "outside the grant");
    assert!(
        server_has(&app, mine.id).await,
        "the rest of the push went on"
    );
    assert!(!server_has(&app, forged.id).await);
    assert!(
        n.service
            .store()
            .head(from_server.record_id)
            .await
            .unwrap()
            .is_some(),
        "the pull went on"
    );
    assert_eq!(n.state.set_aside.len(), 1);
    assert!(!n.state.set_aside[0].withdrawn);
    // The next sync neither offers it again nor fails.
    let again = run_sync(&mut n).await;
    assert!(again.refused.is_empty() && again.offered == 0, "{again:?}");

    // The server's status lists the refused push for the node.
    let (admin, _) = login(&app, "admin").await;
    let s = sync_status(&app, &admin).await;
    let p = peer(&s, &n);
    assert_eq!(
        p["refused"][0]["revision_id"],
        forged.id.to_string().as_str()
    );
    assert_eq!(p["refused"][0]["reason"], "outside the grant");
    assert_eq!(p["pending"], 0);
    assert_eq!(p["duplicates"], 0);
    let page = admin
        .get(app.url("/sync"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&forged.id.to_string()), "{page}");

    // The node's user corrects the record: a new version, in scope.
    let corrected = n
        .service
        .edit(
            &actor(),
            forged.record_id,
            None,
            patrol("BP-LUNGCU", "2025-05-01", 2),
        )
        .await
        .unwrap();
    let report = run_sync(&mut n).await;
    assert!(report.refused.is_empty());
    assert!(server_has(&app, corrected.id).await);
    assert_eq!(
        app.service.get(forged.record_id).await.unwrap().revision_id,
        corrected.id
    );
    // …and withdraws the refused version: kept in history, never sent.
    assert!(n.state.withdraw(forged.id));
    assert!(!n.state.withdraw(RevisionId::new()));
    let history = n.service.history(forged.record_id).await.unwrap();
    assert!(history.iter().any(|r| r.id == forged.id));
    // The node's status (its page and `sync --status`) shows it.
    let dir = n._dir.path().to_path_buf();
    n.state.save(&NodeState::path_in(&dir)).unwrap();
    let status = bienphong_sync::status::node_status(n.service.store(), &dir)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.set_aside.len(), 1);
    assert!(status.set_aside[0].withdrawn);
    assert_eq!(
        status.waiting_to_push, 0,
        "a set-aside revision is not waiting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_node_refuses_a_local_write_outside_its_tokens_grant() {
    let app = spawn().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let grant = n.state.grant.clone().expect("the pull names the grant");
    assert_eq!(grant.unit.as_str(), "BP-LUNGCU");
    // As the CLI and `serve` on a node do with sync.json's grant.
    n.service.set_node_grant(Some(grant));
    let before = n.service.store().revision_count().await.unwrap();
    let err = n
        .service
        .add(&actor(), patrol("BP-XINMAN", "2025-05-01", 2))
        .await
        .unwrap_err();
    match &err {
        ServiceError::Forbidden(m) => {
            assert!(
                m.contains("may not write") && m.contains("BP-LUNGCU"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(n.service.store().revision_count().await.unwrap(), before);
    // Moving one's own patrol to another post is refused too.
    let own = n
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-05-01", 2))
        .await
        .unwrap();
    assert!(matches!(
        n.service
            .edit(
                &actor(),
                own.record_id,
                None,
                patrol("BP-XINMAN", "2025-05-01", 2)
            )
            .await,
        Err(ServiceError::Forbidden(_))
    ));
    let report = run_sync(&mut n).await;
    assert!(
        report.refused.is_empty() && report.pushed == 1,
        "{report:?}"
    );
}

/// Closes `n`'s store and opens it and a copy of its data directory (the
/// SQLite file and sync.json's settings): two installations of one node.
async fn copy_node(n: Node) -> (Node, Node) {
    let Node {
        _dir: dir,
        service,
        state,
    } = n;
    service.into_store().close().await;
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    let (from, to) = (
        dir.path().join("node.sqlite"),
        copy.path().join("node.sqlite"),
    );
    let original = Node {
        service: Service::new(SqlStore::open_sqlite(&from).await.unwrap()),
        _dir: dir,
        state: state.clone(),
    };
    let copied = Node {
        service: Service::new(SqlStore::open_sqlite(&to).await.unwrap()),
        _dir: copy,
        state,
    };
    (original, copied)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_copied_data_directory_is_refused_and_takeover_moves_the_node() {
    let app = spawn().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let (mut a, mut b) = copy_node(n).await;
    assert_eq!(a.service.store().node_id(), b.service.store().node_id());
    let on_a = a
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-01", 2))
        .await
        .unwrap();
    let on_b = b
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-02", 3))
        .await
        .unwrap();
    run_sync(&mut a).await;
    assert!(server_has(&app, on_a.id).await);
    // The copy is refused with a clear message; nothing of it is lost.
    let err = try_sync(&mut b).await.unwrap_err();
    match &err {
        SyncError::Server {
            status: 409,
            message,
        } => {
            assert!(
                message.contains("copy") && message.contains("takeover"),
                "{message}"
            )
        }
        other => panic!("{other}"),
    }
    assert!(!server_has(&app, on_b.id).await);
    assert!(
        b.service
            .store()
            .head(on_b.record_id)
            .await
            .unwrap()
            .is_some()
    );
    let (admin, _) = login(&app, "admin").await;
    let s = sync_status(&app, &admin).await;
    assert!(peer(&s, &a)["duplicates"].as_i64().unwrap() >= 1, "{s}");
    // The original goes on syncing.
    run_sync(&mut a).await;

    // The copy takes the node over (it replaces a lost laptop): from now on
    // it syncs, and the old installation is refused.
    let client = Client::new(&app.base, &t).unwrap();
    take_over(b.service.store(), &client, &mut b.state, &mut |_| Ok(()))
        .await
        .unwrap();
    run_sync(&mut b).await;
    assert!(server_has(&app, on_b.id).await);
    let err = try_sync(&mut a).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 409, .. }),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_check_says_equal_after_a_sync_and_names_what_differs() {
    let app = spawn().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let client = Client::new(&app.base, &t).unwrap();
    let report = check(n.service.store(), &client, &n.state).await.unwrap();
    assert!(report.equal(), "{report:?}");
    assert!(
        report
            .types
            .iter()
            .any(|t| t.record_type == RecordType::Patrol && t.on_node > 0)
    );

    // A change made only on the node, and one only on the server.
    let local = n
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-07-01", 2))
        .await
        .unwrap();
    let remote = app
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-07-02", 3))
        .await
        .unwrap();
    let report = check(n.service.store(), &client, &n.state).await.unwrap();
    assert!(!report.equal());
    let patrols = report
        .types
        .iter()
        .find(|t| t.record_type == RecordType::Patrol)
        .unwrap();
    assert!(!patrols.equal);
    assert_eq!(patrols.on_node, patrols.on_server);
    assert_eq!(
        (patrols.only_on_node, patrols.only_on_server),
        (1, 1),
        "{patrols:?}"
    );
    assert_eq!(patrols.first_only_on_node, vec![local.id]);
    assert_eq!(patrols.first_only_on_server, vec![remote.id]);
    assert!(
        report
            .types
            .iter()
            .filter(|t| t.record_type != RecordType::Patrol)
            .all(|t| t.equal),
        "{report:?}"
    );
    run_sync(&mut n).await;
    let report = check(n.service.store(), &client, &n.state).await.unwrap();
    assert!(report.equal(), "{report:?}");
}

fn spawn() -> impl std::future::Future<Output = TestApp> {
    crate::common::spawn_app()
}

/// A post's laptop lost after its last backup: the backup restored onto a
/// new laptop is refused as a copy until it takes the node over; then it
/// pushes what it writes and pulls back what the lost laptop had synced
/// after the backup, and the lost laptop can sync no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_a_laptop_restored_from_its_backup_takes_the_node_over_and_loses_nothing_synced() {
    let app = spawn().await;
    let t = node_token(&app, "BP-LUNGCU").await;
    let mut lost = node(&app, &t).await;
    run_sync(&mut lost).await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("node.bpbak");
    let settings = serde_json::to_vec(&lost.state).unwrap();
    lost.service
        .store()
        .backup_to(&backup, &[("sync.json".into(), settings)], NOW_MS)
        .await
        .unwrap();

    // After the backup the old laptop syncs one patrol, and writes one
    // more it never sends before it is lost.
    let synced_later = lost
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-01", 2))
        .await
        .unwrap();
    run_sync(&mut lost).await;
    assert!(server_has(&app, synced_later.id).await);
    lost.service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-03", 4))
        .await
        .unwrap();

    let new_laptop = tempfile::tempdir().unwrap();
    let database = new_laptop.path().join("node.sqlite");
    let (_, extras) = bienphong_store::restore(&backup, &database, None)
        .await
        .unwrap();
    let (_, settings) = extras.iter().find(|(name, _)| name == "sync.json").unwrap();
    let mut restored = Node {
        service: Service::new(SqlStore::open_sqlite(&database).await.unwrap()),
        _dir: new_laptop,
        state: serde_json::from_slice::<NodeState>(settings).unwrap(),
    };
    assert_eq!(
        restored.service.store().node_id(),
        lost.service.store().node_id()
    );
    let written_after_restore = restored
        .service
        .add(&actor(), patrol("BP-LUNGCU", "2025-06-05", 3))
        .await
        .unwrap();
    let refused = try_sync(&mut restored).await.unwrap_err();
    assert!(
        matches!(&refused, SyncError::Server { status: 409, message } if message.contains("takeover")),
        "{refused}"
    );

    let client = Client::new(&app.base, &t).unwrap();
    take_over(
        restored.service.store(),
        &client,
        &mut restored.state,
        &mut |_| Ok(()),
    )
    .await
    .unwrap();
    run_sync(&mut restored).await;
    assert!(server_has(&app, written_after_restore.id).await);
    let pulled_back = restored
        .service
        .store()
        .revisions_by_ids(&[synced_later.id])
        .await
        .unwrap();
    assert_eq!(
        pulled_back.len(),
        1,
        "what the lost laptop synced comes back"
    );
    let err = try_sync(&mut lost).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 409, .. }),
        "{err}"
    );
}
