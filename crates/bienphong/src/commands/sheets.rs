//! `template`, `import` and `export`: records in and out of spreadsheets.

use crate::cli::{ExportArgs, ImportArgs, SheetFormat, TemplateArgs};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use crate::output::emit;
use anyhow::Context as _;
use bienphong_domain::{Content, format};
use bienphong_i18n::Lang;
use bienphong_sheets::import::{self, Options, Writer};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Errors printed one per line before the summary; the rest are counted.
const ERRORS_SHOWN: usize = 200;

pub async fn template(
    ctx: &Context,
    args: TemplateArgs,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let service = ctx.service().await?;
    let org = service.org().await?;
    let bytes = match args.format {
        SheetFormat::Xlsx => bienphong_sheets::template_xlsx(args.record_type, &org)?,
        SheetFormat::Csv => {
            let mut buf = Vec::new();
            bienphong_sheets::template_csv(args.record_type, &org, &mut buf)?;
            buf
        }
    };
    emit(
        out,
        &bytes,
        args.output.as_deref(),
        args.format == SheetFormat::Xlsx,
    )
}

pub async fn export(ctx: &Context, args: ExportArgs, out: &mut impl std::io::Write) -> Result<()> {
    let service = ctx.service().await?;
    let t = args.record_type;
    if !bienphong_sheets::model::has_sheet(t) {
        return Err(bienphong_sheets::SheetError::Unsupported(t).into());
    }
    let org = service.org().await?;
    let filter = super::records::list_filter(&org, t, &args.filter)?;
    let mut records = Vec::new();
    for r in service.list(filter).await? {
        let content = Content::from_json(r.record_type, &r.content)
            .map_err(|e| bienphong_store::StoreError::Corrupt(e.to_string()))?;
        records.push((r.record_id, r.revision_id, content));
    }
    let bytes = match args.format {
        SheetFormat::Xlsx => bienphong_sheets::export_xlsx(t, &org, &records)?,
        SheetFormat::Csv => {
            let mut buf = Vec::new();
            bienphong_sheets::export_csv(t, &org, &records, &mut buf)?;
            buf
        }
    };
    emit(
        out,
        &bytes,
        args.output.as_deref(),
        args.format == SheetFormat::Xlsx,
    )
}

pub async fn import(ctx: &Context, args: ImportArgs, out: &mut impl std::io::Write) -> Result<()> {
    let (service, lang) = (ctx.service().await?, ctx.lang);
    let file = std::fs::File::open(&args.file).map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", args.file.display().to_string()),
                ("detail", e.to_string()),
            ],
            Kind::Invalid,
        )
    })?;
    let name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |p: import::Progress| {
        if !terminal {
            return;
        }
        match p {
            import::Progress::Read(rows) if rows.is_multiple_of(10_000) => eprint!(
                "\r{}",
                lang.text("import-read", &[("rows", format::integer(rows as i64))])
            ),
            import::Progress::Read(_) => {}
            import::Progress::Writing(n) => eprint!(
                "\r{}",
                lang.text("import-writing", &[("records", format::integer(n as i64))])
            ),
        }
    };
    let report = import::import(
        service,
        Writer::Local(ctx.actor()),
        bienphong_sheets::Input::File(file),
        &name,
        Options {
            record_type: args.record_type,
            dry_run: args.dry_run,
            skip_invalid: args.skip_invalid,
            prefer_file: args.prefer_file,
            restore_deleted: args.restore_deleted,
            confirm: args.confirm,
        },
        &mut progress,
    )
    .await?;
    if terminal && (report.rows_read >= 10_000 || report.written) {
        eprintln!();
    }
    let type_name = lang.text(&format!("type-{}", report.record_type), &[]);
    for (sheet, column) in &report.ignored {
        eprintln!(
            "{}",
            lang.text(
                "import-ignored-column",
                &[
                    ("sheet", sheet.clone()),
                    ("column", column.clone()),
                    ("type", type_name.clone()),
                ]
            )
        );
    }
    let errors: Vec<_> = report.errors().collect();
    for e in errors.iter().take(ERRORS_SHOWN) {
        eprintln!("{}", e.message(lang));
    }
    if errors.len() > ERRORS_SHOWN {
        eprintln!("… (+{})", errors.len() - ERRORS_SHOWN);
    }
    writeln!(
        out,
        "{}",
        lang.text(
            "import-summary",
            &[
                ("type", type_name),
                ("rows", format::integer(report.rows_read as i64)),
                ("created", format::integer(report.created as i64)),
                ("updated", format::integer(report.updated as i64)),
                ("unchanged", format::integer(report.unchanged as i64)),
                ("rejected", format::integer(report.refused() as i64)),
            ]
        )
    )
    .context("stdout")?;
    writeln!(out, "{}", classes(&report, lang)).context("stdout")?;
    // Preferred, the file's values are written over what the store changed
    // (and rows changed in both are listed as errors otherwise).
    let (listed, key) = if args.prefer_file {
        (report.kept.iter().chain(&report.both), "import-file-taken")
    } else {
        (report.kept.iter().chain(&[]), "import-kept")
    };
    for row in listed {
        writeln!(
            out,
            "{}",
            lang.text(
                key,
                &[("place", row.place(lang)), ("columns", row.columns(lang))]
            )
        )
        .context("stdout")?;
    }
    for d in &report.deleted {
        writeln!(
            out,
            "{}",
            lang.text("import-deleted", &[("place", d.place(lang))])
        )
        .context("stdout")?;
    }
    if !report.both.is_empty() && !args.prefer_file {
        eprintln!("{}", lang.text("import-both-hint", &[]));
    }
    if !report.rejected.is_empty() && (args.skip_invalid || args.errors.is_some()) {
        let path = args.errors.clone().unwrap_or_else(|| {
            let mut p = args.file.clone();
            p.set_file_name(format!("{name}-loi.csv"));
            p
        });
        write_errors(&report, lang, &path)?;
        writeln!(
            out,
            "{}",
            lang.text(
                "import-errors-file",
                &[("path", path.display().to_string())]
            )
        )
        .context("stdout")?;
    }
    for d in &report.doubts {
        writeln!(out, "{}", d.message(lang)).context("stdout")?;
    }
    if args.dry_run {
        writeln!(out, "{}", lang.text("import-dry-run", &[])).context("stdout")?;
    } else if report.written {
        writeln!(out, "{}", lang.text("import-written", &[])).context("stdout")?;
    }
    if !report.rejected.is_empty() && !args.skip_invalid {
        return Err(CliError::Message(
            "import-nothing-written",
            vec![],
            Kind::Invalid,
        ));
    }
    if !report.doubts.is_empty() && !args.confirm && !args.dry_run {
        return Err(CliError::Message(
            "import-needs-confirm",
            vec![],
            Kind::Invalid,
        ));
    }
    Ok(())
}

/// The counts of a re-import's classes: kept, changed in both, deleted,
/// restored.
fn classes(report: &import::Report, lang: Lang) -> String {
    let n = |v: usize| format::integer(v as i64);
    lang.text(
        "import-classes",
        &[
            ("kept", n(report.kept.len())),
            ("both", n(report.both.len())),
            ("deleted", n(report.deleted.len())),
            ("restored", n(report.restored)),
        ],
    )
}

fn write_errors(report: &import::Report, lang: Lang, path: &PathBuf) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    import::write_rejected(report, lang, std::io::BufWriter::new(file))?;
    Ok(())
}
