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
    name: String,
    args: Vec<String>,
    /// The number as its style writes it.
    number: String,
    /// The complete place-date line.
    place_date: String,
    /// The issuer's superior and the signer's title, as derived.
    superior: &'static str,
    issuer: &'static str,
    signer_title: &'static str,
    /// The line that closes "Nơi nhận": the state's "- Lưu: VT.", the
    /// committee's office in the Party's (Hướng dẫn 36-HD/VPTW).
    filing: &'static str,
}

/// The issuer a report on `level` has in `party` style or the state's:
/// scope, symbol, place, the body above it, itself, the signer's title.
fn issuer_of(level: &str, party: bool) -> [&'static str; 6] {
    match (level, party) {
        ("post", false) => [
            "BP-LUNGCU",
            "BC-ĐBP",
            "Hà Giang",
            "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            "ĐỒN BIÊN PHÒNG LŨNG CÚ",
            "ĐỒN TRƯỞNG",
        ],
        ("post", true) => [
            "BP-LUNGCU",
            "BC/ĐU",
            "Hà Giang",
            "ĐẢNG BỘ BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            "ĐẢNG ỦY ĐỒN BIÊN PHÒNG LŨNG CÚ",
            "BÍ THƯ",
        ],
        ("commune", false) => [
            "XA-LUNGCU",
            "BC-UBND",
            "Lũng Cú",
            "",
            "ỦY BAN NHÂN DÂN XÃ LŨNG CÚ",
            "CHỦ TỊCH",
        ],
        ("commune", true) => [
            "XA-LUNGCU",
            "BC/ĐU",
            "Lũng Cú",
            "ĐẢNG BỘ HUYỆN ĐỒNG VĂN",
            "ĐẢNG ỦY XÃ LŨNG CÚ",
            "BÍ THƯ",
        ],
        ("district", false) => [
            "H-VIXUYEN",
            "BC-UBND",
            "Vị Xuyên",
            "",
            "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN",
            "CHỦ TỊCH",
        ],
        ("district", true) => [
            "H-VIXUYEN",
            "BC/HU",
            "Vị Xuyên",
            "ĐẢNG BỘ TỈNH HÀ GIANG",
            "HUYỆN ỦY VỊ XUYÊN",
            "BÍ THƯ",
        ],
        ("province", false) => [
            "HG",
            "BC-BĐBP",
            "Hà Giang",
            "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG",
            "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            "CHỈ HUY TRƯỞNG",
        ],
        _ => [
            "HG",
            "BC/ĐU",
            "Hà Giang",
            "ĐẢNG BỘ TỈNH HÀ GIANG",
            "ĐẢNG ỦY BỘ ĐỘI BIÊN PHÒNG TỈNH HÀ GIANG",
            "BÍ THƯ",
        ],
    }
}

