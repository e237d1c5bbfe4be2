//! A reorganisation as one piece of data: merges, splits, renames,
//! re-parentings and abolitions that take effect on one date, checked as a
//! whole against the organisation and turned into ordinary unit and link
//! revisions (docs/org-changes.md). Nothing here does I/O: the caller says
//! how many records refer to each ending unit after its last day.

use crate::Date;
use crate::error::{Problem, ValidationError};
use crate::format;
use crate::org::{AdminCode, Code, Link, LinkKind, Org, Unit, UnitKind};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Every change of one reorganisation, effective on `effective` (the first
/// day of the new organisation; units that end, end the day before).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSet {
    pub effective: Date,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub note: Text,
    pub changes: Vec<Change>,
}

/// One change. Units are named by their own codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A unit that starts on the date, under `parent` if given.
    Create {
        code: Code,
        kind: UnitKind,
        name: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name_en: Option<Text>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<Code>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agency_id: Option<String>,
        /// Its codes in the state's list of administrative units.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        admin_codes: Vec<AdminCode>,
        #[serde(default = "yes")]
        verified: bool,
        #[serde(default, skip_serializing_if = "Text::is_empty")]
        note: Text,
    },
    /// `units` end and `into` (existing, or created in the same set) takes
    /// over: their children and coordination links pass to it.
    Merge { units: Vec<Code>, into: Code },
    /// `unit` ends and the units `into` take over; its children must be
    /// re-parented (or abolished) in the same set.
    Split { unit: Code, into: Vec<Code> },
    /// The unit keeps its code and its history; its name changes (the
    /// earlier name stays in its earlier revisions and in its note).
    Rename {
        unit: Code,
        name: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name_en: Option<Text>,
    },
    /// `unit` leaves its parent in `parent`'s chain (military or civil)
    /// and goes under `parent`.
    Reparent { unit: Code, parent: Code },
    /// `unit` ends; `successors`, if any, take over its records' history.
    Abolish {
        unit: Code,
        #[serde(default)]
        successors: Vec<Code>,
    },
    /// A coordination link (a post and a commune it answers for) from the date.
    Coordinate { from: Code, to: Code },
}

fn yes() -> bool {
    true
}

impl Change {
    pub fn op(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Merge { .. } => "merge",
            Self::Split { .. } => "split",
            Self::Rename { .. } => "rename",
            Self::Reparent { .. } => "reparent",
            Self::Abolish { .. } => "abolish",
            Self::Coordinate { .. } => "coordinate",
        }
    }
}

/// What a change set writes: units as they will be (changed or new), links
/// that end (as they are, and as they will be) and links that start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub units: Vec<Unit>,
    pub new_units: BTreeSet<Code>,
    pub ended_links: Vec<(Link, Link)>,
    pub new_links: Vec<Link>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.writes() == 0
    }

    /// The revisions it writes.
    pub fn writes(&self) -> usize {
        self.units.len() + self.ended_links.len() + self.new_links.len()
    }
}

/// The chain a unit of `kind` hangs in below its parent.
fn chain_of(kind: UnitKind) -> LinkKind {
    if kind.is_military() {
        LinkKind::MilitaryParent
    } else {
        LinkKind::CivilParent
    }
}

fn is_parent_link(k: LinkKind) -> bool {
    matches!(k, LinkKind::MilitaryParent | LinkKind::CivilParent)
}

fn valid_on(from: Option<Date>, to: Option<Date>, d: Date) -> bool {
    from.is_none_or(|f| f <= d) && to.is_none_or(|t| d <= t)
}

/// A working copy of the organisation the changes are laid over, with
/// where each problem was found.
struct Work<'a> {
    before: &'a Org,
    units: BTreeMap<Code, Unit>,
    new_units: BTreeSet<Code>,
    /// Links as they stand (index into `before.links`) and as they will be.
    links: Vec<Link>,
    added: Vec<Link>,
    /// Units that end on the day before the date, by the change that ends them.
    ending: BTreeMap<Code, usize>,
    /// Units given a parent by a `reparent` or `create`.
    reparented: BTreeSet<Code>,
    problems: Vec<ValidationError>,
    effective: Date,
    last: Date,
}

impl<'a> Work<'a> {
    fn problem(&mut self, at: String, p: Problem) {
        self.problems.push(ValidationError::new(at, p));
    }

    fn unit(&self, code: &Code) -> Option<&Unit> {
        self.units.get(code).or_else(|| self.before.unit(code))
    }

