//! Importing a file into the store: read and check every row, match rows
//! to the records they describe, and write all of it in one transaction —
//! or nothing, unless refused rows are to be skipped.

use crate::error::{RowError, RowProblem, SheetError};
use crate::model::UnitIndex;
use crate::parse::{self, Input, Rejected, SheetInfo};
use crate::plan::{self, Action, Difference, Found, ThreeWay};
use bienphong_domain::access::Access;
use bienphong_domain::limits::Doubt;
use bienphong_domain::validate::check;
use bienphong_domain::{Content, Period, RecordId, RecordType, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::{Actor, BatchWrite, Principal, Service, ServiceError};
use bienphong_store::{AccountStore, ImportStore, ListFilter, Store};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The kind of record the file holds; found from it when not given.
    pub record_type: Option<RecordType>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Write the valid rows even if some are refused (and set aside rows
    /// changed in both the file and the store).
    pub skip_invalid: bool,
    /// Where the file and the store both changed a column since the row's
    /// base, write the file's value.
    pub prefer_file: bool,
    /// Bring back records deleted since the import that wrote them.
    pub restore_deleted: bool,
    /// Write rows whose values are possible but unlikely (listed in the
    /// report's `doubts`); without it such a file writes nothing.
    pub confirm: bool,
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
    /// Rows whose record was changed in the store since the row's base,
    /// and not in the file: the store's values are kept.
    pub kept: Vec<RowChange>,
    /// Rows whose record the file and the store both changed, in the same
    /// columns: refused (in `rejected`), or written with the file's values
    /// when the file is preferred.
    pub both: Vec<RowChange>,
    /// Rows whose record was deleted since, not brought back.
    pub deleted: Vec<RowChange>,
    /// Records brought back (`--restore-deleted`).
    pub restored: usize,
    /// Values possible but unlikely, by row: confirmed with
    /// [`Options::confirm`], or nothing is written.
    pub doubts: Vec<RowDoubt>,
    /// Columns read past: (sheet, header).
    pub ignored: Vec<(String, String)>,
    /// Whether anything was written.
    pub written: bool,
}

/// A row of one of the classes of a re-import, where it is and what
/// differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowChange {
    pub sheet: String,
    pub row: u32,
    pub record_id: RecordId,
    pub differences: Vec<Difference>,
}

/// A value of a row that is possible but unlikely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowDoubt {
    pub sheet: String,
    pub row: u32,
    pub doubt: Doubt,
}

impl RowDoubt {
    /// "Sheet "Tuần tra", row 5: participants[0].persons: 250 persons…".
    pub fn message(&self, lang: Lang) -> String {
        format!(
            "{}: {}",
            lang.text(
                "sheet-place-row",
                &[("sheet", self.sheet.clone()), ("row", self.row.to_string())],
            ),
            lang.doubt(&self.doubt)
        )
    }
}

impl RowChange {
    /// "Sheet "Tuần tra", row 5".
    pub fn place(&self, lang: Lang) -> String {
        lang.text(
            "sheet-place-row",
            &[("sheet", self.sheet.clone()), ("row", self.row.to_string())],
        )
    }

