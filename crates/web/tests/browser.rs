//! The web UI in a real browser: headless Chromium driven over WebDriver by
//! Debian's `chromedriver`. Signs in, reads the dashboard, enters a patrol
//! (first with a bad head count, then a good one), sees the dashboard count
//! it, is asked to confirm an unusual head count (nothing saved until it
//! does), submits a briefing report, resolves a conflict between two nodes'
//! versions of a patrol, and switches the page to English. The second
//! test (`browser/phone.rs`) does the same pages on a 390-pixel-wide
//! screen, and the unit pickers that follow the form's date.
//!
//! Skipped when `/usr/bin/chromedriver` is missing, unless
//! `BIENPHONG_REQUIRE_BROWSER` is set (as CI does): then it fails.
//! With `BIENPHONG_SCREENSHOT=1` it also saves the Vietnamese dashboard as
//! `docs/dashboard.png`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

#[path = "web/common/mod.rs"]
mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(30);

/// The chromedriver child process; killed when dropped, also on a panic.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

fn start_chromedriver() -> Driver {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
    let driver = Driver { child, port };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < WAIT,
            "{CHROMEDRIVER} does not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn connect(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--lang=vi",
                "--accept-lang=vi-VN,vi",
            ],
            // A Vietnamese user's browser: the server answers in the
            // language of Accept-Language until the user chooses one.
            "prefs": { "intl.accept_languages": "vi-VN,vi" },
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session with {CHROMIUM}: {e}"))
}

async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| {
            panic!("no element {css} on the page: {e}");
        })
}

/// An element by its id, which may hold `[`, `]` and `.`.
async fn by_id(c: &Client, id: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no element #{id} on the page: {e}"))
}

async fn text(c: &Client, css: &str) -> String {
    find(c, css).await.text().await.unwrap()
}

async fn value(el: &fantoccini::elements::Element) -> String {
    el.prop("value").await.unwrap().unwrap_or_default()
}

async fn set_text(c: &Client, id: &str, text: &str) {
    let el = by_id(c, id).await;
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
    assert_eq!(value(&el).await, text, "#{id} after typing");
}

async fn select(c: &Client, id: &str, v: &str) {
    let el = by_id(c, id).await;
    el.select_by_value(v).await.unwrap();
    assert_eq!(value(&el).await, v, "#{id} after choosing");
}

/// "1.178" (Vietnamese thousands separator) → 1178.
fn parse_vi_number(s: &str) -> u64 {
    let digits: String = s.trim().chars().filter(|c| *c != '.').collect();
    digits
        .parse()
        .unwrap_or_else(|e| panic!("not a Vietnamese whole number: {s:?}: {e}"))
}

async fn page_source(c: &Client) -> String {
    c.source().await.unwrap_or_default()
}

/// The dashboard's figure `#fig-<id>`.
async fn figure(c: &Client, id: &str) -> u64 {
    parse_vi_number(&text(c, &format!("#fig-{id} .value")).await)
}

async fn html_lang(c: &Client) -> String {
    let html = find(c, "html").await;
    html.attr("lang").await.unwrap().unwrap_or_default()
}

