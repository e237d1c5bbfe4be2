//! Storage of revisions and of the figures derived from them, behind the
//! [`Store`] trait. The SQLite implementation is the embedded default; every
//! backend passes the same conformance suite (`tests/conformance.rs`).

mod accounts;
mod backup;
mod basemap;
mod blobs;
mod builder;
mod copy;
mod imports;
mod key;
mod org_changes;
mod peers;
mod personal;
mod pool;
mod spans;
mod sql;
mod tracks;

pub use accounts::{AccountStore, ApiToken, AuditEntry, AuditFilter, Session, User};
pub use backup::{BACKUP_FORMAT, BackupFile, BackupManifest, BesideFiles, restore};
pub use basemap::{Basemap, pmtiles_tile_id};
pub use blobs::{BlobInfo, BlobStore, NewBlob, copy_blobs, sha256_hex};
pub use copy::{CopyReport, WholeCopyReport, copy, copy_whole};
pub use imports::{DeletedImport, IMPORT_BATCH, ImportAudit, ImportStore};
pub use key::StoreKey;
pub use org_changes::{OrgChange, OrgChangeStore};
pub use peers::{Installation, PeerContact, SyncPeer, SyncRefusal, SyncStatusStore};
pub use personal::{Erasure, PersonalStore, SubjectRequest};
pub use pool::PoolSettings;
pub use sql::{Backend, SchemaState, SqlStore, mask_url};
pub use tracks::{TrackFacts, TrackStore};

use bienphong_domain::org::Code;
use bienphong_domain::scope::Scope;
use bienphong_domain::{
    Content, Date, Described, ErrorKind, NodeId, Period, Quantity, RecordId, RecordType, Revision,
    RevisionId,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The disk (or the database server's) has no room left; the write
    /// under way was rolled back.
    #[error("the disk holding the store is full ({0}); free space on it, then try again")]
    DiskFull(String),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("record {0} does not exist")]
    NotFound(RecordId),
    #[error("record {0} is deleted")]
    Deleted(RecordId),
    #[error("record {0} already exists")]
    AlreadyExists(RecordId),
    #[error(
        "record {record} was changed meanwhile: its latest revision is {actual}, not {expected}"
    )]
    Stale {
        record: RecordId,
        expected: RevisionId,
        actual: RevisionId,
    },
    #[error("record {record} is a {actual}, not a {expected}")]
    WrongType {
        record: RecordId,
        expected: RecordType,
        actual: RecordType,
    },
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    /// SQLite could not read the file's first page: an encrypted store
    /// opened without its key or with another one, or not a store at all.
    #[error(
        "cannot read the store at {0}: it is encrypted and the key is missing or wrong (give it with --key-file), or it is not a bienphong store"
    )]
    Unreadable(String),
    #[error("store key: {0}")]
    Key(String),
    #[error("the target store already holds revisions; copy into an empty one")]
    TargetNotEmpty,
    /// A backup file that is not whole: its checksum, its revision set or
    /// its layout does not match its manifest.
    #[error("the backup {path} is damaged: {reason}")]
    BackupDamaged { path: String, reason: String },
    #[error("{0}")]
    BackupUnsupported(String),
    #[error("the copy differs from its source: source {original}, copy {copied}")]
    CopyMismatch { original: String, copied: String },
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("user name {0} is already taken")]
    UsernameTaken(String),
    #[error(
        "the database has schema version {0}, newer than this program knows; use a newer bienphong"
    )]
    SchemaTooNew(i64),
    /// A write that does not name every head of a record in conflict.
    #[error(
        "record {record} is in conflict between revisions {}; resolve it first",
        join_ids(heads)
    )]
    InConflict {
        record: RecordId,
        heads: Vec<RevisionId>,
    },
    /// A resolution of a record that has one head (perhaps resolved
    /// meanwhile by someone else).
    #[error("record {0} is not in conflict")]
    NotInConflict(RecordId),
}

