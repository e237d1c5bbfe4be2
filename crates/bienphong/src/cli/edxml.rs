//! `bienphong edxml …`: documents and reports sent and received as edXML
//! packets (QCVN 102:2016/BTTTT), signed with the user's own key.

use super::attachments::parse_size;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per run; the flags of an export are its size"
)]
pub enum EdxmlCommand {
    /// Write the packet of an outgoing document or report.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Take in a packet: a document record with its files and recipients;
    /// a replacement, revocation or update marks the earlier document. A
    /// status packet (a recipient's answer) marks the document sent.
    Import {
        file: PathBuf,
        /// The largest file of the packet accepted.
        #[arg(long, env = "BIENPHONG_MAX_ATTACHMENT", value_name = "SIZE", value_parser = parse_size, default_value = "20MB")]
        max_size: u64,
        /// Write the status packet (received) to hand back to the sender.
        #[arg(long, value_name = "FILE")]
        answer: Option<PathBuf>,
        /// JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Write the status packet of a document received as a packet, as its
    /// handling stands now (arrived, accepted once a recipient
    /// acknowledged it, in progress, done), to hand back to the sender.
    Answer {
        /// The document record's id.
        id: String,
        /// Where to write the status packet.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Read a packet and check its signatures; writes nothing.
    Verify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    /// A document record, with its attached files.
    Document {
        id: String,
        /// More files to carry (the document's DOCX), beside its attachments.
        #[arg(long = "file", value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        header: HeaderArgs,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// A report's DOCX (`bienphong report … --format docx --output FILE`),
    /// with the header its sender gives.
    Report {
        /// The report's DOCX, and any annexes after it.
        #[arg(long = "file", value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// The issuing unit (its code).
        #[arg(long)]
        unit: String,
        /// A receiving unit (its code); repeat for each.
        #[arg(long = "to", value_name = "CODE", required = true)]
        to: Vec<String>,
        /// Number and notation, e.g. 12/BC-ĐBP.
        #[arg(long)]
        number: String,
        /// Date of issue (DD/MM/YYYY or YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Document type: a code of the document-type catalogue (BC).
        #[arg(long = "type", default_value = "BC")]
        document_type: String,
        /// The summary (trích yếu).
        #[arg(long)]
        title: String,
        #[command(flatten)]
        header: HeaderArgs,
        #[command(flatten)]
        signing: SigningArgs,
    },
}

/// Header fields the record does not hold.
#[derive(Args, Debug)]
pub struct HeaderArgs {
    /// Where to write the packet.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Place of issue (default: the issuing unit's name).
    #[arg(long)]
    pub place: Option<String>,
    /// The signer's full name.
    #[arg(long)]
    pub signer_name: Option<String>,
    /// The signer's position (Đồn trưởng).
    #[arg(long)]
    pub signer_position: Option<String>,
    /// The authority signed under (KT. ĐỒN TRƯỞNG).
    #[arg(long)]
    pub competence: Option<String>,
    /// 0 ordinary, 1 urgent, 2 very urgent, 3 flash, 4 flash by the hour.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=4))]
    pub priority: u8,
    /// Distribution scope (phạm vi ban hành).
    #[arg(long, default_value = "")]
    pub scope: String,
    /// What the packet does: new, replacement, revocation or update.
    #[arg(long, default_value = "new", value_parser = ["new", "replacement", "revocation", "update"])]
    pub kind: String,
    /// For a replacement, revocation or update: the earlier document's
    /// identifier (OrganId,year,number).
    #[arg(long)]
    pub concerns: Option<String>,
    /// Why the earlier document is replaced, revoked or updated.
    #[arg(long, default_value = "")]
    pub reason: String,
}

/// The user's own key, and a timestamp server.
#[derive(Args, Debug)]
pub struct SigningArgs {
    /// Sign the packet (XML Signature) with this PKCS#12 file.
    #[arg(long, value_name = "P12")]
    pub sign: Option<PathBuf>,
    /// The PKCS#12 file's passphrase.
    #[arg(
        long,
        env = "BIENPHONG_SIGN_PASSPHRASE",
        hide_env_values = true,
        default_value = ""
    )]
    pub passphrase: String,
    /// Also sign each DOCX apart (NAME.docx.p7s, detached PKCS#7).
    #[arg(long, requires = "sign")]
    pub sign_files: bool,
    /// An RFC 3161 timestamp server on the closed network
    /// (http://HOST/PATH): the signature is stamped there.
    #[arg(long, env = "BIENPHONG_TSA_URL", requires = "sign", value_name = "URL")]
    pub tsa: Option<String>,
}
