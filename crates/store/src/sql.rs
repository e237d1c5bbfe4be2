//! The embedded store: one SQLite file in WAL mode, foreign keys on, every
//! commit `synchronous = FULL` so that what was acknowledged survives a crash.

use crate::builder::Sql;
use crate::key::StoreKey;
use crate::pool::PoolSettings;
use crate::spans;
use crate::{
    Conflict, CurrentRecord, CurrentRow, DerivedSnapshot, Head, ListFilter, MeasureSum, Purge,
    Receipt, Result, Store, StoreError, Write,
};
use bienphong_domain::facts::{contributions, measure, unit_set};
use bienphong_domain::format::day_key;
use bienphong_domain::org::Code;
use bienphong_domain::scope::Scope;
use bienphong_domain::{
    Content, Date, NodeId, Period, Quantity, RecordId, RecordType, Revision, RevisionId,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::{AnyConnection, AnyPool};
use sqlx::{AssertSqlSafe, Connection, Executor, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Rows per multi-row statement; far below both backends' parameter limits.
pub(crate) const CHUNK: usize = 400;

/// How every SQLite connection is set up.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 30000",
];

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a connection speaks to.
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The store on SQL: an embedded SQLite file (WAL, foreign keys on, every
/// commit `synchronous = FULL` so that what was acknowledged survives a
/// crash) or a PostgreSQL database. One implementation; the few
/// differences are named by [`Backend`].
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    node_id: NodeId,
    /// An encrypted SQLite store's key: backups and copies of the file
    /// made through SQLite are encrypted with it too.
    key: Option<StoreKey>,
}

/// SQLite's "file is not a database" (26): what SQLCipher answers for a
/// wrong or missing key.
fn is_not_a_database(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|c| c & 0xff == 26)
}

/// The statements every SQLite connection starts with: the key first, as
/// SQLCipher requires, then the settings, its share of the page cache last.
fn sqlite_setup(key: Option<&StoreKey>, pool: &PoolSettings) -> Vec<String> {
    key.map(StoreKey::pragma)
        .into_iter()
        .chain(SQLITE_PRAGMAS.iter().map(|p| (*p).to_string()))
        .chain(std::iter::once(pool.sqlite_cache_pragma()))
        .collect()
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// A path as the SQLite driver reads it from a URL (it percent-decodes).
fn sqlite_url(path: &Path) -> String {
    let mut encoded = String::new();
    for c in path.display().to_string().chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            other => encoded.push(other),
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
}

/// Before a migration changes a store written by an older program, a
/// copy of it as it was: `DIR/before-schema-OLD-to-NEW.sqlite` (SQLite's
/// `VACUUM INTO`, consistent while others read). Nothing happens for a new
/// store or one already current; an existing copy of the same step is kept
/// and the new one numbered beside it.
async fn copy_before_upgrade(pool: &AnyPool, migrator: &Migrator, dir: &Path) -> Result<()> {
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    if tables == 0 {
        return Ok(());
    }
    let applied: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(MAX(version) AS BIGINT) FROM _sqlx_migrations WHERE success",
    )
    .fetch_one(pool)
    .await?;
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let Some(applied) = applied.filter(|a| *a < known) else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let name = format!("before-schema-{applied}-to-{known}");
    let mut target = dir.join(format!("{name}.sqlite"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = dir.join(format!("{name}-{n}.sqlite"));
    }
    sqlx::query("VACUUM INTO $1")
        .bind(target.display().to_string())
        .execute(pool)
        .await?;
    Ok(())
}

/// The count and digest of the revision set as `conn` sees it (inside a
/// transaction: as of its snapshot).
pub(crate) async fn revision_digest_in(conn: &mut AnyConnection) -> Result<(u64, String)> {
    use futures_util::TryStreamExt;
    use sha2::{Digest, Sha256};
    let sql = format!("SELECT {REVISION_COLUMNS} FROM revisions ORDER BY id");
    let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
    let mut hasher = Sha256::new();
    let mut count = 0u64;
    while let Some(row) = rows.try_next().await? {
        let r = revision_from_row(&row)?;
        let parents: Vec<String> = r.parents.iter().map(|p| p.to_string()).collect();
        for field in [
            r.id.to_string(),
            r.record_id.to_string(),
            r.record_type.to_string(),
            parents.join(","),
            r.node_id.to_string(),
            r.author,
            r.created_ms.to_string(),
            u8::from(r.deleted).to_string(),
            r.content,
        ] {
            // Length-prefixed, so that fields cannot run into each other.
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        count += 1;
    }
    let digest = hasher.finalize();
    Ok((count, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

/// Where a store's schema stands, read without creating or changing
/// anything (`bienphong doctor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemaState {
    /// The newest migration applied; none for a database never migrated.
    pub applied: Option<i64>,
    /// The newest migration this program knows.
    pub known: i64,
}

impl SqlStore {
    /// The schema of the store at `url` (`sqlite://PATH` or
    /// `postgres://…`), opened read-only: a missing SQLite file is an error,
    /// never created.
    pub async fn schema_state(url: &str, key: Option<&StoreKey>) -> Result<SchemaState> {
        sqlx::any::install_default_drivers();
        let (connect, backend, shown) = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = Path::new(path);
            if !path.is_file() {
                return Err(StoreError::Open {
                    path: path.display().to_string(),
                    reason: "no such file".into(),
                });
            }
            let rw = sqlite_url(path);
            let ro = format!("{}?mode=ro", rw.trim_end_matches("?mode=rwc"));
            (ro, Backend::Sqlite, path.display().to_string())
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_string(), Backend::Postgres, mask_url(url))
        } else {
            return Err(StoreError::UnsupportedUrl(mask_url(url)));
        };
        let open_error = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason: reason.replace(url, &shown),
        };
        let mut conn =
            tokio::time::timeout(Duration::from_secs(10), AnyConnection::connect(&connect))
                .await
                .map_err(|_| open_error("no answer within 10 s".into()))?
                .map_err(|e| open_error(e.to_string()))?;
        if backend == Backend::Sqlite
            && let Some(key) = key
        {
            conn.execute(AssertSqlSafe(key.pragma())).await?;
        }
        let (exists, migrator) = match backend {
            Backend::Sqlite => (
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                &SQLITE_MIGRATIONS,
            ),
            Backend::Postgres => (
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations'",
                &POSTGRES_MIGRATIONS,
            ),
        };
        let tables: i64 = match sqlx::query_scalar(exists).fetch_one(&mut conn).await {
            Ok(n) => n,
            Err(e) if is_not_a_database(&e) => return Err(StoreError::Unreadable(shown)),
            Err(e) => return Err(e.into()),
        };
        let applied = if tables == 0 {
            None
        } else {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT CAST(MAX(version) AS BIGINT) FROM _sqlx_migrations WHERE success",
            )
            .fetch_one(&mut conn)
            .await?
        };
        let _ = conn.close().await;
        Ok(SchemaState {
            applied,
            known: migrator.iter().map(|m| m.version).max().unwrap_or(0),
        })
    }
}

