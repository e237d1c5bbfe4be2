//! `bienphong edxml export | import | verify` on the demo store: a
//! document and a report go out as signed edXML packets (the report's
//! DOCX as the report crate renders it, stamped by a timestamp server
//! that `openssl ts -reply` answers), come back in as documents with
//! their files and signature states, a replacement and a revocation mark
//! the earlier documents, and damaged packets are refused with nothing
//! written.
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
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::Command;

fn tool(cmd: &mut Command) {
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A signer's PKCS#12 file made with openssl, passphrase "mật khẩu".
fn signer(dir: &Path) -> std::path::PathBuf {
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-x509", "-utf8", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "key.pem", "-out", "cert.pem", "-days", "30"])
            .args(["-subj", "/CN=Nguyễn Văn Ánh/O=Đồn Biên phòng Lũng Cú"]),
    );
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem"])
            .args(["-out", "signer.p12", "-passout", "pass:mật khẩu"]),
    );
    dir.join("signer.p12")
}

/// Gives units agency identifiers, as `org codes import` does.
fn agency_ids(data: &Path, ids: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("codes.csv");
    let mut csv = "unit,admin_code,valid_from,valid_to,agency_id\n".to_string();
    for (unit, id) in ids {
        csv.push_str(&format!("{unit},,,,{id}\n"));
    }
    std::fs::write(&file, csv).unwrap();
    stdout(bin(data).args(["org", "codes", "import"]).arg(&file));
}

/// The unit's agency identifier taken away, as an administrator editing
/// the unit would (the demo gives every unit one).
fn without_agency_id(data: &Path, unit: &str) {
    let record = list_json(data, &["unit"])
        .into_iter()
        .find(|u| u["content"]["code"] == unit)
        .unwrap();
    let mut content = record["content"].clone();
    content.as_object_mut().unwrap().remove("agency_id");
    let id: bienphong_domain::RecordId = record["id"].as_str().unwrap().parse().unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = bienphong_store::SqlStore::open_sqlite(&data.join("bienphong.sqlite"))
            .await
            .unwrap();
        let service = bienphong_service::Service::new(store);
        let actor = bienphong_service::Actor {
            name: "admin".into(),
            now_ms: 0,
        };
        let content = bienphong_domain::Content::from_json(
            bienphong_domain::RecordType::Unit,
            &content.to_string(),
        )
        .unwrap();
        service.edit(&actor, id, None, content).await.unwrap();
    });
}

fn show(data: &Path, id: &str) -> Value {
    serde_json::from_str(&stdout(bin(data).args(["show", "document", id]))).unwrap()
}

fn import(data: &Path, file: &Path) -> Value {
    serde_json::from_str(&stdout(
        bin(data)
            .args(["--lang", "en", "edxml", "import", "--json"])
            .arg(file),
    ))
    .unwrap()
}

