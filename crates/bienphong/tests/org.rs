//! Reorganisations as change sets through the CLI (`org apply`, `org
//! changes`), on the demo: the example files of docs/org-changes.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests"
)]

mod common;

use common::{bin, demo, list_json, revision_count, run, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples")
        .join(name)
}

fn patrols(data: &Path, scope: &str, from: &str, to: &str) -> i64 {
    let out = stdout(bin(data).args([
        "report", "summary", "--from", from, "--to", to, "--scope", scope, "--format", "json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    v["patrols"]["count"]["current"].as_i64().unwrap()
}

const NEW: &str = "TQ-XA-LUNGCU-DONGVAN";

/// A day after the demo's last (30/11/2026) and the example's date, taken
/// as today by the commands that write after the example's reorganisation.
const AFTER_EXAMPLE: &str = "2027-01-31";

fn add_patrol(data: &Path, date: &str, partner: &str) -> common::Run {
    run(bin(data).env("BIENPHONG_NOW", AFTER_EXAMPLE).args([
        "add",
        "patrol",
        "--kind",
        "joint",
        "--date",
        date,
        "--unit",
        "BP-LUNGCU",
        "--force",
        "BDBP=4",
        "--partner",
        partner,
    ]))
}

/// A merge into a new commune and a rename, from the CSV example: a dry run
/// writes nothing; the set is written whole, shows as one change, keeps
/// every figure before its date, and from its date the old communes take
/// no records while the new one does.
#[test]
fn a_change_set_is_applied_whole_and_keeps_the_figures_before_it() {
    let data = demo();
    let p = data.path();
    let figures = |scope: &str| {
        [
            patrols(p, scope, "01/07/2025", "31/12/2025"),
            patrols(p, scope, "01/01/2023", "31/12/2024"),
        ]
    };
    let lc = figures("TQ-XA-LUNGCU");
    let dv = figures("TQ-XA-DONGVAN");
    let tq = figures("TQ");
    assert!(lc[0] + dv[0] > 0, "the old communes have patrols in 2025");
    let revisions = revision_count(p);

    let dry = stdout(
        bin(p)
            .args(["--lang", "en", "org", "apply", "--dry-run"])
            .arg(example("org-change.json")),
    );
    assert!(
        dry.contains(&format!("+ {NEW} Xã Lũng Cú - Đồng Văn")),
        "{dry}"
    );
    assert!(
        dry.contains("~ TQ-XA-LUNGCU Xã Lũng Cú (commune), ends on 31/12/2026"),
        "{dry}"
    );
    assert!(dry.contains("nothing written"), "{dry}");
    assert_eq!(revision_count(p), revisions);

    let applied = stdout(bin(p).args(["org", "apply"]).arg(example("org-change.csv")));
    assert!(applied.contains("Đã áp dụng"), "{applied}");
    let written = revision_count(p) - revisions;
    assert!(written >= 5, "{written} revisions: 3 units and links");
    let changes = stdout(bin(p).args(["org", "changes"]));
    let lines: Vec<&str> = changes.lines().collect();
    // After the demo's own reorganisation of 1 July 2025.
    assert_eq!(lines.len(), 2, "{changes}");
    assert!(lines[0].starts_with("01/07/2025\t"), "{changes}");
    assert!(
        lines[1].starts_with("01/01/2027\tSắp xếp xã Lũng Cú và Đồng Văn (minh họa)\t"),
        "{changes}"
    );
    assert!(lines[1].contains(&format!("\t{written}\t")), "{changes}");

    // History kept: every figure before the date is what it was.
    assert_eq!(figures("TQ-XA-LUNGCU"), lc);
    assert_eq!(figures("TQ-XA-DONGVAN"), dv);
    assert_eq!(figures("TQ"), tq);
    // A report on the new commune covers, before its first day, the
    // communes it took over from (as Tuyên Quang covers Hà Giang): every
    // record of either, each once.
    let merged = figures(NEW);
    for i in 0..2 {
        assert!(
            merged[i] >= lc[i].max(dv[i]) && merged[i] <= lc[i] + dv[i] && merged[i] > 0,
            "{merged:?} from {lc:?} and {dv:?}"
        );
    }
    let units = list_json(p, &["unit"]);
    let unit = |code: &str| {
        units
            .iter()
            .find(|u| u["content"]["code"] == code)
            .map(|u| u["content"].clone())
            .unwrap()
    };
    assert_eq!(unit("TQ-XA-LUNGCU")["valid_to"], "2026-12-31");
    assert_eq!(unit("TQ-XA-LUNGCU")["successors"][0], NEW);
    assert_eq!(unit(NEW)["valid_from"], "2027-01-01");
    assert_eq!(
        unit("TQ-XA-SAPHIN")["name"],
        "Xã Sà Phìn (tên mới, minh họa)"
    );

    // From the date, a record names the new commune, not the old ones.
    let old = add_patrol(p, "05/01/2027", "TQ-XA-LUNGCU");
    assert_ne!(old.code, 0, "{}", old.stdout);
    assert!(old.stderr.contains("không còn hiệu lực"), "{}", old.stderr);
    let new = add_patrol(p, "05/01/2027", NEW);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let january = ["05/01/2027", "31/01/2027"];
    assert_eq!(patrols(p, NEW, january[0], january[1]), 1);
    assert_eq!(patrols(p, "TQ", january[0], january[1]), 1);
    assert_eq!(patrols(p, "TQ-XA-LUNGCU", january[0], january[1]), 0);

    // The same set again is refused whole: its units have ended, the new
    // code is taken.
    let again = run(bin(p)
        .args(["--lang", "en", "org", "apply"])
        .arg(example("org-change.json")));
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stdout.contains("changes[0].code"), "{}", again.stdout);
    assert!(
        again.stdout.contains("changes[1].units[0]"),
        "{}",
        again.stdout
    );
}

/// A set with several problems names each of them and writes nothing.
#[test]
fn an_invalid_change_set_is_refused_whole_with_every_problem_named() {
    let data = demo();
    let p = data.path();
    let file = tempfile::NamedTempFile::new().unwrap();
    // Lũng Cú commune has patrols in the second half of 2025: it cannot end
    // on 30/09/2025. Đồng Văn commune's post link stays, but a re-parenting
    // under an ending unit and an unknown unit are refused too.
    std::fs::write(
        file.path(),
        serde_json::json!({
            "effective": "2025-10-01",
            "title": "Sai",
            "changes": [
                {"op": "abolish", "unit": "TQ-XA-LUNGCU"},
                {"op": "reparent", "unit": "TQ-XA-DONGVAN", "parent": "TQ-XA-LUNGCU"},
                {"op": "merge", "units": ["KHONGCO"], "into": "TQ"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let revisions = revision_count(p);
    let out = run(bin(p)
        .args(["--lang", "en", "org", "apply"])
        .arg(file.path()));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for expected in [
        "changes[0]: ",
        "still refer to unit \"TQ-XA-LUNGCU\"",
        "changes[1].parent: ",
        "changes[2].units[0]: unknown unit",
    ] {
        assert!(out.stdout.contains(expected), "{expected}: {}", out.stdout);
    }
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(revision_count(p), revisions);
    let changes = stdout(bin(p).args(["org", "changes"]));
    assert_eq!(changes.lines().count(), 1, "only the demo's own: {changes}");
}

/// The demo's 1 July 2025 reorganisation is applied as one change set (the
/// file docs/examples/ha-giang-2025.json): one event in the organisation's
/// history, whose revisions are the units and links it ended and created;
/// the old units keep their history (a first revision as set up in 2021,
/// a second that ends them).
#[test]
fn the_demos_2025_reorganisation_is_one_event_in_the_history() {
    let data = demo();
    let p = data.path();
    let changes = stdout(bin(p).args(["org", "changes"]));
    let lines: Vec<&str> = changes.lines().collect();
    assert_eq!(lines.len(), 1, "{changes}");
    let fields: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(fields[0], "01/07/2025", "{changes}");
    assert!(
        fields[1].starts_with("Sắp xếp tổ chức từ ngày 01/7/2025"),
        "{changes}"
    );
    assert_eq!(fields[3], "demo", "{changes}");
    let written: usize = fields[2].parse().unwrap();

    // The same set again, as a dry run, is refused: what it ends has ended,
    // what it creates exists.
    let again = run(bin(p)
        .args(["--lang", "en", "org", "apply", "--dry-run"])
        .arg(example("ha-giang-2025.json")));
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stdout.contains("changes[0].code"), "{}", again.stdout);

    let units = list_json(p, &["unit"]);
    let links = list_json(p, &["link"]);
    let unit = |code: &str| {
        units
            .iter()
            .find(|u| u["content"]["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    let hg = unit("HG");
    assert_eq!(hg["content"]["valid_to"], "2025-06-30");
    assert_eq!(hg["content"]["successors"], serde_json::json!(["TQ"]));
    let new_units = units
        .iter()
        .filter(|u| u["content"]["valid_from"] == "2025-07-01")
        .count();
    let ended_units = units
        .iter()
        .filter(|u| u["content"]["valid_to"] == "2025-06-30")
        .count();
    let new_links = links
        .iter()
        .filter(|l| l["content"]["valid_from"] == "2025-07-01")
        .count();
    let ended_links = links
        .iter()
        .filter(|l| l["content"]["valid_to"] == "2025-06-30")
        .count();
    assert_eq!(new_units, 19);
    assert_eq!(ended_units, 1 + 1 + 7 + 34);
    assert_eq!(written, new_units + ended_units + new_links + ended_links);
    let history = stdout(bin(p).args(["history", "unit", hg["id"].as_str().unwrap()]));
    assert_eq!(
        history.lines().filter(|l| !l.starts_with(' ')).count(),
        2,
        "{history}"
    );
}

fn summary_json(data: &Path, args: &[&str]) -> Value {
    let out = stdout(
        bin(data)
            .args(["report", "summary", "--format", "json"])
            .args(args),
    );
    serde_json::from_str(&out).unwrap()
}

fn counts(v: &Value) -> [i64; 2] {
    [
        v["patrols"]["count"]["current"].as_i64().unwrap(),
        v["patrols"]["count"]["previous"].as_i64().unwrap(),
    ]
}

/// Mapped back across the 1 July 2025 reorganisation, onto the communes of
/// 1/1/2025, the new Sơn Vĩ commune (old Sơn Vĩ, Xín Cái and Thượng
/// Phùng) is read patrol by patrol: one whose markers stand in old Sơn Vĩ
/// (the demo's markers carry their commune) counts whole for it, one whose
/// markers stand in the other two counts nothing, the rest a third. The
/// counts the report gives are those worked out here from the records.
#[test]
fn mapped_back_across_the_reorganisation_patrols_follow_their_markers() {
    let data = demo();
    let p = data.path();
    let (from, to) = ("01/07/2025", "14/12/2025");
    let h2 = ["--from", from, "--to", to];
    let as_were = summary_json(p, &[&h2[..], &["--scope", "XA-SONVI"]].concat());
    let mapped = summary_json(
        p,
        &[&h2[..], &["--scope", "XA-SONVI", "--map-to", "01/01/2025"]].concat(),
    );
    let line = &mapped["apportioned"][0];
    assert_eq!(line["unit"]["code"], "TQ-XA-SONVI", "{mapped}");
    assert_eq!(line["share"], "1/3");
    let n = |k: &str| line[k].as_i64().unwrap();

    // The commune each marker stands in, and the new commune's patrols.
    let commune: std::collections::HashMap<(String, String), String> = list_json(p, &["marker"])
        .into_iter()
        .filter_map(|m| {
            let c = &m["content"];
            Some((
                (
                    c["post"].as_str()?.to_string(),
                    c["number"].as_str()?.to_string(),
                ),
                c["commune"].as_str()?.to_string(),
            ))
        })
        .collect();
    let parts = ["XA-SONVI", "XA-XINCAI", "XA-THUONGPHUNG"];
    let (mut here, mut elsewhere, mut shared) = (0, 0, 0);
    for r in list_json(p, &["patrol", "--from", from, "--to", to]) {
        let c = &r["content"];
        let units: Vec<&str> = std::iter::once(&c["lead_unit"])
            .chain(c["partner_units"].as_array().unwrap())
            .map(|u| u.as_str().unwrap())
            .collect();
        if !units.contains(&"TQ-XA-SONVI") {
            continue;
        }
        let mut held = std::collections::BTreeSet::new();
        for m in c["markers"].as_array().unwrap() {
            for u in &units {
                if let Some(at) = commune.get(&(u.to_string(), m.as_str().unwrap().to_string()))
                    && parts.contains(&at.as_str())
                {
                    held.insert(at.clone());
                }
            }
        }
        match held.iter().next().map(String::as_str) {
            Some("XA-SONVI") if held.len() == 1 => here += 1,
            Some(_) if held.len() == 1 => elsewhere += 1,
            _ => shared += 1,
        }
    }
    assert!(here > 0 && elsewhere > 0, "{here} {elsewhere} {shared}");
    assert_eq!(
        [n("placed_here"), n("placed_elsewhere"), n("shared")],
        [here, elsewhere, shared],
        "{line}"
    );
    assert_eq!(n("patrols"), here + elsewhere + shared);
    assert!(n("records_placed") >= here + elsewhere, "{line}");
    // Counted: the placed ones whole, a third of the rest (rounded per
    // leading post), and the report's total is the old commune's own plus that.
    assert!(
        n("counted") >= here && n("counted") <= here + shared,
        "{line}"
    );
    assert_eq!(counts(&mapped)[0], counts(&as_were)[0] + n("counted"));
    let md = stdout(bin(p).args(["report", "summary"]).args(h2).args([
        "--scope",
        "XA-SONVI",
        "--map-to",
        "01/01/2025",
    ]));
    assert!(
        md.contains(&format!(
            "theo nơi diễn ra (xã, mốc giới) {here} lần thuộc phạm vi"
        )),
        "{md}"
    );
}

/// Across the 1 July 2025 reorganisation of the demo, the second half of
/// 2025 compared with the same days of 2024: mapped onto the units of
/// 1/7/2025, Tuyên Quang and its new Sơn Vĩ commune count what their
/// predecessors did (merges map whole), as the units were does too; then a
/// split of the new commune on 1/1/2027, mapped onto the units of that day,
/// apportions its records between the two parts, and says so.
#[test]
fn a_comparison_across_a_reorganisation_mapped_onto_the_units_of_a_date() {
    let data = demo();
    let p = data.path();
    let h2 = ["--from", "01/07/2025", "--to", "14/12/2025"];
    for scope in ["TQ", "TQ-XA-SONVI"] {
        let as_were = summary_json(p, &[&h2[..], &["--scope", scope]].concat());
        let mapped = summary_json(
            p,
            &[&h2[..], &["--scope", scope, "--map-to", "01/07/2025"]].concat(),
        );
        assert_eq!(counts(&mapped), counts(&as_were), "{scope}");
        assert!(counts(&mapped).iter().all(|n| *n > 0), "{scope}: {mapped}");
        assert_eq!(mapped["mapped_to"], "2025-07-01");
        assert_eq!(mapped["apportioned"], serde_json::json!([]));
        assert!(as_were["mapped_to"].is_null());
    }
    let son_vi = counts(&summary_json(
        p,
        &[&h2[..], &["--scope", "TQ-XA-SONVI"]].concat(),
    ));

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        serde_json::json!({
            "effective": "2027-01-01",
            "title": "Chia tách xã Sơn Vĩ (minh họa)",
            "changes": [
                {"op": "create", "code": "SONVI-A", "kind": "commune", "name": "Xã Sơn Vĩ A", "parent": "TQ", "verified": false},
                {"op": "create", "code": "SONVI-B", "kind": "commune", "name": "Xã Sơn Vĩ B", "parent": "TQ", "verified": false},
                {"op": "split", "unit": "TQ-XA-SONVI", "into": ["SONVI-A", "SONVI-B"]},
                {"op": "coordinate", "from": "BP-SONVI", "to": "SONVI-A"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    stdout(bin(p).args(["org", "apply"]).arg(file.path()));
    // As the units were, nothing before the split changes.
    let after = counts(&summary_json(
        p,
        &[&h2[..], &["--scope", "TQ-XA-SONVI"]].concat(),
    ));
    assert_eq!(after, son_vi);
    // Mapped onto the units of 1/1/2027, each part gets half of the
    // commune's patrols (rounded half up), and the report says how.
    let part = |scope: &str| {
        summary_json(
            p,
            &[&h2[..], &["--scope", scope, "--map-to", "01/01/2027"]].concat(),
        )
    };
    let a = part("SONVI-A");
    let b = part("SONVI-B");
    let apportioned = &a["apportioned"][0];
    assert_eq!(apportioned["unit"]["code"], "TQ-XA-SONVI", "{a}");
    assert_eq!(apportioned["share"], "1/2");
    let n = apportioned["patrols"].as_i64().unwrap();
    assert!(n > 0 && n <= son_vi[0], "{n} of {son_vi:?}");
    // Rounded per leading post, so about half.
    let counted = apportioned["counted"].as_i64().unwrap();
    assert!(counted * 2 >= n && counted < n, "{counted} of {n}");
    // The new parts have no records of their own yet: what they show is
    // their share, the same for both.
    assert_eq!(counts(&a)[0], counted);
    assert_eq!(counts(&b)[0], counted);
    let md = stdout(bin(p).args(["report", "summary"]).args(h2).args([
        "--scope",
        "SONVI-A",
        "--map-to",
        "01/01/2027",
    ]));
    assert!(
        md.contains("quy đổi theo các đơn vị ngày 01/01/2027"),
        "{md}"
    );
    assert!(md.contains("tính 1/2 phần"), "{md}");
}

fn annual_json(data: &Path, args: &[&str]) -> Value {
    let out = stdout(
        bin(data)
            .args(["report", "annual", "--format", "json"])
            .args(args),
    );
    serde_json::from_str(&out).unwrap()
}

fn patrol_count(v: &Value) -> i64 {
    v["patrols"]["count"].as_i64().unwrap()
}

/// The annual review across the demo's reorganisation of 1 July 2025 (its
/// real change set), as the units were and mapped (`--map-to`):
/// - the new Sơn Vĩ commune's 2025, a merge of three communes, is the same
///   either way, and is its predecessors' first half plus its own second;
/// - the old Sơn Vĩ commune's 2025 ends on its last day as the units were;
///   mapped onto the units of 1/1/2025 it takes its share of the new
///   commune's patrols (a third: one of the three communes it was made
///   of), and says so;
/// - the abolished Mèo Vạc district counts nothing in 2026 as the units
///   were, and mapped onto the units of 1/1/2025 the work of the communes
///   that took over from its communes;
/// - 2026 against 2025 for Tuyên Quang: the same comparison either way,
///   and a plausible one (the demo's years have like volumes).
#[test]
fn the_annual_review_across_the_demos_reorganisation_as_the_units_were_and_mapped() {
    let data = demo();
    let p = data.path();
    let year = ["--year", "2025"];

    let new_as_were = annual_json(p, &[&year[..], &["--scope", "TQ-XA-SONVI"]].concat());
    let new_mapped = annual_json(
        p,
        &[
            &year[..],
            &["--scope", "TQ-XA-SONVI", "--map-to", "01/07/2025"],
        ]
        .concat(),
    );
    assert!(new_as_were.get("mapped_to").is_none());
    assert_eq!(new_mapped["mapped_to"], "2025-07-01");
    assert!(new_mapped.get("apportioned").is_none(), "{new_mapped}");
    assert_eq!(new_mapped["patrols"], new_as_were["patrols"]);
    assert_eq!(new_mapped["cases"], new_as_were["cases"]);
    let first_half: i64 = ["XA-XINCAI", "XA-THUONGPHUNG", "XA-SONVI"]
        .iter()
        .map(|c| patrols(p, c, "15/12/2024", "30/06/2025"))
        .sum();
    let second_half = patrols(p, "TQ-XA-SONVI", "01/07/2025", "14/12/2025");
    assert!(first_half > 0 && second_half > 0);
    assert!(patrol_count(&new_as_were) <= first_half + second_half);
    assert!(patrol_count(&new_as_were) >= second_half + first_half / 2);

    let old_as_were = annual_json(p, &[&year[..], &["--scope", "XA-SONVI"]].concat());
    assert_eq!(
        patrol_count(&old_as_were),
        patrols(p, "XA-SONVI", "15/12/2024", "30/06/2025")
    );
    assert_eq!(
        patrols(p, "XA-SONVI", "01/07/2025", "14/12/2025"),
        0,
        "its scope ends on 30/06/2025"
    );
    let old_mapped = annual_json(
        p,
        &[
            &year[..],
            &["--scope", "XA-SONVI", "--map-to", "01/01/2025"],
        ]
        .concat(),
    );
    let apportioned = &old_mapped["apportioned"][0];
    assert_eq!(apportioned["unit"]["code"], "TQ-XA-SONVI", "{old_mapped}");
    assert_eq!(apportioned["share"], "1/3");
    let counted = apportioned["counted"].as_i64().unwrap();
    let whole = apportioned["patrols"].as_i64().unwrap();
    assert!(
        whole > 0 && whole <= second_half,
        "{whole} of {second_half}"
    );
    // Rounded half up per leading unit: about a third.
    assert!(counted > 0 && counted < whole && (counted * 3 - whole).abs() <= 36);
    assert_eq!(
        patrol_count(&old_mapped),
        patrol_count(&old_as_were) + counted
    );
    let md = stdout(bin(p).args(["report", "annual"]).args(year).args([
        "--scope",
        "XA-SONVI",
        "--map-to",
        "01/01/2025",
    ]));
    assert!(
        md.contains("quy đổi theo các đơn vị ngày 01/01/2025"),
        "{md}"
    );
    assert!(md.contains("tính 1/3 phần"), "{md}");

    let district = ["--year", "2026", "--scope", "H-MEOVAC"];
    assert_eq!(patrol_count(&annual_json(p, &district)), 0);
    let mapped = annual_json(p, &[&district[..], &["--map-to", "01/01/2025"]].concat());
    assert!(patrol_count(&mapped) > 0, "{mapped}");

    // 2026 (to the demo's last day) against 2025, across the change.
    let tq = ["--period", "year", "--year", "2026", "--scope", "TQ"];
    let as_were = summary_json(p, &tq);
    let mapped = summary_json(p, &[&tq[..], &["--map-to", "01/07/2025"]].concat());
    assert_eq!(counts(&mapped), counts(&as_were));
    let [now, before] = counts(&as_were);
    assert!(before > 1_000 && now > 1_000, "{now} against {before}");
    assert!((now - before).abs() * 5 < before, "{now} against {before}");
    // Run twice, the annual review mapped is the same to the byte.
    let again = annual_json(
        p,
        &[
            &year[..],
            &["--scope", "XA-SONVI", "--map-to", "01/01/2025"],
        ]
        .concat(),
    );
    assert_eq!(again, old_mapped);
}

/// `--map-to` needs a scope and a day; a wrong one is refused before
/// anything is read.
#[test]
fn annual_map_to_is_checked() {
    let data = demo();
    let p = data.path();
    let no_scope = run(bin(p).args([
        "report",
        "annual",
        "--year",
        "2025",
        "--map-to",
        "01/07/2025",
    ]));
    assert_eq!(no_scope.code, 2, "{}", no_scope.stderr);
    let bad = run(bin(p).args([
        "--lang",
        "en",
        "report",
        "annual",
        "--year",
        "2025",
        "--scope",
        "TQ",
        "--map-to",
        "31/02/2025",
    ]));
    assert_ne!(bad.code, 0, "{}", bad.stdout);
    assert!(bad.stderr.contains("map_to"), "{}", bad.stderr);
}
