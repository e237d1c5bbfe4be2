//! The organisation's upload pages, as an administrator uses them: a
//! reorganisation (`/org/changes`) and a list of official codes
//! (`/org/codes`) are checked first, writing nothing, then applied from
//! the page the check showed; the codes also through the API.

use crate::common::{TestApp, api, login, spawn_app, token};
use bienphong_store::{OrgChangeStore, Store};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

async fn revisions(app: &TestApp) -> u64 {
    app.service.store().revision_count().await.unwrap()
}

/// The value of the hidden input `name` of a page.
fn hidden(page: &str, name: &str) -> String {
    let raw = page
        .split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {page}"));
    raw.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

async fn post(client: &reqwest::Client, app: &TestApp, path: &str, form: Form) -> (u16, String) {
    let r = client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// docs/examples/org-change.json on the page: checked (nothing written,
/// the plan shown), applied from the check, then in the history; an
/// editor sees the history but has no upload form.
#[tokio::test]
async fn a_reorganisation_is_checked_then_applied_from_the_org_changes_page() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "admin").await;
    let page = client
        .get(app.url("/org/changes"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"org-change-form\""), "{page}");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/org-change.json"
    );
    let set = std::fs::read(path).unwrap();
    let title = serde_json::from_slice::<Value>(&set).unwrap()["title"]
        .as_str()
        .unwrap()
        .to_string();

    let before = revisions(&app).await;
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("action", "check")
        .part("file", Part::bytes(set).file_name("org-change.json"));
    let (status, checked) = post(&client, &app, "/org/changes", form).await;
    assert_eq!(status, 200, "{checked}");
    assert!(checked.contains("id=\"org-change-checked\""), "{checked}");
    assert!(checked.contains("id=\"org-change-plan\""), "{checked}");
    assert!(checked.contains("TQ-XA-LUNGCU-DONGVAN"), "{checked}");
    assert_eq!(revisions(&app).await, before, "a check writes nothing");
    assert!(app.service.store().org_changes().await.unwrap().is_empty());

    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("action", "apply")
        .text("set", hidden(&checked, "set"));
    let (status, applied) = post(&client, &app, "/org/changes", form).await;
    assert_eq!(status, 200, "{applied}");
    assert!(applied.contains("id=\"org-change-written\""), "{applied}");
    let noted = app.service.store().org_changes().await.unwrap();
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0].title, title);
    assert_eq!(
        revisions(&app).await,
        before + noted[0].revisions.len() as u64
    );
    assert!(applied.contains(&title), "in the history: {applied}");

    // The same set again is refused whole, naming why; nothing written.
    let form = Form::new()
        .text("csrf", csrf)
        .text("action", "apply")
        .text("set", hidden(&checked, "set"));
    let (status, again) = post(&client, &app, "/org/changes", form).await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("id=\"org-change-problems\""), "{again}");
    assert!(again.contains("TQ-XA-LUNGCU-DONGVAN"), "{again}");
    assert_eq!(app.service.store().org_changes().await.unwrap().len(), 1);

    let (editor, _) = login(&app, "dn-lungcu").await;
    let seen = editor
        .get(app.url("/org/changes"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(seen.contains(&title), "{seen}");
    assert!(!seen.contains("id=\"org-change-form\""), "{seen}");
}

/// A unit's row of the API's unit list.
async fn unit(app: &TestApp, token: &str, code: &str) -> Value {
    let (s, units) = api(
        app,
        token,
        reqwest::Method::GET,
        "/api/v1/units?limit=500",
        None,
    )
    .await;
    assert_eq!(s, 200, "{units}");
    units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["content"]["code"] == code)
        .unwrap_or_else(|| panic!("no unit {code}"))
        .clone()
}

