//! Personal-data duties from the command line: a child's details need
//! both consents; a data subject's request, export and erasure; a report
//! for the aggregate-only channel read back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use common::{a_verified_post, audit_of, bin, demo, list_json, run, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn a_childs_details_without_both_consents_are_refused_and_nothing_is_written() {
    let data = demo();
    let post = a_verified_post(data.path());
    let programme = data.path().join("programme.json");
    std::fs::write(
        &programme,
        format!(
            r#"{{"programme":"CNDBP","sponsor_unit":"{post}","beneficiary_kind":"child","start":"2024-01-01","monthly_amount":500000}}"#
        ),
    )
    .unwrap();
    let added = stdout(
        bin(data.path())
            .args(["--lang", "en", "add", "programme", "--json"])
            .arg(&programme),
    );
    let id = added.split_whitespace().nth(2).unwrap().to_string();
    let before = list_json(data.path(), &["beneficiary", "--restricted"]).len();
    let child = |extra: &str| {
        format!(
            r#"{{"programme_record":"{id}","name":"Giàng Thị Mai","birth_year":2015,"ethnicity":"Mông"{extra}}}"#
        )
    };
    for (extra, field, words) in [
        ("", "consent_on", "chỉ được lưu khi có ghi nhận sự đồng ý"),
        (
            r#","consent_on":"2024-01-01""#,
            "guardian",
            "người đại diện theo pháp luật",
        ),
        (
            r#","consent_on":"2024-01-01","guardian":"Giàng A Páo (bố)""#,
            "child_consent_on",
            "từ đủ 7 tuổi",
        ),
    ] {
        let out = run(bin(data.path())
            .args(["add", "beneficiary", "--json", "-"])
            .write_stdin(child(extra)));
        assert_eq!(out.code, 2, "{field}: {}", out.stderr);
        assert!(
            out.stderr.contains(field) && out.stderr.contains(words),
            "{field}: {}",
            out.stderr
        );
    }
    assert_eq!(
        list_json(data.path(), &["beneficiary", "--restricted"]).len(),
        before,
        "nothing was written"
    );
    stdout(
        bin(data.path())
            .args(["add", "beneficiary", "--json", "-"])
            .write_stdin(child(
                r#","consent_on":"2024-01-01","guardian":"Giàng A Páo (bố)","child_consent_on":"2024-01-01""#,
            )),
    );
    assert_eq!(
        list_json(data.path(), &["beneficiary", "--restricted"]).len(),
        before + 1
    );
}

#[test]
fn a_data_subject_request_export_and_erasure_from_the_cli() {
    let data = demo();
    let first = list_json(data.path(), &["beneficiary", "--restricted"]).remove(0);
    let name = first["content"]["name"].as_str().unwrap().to_string();
    let id = first["id"].as_str().unwrap().to_string();
    let said = stdout(bin(data.path()).args([
        "--lang",
        "en",
        "person",
        "request",
        "--person",
        &name,
        "--kind",
        "access",
        "--received",
        "09/01/2026",
    ]));
    assert!(said.contains("due 13/01/2026"), "Friday → Tuesday: {said}");
    let export: Value = serde_json::from_str(&stdout(
        bin(data.path()).args(["person", "export", "--person", &name, "--format", "json"]),
    ))
    .unwrap();
    let records: Vec<&Value> = export["records"].as_array().unwrap().iter().collect();
    assert!(records.iter().any(|r| r["record_id"] == id.as_str()));
    for r in &records {
        assert!(r["history"].to_string().contains(&name), "{r}");
    }
    assert_eq!(export["requests"].as_array().unwrap().len(), 1);
    let readable = stdout(bin(data.path()).args(["person", "export", "--person", &name]));
    assert!(
        readable.contains(&name) && readable.contains(&id),
        "{readable}"
    );
    assert!(
        audit_of(data.path(), "restricted.read")
            .iter()
            .any(|e| e.detail.contains(&id))
    );

    let said =
        stdout(bin(data.path()).args(["--lang", "en", "person", "erase", "--person", &name]));
    assert!(
        said.contains(&format!("erased from {} records", records.len())),
        "{said}"
    );
    let history = stdout(bin(data.path()).args(["history", "beneficiary", &id, "--restricted"]));
    assert!(!history.contains(&name), "{history}");
    let export: Value = serde_json::from_str(&stdout(
        bin(data.path()).args(["person", "export", "--person", &name, "--format", "json"]),
    ))
    .unwrap();
    assert!(export["records"].as_array().unwrap().is_empty());
    let erased = audit_of(data.path(), "personal.erase");
    assert_eq!(erased.len(), records.len());
    assert!(erased.iter().all(|e| !e.detail.contains(&name)));
    bin(data.path()).args(["store", "check"]).assert().success();
}

/// The names and case details the demo holds, read back from the records.
fn personal_words(data: &std::path::Path) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for b in list_json(data, &["beneficiary", "--restricted"]) {
        for k in ["name", "guardian"] {
            if let Some(s) = b["content"][k].as_str() {
                words.insert(s.to_string());
            }
        }
    }
    for c in list_json(data, &["case_subjects", "--restricted"]) {
        for s in c["content"]["subjects"].as_array().unwrap() {
            words.insert(s["name"].as_str().unwrap().to_string());
        }
    }
    for c in list_json(data, &["case", "--year", "2023"]) {
        for k in ["place", "outcome"] {
            if let Some(s) = c["content"][k].as_str().filter(|s| s.len() > 3) {
                words.insert(s.to_string());
            }
        }
    }
    words
}

