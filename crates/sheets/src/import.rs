//! Importing a file into the store: read and check every row, match rows
//! to the records they describe, and write all of it in one transaction —
//! or nothing, unless refused rows are to be skipped.

use crate::error::{RowError, RowProblem, SheetError};
use crate::parse::{self, Input, Rejected, SheetInfo};
use crate::plan::{self, Action, Found};
use bienphong_domain::access::Access;
use bienphong_domain::{Content, Period, RecordType};
use bienphong_i18n::Lang;
use bienphong_service::{Actor, BatchWrite, Principal, Service};
use bienphong_store::{AccountStore, ListFilter, Store};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The kind of record the file holds; found from it when not given.
    pub record_type: Option<RecordType>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Write the valid rows even if some are refused.
    pub skip_invalid: bool,
}

/// Who writes: the local operator (the CLI) or a signed-in person, whose
/// grant limits what they may create and change.
pub enum Writer<'a> {
    Local(Actor),
    Person { who: &'a Principal, now_ms: i64 },
}

/// How far an import is, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Rows read and checked so far.
    Read(u64),
    /// All rows are read; this many records are being written in one
    /// transaction.
    Writing(usize),
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug)]
pub struct Report {
    pub record_type: RecordType,
    pub sheets: Vec<SheetInfo>,
    pub rows_read: u64,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
    /// Columns read past: (sheet, header).
    pub ignored: Vec<(String, String)>,
    /// Whether anything was written.
    pub written: bool,
}

impl Report {
    /// Every refused row's errors, in file order.
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rejected.iter().flat_map(|r| r.errors.iter())
    }
}

