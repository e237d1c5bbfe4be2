//! `bienphong doctor`: checks an installation as its service will run it —
//! the configuration (the file systemd reads, `/etc/bienphong/bienphong.env`,
//! and the environment), the data directory and its permissions, the store
//! (reachable, migrated, not newer than this program), disk space, the TLS
//! files, and on a field node its server (reachable, clocks agreeing) — and
//! says what to fix. Nothing is created or changed. Exit 0 when nothing
//! failed (warnings allowed), 2 otherwise.

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_i18n::Lang;
use bienphong_store::SqlStore;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The configuration file the Debian package installs and its unit reads.
pub const CONFIG_FILE: &str = "/etc/bienphong/bienphong.env";

/// Every setting the program reads from its environment.
const KNOWN: [&str; 18] = [
    "BIENPHONG_BACKUP_EVERY",
    "BIENPHONG_BACKUP_KEEP",
    "BIENPHONG_CACHE_MB",
    "BIENPHONG_DATA",
    "BIENPHONG_DATABASE",
    "BIENPHONG_KEY_FILE",
    "BIENPHONG_LANG",
    "BIENPHONG_LISTEN",
    "BIENPHONG_LOG",
    "BIENPHONG_NOW",
    "BIENPHONG_POOL_SIZE",
    "BIENPHONG_SECURE_COOKIES",
    "BIENPHONG_SYNC_EVERY",
    "BIENPHONG_TLS_CERT",
    "BIENPHONG_TLS_KEY",
    "BIENPHONG_TOKEN",
    "BIENPHONG_TRUSTED_PROXIES",
    "BIENPHONG_USER",
];

/// Below this much free space the store's growth, a backup or a migration
/// may fail; below the second, writes soon will.
const DISK_WARN_BYTES: u64 = 1 << 30;
const DISK_FAIL_BYTES: u64 = 100 << 20;

/// Clocks further apart than this make sync times and expiries misleading.
const CLOCK_SKEW_WARN_S: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Health {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, serde::Serialize)]
struct Finding {
    check: &'static str,
    health: Health,
    message: String,
}

struct Doctor {
    lang: Lang,
    findings: Vec<Finding>,
}

impl Doctor {
    fn say(
        &mut self,
        check: &'static str,
        health: Health,
        key: &str,
        args: &[(&'static str, String)],
    ) {
        let message = self.lang.text(key, args);
        self.findings.push(Finding {
            check,
            health,
            message,
        });
    }
}

/// `KEY=VALUE` lines as systemd's `EnvironmentFile=` reads them: blank
/// lines and `#` comments skipped, optional quotes removed. A line that is
/// no assignment is returned by number.
fn read_env_file(text: &str) -> (BTreeMap<String, String>, Vec<usize>) {
    let mut values = BTreeMap::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.trim().contains(' ') => {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                values.insert(k.trim().to_string(), v.to_string());
            }
            _ => bad.push(i + 1),
        }
    }
    (values, bad)
}

/// The settings in effect: the file's, else the environment's.
fn settings(d: &mut Doctor, file: Option<&Path>) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = KNOWN
        .iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
        .collect();
    let Some(path) = file else {
        d.say(
            "config",
            Health::Ok,
            "doctor-config-none",
            &[("path", CONFIG_FILE.into())],
        );
        return values;
    };
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Err(e) => d.say(
            "config",
            Health::Fail,
            "doctor-config-unreadable",
            &[("path", shown), ("detail", e.to_string())],
        ),
        Ok(text) => {
            let (file_values, bad) = read_env_file(&text);
            for line in bad {
                d.say(
                    "config",
                    Health::Fail,
                    "doctor-config-bad-line",
                    &[("path", shown.clone()), ("line", line.to_string())],
                );
            }
            for key in file_values.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
                d.say(
                    "config",
                    Health::Warn,
                    "doctor-config-unknown",
                    &[("path", shown.clone()), ("key", key.clone())],
                );
            }
            values.extend(file_values);
        }
    }
    values
}