impl StoreError {
    /// The one wording of a store error, for every edge: the CLI and the
    /// web take kind, code and message key from here.
    pub fn describe(&self) -> Described {
        use ErrorKind as K;
        let id = |r: &RecordId| r.to_string();
        match self {
            StoreError::NotFound(r) => {
                Described::new(K::NotFound, "not_found", "record-not-found").with("id", id(r))
            }
            StoreError::Deleted(r) => {
                Described::new(K::NotFound, "deleted", "record-deleted").with("id", id(r))
            }
            StoreError::AlreadyExists(r) => {
                Described::new(K::Conflict, "exists", "record-exists").with("id", id(r))
            }
            StoreError::Stale {
                record,
                expected,
                actual,
            } => Described::new(K::Conflict, "stale", "record-stale")
                .with("id", id(record))
                .with("expected", expected.to_string())
                .with("actual", actual.to_string()),
            StoreError::WrongType {
                record,
                expected,
                actual,
            } => Described::new(K::WrongType, "not_found", "record-wrong-type")
                .with("id", id(record))
                .with("expected", expected.to_string())
                .with("actual", actual.to_string()),
            StoreError::InConflict { record, heads } => {
                Described::new(K::Conflict, "in_conflict", "record-in-conflict")
                    .with("id", id(record))
                    .with("heads", join_ids(heads))
            }
            StoreError::NotInConflict(r) => {
                Described::new(K::Conflict, "not_in_conflict", "record-not-in-conflict")
                    .with("id", id(r))
            }
            StoreError::UsernameTaken(name) => {
                Described::new(K::Conflict, "exists", "user-exists").with("name", name.clone())
            }
            StoreError::TargetNotEmpty => {
                Described::new(K::Conflict, "exists", "store-target-not-empty")
            }
            StoreError::UnsupportedUrl(url) => {
                Described::new(K::Invalid, "invalid", "store-unsupported-url")
                    .with("value", url.clone())
            }
            StoreError::Open { path, reason } => {
                Described::new(K::Unavailable, "unavailable", "store-open")
                    .with("path", path.clone())
                    .with("detail", reason.clone())
            }
            StoreError::Unreadable(path) => {
                Described::new(K::Unavailable, "unavailable", "store-unreadable")
                    .with("path", path.clone())
            }
            StoreError::Key(detail) => Described::new(K::Invalid, "invalid", "store-key-refused")
                .with("detail", detail.clone()),
            StoreError::SchemaTooNew(v) => {
                Described::new(K::Unavailable, "unavailable", "store-schema-too-new")
                    .with("value", v.to_string())
            }
            StoreError::DiskFull(detail) => {
                Described::new(K::Unavailable, "disk_full", "store-disk-full")
                    .with("detail", detail.clone())
            }
            StoreError::BackupDamaged { path, reason } => {
                Described::new(K::Invalid, "invalid", "backup-damaged")
                    .with("path", path.clone())
                    .with("detail", reason.clone())
            }
            StoreError::BackupUnsupported(detail) => {
                Described::new(K::Invalid, "invalid", "backup-unsupported")
                    .with("detail", detail.clone())
            }
            StoreError::Database(_)
            | StoreError::Migration(_)
            | StoreError::Corrupt(_)
            | StoreError::CopyMismatch { .. } => {
                Described::new(K::Internal, "internal", "store-error")
                    .with("detail", self.to_string())
            }
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_disk_full(&e) {
            StoreError::DiskFull(e.to_string())
        } else {
            StoreError::Database(e)
        }
    }
}

/// SQLite's `SQLITE_FULL` (13, with its extended codes) and PostgreSQL's
/// class 53 "insufficient resources" for disk (53100).
fn is_disk_full(e: &sqlx::Error) -> bool {
    let Some(d) = e.as_database_error() else {
        return matches!(e, sqlx::Error::Io(io) if io.raw_os_error() == Some(28));
    };
    match d.code().as_deref() {
        Some("53100") => true,
        Some(code) => code.parse::<i64>().is_ok_and(|c| c & 0xff == 13),
        None => false,
    }
}

fn join_ids(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One change to write. All writes of a [`Store::commit`] succeed together
/// or none is written.
#[derive(Clone, Debug)]
pub struct Write {
    pub record_id: RecordId,
    pub record_type: RecordType,
    /// The new content; `None` deletes the record (a tombstone).
    pub content: Option<Content>,
    /// The revision this change follows: `None` creates the record; for an
    /// edit or delete it must be the record's latest revision.
    pub parent: Option<RevisionId>,
    /// For a record in conflict, its other heads: the write resolves the
    /// conflict and names them all as parents. Empty otherwise.
    pub resolves: Vec<RevisionId>,
    pub author: String,
    pub created_ms: i64,
    /// A given id (reproducible data); `None` draws a fresh UUIDv7.
    pub revision_id: Option<RevisionId>,
}

/// A record changed on two nodes since their common revision: its heads,
/// in id order (the greatest is the one shown until it is resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub heads: Vec<RevisionId>,
}

/// A live record as it currently stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentRecord {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub revision_id: RevisionId,
    pub day: Option<Date>,
    pub content: String,
}

