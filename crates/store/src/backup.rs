//! A backup of a SQLite store and its restore.
//!
//! The snapshot is SQLite's `VACUUM INTO`, which reads the whole database
//! inside one read transaction: with the store in WAL mode, writers go on
//! while it runs, and the copy holds exactly the transactions committed
//! before it began. A PostgreSQL store is copied whole, inside one
//! repeatable-read transaction, into a SQLite file of the same layout, so
//! that both backends share one format and a backup restores onto either. The file is a zstd-compressed tar of `manifest.json`
//! (first, so a reader checks the format before anything else), the
//! database and the few files that live beside it (a node's `sync.json`),
//! each with its SHA-256 in the manifest. A restore checks every checksum
//! and re-reads the revision set before the store appears in its place, so
//! a damaged backup is refused and leaves nothing behind.

use crate::key::StoreKey;
use crate::sql::{Backend, SqlStore};
use crate::{Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The layout this program writes and reads.
pub const BACKUP_FORMAT: &str = "bienphong-backup/1";

const MANIFEST: &str = "manifest.json";
/// The first bytes of every zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
const DATABASE: &str = "store.sqlite";
const FILES: &str = "files/";
/// Files beside the store are settings (a node's cursors), never bulk data.
const MAX_EXTRA_FILE: u64 = 16 * 1024 * 1024;

/// What a backup holds and how to tell it is whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    /// When the snapshot was taken, in milliseconds since the epoch (the
    /// caller's clock).
    pub created_ms: i64,
    /// The program that wrote it (`CARGO_PKG_VERSION` of the store crate).
    pub program: String,
    /// The last migration applied to the database.
    pub schema_version: i64,
    pub node_id: String,
    pub revisions: u64,
    /// The store's digest of its revision set (as `store copy` checks it).
    pub revision_digest: String,
    pub database: BackupFile,
    /// Files that lived beside the store, such as a node's `sync.json`.
    pub files: Vec<BackupFile>,
}

/// Files kept beside the store: each name with its content.
pub type BesideFiles = Vec<(String, Vec<u8>)>;

/// One file of a backup: its name, size and SHA-256 (hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl SqlStore {
    /// Writes a backup of this store to `to`, with `extras` (name and
    /// content of files kept beside the store). The file appears whole or
    /// not at all: it is written beside `to` and renamed when complete.
    pub async fn backup_to(
        &self,
        to: &Path,
        extras: &[(String, Vec<u8>)],
        created_ms: i64,
    ) -> Result<BackupManifest> {
        for (name, _) in extras {
            if !is_plain_name(name) {
                return Err(StoreError::BackupUnsupported(format!(
                    "{name} is not a plain file name"
                )));
            }
        }
        // Checked first: SQLite would only say it "cannot open the database".
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(StoreError::Open {
                path: dir.display().to_string(),
                reason: "no such directory".to_string(),
            });
        }
        let snapshot = sibling(to, "snapshot");
        let partial = sibling(to, "partial");
        let result = async {
            remove_if_present(&snapshot)?;
            match self.backend() {
                Backend::Sqlite => {
                    sqlx::query("VACUUM INTO $1")
                        .bind(snapshot.display().to_string())
                        .execute(self.pool())
                        .await?;
                }
                // PostgreSQL's own snapshot, copied whole into a SQLite
                // file of the same layout: one backup format for both, and
                // a restore onto either.
                Backend::Postgres => {
                    let copy = SqlStore::open_sqlite(&snapshot).await?;
                    let copied = crate::copy_whole(self, &copy, true, |_, _| {}).await;
                    copy.close().await;
                    copied?;
                }
            }
            let (node_id, schema_version, revisions, revision_digest) =
                describe_database(&snapshot, self.key()).await?;
            let database = BackupFile {
                name: DATABASE.to_string(),
                bytes: file_len(&snapshot)?,
                sha256: sha256_of_file(&snapshot)?,
            };
            let files = extras
                .iter()
                .map(|(name, content)| BackupFile {
                    name: name.clone(),
                    bytes: content.len() as u64,
                    sha256: hex(&Sha256::digest(content)),
                })
                .collect();
            let manifest = BackupManifest {
                format: BACKUP_FORMAT.to_string(),
                created_ms,
                program: env!("CARGO_PKG_VERSION").to_string(),
                schema_version,
                node_id,
                revisions,
                revision_digest,
                database,
                files,
            };
            write_archive(&partial, &manifest, &snapshot, extras)?;
            std::fs::rename(&partial, to).map_err(|e| io_error(to, e))?;
            sync_parent(to);
            Ok(manifest)
        }
        .await;
        let _ = std::fs::remove_file(&snapshot);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }
}

