//! `bienphong person …`: a data subject's rights (Personal Data Protection
//! Law 91/2025/QH15): the register of requests, everything held about a
//! person, and erasure (docs/adr/0020-data-subjects-and-erasure.md).

use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Register a person's request; it is due two working days later.
    Request {
        /// The person, as they name themselves.
        #[arg(long)]
        person: String,
        /// access, correction, erasure, objection, restriction or withdrawal.
        #[arg(long)]
        kind: String,
        /// The day it was received, DD/MM/YYYY (default: today).
        #[arg(long)]
        received: Option<String>,
    },
    /// The register of requests, by the day each is due.
    Requests {
        #[arg(long)]
        json: bool,
    },
    /// Record how a request was handled.
    Handle {
        /// The request's id.
        id: String,
        /// open, answered or refused.
        #[arg(long)]
        state: String,
        /// What was done.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Everything held about a person: the records naming them, with
    /// their history, and their requests (audited).
    Export {
        #[arg(long)]
        person: String,
        #[arg(long, value_enum, default_value_t = PersonFormat::Md)]
        format: PersonFormat,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// Erase a person from every record naming them: from the records
    /// now and from the content of their history; the audit keeps that
    /// it happened. Nodes erase it at their next sync.
    Erase {
        #[arg(long)]
        person: String,
        /// The request this answers (it is marked answered).
        #[arg(long)]
        request: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PersonFormat {
    Md,
    Json,
}