/// The latest revision of a record, deleted or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub record_type: RecordType,
    pub revision_id: RevisionId,
    pub deleted: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub record_type: Option<RecordType>,
    pub period: Option<Period>,
    /// Records counted under a unit (lead or partner) that is in this
    /// scope on the record's date; an undated record, under a unit that is
    /// in it on some day.
    pub units: Option<Scope>,
    /// Records filed under this category (case type, meeting type…).
    pub category: Option<String>,
    /// Restricted records that belong to this record.
    pub subject_of: Option<RecordId>,
    pub limit: Option<u32>,
    pub offset: u32,
    /// Only records after this one in the list's order (keyset paging): a
    /// page that goes on from its last record neither skips nor repeats a
    /// record when others are added or deleted meanwhile.
    pub after: Option<ListKey>,
}

/// A record's place in the order of [`Store::list`]: undated records
/// first, then by day, ties broken by record id, so no two records share
/// a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListKey {
    pub day: Option<Date>,
    pub record_id: RecordId,
}

impl ListKey {
    pub fn of(r: &CurrentRecord) -> Self {
        Self {
            day: r.day,
            record_id: r.record_id,
        }
    }
}

/// A measure summed over a period, optionally per leading unit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MeasureSum {
    pub measure: String,
    pub lead_unit: Option<Code>,
    pub value: i64,
}

/// A live record as the snapshot compares it: id, revision, day, unit-set
/// key, content with end day and category.
pub type CurrentRow = (String, String, Option<i64>, Option<String>, String);

/// Everything derived, in a form that does not depend on internal ids, to
/// compare a maintained store with a rebuilt one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedSnapshot {
    pub heads: Vec<(String, String, String, bool)>,
    pub current: Vec<CurrentRow>,
    pub facts: Vec<(i64, String, String, i64)>,
    pub half_month_facts: Vec<(i64, String, String, i64)>,
    pub month_facts: Vec<(i64, String, String, i64)>,
    pub year_facts: Vec<(i64, String, String, i64)>,
    /// Records in conflict with their heads, in id order.
    pub conflicts: Vec<(String, Vec<String>)>,
}

/// Who delivered a revision to a server (by push or bundle): the account
/// of the principal that sent it and the node it synced as. Kept beside
/// the revision, never in it: revisions are the same on every store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub account: String,
    pub node_id: Option<NodeId>,
    pub received_ms: i64,
}

pub trait Store: Send + Sync {
    /// This installation's node id.
    fn node_id(&self) -> NodeId;

    /// Writes `writes` in one transaction and returns their revisions.
    fn commit(&self, writes: Vec<Write>) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    fn head(&self, record: RecordId) -> impl Future<Output = Result<Option<Head>>> + Send;

    fn get(&self, record: RecordId) -> impl Future<Output = Result<Option<CurrentRecord>>> + Send;

    /// Every revision of a record, oldest first.
    fn history(&self, record: RecordId) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    /// Live records in [`ListKey`] order: undated first, then by date,
    /// then by id.
    fn list(&self, filter: ListFilter) -> impl Future<Output = Result<Vec<CurrentRecord>>> + Send;

    /// The live organisation records: units, links, markers, catalogues.
    fn structure(&self) -> impl Future<Output = Result<Vec<CurrentRecord>>> + Send;

    /// The seizures (item, quantity) of the live cases `unit` handled,
    /// but those of `except` (the record being written): what the unit
    /// has recorded before, for the plausibility of a new seizure.
    fn unit_seizures(
        &self,
        unit: &Code,
        except: Option<RecordId>,
    ) -> impl Future<Output = Result<Vec<(Code, Quantity)>>> + Send;

    /// Sums of every measure over `period`, for records counted under a
    /// unit that is in `units` on the day of the fact (all records when
    /// `None`), each record once.
    fn sum_measures(
        &self,
        period: Period,
        units: Option<Scope>,
        by_lead_unit: bool,
    ) -> impl Future<Output = Result<Vec<MeasureSum>>> + Send;

    /// Live records of `record_type` in force at some time during `period`
    /// (dated on or before its end and not ended before its start) on a day
    /// when one of its units is in `units`, counted by category.
    fn count_active(
        &self,
        record_type: RecordType,
        period: Period,
        units: Option<Scope>,
    ) -> impl Future<Output = Result<Vec<(String, i64)>>> + Send;

    /// The units (leads and partners) of the unit sets whose `measure` sums
    /// to more than zero over `period`: who took part in the records it
    /// counts, read from the facts; of the records of `units` alone when
    /// given (a set counts when one of its units is in the scope).
    fn units_counted(
        &self,
        measure: &str,
        period: Period,
        units: Option<Scope>,
    ) -> impl Future<Output = Result<BTreeSet<Code>>> + Send;