/// Every report (annual review, quarter summary, briefing report) in both
/// styles for post, district and province issuers — a briefing report is
/// a post's or a border commune's, so it is printed for those two. The
/// province's documents take their numbers from the registers: the
/// command's state register numbers every report of the year in one series
/// (01, then 02), its Party committee's register apart (01, 02 again).
fn cases() -> Vec<Case> {
    let annual = ["report", "annual", "--year", "2023", "--scope"];
    let quarter = [
        "report",
        "summary",
        "--period",
        "quarter",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--scope",
    ];
    let briefing = [
        "briefing",
        "show",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--unit",
    ];
    let mut cases = Vec::new();
    let mut typed = 2;
    let mut registered = [0, 0];
    for (report, base, levels) in [
        ("annual", &annual[..], &["post", "district", "province"][..]),
        (
            "quarter",
            &quarter[..],
            &["post", "district", "province"][..],
        ),
        ("briefing", &briefing[..], &["post", "commune"][..]),
    ] {
        for level in levels {
            for party in [false, true] {
                let [scope, symbol, place, superior, issuer, signer_title] =
                    issuer_of(level, party);
                let mut args: Vec<String> = base.iter().map(|a| a.to_string()).collect();
                args.push(scope.into());
                let n = if *level == "province" {
                    args.push("--register".into());
                    registered[usize::from(party)] += 1;
                    registered[usize::from(party)]
                } else {
                    typed += 1;
                    args.extend(["--number".to_string(), typed.to_string()]);
                    typed
                };
                if party {
                    args.extend(["--style".to_string(), "party".to_string()]);
                }
                let number = if party {
                    format!("Số {n:02}-{symbol}")
                } else {
                    format!("Số: {n:02}/{symbol}")
                };
                cases.push(Case {
                    name: format!("{report}-{level}-{}", if party { "party" } else { "state" }),
                    args,
                    number,
                    place_date: format!("{place}, ngày 16 tháng 01 năm 2024"),
                    superior,
                    issuer,
                    signer_title,
                    filing: match (party, *level) {
                        (false, _) => "- Lưu: VT.",
                        (true, "district") => "- Lưu Văn phòng Huyện ủy.",
                        (true, _) => "- Lưu Văn phòng Đảng ủy.",
                    },
                });
            }
        }
    }
    cases
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
    // A document record of the demo, as its own DOCX: the first one listed.
    let listed = stdout(bin(data.path()).args(["list", "document", "--json", "--limit", "1"]));
    let record: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    let record_file = out.join("document-record.docx");
    stdout(
        bin(data.path())
            .args(["report", "document", record["id"].as_str().unwrap(), "-o"])
            .arg(&record_file),
    );
    files.push(record_file);
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
        cases.len() + 1,
        "LibreOffice printed every document"
    );
    a_record_prints_as_the_document_it_records(&pdftotext, &pdfs[cases.len()], &record["content"]);

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
        let name = &case.name;
        let first = &pages[0];
        assert!(first.contains(&case.number), "{name}: number\n{first}");
        assert!(
            first.contains(&case.place_date),
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
            case.filing,
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

/// The document record's DOCX shows its number in its style's form, its
/// issuer, its subject, and closes with every recipient and the signer's
/// block whole on one page.
fn a_record_prints_as_the_document_it_records(
    pdftotext: &Path,
    pdf: &Path,
    content: &serde_json::Value,
) {
    let pages: Vec<String> = read_pdf(pdftotext, pdf, false)
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let text = |k: &str| content[k].as_str().unwrap().to_string();
    let number = text("number");
    // The Party writes "Số 55-NQ/ĐU", the state "Số: 16/TB-BCH".
    let party = number.find('-') < number.find('/');
    let printed = if party {
        format!("Số {number}")
    } else {
        format!("Số: {number}")
    };
    let first = &pages[0];
    assert!(first.contains(&printed), "{printed}\n{first}");
    assert!(
        first.contains(&text("issuer").to_uppercase()),
        "issuer\n{first}"
    );
    let title = text("title");
    let words: Vec<&str> = title.split_whitespace().take(6).collect();
    assert!(first.contains(&words.join(" ")), "subject\n{first}");
    let closing: Vec<&String> = pages.iter().filter(|p| p.contains("Nơi nhận:")).collect();
    assert_eq!(closing.len(), 1, "one closing block");
    let after = &closing[0][closing[0].find("Nơi nhận:").unwrap()..];
    assert_eq!(
        after.matches(';').count(),
        content["recipients"].as_array().unwrap().len(),
        "every recipient in \"Nơi nhận\"\n{after}"
    );
    let filing = if party {
        "- Lưu Văn phòng "
    } else {
        "- Lưu: VT."
    };
    assert!(after.contains(filing), "{filing}\n{after}");
    assert!(!after.contains("chưa xác minh"), "placeholder\n{after}");
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

/// `n` as English writes it: `1,178`; `0.43`.
fn english_number(n: &str) -> String {
    let (int, frac) = n.split_once('.').map_or((n, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

/// `n` as Vietnamese writes it: `1.178`; `0,43`.
fn vietnamese_number(n: &str) -> String {
    english_number(n)
        .chars()
        .map(|c| match c {
            ',' => '.',
            '.' => ',',
            c => c,
        })
        .collect()
}

/// The annual review, the quarter summary and a briefing report rendered
/// in English for foreign partners (`--lang en`), printed by LibreOffice:
/// no Vietnamese boilerplate is left — the national title, the motto, the
/// date line, "Nơi nhận", the filing line are English — unit names keep
/// their diacritics, and the figures are the Vietnamese document's, in
/// English style.
#[test]
fn the_english_rendering_states_the_same_figures() {
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
    let annual = ["report", "annual", "--year", "2023", "--scope", "HG"];
    let summary = [
        "report",
        "summary",
        "--period",
        "quarter",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--scope",
        "HG",
    ];
    let briefing = [
        "briefing",
        "show",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--unit",
        "BP-LUNGCU",
    ];
    let mut files = Vec::new();
    for (name, args, style) in [
        ("annual", &annual[..], "state"),
        ("annual-party", &annual[..], "party"),
        ("summary", &summary[..], "state"),
        ("briefing", &briefing[..], "state"),
    ] {
        for lang in ["vi", "en"] {
            let file = out.join(format!("{name}-{lang}.docx"));
            stdout(
                bin(data.path())
                    .args(["--lang", lang])
                    .args(args)
                    .args(["--format", "docx", "--date", "16/01/2024", "--number", "7"])
                    .args(["--style", style, "--signer-name", "Nguyễn Văn A", "-o"])
                    .arg(&file),
            );
            files.push(file);
        }
    }
    let status = std::process::Command::new(&soffice)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&files)
        .env("HOME", data.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    let text = |f: &PathBuf| {
        read_pdf(&pdftotext, &f.with_extension("pdf"), false)
            .iter()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // The figures, as the records give them.
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&stdout(
            bin(data.path()).args(args).args(["--format", "json"]),
        ))
        .unwrap()
    };
    let number = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let review = json(&annual);
    let mut annual_figures: Vec<String> = [
        &review["patrols"]["count"],
        &review["patrols"]["border_guard_persons"],
        &review["patrols"]["other_persons"],
        &review["cases"]["count"],
        &review["cases"]["subjects"],
        &review["propaganda"]["sessions"],
        &review["propaganda"]["listeners"],
    ]
    .into_iter()
    .map(number)
    .collect();
    for s in review["seizures"].as_array().unwrap() {
        annual_figures.push(number(&s["quantity"]));
    }
    assert!(
        annual_figures.iter().any(|n| n.len() > 3),
        "{annual_figures:?}"
    );
    let shown = json(&briefing);
    let briefing_figures: Vec<String> = shown["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| number(&f["value"]))
        .collect();
    // The catalogue's Vietnamese names and measures the reports show, where
    // they are written otherwise in English (the catalogue has both).
    let mut catalogue_vi: Vec<String> = Vec::new();
    for line in review["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .chain(review["cases"]["by_type"].as_array().unwrap())
    {
        for field in ["name", "measure"] {
            if let Some(word) = line[field].as_str()
                && !word.is_ascii()
            {
                catalogue_vi.push(word.to_string());
            }
        }
    }
    assert!(
        catalogue_vi.iter().any(|n| n == "Ma túy"),
        "the demo's case types are named: {catalogue_vi:?}"
    );
    let quarter = json(&summary);
    let summary_figures: Vec<String> = [
        &quarter["patrols"]["count"]["current"],
        &quarter["patrols"]["border_guard_persons"]["current"],
        &quarter["cases"]["count"]["current"],
        &quarter["cases"]["subjects"]["current"],
        &quarter["propaganda"]["listeners"]["current"],
    ]
    .into_iter()
    .map(number)
    .collect();

    for (i, (name, figures)) in [
        ("annual", &annual_figures),
        ("annual-party", &annual_figures),
        ("summary", &summary_figures),
        ("briefing", &briefing_figures),
    ]
    .into_iter()
    .enumerate()
    {
        let vi = text(&files[2 * i]);
        let en = text(&files[2 * i + 1]);
        for boilerplate in [
            "CỘNG HÒA",
            "Độc lập",
            "ĐẢNG CỘNG SẢN",
            "Nơi nhận",
            "ngày",
            "tháng",
            "Lưu",
            "BÁO CÁO",
            "Phạm vi",
            "Số:",
            "so với cùng kỳ",
            "Đơn vị khác",
        ] {
            assert!(
                !en.contains(boilerplate),
                "{name}: {boilerplate} left\n{en}"
            );
        }
        // Nothing of the catalogue, nor a Vietnamese "on behalf of", is left
        // in Vietnamese; the same words are in the Vietnamese document.
        for word in catalogue_vi
            .iter()
            .map(String::as_str)
            .chain(["TM.", "T/M"])
        {
            assert!(!en.contains(word), "{name}: {word} left in English\n{en}");
        }
        if name != "briefing" {
            assert!(
                catalogue_vi.iter().any(|w| vi.contains(w.as_str())),
                "{name}: the Vietnamese document names the catalogue\n{vi}"
            );
        }
        let party = name.ends_with("party");
        for part in [
            if party {
                "COMMUNIST PARTY OF VIET NAM"
            } else {
                "SOCIALIST REPUBLIC OF VIET NAM"
            },
            if party { "No. 07-" } else { "No.: 07/" },
            if party {
                "- Archived: Office of the Party Committee."
            } else {
                "- Archived: Records Office."
            },
            "Hà Giang, 16 January 2024",
            "REPORT",
            "Recipients:",
            "(for information);",
            "Nguyễn Văn A",
        ] {
            assert!(en.contains(part), "{name}: {part}\n{en}");
        }
        if !party {
            assert!(
                en.contains("Independence – Freedom – Happiness"),
                "{name}\n{en}"
            );
        }
        // Proper nouns keep their diacritics.
        assert!(
            en.contains("HÀ GIANG") || en.contains("LŨNG CÚ"),
            "{name}: the issuer's name\n{en}"
        );
        for n in figures.iter() {
            assert!(
                vi.contains(&vietnamese_number(n)),
                "{name}: {n} in Vietnamese\n{vi}"
            );
            assert!(
                en.contains(&english_number(n)),
                "{name}: {n} in English\n{en}"
            );
            if n.len() > 3 && !n.contains('.') {
                assert!(
                    !en.contains(&vietnamese_number(n)),
                    "{name}: {n} written the Vietnamese way in English\n{en}"
                );
            }
        }
    }
}