/// A document of the demo store with a number and recipients.
fn a_sent_document(data: &Path) -> Value {
    list_json(data, &["document"])
        .into_iter()
        .find(|d| {
            d["content"]["number"]
                .as_str()
                .is_some_and(|n| n.contains('/'))
                && d["content"]["recipients"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
        })
        .unwrap()
}

#[test]
fn a_document_goes_out_signed_and_comes_back_in_with_its_files() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let doc = a_sent_document(data.path());
    let id = doc["id"].as_str().unwrap().to_string();
    let unit = doc["content"]["unit"].as_str().unwrap().to_string();
    let recipients: Vec<String> = doc["content"]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unit"].as_str().unwrap().to_string())
        .collect();
    let packet = dir.path().join("out.edxml");

    // Without an agency identifier the unit is named and nothing is written.
    without_agency_id(data.path(), &unit);
    let refused = run(bin(data.path())
        .args(["--lang", "en", "edxml", "export", "document", &id, "--out"])
        .arg(&packet));
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("has no agency identifier") && refused.stderr.contains(&unit),
        "{}",
        refused.stderr
    );
    assert!(!packet.exists());

    let mut ids = vec![(unit.as_str(), "999.01.32.H02".to_string())];
    for (i, r) in recipients.iter().enumerate() {
        ids.push((r.as_str(), format!("999.{:02}.40.H02", i + 1)));
    }
    let ids: Vec<(&str, &str)> = ids.iter().map(|(u, a)| (*u, a.as_str())).collect();
    agency_ids(data.path(), &ids);

    // The document's DOCX as the report crate renders it, and an annex
    // attached to the record.
    let docx = dir.path().join("bao-cao.docx");
    stdout(
        bin(data.path())
            .args(["report", "annual", "--year", "2023", "--scope", "HG"])
            .args([
                "--number",
                "5",
                "--format",
                "docx",
                "--date",
                "16/01/2024",
                "-o",
            ])
            .arg(&docx),
    );
    let annex = dir.path().join("phu-luc.txt");
    std::fs::write(&annex, "Phụ lục: 1.178 lượt tuần tra\n").unwrap();
    stdout(
        bin(data.path())
            .args(["attach", "document", &id])
            .arg(&annex),
    );

    let p12 = signer(dir.path());
    let out = stdout(
        bin(data.path())
            .env("BIENPHONG_SIGN_PASSPHRASE", "mật khẩu")
            .args(["--lang", "en", "edxml", "export", "document", &id])
            .arg("--file")
            .arg(&docx)
            .args([
                "--signer-name",
                "Nguyễn Văn Ánh",
                "--signer-position",
                "Đồn trưởng",
            ])
            .args([
                "--priority",
                "1",
                "--scope",
                "Trong ngành",
                "--sign-files",
                "--sign",
            ])
            .arg(&p12)
            .arg("--out")
            .arg(&packet),
    );
    assert!(out.contains("CN=Nguyễn Văn Ánh"), "{out}");

    // The packet read back says what the record says.
    let r = bienphong_edxml::read(&std::fs::read(&packet).unwrap()).unwrap();
    let p = &r.packet;
    assert_eq!(
        p.number_and_notation(),
        doc["content"]["number"].as_str().unwrap()
    );
    assert_eq!(p.subject, doc["content"]["title"].as_str().unwrap());
    assert_eq!(
        p.date.unwrap().to_string(),
        doc["content"]["date"].as_str().unwrap()
    );
    assert_eq!(p.from.id, "999.01.32.H02");
    assert_eq!(p.to.len(), recipients.len());
    assert_eq!(p.priority, 1);
    assert_eq!(p.signer.full_name, "Nguyễn Văn Ánh");
    assert_eq!(
        p.type_detail,
        doc["content"]["document_type"].as_str().unwrap()
    );
    let document_id = p.document_id.clone();
    let names: Vec<&str> = p.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["phu-luc.txt", "bao-cao.docx"]);
    assert_eq!(p.attachments[1].bytes, std::fs::read(&docx).unwrap());
    assert_eq!(r.signature.as_str(), "valid");
    assert_eq!(r.file_signatures.len(), 1);
    assert_eq!(r.file_signatures[0].1.as_str(), "valid");

    // verify says the same and writes nothing.
    let before = revision_count(data.path());
    let v: Value = serde_json::from_str(&stdout(
        bin(data.path())
            .args(["edxml", "verify", "--json"])
            .arg(&packet),
    ))
    .unwrap();
    assert_eq!(v["signature"], "valid");
    assert!(v["subject"].as_str().unwrap().contains("Nguyễn Văn Ánh"));
    assert_eq!(v["files"][0]["state"], "valid");
    assert_eq!(revision_count(data.path()), before);

    // Taken in: a document with its two files (the signature is not a
    // file of the document), its recipients, its signature state.
    let imported = import(data.path(), &packet);
    assert_eq!(imported["kind"], "new");
    assert_eq!(imported["files"], 2);
    let new_id = imported["id"].as_str().unwrap();
    let shown = show(data.path(), new_id);
    let c = &shown["content"];
    assert_eq!(c["number"], doc["content"]["number"]);
    assert_eq!(c["title"], doc["content"]["title"]);
    assert_eq!(c["unit"], recipients[0].as_str());
    assert_eq!(c["recipients"].as_array().unwrap().len(), recipients.len());
    assert!(c["recipients"][0].get("acknowledged_on").is_none());
    assert_eq!(c["exchange"]["direction"], "incoming");
    assert_eq!(c["exchange"]["status"], "received");
    assert_eq!(c["exchange"]["signature"]["state"], "valid");
    assert!(
        c["exchange"]["signature"]["subject"]
            .as_str()
            .unwrap()
            .contains("Nguyễn Văn Ánh")
    );
    assert_eq!(c["exchange"]["file_signatures"][0]["file"], "bao-cao.docx");
    assert_eq!(c["exchange"]["file_signatures"][0]["state"], "valid");
    let files = stdout(bin(data.path()).args(["attachments", "document", new_id, "--json"]));
    assert!(
        files.contains("bao-cao.docx") && files.contains("phu-luc.txt"),
        "{files}"
    );
    let got = dir.path().join("got.docx");
    let hash = bienphong_store::sha256_hex(&std::fs::read(&docx).unwrap());
    stdout(
        bin(data.path())
            .args(["attachments", "document", new_id, "--get", &hash, "--out"])
            .arg(&got),
    );
    assert_eq!(std::fs::read(&got).unwrap(), std::fs::read(&docx).unwrap());

    // An edit from a file without the exchange (as a form posts it)
    // keeps it: it is set by packets only.
    let mut edited = c.clone();
    edited.as_object_mut().unwrap().remove("exchange");
    edited["title"] = Value::from("Tiêu đề sửa");
    let json = dir.path().join("edit.json");
    std::fs::write(&json, edited.to_string()).unwrap();
    stdout(
        bin(data.path())
            .args(["edit", "document", new_id, "--json"])
            .arg(&json),
    );
    let after = show(data.path(), new_id);
    assert_eq!(after["content"]["title"], "Tiêu đề sửa");
    assert_eq!(after["content"]["exchange"], c["exchange"]);

    // Nor can an edit or a new record claim a signature.
    let mut forged = after["content"].clone();
    forged["exchange"]["signature"]["state"] = Value::from("invalid");
    std::fs::write(&json, forged.to_string()).unwrap();
    let before = revision_count(data.path());
    let r = run(bin(data.path())
        .args(["--lang", "en", "edit", "document", new_id, "--json"])
        .arg(&json));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("edXML packets only"), "{}", r.stderr);
    let r = run(bin(data.path())
        .args(["--lang", "en", "add", "document", "--json"])
        .arg(&json));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("edXML packets only"), "{}", r.stderr);
    assert_eq!(revision_count(data.path()), before);

    // The same packet again: refused, nothing written.
    let before = revision_count(data.path());
    let again = run(bin(data.path())
        .args(["--lang", "en", "edxml", "import"])
        .arg(&packet));
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("received before"), "{}", again.stderr);
    assert_eq!(revision_count(data.path()), before);

    // A tampered packet is taken in with its signature shown invalid.
    let text = std::fs::read_to_string(&packet).unwrap();
    let title = doc["content"]["title"].as_str().unwrap();
    let tampered = text
        .replace(title, &format!("{title} (sửa)"))
        .replace(&document_id, "999.01.32.H02,2099,1");
    assert_ne!(tampered, text);
    let t = dir.path().join("tampered.edxml");
    std::fs::write(&t, tampered).unwrap();
    let imported = import(data.path(), &t);
    assert_eq!(imported["exchange"]["signature"]["state"], "invalid");
    assert!(
        imported["exchange"]["signature"]["reason"]
            .as_str()
            .unwrap()
            .contains("changed")
    );
}

