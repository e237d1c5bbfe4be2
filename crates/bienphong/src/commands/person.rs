//! `bienphong person …`: the register of data subjects' requests, the
//! export of what is held about a person and erasure, on the store in
//! effect, by the operating-system account running it.

use crate::cli::{PersonCommand, PersonFormat};
use crate::context::Context;
use crate::error::Result;
use crate::output::{emit, local_time};
use anyhow::Context as _;
use bienphong_domain::{ValidationError, format};
use bienphong_i18n::Lang;
use bienphong_service::personal::PersonData;
use bienphong_service::{now_ms, today};
use std::io::Write;

pub async fn run(ctx: &Context, command: PersonCommand, out: &mut impl Write) -> Result<()> {
    let lang = ctx.lang;
    let actor = ctx.actor().name;
    match command {
        PersonCommand::Request {
            person,
            kind,
            received,
        } => {
            let received = match received {
                Some(d) => {
                    format::parse_date(&d).map_err(|p| ValidationError::new("received", p))?
                }
                None => today(),
            };
            let service = ctx.service().await?;
            let r = service
                .add_subject_request(&actor, now_ms(), &person, &kind, received)
                .await?;
            let due = r.due_on.parse().map(format::date).unwrap_or(r.due_on);
            writeln!(
                out,
                "{}",
                lang.text("person-request-added", &[("id", r.id), ("due", due)])
            )
            .context("stdout")?;
        }
        PersonCommand::Requests { json } => {
            let service = ctx.service().await?;
            let requests = service.subject_requests().await?;
            if json {
                let text = serde_json::to_string_pretty(&serde_json::json!({ "items": requests }))
                    .context("json")?;
                writeln!(out, "{text}").context("stdout")?;
                return Ok(());
            }
            if requests.is_empty() {
                writeln!(out, "{}", lang.text("person-requests-none", &[])).context("stdout")?;
            }
            for r in requests {
                let day = |s: &str| {
                    s.parse()
                        .map(format::date)
                        .unwrap_or_else(|_| s.to_string())
                };
                let line = lang.text(
                    "person-request-line",
                    &[
                        ("id", r.id.clone()),
                        ("person", r.person.clone()),
                        ("kind", lang.text(&format!("person-kind-{}", r.kind), &[])),
                        ("received", day(&r.received_on)),
                        ("due", day(&r.due_on)),
                        (
                            "state",
                            lang.text(&format!("person-state-{}", r.state), &[]),
                        ),
                        ("note", r.note.clone()),
                    ],
                );
                writeln!(out, "{line}").context("stdout")?;
            }
        }
        PersonCommand::Handle { id, state, note } => {
            let service = ctx.service().await?;
            service
                .handle_subject_request(&actor, now_ms(), &id, &state, &note)
                .await?;
            writeln!(
                out,
                "{}",
                lang.text("person-request-handled", &[("id", id)])
            )
            .context("stdout")?;
        }
        PersonCommand::Export {
            person,
            format: f,
            output,
        } => {
            let service = ctx.service().await?;
            let data = service.person_data(&actor, now_ms(), &person).await?;
            let bytes = match f {
                PersonFormat::Json => {
                    let mut text = serde_json::to_string_pretty(&data).context("json")?;
                    text.push('\n');
                    text.into_bytes()
                }
                PersonFormat::Md => readable(&data, lang).into_bytes(),
            };
            emit(out, &bytes, output.as_deref(), false)?;
        }
        PersonCommand::Erase { person, request } => {
            let service = ctx.service().await?;
            let done = service
                .erase_person(&actor, now_ms(), &person, request.as_deref())
                .await?;
            let cleared: usize = done.iter().map(|e| e.cleared).sum();
            writeln!(
                out,
                "{}",
                lang.text(
                    "person-erased",
                    &[
                        ("records", done.len().to_string()),
                        ("revisions", cleared.to_string())
                    ]
                )
            )
            .context("stdout")?;
        }
    }
    Ok(())
}

/// What is held about a person, for them to read: each record, what it
/// holds now, and each of its versions.
pub fn readable(data: &PersonData, lang: Lang) -> String {
    let mut out = format!(
        "# {}\n\n",
        lang.text("person-export-title", &[("person", data.person.clone())])
    );
    if data.records.is_empty() {
        out.push_str(&lang.text("person-export-nothing", &[]));
        out.push('\n');
    }
    for r in &data.records {
        out.push_str(&format!(
            "\n## {} {}\n\n",
            lang.text(&format!("type-{}", r.record_type), &[]),
            r.record_id
        ));
        match &r.current {
            Some(c) => out.push_str(&format!(
                "{}:\n\n```json\n{}\n```\n",
                lang.text("person-export-now", &[]),
                serde_json::to_string_pretty(c).unwrap_or_default()
            )),
            None => out.push_str(&format!("{}\n", lang.text("person-export-deleted", &[]))),
        }
        out.push_str(&format!(
            "\n{}:\n\n",
            lang.text("person-export-history", &[])
        ));
        for h in &r.history {
            let what = match &h.content {
                Some(c) => serde_json::to_string(c).unwrap_or_default(),
                None => lang.text("person-export-deleted", &[]),
            };
            out.push_str(&format!(
                "- {} · {} · {what}\n",
                local_time(h.created_ms),
                h.author
            ));
        }
    }
    if !data.requests.is_empty() {
        out.push_str(&format!(
            "\n## {}\n\n",
            lang.text("person-export-requests", &[])
        ));
        for q in &data.requests {
            out.push_str(&format!(
                "- {} · {} · {} · {}\n",
                q.received_on,
                lang.text(&format!("person-kind-{}", q.kind), &[]),
                lang.text(&format!("person-state-{}", q.state), &[]),
                q.note
            ));
        }
    }
    out
}
