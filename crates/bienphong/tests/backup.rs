//! Backups as an administrator takes them: while the store is in use, then
//! restored into an empty data directory on another machine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use common::{PgDb, a_verified_post, bin, demo, run, stdout};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;

/// A writer printing each record id once its transaction committed.
fn writer(data: &Path, post: &str, acknowledged: mpsc::Sender<String>) -> Child {
    writer_on(data, &[], post, acknowledged)
}

/// The same, on the store `store_args` name (`--database URL`).
fn writer_on(
    data: &Path,
    store_args: &[&str],
    post: &str,
    acknowledged: mpsc::Sender<String>,
) -> Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("bienphong"))
        .arg("--data")
        .arg(data)
        .args(store_args)
        .args(["debug-write-loop", "--unit", post, "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if acknowledged.send(line.trim().to_string()).is_err() {
                break;
            }
        }
    });
    child
}

fn ids_in(data: &Path) -> BTreeSet<String> {
    ids_at(&format!(
        "sqlite://{}",
        data.join("bienphong.sqlite").display()
    ))
}

fn ids_at(url: &str) -> BTreeSet<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use bienphong_store::Store;
        let store = bienphong_store::SqlStore::connect(url).await.unwrap();
        let mut ids = BTreeSet::new();
        let mut after = 0;
        loop {
            let page = store.revisions_after(after, 10_000).await.unwrap();
            let Some((last, _)) = page.last() else { break };
            after = *last;
            ids.extend(page.into_iter().map(|(_, r)| r.record_id.to_string()));
        }
        ids
    })
}

#[test]
fn a_backup_taken_while_eight_writers_write_restores_every_acknowledged_write() {
    let data = demo();
    let post = a_verified_post(data.path());
    let (tx, rx) = mpsc::channel();
    let mut writers: Vec<Child> = (0..8)
        .map(|_| writer(data.path(), &post, tx.clone()))
        .collect();
    drop(tx);
    // Every writer under way before the backup begins.
    let mut acknowledged = BTreeSet::new();
    while acknowledged.len() < 80 {
        acknowledged.insert(rx.recv().unwrap());
    }
    // Whatever was printed before the backup began was committed before it.
    acknowledged.extend(rx.try_iter());
    let file = data.path().join("copy.bpbak");
    let said = stdout(
        bin(data.path())
            .args(["--lang", "en", "backup", "--to"])
            .arg(&file),
    );
    let during: usize = rx.try_iter().count();
    for w in &mut writers {
        w.kill().unwrap();
        w.wait().unwrap();
    }
    assert!(
        during > 0,
        "the writers went on while the backup ran (or it was too quick to tell)"
    );
    assert!(said.starts_with("Backed up "), "{said}");

    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("data");
    let said = stdout(bin(&target).args(["--lang", "en", "restore"]).arg(&file));
    assert!(said.starts_with("Restored "), "{said}");
    let ids = ids_in(&target);
    let missing: Vec<&String> = acknowledged.difference(&ids).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes are missing, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    let check = stdout(bin(&target).args(["--lang", "en", "store", "check"]));
    assert!(check.contains("intact"), "{check}");
    // The restored store reports what the original did for the same year.
    let report = |d: &Path| stdout(bin(d).args(["report", "annual", "--year", "2023"]));
    assert_eq!(report(&target), report(data.path()));
}

#[test]
fn a_damaged_backup_is_refused_and_leaves_nothing_behind() {
    let data = demo();
    let file = data.path().join("b.bpbak");
    stdout(bin(data.path()).args(["backup", "--to"]).arg(&file));
    let whole = std::fs::read(&file).unwrap();

    // One byte changed in the middle, one file cut short: both refused.
    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let cut = whole[..whole.len() * 2 / 3].to_vec();
    for (what, bytes) in [("flipped", flipped), ("cut", cut)] {
        let damaged = data.path().join(format!("{what}.bpbak"));
        std::fs::write(&damaged, bytes).unwrap();
        let target = tempfile::tempdir().unwrap();
        let r = run(bin(target.path())
            .args(["--lang", "en", "restore"])
            .arg(&damaged));
        assert_ne!(r.code, 0, "{what}: {}", r.stdout);
        assert!(
            r.stderr.contains("damaged") || r.stderr.contains("corrupt"),
            "{what}: {}",
            r.stderr
        );
        let left: Vec<_> = std::fs::read_dir(target.path()).unwrap().collect();
        assert!(left.is_empty(), "{what}: nothing is left behind: {left:?}");
    }

    // The whole file restores; a second restore over it is refused.
    let target = tempfile::tempdir().unwrap();
    stdout(bin(target.path()).arg("restore").arg(&file));
    let again = run(bin(target.path())
        .args(["--lang", "en", "restore"])
        .arg(&file));
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("already"), "{}", again.stderr);
}

