//! One module per concern; each command takes the one context of the run.

mod attachments;
pub(crate) mod backup;
mod bench;
mod briefings;
mod conflicts;
mod demo;
mod doctor;
mod edxml;
mod geo;
mod org;
mod person;
mod records;
mod reports;
mod serve;
mod sheets;
mod signoff;
mod store;
mod sync;
mod sync_health;
mod tokens;
mod users;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;
use bienphong_store::StoreKey;

/// Commands that only read: on a data directory without a store they are
/// refused rather than create one.
fn reads_only(command: &Command) -> bool {
    matches!(
        command,
        Command::Report { .. }
            | Command::List(_)
            | Command::Show(_)
            | Command::History(_)
            | Command::Export(_)
            | Command::Attachments(_)
    )
}

/// The store key the flags give: read from a file, or asked for on the
/// terminal (never echoed).
fn store_key(file: Option<&std::path::Path>, ask: bool) -> Result<Option<StoreKey>> {
    if let Some(file) = file {
        return Ok(Some(StoreKey::from_file(file)?));
    }
    if !ask {
        return Ok(None);
    }
    let typed = rpassword::prompt_password("Mật khẩu kho dữ liệu / store passphrase: ")
        .map_err(|e| anyhow::anyhow!("cannot read the passphrase: {e}"))?;
    Ok(Some(StoreKey::passphrase(&typed)?))
}

pub async fn run(cli: Cli) -> Result<()> {
    let read_only = reads_only(&cli.command);
    let key = store_key(cli.key_file.as_deref(), cli.ask_key)?;
    let trust = cli
        .trust_list
        .as_deref()
        .map(crate::context::trust_list)
        .transpose()?;
    let ctx = Context::new(cli.data, cli.database, cli.lang, cli.user, read_only)?
        .with_key(key)
        .with_trust_list(trust);
    let out = &mut std::io::stdout().lock();
    match cli.command {
        Command::Demo(args) => {
            demo::run(ctx.service().await?, &ctx.location(), args, ctx.lang).await
        }
        Command::Report { report } => reports::run(&ctx, report, out).await,
        Command::Briefing { command } => briefings::run(&ctx, command, out).await,
        Command::Add(args) => records::add(&ctx, args, out).await,
        Command::Edit(args) => records::edit(&ctx, args, out).await,
        Command::Delete(args) => records::delete(&ctx, args, out).await,
        Command::Attach(args) => attachments::attach(&ctx, args, out).await,
        Command::Attachments(args) => attachments::list(&ctx, args, out).await,
        Command::Detach(args) => attachments::detach(&ctx, args, out).await,
        Command::Geo { command } => geo::run(&ctx, command, out).await,
        Command::Show(args) => records::show(&ctx, args, out).await,
        Command::History(args) => records::history(&ctx, args, out).await,
        Command::List(args) => records::list(&ctx, args, out).await,
        Command::Conflicts(args) => conflicts::list(&ctx, args, out).await,
        Command::Resolve(args) => conflicts::resolve(&ctx, args, out).await,
        Command::Template(args) => sheets::template(&ctx, args, out).await,
        Command::Export(args) => sheets::export(&ctx, args, out).await,
        Command::Import(args) => sheets::import(&ctx, args, out).await,
        Command::Org { command } => org::run(&ctx, command, out).await,
        Command::Backup(args) => backup::backup(&ctx, args, out).await,
        Command::Doctor(args) => doctor::run(&ctx, args, out).await,
        Command::Restore(args) => backup::restore(&ctx, args, out).await,
        Command::Store { command } => store::run(&ctx, command, out).await,
        Command::Bench { bench } => bench::run(&ctx, bench, out).await,
        Command::Serve(args) => serve::run(&ctx.with_pool(args.pool()), args).await,
        Command::Edxml { command } => edxml::run(&ctx, command, out).await,
        Command::Signoff { command } => signoff::run(&ctx, command, out).await,
        Command::Person { command } => person::run(&ctx, command, out).await,
        Command::User { command } => users::run(&ctx, command, out).await,
        Command::Token { command } => sync::token(&ctx, command, out).await,
        Command::Node { command } => sync::node(&ctx, command, out).await,
        Command::Sync(args) => sync::run(&ctx, args, out).await,
        Command::DebugWriteLoop { unit, count } => demo::write_loop(&ctx, &unit, count, out).await,
    }
}
