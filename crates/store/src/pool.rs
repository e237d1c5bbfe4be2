//! How many connections a store keeps open and how much memory SQLite's
//! page cache may take: what a long-running server is sized by
//! (`serve --cache-mb`, `--pool-size`), and what a one-shot command is.

use std::time::Duration;

/// The connection pool's size and the page cache its SQLite connections
/// share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// SQLite's page cache in MiB for the whole pool, shared out evenly
    /// among its connections (each caches its own pages). PostgreSQL keeps
    /// its cache on its own side.
    pub cache_mb: u32,
    /// The most connections open at once; `None`: the backend's own
    /// default ([`PoolSettings::SQLITE_CONNECTIONS`],
    /// [`PoolSettings::POSTGRES_CONNECTIONS`]).
    pub max_connections: Option<u32>,
    /// A connection unused this long is closed, its cache freed; the next
    /// request opens one again.
    pub idle_timeout: Duration,
}

impl PoolSettings {
    /// SQLite allows one writer at a time: a few readers beside it are
    /// all the more connections help.
    pub const SQLITE_CONNECTIONS: u32 = 4;
    pub const POSTGRES_CONNECTIONS: u32 = 10;

    /// A server's: a small cache (the operating system caches the file
    /// too), connections closed after a minute unused.
    pub const SERVER: Self = Self {
        cache_mb: 16,
        max_connections: None,
        idle_timeout: Duration::from_secs(60),
    };

    /// The connections a pool on `sqlite` (or PostgreSQL) opens at most.
    pub fn connections(&self, sqlite: bool) -> u32 {
        self.max_connections.unwrap_or(if sqlite {
            Self::SQLITE_CONNECTIONS
        } else {
            Self::POSTGRES_CONNECTIONS
        })
    }

    /// The `PRAGMA cache_size` of each SQLite connection: its share of the
    /// pool's cache, in KiB (SQLite reads a negative size as KiB), at
    /// least one.
    pub(crate) fn sqlite_cache_pragma(&self) -> String {
        let kib = u64::from(self.cache_mb) * 1024 / u64::from(self.connections(true).max(1));
        format!("PRAGMA cache_size = -{}", kib.max(1))
    }
}

impl Default for PoolSettings {
    /// A one-shot command's (a report, an import, a copy): 64 MiB of cache
    /// per connection, which it gives back when it exits.
    fn default() -> Self {
        Self {
            cache_mb: 64 * Self::SQLITE_CONNECTIONS,
            max_connections: None,
            idle_timeout: Duration::from_secs(600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_shared_out_among_the_connections() {
        assert_eq!(
            PoolSettings::default().sqlite_cache_pragma(),
            "PRAGMA cache_size = -65536"
        );
        let server = PoolSettings {
            max_connections: Some(8),
            ..PoolSettings::SERVER
        };
        assert_eq!(server.sqlite_cache_pragma(), "PRAGMA cache_size = -2048");
        let tiny = PoolSettings {
            cache_mb: 0,
            ..PoolSettings::SERVER
        };
        assert_eq!(tiny.sqlite_cache_pragma(), "PRAGMA cache_size = -1");
        assert_eq!(PoolSettings::SERVER.connections(false), 10);
    }
}