/// A packet from the province command to the post, built as its sender
/// would (`kind`, the earlier document it concerns, one text file).
fn incoming(kind: bienphong_edxml::MessageKind, number: &str, concerns: &[String]) -> String {
    let p = bienphong_edxml::Packet {
        from: bienphong_edxml::Organ {
            id: "999.00.32.H02".into(),
            name: "Bộ Chỉ huy BĐBP tỉnh Hà Giang".into(),
        },
        to: vec![bienphong_edxml::Organ {
            id: "999.01.32.H02".into(),
            name: "Đồn Biên phòng".into(),
        }],
        document_id: format!("999.00.32.H02,2024,{number}"),
        code_number: number.into(),
        code_notation: "KH-BCH".into(),
        place: "Hà Giang".into(),
        date: Some(jiff::civil::date(2024, 3, 1)),
        type_code: 1,
        type_detail: String::new(),
        type_name: "Kế hoạch".into(),
        subject: format!("Kế hoạch tuần tra chung số {number}"),
        kind,
        reason: "Điều chỉnh".into(),
        concerns: concerns.to_vec(),
        attachments: vec![bienphong_edxml::Attachment {
            content_id: "1".into(),
            name: "ke-hoach.txt".into(),
            content_type: "text/plain".into(),
            description: String::new(),
            bytes: format!("Kế hoạch {number}\n").into_bytes(),
        }],
        ..Default::default()
    };
    bienphong_edxml::write(&p).unwrap()
}

