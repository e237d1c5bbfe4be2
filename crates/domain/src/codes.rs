//! An official list of administrative codes laid over the organisation:
//! one row per (unit, code, validity), with the unit's agency identifier.
//! A row names its unit by the unit's own code (column `unit`) or, as the
//! General Statistics Office's lists do, by name, level and the code of
//! the unit above. The rows of a unit replace its codes as a whole; the
//! result is checked with every other unit's codes, and every problem is
//! named at once.

use crate::Date;
use crate::error::{Problem, ValidationError};
use crate::format::parse_date;
use crate::org::{AdminCode, Code, LinkKind, Org, Unit, UnitKind, admin_code_problems};
use crate::period::Period;
use crate::text::search_key;
use std::collections::{BTreeMap, HashMap};

/// One row of a codes file as typed: `unit` (the unit's own code) or
/// `name`, `level` and `parent_code` (as the official lists give them),
/// then `admin_code, valid_from, valid_to, agency_id`; `line` is its line
/// in the file, for messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CodeRow {
    pub line: usize,
    pub unit: String,
    pub name: String,
    pub level: String,
    pub parent_code: String,
    pub admin_code: String,
    pub valid_from: String,
    pub valid_to: String,
    pub agency_id: String,
}

/// What a codes file changes: the units as they will be written, and the
/// rows naming (by name) no unit of the organisation, which an official
/// list of a whole province has for every commune away from the border.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodesPlan {
    pub changed: Vec<Unit>,
    /// `line: name` of each row passed over.
    pub skipped: Vec<String>,
}

/// The units `rows` change, each as it will be written; or every problem
/// of the rows, in the order of the file, then those of the codes together.
pub fn apply_code_rows(org: &Org, rows: &[CodeRow]) -> Result<Vec<Unit>, Vec<ValidationError>> {
    plan_code_rows(org, rows).map(|p| p.changed)
}

/// A unit's name without the word of its level (`Xã`, `Huyện`, `Tỉnh`…),
/// without diacritics or case: how names in an official list and in the
/// organisation are compared.
fn bare_name(name: &str) -> String {
    const LEVELS: [&str; 9] = [
        "thanh pho ",
        "thi tran ",
        "thi xa ",
        "dac khu ",
        "phuong ",
        "huyen ",
        "quan ",
        "tinh ",
        "xa ",
    ];
    let key = search_key(name.trim());
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    LEVELS
        .iter()
        .find_map(|l| key.strip_prefix(l))
        .unwrap_or(&key)
        .to_string()
}

/// The kind of unit a level of the official lists names (`Tỉnh`, `Huyện`,
/// `Xã`…, or the English words); `None` for an empty level.
fn kind_of_level(level: &str) -> Result<Option<UnitKind>, Problem> {
    let key = search_key(level.trim());
    Ok(Some(match key.as_str() {
        "" => return Ok(None),
        "tinh" | "thanh pho trung uong" | "province" => UnitKind::Province,
        "huyen" | "quan" | "thi xa" | "thanh pho" | "district" => UnitKind::District,
        "xa" | "phuong" | "thi tran" | "dac khu" | "commune" => UnitKind::Commune,
        _ => {
            return Err(Problem::UnknownValue {
                value: level.trim().to_string(),
                expected: "Tỉnh, Thành phố Trung ương, Huyện, Quận, Thị xã, Thành phố, Xã, Phường, Thị trấn, Đặc khu".into(),
            });
        }
    }))
}

/// The width of a level's codes in the state's list: a spreadsheet that
/// took `02` or `00715` for a number gives `2` or `715` back.
fn code_width(kind: UnitKind) -> usize {
    match kind {
        UnitKind::Province => 2,
        UnitKind::District => 3,
        _ => 5,
    }
}

/// `typed` with the zeros a spreadsheet dropped put back, if it is all
/// digits and shorter than `width`.
fn padded(typed: &str, width: usize) -> String {
    let t = typed.trim();
    if !t.is_empty() && t.len() < width && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>width$}")
    } else {
        t.to_string()
    }
}

/// The unit a row names by name, level and the code of the unit above:
/// `Ok(None)` if no unit of the organisation is meant.
fn unit_by_name(
    org: &Org,
    row: &CodeRow,
    during: &Period,
    in_file: &HashMap<Code, Code>,
) -> Result<Option<Code>, (&'static str, Problem)> {
    let kind = kind_of_level(&row.level).map_err(|p| ("level", p))?;
    let parent = match row.parent_code.trim() {
        "" => None,
        typed => {
            Code::parse(typed).map_err(|p| ("parent_code", p))?;
            // As typed, or as a province's or a district's code that lost
            // its leading zeros.
            let found = [padded(typed, 0), padded(typed, 2), padded(typed, 3)]
                .iter()
                .find_map(|t| {
                    let code = Code::parse(t).ok()?;
                    in_file.get(&code).cloned().or_else(|| {
                        org.named_unit(t, Some(during))
                            .ok()
                            .filter(|c| org.unit(c).is_some())
                    })
                });
            match found {
                Some(c) => Some(c),
                // Under a unit the organisation does not have.
                None => return Ok(None),
            }
        }
    };
    let name = bare_name(&row.name);
    let mut found: Vec<&Unit> = org
        .units
        .values()
        .filter(|u| match kind {
            Some(k) => u.kind == k,
            None => matches!(
                u.kind,
                UnitKind::Province | UnitKind::District | UnitKind::Commune
            ),
        })
        .filter(|u| during.overlaps(u.valid_from, u.valid_to))
        .filter(|u| bare_name(u.name.as_str()) == name)
        .filter(|u| {
            parent.as_ref().is_none_or(|p| {
                org.links
                    .iter()
                    .any(|l| l.kind == LinkKind::CivilParent && &l.from == p && l.to == u.code)
            })
        })
        .collect();
    found.sort_by(|a, b| a.code.cmp(&b.code));
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.code.clone())),
        many => Err((
            "name",
            Problem::AmbiguousUnit {
                name: row.name.trim().to_string(),
                units: many
                    .iter()
                    .map(|u| u.code.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        )),
    }
}