/// A codes file on `/org/codes`: checked (what would change shown,
/// nothing written), applied from the check; the unit's page shows the
/// code, the API the unit's codes, and the code names the unit.
#[tokio::test]
async fn a_codes_file_is_checked_then_applied_from_the_org_codes_page() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "admin").await;
    let admin = token(&app, "admin").await;
    // Illustrative codes: test data, not the official list.
    let file = "Mã,Tên,Cấp,Mã cấp trên,Hiệu lực từ,Mã định danh\n\
                07790,Xã Sơn Vĩ,Xã,08,01/07/2025,000.90.77.H08\n";
    let before = revisions(&app).await;
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("action", "check")
        .part(
            "file",
            Part::bytes(file.as_bytes().to_vec()).file_name("ma.csv"),
        );
    let (status, checked) = post(&client, &app, "/org/codes", form).await;
    assert_eq!(status, 200, "{checked}");
    assert!(checked.contains("id=\"org-codes-checked\""), "{checked}");
    assert!(checked.contains("<code>TQ-XA-SONVI</code>"), "{checked}");
    assert!(checked.contains("07790 (01/07/2025–)"), "{checked}");
    assert_eq!(revisions(&app).await, before, "a check writes nothing");

    let form = Form::new()
        .text("csrf", csrf)
        .text("action", "apply")
        .text("rows", hidden(&checked, "rows"));
    let (status, applied) = post(&client, &app, "/org/codes", form).await;
    assert_eq!(status, 200, "{applied}");
    assert!(applied.contains("id=\"org-codes-written\""), "{applied}");
    assert_eq!(revisions(&app).await, before + 1);

    let son_vi = unit(&app, &admin, "TQ-XA-SONVI").await;
    assert_eq!(
        son_vi["content"]["admin_codes"],
        serde_json::json!([{"code": "07790", "valid_from": "2025-07-01"}])
    );
    assert_eq!(son_vi["content"]["agency_id"], "000.90.77.H08");
    let org = client
        .get(app.url("/org?q=S%C6%A1n%20V%C4%A9"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(org.contains("07790 (01/07/2025–)"), "{org}");
    assert!(org.contains("000.90.77.H08"), "{org}");
    let (s, by_code) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/reports/annual?year=2025&scope=07790",
        None,
    )
    .await;
    assert_eq!(s, 200, "{by_code}");
    assert_eq!(by_code["scope"]["code"], "TQ-XA-SONVI");
    assert_eq!(by_code["scope"]["admin_code"], "07790");
}

/// `POST /api/v1/org/codes` with a codes file as the body: a dry run
/// answers what would change; a file with problems is refused whole (422,
/// every problem in fields) and writes nothing; administrators only.
#[tokio::test]
async fn the_api_imports_a_codes_file_whole_or_not_at_all() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let editor = token(&app, "dn-lungcu").await;
    let send = |token: String, path: &'static str, body: &'static str| {
        let app = &app;
        async move {
            let r = crate::common::http()
                .post(app.url(path))
                .bearer_auth(token)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let media = r
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .map(|t| t.to_str().unwrap().to_string());
            let v: Value = r.json().await.unwrap();
            crate::common::document::check_answer(
                app,
                &reqwest::Method::POST,
                path,
                status,
                media.as_deref(),
                &v,
            )
            .await;
            (status, v)
        }
    };
    // Illustrative codes: test data, not the official list.
    let good = "unit,admin_code,valid_from,valid_to,agency_id\n\
                BP-SONVI,,,,000.12.34.G12\n\
                TQ-XA-PHOBANG,07791,01/07/2025,,\n";
    let before = revisions(&app).await;
    let (s, _) = send(editor, "/api/v1/org/codes", good).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, dry) = send(admin.clone(), "/api/v1/org/codes?dry_run=true", good).await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(dry["written"], false);
    let changed: Vec<&str> = dry["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["BP-SONVI", "TQ-XA-PHOBANG"], "{dry}");
    assert_eq!(revisions(&app).await, before);

    // The commune's code taken by another unit, an unknown unit, a date
    // that is none: every problem named, nothing written.
    let bad = "unit,admin_code,valid_from,valid_to,agency_id\n\
               TQ-XA-PHOBANG,07791,01/07/2025,,\n\
               TQ-XA-SONVI,07791,01/07/2025,,\n\
               KHONGCO,07792,,,\n\
               BP-SONVI,,31/02/2024,,\n";
    let (s, refused) = send(admin.clone(), "/api/v1/org/codes", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"4:unit"), "{refused}");
    assert!(fields.contains(&"5:valid_from"), "{refused}");
    assert!(
        refused["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("07791")),
        "{refused}"
    );
    assert_eq!(revisions(&app).await, before);

    let (s, done) = send(admin.clone(), "/api/v1/org/codes", good).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["written"], true);
    assert_eq!(revisions(&app).await, before + 2);
    let post = unit(&app, &admin, "BP-SONVI").await;
    assert_eq!(post["content"]["agency_id"], "000.12.34.G12");
    // The agency id names the post where a unit is read.
    let (s, list) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        "/api/v1/patrols?limit=5&year=2024&unit=000.12.34.G12",
        None,
    )
    .await;
    assert_eq!(s, 200, "{list}");
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["content"]["lead_unit"] == "BP-SONVI"),
        "{list}"
    );
}