impl SqlStore {
    /// Opens (creating and migrating if needed) the SQLite store in `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        Self::open_sqlite_keyed(path, None).await
    }

    /// Opens the SQLite store in `path`, encrypted with `key` (a new store
    /// is created encrypted; an existing one must have been written with
    /// the same key).
    pub async fn open_sqlite_keyed(path: &Path, key: Option<&StoreKey>) -> Result<Self> {
        Self::open_sqlite_pooled(path, key, &PoolSettings::default()).await
    }

    /// As [`SqlStore::open_sqlite_keyed`], with the pool sized by `pool`.
    pub async fn open_sqlite_pooled(
        path: &Path,
        key: Option<&StoreKey>,
        pool: &PoolSettings,
    ) -> Result<Self> {
        Self::open_url(
            &sqlite_url(path),
            Backend::Sqlite,
            &path.display().to_string(),
            path.parent().map(|dir| dir.join("backups")).as_deref(),
            key,
            pool,
        )
        .await
    }

    /// Opens the store a URL names: `sqlite://PATH` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_keyed(url, None).await
    }

    /// As [`SqlStore::connect`]; `key` encrypts a SQLite store and is
    /// refused for PostgreSQL, which encrypts (or not) on its own side.
    pub async fn connect_keyed(url: &str, key: Option<&StoreKey>) -> Result<Self> {
        Self::connect_pooled(url, key, &PoolSettings::default()).await
    }

    /// As [`SqlStore::connect_keyed`], with the pool sized by `pool`.
    pub async fn connect_pooled(
        url: &str,
        key: Option<&StoreKey>,
        pool: &PoolSettings,
    ) -> Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Self::open_sqlite_pooled(Path::new(path), key, pool).await;
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            if key.is_some() {
                return Err(StoreError::Key(
                    "only a SQLite store is encrypted with a key; PostgreSQL keeps its own".into(),
                ));
            }
            return Self::open_url(url, Backend::Postgres, &mask_url(url), None, None, pool).await;
        }
        Err(StoreError::UnsupportedUrl(mask_url(url)))
    }

    /// The key this store was opened with.
    pub(crate) fn key(&self) -> Option<&StoreKey> {
        self.key.as_ref()
    }

    /// `upgrade_backups`: where a SQLite store is copied before a migration
    /// changes its schema.
    async fn open_url(
        url: &str,
        backend: Backend,
        shown: &str,
        upgrade_backups: Option<&Path>,
        key: Option<&StoreKey>,
        sizing: &PoolSettings,
    ) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let open_error = |e: sqlx::Error| StoreError::Open {
            path: shown.to_string(),
            // The driver's message may quote the URL; never its password.
            reason: e.to_string().replace(url, shown),
        };
        if backend == Backend::Postgres {
            // One direct connection first: a refused or unknown server is
            // reported as such at once, not as a pool time-out.
            let probe = tokio::time::timeout(Duration::from_secs(10), AnyConnection::connect(url))
                .await
                .map_err(|_| StoreError::Open {
                    path: shown.to_string(),
                    reason: "no answer within 10 s".to_string(),
                })?;
            probe
                .map_err(open_error)?
                .close()
                .await
                .map_err(open_error)?;
        }
        if backend == Backend::Sqlite {
            // One direct connection first, set up as the pool's will be: a
            // file that cannot be opened or set up (a full disk cannot take
            // the WAL's files) is reported at once with its cause, instead
            // of the pool retrying until it times out.
            let mut probe = AnyConnection::connect(url).await.map_err(open_error)?;
            for pragma in sqlite_setup(key, sizing) {
                if let Err(e) = probe.execute(AssertSqlSafe(pragma)).await {
                    let _ = probe.close().await;
                    if is_not_a_database(&e) {
                        return Err(StoreError::Unreadable(shown.to_string()));
                    }
                    return Err(match StoreError::from(e) {
                        StoreError::DiskFull(reason) => StoreError::DiskFull(reason),
                        StoreError::Database(e) => open_error(e),
                        other => other,
                    });
                }
            }
            probe.close().await.map_err(open_error)?;
        }
        // Connections are opened on demand and closed when long unused: an
        // idle server holds no page cache it does not use.
        let options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(30))
            .min_connections(0)
            .max_connections(sizing.connections(backend == Backend::Sqlite))
            .idle_timeout(sizing.idle_timeout);
        let setup = std::sync::Arc::new(sqlite_setup(key, sizing));
        let pool = match backend {
            Backend::Sqlite => options
                .after_connect(move |conn, _| {
                    let setup = setup.clone();
                    Box::pin(async move {
                        for pragma in setup.iter() {
                            conn.execute(AssertSqlSafe(pragma.clone())).await?;
                        }
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(open_error)?,
            Backend::Postgres => options.connect(url).await.map_err(open_error)?,
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        if let Some(dir) = upgrade_backups {
            copy_before_upgrade(&pool, migrator, dir).await?;
        }
        migrator.run(&pool).await.map_err(|e| match e {
            MigrateError::VersionMissing(v) => StoreError::SchemaTooNew(v),
            other => StoreError::Migration(other),
        })?;
        let mut store = Self {
            pool,
            backend,
            node_id: NodeId::new(),
            key: key.cloned(),
        };
        store.rebuild_if_pending().await?;
        store.node_id = store.node_id_of().await?;
        Ok(store)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Programmes in force during `period` by programme, for the records
    /// of `units` (every unit: `None`): those started by its last day less
    /// those ended before its first, each a sum of facts from the store's
    /// first day, so the rows read do not grow with the programmes.
    async fn programmes_active(
        &self,
        period: Period,
        units: &Option<Vec<Code>>,
    ) -> Result<Vec<(String, i64)>> {
        let first: Option<i64> = sqlx::query_scalar("SELECT MIN(day) FROM daily_facts")
            .fetch_one(&self.pool)
            .await?;
        let Some(first) = first.and_then(date_of_key) else {
            return Ok(Vec::new());
        };
        let sums = |to: Option<Date>, prefix: &'static str| {
            let units = units.clone();
            async move {
                let Some(to) = to.filter(|to| *to >= first) else {
                    return Ok(BTreeMap::new());
                };
                let mut q = Sql::new("SELECT m.name, CAST(SUM(f.value) AS BIGINT) FROM (");
                push_facts(
                    &mut q,
                    vec![(Period { from: first, to }, units)],
                    Measures::Prefixed(prefix),
                );
                q.push(") AS f JOIN measures m ON m.id = f.measure_id GROUP BY m.name");
                let rows: Vec<(String, i64)> = q
                    .build_query_as_for(self.backend)
                    .fetch_all(&self.pool)
                    .await?;
                Ok::<_, StoreError>(
                    rows.into_iter()
                        .filter_map(|(name, n)| {
                            name.strip_prefix(prefix).map(|code| (code.to_string(), n))
                        })
                        .collect::<BTreeMap<String, i64>>(),
                )
            }
        };
        let started = sums(Some(period.to), measure::PROGRAMME_STARTED_PREFIX).await?;
        let ended = sums(
            period.from.yesterday().ok(),
            measure::PROGRAMME_ENDED_PREFIX,
        )
        .await?;
        Ok(started
            .into_iter()
            .map(|(code, n)| {
                let gone = ended.get(&code).copied().unwrap_or(0);
                (code, n - gone)
            })
            .filter(|(_, n)| *n != 0)
            .collect())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool's size and how many of those are idle, for
    /// `/metrics`.
    pub fn pool_connections(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// The bytes the store takes: SQLite's pages (WAL not counted), or the
    /// PostgreSQL database's size.
    pub async fn size_bytes(&self) -> Result<i64> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                    .fetch_one(&self.pool)
                    .await?;
                let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                    .fetch_one(&self.pool)
                    .await?;
                pages.saturating_mul(size)
            }
            Backend::Postgres => {
                sqlx::query_scalar("SELECT pg_database_size(current_database())::BIGINT")
                    .fetch_one(&self.pool)
                    .await?
            }
        })
    }

    /// A write transaction. SQLite takes its write lock at once, so two
    /// writers queue instead of failing; PostgreSQL locks the rows a commit
    /// touches (see `load_prior`).
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Rebuilds the derived tables once after a migration that changed the
    /// rules deriving them (`pending_rebuilds`), in one transaction with the
    /// emptying of that table: an interrupted rebuild is done again at the
    /// next open, and of two processes opening at once one rebuilds.
    async fn rebuild_if_pending(&self) -> Result<()> {
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_rebuilds")
            .fetch_one(&self.pool)
            .await?;
        if pending == 0 {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE pending_rebuilds IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_rebuilds")
            .fetch_one(&mut *tx)
            .await?;
        if pending > 0 {
            rebuild_in(&mut tx).await?;
            sqlx::query("DELETE FROM pending_rebuilds")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn node_id_of(&self) -> Result<NodeId> {
        // Read first: a store is opened (by a report, a backup) while a long
        // import holds the write lock, and its node id exists already.
        let existing: Option<String> =
            sqlx::query_scalar("SELECT node_id FROM node WHERE singleton = 1")
                .fetch_optional(&self.pool)
                .await?;
        if let Some(s) = existing {
            return parse_id(&s);
        }
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            // Two processes opening a new database at once must agree.
            sqlx::query("LOCK TABLE node IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let existing: Option<String> =
            sqlx::query_scalar("SELECT node_id FROM node WHERE singleton = 1")
                .fetch_optional(&mut *tx)
                .await?;
        let id = match existing {
            Some(s) => parse_id(&s)?,
            None => {
                let id = NodeId::new();
                sqlx::query("INSERT INTO node (singleton, node_id) VALUES (1, $1)")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        tx.commit().await?;
        Ok(id)
    }

    /// SQLite's `PRAGMA integrity_check` (`ok` when the file is sound);
    /// PostgreSQL checks its own pages, so there it is always `ok`.
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend == Backend::Postgres {
            return Ok("ok".to_string());
        }
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.join("\n"))
    }

    async fn try_commit(&self, writes: Vec<Write>) -> Result<Vec<Revision>> {
        self.try_commit_with(writes, &Extras::default()).await
    }

    /// A commit that may also revive deleted records (`extras.restore`) and
    /// note what an import based each record on, in the same transaction.
    pub(crate) async fn try_commit_with(
        &self,
        writes: Vec<Write>,
        extras: &Extras,
    ) -> Result<Vec<Revision>> {
        let mut tx = self.begin().await?;
        let staged = stage(&mut tx, self.backend, self.node_id, writes, &extras.restore).await?;
        set_conflicts(&mut tx, &staged.resolved).await?;
        // Before the revisions are inserted (their insert is the last
        // step: docs/sync-protocol.md §2).
        if let Some((cleared, erasures)) = &extras.erasure {
            crate::personal::clear_in(&mut tx, cleared, erasures).await?;
        }
        let revisions = staged.store(&mut tx, self.backend).await?;
        crate::imports::set_bases(&mut tx, &extras.bases).await?;
        crate::blobs::insert_in(&mut tx, &extras.blobs, extras.blob_ms).await?;
        crate::tracks::insert_in(&mut tx, &extras.tracks, extras.blob_ms).await?;
        if let Some(change) = &extras.org_change {
            crate::org_changes::note(&mut tx, change, &revisions).await?;
        }
        tx.commit().await?;
        Ok(revisions)
    }

    /// Stores revisions made elsewhere (see [`Store::import`]), with who
    /// delivered them when a server receives them.
    async fn import_in(
        &self,
        revisions: Vec<Revision>,
        receipt: Option<&Receipt>,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let ids: Vec<String> = revisions.iter().map(|r| r.id.to_string()).collect();
        let mut present = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let mut q = Sql::new("SELECT id FROM revisions WHERE id IN (");
            q.push_list(chunk.iter().cloned());
            q.push(")");
            for row in q.build_for(Backend::of(&tx)).fetch_all(&mut *tx).await? {
                present.insert(row.try_get::<String, _>("id")?);
            }
        }
        let fresh: Vec<Revision> = revisions
            .into_iter()
            .filter(|r| present.insert(r.id.to_string()))
            .collect();
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        for r in &fresh {
            if seen.insert(r.record_id) {
                order.push(r.record_id);
            }
        }
        let prior = load_prior(&mut tx, &order, self.backend).await?;
        // A record keeps its type, whoever sends its revisions.
        let mut types: HashMap<RecordId, RecordType> = prior
            .iter()
            .map(|(id, p)| (*id, p.head.record_type))
            .collect();
        for r in &fresh {
            let expected = *types.entry(r.record_id).or_insert(r.record_type);
            if expected != r.record_type {
                return Err(StoreError::WrongType {
                    record: r.record_id,
                    expected,
                    actual: r.record_type,
                });
            }
        }
        // A record's head is a function of its set of revisions (the
        // revision no other names as a parent; in a conflict the greatest
        // id), so batches applied in any order end in the same state.
        let mut graph: HashMap<RecordId, Vec<(RevisionId, Vec<RevisionId>)>> = HashMap::new();
        for chunk in order.chunks(CHUNK) {
            let mut q =
                Sql::new("SELECT id, record_id, parents FROM revisions WHERE record_id IN (");
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(Backend::of(&tx)).fetch_all(&mut *tx).await? {
                let record: RecordId = parse_id(row.try_get("record_id")?)?;
                let id: RevisionId = parse_id(row.try_get("id")?)?;
                let parents = parse_parents(row.try_get("parents")?)?;
                graph.entry(record).or_default().push((id, parents));
            }
        }
        let mut fresh_by_id: HashMap<RevisionId, &Revision> = HashMap::new();
        for r in &fresh {
            graph
                .entry(r.record_id)
                .or_default()
                .push((r.id, r.parents.clone()));
            fresh_by_id.insert(r.id, r);
        }
        let mut state: HashMap<RecordId, After> = HashMap::new();
        let mut conflicts = Vec::new();
        for record in &order {
            let Some(revs) = graph.get(record) else {
                continue;
            };
            let heads = bienphong_domain::revision::heads(
                revs.iter().map(|(id, parents)| (*id, parents.as_slice())),
            );
            let was_in_conflict = prior.get(record).is_some_and(|p| !p.conflict.is_empty());
            if heads.len() > 1 || was_in_conflict {
                let record_type = fresh
                    .iter()
                    .find(|r| r.record_id == *record)
                    .map(|r| r.record_type)
                    .or_else(|| prior.get(record).map(|p| p.head.record_type));
                if let Some(record_type) = record_type {
                    conflicts.push((*record, record_type, heads.clone()));
                }
            }
            let Some(shown) = bienphong_domain::revision::shown_head(&heads) else {
                continue;
            };
            if prior.get(record).map(|p| p.head.revision_id) == Some(shown) {
                continue;
            }
            let r = match fresh_by_id.get(&shown) {
                Some(r) => (*r).clone(),
                None => {
                    let sql = format!("SELECT {REVISION_COLUMNS} FROM revisions WHERE id = $1");
                    let row = sqlx::query(AssertSqlSafe(sql))
                        .bind(shown.to_string())
                        .fetch_one(&mut *tx)
                        .await?;
                    revision_from_row(&row)?
                }
            };
            let content = if r.deleted {
                None
            } else {
                Some(parse_content(r.record_type, &r.content)?)
            };
            state.insert(
                r.record_id,
                After {
                    head: Head {
                        record_type: r.record_type,
                        revision_id: r.id,
                        deleted: r.deleted,
                    },
                    content,
                },
            );
        }
        set_conflicts(&mut tx, &conflicts).await?;
        if let Some(receipt) = receipt {
            insert_receipts(&mut tx, &fresh, receipt).await?;
        }
        // Received JSON is another node's text: the current rows keep
        // this node's canonical form of it.
        store_revisions(&mut tx, self.backend, &fresh, false, order, prior, state).await?;
        tx.commit().await?;
        Ok(fresh.len())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// A commit's writes checked against their records' heads as the
/// transaction sees them (stale, deleted, in conflict, of another type:
/// refused), as revisions with each record's state before and after.
pub(crate) struct Staged {
    revisions: Vec<Revision>,
    order: Vec<RecordId>,
    prior: HashMap<RecordId, Prior>,
    state: HashMap<RecordId, After>,
    /// Records whose conflict a write resolves.
    pub(crate) resolved: Vec<(RecordId, RecordType, Vec<RevisionId>)>,
}

impl Staged {
    /// The revisions of the staged writes, in write order.
    pub(crate) fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// Appends the revisions and brings the derived tables in line.
    pub(crate) async fn store(
        self,
        conn: &mut AnyConnection,
        backend: Backend,
    ) -> Result<Vec<Revision>> {
        store_revisions(
            conn,
            backend,
            &self.revisions,
            true,
            self.order,
            self.prior,
            self.state,
        )
        .await?;
        Ok(self.revisions)
    }
}

/// Checks `writes` in `conn`'s transaction; a write following the
/// tombstone of a record in `restore` brings that record back.
pub(crate) async fn stage(
    conn: &mut AnyConnection,
    backend: Backend,
    node_id: NodeId,
    writes: Vec<Write>,
    restore: &HashSet<RecordId>,
) -> Result<Staged> {
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for w in &writes {
        if seen.insert(w.record_id) {
            order.push(w.record_id);
        }
    }
    let prior = load_prior(&mut *conn, &order, backend).await?;
    let mut state: HashMap<RecordId, After> = HashMap::new();
    let mut revisions = Vec::with_capacity(writes.len());
    let mut resolved = Vec::new();

    for w in writes {
        if let Some(c) = &w.content
            && c.record_type() != w.record_type
        {
            return Err(StoreError::WrongType {
                record: w.record_id,
                expected: w.record_type,
                actual: c.record_type(),
            });
        }
        let current = state
            .get(&w.record_id)
            .map(|a| a.head)
            .or_else(|| prior.get(&w.record_id).map(|p| p.head));
        // A record in conflict takes only a write naming all its heads
        // (a resolution); an earlier write of this commit resolved it.
        let conflict = if state.contains_key(&w.record_id) {
            &[][..]
        } else {
            prior
                .get(&w.record_id)
                .map(|p| p.conflict.as_slice())
                .unwrap_or_default()
        };
        if !conflict.is_empty() {
            let mut named: Vec<RevisionId> = w.parent.iter().chain(&w.resolves).copied().collect();
            named.sort();
            named.dedup();
            if named != conflict {
                return Err(StoreError::InConflict {
                    record: w.record_id,
                    heads: conflict.to_vec(),
                });
            }
            if current.is_some_and(|h| h.record_type != w.record_type) {
                return Err(StoreError::WrongType {
                    record: w.record_id,
                    expected: w.record_type,
                    actual: current.map(|h| h.record_type).unwrap_or(w.record_type),
                });
            }
            resolved.push((w.record_id, w.record_type, Vec::new()));
        } else if !w.resolves.is_empty() {
            return Err(StoreError::NotInConflict(w.record_id));
        } else {
            match (w.parent, current) {
                (None, None) if w.content.is_none() => {
                    return Err(StoreError::NotFound(w.record_id));
                }
                (None, None) => {}
                (None, Some(_)) => return Err(StoreError::AlreadyExists(w.record_id)),
                (Some(_), None) => return Err(StoreError::NotFound(w.record_id)),
                (Some(parent), Some(head)) => {
                    if head.record_type != w.record_type {
                        return Err(StoreError::WrongType {
                            record: w.record_id,
                            expected: w.record_type,
                            actual: head.record_type,
                        });
                    }
                    if head.revision_id != parent {
                        return Err(StoreError::Stale {
                            record: w.record_id,
                            expected: parent,
                            actual: head.revision_id,
                        });
                    }
                    // A deleted record comes back only when asked for
                    // by name, and only with content.
                    if head.deleted && !(w.content.is_some() && restore.contains(&w.record_id)) {
                        return Err(StoreError::Deleted(w.record_id));
                    }
                }
            }
        }
        let revision = Revision {
            id: w.revision_id.unwrap_or_default(),
            record_id: w.record_id,
            record_type: w.record_type,
            parents: w.parent.into_iter().chain(w.resolves).collect(),
            node_id,
            author: w.author,
            created_ms: w.created_ms,
            deleted: w.content.is_none(),
            content: w.content.as_ref().map(Content::to_json).unwrap_or_default(),
        };
        state.insert(
            w.record_id,
            After {
                head: Head {
                    record_type: w.record_type,
                    revision_id: revision.id,
                    deleted: revision.deleted,
                },
                content: w.content,
            },
        );
        revisions.push(revision);
    }

    Ok(Staged {
        revisions,
        order,
        prior,
        state,
        resolved,
    })
}

/// What a commit does beside its writes.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    /// Records whose deletion a write may undo.
    pub restore: HashSet<RecordId>,
    /// (record, revision) pairs for `import_bases`.
    pub bases: Vec<(RecordId, RevisionId)>,
    /// Attached files the writes name, by hash, and when they were kept.
    pub blobs: Vec<(String, crate::blobs::NewBlob)>,
    pub blob_ms: i64,
    /// The reorganisation these writes make, noted with their revisions.
    pub org_change: Option<crate::org_changes::OrgChange>,
    /// An erasure: the revisions whose content is cleared (with what they
    /// hold from now on) and the notes of it (`crate::personal`).
    pub erasure: Option<crate::personal::Clearing>,
    /// What the track files among `blobs` measure.
    pub tracks: Vec<crate::tracks::TrackFacts>,
}

pub(crate) fn is_retryable(e: &StoreError) -> bool {
    // Serialization failure and deadlock: PostgreSQL rolled the transaction
    // back and it can be run again as it was.
    matches!(e, StoreError::Database(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("40001" | "40P01")))
}

pub(crate) fn parse_id<T: FromStr>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {s}")))
}

pub(crate) fn parse_type(s: &str) -> Result<RecordType> {
    RecordType::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown record type {s}")))
}

fn parse_content(t: RecordType, json: &str) -> Result<Content> {
    Content::from_json(t, json).map_err(|e| StoreError::Corrupt(format!("{t} content: {e}")))
}

fn date_of_key(key: i64) -> Option<Date> {
    Date::new(
        (key / 10_000) as i16,
        ((key / 100) % 100) as i8,
        (key % 100) as i8,
    )
    .ok()
}

fn push_unit_filter(q: &mut Sql, units: &[Code]) {
    q.push(" AND set_id IN (SELECT set_id FROM unit_set_members WHERE unit IN (");
    q.push_list(units.iter().map(|u| u.as_str().to_string()));
    q.push("))");
}

/// The days of `period` cut where the scope's units change, each run with
/// its units (`None`: every unit, no filter). Empty when the scope covers
/// no day of `period`.
fn scope_runs(period: Period, scope: &Option<Scope>) -> Vec<(Period, Option<Vec<Code>>)> {
    match scope {
        None => vec![(period, None)],
        Some(s) => s
            .segments(&period)
            .into_iter()
            .map(|seg| (seg.period, Some(seg.units)))
            .collect(),
    }
}

/// `SELECT measure_id, set_id, value … UNION ALL …`: the facts of each run
/// (of `measure` alone if given) for its units, read from the fewest
/// calendar blocks of the run. The runs do not overlap, nor do the blocks of
/// a run, so each fact is read at most once; a run reads a bounded number
/// of rows per measure and unit set, whatever its length.
/// Which measures [`push_facts`] reads.
#[derive(Clone, Copy)]
enum Measures<'a> {
    All,
    Named(&'a str),
    /// Every measure whose name starts with this.
    Prefixed(&'a str),
}

fn push_facts(q: &mut Sql, runs: Vec<(Period, Option<Vec<Code>>)>, measures: Measures<'_>) {
    let mut first = true;
    let mut select = |q: &mut Sql, table: &str, column: &str| {
        if !first {
            q.push(" UNION ALL ");
        }
        first = false;
        q.push(format!(
            "SELECT measure_id, set_id, value FROM {table} WHERE "
        ));
        match measures {
            Measures::All => {}
            Measures::Named(name) => {
                q.push("measure_id = (SELECT id FROM measures WHERE name = ")
                    .push_bind(name.to_string())
                    .push(") AND ");
            }
            Measures::Prefixed(prefix) => {
                // The prefixes are the product's own measure names, which hold
                // no LIKE wildcard.
                q.push("measure_id IN (SELECT id FROM measures WHERE name LIKE ")
                    .push_bind(format!("{prefix}%"))
                    .push(") AND ");
            }
        }
        q.push(column);
    };
    for (run, run_units) in runs {
        let blocks = spans::blocks(run);
        for (table, buckets) in [
            ("year_facts", blocks.years),
            ("month_facts", blocks.months),
            ("half_month_facts", blocks.half_months),
        ] {
            if buckets.is_empty() {
                continue;
            }
            select(q, table, "bucket");
            q.push(" IN (").push_list(buckets).push(")");
            if let Some(u) = &run_units {
                push_unit_filter(q, u);
            }
        }
        for (a, b) in blocks.days {
            select(q, "daily_facts", "day");
            q.push(" BETWEEN ").push_bind(a).push(" AND ").push_bind(b);
            if let Some(u) = &run_units {
                push_unit_filter(q, u);
            }
        }
    }
    if first {
        // No day to read: an empty set of the same shape.
        q.push("SELECT measure_id, set_id, value FROM daily_facts WHERE 1 = 0");
    }
}

/// ` AND (…)`: a record dated on a day of `within` when one of its units
/// is in `scope` — or, `in_force`, in force on such a day (from `day` to
/// `until_day`); an undated record under a unit that is in it on some day.
fn push_scope_filter(q: &mut Sql, scope: &Scope, within: Period, in_force: bool) {
    q.push(" AND ((day IS NULL");
    push_unit_filter(q, &scope.units().cloned().collect::<Vec<_>>());
    q.push(")");
    for seg in scope.segments(&within) {
        q.push(" OR (day <= ").push_bind(day_key(seg.period.to));
        if in_force {
            q.push(" AND (until_day IS NULL OR until_day >= ")
                .push_bind(day_key(seg.period.from))
                .push(")");
        } else {
            q.push(" AND day >= ").push_bind(day_key(seg.period.from));
        }
        push_unit_filter(q, &seg.units);
        q.push(")");
    }
    q.push(")");
}

fn parse_parents(json: &str) -> Result<Vec<RevisionId>> {
    let parents: Vec<String> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("parents: {e}")))?;
    parents.iter().map(|p| parse_id(p)).collect()
}

pub(crate) fn revision_from_row(row: &AnyRow) -> Result<Revision> {
    Ok(Revision {
        id: parse_id(row.try_get("id")?)?,
        record_id: parse_id(row.try_get("record_id")?)?,
        record_type: parse_type(row.try_get("record_type")?)?,
        parents: parse_parents(row.try_get("parents")?)?,
        node_id: parse_id(row.try_get("node_id")?)?,
        author: row.try_get("author")?,
        created_ms: row.try_get("created_ms")?,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
        content: row.try_get("content")?,
    })
}

pub(crate) fn current_from_row(row: &AnyRow) -> Result<CurrentRecord> {
    Ok(CurrentRecord {
        record_id: parse_id(row.try_get("record_id")?)?,
        record_type: parse_type(row.try_get("record_type")?)?,
        revision_id: parse_id(row.try_get("revision_id")?)?,
        day: row.try_get::<Option<i64>, _>("day")?.and_then(date_of_key),
        content: row.try_get("content")?,
    })
}

/// A record's state before a commit, as the derived tables know it.
struct Prior {
    head: Head,
    content: Option<Content>,
    set_id: Option<i64>,
    /// Every head when the record is in conflict; empty otherwise.
    conflict: Vec<RevisionId>,
}

/// A record's state after a commit.
struct After {
    head: Head,
    content: Option<Content>,
}

/// What one record's change does to the derived tables.
struct Change {
    record_id: RecordId,
    prior: Option<Prior>,
    after: After,
}

async fn load_prior(
    conn: &mut AnyConnection,
    ids: &[RecordId],
    backend: Backend,
) -> Result<HashMap<RecordId, Prior>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT h.record_id, h.record_type, h.revision_id, h.deleted, c.content, c.set_id \
             FROM heads h LEFT JOIN current_records c ON c.record_id = h.record_id WHERE h.record_id IN (",
        );
        q.push_list(chunk.iter().map(|id| id.to_string()));
        q.push(")");
        if backend == Backend::Postgres {
            // Concurrent commits to the same record wait here, then see its
            // new head and are refused as stale; sorted, so they cannot
            // deadlock each other.
            q.push(" ORDER BY h.record_id FOR UPDATE OF h");
        }
        for row in q.build_for(Backend::of(conn)).fetch_all(&mut *conn).await? {
            let record_type = parse_type(row.try_get("record_type")?)?;
            let content: Option<String> = row.try_get("content")?;
            let prior = Prior {
                head: Head {
                    record_type,
                    revision_id: parse_id(row.try_get("revision_id")?)?,
                    deleted: row.try_get::<i64, _>("deleted")? != 0,
                },
                content: content
                    .map(|c| parse_content(record_type, &c))
                    .transpose()?,
                set_id: row.try_get("set_id")?,
                conflict: Vec::new(),
            };
            out.insert(parse_id(row.try_get("record_id")?)?, prior);
        }
        let mut q = Sql::new("SELECT record_id, heads FROM conflicts WHERE record_id IN (");
        q.push_list(chunk.iter().map(|id| id.to_string()));
        q.push(")");
        for row in q.build_for(Backend::of(conn)).fetch_all(&mut *conn).await? {
            let record: RecordId = parse_id(row.try_get("record_id")?)?;
            if let Some(p) = out.get_mut(&record) {
                p.conflict = parse_heads(row.try_get("heads")?)?;
            }
        }
    }
    Ok(out)
}

/// A conflict's heads as stored (a JSON list), in id order.
fn parse_heads(json: &str) -> Result<Vec<RevisionId>> {
    let mut heads = parse_parents(json)?;
    heads.sort();
    Ok(heads)
}

/// Brings the conflicts table in line for these records: a record with
/// several heads is (still) in conflict; one with a single head is not.
pub(crate) async fn set_conflicts(
    conn: &mut AnyConnection,
    records: &[(RecordId, RecordType, Vec<RevisionId>)],
) -> Result<()> {
    for chunk in records.chunks(CHUNK) {
        let mut q = Sql::new("DELETE FROM conflicts WHERE record_id IN (");
        q.push_list(chunk.iter().map(|(id, _, _)| id.to_string()));
        q.push(")");
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
        let open: Vec<_> = chunk.iter().filter(|(_, _, h)| h.len() > 1).collect();
        if open.is_empty() {
            continue;
        }
        let mut q = Sql::new("INSERT INTO conflicts (record_id, record_type, heads) ");
        q.push_values(open, |row, (id, record_type, heads)| {
            let mut heads: Vec<String> = heads.iter().map(ToString::to_string).collect();
            heads.sort();
            row.push_bind(id.to_string())
                .push_bind(record_type.as_str().to_string())
                .push_bind(serde_json::to_string(&heads).unwrap_or_else(|_| "[]".into()));
        });
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Ids of unit sets and measures, created on first use within a transaction.
#[derive(Default)]
struct Ids {
    sets: HashMap<String, i64>,
    measures: HashMap<String, i64>,
}

impl Ids {
    async fn set(&mut self, conn: &mut AnyConnection, content: &Content) -> Result<Option<i64>> {
        let Some(set) = unit_set(content) else {
            return Ok(None);
        };
        let key = set.key();
        if let Some(id) = self.sets.get(&key) {
            return Ok(Some(*id));
        }
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM unit_sets WHERE key = $1")
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO unit_sets (key, lead_unit) VALUES ($1, $2) RETURNING id",
                )
                .bind(&key)
                .bind(set.lead.as_str())
                .fetch_one(&mut *conn)
                .await?;
                for m in &set.members {
                    sqlx::query("INSERT INTO unit_set_members (unit, set_id) VALUES ($1, $2)")
                        .bind(m.as_str())
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                }
                id
            }
        };
        self.sets.insert(key, id);
        Ok(Some(id))
    }

    async fn measure(&mut self, conn: &mut AnyConnection, name: &str) -> Result<i64> {
        if let Some(id) = self.measures.get(name) {
            return Ok(*id);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO measures (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
        )
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
        self.measures.insert(name.to_string(), id);
        Ok(id)
    }
}

/// Brings heads, current records and daily facts in line with `changes`.
/// `json` holds the canonical JSON of the changes' contents where it is
/// already written out (by their revisions), so that it is not again.
async fn apply_derived(
    conn: &mut AnyConnection,
    changes: &[Change],
    json: &HashMap<RevisionId, &str>,
) -> Result<()> {
    let mut ids = Ids::default();
    let mut deltas: HashMap<(i64, i64, i64), i64> = HashMap::new();
    let mut upserts = Vec::new();
    let mut removals = Vec::new();

    for change in changes {
        if let Some(prior) = &change.prior
            && let (Some(content), Some(set_id)) = (&prior.content, prior.set_id)
        {
            for c in contributions(content) {
                let m = ids.measure(conn, &c.measure).await?;
                *deltas.entry((day_key(c.day), m, set_id)).or_default() -= c.value;
            }
        }
        match &change.after.content {
            Some(content) => {
                let set_id = ids.set(conn, content).await?;
                if let Some(set_id) = set_id {
                    for c in contributions(content) {
                        let m = ids.measure(conn, &c.measure).await?;
                        *deltas.entry((day_key(c.day), m, set_id)).or_default() += c.value;
                    }
                }
                upserts.push((change, set_id, content));
            }
            None => removals.push(change.record_id),
        }
    }

    for chunk in changes.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO heads (record_id, record_type, revision_id, deleted) ");
        q.push_values(chunk, |row, c| {
            row.push_bind(c.record_id.to_string())
                .push_bind(c.after.head.record_type.as_str().to_string())
                .push_bind(c.after.head.revision_id.to_string())
                .push_bind(i64::from(c.after.head.deleted));
        });
        q.push(
            " ON CONFLICT (record_id) DO UPDATE SET record_type = excluded.record_type, \
             revision_id = excluded.revision_id, deleted = excluded.deleted",
        );
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }

    for chunk in upserts.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO current_records \
             (record_id, record_type, revision_id, day, until_day, category, set_id, subject_of, content) ",
        );
        q.push_values(chunk, |row, (change, set_id, content)| {
            row.push_bind(change.record_id.to_string())
                .push_bind(change.after.head.record_type.as_str().to_string())
                .push_bind(change.after.head.revision_id.to_string())
                .push_bind(content.date().map(day_key))
                .push_bind(content.until().map(day_key))
                .push_bind(content.category().map(str::to_string))
                .push_bind(*set_id)
                .push_bind(content.subject_of().map(|r| r.to_string()))
                .push_bind(
                    json.get(&change.after.head.revision_id)
                        .map_or_else(|| content.to_json(), |j| (*j).to_string()),
                );
        });
        q.push(
            " ON CONFLICT (record_id) DO UPDATE SET record_type = excluded.record_type, \
             revision_id = excluded.revision_id, day = excluded.day, until_day = excluded.until_day, \
             category = excluded.category, set_id = excluded.set_id, \
             subject_of = excluded.subject_of, content = excluded.content",
        );
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }

    for chunk in removals.chunks(CHUNK) {
        let mut q = Sql::new("DELETE FROM current_records WHERE record_id IN (");
        q.push_list(chunk.iter().map(|id| id.to_string()));
        q.push(")");
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }

    add_facts(conn, deltas).await
}

