//! On a phone-sized screen (390 px wide): the header's menu takes at most
//! two lines; record forms, a list, a record page, the dashboard and the
//! annual report fit the screen without sideways scrolling, and every input of a form stays inside it; the
//! patrol form's unit pickers offer the units of the date typed, and a
//! unit of the wrong kind is refused beside its field.
//!
//! With `BIENPHONG_SCREENSHOT=1` it also saves the patrol form at that
//! width as `docs/phone-form.png`.

use super::{
    WAIT, by_id, common, connect, find, no_browser, page_source, select, set_text,
    start_chromedriver, text, value,
};
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

const PHONE_WIDTH: u32 = 390;
const PHONE_HEIGHT: u32 = 844;

async fn sign_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    set_text(c, "username", user).await;
    set_text(c, "password", &common::password(user)).await;
    find(c, "#login-submit").await.click().await.unwrap();
    find(c, "#logout").await;
}

/// The page's width against the window's, and the form controls that
/// reach out of the window (all of them when `controls` is set).
async fn check_fits(c: &Client, what: &str, controls: bool) {
    let v = c
        .execute(
            "const inner = window.innerWidth;
             const bad = [];
             for (const e of document.querySelectorAll('main input, main select, main textarea, main button')) {
               const r = e.getBoundingClientRect();
               if (r.width > 0 && (r.left < -0.5 || r.right > inner + 0.5)) {
                 bad.push((e.id || e.name) + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
               }
             }
             return [document.documentElement.scrollWidth, inner, bad];",
            vec![],
        )
        .await
        .unwrap();
    let scroll = v[0].as_u64().unwrap();
    let inner = v[1].as_u64().unwrap();
    assert_eq!(
        inner,
        u64::from(PHONE_WIDTH),
        "{what}: the window is not phone-sized"
    );
    assert!(
        scroll <= inner,
        "{what}: the page is {scroll} px wide in a {inner} px screen"
    );
    if controls {
        let bad = v[2].as_array().unwrap();
        assert!(
            bad.is_empty(),
            "{what}: inputs out of the {inner} px screen: {bad:?}"
        );
    }
}

/// The values the picker `id` offers.
async fn offered(c: &Client, id: &str) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.getElementById(arguments[0]).options, o => o.value);",
            vec![serde_json::json!(id)],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The header's menu takes at most two lines and stays inside the screen;
/// every one of its links can be reached (scrolled to inside the menu).
async fn check_menu(c: &Client, what: &str) {
    let v = c
        .execute(
            "const nav = document.querySelector('header.top nav');
             const links = Array.from(nav.querySelectorAll('a'));
             const tops = new Set(links.map(a => Math.round(a.offsetTop)));
             const r = nav.getBoundingClientRect();
             const last = links[links.length - 1];
             last.scrollIntoView({inline: 'end', block: 'nearest'});
             const l = last.getBoundingClientRect();
             const visible = l.right <= window.innerWidth + 0.5 && l.left >= -0.5;
             nav.scrollLeft = 0;
             return [tops.size, links.length, Math.round(r.left), Math.round(r.right),
                     window.innerWidth, visible];",
            vec![],
        )
        .await
        .unwrap();
    let (lines, links) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
    assert!(links >= 12, "{what}: {links} links in the menu");
    assert!(
        (1..=2).contains(&lines),
        "{what}: the menu takes {lines} lines on a phone"
    );
    let (left, right, inner) = (
        v[2].as_i64().unwrap(),
        v[3].as_i64().unwrap(),
        v[4].as_i64().unwrap(),
    );
    assert!(
        left >= 0 && right <= inner,
        "{what}: the menu spans {left}–{right} in {inner} px"
    );
    assert!(
        v[5].as_bool().unwrap(),
        "{what}: the menu's last link cannot be reached"
    );
}

async fn run(c: Client, base: String) {
    let url = |path: &str| format!("{base}{path}");
    c.set_window_size(PHONE_WIDTH, PHONE_HEIGHT).await.unwrap();
    sign_in(&c, &base, "admin").await;
    check_menu(&c, "the dashboard").await;

    // Forms stack: every type's form, empty and refused.
    for kind in ["patrols", "cases", "meetings", "documents", "programmes"] {
        c.goto(&url(&format!("/records/{kind}/new"))).await.unwrap();
        find(&c, "#save").await;
        check_fits(&c, &format!("the new {kind} form"), true).await;
    }
    c.goto(&url("/records/patrols/new")).await.unwrap();
    set_text(&c, "f-participants[0].persons", "-3").await;
    find(&c, "#save").await.click().await.unwrap();
    find(&c, "#form-error").await;
    find(&c, "label.has-error .field-error").await;
    check_fits(&c, "the refused patrol form", true).await;
    if std::env::var("BIENPHONG_SCREENSHOT").as_deref() == Ok("1") {
        c.goto(&url("/records/patrols/new")).await.unwrap();
        find(&c, "#save").await;
        let png = c.screenshot().await.unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/phone-form.png");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!("saved {path}");
    }

    // A list, a record page and its edit form.
    c.goto(&url("/records/patrols?year=2023")).await.unwrap();
    find(&c, "#records").await;
    check_fits(&c, "the list of patrols", true).await;
    let first = find(&c, "#records tbody a").await;
    first.click().await.unwrap();
    find(&c, "#record-fields").await;
    check_fits(&c, "a patrol's page", false).await;
    find(&c, "#edit-record").await.click().await.unwrap();
    find(&c, "#save").await;
    check_fits(&c, "a patrol's edit form", true).await;
    check_menu(&c, "a patrol's edit form").await;
    c.goto(&url("/records/cases?year=2023")).await.unwrap();
    find(&c, "#records tbody a").await.click().await.unwrap();
    find(&c, "#record-fields").await;
    check_fits(&c, "a case's page", false).await;

    // The dashboard and the province's annual review with its tables.
    c.goto(&url("/?year=2023")).await.unwrap();
    find(&c, "#fig-patrols .value").await;
    check_fits(&c, "the dashboard", true).await;
    c.goto(&url("/reports?period=annual&year=2023&scope=HG"))
        .await
        .unwrap();
    let report = text(&c, "#report").await;
    assert!(report.contains("2023"), "{report}");
    assert!(
        c.find(Locator::Css("#report table")).await.is_ok(),
        "the annual review has tables: {}",
        page_source(&c).await
    );
    check_fits(&c, "the annual review", true).await;
}

