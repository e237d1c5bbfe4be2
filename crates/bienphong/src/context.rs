//! What every command works in: the global flags, read once, and the store
//! they name, opened at most once per run.

use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_i18n::Lang;
use bienphong_service::{Actor, Service};
use bienphong_store::{PoolSettings, SqlStore, StoreKey};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::OnceCell;

pub struct Context {
    pub data: PathBuf,
    pub database: Option<String>,
    pub lang: Lang,
    user: Option<String>,
    /// The key of an encrypted SQLite store (`--key-file`, `--ask-key`).
    pub key: Option<StoreKey>,
    /// How the store's connection pool is sized (`serve` sizes its own).
    pool: PoolSettings,
    /// The authorities incoming signatures are judged against (`--trust-list`).
    pub trust: Option<bienphong_edxml::TrustList>,
    /// Opened on first use, so that a command refuses bad input before it
    /// creates a store.
    service: OnceCell<Arc<Service<SqlStore>>>,
}

/// The trust list at `path`: a PEM file of CA certificates, or a directory
/// whose `*.pem`, `*.crt` and `*.cer` files are.
pub fn trust_list(path: &Path) -> Result<bienphong_edxml::TrustList> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| path.display().to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    ["pem", "crt", "cer"].contains(&e.to_ascii_lowercase().as_str())
                })
            })
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut list = bienphong_edxml::TrustList::default();
    for f in &files {
        let pem = std::fs::read(f).with_context(|| f.display().to_string())?;
        let more = bienphong_edxml::TrustList::from_pem(&pem).map_err(|e| {
            CliError::Message(
                "trust-list-unreadable",
                vec![("path", f.display().to_string()), ("detail", e.to_string())],
                Kind::Invalid,
            )
        })?;
        list.extend(more);
    }
    if list.is_empty() {
        return Err(CliError::Message(
            "trust-list-empty",
            vec![("path", path.display().to_string())],
            Kind::Invalid,
        ));
    }
    Ok(list)
}

impl Context {
    /// The context of a command. One that only reads is refused on a data
    /// directory without a store: it would otherwise create an empty one and
    /// report zeros as if they were real.
    pub fn new(
        data: PathBuf,
        database: Option<String>,
        lang: Lang,
        user: Option<String>,
        reads_only: bool,
    ) -> Result<Self> {
        if reads_only && database.is_none() && !store_path(&data).exists() {
            return Err(CliError::Message(
                "store-missing",
                vec![("path", data.display().to_string())],
                Kind::Invalid,
            ));
        }
        Ok(Self {
            data,
            database,
            lang,
            user,
            key: None,
            pool: PoolSettings::default(),
            trust: None,
            service: OnceCell::new(),
        })
    }

    /// The same context judging signatures against `trust`.
    pub fn with_trust_list(mut self, trust: Option<bienphong_edxml::TrustList>) -> Self {
        self.trust = trust;
        self
    }

    /// The same context with the store's key.
    pub fn with_key(mut self, key: Option<StoreKey>) -> Self {
        self.key = key;
        self
    }

    /// The same context with the store's pool sized by `pool`.
    pub fn with_pool(mut self, pool: PoolSettings) -> Self {
        self.pool = pool;
        self
    }

    /// The service over the store the flags name, opened on the first call.
    pub async fn service(&self) -> Result<&Service<SqlStore>> {
        Ok(self.shared_service().await?.as_ref())
    }

    /// The same service, for a server that hands it to other tasks.
    pub async fn shared_service(&self) -> Result<&Arc<Service<SqlStore>>> {
        self.service
            .get_or_try_init(|| async {
                let mut service = Service::new(self.open_store().await?);
                if let Some(t) = &self.trust {
                    service = service.with_trust_list(t.clone());
                }
                // A field node holds its own writes to its token's grant, as
                // its server last said it (docs/sync-protocol.md §6).
                if is_node(&self.data, &self.database) {
                    let state = bienphong_sync::client::NodeState::load(
                        &bienphong_sync::client::NodeState::path_in(&self.data),
                    )?;
                    service.set_node_grant(state.grant);
                    service.mark_node();
                }
                Ok(Arc::new(service))
            })
            .await
    }

    /// The store the options name: `--database URL`, or the SQLite file in
    /// the data directory.
    async fn open_store(&self) -> Result<SqlStore> {
        match &self.database {
            Some(url) => Ok(SqlStore::connect_pooled(url, self.key.as_ref(), &self.pool).await?),
            None => {
                std::fs::create_dir_all(&self.data).with_context(|| {
                    format!("cannot create the data directory {}", self.data.display())
                })?;
                Ok(SqlStore::open_sqlite_pooled(
                    &store_path(&self.data),
                    self.key.as_ref(),
                    &self.pool,
                )
                .await?)
            }
        }
    }

    /// The embedded store's file in the data directory.
    pub fn store_path(&self) -> PathBuf {
        store_path(&self.data)
    }

    /// Where the store is, as it may be shown (passwords masked).
    pub fn location(&self) -> String {
        match &self.database {
            Some(url) => bienphong_store::mask_url(url),
            None => store_path(&self.data).display().to_string(),
        }
    }

    /// The operating-system account running the command: who is at the
    /// keyboard as far as this machine knows. Always recorded, whatever
    /// `--user` says.
    pub fn os_account(&self) -> String {
        ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| "unknown".to_string())
    }

    /// The author of changes: the operating-system account, with the name
    /// typed with `--user` claimed beside it
    /// (`bienphong_domain::revision::cli_author`).
    pub fn author(&self) -> String {
        bienphong_domain::revision::cli_author(&self.os_account(), self.user.as_deref())
    }

    /// The person acting as the CLI names them: the name given with
    /// `--user`, else the operating-system account (a claim either way).
    pub fn user_or_os(&self) -> String {
        self.user
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| self.os_account())
    }

    /// The author, writing now.
    pub fn actor(&self) -> Actor {
        Actor::now(self.author())
    }

    /// A message of the catalogue in the chosen language.
    pub fn say(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.text(key, args)
    }
}

/// Whether the store the flags name is a field node's (initialised with
/// `node init`, so `sync.json` sits beside its SQLite file).
pub fn is_node(data: &Path, database: &Option<String>) -> bool {
    database.is_none() && bienphong_sync::client::NodeState::path_in(data).is_file()
}

fn store_path(data: &Path) -> PathBuf {
    data.join("bienphong.sqlite")
}

#[cfg(test)]
mod tests {
    use super::Context;
    use bienphong_i18n::Lang;

    #[tokio::test]
    async fn a_command_s_store_is_opened_once_however_often_it_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::new(dir.path().to_path_buf(), None, Lang::En, None, false).unwrap();
        assert!(
            !dir.path().join("bienphong.sqlite").exists(),
            "nothing is opened before a command asks"
        );
        let first = ctx.service().await.unwrap();
        let second = ctx.service().await.unwrap();
        let shared = ctx.shared_service().await.unwrap();
        assert!(std::ptr::eq(first, second));
        assert!(std::ptr::eq(first, shared.as_ref()));
        assert!(dir.path().join("bienphong.sqlite").exists());
    }

    #[test]
    fn a_read_only_command_without_a_store_is_refused_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("none");
        let refused = Context::new(data.clone(), None, Lang::En, None, true);
        assert!(refused.is_err());
        assert!(!data.exists());
    }
}