/// Adds per-day `deltas` to the facts at every calendar level (day,
/// half-month, both months, both years): the one writer of the facts.
async fn add_facts(conn: &mut AnyConnection, deltas: HashMap<(i64, i64, i64), i64>) -> Result<()> {
    let mut by_half_month: HashMap<(i64, i64, i64), i64> = HashMap::new();
    let mut by_month: HashMap<(i64, i64, i64), i64> = HashMap::new();
    let mut by_year: HashMap<(i64, i64, i64), i64> = HashMap::new();
    for ((day, m, set), v) in &deltas {
        *by_half_month
            .entry((spans::half_month_of_key(*day), *m, *set))
            .or_default() += v;
        for bucket in spans::months_of_key(*day) {
            *by_month.entry((bucket, *m, *set)).or_default() += v;
        }
        for bucket in spans::years_of_key(*day) {
            *by_year.entry((bucket, *m, *set)).or_default() += v;
        }
    }
    add_deltas(conn, "daily_facts", "day", deltas).await?;
    add_deltas(conn, "half_month_facts", "bucket", by_half_month).await?;
    add_deltas(conn, "month_facts", "bucket", by_month).await?;
    add_deltas(conn, "year_facts", "bucket", by_year).await?;
    Ok(())
}

/// Removes `records` whole — revisions, receipts, heads, current rows,
/// conflicts, and what they added to the facts — and notes each purge
/// (docs/adr/0012-purging-what-a-node-may-no-longer-hold.md). Returns the
/// revisions removed.
async fn purge_in(
    conn: &mut AnyConnection,
    backend: Backend,
    records: &[RecordId],
    reason: &str,
    at_ms: i64,
) -> Result<usize> {
    let prior = load_prior(conn, records, backend).await?;
    let mut ids = Ids::default();
    let mut deltas: HashMap<(i64, i64, i64), i64> = HashMap::new();
    for p in prior.values() {
        if let (Some(content), Some(set_id)) = (&p.content, p.set_id) {
            for c in contributions(content) {
                let m = ids.measure(conn, &c.measure).await?;
                *deltas.entry((day_key(c.day), m, set_id)).or_default() -= c.value;
            }
        }
    }
    add_facts(conn, deltas).await?;
    let mut removed = 0;
    for chunk in records.chunks(CHUNK) {
        let keys = || chunk.iter().map(|id| id.to_string());
        let mut q = Sql::new(
            "SELECT record_id, MIN(record_type) AS record_type, COUNT(*) AS n FROM revisions WHERE record_id IN (",
        );
        q.push_list(keys());
        q.push(") GROUP BY record_id");
        let counted: Vec<(String, String, i64)> = q
            .build_for(Backend::of(conn))
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get("record_id")?,
                    row.try_get("record_type")?,
                    row.try_get("n")?,
                ))
            })
            .collect::<Result<_>>()?;
        let mut q = Sql::new(
            "DELETE FROM revision_receipts WHERE revision_id IN (SELECT id FROM revisions WHERE record_id IN (",
        );
        q.push_list(keys());
        q.push("))");
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
        for table in ["current_records", "heads", "conflicts", "revisions"] {
            let mut q = Sql::new(format!("DELETE FROM {table} WHERE record_id IN ("));
            q.push_list(keys());
            q.push(")");
            q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
        }
        if counted.is_empty() {
            continue;
        }
        let mut q =
            Sql::new("INSERT INTO purges (record_id, record_type, revisions, reason, at_ms) ");
        q.push_values(&counted, |row, (id, record_type, n)| {
            row.push_bind(id.clone())
                .push_bind(record_type.clone())
                .push_bind(*n)
                .push_bind(reason.to_string())
                .push_bind(at_ms);
        });
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
        removed += counted.iter().map(|(_, _, n)| *n as usize).sum::<usize>();
    }
    Ok(removed)
}