#[test]
fn replacements_and_revocations_mark_the_earlier_document_and_bad_packets_change_nothing() {
    use bienphong_edxml::MessageKind as K;
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let post = common::a_verified_post(data.path());
    agency_ids(data.path(), &[(post.as_str(), "999.01.32.H02")]);
    let file = |name: &str, xml: String| {
        let f = dir.path().join(name);
        std::fs::write(&f, xml).unwrap();
        f
    };

    let first = import(data.path(), &file("20.edxml", incoming(K::New, "20", &[])));
    let first_id = first["id"].as_str().unwrap().to_string();
    assert_eq!(
        show(data.path(), &first_id)["content"]["unit"],
        post.as_str()
    );
    assert_eq!(first["exchange"]["signature"]["state"], "unsigned");

    let second = import(
        data.path(),
        &file(
            "25.edxml",
            incoming(K::Replacement, "25", &["999.00.32.H02,2024,20".into()]),
        ),
    );
    assert_eq!(second["kind"], "replacement");
    assert_eq!(second["earlier"], first_id.as_str());
    let earlier = show(data.path(), &first_id);
    let superseded = &earlier["content"]["exchange"]["superseded"];
    assert_eq!(superseded["kind"], "replacement");
    assert_eq!(superseded["by"], "999.00.32.H02,2024,25");
    // The earlier document keeps its history: as it came, then replaced.
    let history = stdout(bin(data.path()).args(["--lang", "en", "history", "document", &first_id]));
    assert_eq!(
        history.lines().filter(|l| !l.starts_with(' ')).count(),
        2,
        "{history}"
    );
    assert!(history.contains("superseded"), "{history}");

    let third = import(
        data.path(),
        &file(
            "31.edxml",
            incoming(K::Revocation, "31", &["999.00.32.H02,2024,25".into()]),
        ),
    );
    let second_id = second["id"].as_str().unwrap();
    assert_eq!(third["earlier"], second_id);
    assert_eq!(
        show(data.path(), second_id)["content"]["exchange"]["superseded"]["kind"],
        "revocation"
    );

    // Refused, each with its reason, and nothing written.
    let good = incoming(K::New, "40", &[]);
    let cases = [
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            "cannot be read",
        ),
        (
            "unknown-earlier",
            incoming(K::Update, "41", &["999.00.32.H02,2024,99".into()]),
            "does not hold",
        ),
        (
            "no-recipient-here",
            good.replace("999.01.32.H02", "000.77.77.H77"),
            "no recipient",
        ),
        (
            "html-file",
            {
                let mut p = bienphong_edxml::read(good.as_bytes()).unwrap().packet;
                p.attachments[0].bytes = b"<html><script>x</script></html>".to_vec();
                bienphong_edxml::write(&p).unwrap()
            },
            "ke-hoach.txt",
        ),
        (
            "not-edxml",
            "<a xmlns=\"urn:x\"/>".to_string(),
            "cannot be read",
        ),
    ];
    for (name, xml, says) in cases {
        let before = revision_count(data.path());
        let f = file(&format!("{name}.edxml"), xml);
        let r = run(bin(data.path())
            .args(["--lang", "en", "edxml", "import"])
            .arg(&f));
        assert_ne!(r.code, 0, "{name}");
        assert!(r.stderr.contains(says), "{name}: {}", r.stderr);
        assert_eq!(revision_count(data.path()), before, "{name}");
    }
    // And in Vietnamese by default.
    let f = file("vi.edxml", good[..40].to_string());
    let r = run(bin(data.path()).args(["edxml", "import"]).arg(&f));
    assert!(
        r.stderr.contains("Gói tin edXML không đọc được"),
        "{}",
        r.stderr
    );
}

