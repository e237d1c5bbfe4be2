//! `template`, `import` and `export`: records in and out of spreadsheets.

use crate::cli::{ExportArgs, ImportArgs, SheetFormat, TemplateArgs};
use crate::{CliError, EXIT_INVALID, Result, emit};
use anyhow::Context;
use bienphong_domain::{Content, format};
use bienphong_i18n::Lang;
use bienphong_service::{Actor, Service};
use bienphong_sheets::import::{self, Options, Writer};
use bienphong_store::SqlStore;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Errors printed one per line before the summary; the rest are counted.
const ERRORS_SHOWN: usize = 200;

pub async fn template(
    service: &Service<SqlStore>,
    args: TemplateArgs,
    out: &mut impl std::io::Write,
) -> Result<()> {
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

pub async fn export(
    service: &Service<SqlStore>,
    args: ExportArgs,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let t = args.record_type;
    if !bienphong_sheets::model::has_sheet(t) {
        return Err(bienphong_sheets::SheetError::Unsupported(t).into());
    }
    let org = service.org().await?;
    let filter = crate::list_filter(&org, t, &args.filter)?;
    let mut records = Vec::new();
    for r in service.list(filter).await? {
        let content = Content::from_json(r.record_type, &r.content)
            .map_err(|e| bienphong_store::StoreError::Corrupt(e.to_string()))?;
        records.push((r.record_id, content));
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

pub async fn import(
    service: &Service<SqlStore>,
    args: ImportArgs,
    author: String,
    lang: Lang,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let file = std::fs::File::open(&args.file).map_err(|e| {
        CliError::Message(
            "input-read",
            vec![
                ("path", args.file.display().to_string()),
                ("detail", e.to_string()),
            ],
            EXIT_INVALID,
        )
    })?;
    let name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |rows: u64| {
        if terminal && rows.is_multiple_of(10_000) {
            eprint!(
                "\r{}",
                lang.text("import-read", &[("rows", format::integer(rows as i64))])
            );
        }
    };
    let report = import::import(
        service,
        Writer::Local(Actor::now(author)),
        bienphong_sheets::Input::File(file),
        &name,
        Options {
            record_type: args.record_type,
            dry_run: args.dry_run,
            skip_invalid: args.skip_invalid,
        },
        &mut progress,
    )
    .await?;
    if terminal && report.rows_read >= 10_000 {
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
                ("rejected", format::integer(report.rejected.len() as i64)),
            ]
        )
    )
    .context("stdout")?;
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
            lang.text("import-errors-file", &[("path", path.display().to_string())])
        )
        .context("stdout")?;
    }
    if args.dry_run {
        writeln!(out, "{}", lang.text("import-dry-run", &[])).context("stdout")?;
    } else if report.written {
        writeln!(out, "{}", lang.text("import-written", &[])).context("stdout")?;
    }
    if !report.rejected.is_empty() && !args.skip_invalid {
        return Err(CliError::Message("import-nothing-written", vec![], EXIT_INVALID));
    }
    Ok(())
}

fn write_errors(report: &import::Report, lang: Lang, path: &PathBuf) -> Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    import::write_rejected(report, lang, std::io::BufWriter::new(file))?;
    Ok(())
}
