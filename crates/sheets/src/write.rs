//! Writing sheets: the template of a record type (headers, lists to choose
//! from, instructions, an example) and exports of records in the same
//! layout, so that an exported sheet can be corrected and imported again.

use crate::error::SheetError;
use crate::model::{self, Column, Target, UnitIndex};
use crate::parse::decimal_of_float;
use crate::read::date_to_excel_serial;
use bienphong_domain::fields::Kind;
use bienphong_domain::org::{Code, Org, UnitKind};
use bienphong_domain::{Content, Date, RecordId, RecordType, RevisionId, format};
use bienphong_i18n::Lang;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet};
use serde_json::Value;
use std::io::Write;

/// A value to write into a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Empty,
    Text(String),
    Int(i64),
    Number(f64),
    Date(Date),
}

impl Out {
    /// The value as CSV text: dates `DD/MM/YYYY`, decimals with a comma.
    pub fn csv_text(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => s.clone(),
            Out::Int(i) => i.to_string(),
            Out::Number(f) => decimal_of_float(*f)
                .map(|d| format::decimal(d, false))
                .unwrap_or_else(|_| f.to_string()),
            Out::Date(d) => format::date(*d),
        }
    }
}

/// The cells of one record, in the order of `columns`; `base` is the
/// revision shown (for an export's base column).
pub fn record_cells(
    org: &Org,
    units: &UnitIndex,
    columns: &[Column],
    id: Option<RecordId>,
    base: Option<RevisionId>,
    content: &Content,
) -> Vec<Out> {
    let json: Value = serde_json::from_str(&content.to_json()).unwrap_or_default();
    let date = content.date();
    columns
        .iter()
        .map(|col| match &col.target {
            Target::RecordId => id.map_or(Out::Empty, |i| Out::Text(i.to_string())),
            Target::Base => base.map_or(Out::Empty, |r| Out::Text(r.to_string())),
            Target::Ignored => Out::Empty,
            Target::UnitCode(f) => json
                .get(f.name)
                .and_then(Value::as_str)
                .and_then(|c| Code::parse(c).ok())
                .and_then(|c| org.unit(&c))
                .and_then(|u| {
                    date.and_then(|d| u.admin_code_on(d))
                        .or_else(|| u.latest_admin_code())
                        .map(|c| c.to_string())
                        .or_else(|| u.agency_id.clone())
                })
                .map_or(Out::Empty, Out::Text),
            Target::Field(f) => json
                .get(f.name)
                .map_or(Out::Empty, |v| value_cell(org, units, f.kind, v, date)),
            Target::Entry { flat, code } => json
                .get(flat.rows)
                .and_then(Value::as_array)
                .and_then(|items| {
                    items
                        .iter()
                        .find(|i| i.get(flat.key).and_then(Value::as_str) == Some(code.as_str()))
                })
                .and_then(|i| i.get(flat.value.name))
                .map_or(Out::Empty, |v| {
                    value_cell(org, units, flat.value.kind, v, date)
                }),
        })
        .collect()
}