/// A timestamp server on port 0 that answers each query with
/// `openssl ts -reply`, as one on the closed network would.
fn timestamp_server(dir: &Path) -> String {
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "tsa.key", "-out", "tsa.pem", "-days", "30"])
            .args([
                "-subj",
                "/CN=TSA",
                "-addext",
                "extendedKeyUsage=critical,timeStamping",
            ]),
    );
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("ts.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = t\n[ t ]\ndir = {d}\nserial = $dir/serial\n\
signer_cert = $dir/tsa.pem\ncerts = $dir/tsa.pem\nsigner_key = $dir/tsa.key\n\
signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\n\
ess_cert_id_alg = sha256\n"
        ),
    )
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut s = stream.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                let n = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..n]);
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map(|v| v.trim().parse().unwrap())
                        .unwrap();
                    while buf.len() < end + 4 + len {
                        let n = s.read(&mut chunk).unwrap();
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    break buf[end + 4..end + 4 + len].to_vec();
                }
            };
            std::fs::write(dir.join("q.tsq"), body).unwrap();
            tool(
                Command::new("openssl")
                    .current_dir(&dir)
                    .args(["ts", "-reply", "-config", "ts.cnf", "-queryfile", "q.tsq"])
                    .args(["-out", "r.tsr"]),
            );
            let reply = std::fs::read(dir.join("r.tsr")).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            s.write_all(head.as_bytes()).unwrap();
            s.write_all(&reply).unwrap();
        }
    });
    url
}

#[test]
fn a_report_goes_out_signed_and_stamped_by_a_timestamp_server() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let post = common::a_verified_post(data.path());
    agency_ids(
        data.path(),
        &[(post.as_str(), "999.01.32.H02"), ("HG", "999.00.32.H02")],
    );
    let docx = dir.path().join("bao-cao-nam.docx");
    stdout(
        bin(data.path())
            .args(["report", "annual", "--year", "2023", "--scope", &post])
            .args([
                "--number",
                "3",
                "--format",
                "docx",
                "--date",
                "16/01/2024",
                "-o",
            ])
            .arg(&docx),
    );
    let p12 = signer(dir.path());
    let tsa_dir = tempfile::tempdir().unwrap();
    let url = timestamp_server(tsa_dir.path());
    let packet = dir.path().join("report.edxml");
    let out = stdout(
        bin(data.path())
            .env("BIENPHONG_SIGN_PASSPHRASE", "mật khẩu")
            .args(["edxml", "export", "report", "--file"])
            .arg(&docx)
            .args(["--unit", &post, "--to", "HG", "--number", "03/BC-ĐBP"])
            .args([
                "--date",
                "16/01/2024",
                "--title",
                "Báo cáo tổng kết năm 2023",
            ])
            .arg("--sign")
            .arg(&p12)
            .args(["--tsa", &url, "--out"])
            .arg(&packet),
    );
    let r = bienphong_edxml::read(&std::fs::read(&packet).unwrap()).unwrap();
    assert_eq!(r.signature.as_str(), "valid", "{:?}", r.signature);
    let time = r.timestamp.clone().expect("a timestamp");
    assert!(out.contains(&time), "{out}");
    assert_eq!(r.packet.from.id, "999.01.32.H02");
    assert_eq!(r.packet.to[0].id, "999.00.32.H02");
    assert_eq!(r.packet.number_and_notation(), "03/BC-ĐBP");
    assert_eq!(r.packet.type_name, "Báo cáo");
    assert_eq!(r.packet.attachments[0].bytes, std::fs::read(&docx).unwrap());
    // The province takes it in, its timestamp kept with the signature.
    let imported = import(data.path(), &packet);
    assert_eq!(imported["exchange"]["timestamp"], time.as_str());
    assert_eq!(
        show(data.path(), imported["id"].as_str().unwrap())["content"]["unit"],
        "HG"
    );
    // A wrong passphrase is a clear error.
    let r = run(bin(data.path())
        .env("BIENPHONG_SIGN_PASSPHRASE", "sai")
        .args(["--lang", "en", "edxml", "export", "report", "--file"])
        .arg(&docx)
        .args(["--unit", &post, "--to", "HG", "--number", "04/BC-ĐBP"])
        .args(["--date", "16/01/2024", "--title", "x", "--sign"])
        .arg(&p12)
        .arg("--out")
        .arg(dir.path().join("x.edxml")));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
}

