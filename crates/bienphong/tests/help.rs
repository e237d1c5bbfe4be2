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
        &["edxml", "export", "document"],
        &["edxml", "export", "report"],
        &["edxml", "import"],
        &["edxml", "answer"],
        &["edxml", "verify"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        every_flag_described(&help(&args), &command.join(" "));
    }
}

/// Flags whose description came from the code's English doc comment
/// before they had Fluent texts: the key flags, and --map-to of the reports
/// and of the benchmark.
#[test]
fn key_and_map_to_flags_are_described_in_vietnamese() {
    for (command, flag, words) in [
        (&["report", "annual"][..], "--map-to", "Tính số liệu của kỳ"),
        (
            &["report", "summary"][..],
            "--map-to",
            "Tính số liệu của kỳ",
        ),
        (&["bench", "annual"][..], "--map-to", "Tính số liệu của kỳ"),
        (&["store", "check"][..], "--key-file", "Khóa của kho SQLite"),
        (&["store", "check"][..], "--ask-key", "Hỏi cụm mật khẩu"),
    ] {
        let mut args = vec!["--lang", "vi"];
        args.extend_from_slice(command);
        args.push("--help");
        let text = help(&args);
        let line = flag_help(&text, flag).unwrap_or_else(|| panic!("{command:?}: {flag}\n{text}"));
        assert!(line.contains(words), "{command:?} {flag}: {line}");
    }
}

/// What clap itself would say in English about a mistake in the arguments.
const CLAP_ENGLISH: &[&str] = &[
    "unexpected argument",
    "a value is required",
    "invalid value",
    "requires a subcommand",
    "unrecognized subcommand",
    "the following required arguments",
    "cannot be used with",
    "Usage:",
    "For more information",
    "tip:",
    "possible values",
    "error:",
];

fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = run(bin(dir.path()).args(args));
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    out.stderr
}

/// clap's own refusals (an unknown flag, a missing value, a value not
/// allowed, an unknown or missing command, a missing flag, two flags that
/// exclude each other) are worded in the user's language with the flag,
/// the value and the allowed values, and keep exit code 2.
#[test]
fn mistakes_in_the_arguments_are_worded_in_the_user_s_language() {
    let annual = ["report", "annual", "--year", "2023"];
    let with = |extra: &[&str]| -> Vec<String> {
        annual.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let cases: Vec<(Vec<String>, Vec<&str>, Vec<&str>)> = vec![
        (
            with(&["--bogus"]),
            vec!["Lỗi: không có tham số \"--bogus\"", "Cách dùng:"],
            vec!["Error: unexpected argument \"--bogus\"", "Usage:"],
        ),
        (
            vec!["report".into(), "annual".into(), "--year".into()],
            vec!["\"--year\" cần một giá trị nhưng không được cho"],
            vec!["a value is required for \"--year\" but none was given"],
        ),
        (
            with(&["--format", "pdf"]),
            vec![
                "giá trị \"pdf\" không hợp lệ cho \"--format\"",
                "chọn một trong: md, json, docx, xlsx, csv",
            ],
            vec![
                "invalid value \"pdf\" for \"--format\"",
                "choose one of: md, json, docx, xlsx, csv",
            ],
        ),
        (
            with(&["--formt", "md"]),
            vec![
                "không có tham số \"--formt\"",
                "Có phải ý bạn là: --format?",
            ],
            vec!["Did you mean: --format?"],
        ),
        (
            vec!["frobnicate".into()],
            vec!["không có lệnh \"frobnicate\""],
            vec!["no command \"frobnicate\""],
        ),
        (
            vec!["report".into(), "anual".into()],
            vec!["không có lệnh \"anual\"", "Có phải ý bạn là: annual?"],
            vec!["no command \"anual\""],
        ),
        (
            vec!["report".into(), "annual".into()],
            vec!["thiếu tham số bắt buộc: --year"],
            vec!["required arguments missing: --year"],
        ),
        (
            with(&["--number", "5", "--register"]),
            vec!["không dùng \"--number\" cùng với \"--register\""],
            vec!["\"--number\" cannot be used with \"--register\""],
        ),
    ];
    for (args, vi, en) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = refused(&args);
        for words in vi {
            assert!(text.contains(words), "{args:?}: {words} in {text}");
        }
        assert!(text.contains("Xem thêm: thêm --help"), "{args:?}: {text}");
        for english in CLAP_ENGLISH {
            assert!(!text.contains(english), "{args:?}: {english} in {text}");
        }
        let mut english_args = vec!["--lang", "en"];
        english_args.extend(&args);
        let text = refused(&english_args);
        for words in en {
            assert!(text.contains(words), "{english_args:?}: {words} in {text}");
        }
        assert!(!text.contains("Lỗi"), "{english_args:?}: {text}");
    }
}

/// The notes clap adds after a flag's description (each allowed value's
/// note, the default, the environment variable) come from the Fluent files
/// too.
#[test]
fn allowed_values_defaults_and_variables_are_described_in_the_user_s_language() {
    let annual = help(&["report", "annual", "--help"]);
    for words in [
        "docx = Word, theo thể thức Nghị định 30/2020",
        "csv = các bảng của báo cáo dạng CSV",
        "state = Nghị định 30/2020/NĐ-CP, cho cơ quan nhà nước",
        "mặc định: md",
        "vi = tiếng Việt",
        "biến môi trường BIENPHONG_LANG",
    ] {
        assert!(annual.contains(words), "{words}: {annual}");
    }
    for english in [
        "Possible values",
        "[possible values",
        "[default:",
        "[env:",
        "in the state format",
        "for state bodies",
    ] {
        assert!(!annual.contains(english), "{english}: {annual}");
    }
    let short = help(&["report", "annual", "-h"]);
    assert!(short.contains("mặc định: md"), "{short}");
    assert!(!short.contains("[default:"), "{short}");
    let template = help(&["template", "patrol", "--help"]);
    assert!(
        template.contains("csv = CSV, UTF-8 có BOM") && !template.contains("report's tables"),
        "{template}"
    );
    let summary = help(&["report", "summary", "--help"]);
    assert!(summary.contains("nine-months = 9 tháng"), "{summary}");
    let en = help(&["--lang", "en", "report", "annual", "--help"]);
    for words in [
        "docx = Word, in the state format of Decree 30/2020",
        "default: md",
        "environment variable BIENPHONG_LANG",
    ] {
        assert!(en.contains(words), "{words}: {en}");
    }
}
