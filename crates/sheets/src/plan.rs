//! What importing rows does to the store: each row either creates a
//! record, changes one (a new revision), or matches one as it stands. A row
//! with a record id is that record; a row without one is matched by its
//! identity (unit, date, kind, and the unit's own reference number where
//! the record has one), never by its whole content, so a corrected figure
//! updates the record instead of adding a second one.

use crate::error::{RowError, RowProblem};
use crate::model::{Target, UnitIndex};
use crate::parse::{ParsedRow, Rejected, SheetInfo};
use crate::write::{Out, record_cells};
use bienphong_domain::org::Org;
use bienphong_domain::validate::check;
use bienphong_domain::{Content, RecordId, RecordType, RevisionId, ValidationError};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// A record the store holds, as the import finds it by id.
#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per row of an import, read once: boxing the content buys nothing"
)]
pub enum Found {
    Live {
        revision: RevisionId,
        content: Content,
    },
    /// Deleted; `tombstone` is its head.
    Deleted {
        tombstone: RevisionId,
    },
    Other(RecordType),
}

#[derive(Clone, Debug)]
pub enum Action {
    Create {
        record_id: RecordId,
        content: Content,
    },
    /// The row differs from the record: `content` is the row laid over
    /// it (the file wins), `row` the row as read and `base` the revision
    /// its sheet says it shows. The import decides against the row's base
    /// what is written ([`three_way`]).
    Update {
        record_id: RecordId,
        parent: RevisionId,
        content: Content,
        row: Box<Content>,
        base: Option<RevisionId>,
    },
    /// The sheet's columns equal the record's at `revision`.
    Unchanged {
        record_id: RecordId,
        revision: RevisionId,
    },
    /// The record the row names (by id, or by identity among records an
    /// earlier import wrote) was deleted since.
    Deleted {
        record_id: RecordId,
        tombstone: RevisionId,
        row: Box<Content>,
    },
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Each row's action: (sheet, row, action).
    pub actions: Vec<(usize, u32, Action)>,
    pub rejected: Vec<Rejected>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
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
    plan_with_deleted(org, sheets, rows, existing, by_id, Vec::new())
}

/// [`plan`], where a row without a record id that matches no live record
/// is matched with `deleted` (record, tombstone, content an import wrote):
/// a record deleted since an import is not created again.
pub fn plan_with_deleted(
    org: &Org,
    sheets: &[SheetInfo],
    rows: Vec<ParsedRow>,
    existing: Vec<(RecordId, RevisionId, Content)>,
    by_id: &HashMap<RecordId, Found>,
    deleted: Vec<(RecordId, RevisionId, Content)>,
) -> Plan {
    let mut deleted_by_key: HashMap<String, VecDeque<(RecordId, RevisionId)>> = HashMap::new();
    let mut deleted = deleted;
    deleted.sort_by_key(|(id, _, _)| *id);
    for (id, tombstone, content) in deleted {
        deleted_by_key
            .entry(identity(&content))
            .or_default()
            .push_back((id, tombstone));
    }
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
            let columns = sheet.columns();
            let cells = record_cells(org, &units, &columns, row.id, row.base, content)
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
                    Some(Found::Deleted { tombstone }) => {
                        out.deleted += 1;
                        out.actions.push((
                            row.sheet,
                            row.row,
                            Action::Deleted {
                                record_id: id,
                                tombstone: *tombstone,
                                row: Box::new(row.content),
                            },
                        ));
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
            None => {
                let key = identity(&row.content);
                match by_key.get_mut(&key).and_then(VecDeque::pop_front) {
                    Some(id) => Ok(id),
                    None => {
                        if let Some((id, tombstone)) =
                            deleted_by_key.get_mut(&key).and_then(VecDeque::pop_front)
                        {
                            out.deleted += 1;
                            out.actions.push((
                                row.sheet,
                                row.row,
                                Action::Deleted {
                                    record_id: id,
                                    tombstone,
                                    row: Box::new(row.content),
                                },
                            ));
                            continue;
                        }
                        Err(RecordId::new())
                    }
                }
            }
        };
        match target {
            Ok(id) => {
                let Some((rev, current)) = live.get(&id) else {
                    continue;
                };
                match merge(current, &row.content, sheet) {
                    Ok(merged) if &merged == current => {
                        out.unchanged += 1;
                        out.actions.push((
                            row.sheet,
                            row.row,
                            Action::Unchanged {
                                record_id: id,
                                revision: *rev,
                            },
                        ));
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
                                    row: Box::new(row.content),
                                    base: row.base,
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

/// One column whose value the file and the store see differently: its
/// header, the file's value and the store's, as the sheet writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub column: String,
    pub file: String,
    pub store: String,
}

/// What a row that differs from its record does, against its base.
#[derive(Clone, Debug, PartialEq)]
pub enum ThreeWay {
    /// The columns the file changed since the base, laid over the record
    /// (columns the store changed and the file did not stay as stored).
    /// Boxed: a unit's content, with its area and border, is large.
    Update(Box<Content>),
    /// Only the store changed since the base (a correction on the web):
    /// kept; these are the columns it changed.
    Kept(Vec<Difference>),
    /// Both changed these columns, differently.
    Both { differences: Vec<Difference> },
    /// Nothing to do: the columns agree.
    Same,
}

/// A column's value in a record's JSON: a field, or the amount of one
/// entry of a flattened list. Empty values (null, "", []) are none.
fn column_value(json: &Map<String, Value>, target: &Target) -> Option<Value> {
    let v = match target {
        Target::Field(f) => json.get(f.name).cloned(),
        Target::Entry { flat, code } => json
            .get(flat.rows)
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .find(|i| i.get(flat.key).and_then(Value::as_str) == Some(code.as_str()))
            })
            .and_then(|i| i.get(flat.value.name))
            .cloned(),
        _ => None,
    };
    v.filter(|v| match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    })
}

fn set_column(json: &mut Map<String, Value>, target: &Target, value: Option<Value>) {
    match target {
        Target::Field(f) => match value {
            Some(v) => {
                json.insert(f.name.to_string(), v);
            }
            None => {
                json.remove(f.name);
            }
        },
        Target::Entry { flat, code } => {
            let list = json
                .entry(flat.rows.to_string())
                .or_insert_with(|| Value::Array(vec![]));
            if !list.is_array() {
                *list = Value::Array(vec![]);
            }
            let Some(items) = list.as_array_mut() else {
                return;
            };
            let at = items
                .iter()
                .position(|i| i.get(flat.key).and_then(Value::as_str) == Some(code.as_str()));
            match (at, value) {
                (Some(i), Some(v)) => {
                    if let Some(item) = items[i].as_object_mut() {
                        item.insert(flat.value.name.to_string(), v);
                    }
                }
                (Some(i), None) => {
                    items.remove(i);
                }
                (None, Some(v)) => {
                    let mut item = Map::new();
                    item.insert(flat.key.to_string(), Value::String(code.to_string()));
                    item.insert(flat.value.name.to_string(), v);
                    items.push(Value::Object(item));
                }
                (None, None) => {}
            }
        }
        _ => {}
    }
}

fn json_of(c: &Content) -> Map<String, Value> {
    serde_json::from_str(&c.to_json()).unwrap_or_default()
}

/// The columns of `sheet` that hold a record's values, with their index.
fn value_columns(sheet: &SheetInfo) -> impl Iterator<Item = (usize, &Target)> {
    sheet
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Some(t @ (Target::Field(_) | Target::Entry { .. })) => Some((i, t)),
            _ => None,
        })
}

