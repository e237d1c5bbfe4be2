//! `bienphong store rebuild | check | copy`: maintenance of the store.

use crate::cli::StoreCommand;
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_domain::format;
use bienphong_store::{SqlStore, Store, StoreError};
use std::io::Write;

pub async fn run(ctx: &Context, command: StoreCommand, out: &mut impl Write) -> Result<()> {
    match command {
        StoreCommand::Rebuild => rebuild(ctx, out).await,
        StoreCommand::Copy {
            from,
            to,
            keep_identity,
        } => copy(ctx, from, &to, keep_identity, out).await,
        StoreCommand::Check => check(ctx, out).await,
    }
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
    keep_identity: bool,
    out: &mut impl Write,
) -> Result<()> {
    let named;
    let source = match from {
        Some(url) => {
            named = SqlStore::connect(&url).await?;
            &named
        }
        None => ctx.service().await?.store(),
    };
    let target = SqlStore::connect(to).await?;
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