#[test]
fn the_2023_review_for_the_national_reporting_system_holds_aggregates_only() {
    let data = demo();
    let words = personal_words(data.path());
    assert!(words.len() > 20, "the demo has names and case details");
    let json: Value = serde_json::from_str(&stdout(bin(data.path()).args([
        "report",
        "annual",
        "--year",
        "2023",
        "--format",
        "json",
        "--aggregate-only",
    ])))
    .unwrap();
    assert_eq!(json["channel"], "aggregate_only");
    assert!(json["statement"].as_str().unwrap().contains("09/2019"));
    assert!(json["suppression_rule"].as_str().unwrap().contains("<5"));
    let mut cells = 0;
    let mut suppressed = 0;
    for t in json["tables"].as_array().unwrap() {
        for row in t["rows"].as_array().unwrap() {
            for cell in row.as_array().unwrap() {
                cells += 1;
                if let Some(n) = cell.as_i64() {
                    assert!(n == 0 || n >= 5, "{} has {n}: {row}", t["name"]);
                } else if matches!(cell.as_str(), Some("<5" | "x")) {
                    suppressed += 1;
                }
            }
        }
    }
    assert!(
        cells > 50 && suppressed > 0,
        "{cells} cells, {suppressed} suppressed"
    );
    for format in ["json", "csv", "md"] {
        let text = stdout(bin(data.path()).args([
            "report",
            "annual",
            "--year",
            "2023",
            "--format",
            format,
            "--aggregate-only",
        ]));
        for w in &words {
            assert!(!text.contains(w.as_str()), "{format} holds {w:?}");
        }
        assert!(text.contains("Nghị định 09/2019/NĐ-CP"), "{format}");
    }
    // The CSV states the channel first, then tables whose counts are 0, 5
    // or more, "<5" or "x".
    let csv = stdout(bin(data.path()).args([
        "report",
        "annual",
        "--year",
        "2023",
        "--format",
        "csv",
        "--aggregate-only",
    ]));
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("Kênh báo cáo")
    );
    for line in csv.lines() {
        for cell in line.split(',') {
            if let Ok(n) = cell.parse::<i64>() {
                assert!(n == 0 || n >= 5, "{line}");
            }
        }
    }
    // A workbook's first sheet says what it is.
    let file = data.path().join("tong-hop.xlsx");
    stdout(
        bin(data.path())
            .args([
                "report",
                "annual",
                "--year",
                "2023",
                "--format",
                "xlsx",
                "--aggregate-only",
                "-o",
            ])
            .arg(&file),
    );
    let zip = std::fs::read(&file).unwrap();
    assert!(zip.starts_with(b"PK"));
}

#[test]
fn a_briefing_for_the_national_reporting_system_holds_its_counts_only() {
    let data = demo();
    let words = personal_words(data.path());
    let name = list_json(data.path(), &["case_subjects", "--restricted"])
        .iter()
        .flat_map(|c| {
            c["content"]["subjects"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find_map(|s| s["name"].as_str().map(str::to_string))
        .expect("case subjects in the demo");
    let q = ["--unit", "BP-LUNGCU", "--year", "2023", "--quarter", "4"];
    // A narrative that names a person and a case, as people write them.
    let told = format!("Phối hợp bắt giữ đối tượng {name} vận chuyển ma túy qua mốc 428.");
    stdout(
        bin(data.path())
            .args(["briefing", "write"])
            .args(q)
            .args(["--results", &told]),
    );
    let whole = stdout(bin(data.path()).args(["briefing", "show"]).args(q));
    assert!(whole.contains(&told), "{whole}");

    let json: Value = serde_json::from_str(&stdout(
        bin(data.path()).args(["briefing", "show"]).args(q).args([
            "--format",
            "json",
            "--aggregate-only",
        ]),
    ))
    .unwrap();
    assert_eq!(json["channel"], "aggregate_only");
    assert!(json["title"].as_str().unwrap().contains("Quý IV"), "{json}");
    assert!(json["statement"].as_str().unwrap().contains("09/2019"));
    assert!(json["suppression_rule"].as_str().unwrap().contains("<5"));
    let rows = json["tables"][0]["rows"].as_array().unwrap();
    assert!(rows.len() >= 5, "{json}");
    for row in rows {
        let label = row[0].as_str().unwrap();
        assert!(!label.starts_with("Thu giữ"), "no quantity seized: {row}");
        match &row[1] {
            Value::Number(n) => {
                let n = n.as_i64().unwrap();
                assert!(n == 0 || n >= 5, "{row}");
            }
            other => assert_eq!(other, "<5", "{row}"),
        }
    }
    for format in ["json", "md", "csv"] {
        let text = stdout(bin(data.path()).args(["briefing", "show"]).args(q).args([
            "--format",
            format,
            "--aggregate-only",
        ]));
        assert!(!text.contains(&name), "{format} names {name}");
        assert!(!text.contains("mốc 428"), "{format} tells the case");
        for w in &words {
            assert!(!text.contains(w.as_str()), "{format} holds {w:?}");
        }
        assert!(text.contains("Nghị định 09/2019/NĐ-CP"), "{format}");
    }
    // A DOCX is not made for the channel: refused, nothing written.
    let r = run(bin(data.path())
        .args(["briefing", "show"])
        .args(q)
        .args(["--format", "docx", "--aggregate-only", "-o"])
        .arg(data.path().join("x.docx")));
    assert_ne!(r.code, 0);
    assert!(!data.path().join("x.docx").exists());
}