/// A test certificate authority (`ca.pem`) and a signer it certified
/// (`issued.p12`, passphrase "mật khẩu"), made with openssl in `dir`.
fn test_ca(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-x509", "-utf8", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "ca.key", "-out", "ca.pem", "-days", "30"])
            .args(["-subj", "/CN=CA thử nghiệm Ban Cơ yếu/O=Thử nghiệm"])
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
    );
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-new", "-utf8", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "issued.key", "-out", "issued.csr"])
            .args(["-subj", "/CN=Trần Văn Bình/O=Bộ Chỉ huy Bộ đội Biên phòng"]),
    );
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args(["x509", "-req", "-in", "issued.csr", "-CA", "ca.pem"])
            .args(["-CAkey", "ca.key", "-CAcreateserial", "-days", "30"])
            .args(["-out", "issued.pem"]),
    );
    tool(
        Command::new("openssl")
            .current_dir(dir)
            .args([
                "pkcs12",
                "-export",
                "-inkey",
                "issued.key",
                "-in",
                "issued.pem",
            ])
            .args(["-out", "issued.p12", "-passout", "pass:mật khẩu"]),
    );
    (dir.join("ca.pem"), dir.join("issued.p12"))
}

fn export_signed(data: &Path, id: &str, p12: &Path, out: &Path) {
    stdout(
        bin(data)
            .env("BIENPHONG_SIGN_PASSPHRASE", "mật khẩu")
            .args(["edxml", "export", "document", id, "--sign"])
            .arg(p12)
            .arg("--out")
            .arg(out),
    );
}

fn verify_json(data: &Path, packet: &Path, trust: Option<&Path>) -> Value {
    let mut c = bin(data);
    if let Some(t) = trust {
        c.arg("--trust-list").arg(t);
    }
    serde_json::from_str(&stdout(c.args(["edxml", "verify", "--json"]).arg(packet))).unwrap()
}

