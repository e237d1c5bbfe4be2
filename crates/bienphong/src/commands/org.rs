//! `org codes import`: official codes and agency identifiers of units;
//! `org apply`: a reorganisation as one change set; `org changes`.

use crate::cli::{ApplyArgs, CodesCommand, CodesImportArgs, OrgCommand};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_domain::format;
use std::io::Write;

pub async fn run(ctx: &Context, command: OrgCommand, out: &mut impl Write) -> Result<()> {
    match command {
        OrgCommand::Codes {
            command: CodesCommand::Import(args),
        } => import_codes(ctx, args, out).await,
        OrgCommand::Apply(args) => apply(ctx, args, out).await,
        OrgCommand::Changes => changes(ctx, out).await,
    }
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", path.display().to_string()),
                ("detail", e.to_string()),
            ],
            Kind::Invalid,
        )
    })
}

async fn apply(ctx: &Context, args: ApplyArgs, out: &mut impl Write) -> Result<()> {
    let lang = ctx.lang;
    let bytes = read_input(&args.file)?;
    let problems = match bienphong_sheets::reorg::read_change_set(&bytes)? {
        Ok(set) => {
            let service = ctx.service().await?;
            let outcome = service
                .apply_change_set(&ctx.actor(), &set, args.dry_run)
                .await?;
            if outcome.problems.is_empty() {
                let plan = &outcome.plan;
                for line in lang.org_plan(plan) {
                    writeln!(out, "{line}").context("stdout")?;
                }
                let count = plan.writes().to_string();
                let key = if args.dry_run {
                    "org-apply-dry-run"
                } else {
                    "org-applied"
                };
                let title = set.title.to_string();
                writeln!(
                    out,
                    "{}",
                    lang.text(key, &[("count", count), ("title", title)])
                )
                .context("stdout")?;
                return Ok(());
            }
            outcome.problems
        }
        Err(problems) => problems,
    };
    for p in &problems {
        writeln!(out, "{}", lang.problem(p)).context("stdout")?;
    }
    Err(CliError::Message(
        "org-nothing-written",
        vec![("count", problems.len().to_string())],
        Kind::Invalid,
    ))
}

async fn changes(ctx: &Context, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    for c in service.org_changes().await? {
        let effective = c
            .effective
            .parse::<bienphong_domain::Date>()
            .map(format::date)
            .unwrap_or(c.effective.clone());
        writeln!(
            out,
            "{effective}\t{}\t{}\t{}",
            c.title,
            c.revisions.len(),
            c.author
        )
        .context("stdout")?;
    }
    Ok(())
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
    if !outcome.skipped.is_empty() {
        let count = outcome.skipped.len().to_string();
        writeln!(out, "{}", lang.text("codes-skipped", &[("count", count)])).context("stdout")?;
        for s in &outcome.skipped {
            writeln!(out, "  {s}").context("stdout")?;
        }
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
