//! Figures across the demo's reorganisation of 1 July 2025 on the web: the
//! dashboard opens on a comparison of like with like, and the report form
//! and the API count "mapped onto the units of a date" as the CLI does.

use crate::common::{api, login, spawn_app, token};
use reqwest::Method;
use serde_json::Value;

/// The patrols card of a dashboard page: (this period, the same period).
fn patrols_card(page: &str) -> (i64, i64) {
    let card = page
        .split("id=\"fig-patrols\"")
        .nth(1)
        .unwrap_or_else(|| panic!("{page}"));
    let number = |after: &str| -> i64 {
        let rest = card.split(after).nth(1).unwrap();
        rest.chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    (number("<div class=\"value\">"), number(": "))
}

fn selected_year(page: &str) -> String {
    let select = page.split("id=\"dash-year\"").nth(1).unwrap();
    let option = select.split(" selected>").next().unwrap();
    option.rsplit("value=\"").next().unwrap()[..4].to_string()
}

/// Whoever signs in, the dashboard opens on a year it can compare: the
/// demo's years have like volumes, so the province's and a post's patrol
/// counts are within a quarter of the same period's. The reader at Lũng Cú
/// commune, merged on 1/7/2025, sees its last whole year, not half of 2025
/// against all of 2024.
#[tokio::test]
async fn the_dashboard_opens_on_a_comparison_of_like_with_like() {
    let app = spawn_app().await;
    for user in ["admin", "dn-lungcu", "xa-lungcu"] {
        let (client, _) = login(&app, user).await;
        let page = client
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let (now, before) = patrols_card(&page);
        assert!(now > 0 && before > 0, "{user}: {now} against {before}");
        if user == "xa-lungcu" {
            // A commune's own counts vary from year to year; what matters
            // is that its half of 2025 is not set against all of 2024.
            assert_eq!(selected_year(&page), "2024", "{user}");
        } else {
            assert!(
                (now - before).abs() * 4 < before,
                "{user}: {now} against {before}"
            );
        }
    }
}

/// `map_to` on the API's annual review and on the report page: the old
/// Sơn Vĩ commune's 2025 as the units were ends on 30/06/2025; mapped onto
/// the units of 1/1/2025 it takes a third of the new Sơn Vĩ's patrols, and
/// the report says so. A bad day is refused with the field named.
#[tokio::test]
async fn the_annual_review_maps_onto_the_units_of_a_date() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let annual = async |query: &str| -> Value {
        let (s, v) = api(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/reports/annual?year=2025&scope=XA-SONVI{query}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{v}");
        v
    };
    let as_were = annual("").await;
    let mapped = annual("&map_to=2025-01-01").await;
    assert!(as_were.get("mapped_to").is_none(), "{as_were}");
    assert_eq!(mapped["mapped_to"], "2025-01-01");
    let share = &mapped["apportioned"][0];
    assert_eq!(share["unit"]["code"], "TQ-XA-SONVI", "{mapped}");
    assert_eq!(share["share"], "1/3");
    let counted = share["counted"].as_i64().unwrap();
    assert!(counted > 0);
    assert_eq!(
        mapped["patrols"]["count"].as_i64().unwrap(),
        as_were["patrols"]["count"].as_i64().unwrap() + counted
    );
    let (s, bad) = api(
        &app,
        &admin,
        Method::GET,
        "/api/v1/reports/annual?year=2025&scope=XA-SONVI&map_to=31/02/2025",
        None,
    )
    .await;
    assert_eq!(s, 400, "{bad}");
    assert!(bad.to_string().contains("map_to"), "{bad}");

    // The page: the form keeps the day, the report says how it counted,
    // and the downloads carry it.
    let (client, _) = login(&app, "admin").await;
    let page = client
        .get(app.url(
            "/reports?period=annual&year=2025&scope=XA-SONVI&cutoff=decree09&map_to=01%2F01%2F2025",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"report-map-to\" value=\"01/01/2025\""),
        "{page}"
    );
    assert!(
        page.contains("quy đổi theo các đơn vị ngày 01/01/2025"),
        "{page}"
    );
    assert!(page.contains("tính 1/3 phần"), "{page}");
    assert!(page.contains("map_to=01%2F01%2F2025"), "{page}");
    let json: Value = client
        .get(app.url(
            "/reports/download?period=annual&year=2025&scope=XA-SONVI&cutoff=decree09&map_to=01%2F01%2F2025&format=json",
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["patrols"], mapped["patrols"]);
}

/// Hà Giang ended on 30/6/2025: its dashboard for 2026 counts nothing (and
/// compares with its 2025, which it had), and its map after its last day
/// shows no marker and no track, where Tuyên Quang's shows the markers.
#[tokio::test]
async fn the_dashboard_and_the_map_of_an_abolished_province_end_on_its_last_day() {
    let app = spawn_app().await;
    let (client, _) = login(&app, "admin").await;
    let page = client
        .get(app.url("/?scope=HG&year=2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (now, before) = patrols_card(&page);
    assert_eq!(now, 0, "{page}");
    assert!(before > 0, "{page}");

    let admin = token(&app, "admin").await;
    let layers = async |query: &str| -> Vec<String> {
        let (s, v) = api(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/map?{query}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{v}");
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["layer"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let after = "from=2025-08-01&to=2025-12-31&days=30";
    let hg_after = layers(&format!("scope=HG&{after}")).await;
    assert!(
        !hg_after.iter().any(|l| l == "marker" || l == "track"),
        "{hg_after:?}"
    );
    let tq_after = layers(&format!("scope=TQ&{after}")).await;
    assert!(tq_after.iter().any(|l| l == "marker"), "{tq_after:?}");
    let hg_before = layers("scope=HG&from=2025-01-01&to=2025-06-30&days=30").await;
    assert!(hg_before.iter().any(|l| l == "marker"), "{hg_before:?}");
}

/// A record's JSON over the API may name a unit by an administrative code
/// in force on its date or by an agency identifier, on create and on
/// update; the answer shows the unit's own code, as stored. A code not in
/// force on the date is refused with its field named.
#[tokio::test]
async fn record_json_over_the_api_takes_a_units_code_and_stores_its_own() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let patrol = |date: &str, lead: &str, partner: &str| {
        serde_json::json!({"date": date, "lead_unit": lead, "partner_units": [partner],
            "kind": "joint", "participants": [{"force": "BDBP", "persons": 4}]})
    };
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/patrols",
        Some(patrol("2025-08-06", "012.02.01.G12", "98016")),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["content"]["lead_unit"], "BP-SONVI", "{v}");
    assert_eq!(v["content"]["partner_units"][0], "TQ-XA-SONVI", "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    // The new Sơn Vĩ's agency identifier, on update.
    let (s, u) = api(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/patrols/{id}"),
        Some(serde_json::json!({"revision": v["revision"],
            "content": patrol("2025-08-06", "BP-SONVI", "016.00.00.H08")})),
    )
    .await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["content"]["partner_units"][0], "TQ-XA-SONVI", "{u}");
    // The old Sơn Vĩ's code ended on 30/06/2025.
    let (s, bad) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/patrols",
        Some(patrol("2025-08-07", "BP-SONVI", "92703")),
    )
    .await;
    assert_eq!(s, 422, "{bad}");
    assert_eq!(bad["fields"][0]["field"], "partner_units[0]", "{bad}");
    let (s, old) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/patrols",
        Some(patrol("2025-03-07", "BP-SONVI", "92703")),
    )
    .await;
    assert_eq!(s, 201, "{old}");
    assert_eq!(old["content"]["partner_units"][0], "XA-SONVI", "{old}");
}
