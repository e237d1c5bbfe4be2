//! A node's sync health from its side (docs/sync-protocol.md §10):
//! `bienphong sync --status`, `--check`, and the revisions the server
//! refused (`sync refused`, `sync withdraw`).

use crate::context::Context;
use crate::output::local_time;
use anyhow::Context as _;
use bienphong_domain::RevisionId;
use bienphong_sync::check::CheckReport;
use bienphong_sync::client::NodeState;
use bienphong_sync::wire::Refusal;
use std::io::Write;
use std::path::Path;

/// `bienphong sync --status`.
pub async fn status(ctx: &Context, json: bool, out: &mut impl Write) -> crate::error::Result<()> {
    let store = ctx.service().await?.store();
    let Some(s) = bienphong_sync::status::node_status(store, &ctx.data).await? else {
        return Ok(());
    };
    if json {
        let text = serde_json::to_string_pretty(&s).context("json")?;
        writeln!(out, "{text}").context("stdout")?;
        return Ok(());
    }
    let count = |n: u64| bienphong_domain::format::integer(i64::try_from(n).unwrap_or(i64::MAX));
    let withdrawn = s.set_aside.iter().filter(|r| r.withdrawn).count() as u64;
    let mut lines = vec![ctx.say(
        "sync-status-node",
        &[("node", s.node_id.clone()), ("server", s.server.clone())],
    )];
    lines.push(match s.last_sync_ms {
        Some(ms) => ctx.say("sync-status-last", &[("at", local_time(ms))]),
        None => ctx.say("sync-status-never", &[]),
    });
    lines.push(ctx.say(
        "sync-status-to-push",
        &[("count", count(s.waiting_to_push))],
    ));
    lines.push(ctx.say("sync-status-pulled", &[("count", count(s.pulled))]));
    lines.push(ctx.say(
        "sync-status-set-aside",
        &[
            ("count", count(s.set_aside.len() as u64)),
            ("withdrawn", count(withdrawn)),
        ],
    ));
    lines.push(ctx.say("sync-status-conflicts", &[("count", count(s.conflicts))]));
    lines.push(ctx.say("sync-status-waiting-pull", &[]));
    for line in lines {
        writeln!(out, "{line}").context("stdout")?;
    }
    Ok(())
}

fn refusal_line(
    ctx: &Context,
    revision: String,
    t: &str,
    record: String,
    reason: &str,
    withdrawn: bool,
) -> String {
    ctx.say(
        "sync-refused-line",
        &[
            ("revision", revision),
            ("type", t.to_string()),
            ("record", record),
            ("reason", reason.to_string()),
            (
                "withdrawn",
                if withdrawn {
                    ctx.say("sync-refused-withdrawn", &[])
                } else {
                    String::new()
                },
            ),
        ],
    )
}

/// After a sync: what the server refused in it.
pub fn print_refused_now(
    ctx: &Context,
    refused: &[Refusal],
    out: &mut impl Write,
) -> crate::error::Result<()> {
    writeln!(
        out,
        "{}",
        ctx.say(
            "sync-refused-count",
            &[("count", refused.len().to_string())]
        )
    )
    .context("stdout")?;
    for r in refused {
        let line = refusal_line(
            ctx,
            r.id.to_string(),
            r.record_type.as_str(),
            r.record_id.to_string(),
            &r.reason,
            false,
        );
        writeln!(out, "{line}").context("stdout")?;
    }
    Ok(())
}

/// `bienphong sync refused`.
pub fn refused(ctx: &Context, state: &NodeState, out: &mut impl Write) -> crate::error::Result<()> {
    if state.set_aside.is_empty() {
        writeln!(out, "{}", ctx.say("sync-refused-none", &[])).context("stdout")?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        ctx.say(
            "sync-refused-count",
            &[("count", state.set_aside.len().to_string())]
        )
    )
    .context("stdout")?;
    for r in &state.set_aside {
        let line = refusal_line(
            ctx,
            r.id.to_string(),
            r.record_type.as_str(),
            r.record_id.to_string(),
            &r.reason,
            r.withdrawn,
        );
        writeln!(out, "{line}").context("stdout")?;
    }
    Ok(())
}

/// `bienphong sync withdraw REVISION`.
pub fn withdraw(
    ctx: &Context,
    state: &mut NodeState,
    path: &Path,
    revision: &str,
    out: &mut impl Write,
) -> crate::error::Result<()> {
    let unknown = || {
        crate::error::CliError::Message(
            "sync-withdraw-unknown",
            vec![("revision", revision.to_string())],
            crate::error::Kind::NotFound,
        )
    };
    let id: RevisionId = revision.trim().parse().map_err(|_| unknown())?;
    if !state.withdraw(id) {
        return Err(unknown());
    }
    state.save(path)?;
    writeln!(
        out,
        "{}",
        ctx.say("sync-withdrawn", &[("revision", id.to_string())])
    )
    .context("stdout")?;
    Ok(())
}

/// `bienphong sync --check`.
pub fn print_check(
    ctx: &Context,
    report: &CheckReport,
    json: bool,
    out: &mut impl Write,
) -> crate::error::Result<()> {
    if json {
        let text = serde_json::to_string_pretty(report).context("json")?;
        writeln!(out, "{text}").context("stdout")?;
        return Ok(());
    }
    let count = |n: u64| bienphong_domain::format::integer(i64::try_from(n).unwrap_or(i64::MAX));
    let ids = |ids: &[RevisionId], total: u64| {
        let mut text = ids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if total > ids.len() as u64 {
            text.push_str(", …");
        }
        text
    };
    if report.equal() {
        let total: u64 = report.types.iter().map(|t| t.on_node).sum();
        writeln!(
            out,
            "{}",
            ctx.say(
                "sync-check-equal",
                &[
                    ("types", report.types.len().to_string()),
                    ("count", count(total)),
                ]
            )
        )
        .context("stdout")?;
    } else {
        writeln!(out, "{}", ctx.say("sync-check-differs", &[])).context("stdout")?;
        for t in report.types.iter().filter(|t| !t.equal) {
            let mut lines = vec![ctx.say(
                "sync-check-type",
                &[
                    ("type", t.record_type.as_str().to_string()),
                    ("node", count(t.on_node)),
                    ("server", count(t.on_server)),
                ],
            )];
            if t.only_on_node > 0 {
                lines.push(ctx.say(
                    "sync-check-only-node",
                    &[
                        ("count", count(t.only_on_node)),
                        ("ids", ids(&t.first_only_on_node, t.only_on_node)),
                    ],
                ));
            }
            if t.only_on_server > 0 {
                lines.push(ctx.say(
                    "sync-check-only-server",
                    &[
                        ("count", count(t.only_on_server)),
                        ("ids", ids(&t.first_only_on_server, t.only_on_server)),
                    ],
                ));
            }
            for line in lines {
                writeln!(out, "{line}").context("stdout")?;
            }
        }
    }
    if report.set_aside > 0 {
        writeln!(
            out,
            "{}",
            ctx.say(
                "sync-check-set-aside",
                &[("count", report.set_aside.to_string())]
            )
        )
        .context("stdout")?;
    }
    Ok(())
}
