//! The quarterly briefing cycle over HTTP, on a fresh demo store: who owes
//! a report and where each stands (due, submitted, late), a unit writing
//! and submitting its report, the frozen figures of a submitted report with
//! later changes shown beside them, and the actions of one briefing carried
//! to the next.

use crate::common::{TestApp, api, login, spawn_app, token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn figure(view: &Value, key: &str) -> String {
    view["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .map_or_else(
            || "0".to_string(),
            |f| f["value"].as_str().unwrap().to_string(),
        )
}

fn row<'a>(roll: &'a Value, unit: &str) -> &'a Value {
    roll["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"]["code"] == unit)
        .unwrap_or_else(|| panic!("{unit} owes no report: {roll}"))
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_post_writes_submits_and_its_submitted_report_stays_frozen() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let post = token(&app, "dn-lungcu").await;
    let q = "year=2024&quarter=1";

    // Every post and commune owes the first quarter of 2024, long past due:
    // all overdue before anyone submits.
    let (s, roll) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/briefings?{q}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{roll}");
    assert_eq!(roll["due"], "2024-03-19", "due five days after 14/03");
    let owed = roll["rows"].as_array().unwrap().len();
    assert_eq!(owed, 46, "12 posts and 34 communes: {roll}");
    assert_eq!(roll["overdue"], 46);
    assert_eq!(row(&roll, "BP-LUNGCU")["state"], "overdue");

    // The post writes its narrative on the page and saves a draft: the
    // figures are the records' own, live.
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let r = client
        .post(app.url(&format!("/briefings/BP-LUNGCU?{q}")))
        .form(&[
            ("csrf", csrf.as_str()),
            (
                "results",
                "Duy trì tuần tra song phương, nắm chắc tình hình.",
            ),
            ("shortcomings", "Thiếu phương tiện cơ động."),
            ("proposals", "Đề nghị bổ sung máy bộ đàm."),
            ("action", "save"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (s, draft) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefings/BP-LUNGCU?{q}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{draft}");
    assert_eq!(draft["report"]["status"], "draft");
    assert_eq!(draft["state"], "overdue", "a draft is not a submission");
    let (_, summary) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/patrols?unit=BP-LUNGCU&from=2023-12-15&to=2024-03-14&limit=500",
        None,
    )
    .await;
    let patrols = summary["items"].as_array().unwrap().len();
    assert!(patrols > 0);
    assert_eq!(figure(&draft, "patrols"), patrols.to_string());

    // Submitting freezes the figures; a submission after 19/03/2024 is late.
    let r = client
        .post(app.url(&format!("/briefings/BP-LUNGCU?{q}")))
        .form(&[
            ("csrf", csrf.as_str()),
            (
                "results",
                "Duy trì tuần tra song phương, nắm chắc tình hình.",
            ),
            ("shortcomings", "Thiếu phương tiện cơ động."),
            ("proposals", "Đề nghị bổ sung máy bộ đàm."),
            ("revision", draft["revision"].as_str().unwrap_or("")),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, submitted) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefings/BP-LUNGCU?{q}"),
        None,
    )
    .await;
    assert_eq!(submitted["report"]["status"], "submitted");
    assert_eq!(submitted["state"], "submitted_late");
    assert_eq!(figure(&submitted, "patrols"), patrols.to_string());
    assert!(submitted["changes"].as_array().unwrap().is_empty());
    let (_, roll) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/briefings?{q}"),
        None,
    )
    .await;
    assert_eq!(row(&roll, "BP-LUNGCU")["state"], "submitted_late");
    assert_eq!(roll["submitted_late"], 1);
    assert_eq!(roll["overdue"], 45);

    // A patrol recorded afterwards in the quarter: the submitted report
    // keeps its figure and shows the difference.
    let (s, _) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/patrols",
        Some(
            json!({"date": "2024-03-01", "lead_unit": "BP-LUNGCU", "kind": "post_only",
            "participants": [{"force": "BDBP", "persons": 3}]}),
        ),
    )
    .await;
    assert_eq!(s, 201);
    let (_, later) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefings/BP-LUNGCU?{q}"),
        None,
    )
    .await;
    assert_eq!(figure(&later, "patrols"), patrols.to_string(), "frozen");
    let changes = later["changes"].as_array().unwrap();
    let patrol_change = changes
        .iter()
        .find(|c| c["key"] == "patrols")
        .expect("the patrol count changed");
    assert_eq!(patrol_change["submitted"], patrols.to_string());
    assert_eq!(patrol_change["now"], (patrols + 1).to_string());
    let (s, html) = page(&client, &app, &format!("/briefings/BP-LUNGCU?{q}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"briefing-changed\""), "{html}");
    assert!(html.contains("Khi gửi"), "{html}");
    assert!(
        !html.contains("id=\"briefing-form\""),
        "no form once submitted"
    );

    // Nothing changes a submitted report: not an edit, not a delete, not a
    // second report for the quarter, not a second submission.
    let id = later["record_id"]
        .as_str()
        .expect("the report's id")
        .to_string();
    let (s, e) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefing-reports/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{e}");
    let revision = e["revision"].as_str().unwrap().to_string();
    let mut content = e["content"].clone();
    content["results"] = json!("Sửa sau khi gửi");
    let (s, e) = api(
        &app,
        &post,
        Method::PUT,
        &format!("/api/v1/briefing-reports/{id}"),
        Some(json!({"revision": revision, "content": content})),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["fields"][0]["field"], "status", "{e}");
    let (s, _) = api(
        &app,
        &post,
        Method::DELETE,
        &format!("/api/v1/briefing-reports/{id}?revision={revision}"),
        None,
    )
    .await;
    assert_eq!(s, 422);
    let (s, e) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/briefing-reports",
        Some(json!({"unit": "BP-LUNGCU", "year": 2024, "quarter": 1})),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["fields"][0]["field"], "unit", "{e}");
    let (s, _) = api(
        &app,
        &post,
        Method::POST,
        &format!("/api/v1/briefings/BP-LUNGCU/submit?{q}"),
        None,
    )
    .await;
    assert_eq!(s, 422);
    let (_, after) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefings/BP-LUNGCU?{q}"),
        None,
    )
    .await;
    assert_eq!(
        after["report"]["results"],
        "Duy trì tuần tra song phương, nắm chắc tình hình."
    );
}

