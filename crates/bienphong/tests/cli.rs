//! The CLI as people use it: the real binary on a real store in a temporary
//! data directory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use assert_cmd::Command;
use common::{PgDb, a_verified_post, audit_of, bin, demo, list_json, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn annual_2023(data: &Path) -> String {
    stdout(bin(data).args(["report", "annual", "--year", "2023"]))
}

fn revision_count(data: &Path) -> usize {
    let units = list_json(data, &["unit"]).len();
    assert!(units > 0);
    common::revision_count(data)
}

#[test]
fn the_annual_review_of_the_demo_states_the_articles_figures() {
    let data = demo();
    let report = annual_2023(data.path());
    assert!(
        report.contains("từ ngày 15/12/2022 đến ngày 14/12/2023"),
        "{report}"
    );
    assert!(
        report.contains(
            "tuần tra, bảo vệ biên giới được 1.178 lần/7.511 lượt và 3.019 lượt lực lượng khác"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "xử lý 100 vụ/250 đối tượng, thu giữ 10 bánh heroin; 0,43g thuốc phiện, 01 xe máy, 03 điện thoại di động"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "34/34 xã, thị trấn biên giới và 12/12 đồn Biên phòng tổ chức giao ban đủ các quý"
        ),
        "{report}"
    );
}

#[test]
fn json_report_is_deterministic_with_decimal_strings() {
    let data = demo();
    let run = || {
        stdout(bin(data.path()).args(["report", "annual", "--year", "2023", "--format", "json"]))
    };
    let first = run();
    assert_eq!(first, run());
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["patrols"]["count"], 1178);
    assert_eq!(v["period"]["from"], "2022-12-15");
    let opium = v["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "THUOCPHIEN")
        .unwrap();
    assert_eq!(opium["quantity"], "0.43");
    // A second, independently built demo gives the same bytes.
    let other = tempfile::tempdir().unwrap();
    bin(other.path()).arg("demo").assert().success();
    let again =
        stdout(bin(other.path()).args(["report", "annual", "--year", "2023", "--format", "json"]));
    assert_eq!(first, again);
}

fn first_patrol_2023(data: &Path) -> Value {
    list_json(data, &["patrol", "--year", "2023", "--limit", "1"]).remove(0)
}

fn bdbp_persons(patrol: &Value) -> u64 {
    patrol["content"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["force"] == "BDBP")
        .map_or(0, |f| f["persons"].as_u64().unwrap())
}

#[test]
fn editing_a_record_changes_the_figure_and_keeps_history() {
    let data = demo();
    let p = first_patrol_2023(data.path());
    let id = p["id"].as_str().unwrap();
    let persons = bdbp_persons(&p);
    let others: Vec<String> = p["content"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["force"] != "BDBP")
        .map(|f| format!("{}={}", f["force"].as_str().unwrap(), f["persons"]))
        .collect();
    let mut cmd = bin(data.path());
    cmd.args([
        "edit",
        "patrol",
        id,
        "--force",
        &format!("BDBP={}", persons + 1),
    ]);
    for o in &others {
        cmd.args(["--force", o]);
    }
    cmd.assert().success();
    let report = annual_2023(data.path());
    assert!(
        report.contains("1.178 lần/7.512 lượt và 3.019 lượt"),
        "{report}"
    );
    let history = stdout(bin(data.path()).args(["history", "patrol", id]));
    assert_eq!(
        history.lines().filter(|l| !l.starts_with(' ')).count(),
        2,
        "{history}"
    );
    assert!(
        history.contains("participants"),
        "the change is shown: {history}"
    );
}

#[test]
fn deleting_a_record_removes_it_from_figures_but_not_from_history() {
    let data = demo();
    let p = first_patrol_2023(data.path());
    let id = p["id"].as_str().unwrap();
    let persons = bdbp_persons(&p);
    bin(data.path())
        .args(["delete", "patrol", id])
        .assert()
        .success();
    let report = annual_2023(data.path());
    let expected = format!(
        "1.177 lần/{} lượt",
        bienphong_domain::format::integer(7511 - persons as i64)
    );
    assert!(report.contains(&expected), "{expected} in {report}");
    let history = stdout(bin(data.path()).args(["history", "patrol", id]));
    assert!(
        history.contains("tạo mới") && history.contains("xóa"),
        "{history}"
    );
    bin(data.path())
        .args(["show", "patrol", id])
        .assert()
        .code(3);
    // An edit of a deleted record is refused.
    bin(data.path())
        .args(["edit", "patrol", id, "--notes", "x"])
        .assert()
        .code(3);
}

fn unit_codes(data: &Path, pred: impl Fn(&Value) -> bool) -> Vec<String> {
    list_json(data, &["unit"])
        .into_iter()
        .filter(|u| pred(&u["content"]))
        .map(|u| u["content"]["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn records_after_the_2025_reorganisation_use_the_new_units() {
    let data = demo();
    let new_communes = unit_codes(data.path(), |u| {
        u["kind"] == "commune" && u["valid_from"] == "2025-07-01"
    });
    let old_communes = unit_codes(data.path(), |u| {
        u["kind"] == "commune" && u["valid_to"] == "2025-06-30"
    });
    let posts = unit_codes(data.path(), |u| u["kind"] == "border_post");
    let new_province = unit_codes(data.path(), |u| {
        u["kind"] == "province" && u["valid_from"] == "2025-07-01"
    });
    let old_province = unit_codes(data.path(), |u| {
        u["kind"] == "province" && u["valid_to"] == "2025-06-30"
    });
    assert!(!new_communes.is_empty() && !old_communes.is_empty() && !posts.is_empty());
    let before = annual_2023(data.path());

    // A propaganda session in a new Tuyên Quang commune after 1 July 2025.
    bin(data.path())
        .args([
            "add",
            "propaganda",
            "--date",
            "12/08/2025",
            "--unit",
            &new_communes[0],
        ])
        .args([
            "--topic",
            "Luật Biên phòng Việt Nam",
            "--sessions",
            "1",
            "--listeners",
            "45",
        ])
        .assert()
        .success();
    // The same in an old commune is refused: it no longer exists then.
    let refused = bin(data.path())
        .args([
            "add",
            "propaganda",
            "--date",
            "12/08/2025",
            "--unit",
            &old_communes[0],
        ])
        .args(["--topic", "x", "--sessions", "1", "--listeners", "45"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(err.contains("unit") && err.contains("12/08/2025"), "{err}");

    // 2023 still reports under Hà Giang's units, unchanged.
    assert_eq!(annual_2023(data.path()), before);
    let scoped = stdout(bin(data.path()).args([
        "report",
        "annual",
        "--year",
        "2023",
        "--scope",
        &old_province[0],
    ]));
    assert!(scoped.contains("1.178 lần/7.511 lượt"), "{scoped}");
    // And the new province's 2025 includes the new record.
    let tq = stdout(bin(data.path()).args([
        "report",
        "annual",
        "--year",
        "2025",
        "--scope",
        &new_province[0],
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&tq).unwrap();
    assert!(v["propaganda"]["listeners"].as_i64().unwrap() >= 45, "{tq}");
}

/// Bad input: a clear one-line error naming the field, a non-zero exit, and
/// nothing written.
#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let data = demo();
    let post = a_verified_post(data.path());
    let old_commune = unit_codes(data.path(), |u| {
        u["kind"] == "commune" && u["valid_to"] == "2025-06-30"
    })
    .remove(0);
    let before = revision_count(data.path());
    let patrol = |extra: &[&str]| {
        let mut c = bin(data.path());
        c.args(["add", "patrol", "--kind", "joint"]);
        if !extra.contains(&"--date") {
            c.args(["--date", "05/03/2023"]);
        }
        c.args(extra);
        c
    };
    let cases: Vec<(Command, &str, &str)> = vec![
        (
            patrol(&["--unit", "KHONGCO", "--force", "BDBP=5"]),
            "--unit:",
            "không có đơn vị",
        ),
        (
            patrol(&[
                "--unit",
                &post,
                "--force",
                "BDBP=5",
                "--date",
                "05/03/2026",
                "--partner",
                &old_commune,
            ]),
            "--partner #1:",
            "không còn hiệu lực",
        ),
        (
            patrol(&["--unit", &post, "--force", "BDBP=-3"]),
            "--force #1:",
            "số âm",
        ),
        (
            patrol(&["--unit", &post, "--force", "BDBP=2,5"]),
            "--force #1:",
            "số nguyên",
        ),
        (
            patrol(&["--unit", &post, "--force", "KHONGCO=5"]),
            "--force #1:",
            "danh mục force",
        ),
        (
            patrol(&["--unit", &post, "--force", "BDBP=5", "--hours", "1,2,3"]),
            "--hours:",
            "số không hợp lệ",
        ),
        (
            patrol(&["--unit", &post, "--force", "BDBP=5", "--date", "31/02/2023"]),
            "--date:",
            "ngày không hợp lệ",
        ),
    ];
    for (mut cmd, field, words) in cases {
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{field}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains(field) && err.contains(words),
            "{field}/{words}: {err}"
        );
    }
    // Malformed JSON, a negative count in JSON, a malformed decimal.
    let json_cases = [
        ("{\"date\": \"2023-03-05\", ", "json"),
        (
            r#"{"date":"2023-03-05","lead_unit":"POST","kind":"joint","participants":[{"force":"BDBP","persons":-1}]}"#,
            "participants[0].persons",
        ),
        (
            r#"{"date":"2023-03-05","handling_unit":"POST","case_type":"MATUY","subjects":1,"seizures":[{"item":"THUOCPHIEN","quantity":"0,4,3"}]}"#,
            "seizures[0].quantity",
        ),
    ];
    for (i, (text, field)) in json_cases.iter().enumerate() {
        let text = text.replace("POST", &post);
        let kind = if i == 2 { "case" } else { "patrol" };
        let out = bin(data.path())
            .args(["add", kind, "--json", "-"])
            .write_stdin(text)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(field), "{field}: {err}");
    }
    assert_eq!(revision_count(data.path()), before, "nothing was written");

    // Messages follow --lang.
    let out = bin(data.path())
        .args([
            "--lang",
            "en",
            "add",
            "patrol",
            "--kind",
            "joint",
            "--date",
            "05/03/2023",
            "--unit",
            "KHONGCO",
        ])
        .args(["--force", "BDBP=5"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // A flag's value is named by the flag, not by the record's JSON path.
    assert!(err.starts_with("Error: --unit: unknown unit"), "{err}");
}

#[test]
fn an_unusual_value_needs_confirm_and_a_hard_limit_is_refused_anyway() {
    let data = demo();
    let post = a_verified_post(data.path());
    let patrol = |persons: &str, confirm: bool| {
        let mut c = bin(data.path());
        c.args(["add", "patrol", "--kind", "joint", "--date", "05/03/2024"])
            .args(["--unit", &post, "--force", &format!("BDBP={persons}")]);
        if confirm {
            c.arg("--confirm");
        }
        c
    };
    let records = |data: &Path| list_json(data, &["patrol"]).len();
    let (revisions, patrols) = (revision_count(data.path()), records(data.path()));
    let out = common::run(&mut patrol("250", false));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("participants[0].persons: 250 người")
            && out.stderr.contains("(200 người)")
            && out.stderr.contains("--confirm"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        revision_count(data.path()),
        revisions,
        "nothing was written"
    );
    assert_eq!(records(data.path()), patrols);

    // Confirmed, it is written and reads back exactly.
    let added = stdout(&mut patrol("250", true));
    let id = added
        .split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no record id in {added}"))
        .to_string();
    let shown: Value =
        serde_json::from_str(&stdout(bin(data.path()).args(["show", "patrol", &id]))).unwrap();
    assert_eq!(shown["content"]["participants"][0]["persons"], 250);
    assert_eq!(revision_count(data.path()), revisions + 1);

    // An edit to an unusual value asks again; --confirm writes it.
    let out = common::run(bin(data.path()).args(["edit", "patrol", &id, "--force", "BDBP=1.178"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("1.178 người"), "{}", out.stderr);
    assert_eq!(revision_count(data.path()), revisions + 1);
    stdout(bin(data.path()).args(["edit", "patrol", &id, "--force", "BDBP=1.178", "--confirm"]));
    let shown: Value =
        serde_json::from_str(&stdout(bin(data.path()).args(["show", "patrol", &id]))).unwrap();
    assert_eq!(shown["content"]["participants"][0]["persons"], 1178);

    // At the threshold nothing is asked; past the hard limit nothing is
    // written, confirmed or not.
    stdout(&mut patrol("200", false));
    let revisions = revision_count(data.path());
    let out = common::run(&mut patrol("10.001", true));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("vượt quá giới hạn 10.000"),
        "{}",
        out.stderr
    );
    assert_eq!(revision_count(data.path()), revisions);
}

#[test]
fn every_record_type_round_trips_through_the_cli() {
    let data = demo();
    let post = a_verified_post(data.path());
    let samples = [
        (
            "patrol",
            format!(
                r#"{{"date":"2024-03-05","lead_unit":"{post}","kind":"post_only","participants":[{{"force":"BDBP","persons":4}}],"notes":"Tuần tra đường biên"}}"#
            ),
        ),
        (
            "case",
            format!(
                r#"{{"date":"2024-03-06","handling_unit":"{post}","case_type":"MATUY","subjects":2,"seizures":[{{"item":"THUOCPHIEN","quantity":"1.25"}}]}}"#
            ),
        ),
        (
            "meeting",
            format!(
                r#"{{"date":"2024-03-07","meeting_type":"GBQ","host_unit":"{post}","attendance":20,"actions":[{{"text":"Rà soát mốc","owner_unit":"{post}","status":"open"}}]}}"#
            ),
        ),
        (
            "document",
            format!(
                r#"{{"date":"2024-03-08","document_type":"KH","number":"05/KH-ĐBP","issuer":"Đồn Biên phòng","unit":"{post}","title":"Kế hoạch tuần tra"}}"#
            ),
        ),
        (
            "programme",
            format!(
                r#"{{"programme":"NBETT","sponsor_unit":"{post}","beneficiary_kind":"child","start":"2024-01-01","monthly_amount":500000}}"#
            ),
        ),
        (
            "propaganda",
            format!(
                r#"{{"date":"2024-03-09","unit":"{post}","topic":"Nghị quyết 33-NQ/TW","sessions":1,"listeners":80}}"#
            ),
        ),
        (
            "disaster",
            format!(
                r#"{{"date":"2024-03-10","unit":"{post}","kind":"plan","title":"Phương án phòng chống lũ quét"}}"#
            ),
        ),
    ];
    for (kind, json) in samples {
        let file = data.path().join(format!("{kind}.json"));
        std::fs::write(&file, &json).unwrap();
        let added = stdout(
            bin(data.path())
                .args(["--lang", "en", "add", kind, "--json"])
                .arg(&file),
        );
        let id = added.split_whitespace().nth(2).unwrap().to_string();
        let shown: Value =
            serde_json::from_str(&stdout(bin(data.path()).args(["show", kind, &id]))).unwrap();
        let sent: Value = serde_json::from_str(&json).unwrap();
        for (k, v) in sent.as_object().unwrap() {
            let got = &shown["content"][k];
            if k == "monthly_amount" {
                assert_eq!(got, 500000, "{kind}.{k}");
            } else {
                assert_eq!(got, v, "{kind}.{k}");
            }
        }
        let history = stdout(bin(data.path()).args(["history", kind, &id]));
        assert_eq!(history.lines().count(), 1, "{history}");
        // Asking for it as another type is refused.
        let other = if kind == "patrol" { "case" } else { "patrol" };
        bin(data.path()).args(["show", other, &id]).assert().code(2);
    }
}

#[test]
fn lists_filter_by_unit_period_and_type() {
    let data = demo();
    let all = list_json(data.path(), &["case", "--year", "2023"]);
    assert_eq!(all.len(), 100);
    let drugs = list_json(data.path(), &["case", "--year", "2023", "--type", "MATUY"]);
    assert!(!drugs.is_empty() && drugs.len() < 100);
    assert!(drugs.iter().all(|c| c["content"]["case_type"] == "MATUY"));
    let calendar = list_json(
        data.path(),
        &["case", "--from", "01/01/2023", "--to", "31/12/2023"],
    );
    assert!(
        calendar
            .iter()
            .all(|c| c["content"]["date"].as_str().unwrap().starts_with("2023"))
    );
    let post = list_json(
        data.path(),
        &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"],
    );
    assert!(!post.is_empty());
    assert!(post.iter().all(|p| {
        p["content"]["lead_unit"] == "BP-LUNGCU"
            || p["content"]["partner_units"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u == "BP-LUNGCU")
    }));
    // Dates are in order.
    let days: Vec<&str> = post
        .iter()
        .map(|p| p["content"]["date"].as_str().unwrap())
        .collect();
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted);
}

#[test]
fn the_store_check_finds_the_demo_consistent() {
    let data = demo();
    let out = stdout(bin(data.path()).args(["--lang", "en", "store", "check"]));
    assert!(out.contains("intact"), "{out}");
    stdout(bin(data.path()).args(["store", "rebuild"]));
    assert!(annual_2023(data.path()).contains("1.178 lần/7.511 lượt"));
}

#[test]
fn help_names_the_default_data_directory() {
    let out = Command::cargo_bin("bienphong")
        .unwrap()
        .arg("--help")
        .env_remove("BIENPHONG_DATA")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // In the user's language: clap's "[default: …]" is worded from Fluent.
    assert!(
        text.contains("--data") && text.contains("mặc định: ") && !text.contains("[default:"),
        "{text}"
    );
}

/// A writer killed with SIGKILL in the middle of many writes leaves a store
/// that passes the integrity check and holds every write it acknowledged.
#[test]
fn a_killed_writer_loses_no_acknowledged_write() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let data = demo();
    let post = a_verified_post(data.path());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("bienphong"))
        .arg("--data")
        .arg(data.path())
        .args(["debug-write-loop", "--unit", &post, "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut acknowledged = Vec::new();
    let mut line = String::new();
    while acknowledged.len() < 150 {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the writer stopped early"
        );
        acknowledged.push(line.trim().to_string());
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Whatever it printed before dying was acknowledged too.
    for l in reader.lines() {
        let l = l.unwrap();
        if !l.trim().is_empty() {
            acknowledged.push(l.trim().to_string());
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use bienphong_store::Store;
        let store = bienphong_store::SqlStore::open_sqlite(&data.path().join("bienphong.sqlite"))
            .await
            .unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        for id in &acknowledged {
            let id: bienphong_domain::RecordId = id.parse().unwrap();
            assert!(
                store.get(id).await.unwrap().is_some(),
                "acknowledged write {id} is missing"
            );
        }
    });
    let check = stdout(bin(data.path()).args(["--lang", "en", "store", "check"]));
    assert!(check.contains("intact"), "{check}");
}

/// The same records give the same report, byte for byte, on either backend;
/// and `store copy` moves a store both ways with the same digest.
#[test]
fn postgres_gives_the_same_reports_and_copies_both_ways() {
    let Some(pg) = PgDb::create() else { return };
    let data = demo();
    let report = |args: &[&str], format: &str| {
        stdout(
            bin(data.path())
                .args(args)
                .args(["report", "annual", "--year", "2023", "--format", format]),
        )
    };
    // The demo written straight into PostgreSQL…
    let out = stdout(bin(data.path()).args(["--database", &pg.url, "demo"]));
    assert!(!out.contains("postgres://postgres:"), "{out}");
    for format in ["json", "md"] {
        assert_eq!(
            report(&[], format),
            report(&["--database", &pg.url], format),
            "{format}"
        );
    }
    // …and a copy of it back into SQLite, and into PostgreSQL again.
    let back = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", back.path().join("copy.sqlite").display());
    let there = stdout(bin(data.path()).args([
        "--lang",
        "en",
        "--database",
        &pg.url,
        "store",
        "copy",
        "--to",
        &back_url,
    ]));
    let revisions = bienphong_domain::format::integer(common::revision_count(data.path()) as i64);
    assert!(
        there.contains(&format!("Copied {revisions} revisions")),
        "{there}"
    );
    let pg2 = PgDb::create().unwrap();
    let again = stdout(bin(data.path()).args([
        "--lang",
        "en",
        "--database",
        &back_url,
        "store",
        "copy",
        "--to",
        &pg2.url,
    ]));
    let digest = |s: &str| s.rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(digest(&there), digest(&again));
    assert_eq!(
        report(&["--database", &pg2.url], "json"),
        report(&[], "json")
    );
    // Copying onto a store that holds data is refused.
    bin(data.path())
        .args(["--database", &back_url, "store", "copy", "--to", &pg.url])
        .assert()
        .code(4);
    // So is one that holds only an account (made at a first start): its
    // rows would clash or mix with the original's.
    let with_account = tempfile::tempdir().unwrap();
    let mut add = bin(with_account.path());
    add.args([
        "user",
        "add",
        "quan-tri",
        "--role",
        "admin",
        "--unit",
        "HG",
        "--password-stdin",
    ])
    .write_stdin("mot-mat-khau-du-dai-2026\n")
    .assert()
    .success();
    let account_url = format!(
        "sqlite://{}",
        with_account.path().join("bienphong.sqlite").display()
    );
    bin(data.path())
        .args(["store", "copy", "--to", &account_url])
        .assert()
        .code(4);
}

#[test]
fn database_urls_get_clear_errors_without_passwords() {
    let data = tempfile::tempdir().unwrap();
    let out = bin(data.path())
        .args([
            "--lang",
            "en",
            "--database",
            "mysql://u:hunter2@host/db",
            "list",
            "patrol",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unsupported database URL") && !err.contains("hunter2"),
        "{err}"
    );
    let out = bin(data.path())
        .args([
            "--lang",
            "en",
            "--database",
            "postgres://u:hunter2@127.0.0.1:9/db",
            "list",
            "patrol",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot open the store postgres://u:***@127.0.0.1:9/db"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

fn docx_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The annual review as an official document (Decree 30/2020): the XML is
/// read back and checked, and LibreOffice opens it where it is installed.
#[test]
fn the_annual_review_is_an_official_docx() {
    let data = demo();
    let file = data.path().join("baocao.docx");
    stdout(
        bin(data.path())
            .args([
                "report", "annual", "--year", "2023", "--format", "docx", "-o",
            ])
            .arg(&file)
            .args([
                "--number",
                "5",
                "--date",
                "16/01/2024",
                "--recipient",
                "Thường trực Tỉnh ủy",
                "--signing-for",
                "TM. Đảng ủy",
                "--signer-title",
                "Bí thư",
                "--signer-name",
                "Nguyễn Văn A",
            ]),
    );
    let xml = docx_part(&file, "word/document.xml");
    // A4 and the margins: 20 mm top and bottom, 30 mm left, 15 mm right.
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "page size"
    );
    assert!(
        xml.contains(r#"w:top="1133""#) && xml.contains(r#"w:bottom="1133""#),
        "top/bottom margins"
    );
    assert!(
        xml.contains(r#"w:left="1700""#) && xml.contains(r#"w:right="850""#),
        "left/right margins"
    );
    assert!(xml.contains("Times New Roman"));
    for text in [
        "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG",
        "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-BĐBP",
        "Hà Giang, ngày 16 tháng 01 năm 2024",
        "BÁO CÁO",
        "1.178 lần/7.511 lượt và 3.019 lượt lực lượng khác",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. ĐẢNG ỦY",
        "Nguyễn Văn A",
    ] {
        assert!(xml.contains(text), "missing {text}");
    }
    // The letterhead, the report's tables and the closing block are tables.
    assert!(xml.matches("<w:tbl>").count() >= 5, "tables");
    // Header rows repeat on every page; no row splits across pages, so the
    // closing block (recipients and signer, one row) moves whole.
    assert!(xml.contains("<w:tblHeader />"), "repeated header rows");
    let closing = &xml[xml.rfind("<w:tbl>").unwrap()..];
    assert!(closing.contains("Nơi nhận:") && closing.contains("<w:cantSplit />"));
    assert!(
        closing.contains("<w:keepNext />"),
        "the block keeps together"
    );
    // Text columns left, numbers right, as the Markdown aligns them.
    let row = &xml[xml.find("Đồn Biên phòng Bạch Đích").unwrap() - 400..];
    assert!(row.contains(r#"<w:jc w:val="left" />"#), "text left");
    let figure = &xml[xml.find("Đồn Biên phòng Bạch Đích").unwrap()..];
    let figure = &figure[..figure.find(">77<").unwrap()];
    assert!(
        figure.rfind(r#"<w:jc w:val="right" />"#) > figure.rfind(r#"<w:jc w:val="left" />"#),
        "numbers right"
    );
    // The data sheet is a footnote on the subject, not the body's opening;
    // the demo's unverified post is no name in an official table.
    assert!(!xml.contains("Phạm vi:"), "machine lines left the body");
    let notes = docx_part(&file, "word/footnotes.xml");
    assert!(notes.contains("Phạm vi: toàn bộ các đơn vị"), "{notes}");
    assert!(
        notes.contains("<w:footnoteRef />"),
        "the note carries its number"
    );
    assert!(!xml.contains("chưa xác minh") && xml.contains("Đơn vị khác"));
    // The properties: the issuer as author, the report's date as created.
    let core = docx_part(&file, "docProps/core.xml");
    assert!(
        core.contains("<dc:creator>Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang</dc:creator>"),
        "{core}"
    );
    assert!(core.contains(">2024-01-16T00:00:00Z<"), "{core}");
    // Page numbers in the header, but not on the first page.
    assert!(
        xml.contains("<w:titlePg"),
        "first page has its own (empty) header"
    );
    let headers: Vec<String> = (1..=3)
        .filter_map(|i| {
            let file = std::fs::File::open(&file).ok()?;
            let mut archive = zip::ZipArchive::new(file).ok()?;
            let mut s = String::new();
            std::io::Read::read_to_string(
                &mut archive.by_name(&format!("word/header{i}.xml")).ok()?,
                &mut s,
            )
            .ok()?;
            Some(s)
        })
        .collect();
    assert!(
        headers.iter().any(|h| h.contains("PAGE")),
        "a header carries the page number"
    );

    // The charts: an appendix after the signature, each chart a PNG part
    // that the text refers to, with its caption.
    let annex = xml.find("Phụ lục").expect("the appendix");
    assert!(
        annex > xml.find("Nguyễn Văn A").unwrap(),
        "after the signature"
    );
    assert!(
        xml.contains("(Kèm theo Báo cáo số 05/BC-BĐBP ngày 16 tháng 01 năm 2024"),
        "the appendix names its report"
    );
    let rels = docx_part(&file, "word/_rels/document.xml.rels");
    for (n, caption) in [
        (1, "Biểu đồ 1: Số lần tuần tra theo tháng"),
        (2, "Biểu đồ 2: Số vụ việc xử lý theo tháng"),
        (3, "Biểu đồ 3: Số lần tuần tra theo đơn vị chủ trì"),
        (4, "Biểu đồ 4: Số vụ việc theo đơn vị xử lý"),
    ] {
        assert!(xml.contains(caption), "missing {caption}");
        let id = format!("rIdChart{n}");
        assert!(
            xml.contains(&format!(r#"r:embed="{id}""#)),
            "{id} in the text"
        );
        assert!(
            rels.contains(&format!(r#"Id="{id}""#)) && rels.contains(&format!("media/{id}.png")),
            "{id} in the relationships: {rels}"
        );
        let png = docx_bytes(&file, &format!("word/media/{id}.png"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{id} is a PNG");
    }
    // Across the text width: 165 mm.
    assert!(xml.contains(r#"cx="5941060""#), "chart width");

    // LibreOffice reads it (CI installs it; elsewhere the check is skipped).
    let Some(pdf) = libreoffice_convert(&file, "pdf", "pdf") else {
        return;
    };
    let pdf = std::fs::read(pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000);
}

fn docx_bytes(path: &Path, part: &str) -> Vec<u8> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut bytes = Vec::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// Converts `file` with LibreOffice (headless) beside it and returns the
/// result; `None`, with a note, where LibreOffice is not installed (CI
/// installs it).
fn libreoffice_convert(file: &Path, filter: &str, extension: &str) -> Option<PathBuf> {
    let soffice = common::libreoffice()?;
    let dir = file.parent().unwrap();
    let target = file.with_extension(extension);
    // On a loaded machine LibreOffice now and then exits 0 without writing
    // anything (its first start sets up a profile); a file it cannot read
    // fails every time, so a few attempts hide nothing.
    let mut stderr = String::new();
    for _ in 0..3 {
        let out = std::process::Command::new(&soffice)
            .args(["--headless", "--convert-to", filter, "--outdir"])
            .arg(dir)
            .arg(file)
            .env("HOME", dir)
            .output()
            .unwrap();
        stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        if target.exists() {
            return Some(target);
        }
    }
    panic!(
        "LibreOffice wrote no {extension} from {}: {stderr}",
        file.display()
    );
}

#[test]
fn a_binary_report_needs_a_file_or_a_pipe() {
    let data = demo();
    // Standard output is a pipe here, so the document goes there.
    let out = bin(data.path())
        .args(["report", "annual", "--year", "2023", "--format", "docx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout.starts_with(b"PK"),
        "a zip (DOCX) on standard output"
    );
}

fn summary(data: &Path, args: &[&str]) -> String {
    stdout(bin(data).args(["report", "summary"]).args(args))
}

fn summary_json(data: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&summary(data, &all)).unwrap()
}

#[test]
fn the_summary_of_a_year_compares_with_the_same_period_last_year() {
    let data = demo();
    let report = summary(data.path(), &["--period", "year", "--year", "2023"]);
    // Expected strings written from the demo's figures: 2023 has 1.178
    // patrols and 100 cases, 2022 has 1.090 and 88.
    // 1178 - 1090 = 88, 88 / 1090 = 8,07…%; 100 - 88 = 12, 12 / 88 = 13,63…%.
    for expected in [
        "- Kỳ báo cáo: Năm 2023",
        "từ ngày 15/12/2022 đến ngày 14/12/2023 (kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP)",
        "So sánh với cùng kỳ: từ ngày 15/12/2021 đến ngày 14/12/2022",
        "tuần tra, bảo vệ biên giới được 1.178 lần, tăng 88 lần (8,1%) so với cùng kỳ",
        "7.511 lượt cán bộ, chiến sĩ Bộ đội Biên phòng",
        "3.019 lượt lực lượng khác",
        "đã xử lý 100 vụ, tăng 12 vụ (13,6%) so với cùng kỳ; 250 đối tượng",
        "| Đơn vị chủ trì | Số lần | Cùng kỳ |",
        "| Loại vụ việc | Số vụ | Cùng kỳ |",
        "| Tang vật thu giữ | Đơn vị tính | Kỳ này | Cùng kỳ |",
    ] {
        assert!(report.contains(expected), "{expected}\n---\n{report}");
    }
    // 2024: 1.230 patrols and 112 cases against 1.178 and 100:
    // 52 / 1178 = 4,41…%; 12 / 100 = 12%.
    let report = summary(data.path(), &["--period", "year", "--year", "2024"]);
    for expected in [
        "được 1.230 lần, tăng 52 lần (4,4%) so với cùng kỳ",
        "đã xử lý 112 vụ, tăng 12 vụ (12%) so với cùng kỳ",
    ] {
        assert!(report.contains(expected), "{expected}\n---\n{report}");
    }

    // JSON: both periods, the change, sorted keys, the same bytes each run.
    let run = || {
        summary(
            data.path(),
            &["--period", "year", "--year", "2023", "--format", "json"],
        )
    };
    let text = run();
    assert_eq!(text, run());
    let v: Value = serde_json::from_str(&text).unwrap();
    let patrols = &v["patrols"]["count"];
    assert_eq!(
        (
            &patrols["current"],
            &patrols["previous"],
            &patrols["difference"]
        ),
        (&Value::from(1178), &Value::from(1090), &Value::from(88))
    );
    assert_eq!(patrols["percent"], "8.1");
    assert_eq!(v["patrols"]["border_guard_persons"]["current"], 7511);
    assert_eq!(v["patrols"]["other_persons"]["current"], 3019);
    assert_eq!(v["cases"]["count"]["current"], 100);
    assert_eq!(v["cases"]["count"]["previous"], 88);
    assert_eq!(v["cases"]["subjects"]["current"], 250);
    assert_eq!(v["period"]["from"], "2022-12-15");
    assert_eq!(v["previous_period"]["to"], "2022-12-14");
    assert_eq!(v["kind"]["type"], "year");
    assert_eq!(v["cutoff"], "decree09");
    let opium = v["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "THUOCPHIEN")
        .unwrap();
    assert_eq!(opium["quantity"]["current"], "0.43");
    // The breakdowns add up to the totals: every patrol and case has one
    // leading unit.
    let sum = |rows: &Value, field: &str, which: &str| -> i64 {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r[field][which].as_i64().unwrap())
            .sum()
    };
    for which in ["current", "previous"] {
        assert_eq!(
            sum(&v["patrols"]["by_lead_unit"], "count", which),
            v["patrols"]["count"][which].as_i64().unwrap()
        );
        assert_eq!(
            sum(&v["cases"]["by_handling_unit"], "count", which),
            v["cases"]["count"][which].as_i64().unwrap()
        );
        assert_eq!(
            sum(&v["cases"]["by_type"], "count", which),
            v["cases"]["count"][which].as_i64().unwrap()
        );
    }
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    let listed = keys.clone();
    keys.sort();
    assert_eq!(keys, listed, "sorted keys");
}

#[test]
fn summary_periods_state_their_exact_days_and_tile_the_year() {
    let data = demo();
    let q1 = summary(
        data.path(),
        &["--period", "quarter", "--year", "2024", "--quarter", "1"],
    );
    for expected in [
        "quy chế phối hợp quý I năm 2024",
        "- Kỳ báo cáo: Quý I năm 2024",
        "từ ngày 15/12/2023 đến ngày 14/03/2024 (kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP)",
        "So sánh với cùng kỳ: từ ngày 15/12/2022 đến ngày 14/03/2023",
    ] {
        assert!(q1.contains(expected), "{expected}\n---\n{q1}");
    }
    let q1_calendar = summary(
        data.path(),
        &[
            "--period",
            "quarter",
            "--year",
            "2024",
            "--quarter",
            "1",
            "--cutoff",
            "calendar",
        ],
    );
    assert!(
        q1_calendar.contains("từ ngày 01/01/2024 đến ngày 31/03/2024 (theo dương lịch)"),
        "{q1_calendar}"
    );
    for (args, name, range) in [
        (
            vec!["--period", "month", "--year", "2024", "--month", "3"],
            "Tháng 3 năm 2024",
            "từ ngày 15/02/2024 đến ngày 14/03/2024",
        ),
        (
            vec!["--period", "half", "--year", "2024", "--half", "1"],
            "6 tháng đầu năm 2024",
            "từ ngày 15/12/2023 đến ngày 14/06/2024",
        ),
        (
            vec!["--period", "half", "--year", "2024", "--half", "2"],
            "6 tháng cuối năm 2024",
            "từ ngày 15/06/2024 đến ngày 14/12/2024",
        ),
        (
            vec!["--period", "nine-months", "--year", "2024"],
            "9 tháng năm 2024",
            "từ ngày 15/12/2023 đến ngày 14/09/2024",
        ),
    ] {
        let report = summary(data.path(), &args);
        assert!(
            report.contains(&format!("- Kỳ báo cáo: {name}\n")),
            "{name}\n---\n{report}"
        );
        assert!(report.contains(range), "{range}\n---\n{report}");
    }

    // The four Decree 09 quarters of 2023 and its two halves add up to the
    // year's 1.178 patrols and 100 cases; the first three quarters make the
    // nine months.
    let patrols_cases = |args: &[&str]| {
        let v = summary_json(data.path(), args);
        (
            v["patrols"]["count"]["current"].as_i64().unwrap(),
            v["cases"]["count"]["current"].as_i64().unwrap(),
        )
    };
    let quarters: Vec<(i64, i64)> = ["1", "2", "3", "4"]
        .iter()
        .map(|q| patrols_cases(&["--period", "quarter", "--year", "2023", "--quarter", q]))
        .collect();
    assert_eq!(
        quarters.iter().fold((0, 0), |a, q| (a.0 + q.0, a.1 + q.1)),
        (1178, 100)
    );
    let halves: Vec<(i64, i64)> = ["1", "2"]
        .iter()
        .map(|h| patrols_cases(&["--period", "half", "--year", "2023", "--half", h]))
        .collect();
    assert_eq!(
        (halves[0].0 + halves[1].0, halves[0].1 + halves[1].1),
        (1178, 100)
    );
    assert_eq!(
        patrols_cases(&["--period", "nine-months", "--year", "2023"]),
        (
            quarters[0].0 + quarters[1].0 + quarters[2].0,
            quarters[0].1 + quarters[1].1 + quarters[2].1
        )
    );
}

#[test]
fn summary_of_a_custom_range_and_a_scope() {
    let data = demo();
    let report = summary(data.path(), &["--from", "15/12/2022", "--to", "30/06/2023"]);
    for expected in [
        "- Kỳ báo cáo: từ ngày 15/12/2022 đến ngày 30/06/2023\n",
        "- Thời gian lấy số liệu: từ ngày 15/12/2022 đến ngày 30/06/2023\n",
        "So sánh với cùng kỳ: từ ngày 15/12/2021 đến ngày 30/06/2022",
    ] {
        assert!(report.contains(expected), "{expected}\n---\n{report}");
    }
    // Two ranges that split the 2023 reporting year add up to it.
    let first = summary_json(data.path(), &["--from", "15/12/2022", "--to", "30/06/2023"]);
    let second = summary_json(data.path(), &["--from", "2023-07-01", "--to", "14/12/2023"]);
    assert_eq!(first["kind"], Value::Null);
    let total = |field: &str| {
        first[field]["count"]["current"].as_i64().unwrap()
            + second[field]["count"]["current"].as_i64().unwrap()
    };
    assert_eq!(total("patrols"), 1178);
    assert_eq!(total("cases"), 100);

    // A post's summary: its own figures, no more than the whole.
    let post = a_verified_post(data.path());
    let v = summary_json(
        data.path(),
        &["--period", "year", "--year", "2023", "--scope", &post],
    );
    assert_eq!(v["scope"]["code"], post.as_str());
    let n = v["patrols"]["count"]["current"].as_i64().unwrap();
    assert!(n > 0 && n < 1178, "{n}");
    let md = summary(
        data.path(),
        &["--period", "year", "--year", "2023", "--scope", &post],
    );
    assert!(md.contains(&format!("({post})")), "{md}");
}

/// Hà Giang ended on 30/6/2025: its annual review, its summaries and its
/// list agree, and count nothing dated later; Tuyên Quang's 2025 covers
/// Hà Giang's part of the year (the merge) and its own.
#[test]
fn an_abolished_province_reports_and_lists_nothing_after_its_last_day() {
    let data = demo();
    let p = data.path();
    let date = |r: &Value| r["content"]["date"].as_str().unwrap().to_string();
    let patrols_2025 = list_json(p, &["patrol", "--year", "2025"]);
    let after = patrols_2025
        .iter()
        .filter(|r| date(r).as_str() >= "2025-07-01")
        .count();
    assert!(after > 0, "the demo has patrols after 1/7/2025");

    let annual = |scope: &str| -> Value {
        serde_json::from_str(&stdout(bin(p).args([
            "report", "annual", "--year", "2025", "--scope", scope, "--format", "json",
        ])))
        .unwrap()
    };
    let patrols_of = |v: &Value| v["patrols"]["count"].as_i64().unwrap();
    let summary_patrols = |args: &[&str]| {
        summary_json(p, args)["patrols"]["count"]["current"]
            .as_i64()
            .unwrap()
    };

    let after_end = ["--from", "01/07/2025", "--to", "31/12/2025"];
    assert_eq!(
        summary_patrols(&[&after_end[..], &["--scope", "HG"]].concat()),
        0
    );
    assert!(
        list_json(
            p,
            &[&["patrol"][..], &after_end, &["--unit", "HG"]].concat()
        )
        .is_empty()
    );

    let hg_listed = list_json(p, &["patrol", "--year", "2025", "--unit", "HG"]);
    assert!(hg_listed.iter().all(|r| date(r).as_str() <= "2025-06-30"));
    let hg = annual("HG");
    assert_eq!(patrols_of(&hg), hg_listed.len() as i64);
    assert_eq!(
        patrols_of(&hg),
        summary_patrols(&[
            "--from",
            "15/12/2024",
            "--to",
            "30/06/2025",
            "--scope",
            "HG"
        ])
    );

    let tq = annual("TQ");
    assert_eq!(patrols_of(&tq), patrols_2025.len() as i64);
    assert_eq!(
        patrols_of(&tq),
        patrols_of(&hg)
            + summary_patrols(&[
                "--from",
                "01/07/2025",
                "--to",
                "14/12/2025",
                "--scope",
                "TQ"
            ])
    );
}

#[test]
fn bad_summary_input_names_the_field() {
    let data = demo();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["--period", "quarter", "--year", "2024"],
            "quarter",
            "thiếu giá trị bắt buộc",
        ),
        (
            vec!["--period", "quarter", "--year", "2024", "--quarter", "5"],
            "quarter",
            "\"5\" không hợp lệ",
        ),
        (
            vec!["--period", "month", "--year", "2024", "--month", "13"],
            "month",
            "\"13\" không hợp lệ",
        ),
        (
            vec!["--period", "half", "--year", "2024", "--half", "3"],
            "half",
            "\"3\" không hợp lệ",
        ),
        (
            vec!["--period", "year", "--year", "2024", "--month", "3"],
            "month",
            "--period month",
        ),
        (vec!["--period", "year"], "year", "thiếu giá trị bắt buộc"),
        (vec!["--year", "2024"], "period", "thiếu giá trị bắt buộc"),
        (
            vec!["--from", "10/03/2024", "--to", "01/03/2024"],
            "to",
            "không được trước ngày 10/03/2024",
        ),
        (vec!["--from", "10/03/2024"], "to", "thiếu giá trị bắt buộc"),
        (
            vec!["--from", "31/02/2024", "--to", "10/03/2024"],
            "from",
            "ngày không hợp lệ",
        ),
        (
            vec!["--period", "year", "--year", "2023", "--scope", "KHONGCO"],
            "scope",
            "không có đơn vị mã \"KHONGCO\"",
        ),
    ];
    for (args, field, words) in cases {
        let out = bin(data.path())
            .args(["report", "summary"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with(&format!("Lỗi: {field}: ")) && err.contains(words),
            "{args:?} → {field}/{words}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = bin(data.path())
        .args(["--lang", "en", "report", "summary", "--period", "quarter"])
        .args(["--year", "2024", "--quarter", "5"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("Error: quarter: unknown value \"5\""),
        "{err}"
    );
}

#[test]
fn party_committees_get_the_party_format() {
    let data = demo();
    let file = data.path().join("dangu.docx");
    stdout(
        bin(data.path())
            .args([
                "report", "annual", "--year", "2023", "--format", "docx", "--style", "party",
            ])
            .args([
                "--parent-body",
                "Đảng bộ tỉnh Hà Giang",
                "--issuer",
                "Đảng ủy Bộ đội Biên phòng tỉnh",
            ])
            .args([
                "--number",
                "7",
                "--symbol",
                "BC/ĐU",
                "--date",
                "10/01/2024",
                "-o",
            ])
            .arg(&file),
    );
    let xml = docx_part(&file, "word/document.xml");
    assert!(xml.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(!xml.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(xml.contains("Số 07-BC/ĐU"), "party numbering");
    assert!(xml.contains("ĐẢNG ỦY BỘ ĐỘI BIÊN PHÒNG TỈNH"));
}

#[test]
fn a_quarterly_summary_is_an_official_docx_too() {
    let data = demo();
    let file = data.path().join("quy1.docx");
    stdout(
        bin(data.path())
            .args([
                "report",
                "summary",
                "--period",
                "quarter",
                "--year",
                "2024",
                "--quarter",
                "1",
            ])
            .args([
                "--scope",
                "BP-LUNGCU",
                "--format",
                "docx",
                "--number",
                "3",
                "--date",
                "20/03/2024",
                "-o",
            ])
            .arg(&file),
    );
    let xml = docx_part(&file, "word/document.xml");
    // A post's report: the post issues it under the provincial command,
    // numbered in the post's register, signed by the post commander.
    assert!(xml.contains("Số: 03/BC-ĐBP"), "number");
    assert!(
        xml.contains("Hà Giang, ngày 20 tháng 3 năm 2024"),
        "date line"
    );
    assert!(xml.contains("ĐỒN BIÊN PHÒNG LŨNG CÚ") && xml.contains("ĐỒN TRƯỞNG"));
    assert!(xml.contains("BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG"));
    assert!(
        !xml.contains("BỘ TƯ LỆNH"),
        "the post's superior is the province"
    );
    assert!(xml.contains("quý I năm 2024"), "period name");
    // The exact range, in the footnote on the subject.
    let notes = docx_part(&file, "word/footnotes.xml");
    assert!(notes.contains("Quý I năm 2024"), "period name");
    assert!(
        notes.contains("15/12/2023") && notes.contains("14/03/2024"),
        "exact range"
    );
    assert!(
        xml.contains("Biểu đồ 1: Số lần tuần tra theo tháng"),
        "charts"
    );
    assert!(docx_bytes(&file, "word/media/rIdChart1.png").starts_with(b"\x89PNG"));
}

/// The demo's 2023 annual review, word for word: any change to the wording,
/// the figures or their order shows up here for review.
#[test]
fn the_2023_annual_review_reads_as_reviewed() {
    let data = demo();
    insta::assert_snapshot!("annual_review_2023_md", annual_2023(data.path()));
}

/// The annual review's tables as a workbook: read back with a reader crate,
/// numbers are numbers and the figures are the report's; LibreOffice opens it.
#[test]
fn the_annual_review_tables_are_an_xlsx() {
    use calamine::{Data, Reader, Xlsx};
    let data = demo();
    let file = data.path().join("phuluc.xlsx");
    stdout(
        bin(data.path())
            .args([
                "report", "annual", "--year", "2023", "--format", "xlsx", "-o",
            ])
            .arg(&file),
    );
    let mut book: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let names = book.sheet_names();
    assert!(
        names.iter().any(|n| n == "Tuần tra theo đơn vị"),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "Chưa giao ban"),
        "empty tables have no sheet: {names:?}"
    );

    let patrols = book.worksheet_range("Tuần tra theo đơn vị").unwrap();
    assert_eq!(
        patrols.get((0, 0)),
        Some(&Data::String("Đơn vị chủ trì".into()))
    );
    let column_sum = |col: usize| -> f64 {
        patrols
            .rows()
            .skip(1)
            .map(|r| match &r[col] {
                Data::Float(f) => *f,
                other => panic!("not a number: {other:?}"),
            })
            .sum()
    };
    // Beside each unit's name, its administrative code and agency id.
    assert_eq!(
        patrols.get((0, 1)),
        Some(&Data::String("Mã hành chính".into()))
    );
    assert_eq!(
        patrols.get((0, 2)),
        Some(&Data::String("Mã định danh".into()))
    );
    assert_eq!(column_sum(3), 1178.0);
    assert_eq!(column_sum(4), 7511.0);
    assert_eq!(column_sum(5), 3019.0);

    let seized = book.worksheet_range("Tang vật").unwrap();
    let opium = seized
        .rows()
        .find(|r| r[0] == Data::String("Thuốc phiện".into()))
        .unwrap();
    assert_eq!(opium[1], Data::Float(0.43));
    assert_eq!(opium[2], Data::String("g".into()));

    // The header row is frozen.
    let sheet_xml = docx_part(&file, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains(r#"ySplit="1""#), "{sheet_xml}");

    // Comma-separated, double quotes, UTF-8 (76).
    let Some(csv) = libreoffice_convert(&file, "csv:Text - txt - csv (StarCalc):44,34,76", "csv")
    else {
        return;
    };
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(csv.contains("Nghị quyết"), "{csv}");
}

/// `--register` takes the issuer's next number for the document's year.
#[test]
fn the_register_numbers_documents_in_turn() {
    let data = demo();
    let number_of = |date: &str| {
        let file = data
            .path()
            .join(format!("bc-{}.docx", date.replace('/', "-")));
        let out = bin(data.path())
            .args([
                "report",
                "annual",
                "--year",
                "2023",
                "--format",
                "docx",
                "--register",
                "--date",
                date,
                "-o",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let xml = docx_part(&file, "word/document.xml");
        let at = xml.find("Số: ").unwrap();
        xml[at..at + 17].to_string()
    };
    assert_eq!(number_of("10/01/2024"), "Số: 01/BC-BĐBP");
    assert_eq!(number_of("11/01/2024"), "Số: 02/BC-BĐBP");
    assert_eq!(
        number_of("05/01/2025"),
        "Số: 01/BC-BĐBP",
        "a new year starts again"
    );
    // The Party committee keeps its own register: its first report of 2024
    // is its number 01, and the command's next state document is 03.
    let party = data.path().join("dang-uy.docx");
    stdout(
        bin(data.path())
            .args(["report", "annual", "--year", "2023", "--format", "docx"])
            .args([
                "--style",
                "party",
                "--register",
                "--date",
                "12/01/2024",
                "-o",
            ])
            .arg(&party),
    );
    let xml = docx_part(&party, "word/document.xml");
    assert!(xml.contains("Số 01-BC/ĐU"), "the Party's own register");
    assert!(xml.contains("ĐẢNG ỦY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG"));
    assert_eq!(number_of("13/01/2024"), "Số: 03/BC-BĐBP");
    // A number given by hand and --register exclude each other.
    bin(data.path())
        .args([
            "report",
            "annual",
            "--year",
            "2023",
            "--format",
            "docx",
            "--register",
            "--number",
            "3",
        ])
        .assert()
        .code(2);
}

/// Shortcomings and directions are what people wrote in the review
/// conference's record: changing the record changes the report.
#[test]
fn the_review_narrative_comes_from_the_conference_record() {
    let data = demo();
    let conferences = list_json(
        data.path(),
        &[
            "meeting",
            "--type",
            "HNTK",
            "--from",
            "15/12/2023",
            "--to",
            "14/06/2024",
        ],
    );
    let conference = conferences
        .iter()
        .find(|m| m["content"]["period_to"] == "2023-12-14")
        .expect("the demo records the 2023 review conference");
    let id = conference["id"].as_str().unwrap();
    bin(data.path())
        .args([
            "edit",
            "meeting",
            id,
            "--lessons",
            "Công tác tuyên truyền ở xã mới sáp nhập còn chậm.",
        ])
        .assert()
        .success();
    let report = annual_2023(data.path());
    assert!(
        report.contains(
            "## 8. Tồn tại, hạn chế\n\nCông tác tuyên truyền ở xã mới sáp nhập còn chậm."
        ),
        "{report}"
    );
    assert!(report.contains("## 9. Phương hướng, nhiệm vụ"));
}

#[test]
fn a_summary_s_tables_are_an_xlsx_with_both_years() {
    use calamine::{Data, Reader, Xlsx};
    let data = demo();
    let file = data.path().join("tomtat.xlsx");
    stdout(
        bin(data.path())
            .args([
                "report", "summary", "--period", "year", "--year", "2023", "--format", "xlsx", "-o",
            ])
            .arg(&file),
    );
    let mut book: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let patrols = book.worksheet_range("Tuần tra theo đơn vị").unwrap();
    let sum = |col: usize| -> f64 {
        patrols
            .rows()
            .skip(1)
            .map(|r| {
                if let Data::Float(f) = r[col] {
                    f
                } else {
                    panic!("{:?}", r[col])
                }
            })
            .sum()
    };
    // The unit's name, its administrative code and agency id, then figures.
    assert_eq!(patrols.get((0, 3)), Some(&Data::String("Số lần".into())));
    assert_eq!(sum(3), 1178.0, "this year");
    assert_eq!(sum(4), 1090.0, "the same period of 2022");
}

#[test]
fn a_briefing_report_is_written_submitted_frozen_and_listed() {
    let data = demo();
    let q = ["--year", "2024", "--quarter", "2"];
    let status = || stdout(bin(data.path()).args(["briefing", "status"]).args(q));
    let before = status();
    assert!(before.contains("46 đơn vị phải báo cáo"), "{before}");
    assert!(before.contains("quá hạn chưa gửi 46"), "{before}");

    stdout(
        bin(data.path())
            .args(["briefing", "write", "--unit", "BP-LUNGCU"])
            .args(q)
            .args(["--results", "Giữ vững chủ quyền, an ninh biên giới."]),
    );
    let draft = stdout(
        bin(data.path())
            .args(["briefing", "show", "--unit", "BP-LUNGCU"])
            .args(q),
    );
    assert!(draft.contains("Dự thảo"), "{draft}");
    assert!(draft.contains("Giữ vững chủ quyền"), "{draft}");
    let live = |md: &str| -> String {
        md.lines()
            .find(|l| l.starts_with("| Tuần tra, bảo vệ biên giới (lần)"))
            .unwrap_or_else(|| panic!("no patrol line in {md}"))
            .to_string()
    };
    let patrols_before = live(&draft);

    stdout(
        bin(data.path())
            .args(["briefing", "submit", "--unit", "BP-LUNGCU"])
            .args(q),
    );
    let after = status();
    assert!(after.contains("đã gửi 1 (trong đó gửi chậm 1)"), "{after}");
    assert!(after.contains("| BP-LUNGCU | Gửi chậm |"), "{after}");

    // A patrol entered later changes the records, not the submitted report.
    stdout(bin(data.path()).args([
        "add",
        "patrol",
        "--kind",
        "post_only",
        "--date",
        "01/04/2024",
        "--unit",
        "BP-LUNGCU",
        "--force",
        "BDBP=4",
    ]));
    let submitted = stdout(
        bin(data.path())
            .args(["briefing", "show", "--unit", "BP-LUNGCU"])
            .args(q),
    );
    assert_eq!(live(&submitted), patrols_before, "the figure is frozen");
    assert!(
        submitted.contains("Số liệu đã thay đổi sau khi gửi"),
        "{submitted}"
    );

    // Nothing changes a submitted report; the refusal names the field.
    let revisions = revision_count(data.path());
    let out = bin(data.path())
        .args(["briefing", "write", "--unit", "BP-LUNGCU"])
        .args(q)
        .args(["--results", "Sửa lại"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("báo cáo đã gửi"), "{err}");
    assert_eq!(revision_count(data.path()), revisions);
    bin(data.path())
        .args([
            "briefing",
            "show",
            "--unit",
            "BP-LUNGCU",
            "--quarter",
            "7",
            "--year",
            "2024",
        ])
        .assert()
        .code(2);
}

#[test]
fn a_summary_across_the_2025_reorganisation_compares_with_the_predecessors_year() {
    let data = demo();
    let patrols = |scope: &[&str]| -> (u64, u64) {
        let json = stdout(
            bin(data.path())
                .args(["report", "summary", "--period", "year", "--year", "2025"])
                .args(["--format", "json"])
                .args(scope),
        );
        let v: Value = serde_json::from_str(&json).unwrap();
        let count = &v["patrols"]["count"];
        (
            count["current"].as_u64().unwrap(),
            count["previous"].as_u64().unwrap(),
        )
    };
    let (whole, whole_2024) = patrols(&[]);
    assert!(whole_2024 > 0);
    // Tuyên Quang took over Hà Giang on 1 July 2025: its 2025 report is
    // compared with Hà Giang's 2024, not with nothing.
    assert_eq!(patrols(&["--scope", "TQ"]), (whole, whole_2024));
    // Hà Giang's scope ends on its last day, 30 June 2025 (issue 17): its
    // 2025 is the patrols dated up to then, against its whole 2024.
    let until_end = list_json(data.path(), &["patrol", "--year", "2025"])
        .iter()
        .filter(|r| r["content"]["date"].as_str().unwrap() <= "2025-06-30")
        .count() as u64;
    assert!(until_end < whole, "{until_end} < {whole}");
    assert_eq!(patrols(&["--scope", "HG"]), (until_end, whole_2024));
}

/// A small filesystem of its own (tmpfs), or `None` where this process may
/// not mount one (the test then says so and checks nothing).
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here");
            return None;
        }
        Some(Self(dir))
    }

    fn fill(&self) {
        let _ = std::process::Command::new("dd")
            .args(["if=/dev/zero", "bs=4096"])
            .arg(format!("of={}", self.0.path().join("filler").display()))
            .output();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

/// A full disk: the write that meets it says so, and every later command
/// says so at once (no 30 s wait ending in "pool timed out").
#[test]
fn a_full_disk_is_named_at_once_and_nothing_hangs() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let data = disk.0.path().join("data");
    let out = bin(&data).args(["--lang", "en", "demo"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disk holding the store is full"), "{err}");
    disk.fill();
    for (data, args) in [
        (disk.0.path().join("new"), ["--lang", "en", "user", "list"]),
        (data.clone(), ["--lang", "en", "user", "list"]),
    ] {
        let started = std::time::Instant::now();
        let out = bin(&data).args(args).output().unwrap();
        let took = started.elapsed();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(took < std::time::Duration::from_secs(10), "{took:?}: {err}");
        if !out.status.success() {
            assert!(err.contains("full"), "{err}");
            assert!(!err.contains("pool timed out"), "{err}");
        }
    }
}

/// The id a successful `add` prints (`Added patrol ID …` in English).
fn added_id(out: &str) -> String {
    out.lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap()
        .to_string()
}

#[test]
fn typed_numbers_are_read_the_vietnamese_way_and_echoed() {
    let data = demo();
    let post = a_verified_post(data.path());
    // 1.200,5 bánh of heroin is far above the usual: the write is confirmed,
    // as a user confirms it (the plausibility check's own test asks first).
    let out = stdout(bin(data.path()).args([
        "--lang",
        "en",
        "add",
        "--confirm",
        "case",
        "--date",
        "05/03/2024",
        "--unit",
        &post,
        "--case-type",
        "MATUY",
        "--subjects",
        "1",
        "--seizure",
        "THUOCPHIEN=1.200",
        "--seizure",
        "HEROIN=1.200,5",
        "--seizure",
        "XEMAY=0,43",
        "--seizure",
        "TIEN=12.500.000",
    ]));
    // Only the one that could be read two ways is echoed.
    assert!(
        out.contains("seizures[0].quantity: \"1.200\" was read as 1200"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let id = added_id(&out);
    let shown: Value =
        serde_json::from_str(&stdout(bin(data.path()).args(["show", "case", &id]))).unwrap();
    let quantities: Vec<&str> = shown["content"]["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["quantity"].as_str().unwrap())
        .collect();
    assert_eq!(quantities, ["1200", "1200.5", "0.43", "12500000"]);
    // The machine form of JSON is never read by the human rule.
    let out = bin(data.path())
        .args(["add", "programme", "--json", "-"])
        .write_stdin(format!(
            r#"{{"programme":"NBETT","sponsor_unit":"{post}","beneficiary_kind":"child","start":"2024-01-01","monthly_amount":"500.000"}}"#
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("monthly_amount"));
}

#[test]
fn zero_persons_is_no_entry_and_zero_seized_is_refused() {
    let data = demo();
    let post = a_verified_post(data.path());
    let out = stdout(bin(data.path()).args([
        "--lang",
        "en",
        "add",
        "patrol",
        "--kind",
        "joint",
        "--date",
        "05/03/2024",
        "--unit",
        &post,
        "--force",
        "BDBP=6",
        "--force",
        "DQ=0",
    ]));
    let shown: Value = serde_json::from_str(&stdout(bin(data.path()).args([
        "show",
        "patrol",
        &added_id(&out),
    ])))
    .unwrap();
    assert_eq!(
        shown["content"]["participants"],
        serde_json::json!([{"force": "BDBP", "persons": 6}])
    );
    let before = revision_count(data.path());
    let out = bin(data.path())
        .args([
            "add",
            "case",
            "--date",
            "05/03/2024",
            "--unit",
            &post,
            "--case-type",
            "MATUY",
            "--subjects",
            "1",
            "--seizure",
            "THUOCPHIEN=0",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--seizure #1"), "{err}");
    assert_eq!(revision_count(data.path()), before);
}

#[test]
fn future_dates_and_implausible_figures_are_refused() {
    let data = demo();
    let post = a_verified_post(data.path());
    let before = revision_count(data.path());
    let today = jiff::Timestamp::now()
        .in_tz("Asia/Ho_Chi_Minh")
        .unwrap()
        .date();
    let day = bienphong_domain::format::date;
    let patrol = |date: &str, force: &str| {
        bin(data.path())
            .args([
                "add", "patrol", "--kind", "joint", "--date", date, "--unit", &post, "--force",
                force,
            ])
            .output()
            .unwrap()
    };
    let in_three_days = day(today.checked_add(jiff::Span::new().days(3)).unwrap());
    let out = patrol(&in_three_days, "BDBP=5");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("date") && err.contains("tương lai"), "{err}");
    let out = patrol(&day(today), "BDBP=4.294.967.295");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--force #1"), "{err}");
    assert_eq!(revision_count(data.path()), before);
    // Tomorrow is within the tolerance for time zones; a plan may be later.
    let tomorrow = day(today.checked_add(jiff::Span::new().days(1)).unwrap());
    assert!(patrol(&tomorrow, "BDBP=5").status.success());
    bin(data.path())
        .args([
            "add",
            "disaster",
            "--kind",
            "plan",
            "--date",
            &in_three_days,
            "--unit",
            &post,
            "--title",
            "Phương án",
        ])
        .assert()
        .success();
}

#[test]
fn a_read_only_command_on_a_directory_without_a_store_creates_nothing() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("khong-co");
    for args in [
        vec!["report", "annual", "--year", "2023"],
        vec!["list", "patrol"],
        vec!["export", "patrol", "-o", "x.xlsx"],
    ] {
        let out = bin(&missing).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("không có kho dữ liệu"), "{err}");
        assert!(!missing.exists(), "{args:?} created the directory");
    }
    let out = bin(empty.path()).args(["list", "patrol"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

/// A bad year or cut-off is refused with the domain's message, the one the
/// pages and the API give (crates/web/tests/api.rs), in the chosen
/// language, and nothing runs.
#[test]
fn a_bad_year_or_cutoff_is_refused_as_pages_and_api_refuse_it() {
    let data = tempfile::tempdir().unwrap();
    for (args, vi, en) in [
        (
            vec!["report", "annual", "--year", "abcd"],
            "Lỗi: year: giá trị \"abcd\" không hợp lệ; chọn một trong: 1900–2200",
            "Error: year: unknown value \"abcd\"; expected one of 1900–2200",
        ),
        (
            vec!["report", "annual", "--year", "1899"],
            "Lỗi: year: giá trị \"1899\" không hợp lệ; chọn một trong: 1900–2200",
            "Error: year: unknown value \"1899\"; expected one of 1900–2200",
        ),
        (
            vec!["report", "summary", "--period", "year", "--year", "2201"],
            "Lỗi: year: giá trị \"2201\" không hợp lệ; chọn một trong: 1900–2200",
            "Error: year: unknown value \"2201\"; expected one of 1900–2200",
        ),
        (
            vec!["report", "annual", "--year", "2023", "--cutoff", "lunar"],
            "Lỗi: cutoff: giá trị \"lunar\" không hợp lệ; chọn một trong: decree09, calendar",
            "Error: cutoff: unknown value \"lunar\"; expected one of decree09, calendar",
        ),
    ] {
        let out = bin(data.path())
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim(), vi, "{args:?}");
        let out = bin(data.path())
            .args(["--lang", "en"])
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim(), en, "{args:?}");
    }
    // Refused before the store is opened: nothing was created.
    assert!(!data.path().join("bienphong.sqlite").exists());
}

/// The newest revision in the store and the audit entries of its record.
fn last_revision_and_audit(
    data: &Path,
) -> (bienphong_domain::Revision, Vec<bienphong_store::AuditEntry>) {
    use bienphong_store::{AccountStore as _, Store as _};
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bienphong_store::SqlStore::open_sqlite(&data.join("bienphong.sqlite"))
            .await
            .unwrap();
        let last = store.revisions().await.unwrap().pop().unwrap();
        let audit = store
            .audit(&bienphong_store::AuditFilter {
                record_id: Some(last.record_id.to_string()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        store.close().await;
        (last, audit)
    })
}

/// A CLI write is by the operating-system account, always; a name typed
/// with `--user` is kept beside it as claimed, shown so in `history`, and
/// the write is in the audit log like a web write.
#[test]
fn a_cli_write_records_the_os_account_and_a_typed_name_as_claimed() {
    let data = demo();
    let post = a_verified_post(data.path());
    let add = |user: Option<&str>| {
        let mut c = bin(data.path());
        c.env("USER", "nam")
            .env_remove("LOGNAME")
            .env_remove("USERNAME")
            .env_remove("BIENPHONG_USER");
        if let Some(u) = user {
            c.args(["--user", u]);
        }
        c.args(["add", "patrol", "--kind", "joint", "--date", "05/03/2023"])
            .args(["--unit", &post, "--force", "BDBP=5"]);
        c.assert().success();
        last_revision_and_audit(data.path())
    };
    let (typed, audit) = add(Some("Nguyễn Văn Nam"));
    assert_eq!(typed.author, "os:nam; claimed: Nguyễn Văn Nam");
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].actor, "os:nam");
    assert_eq!(audit[0].action, "create");
    assert_eq!(audit[0].outcome, "allowed");
    assert_eq!(audit[0].record_type.as_deref(), Some("patrol"));
    assert_eq!(audit[0].unit.as_deref(), Some(post.as_str()));
    assert_eq!(
        audit[0].detail,
        format!("{} (claimed: Nguyễn Văn Nam)", typed.id)
    );
    let history =
        stdout(bin(data.path()).args(["history", "patrol", &typed.record_id.to_string()]));
    assert!(
        history.contains("nam (tự khai: Nguyễn Văn Nam)"),
        "{history}"
    );
    let (plain, audit) = add(None);
    assert_eq!(plain.author, "os:nam");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "os:nam");
    let history =
        stdout(bin(data.path()).args(["history", "patrol", &plain.record_id.to_string()]));
    assert!(history.contains("  nam  "), "{history}");
    assert!(!history.contains("tự khai"), "{history}");
    // An edit is audited too, and the fixed name "bienphong" is no author.
    bin(data.path())
        .env("USER", "nam")
        .args(["edit", "patrol", &plain.record_id.to_string()])
        .args(["--force", "BDBP=6"])
        .assert()
        .success();
    let (edit, audit) = last_revision_and_audit(data.path());
    assert_eq!(edit.author, "os:nam");
    assert!(audit.iter().any(|e| e.action == "update"), "{audit:?}");
}

/// The records `list TYPE ARGS` shows, by id.
fn ids(data: &Path, args: &[&str]) -> Vec<String> {
    list_json(data, args)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_unit_is_found_by_its_administrative_code_while_in_force() {
    let data = demo();
    // The demo's Hà Giang carries 02 until 30/6/2025, when it ended.
    let by_code = ids(data.path(), &["patrol", "--year", "2024", "--unit", "02"]);
    assert!(!by_code.is_empty());
    assert_eq!(
        by_code,
        ids(data.path(), &["patrol", "--year", "2024", "--unit", "HG"])
    );
    let late = common::run(bin(data.path()).args([
        "--lang",
        "en",
        "list",
        "patrol",
        "--from",
        "01/01/2026",
        "--to",
        "31/03/2026",
        "--unit",
        "02",
    ]));
    assert_eq!(late.code, 2, "{}", late.stderr);
    assert!(late.stderr.contains("unknown unit"), "{}", late.stderr);
    // Tuyên Quang holds 08 from 1/7/2025.
    let tq = ids(
        data.path(),
        &[
            "patrol",
            "--from",
            "01/07/2025",
            "--to",
            "31/12/2025",
            "--unit",
            "08",
        ],
    );
    assert_eq!(
        tq,
        ids(
            data.path(),
            &[
                "patrol",
                "--from",
                "01/07/2025",
                "--to",
                "31/12/2025",
                "--unit",
                "TQ"
            ]
        )
    );
    assert!(!tq.is_empty());
}

#[test]
fn a_codes_file_is_imported_and_its_units_found_by_code() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("codes.csv");
    // Illustrative codes: test data, not the official list.
    std::fs::write(
        &file,
        "unit,admin_code,valid_from,valid_to,agency_id\n\
         BP-LUNGCU,,,,H02.39.01\n\
         XA-LUNGCU,90001,,30/06/2025,\n\
         XA-LUNGCU,90002,01/07/2025,,\n",
    )
    .unwrap();
    let before = common::revision_count(data.path());
    let dry = stdout(
        bin(data.path())
            .args(["--lang", "en", "org", "codes", "import"])
            .arg(&file)
            .arg("--dry-run"),
    );
    assert!(
        dry.contains("XA-LUNGCU\t90001 (–30/06/2025), 90002 (01/07/2025–)"),
        "{dry}"
    );
    assert_eq!(common::revision_count(data.path()), before);
    let out = stdout(
        bin(data.path())
            .args(["--lang", "en", "org", "codes", "import"])
            .arg(&file),
    );
    assert!(out.contains("Wrote the codes of 2 units"), "{out}");
    // One new revision per unit; the old ones stay in the history.
    assert_eq!(common::revision_count(data.path()), before + 2);

    let post = ids(
        data.path(),
        &["patrol", "--year", "2024", "--unit", "BP-LUNGCU"],
    );
    assert!(!post.is_empty());
    assert_eq!(
        ids(
            data.path(),
            &["patrol", "--year", "2024", "--unit", "H02.39.01"]
        ),
        post
    );
    // The commune's old code names it in 2024; in 2026 only the new one does.
    let units = list_json(data.path(), &["unit"]);
    let xa = units
        .iter()
        .find(|u| u["content"]["code"] == "XA-LUNGCU")
        .unwrap();
    assert_eq!(xa["content"]["admin_codes"][0]["code"], "90001");
    assert_eq!(xa["content"]["admin_codes"][0]["valid_to"], "2025-06-30");
    assert_eq!(xa["content"]["admin_codes"][1]["valid_from"], "2025-07-01");
    let bp = units
        .iter()
        .find(|u| u["content"]["code"] == "BP-LUNGCU")
        .unwrap();
    assert_eq!(bp["content"]["agency_id"], "H02.39.01");
    let old_2024 =
        common::run(bin(data.path()).args(["list", "case", "--year", "2024", "--unit", "90001"]));
    assert_eq!(old_2024.code, 0, "{}", old_2024.stderr);
    let old_2026 = common::run(bin(data.path()).args([
        "list",
        "case",
        "--from",
        "01/01/2026",
        "--to",
        "31/03/2026",
        "--unit",
        "90001",
    ]));
    assert_eq!(old_2026.code, 2, "{}", old_2026.stderr);
    let new_2026 = common::run(bin(data.path()).args([
        "list",
        "case",
        "--from",
        "01/01/2026",
        "--to",
        "31/03/2026",
        "--unit",
        "90002",
    ]));
    assert_eq!(new_2026.code, 0, "{}", new_2026.stderr);
}

#[test]
fn an_invalid_codes_file_is_refused_whole_with_every_problem_named() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("codes.csv");
    std::fs::write(
        &file,
        "unit,admin_code,valid_from,valid_to,agency_id\n\
         BP-LUNGCU,,,,H02.39.01\n\
         KHONGCO,90009,,,\n\
         XA-LUNGCU,90001,,30/06/2025,\n\
         XA-LUNGCU,90002,01/06/2025,,\n\
         BP-XINMAN,,31/02/2024,,\n\
         HG,08,,,\n",
    )
    .unwrap();
    let before = common::revision_count(data.path());
    let r = common::run(
        bin(data.path())
            .args(["--lang", "en", "org", "codes", "import"])
            .arg(&file),
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    for expected in [
        "3:unit: unknown unit \"KHONGCO\"",
        "6:valid_from: not a valid date \"31/02/2024\"",
        "XA-LUNGCU.admin_codes[1]: administrative code \"90002\" is in force on the same days as \"90001\"",
        "administrative code \"08\" is held by unit",
    ] {
        assert!(
            r.stdout.contains(expected),
            "{expected} not in:\n{}",
            r.stdout
        );
    }
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert_eq!(common::revision_count(data.path()), before);
    let units = list_json(data.path(), &["unit"]);
    let bp = units
        .iter()
        .find(|u| u["content"]["code"] == "BP-LUNGCU")
        .unwrap();
    assert_ne!(bp["content"]["agency_id"], "H02.39.01", "nothing written");
}

/// A value confirmed once is not asked about again when another field of
/// the record is edited; the unusual value changed is asked about again.
#[test]
fn a_confirmed_value_stays_confirmed_when_another_field_is_edited() {
    let data = demo();
    let post = a_verified_post(data.path());
    let added = stdout(
        bin(data.path())
            .args(["add", "patrol", "--kind", "joint", "--date", "05/03/2024"])
            .args(["--unit", &post, "--force", "BDBP=250", "--confirm"]),
    );
    let id = added
        .split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no record id in {added}"))
        .to_string();
    let revisions = revision_count(data.path());
    stdout(bin(data.path()).args(["edit", "patrol", &id, "--notes", "Bổ sung ghi chú"]));
    assert_eq!(revision_count(data.path()), revisions + 1);
    let shown: Value =
        serde_json::from_str(&stdout(bin(data.path()).args(["show", "patrol", &id]))).unwrap();
    assert_eq!(shown["content"]["notes"], "Bổ sung ghi chú");
    assert_eq!(shown["content"]["participants"][0]["persons"], 250);
    // A force added before it (its row moves) asks nothing about it.
    stdout(
        bin(data.path())
            .args(["edit", "patrol", &id])
            .args(["--force", "DQ=3", "--force", "BDBP=250"]),
    );
    assert_eq!(revision_count(data.path()), revisions + 2);
    // The unusual value itself changed is asked about again.
    let out = common::run(bin(data.path()).args(["edit", "patrol", &id, "--force", "BDBP=260"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("260 người"), "{}", out.stderr);
    assert_eq!(revision_count(data.path()), revisions + 2);
}

/// `list` on the store `data` (or the database `db` names).
fn list_on(data: &Path, db: &[&str], args: &[&str]) -> Vec<Value> {
    stdout(bin(data).args(db).arg("list").args(args).arg("--json"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A seizure far above what its unit has recorded before of the same item
/// (more than ten times the largest of at least five) is asked about.
fn a_seizure_far_above_the_units_history_is_asked_about_on(data: &Path, db: &[&str]) {
    let post = list_on(data, db, &["unit"])
        .into_iter()
        .find(|u| u["content"]["kind"] == "border_post" && u["content"]["verified"] != false)
        .unwrap()["content"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let cash = || -> Vec<u64> {
        list_on(data, db, &["case"])
            .into_iter()
            .filter(|c| c["content"]["handling_unit"] == post.as_str())
            .flat_map(|c| {
                c["content"]["seizures"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|s| s["item"] == "TIEN")
            .map(|s| {
                let q = s["quantity"].as_str().unwrap();
                q.split('.').next().unwrap().parse::<u64>().unwrap() + u64::from(q.contains('.'))
            })
            .collect()
    };
    let add = |quantity: u64, confirm: bool| {
        let mut c = bin(data);
        c.args(db)
            .args(["add", "case", "--date", "05/03/2024", "--unit", &post])
            .args(["--case-type", "MBN", "--subjects", "1"])
            .args(["--seizure", &format!("TIEN={quantity}")]);
        if confirm {
            c.arg("--confirm");
        }
        common::run(&mut c)
    };
    for _ in 0..5 {
        let out = add(100_000, false);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let largest = cash().into_iter().max().unwrap();
    let far = largest * 10;
    let before = cash().len();
    let out = add(far + 1, false);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("seizures[0].quantity: tang vật")
            && out
                .stderr
                .contains("mười lần mức lớn nhất đơn vị từng thu giữ")
            && out.stderr.contains("--confirm"),
        "{}",
        out.stderr
    );
    assert_eq!(cash().len(), before, "nothing was written");
    // At ten times the largest nothing is asked.
    let out = add(far, false);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Confirmed, a seizure far above it is written.
    let out = add(far * 10 + 1, true);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(cash().len(), before + 2);
    assert_eq!(cash().into_iter().max(), Some(far * 10 + 1));
}

#[test]
fn a_seizure_far_above_the_units_history_is_asked_about_on_sqlite() {
    let data = demo();
    a_seizure_far_above_the_units_history_is_asked_about_on(data.path(), &[]);
}

#[test]
fn a_seizure_far_above_the_units_history_is_asked_about_on_postgres() {
    let Some(pg) = PgDb::create() else { return };
    let data = tempfile::tempdir().unwrap();
    stdout(bin(data.path()).args(["--database", &pg.url, "demo"]));
    a_seizure_far_above_the_units_history_is_asked_about_on(data.path(), &["--database", &pg.url]);
}

/// Personal data read from the CLI is audited as the web audits it: a
/// list once with how many were shown, a record shown or its history by
/// its id, each by the operating-system account.
#[test]
fn a_restricted_read_from_the_cli_is_audited() {
    let data = demo();
    assert!(audit_of(data.path(), "restricted.read").is_empty());
    let listed = stdout(
        bin(data.path())
            .env("USER", "nam")
            .env_remove("BIENPHONG_USER")
            .args(["list", "case_subjects", "--restricted", "--json"]),
    );
    let shown = listed.lines().count();
    assert!(shown > 0);
    let audit = audit_of(data.path(), "restricted.read");
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].actor, "os:nam");
    assert_eq!(audit[0].outcome, "allowed");
    assert_eq!(audit[0].record_type.as_deref(), Some("case_subjects"));
    assert_eq!(audit[0].record_id, None);
    // The audit names the records seen, not only how many.
    let ids: Vec<String> = listed
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        audit[0].detail,
        format!("{shown} records listed: {}", ids.join(", "))
    );

    let first: Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap();
    stdout(
        bin(data.path())
            .env("USER", "nam")
            .env_remove("BIENPHONG_USER")
            .args(["--user", "Nguyễn Văn Nam"])
            .args(["show", "case_subjects", id, "--restricted"]),
    );
    let audit = audit_of(data.path(), "restricted.read");
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0].actor, "os:nam");
    assert_eq!(audit[0].record_id.as_deref(), Some(id));
    assert_eq!(audit[0].detail, "(claimed: Nguyễn Văn Nam)");
    stdout(bin(data.path()).args(["history", "case_subjects", id, "--restricted"]));
    let audit = audit_of(data.path(), "restricted.read");
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert_eq!(audit[0].record_id.as_deref(), Some(id));
    // Without --restricted nothing is shown, and nothing is audited.
    let out = common::run(bin(data.path()).args(["show", "case_subjects", id]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(audit_of(data.path(), "restricted.read").len(), 3);
    // An ordinary record shown is no restricted read.
    let patrol = list_json(data.path(), &["patrol", "--limit", "1"]);
    stdout(bin(data.path()).args(["show", "patrol", patrol[0]["id"].as_str().unwrap()]));
    assert_eq!(audit_of(data.path(), "restricted.read").len(), 3);
}

/// Briefing reports written and submitted from the CLI are audited, each
/// entry naming the report's record.
#[test]
fn briefing_writes_from_the_cli_are_audited() {
    let data = demo();
    let q = ["--year", "2024", "--quarter", "2"];
    let write = |results: &str| {
        stdout(
            bin(data.path())
                .env("USER", "nam")
                .env_remove("BIENPHONG_USER")
                .args(["briefing", "write", "--unit", "BP-LUNGCU"])
                .args(q)
                .args(["--results", results]),
        )
    };
    write("Giữ vững chủ quyền, an ninh biên giới.");
    let created = audit_of(data.path(), "create");
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0].record_type.as_deref(), Some("briefing_report"));
    assert_eq!(created[0].actor, "os:nam");
    assert_eq!(created[0].unit.as_deref(), Some("BP-LUNGCU"));
    let record = created[0].record_id.clone().unwrap();
    write("Sửa lại");
    // Written again unchanged: nothing written, nothing audited.
    write("Sửa lại");
    let updated = audit_of(data.path(), "update");
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0].record_id.as_deref(), Some(record.as_str()));
    stdout(
        bin(data.path())
            .args(["briefing", "submit", "--unit", "BP-LUNGCU"])
            .args(q),
    );
    let submitted = audit_of(data.path(), "submit");
    assert_eq!(submitted.len(), 1, "{submitted:?}");
    assert_eq!(submitted[0].record_id.as_deref(), Some(record.as_str()));
    assert_eq!(submitted[0].record_type.as_deref(), Some("briefing_report"));
}

/// The list filter "Phân loại" (`--type`) takes a code or a label, with
/// or without diacritics, as the web's does.
#[test]
fn the_category_filter_takes_labels_with_or_without_diacritics() {
    let data = demo();
    let ids_of = |category: &str| ids(data.path(), &["case", "--year", "2023", "--type", category]);
    let by_code = ids_of("MATUY");
    assert!(!by_code.is_empty());
    assert_eq!(ids_of("Ma túy"), by_code);
    assert_eq!(ids_of("ma tuy"), by_code);
    assert_eq!(ids_of("matuy"), by_code);
    assert!(ids_of("không có loại này").is_empty());
}

/// `BIENPHONG_NOW` fixes the process's "now" (the report test in
/// `serve.rs` shows it dating documents); a value that is no time is
/// refused before anything runs, in the chosen language.
#[test]
fn the_clock_is_injected_with_bienphong_now() {
    let data = tempfile::tempdir().unwrap();
    for (lang, says) in [("vi", "không phải là thời điểm"), ("en", "is not a time")] {
        let out = bin(data.path())
            .env("BIENPHONG_NOW", "hôm qua")
            .args(["--lang", lang, "list", "patrol"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("BIENPHONG_NOW") && err.contains(says), "{err}");
    }
    assert!(!data.path().join("bienphong.sqlite").exists());
}

/// `token list` shows who owns each token, its node, its expiry and
/// whether it still works; `token revoke ID` ends one (audited), and an
/// id that names no live token is said to be unknown, exit 3.
#[test]
fn tokens_are_listed_and_revoked_by_id_from_the_command_line() {
    let demo = demo();
    let d = demo.path();
    let made = stdout(bin(d).args([
        "token",
        "create",
        "--node",
        "--unit",
        "BP-LUNGCU",
        "--expires-in-days",
        "30",
    ]));
    assert!(made.lines().last().unwrap().starts_with("bpt_"), "{made}");
    let listed: Value =
        serde_json::from_str(&stdout(bin(d).args(["token", "list", "--json"]))).unwrap();
    let token = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit"] == "BP-LUNGCU")
        .unwrap()
        .clone();
    assert!(
        token["owner"].is_null(),
        "a node's token has no owner: {token}"
    );
    let (created, expires) = (
        token["created_ms"].as_i64().unwrap(),
        token["expires_ms"].as_i64().unwrap(),
    );
    assert_eq!(expires - created, 30 * 86_400_000, "{token}");
    let id = token["id"].as_str().unwrap();
    let text = stdout(bin(d).args(["token", "list"]));
    assert!(text.contains(id) && text.contains("còn hiệu lực"), "{text}");

    // An administrator narrows what the token may do; a unit that does not
    // exist changes nothing.
    let granted = stdout(bin(d).args([
        "token",
        "grant",
        id,
        "--unit",
        "BP-THANHTHUY",
        "--restricted",
        "false",
    ]));
    assert!(granted.contains("BP-THANHTHUY"), "{granted}");
    let listed: Value =
        serde_json::from_str(&stdout(bin(d).args(["token", "list", "--json"]))).unwrap();
    let now = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(
        (&now["unit"], &now["restricted"]),
        (&Value::from("BP-THANHTHUY"), &Value::from(false))
    );
    let unknown = bin(d)
        .args(["token", "grant", id, "--unit", "KHONGCO"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(audit_of(d, "token.grant").len(), 1);
    let out = stdout(bin(d).args(["token", "revoke", id]));
    assert!(out.contains(id), "{out}");
    let text = stdout(bin(d).args(["token", "list"]));
    assert!(text.contains("đã thu hồi"), "{text}");
    assert_eq!(audit_of(d, "token.revoke").len(), 1);

    let again = bin(d).args(["token", "revoke", id]).output().unwrap();
    assert_eq!(again.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&again.stderr).contains(id));
    // A life of 0 days is refused by clap's range, naming the flag.
    let zero = bin(d)
        .args([
            "token",
            "create",
            "--node",
            "--unit",
            "BP-LUNGCU",
            "--expires-in-days",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--expires-in-days"));
}

/// `doctor` on a sound installation says so and exits 0; a broken
/// configuration file gets every broken setting named — a bad address, a
/// bad proxy, a misspelt setting, a line that is no setting, a data
/// directory that does not exist — and exit 2, nothing created.
#[test]
fn doctor_names_a_broken_configuration() {
    let demo = demo();
    let d = demo.path();
    let config = d.join("bienphong.env");
    std::fs::write(
        &config,
        format!(
            "# bienphong\nBIENPHONG_DATA={}\nBIENPHONG_LISTEN=127.0.0.1:8080\n\
             BIENPHONG_CACHE_MB=32\nBIENPHONG_POOL_SIZE=8\n",
            d.display()
        ),
    )
    .unwrap();
    let sound = bin(d)
        .args(["doctor", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&sound.stdout).to_string();
    assert_eq!(sound.status.code(), Some(0), "{text}");
    assert!(
        text.contains("✔ store") && text.contains("✔ data"),
        "{text}"
    );

    let missing = d.join("khong-co");
    std::fs::write(
        &config,
        format!(
            "BIENPHONG_DATA={}\nBIENPHONG_LISTEN=khong-phai-dia-chi\nBIENPHONG_TRUSTED_PROXIES=10.0.0.0/8,abc\n\
             garbage\nBIENPHONG_SYNC_EVRY=5m\nBIENPHONG_CACHE_MB=0\nBIENPHONG_POOL_SIZE=nhieu\n",
            missing.display()
        ),
    )
    .unwrap();
    let broken = bin(d)
        .args(["doctor", "--json", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let failed: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["health"] != "ok")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    let said = |needle: &str| failed.iter().any(|m| m.contains(needle));
    assert!(said("BIENPHONG_LISTEN"), "{failed:?}");
    assert!(said("\"abc\""), "{failed:?}");
    assert!(said("BIENPHONG_SYNC_EVRY"), "{failed:?}");
    assert!(said("dòng 4"), "{failed:?}");
    // The pool's settings are read as `serve --cache-mb`/`--pool-size` read
    // them: a cache of nothing and a size that is no number are refused.
    assert!(said("BIENPHONG_CACHE_MB"), "{failed:?}");
    assert!(said("\"nhieu\""), "{failed:?}");
    assert!(said(&missing.display().to_string()), "{failed:?}");
    assert!(!missing.exists(), "doctor creates nothing");
}

/// A store written by an earlier program (schema 12, committed as a
/// fixture with its patrols as that program listed them) is upgraded on
/// first use: a copy as it was is kept in `backups/` first, the migrations
/// run, and its records, accounts, tokens and audit log read the same
/// afterwards, with the audit log going on.
#[test]
fn a_store_of_schema_12_is_copied_then_upgraded_and_reads_the_same() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        fixtures.join("store-schema-12.sqlite"),
        d.join("bienphong.sqlite"),
    )
    .unwrap();
    let checked = stdout(bin(d).args(["store", "check"]));
    assert!(checked.contains("toàn vẹn"), "{checked}");
    let copies: Vec<String> = std::fs::read_dir(d.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].starts_with("before-schema-12-to-"), "{copies:?}");
    let before: Vec<Value> =
        std::fs::read_to_string(fixtures.join("store-schema-12.patrols.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(list_json(d, &["patrol"]), before);
    // Opened again: already current, no second copy.
    stdout(bin(d).args(["store", "check"]));
    assert_eq!(std::fs::read_dir(d.join("backups")).unwrap().count(), 1);

    let tokens: Value =
        serde_json::from_str(&stdout(bin(d).args(["token", "list", "--json"]))).unwrap();
    let token = &tokens["items"][0];
    assert_eq!(token["unit"], "S001-BP01", "{tokens}");
    assert!(
        token["revoked_ms"].is_null() && token["last_used_ms"].is_null(),
        "{tokens}"
    );
    assert_eq!(audit_of(d, "user.create").len(), 1);
    let id = token["id"].as_str().unwrap();
    stdout(bin(d).args(["token", "revoke", id]));
    assert_eq!(
        audit_of(d, "token.revoke").len(),
        1,
        "the audit log goes on"
    );
}

/// The records of a CSV (byte-order mark, commas, double quotes, line
/// breaks inside quotes).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(std::mem::take(&mut cell)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// LibreOffice's XLSX of a UTF-8 CSV (comma, double quotes); `None` where
/// LibreOffice is not installed.
fn xlsx_of_csv(csv: &Path) -> Option<PathBuf> {
    let soffice = common::libreoffice()?;
    let dir = csv.parent().unwrap();
    let target = csv.with_extension("xlsx");
    let mut stderr = String::new();
    for _ in 0..3 {
        let out = std::process::Command::new(&soffice)
            .args([
                "--headless",
                "--infilter=CSV:44,34,76,1",
                "--convert-to",
                "xlsx",
                "--outdir",
            ])
            .arg(dir)
            .arg(csv)
            .env("HOME", dir)
            .output()
            .unwrap();
        stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        if target.exists() {
            return Some(target);
        }
    }
    panic!("LibreOffice wrote no XLSX from {}: {stderr}", csv.display());
}

/// An official list in the layout of the General Statistics Office (code,
/// name, level, code of the unit above; Vietnamese headers), as CSV and as
/// the XLSX LibreOffice writes from it (which takes the codes for numbers
/// and drops their zeros): units matched by name under the unit above, a
/// commune the organisation does not have passed over and named, written
/// as one revision; the unit then named by its new code and agency id, and
/// its codes shown beside it in exports and in the report's tables.
#[test]
fn an_official_list_in_the_statistics_office_layout_is_imported_from_csv_and_xlsx() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danhmuc.csv");
    // Illustrative codes: test data, not the official list.
    std::fs::write(
        &file,
        "Mã,Tên,Cấp,Mã cấp trên,Hiệu lực đến,Mã định danh\n\
         02,Tỉnh Hà Giang,Tỉnh,,30/06/2025,\n\
         026,Huyện Đồng Văn,Huyện,02,30/06/2025,\n\
         07701,Xã Lũng Cú,Xã,026,30/06/2025,000.77.01.H02\n\
         07702,Xã Lũng Thầu,Xã,026,30/06/2025,\n",
    )
    .unwrap();
    let before = common::revision_count(data.path());
    let dry = stdout(
        bin(data.path())
            .args(["--lang", "en", "org", "codes", "import"])
            .arg(&file)
            .arg("--dry-run"),
    );
    assert!(
        dry.contains("XA-LUNGCU\t07701 (–30/06/2025)\t000.77.01.H02"),
        "{dry}"
    );
    assert!(dry.contains("5: Xã Lũng Thầu"), "{dry}");
    assert!(
        !dry.contains("H-DONGVAN\t"),
        "its code is already 026: {dry}"
    );
    assert_eq!(common::revision_count(data.path()), before);

    let Some(xlsx) = xlsx_of_csv(&file) else {
        return;
    };
    let out = stdout(
        bin(data.path())
            .args(["--lang", "en", "org", "codes", "import"])
            .arg(&xlsx),
    );
    assert!(
        out.contains("XA-LUNGCU\t07701 (–30/06/2025)\t000.77.01.H02"),
        "the zeros LibreOffice dropped are back: {out}"
    );
    assert!(out.contains("Wrote the codes of 1 units"), "{out}");
    assert_eq!(common::revision_count(data.path()), before + 1);

    // The commune is named by its code (in force in 2024) and its agency id.
    let scope = |s: &str| -> Value {
        serde_json::from_str(&stdout(bin(data.path()).args([
            "report", "annual", "--year", "2024", "--scope", s, "--format", "json",
        ])))
        .unwrap()
    };
    let by_own = scope("XA-LUNGCU");
    assert_eq!(by_own["scope"]["admin_code"], "07701");
    assert_eq!(by_own["scope"]["agency_id"], "000.77.01.H02");
    assert_eq!(scope("07701"), by_own);
    assert_eq!(scope("000.77.01.H02"), by_own);

    // Codes beside the unit in a list export and in the report's tables.
    let units = list_json(data.path(), &["unit"]);
    let agency = |code: &str| {
        units
            .iter()
            .find(|u| u["content"]["code"] == code)
            .and_then(|u| u["content"]["agency_id"].as_str())
            .unwrap()
            .to_string()
    };
    let lung_cu = agency("BP-LUNGCU");
    let export = dir.path().join("tuantra.csv");
    stdout(
        bin(data.path())
            .args([
                "export",
                "patrol",
                "--year",
                "2024",
                "--unit",
                "BP-LUNGCU",
                "--format",
                "csv",
                "-o",
            ])
            .arg(&export),
    );
    let rows = csv_records(&std::fs::read_to_string(&export).unwrap());
    let at = rows[0]
        .iter()
        .position(|h| h == "Đơn vị chủ trì (mã hành chính / mã định danh)")
        .unwrap_or_else(|| panic!("{:?}", rows[0]));
    let cells: Vec<&String> = rows[1..].iter().map(|r| &r[at]).collect();
    assert!(!cells.is_empty());
    assert!(cells.iter().all(|c| **c == lung_cu), "{cells:?}");

    let report =
        stdout(bin(data.path()).args(["report", "annual", "--year", "2024", "--format", "csv"]));
    assert!(report.contains("Mã hành chính,Mã định danh"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("Đồn Biên phòng Lũng Cú,,") && l.contains(&lung_cu)),
        "{report}"
    );
}

/// Every list of units in a report's JSON (anything with a `unit`), in
/// the order the report gives it.
fn unit_lists(v: &Value, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Array(items) => {
            if items
                .iter()
                .all(|i| i.get("unit").is_some_and(Value::is_object))
                && !items.is_empty()
            {
                out.push(items.iter().map(|i| i["unit"].clone()).collect());
            }
            for i in items {
                unit_lists(i, out);
            }
        }
        Value::Object(map) => {
            for v in map.values() {
                unit_lists(v, out);
            }
        }
        _ => {}
    }
}

/// The demo's placeholder post (a unit the organisation marks unverified,
/// printed "Đơn vị khác") comes after every real unit in every table of
/// the annual review and of a quarter's summary, in every format.
#[test]
fn placeholder_units_come_last_in_every_report_table() {
    let data = demo();
    for args in [
        &["report", "annual", "--year", "2023"][..],
        &[
            "report",
            "summary",
            "--period",
            "quarter",
            "--year",
            "2023",
            "--quarter",
            "4",
        ][..],
    ] {
        let json: Value = serde_json::from_str(&stdout(
            bin(data.path()).args(args).args(["--format", "json"]),
        ))
        .unwrap();
        let mut lists = Vec::new();
        unit_lists(&json, &mut lists);
        let mut placeholders = Vec::new();
        for list in &lists {
            let flags: Vec<bool> = list.iter().map(|u| u["placeholder"] == true).collect();
            let first = flags.iter().position(|f| *f).unwrap_or(flags.len());
            assert!(flags[first..].iter().all(|f| *f), "{args:?}: {list:?}");
            for u in &list[first..] {
                placeholders.push(u["name"].as_str().unwrap().to_string());
            }
        }
        placeholders.sort();
        placeholders.dedup();
        if args[1] == "annual" {
            assert!(
                !placeholders.is_empty(),
                "{args:?}: the demo's placeholder is in a table"
            );
        }
        // The table's last row, in the Markdown and in the CSV.
        let md = stdout(bin(data.path()).args(args).args(["--format", "md"]));
        let csv = stdout(bin(data.path()).args(args).args(["--format", "csv"]));
        let is_placeholder = |line: &str| placeholders.iter().any(|p| line.contains(p.as_str()));
        let md_lines: Vec<&str> = md.lines().collect();
        let mut seen = 0;
        for (i, line) in md_lines.iter().enumerate() {
            if line.starts_with('|') && is_placeholder(line) {
                seen += 1;
                let next = md_lines.get(i + 1).copied().unwrap_or("");
                assert!(
                    !next.starts_with('|') || is_placeholder(next),
                    "{args:?}: a row after the placeholder's\n{line}\n{next}"
                );
            }
        }
        assert_eq!(
            seen > 0,
            !placeholders.is_empty(),
            "{args:?}: the placeholder's row in the Markdown\n{md}"
        );
        let csv_lines: Vec<&str> = csv.lines().collect();
        for (i, line) in csv_lines.iter().enumerate() {
            if line.contains(',') && is_placeholder(line) {
                // What follows is the next table's name (no comma), or nothing.
                let next = csv_lines.get(i + 1).copied().unwrap_or("");
                assert!(
                    !next.contains(',') || next.starts_with('"') || is_placeholder(next),
                    "{args:?}: a row after the placeholder's\n{line}\n{next}"
                );
            }
        }
    }
}
