//! An edXML packet read into a [`Packet`], with its signatures checked.
//! Elements are found by their local name below the root (senders differ
//! in whether the attachments carry the namespace); the root must be
//! `edXML` in the namespace of QCVN 102.

use crate::{
    Attachment, EdxmlError, MessageKind, NS, Organ, Packet, Received, Result, SignerInfo,
    TrustList, dsig, pkcs7, zipped,
};
use base64::Engine as _;
use roxmltree::Node;

/// The largest packet read: bigger ones are refused before parsing.
pub const MAX_PACKET: usize = 256 * 1024 * 1024;

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: Option<Node>) -> String {
    n.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
            .trim()
            .to_string()
    })
    .unwrap_or_default()
}

pub(crate) fn text_of(n: Node, name: &str) -> String {
    text(child(n, name))
}

pub(crate) fn require<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> Result<Node<'a, 'i>> {
    child(n, name).ok_or(EdxmlError::Missing(name))
}

fn small_number(field: &'static str, s: &str, default: u8) -> Result<u8> {
    if s.is_empty() {
        return Ok(default);
    }
    s.parse().map_err(|_| EdxmlError::Invalid {
        field,
        value: s.to_string(),
    })
}

/// `yyyy/MM/dd` as QCVN 102 writes it; `yyyy-MM-dd` and `dd/MM/yyyy`
/// (with an optional time after a space or `T`) as some senders do.
pub(crate) fn date(s: &str) -> Result<Option<jiff::civil::Date>> {
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || EdxmlError::Invalid {
        field: "PromulgationDate",
        value: s.to_string(),
    };
    let day = s.split([' ', 'T']).next().unwrap_or_default();
    let parts: Vec<&str> = day.split(['/', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let (y, m, d) = (
        y.parse::<i16>().map_err(|_| bad())?,
        m.parse::<i8>().map_err(|_| bad())?,
        d.parse::<i8>().map_err(|_| bad())?,
    );
    jiff::civil::Date::new(y, m, d).map(Some).map_err(|_| bad())
}

pub(crate) fn organ(n: Node) -> Organ {
    Organ {
        id: text_of(n, "OrganId"),
        name: text_of(n, "OrganName"),
    }
}

/// `xml` parsed (no DTD), its root `root` in the namespace of QCVN 102.
pub(crate) fn parse_rooted<'i>(xml: &'i str, root: &str) -> Result<roxmltree::Document<'i>> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options)
        .map_err(|e| EdxmlError::Xml(e.to_string()))?;
    let found = doc.root_element().tag_name();
    if found.name() != root || found.namespace() != Some(NS) {
        return Err(EdxmlError::NotEdxml(format!(
            "{{{}}}{}",
            found.namespace().unwrap_or(""),
            found.name()
        )));
    }
    Ok(doc)
}

/// The packet in `xml`, its XML signature checked, and each detached
/// signature (`NAME.p7s`) checked against its file. A malformed packet is
/// an error; a badly signed one is read with its signature state.
pub fn read(xml: &[u8]) -> Result<Received> {
    read_trusting(xml, None)
}