#[test]
fn a_node_s_backup_carries_its_sync_settings_and_an_existing_file_is_never_overwritten() {
    let data = demo();
    // A node's settings beside its store, as `node init` leaves them.
    let settings = r#"{"server":"http://127.0.0.1:9","token":"t","pull_cursor":12,"push_cursor":3,"installation":"k1"}"#;
    std::fs::write(data.path().join("sync.json"), settings).unwrap();
    let file = data.path().join("n.bpbak");
    stdout(bin(data.path()).args(["backup", "--to"]).arg(&file));
    let before = std::fs::read(&file).unwrap();
    let again = run(bin(data.path())
        .args(["--lang", "en", "backup", "--to"])
        .arg(&file));
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let target = tempfile::tempdir().unwrap();
    stdout(bin(target.path()).arg("restore").arg(&file));
    assert_eq!(
        std::fs::read_to_string(target.path().join("sync.json")).unwrap(),
        settings
    );
}

/// A write transaction open in another connection while the backup runs
/// neither blocks it nor leaks into it: the backup holds what was
/// committed when it began, and the transaction commits afterwards.
#[test]
fn a_backup_neither_waits_for_nor_holds_a_transaction_still_open() {
    use sqlx::Connection as _;
    let data = demo();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = format!(
        "sqlite://{}",
        data.path().join("bienphong.sqlite").display()
    );
    let mut writer = rt
        .block_on(sqlx::sqlite::SqliteConnection::connect(&url))
        .unwrap();
    rt.block_on(async {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut writer)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE uncommitted_probe (x INTEGER)")
            .execute(&mut writer)
            .await
            .unwrap();
    });
    let file = data.path().join("open.bpbak");
    stdout(bin(data.path()).args(["backup", "--to"]).arg(&file));
    rt.block_on(async {
        sqlx::query("COMMIT").execute(&mut writer).await.unwrap();
    });
    let tables = |db: &Path| -> i64 {
        let url = format!("sqlite://{}", db.display());
        rt.block_on(async {
            let mut c = sqlx::sqlite::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'uncommitted_probe'",
            )
            .fetch_one(&mut c)
            .await
            .unwrap()
        })
    };
    assert_eq!(tables(&data.path().join("bienphong.sqlite")), 1);
    let target = tempfile::tempdir().unwrap();
    stdout(bin(target.path()).arg("restore").arg(&file));
    assert_eq!(
        tables(&target.path().join("bienphong.sqlite")),
        0,
        "what was not committed when the backup began is not in it"
    );
}

/// What a user may get wrong: a file that is no backup, a directory that
/// does not exist. Each is named, and nothing is written.
#[test]
fn a_file_that_is_no_backup_and_a_missing_directory_are_named() {
    let data = demo();
    let sheet = data.path().join("bienphong.sqlite");
    let target = tempfile::tempdir().unwrap();
    let r = run(bin(target.path())
        .args(["--lang", "en", "restore"])
        .arg(&sheet));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not a bienphong backup"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(target.path()).unwrap().count(), 0);

    let missing = data.path().join("no-such-dir").join("b.bpbak");
    let r = run(bin(data.path())
        .args(["--lang", "en", "backup", "--to"])
        .arg(&missing));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("no-such-dir") && r.stderr.contains("no such directory"),
        "{}",
        r.stderr
    );
    assert!(!data.path().join("no-such-dir").exists());
}