    /// `code` names a unit that exists on the date (or is created by the set).
    fn existing(&mut self, at: String, code: &Code) -> bool {
        match self.unit(code) {
            None => {
                self.problem(at, Problem::UnknownUnit(code.to_string()));
                false
            }
            Some(u) if !u.valid_on(self.effective) && !self.new_units.contains(code) => {
                let date = format::date(self.effective);
                self.problem(
                    at,
                    Problem::UnitNotValidOn {
                        code: code.to_string(),
                        date,
                    },
                );
                false
            }
            Some(_) => true,
        }
    }

    /// A unit's value to change (from the working copy).
    fn edit(&mut self, code: &Code) -> Option<&mut Unit> {
        if !self.units.contains_key(code) {
            let u = self.before.unit(code)?.clone();
            self.units.insert(code.clone(), u);
        }
        self.units.get_mut(code)
    }

    /// Ends `code` on the day before the date, with `successors`.
    fn end(&mut self, at: String, i: usize, code: &Code, successors: &[Code]) {
        if !self.existing(at.clone(), code) {
            return;
        }
        if self.ending.insert(code.clone(), i).is_some() {
            self.problem(at.clone(), Problem::Duplicate(code.to_string()));
            return;
        }
        if self.new_units.contains(code) {
            // A unit created on the date cannot end the day before.
            self.problem(at, Problem::DateBefore(format::date(self.effective)));
            return;
        }
        let last = self.last;
        if let Some(u) = self.edit(code) {
            u.valid_to = Some(last);
            for s in successors {
                if !u.successors.contains(s) {
                    u.successors.push(s.clone());
                }
            }
        }
    }

    fn link_valid_on_date(&self, l: &Link) -> bool {
        valid_on(l.valid_from, l.valid_to, self.effective)
    }

    /// Ends every link of `code` (either end) that is valid on the date.
    fn end_links(&mut self, code: &Code) {
        let (effective, last) = (self.effective, self.last);
        for l in &mut self.links {
            if (&l.from == code || &l.to == code) && valid_on(l.valid_from, l.valid_to, effective) {
                l.valid_to = Some(last);
            }
        }
    }

    fn add_link(&mut self, kind: LinkKind, from: &Code, to: &Code) {
        self.add_link_verified(kind, from, to, true);
    }

    /// A link from the date; `verified` as confirmed by a source (a link a
    /// merge hands over is as confirmed as the link it continues).
    fn add_link_verified(&mut self, kind: LinkKind, from: &Code, to: &Code, verified: bool) {
        let exists = self.links.iter().chain(&self.added).any(|l| {
            l.kind == kind && &l.from == from && &l.to == to && self.link_valid_on_date(l)
        });
        if !exists {
            self.added.push(Link {
                kind,
                from: from.clone(),
                to: to.clone(),
                valid_from: Some(self.effective),
                valid_to: None,
                verified,
            });
        }
    }
}

impl ChangeSet {
    /// The units the set ends on the day before its date: the caller counts
    /// the records dated from the date on that still refer to them.
    pub fn ending_units(&self) -> BTreeSet<Code> {
        let mut out = BTreeSet::new();
        for c in &self.changes {
            match c {
                Change::Merge { units, into } => {
                    out.extend(units.iter().filter(|u| *u != into).cloned());
                }
                Change::Split { unit, .. } | Change::Abolish { unit, .. } => {
                    out.insert(unit.clone());
                }
                _ => {}
            }
        }
        out
    }

