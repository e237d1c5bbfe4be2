//! `bienphong backup` and `bienphong restore`: a store and what lives
//! beside it (a node's `sync.json`), out to one checked file and back.

use crate::cli::{BackupArgs, RestoreArgs};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use crate::output::local_time;
use anyhow::Context as _;
use bienphong_domain::format;
use bienphong_store::{BackupManifest, StoreError};
use bienphong_sync::client::{NodeState, SyncLock};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a backup waits for a running sync of the node to end, so that
/// the node's cursors and its store are taken at one moment.
const LOCK_PATIENCE: Duration = Duration::from_secs(120);

pub async fn backup(ctx: &Context, args: BackupArgs, out: &mut impl Write) -> Result<()> {
    let now = bienphong_service::now_ms();
    let to = match args.to {
        Some(path) => path,
        None => default_backup_path(&ctx.data, now)?,
    };
    if to.exists() {
        return Err(CliError::Message(
            "backup-exists",
            vec![("path", to.display().to_string())],
            Kind::Conflict,
        ));
    }
    let store = ctx.service().await?.store();
    let manifest = take(store, &ctx.data, ctx.database.is_none(), &to, now).await?;
    writeln!(
        out,
        "{}",
        ctx.say("backup-written", &summary(&manifest, &to, file_size(&to)))
    )
    .context("stdout")?;
    Ok(())
}

/// Restores onto the empty database `url` (PostgreSQL, or a SQLite file
/// named by URL): the backup is checked in a scratch SQLite file in the
/// data directory first, then copied whole with its identity, so that the
/// nodes of a restored server go on syncing with it. Files kept beside a
/// node's store have no place in a database and are not restored.
async fn restore_onto_database(
    ctx: &Context,
    file: &Path,
    url: &str,
    out: &mut impl Write,
) -> Result<()> {
    let target = bienphong_store::SqlStore::connect_keyed(url, ctx.key.as_ref()).await?;
    use bienphong_store::Store as _;
    if target.revision_count().await? > 0 {
        return Err(StoreError::TargetNotEmpty.into());
    }
    std::fs::create_dir_all(&ctx.data)
        .with_context(|| format!("cannot create the data directory {}", ctx.data.display()))?;
    let scratch = ctx
        .data
        .join(format!("restoring-{}.sqlite", std::process::id()));
    let restored = async {
        let (manifest, _) = bienphong_store::restore(file, &scratch, None).await?;
        let checked = bienphong_store::SqlStore::open_sqlite(&scratch).await?;
        let copied = bienphong_store::copy_whole(&checked, &target, true, |_, _| {}).await;
        checked.close().await;
        copied?;
        Ok::<_, CliError>(manifest)
    }
    .await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    let manifest = restored?;
    writeln!(
        out,
        "{}",
        ctx.say(
            "restore-done",
            &summary(
                &manifest,
                Path::new(&bienphong_store::mask_url(url)),
                file_size(file)
            )
        )
    )
    .context("stdout")?;
    Ok(())
}

/// A backup of `store` to `to`, with a node's `sync.json` (taken under the
/// sync lock, so that its cursors match the store) when `data` is a node's
/// and the store is its embedded one.
pub async fn take(
    store: &bienphong_store::SqlStore,
    data: &Path,
    embedded: bool,
    to: &Path,
    now: i64,
) -> Result<BackupManifest> {
    let node_settings = NodeState::path_in(data);
    let is_node = embedded && node_settings.is_file();
    // Held until the snapshot is taken: no sync moves the cursors between
    // reading sync.json and the database.
    let _lock = if is_node {
        Some(SyncLock::acquire(data, LOCK_PATIENCE).await?)
    } else {
        None
    };
    let mut extras = Vec::new();
    if is_node {
        let content = std::fs::read(&node_settings)
            .with_context(|| format!("cannot read {}", node_settings.display()))?;
        extras.push((file_name(&node_settings), content));
    }
    Ok(store.backup_to(to, &extras, now).await?)
}

/// The scheduled backup of `serve --backup-every`: a new file in
/// `DATA/backups` (skipped if one of that second exists), then the oldest
/// of the form `bienphong-*.bpbak` removed beyond `keep`. Returns the file
/// written, if any.
pub async fn scheduled(
    store: &bienphong_store::SqlStore,
    data: &Path,
    embedded: bool,
    keep: usize,
) -> Result<Option<PathBuf>> {
    let now = bienphong_service::now_ms();
    let to = default_backup_path(data, now)?;
    if to.exists() {
        return Ok(None);
    }
    take(store, data, embedded, &to, now).await?;
    let dir = data.join("backups");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = file_name(p);
            name.starts_with("bienphong-") && name.ends_with(".bpbak")
        })
        .collect();
    // The names sort as their times do.
    kept.sort();
    let excess = kept.len().saturating_sub(keep.max(1));
    for old in &kept[..excess] {
        std::fs::remove_file(old).with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(Some(to))
}

pub async fn restore(ctx: &Context, args: RestoreArgs, out: &mut impl Write) -> Result<()> {
    if let Some(url) = &ctx.database {
        return restore_onto_database(ctx, &args.file, url, out).await;
    }
    std::fs::create_dir_all(&ctx.data)
        .with_context(|| format!("cannot create the data directory {}", ctx.data.display()))?;
    let database = ctx.store_path();
    // Checked before anything is written: a restore never lands on a
    // directory that already holds a store or a node's settings.
    let node_settings = NodeState::path_in(&ctx.data);
    if database.exists() || node_settings.exists() {
        return Err(StoreError::TargetNotEmpty.into());
    }
    let (manifest, extras) =
        bienphong_store::restore(&args.file, &database, ctx.key.as_ref()).await?;
    for (name, content) in &extras {
        let path = ctx.data.join(name);
        std::fs::write(&path, content)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    writeln!(
        out,
        "{}",
        ctx.say(
            "restore-done",
            &summary(&manifest, &ctx.data, file_size(&args.file))
        )
    )
    .context("stdout")?;
    Ok(())
}

fn summary(manifest: &BackupManifest, path: &Path, bytes: u64) -> Vec<(&'static str, String)> {
    vec![
        ("path", path.display().to_string()),
        ("revisions", format::integer(manifest.revisions as i64)),
        ("digest", manifest.revision_digest.clone()),
        ("taken", local_time(manifest.created_ms)),
        ("size", format::integer(bytes as i64)),
    ]
}

/// `DATA/backups/bienphong-20261207-1430.bpbak`, at the border's time.
fn default_backup_path(data: &Path, now_ms: i64) -> Result<PathBuf> {
    let dir = data.join("backups");
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    let stamp = jiff::Timestamp::from_millisecond(now_ms)
        .map(|t| {
            t.in_tz(bienphong_domain::TIME_ZONE)
                .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC))
                .strftime("%Y%m%d-%H%M%S")
                .to_string()
        })
        .unwrap_or_default();
    Ok(dir.join(format!("bienphong-{stamp}.bpbak")))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