/// Each value is read by the reader `serve` uses for it.
fn check_values(d: &mut Doctor, values: &BTreeMap<String, String>) {
    let lang = d.lang;
    let bad = |d: &mut Doctor, key: &str, value: &str, why: String| {
        d.say(
            "config",
            Health::Fail,
            "doctor-config-bad-value",
            &[
                ("key", key.into()),
                ("value", value.into()),
                ("detail", why),
            ],
        );
    };
    for (key, value) in values {
        match key.as_str() {
            "BIENPHONG_LISTEN" if value.parse::<std::net::SocketAddr>().is_err() => {
                bad(d, key, value, lang.text("doctor-why-listen", &[]));
            }
            "BIENPHONG_SYNC_EVERY" | "BIENPHONG_BACKUP_EVERY"
                if crate::cli::parse_every(value).is_none() =>
            {
                bad(d, key, value, lang.text("doctor-why-every", &[]));
            }
            "BIENPHONG_TRUSTED_PROXIES" => {
                for part in value.split(',') {
                    if crate::cli::parse_proxy(part).is_err() {
                        bad(d, key, part.trim(), lang.text("doctor-why-proxy", &[]));
                    }
                }
            }
            "BIENPHONG_KEY_FILE" => {
                if let Err(e) = bienphong_store::StoreKey::from_file(Path::new(value)) {
                    bad(d, key, value, e.to_string());
                }
            }
            "BIENPHONG_LOG" if tracing_subscriber::EnvFilter::try_new(value).is_err() => {
                bad(d, key, value, lang.text("doctor-why-log", &[]));
            }
            "BIENPHONG_BACKUP_KEEP"
                if !value.parse::<u32>().is_ok_and(|n| (1..=1000).contains(&n)) =>
            {
                bad(d, key, value, "1–1000".into());
            }
            "BIENPHONG_CACHE_MB" if !in_range(value, crate::cli::CACHE_MB) => {
                bad(d, key, value, "1–4096".into());
            }
            "BIENPHONG_POOL_SIZE" if !in_range(value, crate::cli::POOL_SIZE) => {
                bad(d, key, value, "1–64".into());
            }
            "BIENPHONG_LANG" if !["vi", "en"].contains(&value.as_str()) => {
                bad(d, key, value, "vi, en".into());
            }
            "BIENPHONG_SECURE_COOKIES" if !["true", "false"].contains(&value.as_str()) => {
                bad(d, key, value, "true, false".into());
            }
            _ => {}
        }
    }
}

/// A whole number within what the flag of that setting accepts.
fn in_range(value: &str, range: std::ops::RangeInclusive<i64>) -> bool {
    value
        .trim()
        .parse::<i64>()
        .is_ok_and(|n| range.contains(&n))
}

fn check_data_dir(d: &mut Doctor, data: &Path) {
    let shown = data.display().to_string();
    if !data.is_dir() {
        d.say(
            "data",
            Health::Fail,
            "doctor-data-missing",
            &[("path", shown)],
        );
        return;
    }
    let probe = data.join(".bienphong-doctor-probe");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            d.say(
                "data",
                Health::Ok,
                "doctor-data-ok",
                &[("path", shown.clone())],
            );
        }
        Err(e) => d.say(
            "data",
            Health::Fail,
            "doctor-data-unwritable",
            &[("path", shown.clone()), ("detail", e.to_string())],
        ),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode()).ok();
        if mode(data).is_some_and(|m| m & 0o002 != 0) {
            d.say(
                "permissions",
                Health::Fail,
                "doctor-data-world-writable",
                &[("path", shown)],
            );
        }
        let sync = bienphong_sync::client::NodeState::path_in(data);
        if mode(&sync).is_some_and(|m| m & 0o077 != 0) {
            d.say(
                "permissions",
                Health::Fail,
                "doctor-sync-readable",
                &[("path", sync.display().to_string())],
            );
        }
    }
    match rustix::fs::statvfs(data) {
        Ok(s) => {
            let free = s.f_bavail.saturating_mul(s.f_frsize);
            let megabytes = i64::try_from(free >> 20).unwrap_or(i64::MAX);
            let args = [(
                "free",
                format!("{} MB", bienphong_domain::format::integer(megabytes)),
            )];
            if free < DISK_FAIL_BYTES {
                d.say("disk", Health::Fail, "doctor-disk-low", &args);
            } else if free < DISK_WARN_BYTES {
                d.say("disk", Health::Warn, "doctor-disk-low", &args);
            } else {
                d.say("disk", Health::Ok, "doctor-disk-ok", &args);
            }
        }
        Err(e) => d.say(
            "disk",
            Health::Warn,
            "doctor-disk-unknown",
            &[("detail", e.to_string())],
        ),
    }
}

async fn check_store(
    d: &mut Doctor,
    url: &str,
    shown: String,
    key: Option<&bienphong_store::StoreKey>,
) {
    match SqlStore::schema_state(url, key).await {
        Err(e) => d.say(
            "store",
            Health::Fail,
            "doctor-store-unreachable",
            &[("store", shown), ("detail", e.to_string())],
        ),
        Ok(s) => match s.applied {
            None => d.say(
                "store",
                Health::Warn,
                "doctor-store-empty",
                &[("store", shown)],
            ),
            Some(v) if v > s.known => d.say(
                "store",
                Health::Fail,
                "doctor-store-newer",
                &[
                    ("store", shown),
                    ("version", v.to_string()),
                    ("known", s.known.to_string()),
                ],
            ),
            Some(v) if v < s.known => d.say(
                "store",
                Health::Warn,
                "doctor-store-behind",
                &[
                    ("store", shown),
                    ("version", v.to_string()),
                    ("known", s.known.to_string()),
                ],
            ),
            Some(v) => d.say(
                "store",
                Health::Ok,
                "doctor-store-ok",
                &[("store", shown), ("version", v.to_string())],
            ),
        },
    }
}