/// Imports `input` (named `name`, for a CSV's sheet) into the store.
pub async fn import<S: Store + AccountStore>(
    service: &Service<S>,
    writer: Writer<'_>,
    input: Input<'_>,
    name: &str,
    options: Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SheetError> {
    let org = service.org_shared().await?;
    let now_ms = match &writer {
        Writer::Local(actor) => actor.now_ms,
        Writer::Person { now_ms, .. } => *now_ms,
    };
    let today = Some(bienphong_domain::limits::day_of(now_ms));
    let parsed = parse::parse_as_of(input, name, options.record_type, &org, today, &mut |n| {
        progress(Progress::Read(n))
    })?;
    let t = parsed.record_type;
    let mut rejected = parsed.rejected;

    // The records rows may be matched with: those of the rows' dates, and
    // those the rows name by id.
    let dates = parsed.rows.iter().filter_map(|r| r.content.date());
    let span = dates.fold(None, |acc: Option<(_, _)>, d| match acc {
        None => Some((d, d)),
        Some((a, b)) => Some((a.min(d), b.max(d))),
    });
    let mut existing = Vec::new();
    // The organisation's records are matched by code, whatever their dates.
    let period = match span {
        _ if t.is_structure() => Some(None),
        Some((from, to)) => Some(Period::new(from, to)),
        None => None,
    };
    if let Some(period) = period {
        // In pages, so that the store's rows are never all in memory at once
        // beside the records read from them.
        const PAGE: u32 = 20_000;
        let mut offset = 0u32;
        loop {
            let records = service
                .list(ListFilter {
                    record_type: Some(t),
                    period,
                    limit: Some(PAGE),
                    offset,
                    ..ListFilter::default()
                })
                .await?;
            let got = records.len();
            for r in records {
                let content = Content::from_json(r.record_type, &r.content)
                    .map_err(bienphong_service::ServiceError::from)?;
                existing.push((r.record_id, r.revision_id, content));
            }
            if got < PAGE as usize {
                break;
            }
            offset = offset.saturating_add(PAGE);
        }
    }
    let mut by_id = HashMap::new();
    let listed: std::collections::HashSet<_> = existing.iter().map(|(id, _, _)| *id).collect();
    for id in parsed.rows.iter().filter_map(|r| r.id) {
        if listed.contains(&id) || by_id.contains_key(&id) {
            continue;
        }
        let found = match service
            .store()
            .head(id)
            .await
            .map_err(bienphong_service::ServiceError::from)?
        {
            None => continue,
            Some(h) if h.deleted => Found::Deleted,
            Some(h) if h.record_type != t => Found::Other(h.record_type),
            Some(_) => {
                let r = service.get(id).await?;
                Found::Live {
                    revision: r.revision_id,
                    content: Content::from_json(t, &r.content)
                        .map_err(bienphong_service::ServiceError::from)?,
                }
            }
        };
        by_id.insert(id, found);
    }
    let mut plan = plan::plan(&org, &parsed.sheets, parsed.rows, existing, &by_id);
    rejected.append(&mut plan.rejected);

    // A person may only write within their grant: rows outside it are
    // refused like invalid rows (and the service checks again).
    if let Writer::Person { who, .. } = &writer {
        let mut kept = Vec::with_capacity(plan.actions.len());
        for (sheet, row, action) in plan.actions {
            let content = match &action {
                Action::Create { content, .. } | Action::Update { content, .. } => Some(content),
                Action::Unchanged(_) => None,
            };
            let allowed = content.is_none_or(|c| {
                who.grant.may_write_type(t) && who.grant.allows(Access::Write, &org, c, None)
            });
            if allowed {
                kept.push((sheet, row, action));
            } else {
                match &action {
                    Action::Create { .. } => plan.created -= 1,
                    _ => plan.updated -= 1,
                }
                rejected.push(Rejected {
                    sheet,
                    row,
                    cells: vec![],
                    errors: vec![RowError {
                        sheet: parsed
                            .sheets
                            .get(sheet)
                            .map(|s| s.name.clone())
                            .unwrap_or_default(),
                        row,
                        column: String::new(),
                        value: String::new(),
                        problem: RowProblem::NotAllowed,
                    }],
                });
            }
        }
        plan.actions = kept;
    }
    rejected.sort_by_key(|r| (r.sheet, r.row));

    let mut report = Report {
        record_type: t,
        sheets: parsed.sheets,
        rows_read: parsed.rows_read,
        created: plan.created,
        updated: plan.updated,
        unchanged: plan.unchanged,
        rejected,
        ignored: parsed.ignored,
        written: false,
    };
    if options.dry_run || (!report.rejected.is_empty() && !options.skip_invalid) {
        return Ok(report);
    }
    let writes: Vec<BatchWrite> = plan
        .actions
        .into_iter()
        .filter_map(|(_, _, a)| match a {
            Action::Create { record_id, content } => {
                Some(BatchWrite::Create { record_id, content })
            }
            Action::Update {
                record_id,
                parent,
                content,
            } => Some(BatchWrite::Update {
                record_id,
                parent,
                content,
            }),
            Action::Unchanged(_) => None,
        })
        .collect();
    if !writes.is_empty() {
        progress(Progress::Writing(writes.len()));
        match writer {
            Writer::Local(actor) => {
                service.write_batch(&actor, &org, writes).await?;
            }
            Writer::Person { who, now_ms } => {
                service.write_batch_as(who, now_ms, &org, writes).await?;
            }
        }
    }
    report.written = true;
    Ok(report)
}

/// The refused rows as a CSV the person can correct and import again: the
/// columns of the file, then where each row was and what is wrong with it.
pub fn write_rejected(
    report: &Report,
    lang: Lang,
    out: impl std::io::Write,
) -> Result<(), SheetError> {
    let mut headers: Vec<String> = Vec::new();
    for s in &report.sheets {
        for h in &s.headers {
            if !h.is_empty() && !headers.contains(h) {
                headers.push(h.clone());
            }
        }
    }
    let width = headers.len();
    let mut all = headers.clone();
    all.push(Lang::Vi.text("sheet-source-row", &[]));
    all.push(Lang::Vi.text("sheet-errors", &[]));
    let rows = report.rejected.iter().map(|r| {
        let mut cells = vec![String::new(); width + 2];
        if let Some(sheet) = report.sheets.get(r.sheet) {
            for (c, text) in r.cells.iter().enumerate() {
                if let Some(h) = sheet.headers.get(c)
                    && let Some(i) = headers.iter().position(|x| x == h)
                {
                    cells[i] = text.clone();
                }
            }
            cells[width] = format!("{}!{}", sheet.name, r.row);
        }
        cells[width + 1] = r
            .errors
            .iter()
            .map(|e| e.message(lang))
            .collect::<Vec<_>>()
            .join("; ");
        cells
    });
    crate::write::write_csv(out, all, rows)
}
