//! What imports of spreadsheets leave behind to compare the next import
//! with: for each record, the revision its last import wrote or found equal
//! to its row (its base, docs/adr/0006-sheets.md). Like accounts, this is
//! the installation's own and never synced.

use crate::builder::Sql;
use crate::sql::{CHUNK, Extras, SqlStore, is_retryable, parse_id, revision_from_row};
use crate::{Result, Write};
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
    /// its record. A write following the tombstone of a record in `restore`
    /// brings that record back.
    fn commit_import(
        &self,
        writes: Vec<Write>,
        restore: HashSet<RecordId>,
        confirmed: Vec<(RecordId, RevisionId)>,
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;
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
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

impl ImportStore for SqlStore {
    async fn import_bases(&self, records: &[RecordId]) -> Result<HashMap<RecordId, RevisionId>> {
        let mut out = HashMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut q =
                Sql::new("SELECT record_id, revision_id FROM import_bases WHERE record_id IN (");
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build().fetch_all(self.pool()).await? {
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
    ) -> Result<Vec<Revision>> {
        // Ids drawn before the first attempt, so that a retried commit
        // writes the same revisions and bases.
        for w in &mut writes {
            w.revision_id.get_or_insert_with(RevisionId::default);
        }
        let mut bases = confirmed;
        bases.extend(
            writes
                .iter()
                .filter_map(|w| w.revision_id.map(|r| (w.record_id, r))),
        );
        let extras = Extras {
            restore,
            bases,
            org_change: None,
        };
        let mut attempt = 0;
        loop {
            match self.try_commit_with(writes.clone(), &extras).await {
                Err(e) if is_retryable(&e) && attempt < 8 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(5 << attempt.min(6))).await;
                }
                outcome => return outcome,
            }
        }
    }
}
