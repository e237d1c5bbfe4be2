//! The official documents as a staff officer sends them: every report
//! (annual review, quarter summary, briefing report) in both styles (state,
//! Party) for post, district and province issuers, printed by LibreOffice
//! and read back page by page with poppler's `pdftotext -layout`.
//!
//! Where LibreOffice or poppler is missing the test is skipped with a note,
//! unless `BIENPHONG_REQUIRE_LIBREOFFICE` is set (CI): then it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use common::{bin, stdout, tool};
use std::path::{Path, PathBuf};

/// One document to render and what its pages must show.
struct Case {
    name: &'static str,
    args: Vec<&'static str>,
    /// The number as its style writes it.
    number: &'static str,
    /// The complete place-date line.
    place_date: &'static str,
    /// The issuer's superior and the signer's title, as derived.
    superior: &'static str,
    issuer: &'static str,
    signer_title: &'static str,
}

fn cases() -> Vec<Case> {
    let annual = vec!["report", "annual", "--year", "2023"];
    let quarter = vec![
        "report",
        "summary",
        "--period",
        "quarter",
        "--year",
        "2024",
        "--quarter",
        "1",
    ];
    let briefing = vec![
        "briefing",
        "show",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--unit",
    ];
    let with = |base: &Vec<&'static str>, more: &[&'static str]| {
        let mut v = base.clone();
        v.extend_from_slice(more);
        v
    };
    vec![
        Case {
            name: "annual-province-state",
            args: with(&annual, &["--scope", "HG", "--number", "5"]),
            number: "Số: 05/BC-BĐBP",
            place_date: "Hà Giang, ngày 16 tháng 01 năm 2024",
            superior: "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG",
            issuer: "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            signer_title: "CHỈ HUY TRƯỞNG",
        },
        Case {
            name: "annual-province-party",
            args: with(
                &annual,
                &["--scope", "HG", "--number", "2", "--style", "party"],
            ),
            number: "Số 02-BC/ĐU",
            place_date: "Hà Giang, ngày 16 tháng 01 năm 2024",
            superior: "ĐẢNG BỘ TỈNH HÀ GIANG",
            issuer: "ĐẢNG ỦY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            signer_title: "BÍ THƯ",
        },
        Case {
            name: "quarter-post-state",
            args: with(&quarter, &["--scope", "BP-LUNGCU", "--number", "3"]),
            number: "Số: 03/BC-ĐBP",
            place_date: "Hà Giang, ngày 16 tháng 01 năm 2024",
            superior: "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            issuer: "ĐỒN BIÊN PHÒNG LŨNG CÚ",
            signer_title: "ĐỒN TRƯỞNG",
        },
        Case {
            name: "quarter-district-party",
            args: with(
                &quarter,
                &["--scope", "H-VIXUYEN", "--number", "4", "--style", "party"],
            ),
            number: "Số 04-BC/HU",
            place_date: "Vị Xuyên, ngày 16 tháng 01 năm 2024",
            superior: "ĐẢNG BỘ TỈNH HÀ GIANG",
            issuer: "HUYỆN ỦY VỊ XUYÊN",
            signer_title: "BÍ THƯ",
        },
        Case {
            name: "quarter-district-state",
            args: with(&quarter, &["--scope", "H-VIXUYEN", "--number", "6"]),
            number: "Số: 06/BC-UBND",
            place_date: "Vị Xuyên, ngày 16 tháng 01 năm 2024",
            superior: "",
            issuer: "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN",
            signer_title: "CHỦ TỊCH",
        },
        Case {
            name: "briefing-post-state",
            args: with(&briefing, &["BP-LUNGCU", "--number", "7"]),
            number: "Số: 07/BC-ĐBP",
            place_date: "Hà Giang, ngày 16 tháng 01 năm 2024",
            superior: "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            issuer: "ĐỒN BIÊN PHÒNG LŨNG CÚ",
            signer_title: "ĐỒN TRƯỞNG",
        },
        Case {
            name: "briefing-post-party",
            args: with(
                &briefing,
                &["BP-LUNGCU", "--number", "8", "--style", "party"],
            ),
            number: "Số 08-BC/ĐU",
            place_date: "Hà Giang, ngày 16 tháng 01 năm 2024",
            superior: "ĐẢNG BỘ BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            issuer: "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
            signer_title: "BÍ THƯ",
        },
    ]
}

