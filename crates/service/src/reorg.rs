//! Applying a reorganisation given as one change set: checked as a whole
//! against the organisation and the records, then written in one
//! transaction as ordinary unit and link revisions plus one entry of the
//! organisation's history (docs/org-changes.md).

use crate::{Actor, Result, Service, ServiceError, add_to_org, check_write};
use bienphong_domain::org::{Code, Link};
use bienphong_domain::record::RecordType;
use bienphong_domain::reorg::{ChangeSet, Plan};
use bienphong_domain::scope::Scope;
use bienphong_domain::{Content, Date, Period, RecordId, ValidationError};
use bienphong_store::{ListFilter, OrgChange, OrgChangeStore, Store, Write};
use std::collections::{BTreeMap, BTreeSet};

/// What applying a change set found and did.
#[derive(Debug, Default)]
pub struct ChangeSetOutcome {
    /// Every problem of the set; if any, nothing was written.
    pub problems: Vec<ValidationError>,
    /// The revisions the set amounts to (what a dry run shows).
    pub plan: Plan,
    /// The history entry, once written.
    pub written: Option<OrgChange>,
}

impl<S: Store + OrgChangeStore> Service<S> {
    /// Checks `set` as a whole and, unless `dry_run` or it has problems,
    /// writes it in one transaction.
    pub async fn apply_change_set(
        &self,
        actor: &Actor,
        set: &ChangeSet,
        dry_run: bool,
    ) -> Result<ChangeSetOutcome> {
        // Refused even as a dry run: what the node would show is not what
        // the server would write.
        if self.is_node() {
            return Err(ServiceError::ChangeSetOnNode);
        }
        let org = self.org_shared().await?;
        let late = self
            .late_records(&set.ending_units(), set.effective)
            .await?;
        let plan = match set.plan(&org, &late) {
            Ok(plan) => plan,
            Err(problems) => {
                return Ok(ChangeSetOutcome {
                    problems,
                    ..ChangeSetOutcome::default()
                });
            }
        };
        if dry_run || plan.is_empty() {
            return Ok(ChangeSetOutcome {
                plan,
                ..ChangeSetOutcome::default()
            });
        }
        let mut after = (*org).clone();
        for u in &plan.units {
            add_to_org(&mut after, Content::Unit(u.clone()));
        }
        after.links.extend(plan.new_links.iter().cloned());
        let records = self.store.structure().await?;
        let write = |record_id, content: Content, parent| Write {
            record_id,
            record_type: content.record_type(),
            content: Some(content),
            parent,
            resolves: Vec::new(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        };
        let mut writes = Vec::new();
        for u in &plan.units {
            let content = Content::Unit(u.clone());
            check_write(&content, &after, false, actor.now_ms)?;
            if plan.new_units.contains(&u.code) {
                writes.push(write(RecordId::new(), content, None));
                continue;
            }
            let record = records
                .iter()
                .filter(|r| r.record_type == RecordType::Unit)
                .find(|r| {
                    matches!(Content::from_json(r.record_type, &r.content),
                        Ok(Content::Unit(x)) if x.code == u.code)
                })
                .ok_or_else(|| ServiceError::UnknownUnit(u.code.to_string()))?;
            writes.push(write(record.record_id, content, Some(record.revision_id)));
        }
        // Each ended link is matched to one live link record equal to it.
        let mut used = BTreeSet::new();
        for (before, now) in &plan.ended_links {
            let record = records
                .iter()
                .filter(|r| r.record_type == RecordType::Link && !used.contains(&r.record_id))
                .find(|r| link_of(&r.content).as_ref() == Some(before))
                .ok_or_else(|| ServiceError::Internal(format!("no record of link {before:?}")))?;
            used.insert(record.record_id);
            let content = Content::Link(now.clone());
            check_write(&content, &after, false, actor.now_ms)?;
            writes.push(write(record.record_id, content, Some(record.revision_id)));
        }
        for l in &plan.new_links {
            let content = Content::Link(l.clone());
            check_write(&content, &after, false, actor.now_ms)?;
            writes.push(write(RecordId::new(), content, None));
        }
        let body = serde_json::to_string(set).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let change = OrgChange {
            id: RecordId::new().to_string(),
            effective: set.effective.to_string(),
            title: set.title.to_string(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            body,
            revisions: Vec::new(),
        };
        let revisions = self
            .store
            .commit_org_change(writes, change.clone())
            .await
            .map_err(ServiceError::from)?;
        Ok(ChangeSetOutcome {
            plan,
            written: Some(OrgChange {
                revisions: revisions.iter().map(|r| r.id).collect(),
                ..change
            }),
            ..ChangeSetOutcome::default()
        })
    }

    /// The reorganisations applied here, oldest first.
    pub async fn org_changes(&self) -> Result<Vec<OrgChange>> {
        Ok(self.store.org_changes().await?)
    }

    /// Per unit of `units`, the live records of what happened dated on or
    /// after `from` that name it (as lead or partner).
    async fn late_records(
        &self,
        units: &BTreeSet<Code>,
        from: Date,
    ) -> Result<BTreeMap<Code, usize>> {
        let mut out = BTreeMap::new();
        if units.is_empty() {
            return Ok(out);
        }
        let records = self
            .store
            .list(ListFilter {
                period: Some(Period {
                    from,
                    to: Date::MAX,
                }),
                units: Some(Scope::always(units.iter().cloned())),
                ..ListFilter::default()
            })
            .await?;
        for r in records.iter().filter(|r| !r.record_type.is_structure()) {
            let Ok(content) = Content::from_json(r.record_type, &r.content) else {
                continue;
            };
            let (lead, partners) = content.units();
            let named: BTreeSet<&Code> = lead.into_iter().chain(partners).collect();
            for code in named.into_iter().filter(|c| units.contains(*c)) {
                *out.entry(code.clone()).or_default() += 1;
            }
        }
        Ok(out)
    }
}

fn link_of(content: &str) -> Option<Link> {
    match Content::from_json(RecordType::Link, content) {
        Ok(Content::Link(l)) => Some(l),
        _ => None,
    }
}
