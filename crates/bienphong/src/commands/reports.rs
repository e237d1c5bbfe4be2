//! `bienphong report annual | summary`, and the letterhead of every official
//! document the CLI writes.

use crate::cli::{
    AnnualArgs, DocumentArgs, Format, LetterheadArgs, ReportCommand, Style, SummaryArgs,
};
use crate::context::Context;
use crate::error::Result;
use crate::output::emit;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Period, ValidationError, format};
use bienphong_report::{Format as ReportFormat, Report};
use bienphong_service::today;
use bienphong_store::SqlStore;
use std::io::Write;

pub async fn run(ctx: &Context, report: ReportCommand, out: &mut impl Write) -> Result<()> {
    match report {
        ReportCommand::Annual(args) => annual(ctx, args, out).await,
        ReportCommand::Summary(args) => summary(ctx, args, out).await,
        ReportCommand::Document(args) => document(ctx, args, out).await,
    }
}

/// `report document ID`: the record as the document it records.
async fn document(ctx: &Context, args: DocumentArgs, out: &mut impl Write) -> Result<()> {
    let id = super::records::parse_record_id(&args.id)?;
    let service = ctx.service().await?;
    let view = service.signoff_of(id).await?;
    let bienphong_domain::Content::Document(doc) = &view.content else {
        return Err(ValidationError::new(
            "id",
            bienphong_domain::Problem::UnknownValue {
                value: args.id.clone(),
                expected: "document".into(),
            },
        )
        .into());
    };
    let org = service.org().await?;
    let signers = if doc.signers.is_empty() {
        Vec::new()
    } else {
        bienphong_report::joint_signers(
            &org,
            &view.signers,
            doc.date,
            ctx.lang == bienphong_i18n::Lang::En,
        )
    };
    let bytes = bienphong_report::document_docx(&org, doc, signers, ctx.lang)?;
    emit(out, &bytes, args.output.as_deref(), true)
}

/// `--scope`, read by the domain's one reader of a unit a person names
/// (its code, an administrative code in force during `period`, an agency
/// identifier).
async fn scope_of(ctx: &Context, scope: Option<&str>, period: &Period) -> Result<Option<Code>> {
    let Some(s) = scope else { return Ok(None) };
    let org = ctx.service().await?.org_shared().await?;
    Ok(Some(
        org.named_unit(s, Some(period))
            .map_err(|p| ValidationError::new("scope", p))?,
    ))
}

/// `--map-to DD/MM/YYYY`, checked before the store is opened.
fn map_to_of(map_to: Option<&str>) -> Result<Option<bienphong_domain::Date>> {
    Ok(map_to
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("map_to", p))?)
}

async fn annual(ctx: &Context, args: AnnualArgs, out: &mut impl Write) -> Result<()> {
    let map_to = map_to_of(args.map_to.as_deref())?;
    let service = ctx.service().await?;
    let scope = scope_of(
        ctx,
        args.scope.as_deref(),
        &Period::year(args.year, args.cutoff),
    )
    .await?;
    let review = bienphong_report::annual_review_mapped(
        service,
        args.year,
        args.cutoff,
        scope.as_ref(),
        map_to,
    )
    .await?;
    let report = Report::Annual(Box::new(review));
    write_report(
        ctx,
        &report,
        args.format,
        &args.letterhead,
        args.output.as_deref(),
        args.aggregate_only,
        out,
    )
    .await
}

async fn summary(ctx: &Context, args: SummaryArgs, out: &mut impl Write) -> Result<()> {
    // Checked before the store is opened: bad input touches nothing.
    let period = args.period()?;
    if let Some(s) = &args.scope {
        Code::parse(s).map_err(|p| ValidationError::new("scope", p))?;
    }
    let map_to = map_to_of(args.map_to.as_deref())?;
    let scope = scope_of(ctx, args.scope.as_deref(), &period).await?;
    let service = ctx.service().await?;
    let summary = bienphong_report::summary_mapped(service, period, scope.as_ref(), map_to).await?;
    let report = Report::Summary(Box::new(summary));
    write_report(
        ctx,
        &report,
        args.format,
        &args.letterhead,
        args.output.as_deref(),
        args.aggregate_only,
        out,
    )
    .await
}

/// `report` in `format` by the report crate's one dispatch (the pages and
/// the API use the same), to the file or the terminal.
async fn write_report(
    ctx: &Context,
    report: &Report,
    format: Format,
    head: &LetterheadArgs,
    output: Option<&std::path::Path>,
    aggregate_only: bool,
    out: &mut impl Write,
) -> Result<()> {
    let format = report_format(format);
    if aggregate_only {
        let bytes = bienphong_report::render_aggregate(report, format)?;
        return emit(out, &bytes, output, format.is_binary());
    }
    let service = ctx.service().await?;
    let parts = if format == ReportFormat::Docx {
        let org = service.org().await?;
        let scope = report.scope();
        let letterhead = letterhead(
            ctx,
            head,
            service.store(),
            &org,
            scope.as_ref(),
            report.period().to,
        )
        .await?;
        report.docx_parts(service, format, || letterhead).await?
    } else {
        None
    };
    let bytes = report.render(format, parts.as_ref())?;
    emit(out, &bytes, output, format.is_binary())
}

/// The report crate's format for the flag's.
pub fn report_format(f: Format) -> ReportFormat {
    match f {
        Format::Md => ReportFormat::Markdown,
        Format::Json => ReportFormat::Json,
        Format::Docx => ReportFormat::Docx,
        Format::Xlsx => ReportFormat::Xlsx,
        Format::Csv => ReportFormat::Csv,
    }
}

/// The letterhead of a report on `scope`, with what the options leave out
/// taken from the organisation as it stood on the period's last day, in
/// the language of `--lang` (English for foreign partners).
pub async fn letterhead(
    ctx: &Context,
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
    let mut head = bienphong_report::Letterhead::derive_in(
        org, scope, style, as_of, date, ctx.lang,
    )
    .with(bienphong_report::LetterheadOverrides {
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
        term: args.term.clone(),
    });
    if args.register {
        head.number_from_register(store, &ctx.author(), bienphong_service::now_ms())
            .await?;
    }
    Ok(head)
}
