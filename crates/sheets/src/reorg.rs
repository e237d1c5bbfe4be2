//! Reading a reorganisation (a change set, docs/org-changes.md) from JSON,
//! or from CSV or XLSX with one change per row: the columns `effective`,
//! `title`, `op`, `unit`, `target`, `name`, `kind`, `verified`. Codes in
//! `unit` and `target` are separated by `;`.

use crate::error::SheetError;
use crate::read::{Cell, Event, FileKind, read_csv, read_xlsx, sniff};
use bienphong_domain::format::parse_date;
use bienphong_domain::org::{Code, UnitKind};
use bienphong_domain::reorg::{Change, ChangeSet};
use bienphong_domain::text::Text;
use bienphong_domain::{Date, Problem, ValidationError};
use std::io::Cursor;

const COLUMNS: [&str; 8] = [
    "effective",
    "title",
    "op",
    "unit",
    "target",
    "name",
    "kind",
    "verified",
];

/// A change set read from `bytes`: JSON if it starts with `{`, otherwise
/// a sheet. A file that cannot be read at all is a [`SheetError`]; rows
/// that do not make changes are every one named.
pub fn read_change_set(
    bytes: &[u8],
) -> Result<Result<ChangeSet, Vec<ValidationError>>, SheetError> {
    let text_start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    if text_start.and_then(|i| bytes.get(i)) == Some(&b'{') {
        return Ok(serde_json::from_slice::<ChangeSet>(bytes).map_err(|e| {
            vec![ValidationError::new(
                "file",
                Problem::MalformedJson(e.to_string()),
            )]
        }));
    }
    let mut rows: Vec<(usize, [String; 8])> = Vec::new();
    let mut header: Option<[Option<usize>; 8]> = None;
    let mut sheet: Option<String> = None;
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
                    let found = COLUMNS.map(|c| {
                        cells
                            .iter()
                            .position(|cell| cell.text().trim().eq_ignore_ascii_case(c))
                    });
                    if let Some(i) = [0, 2, 3].into_iter().find(|i| found[*i].is_none()) {
                        return Err(SheetError::MissingColumn {
                            sheet: sheet.clone().unwrap_or_default(),
                            column: COLUMNS[i].into(),
                        });
                    }
                    header = Some(found);
                }
                Some(at) => {
                    let text = |i: usize| {
                        at[i]
                            .and_then(|c| cells.get(c))
                            .map(|c| c.text().trim().to_string())
                            .unwrap_or_default()
                    };
                    rows.push((line as usize, std::array::from_fn(text)));
                }
            },
        }
        Ok(())
    };
    match sniff(bytes.get(..8).unwrap_or(bytes))? {
        FileKind::Xlsx => read_xlsx(Cursor::new(bytes), &mut visit)?,
        FileKind::Csv => read_csv(bytes, "changes", &mut visit)?,
    }
    Ok(from_rows(&rows))
}

fn codes(s: &str) -> Result<Vec<Code>, Problem> {
    s.split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(Code::parse)
        .collect()
}

