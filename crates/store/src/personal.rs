//! Data subjects' requests and erasures of a person's data
//! (docs/adr/0020-data-subjects-and-erasure.md): the register of requests,
//! the restricted revisions a person is looked for in, and the erasure
//! itself — a new revision without the person and the person cleared from
//! the content of the record's earlier revisions, in one transaction, with
//! a note of it that holds no content.

use crate::builder::Sql;
use crate::sql::{
    Extras, REVISION_COLUMNS, SqlStore, is_retryable, parse_id, parse_type, revision_from_row,
};
use crate::{Result, StoreError, Write};
use bienphong_domain::{RecordId, RecordType, Revision, RevisionId};
use sqlx::{AnyConnection, Row};
use std::future::Future;
use std::time::Duration;

/// One request of a data subject, as the register keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectRequest {
    pub id: String,
    /// The person, as they named themselves.
    pub person: String,
    /// `access`, `correction`, `erasure`, `objection`, `restriction` or
    /// `withdrawal` (of consent).
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// `YYYY-MM-DD`: two working days later.
    pub due_on: String,
    /// `open`, `answered` or `refused`.
    pub state: String,
    /// How it was handled, as the handler wrote it.
    pub note: String,
    pub received_by: String,
    pub received_ms: i64,
    pub handled_by: Option<String>,
    pub handled_ms: Option<i64>,
}

/// That a record's data about a person was erased: which revision did it
/// (the tombstone, or the edit without the person), which earlier
/// revisions had their content cleared, by whom and when. No content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasure {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub revision_id: RevisionId,
    pub cleared: Vec<RevisionId>,
    pub request_id: Option<String>,
    pub actor: String,
    pub at_ms: i64,
}

pub trait PersonalStore: Send + Sync {
    /// Every revision of a restricted record (case subjects, beneficiaries),
    /// in the order received: where a person is looked for.
    fn restricted_revisions(&self) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    fn add_subject_request(&self, r: &SubjectRequest) -> impl Future<Output = Result<()>> + Send;

    /// The register, by due day then when received.
    fn subject_requests(&self) -> impl Future<Output = Result<Vec<SubjectRequest>>> + Send;

