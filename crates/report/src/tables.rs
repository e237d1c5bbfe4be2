//! The tables of a report, once, for every renderer: Markdown shows them as
//! text, XLSX as cells with numbers as numbers.

use crate::annual::AnnualReview;
use bienphong_domain::format::{decimal, integer};
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Integer(i64),
    Decimal(Decimal),
}

impl Value {
    /// As a Vietnamese report writes it: `1.178`, `0,43`.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Integer(n) => integer(*n),
            Value::Decimal(d) => decimal(*d, false),
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Value::Text(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DataTable {
    /// The sheet's name in a workbook (at most 31 characters).
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl DataTable {
    fn new(name: &'static str, headers: Vec<&'static str>, rows: Vec<Vec<Value>>) -> Self {
        Self {
            name,
            headers,
            rows,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A Markdown table, numbers right-aligned; ends with a newline.
    pub fn markdown(&self) -> String {
        let escape = |s: &str| s.replace('|', "\\|");
        let mut out = format!("| {} |\n|", self.headers.join(" | "));
        for i in 0..self.headers.len() {
            let numeric = self
                .rows
                .first()
                .and_then(|r| r.get(i))
                .is_some_and(Value::is_number);
            out.push_str(if numeric { "---:|" } else { "---|" });
        }
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|v| escape(&v.display())).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The tables of the annual review, in the order the report shows them.
pub struct AnnualTables {
    pub documents: DataTable,
    pub missing_briefings: DataTable,
    pub meetings: DataTable,
    pub patrols: DataTable,
    pub forces: DataTable,
    pub cases: DataTable,
    pub seizures: DataTable,
    pub programmes: DataTable,
}

impl AnnualTables {
    pub fn all(&self) -> [&DataTable; 8] {
        [
            &self.documents,
            &self.missing_briefings,
            &self.meetings,
            &self.patrols,
            &self.forces,
            &self.cases,
            &self.seizures,
            &self.programmes,
        ]
    }
}

pub fn annual_tables(r: &AnnualReview) -> AnnualTables {
    AnnualTables {
        documents: DataTable::new(
            "Văn bản",
            vec!["Loại văn bản", "Số văn bản"],
            r.documents
                .by_type
                .iter()
                .map(|t| vec![text(&t.name), Value::Integer(t.count)])
                .collect(),
        ),
        missing_briefings: DataTable::new(
            "Chưa giao ban",
            vec!["Đơn vị", "Quý"],
            r.briefings
                .missing
                .iter()
                .map(|m| {
                    vec![
                        text(&m.unit.name),
                        Value::Text(format!("Quý {}", m.quarter)),
                    ]
                })
                .collect(),
        ),
        meetings: DataTable::new(
            "Hội nghị, cuộc họp",
            vec!["Loại hội nghị, cuộc họp", "Số cuộc"],
            r.meetings
                .iter()
                .map(|m| vec![text(&m.name), Value::Integer(m.count)])
                .collect(),
        ),
        patrols: DataTable::new(
            "Tuần tra theo đơn vị",
            vec![
                "Đơn vị chủ trì",
                "Số lần",
                "Lượt BĐBP",
                "Lượt lực lượng khác",
            ],
            r.patrols
                .by_lead_unit
                .iter()
                .map(|u| {
                    vec![
                        text(&u.unit.name),
                        Value::Integer(u.count),
                        Value::Integer(u.border_guard_persons),
                        Value::Integer(u.other_persons),
                    ]
                })
                .collect(),
        ),
        forces: DataTable::new(
            "Lực lượng",
            vec!["Lực lượng", "Số lượt"],
            r.patrols
                .by_force
                .iter()
                .map(|f| vec![text(&f.name), Value::Integer(f.persons)])
                .collect(),
        ),
        cases: DataTable::new(
            "Vụ việc",
            vec!["Loại vụ việc", "Số vụ", "Số đối tượng"],
            r.cases
                .by_type
                .iter()
                .map(|t| {
                    vec![
                        text(&t.name),
                        Value::Integer(t.count),
                        Value::Integer(t.subjects),
                    ]
                })
                .collect(),
        ),
        seizures: DataTable::new(
            "Tang vật",
            vec!["Tang vật thu giữ", "Số lượng", "Đơn vị tính"],
            r.seizures
                .iter()
                .map(|s| vec![text(&s.name), Value::Decimal(s.quantity), text(&s.measure)])
                .collect(),
        ),
        programmes: DataTable::new(
            "Chương trình",
            vec![
                "Chương trình",
                "Số đối tượng được hỗ trợ",
                "Mới trong kỳ",
                "Số tiền đã chi (đồng)",
            ],
            r.programmes
                .iter()
                .map(|l| {
                    vec![
                        text(&l.name),
                        Value::Integer(l.beneficiaries),
                        Value::Integer(l.new_beneficiaries),
                        Value::Integer(l.disbursed_dong),
                    ]
                })
                .collect(),
        ),
    }
}

/// The tables of a summary, with this period's and last year's figures side
/// by side.
pub fn summary_tables(s: &crate::summary::Summary) -> Vec<DataTable> {
    vec![
        DataTable::new(
            "Tuần tra theo đơn vị",
            vec![
                "Đơn vị chủ trì",
                "Số lần",
                "Số lần cùng kỳ",
                "Lượt BĐBP",
                "Lượt lực lượng khác",
            ],
            s.patrols
                .by_lead_unit
                .iter()
                .map(|u| {
                    vec![
                        text(&u.unit.name),
                        Value::Integer(u.count.current),
                        Value::Integer(u.count.previous),
                        Value::Integer(u.border_guard_persons.current),
                        Value::Integer(u.other_persons.current),
                    ]
                })
                .collect(),
        ),
        DataTable::new(
            "Vụ việc theo đơn vị",
            vec!["Đơn vị thụ lý", "Số vụ", "Số vụ cùng kỳ", "Số đối tượng"],
            s.cases
                .by_handling_unit
                .iter()
                .map(|u| {
                    vec![
                        text(&u.unit.name),
                        Value::Integer(u.count.current),
                        Value::Integer(u.count.previous),
                        Value::Integer(u.subjects.current),
                    ]
                })
                .collect(),
        ),
        DataTable::new(
            "Vụ việc theo loại",
            vec![
                "Loại vụ việc",
                "Số vụ",
                "Số vụ cùng kỳ",
                "Số đối tượng",
                "Số đối tượng cùng kỳ",
            ],
            s.cases
                .by_type
                .iter()
                .map(|t| {
                    vec![
                        text(&t.name),
                        Value::Integer(t.count.current),
                        Value::Integer(t.count.previous),
                        Value::Integer(t.subjects.current),
                        Value::Integer(t.subjects.previous),
                    ]
                })
                .collect(),
        ),
        DataTable::new(
            "Tang vật",
            vec!["Tang vật thu giữ", "Đơn vị tính", "Kỳ này", "Cùng kỳ"],
            s.seizures
                .iter()
                .map(|z| {
                    vec![
                        text(&z.name),
                        text(&z.measure),
                        Value::Decimal(z.quantity.current),
                        Value::Decimal(z.quantity.previous),
                    ]
                })
                .collect(),
        ),
    ]
}
