//! The server, its accounts and tokens, field nodes and sync.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIENPHONG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Start on the Hà Giang demo (written first if the store is empty)
    /// with demo accounts whose passwords are generated and printed now.
    #[arg(long)]
    pub demo: bool,
    /// Send cookies only over TLS (set when a TLS proxy is in front).
    #[arg(long, env = "BIENPHONG_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Hours a sign-in lasts.
    #[arg(long, default_value_t = 8)]
    pub session_hours: u64,
    /// Speak HTTPS with this certificate chain (PEM); read again when it
    /// changes. Cookies are then sent only over TLS.
    #[arg(
        long,
        env = "BIENPHONG_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(
        long,
        env = "BIENPHONG_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<std::path::PathBuf>,
    /// An offline raster basemap for the map page: an MBTiles file (png or
    /// jpg tiles) or a PMTiles v3 archive (png, jpg or webp tiles), served
    /// by this server itself.
    #[arg(long, env = "BIENPHONG_BASEMAP", value_name = "FILE")]
    pub basemap: Option<std::path::PathBuf>,
    /// A reverse proxy (address or CIDR) whose X-Forwarded-For is believed;
    /// repeat it, or separate them with commas. None by default.
    #[arg(long, env = "BIENPHONG_TRUSTED_PROXIES", value_name = "CIDR", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// Write a backup into DATA/backups every DURATION (e.g. 6h, 24h), the
    /// first one DURATION after the start (SQLite stores; PostgreSQL is
    /// backed up with pg_dump).
    #[arg(long, env = "BIENPHONG_BACKUP_EVERY", value_name = "DURATION")]
    pub backup_every: Option<String>,
    /// How many backups of the form bienphong-*.bpbak to keep in
    /// DATA/backups: the oldest beyond are removed after each new one.
    #[arg(long, env = "BIENPHONG_BACKUP_KEEP", value_name = "N", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub backup_keep: u32,
    /// What the log says: error, warn, info, debug or trace, or a filter
    /// such as "info,sqlx=warn" (JSON lines on standard error).
    #[arg(
        long,
        env = "BIENPHONG_LOG",
        value_name = "FILTER",
        default_value = "info,sqlx=warn"
    )]
    pub log: String,
    /// On a field node (after `bienphong node init`): sync with the server
    /// in the background every DURATION, e.g. 30s, 5m, 1h. A sync that fails
    /// (no link) is tried again at the next one.
    #[arg(long, env = "BIENPHONG_SYNC_EVERY", value_name = "DURATION")]
    pub sync_every: Option<String>,
    /// The server of the background sync (default: the one given to `node
    /// init`; kept, as with `bienphong sync --server`).
    #[arg(long, requires = "sync_every", value_name = "URL")]
    pub server: Option<String>,
    /// The largest file that may be attached to a record (bytes, or 20MB).
    #[arg(long, env = "BIENPHONG_MAX_ATTACHMENT", value_name = "SIZE", value_parser = super::parse_size, default_value = "20MB")]
    pub max_attachment: u64,
    /// SQLite's page cache, in MiB, shared by all the store's connections
    /// (the operating system caches the file besides).
    #[arg(long, env = "BIENPHONG_CACHE_MB", value_name = "MB",
          default_value_t = bienphong_store::PoolSettings::SERVER.cache_mb,
          value_parser = clap::value_parser!(u32).range(CACHE_MB))]
    pub cache_mb: u32,
    /// The most store connections open at once (default 4 for SQLite, 10
    /// for PostgreSQL); they are opened on demand and closed after a
    /// minute unused.
    #[arg(long, env = "BIENPHONG_POOL_SIZE", value_name = "N",
          value_parser = clap::value_parser!(u32).range(POOL_SIZE))]
    pub pool_size: Option<u32>,
}

/// The values `--cache-mb` and `--pool-size` accept.
pub const CACHE_MB: std::ops::RangeInclusive<i64> = 1..=4096;
pub const POOL_SIZE: std::ops::RangeInclusive<i64> = 1..=64;

impl ServeArgs {
    /// How the server's store pool is sized.
    pub fn pool(&self) -> bienphong_store::PoolSettings {
        bienphong_store::PoolSettings {
            cache_mb: self.cache_mb,
            max_connections: self.pool_size,
            ..bienphong_store::PoolSettings::SERVER
        }
    }
}

/// A trusted proxy: one address (a /32 or /128) or a network.
pub fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("not an address or network: {text}"))
}

