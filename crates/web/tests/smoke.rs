#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]
mod common;

#[tokio::test]
async fn health_answers_once_ready() {
    let app = common::spawn_app().await;
    let r = common::http().get(app.url("/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (client, csrf) = common::login(&app, "dn-lungcu").await;
    assert!(!csrf.is_empty());
    let page = client
        .get(app.url("/?year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tổng quan"), "{page}");
}