/// Fills the patrol form with `persons` as the first participant's count
/// and saves it.
async fn fill_patrol(c: &Client, persons: &str) {
    set_text(c, "f-date", "10/06/2023").await;
    select(c, "f-kind", "joint").await;
    select(c, "f-participants[0].force", "BDBP").await;
    set_text(c, "f-participants[0].persons", persons).await;
    // Wait for the answer to replace this page: otherwise the next look
    // could find the previous answer's error, about to go stale.
    let page = find(c, "html").await;
    find(c, "#save").await.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while page.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "the form was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// After a refused save: the form's error, and the field's own error next
/// to it, both in Vietnamese.
async fn expect_refused(c: &Client, persons: &str, wanted: &str) {
    let form_error = text(c, "#form-error").await;
    assert!(!form_error.trim().is_empty(), "an empty #form-error");
    let field_error = by_id(c, "error-participants[0].persons").await;
    assert_eq!(
        field_error.attr("class").await.unwrap().as_deref(),
        Some("field-error")
    );
    let message = field_error.text().await.unwrap();
    assert!(
        message.contains(wanted),
        "for {persons:?} the field error is {message:?}, not {wanted:?}"
    );
    // Next to the field: inside the same label.
    let label = find(
        c,
        r#"label.has-error[data-field="participants[0].persons"]"#,
    )
    .await;
    let inside = label
        .find(Locator::Css(".field-error"))
        .await
        .expect("the field error inside the field's label");
    assert_eq!(inside.text().await.unwrap(), message);
    // What was typed stays in the form.
    assert_eq!(
        value(&by_id(c, "f-participants[0].persons").await).await,
        persons
    );
    assert_eq!(value(&by_id(c, "f-date").await).await, "10/06/2023");
    assert_eq!(
        value(&by_id(c, "f-participants[0].force").await).await,
        "BDBP"
    );
    assert!(
        c.find(Locator::Id("saved")).await.is_err(),
        "#saved after a refused save"
    );
}

/// A Lũng Cú patrol of 2023 changed in two places before a sync: one
/// edit made here (persons 21) and one from another node (persons 34),
/// both following the same revision. Returns the record and the two.
async fn make_conflict(app: &common::TestApp) -> (String, String, String) {
    use bienphong_domain::{Content, RecordType, RevisionId};
    use bienphong_store::{ListFilter, Store};
    let store = app.service.store();
    let patrol = store
        .list(ListFilter {
            record_type: Some(RecordType::Patrol),
            units: Some(vec![bienphong_domain::org::Code::parse("BP-LUNGCU").unwrap()].into()),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    let with_persons = |persons: u32| {
        let mut v: serde_json::Value = serde_json::from_str(&patrol.content).unwrap();
        v["participants"] = serde_json::json!([{"force": "BDBP", "persons": persons}]);
        Content::from_json(RecordType::Patrol, &v.to_string()).unwrap()
    };
    let here = app
        .service
        .edit(
            &bienphong_service::Actor::now("dn-lungcu"),
            patrol.record_id,
            Some(patrol.revision_id),
            with_persons(21),
        )
        .await
        .unwrap();
    let mut elsewhere = here.clone();
    elsewhere.id = RevisionId::new();
    elsewhere.node_id = bienphong_domain::NodeId::new();
    elsewhere.author = "máy đồn".into();
    elsewhere.content = with_persons(34).to_json();
    store.import(vec![elsewhere.clone()]).await.unwrap();
    assert_eq!(store.conflicts().await.unwrap().len(), 1);
    (
        patrol.record_id.to_string(),
        here.id.to_string(),
        elsewhere.id.to_string(),
    )
}

async fn run(c: Client, base: String, conflict: (String, String, String)) {
    let url = |path: &str| format!("{base}{path}");
    c.set_window_size(1280, 1000).await.unwrap();

    // 1. Sign in.
    c.goto(&url("/")).await.unwrap();
    let h1 = text(&c, "h1").await;
    assert_eq!(
        h1,
        "Đăng nhập",
        "not the login page: {}",
        page_source(&c).await
    );
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    set_text(&c, "username", "dn-lungcu").await;
    set_text(&c, "password", &common::password("dn-lungcu")).await;
    find(&c, "#login-submit").await.click().await.unwrap();

    // 2. The dashboard, year 2023, chosen in the form.
    let year = find(&c, "#dash-year").await;
    year.select_by_value("2023").await.unwrap();
    find(&c, "#dash-show").await.click().await.unwrap();
    let start = Instant::now();
    while !c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("year=2023")
    {
        assert!(start.elapsed() < WAIT, "the dashboard did not show 2023");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value(&find(&c, "#dash-year").await).await, "2023");
    let before = figure(&c, "patrols").await;
    assert!(before > 0, "no patrols in 2023 in the demo store");
    let persons_before = figure(&c, "patrol-bdbp").await;

    // 3. A new patrol: the lead unit is the user's own.
    c.goto(&url("/records/patrols/new")).await.unwrap();
    assert_eq!(value(&by_id(&c, "f-lead_unit").await).await, "BP-LUNGCU");
    fill_patrol(&c, "ba người").await;
    expect_refused(&c, "ba người", "số không hợp lệ").await;
    fill_patrol(&c, "-3").await;
    expect_refused(&c, "-3", "không được là số âm").await;
    fill_patrol(&c, "5").await;
    let saved = find(&c, "#saved").await.text().await.unwrap();
    assert!(!saved.trim().is_empty(), "an empty #saved");
    let at = c.current_url().await.unwrap();
    assert!(at.path().starts_with("/records/patrols/"), "saved at {at}");
    let fields = text(&c, "#record-fields").await;
    assert!(fields.contains("10/06/2023"), "record page: {fields}");

    // 3b. A case with seizures typed the Vietnamese way (1.200 g is one
    // thousand two hundred grams, 12.500.000 đồng, 0,43 kg): the record
    // page shows them with their unit; its edit form, saved untouched,
    // writes no new revision and changes nothing.
    c.goto(&url("/records/cases/new")).await.unwrap();
    set_text(&c, "f-date", "12/06/2023").await;
    select(&c, "f-handling_unit", "BP-LUNGCU").await;
    select(&c, "f-case_type", "MATUY").await;
    set_text(&c, "f-subjects", "1").await;
    for (i, (item, quantity)) in [
        ("THUOCPHIEN", "1.200"),
        ("TIEN", "12.500.000"),
        ("PHAONO", "0,43"),
    ]
    .into_iter()
    .enumerate()
    {
        select(&c, &format!("f-seizures[{i}].item"), item).await;
        set_text(&c, &format!("f-seizures[{i}].quantity"), quantity).await;
    }
    let page = find(&c, "html").await;
    find(&c, "#save").await.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while page.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "the form was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The post's own history may make 1.200 g unusual: then it asks, and
    // the box confirms it.
    if let Ok(confirm) = c.find(Locator::Id("f-confirm")).await {
        confirm.click().await.unwrap();
        let page = find(&c, "html").await;
        find(&c, "#save").await.click().await.unwrap();
        let deadline = Instant::now() + WAIT;
        while page.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "the form was not answered");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    find(&c, "#saved").await;
    let case_page = c.current_url().await.unwrap();
    let fields = text(&c, "#record-fields").await;
    for shown in ["1.200 g", "12.500.000 đồng", "0,43 kg"] {
        assert!(
            fields.contains(shown),
            "{shown} on the case's page: {fields}"
        );
    }
    let revisions = |c: Client| async move {
        c.find_all(Locator::Css("#history > li"))
            .await
            .unwrap()
            .len()
    };
    assert_eq!(revisions(c.clone()).await, 1);
    find(&c, "#edit-record").await.click().await.unwrap();
    assert_eq!(
        value(&by_id(&c, "f-seizures[0].quantity").await).await,
        "1.200"
    );
    let page = find(&c, "html").await;
    find(&c, "#save").await.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while page.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "the form was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.goto(case_page.as_str()).await.unwrap();
    assert_eq!(
        revisions(c.clone()).await,
        1,
        "an untouched edit wrote a revision: {}",
        page_source(&c).await
    );
    assert_eq!(text(&c, "#record-fields").await, fields);

    // 4. The dashboard counts it.
    c.goto(&url("/?year=2023")).await.unwrap();
    let after = figure(&c, "patrols").await;
    assert_eq!(
        after,
        before + 1,
        "patrols in 2023: {before} before, {after} after"
    );
    let persons_after = figure(&c, "patrol-bdbp").await;
    assert_eq!(
        persons_after,
        persons_before + 5,
        "border guards on patrols in 2023"
    );
    assert_eq!(html_lang(&c).await, "vi");
    if std::env::var("BIENPHONG_SCREENSHOT").as_deref() == Ok("1") {
        let png = c.screenshot().await.unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/dashboard.png");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!("saved {path}");
    }

    // 4b. A patrol of 250 Border Guard persons is asked about: the
    // question beside the field and a box to confirm it; saved again
    // without the box, still nothing is saved; with it, the record is.
    c.goto(&url("/records/patrols/new")).await.unwrap();
    assert!(
        c.find(Locator::Id("f-confirm")).await.is_err(),
        "a confirmation box before any question"
    );
    fill_patrol(&c, "250").await;
    expect_refused(&c, "250", "nhiều hơn mức thường gặp (200 người)").await;
    let confirm = find(&c, "#f-confirm").await;
    assert!(
        text(&c, "label.confirm").await.contains("Xác nhận"),
        "{}",
        page_source(&c).await
    );
    assert!(!confirm.is_selected().await.unwrap());
    fill_patrol(&c, "250").await;
    expect_refused(&c, "250", "nhiều hơn mức thường gặp").await;
    c.goto(&url("/?year=2023")).await.unwrap();
    assert_eq!(
        figure(&c, "patrols").await,
        after,
        "nothing saved unconfirmed"
    );
    c.goto(&url("/records/patrols/new")).await.unwrap();
    fill_patrol(&c, "250").await;
    find(&c, "#f-confirm").await.click().await.unwrap();
    let page = find(&c, "html").await;
    find(&c, "#save").await.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while page.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "the form was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    find(&c, "#saved").await;
    let fields = text(&c, "#record-fields").await;
    assert!(fields.contains("250"), "record page: {fields}");
    c.goto(&url("/?year=2023")).await.unwrap();
    assert_eq!(figure(&c, "patrols").await, after + 1);
    assert_eq!(figure(&c, "patrol-bdbp").await, persons_after + 250);

    // 5. The post writes its report for the last quarter of 2023 and
    // submits it, long after its due date: late, and its form is gone.
    c.goto(&url("/briefings/BP-LUNGCU?year=2023&quarter=4"))
        .await
        .unwrap();
    assert!(text(&c, "#report").await.contains("Số liệu chủ yếu"));
    set_text(
        &c,
        "field-results",
        "Giữ vững chủ quyền, an ninh biên giới.",
    )
    .await;
    set_text(&c, "field-proposals", "Bổ sung máy bộ đàm.").await;
    find(&c, "#briefing-submit").await.click().await.unwrap();
    let started = Instant::now();
    while c.find(Locator::Id("briefing-form")).await.is_ok() {
        assert!(
            started.elapsed() < WAIT,
            "the form is still there after submitting"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text(&c, "#briefing-state").await.contains("Gửi chậm"));
    let report = text(&c, "#report").await;
    assert!(report.contains("Đã gửi ngày"), "{report}");
    assert!(report.contains("Bổ sung máy bộ đàm."), "{report}");
    c.goto(&url("/briefings?year=2023&quarter=4"))
        .await
        .unwrap();
    let roll = text(&c, "#briefing-roll").await;
    assert!(
        roll.contains("Đồn Biên phòng Lũng Cú") && roll.contains("Gửi chậm"),
        "{roll}"
    );

    // 6. A patrol changed in two places: the menu leads to it, both
    // versions stand side by side, and the editor keeps this store's
    // version with the other node's head count.
    let (record, here, elsewhere) = conflict;
    find(&c, "#nav-conflicts").await.click().await.unwrap();
    find(&c, &format!("a[href='/conflicts/{record}']"))
        .await
        .click()
        .await
        .unwrap();
    let versions = text(&c, "#conflict-versions").await;
    assert!(
        versions.contains(&here) && versions.contains(&elsewhere),
        "{versions}"
    );
    assert!(
        versions.contains("21") && versions.contains("34"),
        "{versions}"
    );
    find(&c, &format!("input[name='take'][value='{here}']"))
        .await
        .click()
        .await
        .unwrap();
    find(
        &c,
        &format!("input[name='field:participants'][value='{elsewhere}']"),
    )
    .await
    .click()
    .await
    .unwrap();
    find(&c, "#resolve").await.click().await.unwrap();
    find(&c, "#saved").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/records/patrols/{record}")
    );
    let fields = text(&c, "#record-fields").await;
    assert!(fields.contains("34"), "{fields}");
    assert!(c.find(Locator::Id("record-conflict")).await.is_err());

    // 7. English.
    c.goto(&url("/?year=2023")).await.unwrap();
    find(&c, "#lang-en").await.click().await.unwrap();
    find(&c, "#lang-vi").await;
    assert_eq!(html_lang(&c).await, "en");
    let nav = text(&c, "header nav").await;
    assert!(nav.contains("Dashboard"), "English nav: {nav}");
    // Back on the same dashboard: the year chosen is kept.
    let at = c.current_url().await.unwrap();
    assert_eq!(at.path(), "/", "after switching: {at}");
    assert_eq!(at.query(), Some("year=2023"), "after switching: {at}");
    assert!(text(&c, "#dash-period").await.contains("15/12/2022"));
    find(&c, "#fig-patrols .value").await;
}

/// Whether chromedriver is missing (then the test is skipped, or fails
/// when `BIENPHONG_REQUIRE_BROWSER` is set).
fn no_browser() -> bool {
    if Path::new(CHROMEDRIVER).exists() {
        return false;
    }
    assert!(
        std::env::var_os("BIENPHONG_REQUIRE_BROWSER").is_none(),
        "BIENPHONG_REQUIRE_BROWSER is set but {CHROMEDRIVER} is missing \
         (apt-get install chromium chromium-driver)"
    );
    eprintln!(
        "skipped: {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver); \
         set BIENPHONG_REQUIRE_BROWSER=1 to make this a failure"
    );
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_enter_a_patrol_and_switch_to_english() {
    if no_browser() {
        return;
    }
    let started = Instant::now();
    let app = common::spawn_app().await;
    let driver = start_chromedriver();
    let client = connect(&driver).await;
    // Run the steps in their own task so that a failed assertion still
    // ends the browser session before the driver is killed.
    let conflict = make_conflict(&app).await;
    let outcome = tokio::spawn(run(client.clone(), app.base.clone(), conflict)).await;
    let _ = client.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the browser steps did not finish: {e}");
    }
    eprintln!("browser test took {:.1?}", started.elapsed());
}

#[path = "browser/phone.rs"]
mod phone;

#[path = "browser/map.rs"]
mod map;
