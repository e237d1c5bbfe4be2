//! An official list of administrative codes laid over the organisation:
//! one row per (unit, code, validity), with the unit's agency identifier.
//! The rows of a unit replace its codes as a whole; the result is checked
//! with every other unit's codes, and every problem is named at once.

use crate::error::{Problem, ValidationError};
use crate::format::parse_date;
use crate::org::{AdminCode, Code, Org, Unit, admin_code_problems};
use std::collections::BTreeMap;

/// One row of a codes file as typed: `unit, admin_code, valid_from,
/// valid_to, agency_id`; `line` is its line in the file, for messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeRow {
    pub line: usize,
    pub unit: String,
    pub admin_code: String,
    pub valid_from: String,
    pub valid_to: String,
    pub agency_id: String,
}

/// The units `rows` change, each as it will be written; or every problem
/// of the rows, in the order of the file, then those of the codes together.
pub fn apply_code_rows(org: &Org, rows: &[CodeRow]) -> Result<Vec<Unit>, Vec<ValidationError>> {
    let mut problems = Vec::new();
    let mut edited: BTreeMap<Code, Unit> = BTreeMap::new();
    for row in rows {
        let at = |column: &str| format!("{}:{column}", row.line);
        let code = match org.named_unit(&row.unit, None) {
            Ok(c) if org.unit(&c).is_some() => Some(c),
            Ok(_) => {
                problems.push(ValidationError::new(
                    at("unit"),
                    Problem::UnknownUnit(row.unit.trim().to_string()),
                ));
                None
            }
            Err(p) => {
                problems.push(ValidationError::new(at("unit"), p));
                None
            }
        };
        let date = |column: &str, text: &str, problems: &mut Vec<ValidationError>| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            parse_date(text)
                .map_err(|p| problems.push(ValidationError::new(at(column), p)))
                .ok()
        };
        let valid_from = date("valid_from", &row.valid_from, &mut problems);
        let valid_to = date("valid_to", &row.valid_to, &mut problems);
        let admin_code = match row.admin_code.trim() {
            "" => None,
            typed => match Code::parse(typed) {
                Ok(c) => Some(c),
                Err(p) => {
                    problems.push(ValidationError::new(at("admin_code"), p));
                    None
                }
            },
        };
        let Some(unit) = code.and_then(|c| org.unit(&c)) else {
            continue;
        };
        let unit = edited.entry(unit.code.clone()).or_insert_with(|| Unit {
            admin_codes: Vec::new(),
            ..unit.clone()
        });
        if let Some(code) = admin_code {
            unit.admin_codes.push(AdminCode {
                code,
                valid_from,
                valid_to,
            });
        }
        if !row.agency_id.trim().is_empty() {
            unit.agency_id = Some(row.agency_id.trim().to_string());
        }
    }
    let others = org.units.values().filter(|u| !edited.contains_key(&u.code));
    problems.extend(admin_code_problems(others.chain(edited.values())));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(edited
        .into_values()
        .filter(|u| org.unit(&u.code) != Some(u))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Period;
    use crate::org::UnitKind;

    fn unit(code: &str, json_codes: &str) -> Unit {
        serde_json::from_str(&format!(
            r#"{{"code":"{code}","kind":"commune","name":"Xã {code}"{json_codes}}}"#
        ))
        .unwrap()
    }

    fn org(units: Vec<Unit>) -> Org {
        Org {
            units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
            ..Org::default()
        }
    }

    fn day(s: &str) -> Period {
        let d = parse_date(s).unwrap();
        Period { from: d, to: d }
    }

    #[test]
    fn a_stored_official_code_reads_as_an_administrative_code() {
        let u = unit("HG", r#","official_code":"02""#);
        assert_eq!(u.kind, UnitKind::Commune);
        assert_eq!(u.admin_codes.len(), 1);
        assert_eq!(u.admin_codes[0].code.as_str(), "02");
        let written = serde_json::to_string(&u).unwrap();
        assert!(
            written.contains(r#""admin_codes":[{"code":"02"}]"#),
            "{written}"
        );
        assert!(!written.contains("official_code"));
    }

    #[test]
    fn a_code_names_its_unit_only_while_in_force() {
        let o = org(vec![unit(
            "XA-A",
            r#","admin_codes":[{"code":"90001","valid_to":"2025-06-30"}],"agency_id":"H02.1""#,
        )]);
        let found = |t: &str, p: Option<&Period>| o.named_unit(t, p).unwrap().to_string();
        assert_eq!(found("90001", Some(&day("10/03/2024"))), "XA-A");
        assert_eq!(found("90001", Some(&day("10/03/2026"))), "90001");
        assert_eq!(found("90001", None), "XA-A");
        assert_eq!(found("h02.1", None), "XA-A");
        assert_eq!(found("XA-A", Some(&day("10/03/2026"))), "XA-A");
    }

    #[test]
    fn every_problem_of_a_codes_file_is_named() {
        let o = org(vec![
            unit("XA-A", ""),
            unit("XA-B", r#","admin_codes":[{"code":"7"}]"#),
        ]);
        let row = |line, unit: &str, code: &str, from: &str, to: &str| CodeRow {
            line,
            unit: unit.into(),
            admin_code: code.into(),
            valid_from: from.into(),
            valid_to: to.into(),
            agency_id: String::new(),
        };
        let problems = apply_code_rows(
            &o,
            &[
                row(2, "XA-Z", "1", "", ""),
                row(3, "XA-A", "2", "", "30/06/2025"),
                row(4, "XA-A", "3", "01/06/2025", ""),
                row(5, "XA-A", "7", "32/01/2020", ""),
            ],
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"2:unit"), "{problems:?}");
        assert!(fields.contains(&"5:valid_from"), "{problems:?}");
        assert!(
            problems.iter().any(|p| matches!(&p.problem, Problem::CodesOverlap { code, other } if code == "3" && other == "2")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| matches!(&p.problem, Problem::CodeTaken { code, .. } if code == "7")),
            "{problems:?}"
        );
        let ok = apply_code_rows(&o, &[row(2, "XA-A", "2", "", "30/06/2025")]).unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(
            ok[0]
                .admin_code_on(parse_date("01/01/2025").unwrap())
                .unwrap()
                .as_str(),
            "2"
        );
        assert!(
            ok[0]
                .admin_code_on(parse_date("01/07/2025").unwrap())
                .is_none()
        );
    }
}
