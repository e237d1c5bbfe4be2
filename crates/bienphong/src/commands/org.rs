//! `org codes import`: official codes and agency identifiers of units.

use crate::cli::{CodesCommand, CodesImportArgs, OrgCommand};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use std::io::Write;

pub async fn run(ctx: &Context, command: OrgCommand, out: &mut impl Write) -> Result<()> {
    match command {
        OrgCommand::Codes {
            command: CodesCommand::Import(args),
        } => import_codes(ctx, args, out).await,
    }
}

async fn import_codes(ctx: &Context, args: CodesImportArgs, out: &mut impl Write) -> Result<()> {
    let lang = ctx.lang;
    let bytes = std::fs::read(&args.file).map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", args.file.display().to_string()),
                ("detail", e.to_string()),
            ],
            Kind::Invalid,
        )
    })?;
    let rows = bienphong_sheets::codes::read_code_rows(&bytes)?;
    let service = ctx.service().await?;
    let outcome = service
        .import_unit_codes(&ctx.actor(), &rows, args.dry_run)
        .await?;
    if !outcome.problems.is_empty() {
        for p in &outcome.problems {
            writeln!(out, "{}", lang.problem(p)).context("stdout")?;
        }
        return Err(CliError::Message(
            "codes-nothing-written",
            vec![("count", outcome.problems.len().to_string())],
            Kind::Invalid,
        ));
    }
    for u in &outcome.changed {
        let agency = u.agency_id.as_deref().unwrap_or("");
        writeln!(out, "{}\t{}\t{}", u.code, u.admin_codes_text(), agency).context("stdout")?;
    }
    let key = if args.dry_run {
        "import-dry-run"
    } else {
        "codes-written"
    };
    let count = outcome.changed.len().to_string();
    writeln!(out, "{}", lang.text(key, &[("count", count)])).context("stdout")?;
    Ok(())
}
