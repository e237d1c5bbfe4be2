//! What imports of spreadsheets leave behind to compare the next import
//! with: for each record, the revision its last import wrote or found equal
//! to its row (its base, docs/adr/0006-sheets.md). Like accounts, this is
//! the installation's own and never synced.

use crate::builder::Sql;
use crate::sql::{
    Backend, CHUNK, SqlStore, is_retryable, parse_id, revision_from_row, set_conflicts, stage,
};
use crate::{AuditEntry, Result, Write};
use bienphong_domain::{RecordId, RecordType, Revision, RevisionId};
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;

/// A record deleted since an import wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedImport {
    pub record_id: RecordId,
    /// Its tombstone (its head).
    pub tombstone: RevisionId,
    /// The revision the last import wrote or matched.
    pub base: Revision,
}

pub trait ImportStore: Send + Sync {
    /// The base each of `records` has, for those that have one.
    fn import_bases(
        &self,
        records: &[RecordId],
    ) -> impl Future<Output = Result<HashMap<RecordId, RevisionId>>> + Send;

    /// Records of `record_type` that are deleted and have a base: what an
    /// import wrote and someone deleted since.
    fn deleted_imports(
        &self,
        record_type: RecordType,
    ) -> impl Future<Output = Result<Vec<DeletedImport>>> + Send;

    /// Writes `writes` as [`crate::Store::commit`] does, in one transaction
    /// that also makes each written revision its record's base, and each of
    /// `confirmed` (records the import found equal to its rows) the base of
    /// its record, and gives each written record its audit entry (when
    /// `audit` says by whom). A write following the tombstone of a record
    /// in `restore` brings that record back. The writes are checked and
    /// applied [`IMPORT_BATCH`] at a time inside the transaction, so that
    /// what it holds in memory is bounded by a batch: all or nothing still.
    /// Returns the written revisions' ids, in write order.
    fn commit_import(
        &self,
        writes: Vec<Write>,
        restore: HashSet<RecordId>,
        confirmed: Vec<(RecordId, RevisionId)>,
        audit: Option<&ImportAudit>,
    ) -> impl Future<Output = Result<Vec<RevisionId>>> + Send;

    /// Up to `limit` bases of records after `after`, by record id: every
    /// base, page by page, for a copy of the store.
    fn import_bases_after(
        &self,
        after: Option<RecordId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(RecordId, RevisionId)>>> + Send;

    /// Sets `bases` as they are, in one transaction (a copy of the store
    /// brings its source's along, so that a re-import after the copy is
    /// still compared with what the last import wrote).
    fn put_import_bases(
        &self,
        bases: &[(RecordId, RevisionId)],
    ) -> impl Future<Output = Result<()>> + Send;
}

/// Writes an import checks and applies at once: its revisions, their
/// derived facts (one addition per key and batch), its audit entries.
pub const IMPORT_BATCH: usize = 5_000;

/// Who an import's audit entries name, and how: each written record gets
/// one, its action (`create`, `update`, `restore`), its type, id and unit,
/// and `<revision><detail_suffix>` as detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportAudit {
    pub at_ms: i64,
    pub actor: String,
    /// Written after the revision id: ` (import)`, and a claimed name.
    pub detail_suffix: String,
}

impl ImportAudit {
    fn entry(&self, w: &Write, revision: RevisionId, restore: &HashSet<RecordId>) -> AuditEntry {
        let action = match w.parent {
            None => "create",
            Some(_) if restore.contains(&w.record_id) => "restore",
            Some(_) => "update",
        };
        AuditEntry {
            seq: 0,
            at_ms: self.at_ms,
            actor: self.actor.clone(),
            action: action.to_string(),
            outcome: "allowed".to_string(),
            record_type: Some(w.record_type.as_str().to_string()),
            record_id: Some(w.record_id.to_string()),
            unit: w
                .content
                .as_ref()
                .and_then(|c| c.units().0)
                .map(|u| u.as_str().to_string()),
            detail: format!("{revision}{}", self.detail_suffix),
            address: None,
        }
    }
}

