#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests state their expectations by panicking"
)]
//! The command line's help in the user's language: Vietnamese by default,
//! English with `--lang en`; every flag of the record commands described;
//! the record types listed; `add TYPE --help` showing that type's fields
//! from the domain's field declaration; a bad flag value named by its flag.

mod common;

use common::{bin, run};

fn help(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = run(bin(dir.path()).args(args));
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// Every flag line of a help text has its description: on the same line,
/// or on the next, further indented (clap's layout for long texts).
fn every_flag_described(text: &str, what: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut flags = 0;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if !t.starts_with('-') || indent(line) > 8 {
            continue;
        }
        flags += 1;
        let same_line = t.split("  ").filter(|p| !p.trim().is_empty()).count() >= 2;
        let next_line = lines.get(i + 1).is_some_and(|n| {
            indent(n) > indent(line) && !n.trim().is_empty() && !n.trim_start().starts_with('-')
        });
        assert!(
            same_line || next_line,
            "{what}: no description for {t:?}\n{text}"
        );
    }
    assert!(flags > 0, "{what}: no flags in\n{text}");
}

/// The line of `flag` and its description (which clap may put on the
/// next line).
fn flag_help(text: &str, flag: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{flag} ")) || l.trim() == flag)?;
    Some(format!("{} {}", lines[i], lines.get(i + 1).unwrap_or(&"")))
}

#[test]
fn help_is_vietnamese_by_default_and_english_on_request() {
    let root = help(&["--help"]);
    for words in [
        "Cách dùng:",
        "Lệnh",
        "Tùy chọn",
        "Thêm một bản ghi",
        "In trợ giúp",
    ] {
        assert!(root.contains(words), "{words}: {root}");
    }
    assert!(
        !root.contains("Usage:") && !root.contains("Print help"),
        "{root}"
    );
    every_flag_described(&root, "bienphong --help");

    let en = help(&["--lang", "en", "--help"]);
    for words in [
        "Usage:",
        "Commands",
        "Options",
        "Add a record",
        "Print help",
    ] {
        assert!(en.contains(words), "{words}: {en}");
    }
    assert!(!en.contains("Cách dùng"), "{en}");

    let report = help(&["report", "--help"]);
    assert!(report.contains("Báo cáo tổng kết năm"), "{report}");
}

#[test]
fn add_lists_the_record_types_and_each_type_its_own_fields() {
    let add = help(&["add", "--help"]);
    for words in ["patrol (Tuần tra)", "case (Vụ việc)", "Đối số", "Tùy chọn"] {
        assert!(add.contains(words), "{words}: {add}");
    }
    every_flag_described(&add, "add --help");
    // Without a type each record flag says which types have it.
    let case_type = flag_help(&add, "--case-type").unwrap();
    assert!(case_type.contains("[case]"), "{case_type}");

    let patrol = help(&["add", "patrol", "--help"]);
    assert_ne!(patrol, add, "add patrol --help is the patrol's own");
    every_flag_described(&patrol, "add patrol --help");
    let line = |flag: &str| flag_help(&patrol, flag);
    let unit = line("--unit").expect("--unit");
    assert!(
        unit.contains("Đơn vị chủ trì") && unit.contains("bắt buộc"),
        "{unit}"
    );
    let force = line("--force").expect("--force");
    assert!(force.contains("BDBP=6"), "{force}");
    let kind = line("--kind").expect("--kind");
    assert!(
        kind.contains("joint = Tuần tra chung") && kind.contains("post_only"),
        "{kind}"
    );
    assert!(line("--case-type").is_none(), "a case's flag: {patrol}");
    assert!(line("--seizure").is_none(), "a case's flag: {patrol}");
    // The patrol's fields, each with its flag, from the field declaration.
    for words in [
        "lead_unit",
        "partner_units",
        "participants",
        "markers",
        "--marker",
        "Các trường của Tuần tra",
    ] {
        assert!(patrol.contains(words), "{words}: {patrol}");
    }

    let case = help(&["add", "case", "--help"]);
    assert!(
        case.contains("--case-type") && !case.contains("--force"),
        "{case}"
    );
    let edit = help(&["edit", "meeting", "--help"]);
    assert!(
        edit.contains("--meeting-type") && edit.contains("host_unit"),
        "{edit}"
    );
    every_flag_described(&edit, "edit meeting --help");

    let en = help(&["--lang", "en", "add", "patrol", "--help"]);
    assert!(en.contains("required") && !en.contains("bắt buộc"), "{en}");
}

#[test]
fn a_bad_flag_value_is_named_by_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(bin(dir.path()).args([
        "add",
        "patrol",
        "--kind",
        "joint",
        "--date",
        "05/03/2023",
        "--unit",
        "BP-LUNGCU",
        "--force",
        "BDBP=5",
        "--force",
        "CA=ba",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--force #2"), "{}", out.stderr);
    assert!(!out.stderr.contains("participants"), "{}", out.stderr);
    let out = run(bin(dir.path()).args([
        "add",
        "patrol",
        "--kind",
        "joint",
        "--date",
        "31/02/2023",
        "--unit",
        "BP-LUNGCU",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--date"), "{}", out.stderr);
}

#[test]
fn every_flag_of_every_command_is_described() {
    let commands: &[&[&str]] = &[
        &["report", "annual"],
        &["report", "summary"],
        &["briefing", "status"],
        &["briefing", "show"],
        &["briefing", "write"],
        &["briefing", "submit"],
        &["list", "patrol"],
        &["show", "patrol"],
        &["history", "patrol"],
        &["edit", "patrol"],
        &["delete", "patrol"],
        &["template", "patrol"],
        &["import", "patrol"],
        &["export", "patrol"],
        &["org", "codes"],
        &["org", "apply"],
        &["org", "changes"],
        &["store", "rebuild"],
        &["store", "check"],
        &["store", "copy"],
        &["serve"],
        &["user", "add"],
        &["user", "list"],
        &["token", "create"],
        &["node", "init"],
        &["sync"],
        &["conflicts"],
        &["resolve"],
        &["demo"],
        &["bench", "annual"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        every_flag_described(&help(&args), &command.join(" "));
    }
}
