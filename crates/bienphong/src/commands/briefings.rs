//! `bienphong briefing …`: the quarterly briefing cycle from the terminal.

use super::reports::letterhead;
use crate::cli::{BriefingCommand, Format};
use crate::context::Context;
use crate::error::Result;
use crate::output::{announce, emit};
use bienphong_domain::org::Code;
use bienphong_domain::record::{BriefingReport, BriefingStatus};
use bienphong_domain::text::Text;
use bienphong_domain::{Content, ValidationError};
use bienphong_service::today;

fn unit(field: &str, s: &str) -> Result<Code> {
    Ok(Code::parse(s).map_err(|p| ValidationError::new(field, p))?)
}

pub async fn run(
    ctx: &Context,
    command: BriefingCommand,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let (service, lang) = (ctx.service().await?, ctx.lang);
    match command {
        BriefingCommand::Status {
            quarter,
            scope,
            format,
        } => {
            let scope = scope.as_deref().map(|s| unit("scope", s)).transpose()?;
            let roll = bienphong_report::briefing_roll(
                service,
                scope.as_ref(),
                quarter.quarter(),
                today(),
            )
            .await?;
            let text = match format {
                Format::Json => serde_json::to_string_pretty(&roll).map_err(anyhow::Error::from)?,
                _ => bienphong_report::briefing_roll_to_markdown(&roll)?,
            };
            emit(out, text.as_bytes(), None, false)
        }
        BriefingCommand::Show {
            unit: code,
            quarter,
            format,
            output,
            aggregate_only,
            letterhead: head,
        } => {
            let code = unit("unit", &code)?;
            let view =
                bienphong_report::briefing_view(service, &code, quarter.quarter(), today()).await?;
            if aggregate_only {
                let format = super::reports::report_format(format);
                let bytes = bienphong_report::render_briefing_aggregate(&view, format)?;
                return emit(out, &bytes, output.as_deref(), format.is_binary());
            }
            let bytes = match format {
                Format::Json => serde_json::to_string_pretty(&view)
                    .map_err(anyhow::Error::from)?
                    .into_bytes(),
                Format::Md => bienphong_report::briefing_to_markdown(&view)?.into_bytes(),
                Format::Docx => {
                    let org = service.org().await?;
                    let mut head = letterhead(
                        ctx,
                        &head,
                        service.store(),
                        &org,
                        Some(&code),
                        view.period.to,
                    )
                    .await?;
                    if let Some(id) = view.record_id
                        && view.report.as_ref().is_some_and(|r| !r.signers.is_empty())
                    {
                        let signoff = service.signoff_of(id).await?;
                        head.joint_signers = bienphong_report::joint_signers(
                            &org,
                            &signoff.signers,
                            view.period.to,
                            head.lang == bienphong_i18n::Lang::En,
                        );
                    }
                    bienphong_report::markdown_to_docx(
                        &bienphong_report::briefing_to_markdown_in(&view, head.lang)?,
                        &head,
                    )?
                }
                Format::Xlsx | Format::Csv => {
                    return Err(ValidationError::new(
                        "format",
                        bienphong_domain::Problem::UnknownValue {
                            value: format!("{format:?}").to_lowercase(),
                            expected: "md, json, docx".into(),
                        },
                    )
                    .into());
                }
            };
            emit(
                out,
                &bytes,
                output.as_deref(),
                matches!(format, Format::Docx),
            )
        }
        BriefingCommand::Write {
            unit: code,
            quarter,
            results,
            shortcomings,
            proposals,
            signers,
        } => {
            let code = unit("unit", &code)?;
            let signers = signers
                .iter()
                .map(|s| {
                    bienphong_domain::signoff::Signer::parse(s).ok_or_else(|| {
                        ValidationError::new(
                            "signer",
                            bienphong_domain::Problem::UnknownValue {
                                value: s.clone(),
                                expected: "position@UNIT".into(),
                            },
                        )
                    })
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let q = quarter.quarter();
            let actor = ctx.actor();
            let stored = service.briefing_report(&code, q.year, q.quarter).await?;
            let keep = |new: Option<String>, old: Option<&Text>| {
                new.map_or_else(|| old.cloned().unwrap_or_default(), |s| Text::new(&s))
            };
            let before = stored.as_ref().map(|s| &s.report);
            let report = BriefingReport {
                unit: code.clone(),
                year: q.year,
                quarter: q.quarter,
                cutoff: before.map_or(q.cutoff, |r| r.cutoff),
                results: keep(results, before.map(|r| &r.results)),
                shortcomings: keep(shortcomings, before.map(|r| &r.shortcomings)),
                proposals: keep(proposals, before.map(|r| &r.proposals)),
                status: BriefingStatus::Draft,
                submitted_on: None,
                figures: vec![],
                signers: if signers.is_empty() {
                    before.map(|r| r.signers.clone()).unwrap_or_default()
                } else {
                    signers
                },
            };
            let content = Content::BriefingReport(report);
            let rev = match stored {
                Some(s) => {
                    let rev = service
                        .edit(
                            &actor,
                            s.record.record_id,
                            Some(s.record.revision_id),
                            content,
                        )
                        .await?;
                    // Saved unchanged, nothing was written.
                    if rev.id != s.record.revision_id {
                        service.audit_local_write(&actor, "update", &rev).await?;
                    }
                    rev
                }
                None => {
                    let rev = service.add(&actor, content).await?;
                    service.audit_local_write(&actor, "create", &rev).await?;
                    rev
                }
            };
            announce(out, lang, "added", &rev)
        }
        BriefingCommand::Submit {
            unit: code,
            quarter,
        } => {
            let code = unit("unit", &code)?;
            let q = quarter.quarter();
            let stored = service
                .briefing_report(&code, q.year, q.quarter)
                .await?
                .ok_or_else(|| {
                    ValidationError::new(
                        "unit",
                        bienphong_domain::Problem::UnknownRecord(format!(
                            "{code} Q{}/{}",
                            q.quarter, q.year
                        )),
                    )
                })?;
            let period = bienphong_report::BriefingQuarter {
                cutoff: stored.report.cutoff,
                ..q
            }
            .period()?;
            let figures = bienphong_report::key_figures(service, &code, period).await?;
            let actor = ctx.actor();
            let rev = service
                .submit_briefing(
                    &actor,
                    stored.record.record_id,
                    Some(stored.record.revision_id),
                    figures,
                    today(),
                )
                .await?;
            service.audit_local_write(&actor, "submit", &rev).await?;
            announce(out, lang, "edited", &rev)
        }
    }
}
