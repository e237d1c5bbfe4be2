//! Issue 17 on the demo through the CLI: a split unit's records follow
//! their place in a report mapped onto the units after the split; a record
//! names its units by their codes; reports show the code in force during
//! their period; a field node applies no change set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests"
)]

mod common;

use common::{PgDb, bin, demo, list_json, run, stdout};
use serde_json::{Value, json};
use std::path::Path;

fn json_file(v: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), v.to_string()).unwrap();
    file
}

/// The CLI over the store in `data`, or the one `db` names
/// (`--database URL`).
fn cli(data: &Path, db: &[&str]) -> assert_cmd::Command {
    let mut c = bin(data);
    c.args(db);
    c
}

fn apply(data: &Path, db: &[&str], set: &Value) {
    let file = json_file(set);
    stdout(cli(data, db).args(["org", "apply"]).arg(file.path()));
}

fn summary_json(data: &Path, db: &[&str], args: &[&str]) -> Value {
    serde_json::from_str(&stdout(
        cli(data, db)
            .args(["report", "summary", "--format", "json"])
            .args(args),
    ))
    .unwrap()
}

fn counts(v: &Value) -> [i64; 2] {
    [
        v["patrols"]["count"]["current"].as_i64().unwrap(),
        v["patrols"]["count"]["previous"].as_i64().unwrap(),
    ]
}

fn patrol(date: &str, lead: &str, partners: &[&str], markers: &[&str], notes: &str) -> Value {
    json!({"date": date, "lead_unit": lead, "partner_units": partners, "kind": "joint",
        "markers": markers, "participants": [{"force": "BDBP", "persons": 4}], "notes": notes})
}

fn add(data: &Path, db: &[&str], t: &str, content: &Value) -> common::Run {
    let file = json_file(content);
    run(cli(data, db).args(["add", t, "--json"]).arg(file.path()))
}

/// The patrol with `notes`, as stored.
fn stored_patrol(data: &Path, day: &str, notes: &str) -> Value {
    list_json(data, &["patrol", "--from", day, "--to", day])
        .into_iter()
        .find(|p| p["content"]["notes"] == notes)
        .unwrap_or_else(|| panic!("no patrol {notes} on {day}"))["content"]
        .clone()
}

/// The new Sơn Vĩ commune (from 1/7/2025) gets two villages; a patrol of
/// its second half of 2025 names a village, another a border marker; then
/// the commune is split on 1/1/2027 (each village to one part, the marker
/// put in the second part's commune). As the units were, nothing changes;
/// mapped onto the units of 1/1/2027 the village's patrol counts whole for
/// the first part, the marker's for the second, and only the patrols with
/// no known place are shared equally, the comparison year (the communes
/// merged into Sơn Vĩ) too; the report says how many went each way.
#[test]
fn a_split_units_records_follow_their_place_when_mapped_onto_its_parts() {
    let data = demo();
    split_follows_place(data.path(), &[]);
}

/// The same on PostgreSQL: the demo written there, the same figures.
#[test]
fn a_split_units_records_follow_their_place_on_postgres_too() {
    let Some(pg) = PgDb::create() else { return };
    let data = tempfile::tempdir().unwrap();
    let db = ["--database", pg.url.as_str()];
    stdout(cli(data.path(), &db).arg("demo"));
    split_follows_place(data.path(), &db);
}