#[test]
fn signatures_are_judged_against_the_trust_list_and_the_receiver_answers_with_a_status() {
    let data = demo();
    let dir = tempfile::tempdir().unwrap();
    let (ca, issued) = test_ca(dir.path());
    let other = tempfile::tempdir().unwrap();
    let self_signed = signer(other.path());
    let doc = a_sent_document(data.path());
    let id = doc["id"].as_str().unwrap();
    let trusted = dir.path().join("trusted.edxml");
    let untrusted = dir.path().join("untrusted.edxml");
    export_signed(data.path(), id, &issued, &trusted);
    export_signed(data.path(), id, &self_signed, &untrusted);

    // Without a trust list a matching signature is only valid; with one,
    // trusted when its signer chains to it, untrusted when not.
    assert_eq!(
        verify_json(data.path(), &trusted, None)["signature"],
        "valid"
    );
    assert_eq!(
        verify_json(data.path(), &trusted, Some(&ca))["signature"],
        "trusted"
    );
    assert_eq!(
        verify_json(data.path(), &untrusted, Some(&ca))["signature"],
        "untrusted"
    );
    // A directory of certificates, given by the environment, is a list too.
    let anchors = dir.path().join("anchors");
    std::fs::create_dir(&anchors).unwrap();
    std::fs::copy(&ca, anchors.join("ca.crt")).unwrap();
    let v: Value = serde_json::from_str(&stdout(
        bin(data.path())
            .env("BIENPHONG_TRUST_LIST", &anchors)
            .args(["edxml", "verify", "--json"])
            .arg(&trusted),
    ))
    .unwrap();
    assert_eq!(v["signature"], "trusted");

    // The states in words, in the CLI's language.
    let vi = stdout(
        bin(data.path())
            .arg("--trust-list")
            .arg(&ca)
            .args(["--lang", "vi", "edxml", "verify"])
            .arg(&trusted),
    );
    assert!(
        vi.contains("Chữ ký hợp lệ, người ký được tin cậy (CN=Trần Văn Bình"),
        "{vi}"
    );
    let en = stdout(
        bin(data.path())
            .arg("--trust-list")
            .arg(&ca)
            .args(["--lang", "en", "edxml", "verify"])
            .arg(&untrusted),
    );
    assert!(
        en.contains("Valid signature, signer not in the trust list"),
        "{en}"
    );
    assert!(!en.contains("untrusted"), "{en}");
    // Judged at the reader's clock: after the certificate's 30 days it is
    // no longer trusted.
    let later = run(bin(data.path())
        .env("BIENPHONG_NOW", "2099-01-01")
        .arg("--trust-list")
        .arg(&ca)
        .args(["--lang", "en", "edxml", "verify"])
        .arg(&trusted));
    assert_eq!(later.code, 0, "{}", later.stderr);
    assert!(
        later.stdout.contains("signer not in the trust list"),
        "{}",
        later.stdout
    );
    assert!(later.stdout.contains("expired"), "{}", later.stdout);

    // A trust list that holds no certificate is refused.
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "không phải chứng thư").unwrap();
    let r = run(bin(data.path())
        .arg("--trust-list")
        .arg(&junk)
        .args(["--lang", "en", "edxml", "verify"])
        .arg(&trusted));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("trust list"), "{}", r.stderr);

    // Taken in with the list: the record keeps "trusted"; the answer to
    // hand back says the packet arrived.
    let answer = dir.path().join("answer.xml");
    let imported: Value = serde_json::from_str(&stdout(
        bin(data.path())
            .arg("--trust-list")
            .arg(&ca)
            .args(["edxml", "import", "--json", "--answer"])
            .arg(&answer)
            .arg(&trusted),
    ))
    .unwrap();
    assert_eq!(imported["exchange"]["signature"]["state"], "trusted");
    let status = bienphong_edxml::read_status(&std::fs::read(&answer).unwrap()).unwrap();
    assert_eq!(status.status, bienphong_edxml::StatusKind::Received);
    assert_eq!(status.document_id, imported["exchange"]["document_id"]);

    // The answer, taken in where the document was sent from, marks it
    // for that recipient; one for a document never sent changes nothing.
    let before = revision_count(data.path());
    let bogus = dir.path().join("bogus.xml");
    std::fs::write(
        &bogus,
        std::fs::read_to_string(&answer)
            .unwrap()
            .replace(&status.document_id, "000.00.00.X99,2001,1/KH"),
    )
    .unwrap();
    let r = run(bin(data.path())
        .args(["--lang", "en", "edxml", "import"])
        .arg(&bogus));
    assert_ne!(r.code, 0);
    assert_eq!(revision_count(data.path()), before);
    let said = stdout(
        bin(data.path())
            .args(["--lang", "vi", "edxml", "import"])
            .arg(&answer),
    );
    assert!(said.contains("Đã đến"), "{said}");
    let sent = show(data.path(), id);
    let x = &sent["content"]["exchange"];
    assert_eq!(x["direction"], "outgoing");
    assert_eq!(x["deliveries"][0]["organ"], status.from.id.as_str());
    assert_eq!(x["deliveries"][0]["status"], "received");
    assert_eq!(revision_count(data.path()), before + 1);

    // The receiving unit acknowledges the document: its answer now says
    // accepted, and the sender, taking it in, shows that.
    let received = imported["id"].as_str().unwrap();
    let unit = show(data.path(), received)["content"]["recipients"][0]["unit"]
        .as_str()
        .unwrap()
        .to_string();
    stdout(bin(data.path()).args(["signoff", "acknowledge", received, "--unit", &unit]));
    let later = dir.path().join("later.xml");
    let said = stdout(
        bin(data.path())
            .args(["--lang", "vi", "edxml", "answer", received, "--out"])
            .arg(&later),
    );
    assert!(said.contains("Đã tiếp nhận"), "{said}");
    let status = bienphong_edxml::read_status(&std::fs::read(&later).unwrap()).unwrap();
    assert_eq!(status.status, bienphong_edxml::StatusKind::Accepted);
    let said = stdout(
        bin(data.path())
            .args(["--lang", "vi", "edxml", "import"])
            .arg(&later),
    );
    assert!(said.contains("Đã tiếp nhận"), "{said}");
    let sent = show(data.path(), id);
    let x = &sent["content"]["exchange"];
    assert_eq!(x["deliveries"].as_array().map(Vec::len), Some(1));
    assert_eq!(x["deliveries"][0]["status"], "accepted");
    // A document that did not come as a packet has no answer to write.
    let r = run(bin(data.path())
        .args(["--lang", "en", "edxml", "answer", id, "--out"])
        .arg(dir.path().join("none.xml")));
    assert_ne!(r.code, 0);
}