/// A patrol form's pickers follow its date: the commune that ended on
/// 30 June 2025 before, the merged commune after; the lead unit's picker
/// offers only the kinds of unit that may lead; the button for browsers
/// without JavaScript is not shown. A commune leading the patrol is
/// refused beside the lead unit's picker.
async fn pickers(c: Client, base: String) {
    c.goto(&format!("{base}/records/patrols/new"))
        .await
        .unwrap();
    let refresh = find(&c, "#refresh-units").await;
    assert!(
        !refresh.is_displayed().await.unwrap(),
        "the redraw button is for browsers without JavaScript"
    );
    set_text(&c, "f-date", "10/06/2024").await;
    let partners = offered(&c, "f-partner_units").await;
    assert!(partners.contains(&"XA-LUNGCU".into()), "{partners:?}");
    assert!(!partners.contains(&"TQ-XA-LUNGCU".into()), "{partners:?}");
    // The lead unit takes posts, stations and commands only: no commune,
    // whatever the date (the kinds the write's refusal names).
    let leads = offered(&c, "f-lead_unit").await;
    assert!(leads.contains(&"BP-LUNGCU".into()), "{leads:?}");
    assert!(!leads.contains(&"XA-LUNGCU".into()), "{leads:?}");

    set_text(&c, "f-date", "01/08/2025").await;
    let partners = offered(&c, "f-partner_units").await;
    assert!(partners.contains(&"TQ-XA-LUNGCU".into()), "{partners:?}");
    assert!(!partners.contains(&"XA-LUNGCU".into()), "{partners:?}");
    let leads = offered(&c, "f-lead_unit").await;
    assert!(!leads.contains(&"TQ-XA-LUNGCU".into()), "{leads:?}");
    assert!(leads.contains(&"BP-LUNGCU".into()), "{leads:?}");
    // What is chosen stays chosen when the list changes.
    select(&c, "f-lead_unit", "BP-LUNGCU").await;
    set_text(&c, "f-date", "10/06/2024").await;
    assert_eq!(value(&by_id(&c, "f-lead_unit").await).await, "BP-LUNGCU");

    // A commune leading a patrol, as a form drawn before the pickers
    // knew kinds (or a hand-made request) would post it.
    c.execute(
        "const s = document.getElementById('f-lead_unit');
         s.add(new Option('Xã Lũng Cú', 'XA-LUNGCU', false, true));",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(value(&by_id(&c, "f-lead_unit").await).await, "XA-LUNGCU");
    select(&c, "f-kind", "joint").await;
    select(&c, "f-participants[0].force", "BDBP").await;
    set_text(&c, "f-participants[0].persons", "5").await;
    let page = find(&c, "html").await;
    find(&c, "#save").await.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while page.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "the form was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let label = find(&c, r#"label.has-error[data-field="lead_unit"]"#).await;
    let beside = label
        .find(Locator::Css(".field-error"))
        .await
        .expect("the error inside the lead unit's label")
        .text()
        .await
        .unwrap();
    assert!(
        beside.contains("XA-LUNGCU") && beside.contains("là xã"),
        "{beside}"
    );
    let top = text(&c, "#form-error").await;
    assert!(top.contains("Đơn vị chủ trì"), "{top}");
    assert!(!top.contains("là xã"), "{top}");
    assert!(!page_source(&c).await.contains("Unknown localization key"));
    // The form keeps the date typed and offers that date's units.
    assert_eq!(value(&by_id(&c, "f-date").await).await, "10/06/2024");
    let partners = offered(&c, "f-partner_units").await;
    assert!(partners.contains(&"XA-LUNGCU".into()), "{partners:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sized_screen_shows_forms_lists_records_and_reports_without_sideways_scrolling() {
    if no_browser() {
        return;
    }
    let app = common::spawn_app().await;
    let driver = start_chromedriver();
    let client = connect(&driver).await;
    let (c, base) = (client.clone(), app.base.clone());
    let outcome = tokio::spawn(async move {
        run(c.clone(), base.clone()).await;
        pickers(c, base).await;
    })
    .await;
    let _ = client.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the browser steps did not finish: {e}");
    }
}