/// Restores the backup `from` as the SQLite store `database`, which must
/// not exist yet. Returns the manifest and the files kept beside the store,
/// for the caller to put back. Nothing is left at `database` unless every
/// check passed. A backup of an encrypted store is encrypted with the
/// store's key, and restored with it.
pub async fn restore(
    from: &Path,
    database: &Path,
    key: Option<&StoreKey>,
) -> Result<(BackupManifest, BesideFiles)> {
    if database.exists() {
        return Err(StoreError::TargetNotEmpty);
    }
    let partial = sibling(database, "restoring");
    let result = async {
        let (manifest, extras) = unpack(from, &partial)?;
        let damaged = |reason: String| StoreError::BackupDamaged {
            path: from.display().to_string(),
            reason,
        };
        let (_, _, revisions, digest) = describe_database(&partial, key).await?;
        if revisions != manifest.revisions || digest != manifest.revision_digest {
            return Err(damaged(format!(
                "it holds {revisions} revisions ({digest}), its manifest says {} ({})",
                manifest.revisions, manifest.revision_digest
            )));
        }
        std::fs::rename(&partial, database).map_err(|e| io_error(database, e))?;
        sync_parent(database);
        Ok((manifest, extras))
    }
    .await;
    if result.is_err() {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = partial.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    result
}

/// Node id, schema version, revision count and digest of a database file,
/// opened on its own. Opening applies no migration to a backup of this
/// program's schema, and refuses a newer one.
async fn describe_database(
    path: &Path,
    key: Option<&StoreKey>,
) -> Result<(String, i64, u64, String)> {
    let store = SqlStore::open_sqlite_keyed(path, key).await?;
    let described = async {
        let schema_version: i64 =
            sqlx::query_scalar("SELECT CAST(MAX(version) AS BIGINT) FROM _sqlx_migrations")
                .fetch_one(store.pool())
                .await?;
        let (revisions, digest) = store.revision_digest().await?;
        Ok((
            store.node_id().to_string(),
            schema_version,
            revisions,
            digest,
        ))
    }
    .await;
    // Back to one file: the snapshot is hashed and moved as a whole.
    if described.is_ok() {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await?;
    }
    store.close().await;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.to_path_buf().into_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    described
}

fn write_archive(
    to: &Path,
    manifest: &BackupManifest,
    database: &Path,
    extras: &[(String, Vec<u8>)],
) -> Result<()> {
    let err = |e: std::io::Error| io_error(to, e);
    let file = std::fs::File::create(to).map_err(err)?;
    let mut encoder = zstd::Encoder::new(file, 3).map_err(err)?;
    encoder.include_checksum(true).map_err(err)?;
    let mut tar = tar::Builder::new(encoder);
    let manifest_json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| StoreError::Corrupt(format!("manifest: {e}")))?;
    append(&mut tar, MANIFEST, &manifest_json).map_err(err)?;
    let mut db = std::fs::File::open(database).map_err(|e| io_error(database, e))?;
    tar.append_file(DATABASE, &mut db).map_err(err)?;
    for (name, content) in extras {
        append(&mut tar, &format!("{FILES}{name}"), content).map_err(err)?;
    }
    let file = tar.into_inner().map_err(err)?.finish().map_err(err)?;
    // A backup reported as written must survive a power cut.
    file.sync_all().map_err(err)?;
    Ok(())
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, content: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, content)
}