/// `30s`, `5m`, `1h`: a whole number of seconds, minutes or hours, at
/// least one second and at most a week.
pub fn parse_every(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (1..=7 * 24 * 3600)
        .contains(&seconds)
        .then(|| std::time::Duration::from_secs(seconds))
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; its password is generated and printed unless
    /// --password-stdin gives one.
    Add {
        username: String,
        /// admin, provincial, editor or reader.
        #[arg(long)]
        role: String,
        /// The unit the person works for (code).
        #[arg(long)]
        unit: String,
        /// Full name as shown.
        #[arg(long, default_value = "")]
        name: String,
        /// May read and write personal data (case subjects, beneficiaries).
        #[arg(long)]
        restricted: bool,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated and printed unless --password-stdin);
    /// ends the user's sessions.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: its sessions end and its tokens are revoked.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// List accounts.
    List,
    /// The positions an account holds (who may sign for a unit); with
    /// --set, replace them.
    Positions {
        username: String,
        /// A position held: position@UNIT (repeat; none with --clear).
        #[arg(long = "set", value_name = "POSITION@UNIT")]
        set: Vec<String>,
        /// Remove every position the account holds.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a node token for a field node of a unit (it acts as an editor
    /// of that unit, personal data included); the token is printed once.
    Create {
        /// A node token (the only kind made here: people make their own
        /// tokens in the web UI).
        #[arg(long, required = true)]
        node: bool,
        /// The node's unit (code).
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// A name to recognise the token by (default: "node CODE").
        #[arg(long)]
        name: Option<String>,
        /// Refuse the token after this many days (1–3650); without it, it
        /// lives until revoked.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
    },
    /// Every token: owner, unit, node, last use, expiry, state.
    List {
        /// As JSON (the API's `GET /api/v1/tokens`).
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (as `token list` shows it): a lost node's
    /// laptop can sync no more.
    Revoke {
        /// The token's id.
        id: String,
    },
    /// Change what a token may read and write: its unit, and personal data
    /// or not. Its node learns it at its next sync and drops what it may no
    /// longer hold (docs/sync-protocol.md §6).
    Grant {
        /// The token's id.
        id: String,
        /// The unit it acts for from now on (code).
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
        /// Whether it may read and write personal data: true or false.
        #[arg(long, value_name = "BOOL")]
        restricted: Option<bool>,
    },
}

#[derive(Subcommand, Debug)]
pub enum NodeCommand {
    /// Remember the server and the node token (kept in sync.json, owner-only).
    Init {
        #[arg(long)]
        server: String,
        /// A node token an administrator created for this node's unit.
        #[arg(long, env = "BIENPHONG_TOKEN", hide_env_values = true)]
        token: String,
        /// The certificate (PEM) of the authority that signed the server's
        /// HTTPS certificate, when the system does not trust it already.
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The server to sync with (default: the one given to `node init`).
    #[arg(long)]
    pub server: Option<String>,
    /// Pull everything again from the start (after a restore or a wider scope).
    #[arg(long)]
    pub full: bool,
    /// Write what this store would send into FILE instead of syncing over the
    /// network. On the server, with --import-bundle: write the reply there.
    #[arg(long, value_name = "FILE")]
    pub export_bundle: Option<PathBuf>,
    /// Apply a bundle from FILE (on a node: the server's reply; on the
    /// server, with --as-unit: a node's bundle, checked like a push).
    #[arg(long, value_name = "FILE")]
    pub import_bundle: Option<PathBuf>,
    /// On the server: apply the bundle as a node of this unit.
    #[arg(long, value_name = "CODE")]
    pub as_unit: Option<String>,
    /// On the server, with --as-unit: the node may read personal data (its
    /// reply carries case subjects and beneficiaries). Without it, only a
    /// node whose last online sync was with such a grant receives them.
    #[arg(long, requires = "as_unit")]
    pub restricted: bool,
    /// Show this node's sync health instead of syncing: last sync, what
    /// waits to be sent, revisions set aside, conflicts.
    #[arg(long, conflicts_with_all = ["check", "full", "export_bundle", "import_bundle"])]
    pub status: bool,
    /// Compare this node with its server (a digest per record type over
    /// what its grant may read) and say what differs, instead of syncing.
    #[arg(long, conflicts_with_all = ["full", "export_bundle", "import_bundle"])]
    pub check: bool,
    /// With --status or --check: JSON.
    #[arg(long)]
    pub json: bool,
    /// On a thin link: leave attached files larger than SIZE (bytes, or
    /// 5MB, 500KB) on the server, to fetch on demand (`sync fetch HASH`);
    /// kept in sync.json. 0 fetches every file again.
    #[arg(long, value_name = "SIZE", value_parser = super::parse_size)]
    pub defer_above: Option<u64>,
    #[command(subcommand)]
    pub action: Option<SyncAction>,
}

/// What a node's user does about its sync besides syncing.
#[derive(Subcommand, Debug)]
pub enum SyncAction {
    /// The revisions of this node the server refused, set aside: never sent
    /// again; correct the record (a new version) or withdraw them.
    Refused,
    /// Withdraw a revision the server refused: it stays in this store and
    /// its record's history, no longer listed as a problem, never sent.
    Withdraw {
        /// The refused revision's id (bienphong sync refused lists them).
        revision: String,
    },
    /// This installation takes its node over on the server (a laptop
    /// restored or copied to replace a lost or broken one): the other
    /// installation's syncs are refused from then on.
    Takeover,
    /// Fetch an attached file this node left on the server (one above
    /// --defer-above), now.
    Fetch {
        /// The file's hash (bienphong attachments TYPE ID lists it).
        hash: String,
    },
}

#[cfg(test)]
mod tests {
    use super::parse_every;
    use std::time::Duration;

    #[test]
    fn sync_every_takes_seconds_minutes_and_hours() {
        assert_eq!(parse_every("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_every(" 5m "), Some(Duration::from_secs(300)));
        assert_eq!(parse_every("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_every("168h"), Some(Duration::from_secs(604_800)));
        for bad in [
            "",
            "30",
            "s",
            "0s",
            "-5m",
            "1.5h",
            "5 minutes",
            "1d",
            "169h",
            "5mm",
        ] {
            assert_eq!(parse_every(bad), None, "{bad:?}");
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    /// The configuration file the service reads (default:
    /// /etc/bienphong/bienphong.env where it exists); its settings win over
    /// the environment's, as they do for the service.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// As JSON.
    #[arg(long)]
    pub json: bool,
}
