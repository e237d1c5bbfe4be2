//! The store itself: demo data, maintenance, benchmarks.

use super::parse_cutoff;
use bienphong_domain::Cutoff;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Build a synthetic store of this many province-like structures instead.
    #[arg(long)]
    pub provinces: Option<u32>,
    /// Years of synthetic records (ending 2024).
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// Synthetic records per province and year.
    #[arg(long, default_value_t = 20_000)]
    pub records_per_province_year: u32,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write (default: backups/bienphong-DATE-TIME.bpbak
    /// in the data directory).
    #[arg(long)]
    pub to: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A file written by `bienphong backup`.
    pub file: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Write a workbook of synthetic patrols of the store's posts (to
    /// measure `bench import` on).
    SheetFile {
        #[arg(long, default_value_t = 200_000)]
        rows: u32,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Import a file as `import` does and report rows per second and the
    /// process's peak memory.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Time the coverage of markers for a year (min / median / max over
    /// --runs), then attaching a synthetic track of --points points to a
    /// patrol of that year (this writes the track to the store).
    Geo {
        #[arg(long, default_value_t = 2024)]
        year: i16,
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, default_value_t = 3)]
        runs: u32,
        #[arg(long, default_value_t = 50_000)]
        points: usize,
        /// First attach a generated track to one in this many patrols of
        /// the year whose markers have places (a synthetic store has none):
        /// a dense province's tracks. 0: none.
        #[arg(long, default_value_t = 0)]
        tracks: u32,
    },
    /// Time the annual review (min / median / max over --runs).
    Annual {
        #[arg(long, default_value_t = 2023)]
        year: i16,
        #[arg(long)]
        scope: Option<String>,
        /// Time the review mapped onto the units of this day (DD/MM/YYYY),
        /// as `report annual --map-to`; with --scope.
        #[arg(long, requires = "scope")]
        map_to: Option<String>,
        #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
        cutoff: Cutoff,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Recompute every derived table from the revisions.
    Rebuild,
    /// Check the file's integrity and that derived tables match the revisions.
    Check,
    /// Copy the whole store (revisions, accounts, tokens, sync peers and
    /// cursors, audit log, registers…) into an empty one, then verify the
    /// counts and a digest of the revision set.
    Copy {
        /// The source (default: the store in effect).
        #[arg(long)]
        from: Option<String>,
        /// The target: sqlite://PATH or postgres://…
        #[arg(long)]
        to: String,
        /// The copy replaces the original (a move to another database or
        /// machine): it takes the original's node id, so that nodes go on
        /// syncing with it. Without it the copy gets an identity of its own.
        #[arg(long)]
        keep_identity: bool,
        /// Encrypt a SQLite target with this key file (see --key-file).
        #[arg(long, value_name = "FILE")]
        to_key_file: Option<PathBuf>,
    },
    /// Write a new random key for an encrypted store into FILE (made
    /// readable by its owner only; an existing file is never replaced).
    Keygen { file: PathBuf },
}
