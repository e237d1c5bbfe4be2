//! Accounts, sessions, API tokens and the audit log, on the same database
//! as the records. They are the installation's own, not records: they are
//! never synced and have no revisions; every change to them is audited.

use crate::builder::Sql;
use crate::sql::Backend;
use crate::sql::SqlStore;
use crate::{Result, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::future::Future;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit: String,
    pub restricted: bool,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until_ms: i64,
    pub created_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_ms: i64,
    pub expires_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub token_hash: String,
    pub name: String,
    pub user_id: Option<String>,
    pub role: String,
    pub unit: String,
    pub restricted: bool,
    pub created_by: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
    /// The node the token syncs as, bound at its first sync.
    pub node_id: Option<String>,
    /// After this it is refused as if revoked.
    pub expires_ms: Option<i64>,
    /// Revoked by its owner's next password change.
    pub ends_with_password: bool,
    /// Kept to the minute: a write per request would cost more than the
    /// answer "still in use, or lost?" is worth.
    pub last_used_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    /// `allowed`, `refused` or `failed`.
    pub outcome: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub unit: Option<String>,
    pub detail: String,
    /// The client's address where the entry came from a request (sign-in),
    /// as the trusted-proxy configuration reads it.
    pub address: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub record_id: Option<String>,
    /// Entries before this sequence number (for paging back), newest first.
    pub before_seq: Option<i64>,
    pub limit: u32,
}

pub trait AccountStore: Send + Sync {
    /// Fails with [`StoreError::UsernameTaken`] when the name is in use.
    fn create_user(&self, user: &User) -> impl Future<Output = Result<()>> + Send;
    fn user_by_name(&self, username: &str) -> impl Future<Output = Result<Option<User>>> + Send;
    fn user_by_id(&self, id: &str) -> impl Future<Output = Result<Option<User>>> + Send;
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;
    fn user_count(&self) -> impl Future<Output = Result<u64>> + Send;
    /// A new password also ends the user's sessions and the tokens they
    /// chose to end with it.
    fn set_password(
        &self,
        id: &str,
        hash: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Disabling also ends the user's sessions and revokes their tokens.
    fn set_disabled(
        &self,
        id: &str,
        disabled: bool,
        now_ms: i64,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Counts a failed sign-in; from the `max`-th failure in a row the
    /// account is locked until `now_ms + lock_ms`. Returns the failures.
    fn login_failed(
        &self,
        id: &str,
        now_ms: i64,
        max: i64,
        lock_ms: i64,
    ) -> impl Future<Output = Result<i64>> + Send;
    fn login_succeeded(&self, id: &str) -> impl Future<Output = Result<()>> + Send;

    fn create_session(&self, session: &Session) -> impl Future<Output = Result<()>> + Send;
    fn session(&self, token_hash: &str) -> impl Future<Output = Result<Option<Session>>> + Send;
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;
    fn delete_expired_sessions(&self, now_ms: i64) -> impl Future<Output = Result<u64>> + Send;

    fn create_token(&self, token: &ApiToken) -> impl Future<Output = Result<()>> + Send;
    fn token_by_hash(&self, hash: &str) -> impl Future<Output = Result<Option<ApiToken>>> + Send;
    fn tokens(&self) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;
    /// Returns whether a live token was revoked.
    fn revoke_token(&self, id: &str, now_ms: i64) -> impl Future<Output = Result<bool>> + Send;
    /// Notes that a token was used, unless that was noted in the last
    /// minute (so that most requests write nothing).
    fn touch_token(&self, id: &str, now_ms: i64) -> impl Future<Output = Result<()>> + Send;
    /// Changes what a live token may do (its unit, personal data or not);
    /// returns whether a live token was changed.
    fn set_token_grant(
        &self,
        id: &str,
        unit: &str,
        restricted: bool,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// Binds a token to `node` unless it is bound already, atomically;
    /// returns the node it is bound to (`node`, or the one bound first).
    fn bind_token_node(
        &self,
        token_id: &str,
        node: &str,
    ) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Every position held, as (user id, position, unit), by user then
    /// position.
    fn positions(&self) -> impl Future<Output = Result<Vec<(String, String, String)>>> + Send;
    /// Replaces the positions `user_id` holds with `held` (position, unit),
    /// in one transaction.
    fn set_positions(
        &self,
        user_id: &str,
        held: &[(String, String)],
    ) -> impl Future<Output = Result<()>> + Send;

    fn append_audit(&self, entry: &AuditEntry) -> impl Future<Output = Result<()>> + Send;
    /// Newest first.
    fn audit(&self, filter: &AuditFilter) -> impl Future<Output = Result<Vec<AuditEntry>>> + Send;
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, unit, restricted, disabled, failed_logins, locked_until_ms, created_ms";
const TOKEN_COLUMNS: &str = "id, token_hash, name, user_id, role, unit, restricted, created_by, created_ms, revoked_ms, \
     node_id, expires_ms, ends_with_password, last_used_ms";

fn user_from(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        password_hash: row.try_get(3)?,
        role: row.try_get(4)?,
        unit: row.try_get(5)?,
        restricted: row.try_get::<i64, _>(6)? != 0,
        disabled: row.try_get::<i64, _>(7)? != 0,
        failed_logins: row.try_get(8)?,
        locked_until_ms: row.try_get(9)?,
        created_ms: row.try_get(10)?,
    })
}

fn token_from(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.try_get(0)?,
        token_hash: row.try_get(1)?,
        name: row.try_get(2)?,
        user_id: row.try_get(3)?,
        role: row.try_get(4)?,
        unit: row.try_get(5)?,
        restricted: row.try_get::<i64, _>(6)? != 0,
        created_by: row.try_get(7)?,
        created_ms: row.try_get(8)?,
        revoked_ms: row.try_get(9)?,
        node_id: row.try_get(10)?,
        expires_ms: row.try_get(11)?,
        ends_with_password: row.try_get::<i64, _>(12)? != 0,
        last_used_ms: row.try_get(13)?,
    })
}

