//! `bienphong node init`, `bienphong sync` and the node tokens of `bienphong
//! token create --node`.

use crate::cli::{NodeCommand, SyncAction, SyncArgs, TokenCommand};
use crate::context::Context;
use anyhow::Context as _;
use bienphong_domain::access::Role;
use bienphong_domain::org::Code;
use bienphong_store::Store;
use bienphong_sync::SyncError;
use bienphong_sync::bundle::{
    Bundle, answer_on_server, bundle_principal, export_from_node, import_on_node,
};
use bienphong_sync::client::{Client, NodeState, Progress, SyncLock, sync_node};
use std::io::Write;
use std::time::Duration;

/// How long `bienphong sync` waits for another sync of the node (the
/// background sync of `serve --sync-every`) to end.
const LOCK_PATIENCE: Duration = Duration::from_secs(60);

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

pub async fn node(
    ctx: &Context,
    command: NodeCommand,
    out: &mut impl Write,
) -> crate::error::Result<()> {
    let (store, data) = (ctx.service().await?.store(), ctx.data.as_path());
    match command {
        NodeCommand::Init {
            server,
            token,
            ca_cert,
        } => {
            let path = NodeState::path_in(data);
            let mut state = NodeState::new(&server, &token);
            if let Some(file) = &ca_cert {
                let pem = std::fs::read_to_string(file).map_err(|e| SyncError::File {
                    path: file.display().to_string(),
                    reason: e.to_string(),
                })?;
                bienphong_sync::client::parse_ca(&pem)?;
                state.ca_pem = Some(pem);
            }
            let _lock = SyncLock::acquire(data, LOCK_PATIENCE).await?;
            state.save(&path)?;
            writeln!(
                out,
                "node {} → {server}; now run: bienphong sync",
                store.node_id()
            )
            .context("stdout")?;
            Ok(())
        }
    }
}

pub async fn run(ctx: &Context, args: SyncArgs, out: &mut impl Write) -> crate::error::Result<()> {
    let service = ctx.service().await?;
    let (store, data) = (service.store(), ctx.data.as_path());
    let path = NodeState::path_in(data);
    // The server side of a bundle exchange.
    if let Some(unit) = &args.as_unit {
        let Some(input) = &args.import_bundle else {
            return Err(anyhow::anyhow!("--as-unit needs --import-bundle FILE").into());
        };
        let code = Code::parse(unit).map_err(|_| anyhow::anyhow!("unknown unit {unit}"))?;
        let bundle = Bundle::read(input)?;
        let who = bundle_principal(store, code, bundle.from_node, args.restricted).await?;
        let (received, reply) = answer_on_server(service, &who, now_ms(), bundle).await?;
        writeln!(out, "{received} new revisions").context("stdout")?;
        if let Some(output) = &args.export_bundle {
            reply.write(output)?;
            writeln!(
                out,
                "{} revisions written to {}",
                reply.revisions.len(),
                output.display()
            )
            .context("stdout")?;
        }
        return Ok(());
    }
    // Without settings, say so before anything is created.
    NodeState::load(&path)?;
    if args.status {
        return super::sync_health::status(ctx, args.json, out).await;
    }
    let lock = SyncLock::acquire(data, LOCK_PATIENCE).await?;
    let mut state = NodeState::load(&path)?;
    if let Some(action) = args.action {
        return match action {
            SyncAction::Refused => super::sync_health::refused(ctx, &state, out),
            SyncAction::Withdraw { revision } => {
                super::sync_health::withdraw(ctx, &mut state, &path, &revision, out)
            }
            SyncAction::Fetch { hash } => {
                let client = client_of(&state, args.server.as_deref())?;
                let hash = hash.trim();
                let fetched = bienphong_sync::blobs::fetch_one(store, &client, hash).await?;
                let key = if fetched {
                    "sync-fetched"
                } else {
                    "sync-fetch-present"
                };
                writeln!(out, "{}", ctx.say(key, &[("hash", hash.to_string())]))
                    .context("stdout")?;
                Ok(())
            }
            SyncAction::Takeover => {
                let client = client_of(&state, args.server.as_deref())?;
                let answer =
                    bienphong_sync::client::take_over(store, &client, &mut state, &mut |s| {
                        s.save(&path)
                    })
                    .await?;
                writeln!(
                    out,
                    "{}",
                    ctx.say("sync-takeover-done", &[("node", answer.node.to_string())])
                )
                .context("stdout")?;
                Ok(())
            }
        };
    }
    if args.check {
        let client = client_of(&state, args.server.as_deref())?;
        let report = bienphong_sync::client::check(store, &client, &state).await?;
        return super::sync_health::print_check(ctx, &report, args.json, out);
    }
    if let Some(input) = &args.import_bundle {
        let bundle = Bundle::read(input)?;
        let new = import_on_node(store, &mut state, bundle, now_ms()).await?;
        state.save(&path)?;
        writeln!(out, "{new} new revisions").context("stdout")?;
        return Ok(());
    }
    if let Some(output) = &args.export_bundle {
        let bundle = export_from_node(store, &state, now_ms()).await?;
        bundle.write(output)?;
        writeln!(
            out,
            "{} revisions written to {}",
            bundle.revisions.len(),
            output.display()
        )
        .context("stdout")?;
        return Ok(());
    }
    if let Some(limit) = args.defer_above {
        // Kept, as --server is: the node's link stays thin.
        state.defer_above = (limit > 0).then_some(limit);
        state.save(&path)?;
    }
    drop(state);
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let report = sync_node(
        store,
        data,
        &lock,
        args.server.as_deref(),
        args.full,
        &mut |p| {
            if interactive {
                match p {
                    Progress::Pushed(n) => eprint!("\r↑ {n} revisions sent     "),
                    Progress::Pulled(n) => eprint!("\r↓ {n} revisions received "),
                }
            }
        },
    )
    .await?;
    if interactive {
        eprintln!();
    }
    writeln!(
        out,
        "sent {} revisions, received {} new; {} bytes sent, {} bytes received",
        report.pushed, report.applied, report.bytes_sent, report.bytes_received
    )
    .context("stdout")?;
    let files = &report.files;
    if files.sent + files.fetched + files.deferred > 0 {
        writeln!(
            out,
            "{}",
            ctx.say(
                "sync-files",
                &[
                    ("sent", files.sent.to_string()),
                    ("fetched", files.fetched.to_string()),
                    ("deferred", files.deferred.to_string()),
                ]
            )
        )
        .context("stdout")?;
    }
    if !report.refused.is_empty() {
        super::sync_health::print_refused_now(ctx, &report.refused, out)?;
    }
    if let Some(done) = &report.reconciled {
        let unknown = if done.kept_unknown > 0 {
            ctx.say(
                "sync-reconciled-unknown",
                &[("count", done.kept_unknown.to_string())],
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}",
            ctx.say(
                "sync-reconciled",
                &[
                    ("fetched", done.fetched.to_string()),
                    ("records", done.dropped_records.to_string()),
                    ("revisions", done.dropped_revisions.to_string()),
                    ("unknown", unknown),
                ]
            )
        )
        .context("stdout")?;
    }
    Ok(())
}