/// [`read`], each valid signature's certificate judged against `trust`.
pub fn read_trusting(xml: &[u8], trust: Option<&TrustList>) -> Result<Received> {
    if xml.len() > MAX_PACKET {
        return Err(EdxmlError::Invalid {
            field: "packet",
            value: format!("{} bytes", xml.len()),
        });
    }
    let xml = std::str::from_utf8(xml).map_err(|e| EdxmlError::Xml(e.to_string()))?;
    let doc = parse_rooted(xml, "edXML")?;
    let root = doc.root_element();
    let envelope = require(root, "edXMLEnvelope")?;
    let header = require(envelope, "edXMLHeader")?;
    let m = require(header, "MessageHeader")?;
    let from = organ(require(m, "From")?);
    if from.id.is_empty() {
        return Err(EdxmlError::Missing("From/OrganId"));
    }
    let to: Vec<Organ> = children(m, "To").map(organ).collect();
    if to.is_empty() {
        return Err(EdxmlError::Missing("To"));
    }
    let code = child(m, "Code");
    let promulgation = child(m, "PromulgationInfo");
    let doc_type = child(m, "DocumentType");
    let signer = child(m, "SignerInfo");
    let other = child(m, "OtherInfo");
    let business = child(header, "TraceHeaderList").and_then(|t| child(t, "Bussiness"));
    let kind_text = business
        .map(|b| text_of(b, "BussinessDocType"))
        .unwrap_or_default();
    let kind = MessageKind::from_code(small_number("BussinessDocType", &kind_text, 0)?).ok_or(
        EdxmlError::Invalid {
            field: "BussinessDocType",
            value: kind_text.clone(),
        },
    )?;
    let mut concerns = Vec::new();
    if let Some(b) = business
        && kind != MessageKind::New
    {
        let own = text_of(b, "DocumentId");
        if !own.is_empty() {
            concerns.push(own);
        }
        if let Some(list) = child(b, "ReplacementInfoList") {
            for info in children(list, "ReplacementInfo") {
                let id = text_of(info, "DocumentId");
                if !id.is_empty() && !concerns.contains(&id) {
                    concerns.push(id);
                }
            }
        }
        if concerns.is_empty() {
            return Err(EdxmlError::Missing("Bussiness/DocumentId"));
        }
    }
    let attachments = attachments(root, envelope)?;
    let mut packet = Packet {
        from,
        to,
        document_id: text_of(m, "DocumentId"),
        code_number: code.map(|c| text_of(c, "CodeNumber")).unwrap_or_default(),
        code_notation: code.map(|c| text_of(c, "CodeNotation")).unwrap_or_default(),
        place: promulgation
            .map(|p| text_of(p, "Place"))
            .unwrap_or_default(),
        date: date(
            &promulgation
                .map(|p| text_of(p, "PromulgationDate"))
                .unwrap_or_default(),
        )?,
        type_code: small_number(
            "DocumentType/Type",
            &doc_type.map(|d| text_of(d, "Type")).unwrap_or_default(),
            1,
        )?,
        type_detail: doc_type
            .map(|d| text_of(d, "TypeDetail"))
            .unwrap_or_default(),
        type_name: doc_type.map(|d| text_of(d, "TypeName")).unwrap_or_default(),
        subject: text_of(m, "Subject"),
        signer: SignerInfo {
            competence: signer.map(|s| text_of(s, "Competence")).unwrap_or_default(),
            position: signer.map(|s| text_of(s, "Position")).unwrap_or_default(),
            full_name: signer.map(|s| text_of(s, "FullName")).unwrap_or_default(),
        },
        priority: small_number(
            "Priority",
            &other.map(|o| text_of(o, "Priority")).unwrap_or_default(),
            0,
        )?,
        scope: other
            .map(|o| text_of(o, "SphereOfPromulgation"))
            .unwrap_or_default(),
        steering_type: small_number("SteeringType", &text_of(m, "SteeringType"), 0)?,
        to_places: child(m, "ToPlaces")
            .map(|t| children(t, "Place").map(|p| text(Some(p))).collect())
            .unwrap_or_default(),
        kind,
        reason: business
            .map(|b| text_of(b, "BussinessDocReason"))
            .unwrap_or_default(),
        concerns,
        attachments,
    };
    if packet.priority > 4 {
        return Err(EdxmlError::Invalid {
            field: "Priority",
            value: packet.priority.to_string(),
        });
    }
    let (signature, timestamp) = dsig::verify_trusting(xml, trust)?;
    // Detached signatures travel as files of their own; they are checked
    // and taken out of the files the document keeps.
    let mut file_signatures = Vec::new();
    let (sigs, files): (Vec<Attachment>, Vec<Attachment>) = std::mem::take(&mut packet.attachments)
        .into_iter()
        .partition(|a| a.name.ends_with(".p7s"));
    for s in sigs {
        let signed = s.name.trim_end_matches(".p7s");
        let state = match files.iter().find(|f| f.name == signed) {
            Some(f) => pkcs7::verify_trusting(&f.bytes, &s.bytes, trust),
            None => crate::SignatureState::Invalid {
                subject: String::new(),
                reason: format!("no file {signed} beside its signature"),
            },
        };
        file_signatures.push((signed.to_string(), state));
    }
    packet.attachments = files;
    Ok(Received {
        packet,
        signature,
        file_signatures,
        timestamp,
    })
}

fn attachments(root: Node, envelope: Node) -> Result<Vec<Attachment>> {
    let manifest: Vec<Node> = child(envelope, "edXMLBody")
        .and_then(|b| child(b, "edXMLManifest"))
        .map(|m| children(m, "Reference").collect())
        .unwrap_or_default();
    let encoded: Vec<Node> = children(root, "AttachmentEncoded")
        .flat_map(|e| children(e, "Attachment"))
        .collect();
    let mut out = Vec::new();
    for e in encoded {
        let content_id = text_of(e, "ContentId");
        let reference = manifest
            .iter()
            .find(|r| text_of(**r, "ContentId") == content_id);
        let pick = |name: &str| {
            let own = text_of(e, name);
            if own.is_empty() {
                reference.map(|r| text_of(*r, name)).unwrap_or_default()
            } else {
                own
            }
        };
        let name = pick("AttachmentName");
        if name.is_empty() {
            return Err(EdxmlError::Attachment(
                content_id,
                "it has no AttachmentName".into(),
            ));
        }
        let b64: String = text_of(e, "ContentTransferEncoded")
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if b64.is_empty() {
            return Err(EdxmlError::Attachment(name, "it has no content".into()));
        }
        let zipped = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| EdxmlError::Attachment(name.clone(), format!("not base64: {e}")))?;
        let bytes = zipped::unzip_one(&name, &zipped)?;
        out.push(Attachment {
            content_id,
            content_type: pick("ContentType"),
            description: reference
                .map(|r| text_of(*r, "Description"))
                .unwrap_or_default(),
            name,
            bytes,
        });
    }
    if out.len() < manifest.len() {
        return Err(EdxmlError::Attachment(
            String::new(),
            format!(
                "the manifest lists {} files, the packet carries {}",
                manifest.len(),
                out.len()
            ),
        ));
    }
    Ok(out)
}