fn from_rows(rows: &[(usize, [String; 8])]) -> Result<ChangeSet, Vec<ValidationError>> {
    let mut problems = Vec::new();
    let mut effective: Option<Date> = None;
    let mut title = String::new();
    let mut changes = Vec::new();
    for (line, [eff, t, op, unit, target, name, kind, verified]) in rows {
        let at = |c: &str| format!("{line}:{c}");
        let mut bad = |c: &str, p: Problem| problems.push(ValidationError::new(at(c), p));
        if !eff.is_empty() {
            match parse_date(eff) {
                Ok(d) if effective.is_none_or(|e| e == d) => effective = Some(d),
                Ok(d) => bad(
                    "effective",
                    Problem::UnknownValue {
                        value: d.to_string(),
                        expected: effective.map(|e| e.to_string()).unwrap_or_default(),
                    },
                ),
                Err(p) => bad("effective", p),
            }
        }
        if title.is_empty() {
            title.clone_from(t);
        }
        let (units, targets) = match (codes(unit), codes(target)) {
            (Ok(u), Ok(t)) => (u, t),
            (u, t) => {
                for (c, r) in [("unit", u), ("target", t)] {
                    if let Err(p) = r {
                        bad(c, p);
                    }
                }
                continue;
            }
        };
        let one = |v: &[Code]| v.first().cloned();
        let Some(first) = one(&units) else {
            bad("unit", Problem::Missing);
            continue;
        };
        let change = match op.to_ascii_lowercase().as_str() {
            "create" => {
                let Some(k) = UnitKind::ALL.into_iter().find(|k| k.as_str() == kind) else {
                    let expected = UnitKind::ALL.map(|k| k.as_str()).join(", ");
                    bad(
                        "kind",
                        Problem::UnknownValue {
                            value: kind.clone(),
                            expected,
                        },
                    );
                    continue;
                };
                Change::Create {
                    code: first,
                    kind: k,
                    name: Text::new(name),
                    name_en: None,
                    parent: one(&targets),
                    agency_id: None,
                    admin_codes: Vec::new(),
                    verified: !matches!(
                        verified.to_ascii_lowercase().as_str(),
                        "false" | "no" | "0" | "không"
                    ),
                    note: Text::default(),
                }
            }
            "merge" => match one(&targets) {
                Some(into) => Change::Merge { units, into },
                None => {
                    bad("target", Problem::Missing);
                    continue;
                }
            },
            "split" => Change::Split {
                unit: first,
                into: targets,
            },
            "rename" => Change::Rename {
                unit: first,
                name: Text::new(name),
                name_en: None,
            },
            "reparent" | "coordinate" => {
                let Some(t) = one(&targets) else {
                    bad("target", Problem::Missing);
                    continue;
                };
                if op.eq_ignore_ascii_case("reparent") {
                    Change::Reparent {
                        unit: first,
                        parent: t,
                    }
                } else {
                    Change::Coordinate { from: first, to: t }
                }
            }
            "abolish" => Change::Abolish {
                unit: first,
                successors: targets,
            },
            other => {
                bad(
                    "op",
                    Problem::UnknownValue {
                        value: other.to_string(),
                        expected: "create, merge, split, rename, reparent, abolish, coordinate"
                            .into(),
                    },
                );
                continue;
            }
        };
        changes.push(change);
    }
    let Some(effective) = effective else {
        problems.push(ValidationError::new("effective", Problem::Missing));
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ChangeSet {
        effective,
        title: Text::new(&title),
        note: Text::default(),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_change_set_reads_as_its_json_twin() {
        let csv = "effective,title,op,unit,target,name,kind\n\
                   01/07/2025,Sắp xếp,create,CN,A,Xã mới,commune\n\
                   ,,merge,C1;C2,CN,,\n\
                   ,,abolish,DA,,,\n";
        let set = read_change_set(csv.as_bytes()).unwrap().unwrap();
        let json = serde_json::json!({
            "effective": "2025-07-01", "title": "Sắp xếp",
            "changes": [
                {"op": "create", "code": "CN", "kind": "commune", "name": "Xã mới", "parent": "A"},
                {"op": "merge", "units": ["C1", "C2"], "into": "CN"},
                {"op": "abolish", "unit": "DA"}
            ]
        });
        let twin = read_change_set(json.to_string().as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(set, twin);
    }

    #[test]
    fn every_bad_row_is_named() {
        let csv = "effective,title,op,unit,target,name,kind\n\
                   01/07/2025,x,explode,C1,,,\n\
                   02/07/2025,,merge,C1,,,\n\
                   ,,create,CN,,Xã,town\n";
        let problems = read_change_set(csv.as_bytes()).unwrap().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["2:op", "3:effective", "3:target", "4:kind"]);
    }
}
