//! `bienphong add | edit | delete | show | history | list`: records one by
//! one.

pub mod content;

use crate::cli::{AddArgs, DeleteArgs, EditArgs, FilterArgs, ListArgs, ShowArgs};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use crate::output::{announce, echo_read_as, local_time};
use anyhow::Context as _;
use bienphong_domain::org::Org;
use bienphong_domain::{
    Content, Period, RecordId, RecordType, RevisionId, ValidationError, format,
};
use bienphong_service::Service;
use bienphong_store::{CurrentRecord, ListFilter, SqlStore, StoreError};
use std::io::{Read as _, Write};
use std::path::Path;

pub async fn add(ctx: &Context, args: AddArgs, out: &mut impl Write) -> Result<()> {
    // Read before the store is opened: bad input touches nothing.
    let t = args.record_type;
    let by_flags = args.json.is_none();
    let content = match &args.json {
        Some(path) => content::content_from_json(t, &read_input(path)?)?,
        None => content::apply_flags(t, &args.fields, Default::default())
            .and_then(|obj| content::content_from_object(t, obj))
            .map_err(|e| by_flag(t, e))?,
    };
    let (service, actor) = (ctx.service().await?, ctx.actor());
    let rev = service
        .add_with(&actor, content, args.confirm)
        .await
        .map_err(|e| service_by_flag(by_flags, t, e))?;
    service.audit_local_write(&actor, "create", &rev).await?;
    announce(out, ctx.lang, "added", &rev)?;
    echo_read_as(out, ctx.lang, &content::ambiguous_numbers(&args.fields))
}

pub async fn edit(ctx: &Context, args: EditArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    let expected = parse_revision_id(&args.expect)?;
    let service = ctx.service().await?;
    let current = get_of_type(service, id, args.record_type).await?;
    let content = match &args.json {
        Some(path) => content::content_from_json(args.record_type, &read_input(path)?)?,
        None => {
            let base = serde_json::from_str(&current.content)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            content::apply_flags(args.record_type, &args.fields, base)
                .and_then(|obj| content::content_from_object(args.record_type, obj))
                .map_err(|e| by_flag(args.record_type, e))?
        }
    };
    let actor = ctx.actor();
    let rev = service
        .edit_with(&actor, id, expected, content, args.confirm)
        .await
        .map_err(|e| service_by_flag(args.json.is_none(), args.record_type, e))?;
    service.audit_local_write(&actor, "update", &rev).await?;
    announce(out, ctx.lang, "edited", &rev)?;
    echo_read_as(out, ctx.lang, &content::ambiguous_numbers(&args.fields))
}

/// A bad value given by a flag is named by the flag (`--force #2`), not
/// by the record's JSON path (`participants[1].persons`).
fn by_flag(t: RecordType, e: ValidationError) -> ValidationError {
    match crate::cli::flag_of_field(t, &e.field) {
        Some(flag) => ValidationError::new(flag, e.problem),
        None => e,
    }
}

/// The service's refusal of a record given by flags, named by the flag.
fn service_by_flag(
    by_flags: bool,
    t: RecordType,
    e: bienphong_service::ServiceError,
) -> bienphong_service::ServiceError {
    match e {
        bienphong_service::ServiceError::Invalid(v) if by_flags => {
            bienphong_service::ServiceError::Invalid(by_flag(t, v))
        }
        other => other,
    }
}

pub async fn delete(ctx: &Context, args: DeleteArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    let expected = parse_revision_id(&args.expect)?;
    let (service, actor) = (ctx.service().await?, ctx.actor());
    let rev = service
        .delete_of(&actor, args.record_type, id, expected)
        .await?;
    service.audit_local_write(&actor, "delete", &rev).await?;
    announce(out, ctx.lang, "deleted", &rev)
}

