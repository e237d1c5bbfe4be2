//! What importing rows does to the store: each row either creates a
//! record, changes one (a new revision), or matches one as it stands. A row
//! with a record id is that record; a row without one is matched by its
//! identity (unit, date, kind, and the unit's own reference number where
//! the record has one), never by its whole content, so a corrected figure
//! updates the record instead of adding a second one.

use crate::error::{RowError, RowProblem};
use crate::model::{Column, Target, UnitIndex};
use crate::parse::{ParsedRow, Rejected, SheetInfo};
use crate::write::{Out, record_cells};
use bienphong_domain::org::Org;
use bienphong_domain::validate::check;
use bienphong_domain::{Content, RecordId, RecordType, RevisionId, ValidationError};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// A record the store holds, as the import finds it by id.
#[derive(Clone, Debug)]
pub enum Found {
    Live {
        revision: RevisionId,
        content: Content,
    },
    Deleted,
    Other(RecordType),
}

#[derive(Clone, Debug)]
pub enum Action {
    Create {
        record_id: RecordId,
        content: Content,
    },
    Update {
        record_id: RecordId,
        parent: RevisionId,
        content: Content,
    },
    Unchanged(RecordId),
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Each row's action: (sheet, row, action).
    pub actions: Vec<(usize, u32, Action)>,
    pub rejected: Vec<Rejected>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What tells a record apart from others of its unit and day: the unit,
/// the date, the kind of record and its own reference where it has one.
pub fn identity(c: &Content) -> String {
    // The organisation's records are named by their codes.
    match c {
        Content::Unit(u) => return format!("unit|{}", u.code),
        Content::Catalogue(e) => return format!("catalogue|{}|{}", e.catalogue.as_str(), e.code),
        Content::Marker(m) => return format!("marker|{}|{}", m.post, m.number),
        Content::Link(l) => {
            return format!(
                "link|{:?}|{}|{}|{}",
                l.kind,
                l.from,
                l.to,
                l.valid_from.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        _ => {}
    }
    let unit = c.units().0.map(|u| u.as_str()).unwrap_or_default();
    let date = c.date().map(|d| d.to_string()).unwrap_or_default();
    let reference = match c {
        Content::Document(d) => d.number.as_str().to_string(),
        Content::Propaganda(p) => p.topic.as_str().to_string(),
        Content::Disaster(d) => d.title.as_str().to_string(),
        _ => String::new(),
    };
    format!(
        "{}|{unit}|{date}|{}|{reference}",
        c.record_type(),
        c.category().unwrap_or_default()
    )
}

/// Decides what each row does. `existing` holds the live records of the
/// type that rows may match by identity (those of the rows' dates);
/// `by_id` what the store holds for each record id the rows name.
pub fn plan(
    org: &Org,
    sheets: &[SheetInfo],
    rows: Vec<ParsedRow>,
    existing: Vec<(RecordId, RevisionId, Content)>,
    by_id: &HashMap<RecordId, Found>,
) -> Plan {
    let named: HashSet<RecordId> = rows.iter().filter_map(|r| r.id).collect();
    let mut live: HashMap<RecordId, (RevisionId, Content)> = HashMap::new();
    let mut by_key: HashMap<String, VecDeque<RecordId>> = HashMap::new();
    let mut existing = existing;
    existing.sort_by_key(|(id, _, _)| *id);
    for (id, rev, content) in existing {
        if !named.contains(&id) {
            by_key.entry(identity(&content)).or_default().push_back(id);
        }
        live.insert(id, (rev, content));
    }
    for (id, found) in by_id {
        if let Found::Live { revision, content } = found {
            live.insert(*id, (*revision, content.clone()));
        }
    }
    let units = UnitIndex::new(org);
    let mut out = Plan::default();
    let mut first_of_id: HashMap<RecordId, (usize, u32)> = HashMap::new();
    for row in rows {
        let sheet = &sheets[row.sheet];
        let reject = |out: &mut Plan, column: String, problem: RowProblem, content: &Content| {
            let columns: Vec<Column> = sheet
                .targets
                .iter()
                .zip(&sheet.headers)
                .map(|(t, h)| Column {
                    header: h.clone(),
                    target: t.clone().unwrap_or(Target::Ignored),
                })
                .collect();
            let cells = record_cells(org, &units, &columns, row.id, content)
                .iter()
                .map(Out::csv_text)
                .collect();
            out.rejected.push(Rejected {
                sheet: row.sheet,
                row: row.row,
                cells,
                errors: vec![RowError {
                    sheet: sheet.name.clone(),
                    row: row.row,
                    column,
                    value: row.id.map(|i| i.to_string()).unwrap_or_default(),
                    problem,
                }],
            });
        };
        let id_column = sheet
            .targets
            .iter()
            .zip(&sheet.headers)
            .find(|(t, _)| matches!(t, Some(Target::RecordId)))
            .map(|(_, h)| h.clone())
            .unwrap_or_default();
        let target = match row.id {
            Some(id) => {
                if let Some((s, r)) = first_of_id.get(&id) {
                    let problem = RowProblem::DuplicateOf {
                        sheet: sheets[*s].name.clone(),
                        row: *r,
                    };
                    reject(&mut out, id_column, problem, &row.content);
                    continue;
                }
                first_of_id.insert(id, (row.sheet, row.row));
                match by_id.get(&id) {
                    Some(Found::Deleted) => {
                        reject(&mut out, id_column, RowProblem::Deleted, &row.content);
                        continue;
                    }
                    Some(Found::Other(t)) => {
                        let problem = RowProblem::WrongType {
                            actual: t.to_string(),
                        };
                        reject(&mut out, id_column, problem, &row.content);
                        continue;
                    }
                    _ => live.get(&id).map(|_| id).ok_or(id),
                }
            }
            None => by_key
                .get_mut(&identity(&row.content))
                .and_then(VecDeque::pop_front)
                .ok_or_else(RecordId::new),
        };
        match target {
            Ok(id) => {
                let Some((rev, current)) = live.get(&id) else {
                    continue;
                };
                match merge(current, &row.content, sheet) {
                    Ok(merged) if &merged == current => {
                        out.unchanged += 1;
                        out.actions
                            .push((row.sheet, row.row, Action::Unchanged(id)));
                    }
                    Ok(merged) => match check(&merged, org, false) {
                        Ok(()) => {
                            out.updated += 1;
                            out.actions.push((
                                row.sheet,
                                row.row,
                                Action::Update {
                                    record_id: id,
                                    parent: *rev,
                                    content: merged,
                                },
                            ));
                        }
                        Err(e) => reject(
                            &mut out,
                            String::new(),
                            RowProblem::Invalid(e.problem),
                            &row.content,
                        ),
                    },
                    Err(e) => reject(
                        &mut out,
                        String::new(),
                        RowProblem::Invalid(e.problem),
                        &row.content,
                    ),
                }
            }
            Err(new_id) => {
                out.created += 1;
                out.actions.push((
                    row.sheet,
                    row.row,
                    Action::Create {
                        record_id: new_id,
                        content: row.content,
                    },
                ));
            }
        }
    }
    out
}

/// The record `current` with what the sheet's columns say laid over it:
/// fields the sheet has no column for (meeting actions, document
/// recipients…) and list entries it has no column for stay as they were.
pub fn merge(
    current: &Content,
    new: &Content,
    sheet: &SheetInfo,
) -> Result<Content, ValidationError> {
    let parse = |c: &Content| -> Map<String, Value> {
        serde_json::from_str(&c.to_json()).unwrap_or_default()
    };
    let mut merged = parse(current);
    let new_json = parse(new);
    for f in sheet.fields() {
        match new_json.get(f.name) {
            Some(v) => {
                merged.insert(f.name.to_string(), v.clone());
            }
            None => {
                merged.remove(f.name);
            }
        }
    }
    let mut lists: HashMap<&str, (&str, HashSet<&str>)> = HashMap::new();
    for (flat, code) in sheet.entries() {
        lists
            .entry(flat.rows)
            .or_insert_with(|| (flat.key, HashSet::new()))
            .1
            .insert(code.as_str());
    }
    for (rows, (key, codes)) in lists {
        let code_of = |v: &Value| v.get(key).and_then(Value::as_str).map(str::to_string);
        let old: Vec<Value> = merged
            .get(rows)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut fresh: Vec<Value> = new_json
            .get(rows)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut list = Vec::new();
        for item in old {
            let code = code_of(&item).unwrap_or_default();
            if !codes.contains(code.as_str()) {
                list.push(item);
            } else if let Some(i) = fresh
                .iter()
                .position(|f| code_of(f).as_deref() == Some(&code))
            {
                list.push(fresh.remove(i));
            }
        }
        list.extend(fresh);
        merged.insert(rows.to_string(), Value::Array(list));
    }
    Content::from_json(current.record_type(), &Value::Object(merged).to_string())
}
