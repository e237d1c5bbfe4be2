//! `token list` and `token revoke`: run by whoever holds the server's
//! database, with an administrator's authority (as `user add` is), so that
//! a lost laptop's token can be ended where the server runs.

use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use crate::output::local_time;
use anyhow::Context as _;
use bienphong_domain::access::{Grant, Role};
use bienphong_domain::org::Code;
use bienphong_service::Principal;
use std::io::Write;

fn now_ms() -> i64 {
    bienphong_service::now_ms()
}

/// The authority of the CLI on the server's own database.
fn administrator(ctx: &Context) -> Result<Principal> {
    Ok(Principal {
        name: format!("cli:{}", ctx.author()),
        user_id: None,
        token_id: None,
        grant: Grant {
            role: Role::Admin,
            unit: Code::parse("ADMIN").map_err(|e| anyhow::anyhow!("{e}"))?,
            restricted: true,
        },
    })
}

pub async fn list(ctx: &Context, json: bool, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    let tokens = service.tokens_for(&administrator(ctx)?).await?;
    if json {
        let text = serde_json::to_string_pretty(&serde_json::json!({ "items": tokens }))
            .context("json")?;
        writeln!(out, "{text}").context("stdout")?;
        return Ok(());
    }
    let lang = ctx.lang;
    if tokens.is_empty() {
        writeln!(out, "{}", lang.text("tokens-none", &[])).context("stdout")?;
    }
    for t in tokens {
        let state = match t.revoked_ms {
            Some(ms) => format!("{} {}", lang.text("tokens-revoked", &[]), local_time(ms)),
            None if t.expires_ms.is_some_and(|e| e <= now_ms()) => lang.text("tokens-expired", &[]),
            None => lang.text("tokens-live", &[]),
        };
        let owner = t
            .owner
            .unwrap_or_else(|| lang.text("tokens-node-token", &[]));
        let line = lang.text(
            "tokens-line",
            &[
                ("id", t.id),
                ("name", t.name),
                ("owner", owner),
                ("unit", t.unit),
                ("node", t.node_id.unwrap_or_else(|| "—".into())),
                (
                    "used",
                    t.last_used_ms
                        .map_or_else(|| lang.text("tokens-never", &[]), local_time),
                ),
                (
                    "expires",
                    t.expires_ms.map_or_else(|| "—".into(), local_time),
                ),
                ("state", state),
            ],
        );
        writeln!(out, "{line}").context("stdout")?;
    }
    Ok(())
}

pub async fn revoke(ctx: &Context, id: &str, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    if service
        .revoke_token(&administrator(ctx)?, now_ms(), id)
        .await?
    {
        writeln!(
            out,
            "{}",
            ctx.say("tokens-revoked-one", &[("id", id.into())])
        )
        .context("stdout")?;
        Ok(())
    } else {
        Err(CliError::Message(
            "tokens-unknown",
            vec![("id", id.to_string())],
            Kind::NotFound,
        ))
    }
}

pub async fn grant(
    ctx: &Context,
    id: &str,
    unit: Option<&str>,
    restricted: Option<bool>,
    out: &mut impl Write,
) -> Result<()> {
    let service = ctx.service().await?;
    if !service
        .change_token_grant(&administrator(ctx)?, now_ms(), id, unit, restricted)
        .await?
    {
        return Err(CliError::Message(
            "tokens-unknown",
            vec![("id", id.to_string())],
            Kind::NotFound,
        ));
    }
    let token = service
        .tokens_for(&administrator(ctx)?)
        .await?
        .into_iter()
        .find(|t| t.id == id);
    if let Some(t) = token {
        let personal = if t.restricted {
            ctx.say("tokens-personal-yes", &[])
        } else {
            ctx.say("tokens-personal-no", &[])
        };
        writeln!(
            out,
            "{}",
            ctx.say(
                "tokens-granted",
                &[("id", t.id), ("unit", t.unit), ("personal", personal)]
            )
        )
        .context("stdout")?;
    }
    Ok(())
}
