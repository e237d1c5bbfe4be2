//! Importing an official list of administrative codes and agency
//! identifiers: checked as a whole, written in one transaction or not at all.

use crate::{Actor, Result, Service, ServiceError, add_to_org, check_write};
use bienphong_domain::codes::{CodeRow, plan_code_rows};
use bienphong_domain::org::{Code, Unit};
use bienphong_domain::record::RecordType;
use bienphong_domain::{Content, ValidationError};
use bienphong_store::{Store, Write};

/// What an import of codes found and did.
#[derive(Debug, Default)]
pub struct CodesImport {
    /// Every problem of the file; if any, nothing was written.
    pub problems: Vec<ValidationError>,
    /// The units whose codes or agency identifier change (or would, on a
    /// dry run), as they become.
    pub changed: Vec<Unit>,
    /// `line: name` of each row of an official list naming no unit of the
    /// organisation (a commune away from the border), passed over.
    pub skipped: Vec<String>,
    pub written: bool,
}

impl<S: Store> Service<S> {
    /// Lays `rows` over the units' codes: each unit named in the file gets
    /// exactly the codes its rows give, as a new revision of its record
    /// (its history keeps the old codes). All units in one transaction, or
    /// none if any row or the codes together have a problem.
    pub async fn import_unit_codes(
        &self,
        actor: &Actor,
        rows: &[CodeRow],
        dry_run: bool,
    ) -> Result<CodesImport> {
        let org = self.org_shared().await?;
        let (changed, skipped) = match plan_code_rows(&org, rows) {
            Ok(plan) => (plan.changed, plan.skipped),
            Err(problems) => {
                return Ok(CodesImport {
                    problems,
                    ..CodesImport::default()
                });
            }
        };
        if dry_run || changed.is_empty() {
            return Ok(CodesImport {
                changed,
                skipped,
                ..CodesImport::default()
            });
        }
        // Each unit is checked with the others as they will be, so codes
        // passing from one unit to another are not taken for a clash.
        let mut after = (*org).clone();
        for u in &changed {
            add_to_org(&mut after, Content::Unit(u.clone()));
        }
        let records = self.store.structure().await?;
        let mut writes = Vec::with_capacity(changed.len());
        for u in &changed {
            let record = records
                .iter()
                .filter(|r| r.record_type == RecordType::Unit)
                .find(|r| unit_code(&r.content).as_ref() == Some(&u.code))
                .ok_or_else(|| ServiceError::UnknownUnit(u.code.to_string()))?;
            let content = Content::Unit(u.clone());
            check_write(&content, &after, false, actor.now_ms)?;
            writes.push(Write {
                record_id: record.record_id,
                record_type: RecordType::Unit,
                content: Some(content),
                parent: Some(record.revision_id),
                resolves: Vec::new(),
                author: actor.name.clone(),
                created_ms: actor.now_ms,
                revision_id: None,
            });
        }
        self.store
            .commit(writes)
            .await
            .map_err(ServiceError::from)?;
        Ok(CodesImport {
            changed,
            skipped,
            written: true,
            ..CodesImport::default()
        })
    }
}

fn unit_code(content: &str) -> Option<Code> {
    match Content::from_json(RecordType::Unit, content) {
        Ok(Content::Unit(u)) => Some(u.code),
        _ => None,
    }
}
