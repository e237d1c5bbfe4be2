//! Reorganisations applied as one change set: the unit and link revisions
//! they write, and one row naming the set and those revisions, in the same
//! transaction (docs/org-changes.md).

use crate::sql::{Extras, SqlStore, is_retryable, parse_id};
use crate::{Result, StoreError, Write};
use bienphong_domain::{Revision, RevisionId};
use sqlx::{AnyConnection, Row};
use std::future::Future;
use std::time::Duration;

/// One reorganisation as the organisation's history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgChange {
    pub id: String,
    /// Its first day, `YYYY-MM-DD`.
    pub effective: String,
    pub title: String,
    pub author: String,
    pub created_ms: i64,
    /// The change set as given (JSON).
    pub body: String,
    /// The revisions it wrote.
    pub revisions: Vec<RevisionId>,
}

pub trait OrgChangeStore: Send + Sync {
    /// Writes `writes` as [`crate::Store::commit`] does and notes `change`
    /// with the revisions written, all in one transaction.
    fn commit_org_change(
        &self,
        writes: Vec<Write>,
        change: OrgChange,
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    /// Every reorganisation applied here, by effective date then when applied.
    fn org_changes(&self) -> impl Future<Output = Result<Vec<OrgChange>>> + Send;

    /// Notes reorganisations applied elsewhere (a node receiving them from
    /// its server with their revisions), each once: one already noted is
    /// left as it is. The number newly noted.
    fn note_org_changes(
        &self,
        changes: Vec<OrgChange>,
    ) -> impl Future<Output = Result<usize>> + Send;
}

pub(crate) async fn note(
    conn: &mut AnyConnection,
    change: &OrgChange,
    revisions: &[Revision],
) -> Result<()> {
    let ids: Vec<RevisionId> = revisions.iter().map(|r| r.id).collect();
    insert(conn, change, &ids, false).await.map(|_| ())
}

/// Inserts one row; one already there is an error, or with `once` is left
/// as it is. The number of rows inserted.
async fn insert(
    conn: &mut AnyConnection,
    change: &OrgChange,
    revisions: &[RevisionId],
    once: bool,
) -> Result<u64> {
    let ids: Vec<String> = revisions.iter().map(ToString::to_string).collect();
    let ids = serde_json::to_string(&ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sql = if once {
        "INSERT INTO org_changes (id, effective, title, author, created_ms, body, revisions) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"
    } else {
        "INSERT INTO org_changes (id, effective, title, author, created_ms, body, revisions) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    };
    let done = sqlx::query(sql)
        .bind(change.id.clone())
        .bind(change.effective.clone())
        .bind(change.title.clone())
        .bind(change.author.clone())
        .bind(change.created_ms)
        .bind(change.body.clone())
        .bind(ids)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

impl OrgChangeStore for SqlStore {
    async fn commit_org_change(
        &self,
        mut writes: Vec<Write>,
        change: OrgChange,
    ) -> Result<Vec<Revision>> {
        // Ids drawn once, so that a retried commit writes the same revisions.
        for w in &mut writes {
            w.revision_id.get_or_insert_with(RevisionId::default);
        }
        let extras = Extras {
            org_change: Some(change),
            ..Extras::default()
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

    async fn note_org_changes(&self, changes: Vec<OrgChange>) -> Result<usize> {
        if changes.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let mut noted = 0;
        for c in &changes {
            noted += insert(&mut tx, c, &c.revisions, true).await?;
        }
        tx.commit().await?;
        Ok(usize::try_from(noted).unwrap_or(usize::MAX))
    }

    async fn org_changes(&self) -> Result<Vec<OrgChange>> {
        let rows = sqlx::query(
            "SELECT id, effective, title, author, created_ms, body, revisions FROM org_changes \
             ORDER BY effective, created_ms, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let ids: Vec<String> = serde_json::from_str(r.try_get("revisions")?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(OrgChange {
                    id: r.try_get("id")?,
                    effective: r.try_get("effective")?,
                    title: r.try_get("title")?,
                    author: r.try_get("author")?,
                    created_ms: r.try_get("created_ms")?,
                    body: r.try_get("body")?,
                    revisions: ids.iter().map(|s| parse_id(s)).collect::<Result<_>>()?,
                })
            })
            .collect()
    }
}