    /// Records how a request was handled; false if there is no such request.
    fn handle_subject_request(
        &self,
        id: &str,
        state: &str,
        note: &str,
        by: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Writes `writes` (each with its revision id given) as
    /// [`crate::Store::commit`] does, replaces the content of the `cleared`
    /// revisions (in the log and in a current row showing them) and notes
    /// each erasure, in one transaction.
    /// `revive`: records deleted before, which the writes revive (cleared)
    /// to delete them again.
    fn erase(
        &self,
        writes: Vec<Write>,
        cleared: Vec<(RevisionId, String)>,
        erasures: Vec<Erasure>,
        revive: Vec<RecordId>,
    ) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    /// On a node: applies erasures the server made — the cleared contents
    /// of the revisions this store holds, and the notes — in one
    /// transaction. An erasure noted already changes nothing. Returns the
    /// revisions whose content changed.
    fn apply_erasures(
        &self,
        cleared: &[Revision],
        erasures: &[Erasure],
    ) -> impl Future<Output = Result<usize>> + Send;

    /// Every erasure noted here, oldest first.
    fn erasures(&self) -> impl Future<Output = Result<Vec<Erasure>>> + Send;

    /// The erasures made by any of `revisions`.
    fn erasures_by(
        &self,
        revisions: &[RevisionId],
    ) -> impl Future<Output = Result<Vec<Erasure>>> + Send;

    /// The attachment records (links to files) that named `record` in any
    /// of their revisions, live or deleted: the files an erasure of the
    /// record takes with it.
    fn links_to(&self, record: RecordId) -> impl Future<Output = Result<Vec<RecordId>>> + Send;
}

/// What an erasure changes besides its new revisions: the revisions whose
/// content is cleared, with what they hold from then on, and its notes.
pub(crate) type Clearing = (Vec<(RevisionId, String)>, Vec<Erasure>);

/// Clears the content of revisions and notes the erasures, inside a
/// transaction (before the erasing revisions are inserted).
pub(crate) async fn clear_in(
    conn: &mut AnyConnection,
    cleared: &[(RevisionId, String)],
    erasures: &[Erasure],
) -> Result<usize> {
    let mut changed = 0;
    for (id, content) in cleared {
        let n = sqlx::query("UPDATE revisions SET content = $1 WHERE id = $2")
            .bind(content.clone())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        changed += n as usize;
        sqlx::query("UPDATE current_records SET content = $1 WHERE revision_id = $2")
            .bind(content.clone())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    for e in erasures {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM erasures WHERE revision_id = $1")
            .bind(e.revision_id.to_string())
            .fetch_one(&mut *conn)
            .await?;
        if known > 0 {
            continue;
        }
        let ids: Vec<String> = e.cleared.iter().map(|id| id.to_string()).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO erasures (record_id, record_type, revision_id, cleared, request_id, actor, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.record_id.to_string())
        .bind(e.record_type.as_str().to_string())
        .bind(e.revision_id.to_string())
        .bind(ids)
        .bind(e.request_id.clone())
        .bind(e.actor.clone())
        .bind(e.at_ms)
        .execute(&mut *conn)
        .await?;
    }
    remove_erased_files(conn, erasures).await?;
    Ok(changed)
}

/// Removes the bytes of the files whose every link was erased: an erased
/// link keeps its hash (which bytes it named, not what they held), and
/// bytes that a link not erased names — the same file attached elsewhere
/// — stay. Runs after the notes are written, so that the links erased now
/// count as erased.
async fn remove_erased_files(conn: &mut AnyConnection, erasures: &[Erasure]) -> Result<()> {
    let mut hashes = std::collections::BTreeSet::new();
    for e in erasures
        .iter()
        .filter(|e| e.record_type == RecordType::Attachment)
    {
        let contents: Vec<String> =
            sqlx::query_scalar("SELECT content FROM revisions WHERE record_id = $1")
                .bind(e.record_id.to_string())
                .fetch_all(&mut *conn)
                .await?;
        for c in contents {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&c)
                && let Some(h) = v.get("hash").and_then(|h| h.as_str())
                && bienphong_domain::attachment::is_hash(h)
            {
                hashes.insert(h.to_string());
            }
        }
    }
    for hash in hashes {
        // The hash is 64 hex digits (checked above): nothing in it is a
        // pattern character.
        let named: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM revisions r WHERE r.record_type = 'attachment' \
             AND r.content LIKE $1 \
             AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.record_id = r.record_id)",
        )
        .bind(format!("%{hash}%"))
        .fetch_one(&mut *conn)
        .await?;
        if named == 0 {
            sqlx::query("DELETE FROM blobs WHERE hash = $1")
                .bind(hash)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

fn erasure_from_row(row: &sqlx::any::AnyRow) -> Result<Erasure> {
    let ids: Vec<String> = serde_json::from_str(row.try_get("cleared")?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Erasure {
        record_id: parse_id(row.try_get("record_id")?)?,
        record_type: parse_type(row.try_get("record_type")?)?,
        revision_id: parse_id(row.try_get("revision_id")?)?,
        cleared: ids.iter().map(|s| parse_id(s)).collect::<Result<_>>()?,
        request_id: row.try_get("request_id")?,
        actor: row.try_get("actor")?,
        at_ms: row.try_get("at_ms")?,
    })
}

const ERASURE_COLUMNS: &str =
    "record_id, record_type, revision_id, cleared, request_id, actor, at_ms";

const REQUEST_COLUMNS: &str = "id, person, kind, received_on, due_on, state, note, received_by, \
     received_ms, handled_by, handled_ms";

impl PersonalStore for SqlStore {
    async fn restricted_revisions(&self) -> Result<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE record_type IN ('case_subjects', 'beneficiary') ORDER BY seq"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(revision_from_row)
            .collect()
    }

    async fn add_subject_request(&self, r: &SubjectRequest) -> Result<()> {
        sqlx::query(
            "INSERT INTO subject_requests (id, person, kind, received_on, due_on, state, note, \
             received_by, received_ms, handled_by, handled_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(r.id.clone())
        .bind(r.person.clone())
        .bind(r.kind.clone())
        .bind(r.received_on.clone())
        .bind(r.due_on.clone())
        .bind(r.state.clone())
        .bind(r.note.clone())
        .bind(r.received_by.clone())
        .bind(r.received_ms)
        .bind(r.handled_by.clone())
        .bind(r.handled_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn subject_requests(&self) -> Result<Vec<SubjectRequest>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM subject_requests ORDER BY due_on, received_ms, id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(SubjectRequest {
                    id: row.try_get("id")?,
                    person: row.try_get("person")?,
                    kind: row.try_get("kind")?,
                    received_on: row.try_get("received_on")?,
                    due_on: row.try_get("due_on")?,
                    state: row.try_get("state")?,
                    note: row.try_get("note")?,
                    received_by: row.try_get("received_by")?,
                    received_ms: row.try_get("received_ms")?,
                    handled_by: row.try_get("handled_by")?,
                    handled_ms: row.try_get("handled_ms")?,
                })
            })
            .collect()
    }

    async fn handle_subject_request(
        &self,
        id: &str,
        state: &str,
        note: &str,
        by: &str,
        at_ms: i64,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE subject_requests SET state = $1, note = $2, handled_by = $3, handled_ms = $4 \
             WHERE id = $5",
        )
        .bind(state.to_string())
        .bind(note.to_string())
        .bind(by.to_string())
        .bind(at_ms)
        .bind(id.to_string())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    async fn erase(
        &self,
        writes: Vec<Write>,
        cleared: Vec<(RevisionId, String)>,
        erasures: Vec<Erasure>,
        revive: Vec<RecordId>,
    ) -> Result<Vec<Revision>> {
        if writes.iter().any(|w| w.revision_id.is_none()) {
            return Err(StoreError::Corrupt(
                "an erasure's revisions carry their ids".into(),
            ));
        }
        let extras = Extras {
            erasure: Some((cleared, erasures)),
            restore: revive.into_iter().collect(),
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

    async fn apply_erasures(&self, cleared: &[Revision], erasures: &[Erasure]) -> Result<usize> {
        if cleared.is_empty() && erasures.is_empty() {
            return Ok(0);
        }
        let pairs: Vec<(RevisionId, String)> =
            cleared.iter().map(|r| (r.id, r.content.clone())).collect();
        let mut tx = self.begin().await?;
        let changed = clear_in(&mut tx, &pairs, erasures).await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn erasures(&self) -> Result<Vec<Erasure>> {
        let sql = format!("SELECT {ERASURE_COLUMNS} FROM erasures ORDER BY at_ms, record_id");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(erasure_from_row)
            .collect()
    }

    async fn links_to(&self, record: RecordId) -> Result<Vec<RecordId>> {
        // An attachment's JSON names its record first, as `"record":"ID"`
        // (serde writes the fields in order, without spaces); the id is a
        // UUID, nothing in it a pattern character.
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT record_id FROM revisions WHERE record_type = 'attachment' \
             AND content LIKE $1",
        )
        .bind(format!("%\"record\":\"{record}\"%"))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<RecordId> = ids.iter().map(|s| parse_id(s)).collect::<Result<_>>()?;
        out.sort();
        Ok(out)
    }

    async fn erasures_by(&self, revisions: &[RevisionId]) -> Result<Vec<Erasure>> {
        let mut out = Vec::new();
        for chunk in revisions.chunks(500) {
            let mut q = Sql::new(format!(
                "SELECT {ERASURE_COLUMNS} FROM erasures WHERE revision_id IN ("
            ));
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(self.backend()).fetch_all(self.pool()).await? {
                out.push(erasure_from_row(&row)?);
            }
        }
        Ok(out)
    }
}
