//! A [`Packet`] written as an edXML document: the header of QCVN 102
//! (`MessageHeader`, `TraceHeaderList/Bussiness`), the manifest in the
//! body and each file zipped and base64-encoded in `AttachmentEncoded`.

use crate::{MessageKind, NS, Organ, PREFIX, Packet, Result, zipped};
use base64::Engine as _;

/// Text escaped for element content.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) struct Xml {
    pub(crate) out: String,
}

impl Xml {
    pub(crate) fn open(&mut self, name: &str) {
        self.out.push_str(&format!("<{PREFIX}:{name}>"));
    }
    pub(crate) fn close(&mut self, name: &str) {
        self.out.push_str(&format!("</{PREFIX}:{name}>"));
    }
    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.out.push_str(&format!(
            "<{PREFIX}:{name}>{}</{PREFIX}:{name}>",
            escape(text)
        ));
    }
    pub(crate) fn organ(&mut self, name: &str, o: &Organ) {
        self.open(name);
        self.leaf("OrganId", &o.id);
        self.leaf("OrganName", &o.name);
        self.close(name);
    }
}

/// The date as the header writes it: `yyyy/MM/dd`.
pub(crate) fn date_text(d: jiff::civil::Date) -> String {
    format!("{:04}/{:02}/{:02}", d.year(), d.month(), d.day())
}

/// The packet as UTF-8 XML, unsigned ([`crate::dsig::sign`] signs it).
pub fn write(p: &Packet) -> Result<String> {
    let mut x = Xml {
        out: String::with_capacity(4096),
    };
    x.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.out
        .push_str(&format!("<{PREFIX}:edXML xmlns:{PREFIX}=\"{NS}\">"));
    x.open("edXMLEnvelope");
    x.open("edXMLHeader");
    x.open("MessageHeader");
    x.organ("From", &p.from);
    for t in &p.to {
        x.organ("To", t);
    }
    x.leaf("DocumentId", &p.document_id);
    x.open("Code");
    x.leaf("CodeNumber", &p.code_number);
    x.leaf("CodeNotation", &p.code_notation);
    x.close("Code");
    x.open("PromulgationInfo");
    x.leaf("Place", &p.place);
    x.leaf(
        "PromulgationDate",
        &p.date.map(date_text).unwrap_or_default(),
    );
    x.close("PromulgationInfo");
    x.open("DocumentType");
    x.leaf("Type", &p.type_code.to_string());
    x.leaf("TypeDetail", &p.type_detail);
    x.leaf("TypeName", &p.type_name);
    x.close("DocumentType");
    x.leaf("Subject", &p.subject);
    x.open("SignerInfo");
    x.leaf("Competence", &p.signer.competence);
    x.leaf("Position", &p.signer.position);
    x.leaf("FullName", &p.signer.full_name);
    x.close("SignerInfo");
    x.open("ToPlaces");
    for place in &p.to_places {
        x.leaf("Place", place);
    }
    x.close("ToPlaces");
    x.open("OtherInfo");
    x.leaf("Priority", &p.priority.to_string());
    x.leaf("SphereOfPromulgation", &p.scope);
    x.close("OtherInfo");
    x.leaf("SteeringType", &p.steering_type.to_string());
    x.close("MessageHeader");
    x.open("TraceHeaderList");
    x.open("Bussiness");
    x.leaf("BussinessDocType", &p.kind.code().to_string());
    x.leaf("BussinessDocReason", &p.reason);
    match p.kind {
        MessageKind::New => {}
        MessageKind::Revocation | MessageKind::Update => {
            if let Some(first) = p.concerns.first() {
                x.leaf("DocumentId", first);
            }
        }
        MessageKind::Replacement => {
            x.open("ReplacementInfoList");
            for id in &p.concerns {
                x.open("ReplacementInfo");
                x.leaf("DocumentId", id);
                x.open("OrganIdList");
                for t in &p.to {
                    x.leaf("OrganId", &t.id);
                }
                x.close("OrganIdList");
                x.close("ReplacementInfo");
            }
            x.close("ReplacementInfoList");
        }
    }
    x.close("Bussiness");
    x.close("TraceHeaderList");
    x.close("edXMLHeader");
    x.open("edXMLBody");
    x.open("edXMLManifest");
    for a in &p.attachments {
        x.open("Reference");
        x.leaf("ContentId", &a.content_id);
        x.leaf("ContentType", &a.content_type);
        x.leaf("AttachmentName", &a.name);
        x.leaf("Description", &a.description);
        x.close("Reference");
    }
    x.close("edXMLManifest");
    x.close("edXMLBody");
    x.close("edXMLEnvelope");
    x.open("AttachmentEncoded");
    for a in &p.attachments {
        let zipped = zipped::zip_one(&a.name, &a.bytes)?;
        x.open("Attachment");
        x.leaf("ContentId", &a.content_id);
        x.leaf("AttachmentName", &a.name);
        x.leaf("ContentType", &a.content_type);
        x.leaf(
            "ContentTransferEncoded",
            &base64::engine::general_purpose::STANDARD.encode(zipped),
        );
        x.close("Attachment");
    }
    x.close("AttachmentEncoded");
    x.out.push_str(&format!("</{PREFIX}:edXML>\n"));
    Ok(x.out)
}
