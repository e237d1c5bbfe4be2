//! The tables of a report, once, for every renderer: Markdown shows them as
//! text, XLSX as cells with numbers as numbers.

use crate::annual::AnnualReview;
use bienphong_domain::format::{decimal, integer};
use bienphong_i18n::Lang;
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

    /// As a report in `lang` writes it: `1.178` (vi), `1,178` (en).
    pub fn display_in(&self, lang: Lang) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Integer(n) => crate::words::integer(lang, *n),
            Value::Decimal(d) => crate::words::decimal(lang, *d, false),
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

    /// The table without the units' code columns, for the printed report
    /// (the workbook, the CSV and the JSON keep them).
    pub fn without_codes(mut self) -> Self {
        let keep: Vec<bool> = self
            .headers
            .iter()
            .map(|h| !CODE_HEADERS.contains(h))
            .collect();
        let kept = |cells: Vec<Value>| -> Vec<Value> {
            cells
                .into_iter()
                .zip(&keep)
                .filter_map(|(c, k)| k.then_some(c))
                .collect()
        };
        self.headers.retain(|h| !CODE_HEADERS.contains(h));
        self.rows = self.rows.into_iter().map(kept).collect();
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A Markdown table, numbers right-aligned; ends with a newline.
    pub fn markdown(&self) -> String {
        self.markdown_in(Lang::Vi)
    }

    /// [`Self::markdown`] in English, for the English templates.
    pub fn markdown_en(&self) -> String {
        self.markdown_in(Lang::En)
    }

    /// [`Self::markdown`] in `lang`: its headers and numbers.
    pub fn markdown_in(&self, lang: Lang) -> String {
        let escape = |s: &str| s.replace('|', "\\|");
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|h| crate::words::translated(lang, "rpt-col-", h))
            .collect();
        let mut out = format!("| {} |\n|", headers.join(" | "));
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
            let cells: Vec<String> = row.iter().map(|v| escape(&v.display_in(lang))).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The headers of a unit's codes, beside its name.
const CODE_HEADERS: [&str; 2] = ["Mã hành chính", "Mã định danh"];

/// A unit's name, then its administrative code and agency identifier.
fn unit_cells(u: &crate::annual::UnitRef) -> [Value; 3] {
    [text(&u.name), text(&u.admin_code), text(&u.agency_id)]
}

/// `name`, the code headers, then `rest`.
fn with_codes(name: &'static str, rest: &[&'static str]) -> Vec<&'static str> {
    let mut out = vec![name];
    out.extend(CODE_HEADERS);
    out.extend(rest);
    out
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
    /// Every table without the units' code columns (see
    /// [`DataTable::without_codes`]).
    pub fn without_codes(self) -> Self {
        Self {
            documents: self.documents.without_codes(),
            missing_briefings: self.missing_briefings.without_codes(),
            meetings: self.meetings.without_codes(),
            patrols: self.patrols.without_codes(),
            forces: self.forces.without_codes(),
            cases: self.cases.without_codes(),
            seizures: self.seizures.without_codes(),
            programmes: self.programmes.without_codes(),
        }
    }

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
    annual_tables_in(r, Lang::Vi)
}

/// [`annual_tables`] with the words its cells hold in `lang`.
pub(crate) fn annual_tables_in(r: &AnnualReview, lang: Lang) -> AnnualTables {
    use bienphong_domain::catalogue::CatalogueKind as K;
    // The catalogue's name in `lang`, the Vietnamese where it has none.
    let name = |kind, code: &str, vi: &str| text(r.names.name(lang, kind, code, vi));
    AnnualTables {
        documents: DataTable::new(
            "Văn bản",
            vec!["Loại văn bản", "Số văn bản"],
            r.documents
                .by_type
                .iter()
                .map(|t| {
                    vec![
                        name(K::DocumentType, &t.code, &t.name),
                        Value::Integer(t.count),
                    ]
                })
                .collect(),
        ),
        missing_briefings: DataTable::new(
            "Chưa giao ban",
            with_codes("Đơn vị", &["Quý"]),
            r.briefings
                .missing
                .iter()
                .map(|m| {
                    let mut row = unit_cells(&m.unit).to_vec();
                    row.push(Value::Text(match lang {
                        Lang::Vi => format!("Quý {}", m.quarter),
                        Lang::En => lang.text("rpt-quarter", &[("quarter", m.quarter.to_string())]),
                    }));
                    row
                })
                .collect(),
        ),
        meetings: DataTable::new(
            "Hội nghị, cuộc họp",
            vec!["Loại hội nghị, cuộc họp", "Số cuộc"],
            r.meetings
                .iter()
                .map(|m| {
                    vec![
                        name(K::MeetingType, &m.code, &m.name),
                        Value::Integer(m.count),
                    ]
                })
                .collect(),
        ),
        patrols: DataTable::new(
            "Tuần tra theo đơn vị",
            with_codes(
                "Đơn vị chủ trì",
                &["Số lần", "Lượt BĐBP", "Lượt lực lượng khác"],
            ),
            r.patrols
                .by_lead_unit
                .iter()
                .map(|u| {
                    let mut row = unit_cells(&u.unit).to_vec();
                    row.extend([
                        Value::Integer(u.count),
                        Value::Integer(u.border_guard_persons),
                        Value::Integer(u.other_persons),
                    ]);
                    row
                })
                .collect(),
        ),
        forces: DataTable::new(
            "Lực lượng",
            vec!["Lực lượng", "Số lượt"],
            r.patrols
                .by_force
                .iter()
                .map(|f| vec![name(K::Force, &f.code, &f.name), Value::Integer(f.persons)])
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
                        name(K::CaseType, &t.code, &t.name),
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
                .map(|s| {
                    vec![
                        name(K::SeizedItem, &s.code, &s.name),
                        Value::Decimal(s.quantity),
                        text(r.names.measure(lang, &s.code, &s.measure)),
                    ]
                })
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
                        name(K::Programme, &l.code, &l.name),
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
            with_codes(
                "Đơn vị chủ trì",
                &[
                    "Số lần",
                    "Số lần cùng kỳ",
                    "Lượt BĐBP",
                    "Lượt lực lượng khác",
                ],
            ),
            s.patrols
                .by_lead_unit
                .iter()
                .map(|u| {
                    let mut row = unit_cells(&u.unit).to_vec();
                    row.extend([
                        Value::Integer(u.count.current),
                        Value::Integer(u.count.previous),
                        Value::Integer(u.border_guard_persons.current),
                        Value::Integer(u.other_persons.current),
                    ]);
                    row
                })
                .collect(),
        ),
        DataTable::new(
            "Vụ việc theo đơn vị",
            with_codes("Đơn vị thụ lý", &["Số vụ", "Số vụ cùng kỳ", "Số đối tượng"]),
            s.cases
                .by_handling_unit
                .iter()
                .map(|u| {
                    let mut row = unit_cells(&u.unit).to_vec();
                    row.extend([
                        Value::Integer(u.count.current),
                        Value::Integer(u.count.previous),
                        Value::Integer(u.subjects.current),
                    ]);
                    row
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
