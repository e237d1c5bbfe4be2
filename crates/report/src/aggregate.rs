//! The aggregate-only channel: a report as tables of counts and nothing
//! else, fit for the unclassified national reporting system (Decree
//! 09/2019/NĐ-CP takes periodic reports but no classified content). No
//! narrative, no names of people, no case details; small cells suppressed
//! so that no one person or case can be singled out, and the file says so.
//!
//! The rule ([`SUPPRESSION_RULE`]), applied to every table the same way:
//! 1. Only tables of counts go out: the kinds of documents, meetings,
//!    patrols and their forces, cases by type or by unit, people supported
//!    by programme. Tables naming people, the late briefings and the
//!    quantities seized (a quantity can single out one case) stay out.
//! 2. Each table ends with a total row of its columns.
//! 3. Primary suppression: a count from 1 to 4 is shown as `<5`; so is a
//!    total from 1 to 4. A zero is shown: it singles out no one.
//! 4. An amount of money in a row whose count is suppressed is shown as `x`.
//! 5. Complementary suppression: in a column where exactly one cell is
//!    suppressed, the smallest other non-zero cell is shown as `x` too (or,
//!    when there is none, the total), so that no suppressed cell is the
//!    total minus the cells shown.

use crate::output::{Format, Report};
use crate::tables::{DataTable, Value};
use crate::{ReportError, Result};
use serde_json::json;

/// The smallest count shown as it is.
pub const THRESHOLD: i64 = 5;

/// A count below [`THRESHOLD`] as the file shows it.
pub const SMALL: &str = "<5";

/// A cell hidden so that a small one cannot be worked out.
pub const HIDDEN: &str = "x";

/// What the file says about itself: the channel it is made for.
pub const CHANNEL: &str = "Kênh báo cáo: chỉ số liệu tổng hợp, dùng cho Hệ thống thông tin báo cáo quốc gia (Nghị định 09/2019/NĐ-CP), không chứa nội dung mật; không có dữ liệu cá nhân, không có chi tiết vụ việc.";

/// The suppression rule, as the file states it.
pub const SUPPRESSION_RULE: &str = "Quy tắc ẩn số liệu nhỏ: số đếm từ 1 đến 4 ghi \"<5\"; số tiền của dòng có số đếm bị ẩn ghi \"x\"; trong một cột chỉ có một ô bị ẩn thì ẩn thêm ô khác nhỏ nhất (hoặc dòng tổng cộng), ghi \"x\", để không suy ra được ô bị ẩn từ tổng cộng.";

const TOTAL: &str = "Tổng cộng";

/// One table of the channel: which of the report's tables, and which of its
/// columns are money (suppressed with their row's counts).
struct Spec {
    table: DataTable,
    money: &'static [usize],
}

/// The report's tables that are counts, as the channel sends them.
fn count_tables(report: &Report) -> Vec<Spec> {
    match report {
        Report::Annual(a) => {
            let t = crate::tables::annual_tables(a);
            vec![
                Spec {
                    table: t.documents,
                    money: &[],
                },
                Spec {
                    table: t.meetings,
                    money: &[],
                },
                Spec {
                    table: t.patrols,
                    money: &[],
                },
                Spec {
                    table: t.forces,
                    money: &[],
                },
                Spec {
                    table: t.cases,
                    money: &[],
                },
                Spec {
                    table: t.programmes,
                    money: &[3],
                },
            ]
        }
        Report::Summary(s) => crate::tables::summary_tables(s)
            .into_iter()
            // The seizures: quantities, which can single out one case.
            .filter(|t| {
                t.rows
                    .iter()
                    .all(|r| !r.iter().any(|v| matches!(v, Value::Decimal(_))))
            })
            .map(|table| Spec { table, money: &[] })
            .collect(),
    }
}

/// A cell after suppression: its value, or why it is not shown.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Shown(Value),
    Small,
    Hidden,
}

impl Cell {
    fn is_suppressed(&self) -> bool {
        !matches!(self, Cell::Shown(_))
    }

    fn value(self) -> Value {
        match self {
            Cell::Shown(v) => v,
            Cell::Small => Value::Text(SMALL.to_string()),
            Cell::Hidden => Value::Text(HIDDEN.to_string()),
        }
    }
}

