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
        Writer::Local(Actor::now(author)),
        bienphong_sheets::Input::File(file),
        &name,
        Options {
            record_type: args.record_type,
            dry_run: args.dry_run,
            skip_invalid: args.skip_invalid,
            prefer_file: args.prefer_file,
            restore_deleted: args.restore_deleted,
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
    if args.dry_run {
        writeln!(out, "{}", lang.text("import-dry-run", &[])).context("stdout")?;
    } else if report.written {
        writeln!(out, "{}", lang.text("import-written", &[])).context("stdout")?;
    }
    if !report.rejected.is_empty() && !args.skip_invalid {
        return Err(CliError::Message(
            "import-nothing-written",
            vec![],
            EXIT_INVALID,
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

/// A workbook of `rows` synthetic patrols of the store's border posts: one
/// per post, kind and day from 1 January 2000 on, so that no two rows share
/// an identity; 2 to 5 forces each.
pub async fn bench_file(
    service: &Service<SqlStore>,
    rows: u32,
    output: &std::path::Path,
) -> Result<()> {
    use bienphong_domain::catalogue::CatalogueKind;
    use bienphong_domain::org::UnitKind;
    use bienphong_domain::record::{ForceCount, Patrol, PatrolKind};
    let org = service.org().await?;
    let mut posts: Vec<_> = org
        .units
        .values()
        .filter(|u| {
            u.kind == UnitKind::BorderPost && u.valid_from.is_none() && u.valid_to.is_none()
        })
        .map(|u| u.code.clone())
        .collect();
    posts.sort();
    let forces: Vec<_> = org
        .catalogue
        .list(CatalogueKind::Force)
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.code.clone())
        .collect();
    if posts.is_empty() || forces.is_empty() {
        return Err(anyhow::anyhow!(
            "the store has no border posts or forces (run `bienphong demo` first)"
        )
        .into());
    }
    let kinds = [
        PatrolKind::Joint,
        PatrolKind::Bilateral,
        PatrolKind::PostOnly,
    ];
    let start = jiff::civil::date(2000, 1, 1);
    let n = rows as usize;
    let records = (0..n).map(|i| {
        let post = posts[i % posts.len()].clone();
        let kind = kinds[(i / posts.len()) % kinds.len()];
        let day = (i / (posts.len() * kinds.len())) as i64;
        let date = start
            .checked_add(jiff::Span::new().days(day))
            .unwrap_or(start);
        let participants = (0..2 + i % 4)
            .filter(|f| *f < forces.len())
            .map(|f| ForceCount {
                force: forces[f].clone(),
                persons: 1 + ((i * 7 + f * 3) % 12) as u32,
            })
            .collect();
        Content::Patrol(Patrol {
            date,
            lead_unit: post,
            partner_units: vec![],
            kind,
            duration_hours: None,
            markers: vec![],
            participants,
            notes: bienphong_domain::text::Text::default(),
        })
    });
    let t = bienphong_domain::RecordType::Patrol;
    let columns = bienphong_sheets::model::columns(t, &org, &[]);
    let units = bienphong_sheets::model::UnitIndex::new(&org);
    let cells = records
        .map(|c| bienphong_sheets::write::record_cells(&org, &units, &columns, None, None, &c));
    let bytes = bienphong_sheets::write::workbook(t, &org, &columns, Box::new(cells))?;
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}

/// Imports `file` and prints rows per second and the peak resident memory
/// of the process (VmHWM).
pub async fn bench_import(
    service: &Service<SqlStore>,
    file: &std::path::Path,
    dry_run: bool,
    author: String,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let started = std::time::Instant::now();
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = import::import(
        service,
        Writer::Local(Actor::now(author)),
        bienphong_sheets::Input::File(input),
        "bench",
        Options {
            record_type: None,
            dry_run,
            ..Options::default()
        },
        &mut |_| {},
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    writeln!(
        out,
        "import of {} rows: {} new, {} updated, {} unchanged, {} refused; {:.1} s, {:.0} rows/s; peak RSS {peak}",
        report.rows_read,
        report.created,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        seconds,
        report.rows_read as f64 / seconds.max(1e-9),
    )
    .context("stdout")?;
    Ok(())
}