#[tokio::test]
async fn reports_are_pending_until_due_and_on_time_when_submitted_before() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let commune = token(&app, "xa-lungcu").await;
    // A quarter far ahead is not yet due for anyone.
    let q = "year=2099&quarter=2";
    let (s, roll) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/briefings?{q}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{roll}");
    let owed = roll["rows"].as_array().unwrap().len();
    assert!(owed > 0);
    assert_eq!(roll["pending"], owed);
    assert_eq!(roll["overdue"], 0);
    let commune_row = row(&roll, "TQ-XA-LUNGCU");
    assert_eq!(commune_row["state"], "pending");

    // Status and figures are set by submitting only.
    let post = token(&app, "dn-lungcu").await;
    let (s, e) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/briefing-reports",
        Some(json!({"unit": "BP-LUNGCU", "year": 2099, "quarter": 2,
            "status": "submitted", "submitted_on": "2099-06-01",
            "figures": [{"key": "patrols", "label": "Tuần tra", "value": "999"}]})),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["fields"][0]["field"], "status", "{e}");
    let (s, e) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/briefing-reports",
        Some(json!({"unit": "BP-LUNGCU", "year": 2099, "quarter": 5})),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["fields"][0]["field"], "quarter");
    // A commune's editor may not write a post's report.
    let (s, _) = api(
        &app,
        &commune,
        Method::POST,
        "/api/v1/briefing-reports",
        Some(json!({"unit": "BP-LUNGCU", "year": 2099, "quarter": 2})),
    )
    .await;
    assert_eq!(s, 403);

    // Written and submitted before its due date: on time.
    let (s, e) = api(
        &app,
        &post,
        Method::POST,
        "/api/v1/briefing-reports",
        Some(json!({"unit": "BP-LUNGCU", "year": 2099, "quarter": 2,
            "results": "Hoàn thành kế hoạch quý."})),
    )
    .await;
    assert_eq!(s, 201, "{e}");
    let (s, e) = api(
        &app,
        &post,
        Method::POST,
        &format!("/api/v1/briefings/BP-LUNGCU/submit?{q}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{e}");
    let (_, roll) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/briefings?{q}"),
        None,
    )
    .await;
    assert_eq!(row(&roll, "BP-LUNGCU")["state"], "submitted");
    assert_eq!(roll["submitted"], 1);
    assert_eq!(roll["pending"], owed - 1);
    let (_, view) = api(
        &app,
        &post,
        Method::GET,
        &format!("/api/v1/briefings/BP-LUNGCU?{q}"),
        None,
    )
    .await;
    assert_eq!(view["report"]["submitted_on"], crate_today());
    assert_eq!(figure(&view, "patrols"), "0", "no patrols recorded in 2099");
}

/// Today at the border, as the server reckons it.
fn crate_today() -> String {
    jiff::Timestamp::now()
        .in_tz("Asia/Ho_Chi_Minh")
        .unwrap()
        .date()
        .to_string()
}

