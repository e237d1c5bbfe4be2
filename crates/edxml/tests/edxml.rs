//! edXML packets written, read back, signed and verified, with the
//! openssl and xmlsec1 command-line tools as the other side: keys and a
//! timestamp authority are made with `openssl` in each test, signatures
//! are checked by `xmlsec1` and `openssl smime`, timestamps answered by
//! `openssl ts -reply`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests"
)]

use bienphong_edxml::{
    Attachment, Credentials, EdxmlError, MessageKind, Organ, Packet, SignatureState, SignerInfo,
    dsig, pkcs7, read, tsa, write,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A signer's key and certificate made with openssl, as a PKCS#12 file.
struct Signer {
    dir: tempfile::TempDir,
}

impl Signer {
    fn new(cn: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("openssl")
            .current_dir(dir.path())
            .args(["req", "-x509", "-utf8", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "key.pem", "-out", "cert.pem", "-days", "30"])
            .args(["-subj", &format!("/CN={cn}/O=Bộ đội Biên phòng")]));
        run(Command::new("openssl")
            .current_dir(dir.path())
            .args(["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem"])
            .args(["-out", "signer.p12", "-passout", "pass:mật khẩu"]));
        Self { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn credentials(&self) -> Credentials {
        Credentials::from_pkcs12(&std::fs::read(self.path("signer.p12")).unwrap(), "mật khẩu")
            .unwrap()
    }
}

fn docx_like() -> Vec<u8> {
    // Any bytes do for the packet; a zip header makes it look the part.
    let mut b = b"PK\x03\x04 bao cao nam 2024 ".to_vec();
    b.extend((0..2000u32).map(|i| (i % 251) as u8));
    b
}

fn packet(kind: MessageKind) -> Packet {
    Packet {
        from: Organ {
            id: "000.01.32.H02".into(),
            name: "Đồn Biên phòng Lũng Cú".into(),
        },
        to: vec![
            Organ {
                id: "000.00.32.H02".into(),
                name: "Bộ Chỉ huy BĐBP tỉnh Hà Giang".into(),
            },
            Organ {
                id: "000.22.39.H02".into(),
                name: "UBND xã Lũng Cú".into(),
            },
        ],
        document_id: "000.01.32.H02,2024,12".into(),
        code_number: "12".into(),
        code_notation: "BC-ĐBP".into(),
        place: "Lũng Cú".into(),
        date: Some(jiff::civil::date(2024, 2, 5)),
        type_code: 1,
        type_detail: "BC".into(),
        type_name: "Báo cáo".into(),
        subject: "Báo cáo kết quả tuần tra & kiểm soát <quý I>".into(),
        signer: SignerInfo {
            competence: "KT. ĐỒN TRƯỞNG".into(),
            position: "Phó Đồn trưởng".into(),
            full_name: "Nguyễn Văn Ánh".into(),
        },
        priority: 1,
        scope: "Trong ngành".into(),
        steering_type: 0,
        to_places: vec!["Như trên".into(), "Lưu: VT".into()],
        kind,
        reason: if kind == MessageKind::New {
            String::new()
        } else {
            "Sai số liệu".into()
        },
        concerns: if kind == MessageKind::New {
            vec![]
        } else {
            vec!["000.01.32.H02,2024,9".into()]
        },
        attachments: vec![
            Attachment {
                content_id: "1".into(),
                name: "bao-cao.docx".into(),
                content_type:
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into(),
                description: "Báo cáo".into(),
                bytes: docx_like(),
            },
            Attachment {
                content_id: "2".into(),
                name: "phụ lục.txt".into(),
                content_type: "text/plain".into(),
                description: String::new(),
                bytes: "Phụ lục: 1.178 lượt".as_bytes().to_vec(),
            },
        ],
    }
}

#[test]
fn every_kind_of_packet_reads_back_as_written() {
    for kind in [
        MessageKind::New,
        MessageKind::Revocation,
        MessageKind::Update,
        MessageKind::Replacement,
    ] {
        let p = packet(kind);
        let xml = write(&p).unwrap();
        assert!(xml.contains("<edXML:BussinessDocType>"), "{xml}");
        let back = read(xml.as_bytes()).unwrap();
        assert_eq!(back.packet, p, "{kind:?}");
        assert_eq!(back.signature, SignatureState::Unsigned);
    }
}

#[test]
fn packets_shaped_like_other_senders_are_read() {
    // All prefixed, one recipient, a replacement naming the earlier
    // document in ReplacementInfoList, the attachment zipped.
    let r = read(&fixture("replacement-prefixed.edxml")).unwrap();
    let p = &r.packet;
    assert_eq!(p.kind, MessageKind::Replacement);
    assert_eq!(p.from.id, "000.00.32.H02");
    assert_eq!(p.to[0].id, "000.01.32.H02");
    assert_eq!(p.number_and_notation(), "25/KH-BCH");
    assert_eq!(p.date, Some(jiff::civil::date(2024, 3, 1)));
    assert_eq!(p.concerns, vec!["000.00.32.H02,2024,20".to_string()]);
    assert_eq!(p.signer.full_name, "Trần Văn Bình");
    assert_eq!(p.priority, 2);
    assert_eq!(p.attachments.len(), 1);
    assert_eq!(p.attachments[0].name, "ke-hoach.txt");
    assert_eq!(
        String::from_utf8(p.attachments[0].bytes.clone()).unwrap(),
        "Kế hoạch tuần tra chung tháng 3.\n"
    );
    // A default namespace on the root, the attachments outside it, a
    // revocation naming the earlier document in Bussiness/DocumentId.
    let r = read(&fixture("revocation-default-ns.edxml")).unwrap();
    assert_eq!(r.packet.kind, MessageKind::Revocation);
    assert_eq!(r.packet.concerns, vec!["000.00.32.H02,2024,25".to_string()]);
    assert_eq!(r.packet.date, Some(jiff::civil::date(2024, 3, 9)));
    assert_eq!(r.packet.attachments.len(), 1);
    assert_eq!(r.packet.attachments[0].content_type, "text/plain");
}

#[test]
fn malformed_packets_are_refused_with_what_is_wrong() {
    let good = write(&packet(MessageKind::New)).unwrap();
    type Expected = fn(&EdxmlError) -> bool;
    let cases: Vec<(String, Expected)> = vec![
        ("not xml <".into(), |e| matches!(e, EdxmlError::Xml(_))),
        ("<edXML xmlns=\"urn:other\"/>".into(), |e| {
            matches!(e, EdxmlError::NotEdxml(_))
        }),
        (
            good.replace(
                "<edXML:OrganId>000.01.32.H02</edXML:OrganId>",
                "<edXML:OrganId></edXML:OrganId>",
            ),
            |e| matches!(e, EdxmlError::Missing("From/OrganId")),
        ),
        (
            good.replace("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>7<"),
            |e| {
                matches!(
                    e,
                    EdxmlError::Invalid {
                        field: "BussinessDocType",
                        ..
                    }
                )
            },
        ),
        (good.replace("2024/02/05", "2024/02/31"), |e| {
            matches!(
                e,
                EdxmlError::Invalid {
                    field: "PromulgationDate",
                    ..
                }
            )
        }),
        (
            good.replacen(
                "<edXML:ContentTransferEncoded>",
                "<edXML:ContentTransferEncoded>*",
                1,
            ),
            |e| matches!(e, EdxmlError::Attachment(..)),
        ),
        (
            good.replace("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>3<"),
            |e| matches!(e, EdxmlError::Missing("Bussiness/DocumentId")),
        ),
    ];
    for (xml, expected) in cases {
        let e = read(xml.as_bytes()).unwrap_err();
        assert!(expected(&e), "{e:?} for {}", &xml[..xml.len().min(200)]);
    }
}

#[test]
fn a_signed_packet_verifies_here_and_with_xmlsec1_and_tampering_is_found() {
    let signer = Signer::new("Nguyễn Văn Ánh");
    let creds = signer.credentials();
    let xml = write(&packet(MessageKind::New)).unwrap();
    let signed = dsig::sign(&xml, &creds).unwrap();
    let r = read(signed.as_bytes()).unwrap();
    let SignatureState::Valid { subject, .. } = &r.signature else {
        panic!("{:?}", r.signature);
    };
    assert!(subject.contains("CN=Nguyễn Văn Ánh"), "{subject}");
    assert_eq!(r.packet, packet(MessageKind::New));

    // xmlsec1 checks the same signature with the certificate as trusted.
    let file = signer.path("signed.edxml");
    std::fs::write(&file, &signed).unwrap();
    run(Command::new("xmlsec1")
        .arg("--verify")
        .arg("--trusted-pem")
        .arg(signer.path("cert.pem"))
        .arg(&file));

    // A changed subject, a changed attachment: both found.
    for tampered in [
        signed.replace("quý I", "quý II"),
        signed.replacen(
            "<edXML:ContentTransferEncoded>",
            "<edXML:ContentTransferEncoded>AAAA",
            1,
        ),
    ] {
        match read(tampered.as_bytes()) {
            Ok(r) => assert!(
                matches!(&r.signature, SignatureState::Invalid { reason, .. } if reason.contains("changed")),
                "{:?}",
                r.signature
            ),
            // The attachment no longer unzips: refused outright.
            Err(e) => assert!(matches!(e, EdxmlError::Attachment(..)), "{e:?}"),
        }
        std::fs::write(&file, &tampered).unwrap();
        let out = Command::new("xmlsec1")
            .arg("--verify")
            .arg("--trusted-pem")
            .arg(signer.path("cert.pem"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success(), "xmlsec1 accepted a tampered packet");
    }
    // The tampered subject, on its own: invalid, not refused.
    let r = read(signed.replace("quý I", "quý II").as_bytes()).unwrap();
    assert_eq!(r.signature.as_str(), "invalid");
}

#[test]
fn a_packet_signed_by_xmlsec1_verifies_here() {
    let signer = Signer::new("Văn thư");
    let xml = write(&packet(MessageKind::Update)).unwrap();
    let ours = dsig::sign(&xml, &signer.credentials()).unwrap();
    // The same signature template with its values emptied, signed by xmlsec1.
    let cut = |s: &str, tag: &str| {
        let open = format!("<ds:{tag}>");
        let close = format!("</ds:{tag}>");
        let a = s.find(&open).unwrap() + open.len();
        let b = s.find(&close).unwrap();
        format!("{}{}", &s[..a], &s[b..])
    };
    let template = cut(
        &cut(&cut(&ours, "DigestValue"), "SignatureValue"),
        "X509Certificate",
    );
    let tmpl = signer.path("tmpl.edxml");
    std::fs::write(&tmpl, template).unwrap();
    let out = signer.path("xmlsec-signed.edxml");
    run(Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!(
            "{},{}",
            signer.path("key.pem").display(),
            signer.path("cert.pem").display()
        ))
        .arg("--output")
        .arg(&out)
        .arg(&tmpl));
    let r = read(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r.signature.as_str(), "valid", "{:?}", r.signature);
    assert_eq!(r.packet, packet(MessageKind::Update));
}

#[test]
fn a_detached_signature_over_the_docx_verifies_here_and_with_openssl() {
    let signer = Signer::new("Nguyễn Văn Ánh");
    let creds = signer.credentials();
    let docx = docx_like();
    let sig = pkcs7::sign(&docx, &creds).unwrap();
    assert!(
        matches!(pkcs7::verify(&docx, &sig), SignatureState::Valid { ref subject, .. } if subject.contains("Ánh"))
    );
    std::fs::write(signer.path("r.docx"), &docx).unwrap();
    std::fs::write(signer.path("r.docx.p7s"), &sig).unwrap();
    run(Command::new("openssl")
        .current_dir(signer.dir.path())
        .args([
            "smime",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "r.docx.p7s",
        ])
        .args([
            "-content",
            "r.docx",
            "-CAfile",
            "cert.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ]));
    let mut changed = docx.clone();
    changed[40] ^= 1;
    assert_eq!(pkcs7::verify(&changed, &sig).as_str(), "invalid");

    // Carried in the packet beside its file, checked on reading.
    let mut p = packet(MessageKind::New);
    p.attachments.push(Attachment {
        content_id: "3".into(),
        name: "bao-cao.docx.p7s".into(),
        content_type: "application/pkcs7-signature".into(),
        description: String::new(),
        bytes: sig,
    });
    let r = read(write(&p).unwrap().as_bytes()).unwrap();
    assert_eq!(r.file_signatures.len(), 1);
    assert_eq!(r.file_signatures[0].0, "bao-cao.docx");
    assert_eq!(r.file_signatures[0].1.as_str(), "valid");
    assert_eq!(r.packet, packet(MessageKind::New));
}

#[test]
fn a_wrong_passphrase_or_file_is_a_clear_error() {
    let signer = Signer::new("A");
    let der = std::fs::read(signer.path("signer.p12")).unwrap();
    let e = Credentials::from_pkcs12(&der, "sai").unwrap_err();
    assert!(e.to_string().contains("passphrase"), "{e}");
    let e = Credentials::from_pkcs12(b"no", "x").unwrap_err();
    assert!(e.to_string().contains("PKCS#12"), "{e}");
}

/// A timestamp authority made with openssl: `openssl ts -reply` answers.
struct Tsa {
    dir: tempfile::TempDir,
}

impl Tsa {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        run(Command::new("openssl")
            .current_dir(dir.path())
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
            .args(["-keyout", "tsa.key", "-out", "tsa.pem", "-days", "30"])
            .args(["-subj", "/CN=TSA thử nghiệm", "-utf8"])
            .args(["-addext", "extendedKeyUsage=critical,timeStamping"]));
        std::fs::write(dir.path().join("serial"), "01\n").unwrap();
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("ts.cnf"),
            format!(
                "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\ndir = {d}\nserial = $dir/serial\n\
crypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/tsa.pem\n\
signer_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
digests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\n\
ess_cert_id_chain = no\ness_cert_id_alg = sha256\n"
            ),
        )
        .unwrap();
        Self { dir }
    }

    /// The reply to a query file, as a server on the closed network gives it.
    fn reply(&self, query: &[u8]) -> Vec<u8> {
        let q = self.dir.path().join("q.tsq");
        let r = self.dir.path().join("r.tsr");
        std::fs::write(&q, query).unwrap();
        // The query our code made is one openssl reads.
        let text = run(Command::new("openssl")
            .args(["ts", "-query", "-text", "-in"])
            .arg(&q));
        assert!(text.contains("sha256"), "{text}");
        run(Command::new("openssl")
            .args(["ts", "-reply", "-config"])
            .arg(self.dir.path().join("ts.cnf"))
            .arg("-queryfile")
            .arg(&q)
            .arg("-out")
            .arg(&r));
        std::fs::read(&r).unwrap()
    }
}

#[test]
fn a_timestamp_from_openssl_ts_is_checked_and_carried_in_the_signature() {
    let tsa_ = Tsa::new();
    let signer = Signer::new("Nguyễn Văn Ánh");
    let signed = dsig::sign(
        &write(&packet(MessageKind::New)).unwrap(),
        &signer.credentials(),
    )
    .unwrap();
    let value = dsig::signature_value(&signed).unwrap();
    let query = tsa::query(&value).unwrap();
    let reply = tsa_.reply(&query.der);
    let (token, time) = tsa::accept(&reply, &query, &value).unwrap();
    assert!(time.len() == 20 && time.ends_with('Z'), "{time}");
    // openssl agrees the reply answers the query.
    let q = tsa_.dir.path().join("q.tsq");
    let r = tsa_.dir.path().join("r.tsr");
    run(Command::new("openssl")
        .args(["ts", "-verify", "-queryfile"])
        .arg(&q)
        .arg("-in")
        .arg(&r)
        .arg("-CAfile")
        .arg(tsa_.dir.path().join("tsa.pem")));
    // A reply to another query is refused (its nonce).
    let other = tsa::query(&value).unwrap();
    assert!(tsa::accept(&reply, &other, &value).is_err());
    // A token over other bytes is refused.
    assert!(tsa::token_time(&token, b"other").is_err());

    let stamped = dsig::attach_timestamp(&signed, &token).unwrap();
    let r = read(stamped.as_bytes()).unwrap();
    assert_eq!(r.signature.as_str(), "valid", "{:?}", r.signature);
    assert_eq!(r.timestamp.as_deref(), Some(time.as_str()));
    // The stamped packet still verifies with xmlsec1.
    let file = signer.path("stamped.edxml");
    std::fs::write(&file, &stamped).unwrap();
    run(Command::new("xmlsec1")
        .arg("--verify")
        .arg("--trusted-pem")
        .arg(signer.path("cert.pem"))
        .arg(&file));
}
