//! Reading rows of cells out of an XLSX workbook or a CSV text, one row at
//! a time: a sheet is never held in memory whole.

use crate::error::SheetError;
use bienphong_domain::Date;
use calamine::{DataRef, Reader, Xlsx};
use std::io::{BufRead, BufReader, Read, Seek};

/// One cell as the file holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Number(f64),
    Date(Date),
    Bool(bool),
    /// An error value such as `#REF!`.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person would retype it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Number(f) => number_text(*f),
            Cell::Date(d) => bienphong_domain::format::date(*d),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// The shortest text that reads back as the same floating-point number:
/// what the person typed, for any number with up to 15 significant digits.
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Days from Excel's day 0 (30/12/1899, which makes 1 March 1900 day 61).
pub fn excel_serial_to_date(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts a 29 February 1900 that never was; serials before 61
    // are rare in records and are read as Excel shows them.
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = if days < 61 { days + 1 } else { days };
    epoch.checked_add(jiff::Span::new().days(days)).ok()
}

/// The Excel serial of `d`.
pub fn date_to_excel_serial(d: Date) -> f64 {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = (d - epoch).get_days() as f64;
    if days < 61.0 { days - 1.0 } else { days }
}

/// What a reader reports, sheet by sheet.
pub enum Event<'a> {
    Sheet(&'a str),
    /// A row (1-based number as the spreadsheet shows it) and its cells.
    Row(u32, &'a [Cell]),
}

/// The kind of a file, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
}

pub fn sniff(head: &[u8]) -> Result<FileKind, SheetError> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(FileKind::Xlsx);
    }
    let binary = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || head.starts_with(b"%PDF")
        || head.contains(&0);
    if binary {
        return Err(SheetError::NotASpreadsheet);
    }
    Ok(FileKind::Csv)
}

/// The largest number of columns read from a row (Excel's own limit).
const MAX_COLUMNS: usize = 16_384;

/// Reads every sheet of an XLSX workbook, row by row.
pub fn read_xlsx<R: Read + Seek>(
    reader: R,
    visit: &mut dyn FnMut(Event<'_>) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    let mut book = Xlsx::new(reader).map_err(|e| corrupt(&e))?;
    let names = book.sheet_names();
    for name in names {
        visit(Event::Sheet(&name))?;
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| corrupt(&e))?;
        let mut row: Vec<Cell> = Vec::new();
        let mut current: Option<u32> = None;
        while let Some(cell) = cells.next_cell().map_err(|e| corrupt(&e))? {
            let (r, c) = cell.get_position();
            if current != Some(r) {
                if let Some(prev) = current {
                    visit(Event::Row(prev.saturating_add(1), &row))?;
                }
                row.clear();
                current = Some(r);
            }
            let c = c as usize;
            if c >= MAX_COLUMNS {
                continue;
            }
            let value = from_calamine(cell.get_value());
            if value.is_empty() && c >= row.len() {
                continue;
            }
            if row.len() <= c {
                row.resize(c + 1, Cell::Empty);
            }
            row[c] = value;
        }
        if let Some(prev) = current {
            visit(Event::Row(prev.saturating_add(1), &row))?;
        }
    }
    Ok(())
}

fn corrupt(e: &impl std::fmt::Display) -> SheetError {
    SheetError::Corrupt(e.to_string())
}

fn from_calamine(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
                Ok(date) if (1900..=9999).contains(&y) && dt.as_f64() >= 1.0 => Cell::Date(date),
                _ => Cell::Number(dt.as_f64()),
            }
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| d.parse::<Date>().ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Reads a CSV text (UTF-8, with or without a byte-order mark) as one
/// sheet named `name`. The separator is the one of `,` `;` or tab that the
/// first line uses most (Vietnamese Excel writes `;`), or the one a
/// `sep=;` first line names.
pub fn read_csv<R: Read>(
    reader: R,
    name: &str,
    visit: &mut dyn FnMut(Event<'_>) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    // The byte-order mark.
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let head = reader.fill_buf()?;
    let head_len = head.len();
    let first_line_end = head.iter().position(|b| *b == b'\n').unwrap_or(head_len);
    let first_line = &head[..first_line_end];
    let mut skip_first = false;
    let delimiter = if let Some(rest) = first_line.strip_prefix(b"sep=") {
        skip_first = true;
        rest.first().copied().unwrap_or(b',')
    } else {
        let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
        let mut best = (count(b','), b',');
        for c in [b';', b'\t'] {
            if count(c) > best.0 {
                best = (count(c), c);
            }
        }
        best.1
    };
    let mut first_row = 1;
    if skip_first {
        reader.consume(first_line_end.saturating_add(1).min(head_len));
        first_row = 2;
    }
    visit(Event::Sheet(name))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut cells = Vec::new();
    let mut row: u32 = first_row;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(e.into()),
        }
        cells.clear();
        for field in record.iter().take(MAX_COLUMNS) {
            let text = std::str::from_utf8(field).map_err(|_| SheetError::NotUtf8(row.into()))?;
            cells.push(if text.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(text.to_string())
            });
        }
        visit(Event::Row(row, &cells))?;
        row = row.saturating_add(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of_csv(text: &[u8]) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        read_csv(text, "csv", &mut |e| {
            if let Event::Row(n, cells) = e {
                out.push((n, cells.iter().map(Cell::text).collect()));
            }
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_with_bom_and_semicolons() {
        let rows = rows_of_csv("\u{feff}Ngày;Số người\n05/02/2024;\"1.178\"\n".as_bytes());
        assert_eq!(
            rows[0],
            (1, vec!["Ngày".to_string(), "Số người".to_string()])
        );
        assert_eq!(rows[1].1, vec!["05/02/2024", "1.178"]);
        let rows = rows_of_csv(b"sep=;\na;b\n1,5;2\n");
        assert_eq!(rows[0], (2, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(rows[1].1, vec!["1,5", "2"]);
    }

    #[test]
    fn csv_that_is_not_utf8_is_refused() {
        let err = read_csv(&b"a,b\n\xff\xfe,1\n"[..], "csv", &mut |_| Ok(())).unwrap_err();
        assert!(matches!(err, SheetError::NotUtf8(2)), "{err:?}");
    }

    #[test]
    fn excel_serials_are_days_from_1899_12_30() {
        assert_eq!(
            excel_serial_to_date(45327.0),
            Some(jiff::civil::date(2024, 2, 5))
        );
        assert_eq!(
            excel_serial_to_date(45327.75),
            Some(jiff::civil::date(2024, 2, 5))
        );
        assert_eq!(
            excel_serial_to_date(61.0),
            Some(jiff::civil::date(1900, 3, 1))
        );
        assert_eq!(excel_serial_to_date(-3.0), None);
        assert_eq!(excel_serial_to_date(f64::NAN), None);
        assert_eq!(date_to_excel_serial(jiff::civil::date(2024, 2, 5)), 45327.0);
    }

    #[test]
    fn binary_files_are_not_spreadsheets() {
        assert!(matches!(
            sniff(b"%PDF-1.7"),
            Err(SheetError::NotASpreadsheet)
        ));
        assert!(matches!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(SheetError::NotASpreadsheet)
        ));
        assert_eq!(sniff(b"PK\x03\x04").unwrap(), FileKind::Xlsx);
        assert_eq!(sniff("Ngày,Đơn vị".as_bytes()).unwrap(), FileKind::Csv);
    }
}
