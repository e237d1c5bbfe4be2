//! Moving a whole store to another, revisions and all, and proving it.

use crate::sql::{Backend, SqlStore};
use crate::{BlobStore, ImportStore, Result, Store, StoreError};
use futures_util::TryStreamExt as _;
use sqlx::{AssertSqlSafe, Row as _};

/// What a copy moved and the digest both stores agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub revisions: u64,
    pub digest: String,
    /// Attached files copied (each content once).
    pub blobs: u64,
    /// Import bases moved along (docs/adr/0006-sheets.md): without them a
    /// re-import after the copy could not tell a web correction from a
    /// change in the file.
    pub import_bases: u64,
}

const PAGE: u32 = 10_000;

/// Copies every revision of `from` into `to`, which must be empty, page by
/// page in the order `from` received them; then checks that both hold the
/// same number of revisions with the same digest, and copies every
/// attached file. The import bases come along, so that re-importing a sheet
/// into the copy is the same three-way merge as into the original.
pub async fn copy<A: Store + BlobStore + ImportStore, B: Store + BlobStore + ImportStore>(
    from: &A,
    to: &B,
    mut progress: impl FnMut(u64),
) -> Result<CopyReport> {
    if to.revision_count().await? > 0 {
        return Err(StoreError::TargetNotEmpty);
    }
    let mut after = 0;
    let mut moved = 0u64;
    loop {
        let page = from.revisions_after(after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        moved += to
            .import(page.into_iter().map(|(_, r)| r).collect())
            .await? as u64;
        progress(moved);
    }
    let mut import_bases = 0u64;
    let mut after = None;
    loop {
        let page = from.import_bases_after(after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        to.put_import_bases(&page).await?;
        import_bases += page.len() as u64;
    }
    let (source_count, source_digest) = from.revision_digest().await?;
    let (target_count, target_digest) = to.revision_digest().await?;
    if source_count != target_count || source_digest != target_digest {
        return Err(StoreError::CopyMismatch {
            original: format!("{source_count} revisions, {source_digest}"),
            copied: format!("{target_count} revisions, {target_digest}"),
        });
    }
    let blobs = crate::blobs::copy_blobs(from, to, 0).await?;
    if to.blob_count().await? != from.blob_count().await? {
        return Err(StoreError::CopyMismatch {
            original: format!("{} files", from.blob_count().await?),
            copied: format!("{} files", to.blob_count().await?),
        });
    }
    Ok(CopyReport {
        revisions: target_count,
        digest: target_digest,
        blobs,
        import_bases,
    })
}

/// Tables a whole-store copy does not move: sessions end with the move
/// (people sign in again), and the node's identity is the caller's choice.
const NOT_MOVED: [&str; 2] = ["sessions", "node"];

/// How a column's values are carried across backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueKind {
    Integer,
    Real,
    Text,
    Blob,
}

struct Column {
    name: String,
    kind: ValueKind,
    /// Numbered by the database (PostgreSQL: identity or serial): after the
    /// copy its sequence goes on after the highest value copied.
    numbered: bool,
}

fn kind_of(declared: &str) -> ValueKind {
    let d = declared.to_ascii_uppercase();
    if d.contains("INT") {
        ValueKind::Integer
    } else if d.contains("REAL") || d.contains("DOUBLE") || d.contains("FLOAT") {
        ValueKind::Real
    } else if d.contains("BLOB") || d.contains("BYTEA") {
        ValueKind::Blob
    } else {
        ValueKind::Text
    }
}

/// A table or column name as the catalogue gave it: letters, digits and
/// underscores only, so that it can be written into a statement.
fn plain(name: &str) -> Result<&str> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(name)
    } else {
        Err(StoreError::Corrupt(format!(
            "unexpected table or column name {name:?}"
        )))
    }
}

async fn tables_of(store: &SqlStore) -> Result<Vec<String>> {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '_sqlx_migrations' ORDER BY table_name"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(store.pool()).await?)
}

async fn columns_of(store: &SqlStore, table: &str) -> Result<Vec<Column>> {
    let rows: Vec<(String, String, i64)> = match store.backend() {
        Backend::Sqlite => {
            sqlx::query_as(
                "SELECT name, type, CAST(pk AS BIGINT) FROM pragma_table_info($1) ORDER BY cid",
            )
            .bind(table.to_string())
            .fetch_all(store.pool())
            .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT), \
                 CAST(CASE WHEN is_identity = 'YES' OR column_default LIKE 'nextval(%' THEN 1 ELSE 0 END AS BIGINT) \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table.to_string())
            .fetch_all(store.pool())
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(name, declared, numbered)| Column {
            kind: kind_of(&declared),
            // SQLite numbers its INTEGER PRIMARY KEY itself and follows
            // explicit values; only PostgreSQL's sequences need moving on.
            numbered: store.backend() == Backend::Postgres && numbered != 0,
            name,
        })
        .collect())
}

/// What a whole-store copy moved and the digest both stores agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WholeCopyReport {
    pub revisions: u64,
    pub digest: String,
    /// Rows moved per table, revisions included, derived tables not.
    pub tables: Vec<(String, u64)>,
    /// Whether the copy took the original's node id.
    pub kept_identity: bool,
}