pub async fn show(ctx: &Context, args: ShowArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    refuse_restricted(args.record_type, args.restricted)?;
    let service = ctx.service().await?;
    let r = get_of_type(service, id, args.record_type).await?;
    if r.record_type.is_restricted() {
        service
            .audit_local_read(&ctx.actor(), r.record_type, Some(id), String::new())
            .await?;
    }
    let value: serde_json::Value =
        serde_json::from_str(&r.content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let shown = serde_json::json!({
        "id": r.record_id.to_string(),
        "type": r.record_type.as_str(),
        "revision": r.revision_id.to_string(),
        "content": value,
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&shown).unwrap_or_default()
    )
    .context("stdout")?;
    Ok(())
}

pub async fn history(ctx: &Context, args: ShowArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    refuse_restricted(args.record_type, args.restricted)?;
    let service = ctx.service().await?;
    let revisions = service.history(id).await?;
    if let Some(r) = revisions.first()
        && r.record_type.is_restricted()
    {
        service
            .audit_local_read(&ctx.actor(), r.record_type, Some(id), String::new())
            .await?;
    }
    let by = service.attributions(&revisions).await?;
    for (r, by) in revisions.iter().zip(&by) {
        let when = local_time(r.created_ms);
        let what = if r.deleted {
            ctx.say("history-deleted", &[])
        } else if r.parents.is_empty() {
            ctx.say("history-created", &[])
        } else {
            ctx.say("history-edited", &[])
        };
        let by = ctx.lang.attribution(by);
        writeln!(out, "{}  {when}  {by}  {what}", r.id).context("stdout")?;
        if !r.deleted
            && let Some(before) = bienphong_domain::revision::parent_content(&revisions, r)
        {
            for change in content::changed_fields(before, &r.content) {
                writeln!(out, "    {change}").context("stdout")?;
            }
        }
    }
    Ok(())
}

pub async fn list(ctx: &Context, args: ListArgs, out: &mut impl Write) -> Result<()> {
    refuse_restricted(args.record_type, args.restricted)?;
    let service = ctx.service().await?;
    let org = service.org().await?;
    let mut filter = list_filter(&org, args.record_type, &args.filter)?;
    filter.limit = args.limit;
    let mut rows = service.list(filter).await?;
    // Personal data listed is audited as the web audits it: one entry
    // naming the records shown.
    if args.record_type.is_restricted() && !rows.is_empty() {
        service
            .audit_local_read(
                &ctx.actor(),
                args.record_type,
                None,
                bienphong_service::records_seen(rows.iter().map(|r| r.record_id)),
            )
            .await?;
    }
    if args.record_type == RecordType::Unit {
        let name = |r: &CurrentRecord| match Content::from_json(r.record_type, &r.content) {
            Ok(Content::Unit(u)) => u.name.to_string(),
            _ => String::new(),
        };
        rows.sort_by(|a, b| bienphong_domain::text::collate(&name(a), &name(b)));
    }
    if rows.is_empty() && !args.json {
        writeln!(out, "{}", ctx.say("no-records", &[])).context("stdout")?;
    }
    for r in rows {
        if args.json {
            let value: serde_json::Value = serde_json::from_str(&r.content).unwrap_or_default();
            let line = serde_json::json!({"id": r.record_id.to_string(), "revision": r.revision_id.to_string(), "content": value});
            writeln!(out, "{line}").context("stdout")?;
            continue;
        }
        let content = Content::from_json(r.record_type, &r.content)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (lead, _) = content.units();
        let lead = lead.map(|c| c.to_string()).unwrap_or_default();
        let day = r.day.map(format::date).unwrap_or_default();
        writeln!(
            out,
            "{}  {day:10}  {lead:16}  {}",
            r.record_id,
            content::summary(&content)
        )
        .context("stdout")?;
    }
    Ok(())
}

/// The records a list or an export holds, from the filter options.
pub fn list_filter(org: &Org, record_type: RecordType, args: &FilterArgs) -> Result<ListFilter> {
    let from = args
        .from
        .as_deref()
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("from", p))?;
    let to = args
        .to
        .as_deref()
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("to", p))?;
    let period = match (args.year, from, to) {
        (Some(y), _, _) => Some(Period::year(y, args.cutoff)),
        (None, None, None) => None,
        (None, f, t) => Some(
            Period::new(
                f.unwrap_or(bienphong_domain::Date::MIN),
                t.unwrap_or(bienphong_domain::Date::MAX),
            )
            .ok_or_else(|| {
                ValidationError::new(
                    "to",
                    bienphong_domain::Problem::DateBefore(args.from.clone().unwrap_or_default()),
                )
            })?,
        ),
    };
    let units = match &args.unit {
        Some(u) => {
            let code = org
                .named_unit(u, period.as_ref())
                .map_err(|p| ValidationError::new("unit", p))?;
            if org.unit(&code).is_none() {
                return Err(ValidationError::new(
                    "unit",
                    bienphong_domain::Problem::UnknownUnit(u.clone()),
                )
                .into());
            }
            let span = period.unwrap_or(Period {
                from: bienphong_domain::Date::MIN,
                to: bienphong_domain::Date::MAX,
            });
            Some(org.scope(&code, &span))
        }
        None => None,
    };
    Ok(ListFilter {
        record_type: Some(record_type),
        period,
        units,
        category: args
            .category
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| bienphong_i18n::category_code(org, record_type, s)),
        ..ListFilter::default()
    })
}

/// The live record `id`, refused if it is not of the type the user named.
pub(crate) async fn get_of_type(
    service: &Service<SqlStore>,
    id: RecordId,
    record_type: RecordType,
) -> Result<CurrentRecord> {
    let current = service.get(id).await?;
    if current.record_type != record_type {
        return Err(StoreError::WrongType {
            record: id,
            expected: record_type,
            actual: current.record_type,
        }
        .into());
    }
    Ok(current)
}

pub(crate) fn refuse_restricted(t: RecordType, allowed: bool) -> Result<()> {
    if t.is_restricted() && !allowed {
        return Err(ValidationError::new(
            "restricted",
            bienphong_domain::Problem::UnknownValue {
                value: t.to_string(),
                expected: "--restricted".into(),
            },
        )
        .into());
    }
    Ok(())
}

pub fn parse_record_id(s: &str) -> Result<RecordId> {
    s.parse().map_err(|_| {
        CliError::Invalid(ValidationError::new(
            "id",
            bienphong_domain::Problem::UnknownRecord(s.to_string()),
        ))
    })
}

fn parse_revision_id(s: &Option<String>) -> Result<Option<RevisionId>> {
    s.as_deref()
        .map(|s| {
            s.parse().map_err(|_| {
                CliError::Invalid(ValidationError::new(
                    "expect",
                    bienphong_domain::Problem::UnknownRecord(s.to_string()),
                ))
            })
        })
        .transpose()
}

fn read_input(path: &Path) -> Result<String> {
    let mut text = String::new();
    let outcome = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    outcome.map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", path.display().to_string()),
                ("detail", e.to_string()),
            ],
            Kind::Invalid,
        )
    })?;
    Ok(text)
}