/// What `rows` change (see [`CodesPlan`]); or every problem of the rows,
/// in the order of the file, then those of the codes together.
pub fn plan_code_rows(org: &Org, rows: &[CodeRow]) -> Result<CodesPlan, Vec<ValidationError>> {
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut edited: BTreeMap<Code, Unit> = BTreeMap::new();
    // Administrative codes the file gives to units, for rows below that
    // name them as the unit above.
    let mut in_file: HashMap<Code, Code> = HashMap::new();
    for row in rows {
        let at = |column: &str| format!("{}:{column}", row.line);
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
        let during = Period {
            from: valid_from.unwrap_or(Date::MIN),
            to: valid_to.unwrap_or(Date::MAX),
        };
        let code = if !row.unit.trim().is_empty() {
            match org.named_unit(&row.unit, Some(&during)) {
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
            }
        } else if !row.name.trim().is_empty() {
            match unit_by_name(org, row, &during, &in_file) {
                Ok(Some(c)) => Some(c),
                Ok(None) => {
                    skipped.push(format!("{}: {}", row.line, row.name.trim()));
                    None
                }
                Err((column, p)) => {
                    problems.push(ValidationError::new(at(column), p));
                    None
                }
            }
        } else {
            problems.push(ValidationError::new(at("unit"), Problem::Missing));
            None
        };
        // A row of an official list (named by name) gets back the zeros
        // a spreadsheet dropped; a code typed beside a unit's own code is
        // taken as typed.
        let width = match code.as_ref().and_then(|c| org.unit(c)) {
            Some(u) if row.unit.trim().is_empty() => code_width(u.kind),
            _ => 0,
        };
        let admin_code = match padded(&row.admin_code, width).as_str() {
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
            in_file.insert(code.clone(), unit.code.clone());
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
    // A unit the file gives no administrative code (a row carrying only
    // its agency identifier) keeps the codes it had: the file's codes
    // replace a unit's codes only where it lists some.
    for unit in edited.values_mut() {
        if unit.admin_codes.is_empty()
            && let Some(before) = org.unit(&unit.code)
        {
            unit.admin_codes = before.admin_codes.clone();
        }
    }
    let others = org.units.values().filter(|u| !edited.contains_key(&u.code));
    problems.extend(admin_code_problems(others.chain(edited.values())));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CodesPlan {
        changed: edited
            .into_values()
            .filter(|u| org.unit(&u.code) != Some(u))
            .collect(),
        skipped,
    })
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
            ..CodeRow::default()
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

    #[test]
    fn a_row_of_an_official_list_names_its_unit_by_name_level_and_the_code_above() {
        let mut o = org(vec![
            unit("HG", r#","admin_codes":[{"code":"02"}]"#),
            unit("H-DV", ""),
            unit("XA-LC", ""),
            unit("XA-LC2", ""),
        ]);
        for u in o.units.values_mut() {
            u.name = crate::text::Text::new(match u.code.as_str() {
                "HG" => "Hà Giang",
                "H-DV" => "Huyện Đồng Văn",
                "XA-LC" => "Xã Lũng Cú",
                _ => "Xã Lũng Cú",
            });
            u.kind = match u.code.as_str() {
                "HG" => UnitKind::Province,
                "H-DV" => UnitKind::District,
                _ => UnitKind::Commune,
            };
        }
        let link = |from: &str, to: &str| crate::org::Link {
            kind: LinkKind::CivilParent,
            from: Code::parse(from).unwrap(),
            to: Code::parse(to).unwrap(),
            valid_from: None,
            valid_to: None,
            verified: true,
        };
        o.links = vec![link("HG", "H-DV"), link("H-DV", "XA-LC")];
        let row = |line, code: &str, name: &str, level: &str, parent: &str| CodeRow {
            line,
            admin_code: code.into(),
            name: name.into(),
            level: level.into(),
            parent_code: parent.into(),
            ..CodeRow::default()
        };
        let plan = plan_code_rows(
            &o,
            &[
                row(2, "026", "Huyện Đồng Văn", "Huyện", "02"),
                row(3, "715", "Xã Lũng Cú", "Xã", "26"),
                row(4, "00718", "Xã Má Lé", "Xã", "026"),
                row(5, "099", "Huyện Khác", "Huyện", "03"),
            ],
        )
        .unwrap();
        let codes: BTreeMap<&str, String> = plan
            .changed
            .iter()
            .map(|u| (u.code.as_str(), u.admin_codes_text()))
            .collect();
        assert_eq!(
            codes,
            BTreeMap::from([("H-DV", "026".to_string()), ("XA-LC", "00715".to_string())])
        );
        assert_eq!(plan.skipped, vec!["4: Xã Má Lé", "5: Huyện Khác"]);

        // Without the code above, two communes of that name: named, refused.
        let problems = plan_code_rows(&o, &[row(2, "00715", "Lũng Cú", "xã", "")]).unwrap_err();
        assert!(
            matches!(&problems[0].problem, Problem::AmbiguousUnit { units, .. } if units == "XA-LC, XA-LC2"),
            "{problems:?}"
        );
        let problems = plan_code_rows(&o, &[row(2, "00715", "Lũng Cú", "thôn", "")]).unwrap_err();
        assert_eq!(problems[0].field, "2:level");
    }
}