/// Upserts `bases` (the last pair of a record wins).
pub(crate) async fn set_bases(
    conn: &mut AnyConnection,
    bases: &[(RecordId, RevisionId)],
) -> Result<()> {
    let mut last: HashMap<RecordId, RevisionId> = HashMap::new();
    for (record, revision) in bases {
        last.insert(*record, *revision);
    }
    let mut rows: Vec<(RecordId, RevisionId)> = last.into_iter().collect();
    rows.sort();
    for chunk in rows.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO import_bases (record_id, revision_id) ");
        q.push_values(chunk, |row, (record, revision)| {
            row.push_bind(record.to_string())
                .push_bind(revision.to_string());
        });
        q.push(" ON CONFLICT (record_id) DO UPDATE SET revision_id = excluded.revision_id");
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

impl ImportStore for SqlStore {
    async fn import_bases_after(
        &self,
        after: Option<RecordId>,
        limit: u32,
    ) -> Result<Vec<(RecordId, RevisionId)>> {
        // Record ids are UUIDv7 text of one length: text order is id order.
        let rows = sqlx::query(
            "SELECT record_id, revision_id FROM import_bases WHERE record_id > $1 \
             ORDER BY record_id LIMIT $2",
        )
        .bind(after.map(|a| a.to_string()).unwrap_or_default())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    parse_id(row.try_get("record_id")?)?,
                    parse_id(row.try_get("revision_id")?)?,
                ))
            })
            .collect()
    }

    async fn put_import_bases(&self, bases: &[(RecordId, RevisionId)]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        set_bases(&mut tx, bases).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn import_bases(&self, records: &[RecordId]) -> Result<HashMap<RecordId, RevisionId>> {
        let mut out = HashMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut q =
                Sql::new("SELECT record_id, revision_id FROM import_bases WHERE record_id IN (");
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(self.backend()).fetch_all(self.pool()).await? {
                out.insert(
                    parse_id(row.try_get("record_id")?)?,
                    parse_id(row.try_get("revision_id")?)?,
                );
            }
        }
        Ok(out)
    }

    async fn deleted_imports(&self, record_type: RecordType) -> Result<Vec<DeletedImport>> {
        let rows = sqlx::query(
            "SELECT h.revision_id AS tombstone, r.id, r.record_id, r.record_type, r.parents, \
             r.node_id, r.author, r.created_ms, r.deleted, r.content \
             FROM heads h JOIN import_bases b ON b.record_id = h.record_id \
             JOIN revisions r ON r.id = b.revision_id \
             WHERE h.deleted = 1 AND h.record_type = $1 ORDER BY h.record_id",
        )
        .bind(record_type.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let base = revision_from_row(row)?;
                Ok(DeletedImport {
                    record_id: base.record_id,
                    tombstone: parse_id(row.try_get("tombstone")?)?,
                    base,
                })
            })
            .collect()
    }

    async fn commit_import(
        &self,
        mut writes: Vec<Write>,
        restore: HashSet<RecordId>,
        confirmed: Vec<(RecordId, RevisionId)>,
        audit: Option<&ImportAudit>,
    ) -> Result<Vec<RevisionId>> {
        // Ids drawn before the first attempt, so that a retried commit
        // writes the same revisions and bases.
        for w in &mut writes {
            w.revision_id.get_or_insert_with(RevisionId::default);
        }
        let mut attempt = 0;
        loop {
            match self
                .try_commit_import(&writes, &restore, &confirmed, audit)
                .await
            {
                Err(e) if is_retryable(&e) && attempt < 8 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(5 << attempt.min(6))).await;
                }
                outcome => return outcome,
            }
        }
    }
}

impl SqlStore {
    async fn try_commit_import(
        &self,
        writes: &[Write],
        restore: &HashSet<RecordId>,
        confirmed: &[(RecordId, RevisionId)],
        audit: Option<&ImportAudit>,
    ) -> Result<Vec<RevisionId>> {
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            // Taken before the first batch locks any record, held to the
            // commit: the batches append revisions while later ones still
            // lock records, and the numbering must follow commit order
            // (see `insert_revisions`, which takes it again, harmlessly).
            crate::sql::lock_revision_numbering(&mut tx).await?;
        }
        let mut ids = Vec::with_capacity(writes.len());
        for batch in writes.chunks(IMPORT_BATCH) {
            let staged = stage(
                &mut tx,
                self.backend(),
                crate::Store::node_id(self),
                batch.to_vec(),
                restore,
            )
            .await?;
            set_conflicts(&mut tx, &staged.resolved).await?;
            let entries: Vec<AuditEntry> = match audit {
                Some(a) => batch
                    .iter()
                    .zip(staged.revisions())
                    .map(|(w, r)| a.entry(w, r.id, restore))
                    .collect(),
                None => Vec::new(),
            };
            ids.extend(staged.revisions().iter().map(|r| r.id));
            staged.store(&mut tx, self.backend()).await?;
            crate::accounts::insert_audit_in(&mut tx, &entries).await?;
        }
        let mut bases = confirmed.to_vec();
        bases.extend(
            writes
                .iter()
                .filter_map(|w| w.revision_id.map(|r| (w.record_id, r))),
        );
        set_bases(&mut tx, &bases).await?;
        tx.commit().await?;
        Ok(ids)
    }
}
