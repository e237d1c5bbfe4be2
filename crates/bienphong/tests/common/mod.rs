//! Helpers the CLI's integration tests share: the binary on a data
//! directory, its output, a copy of the demo store, the tools of the
//! document tests.

#![allow(dead_code, reason = "each test binary uses a part of these helpers")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The binary on the data directory `data`, deaf to the environment a
/// developer may have set.
pub fn bin(data: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(process(data))
}

/// The same, as a plain process (for a server the test talks to).
pub fn process(data: &Path) -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt as _;
    let mut c = std::process::Command::cargo_bin("bienphong").unwrap();
    c.arg("--data")
        .arg(data)
        .env_remove("BIENPHONG_LANG")
        .env_remove("BIENPHONG_DATA")
        .env_remove("BIENPHONG_LISTEN")
        .env_remove("BIENPHONG_NOW")
        .env_remove("BIENPHONG_KEY_FILE")
        .env_remove("BIENPHONG_TRUST_LIST");
    c
}

/// What a finished command said and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(c: &mut assert_cmd::Command) -> Run {
    let out = c.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

/// The standard output of a command that must succeed.
pub fn stdout(c: &mut assert_cmd::Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `list TYPE ARGS --json`, one value per record.
pub fn list_json(data: &Path, args: &[&str]) -> Vec<Value> {
    stdout(bin(data).arg("list").args(args).arg("--json"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The code of a border post the organisation does not mark unverified
/// (a post records may be written for).
pub fn a_verified_post(data: &Path) -> String {
    list_json(data, &["unit"])
        .into_iter()
        .find(|u| u["content"]["kind"] == "border_post" && u["content"]["verified"] != false)
        .map(|u| u["content"]["code"].as_str().unwrap().to_string())
        .unwrap()
}

/// The revisions in the store, counted through the store file: every write
/// appends one.
pub fn revision_count(data: &Path) -> usize {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let n = rt.block_on(async {
        let store = bienphong_store::SqlStore::open_sqlite(&data.join("bienphong.sqlite"))
            .await
            .unwrap();
        use bienphong_store::Store;
        store.revision_count().await.unwrap()
    });
    n as usize
}

/// Audit entries of the store in `data`, newest first, filtered by action.
pub fn audit_of(data: &Path, action: &str) -> Vec<bienphong_store::AuditEntry> {
    use bienphong_store::AccountStore as _;
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bienphong_store::SqlStore::open_sqlite(&data.join("bienphong.sqlite"))
            .await
            .unwrap();
        let entries = store
            .audit(&bienphong_store::AuditFilter {
                action: Some(action.to_string()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        store.close().await;
        entries
    })
}

/// A copy of the demo store in a temporary data directory, removed when
/// dropped.
pub struct Demo {
    dir: tempfile::TempDir,
    /// Kept while a test runs, so that the next test copies it again instead
    /// of building it; the last test to drop it removes it.
    _template: Arc<tempfile::TempDir>,
}

impl Demo {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The demo store, built once for the tests that run together and then
/// copied for each of them.
pub fn demo() -> Demo {
    static TEMPLATE: Mutex<Weak<tempfile::TempDir>> = Mutex::new(Weak::new());
    let template = {
        let mut slot = TEMPLATE.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.upgrade() {
            Some(t) => t,
            None => {
                let dir = tempfile::tempdir().unwrap();
                bin(dir.path()).arg("demo").assert().success();
                let t = Arc::new(dir);
                *slot = Arc::downgrade(&t);
                t
            }
        }
    };
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(template.path()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    Demo {
        dir,
        _template: template,
    }
}

/// The first of `candidates` that is installed; `None`, with a note, where
/// none is, unless `BIENPHONG_REQUIRE_LIBREOFFICE` is set (CI): then the
/// test fails.
pub fn tool(candidates: &[&str], what: &str) -> Option<PathBuf> {
    let found = candidates.iter().map(PathBuf::from).find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("BIENPHONG_REQUIRE_LIBREOFFICE").is_err(),
            "{what} is required (BIENPHONG_REQUIRE_LIBREOFFICE is set)"
        );
        eprintln!("skipped: {what} is not installed");
    }
    found
}

pub fn libreoffice() -> Option<PathBuf> {
    tool(&["/usr/bin/libreoffice", "/usr/bin/soffice"], "LibreOffice")
}

/// A PostgreSQL database for one test, dropped after it; `None` when
/// `BIENPHONG_TEST_PG` is not set.
pub struct PgDb {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDb {
    pub fn create() -> Option<PgDb> {
        let Ok(admin) = std::env::var("BIENPHONG_TEST_PG") else {
            eprintln!("skipped: BIENPHONG_TEST_PG is not set");
            return None;
        };
        let name = format!("bienphong_cli_{}", uuid::Uuid::now_v7().simple());
        pg_admin(&admin, &format!("CREATE DATABASE {name}"));
        let base = admin.split('?').next().unwrap();
        let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
        Some(PgDb { admin, name, url })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        pg_admin(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// Runs `sql` as the administrator, on a thread of its own: tests that
/// are themselves asynchronous create and drop databases too.
fn pg_admin(admin: &str, sql: &str) {
    let (admin, sql) = (admin.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("BIENPHONG_TEST_PG must be reachable");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
    })
    .join()
    .unwrap();
}
