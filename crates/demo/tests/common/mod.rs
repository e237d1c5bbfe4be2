//! Rebuilds the organisation from the structure records in write order and
//! checks every record against it, as the store would.

#![allow(dead_code, reason = "each test file uses part of this module")]

use bienphong_demo::DemoRecord;
use bienphong_domain::catalogue::{CatalogueKind, Role};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::record::RecordType;
use bienphong_domain::validate;
use bienphong_domain::{Content, RecordId};
use std::collections::HashMap;

#[derive(Default)]
pub struct Replay {
    pub org: Org,
    types: HashMap<RecordId, RecordType>,
    units: HashMap<RecordId, Code>,
    links: HashMap<RecordId, usize>,
    markers: HashMap<RecordId, (Code, Code)>,
    entries: HashMap<RecordId, (CatalogueKind, Code)>,
}

impl Replay {
    /// Checks a record being created, then takes it into the organisation.
    pub fn create(&mut self, r: &DemoRecord) -> Result<(), String> {
        let fail = |msg: String| {
            Err(format!(
                "{} {:?}: {msg}",
                r.record_id,
                r.content.record_type()
            ))
        };
        if self.types.contains_key(&r.record_id) {
            return fail("duplicate record id".into());
        }
        if let Some(parent) = r.content.subject_of() {
            let expected = match r.content.record_type() {
                RecordType::CaseSubjects => RecordType::Case,
                _ => RecordType::Programme,
            };
            if self.types.get(&parent) != Some(&expected) {
                return fail(format!("refers to {parent}, not an earlier {expected}"));
            }
        }
        let is_new_unit = matches!(r.content, Content::Unit(_));
        if let Err(e) = validate::check(&r.content, &self.org, is_new_unit) {
            return fail(format!("{e}; {}", r.content.to_json()));
        }
        self.types.insert(r.record_id, r.content.record_type());
        self.apply(r.record_id, &r.content);
        Ok(())
    }

    /// Checks a new revision of an existing record, then applies it.
    pub fn edit(&mut self, id: RecordId, content: &Content) -> Result<(), String> {
        match self.types.get(&id) {
            Some(t) if *t == content.record_type() => {}
            other => {
                return Err(format!(
                    "edit of {id}: record is {other:?}, edit is {:?}",
                    content.record_type()
                ));
            }
        }
        validate::check(content, &self.org, false)
            .map_err(|e| format!("edit of {id}: {e}; {}", content.to_json()))?;
        self.apply(id, content);
        Ok(())
    }

    fn apply(&mut self, id: RecordId, content: &Content) {
        match content {
            Content::Unit(u) => {
                if let Some(old) = self.units.insert(id, u.code.clone()) {
                    self.org.units.remove(&old);
                }
                self.org.units.insert(u.code.clone(), u.clone());
            }
            Content::Link(l) => match self.links.get(&id) {
                Some(&i) => self.org.links[i] = l.clone(),
                None => {
                    self.links.insert(id, self.org.links.len());
                    self.org.links.push(l.clone());
                }
            },
            Content::Marker(m) => {
                let key = (m.post.clone(), m.number.clone());
                if let Some(old) = self.markers.insert(id, key.clone()) {
                    self.org.markers.remove(&old);
                }
                self.org.markers.insert(key, m.clone());
            }
            Content::Catalogue(e) => {
                let key = (e.catalogue, e.code.clone());
                if let Some(old) = self.entries.insert(id, key.clone()) {
                    self.org.catalogue.entries.remove(&old);
                }
                self.org.catalogue.entries.insert(key, e.clone());
            }
            _ => {}
        }
    }

    /// The forces whose lượt count as the Border Guard's.
    pub fn border_guard_forces(&self) -> Vec<Code> {
        self.org
            .catalogue
            .with_role(CatalogueKind::Force, Role::BorderGuard)
            .map(|e| e.code.clone())
            .collect()
    }
}

/// Replays `records` then `edits`, panicking at the first record that fails.
pub fn replay(records: &[DemoRecord], edits: &[(RecordId, Content)]) -> Replay {
    let mut state = Replay::default();
    for r in records {
        if let Err(e) = state.create(r) {
            panic!("{e}");
        }
    }
    for (id, content) in edits {
        if let Err(e) = state.edit(*id, content) {
            panic!("{e}");
        }
    }
    state
}
