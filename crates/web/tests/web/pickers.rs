//! The unit pickers of record forms: each unit with its name, code and
//! days, only those valid on the form's date (the 2025 merger of Lũng Cú
//! commune into the new one), drawn again for another date by the form's
//! button without JavaScript; a unit of the wrong kind or of other days is
//! refused beside its field.

use crate::common::{TestApp, login, record_count, spawn_app};

/// The option values of the `<select name="NAME">` in `page`.
fn offered(page: &str, name: &str) -> Vec<String> {
    let start = format!("<select name=\"{name}\"");
    let select = page
        .split(&start)
        .nth(1)
        .unwrap_or_else(|| panic!("no picker {name} in {page}"));
    let select = select.split("</select>").next().unwrap();
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The option of `code` in the picker NAME, as shown.
fn option_label(page: &str, name: &str, code: &str) -> String {
    let select = page
        .split(&format!("<select name=\"{name}\""))
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap();
    let option = select
        .split(&format!("<option value=\"{code}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("{code} is not offered in {name}"));
    let label = option.split('>').nth(1).unwrap();
    label.split('<').next().unwrap().to_string()
}

async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let r = client.post(app.url(path)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_unit_pickers_offer_the_units_of_the_forms_date() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "dn-lungcu").await;
    let before = record_count(&app).await;

    // A new patrol is dated today, after the merger: the merged commune,
    // not the commune that ended on 30 June 2025.
    let page = client
        .get(app.url("/records/patrols/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let partners = offered(&page, "partner_units");
    assert!(
        partners.contains(&"TQ-XA-LUNGCU".to_string()),
        "{partners:?}"
    );
    assert!(!partners.contains(&"XA-LUNGCU".to_string()), "{partners:?}");
    // Each unit with its name, code and days.
    assert_eq!(
        option_label(&page, "partner_units", "TQ-XA-LUNGCU"),
        "Xã Lũng Cú · TQ-XA-LUNGCU · từ 01/07/2025"
    );
    assert_eq!(
        option_label(&page, "lead_unit", "BP-LUNGCU"),
        "Đồn Biên phòng Lũng Cú · BP-LUNGCU"
    );
    // The list of every unit with its days, for the page's script, and
    // the button that does without it.
    assert!(page.contains("data-units-date=\"f-date\""), "{page}");
    assert!(page.contains("id=\"unit-choices\""));
    assert!(page.contains("Cập nhật danh sách đơn vị"));

    // Without JavaScript: the date changed to 2024 and the button
    // pressed. The form comes back with what was typed, the lists drawn
    // for 2024, and nothing saved.
    let (status, page) = post_form(
        &client,
        &app,
        "/records/patrols/new",
        &[
            ("csrf", csrf.as_str()),
            ("date", "10/06/2024"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "5"),
            ("refresh_units", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let partners = offered(&page, "partner_units");
    assert!(partners.contains(&"XA-LUNGCU".to_string()), "{partners:?}");
    assert!(
        !partners.contains(&"TQ-XA-LUNGCU".to_string()),
        "{partners:?}"
    );
    assert_eq!(
        option_label(&page, "partner_units", "XA-LUNGCU"),
        "Xã Lũng Cú · XA-LUNGCU · đến 30/06/2025"
    );
    assert!(
        page.contains("value=\"10/06/2024\""),
        "the date typed stays"
    );
    assert!(page.contains("id=\"f-participants[0].persons\" value=\"5\""));
    assert!(!page.contains("form-error"), "no error on a redraw: {page}");
    assert_eq!(record_count(&app).await, before, "a redraw saves nothing");

    // The edit form of a 2023 patrol offers the units of its own date.
    let list = client
        .get(app.url("/records/patrols?year=2023&unit=BP-LUNGCU"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The list's unit filter tells the two communes apart too.
    assert_eq!(
        option_label(&list, "unit", "TQ-XA-LUNGCU"),
        "Xã Lũng Cú · TQ-XA-LUNGCU · từ 01/07/2025"
    );
    let href = list
        .split("id=\"records\"")
        .nth(1)
        .expect("a table of patrols")
        .split("href=\"/records/patrols/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a 2023 patrol of Lũng Cú");
    let page = client
        .get(app.url(&format!("/records/patrols/{href}/edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let partners = offered(&page, "partner_units");
    assert!(partners.contains(&"XA-LUNGCU".to_string()), "{partners:?}");
    assert!(
        !partners.contains(&"TQ-XA-LUNGCU".to_string()),
        "{partners:?}"
    );
    // Redrawn for a date after the merger, with its revision kept.
    let revision = page
        .split("name=\"revision\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let (status, page) = post_form(
        &client,
        &app,
        &format!("/records/patrols/{href}/edit"),
        &[
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("date", "2025-08-01"),
            ("lead_unit", "BP-LUNGCU"),
            ("kind", "joint"),
            ("refresh_units", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(offered(&page, "partner_units").contains(&"TQ-XA-LUNGCU".to_string()));
    assert!(page.contains(&format!("name=\"revision\" value=\"{revision}\"")));
    assert_eq!(record_count(&app).await, before);
}

#[tokio::test]
async fn a_unit_of_the_wrong_kind_or_days_is_refused_beside_its_field() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "admin").await;
    let before = record_count(&app).await;
    let patrol = |lead: &'static str, partner: &'static str| {
        let csrf = csrf.clone();
        vec![
            ("csrf", csrf),
            ("date", "10/06/2024".to_string()),
            ("lead_unit", lead.to_string()),
            ("partner_units", partner.to_string()),
            ("kind", "joint".to_string()),
            ("participants[0].force", "BDBP".to_string()),
            ("participants[0].persons", "5".to_string()),
        ]
    };

    // A commune leading a patrol: the message beside the lead unit, in
    // words, and the top of the form pointing there.
    let form = patrol("XA-LUNGCU", "");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = post_form(&client, &app, "/records/patrols/new", &form).await;
    assert_eq!(status, 422, "{page}");
    let beside = page
        .split("id=\"error-lead_unit\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("no error beside the lead unit: {page}"));
    assert!(
        beside.contains("XA-LUNGCU")
            && beside.contains("là xã")
            && beside.contains("đồn biên phòng"),
        "{beside}"
    );
    assert!(page.contains("data-field=\"lead_unit\""));
    let top = page
        .split("id=\"form-error\"")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .unwrap();
    assert!(top.contains("Đơn vị chủ trì"), "{top}");
    assert!(
        !top.contains("là xã"),
        "the message is beside the field: {top}"
    );
    assert!(!page.contains("Unknown localization key"), "{page}");

    // The merged commune as a partner of a 2024 patrol: beside the
    // partners' picker, which keeps it chosen.
    let form = patrol("BP-LUNGCU", "TQ-XA-LUNGCU");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = post_form(&client, &app, "/records/patrols/new", &form).await;
    assert_eq!(status, 422, "{page}");
    let beside = page
        .split("id=\"error-partner_units\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("no error beside the partners: {page}"));
    assert!(
        beside.contains("TQ-XA-LUNGCU") && beside.contains("10/06/2024"),
        "{beside}"
    );
    assert!(!page.contains("Unknown localization key"), "{page}");
    assert!(
        page.contains("<option value=\"TQ-XA-LUNGCU\" selected>"),
        "what was chosen stays chosen"
    );
    assert_eq!(record_count(&app).await, before);
}

/// A picker whose field takes only some kinds of unit offers only those
/// (a patrol's lead: posts, stations, commands; a marker's post: posts and
/// stations), valid on the form's date, in the first drawing and in the
/// no-JavaScript redraw; a picker that takes any unit offers every kind.
/// The kinds are the ones the write's refusal names.
#[tokio::test]
async fn a_picker_offers_only_the_kinds_of_unit_its_field_takes() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "admin").await;
    let page = client
        .get(app.url("/records/patrols/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let leads = offered(&page, "lead_unit");
    for fits in ["BP-LUNGCU", "BCH-TQ", "TRAM-MINHTAN"] {
        assert!(leads.contains(&fits.to_string()), "{fits}: {leads:?}");
    }
    for not in ["HG", "TQ-XA-LUNGCU", "XA-MINHTAN"] {
        assert!(!leads.contains(&not.to_string()), "{not}: {leads:?}");
    }
    assert!(
        page.contains("data-unit-kinds=\"border_post station border_guard_command\""),
        "app.js is told the kinds"
    );
    // The partners take any unit: communes and the province too.
    let partners = offered(&page, "partner_units");
    for any in ["TQ-XA-LUNGCU", "TQ", "BP-LUNGCU"] {
        assert!(partners.contains(&any.to_string()), "{any}: {partners:?}");
    }
    assert!(page.contains("name=\"partner_units\" id=\"f-partner_units\" multiple size=\"5\" data-units data-unit-kinds=\"\""));

    // Without JavaScript, redrawn for 2024: still only the kinds that may
    // lead, of that date; the partners get the commune of that date.
    let (status, page) = post_form(
        &client,
        &app,
        "/records/patrols/new",
        &[
            ("csrf", csrf.as_str()),
            ("date", "10/06/2024"),
            ("kind", "joint"),
            ("refresh_units", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let leads = offered(&page, "lead_unit");
    assert!(leads.contains(&"BP-LUNGCU".to_string()), "{leads:?}");
    assert!(!leads.contains(&"XA-LUNGCU".to_string()), "{leads:?}");
    assert!(offered(&page, "partner_units").contains(&"XA-LUNGCU".to_string()));

    // A commune already chosen stays offered beside its refusal, so that
    // the form shows what was posted.
    let (status, page) = post_form(
        &client,
        &app,
        "/records/patrols/new",
        &[
            ("csrf", csrf.as_str()),
            ("date", "10/06/2024"),
            ("lead_unit", "XA-LUNGCU"),
            ("kind", "joint"),
            ("participants[0].force", "BDBP"),
            ("participants[0].persons", "5"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("<option value=\"XA-LUNGCU\" selected>"));
    let leads = offered(&page, "lead_unit");
    assert!(!leads.contains(&"XA-MINHTAN".to_string()), "{leads:?}");

    // A marker's post: posts and stations, no command, no commune.
    let page = client
        .get(app.url("/records/markers/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let posts = offered(&page, "post");
    assert!(posts.contains(&"BP-LUNGCU".to_string()), "{posts:?}");
    assert!(posts.contains(&"TRAM-MINHTAN".to_string()), "{posts:?}");
    for not in ["BCH-HG", "HG", "XA-MINHTAN"] {
        assert!(!posts.contains(&not.to_string()), "{not}: {posts:?}");
    }
}
