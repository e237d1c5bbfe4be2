//! `bienphong attach | attachments | detach`: files attached to a record,
//! over the same use cases as the pages and the API.

use super::records::{get_of_type, parse_record_id, refuse_restricted};
use crate::cli::{AttachArgs, AttachmentsArgs, DetachArgs};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{announce, local_time};
use anyhow::Context as _;
use bienphong_domain::attachment::size_text;
use bienphong_domain::revision::attribution;
use std::io::{Read as _, Write};

pub async fn attach(ctx: &Context, args: AttachArgs, out: &mut impl Write) -> Result<()> {
    refuse_restricted(args.record_type, args.restricted)?;
    let id = parse_record_id(&args.id)?;
    // The size is known before the file is read: one too large is refused
    // without reading it.
    let len = std::fs::metadata(&args.file)
        .with_context(|| args.file.display().to_string())?
        .len();
    if len > args.max_size {
        return Err(bienphong_service::too_large(args.max_size).into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&args.file)
        .and_then(|f| f.take(args.max_size + 1).read_to_end(&mut bytes))
        .with_context(|| args.file.display().to_string())?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let (service, actor) = (ctx.service().await?, ctx.actor());
    get_of_type(service, id, args.record_type).await?;
    let (a, rev) = service
        .attach(&actor, id, &name, bytes, args.max_size)
        .await?;
    match rev {
        Some(rev) => {
            service.audit_local_write(&actor, "attach", &rev).await?;
            announce(out, ctx.lang, "attached", &rev)?;
        }
        None => writeln!(
            out,
            "{}",
            ctx.lang
                .text("attached-already", &[("hash", a.hash.clone())])
        )
        .context("stdout")?,
    }
    writeln!(out, "{}", a.hash).context("stdout")?;
    Ok(())
}

pub async fn list(ctx: &Context, args: AttachmentsArgs, out: &mut impl Write) -> Result<()> {
    refuse_restricted(args.record_type, args.restricted)?;
    let id = parse_record_id(&args.id)?;
    let service = ctx.service().await?;
    get_of_type(service, id, args.record_type).await?;
    let files = service.attachments_of(id).await?;
    if args.record_type.is_restricted() {
        service
            .audit_local_read(
                &ctx.actor(),
                args.record_type,
                Some(id),
                format!("{} files listed", files.len()),
            )
            .await?;
    }
    if let (Some(hash), Some(path)) = (&args.get, &args.out) {
        let fetched = service.fetch_attachment(id, hash).await?;
        let Some(bytes) = fetched.bytes else {
            return Err(bienphong_service::ServiceError::NotFetched(hash.clone()).into());
        };
        std::fs::write(path, bytes).with_context(|| path.display().to_string())?;
        writeln!(
            out,
            "{}",
            ctx.lang.text(
                "attachment-written",
                &[
                    ("name", fetched.attachment.name.to_string()),
                    ("path", path.display().to_string())
                ]
            )
        )
        .context("stdout")?;
        return Ok(());
    }
    if args.json {
        let items: Vec<serde_json::Value> = files
            .iter()
            .map(|v| {
                serde_json::json!({
                    "hash": v.attachment.hash,
                    "name": v.attachment.name.as_str(),
                    "content_type": v.attachment.content_type,
                    "size": v.attachment.size,
                    "by": v.author,
                    "created_ms": v.created_ms,
                    "present": v.present,
                })
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&items).unwrap_or_default()
        )
        .context("stdout")?;
        return Ok(());
    }
    if files.is_empty() {
        writeln!(out, "{}", ctx.lang.text("attachments-none-cli", &[])).context("stdout")?;
    }
    for v in &files {
        let by = ctx.lang.attribution(&attribution(&v.author, None));
        let missing = if v.present {
            String::new()
        } else {
            format!(" ({})", ctx.lang.text("attachment-not-fetched-short", &[]))
        };
        writeln!(
            out,
            "{}  {}  {}  {}  {} · {}{missing}",
            v.attachment.hash,
            v.attachment.name,
            v.attachment.content_type,
            size_text(v.attachment.size),
            by,
            local_time(v.created_ms)
        )
        .context("stdout")?;
    }
    Ok(())
}

pub async fn detach(ctx: &Context, args: DetachArgs, out: &mut impl Write) -> Result<()> {
    refuse_restricted(args.record_type, args.restricted)?;
    let id = parse_record_id(&args.id)?;
    let (service, actor) = (ctx.service().await?, ctx.actor());
    get_of_type(service, id, args.record_type).await?;
    let rev = service
        .detach(&actor, id, args.hash.trim())
        .await
        .map_err(CliError::from)?;
    service.audit_local_write(&actor, "detach", &rev).await?;
    announce(out, ctx.lang, "detached", &rev)
}
