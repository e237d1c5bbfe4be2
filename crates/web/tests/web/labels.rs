//! People see labels, not codes: each record type's page and its history
//! name units, catalogue entries, fixed values and yes/no by their labels,
//! and a seized quantity with its unit as the reports write it; the API
//! keeps the codes.

use crate::api::form_values;
use crate::common::{TestApp, login, spawn_app, token};
use bienphong_domain::RecordType;
use bienphong_domain::fields::{Item, Kind, form_of};
use bienphong_i18n::Lang;
use serde_json::Value;

const COLLECTIONS: [(RecordType, &str); 14] = [
    (RecordType::Unit, "units"),
    (RecordType::Link, "links"),
    (RecordType::Marker, "markers"),
    (RecordType::Catalogue, "catalogue-entries"),
    (RecordType::Patrol, "patrols"),
    (RecordType::Case, "cases"),
    (RecordType::CaseSubjects, "case-subjects"),
    (RecordType::Meeting, "meetings"),
    (RecordType::Document, "documents"),
    (RecordType::Programme, "programmes"),
    (RecordType::Beneficiary, "beneficiaries"),
    (RecordType::Propaganda, "propaganda"),
    (RecordType::Disaster, "disasters"),
    (RecordType::BriefingReport, "briefing-reports"),
];

/// The codes a record's content holds where people read a label: units,
/// successor units, catalogue entries, fixed values.
fn codes_in(t: RecordType, content: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut take = |name: &str, kind: Kind, v: Option<&Value>| {
        let labelled = matches!(
            kind,
            Kind::Unit | Kind::Units | Kind::Catalogue(_) | Kind::Choice(_)
        ) || (kind == Kind::Codes && name == "successors");
        match v {
            Some(Value::String(s)) if labelled => out.push(s.clone()),
            Some(Value::Array(items)) if labelled => {
                out.extend(items.iter().filter_map(Value::as_str).map(String::from))
            }
            _ => {}
        }
    };
    for item in form_of(t) {
        match item {
            Item::Field(f) => take(f.name, f.kind, content.get(f.name)),
            Item::Rows { name, fields, .. } => {
                for row in content
                    .get(name)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    for f in fields {
                        take(f.name, f.kind, row.get(f.name));
                    }
                }
            }
        }
    }
    out
}