#[tokio::test]
async fn open_actions_of_a_briefing_are_carried_to_the_next_report() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (s, meeting) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/meetings",
        Some(
            json!({"date": "2024-03-22", "meeting_type": "GBQ", "host_unit": "BP-LUNGCU",
            "participant_units": ["XA-LUNGCU"], "attendance": 20,
            "content": "Giao ban quý I năm 2024",
            "actions": [
                {"text": "Rà soát mốc 428 cùng dân quân", "owner_unit": "BP-LUNGCU",
                 "due": "2024-05-30", "status": "open"},
                {"text": "Họp dân thôn Lô Lô Chải", "owner_unit": "BP-LUNGCU",
                 "status": "done"}
            ]}),
        ),
    )
    .await;
    assert_eq!(s, 201, "{meeting}");
    let texts = |view: &Value| -> Vec<String> {
        view["carried"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["text"].as_str().unwrap().to_string())
            .collect()
    };
    // The first quarter ends before that briefing; the second quarter's
    // report follows up its open action, not the finished one.
    let (_, q1) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/briefings/BP-LUNGCU?year=2024&quarter=1",
        None,
    )
    .await;
    assert!(!texts(&q1).contains(&"Rà soát mốc 428 cùng dân quân".to_string()));
    let (_, q2) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/briefings/BP-LUNGCU?year=2024&quarter=2",
        None,
    )
    .await;
    assert!(
        texts(&q2).contains(&"Rà soát mốc 428 cùng dân quân".to_string()),
        "{q2}"
    );
    assert!(!texts(&q2).contains(&"Họp dân thôn Lô Lô Chải".to_string()));
    // The province sees it among the open actions of its roll too, and the
    // page lists it.
    let (_, roll) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/briefings?year=2024&quarter=2",
        None,
    )
    .await;
    assert!(
        roll["open_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["text"] == "Rà soát mốc 428 cùng dân quân")
    );
    let (client, _) = login(&app, "admin").await;
    let (s, html) = page(&client, &app, "/briefings?year=2024&quarter=2").await;
    assert_eq!(s, 200);
    assert!(html.contains("Rà soát mốc 428 cùng dân quân"));
    // Once done, it is no longer carried.
    let id = meeting["id"].as_str().expect("the meeting's id");
    let (_, current) = api(
        &app,
        &admin,
        Method::GET,
        &format!("/api/v1/meetings/{id}"),
        None,
    )
    .await;
    let mut content = current["content"].clone();
    content["actions"][0]["status"] = json!("done");
    let (s, e) = api(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/meetings/{id}"),
        Some(json!({"revision": current["revision"], "content": content})),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    let (_, q3) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/briefings/BP-LUNGCU?year=2024&quarter=3",
        None,
    )
    .await;
    assert!(!texts(&q3).contains(&"Rà soát mốc 428 cùng dân quân".to_string()));
}

#[tokio::test]
async fn briefing_pages_respect_the_organisation() {
    let app = spawn_app().await;
    let commune = token(&app, "xa-lungcu").await;
    // A commune may not read another post's report.
    let (s, _) = api(
        &app,
        &commune,
        Method::GET,
        "/api/v1/briefings/BP-XINMAN?year=2024&quarter=1",
        None,
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = api(
        &app,
        &commune,
        Method::GET,
        "/api/v1/briefings?year=2024&quarter=9",
        None,
    )
    .await;
    assert_eq!(s, 400);
    // A reader sees the report but no form.
    let (client, _) = login(&app, "dn-lungcu-xem").await;
    let (s, html) = page(&client, &app, "/briefings/BP-LUNGCU?year=2024&quarter=1").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Số liệu chủ yếu"));
    assert!(!html.contains("id=\"briefing-form\""));
    // A quarter that does not exist is refused in Vietnamese, naming it.
    let (s, html) = page(&client, &app, "/briefings/BP-LUNGCU?year=2024&quarter=9").await;
    assert_eq!(s, 400);
    assert!(
        html.contains("Quý: giá trị &#34;9&#34; không hợp lệ"),
        "{html}"
    );
    // The DOCX of the report downloads.
    let r = client
        .get(app.url("/briefings/BP-LUNGCU/download?year=2024&quarter=1&format=docx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    // Its number, date, style, signer and recipients are set on the page,
    // as on the report page and the CLI.
    let (_, html) = page(&client, &app, "/briefings/BP-LUNGCU?year=2024&quarter=1").await;
    assert!(
        html.contains("action=\"/briefings/BP-LUNGCU/download\"")
            && html.contains("name=\"quarter\" value=\"1\"")
            && html.contains("name=\"signer_name\""),
        "{html}"
    );
    let settings = serde_urlencoded::to_string([
        ("year", "2024"),
        ("quarter", "1"),
        ("cutoff", "decree09"),
        ("format", "docx"),
        ("style", "party"),
        ("number", "9"),
        ("date", "05/04/2024"),
        ("signer_name", "Lò Văn B"),
        ("recipients", "Đảng ủy xã Lũng Cú"),
    ])
    .unwrap();
    let r = client
        .get(app.url(&format!("/briefings/BP-LUNGCU/download?{settings}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    for expected in [
        "Số 09-BC/ĐU",
        "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
        "Hà Giang, ngày 05 tháng 4 năm 2024",
        "Lò Văn B",
        "- Đảng ủy xã Lũng Cú;",
    ] {
        assert!(xml.contains(expected), "{expected}");
    }
}
