//! Spreadsheets in and out through the real binary on a copy of the demo
//! store: template → filled → import → export gives the same values;
//! re-imports add nothing; bad files write nothing and say why.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use calamine::{Data, Reader};
use common::{demo, list_json, run};

/// The day these tests write on: after the demo's last day (30/11/2026),
/// so that the months they fill hold no demo record, whatever today is.
const NOW: &str = "2027-03-01";

/// The binary on `data`, with today fixed at [`NOW`].
fn bin(data: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = common::bin(data);
    cmd.env("BIENPHONG_NOW", NOW);
    cmd
}
use serde_json::Value;
use std::path::Path;

fn ok(c: &mut assert_cmd::Command) -> String {
    let r = run(c);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    r.stdout
}

fn revision_count(data: &Path) -> i64 {
    common::revision_count(data) as i64
}

/// The rows of a CSV export (without the byte-order mark), split naively:
/// enough for the values these tests write.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        for ch in line.chars() {
            match ch {
                '"' => quoted = !quoted,
                ',' if !quoted => cells.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            }
        }
        cells.push(cell);
        rows.push(cells);
    }
    rows
}

fn column(rows: &[Vec<String>], header: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]))
}

/// template → a workbook filled the way people fill it (Excel dates, a
/// serial number, text numbers, names without diacritics) → import →
/// export as CSV and XLSX: the same values. Importing it again adds
/// nothing; a corrected count becomes a new revision of the same record.
#[test]
fn a_filled_template_imports_and_exports_the_same_values() {
    let data = demo();
    let dir = data.path();
    let template = dir.join("tuantra.xlsx");
    ok(bin(dir).args(["template", "patrol", "-o"]).arg(&template));

    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&template).unwrap();
    let names = book.sheet_names();
    assert_eq!(names, vec!["Tuần tra", "Hướng dẫn", "Danh mục"]);
    let range = book.worksheet_range("Tuần tra").unwrap();
    let headers: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for h in [
        "Mã bản ghi",
        "Ngày *",
        "Đơn vị chủ trì *",
        "Loại *",
        "Lượt: Bộ đội Biên phòng",
        "Lượt: Dân quân",
        "Lượt: Công an",
    ] {
        assert!(headers.iter().any(|x| x == h), "{h} in {headers:?}");
    }
    let lists = book.worksheet_range("Danh mục").unwrap();
    let list_text: Vec<String> = lists.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        list_text.iter().any(|c| c == "Tuần tra chung"),
        "{list_text:?}"
    );
    assert!(
        list_text.iter().any(|c| c == "Đồn Biên phòng Lũng Cú"),
        "{list_text:?}"
    );
    let help = book.worksheet_range("Hướng dẫn").unwrap();
    let help_text: Vec<String> = help.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        help_text.iter().any(|c| c.contains("Ví dụ")),
        "{help_text:?}"
    );
    // The template offers its lists to choose from.
    let xml = unzip(&template, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<dataValidation type=\"list\""), "{xml}");

    // Filled by "hand": three patrols of January 2027 (after the demo's last
    // day, 30/11/2026: no demo records then).
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap() as u16;
    let filled = dir.join("filled.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let ws = wb.add_worksheet();
    ws.set_name("Tuần tra").unwrap();
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(0, i as u16, h).unwrap();
    }
    // Row 2: a real date, a name without diacritics, decimals as a number.
    ws.write_number_with_format(1, col("Ngày *"), 46392.0, &date_format)
        .unwrap();
    ws.write_string(1, col("Đơn vị chủ trì *"), "Don Bien phong Lung Cu")
        .unwrap();
    ws.write_string(
        1,
        col("Đơn vị phối hợp (cách nhau bằng dấu ;)"),
        "Xã Lũng Cú",
    )
    .unwrap();
    ws.write_string(1, col("Loại *"), "Tuần tra chung").unwrap();
    ws.write_number(1, col("Thời gian (giờ)"), 2.5).unwrap();
    ws.write_string(1, col("Cột mốc (cách nhau bằng dấu ;)"), "424; 428")
        .unwrap();
    ws.write_number(1, col("Lượt: Bộ đội Biên phòng"), 6.0)
        .unwrap();
    ws.write_number(1, col("Lượt: Dân quân"), 3.0).unwrap();
    ws.write_string(1, col("Ghi chú"), "Kiểm thử nhập bảng tính")
        .unwrap();
    // Row 3: text as people type it: dd/mm/yyyy, "1.178", "0,5", a code.
    ws.write_string(2, col("Ngày *"), "06/01/2027").unwrap();
    ws.write_string(2, col("Đơn vị chủ trì *"), "BP-LUNGCU")
        .unwrap();
    ws.write_string(2, col("Loại *"), "joint").unwrap();
    ws.write_string(2, col("Thời gian (giờ)"), "0,5").unwrap();
    ws.write_string(2, col("Lượt: Bộ đội Biên phòng"), "1.178")
        .unwrap();
    ws.write_number(2, col("Lượt: Công an"), 2.0).unwrap();
    // Row 4: an Excel serial number without a date format.
    ws.write_number(3, col("Ngày *"), 46394.0).unwrap();
    ws.write_string(3, col("Đơn vị chủ trì *"), "Đồn Biên phòng Sơn Vĩ")
        .unwrap();
    ws.write_string(3, col("Loại *"), "Đồn tự tuần tra")
        .unwrap();
    ws.write_number(3, col("Lượt: Bộ đội Biên phòng"), 4.0)
        .unwrap();
    // Empty trailing rows with formatting only.
    for r in 4..8 {
        ws.write_blank(r, 1, &date_format).unwrap();
    }
    wb.save(&filled).unwrap();

    let before = revision_count(dir);
    // The sheet's 1.178 Border Guard persons on one patrol is asked about:
    // the import is confirmed, as a user confirms it.
    let out = ok(bin(dir).args(["import", "--confirm"]).arg(&filled));
    assert!(
        out.contains("đọc 3 dòng; thêm mới 3, cập nhật 0, không đổi 0, lỗi 0"),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 3);

    let export = |format: &str, file: &Path| {
        ok(bin(dir)
            .args([
                "export",
                "patrol",
                "--from",
                "01/01/2027",
                "--to",
                "31/01/2027",
                "--format",
                format,
                "-o",
            ])
            .arg(file));
    };
    let csv_file = dir.join("export.csv");
    export("csv", &csv_file);
    let rows = csv_rows(&std::fs::read_to_string(&csv_file).unwrap());
    assert_eq!(rows.len(), 4, "{rows:?}");
    let find = |date: &str| {
        rows.iter()
            .find(|r| r[column(&rows, "Ngày *")] == date)
            .unwrap()
            .clone()
    };
    let cell = |row: &Vec<String>, h: &str| row[column(&rows, h)].clone();
    let first = find("05/01/2027");
    assert_eq!(cell(&first, "Đơn vị chủ trì *"), "Đồn Biên phòng Lũng Cú");
    // On 05/01/2027 "Xã Lũng Cú" is the commune of the 2025 arrangement.
    assert_eq!(
        cell(&first, "Đơn vị phối hợp (cách nhau bằng dấu ;)"),
        "Xã Lũng Cú"
    );
    assert_eq!(cell(&first, "Loại *"), "Tuần tra chung");
    assert_eq!(cell(&first, "Thời gian (giờ)"), "2,5");
    assert_eq!(cell(&first, "Cột mốc (cách nhau bằng dấu ;)"), "424; 428");
    assert_eq!(cell(&first, "Lượt: Bộ đội Biên phòng"), "6");
    assert_eq!(cell(&first, "Lượt: Dân quân"), "3");
    assert_eq!(cell(&first, "Ghi chú"), "Kiểm thử nhập bảng tính");
    let second = find("06/01/2027");
    assert_eq!(cell(&second, "Lượt: Bộ đội Biên phòng"), "1178");
    assert_eq!(cell(&second, "Lượt: Công an"), "2");
    assert_eq!(cell(&second, "Thời gian (giờ)"), "0,5");
    let third = find("07/01/2027");
    assert_eq!(cell(&third, "Đơn vị chủ trì *"), "Đồn Biên phòng Sơn Vĩ");
    assert_eq!(cell(&third, "Loại *"), "Đồn tự tuần tra");
    let records = list_json(
        dir,
        &["patrol", "--from", "01/01/2027", "--to", "31/01/2027"],
    );
    let partner = records
        .iter()
        .find(|r| r["content"]["date"] == "2027-01-05")
        .unwrap();
    assert_eq!(partner["content"]["partner_units"][0], "TQ-XA-LUNGCU");
    assert_eq!(partner["content"]["duration_hours"], "2.5");

    // The XLSX export holds typed values: dates, numbers.
    let xlsx_file = dir.join("export.xlsx");
    export("xlsx", &xlsx_file);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_file).unwrap();
    let range = book.worksheet_range("Tuần tra").unwrap();
    let heads: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let c = |h: &str| heads.iter().position(|x| x == h).unwrap();
    let row = range
        .rows()
        .find(|r| matches!(&r[c("Lượt: Bộ đội Biên phòng")], Data::Float(f) if *f == 1178.0))
        .expect("the 1.178 row");
    assert!(
        matches!(&row[c("Ngày *")], Data::DateTime(d) if d.as_f64() == 46393.0),
        "{:?}",
        row[c("Ngày *")]
    );
    assert!(matches!(&row[c("Thời gian (giờ)")], Data::Float(f) if *f == 0.5));

    // Importing the same file again, or the export, adds nothing.
    let out = ok(bin(dir).arg("import").arg(&filled));
    assert!(out.contains("thêm mới 0, cập nhật 0, không đổi 3"), "{out}");
    let out = ok(bin(dir).arg("import").arg(&xlsx_file));
    assert!(out.contains("thêm mới 0, cập nhật 0, không đổi 3"), "{out}");
    assert_eq!(revision_count(dir), before + 3);

    // A corrected count, in a sheet without record ids: matched by
    // identity (unit, date, kind), it updates the record.
    let id = partner["id"].as_str().unwrap().to_string();
    let csv = "\u{feff}Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng;Lượt: Dân quân\n05/01/2027;Đồn Biên phòng Lũng Cú;Tuần tra chung;7;3\n";
    let fix = dir.join("fix.csv");
    std::fs::write(&fix, csv).unwrap();
    let out = ok(bin(dir).arg("import").arg(&fix));
    assert!(out.contains("thêm mới 0, cập nhật 1, không đổi 0"), "{out}");
    let history = ok(bin(dir).args(["history", "patrol", &id]));
    assert!(
        history.contains("tạo mới") && history.contains("sửa"),
        "{history}"
    );
    assert!(history.contains("participants"), "{history}");
    let after = list_json(
        dir,
        &["patrol", "--from", "05/01/2027", "--to", "05/01/2027"],
    );
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["id"], id.as_str());
    assert_eq!(after[0]["content"]["participants"][0]["persons"], 7);
    // What the sheet had no column for stays.
    assert_eq!(
        after[0]["content"]["markers"],
        serde_json::json!(["424", "428"])
    );
    assert_eq!(after[0]["content"]["notes"], "Kiểm thử nhập bảng tính");
    assert_eq!(revision_count(dir), before + 4);
}

