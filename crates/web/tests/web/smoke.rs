#[tokio::test]
async fn health_answers_once_ready() {
    let app = crate::common::spawn_app().await;
    let r = crate::common::http()
        .get(app.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (client, csrf) = crate::common::login(&app, "dn-lungcu").await;
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