/// Appends `entries` to the audit log in multi-row statements, in the
/// caller's transaction (an import's entries commit with its records).
pub(crate) async fn insert_audit_in(
    conn: &mut sqlx::AnyConnection,
    entries: &[AuditEntry],
) -> Result<()> {
    for chunk in entries.chunks(crate::sql::CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO audit_log (at_ms, actor, action, outcome, record_type, record_id, unit, detail, address) ",
        );
        q.push_values(chunk, |row, e| {
            row.push_bind(e.at_ms)
                .push_bind(e.actor.clone())
                .push_bind(e.action.clone())
                .push_bind(e.outcome.clone())
                .push_bind(e.record_type.clone())
                .push_bind(e.record_id.clone())
                .push_bind(e.unit.clone())
                .push_bind(e.detail.clone())
                .push_bind(e.address.clone());
        });
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

impl AccountStore for SqlStore {
    async fn create_user(&self, u: &User) -> Result<()> {
        let q = format!(
            "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(u.id.clone())
            .bind(u.username.clone())
            .bind(u.display_name.clone())
            .bind(u.password_hash.clone())
            .bind(u.role.clone())
            .bind(u.unit.clone())
            .bind(i64::from(u.restricted))
            .bind(i64::from(u.disabled))
            .bind(u.failed_logins)
            .bind(u.locked_until_ms)
            .bind(u.created_ms)
            .execute(self.pool())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::UsernameTaken(u.username.clone())
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let q = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(username.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>> {
        let q = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let q = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(user_from)
            .collect()
    }

    async fn user_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?;
        Ok(n as u64)
    }

    async fn set_password(&self, id: &str, hash: &str, now_ms: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until_ms = 0 WHERE id = $2",
        )
        .bind(hash.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        // A new password ends every session opened with the old one.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_ms = $1 \
             WHERE user_id = $2 AND ends_with_password = 1 AND revoked_ms IS NULL",
        )
        .bind(now_ms)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_disabled(&self, id: &str, disabled: bool, now_ms: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_ms = $1 WHERE user_id = $2 AND revoked_ms IS NULL",
            )
            .bind(now_ms)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn login_failed(&self, id: &str, now_ms: i64, max: i64, lock_ms: i64) -> Result<i64> {
        let failures: i64 = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until_ms = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until_ms END \
             WHERE id = $3 RETURNING failed_logins",
        )
        .bind(max)
        .bind(now_ms + lock_ms)
        .bind(id.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(failures)
    }

    async fn login_succeeded(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until_ms = 0 WHERE id = $1")
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.token_hash.clone())
        .bind(s.user_id.clone())
        .bind(s.csrf_token.clone())
        .bind(s.created_ms)
        .bind(s.expires_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT token_hash, user_id, csrf_token, created_ms, expires_ms FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| -> Result<Session> {
            Ok(Session {
                token_hash: r.try_get(0)?,
                user_id: r.try_get(1)?,
                csrf_token: r.try_get(2)?,
                created_ms: r.try_get(3)?,
                expires_ms: r.try_get(4)?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_ms <= $1")
            .bind(now_ms)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn create_token(&self, t: &ApiToken) -> Result<()> {
        let q = format!(
            "INSERT INTO api_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(t.id.clone())
            .bind(t.token_hash.clone())
            .bind(t.name.clone())
            .bind(t.user_id.clone())
            .bind(t.role.clone())
            .bind(t.unit.clone())
            .bind(i64::from(t.restricted))
            .bind(t.created_by.clone())
            .bind(t.created_ms)
            .bind(t.revoked_ms)
            .bind(t.node_id.clone())
            .bind(t.expires_ms)
            .bind(i64::from(t.ends_with_password))
            .bind(t.last_used_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        let q = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(hash.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(token_from)
            .transpose()
    }

    async fn tokens(&self) -> Result<Vec<ApiToken>> {
        let q = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_ms, id");
        sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(token_from)
            .collect()
    }

    async fn revoke_token(&self, id: &str, now_ms: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL",
        )
        .bind(now_ms)
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn touch_token(&self, id: &str, now_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_ms = $1 WHERE id = $2 \
             AND (last_used_ms IS NULL OR last_used_ms < $3)",
        )
        .bind(now_ms)
        .bind(id.to_string())
        .bind(now_ms - 60_000)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn set_token_grant(&self, id: &str, unit: &str, restricted: bool) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET unit = $1, restricted = $2 WHERE id = $3 AND revoked_ms IS NULL",
        )
        .bind(unit.to_string())
        .bind(i64::from(restricted))
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn bind_token_node(&self, token_id: &str, node: &str) -> Result<Option<String>> {
        // One statement each: a second node racing the first either binds
        // nothing (the first won) or is the first; the read says which.
        sqlx::query("UPDATE api_tokens SET node_id = $1 WHERE id = $2 AND node_id IS NULL")
            .bind(node.to_string())
            .bind(token_id.to_string())
            .execute(self.pool())
            .await?;
        Ok(
            sqlx::query_scalar("SELECT node_id FROM api_tokens WHERE id = $1")
                .bind(token_id.to_string())
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    async fn positions(&self) -> Result<Vec<(String, String, String)>> {
        let rows = sqlx::query(
            "SELECT user_id, position, unit FROM account_positions ORDER BY user_id, position, unit",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    async fn set_positions(&self, user_id: &str, held: &[(String, String)]) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM account_positions WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        for (position, unit) in held {
            sqlx::query(
                "INSERT INTO account_positions (user_id, position, unit) VALUES ($1, $2, $3)",
            )
            .bind(user_id.to_string())
            .bind(position.clone())
            .bind(unit.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn append_audit(&self, e: &AuditEntry) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        insert_audit_in(&mut conn, std::slice::from_ref(e)).await
    }

    async fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut sql = Sql::new(
            "SELECT seq, at_ms, actor, action, outcome, record_type, record_id, unit, detail, address \
             FROM audit_log WHERE 1 = 1",
        );
        if let Some(a) = &f.actor {
            sql.push(" AND actor = ").push_bind(a.clone());
        }
        if let Some(a) = &f.action {
            sql.push(" AND action = ").push_bind(a.clone());
        }
        if let Some(o) = &f.outcome {
            sql.push(" AND outcome = ").push_bind(o.clone());
        }
        if let Some(r) = &f.record_id {
            sql.push(" AND record_id = ").push_bind(r.clone());
        }
        if let Some(s) = f.before_seq {
            sql.push(" AND seq < ").push_bind(s);
        }
        sql.push(" ORDER BY seq DESC LIMIT ")
            .push_bind(i64::from(f.limit.clamp(1, 1000)));
        let rows = sql.build_for(self.backend()).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| -> Result<AuditEntry> {
                Ok(AuditEntry {
                    seq: r.try_get(0)?,
                    at_ms: r.try_get(1)?,
                    actor: r.try_get(2)?,
                    action: r.try_get(3)?,
                    outcome: r.try_get(4)?,
                    record_type: r.try_get(5)?,
                    record_id: r.try_get(6)?,
                    unit: r.try_get(7)?,
                    detail: r.try_get(8)?,
                    address: r.try_get(9)?,
                })
            })
            .collect()
    }
}
