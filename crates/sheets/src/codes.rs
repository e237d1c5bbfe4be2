//! Reading an official list of administrative codes (CSV or XLSX, first
//! sheet): a header row, then one row per code. A row names its unit by
//! the unit's own code (`unit`) or as the General Statistics Office's lists
//! do, by `code`, `name`, `level` and `parent_code` (Vietnamese headers
//! `Mã`, `Tên`, `Cấp`, `Mã cấp trên` too); `valid_from`, `valid_to` and
//! `agency_id` (`Hiệu lực từ`, `Hiệu lực đến`, `Mã định danh`) beside. The
//! rows are checked against the organisation by the domain.

use crate::error::SheetError;
use crate::read::{Cell, Event, FileKind, read_csv, read_xlsx, sniff};
use bienphong_domain::codes::CodeRow;
use bienphong_domain::text::search_key;
use std::io::Cursor;

/// Each column and the headers that name it, compared without diacritics
/// or case.
const COLUMNS: [&[&str]; 8] = [
    &["unit"],
    &["admin_code", "code", "ma", "ma hanh chinh"],
    &["valid_from", "hieu luc tu"],
    &["valid_to", "hieu luc den"],
    &["agency_id", "ma dinh danh"],
    &["name", "ten"],
    &["level", "cap"],
    &["parent_code", "parent code", "ma cap tren"],
];

/// The rows of a codes file, each with its line number.
pub fn read_code_rows(bytes: &[u8]) -> Result<Vec<CodeRow>, SheetError> {
    let mut sheet: Option<String> = None;
    let mut header: Option<[Option<usize>; 8]> = None;
    let mut rows = Vec::new();
    let mut done = false;
    let mut visit = |e: Event<'_>| -> Result<(), SheetError> {
        match e {
            Event::Sheet(name) => {
                done = sheet.is_some();
                if !done {
                    sheet = Some(name.to_string());
                }
            }
            Event::Row(_, cells) if done || cells.iter().all(Cell::is_empty) => {}
            Event::Row(line, cells) => match &header {
                None => {
                    let named = |names: &[&str]| {
                        cells.iter().position(|cell| {
                            let key = search_key(cell.text().trim());
                            names.iter().any(|n| *n == key)
                        })
                    };
                    let found = COLUMNS.map(named);
                    if found[0].is_none() && found[5].is_none() {
                        return Err(SheetError::MissingColumn {
                            sheet: sheet.clone().unwrap_or_default(),
                            column: "unit".into(),
                        });
                    }
                    header = Some(found);
                }
                Some(at) => {
                    let text = |i: usize| {
                        at[i]
                            .and_then(|c| cells.get(c))
                            .map(Cell::text)
                            .unwrap_or_default()
                    };
                    rows.push(CodeRow {
                        line: line as usize,
                        unit: text(0),
                        admin_code: text(1),
                        valid_from: text(2),
                        valid_to: text(3),
                        agency_id: text(4),
                        name: text(5),
                        level: text(6),
                        parent_code: text(7),
                    });
                }
            },
        }
        Ok(())
    };
    match sniff(bytes.get(..8).unwrap_or(bytes))? {
        FileKind::Xlsx => read_xlsx(Cursor::new(bytes), &mut visit)?,
        FileKind::Csv => read_csv(bytes, "codes", &mut visit)?,
    }
    Ok(rows)
}
