//! `bienphong user …`: accounts of the web UI and the API, administered by
//! whoever holds the server's store.

use crate::cli::UserCommand;
use crate::context::Context;
use crate::error::{CliError, Result};
use anyhow::Context as _;
use bienphong_domain::access::Role;
use bienphong_service::NewUser;
use bienphong_service::accounts::new_password;
use bienphong_store::AccountStore;
use std::io::{Read as _, Write};

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn password_from(stdin: bool) -> Result<(String, bool)> {
    if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("stdin")?;
        Ok((text.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        Ok((new_password()?, true))
    }
}

pub async fn run(ctx: &Context, command: UserCommand, out: &mut impl Write) -> Result<()> {
    let (service, lang) = (ctx.service().await?, ctx.lang);
    let by = format!("cli:{}", ctx.author());
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            name,
            restricted,
            password_stdin,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                CliError::Invalid(bienphong_domain::ValidationError::new(
                    "role",
                    bienphong_domain::Problem::UnknownValue {
                        value: role.clone(),
                        expected: "admin, provincial, editor, reader".into(),
                    },
                ))
            })?;
            let (password, generated) = password_from(password_stdin)?;
            let user = service
                .create_user(
                    &by,
                    now_ms(),
                    NewUser {
                        username,
                        display_name: name,
                        password: password.clone(),
                        role,
                        unit,
                        restricted,
                    },
                )
                .await?;
            writeln!(
                out,
                "{}",
                lang.text("user-added", &[("name", user.username.clone())])
            )
            .context("stdout")?;
            if generated {
                writeln!(
                    out,
                    "  {}",
                    lang.text(
                        "serve-account",
                        &[("name", user.username), ("password", password)]
                    )
                )
                .context("stdout")?;
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            service
                .set_password(&by, now_ms(), &username, &password)
                .await?;
            let line = if generated {
                lang.text(
                    "serve-account",
                    &[("name", username.clone()), ("password", password)],
                )
            } else {
                lang.text("user-password-set", &[("name", username.clone())])
            };
            writeln!(out, "{line}").context("stdout")?;
        }
        UserCommand::Disable { username } => {
            service.set_disabled(&by, now_ms(), &username, true).await?;
            writeln!(out, "{}", lang.text("user-disabled", &[("name", username)]))
                .context("stdout")?;
        }
        UserCommand::Enable { username } => {
            service
                .set_disabled(&by, now_ms(), &username, false)
                .await?;
            writeln!(out, "{}", lang.text("user-enabled", &[("name", username)]))
                .context("stdout")?;
        }
        UserCommand::List => {
            for u in service.store().users().await? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}{}\t{}",
                    u.username,
                    u.role,
                    u.unit,
                    if u.restricted { "restricted" } else { "-" },
                    if u.disabled { "\tdisabled" } else { "" },
                    u.display_name
                )
                .context("stdout")?;
            }
        }
        UserCommand::Positions {
            username,
            set,
            clear,
        } => {
            if clear || !set.is_empty() {
                let mut held = Vec::new();
                for s in &set {
                    held.push(bienphong_domain::signoff::Signer::parse(s).ok_or_else(|| {
                        CliError::Invalid(bienphong_domain::ValidationError::new(
                            "set",
                            bienphong_domain::Problem::UnknownValue {
                                value: s.clone(),
                                expected: "position@UNIT".into(),
                            },
                        ))
                    })?);
                }
                service
                    .set_positions(&by, now_ms(), &username, held)
                    .await?;
            }
            for held in service.positions_of(&username).await? {
                writeln!(out, "{held}").context("stdout")?;
            }
        }
    }
    Ok(())
}
