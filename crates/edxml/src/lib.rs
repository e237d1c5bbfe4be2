//! edXML packets of QCVN 102:2016/BTTTT (amended 2022), the envelope in
//! which Vietnamese agencies exchange documents, and their signatures:
//! a packet is built from a [`Packet`] ([`write`]), read back ([`read`]),
//! signed with W3C XML Signature ([`dsig`]: enveloped, RSA-SHA256,
//! exclusive c14n), its DOCX signed apart ([`pkcs7`]: detached PKCS#7) and
//! stamped by an RFC 3161 timestamp server ([`tsa`]). No I/O: bytes in,
//! bytes out. docs/adr/0019-edxml-packets-and-signatures.md says where
//! each element comes from and what the published sources leave open.

pub mod c14n;
mod der;
pub mod dsig;
mod keys;
pub mod pkcs7;
mod read;
mod status;
mod trust;
pub mod tsa;
mod write;
mod zipped;

pub use keys::{Credentials, subject_of};
pub use read::{read, read_trusting};
pub use status::{StatusKind, StatusPacket, is_status, read_status, write_status};
pub use trust::{Trust, TrustList};
pub use write::write;

use thiserror::Error;

/// The namespace of QCVN 102:2016 edXML.
pub const NS: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
/// The prefix packets are written with (`edXML:MessageHeader`).
pub const PREFIX: &str = "edXML";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EdxmlError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("not an edXML packet: the root is {0}, not edXML in {NS}")]
    NotEdxml(String),
    #[error("the packet has no {0}")]
    Missing(&'static str),
    #[error("{field} is not valid: {value}")]
    Invalid { field: &'static str, value: String },
    #[error("attachment {0}: {1}")]
    Attachment(String, String),
    #[error("signature: {0}")]
    Signature(String),
    #[error("key: {0}")]
    Key(String),
    #[error("timestamp: {0}")]
    Timestamp(String),
}

pub type Result<T> = std::result::Result<T, EdxmlError>;

/// An agency as the header names it: its identifier for electronic
/// document exchange (mã định danh, `OrganId`) and its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Organ {
    pub id: String,
    pub name: String,
}

/// What a packet does to the document it carries (`Bussiness/BussinessDocType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MessageKind {
    /// 0: a new document.
    #[default]
    New,
    /// 1: revokes an earlier document.
    Revocation,
    /// 2: updates an earlier document (its content or its attachments).
    Update,
    /// 3: replaces an earlier document by this one.
    Replacement,
}

impl MessageKind {
    pub fn code(self) -> u8 {
        match self {
            Self::New => 0,
            Self::Revocation => 1,
            Self::Update => 2,
            Self::Replacement => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::New,
            1 => Self::Revocation,
            2 => Self::Update,
            3 => Self::Replacement,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Revocation => "revocation",
            Self::Update => "update",
            Self::Replacement => "replacement",
        }
    }
}

/// Who signed the paper document (`SignerInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignerInfo {
    /// The authority signed under (`TM.`, `KT.`, `TL.`), may be empty.
    pub competence: String,
    pub position: String,
    pub full_name: String,
}

/// A file carried in the packet: zipped, then base64-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub content_id: String,
    pub name: String,
    pub content_type: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// One packet's content, as written and as read back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packet {
    pub from: Organ,
    pub to: Vec<Organ>,
    /// The document's identifier across the exchange:
    /// `OrganId,year,number` of the sender.
    pub document_id: String,
    /// The number (`12`) and the notation (`BC-BĐBP`) of `12/BC-BĐBP`.
    pub code_number: String,
    pub code_notation: String,
    /// Place and date of issue (`PromulgationInfo`).
    pub place: String,
    pub date: Option<jiff::civil::Date>,
    /// `DocumentType/Type` (1: administrative document), its detail code
    /// and its name (`Báo cáo`).
    pub type_code: u8,
    pub type_detail: String,
    pub type_name: String,
    /// The document's summary (trích yếu).
    pub subject: String,
    pub signer: SignerInfo,
    /// 0 ordinary, 1 urgent (khẩn), 2 very urgent (thượng khẩn), 3 flash
    /// (hỏa tốc), 4 flash by the hour.
    pub priority: u8,
    /// Distribution scope (`SphereOfPromulgation`).
    pub scope: String,
    /// `SteeringType`: 0 ordinary, 1 directing.
    pub steering_type: u8,
    /// Recipients as the document lists them (Nơi nhận).
    pub to_places: Vec<String>,
    pub kind: MessageKind,
    /// Why an earlier document is replaced, revoked or updated.
    pub reason: String,
    /// The earlier documents (their `document_id`) a replacement,
    /// revocation or update concerns.
    pub concerns: Vec<String>,
    pub attachments: Vec<Attachment>,
}

impl Packet {
    /// `12/BC-BĐBP` as the document prints it.
    pub fn number_and_notation(&self) -> String {
        match (self.code_number.is_empty(), self.code_notation.is_empty()) {
            (true, _) => self.code_notation.clone(),
            (false, true) => self.code_number.clone(),
            (false, false) => format!("{}/{}", self.code_number, self.code_notation),
        }
    }

    /// Splits `12/BC-BĐBP` at its first `/`.
    pub fn split_number(text: &str) -> (String, String) {
        match text.split_once('/') {
            Some((n, rest)) => (n.trim().to_string(), rest.trim().to_string()),
            None => (String::new(), text.trim().to_string()),
        }
    }
}

/// What a signature check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureState {
    Unsigned,
    /// The signature matches the content and the certificate it carries;
    /// `trust` says whether that certificate chains to the trust list.
    Valid {
        subject: String,
        trust: Trust,
    },
    /// It does not: the content changed after signing, or the signature
    /// is damaged.
    Invalid {
        subject: String,
        reason: String,
    },
}

impl SignatureState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::Valid {
                trust: Trust::NotChecked,
                ..
            } => "valid",
            Self::Valid {
                trust: Trust::Trusted,
                ..
            } => "trusted",
            Self::Valid {
                trust: Trust::Untrusted { .. },
                ..
            } => "untrusted",
            Self::Invalid { .. } => "invalid",
        }
    }

    pub fn subject(&self) -> Option<&str> {
        match self {
            Self::Unsigned => None,
            Self::Valid { subject, .. } | Self::Invalid { subject, .. } => Some(subject),
        }
    }
}

/// A packet read back with what its signatures say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub packet: Packet,
    /// The XML Signature over the packet.
    pub signature: SignatureState,
    /// Detached PKCS#7 signatures it carries (`NAME.p7s` beside `NAME`),
    /// by the name of the file they sign.
    pub file_signatures: Vec<(String, SignatureState)>,
    /// The time an RFC 3161 token carried in the signature vouches for
    /// (`YYYY-MM-DDTHH:MM:SSZ`), when there is one.
    pub timestamp: Option<String>,
}
