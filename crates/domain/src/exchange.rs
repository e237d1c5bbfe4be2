//! How a document travelled between agencies as an edXML packet
//! (QCVN 102:2016/BTTTT): its identifier across the exchange, what the
//! packet did (new, replacement, revocation, update), the state of its
//! handling, and what its signatures said when it arrived. A later
//! packet that replaces, revokes or updates it is recorded on it as a new
//! revision, so its history shows what it was before.

use crate::Date;
use crate::text::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// What a packet does (`BussinessDocType` 0–3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    #[default]
    New,
    Revocation,
    Update,
    Replacement,
}

impl MessageKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Revocation => "revocation",
            Self::Update => "update",
            Self::Replacement => "replacement",
        }
    }
}

/// Where the handling of an exchanged document stands (the status codes
/// of QCVN 102's status packets).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Received,
    Accepted,
    Rejected,
    Processing,
    Done,
    Failed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Self::Received,
        Self::Accepted,
        Self::Rejected,
        Self::Processing,
        Self::Done,
        Self::Failed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Processing => "processing",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What a signature check said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    #[default]
    Unsigned,
    /// It matches its content and the certificate it carries; whether
    /// that certificate is trusted was not judged (no trust list).
    Valid,
    /// Valid, and its certificate chains to the trust list.
    Trusted,
    /// Valid, but its signer is not in the trust list.
    Untrusted,
    Invalid,
}

impl SignatureState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::Valid => "valid",
            Self::Trusted => "trusted",
            Self::Untrusted => "untrusted",
            Self::Invalid => "invalid",
        }
    }
}

/// One signature as checked on arrival.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureCheck {
    pub state: SignatureState,
    /// The subject of the signer's certificate (`CN=…, O=…`).
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub subject: Text,
    /// Why it is invalid.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub reason: Text,
    /// The file it signs, for a detached signature.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub file: Text,
}

/// A later packet's effect on this document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    pub kind: MessageKind,
    /// The identifier of the packet's document.
    pub by: String,
    pub on: Date,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub reason: Text,
}

/// The exchange of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub direction: Direction,
    /// `OrganId,year,number` of the sender.
    pub document_id: String,
    /// The sender's agency identifier and name as the packet gave them.
    pub sender: String,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub sender_name: Text,
    #[serde(default)]
    pub kind: MessageKind,
    #[serde(default)]
    pub status: Status,
    /// 0 ordinary … 4 flash by the hour.
    #[serde(default)]
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub scope: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub place: Text,
    /// Who signed the paper document: competence, position, name.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub signer: Text,
    /// The earlier documents this packet replaced, revoked or updated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerns: Vec<String>,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub reason: Text,
    /// The packet's XML signature.
    #[serde(default)]
    pub signature: SignatureCheck,
    /// The time its RFC 3161 token vouches for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Detached signatures over its files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_signatures: Vec<SignatureCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
    /// Of an outgoing document: what each recipient's status packets
    /// said, the latest per recipient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
}

/// What one recipient answered about an outgoing document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// The recipient's agency identifier.
    pub organ: String,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub organ_name: Text,
    pub status: Status,
    /// When, as its status packet says.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub description: Text,
}

/// Priorities by their code, as documents print them.
pub fn priority_label(code: u8) -> &'static str {
    match code {
        0 => "Thường",
        1 => "Khẩn",
        2 => "Thượng khẩn",
        3 => "Hỏa tốc",
        _ => "Hỏa tốc hẹn giờ",
    }
}

/// The document identifier of QCVN 102 a sender gives its document:
/// `OrganId,year,number`.
pub fn document_id(agency: &str, date: Date, number: &str) -> String {
    let number = number.split('/').next().unwrap_or(number).trim();
    format!("{},{},{}", agency.trim(), date.year(), number)
}
