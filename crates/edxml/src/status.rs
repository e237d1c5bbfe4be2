//! Status packets: the answer an agency sends back about a document packet
//! it received (arrived, refused, accepted, assigned, in progress, done).
//! `Status/Header/MessageStatus` names the document answered for
//! (`ResponseFor`: its sender, number, date and identifier), who answers
//! (`From`), the status code, a description and the time.

use crate::read::{date, organ, parse_rooted, require, text_of};
use crate::write::{Xml, date_text};
use crate::{EdxmlError, NS, Organ, PREFIX, Result};

/// What became of a document at one recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// 01: the packet arrived (đã đến).
    Received,
    /// 02: the recipient refused it (từ chối tiếp nhận).
    Rejected,
    /// 03: taken into the recipient's register (đã tiếp nhận).
    Accepted,
    /// 04: given to someone to handle (phân công).
    Assigned,
    /// 05: being handled (đang xử lý).
    Processing,
    /// 06: handled (hoàn thành).
    Done,
}

impl StatusKind {
    pub const ALL: [StatusKind; 6] = [
        Self::Received,
        Self::Rejected,
        Self::Accepted,
        Self::Assigned,
        Self::Processing,
        Self::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "01",
            Self::Rejected => "02",
            Self::Accepted => "03",
            Self::Assigned => "04",
            Self::Processing => "05",
            Self::Done => "06",
        }
    }

    /// A code as written, also without its leading zero or with the minus
    /// sign some senders put before it (`-01`).
    pub fn from_code(code: &str) -> Option<Self> {
        let n: u8 = code.trim().trim_start_matches('-').parse().ok()?;
        Self::ALL.into_iter().find(|k| k.code().parse() == Ok(n))
    }
}

/// One status packet, as written and as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusPacket {
    /// Who answers: the recipient.
    pub from: Organ,
    /// The sender of the document answered for (`ResponseFor/OrganId`).
    pub sender: String,
    /// The document's number and notation (`ResponseFor/Code`).
    pub code: String,
    pub date: Option<jiff::civil::Date>,
    /// The document's identifier across the exchange.
    pub document_id: String,
    pub status: StatusKind,
    pub description: String,
    /// When the status was reached, `yyyy/MM/dd HH:mm:ss` as written.
    pub timestamp: String,
}

/// The status packet as UTF-8 XML.
pub fn write_status(s: &StatusPacket) -> String {
    let mut x = Xml {
        out: String::with_capacity(1024),
    };
    x.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.out
        .push_str(&format!("<{PREFIX}:Status xmlns:{PREFIX}=\"{NS}\">"));
    x.open("Header");
    x.open("MessageStatus");
    x.open("ResponseFor");
    x.leaf("OrganId", &s.sender);
    x.leaf("Code", &s.code);
    x.leaf(
        "PromulgationDate",
        &s.date.map(date_text).unwrap_or_default(),
    );
    x.leaf("DocumentId", &s.document_id);
    x.close("ResponseFor");
    x.organ("From", &s.from);
    x.leaf("StatusCode", s.status.code());
    x.leaf("Description", &s.description);
    x.leaf("Timestamp", &s.timestamp);
    x.close("MessageStatus");
    x.close("Header");
    x.out.push_str(&format!("</{PREFIX}:Status>"));
    x.out
}

/// Whether `xml` is a status packet rather than a document packet (its
/// root is `Status` in the namespace of QCVN 102).
pub fn is_status(xml: &[u8]) -> bool {
    std::str::from_utf8(xml).is_ok_and(|text| parse_rooted(text, "Status").is_ok())
}

/// The status packet in `xml`; one that cannot be read is an error.
pub fn read_status(xml: &[u8]) -> Result<StatusPacket> {
    let text = std::str::from_utf8(xml).map_err(|e| EdxmlError::Xml(e.to_string()))?;
    let doc = parse_rooted(text, "Status")?;
    let root = doc.root_element();
    let m = require(require(root, "Header")?, "MessageStatus")?;
    let r = require(m, "ResponseFor")?;
    let from = organ(require(m, "From")?);
    if from.id.is_empty() {
        return Err(EdxmlError::Missing("From/OrganId"));
    }
    let document_id = text_of(r, "DocumentId");
    if document_id.is_empty() {
        return Err(EdxmlError::Missing("ResponseFor/DocumentId"));
    }
    let code = text_of(m, "StatusCode");
    let status = StatusKind::from_code(&code).ok_or(EdxmlError::Invalid {
        field: "StatusCode",
        value: code.clone(),
    })?;
    Ok(StatusPacket {
        from,
        sender: text_of(r, "OrganId"),
        code: text_of(r, "Code"),
        date: date(&text_of(r, "PromulgationDate"))?,
        document_id,
        status,
        description: text_of(m, "Description"),
        timestamp: text_of(m, "Timestamp"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_status_packet_reads_back_as_written() {
        for status in StatusKind::ALL {
            let s = StatusPacket {
                from: Organ {
                    id: "000.00.31.H23".into(),
                    name: "Đồn Biên phòng Lũng Cú & <xã>".into(),
                },
                sender: "000.00.00.H23".into(),
                code: "15/KH-BCH".into(),
                date: Some(jiff::civil::date(2024, 3, 10)),
                document_id: "000.00.00.H23,2024,15/KH-BCH".into(),
                status,
                description: "Đã giao Đội trinh sát".into(),
                timestamp: "2024/03/11 08:30:00".into(),
            };
            let xml = write_status(&s);
            assert!(is_status(xml.as_bytes()));
            assert_eq!(read_status(xml.as_bytes()).unwrap(), s);
        }
        assert_eq!(StatusKind::from_code("-06"), Some(StatusKind::Done));
        assert_eq!(StatusKind::from_code("2"), Some(StatusKind::Rejected));
        assert_eq!(StatusKind::from_code("09"), None);
        let bad = write_status(&StatusPacket {
            from: Organ::default(),
            sender: String::new(),
            code: String::new(),
            date: None,
            document_id: "x".into(),
            status: StatusKind::Done,
            description: String::new(),
            timestamp: String::new(),
        });
        assert_eq!(
            read_status(bad.as_bytes()),
            Err(EdxmlError::Missing("From/OrganId"))
        );
        assert!(!is_status(
            b"<edXML:edXML xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"/>"
        ));
    }
}
