//! Spreadsheets on the web: template and exports linked from the lists,
//! and an upload page that checks first and imports only what the signed-in
//! person may write.

use crate::common::{login, spawn_app};
use reqwest::multipart::{Form, Part};

fn upload(csrf: &str, action: &str, csv: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("action", action.to_string())
        .part(
            "file",
            Part::bytes(csv.as_bytes().to_vec()).file_name("thang3.csv"),
        )
}

#[tokio::test]
async fn an_editor_downloads_the_template_and_exports_and_imports_its_own_records() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let get = |path: &str| client.get(app.url(path)).send();

    let list = get("/records/patrols?year=2023&unit=BP-LUNGCU")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(list.contains("id=\"import-sheet\""), "{list}");
    assert!(
        list.contains("href=\"/records/patrols/template\""),
        "{list}"
    );
    assert!(
        list.contains("/records/patrols/export?unit=BP-LUNGCU&year=2023&format=csv"),
        "{list}"
    );

    let r = get("/records/patrols/template").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK\x03\x04"));

    let r = get("/records/patrols/export?unit=BP-LUNGCU&year=2023&format=csv")
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("\u{feff}Mã bản ghi,Ngày *"),
        "{}",
        rows[0]
    );
    assert!(rows.len() > 10, "{csv}");
    assert!(
        rows[1..].iter().all(|r| r.contains("Lũng Cú")),
        "only the filtered unit's patrols: {csv}"
    );

    // A report's tables, as CSV.
    let r = get("/reports/download?period=annual&year=2023&scope=BP-LUNGCU&format=csv")
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let report = r.text().await.unwrap();
    assert!(report.starts_with('\u{feff}'), "{report}");
    assert!(report.contains("Đồn Biên phòng Lũng Cú"), "{report}");

    // A check writes nothing and names the row of another post.
    let before = crate::common::record_count(&app).await;
    let file = "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng\n\
                10/03/2026;Đồn Biên phòng Lũng Cú;Tuần tra chung;5\n\
                11/03/2026;Đồn Biên phòng Sơn Vĩ;Tuần tra chung;4\n";
    let r = client
        .post(app.url("/records/patrols/import"))
        .multipart(upload(&csrf, "check", file))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Trang &#34;thang3&#34;, dòng 3")
            || page.contains("Trang &quot;thang3&quot;, dòng 3"),
        "{page}"
    );
    assert!(
        page.contains("không được ghi bản ghi của đơn vị này"),
        "{page}"
    );
    assert_eq!(crate::common::record_count(&app).await, before);

    // Importing it writes nothing either: all or nothing.
    let r = client
        .post(app.url("/records/patrols/import"))
        .multipart(upload(&csrf, "import", file))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(crate::common::record_count(&app).await, before);

    // Its own patrol imports, once.
    let own = "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng\n10/03/2026;Lũng Cú post;Tuần tra chung;5\n"
        .replace("Lũng Cú post", "BP-LUNGCU");
    for expected in ["thêm mới 1", "không đổi 1"] {
        let r = client
            .post(app.url("/records/patrols/import"))
            .multipart(upload(&csrf, "import", &own))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains(expected), "{page}");
        assert!(page.contains("id=\"import-written\""), "{page}");
    }
    assert_eq!(crate::common::record_count(&app).await, before + 1);

    // Without the session's token, nothing.
    let r = client
        .post(app.url("/records/patrols/import"))
        .multipart(upload("wrong", "import", &own))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_reader_has_no_upload_page() {
    let app = spawn_app().await;
    let (client, _) = login(&app, "xa-lungcu-xem").await;
    let list = client
        .get(app.url("/records/patrols"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("id=\"import-sheet\""));
    assert!(list.contains("id=\"export-xlsx\""));
    let r = client
        .get(app.url("/records/patrols/import"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_upload_page_takes_files_larger_than_a_form() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    // 3 MB: more than any form may send (2 MB), well within an upload.
    let mut csv = String::from("Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng\n");
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str("10/03/2026;BP-LUNGCU;Tuần tra chung;khong-phai-so\n");
    }
    let before = crate::common::record_count(&app).await;
    let r = client
        .post(app.url("/records/patrols/import"))
        .multipart(upload(&csrf, "check", &csv))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "read and checked, not refused for its size"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("khong-phai-so"), "the bad value is named");
    assert_eq!(crate::common::record_count(&app).await, before);
    // A form of that size is still refused.
    let r = client
        .post(app.url("/records/patrols/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

/// The page's text with quotes as typed (askama escapes them).
fn unescaped(page: &str) -> String {
    page.replace("&#34;", "\"").replace("&quot;", "\"")
}

/// Export a post's patrols, correct one through the API (Border Guard
/// persons → 77) and delete another, then upload the export: the check
/// reports both and the import keeps both; asked to, the file wins.
#[tokio::test]
async fn re_uploading_an_export_keeps_what_was_corrected_and_deleted_since() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let token = crate::common::token(&app, "dn-lungcu").await;
    let api = crate::common::http();
    let csv = client
        .get(app.url("/records/patrols/export?unit=BP-LUNGCU&year=2023&format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ids: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    let get = |id: String| {
        let api = api.clone();
        let url = app.url(&format!("/api/v1/patrols/{id}"));
        let token = token.clone();
        async move {
            let r = api.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let bdbp = |v: &serde_json::Value| {
        v["content"]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["force"] == "BDBP")
            .and_then(|p| p["persons"].as_u64())
    };
    let mut corrected = None;
    for id in &ids {
        let v = get(id.clone()).await;
        if bdbp(&v).is_some_and(|p| p != 77) {
            corrected = Some((id.clone(), v));
            break;
        }
    }
    let (id, record) = corrected.expect("a patrol with Border Guard persons");
    let was = bdbp(&record).unwrap();
    let mut content = record["content"].clone();
    for p in content["participants"].as_array_mut().unwrap() {
        if p["force"] == "BDBP" {
            p["persons"] = 77.into();
        }
    }
    let r = api
        .put(app.url(&format!("/api/v1/patrols/{id}")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"revision": record["revision"], "content": content}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let removed = ids.iter().find(|x| **x != id).unwrap().clone();
    let gone = get(removed.clone()).await;
    let r = api
        .delete(app.url(&format!(
            "/api/v1/patrols/{removed}?revision={}",
            gone["revision"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let before = crate::common::record_count(&app).await;
    let upload_with = |action: &str, options: &[&str]| {
        let mut form = upload(&csrf, action, &csv);
        for o in options {
            form = form.text(o.to_string(), "1");
        }
        client
            .post(app.url("/records/patrols/import"))
            .multipart(form)
            .send()
    };

    for action in ["check", "import"] {
        let r = upload_with(action, &[]).await.unwrap();
        assert_eq!(r.status(), 200, "{action}");
        let page = unescaped(&r.text().await.unwrap());
        assert!(
            page.contains(
                "Sửa trên hệ thống từ lần nhập trước 1, sửa ở cả hai nơi 0, đã bị xóa 1, khôi phục 0"
            ),
            "{action}: {page}"
        );
        assert!(
            page.contains(&format!(
                "đã sửa trên hệ thống kể từ lần nhập trước, giữ nguyên: cột \"Lượt: Bộ đội Biên phòng\" trong tệp \"{was}\", trên hệ thống \"77\""
            )),
            "{action}: {page}"
        );
        assert!(
            page.contains("bản ghi đã bị xóa kể từ lần nhập trước"),
            "{page}"
        );
        assert!(page.contains("thêm mới 0, cập nhật 0,"), "{page}");
        assert_eq!(crate::common::record_count(&app).await, before);
        assert_eq!(bdbp(&get(id.clone()).await), Some(77));
    }
    let page = upload_with("check", &[])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"import-prefer-file\""), "{page}");

    // The file wins when asked to.
    let r = upload_with("import", &["prefer_file", "restore_deleted"])
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = unescaped(&r.text().await.unwrap());
    assert!(page.contains("cập nhật 1,"), "{page}");
    assert!(page.contains("khôi phục 1"), "{page}");
    assert_eq!(bdbp(&get(id.clone()).await), Some(was));
    assert_eq!(get(removed).await["content"], gone["content"]);
    assert_eq!(crate::common::record_count(&app).await, before + 1);
}