    /// What differs: `column "X" file "8", store "77"; …`.
    pub fn columns(&self, lang: Lang) -> String {
        self.differences
            .iter()
            .map(|d| {
                lang.text(
                    "import-column-values",
                    &[
                        ("column", d.column.clone()),
                        ("file", d.file.clone()),
                        ("store", d.store.clone()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Report {
    /// Rows refused for what they hold (not counting rows changed in both
    /// the file and the store, which are a class of their own).
    pub fn refused(&self) -> usize {
        self.rejected
            .iter()
            .filter(|r| {
                !r.errors
                    .iter()
                    .all(|e| matches!(e.problem, RowProblem::ChangedInBoth { .. }))
            })
            .count()
    }

    /// Every refused row's errors, in file order.
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rejected.iter().flat_map(|r| r.errors.iter())
    }
}

/// Imports `input` (named `name`, for a CSV's sheet) into the store.
pub async fn import<S: Store + AccountStore + ImportStore>(
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
            Some(h) if h.deleted && h.record_type == t => Found::Deleted {
                tombstone: h.revision_id,
            },
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
    // Records an import wrote and someone deleted since: a row without an
    // id matching one of them is not a new record.
    let mut deleted = Vec::new();
    for d in service
        .store()
        .deleted_imports(t)
        .await
        .map_err(ServiceError::from)?
    {
        if let Ok(content) = Content::from_json(t, &d.base.content) {
            deleted.push((d.record_id, d.tombstone, content));
        }
    }
    let mut plan =
        plan::plan_with_deleted(&org, &parsed.sheets, parsed.rows, existing, &by_id, deleted);
    rejected.append(&mut plan.rejected);

    // Each row that differs from its record, against the row's base.
    let matched: Vec<RecordId> = plan
        .actions
        .iter()
        .filter_map(|(_, _, a)| match a {
            Action::Update { record_id, .. } | Action::Unchanged { record_id, .. } => {
                Some(*record_id)
            }
            _ => None,
        })
        .collect();
    let recorded = service
        .store()
        .import_bases(&matched)
        .await
        .map_err(ServiceError::from)?;
    let units = UnitIndex::new(&org);
    let mut kept = Vec::new();
    let mut both = Vec::new();
    let mut deleted_rows = Vec::new();
    let mut confirmed: Vec<(RecordId, RevisionId)> = Vec::new();
    let mut restored = 0;
    let mut actions = Vec::with_capacity(plan.actions.len());
    for (s, row, action) in std::mem::take(&mut plan.actions) {
        let Some(sheet) = parsed.sheets.get(s) else {
            continue;
        };
        let change = |record_id, differences| RowChange {
            sheet: sheet.name.clone(),
            row,
            record_id,
            differences,
        };
        let refuse = |problem: RowProblem, column: String, value: String| RowError {
            sheet: sheet.name.clone(),
            row,
            column,
            value,
            problem,
        };
        match action {
            Action::Unchanged {
                record_id,
                revision,
            } => {
                if recorded.get(&record_id) != Some(&revision) {
                    confirmed.push((record_id, revision));
                }
            }
            Action::Create { .. } => actions.push((s, row, action)),
            Action::Update {
                record_id,
                parent,
                content: file_over_store,
                row: file,
                base,
            } => {
                let history = live_history(service, record_id).await?;
                let Some((_, current)) = history.iter().find(|(r, _)| *r == parent) else {
                    continue;
                };
                let chosen = plan::choose_base(
                    sheet,
                    &file,
                    parent,
                    &history,
                    base,
                    recorded.get(&record_id).copied(),
                );
                let outcome = plan::three_way(&org, &units, sheet, &file, current, chosen);
                let update = |content: Content| Action::Update {
                    record_id,
                    parent,
                    content,
                    row: file.clone(),
                    base,
                };
                let invalid = |problem| Rejected {
                    sheet: s,
                    row,
                    cells: vec![],
                    errors: vec![refuse(problem, String::new(), String::new())],
                };
                match outcome {
                    Ok(ThreeWay::Same) => {
                        plan.updated -= 1;
                        plan.unchanged += 1;
                        if recorded.get(&record_id) != Some(&parent) {
                            confirmed.push((record_id, parent));
                        }
                    }
                    Ok(ThreeWay::Update(content)) => match check(&content, &org, false) {
                        Ok(()) => actions.push((s, row, update(*content))),
                        Err(e) => {
                            plan.updated -= 1;
                            rejected.push(invalid(RowProblem::Invalid(e.problem)));
                        }
                    },
                    // Preferred, the file's values win wherever they differ
                    // from the store's (the plan's content, already checked).
                    Ok(ThreeWay::Kept(differences)) => {
                        kept.push(change(record_id, differences));
                        if options.prefer_file {
                            actions.push((s, row, update(file_over_store)));
                        } else {
                            plan.updated -= 1;
                        }
                    }
                    Ok(ThreeWay::Both { differences }) => {
                        both.push(change(record_id, differences.clone()));
                        if options.prefer_file {
                            actions.push((s, row, update(file_over_store)));
                        } else {
                            plan.updated -= 1;
                            rejected.push(Rejected {
                                sheet: s,
                                row,
                                cells: row_cells(&org, &units, sheet, record_id, base, &file),
                                errors: differences
                                    .into_iter()
                                    .map(|d| {
                                        refuse(
                                            RowProblem::ChangedInBoth { store: d.store },
                                            d.column,
                                            d.file,
                                        )
                                    })
                                    .collect(),
                            });
                        }
                    }
                    Err(e) => {
                        plan.updated -= 1;
                        rejected.push(invalid(RowProblem::Invalid(e.problem)));
                    }
                }
            }
            Action::Deleted {
                record_id,
                tombstone,
                row: file,
            } => {
                if !options.restore_deleted {
                    deleted_rows.push(change(record_id, vec![]));
                    continue;
                }
                // Brought back as it was before its deletion, with the
                // file's columns laid over it.
                let history = service
                    .store()
                    .history(record_id)
                    .await
                    .map_err(ServiceError::from)?;
                let last = history
                    .iter()
                    .rev()
                    .find(|r| !r.deleted)
                    .and_then(|r| Content::from_json(t, &r.content).ok());
                let restored_content = match &last {
                    Some(before) => plan::merge(before, &file, sheet),
                    None => Ok((*file).clone()),
                }
                .and_then(|c| check(&c, &org, false).map(|()| c));
                match restored_content {
                    Ok(content) => {
                        restored += 1;
                        plan.deleted -= 1;
                        actions.push((
                            s,
                            row,
                            Action::Deleted {
                                record_id,
                                tombstone,
                                row: Box::new(content),
                            },
                        ));
                    }
                    Err(e) => rejected.push(Rejected {
                        sheet: s,
                        row,
                        cells: vec![],
                        errors: vec![refuse(
                            RowProblem::Invalid(e.problem),
                            String::new(),
                            String::new(),
                        )],
                    }),
                }
            }
        }
    }
    plan.actions = actions;

    // A person may only write within their grant: rows outside it are
    // refused like invalid rows (and the service checks again).
    if let Writer::Person { who, .. } = &writer {
        let mut kept = Vec::with_capacity(plan.actions.len());
        for (sheet, row, action) in plan.actions {
            let content = match &action {
                Action::Create { content, .. } | Action::Update { content, .. } => Some(content),
                Action::Deleted { row, .. } => Some(&**row),
                Action::Unchanged { .. } => None,
            };
            let allowed = content.is_none_or(|c| {
                who.grant.may_write_type(t) && who.grant.allows(Access::Write, &org, c, None)
            });
            if allowed {
                kept.push((sheet, row, action));
            } else {
                match &action {
                    Action::Create { .. } => plan.created -= 1,
                    Action::Deleted { .. } => restored -= 1,
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

    let mut doubts = Vec::new();
    for (sheet, row, action) in &plan.actions {
        let (content, record_id, follows) = match action {
            Action::Create { content, record_id } => (content, *record_id, None),
            Action::Update {
                content,
                record_id,
                parent,
                ..
            } => (content, *record_id, Some(*parent)),
            Action::Deleted {
                row,
                record_id,
                tombstone,
            } => (&**row, *record_id, Some(*tombstone)),
            Action::Unchanged { .. } => continue,
        };
        let sheet = parsed
            .sheets
            .get(*sheet)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        doubts.extend(
            service
                .doubts(content, &org, Some(record_id), follows)
                .await?
                .into_iter()
                .map(|doubt| RowDoubt {
                    sheet: sheet.clone(),
                    row: *row,
                    doubt,
                }),
        );
    }

    let mut report = Report {
        record_type: t,
        sheets: parsed.sheets,
        rows_read: parsed.rows_read,
        created: plan.created,
        updated: plan.updated,
        unchanged: plan.unchanged,
        rejected,
        kept,
        both,
        deleted: deleted_rows,
        restored,
        doubts,
        ignored: parsed.ignored,
        written: false,
    };
    if options.dry_run
        || (!report.rejected.is_empty() && !options.skip_invalid)
        || (!report.doubts.is_empty() && !options.confirm)
    {
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
                ..
            } => Some(BatchWrite::Update {
                record_id,
                parent,
                content,
            }),
            Action::Deleted {
                record_id,
                tombstone,
                row,
            } => Some(BatchWrite::Restore {
                record_id,
                tombstone,
                content: *row,
            }),
            Action::Unchanged { .. } => None,
        })
        .collect();
    if !writes.is_empty() || !confirmed.is_empty() {
        progress(Progress::Writing(writes.len()));
        match writer {
            Writer::Local(actor) => {
                service
                    .write_import_local(&actor, &org, writes, confirmed, options.confirm)
                    .await?;
            }
            Writer::Person { who, now_ms } => {
                service
                    .write_import_as(who, now_ms, &org, writes, confirmed, options.confirm)
                    .await?;
            }
        }
    }
    report.written = true;
    Ok(report)
}

/// The record's live revisions, oldest first, as contents.
async fn live_history<S: Store>(
    service: &Service<S>,
    record_id: RecordId,
) -> Result<Vec<(RevisionId, Content)>, SheetError> {
    let revisions = service
        .store()
        .history(record_id)
        .await
        .map_err(ServiceError::from)?;
    Ok(revisions
        .into_iter()
        .filter(|r| !r.deleted)
        .filter_map(|r| {
            Content::from_json(r.record_type, &r.content)
                .ok()
                .map(|c| (r.id, c))
        })
        .collect())
}

/// A row's cells as the sheet writes them, for the error file.
fn row_cells(
    org: &bienphong_domain::org::Org,
    units: &UnitIndex,
    sheet: &SheetInfo,
    record_id: RecordId,
    base: Option<RevisionId>,
    content: &Content,
) -> Vec<String> {
    let columns = sheet.columns();
    crate::write::record_cells(org, units, &columns, Some(record_id), base, content)
        .iter()
        .map(crate::write::Out::csv_text)
        .collect()
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
