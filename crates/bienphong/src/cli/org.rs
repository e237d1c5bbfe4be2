//! The organisation as a whole: official codes of its units.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Official administrative codes and agency identifiers of units.
    Codes {
        #[command(subcommand)]
        command: CodesCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum CodesCommand {
    /// Import a list of codes (CSV or XLSX with the columns unit,
    /// admin_code, valid_from, valid_to, agency_id): each unit named gets
    /// exactly the codes of its rows; all units or none.
    Import(CodesImportArgs),
}

#[derive(Args, Debug)]
pub struct CodesImportArgs {
    pub file: PathBuf,
    /// Check the file and show what would change, without writing.
    #[arg(long)]
    pub dry_run: bool,
}