async fn check_tls(d: &mut Doctor, values: &BTreeMap<String, String>) {
    let (cert, key) = (
        values.get("BIENPHONG_TLS_CERT"),
        values.get("BIENPHONG_TLS_KEY"),
    );
    match (cert, key) {
        (None, None) => {}
        (Some(cert), Some(key)) => {
            let files = bienphong_web::TlsFiles {
                cert: PathBuf::from(cert),
                key: PathBuf::from(key),
            };
            let args = [("cert", cert.clone()), ("key", key.clone())];
            match bienphong_web::load_tls(&files).await {
                Ok(_) => d.say("tls", Health::Ok, "doctor-tls-ok", &args),
                Err(e) => {
                    let mut args = args.to_vec();
                    args.push(("detail", e.to_string()));
                    d.say("tls", Health::Fail, "serve-tls-unreadable", &args);
                }
            }
        }
        _ => d.say("tls", Health::Fail, "doctor-tls-half", &[]),
    }
}

/// On a field node: its server answers, and the two clocks agree.
async fn check_sync(d: &mut Doctor, data: &Path) {
    let path = bienphong_sync::client::NodeState::path_in(data);
    if !path.is_file() {
        return;
    }
    let state = match bienphong_sync::client::NodeState::load(&path) {
        Ok(s) => s,
        Err(e) => {
            d.say(
                "sync",
                Health::Fail,
                "doctor-sync-unreadable",
                &[("detail", e.to_string())],
            );
            return;
        }
    };
    match bienphong_sync::client::server_clock(&state).await {
        Err(e) => d.say(
            "sync",
            Health::Warn,
            "doctor-sync-unreachable",
            &[("server", state.server.clone()), ("detail", e.to_string())],
        ),
        Ok(None) => d.say(
            "sync",
            Health::Ok,
            "doctor-sync-ok",
            &[("server", state.server.clone())],
        ),
        Ok(Some(server_ms)) => {
            d.say(
                "sync",
                Health::Ok,
                "doctor-sync-ok",
                &[("server", state.server.clone())],
            );
            let skew_s = (bienphong_service::now_ms() - server_ms) / 1000;
            if skew_s.abs() > CLOCK_SKEW_WARN_S {
                d.say(
                    "clock",
                    Health::Warn,
                    "doctor-clock-skew",
                    &[("seconds", skew_s.to_string())],
                );
            } else {
                d.say(
                    "clock",
                    Health::Ok,
                    "doctor-clock-ok",
                    &[("seconds", skew_s.to_string())],
                );
            }
        }
    }
}

pub async fn run(ctx: &Context, args: DoctorArgs, out: &mut impl Write) -> Result<()> {
    let mut d = Doctor {
        lang: ctx.lang,
        findings: Vec::new(),
    };
    let file = args.config.clone().or_else(|| {
        Path::new(CONFIG_FILE)
            .is_file()
            .then(|| PathBuf::from(CONFIG_FILE))
    });
    let values = settings(&mut d, file.as_deref());
    check_values(&mut d, &values);
    let data = values
        .get("BIENPHONG_DATA")
        .map_or_else(|| ctx.data.clone(), PathBuf::from);
    check_data_dir(&mut d, &data);
    // A key file the configuration names and cannot be read is a failure
    // of its own (above); the store is then checked without a key.
    let key = match values.get("BIENPHONG_KEY_FILE") {
        Some(file) => bienphong_store::StoreKey::from_file(Path::new(file)).ok(),
        None => ctx.key.clone(),
    };
    match values.get("BIENPHONG_DATABASE").or(ctx.database.as_ref()) {
        Some(url) => check_store(&mut d, url, bienphong_store::mask_url(url), key.as_ref()).await,
        None => {
            let path = data.join("bienphong.sqlite");
            if path.is_file() {
                let url = format!("sqlite://{}", path.display());
                check_store(&mut d, &url, path.display().to_string(), key.as_ref()).await;
            } else {
                d.say(
                    "store",
                    Health::Warn,
                    "doctor-store-none",
                    &[("path", path.display().to_string())],
                );
            }
        }
    }
    check_tls(&mut d, &values).await;
    check_sync(&mut d, &data).await;
    let failed = d
        .findings
        .iter()
        .filter(|f| f.health == Health::Fail)
        .count();
    if args.json {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "ok": failed == 0,
            "findings": d.findings,
        }))
        .context("json")?;
        writeln!(out, "{text}").context("stdout")?;
    } else {
        for f in &d.findings {
            let mark = match f.health {
                Health::Ok => "✔",
                Health::Warn => "!",
                Health::Fail => "✘",
            };
            writeln!(out, "{mark} {}: {}", f.check, f.message).context("stdout")?;
        }
    }
    if failed > 0 {
        return Err(CliError::Message(
            "doctor-failed",
            vec![("count", failed.to_string())],
            Kind::Invalid,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn an_environment_file_is_read_as_systemd_reads_it() {
        let (values, bad) = read_env_file(
            "# bienphong\n\nBIENPHONG_LISTEN=0.0.0.0:8080\nBIENPHONG_DATA=\"/var/lib/bienphong\"\nnot an assignment\n",
        );
        assert_eq!(values["BIENPHONG_LISTEN"], "0.0.0.0:8080");
        assert_eq!(values["BIENPHONG_DATA"], "/var/lib/bienphong");
        assert_eq!(bad, [5]);
    }
}