fn unzip(file: &Path, member: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut f = zip.by_name(member).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).unwrap();
    s
}

const HEADER: &str =
    "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng;Lượt: Dân quân;Đơn vị phối hợp";
const GOOD: &str = "10/01/2027;BP-LUNGCU;Tuần tra chung;5;2;Xã Lũng Cú";

/// Each bad file gets its own clear message, exit code 2 and writes
/// nothing — not even its good rows.
#[test]
fn bad_input_says_why_and_writes_nothing() {
    let data = demo();
    let dir = data.path();
    let before = revision_count(dir);
    let patrols = |body: &str| format!("{HEADER}\n{GOOD}\n{body}\n").into_bytes();
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "unknown unit",
            patrols("11/03/2024;Đồn Biên phòng Không Có;Tuần tra chung;5;;"),
            &["dòng 3", "cột \"Đơn vị chủ trì\"", "\"Đồn Biên phòng Không Có\"", "không có đơn vị"],
        ),
        (
            "ambiguous unit",
            patrols("11/03/2024;BP-LUNGCU;Tuần tra chung;5;;Lũng Cú"),
            &["dòng 3", "khớp với nhiều đơn vị", "BP-LUNGCU", "XA-LUNGCU"],
        ),
        (
            "unit not valid on the date",
            patrols("11/03/2024;BP-LUNGCU;Tuần tra chung;5;;TQ-XA-LUNGCU"),
            &["dòng 3", "cột \"Đơn vị phối hợp\"", "không còn hiệu lực", "11/03/2024"],
        ),
        (
            "negative count",
            patrols("11/03/2024;BP-LUNGCU;Tuần tra chung;-3;;"),
            &["dòng 3", "cột \"Lượt: Bộ đội Biên phòng\"", "\"-3\"", "không được là số âm"],
        ),
        (
            "text in a number column",
            patrols("11/03/2024;BP-LUNGCU;Tuần tra chung;ba;;"),
            &["dòng 3", "giá trị \"ba\"", "số không hợp lệ"],
        ),
        (
            "unknown choice",
            patrols("11/03/2024;BP-LUNGCU;Tuần tra đêm;5;;"),
            &["dòng 3", "cột \"Loại\"", "Tuần tra đêm", "Tuần tra chung"],
        ),
        (
            "unknown catalogue entry",
            "Ngày;Đơn vị xử lý;Loại vụ việc;Số đối tượng\n10/03/2024;BP-LUNGCU;Ma túy;2\n11/03/2024;BP-LUNGCU;Trộm cắp;1\n".as_bytes().to_vec(),
            &["dòng 3", "cột \"Loại vụ việc\"", "danh mục case_type không có mục \"Trộm cắp\""],
        ),
        (
            "missing required column",
            "Ngày;Đơn vị chủ trì;Lượt: Bộ đội Biên phòng\n10/03/2024;BP-LUNGCU;5\n".as_bytes().to_vec(),
            &["thiếu cột \"Loại\""],
        ),
        (
            "duplicate rows",
            patrols(GOOD),
            &["dòng 3", "trùng với dòng 2"],
        ),
        (
            "a date that does not exist",
            patrols("31/02/2024;BP-LUNGCU;Tuần tra chung;5;;"),
            &["cột \"Ngày\"", "ngày không hợp lệ \"31/02/2024\""],
        ),
        (
            "a corrupt workbook",
            b"PK\x03\x04\x14\x00\x00\x00garbage that is no zip".to_vec(),
            &["bảng tính bị hỏng"],
        ),
        (
            "not a spreadsheet",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            &["không phải bảng tính"],
        ),
        (
            "not UTF-8",
            b"Ng\xe0y;\xd0\xf5n v\xfb\n".to_vec(),
            &["không phải UTF-8"],
        ),
    ];
    for (what, bytes, expected) in cases {
        let file = dir.join("bad.csv");
        std::fs::write(&file, &bytes).unwrap();
        let r = run(bin(dir).arg("import").arg(&file));
        assert_eq!(r.code, 2, "{what}: {}\n{}", r.stdout, r.stderr);
        for e in expected {
            assert!(r.stderr.contains(e), "{what}: {e:?} not in {}", r.stderr);
        }
        assert_eq!(revision_count(dir), before, "{what} wrote something");
    }
    // In English with --lang en.
    let file = dir.join("bad.csv");
    std::fs::write(&file, patrols("11/03/2024;BP-LUNGCU;Tuần tra chung;-3;;")).unwrap();
    let r = run(bin(dir).args(["--lang", "en", "import"]).arg(&file));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Sheet \"bad\", row 3, column \"Lượt: Bộ đội Biên phòng\", value \"-3\": must not be negative"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
}

