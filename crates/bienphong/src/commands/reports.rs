//! `bienphong report annual | summary`, and the letterhead of every official
//! document the CLI writes.

use crate::cli::{AnnualArgs, Format, LetterheadArgs, ReportCommand, Style, SummaryArgs};
use crate::context::Context;
use crate::error::Result;
use crate::output::emit;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{ValidationError, format};
use bienphong_service::today;
use bienphong_store::SqlStore;
use std::io::Write;

pub async fn run(ctx: &Context, report: ReportCommand, out: &mut impl Write) -> Result<()> {
    match report {
        ReportCommand::Annual(args) => annual(ctx, args, out).await,
        ReportCommand::Summary(args) => summary(ctx, args, out).await,
    }
}

fn scope_of(scope: Option<&str>) -> Result<Option<Code>> {
    Ok(scope
        .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
        .transpose()?)
}

async fn annual(ctx: &Context, args: AnnualArgs, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    let scope = scope_of(args.scope.as_deref())?;
    let review =
        bienphong_report::annual_review(service, args.year, args.cutoff, scope.as_ref()).await?;
    let bytes = match args.format {
        Format::Md => bienphong_report::to_markdown(&review)?.into_bytes(),
        Format::Json => bienphong_report::to_json(&review)?.into_bytes(),
        Format::Docx => {
            let org = service.org().await?;
            let head = letterhead(
                &args.letterhead,
                service.store(),
                &org,
                scope.as_ref(),
                review.period.to,
            )
            .await?;
            let charts = bienphong_report::annual_charts(service, &review).await?;
            bienphong_report::markdown_to_docx_with_charts(
                &bienphong_report::to_markdown(&review)?,
                &head,
                &charts.shown(),
            )?
        }
        Format::Xlsx => {
            bienphong_report::tables_to_xlsx(&bienphong_report::annual_tables(&review).all())?
        }
        Format::Csv => {
            bienphong_report::tables_to_csv(&bienphong_report::annual_tables(&review).all())
        }
    };
    let binary = matches!(args.format, Format::Docx | Format::Xlsx);
    emit(out, &bytes, args.output.as_deref(), binary)
}

async fn summary(ctx: &Context, args: SummaryArgs, out: &mut impl Write) -> Result<()> {
    // Checked before the store is opened: bad input touches nothing.
    let period = args.period()?;
    let scope = scope_of(args.scope.as_deref())?;
    let service = ctx.service().await?;
    let summary = bienphong_report::summary(service, period, scope.as_ref()).await?;
    let bytes = match args.format {
        Format::Json => bienphong_report::summary_to_json(&summary)?.into_bytes(),
        Format::Md => bienphong_report::summary_to_markdown(&summary)?.into_bytes(),
        Format::Xlsx => {
            let tables = bienphong_report::summary_tables(&summary);
            bienphong_report::tables_to_xlsx(&tables.iter().collect::<Vec<_>>())?
        }
        Format::Csv => {
            let tables = bienphong_report::summary_tables(&summary);
            bienphong_report::tables_to_csv(&tables.iter().collect::<Vec<_>>())
        }
        Format::Docx => {
            let org = service.org().await?;
            let head = letterhead(
                &args.letterhead,
                service.store(),
                &org,
                scope.as_ref(),
                period.to,
            )
            .await?;
            let charts = bienphong_report::summary_charts(service, &summary).await?;
            bienphong_report::markdown_to_docx_with_charts(
                &bienphong_report::summary_to_markdown(&summary)?,
                &head,
                &charts.shown(),
            )?
        }
    };
    emit(
        out,
        &bytes,
        args.output.as_deref(),
        matches!(args.format, Format::Docx | Format::Xlsx),
    )
}

/// The letterhead of a report on `scope`, with what the options leave out
/// taken from the organisation as it stood on the period's last day.
pub async fn letterhead(
    args: &LetterheadArgs,
    store: &SqlStore,
    org: &Org,
    scope: Option<&Code>,
    as_of: bienphong_domain::Date,
) -> Result<bienphong_report::Letterhead> {
    let date = match &args.date {
        Some(d) => format::parse_date(d).map_err(|p| ValidationError::new("date", p))?,
        None => today(),
    };
    let style = match args.style {
        Style::State => bienphong_report::DocumentStyle::State,
        Style::Party => bienphong_report::DocumentStyle::Party,
    };
    let mut head = bienphong_report::Letterhead::derive(org, scope, style, as_of, date).with(
        bienphong_report::LetterheadOverrides {
            parent_body: args.parent_body.clone(),
            issuing_body: args.issuer.clone(),
            number: args.number,
            symbol: args.symbol.clone(),
            place: args.place.clone(),
            classification: args.classification.clone(),
            recipients: args.recipient.clone(),
            signing_for: args.signing_for.clone(),
            signer_title: args.signer_title.clone(),
            signer_name: args.signer_name.clone(),
        },
    );
    if args.register {
        head.number_from_register(store).await?;
    }
    Ok(head)
}