/// `table` with its total row and the rule applied.
fn suppressed(table: &DataTable, money: &[usize]) -> DataTable {
    let columns = table.headers.len();
    let numeric = |c: usize| {
        table
            .rows
            .iter()
            .any(|r| matches!(r.get(c), Some(Value::Integer(_))))
    };
    let mut total: Vec<Value> = (0..columns)
        .map(|c| {
            if c == 0 {
                Value::Text(TOTAL.to_string())
            } else if numeric(c) {
                Value::Integer(
                    table
                        .rows
                        .iter()
                        .filter_map(|r| match r.get(c) {
                            Some(Value::Integer(n)) => Some(*n),
                            _ => None,
                        })
                        .sum(),
                )
            } else {
                Value::Text(String::new())
            }
        })
        .collect();
    if table.rows.is_empty() {
        total = Vec::new();
    }
    let small = |v: &Value| matches!(v, Value::Integer(n) if (1..THRESHOLD).contains(n));
    let mut rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .map(|r| {
            let counts_small = r
                .iter()
                .enumerate()
                .any(|(c, v)| !money.contains(&c) && small(v));
            r.iter()
                .enumerate()
                .map(|(c, v)| {
                    if money.contains(&c) {
                        if counts_small {
                            Cell::Hidden
                        } else {
                            Cell::Shown(v.clone())
                        }
                    } else if small(v) {
                        Cell::Small
                    } else {
                        Cell::Shown(v.clone())
                    }
                })
                .collect()
        })
        .collect();
    let mut total: Vec<Cell> = total
        .into_iter()
        .enumerate()
        .map(|(c, v)| {
            if !money.contains(&c) && small(&v) {
                Cell::Small
            } else {
                Cell::Shown(v)
            }
        })
        .collect();
    for c in 0..columns {
        if !numeric(c) || total.get(c).is_none_or(Cell::is_suppressed) {
            continue;
        }
        let suppressed = rows.iter().filter(|r| r[c].is_suppressed()).count();
        if suppressed != 1 {
            continue;
        }
        let other = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r[c] {
                Cell::Shown(Value::Integer(n)) if *n > 0 => Some((*n, i)),
                _ => None,
            })
            .min();
        match other {
            Some((_, i)) => rows[i][c] = Cell::Hidden,
            None => total[c] = Cell::Hidden,
        }
    }
    let mut out: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|r| r.into_iter().map(Cell::value).collect())
        .collect();
    if !total.is_empty() {
        out.push(total.into_iter().map(Cell::value).collect());
    }
    DataTable {
        name: table.name,
        headers: table.headers.clone(),
        rows: out,
    }
}

/// The report's tables for the aggregate-only channel, suppressed.
pub fn aggregate_tables(report: &Report) -> Vec<DataTable> {
    count_tables(report)
        .iter()
        .map(|s| suppressed(&s.table, s.money))
        .collect()
}

/// The title the file gives: the report and its period.
fn title(report: &Report) -> String {
    let period = report.period();
    let scope = match report {
        Report::Annual(a) => a.scope.as_ref().map(|u| u.name.clone()),
        Report::Summary(s) => s.scope.as_ref().map(|u| u.name.clone()),
    };
    let name = match report {
        Report::Annual(a) => format!("Số liệu tổng hợp năm {}", a.year),
        Report::Summary(s) => format!("Số liệu tổng hợp {}", s.name),
    };
    let days = format!(
        "từ ngày {} đến ngày {}",
        bienphong_domain::format::date(period.from),
        bienphong_domain::format::date(period.to)
    );
    match scope {
        Some(unit) => format!("{name} — {unit} ({days})"),
        None => format!("{name} ({days})"),
    }
}

/// The report for the aggregate-only channel in `format` (Markdown, JSON,
/// XLSX or CSV): the statement of the channel and its rule, then the
/// suppressed tables. A DOCX is not made for this channel.
pub fn render_aggregate(report: &Report, format: Format) -> Result<Vec<u8>> {
    render_channel(
        &title(report),
        SUPPRESSION_RULE,
        &aggregate_tables(report),
        format,
    )
}

/// The rule a briefing report's figures follow on the channel.
pub const BRIEFING_RULE: &str = "Quy tắc ẩn số liệu nhỏ: số đếm từ 1 đến 4 ghi \"<5\". Các chỉ tiêu là những đại lượng khác nhau, không có dòng tổng cộng, nên không ô nào suy ra được từ các ô khác. Không kèm phần kết quả, tồn tại, đề xuất, nhiệm vụ chuyển tiếp, văn bản quá hạn và số lượng tang vật thu giữ.";

/// A briefing report's figures as the channel sends them: the counts
/// (patrols and their forces, cases and subjects, documents, propaganda,
/// disaster response), each below the threshold shown as `<5`. The
/// quantities seized stay out (a quantity can single out one case), and so
/// does every text: the narrative, the actions carried over, the overdue
/// documents (their titles and units name cases and people).
pub fn briefing_aggregate_table(view: &crate::briefing::BriefingView) -> DataTable {
    let rows = view
        .figures
        .iter()
        .filter(|f| !f.key.starts_with("seizure"))
        .filter_map(|f| {
            let value = f.value.value();
            // Every figure left is a count; one that is not whole is no
            // count and stays out.
            if !value.fract().is_zero() {
                return None;
            }
            let n = rust_decimal::prelude::ToPrimitive::to_i64(&value)?;
            let cell = if (1..THRESHOLD).contains(&n) {
                Value::Text(SMALL.to_string())
            } else {
                Value::Integer(n)
            };
            Some(vec![Value::Text(f.label.as_str().to_string()), cell])
        })
        .collect();
    DataTable {
        name: "Số liệu",
        headers: vec!["Chỉ tiêu", "Số lượng"],
        rows,
    }
}