/// `serve --backup-every 1s --backup-keep 2` writes backups while it
/// serves and keeps the newest two; the newest restores into a store that
/// checks. A bad interval is refused before anything starts.
#[test]
fn the_server_backs_up_on_schedule_and_keeps_the_newest() {
    let demo = demo();
    let d = demo.path();
    let refused = bin(d)
        .args(["serve", "--listen", "127.0.0.1:0", "--backup-every", "soon"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--backup-every"));

    let mut server = common::process(d)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--backup-every", "1s", "--backup-keep", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let backups = d.join("backups");
    let listed = || -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(&backups)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "bpbak"));
        files.sort();
        files
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut most = 0;
    let mut seen = BTreeSet::new();
    while seen.len() < 4 && std::time::Instant::now() < deadline {
        let now = listed();
        most = most.max(now.len());
        seen.extend(now);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        seen.len() >= 4,
        "four scheduled backups within a minute: {seen:?}"
    );
    // A new one is written before the oldest goes: two kept, three for a
    // moment at most.
    assert!(most <= 3, "never more than two kept: {most}");
    let newest = listed().pop().unwrap();
    let restored = tempfile::tempdir().unwrap();
    stdout(bin(restored.path()).arg("restore").arg(&newest));
    let checked = stdout(bin(restored.path()).args(["store", "check"]));
    assert!(checked.contains("toàn vẹn"), "{checked}");
}

