//! `bienphong conflicts` and `bienphong resolve`: records changed in two
//! places before a sync, shown side by side and resolved by a person.

use super::records::{content::summary, parse_record_id};
use crate::cli::{ConflictsArgs, ResolveArgs};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{announce, local_time};
use anyhow::Context as _;
use bienphong_domain::{Content, Problem, RevisionId, ValidationError};
use bienphong_i18n::Lang;
use bienphong_service::{ConflictView, Resolution};
use serde_json::{Map, Value};

pub async fn list(ctx: &Context, args: ConflictsArgs, out: &mut impl std::io::Write) -> Result<()> {
    let (service, lang, as_json) = (ctx.service().await?, ctx.lang, args.json);
    let mut views = Vec::new();
    for c in service.conflicts().await? {
        views.push(service.conflict_view(c.record_id).await?);
    }
    if as_json {
        let list: Vec<Value> = views.iter().map(ConflictView::to_json).collect();
        let text = serde_json::to_string_pretty(&list).context("json")?;
        writeln!(out, "{text}").context("stdout")?;
        return Ok(());
    }
    if views.is_empty() {
        writeln!(out, "{}", lang.text("conflicts-none", &[])).context("stdout")?;
        return Ok(());
    }
    for v in &views {
        write_view(out, lang, v)?;
    }
    writeln!(
        out,
        "{}",
        lang.text("conflicts-hint", &[("count", views.len().to_string())])
    )
    .context("stdout")?;
    Ok(())
}

fn fields_of(json: &str) -> Map<String, Value> {
    serde_json::from_str(json).unwrap_or_default()
}

fn write_view(out: &mut impl std::io::Write, lang: Lang, v: &ConflictView) -> Result<()> {
    let record_type = v.record_type;
    let summary = v.content.as_ref().map(summary).unwrap_or_default();
    writeln!(
        out,
        "{} {}  {summary}",
        lang.text(&format!("type-{}", record_type.as_str()), &[]),
        v.record_id
    )
    .context("stdout")?;
    for r in &v.versions {
        let what = if r.deleted {
            lang.text("history-deleted", &[])
        } else {
            lang.text("history-edited", &[])
        };
        writeln!(
            out,
            "  {}  {}  {}  {}",
            r.id,
            local_time(r.created_ms),
            r.author,
            what
        )
        .context("stdout")?;
    }
    for field in &v.differing {
        let values: Vec<String> = v
            .versions
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| {
                let value = fields_of(&r.content)
                    .remove(field)
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "−".into());
                format!("{}: {value}", short(r.id))
            })
            .collect();
        writeln!(out, "    {field}  {}", values.join(" | ")).context("stdout")?;
    }
    Ok(())
}

/// The end of a revision id, enough to tell a record's versions apart.
fn short(id: RevisionId) -> String {
    let s = id.to_string();
    s[s.len().saturating_sub(8)..].to_string()
}

fn revision(field: &str, s: &str) -> Result<RevisionId> {
    s.trim().parse().map_err(|_| {
        CliError::Invalid(ValidationError::new(
            field,
            Problem::UnknownRecord(s.to_string()),
        ))
    })
}

pub async fn resolve(
    ctx: &Context,
    args: ResolveArgs,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let service = ctx.service().await?;
    let record = parse_record_id(&args.id)?;
    let take = revision("take", &args.take)?;
    let mut fields = Vec::with_capacity(args.fields.len());
    for f in &args.fields {
        let Some((name, rev)) = f.split_once('=') else {
            return Err(CliError::Invalid(ValidationError::new(
                "field",
                Problem::UnknownValue {
                    value: f.clone(),
                    expected: "NAME=REVISION".into(),
                },
            )));
        };
        fields.push((name.trim().to_string(), revision("field", rev)?));
    }
    let actor = ctx.actor();
    let rev = service
        .resolve(&actor, record, &Resolution { take, fields })
        .await?;
    service.audit_local_write(&actor, "resolve", &rev).await?;
    announce(out, ctx.lang, "resolved", &rev)?;
    if let Ok(c) = Content::from_json(rev.record_type, &rev.content) {
        writeln!(out, "  {}", summary(&c)).context("stdout")?;
    }
    Ok(())
}