/// A unit's briefing report for the aggregate-only channel in `format`
/// (Markdown, JSON, XLSX or CSV), saying so in the file.
pub fn render_briefing_aggregate(
    view: &crate::briefing::BriefingView,
    format: Format,
) -> Result<Vec<u8>> {
    let title = format!(
        "Số liệu tổng hợp báo cáo giao ban {} — {} (từ ngày {} đến ngày {})",
        view.name,
        view.unit.name,
        bienphong_domain::format::date(view.period.from),
        bienphong_domain::format::date(view.period.to)
    );
    render_channel(
        &title,
        BRIEFING_RULE,
        &[briefing_aggregate_table(view)],
        format,
    )
}

/// The file of the channel: `title`, the statement of the channel and
/// `rule`, then `tables`.
fn render_channel(
    title: &str,
    rule: &str,
    tables: &[DataTable],
    format: Format,
) -> Result<Vec<u8>> {
    match format {
        Format::Markdown => {
            let mut out = format!("# {title}\n\n{CHANNEL}\n\n{rule}\n");
            for t in tables.iter().filter(|t| !t.is_empty()) {
                out.push_str(&format!("\n## {}\n\n{}", t.name, t.markdown()));
            }
            Ok(out.into_bytes())
        }
        Format::Json => {
            let cell = |v: &Value| match v {
                Value::Integer(n) => json!(n),
                other => json!(other.display()),
            };
            let value = json!({
                "channel": "aggregate_only",
                "title": title,
                "statement": CHANNEL,
                "suppression_rule": rule,
                "threshold": THRESHOLD,
                "tables": tables.iter().filter(|t| !t.is_empty()).map(|t| json!({
                    "name": t.name,
                    "headers": t.headers,
                    "rows": t.rows.iter().map(|r| r.iter().map(cell).collect::<Vec<_>>()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&value)
                .map(String::into_bytes)
                .map_err(|e| ReportError::Render(e.to_string()))
        }
        Format::Xlsx => {
            let statement = statement_table(title, rule);
            let mut all = vec![&statement];
            all.extend(tables.iter());
            crate::xlsx::tables_to_xlsx(&all)
        }
        Format::Csv => {
            let statement = statement_table(title, rule);
            let mut all = vec![&statement];
            all.extend(tables.iter());
            Ok(crate::xlsx::tables_to_csv(&all))
        }
        Format::Docx => Err(ReportError::Render(
            "the aggregate-only channel is written as md, json, xlsx or csv".into(),
        )),
    }
}

/// The first sheet (or block) of a file of the channel: what it is and the
/// rule its cells follow.
fn statement_table(title: &str, rule: &str) -> DataTable {
    DataTable {
        name: "Kênh báo cáo",
        headers: vec!["Nội dung"],
        rows: vec![
            vec![Value::Text(title.to_string())],
            vec![Value::Text(CHANNEL.to_string())],
            vec![Value::Text(rule.to_string())],
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, i64, i64)]) -> DataTable {
        DataTable {
            name: "t",
            headers: vec!["Loại", "Số vụ", "Số tiền"],
            rows: rows
                .iter()
                .map(|(n, a, b)| {
                    vec![
                        Value::Text((*n).to_string()),
                        Value::Integer(*a),
                        Value::Integer(*b),
                    ]
                })
                .collect(),
        }
    }

    fn shown(t: &DataTable) -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(Value::display).collect())
            .collect()
    }

    #[test]
    fn a_single_small_cell_cannot_be_recovered_from_the_total() {
        let t = suppressed(
            &table(&[("a", 3, 100), ("b", 20, 900), ("c", 40, 1000)]),
            &[2],
        );
        assert_eq!(
            shown(&t),
            [
                ["a", "<5", "x"],
                ["b", "x", "x"],
                ["c", "40", "1.000"],
                ["Tổng cộng", "63", "2.000"],
            ]
        );
    }

    #[test]
    fn with_no_other_cell_the_total_is_hidden_and_small_totals_are_small() {
        let t = suppressed(&table(&[("a", 3, 100), ("b", 0, 0)]), &[2]);
        assert_eq!(shown(&t)[2], ["Tổng cộng", "<5", "x"]);
        let t = suppressed(&table(&[("a", 7, 100), ("b", 0, 0)]), &[]);
        assert_eq!(
            shown(&t),
            [
                ["a", "7", "100"],
                ["b", "0", "0"],
                ["Tổng cộng", "7", "100"]
            ]
        );
        // Two small cells protect each other.
        let t = suppressed(&table(&[("a", 2, 1), ("b", 3, 1), ("c", 9, 9)]), &[]);
        assert_eq!(shown(&t)[2], ["c", "9", "9"]);
    }
}