fn split_follows_place(p: &Path, db: &[&str]) {
    let h2 = ["--from", "01/07/2025", "--to", "14/12/2025"];
    let scoped = |scope: &str, more: &[&str]| {
        summary_json(p, db, &[&h2[..], &["--scope", scope], more].concat())
    };
    let before = counts(&scoped("TQ-XA-SONVI", &[]));
    assert!(before.iter().all(|n| *n > 0), "{before:?}");

    apply(
        p,
        db,
        &json!({"effective": "2025-07-01", "title": "Thôn của xã Sơn Vĩ (minh họa)", "changes": [
            {"op": "create", "code": "THON-SV1", "kind": "village", "name": "Thôn Sơn Vĩ 1", "parent": "TQ-XA-SONVI"},
            {"op": "create", "code": "THON-SV2", "kind": "village", "name": "Thôn Sơn Vĩ 2", "parent": "TQ-XA-SONVI"}
        ]}),
    );
    let marker = stdout(cli(p, db).args(["list", "marker", "--json"]))
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["content"]["post"] == "BP-SONVI")
        .unwrap();
    let number = marker["content"]["number"].as_str().unwrap().to_string();
    for content in [
        patrol(
            "2025-08-05",
            "BP-SONVI",
            &["TQ-XA-SONVI", "THON-SV1"],
            &[],
            "thôn 1",
        ),
        patrol(
            "2025-08-05",
            "BP-SONVI",
            &["TQ-XA-SONVI"],
            &[&number],
            "mốc",
        ),
    ] {
        let r = add(p, db, "patrol", &content);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let as_were = counts(&scoped("TQ-XA-SONVI", &[]));
    assert_eq!(as_were, [before[0] + 2, before[1]]);

    apply(
        p,
        db,
        &json!({"effective": "2027-01-01", "title": "Chia tách xã Sơn Vĩ (minh họa)", "changes": [
            {"op": "create", "code": "SONVI-A", "kind": "commune", "name": "Xã Sơn Vĩ A", "parent": "TQ", "verified": false},
            {"op": "create", "code": "SONVI-B", "kind": "commune", "name": "Xã Sơn Vĩ B", "parent": "TQ", "verified": false},
            {"op": "split", "unit": "TQ-XA-SONVI", "into": ["SONVI-A", "SONVI-B"]},
            {"op": "reparent", "unit": "THON-SV1", "parent": "SONVI-A"},
            {"op": "reparent", "unit": "THON-SV2", "parent": "SONVI-B"},
            {"op": "coordinate", "from": "BP-SONVI", "to": "SONVI-A"}
        ]}),
    );
    let mut placed = marker["content"].clone();
    placed["commune"] = json!("SONVI-B");
    let file = json_file(&placed);
    stdout(
        cli(p, db)
            .args(["edit", "marker", marker["id"].as_str().unwrap(), "--json"])
            .arg(file.path()),
    );

    // As the units were: the same before and after the split; each part,
    // before its first day, covers the whole commune it took over from.
    assert_eq!(counts(&scoped("TQ-XA-SONVI", &[])), as_were);
    assert_eq!(counts(&scoped("SONVI-A", &[])), as_were);

    // The patrols (of the commune, as the units were) naming the marker
    // with its post: placed in B from now on.
    let naming_marker = |from: &str, to: &str| {
        stdout(cli(p, db).args([
            "list",
            "patrol",
            "--unit",
            "TQ-XA-SONVI",
            "--from",
            from,
            "--to",
            to,
            "--json",
        ]))
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| {
            let c = &r["content"];
            c["markers"].as_array().unwrap().contains(&json!(number))
                && (c["lead_unit"] == "BP-SONVI"
                    || c["partner_units"]
                        .as_array()
                        .unwrap()
                        .contains(&json!("BP-SONVI")))
        })
        .count() as i64
    };
    let marked = naming_marker("01/07/2025", "14/12/2025");
    let marked_before = naming_marker("01/07/2024", "14/12/2024");
    assert!(marked >= 1);

    let onto = ["--map-to", "01/01/2027"];
    let a = scoped("SONVI-A", &onto);
    let b = scoped("SONVI-B", &onto);
    let (sa, sb) = (&a["apportioned"][0], &b["apportioned"][0]);
    // Every patrol of the commune but the village's (which A counts whole
    // through the village itself) and those naming the marker (B's) has
    // no known place: shared.
    let unplaced = as_were[0] - 1 - marked;
    for s in [sa, sb] {
        assert_eq!(s["unit"]["code"], "TQ-XA-SONVI", "{s}");
        assert_eq!(s["share"], "1/2");
        assert_eq!(s["shared"].as_i64().unwrap(), unplaced, "{s}");
    }
    assert_eq!(
        (&sa["placed_here"], &sa["placed_elsewhere"]),
        (&json!(0), &json!(marked)),
        "{sa}"
    );
    assert_eq!(
        (&sb["placed_here"], &sb["placed_elsewhere"]),
        (&json!(marked), &json!(1)),
        "{sb}"
    );
    assert_eq!(sa["patrols"].as_i64().unwrap(), as_were[0] - 1);
    assert_eq!(sb["patrols"].as_i64().unwrap(), as_were[0]);
    assert_eq!(
        (&sa["records_placed"], &sb["records_placed"]),
        (&json!(marked), &json!(marked + 1))
    );
    let (ca, cb) = (counts(&a), counts(&b));
    assert_eq!(ca[0], sa["counted"].as_i64().unwrap() + 1);
    assert_eq!(cb[0], sb["counted"].as_i64().unwrap());
    // Each part: its placed patrols and the same share of the rest,
    // rounded half up per leading post.
    let shared_part = ca[0] - 1;
    assert_eq!(cb[0], marked + shared_part);
    assert!(shared_part * 2 >= unplaced && shared_part < unplaced);
    // The year before, the communes merged into Sơn Vĩ: the patrols naming
    // the marker go to B, the rest is shared equally.
    assert_eq!(cb[1] - ca[1], marked_before, "{ca:?} {cb:?}");
    assert!(ca[1] > 0 && ca[1] + cb[1] >= before[1] && ca[1] < before[1]);

    let md = stdout(cli(p, db).args(["report", "summary"]).args(h2).args([
        "--scope",
        "SONVI-B",
        "--map-to",
        "01/01/2027",
    ]));
    assert!(
        md.contains(&format!(
            "theo nơi diễn ra (xã, mốc giới) {marked} lần thuộc phạm vi và 1 lần thuộc đơn vị khác"
        )),
        "{md}"
    );
    assert!(md.contains("tính 1/2 phần"), "{md}");
}