/// A row with a value possible but unlikely is listed by the dry run and
/// stops the import (all or nothing) until `--confirm`; the hard limit is
/// refused even then.
#[test]
fn an_unusual_row_is_listed_and_needs_confirm() {
    let data = demo();
    let dir = data.path();
    let file = dir.join("nhieu.csv");
    let write = |persons: &str| {
        let row = format!("11/03/2024;BP-LUNGCU;Tuần tra chung;{persons};;");
        std::fs::write(&file, format!("{HEADER}\n{GOOD}\n{row}\n")).unwrap();
    };
    let with_bdbp = |n: u64| {
        list_json(
            dir,
            &["patrol", "--from", "11/03/2024", "--to", "11/03/2024"],
        )
        .into_iter()
        .filter(|p| persons(p, "BDBP") == Some(n))
        .count()
    };
    let before = revision_count(dir);
    write("250");
    let r = run(bin(dir).args(["import", "--dry-run"]).arg(&file));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("dòng 3: participants[0].persons: 250 người"),
        "{}",
        r.stdout
    );
    assert_eq!(revision_count(dir), before);
    let r = run(bin(dir).arg("import").arg(&file));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("(200 người)"), "{}", r.stdout);
    assert!(r.stderr.contains("--confirm"), "{}", r.stderr);
    assert_eq!(
        revision_count(dir),
        before,
        "nothing, not even the good row"
    );

    ok(bin(dir).args(["import", "--confirm"]).arg(&file));
    assert_eq!(revision_count(dir), before + 2);
    assert_eq!(with_bdbp(250), 1);

    // At the threshold nothing is asked.
    write("200");
    ok(bin(dir).arg("import").arg(&file));
    assert_eq!(with_bdbp(200), 1);
    // Past the hard limit nothing is written, confirmed or not.
    let before = revision_count(dir);
    write("10.001");
    let r = run(bin(dir).args(["import", "--confirm"]).arg(&file));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("vượt quá giới hạn 10.000"),
        "{}",
        r.stderr
    );
    assert_eq!(revision_count(dir), before);
}