    /// Recomputes every derived table from the revisions.
    fn rebuild(&self) -> impl Future<Output = Result<()>> + Send;

    /// Whether the derived tables equal a rebuild from the revisions; the
    /// store is left unchanged.
    fn verify_derived(&self) -> impl Future<Output = Result<bool>> + Send;

    fn derived_snapshot(&self) -> impl Future<Output = Result<DerivedSnapshot>> + Send;

    /// All revisions in the order this store received them.
    fn revisions(&self) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    fn revision_count(&self) -> impl Future<Output = Result<u64>> + Send;

    /// Revisions received after `after_seq`, in order, with their sequence
    /// numbers (for copying a store without holding it in memory).
    fn revisions_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(i64, Revision)>>> + Send;

    /// Stores revisions made elsewhere as they are (ids, nodes, parents,
    /// authors and times kept), in the order given, and brings the derived
    /// tables in line. A revision already present is skipped. A record's
    /// head follows from its set of revisions by parent links
    /// (`domain::revision::heads`), so the order of imports does not
    /// matter. Returns how many were new.
    fn import(&self, revisions: Vec<Revision>) -> impl Future<Output = Result<usize>> + Send;

    /// [`Store::import`], recording in the same transaction a [`Receipt`]
    /// for each revision that was new: who delivered it.
    fn import_received(
        &self,
        revisions: Vec<Revision>,
        receipt: &Receipt,
    ) -> impl Future<Output = Result<usize>> + Send;

    /// The receipts of a record's revisions that came by push or bundle.
    fn receipts(
        &self,
        record: RecordId,
    ) -> impl Future<Output = Result<HashMap<RevisionId, Receipt>>> + Send;

    /// Which of `ids` this store holds.
    fn present_revisions(
        &self,
        ids: &[RevisionId],
    ) -> impl Future<Output = Result<HashSet<RevisionId>>> + Send;

    /// The revisions of `ids` this store holds, in the order it received
    /// them (so parents come before their children).
    fn revisions_by_ids(
        &self,
        ids: &[RevisionId],
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    /// The number of revisions and a SHA-256 over all of them in id order:
    /// equal digests mean equal revision sets, whatever order they came in.
    fn revision_digest(&self) -> impl Future<Output = Result<(u64, String)>> + Send;

    /// The next number in `issuer`'s register of `style` (`state`,
    /// `party`), in its `series` of documents for `period` (1 for the
    /// first), taken at once so that no two documents share one. Which
    /// series and period a document belongs to is the format's rule
    /// (`bienphong_report::Letterhead::register`). The audit entry
    /// `audit` makes of the number is written in the same transaction: a
    /// number is never taken without its entry (a gap no one can account
    /// for), nor an entry written for a number not taken.
    fn next_document_number(
        &self,
        issuer: &str,
        style: &str,
        series: &str,
        period: &str,
        audit: impl FnOnce(u32) -> AuditEntry + Send,
    ) -> impl Future<Output = Result<u32>> + Send;

    /// The sequence number of the newest revision (0 when empty): it changes
    /// with every write, so a cache of anything derived can be checked
    /// against it cheaply.
    fn last_seq(&self) -> impl Future<Output = Result<i64>> + Send;

    /// Records in conflict, by record id.
    fn conflicts(&self) -> impl Future<Output = Result<Vec<Conflict>>> + Send;

    /// Records whose revisions do not all have one type (a damaged or
    /// forged history; `store check` reports them).
    fn records_of_mixed_type(&self) -> impl Future<Output = Result<Vec<RecordId>>> + Send;

    /// Live activity records (organisation and restricted records excluded).
    fn record_count(&self) -> impl Future<Output = Result<u64>> + Send;

    /// Removes `records` whole, in one transaction: every revision, what
    /// was derived from them, and who delivered them; notes each purge
    /// (record, type, revisions, `reason`, `at_ms`). Only for a node whose
    /// grant may no longer hold them
    /// (docs/adr/0012-purging-what-a-node-may-no-longer-hold.md). Returns
    /// the revisions removed.
    fn purge(
        &self,
        records: &[RecordId],
        reason: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<usize>> + Send;

    /// The purges this store made, oldest first.
    fn purges(&self) -> impl Future<Output = Result<Vec<Purge>>> + Send;

    /// The head of each of `records` this store holds, with its live
    /// content (none for a deleted record).
    fn current_of(
        &self,
        records: &[RecordId],
    ) -> impl Future<Output = Result<HashMap<RecordId, (Head, Option<String>)>>> + Send;
}

/// A record this store removed because its grant may no longer hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purge {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub revisions: u64,
    pub reason: String,
    pub at_ms: i64,
}
