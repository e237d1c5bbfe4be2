//! `bienphong store rebuild | check | copy`: maintenance of the store.

use crate::cli::StoreCommand;
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_domain::format;
use bienphong_store::{SqlStore, Store, StoreError, StoreKey};
use std::io::Write;

pub async fn run(ctx: &Context, command: StoreCommand, out: &mut impl Write) -> Result<()> {
    match command {
        StoreCommand::Rebuild => rebuild(ctx, out).await,
        StoreCommand::Copy {
            from,
            to,
            keep_identity,
            to_key_file,
        } => {
            let to_key = to_key_file
                .as_deref()
                .map(StoreKey::from_file)
                .transpose()?;
            copy(ctx, from, &to, to_key.as_ref(), keep_identity, out).await
        }
        StoreCommand::Check => check(ctx, out).await,
        StoreCommand::Keygen { file } => keygen(ctx, &file, out),
    }
}

/// A new raw key in a file only its owner may read. The file is created,
/// never overwritten: replacing a key file would lock its store away.
fn keygen(ctx: &Context, file: &std::path::Path, out: &mut impl Write) -> Result<()> {
    let key = bienphong_service::accounts::new_secret()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut written = options
        .open(file)
        .with_context(|| format!("cannot create the key file {}", file.display()))?;
    writeln!(written, "{key}")
        .and_then(|()| written.sync_all())
        .with_context(|| format!("cannot write the key file {}", file.display()))?;
    writeln!(
        out,
        "{}",
        ctx.say("store-key-written", &[("file", file.display().to_string())])
    )
    .context("stdout")?;
    Ok(())
}

async fn rebuild(ctx: &Context, out: &mut impl Write) -> Result<()> {
    let store = ctx.service().await?.store();
    store.rebuild().await?;
    let n = store.revision_count().await?;
    writeln!(
        out,
        "{}",
        ctx.say("rebuilt", &[("revisions", format::integer(n as i64))])
    )
    .context("stdout")?;
    Ok(())
}

/// Copies `--from` (or the store in effect), whole, into the empty store
/// `to`.
async fn copy(
    ctx: &Context,
    from: Option<String>,
    to: &str,
    to_key: Option<&StoreKey>,
    keep_identity: bool,
    out: &mut impl Write,
) -> Result<()> {
    let named;
    let source = match from {
        Some(url) => {
            named = SqlStore::connect_keyed(&url, ctx.key.as_ref()).await?;
            &named
        }
        None => ctx.service().await?.store(),
    };
    let target = SqlStore::connect_keyed(to, to_key).await?;
    let report = bienphong_store::copy_whole(source, &target, keep_identity, |table, n| {
        eprint!("\r{table} {} …", format::integer(n as i64));
    })
    .await?;
    eprintln!();
    for (table, rows) in &report.tables {
        writeln!(
            out,
            "  {}",
            ctx.say(
                "copied-table",
                &[
                    ("table", table.clone()),
                    ("rows", format::integer(*rows as i64))
                ]
            )
        )
        .context("stdout")?;
    }
    let identity = if report.kept_identity {
        "copied-identity-kept"
    } else {
        "copied-identity-new"
    };
    writeln!(out, "{}", ctx.say(identity, &[])).context("stdout")?;
    writeln!(
        out,
        "{}",
        ctx.say(
            "copied",
            &[
                ("revisions", format::integer(report.revisions as i64)),
                ("to", bienphong_store::mask_url(to)),
                ("digest", report.digest),
            ]
        )
    )
    .context("stdout")?;
    Ok(())
}

async fn check(ctx: &Context, out: &mut impl Write) -> Result<()> {
    let store = ctx.service().await?.store();
    let integrity = store.integrity_check().await?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(integrity).into());
    }
    let mixed = store.records_of_mixed_type().await?;
    if let Some(first) = mixed.first() {
        return Err(CliError::Message(
            "check-mixed-type",
            vec![
                ("count", format::integer(mixed.len() as i64)),
                ("record", first.to_string()),
            ],
            Kind::Failed,
        ));
    }
    if !store.verify_derived().await? {
        return Err(CliError::Message("check-failed", vec![], Kind::Failed));
    }
    writeln!(out, "{}", ctx.say("check-ok", &[])).context("stdout")?;
    Ok(())
}
