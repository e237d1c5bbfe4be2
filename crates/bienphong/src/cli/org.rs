//! The organisation as a whole: official codes of its units, and
//! reorganisations applied as one change set.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Official administrative codes and agency identifiers of units.
    Codes {
        #[command(subcommand)]
        command: CodesCommand,
    },
    /// Apply a reorganisation (merges, splits, renames, re-parentings,
    /// abolitions effective on one date) from a JSON, CSV or XLSX file
    /// (docs/org-changes.md): checked as a whole, written in one
    /// transaction, or nothing written and every problem named.
    Apply(ApplyArgs),
    /// The reorganisations applied, one line each.
    Changes,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The change set: a JSON, CSV or XLSX file (docs/org-changes.md).
    pub file: PathBuf,
    /// Check the file and show what would be written, without writing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Subcommand, Debug)]
pub enum CodesCommand {
    /// Import a list of codes (CSV or XLSX): each row names its unit by
    /// its own code (column unit) or as the official lists do (code, name,
    /// level, parent_code), with valid_from, valid_to, agency_id; each unit
    /// named gets exactly the codes of its rows; all units or none.
    Import(CodesImportArgs),
}

#[derive(Args, Debug)]
pub struct CodesImportArgs {
    pub file: PathBuf,
    /// Check the file and show what would change, without writing.
    #[arg(long)]
    pub dry_run: bool,
}
