//! What sync leaves behind for people to look at (docs/sync-protocol.md
//! §10): on a server, each node that synced with it; on a node, how many
//! of its revisions are still to be sent and how many it has received.
//! Like accounts, this is the installation's own and never synced.

use crate::sql::SqlStore;
use crate::{Result, Store};
use bienphong_domain::NodeId;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use std::future::Future;

/// Who synced: the node and the grant of the token it used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerContact {
    pub node_id: NodeId,
    pub unit: String,
    pub role: String,
    pub restricted: bool,
    /// The token as the audit log names it.
    pub actor: String,
    /// The server's clock.
    pub at_ms: i64,
}

/// A node as the server last saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncPeer {
    pub node_id: String,
    pub unit: String,
    pub role: String,
    pub restricted: bool,
    pub actor: String,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub last_pull_ms: Option<i64>,
    /// The `next` of its last pull.
    pub pull_cursor: i64,
    /// Its last pull that answered `more: false`.
    pub last_sync_ms: Option<i64>,
    pub last_push_ms: Option<i64>,
    /// Revisions new to this store that its pushes brought, in total.
    pub revisions_received: i64,
}

pub trait SyncStatusStore: Send + Sync {
    /// A pull answered to `who` up to `cursor`; `complete` when it was the
    /// last page (`more: false`), which makes it the node's last sync.
    fn record_sync_pull(
        &self,
        who: &PeerContact,
        cursor: i64,
        complete: bool,
    ) -> impl Future<Output = Result<()>> + Send;

    /// A push from `who` applied, `received` of its revisions new here.
    fn record_sync_push(
        &self,
        who: &PeerContact,
        received: u64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every node that synced with this store, most recently seen first.
    fn sync_peers(&self) -> impl Future<Output = Result<Vec<SyncPeer>>> + Send;

    /// Revisions written by this store's own node after `after_seq` (on a
    /// node: after its push cursor, those still to be offered).
    fn own_revisions_after(&self, after_seq: i64) -> impl Future<Output = Result<u64>> + Send;

    /// Revisions written by other nodes (on a node: what it has received).
    fn revisions_from_elsewhere(&self) -> impl Future<Output = Result<u64>> + Send;
}

const PEER_COLUMNS: &str = "node_id, unit, role, restricted, actor, first_seen_ms, last_seen_ms, \
     last_pull_ms, pull_cursor, last_sync_ms, last_push_ms, revisions_received";

fn peer_from(row: &AnyRow) -> Result<SyncPeer> {
    Ok(SyncPeer {
        node_id: row.try_get(0)?,
        unit: row.try_get(1)?,
        role: row.try_get(2)?,
        restricted: row.try_get::<i64, _>(3)? != 0,
        actor: row.try_get(4)?,
        first_seen_ms: row.try_get(5)?,
        last_seen_ms: row.try_get(6)?,
        last_pull_ms: row.try_get(7)?,
        pull_cursor: row.try_get(8)?,
        last_sync_ms: row.try_get(9)?,
        last_push_ms: row.try_get(10)?,
        revisions_received: row.try_get(11)?,
    })
}

/// The columns every contact sets, then the ones its kind adds.
const CONTACT_INSERT: &str = "INSERT INTO sync_peers (node_id, unit, role, restricted, actor, \
     first_seen_ms, last_seen_ms";
const CONTACT_UPDATE: &str = "ON CONFLICT (node_id) DO UPDATE SET unit = excluded.unit, \
     role = excluded.role, restricted = excluded.restricted, actor = excluded.actor, \
     last_seen_ms = excluded.last_seen_ms";

/// The query `sql` with the contact's columns bound as $1 to $6.
fn contact_query(sql: String, who: &PeerContact) -> Query<'static, Any, AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(who.node_id.to_string())
        .bind(who.unit.clone())
        .bind(who.role.clone())
        .bind(i64::from(who.restricted))
        .bind(who.actor.clone())
        .bind(who.at_ms)
}

impl SyncStatusStore for SqlStore {
    async fn record_sync_pull(&self, who: &PeerContact, cursor: i64, complete: bool) -> Result<()> {
        let q = format!(
            "{CONTACT_INSERT}, last_pull_ms, pull_cursor, last_sync_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $7, $8) \
             {CONTACT_UPDATE}, last_pull_ms = excluded.last_pull_ms, \
             pull_cursor = excluded.pull_cursor, \
             last_sync_ms = COALESCE(excluded.last_sync_ms, sync_peers.last_sync_ms)"
        );
        contact_query(q, who)
            .bind(cursor)
            .bind(complete.then_some(who.at_ms))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn record_sync_push(&self, who: &PeerContact, received: u64) -> Result<()> {
        let q = format!(
            "{CONTACT_INSERT}, last_push_ms, revisions_received) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $7) \
             {CONTACT_UPDATE}, last_push_ms = excluded.last_push_ms, \
             revisions_received = sync_peers.revisions_received + excluded.revisions_received"
        );
        contact_query(q, who)
            .bind(i64::try_from(received).unwrap_or(i64::MAX))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn sync_peers(&self) -> Result<Vec<SyncPeer>> {
        let q =
            format!("SELECT {PEER_COLUMNS} FROM sync_peers ORDER BY last_seen_ms DESC, node_id");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(peer_from)
            .collect()
    }

    async fn own_revisions_after(&self, after_seq: i64) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM revisions WHERE seq > $1 AND node_id = $2")
                .bind(after_seq)
                .bind(self.node_id().to_string())
                .fetch_one(self.pool())
                .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn revisions_from_elsewhere(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM revisions WHERE node_id <> $1")
            .bind(self.node_id().to_string())
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