    /// The revisions the set amounts to over `org`, or every problem with
    /// it, each named by its change (`changes[2].into`). `late_records`
    /// counts, per ending unit, the records dated on or after the date
    /// that refer to it.
    pub fn plan(
        &self,
        org: &Org,
        late_records: &BTreeMap<Code, usize>,
    ) -> Result<Plan, Vec<ValidationError>> {
        let Ok(last) = self.effective.yesterday() else {
            return Err(vec![ValidationError::new(
                "effective",
                Problem::InvalidDate(self.effective.to_string()),
            )]);
        };
        let mut w = Work {
            before: org,
            units: BTreeMap::new(),
            new_units: BTreeSet::new(),
            links: org.links.clone(),
            added: Vec::new(),
            ending: BTreeMap::new(),
            reparented: BTreeSet::new(),
            problems: Vec::new(),
            effective: self.effective,
            last,
        };
        if self.title.as_str().trim().is_empty() {
            w.problem("title".into(), Problem::Empty);
        }
        if self.changes.is_empty() {
            w.problem("changes".into(), Problem::Empty);
        }
        // Units created first, so that the other changes may name them.
        for (i, c) in self.changes.iter().enumerate() {
            if let Change::Create {
                code,
                kind,
                name,
                name_en,
                agency_id,
                admin_codes,
                verified,
                note,
                ..
            } = c
            {
                let at = format!("changes[{i}].code");
                if org.unit(code).is_some() || w.new_units.contains(code) {
                    w.problem(at, Problem::DuplicateUnit(code.to_string()));
                    continue;
                }
                if name.as_str().trim().is_empty() {
                    w.problem(format!("changes[{i}].name"), Problem::Empty);
                }
                w.new_units.insert(code.clone());
                w.units.insert(
                    code.clone(),
                    Unit {
                        code: code.clone(),
                        kind: *kind,
                        name: name.clone(),
                        name_en: name_en.clone(),
                        admin_codes: admin_codes.clone(),
                        agency_id: agency_id.clone().filter(|a| !a.trim().is_empty()),
                        valid_from: Some(self.effective),
                        valid_to: None,
                        successors: Vec::new(),
                        location: None,
                        area: Vec::new(),
                        border: Vec::new(),
                        verified: *verified,
                        note: note.clone(),
                    },
                );
            }
        }
        for (i, c) in self.changes.iter().enumerate() {
            let at = |field: &str| format!("changes[{i}].{field}");
            match c {
                Change::Create { code, parent, .. } => {
                    if let Some(p) = parent
                        && w.new_units.contains(code)
                        && w.existing(at("parent"), p)
                    {
                        let kind = w
                            .unit(code)
                            .map_or(LinkKind::CivilParent, |u| chain_of(u.kind));
                        w.add_link(kind, p, code);
                        w.reparented.insert(code.clone());
                    }
                }
                Change::Merge { units, into } => {
                    if units.is_empty() {
                        w.problem(at("units"), Problem::Empty);
                    }
                    if !w.existing(at("into"), into) {
                        continue;
                    }
                    for (j, u) in units.iter().enumerate().filter(|(_, u)| *u != into) {
                        w.end(
                            format!("changes[{i}].units[{j}]"),
                            i,
                            u,
                            std::slice::from_ref(into),
                        );
                    }
                }
                Change::Split { unit, into } => {
                    if into.len() < 2 {
                        w.problem(at("into"), Problem::Missing);
                    }
                    for (j, p) in into.iter().enumerate() {
                        if p == unit {
                            w.problem(
                                format!("changes[{i}].into[{j}]"),
                                Problem::Duplicate(p.to_string()),
                            );
                        } else {
                            w.existing(format!("changes[{i}].into[{j}]"), p);
                        }
                    }
                    w.end(at("unit"), i, unit, into);
                }
                Change::Abolish { unit, successors } => {
                    for (j, s) in successors.iter().enumerate() {
                        w.existing(format!("changes[{i}].successors[{j}]"), s);
                    }
                    w.end(at("unit"), i, unit, successors);
                }
                Change::Rename {
                    unit,
                    name,
                    name_en,
                } => {
                    if name.as_str().trim().is_empty() {
                        w.problem(at("name"), Problem::Empty);
                    }
                    if !w.existing(at("unit"), unit) {
                        continue;
                    }
                    let date = format::date(w.last);
                    if let Some(u) = w.edit(unit) {
                        let former = format!("Tên đến ngày {date}: {}.", u.name);
                        u.note = if u.note.is_empty() {
                            Text::new(&former)
                        } else {
                            Text::new(&format!("{} {former}", u.note))
                        };
                        u.name = name.clone();
                        if name_en.is_some() {
                            u.name_en = name_en.clone();
                        }
                    }
                }
                Change::Reparent { .. } | Change::Coordinate { .. } => {}
            }
        }
        // Links once every ending unit is known: a new link to a unit that
        // ends is refused, not quietly ended again.
        for (i, c) in self.changes.iter().enumerate() {
            let at = |field: &str| format!("changes[{i}].{field}");
            match c {
                Change::Reparent { unit, parent } => {
                    let ok = w.existing(at("unit"), unit) & w.existing(at("parent"), parent);
                    if !ok {
                        continue;
                    }
                    if w.ending.contains_key(parent) {
                        w.problem(at("parent"), ended(parent, self.effective));
                        continue;
                    }
                    if unit == parent || !w.reparented.insert(unit.clone()) {
                        w.problem(at("unit"), Problem::Duplicate(unit.to_string()));
                        continue;
                    }
                    let kind = w
                        .unit(parent)
                        .map_or(LinkKind::CivilParent, |p| chain_of(p.kind));
                    let (effective, last) = (w.effective, w.last);
                    for l in &mut w.links {
                        if l.kind == kind
                            && &l.to == unit
                            && valid_on(l.valid_from, l.valid_to, effective)
                        {
                            l.valid_to = Some(last);
                        }
                    }
                    w.add_link(kind, parent, unit);
                }
                Change::Coordinate { from, to } => {
                    let ok = w.existing(at("from"), from) & w.existing(at("to"), to);
                    for (field, code) in [("from", from), ("to", to)] {
                        if ok && w.ending.contains_key(code) {
                            w.problem(at(field), ended(code, self.effective));
                        }
                    }
                    if ok && !w.ending.contains_key(from) && !w.ending.contains_key(to) {
                        w.add_link(LinkKind::Coordination, from, to);
                    }
                }
                _ => {}
            }
        }
        // A merge hands the children and coordination partners of the units
        // that end to the unit they went into, unless the set moves them.
        for c in &self.changes {
            if let Change::Merge { units, into } = c {
                for u in units.iter().filter(|u| *u != into) {
                    let links: Vec<Link> = w
                        .links
                        .iter()
                        .filter(|l| (&l.from == u || &l.to == u) && w.link_valid_on_date(l))
                        .cloned()
                        .collect();
                    for l in links {
                        let other = if &l.from == u { &l.to } else { &l.from };
                        if w.ending.contains_key(other) || other == into {
                            continue;
                        }
                        if is_parent_link(l.kind) && &l.from == u {
                            if !w.reparented.contains(other) {
                                w.add_link_verified(l.kind, into, other, l.verified);
                            }
                        } else if l.kind == LinkKind::Coordination {
                            let (from, to) = if &l.from == u {
                                (into, other)
                            } else {
                                (other, into)
                            };
                            w.add_link_verified(l.kind, from, to, l.verified);
                        }
                    }
                }
            }
        }
        let ending: Vec<Code> = w.ending.keys().cloned().collect();
        for code in &ending {
            w.end_links(code);
        }
        orphans(&mut w);
        overlaps(&mut w);
        for (code, i) in &w.ending.clone() {
            if let Some(n) = late_records.get(code).copied().filter(|n| *n > 0) {
                w.problem(
                    format!("changes[{i}]"),
                    Problem::RecordsAfterEnd {
                        code: code.to_string(),
                        count: n,
                        date: format::date(w.last),
                    },
                );
            }
        }
        if !w.problems.is_empty() {
            return Err(w.problems);
        }
        let ended_links = org
            .links
            .iter()
            .zip(&w.links)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        Ok(Plan {
            units: w.units.into_values().collect(),
            new_units: w.new_units,
            ended_links,
            new_links: w.added,
        })
    }
}