/// Reads the archive: the manifest first, the database into `database`
/// (checked against its size and checksum), the other files into memory.
fn unpack(from: &Path, database: &Path) -> Result<(BackupManifest, BesideFiles)> {
    let damaged = |reason: String| StoreError::BackupDamaged {
        path: from.display().to_string(),
        reason,
    };
    let mut file = std::fs::File::open(from).map_err(|e| io_error(from, e))?;
    // Any other file (a spreadsheet, a bare database) is named as such,
    // not as a damaged backup.
    let mut magic = [0u8; 4];
    let is_zstd = file.read_exact(&mut magic).is_ok() && magic == ZSTD_MAGIC;
    if !is_zstd {
        return Err(damaged(
            "it is not a bienphong backup (bienphong backup writes them)".to_string(),
        ));
    }
    std::io::Seek::rewind(&mut file).map_err(|e| io_error(from, e))?;
    let decoder = zstd::Decoder::new(file).map_err(|e| damaged(e.to_string()))?;
    let mut archive = tar::Archive::new(decoder);
    let mut entries = archive.entries().map_err(|e| damaged(e.to_string()))?;
    let mut next = || -> Result<Option<(String, tar::Entry<'_, _>)>> {
        match entries.next() {
            None => Ok(None),
            Some(entry) => {
                let entry = entry.map_err(|e| damaged(e.to_string()))?;
                let name = entry
                    .path()
                    .map_err(|e| damaged(e.to_string()))?
                    .to_string_lossy()
                    .into_owned();
                Ok(Some((name, entry)))
            }
        }
    };
    let manifest: BackupManifest = match next()? {
        Some((name, mut entry)) if name == MANIFEST => {
            let mut text = Vec::new();
            entry
                .by_ref()
                .take(MAX_EXTRA_FILE)
                .read_to_end(&mut text)
                .map_err(|e| damaged(e.to_string()))?;
            serde_json::from_slice(&text).map_err(|e| damaged(format!("manifest: {e}")))?
        }
        _ => return Err(damaged("it does not begin with a manifest".to_string())),
    };
    if manifest.format != BACKUP_FORMAT {
        return Err(damaged(format!(
            "its format is {}, this program reads {BACKUP_FORMAT}",
            manifest.format
        )));
    }
    let mut database_seen = false;
    let mut extras = Vec::new();
    while let Some((name, mut entry)) = next()? {
        if name == DATABASE && !database_seen {
            database_seen = true;
            let mut out = std::fs::File::create(database).map_err(|e| io_error(database, e))?;
            let (bytes, sha256) = copy_hashing(&mut entry, &mut out)
                .map_err(|e| damaged(format!("{DATABASE}: {e}")))?;
            out.sync_all().map_err(|e| io_error(database, e))?;
            check_file(&manifest.database, bytes, &sha256).map_err(damaged)?;
        } else if let Some(extra) = name.strip_prefix(FILES) {
            let listed = manifest
                .files
                .iter()
                .find(|f| f.name == extra && is_plain_name(extra))
                .ok_or_else(|| damaged(format!("{name} is not in its manifest")))?;
            let mut content = Vec::new();
            entry
                .by_ref()
                .take(MAX_EXTRA_FILE)
                .read_to_end(&mut content)
                .map_err(|e| damaged(format!("{name}: {e}")))?;
            check_file(
                listed,
                content.len() as u64,
                &hex(&Sha256::digest(&content)),
            )
            .map_err(damaged)?;
            extras.push((extra.to_string(), content));
        } else {
            return Err(damaged(format!("unexpected entry {name}")));
        }
    }
    if !database_seen {
        return Err(damaged(format!("{DATABASE} is missing")));
    }
    if extras.len() != manifest.files.len() {
        return Err(damaged(
            "files listed in its manifest are missing".to_string(),
        ));
    }
    Ok((manifest, extras))
}

fn check_file(listed: &BackupFile, bytes: u64, sha256: &str) -> std::result::Result<(), String> {
    if listed.bytes != bytes || listed.sha256 != sha256 {
        return Err(format!(
            "{} has {bytes} bytes with SHA-256 {sha256}, its manifest says {} bytes with {}",
            listed.name, listed.bytes, listed.sha256
        ));
    }
    Ok(())
}

fn copy_hashing(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

fn sha256_of_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    copy_hashing(&mut file, &mut std::io::sink())
        .map(|(_, h)| h)
        .map_err(|e| io_error(path, e))
}

fn file_len(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .map_err(|e| io_error(path, e))?
        .len())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `sync.json`, not `../x` or `a/b`: extras come back into the data
/// directory, never elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
}

fn sibling(path: &Path, what: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{what}"));
    path.with_file_name(name)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(path, e)),
        _ => Ok(()),
    }
}

/// The rename that made a file appear is durable once its directory is.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    if e.raw_os_error() == Some(28) {
        return StoreError::DiskFull(format!("{}: {e}", path.display()));
    }
    StoreError::Open {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}
