//! Official documents on the web and in the API: numbers taken from the
//! issuer's register by a POST (never a GET), once each however many ask
//! at the same time, and audited; the summary's and the briefing report's
//! DOCX in the API with the annual route's settings; the English rendering.

use crate::api::docx_document;
use crate::common::{api, login, spawn_app, token};
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn numbers_come_from_the_register_by_post_once_each_and_audited() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let next = "/api/v1/registers/next?scope=BP-LUNGCU&date=2024-03-20";
    // A GET takes nothing.
    let r = crate::common::http()
        .get(app.url(next))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // Sixteen at once: sixteen different numbers, the first sixteen.
    let mut calls = Vec::new();
    for _ in 0..16 {
        let (url, token) = (app.url(next), admin.clone());
        calls.push(tokio::spawn(async move {
            let r = crate::common::http()
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }));
    }
    let mut numbers = Vec::new();
    for c in calls {
        let v = c.await.unwrap();
        assert_eq!(v["style"], "state");
        assert_eq!(v["period"], "2024", "Decree 30: one series a calendar year");
        numbers.push(v["number"].as_u64().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=16).collect::<Vec<u64>>());
    // The OpenAPI document states the route; a checked answer.
    let (status, v) = api(&app, &admin, Method::POST, next, None).await;
    assert_eq!(status, 200);
    assert_eq!(v["number"], 17);
    // A bad setting is refused and takes no number.
    let (status, _) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/registers/next?scope=BP-LUNGCU&style=royal",
        None,
    )
    .await;
    assert_eq!(status, 422);
    let (_, audit) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?action=register.next&limit=100",
        None,
    )
    .await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 17, "each number taken is audited");
    assert!(
        entries
            .iter()
            .any(|e| e["detail"].as_str().unwrap().contains("17/BC-ĐBP")),
        "{entries:?}"
    );

    // The report page's settings form: a POST with the session's token
    // numbers the document from the same register; the link (a GET) never.
    let (page, csrf) = login(&app, "admin").await;
    let form = |csrf: &str, register: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("period".into(), "q1".into()),
            ("year".into(), "2024".into()),
            ("scope".into(), "BP-LUNGCU".into()),
            ("format".into(), "docx".into()),
            ("date".into(), "20/03/2024".into()),
            ("register".into(), register.into()),
        ]
    };
    let r = page
        .post(app.url("/reports/download"))
        .form(&form(&csrf, "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    assert!(xml.contains("Số: 18/BC-ĐBP"), "the next number");
    let r = page
        .get(app.url(
            "/reports/download?period=q1&year=2024&scope=BP-LUNGCU&format=docx&date=20/03/2024&register=true",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    assert!(!xml.contains("Số: 19/"), "a GET takes no number");
    let r = page
        .post(app.url("/reports/download"))
        .form(&form("forged", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no number without the form's token");
    // The briefing page's form, the same register: the next one.
    let r = page
        .post(app.url("/briefings/BP-LUNGCU/download"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("year", "2024"),
            ("quarter", "1"),
            ("format", "docx"),
            ("date", "20/03/2024"),
            ("register", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    assert!(
        xml.contains("Số: 19/BC-ĐBP"),
        "the briefing report's number"
    );
    let (_, audit) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?action=register.next&limit=100",
        None,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 19);
    // The pages' forms offer it.
    let html = page
        .get(app.url("/reports?period=q1&year=2024&scope=BP-LUNGCU"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"docx-register\"") && html.contains("name=\"lang\""));
    assert!(html.contains("<form method=\"post\" action=\"/reports/download\""));
}

#[tokio::test]
async fn the_api_gives_the_summary_and_the_briefing_report_as_docx_in_either_language() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let get = |path: String| {
        let (url, token) = (app.url(&path), admin.clone());
        async move {
            crate::common::http()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let settings = "format=docx&number=4&date=2024-03-20&style=party&signer_name=Nguy%E1%BB%85n%20V%C4%83n%20A";
    let r = get(format!(
        "/api/v1/reports/summary?period=q1&year=2024&scope=BP-LUNGCU&{settings}"
    ))
    .await;
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    for expected in [
        "Số 04-BC/ĐU",
        "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
        "Hà Giang, ngày 20 tháng 3 năm 2024",
        "Nguyễn Văn A",
        "- Lưu Văn phòng Đảng ủy.",
    ] {
        assert!(xml.contains(expected), "summary: {expected}");
    }
    // The summary in JSON, the figures the DOCX states.
    let (status, summary) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/reports/summary?period=q1&year=2024&scope=BP-LUNGCU",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let patrols = summary["patrols"]["count"]["current"].as_i64().unwrap();
    assert!(patrols > 0);
    let r = get("/api/v1/reports/summary?year=2024&scope=BP-LUNGCU".into()).await;
    assert_eq!(r.status(), 400, "a summary names its period");

    let r = get(format!(
        "/api/v1/briefings/BP-LUNGCU/docx?year=2024&quarter=1&{settings}&lang=en"
    ))
    .await;
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    for expected in [
        "COMMUNIST PARTY OF VIET NAM",
        "No. 04-BC/ĐU",
        "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
        "Hà Giang, 20 March 2024",
        "Recipients:",
        "- Archived: Office of the Party Committee.",
        "Key figures",
    ] {
        assert!(xml.contains(expected), "briefing: {expected}");
    }
    for vietnamese in ["Nơi nhận", "ngày", "Số liệu chủ yếu", "ĐẢNG CỘNG SẢN"] {
        assert!(!xml.contains(vietnamese), "briefing: {vietnamese}");
    }
    let r = get("/api/v1/briefings/BP-LUNGCU/docx?year=2024&quarter=1&lang=fr".into()).await;
    assert_eq!(r.status(), 422, "a language the documents do not speak");
    // The annual review in English, its figures in English style.
    let r =
        get("/api/v1/reports/annual?year=2023&format=docx&lang=en&date=2024-01-16".into()).await;
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    let (_, review) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/reports/annual?year=2023",
        None,
    )
    .await;
    let count = review["patrols"]["count"].as_i64().unwrap();
    assert!(count >= 1000, "a figure with a thousands separator");
    let english = format!("{},{:03}", count / 1000, count % 1000);
    assert!(xml.contains(&english), "{english}");
    assert!(xml.contains("SOCIALIST REPUBLIC OF VIET NAM") && xml.contains("16 January 2024"));
    // A document record in English.
    let (_, listed) = api(&app, &admin, Method::GET, "/api/v1/documents?limit=1", None).await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_string();
    let r = get(format!("/api/v1/documents/{id}/docx?lang=en")).await;
    assert_eq!(r.status(), 200);
    let xml = docx_document(&r.bytes().await.unwrap());
    assert!(xml.contains("Recipients:") && !xml.contains("Nơi nhận"));
}