/// The values shown between `open` and `close` in `html`, split into the
/// pieces a list of values or a change line ("field: a → b") is made of.
fn pieces(html: &str, open: &str, close: &str) -> Vec<String> {
    html.split(open)
        .skip(1)
        .filter_map(|s| s.split(close).next())
        .flat_map(|cell| {
            let value = cell.split_once(": ").map_or(cell, |(_, v)| v);
            value
                .split(" → ")
                .flat_map(|p| p.split([',', ';']))
                .map(|p| p.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn section(page: &str, start: &str, end: &str) -> String {
    page.split(start)
        .nth(1)
        .and_then(|s| s.split(end).next())
        .unwrap_or_else(|| panic!("no {start} in {page}"))
        .to_string()
}

async fn first_with_codes(app: &TestApp, admin: &str, t: RecordType, c: &str) -> Option<Value> {
    let r = crate::common::http()
        .get(app.url(&format!("/api/v1/{c}?limit=200")))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{c}");
    let list: Value = r.json().await.unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !codes_in(t, &i["content"]).is_empty())
        .cloned()
}

/// The top-level fields of `t` that hold one fixed value.
fn choices(t: RecordType) -> Vec<(&'static str, &'static [&'static str])> {
    form_of(t)
        .into_iter()
        .filter_map(|i| match i {
            Item::Field(f) => match f.kind {
                Kind::Choice(values) => Some((f.name, values)),
                _ => None,
            },
            Item::Rows { .. } => None,
        })
        .collect()
}

/// Every record type with a code in it: its page shows no raw code where a
/// label exists and each fixed value by its label, yes/no in words; the
/// API gives the same record with its codes.
#[tokio::test]
async fn every_record_type_s_page_shows_labels_not_codes() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (client, _) = login(&app, "admin").await;
    let mut seen = Vec::new();
    for (t, c) in COLLECTIONS {
        let Some(item) = first_with_codes(&app, &admin, t, c).await else {
            // Records that point at another record by id and hold people's
            // details: nothing in them has a label.
            // Briefing reports, when the demo has none yet, are read on
            // their own pages (briefing.rs).
            assert!(
                matches!(
                    t,
                    RecordType::CaseSubjects | RecordType::Beneficiary | RecordType::BriefingReport
                ),
                "the demo has no {c} with a code in it"
            );
            continue;
        };
        let codes = codes_in(t, &item["content"]);
        let id = item["id"].as_str().unwrap();
        let page = client
            .get(app.url(&format!("/records/{c}/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let fields = section(&page, "id=\"record-fields\"", "</table>");
        let shown = pieces(&fields, "<td>", "</td>");
        for code in &codes {
            assert!(
                !shown.contains(code),
                "{c}: code {code} shown on the page: {fields}"
            );
        }
        assert!(!shown.iter().any(|s| s == "on"), "{c}: {fields}");
        for (name, _) in choices(t) {
            if let Some(v) = item["content"][name].as_str() {
                let label = Lang::Vi.choice(v);
                assert_ne!(label, v);
                assert!(
                    fields.contains(&format!("<td>{label}</td>")),
                    "{c}: {name} {label} in {fields}"
                );
            }
        }
        seen.push(c);
    }
    assert!(seen.len() >= 11, "{seen:?}");
}

/// Each record type with a fixed value or a yes/no: an edit of it through
/// the form reads "Field: label → label" in the history, never a code.
#[tokio::test]
async fn every_record_type_s_history_shows_labels_not_codes() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (client, csrf) = login(&app, "admin").await;
    let mut seen = Vec::new();
    // The catalogue entry last: the one changed is put out of use, which
    // the records after it would then be refused for.
    let mut order = COLLECTIONS.to_vec();
    order.sort_by_key(|(t, _)| *t == RecordType::Catalogue);
    for (t, c) in order {
        let Some(item) = first_with_codes(&app, &admin, t, c).await else {
            continue;
        };
        let id = item["id"].as_str().unwrap();
        let content = &item["content"];
        let edit = client
            .get(app.url(&format!("/records/{c}/{id}/edit")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut form: Vec<(String, String)> = form_values(&edit)
            .into_iter()
            .filter(|(k, _)| k != "csrf")
            .collect();
        // What changes, and the line the history must then show. Org
        // records change their yes/no (a unit's or a link's kind is bound
        // by the structure); activities one of their fixed values.
        let (expected, name, api_value) = if let Some(name) =
            ["verified", "active"].into_iter().find(|n| {
                form_of(t)
                    .iter()
                    .any(|i| matches!(i, Item::Field(f) if f.name == *n))
            }) {
            let was = content.get(name).and_then(Value::as_bool).unwrap_or(true);
            form.retain(|(k, _)| k != name);
            if !was {
                form.push((name.to_string(), "on".into()));
            }
            let word = |b: bool| Lang::Vi.text(if b { "word-yes" } else { "word-no" }, &[]);
            let line = format!(
                "<li>{}: {} → {}</li>",
                Lang::Vi.text(&format!("field-{name}"), &[]),
                word(was),
                word(!was)
            );
            (line, name, Value::Bool(!was))
        } else if let Some((name, values)) = choices(t).first().copied() {
            let was = content.get(name).and_then(Value::as_str);
            let now = values.iter().find(|v| Some(**v) != was).unwrap();
            form.retain(|(k, _)| k != name);
            form.push((name.to_string(), (*now).to_string()));
            let line = format!(
                "<li>{}: {} → {}</li>",
                Lang::Vi.text(&format!("field-{name}"), &[]),
                was.map_or("—".to_string(), |w| Lang::Vi.choice(w)),
                Lang::Vi.choice(now)
            );
            (line, name, Value::String((*now).to_string()))
        } else {
            // Cases (their catalogue entries: api.rs,
            // record_pages_and_their_history_show_labels_not_codes) and
            // propaganda (units only) are read above.
            continue;
        };
        form.push(("csrf".into(), csrf.clone()));
        let r = client
            .post(app.url(&format!("/records/{c}/{id}/edit")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{c}: {:?}", r.text().await);
        let page = client
            .get(app.url(&format!("/records/{c}/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let history = section(&page, "id=\"history\"", "</ol>");
        assert!(history.contains(&expected), "{c}: {expected} in {history}");
        let lines: Vec<String> = history
            .split("<ul>")
            .skip(1)
            .filter_map(|u| u.split("</ul>").next())
            .flat_map(|u| pieces(u, "<li>", "</li>"))
            .collect();
        assert!(!lines.is_empty(), "{c}: no change line in {history}");
        for code in codes_in(t, content) {
            assert!(!lines.contains(&code), "{c}: {code} in {history}");
        }
        // The API still speaks codes (a `true` yes/no may be left out).
        let v: Value = crate::common::http()
            .get(app.url(&format!("/api/v1/{c}/{id}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let stored = v["content"].get(name).cloned().unwrap_or(Value::Bool(true));
        assert_eq!(stored, api_value, "{c}: {v}");
        seen.push(c);
    }
    assert_eq!(
        seen,
        [
            "units",
            "links",
            "markers",
            "patrols",
            "meetings",
            "documents",
            "programmes",
            "disasters",
            "catalogue-entries",
        ]
    );
}

/// The list page's "Phân loại" takes a catalogue entry's or a fixed value's
/// label with or without diacritics, and its code; the rows found are the
/// same, and the API's filter reads it the same way.
#[tokio::test]
async fn the_list_page_s_category_takes_labels_and_codes() {
    let app = spawn_app().await;
    let (client, _) = login(&app, "admin").await;
    let rows = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let page = r.text().await.unwrap();
            page.split("id=\"records\"")
                .nth(1)
                .map(|t| t.split("</tbody>").next().unwrap().matches("<tr>").count())
                .unwrap_or(0)
        }
    };
    for (kind, words) in [
        ("cases", ["MATUY", "ma tuy", "Ma%20t%C3%BAy", "MA TÚY"]),
        (
            "patrols",
            [
                "joint",
                "tuan tra chung",
                "Tu%E1%BA%A7n%20tra%20chung",
                "Joint patrol",
            ],
        ),
    ] {
        let counts: Vec<usize> = {
            let mut out = Vec::new();
            for w in words {
                out.push(rows(format!("/records/{kind}?year=2023&category={w}")).await);
            }
            out
        };
        assert!(counts[0] > 0, "{kind}: {counts:?}");
        assert!(counts.iter().all(|c| *c == counts[0]), "{kind}: {counts:?}");
        assert_eq!(
            rows(format!("/records/{kind}?year=2023&category=khong%20co")).await,
            0
        );
    }
}