/// The pages of a PDF as `pdftotext` reads them: laid out as printed
/// (`-layout`, columns side by side) or in reading order (each column's
/// lines together, so a wrapped header line reads whole).
fn read_pdf(pdftotext: &Path, pdf: &Path, layout: bool) -> Vec<String> {
    let mut c = std::process::Command::new(pdftotext);
    if layout {
        c.arg("-layout");
    }
    let out = c
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_report_prints_ready_to_send() {
    let Some(soffice) = tool(&["/usr/bin/libreoffice", "/usr/bin/soffice"], "LibreOffice") else {
        return;
    };
    let Some(pdftotext) = tool(&["/usr/bin/pdftotext"], "pdftotext (poppler-utils)") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    bin(data.path()).arg("demo").assert().success();
    let out = data.path().join("out");
    std::fs::create_dir(&out).unwrap();

    let cases = cases();
    let mut files = Vec::new();
    for case in &cases {
        let file = out.join(format!("{}.docx", case.name));
        stdout(
            bin(data.path())
                .args(&case.args)
                .args(["--format", "docx", "--date", "16/01/2024"])
                .args(["--recipient", "Thường trực Huyện ủy Đồng Văn"])
                .args(["--signer-name", "Nguyễn Văn A", "-o"])
                .arg(&file),
        );
        files.push(file);
    }
    // One LibreOffice start for all the documents.
    let mut pdfs: Vec<PathBuf> = files.iter().map(|f| f.with_extension("pdf")).collect();
    for _ in 0..3 {
        let status = std::process::Command::new(&soffice)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .args(&files)
            .env("HOME", data.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        if pdfs.iter().all(|p| p.exists()) {
            break;
        }
    }
    pdfs.retain(|p| p.exists());
    assert_eq!(
        pdfs.len(),
        cases.len(),
        "LibreOffice printed every document"
    );

    for (case, pdf) in cases.iter().zip(&pdfs) {
        // Each page in reading order, words joined: a header line or a
        // recipient wrapped in its column reads whole.
        let pages: Vec<String> = read_pdf(&pdftotext, pdf, false)
            .iter()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            pages.len(),
            read_pdf(&pdftotext, pdf, true).len(),
            "both readings page alike"
        );
        let all = pages.join("\n");
        let name = case.name;
        let first = &pages[0];
        assert!(first.contains(case.number), "{name}: number\n{first}");
        assert!(
            first.contains(case.place_date),
            "{name}: place-date line\n{first}"
        );
        assert!(first.contains(case.issuer), "{name}: issuer\n{first}");
        if !case.superior.is_empty() {
            assert!(first.contains(case.superior), "{name}: superior\n{first}");
        }
        // The machine lines do not open the body; the period is in a
        // footnote, without the list dash.
        assert!(!all.contains("- Phạm vi:"), "{name}: machine line\n{first}");
        assert!(
            !all.contains("- Thời gian lấy số liệu"),
            "{name}: machine line"
        );
        assert!(!all.contains("chưa xác minh"), "{name}: placeholder");
        assert!(!all.contains(" 00 "), "{name}: a padded zero\n{all}");

        // The closing block is whole on one page: recipients, the archive
        // line, the signer's title and name.
        let closing: Vec<usize> = (0..pages.len())
            .filter(|&i| pages[i].contains("Nơi nhận:"))
            .collect();
        assert_eq!(closing.len(), 1, "{name}: one closing block");
        let page = &pages[closing[0]];
        for part in [
            "- Lưu: VT.",
            case.signer_title,
            "Nguyễn Văn A",
            "- Thường trực Huyện ủy Đồng Văn;",
        ] {
            assert!(
                page.contains(part),
                "{name}: {part} not on the page of \"Nơi nhận\"\n{page}"
            );
        }
        // The superior body is among the recipients.
        assert!(
            page.contains("(để báo cáo);"),
            "{name}: the superior among the recipients\n{page}"
        );
        // The closing block's page holds some of the body too, not the
        // signature alone.
        let at = page.find("Nơi nhận:").unwrap();
        assert!(
            page[..at].split_whitespace().count() >= 20 || closing[0] == 0,
            "{name}: the signature stands alone on its page\n{page}"
        );
    }
}

/// A joint briefing report both chains sign — the post's commander and
/// the commune's Party secretary, each on their own installation's CLI —
/// prints both signer blocks side by side, whole on one page, with the
/// signed state; a signature made before a change is printed as void.
#[test]
fn a_joint_report_prints_both_signer_blocks_on_one_page() {
    let Some(soffice) = tool(&["/usr/bin/libreoffice", "/usr/bin/soffice"], "LibreOffice") else {
        return;
    };
    let Some(pdftotext) = tool(&["/usr/bin/pdftotext"], "pdftotext (poppler-utils)") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    bin(data.path()).arg("demo").assert().success();
    let at = |c: &mut assert_cmd::Command| {
        c.env("BIENPHONG_NOW", "2024-03-20");
    };
    let mut write = bin(data.path());
    at(&mut write);
    stdout(write.args([
        "briefing",
        "write",
        "--unit",
        "BP-LUNGCU",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--results",
        "Hai bên phối hợp tuần tra chung, tuyên truyền Luật Biên phòng Việt Nam tại các thôn.",
        "--signer",
        "commander@BP-LUNGCU",
        "--signer",
        "party_secretary@XA-LUNGCU",
    ]));
    let id = common::list_json(data.path(), &["briefing_report", "--unit", "BP-LUNGCU"])
        .into_iter()
        .find(|r| r["content"]["year"] == 2024 && r["content"]["quarter"] == 1)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (signer, name) in [
        ("commander@BP-LUNGCU", "Nguyễn Văn A"),
        ("party_secretary@XA-LUNGCU", "Hoàng Thị B"),
    ] {
        let mut sign = bin(data.path());
        at(&mut sign);
        stdout(sign.args(["signoff", "sign", &id, "--as", signer, "--name", name]));
    }
    let shown = stdout(bin(data.path()).args(["signoff", "show", &id]));
    assert!(shown.contains("fully_signed"), "{shown}");

    let out = data.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let file = out.join("joint.docx");
    stdout(
        bin(data.path())
            .args(["briefing", "show", "--year", "2024", "--quarter", "1"])
            .args(["--unit", "BP-LUNGCU", "--number", "9", "--format", "docx"])
            .args(["--date", "21/03/2024", "-o"])
            .arg(&file),
    );
    let status = std::process::Command::new(&soffice)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(&file)
        .env("HOME", data.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    let pdf = file.with_extension("pdf");
    let pages: Vec<String> = read_pdf(&pdftotext, &pdf, false)
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let signed: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].contains("ĐỒN TRƯỞNG") || pages[i].contains("BÍ THƯ"))
        .collect();
    assert_eq!(signed.len(), 1, "both signer blocks on one page\n{pages:?}");
    let page = &pages[signed[0]];
    for part in [
        "ĐỒN TRƯỞNG",
        "BÍ THƯ",
        "TM. ĐẢNG ỦY",
        "Nguyễn Văn A",
        "Hoàng Thị B",
        "Nơi nhận:",
        "- Lưu: VT.",
    ] {
        assert!(
            page.contains(part),
            "{part} not on the signers' page\n{page}"
        );
    }
    assert_eq!(
        page.matches("(Đã ký ngày 20/03/2024)").count(),
        2,
        "both signed\n{page}"
    );
    // Laid out side by side: the blocks' first lines share a printed line.
    let layout = read_pdf(&pdftotext, &pdf, true);
    assert!(
        layout[signed[0]]
            .lines()
            .any(|l| l.contains("ĐỒN BIÊN PHÒNG LŨNG CÚ") && l.contains("TM. ĐẢNG ỦY")),
        "the blocks side by side\n{}",
        layout[signed[0]]
    );
}