/// Copies everything a store holds into `to`, which must be empty: the
/// revisions with their sequence numbers (so that the pull cursors nodes
/// hold stay valid), accounts, tokens, sync peers and their cursors,
/// refusals, receipts, the audit log, document registers, import bases and
/// whatever else is not derived — in one transaction, then rebuilds the
/// derived tables and checks the revision set's digest and every table's
/// count. With `keep_identity` the copy takes the original's node id, to
/// replace it (nodes go on syncing with it); otherwise it keeps its own.
pub async fn copy_whole(
    from: &SqlStore,
    to: &SqlStore,
    keep_identity: bool,
    mut progress: impl FnMut(&str, u64),
) -> Result<WholeCopyReport> {
    if to.revision_count().await? > 0 {
        return Err(StoreError::TargetNotEmpty);
    }
    let mut tables: Vec<String> = tables_of(from)
        .await?
        .into_iter()
        .filter(|t| !crate::sql::DERIVED_TABLES.contains(&t.as_str()))
        .filter(|t| !NOT_MOVED.contains(&t.as_str()))
        .collect();
    // Referenced tables first (tokens and sessions name users).
    tables.sort_by_key(|t| (t.as_str() != "users", t.as_str() != "revisions", t.clone()));
    let target_tables = tables_of(to).await?;
    // Any row already there (an account made at a first start) would clash
    // or mix with the original's: the target is refused, not merged.
    for table in &tables {
        if target_tables.contains(table) {
            let sql = format!("SELECT COUNT(*) FROM {}", plain(table)?);
            let rows: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(to.pool())
                .await?;
            if rows > 0 {
                return Err(StoreError::TargetNotEmpty);
            }
        }
    }
    let mut moved = Vec::new();
    // Every table is read in one snapshot of the source, which goes on
    // taking writes: a copy (or a backup made by copying) holds exactly the
    // transactions committed before it began, and its digest is compared
    // with that same snapshot's.
    let mut source = from.pool().begin().await?;
    if from.backend() == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *source)
            .await?;
    }
    let mut tx = to.pool().begin().await?;
    for table in &tables {
        let table = plain(table)?;
        if !target_tables.iter().any(|t| t == table) {
            return Err(StoreError::Corrupt(format!(
                "the target has no table {table}: are both stores at the same schema?"
            )));
        }
        let columns = columns_of(to, table).await?;
        let names = columns
            .iter()
            .map(|c| plain(&c.name))
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let placeholders = (1..=columns.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let overriding = if to.backend() == Backend::Postgres && columns.iter().any(|c| c.numbered)
        {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let insert = format!("INSERT INTO {table} ({names}){overriding} VALUES ({placeholders})");
        // Read as the kinds the binds carry (a PostgreSQL INTEGER is read
        // as a BIGINT), in a fixed order.
        let read = columns
            .iter()
            .map(|c| {
                let name = plain(&c.name)?;
                Ok(match c.kind {
                    ValueKind::Integer => format!("CAST({name} AS BIGINT)"),
                    ValueKind::Real => format!("CAST({name} AS DOUBLE PRECISION)"),
                    ValueKind::Text | ValueKind::Blob => name.to_string(),
                })
            })
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let select = format!("SELECT {read} FROM {table} ORDER BY 1");
        let mut rows = sqlx::query(AssertSqlSafe(select)).fetch(&mut *source);
        let mut count = 0u64;
        while let Some(row) = rows.try_next().await? {
            let mut q = sqlx::query(AssertSqlSafe(insert.clone()));
            for (i, c) in columns.iter().enumerate() {
                q = match c.kind {
                    ValueKind::Integer => q.bind(row.try_get::<Option<i64>, _>(i)?),
                    ValueKind::Real => q.bind(row.try_get::<Option<f64>, _>(i)?),
                    ValueKind::Text => q.bind(row.try_get::<Option<String>, _>(i)?),
                    ValueKind::Blob => q.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                };
            }
            q.execute(&mut *tx).await?;
            count += 1;
            if count.is_multiple_of(10_000) {
                progress(table, count);
            }
        }
        progress(table, count);
        if to.backend() == Backend::Postgres {
            for c in columns.iter().filter(|c| c.numbered) {
                let column = plain(&c.name)?;
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT CAST(setval(pg_get_serial_sequence('{table}', '{column}'), \
                     COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false) AS BIGINT)"
                )))
                .fetch_one(&mut *tx)
                .await?;
            }
        }
        moved.push((table.to_string(), count));
    }
    crate::sql::rebuild_in(&mut tx).await?;
    if keep_identity {
        sqlx::query("UPDATE node SET node_id = $1 WHERE singleton = 1")
            .bind(from.node_id().to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let (source_count, source_digest) = crate::sql::revision_digest_in(&mut source).await?;
    source.rollback().await?;
    let (target_count, target_digest) = to.revision_digest().await?;
    if source_count != target_count || source_digest != target_digest {
        return Err(StoreError::CopyMismatch {
            original: format!("{source_count} revisions, {source_digest}"),
            copied: format!("{target_count} revisions, {target_digest}"),
        });
    }
    for (table, count) in &moved {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let there: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(to.pool())
            .await?;
        if u64::try_from(there).ok() != Some(*count) {
            return Err(StoreError::CopyMismatch {
                original: format!("{table}: {count} rows"),
                copied: format!("{table}: {there} rows"),
            });
        }
    }
    Ok(WholeCopyReport {
        revisions: target_count,
        digest: target_digest,
        tables: moved,
        kept_identity: keep_identity,
    })
}