/// Whether `a` and `b` hold the same values in every column of `sheet`.
pub fn same_in_sheet(sheet: &SheetInfo, a: &Content, b: &Content) -> bool {
    let (a, b) = (json_of(a), json_of(b));
    value_columns(sheet).all(|(_, t)| column_value(&a, t) == column_value(&b, t))
}

/// The base a differing row is compared with, from the record's live
/// revisions (oldest first, `head` among them): the revision the sheet
/// names; else the newest earlier revision whose columns equal the row's
/// (the row is a copy of it, as last month's workbook is of what was
/// imported then); else the revision the last import wrote (`recorded`);
/// else none.
pub fn choose_base<'a>(
    sheet: &SheetInfo,
    row: &Content,
    head: RevisionId,
    history: &'a [(RevisionId, Content)],
    named: Option<RevisionId>,
    recorded: Option<RevisionId>,
) -> Option<&'a Content> {
    let find = |id: RevisionId| history.iter().find(|(r, _)| *r == id).map(|(_, c)| c);
    if let Some(c) = named.and_then(find) {
        return Some(c);
    }
    if let Some((_, c)) = history
        .iter()
        .rev()
        .filter(|(r, _)| *r != head)
        .find(|(_, c)| same_in_sheet(sheet, row, c))
    {
        return Some(c);
    }
    recorded.and_then(find)
}

/// The three-way merge of one row: `row` as the file has it, `current` as
/// the store has it, `base` what both started from (none: the store's
/// record, so that the file's values are corrections of it). Column by
/// column: changed in the file only → the file's value; in the store only
/// → the store's, reported; in both, differently → reported with both.
pub fn three_way(
    org: &Org,
    units: &UnitIndex,
    sheet: &SheetInfo,
    row: &Content,
    current: &Content,
    base: Option<&Content>,
) -> Result<ThreeWay, ValidationError> {
    let (f, h) = (json_of(row), json_of(current));
    let b = base.map(json_of).unwrap_or_else(|| h.clone());
    let mut merged = h.clone();
    let mut from_file = false;
    let (mut kept, mut both) = (Vec::new(), Vec::new());
    for (i, t) in value_columns(sheet) {
        let (fv, hv, bv) = (
            column_value(&f, t),
            column_value(&h, t),
            column_value(&b, t),
        );
        if fv == hv {
            continue;
        }
        if fv == bv {
            kept.push(i);
        } else {
            if hv != bv {
                both.push(i);
            } else {
                from_file = true;
            }
            set_column(&mut merged, t, fv);
        }
    }
    let t = current.record_type();
    let rebuilt =
        |json: Map<String, Value>| Content::from_json(t, &Value::Object(json).to_string());
    let differences = |cols: &[usize]| -> Vec<Difference> {
        let columns = sheet.columns();
        let file = record_cells(org, units, &columns, None, None, row);
        let store = record_cells(org, units, &columns, None, None, current);
        cols.iter()
            .map(|&i| Difference {
                column: sheet.headers.get(i).cloned().unwrap_or_default(),
                file: file.get(i).map(Out::csv_text).unwrap_or_default(),
                store: store.get(i).map(Out::csv_text).unwrap_or_default(),
            })
            .collect()
    };
    if !both.is_empty() {
        return Ok(ThreeWay::Both {
            differences: differences(&both),
        });
    }
    if from_file {
        // The store's own changes stay: only the file's columns are laid
        // over the stored record.
        return Ok(ThreeWay::Update(Box::new(rebuilt(merged)?)));
    }
    if !kept.is_empty() {
        return Ok(ThreeWay::Kept(differences(&kept)));
    }
    Ok(ThreeWay::Same)
}
