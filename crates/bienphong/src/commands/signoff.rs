//! `bienphong signoff …`: signing, returning and acknowledging documents
//! and briefing reports on this installation. The signer is the name given
//! with `--user` (else the operating-system account): a claim, which the
//! server shows as verified only when the signer's own credentials bring
//! it (ADR 0011, ADR 0014).

use super::records::parse_record_id;
use crate::cli::SignoffCommand;
use crate::context::Context;
use crate::error::{CliError, Result};
use anyhow::Context as _;
use bienphong_domain::org::Code;
use bienphong_domain::record::ActionStatus;
use bienphong_domain::signoff::{ActionReport, Decision, Signer};
use bienphong_domain::text::Text;
use bienphong_domain::{Problem, RevisionId, ValidationError};
use bienphong_service::{AnswerRequest, SignoffView};
use std::io::Write;

fn invalid(field: &str, value: &str, expected: &str) -> CliError {
    CliError::Invalid(ValidationError::new(
        field,
        Problem::UnknownValue {
            value: value.to_string(),
            expected: expected.to_string(),
        },
    ))
}

fn signer_of(s: &str) -> Result<Signer> {
    Signer::parse(s).ok_or_else(|| invalid("as", s, "position@UNIT"))
}

fn revision_of(s: Option<String>) -> Result<Option<RevisionId>> {
    s.map(|r| {
        r.trim()
            .parse::<RevisionId>()
            .map_err(|_| invalid("revision", &r, "a revision id"))
    })
    .transpose()
}

fn action_of(s: &str) -> Result<ActionReport> {
    let bad = || invalid("action", s, "N=done, N=open or N=cancelled");
    let (n, status) = s.split_once('=').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let status = match status.trim() {
        "done" => ActionStatus::Done,
        "open" => ActionStatus::Open,
        "cancelled" => ActionStatus::Cancelled,
        _ => return Err(bad()),
    };
    Ok(ActionReport {
        action: n.checked_sub(1).ok_or_else(bad)?,
        status,
        note: Text::default(),
    })
}

fn print(ctx: &Context, view: &SignoffView, out: &mut impl Write) -> Result<()> {
    for (s, state) in &view.signers {
        let by = state
            .answer()
            .map(|a| {
                let vouched = if a.verified { "verified" } else { "claimed" };
                format!(
                    "\t{}\t{}\t{vouched}\t{}",
                    a.signoff.signer.as_str(),
                    bienphong_domain::format::date(a.signoff.date),
                    a.signoff.comment.as_str()
                )
            })
            .unwrap_or_default();
        writeln!(out, "{s}\t{}{by}", state.as_str()).context("stdout")?;
    }
    for a in &view.answers {
        if a.signoff.decision == Decision::Acknowledged {
            writeln!(
                out,
                "acknowledged\t{}\t{}",
                a.signoff.unit,
                bienphong_domain::format::date(a.signoff.date)
            )
            .context("stdout")?;
        }
    }
    for o in &view.overdue {
        writeln!(
            out,
            "{}\t{}\t{}",
            ctx.say("signoff-cli-overdue", &[]),
            o.unit,
            bienphong_domain::format::date(o.due)
        )
        .context("stdout")?;
    }
    let state = if view.fully_signed {
        "fully_signed"
    } else {
        "awaiting"
    };
    writeln!(out, "{state}").context("stdout")?;
    Ok(())
}

pub async fn run(ctx: &Context, command: SignoffCommand, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    let signer = ctx.user_or_os();
    let (id, req, name) = match command {
        SignoffCommand::Show { id } => {
            let view = service.signoff_of(parse_record_id(&id)?).await?;
            return print(ctx, &view, out);
        }
        SignoffCommand::Overdue => {
            let units = service.org_shared().await?.units.keys().cloned().collect();
            for (o, c) in service
                .overdue_for(&units, bienphong_domain::Date::MAX)
                .await?
            {
                let number = match &c {
                    bienphong_domain::Content::Document(d) => d.number.as_str().to_string(),
                    _ => String::new(),
                };
                let what = o
                    .action
                    .map(|(i, t)| format!("{}. {}", i + 1, t.as_str()))
                    .unwrap_or_else(|| ctx.say("signoff-cli-acknowledgement", &[]));
                writeln!(
                    out,
                    "{}\t{number}\t{}\t{}\t{what}",
                    o.document,
                    o.unit,
                    bienphong_domain::format::date(o.due)
                )
                .context("stdout")?;
            }
            return Ok(());
        }
        SignoffCommand::Sign {
            id,
            signer,
            name,
            revision,
        } => {
            let s = signer_of(&signer)?;
            (
                id,
                AnswerRequest {
                    decision: Decision::Signed,
                    position: Some(s.position),
                    unit: Some(s.unit),
                    comment: Text::default(),
                    revision: revision_of(revision)?,
                    actions: vec![],
                },
                name,
            )
        }
        SignoffCommand::Return {
            id,
            signer,
            comment,
            name,
            revision,
        } => {
            let s = signer_of(&signer)?;
            (
                id,
                AnswerRequest {
                    decision: Decision::Returned,
                    position: Some(s.position),
                    unit: Some(s.unit),
                    comment: Text::new(comment.trim()),
                    revision: revision_of(revision)?,
                    actions: vec![],
                },
                name,
            )
        }
        SignoffCommand::Acknowledge {
            id,
            unit,
            actions,
            comment,
        } => {
            let unit = Code::parse(&unit).map_err(|_| invalid("unit", &unit, "a unit code"))?;
            (
                id,
                AnswerRequest {
                    decision: Decision::Acknowledged,
                    position: None,
                    unit: Some(unit),
                    comment: Text::new(comment.trim()),
                    revision: None,
                    actions: actions
                        .iter()
                        .map(|a| action_of(a))
                        .collect::<Result<_>>()?,
                },
                None,
            )
        }
    };
    let id = parse_record_id(&id)?;
    let rev = service
        .answer_local(
            &ctx.actor(),
            id,
            req,
            &signer,
            name.as_deref().unwrap_or_default(),
        )
        .await?;
    writeln!(out, "{}", rev.record_id).context("stdout")?;
    let view = service.signoff_of(id).await?;
    print(ctx, &view, out)
}