/// A client for the node's server (`server` overrides it for this call).
fn client_of(state: &NodeState, server: Option<&str>) -> crate::error::Result<Client> {
    let server = server.unwrap_or(&state.server);
    Ok(Client::with_ca(
        server,
        &state.token,
        state.ca_pem.as_deref(),
    )?)
}

/// `token create --node`: run by whoever holds the server's database, with
/// an administrator's authority (as `user add` is).
pub async fn token(
    ctx: &Context,
    command: TokenCommand,
    out: &mut impl Write,
) -> crate::error::Result<()> {
    let (service, lang, by) = (ctx.service().await?, ctx.lang, ctx.author());
    match command {
        TokenCommand::List { json } => super::tokens::list(ctx, json, out).await?,
        TokenCommand::Revoke { id } => super::tokens::revoke(ctx, &id, out).await?,
        TokenCommand::Grant {
            id,
            unit,
            restricted,
        } => super::tokens::grant(ctx, &id, unit.as_deref(), restricted, out).await?,
        TokenCommand::Create {
            node: _,
            unit,
            name,
            expires_in_days,
        } => {
            let code = bienphong_domain::org::Code::parse(&unit)
                .map_err(|_| bienphong_service::ServiceError::UnknownUnit(unit.clone()))?;
            let admin = bienphong_service::Principal {
                name: format!("cli:{by}"),
                user_id: None,
                token_id: None,
                grant: bienphong_domain::access::Grant {
                    role: Role::Admin,
                    unit: code,
                    restricted: true,
                },
            };
            let name = name.unwrap_or_else(|| format!("node {unit}"));
            let terms = bienphong_service::TokenTerms {
                expires_ms: expires_in_days.map(|d| now_ms() + i64::from(d) * 86_400_000),
                ends_with_password: false,
            };
            let (_, secret) = service
                .create_token_with(&admin, now_ms(), &name, Some(&unit), terms)
                .await?;
            writeln!(
                out,
                "{}",
                lang.text("token-created", &[("name", name), ("unit", unit)])
            )
            .context("stdout")?;
            writeln!(out, "{secret}").context("stdout")?;
        }
    }
    Ok(())
}
