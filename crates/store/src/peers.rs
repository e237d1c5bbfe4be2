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
    /// Requests refused because another installation synced as this node
    /// (a copied data directory), and the last of them.
    pub duplicates: i64,
    pub last_duplicate_ms: Option<i64>,
    /// What the node said it still had to send at its last pull.
    pub pending: Option<i64>,
}

/// A pushed revision the server refused (the node sets it aside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncRefusal {
    pub node_id: String,
    pub revision_id: String,
    pub record_id: String,
    pub record_type: String,
    pub reason: String,
    pub at_ms: i64,
}

/// Whether a request comes from the installation that syncs as its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Installation {
    /// The node's installation (or the first to present itself).
    Known,
    /// Another installation under the same node id: refused, and counted.
    Other,
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

    /// What a node said it still has to send (at a pull).
    fn record_sync_pending(
        &self,
        node: NodeId,
        pending: u64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Checks the rolling installation key a request presents for `node`
    /// and moves it on, in one statement: the key the node holds (`current`)
    /// or the one it moves to (`next`, a request repeated after a cut) are
    /// its installation's; a node seen for the first time takes `next`.
    /// Any other key is another installation (a copied data directory):
    /// counted, and [`Installation::Other`].
    fn check_installation(
        &self,
        node: NodeId,
        current: &str,
        next: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<Installation>> + Send;

    /// The installation presenting `next` takes the node over: every other
    /// key is refused from now on.
    fn take_over_node(
        &self,
        node: NodeId,
        next: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Pushed revisions refused, kept per node (the last reason).
    fn record_sync_refusals(
        &self,
        refusals: &[SyncRefusal],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every refusal kept, newest first.
    fn sync_refusals(&self) -> impl Future<Output = Result<Vec<SyncRefusal>>> + Send;
}

const PEER_COLUMNS: &str = "node_id, unit, role, restricted, actor, first_seen_ms, last_seen_ms, \
     last_pull_ms, pull_cursor, last_sync_ms, last_push_ms, revisions_received, duplicates, \
     last_duplicate_ms, pending";

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
        duplicates: row.try_get(12)?,
        last_duplicate_ms: row.try_get(13)?,
        pending: row.try_get(14)?,
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

    async fn record_sync_pending(&self, node: NodeId, pending: u64) -> Result<()> {
        sqlx::query("UPDATE sync_peers SET pending = $2 WHERE node_id = $1")
            .bind(node.to_string())
            .bind(i64::try_from(pending).unwrap_or(i64::MAX))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn check_installation(
        &self,
        node: NodeId,
        current: &str,
        next: &str,
        at_ms: i64,
    ) -> Result<Installation> {
        let node = node.to_string();
        let moved = sqlx::query(
            "UPDATE sync_peers SET installation = $3 WHERE node_id = $1 \
             AND (installation IS NULL OR installation = $2 OR installation = $3)",
        )
        .bind(&node)
        .bind(current)
        .bind(next)
        .execute(self.pool())
        .await?
        .rows_affected();
        if moved > 0 {
            return Ok(Installation::Known);
        }
        // No row: a node never seen; its first contact keeps the key.
        let counted = sqlx::query(
            "UPDATE sync_peers SET duplicates = duplicates + 1, last_duplicate_ms = $2 \
             WHERE node_id = $1",
        )
        .bind(&node)
        .bind(at_ms)
        .execute(self.pool())
        .await?
        .rows_affected();
        if counted == 0 {
            sqlx::query(
                "INSERT INTO sync_peers (node_id, unit, role, restricted, actor, first_seen_ms, \
                 last_seen_ms, installation) VALUES ($1, '', '', 0, '', $2, $2, $3) \
                 ON CONFLICT (node_id) DO NOTHING",
            )
            .bind(&node)
            .bind(at_ms)
            .bind(next)
            .execute(self.pool())
            .await?;
            return Ok(Installation::Known);
        }
        Ok(Installation::Other)
    }

    async fn take_over_node(&self, node: NodeId, next: &str, at_ms: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO sync_peers (node_id, unit, role, restricted, actor, first_seen_ms, \
             last_seen_ms, installation) VALUES ($1, '', '', 0, '', $2, $2, $3) \
             ON CONFLICT (node_id) DO UPDATE SET installation = excluded.installation",
        )
        .bind(node.to_string())
        .bind(at_ms)
        .bind(next)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn record_sync_refusals(&self, refusals: &[SyncRefusal]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for r in refusals {
            sqlx::query(
                "INSERT INTO sync_refusals (node_id, revision_id, record_id, record_type, \
                 reason, at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (node_id, revision_id) DO UPDATE SET reason = excluded.reason, \
                 at_ms = excluded.at_ms",
            )
            .bind(&r.node_id)
            .bind(&r.revision_id)
            .bind(&r.record_id)
            .bind(&r.record_type)
            .bind(&r.reason)
            .bind(r.at_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn sync_refusals(&self) -> Result<Vec<SyncRefusal>> {
        sqlx::query(
            "SELECT node_id, revision_id, record_id, record_type, reason, at_ms \
             FROM sync_refusals ORDER BY at_ms DESC, node_id, revision_id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(SyncRefusal {
                node_id: row.try_get(0)?,
                revision_id: row.try_get(1)?,
                record_id: row.try_get(2)?,
                record_type: row.try_get(3)?,
                reason: row.try_get(4)?,
                at_ms: row.try_get(5)?,
            })
        })
        .collect()
    }
}