fn value_cell(org: &Org, units: &UnitIndex, kind: Kind, v: &Value, date: Option<Date>) -> Out {
    let unit = |code: &str| match Code::parse(code) {
        Ok(c) => units.shown(org, &c, date),
        Err(_) => code.to_string(),
    };
    match (kind, v) {
        (Kind::Date, Value::String(s)) => s
            .parse::<Date>()
            .map_or_else(|_| Out::Text(s.clone()), Out::Date),
        (Kind::Count | Kind::Money, Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| Out::Text(n.to_string()), Out::Int),
        (Kind::Quantity, Value::String(s)) => match s.parse::<Decimal>() {
            Ok(d) => quantity_cell(d),
            Err(_) => Out::Text(s.clone()),
        },
        (Kind::Unit, Value::String(code)) => Out::Text(unit(code.as_str())),
        (Kind::Units, Value::Array(items)) => Out::Text(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(unit)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (Kind::Codes, Value::Array(items)) => Out::Text(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (Kind::Catalogue(k), Value::String(code)) => Out::Text(
            Code::parse(code.as_str())
                .ok()
                .and_then(|c| org.catalogue.get(k, &c))
                .map_or_else(|| code.clone(), |e| e.vi.to_string()),
        ),
        (Kind::Choice(_), Value::String(s)) => Out::Text(Lang::Vi.choice(s)),
        (Kind::Bool, Value::Bool(b)) => Out::Text(if *b { "có" } else { "không" }.to_string()),
        (_, Value::String(s)) => Out::Text(s.clone()),
        (_, Value::Null) => Out::Empty,
        (_, other) => Out::Text(other.to_string()),
    }
}

/// A quantity as a number where the number reads back exactly, else as
/// Vietnamese text ("1.234.567.890.123,5").
fn quantity_cell(d: Decimal) -> Out {
    match d.to_f64() {
        Some(f) if decimal_of_float(f).ok() == Some(d.normalize()) => Out::Number(f),
        _ => Out::Text(format::decimal(d, false)),
    }
}

/// The rows of a data sheet given to the Excel writer.
pub type Rows<'a> = Box<dyn Iterator<Item = Vec<Out>> + 'a>;

/// Rows of the data sheet that carry the lists to choose from.
const VALIDATED_ROWS: u32 = 20_000;

/// The workbook of `t`: the data sheet (headers, then `rows`), the
/// instructions with an example, and the lists the data sheet's cells
/// choose from.
pub fn workbook(
    t: RecordType,
    org: &Org,
    columns: &[Column],
    rows: Rows<'_>,
) -> Result<Vec<u8>, SheetError> {
    let lang = Lang::Vi;
    let units = UnitIndex::new(org);
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let decimal_format = Format::new().set_num_format("#,##0.######");

    // The lists: one column each, referred to by the data sheet.
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    let mut list_of_column: Vec<Option<usize>> = Vec::new();
    for col in columns {
        let values: Option<(String, Vec<String>)> = match &col.target {
            Target::Field(f) => match f.kind {
                Kind::Choice(values) => Some((
                    col.header.clone(),
                    values.iter().map(|v| lang.choice(v)).collect(),
                )),
                Kind::Catalogue(k) => Some((
                    col.header.clone(),
                    org.catalogue
                        .list(k)
                        .into_iter()
                        .filter(|e| e.active)
                        .map(|e| e.vi.to_string())
                        .collect(),
                )),
                Kind::Unit => Some((col.header.clone(), unit_names(org, &units))),
                _ => None,
            },
            _ => None,
        };
        list_of_column.push(values.map(|v| {
            lists.push(v);
            lists.len() - 1
        }));
    }

    let data_name = sheet_name(&lang.text(&format!("type-{t}"), &[]));
    let lists_name = lang.text("sheet-lists-name", &[]);
    {
        let sheet = book.add_worksheet();
        sheet.set_name(&data_name)?;
        for (c, col) in columns.iter().enumerate() {
            let c16 = col_num(c)?;
            sheet.write_string_with_format(0, c16, &col.header, &header)?;
            sheet.set_column_width(c16, width_of(col))?;
            // Read by a re-import, of no use to the person filling it in.
            if matches!(col.target, Target::Base) {
                sheet.set_column_hidden(c16)?;
            }
            if let Target::Field(f) = &col.target
                && matches!(f.kind, Kind::Date)
            {
                sheet.set_column_format(c16, &date_format)?;
            }
            if let Some(i) = list_of_column[c] {
                let n = lists[i].1.len().max(1);
                let range = format!(
                    "='{}'!${}$2:${}${}",
                    lists_name,
                    column_letter(i),
                    column_letter(i),
                    n + 1
                );
                let validation = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .ignore_blank(true);
                sheet.add_data_validation(1, c16, VALIDATED_ROWS, c16, &validation)?;
            }
        }
        sheet.set_freeze_panes(1, 1)?;
        let mut r: u32 = 1;
        for row in rows {
            write_row(sheet, r, &row, &date_format, &decimal_format)?;
            r = r.saturating_add(1);
        }
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&lang.text("sheet-instructions-name", &[])))?;
        instructions(sheet, t, org, &units, columns, &header, &date_format)?;
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&lists_name))?;
        for (i, (title, values)) in lists.iter().enumerate() {
            let c = col_num(i)?;
            sheet.write_string_with_format(0, c, title, &header)?;
            sheet.set_column_width(c, 30)?;
            for (r, v) in values.iter().enumerate() {
                sheet.write_string(u32::try_from(r + 1).unwrap_or(u32::MAX), c, v)?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

fn write_row(
    sheet: &mut Worksheet,
    r: u32,
    row: &[Out],
    date_format: &Format,
    decimal_format: &Format,
) -> Result<(), SheetError> {
    for (c, v) in row.iter().enumerate() {
        let c = col_num(c)?;
        match v {
            Out::Empty => {}
            Out::Text(s) => {
                sheet.write_string(r, c, s)?;
            }
            Out::Int(i) => {
                sheet.write_number(r, c, *i as f64)?;
            }
            Out::Number(f) => {
                sheet.write_number_with_format(r, c, *f, decimal_format)?;
            }
            Out::Date(d) => {
                sheet.write_number_with_format(r, c, date_to_excel_serial(*d), date_format)?;
            }
        }
    }
    Ok(())
}

fn col_num(c: usize) -> Result<u16, SheetError> {
    u16::try_from(c).map_err(|_| SheetError::Write(format!("too many columns: {c}")))
}

/// `A`…`Z`, `AA`… for column index `i`.
fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Excel's limits on sheet names: 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn width_of(col: &Column) -> f64 {
    match &col.target {
        Target::RecordId | Target::Base => 38.0,
        Target::Field(f) => match f.kind {
            Kind::Date | Kind::Count | Kind::Quantity => 13.0,
            Kind::LongText => 40.0,
            _ => 24.0,
        },
        _ => 14.0,
    }
}

/// The names the unit lists offer, in Vietnamese order; a unit whose name
/// does not read back as itself is offered by its code.
fn unit_names(org: &Org, units: &UnitIndex) -> Vec<String> {
    let mut names: Vec<String> = org
        .units
        .values()
        .map(|u| units.shown(org, &u.code, u.valid_to.or(u.valid_from)))
        .collect();
    names.sort_by(|a, b| bienphong_domain::text::collate(a, b));
    names.dedup();
    names
}

/// The instructions sheet: how to fill the data sheet, what each column
/// holds, what the sheet leaves out, and an example row.
fn instructions(
    sheet: &mut Worksheet,
    t: RecordType,
    org: &Org,
    units: &UnitIndex,
    columns: &[Column],
    header: &Format,
    date_format: &Format,
) -> Result<(), SheetError> {
    let lang = Lang::Vi;
    let type_name = lang.text(&format!("type-{t}"), &[]);
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 80)?;
    sheet.write_string_with_format(
        0,
        0,
        lang.text("sheet-instructions-title", &[("type", type_name.clone())]),
        header,
    )?;
    let mut r = 2u32;
    for i in 1..=6 {
        sheet.write_string(r, 0, lang.text(&format!("sheet-instructions-{i}"), &[]))?;
        r += 1;
    }
    let left_out = model::left_out(t);
    if !left_out.is_empty() {
        let names: Vec<String> = left_out
            .iter()
            .map(|n| lang.text(&format!("field-{n}"), &[]))
            .collect();
        sheet.write_string(
            r,
            0,
            lang.text(
                "sheet-instructions-left-out",
                &[("lists", names.join(", "))],
            ),
        )?;
        r += 1;
    }
    r += 1;
    sheet.write_string_with_format(r, 0, lang.text("sheet-column", &[]), header)?;
    sheet.write_string_with_format(r, 1, lang.text("sheet-column-holds", &[]), header)?;
    r += 1;
    for col in columns {
        let holds = match &col.target {
            Target::RecordId => lang.text("sheet-holds-record-id", &[]),
            Target::Base => lang.text("sheet-holds-base-revision", &[]),
            Target::Field(f) => {
                let kind = kind_key(f.kind);
                let mut s = lang.text(&format!("sheet-holds-{kind}"), &[]);
                if f.required {
                    s = format!("{} {s}", lang.text("sheet-required", &[]));
                }
                s
            }
            Target::Entry { flat, .. } => match flat.rows {
                // Zero is no entry for a force but refused for a seizure: say so.
                "participants" | "seizures" => {
                    lang.text(&format!("sheet-holds-flat-{}", flat.rows), &[])
                }
                _ => lang.text(&format!("sheet-holds-{}", kind_key(flat.value.kind)), &[]),
            },
            Target::Ignored => String::new(),
            Target::UnitCode(_) => lang.text("sheet-holds-unit-codes", &[]),
        };
        sheet.write_string(r, 0, &col.header)?;
        sheet.write_string(r, 1, holds)?;
        r += 1;
    }
    r += 1;
    sheet.write_string_with_format(r, 0, lang.text("sheet-example", &[]), header)?;
    r += 1;
    for (c, col) in columns.iter().enumerate() {
        sheet.write_string_with_format(r, col_num(c)?, &col.header, header)?;
    }
    let example = example_row(org, units, columns);
    write_row(sheet, r + 1, &example, date_format, date_format)?;
    Ok(())
}

fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "date",
        Kind::Unit => "unit",
        Kind::Units => "units",
        Kind::Codes => "codes",
        Kind::Catalogue(_) => "catalogue",
        Kind::Count => "count",
        Kind::Quantity => "quantity",
        Kind::Money => "money",
        Kind::Text | Kind::LongText | Kind::Record => "text",
        Kind::Choice(_) => "choice",
        Kind::Bool => "bool",
    }
}

/// A plausible row from the organisation's own units and catalogues.
fn example_row(org: &Org, units: &UnitIndex, columns: &[Column]) -> Vec<Out> {
    let date = jiff::civil::date(2024, 3, 5);
    let mut all: Vec<_> = org.units.values().filter(|u| u.valid_on(date)).collect();
    all.sort_by(|a, b| a.code.cmp(&b.code));
    let of_kind = |kinds: &[UnitKind]| {
        all.iter()
            .find(|u| kinds.contains(&u.kind))
            .or(all.first())
            .map(|u| units.shown(org, &u.code, Some(date)))
            .unwrap_or_default()
    };
    let lead = of_kind(&[UnitKind::BorderPost]);
    let commune = of_kind(&[UnitKind::Commune]);
    let mut entries = 0;
    columns
        .iter()
        .map(|col| match &col.target {
            Target::Field(f) => match f.kind {
                Kind::Date if f.required => Out::Date(date),
                Kind::Unit => Out::Text(lead.clone()),
                Kind::Units => Out::Text(commune.clone()),
                Kind::Catalogue(k) => org
                    .catalogue
                    .list(k)
                    .first()
                    .map_or(Out::Empty, |e| Out::Text(e.vi.to_string())),
                Kind::Choice(values) => Out::Text(Lang::Vi.choice(values.first().unwrap_or(&""))),
                Kind::Count if f.required => Out::Int(3),
                Kind::Money => Out::Int(500_000),
                Kind::Text if f.required => Out::Text(Lang::Vi.text("sheet-example-text", &[])),
                _ => Out::Empty,
            },
            Target::Entry { flat, .. } if entries < 2 => {
                entries += 1;
                match flat.value.kind {
                    Kind::Count => Out::Int(if entries == 1 { 6 } else { 3 }),
                    _ => Out::Number(0.43),
                }
            }
            _ => Out::Empty,
        })
        .collect()
}