fn ended(code: &Code, effective: Date) -> Problem {
    Problem::UnitNotValidOn {
        code: code.to_string(),
        date: format::date(effective),
    }
}

/// A unit that existed the day before with a parent and goes on from the
/// date must have a parent from the date.
fn orphans(w: &mut Work) {
    let (effective, last) = (w.effective, w.last);
    let mut found = Vec::new();
    for u in w.before.units.values() {
        let goes_on = w.unit(&u.code).is_some_and(|x| x.valid_on(effective));
        if !goes_on {
            continue;
        }
        for kind in [LinkKind::MilitaryParent, LinkKind::CivilParent] {
            let had = w.before.links.iter().any(|l| {
                l.kind == kind && l.to == u.code && valid_on(l.valid_from, l.valid_to, last)
            });
            let has = w.links.iter().chain(&w.added).any(|l| {
                l.kind == kind && l.to == u.code && valid_on(l.valid_from, l.valid_to, effective)
            });
            if had && !has {
                found.push(u.code.clone());
            }
        }
    }
    found.dedup();
    for code in found {
        w.problem(
            format!("units.{code}"),
            Problem::Orphan {
                code: code.to_string(),
                date: format::date(effective),
            },
        );
    }
}

/// No two links of the same kind between the same units on the same day.
fn overlaps(w: &mut Work) {
    let all: Vec<&Link> = w.links.iter().chain(&w.added).collect();
    let mut found = Vec::new();
    for (i, a) in all.iter().enumerate() {
        for b in &all[..i] {
            let share = |x: &Link, y: &Link| {
                x.valid_from
                    .is_none_or(|f| y.valid_to.is_none_or(|t| f <= t))
                    && y.valid_from
                        .is_none_or(|f| x.valid_to.is_none_or(|t| f <= t))
            };
            // Only the links the set adds can be new overlaps.
            if i >= w.links.len()
                && a.kind == b.kind
                && a.from == b.from
                && a.to == b.to
                && share(a, b)
            {
                found.push((a.from.clone(), a.to.clone()));
            }
        }
    }
    for (from, to) in found {
        w.problem(
            format!("links.{from}.{to}"),
            Problem::ValidityOverlap {
                code: format!("{from} → {to}"),
            },
        );
    }
}

#[cfg(test)]
mod tests;