/// A record's JSON may name a unit by its administrative code in force on
/// the record's date or by its agency identifier (the demo's codes file):
/// what is stored is the unit's own code; a code not in force on the date
/// names no unit and is refused, with nothing written.
#[test]
fn a_records_json_names_units_by_their_codes_and_stores_their_own() {
    let data = demo();
    let p = data.path();
    // BP-SONVI's agency identifier; the new Sơn Vĩ's code from 1/7/2025.
    let r = add(
        p,
        &[],
        "patrol",
        &patrol("2025-08-06", "012.02.01.G12", &["98016"], &[], "mã mới"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stored = stored_patrol(p, "06/08/2025", "mã mới");
    assert_eq!(stored["lead_unit"], "BP-SONVI");
    assert_eq!(stored["partner_units"], json!(["TQ-XA-SONVI"]));
    // The old Sơn Vĩ's code, while it was in force.
    let r = add(
        p,
        &[],
        "patrol",
        &patrol("2025-03-06", "BP-SONVI", &["92703"], &[], "mã cũ"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stored = stored_patrol(p, "06/03/2025", "mã cũ");
    assert_eq!(stored["partner_units"], json!(["XA-SONVI"]));
    // After 30/06/2025 that code names nothing.
    let revisions = common::revision_count(p);
    let r = add(
        p,
        &[],
        "patrol",
        &patrol("2025-08-07", "BP-SONVI", &["92703"], &[], "hết hiệu lực"),
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("92703"), "{}", r.stderr);
    assert_eq!(common::revision_count(p), revisions);
}

/// Tuyên Quang given a second code from 1/7/2026 (as a later list might):
/// a report on its second half of 2025 shows 08, the code then, not the
/// latest; its 2026 (across the change) the code at the year's end; and
/// Hà Giang's 2025, which ended on 30/6/2025, the code it had then.
#[test]
fn reports_show_the_code_in_force_during_their_period() {
    let data = demo();
    let p = data.path();
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(
        file.path(),
        "unit,admin_code,valid_from,valid_to\nTQ,08,01/07/2025,30/06/2026\nTQ,98,01/07/2026,\n",
    )
    .unwrap();
    stdout(bin(p).args(["org", "codes", "import"]).arg(file.path()));
    let scope = |args: &[&str]| summary_json(p, &[], args)["scope"].clone();
    let h2 = scope(&[
        "--from",
        "01/07/2025",
        "--to",
        "31/12/2025",
        "--scope",
        "TQ",
    ]);
    assert_eq!(h2["admin_code"], "08", "{h2}");
    assert_eq!(h2["agency_id"], "000.00.00.H08", "{h2}");
    let y2026 = scope(&[
        "--from",
        "01/01/2026",
        "--to",
        "30/11/2026",
        "--scope",
        "TQ",
    ]);
    assert_eq!(y2026["admin_code"], "98", "{y2026}");
    let hg = scope(&[
        "--from",
        "01/01/2025",
        "--to",
        "31/12/2025",
        "--scope",
        "HG",
    ]);
    assert_eq!(hg["admin_code"], "02", "{hg}");
    let annual: Value = serde_json::from_str(&stdout(bin(p).args([
        "report", "annual", "--year", "2025", "--scope", "TQ", "--format", "json",
    ])))
    .unwrap();
    assert_eq!(annual["scope"]["admin_code"], "08", "{annual}");
}

/// A field node refuses a change set, dry run or not, saying why, and
/// writes nothing: only the server holds every record its checks need.
#[test]
fn a_field_node_applies_no_change_set() {
    let data = demo();
    let p = data.path();
    stdout(bin(p).args([
        "node",
        "init",
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "bpt_x",
    ]));
    let set = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/org-change.json");
    let revisions = common::revision_count(p);
    for (lang, says) in [
        ("en", "applied on the server, not on a field node"),
        ("vi", "chỉ áp dụng trên máy chủ"),
    ] {
        for dry in [true, false] {
            let mut c = bin(p);
            c.args(["--lang", lang, "org", "apply"]).arg(&set);
            if dry {
                c.arg("--dry-run");
            }
            let r = run(&mut c);
            assert_ne!(r.code, 0);
            assert!(r.stderr.contains(says), "{lang}: {}", r.stderr);
        }
    }
    assert_eq!(common::revision_count(p), revisions);
    let history = stdout(bin(p).args(["org", "changes"]));
    assert!(!history.contains("Lũng Cú và Đồng Văn"), "{history}");
}