/// The template of `t` as XLSX.
pub fn template_xlsx(t: RecordType, org: &Org) -> Result<Vec<u8>, SheetError> {
    if !model::has_sheet(t) {
        return Err(SheetError::Unsupported(t));
    }
    let columns = model::columns(t, org, &[]);
    workbook(t, org, &columns, Box::new(std::iter::empty()))
}

/// A record as exported: its id, the revision shown, its content.
pub type Exported = (RecordId, RevisionId, Content);

/// The columns an export of `records` needs: the template's, plus inactive
/// catalogue entries the records still use, and last the (hidden) revision
/// each row shows, which a re-import compares with.
pub fn export_columns(t: RecordType, org: &Org, records: &[Exported]) -> Vec<Column> {
    let (_, flats) = model::sheet_items(t);
    let mut extra = Vec::new();
    for (_, _, content) in records {
        let json: Value = serde_json::from_str(&content.to_json()).unwrap_or_default();
        for flat in &flats {
            for item in json
                .get(flat.rows)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(code) = item.get(flat.key).and_then(Value::as_str)
                    && let Ok(code) = Code::parse(code)
                    && !extra
                        .iter()
                        .any(|(f, c): &(model::Flat, Code)| f.rows == flat.rows && *c == code)
                {
                    extra.push((*flat, code));
                }
            }
        }
    }
    let mut columns = Vec::new();
    // Beside each unit, its codes, for systems that know units by them.
    for col in model::columns(t, org, &extra) {
        let codes = match &col.target {
            Target::Field(f) if matches!(f.kind, Kind::Unit) => Some(Column {
                header: model::unit_code_header(Lang::Vi, f),
                target: Target::UnitCode(*f),
            }),
            _ => None,
        };
        columns.push(col);
        columns.extend(codes);
    }
    columns.push(Column {
        header: Lang::Vi.text("sheet-base-revision", &[]),
        target: Target::Base,
    });
    columns
}

