//! `bienphong attach | attachments | detach` on the demo store: a file
//! attached from the command line, listed, written back out, refused by
//! its content and its size, and removed with its history kept.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests"
)]

mod common;

use common::{bin, demo, list_json, run, stdout};

#[test]
fn a_file_is_attached_listed_written_out_refused_by_content_and_size_and_removed() {
    let d = demo();
    let data = d.path();
    let case = list_json(data, &["case"]).remove(0);
    let id = case["id"].as_str().unwrap().to_string();
    let files = tempfile::tempdir().unwrap();
    let scan = files.path().join("Biên bản.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 5000));
    std::fs::write(&scan, &bytes).unwrap();
    let said = stdout(bin(data).args(["attach", "case", &id]).arg(&scan));
    assert!(said.contains("Đã đính kèm tệp"), "{said}");
    let hash = said.lines().last().unwrap().trim().to_string();
    assert_eq!(hash.len(), 64);
    // The same file again adds nothing.
    let again = stdout(bin(data).args(["attach", "case", &id]).arg(&scan));
    assert!(again.contains("đã có tệp này"), "{again}");
    let listed = stdout(bin(data).args(["attachments", "case", &id]));
    assert!(
        listed.contains(&hash) && listed.contains("Biên bản.pdf"),
        "{listed}"
    );
    assert!(listed.contains("4,9 KB"), "{listed}");
    let out = files.path().join("ra.pdf");
    stdout(
        bin(data)
            .args(["attachments", "case", &id, "--get", &hash, "--out"])
            .arg(&out),
    );
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // A web page named .pdf is refused by what it is.
    let page = files.path().join("trang.pdf");
    std::fs::write(&page, "<html><script>alert(1)</script></html>").unwrap();
    let r = run(bin(data).args(["attach", "case", &id]).arg(&page));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("text/html"), "{}", r.stderr);
    // Above the limit, refused before it is read.
    let r = run(bin(data)
        .args(["attach", "case", &id, "--max-size", "4KB"])
        .arg(&scan));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("4 KB"), "{}", r.stderr);
    let said = stdout(bin(data).args(["detach", "case", &id, &hash]));
    assert!(said.contains("Đã gỡ tệp"), "{said}");
    let listed = stdout(bin(data).args(["attachments", "case", &id, "--json"]));
    assert_eq!(listed.trim(), "[]");
    // Personal data needs --restricted, as show does.
    let r = run(bin(data).args(["attachments", "case_subjects", &id]));
    assert_ne!(r.code, 0);
}