/// A post laptop's store encrypted at rest, as an administrator sets it up
/// (a key file, the existing store copied into an encrypted one), then the
/// laptop lost: the file, and a backup of it, are unreadable without the
/// key and read whole with it.
#[test]
fn an_encrypted_store_and_its_backup_are_unreadable_without_their_key() {
    let data = demo();
    let key = data.path().join("store.key");
    let written = stdout(
        bin(data.path())
            .args(["--lang", "en", "store", "keygen"])
            .arg(&key),
    );
    assert!(written.contains("store.key"), "{written}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is its owner's only");
    }
    // A key file is never replaced: that would lock its store away.
    let again = run(bin(data.path()).args(["store", "keygen"]).arg(&key));
    assert_ne!(again.code, 0);

    let laptop = tempfile::tempdir().unwrap();
    let encrypted = laptop.path().join("bienphong.sqlite");
    stdout(
        bin(data.path())
            .args(["store", "copy", "--keep-identity", "--to-key-file"])
            .arg(&key)
            .arg("--to")
            .arg(format!("sqlite://{}", encrypted.display())),
    );

    // The plain store shows its header and its words; the encrypted one
    // neither, in the database nor in its WAL.
    let name = "Lũng Cú";
    let plain = std::fs::read(data.path().join("bienphong.sqlite")).unwrap();
    assert!(plain.starts_with(b"SQLite format 3"));
    assert!(
        contains(&plain, name.as_bytes()),
        "the test looks for a word the store holds"
    );
    for file in std::fs::read_dir(laptop.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(!contains(&bytes, name.as_bytes()));
    }

    let patrols = |extra: &[&std::ffi::OsStr]| {
        run(bin(laptop.path())
            .args(["--lang", "en"])
            .args(extra)
            .args(["list", "patrol", "--json"]))
    };
    let original = stdout(bin(data.path()).args(["list", "patrol", "--json"]));
    let without = patrols(&[]);
    assert_ne!(without.code, 0);
    assert!(without.stderr.contains("encrypted"), "{}", without.stderr);
    let wrong = laptop.path().join("wrong.key");
    stdout(bin(laptop.path()).args(["store", "keygen"]).arg(&wrong));
    let with_wrong = patrols(&["--key-file".as_ref(), wrong.as_os_str()]);
    assert_ne!(with_wrong.code, 0);
    assert!(
        with_wrong.stderr.contains("encrypted"),
        "{}",
        with_wrong.stderr
    );
    let with_key = patrols(&["--key-file".as_ref(), key.as_os_str()]);
    assert_eq!(with_key.code, 0, "{}", with_key.stderr);
    assert_eq!(
        with_key.stdout, original,
        "every record reads back with its key"
    );

    // Its backup is encrypted with the same key.
    let file = laptop.path().join("laptop.bpbak");
    stdout(
        bin(laptop.path())
            .arg("--key-file")
            .arg(&key)
            .args(["backup", "--to"])
            .arg(&file),
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let refused = run(bin(elsewhere.path())
        .args(["--lang", "en", "restore"])
        .arg(&file));
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("encrypted"), "{}", refused.stderr);
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none(),
        "a refused restore leaves nothing"
    );
    stdout(
        bin(elsewhere.path())
            .arg("--key-file")
            .arg(&key)
            .arg("restore")
            .arg(&file),
    );
    let restored = stdout(
        bin(elsewhere.path())
            .arg("--key-file")
            .arg(&key)
            .args(["list", "patrol", "--json"]),
    );
    assert_eq!(restored, original);

    // doctor reads the store with the key its configuration names, and
    // says what is wrong without it.
    let config = laptop.path().join("bienphong.env");
    let doctor = |text: String| {
        std::fs::write(&config, text).unwrap();
        run(bin(laptop.path())
            .args(["--lang", "en", "doctor", "--json", "--config"])
            .arg(&config))
    };
    let keyed = doctor(format!(
        "BIENPHONG_DATA={}\nBIENPHONG_KEY_FILE={}\n",
        laptop.path().display(),
        key.display()
    ));
    let store_finding = |out: &str| {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v.as_array()
            .or_else(|| v["findings"].as_array())
            .unwrap()
            .iter()
            .find(|f| f["check"] == "store")
            .cloned()
            .unwrap()
    };
    assert_eq!(
        store_finding(&keyed.stdout)["health"],
        "ok",
        "{}",
        keyed.stdout
    );
    let keyless = doctor(format!("BIENPHONG_DATA={}\n", laptop.path().display()));
    let finding = store_finding(&keyless.stdout);
    assert_eq!(finding["health"], "fail", "{}", keyless.stdout);
    assert!(finding.to_string().contains("encrypted"), "{finding}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A server on PostgreSQL backed up with the same command while writers
/// write: the backup holds every write acknowledged before it began, and
/// restores onto an empty PostgreSQL database (keeping the server's
/// identity, so its nodes go on syncing) or into a SQLite data directory.
#[test]
fn a_postgresql_store_is_backed_up_while_writers_write_and_restores_onto_either_backend() {
    let (Some(source), Some(target)) = (PgDb::create(), PgDb::create()) else {
        return;
    };
    let data = demo();
    let post = a_verified_post(data.path());
    stdout(
        bin(data.path())
            .args(["store", "copy", "--keep-identity", "--to"])
            .arg(&source.url),
    );
    let on = |url: &str| {
        let mut c = bin(data.path());
        c.args(["--lang", "en", "--database", url]);
        c
    };
    let (tx, rx) = mpsc::channel();
    let mut writers: Vec<Child> = (0..4)
        .map(|_| writer_on(data.path(), &["--database", &source.url], &post, tx.clone()))
        .collect();
    drop(tx);
    let mut acknowledged = BTreeSet::new();
    while acknowledged.len() < 40 {
        acknowledged.insert(rx.recv().unwrap());
    }
    acknowledged.extend(rx.try_iter());
    let file = data.path().join("server.bpbak");
    let said = stdout(on(&source.url).args(["backup", "--to"]).arg(&file));
    let during = rx.try_iter().count();
    for w in &mut writers {
        w.kill().unwrap();
        w.wait().unwrap();
    }
    assert!(said.starts_with("Backed up "), "{said}");
    assert!(during > 0, "the writers went on while the backup ran");

    let said = stdout(on(&target.url).arg("restore").arg(&file));
    assert!(said.starts_with("Restored "), "{said}");
    let restored = ids_at(&target.url);
    let missing: Vec<&String> = acknowledged.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes missing",
        missing.len()
    );
    let node_id = |url: &str| {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            use bienphong_store::Store as _;
            bienphong_store::SqlStore::connect(url)
                .await
                .unwrap()
                .node_id()
                .to_string()
        })
    };
    assert_eq!(
        node_id(&target.url),
        node_id(&source.url),
        "the server keeps its identity"
    );
    let again = run(on(&target.url).arg("restore").arg(&file));
    assert_ne!(again.code, 0, "an empty database only");
    assert!(again.stderr.contains("already"), "{}", again.stderr);

    let sqlite = tempfile::tempdir().unwrap();
    stdout(bin(sqlite.path()).arg("restore").arg(&file));
    assert_eq!(ids_in(sqlite.path()), restored);
    let report =
        |c: &mut assert_cmd::Command| stdout(c.args(["report", "annual", "--year", "2023"]));
    assert_eq!(
        report(&mut on(&target.url)),
        report(bin(sqlite.path()).arg("--lang").arg("en"))
    );
}