/// `--skip-invalid` writes the good rows and puts the refused ones, with
/// why, into an error file that imports once corrected.
#[test]
fn skip_invalid_writes_the_good_rows_and_an_error_file() {
    let data = demo();
    let dir = data.path();
    let before = revision_count(dir);
    let file = dir.join("thang3.csv");
    std::fs::write(
        &file,
        format!("\u{feff}{HEADER}\n{GOOD}\n11/01/2027;BP-LUNGCU;Tuần tra chung;-3;;\n12/01/2027;BP-LUNGCU;Tuần tra chung;4;;\n;;;;;\n"),
    )
    .unwrap();
    let dry = ok(bin(dir)
        .args(["import", "--dry-run", "--skip-invalid"])
        .arg(&file));
    assert!(
        dry.contains("thêm mới 2, cập nhật 0, không đổi 0, lỗi 1"),
        "{dry}"
    );
    assert_eq!(revision_count(dir), before);
    let out = ok(bin(dir).args(["import", "--skip-invalid"]).arg(&file));
    assert!(
        out.contains("thêm mới 2, cập nhật 0, không đổi 0, lỗi 1"),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 2);
    let errors = dir.join("thang3-loi.csv");
    let text = std::fs::read_to_string(&errors).unwrap();
    let rows = csv_rows(&text);
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(rows[1][column(&rows, "Ngày")], "11/01/2027");
    assert_eq!(rows[1][column(&rows, "Dòng gốc")], "thang3!3");
    assert!(
        rows[1][column(&rows, "Lỗi")].contains("không được là số âm"),
        "{text}"
    );
    // Corrected, the error file imports; the rows already written stay once.
    std::fs::write(&errors, text.replace(";-3;", ";3;").replace(",-3,", ",3,")).unwrap();
    let out = ok(bin(dir).arg("import").arg(&errors));
    assert!(
        out.contains("thêm mới 1, cập nhật 0, không đổi 0, lỗi 0"),
        "{out}"
    );
    let out = ok(bin(dir).arg("import").arg(&file).arg("--skip-invalid"));
    assert!(
        out.contains("thêm mới 0, cập nhật 0, không đổi 2, lỗi 1"),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 3);
}

