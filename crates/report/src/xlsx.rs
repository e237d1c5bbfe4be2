//! Excel annexes: one sheet per table, Vietnamese headers in bold, the header
//! row frozen, numbers stored as numbers.

use crate::tables::{DataTable, Value};
use crate::{ReportError, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

fn render_error(e: XlsxError) -> ReportError {
    ReportError::Render(e.to_string())
}

/// A workbook with a sheet for each non-empty table.
pub fn tables_to_xlsx(tables: &[&DataTable]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // Dated by the program's clock (injectable), not the machine's: the
    // writer stamps the wall clock otherwise, and the same report from the
    // CLI and the server differed when they fell in different seconds.
    let created = ExcelDateTime::from_timestamp(bienphong_service::now_ms().div_euclid(1000))
        .map_err(render_error)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    // Excel shows numbers with the reader's own separators (1.178 and 0,43
    // in a Vietnamese locale); the cell holds the number itself.
    let whole = Format::new().set_num_format("#,##0");
    let fraction = Format::new().set_num_format("#,##0.######");
    for table in tables.iter().filter(|t| !t.is_empty()) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name).map_err(render_error)?;
        for (col, header) in table.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *header, &bold)
                .map_err(render_error)?;
        }
        for (i, row) in table.rows.iter().enumerate() {
            let r = (i + 1) as u32;
            for (col, value) in row.iter().enumerate() {
                let c = col as u16;
                match value {
                    Value::Text(s) => sheet.write_string(r, c, s),
                    // Counts and đồng are exact in a double up to 2^53.
                    Value::Integer(n) => sheet.write_number_with_format(r, c, *n as f64, &whole),
                    Value::Decimal(d) => sheet.write_number_with_format(
                        r,
                        c,
                        d.to_f64().unwrap_or_default(),
                        &fraction,
                    ),
                }
                .map_err(render_error)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(render_error)?;
        sheet.autofit();
    }
    workbook.save_to_buffer().map_err(render_error)
}

/// A report's tables as one CSV: each table's name on a line of its own,
/// its header row and rows, then an empty line. Decimals are written the
/// Vietnamese way (0,43), counts without grouping.
pub fn tables_to_csv(tables: &[&DataTable]) -> Vec<u8> {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from("\u{feff}");
    for table in tables.iter().filter(|t| !t.rows.is_empty()) {
        out.push_str(&field(table.name));
        out.push_str("\r\n");
        let headers: Vec<String> = table.headers.iter().map(|h| field(h)).collect();
        out.push_str(&headers.join(","));
        out.push_str("\r\n");
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    Value::Text(s) => field(s),
                    Value::Integer(n) => n.to_string(),
                    Value::Decimal(d) => field(&bienphong_domain::format::decimal(*d, false)),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}
