//! Issue 17: a reorganisation applied on the server travels to the nodes
//! with its revisions, online or by bundle, so a node's organisation
//! history names it as the server's does; syncing again notes it once.

use crate::common::{api, spawn_app, token};
use crate::sync::{node, node_token, run_sync};
use bienphong_store::{OrgChangeStore, Store};
use bienphong_sync::bundle::{Bundle, answer_on_server, export_from_node, import_on_node};

/// Applies docs/examples/org-change.json on the server through the API.
async fn apply_example(app: &crate::common::TestApp) {
    let admin = token(app, "admin").await;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/org-change.json"
    );
    let set: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (s, done) = api(
        app,
        &admin,
        reqwest::Method::POST,
        "/api/v1/org/changes",
        Some(set),
    )
    .await;
    assert_eq!(s, 200, "{done}");
}

/// The same by bundle: the server's reply carries the reorganisation's
/// history row with its revisions; the node notes it once, however often
/// the reply is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorganisation_reaches_a_node_by_bundle_noted_once() {
    let app = spawn_app().await;
    apply_example(&app).await;
    let on_server = app.service.store().org_changes().await.unwrap();
    assert_eq!(on_server.len(), 1);
    let t = node_token(&app, "BP-LUNGCU").await;
    let who = app.service.token_principal(&t).await.unwrap().unwrap();
    let mut n = node(&app, &t).await;
    let out = export_from_node(n.service.store(), &n.state, 0)
        .await
        .unwrap();
    let (_, reply) = answer_on_server(&app.service, &who, 0, out).await.unwrap();
    let reply = Bundle::from_bytes(&reply.to_bytes().unwrap()).unwrap();
    assert_eq!(reply.org_changes.len(), 1);
    let new = import_on_node(n.service.store(), &mut n.state, reply.clone(), 0)
        .await
        .unwrap();
    assert!(new > 0);
    assert_eq!(n.service.store().org_changes().await.unwrap(), on_server);
    let held = n
        .service
        .store()
        .revisions_by_ids(&on_server[0].revisions)
        .await
        .unwrap();
    assert_eq!(held.len(), on_server[0].revisions.len());
    assert_eq!(
        import_on_node(n.service.store(), &mut n.state, reply, 0)
            .await
            .unwrap(),
        0
    );
    assert_eq!(n.service.store().org_changes().await.unwrap(), on_server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorganisation_reaches_a_node_with_its_revisions() {
    let app = spawn_app().await;
    apply_example(&app).await;
    let on_server = app.service.store().org_changes().await.unwrap();
    assert_eq!(on_server.len(), 1);

    let t = node_token(&app, "BP-LUNGCU").await;
    let mut n = node(&app, &t).await;
    run_sync(&mut n).await;
    let on_node = n.service.store().org_changes().await.unwrap();
    assert_eq!(on_node, on_server);
    // Every revision it names is on the node.
    let held = n
        .service
        .store()
        .revisions_by_ids(&on_node[0].revisions)
        .await
        .unwrap();
    assert_eq!(held.len(), on_node[0].revisions.len());

    // A full sync pulls every page again: still one entry.
    let client = bienphong_sync::client::Client::new(&n.state.server, &n.state.token).unwrap();
    bienphong_sync::client::sync(
        n.service.store(),
        &client,
        &mut n.state,
        true,
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(n.service.store().org_changes().await.unwrap(), on_server);
}