/// The export holds what the list's filters select.
#[test]
fn export_applies_the_list_filters() {
    let data = demo();
    let dir = data.path();
    let listed = list_json(dir, &["case", "--year", "2023", "--unit", "BP-LUNGCU"]);
    let out = ok(bin(dir).args([
        "export",
        "case",
        "--year",
        "2023",
        "--unit",
        "BP-LUNGCU",
        "--format",
        "csv",
    ]));
    let rows = csv_rows(&out);
    assert_eq!(rows.len() - 1, listed.len());
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    for r in &listed {
        assert!(ids.contains(&r["id"].as_str().unwrap()));
    }
    assert!(
        rows[0].iter().any(|h| h == "Thu giữ: Heroin (bánh)"),
        "{:?}",
        rows[0]
    );
    // A report's tables, as CSV.
    let report = ok(bin(dir).args(["report", "annual", "--year", "2023", "--format", "csv"]));
    assert!(report.starts_with('\u{feff}'), "{report}");
    assert!(report.contains("Đồn Biên phòng Lũng Cú"), "{report}");
    assert!(report.contains("\r\n\r\n"), "tables apart: {report}");
    // Personal data has no sheet.
    let r = run(bin(dir).args(["export", "case_subjects", "--format", "csv"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(bin(dir).args(["template", "beneficiary"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// The organisation is records too: its sheets export, import again
/// unchanged, and take new entries and corrections by code.
#[test]
fn the_organisation_and_catalogues_go_through_sheets_too() {
    let data = demo();
    let dir = data.path();
    let before = revision_count(dir);
    for t in ["unit", "link", "marker", "catalogue"] {
        let file = dir.join(format!("{t}.xlsx"));
        ok(bin(dir).args(["export", t, "-o"]).arg(&file));
        let out = ok(bin(dir).arg("import").arg(&file));
        assert!(out.contains("thêm mới 0, cập nhật 0,"), "{t}: {out}");
        assert!(out.contains("lỗi 0"), "{t}: {out}");
    }
    assert_eq!(revision_count(dir), before);

    // A new case type, then a case of it; a unit's note corrected by code.
    let file = dir.join("danhmuc.csv");
    std::fs::write(
        &file,
        "Danh mục;Mã;Tên tiếng Việt;Tên tiếng Anh
Loại vụ việc;TROMCAP;Trộm cắp;Theft
",
    )
    .unwrap();
    let out = ok(bin(dir).args(["import", "--type", "catalogue"]).arg(&file));
    assert!(out.contains("thêm mới 1"), "{out}");
    let out = ok(bin(dir).args(["import", "--type", "catalogue"]).arg(&file));
    assert!(out.contains("thêm mới 0, cập nhật 0, không đổi 1"), "{out}");
    let file = dir.join("vuviec.csv");
    std::fs::write(
        &file,
        "Ngày;Đơn vị xử lý;Loại vụ việc;Số đối tượng
05/03/2024;BP-LUNGCU;trom cap;1
",
    )
    .unwrap();
    let out = ok(bin(dir).arg("import").arg(&file));
    assert!(out.contains("thêm mới 1"), "{out}");
    let file = dir.join("donvi.csv");
    std::fs::write(
        &file,
        "Mã;Loại;Tên;Ghi chú
XA-MALE;Xã;Xã Ma Lé;Ghi chú sửa qua bảng tính
",
    )
    .unwrap();
    let out = ok(bin(dir).args(["import", "--type", "unit"]).arg(&file));
    assert!(out.contains("thêm mới 0, cập nhật 1"), "{out}");
    let units = list_json(dir, &["unit"]);
    let male = units
        .iter()
        .find(|u| u["content"]["code"] == "XA-MALE")
        .unwrap();
    assert_eq!(male["content"]["note"], "Ghi chú sửa qua bảng tính");
    assert_eq!(revision_count(dir), before + 3);
}

fn convert(soffice: &Path, file: &Path, filter: &str) {
    let dir = file.parent().unwrap();
    let out = std::process::Command::new(soffice)
        .args(["--headless", "--convert-to", filter, "--outdir"])
        .arg(dir)
        .arg(file)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A sheet as LibreOffice writes it: a title merged over the table, headers
/// merged over two rows, a group header ("Số lượt tham gia") over its
/// forces, a typed date, an Excel serial, and empty rows at the end.
const FODS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet>
<table:table table:name="Báo cáo tuần tra">
<table:table-row>
 <table:table-cell table:number-columns-spanned="5" office:value-type="string"><text:p>BÁO CÁO TUẦN TRA THÁNG 2/2027</text:p></table:table-cell>
 <table:covered-table-cell table:number-columns-repeated="4"/>
</table:table-row>
<table:table-row>
 <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>Ngày</text:p></table:table-cell>
 <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>Đơn vị chủ trì</text:p></table:table-cell>
 <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>Loại</text:p></table:table-cell>
 <table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Số lượt tham gia</text:p></table:table-cell>
 <table:covered-table-cell/>
</table:table-row>
<table:table-row>
 <table:covered-table-cell table:number-columns-repeated="3"/>
 <table:table-cell office:value-type="string"><text:p>Bộ đội Biên phòng</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Dân quân</text:p></table:table-cell>
</table:table-row>
<table:table-row>
 <table:table-cell office:value-type="date" office:date-value="2027-02-05"><text:p>05/02/2027</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Đồn Biên phòng Lũng Cú</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Tuần tra chung</text:p></table:table-cell>
 <table:table-cell office:value-type="float" office:value="5"><text:p>5</text:p></table:table-cell>
 <table:table-cell office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell>
</table:table-row>
<table:table-row>
 <table:table-cell office:value-type="float" office:value="46424"><text:p>46424</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Don Bien phong Son Vi</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Đồn tự tuần tra</text:p></table:table-cell>
 <table:table-cell office:value-type="float" office:value="1178"><text:p>1.178</text:p></table:table-cell>
 <table:table-cell/>
</table:table-row>
<table:table-row table:number-rows-repeated="3">
 <table:table-cell office:value-type="string" table:number-columns-repeated="5"><text:p></text:p></table:table-cell>
</table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document>
"#;

#[test]
fn files_written_by_libreoffice_import() {
    let Some(soffice) = common::libreoffice() else {
        return;
    };
    let data = demo();
    let dir = data.path();
    let fods = dir.join("thang4.fods");
    std::fs::write(&fods, FODS).unwrap();
    convert(&soffice, &fods, "xlsx");
    let xlsx = dir.join("thang4.xlsx");
    let before = revision_count(dir);
    // 1.178 persons of one force is asked about; confirmed here.
    let out = ok(bin(dir)
        .args(["import", "--confirm", "--type", "patrol"])
        .arg(&xlsx));
    assert!(
        out.contains("đọc 2 dòng; thêm mới 2, cập nhật 0, không đổi 0, lỗi 0"),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 2);
    let records = list_json(
        dir,
        &["patrol", "--from", "01/02/2027", "--to", "28/02/2027"],
    );
    let on = |d: &str| {
        records
            .iter()
            .find(|r| r["content"]["date"] == d)
            .unwrap_or_else(|| panic!("{d}: {records:?}"))
    };
    let a = on("2027-02-05");
    assert_eq!(a["content"]["lead_unit"], "BP-LUNGCU");
    assert_eq!(
        a["content"]["participants"],
        serde_json::json!([{"force": "BDBP", "persons": 5}, {"force": "DQ", "persons": 2}])
    );
    let b = on("2027-02-06");
    assert_eq!(b["content"]["lead_unit"], "BP-SONVI");
    assert_eq!(b["content"]["kind"], "post_only");
    assert_eq!(
        b["content"]["participants"],
        serde_json::json!([{"force": "BDBP", "persons": 1178}])
    );

    // The same sheet as a semicolon CSV in UTF-8 from LibreOffice, and as a
    // byte-order-marked copy: nothing new, both times.
    convert(
        &soffice,
        &fods,
        "csv:Text - txt - csv (StarCalc):59,34,76,1",
    );
    let csv = dir.join("thang4.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().nth(1).unwrap().contains(';'), "{text}");
    let out = ok(bin(dir).args(["import", "--type", "patrol"]).arg(&csv));
    assert!(
        out.contains("thêm mới 0, cập nhật 0, không đổi 2, lỗi 0"),
        "{out}"
    );
    let bom = dir.join("thang4-bom.csv");
    std::fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    let out = ok(bin(dir).args(["import"]).arg(&bom));
    assert!(
        out.contains("thêm mới 0, cập nhật 0, không đổi 2, lỗi 0"),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 2);
}

/// A record by id among `listed`.
fn by_id<'a>(listed: &'a [Value], id: &str) -> Option<&'a Value> {
    listed.iter().find(|r| r["id"] == id)
}

/// The persons of `force` in a patrol's JSON.
fn persons(record: &Value, force: &str) -> Option<u64> {
    record["content"]["participants"]
        .as_array()?
        .iter()
        .find(|p| p["force"] == force)
        .and_then(|p| p["persons"].as_u64())
}

/// Corrects a patrol as the API or another edge does: the whole record
/// with the Border Guard's persons changed.
fn correct_bdbp(dir: &Path, record: &Value, to: u64) {
    let mut content = record["content"].clone();
    for p in content["participants"].as_array_mut().unwrap() {
        if p["force"] == "BDBP" {
            p["persons"] = to.into();
        }
    }
    let file = dir.join("sua.json");
    std::fs::write(&file, content.to_string()).unwrap();
    ok(bin(dir)
        .args(["edit", "patrol", record["id"].as_str().unwrap(), "--json"])
        .arg(&file));
}

/// Every cell quoted, so that commas in values stay inside their cell.
fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
}

const LUNGCU_2023: [&str; 4] = ["--year", "2023", "--unit", "BP-LUNGCU"];

/// Export a post's patrols, correct one elsewhere (Border Guard persons
/// → 77) and delete another, then import the export again: the correction
/// and the deletion are kept and reported, in CSV and in XLSX, and nothing
/// is written. With --prefer-file and --restore-deleted the file wins;
/// after that the same file adds nothing.
#[test]
fn re_importing_an_export_keeps_what_was_corrected_and_deleted_since() {
    let data = demo();
    let dir = data.path();
    let csv = dir.join("tuantra.csv");
    let xlsx = dir.join("tuantra.xlsx");
    for (format, file) in [("csv", &csv), ("xlsx", &xlsx)] {
        ok(bin(dir)
            .args(["export", "patrol"])
            .args(LUNGCU_2023)
            .args(["--format", format, "-o"])
            .arg(file));
    }
    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows[0].last().unwrap(), "Phiên bản gốc", "{:?}", rows[0]);
    let listed = list_json(dir, &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"]);
    assert_eq!(rows.len() - 1, listed.len());
    let corrected = listed
        .iter()
        .find(|r| persons(r, "BDBP").is_some_and(|p| p != 77))
        .unwrap()
        .clone();
    let was = persons(&corrected, "BDBP").unwrap();
    let removed = listed.iter().find(|r| r["id"] != corrected["id"]).unwrap();
    let removed_id = removed["id"].as_str().unwrap().to_string();
    let before = revision_count(dir);
    correct_bdbp(dir, &corrected, 77);
    ok(bin(dir).args(["delete", "patrol", &removed_id]));
    assert_eq!(revision_count(dir), before + 2);

    let unchanged = listed.len() - 2;
    for file in [&csv, &xlsx] {
        for dry in [true, false] {
            let mut c = bin(dir);
            c.arg("import").arg(file);
            if dry {
                c.arg("--dry-run");
            }
            let out = ok(&mut c);
            assert!(
                out.contains(&format!(
                    "thêm mới 0, cập nhật 0, không đổi {unchanged}, lỗi 0"
                )),
                "{out}"
            );
            assert!(
                out.contains(
                    "Sửa trên hệ thống từ lần nhập trước 1, sửa ở cả hai nơi 0, đã bị xóa 1, khôi phục 0"
                ),
                "{out}"
            );
            assert!(
                out.contains(&format!(
                    "đã sửa trên hệ thống kể từ lần nhập trước, giữ nguyên: cột \"Lượt: Bộ đội Biên phòng\" trong tệp \"{was}\", trên hệ thống \"77\""
                )),
                "{out}"
            );
            assert!(
                out.contains("bản ghi đã bị xóa kể từ lần nhập trước, không khôi phục"),
                "{out}"
            );
            assert_eq!(revision_count(dir), before + 2, "nothing written");
        }
    }
    let now = list_json(dir, &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"]);
    let id = corrected["id"].as_str().unwrap();
    assert_eq!(persons(by_id(&now, id).unwrap(), "BDBP"), Some(77));
    assert!(by_id(&now, &removed_id).is_none(), "not brought back");

    // In English too.
    let out = ok(bin(dir)
        .args(["--lang", "en", "import", "--dry-run"])
        .arg(&csv));
    assert!(
        out.contains("1 changed in the store since the last import, 0 changed in both, 1 deleted since, 0 restored"),
        "{out}"
    );
    assert!(out.contains("changed since the last import, kept"), "{out}");

    // The file wins when asked to.
    let out = ok(bin(dir)
        .args(["import", "--prefer-file", "--restore-deleted"])
        .arg(&csv));
    assert!(out.contains("cập nhật 1,"), "{out}");
    assert!(out.contains("khôi phục 1"), "{out}");
    assert!(
        out.contains(&format!(
            "lấy giá trị trong tệp thay cho giá trị trên hệ thống: cột \"Lượt: Bộ đội Biên phòng\" trong tệp \"{was}\", trên hệ thống \"77\""
        )),
        "{out}"
    );
    assert_eq!(revision_count(dir), before + 4);
    let now = list_json(dir, &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"]);
    assert_eq!(persons(by_id(&now, id).unwrap(), "BDBP"), Some(was));
    let back = by_id(&now, &removed_id).expect("restored under its own id");
    assert_eq!(back["content"], removed["content"]);
    let history = ok(bin(dir).args(["history", "patrol", &removed_id]));
    assert_eq!(
        history.lines().filter(|l| !l.starts_with(' ')).count(),
        3,
        "created, deleted, restored: {history}"
    );
    ok(bin(dir).args(["store", "check"]));

    // Importing the same files again adds nothing.
    for file in [&csv, &xlsx] {
        let out = ok(bin(dir).arg("import").arg(file));
        assert!(
            out.contains(&format!(
                "thêm mới 0, cập nhật 0, không đổi {}, lỗi 0",
                listed.len()
            )),
            "{out}"
        );
        assert!(
            out.contains("Sửa trên hệ thống từ lần nhập trước 0, sửa ở cả hai nơi 0, đã bị xóa 0"),
            "{out}"
        );
    }
    assert_eq!(revision_count(dir), before + 4);
}

/// A value changed both in the file and in the store since the export:
/// the import names both values and writes nothing; --skip-invalid sets the
/// row aside; --prefer-file writes the file's value.
#[test]
fn a_value_changed_in_both_the_file_and_the_store_is_refused_with_both_values() {
    let data = demo();
    let dir = data.path();
    let csv = dir.join("tuantra.csv");
    ok(bin(dir)
        .args(["export", "patrol"])
        .args(LUNGCU_2023)
        .args(["--format", "csv", "-o"])
        .arg(&csv));
    let listed = list_json(dir, &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"]);
    let record = listed
        .iter()
        .find(|r| persons(r, "BDBP").is_some_and(|p| p != 77 && p != 9))
        .unwrap()
        .clone();
    let id = record["id"].as_str().unwrap();
    correct_bdbp(dir, &record, 77);
    // The same patrol corrected in the file, differently.
    let mut rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    let c = column(&rows, "Lượt: Bộ đội Biên phòng");
    let r = rows.iter().position(|r| r[0] == id).unwrap();
    rows[r][c] = "9".into();
    let text: Vec<String> = rows.iter().map(|r| csv_line(r)).collect();
    std::fs::write(&csv, format!("\u{feff}{}\n", text.join("\n"))).unwrap();
    let before = revision_count(dir);

    let refused = run(bin(dir).arg("import").arg(&csv));
    assert_eq!(refused.code, 2, "{}\n{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains(&format!(
            "dòng {}, cột \"Lượt: Bộ đội Biên phòng\", giá trị \"9\": cả tệp và hệ thống đều đã sửa cột này kể từ lần nhập hoặc xuất trước; trên hệ thống là \"77\"",
            r + 1
        )),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--prefer-file"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stdout.contains("sửa ở cả hai nơi 1"),
        "{}",
        refused.stdout
    );
    assert!(refused.stdout.contains("lỗi 0"), "{}", refused.stdout);
    assert_eq!(revision_count(dir), before);

    let out = ok(bin(dir).args(["import", "--skip-invalid"]).arg(&csv));
    assert!(out.contains("cập nhật 0,"), "{out}");
    let errors = std::fs::read_to_string(dir.join("tuantra-loi.csv")).unwrap();
    assert!(errors.contains(id) && errors.contains("\"77\""), "{errors}");
    assert_eq!(revision_count(dir), before);

    let out = ok(bin(dir).args(["import", "--prefer-file"]).arg(&csv));
    assert!(out.contains("cập nhật 1,"), "{out}");
    let now = list_json(dir, &["patrol", "--year", "2023", "--unit", "BP-LUNGCU"]);
    assert_eq!(persons(by_id(&now, id).unwrap(), "BDBP"), Some(9));
    assert_eq!(revision_count(dir), before + 1);
}

/// Last month's workbook, without record ids, imported again after a
/// correction and a deletion elsewhere: both are kept and the dry run
/// reports them; the file wins with --prefer-file and --restore-deleted.
#[test]
fn re_importing_a_workbook_without_ids_keeps_corrections_and_deletions() {
    let data = demo();
    let dir = data.path();
    let file = dir.join("thang3.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n{GOOD}\n11/01/2027;BP-LUNGCU;Tuần tra chung;8;;\n12/01/2027;BP-LUNGCU;Đồn tự tuần tra;4;;\n"
        ),
    )
    .unwrap();
    let out = ok(bin(dir).arg("import").arg(&file));
    assert!(out.contains("thêm mới 3,"), "{out}");
    let january = ["patrol", "--from", "01/01/2027", "--to", "31/01/2027"];
    let listed = list_json(dir, &january);
    assert_eq!(listed.len(), 3);
    let on = |d: &str| {
        listed
            .iter()
            .find(|r| r["content"]["date"] == d)
            .unwrap()
            .clone()
    };
    let (corrected, removed) = (on("2027-01-11"), on("2027-01-12"));
    correct_bdbp(dir, &corrected, 77);
    ok(bin(dir).args(["delete", "patrol", removed["id"].as_str().unwrap()]));
    let before = revision_count(dir);

    for dry in [true, false] {
        let mut c = bin(dir);
        c.arg("import").arg(&file);
        if dry {
            c.arg("--dry-run");
        }
        let out = ok(&mut c);
        assert!(
            out.contains("thêm mới 0, cập nhật 0, không đổi 1, lỗi 0"),
            "{out}"
        );
        assert!(
            out.contains("Sửa trên hệ thống từ lần nhập trước 1, sửa ở cả hai nơi 0, đã bị xóa 1"),
            "{out}"
        );
        assert!(
            out.contains("Trang \"thang3\", dòng 3: đã sửa trên hệ thống kể từ lần nhập trước, giữ nguyên: cột \"Lượt: Bộ đội Biên phòng\" trong tệp \"8\", trên hệ thống \"77\""),
            "{out}"
        );
        assert!(
            out.contains("Trang \"thang3\", dòng 4: bản ghi đã bị xóa"),
            "{out}"
        );
        assert_eq!(revision_count(dir), before);
    }
    let now = list_json(dir, &january);
    assert_eq!(now.len(), 2, "the deleted patrol stays deleted");
    let id = corrected["id"].as_str().unwrap();
    assert_eq!(persons(by_id(&now, id).unwrap(), "BDBP"), Some(77));

    let out = ok(bin(dir)
        .args(["import", "--prefer-file", "--restore-deleted"])
        .arg(&file));
    assert!(out.contains("cập nhật 1,"), "{out}");
    assert!(out.contains("khôi phục 1"), "{out}");
    let now = list_json(dir, &january);
    assert_eq!(now.len(), 3);
    assert_eq!(persons(by_id(&now, id).unwrap(), "BDBP"), Some(8));
    assert!(by_id(&now, removed["id"].as_str().unwrap()).is_some());
    assert_eq!(revision_count(dir), before + 2);
    let out = ok(bin(dir).arg("import").arg(&file));
    assert!(out.contains("thêm mới 0, cập nhật 0, không đổi 3"), "{out}");
    assert_eq!(revision_count(dir), before + 2);
}

/// An import that changes another column of a record holding a confirmed
/// unusual value asks nothing about that value; changing the value itself
/// asks again. Every record an import writes gets its audit entry, naming
/// it, as a web upload's do.
#[test]
fn a_confirmed_value_stays_confirmed_on_import_and_imports_are_audited() {
    let data = demo();
    let dir = data.path();
    let added = ok(bin(dir)
        .args(["add", "patrol", "--kind", "joint", "--date", "10/06/2023"])
        .args(["--unit", "BP-LUNGCU", "--force", "BDBP=250", "--confirm"]));
    let id = added
        .split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap_or_else(|| panic!("no record id in {added}"))
        .to_string();
    let csv = dir.join("tuantra.csv");
    ok(bin(dir)
        .args(["export", "patrol"])
        .args(LUNGCU_2023)
        .args(["--format", "csv", "-o"])
        .arg(&csv));
    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    let (notes, bdbp) = (
        column(&rows, "Ghi chú"),
        column(&rows, "Lượt: Bộ đội Biên phòng"),
    );
    let with = |change: &dyn Fn(&mut Vec<String>)| {
        let mut text = String::from("\u{feff}");
        for (i, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            if i > 0 && row.iter().any(|c| c == &id) {
                assert_eq!(row[bdbp], "250", "{row:?}");
                change(&mut row);
            }
            text.push_str(&csv_line(&row));
            text.push('\n');
        }
        std::fs::write(&csv, text).unwrap();
    };
    let before = revision_count(dir);
    with(&|row| row[notes] = "Sửa trong bảng tính".into());
    let out = ok(bin(dir).arg("import").arg(&csv));
    assert!(out.contains("cập nhật 1,"), "{out}");
    assert_eq!(revision_count(dir), before + 1);
    let shown: Value = serde_json::from_str(&ok(bin(dir).args(["show", "patrol", &id]))).unwrap();
    assert_eq!(shown["content"]["notes"], "Sửa trong bảng tính");
    assert_eq!(persons(&shown, "BDBP"), Some(250));
    let updated = common::audit_of(dir, "update");
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0].record_id.as_deref(), Some(id.as_str()));
    assert_eq!(updated[0].record_type.as_deref(), Some("patrol"));
    assert!(updated[0].detail.ends_with(" (import)"), "{updated:?}");
    assert!(updated[0].actor.starts_with("os:"), "{updated:?}");

    // The unusual value changed in the file is asked about again.
    with(&|row| {
        row[notes] = "Sửa trong bảng tính".into();
        row[bdbp] = "260".into();
    });
    let r = run(bin(dir).arg("import").arg(&csv));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("260 người"), "{}", r.stdout);
    assert_eq!(revision_count(dir), before + 1);

    // New rows: one audit entry per record created.
    let file = dir.join("moi.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\n{GOOD}\n11/01/2027;BP-LUNGCU;Tuần tra chung;4;;\n"),
    )
    .unwrap();
    let created_before = common::audit_of(dir, "create").len();
    ok(bin(dir).arg("import").arg(&file));
    let created = common::audit_of(dir, "create");
    assert_eq!(created.len(), created_before + 2, "{created:?}");
    for entry in &created[..2] {
        assert!(entry.detail.ends_with(" (import)"), "{entry:?}");
        let record = entry.record_id.as_deref().unwrap();
        assert!(
            ok(bin(dir).args(["show", "patrol", record])).contains("BP-LUNGCU"),
            "{entry:?}"
        );
    }
}