/// Adds `deltas` to a facts table keyed by (`key`, measure, unit set),
/// removing rows that fall to zero so that the table equals a rebuild.
async fn add_deltas(
    conn: &mut AnyConnection,
    table: &'static str,
    key: &'static str,
    deltas: HashMap<(i64, i64, i64), i64>,
) -> Result<()> {
    let mut deltas: Vec<_> = deltas.into_iter().filter(|(_, v)| *v != 0).collect();
    if deltas.is_empty() {
        return Ok(());
    }
    deltas.sort_unstable();
    for chunk in deltas.chunks(CHUNK) {
        let mut q = Sql::new(format!(
            "INSERT INTO {table} ({key}, measure_id, set_id, value) "
        ));
        q.push_values(chunk, |row, ((k, m, s), v)| {
            row.push_bind(*k).push_bind(*m).push_bind(*s).push_bind(*v);
        });
        q.push(format!(
            " ON CONFLICT ({key}, measure_id, set_id) DO UPDATE SET value = {table}.value + excluded.value"
        ));
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    // No row is ever left at zero (a delta of zero is not written, and a
    // row brought to zero goes here), so the zero rows among the touched
    // keys are exactly those these deltas emptied. Found by key rather
    // than returned by the upserts: every returned row is a message from
    // SQLite's worker thread, which cost one thread switch per fact.
    let mut keys: Vec<i64> = deltas.iter().map(|((k, _, _), _)| *k).collect();
    keys.dedup();
    for chunk in keys.chunks(CHUNK) {
        let mut q = Sql::new(format!(
            "DELETE FROM {table} WHERE value = 0 AND {key} IN ("
        ));
        q.push_list(chunk.iter().copied());
        q.push(")");
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Appends `revisions` and brings the derived tables from each touched
/// record's `prior` state to its new one (`state`), in first-touched `order`.
/// `canonical`: the revisions' JSON is their content's canonical form
/// (written by [`stage`]), which the current rows may take as it is.
async fn store_revisions(
    conn: &mut AnyConnection,
    backend: Backend,
    revisions: &[Revision],
    canonical: bool,
    order: Vec<RecordId>,
    mut prior: HashMap<RecordId, Prior>,
    mut state: HashMap<RecordId, After>,
) -> Result<()> {
    let changes: Vec<Change> = order
        .into_iter()
        .filter_map(|id| {
            let after = state.remove(&id)?;
            Some(Change {
                record_id: id,
                prior: prior.remove(&id),
                after,
            })
        })
        .collect();
    let json: HashMap<RevisionId, &str> = if canonical {
        revisions
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| (r.id, r.content.as_str()))
            .collect()
    } else {
        HashMap::new()
    };
    apply_derived(conn, &changes, &json).await?;
    // Last, so that the sequence numbers are drawn in the serialized step
    // just before the commit (see `insert_revisions`).
    insert_revisions(conn, backend, revisions).await
}

/// Appends `revisions`, numbering them in `seq`. A pull moves a node's
/// cursor to the highest `seq` it saw, so no revision may become visible
/// with a `seq` below one already visible (docs/sync-protocol.md §2).
/// SQLite has one writer at a time (`BEGIN IMMEDIATE`), so numbering order
/// is commit order. PostgreSQL draws numbers at insert, in concurrent
/// transactions that commit in any order; so every transaction that adds
/// revisions takes one advisory lock right here, as its last step before
/// the commit, and keeps it until the commit is visible: numbers are drawn
/// in commit order. Nothing after this point waits for another writer, so
/// the lock is held only for these inserts and the commit.
async fn insert_revisions(
    conn: &mut AnyConnection,
    backend: Backend,
    revisions: &[Revision],
) -> Result<()> {
    if revisions.is_empty() {
        return Ok(());
    }
    if backend == Backend::Postgres {
        lock_revision_numbering(conn).await?;
    }
    for chunk in revisions.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO revisions (id, record_id, record_type, parents, node_id, author, created_ms, deleted, content) ",
        );
        q.push_values(chunk, |row, r| {
            let parents: Vec<String> = r.parents.iter().map(|p| p.to_string()).collect();
            row.push_bind(r.id.to_string())
                .push_bind(r.record_id.to_string())
                .push_bind(r.record_type.as_str().to_string())
                .push_bind(serde_json::to_string(&parents).unwrap_or_else(|_| "[]".into()))
                .push_bind(r.node_id.to_string())
                .push_bind(r.author.clone())
                .push_bind(r.created_ms)
                .push_bind(i64::from(r.deleted))
                .push_bind(r.content.clone());
        });
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Takes PostgreSQL's lock on the numbering of revisions, to the end of the
/// transaction (taken twice, it is held once more, released at the end
/// all the same).
pub(crate) async fn lock_revision_numbering(conn: &mut AnyConnection) -> Result<()> {
    // Wrapped: the lock function returns `void`, which the Any driver
    // cannot describe.
    sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l")
        .bind(REVISION_SEQ_LOCK)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A receipt for each of `fresh` (the revisions new to this store).
async fn insert_receipts(
    conn: &mut AnyConnection,
    fresh: &[Revision],
    receipt: &Receipt,
) -> Result<()> {
    let node = receipt.node_id.map(|n| n.to_string());
    for chunk in fresh.chunks(CHUNK) {
        let mut q =
            Sql::new("INSERT INTO revision_receipts (revision_id, account, node_id, received_ms) ");
        q.push_values(chunk, |row, r| {
            row.push_bind(r.id.to_string())
                .push_bind(receipt.account.clone())
                .push_bind(node.clone())
                .push_bind(receipt.received_ms);
        });
        q.build_for(Backend::of(conn)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The advisory lock key that serializes the numbering of revisions on
/// PostgreSQL ("BPSEQ" in ASCII); no other lock of this program uses it.
const REVISION_SEQ_LOCK: i64 = 0x0042_5053_4551;

pub(crate) const REVISION_COLUMNS: &str =
    "id, record_id, record_type, parents, node_id, author, created_ms, deleted, content";

/// The tables derived from the revisions, emptied and refilled by
/// [`rebuild_in`] (in this order: referencing tables first); a whole-store
/// copy rebuilds them instead of copying them.
pub(crate) const DERIVED_TABLES: [&str; 10] = [
    "daily_facts",
    "half_month_facts",
    "month_facts",
    "year_facts",
    "current_records",
    "heads",
    "unit_set_members",
    "unit_sets",
    "measures",
    "conflicts",
];

pub(crate) async fn rebuild_in(tx: &mut AnyConnection) -> Result<()> {
    for table in DERIVED_TABLES {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await?;
    }
    // A record's head is its revision that no other revision names as a
    // parent; with one writer per record that is its last one.
    let heads: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.record_id, r.record_type, r.id FROM revisions r \
         WHERE NOT EXISTS (SELECT 1 FROM revisions c WHERE c.record_id = r.record_id \
                           AND c.id <> r.id AND c.parents LIKE '%' || r.id || '%') \
         ORDER BY r.record_id, r.seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut heads_of: HashMap<String, (String, Vec<RevisionId>)> = HashMap::new();
    for (record, record_type, revision) in heads {
        heads_of
            .entry(record)
            .or_insert_with(|| (record_type, Vec::new()))
            .1
            .push(parse_id(&revision)?);
    }
    let mut head_ids: Vec<String> = Vec::with_capacity(heads_of.len());
    let mut conflicts = Vec::new();
    for (record, (record_type, heads)) in heads_of {
        // Several heads (a conflict between nodes): the greatest id is
        // shown, as `import` does.
        if let Some(shown) = bienphong_domain::revision::shown_head(&heads) {
            head_ids.push(shown.to_string());
        }
        if heads.len() > 1 {
            conflicts.push((parse_id(&record)?, parse_type(&record_type)?, heads));
        }
    }
    set_conflicts(&mut *tx, &conflicts).await?;
    head_ids.sort();
    for chunk in head_ids.chunks(CHUNK * 10) {
        let mut q = Sql::new(format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE id IN ("
        ));
        q.push_list(chunk.iter().cloned());
        q.push(") ORDER BY seq");
        let rows = q.build_for(Backend::of(tx)).fetch_all(&mut *tx).await?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in &rows {
            let r = revision_from_row(row)?;
            let content = if r.deleted {
                None
            } else {
                Some(parse_content(r.record_type, &r.content)?)
            };
            changes.push(Change {
                record_id: r.record_id,
                prior: None,
                after: After {
                    head: Head {
                        record_type: r.record_type,
                        revision_id: r.id,
                        deleted: r.deleted,
                    },
                    content,
                },
            });
        }
        apply_derived(&mut *tx, &changes, &HashMap::new()).await?;
    }
    Ok(())
}

async fn snapshot_in(conn: &mut AnyConnection) -> Result<DerivedSnapshot> {
    let heads: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT record_id, record_type, revision_id, deleted FROM heads ORDER BY record_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let current: Vec<CurrentRow> = sqlx::query_as(
        "SELECT c.record_id, c.revision_id, c.day, s.key, \
         c.content || '|' || COALESCE(CAST(c.until_day AS TEXT), '') || '|' || COALESCE(c.category, '') FROM current_records c \
         LEFT JOIN unit_sets s ON s.id = c.set_id ORDER BY c.record_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let facts: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT f.day, m.name, s.key, f.value FROM daily_facts f JOIN measures m ON m.id = f.measure_id \
         JOIN unit_sets s ON s.id = f.set_id ORDER BY f.day, m.name, s.key",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut buckets = Vec::new();
    for table in ["half_month_facts", "month_facts", "year_facts"] {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT f.bucket, m.name, s.key, f.value FROM {table} f \
             JOIN measures m ON m.id = f.measure_id \
             JOIN unit_sets s ON s.id = f.set_id ORDER BY f.bucket, m.name, s.key"
        )))
        .fetch_all(&mut *conn)
        .await?;
        buckets.push(rows);
    }
    let [half_month_facts, month_facts, year_facts]: [Vec<_>; 3] = buckets
        .try_into()
        .map_err(|_| StoreError::Corrupt("facts by bucket".into()))?;
    let mut conflicts = Vec::new();
    for (record, json) in sqlx::query_as::<_, (String, String)>(
        "SELECT record_id, heads FROM conflicts ORDER BY record_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let heads = parse_heads(&json)?;
        conflicts.push((record, heads.iter().map(ToString::to_string).collect()));
    }
    Ok(DerivedSnapshot {
        conflicts,
        heads: heads
            .into_iter()
            .map(|(a, b, c, d)| (a, b, c, d != 0))
            .collect(),
        current,
        facts,
        half_month_facts,
        month_facts,
        year_facts,
    })
}

impl Store for SqlStore {
    fn node_id(&self) -> NodeId {
        self.node_id
    }

    async fn commit(&self, writes: Vec<Write>) -> Result<Vec<Revision>> {
        let mut attempt = 0;
        loop {
            match self.try_commit(writes.clone()).await {
                Err(e) if is_retryable(&e) && attempt < 8 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(5 << attempt.min(6))).await;
                }
                outcome => return outcome,
            }
        }
    }
    async fn head(&self, record: RecordId) -> Result<Option<Head>> {
        let row =
            sqlx::query("SELECT record_type, revision_id, deleted FROM heads WHERE record_id = $1")
                .bind(record.to_string())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(Head {
                record_type: parse_type(r.try_get("record_type")?)?,
                revision_id: parse_id(r.try_get("revision_id")?)?,
                deleted: r.try_get::<i64, _>("deleted")? != 0,
            })
        })
        .transpose()
    }

    async fn get(&self, record: RecordId) -> Result<Option<CurrentRecord>> {
        let row = sqlx::query(
            "SELECT record_id, record_type, revision_id, day, content FROM current_records WHERE record_id = $1",
        )
        .bind(record.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(current_from_row).transpose()
    }

    async fn history(&self, record: RecordId) -> Result<Vec<Revision>> {
        let sql =
            format!("SELECT {REVISION_COLUMNS} FROM revisions WHERE record_id = $1 ORDER BY seq");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(record.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(revision_from_row).collect()
    }

    async fn list(&self, filter: ListFilter) -> Result<Vec<CurrentRecord>> {
        let mut q = Sql::new(
            "SELECT record_id, record_type, revision_id, day, content FROM current_records WHERE 1 = 1",
        );
        if let Some(t) = filter.record_type {
            q.push(" AND record_type = ")
                .push_bind(t.as_str().to_string());
        }
        if let Some(p) = filter.period {
            q.push(" AND day BETWEEN ")
                .push_bind(day_key(p.from))
                .push(" AND ")
                .push_bind(day_key(p.to));
        }
        if let Some(c) = &filter.category {
            q.push(" AND category = ").push_bind(c.clone());
        }
        if let Some(scope) = &filter.units {
            let within = filter.period.unwrap_or(Period {
                from: Date::MIN,
                to: Date::MAX,
            });
            push_scope_filter(&mut q, scope, within, false);
        }
        if let Some(s) = filter.subject_of {
            q.push(" AND subject_of = ").push_bind(s.to_string());
        }
        if let Some(key) = filter.after {
            // Undated records come first: after one of them, the later
            // undated ones and every dated one; after a dated one, only
            // dated ones (NULL fails both comparisons).
            match key.day {
                None => q
                    .push(" AND (day IS NOT NULL OR record_id > ")
                    .push_bind(key.record_id.to_string())
                    .push(")"),
                Some(day) => q
                    .push(" AND day >= ")
                    .push_bind(day_key(day))
                    .push(" AND (day > ")
                    .push_bind(day_key(day))
                    .push(" OR record_id > ")
                    .push_bind(key.record_id.to_string())
                    .push(")"),
            };
        }
        // The order is total (the id breaks ties) and the same on both
        // backends (PostgreSQL would put NULLs last by default), so a
        // keyset continues exactly where the last page ended.
        q.push(" ORDER BY day NULLS FIRST, record_id");
        if let Some(limit) = filter.limit {
            q.push(" LIMIT ").push_bind(i64::from(limit));
            q.push(" OFFSET ").push_bind(i64::from(filter.offset));
        }
        let rows = q.build_for(self.backend).fetch_all(&self.pool).await?;
        rows.iter().map(current_from_row).collect()
    }

    async fn structure(&self) -> Result<Vec<CurrentRecord>> {
        let rows = sqlx::query(
            "SELECT record_id, record_type, revision_id, day, content FROM current_records \
             WHERE record_type IN ('unit', 'link', 'marker', 'catalogue') ORDER BY record_type, record_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(current_from_row).collect()
    }

    async fn unit_seizures(
        &self,
        unit: &Code,
        except: Option<RecordId>,
    ) -> Result<Vec<(Code, Quantity)>> {
        // A case's unit set is led by its handling unit.
        let rows = sqlx::query(
            "SELECT record_id, record_type, revision_id, day, content FROM current_records \
             WHERE record_type = 'case' AND set_id IN (SELECT id FROM unit_sets WHERE lead_unit = $1) \
             AND record_id <> $2",
        )
        .bind(unit.as_str().to_string())
        .bind(except.map(|r| r.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for row in &rows {
            let r = current_from_row(row)?;
            if let Content::Case(c) = parse_content(r.record_type, &r.content)? {
                out.extend(c.seizures.into_iter().map(|s| (s.item, s.quantity)));
            }
        }
        Ok(out)
    }

    async fn sum_measures(
        &self,
        period: Period,
        units: Option<Scope>,
        by_lead_unit: bool,
    ) -> Result<Vec<MeasureSum>> {
        let runs = scope_runs(period, &units);
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        let (lead, join, group) = if by_lead_unit {
            (
                "s.lead_unit",
                " JOIN unit_sets s ON s.id = f.set_id",
                "m.name, s.lead_unit",
            )
        } else {
            ("CAST(NULL AS TEXT)", "", "m.name")
        };
        let mut q = Sql::new(format!(
            "SELECT m.name, {lead}, CAST(SUM(f.value) AS BIGINT) FROM ("
        ));
        push_facts(&mut q, runs, Measures::All);
        q.push(format!(
            ") AS f JOIN measures m ON m.id = f.measure_id{join} GROUP BY {group}"
        ));
        let rows: Vec<(String, Option<String>, i64)> = q
            .build_query_as_for(self.backend)
            .fetch_all(&self.pool)
            .await?;
        let mut out = rows
            .into_iter()
            .filter(|(_, _, v)| *v != 0)
            .map(|(measure, lead, value)| {
                Ok(MeasureSum {
                    measure,
                    lead_unit: lead
                        .map(|c| {
                            Code::parse(&c)
                                .map_err(|_| StoreError::Corrupt(format!("unit code {c}")))
                        })
                        .transpose()?,
                    value,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort();
        Ok(out)
    }

    async fn count_active(
        &self,
        record_type: RecordType,
        period: Period,
        units: Option<Scope>,
    ) -> Result<Vec<(String, i64)>> {
        if record_type == RecordType::Programme {
            let runs = scope_runs(period, &units);
            match runs.as_slice() {
                [] => return Ok(Vec::new()),
                [(_, run_units)] => return self.programmes_active(period, run_units).await,
                // A scope whose units change during the period counts a
                // programme once however many of its runs it is in force
                // in, which two sums per run cannot say: read the rows.
                _ => {}
            }
        }
        let mut q = Sql::new(
            "SELECT COALESCE(category, ''), COUNT(*) FROM current_records WHERE record_type = ",
        );
        q.push_bind(record_type.as_str().to_string())
            .push(" AND day <= ")
            .push_bind(day_key(period.to))
            .push(" AND (until_day IS NULL OR until_day >= ")
            .push_bind(day_key(period.from))
            .push(")");
        if let Some(scope) = &units {
            push_scope_filter(&mut q, scope, period, true);
        }
        q.push(" GROUP BY category ORDER BY category");
        Ok(q.build_query_as_for(self.backend)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn units_counted(
        &self,
        measure: &str,
        period: Period,
        units: Option<Scope>,
    ) -> Result<BTreeSet<Code>> {
        let runs = scope_runs(period, &units);
        if runs.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut q = Sql::new(
            "SELECT DISTINCT unit FROM unit_set_members WHERE set_id IN \
             (SELECT set_id FROM (",
        );
        push_facts(&mut q, runs, Measures::Named(measure));
        q.push(") AS f GROUP BY set_id HAVING SUM(value) > 0)");
        let units: Vec<(String,)> = q
            .build_query_as_for(self.backend)
            .fetch_all(&self.pool)
            .await?;
        units
            .into_iter()
            .map(|(u,)| Code::parse(&u).map_err(|_| StoreError::Corrupt(format!("unit code {u}"))))
            .collect()
    }

    async fn rebuild(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        rebuild_in(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn verify_derived(&self) -> Result<bool> {
        // Rebuilt inside a transaction that is rolled back: a check changes nothing.
        let mut tx = self.begin().await?;
        let maintained = snapshot_in(&mut tx).await?;
        rebuild_in(&mut tx).await?;
        let rebuilt = snapshot_in(&mut tx).await?;
        tx.rollback().await?;
        Ok(maintained == rebuilt)
    }

    async fn derived_snapshot(&self) -> Result<DerivedSnapshot> {
        let mut conn = self.pool.acquire().await?;
        snapshot_in(&mut conn).await
    }

    async fn revisions(&self) -> Result<Vec<Revision>> {
        let sql = format!("SELECT {REVISION_COLUMNS} FROM revisions ORDER BY seq");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(revision_from_row).collect()
    }

    async fn revisions_after(&self, after_seq: i64, limit: u32) -> Result<Vec<(i64, Revision)>> {
        let sql = format!(
            "SELECT seq, {REVISION_COLUMNS} FROM revisions WHERE seq > $1 ORDER BY seq LIMIT $2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(after_seq)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>("seq")?, revision_from_row(r)?)))
            .collect()
    }

    async fn import(&self, revisions: Vec<Revision>) -> Result<usize> {
        self.import_in(revisions, None).await
    }

    async fn import_received(&self, revisions: Vec<Revision>, receipt: &Receipt) -> Result<usize> {
        self.import_in(revisions, Some(receipt)).await
    }

    async fn receipts(&self, record: RecordId) -> Result<HashMap<RevisionId, Receipt>> {
        let rows = sqlx::query(
            "SELECT rr.revision_id, rr.account, rr.node_id, rr.received_ms \
             FROM revision_receipts rr JOIN revisions r ON r.id = rr.revision_id \
             WHERE r.record_id = $1",
        )
        .bind(record.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let node: Option<String> = row.try_get("node_id")?;
                Ok((
                    parse_id(row.try_get("revision_id")?)?,
                    Receipt {
                        account: row.try_get("account")?,
                        node_id: node.as_deref().map(parse_id).transpose()?,
                        received_ms: row.try_get("received_ms")?,
                    },
                ))
            })
            .collect()
    }

    async fn conflicts(&self) -> Result<Vec<Conflict>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT record_id, record_type, heads FROM conflicts ORDER BY record_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(record, record_type, heads)| {
                Ok(Conflict {
                    record_id: parse_id(&record)?,
                    record_type: parse_type(&record_type)?,
                    heads: parse_heads(&heads)?,
                })
            })
            .collect()
    }

    async fn present_revisions(&self, ids: &[RevisionId]) -> Result<HashSet<RevisionId>> {
        let mut present = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let mut q = Sql::new("SELECT id FROM revisions WHERE id IN (");
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(self.backend).fetch_all(&self.pool).await? {
                present.insert(parse_id(row.try_get("id")?)?);
            }
        }
        Ok(present)
    }

    async fn revisions_by_ids(&self, ids: &[RevisionId]) -> Result<Vec<Revision>> {
        let mut rows = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let mut q = Sql::new(format!(
                "SELECT seq, {REVISION_COLUMNS} FROM revisions WHERE id IN ("
            ));
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(self.backend).fetch_all(&self.pool).await? {
                rows.push((row.try_get::<i64, _>("seq")?, revision_from_row(&row)?));
            }
        }
        rows.sort_by_key(|(seq, _)| *seq);
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    async fn revision_digest(&self) -> Result<(u64, String)> {
        let mut conn = self.pool.acquire().await?;
        revision_digest_in(&mut conn).await
    }

    async fn next_document_number(
        &self,
        issuer: &str,
        style: &str,
        series: &str,
        period: &str,
        audit: impl FnOnce(u32) -> crate::AuditEntry + Send,
    ) -> Result<u32> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO document_registers (issuer, style, series, period, last_number) \
             VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (issuer, style, series, period) \
             DO UPDATE SET last_number = document_registers.last_number + 1 \
             RETURNING last_number",
        )
        .bind(issuer.to_string())
        .bind(style.to_string())
        .bind(series.to_string())
        .bind(period.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let n =
            u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("register number {n}")))?;
        crate::accounts::insert_audit_in(&mut tx, std::slice::from_ref(&audit(n))).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn records_of_mixed_type(&self) -> Result<Vec<RecordId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT record_id FROM revisions GROUP BY record_id \
             HAVING COUNT(DISTINCT record_type) > 1 ORDER BY record_id",
        )
        .fetch_all(&self.pool)
        .await?;
        ids.iter().map(|id| parse_id(id)).collect()
    }

    async fn record_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM current_records WHERE record_type IN \
             ('patrol', 'case', 'meeting', 'document', 'programme', 'propaganda', 'disaster')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n as u64)
    }

    async fn last_seq(&self) -> Result<i64> {
        let n: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM revisions")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.unwrap_or(0))
    }

    async fn revision_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM revisions")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn purge(&self, records: &[RecordId], reason: &str, at_ms: i64) -> Result<usize> {
        if records.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let removed = purge_in(&mut tx, self.backend, records, reason, at_ms).await?;
        tx.commit().await?;
        Ok(removed)
    }

    async fn purges(&self) -> Result<Vec<Purge>> {
        let rows = sqlx::query(
            "SELECT record_id, record_type, revisions, reason, at_ms FROM purges ORDER BY at_ms, record_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Purge {
                    record_id: parse_id(row.try_get("record_id")?)?,
                    record_type: parse_type(row.try_get("record_type")?)?,
                    revisions: row.try_get::<i64, _>("revisions")?.max(0) as u64,
                    reason: row.try_get("reason")?,
                    at_ms: row.try_get("at_ms")?,
                })
            })
            .collect()
    }

    async fn current_of(
        &self,
        records: &[RecordId],
    ) -> Result<HashMap<RecordId, (Head, Option<String>)>> {
        let mut out = HashMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut q = Sql::new(
                "SELECT h.record_id, h.record_type, h.revision_id, h.deleted, c.content \
                 FROM heads h LEFT JOIN current_records c ON c.record_id = h.record_id WHERE h.record_id IN (",
            );
            q.push_list(chunk.iter().map(|id| id.to_string()));
            q.push(")");
            for row in q.build_for(self.backend).fetch_all(&self.pool).await? {
                let head = Head {
                    record_type: parse_type(row.try_get("record_type")?)?,
                    revision_id: parse_id(row.try_get("revision_id")?)?,
                    deleted: row.try_get::<i64, _>("deleted")? != 0,
                };
                out.insert(
                    parse_id(row.try_get("record_id")?)?,
                    (head, row.try_get("content")?),
                );
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_passwords() {
        assert_eq!(
            mask_url("postgres://u:secret@host:5432/db"),
            "postgres://u:***@host:5432/db"
        );
        assert_eq!(mask_url("postgres://u@host/db"), "postgres://u@host/db");
        assert_eq!(
            mask_url("postgres://u:p@ss:w@rd@host/db"),
            "postgres://u:***@host/db"
        );
        assert_eq!(
            mask_url("sqlite:///var/lib/x.sqlite"),
            "sqlite:///var/lib/x.sqlite"
        );
        assert_eq!(mask_url("not a url"), "not a url");
    }
}