/// `records` as an XLSX workbook in the template's layout.
pub fn export_xlsx(t: RecordType, org: &Org, records: &[Exported]) -> Result<Vec<u8>, SheetError> {
    if !model::has_sheet(t) {
        return Err(SheetError::Unsupported(t));
    }
    let columns = export_columns(t, org, records);
    let units = UnitIndex::new(org);
    let rows = records
        .iter()
        .map(|(id, rev, c)| record_cells(org, &units, &columns, Some(*id), Some(*rev), c));
    workbook(t, org, &columns, Box::new(rows))
}

/// `records` as CSV (UTF-8 with a byte-order mark, comma-separated, dates
/// `DD/MM/YYYY`, decimals with a comma) in the template's layout.
pub fn export_csv(
    t: RecordType,
    org: &Org,
    records: &[Exported],
    out: impl Write,
) -> Result<(), SheetError> {
    if !model::has_sheet(t) {
        return Err(SheetError::Unsupported(t));
    }
    let columns = export_columns(t, org, records);
    let units = UnitIndex::new(org);
    write_csv(
        out,
        columns.iter().map(|c| c.header.clone()).collect(),
        records.iter().map(|(id, rev, c)| {
            record_cells(org, &units, &columns, Some(*id), Some(*rev), c)
                .iter()
                .map(Out::csv_text)
                .collect()
        }),
    )
}

/// A CSV with a byte-order mark (so that Excel reads it as UTF-8).
pub fn write_csv(
    mut out: impl Write,
    headers: Vec<String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), SheetError> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&headers)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The template of `t` as CSV: the header row only.
pub fn template_csv(t: RecordType, org: &Org, out: impl Write) -> Result<(), SheetError> {
    if !model::has_sheet(t) {
        return Err(SheetError::Unsupported(t));
    }
    let columns = model::columns(t, org, &[]);
    write_csv(
        out,
        columns.iter().map(|c| c.header.clone()).collect(),
        std::iter::empty(),
    )
}
